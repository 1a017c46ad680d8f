//! The sealed store against plain SQLite: what sealing whole records and
//! blind-indexing names costs.
//!
//! Every benchmark has its baseline beside it, measured in the same run: the
//! same households in clear, in a `households` row and one `members` row per
//! person, names and ID numbers indexed, on a connection with the store's
//! pragmas (WAL, `synchronous=FULL`, foreign keys, no mmap). The figures and
//! the targets they are held to are in docs/perf.md.
//!
//! ```sh
//! cargo bench -p hearth-core --bench store
//! ```

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput};
use hearth_core::clock::ManualClock;
use hearth_core::household::{GeoPoint, Household, HouseholdDetails, Member, PartialDate, Relationship, Sex};
use hearth_core::identity::{Authority, Role};
use hearth_core::store::{KeyProvider, KeyProviderError, Pin, Session, Store, StoreOptions};
use rusqlite::{Connection, Row, params};
use tempfile::TempDir;
use uuid::Uuid;
use zeroize::Zeroizing;

const VILLAGE: &str = "01108-01";
const VILLAGE_CSV: &str = "code,name,level,parent_code,valid_from,valid_to\n\
    01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n";
const UNITS_CSV: &str = include_str!("../testdata/units-xin-man.csv");

/// Households in the village that is listed and searched.
const HOUSEHOLDS: usize = 10_000;
/// The household whose head is searched for.
const SOUGHT: usize = 7_777;

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
    save(&mut c);
    let village = Village::fill();
    list(&mut c, &village);
    find(&mut c, &village);
    c.final_summary();
}

