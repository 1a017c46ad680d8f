//! Records and enums that cross the boundary, and their conversions to and
//! from the core's types.
//!
//! Ids travel as UUID strings, dates as ISO strings (`YYYY-MM-DD`; a birth
//! may be `YYYY` or `YYYY-MM`), times as Unix milliseconds. Reading a record
//! from the app checks every id and date and names the field at fault.
//! Records that hold personal data derive no `Debug`.

use chrono::NaiveDate;
use hearth_core::form::{Answers, Form, FormError, PartialDate};
use hearth_core::{household as h, identity, scoring, store, workflow as w};
use uuid::Uuid;

use crate::HearthError;

/// Reads a UUID argument.
pub(crate) fn uuid(field: &str, text: &str) -> Result<Uuid, HearthError> {
    Uuid::try_parse(text).map_err(|_| HearthError::invalid(field, "is not a UUID"))
}

fn date(field: &str, text: &str) -> Result<NaiveDate, HearthError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| HearthError::invalid(field, "is not a date (YYYY-MM-DD)"))
}

/// The built-in questionnaire, loaded once per process.
fn form() -> Result<&'static Form, HearthError> {
    static FORM: std::sync::OnceLock<Result<Form, FormError>> = std::sync::OnceLock::new();
    FORM.get_or_init(Form::builtin_household).as_ref().map_err(|e| HearthError::internal(e.to_string()))
}

/// Reads answers in the interchange JSON (`docs/household-answers.md`).
pub(crate) fn answers_from_json(json: &str) -> Result<Answers, HearthError> {
    Ok(form()?.parse_interchange(json).map_err(hearth_core::Error::from)?)
}

/// A label in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl From<hearth_core::form::Text> for Text {
    fn from(t: hearth_core::form::Text) -> Self {
        Text { vi: t.vi, en: t.en }
    }
}

// ---- users ----------------------------------------------------------------

/// What a user is in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Role {
    Officer,
    Supervisor,
    Administrator,
}

impl From<identity::Role> for Role {
    fn from(r: identity::Role) -> Self {
        match r {
            identity::Role::Officer => Role::Officer,
            identity::Role::Supervisor => Role::Supervisor,
            identity::Role::Administrator => Role::Administrator,
        }
    }
}

impl From<Role> for identity::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Officer => identity::Role::Officer,
            Role::Supervisor => identity::Role::Supervisor,
            Role::Administrator => identity::Role::Administrator,
        }
    }
}

/// A user as the sign-in screen lists them.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserInfo {
    pub id: String,
    pub display_name: String,
    /// `None` until the certificate is installed.
    pub role: Option<Role>,
    /// Unit codes the user may act in.
    pub scope: Vec<String>,
}

impl From<store::UserInfo> for UserInfo {
    fn from(u: store::UserInfo) -> Self {
        UserInfo {
            id: u.id.to_string(),
            display_name: u.display_name,
            role: u.role.map(Role::from),
            scope: u.scope,
        }
    }
}

/// A started enrollment: the request the authority signs.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrollment {
    pub user_id: String,
    /// The signed request (a file or QR payload for the authority).
    pub request: Vec<u8>,
}

// ---- households -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Sex {
    Male,
    Female,
}

/// Relationship to the head of the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Relationship {
    Head,
    Spouse,
    Child,
    ChildInLaw,
    Grandchild,
    Parent,
    Sibling,
    Other,
}

/// A WGS 84 position.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// A person in a household.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct Member {
    /// `None` for a new member: the saved household names them.
    #[uniffi(default = None)]
    pub id: Option<String>,
    pub full_name: String,
    pub sex: Sex,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub birth: String,
    pub ethnicity: String,
    pub relationship: Relationship,
    /// Citizen ID (12 digits) or old ID card number (9 digits).
    #[uniffi(default = None)]
    pub national_id: Option<String>,
}

/// Everything personal about a household; sealed as one record.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct HouseholdDetails {
    pub address: String,
    /// The roster, head first.
    pub members: Vec<Member>,
    #[uniffi(default = None)]
    pub gps: Option<GeoPoint>,
    #[uniffi(default = None)]
    pub phone: Option<String>,
    #[uniffi(default = "")]
    pub notes: String,
}

/// A household as stored.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct Household {
    pub id: String,
    /// The village's unit code.
    pub village: String,
    /// Send back the revision read when updating.
    pub revision: u32,
    pub details: HouseholdDetails,
}

