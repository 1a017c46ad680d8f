//! Packets: sealing, signing, parsing and opening.
//!
//! This build writes wire v2 ([`v2`]) and reads v1 and v2. [`parse`] checks
//! magic, version, structure and the sender's signature before anything
//! else is believed, and gives one [`Parsed`] whatever the version;
//! [`Parsed::open`] unseals the body for a recipient.

pub mod v1;
pub mod v2;

use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

use super::wire::{self, KeyId, MAGIC, SeqMark};
use super::wire2;

/// Why a packet was refused. Nothing is applied from a refused packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    #[error("not a Hearth packet")]
    BadMagic,
    #[error("wire version {0} is not supported")]
    UnsupportedVersion(u8),
    #[error("the packet is truncated")]
    Truncated,
    #[error("the packet does not decode")]
    Malformed,
    #[error("the packet's signature does not verify")]
    BadSignature,
    #[error("the packet's body does not match its header")]
    BodyMismatch,
    #[error("the packet is not addressed to this user")]
    NotForUs,
    #[error("the packet's body does not open")]
    CannotOpen,
    #[error("the packet's sender is not known or not certified")]
    UnknownSender,
    #[error("a change in the packet is not signed by its actor")]
    BadChange,
    #[error("the packet's clock is too far ahead")]
    FromTheFuture,
    #[error("the packet was already imported")]
    Replayed,
}

pub(crate) const SIGNATURE_LEN: usize = 64;

/// The id of a recipient's X25519 key: the first 8 bytes of its SHA-256.
pub fn key_id(agreement_key: &[u8; 32]) -> KeyId {
    let mut id = [0u8; 8];
    id.copy_from_slice(&digest(&SHA256, agreement_key).as_ref()[..8]);
    id
}

/// A packet whose structure and signature have been checked; its body is
/// still sealed. The fields are the header's, whatever the wire version.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub version: u8,
    /// v1: the header's packet id; v2: the first 16 bytes of the SHA-256 of
    /// the signed message, so the same packet always has the same id.
    pub packet_id: [u8; 16],
    pub sender_device: [u8; 16],
    pub sender_key: [u8; 32],
    /// v1 names the sender's user; from v2 the certificate of `sender_key` does.
    pub sender_user: Option<[u8; 16]>,
    pub recipients: Vec<KeyId>,
    pub hlc_min: u64,
    pub hlc_max: u64,
    /// Per origin: first and last sequence number inside.
    pub ranges: Vec<wire::SeqRange>,
    pub compression: u8,
    /// SHA-256 of the sealed body.
    pub body_hash: [u8; 32],
    inner: Inner,
}

#[derive(Debug, Clone)]
enum Inner {
    V1(v1::Parsed),
    V2(v2::Parsed),
}

/// A packet's opened body.
#[derive(Debug)]
pub enum Opened {
    /// v1: the acknowledgements travelled in the header.
    V1 {
        known: Vec<SeqMark>,
        body: wire::Body,
    },
    V2(wire2::Body),
}

impl Opened {
    /// What the sender holds, per origin.
    pub fn known(&self) -> &[SeqMark] {
        match self {
            Opened::V1 { known, .. } => known,
            Opened::V2(b) => &b.known,
        }
    }

    pub fn certificates(&self) -> &[Vec<u8>] {
        match self {
            Opened::V1 { body, .. } => &body.certificates,
            Opened::V2(b) => &b.certificates,
        }
    }

    /// How many changes are inside.
    pub fn change_count(&self) -> usize {
        match self {
            Opened::V1 { body, .. } => body.changes.len(),
            Opened::V2(b) => b.runs.iter().map(|r| r.items.len()).sum(),
        }
    }

    /// The entity of every change inside, in packet order.
    pub fn entities(&self) -> Vec<wire::Entity> {
        match self {
            Opened::V1 { body, .. } => body.changes.iter().map(|c| c.entity).collect(),
            Opened::V2(b) => b
                .runs
                .iter()
                .flat_map(|r| {
                    r.items.iter().scan(None, |last, i| {
                        *last = i.entity.or(*last);
                        Some(*last)
                    })
                })
                .flatten()
                .collect(),
        }
    }
}

/// Parses and verifies a packet of any supported version.
pub fn parse(bytes: &[u8]) -> Result<Parsed, PacketError> {
    if bytes.len() < 5 {
        return Err(if bytes.len() >= 4 && bytes[..4] != MAGIC {
            PacketError::BadMagic
        } else {
            PacketError::Truncated
        });
    }
    if bytes[..4] != MAGIC {
        return Err(PacketError::BadMagic);
    }
    match bytes[4] {
        wire::VERSION => {
            let p = v1::parse(bytes)?;
            let h = &p.header;
            Ok(Parsed {
                version: wire::VERSION,
                packet_id: h.packet_id,
                sender_device: h.sender_device,
                sender_key: h.sender_key,
                sender_user: Some(h.sender_user),
                recipients: h.recipients.clone(),
                hlc_min: h.hlc_min,
                hlc_max: h.hlc_max,
                ranges: h.ranges.clone(),
                compression: h.compression,
                body_hash: h.body_hash,
                inner: Inner::V1(p),
            })
        }
        wire2::VERSION => v2::parse(bytes).map(|(p, fields)| Parsed { inner: Inner::V2(p), ..fields }),
        v => Err(PacketError::UnsupportedVersion(v)),
    }
}

impl Parsed {
    /// Opens the body with a recipient's X25519 seed.
    pub fn open(&self, agreement_seed: &[u8]) -> Result<Opened, PacketError> {
        match &self.inner {
            Inner::V1(p) => Ok(Opened::V1 { known: p.header.known.clone(), body: p.open(agreement_seed)? }),
            Inner::V2(p) => p.open(agreement_seed).map(Opened::V2),
        }
    }

    /// The v2 header, for tools that show it whole.
    pub fn v2_header(&self) -> Option<&wire2::Header> {
        match &self.inner {
            Inner::V2(p) => Some(&p.header),
            Inner::V1(_) => None,
        }
    }
}

/// Randomness for HPKE encapsulation, drawn from the system up front so a
/// failing source is an error, never weak keys. Cloned, it yields the same
/// bytes again: that is how one ephemeral key serves every recipient.
#[derive(Clone)]
pub(crate) struct PrefilledRng {
    buf: [u8; 128],
    used: usize,
    exhausted: bool,
}

impl PrefilledRng {
    pub(crate) fn new() -> Result<Self, crate::Error> {
        let mut buf = [0u8; 128];
        SystemRandom::new().fill(&mut buf).map_err(|_| crate::Error::Crypto("random"))?;
        Ok(PrefilledRng { buf, used: 0, exhausted: false })
    }

    pub(crate) fn check(&self) -> Result<(), crate::Error> {
        if self.exhausted { Err(crate::Error::Crypto("random")) } else { Ok(()) }
    }
}

impl Drop for PrefilledRng {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

impl hpke::rand_core::RngCore for PrefilledRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let end = self.used + dest.len();
        if end > self.buf.len() {
            self.exhausted = true;
            dest.fill(0);
            return;
        }
        dest.copy_from_slice(&self.buf[self.used..end]);
        self.used = end;
    }
}

impl hpke::rand_core::CryptoRng for PrefilledRng {}
