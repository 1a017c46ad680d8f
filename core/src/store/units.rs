//! Persisting the unit registry: public administrative data, kept in clear.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Store;
use crate::error::{Error, Result};
use crate::units::{Level, Succession, Unit, UnitRegistry};

/// Reads the registry from the database.
pub(crate) fn load(conn: &Connection) -> Result<UnitRegistry> {
    let date = |s: Option<String>| -> Result<Option<NaiveDate>> {
        match s.filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d").map(Some).map_err(|_| Error::Decode("unit")),
        }
    };
    let mut reg = UnitRegistry::new();
    let mut stmt = conn
        .prepare("SELECT code, name, level, parent_code, valid_from, valid_to FROM units ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
    })?;
    for row in rows {
        let (code, name, level, parent, from, to) = row?;
        reg.add(Unit {
            code,
            name,
            level: Level::parse(&level).ok_or(Error::Decode("unit"))?,
            parent,
            valid_from: date(from)?,
            valid_to: date(to)?,
        })
        .map_err(|_| Error::Decode("unit"))?;
    }
    let mut stmt = conn.prepare("SELECT old_code, new_code, effective FROM unit_successions")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    for row in rows {
        let (old_code, new_code, effective) = row?;
        let effective = date(Some(effective))?.ok_or(Error::Decode("unit"))?;
        reg.add_succession(Succession { old_code, new_code, effective });
    }
    Ok(reg)
}

impl Store {
    /// The unit registry as loaded.
    pub fn units(&self) -> UnitRegistry {
        self.inner.units.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the stored registry with `next` in one transaction.
    pub(crate) fn save_units(&self, next: UnitRegistry) -> Result<()> {
        let fmt = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let mut w = self.writer();
        let tx = w.transaction()?;
        tx.execute("DELETE FROM units", [])?;
        tx.execute("DELETE FROM unit_successions", [])?;
        for u in next.units() {
            tx.execute(
                "INSERT INTO units (code, name, level, parent_code, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![u.code, u.name, u.level.as_str(), u.parent, fmt(u.valid_from).unwrap_or_default(), fmt(u.valid_to)],
            )?;
        }
        for s in next.successions() {
            tx.execute(
                "INSERT INTO unit_successions (old_code, new_code, effective) VALUES (?1, ?2, ?3)",
                params![s.old_code, s.new_code, fmt(Some(s.effective))],
            )?;
        }
        tx.commit()?;
        *self.inner.units.write().unwrap_or_else(|p| p.into_inner()) = next;
        Ok(())
    }

    /// Imports units from CSV while provisioning (see [`UnitRegistry::load_units_csv`]
    /// and [`UnitRegistry::load_reorganisation_csv`]; the header tells which).
    pub fn import_units_csv(&self, csv: &str) -> Result<usize> {
        if super::lock(&self.inner.provisioning).is_none() {
            return Err(Error::NotPermitted {
                reason: "importing units needs provisioning or an administrator",
            });
        }
        self.import_units_unchecked(csv)
    }

    pub(crate) fn import_units_unchecked(&self, csv: &str) -> Result<usize> {
        let mut next = self.units();
        let first = csv.trim_start_matches('\u{feff}').lines().next().unwrap_or_default();
        let n = if first.starts_with("new_code,") {
            next.load_reorganisation_csv(csv)
        } else {
            next.load_units_csv(csv)
        }
        .map_err(|e| Error::invalid("units csv", e.to_string()))?;
        self.save_units(next)?;
        Ok(n)
    }
}
