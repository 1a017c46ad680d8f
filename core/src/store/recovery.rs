//! The recovery wrap: the data key sealed to a province's recovery key.
//!
//! A province (or the ministry) holds an X25519 [`RecoveryKey`] off the
//! phones, beside its authority key. While a phone is provisioned — or later,
//! by an administrator — the database's data key is sealed to the province's
//! [`RecoveryPublicKey`] with HPKE (RFC 9180, base mode: DHKEM(X25519,
//! HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305) and stored in the `recovery`
//! table. The phone keeps only the public key and cannot read the wrap back.
//!
//! [`Store::recover`] opens the wrap with the province's private key and
//! returns a *provisioning* handle, as [`Store::create`] does: the province
//! enrols a user (new keys, new certificate), who reads the data and syncs it
//! out. If the device secret changed (a reset keystore, another machine), the
//! database is re-bound to the current one and every existing user's wrap is
//! marked void, so their unlock is a [`Error::KeyMismatch`] and costs no PIN
//! attempt.
//!
//! It must never: keep or log the province's private key, wrap anything but
//! the data key (users' signing keys stay sealed under their own PINs, so a
//! recovery cannot sign as them), or write anything when the key is wrong.
//! See `docs/adr/0401-key-recovery.md`.

use std::path::Path;
use std::sync::Arc;

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::keys::{KeyProvider, device_fingerprint, fetch_device_secret};
use super::open::{canary_binding, record_sealer};
use super::seal::SecretKey;
use super::{Session, Store, StoreOptions, lock};
use crate::error::{Error, Result};
use crate::workflow::Detail;

/// A province's recovery key pair (an X25519 seed). No `Debug`; wiped when
/// dropped; it leaves only through [`RecoveryKey::export_seed`].
pub struct RecoveryKey {
    seed: Zeroizing<[u8; 32]>,
}

/// The public half that phones wrap their data key to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryPublicKey(pub [u8; 32]);

impl RecoveryKey {
    /// A new recovery key from the system's random source.
    pub fn generate() -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        SystemRandom::new().fill(&mut seed[..]).map_err(|_| Error::Crypto("random"))?;
        Ok(RecoveryKey { seed })
    }

    /// Loads a key exported with [`RecoveryKey::export_seed`].
    pub fn from_seed(bytes: &[u8]) -> Result<Self> {
        let seed: [u8; 32] =
            bytes.try_into().map_err(|_| Error::invalid("recovery key", "must be 32 bytes"))?;
        Ok(RecoveryKey { seed: Zeroizing::new(seed) })
    }

    /// The one export of the private key, for the province's own safekeeping.
    pub fn export_seed(&self) -> &[u8] {
        &self.seed[..]
    }

    /// The public key phones are given.
    pub fn public_key(&self) -> RecoveryPublicKey {
        let (_, public) = X25519HkdfSha256::derive_keypair(&self.seed[..]);
        let mut k = [0u8; 32];
        k.copy_from_slice(&public.to_bytes());
        RecoveryPublicKey(k)
    }
}

impl RecoveryPublicKey {
    /// A short id: the first 8 bytes of SHA-256 over the key.
    pub fn id(&self) -> [u8; 8] {
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest(&SHA256, &self.0).as_ref()[..8]);
        id
    }
}

/// HPKE `info`: the purpose and the database, so a wrap copied into another
/// database does not open there.
fn info(store_id: &str) -> Vec<u8> {
    let mut i = b"hearth/recovery/v1\0".to_vec();
    i.extend_from_slice(store_id.as_bytes());
    i
}

/// Seals `dek` to `key` for database `store_id`: (encapsulated key, ciphertext).
fn wrap(dek: &SecretKey, key: &RecoveryPublicKey, store_id: &str) -> Result<(Vec<u8>, Vec<u8>)> {
    let public = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(&key.0)
        .map_err(|_| Error::invalid("recovery key", "is not an X25519 public key"))?;
    let mut rng = crate::sync::packet::PrefilledRng::new()?;
    let (enc, sealed) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256, _>(
        &OpModeS::Base,
        &public,
        &info(store_id),
        dek.expose(),
        &key.id(),
        &mut rng,
    )
    // The one way sealing fails on good randomness: a low-order point.
    .map_err(|_| Error::invalid("recovery key", "is not a usable X25519 public key"))?;
    rng.check()?;
    Ok((enc.to_bytes().to_vec(), sealed))
}

