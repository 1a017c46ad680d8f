//! hearth-core: everything Hearth knows, with no foreign-function types.
//!
//! Parts depend downward only: `store` never uses `sync`; `scoring` and `form`
//! never touch SQLite.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod form;
pub mod scoring;
pub mod units;
