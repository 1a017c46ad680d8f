//! The household-answers interchange JSON (`docs/household-answers.md`),
//! read into typed [`Answers`] by a questionnaire's question types. A nested
//! object `{"house": {"walls": ..}}` answers the question `house.walls`;
//! anything under `"extra"` is kept as JSON text; any other unknown field is
//! an error naming its path.

use serde_json::{Map, Value as Json};

use super::FormError;
use super::model::{Form, Question, QuestionType};
use super::value::{Answers, Decimal, Gps, PartialDate, Row, Value};

/// Why a field of an interchange document was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    #[error("unknown field (put extensions under \"extra\")")]
    Unknown,
    #[error("expected {0}")]
    WrongType(&'static str),
    #[error("not one of the choices")]
    UnknownChoice,
    #[error("out of range")]
    OutOfRange,
    #[error("not a date (YYYY-MM-DD)")]
    BadDate,
    #[error("not a date (YYYY, YYYY-MM or YYYY-MM-DD)")]
    BadPartialDate,
    #[error("computed by the questionnaire, not an input")]
    Calculated,
}

/// An error naming a field. Keys come from the sender's document and might
/// hold anything (a name used as a key by mistake): a path segment that is
/// not shaped like a question id is replaced, so errors never echo data.
fn field_err(field: impl Into<String>, problem: FieldProblem) -> FormError {
    let field: String = field.into();
    let shaped = |seg: &str| {
        !seg.is_empty()
            && seg.len() <= 64
            && seg.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'[' | b']' | b'$'))
    };
    let safe = field
        .split('.')
        .map(|seg| if shaped(seg) { seg } else { "<unrecognised key>" })
        .collect::<Vec<_>>()
        .join(".");
    FormError::Field { field: safe, problem }
}

impl Form {
    /// Reads interchange JSON into answers typed by this questionnaire.
    pub fn parse_interchange(&self, src: &str) -> Result<Answers, FormError> {
        let doc: Json =
            serde_json::from_str(src).map_err(|e| FormError::Json { line: e.line(), column: e.column() })?;
        let Json::Object(obj) = doc else {
            return Err(field_err("$", FieldProblem::WrongType("an object")));
        };
        let roster = self.roster().map(|s| s.id.as_str());
        let mut answers = Answers::default();
        for (key, v) in &obj {
            match key.as_str() {
                _ if v.is_null() => {}
                "extra" => answers.extra = Some(v.to_string()),
                "reference_date" => {
                    let date = v.as_str().and_then(PartialDate::parse).filter(|d| d.is_full());
                    answers.reference_date = Some(
                        date.and_then(PartialDate::to_date).ok_or(field_err(key, FieldProblem::BadDate))?,
                    );
                }
                k if Some(k) == roster => answers.members = self.rows(k, v)?,
                k => match (self.question(k), v) {
                    (Some(q), _) if !self.in_roster(k) => {
                        let value = typed(q, v).map_err(|p| field_err(k, p))?;
                        answers.household.insert(k.to_owned(), value);
                    }
                    (None, Json::Object(group)) => self.group(k, group, &mut answers)?,
                    _ => return Err(field_err(k, FieldProblem::Unknown)),
                },
            }
        }
        Ok(answers)
    }

    fn group(&self, key: &str, group: &Map<String, Json>, answers: &mut Answers) -> Result<(), FormError> {
        for (sub, v) in group {
            let id = format!("{key}.{sub}");
            match self.question(&id) {
                Some(q) if !self.in_roster(&id) => {
                    if !v.is_null() {
                        let value = typed(q, v).map_err(|p| field_err(id.clone(), p))?;
                        answers.household.insert(id, value);
                    }
                }
                _ => return Err(field_err(id, FieldProblem::Unknown)),
            }
        }
        Ok(())
    }

    fn rows(&self, key: &str, v: &Json) -> Result<Vec<Row>, FormError> {
        let Json::Array(items) = v else {
            return Err(field_err(key, FieldProblem::WrongType("a list")));
        };
        let mut rows = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Json::Object(obj) = item else {
                return Err(field_err(format!("{key}[{i}]"), FieldProblem::WrongType("an object")));
            };
            let mut row = Row::default();
            for (k, v) in obj {
                let path = || format!("{key}[{i}].{k}");
                match (k.as_str(), self.question(k)) {
                    (_, _) if v.is_null() => {}
                    ("extra", _) => row.extra = Some(v.to_string()),
                    (_, Some(q)) if self.in_roster(k) => {
                        let value = typed(q, v).map_err(|p| field_err(path(), p))?;
                        row.values.insert(k.clone(), value);
                    }
                    _ => return Err(field_err(path(), FieldProblem::Unknown)),
                }
            }
            rows.push(row);
        }
        Ok(rows)
    }
}

