//! Interviews in the store: start, save, and every lifecycle act, each in one
//! transaction with its signed audit entry. A refused act changes nothing.

use std::collections::BTreeMap;

use ring::digest::{SHA256, digest};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::Session;
use super::cycles::read_cycle;
use super::schema::VERSION;
use super::seal::Binding;
use crate::error::{Error, Result};
use crate::form::{Answers, Form, Row, Value};
use crate::household::{Household, Relationship, Sex};
use crate::identity::Role;
use crate::scoring::Standard;
use crate::sync::wire::{ACT_START, Entity, Op, act_code};
use crate::workflow::interview::InterviewRecord;
use crate::workflow::lifecycle::{self, Act, Actor};
use crate::workflow::{Comment, CycleStatus, Detail, Interview, NewComment, Status};

fn binding(id: &Uuid, sv: u32) -> Binding<'_> {
    Binding { table: "interviews", row: id.as_bytes(), column: "record", schema: sv }
}

pub(crate) const COLUMNS: &str =
    "id, household_id, cycle_id, unit_code, form_id, form_version, officer_id, status, sv, record,
                       revision, created_at, updated_at, submitted_at";

impl Session {
    /// Starts this user's interview of a household in an open cycle, with the
    /// roster filled in from the household record.
    pub fn start_interview(&self, household_id: Uuid, cycle_id: Uuid) -> Result<Interview> {
        let household = self.household(household_id)?;
        self.require_household_edit(&household.village)?;
        let form = household_form()?;
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let cycle = read_cycle(&tx, cycle_id)?;
        if cycle.status != CycleStatus::Open {
            return Err(Error::IllegalTransition { from: "certified", act: "interview.start" });
        }
        let covered = {
            let units = self.store.inner.units.read().unwrap_or_else(|p| p.into_inner());
            cycle.units.iter().any(|u| units.is_within(&household.village, u, self.today()))
        };
        if !covered {
            return Err(Error::invalid("household", "its village is not covered by the cycle"));
        }
        let assignee: Option<[u8; 16]> = tx
            .query_row(
                "SELECT officer_id FROM assignments WHERE cycle_id = ?1 AND household_id = ?2",
                params![cycle_id.as_bytes(), household_id.as_bytes()],
                |r| r.get(0),
            )
            .optional()?;
        if assignee.is_some_and(|a| Uuid::from_bytes(a) != self.user_id()) {
            return Err(Error::NotPermitted { reason: "the household is assigned to another officer" });
        }
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM interviews WHERE household_id = ?1 AND cycle_id = ?2)",
            params![household_id.as_bytes(), cycle_id.as_bytes()],
            |r| r.get(0),
        )?;
        if exists {
            return Err(Error::AlreadyExists { kind: "interview" });
        }
        let now = self.store.now_ms();
        let iv = Interview {
            id: Uuid::now_v7(),
            household_id,
            cycle_id,
            village: household.village.clone(),
            form_id: form.id.clone(),
            form_version: form.version,
            officer_id: self.user_id(),
            status: Status::Draft,
            revision: 1,
            answers: prefill(&household, cycle.reference_date),
            score: None,
            comments: Vec::new(),
            created_at_ms: now,
            updated_at_ms: now,
            submitted_at_ms: None,
        };
        let record = self.seal_interview(&iv)?;
        tx.execute(
            "INSERT INTO interviews (id, household_id, cycle_id, unit_code, form_id, form_version, officer_id, status,
                                     sv, record, revision, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11)",
            params![
                iv.id.as_bytes(),
                household_id.as_bytes(),
                cycle_id.as_bytes(),
                iv.village,
                iv.form_id,
                iv.form_version,
                iv.officer_id.as_bytes(),
                iv.status.as_str(),
                VERSION,
                record,
                now
            ],
        )?;
        let detail = Detail {
            to: Some(Status::Draft),
            related: vec![household_id, cycle_id],
            content: Some(content_hash(&record)),
            ..Detail::default()
        };
        self.audit(&tx, "interview.start", iv.id, &detail)?;
        self.record_interview(&tx, &iv, ACT_START)?;
        tx.commit()?;
        Ok(iv)
    }

    /// One interview in scope.
    pub fn interview(&self, id: Uuid) -> Result<Interview> {
        let iv = self.read_interview(&self.store.reader(), id)?;
        self.require_read(&iv.village).map_err(|_| Error::NotFound { kind: "interview" })?;
        Ok(iv)
    }

    /// Saves the whole set of answers. `revision` must be the one read. The
    /// interview returns to draft: it must be completed again.
    pub fn save_interview(&self, id: Uuid, revision: u32, answers: Answers) -> Result<Interview> {
        self.act(id, Act::Save, |iv, _| {
            if iv.revision != revision {
                return Err(Error::Stale { kind: "interview" });
            }
            iv.answers = answers;
            iv.score = None;
            Ok(())
        })
    }

    /// Validates and scores: draft or returned → completed. Blocking problems
    /// are returned all at once in [`Error::Incomplete`].
    pub fn complete_interview(&self, id: Uuid) -> Result<Interview> {
        self.act(id, Act::Complete, |iv, tx| {
            let cycle = read_cycle(tx, iv.cycle_id)?;
            let form = household_form()?;
            let problems: Vec<_> =
                form.validate(&iv.answers, cycle.reference_date).into_iter().filter(|p| p.blocks()).collect();
            if !problems.is_empty() {
                return Err(Error::Incomplete { problems });
            }
            let standard = Standard::builtin(&cycle.standard_id)?;
            iv.score = Some(standard.score(&iv.answers, cycle.reference_date)?);
            Ok(())
        })
    }

    /// Submits a completed interview for review, signed by its officer.
    pub fn submit_interview(&self, id: Uuid) -> Result<Interview> {
        self.act(id, Act::Submit, |iv, _| {
            iv.submitted_at_ms = Some(0); // stamped by `act`
            Ok(())
        })
    }

    /// Approves a submitted interview (a supervisor in scope, not its owner).
    /// Approval locks it.
    pub fn approve_interview(&self, id: Uuid) -> Result<Interview> {
        self.act(id, Act::Approve, |_, _| Ok(()))
    }

    /// Sends a submitted interview back to its officer with comments.
    pub fn return_interview(&self, id: Uuid, comments: Vec<NewComment>) -> Result<Interview> {
        self.act(id, Act::Return, |iv, _| self.add_comments(iv, comments, true))
    }

    /// Rejects a submitted interview: not a valid household for this cycle.
    pub fn reject_interview(&self, id: Uuid, reason: NewComment) -> Result<Interview> {
        self.act(id, Act::Reject, |iv, _| self.add_comments(iv, vec![reason], true))
    }

    /// Unlocks an approved interview, back to its officer as returned. The
    /// comment says why; the act is audited.
    pub fn reopen_interview(&self, id: Uuid, why: NewComment) -> Result<Interview> {
        self.act(id, Act::Reopen, |iv, _| self.add_comments(iv, vec![why], true))
    }

    fn add_comments(&self, iv: &mut Interview, comments: Vec<NewComment>, required: bool) -> Result<()> {
        if required && comments.is_empty() {
            return Err(Error::invalid("comments", "at least one comment is needed"));
        }
        let form = household_form()?;
        let now = self.store.now_ms();
        for (i, c) in comments.into_iter().enumerate() {
            c.check(&format!("comments[{i}]"), iv.answers.members.len(), |q| form.question(q).is_some())?;
            iv.comments.push(Comment {
                author: self.user_id(),
                at_ms: now,
                question: c.question,
                row: c.row,
                text: c.text,
            });
        }
        Ok(())
    }

    /// Applies one lifecycle act in one transaction: load, check, change,
    /// write, audit. Any error rolls everything back.
    pub(crate) fn act(
        &self,
        id: Uuid,
        act: Act,
        change: impl FnOnce(&mut Interview, &Transaction<'_>) -> Result<()>,
    ) -> Result<Interview> {
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let mut iv = self.read_interview(&tx, id)?;
        let actor = Actor { id: self.user_id(), role: self.role(), in_scope: self.in_scope(&iv.village) };
        if !actor.in_scope {
            return Err(Error::NotFound { kind: "interview" });
        }
        let to = lifecycle::next(iv.status, act, actor, iv.officer_id)?;
        if act != Act::Certify && read_cycle(&tx, iv.cycle_id)?.status != CycleStatus::Open {
            return Err(Error::IllegalTransition { from: "certified", act: act.as_str() });
        }
        let from = iv.status;
        change(&mut iv, &tx)?;
        let now = self.store.now_ms();
        iv.status = to;
        iv.revision += 1;
        iv.updated_at_ms = now;
        if act == Act::Submit {
            iv.submitted_at_ms = Some(now);
        }
        let record = self.seal_interview(&iv)?;
        tx.execute(
            "UPDATE interviews SET status = ?2, sv = ?3, record = ?4, revision = ?5, updated_at = ?6, submitted_at = ?7
             WHERE id = ?1",
            params![
                iv.id.as_bytes(),
                iv.status.as_str(),
                VERSION,
                record,
                iv.revision,
                now,
                iv.submitted_at_ms
            ],
        )?;
        let detail = Detail {
            from: Some(from),
            to: Some(to),
            related: vec![iv.household_id, iv.cycle_id],
            content: Some(content_hash(&record)),
        };
        self.audit(&tx, act.as_str(), iv.id, &detail)?;
        self.record_interview(&tx, &iv, act_code(act))?;
        tx.commit()?;
        Ok(iv)
    }

    /// Appends an interview act to the change log.
    pub(crate) fn record_interview(&self, tx: &Transaction<'_>, iv: &Interview, code: u8) -> Result<()> {
        let wire = super::sync::interview_to_wire(iv, household_form()?)?;
        let payload = postcard::to_stdvec(&wire).map_err(|_| Error::Decode("interview"))?;
        self.record_change(tx, Entity::Interview(*iv.id.as_bytes()), Op::Act(code), payload)
    }

    pub(crate) fn read_interview(&self, conn: &Connection, id: Uuid) -> Result<Interview> {
        let sql = format!("SELECT {COLUMNS} FROM interviews WHERE id = ?1");
        let row = conn
            .query_row(&sql, [id.as_bytes()], raw_row)
            .optional()?
            .ok_or(Error::NotFound { kind: "interview" })?;
        self.open_interview(row)
    }

    pub(crate) fn open_interview(&self, raw: RawInterview) -> Result<Interview> {
        let id = Uuid::from_bytes(raw.id);
        let plain = self.records.open(binding(&id, raw.sv), &raw.record)?;
        let rec: InterviewRecord = postcard::from_bytes(&plain).map_err(|_| Error::Decode("interview"))?;
        Ok(Interview {
            id,
            household_id: Uuid::from_bytes(raw.household_id),
            cycle_id: Uuid::from_bytes(raw.cycle_id),
            village: raw.village,
            form_id: raw.form_id,
            form_version: raw.form_version,
            officer_id: Uuid::from_bytes(raw.officer_id),
            status: Status::parse(&raw.status).ok_or(Error::Decode("interview"))?,
            revision: raw.revision,
            answers: rec.answers,
            score: rec.score,
            comments: rec.comments,
            created_at_ms: raw.created_at,
            updated_at_ms: raw.updated_at,
            submitted_at_ms: raw.submitted_at,
        })
    }

    pub(crate) fn seal_interview(&self, iv: &Interview) -> Result<Vec<u8>> {
        let rec = InterviewRecord {
            answers: iv.answers.clone(),
            score: iv.score.clone(),
            comments: iv.comments.clone(),
        };
        let plain =
            zeroize::Zeroizing::new(postcard::to_stdvec(&rec).map_err(|_| Error::Decode("interview"))?);
        self.records.seal(binding(&iv.id, VERSION), &plain)
    }

    /// Whether the signed-in user reviews (supervisor) rather than interviews.
    pub fn reviews(&self) -> bool {
        self.role() == Role::Supervisor
    }
}

