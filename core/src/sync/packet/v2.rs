//! Wire v2 packets, what this build writes.
//!
//! ```text
//! "HRTH" ‖ 0x02 ‖ header (postcard) ‖ varint len ‖ sealed body ‖ signature(64)
//! ```
//!
//! - The body (postcard, then zstd when that is smaller) is sealed once with
//!   a fresh 32-byte content key: ChaCha20-Poly1305, nonce zero (the key seals
//!   nothing else), every byte before it as associated data.
//! - One HPKE base-mode context per recipient (RFC 9180: DHKEM(X25519,
//!   HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305), all from one ephemeral
//!   key, which the header carries once. Each recipient's wrap is the content
//!   key XOR 32 bytes exported from their context (`"content key"`): 40 bytes
//!   a recipient with the key id. A wrong or altered wrap yields a key that
//!   does not open the body.
//! - The sender signs `"hearth/packet/v2" ‖ every byte up to the end of the
//!   body's length ‖ SHA-256(sealed body)` with Ed25519, so signing costs the same
//!   for any body size. The packet id is the first 16 bytes of the SHA-256 of
//!   that message.

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
use crate::sync::wire::{MAGIC, SeqRange};
use crate::sync::wire2::{Body, Header, VERSION, Wrap};

/// The largest body, uncompressed, a packet may announce.
pub const MAX_BODY: u64 = 64 << 20;
/// The zstd level bodies are compressed at.
pub const ZSTD_LEVEL: i32 = 19;

const INFO: &[u8] = b"hearth/packet/v2";
const EXPORT: &[u8] = b"content key";
const TAG_LEN: usize = 16;

type Aead = ChaCha20Poly1305;

/// Seals and signs a packet to `recipients` (X25519 keys). The header's
/// `compression`, `ephemeral` and `wraps` are filled in here.
pub fn seal(
    mut header: Header,
    body: &Body,
    recipients: &[[u8; 32]],
    sign: impl Fn(&[u8]) -> Vec<u8>,
) -> Result<Vec<u8>, crate::Error> {
    let plain = Zeroizing::new(postcard::to_stdvec(body).map_err(|_| crate::Error::Crypto("encode body"))?);
    let packed = Zeroizing::new(
        zstd::bulk::compress(&plain, ZSTD_LEVEL).map_err(|_| crate::Error::Crypto("compress body"))?,
    );
    let (compression, mut payload) =
        if packed.len() < plain.len() { (1, packed.to_vec()) } else { (0, plain.to_vec()) };
    header.compression = compression;

    let mut content_key = Zeroizing::new([0u8; 32]);
    SystemRandom::new().fill(&mut content_key[..]).map_err(|_| crate::Error::Crypto("random"))?;
    let ephemeral = PrefilledRng::new()?;
    header.wraps.clear();
    for pk in recipients {
        let public = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(pk)
            .map_err(|_| crate::Error::Crypto("recipient key"))?;
        let mut rng = ephemeral.clone();
        let (enc, ctx) = hpke::setup_sender::<Aead, HkdfSha256, X25519HkdfSha256, _>(
            &OpModeS::Base,
            &public,
            INFO,
            &mut rng,
        )
        .map_err(|_| crate::Error::Crypto("hpke"))?;
        rng.check()?;
        header.ephemeral.copy_from_slice(&enc.to_bytes());
        let mut secret = Zeroizing::new([0u8; 32]);
        ctx.export(EXPORT, &mut secret[..]).map_err(|_| crate::Error::Crypto("hpke"))?;
        let mut key = [0u8; 32];
        for (k, (c, s)) in key.iter_mut().zip(content_key.iter().zip(secret.iter())) {
            *k = c ^ s;
        }
        header.wraps.push(Wrap { key_id: key_id(pk), key });
    }

    let mut out = MAGIC.to_vec();
    out.push(VERSION);
    postcard::to_io(&header, &mut out).map_err(|_| crate::Error::Crypto("encode header"))?;
    let sealed_len = (payload.len() + TAG_LEN) as u64;
    postcard::to_io(&sealed_len, &mut out).map_err(|_| crate::Error::Crypto("encode header"))?;
    let key = LessSafeKey::new(UnboundKey::new(&aead::CHACHA20_POLY1305, &content_key[..])?);
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key([0; 12]),
        aead::Aad::from(&out[..]),
        &mut payload,
    )?;
    let message = signed_message(&out, &payload);
    out.extend_from_slice(&payload);
    out.extend_from_slice(&sign(&message));
    Ok(out)
}

fn signed_message(head: &[u8], sealed: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(INFO.len() + head.len() + 32);
    m.extend_from_slice(INFO);
    m.extend_from_slice(head);
    m.extend_from_slice(digest(&SHA256, sealed).as_ref());
    m
}

/// A verified v2 packet, body still sealed.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub header: Header,
    head: Vec<u8>,
    sealed: Vec<u8>,
}

