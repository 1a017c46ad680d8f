//! Reports through the store: a commune's two certified cycles, built with the
//! real workflow, checked against counts made here by hand from the
//! classifications the lists return; and the reader's scope.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use common::*;
use hearth_core::Error;
use hearth_core::household::{Household, Sex};
use hearth_core::report::{STANDINGS, UnitReport};
use hearth_core::scoring::Category::{self, *};
use hearth_core::store::Session;
use hearth_core::workflow::{CycleKind, ListEntry, NewCycle};
use uuid::Uuid;

/// Monthly income and whether to plant six deprivations, for a household of five.
fn plant(category: Category, i: usize) -> (i64, bool) {
    match category {
        Poor => (5_000_000, true),
        NearPoor => (5_000_000, false),
        // Some average-living households are deprived but above the line.
        AverageLiving => (10_000_000, i.is_multiple_of(2)),
        NotPoor => (20_000_000, false),
    }
}

fn run_cycle(off: &Session, sup: &Session, year: i32, plan: &[(Household, Option<Category>)]) -> Uuid {
    let cycle = sup
        .open_cycle(NewCycle {
            year,
            kind: CycleKind::Periodic,
            standard_id: "vn-2022".into(),
            units: vec!["01108".into()],
            reference_date: NaiveDate::from_ymd_opt(year, 10, 1).unwrap(),
        })
        .unwrap()
        .id;
    for (i, (h, category)) in plan.iter().enumerate() {
        let Some(category) = category else { continue }; // not re-surveyed: carried over
        let (income, deprived) = plant(*category, i);
        let iv = off.start_interview(h.id, cycle).unwrap();
        let iv = off.save_interview(iv.id, iv.revision, answers_for(h, income, deprived)).unwrap();
        off.complete_interview(iv.id).unwrap();
        off.submit_interview(iv.id).unwrap();
        sup.approve_interview(iv.id).unwrap();
    }
    sup.certify_cycle(cycle).unwrap();
    cycle
}

struct Commune {
    phone: Phone,
    first: Uuid,
    second: Uuid,
}

/// 24 households in two villages of Xã Xín Mần, heads of both sexes and three
/// ethnic groups (one unrecorded), over a 2025 and a 2026 cycle with moves
/// between the lists and four households not re-surveyed in 2026.
fn commune() -> Commune {
    let phone = phone();
    let off = phone.store.unlock(phone.officer, &pin("111111")).unwrap();
    let sup = phone.store.unlock(phone.supervisor, &pin("222222")).unwrap();
    let cats = [Poor, NearPoor, AverageLiving, NotPoor];
    let ethnicities = ["Nùng", "Dao", "La Chí", ""];
    let households: Vec<Household> = (0..24)
        .map(|i| {
            let village = if i % 3 == 0 { "01108-02" } else { "01108-01" };
            let mut d = family(&format!("Chủ hộ số {i}"), &format!("00208400{i:04}"));
            d.members[0].sex = if i % 2 == 0 { Sex::Male } else { Sex::Female };
            d.members[0].ethnicity = ethnicities[i % 4].into();
            off.create_household(village, d).unwrap()
        })
        .collect();
    let first: Vec<_> =
        households.iter().enumerate().map(|(i, h)| (h.clone(), Some(cats[(i / 2) % 4]))).collect();
    let first_id = run_cycle(&off, &sup, 2025, &first);
    let second: Vec<_> = households
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), if i % 6 == 5 { None } else { Some(cats[(i / 2 + i % 3) % 4]) }))
        .collect();
    let second_id = run_cycle(&off, &sup, 2026, &second);
    drop((off, sup));
    Commune { phone, first: first_id, second: second_id }
}

fn supervisor(c: &Commune) -> Session {
    c.phone.store.unlock(c.phone.supervisor, &pin("222222")).unwrap()
}

/// Households, poor and near-poor among `entries` whose village passes `keep`.
fn hand_count(entries: &[ListEntry], keep: impl Fn(&ListEntry) -> bool) -> (u32, u32, u32) {
    let mut n = (0, 0, 0);
    for e in entries.iter().filter(|e| keep(e)) {
        n.0 += 1;
        n.1 += u32::from(e.classification.category == Poor);
        n.2 += u32::from(e.classification.category == NearPoor);
    }
    n
}

fn triple(c: hearth_core::report::Counts) -> (u32, u32, u32) {
    (c.households, c.poor, c.near_poor)
}

