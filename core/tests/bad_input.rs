//! The bad-input sweep: every public entry point that takes outside input,
//! given malformed or refused input, answers with one specific typed error and
//! leaves the database exactly as it was.
//!
//! One table of rows, each named "entry point: input". Before and after each
//! row the test reads every row of every table through its own connection
//! (`common::db_snapshot`); the only row allowed to write is a wrong PIN, which
//! must count exactly one attempt against that user and nothing else. Every
//! failing row is reported at once, by name.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::*;
use hearth_core::Error;
use hearth_core::clock::ManualClock;
use hearth_core::form::{Answers, FieldProblem, Form, FormError};
use hearth_core::household::{GeoPoint, HouseholdDetails, Relationship};
use hearth_core::identity::{Authority, Certificate, CertificateError, EnrollmentRequest, Role};
use hearth_core::scoring::{ScoringError, Standard};
use hearth_core::store::{
    AttachmentKind, KeyProvider, KeyProviderError, MAX_ATTACHMENT_BYTES, RecoveryKey, RecoveryPublicKey,
    Session, Store, StoreOptions,
};
use hearth_core::sync::PacketError;
use hearth_core::sync::frames::{self, FrameError, Reassembly};
use hearth_core::workflow::{CycleKind, NewComment, NewCycle};
use ring::signature::{Ed25519KeyPair, KeyPair};
use uuid::Uuid;
use zeroize::Zeroizing;

/// A key provider that refuses, as a locked keystore does.
struct Refusing;

impl KeyProvider for Refusing {
    fn device_secret(&self, _: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Err(KeyProviderError { reason: "the keystore is locked".into() })
    }
}

/// A key provider whose secret is too short to be one.
struct Short;

impl KeyProvider for Short {
    fn device_secret(&self, _: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Ok(Zeroizing::new(vec![1u8; 8]))
    }
}

/// A provisioned phone with work in every state the rows need.
struct World {
    dir: tempfile::TempDir,
    path: PathBuf,
    clock: Arc<ManualClock>,
    authority: Authority,
    store: Store,
    officer: Uuid,
    supervisor: Uuid,
    officer2: Uuid,
    outsider: Uuid,
    locked: Uuid,
    pending: EnrollmentRequest,
    off: Session,
    sup: Session,
    off2: Session,
    out: Session,
    adm: Session,
    /// Open, 2026, over 01108.
    cycle: Uuid,
    /// Certified, 2025, over 01108.
    certified: Uuid,
    /// Open, over the village 01108-02 only.
    cycle_v2: Uuid,
    /// h1's draft in `cycle`, with an attachment.
    draft: Uuid,
    attachment: Uuid,
    /// h2's submitted interview, h3's approved one, h1's certified one (2025),
    /// and the supervisor's own submitted interview of h5.
    submitted: Uuid,
    approved: Uuid,
    certified_iv: Uuid,
    own: Uuid,
    h1: hearth_core::household::Household,
    /// Assigned to officer2 in `cycle`; not started.
    h4: Uuid,
    /// A household of 01096-01, outside the officer's scope.
    h_out: Uuid,
    /// A packet for the supervisor, not imported; one already imported; one
    /// for officer2.
    packet: Vec<u8>,
    imported: Vec<u8>,
    for_officer2: Vec<u8>,
    /// The first frame of `packet`.
    frame: Vec<u8>,
    /// A good certificate for the pending user, not installed.
    good_cert: Vec<u8>,
    /// Complete answers for h1.
    answers: Answers,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).unwrap()));
    let authority = Authority::generate().unwrap();
    let store = Store::create(&path, provider(), authority.public_key(), options(&clock)).unwrap();
    store.import_units_csv(XIN_MAN).unwrap();
    store.import_units_csv(VILLAGES).unwrap();
    let officer = enrol(&store, &authority, "Lò Văn Tú", "111111", Role::Officer, &["01108"]);
    let supervisor = enrol(&store, &authority, "Vàng Thị Mai", "222222", Role::Supervisor, &["01108"]);
    let officer2 = enrol(&store, &authority, "Sùng A Pà", "333333", Role::Officer, &["01108"]);
    let outsider = enrol(&store, &authority, "Giàng A Lử", "444444", Role::Officer, &["01096"]);
    let admin = enrol(&store, &authority, "Nguyễn Văn Quản", "999999", Role::Administrator, &["01108"]);
    let locked = enrol(&store, &authority, "Ma Văn Khóa", "777777", Role::Officer, &["01108"]);
    let pending = store.begin_enrollment("Chờ Cấp", &pin("888888")).unwrap();
    let province = RecoveryKey::generate().unwrap();
    store.set_recovery_key(&province.public_key()).unwrap();
    store.finish_provisioning();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE users SET locked_until = 4102444800 WHERE id = ?1", [locked.as_bytes()])
        .unwrap();

    let off = store.unlock(officer, &pin("111111")).unwrap();
    let sup = store.unlock(supervisor, &pin("222222")).unwrap();
    let off2 = store.unlock(officer2, &pin("333333")).unwrap();
    let out = store.unlock(outsider, &pin("444444")).unwrap();
    let adm = store.unlock(admin, &pin("999999")).unwrap();

    let new_cycle = |year: i32, kind: CycleKind, date: (i32, u32, u32), units: &[&str]| NewCycle {
        year,
        kind,
        standard_id: "vn-2022".into(),
        units: units.iter().map(|u| u.to_string()).collect(),
        reference_date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
    };
    let certified =
        sup.open_cycle(new_cycle(2025, CycleKind::Periodic, (2025, 10, 1), &["01108"])).unwrap().id;
    let cycle = sup.open_cycle(new_cycle(2026, CycleKind::Periodic, (2026, 10, 1), &["01108"])).unwrap().id;
    let cycle_v2 = sup
        .open_cycle(new_cycle(2026, CycleKind::Regular { month: 7 }, (2026, 7, 15), &["01108-02"]))
        .unwrap()
        .id;

    let house = |s: &Session, village: &str, head: &str, id: &str| {
        s.create_household(village, family(head, id)).unwrap()
    };
    let h1 = house(&off, "01108-01", "Vùi Văn Sình", "002084001234");
    let h2 = house(&off, "01108-01", "Lò Văn Páo", "002084005678");
    let h3 = house(&off, "01108-01", "Hầu A Dình", "002084009012");
    let h4 = house(&off, "01108-01", "Thào A Tủa", "002084003456");
    let h5 = house(&sup, "01108-01", "Ly Thị Mỷ", "002084007890");
    let h_out = house(&out, "01096-01", "Giàng Thị Dế", "002084002345").id;

    let certified_iv = submit_interview(&off, &h1, certified, 5_000_000, true).id;
    sup.approve_interview(certified_iv).unwrap();
    sup.certify_cycle(certified).unwrap();
    let draft = off.start_interview(h1.id, cycle).unwrap().id;
    let attachment = off.attach(draft, AttachmentKind::Photo, b"\xff\xd8 a small photo").unwrap();
    let submitted = submit_interview(&off, &h2, cycle, 5_000_000, true).id;
    let approved = submit_interview(&off, &h3, cycle, 5_000_000, true).id;
    sup.approve_interview(approved).unwrap();
    let own = submit_interview(&sup, &h5, cycle, 5_000_000, true).id;
    sup.assign(cycle, &[h4.id], officer2).unwrap();

    let here = Uuid::parse_str(store.store_id()).unwrap();
    let packet = off.export_for(here, &[supervisor]).unwrap();
    let imported = off.export_for(here, &[supervisor]).unwrap();
    let for_officer2 = off.export_for(here, &[officer2]).unwrap();
    sup.import(&imported).unwrap();
    let frame = frames::cut(&packet, 300, 0).unwrap().remove(0);
    let good_cert = cert_for(&authority, &pending, (2026, 1, 1), (2028, 1, 1));
    let answers = answers_for(&h1, 5_000_000, true);

    World {
        dir,
        path,
        clock,
        authority,
        store,
        officer,
        supervisor,
        officer2,
        outsider,
        locked,
        pending,
        off,
        sup,
        off2,
        out,
        adm,
        cycle,
        certified,
        cycle_v2,
        draft,
        attachment,
        submitted,
        approved,
        certified_iv,
        own,
        h1,
        h4: h4.id,
        h_out,
        packet,
        imported,
        for_officer2,
        frame,
        good_cert,
        answers,
    }
}

