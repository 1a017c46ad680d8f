//! Conflict records: changes that lost to another and were not applied.
//! Nothing is dropped silently: the losing change stays in the log, listed
//! here until a supervisor resolves it (an audited act).

use rusqlite::params;
use uuid::Uuid;

use super::super::Session;
use crate::error::{Error, Result};
use crate::identity::Role;
use crate::sync::wire::Entity;
use crate::workflow::Detail;

/// id, village, deleted, schema version, sealed record.
type HouseholdRow = ([u8; 16], String, bool, u32, Vec<u8>);

/// A change that did not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub origin: [u8; 16],
    pub seq: u64,
    pub entity: Entity,
    /// `superseded` (a later change won), `locked` (the interview was already
    /// approved, certified or rejected), `illegal` (not a legal act from the
    /// state it reached), or `duplicate` (another interview of the same
    /// household and cycle stands).
    pub reason: String,
    /// Who made the losing change.
    pub actor: Uuid,
}

impl Session {
    /// Open conflicts, oldest change first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let r = self.store.reader();
        let mut stmt = r.prepare_cached(
            "SELECT c.origin, c.seq, c.reason, ch.sv, ch.change FROM conflicts c
             JOIN changes ch ON ch.origin = c.origin AND ch.seq = c.seq
             WHERE c.resolved_by IS NULL ORDER BY ch.hlc",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, [u8; 16]>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (origin, seq, reason, sv, sealed) = row?;
            let change = self.open_change(origin, seq, sv, &sealed)?.change;
            out.push(Conflict {
                origin,
                seq: seq as u64,
                entity: change.entity,
                reason,
                actor: Uuid::from_bytes(change.actor),
            });
        }
        Ok(out)
    }

    /// Marks a conflict as seen and settled by a supervisor (audited).
    pub fn resolve_conflict(&self, origin: [u8; 16], seq: u64) -> Result<()> {
        if self.role() != Role::Supervisor {
            return Err(Error::NotPermitted { reason: "only a supervisor resolves conflicts" });
        }
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let n = tx.execute(
            "UPDATE conflicts SET resolved_by = ?3, resolved_at = ?4 WHERE origin = ?1 AND seq = ?2 AND resolved_by IS NULL",
            params![origin, seq as i64, self.user_id().as_bytes(), self.store.now_ms()],
        )?;
        if n == 0 {
            return Err(Error::NotFound { kind: "conflict" });
        }
        let detail = Detail { related: vec![Uuid::from_bytes(origin)], ..Detail::default() };
        self.audit(&tx, "conflict.resolve", Uuid::from_u64_pair(0, seq), &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// A digest of the replicated state (cycles, assignments, households,
    /// interviews), for
    /// checking that replicas converged. Local revisions and times are left
    /// out: they count local events, not state.
    pub fn state_hash(&self) -> Result<[u8; 32]> {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let r = self.store.reader();
        {
            let mut stmt = r.prepare(
                "SELECT id, year, kind, month, standard_id, reference_date, status FROM cycles ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(format!(
                    "{:?}|{}|{}|{:?}|{}|{}|{}",
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?
                ))
            })?;
            for row in rows {
                ctx.update(row?.as_bytes());
            }
        }
        {
            let mut stmt = r.prepare(
                "SELECT cycle_id, household_id, officer_id FROM assignments ORDER BY cycle_id, household_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok([r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?].concat())
            })?;
            for row in rows {
                ctx.update(&row?);
            }
        }
        let households: Vec<HouseholdRow> = {
            let mut stmt =
                r.prepare("SELECT id, unit_code, deleted, sv, record FROM households ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (id, village, deleted, sv, record) in households {
            let plain = self.records.open(
                super::super::seal::Binding { table: "households", row: &id, column: "record", schema: sv },
                &record,
            )?;
            ctx.update(&id);
            ctx.update(village.as_bytes());
            ctx.update(&[u8::from(deleted)]);
            ctx.update(&plain);
        }
        let raws = {
            let sql = format!("SELECT {} FROM interviews ORDER BY id", crate::store::interviews::COLUMNS);
            let mut stmt = r.prepare(&sql)?;
            let rows = stmt.query_map([], crate::store::interviews::raw_row)?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        drop(r);
        let form = crate::store::interviews::household_form()?;
        for raw in raws {
            let iv = self.open_interview(raw)?;
            ctx.update(iv.id.as_bytes());
            ctx.update(iv.status.as_str().as_bytes());
            ctx.update(iv.officer_id.as_bytes());
            ctx.update(form.to_interchange_json(&iv.answers)?.as_bytes());
            ctx.update(&postcard::to_stdvec(&iv.comments).map_err(|_| Error::Decode("comments"))?);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        Ok(out)
    }
}
