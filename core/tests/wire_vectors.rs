//! Golden byte vectors for wire formats v1 and v2, committed under `tests/vectors/`.
//! A build that cannot read them, or encodes these values differently, breaks
//! every phone in the field: these tests must never be edited to pass.
//!
//! To write the vectors (once, when a wire type is appended):
//! `HEARTH_WRITE_VECTORS=1 cargo test -p hearth-core --test wire_vectors`.

use std::path::PathBuf;

use hearth_core::sync::packet::{self, Opened};
use hearth_core::sync::wire::*;
use hearth_core::sync::wire2;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join("")
}

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn household() -> WireHousehold {
    WireHousehold {
        village: "01108-01".into(),
        address: "Thôn Nà Pó".into(),
        members: vec![WireMember {
            id: [1; 16],
            full_name: "Vùi Văn Sình".into(),
            sex: 0,
            birth: "1984".into(),
            ethnicity: "Nùng".into(),
            relationship: 0,
            national_id: Some("002084001234".into()),
        }],
        gps: Some((22.6, 104.5)),
        phone: None,
        notes: String::new(),
    }
}

fn interview() -> WireInterview {
    WireInterview {
        household: [2; 16],
        cycle: [3; 16],
        village: "01108-01".into(),
        form_id: "household".into(),
        form_version: 1,
        officer: [4; 16],
        status: 2,
        answers_json: r#"{"area":"rural","income_monthly_vnd":6000000}"#.into(),
        comments: vec![WireComment {
            author: [5; 16],
            at_ms: 1_790_000_000_000,
            question: Some("area".into()),
            row: None,
            text: "Xem lại".into(),
        }],
        submitted_ms: Some(1_790_000_000_000),
    }
}

fn cycle() -> WireCycle {
    WireCycle {
        year: 2026,
        month: 0,
        standard_id: "vn-2022".into(),
        reference_date: "2026-10-01".into(),
        units: vec!["01108".into()],
        certified: false,
    }
}

fn body() -> Body {
    Body {
        certificates: vec![vec![9, 9, 9]],
        changes: vec![Change {
            origin: [6; 16],
            seq: 7,
            hlc: (1_790_000_000_000u64 << 16) | 3,
            base_hlc: 0,
            actor: [4; 16],
            entity: Entity::Household([2; 16]),
            op: Op::Upsert,
            payload: postcard::to_stdvec(&household()).unwrap(),
            signature: vec![0xAB; 64],
        }],
    }
}

fn header() -> Header {
    Header {
        packet_id: [8; 16],
        created_ms: 1_790_000_000_000,
        sender_device: [6; 16],
        sender_user: [4; 16],
        sender_key: [0x11; 32],
        recipients: vec![[0x22; 8]],
        hlc_min: 1,
        hlc_max: 2,
        ranges: vec![SeqRange { origin: [6; 16], first: 7, last: 7 }],
        known: vec![SeqMark { origin: [6; 16], seq: 7 }],
        compression: 0,
        body_hash: [0x33; 32],
    }
}

