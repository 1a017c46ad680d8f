//! The per-origin hash chain, and runs: how the changes of one origin travel.
//!
//! A change made under v2 records the chain hash of its origin's previous
//! change; its own hash covers its fields and that link. The actor signs the
//! hash, so a signature vouches for the change and, through the links, for
//! every earlier one. A run therefore carries one signature per stretch of
//! one actor's consecutive changes (`Sig::Chain` on the last, `Sig::Covered`
//! on the others). A change made under v1 has no link and keeps its own v1
//! signature (`Sig::Single`); the next change links to its hash all the same.

use ring::digest::{SHA256, digest};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

use super::packet::PacketError;
use super::wire::Change;
use super::wire2::{Item, Run, Sig};

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
        items.push(Item {
            hlc_step: step,
            base_back,
            actor: c.actor,
            entity: c.entity,
            op: c.op,
            payload: c.payload.clone(),
            sig,
        });
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
    for (i, item) in run.items.iter().enumerate() {
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
        let change = Change {
            origin: run.origin,
            seq,
            hlc,
            base_hlc,
            actor: item.actor,
            entity: item.entity,
            op: item.op,
            payload: item.payload.clone(),
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
