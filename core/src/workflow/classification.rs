//! A household's standing in one certified cycle: what the lists are derived
//! from.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Movement;
use crate::household::Sex;
use crate::scoring::{Category, StandardRef};

/// One household's classification in one cycle. `Debug` omits the category.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub category: Category,
    pub income_per_capita: Option<i64>,
    pub b1: Option<u32>,
    pub b2: u32,
    /// Ids of the deprived indicators.
    pub deprived: Vec<String>,
    pub standard: StandardRef,
    /// The approved interview it came from; `None` when carried over.
    pub interview_id: Option<Uuid>,
    pub approved_by: Option<Uuid>,
    /// Not re-surveyed this cycle: the previous classification, kept.
    pub carried_over: bool,
    pub members: u32,
    pub head_sex: Option<Sex>,
    pub head_ethnicity: Option<String>,
}

impl fmt::Debug for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Classification")
            .field("interview_id", &self.interview_id)
            .field("carried_over", &self.carried_over)
            .finish_non_exhaustive()
    }
}

/// A household on the lists of a certified cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct ListEntry {
    pub household_id: Uuid,
    pub village: String,
    pub classification: Classification,
    /// The category in the previous certified cycle, if it had one.
    pub previous: Option<Category>,
    pub movement: Movement,
}
