//! Fuzz target: packets that are correctly sealed and signed, whatever they
//! hold. The input is a postcard wire v2 header, then a postcard v2 body,
//! then control bytes; the packet is made with the public `packet::v2::seal`
//! (signed by the test sender, sealed to two test recipients).
//!
//! Asserts: sealing works; a header whose clock span or ranges overflow (or
//! with an empty range) is refused on parsing as `Malformed`; any other
//! parses to the header sealed (its compression, ephemeral key and wraps
//! filled in, one wrap per recipient) with the version-independent fields
//! agreeing, and opens to the body for each recipient, and for no one else;
//! the body's runs rebuild with `chain::from_run` or are refused, never a
//! panic; any one byte changed, a truncation or a byte appended is refused.
#![no_main]

use hearth_core::sync::packet::{self, Opened};
use hearth_core::sync::{PacketError, chain, wire2};
use hearth_fuzz::{
    RECIPIENT_SEED, SECOND_RECIPIENT_SEED, STRANGER_SEED, agreement_public, assert_postcard_round_trip,
    sender, sender_public,
};
use libfuzzer_sys::fuzz_target;
use ring::digest::{SHA256, digest};

fuzz_target!(|data: &[u8]| {
    let Ok((mut header, rest)) = postcard::take_from_bytes::<wire2::Header>(data) else { return };
    let Ok((body, control)) = postcard::take_from_bytes::<wire2::Body>(rest) else { return };
    assert_postcard_round_trip(&header, "a header");
    assert_postcard_round_trip(&body, "a body");

    header.sender_key = sender_public();
    let recipients = [agreement_public(&RECIPIENT_SEED), agreement_public(&SECOND_RECIPIENT_SEED)];
    let bytes = packet::v2::seal(header.clone(), &body, &recipients, |m| sender().sign(m).as_ref().to_vec())
        .expect("any header and body can be sealed");

    // What `parse` derives from the header: the last clock and each range's last number.
    let hlc_max = header.hlc_min.checked_add(header.hlc_span);
    let ranges: Option<Vec<_>> = header
        .ranges
        .iter()
        .map(|r| Some((r.origin, r.first, r.first.checked_add(r.count.checked_sub(1)?)?)))
        .collect();
    let (Some(hlc_max), Some(ranges)) = (hlc_max, ranges) else {
        assert_eq!(
            packet::parse(&bytes).err(),
            Some(PacketError::Malformed),
            "a packet whose clock span or ranges overflow is not refused as malformed"
        );
        return;
    };

    let parsed = packet::parse(&bytes).expect("a sealed packet parses");
    let got = parsed.v2_header().expect("a v2 packet has a v2 header").clone();
    let mut expected = header;
    expected.compression = got.compression;
    expected.ephemeral = got.ephemeral;
    expected.wraps = got.wraps.clone();
    assert_eq!(got, expected, "the parsed header is not the one sealed");
    assert!(got.compression <= 1, "an unknown compression");
    let ids: Vec<_> = recipients.iter().map(packet::key_id).collect();
    assert_eq!(got.wraps.iter().map(|w| w.key_id).collect::<Vec<_>>(), ids, "a wrap per recipient, in order");
    assert_eq!(parsed.version, wire2::VERSION);
    assert_eq!(parsed.recipients, ids);
    assert_eq!(parsed.sender_device, got.sender_device);
    assert_eq!(parsed.sender_key, sender_public());
    assert_eq!(parsed.sender_user, None);
    assert_eq!((parsed.hlc_min, parsed.hlc_max), (got.hlc_min, hlc_max));
    assert_eq!(parsed.compression, got.compression);
    assert_eq!(
        parsed.ranges.iter().map(|r| (r.origin, r.first, r.last)).collect::<Vec<_>>(),
        ranges,
        "the parsed ranges are not the header's"
    );
    // The body hash is the SHA-256 of the sealed body: what lies between the
    // header and its length, and the signature.
    let head = 5 + postcard::to_stdvec(&got).expect("a header encodes").len();
    let (sealed_len, sealed) = postcard::take_from_bytes::<u64>(&bytes[head..]).expect("a body length");
    assert_eq!(sealed.len() as u64, sealed_len + 64, "the sealed body's length is not the one written");
    assert_eq!(parsed.body_hash[..], digest(&SHA256, &sealed[..sealed_len as usize]).as_ref()[..]);
    assert_eq!(packet::parse(&bytes).map(|p| p.packet_id).ok(), Some(parsed.packet_id), "the id changed");

    for seed in [RECIPIENT_SEED, SECOND_RECIPIENT_SEED] {
        match parsed.open(&seed) {
            Ok(Opened::V2(opened)) => assert!(opened == body, "a recipient does not get the body sealed"),
            Ok(Opened::V1 { .. }) => panic!("a v2 packet opened as v1"),
            Err(e) => panic!("a recipient cannot open the packet: {e}"),
        }
    }
    assert_eq!(parsed.open(&STRANGER_SEED).err(), Some(PacketError::NotForUs));

    // The runs a recipient would import: rebuilt or refused, never a panic.
    for run in &body.runs {
        if let Ok(changes) = chain::from_run(run, parsed.hlc_min, parsed.hlc_max, [0; 32]) {
            assert_eq!(changes.len(), run.items.len(), "a run rebuilt to another number of changes");
            let _ = chain::verify(&changes, |_| Some(sender_public()));
        }
    }

    // Damage: one byte changed, the packet cut short, a byte appended.
    let at =
        control.first().map_or(0, |&b| usize::from(b)) * 257 + control.get(1).map_or(0, |&b| usize::from(b));
    let at = at % bytes.len();
    let flip = control.get(2).copied().filter(|&x| x != 0).unwrap_or(1);
    let mut damaged = bytes.clone();
    damaged[at] ^= flip;
    assert!(packet::parse(&damaged).is_err(), "a packet with byte {at} changed is accepted");
    assert!(packet::parse(&bytes[..at]).is_err(), "a packet cut to {at} bytes is accepted");
    let mut longer = bytes.clone();
    longer.push(flip);
    assert!(packet::parse(&longer).is_err(), "a packet with a byte appended is accepted");
});
