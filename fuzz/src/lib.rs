//! What the fuzz targets share: fixed test keys (public on purpose), the
//! built-in questionnaire loaded once, sample answers to evaluate and score
//! with, and the checks several targets make. Nothing here is used by the
//! product.

use std::sync::OnceLock;

use chrono::NaiveDate;
use hearth_core::form::{Answers, Form};
use hearth_core::identity::{Authority, AuthorityKey};
use hpke::{Kem, Serializable};
use ring::signature::{Ed25519KeyPair, KeyPair};

/// The recipient X25519 seed of the golden packets (`tests/vectors/packet-v*.hex`)
/// and of every packet the seeds script seals: a test key, public on purpose.
pub const RECIPIENT_SEED: [u8; 32] = [0x42; 32];
/// A second recipient's seed, for packets sealed to two phones.
pub const SECOND_RECIPIENT_SEED: [u8; 32] = [0x43; 32];
/// A key no packet is ever sealed to.
pub const STRANGER_SEED: [u8; 32] = [0x44; 32];
/// The Ed25519 seed the golden packets and the seed packets are signed with.
pub const SENDER_SEED: [u8; 32] = [0x24; 32];
/// The Ed25519 seed of the test deployment authority.
pub const AUTHORITY_SEED: [u8; 32] = [0x07; 32];

/// The X25519 public key of a recipient seed.
pub fn agreement_public(seed: &[u8; 32]) -> [u8; 32] {
    let (_, public) = hpke::kem::X25519HkdfSha256::derive_keypair(seed);
    let mut pk = [0u8; 32];
    pk.copy_from_slice(&public.to_bytes());
    pk
}

/// The packet sender's key pair.
pub fn sender() -> &'static Ed25519KeyPair {
    static PAIR: OnceLock<Ed25519KeyPair> = OnceLock::new();
    PAIR.get_or_init(|| Ed25519KeyPair::from_seed_unchecked(&SENDER_SEED).expect("a 32-byte seed"))
}

/// The sender's Ed25519 public key.
pub fn sender_public() -> [u8; 32] {
    let mut k = [0u8; 32];
    k.copy_from_slice(sender().public_key().as_ref());
    k
}

/// The test authority, from a fixed seed: ring makes PKCS#8 only from fresh
/// randomness, so the v2 document (RFC 8410 with the public key) is put
/// together here around the seed.
pub fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| {
        let pair = Ed25519KeyPair::from_seed_unchecked(&AUTHORITY_SEED).expect("a 32-byte seed");
        let mut doc = hex("3053020101300506032b657004220420");
        doc.extend_from_slice(&AUTHORITY_SEED);
        doc.extend_from_slice(&hex("a123032100"));
        doc.extend_from_slice(pair.public_key().as_ref());
        Authority::from_pkcs8(&doc).expect("a well-formed PKCS#8 v2 document")
    })
}

/// The authority key phones pin.
pub fn authority_key() -> AuthorityKey {
    authority().public_key()
}

/// Decodes hex, ignoring whitespace. Panics on anything else: only for fixed
/// text and committed vectors.
pub fn hex(s: &str) -> Vec<u8> {
    let s: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    s.chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex digits"))
        .collect()
}

/// The built-in household questionnaire, loaded once.
pub fn household_form() -> &'static Form {
    static FORM: OnceLock<Form> = OnceLock::new();
    FORM.get_or_init(|| Form::builtin_household().expect("the built-in questionnaire loads"))
}

/// The reference date of the review in the samples.
pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).expect("a real date")
}

/// Dates to evaluate and score at: the review's, and the extremes a
/// household's answers can name (`reference_date` is a four-digit year).
pub fn dates() -> [NaiveDate; 3] {
    [
        reference_date(),
        NaiveDate::from_ymd_opt(0, 1, 1).expect("a real date"),
        NaiveDate::from_ymd_opt(9999, 12, 31).expect("a real date"),
    ]
}

/// A household in the interchange format that answers every question the
/// standards read (the example of `docs/household-answers.md`, widened).
pub const SAMPLE_ANSWERS: &str = r#"{
  "reference_date": "2025-10-01",
  "area": "rural",
  "region": "northern_midlands_mountains",
  "gps": {"lat": 22.6, "lon": 104.5, "accuracy_m": 8},
  "income_monthly_vnd": 6000000,
  "house": {"walls": "non_durable", "frame": "durable", "roof": "non_durable"},
  "floor_area_m2": 36.5,
  "water_source": "protected_spring",
  "latrine": "simple_pit",
  "waste_treatment": "burned",
  "cooking_fuel": "wood",
  "electricity": true,
  "child_deaths_5y": 0,
  "untreated_illness": false,
  "internet_use": false,
  "info_devices": ["radio"],
  "members": [
    {"name": "A", "sex": "male", "birth": "1984", "relationship": "head", "health_insurance": true,
     "in_school": false, "education": "primary", "employment": "farming", "disability": "none",
     "monthly_social_allowance": false, "malnourished": false},
    {"name": "B", "sex": "female", "birth": "2019-03-09", "relationship": "child", "health_insurance": false,
     "in_school": false, "education": "none", "employment": "not_working", "disability": "none",
     "monthly_social_allowance": false, "malnourished": true, "extra": {"note": 1}}
  ],
  "extra": {"survey_round": 2}
}"#;

/// Answers to evaluate expressions and score standards against: empty, the
/// sample, and the sample with no members.
pub fn sample_answers() -> &'static [Answers] {
    static ANSWERS: OnceLock<Vec<Answers>> = OnceLock::new();
    ANSWERS.get_or_init(|| {
        let full = Answers::from_interchange_json(SAMPLE_ANSWERS).expect("the sample answers parse");
        let mut no_members = full.clone();
        no_members.members.clear();
        vec![Answers::default(), full, no_members]
    })
}

/// Asserts that `value` encodes with postcard to bytes that decode to a value
/// encoding to the same bytes. Compared as bytes, so a NaN — which a
/// household record's GPS may carry on the wire (`HouseholdDetails::check`
/// refuses it when the change is folded) — counts as itself.
pub fn assert_postcard_round_trip<T>(value: &T, what: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let bytes = postcard::to_stdvec(value).unwrap_or_else(|_| panic!("{what} does not encode"));
    let again: T = postcard::from_bytes(&bytes).unwrap_or_else(|_| panic!("{what} does not decode again"));
    let bytes_again = postcard::to_stdvec(&again).unwrap_or_else(|_| panic!("{what} does not encode again"));
    assert!(bytes_again == bytes, "{what} decodes to another value after encoding");
}
