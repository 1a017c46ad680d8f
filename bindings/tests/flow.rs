//! The exported API end to end, as an app drives it: provisioning, unlock,
//! households, the interview from draft to approval, certification and lists.

mod common;

use common::*;
use hearth_ffi::*;

#[test]
fn an_officer_interview_is_scored_poor_submitted_and_approved_by_the_supervisor() {
    let p = phone();
    let users = p.hearth.users().unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(users[0].role, Some(Role::Officer));
    let s = submitted(&p);
    let score = s.interview.score.clone().expect("completed interviews carry a score");
    assert_eq!(score.category, Category::Poor);
    assert_eq!(score.category_label.en, "poor");
    assert_eq!(score.income_per_capita, Some(1_400_000));
    assert!(score.poverty_line.is_some());
    let deprived: Vec<_> = score.deprived.iter().map(|d| d.indicator.as_str()).collect();
    assert_eq!(deprived, ["housing_quality", "water", "latrine"]);
    assert!(score.deprived.iter().all(|d| !d.reason.vi.is_empty() && !d.reason.en.is_empty()));
    assert_eq!(score.b2, 30);
    assert_eq!(s.interview.status, InterviewStatus::Submitted);
    let inbox = s.supervisor.inbox().unwrap();
    assert_eq!(inbox.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [s.interview.id.as_str()]);
    let approved = s.supervisor.approve_interview(s.interview.id.clone()).unwrap();
    assert_eq!(approved.status, InterviewStatus::Approved);
    let counts = s.supervisor.status_counts(s.cycle.id.clone()).unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].status, counts[0].count), (InterviewStatus::Approved, 1));
}

#[test]
fn answers_come_back_as_interchange_json_that_saves_to_the_same_answers() {
    let p = phone();
    let off = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let sup = p.hearth.unlock(p.supervisor.clone(), "222222".into()).unwrap();
    let cycle = sup.open_cycle(new_cycle()).unwrap();
    let h = off.create_household("01108-01".into(), couple()).unwrap();
    let iv = off.start_interview(h.id, cycle.id).unwrap();
    assert!(iv.answers_json.contains("Vùi Văn Sình"), "the roster is prefilled");
    let saved = off.save_interview(iv.id.clone(), iv.revision, POOR_ANSWERS.into()).unwrap();
    assert!(saved.answers_json.contains("\"income_monthly_vnd\":2800000"), "{}", saved.answers_json);
    let again = off.save_interview(iv.id, saved.revision, saved.answers_json.clone()).unwrap();
    assert_eq!(again.answers_json, saved.answers_json);
    assert_eq!(again.revision, saved.revision + 1);
}

#[test]
fn households_are_created_updated_found_and_listed_by_village() {
    let p = phone();
    let off = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let h = off.create_household("01108-01".into(), couple()).unwrap();
    assert_eq!(h.revision, 1);
    assert!(h.details.members.iter().all(|m| m.id.is_some()), "new members are given ids");
    let mut changed = h.clone();
    changed.details.notes = "Nhà sàn".into();
    let h2 = off.update_household(changed.clone()).unwrap();
    assert_eq!(h2.revision, 2);
    assert!(matches!(off.update_household(changed), Err(HearthError::Stale { .. })));
    assert_eq!(off.find_households("vui van sinh".into()).unwrap().len(), 1);
    assert_eq!(off.households_in("01108-01".into()).unwrap().len(), 1);
    assert!(off.household(h.id.clone()).unwrap() == h2);
    off.delete_household(h.id.clone()).unwrap();
    assert!(matches!(off.household(h.id), Err(HearthError::NotFound { .. })));
}

#[test]
fn a_returned_interview_carries_comments_back_to_its_officer() {
    let p = phone();
    let s = submitted(&p);
    let comment =
        NewComment { question: Some("income_monthly_vnd".into()), row: None, text: "Xác minh".into() };
    let back = s.supervisor.return_interview(s.interview.id.clone(), vec![comment]).unwrap();
    assert_eq!(back.status, InterviewStatus::Returned);
    assert_eq!(back.comments[0].author, p.supervisor);
    assert_eq!(s.officer.returned(None).unwrap().len(), 1);
    let rejected = s
        .supervisor
        .reject_interview(s.interview.id.clone(), NewComment { question: None, row: None, text: "?".into() });
    assert!(matches!(rejected, Err(HearthError::IllegalTransition { .. })));
}

