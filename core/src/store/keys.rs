//! The key hierarchy.
//!
//! - A random 256-bit **data key** (DEK) per database seals every record. It is
//!   never derived from a PIN and never written in clear.
//! - Per user, an **unlock key** = HKDF(device secret ‖ PBKDF2-HMAC-SHA256(PIN,
//!   salt, iterations)) wraps the DEK and seals that user's own signing keys.
//!   The KDF parameters are stored beside the wrap. One PBKDF2 run per unlock.
//! - The **device secret** comes from the app's [`KeyProvider`] (Android
//!   Keystore, iOS Keychain / Secure Enclave); the core never stores it. A
//!   short HKDF fingerprint of it is kept so that a changed device secret is
//!   reported as a key mismatch, not as a wrong PIN.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, pbkdf2};
use zeroize::Zeroizing;

use super::seal::SecretKey;
use crate::error::{Error, Result};

/// The PBKDF2 iteration count of new wraps (OWASP 2023 guidance for
/// PBKDF2-HMAC-SHA256).
pub const DEFAULT_KDF_ITERATIONS: u32 = 600_000;
const _: () = assert!(DEFAULT_KDF_ITERATIONS >= 600_000, "the PIN KDF floor is 600,000 iterations");

/// Supplies the device secret that, with the PIN, unlocks a database.
///
/// Apps implement it with the platform keystore: a key that never leaves the
/// secure hardware (Android Keystore / iOS Secure Enclave) encrypts or derives
/// a 32-byte secret kept per `store_id`. Return the same bytes every time for
/// the same `store_id`.
pub trait KeyProvider: Send + Sync {
    /// The device secret for the database `store_id` (at least 16 bytes).
    fn device_secret(&self, store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError>;
}

/// A key provider's refusal; `reason` must not carry secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct KeyProviderError {
    pub reason: String,
}

/// A user's PIN: 6 to 12 ASCII digits. Wiped when dropped, no `Debug`.
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Checks the PIN's shape (not its correctness).
    pub fn new(pin: &str) -> Result<Self> {
        if !(6..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("pin", "must be 6 to 12 digits"));
        }
        Ok(Pin(Zeroizing::new(pin.to_owned())))
    }
}

/// Parameters of one user's PIN KDF, stored beside the wrap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfParams {
    pub iterations: u32,
    pub salt: [u8; 16],
}

impl KdfParams {
    /// Fresh parameters with a random salt.
    pub fn fresh(iterations: u32) -> Result<Self> {
        let mut salt = [0u8; 16];
        SystemRandom::new().fill(&mut salt).map_err(|_| Error::Crypto("random"))?;
        Ok(KdfParams { iterations, salt })
    }
}

/// Counts PBKDF2 runs, so tests can prove one run per unlock.
#[derive(Debug, Default)]
pub struct KdfCounter(AtomicU64);

impl KdfCounter {
    /// Runs so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Derives a user's unlock key: exactly one PBKDF2 run.
pub fn unlock_key(
    device_secret: &[u8],
    pin: &Pin,
    params: &KdfParams,
    counter: &KdfCounter,
) -> Result<SecretKey> {
    let iterations = NonZeroU32::new(params.iterations).ok_or(Error::Crypto("kdf iterations"))?;
    let mut stretched = Zeroizing::new([0u8; 32]);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &params.salt,
        pin.0.as_bytes(),
        &mut stretched[..],
    );
    counter.0.fetch_add(1, Ordering::Relaxed);
    let mut ikm = Zeroizing::new(Vec::with_capacity(device_secret.len() + 32));
    ikm.extend_from_slice(device_secret);
    ikm.extend_from_slice(&stretched[..]);
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &params.salt).extract(&ikm);
    let okm = prk.expand(&[b"hearth/unlock-key/v1"], hkdf::HKDF_SHA256).map_err(|_| Error::Crypto("hkdf"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    okm.fill(&mut key[..]).map_err(|_| Error::Crypto("hkdf"))?;
    Ok(SecretKey::from_bytes(key))
}

/// A 16-byte fingerprint of the device secret for one database. It reveals
/// nothing about the secret (HKDF output) but tells a changed one apart.
pub fn device_fingerprint(device_secret: &[u8], store_id: &str) -> Result<[u8; 16]> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, store_id.as_bytes()).extract(device_secret);
    let okm =
        prk.expand(&[b"hearth/device-fingerprint/v1"], FingerprintLen).map_err(|_| Error::Crypto("hkdf"))?;
    let mut out = [0u8; 16];
    okm.fill(&mut out).map_err(|_| Error::Crypto("hkdf"))?;
    Ok(out)
}

struct FingerprintLen;

impl hkdf::KeyType for FingerprintLen {
    fn len(&self) -> usize {
        16
    }
}

/// Asks the provider for the device secret and checks its length.
pub fn fetch_device_secret(provider: &dyn KeyProvider, store_id: &str) -> Result<Zeroizing<Vec<u8>>> {
    let secret = provider.device_secret(store_id).map_err(|e| Error::KeyProvider { reason: e.reason })?;
    if secret.len() < 16 {
        return Err(Error::KeyProvider { reason: "device secret shorter than 16 bytes".into() });
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::seal::{Binding, Cipher, Sealer};

    #[test]
    fn pin_must_be_six_to_twelve_digits() {
        assert!(Pin::new("123456").is_ok());
        assert!(Pin::new("123456789012").is_ok());
        for bad in ["", "12345", "1234567890123", "12345a", "１２３４５６"] {
            assert!(matches!(Pin::new(bad), Err(Error::Invalid { .. })), "{bad:?} accepted");
        }
    }

    #[test]
    fn unlock_key_depends_on_pin_device_secret_and_salt_and_counts_runs() {
        let counter = KdfCounter::default();
        let p = KdfParams::fresh(10).unwrap();
        let at = Binding { table: "t", row: b"r", column: "c", schema: 1 };
        let k = unlock_key(b"0123456789abcdef", &Pin::new("123456").unwrap(), &p, &counter).unwrap();
        let blob = Sealer::new(&k, b"x", Cipher::default()).unwrap().seal(at, b"dek").unwrap();
        let variants = [
            unlock_key(b"0123456789abcdeX", &Pin::new("123456").unwrap(), &p, &counter).unwrap(),
            unlock_key(b"0123456789abcdef", &Pin::new("123457").unwrap(), &p, &counter).unwrap(),
            unlock_key(
                b"0123456789abcdef",
                &Pin::new("123456").unwrap(),
                &KdfParams::fresh(10).unwrap(),
                &counter,
            )
            .unwrap(),
        ];
        for v in &variants {
            assert!(Sealer::new(v, b"x", Cipher::default()).unwrap().open(at, &blob).is_err());
        }
        let same = unlock_key(b"0123456789abcdef", &Pin::new("123456").unwrap(), &p, &counter).unwrap();
        assert!(Sealer::new(&same, b"x", Cipher::default()).unwrap().open(at, &blob).is_ok());
        assert_eq!(counter.get(), 5);
    }
}