/// Opens a wrap with the province's key; a wrap that does not open is
/// reported as tampered ([`Error::Unseal`]).
fn unwrap(key: &RecoveryKey, store_id: &str, enc: &[u8], sealed: &[u8]) -> Result<SecretKey> {
    let refuse = || Error::Unseal { table: "recovery", column: "sealed_dek" };
    let (secret, _) = X25519HkdfSha256::derive_keypair(&key.seed[..]);
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc).map_err(|_| refuse())?;
    let dek = Zeroizing::new(
        hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeR::Base,
            &secret,
            &enc,
            &info(store_id),
            sealed,
            &key.public_key().id(),
        )
        .map_err(|_| refuse())?,
    );
    SecretKey::from_slice(&dek).map_err(|_| refuse())
}

impl Store {
    /// While provisioning: seals the data key to the province's recovery key,
    /// replacing any earlier recovery wrap. Not audited (no one is signed in);
    /// an administrator's later change is ([`Session::set_recovery_key`]).
    pub fn set_recovery_key(&self, key: &RecoveryPublicKey) -> Result<()> {
        let dek = lock(&self.inner.provisioning).clone().ok_or(Error::NotPermitted {
            reason: "setting the recovery key needs provisioning or an administrator",
        })?;
        let mut w = self.writer();
        let tx = w.transaction()?;
        self.write_recovery_wrap(&tx, &dek, key)?;
        tx.commit()?;
        Ok(())
    }

    /// The recovery key the data key is wrapped to, if any.
    pub fn recovery_key(&self) -> Result<Option<RecoveryPublicKey>> {
        let key: Option<[u8; 32]> = self
            .reader()
            .query_row("SELECT public_key FROM recovery LIMIT 1", [], |r| r.get(0))
            .optional()?;
        Ok(key.map(RecoveryPublicKey))
    }

    fn write_recovery_wrap(&self, conn: &Connection, dek: &SecretKey, key: &RecoveryPublicKey) -> Result<()> {
        let (enc, sealed) = wrap(dek, key, self.store_id())?;
        conn.execute("DELETE FROM recovery", [])?;
        conn.execute(
            "INSERT INTO recovery (key_id, public_key, enc, sealed_dek, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key.id(), key.0, enc, sealed, self.now_ms()],
        )?;
        Ok(())
    }

