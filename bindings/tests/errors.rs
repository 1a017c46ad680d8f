//! Every refusal an app acts on arrives as its own `HearthError` variant, and
//! garbage through the boundary is refused with a typed error, never a panic.

mod common;

use common::*;
use hearth_ffi::*;

#[test]
fn a_wrong_pin_counts_down_then_locks_out() {
    let p = phone();
    for left in (1..=4).rev() {
        let err = p.hearth.unlock(p.officer.clone(), "999999".into()).err();
        assert_eq!(err, Some(HearthError::WrongPin { attempts_left: left }));
    }
    let err = p.hearth.unlock(p.officer.clone(), "999999".into()).err();
    assert!(matches!(err, Some(HearthError::LockedOut { retry_after_secs: 30 })), "{err:?}");
    let err = p.hearth.unlock(p.officer.clone(), "111111".into()).err();
    assert!(matches!(err, Some(HearthError::LockedOut { .. })), "the right PIN waits too: {err:?}");
}

#[test]
fn another_device_secret_is_a_key_mismatch_not_a_wrong_pin() {
    let p = phone();
    p.hearth.close_database();
    let other =
        Hearth::open_insecure_fast_kdf(p.path.clone(), std::sync::Arc::new(FixedKey(vec![8; 32]))).unwrap();
    assert_eq!(other.unlock(p.officer.clone(), "111111".into()).err(), Some(HearthError::KeyMismatch));
}

#[test]
fn nobody_approves_their_own_interview() {
    let p = phone();
    let sup = p.hearth.unlock(p.supervisor.clone(), "222222".into()).unwrap();
    let cycle = sup.open_cycle(new_cycle()).unwrap();
    let h = sup.create_household("01108-01".into(), couple()).unwrap();
    let iv = sup.start_interview(h.id, cycle.id).unwrap();
    let iv = sup.save_interview(iv.id, iv.revision, POOR_ANSWERS.into()).unwrap();
    sup.complete_interview(iv.id.clone()).unwrap();
    let iv = sup.submit_interview(iv.id).unwrap();
    let err = sup.approve_interview(iv.id.clone()).err();
    assert!(matches!(err, Some(HearthError::NotPermitted { .. })), "{err:?}");
    assert_eq!(sup.interview(iv.id).unwrap().status, InterviewStatus::Submitted);
}

#[test]
fn an_officer_outside_the_commune_neither_sees_nor_creates_its_households() {
    let p = phone();
    let s = submitted(&p);
    let outsider = p.hearth.unlock(p.outsider.clone(), "333333".into()).unwrap();
    assert!(matches!(outsider.household(s.household.id.clone()), Err(HearthError::NotFound { .. })));
    assert!(matches!(outsider.interview(s.interview.id.clone()), Err(HearthError::NotFound { .. })));
    let err = outsider.create_household("01108-01".into(), couple()).err();
    assert!(matches!(err, Some(HearthError::NotPermitted { .. })), "{err:?}");
    assert!(matches!(outsider.open_cycle(new_cycle()), Err(HearthError::NotPermitted { .. })));
}

#[test]
fn incomplete_answers_list_every_blocking_problem_with_question_row_and_key() {
    let p = phone();
    let sup = p.hearth.unlock(p.supervisor.clone(), "222222".into()).unwrap();
    let off = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let cycle = sup.open_cycle(new_cycle()).unwrap();
    let h = off.create_household("01108-01".into(), couple()).unwrap();
    let iv = off.start_interview(h.id, cycle.id).unwrap();
    let Err(HearthError::Incomplete { problems }) = off.complete_interview(iv.id) else {
        panic!("a prefilled roster alone is not complete");
    };
    assert!(problems.len() >= 5, "all at once: {}", problems.len());
    assert!(problems.iter().any(|p| p.question == "income_monthly_vnd" && p.message_key == "required"));
    assert!(problems.iter().any(|p| p.row == Some(1)), "per-member problems name their row");
}

#[test]
fn invalid_household_fields_are_named() {
    let p = phone();
    let off = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let mut d = couple();
    d.members[1].birth = "1982-13".into();
    let err = off.create_household("01108-01".into(), d).err();
    assert!(
        matches!(&err, Some(HearthError::InvalidInput { field, .. }) if field == "members[1].birth"),
        "{err:?}"
    );
    let mut d = couple();
    d.members[0].national_id = Some("12345".into());
    let err = off.create_household("01108-01".into(), d).err();
    assert!(
        matches!(&err, Some(HearthError::InvalidInput { field, .. }) if field == "members[0].national_id")
    );
    let mut d = couple();
    d.members[0].id = Some("not-a-uuid".into());
    let err = off.create_household("01108-01".into(), d).err();
    assert!(matches!(&err, Some(HearthError::InvalidInput { field, .. }) if field == "members[0].id"));
}

