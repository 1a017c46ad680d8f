//! The review's rules, free of storage: the interview lifecycle, the
//! hash-chained audit log, and the moves between lists.
//!
//! The store applies these rules inside its transactions (`store::interviews`,
//! `store::cycles`, `store::audit`); nothing here touches SQLite, so every
//! rule can be tested and model-checked on its own.

pub mod audit;
pub mod classification;
pub mod cycle;
pub mod interview;
pub mod lifecycle;
pub mod lists;

pub use audit::{AuditBreak, AuditEntry, BreakReason, Detail};
pub use classification::{Classification, ListEntry};
pub use cycle::{CycleKind, CycleStatus, NewCycle, ReviewCycle};
pub use interview::{Comment, Interview, NewComment};
pub use lifecycle::{Act, Actor, Status};
pub use lists::{ListKind, Movement};
