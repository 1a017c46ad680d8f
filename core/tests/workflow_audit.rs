//! The audit chain in the database file: any edit, deletion, reordering or
//! forged signature is found by `verify_audit`, naming the entry.

mod common;

use common::*;
use hearth_core::Error;
use hearth_core::workflow::{AuditBreak, BreakReason};

/// A phone with a few audited acts on it; returns it and the entry count.
fn audited() -> (Phone, usize) {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let mut h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    for note in ["a", "b", "c", "d"] {
        h.details.notes = note.into();
        h = s.update_household(&h).unwrap();
    }
    let n = p.store.verify_audit().unwrap();
    assert_eq!(n, 5);
    (p, n)
}

fn broken(p: &Phone) -> AuditBreak {
    match p.store.verify_audit() {
        Err(Error::Audit(b)) => b,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

fn sql(p: &Phone, stmt: &str) {
    rusqlite::Connection::open(&p.path).unwrap().execute_batch(stmt).unwrap();
}

#[test]
fn an_edited_entry_is_detected_and_named() {
    let (p, _) = audited();
    sql(&p, "UPDATE audit SET at = at + 1 WHERE seq = 3");
    assert_eq!(broken(&p), AuditBreak { seq: 3, reason: BreakReason::Content });
    let (p, _) = audited();
    sql(&p, "UPDATE audit SET action = 'household.delete' WHERE seq = 4");
    assert_eq!(broken(&p), AuditBreak { seq: 4, reason: BreakReason::Content });
}

#[test]
fn a_deleted_entry_is_detected_and_named() {
    let (p, _) = audited();
    sql(&p, "DELETE FROM audit WHERE seq = 2");
    assert_eq!(broken(&p).seq, 3);
    let (p, _) = audited();
    sql(&p, "DELETE FROM audit WHERE seq = 5");
    // Dropping the newest entry leaves a valid shorter chain: the count tells.
    assert_eq!(p.store.verify_audit().unwrap(), 4);
}

#[test]
fn reordered_entries_are_detected_and_named() {
    let (p, _) = audited();
    sql(
        &p,
        "UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -2;",
    );
    let b = broken(&p);
    assert_eq!(b.seq, 2);
}

#[test]
fn a_forged_signature_is_detected_and_named() {
    let (p, _) = audited();
    sql(&p, "UPDATE audit SET signature = (SELECT signature FROM audit WHERE seq = 1) WHERE seq = 4");
    assert_eq!(broken(&p), AuditBreak { seq: 4, reason: BreakReason::Signature });
}

#[test]
fn an_entry_rehashed_by_someone_without_the_key_is_detected() {
    let (p, _) = audited();
    // Re-point entry 3 to another actor (a real user) and fix nothing else.
    let c = rusqlite::Connection::open(&p.path).unwrap();
    c.execute("UPDATE audit SET actor = ?1 WHERE seq = 3", [p.supervisor.as_bytes()]).unwrap();
    assert_eq!(broken(&p), AuditBreak { seq: 3, reason: BreakReason::Content });
}

#[test]
fn audit_entries_hold_ids_not_personal_data() {
    let (p, _) = audited();
    let bytes: Vec<u8> = p
        .store
        .audit_entries()
        .unwrap()
        .iter()
        .flat_map(|e| [e.action.as_bytes(), &e.detail].concat())
        .collect();
    for needle in ["Vùi", "002084001234", "Nà Pó"] {
        assert!(!contains(&bytes, needle.as_bytes()));
    }
}