/// One household of five saved: one transaction, one fsync, each side.
fn save(c: &mut Criterion) {
    let mut g = c.benchmark_group("save_household");
    g.throughput(Throughput::Elements(1));

    let phone = Phone::new();
    let mut next = 0..;
    g.bench_function("sealed", |b| {
        b.iter_batched(
            || household(next.next().expect("unbounded")),
            |d| phone.session.create_household(VILLAGE, d).expect("saved"),
            BatchSize::SmallInput,
        )
    });

    let mut plain = Plain::new();
    let mut next = 0..;
    g.bench_function("plain", |b| {
        b.iter_batched(
            || household(next.next().expect("unbounded")),
            |d| plain.save(&[d]).expect("saved"),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// Every household of a 10,000-household village, read whole. The second
/// baseline skips the sort the first shares with the store, to show what the
/// join alone costs.
fn list(c: &mut Criterion, v: &Village) {
    let mut g = c.benchmark_group("list_village");
    g.measurement_time(Duration::from_secs(6));
    g.throughput(Throughput::Elements(HOUSEHOLDS as u64));
    g.bench_function("sealed", |b| {
        b.iter(|| black_box(v.phone.session.households_in(VILLAGE).expect("listed")))
    });
    g.bench_function("plain", |b| b.iter(|| black_box(v.plain.households_in(VILLAGE).expect("listed"))));
    g.bench_function("plain_unordered", |b| {
        b.iter(|| black_box(v.plain.households_in_any_order(VILLAGE).expect("listed")))
    });
    g.finish();
}

/// One household found by a member's name among 10,000.
fn find(c: &mut Criterion, v: &Village) {
    let name = &v.sought;
    let mut g = c.benchmark_group("find_by_name");
    g.bench_function("sealed", |b| {
        b.iter(|| black_box(v.phone.session.find_households(name).expect("found")))
    });
    g.bench_function("plain", |b| b.iter(|| black_box(v.plain.find(name).expect("found"))));
    g.finish();
}

/// The same 10,000 households in a sealed store and in plain tables.
struct Village {
    phone: Phone,
    plain: Plain,
    sought: String,
}

impl Village {
    /// Fills both databases: the store one fsync'd save at a time, as a phone
    /// would; the baseline a thousand households per transaction.
    fn fill() -> Village {
        let started = Instant::now();
        let phone = Phone::new();
        for i in 0..HOUSEHOLDS {
            phone.session.create_household(VILLAGE, household(i)).expect("saved");
        }
        let mut plain = Plain::new();
        let all: Vec<_> = (0..HOUSEHOLDS).map(household).collect();
        for batch in all.chunks(1_000) {
            plain.save(batch).expect("saved");
        }
        let sought = all[SOUGHT].members[0].full_name.clone();
        assert_eq!(phone.session.households_in(VILLAGE).expect("listed").len(), HOUSEHOLDS);
        assert_eq!(plain.households_in(VILLAGE).expect("listed").len(), HOUSEHOLDS);
        assert_eq!(phone.session.find_households(&sought).expect("found").len(), 1);
        assert_eq!(plain.find(&sought).expect("found").len(), 1);
        eprintln!("filled two villages of {HOUSEHOLDS} households in {:.1?}", started.elapsed());
        Village { phone, plain, sought }
    }
}

/// A provisioned phone with an officer of Xã Xín Mần signed in.
struct Phone {
    session: Session,
    _dir: TempDir,
}

struct FixedKey;

impl KeyProvider for FixedKey {
    fn device_secret(&self, _store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Ok(Zeroizing::new(vec![7; 32]))
    }
}

impl Phone {
    fn new() -> Phone {
        let dir = tempfile::tempdir().expect("temporary directory");
        let now = Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).single().expect("a valid time");
        let options = StoreOptions::default().with_clock(Arc::new(ManualClock::new(now))).insecure_fast_kdf();
        let authority = Authority::generate().expect("authority");
        let path = dir.path().join("phone.db");
        let store = Store::create(&path, Arc::new(FixedKey), authority.public_key(), options).expect("store");
        store.import_units_csv(UNITS_CSV).expect("units");
        store.import_units_csv(VILLAGE_CSV).expect("village");
        let pin = Pin::new("111111").expect("pin");
        let request = store.begin_enrollment("Lò Văn Tú", &pin).expect("enrollment");
        let cert = authority
            .issue(&request, Role::Officer, vec!["01108".into()], now, now + chrono::Duration::days(365))
            .expect("certificate");
        let user = store.install_certificate(&cert.to_bytes().expect("encoded")).expect("installed").id;
        store.finish_provisioning();
        Phone { session: store.unlock(user, &pin).expect("unlocked"), _dir: dir }
    }
}

/// The baseline: the same households in clear.
struct Plain {
    conn: Connection,
    _dir: TempDir,
}

const PLAIN_SCHEMA: &str = "
CREATE TABLE households (
    id         BLOB PRIMARY KEY NOT NULL,
    unit_code  TEXT NOT NULL,
    address    TEXT NOT NULL,
    lat        REAL,
    lon        REAL,
    phone      TEXT,
    notes      TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX households_by_unit ON households (unit_code, deleted);

CREATE TABLE members (
    id           BLOB PRIMARY KEY NOT NULL,
    household_id BLOB NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    full_name    TEXT NOT NULL,
    sex          INTEGER NOT NULL,
    birth_year   INTEGER NOT NULL,
    birth_month  INTEGER,
    birth_day    INTEGER,
    ethnicity    TEXT NOT NULL,
    relationship INTEGER NOT NULL,
    national_id  TEXT
) STRICT;
CREATE INDEX members_by_household ON members (household_id, position);
CREATE INDEX members_by_name ON members (full_name);
CREATE INDEX members_by_national_id ON members (national_id);
";

/// Households with their members, head first, in id order.
const PLAIN_SELECT: &str = "
SELECT h.id, h.unit_code, h.revision, h.address, h.lat, h.lon, h.phone, h.notes,
       m.id, m.full_name, m.sex, m.birth_year, m.birth_month, m.birth_day,
       m.ethnicity, m.relationship, m.national_id
FROM households h JOIN members m ON m.household_id = h.id";

const SEXES: [Sex; 2] = [Sex::Male, Sex::Female];
const RELATIONSHIPS: [Relationship; 8] = [
    Relationship::Head,
    Relationship::Spouse,
    Relationship::Child,
    Relationship::ChildInLaw,
    Relationship::Grandchild,
    Relationship::Parent,
    Relationship::Sibling,
    Relationship::Other,
];

impl Plain {
    fn new() -> Plain {
        let dir = tempfile::tempdir().expect("temporary directory");
        let conn = connect(&dir.path().join("plain.db")).expect("baseline database");
        conn.execute_batch(PLAIN_SCHEMA).expect("baseline schema");
        Plain { conn, _dir: dir }
    }

    /// Saves new households in one transaction, as the store would.
    fn save(&mut self, households: &[HouseholdDetails]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut h = tx.prepare_cached(
                "INSERT INTO households (id, unit_code, address, lat, lon, phone, notes, revision, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)",
            )?;
            let mut m = tx.prepare_cached(
                "INSERT INTO members (id, household_id, position, full_name, sex, birth_year, birth_month,
                                      birth_day, ethnicity, relationship, national_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for d in households {
                let id = Uuid::now_v7();
                let now = Utc::now().timestamp_millis();
                let (lat, lon) = d.gps.map(|g| (g.lat, g.lon)).unzip();
                h.execute(params![id.as_bytes(), VILLAGE, d.address, lat, lon, d.phone, d.notes, now])?;
                for (position, p) in (0_i64..).zip(&d.members) {
                    m.execute(params![
                        p.id.as_bytes(),
                        id.as_bytes(),
                        position,
                        p.full_name,
                        code(&SEXES, p.sex),
                        p.birth.year,
                        p.birth.month,
                        p.birth.day,
                        p.ethnicity,
                        code(&RELATIONSHIPS, p.relationship),
                        p.national_id,
                    ])?;
                }
            }
        }
        tx.commit()
    }

    fn households_in(&self, village: &str) -> rusqlite::Result<Vec<Household>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{PLAIN_SELECT} WHERE h.unit_code = ?1 AND h.deleted = 0 ORDER BY h.id, m.position"
        ))?;
        collect(stmt.query([village])?)
    }

    /// As [`Plain::households_in`] without `ORDER BY`: the rows come as the
    /// indexes yield them, each household's members together.
    fn households_in_any_order(&self, village: &str) -> rusqlite::Result<Vec<Household>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("{PLAIN_SELECT} WHERE h.unit_code = ?1 AND h.deleted = 0"))?;
        collect(stmt.query([village])?)
    }

    fn find(&self, name: &str) -> rusqlite::Result<Vec<Household>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{PLAIN_SELECT} WHERE h.id IN (SELECT household_id FROM members WHERE full_name = ?1)
             AND h.deleted = 0 ORDER BY h.id, m.position"
        ))?;
        collect(stmt.query([name])?)
    }
}

