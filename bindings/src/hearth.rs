//! [`Hearth`]: one open database — provisioning, the sign-in list, unlock —
//! and [`Authority`], a deployment authority for tests and tools.
//!
//! Every method is one crossing and returns a typed [`HearthError`]; a closed
//! database answers [`HearthError::Closed`].

use std::path::Path;
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use hearth_core::identity::{self, AuthorityKey, EnrollmentRequest};
use hearth_core::store::{Pin, RecoveryPublicKey, Store, StoreOptions};

use crate::HearthError;
use crate::error::guard;
use crate::foreign::{CoreKeyProvider, KeyProvider};
use crate::records::{Enrollment, Role, UserInfo, uuid};
use crate::session::Session;
use crate::slot::Slot;

/// One open database. Share it between threads; `close_database()` when done.
#[derive(uniffi::Object)]
pub struct Hearth {
    store: Slot<Store>,
}

fn parse_path(p: &str) -> Result<&Path, HearthError> {
    if p.is_empty() || p.contains('\0') {
        return Err(HearthError::invalid("path", "is empty or holds a NUL"));
    }
    Ok(Path::new(p))
}

/// Checks a PIN that crossed the boundary, wiping the crossing's copy.
fn parse_pin(p: String) -> Result<Pin, HearthError> {
    let p = zeroize::Zeroizing::new(p);
    Ok(Pin::new(&p)?)
}

fn parse_authority_key(bytes: &[u8]) -> Result<AuthorityKey, HearthError> {
    let key: [u8; 32] =
        bytes.try_into().map_err(|_| HearthError::invalid("authority_key", "must be 32 bytes"))?;
    Ok(AuthorityKey(key))
}

impl Hearth {
    fn create_with(
        path: String,
        key_provider: Arc<dyn KeyProvider>,
        authority: Vec<u8>,
        options: StoreOptions,
    ) -> Result<Arc<Self>, HearthError> {
        guard(|| {
            let provider = Arc::new(CoreKeyProvider(key_provider));
            let store =
                Store::create(parse_path(&path)?, provider, parse_authority_key(&authority)?, options)?;
            Ok(Arc::new(Hearth { store: Slot::new(store) }))
        })
    }

    fn open_with(
        path: String,
        key_provider: Arc<dyn KeyProvider>,
        options: StoreOptions,
    ) -> Result<Arc<Self>, HearthError> {
        guard(|| {
            let provider = Arc::new(CoreKeyProvider(key_provider));
            let store = Store::open(parse_path(&path)?, provider, options)?;
            Ok(Arc::new(Hearth { store: Slot::new(store) }))
        })
    }

    fn store(&self) -> Result<Store, HearthError> {
        self.store.get("database")
    }
}

#[uniffi::export]
impl Hearth {
    /// Creates a database at `path` (which must not exist) for a phone being
    /// provisioned, pinned to the authority's 32-byte public key. This
    /// handle may enrol users until `finish_provisioning()`.
    #[uniffi::constructor]
    pub fn create(
        path: String,
        key_provider: Arc<dyn KeyProvider>,
        authority_key: Vec<u8>,
    ) -> Result<Arc<Self>, HearthError> {
        Hearth::create_with(path, key_provider, authority_key, StoreOptions::default())
    }

    /// Opens an existing database. A damaged file is moved aside
    /// (`HearthError.Corrupt`); no PIN is needed until `unlock`.
    #[uniffi::constructor]
    pub fn open(path: String, key_provider: Arc<dyn KeyProvider>) -> Result<Arc<Self>, HearthError> {
        Hearth::open_with(path, key_provider, StoreOptions::default())
    }

    /// The database's id (what the key provider is asked for).
    pub fn store_id(&self) -> Result<String, HearthError> {
        guard(|| Ok(self.store()?.store_id().to_owned()))
    }

    /// Everyone enrolled on this phone, for the sign-in screen.
    pub fn users(&self) -> Result<Vec<UserInfo>, HearthError> {
        guard(|| Ok(self.store()?.users()?.into_iter().map(UserInfo::from).collect()))
    }

    /// Imports administrative units (CSV) while provisioning; returns how
    /// many were read.
    pub fn import_units_csv(&self, csv: String) -> Result<u32, HearthError> {
        guard(|| {
            let n = self.store()?.import_units_csv(&csv)?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        })
    }

    /// Starts enrolling a user while provisioning: makes their keys and
    /// returns the request the authority signs.
    pub fn begin_enrollment(&self, display_name: String, pin: String) -> Result<Enrollment, HearthError> {
        guard(|| {
            let request = self.store()?.begin_enrollment(&display_name, &parse_pin(pin)?)?;
            Ok(Enrollment { user_id: request.user_id.to_string(), request: request.to_bytes()? })
        })
    }

