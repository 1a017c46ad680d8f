//! Enrollment, certificates and unlock with wrong-PIN lockout.
//!
//! Unlock order: refuse while locked out (no KDF run); refuse a wrap a
//! recovery voided (key mismatch, no attempt); compare the device
//! secret's fingerprint (a changed keystore is a key mismatch, not the user's
//! fault, and costs no attempt); run the PIN KDF once; unwrap the data key
//! (failure counts an attempt); open the canary (failure: key mismatch); open
//! the user's private keys; verify the certificate.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::keys::{KdfParams, Pin, device_fingerprint, fetch_device_secret, unlock_key};
use super::open::{canary_binding, record_sealer};
use super::seal::{Binding, Cipher, Sealer, SecretKey};
use super::session::Session;
use super::{Store, lock};
use crate::error::{Error, Result};
use crate::identity::{Certificate, CertificateError, EnrollmentRequest, Role, UserKeys, check_display_name};

/// When repeated wrong PINs lock a user out, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Wrong PINs allowed before the first lockout.
    pub free_attempts: u32,
    /// The first lockout; each further wrong PIN doubles it.
    pub first_delay_secs: u64,
    /// The longest lockout.
    pub max_delay_secs: u64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy { free_attempts: 5, first_delay_secs: 30, max_delay_secs: 24 * 3600 }
    }
}

impl LockoutPolicy {
    /// The lockout after `failures` consecutive wrong PINs (0 = none).
    pub fn delay_after(&self, failures: u32) -> u64 {
        if failures < self.free_attempts {
            return 0;
        }
        let doublings = (failures - self.free_attempts).min(32);
        self.first_delay_secs.saturating_mul(1u64 << doublings).min(self.max_delay_secs)
    }
}

/// A user as the sign-in screen lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub id: Uuid,
    pub display_name: String,
    /// `None` until the certificate is installed.
    pub role: Option<Role>,
    pub scope: Vec<String>,
}

fn wrap_binding<'a>(id: &'a Uuid, column: &'static str) -> Binding<'a> {
    Binding { table: "users", row: id.as_bytes(), column, schema: 1 }
}

impl Store {
    /// Starts enrolling a user while provisioning: makes their keys, wraps
    /// the data key under their PIN, and returns the request the authority
    /// signs. The user can unlock once the certificate is installed.
    pub fn begin_enrollment(&self, display_name: &str, pin: &Pin) -> Result<EnrollmentRequest> {
        let dek = lock(&self.inner.provisioning)
            .clone()
            .ok_or(Error::NotPermitted { reason: "enrollment needs provisioning or an administrator" })?;
        self.enroll_with(&dek, display_name, pin)
    }

