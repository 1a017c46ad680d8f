//! B1 score cards as data: points per answer for each score table (urban and
//! the six rural regions), and the B1/B2 cut-offs. The official tables were
//! not transcribed, so the only built-in card is a sample: it says so in its
//! data, and a card that is not `official` must be marked `sample`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ScoringError;
use super::classify::{Area, Category, ScoreResult, score};
use super::standard::{Confidence, Standard, Threshold};
use crate::form::{Answers, Expr, Form, Scope, Text, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardOption {
    /// This option applies when the expression holds; the first that holds wins.
    pub when: String,
    /// Points per score table id.
    pub points: BTreeMap<String, i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardItem {
    pub id: String,
    pub label: Text,
    pub options: Vec<CardOption>,
}

/// Poor when B1 ≤ `b1_max` and B2 ≥ `b2_poor_min`; near-poor when B1 ≤
/// `b1_max` and B2 is lower (Circulars 07/2021 and 02/2022).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardCutoff {
    pub b1_max: Threshold<u32>,
    pub b2_poor_min: Threshold<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardDoc {
    id: String,
    version: String,
    title: Text,
    sample: bool,
    notice: Text,
    source: String,
    confidence: Confidence,
    tables: Vec<String>,
    items: Vec<CardItem>,
    rural: CardCutoff,
    urban: CardCutoff,
}

/// A loaded score card with its conditions compiled.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: String,
    pub version: String,
    pub title: Text,
    /// True for a card that is not the official table; its B1 is illustrative.
    pub sample: bool,
    /// Shown wherever a B1 from this card is shown.
    pub notice: Text,
    pub source: String,
    pub confidence: Confidence,
    pub tables: Vec<String>,
    pub items: Vec<CardItem>,
    pub rural: CardCutoff,
    pub urban: CardCutoff,
    conditions: Vec<Vec<Expr>>,
}

const SAMPLE_B1: &str = include_str!("../../standards/cards/b1-sample.json");

impl Card {
    /// The built-in sample B1 card. Not the official table.
    pub fn sample_b1() -> Result<Card, ScoringError> {
        Card::from_json(SAMPLE_B1, Form::household_ref()?)
    }

    pub fn from_json(src: &str, form: &Form) -> Result<Card, ScoringError> {
        let doc: CardDoc = serde_json::from_str(src).map_err(|e| ScoringError::Definition(e.to_string()))?;
        if doc.confidence != Confidence::Official && !doc.sample {
            return Err(ScoringError::Definition(format!(
                "card {}: an unofficial card must be marked sample",
                doc.id
            )));
        }
        let mut conditions = Vec::with_capacity(doc.items.len());
        for item in &doc.items {
            let mut item_conditions = Vec::with_capacity(item.options.len());
            for option in &item.options {
                if doc.tables.iter().any(|t| !option.points.contains_key(t)) {
                    return Err(ScoringError::Definition(format!(
                        "card {}: item {} lacks a table",
                        doc.id, item.id
                    )));
                }
                let expr = form.compile(&option.when, &BTreeMap::new()).map_err(|error| {
                    ScoringError::Expression { standard: doc.id.clone(), indicator: item.id.clone(), error }
                })?;
                item_conditions.push(expr);
            }
            conditions.push(item_conditions);
        }
        Ok(Card {
            id: doc.id,
            version: doc.version,
            title: doc.title,
            sample: doc.sample,
            notice: doc.notice,
            source: doc.source,
            confidence: doc.confidence,
            tables: doc.tables,
            items: doc.items,
            rural: doc.rural,
            urban: doc.urban,
            conditions,
        })
    }

    /// The score table for these answers: `urban`, or the rural region.
    fn table<'a>(&self, answers: &'a Answers) -> Result<&'a str, ScoringError> {
        match (answers.get("area"), answers.get("region")) {
            (Some(Value::Choice(a)), _) if a == "urban" => Ok("urban"),
            (Some(Value::Choice(_)), Some(Value::Choice(region))) => Ok(region),
            (Some(_), _) => Err(ScoringError::MissingAnswer("region".into())),
            (None, _) => Err(ScoringError::MissingAnswer("area".into())),
        }
    }

    /// The household's B1 score.
    pub fn b1(&self, answers: &Answers, reference_date: NaiveDate) -> Result<u32, ScoringError> {
        let table = self.table(answers)?;
        let scope = Scope { answers, row: None, reference_date };
        let mut total: i64 = 0;
        for (item, conditions) in self.items.iter().zip(&self.conditions) {
            let chosen = item.options.iter().zip(conditions).find(|(_, c)| c.test(scope) == Some(true));
            if let Some((option, _)) = chosen {
                total += i64::from(option.points.get(table).copied().unwrap_or(0));
            }
        }
        Ok(u32::try_from(total.max(0)).unwrap_or(u32::MAX))
    }

    /// The category these B1 and B2 give under the card's cut-offs. A card
    /// alone cannot tell average-living from not poor.
    pub fn category(&self, b1: u32, b2: u32, area: Area) -> Category {
        let cut = match area {
            Area::Rural => &self.rural,
            Area::Urban => &self.urban,
        };
        match (b1 <= cut.b1_max.value, b2 >= cut.b2_poor_min.value) {
            (true, true) => Category::Poor,
            (true, false) => Category::NearPoor,
            (false, _) => Category::NotPoor,
        }
    }
}

/// Scores under `standard` and adds B1 from `card`. The category stays the
/// standard's; [`Card::category`] gives the card's own reading.
pub fn score_with_card(
    standard: &Standard,
    card: &Card,
    answers: &Answers,
    reference_date: NaiveDate,
) -> Result<ScoreResult, ScoringError> {
    let mut result = score(standard, answers, reference_date)?;
    result.b1 = Some(card.b1(answers, reference_date)?);
    Ok(result)
}
