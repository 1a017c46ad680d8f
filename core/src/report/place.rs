//! Where a unit recorded on one date lies on a later date.
//!
//! A classification keeps the village code it was made under. After a
//! reorganisation that code may have closed: the village is then followed
//! through the reorganisation map, and where the map says nothing about the
//! village itself, through its parent as it stood on the old date (a village
//! of Chí Cà 01105 in 2024 lies in Xín Mần 01108 in 2026). The answer is the
//! smallest unit valid on the later date that the old unit became part of.

use chrono::NaiveDate;

use crate::units::{Unit, UnitRegistry};

/// The successions and parents are a handful deep; the bound guards against a
/// cycle in a malformed map.
const DEPTH: usize = 8;

/// The code, valid on `to`, of the smallest unit that `code` (as recorded on
/// `from`) lies in; `None` when the registry cannot place it.
pub fn place(registry: &UnitRegistry, code: &str, from: NaiveDate, to: NaiveDate) -> Option<String> {
    let mut code = code.to_owned();
    let mut day = from;
    for _ in 0..DEPTH {
        let (version, seen) = version_on(registry, &code, day)?;
        if version.valid_on(to) {
            return Some(code);
        }
        if let Some(next) = forward(registry, &code, seen, to).filter(|c| registry.on(c, to).is_some()) {
            return Some(next);
        }
        code = version.parent.clone()?;
        day = seen;
    }
    None
}

/// The codes of the unit `code` and of every unit above it, on `date`,
/// smallest first.
pub fn ancestry(registry: &UnitRegistry, code: &str, date: NaiveDate) -> Vec<String> {
    let mut chain = Vec::new();
    let mut next = Some(code.to_owned());
    while let Some(code) = next.take() {
        if chain.len() == DEPTH {
            break;
        }
        let Some(unit) = registry.on(&code, date) else { break };
        next = unit.parent.clone();
        chain.push(code);
    }
    chain
}

/// The version of `code` valid on `day`; failing that, the latest one that
/// closed by then, with its last valid day.
fn version_on<'r>(registry: &'r UnitRegistry, code: &str, day: NaiveDate) -> Option<(&'r Unit, NaiveDate)> {
    if let Some(unit) = registry.on(code, day) {
        return Some((unit, day));
    }
    registry
        .units()
        .iter()
        .filter(|u| u.code == code)
        .filter_map(|u| u.valid_to.filter(|t| *t <= day).and_then(|t| Some((u, t.pred_opt()?))))
        .max_by_key(|(_, last)| *last)
}

/// Follows the successions of `code` that took effect after `after`, up to
/// `to`; `None` when none did. Unlike [`UnitRegistry::successor`] it ignores
/// successions older than the record, which matters when a code was closed
/// and later reused.
fn forward(registry: &UnitRegistry, code: &str, after: NaiveDate, to: NaiveDate) -> Option<String> {
    let mut current = None::<String>;
    let mut since = after;
    for _ in 0..DEPTH {
        let next = registry
            .successions()
            .iter()
            .filter(|s| s.old_code == current.as_deref().unwrap_or(code))
            .filter(|s| since < s.effective && s.effective <= to)
            .min_by_key(|s| s.effective);
        match next {
            Some(s) => {
                since = s.effective;
                current = Some(s.new_code.clone());
            }
            None => break,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    const XIN_MAN: &str = include_str!("../../testdata/units-xin-man.csv");
    const VILLAGES: &str = "code,name,level,parent_code,valid_from,valid_to\n\
        01105-01,Thôn Chí Cà,village,01105,,2025-07-01\n\
        01099-01,Thôn Nàn Xỉn,village,01099,,2025-07-01\n\
        01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n\
        01108-07,Thôn Chí Cà,village,01108,2025-07-01,\n\
        01096-01,Thôn Cốc Pài,village,01096,,2025-07-01\n";

    fn registry() -> UnitRegistry {
        let mut r = UnitRegistry::new();
        r.load_reorganisation_csv(XIN_MAN).unwrap();
        r.load_units_csv(VILLAGES).unwrap();
        r.add_succession(crate::units::Succession {
            old_code: "01105-01".into(),
            new_code: "01108-07".into(),
            effective: day(2025, 7, 1),
        });
        r
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn units_follow_the_map_or_their_old_parent() {
        let r = registry();
        let (old, new) = (day(2024, 10, 1), day(2026, 10, 1));
        let cases = [
            ("01105-01", Some("01108-07")), // mapped village to village
            ("01099-01", Some("01108")),    // unmapped: through Nàn Xỉn 01099 → 01108
            ("01105", Some("01108")),
            ("01108", Some("01108")),    // the old Xín Mần commune kept its code
            ("01096-01", Some("01096")), // Cốc Pài township → Pà Vầy Sủ, code reused
            ("033", None),               // the district closed and nothing succeeded it
            ("99999", None),
        ];
        for (code, want) in cases {
            assert_eq!(place(&r, code, old, new).as_deref(), want, "{code}");
        }
        assert_eq!(place(&r, "01108-01", new, new).as_deref(), Some("01108-01"));
        // A code recorded after its unit closed is read as the unit it last named.
        assert_eq!(place(&r, "01099-01", day(2025, 9, 1), new).as_deref(), Some("01108"));
    }

    #[test]
    fn ancestry_climbs_to_the_province_on_the_date() {
        let r = registry();
        assert_eq!(ancestry(&r, "01108-07", day(2026, 1, 1)), ["01108-07", "01108", "08"]);
        assert_eq!(ancestry(&r, "01105-01", day(2024, 1, 1)), ["01105-01", "01105", "033", "02"]);
        assert!(ancestry(&r, "01105-01", day(2026, 1, 1)).is_empty());
    }
}
