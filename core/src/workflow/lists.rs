//! The moves between lists, derived from two consecutive classifications
//! (Decision 24/2021): never kept by hand.

use serde::{Deserialize, Serialize};

use crate::scoring::Category;

/// How a household's standing changed from the previous certified cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Movement {
    /// Not on a list before (or never classified), poor now.
    NewlyPoor,
    /// Not on a list before, near-poor now.
    NewlyNearPoor,
    /// Poor before, near-poor now: escaped poverty, enters the near-poor list.
    EscapedPovertyToNearPoor,
    /// Poor before, above near-poor now.
    EscapedPoverty,
    /// Near-poor before, above now.
    EscapedNearPoverty,
    /// Near-poor before, poor now: moves to the poor list.
    NearPoorToPoor,
    RemainedPoor,
    RemainedNearPoor,
    /// Not on a list before or now.
    RemainedAbove,
}

impl Movement {
    /// The move from `previous` (None: not classified before) to `now`.
    pub fn between(previous: Option<Category>, now: Category) -> Movement {
        use Category::*;
        let listed = |c: Option<Category>| matches!(c, Some(Poor | NearPoor));
        match (previous, now) {
            (Some(Poor), Poor) => Movement::RemainedPoor,
            (Some(Poor), NearPoor) => Movement::EscapedPovertyToNearPoor,
            (Some(Poor), _) => Movement::EscapedPoverty,
            (Some(NearPoor), Poor) => Movement::NearPoorToPoor,
            (Some(NearPoor), NearPoor) => Movement::RemainedNearPoor,
            (Some(NearPoor), _) => Movement::EscapedNearPoverty,
            (p, Poor) if !listed(p) => Movement::NewlyPoor,
            (p, NearPoor) if !listed(p) => Movement::NewlyNearPoor,
            _ => Movement::RemainedAbove,
        }
    }

    /// The stored / exported name.
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::NewlyPoor => "newly_poor",
            Movement::NewlyNearPoor => "newly_near_poor",
            Movement::EscapedPovertyToNearPoor => "escaped_poverty_to_near_poor",
            Movement::EscapedPoverty => "escaped_poverty",
            Movement::EscapedNearPoverty => "escaped_near_poverty",
            Movement::NearPoorToPoor => "near_poor_to_poor",
            Movement::RemainedPoor => "remained_poor",
            Movement::RemainedNearPoor => "remained_near_poor",
            Movement::RemainedAbove => "remained_above",
        }
    }
}

/// The lists a commune publishes after certification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ListKind {
    Poor,
    NearPoor,
    NewlyPoor,
    NewlyNearPoor,
    /// Left the poor list (to near-poor or above).
    EscapedPoverty,
    EscapedNearPoverty,
    NearPoorToPoor,
    /// On the same list as before.
    Remained,
}

impl ListKind {
    /// Whether a household with this category and move belongs on the list.
    pub fn includes(self, now: Category, movement: Movement) -> bool {
        use Movement as M;
        match self {
            ListKind::Poor => now == Category::Poor,
            ListKind::NearPoor => now == Category::NearPoor,
            ListKind::NewlyPoor => movement == M::NewlyPoor,
            ListKind::NewlyNearPoor => movement == M::NewlyNearPoor,
            ListKind::EscapedPoverty => matches!(movement, M::EscapedPoverty | M::EscapedPovertyToNearPoor),
            ListKind::EscapedNearPoverty => movement == M::EscapedNearPoverty,
            ListKind::NearPoorToPoor => movement == M::NearPoorToPoor,
            ListKind::Remained => matches!(movement, M::RemainedPoor | M::RemainedNearPoor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    #[test]
    fn every_move_of_decision_24_is_named() {
        let cases = [
            (None, Poor, Movement::NewlyPoor),
            (Some(NotPoor), Poor, Movement::NewlyPoor),
            (Some(AverageLiving), NearPoor, Movement::NewlyNearPoor),
            (Some(Poor), NearPoor, Movement::EscapedPovertyToNearPoor),
            (Some(Poor), AverageLiving, Movement::EscapedPoverty),
            (Some(Poor), NotPoor, Movement::EscapedPoverty),
            (Some(NearPoor), NotPoor, Movement::EscapedNearPoverty),
            (Some(NearPoor), Poor, Movement::NearPoorToPoor),
            (Some(Poor), Poor, Movement::RemainedPoor),
            (Some(NearPoor), NearPoor, Movement::RemainedNearPoor),
            (Some(NotPoor), AverageLiving, Movement::RemainedAbove),
            (None, NotPoor, Movement::RemainedAbove),
        ];
        for (prev, now, want) in cases {
            assert_eq!(Movement::between(prev, now), want, "{prev:?} → {now:?}");
        }
    }

    #[test]
    fn escaping_poverty_to_near_poor_puts_the_household_on_the_near_poor_list() {
        let m = Movement::between(Some(Poor), NearPoor);
        assert!(ListKind::EscapedPoverty.includes(NearPoor, m));
        assert!(ListKind::NearPoor.includes(NearPoor, m));
        assert!(!ListKind::Poor.includes(NearPoor, m));
    }
}
