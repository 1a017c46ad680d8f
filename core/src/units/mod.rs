//! Administrative units with official codes, dated.
//!
//! A code alone does not name a place: codes are reused when units merge (the
//! new unit keeps the code of the one where the seat is). So a unit is
//! (code, valid_from, valid_to), and every question is asked on a date:
//! which unit is 01096 on D, is village X inside commune Y on D, what did
//! commune 01105 become. Reorganisation maps record old → new with the date.
//!
//! Village codes are local to their commune; Hearth writes them as
//! `CCCCC-NN` (commune code, dash, local number) so they stay unique.

mod csv;

use chrono::NaiveDate;

/// A level in the administrative hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Province,
    District,
    Commune,
    Ward,
    Township,
    Village,
}

impl Level {
    /// The level's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
            Level::Ward => "ward",
            Level::Township => "township",
            Level::Village => "village",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "province" => Level::Province,
            "district" => Level::District,
            "commune" => Level::Commune,
            "ward" => Level::Ward,
            "township" => Level::Township,
            "village" => Level::Village,
            _ => return None,
        })
    }
}

/// One administrative unit over one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
    /// First day valid; `None` = since records began.
    pub valid_from: Option<NaiveDate>,
    /// First day no longer valid; `None` = still valid.
    pub valid_to: Option<NaiveDate>,
}

impl Unit {
    /// Whether the unit is valid on `date`.
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date < t)
    }
}

/// Old code → new code from a date: a merge, a rename, a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Succession {
    pub old_code: String,
    pub new_code: String,
    pub effective: NaiveDate,
}

/// Why units could not be loaded or added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitsError {
    #[error("line {line}: {problem}")]
    Csv { line: usize, problem: &'static str },
    #[error("line {line}: field {field} is invalid")]
    Field { line: usize, field: &'static str },
    #[error("unit {code} overlaps another period of the same code")]
    Overlap { code: String },
}

/// Units and successions, queried by date.
#[derive(Debug, Clone, Default)]
pub struct UnitRegistry {
    units: Vec<Unit>,
    successions: Vec<Succession>,
}

impl UnitRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// All units, in the order added.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// All successions.
    pub fn successions(&self) -> &[Succession] {
        &self.successions
    }

    /// Adds a unit; refuses one whose period overlaps another of its code.
    /// Adding an identical unit again is a no-op.
    pub fn add(&mut self, unit: Unit) -> Result<(), UnitsError> {
        if self.units.contains(&unit) {
            return Ok(());
        }
        let overlaps = self.units.iter().filter(|u| u.code == unit.code).any(|u| {
            let starts_before_end = |a: &Unit, b: &Unit| match (a.valid_from, b.valid_to) {
                (Some(f), Some(t)) => f < t,
                _ => true,
            };
            starts_before_end(u, &unit) && starts_before_end(&unit, u)
        });
        if overlaps {
            return Err(UnitsError::Overlap { code: unit.code });
        }
        self.units.push(unit);
        Ok(())
    }

    /// Records a succession (idempotent).
    pub fn add_succession(&mut self, s: Succession) {
        if !self.successions.contains(&s) {
            self.successions.push(s);
        }
    }

    /// The unit a code names on a date.
    pub fn on(&self, code: &str, date: NaiveDate) -> Option<&Unit> {
        self.units.iter().find(|u| u.code == code && u.valid_on(date))
    }

    /// Whether `inner` is `outer` or lies inside it on `date`.
    pub fn is_within(&self, inner: &str, outer: &str, date: NaiveDate) -> bool {
        let mut code = inner;
        // The chain is at most a handful deep; the bound guards against a cycle.
        for _ in 0..8 {
            if code == outer {
                return self.on(code, date).is_some();
            }
            match self.on(code, date).and_then(|u| u.parent.as_deref()) {
                Some(parent) => code = parent,
                None => return false,
            }
        }
        false
    }

    /// The code that `code` has become by `date`, following successions.
    pub fn successor(&self, code: &str, date: NaiveDate) -> String {
        let mut current = code.to_owned();
        let mut since: Option<NaiveDate> = None;
        for _ in 0..8 {
            let next = self
                .successions
                .iter()
                .filter(|s| s.old_code == current && s.effective <= date)
                .filter(|s| since.is_none_or(|d| s.effective > d))
                .min_by_key(|s| s.effective);
            match next {
                Some(s) => {
                    since = Some(s.effective);
                    current.clone_from(&s.new_code);
                }
                None => break,
            }
        }
        current
    }

    /// Loads units from a CSV with the header
    /// `code,name,level,parent_code,valid_from,valid_to` (dates `YYYY-MM-DD`
    /// or empty).
    /// All or nothing: on an error the registry is unchanged.
    pub fn load_units_csv(&mut self, text: &str) -> Result<usize, UnitsError> {
        let mut next = self.clone();
        let added = next.load_units_rows(csv::parse(text)?)?;
        *self = next;
        Ok(added)
    }

    fn load_units_rows(&mut self, rows: Vec<(usize, Vec<String>)>) -> Result<usize, UnitsError> {
        check_header(&rows, &UNITS_HEADER)?;
        let mut added = 0;
        for (line, f) in rows.into_iter().skip(1) {
            if f.len() != 6 {
                return Err(UnitsError::Csv { line, problem: "expected 6 fields" });
            }
            let level = Level::parse(&f[2]).ok_or(UnitsError::Field { line, field: "level" })?;
            let code = check_code(&f[0], line, "code")?;
            self.add(Unit {
                code,
                name: nonempty(&f[1], line, "name")?,
                level,
                parent: (!f[3].is_empty()).then(|| f[3].clone()),
                valid_from: date_or_open(&f[4], line, "valid_from")?,
                valid_to: date_or_open(&f[5], line, "valid_to")?,
            })?;
            added += 1;
        }
        Ok(added)
    }

    /// Loads a reorganisation map with the header of
    /// `units-xin-man.csv`: each row names a new unit and one old unit that
    /// became part of it on `valid_from`. Adds the old units (valid until that
    /// date), their old parents, the new units and the successions.
    /// All or nothing, like [`UnitRegistry::load_units_csv`].
    pub fn load_reorganisation_csv(&mut self, text: &str) -> Result<usize, UnitsError> {
        let mut next = self.clone();
        let count = next.load_reorganisation_rows(csv::parse(text)?)?;
        *self = next;
        Ok(count)
    }

    fn load_reorganisation_rows(&mut self, rows: Vec<(usize, Vec<String>)>) -> Result<usize, UnitsError> {
        check_header(&rows, &REORGANISATION_HEADER)?;
        let mut count = 0;
        for (line, f) in rows.into_iter().skip(1) {
            if f.len() != 13 {
                return Err(UnitsError::Csv { line, problem: "expected 13 fields" });
            }
            let date = date_or_open(&f[5], line, "valid_from")?
                .ok_or(UnitsError::Field { line, field: "valid_from" })?;
            let unit = |code: &str, name: &str, level: &str, parent: Option<&str>, from, to| {
                Ok::<_, UnitsError>(Unit {
                    code: check_code(code, line, "code")?,
                    name: nonempty(name, line, "name")?,
                    level: Level::parse(level).ok_or(UnitsError::Field { line, field: "level" })?,
                    parent: parent.map(str::to_owned),
                    valid_from: from,
                    valid_to: to,
                })
            };
            // The new province and unit, from the date on.
            self.add(unit(&f[3], &f[4], "province", None, None, None)?)?;
            self.add(unit(&f[0], &f[1], &f[2], Some(&f[3]), Some(date), None)?)?;
            // The old province, district and unit, until the date.
            let old_province = unit(&f[11], &f[12], "province", None, None, Some(date))?;
            if old_province.code != f[3] {
                self.add(old_province)?;
            }
            self.add(unit(&f[9], &f[10], "district", Some(&f[11]), None, Some(date))?)?;
            self.add(unit(&f[6], &f[7], &f[8], Some(&f[9]), None, Some(date))?)?;
            self.add_succession(Succession {
                old_code: f[6].clone(),
                new_code: f[0].clone(),
                effective: date,
            });
            count += 1;
        }
        Ok(count)
    }
}

