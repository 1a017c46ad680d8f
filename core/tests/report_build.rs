//! The pure report over hand-made classifications: official rates on the Chí
//! Cà figures, Alkire–Foster on a hand-computed example, and a 2024 cycle
//! under the old communes compared with a 2026 cycle under merged Xín Mần.

use chrono::NaiveDate;
use hearth_core::report::{Counts, CycleEntries, Standing, UnitReport};
use hearth_core::scoring::Category::{self, *};
use hearth_core::scoring::{Standard, StandardRef};
use hearth_core::units::{Succession, UnitRegistry};
use hearth_core::workflow::{Classification, ListEntry, Movement};
use uuid::Uuid;

const XIN_MAN: &str = include_str!("../testdata/units-xin-man.csv");
/// Villages before the reorganisation (under the old communes, until
/// 2025-07-01) and after it.
const VILLAGES: &str = "code,name,level,parent_code,valid_from,valid_to\n\
    01105-01,Thôn Chí Cà,village,01105,,2025-07-01\n\
    01105-02,Thôn Lủng Phìn,village,01105,,2025-07-01\n\
    01099-01,Thôn Nàn Xỉn,village,01099,,2025-07-01\n\
    01108-01,Thôn Nà Pó,village,01108,,2025-07-01\n\
    01096-01,Thôn Cốc Pài,village,01096,,2025-07-01\n\
    01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n\
    01108-07,Thôn Chí Cà,village,01108,2025-07-01,\n\
    01108-08,Thôn Nàn Xỉn,village,01108,2025-07-01,\n\
    01096-02,Thôn Pà Vầy Sủ,village,01096,2025-07-01,\n";
/// Villages the map follows; 01105-02 and 01096-01 are left to their communes.
const VILLAGE_MAP: [(&str, &str); 3] =
    [("01105-01", "01108-07"), ("01099-01", "01108-08"), ("01108-01", "01108-01")];

