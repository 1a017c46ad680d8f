//! The built-in household questionnaire: the interchange format, validation,
//! moving drafts between versions, and postcard round trips.

use chrono::NaiveDate;
use hearth_core::form::{
    Answers, Decimal, FieldProblem, Form, FormError, PartialDate, Problem, Severity, Value,
};
use hearth_core::scoring::Standard;

/// The example document of the interchange format, exactly as published.
const PUBLISHED_EXAMPLE: &str = r#"{
  "reference_date": "2025-10-01",
  "area": "rural",
  "region": "northern_midlands_mountains",
  "income_monthly_vnd": 6000000,
  "house": { "walls": "non_durable", "frame": "durable", "roof": "non_durable" },
  "floor_area_m2": 36,
  "water_source": "protected_spring",
  "latrine": "simple_pit",
  "internet_use": false,
  "info_devices": ["radio"],
  "members": [
    {
      "name": "Vùi Văn Sình",
      "sex": "male",
      "birth": "1984",
      "relationship": "head",
      "health_insurance": true,
      "in_school": false,
      "education": "primary",
      "employment": "farming",
      "disability": "none",
      "monthly_social_allowance": false,
      "malnourished": false
    }
  ]
}"#;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

fn form() -> Form {
    Form::builtin_household().unwrap()
}

fn field_error(src: &str) -> (String, FieldProblem) {
    match Answers::from_interchange_json(src) {
        Err(FormError::Field { field, problem }) => (field, problem),
        other => panic!("expected a field error, got {other:?}"),
    }
}

fn keys(problems: &[Problem]) -> Vec<(String, Option<usize>, String)> {
    problems.iter().map(|p| (p.question.clone(), p.row, p.key.clone())).collect()
}

#[test]
fn the_published_example_is_accepted_and_validates_clean() {
    let a = Answers::from_interchange_json(PUBLISHED_EXAMPLE).unwrap();
    assert_eq!(a.reference_date, Some(date()));
    assert_eq!(a.get("house.walls"), Some(&Value::Choice("non_durable".into())));
    assert_eq!(a.get("floor_area_m2"), Some(&Value::Decimal(Decimal::from_milli(36_000).unwrap())));
    assert_eq!(a.members[0].get("birth"), Some(&Value::Date(PartialDate::parse("1984").unwrap())));
    assert_eq!(form().validate(&a, date()), vec![]);
}

