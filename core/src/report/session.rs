//! Reports through a signed-in session: the scope check, and reading a
//! certified cycle's sealed classifications as they were recorded.
//!
//! `Session::classifications` keeps only villages inside the user's scope
//! *today*, which drops every village closed by a reorganisation. A report of
//! an older cycle needs those rows, so it reads them here and lets
//! [`UnitReport::build`] place each village through the maps; the unit asked
//! for is itself checked against the scope, so every counted household is in
//! scope.

use std::collections::HashMap;

use rusqlite::Connection;
use uuid::Uuid;

use super::place::place;
use super::{CycleEntries, UnitReport};
use crate::error::{Error, Result};
use crate::scoring::Standard;
use crate::store::Session;
use crate::store::seal::Binding;
use crate::workflow::{Classification, CycleStatus, ListEntry, Movement, ReviewCycle};

impl Session {
    /// The report of unit `unit_code` (a village, commune or province, by its
    /// code on the cycle's reference date) for a certified cycle, compared
    /// with the previous certified cycle. Refused with
    /// [`Error::NotPermitted`] when the unit, followed to today through the
    /// reorganisation maps, is outside the user's scope.
    pub fn report(&self, cycle_id: Uuid, unit_code: &str) -> Result<UnitReport> {
        let cycle = self.cycle(cycle_id)?;
        if cycle.status != CycleStatus::Certified {
            return Err(Error::IllegalTransition { from: "open", act: "cycle.report" });
        }
        let registry = self.store.units();
        let date = cycle.reference_date;
        if registry.on(unit_code, date).is_none() {
            return Err(Error::NotFound { kind: "unit" });
        }
        let today = self.today().max(date);
        if !place(&registry, unit_code, date, today).is_some_and(|here| self.in_scope(&here)) {
            return Err(Error::NotPermitted { reason: "the unit is outside the user's scope" });
        }
        let standard = Standard::builtin(&cycle.standard_id)?;
        let previous = self.cycle_before(&cycle)?;
        let before = match &previous {
            Some(p) => self.recorded_entries(p.id, &HashMap::new())?,
            None => Vec::new(),
        };
        let standing: HashMap<Uuid, _> =
            before.iter().map(|e| (e.household_id, e.classification.category)).collect();
        let now = self.recorded_entries(cycle_id, &standing)?;
        let current = CycleEntries { year: cycle.year, date, entries: &now };
        let previous = previous.as_ref().map(|p| CycleEntries {
            year: p.year,
            date: p.reference_date,
            entries: &before,
        });
        UnitReport::build(&current, previous.as_ref(), &standard, &registry, unit_code)
    }

    /// The latest certified cycle before `cycle`, as the lists choose it.
    fn cycle_before(&self, cycle: &ReviewCycle) -> Result<Option<ReviewCycle>> {
        Ok(self
            .cycles()?
            .into_iter()
            .filter(|c| {
                c.id != cycle.id && c.status == CycleStatus::Certified && c.order_key() < cycle.order_key()
            })
            .max_by_key(ReviewCycle::order_key))
    }

    /// Every classification of a cycle, opened, with its village as recorded
    /// and its move from `previous`.
    fn recorded_entries(
        &self,
        cycle: Uuid,
        previous: &HashMap<Uuid, crate::scoring::Category>,
    ) -> Result<Vec<ListEntry>> {
        let rows = read_rows(&self.store.reader(), cycle)?;
        let mut out = Vec::with_capacity(rows.len());
        for (household_id, village, sv, record) in rows {
            let mut row = [0u8; 32];
            row[..16].copy_from_slice(cycle.as_bytes());
            row[16..].copy_from_slice(household_id.as_bytes());
            let at = Binding { table: "classifications", row: &row, column: "record", schema: sv };
            let plain = self.records.open(at, &record)?;
            let classification: Classification =
                postcard::from_bytes(&plain).map_err(|_| Error::Decode("classification"))?;
            let before = previous.get(&household_id).copied();
            out.push(ListEntry {
                household_id,
                village,
                movement: Movement::between(before, classification.category),
                previous: before,
                classification,
            });
        }
        Ok(out)
    }
}

/// A classification row: household, village as recorded, schema version,
/// sealed record.
type SealedRow = (Uuid, String, u32, Vec<u8>);

/// The sealed rows of a cycle's classifications.
fn read_rows(conn: &Connection, cycle: Uuid) -> Result<Vec<SealedRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT household_id, unit_code, sv, record FROM classifications WHERE cycle_id = ?1 ORDER BY household_id",
    )?;
    let rows = stmt.query_map([cycle.as_bytes()], |r| {
        Ok((Uuid::from_bytes(r.get(0)?), r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
