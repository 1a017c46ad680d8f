//! Sync packets against plain serialisations of the same records: the bytes a
//! household submission costs on the wire, the envelope around them, sealing
//! and opening time, and what resuming a cut transfer over frames costs.
//!
//! Every baseline is the same records as plain structs, as an app without a
//! wire format of its own would send them: the household as the store returns
//! it and the submitted interview with its answers as an interchange JSON
//! value; in JSON, CBOR and MessagePack, raw and under zstd. Sizes are exact,
//! so they are computed once and printed as tables before the timings. The
//! figures and the targets they are held to are in docs/perf.md.
//!
//! ```sh
//! cargo bench -p hearth-core --bench sync
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use common::{VILLAGES, XIN_MAN, answers_for, enrol, options, pin, provider};
use criterion::{BatchSize, Criterion, Throughput};
use hearth_core::clock::ManualClock;
use hearth_core::form::Form;
use hearth_core::household::{GeoPoint, Household, HouseholdDetails, Member, PartialDate, Relationship, Sex};
use hearth_core::identity::{Authority, EnrollmentRequest, Role};
use hearth_core::store::{Session, Store};
use hearth_core::sync::chain;
use hearth_core::sync::frames::{self, Reassembly};
use hearth_core::sync::packet::{self, Opened};
use hearth_core::sync::wire::{ACT_START, Entity, Op, WireHousehold, act_from};
use hearth_core::sync::wire2::{Body, Header, Payload, Sig, WireInterview};
use hearth_core::workflow::{Comment, CycleKind, Interview, NewCycle, Status};
use hpke::kem::X25519HkdfSha256;
use hpke::{Kem, Serializable};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const VILLAGE: &str = "01108-01";
/// Households in the batch packet that is sized and timed.
const BATCH: usize = 50;
/// Households in the backlog sent over frames.
const BACKLOG: usize = 200;
/// Frame sizes: a QR code's worth, a BLE write at the largest ATT MTU, and the
/// size that costs least for a 33 KB packet cut five times (see docs/perf.md).
const FRAMES: [usize; 3] = [2_000, 512, 320];
/// Times the link drops during the backlog's transfer.
const CUTS: usize = 5;
/// zstd's default level.
const ZSTD_LEVEL: i32 = 3;

fn main() {
    // `cargo test --all-targets` runs bench binaries without `--bench`: the
    // setup here takes minutes, so only `cargo bench` runs it.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let started = Instant::now();
    let w = World::new();
    let form = Form::builtin_household().expect("the built-in form");

    let one = submit_all(&w, &form, 0..1);
    let single: Vec<_> = [1, 2, 5].map(|n| w.export(n)).into();
    w.acknowledge();
    let batch = submit_all(&w, &form, 1..1 + BATCH);
    let batch_packet = w.export(1);
    w.acknowledge();
    submit_all(&w, &form, 1 + BATCH..1 + BATCH + BACKLOG);
    let backlog_packet = w.export(1);
    eprintln!("{} submissions made and exported in {:.1?}", 1 + BATCH + BACKLOG, started.elapsed());

    let reader = &w.readers[0];
    let single_body = reader.open(&single[0]);
    let batch_body = reader.open(&batch_packet);
    assert_eq!(items(&single_body).count(), 5, "upsert, start, save, complete, submit");
    assert_eq!(items(&batch_body).count(), 5 * BATCH);
    assert_eq!(items(&reader.open(&backlog_packet)).count(), 5 * BACKLOG);

    submission_sizes(&single[0], &single_body, &one[0]);
    envelope_sizes(&single, &single_body);
    batch_sizes(&batch_packet, &batch_body, &batch);
    for frame in FRAMES {
        resumed_transfer(&backlog_packet, frame);
    }

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    seal_and_open(&mut c, &w, &batch_packet, &batch_body, &batch);
    c.final_summary();
}

fn items(body: &Body) -> impl Iterator<Item = &hearth_core::sync::wire2::Item> {
    body.runs.iter().flat_map(|r| r.items.iter())
}

/// The body as sealed in the packet: postcard, then zstd at the packet's level.
fn sealed_body_len(body: &Body) -> usize {
    zstd::bulk::compress(&postcard(body), packet::v2::ZSTD_LEVEL).expect("zstd").len()
}

