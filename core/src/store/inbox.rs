//! Work queues that need no unsealing: the supervisor's inbox, returned
//! interviews, counts per status per village. Everything here is read from
//! clear columns (ids, village, officer, status, times).

use rusqlite::params;
use uuid::Uuid;

use super::Session;
use crate::error::{Error, Result};
use crate::workflow::Status;

/// An interview as a queue shows it: ids and state, nothing personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewSummary {
    pub id: Uuid,
    pub household_id: Uuid,
    pub cycle_id: Uuid,
    pub village: String,
    pub officer_id: Uuid,
    pub status: Status,
    pub revision: u32,
    pub updated_at_ms: i64,
    pub submitted_at_ms: Option<i64>,
}

/// How many interviews of a village stand at a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub village: String,
    pub status: Status,
    pub count: u32,
}

impl Session {
    /// Submitted interviews in scope, oldest submission first.
    pub fn inbox(&self) -> Result<Vec<InterviewSummary>> {
        self.summaries("status = 'submitted'", params![], "submitted_at, id")
    }

    /// Returned interviews in scope: an officer sees their own; a supervisor
    /// sees everyone's, or one officer's when `officer` is given.
    pub fn returned(&self, officer: Option<Uuid>) -> Result<Vec<InterviewSummary>> {
        let officer = if self.reviews() { officer } else { Some(self.user_id()) };
        match officer {
            Some(o) => self.summaries(
                "status = 'returned' AND officer_id = ?1",
                params![o.as_bytes()],
                "officer_id, updated_at",
            ),
            None => self.summaries("status = 'returned'", params![], "officer_id, updated_at"),
        }
    }

    /// Interviews per status per village of a cycle, in scope.
    pub fn status_counts(&self, cycle_id: Uuid) -> Result<Vec<StatusCount>> {
        let r = self.store.reader();
        let mut stmt = r.prepare_cached(
            "SELECT unit_code, status, count(*) FROM interviews WHERE cycle_id = ?1
             GROUP BY unit_code, status ORDER BY unit_code, status",
        )?;
        let rows = stmt.query_map([cycle_id.as_bytes()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (village, status, count) = row?;
            if self.in_scope(&village) {
                out.push(StatusCount {
                    village,
                    status: Status::parse(&status).ok_or(Error::Decode("status"))?,
                    count,
                });
            }
        }
        Ok(out)
    }

    fn summaries(
        &self,
        filter: &str,
        args: &[&dyn rusqlite::ToSql],
        order: &str,
    ) -> Result<Vec<InterviewSummary>> {
        let sql = format!(
            "SELECT id, household_id, cycle_id, unit_code, officer_id, status, revision, updated_at, submitted_at
             FROM interviews WHERE {filter} ORDER BY {order}"
        );
        let r = self.store.reader();
        let mut stmt = r.prepare_cached(&sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok((
                r.get::<_, [u8; 16]>(0)?,
                r.get::<_, [u8; 16]>(1)?,
                r.get::<_, [u8; 16]>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, [u8; 16]>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, household, cycle, village, officer, status, revision, updated, submitted) = row?;
            if !self.in_scope(&village) {
                continue;
            }
            out.push(InterviewSummary {
                id: Uuid::from_bytes(id),
                household_id: Uuid::from_bytes(household),
                cycle_id: Uuid::from_bytes(cycle),
                village,
                officer_id: Uuid::from_bytes(officer),
                status: Status::parse(&status).ok_or(Error::Decode("status"))?,
                revision,
                updated_at_ms: updated,
                submitted_at_ms: submitted,
            });
        }
        Ok(out)
    }
}
