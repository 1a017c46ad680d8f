//! Bugs planted on purpose, to prove the convergence test catches them.
//! Compiled only with the `planted-bugs` feature, which no app build enables.

use std::sync::atomic::{AtomicU8, Ordering};

/// A deliberate defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Bug {
    None = 0,
    /// Stamp changes with the wall clock instead of the hybrid logical clock.
    WallClock = 1,
    /// Store a change again even when it is already held.
    NoDedup = 2,
    /// Consider a peer to hold what was exported to it, before it acknowledged.
    EarlyWatermark = 3,
}

static ACTIVE: AtomicU8 = AtomicU8::new(0);

/// Plants `bug` for the whole process.
pub fn plant(bug: Bug) {
    ACTIVE.store(bug as u8, Ordering::SeqCst);
}

/// Whether `bug` is planted.
pub fn active(bug: Bug) -> bool {
    ACTIVE.load(Ordering::SeqCst) == bug as u8
}
