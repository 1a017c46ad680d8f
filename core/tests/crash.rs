//! Crash safety (DESIGN §13: "kill -9 during writes and sync apply, then
//! reopen and verify nothing acknowledged is lost").
//!
//! A child process — this test binary run again with `HEARTH_CRASH_CHILD`
//! set, see [`crash_child_process`] — works on one officer's database:
//! creates households, starts interviews, saves whole answer sets, completes
//! and submits them, and imports packets from the supervisor's phone and from
//! a second officer's phone. The parent SIGKILLs it after a seeded random
//! delay, hundreds of times, on the same database, which keeps growing.
//!
//! "Acknowledged" means what an app would tell the officer: the call returned
//! `Ok`. Only then does the child write one flushed line on stdout naming
//! what the call left (the interview, its status, revision and answers; the
//! household; the packet). Before each call it writes what the call is about
//! to do, so the one call a kill can interrupt is known: it may be found done
//! or not done, never half done.
//!
//! After each kill the database and its WAL are copied as the kill left
//! them and the copy is reopened and checked: `PRAGMA integrity_check`, the
//! audit chain, every acknowledged interview (it opens, and its status,
//! revision and answers are the acknowledged ones), household and imported
//! packet (all its changes are held), and, for interviews whose last act was
//! local, that the row and its audit entry committed together. The original
//! is left as the kill left it: the next child reopens it and recovers the
//! WAL itself, as an app does after a crash; after the last kill the original
//! itself is checked too. Every few kills the supervisor's and the second
//! officer's phones (in this process) sync with the copy, review, and write
//! the packets the next children import.
//!
//! SIGKILL tests what a process crash can break: atomicity of each call,
//! acknowledging only after commit, WAL recovery. It cannot test power loss
//! (the kernel keeps what was written), so `synchronous=FULL` is not proved
//! here; see docs/reliability.md.
//!
//! `HEARTH_CRASH_RUNS` sets the number of kills (default 200) and
//! `HEARTH_CRASH_SEED` replays a run's choices (the moments are wall-clock
//! timings, so a replay hits the same calls only roughly).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use hearth_core::Error;
use hearth_core::clock::ManualClock;
use hearth_core::form::Answers;
use hearth_core::household::Household;
use hearth_core::identity::{Authority, Certificate, Role};
use hearth_core::store::{Session, Store};
use hearth_core::sync::PacketError;
use hearth_core::workflow::audit::{self, AuditEntry};
use hearth_core::workflow::{Detail, Interview, NewComment, Status};
use uuid::Uuid;

/// Set (to the working directory) only in the child process.
const CHILD_ENV: &str = "HEARTH_CRASH_CHILD";
/// The child's test, run again by name.
const CHILD_TEST: &str = "crash_child_process";
/// Every line of the child protocol starts with this, to tell it from the
/// test harness's own output.
const PREFIX: &str = "crash: ";
const DB: &str = "officer.db";
const OFFICER_PIN: &str = "111111";
const SUPERVISOR_PIN: &str = "222222";
const OFFICER2_PIN: &str = "333333";
const VILLAGES_IN_SCOPE: [&str; 2] = ["01108-01", "01108-02"];
/// The answer sets a save may carry: (monthly income in VND, deprived). The
/// protocol names them by index, so no answers reach the logs.
const VARIANTS: [(i64, bool); 6] = [
    (900_000, true),
    (1_400_000, false),
    (2_100_000, true),
    (3_000_000, false),
    (5_000_000, true),
    (8_000_000, false),
];
/// Kills by default; `HEARTH_CRASH_RUNS` overrides.
const DEFAULT_RUNS: usize = 200;
/// The longest a child works before it is killed.
const MAX_WORK_MS: u64 = 250;
/// `Store::verify_audit` over the whole log every this many kills; in
/// between, the new entries only (see [`verify_new_entries`]).
const FULL_AUDIT_EVERY: usize = 10;
/// The other phones sync with the officer's after every this many kills
/// (each round writes two packets).
const SYNC_EVERY: usize = 4;
/// One kill in this many lands during start-up (open, WAL recovery, unlock)
/// instead of during work.
const EARLY_KILL_ONE_IN: u64 = 8;
/// Virtual time: child run `k` starts at `T0 + k * RUN_MINUTES`; the
/// parent's sync round after it at `T0 + k * RUN_MINUTES + ROUND_MINUTE`.
const RUN_MINUTES: i64 = 10;
const ROUND_MINUTE: i64 = 8;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).unwrap()
}

/// SplitMix64: small, seedable, good enough to pick moments and acts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn variant_answers(h: &Household, v: u8) -> Answers {
    let (income, deprived) = VARIANTS[v as usize];
    answers_for(h, income, deprived)
}

