//! Packets: sealing, signing, parsing and opening.
//!
//! ```text
//! "HRTH" ‖ version(1) ‖ u32le len ‖ header ‖ u32le len ‖ wraps ‖ u32le len ‖ sealed body ‖ signature(64)
//! ```
//!
//! The body is sealed once with a fresh content key (ChaCha20-Poly1305, the
//! header bytes as associated data); the content key is sealed to each
//! recipient with HPKE (RFC 9180: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! ChaCha20-Poly1305, base mode); the sender's Ed25519 signature covers every
//! byte before it. Parsing checks magic, version, lengths, signature and body
//! hash before anything else is believed.

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use ring::aead::{self, LessSafeKey, Nonce, UnboundKey};
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ED25519, UnparsedPublicKey};
use zeroize::Zeroizing;

use super::wire::{Body, Header, KeyId, MAGIC, VERSION, Wrap};

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

const SIGNATURE_LEN: usize = 64;
const NONCE_LEN: usize = 12;

/// The id of a recipient's X25519 key.
pub fn key_id(agreement_key: &[u8; 32]) -> KeyId {
    let mut id = [0u8; 8];
    id.copy_from_slice(&digest(&SHA256, agreement_key).as_ref()[..8]);
    id
}

/// Seals and signs a packet. `header.body_hash` and `header.recipients` are
/// filled in here.
pub fn seal(
    mut header: Header,
    body: &Body,
    recipients: &[[u8; 32]],
    sign: impl Fn(&[u8]) -> Vec<u8>,
) -> Result<Vec<u8>, crate::Error> {
    let rng = SystemRandom::new();
    let mut content_key = Zeroizing::new([0u8; 32]);
    rng.fill(&mut content_key[..]).map_err(|_| crate::Error::Crypto("random"))?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce).map_err(|_| crate::Error::Crypto("random"))?;
    let plain = Zeroizing::new(postcard::to_stdvec(body).map_err(|_| crate::Error::Crypto("encode body"))?);

    header.recipients = recipients.iter().map(key_id).collect();
    // The body hash covers the sealed body, which depends on the header:
    // seal under the header with a zero hash, then fill the hash in.
    header.body_hash = [0u8; 32];
    let aad = postcard::to_stdvec(&header).map_err(|_| crate::Error::Crypto("encode header"))?;
    let key = LessSafeKey::new(UnboundKey::new(&aead::CHACHA20_POLY1305, &content_key[..])?);
    let mut sealed = nonce.to_vec();
    let mut ct = plain.to_vec();
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), aead::Aad::from(&aad[..]), &mut ct)?;
    sealed.extend_from_slice(&ct);
    header.body_hash.copy_from_slice(digest(&SHA256, &sealed).as_ref());

    let info = info(&header.packet_id);
    let mut wraps = Vec::with_capacity(recipients.len());
    for pk in recipients {
        let public = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(pk)
            .map_err(|_| crate::Error::Crypto("recipient key"))?;
        let mut hrng = PrefilledRng::new()?;
        let id = key_id(pk);
        let (enc, sealed_key) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256, _>(
            &OpModeS::Base,
            &public,
            &info,
            &content_key[..],
            &id,
            &mut hrng,
        )
        .map_err(|_| crate::Error::Crypto("hpke seal"))?;
        hrng.check()?;
        let mut e = [0u8; 32];
        e.copy_from_slice(&enc.to_bytes());
        wraps.push(Wrap { key_id: id, enc: e, sealed_key });
    }

    let header_bytes = postcard::to_stdvec(&header).map_err(|_| crate::Error::Crypto("encode header"))?;
    let wrap_bytes = postcard::to_stdvec(&wraps).map_err(|_| crate::Error::Crypto("encode wraps"))?;
    let mut out = Vec::with_capacity(header_bytes.len() + wrap_bytes.len() + sealed.len() + 80);
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    for part in [&header_bytes, &wrap_bytes, &sealed] {
        out.extend_from_slice(&(part.len() as u32).to_le_bytes());
        out.extend_from_slice(part);
    }
    let signature = sign(&out);
    out.extend_from_slice(&signature);
    Ok(out)
}

fn info(packet_id: &[u8; 16]) -> Vec<u8> {
    let mut i = b"hearth/packet/v1\0".to_vec();
    i.extend_from_slice(packet_id);
    i
}

