//! The one public error, [`HearthError`], and the one place the core's rich
//! error is turned into it.
//!
//! Variants are what an app acts on (ask for the PIN again, wait, re-enrol,
//! show the fields at fault, reload, report). Fields carry ids, counts, field
//! paths and reasons written by Hearth, never personal data. No panic crosses
//! the boundary: [`guard`] turns one into [`HearthError::Internal`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use hearth_core::form::FormError;
use hearth_core::scoring::ScoringError;

/// Everything a Hearth call can refuse or fail at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HearthError {
    /// The PIN is wrong; `attempts_left` more before a lockout.
    #[error("wrong PIN ({attempts_left} attempts left)")]
    WrongPin { attempts_left: u32 },
    /// Too many wrong PINs: try again after `retry_after_secs`.
    #[error("locked out for {retry_after_secs} s")]
    LockedOut { retry_after_secs: u64 },
    /// The device secret does not open this database (a reset keystore, a
    /// copied file).
    #[error("the device key does not match this database")]
    KeyMismatch,
    /// The app's key provider could not produce the device secret.
    #[error("the key provider failed: {reason}")]
    KeyProvider { reason: String },
    /// The signed-in user may not do this (role, scope or ownership).
    #[error("not permitted: {reason}")]
    NotPermitted { reason: String },
    /// An argument does not meet the rules; `field` names which.
    #[error("invalid {field}: {problem}")]
    InvalidInput { field: String, problem: String },
    /// The answers cannot be completed: every blocking problem, at once.
    #[error("the answers have {} blocking problem(s)", problems.len())]
    Incomplete { problems: Vec<AnswerProblem> },
    /// A certificate was refused (malformed, expired, another authority).
    #[error("certificate refused: {problem}")]
    CertificateRefused { problem: String },
    /// The record does not exist, or is not visible to this user.
    #[error("{kind} not found")]
    NotFound { kind: String },
    /// The record changed since it was read: read it again and retry.
    #[error("the {kind} changed since it was read")]
    Stale { kind: String },
    /// The act is not possible from the record's current status.
    #[error("cannot {act} from {from}")]
    IllegalTransition { from: String, act: String },
    /// The record already exists.
    #[error("{kind} already exists")]
    AlreadyExists { kind: String },
    /// Stored data did not open or decode. When the database file itself
    /// was unreadable, it was moved aside to `quarantined_to`.
    #[error("stored data is corrupt")]
    Corrupt { quarantined_to: Option<String> },
    /// The database was written by a newer Hearth: update the app.
    #[error("schema version {found} is newer than this build supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    /// The disk is full: nothing was written.
    #[error("storage is full")]
    StorageFull,
    /// A progress listener asked to stop: nothing was written.
    #[error("cancelled")]
    Cancelled,
    /// A sync packet or frame was refused (forged, damaged, for someone
    /// else, replayed): nothing from it was applied.
    #[error("packet refused: {problem}")]
    PacketRefused { problem: String },
    /// The object was closed; open or unlock again.
    #[error("the {object} is closed")]
    Closed { object: String },
    /// A fault inside Hearth (a bug, or the platform failing): report it.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

/// One blocking problem with an interview's answers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AnswerProblem {
    /// The question id.
    pub question: String,
    /// The roster row (0 = the head) for a per-member question.
    pub row: Option<u32>,
    /// The message key the app translates (`required`, `choice`, ...).
    pub message_key: String,
}

impl HearthError {
    pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        HearthError::InvalidInput { field: field.into(), problem: problem.into() }
    }

    pub(crate) fn internal(reason: impl Into<String>) -> Self {
        HearthError::Internal { reason: reason.into() }
    }
}

impl From<hearth_core::Error> for HearthError {
    fn from(e: hearth_core::Error) -> Self {
        use hearth_core::Error as E;
        match e {
            E::WrongPin { attempts_left } => HearthError::WrongPin { attempts_left },
            E::LockedOut { retry_after_secs } => HearthError::LockedOut { retry_after_secs },
            E::KeyMismatch => HearthError::KeyMismatch,
            E::KeyProvider { reason } => HearthError::KeyProvider { reason },
            E::NotPermitted { reason } => HearthError::NotPermitted { reason: reason.into() },
            E::Invalid { field, problem } => HearthError::InvalidInput { field, problem },
            E::Incomplete { problems } => HearthError::Incomplete {
                problems: problems
                    .into_iter()
                    .map(|p| AnswerProblem {
                        row: p.row.map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
                        question: p.question,
                        message_key: p.key,
                    })
                    .collect(),
            },
            E::TooLarge { what, limit } => {
                HearthError::invalid(what, format!("is larger than {limit} bytes"))
            }
            E::NotFound { kind } => HearthError::NotFound { kind: kind.into() },
            E::Stale { kind } => HearthError::Stale { kind: kind.into() },
            E::IllegalTransition { from, act } => {
                HearthError::IllegalTransition { from: from.into(), act: act.into() }
            }
            E::AlreadyExists { kind } => HearthError::AlreadyExists { kind: kind.into() },
            E::Certificate(c) => HearthError::CertificateRefused { problem: c.to_string() },
            E::Form(f) => form(f),
            E::Scoring(s) => scoring(s),
            E::Unseal { .. } | E::Decode(_) => HearthError::Corrupt { quarantined_to: None },
            E::Corrupt { quarantined_to } => {
                HearthError::Corrupt { quarantined_to: Some(quarantined_to.display().to_string()) }
            }
            E::SchemaTooNew { found, supported } => HearthError::SchemaTooNew { found, supported },
            E::StorageFull => HearthError::StorageFull,
            E::Packet(p) => HearthError::PacketRefused { problem: p.to_string() },
            E::Frame(f) => HearthError::PacketRefused { problem: f.to_string() },
            other => HearthError::internal(other.to_string()),
        }
    }
}

