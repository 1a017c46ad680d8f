//! The crate's one internal error type.
//!
//! Variants name what went wrong in terms a caller can act on. Messages carry
//! ids, counts and field paths, never personal data: no names, no ID numbers,
//! no PINs, no answers. The foreign-function layer maps this rich error to the
//! small public one in a single place.

use std::path::PathBuf;

/// Everything the core can refuse or fail at.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The PIN did not unwrap the user's key.
    #[error("wrong PIN ({attempts_left} attempts left before a lockout)")]
    WrongPin { attempts_left: u32 },
    /// Too many wrong PINs: unlocking is refused until the delay passes.
    #[error("locked out for {retry_after_secs} more seconds")]
    LockedOut { retry_after_secs: u64 },
    /// The device secret or the data key does not match this database.
    #[error("the device key does not match this database")]
    KeyMismatch,
    /// The recovery key given is not the one this database's data key was
    /// wrapped to.
    #[error("the recovery key does not match this database")]
    RecoveryKeyMismatch,
    /// The app's key provider could not produce the device secret.
    #[error("the key provider failed: {reason}")]
    KeyProvider { reason: String },
    /// The signed-in user may not do this (role, scope or ownership).
    #[error("not permitted: {reason}")]
    NotPermitted { reason: &'static str },
    /// Input that does not meet the rules; `field` names where.
    #[error("invalid {field}: {problem}")]
    Invalid { field: String, problem: String },
    /// The record does not exist (or is not visible to this user).
    #[error("{kind} not found")]
    NotFound { kind: &'static str },
    /// The record changed since it was read; read it again and retry.
    #[error("the {kind} changed since it was read")]
    Stale { kind: &'static str },
    /// The act is not possible from the record's current state.
    #[error("cannot {act} from {from}")]
    IllegalTransition { from: &'static str, act: &'static str },
    /// The answers do not pass validation; every problem is listed.
    #[error("the answers have {} blocking problem(s)", problems.len())]
    Incomplete { problems: Vec<crate::form::Problem> },
    /// A value is larger than the store accepts.
    #[error("{what} is larger than {limit} bytes")]
    TooLarge { what: &'static str, limit: usize },
    /// The audit chain does not verify.
    #[error(transparent)]
    Audit(#[from] crate::workflow::AuditBreak),
    /// The standard or form could not be loaded or applied.
    #[error("scoring failed: {0}")]
    Scoring(#[from] crate::scoring::ScoringError),
    /// A questionnaire could not be loaded, or answers could not be read.
    #[error("form: {0}")]
    Form(#[from] crate::form::FormError),
    /// A sync packet was refused; nothing from it was applied.
    #[error("packet refused: {0}")]
    Packet(#[from] crate::sync::PacketError),
    /// A frame was refused.
    #[error("frame refused: {0}")]
    Frame(#[from] crate::sync::frames::FrameError),
    /// The record already exists.
    #[error("{kind} already exists")]
    AlreadyExists { kind: &'static str },
    /// A sealed value did not open: tampered, moved, or under another key.
    #[error("a sealed {table}.{column} value did not open")]
    Unseal { table: &'static str, column: &'static str },
    /// A certificate was refused.
    #[error("certificate refused: {0}")]
    Certificate(#[from] crate::identity::CertificateError),
    /// The database file was unreadable and has been moved aside.
    #[error("the database is corrupt; it was moved to {quarantined_to:?}")]
    Corrupt { quarantined_to: PathBuf },
    /// The database was written by a newer version of Hearth.
    #[error("the database schema version {found} is newer than this build supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    /// The disk is full: nothing was written.
    #[error("storage is full")]
    StorageFull,
    /// Any other SQLite failure. SQLite's messages name tables and columns,
    /// never bound values.
    #[error("storage error: {0}")]
    Sqlite(rusqlite::Error),
    /// A record inside a sealed value did not decode.
    #[error("a stored {0} record did not decode")]
    Decode(&'static str),
    /// A cryptographic primitive failed (random source, key generation).
    #[error("cryptographic failure: {0}")]
    Crypto(&'static str),
    /// File-system failure around the database file.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Error::StorageFull,
            _ => Error::Sqlite(e),
        }
    }
}

impl From<ring::error::Unspecified> for Error {
    fn from(_: ring::error::Unspecified) -> Self {
        Error::Crypto("ring")
    }
}

impl Error {
    /// A shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), problem: problem.into() }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