/// Sizes of one household submission: the packet against the same records in
/// plain serialisations.
fn submission_sizes(packet: &[u8], body: &Body, plain: &Submission) {
    let body_len = postcard_len(body);
    let packed = sealed_body_len(body);
    eprintln!("\none household submission, 5 members, sealed to 1 recipient");
    eprintln!(
        "  packet {:>6} B: envelope {} B + body {packed} B (postcard {body_len} B under zstd level {})",
        packet.len(),
        packet.len() - packed,
        packet::v2::ZSTD_LEVEL
    );
    eprintln!("  {}", anatomy(body));
    let saved = items(body).find(|i| i.op == Op::Act(0)).expect("the save");
    let Payload::Answers(answers) = &saved.payload else { unreachable!("a save carries its answers") };
    eprintln!("  the saved typed answers: {} B", postcard_len(answers));
    eprintln!("  {:<12} {:>7} {:>7} {:>9} {:>9}", "baseline", "raw", "zstd", "packet/", "packet/");
    eprintln!("  {:<12} {:>7} {:>7} {:>9} {:>9}", "", "", "", "raw", "zstd");
    for (name, bytes) in [("JSON", json(plain)), ("CBOR", cbor(plain)), ("MessagePack", msgpack(plain))] {
        let z = zstd_len(&bytes);
        eprintln!(
            "  {name:<12} {:>7} {z:>7} {:>8.2}× {:>8.2}×",
            bytes.len(),
            ratio(packet.len(), bytes.len()),
            ratio(packet.len(), z),
        );
    }
}

/// What a body is made of, before compression: certificates, each change's
/// own fields, the entity states it carries and the actors' signatures.
fn anatomy(body: &Body) -> String {
    let certificates = postcard_len(&body.certificates);
    let signatures: usize = items(body)
        .map(|i| match &i.sig {
            Sig::Covered => 0,
            Sig::Chain(s) | Sig::Single(s) => s.len(),
        })
        .sum();
    let signed = items(body).filter(|i| i.sig != Sig::Covered).count();
    let payloads: Vec<String> = items(body)
        .map(|c| {
            let what = match c.op {
                Op::Act(ACT_START) => "start",
                Op::Act(code) => {
                    act_from(code).map_or("act", |a| a.as_str().trim_start_matches("interview."))
                }
                _ => "household",
            };
            format!("{what} {}", payload_len(&c.payload))
        })
        .collect();
    let payload: usize = items(body).map(|c| payload_len(&c.payload)).sum();
    let known = postcard_len(&body.known);
    let rest = postcard_len(body) - certificates - signatures - payload - known;
    let states = if payloads.len() <= 5 { format!(" ({})", payloads.join(", ")) } else { String::new() };
    format!(
        "body before zstd: certificates {certificates} ({} of them), states {payload}{states}, signatures \
         {signatures} ({signed} of {} changes signed), acknowledgements {known}, run and change fields {rest}",
        body.certificates.len(),
        payloads.len(),
    )
}

/// The envelope (packet bytes beyond the sealed body) for 1, 2 and 5
/// recipients: the same changes each time.
fn envelope_sizes(packets: &[Vec<u8>], body: &Body) {
    let body_len = sealed_body_len(body);
    eprintln!("\nenvelope: packet bytes beyond the {body_len} B compressed body");
    let parsed = packet::parse(&packets[0]).expect("parsed");
    let header = parsed.v2_header().expect("a v2 packet");
    eprintln!(
        "  1 recipient: magic and version 5 + header {} (of which ranges {}, ephemeral key 32, wraps {}) \
         + body length and tag {} + signature 64",
        postcard_len(header),
        postcard_len(&header.ranges),
        postcard_len(&header.wraps),
        packets[0].len() - body_len - 5 - postcard_len(header) - 64,
    );
    let first = packets[0].len() - body_len;
    for (p, n) in packets.iter().zip([1, 2, 5]) {
        let envelope = p.len() - body_len;
        let each = if n == 1 {
            String::new()
        } else {
            format!(", {} B a recipient beyond the first", (envelope - first) / (n - 1))
        };
        eprintln!("  {n} recipient(s): packet {} B, envelope {envelope} B{each}", p.len());
    }
}

