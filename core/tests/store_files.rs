//! What lands on disk: no personal data in clear, sealed blobs bound to their
//! place, corrupt files quarantined, newer schemas refused.

mod common;

use common::*;
use hearth_core::Error;
use hearth_core::store::Store;

#[test]
fn names_and_id_numbers_never_reach_the_database_or_wal_bytes() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let name = "Thào Thị Xuyếnzzq";
    let id = "038190004217";
    let mut h = s.create_household("01108-01", family(name, id)).unwrap();
    h.details.notes = "Ghi chú riêng tư zzq".into();
    s.update_household(&h).unwrap();
    assert_eq!(s.find_households(name).unwrap().len(), 1);
    // Check while the WAL still holds the writes, then after a checkpoint.
    for _ in 0..2 {
        let bytes = file_bytes(&p.path);
        assert!(bytes.len() > 4096);
        for needle in [name, id, "Xuyếnzzq", "riêng tư zzq", "0912345678", "Lù Thị Sẻ"] {
            assert!(!contains(&bytes, needle.as_bytes()), "{needle:?} found in clear");
        }
        // The normalised (search) forms are not there either.
        assert!(!contains(&bytes, b"thao thi xuyenzzq"));
        rusqlite::Connection::open(&p.path)
            .unwrap()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
}

#[test]
fn a_sealed_blob_copied_to_another_row_does_not_open() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let a = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let b = s.create_household("01108-01", family("Lò Văn Páo", "002084005678")).unwrap();
    let c = rusqlite::Connection::open(&p.path).unwrap();
    c.execute(
        "UPDATE households SET record = (SELECT record FROM households WHERE id = ?1) WHERE id = ?2",
        [a.id.as_bytes(), b.id.as_bytes()],
    )
    .unwrap();
    let err = s.household(b.id).unwrap_err();
    assert!(matches!(err, Error::Unseal { table: "households", column: "record" }), "{err:?}");
    assert_eq!(s.household(a.id).unwrap(), a, "the source row still opens");
}

#[test]
fn a_sealed_blob_copied_to_another_column_or_schema_version_does_not_open() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let c = rusqlite::Connection::open(&p.path).unwrap();
    // A user's wrapped key moved into a household's record column.
    c.execute(
        "UPDATE households SET record = (SELECT wrapped_dek FROM users LIMIT 1) WHERE id = ?1",
        [h.id.as_bytes()],
    )
    .unwrap();
    assert!(matches!(s.household(h.id), Err(Error::Unseal { .. })));
    let h2 = s.create_household("01108-01", family("Lò Văn Páo", "002084005678")).unwrap();
    c.execute("UPDATE households SET sv = sv + 1 WHERE id = ?1", [h2.id.as_bytes()]).unwrap();
    assert!(matches!(s.household(h2.id), Err(Error::Unseal { .. })));
}

#[test]
fn a_garbage_file_is_quarantined_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    let garbage: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let clock = std::sync::Arc::new(hearth_core::clock::ManualClock::new(chrono::Utc::now()));
    let err = Store::open(&path, provider(), options(&clock)).err().unwrap();
    let Error::Corrupt { quarantined_to } = err else { panic!("{err:?}") };
    assert!(!path.exists());
    assert_eq!(std::fs::read(&quarantined_to).unwrap(), garbage, "moved intact");
    assert!(quarantined_to.file_name().unwrap().to_str().unwrap().starts_with("phone.db.corrupt-"));
}

#[test]
fn a_truncated_database_is_quarantined_with_its_wal() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    for i in 0..40 {
        s.create_household("01108-01", family("Vùi Văn Sình", &format!("0020840{i:05}"))).unwrap();
    }
    drop(s);
    drop(p.store);
    let c = rusqlite::Connection::open(&p.path).unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    let full = std::fs::read(&p.path).unwrap();
    std::fs::write(&p.path, &full[..full.len() / 2]).unwrap();
    let err = Store::open(&p.path, provider(), options(&p.clock)).err().unwrap();
    let Error::Corrupt { quarantined_to } = err else { panic!("{err:?}") };
    assert!(!p.path.exists());
    assert_eq!(std::fs::read(&quarantined_to).unwrap(), &full[..full.len() / 2]);
}

#[test]
fn a_database_from_a_newer_schema_is_refused_untouched() {
    let p = phone();
    drop(p.store);
    let c = rusqlite::Connection::open(&p.path).unwrap();
    let newer = hearth_core::store::schema::VERSION + 1;
    c.pragma_update(None, "user_version", newer).unwrap();
    drop(c);
    let err = Store::open(&p.path, provider(), options(&p.clock)).err().unwrap();
    assert!(matches!(err, Error::SchemaTooNew { found, .. } if found == i64::from(newer)), "{err:?}");
    assert!(p.path.exists(), "not quarantined");
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let p = phone();
    let err = Store::create(&p.path, provider(), p.authority.public_key(), options(&p.clock)).err().unwrap();
    assert!(matches!(err, Error::AlreadyExists { .. }));
    assert!(Store::open(&p.path, provider(), options(&p.clock)).is_ok());
}

#[test]
fn a_database_is_in_wal_mode_on_sqlite_3_51_3_or_later() {
    let p = phone();
    let w = p.store.schema_version().unwrap();
    assert_eq!(w, i64::from(hearth_core::store::schema::VERSION));
    let c = rusqlite::Connection::open(&p.path).unwrap();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let v: String = c.query_row("SELECT sqlite_version()", [], |r| r.get(0)).unwrap();
    let parts: Vec<u32> = v.split('.').map(|x| x.parse().unwrap()).collect();
    assert!(parts >= vec![3, 51, 3], "SQLite {v} is older than 3.51.3");
}
