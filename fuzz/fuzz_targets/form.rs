//! Fuzz target: the questionnaire loader, `Form::from_json`, which parses the
//! definition and compiles every relevance, constraint and calculation.
//!
//! Asserts: nothing panics; a form that loads, written back as JSON from its
//! public parts, loads to an equal form (definition and compiled rules);
//! validating, reading interchange answers against it and writing them
//! back never panic, and answers it reads are written back to JSON that it
//! reads to the same answers.
#![no_main]

use hearth_core::form::{Answers, Form};
use hearth_fuzz::{SAMPLE_ANSWERS, dates, sample_answers};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let Ok(form) = Form::from_json(src) else { return };

    let doc = json!({
        "id": form.id,
        "version": form.version,
        "title": form.title,
        "messages": form.messages,
        "sections": form.sections,
    });
    let again = Form::from_json(&doc.to_string()).expect("a loaded form written back loads again");
    assert!(again == form, "a loaded form written back loads to another form");

    for answers in sample_answers() {
        for date in dates() {
            let _ = form.validate(answers, date);
        }
    }
    for src in [SAMPLE_ANSWERS, "{}"] {
        if let Ok(answers) = form.parse_interchange(src) {
            round_trip(&form, &answers);
        }
    }
});

fn round_trip(form: &Form, answers: &Answers) {
    let json = form.to_interchange_json(answers).expect("answers a form read are written back");
    let again = form.parse_interchange(&json).expect("answers written back are read again");
    assert!(again == *answers, "answers written back read as other answers");
}