fn check<T>(name: &str, value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let path = dir().join(format!("{name}.hex"));
    let bytes = postcard::to_stdvec(value).unwrap();
    if std::env::var_os("HEARTH_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(dir()).unwrap();
        std::fs::write(&path, hex(&bytes) + "\n").unwrap();
    }
    let golden = unhex(&std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing vector {name}")));
    assert_eq!(
        &postcard::from_bytes::<T>(&golden).unwrap(),
        value,
        "{name} no longer decodes to the same value"
    );
    assert_eq!(hex(&bytes), hex(&golden), "{name} no longer encodes to the same bytes");
}

#[test]
fn wire_records_match_their_golden_bytes() {
    check("household-v1", &household());
    check("interview-v1", &interview());
    check("cycle-v1", &cycle());
    check("header-v1", &header());
    check("body-v1", &body());
    check("entity-interview-v1", &Entity::Interview([7; 16]));
    check("op-act-v1", &Op::Act(ACT_REASSIGN));
    check("interview-v2", &interview2());
    check("header-v2", &header2());
    check("body-v2", &body2());
}

fn interview2() -> wire2::WireInterview {
    use wire2::{WireAnswers, WireRow, WireValue};
    let v1 = interview();
    wire2::WireInterview {
        household: v1.household,
        cycle: v1.cycle,
        village: v1.village,
        form_id: v1.form_id,
        form_version: v1.form_version,
        officer: v1.officer,
        status: v1.status,
        answers: WireAnswers {
            reference_date: Some(20_362),
            household: vec![
                (0, WireValue::Choice(0)),
                (3, WireValue::Int(6_000_000)),
                (7, WireValue::Decimal(36_500)),
                (12, WireValue::Choices(vec![0, 2])),
                (2, WireValue::Gps(22.6f64.to_bits(), 104.5f64.to_bits(), None)),
            ],
            members: vec![WireRow {
                values: vec![
                    (0, WireValue::Text("Vùi Văn Sình".into())),
                    (2, WireValue::Date(1984, 0, 0)),
                    (4, WireValue::Bool(true)),
                ],
                extra: Some("{\"clan\":1}".into()),
            }],
            extra: None,
        },
        comments: v1.comments,
        submitted_ms: v1.submitted_ms,
    }
}

fn header2() -> wire2::Header {
    wire2::Header {
        sender_device: [6; 16],
        sender_key: [0x11; 32],
        hlc_min: (1_790_000_000_000u64 << 16) | 3,
        hlc_span: (5 << 16) + 2,
        ranges: vec![wire2::Range { origin: [6; 16], first: 7, count: 4 }],
        compression: 1,
        ephemeral: [0x44; 32],
        wraps: vec![wire2::Wrap { key_id: [0x22; 8], key: [0x55; 32] }],
    }
}

fn body2() -> wire2::Body {
    use wire2::{Item, Payload, Run, Sig};
    wire2::Body {
        known: vec![SeqMark { origin: [6; 16], seq: 6 }],
        certificates: vec![vec![9, 9, 9]],
        runs: vec![Run {
            origin: [6; 16],
            first: 7,
            prev: Some([0x66; 32]),
            items: vec![
                Item {
                    hlc_step: 0,
                    base_back: 0,
                    actor: [4; 16],
                    entity: Some(Entity::Household([2; 16])),
                    op: Op::Upsert,
                    payload: Payload::Full(postcard::to_stdvec(&household()).unwrap()),
                    sig: Sig::Covered,
                },
                Item {
                    hlc_step: 5 << 16,
                    base_back: 1 << 16,
                    actor: [4; 16],
                    entity: Some(Entity::Interview([7; 16])),
                    op: Op::Act(2),
                    payload: Payload::Full(postcard::to_stdvec(&interview2()).unwrap()),
                    sig: Sig::Covered,
                },
                Item {
                    hlc_step: 1,
                    base_back: 1,
                    actor: [4; 16],
                    entity: None,
                    op: Op::Act(0),
                    payload: Payload::Answers(wire2::WireAnswers {
                        reference_date: None,
                        household: vec![(3, wire2::WireValue::Int(5_500_000))],
                        members: vec![],
                        extra: None,
                    }),
                    sig: Sig::Covered,
                },
                Item {
                    hlc_step: 1,
                    base_back: 1,
                    actor: [4; 16],
                    entity: None,
                    op: Op::Act(3),
                    payload: Payload::Review {
                        status: 3,
                        comments: vec![],
                        submitted_ms: Some(1_790_000_000_000),
                    },
                    sig: Sig::Chain(vec![0xCD; 64]),
                },
            ],
        }],
    }
}

/// The recipient's X25519 seed of the golden packet: a test key, public on purpose.
const RECIPIENT_SEED: [u8; 32] = [0x42; 32];

#[test]
fn the_golden_packet_still_parses_verifies_and_opens() {
    let path = dir().join("packet-v1.hex");
    if std::env::var_os("HEARTH_WRITE_VECTORS").is_some() {
        use hpke::{Kem, Serializable};
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&[0x24; 32]).unwrap();
        let (_, public) = hpke::kem::X25519HkdfSha256::derive_keypair(&RECIPIENT_SEED);
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&public.to_bytes());
        let mut h = header();
        h.sender_key.copy_from_slice(ring::signature::KeyPair::public_key(&pair).as_ref());
        let bytes = packet::v1::seal(h, &body(), &[pk], |m| pair.sign(m).as_ref().to_vec()).unwrap();
        std::fs::write(&path, hex(&bytes) + "\n").unwrap();
    }
    let bytes = unhex(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(&bytes[..5], b"HRTH\x01");
    let parsed = packet::parse(&bytes).unwrap();
    assert_eq!(parsed.packet_id, [8; 16]);
    assert_eq!(parsed.ranges, header().ranges);
    match parsed.open(&RECIPIENT_SEED).unwrap() {
        Opened::V1 { body: b, known } => {
            assert_eq!(b, body());
            assert_eq!(known, header().known);
        }
        Opened::V2(_) => panic!("a v1 packet opened as v2"),
    }
    assert!(parsed.open(&[0x43; 32]).is_err(), "another key does not open it");
}