/// Types one JSON value by its question; the caller adds the field path.
fn typed(q: &Question, v: &Json) -> Result<Value, FieldProblem> {
    let wrong = FieldProblem::WrongType;
    let text = |what| v.as_str().map(str::to_owned).ok_or(wrong(what));
    Ok(match q.kind {
        QuestionType::Integer => Value::Int(integer(v).ok_or(wrong("an integer"))?),
        QuestionType::Decimal => {
            Value::Decimal(v.as_f64().and_then(Decimal::from_f64).ok_or(wrong("a number"))?)
        }
        QuestionType::Text => Value::Text(text("text")?),
        QuestionType::Photo => Value::Photo(text("a photo reference")?),
        QuestionType::Boolean => Value::Bool(v.as_bool().ok_or(wrong("true or false"))?),
        QuestionType::SingleChoice => {
            let c = text("a choice")?;
            if !q.has_choice(&c) {
                return Err(FieldProblem::UnknownChoice);
            }
            Value::Choice(c)
        }
        QuestionType::MultipleChoice => {
            let items = v.as_array().ok_or(wrong("a list of choices"))?;
            let mut chosen = Vec::with_capacity(items.len());
            for item in items {
                let c = item.as_str().ok_or(wrong("a list of choices"))?;
                if !q.has_choice(c) {
                    return Err(FieldProblem::UnknownChoice);
                }
                chosen.push(c.to_owned());
            }
            Value::Choices(chosen)
        }
        QuestionType::Date => {
            let s = v.as_str().ok_or(wrong("a date"))?;
            let (date, problem) = if q.allow_partial {
                (PartialDate::parse(s), FieldProblem::BadPartialDate)
            } else {
                (PartialDate::parse(s).filter(|d| d.is_full()), FieldProblem::BadDate)
            };
            Value::Date(date.ok_or(problem)?)
        }
        QuestionType::Year => {
            let year = match v {
                Json::String(s) => {
                    PartialDate::parse(s).filter(|d| d.month.is_none()).map(|d| i64::from(d.year))
                }
                _ => integer(v),
            };
            let year = year.ok_or(wrong("a year"))?;
            if !(1000..=9999).contains(&year) {
                return Err(FieldProblem::OutOfRange);
            }
            Value::Int(year)
        }
        QuestionType::Gps => Value::Gps(gps(v).ok_or(wrong("{\"lat\", \"lon\", \"accuracy_m\"} in range"))?),
        QuestionType::Calculated => return Err(FieldProblem::Calculated),
    })
}

fn integer(v: &Json) -> Option<i64> {
    v.as_i64().or_else(|| {
        let x = v.as_f64()?;
        (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
    })
}

fn gps(v: &Json) -> Option<Gps> {
    let obj = v.as_object()?;
    if obj.keys().any(|k| !matches!(k.as_str(), "lat" | "lon" | "accuracy_m")) {
        return None;
    }
    let lat = obj.get("lat")?.as_f64().filter(|x| (-90.0..=90.0).contains(x))?;
    let lon = obj.get("lon")?.as_f64().filter(|x| (-180.0..=180.0).contains(x))?;
    let accuracy_m = match obj.get("accuracy_m") {
        None | Some(Json::Null) => None,
        Some(a) => Some(a.as_f64().filter(|x| x.is_finite() && *x >= 0.0)?),
    };
    Some(Gps { lat, lon, accuracy_m })
}

impl Form {
    /// Writes answers as interchange JSON, the inverse of
    /// [`Form::parse_interchange`] for every document it accepts.
    pub fn to_interchange_json(&self, answers: &Answers) -> Result<String, FormError> {
        let mut doc = Map::new();
        if let Some(date) = answers.reference_date {
            doc.insert("reference_date".into(), Json::String(date.to_string()));
        }
        for (id, value) in &answers.household {
            match id.split_once('.') {
                Some((group, sub)) => {
                    let entry = doc.entry(group).or_insert_with(|| Json::Object(Map::new()));
                    if let Json::Object(obj) = entry {
                        obj.insert(sub.to_owned(), json(value));
                    }
                }
                None => {
                    doc.insert(id.clone(), json(value));
                }
            }
        }
        if let Some(roster) = self.roster() {
            let rows = answers
                .members
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let mut obj: Map<String, Json> =
                        row.values.iter().map(|(k, v)| (k.clone(), json(v))).collect();
                    if let Some(extra) = &row.extra {
                        obj.insert("extra".into(), extra_json(extra, &format!("{}[{i}].extra", roster.id))?);
                    }
                    Ok(Json::Object(obj))
                })
                .collect::<Result<Vec<_>, FormError>>()?;
            doc.insert(roster.id.clone(), Json::Array(rows));
        }
        if let Some(extra) = &answers.extra {
            doc.insert("extra".into(), extra_json(extra, "extra")?);
        }
        Ok(Json::Object(doc).to_string())
    }
}

fn extra_json(text: &str, path: &str) -> Result<Json, FormError> {
    serde_json::from_str(text).map_err(|_| field_err(path, FieldProblem::WrongType("JSON text")))
}

fn json(value: &Value) -> Json {
    match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Decimal(x) => serde_json::Number::from_f64(x.to_f64()).map_or(Json::Null, Json::Number),
        Value::Text(s) | Value::Choice(s) | Value::Photo(s) => Json::String(s.clone()),
        Value::Choices(c) => Json::Array(c.iter().cloned().map(Json::String).collect()),
        Value::Date(d) => Json::String(d.to_string()),
        Value::Gps(g) => {
            let mut obj = Map::new();
            obj.insert("lat".into(), serde_json::Number::from_f64(g.lat).map_or(Json::Null, Json::Number));
            obj.insert("lon".into(), serde_json::Number::from_f64(g.lon).map_or(Json::Null, Json::Number));
            if let Some(a) = g.accuracy_m {
                obj.insert(
                    "accuracy_m".into(),
                    serde_json::Number::from_f64(a).map_or(Json::Null, Json::Number),
                );
            }
            Json::Object(obj)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unknown_key_holding_data_is_not_echoed_in_the_error() {
        let err = super::field_err("members[0].Vùi Văn Sình", super::FieldProblem::Unknown);
        let text = err.to_string();
        assert!(!text.contains("Sình") && text.contains("members[0]"), "{text}");
        let ok = super::field_err("house.walls", super::FieldProblem::Unknown).to_string();
        assert!(ok.contains("house.walls"));
    }
}