fn registry() -> UnitRegistry {
    let mut r = UnitRegistry::new();
    r.load_reorganisation_csv(XIN_MAN).unwrap();
    r.load_units_csv(VILLAGES).unwrap();
    for (old, new) in VILLAGE_MAP {
        r.add_succession(Succession {
            old_code: old.into(),
            new_code: new.into(),
            effective: day(2025, 7, 1),
        });
    }
    r
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn entry(id: u128, village: &str, category: Category, standard: &str, deprived: &[&str]) -> ListEntry {
    let s = Standard::builtin(standard).unwrap();
    ListEntry {
        household_id: Uuid::from_u128(id),
        village: village.into(),
        classification: Classification {
            category,
            income_per_capita: None,
            b1: None,
            b2: 10 * deprived.len() as u32,
            deprived: deprived.iter().map(|d| d.to_string()).collect(),
            standard: StandardRef { id: s.id, version: s.version },
            interview_id: None,
            approved_by: None,
            carried_over: false,
            members: 4,
            head_sex: None,
            head_ethnicity: None,
        },
        previous: None,
        movement: Movement::between(None, category),
    }
}

fn report(
    now: &CycleEntries<'_>,
    before: Option<&CycleEntries<'_>>,
    standard: &str,
    unit: &str,
) -> UnitReport {
    UnitReport::build(now, before, &Standard::builtin(standard).unwrap(), &registry(), unit).unwrap()
}

#[test]
fn chi_ca_604_households_341_poor_115_near_poor_are_56_46_19_04_and_75_50_percent() {
    let entries: Vec<ListEntry> = (0..604)
        .map(|i| {
            let category = match i {
                0..341 => Poor,
                341..456 => NearPoor,
                _ => NotPoor,
            };
            entry(i, if i % 2 == 0 { "01105-01" } else { "01105-02" }, category, "vn-2016", &[])
        })
        .collect();
    let r = report(
        &CycleEntries { year: 2018, date: day(2018, 10, 1), entries: &entries },
        None,
        "vn-2016",
        "01105",
    );
    assert_eq!(
        (r.total.name.as_str(), r.total.now),
        ("Xã Chí Cà", Counts { households: 604, poor: 341, near_poor: 115 })
    );
    let printed = |p: Option<hearth_core::report::Percent>| p.unwrap().to_string();
    assert_eq!(printed(r.total.now.poor_rate()), "56.46");
    assert_eq!(printed(r.total.now.near_poor_rate()), "19.04");
    assert_eq!(printed(r.total.now.combined_rate()), "75.50");
    assert_eq!(r.rows.iter().map(|f| f.now.households).sum::<u32>(), 604);
}

#[test]
fn alkire_foster_h_a_m0_match_a_hand_computed_example() {
    // vn-2022: 12 equal weights, k = 3/12. Deprivation scores 3/12, 5/12,
    // 1/12, 0: two poor of four, H = 1/2, A = (3/12 + 5/12)/2 = 1/3, M0 = 1/6.
    let entries = [
        entry(1, "01108-01", Poor, "vn-2022", &["water", "latrine", "telecom"]),
        entry(
            2,
            "01108-01",
            Poor,
            "vn-2022",
            &["housing_quality", "floor_area", "water", "latrine", "telecom"],
        ),
        entry(3, "01108-07", NearPoor, "vn-2022", &["water"]),
        entry(4, "01108-07", NotPoor, "vn-2022", &[]),
        // Carried over from an older standard: in the rates, not in AF.
        entry(5, "01108-07", NotPoor, "vn-2016", &["water", "latrine", "telecom"]),
    ];
    let r = report(
        &CycleEntries { year: 2026, date: day(2026, 10, 1), entries: &entries },
        None,
        "vn-2022",
        "01108",
    );
    let af = &r.total.af;
    assert!((af.k - 0.25).abs() < 1e-12);
    assert_eq!((af.n, af.q), (4, 2));
    assert!((af.h - 0.5).abs() < 1e-12);
    assert!((af.a - 1.0 / 3.0).abs() < 1e-12);
    assert!((af.m0 - 1.0 / 6.0).abs() < 1e-12);
    let water = r.indicators.iter().position(|i| i.id == "water").unwrap();
    assert_eq!((af.indicators[water].uncensored, af.indicators[water].censored), (3, 2));
    assert_eq!((r.total.deprivations[water].households, r.total.deprivations[water].poor), (3, 2));
    assert_eq!((r.total.now.households, r.total.other_standard), (5, 1));
    // Per village: 01108-07 has nobody poor by AF.
    let v07 = r.rows.iter().find(|f| f.code == "01108-07").unwrap();
    assert_eq!((v07.af.n, v07.af.q, v07.af.m0), (2, 0, 0.0));
}

/// One household over the two cycles: (id, 2024 village and category, 2026
/// village and category); `None` = not classified that year.
type History = (u128, Option<(&'static str, Category)>, Option<(&'static str, Category)>);

const HISTORY: [History; 12] = [
    (1, Some(("01105-01", Poor)), Some(("01108-07", Poor))),
    (2, Some(("01105-01", Poor)), Some(("01108-07", NearPoor))),
    (3, Some(("01105-01", NearPoor)), Some(("01108-07", NotPoor))),
    (4, Some(("01105-02", Poor)), Some(("01108-01", Poor))), // village left to its commune
    (5, Some(("01099-01", NearPoor)), Some(("01108-08", Poor))),
    (6, Some(("01099-01", AverageLiving)), Some(("01108-08", AverageLiving))),
    (7, Some(("01099-01", Poor)), None),     // not classified in 2026
    (8, None, Some(("01108-01", NearPoor))), // a new household
    (9, Some(("01096-01", Poor)), Some(("01096-02", Poor))), // Cốc Pài → Pà Vầy Sủ: elsewhere
    (10, Some(("01096-01", NearPoor)), Some(("01108-01", NearPoor))), // moved in
    (11, Some(("01108-01", NotPoor)), Some(("01108-01", Poor))), // the old Nà Pó, mapped
    (12, Some(("01105-02", NotPoor)), Some(("01096-02", NotPoor))), // moved out
];

/// The test's own reading of the map: a 2024 village's 2026 commune and
/// village row (if the village itself was followed).
const PLACE_2024: [(&str, &str, Option<&str>); 5] = [
    ("01105-01", "01108", Some("01108-07")),
    ("01105-02", "01108", None),
    ("01099-01", "01108", Some("01108-08")),
    ("01108-01", "01108", Some("01108-01")),
    ("01096-01", "01096", None),
];

fn lies_in_2024(village: &str, unit: &str) -> bool {
    PLACE_2024.iter().any(|(v, commune, row)| *v == village && (*commune == unit || *row == Some(unit)))
}

fn lies_in_2026(village: &str, unit: &str) -> bool {
    village == unit || village.starts_with(&format!("{unit}-"))
}

fn cycles() -> (Vec<ListEntry>, Vec<ListEntry>) {
    let year = |pick: fn(&History) -> Option<(&'static str, Category)>| {
        HISTORY.iter().filter_map(|h| pick(h).map(|(v, c)| entry(h.0, v, c, "vn-2022", &[]))).collect()
    };
    (year(|h| h.1), year(|h| h.2))
}

#[test]
fn a_2024_cycle_under_old_communes_compares_with_2026_under_merged_xin_man() {
    let (old, new) = cycles();
    let before = CycleEntries { year: 2024, date: day(2024, 10, 1), entries: &old };
    let now = CycleEntries { year: 2026, date: day(2026, 10, 1), entries: &new };
    let reg = registry();
    assert_eq!(reg.successor("01105", day(2026, 10, 1)), "01108");
    assert_eq!(reg.successor("01099", day(2026, 10, 1)), "01108");

    for unit in ["01108", "01108-01", "01108-07", "01108-08", "01096", "01096-02"] {
        let r = report(&now, Some(&before), "vn-2022", unit);
        let f = std::iter::once(&r.total).chain(&r.rows).find(|f| f.code == unit).unwrap();
        let count = |pairs: Vec<Category>| {
            let mut c = Counts::default();
            for cat in pairs {
                c.households += 1;
                c.poor += u32::from(cat == Poor);
                c.near_poor += u32::from(cat == NearPoor);
            }
            c
        };
        let then: Vec<Category> = HISTORY
            .iter()
            .filter_map(|h| h.1)
            .filter(|(v, _)| lies_in_2024(v, unit))
            .map(|(_, c)| c)
            .collect();
        let today: Vec<Category> = HISTORY
            .iter()
            .filter_map(|h| h.2)
            .filter(|(v, _)| lies_in_2026(v, unit))
            .map(|(_, c)| c)
            .collect();
        assert_eq!(f.now, count(today), "{unit} in 2026");
        assert_eq!(f.before, Some(count(then)), "{unit} in 2024");
        let t = f.transitions.unwrap();
        for (id, was, is) in HISTORY {
            let from: Standing = was.filter(|(v, _)| lies_in_2024(v, unit)).map(|(_, c)| c);
            let to: Standing = is.filter(|(v, _)| lies_in_2026(v, unit)).map(|(_, c)| c);
            if from.is_some() || to.is_some() {
                assert!(t.get(from, to) > 0, "{unit}: household {id} {from:?} → {to:?}");
            }
        }
        let in_matrix = HISTORY
            .iter()
            .filter(|(_, was, is)| {
                was.is_some_and(|(v, _)| lies_in_2024(v, unit))
                    || is.is_some_and(|(v, _)| lies_in_2026(v, unit))
            })
            .count();
        assert_eq!(t.total() as usize, in_matrix, "{unit}");
    }

    // The merged commune, as its table prints: 4 of 9 poor both years, near-poor 2 → 3.
    let r = report(&now, Some(&before), "vn-2022", "01108");
    let rates =
        |c: Counts| [c.poor_rate(), c.near_poor_rate(), c.combined_rate()].map(|p| p.unwrap().to_string());
    assert_eq!(rates(r.total.now), ["44.44", "33.33", "77.78"]);
    assert_eq!(rates(r.total.before.unwrap()), ["44.44", "22.22", "66.67"]);
    let change = r.total.change().unwrap();
    assert_eq!(
        [change.poor, change.near_poor, change.combined].map(|p| p.to_string()),
        ["0.00", "11.11", "11.11"]
    );
    let chi_ca = r.rows.iter().find(|f| f.code == "01108-07").unwrap();
    assert_eq!(chi_ca.change().unwrap().poor.to_string(), "-33.34", "33.33 less 66.67, as printed");
    let t = r.total.transitions.unwrap();
    assert_eq!(
        (t.get(Some(Poor), Some(Poor)), t.get(Some(Poor), None), t.get(None, Some(NearPoor))),
        (2, 1, 2)
    );

    // The province holds both communes that received these households.
    let p = report(&now, Some(&before), "vn-2022", "08");
    assert_eq!(p.total.now.households, 11);
    assert_eq!(p.rows.iter().map(|f| f.now.households).sum::<u32>(), 11);
    assert_eq!(p.rows.len(), 6, "the six communes that were Xín Mần district");
}

#[test]
fn a_2024_report_reads_the_old_commune_as_it_was() {
    let (old, _) = cycles();
    let r =
        report(&CycleEntries { year: 2024, date: day(2024, 10, 1), entries: &old }, None, "vn-2022", "01105");
    assert_eq!(r.rows.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), ["01105-01", "01105-02"]);
    assert_eq!(r.total.now, Counts { households: 5, poor: 3, near_poor: 1 });
    // The old Xín Mần commune under the code the merged one kept.
    let x =
        report(&CycleEntries { year: 2024, date: day(2024, 10, 1), entries: &old }, None, "vn-2022", "01108");
    assert_eq!(x.total.now.households, 1);
}

#[test]
fn households_outside_the_unit_and_unknown_villages_are_not_counted() {
    let entries = [
        entry(1, "01108-01", Poor, "vn-2022", &[]),
        entry(2, "01096-02", Poor, "vn-2022", &[]),
        entry(3, "01108-99", Poor, "vn-2022", &[]), // not in the registry
        entry(4, "0110801", Poor, "vn-2022", &[]),
    ];
    let r = report(
        &CycleEntries { year: 2026, date: day(2026, 10, 1), entries: &entries },
        None,
        "vn-2022",
        "01108",
    );
    assert_eq!(r.total.now, Counts { households: 1, poor: 1, near_poor: 0 });
    let unknown = UnitReport::build(
        &CycleEntries { year: 2026, date: day(2026, 10, 1), entries: &entries },
        None,
        &Standard::builtin("vn-2022").unwrap(),
        &registry(),
        "01105",
    );
    assert!(matches!(unknown, Err(hearth_core::Error::NotFound { .. })), "01105 closed in 2025");
}