/// An interview row before unsealing.
pub(crate) struct RawInterview {
    id: [u8; 16],
    household_id: [u8; 16],
    cycle_id: [u8; 16],
    village: String,
    form_id: String,
    form_version: u32,
    officer_id: [u8; 16],
    status: String,
    sv: u32,
    record: Vec<u8>,
    revision: u32,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
}

/// Reads a row selected with `COLUMNS`.
pub(crate) fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawInterview> {
    Ok(RawInterview {
        id: r.get(0)?,
        household_id: r.get(1)?,
        cycle_id: r.get(2)?,
        village: r.get(3)?,
        form_id: r.get(4)?,
        form_version: r.get(5)?,
        officer_id: r.get(6)?,
        status: r.get(7)?,
        sv: r.get(8)?,
        record: r.get(9)?,
        revision: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        submitted_at: r.get(13)?,
    })
}

/// The built-in questionnaire, loaded once.
pub(crate) fn household_form() -> Result<&'static Form> {
    static FORM: std::sync::OnceLock<Result<Form, crate::form::FormError>> = std::sync::OnceLock::new();
    FORM.get_or_init(Form::builtin_household).as_ref().map_err(|e| Error::Form(e.clone()))
}

pub(crate) fn content_hash(record: &[u8]) -> [u8; 32] {
    let mut h = [0u8; 32];
    h.copy_from_slice(digest(&SHA256, record).as_ref());
    h
}

