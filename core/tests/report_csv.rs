//! The CSV export: what Excel needs to open Vietnamese text cleanly, and a
//! strict RFC 4180 reader written here that reads every figure back.

use chrono::NaiveDate;
use hearth_core::report::{CycleEntries, Figures, Percent, Points, UnitReport};
use hearth_core::scoring::Category::{self, *};
use hearth_core::scoring::{Standard, StandardRef};
use hearth_core::units::{Level, Unit, UnitRegistry};
use hearth_core::workflow::{Classification, ListEntry, Movement};
use uuid::Uuid;

const XIN_MAN: &str = include_str!("../testdata/units-xin-man.csv");
const ODD_NAME: &str = "Thôn \"Mới\", Nà Pó";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn registry() -> UnitRegistry {
    let mut r = UnitRegistry::new();
    r.load_reorganisation_csv(XIN_MAN).unwrap();
    for (code, name) in [("01108-01", "Thôn Nà Pó"), ("01108-02", "Thôn Ma Lì Sán"), ("01108-03", ODD_NAME)]
    {
        r.add(Unit {
            code: code.into(),
            name: name.into(),
            level: Level::Village,
            parent: Some("01108".into()),
            valid_from: Some(day(2025, 7, 1)),
            valid_to: None,
        })
        .unwrap();
    }
    r
}

fn entry(id: u128, village: &str, category: Category, deprived: &[&str]) -> ListEntry {
    let s = Standard::builtin("vn-2022").unwrap();
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

/// Two cycles over three villages; the third has no households in 2025.
fn sample() -> UnitReport {
    let cats = [Poor, NearPoor, AverageLiving, NotPoor, Poor, NotPoor, NearPoor];
    let deprivations: [&[&str]; 4] =
        [&["water", "latrine", "telecom"], &["water"], &[], &["housing_quality", "floor_area", "water"]];
    let village = |i: u128| ["01108-01", "01108-02", "01108-03"][(i % 3) as usize];
    let before: Vec<ListEntry> = (0..40)
        .filter(|i| village(*i) != "01108-03")
        .map(|i| entry(i, village(i), cats[(i % 7) as usize], &[]))
        .collect();
    let now: Vec<ListEntry> = (0..45)
        .map(|i| entry(i, village(i), cats[((i + i / 4) % 7) as usize], deprivations[(i % 4) as usize]))
        .collect();
    UnitReport::build(
        &CycleEntries { year: 2026, date: day(2026, 10, 1), entries: &now },
        Some(&CycleEntries { year: 2025, date: day(2025, 10, 1), entries: &before }),
        &Standard::builtin("vn-2022").unwrap(),
        &registry(),
        "01108",
    )
    .unwrap()
}

/// A strict RFC 4180 reader: records end with CRLF; a quoted field may hold
/// commas, doubled quotes and line breaks.
fn parse(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => {
                assert!(field.is_empty(), "a quote inside an unquoted field");
                quoted = true;
            }
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("a bare LF ends a record"),
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted && field.is_empty() && record.is_empty(), "the text ends with CRLF");
    records
}

/// "56.46" → 5646; "-0.05" → -5; "" → None. Only a '.' separates decimals.
fn hundredths(cell: &str) -> Option<i64> {
    if cell.is_empty() {
        return None;
    }
    let (whole, frac) = cell.split_once('.').expect("a '.' decimal separator");
    assert_eq!(frac.len(), 2, "two decimals in {cell}");
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    Some(sign * (whole.trim_start_matches('-').parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()))
}

#[test]
fn csv_starts_with_a_byte_order_mark_and_ends_every_line_with_crlf() {
    let csv = sample().to_csv();
    assert!(csv.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(csv.ends_with("\r\n"));
    assert_eq!(csv.matches('\n').count(), csv.matches("\r\n").count());
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(header.starts_with("Mã đơn vị,Tên đơn vị,Cấp,Tổng số hộ,Số hộ nghèo,Số hộ cận nghèo,"));
    assert!(header.contains("Nguồn nước sinh hoạt: số hộ thiếu hụt"));
}

#[test]
fn a_name_with_a_comma_and_quotes_is_quoted_and_doubled() {
    let csv = sample().to_csv();
    assert!(csv.contains("\r\n01108-03,\"Thôn \"\"Mới\"\", Nà Pó\",thôn,"));
    assert!(csv.contains("\r\n01108-01,Thôn Nà Pó,thôn,"), "plain names stay bare");
}

#[test]
fn the_csv_reads_back_to_the_report() {
    let report = sample();
    let text = report.to_csv();
    let records = parse(text.strip_prefix('\u{feff}').unwrap());
    let (header, body) = records.split_first().unwrap();
    assert_eq!(header.len(), 12 + 2 * report.indicators.len());
    assert!(records.iter().all(|r| r.len() == header.len()));
    let expected: Vec<&Figures> = report.rows.iter().chain([&report.total]).collect();
    assert_eq!(body.len(), expected.len(), "one row per village, then the commune");
    assert_eq!(body.last().unwrap()[..3], ["01108", "Xã Xín Mần", "xã"]);
    let pct = |p: Option<Percent>| p.map(|p| i64::from(p.0));
    let pts = |p: Option<Points>| p.map(|p| p.0);
    for (cells, f) in body.iter().zip(expected) {
        assert_eq!((cells[0].as_str(), cells[1].as_str()), (f.code.as_str(), f.name.as_str()));
        let n = |i: usize| cells[i].parse::<u32>().unwrap();
        assert_eq!((n(3), n(4), n(5)), (f.now.households, f.now.poor, f.now.near_poor), "{}", f.code);
        assert_eq!(hundredths(&cells[6]), pct(f.now.poor_rate()));
        assert_eq!(hundredths(&cells[7]), pct(f.now.near_poor_rate()));
        assert_eq!(hundredths(&cells[8]), pct(f.now.combined_rate()));
        let change = f.change();
        assert_eq!(hundredths(&cells[9]), pts(change.map(|c| c.poor)));
        assert_eq!(hundredths(&cells[10]), pts(change.map(|c| c.near_poor)));
        assert_eq!(hundredths(&cells[11]), pts(change.map(|c| c.combined)));
        for (j, h) in f.deprivations.iter().enumerate() {
            assert_eq!((n(12 + 2 * j), n(13 + 2 * j)), (h.households, h.poor));
        }
    }
    // The village with nobody in 2025 has no change to print; the commune has.
    let odd = body.iter().find(|c| c[0] == "01108-03").unwrap();
    assert_eq!(odd[9], "");
    assert!(hundredths(&body.last().unwrap()[9]).is_some(), "the commune compares with 2025");
    assert!(report.total.deprivations.iter().any(|h| h.households > h.poor && h.poor > 0));
}
