//! Scoring one household: every indicator evaluated from the answers, the
//! income gate applied, the category decided and explained, and supports
//! suggested for each deprivation. Pure: the same answers, standard and
//! reference date give the same result everywhere.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ScoringError;
use super::explain::{Facts, explain};
use super::standard::{Classification, IncomeLines, Standard};
use crate::form::{Answers, Scope, Text, Value};

/// The household's category, from poorest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Poor,
    NearPoor,
    AverageLiving,
    NotPoor,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Poor => "poor",
            Category::NearPoor => "near_poor",
            Category::AverageLiving => "average_living",
            Category::NotPoor => "not_poor",
        }
    }

    /// The category's name as officers say it, in Vietnamese and English.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Category::Poor => ("hộ nghèo", "poor"),
            Category::NearPoor => ("hộ cận nghèo", "near-poor"),
            Category::AverageLiving => ("hộ có mức sống trung bình", "average living standard"),
            Category::NotPoor => ("không thuộc hộ nghèo, cận nghèo", "not poor"),
        };
        Text { vi: vi.to_owned(), en: en.to_owned() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Rural,
    Urban,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardRef {
    pub id: String,
    pub version: String,
}

/// One indicator's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub id: String,
    pub dimension: String,
    pub deprived: bool,
    /// False when the answers did not decide the rule (counted as not deprived).
    pub decided: bool,
    pub reason: Text,
    /// Roster rows (from 0) that make the household deprived, for rules
    /// about "a member who …"; empty otherwise.
    pub rows: Vec<usize>,
}

/// A support programme suggested because of the listed deprivations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportSuggestion {
    pub id: String,
    pub label: Text,
    pub indicators: Vec<String>,
}

/// Everything the officer sees and the store keeps for one household.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreResult {
    pub standard: StandardRef,
    pub category: Category,
    pub area: Option<Area>,
    /// VND per person per month, rounded down; `None` under a standard with
    /// no income rule when income was not asked.
    pub income_per_capita: Option<i64>,
    /// The line income was compared with.
    pub poverty_line: Option<i64>,
    pub indicators: Vec<IndicatorResult>,
    pub deprivation_count: u32,
    /// Weighted share of indicators deprived, 0 to 1.
    pub deprivation_score: f64,
    /// Income-proxy score, where a score card applies.
    pub b1: Option<u32>,
    /// Points for deprivations (10 per deprived indicator under 2016–2026).
    pub b2: u32,
    pub supports: Vec<SupportSuggestion>,
    /// Why the household is in its category, in words.
    pub explanation: Text,
}

// Whether a household is poor, and its income, are personal: `Debug` shows
// the standard and how many indicators were judged.
impl std::fmt::Debug for ScoreResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoreResult")
            .field("standard", &self.standard)
            .field("indicators", &self.indicators.len())
            .finish_non_exhaustive()
    }
}

impl ScoreResult {
    /// Ids of the deprived indicators, in the standard's order.
    pub fn deprived(&self) -> impl Iterator<Item = &str> {
        self.indicators.iter().filter(|i| i.deprived).map(|i| i.id.as_str())
    }
}

const UNDECIDED: (&str, &str) = ("Chưa đủ thông tin để đánh giá", "Not enough answers to decide");

