//! A signed-in user: their certificate, the unlocked data key, their private
//! keys, and the checks every act goes through (role, scope, ownership).

use std::sync::Arc;

use chrono::NaiveDate;
use ring::signature::Ed25519KeyPair;
use uuid::Uuid;

use super::Store;
use super::blind::BlindIndex;
use super::keys::Pin;
use super::seal::{Sealer, SecretKey};
use crate::error::{Error, Result};
use crate::identity::{Certificate, EnrollmentRequest, Role, UserKeys};

/// What one unlocked user may do. Dropping it forgets the keys.
pub struct Session {
    pub(crate) store: Store,
    cert: Certificate,
    dek: Arc<SecretKey>,
    pub(crate) records: Sealer,
    pub(crate) names: BlindIndex,
    pub(crate) national_ids: BlindIndex,
    keys: UserKeys,
    signer: Ed25519KeyPair,
}

impl Session {
    pub(crate) fn new(
        store: Store,
        cert: Certificate,
        dek: Arc<SecretKey>,
        records: Sealer,
        keys: UserKeys,
    ) -> Result<Self> {
        Ok(Session {
            names: BlindIndex::new(&dek, "households", "member_name")?,
            national_ids: BlindIndex::new(&dek, "households", "member_national_id")?,
            signer: keys.signing_pair()?,
            store,
            cert,
            dek,
            records,
            keys,
        })
    }

    /// The signed-in user's id.
    pub fn user_id(&self) -> Uuid {
        self.cert.body.user_id
    }

    /// The signed-in user's role.
    pub fn role(&self) -> Role {
        self.cert.body.role
    }

    /// Unit codes the user may act in.
    pub fn scope(&self) -> &[String] {
        &self.cert.body.scope
    }

    /// The user's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The store this session belongs to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn data_key(&self) -> &SecretKey {
        &self.dek
    }

    pub(crate) fn keys(&self) -> &UserKeys {
        &self.keys
    }

    /// Signs `message` with the user's Ed25519 key.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.signer.sign(message).as_ref().to_vec()
    }

    /// Today, by the store's clock.
    pub fn today(&self) -> NaiveDate {
        self.store.inner.options.clock.today()
    }

    /// Whether `unit` lies inside the user's scope today.
    pub fn in_scope(&self, unit: &str) -> bool {
        let today = self.today();
        let units = self.store.inner.units.read().unwrap_or_else(|p| p.into_inner());
        self.scope().iter().any(|s| units.is_within(unit, s, today))
    }

    /// Refuses unless the user may read records of `unit`.
    pub(crate) fn require_read(&self, unit: &str) -> Result<()> {
        if !self.in_scope(unit) {
            return Err(Error::NotPermitted { reason: "the unit is outside the user's scope" });
        }
        Ok(())
    }

    /// Refuses unless the user may edit households of `unit`.
    pub(crate) fn require_household_edit(&self, unit: &str) -> Result<()> {
        if !self.role().edits_households() {
            return Err(Error::NotPermitted { reason: "the role may not edit households" });
        }
        self.require_read(unit)
    }

    fn require_provisioning(&self) -> Result<()> {
        if !self.role().provisions() {
            return Err(Error::NotPermitted { reason: "only an administrator may provision" });
        }
        Ok(())
    }

    /// Enrols another user on this phone (administrators only).
    pub fn begin_enrollment(&self, display_name: &str, pin: &Pin) -> Result<EnrollmentRequest> {
        self.require_provisioning()?;
        self.store.enroll_with(&self.dek, display_name, pin)
    }

    /// Imports units from CSV (administrators only).
    pub fn import_units_csv(&self, csv: &str) -> Result<usize> {
        self.require_provisioning()?;
        self.store.import_units_unchecked(csv)
    }
}
