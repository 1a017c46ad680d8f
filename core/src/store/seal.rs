//! Sealed values: `version ‖ nonce(12) ‖ AEAD ciphertext ‖ tag(16)`.
//!
//! The version byte names the algorithm (1: AES-256-GCM, 2: ChaCha20-Poly1305),
//! so a database may be read whatever cipher wrote it. The associated data
//! binds the value to its table, row, column and the schema version it was
//! sealed at: a blob copied anywhere else does not open. Nonces are random;
//! a phone writes far fewer than the 2^32 values one key may seal that way.

use ring::aead::{self, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Bytes a sealed value adds to its plaintext.
pub const OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;

/// The AEAD a database seals new values with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cipher {
    /// AES-256-GCM: fastest where the CPU has AES instructions (all modern phones).
    #[default]
    Aes256Gcm,
    /// ChaCha20-Poly1305: for CPUs without AES instructions.
    ChaCha20Poly1305,
}

impl Cipher {
    /// The version byte that leads every value sealed with this cipher.
    pub fn version_byte(self) -> u8 {
        match self {
            Cipher::Aes256Gcm => 1,
            Cipher::ChaCha20Poly1305 => 2,
        }
    }

    /// The cipher a version byte names.
    pub fn from_version_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(Cipher::Aes256Gcm),
            2 => Some(Cipher::ChaCha20Poly1305),
            _ => None,
        }
    }

    fn algorithm(self) -> &'static aead::Algorithm {
        match self {
            Cipher::Aes256Gcm => &aead::AES_256_GCM,
            Cipher::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
        }
    }
}

/// A 256-bit secret key. It has no `Debug` and is wiped when dropped.
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl SecretKey {
    /// A fresh key from the system's random source.
    pub fn random() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        SystemRandom::new().fill(&mut k[..]).map_err(|_| Error::Crypto("random"))?;
        Ok(SecretKey(k))
    }

    /// Wraps bytes already held in a zeroizing buffer.
    pub fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Self {
        SecretKey(bytes)
    }

    /// Reads a key from a slice (e.g. an unsealed key record).
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::Crypto("key length"))?;
        Ok(SecretKey(Zeroizing::new(arr)))
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Derives a 256-bit subkey for one purpose with HKDF-SHA256.
    pub fn derive(&self, info: &[&[u8]]) -> Result<SecretKey> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"hearth/kdf/v1").extract(&self.0[..]);
        let okm = prk.expand(info, hkdf::HKDF_SHA256).map_err(|_| Error::Crypto("hkdf"))?;
        let mut out = Zeroizing::new([0u8; 32]);
        okm.fill(&mut out[..]).map_err(|_| Error::Crypto("hkdf"))?;
        Ok(SecretKey(out))
    }
}

/// What a sealed value is bound to.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    pub table: &'static str,
    pub row: &'a [u8],
    pub column: &'static str,
    pub schema: u32,
}

impl Binding<'_> {
    fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(16 + self.table.len() + self.row.len() + self.column.len());
        v.extend_from_slice(b"hearth/seal/v1");
        for part in [self.table.as_bytes(), self.row, self.column.as_bytes()] {
            // Length-prefixed, so no two bindings encode alike.
            v.extend_from_slice(&(part.len() as u32).to_be_bytes());
            v.extend_from_slice(part);
        }
        v.extend_from_slice(&self.schema.to_be_bytes());
        v
    }
}

/// Seals and opens values under one key.
pub struct Sealer {
    cipher: Cipher,
    aes: LessSafeKey,
    chacha: LessSafeKey,
    rng: SystemRandom,
}

impl Sealer {
    /// A sealer whose per-algorithm keys are derived from `key` for `purpose`.
    pub fn new(key: &SecretKey, purpose: &[u8], cipher: Cipher) -> Result<Self> {
        let make = |c: Cipher| -> Result<LessSafeKey> {
            let sub = key.derive(&[purpose, c.algorithm_name()])?;
            let unbound = UnboundKey::new(c.algorithm(), sub.expose())?;
            Ok(LessSafeKey::new(unbound))
        };
        Ok(Sealer {
            cipher,
            aes: make(Cipher::Aes256Gcm)?,
            chacha: make(Cipher::ChaCha20Poly1305)?,
            rng: SystemRandom::new(),
        })
    }

