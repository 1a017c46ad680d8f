//! The household repository: one sealed record per household (with its
//! roster), blind-index tokens for members' names and ID numbers, soft
//! delete with a tombstone. Every call checks role and scope first.

use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::Session;
use super::schema::VERSION;
use super::seal::Binding;
use crate::error::{Error, Result};
use crate::household::{Household, HouseholdDetails};
use crate::sync::wire::{Entity, Op};
use crate::workflow::Detail;

const NAME: i64 = 1;
const NATIONAL_ID: i64 = 2;

fn binding(id: &Uuid, sv: u32) -> Binding<'_> {
    Binding { table: "households", row: id.as_bytes(), column: "record", schema: sv }
}

impl Session {
    /// Creates a household in `village`, which must be in scope.
    pub fn create_household(&self, village: &str, details: HouseholdDetails) -> Result<Household> {
        self.require_household_edit(village)?;
        details.check(self.today())?;
        let h = Household { id: Uuid::now_v7(), village: village.to_owned(), revision: 1, details };
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        tx.execute(
            "INSERT INTO households (id, unit_code, sv, record, revision, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![h.id.as_bytes(), h.village, VERSION, self.seal_details(&h)?, self.store.now_ms()],
        )?;
        self.write_tokens(&tx, &h)?;
        self.audit(&tx, "household.create", h.id, &Detail::default())?;
        self.record_change(&tx, Entity::Household(*h.id.as_bytes()), Op::Upsert, wire_household(&h)?)?;
        tx.commit()?;
        Ok(h)
    }

    /// Saves a changed household. `household.revision` must be the revision
    /// read; the saved household carries the next one. Both the old and the
    /// new village must be in scope.
    pub fn update_household(&self, household: &Household) -> Result<Household> {
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let (village, revision) = current(&tx, &household.id)?;
        self.require_household_edit(&village)?;
        self.require_household_edit(&household.village)?;
        if revision != household.revision {
            return Err(Error::Stale { kind: "household" });
        }
        household.details.check(self.today())?;
        let next = Household { revision: revision + 1, ..household.clone() };
        tx.execute(
            "UPDATE households SET unit_code = ?2, sv = ?3, record = ?4, revision = ?5, updated_at = ?6 WHERE id = ?1",
            params![
                next.id.as_bytes(),
                next.village,
                VERSION,
                self.seal_details(&next)?,
                next.revision,
                self.store.now_ms()
            ],
        )?;
        tx.execute("DELETE FROM household_tokens WHERE household_id = ?1", [next.id.as_bytes()])?;
        self.write_tokens(&tx, &next)?;
        self.audit(&tx, "household.update", next.id, &Detail::default())?;
        self.record_change(&tx, Entity::Household(*next.id.as_bytes()), Op::Upsert, wire_household(&next)?)?;
        tx.commit()?;
        Ok(next)
    }

    /// Soft-deletes a household: a tombstone stays (for sync and audit), its
    /// search tokens go.
    pub fn delete_household(&self, id: Uuid) -> Result<()> {
        let last = self.household(id)?;
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let (village, _) = current(&tx, &id)?;
        self.require_household_edit(&village)?;
        self.record_change(&tx, Entity::Household(*id.as_bytes()), Op::Delete, wire_household(&last)?)?;
        tx.execute(
            "UPDATE households SET deleted = 1, revision = revision + 1, updated_at = ?2 WHERE id = ?1",
            params![id.as_bytes(), self.store.now_ms()],
        )?;
        tx.execute("DELETE FROM household_tokens WHERE household_id = ?1", [id.as_bytes()])?;
        self.audit(&tx, "household.delete", id, &Detail::default())?;
        tx.commit()?;
        Ok(())
    }

