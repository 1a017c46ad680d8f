//! Hybrid logical clocks.
//!
//! A timestamp is 48 bits of wall-clock milliseconds and 16 bits of counter,
//! packed into a `u64` so it orders as a number. Every local change ticks the
//! clock past both the wall clock and the last timestamp seen, local or
//! received; a wall clock that jumps back (a phone set a day behind) cannot
//! make a later change sort before an earlier one. A received timestamp too
//! far ahead of the wall clock is refused, so one phone set a year ahead
//! cannot drag every clock with it.

use serde::{Deserialize, Serialize};

/// The largest lead a received timestamp may have over the local wall clock.
pub const MAX_DRIFT_MS: u64 = 36 * 3600 * 1000;

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: u64 = (1 << COUNTER_BITS) - 1;

/// A hybrid logical timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Hlc(pub u64);

impl Hlc {
    /// From wall milliseconds and a counter.
    pub fn new(ms: u64, counter: u16) -> Self {
        Hlc((ms << COUNTER_BITS) | u64::from(counter))
    }

    /// The wall-clock part, in Unix milliseconds.
    pub fn ms(self) -> u64 {
        self.0 >> COUNTER_BITS
    }

    /// The logical counter.
    pub fn counter(self) -> u64 {
        self.0 & COUNTER_MAX
    }

    /// The timestamp of the next local event after `self`, at wall time `now_ms`.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.ms() {
            Hlc::new(now_ms, 0)
        } else if self.counter() < COUNTER_MAX {
            Hlc(self.0 + 1)
        } else {
            // The counter is spent: borrow the next millisecond.
            Hlc::new(self.ms() + 1, 0)
        }
    }

    /// Merges a received timestamp: the result is after both. `None` when the
    /// remote one leads the wall clock by more than [`MAX_DRIFT_MS`].
    pub fn receive(self, remote: Hlc, now_ms: u64) -> Option<Hlc> {
        if remote.ms() > now_ms.saturating_add(MAX_DRIFT_MS) {
            return None;
        }
        Some(self.max(remote).tick(now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_strictly_increasing_even_when_the_wall_clock_jumps_back() {
        let day = 86_400_000;
        let mut t = Hlc::default();
        let mut last = t;
        for now in [1_000, 2_000, 2_000 + day, 2_500, 3_000, 2_000 + day, 2_000 + day + 5] {
            t = t.tick(now);
            assert!(t > last, "{t:?} after {last:?}");
            last = t;
        }
        assert!(t.ms() >= 2_000 + day);
    }

    #[test]
    fn counter_overflow_borrows_the_next_millisecond() {
        let t = Hlc::new(10, u16::MAX);
        assert_eq!(t.tick(5), Hlc::new(11, 0));
        assert!(t.tick(5) > t);
    }

    #[test]
    fn receiving_orders_after_both_and_refuses_the_far_future() {
        let local = Hlc::new(1_000, 3);
        let remote = Hlc::new(5_000, 7);
        let merged = local.receive(remote, 2_000).unwrap();
        assert!(merged > remote && merged > local);
        assert_eq!(local.receive(Hlc::new(2_000 + MAX_DRIFT_MS + 1, 0), 2_000), None);
        assert!(local.receive(Hlc::new(2_000 + MAX_DRIFT_MS, 0), 2_000).is_some());
    }
}
