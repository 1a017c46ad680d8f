//! Rates as official reports print them: a percent with two decimals, and a
//! change in percentage points. Both are whole hundredths, computed from the
//! counts in integers, so every phone and server prints the same digits.

use std::fmt;

/// A share in hundredths of a percent: `Percent(5646)` is 56.46 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(pub u32);

impl Percent {
    /// `part / whole`, rounded half up to a hundredth of a percent; `None`
    /// when `whole` is 0 (a rate of nobody is not 0 %).
    pub fn of(part: u32, whole: u32) -> Option<Percent> {
        if whole == 0 {
            return None;
        }
        let (part, whole) = (u64::from(part), u64::from(whole));
        let hundredths = (part * 20_000 + whole) / (2 * whole);
        u32::try_from(hundredths).ok().map(Percent)
    }

    /// The change from `earlier` to `self`, in points.
    pub fn since(self, earlier: Percent) -> Points {
        Points(i64::from(self.0) - i64::from(earlier.0))
    }
}

/// A change of a rate in hundredths of a percentage point: `Points(-250)` is
/// a fall of 2.50 points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub i64);

impl fmt::Display for Percent {
    /// `56.46`: a '.' decimal separator, no percent sign.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Display for Points {
    /// `-2.50`, `0.00`, `1.25`: a sign only when negative.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_ca_2018_rates_print_as_the_report_did() {
        assert_eq!(Percent::of(341, 604).map(|p| p.to_string()).as_deref(), Some("56.46"));
        assert_eq!(Percent::of(115, 604).map(|p| p.to_string()).as_deref(), Some("19.04"));
        assert_eq!(Percent::of(456, 604).map(|p| p.to_string()).as_deref(), Some("75.50"));
    }

    #[test]
    fn halves_round_up_and_ends_are_exact() {
        // 1/8 = 12.5 %; 1/16 = 6.25 %; 1/32 = 3.125 % → 3.13.
        assert_eq!(Percent::of(1, 32), Some(Percent(313)));
        assert_eq!(Percent::of(1, 16), Some(Percent(625)));
        assert_eq!(Percent::of(0, 7), Some(Percent(0)));
        assert_eq!(Percent::of(7, 7), Some(Percent(10_000)));
        assert_eq!(Percent::of(1, 3).map(|p| p.to_string()).as_deref(), Some("33.33"));
        assert_eq!(Percent::of(2, 3).map(|p| p.to_string()).as_deref(), Some("66.67"));
        assert_eq!(Percent::of(3, 0), None);
        assert_eq!(Percent::of(u32::MAX, u32::MAX), Some(Percent(10_000)));
    }

    #[test]
    fn points_print_with_a_sign_only_when_falling() {
        assert_eq!(Percent(5646).since(Percent(5896)).to_string(), "-2.50");
        assert_eq!(Percent(1904).since(Percent(1779)).to_string(), "1.25");
        assert_eq!(Percent(100).since(Percent(100)).to_string(), "0.00");
        assert_eq!(Points(-5).to_string(), "-0.05");
    }
}
