//! Users, roles, scopes, user keys and certificates.
//!
//! A user is known to a phone by a certificate from the deployment authority
//! ([`cert`]). Their private keys — an Ed25519 key that signs their acts and
//! an X25519 key that sync packets are sealed to — are made on the phone and
//! sealed under that user's own unlock key, so one officer cannot sign as
//! another on a shared phone. What each role may do is decided here, in
//! [`Role`]'s methods, and checked by every mutating store call.

pub mod cert;

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use cert::{Authority, AuthorityKey, Certificate, CertificateBody, CertificateError, EnrollmentRequest};

use crate::error::{Error, Result};
use hpke::{Kem, Serializable, kem::X25519HkdfSha256};

/// What a user is in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Interviews households in their scope.
    Officer,
    /// Reviews officers' interviews in their scope.
    Supervisor,
    /// Provisions phones and units; does not edit household data.
    Administrator,
}

impl Role {
    /// Whether the role may create and edit household records.
    pub fn edits_households(self) -> bool {
        matches!(self, Role::Officer | Role::Supervisor)
    }

    /// Whether the role may enrol users on a phone and import units.
    pub fn provisions(self) -> bool {
        matches!(self, Role::Administrator)
    }

    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Administrator => "administrator",
        }
    }
}

/// A user's private keys (seeds). No `Debug`; wiped when dropped.
pub(crate) struct UserKeys {
    seeds: Zeroizing<[u8; 64]>,
}

impl UserKeys {
    pub(crate) fn generate() -> Result<Self> {
        let mut seeds = Zeroizing::new([0u8; 64]);
        SystemRandom::new().fill(&mut seeds[..]).map_err(|_| Error::Crypto("random"))?;
        Ok(UserKeys { seeds })
    }

    pub(crate) fn from_bytes(b: &[u8]) -> Result<Self> {
        let arr: [u8; 64] = b.try_into().map_err(|_| Error::Decode("user keys"))?;
        Ok(UserKeys { seeds: Zeroizing::new(arr) })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.seeds[..]
    }

    pub(crate) fn signing_pair(&self) -> Result<Ed25519KeyPair> {
        Ed25519KeyPair::from_seed_unchecked(&self.seeds[..32]).map_err(|_| Error::Crypto("ed25519 seed"))
    }

    pub(crate) fn signing_public(&self) -> Result<[u8; 32]> {
        let mut k = [0u8; 32];
        k.copy_from_slice(self.signing_pair()?.public_key().as_ref());
        Ok(k)
    }

    pub(crate) fn agreement_seed(&self) -> &[u8] {
        &self.seeds[32..]
    }

    pub(crate) fn agreement_public(&self) -> [u8; 32] {
        let (_, public) = X25519HkdfSha256::derive_keypair(&self.seeds[32..]);
        let mut k = [0u8; 32];
        k.copy_from_slice(&public.to_bytes());
        k
    }

    /// A signed enrollment request for these keys.
    pub(crate) fn request(&self, user_id: uuid::Uuid, display_name: &str) -> Result<EnrollmentRequest> {
        let signing_key = self.signing_public()?;
        let agreement_key = self.agreement_public();
        let m = EnrollmentRequest::signed_part(user_id, display_name, &signing_key, &agreement_key)?;
        let proof = self.signing_pair()?.sign(&m).as_ref().to_vec();
        Ok(EnrollmentRequest {
            user_id,
            display_name: display_name.to_owned(),
            signing_key,
            agreement_key,
            proof,
        })
    }
}

/// Checks a display name: 1 to 100 characters, no control characters.
pub fn check_display_name(name: &str) -> Result<()> {
    let n = name.trim().chars().count();
    if n == 0 || n > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid("display_name", "must be 1 to 100 printable characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
