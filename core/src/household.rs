//! Households and their members: the domain nouns, and the checks a record
//! must pass before it is stored.
//!
//! A household outlives review cycles. Its identity and village are clear
//! columns in the store; everything in [`HouseholdDetails`] is sealed as one
//! record with the roster. `Debug` prints ids and counts, never names.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
pub use crate::form::PartialDate;

/// A household as the store returns it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub id: Uuid,
    /// The village's unit code.
    pub village: String,
    /// Bumped by every change; an update must name the revision it read.
    pub revision: u32,
    pub details: HouseholdDetails,
}

/// What is sealed: everything personal about a household.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HouseholdDetails {
    pub address: String,
    /// The roster, head first.
    pub members: Vec<Member>,
    pub gps: Option<GeoPoint>,
    pub phone: Option<String>,
    pub notes: String,
}

/// A person in a household.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: Uuid,
    pub full_name: String,
    pub sex: Sex,
    pub birth: PartialDate,
    pub ethnicity: String,
    pub relationship: Relationship,
    /// Citizen ID number (12 digits) or old ID card number (9 digits).
    pub national_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

/// Relationship to the head, as the interchange format names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl fmt::Debug for Household {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Household")
            .field("id", &self.id)
            .field("village", &self.village)
            .field("revision", &self.revision)
            .field("members", &self.details.members.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for HouseholdDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HouseholdDetails").field("members", &self.members.len()).finish_non_exhaustive()
    }
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member").field("id", &self.id).finish_non_exhaustive()
    }
}

impl HouseholdDetails {
    /// Checks the record; the error names the first field at fault.
    pub fn check(&self, today: NaiveDate) -> Result<()> {
        text("address", &self.address, 0, 300)?;
        text("notes", &self.notes, 0, 4000)?;
        if self.members.is_empty() || self.members.len() > 100 {
            return Err(Error::invalid("members", "must list 1 to 100 members"));
        }
        let heads = self.members.iter().filter(|m| m.relationship == Relationship::Head).count();
        if heads != 1 {
            return Err(Error::invalid("members", "must have exactly one head"));
        }
        for (i, m) in self.members.iter().enumerate() {
            let at = |f: &str| format!("members[{i}].{f}");
            text(&at("full_name"), &m.full_name, 1, 200)?;
            text(&at("ethnicity"), &m.ethnicity, 0, 60)?;
            let born = m.birth.to_date().ok_or_else(|| Error::invalid(at("birth"), "is not a date"))?;
            if born > today || m.birth.year < 1880 {
                return Err(Error::invalid(at("birth"), "must be between 1880 and today"));
            }
            if let Some(id) = &m.national_id
                && !((id.len() == 9 || id.len() == 12) && id.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(Error::invalid(at("national_id"), "must be 9 or 12 digits"));
            }
        }
        let mut ids: Vec<_> = self.members.iter().map(|m| m.id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(Error::invalid("members", "member ids must be distinct"));
        }
        if let Some(p) = &self.phone
            && !(p.len() >= 8
                && p.len() <= 15
                && p.trim_start_matches('+').bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Error::invalid("phone", "must be 8 to 15 digits, optionally after +"));
        }
        if let Some(g) = self.gps
            && !((-90.0..=90.0).contains(&g.lat) && (-180.0..=180.0).contains(&g.lon))
        {
            return Err(Error::invalid("gps", "is outside the globe"));
        }
        Ok(())
    }
}

fn text(field: &str, value: &str, min: usize, max: usize) -> Result<()> {
    let n = value.trim().chars().count();
    if n < min || value.chars().count() > max || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, format!("must be {min} to {max} printable characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_names_or_id_numbers() {
        let m = Member {
            id: Uuid::nil(),
            full_name: "Vùi Văn Sình".into(),
            sex: Sex::Male,
            birth: PartialDate::parse("1984").unwrap(),
            ethnicity: "Nùng".into(),
            relationship: Relationship::Head,
            national_id: Some("002084001234".into()),
        };
        let h = Household {
            id: Uuid::nil(),
            village: "01108-01".into(),
            revision: 1,
            details: HouseholdDetails {
                members: vec![m],
                address: "Thôn Nà Pó".into(),
                ..Default::default()
            },
        };
        let s = format!("{h:?} {:?} {:?}", h.details, h.details.members[0]);
        for secret in ["Sình", "002084001234", "Nà Pó", "Nùng"] {
            assert!(!s.contains(secret), "{secret} leaked into {s}");
        }
    }
}