    /// Installs a certificate the authority issued for a user enrolled here.
    pub fn install_certificate(&self, certificate: Vec<u8>) -> Result<UserInfo, HearthError> {
        guard(|| Ok(self.store()?.install_certificate(&certificate)?.into()))
    }

    /// Adds a colleague's certificate (from another phone), so packets can
    /// be addressed to them and their changes verified; returns their id.
    pub fn add_certificate(&self, certificate: Vec<u8>) -> Result<String, HearthError> {
        guard(|| Ok(self.store()?.add_certificate(&certificate)?.to_string()))
    }

    /// While provisioning: wraps the data key to the province's 32-byte
    /// X25519 recovery public key, so the province can recover this phone's
    /// unsynced data if its keystore is lost (`docs/adr/0401-key-recovery.md`).
    /// Recovery itself needs the province's private key and is not offered
    /// here.
    pub fn set_recovery_key(&self, public_key: Vec<u8>) -> Result<(), HearthError> {
        guard(|| {
            let key: [u8; 32] = public_key
                .try_into()
                .map_err(|_| HearthError::invalid("recovery_key", "must be 32 bytes"))?;
            Ok(self.store()?.set_recovery_key(&RecoveryPublicKey(key))?)
        })
    }

    /// Ends provisioning: this handle forgets the data key.
    pub fn finish_provisioning(&self) -> Result<(), HearthError> {
        guard(|| {
            self.store()?.finish_provisioning();
            Ok(())
        })
    }

    /// Unlocks `user_id` with their PIN: one PIN KDF run (about a second on
    /// a phone), so call it off the main thread.
    pub fn unlock(&self, user_id: String, pin: String) -> Result<Arc<Session>, HearthError> {
        guard(|| {
            let user = uuid("user_id", &user_id)?;
            let session = self.store()?.unlock(user, &parse_pin(pin)?)?;
            Ok(Arc::new(Session::new(session)))
        })
    }

    /// Changes a user's PIN; the old one must unlock.
    pub fn change_pin(&self, user_id: String, old_pin: String, new_pin: String) -> Result<(), HearthError> {
        guard(|| {
            let user = uuid("user_id", &user_id)?;
            Ok(self.store()?.change_pin(user, &parse_pin(old_pin)?, &parse_pin(new_pin)?)?)
        })
    }

    /// Closes the database for this handle now; later calls answer
    /// `HearthError.Closed`. Sessions already unlocked keep working until
    /// locked; the file closes when the last one is.
    pub fn close_database(&self) {
        self.store.close();
    }
}

/// Test builds only: the same constructors with a fast PIN KDF.
#[cfg(feature = "testing")]
#[uniffi::export]
impl Hearth {
    /// `create` with a 2-iteration PIN KDF. Tests only; absent from app builds.
    #[uniffi::constructor]
    pub fn create_insecure_fast_kdf(
        path: String,
        key_provider: Arc<dyn KeyProvider>,
        authority_key: Vec<u8>,
    ) -> Result<Arc<Self>, HearthError> {
        Hearth::create_with(path, key_provider, authority_key, StoreOptions::default().insecure_fast_kdf())
    }

    /// `open` with a 2-iteration PIN KDF. Tests only; absent from app builds.
    #[uniffi::constructor]
    pub fn open_insecure_fast_kdf(
        path: String,
        key_provider: Arc<dyn KeyProvider>,
    ) -> Result<Arc<Self>, HearthError> {
        Hearth::open_with(path, key_provider, StoreOptions::default().insecure_fast_kdf())
    }
}

/// A deployment authority's signing key, for tests and tools: in the field
/// the authority lives in the CLI, never on a phone.
#[derive(uniffi::Object)]
pub struct Authority {
    inner: identity::Authority,
}

#[uniffi::export]
impl Authority {
    /// A new authority key.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<Self>, HearthError> {
        guard(|| Ok(Arc::new(Authority { inner: identity::Authority::generate()? })))
    }

    /// The 32-byte public key phones pin.
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.public_key().0.to_vec()
    }

    /// Issues a certificate for an enrollment request, valid from now for
    /// `valid_days` days.
    pub fn issue(
        &self,
        request: Vec<u8>,
        role: Role,
        scope: Vec<String>,
        valid_days: i64,
    ) -> Result<Vec<u8>, HearthError> {
        guard(|| {
            let request = EnrollmentRequest::from_bytes(&request).map_err(hearth_core::Error::from)?;
            let now = Utc::now();
            let until = TimeDelta::try_days(valid_days)
                .and_then(|d| now.checked_add_signed(d))
                .ok_or_else(|| HearthError::invalid("valid_days", "is out of range"))?;
            let cert = self.inner.issue(&request, role.into(), scope, now, until)?;
            Ok(cert.to_bytes()?)
        })
    }
}
