//! Fuzz target: the packet decoder on arbitrary bytes — `packet::parse`
//! (magic, version, header, lengths, signature; wire v1 and v2) and then
//! `Parsed::open` with a fixed recipient key — the postcard decoders of every
//! wire record a packet carries, v1 and v2, and `chain::from_run` on the runs
//! of a v2 body.
//!
//! Asserts: nothing panics; parsing is deterministic; the version-independent
//! fields agree with the v2 header; whatever decodes (a header, an opened
//! body, a wire record) re-encodes to bytes that decode to the same value;
//! `chain::from_run` and `chain::verify` answer Ok or an error, and a run
//! that rebuilds gives one change per item, numbered from the run's first.
#![no_main]

use hearth_core::sync::packet::{self, Opened};
use hearth_core::sync::{chain, wire, wire2};
use hearth_fuzz::{RECIPIENT_SEED, assert_postcard_round_trip, sender_public};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = packet::parse(data);
    let again = packet::parse(data);
    assert_eq!(
        parsed.as_ref().err(),
        again.as_ref().err(),
        "parsing the same bytes twice gives another answer"
    );
    if let (Ok(parsed), Ok(again)) = (parsed, again) {
        assert_eq!(
            (parsed.packet_id, parsed.body_hash, &parsed.ranges, &parsed.recipients),
            (again.packet_id, again.body_hash, &again.ranges, &again.recipients),
            "parsing the same bytes twice gives other fields"
        );
        assert!(parsed.hlc_min <= parsed.hlc_max, "a parsed packet's clock range is empty");
        assert!(parsed.ranges.iter().all(|r| r.first <= r.last), "a parsed range is empty");
        match parsed.v2_header() {
            Some(h) => {
                assert_eq!(parsed.version, wire2::VERSION);
                assert_postcard_round_trip(h, "a parsed v2 header");
                assert_eq!(parsed.sender_user, None, "a v2 header names a user");
                assert_eq!(parsed.sender_key, h.sender_key);
                assert_eq!(parsed.sender_device, h.sender_device);
                assert_eq!(parsed.hlc_min, h.hlc_min);
                assert_eq!(Some(parsed.hlc_max), h.hlc_min.checked_add(h.hlc_span));
                assert_eq!(parsed.compression, h.compression);
                assert_eq!(parsed.recipients, h.wraps.iter().map(|w| w.key_id).collect::<Vec<_>>());
                assert_eq!(parsed.ranges.len(), h.ranges.len());
            }
            None => {
                assert_eq!(parsed.version, wire::VERSION);
                assert!(parsed.sender_user.is_some(), "a v1 header names no user");
            }
        }
        match parsed.open(&RECIPIENT_SEED) {
            Ok(Opened::V1 { known, body }) => {
                assert_eq!(parsed.version, wire::VERSION, "a v2 packet opened as v1");
                assert_postcard_round_trip(&known, "the acknowledgements of a v1 header");
                assert_postcard_round_trip(&body, "an opened v1 body");
                for change in &body.changes {
                    // The bytes a change's signature is checked over always exist.
                    assert!(!change.signed_bytes().is_empty(), "a change has no signed bytes");
                }
            }
            Ok(Opened::V2(body)) => {
                assert_eq!(parsed.version, wire2::VERSION, "a v1 packet opened as v2");
                assert_postcard_round_trip(&body, "an opened v2 body");
                runs(&body, parsed.hlc_min, parsed.hlc_max);
            }
            Err(_) => {}
        }
    }

    // The same bytes as each record type the sync path decodes.
    fn record<T>(data: &[u8], what: &str) -> Option<T>
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let value = postcard::from_bytes::<T>(data).ok()?;
        assert_postcard_round_trip(&value, what);
        Some(value)
    }
    // Wire v1, still read.
    record::<wire::Header>(data, "a v1 header");
    record::<Vec<wire::Wrap>>(data, "v1 wraps");
    record::<wire::Body>(data, "a v1 body");
    record::<wire::WireHousehold>(data, "a household record");
    record::<wire::WireInterview>(data, "a v1 interview record");
    record::<wire::WireCycle>(data, "a cycle record");
    record::<wire::Entity>(data, "an entity");
    record::<wire::Op>(data, "an op");
    // Wire v2, written.
    record::<wire2::Header>(data, "a v2 header");
    record::<wire2::WireInterview>(data, "a v2 interview record");
    record::<wire2::WireAssignment>(data, "an assignment record");
    record::<wire2::Payload>(data, "a payload");
    if let Some(body) = record::<wire2::Body>(data, "a v2 body") {
        // A body that decodes but was never sealed: its runs are what a
        // certified sender could put in a packet, over the widest clock range.
        runs(&body, 0, u64::MAX);
    }
});

/// `chain::from_run` on every run of a v2 body, with no link before it, then
/// `chain::verify` on what it rebuilt.
fn runs(body: &wire2::Body, hlc_min: u64, hlc_max: u64) {
    for run in &body.runs {
        let Ok(changes) = chain::from_run(run, hlc_min, hlc_max, [0; 32]) else { continue };
        assert_eq!(changes.len(), run.items.len(), "a run rebuilt to another number of changes");
        for (i, l) in changes.iter().enumerate() {
            let c = &l.change;
            assert_eq!((c.origin, c.seq), (run.origin, run.first + i as u64), "a change is misnumbered");
            assert!((hlc_min..=hlc_max).contains(&c.hlc), "a change's clock is outside the range");
            assert!(c.base_hlc <= c.hlc, "a change's base is after it");
        }
        let _ = chain::verify(&changes, |_| Some(sender_public()));
    }
}
