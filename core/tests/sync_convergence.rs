//! Convergence under a hostile network: three officers, a supervisor and a
//! server make random edits, submissions, approvals and returns while packets
//! are dropped, duplicated, delayed and reordered, replayed, cut mid-transfer
//! and resumed, and phone clocks jump a day either way. After a full exchange
//! every replica holds the same state (assignments included), every change made anywhere is held
//! everywhere, none was applied twice, and each household shows its owner's
//! last edit.
//!
//! The default run is 2,000 cases (`HEARTH_CONVERGENCE_CASES` sets another
//! count). Replicas live in memory-backed files where the system has them
//! (`/dev/shm`): the property is about what converges, not about fsync, which
//! the crash harness covers.
//! With `--features planted-bugs` the same property is run against three
//! planted defects and must fail on each.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use hearth_core::Error;
use hearth_core::clock::ManualClock;
use hearth_core::identity::{Authority, Role};
use hearth_core::store::{Session, Store};
use hearth_core::sync::PacketError;
use hearth_core::sync::frames::{Reassembly, cut};
use hearth_core::workflow::NewComment;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use uuid::Uuid;

const SERVER: usize = 4;
const SUPERVISOR: usize = 3;
const DAY: i64 = 86_400;

#[derive(Debug, Clone)]
enum Fate {
    Now,
    Drop,
    Duplicate,
    Delay,
    Cut,
}

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    Edit(usize, usize),
    Interview(usize, usize),
    Review(bool, usize),
    Fix(usize, usize),
    Assign(usize, usize),
    Sync(usize, usize, Fate),
    Deliver(usize),
    Replay(usize),
    Jump(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let fate = prop_oneof![4 => Just(Fate::Now), 1 => Just(Fate::Drop), 1 => Just(Fate::Duplicate), 1 => Just(Fate::Delay), 1 => Just(Fate::Cut)];
    prop_oneof![
        2 => (0usize..3).prop_map(Op::Create),
        4 => (0usize..3, any::<usize>()).prop_map(|(o, k)| Op::Edit(o, k)),
        2 => (0usize..3, any::<usize>()).prop_map(|(o, k)| Op::Interview(o, k)),
        2 => (any::<bool>(), any::<usize>()).prop_map(|(a, k)| Op::Review(a, k)),
        1 => (0usize..3, any::<usize>()).prop_map(|(o, k)| Op::Fix(o, k)),
        1 => (0usize..3, any::<usize>()).prop_map(|(o, k)| Op::Assign(o, k)),
        6 => (0usize..5, 0usize..4, fate).prop_map(|(d, t, f)| Op::Sync(d, t, f)),
        1 => any::<usize>().prop_map(Op::Deliver),
        1 => any::<usize>().prop_map(Op::Replay),
        2 => (0usize..5).prop_map(Op::Jump),
    ]
}

struct Replica {
    store: Store,
    session: Session,
    device: Uuid,
    user: Uuid,
    clock: Arc<ManualClock>,
    offset: i64,
    applied: usize,
}

struct Net {
    _dir: tempfile::TempDir,
    r: Vec<Replica>,
    cycle: Uuid,
    /// Household → (owner, the owner's last note).
    notes: HashMap<Uuid, (usize, String)>,
    pending: Vec<(usize, Vec<u8>)>,
    delivered: Vec<(usize, Vec<u8>)>,
    now: chrono::DateTime<Utc>,
}

fn setup() -> Net {
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
    let now = Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).unwrap();
    let authority = Authority::generate().unwrap();
    let roles = [Role::Officer, Role::Officer, Role::Officer, Role::Supervisor, Role::Administrator];
    let mut r = Vec::new();
    let mut certs = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let clock = Arc::new(ManualClock::new(now));
        let store = Store::create(
            &dir.path().join(format!("{i}.db")),
            provider(),
            authority.public_key(),
            options(&clock),
        )
        .unwrap();
        store.import_units_csv(XIN_MAN).unwrap();
        store.import_units_csv(VILLAGES).unwrap();
        let scope: &[&str] = if *role == Role::Administrator { &["08"] } else { &["01108"] };
        let user = enrol(&store, &authority, &format!("Người dùng {i}"), "111111", *role, scope);
        store.finish_provisioning();
        let session = store.unlock(user, &pin("111111")).unwrap();
        certs.push(session.certificate().to_bytes().unwrap());
        let device = Uuid::parse_str(store.store_id()).unwrap();
        r.push(Replica { store, session, device, user, clock, offset: 0, applied: 0 });
    }
    for rep in &r {
        for c in &certs {
            rep.store.add_certificate(c).unwrap();
        }
    }
    let cycle = open_cycle_2026(&r[SUPERVISOR].session);
    let mut net = Net { _dir: dir, r, cycle, notes: HashMap::new(), pending: vec![], delivered: vec![], now };
    net.exchange_all().unwrap();
    net
}