impl From<h::Sex> for Sex {
    fn from(s: h::Sex) -> Self {
        match s {
            h::Sex::Male => Sex::Male,
            h::Sex::Female => Sex::Female,
        }
    }
}

impl From<Sex> for h::Sex {
    fn from(s: Sex) -> Self {
        match s {
            Sex::Male => h::Sex::Male,
            Sex::Female => h::Sex::Female,
        }
    }
}

impl From<h::Relationship> for Relationship {
    fn from(r: h::Relationship) -> Self {
        use h::Relationship as R;
        match r {
            R::Head => Relationship::Head,
            R::Spouse => Relationship::Spouse,
            R::Child => Relationship::Child,
            R::ChildInLaw => Relationship::ChildInLaw,
            R::Grandchild => Relationship::Grandchild,
            R::Parent => Relationship::Parent,
            R::Sibling => Relationship::Sibling,
            R::Other => Relationship::Other,
        }
    }
}

impl From<Relationship> for h::Relationship {
    fn from(r: Relationship) -> Self {
        use h::Relationship as R;
        match r {
            Relationship::Head => R::Head,
            Relationship::Spouse => R::Spouse,
            Relationship::Child => R::Child,
            Relationship::ChildInLaw => R::ChildInLaw,
            Relationship::Grandchild => R::Grandchild,
            Relationship::Parent => R::Parent,
            Relationship::Sibling => R::Sibling,
            Relationship::Other => R::Other,
        }
    }
}

impl From<h::HouseholdDetails> for HouseholdDetails {
    fn from(d: h::HouseholdDetails) -> Self {
        HouseholdDetails {
            address: d.address,
            members: d
                .members
                .into_iter()
                .map(|m| Member {
                    id: Some(m.id.to_string()),
                    full_name: m.full_name,
                    sex: m.sex.into(),
                    birth: m.birth.to_string(),
                    ethnicity: m.ethnicity,
                    relationship: m.relationship.into(),
                    national_id: m.national_id,
                })
                .collect(),
            gps: d.gps.map(|g| GeoPoint { lat: g.lat, lon: g.lon }),
            phone: d.phone,
            notes: d.notes,
        }
    }
}

impl TryFrom<HouseholdDetails> for h::HouseholdDetails {
    type Error = HearthError;

    fn try_from(d: HouseholdDetails) -> Result<Self, HearthError> {
        let members = d
            .members
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let at = |f: &str| format!("members[{i}].{f}");
                Ok(h::Member {
                    id: match &m.id {
                        Some(id) => uuid(&at("id"), id)?,
                        None => Uuid::now_v7(),
                    },
                    birth: PartialDate::parse(&m.birth).ok_or_else(|| {
                        HearthError::invalid(at("birth"), "is not YYYY, YYYY-MM or YYYY-MM-DD")
                    })?,
                    full_name: m.full_name,
                    sex: m.sex.into(),
                    ethnicity: m.ethnicity,
                    relationship: m.relationship.into(),
                    national_id: m.national_id,
                })
            })
            .collect::<Result<_, HearthError>>()?;
        Ok(h::HouseholdDetails {
            address: d.address,
            members,
            gps: d.gps.map(|g| h::GeoPoint { lat: g.lat, lon: g.lon }),
            phone: d.phone,
            notes: d.notes,
        })
    }
}

impl From<h::Household> for Household {
    fn from(x: h::Household) -> Self {
        Household {
            id: x.id.to_string(),
            village: x.village,
            revision: x.revision,
            details: x.details.into(),
        }
    }
}

impl TryFrom<Household> for h::Household {
    type Error = HearthError;

    fn try_from(x: Household) -> Result<Self, HearthError> {
        Ok(h::Household {
            id: uuid("id", &x.id)?,
            village: x.village,
            revision: x.revision,
            details: x.details.try_into()?,
        })
    }
}

// ---- cycles ---------------------------------------------------------------

/// Which review a cycle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CycleKind {
    /// The yearly review.
    Periodic,
    /// A monthly review of households asking to enter or leave the lists.
    Regular { month: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CycleStatus {
    Open,
    Certified,
}

/// What a supervisor fills in to open a cycle.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewCycle {
    pub year: i32,
    pub kind: CycleKind,
    /// A built-in standard, e.g. `vn-2022`.
    pub standard_id: String,
    /// Communes or villages covered.
    pub units: Vec<String>,
    /// `YYYY-MM-DD`: ages are taken at this date.
    pub reference_date: String,
}

