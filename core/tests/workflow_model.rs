//! Model-based property test of the interview lifecycle: random sequences of
//! acts by random users, in and out of scope, against an independent model.
//! The store never reaches a state the model forbids, and every refused act
//! leaves the store byte-for-byte unchanged.

mod common;

use common::*;
use hearth_core::household::Household;
use hearth_core::store::Session;
use hearth_core::workflow::{NewComment, Status};
use proptest::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
enum Op {
    Start,
    Save { valid: bool },
    Complete,
    Submit,
    Approve,
    Return,
    Reject,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::Start),
        3 => proptest::bool::weighted(0.8).prop_map(|valid| Op::Save { valid }),
        3 => Just(Op::Complete),
        3 => Just(Op::Submit),
        3 => Just(Op::Approve),
        1 => Just(Op::Return),
        1 => Just(Op::Reject),
        1 => Just(Op::Reopen),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Actor {
    Owner,
    Supervisor,
    Anyone(usize),
}

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![2 => Just(Actor::Owner), 1 => Just(Actor::Supervisor), 2 => (0usize..5).prop_map(Actor::Anyone)]
}

/// The people: two officers and a supervisor in scope, an officer and a
/// supervisor outside it.
struct Who {
    id: Uuid,
    supervisor: bool,
    in_scope: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Model {
    owner: usize,
    status: Status,
    valid: bool,
}

/// What the model allows: the next state, or `None` for a refusal.
fn allowed(m: Option<Model>, op: Op, who: usize, people: &[Who]) -> Option<Model> {
    let w = &people[who];
    if !w.in_scope {
        return None;
    }
    use Status::*;
    let Some(m) = m else {
        return matches!(op, Op::Start).then_some(Model { owner: who, status: Draft, valid: false });
    };
    let own = m.owner == who;
    let review = w.supervisor && !own;
    let status = match (op, m.status) {
        (Op::Save { .. }, Draft | Completed | Returned) if own => Draft,
        (Op::Complete, Draft | Returned) if own && m.valid => Completed,
        (Op::Submit, Completed) if own => Submitted,
        (Op::Approve, Submitted) if review => Approved,
        (Op::Return, Submitted) if review => Returned,
        (Op::Reject, Submitted) if review => Rejected,
        (Op::Reopen, Approved) if review => Returned,
        _ => return None,
    };
    let valid = if let Op::Save { valid } = op { valid } else { m.valid };
    Some(Model { status, valid, ..m })
}

/// Every interview row, and the audit length.
type Snapshot = Vec<(Vec<u8>, String, i64, Vec<u8>, Vec<u8>)>;

fn snapshot(p: &Phone) -> Snapshot {
    let c = rusqlite::Connection::open(&p.path).unwrap();
    let mut stmt =
        c.prepare("SELECT id, status, revision, officer_id, record FROM interviews ORDER BY id").unwrap();
    let mut rows: Vec<_> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let audit: i64 = c.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
    rows.push((vec![], "audit".into(), audit, vec![], vec![]));
    rows
}

fn apply(
    s: &Session,
    op: Op,
    h: &Household,
    cycle: Uuid,
    iv: Option<Uuid>,
) -> Result<Option<Uuid>, hearth_core::Error> {
    let note = || NewComment::general("Xem lại");
    match (op, iv) {
        (Op::Start, _) => s.start_interview(h.id, cycle).map(|i| Some(i.id)),
        (_, None) => Err(hearth_core::Error::NotFound { kind: "interview" }),
        (Op::Save { valid }, Some(id)) => {
            let answers = if valid { answers_for(h, 5_000_000, true) } else { Default::default() };
            let revision = s.interview(id)?.revision;
            s.save_interview(id, revision, answers).map(|_| iv)
        }
        (Op::Complete, Some(id)) => s.complete_interview(id).map(|_| iv),
        (Op::Submit, Some(id)) => s.submit_interview(id).map(|_| iv),
        (Op::Approve, Some(id)) => s.approve_interview(id).map(|_| iv),
        (Op::Return, Some(id)) => s.return_interview(id, vec![note()]).map(|_| iv),
        (Op::Reject, Some(id)) => s.reject_interview(id, note()).map(|_| iv),
        (Op::Reopen, Some(id)) => s.reopen_interview(id, note()).map(|_| iv),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_store_follows_the_lifecycle_model(steps in proptest::collection::vec((actor(), op(), 0usize..2), 1..100)) {
        let p = phone();
        let pins = ["111111", "333333", "222222", "444444", "555555"];
        let ids = [p.officer, p.officer2, p.supervisor, p.outsider, p.supervisor_away];
        let people: Vec<Who> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Who { id: *id, supervisor: i == 2 || i == 4, in_scope: i < 3 })
            .collect();
        let sessions: Vec<Session> = ids.iter().zip(pins).map(|(id, pin_)| p.store.unlock(*id, &pin(pin_)).unwrap()).collect();
        let cycle = open_cycle_2026(&sessions[2]);
        let households: Vec<Household> = (0..2)
            .map(|i| sessions[0].create_household("01108-01", family("Vùi Văn Sình", &format!("00208400123{i}"))).unwrap())
            .collect();
        let mut model: [Option<Model>; 2] = [None, None];
        let mut interviews: [Option<Uuid>; 2] = [None, None];
        for (actor, op, which) in steps {
            // Acts by the owner and the supervisor are drawn often, so that
            // runs reach the later states; anyone else acts too.
            let who = match actor {
                Actor::Owner => model[which].map_or(0, |m| m.owner),
                Actor::Supervisor => 2,
                Actor::Anyone(i) => i,
            };
            let before = snapshot(&p);
            let expect = allowed(model[which], op, who, &people);
            let got = apply(&sessions[who], op, &households[which], cycle, interviews[which]);
            match (expect, got) {
                (Some(next), Ok(iv)) => {
                    model[which] = Some(next);
                    interviews[which] = iv;
                    let stored = sessions[2].interview(iv.unwrap()).unwrap();
                    prop_assert_eq!(stored.status, next.status);
                    prop_assert_eq!(stored.officer_id, people[next.owner].id);
                }
                (None, Err(_)) => prop_assert_eq!(snapshot(&p), before, "a refused {:?} changed the store", op),
                (Some(_), Err(e)) => prop_assert!(false, "{:?} by {} refused: {:?}", op, who, e),
                (None, Ok(_)) => prop_assert!(false, "{:?} by {} accepted against the model", op, who),
            }
        }
        prop_assert!(p.store.verify_audit().is_ok());
    }
}
