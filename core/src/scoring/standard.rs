//! Poverty standards as data: income lines and bands per area, the
//! classification rule, named parameters and the indicators, every threshold
//! with its source and how sure we are of it. Built-ins are embedded; a
//! province can load a corrected file instead.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ScoringError;
use crate::form::{Expr, Form, Text};

/// How sure we are of a threshold or rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Read in the cited legal text.
    Official,
    /// The text was only partly readable; the rest is the common reading.
    Partial,
    /// Common knowledge not checked against the annex.
    Unverified,
}

/// A number with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold<T> {
    pub value: T,
    pub source: String,
    pub confidence: Confidence,
}

/// Income lines of one area, in VND per person per month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomeLines {
    pub poverty_line: Threshold<i64>,
    /// Top of the near-poor band, where the standard has one above the line.
    #[serde(default)]
    pub near_poor_max: Option<Threshold<i64>>,
    /// Top of the average-living band, where the standard defines one.
    #[serde(default)]
    pub average_living_max: Option<Threshold<i64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lines {
    pub rural: IncomeLines,
    pub urban: IncomeLines,
}

/// How a household is classified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Classification {
    /// Income at or below the line: poor with at least `cutoff`
    /// deprivations, near-poor with fewer. Above the line, never either.
    IncomeAndCount { cutoff: Threshold<u32> },
    /// Income at or below the line: poor. In the near-poor band: poor with at
    /// least `cutoff` deprivations, near-poor with fewer.
    IncomeOrBandAndCount { cutoff: Threshold<u32> },
    /// Alkire–Foster: poor when the weighted deprivation score reaches
    /// `poor_cutoff`; near-poor ("vulnerable") from `vulnerable_cutoff`.
    WeightedScore { poor_cutoff: Threshold<f64>, vulnerable_cutoff: Option<Threshold<f64>> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub dimension: String,
    pub label: Text,
    /// Deprived when this holds.
    pub rule: String,
    /// Share of the deprivation score; equal shares when absent.
    #[serde(default)]
    pub weight: Option<f64>,
    pub source: String,
    pub confidence: Confidence,
    /// Why the household is deprived, in words.
    pub deprived: Text,
    /// Why it is not.
    pub not_deprived: Text,
    /// Support programmes that answer this deprivation.
    #[serde(default)]
    pub supports: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    pub id: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardDoc {
    id: String,
    version: String,
    title: Text,
    legal_basis: String,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    #[serde(default)]
    lines: Option<Lines>,
    classification: Classification,
    b2_points_per_deprivation: Threshold<u32>,
    #[serde(default)]
    params: BTreeMap<String, Threshold<f64>>,
    indicators: Vec<Indicator>,
    #[serde(default)]
    supports: Vec<Support>,
}

/// A loaded standard with its indicator rules compiled.
#[derive(Debug, Clone)]
pub struct Standard {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub legal_basis: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub lines: Option<Lines>,
    pub classification: Classification,
    pub b2_points_per_deprivation: Threshold<u32>,
    pub params: BTreeMap<String, Threshold<f64>>,
    pub indicators: Vec<Indicator>,
    pub supports: Vec<Support>,
    pub(crate) rules: Vec<Expr>,
    pub(crate) weights: Vec<f64>,
}

const BUILTIN: [(&str, &str); 4] = [
    ("vn-2016", include_str!("../../standards/vn-2016.json")),
    ("vn-2022", include_str!("../../standards/vn-2022.json")),
    ("vn-2027", include_str!("../../standards/vn-2027.json")),
    ("global-mpi", include_str!("../../standards/global-mpi.json")),
];

/// Standards that follow each other in Vietnam's law, oldest first.
const NATIONAL: [&str; 3] = ["vn-2016", "vn-2022", "vn-2027"];

/// The built-in standards, loaded and checked once per process.
fn builtins() -> &'static [(&'static str, Result<Standard, ScoringError>)] {
    static BUILTINS: OnceLock<Vec<(&'static str, Result<Standard, ScoringError>)>> = OnceLock::new();
    BUILTINS.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(id, src)| {
                let form = Form::household_ref().map_err(ScoringError::Form);
                (*id, form.and_then(|form| Standard::from_json(src, form)))
            })
            .collect()
    })
}