/// A review cycle as stored.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReviewCycle {
    pub id: String,
    pub year: i32,
    pub kind: CycleKind,
    pub standard_id: String,
    pub units: Vec<String>,
    pub reference_date: String,
    pub status: CycleStatus,
    pub opened_at_ms: i64,
    pub certified_at_ms: Option<i64>,
}

impl TryFrom<NewCycle> for w::NewCycle {
    type Error = HearthError;

    fn try_from(c: NewCycle) -> Result<Self, HearthError> {
        Ok(w::NewCycle {
            year: c.year,
            kind: match c.kind {
                CycleKind::Periodic => w::CycleKind::Periodic,
                CycleKind::Regular { month } => w::CycleKind::Regular { month },
            },
            standard_id: c.standard_id,
            units: c.units,
            reference_date: date("reference_date", &c.reference_date)?,
        })
    }
}

impl From<w::ReviewCycle> for ReviewCycle {
    fn from(c: w::ReviewCycle) -> Self {
        ReviewCycle {
            id: c.id.to_string(),
            year: c.year,
            kind: match c.kind {
                w::CycleKind::Periodic => CycleKind::Periodic,
                w::CycleKind::Regular { month } => CycleKind::Regular { month },
            },
            standard_id: c.standard_id,
            units: c.units,
            reference_date: c.reference_date.to_string(),
            status: match c.status {
                w::CycleStatus::Open => CycleStatus::Open,
                w::CycleStatus::Certified => CycleStatus::Certified,
            },
            opened_at_ms: c.opened_at_ms,
            certified_at_ms: c.certified_at_ms,
        }
    }
}

// ---- interviews -----------------------------------------------------------

/// Where an interview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum InterviewStatus {
    Draft,
    Completed,
    Submitted,
    Approved,
    Certified,
    Returned,
    Rejected,
}

impl From<w::Status> for InterviewStatus {
    fn from(s: w::Status) -> Self {
        use w::Status as S;
        match s {
            S::Draft => InterviewStatus::Draft,
            S::Completed => InterviewStatus::Completed,
            S::Submitted => InterviewStatus::Submitted,
            S::Approved => InterviewStatus::Approved,
            S::Certified => InterviewStatus::Certified,
            S::Returned => InterviewStatus::Returned,
            S::Rejected => InterviewStatus::Rejected,
        }
    }
}

/// The household's category, from poorest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Category {
    Poor,
    NearPoor,
    AverageLiving,
    NotPoor,
}

impl From<scoring::Category> for Category {
    fn from(c: scoring::Category) -> Self {
        match c {
            scoring::Category::Poor => Category::Poor,
            scoring::Category::NearPoor => Category::NearPoor,
            scoring::Category::AverageLiving => Category::AverageLiving,
            scoring::Category::NotPoor => Category::NotPoor,
        }
    }
}

/// One deprived indicator and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Deprivation {
    pub indicator: String,
    pub dimension: String,
    pub reason: Text,
    /// Roster rows (0 = the head) behind a rule about "a member who ...".
    pub rows: Vec<u32>,
}

/// A support programme suggested because of some deprivations.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Support {
    pub id: String,
    pub label: Text,
    pub indicators: Vec<String>,
}

/// A household's score: what the officer sees on completing an interview.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct Score {
    pub standard_id: String,
    pub standard_version: String,
    pub category: Category,
    pub category_label: Text,
    /// VND per person per month, rounded down.
    pub income_per_capita: Option<i64>,
    /// The line income was compared with.
    pub poverty_line: Option<i64>,
    /// The deprived indicators, in the standard's order.
    pub deprived: Vec<Deprivation>,
    /// Indicators the answers could not decide (counted as not deprived).
    pub undecided: Vec<String>,
    pub supports: Vec<Support>,
    pub b1: Option<u32>,
    pub b2: u32,
    /// Why the household is in its category, in words.
    pub explanation: Text,
}

