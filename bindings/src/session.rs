//! [`Session`]: what one signed-in user may do — households, cycles,
//! interviews, review queues, certification and lists — one crossing per
//! user action. `lock()` (or releasing the last reference) forgets the keys.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hearth_core::store;
use hearth_core::workflow::ListEntry as CoreListEntry;

use crate::HearthError;
use crate::error::guard;
use crate::foreign::{ProgressListener, keep_going};
use crate::records::*;
use crate::slot::Slot;

/// One unlocked user. Share it between threads; `lock()` it to sign out.
#[derive(uniffi::Object)]
pub struct Session {
    inner: Slot<Arc<store::Session>>,
}

/// Who is signed in.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionInfo {
    pub user_id: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Vec<String>,
}

impl Session {
    pub(crate) fn new(session: store::Session) -> Self {
        Session { inner: Slot::new(Arc::new(session)) }
    }

    fn session(&self) -> Result<Arc<store::Session>, HearthError> {
        self.inner.get("session")
    }
}

fn interview(iv: hearth_core::workflow::Interview) -> Result<Interview, HearthError> {
    iv.try_into()
}

fn households(list: Vec<hearth_core::household::Household>) -> Vec<Household> {
    list.into_iter().map(Household::from).collect()
}

fn ids(field: &str, list: &[String]) -> Result<Vec<uuid::Uuid>, HearthError> {
    list.iter().enumerate().map(|(i, s)| uuid(&format!("{field}[{i}]"), s)).collect()
}

#[uniffi::export]
impl Session {
    /// Who is signed in.
    pub fn info(&self) -> Result<SessionInfo, HearthError> {
        guard(|| {
            let s = self.session()?;
            Ok(SessionInfo {
                user_id: s.user_id().to_string(),
                display_name: s.certificate().body.display_name.clone(),
                role: s.role().into(),
                scope: s.scope().to_vec(),
            })
        })
    }

    // ---- households ----

    /// Creates a household in `village` (in scope).
    pub fn create_household(
        &self,
        village: String,
        details: HouseholdDetails,
    ) -> Result<Household, HearthError> {
        guard(|| Ok(self.session()?.create_household(&village, details.try_into()?)?.into()))
    }

    /// Saves a changed household; `household.revision` must be the one read.
    pub fn update_household(&self, household: Household) -> Result<Household, HearthError> {
        guard(|| Ok(self.session()?.update_household(&household.try_into()?)?.into()))
    }

    /// Soft-deletes a household.
    pub fn delete_household(&self, id: String) -> Result<(), HearthError> {
        guard(|| Ok(self.session()?.delete_household(uuid("id", &id)?)?))
    }

    /// One household in scope.
    pub fn household(&self, id: String) -> Result<Household, HearthError> {
        guard(|| Ok(self.session()?.household(uuid("id", &id)?)?.into()))
    }

    /// Every household of a village in scope, oldest first.
    pub fn households_in(&self, village: String) -> Result<Vec<Household>, HearthError> {
        guard(|| Ok(households(self.session()?.households_in(&village)?)))
    }

    /// Households with a member whose name or ID number matches `query`
    /// (diacritics and case folded).
    pub fn find_households(&self, query: String) -> Result<Vec<Household>, HearthError> {
        guard(|| Ok(households(self.session()?.find_households(&query)?)))
    }

    // ---- cycles ----

    /// Opens a review cycle (supervisors).
    pub fn open_cycle(&self, cycle: NewCycle) -> Result<ReviewCycle, HearthError> {
        guard(|| Ok(self.session()?.open_cycle(cycle.try_into()?)?.into()))
    }

    /// One cycle.
    pub fn cycle(&self, id: String) -> Result<ReviewCycle, HearthError> {
        guard(|| Ok(self.session()?.cycle(uuid("id", &id)?)?.into()))
    }

    /// Every cycle, oldest first.
    pub fn cycles(&self) -> Result<Vec<ReviewCycle>, HearthError> {
        guard(|| Ok(self.session()?.cycles()?.into_iter().map(ReviewCycle::from).collect()))
    }

    // ---- interviews ----

    /// Starts this user's interview of a household in an open cycle, with
    /// the roster filled in.
    pub fn start_interview(&self, household_id: String, cycle_id: String) -> Result<Interview, HearthError> {
        guard(|| {
            let h = uuid("household_id", &household_id)?;
            let c = uuid("cycle_id", &cycle_id)?;
            interview(self.session()?.start_interview(h, c)?)
        })
    }

