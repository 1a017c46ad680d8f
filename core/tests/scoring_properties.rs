//! Laws of scoring, checked over generated households for every built-in
//! standard: more deprivation never makes a household less poor, more income
//! never makes it poorer, scoring is deterministic, and it never panics on
//! answers the validator accepts.

use std::sync::OnceLock;

use chrono::NaiveDate;
use hearth_core::form::{Answers, Decimal, Form, PartialDate, Row, Value};
use hearth_core::scoring::{ScoreResult, Standard};
use proptest::prelude::*;

fn standards() -> &'static [Standard] {
    static STANDARDS: OnceLock<Vec<Standard>> = OnceLock::new();
    STANDARDS.get_or_init(|| Standard::builtin_ids().map(|id| Standard::builtin(id).unwrap()).collect())
}

fn form() -> &'static Form {
    static FORM: OnceLock<Form> = OnceLock::new();
    FORM.get_or_init(|| Form::builtin_household().unwrap())
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

fn choice(values: &'static [&'static str]) -> impl Strategy<Value = Value> {
    proptest::sample::select(values).prop_map(|v| Value::Choice(v.to_owned()))
}

const EDUCATION: &[&str] = &[
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "vocational_intermediate",
    "college",
    "university",
];
const EMPLOYMENT: &[&str] = &[
    "wage_with_contract",
    "wage_without_contract",
    "self_employed",
    "farming",
    "unemployed_seeking",
    "not_working",
];
const WATER: &[&str] = &[
    "piped",
    "drilled_well",
    "protected_dug_well",
    "protected_spring",
    "rainwater",
    "bottled",
    "unprotected_dug_well",
    "unprotected_spring",
    "surface_water",
    "other",
];
const LATRINE: &[&str] =
    &["septic", "semi_septic", "pour_flush", "double_vault", "simple_pit", "hanging", "none", "other"];
const DEVICES: &[&str] = &["tv", "radio", "desktop", "laptop", "tablet", "smartphone", "basic_phone"];

fn birth() -> impl Strategy<Value = Value> {
    (1925i32..=2025, proptest::option::of((1u8..=12, proptest::option::of(1u8..=28)))).prop_map(
        |(year, md)| {
            let (month, day) = md.map_or((None, None), |(m, d)| (Some(m), d));
            Value::Date(PartialDate { year, month, day })
        },
    )
}

fn member(head: bool) -> impl Strategy<Value = Row> {
    (
        birth(),
        choice(&["male", "female"]),
        any::<[bool; 4]>(),
        choice(EDUCATION),
        choice(EMPLOYMENT),
        choice(&["none", "mild", "severe", "especially_severe"]),
    )
        .prop_map(move |(birth, sex, flags, education, employment, disability)| {
            let mut row = Row::default();
            let mut put = |k: &str, v: Value| row.values.insert(k.to_owned(), v);
            put("name", Value::Text("M".into()));
            put("birth", birth);
            put("sex", sex);
            put("relationship", Value::Choice(if head { "head" } else { "child" }.into()));
            put("health_insurance", Value::Bool(flags[0]));
            put("in_school", Value::Bool(flags[1]));
            put("monthly_social_allowance", Value::Bool(flags[2]));
            put("malnourished", Value::Bool(flags[3]));
            put("education", education);
            put("employment", employment);
            put("disability", disability);
            row
        })
}

prop_compose! {
    fn household()(
        area in choice(&["rural", "urban"]),
        income in 0i64..15_000_000,
        parts in proptest::array::uniform3(choice(&["durable", "non_durable"])),
        floor in 4.0f64..200.0,
        water in choice(WATER),
        latrine in choice(LATRINE),
        internet in any::<bool>(),
        devices in proptest::sample::subsequence(DEVICES, 0..=DEVICES.len()),
        extras in (choice(&["gas", "wood", "electricity", "dung"]), any::<bool>(), 0i64..3, any::<bool>(),
                   choice(&["collected", "burned", "dumped"])),
        head in member(true),
        others in proptest::collection::vec(member(false), 0..8),
    ) -> Answers {
        let mut a = Answers::default();
        a.set("area", area);
        a.set("income_monthly_vnd", Value::Int(income));
        for (part, v) in ["house.walls", "house.frame", "house.roof"].into_iter().zip(parts) {
            a.set(part, v);
        }
        a.set("floor_area_m2", Value::Decimal(Decimal::from_f64(floor).unwrap()));
        a.set("water_source", water);
        a.set("latrine", latrine);
        a.set("internet_use", Value::Bool(internet));
        a.set("info_devices", Value::Choices(devices.into_iter().map(str::to_owned).collect()));
        a.set("cooking_fuel", extras.0);
        a.set("electricity", Value::Bool(extras.1));
        a.set("child_deaths_5y", Value::Int(extras.2));
        a.set("untreated_illness", Value::Bool(extras.3));
        a.set("waste_treatment", extras.4);
        a.members.push(head);
        a.members.extend(others);
        a
    }
}

