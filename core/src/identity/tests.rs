use chrono::{Duration, TimeZone, Utc};

use super::*;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0).unwrap()
}

fn issued(authority: &Authority) -> Certificate {
    let keys = UserKeys::generate().unwrap();
    let req = keys.request(uuid::Uuid::now_v7(), "Cán bộ Lò Văn Tú").unwrap();
    let req = EnrollmentRequest::from_bytes(&req.to_bytes().unwrap()).unwrap();
    authority
        .issue(
            &req,
            Role::Officer,
            vec!["01108".into()],
            now() - Duration::days(1),
            now() + Duration::days(365),
        )
        .unwrap()
}

#[test]
fn issued_certificate_verifies_under_its_authority() {
    let a = Authority::generate().unwrap();
    let c = issued(&a);
    let c = Certificate::from_bytes(&c.to_bytes().unwrap()).unwrap();
    assert_eq!(a.public_key().verify(&c, now()), Ok(()));
}

#[test]
fn tampered_certificate_is_refused() {
    let a = Authority::generate().unwrap();
    let mut c = issued(&a);
    c.body.scope.push("01096".into());
    assert_eq!(a.public_key().verify(&c, now()), Err(CertificateError::BadSignature));
    let mut c = issued(&a);
    c.body.role = Role::Supervisor;
    assert_eq!(a.public_key().verify(&c, now()), Err(CertificateError::BadSignature));
    let mut c = issued(&a);
    c.signature[0] ^= 1;
    assert_eq!(a.public_key().verify(&c, now()), Err(CertificateError::BadSignature));
}

#[test]
fn certificate_from_another_authority_is_refused_even_if_relabelled() {
    let a = Authority::generate().unwrap();
    let b = Authority::generate().unwrap();
    let mut c = issued(&b);
    assert_eq!(a.public_key().verify(&c, now()), Err(CertificateError::WrongAuthority));
    c.body.authority = a.public_key().id();
    assert_eq!(a.public_key().verify(&c, now()), Err(CertificateError::BadSignature));
}

#[test]
fn expired_and_not_yet_valid_certificates_are_refused() {
    let a = Authority::generate().unwrap();
    let c = issued(&a);
    assert_eq!(a.public_key().verify(&c, now() + Duration::days(365)), Err(CertificateError::Expired));
    assert_eq!(a.public_key().verify(&c, now() - Duration::days(2)), Err(CertificateError::NotYetValid));
}

#[test]
fn request_without_proof_of_possession_is_refused() {
    let keys = UserKeys::generate().unwrap();
    let mut req = keys.request(uuid::Uuid::now_v7(), "A").unwrap();
    req.signing_key = UserKeys::generate().unwrap().signing_public().unwrap();
    assert!(matches!(
        EnrollmentRequest::from_bytes(&req.to_bytes().unwrap()),
        Err(CertificateError::BadSignature)
    ));
    let a = Authority::generate().unwrap();
    assert!(a.issue(&req, Role::Officer, vec!["01108".into()], now(), now() + Duration::days(1)).is_err());
    assert!(matches!(EnrollmentRequest::from_bytes(b"garbage"), Err(CertificateError::Malformed)));
}

#[test]
fn authority_key_survives_export_and_reload() {
    let a = Authority::generate().unwrap();
    let b = Authority::from_pkcs8(a.export_pkcs8()).unwrap();
    assert_eq!(a.public_key(), b.public_key());
    assert!(Authority::from_pkcs8(b"not a key").is_err());
}

#[test]
fn display_names_are_checked() {
    assert!(check_display_name("Vàng Thị Mai").is_ok());
    assert!(check_display_name("  ").is_err());
    assert!(check_display_name("a\u{0007}b").is_err());
    assert!(check_display_name(&"x".repeat(101)).is_err());
}
