//! Laws of the form engine over arbitrary answers: validation is total, a draft
//! carried over to a questionnaire fits it, and answers survive postcard.

use std::sync::OnceLock;

use chrono::NaiveDate;
use hearth_core::form::{Answers, Decimal, Form, Gps, PartialDate, Row, Value};
use proptest::prelude::*;

fn form() -> &'static Form {
    static FORM: OnceLock<Form> = OnceLock::new();
    FORM.get_or_init(|| Form::builtin_household().unwrap())
}

fn ids() -> Vec<String> {
    let mut ids: Vec<String> =
        form().sections.iter().flat_map(|s| s.questions.iter().map(|q| q.id.clone())).collect();
    ids.push("not_a_question".into());
    ids
}

fn value() -> impl Strategy<Value = Value> {
    let word = proptest::sample::select(vec!["rural", "durable", "head", "tv", "x", "female", "none"]);
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-5i64..20_000_000).prop_map(Value::Int),
        (-10_000i64..500_000).prop_map(|m| Value::Decimal(Decimal::from_milli(m).unwrap())),
        word.clone().prop_map(|w| Value::Text(w.into())),
        word.clone().prop_map(|w| Value::Choice(w.into())),
        proptest::collection::vec(word, 0..3)
            .prop_map(|ws| Value::Choices(ws.into_iter().map(Into::into).collect())),
        (1900i32..2030, proptest::option::of(1u8..=12)).prop_map(|(year, month)| Value::Date(PartialDate {
            year,
            month,
            day: None
        })),
        (-90.0f64..90.0, -180.0f64..180.0).prop_map(|(lat, lon)| Value::Gps(Gps {
            lat,
            lon,
            accuracy_m: None
        })),
        Just(Value::Photo("p".into())),
    ]
}

fn answers() -> impl Strategy<Value = Answers> {
    let entry = || (proptest::sample::select(ids()), value());
    let row = proptest::collection::vec(entry(), 0..12)
        .prop_map(|kv| Row { values: kv.into_iter().collect(), extra: None });
    (proptest::collection::vec(entry(), 0..30), proptest::collection::vec(row, 0..5)).prop_map(
        |(kv, members)| Answers {
            reference_date: None,
            household: kv.into_iter().collect(),
            members,
            extra: Some("{}".into()),
        },
    )
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn validation_is_total_and_names_real_places(a in answers()) {
        for p in form().validate(&a, date()) {
            let known = form().question(&p.question).is_some() || form().roster().is_some_and(|r| r.id == p.question);
            prop_assert!(known || a.household.contains_key(&p.question)
                || a.members.iter().any(|m| m.values.contains_key(&p.question)));
            prop_assert!(p.row.is_none_or(|r| r < a.members.len()));
        }
    }

    #[test]
    fn a_carried_over_draft_fits_the_questionnaire(a in answers()) {
        let moved = form().carry_over(&a);
        let misfits: Vec<_> = form()
            .validate(&moved.answers, date())
            .into_iter()
            .filter(|p| matches!(p.key.as_str(), "type" | "choice" | "unknown_question" | "calculated"))
            .collect();
        prop_assert!(misfits.is_empty(), "{:?}", misfits);
        let kept = moved.answers.household.len() + moved.answers.members.iter().map(|m| m.values.len()).sum::<usize>();
        let before = a.household.len() + a.members.iter().map(|m| m.values.len()).sum::<usize>();
        prop_assert_eq!(kept + moved.dropped.len(), before);
    }

    #[test]
    fn any_answer_set_round_trips_through_postcard(a in answers()) {
        let back: Answers = postcard::from_bytes(&postcard::to_allocvec(&a).unwrap()).unwrap();
        prop_assert_eq!(back, a);
    }

    #[test]
    fn the_interchange_reader_never_panics_on_arbitrary_text(src in "\\PC{0,300}") {
        let _ = Answers::from_interchange_json(&src);
    }

    #[test]
    fn the_interchange_reader_never_panics_on_a_damaged_document(at in 0usize..2000, byte in 32u8..127) {
        let mut doc = EXAMPLE.as_bytes().to_vec();
        let at = at % doc.len();
        doc[at] = byte;
        if let Ok(src) = String::from_utf8(doc) {
            match Answers::from_interchange_json(&src) {
                Ok(a) => { form().validate(&a, date()); }
                Err(e) => prop_assert!(!e.to_string().contains("Sình")),
            }
        }
    }
}

const EXAMPLE: &str = r#"{"reference_date": "2025-10-01", "area": "rural", "region": "northern_midlands_mountains",
  "income_monthly_vnd": 6000000, "house": {"walls": "non_durable", "frame": "durable", "roof": "non_durable"},
  "floor_area_m2": 36, "water_source": "protected_spring", "latrine": "simple_pit", "internet_use": false,
  "info_devices": ["radio"], "gps": {"lat": 22.6, "lon": 104.5},
  "members": [{"name": "Vùi Văn Sình", "sex": "male", "birth": "1984", "relationship": "head",
    "health_insurance": true, "in_school": false, "education": "primary", "employment": "farming",
    "disability": "none", "monthly_social_allowance": false, "malnourished": false, "extra": {"k": [1, 2]}}]}"#;
