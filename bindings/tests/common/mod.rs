//! Fixtures for the binding tests, through the exported API only: key
//! providers, a provisioned phone with an officer and a supervisor of Xã Xín
//! Mần (and an officer of another commune), households and answers.
#![allow(dead_code)]

use std::sync::Arc;

use hearth_ffi::*;

pub const UNITS: &str = "code,name,level,parent_code,valid_from,valid_to\n\
    08,Tuyên Quang,province,,2025-07-01,\n\
    01108,Xã Xín Mần,commune,08,2025-07-01,\n\
    01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n\
    01096,Xã Nấm Dẩn,commune,08,2025-07-01,\n\
    01096-01,Thôn Pà Vầy Sủ,village,01096,2025-07-01,\n";

/// A key provider holding one fixed device secret.
pub struct FixedKey(pub Vec<u8>);

impl KeyProvider for FixedKey {
    fn device_secret(&self, _store_id: String) -> Result<Vec<u8>, HearthError> {
        Ok(self.0.clone())
    }
}

pub fn key() -> Arc<dyn KeyProvider> {
    Arc::new(FixedKey(vec![7; 32]))
}

pub struct Phone {
    pub dir: tempfile::TempDir,
    pub path: String,
    pub authority: Arc<Authority>,
    pub hearth: Arc<Hearth>,
    /// PIN 111111, scope 01108.
    pub officer: String,
    /// PIN 222222, scope 01108.
    pub supervisor: String,
    /// PIN 333333, scope 01096.
    pub outsider: String,
}

pub fn enrol(
    hearth: &Hearth,
    authority: &Authority,
    name: &str,
    pin: &str,
    role: Role,
    scope: &str,
) -> String {
    let e = hearth.begin_enrollment(name.into(), pin.into()).unwrap();
    let cert = authority.issue(e.request, role, vec![scope.into()], 365).unwrap();
    hearth.install_certificate(cert).unwrap().id
}

pub fn phone() -> Phone {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db").to_str().unwrap().to_owned();
    let authority = Authority::generate().unwrap();
    let hearth = Hearth::create_insecure_fast_kdf(path.clone(), key(), authority.public_key()).unwrap();
    hearth.import_units_csv(UNITS.into()).unwrap();
    let officer = enrol(&hearth, &authority, "Lò Văn Tú", "111111", Role::Officer, "01108");
    let supervisor = enrol(&hearth, &authority, "Vàng Thị Mai", "222222", Role::Supervisor, "01108");
    let outsider = enrol(&hearth, &authority, "Giàng A Lử", "333333", Role::Officer, "01096");
    hearth.finish_provisioning().unwrap();
    Phone { dir, path, authority, hearth, officer, supervisor, outsider }
}

pub fn member(name: &str, sex: Sex, birth: &str, relationship: Relationship) -> Member {
    Member {
        id: None,
        full_name: name.into(),
        sex,
        birth: birth.into(),
        ethnicity: "Nùng".into(),
        relationship,
        national_id: None,
    }
}

/// A couple: the household the answers below describe.
pub fn couple() -> HouseholdDetails {
    HouseholdDetails {
        address: "Thôn Nà Pó, Xã Xín Mần".into(),
        members: vec![
            member("Vùi Văn Sình", Sex::Male, "1980", Relationship::Head),
            member("Lù Thị Sẻ", Sex::Female, "1982-05", Relationship::Spouse),
        ],
        gps: None,
        phone: None,
        notes: String::new(),
    }
}

/// The couple's answers: 1.4 million VND a head, rural, deprived in
/// housing, water and latrine: poor under vn-2022.
pub const POOR_ANSWERS: &str = r#"{
  "reference_date": "2026-10-01",
  "area": "rural", "income_monthly_vnd": 2800000,
  "house": { "walls": "non_durable", "frame": "durable", "roof": "non_durable" },
  "floor_area_m2": 30, "water_source": "surface_water", "latrine": "simple_pit",
  "internet_use": true, "info_devices": ["basic_phone"],
  "members": [
    { "name": "Vùi Văn Sình", "sex": "male", "birth": "1980", "relationship": "head",
      "health_insurance": true, "education": "lower_secondary", "employment": "farming",
      "disability": "none", "monthly_social_allowance": false },
    { "name": "Lù Thị Sẻ", "sex": "female", "birth": "1982-05", "relationship": "spouse",
      "health_insurance": true, "education": "primary", "employment": "farming",
      "disability": "none", "monthly_social_allowance": false }
  ]
}"#;

pub fn new_cycle() -> NewCycle {
    NewCycle {
        year: 2026,
        kind: CycleKind::Periodic,
        standard_id: "vn-2022".into(),
        units: vec!["01108".into()],
        reference_date: "2026-10-01".into(),
    }
}

/// A submitted interview of a poor couple, and the two sessions.
pub struct Submitted {
    pub officer: Arc<Session>,
    pub supervisor: Arc<Session>,
    pub cycle: ReviewCycle,
    pub household: Household,
    pub interview: Interview,
}

pub fn submitted(p: &Phone) -> Submitted {
    let supervisor = p.hearth.unlock(p.supervisor.clone(), "222222".into()).unwrap();
    let officer = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let cycle = supervisor.open_cycle(new_cycle()).unwrap();
    let household = officer.create_household("01108-01".into(), couple()).unwrap();
    let iv = officer.start_interview(household.id.clone(), cycle.id.clone()).unwrap();
    let iv = officer.save_interview(iv.id, iv.revision, POOR_ANSWERS.into()).unwrap();
    let iv = officer.complete_interview(iv.id).unwrap();
    let interview = officer.submit_interview(iv.id).unwrap();
    Submitted { officer, supervisor, cycle, household, interview }
}
