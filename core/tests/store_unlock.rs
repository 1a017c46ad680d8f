//! Unlocking: PINs, lockout, device keys, certificates.

mod common;

use chrono::Duration;
use common::*;
use hearth_core::Error;
use hearth_core::identity::{CertificateError, Role};
use hearth_core::store::{DEFAULT_KDF_ITERATIONS, Store, StoreOptions};
use std::sync::Arc;

#[test]
fn wrong_pin_is_a_typed_error_and_unlocks_nothing() {
    let p = phone();
    let err = p.store.unlock(p.officer, &pin("999999")).err().unwrap();
    assert!(matches!(err, Error::WrongPin { attempts_left: 4 }), "{err:?}");
    assert!(p.store.unlock(p.officer, &pin("111111")).is_ok());
}

#[test]
fn repeated_wrong_pins_lock_out_with_a_growing_delay() {
    let p = phone();
    for left in (1..5).rev() {
        assert!(
            matches!(p.store.unlock(p.officer, &pin("000000")), Err(Error::WrongPin { attempts_left }) if attempts_left == left)
        );
    }
    assert!(matches!(
        p.store.unlock(p.officer, &pin("000000")),
        Err(Error::LockedOut { retry_after_secs: 30 })
    ));
    // While locked out even the right PIN is refused, and no KDF runs.
    let runs = p.store.kdf_runs();
    assert!(matches!(p.store.unlock(p.officer, &pin("111111")), Err(Error::LockedOut { .. })));
    assert_eq!(p.store.kdf_runs(), runs);
    p.clock.advance(Duration::seconds(31));
    assert!(matches!(
        p.store.unlock(p.officer, &pin("000000")),
        Err(Error::LockedOut { retry_after_secs: 60 })
    ));
    p.clock.advance(Duration::seconds(61));
    // The other user is not affected; the right PIN after the delay works and resets.
    assert!(p.store.unlock(p.supervisor, &pin("222222")).is_ok());
    assert!(p.store.unlock(p.officer, &pin("111111")).is_ok());
    assert!(matches!(p.store.unlock(p.officer, &pin("000000")), Err(Error::WrongPin { attempts_left: 4 })));
}

#[test]
fn lockout_survives_reopening_the_file() {
    let p = phone();
    for _ in 0..5 {
        let _ = p.store.unlock(p.officer, &pin("000000"));
    }
    drop(p.store);
    let store = Store::open(&p.path, provider(), options(&p.clock)).unwrap();
    assert!(matches!(store.unlock(p.officer, &pin("111111")), Err(Error::LockedOut { .. })));
}

#[test]
fn right_pin_after_reopening_gives_the_data_back() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    drop(s);
    drop(p.store);
    let store = Store::open(&p.path, provider(), options(&p.clock)).unwrap();
    let s = store.unlock(p.officer, &pin("111111")).unwrap();
    assert_eq!(s.household(h.id).unwrap(), h);
}

#[test]
fn the_pin_kdf_runs_exactly_once_per_unlock() {
    let p = phone();
    let before = p.store.kdf_runs();
    let _s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    assert_eq!(p.store.kdf_runs(), before + 1);
    let _ = p.store.unlock(p.officer, &pin("123123"));
    assert_eq!(p.store.kdf_runs(), before + 2);
}

#[test]
fn a_wrong_device_secret_is_a_key_mismatch_not_a_wrong_pin() {
    let p = phone();
    drop(p.store);
    let store = Store::open(&p.path, Arc::new(FixedKey([8u8; 32])), options(&p.clock)).unwrap();
    assert!(matches!(store.unlock(p.officer, &pin("111111")), Err(Error::KeyMismatch)));
    // No attempt was counted against the user.
    let store = Store::open(&p.path, provider(), options(&p.clock)).unwrap();
    for _ in 0..3 {
        let _ = Store::open(&p.path, Arc::new(FixedKey([8u8; 32])), options(&p.clock))
            .unwrap()
            .unlock(p.officer, &pin("111111"));
    }
    assert!(matches!(store.unlock(p.officer, &pin("000000")), Err(Error::WrongPin { attempts_left: 4 })));
}

#[test]
fn a_replaced_canary_is_detected_as_a_key_mismatch() {
    let p = phone();
    drop(p.store);
    {
        let c = rusqlite::Connection::open(&p.path).unwrap();
        // Another database's canary: sealed under a different data key.
        let other = phone();
        let theirs: Vec<u8> = rusqlite::Connection::open(&other.path)
            .unwrap()
            .query_row("SELECT value FROM meta WHERE key = 'canary'", [], |r| r.get(0))
            .unwrap();
        c.execute("UPDATE meta SET value = ?1 WHERE key = 'canary'", [theirs]).unwrap();
    }
    let store = Store::open(&p.path, provider(), options(&p.clock)).unwrap();
    assert!(matches!(store.unlock(p.officer, &pin("111111")), Err(Error::KeyMismatch)));
}

