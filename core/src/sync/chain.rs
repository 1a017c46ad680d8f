//! The per-origin hash chain, and runs: how the changes of one origin travel.
//!
//! A change made under v2 records the chain hash of its origin's previous
//! change; its own hash covers its fields and that link. The actor signs the
//! hash, so a signature vouches for the change and, through the links, for
//! every earlier one. A run therefore carries one signature per stretch of
//! one actor's consecutive changes (`Sig::Chain` on the last, `Sig::Covered`
//! on the others). A change made under v1 has no link and keeps its own v1
//! signature (`Sig::Single`); the next change links to its hash all the same.

use std::collections::HashMap;

use ring::digest::{SHA256, digest};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

use super::packet::PacketError;
use super::wire::{Change, Entity};
use super::wire2::{Item, Payload, Run, Sig, WireInterview};

/// A change as the log keeps it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    /// The change. Its `signature` is the v1 signature of a change made under
    /// v1, and empty for a change made under v2.
    pub change: Change,
    /// The chain hash of the origin's previous change (zero for v1 changes
    /// and for the first change of an origin).
    pub prev: [u8; 32],
    /// The actor's signature over [`Logged::hash`], when this store holds it:
    /// always for its own changes, for received ones when the packet carried it.
    pub chain_sig: Vec<u8>,
}

impl Logged {
    /// A change made under v1, signed alone.
    pub fn is_v1(&self) -> bool {
        !self.change.signature.is_empty()
    }

    /// The chain hash: SHA-256 over the change's fields and its link.
    pub fn hash(&self) -> [u8; 32] {
        let c = &self.change;
        let prev = if self.is_v1() { [0u8; 32] } else { self.prev };
        let fields = (
            b"hearth/change/v2",
            &c.origin,
            c.seq,
            c.hlc,
            c.base_hlc,
            &c.actor,
            &c.entity,
            &c.op,
            &c.payload,
            &prev,
        );
        let bytes = postcard::to_stdvec(&fields).unwrap_or_default();
        let mut h = [0u8; 32];
        h.copy_from_slice(digest(&SHA256, &bytes).as_ref());
        h
    }
}

impl std::fmt::Debug for Logged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logged").field("change", &self.change).finish_non_exhaustive()
    }
}

/// Why a run could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("a change that ends a run has no signature here")]
    Unsigned,
    #[error("a change's clock lies outside the packet's range")]
    Clock,
}

/// Consecutive changes of one origin as a run. `with_prev` says whether the
/// recipient may lack the change before the first.
pub fn to_run(changes: &[Logged], hlc_min: u64, with_prev: bool) -> Result<Run, RunError> {
    let first = changes.first().ok_or(RunError::Unsigned)?;
    let mut items = Vec::with_capacity(changes.len());
    let mut last = hlc_min;
    let mut states: HashMap<Entity, &[u8]> = HashMap::new();
    for (i, l) in changes.iter().enumerate() {
        let c = &l.change;
        let next_covers = changes.get(i + 1).is_some_and(|n| !n.is_v1() && n.change.actor == c.actor);
        let sig = if l.is_v1() {
            Sig::Single(c.signature.clone())
        } else if next_covers {
            Sig::Covered
        } else if l.chain_sig.len() == 64 {
            Sig::Chain(l.chain_sig.clone())
        } else {
            return Err(RunError::Unsigned);
        };
        let base_back = match c.base_hlc {
            0 => 0,
            b => c.hlc.checked_sub(b).filter(|d| *d > 0).ok_or(RunError::Clock)?,
        };
        let step = i64::try_from(i128::from(c.hlc) - i128::from(last)).map_err(|_| RunError::Clock)?;
        last = c.hlc;
        let payload = match states.get(&c.entity) {
            Some(before) if !l.is_v1() => delta(before, &c.payload),
            _ => None,
        }
        .unwrap_or_else(|| Payload::Full(c.payload.clone()));
        if !l.is_v1() {
            states.insert(c.entity, &c.payload);
        }
        let entity = (i == 0 || changes[i - 1].change.entity != c.entity).then_some(c.entity);
        items.push(Item { hlc_step: step, base_back, actor: c.actor, entity, op: c.op, payload, sig });
    }
    Ok(Run {
        origin: first.change.origin,
        first: first.change.seq,
        prev: (with_prev && !first.is_v1() && first.change.seq > 1).then_some(first.prev),
        items,
    })
}