fn form(e: FormError) -> HearthError {
    match e {
        FormError::Json { line, column } => {
            HearthError::invalid("answers", format!("not valid JSON (line {line}, column {column})"))
        }
        FormError::Field { field, problem } => HearthError::invalid(field, problem.to_string()),
        other => HearthError::internal(other.to_string()),
    }
}

fn scoring(e: ScoringError) -> HearthError {
    match e {
        ScoringError::UnknownStandard(_) => HearthError::invalid("standard_id", "is not a built-in standard"),
        ScoringError::MissingAnswer(q) => HearthError::invalid(q, "is needed to score"),
        ScoringError::InvalidAnswer(q) => HearthError::invalid(q, "cannot be scored"),
        ScoringError::NoMembers => HearthError::invalid("members", "a household has at least one member"),
        ScoringError::Form(f) => form(f),
        other => HearthError::internal(other.to_string()),
    }
}

/// What a foreign callback throwing something other than a `HearthError`
/// becomes.
impl From<uniffi::UnexpectedUniFFICallbackError> for HearthError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HearthError::internal(format!("a foreign callback failed: {}", e.reason))
    }
}

/// Runs one exported call; a panic inside it becomes [`HearthError::Internal`]
/// instead of unwinding into foreign code or aborting.
///
/// Unwind safety: the core takes over poisoned locks (every write is a
/// SQLite transaction, rolled back when its guard drops during the unwind),
/// and this crate's own locks do the same.
pub(crate) fn guard<T>(call: impl FnOnce() -> Result<T, HearthError>) -> Result<T, HearthError> {
    catch_unwind(AssertUnwindSafe(call))
        .unwrap_or_else(|_| Err(HearthError::internal("a panic was caught at the boundary")))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use hearth_core::Error as E;

    use super::*;

    #[test]
    fn core_refusals_map_to_the_variants_apps_act_on() {
        let cases = [
            (E::WrongPin { attempts_left: 2 }, HearthError::WrongPin { attempts_left: 2 }),
            (E::NotPermitted { reason: "no" }, HearthError::NotPermitted { reason: "no".into() }),
            (E::Stale { kind: "household" }, HearthError::Stale { kind: "household".into() }),
            (
                E::TooLarge { what: "photo", limit: 10 },
                HearthError::invalid("photo", "is larger than 10 bytes"),
            ),
            (
                E::Unseal { table: "households", column: "record" },
                HearthError::Corrupt { quarantined_to: None },
            ),
            (E::Decode("interview"), HearthError::Corrupt { quarantined_to: None }),
            (
                E::Corrupt { quarantined_to: PathBuf::from("/d/phone.db.corrupt-1") },
                HearthError::Corrupt { quarantined_to: Some("/d/phone.db.corrupt-1".into()) },
            ),
            (
                E::SchemaTooNew { found: 9, supported: 3 },
                HearthError::SchemaTooNew { found: 9, supported: 3 },
            ),
            (E::StorageFull, HearthError::StorageFull),
            (
                E::Scoring(ScoringError::MissingAnswer("area".into())),
                HearthError::invalid("area", "is needed to score"),
            ),
            (
                E::Form(FormError::Json { line: 1, column: 2 }),
                HearthError::invalid("answers", "not valid JSON (line 1, column 2)"),
            ),
            (E::Crypto("random"), HearthError::internal("cryptographic failure: random")),
        ];
        for (core, public) in cases {
            let shown = core.to_string();
            assert_eq!(HearthError::from(core), public, "{shown}");
        }
    }

    #[test]
    fn a_panic_in_a_guarded_call_is_internal_and_the_caller_goes_on() {
        let r: Result<(), _> = guard(|| panic!("bug"));
        assert_eq!(r, Err(HearthError::internal("a panic was caught at the boundary")));
        assert_eq!(guard(|| Ok(7)), Ok(7));
    }
}
