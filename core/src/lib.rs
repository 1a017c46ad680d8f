//! hearth-core: everything Hearth knows, with no foreign-function types.
//!
//! Parts depend downward only: `store` never uses `sync`; `scoring` and `form`
//! never touch SQLite.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod clock;
pub mod error;
pub mod form;
pub mod household;
pub mod identity;
pub mod report;
pub mod scoring;
pub mod store;
pub mod sync;
pub mod units;
pub mod workflow;

pub use error::{Error, Result};