/// Parses and verifies a v2 packet; also returns the version-independent fields.
pub(super) fn parse(bytes: &[u8]) -> Result<(Parsed, super::Parsed), PacketError> {
    let after_version = bytes.get(5..).ok_or(PacketError::Truncated)?;
    let (header, rest) =
        postcard::take_from_bytes::<Header>(after_version).map_err(|_| PacketError::Truncated)?;
    let (sealed_len, rest) = postcard::take_from_bytes::<u64>(rest).map_err(|_| PacketError::Truncated)?;
    let head_len = bytes.len() - rest.len();
    let expected = sealed_len.checked_add(SIGNATURE_LEN as u64).ok_or(PacketError::Malformed)?;
    if (rest.len() as u64) < expected {
        return Err(PacketError::Truncated);
    }
    if rest.len() as u64 > expected || (sealed_len as usize) < TAG_LEN {
        return Err(PacketError::Malformed);
    }
    let (sealed, signature) = rest.split_at(rest.len() - SIGNATURE_LEN);
    let message = signed_message(&bytes[..head_len], sealed);
    UnparsedPublicKey::new(&ED25519, &header.sender_key)
        .verify(&message, signature)
        .map_err(|_| PacketError::BadSignature)?;
    let hlc_max = header.hlc_min.checked_add(header.hlc_span).ok_or(PacketError::Malformed)?;
    let ranges = header
        .ranges
        .iter()
        .map(|r| {
            let last = r.first.checked_add(r.count.checked_sub(1)?)?;
            Some(SeqRange { origin: r.origin, first: r.first, last })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or(PacketError::Malformed)?;
    let mut packet_id = [0u8; 16];
    packet_id.copy_from_slice(&digest(&SHA256, &message).as_ref()[..16]);
    let mut body_hash = [0u8; 32];
    body_hash.copy_from_slice(digest(&SHA256, sealed).as_ref());
    let fields = super::Parsed {
        version: VERSION,
        packet_id,
        sender_device: header.sender_device,
        sender_key: header.sender_key,
        sender_user: None,
        recipients: header.wraps.iter().map(|w| w.key_id).collect(),
        hlc_min: header.hlc_min,
        hlc_max,
        ranges,
        compression: header.compression,
        body_hash,
        inner: super::Inner::V2(Parsed { header: header.clone(), head: Vec::new(), sealed: Vec::new() }),
    };
    Ok((Parsed { header, head: bytes[..head_len].to_vec(), sealed: sealed.to_vec() }, fields))
}

impl Parsed {
    /// Opens the body with a recipient's X25519 seed.
    pub fn open(&self, agreement_seed: &[u8]) -> Result<Body, PacketError> {
        let (secret, public) = X25519HkdfSha256::derive_keypair(agreement_seed);
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&public.to_bytes());
        let wrap = self.header.wraps.iter().find(|w| w.key_id == key_id(&pk)).ok_or(PacketError::NotForUs)?;
        let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(&self.header.ephemeral)
            .map_err(|_| PacketError::CannotOpen)?;
        let ctx =
            hpke::setup_receiver::<Aead, HkdfSha256, X25519HkdfSha256>(&OpModeR::Base, &secret, &enc, INFO)
                .map_err(|_| PacketError::CannotOpen)?;
        let mut content_key = Zeroizing::new([0u8; 32]);
        ctx.export(EXPORT, &mut content_key[..]).map_err(|_| PacketError::CannotOpen)?;
        for (k, w) in content_key.iter_mut().zip(wrap.key.iter()) {
            *k ^= w;
        }
        let key = LessSafeKey::new(
            UnboundKey::new(&aead::CHACHA20_POLY1305, &content_key[..])
                .map_err(|_| PacketError::CannotOpen)?,
        );
        let mut buf = Zeroizing::new(self.sealed.clone());
        let plain = key
            .open_in_place(
                Nonce::assume_unique_for_key([0; 12]),
                aead::Aad::from(&self.head[..]),
                &mut buf[..],
            )
            .map_err(|_| PacketError::CannotOpen)?;
        let plain = match self.header.compression {
            0 => Zeroizing::new(plain.to_vec()),
            1 => Zeroizing::new(decompress(plain)?),
            _ => return Err(PacketError::Malformed),
        };
        postcard::from_bytes(&plain).map_err(|_| PacketError::Malformed)
    }
}

/// zstd, bounded: the frame must state its size, and the size must be
/// under [`MAX_BODY`], before anything is allocated.
fn decompress(src: &[u8]) -> Result<Vec<u8>, PacketError> {
    let size = zstd::zstd_safe::get_frame_content_size(src)
        .ok()
        .flatten()
        .filter(|s| *s <= MAX_BODY)
        .ok_or(PacketError::Malformed)?;
    let out = zstd::bulk::decompress(src, size as usize).map_err(|_| PacketError::Malformed)?;
    if out.len() as u64 != size {
        return Err(PacketError::Malformed);
    }
    Ok(out)
}