#[test]
fn unknown_fields_are_refused_unless_under_extra() {
    let top = PUBLISHED_EXAMPLE.replace("\"area\"", "\"extra\": {\"survey_round\": 2}, \"area\"");
    let a = Answers::from_interchange_json(&top).unwrap();
    assert_eq!(a.extra.as_deref(), Some(r#"{"survey_round":2}"#));
    let member = PUBLISHED_EXAMPLE.replace("\"sex\"", "\"extra\": {\"phone\": \"x\"}, \"sex\"");
    assert!(Answers::from_interchange_json(&member).unwrap().members[0].extra.is_some());

    assert_eq!(field_error(&PUBLISHED_EXAMPLE.replace("\"area\"", "\"color\": 1, \"area\"")).0, "color");
    let nested = PUBLISHED_EXAMPLE.replace("\"roof\"", "\"door\": \"durable\", \"roof\"");
    assert_eq!(field_error(&nested), ("house.door".into(), FieldProblem::Unknown));
    let in_member = PUBLISHED_EXAMPLE.replace("\"sex\"", "\"gender\": \"m\", \"sex\"");
    assert_eq!(field_error(&in_member), ("members[0].gender".into(), FieldProblem::Unknown));
}

#[test]
fn malformed_documents_are_refused_naming_the_field() {
    let cases = [
        ("\"area\": \"rural\"", "\"area\": \"suburban\"", "area", FieldProblem::UnknownChoice),
        ("6000000", "\"6 million\"", "income_monthly_vnd", FieldProblem::WrongType("an integer")),
        ("\"birth\": \"1984\"", "\"birth\": \"84\"", "members[0].birth", FieldProblem::BadPartialDate),
        ("\"2025-10-01\"", "\"2025-10\"", "reference_date", FieldProblem::BadDate),
        ("[\"radio\"]", "[\"radio\", \"fax\"]", "info_devices", FieldProblem::UnknownChoice),
        (
            "\"internet_use\": false",
            "\"internet_use\": \"no\"",
            "internet_use",
            FieldProblem::WrongType("true or false"),
        ),
    ];
    for (from, to, field, problem) in cases {
        assert_eq!(field_error(&PUBLISHED_EXAMPLE.replace(from, to)), (field.to_owned(), problem), "{to}");
    }
    assert!(matches!(Answers::from_interchange_json("{\"area\": "), Err(FormError::Json { .. })));
    assert_eq!(field_error("[]").0, "$");
    let member_count = PUBLISHED_EXAMPLE.replace("\"members\": [", "\"member_count\": 3, \"members\": [");
    assert_eq!(field_error(&member_count), ("member_count".into(), FieldProblem::Calculated));
}

#[test]
fn the_published_example_writes_back_to_the_same_document() {
    let a = Answers::from_interchange_json(PUBLISHED_EXAMPLE).unwrap();
    let written: serde_json::Value = serde_json::from_str(&form().to_interchange_json(&a).unwrap()).unwrap();
    let mut published: serde_json::Value = serde_json::from_str(PUBLISHED_EXAMPLE).unwrap();
    published["floor_area_m2"] = 36.0.into(); // a decimal question writes a decimal
    assert_eq!(written, published);
}

#[test]
fn numbers_under_extra_read_back_the_same_after_the_answers_are_written() {
    // Found by the `answers` fuzz target: an 86-digit integer under "extra"
    // was read as one double, written out, and read back as a neighbouring one.
    let long = "3".repeat(85) + "0";
    for number in [
        long.as_str(),
        "123456789012345678901234567",
        "2.2250738585072011e-308",
        "0.1000000000000000055511151231257827",
        "-0",
        "1e22",
    ] {
        let doc = format!(r#"{{"extra": {{"n": {number}}}, "members": [{{"extra": [{number}]}}]}}"#);
        let a = Answers::from_interchange_json(&doc).unwrap();
        let again = Answers::from_interchange_json(&form().to_interchange_json(&a).unwrap()).unwrap();
        assert_eq!(again.extra, a.extra, "{number}");
        assert_eq!(again.members[0].extra, a.members[0].extra, "{number}");
    }
}

#[test]
fn error_messages_never_carry_answer_values() {
    let err = Answers::from_interchange_json(&PUBLISHED_EXAMPLE.replace("\"male\"", "\"Vùi Văn Sình\""))
        .unwrap_err();
    let message = err.to_string();
    assert_eq!(message, "members[0].sex: not one of the choices");
    assert!(!message.contains("Vùi"));
}

#[test]
fn validation_returns_every_problem_at_once() {
    let src = PUBLISHED_EXAMPLE
        .replace("\"floor_area_m2\": 36,", "\"floor_area_m2\": 0,")
        .replace("\"latrine\": \"simple_pit\",", "")
        .replace("\"relationship\": \"head\",", "")
        .replace("\"birth\": \"1984\"", "\"birth\": \"2030\"");
    let a = Answers::from_interchange_json(&src).unwrap();
    let problems = form().validate(&a, date());
    assert_eq!(
        keys(&problems),
        [
            ("floor_area_m2".into(), None, "constraint.floor_area_positive".into()),
            ("latrine".into(), None, "required".into()),
            ("members".into(), None, "constraint.exactly_one_head".into()),
            ("birth".into(), Some(0), "constraint.birth_not_in_future".into()),
            ("relationship".into(), Some(0), "required".into()),
        ]
    );
    assert!(problems.iter().all(Problem::blocks));
}

#[test]
fn warnings_do_not_block_completion() {
    let a = Answers::from_interchange_json(
        &PUBLISHED_EXAMPLE.replace("\"birth\": \"1984\"", "\"birth\": \"1900\""),
    )
    .unwrap();
    let problems = form().validate(&a, date());
    assert_eq!(keys(&problems), [("birth".into(), Some(0), "constraint.age_implausible".into())]);
    assert_eq!(problems[0].severity, Severity::Warning);
    assert!(!problems[0].blocks());
}

#[test]
fn relevance_decides_what_is_required() {
    // A child of 10: asked about school and nutrition, not about employment.
    let child = r#"{"name": "B", "sex": "female", "birth": "2015-03", "relationship": "child",
        "health_insurance": true, "disability": "none", "monthly_social_allowance": false}"#;
    let src = PUBLISHED_EXAMPLE.replacen("\n    }\n  ]", &format!("\n    }},\n    {child}\n  ]"), 1);
    let a = Answers::from_interchange_json(&src).unwrap();
    assert_eq!(
        keys(&form().validate(&a, date())),
        [
            ("in_school".into(), Some(1), "required".into()),
            ("education".into(), Some(1), "required".into()),
            ("malnourished".into(), Some(1), "required".into()),
        ]
    );
}

#[test]
fn every_message_key_of_the_built_in_form_has_vietnamese_and_english_text() {
    let form = form();
    let mut keys: Vec<&str> = vec![
        "required",
        "type",
        "choice",
        "unknown_question",
        "calculated",
        "roster.too_few",
        "roster.too_many",
    ];
    for section in &form.sections {
        keys.extend(section.repeat.iter().flat_map(|r| r.constraints.iter().map(|c| c.message.as_str())));
        keys.extend(section.questions.iter().flat_map(|q| q.constraints.iter().map(|c| c.message.as_str())));
    }
    for key in keys {
        let text = form.message(key).unwrap_or_else(|| panic!("no text for {key}"));
        assert!(!text.vi.is_empty() && !text.en.is_empty(), "{key}");
    }
}

#[test]
fn values_that_do_not_fit_the_question_are_reported() {
    let mut a = Answers::from_interchange_json(PUBLISHED_EXAMPLE).unwrap();
    a.set("area", Value::Choice("suburban".into()));
    a.set("internet_use", Value::Int(1));
    a.set("nonsense", Value::Bool(true));
    let problems = keys(&form().validate(&a, date()));
    assert!(problems.contains(&("area".into(), None, "choice".into())));
    assert!(problems.contains(&("internet_use".into(), None, "type".into())));
    assert!(problems.contains(&("nonsense".into(), None, "unknown_question".into())));
}

#[test]
fn answers_round_trip_through_postcard() {
    let mut a = Answers::from_interchange_json(PUBLISHED_EXAMPLE).unwrap();
    a.set("gps", Value::Gps(hearth_core::form::Gps { lat: 22.6, lon: 104.5, accuracy_m: Some(8.0) }));
    a.set("house_photo", Value::Photo("attachment-1".into()));
    a.extra = Some("{\"k\":1}".into());
    let bytes = postcard::to_allocvec(&a).unwrap();
    let back: Answers = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, a);
}

#[test]
fn a_draft_moves_to_a_newer_form_carrying_answers_by_id() {
    let v1 = form();
    let mut doc: serde_json::Value = serde_json::from_str(include_str!("../forms/household.json")).unwrap();
    doc["version"] = 2.into();
    let sections = doc["sections"].as_array_mut().unwrap();
    // v2 drops the radio from the device list and removes the `region` question.
    for section in sections.iter_mut() {
        let questions = section["questions"].as_array_mut().unwrap();
        questions.retain(|q| q["id"] != "region");
        for q in questions.iter_mut().filter(|q| q["id"] == "info_devices") {
            q["choices"].as_array_mut().unwrap().retain(|c| c["value"] != "radio");
        }
    }
    let v2 = Form::from_json(&doc.to_string()).unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    let a = Answers::from_interchange_json(PUBLISHED_EXAMPLE).unwrap();
    let moved = v2.carry_over(&a);
    let dropped: Vec<(&str, &str)> =
        moved.dropped.iter().map(|d| (d.question.as_str(), d.reason.as_str())).collect();
    assert_eq!(dropped, [("info_devices", "choice"), ("region", "removed")]);
    assert_eq!(moved.answers.household.len(), a.household.len() - 2);
    assert_eq!(moved.answers.members, a.members);
}

#[test]
fn a_roster_of_forty_validates_and_scores() {
    let member = |i: usize| {
        format!(
            r#"{{"name": "M{i}", "sex": "female", "birth": "{}", "relationship": "{}", "health_insurance": true,
            "in_school": true, "education": "lower_secondary", "employment": "farming", "disability": "none",
            "monthly_social_allowance": false, "malnourished": false}}"#,
            1950 + i,
            if i == 0 { "head" } else { "other" }
        )
    };
    let members: Vec<String> = (0..40).map(member).collect();
    let src = PUBLISHED_EXAMPLE.replacen(
        &PUBLISHED_EXAMPLE[PUBLISHED_EXAMPLE.find("\"members\"").unwrap()..PUBLISHED_EXAMPLE.len() - 1],
        &format!("\"members\": [{}]\n", members.join(",")),
        1,
    );
    let a = Answers::from_interchange_json(&src).unwrap();
    assert_eq!(a.members.len(), 40);
    assert_eq!(form().validate(&a, date()), vec![]);
    let r = Standard::builtin("vn-2022").unwrap().score(&a, date()).unwrap();
    assert_eq!(r.income_per_capita, Some(150_000));
    assert!(r.deprived().any(|d| d == "floor_area"), "36 m² for 40 people");
}
