//! Packets between phones: the officer-to-supervisor round trip, idempotent
//! and order-independent apply, refusals that change nothing, conflicts.

mod common;

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use hearth_core::Error;
use hearth_core::clock::ManualClock;
use hearth_core::identity::{Authority, Role};
use hearth_core::store::{Session, Store};
use hearth_core::sync::PacketError;
use hearth_core::workflow::{NewComment, Status};
use uuid::Uuid;

struct Device {
    store: Store,
    user: Uuid,
    session: Session,
}

struct World {
    _dir: tempfile::TempDir,
    authority: Authority,
    clock: Arc<ManualClock>,
    officer: Device,
    supervisor: Device,
    supervisor2: Device,
}

fn device(
    dir: &std::path::Path,
    name: &str,
    authority: &Authority,
    clock: &Arc<ManualClock>,
    role: Role,
    pin_: &str,
) -> (Store, Uuid) {
    let store =
        Store::create(&dir.join(format!("{name}.db")), provider(), authority.public_key(), options(clock))
            .unwrap();
    store.import_units_csv(XIN_MAN).unwrap();
    store.import_units_csv(VILLAGES).unwrap();
    let user = enrol(&store, authority, name, pin_, role, &["01108"]);
    store.finish_provisioning();
    (store, user)
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 9, 15, 2, 0, 0).unwrap()));
    let authority = Authority::generate().unwrap();
    let (o, ou) = device(dir.path(), "officer", &authority, &clock, Role::Officer, "111111");
    let (s, su) = device(dir.path(), "supervisor", &authority, &clock, Role::Supervisor, "222222");
    let (s2, su2) = device(dir.path(), "supervisor2", &authority, &clock, Role::Supervisor, "333333");
    // Provisioning gives each phone its colleagues' certificates.
    let certs: Vec<Vec<u8>> = [(&o, ou), (&s, su), (&s2, su2)]
        .iter()
        .map(|(st, u)| st.users().unwrap().into_iter().find(|i| i.id == *u).map(|_| st).unwrap())
        .zip([("111111", ou), ("222222", su), ("333333", su2)])
        .map(|(st, (p, u))| st.unlock(u, &pin(p)).unwrap().certificate().to_bytes().unwrap())
        .collect();
    for st in [&o, &s, &s2] {
        for c in &certs {
            st.add_certificate(c).unwrap();
        }
    }
    let dev = |store: Store, user: Uuid, p: &str| {
        let session = store.unlock(user, &pin(p)).unwrap();
        Device { store, user, session }
    };
    World {
        _dir: dir,
        authority,
        clock,
        officer: dev(o, ou, "111111"),
        supervisor: dev(s, su, "222222"),
        supervisor2: dev(s2, su2, "333333"),
    }
}

fn send(from: &Device, to: &Device) -> Vec<u8> {
    from.session.export_for(Uuid::parse_str(to.store.store_id()).unwrap(), &[to.user]).unwrap()
}

fn deliver(from: &Device, to: &Device) -> hearth_core::store::ImportSummary {
    to.session.import(&send(from, to)).unwrap()
}

fn open_cycle(s: &Session) -> Uuid {
    open_cycle_2026(s)
}

/// Officer interviews and submits; returns (household, interview).
fn submitted(w: &World, cycle: Uuid) -> (Uuid, Uuid) {
    let o = &w.officer.session;
    let h = o.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let iv = submit_interview(o, &h, cycle, 5_000_000, true);
    (h.id, iv.id)
}

#[test]
fn an_interview_travels_officer_to_supervisor_and_the_approval_comes_back() {
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    assert_eq!(deliver(&w.supervisor, &w.officer).applied, 1);
    let (h, iv) = submitted(&w, cycle);
    let got = deliver(&w.officer, &w.supervisor);
    assert_eq!(got.conflicts, 0);
    assert!(got.applied >= 5);
    let sup = &w.supervisor.session;
    assert_eq!(sup.inbox().unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), vec![iv]);
    let remote = sup.interview(iv).unwrap();
    assert_eq!(remote.status, Status::Submitted);
    assert_eq!(
        remote.score.as_ref().unwrap().category,
        hearth_core::scoring::Category::Poor,
        "scored again on arrival"
    );
    assert_eq!(sup.household(h).unwrap().details.members.len(), 5);
    assert_eq!(
        sup.find_households("vui van sinh").unwrap().len(),
        1,
        "search tokens rebuilt under this phone's key"
    );
    sup.approve_interview(iv).unwrap();
    deliver(&w.supervisor, &w.officer);
    assert_eq!(w.officer.session.interview(iv).unwrap().status, Status::Approved);
    assert_eq!(w.officer.session.state_hash().unwrap(), sup.state_hash().unwrap());
}