/// Sizes of a packet of fifty submissions against their JSON under zstd.
fn batch_sizes(packet: &[u8], body: &Body, plain: &[Submission]) {
    let body_len = postcard_len(body);
    let packed = sealed_body_len(body);
    eprintln!("\n{BATCH} household submissions in one packet, 1 recipient");
    eprintln!("  packet {} B (postcard body {body_len} B, {packed} B under zstd)", packet.len());
    eprintln!("  {}", anatomy(body));
    let raw = postcard(body);
    let levels: Vec<String> = [3, 9, 19, 22]
        .map(|l| format!("level {l} {} B", zstd::bulk::compress(&raw, l).expect("zstd").len()))
        .into();
    eprintln!("  the body under zstd: {}", levels.join(", "));
    for (name, bytes) in [("JSON", json(&plain)), ("CBOR", cbor(&plain)), ("MessagePack", msgpack(&plain))] {
        let z = zstd_len(&bytes);
        eprintln!(
            "  {name:<12} raw {:>8} B, zstd {z:>7} B; packet/raw {:.2}×, packet/zstd {:.2}×",
            bytes.len(),
            ratio(packet.len(), bytes.len()),
            ratio(packet.len(), z),
        );
    }
}

/// Delivers `packet` in frames of `frame` bytes over a link that drops
/// [`CUTS`] times, evenly spread. The frame in flight at each drop is lost;
/// the receiver then acknowledges the run it holds and the sender resumes
/// from there.
fn resumed_transfer(packet: &[u8], frame: usize) {
    let count = frames::cut(packet, frame, 0).expect("cut").len();
    let mut drops: Vec<usize> = (1..=CUTS).rev().map(|k| count * k / (CUTS + 1)).collect();
    let mut receiver = Reassembly::new();
    let (mut from, mut sent, mut frames_sent) = (0u16, 0usize, 0usize);
    let delivered = 'link: loop {
        for (index, frame) in (usize::from(from)..).zip(frames::cut(packet, frame, from).expect("cut")) {
            sent += frame.len();
            frames_sent += 1;
            if drops.last() == Some(&index) {
                drops.pop();
                from = receiver.acknowledged();
                continue 'link;
            }
            if let Some(whole) = receiver.push(&frame).expect("a frame of this packet") {
                break 'link whole;
            }
        }
        unreachable!("the last frame completes the packet");
    };
    assert_eq!(delivered, packet);
    assert!(drops.is_empty());
    eprintln!("\n{BACKLOG}-household backlog over {frame}-byte frames, {CUTS} drops");
    eprintln!(
        "  packet {} B in {count} frames; sent {frames_sent} frames, {sent} B: {:.4}× the packet",
        packet.len(),
        sent as f64 / packet.len() as f64
    );
}

