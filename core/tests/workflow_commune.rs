//! A commune's two review cycles over the same 60 households, with planted
//! moves between the lists; the derived lists must match the plan.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use common::*;
use hearth_core::household::Household;
use hearth_core::scoring::Category;
use hearth_core::store::Session;
use hearth_core::workflow::{CycleKind, ListKind, Movement, NewComment, NewCycle};
use uuid::Uuid;

/// Monthly income and deprivation that land a 5-member household in a category.
fn plant(category: Category) -> (i64, bool) {
    match category {
        Category::Poor => (5_000_000, true),
        Category::NearPoor => (5_000_000, false),
        Category::AverageLiving => (10_000_000, false),
        Category::NotPoor => (20_000_000, false),
    }
}

fn run_cycle(
    off: [&Session; 2],
    sup: &Session,
    year: i32,
    plan: &BTreeMap<Uuid, Option<Category>>,
    households: &[Household],
) -> Uuid {
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
    for (i, h) in households.iter().enumerate() {
        let Some(category) = plan[&h.id] else { continue }; // not re-surveyed
        let o = off[i % 2];
        let (income, deprived) = plant(category);
        let iv = o.start_interview(h.id, cycle).unwrap();
        // Every seventh interview is first filled in wrongly and returned.
        let first =
            if i % 7 == 0 { answers_for(h, 90_000_000, false) } else { answers_for(h, income, deprived) };
        let iv = o.save_interview(iv.id, iv.revision, first).unwrap();
        o.complete_interview(iv.id).unwrap();
        o.submit_interview(iv.id).unwrap();
        if i % 7 == 0 {
            let back = sup
                .return_interview(
                    iv.id,
                    vec![NewComment::on("income_monthly_vnd", None, "Kiểm tra lại thu nhập")],
                )
                .unwrap();
            let iv = o.save_interview(back.id, back.revision, answers_for(h, income, deprived)).unwrap();
            o.complete_interview(iv.id).unwrap();
            o.submit_interview(iv.id).unwrap();
        }
        sup.approve_interview(iv.id).unwrap();
    }
    sup.certify_cycle(cycle).unwrap();
    cycle
}

#[test]
fn two_cycles_over_sixty_households_derive_the_planted_lists() {
    let p = phone();
    let off1 = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let off2 = p.store.unlock(p.officer2, &pin("333333")).unwrap();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let households: Vec<Household> = (0..60)
        .map(|i| {
            let village = if i % 2 == 0 { "01108-01" } else { "01108-02" };
            off1.create_household(village, family(&format!("Chủ hộ số {i}"), &format!("00208400{i:04}")))
                .unwrap()
        })
        .collect();

    use Category::*;
    let cats = [Poor, NearPoor, AverageLiving, NotPoor];
    let first: BTreeMap<Uuid, Option<Category>> =
        households.iter().enumerate().map(|(i, h)| (h.id, Some(cats[(i / 3) % 4]))).collect();
    let c1 = run_cycle([&off1, &off2], &sup, 2025, &first, &households);

    // The second year: planted moves, and every tenth household not re-surveyed.
    let second: BTreeMap<Uuid, Option<Category>> = households
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let before = first[&h.id].unwrap();
            let now = match (i % 10, before) {
                (0, _) => None,
                (1, Poor) | (3, Poor) => Some(NearPoor),
                (2, Poor) => Some(NotPoor),
                (4, NearPoor) | (5, NearPoor) => Some(Poor),
                (6, NearPoor) => Some(AverageLiving),
                (7, NotPoor) | (7, AverageLiving) => Some(Poor),
                (8, AverageLiving) | (8, NotPoor) => Some(NearPoor),
                (_, c) => Some(c),
            };
            (h.id, now)
        })
        .collect();
    let c2 = run_cycle([&off1, &off2], &sup, 2026, &second, &households);

    let entries = sup.classifications(c2).unwrap();
    assert_eq!(entries.len(), 60, "everyone classified or carried over");
    let mut expected_moves = BTreeMap::new();
    for h in &households {
        let before = first[&h.id].unwrap();
        let now = second[&h.id].unwrap_or(before);
        expected_moves.insert(h.id, (now, Movement::between(Some(before), now), second[&h.id].is_none()));
    }
    for e in &entries {
        let (now, movement, carried) = expected_moves[&e.household_id];
        assert_eq!(e.classification.category, now);
        assert_eq!(e.movement, movement);
        assert_eq!(e.classification.carried_over, carried);
        assert_eq!(e.previous, first[&e.household_id]);
    }
    let count = |kind| sup.list(c2, kind).unwrap().len();
    let planted = |f: &dyn Fn(Category, Movement) -> bool| {
        expected_moves.values().filter(|(c, m, _)| f(*c, *m)).count()
    };
    for kind in [
        ListKind::Poor,
        ListKind::NearPoor,
        ListKind::NewlyPoor,
        ListKind::NewlyNearPoor,
        ListKind::EscapedPoverty,
        ListKind::EscapedNearPoverty,
        ListKind::NearPoorToPoor,
        ListKind::Remained,
    ] {
        assert_eq!(count(kind), planted(&|c, m| kind.includes(c, m)), "{kind:?}");
    }
    // The planted moves are all there, and in the numbers planted.
    assert_eq!(count(ListKind::NewlyPoor), planted(&|_, m| m == Movement::NewlyPoor));
    assert!(
        count(ListKind::NewlyPoor) >= 2
            && count(ListKind::EscapedPoverty) >= 2
            && count(ListKind::NearPoorToPoor) >= 1
    );
    assert_eq!(entries.iter().filter(|e| e.classification.carried_over).count(), 6);
    // The first cycle's lists have no previous cycle: everyone listed is new.
    assert_eq!(sup.list(c1, ListKind::NewlyPoor).unwrap().len(), sup.list(c1, ListKind::Poor).unwrap().len());
    assert!(p.store.verify_audit().unwrap() > 60 * 5);
}

#[test]
fn a_cycle_with_interviews_awaiting_review_cannot_be_certified() {
    let p = phone();
    let off = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let h = off.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let cycle = sup
        .open_cycle(NewCycle {
            year: 2026,
            kind: CycleKind::Periodic,
            standard_id: "vn-2022".into(),
            units: vec!["01108".into()],
            reference_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        })
        .unwrap();
    let iv = off.start_interview(h.id, cycle.id).unwrap();
    let iv = off.save_interview(iv.id, iv.revision, answers_for(&h, 5_000_000, true)).unwrap();
    off.complete_interview(iv.id).unwrap();
    off.submit_interview(iv.id).unwrap();
    assert!(matches!(sup.certify_cycle(cycle.id), Err(hearth_core::Error::Invalid { .. })));
    assert!(matches!(sup.classifications(cycle.id), Err(hearth_core::Error::IllegalTransition { .. })));
    sup.approve_interview(iv.id).unwrap();
    let summary = sup.certify_cycle(cycle.id).unwrap();
    assert_eq!(summary.certified, 1);
    assert!(matches!(sup.certify_cycle(cycle.id), Err(hearth_core::Error::IllegalTransition { .. })));
    assert!(matches!(off.start_interview(h.id, cycle.id), Err(hearth_core::Error::IllegalTransition { .. })));
    assert_eq!(sup.list(cycle.id, ListKind::Poor).unwrap().len(), 1);
}
