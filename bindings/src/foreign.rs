//! Traits the app implements: [`KeyProvider`] (the device secret, from the
//! platform keystore) and [`ProgressListener`] (progress and cancellation of
//! long calls), and the adapter that hands a foreign key provider to the core.
//!
//! A foreign implementation may throw or panic; neither reaches the core as
//! anything but a typed refusal.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use hearth_core::store::{self, KeyProviderError};
use zeroize::Zeroizing;

use crate::HearthError;

/// Supplies the device secret that, with a user's PIN, unlocks a database.
///
/// Implement it with the platform keystore (Android Keystore, iOS Keychain
/// or Secure Enclave): return the same 32 random bytes every time for the
/// same `store_id`, created on first use and never leaving the device. Throw
/// `HearthError.KeyProvider` when the keystore refuses.
#[uniffi::export(foreign)]
pub trait KeyProvider: Send + Sync {
    /// The device secret for the database `store_id` (at least 16 bytes).
    fn device_secret(&self, store_id: String) -> Result<Vec<u8>, HearthError>;
}

/// Told how far a long call has got; answers whether to keep going.
#[uniffi::export(foreign)]
pub trait ProgressListener: Send + Sync {
    /// `done` of `total` steps are finished. Return `false` to cancel: the
    /// call then fails with `HearthError.Cancelled` and writes nothing.
    fn on_progress(&self, done: u64, total: u64) -> bool;
}

/// Asks `listener` (if any) whether to go on after `done` of `total` steps.
pub(crate) fn keep_going(
    listener: Option<&Arc<dyn ProgressListener>>,
    done: u64,
    total: u64,
) -> Result<(), HearthError> {
    match listener {
        Some(l) if !l.on_progress(done, total) => Err(HearthError::Cancelled),
        _ => Ok(()),
    }
}

/// The core's view of a foreign key provider.
pub(crate) struct CoreKeyProvider(pub Arc<dyn KeyProvider>);

impl store::KeyProvider for CoreKeyProvider {
    fn device_secret(&self, store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        match catch_unwind(AssertUnwindSafe(|| self.0.device_secret(store_id.to_owned()))) {
            Ok(Ok(secret)) => Ok(Zeroizing::new(secret)),
            Ok(Err(HearthError::KeyProvider { reason })) => Err(KeyProviderError { reason }),
            Ok(Err(other)) => Err(KeyProviderError { reason: other.to_string() }),
            Err(_) => Err(KeyProviderError { reason: "the key provider panicked".into() }),
        }
    }
}