/// Which answer set an interview holds: `None` for the roster prefilled at
/// start and nothing else.
fn variant_of(h: &Household, answers: &Answers) -> Option<u8> {
    if answers.household.is_empty() {
        return None;
    }
    let v = (0..VARIANTS.len() as u8).find(|v| variant_answers(h, *v) == *answers);
    Some(v.expect("stored answers are none of the answer sets the child saves"))
}

fn packet_path(dir: &Path, n: usize) -> PathBuf {
    dir.join("packets").join(format!("{n:06}.pkt"))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_os_string();
    p.push(suffix);
    PathBuf::from(p)
}

// ---------------------------------------------------------------------------
// The child.

/// The child half of the crash harness. Without `HEARTH_CRASH_CHILD` (every
/// ordinary test run) it returns at once; with it, it works until killed.
#[test]
fn crash_child_process() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        child_loop(Path::new(&dir));
    }
}

/// Writes one protocol line and flushes it: one `write` of one short line,
/// so a kill leaves it whole or absent.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    out.write_all(format!("{PREFIX}{line}\n").as_bytes()).unwrap();
    out.flush().unwrap();
}

fn say_interview(word: &str, iv: &Interview, variant: Option<u8>) {
    let v = variant.map_or("-".to_owned(), |v| v.to_string());
    say(&format!("{word} iv {} {} {} {v}", iv.id, iv.status.as_str(), iv.revision));
}

/// An interview of this officer that can still be worked on.
struct Open {
    household: Household,
    iv: Interview,
    variant: Option<u8>,
}

fn child_loop(dir: &Path) {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    let user = Uuid::parse_str(&var("HEARTH_CRASH_USER")).unwrap();
    let cycle = Uuid::parse_str(&var("HEARTH_CRASH_CYCLE")).unwrap();
    let mut rng = Rng(var("HEARTH_CRASH_RUN_SEED").parse().unwrap());
    let mut next_packet: usize = var("HEARTH_CRASH_NEXT_PACKET").parse().unwrap();
    let start = DateTime::from_timestamp_millis(var("HEARTH_CRASH_CLOCK_MS").parse().unwrap()).unwrap();
    let clock = Arc::new(ManualClock::new(start));

    let store = Store::open(&dir.join(DB), provider(), options(&clock)).unwrap();
    let s = store.unlock(user, &pin(OFFICER_PIN)).unwrap();
    // What is in hand: own interviews still editable, households without one.
    let mut open: Vec<Open> = Vec::new();
    let mut bare: Vec<Household> = Vec::new();
    for item in s.worklist(cycle).unwrap() {
        match item.interview {
            None => bare.push(s.household(item.household_id).unwrap()),
            Some((id, status)) if status.editable() => {
                let iv = s.interview(id).unwrap();
                if iv.officer_id == user {
                    let household = s.household(item.household_id).unwrap();
                    open.push(Open { variant: variant_of(&household, &iv.answers), household, iv });
                }
            }
            Some(_) => {}
        }
    }
    say("ready");

    let deadline = Instant::now() + StdDuration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "the child was never killed");
        clock.advance(Duration::milliseconds(200));
        let packet = packet_path(dir, next_packet);
        if packet.exists() && rng.chance(30) {
            let bytes = std::fs::read(&packet).unwrap();
            say(&format!("begin packet {next_packet}"));
            match s.import(&bytes) {
                Ok(sum) => say(&format!("ack packet {next_packet} applied {}", sum.applied)),
                // Imported by a child killed before it could say so.
                Err(Error::Packet(PacketError::Replayed)) => say(&format!("ack packet {next_packet} held")),
                Err(e) => panic!("packet {next_packet} refused: {e}"),
            }
            next_packet += 1;
            for r in s.returned(None).unwrap() {
                if !open.iter().any(|o| o.iv.id == r.id) {
                    let iv = s.interview(r.id).unwrap();
                    let household = s.household(r.household_id).unwrap();
                    open.push(Open { variant: variant_of(&household, &iv.answers), household, iv });
                }
            }
        } else if !open.is_empty() && rng.chance(70) {
            let i = rng.below(open.len() as u64) as usize;
            let o = &mut open[i];
            let mut next = o.iv.clone();
            next.revision += 1;
            let mut variant = o.variant;
            let save = match (o.iv.status, o.variant) {
                (_, None) => true,
                (Status::Completed, Some(_)) => !rng.chance(75),
                _ => !rng.chance(60),
            };
            // Everything but the call itself happens outside begin..ack, so
            // that kills land in calls as often as they can.
            let done = if save {
                variant = Some(rng.below(VARIANTS.len() as u64) as u8);
                let answers = variant_answers(&o.household, variant.unwrap());
                next.status = Status::Draft;
                say_interview("begin", &next, variant);
                s.save_interview(o.iv.id, o.iv.revision, answers)
            } else if o.iv.status == Status::Completed {
                next.status = Status::Submitted;
                say_interview("begin", &next, variant);
                s.submit_interview(o.iv.id)
            } else {
                next.status = Status::Completed;
                say_interview("begin", &next, variant);
                s.complete_interview(o.iv.id)
            }
            .unwrap();
            // The call returned: it holds the answers it was given.
            say_interview("ack", &done, variant);
            assert_eq!((done.status, done.revision), (next.status, next.revision));
            o.iv = done;
            o.variant = variant;
            if o.iv.status == Status::Submitted {
                open.swap_remove(i);
            }
        } else if let Some(household) = bare.pop() {
            say("begin start");
            let iv = s.start_interview(household.id, cycle).unwrap();
            say_interview("ack", &iv, None);
            open.push(Open { household, iv, variant: None });
        } else {
            let village = VILLAGES_IN_SCOPE[rng.below(2) as usize];
            let national_id = format!("0020{:08}", rng.below(100_000_000));
            say("begin household");
            let h = s.create_household(village, family("Vùi Văn Sình", &national_id)).unwrap();
            say(&format!("ack household {}", h.id));
            bare.push(h);
        }
    }
}