#[test]
fn the_golden_v2_packet_still_parses_verifies_and_opens() {
    let path = dir().join("packet-v2.hex");
    if std::env::var_os("HEARTH_WRITE_VECTORS").is_some() {
        use hpke::{Kem, Serializable};
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&[0x24; 32]).unwrap();
        let (_, public) = hpke::kem::X25519HkdfSha256::derive_keypair(&RECIPIENT_SEED);
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&public.to_bytes());
        let mut h = header2();
        h.sender_key.copy_from_slice(ring::signature::KeyPair::public_key(&pair).as_ref());
        let bytes = packet::v2::seal(h, &body2(), &[pk], |m| pair.sign(m).as_ref().to_vec()).unwrap();
        std::fs::write(&path, hex(&bytes) + "\n").unwrap();
    }
    let bytes = unhex(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(&bytes[..5], b"HRTH\x02");
    let parsed = packet::parse(&bytes).unwrap();
    assert_eq!(parsed.ranges, vec![SeqRange { origin: [6; 16], first: 7, last: 10 }]);
    assert_eq!((parsed.hlc_min, parsed.hlc_max), (header2().hlc_min, header2().hlc_min + (5 << 16) + 2));
    assert_eq!(parsed.compression, 1, "the body is compressed");
    match parsed.open(&RECIPIENT_SEED).unwrap() {
        Opened::V2(b) => assert_eq!(b, body2()),
        Opened::V1 { .. } => panic!("a v2 packet opened as v1"),
    }
    assert!(parsed.open(&[0x43; 32]).is_err(), "another key does not open it");
    let mut flipped = bytes.clone();
    let at = flipped.len() - 100;
    flipped[at] ^= 1;
    assert!(packet::parse(&flipped).is_err(), "a flipped body byte breaks the signature");
}

#[test]
fn arbitrary_bytes_never_panic_the_decoder() {
    use proptest::prelude::*;
    let v1 = unhex(&std::fs::read_to_string(dir().join("packet-v1.hex")).unwrap());
    let v2 = unhex(&std::fs::read_to_string(dir().join("packet-v2.hex")).unwrap());
    proptest!(ProptestConfig::with_cases(2_000), |(second in any::<bool>(), cut in 0usize..4096, flips in proptest::collection::vec((0usize..4096, any::<u8>()), 0..4), junk in proptest::collection::vec(any::<u8>(), 0..256))| {
        let mut b = if second { v2.clone() } else { v1.clone() };
        for (at, x) in flips {
            let n = b.len();
            b[at % n] ^= x;
        }
        b.truncate(cut.min(b.len()));
        let _ = packet::parse(&b).and_then(|p| p.open(&RECIPIENT_SEED));
        let _ = packet::parse(&junk);
        let mut r = hearth_core::sync::frames::Reassembly::new();
        let _ = r.push(&junk);
    });
}