impl Net {
    fn tick(&mut self) {
        self.now += Duration::seconds(1);
        for rep in &self.r {
            rep.clock.set(self.now + Duration::seconds(rep.offset));
        }
    }

    fn packet(&self, from: usize, to: usize) -> Vec<u8> {
        self.r[from].session.export_for(self.r[to].device, &[self.r[to].user]).unwrap()
    }

    fn import(&mut self, to: usize, bytes: &[u8]) -> Result<(), TestCaseError> {
        match self.r[to].session.import(bytes) {
            Ok(s) => {
                self.r[to].applied += s.applied;
                self.delivered.push((to, bytes.to_vec()));
                Ok(())
            }
            // A clock a day ahead may be refused by a clock a day behind: a loss, not a fault.
            Err(Error::Packet(PacketError::FromTheFuture)) => Ok(()),
            Err(e) => Err(TestCaseError::fail(format!("import refused: {e:?}"))),
        }
    }

    fn exchange_all(&mut self) -> Result<(), TestCaseError> {
        for _ in 0..2 {
            for d in 0..SERVER {
                let p = self.packet(d, SERVER);
                self.import(SERVER, &p)?;
            }
            for d in 0..SERVER {
                let p = self.packet(SERVER, d);
                self.import(d, &p)?;
            }
        }
        Ok(())
    }

    fn households(&self, o: usize) -> Vec<hearth_core::household::Household> {
        let s = &self.r[o].session;
        let mut all = s.households_in("01108-01").unwrap();
        all.extend(s.households_in("01108-02").unwrap());
        all
    }

    fn apply(&mut self, op: Op) -> Result<(), TestCaseError> {
        self.tick();
        match op {
            Op::Create(o) => {
                let village = if o % 2 == 0 { "01108-01" } else { "01108-02" };
                let n = self.notes.len();
                let h = self.r[o]
                    .session
                    .create_household(village, family(&format!("Hộ {n}"), &format!("00{n:010}")))
                    .unwrap();
                self.notes.insert(h.id, (o, String::new()));
            }
            Op::Edit(o, k) => {
                let mine: Vec<_> = self
                    .households(o)
                    .into_iter()
                    .filter(|h| self.notes.get(&h.id).is_some_and(|(owner, _)| *owner == o))
                    .collect();
                if let Some(h) = mine.get(k % mine.len().max(1)) {
                    let mut h = h.clone();
                    h.details.notes = format!("ghi chú {}", self.now.timestamp());
                    let saved = self.r[o].session.update_household(&h).unwrap();
                    self.notes.insert(h.id, (o, saved.details.notes));
                }
            }
            Op::Interview(o, k) => {
                let s = &self.r[o].session;
                let todo: Vec<_> =
                    s.worklist(self.cycle).unwrap().into_iter().filter(|w| w.interview.is_none()).collect();
                if let Some(w) = todo.get(k % todo.len().max(1)) {
                    let h = s.household(w.household_id).unwrap();
                    let iv = s.start_interview(h.id, self.cycle).unwrap();
                    let iv = s
                        .save_interview(
                            iv.id,
                            iv.revision,
                            answers_for(&h, 5_000_000 + (k % 3) as i64 * 4_000_000, k % 2 == 0),
                        )
                        .unwrap();
                    s.complete_interview(iv.id).unwrap();
                    s.submit_interview(iv.id).unwrap();
                }
            }
            Op::Review(approve, k) => {
                let s = &self.r[SUPERVISOR].session;
                let inbox = s.inbox().unwrap();
                if let Some(item) = inbox.get(k % inbox.len().max(1)) {
                    if approve {
                        s.approve_interview(item.id).unwrap();
                    } else {
                        s.return_interview(item.id, vec![NewComment::general("Xem lại")]).unwrap();
                    }
                }
            }
            Op::Fix(o, k) => {
                let s = &self.r[o].session;
                let back = s.returned(None).unwrap();
                if let Some(item) = back.get(k % back.len().max(1)) {
                    let iv = s.interview(item.id).unwrap();
                    s.save_interview(iv.id, iv.revision, iv.answers.clone()).unwrap();
                    s.complete_interview(iv.id).unwrap();
                    s.submit_interview(iv.id).unwrap();
                }
            }
            Op::Assign(o, k) => {
                let s = &self.r[SUPERVISOR].session;
                let known = self.households(SUPERVISOR);
                if let Some(h) = known.get(k % known.len().max(1)) {
                    match s.assign(self.cycle, &[h.id], self.r[o].user) {
                        // An interview already submitted or decided is not moved.
                        Ok(()) | Err(Error::IllegalTransition { .. }) => {}
                        Err(e) => return Err(TestCaseError::fail(format!("assign refused: {e:?}"))),
                    }
                }
            }
            Op::Sync(d, t, fate) => {
                let (from, to) = if d == SERVER { (SERVER, t) } else { (d, SERVER) };
                let p = self.packet(from, to);
                match fate {
                    Fate::Now => self.import(to, &p)?,
                    Fate::Drop => {}
                    Fate::Duplicate => {
                        self.import(to, &p)?;
                        if self.delivered.last().is_some_and(|(_, b)| *b == p) {
                            prop_assert!(matches!(
                                self.r[to].session.import(&p),
                                Err(Error::Packet(PacketError::Replayed))
                            ));
                        }
                    }
                    Fate::Delay => self.pending.push((to, p)),
                    Fate::Cut => {
                        // Half the frames arrive, the link drops, the sender resumes.
                        let frames = cut(&p, 512, 0).unwrap();
                        let mut r = Reassembly::new();
                        for f in frames.iter().take(frames.len() / 2) {
                            prop_assert!(r.push(f).unwrap().is_none() || frames.len() == 1);
                        }
                        let mut whole = None;
                        for f in cut(&p, 512, r.acknowledged()).unwrap() {
                            whole = r.push(&f).unwrap().or(whole);
                        }
                        prop_assert_eq!(whole.as_ref(), Some(&p));
                        self.import(to, &p)?;
                    }
                }
            }
            Op::Deliver(k) => {
                if !self.pending.is_empty() {
                    let (to, p) = self.pending.remove(k % self.pending.len());
                    self.import(to, &p)?;
                }
            }
            Op::Replay(k) => {
                if let Some((to, p)) = self.delivered.get(k % self.delivered.len().max(1)).cloned() {
                    prop_assert!(matches!(
                        self.r[to].session.import(&p),
                        Err(Error::Packet(PacketError::Replayed))
                    ));
                }
            }
            Op::Jump(d) => {
                self.r[d].offset = match self.r[d].offset {
                    0 => DAY,
                    x if x > 0 => -DAY,
                    _ => 0,
                };
            }
        }
        Ok(())
    }

