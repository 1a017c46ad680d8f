//! Wire v1 packets: still read (golden vectors, packets from phones not yet
//! updated); written only by tests.
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

use super::{PacketError, PrefilledRng, SIGNATURE_LEN, key_id};
use crate::sync::wire::{Body, Header, MAGIC, VERSION, Wrap};

const NONCE_LEN: usize = 12;

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

/// Parses and verifies a v1 packet's structure and signature. The body stays sealed.
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