/// Encode and seal, open and decode: fifty submissions, against JSON.
fn seal_and_open(c: &mut Criterion, w: &World, packet: &[u8], body: &Body, plain: &[Submission]) {
    let reader = &w.readers[0];
    let header = packet::parse(packet).expect("parsed").v2_header().expect("v2").clone();
    let plain_json = json(&plain);
    let body_bytes = postcard(body);
    let packed = zstd::bulk::compress(&body_bytes, packet::v2::ZSTD_LEVEL).expect("zstd");

    let mut g = c.benchmark_group("encode_50");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("hearth_seal", |b| {
        b.iter_batched(
            || header.clone(),
            |h| packet::v2::seal(h, body, &[reader.key], |m| w.officer.sign(m)).expect("sealed"),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("hearth_postcard_only", |b| b.iter(|| postcard(black_box(body))));
    g.bench_function("hearth_zstd_only", |b| {
        b.iter(|| zstd::bulk::compress(black_box(&body_bytes), packet::v2::ZSTD_LEVEL).expect("zstd"))
    });
    g.bench_function("json", |b| b.iter(|| serde_json::to_vec(black_box(plain)).expect("json")));
    g.finish();

    let mut g = c.benchmark_group("decode_50");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("hearth_open", |b| b.iter(|| open_and_decode(black_box(packet), &reader.seed)));
    g.bench_function("hearth_postcard_only", |b| b.iter(|| decode(black_box(&body_bytes))));
    g.bench_function("hearth_zstd_only", |b| {
        b.iter(|| zstd::bulk::decompress(black_box(&packed), body_bytes.len()).expect("zstd"))
    });
    g.bench_function("json", |b| {
        b.iter(|| serde_json::from_slice::<Vec<Submission>>(black_box(&plain_json)).expect("json"))
    });
    g.finish();
}

/// Parses a packet (magic, structure, signature), opens its body and decodes
/// it and every state in it to wire structs, typed answers included.
fn open_and_decode(packet: &[u8], seed: &[u8]) -> (Vec<WireHousehold>, Vec<WireInterview>) {
    match packet::parse(packet).expect("parsed").open(seed).expect("opened") {
        Opened::V2(body) => states(&body),
        Opened::V1 { .. } => unreachable!("this build writes v2"),
    }
}

/// [`open_and_decode`] without the packet: a postcard body decoded.
fn decode(body: &[u8]) -> (Vec<WireHousehold>, Vec<WireInterview>) {
    states(&postcard::from_bytes(body).expect("a body"))
}

/// Every change's state, reviews rebuilt from the states before them.
fn states(body: &Body) -> (Vec<WireHousehold>, Vec<WireInterview>) {
    let (mut households, mut interviews) = (Vec::new(), Vec::new());
    let changes =
        body.runs.iter().flat_map(|r| chain::from_run(r, 1 << 60, (1 << 63) - 1, [0; 32]).expect("a run"));
    for c in changes.map(|l| l.change) {
        match c.entity {
            Entity::Household(_) => households.push(postcard::from_bytes(&c.payload).expect("household")),
            _ => interviews.push(postcard::from_bytes(&c.payload).expect("interview")),
        }
    }
    (households, interviews)
}

/// An officer's phone and a supervisor's phone of Xã Xín Mần that know each
/// other, with a cycle open, and five readers certified by the same authority
/// whose private keys the bench holds, so it can open what it measures.
struct World {
    officer: Session,
    supervisor: Session,
    readers: Vec<Reader>,
    cycle: Uuid,
    _dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("temporary directory");
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).unwrap()));
        let authority = Authority::generate().expect("authority");
        let officer = phone(dir.path(), "Lò Văn Tú", &authority, &clock, Role::Officer, "111111");
        let supervisor = phone(dir.path(), "Vàng Thị Mai", &authority, &clock, Role::Supervisor, "222222");
        let readers: Vec<Reader> = (1..=5).map(|n| Reader::new(&authority, n)).collect();
        for (a, b) in [(&officer, &supervisor), (&supervisor, &officer)] {
            a.store().add_certificate(&b.certificate().to_bytes().expect("encoded")).expect("added");
        }
        for r in &readers {
            officer.store().add_certificate(&r.certificate).expect("added");
        }
        let cycle = supervisor
            .open_cycle(NewCycle {
                year: 2026,
                kind: CycleKind::Periodic,
                standard_id: "vn-2022".into(),
                units: vec!["01108".into()],
                reference_date: NaiveDate::from_ymd_opt(2026, 10, 1).expect("a date"),
            })
            .expect("opened")
            .id;
        let w = World { officer, supervisor, readers, cycle, _dir: dir };
        w.reply();
        w
    }

    /// The officer's packet for the supervisor's phone, sealed to the first
    /// `n` readers.
    fn export(&self, n: usize) -> Vec<u8> {
        let to: Vec<Uuid> = self.readers[..n].iter().map(|r| r.user).collect();
        self.officer.export_for(device(&self.supervisor), &to).expect("exported")
    }

    /// The supervisor takes what the officer holds and replies, so the
    /// officer's next packet carries only what is new.
    fn acknowledge(&self) {
        let p = self.officer.export_for(device(&self.supervisor), &[self.supervisor.user_id()]);
        self.supervisor.import(&p.expect("exported")).expect("imported");
        self.reply();
    }

    fn reply(&self) {
        let p = self.supervisor.export_for(device(&self.officer), &[self.officer.user_id()]);
        self.officer.import(&p.expect("exported")).expect("imported");
        // The readers stand for users of the supervisor's phone: each tells the
        // officer what that phone holds, as its own users' packets would (marks
        // are filed per device and user).
        let known = self.supervisor.store().held().expect("held");
        let officer_key = self.officer.certificate().body.agreement_key;
        for r in &self.readers {
            let header = Header {
                sender_device: *device(&self.supervisor).as_bytes(),
                sender_key: r.signing_key,
                hlc_min: 0,
                hlc_span: 0,
                ranges: vec![],
                compression: 0,
                ephemeral: [0; 32],
                wraps: vec![],
            };
            let body = Body { known: known.clone(), certificates: vec![r.certificate.clone()], runs: vec![] };
            let p = packet::v2::seal(header, &body, &[officer_key], |m| r.pair.sign(m).as_ref().to_vec());
            self.officer.import(&p.expect("sealed")).expect("imported");
        }
    }
}

