//! Foreign traits implemented in Rust, as an app would in Kotlin or Swift: a
//! key provider that refuses or panics, a listener that cancels or panics.
//! None of them aborts the process or leaves anything half written.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use common::*;
use hearth_ffi::*;

struct Refusing;

impl KeyProvider for Refusing {
    fn device_secret(&self, _: String) -> Result<Vec<u8>, HearthError> {
        Err(HearthError::KeyProvider { reason: "keystore locked".into() })
    }
}

struct Panicking;

impl KeyProvider for Panicking {
    fn device_secret(&self, _: String) -> Result<Vec<u8>, HearthError> {
        panic!("keystore bug")
    }
}

struct Short;

impl KeyProvider for Short {
    fn device_secret(&self, _: String) -> Result<Vec<u8>, HearthError> {
        Ok(vec![1; 8])
    }
}

fn new_path() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db").to_str().unwrap().to_owned();
    (dir, path)
}

#[test]
fn a_refusing_key_provider_is_a_key_provider_error_with_its_reason() {
    let (_dir, path) = new_path();
    let err = Hearth::create(path.clone(), Arc::new(Refusing), vec![3; 32]).err();
    assert_eq!(err, Some(HearthError::KeyProvider { reason: "keystore locked".into() }));
    assert!(!std::path::Path::new(&path).exists(), "nothing is created without the device secret");
}

#[test]
fn a_panicking_key_provider_is_a_key_provider_error_not_an_abort() {
    let (_dir, path) = new_path();
    let err = Hearth::create(path, Arc::new(Panicking), vec![3; 32]).err();
    assert_eq!(err, Some(HearthError::KeyProvider { reason: "the key provider panicked".into() }));
}

#[test]
fn a_key_provider_that_fails_later_refuses_unlock_and_spends_no_attempt() {
    let p = phone();
    p.hearth.close_database();
    let refusing = Hearth::open_insecure_fast_kdf(p.path.clone(), Arc::new(Refusing)).unwrap();
    for _ in 0..6 {
        let err = refusing.unlock(p.officer.clone(), "111111".into()).err();
        assert!(matches!(err, Some(HearthError::KeyProvider { .. })), "{err:?}");
    }
    let again = Hearth::open_insecure_fast_kdf(p.path.clone(), key()).unwrap();
    assert!(again.unlock(p.officer.clone(), "111111".into()).is_ok());
}

#[test]
fn a_device_secret_under_16_bytes_is_refused() {
    let (_dir, path) = new_path();
    let err = Hearth::create(path, Arc::new(Short), vec![3; 32]).err();
    assert!(matches!(err, Some(HearthError::KeyProvider { .. })), "{err:?}");
}

/// Cancels when asked about step `at`; counts the calls.
struct CancelAt {
    at: u64,
    calls: AtomicU64,
}

impl ProgressListener for CancelAt {
    fn on_progress(&self, done: u64, _total: u64) -> bool {
        self.calls.fetch_add(1, Ordering::Relaxed);
        done < self.at
    }
}

struct PanickingListener;

impl ProgressListener for PanickingListener {
    fn on_progress(&self, _: u64, _: u64) -> bool {
        panic!("listener bug")
    }
}

/// A certified cycle with `n` poor households.
fn certified(n: usize) -> (Phone, Submitted) {
    let p = phone();
    let s = submitted(&p);
    s.supervisor.approve_interview(s.interview.id.clone()).unwrap();
    for _ in 1..n {
        let h = s.officer.create_household("01108-01".into(), couple()).unwrap();
        let iv = s.officer.start_interview(h.id, s.cycle.id.clone()).unwrap();
        let iv = s.officer.save_interview(iv.id, iv.revision, POOR_ANSWERS.into()).unwrap();
        s.officer.complete_interview(iv.id.clone()).unwrap();
        s.officer.submit_interview(iv.id.clone()).unwrap();
        s.supervisor.approve_interview(iv.id).unwrap();
    }
    s.supervisor.certify_cycle(s.cycle.id.clone()).unwrap();
    (p, s)
}

#[test]
fn an_export_reports_every_row_and_a_cancel_leaves_no_file() {
    let (p, s) = certified(3);
    let path = p.dir.path().join("poor.csv");
    let export = |listener: Arc<CancelAt>| {
        s.supervisor.export_list_csv(
            s.cycle.id.clone(),
            ListKind::Poor,
            path.to_str().unwrap().into(),
            Some(listener),
        )
    };
    let cancel = Arc::new(CancelAt { at: 2, calls: AtomicU64::new(0) });
    assert_eq!(export(cancel.clone()), Err(HearthError::Cancelled));
    assert_eq!(cancel.calls.load(Ordering::Relaxed), 3, "asked at 0, 1 and 2 of 3");
    assert!(!path.exists(), "a cancelled export writes nothing");
    assert_eq!(
        std::fs::read_dir(p.dir.path())
            .unwrap()
            .filter(|e| { e.as_ref().unwrap().file_name().to_string_lossy().contains("partial") })
            .count(),
        0,
        "and leaves no partial file"
    );
    let all = Arc::new(CancelAt { at: u64::MAX, calls: AtomicU64::new(0) });
    assert_eq!(export(all.clone()), Ok(3));
    assert_eq!(all.calls.load(Ordering::Relaxed), 4, "0, 1, 2 and 3 of 3");
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 4);
}

#[test]
fn a_panicking_listener_becomes_an_internal_error_and_the_session_goes_on() {
    let (p, s) = certified(1);
    let path = p.dir.path().join("poor.csv");
    let err = s.supervisor.export_list_csv(
        s.cycle.id.clone(),
        ListKind::Poor,
        path.to_str().unwrap().into(),
        Some(Arc::new(PanickingListener)),
    );
    assert!(matches!(err, Err(HearthError::Internal { .. })), "{err:?}");
    assert!(!path.exists());
    assert!(!p.dir.path().join("poor.csv.partial").exists(), "the partial file goes too");
    assert_eq!(s.supervisor.list(s.cycle.id.clone(), ListKind::Poor).unwrap().len(), 1);
}

#[test]
fn an_export_to_a_missing_directory_names_the_path() {
    let (p, s) = certified(1);
    let path = p.dir.path().join("no-such-dir").join("poor.csv");
    let err =
        s.supervisor.export_list_csv(s.cycle.id.clone(), ListKind::Poor, path.to_str().unwrap().into(), None);
    assert!(matches!(&err, Err(HearthError::InvalidInput { field, .. }) if field == "path"), "{err:?}");
}