#[test]
fn garbage_arguments_are_typed_refusals() {
    let p = phone();
    let s = submitted(&p);
    let off = &s.officer;
    let huge = "x".repeat(4 << 20);
    let invalid = |r: Result<(), HearthError>| matches!(r, Err(HearthError::InvalidInput { .. }));
    assert!(invalid(off.interview(String::new()).map(drop)));
    assert!(invalid(off.interview("😀".into()).map(drop)));
    assert!(invalid(off.interview(huge.clone()).map(drop)));
    assert!(invalid(off.save_interview(s.interview.id.clone(), 1, String::new()).map(drop)));
    assert!(invalid(off.save_interview(s.interview.id.clone(), 1, huge.clone()).map(drop)));
    assert!(invalid(off.save_interview(s.interview.id.clone(), 1, "[1,2]".into()).map(drop)));
    assert!(invalid(
        off.save_interview(s.interview.id.clone(), 1, r#"{"income_monthly_vnd": "many"}"#.into()).map(drop)
    ));
    let no_members = HouseholdDetails { members: vec![], ..couple() };
    assert!(invalid(off.create_household("01108-01".into(), no_members).map(drop)));
    let huge_address = HouseholdDetails { address: huge.clone(), ..couple() };
    assert!(invalid(off.create_household("01108-01".into(), huge_address).map(drop)));
    assert!(matches!(off.create_household(huge.clone(), couple()), Err(HearthError::NotPermitted { .. })));
    assert!(matches!(off.households_in(huge.clone()), Err(HearthError::NotPermitted { .. })));
    assert!(off.find_households(huge.clone()).unwrap().is_empty());
    assert!(off.find_households(String::new()).unwrap().is_empty());
    assert!(invalid(p.hearth.unlock(String::new(), "111111".into()).map(drop)));
    assert!(invalid(p.hearth.unlock(p.officer.clone(), huge.clone()).map(drop)));
    assert!(invalid(p.hearth.unlock(p.officer.clone(), String::new()).map(drop)));
    assert!(matches!(
        p.hearth.unlock(uuid::Uuid::nil().to_string(), "111111".into()),
        Err(HearthError::NotFound { .. })
    ));
    let refused = |r: Result<Vec<u8>, HearthError>| matches!(r, Err(HearthError::CertificateRefused { .. }));
    assert!(matches!(p.hearth.install_certificate(vec![]), Err(HearthError::CertificateRefused { .. })));
    assert!(refused(p.authority.issue(vec![0xff; 3], Role::Officer, vec!["01108".into()], 30)));
    assert!(refused(p.authority.issue(huge.into_bytes(), Role::Officer, vec!["01108".into()], 30)));
    assert!(invalid(Hearth::create(String::new(), key(), vec![0; 32]).map(drop)));
    assert!(invalid(Hearth::create("a\0b.db".into(), key(), vec![0; 32]).map(drop)));
    assert!(invalid(Hearth::open("a\0b.db".into(), key()).map(drop)));
    assert!(invalid(
        Hearth::create(p.dir.path().join("x.db").to_str().unwrap().into(), key(), vec![0; 5]).map(drop)
    ));
    assert!(matches!(
        Hearth::create(p.path.clone(), key(), vec![0; 32]),
        Err(HearthError::AlreadyExists { .. })
    ));
    assert!(matches!(Hearth::open("/nonexistent/phone.db".into(), key()), Err(HearthError::NotFound { .. })));
}

#[test]
fn negative_or_huge_validity_is_refused_not_overflowed() {
    let p = phone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db").to_str().unwrap().to_owned();
    let h = Hearth::create_insecure_fast_kdf(path, key(), p.authority.public_key()).unwrap();
    let req = h.begin_enrollment("Lò Văn Tú".into(), "111111".into()).unwrap().request;
    for days in [-1, 0, i64::MIN, i64::MAX] {
        let err = p.authority.issue(req.clone(), Role::Officer, vec!["01108".into()], days).err();
        assert!(matches!(err, Some(HearthError::InvalidInput { .. })), "{days}: {err:?}");
    }
    let err = p.authority.issue(req, Role::Officer, vec![], 30).err();
    assert!(matches!(&err, Some(HearthError::InvalidInput { field, .. }) if field == "scope"));
}

#[test]
fn a_corrupt_file_is_quarantined_and_reported_with_where_it_went() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    std::fs::write(&path, vec![0x42; 8192]).unwrap();
    let err = Hearth::open(path.to_str().unwrap().into(), key()).err();
    let Some(HearthError::Corrupt { quarantined_to: Some(to) }) = err else { panic!("{err:?}") };
    assert!(std::path::Path::new(&to).exists());
    assert!(!path.exists());
}

#[test]
fn closed_objects_answer_closed() {
    let p = phone();
    let s = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    s.lock();
    assert_eq!(s.info().err(), Some(HearthError::Closed { object: "session".into() }));
    p.hearth.close_database();
    assert_eq!(p.hearth.users().err(), Some(HearthError::Closed { object: "database".into() }));
}

#[test]
fn enrollment_after_provisioning_is_not_permitted() {
    let p = phone();
    let err = p.hearth.begin_enrollment("Sùng A Pà".into(), "444444".into()).err();
    assert!(matches!(err, Some(HearthError::NotPermitted { .. })), "{err:?}");
}

#[test]
fn the_recovery_key_is_set_while_provisioning_only_and_must_be_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db").to_str().unwrap().to_owned();
    let authority = Authority::generate().unwrap();
    let hearth = Hearth::create_insecure_fast_kdf(path, key(), authority.public_key()).unwrap();
    let err = hearth.set_recovery_key(vec![9; 31]).err();
    assert!(
        matches!(err, Some(HearthError::InvalidInput { ref field, .. }) if field == "recovery_key"),
        "{err:?}"
    );
    let err = hearth.set_recovery_key(vec![0; 32]).err();
    assert!(matches!(err, Some(HearthError::InvalidInput { .. })), "a low-order point: {err:?}");
    let province = hearth_core::store::RecoveryKey::generate().unwrap();
    hearth.set_recovery_key(province.public_key().0.to_vec()).unwrap();
    hearth.finish_provisioning().unwrap();
    let err = hearth.set_recovery_key(province.public_key().0.to_vec()).err();
    assert!(matches!(err, Some(HearthError::NotPermitted { .. })), "{err:?}");
}
