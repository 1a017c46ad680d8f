//! Shared fixtures for the store's integration tests: a key provider, an
//! authority, a clock, and a provisioned phone with an officer and a
//! supervisor in Xã Xín Mần.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use hearth_core::clock::ManualClock;
use hearth_core::household::{HouseholdDetails, Member, PartialDate, Relationship, Sex};
use hearth_core::identity::{Authority, Role};
use hearth_core::store::{KeyProvider, KeyProviderError, Pin, Store, StoreOptions};
use uuid::Uuid;
use zeroize::Zeroizing;

pub const XIN_MAN: &str = include_str!("../../testdata/units-xin-man.csv");
pub const VILLAGES: &str = "code,name,level,parent_code,valid_from,valid_to\n\
    01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n\
    01108-02,Thôn Ma Lì Sán,village,01108,2025-07-01,\n\
    01096-01,Thôn Pà Vầy Sủ,village,01096,2025-07-01,\n";

/// A key provider holding one fixed device secret.
pub struct FixedKey(pub [u8; 32]);

impl KeyProvider for FixedKey {
    fn device_secret(&self, _store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Ok(Zeroizing::new(self.0.to_vec()))
    }
}

pub fn pin(s: &str) -> Pin {
    Pin::new(s).unwrap()
}

pub struct Phone {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub authority: Authority,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    pub officer: Uuid,
    pub supervisor: Uuid,
    /// A second officer of 01108 (PIN 333333).
    pub officer2: Uuid,
    /// An officer of 01096 (PIN 444444): outside 01108.
    pub outsider: Uuid,
    /// A supervisor of 01096 (PIN 555555): outside 01108.
    pub supervisor_away: Uuid,
}

pub fn options(clock: &Arc<ManualClock>) -> StoreOptions {
    StoreOptions::default().with_clock(clock.clone()).insecure_fast_kdf()
}

pub fn provider() -> Arc<FixedKey> {
    Arc::new(FixedKey([7u8; 32]))
}

/// A provisioned phone: officer (PIN 111111, scope 01108) and supervisor
/// (PIN 222222, scope 01108), units of Xín Mần with three villages.
pub fn phone() -> Phone {
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
    let supervisor_away = enrol(&store, &authority, "Hoàng Văn Chư", "555555", Role::Supervisor, &["01096"]);
    store.finish_provisioning();
    Phone { dir, path, authority, clock, store, officer, supervisor, officer2, outsider, supervisor_away }
}

pub fn enrol(store: &Store, authority: &Authority, name: &str, p: &str, role: Role, scope: &[&str]) -> Uuid {
    let req = store.begin_enrollment(name, &pin(p)).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let cert = authority
        .issue(&req, role, scope.iter().map(|s| s.to_string()).collect(), now, now + Duration::days(730))
        .unwrap();
    store.install_certificate(&cert.to_bytes().unwrap()).unwrap().id
}

pub fn member(name: &str, birth: &str, rel: Relationship, national_id: Option<&str>) -> Member {
    Member {
        id: Uuid::now_v7(),
        full_name: name.into(),
        sex: Sex::Female,
        birth: PartialDate::parse(birth).unwrap(),
        ethnicity: "Nùng".into(),
        relationship: rel,
        national_id: national_id.map(str::to_owned),
    }
}

/// A household of five with a distinctive head.
pub fn family(head: &str, national_id: &str) -> HouseholdDetails {
    HouseholdDetails {
        address: "Thôn Nà Pó, Xã Xín Mần".into(),
        members: vec![
            member(head, "1984", Relationship::Head, Some(national_id)),
            member("Lù Thị Sẻ", "1986-03", Relationship::Spouse, None),
            member("Vùi Văn Páo", "2010-05-02", Relationship::Child, None),
            member("Vùi Thị Dín", "2014", Relationship::Child, None),
            member("Vùi Văn Chứ", "1950", Relationship::Parent, None),
        ],
        gps: None,
        phone: Some("0912345678".into()),
        notes: String::new(),
    }
}

pub fn file_bytes(path: &Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap_or_default();
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        all.extend(std::fs::read(PathBuf::from(p)).unwrap_or_default());
    }
    all
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

pub trait NowForTests {
    fn now_for_tests(&self) -> chrono::DateTime<Utc>;
}

impl NowForTests for ManualClock {
    fn now_for_tests(&self) -> chrono::DateTime<Utc> {
        use hearth_core::clock::Clock;
        self.now()
    }
}