    fn key(&self, c: Cipher) -> &LessSafeKey {
        match c {
            Cipher::Aes256Gcm => &self.aes,
            Cipher::ChaCha20Poly1305 => &self.chacha,
        }
    }

    /// Seals `plaintext` bound to `at`.
    pub fn seal(&self, at: Binding<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
        out.push(self.cipher.version_byte());
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| Error::Crypto("random"))?;
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let aad = at.encode();
        let tag = self.key(self.cipher).seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(&aad[..]),
            &mut out[1 + NONCE_LEN..],
        )?;
        out.extend_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Opens a value sealed at `at`; any mismatch is [`Error::Unseal`].
    pub fn open(&self, at: Binding<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let refuse = || Error::Unseal { table: at.table, column: at.column };
        if sealed.len() < OVERHEAD {
            return Err(refuse());
        }
        let cipher = Cipher::from_version_byte(sealed[0]).ok_or_else(refuse)?;
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&sealed[1..1 + NONCE_LEN]);
        let mut buf = Zeroizing::new(sealed[1 + NONCE_LEN..].to_vec());
        let aad = at.encode();
        let len = self
            .key(cipher)
            .open_in_place(Nonce::assume_unique_for_key(nonce), aead::Aad::from(&aad[..]), &mut buf[..])
            .map_err(|_| refuse())?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}

impl Cipher {
    fn algorithm_name(self) -> &'static [u8] {
        match self {
            Cipher::Aes256Gcm => b"aes-256-gcm",
            Cipher::ChaCha20Poly1305 => b"chacha20-poly1305",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(row: &[u8]) -> Binding<'_> {
        Binding { table: "households", row, column: "record", schema: 1 }
    }

    #[test]
    fn sealed_value_opens_at_its_binding_with_either_cipher() {
        let key = SecretKey::random().unwrap();
        for cipher in [Cipher::Aes256Gcm, Cipher::ChaCha20Poly1305] {
            let s = Sealer::new(&key, b"test", cipher).unwrap();
            let blob = s.seal(at(b"r1"), b"hello").unwrap();
            assert_eq!(blob[0], cipher.version_byte());
            assert_eq!(blob.len(), 5 + OVERHEAD);
            assert_eq!(&s.open(at(b"r1"), &blob).unwrap()[..], b"hello");
        }
    }

    #[test]
    fn sealed_value_does_not_open_at_another_row_column_table_or_schema() {
        let key = SecretKey::random().unwrap();
        let s = Sealer::new(&key, b"test", Cipher::default()).unwrap();
        let blob = s.seal(at(b"r1"), b"hello").unwrap();
        let moved = [
            at(b"r2"),
            Binding { column: "other", ..at(b"r1") },
            Binding { table: "users", ..at(b"r1") },
            Binding { schema: 2, ..at(b"r1") },
        ];
        for b in moved {
            assert!(matches!(s.open(b, &blob), Err(Error::Unseal { .. })));
        }
    }

    #[test]
    fn flipped_truncated_or_foreign_key_blob_does_not_open() {
        let key = SecretKey::random().unwrap();
        let s = Sealer::new(&key, b"test", Cipher::default()).unwrap();
        let blob = s.seal(at(b"r1"), b"hello").unwrap();
        for i in 0..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x01;
            assert!(s.open(at(b"r1"), &bad).is_err(), "bit flip at {i} opened");
        }
        assert!(s.open(at(b"r1"), &blob[..blob.len() - 1]).is_err());
        assert!(s.open(at(b"r1"), &[]).is_err());
        let other = Sealer::new(&SecretKey::random().unwrap(), b"test", Cipher::default()).unwrap();
        assert!(other.open(at(b"r1"), &blob).is_err());
        let other_purpose = Sealer::new(&key, b"other", Cipher::default()).unwrap();
        assert!(other_purpose.open(at(b"r1"), &blob).is_err());
    }
}