    /// One interview in scope.
    pub fn interview(&self, id: String) -> Result<Interview, HearthError> {
        guard(|| interview(self.session()?.interview(uuid("id", &id)?)?))
    }

    /// Saves the whole set of answers (interchange JSON). `revision` must be
    /// the one read; the interview returns to draft.
    pub fn save_interview(
        &self,
        id: String,
        revision: u32,
        answers_json: String,
    ) -> Result<Interview, HearthError> {
        guard(|| {
            let id = uuid("id", &id)?;
            let answers = answers_from_json(&answers_json)?;
            interview(self.session()?.save_interview(id, revision, answers)?)
        })
    }

    /// Validates and scores; the score is in the returned interview.
    /// Every blocking problem comes back at once in `HearthError.Incomplete`.
    pub fn complete_interview(&self, id: String) -> Result<Interview, HearthError> {
        guard(|| interview(self.session()?.complete_interview(uuid("id", &id)?)?))
    }

    /// Submits a completed interview for review.
    pub fn submit_interview(&self, id: String) -> Result<Interview, HearthError> {
        guard(|| interview(self.session()?.submit_interview(uuid("id", &id)?)?))
    }

    /// Approves a submitted interview (a supervisor in scope, not its owner).
    pub fn approve_interview(&self, id: String) -> Result<Interview, HearthError> {
        guard(|| interview(self.session()?.approve_interview(uuid("id", &id)?)?))
    }

    /// Sends a submitted interview back to its officer with comments.
    pub fn return_interview(&self, id: String, comments: Vec<NewComment>) -> Result<Interview, HearthError> {
        guard(|| {
            let id = uuid("id", &id)?;
            interview(self.session()?.return_interview(id, comments.into_iter().map(Into::into).collect())?)
        })
    }

    /// Rejects a submitted interview: not a valid household for this cycle.
    pub fn reject_interview(&self, id: String, reason: NewComment) -> Result<Interview, HearthError> {
        guard(|| interview(self.session()?.reject_interview(uuid("id", &id)?, reason.into())?))
    }

    /// Unlocks an approved interview, back to its officer as returned.
    pub fn reopen_interview(&self, id: String, why: NewComment) -> Result<Interview, HearthError> {
        guard(|| interview(self.session()?.reopen_interview(uuid("id", &id)?, why.into())?))
    }

    // ---- queues ----

    /// Submitted interviews in scope, oldest submission first.
    pub fn inbox(&self) -> Result<Vec<InterviewSummary>, HearthError> {
        guard(|| Ok(self.session()?.inbox()?.into_iter().map(InterviewSummary::from).collect()))
    }

    /// Returned interviews: an officer's own; a supervisor's view of all, or
    /// of one officer.
    pub fn returned(&self, officer_id: Option<String>) -> Result<Vec<InterviewSummary>, HearthError> {
        guard(|| {
            let officer = officer_id.map(|o| uuid("officer_id", &o)).transpose()?;
            Ok(self.session()?.returned(officer)?.into_iter().map(InterviewSummary::from).collect())
        })
    }

    /// Interviews per status per village of a cycle, in scope.
    pub fn status_counts(&self, cycle_id: String) -> Result<Vec<StatusCount>, HearthError> {
        guard(|| {
            let c = uuid("cycle_id", &cycle_id)?;
            Ok(self.session()?.status_counts(c)?.into_iter().map(StatusCount::from).collect())
        })
    }

    // ---- assignments ----

    /// Assigns households of a cycle to an officer (supervisors).
    pub fn assign(
        &self,
        cycle_id: String,
        household_ids: Vec<String>,
        officer_id: String,
    ) -> Result<(), HearthError> {
        guard(|| {
            let c = uuid("cycle_id", &cycle_id)?;
            let o = uuid("officer_id", &officer_id)?;
            Ok(self.session()?.assign(c, &ids("household_ids", &household_ids)?, o)?)
        })
    }

    /// The signed-in officer's worklist: assigned households first.
    pub fn worklist(&self, cycle_id: String) -> Result<Vec<WorkItem>, HearthError> {
        guard(|| {
            let c = uuid("cycle_id", &cycle_id)?;
            Ok(self.session()?.worklist(c)?.into_iter().map(WorkItem::from).collect())
        })
    }

    // ---- certification and lists ----

