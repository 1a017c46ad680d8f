//! Reports per unit and cycle: rates, year-over-year change, transitions, deprivation headcounts, CSV.
//!
//! A report is a pure function of one certified cycle's classifications (and
//! optionally the previous cycle's), the unit registry and the standard:
//! [`UnitReport::build`]. [`Session::report`](crate::store::Session::report)
//! reads the rows, checks the reader's scope and calls it. Every figure is a
//! count of households whose village lies inside the unit on the cycle's
//! reference date, after following the reorganisation maps (see [`place`]).
//! Rates are shares of all resident households — the households classified in
//! the cycle, carried-over ones included — as official reports give them.

mod build;
mod csv;
pub mod place;
mod rate;
mod session;

use chrono::NaiveDate;

use crate::form::Text;
pub use crate::scoring::AfAggregates;
use crate::scoring::{Category, StandardRef};
use crate::units::Level;
pub use build::CycleEntries;
pub use rate::{Percent, Points};

/// A unit's figures for one cycle, with a row for each unit directly below it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitReport {
    pub year: i32,
    /// The cycle's reference date: the day unit codes are read on.
    pub date: NaiveDate,
    /// The year of the cycle compared with, if there is one.
    pub previous_year: Option<i32>,
    pub standard: StandardRef,
    /// The standard's indicators, in its order; every `deprivations` list
    /// follows this order.
    pub indicators: Vec<IndicatorLabel>,
    /// The unit itself.
    pub total: Figures,
    /// The units directly below it on the date (villages of a commune,
    /// communes of a province), by code.
    pub rows: Vec<Figures>,
}

/// An indicator's id and its name.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorLabel {
    pub id: String,
    pub label: Text,
}

/// One unit's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub code: String,
    /// The official name, in Vietnamese.
    pub name: String,
    pub level: Level,
    /// This cycle.
    pub now: Counts,
    /// The previous cycle, over the same area.
    pub before: Option<Counts>,
    /// From the previous cycle's standing to this one's.
    pub transitions: Option<Transitions>,
    /// Per indicator of the standard, over households classified under it.
    pub deprivations: Vec<Headcount>,
    /// Alkire–Foster over households classified under the standard, with its
    /// weights and cut-off (k = 3/12 for 3 of 12 deprivations).
    pub af: AfAggregates,
    /// Households classified under another standard (carried over from an
    /// older cycle): in the rates, not in `deprivations` or `af`.
    pub other_standard: u32,
    pub by_sex: BySex,
    /// By the head's ethnicity as recorded; `None` when it was not.
    pub by_ethnicity: Vec<(Option<String>, Counts)>,
}

/// Resident households and how many are on each list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub households: u32,
    pub poor: u32,
    pub near_poor: u32,
}

impl Counts {
    /// Poor households as a share of all.
    pub fn poor_rate(&self) -> Option<Percent> {
        Percent::of(self.poor, self.households)
    }

    /// Near-poor households as a share of all.
    pub fn near_poor_rate(&self) -> Option<Percent> {
        Percent::of(self.near_poor, self.households)
    }

    /// Poor and near-poor together as a share of all, from the counts (so it
    /// may differ by 0.01 from the sum of the two rounded rates).
    pub fn combined_rate(&self) -> Option<Percent> {
        Percent::of(self.poor.saturating_add(self.near_poor), self.households)
    }

    pub(crate) fn add(&mut self, category: Category) {
        self.households += 1;
        match category {
            Category::Poor => self.poor += 1,
            Category::NearPoor => self.near_poor += 1,
            Category::AverageLiving | Category::NotPoor => {}
        }
    }
}

/// The change of each rate since the previous cycle, in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub poor: Points,
    pub near_poor: Points,
    pub combined: Points,
}

impl Figures {
    /// This cycle's rates less the previous cycle's, each as printed (so the
    /// columns of a table subtract as a reader checks them); `None` without a
    /// previous cycle or when either has no households.
    pub fn change(&self) -> Option<Change> {
        let before = self.before?;
        Some(Change {
            poor: self.now.poor_rate()?.since(before.poor_rate()?),
            near_poor: self.now.near_poor_rate()?.since(before.near_poor_rate()?),
            combined: self.now.combined_rate()?.since(before.combined_rate()?),
        })
    }
}

/// How many households are deprived on one indicator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headcount {
    pub households: u32,
    /// Of them, households classified poor.
    pub poor: u32,
}

/// Counts by the sex of the head.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BySex {
    pub male: Counts,
    pub female: Counts,
    /// No head on the roster.
    pub unknown: Counts,
}

/// A standing in a cycle: a category, or not classified (`None`).
pub type Standing = Option<Category>;

/// Every standing, in the matrix's order: poorest first, "not classified" last.
pub const STANDINGS: [Standing; 5] = [
    Some(Category::Poor),
    Some(Category::NearPoor),
    Some(Category::AverageLiving),
    Some(Category::NotPoor),
    None,
];

/// Households by their standing in the previous cycle (rows) and in this one
/// (columns). Row sums are the previous cycle's counts over the same area,
/// column sums this cycle's; a household that entered or left the area, or
/// was not classified in one cycle, is counted under "not classified" there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Transitions {
    counts: [[u32; 5]; 5],
}

impl Transitions {
    fn index(s: Standing) -> usize {
        STANDINGS.iter().position(|x| *x == s).unwrap_or(4)
    }

    /// Households that moved from `from` to `to`.
    pub fn get(&self, from: Standing, to: Standing) -> u32 {
        self.counts[Self::index(from)][Self::index(to)]
    }

    /// Households that stood at `from` in the previous cycle.
    pub fn from_total(&self, from: Standing) -> u32 {
        self.counts[Self::index(from)].iter().sum()
    }

    /// Households that stand at `to` in this cycle.
    pub fn to_total(&self, to: Standing) -> u32 {
        self.counts.iter().map(|row| row[Self::index(to)]).sum()
    }

    /// Every household counted.
    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }

    pub(crate) fn add(&mut self, from: Standing, to: Standing) {
        self.counts[Self::index(from)][Self::index(to)] += 1;
    }
}