// ---------------------------------------------------------------------------
// What the parent expects.

/// What an interview's answers must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Not checked (another officer's interview).
    Any,
    /// Only the roster prefilled at start.
    Prefill,
    /// One of [`VARIANTS`].
    Set(u8),
}

/// An acknowledged interview state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expect {
    status: Status,
    /// Known when the child acknowledged it; a sync fold renumbers.
    revision: Option<u32>,
    answers: Answer,
    /// Left by one of the child's own acts (so its audit entry is the last
    /// one about the interview).
    local: bool,
}

/// A packet written for the children to import.
struct PacketInfo {
    id: [u8; 16],
    /// (origin, first seq, last seq) of the changes it carries.
    ranges: Vec<([u8; 16], u64, u64)>,
    /// Interview statuses the import must leave.
    expect: Vec<(Uuid, Status)>,
    /// Its effects are in the model: acknowledged, or found committed after
    /// a kill interrupted its import.
    applied: bool,
}

/// The call a kill interrupted.
#[derive(Debug, Clone, Copy)]
enum Call {
    Interview(Uuid, Expect),
    Start,
    Household,
    Packet(usize),
}

impl Call {
    fn name(&self) -> &'static str {
        match self {
            Call::Interview(_, e) => match e.status {
                Status::Draft => "save",
                Status::Completed => "complete",
                _ => "submit",
            },
            Call::Start => "start",
            Call::Household => "household",
            Call::Packet(_) => "import",
        }
    }
}

#[derive(Default)]
struct Model {
    interviews: BTreeMap<Uuid, Expect>,
    households: BTreeSet<Uuid>,
    packets: Vec<PacketInfo>,
    /// Packets below this are acknowledged (children import in order).
    next_packet: usize,
}

fn parse_interview(w: &[&str]) -> (Uuid, Expect) {
    let answers = match w[4] {
        "-" => Answer::Prefill,
        v => Answer::Set(v.parse().unwrap()),
    };
    let status = Status::parse(w[2]).unwrap();
    (
        Uuid::parse_str(w[1]).unwrap(),
        Expect { status, revision: Some(w[3].parse().unwrap()), answers, local: true },
    )
}

impl Model {
    /// Applies one run's acknowledgements in order; returns the call in
    /// flight when the kill came, if any.
    fn apply(&mut self, lines: &[String]) -> Option<Call> {
        let mut in_flight = None;
        for line in lines {
            let w: Vec<&str> = line.split(' ').collect();
            match w.as_slice() {
                ["ready"] => {}
                ["begin", "iv", ..] => {
                    let (id, e) = parse_interview(&w[1..]);
                    in_flight = Some(Call::Interview(id, e));
                }
                ["begin", "start"] => in_flight = Some(Call::Start),
                ["begin", "household"] => in_flight = Some(Call::Household),
                ["begin", "packet", n] => in_flight = Some(Call::Packet(n.parse().unwrap())),
                ["ack", "iv", ..] => {
                    let (id, e) = parse_interview(&w[1..]);
                    self.interviews.insert(id, e);
                    in_flight = None;
                }
                ["ack", "household", id] => {
                    self.households.insert(Uuid::parse_str(id).unwrap());
                    in_flight = None;
                }
                ["ack", "packet", n, ..] => {
                    let n: usize = n.parse().unwrap();
                    assert_eq!(n, self.next_packet, "packets are imported in order");
                    self.next_packet += 1;
                    self.apply_packet(n);
                    in_flight = None;
                }
                _ => panic!("unreadable line from the child: {line:?}"),
            }
        }
        in_flight
    }

