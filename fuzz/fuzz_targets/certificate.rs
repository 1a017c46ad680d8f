//! Fuzz target: the certificate decoder — `Certificate::from_bytes` and
//! verification against the pinned test authority — and the enrollment
//! request decoder, `EnrollmentRequest::from_bytes` (decode and proof of
//! possession).
//!
//! Asserts: nothing panics; a decoded certificate or request re-encodes to
//! bytes that decode to the same value; a certificate that verifies was
//! issued by the pinned authority and is valid at the time checked; a
//! request that decodes can be certified by the authority, and the
//! certificate verifies and carries the request's keys.
#![no_main]

use chrono::{DateTime, Utc};
use hearth_core::identity::{Certificate, EnrollmentRequest, Role};
use hearth_fuzz::{authority, authority_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = Certificate::from_bytes(data) {
        let bytes = cert.to_bytes().expect("a decoded certificate encodes");
        assert_eq!(Certificate::from_bytes(&bytes).ok(), Some(cert.clone()), "re-encoding changes it");
        let pinned = authority_key();
        // The times a phone checks at: its clock now, and the edges of the window.
        let times = [
            Some(1_790_000_000),
            Some(cert.body.valid_from),
            cert.body.valid_until.checked_sub(1),
            Some(cert.body.valid_until),
        ];
        for t in times.into_iter().flatten() {
            let Some(now) = DateTime::<Utc>::from_timestamp(t, 0) else { continue };
            if pinned.verify(&cert, now).is_ok() {
                assert_eq!(cert.body.authority, pinned.id(), "verified with another authority's id");
                assert!(
                    cert.body.valid_from <= t && t < cert.body.valid_until,
                    "verified outside its window"
                );
            }
        }
    }

    if let Ok(request) = EnrollmentRequest::from_bytes(data) {
        let bytes = request.to_bytes().expect("a decoded request encodes");
        assert_eq!(
            EnrollmentRequest::from_bytes(&bytes).ok(),
            Some(request.clone()),
            "re-encoding changes it"
        );
        let from = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).expect("a time");
        let until = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("a time");
        let cert = authority()
            .issue(&request, Role::Officer, vec!["01108".into()], from, until)
            .expect("a request whose proof verifies is certified");
        let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("a time");
        authority_key().verify(&cert, now).expect("a fresh certificate verifies");
        let cert = Certificate::from_bytes(&cert.to_bytes().expect("encodes")).expect("decodes");
        assert_eq!(cert.body.signing_key, request.signing_key);
        assert_eq!(cert.body.agreement_key, request.agreement_key);
        assert_eq!(cert.body.user_id, request.user_id);
    }
});
