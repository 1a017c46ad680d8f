//! Fuzz target: the expression language — `check_syntax` (lexer and parser
//! alone) and `Form::expression` (parse, resolve names against the built-in
//! questionnaire, type-check) — then evaluation over sample answers.
//!
//! Asserts: nothing panics (including on the 512 KiB stack `fuzz/run` gives);
//! a syntax error is the same error from both entry points, and an
//! expression that compiles has valid syntax; error columns point inside the
//! source or just past it; evaluation is total and deterministic, and
//! `test_with_rows` names only real roster rows, in order, and only when the
//! rule holds.
#![no_main]

use hearth_core::form::Scope;
use hearth_core::form::expr::check_syntax;
use hearth_fuzz::{dates, household_form, sample_answers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let syntax = check_syntax(src);
    let compiled = household_form().expression(src);
    let columns = src.chars().count() + 1;
    for err in [syntax.err(), compiled.as_ref().err().copied()].into_iter().flatten() {
        assert!(
            (1..=columns.max(1)).contains(&err.column),
            "error column {} outside 1..={columns}",
            err.column
        );
    }
    match (&syntax, &compiled) {
        (Err(s), Err(c)) => assert_eq!(s, c, "a syntax error differs between the two entry points"),
        (Err(_), Ok(_)) => panic!("an expression with a syntax error compiles"),
        _ => {}
    }
    let Ok(expr) = compiled else { return };
    for answers in sample_answers() {
        for reference_date in dates() {
            for row in [None, Some(0), Some(1), Some(7)] {
                let scope = Scope { answers, row, reference_date };
                let test = expr.test(scope);
                assert_eq!(test, expr.test(scope), "evaluation is not deterministic");
                let _ = expr.number(scope);
                let (verdict, rows) = expr.test_with_rows(scope);
                assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows out of order");
                assert!(rows.iter().all(|&r| r < answers.members.len()), "a row that does not exist");
                assert!(rows.is_empty() || verdict == Some(true), "rows named for a rule that does not hold");
                assert_eq!(verdict, test, "test_with_rows and test disagree");
            }
        }
    }
});
