//! hearth-ffi: the thin foreign-function layer over `hearth-core`.
//!
//! It owns the UniFFI surface and nothing else: the objects [`Hearth`]
//! (a database) and [`Session`] (a signed-in user), the [`Authority`] used by
//! tests and tools, records in and out, the one public error
//! [`HearthError`], and the foreign traits [`KeyProvider`] and
//! [`ProgressListener`]. Every rule lives in the core; this crate converts
//! arguments, maps errors in one place, and never lets a panic cross.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod error;
mod foreign;
mod hearth;
mod records;
mod session;
mod slot;

pub use error::{AnswerProblem, HearthError};
pub use foreign::{KeyProvider, ProgressListener};
pub use hearth::{Authority, Hearth};
pub use records::*;
pub use session::{Session, SessionInfo};

uniffi::setup_scaffolding!("hearth");
