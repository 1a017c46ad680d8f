//! Domain records ↔ wire records. The wire side is frozen; this is the one
//! place that knows both.

use chrono::NaiveDate;
use uuid::Uuid;

use super::answers::{answers_from_wire, answers_to_wire};
use crate::error::{Error, Result};
use crate::form::{Answers, Form, PartialDate};
use crate::household::{GeoPoint, HouseholdDetails, Member, Relationship, Sex};
use crate::sync::wire::{
    Change, WireComment, WireCycle, WireHousehold, WireMember, status_code, status_from,
};
use crate::sync::wire2::WireInterview;
use crate::workflow::{Comment, CycleKind, CycleStatus, Interview, ReviewCycle};

const RELATIONSHIPS: [Relationship; 8] = [
    Relationship::Head,
    Relationship::Spouse,
    Relationship::Child,
    Relationship::ChildInLaw,
    Relationship::Grandchild,
    Relationship::Parent,
    Relationship::Sibling,
    Relationship::Other,
];

fn bad(what: &'static str) -> Error {
    Error::Decode(what)
}

pub(crate) fn household_to_wire(village: &str, d: &HouseholdDetails) -> WireHousehold {
    WireHousehold {
        village: village.to_owned(),
        address: d.address.clone(),
        members: d
            .members
            .iter()
            .map(|m| WireMember {
                id: *m.id.as_bytes(),
                full_name: m.full_name.clone(),
                sex: if m.sex == Sex::Male { 0 } else { 1 },
                birth: m.birth.to_string(),
                ethnicity: m.ethnicity.clone(),
                relationship: RELATIONSHIPS.iter().position(|r| *r == m.relationship).unwrap_or(7) as u8,
                national_id: m.national_id.clone(),
            })
            .collect(),
        gps: d.gps.map(|g| (g.lat, g.lon)),
        phone: d.phone.clone(),
        notes: d.notes.clone(),
    }
}

pub(crate) fn household_from_wire(w: &WireHousehold) -> Result<(String, HouseholdDetails)> {
    let members = w
        .members
        .iter()
        .map(|m| {
            Ok(Member {
                id: Uuid::from_bytes(m.id),
                full_name: m.full_name.clone(),
                sex: match m.sex {
                    0 => Sex::Male,
                    1 => Sex::Female,
                    _ => return Err(bad("wire member")),
                },
                birth: PartialDate::parse(&m.birth).ok_or(bad("wire member"))?,
                ethnicity: m.ethnicity.clone(),
                relationship: *RELATIONSHIPS.get(m.relationship as usize).ok_or(bad("wire member"))?,
                national_id: m.national_id.clone(),
            })
        })
        .collect::<Result<_>>()?;
    let details = HouseholdDetails {
        address: w.address.clone(),
        members,
        gps: w.gps.map(|(lat, lon)| GeoPoint { lat, lon }),
        phone: w.phone.clone(),
        notes: w.notes.clone(),
    };
    Ok((w.village.clone(), details))
}

pub(crate) fn cycle_to_wire(c: &ReviewCycle) -> WireCycle {
    WireCycle {
        year: c.year,
        month: match c.kind {
            CycleKind::Periodic => 0,
            CycleKind::Regular { month } => month as u8,
        },
        standard_id: c.standard_id.clone(),
        reference_date: c.reference_date.to_string(),
        units: c.units.clone(),
        certified: c.status == CycleStatus::Certified,
    }
}

pub(crate) fn cycle_from_wire(id: Uuid, w: &WireCycle, opened_at_ms: i64) -> Result<ReviewCycle> {
    Ok(ReviewCycle {
        id,
        year: w.year,
        kind: if w.month == 0 {
            CycleKind::Periodic
        } else {
            CycleKind::Regular { month: u32::from(w.month) }
        },
        standard_id: w.standard_id.clone(),
        units: w.units.clone(),
        reference_date: NaiveDate::parse_from_str(&w.reference_date, "%Y-%m-%d")
            .map_err(|_| bad("wire cycle"))?,
        status: if w.certified { CycleStatus::Certified } else { CycleStatus::Open },
        opened_at_ms,
        certified_at_ms: None,
    })
}

pub(crate) fn interview_to_wire(iv: &Interview, form: &Form) -> Result<WireInterview> {
    Ok(WireInterview {
        household: *iv.household_id.as_bytes(),
        cycle: *iv.cycle_id.as_bytes(),
        village: iv.village.clone(),
        form_id: iv.form_id.clone(),
        form_version: iv.form_version,
        officer: *iv.officer_id.as_bytes(),
        status: status_code(iv.status),
        answers: answers_to_wire(form, &iv.answers)?,
        comments: iv
            .comments
            .iter()
            .map(|c| WireComment {
                author: *c.author.as_bytes(),
                at_ms: c.at_ms,
                question: c.question.clone(),
                row: c.row,
                text: c.text.clone(),
            })
            .collect(),
        submitted_ms: iv.submitted_at_ms,
    })
}

/// An interview change's payload: a v2 record, or a v1 record (answers as
/// interchange JSON) for a change made under v1.
pub(crate) fn interview_payload(c: &Change, form: &Form) -> Result<WireInterview> {
    if c.signature.is_empty() {
        let w: WireInterview = postcard::from_bytes(&c.payload).map_err(|_| bad("wire interview"))?;
        answers_from_wire(form, &w.answers)?;
        return Ok(w);
    }
    let v1: crate::sync::wire::WireInterview =
        postcard::from_bytes(&c.payload).map_err(|_| bad("wire interview"))?;
    let answers = form.parse_interchange(&v1.answers_json)?;
    Ok(WireInterview {
        household: v1.household,
        cycle: v1.cycle,
        village: v1.village,
        form_id: v1.form_id,
        form_version: v1.form_version,
        officer: v1.officer,
        status: v1.status,
        answers: answers_to_wire(form, &answers)?,
        comments: v1.comments,
        submitted_ms: v1.submitted_ms,
    })
}

/// The interview a wire record describes; the score is left for the caller.
pub(crate) fn interview_from_wire(id: Uuid, w: &WireInterview, form: &Form) -> Result<Interview> {
    let answers: Answers = answers_from_wire(form, &w.answers)?;
    Ok(Interview {
        id,
        household_id: Uuid::from_bytes(w.household),
        cycle_id: Uuid::from_bytes(w.cycle),
        village: w.village.clone(),
        form_id: w.form_id.clone(),
        form_version: w.form_version,
        officer_id: Uuid::from_bytes(w.officer),
        status: status_from(w.status).ok_or(bad("wire interview"))?,
        revision: 0,
        answers,
        score: None,
        comments: w
            .comments
            .iter()
            .map(|c| Comment {
                author: Uuid::from_bytes(c.author),
                at_ms: c.at_ms,
                question: c.question.clone(),
                row: c.row,
                text: c.text.clone(),
            })
            .collect(),
        created_at_ms: 0,
        updated_at_ms: 0,
        submitted_at_ms: w.submitted_ms,
    })
}
