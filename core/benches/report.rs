//! What a commune report costs beside reading its rows.
//!
//! - `report_pure/{build,scan}/N`: `UnitReport::build` over N households in
//!   each of two cycles (a 2024 cycle under old communes, a 2026 cycle under
//!   merged Xín Mần, so every village is placed through the maps), against
//!   opening the same 2·N sealed classification records in memory (AES-256-GCM
//!   open and postcard decode into `ListEntry`, the store's per-row work without
//!   SQLite). The entries are made directly, not through the Session API:
//!   100,000 certified households through the workflow would take an hour.
//! - `report_store/{report,scan}/10000`: `session.report(cycle, "01108")`
//!   against `session.classifications(cycle)` on a phone holding two cycles of
//!   10,000 households built through the real workflow. Both decrypt both
//!   cycles' rows.
//!
//! Peak memory is counted by a global allocator in this bench: the peak of
//! live Rust heap bytes above the level before one run, the result included
//! (SQLite's own page cache is allocated through libc and not counted),
//! printed before the timings. Figures: docs/perf.md, "Reports".
//!
//! ```sh
//! cargo bench -p hearth-core --bench report
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput};
use hearth_core::clock::ManualClock;
use hearth_core::form::Answers;
use hearth_core::household::{HouseholdDetails, Member, PartialDate, Relationship, Sex};
use hearth_core::identity::{Authority, Role};
use hearth_core::report::{CycleEntries, UnitReport};
use hearth_core::scoring::{Category, Standard, StandardRef};
use hearth_core::store::seal::{Binding, Cipher, Sealer, SecretKey};
use hearth_core::store::{KeyProvider, KeyProviderError, Pin, Session, Store, StoreOptions};
use hearth_core::units::{Succession, UnitRegistry};
use hearth_core::workflow::{Classification, CycleKind, ListEntry, Movement, NewCycle};
use uuid::Uuid;
use zeroize::Zeroizing;