#[test]
fn certifying_a_cycle_puts_the_approved_household_on_the_newly_poor_list() {
    let p = phone();
    let s = submitted(&p);
    s.supervisor.approve_interview(s.interview.id.clone()).unwrap();
    let summary = s.supervisor.certify_cycle(s.cycle.id.clone()).unwrap();
    assert_eq!(summary, CertifySummary { certified: 1, carried_over: 0 });
    let poor = s.supervisor.list(s.cycle.id.clone(), ListKind::NewlyPoor).unwrap();
    assert_eq!(poor.len(), 1);
    assert_eq!((poor[0].category, poor[0].movement), (Category::Poor, Movement::NewlyPoor));
    assert_eq!(poor[0].household_id, s.household.id);
    let path = p.dir.path().join("poor.csv");
    let rows =
        s.supervisor.export_list_csv(s.cycle.id.clone(), ListKind::Poor, path.to_str().unwrap().into(), None);
    assert_eq!(rows.unwrap(), 1);
    let csv = std::fs::read_to_string(path).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("{},01108-01,poor,,newly_poor,1400000,", s.household.id))
    );
    assert!(!csv.contains("Sình"), "lists carry no names");
}

#[test]
fn an_assigned_household_leads_the_officers_worklist() {
    let p = phone();
    let sup = p.hearth.unlock(p.supervisor.clone(), "222222".into()).unwrap();
    let off = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let cycle = sup.open_cycle(new_cycle()).unwrap();
    let a = off.create_household("01108-01".into(), couple()).unwrap();
    let b = off.create_household("01108-01".into(), couple()).unwrap();
    sup.assign(cycle.id.clone(), vec![b.id.clone()], p.officer.clone()).unwrap();
    let work = off.worklist(cycle.id).unwrap();
    assert_eq!(
        work.iter().map(|w| (w.household_id.clone(), w.assigned)).collect::<Vec<_>>(),
        [(b.id, true), (a.id, false)]
    );
}

#[test]
fn a_database_reopens_with_the_same_key_provider_and_pin() {
    let p = phone();
    let store_id = p.hearth.store_id().unwrap();
    p.hearth.close_database();
    let again = Hearth::open_insecure_fast_kdf(p.path.clone(), key()).unwrap();
    assert_eq!(again.store_id().unwrap(), store_id);
    let s = again.unlock(p.officer.clone(), "111111".into()).unwrap();
    assert_eq!(s.info().unwrap().role, Role::Officer);
    again.change_pin(p.officer.clone(), "111111".into(), "919191".into()).unwrap();
    assert!(again.unlock(p.officer.clone(), "919191".into()).is_ok());
}

#[test]
fn an_interview_travels_between_two_phones_as_packets_and_forgeries_are_refused() {
    let a = phone();
    // The supervisor's own phone, provisioned by the same authority.
    let path = a.dir.path().join("supervisor.db").to_str().unwrap().to_owned();
    let b = Hearth::create_insecure_fast_kdf(path, key(), a.authority.public_key()).unwrap();
    b.import_units_csv(UNITS.into()).unwrap();
    let e = b.begin_enrollment("Vàng Thị Mai".into(), "222222".into()).unwrap();
    let sup_cert = a.authority.issue(e.request, Role::Supervisor, vec!["01108".into()], 365).unwrap();
    let sup = b.install_certificate(sup_cert.clone()).unwrap().id;
    b.finish_provisioning().unwrap();
    // Provisioning tells the officer's phone who its supervisor is.
    assert_eq!(a.hearth.add_certificate(sup_cert).unwrap(), sup);
    assert!(matches!(a.hearth.add_certificate(vec![1, 2, 3]), Err(HearthError::CertificateRefused { .. })));

    let officer = a.hearth.unlock(a.officer.clone(), "111111".into()).unwrap();
    let supervisor = b.unlock(sup.clone(), "222222".into()).unwrap();
    let h = officer.create_household("01108-01".into(), couple()).unwrap();
    let packet = officer.export_packet(b.store_id().unwrap(), vec![sup.clone()]).unwrap();
    let got = supervisor.import_packet(packet.clone()).unwrap();
    assert_eq!((got.applied, got.already_had, got.conflicts), (1, 0, 0));
    assert!(supervisor.household(h.id.clone()).unwrap().details == h.details);
    assert!(
        matches!(supervisor.import_packet(packet.clone()), Err(HearthError::PacketRefused { .. })),
        "replay"
    );
    let mut flipped = packet;
    flipped[40] ^= 1;
    assert!(matches!(supervisor.import_packet(flipped), Err(HearthError::PacketRefused { .. })));
    assert!(matches!(supervisor.import_packet(vec![]), Err(HearthError::PacketRefused { .. })));
    assert!(matches!(
        officer.export_packet("not a uuid".into(), vec![sup]),
        Err(HearthError::InvalidInput { .. })
    ));
    // The reply needs nothing provisioned: the officer's certificate came in the packet.
    let reply = supervisor.export_packet(a.hearth.store_id().unwrap(), vec![a.officer.clone()]).unwrap();
    assert_eq!(officer.import_packet(reply).unwrap().applied, 0);
}