/// Scores one household under `standard`, with ages taken at `reference_date`.
pub fn score(
    standard: &Standard,
    answers: &Answers,
    reference_date: NaiveDate,
) -> Result<ScoreResult, ScoringError> {
    let members = answers.members.len();
    if members == 0 {
        return Err(ScoringError::NoMembers);
    }
    let scope = Scope { answers, row: None, reference_date };
    let mut indicators = Vec::with_capacity(standard.indicators.len());
    let mut deprivation_score = 0.0;
    for ((ind, rule), weight) in standard.indicators.iter().zip(&standard.rules).zip(&standard.weights) {
        let (verdict, rows) = rule.test_with_rows(scope);
        let deprived = verdict == Some(true);
        if deprived {
            deprivation_score += weight;
        }
        let reason = match verdict {
            Some(true) => ind.deprived.clone(),
            Some(false) => ind.not_deprived.clone(),
            None => Text { vi: UNDECIDED.0.to_owned(), en: UNDECIDED.1.to_owned() },
        };
        indicators.push(IndicatorResult {
            id: ind.id.clone(),
            dimension: ind.dimension.clone(),
            deprived,
            decided: verdict.is_some(),
            reason,
            rows,
        });
    }
    let deprivation_count = indicators.iter().filter(|i| i.deprived).count() as u32;
    let area = match answers.get("area") {
        Some(Value::Choice(a)) if a == "rural" => Some(Area::Rural),
        Some(Value::Choice(a)) if a == "urban" => Some(Area::Urban),
        _ => None,
    };
    let income = match answers.get("income_monthly_vnd") {
        Some(Value::Int(i)) if *i >= 0 => Some(*i),
        Some(_) => return Err(ScoringError::InvalidAnswer("income_monthly_vnd".into())),
        None => None,
    };
    let income_per_capita = income.map(|i| i / members as i64);
    let mut lines = None;
    let (category, poverty_line) = match &standard.classification {
        Classification::WeightedScore { poor_cutoff, vulnerable_cutoff } => {
            let reaches = |cut: f64| deprivation_score + 1e-9 >= cut;
            let category = if reaches(poor_cutoff.value) {
                Category::Poor
            } else if vulnerable_cutoff.as_ref().is_some_and(|v| reaches(v.value)) {
                Category::NearPoor
            } else {
                Category::NotPoor
            };
            (category, None)
        }
        rule => {
            let area = area.ok_or(ScoringError::MissingAnswer("area".into()))?;
            let pc = income_per_capita.ok_or(ScoringError::MissingAnswer("income_monthly_vnd".into()))?;
            let all = standard.lines.as_ref().ok_or(ScoringError::Definition("no income lines".into()))?;
            let area_lines = match area {
                Area::Rural => &all.rural,
                Area::Urban => &all.urban,
            };
            lines = Some(area_lines);
            (by_income(rule, area_lines, pc, deprivation_count), Some(area_lines.poverty_line.value))
        }
    };
    let b2 = deprivation_count.saturating_mul(standard.b2_points_per_deprivation.value);
    let supports = supports(standard, &indicators);
    let explanation = explain(&Facts {
        rule: &standard.classification,
        lines,
        area,
        income_per_capita,
        deprived: deprivation_count,
        indicators: indicators.len(),
        score: deprivation_score,
        category,
    });
    Ok(ScoreResult {
        standard: StandardRef { id: standard.id.clone(), version: standard.version.clone() },
        category,
        area,
        income_per_capita,
        poverty_line,
        indicators,
        deprivation_count,
        deprivation_score,
        b1: None,
        b2,
        supports,
        explanation,
    })
}

fn by_income(rule: &Classification, lines: &IncomeLines, pc: i64, deprived: u32) -> Category {
    let within = |t: &Option<super::standard::Threshold<i64>>| t.as_ref().is_some_and(|t| pc <= t.value);
    let (cutoff, band_counts) = match rule {
        Classification::IncomeAndCount { cutoff } => (cutoff.value, false),
        Classification::IncomeOrBandAndCount { cutoff } => (cutoff.value, true),
        Classification::WeightedScore { .. } => return Category::NotPoor,
    };
    let many = deprived >= cutoff;
    if pc <= lines.poverty_line.value {
        if band_counts || many { Category::Poor } else { Category::NearPoor }
    } else if band_counts && within(&lines.near_poor_max) {
        if many { Category::Poor } else { Category::NearPoor }
    } else if within(&lines.average_living_max) {
        Category::AverageLiving
    } else {
        Category::NotPoor
    }
}

fn supports(standard: &Standard, indicators: &[IndicatorResult]) -> Vec<SupportSuggestion> {
    let mut out: Vec<SupportSuggestion> = Vec::new();
    for (ind, result) in standard.indicators.iter().zip(indicators) {
        if !result.deprived {
            continue;
        }
        for id in &ind.supports {
            match out.iter_mut().find(|s| &s.id == id) {
                Some(s) => s.indicators.push(ind.id.clone()),
                None => {
                    let label = standard.supports.iter().find(|s| &s.id == id).map(|s| s.label.clone());
                    if let Some(label) = label {
                        out.push(SupportSuggestion {
                            id: id.clone(),
                            label,
                            indicators: vec![ind.id.clone()],
                        });
                    }
                }
            }
        }
    }
    out
}