#[test]
fn applying_is_idempotent_and_a_replayed_packet_is_refused_unchanged() {
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    deliver(&w.supervisor, &w.officer);
    submitted(&w, cycle);
    let p1 = send(&w.officer, &w.supervisor);
    let p2 = send(&w.officer, &w.supervisor); // the same changes, another packet
    let first = w.supervisor.session.import(&p1).unwrap();
    let hash = w.supervisor.session.state_hash().unwrap();
    let second = w.supervisor.session.import(&p2).unwrap();
    assert_eq!((second.applied, second.already_had), (0, first.applied));
    assert!(matches!(w.supervisor.session.import(&p1), Err(Error::Packet(PacketError::Replayed))));
    assert_eq!(w.supervisor.session.state_hash().unwrap(), hash);
}

#[test]
fn deltas_carry_only_what_the_peer_lacks() {
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    deliver(&w.supervisor, &w.officer);
    submitted(&w, cycle);
    let full = deliver(&w.officer, &w.supervisor);
    // The supervisor's reply acknowledges what it holds.
    deliver(&w.supervisor, &w.officer);
    let o = &w.officer.session;
    let h = o.create_household("01108-02", family("Lò Văn Páo", "002084005678")).unwrap();
    let delta = deliver(&w.officer, &w.supervisor);
    assert_eq!(
        (delta.applied, delta.already_had),
        (1, 0),
        "after {} changes, only the new one",
        full.applied
    );
    assert_eq!(w.supervisor.session.household(h.id).unwrap(), {
        let mut mine = o.household(h.id).unwrap();
        mine.revision = 1;
        mine
    });
}

#[test]
fn packets_apply_in_any_order_to_the_same_state() {
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    deliver(&w.supervisor, &w.officer);
    deliver(&w.officer, &w.supervisor);
    deliver(&w.supervisor, &w.officer);
    // Three packets of disjoint changes, delivered to two phones in two orders.
    let o = &w.officer.session;
    let h = o.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let a = send(&w.officer, &w.supervisor);
    let b = send(&w.officer, &w.supervisor2);
    let iv = o.start_interview(h.id, cycle).unwrap();
    o.save_interview(iv.id, iv.revision, answers_for(&h, 5_000_000, true)).unwrap();
    let a2 = send(&w.officer, &w.supervisor);
    let b2 = send(&w.officer, &w.supervisor2);
    w.supervisor2.session.import(&b2).unwrap();
    w.supervisor2.session.import(&b).unwrap();
    w.supervisor.session.import(&a).unwrap();
    w.supervisor.session.import(&a2).unwrap();
    let s1 = w.supervisor.session.state_hash().unwrap();
    assert_eq!(s1, w.supervisor2.session.state_hash().unwrap());
    assert_eq!(w.supervisor2.session.interview(iv.id).unwrap().status, Status::Draft);
}