#[test]
fn commune_figures_match_an_independent_count_of_the_classifications() {
    let c = commune();
    let sup = supervisor(&c);
    let now = sup.classifications(c.second).unwrap();
    let before = sup.classifications(c.first).unwrap();
    assert_eq!(now.len(), 24);
    assert_eq!(now.iter().filter(|e| e.classification.carried_over).count(), 4);
    let report: UnitReport = sup.report(c.second, "01108").unwrap();

    assert_eq!(report.year, 2026);
    assert_eq!(report.previous_year, Some(2025));
    assert_eq!(triple(report.total.now), hand_count(&now, |_| true));
    assert_eq!(report.total.before.map(triple), Some(hand_count(&before, |_| true)));
    let codes: Vec<&str> = report.rows.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["01108-01", "01108-02"]);
    for row in &report.rows {
        assert_eq!(triple(row.now), hand_count(&now, |e| e.village == row.code), "{}", row.code);
        assert_eq!(row.before.map(triple), Some(hand_count(&before, |e| e.village == row.code)));
    }

    // Deprivations per indicator, all households and poor ones.
    for (j, ind) in report.indicators.iter().enumerate() {
        let deprived = |e: &&ListEntry| e.classification.deprived.contains(&ind.id);
        let all = now.iter().filter(deprived).count() as u32;
        let poor = now.iter().filter(deprived).filter(|e| e.classification.category == Poor).count() as u32;
        assert_eq!(
            (report.total.deprivations[j].households, report.total.deprivations[j].poor),
            (all, poor),
            "{}",
            ind.id
        );
    }
    let water = report.indicators.iter().position(|i| i.id == "water").unwrap();
    assert!(report.total.deprivations[water].households > report.total.deprivations[water].poor);

    // By the head's sex and ethnicity.
    let by_sex = |s| hand_count(&now, |e| e.classification.head_sex == Some(s));
    assert_eq!(triple(report.total.by_sex.male), by_sex(Sex::Male));
    assert_eq!(triple(report.total.by_sex.female), by_sex(Sex::Female));
    let mut by_ethnicity = BTreeMap::new();
    for e in &now {
        by_ethnicity.insert(e.classification.head_ethnicity.clone(), ());
    }
    assert_eq!(by_ethnicity.len(), 4, "three groups and one unrecorded");
    for (group, counts) in &report.total.by_ethnicity {
        assert_eq!(triple(*counts), hand_count(&now, |e| &e.classification.head_ethnicity == group));
    }
    assert_eq!(report.total.by_ethnicity.len(), 4);

    // Alkire–Foster over the same households: poor at k = 3/12.
    let af = &report.total.af;
    assert_eq!(af.n, 24);
    let q = now.iter().filter(|e| e.classification.deprived.len() >= 3).count();
    assert_eq!(af.q, q);
    assert!((af.h - q as f64 / 24.0).abs() < 1e-12);
}

#[test]
fn transition_matrix_sums_to_both_cycles_and_matches_each_move() {
    let c = commune();
    let sup = supervisor(&c);
    let now = sup.classifications(c.second).unwrap();
    let report = sup.report(c.second, "01108").unwrap();
    let t = report.total.transitions.unwrap();
    let before = report.total.before.unwrap();
    assert_eq!(t.from_total(Some(Poor)), before.poor);
    assert_eq!(t.from_total(Some(NearPoor)), before.near_poor);
    assert_eq!(t.to_total(Some(Poor)), report.total.now.poor);
    assert_eq!(t.to_total(Some(NearPoor)), report.total.now.near_poor);
    assert_eq!(t.total(), 24);
    for from in STANDINGS {
        for to in STANDINGS {
            let hand =
                now.iter().filter(|e| e.previous == from && Some(e.classification.category) == to).count();
            assert_eq!(t.get(from, to) as usize, hand, "{from:?} → {to:?}");
        }
    }
    let moved: u32 = STANDINGS.iter().map(|s| t.get(*s, *s)).sum();
    assert!(moved < 24, "the plan moves some households");
    for row in &report.rows {
        let t = row.transitions.unwrap();
        assert_eq!(t.total(), row.now.households);
        assert_eq!(t.from_total(Some(Poor)), row.before.unwrap().poor);
    }
    // The change is each rate as printed, less the earlier one.
    let change = report.total.change().unwrap();
    let printed = |p: Option<hearth_core::report::Percent>| p.unwrap().0 as i64;
    assert_eq!(change.poor.0, printed(report.total.now.poor_rate()) - printed(before.poor_rate()));
    // The first cycle has nothing to compare with.
    let first = sup.report(c.first, "01108").unwrap();
    assert_eq!((first.previous_year, first.total.before, first.total.change()), (None, None, None));
}

#[test]
fn a_unit_outside_the_readers_scope_is_refused() {
    let c = commune();
    let away = c.phone.store.unlock(c.phone.supervisor_away, &pin("555555")).unwrap();
    assert!(matches!(away.report(c.second, "01108"), Err(Error::NotPermitted { .. })));
    assert!(matches!(away.report(c.second, "01108-01"), Err(Error::NotPermitted { .. })));
    assert!(matches!(away.report(c.second, "08"), Err(Error::NotPermitted { .. })));
    // Their own commune is theirs to read, and holds none of these households.
    let own = away.report(c.second, "01096").unwrap();
    assert_eq!(own.total.now.households, 0);
    assert_eq!(own.total.now.poor_rate(), None);

    let sup = supervisor(&c);
    assert!(matches!(sup.report(c.second, "01096"), Err(Error::NotPermitted { .. })));
    assert!(matches!(sup.report(c.second, "08"), Err(Error::NotPermitted { .. })), "the province is wider");
    assert!(matches!(sup.report(c.second, "99999"), Err(Error::NotFound { .. })));
    // A village inside the scope: only its households.
    let village = sup.report(c.second, "01108-02").unwrap();
    let now = sup.classifications(c.second).unwrap();
    assert_eq!(triple(village.total.now), hand_count(&now, |e| e.village == "01108-02"));
    assert!(village.rows.is_empty());
    // An officer of the commune reads it too.
    let off = c.phone.store.unlock(c.phone.officer, &pin("111111")).unwrap();
    assert_eq!(off.report(c.second, "01108").unwrap().total.now.households, 24);
}

#[test]
fn an_open_cycle_has_no_report() {
    let p = phone();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let cycle = sup
        .open_cycle(NewCycle {
            year: 2026,
            kind: CycleKind::Periodic,
            standard_id: "vn-2022".into(),
            units: vec!["01108".into()],
            reference_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        })
        .unwrap();
    assert!(matches!(sup.report(cycle.id, "01108"), Err(Error::IllegalTransition { .. })));
}