/// Changes that can only add deprivations, never remove one.
fn worsen(a: &mut Answers, which: usize, row: usize) {
    let row = row % a.members.len();
    let member = |a: &mut Answers, k: &str, v: Value| {
        a.members[row].values.insert(k.to_owned(), v);
    };
    match which % 16 {
        0 => a.set("water_source", Value::Choice("surface_water".into())),
        1 => a.set("latrine", Value::Choice("none".into())),
        2 => a.set("internet_use", Value::Bool(false)),
        3 => a.set("info_devices", Value::Choices(vec![])),
        4 => a.set("house.walls", Value::Choice("non_durable".into())),
        5 => a.set("house.roof", Value::Choice("non_durable".into())),
        6 => a.set("floor_area_m2", Value::Decimal(Decimal::from_milli(1000).unwrap())),
        7 => member(a, "health_insurance", Value::Bool(false)),
        8 => member(a, "employment", Value::Choice("unemployed_seeking".into())),
        9 => member(a, "malnourished", Value::Bool(true)),
        10 => member(a, "in_school", Value::Bool(false)),
        11 => member(a, "education", Value::Choice("none".into())),
        12 => member(a, "disability", Value::Choice("especially_severe".into())),
        13 => a.set("electricity", Value::Bool(false)),
        14 => a.set("waste_treatment", Value::Choice("dumped".into())),
        _ => a.set("child_deaths_5y", Value::Int(1)),
    }
}

fn score_all(a: &Answers) -> Vec<ScoreResult> {
    standards().iter().map(|s| s.score(a, date()).unwrap()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn adding_a_deprivation_never_makes_a_household_less_poor(
        a in household(), which in 0usize..16, row in 0usize..8,
    ) {
        let before = score_all(&a);
        let mut worse = a.clone();
        worsen(&mut worse, which, row);
        for (b, w) in before.iter().zip(score_all(&worse)) {
            prop_assert!(w.deprivation_count >= b.deprivation_count, "{}", b.standard.id);
            prop_assert!(w.category <= b.category, "{}: {:?} -> {:?}", b.standard.id, b.category, w.category);
        }
    }

    #[test]
    fn raising_income_never_makes_a_household_poorer(a in household(), raise in 1i64..5_000_000) {
        let Some(Value::Int(income)) = a.get("income_monthly_vnd").cloned() else { unreachable!() };
        let mut richer = a.clone();
        richer.set("income_monthly_vnd", Value::Int(income + raise));
        for (b, r) in score_all(&a).iter().zip(score_all(&richer)) {
            prop_assert!(r.category >= b.category, "{}: {:?} -> {:?}", b.standard.id, b.category, r.category);
        }
    }

    #[test]
    fn the_same_answers_and_standard_always_give_the_same_result(a in household()) {
        let stored: Answers = postcard::from_bytes(&postcard::to_allocvec(&a).unwrap()).unwrap();
        let first = score_all(&a);
        prop_assert_eq!(&first, &score_all(&stored));
        for r in &first {
            let bytes = postcard::to_allocvec(r).unwrap();
            prop_assert_eq!(r, &postcard::from_bytes::<ScoreResult>(&bytes).unwrap());
        }
    }

    #[test]
    fn interchange_json_round_trips(a in household()) {
        let json = form().to_interchange_json(&a).unwrap();
        prop_assert_eq!(form().parse_interchange(&json).unwrap(), a);
    }

    #[test]
    fn scoring_never_panics_on_answers_the_validator_accepts(
        a in household(),
        holes in proptest::collection::vec((0usize..40, 0usize..8), 0..4),
    ) {
        let mut a = a;
        // Punch holes: drop a few answers, as a careless client might.
        for (field, row) in holes {
            let keys: Vec<String> = a.household.keys().cloned().collect();
            if field < keys.len() {
                a.household.remove(&keys[field]);
            } else if let Some(r) = a.members.get_mut(row % 8) {
                let keys: Vec<String> = r.values.keys().cloned().collect();
                if let Some(k) = keys.get(field % keys.len().max(1)) {
                    r.values.remove(k);
                }
            }
        }
        let accepted = !form().validate(&a, date()).iter().any(|p| p.blocks());
        for s in standards() {
            let result = s.score(&a, date());
            if accepted {
                prop_assert!(result.is_ok(), "{}: {:?}", s.id, result);
            }
        }
    }
}