    /// Recovers a database with the province's recovery key: opens the data
    /// key, re-binds the database to `provider`'s current device secret if it
    /// changed (voiding every existing user's wrap), and returns a
    /// provisioning handle, as [`Store::create`] does, to enrol new users.
    ///
    /// A key the database was not wrapped to is [`Error::RecoveryKeyMismatch`];
    /// a database without a wrap is [`Error::NotFound`]. Either way nothing
    /// is written.
    pub fn recover(
        path: &Path,
        provider: Arc<dyn KeyProvider>,
        key: &RecoveryKey,
        options: StoreOptions,
    ) -> Result<Store> {
        let store = Store::open(path, provider.clone(), options.clone())?;
        let row: Option<([u8; 8], Vec<u8>, Vec<u8>)> = store
            .reader()
            .query_row("SELECT key_id, enc, sealed_dek FROM recovery LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (key_id, enc, sealed) = row.ok_or(Error::NotFound { kind: "recovery wrap" })?;
        if key_id != key.public_key().id() {
            return Err(Error::RecoveryKeyMismatch);
        }
        let dek = unwrap(key, store.store_id(), &enc, &sealed)?;
        record_sealer(&dek, store.inner.meta.cipher)?.open(canary_binding(), &store.inner.meta.canary)?;
        let secret = fetch_device_secret(store.inner.provider.as_ref(), store.store_id())?;
        let fingerprint = device_fingerprint(&secret, store.store_id())?;
        {
            let mut w = store.writer();
            let tx = w.transaction()?;
            if fingerprint != store.inner.meta.device_fingerprint {
                tx.execute("UPDATE users SET wrap_void = 1", [])?;
                tx.execute(
                    "UPDATE meta SET value = ?1 WHERE key = 'device_fingerprint'",
                    [fingerprint.to_vec()],
                )?;
            }
            tx.execute("UPDATE recovery SET recovered_at = ?1", [store.now_ms()])?;
            tx.commit()?;
        }
        drop(store);
        // Reopen, so the handle reads the fingerprint it was re-bound to.
        let store = Store::open(path, provider, options)?;
        *lock(&store.inner.provisioning) = Some(Arc::new(dek));
        Ok(store)
    }
}

impl Session {
    /// Seals the data key to a (new) province recovery key, replacing any
    /// earlier wrap (administrators only; audited).
    pub fn set_recovery_key(&self, key: &RecoveryPublicKey) -> Result<()> {
        if !self.role().provisions() {
            return Err(Error::NotPermitted { reason: "only an administrator sets the recovery key" });
        }
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        self.store.write_recovery_wrap(&tx, self.data_key(), key)?;
        let id = key.id();
        self.audit(&tx, "recovery.set", Uuid::from_u64_pair(u64::from_be_bytes(id), 0), &Detail::default())?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Authority;

    struct Fixed;
    impl KeyProvider for Fixed {
        fn device_secret(&self, _: &str) -> Result<Zeroizing<Vec<u8>>, super::super::KeyProviderError> {
            Ok(Zeroizing::new(vec![7u8; 32]))
        }
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_wrap_opens_with_the_province_key_only_and_for_its_database_only() {
        let dek = SecretKey::random().unwrap();
        let province = RecoveryKey::generate().unwrap();
        let (enc, sealed) = wrap(&dek, &province.public_key(), "store-a").unwrap();
        let opened = unwrap(&province, "store-a", &enc, &sealed).unwrap();
        assert_eq!(opened.expose(), dek.expose());
        let other = RecoveryKey::generate().unwrap();
        assert!(matches!(unwrap(&other, "store-a", &enc, &sealed), Err(Error::Unseal { .. })));
        assert!(matches!(unwrap(&province, "store-b", &enc, &sealed), Err(Error::Unseal { .. })));
        let mut flipped = sealed.clone();
        flipped[0] ^= 1;
        assert!(matches!(unwrap(&province, "store-a", &enc, &flipped), Err(Error::Unseal { .. })));
    }

    #[test]
    fn a_low_order_public_key_is_refused_as_invalid() {
        let dek = SecretKey::random().unwrap();
        let err = wrap(&dek, &RecoveryPublicKey([0u8; 32]), "store-a").err().unwrap();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "recovery key"), "{err:?}");
    }

    #[test]
    fn neither_the_wrap_nor_the_database_file_holds_the_data_key_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phone.db");
        let authority = Authority::generate().unwrap();
        let store = Store::create(
            &path,
            Arc::new(Fixed),
            authority.public_key(),
            StoreOptions::default().insecure_fast_kdf(),
        )
        .unwrap();
        let province = RecoveryKey::generate().unwrap();
        store.set_recovery_key(&province.public_key()).unwrap();
        let dek = lock(&store.inner.provisioning).clone().unwrap();
        let (enc, sealed): (Vec<u8>, Vec<u8>) = store
            .reader()
            .query_row("SELECT enc, sealed_dek FROM recovery", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        for blob in [&enc, &sealed] {
            assert!(!contains(blob, &dek.expose()[..]));
            assert!(!contains(blob, &dek.expose()[..8]), "not even a piece of it");
        }
        assert_eq!(sealed.len(), 32 + 16, "the data key sealed, plus the AEAD tag");
        let mut file = std::fs::read(&path).unwrap();
        let mut wal = path.as_os_str().to_os_string();
        wal.push("-wal");
        file.extend(std::fs::read(wal).unwrap_or_default());
        assert!(!contains(&file, &dek.expose()[..]));
        assert_eq!(unwrap(&province, store.store_id(), &enc, &sealed).unwrap().expose(), dek.expose());
    }
}
