//! Fuzz target: the unit CSV loaders — `UnitRegistry::load_units_csv` and
//! `load_reorganisation_csv`, chosen by the header as the store does — into
//! a registry that already holds the Xín Mần reorganisation.
//!
//! Asserts: nothing panics; loading is all or nothing (an error leaves the
//! registry as it was); a load adds one unit per data row at most; the units
//! loaded, written back as a units CSV (every field quoted), load into an
//! empty registry as the same units; date queries over what loaded never
//! panic or loop.
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use hearth_core::units::{Unit, UnitRegistry};
use libfuzzer_sys::fuzz_target;

const XIN_MAN: &str = include_str!("../../core/testdata/units-xin-man.csv");

fn base() -> &'static UnitRegistry {
    static BASE: OnceLock<UnitRegistry> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut r = UnitRegistry::new();
        r.load_reorganisation_csv(XIN_MAN).expect("the Xín Mần map loads");
        r
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(csv) = std::str::from_utf8(data) else { return };
    let before = base();
    let mut r = before.clone();
    // The store's dispatch: a reorganisation map has its own header.
    let first = csv.trim_start_matches('\u{feff}').lines().next().unwrap_or_default();
    let loaded =
        if first.starts_with("new_code,") { r.load_reorganisation_csv(csv) } else { r.load_units_csv(csv) };
    match loaded {
        Err(_) => {
            assert_eq!(r.units(), before.units(), "a failed load changed the units");
            assert_eq!(r.successions(), before.successions(), "a failed load changed the successions");
        }
        Ok(_) => {
            assert!(r.units().starts_with(before.units()), "a load lost or reordered units");
            assert!(r.successions().starts_with(before.successions()), "a load lost successions");
            let added = &r.units()[before.units().len()..];
            round_trip(added);
            queries(&r);
        }
    }
});

fn round_trip(units: &[Unit]) {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let mut csv = String::from("code,name,level,parent_code,valid_from,valid_to\n");
    for u in units {
        let fields = [
            quote(&u.code),
            quote(&u.name),
            quote(u.level.as_str()),
            quote(u.parent.as_deref().unwrap_or("")),
            quote(&date(u.valid_from)),
            quote(&date(u.valid_to)),
        ];
        csv.push_str(&fields.join(","));
        csv.push_str("\r\n");
    }
    let mut r = UnitRegistry::new();
    r.load_units_csv(&csv).expect("units written back load again");
    assert_eq!(r.units(), units, "units written back load as other units");
}

fn queries(r: &UnitRegistry) {
    let dates = [
        NaiveDate::from_ymd_opt(2025, 6, 30).expect("a date"),
        NaiveDate::from_ymd_opt(2025, 7, 1).expect("a date"),
        NaiveDate::MIN,
        NaiveDate::MAX,
    ];
    for u in r.units().iter().take(16) {
        for &d in &dates {
            let _ = r.on(&u.code, d);
            let _ = r.successor(&u.code, d);
            if let Some(parent) = &u.parent {
                let _ = r.is_within(&u.code, parent, d);
            }
        }
    }
}
