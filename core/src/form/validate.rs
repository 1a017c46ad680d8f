//! Validation of answers against a questionnaire. Every problem is returned at
//! once, each with the question id, the roster row and a message key the app
//! translates; errors block completion, warnings do not.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::expr::Scope;
use super::model::{Form, Question, QuestionType, Severity};
use super::value::{Answers, Value};

/// One thing wrong with an interview.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    pub question: String,
    /// The roster row (from 0), for a roster question.
    pub row: Option<usize>,
    /// A message key: `required`, `type`, `choice`, `unknown_question`,
    /// `calculated`, `roster.too_few`, `roster.too_many`, or a constraint's own.
    pub key: String,
    pub severity: Severity,
}

impl Problem {
    fn error(question: &str, row: Option<usize>, key: &str) -> Problem {
        Problem { question: question.to_owned(), row, key: key.to_owned(), severity: Severity::Error }
    }

    /// Whether this problem blocks completing the interview.
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Why a value does not fit a question, as a message key.
pub(crate) fn misfit(q: &Question, value: &Value) -> Option<&'static str> {
    let fits = match (q.kind, value) {
        (QuestionType::Integer | QuestionType::Year, Value::Int(_))
        | (QuestionType::Decimal, Value::Int(_))
        | (QuestionType::Text, Value::Text(_))
        | (QuestionType::Boolean, Value::Bool(_))
        | (QuestionType::Gps, Value::Gps(_))
        | (QuestionType::Photo, Value::Photo(_)) => true,
        (QuestionType::Decimal, Value::Decimal(_)) => true,
        (QuestionType::Date, Value::Date(d)) => d.to_date().is_some() && (q.allow_partial || d.is_full()),
        (QuestionType::SingleChoice, Value::Choice(c)) => return (!q.has_choice(c)).then_some("choice"),
        (QuestionType::MultipleChoice, Value::Choices(cs)) => {
            return cs.iter().any(|c| !q.has_choice(c)).then_some("choice");
        }
        (QuestionType::Calculated, _) => return Some("calculated"),
        _ => false,
    };
    (!fits).then_some("type")
}

impl Form {
    /// Every problem with `answers`, in questionnaire order.
    pub fn validate(&self, answers: &Answers, reference_date: NaiveDate) -> Vec<Problem> {
        let mut problems = Vec::new();
        for id in answers.household.keys() {
            if self.question(id).is_none() || self.in_roster(id) {
                problems.push(Problem::error(id, None, "unknown_question"));
            }
        }
        for section in &self.sections {
            match &section.repeat {
                None => {
                    let scope = Scope { answers, row: None, reference_date };
                    for q in &section.questions {
                        self.check(q, answers.household.get(&q.id), scope, &mut problems);
                    }
                }
                Some(repeat) => {
                    let n = answers.members.len();
                    if n < repeat.min as usize {
                        problems.push(Problem::error(&section.id, None, "roster.too_few"));
                    }
                    if n > repeat.max as usize {
                        problems.push(Problem::error(&section.id, None, "roster.too_many"));
                    }
                    let scope = Scope { answers, row: None, reference_date };
                    let rules = self.rules(&section.id).map_or(&[][..], |r| &r.constraints[..]);
                    for (constraint, rule) in repeat.constraints.iter().zip(rules) {
                        if rule.test(scope) == Some(false) {
                            problems.push(Problem {
                                question: section.id.clone(),
                                row: None,
                                key: constraint.message.clone(),
                                severity: constraint.severity,
                            });
                        }
                    }
                    for (i, row) in answers.members.iter().enumerate() {
                        for id in row.values.keys() {
                            if !self.in_roster(id) {
                                problems.push(Problem::error(id, Some(i), "unknown_question"));
                            }
                        }
                        let scope = Scope { answers, row: Some(i), reference_date };
                        for q in &section.questions {
                            self.check(q, row.values.get(&q.id), scope, &mut problems);
                        }
                    }
                }
            }
        }
        problems
    }

    fn check(&self, q: &Question, value: Option<&Value>, scope: Scope<'_>, out: &mut Vec<Problem>) {
        let row = scope.row;
        if q.kind == QuestionType::Calculated {
            if value.is_some() {
                out.push(Problem::error(&q.id, row, "calculated"));
            }
            return;
        }
        let Some(rules) = self.rules(&q.id) else { return };
        let relevant = rules.relevant.as_ref().is_none_or(|r| r.test(scope) == Some(true));
        if !relevant {
            return;
        }
        let Some(value) = value else {
            if q.required {
                out.push(Problem::error(&q.id, row, "required"));
            }
            return;
        };
        if let Some(key) = misfit(q, value) {
            out.push(Problem::error(&q.id, row, key));
            return;
        }
        for (constraint, rule) in q.constraints.iter().zip(&rules.constraints) {
            if rule.test(scope) == Some(false) {
                out.push(Problem {
                    question: q.id.clone(),
                    row,
                    key: constraint.message.clone(),
                    severity: constraint.severity,
                });
            }
        }
    }
}
