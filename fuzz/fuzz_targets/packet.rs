//! Fuzz target: the packet decoder on arbitrary bytes — `packet::parse`
//! (magic, version, lengths, header, signature, body hash, wraps) and then
//! `Parsed::open` with a fixed recipient key — and the postcard decoders of
//! every wire type a packet carries.
//!
//! Asserts: nothing panics; parsing is deterministic; whatever decodes
//! (a header, its wraps, an opened body, a wire record) re-encodes to bytes
//! that decode to the same value.
#![no_main]

use hearth_core::sync::packet;
use hearth_core::sync::wire::{Body, Entity, Header, Op, WireCycle, WireHousehold, WireInterview, Wrap};
use hearth_fuzz::{RECIPIENT_SEED, assert_postcard_round_trip};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = packet::parse(data);
    assert_eq!(
        parsed.as_ref().err(),
        packet::parse(data).as_ref().err(),
        "parsing the same bytes twice gives another answer"
    );
    if let Ok(parsed) = parsed {
        assert_postcard_round_trip(&parsed.header, "a parsed header");
        assert_postcard_round_trip(&parsed.wraps, "parsed wraps");
        if let Ok(body) = parsed.open(&RECIPIENT_SEED) {
            assert_postcard_round_trip(&body, "an opened body");
            for change in &body.changes {
                // The bytes a change's signature is checked over always exist.
                assert!(!change.signed_bytes().is_empty(), "a change has no signed bytes");
            }
        }
    }

    // The same bytes as each record type the sync path decodes.
    fn record<T>(data: &[u8], what: &str)
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        if let Ok(value) = postcard::from_bytes::<T>(data) {
            assert_postcard_round_trip(&value, what);
        }
    }
    record::<Header>(data, "a header");
    record::<Vec<Wrap>>(data, "wraps");
    record::<Body>(data, "a body");
    record::<WireHousehold>(data, "a household record");
    record::<WireInterview>(data, "an interview record");
    record::<WireCycle>(data, "a cycle record");
    record::<Entity>(data, "an entity");
    record::<Op>(data, "an op");
});