impl From<scoring::ScoreResult> for Score {
    fn from(s: scoring::ScoreResult) -> Self {
        let undecided = s.indicators.iter().filter(|i| !i.decided).map(|i| i.id.clone()).collect();
        Score {
            standard_id: s.standard.id,
            standard_version: s.standard.version,
            category: s.category.into(),
            category_label: s.category.label().into(),
            income_per_capita: s.income_per_capita,
            poverty_line: s.poverty_line,
            deprived: s
                .indicators
                .into_iter()
                .filter(|i| i.deprived)
                .map(|i| Deprivation {
                    indicator: i.id,
                    dimension: i.dimension,
                    reason: i.reason.into(),
                    rows: i.rows.into_iter().map(|r| u32::try_from(r).unwrap_or(u32::MAX)).collect(),
                })
                .collect(),
            undecided,
            supports: s
                .supports
                .into_iter()
                .map(|x| Support { id: x.id, label: x.label.into(), indicators: x.indicators })
                .collect(),
            b1: s.b1,
            b2: s.b2,
            explanation: s.explanation.into(),
        }
    }
}

/// A reviewer's remark as written.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewComment {
    /// The question it is about, if one.
    #[uniffi(default = None)]
    pub question: Option<String>,
    /// The roster row (0 = the head), for a per-member question.
    #[uniffi(default = None)]
    pub row: Option<u32>,
    pub text: String,
}

impl From<NewComment> for w::NewComment {
    fn from(c: NewComment) -> Self {
        w::NewComment { question: c.question, row: c.row, text: c.text }
    }
}

/// A reviewer's remark as stored.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Comment {
    pub author: String,
    pub at_ms: i64,
    pub question: Option<String>,
    pub row: Option<u32>,
    pub text: String,
}

/// An interview: one survey of one household in one cycle.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct Interview {
    pub id: String,
    pub household_id: String,
    pub cycle_id: String,
    pub village: String,
    pub form_id: String,
    pub form_version: u32,
    pub officer_id: String,
    pub status: InterviewStatus,
    /// Send back the revision read when saving.
    pub revision: u32,
    /// The answers in the interchange JSON (`docs/household-answers.md`).
    pub answers_json: String,
    /// Set once the interview is completed.
    pub score: Option<Score>,
    pub comments: Vec<Comment>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub submitted_at_ms: Option<i64>,
}

impl TryFrom<w::Interview> for Interview {
    type Error = HearthError;

    fn try_from(iv: w::Interview) -> Result<Self, HearthError> {
        let answers_json = form()?.to_interchange_json(&iv.answers).map_err(hearth_core::Error::from)?;
        Ok(Interview {
            id: iv.id.to_string(),
            household_id: iv.household_id.to_string(),
            cycle_id: iv.cycle_id.to_string(),
            village: iv.village,
            form_id: iv.form_id,
            form_version: iv.form_version,
            officer_id: iv.officer_id.to_string(),
            status: iv.status.into(),
            revision: iv.revision,
            answers_json,
            score: iv.score.map(Score::from),
            comments: iv
                .comments
                .into_iter()
                .map(|c| Comment {
                    author: c.author.to_string(),
                    at_ms: c.at_ms,
                    question: c.question,
                    row: c.row,
                    text: c.text,
                })
                .collect(),
            created_at_ms: iv.created_at_ms,
            updated_at_ms: iv.updated_at_ms,
            submitted_at_ms: iv.submitted_at_ms,
        })
    }
}

/// An interview as a queue shows it: ids and state, nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InterviewSummary {
    pub id: String,
    pub household_id: String,
    pub cycle_id: String,
    pub village: String,
    pub officer_id: String,
    pub status: InterviewStatus,
    pub revision: u32,
    pub updated_at_ms: i64,
    pub submitted_at_ms: Option<i64>,
}

impl From<store::InterviewSummary> for InterviewSummary {
    fn from(s: store::InterviewSummary) -> Self {
        InterviewSummary {
            id: s.id.to_string(),
            household_id: s.household_id.to_string(),
            cycle_id: s.cycle_id.to_string(),
            village: s.village,
            officer_id: s.officer_id.to_string(),
            status: s.status.into(),
            revision: s.revision,
            updated_at_ms: s.updated_at_ms,
            submitted_at_ms: s.submitted_at_ms,
        }
    }
}

/// How many interviews of a village stand at a status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusCount {
    pub village: String,
    pub status: InterviewStatus,
    pub count: u32,
}

impl From<store::StatusCount> for StatusCount {
    fn from(c: store::StatusCount) -> Self {
        StatusCount { village: c.village, status: c.status.into(), count: c.count }
    }
}

/// One household on an officer's worklist.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WorkItem {
    pub household_id: String,
    pub village: String,
    /// Assigned to the signed-in officer (listed first).
    pub assigned: bool,
    pub interview_id: Option<String>,
    pub interview_status: Option<InterviewStatus>,
}