fn device(s: &Session) -> Uuid {
    Uuid::parse_str(s.store().store_id()).expect("a store id")
}

fn phone(
    dir: &Path,
    name: &str,
    authority: &Authority,
    clock: &Arc<ManualClock>,
    role: Role,
    code: &str,
) -> Session {
    let path = dir.join(format!("{}.db", role.as_str()));
    let store = Store::create(&path, provider(), authority.public_key(), options(clock)).expect("store");
    store.import_units_csv(XIN_MAN).expect("units");
    store.import_units_csv(VILLAGES).expect("villages");
    let user = enrol(&store, authority, name, code, role, &["01108"]);
    store.finish_provisioning();
    store.unlock(user, &pin(code)).expect("unlocked")
}

/// A recipient whose keys are made here, as a server's would be.
struct Reader {
    pair: Ed25519KeyPair,
    signing_key: [u8; 32],
    user: Uuid,
    seed: [u8; 32],
    key: [u8; 32],
    certificate: Vec<u8>,
}

impl Reader {
    fn new(authority: &Authority, n: u8) -> Reader {
        let seed = [n; 32];
        let mut key = [0u8; 32];
        key.copy_from_slice(&X25519HkdfSha256::derive_keypair(&seed).1.to_bytes());
        let pair = Ed25519KeyPair::from_seed_unchecked(&[!n; 32]).expect("an Ed25519 seed");
        let mut signing_key = [0u8; 32];
        signing_key.copy_from_slice(pair.public_key().as_ref());
        let user = Uuid::now_v7();
        let name = format!("Máy chủ {n}");
        // The proof of possession, as `EnrollmentRequest::from_bytes` checks it.
        let mut signed = b"hearth/enrollment-request/v1\0".to_vec();
        signed.extend(postcard::to_stdvec(&(user, name.as_str(), &signing_key, &key)).expect("encoded"));
        let proof = pair.sign(&signed).as_ref().to_vec();
        let request =
            EnrollmentRequest { user_id: user, display_name: name, signing_key, agreement_key: key, proof };
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let cert = authority
            .issue(&request, Role::Supervisor, vec!["01108".into()], from, from + chrono::Duration::days(730))
            .expect("issued");
        Reader { pair, signing_key, user, seed, key, certificate: cert.to_bytes().expect("encoded") }
    }

    fn open(&self, packet: &[u8]) -> Body {
        match packet::parse(packet).expect("parsed").open(&self.seed).expect("opened") {
            Opened::V2(body) => body,
            Opened::V1 { .. } => unreachable!("this build writes v2"),
        }
    }
}

/// The baseline: one submission as plain structs.
#[derive(Serialize, Deserialize)]
struct Submission {
    household: Household,
    interview: PlainInterview,
}

#[derive(Serialize, Deserialize)]
struct PlainInterview {
    id: Uuid,
    household_id: Uuid,
    cycle_id: Uuid,
    village: String,
    form_id: String,
    form_version: u32,
    officer_id: Uuid,
    status: Status,
    /// The interchange JSON, as a JSON value.
    answers: serde_json::Value,
    comments: Vec<Comment>,
    submitted_at_ms: Option<i64>,
}

