//! Photos and other attachments: sealed in chunks, carried with their
//! interview, no orphaned bytes after delete or replace, a size limit.

mod common;

use chrono::NaiveDate;
use common::*;
use hearth_core::Error;
use hearth_core::form::Value;
use hearth_core::store::{AttachmentKind, CHUNK_BYTES, MAX_ATTACHMENT_BYTES, Session};
use hearth_core::workflow::{CycleKind, Interview, NewCycle};

fn started(p: &Phone) -> (Session, Session, Interview) {
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let off = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let cycle = sup
        .open_cycle(NewCycle {
            year: 2026,
            kind: CycleKind::Periodic,
            standard_id: "vn-2022".into(),
            units: vec!["01108".into()],
            reference_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        })
        .unwrap();
    let h = off.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let iv = off.start_interview(h.id, cycle.id).unwrap();
    (off, sup, iv)
}

fn photo(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

fn rows(p: &Phone) -> (i64, i64) {
    let c = rusqlite::Connection::open(&p.path).unwrap();
    let a = c.query_row("SELECT count(*) FROM attachments", [], |r| r.get(0)).unwrap();
    let b = c.query_row("SELECT count(*) FROM attachment_chunks", [], |r| r.get(0)).unwrap();
    (a, b)
}

#[test]
fn a_photo_is_sealed_in_chunks_and_reads_back_whole() {
    let p = phone();
    let (off, _, iv) = started(&p);
    let bytes = photo(2 * CHUNK_BYTES + 1000, 7);
    let id = off.attach(iv.id, AttachmentKind::Photo, &bytes).unwrap();
    assert_eq!(rows(&p), (1, 3));
    assert_eq!(off.attachment(id).unwrap(), bytes);
    let listed = off.attachments(iv.id).unwrap();
    assert_eq!((listed[0].id, listed[0].size), (id, bytes.len()));
    // Referenced from the answers like any photo question.
    let mut answers = iv.answers.clone();
    answers.set("house_photo", Value::Photo(id.to_string()));
    off.save_interview(iv.id, iv.revision, answers).unwrap();
    // The image bytes are not in the file in clear.
    assert!(!contains(&file_bytes(&p.path), &bytes[1000..1064]));
}

#[test]
fn replacing_and_deleting_leave_no_orphaned_chunks() {
    let p = phone();
    let (off, _, iv) = started(&p);
    let id = off.attach(iv.id, AttachmentKind::Photo, &photo(3 * CHUNK_BYTES, 1)).unwrap();
    assert_eq!(rows(&p), (1, 3));
    let smaller = photo(CHUNK_BYTES / 2, 2);
    off.replace_attachment(id, &smaller).unwrap();
    assert_eq!(rows(&p), (1, 1));
    assert_eq!(off.attachment(id).unwrap(), smaller);
    off.delete_attachment(id).unwrap();
    assert_eq!(rows(&p), (0, 0));
    assert!(matches!(off.attachment(id), Err(Error::NotFound { .. })));
}

#[test]
fn an_attachment_over_the_limit_is_refused_and_nothing_is_written() {
    let p = phone();
    let (off, _, iv) = started(&p);
    let err = off.attach(iv.id, AttachmentKind::Photo, &photo(MAX_ATTACHMENT_BYTES + 1, 0)).unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: MAX_ATTACHMENT_BYTES, .. }), "{err:?}");
    assert!(matches!(off.attach(iv.id, AttachmentKind::Photo, &[]), Err(Error::Invalid { .. })));
    assert_eq!(rows(&p), (0, 0));
    assert!(off.attach(iv.id, AttachmentKind::Photo, &photo(MAX_ATTACHMENT_BYTES, 0)).is_ok());
}

#[test]
fn only_the_owner_changes_attachments_and_only_while_editable() {
    let p = phone();
    let (off, sup, iv) = started(&p);
    let id = off.attach(iv.id, AttachmentKind::Document, &photo(100, 3)).unwrap();
    let other = p.store.unlock(p.officer2, &pin("333333")).unwrap();
    assert!(matches!(other.delete_attachment(id), Err(Error::NotPermitted { .. })));
    assert_eq!(sup.attachment(id).unwrap().len(), 100, "a supervisor in scope may read it");
    let outsider = p.store.unlock(p.outsider, &pin("444444")).unwrap();
    assert!(matches!(outsider.attachment(id), Err(Error::NotFound { .. })));
    let h = off.household(iv.household_id).unwrap();
    let iv = off.save_interview(iv.id, iv.revision, answers_for(&h, 5_000_000, true)).unwrap();
    off.complete_interview(iv.id).unwrap();
    off.submit_interview(iv.id).unwrap();
    assert!(matches!(
        off.attach(iv.id, AttachmentKind::Photo, &photo(10, 0)),
        Err(Error::IllegalTransition { .. })
    ));
    assert!(matches!(off.delete_attachment(id), Err(Error::IllegalTransition { .. })));
    assert_eq!(rows(&p), (1, 1));
}
