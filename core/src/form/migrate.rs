//! Moving a draft to another version of its questionnaire: answers are
//! carried by question id; what no longer fits is dropped and reported.

use serde::{Deserialize, Serialize};

use super::model::Form;
use super::validate::misfit;
use super::value::{Answers, Row, Value};

/// An answer that did not survive the move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dropped {
    pub question: String,
    pub row: Option<usize>,
    /// `removed` (no such question, or it moved in or out of the roster),
    /// `type`, `choice` or `calculated` (the question changed).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Migrated {
    pub answers: Answers,
    pub dropped: Vec<Dropped>,
}

impl Form {
    /// Carries `answers`, written for any version of this questionnaire, over
    /// to this version.
    pub fn carry_over(&self, answers: &Answers) -> Migrated {
        let mut dropped = Vec::new();
        let mut keep = |id: &str, value: &Value, row: Option<usize>| {
            let reason = match self.question(id) {
                Some(q) if self.in_roster(id) == row.is_some() => misfit(q, value),
                _ => Some("removed"),
            };
            if let Some(reason) = reason {
                dropped.push(Dropped { question: id.to_owned(), row, reason: reason.to_owned() });
            }
            reason.is_none()
        };
        let household = answers
            .household
            .iter()
            .filter(|(id, v)| keep(id, v, None))
            .map(|(id, v)| (id.clone(), v.clone()))
            .collect();
        let members = answers
            .members
            .iter()
            .enumerate()
            .map(|(i, row)| Row {
                values: row
                    .values
                    .iter()
                    .filter(|(id, v)| keep(id, v, Some(i)))
                    .map(|(id, v)| (id.clone(), v.clone()))
                    .collect(),
                extra: row.extra.clone(),
            })
            .collect();
        let answers = Answers {
            reference_date: answers.reference_date,
            household,
            members,
            extra: answers.extra.clone(),
        };
        Migrated { answers, dropped }
    }
}