    fn check(&mut self) -> Result<(), TestCaseError> {
        for rep in &mut self.r {
            rep.offset = 0;
        }
        self.now += Duration::minutes(5);
        self.tick();
        self.exchange_all()?;
        let hashes: Vec<_> = self.r.iter().map(|r| r.session.state_hash().unwrap()).collect();
        prop_assert!(hashes.iter().all(|h| *h == hashes[0]), "replicas differ after a full exchange");
        let held: Vec<HashMap<[u8; 16], u64>> = self
            .r
            .iter()
            .map(|r| r.store.held().unwrap().into_iter().map(|m| (m.origin, m.seq)).collect())
            .collect();
        for (i, rep) in self.r.iter().enumerate() {
            let origin = rep.store.origin().unwrap();
            let made = held[i].get(&origin).copied().unwrap_or(0);
            for (j, h) in held.iter().enumerate() {
                prop_assert_eq!(
                    h.get(&origin).copied().unwrap_or(0),
                    made,
                    "device {} lacks changes of device {}",
                    j,
                    i
                );
            }
            let from_others: u64 = held[i].iter().filter(|(o, _)| **o != origin).map(|(_, s)| *s).sum();
            prop_assert_eq!(
                rep.applied as u64,
                from_others,
                "device {} applied a change twice or not at all",
                i
            );
        }
        for (h, (owner, note)) in &self.notes {
            for rep in &self.r {
                let got = rep.session.household(*h).unwrap().details.notes;
                prop_assert_eq!(&got, note, "household of officer {} lost its last edit", owner);
            }
        }
        Ok(())
    }
}

fn property(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut net = setup();
    for op in ops {
        net.apply(op)?;
    }
    net.check()
}

#[cfg(not(feature = "planted-bugs"))]
fn cases() -> u32 {
    std::env::var("HEARTH_CONVERGENCE_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000)
}

#[cfg(not(feature = "planted-bugs"))]
proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_under_a_hostile_network(ops in proptest::collection::vec(op(), 10..60)) {
        property(ops)?;
    }
}

#[cfg(feature = "planted-bugs")]
#[test]
fn each_planted_bug_is_caught() {
    use hearth_core::sync::planted::{Bug, plant};
    use proptest::test_runner::{Config, TestRunner};
    for bug in [Bug::WallClock, Bug::NoDedup, Bug::EarlyWatermark] {
        plant(bug);
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            max_shrink_iters: 0,
            ..Config::default()
        });
        let found = runner.run(&proptest::collection::vec(op(), 10..60), property);
        plant(Bug::None);
        assert!(found.is_err(), "{bug:?} was not caught");
        eprintln!("{bug:?} caught: {}", found.unwrap_err());
    }
}