    /// What a packet leaves: each interview's status (a fold renumbers the
    /// revision; the answers are not the reviewer's to change). Once only: a
    /// packet found imported after a kill is acknowledged later as "held",
    /// possibly after newer local acts.
    fn apply_packet(&mut self, n: usize) {
        if std::mem::replace(&mut self.packets[n].applied, true) {
            return;
        }
        for (id, status) in self.packets[n].expect.clone() {
            let answers = self.interviews.get(&id).map_or(Answer::Any, |e| e.answers);
            self.interviews.insert(id, Expect { status, revision: None, answers, local: false });
        }
    }

    /// The interrupted call was found committed: what it left is now known.
    fn commit(&mut self, call: Call) {
        match call {
            Call::Interview(id, e) => {
                self.interviews.insert(id, e);
            }
            Call::Packet(n) => self.apply_packet(n),
            Call::Start | Call::Household => {}
        }
    }
}

// ---------------------------------------------------------------------------
// The parent: three phones, the kill loop, the checks.

struct Peer {
    session: Session,
    user: Uuid,
    device: Uuid,
}

impl Peer {
    fn packet_for(&self, device: Uuid, user: Uuid) -> Vec<u8> {
        self.session.export_for(device, &[user]).unwrap()
    }
}

struct World {
    dir: PathBuf,
    clock: Arc<ManualClock>,
    officer: Uuid,
    officer_device: Uuid,
    supervisor: Peer,
    officer2: Peer,
    cycle: Uuid,
    /// Interviews of the second officer.
    theirs: Vec<Uuid>,
}

fn make_phone(
    dir: &Path,
    name: &str,
    authority: &Authority,
    clock: &Arc<ManualClock>,
    role: Role,
    p: &str,
) -> (Store, Uuid) {
    let store =
        Store::create(&dir.join(format!("{name}.db")), provider(), authority.public_key(), options(clock))
            .unwrap();
    store.import_units_csv(XIN_MAN).unwrap();
    store.import_units_csv(VILLAGES).unwrap();
    let user = enrol(&store, authority, name, p, role, &["01108"]);
    store.finish_provisioning();
    (store, user)
}

