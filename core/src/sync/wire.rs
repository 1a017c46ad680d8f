//! Wire format v1: the frozen types that travel in packets.
//!
//! These types are not the domain's: they change only by appending (a new
//! enum variant at the end, a new struct in a new variant), never by editing
//! a field, and they never use `skip`. Golden byte vectors under
//! `tests/vectors/` must decode forever. `docs/wire-format.md` describes every
//! byte for implementers in other languages.

use serde::{Deserialize, Serialize};

/// The first four bytes of every packet.
pub const MAGIC: [u8; 4] = *b"HRTH";
/// The wire version this build writes.
pub const VERSION: u8 = 1;

/// A recipient key id: the first 8 bytes of SHA-256 over its X25519 key.
pub type KeyId = [u8; 8];

/// What anyone may read without a key; covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub packet_id: [u8; 16],
    pub created_ms: u64,
    pub sender_device: [u8; 16],
    pub sender_user: [u8; 16],
    /// The sender's Ed25519 key; it must match the sender's certificate.
    pub sender_key: [u8; 32],
    pub recipients: Vec<KeyId>,
    pub hlc_min: u64,
    pub hlc_max: u64,
    /// The changes inside, per origin.
    pub ranges: Vec<SeqRange>,
    /// What the sender already holds, per origin: an acknowledgement.
    pub known: Vec<SeqMark>,
    /// 0: the body is not compressed.
    pub compression: u8,
    /// SHA-256 of the sealed body.
    pub body_hash: [u8; 32],
}

/// Sequence numbers `first..=last` of one origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqRange {
    pub origin: [u8; 16],
    pub first: u64,
    pub last: u64,
}

/// Everything of `origin` up to `seq` is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqMark {
    pub origin: [u8; 16],
    pub seq: u64,
}

/// The body's content key, sealed to one recipient with HPKE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrap {
    pub key_id: KeyId,
    /// The HPKE encapsulated key (X25519 public key).
    pub enc: [u8; 32],
    /// The content key sealed (32 bytes + 16-byte tag).
    pub sealed_key: Vec<u8>,
}

/// The sealed part of a packet.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Certificates of the sender and of every actor in `changes`.
    pub certificates: Vec<Vec<u8>>,
    pub changes: Vec<Change>,
}

/// One change made by one user on one device.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The device (database) the change was made on.
    pub origin: [u8; 16],
    /// Its sequence number on that device: 1, 2, 3, ...
    pub seq: u64,
    /// Its hybrid logical timestamp.
    pub hlc: u64,
    /// The timestamp of the entity's state the change was made on (0: none).
    pub base_hlc: u64,
    pub actor: [u8; 16],
    pub entity: Entity,
    pub op: Op,
    /// The entity's whole state after the change, in its wire type.
    pub payload: Vec<u8>,
    /// The actor's Ed25519 signature over [`Change::signed_bytes`].
    pub signature: Vec<u8>,
}

impl Change {
    /// What the actor signs: every field but the signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let fields = (
            b"hearth/change/v1",
            &self.origin,
            self.seq,
            self.hlc,
            self.base_hlc,
            &self.actor,
            &self.entity,
            &self.op,
            &self.payload,
        );
        postcard::to_stdvec(&fields).unwrap_or_default()
    }
}

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Entity {
    Cycle([u8; 16]),
    Household([u8; 16]),
    Interview([u8; 16]),
    /// Who interviews a household in a cycle; the id is
    /// `wire2::assignment_id(cycle, household)`. Written from v2 on.
    Assignment([u8; 16]),
}

impl Entity {
    /// The entity's id.
    pub fn id(&self) -> [u8; 16] {
        match *self {
            Entity::Cycle(id) | Entity::Household(id) | Entity::Interview(id) | Entity::Assignment(id) => id,
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    Upsert,
    Delete,
    /// A lifecycle act on an interview (see [`act_code`]).
    Act(u8),
}

/// A household's state.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WireHousehold {
    pub village: String,
    pub address: String,
    pub members: Vec<WireMember>,
    pub gps: Option<(f64, f64)>,
    pub phone: Option<String>,
    pub notes: String,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WireMember {
    pub id: [u8; 16],
    pub full_name: String,
    /// 0 male, 1 female.
    pub sex: u8,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub birth: String,
    pub ethnicity: String,
    /// 0 head, 1 spouse, 2 child, 3 child-in-law, 4 grandchild, 5 parent, 6 sibling, 7 other.
    pub relationship: u8,
    pub national_id: Option<String>,
}

/// A review cycle's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireCycle {
    pub year: i32,
    /// 0 periodic, otherwise the month of a regular review.
    pub month: u8,
    pub standard_id: String,
    /// `YYYY-MM-DD`.
    pub reference_date: String,
    pub units: Vec<String>,
    pub certified: bool,
}

/// An interview's state. Answers travel in the interchange JSON
/// (`docs/household-answers.md`), itself a frozen, documented format; the
/// score is recomputed from them by the receiver.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireInterview {
    pub household: [u8; 16],
    pub cycle: [u8; 16],
    pub village: String,
    pub form_id: String,
    pub form_version: u32,
    pub officer: [u8; 16],
    /// See [`status_code`].
    pub status: u8,
    pub answers_json: String,
    pub comments: Vec<WireComment>,
    pub submitted_ms: Option<i64>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireComment {
    pub author: [u8; 16],
    pub at_ms: i64,
    pub question: Option<String>,
    pub row: Option<u32>,
    pub text: String,
}

/// The wire code of a lifecycle status.
pub fn status_code(s: crate::workflow::Status) -> u8 {
    use crate::workflow::Status::*;
    match s {
        Draft => 0,
        Completed => 1,
        Submitted => 2,
        Approved => 3,
        Certified => 4,
        Returned => 5,
        Rejected => 6,
    }
}

/// The status a wire code names.
pub fn status_from(code: u8) -> Option<crate::workflow::Status> {
    crate::workflow::Status::ALL.into_iter().find(|s| status_code(*s) == code)
}

/// The wire code of a lifecycle act.
pub fn act_code(a: crate::workflow::Act) -> u8 {
    use crate::workflow::Act::*;
    match a {
        Save => 0,
        Complete => 1,
        Submit => 2,
        Approve => 3,
        Return => 4,
        Reject => 5,
        Reopen => 6,
        Certify => 7,
    }
}

/// The act a wire code names; [`ACT_START`] and [`ACT_REASSIGN`] are not
/// lifecycle acts.
pub fn act_from(code: u8) -> Option<crate::workflow::Act> {
    crate::workflow::Act::ALL.into_iter().find(|a| act_code(*a) == code)
}

/// The act code of starting an interview.
pub const ACT_START: u8 = 8;
/// The act code of moving an interview to another officer.
pub const ACT_REASSIGN: u8 = 9;

// Wire records carry names, answers and comments: `Debug` shows ids and
// sizes only.
impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("certificates", &self.certificates.len())
            .field("changes", &self.changes)
            .finish()
    }
}

impl std::fmt::Debug for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Change")
            .field("seq", &self.seq)
            .field("hlc", &self.hlc)
            .field("entity", &self.entity)
            .field("op", &self.op)
            .field("payload_bytes", &self.payload.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireHousehold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireHousehold")
            .field("village", &self.village)
            .field("members", &self.members.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireMember").field("id", &self.id).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireInterview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireInterview")
            .field("status", &self.status)
            .field("comments", &self.comments.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireComment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireComment")
            .field("question", &self.question)
            .field("row", &self.row)
            .finish_non_exhaustive()
    }
}
