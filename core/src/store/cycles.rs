//! Review cycles in the store: opening them and reading them back.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::Session;
use crate::error::{Error, Result};
use crate::identity::Role;
use crate::scoring::Standard;
use crate::sync::wire::{Entity, Op};
use crate::workflow::{CycleKind, CycleStatus, Detail, NewCycle, ReviewCycle};

impl Session {
    /// Opens a review cycle (supervisors whose scope covers every unit).
    pub fn open_cycle(&self, new: NewCycle) -> Result<ReviewCycle> {
        if self.role() != Role::Supervisor {
            return Err(Error::NotPermitted { reason: "only a supervisor opens a review cycle" });
        }
        new.check()?;
        Standard::builtin(&new.standard_id)?;
        for u in &new.units {
            self.require_read(u)?;
        }
        let cycle = ReviewCycle {
            id: Uuid::now_v7(),
            year: new.year,
            kind: new.kind,
            standard_id: new.standard_id,
            units: new.units,
            reference_date: new.reference_date,
            status: CycleStatus::Open,
            opened_at_ms: self.store.now_ms(),
            certified_at_ms: None,
        };
        let (kind, month) = match cycle.kind {
            CycleKind::Periodic => ("periodic", None),
            CycleKind::Regular { month } => ("regular", Some(month)),
        };
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        tx.execute(
            "INSERT INTO cycles (id, year, kind, month, standard_id, reference_date, status, opened_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7)",
            params![
                cycle.id.as_bytes(),
                cycle.year,
                kind,
                month,
                cycle.standard_id,
                cycle.reference_date.to_string(),
                cycle.opened_at_ms
            ],
        )?;
        for u in &cycle.units {
            tx.execute(
                "INSERT OR IGNORE INTO cycle_units (cycle_id, unit_code) VALUES (?1, ?2)",
                params![cycle.id.as_bytes(), u],
            )?;
        }
        self.audit(&tx, "cycle.open", cycle.id, &Detail::default())?;
        self.record_cycle(&tx, &cycle)?;
        tx.commit()?;
        Ok(cycle)
    }

    /// Appends a cycle's state to the change log.
    pub(crate) fn record_cycle(&self, tx: &rusqlite::Transaction<'_>, cycle: &ReviewCycle) -> Result<()> {
        let payload =
            postcard::to_stdvec(&super::sync::cycle_to_wire(cycle)).map_err(|_| Error::Decode("cycle"))?;
        self.record_change(tx, Entity::Cycle(*cycle.id.as_bytes()), Op::Upsert, payload)
    }

    /// One cycle.
    pub fn cycle(&self, id: Uuid) -> Result<ReviewCycle> {
        read_cycle(&self.store.reader(), id)
    }

    /// Every cycle, oldest first.
    pub fn cycles(&self) -> Result<Vec<ReviewCycle>> {
        let ids: Vec<[u8; 16]> = {
            let r = self.store.reader();
            let mut stmt = r.prepare("SELECT id FROM cycles ORDER BY year, opened_at")?;
            stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
        };
        let r = self.store.reader();
        ids.into_iter().map(|id| read_cycle(&r, Uuid::from_bytes(id))).collect()
    }
}

/// Reads a cycle with any connection (reader, or a writer's transaction).
pub(crate) fn read_cycle(conn: &Connection, id: Uuid) -> Result<ReviewCycle> {
    let row = conn
        .query_row(
            "SELECT year, kind, month, standard_id, reference_date, status, opened_at, certified_at FROM cycles WHERE id = ?1",
            [id.as_bytes()],
            |r| {
                Ok((
                    r.get::<_, i32>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<u32>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                ))
            },
        )
        .optional()?
        .ok_or(Error::NotFound { kind: "cycle" })?;
    let (year, kind, month, standard_id, reference_date, status, opened_at_ms, certified_at_ms) = row;
    let kind = match (kind.as_str(), month) {
        ("periodic", _) => CycleKind::Periodic,
        ("regular", Some(month)) => CycleKind::Regular { month },
        _ => return Err(Error::Decode("cycle")),
    };
    let status = match status.as_str() {
        "open" => CycleStatus::Open,
        "certified" => CycleStatus::Certified,
        _ => return Err(Error::Decode("cycle")),
    };
    let mut stmt =
        conn.prepare_cached("SELECT unit_code FROM cycle_units WHERE cycle_id = ?1 ORDER BY unit_code")?;
    let units = stmt.query_map([id.as_bytes()], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ReviewCycle {
        id,
        year,
        kind,
        standard_id,
        units,
        reference_date: NaiveDate::parse_from_str(&reference_date, "%Y-%m-%d")
            .map_err(|_| Error::Decode("cycle"))?,
        status,
        opened_at_ms,
        certified_at_ms,
    })
}