/// Answers to start from: the roster as the household record knows it.
fn prefill(h: &Household, reference_date: chrono::NaiveDate) -> Answers {
    let members = h
        .details
        .members
        .iter()
        .map(|m| {
            let mut values = BTreeMap::new();
            values.insert("name".to_owned(), Value::Text(m.full_name.clone()));
            let sex = match m.sex {
                Sex::Male => "male",
                Sex::Female => "female",
            };
            values.insert("sex".to_owned(), Value::Choice(sex.to_owned()));
            values.insert("birth".to_owned(), Value::Date(m.birth));
            values.insert("relationship".to_owned(), Value::Choice(relationship(m.relationship).to_owned()));
            if !m.ethnicity.is_empty() {
                values.insert("ethnicity".to_owned(), Value::Text(m.ethnicity.clone()));
            }
            Row { values, extra: None }
        })
        .collect();
    Answers { reference_date: Some(reference_date), household: BTreeMap::new(), members, extra: None }
}

fn relationship(r: Relationship) -> &'static str {
    match r {
        Relationship::Head => "head",
        Relationship::Spouse => "spouse",
        Relationship::Child => "child",
        Relationship::ChildInLaw => "child_in_law",
        Relationship::Grandchild => "grandchild",
        Relationship::Parent => "parent",
        Relationship::Sibling => "sibling",
        Relationship::Other => "other",
    }
}