impl World {
    /// The officer's phone (the one the children work on, closed again when
    /// this returns), the supervisor's and a second officer's, all holding
    /// each other's certificates and the open 2026 cycle.
    fn new(dir: &Path) -> World {
        std::fs::create_dir_all(dir.join("packets")).unwrap();
        let clock = Arc::new(ManualClock::new(t0()));
        let authority = Authority::generate().unwrap();
        let (o, ou) = make_phone(dir, "officer", &authority, &clock, Role::Officer, OFFICER_PIN);
        let (s, su) = make_phone(dir, "supervisor", &authority, &clock, Role::Supervisor, SUPERVISOR_PIN);
        let (o2, o2u) = make_phone(dir, "officer2", &authority, &clock, Role::Officer, OFFICER2_PIN);
        let os = o.unlock(ou, &pin(OFFICER_PIN)).unwrap();
        let ss = s.unlock(su, &pin(SUPERVISOR_PIN)).unwrap();
        let o2s = o2.unlock(o2u, &pin(OFFICER2_PIN)).unwrap();
        for a in [&os, &ss, &o2s] {
            for b in [&os, &ss, &o2s] {
                a.store().add_certificate(&b.certificate().to_bytes().unwrap()).unwrap();
            }
        }
        let device = |st: &Store| Uuid::parse_str(st.store_id()).unwrap();
        let supervisor = Peer { user: su, device: device(&s), session: ss };
        let officer2 = Peer { user: o2u, device: device(&o2), session: o2s };
        let officer_device = device(&o);
        let cycle = open_cycle_2026(&supervisor.session);
        os.import(&supervisor.packet_for(officer_device, ou)).unwrap();
        officer2.session.import(&supervisor.packet_for(officer2.device, o2u)).unwrap();
        World {
            dir: dir.to_owned(),
            clock,
            officer: ou,
            officer_device,
            supervisor,
            officer2,
            cycle,
            theirs: Vec::new(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.join(DB)
    }

    /// The parent's turn after some kills. The supervisor and the second
    /// officer take the officer's changes from `officer` (the checked copy;
    /// its packets tell them what the officer holds, so what they send back
    /// is a delta). The supervisor reviews everything submitted and writes a
    /// packet for the officer: this round's decisions and the second
    /// officer's interviews as far as it knows them. Then the second officer
    /// submits one more interview and writes a packet for the officer too:
    /// the new interview and their earlier changes the officer has not
    /// acknowledged yet. The supervisor hears of the second officer's work
    /// through the officer's phone, a round or more later.
    fn sync_round(&mut self, officer: &Session, rng: &mut Rng, model: &mut Model) {
        let (sup, o2) = (&self.supervisor, &self.officer2);
        sup.session.import(&officer.export_for(sup.device, &[sup.user]).unwrap()).unwrap();
        o2.session.import(&officer.export_for(o2.device, &[o2.user]).unwrap()).unwrap();
        let mut decided = Vec::new();
        for item in sup.session.inbox().unwrap() {
            let roll = rng.below(100);
            let done = if roll < 50 {
                sup.session.approve_interview(item.id)
            } else if roll < 90 {
                sup.session.return_interview(item.id, vec![NewComment::general("Kiểm tra lại thu nhập")])
            } else {
                sup.session.reject_interview(item.id, NewComment::general("Không thuộc diện rà soát"))
            }
            .unwrap();
            decided.push((done.id, done.status));
        }
        // What the officer's phone must show once it holds the supervisor's
        // changes. (Only the supervisor's own packet promises a decision on
        // one of the officer's interviews: by the time a copy relayed by
        // someone else arrives, the officer may have moved on.)
        let mut expect = decided;
        expect
            .extend(self.theirs.iter().filter_map(|id| Some((*id, sup.session.interview(*id).ok()?.status))));
        let from_sup = sup.packet_for(self.officer_device, self.officer);

        let village = VILLAGES_IN_SCOPE[rng.below(2) as usize];
        let national_id = format!("0030{:08}", rng.below(100_000_000));
        let h = o2.session.create_household(village, family("Lò Văn Páo", &national_id)).unwrap();
        let (income, deprived) = VARIANTS[rng.below(VARIANTS.len() as u64) as usize];
        let fresh = submit_interview(&o2.session, &h, self.cycle, income, deprived).id;
        self.theirs.push(fresh);
        let from_o2 = o2.packet_for(self.officer_device, self.officer);

        let mut expect_o2: Vec<_> =
            expect.iter().filter(|(id, _)| self.theirs.contains(id)).copied().collect();
        expect_o2.push((fresh, Status::Submitted));
        for (bytes, expect) in [(from_sup, expect), (from_o2, expect_o2)] {
            let header = hearth_core::sync::packet::parse(&bytes).unwrap();
            std::fs::write(packet_path(&self.dir, model.packets.len()), &bytes).unwrap();
            model.packets.push(PacketInfo {
                id: header.packet_id,
                ranges: header.ranges.iter().map(|r| (r.origin, r.first, r.last)).collect(),
                expect,
                applied: false,
            });
        }
    }
}

/// What the checks found, across all kills.
#[derive(Default)]
struct Tally {
    kills: usize,
    early_kills: usize,
    /// Kills that interrupted a call (a `begin` with no `ack`).
    mid_call: BTreeMap<&'static str, usize>,
    /// ... whose write was found committed, or found not committed.
    mid_call_committed: usize,
    mid_call_rolled_back: usize,
    interview_checks: usize,
    household_checks: usize,
    packet_checks: usize,
    change_checks: usize,
    audit_entries_verified: usize,
    lost: usize,
    torn: usize,
    integrity_failures: usize,
    chain_failures: usize,
    max_db_bytes: u64,
    max_wal_bytes: u64,
    /// Where the time went: children (start-up and work), checks, the
    /// other phones' sync rounds.
    child_time: StdDuration,
    check_time: StdDuration,
    sync_time: StdDuration,
    answers: AnswerCache,
    /// The audit log as verified after the last kill.
    audit_verified: Vec<AuditEntry>,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        if self.failures.len() < 20 {
            self.failures.push(what);
        }
    }

    fn failed(&self) -> bool {
        self.lost + self.torn + self.integrity_failures + self.chain_failures > 0
    }
}

fn copy_db(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(to, suffix));
    }
    std::fs::copy(from, to).unwrap();
    // The shared-memory index is rebuilt from the WAL by the first opener.
    if with_suffix(from, "-wal").exists() {
        std::fs::copy(with_suffix(from, "-wal"), with_suffix(to, "-wal")).unwrap();
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, bytes).as_ref().try_into().unwrap()
}

/// The answer sets the child saved, by household and index, built once.
type AnswerCache = HashMap<(Uuid, u8), Answers>;

/// The audit chain, verified as far as it is new since the last kill: the
/// entries verified then are still there unchanged, and every later one
/// follows on (sequence, link, hash) and is signed by its actor, the checks
/// [`Store::verify_audit`] makes. (That runs in full every
/// [`FULL_AUDIT_EVERY`] kills and at the end: in full after every kill it
/// would make the harness quadratic in the log's length.) Returns the
/// number of entries signature-checked.
fn verify_new_entries(
    verified: &[AuditEntry],
    entries: &[AuditEntry],
    raw: &rusqlite::Connection,
) -> Result<usize, String> {
    if entries.get(..verified.len()) != Some(verified) {
        return Err("entries verified after an earlier kill changed or vanished".into());
    }
    let mut keys = HashMap::new();
    let mut stmt = raw.prepare("SELECT certificate FROM users WHERE certificate IS NOT NULL").unwrap();
    for cert in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap() {
        let cert = Certificate::from_bytes(&cert.unwrap()).map_err(|e| e.to_string())?;
        keys.insert(cert.body.user_id, cert.body.signing_key);
    }
    let mut prev = verified.last().map_or([0u8; 32], |e| e.hash);
    for (i, e) in entries.iter().enumerate().skip(verified.len()) {
        let hash = audit::entry_hash(e.seq, e.at_ms, e.actor, &e.action, e.subject, &e.detail, &e.prev_hash);
        let key = keys.get(&e.actor).ok_or(format!("entry {}: unknown actor", e.seq))?;
        if e.seq != i as u64 + 1 || e.prev_hash != prev || hash != e.hash {
            return Err(format!("entry {} does not follow on", e.seq));
        }
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key)
            .verify(&audit::signed_message(&e.hash), &e.signature)
            .map_err(|_| format!("entry {}: bad signature", e.seq))?;
        prev = e.hash;
    }
    Ok(entries.len() - verified.len())
}

