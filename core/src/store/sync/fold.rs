//! Folding an entity's changes into its stored state.
//!
//! The state of an entity is a function of the *set* of its changes, never of
//! the order they arrived in: the changes are sorted by (HLC, origin, seq)
//! and folded.
//!
//! - Cycles and households: the last change wins. A change that the winner
//!   did not see (made after the winner's base, on another device) is kept as
//!   a `superseded` conflict.
//! - Assignments: the last change by a supervisor in scope wins, once the
//!   household and cycle it names are held.
//! - Interviews: each change is a lifecycle act; it applies only if the
//!   lifecycle allows it from the state folded so far (by the actor's role
//!   from their certificate, the owner, the status). So workflow beats edits:
//!   an edit that arrives for an interview already approved does not apply
//!   and is kept as a `locked` conflict for the supervisor.

use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::convert::{cycle_from_wire, household_from_wire, interview_from_wire, interview_payload};
use super::kind_code;
use crate::error::Result;
use crate::household::Household;
use crate::identity::Role;
use crate::store::Session;
use crate::store::cycles::read_cycle;
use crate::store::interviews::household_form;
use crate::sync::wire::{
    ACT_REASSIGN, ACT_START, Change, Entity, Op, WireCycle, WireHousehold, act_from, status_code,
};
use crate::sync::wire2::{WireAssignment, WireInterview, assignment_id};
use crate::workflow::lifecycle::{self, Actor};
use crate::workflow::{CycleStatus, Interview, Status};

impl Session {
    /// Re-folds one entity inside `tx`; returns the number of conflicts.
    pub(crate) fn refold(&self, tx: &Transaction<'_>, entity: Entity) -> Result<usize> {
        let mut changes = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT origin, seq, sv, change FROM changes WHERE entity_kind = ?1 AND entity = ?2",
            )?;
            let rows = stmt.query_map(params![kind_code(&entity), entity.id()], |r| {
                Ok((
                    r.get::<_, [u8; 16]>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })?;
            for row in rows {
                let (origin, seq, sv, sealed) = row?;
                changes.push(self.open_change(origin, seq, sv, &sealed)?.change);
            }
        }
        changes.sort_by_key(|c| (c.hlc, c.origin, c.seq));
        let losers: Vec<(&Change, &'static str)> = match entity {
            Entity::Cycle(id) => self.fold_cycle(tx, Uuid::from_bytes(id), &changes)?,
            Entity::Household(id) => self.fold_household(tx, Uuid::from_bytes(id), &changes)?,
            Entity::Interview(id) => self.fold_interview(tx, Uuid::from_bytes(id), &changes)?,
            Entity::Assignment(id) => self.fold_assignment(tx, id, &changes)?,
        };
        tx.execute(
            "DELETE FROM conflicts WHERE entity_kind = ?1 AND entity = ?2 AND resolved_by IS NULL",
            params![kind_code(&entity), entity.id()],
        )?;
        for (c, reason) in &losers {
            tx.execute(
                "INSERT OR IGNORE INTO conflicts (origin, seq, entity_kind, entity, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![c.origin, c.seq as i64, kind_code(&entity), entity.id(), reason],
            )?;
        }
        Ok(losers.len())
    }