#[test]
fn forged_foreign_truncated_and_flipped_packets_are_refused_and_change_nothing() {
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    deliver(&w.supervisor, &w.officer);
    submitted(&w, cycle);
    let good = send(&w.officer, &w.supervisor);
    let sup = &w.supervisor.session;
    let before = sup.state_hash().unwrap();
    let audit = w.supervisor.store.audit_entries().unwrap().len();

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    assert!(matches!(
        sup.import(&flipped),
        Err(Error::Packet(PacketError::BadSignature | PacketError::Malformed))
    ));
    assert!(matches!(sup.import(&good[..good.len() - 10]), Err(Error::Packet(PacketError::Truncated))));
    assert!(matches!(sup.import(&good[..40]), Err(Error::Packet(_))));
    assert!(matches!(sup.import(b"HRTX\x01"), Err(Error::Packet(PacketError::BadMagic))));
    let mut version = good.clone();
    version[4] = 9;
    assert!(matches!(sup.import(&version), Err(Error::Packet(PacketError::UnsupportedVersion(9)))));
    // Addressed to the other supervisor only.
    let elsewhere = send(&w.officer, &w.supervisor2);
    assert!(matches!(sup.import(&elsewhere), Err(Error::Packet(PacketError::NotForUs))));
    // A forged signature.
    let mut forged = good.clone();
    let n = forged.len();
    forged[n - 1] ^= 1;
    assert!(matches!(sup.import(&forged), Err(Error::Packet(PacketError::BadSignature))));
    // Self-consistent, but signed by a key no certificate vouches for.
    let pair = ring::signature::Ed25519KeyPair::from_pkcs8(
        ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap().as_ref(),
    )
    .unwrap();
    let parsed = hearth_core::sync::packet::parse(&good).unwrap();
    let mut header = parsed.v2_header().unwrap().clone();
    header.sender_key.copy_from_slice(ring::signature::KeyPair::public_key(&pair).as_ref());
    let body = hearth_core::sync::wire2::Body { known: vec![], certificates: vec![], runs: vec![] };
    let sup_key = sup.certificate().body.agreement_key;
    let impostor =
        hearth_core::sync::packet::v2::seal(header, &body, &[sup_key], |m| pair.sign(m).as_ref().to_vec())
            .unwrap();
    assert!(matches!(sup.import(&impostor), Err(Error::Packet(PacketError::UnknownSender))));

    assert_eq!(sup.state_hash().unwrap(), before);
    assert_eq!(w.supervisor.store.audit_entries().unwrap().len(), audit);
    assert!(sup.inbox().unwrap().is_empty());
    sup.import(&good).unwrap();
    assert_eq!(sup.inbox().unwrap().len(), 1);
}

#[test]
fn a_late_edit_to_an_approved_interview_is_kept_as_a_conflict_not_applied() {
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    deliver(&w.supervisor, &w.officer);
    let (_, iv) = submitted(&w, cycle);
    deliver(&w.officer, &w.supervisor);
    deliver(&w.officer, &w.supervisor2);
    // Two supervisors decide at once: one approves, the other returns.
    w.supervisor.session.approve_interview(iv).unwrap();
    w.clock.advance(Duration::seconds(1));
    w.supervisor2.session.return_interview(iv, vec![NewComment::general("Thiếu ảnh nhà")]).unwrap();
    // The officer hears only of the return and edits.
    deliver(&w.supervisor2, &w.officer);
    let o = &w.officer.session;
    let back = o.interview(iv).unwrap();
    assert_eq!(back.status, Status::Returned);
    w.clock.advance(Duration::seconds(1));
    o.save_interview(iv, back.revision, back.answers.clone()).unwrap();
    // Everyone exchanges with everyone.
    for _ in 0..2 {
        deliver(&w.officer, &w.supervisor);
        deliver(&w.supervisor2, &w.supervisor);
        deliver(&w.supervisor, &w.officer);
        deliver(&w.supervisor, &w.supervisor2);
    }
    for d in [&w.officer, &w.supervisor, &w.supervisor2] {
        assert_eq!(
            d.session.interview(iv).unwrap().status,
            Status::Approved,
            "approval came first and stands"
        );
    }
    let hash = w.supervisor.session.state_hash().unwrap();
    assert_eq!(w.officer.session.state_hash().unwrap(), hash);
    assert_eq!(w.supervisor2.session.state_hash().unwrap(), hash);
    let conflicts = w.supervisor.session.conflicts().unwrap();
    let reasons: Vec<_> = conflicts.iter().map(|c| (c.reason.as_str(), c.actor)).collect();
    assert_eq!(reasons, vec![("locked", w.supervisor2.user), ("locked", w.officer.user)]);
    // Resolving is a supervisor's audited act.
    assert!(matches!(
        o.resolve_conflict(conflicts[0].origin, conflicts[0].seq),
        Err(Error::NotPermitted { .. })
    ));
    w.supervisor.session.resolve_conflict(conflicts[1].origin, conflicts[1].seq).unwrap();
    assert_eq!(w.supervisor.session.conflicts().unwrap().len(), 1);
    assert!(w.supervisor.store.audit_entries().unwrap().iter().any(|e| e.action == "conflict.resolve"));
}

