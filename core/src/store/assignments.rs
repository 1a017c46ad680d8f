//! Assignments: a supervisor gives households (or whole villages) of a cycle
//! to officers. An officer's worklist shows their assignments first.
//! Reassigning moves the ownership of an interview already started; both are
//! audited, and both travel in packets (an assignment is a change of its own).

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::Session;
use super::cycles::read_cycle;
use crate::error::{Error, Result};
use crate::identity::{Certificate, Role};
use crate::sync::wire::{Entity, Op};
use crate::sync::wire2::{WireAssignment, assignment_id};
use crate::workflow::{CycleStatus, Detail, Status};

/// One household on an officer's worklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub household_id: Uuid,
    pub village: String,
    /// Assigned to the signed-in officer (listed first).
    pub assigned: bool,
    /// The interview of this cycle, if started.
    pub interview: Option<(Uuid, Status)>,
}

impl Session {
    /// Assigns households of a cycle to an officer (supervisors, in scope).
    pub fn assign(&self, cycle_id: Uuid, households: &[Uuid], officer: Uuid) -> Result<()> {
        if self.role() != Role::Supervisor {
            return Err(Error::NotPermitted { reason: "only a supervisor assigns households" });
        }
        let cert = self.known_certificate(officer)?;
        if cert.body.role != Role::Officer {
            return Err(Error::invalid("officer", "is not an officer"));
        }
        let mut villages = Vec::with_capacity(households.len());
        for h in households {
            let village = self.household(*h)?.village;
            self.require_read(&village)?;
            let units = self.store.inner.units.read().unwrap_or_else(|p| p.into_inner());
            if !cert.body.scope.iter().any(|s| units.is_within(&village, s, self.today())) {
                return Err(Error::invalid("officer", "the household is outside the officer's scope"));
            }
            villages.push(village);
        }
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        if read_cycle(&tx, cycle_id)?.status != CycleStatus::Open {
            return Err(Error::IllegalTransition { from: "certified", act: "assignment.set" });
        }
        let now = self.store.now_ms();
        for h in households {
            tx.execute(
                "INSERT INTO assignments (cycle_id, household_id, officer_id, assigned_by, assigned_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (cycle_id, household_id) DO UPDATE SET officer_id = ?3, assigned_by = ?4, assigned_at = ?5",
                params![cycle_id.as_bytes(), h.as_bytes(), officer.as_bytes(), self.user_id().as_bytes(), now],
            )?;
            let detail = Detail { related: vec![cycle_id, officer], ..Detail::default() };
            self.audit(&tx, "assignment.set", *h, &detail)?;
            let wire = WireAssignment {
                cycle: *cycle_id.as_bytes(),
                household: *h.as_bytes(),
                officer: *officer.as_bytes(),
            };
            let payload = postcard::to_stdvec(&wire).map_err(|_| Error::Decode("assignment"))?;
            let entity = Entity::Assignment(assignment_id(&wire.cycle, &wire.household));
            self.record_change(&tx, entity, Op::Upsert, payload)?;
            let started: Option<([u8; 16], [u8; 16], String)> = tx
                .query_row(
                    "SELECT id, officer_id, status FROM interviews WHERE cycle_id = ?1 AND household_id = ?2",
                    params![cycle_id.as_bytes(), h.as_bytes()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            if let Some((iv, owner, status)) = started
                && Uuid::from_bytes(owner) != officer
            {
                let status = Status::parse(&status).ok_or(Error::Decode("status"))?;
                if !status.editable() {
                    return Err(Error::IllegalTransition {
                        from: status.as_str(),
                        act: "interview.reassign",
                    });
                }
                tx.execute("UPDATE interviews SET officer_id = ?2, revision = revision + 1, updated_at = ?3 WHERE id = ?1", params![
                    iv,
                    officer.as_bytes(),
                    now
                ])?;
                let detail = Detail { related: vec![Uuid::from_bytes(owner), officer], ..Detail::default() };
                self.audit(&tx, "interview.reassign", Uuid::from_bytes(iv), &detail)?;
                let moved = self.read_interview(&tx, Uuid::from_bytes(iv))?;
                self.record_interview(&tx, &moved, crate::sync::wire::ACT_REASSIGN)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Assigns every household of a village.
    pub fn assign_village(&self, cycle_id: Uuid, village: &str, officer: Uuid) -> Result<usize> {
        let ids: Vec<Uuid> = self.households_in(village)?.into_iter().map(|h| h.id).collect();
        self.assign(cycle_id, &ids, officer)?;
        Ok(ids.len())
    }

    /// The signed-in officer's worklist for a cycle: households assigned to
    /// them first, then unassigned households in scope; those assigned to
    /// others are left out.
    pub fn worklist(&self, cycle_id: Uuid) -> Result<Vec<WorkItem>> {
        let cycle = self.cycle(cycle_id)?;
        let r = self.store.reader();
        let mut stmt = r.prepare_cached(
            "SELECT h.id, h.unit_code, a.officer_id, i.id, i.status
             FROM households h
             LEFT JOIN assignments a ON a.household_id = h.id AND a.cycle_id = ?1
             LEFT JOIN interviews i ON i.household_id = h.id AND i.cycle_id = ?1
             WHERE h.deleted = 0
             ORDER BY h.unit_code, h.id",
        )?;
        let rows = stmt.query_map([cycle_id.as_bytes()], |r| {
            Ok((
                r.get::<_, [u8; 16]>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<[u8; 16]>>(2)?,
                r.get::<_, Option<[u8; 16]>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let units = self.store.inner.units.read().unwrap_or_else(|p| p.into_inner());
        let today = self.today();
        let mut items = Vec::new();
        for row in rows {
            let (h, village, assignee, iv, status) = row?;
            let covered = cycle.units.iter().any(|u| units.is_within(&village, u, today));
            if !covered || !self.scope().iter().any(|s| units.is_within(&village, s, today)) {
                continue;
            }
            let assigned = match assignee {
                Some(a) if Uuid::from_bytes(a) == self.user_id() => true,
                Some(_) => continue,
                None => false,
            };
            let interview = match (iv, status) {
                (Some(id), Some(s)) => {
                    Some((Uuid::from_bytes(id), Status::parse(&s).ok_or(Error::Decode("status"))?))
                }
                _ => None,
            };
            items.push(WorkItem { household_id: Uuid::from_bytes(h), village, assigned, interview });
        }
        items.sort_by_key(|i| !i.assigned);
        Ok(items)
    }

    /// A certificate of a user known to this phone.
    pub(crate) fn known_certificate(&self, user: Uuid) -> Result<Certificate> {
        // Enrolled here, or a colleague on another phone (provisioned or synced).
        self.store.certificate_of(&self.store.reader(), user)?.ok_or(Error::NotFound { kind: "user" })
    }
}
