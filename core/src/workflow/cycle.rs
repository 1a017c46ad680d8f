//! Review cycles: the annual periodic review (1 September – 14 December) or a
//! monthly regular review, under one standard, over a set of units, with the
//! reference date at which ages are taken.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

/// Which review a cycle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CycleKind {
    /// The yearly review of everyone on the lists plus applicants.
    Periodic,
    /// A monthly review of households that ask to enter or leave the lists.
    Regular { month: u32 },
}

/// Whether a cycle still takes work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CycleStatus {
    Open,
    /// The commune's decision is recorded; the cycle is closed.
    Certified,
}

/// What a supervisor fills in to open a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCycle {
    pub year: i32,
    pub kind: CycleKind,
    /// A built-in standard id, e.g. `vn-2022`.
    pub standard_id: String,
    /// The units (communes or villages) the cycle covers.
    pub units: Vec<String>,
    /// Ages are computed at this date.
    pub reference_date: NaiveDate,
}

impl NewCycle {
    /// Checks the fields that need no store.
    pub fn check(&self) -> Result<()> {
        if !(2000..=2100).contains(&self.year) {
            return Err(Error::invalid("year", "must be between 2000 and 2100"));
        }
        if let CycleKind::Regular { month } = self.kind
            && !(1..=12).contains(&month)
        {
            return Err(Error::invalid("kind.month", "must be 1 to 12"));
        }
        if self.reference_date.year() != self.year {
            return Err(Error::invalid("reference_date", "must fall in the cycle's year"));
        }
        if self.units.is_empty() {
            return Err(Error::invalid("units", "must name at least one unit"));
        }
        Ok(())
    }
}

/// A review cycle as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCycle {
    pub id: Uuid,
    pub year: i32,
    pub kind: CycleKind,
    pub standard_id: String,
    pub units: Vec<String>,
    pub reference_date: NaiveDate,
    pub status: CycleStatus,
    pub opened_at_ms: i64,
    pub certified_at_ms: Option<i64>,
}

impl ReviewCycle {
    /// Orders cycles in time: year, then periodic after the regular ones of
    /// the same year's earlier months.
    pub fn order_key(&self) -> (i32, u32, i64) {
        let month = match self.kind {
            CycleKind::Periodic => 9,
            CycleKind::Regular { month } => month,
        };
        (self.year, month, self.opened_at_ms)
    }
}