#[test]
fn concurrent_household_edits_converge_and_keep_the_loser() {
    let w = world();
    let o = &w.officer.session;
    let h = o.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    deliver(&w.officer, &w.supervisor);
    let mut mine = o.household(h.id).unwrap();
    mine.details.notes = "officer".into();
    o.update_household(&mine).unwrap();
    w.clock.advance(Duration::seconds(2));
    let mut theirs = w.supervisor.session.household(h.id).unwrap();
    theirs.details.notes = "supervisor".into();
    w.supervisor.session.update_household(&theirs).unwrap();
    deliver(&w.officer, &w.supervisor);
    deliver(&w.supervisor, &w.officer);
    for d in [&w.officer, &w.supervisor] {
        assert_eq!(d.session.household(h.id).unwrap().details.notes, "supervisor", "the later edit wins");
        let c = d.session.conflicts().unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].reason.as_str(), c[0].actor), ("superseded", w.officer.user));
    }
    assert_eq!(o.state_hash().unwrap(), w.supervisor.session.state_hash().unwrap());
}

#[test]
fn a_change_outside_its_authors_scope_is_kept_as_a_conflict_not_applied() {
    let w = world();
    // A phone whose unit list was doctored: it files Nà Pó under Pà Vầy Sủ,
    // so its officer of 01096 can "create" a household in Xã Xín Mần.
    let dir = tempfile::tempdir().unwrap();
    let authority_key = w.supervisor.store.authority();
    let rogue =
        Store::create(&dir.path().join("rogue.db"), provider(), authority_key, options(&w.clock)).unwrap();
    rogue.import_units_csv(XIN_MAN).unwrap();
    rogue
        .import_units_csv(
            "code,name,level,parent_code,valid_from,valid_to\n01108-01,Giả,village,01096,2025-07-01,\n",
        )
        .unwrap();
    // Its user is certified by the real authority, for 01096 only.
    let user = enrol(&rogue, &w.authority, "Kẻ Giả", "444444", Role::Officer, &["01096"]);
    rogue.finish_provisioning();
    let s = rogue.unlock(user, &pin("444444")).unwrap();
    s.store().add_certificate(&w.supervisor.session.certificate().to_bytes().unwrap()).unwrap();
    let h = s.create_household("01108-01", family("Giàng A Giả", "009999999999")).unwrap();
    let packet =
        s.export_for(Uuid::parse_str(w.supervisor.store.store_id()).unwrap(), &[w.supervisor.user]).unwrap();
    let got = w.supervisor.session.import(&packet).unwrap();
    assert_eq!((got.applied, got.conflicts), (1, 1));
    assert!(matches!(w.supervisor.session.household(h.id), Err(Error::NotFound { .. })));
    let c = w.supervisor.session.conflicts().unwrap();
    assert_eq!((c[0].reason.as_str(), c[0].actor), ("not permitted", user));
}

