use super::*;

const XIN_MAN: &str = include_str!("../../testdata/units-xin-man.csv");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn registry() -> UnitRegistry {
    let mut r = UnitRegistry::new();
    assert_eq!(r.load_reorganisation_csv(XIN_MAN).unwrap(), 18);
    r
}

#[test]
fn code_01096_names_coc_pai_before_the_merge_and_pa_vay_su_after() {
    let r = registry();
    let before = r.on("01096", d("2025-06-30")).unwrap();
    assert_eq!((before.name.as_str(), before.level), ("Thị trấn Cốc Pài", Level::Township));
    assert_eq!(before.parent.as_deref(), Some("033"));
    let after = r.on("01096", d("2025-07-01")).unwrap();
    assert_eq!((after.name.as_str(), after.level), ("Xã Pà Vầy Sủ", Level::Commune));
    assert_eq!(after.parent.as_deref(), Some("08"));
}

#[test]
fn chi_ca_maps_into_xa_xin_man_from_the_merge_date_only() {
    let r = registry();
    assert_eq!(r.successor("01105", d("2025-07-01")), "01108");
    assert_eq!(r.successor("01105", d("2025-06-30")), "01105");
    assert!(r.on("01105", d("2025-06-30")).is_some());
    assert!(r.on("01105", d("2025-07-01")).is_none());
    // 01108 kept its code: it succeeds itself.
    assert_eq!(r.successor("01108", d("2026-01-01")), "01108");
}

#[test]
fn inside_follows_the_parents_valid_on_the_date() {
    let r = registry();
    assert!(r.is_within("01105", "02", d("2024-09-01")));
    assert!(r.is_within("01105", "033", d("2024-09-01")));
    assert!(!r.is_within("01105", "08", d("2024-09-01")));
    assert!(r.is_within("01108", "08", d("2025-07-01")));
    assert!(!r.is_within("01108", "02", d("2025-07-01")));
    assert!(!r.is_within("01108", "033", d("2026-01-01")), "the district is gone");
    assert!(r.is_within("01108", "01108", d("2026-01-01")));
    assert!(!r.is_within("99999", "99999", d("2026-01-01")), "unknown units are inside nothing");
}

#[test]
fn villages_load_under_their_commune() {
    let mut r = registry();
    let csv = "code,name,level,parent_code,valid_from,valid_to\n\
               01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n\
               01108-02,\"Thôn Ma Lì Sán, xóm 2\",village,01108,2025-07-01,\n";
    assert_eq!(r.load_units_csv(csv).unwrap(), 2);
    assert!(r.is_within("01108-02", "08", d("2026-03-01")));
    assert!(!r.is_within("01108-02", "01096", d("2026-03-01")));
    assert!(!r.is_within("01108-01", "01108", d("2025-06-30")), "not yet valid");
    assert_eq!(r.on("01108-02", d("2026-01-01")).unwrap().name, "Thôn Ma Lì Sán, xóm 2");
}

#[test]
fn malformed_csv_rows_name_the_line_and_field() {
    let mut r = UnitRegistry::new();
    let head = "code,name,level,parent_code,valid_from,valid_to\n";
    let cases = [
        (format!("{head}01,X,planet,,,\n"), UnitsError::Field { line: 2, field: "level" }),
        (format!("{head}01,X,province,,2025-13-01,\n"), UnitsError::Field { line: 2, field: "valid_from" }),
        (format!("{head}0 1,X,province,,,\n"), UnitsError::Field { line: 2, field: "code" }),
        (format!("{head}01,,province,,,\n"), UnitsError::Field { line: 2, field: "name" }),
        (format!("{head}01,X\n"), UnitsError::Csv { line: 2, problem: "expected 6 fields" }),
    ];
    for (csv, want) in cases {
        assert_eq!(r.load_units_csv(&csv).unwrap_err(), want);
    }
    assert!(r.units().is_empty());
    let half = format!("{head}01,X,province,,,\n02,Y,planet,,,\n");
    assert_eq!(r.load_units_csv(&half).unwrap_err(), UnitsError::Field { line: 3, field: "level" });
    assert!(r.units().is_empty(), "a good row before a bad one is not half-loaded");
}

#[test]
fn a_list_without_its_header_is_refused_instead_of_losing_its_first_row() {
    let mut r = UnitRegistry::new();
    let no_header = UnitsError::Csv { line: 1, problem: "the first row is not the expected header" };
    for csv in [
        "01,Tuyên Quang,province,,,\n02,Hà Giang,province,,,\n",
        "code,level,name,parent_code,valid_from,valid_to\n01,province,X,,,\n",
        "this is not a unit list",
        "",
    ] {
        assert_eq!(r.load_units_csv(csv).unwrap_err(), no_header, "{csv:?}");
        assert_eq!(r.load_reorganisation_csv(csv).unwrap_err(), no_header, "{csv:?}");
    }
    let units_header = "code,name,level,parent_code,valid_from,valid_to\n";
    assert_eq!(r.load_reorganisation_csv(units_header).unwrap_err(), no_header);
    assert!(r.units().is_empty());
    assert_eq!(r.load_units_csv(units_header).unwrap(), 0, "a header alone is an empty list");
}

#[test]
fn overlapping_periods_of_one_code_are_refused() {
    let mut r = registry();
    let clash = Unit {
        code: "01096".into(),
        name: "Other".into(),
        level: Level::Commune,
        parent: None,
        valid_from: Some(d("2025-01-01")),
        valid_to: None,
    };
    assert_eq!(r.add(clash), Err(UnitsError::Overlap { code: "01096".into() }));
}
