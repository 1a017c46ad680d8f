//! Poverty standards as data, indicators, classification and aggregates.
//!
//! A [`Standard`] is a data file (`core/standards/*.json`) whose indicator
//! rules are expressions over the household questionnaire's answers, checked
//! when it loads. [`score`] turns one household's answers into a
//! [`ScoreResult`]; [`alkire_foster`] aggregates many. Scoring is pure and
//! deterministic: no storage, no clock (the reference date is an input), no
//! hash-ordered output. Messages carry ids and field names, never answers.

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