impl From<store::WorkItem> for WorkItem {
    fn from(i: store::WorkItem) -> Self {
        WorkItem {
            household_id: i.household_id.to_string(),
            village: i.village,
            assigned: i.assigned,
            interview_id: i.interview.map(|(id, _)| id.to_string()),
            interview_status: i.interview.map(|(_, s)| s.into()),
        }
    }
}

// ---- lists ----------------------------------------------------------------

/// What certifying a cycle did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CertifySummary {
    /// Approved interviews certified and classified.
    pub certified: u64,
    /// Households not re-surveyed that kept their classification.
    pub carried_over: u64,
}

impl From<store::CertifySummary> for CertifySummary {
    fn from(s: store::CertifySummary) -> Self {
        CertifySummary { certified: s.certified as u64, carried_over: s.carried_over as u64 }
    }
}

/// How a household's standing changed since the previous certified cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Movement {
    NewlyPoor,
    NewlyNearPoor,
    EscapedPovertyToNearPoor,
    EscapedPoverty,
    EscapedNearPoverty,
    NearPoorToPoor,
    RemainedPoor,
    RemainedNearPoor,
    RemainedAbove,
}

impl From<w::Movement> for Movement {
    fn from(m: w::Movement) -> Self {
        use w::Movement as M;
        match m {
            M::NewlyPoor => Movement::NewlyPoor,
            M::NewlyNearPoor => Movement::NewlyNearPoor,
            M::EscapedPovertyToNearPoor => Movement::EscapedPovertyToNearPoor,
            M::EscapedPoverty => Movement::EscapedPoverty,
            M::EscapedNearPoverty => Movement::EscapedNearPoverty,
            M::NearPoorToPoor => Movement::NearPoorToPoor,
            M::RemainedPoor => Movement::RemainedPoor,
            M::RemainedNearPoor => Movement::RemainedNearPoor,
            M::RemainedAbove => Movement::RemainedAbove,
        }
    }
}

/// The lists a commune publishes after certification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ListKind {
    Poor,
    NearPoor,
    NewlyPoor,
    NewlyNearPoor,
    EscapedPoverty,
    EscapedNearPoverty,
    NearPoorToPoor,
    Remained,
}

impl From<ListKind> for w::ListKind {
    fn from(k: ListKind) -> Self {
        use w::ListKind as K;
        match k {
            ListKind::Poor => K::Poor,
            ListKind::NearPoor => K::NearPoor,
            ListKind::NewlyPoor => K::NewlyPoor,
            ListKind::NewlyNearPoor => K::NewlyNearPoor,
            ListKind::EscapedPoverty => K::EscapedPoverty,
            ListKind::EscapedNearPoverty => K::EscapedNearPoverty,
            ListKind::NearPoorToPoor => K::NearPoorToPoor,
            ListKind::Remained => K::Remained,
        }
    }
}

/// A household on the lists of a certified cycle.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListEntry {
    pub household_id: String,
    pub village: String,
    pub category: Category,
    pub previous: Option<Category>,
    pub movement: Movement,
    pub income_per_capita: Option<i64>,
    /// Ids of the deprived indicators.
    pub deprived: Vec<String>,
    pub b1: Option<u32>,
    pub b2: u32,
    /// Not re-surveyed: the previous classification, kept.
    pub carried_over: bool,
    pub members: u32,
}

impl From<w::ListEntry> for ListEntry {
    fn from(e: w::ListEntry) -> Self {
        let c = e.classification;
        ListEntry {
            household_id: e.household_id.to_string(),
            village: e.village,
            category: c.category.into(),
            previous: e.previous.map(Category::from),
            movement: e.movement.into(),
            income_per_capita: c.income_per_capita,
            deprived: c.deprived,
            b1: c.b1,
            b2: c.b2,
            carried_over: c.carried_over,
            members: c.members,
        }
    }
}

/// What importing a packet did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ImportSummary {
    /// Changes new to this phone.
    pub applied: u64,
    /// Changes it already held.
    pub already_had: u64,
    /// Changes that lost to another, kept as conflict records.
    pub conflicts: u64,
}

impl From<hearth_core::store::ImportSummary> for ImportSummary {
    fn from(s: hearth_core::store::ImportSummary) -> Self {
        ImportSummary {
            applied: s.applied as u64,
            already_had: s.already_had as u64,
            conflicts: s.conflicts as u64,
        }
    }
}
