//! Assignments and work queues.

mod common;

use common::*;
use hearth_core::Error;
use hearth_core::workflow::Status;

#[test]
fn assigned_households_come_first_and_are_closed_to_other_officers() {
    let p = phone();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let a = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let b = p.store.unlock(p.officer2, &pin("333333")).unwrap();
    let cycle = open_cycle_2026(&sup);
    let v1: Vec<_> = (0..3)
        .map(|i| a.create_household("01108-01", family("A", &format!("00100000000{i}"))).unwrap())
        .collect();
    let v2: Vec<_> = (0..2)
        .map(|i| a.create_household("01108-02", family("B", &format!("00200000000{i}"))).unwrap())
        .collect();
    assert_eq!(sup.assign_village(cycle, "01108-02", p.officer2).unwrap(), 2);
    sup.assign(cycle, &[v1[2].id], p.officer2).unwrap();

    let list_b = b.worklist(cycle).unwrap();
    assert_eq!(list_b.len(), 5);
    assert!(list_b[..3].iter().all(|w| w.assigned) && !list_b[3].assigned, "assignments first");
    let list_a = a.worklist(cycle).unwrap();
    assert_eq!(list_a.len(), 2, "others' assignments are left out");
    assert!(list_a.iter().all(|w| !w.assigned));
    assert!(matches!(a.start_interview(v2[0].id, cycle), Err(Error::NotPermitted { .. })));
    let iv = b.start_interview(v2[0].id, cycle).unwrap();
    assert_eq!(
        b.worklist(cycle).unwrap().iter().find(|w| w.household_id == v2[0].id).unwrap().interview,
        Some((iv.id, Status::Draft))
    );

    // Reassigning moves the started interview to the new owner, audited.
    sup.assign(cycle, &[v2[0].id], p.officer).unwrap();
    let moved = a.interview(iv.id).unwrap();
    assert_eq!(moved.officer_id, p.officer);
    assert!(matches!(
        b.save_interview(iv.id, moved.revision, moved.answers.clone()),
        Err(Error::NotPermitted { .. })
    ));
    a.save_interview(iv.id, moved.revision, moved.answers.clone()).unwrap();
    assert!(
        p.store
            .audit_entries()
            .unwrap()
            .iter()
            .any(|e| e.action == "interview.reassign" && e.subject == iv.id)
    );
    assert!(p.store.verify_audit().is_ok());
}

#[test]
fn only_supervisors_assign_and_only_to_officers_in_scope() {
    let p = phone();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let a = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let cycle = open_cycle_2026(&sup);
    let h = a.create_household("01108-01", family("A", "001000000001")).unwrap();
    assert!(matches!(a.assign(cycle, &[h.id], p.officer2), Err(Error::NotPermitted { .. })));
    assert!(matches!(sup.assign(cycle, &[h.id], p.outsider), Err(Error::Invalid { .. })));
    assert!(matches!(sup.assign(cycle, &[h.id], p.supervisor), Err(Error::Invalid { .. })));
    assert!(matches!(sup.assign(cycle, &[h.id], uuid::Uuid::nil()), Err(Error::NotFound { .. })));
    assert_eq!(a.worklist(cycle).unwrap().len(), 1);
}

#[test]
fn the_inbox_is_oldest_first_and_counts_are_per_village_and_status() {
    let p = phone();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let a = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let cycle = open_cycle_2026(&sup);
    let mut ids = Vec::new();
    for (i, village) in ["01108-02", "01108-01", "01108-01"].iter().enumerate() {
        let h = a.create_household(village, family("A", &format!("00300000000{i}"))).unwrap();
        let iv = a.start_interview(h.id, cycle).unwrap();
        let iv = a.save_interview(iv.id, iv.revision, answers_for(&h, 5_000_000, true)).unwrap();
        a.complete_interview(iv.id).unwrap();
        if i < 2 {
            p.clock.advance(chrono::Duration::minutes(5));
            a.submit_interview(iv.id).unwrap();
        }
        ids.push(iv.id);
    }
    let inbox: Vec<_> = sup.inbox().unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(inbox, vec![ids[0], ids[1]]);
    let counts: Vec<_> =
        sup.status_counts(cycle).unwrap().into_iter().map(|c| (c.village, c.status, c.count)).collect();
    assert_eq!(
        counts,
        vec![
            ("01108-01".to_string(), Status::Completed, 1),
            ("01108-01".to_string(), Status::Submitted, 1),
            ("01108-02".to_string(), Status::Submitted, 1),
        ]
    );
}
