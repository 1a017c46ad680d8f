//! Questionnaires as data, answers, validation and the expression language.
//!
//! A [`Form`] is loaded from JSON (built-ins are embedded) and every
//! expression in it is checked at load, so a typo in a rule is an error
//! before any household is interviewed. [`Answers`] are typed values keyed by
//! question id; they come from the household-answers interchange JSON or from
//! an app, and go to storage and sync through postcard. This module never
//! touches storage and never reads the clock: the reference date is an input.

pub mod expr;
mod interchange;
mod migrate;
mod model;
mod validate;
mod value;

use serde::{Deserialize, Serialize};

pub use expr::{Expr, ExprError, ExprErrorKind, Scope};
pub use interchange::FieldProblem;
pub use migrate::{Dropped, Migrated};
pub use model::{Choice, Constraint, Form, Question, QuestionType, Repeat, Section, Severity};
pub use validate::Problem;
pub use value::{Answers, Decimal, Gps, PartialDate, Row, Value, age_on};

/// A label in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

/// Errors of this module. Messages name question ids, field paths and
/// columns, never an answer's value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormError {
    #[error("questionnaire definition is malformed: {0}")]
    Definition(String),
    #[error("question id {0} is defined twice")]
    DuplicateQuestion(String),
    #[error("question {question}, {field}: {error}")]
    Expression { question: String, field: String, error: ExprError },
    #[error("answers are not valid JSON (line {line}, column {column})")]
    Json { line: usize, column: usize },
    #[error("{field}: {problem}")]
    Field { field: String, problem: FieldProblem },
}

impl Answers {
    /// Reads one household's answers in the interchange format
    /// (`docs/household-answers.md`), typed by the built-in questionnaire.
    pub fn from_interchange_json(src: &str) -> Result<Answers, FormError> {
        Form::household_ref()?.parse_interchange(src)
    }
}