/// The header of a unit list.
const UNITS_HEADER: [&str; 6] = ["code", "name", "level", "parent_code", "valid_from", "valid_to"];

/// The header of a reorganisation map (`units-xin-man.csv`).
const REORGANISATION_HEADER: [&str; 13] = [
    "new_code",
    "new_name",
    "new_level",
    "province_code",
    "province_name",
    "valid_from",
    "old_code",
    "old_name",
    "old_level",
    "old_district_code",
    "old_district_name",
    "old_province_code",
    "old_province_name",
];

/// The first row must be the expected header: a file without one would
/// otherwise lose its first unit, and one with the columns in another order
/// would be read into the wrong fields.
fn check_header(rows: &[(usize, Vec<String>)], want: &[&str]) -> Result<(), UnitsError> {
    match rows.first() {
        Some((_, header)) if header.iter().map(|f| f.trim()).eq(want.iter().copied()) => Ok(()),
        first => Err(UnitsError::Csv {
            line: first.map_or(1, |(line, _)| *line),
            problem: "the first row is not the expected header",
        }),
    }
}

fn check_code(s: &str, line: usize, field: &'static str) -> Result<String, UnitsError> {
    let ok = !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    ok.then(|| s.to_owned()).ok_or(UnitsError::Field { line, field })
}

fn nonempty(s: &str, line: usize, field: &'static str) -> Result<String, UnitsError> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned()).ok_or(UnitsError::Field { line, field })
}

fn date_or_open(s: &str, line: usize, field: &'static str) -> Result<Option<NaiveDate>, UnitsError> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| UnitsError::Field { line, field })
}

#[cfg(test)]
mod tests;