impl Standard {
    /// Ids of the built-in standards.
    pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(id, _)| *id)
    }

    /// A built-in standard: `vn-2016`, `vn-2022`, `vn-2027` or `global-mpi`.
    pub fn builtin(id: &str) -> Result<Standard, ScoringError> {
        builtins()
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, standard)| standard.clone())
            .unwrap_or_else(|| Err(ScoringError::UnknownStandard(id.to_owned())))
    }

    /// The national standard in force on `date`.
    pub fn in_force_on(date: NaiveDate) -> Result<Standard, ScoringError> {
        for id in NATIONAL {
            let standard = Standard::builtin(id)?;
            if standard.valid_from <= date && date <= standard.valid_to {
                return Ok(standard);
            }
        }
        Err(ScoringError::NoStandardInForce(date))
    }

    /// Loads a standard whose rules are written over `form`'s question ids.
    /// Every rule is checked here, so a wrong id fails now, not at scoring.
    pub fn from_json(src: &str, form: &Form) -> Result<Standard, ScoringError> {
        let doc: StandardDoc =
            serde_json::from_str(src).map_err(|e| ScoringError::Definition(e.to_string()))?;
        let params: BTreeMap<String, f64> = doc.params.iter().map(|(k, t)| (k.clone(), t.value)).collect();
        let rules = doc
            .indicators
            .iter()
            .map(|ind| {
                form.compile(&ind.rule, &params).map_err(|error| ScoringError::Expression {
                    standard: doc.id.clone(),
                    indicator: ind.id.clone(),
                    error,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids: Vec<&str> = doc.indicators.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(ScoringError::Definition(format!(
                "{}: indicator {} is defined twice",
                doc.id, pair[0]
            )));
        }
        let weights = weights(&doc)?;
        let needs_lines = !matches!(doc.classification, Classification::WeightedScore { .. });
        if needs_lines && doc.lines.is_none() {
            return Err(ScoringError::Definition(format!("{}: an income rule needs income lines", doc.id)));
        }
        let known_support = |s: &String| doc.supports.iter().any(|k| &k.id == s);
        if let Some(ind) = doc.indicators.iter().find(|i| !i.supports.iter().all(known_support)) {
            return Err(ScoringError::Definition(format!(
                "{}: indicator {} names an unknown support",
                doc.id, ind.id
            )));
        }
        Ok(Standard {
            id: doc.id,
            version: doc.version,
            title: doc.title,
            legal_basis: doc.legal_basis,
            valid_from: doc.valid_from,
            valid_to: doc.valid_to,
            lines: doc.lines,
            classification: doc.classification,
            b2_points_per_deprivation: doc.b2_points_per_deprivation,
            params: doc.params,
            indicators: doc.indicators,
            supports: doc.supports,
            rules,
            weights,
        })
    }

    /// Each indicator's weight; they sum to 1.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
}

fn weights(doc: &StandardDoc) -> Result<Vec<f64>, ScoringError> {
    let n = doc.indicators.len();
    if n == 0 {
        return Err(ScoringError::Definition(format!("{}: no indicators", doc.id)));
    }
    let given: Vec<Option<f64>> = doc.indicators.iter().map(|i| i.weight).collect();
    let weights: Vec<f64> = if given.iter().all(Option::is_none) {
        vec![1.0 / n as f64; n]
    } else {
        given.iter().map(|w| w.unwrap_or(f64::NAN)).collect()
    };
    let sum: f64 = weights.iter().sum();
    if weights.iter().any(|w| !(w.is_finite() && *w > 0.0)) || (sum - 1.0).abs() > 1e-9 {
        return Err(ScoringError::Definition(format!(
            "{}: weights must all be given, positive, summing to 1",
            doc.id
        )));
    }
    Ok(weights)
}
