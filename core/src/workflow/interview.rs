//! Interviews: one survey of one household in one cycle.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Status;
use crate::error::{Error, Result};
use crate::form::Answers;
use crate::scoring::ScoreResult;

/// An interview as the store returns it. `Debug` shows ids and status only.
#[derive(Clone, PartialEq)]
pub struct Interview {
    pub id: Uuid,
    pub household_id: Uuid,
    pub cycle_id: Uuid,
    /// The household's village when the interview started.
    pub village: String,
    pub form_id: String,
    pub form_version: u32,
    /// The officer who holds the interview.
    pub officer_id: Uuid,
    pub status: Status,
    /// Bumped by every change; a save must name the revision it read.
    pub revision: u32,
    pub answers: Answers,
    /// Set when the interview is completed.
    pub score: Option<ScoreResult>,
    pub comments: Vec<Comment>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub submitted_at_ms: Option<i64>,
}

impl fmt::Debug for Interview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interview")
            .field("id", &self.id)
            .field("household_id", &self.household_id)
            .field("cycle_id", &self.cycle_id)
            .field("status", &self.status)
            .field("revision", &self.revision)
            .finish_non_exhaustive()
    }
}

/// A reviewer's remark, anchored to a question and roster row when it is
/// about one answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub author: Uuid,
    pub at_ms: i64,
    pub question: Option<String>,
    /// The roster row (0 = the head) when the question is per member.
    pub row: Option<u32>,
    pub text: String,
}

/// A remark as written, before the store stamps author and time.
#[derive(Clone, PartialEq, Eq)]
pub struct NewComment {
    pub question: Option<String>,
    pub row: Option<u32>,
    pub text: String,
}

impl NewComment {
    /// A remark about the whole interview.
    pub fn general(text: &str) -> Self {
        NewComment { question: None, row: None, text: text.to_owned() }
    }

    /// A remark about one answer.
    pub fn on(question: &str, row: Option<u32>, text: &str) -> Self {
        NewComment { question: Some(question.to_owned()), row, text: text.to_owned() }
    }

    pub(crate) fn check(
        &self,
        field: &str,
        roster_len: usize,
        question_known: impl Fn(&str) -> bool,
    ) -> Result<()> {
        let n = self.text.trim().chars().count();
        if n == 0 || n > 2000 {
            return Err(Error::invalid(format!("{field}.text"), "must be 1 to 2000 characters"));
        }
        if let Some(q) = &self.question
            && !question_known(q)
        {
            return Err(Error::invalid(format!("{field}.question"), "is not a question of the form"));
        }
        if let Some(r) = self.row
            && r as usize >= roster_len
        {
            return Err(Error::invalid(format!("{field}.row"), "is not a roster row"));
        }
        Ok(())
    }
}

impl fmt::Debug for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Comment")
            .field("author", &self.author)
            .field("question", &self.question)
            .field("row", &self.row)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for NewComment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewComment")
            .field("question", &self.question)
            .field("row", &self.row)
            .finish_non_exhaustive()
    }
}

/// The sealed part of an interview.
#[derive(Serialize, Deserialize)]
pub(crate) struct InterviewRecord {
    pub answers: Answers,
    pub score: Option<ScoreResult>,
    pub comments: Vec<Comment>,
}
