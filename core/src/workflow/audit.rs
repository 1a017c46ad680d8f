//! The hash-chained, signed audit log.
//!
//! Entry `n` holds the hash of entry `n - 1` (zeros for the first), its own
//! hash over every field before the signature, and the actor's Ed25519
//! signature over that hash. Entries record ids, actions and statuses — never
//! names, answers or comments. [`verify`] walks the chain and names the first
//! entry that breaks it: an edited, deleted, inserted or reordered entry, or a
//! forged signature.

use ring::digest::{SHA256, digest};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Status;

/// What an entry says beyond actor, action and subject: ids and statuses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Detail {
    pub from: Option<Status>,
    pub to: Option<Status>,
    /// Other ids involved (the household, the cycle, a new owner, ...).
    pub related: Vec<Uuid>,
    /// SHA-256 of the sealed record the act applied to, where there is one.
    pub content: Option<[u8; 32]>,
}

/// One link of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: Uuid,
    pub action: String,
    pub subject: Uuid,
    /// A postcard-encoded [`Detail`].
    pub detail: Vec<u8>,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
    pub signature: Vec<u8>,
}

/// Why the chain breaks at an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// Sequence numbers are not 1, 2, 3, ...: an entry was deleted, inserted or moved.
    Sequence,
    /// The entry does not point at the hash of the one before it.
    Link,
    /// The entry's content does not match its hash: it was edited.
    Content,
    /// The actor's key is not known.
    UnknownActor,
    /// The signature does not verify under the actor's key.
    Signature,
}

/// The first entry at which verification failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the audit chain breaks at entry {seq}: {reason:?}")]
pub struct AuditBreak {
    /// The `seq` found at the failing position (the position if it had none).
    pub seq: u64,
    pub reason: BreakReason,
}

/// The hash of an entry's fields.
pub fn entry_hash(
    seq: u64,
    at_ms: i64,
    actor: Uuid,
    action: &str,
    subject: Uuid,
    detail: &[u8],
    prev_hash: &[u8; 32],
) -> [u8; 32] {
    // The tuple's postcard encoding is unambiguous: every variable field is
    // length-prefixed.
    let fields = (b"hearth/audit/v1", seq, at_ms, actor, action, subject, detail, prev_hash);
    let bytes = postcard::to_stdvec(&fields).unwrap_or_default();
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, &bytes).as_ref());
    out
}

/// What an actor signs: the entry hash under a context string.
pub fn signed_message(hash: &[u8; 32]) -> Vec<u8> {
    let mut m = b"hearth/audit-signature/v1\0".to_vec();
    m.extend_from_slice(hash);
    m
}

/// Walks the chain in order. `key_of` gives an actor's Ed25519 public key.
/// Returns the number of entries verified.
pub fn verify(
    entries: &[AuditEntry],
    key_of: impl Fn(Uuid) -> Option<[u8; 32]>,
) -> Result<usize, AuditBreak> {
    let mut prev = [0u8; 32];
    for (i, e) in entries.iter().enumerate() {
        let fail = |reason| AuditBreak { seq: e.seq, reason };
        if e.seq != i as u64 + 1 {
            return Err(fail(BreakReason::Sequence));
        }
        if e.prev_hash != prev {
            return Err(fail(BreakReason::Link));
        }
        if entry_hash(e.seq, e.at_ms, e.actor, &e.action, e.subject, &e.detail, &e.prev_hash) != e.hash {
            return Err(fail(BreakReason::Content));
        }
        let key = key_of(e.actor).ok_or(fail(BreakReason::UnknownActor))?;
        UnparsedPublicKey::new(&ED25519, key)
            .verify(&signed_message(&e.hash), &e.signature)
            .map_err(|_| fail(BreakReason::Signature))?;
        prev = e.hash;
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    use super::*;

    fn chain(n: u64) -> (Vec<AuditEntry>, [u8; 32]) {
        let pair = Ed25519KeyPair::from_pkcs8(
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap().as_ref(),
        )
        .unwrap();
        let actor = Uuid::from_u128(7);
        let mut prev = [0u8; 32];
        let mut out = Vec::new();
        for seq in 1..=n {
            let detail =
                postcard::to_stdvec(&Detail { to: Some(Status::Draft), ..Default::default() }).unwrap();
            let subject = Uuid::from_u128(seq as u128);
            let hash = entry_hash(seq, seq as i64 * 1000, actor, "interview.save", subject, &detail, &prev);
            let signature = pair.sign(&signed_message(&hash)).as_ref().to_vec();
            out.push(AuditEntry {
                seq,
                at_ms: seq as i64 * 1000,
                actor,
                action: "interview.save".into(),
                subject,
                detail,
                prev_hash: prev,
                hash,
                signature,
            });
            prev = hash;
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(pair.public_key().as_ref());
        (out, key)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (c, key) = chain(5);
        assert_eq!(verify(&c, |_| Some(key)), Ok(5));
        assert_eq!(verify(&[], |_| Some(key)), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let (mut c, key) = chain(5);
        c[2].at_ms += 1;
        assert_eq!(verify(&c, |_| Some(key)), Err(AuditBreak { seq: 3, reason: BreakReason::Content }));
    }

    #[test]
    fn a_deleted_or_reordered_entry_is_named() {
        let (c, key) = chain(5);
        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(verify(&deleted, |_| Some(key)).unwrap_err().seq, 3);
        let mut swapped = c.clone();
        swapped.swap(1, 2);
        assert_eq!(
            verify(&swapped, |_| Some(key)).unwrap_err(),
            AuditBreak { seq: 3, reason: BreakReason::Sequence }
        );
    }

    #[test]
    fn a_forged_signature_is_named() {
        let (mut c, key) = chain(3);
        c[1].signature[10] ^= 1;
        assert_eq!(verify(&c, |_| Some(key)), Err(AuditBreak { seq: 2, reason: BreakReason::Signature }));
        let (other, _) = chain(3);
        let (c, _) = chain(3);
        let other_key = |_| Some(other[0].hash); // not a signing key at all
        assert_eq!(verify(&c, other_key).unwrap_err().reason, BreakReason::Signature);
        assert_eq!(verify(&c, |_| None).unwrap_err().reason, BreakReason::UnknownActor);
    }

    #[test]
    fn a_rehashed_entry_still_breaks_the_next_link_or_signature() {
        let (mut c, key) = chain(4);
        c[1].at_ms += 1;
        c[1].hash = entry_hash(
            c[1].seq,
            c[1].at_ms,
            c[1].actor,
            &c[1].action,
            c[1].subject,
            &c[1].detail,
            &c[1].prev_hash,
        );
        assert_eq!(
            verify(&c, |_| Some(key)).unwrap_err(),
            AuditBreak { seq: 2, reason: BreakReason::Signature }
        );
    }
}
