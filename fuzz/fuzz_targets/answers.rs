//! Fuzz target: the household answers interchange loader,
//! `Answers::from_interchange_json` (`docs/household-answers.md`), and what
//! reads its output: validation and scoring under every built-in standard
//! and the sample B1 card.
//!
//! Asserts: nothing panics; answers that load are written back by
//! `to_interchange_json` to JSON that loads as the same answers, and
//! survive the postcard encoding they are stored and synced in; error
//! messages never repeat a value from the document; validation and scoring
//! are total.
#![no_main]

use std::sync::OnceLock;

use hearth_core::form::{Answers, FormError};
use hearth_core::scoring::{Card, Standard, score_with_card};
use hearth_fuzz::{assert_postcard_round_trip, household_form, reference_date};
use libfuzzer_sys::fuzz_target;

fn standards() -> &'static [Standard] {
    static STANDARDS: OnceLock<Vec<Standard>> = OnceLock::new();
    STANDARDS.get_or_init(|| {
        Standard::builtin_ids().map(|id| Standard::builtin(id).expect("built-ins load")).collect()
    })
}

fn card() -> &'static Card {
    static CARD: OnceLock<Card> = OnceLock::new();
    CARD.get_or_init(|| Card::sample_b1().expect("the sample card loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let answers = match Answers::from_interchange_json(src) {
        Ok(a) => a,
        Err(e) => {
            check_error(&e);
            return;
        }
    };
    let form = household_form();
    let json = form.to_interchange_json(&answers).expect("loaded answers are written back");
    let again = Answers::from_interchange_json(&json).expect("answers written back load again");
    assert!(again == answers, "answers written back load as other answers");
    assert_postcard_round_trip(&answers, "answers");

    let date = answers.reference_date.unwrap_or_else(reference_date);
    let _ = form.validate(&answers, date);
    for standard in standards() {
        if let Ok(result) = standard.score(&answers, date) {
            assert_eq!(result.indicators.len(), standard.indicators.len());
        }
    }
    for standard in standards().iter().filter(|s| s.id == "vn-2022") {
        let _ = score_with_card(standard, card(), &answers, date);
    }
});

/// An error names a field path and a problem; a path segment that is not
/// shaped like an id is replaced, so no string value from the document shows.
fn check_error(e: &FormError) {
    let FormError::Field { field, .. } = e else { return };
    for seg in field.split('.') {
        let shaped = seg == "<unrecognised key>"
            || seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'[' | b']' | b'$'));
        assert!(shaped, "an error path segment is not shaped like an id");
    }
}
