//! The expression language: load-time checking, evaluation, and a fuzz-style
//! property that the parser never panics.

use chrono::NaiveDate;
use hearth_core::form::expr::check_syntax;
use hearth_core::form::{Answers, ExprErrorKind, Form, FormError, Row, Scope, Value};
use hearth_core::scoring::{ScoringError, Standard};
use proptest::prelude::*;

/// A one-section form whose `x` question carries `relevant`.
fn form_with_relevance(relevant: &str) -> String {
    serde_json::json!({
        "id": "t", "version": 1, "title": {"vi": "t", "en": "t"},
        "sections": [
            {"id": "main", "label": {"vi": "m", "en": "m"}, "questions": [
                {"id": "area", "type": "single_choice", "label": {"vi": "a", "en": "a"},
                 "choices": [{"value": "rural", "label": {"vi": "r", "en": "r"}}]},
                {"id": "x", "type": "integer", "label": {"vi": "x", "en": "x"}, "relevant": relevant}
            ]},
            {"id": "members", "label": {"vi": "m", "en": "m"}, "repeat": {"min": 1, "max": 9}, "questions": [
                {"id": "birth", "type": "date", "allow_partial": true, "label": {"vi": "b", "en": "b"}},
                {"id": "age", "type": "calculated", "label": {"vi": "a", "en": "a"}, "calculate": "age(birth)"}
            ]}
        ]
    })
    .to_string()
}

fn load_error(relevant: &str) -> (String, String, ExprErrorKind, usize) {
    match Form::from_json(&form_with_relevance(relevant)) {
        Err(FormError::Expression { question, field, error }) => (question, field, error.kind, error.column),
        other => panic!("expected an expression error, got {other:?}"),
    }
}