    /// Records the commune's decision and closes the cycle (supervisors).
    pub fn certify_cycle(&self, cycle_id: String) -> Result<CertifySummary, HearthError> {
        guard(|| Ok(self.session()?.certify_cycle(uuid("cycle_id", &cycle_id)?)?.into()))
    }

    /// One list of a certified cycle, with each household's movement.
    pub fn list(&self, cycle_id: String, kind: ListKind) -> Result<Vec<ListEntry>, HearthError> {
        guard(|| {
            let c = uuid("cycle_id", &cycle_id)?;
            Ok(self.session()?.list(c, kind.into())?.into_iter().map(ListEntry::from).collect())
        })
    }

    /// Writes one list of a certified cycle as CSV to `path` (ids, codes and
    /// categories; no names), reporting each row to `listener`. The file
    /// appears only when complete: a cancel leaves nothing at `path`.
    /// Returns the number of rows.
    pub fn export_list_csv(
        &self,
        cycle_id: String,
        kind: ListKind,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<u64, HearthError> {
        guard(|| {
            if path.is_empty() {
                return Err(HearthError::invalid("path", "is empty"));
            }
            let c = uuid("cycle_id", &cycle_id)?;
            let entries = self.session()?.list(c, kind.into())?;
            let partial = Partial(PathBuf::from(format!("{path}.partial")));
            write_csv(&partial.0, &entries, listener.as_ref())?;
            fs::rename(&partial.0, &path).map_err(io_error)?;
            Ok(entries.len() as u64)
        })
    }

    // ---- sync ----

    /// A sync packet for the device `peer_device` (its store id), sealed to
    /// the users `recipients` on it, holding every change that device is not
    /// known to hold. Move the bytes over any transport.
    pub fn export_packet(
        &self,
        peer_device: String,
        recipients: Vec<String>,
    ) -> Result<Vec<u8>, HearthError> {
        guard(|| {
            let peer = uuid("peer_device", &peer_device)?;
            Ok(self.session()?.export_for(peer, &ids("recipients", &recipients)?)?)
        })
    }

    /// Imports a packet: verified whole first, applied in one transaction,
    /// idempotent; a forged, foreign, damaged or replayed packet is
    /// `PacketRefused` and changes nothing.
    pub fn import_packet(&self, packet: Vec<u8>) -> Result<ImportSummary, HearthError> {
        guard(|| Ok(self.session()?.import(&packet)?.into()))
    }

    /// Signs out now: the keys are forgotten and later calls answer
    /// `HearthError.Closed`, whoever else still holds this session. (Kotlin's
    /// `close()` / `use {}` and Swift's `deinit` release the handle itself.)
    pub fn lock(&self) {
        self.inner.close();
    }
}

/// A file being written beside its destination; removed when dropped, so a
/// cancel, an error or a panic in a listener leaves nothing behind. Once
/// renamed into place there is nothing left to remove.
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

const CSV_HEADER: &str =
    "household_id,village,category,previous,movement,income_per_capita,deprived,b2,carried_over,members\n";

/// A file-system refusal while exporting: the app's path, or the disk.
fn io_error(e: std::io::Error) -> HearthError {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull => HearthError::StorageFull,
        K::NotFound | K::PermissionDenied | K::IsADirectory | K::NotADirectory | K::InvalidInput => {
            HearthError::invalid("path", "cannot be written")
        }
        kind => HearthError::internal(format!("writing the list: {kind}")),
    }
}

fn write_csv(
    path: &Path,
    entries: &[CoreListEntry],
    listener: Option<&Arc<dyn ProgressListener>>,
) -> Result<(), HearthError> {
    let total = entries.len() as u64;
    keep_going(listener, 0, total)?;
    let mut out = std::io::BufWriter::new(fs::File::create(path).map_err(io_error)?);
    out.write_all(CSV_HEADER.as_bytes()).map_err(io_error)?;
    for (i, e) in entries.iter().enumerate() {
        let c = &e.classification;
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            e.household_id,
            csv_field(&e.village),
            c.category.as_str(),
            e.previous.map(|p| p.as_str()).unwrap_or_default(),
            e.movement.as_str(),
            c.income_per_capita.map(|v| v.to_string()).unwrap_or_default(),
            csv_field(&c.deprived.join(";")),
            c.b2,
            c.carried_over,
            c.members,
        )
        .map_err(io_error)?;
        keep_going(listener, i as u64 + 1, total)?;
    }
    out.into_inner().map_err(|e| io_error(e.into_error()))?.sync_all().map_err(io_error)
}

/// Quotes a field that holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}
