//! The calls that `bindings/bench/Bench.kt` times through JNA, timed here in
//! Rust through the same exported API without the boundary: the difference is
//! what crossing costs (lowering, lifting, JNA). Figures in docs/perf.md.
//!
//! ```sh
//! cargo bench -p hearth-ffi --bench calls
//! ```

use std::hint::black_box;
use std::sync::Arc;

use criterion::Criterion;
use hearth_ffi::*;

struct FixedKey;

impl KeyProvider for FixedKey {
    fn device_secret(&self, _: String) -> Result<Vec<u8>, HearthError> {
        Ok(vec![7; 32])
    }
}

fn member(name: &str, sex: Sex, birth: &str, relationship: Relationship) -> Member {
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

/// The household of five that Bench.kt saves.
fn family() -> HouseholdDetails {
    let mut head = member("Vùi Văn Sình", Sex::Male, "1984", Relationship::Head);
    head.national_id = Some("002084001234".into());
    HouseholdDetails {
        address: "Thôn Nà Pó, Xã Xín Mần".into(),
        members: vec![
            head,
            member("Lù Thị Sẻ", Sex::Female, "1986-03", Relationship::Spouse),
            member("Vùi Văn Páo", Sex::Male, "2010-05-02", Relationship::Child),
            member("Vùi Thị Dín", Sex::Female, "2014", Relationship::Child),
            member("Vùi Văn Chứ", Sex::Male, "1950", Relationship::Parent),
        ],
        gps: None,
        phone: Some("0912345678".into()),
        notes: String::new(),
    }
}

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench`: the
    // setup here takes minutes, so only `cargo bench` runs it.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("phone.db").to_str().expect("utf-8 path").to_owned();
    let authority = Authority::generate().expect("authority");
    let hearth = Hearth::create(path, Arc::new(FixedKey), authority.public_key()).expect("create");
    hearth
        .import_units_csv(
            "code,name,level,parent_code,valid_from,valid_to\n08,Tuyên Quang,province,,2025-07-01,\n\
             01108,Xã Xín Mần,commune,08,2025-07-01,\n01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n"
                .into(),
        )
        .expect("units");
    let e = hearth.begin_enrollment("Lò Văn Tú".into(), "111111".into()).expect("enrol");
    let cert = authority.issue(e.request, Role::Officer, vec!["01108".into()], 365).expect("issue");
    let officer = hearth.install_certificate(cert).expect("install").id;
    hearth.finish_provisioning().expect("provisioned");
    let session = hearth.unlock(officer, "111111".into()).expect("unlock");
    let saved = session.create_household("01108-01".into(), family()).expect("save");

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("trivial: authority.public_key()", |b| b.iter(|| black_box(authority.public_key())));
    c.bench_function("trivial: session.info()", |b| b.iter(|| black_box(session.info())));
    c.bench_function("read a 5-member household", |b| {
        b.iter(|| black_box(session.household(saved.id.clone())))
    });
    c.bench_function("save a 5-member household", |b| {
        b.iter(|| black_box(session.create_household("01108-01".into(), family())))
    });
    c.final_summary();
}