    fn fold_cycle<'a>(
        &self,
        tx: &Transaction<'_>,
        id: Uuid,
        changes: &'a [Change],
    ) -> Result<Vec<(&'a Change, &'static str)>> {
        let mut losers = Vec::new();
        let mut kept: Vec<(&Change, WireCycle)> = Vec::new();
        for c in changes {
            let Ok(w) = postcard::from_bytes::<WireCycle>(&c.payload) else {
                losers.push((c, "invalid"));
                continue;
            };
            let cert = self.store.certificate_of(tx, Uuid::from_bytes(c.actor))?;
            let allowed = cert.is_some_and(|cert| {
                cert.body.role == Role::Supervisor && w.units.iter().all(|u| self.covers(&cert, u))
            });
            if allowed { kept.push((c, w)) } else { losers.push((c, "not permitted")) }
        }
        let Some((winner, w)) = kept.last() else { return Ok(losers) };
        let first_ms = (kept[0].0.hlc >> 16) as i64;
        let Ok(mut cycle) = cycle_from_wire(id, w, first_ms) else {
            return Ok(changes.iter().map(|c| (c, "invalid")).collect());
        };
        if let Some((c, _)) = kept.iter().find(|(_, w)| w.certified) {
            cycle.status = CycleStatus::Certified;
            cycle.certified_at_ms = Some((c.hlc >> 16) as i64);
        }
        let (kind, month) = match cycle.kind {
            crate::workflow::CycleKind::Periodic => ("periodic", None),
            crate::workflow::CycleKind::Regular { month } => ("regular", Some(month)),
        };
        tx.execute(
            "INSERT INTO cycles (id, year, kind, month, standard_id, reference_date, status, opened_at, certified_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET year = ?2, kind = ?3, month = ?4, standard_id = ?5, reference_date = ?6,
                                            status = ?7, opened_at = ?8, certified_at = ?9",
            params![
                id.as_bytes(),
                cycle.year,
                kind,
                month,
                cycle.standard_id,
                cycle.reference_date.to_string(),
                if cycle.status == CycleStatus::Certified { "certified" } else { "open" },
                cycle.opened_at_ms,
                cycle.certified_at_ms
            ],
        )?;
        tx.execute("DELETE FROM cycle_units WHERE cycle_id = ?1", [id.as_bytes()])?;
        for u in &cycle.units {
            tx.execute(
                "INSERT OR IGNORE INTO cycle_units (cycle_id, unit_code) VALUES (?1, ?2)",
                params![id.as_bytes(), u],
            )?;
        }
        let kept: Vec<&Change> = kept.iter().map(|(c, _)| *c).collect();
        losers.extend(superseded(&kept, winner));
        Ok(losers)
    }

    fn fold_household<'a>(
        &self,
        tx: &Transaction<'_>,
        id: Uuid,
        changes: &'a [Change],
    ) -> Result<Vec<(&'a Change, &'static str)>> {
        let mut losers = Vec::new();
        let mut kept: Vec<(&Change, String, crate::household::HouseholdDetails)> = Vec::new();
        for c in changes {
            let decoded = postcard::from_bytes::<WireHousehold>(&c.payload)
                .ok()
                .and_then(|w| household_from_wire(&w).ok());
            let Some((village, details)) = decoded.filter(|(_, d)| d.check(self.today()).is_ok()) else {
                losers.push((c, "invalid"));
                continue;
            };
            let cert = self.store.certificate_of(tx, Uuid::from_bytes(c.actor))?;
            let before = kept.last().map(|(_, v, _)| v.clone());
            let allowed = cert.is_some_and(|cert| {
                cert.body.role.edits_households()
                    && self.covers(&cert, &village)
                    && before.as_deref().is_none_or(|b| self.covers(&cert, b))
            });
            if allowed { kept.push((c, village, details)) } else { losers.push((c, "not permitted")) }
        }
        let Some((winner, village, details)) = kept.last() else { return Ok(losers) };
        let h =
            Household { id, village: village.clone(), revision: kept.len() as u32, details: details.clone() };
        self.write_household_row(tx, &h, winner.op == Op::Delete, (winner.hlc >> 16) as i64)?;
        let kept: Vec<&Change> = kept.iter().map(|(c, _, _)| *c).collect();
        losers.extend(superseded(&kept, winner));
        Ok(losers)
    }

    fn fold_interview<'a>(
        &self,
        tx: &Transaction<'_>,
        id: Uuid,
        changes: &'a [Change],
    ) -> Result<Vec<(&'a Change, &'static str)>> {
        let form = household_form()?;
        let mut state: Option<(WireInterview, &Change, u32)> = None;
        let mut losers = Vec::new();
        for c in changes {
            let Ok(next) = interview_payload(c, form) else {
                losers.push((c, "invalid"));
                continue;
            };
            let cert = self.store.certificate_of(tx, Uuid::from_bytes(c.actor))?;
            let village = state.as_ref().map_or(next.village.as_str(), |(cur, _, _)| cur.village.as_str());
            if !cert.as_ref().is_some_and(|cert| self.covers(cert, village)) {
                losers.push((c, "not permitted"));
                continue;
            }
            // What an act may change: a save the answers, a reassignment the
            // officer, a review only the status and comments.
            let save = crate::sync::wire::act_code(crate::workflow::Act::Save);
            let fixed = state.as_ref().is_none_or(|(cur, _, _)| {
                let same_place =
                    cur.household == next.household && cur.cycle == next.cycle && cur.village == next.village;
                let same_owner = cur.officer == next.officer || c.op == Op::Act(ACT_REASSIGN);
                let same_answers = cur.answers == next.answers || c.op == Op::Act(save);
                same_place && same_owner && same_answers
            });
            let starter = cert.as_ref().is_some_and(|cert| {
                cert.body.role.edits_households() && cert.body.user_id == Uuid::from_bytes(next.officer)
            });
            let ok = fixed
                && match (&state, c.op) {
                    (None, Op::Act(ACT_START)) => starter && next.status == status_code(Status::Draft),
                    (Some((cur, _, _)), Op::Act(ACT_REASSIGN)) => {
                        self.role_of(tx, c.actor)? == Some(crate::identity::Role::Supervisor)
                            && crate::sync::wire::status_from(cur.status).is_some_and(Status::editable)
                            && next.status == cur.status
                    }
                    (Some((cur, _, _)), Op::Act(code)) => {
                        match (act_from(code), self.role_of(tx, c.actor)?) {
                            (Some(act), Some(role)) => {
                                let actor = Actor { id: Uuid::from_bytes(c.actor), role, in_scope: true };
                                crate::sync::wire::status_from(cur.status).is_some_and(|from| {
                                    lifecycle::next(from, act, actor, Uuid::from_bytes(cur.officer))
                                        .is_ok_and(|to| status_code(to) == next.status)
                                })
                            }
                            _ => false,
                        }
                    }
                    _ => false,
                };
            if ok {
                let n = state.as_ref().map_or(0, |s| s.2) + 1;
                state = Some((next, c, n));
            } else {
                let locked = state.as_ref().is_some_and(|(cur, _, _)| matches!(cur.status, 3 | 4 | 6));
                losers.push((c, if locked { "locked" } else { "illegal" }));
            }
        }
        let Some((w, last, count)) = state else { return Ok(losers) };
        let Ok(mut iv) = interview_from_wire(id, &w, form) else {
            return Ok(changes.iter().map(|c| (c, "invalid")).collect());
        };
        iv.revision = count;
        iv.created_at_ms = (changes[0].hlc >> 16) as i64;
        iv.updated_at_ms = (last.hlc >> 16) as i64;
        if matches!(iv.status, Status::Completed | Status::Submitted | Status::Approved | Status::Certified)
            && let Ok(cycle) = read_cycle(tx, iv.cycle_id)
        {
            let standard = crate::scoring::Standard::builtin(&cycle.standard_id)?;
            iv.score = standard.score(&iv.answers, cycle.reference_date).ok();
        }
        // Two devices may start the same household's interview in one cycle:
        // the interview with the lower id stands; the other is a conflict.
        let rival: Option<[u8; 16]> = tx
            .query_row(
                "SELECT id FROM interviews WHERE household_id = ?1 AND cycle_id = ?2 AND id != ?3",
                params![iv.household_id.as_bytes(), iv.cycle_id.as_bytes(), id.as_bytes()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(rival) = rival {
            if rival < *id.as_bytes() {
                // Every change of the losing interview is a conflict.
                return Ok(changes.iter().map(|c| (c, "duplicate")).collect());
            }
            tx.execute("DELETE FROM interviews WHERE id = ?1", [rival])?;
            self.write_interview_row(tx, &iv)?;
            self.refold(tx, Entity::Interview(rival))?;
            return Ok(losers);
        }
        self.write_interview_row(tx, &iv)?;
        Ok(losers)
    }

    /// Assignments: the last permitted change wins. A change is permitted
    /// as the local API permits it: by a supervisor in scope, to an officer
    /// whose scope covers the household, before the cycle was certified. Until the
    /// household and cycle are held here, nothing is written (the import
    /// folds assignments again when they arrive).
    fn fold_assignment<'a>(
        &self,
        tx: &Transaction<'_>,
        id: [u8; 16],
        changes: &'a [Change],
    ) -> Result<Vec<(&'a Change, &'static str)>> {
        let mut losers = Vec::new();
        let mut kept: Vec<(&Change, WireAssignment)> = Vec::new();
        for c in changes {
            let decoded = postcard::from_bytes::<WireAssignment>(&c.payload)
                .ok()
                .filter(|w| assignment_id(&w.cycle, &w.household) == id && c.op == Op::Upsert);
            let Some(w) = decoded else {
                losers.push((c, "invalid"));
                continue;
            };
            let village: Option<String> = tx
                .query_row(
                    "SELECT h.unit_code FROM households h JOIN cycles c ON c.id = ?2 WHERE h.id = ?1",
                    params![w.household, w.cycle],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(village) = village else { return Ok(losers) };
            // As the local API checks it: a supervisor in scope, an officer
            // whose scope covers the household, an open cycle.
            let cert = self.store.certificate_of(tx, Uuid::from_bytes(c.actor))?;
            let officer = self.store.certificate_of(tx, Uuid::from_bytes(w.officer))?;
            let at = (c.hlc >> 16) as i64;
            let open = read_cycle(tx, Uuid::from_bytes(w.cycle)).is_ok_and(|cy| {
                cy.status == CycleStatus::Open || cy.certified_at_ms.is_some_and(|certified| at < certified)
            });
            let allowed = open
                && cert
                    .is_some_and(|cert| cert.body.role == Role::Supervisor && self.covers(&cert, &village))
                && officer.is_some_and(|o| o.body.role == Role::Officer && self.covers(&o, &village));
            if allowed { kept.push((c, w)) } else { losers.push((c, "not permitted")) }
        }
        let Some((winner, w)) = kept.last() else { return Ok(losers) };
        tx.execute(
            "INSERT INTO assignments (cycle_id, household_id, officer_id, assigned_by, assigned_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (cycle_id, household_id) DO UPDATE SET officer_id = ?3, assigned_by = ?4, assigned_at = ?5",
            params![w.cycle, w.household, w.officer, winner.actor, (winner.hlc >> 16) as i64],
        )?;
        let kept: Vec<&Change> = kept.iter().map(|(c, _)| *c).collect();
        losers.extend(superseded(&kept, winner));
        Ok(losers)
    }

    /// Whether a certificate's scope covers `unit` today.
    fn covers(&self, cert: &crate::identity::Certificate, unit: &str) -> bool {
        let units = self.store.inner.units.read().unwrap_or_else(|p| p.into_inner());
        cert.body.scope.iter().any(|s| units.is_within(unit, s, self.today()))
    }

    fn role_of(&self, tx: &Transaction<'_>, actor: [u8; 16]) -> Result<Option<crate::identity::Role>> {
        Ok(self.store.certificate_of(tx, Uuid::from_bytes(actor))?.map(|c| c.body.role))
    }
}

/// Kept changes that lost to the winner without the winner having seen
/// them: from another device, after the winner's base.
fn superseded<'a>(kept: &[&'a Change], winner: &Change) -> Vec<(&'a Change, &'static str)> {
    kept.iter()
        .filter(|c| !(c.origin == winner.origin && c.seq == winner.seq))
        .filter(|c| c.hlc > winner.base_hlc && c.origin != winner.origin)
        .map(|c| (*c, "superseded"))
        .collect()
}