#[test]
fn change_pin_needs_the_old_pin_and_retires_it() {
    let p = phone();
    assert!(matches!(
        p.store.change_pin(p.officer, &pin("000000"), &pin("333333")),
        Err(Error::WrongPin { .. })
    ));
    p.store.change_pin(p.officer, &pin("111111"), &pin("333333")).unwrap();
    assert!(matches!(p.store.unlock(p.officer, &pin("111111")), Err(Error::WrongPin { .. })));
    let s = p.store.unlock(p.officer, &pin("333333")).unwrap();
    assert_eq!(s.role(), Role::Officer);
}

#[test]
fn certificates_that_are_tampered_foreign_or_expired_are_refused() {
    let p = phone();
    let other = hearth_core::identity::Authority::generate().unwrap();
    // A user enrolled here, certified by another authority.
    let store =
        Store::create(&p.dir.path().join("b.db"), provider(), p.authority.public_key(), options(&p.clock))
            .unwrap();
    let req = store.begin_enrollment("Giàng A Lử", &pin("444444")).unwrap();
    let now = p.clock.now_for_tests();
    let foreign =
        other.issue(&req, Role::Officer, vec!["01108".into()], now, now + Duration::days(1)).unwrap();
    assert!(matches!(
        store.install_certificate(&foreign.to_bytes().unwrap()),
        Err(Error::Certificate(CertificateError::WrongAuthority))
    ));
    let mut tampered =
        p.authority.issue(&req, Role::Officer, vec!["01108".into()], now, now + Duration::days(1)).unwrap();
    tampered.body.role = Role::Administrator;
    assert!(matches!(
        store.install_certificate(&tampered.to_bytes().unwrap()),
        Err(Error::Certificate(CertificateError::BadSignature))
    ));
    let expired = p
        .authority
        .issue(&req, Role::Officer, vec!["01108".into()], now - Duration::days(10), now - Duration::days(1))
        .unwrap();
    assert!(matches!(
        store.install_certificate(&expired.to_bytes().unwrap()),
        Err(Error::Certificate(CertificateError::Expired))
    ));
    assert!(matches!(
        store.install_certificate(b"\x01\x02garbage"),
        Err(Error::Certificate(CertificateError::Malformed))
    ));
    // Nothing was installed: the user cannot unlock.
    let id = store.users().unwrap()[0].id;
    assert!(matches!(store.unlock(id, &pin("444444")), Err(Error::NotPermitted { .. })));
    // A good certificate then works, until it expires.
    let good =
        p.authority.issue(&req, Role::Officer, vec!["01108".into()], now, now + Duration::days(1)).unwrap();
    store.install_certificate(&good.to_bytes().unwrap()).unwrap();
    assert!(store.unlock(id, &pin("444444")).is_ok());
    p.clock.advance(Duration::days(2));
    assert!(matches!(store.unlock(id, &pin("444444")), Err(Error::Certificate(CertificateError::Expired))));
}

#[test]
fn a_certificate_for_other_keys_is_refused() {
    let p = phone();
    let store =
        Store::create(&p.dir.path().join("c.db"), provider(), p.authority.public_key(), options(&p.clock))
            .unwrap();
    let mine = store.begin_enrollment("A", &pin("444444")).unwrap();
    let mut theirs = store.begin_enrollment("B", &pin("555555")).unwrap();
    theirs.user_id = mine.user_id; // a request for B's keys under A's id
    let proof_ok = p.authority.issue(
        &theirs,
        Role::Officer,
        vec!["01108".into()],
        p.clock.now_for_tests(),
        p.clock.now_for_tests() + Duration::days(1),
    );
    // The proof of possession covers the id, so the authority refuses it.
    assert!(proof_ok.is_err());
}

#[test]
fn enrollment_needs_provisioning_or_an_administrator() {
    let p = phone();
    assert!(matches!(p.store.begin_enrollment("X", &pin("555555")), Err(Error::NotPermitted { .. })));
    let officer = p.store.unlock(p.officer, &pin("111111")).unwrap();
    assert!(matches!(officer.begin_enrollment("X", &pin("555555")), Err(Error::NotPermitted { .. })));
    assert!(matches!(officer.import_units_csv(VILLAGES), Err(Error::NotPermitted { .. })));
}

#[test]
fn the_default_kdf_is_at_least_600k_and_cannot_be_lowered() {
    assert!(StoreOptions::default().kdf_iterations() >= 600_000);
    assert_eq!(DEFAULT_KDF_ITERATIONS, 600_000);
    assert!(StoreOptions::default().with_kdf_iterations(599_999).is_err());
    assert_eq!(StoreOptions::default().with_kdf_iterations(1_000_000).unwrap().kdf_iterations(), 1_000_000);
}
