//! The expression language of questionnaires and standards: relevance,
//! constraints, calculations and deprivation rules.
//!
//! It is small and total: comparisons, `and` / `or` / `not`, arithmetic,
//! `in` over a list or a multiple-choice answer, `count` / `sum` / `any` /
//! `all` over the member roster, `age(birth)` at the reference date, `year`, `size`,
//! `answered` and `if`. An expression is parsed and checked against the
//! questionnaire once, when the questionnaire or standard loads; evaluation
//! cannot fail. A missing answer is `null`: comparisons with it are `null`,
//! `and` / `or` / `not` follow three-valued logic, and a rule that ends in
//! `null` does not hold. It owns no I/O and never reads the clock.

mod eval;
mod lexer;
mod parser;
mod resolve;
mod types;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::value::Answers;
pub(crate) use resolve::{FieldInfo, FieldKind, Schema};

/// What went wrong in an expression, independent of where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExprErrorKind {
    #[error("unexpected character")]
    UnexpectedChar,
    #[error("unterminated string")]
    UnterminatedString,
    #[error("malformed number")]
    BadNumber,
    #[error("unexpected token")]
    UnexpectedToken,
    #[error("unexpected end of expression")]
    UnexpectedEnd,
    #[error("expression nested too deeply")]
    TooDeep,
    #[error("expression too long")]
    TooLong,
    #[error("unknown question id")]
    UnknownQuestion,
    #[error("unknown parameter")]
    UnknownParameter,
    #[error("unknown function")]
    UnknownFunction,
    #[error("wrong number of arguments")]
    WrongArity,
    #[error("roster aggregates take the roster id as first argument")]
    NotARoster,
    #[error("a roster question used outside a roster aggregate")]
    RosterFieldOutsideAggregate,
    #[error("roster aggregates cannot be nested")]
    NestedAggregate,
    #[error("not one of the question's choices")]
    UnknownChoice,
    #[error("lists hold only literals of one kind")]
    BadList,
    #[error("calculations refer to each other in a cycle")]
    CyclicCalculation,
    #[error("operand types do not fit the operator")]
    TypeMismatch,
    #[error("a rule must be true or false")]
    NotACondition,
}

/// An expression error with the column (in characters, from 1) it points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at column {column}")]
pub struct ExprError {
    pub kind: ExprErrorKind,
    pub column: usize,
}

impl ExprError {
    pub(crate) fn new(kind: ExprErrorKind, column: usize) -> ExprError {
        ExprError { kind, column }
    }
}

/// Checks the grammar only, without a questionnaire: what a fuzzer exercises.
pub fn check_syntax(src: &str) -> Result<(), ExprError> {
    parser::parse(&lexer::tokenize(src)?).map(|_| ())
}

/// A parsed and checked expression, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    op: resolve::Op,
}

/// Where an expression is evaluated: the household, or one roster row.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub answers: &'a Answers,
    pub row: Option<usize>,
    pub reference_date: NaiveDate,
}

impl Expr {
    /// Parses `src` and checks every name and type against `schema`;
    /// `in_roster` says whether it is evaluated for one roster row, `condition`
    /// whether it must be true or false (a relevance, constraint or rule).
    /// `params` are the named constants (`$name`) it may use.
    pub(crate) fn compile(
        src: &str,
        schema: &dyn Schema,
        params: &BTreeMap<String, f64>,
        in_roster: bool,
        condition: bool,
    ) -> Result<Expr, ExprError> {
        let node = parser::parse(&lexer::tokenize(src)?)?;
        let op = resolve::Resolver::new(schema, params).resolve(&node, in_roster)?;
        let ty = types::check(&node, schema)?;
        if condition && ty != types::Ty::Bool {
            return Err(ExprError::new(ExprErrorKind::NotACondition, 1));
        }
        Ok(Expr { op })
    }

    /// `Some(true)` / `Some(false)` for a boolean, `None` when the answers
    /// do not decide it (or the result is not a boolean).
    pub fn test(&self, scope: Scope<'_>) -> Option<bool> {
        match eval::eval(&self.op, &eval::Ctx::new(scope)) {
            eval::V::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Like [`Expr::test`], and for a rule of the form `any(members, p)` also
    /// the roster rows (from 0) where `p` holds: the members that make it
    /// true. Other rules name no rows. One pass over the roster.
    pub fn test_with_rows(&self, scope: Scope<'_>) -> (Option<bool>, Vec<usize>) {
        eval::test_with_rows(&self.op, &eval::Ctx::new(scope))
            .unwrap_or_else(|| (self.test(scope), Vec::new()))
    }

    /// The numeric result, if there is one.
    pub fn number(&self, scope: Scope<'_>) -> Option<f64> {
        match eval::eval(&self.op, &eval::Ctx::new(scope)) {
            eval::V::Num(n) => Some(n),
            _ => None,
        }
    }
}