    /// One household, if it exists, is not deleted and is in scope.
    pub fn household(&self, id: Uuid) -> Result<Household> {
        let row = self
            .store
            .reader()
            .query_row(
                "SELECT unit_code, sv, record, revision FROM households WHERE id = ?1 AND deleted = 0",
                [id.as_bytes()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or(Error::NotFound { kind: "household" })?;
        let (village, sv, record, revision): (String, u32, Vec<u8>, u32) = row;
        self.require_read(&village).map_err(|_| Error::NotFound { kind: "household" })?;
        self.open_household(id, village, sv, &record, revision)
    }

    /// Every household of a village in scope, oldest first.
    pub fn households_in(&self, village: &str) -> Result<Vec<Household>> {
        self.require_read(village)?;
        let r = self.store.reader();
        let mut stmt = r.prepare_cached(
            "SELECT id, sv, record, revision FROM households WHERE unit_code = ?1 AND deleted = 0 ORDER BY id",
        )?;
        let rows = stmt.query_map([village], |r| {
            Ok((r.get::<_, [u8; 16]>(0)?, r.get(1)?, r.get::<_, Vec<u8>>(2)?, r.get(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, sv, record, revision) = row?;
            out.push(self.open_household(Uuid::from_bytes(id), village.to_owned(), sv, &record, revision)?);
        }
        Ok(out)
    }

    /// Households with a member whose name or ID number equals `query` once
    /// both are normalised (diacritics and case folded). Only those in scope.
    pub fn find_households(&self, query: &str) -> Result<Vec<Household>> {
        let name = self.names.token(query);
        let id = self.national_ids.token(query);
        let ids: Vec<[u8; 16]> = {
            let r = self.store.reader();
            let mut stmt = r.prepare_cached(
                "SELECT DISTINCT household_id FROM household_tokens
                 WHERE (kind = ?1 AND token = ?2) OR (kind = ?3 AND token = ?4) ORDER BY household_id",
            )?;
            let rows = stmt.query_map(params![NAME, name, NATIONAL_ID, id], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::new();
        for id in ids {
            match self.household(Uuid::from_bytes(id)) {
                Ok(h) => out.push(h),
                Err(Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    pub(crate) fn seal_details(&self, h: &Household) -> Result<Vec<u8>> {
        let plain =
            zeroize::Zeroizing::new(postcard::to_stdvec(&h.details).map_err(|_| Error::Decode("household"))?);
        self.records.seal(binding(&h.id, VERSION), &plain)
    }

    fn open_household(
        &self,
        id: Uuid,
        village: String,
        sv: u32,
        record: &[u8],
        revision: u32,
    ) -> Result<Household> {
        let plain = self.records.open(binding(&id, sv), record)?;
        let details = postcard::from_bytes(&plain).map_err(|_| Error::Decode("household"))?;
        Ok(Household { id, village, revision, details })
    }

    pub(crate) fn write_tokens(&self, tx: &Transaction<'_>, h: &Household) -> Result<()> {
        let mut stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO household_tokens (kind, token, household_id) VALUES (?1, ?2, ?3)",
        )?;
        for m in &h.details.members {
            if let Some(t) = self.names.token(&m.full_name) {
                stmt.execute(params![NAME, t, h.id.as_bytes()])?;
            }
            if let Some(t) = m.national_id.as_deref().and_then(|n| self.national_ids.token(n)) {
                stmt.execute(params![NATIONAL_ID, t, h.id.as_bytes()])?;
            }
        }
        Ok(())
    }
}

fn wire_household(h: &Household) -> Result<Vec<u8>> {
    postcard::to_stdvec(&super::sync::household_to_wire(&h.village, &h.details))
        .map_err(|_| Error::Decode("household"))
}

/// The village and revision of a live household.
fn current(tx: &Transaction<'_>, id: &Uuid) -> Result<(String, u32)> {
    tx.query_row(
        "SELECT unit_code, revision FROM households WHERE id = ?1 AND deleted = 0",
        [id.as_bytes()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or(Error::NotFound { kind: "household" })
}