/// A run's changes, with `prev` the chain hash of the change before the
/// first (zero when the first is an origin's first). Clocks must lie in
/// `hlc_min..=hlc_max`. Signatures are checked by [`verify`].
pub fn from_run(run: &Run, hlc_min: u64, hlc_max: u64, prev: [u8; 32]) -> Result<Vec<Logged>, PacketError> {
    let mut out = Vec::with_capacity(run.items.len());
    let mut prev = prev;
    let mut last = hlc_min;
    let mut states: HashMap<Entity, Vec<u8>> = HashMap::new();
    let mut entity: Option<Entity> = None;
    for (i, item) in run.items.iter().enumerate() {
        entity = item.entity.or(entity);
        let entity = entity.ok_or(PacketError::Malformed)?;
        let seq = run.first.checked_add(i as u64).filter(|s| *s >= 1 && *s < 1 << 63);
        let hlc = last
            .checked_add_signed(item.hlc_step)
            .filter(|h| (hlc_min..=hlc_max).contains(h) && *h < 1 << 63);
        last = hlc.unwrap_or(0);
        let (Some(seq), Some(hlc)) = (seq, hlc) else { return Err(PacketError::Malformed) };
        let base_hlc = match item.base_back {
            0 => 0,
            b => hlc.checked_sub(b).ok_or(PacketError::Malformed)?,
        };
        let (signature, chain_sig) = match &item.sig {
            Sig::Single(s) => (s.clone(), Vec::new()),
            Sig::Chain(s) => (Vec::new(), s.clone()),
            Sig::Covered => (Vec::new(), Vec::new()),
        };
        let well_formed = match &item.sig {
            Sig::Covered => true,
            Sig::Single(s) | Sig::Chain(s) => s.len() == 64,
        };
        if !well_formed {
            return Err(PacketError::BadChange);
        }
        let payload = rebuild(states.get(&entity), &item.payload)?;
        if matches!(item.sig, Sig::Single(_)) {
            if !matches!(item.payload, Payload::Full(_)) {
                return Err(PacketError::Malformed);
            }
        } else {
            states.insert(entity, payload.clone());
        }
        let change = Change {
            origin: run.origin,
            seq,
            hlc,
            base_hlc,
            actor: item.actor,
            entity,
            op: item.op,
            payload,
            signature,
        };
        let logged = Logged {
            change,
            prev: if matches!(item.sig, Sig::Single(_)) { [0; 32] } else { prev },
            chain_sig,
        };
        prev = logged.hash();
        out.push(logged);
    }
    Ok(out)
}

/// `after` as what changed since `before`, when both are interview states
/// and `after` differs only as a save or a review may: its answers, or its
/// status, comments and submission time.
fn delta(before: &[u8], after: &[u8]) -> Option<Payload> {
    let b: WireInterview = postcard::from_bytes(before).ok()?;
    let a: WireInterview = postcard::from_bytes(after).ok()?;
    let saved = WireInterview { answers: a.answers.clone(), ..b.clone() };
    let reviewed =
        WireInterview { status: a.status, comments: a.comments.clone(), submitted_ms: a.submitted_ms, ..b };
    // Only when rebuilding gives back the very bytes the actor signed.
    let exact = |w: &WireInterview| *w == a && postcard::to_stdvec(w).ok().as_deref() == Some(after);
    if exact(&saved) {
        Some(Payload::Answers(a.answers))
    } else if exact(&reviewed) {
        Some(Payload::Review { status: a.status, comments: a.comments, submitted_ms: a.submitted_ms })
    } else {
        None
    }
}

/// The state a delta describes, from the state before it.
fn rebuild(before: Option<&Vec<u8>>, payload: &Payload) -> Result<Vec<u8>, PacketError> {
    let edit = |f: &dyn Fn(&mut WireInterview)| {
        let before = before.ok_or(PacketError::Malformed)?;
        let mut w: WireInterview = postcard::from_bytes(before).map_err(|_| PacketError::Malformed)?;
        f(&mut w);
        postcard::to_stdvec(&w).map_err(|_| PacketError::Malformed)
    };
    match payload {
        Payload::Full(p) => Ok(p.clone()),
        Payload::Answers(answers) => edit(&|w| w.answers = answers.clone()),
        Payload::Review { status, comments, submitted_ms } => edit(&|w| {
            w.status = *status;
            w.comments = comments.clone();
            w.submitted_ms = *submitted_ms;
        }),
    }
}

/// Checks that every change of a run is vouched for by its actor: by its own
/// v1 signature, or by the chain signature ending its actor's stretch.
/// `key_of` gives an actor's Ed25519 key.
pub fn verify(run: &[Logged], key_of: impl Fn(&[u8; 16]) -> Option<[u8; 32]>) -> Result<(), PacketError> {
    let mut pending: Option<[u8; 16]> = None;
    for l in run {
        let actor = l.change.actor;
        if pending.is_some_and(|p| p != actor) {
            return Err(PacketError::BadChange);
        }
        let key = key_of(&actor).ok_or(PacketError::BadChange)?;
        let vk = UnparsedPublicKey::new(&ED25519, key);
        if l.is_v1() {
            if pending.is_some() {
                return Err(PacketError::BadChange);
            }
            vk.verify(&l.change.signed_bytes(), &l.change.signature).map_err(|_| PacketError::BadChange)?;
        } else if l.chain_sig.is_empty() {
            pending = Some(actor);
        } else {
            vk.verify(&l.hash(), &l.chain_sig).map_err(|_| PacketError::BadChange)?;
            pending = None;
        }
    }
    if pending.is_some() { Err(PacketError::BadChange) } else { Ok(()) }
}