/// What a row may change besides nothing.
enum Allow {
    Nothing,
    /// One wrong PIN counted against this user.
    OneFailedAttempt(Uuid),
}

struct Row<'w> {
    name: String,
    call: Box<dyn Fn() -> Result<(), Error> + 'w>,
    expect: Box<dyn Fn(&Error) -> bool>,
    expected: &'static str,
    allow: Allow,
}

/// `row!(rows, "entry point: input", Pattern, call)`: the call must fail with
/// an error matching `Pattern` and change nothing.
macro_rules! row {
    ($rows:ident, $name:expr, $pat:pat $(if $guard:expr)?, $call:expr) => {
        row!($rows, $name, $pat $(if $guard)?, $call, Allow::Nothing)
    };
    ($rows:ident, $name:expr, $pat:pat $(if $guard:expr)?, $call:expr, $allow:expr) => {
        $rows.push(Row {
            name: $name.to_string(),
            call: Box::new(move || $call.map(drop).map_err(Error::from)),
            expect: Box::new(|e: &Error| matches!(e, $pat $(if $guard)?)),
            expected: stringify!($pat $(if $guard)?),
            allow: $allow,
        })
    };
}

fn cert_for(
    authority: &Authority,
    request: &EnrollmentRequest,
    from: (i32, u32, u32),
    until: (i32, u32, u32),
) -> Vec<u8> {
    let at = |(y, m, d): (i32, u32, u32)| Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap();
    authority
        .issue(request, Role::Officer, vec!["01108".into()], at(from), at(until))
        .unwrap()
        .to_bytes()
        .unwrap()
}

/// A request for `user_id` with keys made elsewhere, properly signed by them:
/// what a certificate for someone else's keys would be issued from.
fn request_with_other_keys(user_id: Uuid, name: &str) -> EnrollmentRequest {
    let rng = ring::rand::SystemRandom::new();
    let pair = Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&rng).unwrap().as_ref()).unwrap();
    let mut signing_key = [0u8; 32];
    signing_key.copy_from_slice(pair.public_key().as_ref());
    let agreement_key = [5u8; 32];
    let mut m = b"hearth/enrollment-request/v1\0".to_vec();
    m.extend(postcard::to_stdvec(&(user_id, name, &signing_key, &agreement_key)).unwrap());
    let proof = pair.sign(&m).as_ref().to_vec();
    EnrollmentRequest { user_id, display_name: name.into(), signing_key, agreement_key, proof }
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= 0x01;
    b
}

fn details(change: impl FnOnce(&mut HouseholdDetails)) -> HouseholdDetails {
    let mut d = family("Vùi Văn Sình", "002084001234");
    change(&mut d);
    d
}

fn failed_attempts(path: &Path, user: Uuid) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT failed_attempts FROM users WHERE id = ?1", [user.as_bytes()], |r| r.get(0))
        .unwrap()
}

fn reset_attempts(path: &Path, user: Uuid) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute("UPDATE users SET failed_attempts = 0, locked_until = 0 WHERE id = ?1", [user.as_bytes()])
        .unwrap();
}