#[test]
fn a_well_formed_rule_loads() {
    Form::from_json(&form_with_relevance(r#"area == "rural" and count(members, age >= 16) > 1"#)).unwrap();
}

#[test]
fn unknown_question_ids_fail_at_load_naming_question_and_column() {
    assert_eq!(load_error("aera == 1"), ("x".into(), "relevant".into(), ExprErrorKind::UnknownQuestion, 1));
}

#[test]
fn nonsense_fails_at_load_with_a_typed_error() {
    assert_eq!(load_error("area ==").2, ExprErrorKind::UnexpectedEnd);
    assert_eq!(load_error("area == == 1").2, ExprErrorKind::UnexpectedToken);
    assert_eq!(load_error("frobnicate(area)").2, ExprErrorKind::UnknownFunction);
    assert_eq!(load_error("age(area, area)").2, ExprErrorKind::WrongArity);
    assert_eq!(load_error("count(area)").2, ExprErrorKind::NotARoster);
    assert_eq!(load_error("age > 3").2, ExprErrorKind::RosterFieldOutsideAggregate);
    assert_eq!(load_error("count(members, any(members, age > 1))").2, ExprErrorKind::NestedAggregate);
    assert_eq!(load_error("$nope > 1").2, ExprErrorKind::UnknownParameter);
    assert_eq!(load_error("x in [1, \"a\"]").2, ExprErrorKind::BadList);
    let (_, _, kind, column) = load_error(r#"area == "rurall""#);
    assert_eq!((kind, column), (ExprErrorKind::UnknownChoice, 9));
}

#[test]
fn type_errors_fail_at_load() {
    assert_eq!(load_error("area == 1").2, ExprErrorKind::TypeMismatch);
    assert_eq!(load_error("x + area > 1").2, ExprErrorKind::TypeMismatch);
    assert_eq!(load_error("not x").2, ExprErrorKind::TypeMismatch);
    assert_eq!(load_error("size(area) > 0").2, ExprErrorKind::TypeMismatch);
    assert_eq!(load_error("count(members, age) > 0").2, ExprErrorKind::TypeMismatch);
    assert_eq!(load_error("x in [\"a\"]").2, ExprErrorKind::TypeMismatch);
    assert_eq!(load_error("if(x > 1, 1, \"a\") == 1").2, ExprErrorKind::TypeMismatch);
    let (_, _, kind, column) = load_error("x + 1 > 2 and area");
    assert_eq!((kind, column), (ExprErrorKind::TypeMismatch, 11));
    assert_eq!(load_error("x + 1").2, ExprErrorKind::NotACondition);
    assert_eq!(load_error("count(members)").2, ExprErrorKind::NotACondition);
}

#[test]
fn a_standard_naming_an_unknown_question_fails_at_load_not_at_scoring() {
    let src = include_str!("../standards/vn-2022.json").replace("not internet_use", "not internet_usage");
    let form = Form::builtin_household().unwrap();
    match Standard::from_json(&src, &form) {
        Err(ScoringError::Expression { indicator, error, .. }) => {
            assert_eq!(
                (indicator.as_str(), error.kind, error.column),
                ("telecom", ExprErrorKind::UnknownQuestion, 5)
            );
        }
        other => panic!("expected a load error, got {other:?}"),
    }
}

#[test]
fn cyclic_calculations_are_refused() {
    let src = form_with_relevance("x > 1").replace("\"age(birth)\"", "\"age + 1\"");
    assert!(matches!(
        Form::from_json(&src),
        Err(FormError::Expression { error, .. }) if error.kind == ExprErrorKind::CyclicCalculation
    ));
}

/// A form whose calculation `c0` names `c1` twice, `c1` names `c2` twice, and
/// so on down to an integer `n`: `c0` stands for 2^depth copies of `n`.
fn doubling_calculations(depth: usize) -> String {
    let label = serde_json::json!({"vi": "c", "en": "c"});
    let mut questions: Vec<serde_json::Value> = (0..depth)
        .map(|i| {
            let next = if i + 1 == depth { "n".to_owned() } else { format!("c{}", i + 1) };
            serde_json::json!({"id": format!("c{i}"), "type": "calculated", "label": label,
                               "calculate": format!("{next} + {next}")})
        })
        .collect();
    questions.push(serde_json::json!({"id": "n", "type": "integer", "label": label}));
    serde_json::json!({
        "id": "t", "version": 1, "title": label,
        "sections": [{"id": "main", "label": label, "questions": questions}]
    })
    .to_string()
}

#[test]
fn calculations_that_double_at_each_step_are_refused_at_load_not_inlined_forever() {
    // Found by the `form` fuzz target's review: 2 KB of JSON that took 35 s
    // and 160 MB to load (and twice as long per extra step) before inlining
    // was bounded.
    let started = std::time::Instant::now();
    let src = doubling_calculations(40);
    match Form::from_json(&src) {
        Err(FormError::Expression { error, .. }) => assert_eq!(error.kind, ExprErrorKind::TooLong),
        other => panic!("expected the expression to be too long, got {other:?}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
    // A few doublings stay well inside the bound and still work.
    let form = Form::from_json(&doubling_calculations(4)).unwrap();
    let mut answers = Answers::default();
    answers.set("n", Value::Int(3));
    let scope =
        Scope { answers: &answers, row: None, reference_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() };
    assert_eq!(form.expression("c0").unwrap().number(scope), Some(48.0));
}

#[test]
fn a_long_chain_of_calculations_is_refused_as_too_deep() {
    // Each calculation names the next: the inlined rule nests as deep as the
    // chain is long, and evaluation would recurse that deep.
    let label = serde_json::json!({"vi": "c", "en": "c"});
    let depth = 300;
    let mut questions: Vec<serde_json::Value> = (0..depth)
        .map(|i| {
            let next = if i + 1 == depth { "n".to_owned() } else { format!("c{}", i + 1) };
            serde_json::json!({"id": format!("c{i}"), "type": "calculated", "label": label,
                               "calculate": format!("-{next}")})
        })
        .collect();
    questions.push(serde_json::json!({"id": "n", "type": "integer", "label": label}));
    let src = serde_json::json!({
        "id": "t", "version": 1, "title": label,
        "sections": [{"id": "main", "label": label, "questions": questions}]
    })
    .to_string();
    match Form::from_json(&src) {
        Err(FormError::Expression { error, .. }) => assert_eq!(error.kind, ExprErrorKind::TooDeep),
        other => panic!("expected the expression to be too deep, got {other:?}"),
    }
}

fn eval(form: &Form, src: &str, answers: &Answers) -> Option<bool> {
    let date = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
    let expr = form.expression(src).unwrap();
    expr.test(Scope { answers, row: None, reference_date: date })
}

fn roster(births: &[&str]) -> Answers {
    let mut a = Answers::default();
    a.set("area", Value::Choice("rural".into()));
    for b in births {
        let mut row = Row::default();
        row.values.insert("birth".into(), Value::Date(hearth_core::form::PartialDate::parse(b).unwrap()));
        a.members.push(row);
    }
    a
}

#[test]
fn aggregates_and_ages_evaluate_over_the_roster() {
    let form = Form::from_json(&form_with_relevance("x > 1")).unwrap();
    let a = roster(&["1990", "2015-10-01", "2015-10-02"]);
    assert_eq!(eval(&form, "count(members, age >= 10) == 2", &a), Some(true));
    assert_eq!(eval(&form, "any(members, age == 9)", &a), Some(true));
    assert_eq!(eval(&form, "all(members, age >= 9)", &a), Some(true));
    assert_eq!(eval(&form, "sum(members, age) == 35 + 10 + 9", &a), Some(true));
    assert_eq!(eval(&form, "count(members) * 2 > 5 and not (area != \"rural\")", &a), Some(true));
}

#[test]
fn missing_answers_are_null_and_never_decide_a_rule() {
    let form = Form::from_json(&form_with_relevance("x > 1")).unwrap();
    let a = roster(&["1990"]);
    assert_eq!(eval(&form, "x > 1", &a), None);
    assert_eq!(eval(&form, "not (x > 1)", &a), None);
    assert_eq!(eval(&form, "x > 1 or area == \"rural\"", &a), Some(true));
    assert_eq!(eval(&form, "x > 1 and area == \"rural\"", &a), None);
    assert_eq!(eval(&form, "answered(x)", &a), Some(false));
    assert_eq!(eval(&form, "1 / 0 > 1", &a), None);
}

const SOUP: &[&str] = &[
    "(", ")", "[", "]", ",", "+", "-", "*", "/", "<", ">", "==", "!=", "<=", " ", "x", "1", "1.5", "\"a\"",
    "$p", "and ", "or ", "not ", "in ", "count(", "age(", "members", "#", "\"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn parser_never_panics_on_arbitrary_text(src in "\\PC{0,200}") {
        let _ = check_syntax(&src);
    }

    #[test]
    fn parser_never_panics_on_operator_soup(
        tokens in proptest::collection::vec(proptest::sample::select(SOUP), 0..120)
    ) {
        let src = tokens.concat();
        match check_syntax(&src) {
            Ok(()) => {}
            Err(e) => prop_assert!(e.column >= 1 && e.column <= src.chars().count() + 1),
        }
    }
}
