//! Certifying a cycle, and the lists derived from classifications.
//!
//! Certification is one transaction: every approved interview becomes
//! certified and its score becomes the household's classification; every
//! other household of the cycle's villages keeps its previous classification,
//! marked as carried over. Lists are then queries: this cycle's
//! classifications against the previous certified cycle's.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::Session;
use super::cycles::read_cycle;
use super::interviews::raw_row;
use super::schema::VERSION;
use super::seal::Binding;
use crate::error::{Error, Result};
use crate::household::Relationship;
use crate::identity::Role;
use crate::workflow::lifecycle::{self, Act, Actor};
use crate::workflow::{
    Classification, CycleStatus, Detail, ListEntry, ListKind, Movement, ReviewCycle, Status,
};

fn binding(cycle: &Uuid, household: &Uuid, sv: u32) -> ([u8; 32], u32) {
    let mut row = [0u8; 32];
    row[..16].copy_from_slice(cycle.as_bytes());
    row[16..].copy_from_slice(household.as_bytes());
    (row, sv)
}

/// What certification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertifySummary {
    /// Approved interviews certified and classified.
    pub certified: usize,
    /// Households not re-surveyed that kept their previous classification.
    pub carried_over: usize,
}

impl Session {
    /// Records the commune's decision and closes the cycle. Refused while any
    /// interview still awaits review.
    pub fn certify_cycle(&self, cycle_id: Uuid) -> Result<CertifySummary> {
        if self.role() != Role::Supervisor {
            return Err(Error::NotPermitted { reason: "only a supervisor certifies a cycle" });
        }
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let cycle = read_cycle(&tx, cycle_id)?;
        for u in &cycle.units {
            self.require_read(u)?;
        }
        if cycle.status != CycleStatus::Open {
            return Err(Error::IllegalTransition { from: "certified", act: "cycle.certify" });
        }
        let waiting: i64 = tx.query_row(
            "SELECT count(*) FROM interviews WHERE cycle_id = ?1 AND status = 'submitted'",
            [cycle_id.as_bytes()],
            |r| r.get(0),
        )?;
        if waiting > 0 {
            return Err(Error::invalid("cycle", format!("{waiting} interview(s) still await review")));
        }
        let previous = self.previous_cycle(&cycle)?;
        let mut summary = CertifySummary { certified: 0, carried_over: 0 };
        let mut surveyed = std::collections::HashSet::new();
        let approved = {
            let sql = format!(
                "SELECT {} FROM interviews WHERE cycle_id = ?1 AND status IN ('approved', 'rejected')",
                super::interviews::COLUMNS
            );
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map([cycle_id.as_bytes()], raw_row)?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        for raw in approved {
            let mut iv = self.open_interview(raw)?;
            surveyed.insert(iv.household_id);
            if iv.status == Status::Rejected {
                continue;
            }
            let actor = Actor { id: self.user_id(), role: self.role(), in_scope: self.in_scope(&iv.village) };
            let to = lifecycle::next(iv.status, Act::Certify, actor, iv.officer_id)?;
            let score = iv.score.as_ref().ok_or(Error::Decode("interview without a score"))?;
            // A household deleted since its interview was approved is not
            // classified: it no longer exists for the commune.
            let household = match self.household(iv.household_id) {
                Ok(h) => h,
                Err(Error::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            let head = household.details.members.iter().find(|m| m.relationship == Relationship::Head);
            let class = Classification {
                category: score.category,
                income_per_capita: score.income_per_capita,
                b1: score.b1,
                b2: score.b2,
                deprived: score.deprived().map(str::to_owned).collect(),
                standard: score.standard.clone(),
                interview_id: Some(iv.id),
                approved_by: self.approver(&tx, iv.id)?,
                carried_over: false,
                members: household.details.members.len() as u32,
                head_sex: head.map(|m| m.sex),
                head_ethnicity: head.map(|m| m.ethnicity.clone()).filter(|e| !e.is_empty()),
            };
            self.write_classification(&tx, cycle_id, iv.household_id, &household.village, &class)?;
            iv.revision += 1;
            tx.execute(
                "UPDATE interviews SET status = ?2, revision = ?3, updated_at = ?4 WHERE id = ?1",
                params![iv.id.as_bytes(), to.as_str(), iv.revision, self.store.now_ms()],
            )?;
            let detail = Detail {
                from: Some(iv.status),
                to: Some(to),
                related: vec![iv.household_id, cycle_id],
                content: None,
            };
            self.audit(&tx, Act::Certify.as_str(), iv.id, &detail)?;
            iv.status = to;
            self.record_interview(&tx, &iv, crate::sync::wire::act_code(Act::Certify))?;
            summary.certified += 1;
        }
        if let Some(prev) = previous {
            for (household_id, village, mut class) in self.classifications_in(&tx, prev.id)? {
                let covered = {
                    let units = self.store.inner.units.read().unwrap_or_else(|p| p.into_inner());
                    cycle.units.iter().any(|u| units.is_within(&village, u, self.today()))
                };
                let live: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1 AND deleted = 0)",
                    [household_id.as_bytes()],
                    |r| r.get(0),
                )?;
                if covered && live && !surveyed.contains(&household_id) {
                    class.carried_over = true;
                    self.write_classification(&tx, cycle_id, household_id, &village, &class)?;
                    summary.carried_over += 1;
                }
            }
        }
        tx.execute(
            "UPDATE cycles SET status = 'certified', certified_at = ?2 WHERE id = ?1",
            params![cycle_id.as_bytes(), self.store.now_ms()],
        )?;
        self.audit(&tx, "cycle.certify", cycle_id, &Detail::default())?;
        let certified = ReviewCycle { status: CycleStatus::Certified, ..cycle.clone() };
        self.record_cycle(&tx, &certified)?;
        tx.commit()?;
        Ok(summary)
    }

    /// The classifications of a certified cycle in scope, with each
    /// household's move from the previous certified cycle.
    pub fn classifications(&self, cycle_id: Uuid) -> Result<Vec<ListEntry>> {
        let cycle = self.cycle(cycle_id)?;
        if cycle.status != CycleStatus::Certified {
            return Err(Error::IllegalTransition { from: "open", act: "cycle.lists" });
        }
        let previous: HashMap<Uuid, _> = match self.previous_cycle(&cycle)? {
            Some(prev) => self
                .classifications_in(&self.store.reader(), prev.id)?
                .into_iter()
                .map(|(h, _, c)| (h, c.category))
                .collect(),
            None => HashMap::new(),
        };
        let mut out = Vec::new();
        let current = self.classifications_in(&self.store.reader(), cycle_id)?;
        for (household_id, village, classification) in current {
            if !self.in_scope(&village) {
                continue;
            }
            let prev = previous.get(&household_id).copied();
            out.push(ListEntry {
                household_id,
                village,
                movement: Movement::between(prev, classification.category),
                previous: prev,
                classification,
            });
        }
        Ok(out)
    }

    /// One list of a certified cycle: e.g. the poor, or the newly poor.
    pub fn list(&self, cycle_id: Uuid, kind: ListKind) -> Result<Vec<ListEntry>> {
        let mut all = self.classifications(cycle_id)?;
        all.retain(|e| kind.includes(e.classification.category, e.movement));
        Ok(all)
    }

    /// The latest certified cycle before `cycle`.
    fn previous_cycle(&self, cycle: &ReviewCycle) -> Result<Option<ReviewCycle>> {
        Ok(self
            .cycles()?
            .into_iter()
            .filter(|c| {
                c.id != cycle.id && c.status == CycleStatus::Certified && c.order_key() < cycle.order_key()
            })
            .max_by_key(ReviewCycle::order_key))
    }

    fn approver(&self, tx: &Transaction<'_>, interview: Uuid) -> Result<Option<Uuid>> {
        let actor: Option<[u8; 16]> = tx
            .query_row(
                "SELECT actor FROM audit WHERE subject = ?1 AND action = ?2 ORDER BY seq DESC LIMIT 1",
                params![interview.as_bytes(), Act::Approve.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(actor.map(Uuid::from_bytes))
    }

    fn write_classification(
        &self,
        tx: &Transaction<'_>,
        cycle: Uuid,
        household: Uuid,
        village: &str,
        class: &Classification,
    ) -> Result<()> {
        let (row, sv) = binding(&cycle, &household, VERSION);
        let plain =
            zeroize::Zeroizing::new(postcard::to_stdvec(class).map_err(|_| Error::Decode("classification"))?);
        let sealed = self
            .records
            .seal(Binding { table: "classifications", row: &row, column: "record", schema: sv }, &plain)?;
        tx.execute(
            "INSERT OR REPLACE INTO classifications (household_id, cycle_id, unit_code, sv, record) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![household.as_bytes(), cycle.as_bytes(), village, sv, sealed],
        )?;
        Ok(())
    }

    fn classifications_in(
        &self,
        conn: &Connection,
        cycle: Uuid,
    ) -> Result<Vec<(Uuid, String, Classification)>> {
        let mut stmt = conn.prepare_cached(
            "SELECT household_id, unit_code, sv, record FROM classifications WHERE cycle_id = ?1 ORDER BY household_id",
        )?;
        let rows = stmt.query_map([cycle.as_bytes()], |r| {
            Ok((
                r.get::<_, [u8; 16]>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (h, village, sv, record) = row?;
            let household = Uuid::from_bytes(h);
            let (row, _) = binding(&cycle, &household, sv);
            let plain = self.records.open(
                Binding { table: "classifications", row: &row, column: "record", schema: sv },
                &record,
            )?;
            let class = postcard::from_bytes(&plain).map_err(|_| Error::Decode("classification"))?;
            out.push((household, village, class));
        }
        Ok(out)
    }
}
