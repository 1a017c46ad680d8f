//! Wire format v2: the envelope, body and interview record that packets carry
//! since v2. Frozen like v1 (`wire`): append-only, never `skip`, golden-tested
//! under `tests/vectors/*-v2.hex`. Households and cycles travel in their v1
//! wire types; the entity and act codes are v1's.
//!
//! What changed from v1, for size (ADR 0008):
//! - one X25519 ephemeral key per packet, and 40 bytes per recipient;
//! - the changes of one origin travel as a run: sequence numbers implicit,
//!   clocks as steps, and a hash chain, so the actor signs the last change
//!   of each of their stretches rather than every change;
//! - interview answers are typed and positional by the questionnaire, not
//!   JSON text, and a save or a review carries only what it changes;
//! - the body is compressed (zstd) before it is sealed.

use serde::{Deserialize, Serialize};

use super::wire::{Entity, KeyId, Op, SeqMark, WireComment};

/// The wire version of the packets this module describes.
pub const VERSION: u8 = 2;

/// What anyone may read without a key; covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The sending device: the origin of its own changes and the peer whose
    /// acknowledgements the body carries.
    pub sender_device: [u8; 16],
    /// The sender's Ed25519 key. Its certificate names the sender's user.
    pub sender_key: [u8; 32],
    /// The earliest clock of any change inside (0 when there are none).
    pub hlc_min: u64,
    /// `hlc_max - hlc_min`.
    pub hlc_span: u64,
    /// The changes inside, per origin.
    pub ranges: Vec<Range>,
    /// 0: the body is not compressed; 1: zstd.
    pub compression: u8,
    /// The X25519 public key the sender used with every recipient (HPKE `enc`).
    pub ephemeral: [u8; 32],
    pub wraps: Vec<Wrap>,
}

/// Sequence numbers `first .. first + count` of one origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub origin: [u8; 16],
    pub first: u64,
    pub count: u64,
}

/// The body's content key for one recipient: the key XOR a 32-byte secret
/// exported from that recipient's HPKE context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrap {
    pub key_id: KeyId,
    pub key: [u8; 32],
}

/// The sealed part of a packet.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// What the sender already holds, per origin: an acknowledgement.
    pub known: Vec<SeqMark>,
    /// Certificates the recipient may lack: the sender's and the actors'.
    pub certificates: Vec<Vec<u8>>,
    pub runs: Vec<Run>,
}

/// Consecutive changes of one origin, `first, first + 1, ...`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub origin: [u8; 16],
    pub first: u64,
    /// The chain hash of change `first - 1`; absent when the recipient holds
    /// that change (or `first` is 1).
    pub prev: Option<[u8; 32]>,
    pub items: Vec<Item>,
}

/// One change of a run.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The change's clock minus the previous item's (for the first item of a
    /// run: minus the header's `hlc_min`). Consecutive changes of one origin
    /// are close in time, so this is usually one to three bytes.
    pub hlc_step: i64,
    /// The change's clock minus its base clock; 0 when it had no base.
    pub base_back: u64,
    pub actor: [u8; 16],
    /// `None`: the previous item's entity.
    pub entity: Option<Entity>,
    pub op: Op,
    pub payload: Payload,
    pub sig: Sig,
}

/// An item's entity state after the change.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    /// The whole state, postcard-encoded: `WireHousehold`, `WireCycle` (v1
    /// types) or [`WireInterview`] (v1's for a `Sig::Single` item).
    Full(Vec<u8>),
    /// A review act: the run's previous state of the same interview with
    /// these three fields replaced. The change's payload is that state,
    /// postcard-encoded.
    Review { status: u8, comments: Vec<WireComment>, submitted_ms: Option<i64> },
    /// A save: the run's previous state of the same interview with its
    /// answers replaced.
    Answers(WireAnswers),
}

/// How an item is signed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sig {
    /// Covered by the `Chain` signature of a later item of the same actor in
    /// the same run.
    Covered,
    /// The actor's Ed25519 signature over the item's chain hash, which
    /// covers every earlier item of the run.
    Chain(Vec<u8>),
    /// A change made under v1: the actor's Ed25519 signature over its v1
    /// signed bytes; its payload is in v1 types.
    Single(Vec<u8>),
}

/// An assignment's state: `officer` interviews `household` in `cycle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireAssignment {
    pub cycle: [u8; 16],
    pub household: [u8; 16],
    pub officer: [u8; 16],
}

/// The entity id of the assignment of `household` in `cycle`: the first 16
/// bytes of SHA-256(`"hearth/assignment"` ‖ cycle ‖ household).
pub fn assignment_id(cycle: &[u8; 16], household: &[u8; 16]) -> [u8; 16] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"hearth/assignment");
    ctx.update(cycle);
    ctx.update(household);
    let mut id = [0u8; 16];
    id.copy_from_slice(&ctx.finish().as_ref()[..16]);
    id
}

/// An interview's state, with typed answers.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireInterview {
    pub household: [u8; 16],
    pub cycle: [u8; 16],
    pub village: String,
    pub form_id: String,
    pub form_version: u32,
    pub officer: [u8; 16],
    /// See `wire::status_code`.
    pub status: u8,
    pub answers: WireAnswers,
    pub comments: Vec<WireComment>,
    pub submitted_ms: Option<i64>,
}

/// Answers by position in the questionnaire `form_id`/`form_version` names:
/// `question` indexes the form's household questions (or, in a member row,
/// the roster's questions) in the order the form lists them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireAnswers {
    /// Days since 1970-01-01.
    pub reference_date: Option<i32>,
    pub household: Vec<(u16, WireValue)>,
    pub members: Vec<WireRow>,
    /// Fields other tools sent under `"extra"`, as JSON text.
    pub extra: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRow {
    pub values: Vec<(u16, WireValue)>,
    pub extra: Option<String>,
}

/// One answer. Choices are indexes into the question's choice list.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WireValue {
    Bool(bool),
    Int(i64),
    /// Thousandths.
    Decimal(i64),
    Text(String),
    Choice(u16),
    Choices(Vec<u16>),
    /// Year, month (0: unknown), day (0: unknown).
    Date(i32, u8, u8),
    /// Latitude and longitude in degrees, accuracy in metres (as `f64` bits,
    /// so the type stays `Eq`).
    Gps(u64, u64, Option<u64>),
    Photo(String),
}

// Wire records carry names and answers: `Debug` shows shapes only.
impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("known", &self.known)
            .field("certificates", &self.certificates.len())
            .field("runs", &self.runs)
            .finish()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("first", &self.first)
            .field("items", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item")
            .field("entity", &self.entity)
            .field("op", &self.op)
            .field("whole", &matches!(self.payload, Payload::Full(_)))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireInterview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireInterview").field("status", &self.status).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireAnswers")
            .field("household", &self.household.len())
            .field("members", &self.members.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireRow").field("values", &self.values.len()).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WireValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WireValue")
    }
}