impl Submission {
    fn new(household: Household, iv: &Interview, form: &Form) -> Submission {
        let answers = form.to_interchange_json(&iv.answers).expect("interchange JSON");
        let interview = PlainInterview {
            id: iv.id,
            household_id: iv.household_id,
            cycle_id: iv.cycle_id,
            village: iv.village.clone(),
            form_id: iv.form_id.clone(),
            form_version: iv.form_version,
            officer_id: iv.officer_id,
            status: iv.status,
            answers: serde_json::from_str(&answers).expect("JSON"),
            comments: iv.comments.clone(),
            submitted_at_ms: iv.submitted_at_ms,
        };
        Submission { household, interview }
    }
}

/// Households `range` created, interviewed with full answers, completed and
/// submitted by the officer, one act at a time as on a phone.
fn submit_all(w: &World, form: &Form, range: std::ops::Range<usize>) -> Vec<Submission> {
    let o = &w.officer;
    range
        .map(|i| {
            let h = o.create_household(VILLAGE, household(i)).expect("created");
            let iv = o.start_interview(h.id, w.cycle).expect("started");
            let income = 1_500_000 + 250_000 * (i % 13) as i64;
            let iv =
                o.save_interview(iv.id, iv.revision, answers_for(&h, income, i % 3 == 0)).expect("saved");
            o.complete_interview(iv.id).expect("completed");
            let iv = o.submit_interview(iv.id).expect("submitted");
            Submission::new(h, &iv, form)
        })
        .collect()
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
const ETHNICITIES: [&str; 4] = ["Nùng", "Tày", "Dao", "Mông"];
const ROSTER: [(Relationship, Sex, i32); 5] = [
    (Relationship::Head, Sex::Male, 1981),
    (Relationship::Spouse, Sex::Female, 1984),
    (Relationship::Child, Sex::Female, 2006),
    (Relationship::Child, Sex::Male, 2012),
    (Relationship::Parent, Sex::Male, 1952),
];

/// Household `i`: five people with names, births and an ID number of their
/// own, so compression finds no more repetition than a real village has.
fn household(i: usize) -> HouseholdDetails {
    let members = ROSTER
        .iter()
        .enumerate()
        .map(|(k, &(relationship, sex, year))| {
            let j = i * ROSTER.len() + k;
            Member {
                id: Uuid::now_v7(),
                full_name: format!("{} {} {}", SURNAMES[j % 20], MIDDLES[j / 20 % 5], GIVEN[(j * 7) % 25]),
                sex,
                birth: PartialDate {
                    year: year + (i % 7) as i32,
                    month: Some(1 + (j % 12) as u8),
                    day: Some(1 + (j % 28) as u8),
                },
                ethnicity: ETHNICITIES[i % 4].into(),
                relationship,
                national_id: (k == 0).then(|| format!("0020{:08}", 84_000 + i * 37)),
            }
        })
        .collect();
    HouseholdDetails {
        address: format!("Nhà số {}, Thôn Nà Pó, Xã Xín Mần, Tuyên Quang", i + 1),
        members,
        gps: Some(GeoPoint { lat: 22.64 + i as f64 * 1.7e-4, lon: 104.48 - i as f64 * 1.1e-4 }),
        phone: Some(format!("09{:08}", 12_345_678 + i * 7_919)),
        notes: String::new(),
    }
}

/// An item's state bytes as sent: a whole state, or a review's fields.
fn payload_len(p: &Payload) -> usize {
    match p {
        Payload::Full(bytes) => bytes.len(),
        review => postcard_len(review) - 1,
    }
}

fn postcard(v: &impl Serialize) -> Vec<u8> {
    postcard::to_stdvec(v).expect("postcard")
}

fn postcard_len(v: &impl Serialize) -> usize {
    postcard(v).len()
}

fn json(v: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(v).expect("JSON")
}

fn cbor(v: &impl Serialize) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).expect("CBOR");
    out
}

/// MessagePack as `rmp_serde::to_vec` writes it: structs as arrays, without
/// field names (answers keep their keys: they are a map).
fn msgpack(v: &impl Serialize) -> Vec<u8> {
    rmp_serde::to_vec(v).expect("MessagePack")
}

fn zstd_len(bytes: &[u8]) -> usize {
    zstd::bulk::compress(bytes, ZSTD_LEVEL).expect("zstd").len()
}

fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b as f64
}
