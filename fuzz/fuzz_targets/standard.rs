//! Fuzz target: the scoring loaders — `Standard::from_json` (a poverty
//! standard: lines, classification, parameters, indicator rules compiled
//! against the built-in questionnaire) and `Card::from_json` (a B1 score
//! card) — then scoring sample households with what loads.
//!
//! Asserts: nothing panics; a loaded standard's weights are positive, one
//! per indicator and sum to 1; a loaded standard or card, written back as
//! JSON from its public parts, loads to the same thing; scoring is total
//! over sample answers and dates, and its counts, score and rows fit the
//! standard.
#![no_main]

use std::sync::OnceLock;

use hearth_core::scoring::{Card, Standard, score_with_card};
use hearth_fuzz::{dates, household_form, sample_answers};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let form = household_form();
    if let Ok(standard) = Standard::from_json(src, form) {
        check_standard(&standard);
    }
    if let Ok(card) = Card::from_json(src, form) {
        check_card(&card);
    }
});

fn check_standard(s: &Standard) {
    let w = s.weights();
    assert_eq!(w.len(), s.indicators.len(), "one weight per indicator");
    assert!(w.iter().all(|x| x.is_finite() && *x > 0.0), "a weight is not positive");
    assert!((w.iter().sum::<f64>() - 1.0).abs() <= 1e-9, "weights do not sum to 1");

    let doc = json!({
        "id": s.id, "version": s.version, "title": s.title, "legal_basis": s.legal_basis,
        "valid_from": s.valid_from, "valid_to": s.valid_to, "lines": s.lines,
        "classification": s.classification, "b2_points_per_deprivation": s.b2_points_per_deprivation,
        "params": s.params, "indicators": s.indicators, "supports": s.supports,
    });
    let again = Standard::from_json(&doc.to_string(), household_form())
        .expect("a loaded standard written back loads again");
    let same = again.id == s.id
        && again.version == s.version
        && again.title == s.title
        && again.legal_basis == s.legal_basis
        && again.valid_from == s.valid_from
        && again.valid_to == s.valid_to
        && again.lines == s.lines
        && again.classification == s.classification
        && again.b2_points_per_deprivation == s.b2_points_per_deprivation
        && again.params == s.params
        && again.indicators == s.indicators
        && again.supports == s.supports
        && again.weights() == s.weights();
    assert!(same, "a loaded standard written back loads to another standard");

    for answers in sample_answers() {
        for date in dates() {
            let Ok(result) = s.score(answers, date) else { continue };
            assert_eq!(result.indicators.len(), s.indicators.len(), "a result per indicator");
            let deprived = result.indicators.iter().filter(|i| i.deprived).count();
            assert_eq!(
                result.deprivation_count as usize, deprived,
                "the count is not the deprived indicators"
            );
            assert!(
                (-1e-9..=1.0 + 1e-9).contains(&result.deprivation_score),
                "the deprivation score leaves 0..=1"
            );
            for i in &result.indicators {
                assert!(i.rows.iter().all(|&r| r < answers.members.len()), "a row that does not exist");
                assert!(i.deprived || i.rows.is_empty(), "rows named for an indicator not deprived");
            }
        }
    }
}

fn check_card(c: &Card) {
    let doc = json!({
        "id": c.id, "version": c.version, "title": c.title, "sample": c.sample, "notice": c.notice,
        "source": c.source, "confidence": c.confidence, "tables": c.tables, "items": c.items,
        "rural": c.rural, "urban": c.urban,
    });
    let again =
        Card::from_json(&doc.to_string(), household_form()).expect("a loaded card written back loads");
    let same = again.id == c.id
        && again.version == c.version
        && again.title == c.title
        && again.sample == c.sample
        && again.notice == c.notice
        && again.source == c.source
        && again.confidence == c.confidence
        && again.tables == c.tables
        && again.items == c.items
        && again.rural == c.rural
        && again.urban == c.urban;
    assert!(same, "a loaded card written back loads to another card");

    static STANDARD: OnceLock<Standard> = OnceLock::new();
    let standard =
        STANDARD.get_or_init(|| Standard::builtin("vn-2022").expect("the built-in standard loads"));
    for answers in sample_answers() {
        for date in dates() {
            let _ = c.b1(answers, date);
            let _ = score_with_card(standard, c, answers, date);
        }
    }
}
