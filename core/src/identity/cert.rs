//! The deployment authority and the certificates it issues.
//!
//! A province (or the ministry) holds an Ed25519 key — in the CLI, never on a
//! phone — and signs each user's certificate: id, name, role, scope, public
//! keys and validity. Phones pin the authority's public key when provisioned
//! and accept only certificates it signed. A phone makes the user's key pairs
//! and an [`EnrollmentRequest`] signed with the new signing key (proof of
//! possession); the certificate comes back as a file or a QR payload.

use chrono::{DateTime, Utc};
use ring::digest;
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::Role;
use crate::error::{Error, Result};

const CERT_CONTEXT: &[u8] = b"hearth/certificate/v1\0";
const REQUEST_CONTEXT: &[u8] = b"hearth/enrollment-request/v1\0";

/// Why a certificate or request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("it does not decode")]
    Malformed,
    #[error("its signature does not verify")]
    BadSignature,
    #[error("it was issued by another authority")]
    WrongAuthority,
    #[error("it has expired")]
    Expired,
    #[error("it is not valid yet")]
    NotYetValid,
    #[error("its keys are not this user's")]
    KeysDoNotMatch,
}

/// What the authority signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateBody {
    pub format: u8,
    pub user_id: Uuid,
    pub display_name: String,
    pub role: Role,
    /// Unit codes the user may act in.
    pub scope: Vec<String>,
    /// Ed25519 public key: signs the user's acts.
    pub signing_key: [u8; 32],
    /// X25519 public key: sync packets are sealed to it.
    pub agreement_key: [u8; 32],
    /// Unix seconds, inclusive.
    pub valid_from: i64,
    /// Unix seconds, exclusive.
    pub valid_until: i64,
    /// The issuing authority's key id.
    pub authority: [u8; 8],
}

/// A signed user certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub body: CertificateBody,
    pub signature: Vec<u8>,
}

impl Certificate {
    /// The certificate as bytes (a file or QR payload).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(self).map_err(|_| Error::Crypto("encode certificate"))
    }

    /// Decodes bytes; the signature is checked by [`AuthorityKey::verify`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CertificateError> {
        postcard::from_bytes(bytes).map_err(|_| CertificateError::Malformed)
    }
}

/// A user's request to be enrolled, signed by the key it asks to certify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentRequest {
    pub user_id: Uuid,
    pub display_name: String,
    pub signing_key: [u8; 32],
    pub agreement_key: [u8; 32],
    pub proof: Vec<u8>,
}

impl EnrollmentRequest {
    pub(crate) fn signed_part(
        user_id: Uuid,
        name: &str,
        signing_key: &[u8; 32],
        agreement_key: &[u8; 32],
    ) -> Result<Vec<u8>> {
        let mut m = REQUEST_CONTEXT.to_vec();
        m.extend(
            postcard::to_stdvec(&(user_id, name, signing_key, agreement_key))
                .map_err(|_| Error::Crypto("encode request"))?,
        );
        Ok(m)
    }

    /// The request as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(self).map_err(|_| Error::Crypto("encode request"))
    }

    /// Decodes and checks the proof of possession.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CertificateError> {
        let r: Self = postcard::from_bytes(bytes).map_err(|_| CertificateError::Malformed)?;
        r.verify()?;
        Ok(r)
    }

    fn verify(&self) -> Result<(), CertificateError> {
        let m = Self::signed_part(self.user_id, &self.display_name, &self.signing_key, &self.agreement_key)
            .map_err(|_| CertificateError::Malformed)?;
        UnparsedPublicKey::new(&ED25519, &self.signing_key)
            .verify(&m, &self.proof)
            .map_err(|_| CertificateError::BadSignature)
    }
}

/// An authority's public key, pinned on phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityKey(pub [u8; 32]);

impl AuthorityKey {
    /// A short id: the first 8 bytes of SHA-256 over the key.
    pub fn id(&self) -> [u8; 8] {
        let d = digest::digest(&digest::SHA256, &self.0);
        let mut id = [0u8; 8];
        id.copy_from_slice(&d.as_ref()[..8]);
        id
    }

    /// Checks issuer, signature and validity at `now`.
    pub fn verify(&self, cert: &Certificate, now: DateTime<Utc>) -> Result<(), CertificateError> {
        if cert.body.authority != self.id() {
            return Err(CertificateError::WrongAuthority);
        }
        let m = signed_body(&cert.body).map_err(|_| CertificateError::Malformed)?;
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(&m, &cert.signature)
            .map_err(|_| CertificateError::BadSignature)?;
        let t = now.timestamp();
        if t < cert.body.valid_from {
            return Err(CertificateError::NotYetValid);
        }
        if t >= cert.body.valid_until {
            return Err(CertificateError::Expired);
        }
        Ok(())
    }
}

fn signed_body(body: &CertificateBody) -> Result<Vec<u8>> {
    let mut m = CERT_CONTEXT.to_vec();
    m.extend(postcard::to_stdvec(body).map_err(|_| Error::Crypto("encode certificate"))?);
    Ok(m)
}

/// The deployment authority's signing key. No `Debug`; the PKCS#8 bytes are
/// wiped when dropped and leave only through [`Authority::export_pkcs8`].
pub struct Authority {
    pair: Ed25519KeyPair,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl Authority {
    /// A new authority key.
    pub fn generate() -> Result<Self> {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())?;
        Self::from_pkcs8(doc.as_ref())
    }

    /// Loads a key exported with [`Authority::export_pkcs8`].
    pub fn from_pkcs8(bytes: &[u8]) -> Result<Self> {
        let pair = Ed25519KeyPair::from_pkcs8(bytes)
            .map_err(|_| Error::invalid("authority key", "not PKCS#8 Ed25519"))?;
        Ok(Authority { pair, pkcs8: Zeroizing::new(bytes.to_vec()) })
    }

    /// The one export of the private key: PKCS#8 bytes for the authority's
    /// own safekeeping (the CLI writes them to a file readable by its owner).
    pub fn export_pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key phones pin.
    pub fn public_key(&self) -> AuthorityKey {
        let mut k = [0u8; 32];
        k.copy_from_slice(self.pair.public_key().as_ref());
        AuthorityKey(k)
    }

    /// Issues a certificate for a request whose proof of possession verifies.
    pub fn issue(
        &self,
        request: &EnrollmentRequest,
        role: Role,
        scope: Vec<String>,
        valid_from: DateTime<Utc>,
        valid_until: DateTime<Utc>,
    ) -> Result<Certificate> {
        request.verify()?;
        if valid_until <= valid_from {
            return Err(Error::invalid("valid_until", "must be after valid_from"));
        }
        if scope.is_empty() {
            return Err(Error::invalid("scope", "must name at least one unit"));
        }
        let body = CertificateBody {
            format: 1,
            user_id: request.user_id,
            display_name: request.display_name.clone(),
            role,
            scope,
            signing_key: request.signing_key,
            agreement_key: request.agreement_key,
            valid_from: valid_from.timestamp(),
            valid_until: valid_until.timestamp(),
            authority: self.public_key().id(),
        };
        let signature = self.pair.sign(&signed_body(&body)?).as_ref().to_vec();
        Ok(Certificate { body, signature })
    }
}