impl Session {
    /// Writes a household's row and search tokens as folded.
    pub(crate) fn write_household_row(
        &self,
        tx: &Transaction<'_>,
        h: &Household,
        deleted: bool,
        updated_ms: i64,
    ) -> Result<()> {
        tx.execute(
            "INSERT INTO households (id, unit_code, sv, record, revision, deleted, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET unit_code = ?2, sv = ?3, record = ?4, revision = ?5, deleted = ?6, updated_at = ?7",
            params![h.id.as_bytes(), h.village, crate::store::schema::VERSION, self.seal_details(h)?, h.revision, deleted, updated_ms],
        )?;
        tx.execute("DELETE FROM household_tokens WHERE household_id = ?1", [h.id.as_bytes()])?;
        if !deleted {
            self.write_tokens(tx, h)?;
        }
        Ok(())
    }

    /// Writes an interview's row as folded.
    pub(crate) fn write_interview_row(&self, tx: &Transaction<'_>, iv: &Interview) -> Result<()> {
        tx.execute(
            "INSERT INTO interviews (id, household_id, cycle_id, unit_code, form_id, form_version, officer_id, status,
                                     sv, record, revision, created_at, updated_at, submitted_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (id) DO UPDATE SET unit_code = ?4, form_id = ?5, form_version = ?6, officer_id = ?7,
                 status = ?8, sv = ?9, record = ?10, revision = ?11, created_at = ?12, updated_at = ?13, submitted_at = ?14",
            params![
                iv.id.as_bytes(),
                iv.household_id.as_bytes(),
                iv.cycle_id.as_bytes(),
                iv.village,
                iv.form_id,
                iv.form_version,
                iv.officer_id.as_bytes(),
                iv.status.as_str(),
                crate::store::schema::VERSION,
                self.seal_interview(iv)?,
                iv.revision,
                iv.created_at_ms,
                iv.updated_at_ms,
                iv.submitted_at_ms
            ],
        )?;
        Ok(())
    }
}