/// Whether `iv` is in the state `e`.
fn holds(s: &Session, iv: &Interview, e: &Expect, cache: &mut AnswerCache) -> bool {
    let answers = match e.answers {
        Answer::Any => true,
        Answer::Prefill => iv.answers.household.is_empty(),
        Answer::Set(v) => match cache.entry((iv.household_id, v)) {
            std::collections::hash_map::Entry::Occupied(a) => *a.get() == iv.answers,
            std::collections::hash_map::Entry::Vacant(slot) => match s.household(iv.household_id) {
                Ok(h) => *slot.insert(variant_answers(&h, v)) == iv.answers,
                Err(_) => false,
            },
        },
    };
    iv.status == e.status && e.revision.is_none_or(|r| r == iv.revision) && answers
}

/// Reopens the database at `path` and checks everything acknowledged so far.
/// First it settles the call a kill interrupted: found committed, its effects
/// join the model; found absent, they do not (either is correct, half is
/// not). Returns the unlocked officer's session for the sync round, or `None`
/// when the file could not be used.
fn check(
    w: &World,
    path: &Path,
    model: &mut Model,
    in_flight: Option<Call>,
    full_audit: bool,
    t: &mut Tally,
) -> Option<Session> {
    let raw = rusqlite::Connection::open(path).unwrap();
    let verdict: Vec<String> = raw
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    if verdict != ["ok"] {
        t.integrity_failures += 1;
        t.fail(format!("integrity_check: {verdict:?}"));
        return None;
    }
    let store = match Store::open(path, provider(), options(&w.clock)) {
        Ok(s) => s,
        Err(e) => {
            t.integrity_failures += 1;
            t.fail(format!("the database does not open: {e}"));
            return None;
        }
    };
    let entries = store.audit_entries().unwrap();
    let verdict = if full_audit {
        store.verify_audit().map(|_| entries.len()).map_err(|e| e.to_string())
    } else {
        verify_new_entries(&t.audit_verified, &entries, &raw)
    };
    match verdict {
        Ok(n) => {
            t.audit_entries_verified += n;
            t.audit_verified = entries.clone();
        }
        Err(e) => {
            t.chain_failures += 1;
            t.fail(format!("audit chain: {e}"));
        }
    }
    let s = store.unlock(w.officer, &pin(OFFICER_PIN)).unwrap();
    let seen = |id: &[u8; 16]| -> bool {
        raw.query_row("SELECT EXISTS (SELECT 1 FROM packets_seen WHERE packet_id = ?1)", [id], |r| r.get(0))
            .unwrap()
    };

    let committed = match in_flight {
        Some(Call::Interview(id, e)) => {
            Some(s.interview(id).is_ok_and(|iv| holds(&s, &iv, &e, &mut t.answers)))
        }
        Some(Call::Packet(n)) => Some(seen(&model.packets[n].id)),
        Some(Call::Start | Call::Household) | None => None,
    };
    match (in_flight, committed) {
        (Some(call), Some(true)) => {
            t.mid_call_committed += 1;
            model.commit(call);
        }
        (Some(_), Some(false)) => t.mid_call_rolled_back += 1,
        _ => {}
    }

    // The last audit entry about each subject.
    let mut last_audit: HashMap<Uuid, Detail> = HashMap::new();
    for e in entries {
        last_audit.insert(e.subject, postcard::from_bytes(&e.detail).unwrap());
    }
    for (id, e) in &model.interviews {
        t.interview_checks += 1;
        let iv = match s.interview(*id) {
            Ok(iv) => iv,
            Err(err) => {
                t.lost += 1;
                t.fail(format!("interview {id}, expected {e:?}, does not open: {err}"));
                continue;
            }
        };
        if !holds(&s, &iv, e, &mut t.answers) {
            t.lost += 1;
            t.fail(format!(
                "interview {id}: expected {e:?} (in flight at the kill: {in_flight:?}), found {} rev {}",
                iv.status.as_str(),
                iv.revision
            ));
            continue;
        }
        if e.local {
            // The row and the audit entry of the act that wrote it.
            let record: Vec<u8> = raw
                .query_row("SELECT record FROM interviews WHERE id = ?1", [id.as_bytes()], |r| r.get(0))
                .unwrap();
            let audited = last_audit.get(id);
            let audited = audited.map(|d| (d.to, d.content));
            if audited != Some((Some(e.status), Some(sha256(&record)))) {
                t.torn += 1;
                let to = audited.and_then(|a| a.0);
                t.fail(format!(
                    "interview {id}: the row ({:?}) and its last audit entry (to {to:?}) are not of one act",
                    e.status
                ));
            }
        }
    }
    for id in &model.households {
        t.household_checks += 1;
        if let Err(err) = s.household(*id) {
            t.lost += 1;
            t.fail(format!("household {id} does not open: {err}"));
        }
    }
    for (n, p) in model.packets[..model.next_packet].iter().enumerate() {
        t.packet_checks += 1;
        let mut missing = !seen(&p.id);
        for (origin, first, last) in &p.ranges {
            let held: i64 = raw
                .query_row(
                    "SELECT count(*) FROM changes WHERE origin = ?1 AND seq BETWEEN ?2 AND ?3",
                    rusqlite::params![origin, *first as i64, *last as i64],
                    |r| r.get(0),
                )
                .unwrap();
            t.change_checks += (last - first + 1) as usize;
            missing |= held as u64 != last - first + 1;
        }
        if missing {
            t.lost += 1;
            t.fail(format!("packet {n}: acknowledged, but not all of its changes are held"));
        }
    }
    Some(s)
}

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    Some(match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
        None => v.parse().unwrap(),
    })
}

