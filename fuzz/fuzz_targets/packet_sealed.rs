//! Fuzz target: packets that are correctly sealed and signed, whatever they
//! hold. The input is a postcard header, then a postcard body, then control
//! bytes; the packet is made with the public `packet::seal` (signed by the
//! test sender, sealed to two test recipients), so it follows the wire format
//! of the build, whatever that is.
//!
//! Asserts: sealing works; the packet parses to the header sealed (with its
//! recipients and body hash filled in) and opens to the body for each
//! recipient, and for no one else; any one byte changed, a truncation or a
//! byte appended is refused; wraps swapped for arbitrary ones never open the
//! body to anything but itself and never panic.
#![no_main]

use hearth_core::sync::PacketError;
use hearth_core::sync::packet;
use hearth_core::sync::wire::{Body, Header, Wrap};
use hearth_fuzz::{
    RECIPIENT_SEED, SECOND_RECIPIENT_SEED, STRANGER_SEED, agreement_public, assert_postcard_round_trip,
    sender, sender_public,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((mut header, rest)) = postcard::take_from_bytes::<Header>(data) else { return };
    let Ok((body, control)) = postcard::take_from_bytes::<Body>(rest) else { return };
    assert_postcard_round_trip(&header, "a header");
    assert_postcard_round_trip(&body, "a body");

    header.sender_key = sender_public();
    let recipients = [agreement_public(&RECIPIENT_SEED), agreement_public(&SECOND_RECIPIENT_SEED)];
    let bytes = packet::seal(header.clone(), &body, &recipients, |m| sender().sign(m).as_ref().to_vec())
        .expect("any header and body can be sealed");

    let parsed = packet::parse(&bytes).expect("a sealed packet parses");
    let mut expected = header;
    expected.recipients = recipients.iter().map(packet::key_id).collect();
    expected.body_hash = parsed.header.body_hash;
    assert_eq!(parsed.header, expected, "the parsed header is not the one sealed");
    for seed in [RECIPIENT_SEED, SECOND_RECIPIENT_SEED] {
        assert!(parsed.open(&seed).ok() == Some(body.clone()), "a recipient does not get the body sealed");
    }
    assert_eq!(parsed.open(&STRANGER_SEED).err(), Some(PacketError::NotForUs));

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

    // Other wraps in a verified packet: a signed packet's wraps are whatever
    // its (certified or not) sender put there.
    if let Some(&mode) = control.get(3) {
        let mut wraps: Vec<Wrap> = match postcard::take_from_bytes::<Vec<Wrap>>(&control[4..]) {
            Ok((w, _)) => w,
            Err(_) => return,
        };
        if mode & 1 == 1 {
            // Aim every wrap at the first recipient, so opening gets past the key id.
            let id = packet::key_id(&recipients[0]);
            wraps.iter_mut().for_each(|w| w.key_id = id);
        }
        if mode & 2 == 2 {
            // Keep the real wraps too, after the fuzzed ones.
            wraps.extend(parsed.wraps.iter().cloned());
        }
        let mut forged = parsed.clone();
        forged.wraps = wraps;
        if let Ok(opened) = forged.open(&RECIPIENT_SEED) {
            assert!(opened == body, "a wrap opened the body to something else");
        }
    }
});
