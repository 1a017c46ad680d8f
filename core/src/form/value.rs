//! Answers: one household's typed values keyed by question id, with the member
//! roster as rows. These types are sealed into storage and sent in sync
//! packets through postcard, so they hold no JSON values and no serde tricks
//! that need a self-describing format.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One answer.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Text(String),
    Choice(String),
    Choices(Vec<String>),
    Date(PartialDate),
    Gps(Gps),
    /// A reference to a photo kept elsewhere (an attachment id), never the image.
    Photo(String),
}

/// A decimal answer in fixed point, to the thousandth: exact in storage, in
/// sync and through JSON, so every device compares the same number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Decimal {
    milli: i64,
}

impl Decimal {
    /// Largest magnitude accepted, so the value stays exact as an `f64`.
    const MAX_MILLI: i64 = 1 << 52;

    pub fn from_milli(milli: i64) -> Option<Decimal> {
        (milli.abs() <= Decimal::MAX_MILLI).then_some(Decimal { milli })
    }

    /// Rounds to the nearest thousandth; `None` if not finite or too large.
    pub fn from_f64(x: f64) -> Option<Decimal> {
        let milli = (x * 1000.0).round();
        if !milli.is_finite() || milli.abs() > Decimal::MAX_MILLI as f64 {
            return None;
        }
        Decimal::from_milli(milli as i64)
    }

    pub fn milli(self) -> i64 {
        self.milli
    }

    pub fn to_f64(self) -> f64 {
        self.milli as f64 / 1000.0
    }
}

/// A date whose month and day may be unknown, as birth dates often are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: i32,
    /// 1–12, or `None` when only the year is known.
    pub month: Option<u8>,
    /// 1–31, or `None` when only the year (and month) is known.
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn from_date(date: NaiveDate) -> PartialDate {
        PartialDate {
            year: date.year(),
            month: u8::try_from(date.month()).ok(),
            day: u8::try_from(date.day()).ok(),
        }
    }

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None` if it is not a real date.
    pub fn parse(text: &str) -> Option<PartialDate> {
        let mut parts = text.split('-');
        let year = parse_fixed(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_fixed(m, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_fixed(d, 2)?),
            None => None,
        };
        if parts.next().is_some() || (day.is_some() && month.is_none()) {
            return None;
        }
        let date = PartialDate {
            year: i32::try_from(year).ok()?,
            month: month.map(u8::try_from).transpose().ok()?,
            day: day.map(u8::try_from).transpose().ok()?,
        };
        date.to_date()?;
        Some(date)
    }

    /// The day this date stands for: a bare year means 1 July, a year and
    /// month the 1st. `None` if the parts name no real day.
    pub fn to_date(self) -> Option<NaiveDate> {
        let (month, day) = match (self.month, self.day) {
            (None, _) => (7, 1),
            (Some(m), None) => (u32::from(m), 1),
            (Some(m), Some(d)) => (u32::from(m), u32::from(d)),
        };
        NaiveDate::from_ymd_opt(self.year, month, day)
    }

    pub fn is_full(self) -> bool {
        self.month.is_some() && self.day.is_some()
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

fn parse_fixed(text: &str, len: usize) -> Option<u32> {
    if text.len() != len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Whole years completed between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    let years = i64::from(on.year()) - i64::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) { years - 1 } else { years }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Gps {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
}

/// One roster row: a member's answers.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub values: BTreeMap<String, Value>,
    /// Fields other tools sent under `"extra"`, kept as JSON text.
    pub extra: Option<String>,
}

impl Row {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.values.get(id)
    }
}

/// One household's answers.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    /// The date ages are computed at, when the answers name one.
    pub reference_date: Option<NaiveDate>,
    /// Household questions, by id (`house.walls` for nested fields).
    pub household: BTreeMap<String, Value>,
    /// The member roster, head first.
    pub members: Vec<Row>,
    /// Fields other tools sent under `"extra"`, kept as JSON text.
    pub extra: Option<String>,
}

impl Answers {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.household.get(id)
    }

    pub fn set(&mut self, id: &str, value: Value) {
        self.household.insert(id.to_owned(), value);
    }
}

// Answers hold names and personal circumstances: `Debug` shows shapes and
// counts, never values, so a stray `{:?}` cannot leak them.
impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Value::Bool(_) => "Bool",
            Value::Int(_) => "Int",
            Value::Decimal(_) => "Decimal",
            Value::Text(_) => "Text",
            Value::Choice(_) => "Choice",
            Value::Choices(_) => "Choices",
            Value::Date(_) => "Date",
            Value::Gps(_) => "Gps",
            Value::Photo(_) => "Photo",
        };
        write!(f, "{kind}(…)")
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Row")
            .field("answered", &self.values.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answers")
            .field("household", &self.household.keys().collect::<Vec<_>>())
            .field("members", &self.members.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn partial_dates_stand_for_mid_year_or_first_of_month() {
        assert_eq!(PartialDate::parse("1984").unwrap().to_date(), Some(d(1984, 7, 1)));
        assert_eq!(PartialDate::parse("1984-03").unwrap().to_date(), Some(d(1984, 3, 1)));
        assert_eq!(PartialDate::parse("1984-03-09").unwrap().to_date(), Some(d(1984, 3, 9)));
        for bad in ["84", "1984-3", "1984-02-30", "1984-13", "1984--01", "abcd", "1984-01-01-01", ""] {
            assert_eq!(PartialDate::parse(bad), None, "{bad}");
        }
        assert_eq!(PartialDate::parse("2001-02").unwrap().to_string(), "2001-02");
    }

    #[test]
    fn decimals_keep_three_places_and_survive_a_float_round_trip() {
        let d = Decimal::from_f64(146.662_373_363_650_35).unwrap();
        assert_eq!(d.milli(), 146_662);
        assert_eq!(Decimal::from_f64(d.to_f64()), Some(d));
        assert_eq!(Decimal::from_f64(f64::NAN), None);
        assert_eq!(Decimal::from_f64(1e300), None);
    }

    #[test]
    fn age_counts_whole_years_completed() {
        assert_eq!(age_on(d(2000, 10, 1), d(2025, 10, 1)), 25);
        assert_eq!(age_on(d(2000, 10, 2), d(2025, 10, 1)), 24);
        assert_eq!(age_on(d(2004, 2, 29), d(2025, 2, 28)), 20);
        assert_eq!(age_on(d(2004, 2, 29), d(2025, 3, 1)), 21);
    }
}
