//! Fuzz target: frame reassembly. The input picks a frame size and a script
//! of pushes, and carries the packet to send; the packet is cut with
//! `frames::cut` and the script feeds a `Reassembly` good frames in any order
//! and with duplicates, damaged frames and frames of another packet. The
//! same input is then also fed, piece by piece, as raw frames.
//!
//! Asserts, against a model of what the receiver holds: frames fit the size
//! and carry the packet; each push gives the expected answer (waiting, the
//! packet, another packet's frame refused, a damaged set refused and started
//! over); `missing` and `acknowledged` say what is held; resuming from the
//! acknowledgement then completes the packet. For raw frames: no panic, and
//! `missing` / `acknowledged` stay consistent.
#![no_main]

use std::collections::BTreeSet;

use hearth_core::sync::frames::{FRAME_OVERHEAD, FrameError, MAX_FRAME_PAYLOAD, Reassembly, cut};
use libfuzzer_sys::fuzz_target;

/// What the receiver should hold.
#[derive(Default)]
struct Model {
    /// Which packet the reassembly took up: ours (false) or the other (true).
    owner: Option<bool>,
    good: BTreeSet<u16>,
    damaged: BTreeSet<u16>,
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let size = FRAME_OVERHEAD + 1 + usize::from(u16::from_le_bytes([data[0], data[1]])) % 700;
    let script_len = usize::from(data[2]).min(data.len() - 3);
    let (script, packet) = data[3..].split_at(script_len);
    scripted(size, script, packet);
    raw(data);
});

fn scripted(size: usize, script: &[u8], packet: &[u8]) {
    let frames = cut(packet, size, 0).expect("a fuzz input fits in 65535 frames");
    let count = frames.len();
    assert!(count >= 1 && frames.iter().all(|f| f.len() <= size), "frames do not fit the size");
    let carried: Vec<u8> = frames.iter().flat_map(|f| f[FRAME_OVERHEAD..].iter().copied()).collect();
    assert_eq!(carried, packet, "the frames do not carry the packet");
    // Another packet (one byte longer): its frames have another id.
    let mut other_packet = packet.to_vec();
    other_packet.push(0);
    let other = cut(&other_packet, size, 0).expect("a fuzz input fits in 65535 frames");

    let mut r = Reassembly::new();
    let mut m = Model::default();
    for &op in script {
        let index = usize::from(op & 0x3f) % count;
        let i = index as u16;
        match op >> 6 {
            0 | 1 => {
                let got = r.push(&frames[index]);
                expect_push(&mut m, got, i, false, count, packet, "a good frame");
            }
            2 => {
                let mut bad = frames[index].clone();
                if bad.len() == FRAME_OVERHEAD {
                    continue; // nothing to damage in an empty payload
                }
                let last = bad.len() - 1;
                bad[last] ^= 0x5a;
                let got = r.push(&bad);
                expect_push(&mut m, got, i, true, count, packet, "a damaged frame");
            }
            _ => {
                let j = index % other.len();
                let got = r.push(&other[j]);
                match m.owner {
                    Some(false) => assert_eq!(got, Err(FrameError::OtherPacket), "a foreign frame"),
                    _ => {
                        // The reassembly takes up (or is already on) the other packet.
                        m.owner = Some(true);
                        assert!(got.is_ok(), "a frame of the packet being reassembled is refused");
                    }
                }
            }
        }
        if count <= 64 {
            check_progress(&r, &m, count);
        }
    }
    check_progress(&r, &m, count);

    if m.owner == Some(true) {
        // Frames of our packet are refused from now on.
        assert_eq!(r.push(&frames[0]), Err(FrameError::OtherPacket));
        return;
    }
    // Resume as a sender would: from the acknowledgement, then what is still missing.
    let ack = r.acknowledged();
    let resumed = cut(packet, size, ack).expect("cuts as before");
    assert_eq!(resumed.len(), count - usize::from(ack), "resuming sends the wrong number of frames");
    let mut done = None;
    for f in resumed.iter().chain(r.missing().iter().map(|&i| &frames[usize::from(i)])) {
        match r.push(f) {
            Ok(Some(p)) => done = Some(p),
            Ok(None) => {}
            Err(FrameError::Corrupt) => {
                // A damaged frame was still held: everything is asked for again.
                assert!(!m.damaged.is_empty(), "a good set was called corrupt");
                m.damaged.clear();
                m.good.clear();
                done = None;
                break;
            }
            Err(e) => panic!("resuming: {e}"),
        }
    }
    if done.is_none() {
        for f in &frames {
            done = r.push(f).expect("a clean set of good frames is accepted").or(done);
        }
    }
    assert_eq!(done.as_deref(), Some(packet), "resuming does not give the packet back");
    assert!(r.missing().is_empty() && usize::from(r.acknowledged()) == count);
}

fn expect_push(
    m: &mut Model,
    got: Result<Option<Vec<u8>>, FrameError>,
    i: u16,
    damaged: bool,
    count: usize,
    packet: &[u8],
    what: &str,
) {
    if m.owner == Some(true) {
        assert_eq!(got, Err(FrameError::OtherPacket), "{what} of another packet");
        return;
    }
    m.owner = Some(false);
    if !m.good.contains(&i) && !m.damaged.contains(&i) {
        if damaged {
            m.damaged.insert(i);
        } else {
            m.good.insert(i);
        }
    }
    let complete = m.good.len() + m.damaged.len() == count;
    match got {
        Ok(None) => assert!(!complete, "{what}: the set is complete but nothing came out"),
        Ok(Some(p)) => {
            assert!(complete && m.damaged.is_empty(), "{what}: a packet came out of an incomplete set");
            assert_eq!(p, packet, "{what}: another packet came out");
        }
        Err(FrameError::Corrupt) => {
            assert!(complete && !m.damaged.is_empty(), "{what}: a good set was called corrupt");
            m.good.clear();
            m.damaged.clear();
        }
        Err(e) => panic!("{what}: refused with {e}"),
    }
}

fn check_progress(r: &Reassembly, m: &Model, count: usize) {
    if m.owner != Some(false) {
        return;
    }
    let held: BTreeSet<u16> = m.good.union(&m.damaged).copied().collect();
    let missing: Vec<u16> = (0..count as u16).filter(|i| !held.contains(i)).collect();
    assert_eq!(r.missing(), missing, "missing frames are misreported");
    let ack = (0..count as u16).take_while(|i| held.contains(i)).count();
    assert_eq!(usize::from(r.acknowledged()), ack, "the acknowledgement is wrong");
}

/// The input as raw frames: each piece is a length byte and that many bytes.
fn raw(mut data: &[u8]) {
    let mut r = Reassembly::new();
    while let Some((&len, rest)) = data.split_first() {
        let (frame, tail) = rest.split_at(usize::from(len).min(rest.len()));
        data = tail;
        if let Ok(Some(packet)) = r.push(frame) {
            // It matches the id its frames carried: cutting it again gives the same id.
            let again = cut(&packet, FRAME_OVERHEAD + MAX_FRAME_PAYLOAD, 0).expect("fits");
            assert_eq!(again[0][3..11], frame[3..11], "the packet does not match its frames' id");
            assert!(r.missing().is_empty(), "a packet came out with frames missing");
        }
    }
    // A frame may announce up to 65535 frames: ask once, at the end.
    let missing = r.missing();
    assert!(missing.windows(2).all(|w| w[0] < w[1]), "missing frames out of order");
    let ack = r.acknowledged();
    assert!(missing.first().is_none_or(|&first| first == ack), "the acknowledgement is not the first gap");
}