/// One child run: spawn, let it work, SIGKILL it. Returns its protocol lines
/// and how long it took to become ready (when it was waited for), or what
/// went wrong if it died by itself.
fn run_child(
    w: &World,
    k: usize,
    run_seed: u64,
    next_packet: usize,
    kill: Kill,
) -> Result<(Vec<String>, Option<u64>), String> {
    let clock_ms = (t0() + Duration::minutes(k as i64 * RUN_MINUTES)).timestamp_millis();
    // Taken before the spawn: on a busy machine this thread may be descheduled
    // after it for as long as the child takes to start.
    let spawned = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &w.dir)
        .env("HEARTH_CRASH_USER", w.officer.to_string())
        .env("HEARTH_CRASH_CYCLE", w.cycle.to_string())
        .env("HEARTH_CRASH_RUN_SEED", run_seed.to_string())
        .env("HEARTH_CRASH_NEXT_PACKET", next_packet.to_string())
        .env("HEARTH_CRASH_CLOCK_MS", clock_ms.to_string())
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            // A line cut short by the kill has no newline: not acknowledged.
            if stdout.read_until(b'\n', &mut buf).unwrap_or(0) == 0 || buf.last() != Some(&b'\n') {
                return;
            }
            let line = String::from_utf8_lossy(&buf[..buf.len() - 1]).into_owned();
            // The harness may have begun the line ("test crash_child_process ... ").
            if let Some(at) = line.find(PREFIX)
                && tx.send(line[at + PREFIX.len()..].to_owned()).is_err()
            {
                return;
            }
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut lines = Vec::new();
    let mut ready_ms = None;
    match kill {
        Kill::EarlyAfter(ms) => std::thread::sleep(StdDuration::from_millis(ms)),
        Kill::WorkFor(ms) => {
            let limit = spawned + StdDuration::from_secs(60);
            // Ends when the child is ready, has died, or took a minute.
            while let Ok(l) = rx.recv_timeout(limit.saturating_duration_since(Instant::now())) {
                let ready = l == "ready";
                lines.push(l);
                if ready {
                    ready_ms = Some(spawned.elapsed().as_millis() as u64);
                    break;
                }
            }
            if ready_ms.is_none() {
                let _ = child.kill();
                let status = child.wait().unwrap();
                let err = errors.join().unwrap();
                return Err(format!("child run {k} never became ready ({status}):\n{err}"));
            }
            std::thread::sleep(StdDuration::from_millis(ms));
        }
    }
    // `Child::kill` sends SIGKILL on Unix (std documents it as "equivalent to
    // sending a SIGKILL"); the exit status below proves it for every run.
    let _ = child.kill();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    if status.signal() != Some(9) {
        let err = errors.join().unwrap();
        return Err(format!("child run {k} was not killed by SIGKILL but ended with {status}:\n{err}"));
    }
    Ok((lines, ready_ms))
}

#[derive(Clone, Copy)]
enum Kill {
    /// Kill this long after spawning, whether or not the child is ready.
    EarlyAfter(u64),
    /// Kill this long after the child said it is ready.
    WorkFor(u64),
}

