//! The recovery wrap: a province's key recovers a phone whose keystore was
//! lost, a wrong key changes nothing, only provisioning or an administrator
//! sets the key, and a database from before the wrap existed upgrades.

mod common;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use common::*;
use hearth_core::Error;
use hearth_core::clock::ManualClock;
use hearth_core::identity::{Authority, Role};
use hearth_core::store::{RecoveryKey, Store};
use uuid::Uuid;

/// A phone with an officer (111111), a supervisor (222222) and an
/// administrator (999999) of 01108; the data key is wrapped to `province`.
struct Recoverable {
    phone: Phone,
    admin: Uuid,
    province: RecoveryKey,
}

fn recoverable() -> Recoverable {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).unwrap()));
    let authority = Authority::generate().unwrap();
    let store = Store::create(&path, provider(), authority.public_key(), options(&clock)).unwrap();
    store.import_units_csv(XIN_MAN).unwrap();
    store.import_units_csv(VILLAGES).unwrap();
    let officer = enrol(&store, &authority, "Lò Văn Tú", "111111", Role::Officer, &["01108"]);
    let supervisor = enrol(&store, &authority, "Vàng Thị Mai", "222222", Role::Supervisor, &["01108"]);
    let admin = enrol(&store, &authority, "Nguyễn Văn Quản", "999999", Role::Administrator, &["01108"]);
    let province = RecoveryKey::generate().unwrap();
    store.set_recovery_key(&province.public_key()).unwrap();
    store.finish_provisioning();
    let phone = Phone {
        dir,
        path,
        authority,
        clock,
        store,
        officer,
        supervisor,
        officer2: officer,
        outsider: officer,
        supervisor_away: supervisor,
    };
    Recoverable { phone, admin, province }
}

fn failed_attempts(path: &std::path::Path, user: Uuid) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT failed_attempts FROM users WHERE id = ?1", [user.as_bytes()], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_province_recovers_a_phone_whose_keystore_was_reset_and_its_unsynced_work_reaches_a_supervisor() {
    let r = recoverable();
    let p = &r.phone;
    // Work that exists only on this phone: a cycle, a household, an interview.
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let cycle = open_cycle_2026(&sup);
    drop(sup);
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let iv = submit_interview(&s, &h, cycle, 5_000_000, true);
    drop(s);

    // The keystore is reset: the device secret is new, nobody can unlock.
    let reset: Arc<FixedKey> = Arc::new(FixedKey([9u8; 32]));
    let broken = Store::open(&p.path, reset.clone(), options(&p.clock)).unwrap();
    assert!(matches!(broken.unlock(p.officer, &pin("111111")), Err(Error::KeyMismatch)));
    drop(broken);

    // The province recovers it and enrols a user, who sees everything.
    let store = Store::recover(&p.path, reset.clone(), &r.province, options(&p.clock)).unwrap();
    let rescuer = enrol(&store, &p.authority, "Lò Văn Tú", "246810", Role::Officer, &["01108"]);
    store.finish_provisioning();
    let s = store.unlock(rescuer, &pin("246810")).unwrap();
    assert_eq!(s.find_households("Vùi Văn Sình").unwrap(), vec![h.clone()]);
    assert_eq!(s.interview(iv.id).unwrap().answers, iv.answers);

    // The old users' wraps are void: a key mismatch, no KDF run, no attempt.
    let runs = store.kdf_runs();
    for (user, p_) in [(p.officer, "111111"), (p.supervisor, "222222"), (r.admin, "999999")] {
        assert!(matches!(store.unlock(user, &pin(p_)), Err(Error::KeyMismatch)));
        assert_eq!(failed_attempts(&p.path, user), 0);
    }
    assert_eq!(store.kdf_runs(), runs);

    // The supervisor's phone receives the unsynced work, signed by its authors.
    let sup_path = p.dir.path().join("supervisor.db");
    let sup_store =
        Store::create(&sup_path, provider(), p.authority.public_key(), options(&p.clock)).unwrap();
    sup_store.import_units_csv(XIN_MAN).unwrap();
    sup_store.import_units_csv(VILLAGES).unwrap();
    let away = enrol(&sup_store, &p.authority, "Hoàng Văn Chư", "555555", Role::Supervisor, &["01108"]);
    sup_store.finish_provisioning();
    let sup = sup_store.unlock(away, &pin("555555")).unwrap();
    store.add_certificate(&sup.certificate().to_bytes().unwrap()).unwrap();
    sup_store.add_certificate(&s.certificate().to_bytes().unwrap()).unwrap();
    let packet = s.export_for(Uuid::parse_str(sup_store.store_id()).unwrap(), &[away]).unwrap();
    let got = sup.import(&packet).unwrap();
    assert_eq!(got.conflicts, 0);
    let there = sup.interview(iv.id).unwrap();
    assert_eq!(there.officer_id, p.officer, "still the original officer's interview");
    assert_eq!(there.status, hearth_core::workflow::Status::Submitted);
    assert_eq!(sup.household(h.id).unwrap(), h);
}