/// A packet whose signature and body hash have been checked.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub header: Header,
    pub wraps: Vec<Wrap>,
    header_bytes_for_aad: Vec<u8>,
    sealed: Vec<u8>,
}

/// Parses and verifies a packet's structure and signature. The body stays sealed.
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
    if bytes[4] != VERSION {
        return Err(PacketError::UnsupportedVersion(bytes[4]));
    }
    let mut at = 5;
    let mut part = || -> Result<&[u8], PacketError> {
        let len_bytes: [u8; 4] = bytes
            .get(at..at + 4)
            .ok_or(PacketError::Truncated)?
            .try_into()
            .map_err(|_| PacketError::Truncated)?;
        let len = u32::from_le_bytes(len_bytes) as usize;
        let end = at.checked_add(4).and_then(|s| s.checked_add(len)).ok_or(PacketError::Truncated)?;
        let p = bytes.get(at + 4..end).ok_or(PacketError::Truncated)?;
        at = end;
        Ok(p)
    };
    let header_bytes = part()?;
    let wrap_bytes = part()?;
    let sealed = part()?;
    let signed_len = at;
    let signature = bytes.get(signed_len..).ok_or(PacketError::Truncated)?;
    if signature.len() < SIGNATURE_LEN {
        return Err(PacketError::Truncated);
    }
    if signature.len() > SIGNATURE_LEN {
        return Err(PacketError::Malformed);
    }
    let header: Header = postcard::from_bytes(header_bytes).map_err(|_| PacketError::Malformed)?;
    UnparsedPublicKey::new(&ED25519, &header.sender_key)
        .verify(&bytes[..signed_len], signature)
        .map_err(|_| PacketError::BadSignature)?;
    if digest(&SHA256, sealed).as_ref() != header.body_hash {
        return Err(PacketError::BodyMismatch);
    }
    let wraps: Vec<Wrap> = postcard::from_bytes(wrap_bytes).map_err(|_| PacketError::Malformed)?;
    let mut aad_header = header.clone();
    aad_header.body_hash = [0u8; 32];
    let header_bytes_for_aad = postcard::to_stdvec(&aad_header).map_err(|_| PacketError::Malformed)?;
    Ok(Parsed { header, wraps, header_bytes_for_aad, sealed: sealed.to_vec() })
}

impl Parsed {
    /// Opens the body with a recipient's X25519 seed.
    pub fn open(&self, agreement_seed: &[u8]) -> Result<Body, PacketError> {
        let (secret, public) = X25519HkdfSha256::derive_keypair(agreement_seed);
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&public.to_bytes());
        let id = key_id(&pk);
        let wrap = self.wraps.iter().find(|w| w.key_id == id).ok_or(PacketError::NotForUs)?;
        let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(&wrap.enc)
            .map_err(|_| PacketError::CannotOpen)?;
        let content_key = Zeroizing::new(
            hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
                &OpModeR::Base,
                &secret,
                &enc,
                &info(&self.header.packet_id),
                &wrap.sealed_key,
                &id,
            )
            .map_err(|_| PacketError::CannotOpen)?,
        );
        if self.sealed.len() < NONCE_LEN {
            return Err(PacketError::CannotOpen);
        }
        let key = LessSafeKey::new(
            UnboundKey::new(&aead::CHACHA20_POLY1305, &content_key).map_err(|_| PacketError::CannotOpen)?,
        );
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&self.sealed[..NONCE_LEN]);
        let mut buf = Zeroizing::new(self.sealed[NONCE_LEN..].to_vec());
        let plain = key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(&self.header_bytes_for_aad[..]),
                &mut buf[..],
            )
            .map_err(|_| PacketError::CannotOpen)?;
        postcard::from_bytes(plain).map_err(|_| PacketError::Malformed)
    }
}

/// Randomness for one HPKE encapsulation, drawn from the system up front so a
/// failing source is an error, never weak keys.
struct PrefilledRng {
    buf: [u8; 128],
    used: usize,
    exhausted: bool,
}

impl PrefilledRng {
    fn new() -> Result<Self, crate::Error> {
        let mut buf = [0u8; 128];
        SystemRandom::new().fill(&mut buf).map_err(|_| crate::Error::Crypto("random"))?;
        Ok(PrefilledRng { buf, used: 0, exhausted: false })
    }

    fn check(&self) -> Result<(), crate::Error> {
        if self.exhausted { Err(crate::Error::Crypto("random")) } else { Ok(()) }
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