/// The crash harness: hundreds of SIGKILLs at random moments while a child
/// saves interviews and imports packets; after each, nothing the child
/// acknowledged is lost, SQLite's integrity check passes, the audit chain
/// verifies, and no act is half written.
#[test]
fn acknowledged_saves_and_imports_survive_sigkill_at_random_moments() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let runs = env_number("HEARTH_CRASH_RUNS").map_or(DEFAULT_RUNS, |n| n as usize);
    let seed = env_number("HEARTH_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!(
        "crash harness: {runs} kills, seed {seed:#x} (replay the choices with HEARTH_CRASH_SEED={seed:#x})"
    );
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let mut w = World::new(tmp.path());
    let mut model = Model::default();
    let mut rng = Rng(seed);
    let mut t = Tally::default();
    let check_path = tmp.path().join("check").join(DB);
    std::fs::create_dir_all(check_path.parent().unwrap()).unwrap();
    let mut ready_ms = 100;

    for k in 1..=runs {
        let run_seed = rng.next();
        let kill = if rng.below(EARLY_KILL_ONE_IN) == 0 {
            t.early_kills += 1;
            Kill::EarlyAfter(rng.below(ready_ms * 3 / 2))
        } else {
            Kill::WorkFor(rng.below(MAX_WORK_MS))
        };
        let clock_started = Instant::now();
        let lines = match run_child(&w, k, run_seed, model.next_packet, kill) {
            Ok((lines, r)) => {
                if let Some(r) = r {
                    ready_ms = (ready_ms * 3 + r) / 4;
                }
                lines
            }
            Err(e) => {
                t.fail(e);
                break;
            }
        };
        t.kills += 1;
        let in_flight = model.apply(&lines);
        if let Some(call) = in_flight {
            *t.mid_call.entry(call.name()).or_default() += 1;
        }
        let db = w.db();
        t.max_db_bytes = t.max_db_bytes.max(std::fs::metadata(&db).map_or(0, |m| m.len()));
        t.max_wal_bytes =
            t.max_wal_bytes.max(std::fs::metadata(with_suffix(&db, "-wal")).map_or(0, |m| m.len()));

        t.child_time += clock_started.elapsed();
        let clock_started = Instant::now();
        copy_db(&db, &check_path);
        w.clock.set(t0() + Duration::minutes(k as i64 * RUN_MINUTES + ROUND_MINUTE));
        let Some(officer) = check(&w, &check_path, &mut model, in_flight, k % FULL_AUDIT_EVERY == 0, &mut t)
        else {
            break;
        };
        t.check_time += clock_started.elapsed();
        if t.failed() {
            break;
        }
        if k % SYNC_EVERY == 0 {
            let clock_started = Instant::now();
            w.sync_round(&officer, &mut rng, &mut model);
            t.sync_time += clock_started.elapsed();
        }
    }
    // Last, the original file itself, reopened where the last kill left it.
    if !t.failed() {
        let db = w.db();
        check(&w, &db, &mut model, None, true, &mut t);
    }

    let acked_interviews = model.interviews.values().filter(|e| e.local || e.answers != Answer::Any).count();
    println!(
        "crash harness: {} kills in {:.1} s: {} during start-up, {} inside a call {:?}, of which {} found committed \
         and {} found rolled back (the rest start or create a household: new ids, nothing acknowledged to check)",
        t.kills,
        started.elapsed().as_secs_f64(),
        t.early_kills,
        t.mid_call.values().sum::<usize>(),
        t.mid_call,
        t.mid_call_committed,
        t.mid_call_rolled_back,
    );
    println!(
        "crash harness: acknowledged {} own interviews, {} others' interview states, {} households, {} packets; \
         checked {} interview states, {} households, {} packets ({} changes), {} audit entries",
        acked_interviews,
        model.interviews.len() - acked_interviews,
        model.households.len(),
        model.next_packet,
        t.interview_checks,
        t.household_checks,
        t.packet_checks,
        t.change_checks,
        t.audit_entries_verified
    );
    println!(
        "crash harness: time in children {:.1} s, checks {:.1} s, sync rounds {:.1} s",
        t.child_time.as_secs_f64(),
        t.check_time.as_secs_f64(),
        t.sync_time.as_secs_f64()
    );
    println!(
        "crash harness: largest database {} KiB, largest WAL {} KiB",
        t.max_db_bytes / 1024,
        t.max_wal_bytes / 1024
    );
    println!(
        "crash harness: lost {}, half-written acts {}, integrity failures {}, chain failures {}",
        t.lost, t.torn, t.integrity_failures, t.chain_failures
    );
    if !t.failures.is_empty() {
        let kept = tmp.keep();
        panic!(
            "crash harness failed (seed {seed:#x}; files kept in {}):\n{}",
            kept.display(),
            t.failures.join("\n")
        );
    }
    assert_eq!(t.kills, runs, "every run ended in a kill");
    assert_eq!((t.lost, t.torn, t.integrity_failures, t.chain_failures), (0, 0, 0, 0));
}