#[test]
fn a_wrong_recovery_key_is_refused_and_changes_nothing() {
    let r = recoverable();
    let p = &r.phone;
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    drop(s);
    let before = db_snapshot(&p.path);
    let reset: Arc<FixedKey> = Arc::new(FixedKey([9u8; 32]));
    let wrong = RecoveryKey::generate().unwrap();
    let err = Store::recover(&p.path, reset, &wrong, options(&p.clock)).err().unwrap();
    assert!(matches!(err, Error::RecoveryKeyMismatch), "{err:?}");
    assert_eq!(changed_tables(&before, &db_snapshot(&p.path)), Vec::<String>::new());
    // The phone still works as before.
    assert!(p.store.unlock(p.officer, &pin("111111")).is_ok());
}

#[test]
fn a_database_without_a_recovery_wrap_cannot_be_recovered() {
    let p = phone();
    let before = db_snapshot(&p.path);
    let err = Store::recover(&p.path, provider(), &RecoveryKey::generate().unwrap(), options(&p.clock))
        .err()
        .unwrap();
    assert!(matches!(err, Error::NotFound { kind: "recovery wrap" }), "{err:?}");
    assert_eq!(changed_tables(&before, &db_snapshot(&p.path)), Vec::<String>::new());
}

#[test]
fn recovery_on_the_same_keystore_keeps_every_user_working() {
    // An officer forgot their PIN: the province recovers on the same phone
    // and enrols them again; colleagues keep their PINs.
    let r = recoverable();
    let p = &r.phone;
    let store = Store::recover(&p.path, provider(), &r.province, options(&p.clock)).unwrap();
    let again = enrol(&store, &p.authority, "Lò Văn Tú", "135790", Role::Officer, &["01108"]);
    store.finish_provisioning();
    assert!(store.unlock(again, &pin("135790")).is_ok());
    assert!(store.unlock(p.supervisor, &pin("222222")).is_ok());
    assert!(store.unlock(r.admin, &pin("999999")).is_ok());
}

#[test]
fn only_provisioning_or_an_administrator_sets_the_recovery_key_and_a_replaced_key_no_longer_recovers() {
    let r = recoverable();
    let p = &r.phone;
    assert_eq!(p.store.recovery_key().unwrap(), Some(r.province.public_key()));
    let next = RecoveryKey::generate().unwrap();
    let err = p.store.set_recovery_key(&next.public_key()).err().unwrap();
    assert!(matches!(err, Error::NotPermitted { .. }), "{err:?}");
    let officer = p.store.unlock(p.officer, &pin("111111")).unwrap();
    assert!(matches!(officer.set_recovery_key(&next.public_key()), Err(Error::NotPermitted { .. })));
    drop(officer);

    let admin = p.store.unlock(r.admin, &pin("999999")).unwrap();
    admin.set_recovery_key(&next.public_key()).unwrap();
    drop(admin);
    assert_eq!(p.store.recovery_key().unwrap(), Some(next.public_key()));
    assert!(p.store.audit_entries().unwrap().iter().any(|e| e.action == "recovery.set"));
    p.store.verify_audit().unwrap();

    let err = Store::recover(&p.path, provider(), &r.province, options(&p.clock)).err().unwrap();
    assert!(matches!(err, Error::RecoveryKeyMismatch), "{err:?}");
    assert!(Store::recover(&p.path, provider(), &next, options(&p.clock)).is_ok());
}

#[test]
fn a_database_from_before_the_recovery_wrap_upgrades_unlocks_and_gets_a_wrap_from_an_administrator() {
    let r = recoverable();
    let p = &r.phone;
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    drop(s);
    // Take the file back to schema 4, the last before the recovery wrap.
    {
        let c = rusqlite::Connection::open(&p.path).unwrap();
        c.execute_batch(
            "DROP TABLE recovery; ALTER TABLE users DROP COLUMN wrap_void; PRAGMA user_version = 4;",
        )
        .unwrap();
    }
    let store = Store::open(&p.path, provider(), options(&p.clock)).unwrap();
    assert_eq!(store.schema_version().unwrap(), i64::from(hearth_core::store::schema::VERSION));
    assert_eq!(store.recovery_key().unwrap(), None);
    let s = store.unlock(p.officer, &pin("111111")).unwrap();
    assert_eq!(s.household(h.id).unwrap(), h);
    drop(s);
    let admin = store.unlock(r.admin, &pin("999999")).unwrap();
    admin.set_recovery_key(&r.province.public_key()).unwrap();
    drop(admin);
    assert!(Store::recover(&p.path, provider(), &r.province, options(&p.clock)).is_ok());
}
