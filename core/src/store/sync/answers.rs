//! Typed answers ↔ their wire form (`wire2::WireAnswers`): questions by
//! position in the questionnaire, choices by position in the question.
//! Decoding goes back through the interchange rules, so answers arriving by
//! packet are held to exactly what answers arriving as JSON are.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::form::{Answers, Decimal, Form, Gps, PartialDate, Question, Row, Value};
use crate::sync::wire2::{WireAnswers, WireRow, WireValue};

fn bad() -> Error {
    Error::Decode("wire answers")
}

/// The household questions and the roster's, in the form's order.
fn questions(form: &Form) -> (Vec<&Question>, Vec<&Question>) {
    let household = form.sections.iter().filter(|s| s.repeat.is_none()).flat_map(|s| &s.questions).collect();
    let roster = form.roster().map(|s| s.questions.iter().collect()).unwrap_or_default();
    (household, roster)
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

pub(crate) fn answers_to_wire(form: &Form, a: &Answers) -> Result<WireAnswers> {
    let (household, roster) = questions(form);
    let values = |qs: &[&Question], map: &std::collections::BTreeMap<String, Value>| {
        map.iter()
            .map(|(id, v)| {
                let i = qs.iter().position(|q| q.id == *id).ok_or_else(bad)?;
                Ok((u16::try_from(i).map_err(|_| bad())?, value_to_wire(qs[i], v)?))
            })
            .collect::<Result<Vec<_>>>()
    };
    Ok(WireAnswers {
        reference_date: a.reference_date.map(|d| (d - epoch()).num_days() as i32),
        household: values(&household, &a.household)?,
        members: a
            .members
            .iter()
            .map(|r| Ok(WireRow { values: values(&roster, &r.values)?, extra: r.extra.clone() }))
            .collect::<Result<_>>()?,
        extra: a.extra.clone(),
    })
}

pub(crate) fn answers_from_wire(form: &Form, w: &WireAnswers) -> Result<Answers> {
    let (household, roster) = questions(form);
    let values = |qs: &[&Question], vs: &[(u16, WireValue)]| {
        vs.iter()
            .map(|(i, v)| {
                let q = qs.get(usize::from(*i)).ok_or_else(bad)?;
                Ok((q.id.clone(), value_from_wire(q, v)?))
            })
            .collect::<Result<std::collections::BTreeMap<_, _>>>()
    };
    let answers = Answers {
        reference_date: w
            .reference_date
            .map(|d| epoch().checked_add_signed(chrono::Duration::days(i64::from(d))).ok_or_else(bad))
            .transpose()?,
        household: values(&household, &w.household)?,
        members: w
            .members
            .iter()
            .map(|r| Ok(Row { values: values(&roster, &r.values)?, extra: r.extra.clone() }))
            .collect::<Result<_>>()?,
        extra: w.extra.clone(),
    };
    // The interchange rules decide what a well-formed answer is.
    let checked = form.parse_interchange(&form.to_interchange_json(&answers)?)?;
    if checked != answers {
        return Err(bad());
    }
    Ok(answers)
}

fn choice_index(q: &Question, value: &str) -> Result<u16> {
    let i = q.choices.iter().position(|c| c.value == value).ok_or_else(bad)?;
    u16::try_from(i).map_err(|_| bad())
}

fn choice_value(q: &Question, i: u16) -> Result<String> {
    q.choices.get(usize::from(i)).map(|c| c.value.clone()).ok_or_else(bad)
}

fn value_to_wire(q: &Question, v: &Value) -> Result<WireValue> {
    Ok(match v {
        Value::Bool(b) => WireValue::Bool(*b),
        Value::Int(i) => WireValue::Int(*i),
        Value::Decimal(d) => WireValue::Decimal(d.milli()),
        Value::Text(s) => WireValue::Text(s.clone()),
        Value::Choice(c) => WireValue::Choice(choice_index(q, c)?),
        Value::Choices(cs) => {
            WireValue::Choices(cs.iter().map(|c| choice_index(q, c)).collect::<Result<_>>()?)
        }
        Value::Date(d) => WireValue::Date(d.year, d.month.unwrap_or(0), d.day.unwrap_or(0)),
        Value::Gps(g) => WireValue::Gps(g.lat.to_bits(), g.lon.to_bits(), g.accuracy_m.map(f64::to_bits)),
        Value::Photo(s) => WireValue::Photo(s.clone()),
    })
}

fn value_from_wire(q: &Question, v: &WireValue) -> Result<Value> {
    let part = |x: u8| (x != 0).then_some(x);
    Ok(match v {
        WireValue::Bool(b) => Value::Bool(*b),
        WireValue::Int(i) => Value::Int(*i),
        WireValue::Decimal(m) => Value::Decimal(Decimal::from_milli(*m).ok_or_else(bad)?),
        WireValue::Text(s) => Value::Text(s.clone()),
        WireValue::Choice(i) => Value::Choice(choice_value(q, *i)?),
        WireValue::Choices(is) => {
            Value::Choices(is.iter().map(|i| choice_value(q, *i)).collect::<Result<_>>()?)
        }
        WireValue::Date(y, m, d) => {
            let date = PartialDate { year: *y, month: part(*m), day: part(*d) };
            date.to_date().ok_or_else(bad)?;
            Value::Date(date)
        }
        WireValue::Gps(lat, lon, acc) => Value::Gps(Gps {
            lat: f64::from_bits(*lat),
            lon: f64::from_bits(*lon),
            accuracy_m: acc.map(f64::from_bits),
        }),
        WireValue::Photo(s) => Value::Photo(s.clone()),
    })
}