    pub(crate) fn enroll_with(
        &self,
        dek: &SecretKey,
        display_name: &str,
        pin: &Pin,
    ) -> Result<EnrollmentRequest> {
        check_display_name(display_name)?;
        let id = Uuid::now_v7();
        let keys = UserKeys::generate()?;
        let request = keys.request(id, display_name.trim())?;
        let params = KdfParams::fresh(self.inner.options.kdf_iterations())?;
        let secret = fetch_device_secret(self.inner.provider.as_ref(), self.store_id())?;
        let unlock = unlock_key(&secret, pin, &params, &self.inner.kdf_runs)?;
        let wrap = Sealer::new(&unlock, b"user-wrap", Cipher::Aes256Gcm)?;
        let wrapped_dek = wrap.seal(wrap_binding(&id, "wrapped_dek"), dek.expose())?;
        let sealed_keys = wrap.seal(wrap_binding(&id, "sealed_keys"), keys.as_bytes())?;
        self.writer().execute(
            "INSERT INTO users (id, request, kdf_iterations, kdf_salt, wrapped_dek, sealed_keys, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.as_bytes(),
                request.to_bytes()?,
                params.iterations,
                params.salt,
                wrapped_dek,
                sealed_keys,
                self.now_ms()
            ],
        )?;
        Ok(request)
    }

    /// Installs a certificate for a user enrolled on this phone. It must be
    /// signed by the pinned authority, valid now, and carry the user's keys.
    pub fn install_certificate(&self, bytes: &[u8]) -> Result<UserInfo> {
        let cert = Certificate::from_bytes(bytes)?;
        self.authority().verify(&cert, self.inner.options.clock.now())?;
        let id = cert.body.user_id;
        let w = self.writer();
        let request: Vec<u8> = w
            .query_row("SELECT request FROM users WHERE id = ?1", [id.as_bytes()], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { kind: "user" })?;
        let request = EnrollmentRequest::from_bytes(&request)?;
        if request.signing_key != cert.body.signing_key || request.agreement_key != cert.body.agreement_key {
            return Err(CertificateError::KeysDoNotMatch.into());
        }
        w.execute("UPDATE users SET certificate = ?1 WHERE id = ?2", params![bytes, id.as_bytes()])?;
        Ok(info(&request, Some(&cert)))
    }

    /// Everyone enrolled on this phone, for the sign-in screen.
    pub fn users(&self) -> Result<Vec<UserInfo>> {
        let r = self.reader();
        let mut stmt = r.prepare("SELECT request, certificate FROM users ORDER BY created_at, id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (req, cert) = row?;
            let req = EnrollmentRequest::from_bytes(&req)?;
            let cert = cert.map(|c| Certificate::from_bytes(&c)).transpose()?;
            out.push(info(&req, cert.as_ref()));
        }
        Ok(out)
    }

    /// Unlocks `user` with `pin`, returning their session.
    pub fn unlock(&self, user: Uuid, pin: &Pin) -> Result<Session> {
        let now = self.inner.options.clock.now();
        let row = self
            .reader()
            .query_row(
                "SELECT certificate, kdf_iterations, kdf_salt, wrapped_dek, sealed_keys, failed_attempts, locked_until,
                        wrap_void
                 FROM users WHERE id = ?1",
                [user.as_bytes()],
                |r| {
                    Ok((
                        r.get::<_, Option<Vec<u8>>>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                        r.get::<_, Vec<u8>>(4)?,
                        r.get::<_, u32>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, bool>(7)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::NotFound { kind: "user" })?;
        let (cert, iterations, salt, wrapped_dek, sealed_keys, failures, locked_until, void) = row;
        let failures: u32 = failures;
        if locked_until > now.timestamp() {
            return Err(Error::LockedOut { retry_after_secs: (locked_until - now.timestamp()) as u64 });
        }
        // A wrap made under a device secret that a recovery replaced can
        // never open: a key mismatch, not a wrong PIN.
        if void {
            return Err(Error::KeyMismatch);
        }
        let secret = fetch_device_secret(self.inner.provider.as_ref(), self.store_id())?;
        if device_fingerprint(&secret, self.store_id())? != self.inner.meta.device_fingerprint {
            return Err(Error::KeyMismatch);
        }
        let salt: [u8; 16] = salt.try_into().map_err(|_| Error::Decode("user"))?;
        let unlock = unlock_key(&secret, pin, &KdfParams { iterations, salt }, &self.inner.kdf_runs)?;
        let wrap = Sealer::new(&unlock, b"user-wrap", Cipher::Aes256Gcm)?;
        let dek = match wrap.open(wrap_binding(&user, "wrapped_dek"), &wrapped_dek) {
            Ok(d) => SecretKey::from_slice(&d)?,
            Err(_) => return Err(self.record_failure(user, now)),
        };
        let records = record_sealer(&dek, self.inner.meta.cipher)?;
        records.open(canary_binding(), &self.inner.meta.canary).map_err(|_| Error::KeyMismatch)?;
        let keys = UserKeys::from_bytes(&wrap.open(wrap_binding(&user, "sealed_keys"), &sealed_keys)?)?;
        if failures > 0 {
            self.writer().execute(
                "UPDATE users SET failed_attempts = 0, locked_until = 0 WHERE id = ?1",
                [user.as_bytes()],
            )?;
        }
        let cert = cert.ok_or(Error::NotPermitted { reason: "enrollment is not complete" })?;
        let cert = Certificate::from_bytes(&cert)?;
        self.authority().verify(&cert, now)?;
        if cert.body.signing_key != keys.signing_public()? {
            return Err(CertificateError::KeysDoNotMatch.into());
        }
        Session::new(self.clone(), cert, Arc::new(dek), records, keys)
    }

    /// Counts a wrong PIN atomically (parallel unlocks cannot lose a count)
    /// and locks the user out once the free attempts are spent.
    fn record_failure(&self, user: Uuid, now: DateTime<Utc>) -> Error {
        let policy = self.inner.options.lockout;
        let w = self.writer();
        let counted = w.query_row(
            "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = ?1 RETURNING failed_attempts",
            [user.as_bytes()],
            |r| r.get::<_, u32>(0),
        );
        let failures = match counted {
            Ok(n) => n,
            Err(e) => return e.into(),
        };
        let delay = policy.delay_after(failures);
        if delay == 0 {
            return Error::WrongPin { attempts_left: policy.free_attempts.saturating_sub(failures) };
        }
        match w.execute(
            "UPDATE users SET locked_until = ?1 WHERE id = ?2",
            params![now.timestamp() + delay as i64, user.as_bytes()],
        ) {
            Ok(_) => Error::LockedOut { retry_after_secs: delay },
            Err(e) => e.into(),
        }
    }

    /// Changes a user's PIN: the old PIN must unlock; the data key and the
    /// user's keys are re-wrapped under the new PIN with a fresh salt.
    pub fn change_pin(&self, user: Uuid, old: &Pin, new: &Pin) -> Result<()> {
        let session = self.unlock(user, old)?;
        let params = KdfParams::fresh(self.inner.options.kdf_iterations())?;
        let secret = fetch_device_secret(self.inner.provider.as_ref(), self.store_id())?;
        let unlock = unlock_key(&secret, new, &params, &self.inner.kdf_runs)?;
        let wrap = Sealer::new(&unlock, b"user-wrap", Cipher::Aes256Gcm)?;
        let wrapped_dek = wrap.seal(wrap_binding(&user, "wrapped_dek"), session.data_key().expose())?;
        let sealed_keys = wrap.seal(wrap_binding(&user, "sealed_keys"), session.keys().as_bytes())?;
        self.writer().execute(
            "UPDATE users SET kdf_iterations = ?1, kdf_salt = ?2, wrapped_dek = ?3, sealed_keys = ?4 WHERE id = ?5",
            params![params.iterations, params.salt, wrapped_dek, sealed_keys, user.as_bytes()],
        )?;
        Ok(())
    }
}

fn info(request: &EnrollmentRequest, cert: Option<&Certificate>) -> UserInfo {
    UserInfo {
        id: request.user_id,
        display_name: request.display_name.clone(),
        role: cert.map(|c| c.body.role),
        scope: cert.map(|c| c.body.scope.clone()).unwrap_or_default(),
    }
}
