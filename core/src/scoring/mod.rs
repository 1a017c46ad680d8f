//! Poverty standards as data, indicators, classification and aggregates.
//!
//! A [`Standard`] is a data file (`core/standards/*.json`) whose indicator
//! rules are expressions over the household questionnaire's answers, checked
//! when it loads. [`score`] turns one household's answers into a
//! [`ScoreResult`]; [`alkire_foster`] aggregates many. Scoring is pure and
//! deterministic: no storage, no clock (the reference date is an input), no
//! hash-ordered output. Messages carry ids and field names, never answers.
//!
//! ```
//! use chrono::NaiveDate;
//! use hearth_core::form::{Answers, Form};
//! use hearth_core::scoring::{Category, Standard};
//!
//! let answers = Answers::from_interchange_json(
//!     r#"{
//!       "area": "rural", "income_monthly_vnd": 2800000,
//!       "house": { "walls": "non_durable", "frame": "durable", "roof": "non_durable" },
//!       "floor_area_m2": 30, "water_source": "surface_water", "latrine": "simple_pit",
//!       "internet_use": true, "info_devices": ["basic_phone"],
//!       "members": [
//!         { "name": "A", "sex": "male", "birth": "1980", "relationship": "head",
//!           "health_insurance": true, "education": "lower_secondary", "employment": "farming",
//!           "disability": "none", "monthly_social_allowance": false },
//!         { "name": "B", "sex": "female", "birth": "1982-05", "relationship": "spouse",
//!           "health_insurance": true, "education": "primary", "employment": "farming",
//!           "disability": "none", "monthly_social_allowance": false }
//!       ]
//!     }"#,
//! )?;
//! let date = NaiveDate::from_ymd_opt(2025, 10, 1).ok_or("date")?;
//! assert!(Form::builtin_household()?.validate(&answers, date).is_empty());
//!
//! let result = Standard::in_force_on(date)?.score(&answers, date)?;
//! assert_eq!(result.standard.id, "vn-2022");
//! assert_eq!(result.income_per_capita, Some(1_400_000));
//! assert_eq!(result.deprived().collect::<Vec<_>>(), ["housing_quality", "water", "latrine"]);
//! assert_eq!(result.category, Category::Poor);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod af;
mod card;
mod classify;
mod explain;
mod standard;

use chrono::NaiveDate;

use crate::form::{ExprError, FormError};

pub use af::{AfAggregates, IndicatorAggregate, alkire_foster};

pub use card::{Card, CardCutoff, CardItem, CardOption, score_with_card};
pub use classify::{Area, Category, IndicatorResult, ScoreResult, StandardRef, SupportSuggestion, score};
pub use standard::{Classification, Confidence, IncomeLines, Indicator, Lines, Standard, Support, Threshold};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoringError {
    #[error("unknown standard {0}")]
    UnknownStandard(String),
    #[error("no built-in standard is in force on {0}")]
    NoStandardInForce(NaiveDate),
    #[error("standard definition is malformed: {0}")]
    Definition(String),
    #[error("standard {standard}, indicator {indicator}: {error}")]
    Expression { standard: String, indicator: String, error: ExprError },
    #[error("the answer to {0} is needed to score")]
    MissingAnswer(String),
    #[error("the answer to {0} cannot be scored")]
    InvalidAnswer(String),
    #[error("a household has at least one member")]
    NoMembers,
    #[error("aggregate input does not fit: {0}")]
    Aggregate(&'static str),
    #[error(transparent)]
    Form(#[from] FormError),
}

impl Standard {
    /// Scores one household; see [`score`].
    pub fn score(
        &self,
        answers: &crate::form::Answers,
        reference_date: NaiveDate,
    ) -> Result<ScoreResult, ScoringError> {
        score(self, answers, reference_date)
    }
}