/// A colleague with a valid certificate signs a change into another phone's
/// next sequence slot. When the phone's real change for that slot arrives, it
/// must not be counted as "already had" and vanish: the forked history is
/// refused, loudly, and nothing changes.
#[test]
fn a_change_signed_into_another_devices_slot_makes_the_real_one_refused_not_dropped() {
    use hearth_core::sync::chain::Logged;
    use hearth_core::sync::wire::{Change, Entity, Op, WireHousehold};
    use hearth_core::sync::wire2::{Body, Header, Item, Payload, Range, Run, Sig};
    let w = world();
    let sup = &w.supervisor.session;
    let squatter = &w.supervisor2.session;
    let victim = *Uuid::parse_str(w.officer.store.store_id()).unwrap().as_bytes();
    let hlc = (hearth_core::clock::Clock::now(&*w.clock).timestamp_millis() as u64) << 16;
    let payload = postcard::to_stdvec(&WireHousehold {
        village: "01108-01".into(),
        address: String::new(),
        members: vec![],
        gps: None,
        phone: None,
        notes: String::new(),
    })
    .unwrap();
    let mut forged = Logged {
        change: Change {
            origin: victim,
            seq: 1,
            hlc,
            base_hlc: 0,
            actor: *squatter.user_id().as_bytes(),
            entity: Entity::Household(*Uuid::now_v7().as_bytes()),
            op: Op::Upsert,
            payload: payload.clone(),
            signature: vec![],
        },
        prev: [0; 32],
        chain_sig: vec![],
    };
    forged.chain_sig = squatter.sign(&forged.hash());
    let header = Header {
        sender_device: *Uuid::parse_str(w.supervisor2.store.store_id()).unwrap().as_bytes(),
        sender_key: squatter.certificate().body.signing_key,
        hlc_min: hlc,
        hlc_span: 0,
        ranges: vec![Range { origin: victim, first: 1, count: 1 }],
        compression: 0,
        ephemeral: [0; 32],
        wraps: vec![],
    };
    let item = Item {
        hlc_step: 0,
        base_back: 0,
        actor: forged.change.actor,
        entity: Some(forged.change.entity),
        op: Op::Upsert,
        payload: Payload::Full(payload),
        sig: Sig::Chain(forged.chain_sig.clone()),
    };
    let body = Body {
        known: vec![],
        certificates: vec![squatter.certificate().to_bytes().unwrap()],
        runs: vec![Run { origin: victim, first: 1, prev: None, items: vec![item] }],
    };
    let packet =
        hearth_core::sync::packet::v2::seal(header, &body, &[sup.certificate().body.agreement_key], |m| {
            squatter.sign(m)
        })
        .unwrap();
    assert_eq!(sup.import(&packet).unwrap().applied, 1, "a permitted change, as far as anyone can tell");

    // The officer's first change takes the same slot.
    w.officer.session.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let before = sup.state_hash().unwrap();
    let real = send(&w.officer, &w.supervisor);
    assert!(matches!(sup.import(&real), Err(Error::Packet(PacketError::BadChange))));
    assert_eq!(sup.state_hash().unwrap(), before);
}

/// A sender whose certificate the receiver already holds leaves it out of
/// the packet; it must still be valid when the packet arrives.
#[test]
fn a_packet_from_a_sender_whose_known_certificate_expired_is_refused() {
    let w = world();
    w.officer.session.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    deliver(&w.officer, &w.supervisor);
    deliver(&w.supervisor, &w.officer);
    w.clock.advance(Duration::days(800));
    w.officer.session.create_household("01108-01", family("Lù Thị Mai", "002084005678")).unwrap();
    let sup = &w.supervisor.session;
    let before = sup.state_hash().unwrap();
    let late = send(&w.officer, &w.supervisor);
    assert!(matches!(sup.import(&late), Err(Error::Packet(PacketError::UnknownSender))));
    assert_eq!(sup.state_hash().unwrap(), before);
}

/// Server (here: the supervisor's phone) to phones: an assignment made by
/// the supervisor reaches the officer's worklist, and a colleague on another
/// phone can be assigned.
#[test]
fn an_assignment_made_on_the_supervisors_phone_reaches_the_officers_worklist() {
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    let o = &w.officer.session;
    let a = o.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let b = o.create_household("01108-01", family("Lù Thị Mai", "002084005678")).unwrap();
    deliver(&w.officer, &w.supervisor);
    w.supervisor.session.assign(cycle, &[b.id], w.officer.user).unwrap();
    let before: Vec<_> =
        o.worklist(cycle).map(|l| l.into_iter().filter(|i| i.assigned).collect()).unwrap_or_default();
    assert!(before.is_empty(), "nothing assigned before the packet arrives");
    deliver(&w.supervisor, &w.officer);
    let list = o.worklist(cycle).unwrap();
    assert_eq!(list[0].household_id, b.id, "the assigned household comes first");
    assert!(list[0].assigned);
    assert!(list.iter().any(|i| i.household_id == a.id && !i.assigned));
    assert_eq!(o.state_hash().unwrap(), w.supervisor.session.state_hash().unwrap());
    // A third phone that hears of both from the supervisor agrees.
    deliver(&w.supervisor, &w.supervisor2);
    assert_eq!(w.supervisor2.session.state_hash().unwrap(), o.state_hash().unwrap());
}

