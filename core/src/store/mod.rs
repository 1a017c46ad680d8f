//! The encrypted local store: one SQLite file per phone.
//!
//! [`Store`] owns the file: opening and creating it, the connection
//! discipline (one writer, one reader, WAL, `synchronous=FULL`, foreign keys,
//! no mmap), migrations, quarantine of a corrupt file, enrollment and unlock.
//! Unlocking yields a [`Session`]: what one signed-in user may do. Personal
//! data is sealed whole-record ([`seal`]) under the database's data key
//! ([`keys`]) and found through blind indexes ([`blind`]). The data key is
//! also wrapped to a province's recovery key ([`RecoveryKey`]).

mod assignments;
mod attachments;
mod audit;
pub mod blind;
mod cycles;
mod households;
mod inbox;
mod inspect;
mod interviews;
pub mod keys;
mod lists;
mod open;
mod recovery;
pub mod schema;
pub mod seal;
mod session;
mod sync;
mod units;
mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rusqlite::Connection;

pub use assignments::WorkItem;
pub use attachments::{AttachmentInfo, AttachmentKind, CHUNK_BYTES, MAX_ATTACHMENT_BYTES};
pub use inbox::{InterviewSummary, StatusCount};
pub use inspect::Inspection;
pub use keys::{DEFAULT_KDF_ITERATIONS, KeyProvider, KeyProviderError, Pin};
pub use lists::CertifySummary;
pub use recovery::{RecoveryKey, RecoveryPublicKey};
pub use seal::Cipher;
pub use session::Session;
pub use sync::{Conflict, ImportSummary};
pub use users::{LockoutPolicy, UserInfo};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::identity::AuthorityKey;
use crate::units::UnitRegistry;
use keys::KdfCounter;
use seal::SecretKey;

/// How a store is created and run.
#[derive(Clone)]
pub struct StoreOptions {
    /// The AEAD new values are sealed with (chosen at creation).
    pub cipher: Cipher,
    kdf_iterations: u32,
    /// Where the store reads the time.
    pub clock: Arc<dyn Clock>,
    /// Wrong-PIN lockout.
    pub lockout: LockoutPolicy,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            cipher: Cipher::default(),
            kdf_iterations: DEFAULT_KDF_ITERATIONS,
            clock: Arc::new(SystemClock),
            lockout: LockoutPolicy::default(),
        }
    }
}

impl StoreOptions {
    /// Reads the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// PBKDF2 iterations for users enrolled from now on; at least
    /// [`DEFAULT_KDF_ITERATIONS`].
    pub fn with_kdf_iterations(mut self, n: u32) -> Result<Self> {
        if n < DEFAULT_KDF_ITERATIONS {
            return Err(Error::invalid("kdf_iterations", "must be at least 600000"));
        }
        self.kdf_iterations = n;
        Ok(self)
    }

    /// A fast PIN KDF for tests and benchmarks only. The feature that enables
    /// it is never on in app builds.
    #[cfg(any(test, feature = "insecure-fast-kdf"))]
    pub fn insecure_fast_kdf(mut self) -> Self {
        self.kdf_iterations = 2;
        self
    }

    /// The PBKDF2 iteration count in force.
    pub fn kdf_iterations(&self) -> u32 {
        self.kdf_iterations
    }
}

/// Clear facts about the database, read at open.
pub(crate) struct Meta {
    pub store_id: String,
    pub cipher: Cipher,
    pub device_fingerprint: [u8; 16],
    pub authority: AuthorityKey,
    pub canary: Vec<u8>,
}

pub(crate) struct Inner {
    pub path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    pub provider: Arc<dyn KeyProvider>,
    pub options: StoreOptions,
    pub meta: Meta,
    pub units: RwLock<UnitRegistry>,
    /// The data key, held only by the handle that created the database until
    /// provisioning ends.
    pub provisioning: Mutex<Option<Arc<SecretKey>>>,
    pub kdf_runs: KdfCounter,
}

/// An open database. Cheap to clone; all clones share one file and writer.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

impl Store {
    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The database's id (also what the key provider is asked for).
    pub fn store_id(&self) -> &str {
        &self.inner.meta.store_id
    }

    /// The authority this phone was provisioned with.
    pub fn authority(&self) -> AuthorityKey {
        self.inner.meta.authority
    }

    /// PIN KDF runs since this store was opened.
    pub fn kdf_runs(&self) -> u64 {
        self.inner.kdf_runs.get()
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.reader())
    }

    /// Ends provisioning: the creating handle forgets the data key.
    pub fn finish_provisioning(&self) {
        *lock(&self.inner.provisioning) = None;
    }

    pub(crate) fn writer(&self) -> MutexGuard<'_, Connection> {
        lock(&self.inner.writer)
    }

    pub(crate) fn reader(&self) -> MutexGuard<'_, Connection> {
        lock(&self.inner.reader)
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.inner.options.clock.now().timestamp_millis()
    }
}

/// Locks a mutex; a poisoned lock is taken over, since every write is a
/// transaction that SQLite rolled back if the holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
