//! Scoring throughput: households scored per second on one core, and the cost
//! of reading and validating a full interview, each beside the baseline of
//! parsing the same answers with serde_json into an untyped value.
//!
//! `cargo bench -p hearth-core --bench scoring`

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hearth_core::form::{Answers, Form};
use hearth_core::scoring::Standard;
use serde_json::{Value, json};

fn member(i: usize) -> Value {
    let (birth, relationship) = match i {
        0 => ("1980-04-12".to_owned(), "head"),
        1 => ("1983-09-01".to_owned(), "spouse"),
        _ => (format!("{}-0{}-15", 1950 + (i * 7) % 74, 1 + i % 9), "other"),
    };
    let education = ["primary", "lower_secondary", "upper_secondary"][i % 3];
    let employment = ["farming", "wage_without_contract", "not_working"][i % 3];
    json!({
        "name": "Thành viên", "sex": if i.is_multiple_of(2) { "male" } else { "female" }, "birth": birth,
        "relationship": relationship, "health_insurance": i % 5 != 3, "in_school": i.is_multiple_of(3),
        "education": education, "employment": employment,
        "disability": "none", "monthly_social_allowance": false, "malnourished": i % 11 == 4
    })
}

fn household(members: usize) -> String {
    json!({
        "reference_date": "2025-10-01", "area": "rural", "region": "northern_midlands_mountains",
        "income_monthly_vnd": 1_400_000 * members as i64,
        "house": { "walls": "non_durable", "frame": "durable", "roof": "non_durable" },
        "floor_area_m2": 36, "water_source": "protected_spring", "latrine": "simple_pit",
        "internet_use": false, "info_devices": ["radio"],
        "members": (0..members).map(member).collect::<Vec<_>>()
    })
    .to_string()
}

fn bench(c: &mut Criterion) {
    let date = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
    let form = Form::builtin_household().unwrap();
    let vn2022 = Standard::builtin("vn-2022").unwrap();
    let all: Vec<Standard> = Standard::builtin_ids().map(|id| Standard::builtin(id).unwrap()).collect();
    for members in [4, 40] {
        let src = household(members);
        let answers = Answers::from_interchange_json(&src).unwrap();
        assert!(form.validate(&answers, date).is_empty());
        let mut group = c.benchmark_group(format!("household_{members}_members"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("baseline_serde_json_value_parse", |b| {
            b.iter(|| serde_json::from_str::<Value>(black_box(&src)).unwrap())
        });
        group.bench_function("interchange_parse", |b| {
            b.iter(|| Answers::from_interchange_json(black_box(&src)).unwrap())
        });
        group.bench_function("validate", |b| b.iter(|| form.validate(black_box(&answers), date)));
        group.bench_function("score_vn2022", |b| b.iter(|| vn2022.score(black_box(&answers), date).unwrap()));
        group.bench_function("score_all_four_standards", |b| {
            b.iter(|| all.iter().map(|s| s.score(black_box(&answers), date).unwrap().b2).sum::<u32>())
        });
        group.bench_function("parse_validate_score_vn2022", |b| {
            b.iter(|| {
                let a = Answers::from_interchange_json(black_box(&src)).unwrap();
                let problems = form.validate(&a, date);
                (problems.len(), vn2022.score(&a, date).unwrap().category)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
