//! Frames: a packet cut into pieces small enough for a QR code (~2 KB) or a
//! BLE write (a few hundred bytes), reassembled in any order.
//!
//! ```text
//! "HF" ‖ version(1) ‖ packet id(8) ‖ index(u16be) ‖ count(u16be) ‖ payload
//! ```
//!
//! The packet id is the first 8 bytes of SHA-256 over the whole packet, so a
//! frame of another packet is refused and a reassembled packet is checked
//! before it is handed on. A receiver reports which frames are missing and
//! acknowledges the longest run received from the start; a sender resumes
//! from there.

use std::collections::BTreeMap;

use ring::digest::{SHA256, digest};

/// Bytes each frame adds to its payload.
pub const FRAME_OVERHEAD: usize = 15;
const MAGIC: [u8; 2] = *b"HF";
/// The largest payload a frame may carry (a reassembly holds at most
/// 65,535 of them).
pub const MAX_FRAME_PAYLOAD: usize = 64 * 1024;
const VERSION: u8 = 1;

/// Why a frame was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("not a frame")]
    Malformed,
    #[error("the frame belongs to another packet")]
    OtherPacket,
    #[error("frames of size {0} are too small")]
    TooSmall(usize),
    #[error("the packet needs more than 65535 frames")]
    TooManyFrames,
    #[error("the reassembled packet does not match its id")]
    Corrupt,
}

fn packet_id(packet: &[u8]) -> [u8; 8] {
    let mut id = [0u8; 8];
    id.copy_from_slice(&digest(&SHA256, packet).as_ref()[..8]);
    id
}

/// Cuts `packet` into frames of at most `frame_size` bytes, starting at frame
/// `from` (0 for all; the receiver's acknowledgement to resume).
pub fn cut(packet: &[u8], frame_size: usize, from: u16) -> Result<Vec<Vec<u8>>, FrameError> {
    if frame_size <= FRAME_OVERHEAD {
        return Err(FrameError::TooSmall(frame_size));
    }
    let room = (frame_size - FRAME_OVERHEAD).min(MAX_FRAME_PAYLOAD);
    let count = packet.len().div_ceil(room).max(1);
    let count = u16::try_from(count).map_err(|_| FrameError::TooManyFrames)?;
    let id = packet_id(packet);
    let mut frames = Vec::new();
    for index in from..count {
        let start = index as usize * room;
        let chunk = &packet[start..(start + room).min(packet.len())];
        let mut f = Vec::with_capacity(FRAME_OVERHEAD + chunk.len());
        f.extend_from_slice(&MAGIC);
        f.push(VERSION);
        f.extend_from_slice(&id);
        f.extend_from_slice(&index.to_be_bytes());
        f.extend_from_slice(&count.to_be_bytes());
        f.extend_from_slice(chunk);
        frames.push(f);
    }
    Ok(frames)
}

/// Collects frames of one packet in any order.
#[derive(Debug, Default)]
pub struct Reassembly {
    id: Option<[u8; 8]>,
    count: u16,
    frames: BTreeMap<u16, Vec<u8>>,
}

impl Reassembly {
    /// An empty reassembly.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a frame (duplicates are ignored). Returns the packet once every
    /// frame is in and it matches its id.
    pub fn push(&mut self, frame: &[u8]) -> Result<Option<Vec<u8>>, FrameError> {
        if frame.len() < FRAME_OVERHEAD || frame[..2] != MAGIC || frame[2] != VERSION {
            return Err(FrameError::Malformed);
        }
        let mut id = [0u8; 8];
        id.copy_from_slice(&frame[3..11]);
        let index = u16::from_be_bytes([frame[11], frame[12]]);
        let count = u16::from_be_bytes([frame[13], frame[14]]);
        if count == 0 || index >= count {
            return Err(FrameError::Malformed);
        }
        match self.id {
            Some(known) if known != id || self.count != count => return Err(FrameError::OtherPacket),
            Some(_) => {}
            None => {
                self.id = Some(id);
                self.count = count;
            }
        }
        if frame.len() - FRAME_OVERHEAD > MAX_FRAME_PAYLOAD {
            return Err(FrameError::Malformed);
        }
        self.frames.entry(index).or_insert_with(|| frame[FRAME_OVERHEAD..].to_vec());
        if self.frames.len() < usize::from(self.count) {
            return Ok(None);
        }
        let packet: Vec<u8> = self.frames.values().flatten().copied().collect();
        if Some(packet_id(&packet)) != self.id {
            // A damaged frame: start over, so every frame is asked for again.
            self.frames.clear();
            return Err(FrameError::Corrupt);
        }
        Ok(Some(packet))
    }

    /// Frame indexes not yet received (empty before the first frame).
    pub fn missing(&self) -> Vec<u16> {
        (0..self.count).filter(|i| !self.frames.contains_key(i)).collect()
    }

    /// How many frames from the start are in: the sender resumes from here.
    pub fn acknowledged(&self) -> u16 {
        (0..self.count).take_while(|i| self.frames.contains_key(i)).count() as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 % 256) as u8).collect()
    }

    #[test]
    fn frames_reassemble_in_any_order_with_duplicates() {
        let p = packet(5_000);
        let mut frames = cut(&p, 300, 0).unwrap();
        assert!(frames.iter().all(|f| f.len() <= 300));
        frames.reverse();
        frames.push(frames[3].clone());
        let mut r = Reassembly::new();
        let mut done = None;
        for f in &frames {
            if let Some(out) = r.push(f).unwrap() {
                done = Some(out);
            }
        }
        assert_eq!(done.unwrap(), p);
    }

    #[test]
    fn missing_frames_are_reported_and_resumed_from_the_acknowledgement() {
        let p = packet(2_000);
        let frames = cut(&p, 215, 0).unwrap();
        assert_eq!(frames.len(), 10);
        let mut r = Reassembly::new();
        for i in [0, 1, 2, 5, 7] {
            assert_eq!(r.push(&frames[i]).unwrap(), None);
        }
        assert_eq!(r.missing(), vec![3, 4, 6, 8, 9]);
        assert_eq!(r.acknowledged(), 3);
        let resumed = cut(&p, 215, r.acknowledged()).unwrap();
        assert_eq!(resumed.len(), 7);
        let mut out = None;
        for f in &resumed {
            out = r.push(f).unwrap().or(out);
        }
        assert_eq!(out.unwrap(), p);
    }

    #[test]
    fn foreign_corrupt_and_malformed_frames_are_refused() {
        let a = cut(&packet(1_000), 200, 0).unwrap();
        let b = cut(&packet(1_001), 200, 0).unwrap();
        let mut r = Reassembly::new();
        r.push(&a[0]).unwrap();
        assert_eq!(r.push(&b[1]), Err(FrameError::OtherPacket));
        assert_eq!(r.push(b"HF"), Err(FrameError::Malformed));
        let mut bad = a[1].clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let mut r2 = Reassembly::new();
        for f in a.iter().take(a.len() - 1).skip(2) {
            r2.push(f).unwrap();
        }
        r2.push(&a[0]).unwrap();
        r2.push(&a[a.len() - 1]).unwrap();
        assert_eq!(r2.push(&bad), Err(FrameError::Corrupt));
        // The reassembly starts over: every frame is missing again, and a good set completes it.
        assert_eq!(r2.missing().len(), a.len());
        let mut done = None;
        for f in &a {
            done = r2.push(f).unwrap().or(done);
        }
        assert!(done.is_some());
        assert_eq!(cut(&[1, 2, 3], 15, 0), Err(FrameError::TooSmall(15)));
    }
}