fn rows(w: &World) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = Vec::new();
    let unknown = Uuid::from_u128(0xdead_beef);
    let opts = || options(&w.clock);
    let elsewhere = |name: &str| w.dir.path().join(name);

    // ---- Store: create, open, unlock, PINs --------------------------------
    row!(
        rows,
        "Store::create: over the existing database",
        Error::AlreadyExists { kind: "database" },
        Store::create(&w.path, provider(), w.authority.public_key(), opts())
    );
    row!(rows, "Store::create: key provider refuses (no file is left)", Error::KeyProvider { .. }, {
        let at = elsewhere("refused.db");
        let r = Store::create(&at, Arc::new(Refusing), w.authority.public_key(), opts());
        assert!(!at.exists(), "a refused create left a file");
        r
    });
    row!(
        rows,
        "Store::create: device secret shorter than 16 bytes",
        Error::KeyProvider { .. },
        Store::create(&elsewhere("short.db"), Arc::new(Short), w.authority.public_key(), opts())
    );
    row!(
        rows,
        "Store::open: no such file",
        Error::NotFound { kind: "database" },
        Store::open(&elsewhere("missing.db"), provider(), opts())
    );
    row!(
        rows,
        "Store::open: a file that is not a database (quarantined, not ours)",
        Error::Corrupt { .. },
        {
            let at = elsewhere("garbage.db");
            std::fs::write(&at, b"this is not a database, just bytes that someone copied here").unwrap();
            Store::open(&at, provider(), opts())
        }
    );
    row!(rows, "StoreOptions::with_kdf_iterations: below 600,000",
        Error::Invalid { field, .. } if field == "kdf_iterations",
        StoreOptions::default().with_kdf_iterations(100_000));
    row!(rows, "Pin::new: five digits", Error::Invalid { field, .. } if field == "pin",
        hearth_core::store::Pin::new("12345"));
    row!(rows, "Pin::new: a letter", Error::Invalid { field, .. } if field == "pin",
        hearth_core::store::Pin::new("12345a"));
    row!(rows, "Pin::new: thirteen digits", Error::Invalid { field, .. } if field == "pin",
        hearth_core::store::Pin::new("1234567890123"));
    row!(
        rows,
        "Store::unlock: wrong PIN",
        Error::WrongPin { attempts_left: 4 },
        w.store.unlock(w.officer, &pin("000000")),
        Allow::OneFailedAttempt(w.officer)
    );
    row!(
        rows,
        "Store::unlock: unknown user",
        Error::NotFound { kind: "user" },
        w.store.unlock(unknown, &pin("111111"))
    );
    row!(
        rows,
        "Store::unlock: locked-out user, even with the right PIN",
        Error::LockedOut { .. },
        w.store.unlock(w.locked, &pin("777777"))
    );
    row!(
        rows,
        "Store::unlock: enrolled but no certificate installed",
        Error::NotPermitted { .. },
        w.store.unlock(w.pending.user_id, &pin("888888"))
    );
    row!(rows, "Store::unlock: wrong device secret (costs no attempt)", Error::KeyMismatch, {
        let other = Store::open(&w.path, Arc::new(FixedKey([9u8; 32])), opts()).unwrap();
        other.unlock(w.officer, &pin("111111"))
    });
    row!(rows, "Store::unlock: key provider refuses", Error::KeyProvider { .. }, {
        let other = Store::open(&w.path, Arc::new(Refusing), opts()).unwrap();
        other.unlock(w.officer, &pin("111111"))
    });
    row!(
        rows,
        "Store::change_pin: wrong old PIN",
        Error::WrongPin { attempts_left: 4 },
        w.store.change_pin(w.supervisor, &pin("000000"), &pin("246810")),
        Allow::OneFailedAttempt(w.supervisor)
    );
    row!(
        rows,
        "Store::change_pin: unknown user",
        Error::NotFound { kind: "user" },
        w.store.change_pin(unknown, &pin("111111"), &pin("246810"))
    );
    row!(rows, "Store::change_pin: wrong device secret", Error::KeyMismatch, {
        let other = Store::open(&w.path, Arc::new(FixedKey([9u8; 32])), opts()).unwrap();
        other.change_pin(w.officer, &pin("111111"), &pin("246810"))
    });

    // ---- Provisioning, enrollment, certificates ---------------------------
    row!(
        rows,
        "Store::begin_enrollment: after provisioning",
        Error::NotPermitted { .. },
        w.store.begin_enrollment("Người Mới", &pin("123456"))
    );
    row!(
        rows,
        "Session::begin_enrollment: by an officer",
        Error::NotPermitted { .. },
        w.off.begin_enrollment("Người Mới", &pin("123456"))
    );
    row!(rows, "Session::begin_enrollment: empty display name",
        Error::Invalid { field, .. } if field == "display_name",
        w.adm.begin_enrollment("   ", &pin("123456")));
    row!(rows, "Session::begin_enrollment: control character in the name",
        Error::Invalid { field, .. } if field == "display_name",
        w.adm.begin_enrollment("Lò\u{7}Tú", &pin("123456")));
    row!(rows, "Session::begin_enrollment: 101-character name",
        Error::Invalid { field, .. } if field == "display_name",
        w.adm.begin_enrollment(&"a".repeat(101), &pin("123456")));
    let garbage_cert = b"not a certificate at all".to_vec();
    let good = &w.good_cert;
    let tampered = flip(good, good.len() - 1);
    let other_authority = Authority::generate().unwrap();
    let foreign = cert_for(&other_authority, &w.pending, (2026, 1, 1), (2028, 1, 1));
    let expired = cert_for(&w.authority, &w.pending, (2020, 1, 1), (2021, 1, 1));
    let future = cert_for(&w.authority, &w.pending, (2030, 1, 1), (2031, 1, 1));
    let stranger = {
        let dir = tempfile::tempdir().unwrap();
        let s =
            Store::create(&dir.path().join("s.db"), provider(), w.authority.public_key(), opts()).unwrap();
        cert_for(
            &w.authority,
            &s.begin_enrollment("Người Lạ", &pin("123456")).unwrap(),
            (2026, 1, 1),
            (2028, 1, 1),
        )
    };
    let other_keys = cert_for(
        &w.authority,
        &request_with_other_keys(w.pending.user_id, &w.pending.display_name),
        (2026, 1, 1),
        (2028, 1, 1),
    );
    for (what, bytes, expect) in [
        ("garbage", garbage_cert.clone(), CertificateError::Malformed),
        ("empty", Vec::new(), CertificateError::Malformed),
        ("signature flipped", tampered.clone(), CertificateError::BadSignature),
        ("another authority", foreign.clone(), CertificateError::WrongAuthority),
        ("expired", expired.clone(), CertificateError::Expired),
        ("not yet valid", future.clone(), CertificateError::NotYetValid),
        ("keys made elsewhere", other_keys.clone(), CertificateError::KeysDoNotMatch),
    ] {
        rows.push(Row {
            name: format!("Store::install_certificate: {what}"),
            call: Box::new(move || w.store.install_certificate(&bytes).map(drop)),
            expect: Box::new(move |e| matches!(e, Error::Certificate(c) if *c == expect)),
            expected: "Error::Certificate(..)",
            allow: Allow::Nothing,
        });
    }
    row!(
        rows,
        "Store::install_certificate: a user not enrolled on this phone",
        Error::NotFound { kind: "user" },
        w.store.install_certificate(&stranger)
    );
    for (what, bytes, expect) in [
        ("garbage", garbage_cert.clone(), CertificateError::Malformed),
        ("signature flipped", tampered.clone(), CertificateError::BadSignature),
        ("another authority", foreign.clone(), CertificateError::WrongAuthority),
        ("expired", expired.clone(), CertificateError::Expired),
    ] {
        rows.push(Row {
            name: format!("Store::add_certificate: {what}"),
            call: Box::new(move || w.store.add_certificate(&bytes).map(drop)),
            expect: Box::new(move |e| matches!(e, Error::Certificate(c) if *c == expect)),
            expected: "Error::Certificate(..)",
            allow: Allow::Nothing,
        });
    }
    let request_bytes = w.pending.to_bytes().unwrap();
    row!(
        rows,
        "EnrollmentRequest::from_bytes: garbage",
        Error::Certificate(CertificateError::Malformed),
        EnrollmentRequest::from_bytes(b"\x01\x02\x03")
    );
    row!(
        rows,
        "EnrollmentRequest::from_bytes: proof flipped",
        Error::Certificate(CertificateError::BadSignature),
        EnrollmentRequest::from_bytes(&flip(&request_bytes, request_bytes.len() - 1))
    );
    row!(rows, "Authority::issue: empty scope", Error::Invalid { field, .. } if field == "scope",
        w.authority.issue(&w.pending, Role::Officer, vec![], Utc::now(), Utc::now() + Duration::days(1)));
    row!(rows, "Authority::issue: validity ends before it starts",
    Error::Invalid { field, .. } if field == "valid_until",
    w.authority.issue(
        &w.pending,
        Role::Officer,
        vec!["01108".into()],
        Utc::now(),
        Utc::now() - Duration::days(1)
    ));
    row!(rows, "Authority::from_pkcs8: garbage", Error::Invalid { field, .. } if field == "authority key",
        Authority::from_pkcs8(b"not a key"));
    row!(
        rows,
        "Certificate::from_bytes: truncated",
        Error::Certificate(CertificateError::Malformed),
        Certificate::from_bytes(&good[..good.len() / 2])
    );

    // ---- Units -------------------------------------------------------------
    row!(
        rows,
        "Store::import_units_csv: after provisioning",
        Error::NotPermitted { .. },
        w.store.import_units_csv(VILLAGES)
    );
    row!(
        rows,
        "Session::import_units_csv: by an officer",
        Error::NotPermitted { .. },
        w.off.import_units_csv(VILLAGES)
    );
    for (what, csv) in [
        ("not CSV", "this is not a unit list"),
        ("no header (the first unit would be lost)", "01108-09,Thôn X,village,01108,2025-07-01,\n"),
        (
            "columns in another order",
            "code,level,name,parent_code,valid_from,valid_to\n01108-09,village,Thôn X,01108,,\n",
        ),
        (
            "unknown level",
            "code,name,level,parent_code,valid_from,valid_to\n01108-09,Thôn X,planet,01108,2025-07-01,\n",
        ),
        (
            "bad date",
            "code,name,level,parent_code,valid_from,valid_to\n01108-09,Thôn X,village,01108,2025-13-01,\n",
        ),
        ("missing column", "code,name,level,parent_code,valid_from,valid_to\n01108-09,Thôn X,village\n"),
        ("reorganisation with a bad date", "new_code,old_code,effective\n01108,01096,yesterday\n"),
    ] {
        row!(rows, format!("Session::import_units_csv: {what}"),
            Error::Invalid { field, .. } if field == "units csv", w.adm.import_units_csv(csv));
    }

    // ---- Recovery ----------------------------------------------------------
    row!(
        rows,
        "Store::recover: a key this database is not wrapped to",
        Error::RecoveryKeyMismatch,
        Store::recover(&w.path, Arc::new(FixedKey([9u8; 32])), &RecoveryKey::generate().unwrap(), opts())
    );
    row!(
        rows,
        "Store::set_recovery_key: after provisioning",
        Error::NotPermitted { .. },
        w.store.set_recovery_key(&RecoveryKey::generate().unwrap().public_key())
    );
    row!(
        rows,
        "Session::set_recovery_key: by a supervisor",
        Error::NotPermitted { .. },
        w.sup.set_recovery_key(&RecoveryKey::generate().unwrap().public_key())
    );
    row!(rows, "Session::set_recovery_key: a low-order X25519 point",
        Error::Invalid { field, .. } if field == "recovery key",
        w.adm.set_recovery_key(&RecoveryPublicKey([0u8; 32])));
    row!(rows, "RecoveryKey::from_seed: 31 bytes", Error::Invalid { field, .. } if field == "recovery key",
        RecoveryKey::from_seed(&[1u8; 31]));

    // ---- Households --------------------------------------------------------
    let invalid = |f: &'static str| move |e: &Error| matches!(e, Error::Invalid { field, .. } if field == f);
    row!(
        rows,
        "Session::create_household: by an administrator",
        Error::NotPermitted { .. },
        w.adm.create_household("01108-01", details(|_| {}))
    );
    row!(
        rows,
        "Session::create_household: village outside scope",
        Error::NotPermitted { .. },
        w.off.create_household("01096-01", details(|_| {}))
    );
    row!(
        rows,
        "Session::create_household: unknown village",
        Error::NotPermitted { .. },
        w.off.create_household("99999-99", details(|_| {}))
    );
    let malformed: Vec<(&str, &'static str, HouseholdDetails)> = vec![
        ("no members", "members", details(|d| d.members.clear())),
        ("two heads", "members", details(|d| d.members[1].relationship = Relationship::Head)),
        ("no head", "members", details(|d| d.members[0].relationship = Relationship::Child)),
        (
            "101 members",
            "members",
            details(|d| {
                let m = d.members[1].clone();
                d.members.extend(
                    (0..100).map(|_| hearth_core::household::Member { id: Uuid::now_v7(), ..m.clone() }),
                );
            }),
        ),
        ("empty member name", "members[0].full_name", details(|d| d.members[0].full_name = " ".into())),
        (
            "control character in a name",
            "members[1].full_name",
            details(|d| d.members[1].full_name = "Lù\u{0}Sẻ".into()),
        ),
        (
            "born in the future",
            "members[0].birth",
            details(|d| d.members[0].birth = hearth_core::household::PartialDate::parse("2030").unwrap()),
        ),
        (
            "born before 1880",
            "members[0].birth",
            details(|d| d.members[0].birth = hearth_core::household::PartialDate::parse("1700").unwrap()),
        ),
        (
            "ID number of 10 digits",
            "members[0].national_id",
            details(|d| d.members[0].national_id = Some("0020840012".into())),
        ),
        (
            "ID number with letters",
            "members[0].national_id",
            details(|d| d.members[0].national_id = Some("00208400123A".into())),
        ),
        ("two members with one id", "members", details(|d| d.members[1].id = d.members[0].id)),
        ("phone with letters", "phone", details(|d| d.phone = Some("09123abc78".into()))),
        ("latitude 91", "gps", details(|d| d.gps = Some(GeoPoint { lat: 91.0, lon: 104.0 }))),
        ("longitude NaN", "gps", details(|d| d.gps = Some(GeoPoint { lat: 22.0, lon: f64::NAN }))),
        ("address of 301 characters", "address", details(|d| d.address = "x".repeat(301))),
        ("notes of 4001 characters", "notes", details(|d| d.notes = "x".repeat(4001))),
        (
            "ethnicity of 61 characters",
            "members[0].ethnicity",
            details(|d| d.members[0].ethnicity = "x".repeat(61)),
        ),
    ];
    for (what, field, d) in malformed {
        let d2 = d.clone();
        rows.push(Row {
            name: format!("Session::create_household: {what}"),
            call: Box::new(move || w.off.create_household("01108-01", d.clone()).map(drop)),
            expect: Box::new(invalid(field)),
            expected: field,
            allow: Allow::Nothing,
        });
        rows.push(Row {
            name: format!("Session::update_household: {what}"),
            call: Box::new(move || {
                let mut h = w.h1.clone();
                h.details = d2.clone();
                w.off.update_household(&h).map(drop)
            }),
            expect: Box::new(invalid(field)),
            expected: field,
            allow: Allow::Nothing,
        });
    }
    row!(rows, "Session::update_household: stale revision", Error::Stale { kind: "household" }, {
        let mut h = w.h1.clone();
        h.revision += 5;
        w.off.update_household(&h)
    });
    row!(rows, "Session::update_household: moved outside scope", Error::NotPermitted { .. }, {
        let mut h = w.h1.clone();
        h.village = "01096-01".into();
        w.off.update_household(&h)
    });
    row!(rows, "Session::update_household: unknown id", Error::NotFound { kind: "household" }, {
        let mut h = w.h1.clone();
        h.id = unknown;
        w.off.update_household(&h)
    });
    row!(
        rows,
        "Session::update_household: by an officer of another commune",
        Error::NotPermitted { .. },
        w.out.update_household(&w.h1)
    );
    row!(
        rows,
        "Session::delete_household: unknown id",
        Error::NotFound { kind: "household" },
        w.off.delete_household(unknown)
    );
    row!(
        rows,
        "Session::delete_household: outside scope",
        Error::NotFound { kind: "household" },
        w.off.delete_household(w.h_out)
    );
    row!(
        rows,
        "Session::household: outside scope",
        Error::NotFound { kind: "household" },
        w.off.household(w.h_out)
    );
    row!(
        rows,
        "Session::households_in: village outside scope",
        Error::NotPermitted { .. },
        w.off.households_in("01096-01")
    );

    // ---- Cycles ------------------------------------------------------------
    let cycle = |change: &dyn Fn(&mut NewCycle)| {
        let mut c = NewCycle {
            year: 2026,
            kind: CycleKind::Regular { month: 8 },
            standard_id: "vn-2022".into(),
            units: vec!["01108".into()],
            reference_date: NaiveDate::from_ymd_opt(2026, 8, 1).unwrap(),
        };
        change(&mut c);
        c
    };
    row!(
        rows,
        "Session::open_cycle: by an officer",
        Error::NotPermitted { .. },
        w.off.open_cycle(cycle(&|_: &mut NewCycle| {}))
    );
    row!(rows, "Session::open_cycle: year 1999", Error::Invalid { field, .. } if field == "year",
        w.sup.open_cycle(cycle(&|c: &mut NewCycle| c.year = 1999)));
    row!(rows, "Session::open_cycle: month 13", Error::Invalid { field, .. } if field == "kind.month",
        w.sup.open_cycle(cycle(&|c: &mut NewCycle| c.kind = CycleKind::Regular { month: 13 })));
    row!(rows, "Session::open_cycle: reference date in another year",
    Error::Invalid { field, .. } if field == "reference_date",
    w.sup.open_cycle(cycle(&|c: &mut NewCycle| {
        c.reference_date = NaiveDate::from_ymd_opt(2025, 8, 1).unwrap()
    })));
    row!(rows, "Session::open_cycle: no units", Error::Invalid { field, .. } if field == "units",
        w.sup.open_cycle(cycle(&|c: &mut NewCycle| c.units.clear())));
    row!(
        rows,
        "Session::open_cycle: unknown standard",
        Error::Scoring(ScoringError::UnknownStandard(_)),
        w.sup.open_cycle(cycle(&|c: &mut NewCycle| c.standard_id = "vn-1999".into()))
    );
    row!(
        rows,
        "Session::open_cycle: a unit outside scope",
        Error::NotPermitted { .. },
        w.sup.open_cycle(cycle(&|c: &mut NewCycle| c.units = vec!["01096".into()]))
    );
    row!(rows, "Session::cycle: unknown id", Error::NotFound { kind: "cycle" }, w.sup.cycle(unknown));

    // ---- Interviews: answers, start, save, lifecycle -----------------------
    for (what, json, expect) in [
        ("not JSON", "{\"area\": ", "json"),
        ("unknown field", r#"{"colour": "blue", "members": []}"#, "unknown"),
        ("integer given as text", r#"{"income_monthly_vnd": "lots", "members": []}"#, "type"),
        ("not one of the choices", r#"{"area": "the moon", "members": []}"#, "choice"),
        ("impossible reference date", r#"{"reference_date": "2026-13-01", "members": []}"#, "date"),
        ("impossible birth date", r#"{"members": [{"birth": "1984-02-30"}]}"#, "partial date"),
        ("a calculated answer given", r#"{"members": [{"age": 40}]}"#, "calculated"),
    ] {
        rows.push(Row {
            name: format!("Answers::from_interchange_json: {what}"),
            call: Box::new(move || Answers::from_interchange_json(json).map(drop).map_err(Error::from)),
            expect: Box::new(move |e| match (e, expect) {
                (Error::Form(FormError::Json { .. }), "json") => true,
                (Error::Form(FormError::Field { problem, .. }), _) => matches!(
                    (problem, expect),
                    (FieldProblem::Unknown, "unknown")
                        | (FieldProblem::WrongType(_), "type")
                        | (FieldProblem::UnknownChoice, "choice")
                        | (FieldProblem::BadDate, "date")
                        | (FieldProblem::BadPartialDate, "partial date")
                        | (FieldProblem::Calculated, "calculated")
                ),
                _ => false,
            }),
            expected: expect,
            allow: Allow::Nothing,
        });
    }
    let answers = &w.answers;
    row!(
        rows,
        "Session::start_interview: unknown household",
        Error::NotFound { kind: "household" },
        w.off.start_interview(unknown, w.cycle)
    );
    row!(
        rows,
        "Session::start_interview: unknown cycle",
        Error::NotFound { kind: "cycle" },
        w.off.start_interview(w.h4, unknown)
    );
    row!(
        rows,
        "Session::start_interview: certified cycle",
        Error::IllegalTransition { .. },
        w.off.start_interview(w.h4, w.certified)
    );
    row!(
        rows,
        "Session::start_interview: already started",
        Error::AlreadyExists { kind: "interview" },
        w.off.start_interview(w.h1.id, w.cycle)
    );
    row!(
        rows,
        "Session::start_interview: assigned to another officer",
        Error::NotPermitted { .. },
        w.off.start_interview(w.h4, w.cycle)
    );
    row!(rows, "Session::start_interview: village not covered by the cycle",
        Error::Invalid { field, .. } if field == "household", w.off.start_interview(w.h1.id, w.cycle_v2));
    row!(
        rows,
        "Session::start_interview: by an administrator",
        Error::NotPermitted { .. },
        w.adm.start_interview(w.h4, w.cycle)
    );
    row!(
        rows,
        "Session::start_interview: household outside scope",
        Error::NotFound { kind: "household" },
        w.off.start_interview(w.h_out, w.cycle)
    );
    row!(
        rows,
        "Session::save_interview: stale revision",
        Error::Stale { kind: "interview" },
        w.off.save_interview(w.draft, 99, answers.clone())
    );
    row!(
        rows,
        "Session::save_interview: unknown interview",
        Error::NotFound { kind: "interview" },
        w.off.save_interview(unknown, 1, answers.clone())
    );
    row!(
        rows,
        "Session::save_interview: submitted interview",
        Error::IllegalTransition { .. },
        w.off.save_interview(w.submitted, 4, answers.clone())
    );
    row!(
        rows,
        "Session::save_interview: another officer's draft",
        Error::NotPermitted { .. },
        w.off2.save_interview(w.draft, 1, answers.clone())
    );
    row!(
        rows,
        "Session::save_interview: by an officer of another commune",
        Error::NotFound { kind: "interview" },
        w.out.save_interview(w.draft, 1, answers.clone())
    );
    row!(
        rows,
        "Session::complete_interview: the prefilled roster only",
        Error::Incomplete { .. },
        w.off.complete_interview(w.draft)
    );
    row!(
        rows,
        "Session::complete_interview: submitted interview",
        Error::IllegalTransition { .. },
        w.off.complete_interview(w.submitted)
    );
    row!(
        rows,
        "Session::submit_interview: a draft",
        Error::IllegalTransition { .. },
        w.off.submit_interview(w.draft)
    );
    row!(
        rows,
        "Session::approve_interview: by an officer",
        Error::NotPermitted { .. },
        w.off.approve_interview(w.submitted)
    );
    row!(
        rows,
        "Session::approve_interview: one's own interview",
        Error::NotPermitted { .. },
        w.sup.approve_interview(w.own)
    );
    row!(
        rows,
        "Session::approve_interview: a draft",
        Error::IllegalTransition { .. },
        w.sup.approve_interview(w.draft)
    );
    row!(
        rows,
        "Session::approve_interview: already approved",
        Error::IllegalTransition { .. },
        w.sup.approve_interview(w.approved)
    );
    row!(
        rows,
        "Session::approve_interview: certified",
        Error::IllegalTransition { .. },
        w.sup.approve_interview(w.certified_iv)
    );
    row!(
        rows,
        "Session::approve_interview: unknown interview",
        Error::NotFound { kind: "interview" },
        w.sup.approve_interview(unknown)
    );
    let comment_field =
        |f: &'static str| move |e: &Error| matches!(e, Error::Invalid { field, .. } if field == f);
    for (what, comments, field) in [
        ("no comments", vec![], "comments"),
        ("empty text", vec![NewComment::general("  ")], "comments[0].text"),
        ("2001 characters", vec![NewComment::general(&"x".repeat(2001))], "comments[0].text"),
        (
            "unknown question",
            vec![NewComment::on("favourite_colour", None, "Kiểm tra lại")],
            "comments[0].question",
        ),
        (
            "roster row past the end",
            vec![NewComment::on("birth", Some(5), "Kiểm tra lại")],
            "comments[0].row",
        ),
        (
            "second comment bad",
            vec![NewComment::general("Được"), NewComment::general("")],
            "comments[1].text",
        ),
    ] {
        rows.push(Row {
            name: format!("Session::return_interview: {what}"),
            call: Box::new(move || w.sup.return_interview(w.submitted, comments.clone()).map(drop)),
            expect: Box::new(comment_field(field)),
            expected: field,
            allow: Allow::Nothing,
        });
    }
    row!(
        rows,
        "Session::return_interview: by an officer",
        Error::NotPermitted { .. },
        w.off.return_interview(w.submitted, vec![NewComment::general("Xem lại")])
    );
    row!(
        rows,
        "Session::return_interview: a draft",
        Error::IllegalTransition { .. },
        w.sup.return_interview(w.draft, vec![NewComment::general("Xem lại")])
    );
    row!(rows, "Session::reject_interview: empty reason",
        Error::Invalid { field, .. } if field == "comments[0].text",
        w.sup.reject_interview(w.submitted, NewComment::general("")));
    row!(
        rows,
        "Session::reject_interview: approved",
        Error::IllegalTransition { .. },
        w.sup.reject_interview(w.approved, NewComment::general("Không hợp lệ"))
    );
    row!(
        rows,
        "Session::reopen_interview: submitted, not approved",
        Error::IllegalTransition { .. },
        w.sup.reopen_interview(w.submitted, NewComment::general("Mở lại"))
    );
    row!(
        rows,
        "Session::reopen_interview: by an officer",
        Error::NotPermitted { .. },
        w.off.reopen_interview(w.approved, NewComment::general("Mở lại"))
    );
    row!(rows, "Session::reopen_interview: empty reason",
        Error::Invalid { field, .. } if field == "comments[0].text",
        w.sup.reopen_interview(w.approved, NewComment::general("")));
    row!(
        rows,
        "Session::reopen_interview: certified",
        Error::IllegalTransition { .. },
        w.sup.reopen_interview(w.certified_iv, NewComment::general("Mở lại"))
    );

    // ---- Attachments -------------------------------------------------------
    let big = vec![0u8; MAX_ATTACHMENT_BYTES + 1];
    let big2 = big.clone();
    row!(
        rows,
        "Session::attach: one byte over the limit",
        Error::TooLarge { what: "attachment", .. },
        w.off.attach(w.draft, AttachmentKind::Photo, &big)
    );
    row!(rows, "Session::attach: empty", Error::Invalid { field, .. } if field == "attachment",
        w.off.attach(w.draft, AttachmentKind::Photo, b""));
    row!(
        rows,
        "Session::attach: unknown interview",
        Error::NotFound { kind: "interview" },
        w.off.attach(unknown, AttachmentKind::Photo, b"photo")
    );
    row!(
        rows,
        "Session::attach: submitted interview",
        Error::IllegalTransition { .. },
        w.off.attach(w.submitted, AttachmentKind::Photo, b"photo")
    );
    row!(
        rows,
        "Session::attach: another officer's interview",
        Error::NotPermitted { .. },
        w.off2.attach(w.draft, AttachmentKind::Document, b"photo")
    );
    row!(
        rows,
        "Session::replace_attachment: unknown id",
        Error::NotFound { kind: "attachment" },
        w.off.replace_attachment(unknown, b"photo")
    );
    row!(
        rows,
        "Session::replace_attachment: one byte over the limit",
        Error::TooLarge { .. },
        w.off.replace_attachment(w.attachment, &big2)
    );
    row!(
        rows,
        "Session::replace_attachment: another officer",
        Error::NotPermitted { .. },
        w.off2.replace_attachment(w.attachment, b"photo")
    );
    row!(
        rows,
        "Session::delete_attachment: unknown id",
        Error::NotFound { kind: "attachment" },
        w.off.delete_attachment(unknown)
    );
    row!(
        rows,
        "Session::delete_attachment: another officer",
        Error::NotPermitted { .. },
        w.off2.delete_attachment(w.attachment)
    );
    row!(
        rows,
        "Session::attachment: unknown id",
        Error::NotFound { kind: "attachment" },
        w.off.attachment(unknown)
    );
    row!(
        rows,
        "Session::attachment: outside scope",
        Error::NotFound { kind: "interview" },
        w.out.attachment(w.attachment)
    );

    // ---- Assignments, certification, reports -------------------------------
    row!(
        rows,
        "Session::assign: by an officer",
        Error::NotPermitted { .. },
        w.off.assign(w.cycle, &[w.h4], w.officer)
    );
    row!(rows, "Session::assign: to a supervisor", Error::Invalid { field, .. } if field == "officer",
        w.sup.assign(w.cycle, &[w.h4], w.supervisor));
    row!(
        rows,
        "Session::assign: to an unknown user",
        Error::NotFound { kind: "user" },
        w.sup.assign(w.cycle, &[w.h4], unknown)
    );
    row!(rows, "Session::assign: to an officer whose scope lacks the household",
        Error::Invalid { field, .. } if field == "officer", w.sup.assign(w.cycle, &[w.h4], w.outsider));
    row!(
        rows,
        "Session::assign: unknown household",
        Error::NotFound { kind: "household" },
        w.sup.assign(w.cycle, &[w.h4, unknown], w.officer)
    );
    row!(
        rows,
        "Session::assign: certified cycle",
        Error::IllegalTransition { .. },
        w.sup.assign(w.certified, &[w.h4], w.officer)
    );
    row!(
        rows,
        "Session::assign: unknown cycle",
        Error::NotFound { kind: "cycle" },
        w.sup.assign(unknown, &[w.h4], w.officer)
    );
    row!(
        rows,
        "Session::assign: moving a submitted interview",
        Error::IllegalTransition { act: "interview.reassign", .. },
        w.sup.assign(w.cycle, &[w.h4, w.h1.id, w.own_household()], w.officer2)
    );
    row!(
        rows,
        "Session::assign_village: village outside scope",
        Error::NotPermitted { .. },
        w.sup.assign_village(w.cycle, "01096-01", w.officer)
    );
    row!(
        rows,
        "Session::certify_cycle: by an officer",
        Error::NotPermitted { .. },
        w.off.certify_cycle(w.cycle)
    );
    row!(rows, "Session::certify_cycle: interviews still await review",
        Error::Invalid { field, .. } if field == "cycle",
        w.sup.certify_cycle(w.cycle));
    row!(
        rows,
        "Session::certify_cycle: already certified",
        Error::IllegalTransition { .. },
        w.sup.certify_cycle(w.certified)
    );
    row!(
        rows,
        "Session::certify_cycle: unknown cycle",
        Error::NotFound { kind: "cycle" },
        w.sup.certify_cycle(unknown)
    );
    row!(
        rows,
        "Session::report: open cycle",
        Error::IllegalTransition { .. },
        w.sup.report(w.cycle, "01108")
    );
    row!(
        rows,
        "Session::report: unknown unit",
        Error::NotFound { kind: "unit" },
        w.sup.report(w.certified, "99999")
    );
    row!(
        rows,
        "Session::report: unit outside scope",
        Error::NotPermitted { .. },
        w.sup.report(w.certified, "01096")
    );
    row!(
        rows,
        "Session::report: the province above one's commune",
        Error::NotPermitted { .. },
        w.sup.report(w.certified, "08")
    );
    row!(
        rows,
        "Session::report: by an officer of another commune",
        Error::NotPermitted { .. },
        w.out.report(w.certified, "01108")
    );
    row!(
        rows,
        "Session::report: unknown cycle",
        Error::NotFound { kind: "cycle" },
        w.sup.report(unknown, "01108")
    );

    row!(
        rows,
        "Session::classifications: open cycle",
        Error::IllegalTransition { .. },
        w.sup.classifications(w.cycle)
    );
    row!(
        rows,
        "Session::list: unknown cycle",
        Error::NotFound { kind: "cycle" },
        w.sup.list(unknown, hearth_core::workflow::ListKind::Poor)
    );
    row!(
        rows,
        "Session::worklist: unknown cycle",
        Error::NotFound { kind: "cycle" },
        w.off.worklist(unknown)
    );
    row!(
        rows,
        "Session::interview: unknown id",
        Error::NotFound { kind: "interview" },
        w.off.interview(unknown)
    );
    row!(
        rows,
        "Session::interview: outside scope",
        Error::NotFound { kind: "interview" },
        w.out.interview(w.draft)
    );
    row!(
        rows,
        "Session::attachments: outside scope",
        Error::NotFound { kind: "interview" },
        w.out.attachments(w.draft)
    );

    // ---- Sync: conflicts, export, packets, frames --------------------------
    row!(
        rows,
        "Session::resolve_conflict: unknown conflict",
        Error::NotFound { kind: "conflict" },
        w.sup.resolve_conflict([0u8; 16], 1)
    );
    row!(
        rows,
        "Session::resolve_conflict: by an officer",
        Error::NotPermitted { .. },
        w.off.resolve_conflict([0u8; 16], 1)
    );
    let here = Uuid::parse_str(w.store.store_id()).unwrap();
    row!(rows, "Session::export_for: no recipients", Error::Invalid { field, .. } if field == "recipients",
        w.off.export_for(here, &[]));
    row!(
        rows,
        "Session::export_for: unknown recipient",
        Error::NotFound { kind: "recipient certificate" },
        w.off.export_for(here, &[unknown])
    );
    let p = &w.packet;
    let frame = &w.frame;
    for (what, bytes, expect) in [
        ("empty", Vec::new(), PacketError::Truncated),
        ("four bytes", b"HRTH".to_vec(), PacketError::Truncated),
        ("random bytes", (0..600u32).map(|i| (i * 7919 % 251) as u8).collect(), PacketError::BadMagic),
        ("first byte flipped", flip(p, 0), PacketError::BadMagic),
        ("cut one byte short", p[..p.len() - 1].to_vec(), PacketError::Truncated),
        ("cut in half", p[..p.len() / 2].to_vec(), PacketError::Truncated),
        ("one byte too many", [p.as_slice(), &[0]].concat(), PacketError::Malformed),
        ("last byte flipped", flip(p, p.len() - 1), PacketError::BadSignature),
        ("a body byte flipped", flip(p, p.len() - 70), PacketError::BadSignature),
        ("a frame instead of a packet", frame.clone(), PacketError::BadMagic),
        ("a certificate instead of a packet", good.clone(), PacketError::BadMagic),
        ("addressed to someone else", w.for_officer2.clone(), PacketError::NotForUs),
        ("already imported", w.imported.clone(), PacketError::Replayed),
    ] {
        rows.push(Row {
            name: format!("Session::import: {what}"),
            call: Box::new(move || w.sup.import(&bytes).map(drop)),
            expect: Box::new(move |e| matches!(e, Error::Packet(x) if *x == expect)),
            expected: "Error::Packet(..)",
            allow: Allow::Nothing,
        });
    }
    let other_frame = frames::cut(&w.for_officer2, 300, 0).unwrap().remove(0);
    let frames_of_p = frames::cut(p, 300, 0).unwrap();
    row!(
        rows,
        "frames::cut: frames too small",
        Error::Frame(FrameError::TooSmall(10)),
        frames::cut(p, 10, 0)
    );
    row!(
        rows,
        "Reassembly::push: garbage",
        Error::Frame(FrameError::Malformed),
        Reassembly::new().push(b"garbage bytes!!")
    );
    row!(
        rows,
        "Reassembly::push: a packet instead of a frame",
        Error::Frame(FrameError::Malformed),
        Reassembly::new().push(p)
    );
    row!(rows, "Reassembly::push: index past the count", Error::Frame(FrameError::Malformed), {
        let mut f = frame.clone();
        f[11..13].copy_from_slice(&u16::MAX.to_be_bytes());
        Reassembly::new().push(&f)
    });
    row!(rows, "Reassembly::push: a frame of another packet", Error::Frame(FrameError::OtherPacket), {
        let mut r = Reassembly::new();
        r.push(frame).unwrap();
        r.push(&other_frame)
    });
    row!(rows, "Reassembly::push: a damaged frame", Error::Frame(FrameError::Corrupt), {
        let mut r = Reassembly::new();
        let (first, rest) = frames_of_p.split_first().unwrap();
        let mut got = r.push(&flip(first, first.len() - 1));
        for f in rest {
            got = r.push(f);
        }
        got
    });

    // ---- Forms and standards as data --------------------------------------
    let form_json = include_str!("../forms/household.json");
    let standard_json = include_str!("../standards/vn-2022.json");
    let form = Form::builtin_household().unwrap();
    let form2 = form.clone();
    row!(
        rows,
        "Form::from_json: not JSON",
        Error::Form(FormError::Definition(_)),
        Form::from_json("{\"id\": ")
    );
    row!(
        rows,
        "Form::from_json: an expression that does not parse",
        Error::Form(FormError::Expression { .. }),
        Form::from_json(&form_json.replacen(
            "\"relevant\": \"area == \\\"rural\\\"\"",
            "\"relevant\": \"area ==== )\"",
            1
        ))
    );
    row!(
        rows,
        "Form::from_json: a question listed twice",
        Error::Form(FormError::DuplicateQuestion(_)),
        Form::from_json(&form_json.replacen("\"id\": \"latrine\"", "\"id\": \"water_source\"", 1))
    );
    row!(
        rows,
        "Standard::from_json: not a standard",
        Error::Scoring(ScoringError::Definition(_)),
        Standard::from_json("[1, 2, 3]", &form)
    );
    row!(
        rows,
        "Standard::from_json: a rule over an unknown question",
        Error::Scoring(ScoringError::Expression { .. }),
        Standard::from_json(&standard_json.replacen("employment in", "employmentt in", 1), &form2)
    );
    row!(
        rows,
        "Standard::builtin: unknown id",
        Error::Scoring(ScoringError::UnknownStandard(_)),
        Standard::builtin("vn-1999")
    );

    rows
}

impl World {
    /// The household of the supervisor's own submitted interview.
    fn own_household(&self) -> Uuid {
        self.sup.interview(self.own).unwrap().household_id
    }
}

#[test]
fn every_entry_point_refuses_bad_input_with_a_typed_error_and_changes_nothing() {
    let w = world();
    let rows = rows(&w);
    let total = rows.len();
    let mut failures = Vec::new();
    for row in rows {
        let before = db_snapshot(&w.path);
        let attempts = match row.allow {
            Allow::OneFailedAttempt(user) => Some((user, failed_attempts(&w.path, user))),
            Allow::Nothing => None,
        };
        let got = catch_unwind(AssertUnwindSafe(|| (row.call)()));
        match got {
            Err(_) => failures.push(format!("{}: panicked", row.name)),
            Ok(Ok(())) => failures.push(format!("{}: accepted; expected {}", row.name, row.expected)),
            Ok(Err(e)) if !(row.expect)(&e) => {
                failures.push(format!("{}: refused with {e:?}; expected {}", row.name, row.expected))
            }
            Ok(Err(_)) => {}
        }
        if let Some((user, was)) = attempts {
            let now = failed_attempts(&w.path, user);
            if now != was + 1 {
                failures.push(format!("{}: counted {} wrong PIN(s), expected 1", row.name, now - was));
            }
            reset_attempts(&w.path, user);
        }
        let changed = changed_tables(&before, &db_snapshot(&w.path));
        if !changed.is_empty() {
            failures.push(format!("{}: changed the database (tables {changed:?})", row.name));
        }
    }
    assert!(failures.is_empty(), "{} of {total} rows failed:\n  {}", failures.len(), failures.join("\n  "));
    assert!(total >= 150, "the sweep has {total} rows");
}

#[test]
fn the_world_is_usable_so_the_refusals_are_about_the_input() {
    // The same entry points, given good input, succeed: the rows above fail
    // because of what they send, not because the set-up is broken.
    let w = world();
    assert!(w.store.unlock(w.officer, &pin("111111")).is_ok());
    let h = w.off.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let mut h2 = h.clone();
    h2.details.notes = "Ghi chú".into();
    w.off.update_household(&h2).unwrap();
    let rev = w.off.interview(w.draft).unwrap().revision;
    let iv = w.off.save_interview(w.draft, rev, answers_for(&w.h1, 5_000_000, true)).unwrap();
    w.off.complete_interview(iv.id).unwrap();
    w.sup.return_interview(w.submitted, vec![NewComment::on("birth", Some(0), "Kiểm tra lại")]).unwrap();
    w.off.replace_attachment(w.attachment, b"another photo").unwrap();
    w.sup.assign(w.cycle, &[w.h4], w.officer).unwrap();
    w.sup.report(w.certified, "01108").unwrap();
    assert!(w.sup.import(&w.packet).is_ok());
    let mut r = Reassembly::new();
    let mut out = None;
    for f in frames::cut(&w.packet, 300, 0).unwrap() {
        out = r.push(&f).unwrap();
    }
    assert_eq!(out.as_deref(), Some(&w.packet[..]));
    w.store.install_certificate(&cert_for(&w.authority, &w.pending, (2026, 1, 1), (2028, 1, 1))).unwrap();
    assert!(w.store.unlock(w.pending.user_id, &pin("888888")).is_ok());
    w.adm.set_recovery_key(&RecoveryKey::generate().unwrap().public_key()).unwrap();
}