/// Interchange answers for a household: `income` VND a month; `deprived`
/// plants six deprivations (housing, floor area, water, latrine, telecom,
/// devices), otherwise none.
pub fn answers_for(
    h: &hearth_core::household::Household,
    income: i64,
    deprived: bool,
) -> hearth_core::form::Answers {
    use hearth_core::household::{Relationship, Sex};
    let members: Vec<String> = h
        .details
        .members
        .iter()
        .map(|m| {
            let rel = match m.relationship {
                Relationship::Head => "head",
                Relationship::Spouse => "spouse",
                Relationship::Child => "child",
                Relationship::ChildInLaw => "child_in_law",
                Relationship::Grandchild => "grandchild",
                Relationship::Parent => "parent",
                Relationship::Sibling => "sibling",
                Relationship::Other => "other",
            };
            let sex = if m.sex == Sex::Male { "male" } else { "female" };
            format!(
                r#"{{"name": {name:?}, "sex": "{sex}", "birth": "{birth}", "relationship": "{rel}",
                   "health_insurance": true, "in_school": {school}, "education": "upper_secondary",
                   "employment": "farming", "disability": "none", "monthly_social_allowance": false,
                   "malnourished": false}}"#,
                name = m.full_name,
                birth = m.birth,
                school = m.birth.year >= 2008,
            )
        })
        .collect();
    let (material, area, water, latrine, internet, devices) = if deprived {
        ("non_durable", 4 * h.details.members.len(), "surface_water", "none", false, "[]")
    } else {
        ("durable", 20 * h.details.members.len(), "piped", "septic", true, r#"["tv", "smartphone"]"#)
    };
    let doc = format!(
        r#"{{"reference_date": "2026-10-01", "area": "rural", "region": "northern_midlands_mountains",
            "income_monthly_vnd": {income},
            "house": {{"walls": "{material}", "frame": "{material}", "roof": "{material}"}},
            "floor_area_m2": {area}, "water_source": "{water}", "latrine": "{latrine}",
            "internet_use": {internet}, "info_devices": {devices}, "members": [{}]}}"#,
        members.join(",")
    );
    hearth_core::form::Answers::from_interchange_json(&doc).unwrap()
}

/// Opens the 2026 periodic review of 01108 under vn-2022 (ages at 1 October).
pub fn open_cycle_2026(s: &hearth_core::store::Session) -> Uuid {
    use hearth_core::workflow::{CycleKind, NewCycle};
    s.open_cycle(NewCycle {
        year: 2026,
        kind: CycleKind::Periodic,
        standard_id: "vn-2022".into(),
        units: vec!["01108".into()],
        reference_date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
    })
    .unwrap()
    .id
}

/// Starts, answers, completes and submits an interview of `h`.
pub fn submit_interview(
    s: &hearth_core::store::Session,
    h: &hearth_core::household::Household,
    cycle: Uuid,
    income: i64,
    deprived: bool,
) -> hearth_core::workflow::Interview {
    let iv = s.start_interview(h.id, cycle).unwrap();
    let iv = s.save_interview(iv.id, iv.revision, answers_for(h, income, deprived)).unwrap();
    s.complete_interview(iv.id).unwrap();
    s.submit_interview(iv.id).unwrap()
}

/// Every row of every table, and the schema version, read through a separate
/// read-only connection. Two snapshots are equal exactly when nothing was
/// written in between. Values are listed raw (sealed blobs as bytes).
pub fn db_snapshot(path: &Path) -> Vec<(String, Vec<String>)> {
    use rusqlite::OpenFlags;
    use rusqlite::types::Value;
    let c = rusqlite::Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let mut out = vec![("user_version".to_owned(), vec![version.to_string()])];
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let values: Vec<Value> = (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                Ok(format!("{values:?}"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.push((t, rows));
    }
    out
}

/// The tables whose rows differ between two snapshots (empty: unchanged).
pub fn changed_tables(before: &[(String, Vec<String>)], after: &[(String, Vec<String>)]) -> Vec<String> {
    let mut names: Vec<&String> = before.iter().chain(after).map(|(t, _)| t).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|t| {
            let rows = |s: &[(String, Vec<String>)]| s.iter().find(|(n, _)| n == *t).map(|(_, r)| r.clone());
            rows(before) != rows(after)
        })
        .cloned()
        .collect()
}