/// A user can only speak for what their own device holds: a packet naming
/// another phone as its sender, claiming that phone holds everything, must
/// not stop the receiver's packets to that phone.
#[test]
fn a_claim_about_another_devices_holdings_does_not_stop_packets_to_it() {
    use hearth_core::sync::wire::SeqMark;
    use hearth_core::sync::wire2::{Body, Header};
    let w = world();
    let cycle = open_cycle(&w.supervisor.session);
    let sup = &w.supervisor.session;
    let liar = &w.supervisor2.session;
    let officer_device = *Uuid::parse_str(w.officer.store.store_id()).unwrap().as_bytes();
    let sup_origin = *Uuid::parse_str(w.supervisor.store.store_id()).unwrap().as_bytes();
    let header = Header {
        sender_device: officer_device,
        sender_key: liar.certificate().body.signing_key,
        hlc_min: 0,
        hlc_span: 0,
        ranges: vec![],
        compression: 0,
        ephemeral: [0; 32],
        wraps: vec![],
    };
    let body = Body {
        known: vec![SeqMark { origin: sup_origin, seq: 1 << 40 }],
        certificates: vec![liar.certificate().to_bytes().unwrap()],
        runs: vec![],
    };
    let packet =
        hearth_core::sync::packet::v2::seal(header, &body, &[sup.certificate().body.agreement_key], |m| {
            liar.sign(m)
        })
        .unwrap();
    sup.import(&packet).unwrap();
    let summary = deliver(&w.supervisor, &w.officer);
    assert!(summary.applied > 0, "the officer still gets the cycle");
    assert!(w.officer.session.cycle(cycle).is_ok());
}

/// A v1 change whose base is not before it would make every later export of
/// the receiver fail; it is refused at the door.
#[test]
fn a_v1_change_whose_base_is_not_before_it_is_refused() {
    use hearth_core::sync::wire::{Body, Change, Entity, Header, Op, SeqRange, WireHousehold};
    let w = world();
    let sup = &w.supervisor.session;
    let o = &w.officer.session;
    let origin = *Uuid::now_v7().as_bytes();
    let hlc = (hearth_core::clock::Clock::now(&*w.clock).timestamp_millis() as u64) << 16;
    let household = WireHousehold {
        village: "01108-01".into(),
        address: String::new(),
        members: vec![],
        gps: None,
        phone: None,
        notes: String::new(),
    };
    let mut change = Change {
        origin,
        seq: 1,
        hlc,
        base_hlc: hlc,
        actor: *o.user_id().as_bytes(),
        entity: Entity::Household(*Uuid::now_v7().as_bytes()),
        op: Op::Upsert,
        payload: postcard::to_stdvec(&household).unwrap(),
        signature: vec![],
    };
    change.signature = o.sign(&change.signed_bytes());
    let header = Header {
        packet_id: *Uuid::now_v7().as_bytes(),
        created_ms: 0,
        sender_device: origin,
        sender_user: *o.user_id().as_bytes(),
        sender_key: o.certificate().body.signing_key,
        recipients: vec![],
        hlc_min: hlc,
        hlc_max: hlc,
        ranges: vec![SeqRange { origin, first: 1, last: 1 }],
        known: vec![],
        compression: 0,
        body_hash: [0; 32],
    };
    let body = Body { certificates: vec![o.certificate().to_bytes().unwrap()], changes: vec![change] };
    let packet =
        hearth_core::sync::packet::v1::seal(header, &body, &[sup.certificate().body.agreement_key], |m| {
            o.sign(m)
        })
        .unwrap();
    let before = sup.state_hash().unwrap();
    assert!(matches!(sup.import(&packet), Err(Error::Packet(PacketError::Malformed))));
    assert_eq!(sup.state_hash().unwrap(), before);
    deliver(&w.supervisor, &w.officer);
}