const UNITS_CSV: &str = include_str!("../testdata/units-xin-man.csv");

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench`: the
    // setup here takes minutes, so only `cargo bench` runs it.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    for n in [10_000, 100_000] {
        pure(&mut c, n);
    }
    store(&mut c, 10_000);
    c.final_summary();
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// A global allocator that counts live bytes and their peak: exact where the
/// resident set is not (freed pages are reused, SQLite allocates through libc
/// malloc and is not counted).
#[allow(unsafe_code)]
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    pub struct Counting;

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    fn grew(by: usize) {
        let live = LIVE.fetch_add(by, Relaxed) + by;
        PEAK.fetch_max(live, Relaxed);
    }

    // SAFETY: every call is passed to the system allocator unchanged; the
    // counters only observe sizes.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Relaxed);
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                if new_size >= layout.size() {
                    grew(new_size - layout.size());
                } else {
                    LIVE.fetch_sub(layout.size() - new_size, Relaxed);
                }
            }
            p
        }
    }

    /// The peak of live Rust heap bytes above the starting level while `f`
    /// runs once, its result included.
    pub fn peak_growth<T>(f: impl FnOnce() -> T) -> (usize, T) {
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let out = f();
        (PEAK.load(Relaxed).saturating_sub(base), out)
    }
}

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

/// Peak heap growth of one run of `f`, in KiB.
fn peak_growth_kib<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let (bytes, out) = counting::peak_growth(f);
    (bytes / 1024, out)
}

/// Old villages under Chí Cà and Nàn Xỉn until 2025-07-01, each followed by
/// one of twenty villages of merged Xín Mần.
fn registry() -> UnitRegistry {
    let mut r = UnitRegistry::new();
    r.load_reorganisation_csv(UNITS_CSV).expect("units");
    let mut csv = String::from("code,name,level,parent_code,valid_from,valid_to\n");
    for v in 1..=20 {
        let old = if v <= 10 { format!("01105-{v:02}") } else { format!("01099-{:02}", v - 10) };
        let parent = &old[..5];
        csv += &format!("{old},Thôn cũ {v},village,{parent},,2025-07-01\n");
        csv += &format!("01108-{v:02},Thôn {v},village,01108,2025-07-01,\n");
        r.add_succession(Succession {
            old_code: old,
            new_code: format!("01108-{v:02}"),
            effective: day(2025, 7, 1),
        });
    }
    r.load_units_csv(&csv).expect("villages");
    r
}

/// A classification in the proportions of Chí Cà 2018 (56 % poor, 19 % near-poor).
fn classification(i: usize, year_shift: usize, standard: &StandardRef, ids: &[String]) -> Classification {
    let k = (i * 7 + year_shift) % 100;
    let category = match k {
        0..56 => Category::Poor,
        56..75 => Category::NearPoor,
        75..90 => Category::AverageLiving,
        _ => Category::NotPoor,
    };
    let deprivations = match category {
        Category::Poor => 3 + i % 4,
        Category::NearPoor => i % 3,
        _ => i % 5,
    };
    Classification {
        category,
        income_per_capita: Some(1_000_000),
        b1: None,
        b2: 10 * deprivations as u32,
        deprived: (0..deprivations).map(|d| ids[(i + d * 5) % ids.len()].clone()).collect(),
        standard: standard.clone(),
        interview_id: Some(Uuid::now_v7()),
        approved_by: Some(Uuid::now_v7()),
        carried_over: false,
        members: 5,
        head_sex: Some(if i.is_multiple_of(3) { Sex::Female } else { Sex::Male }),
        head_ethnicity: Some(["Nùng", "Dao", "H'Mông", "La Chí"][i % 4].to_owned()),
    }
}

fn entries(n: usize, old: bool, standard: &StandardRef, ids: &[String]) -> Vec<ListEntry> {
    (0..n)
        .map(|i| {
            let v = 1 + i % 20;
            let village = match (old, v <= 10) {
                (true, true) => format!("01105-{v:02}"),
                (true, false) => format!("01099-{:02}", v - 10),
                (false, _) => format!("01108-{v:02}"),
            };
            let classification = classification(i, usize::from(!old) * 13, standard, ids);
            let category = classification.category;
            ListEntry {
                household_id: Uuid::from_u128(i as u128 + 1),
                village,
                classification,
                previous: None,
                movement: Movement::between(None, category),
            }
        })
        .collect()
}

/// Sealed records of a cycle, as the store keeps them.
fn seal_all(sealer: &Sealer, cycle: Uuid, entries: &[ListEntry]) -> Vec<(Uuid, String, Vec<u8>)> {
    entries
        .iter()
        .map(|e| {
            let plain = postcard::to_stdvec(&e.classification).expect("encoded");
            let row = binding_row(cycle, e.household_id);
            let at = Binding { table: "classifications", row: &row, column: "record", schema: 1 };
            (e.household_id, e.village.clone(), sealer.seal(at, &plain).expect("sealed"))
        })
        .collect()
}

fn binding_row(cycle: Uuid, household: Uuid) -> [u8; 32] {
    let mut row = [0u8; 32];
    row[..16].copy_from_slice(cycle.as_bytes());
    row[16..].copy_from_slice(household.as_bytes());
    row
}

/// Opens every record back into list entries.
fn open_all(sealer: &Sealer, cycle: Uuid, sealed: &[(Uuid, String, Vec<u8>)]) -> Vec<ListEntry> {
    sealed
        .iter()
        .map(|(id, village, record)| {
            let row = binding_row(cycle, *id);
            let at = Binding { table: "classifications", row: &row, column: "record", schema: 1 };
            let plain = sealer.open(at, record).expect("opened");
            let classification: Classification = postcard::from_bytes(&plain).expect("decoded");
            let category = classification.category;
            ListEntry {
                household_id: *id,
                village: village.clone(),
                classification,
                previous: None,
                movement: Movement::between(None, category),
            }
        })
        .collect()
}

fn pure(c: &mut Criterion, n: usize) {
    let standard = Standard::builtin("vn-2022").expect("standard");
    let sref = StandardRef { id: standard.id.clone(), version: standard.version.clone() };
    let registry = registry();
    let ids: Vec<String> = standard.indicators.iter().map(|i| i.id.clone()).collect();
    let (before, now) = (entries(n, true, &sref, &ids), entries(n, false, &sref, &ids));
    let sealer =
        Sealer::new(&SecretKey::random().expect("key"), b"bench", Cipher::Aes256Gcm).expect("sealer");
    let (c1, c2) = (Uuid::now_v7(), Uuid::now_v7());
    let (sealed1, sealed2) = (seal_all(&sealer, c1, &before), seal_all(&sealer, c2, &now));
    let build = || {
        UnitReport::build(
            &CycleEntries { year: 2026, date: day(2026, 10, 1), entries: &now },
            Some(&CycleEntries { year: 2024, date: day(2024, 10, 1), entries: &before }),
            &standard,
            &registry,
            "01108",
        )
        .expect("report")
    };
    let scan = || (open_all(&sealer, c1, &sealed1), open_all(&sealer, c2, &sealed2));
    let (kib, report) = peak_growth_kib(build);
    assert_eq!(report.total.now.households as usize, n);
    assert_eq!(report.total.before.map(|b| b.households as usize), Some(n));
    eprintln!("report_pure/build/{n}: peak heap growth {kib} KiB");
    let (kib, _) = peak_growth_kib(scan);
    eprintln!("report_pure/scan/{n}: peak heap growth {kib} KiB");

    let mut g = c.benchmark_group("report_pure");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("build", n), |b| b.iter(|| black_box(build())));
    g.bench_function(BenchmarkId::new("scan", n), |b| b.iter(|| black_box(scan())));
    g.finish();
}

fn store(c: &mut Criterion, n: usize) {
    let phone = Phone::fill(n);
    let sup = &phone.supervisor;
    let (kib, report) = peak_growth_kib(|| sup.report(phone.second, "01108").expect("report"));
    assert_eq!(report.total.now.households as usize, n);
    eprintln!("report_store/report/{n}: peak heap growth {kib} KiB");
    let (kib, rows) = peak_growth_kib(|| sup.classifications(phone.second).expect("scan"));
    assert_eq!(rows.len(), n);
    eprintln!("report_store/scan/{n}: peak heap growth {kib} KiB");

    let mut g = c.benchmark_group("report_store");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("report", n), |b| {
        b.iter(|| black_box(sup.report(phone.second, "01108").expect("report")))
    });
    g.bench_function(BenchmarkId::new("scan", n), |b| {
        b.iter(|| black_box(sup.classifications(phone.second).expect("scan")))
    });
    g.finish();
}

/// A phone with two certified cycles over `n` households of Xã Xín Mần.
struct Phone {
    supervisor: Session,
    second: Uuid,
    _dir: tempfile::TempDir,
}

struct FixedKey;

impl KeyProvider for FixedKey {
    fn device_secret(&self, _store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Ok(Zeroizing::new(vec![7; 32]))
    }
}

impl Phone {
    /// The first cycle surveys everyone; the second re-surveys one in ten and
    /// carries the rest over, so both cycles hold `n` classifications.
    fn fill(n: usize) -> Phone {
        let started = Instant::now();
        let dir = tempfile::tempdir().expect("temporary directory");
        let now = Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).single().expect("a valid time");
        let options = StoreOptions::default().with_clock(Arc::new(ManualClock::new(now))).insecure_fast_kdf();
        let authority = Authority::generate().expect("authority");
        let store =
            Store::create(&dir.path().join("phone.db"), Arc::new(FixedKey), authority.public_key(), options)
                .expect("store");
        store.import_units_csv(UNITS_CSV).expect("units");
        let mut csv = String::from("code,name,level,parent_code,valid_from,valid_to\n");
        for v in 1..=10 {
            csv += &format!("01108-{v:02},Thôn {v},village,01108,2025-07-01,\n");
        }
        store.import_units_csv(&csv).expect("villages");
        let enrol = |name: &str, pin: &str, role| {
            let request = store.begin_enrollment(name, &Pin::new(pin).expect("pin")).expect("enrollment");
            let cert = authority
                .issue(&request, role, vec!["01108".into()], now, now + chrono::Duration::days(365))
                .expect("certificate");
            store.install_certificate(&cert.to_bytes().expect("encoded")).expect("installed").id
        };
        let officer = enrol("Lò Văn Tú", "111111", Role::Officer);
        let supervisor = enrol("Vàng Thị Mai", "222222", Role::Supervisor);
        store.finish_provisioning();
        let off = store.unlock(officer, &Pin::new("111111").expect("pin")).expect("unlocked");
        let sup = store.unlock(supervisor, &Pin::new("222222").expect("pin")).expect("unlocked");
        let households: Vec<_> = (0..n)
            .map(|i| off.create_household(&format!("01108-{:02}", 1 + i % 10), family(i)).expect("saved"))
            .collect();
        let mut second = Uuid::nil();
        for (year, every) in [(2025, 1), (2026, 10)] {
            let cycle = sup
                .open_cycle(NewCycle {
                    year,
                    kind: CycleKind::Periodic,
                    standard_id: "vn-2022".into(),
                    units: vec!["01108".into()],
                    reference_date: day(year, 10, 1),
                })
                .expect("cycle")
                .id;
            for (i, h) in households.iter().enumerate().filter(|(i, _)| i % every == 0) {
                let iv = off.start_interview(h.id, cycle).expect("started");
                let iv = off.save_interview(iv.id, iv.revision, answers(i + year as usize)).expect("saved");
                off.complete_interview(iv.id).expect("completed");
                off.submit_interview(iv.id).expect("submitted");
                sup.approve_interview(iv.id).expect("approved");
            }
            sup.certify_cycle(cycle).expect("certified");
            second = cycle;
        }
        eprintln!("built two certified cycles of {n} households in {:.1?}", started.elapsed());
        Phone { supervisor: sup, second, _dir: dir }
    }
}

fn family(i: usize) -> HouseholdDetails {
    let member = |name: String, year, relationship, sex| Member {
        id: Uuid::now_v7(),
        full_name: name,
        sex,
        birth: PartialDate { year, month: Some(3), day: Some(1 + (i % 28) as u8) },
        ethnicity: ["Nùng", "Dao", "H'Mông", "La Chí"][i % 4].into(),
        relationship,
        national_id: None,
    };
    HouseholdDetails {
        address: "Xã Xín Mần".into(),
        members: vec![
            member(
                format!("Chủ hộ {i}"),
                1980,
                Relationship::Head,
                if i.is_multiple_of(3) { Sex::Female } else { Sex::Male },
            ),
            member(format!("Vợ chồng {i}"), 1982, Relationship::Spouse, Sex::Female),
            member(format!("Con {i}"), 2000, Relationship::Child, Sex::Male),
        ],
        gps: None,
        phone: None,
        notes: String::new(),
    }
}

/// Answers that land about half the households poor, a fifth near-poor.
fn answers(k: usize) -> Answers {
    let (income, deprived) = match k % 10 {
        0..5 => (3_000_000, true),
        5..7 => (3_000_000, false),
        7..9 => (6_000_000, k.is_multiple_of(2)),
        _ => (12_000_000, false),
    };
    let (material, area, water, latrine, internet, devices) = if deprived {
        ("non_durable", 12, "surface_water", "none", false, "[]")
    } else {
        ("durable", 60, "piped", "septic", true, r#"["tv", "smartphone"]"#)
    };
    let member = |name: &str, sex: &str, birth: &str, rel: &str| {
        format!(
            r#"{{"name": "{name}", "sex": "{sex}", "birth": "{birth}", "relationship": "{rel}",
               "health_insurance": true, "in_school": false, "education": "upper_secondary",
               "employment": "farming", "disability": "none", "monthly_social_allowance": false,
               "malnourished": false}}"#
        )
    };
    let doc = format!(
        r#"{{"reference_date": "2026-10-01", "area": "rural", "region": "northern_midlands_mountains",
            "income_monthly_vnd": {income},
            "house": {{"walls": "{material}", "frame": "{material}", "roof": "{material}"}},
            "floor_area_m2": {area}, "water_source": "{water}", "latrine": "{latrine}",
            "internet_use": {internet}, "info_devices": {devices}, "members": [{}, {}, {}]}}"#,
        member("A", "male", "1980-03-01", "head"),
        member("B", "female", "1982-03-01", "spouse"),
        member("C", "male", "2000-03-01", "child"),
    );
    Answers::from_interchange_json(&doc).expect("answers")
}