/// A connection set up as the store sets up its writer.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    assert_eq!(mode, "wal");
    conn.pragma_update(None, "secure_delete", true)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

/// Folds `PLAIN_SELECT` rows (one per member) into households.
fn collect(mut rows: rusqlite::Rows<'_>) -> rusqlite::Result<Vec<Household>> {
    let mut out: Vec<Household> = Vec::new();
    while let Some(r) = rows.next()? {
        let id = Uuid::from_bytes(r.get(0)?);
        if out.last().is_none_or(|h| h.id != id) {
            out.push(Household {
                id,
                village: r.get(1)?,
                revision: r.get(2)?,
                details: HouseholdDetails {
                    address: r.get(3)?,
                    members: Vec::with_capacity(5),
                    gps: match (r.get(4)?, r.get(5)?) {
                        (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
                        _ => None,
                    },
                    phone: r.get(6)?,
                    notes: r.get(7)?,
                },
            });
        }
        let member = member(r)?;
        out.last_mut().expect("pushed above").details.members.push(member);
    }
    Ok(out)
}

fn member(r: &Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        id: Uuid::from_bytes(r.get(8)?),
        full_name: r.get(9)?,
        sex: decode(&SEXES, r, 10)?,
        birth: PartialDate { year: r.get(11)?, month: r.get(12)?, day: r.get(13)? },
        ethnicity: r.get(14)?,
        relationship: decode(&RELATIONSHIPS, r, 15)?,
        national_id: r.get(16)?,
    })
}

fn code<T: PartialEq>(all: &[T], value: T) -> i64 {
    all.iter().position(|v| *v == value).expect("every value is listed") as i64
}

fn decode<T: Copy>(all: &[T], r: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    let code: i64 = r.get(column)?;
    usize::try_from(code)
        .ok()
        .and_then(|i| all.get(i).copied())
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(column, code))
}

const SURNAMES: [&str; 20] = [
    "Vùi", "Lù", "Giàng", "Sùng", "Lò", "Vàng", "Nguyễn", "Hoàng", "Nông", "Triệu", "Hà", "Lục", "Ma",
    "Đặng", "Lý", "Thào", "Chẩu", "Hầu", "Tẩn", "Cháng",
];
const MIDDLES: [&str; 5] = ["Văn", "Thị", "Đức", "Thu", "Minh"];
const GIVEN: [&str; 25] = [
    "Sình", "Páo", "Chứ", "Sẻ", "Dín", "Mai", "Tú", "Pà", "Sua", "Dền", "Chính", "Mỷ", "Lan", "Hoa", "Tráng",
    "Sử", "Vần", "Chúng", "Dúa", "Mẩy", "Seo", "Khoa", "Lềnh", "Sềnh", "Chài",
];
const ROSTER: [(Relationship, Sex, i32); 5] = [
    (Relationship::Head, Sex::Male, 1981),
    (Relationship::Spouse, Sex::Female, 1984),
    (Relationship::Child, Sex::Female, 2006),
    (Relationship::Child, Sex::Male, 2012),
    (Relationship::Parent, Sex::Male, 1952),
];

/// Household `i` of the village: five people, each with a name no one else
/// in the first 12,500 households shares, and the head's ID number.
fn household(i: usize) -> HouseholdDetails {
    let members = ROSTER
        .iter()
        .enumerate()
        .map(|(k, &(relationship, sex, year))| {
            let j = i * ROSTER.len() + k;
            Member {
                id: Uuid::now_v7(),
                full_name: format!(
                    "{} {} {} {}",
                    SURNAMES[j % 20],
                    MIDDLES[j / 20 % 5],
                    GIVEN[j / 100 % 25],
                    GIVEN[j / 2_500 % 25]
                ),
                sex,
                birth: PartialDate {
                    year: year + (i % 7) as i32,
                    month: Some(1 + (j % 12) as u8),
                    day: Some(1 + (j % 28) as u8),
                },
                ethnicity: "Nùng".into(),
                relationship,
                national_id: (k == 0).then(|| format!("0010{:08}", i)),
            }
        })
        .collect();
    HouseholdDetails {
        address: format!("Nhà số {}, Thôn Nà Pó, Xã Xín Mần, Tuyên Quang", i + 1),
        members,
        gps: Some(GeoPoint { lat: 22.64 + i as f64 * 1e-6, lon: 104.48 }),
        phone: Some(format!("09{:08}", i)),
        notes: "Nhà sàn gỗ, mái lợp ngói; nước từ khe suối.".into(),
    }
}
