//! Quickstart: a sealed store on a phone, from provisioning to a search.
//!
//! Run: `cargo run --release -p hearth-core --example quickstart`
//!
//! 1. A province's deployment authority makes its key (in real deployments
//!    the `hearth` CLI holds it; phones pin only the public half).
//! 2. A phone creates its encrypted database, pinned to that authority, and
//!    loads the administrative units of Xín Mần.
//! 3. An officer enrols with a PIN; the authority certifies the request.
//! 4. The officer unlocks, saves a household, and finds it again by name.

use std::sync::Arc;

use chrono::{Duration, Utc};
use hearth_core::household::{HouseholdDetails, Member, PartialDate, Relationship, Sex};
use hearth_core::identity::{Authority, Role};
use hearth_core::store::{KeyProvider, KeyProviderError, Pin, Store, StoreOptions};
use ring::rand::{SecureRandom, SystemRandom};
use uuid::Uuid;
use zeroize::Zeroizing;

/// Stands in for the platform keystore (Android Keystore, iOS Keychain): a
/// random secret held in memory for the life of the program.
struct InMemoryKeystore(Zeroizing<Vec<u8>>);

impl KeyProvider for InMemoryKeystore {
    fn device_secret(&self, _store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Ok(self.0.clone())
    }
}

const UNITS: &str = include_str!("../testdata/units-xin-man.csv");
const VILLAGES: &str = "code,name,level,parent_code,valid_from,valid_to\n\
                        01108-01,Thôn Nà Pó,village,01108,2025-07-01,\n";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("officer-phone.db");

    let authority = Authority::generate()?;
    let mut secret = Zeroizing::new(vec![0u8; 32]);
    SystemRandom::new().fill(&mut secret).map_err(|_| "no random source")?;
    let keystore = Arc::new(InMemoryKeystore(secret));

    let store = Store::create(&path, keystore.clone(), authority.public_key(), StoreOptions::default())?;
    let units = store.import_units_csv(UNITS)? + store.import_units_csv(VILLAGES)?;
    println!("created {} (schema v{}), {units} unit rows", path.display(), store.schema_version()?);

    let pin = Pin::new("482915")?;
    let request = store.begin_enrollment("Lò Văn Tú", &pin)?;
    let now = Utc::now();
    let cert =
        authority.issue(&request, Role::Officer, vec!["01108".into()], now, now + Duration::days(365))?;
    let officer = store.install_certificate(&cert.to_bytes()?)?;
    store.finish_provisioning();
    println!("enrolled {} as {:?} for {:?}", officer.display_name, officer.role, officer.scope);

    let session = store.unlock(officer.id, &pin)?;
    println!("unlocked with one PIN KDF run ({} so far)", store.kdf_runs());

    let person = |name: &str, birth: &str, sex, relationship| Member {
        id: Uuid::now_v7(),
        full_name: name.into(),
        sex,
        birth: PartialDate::parse(birth).unwrap_or(PartialDate { year: 1980, month: None, day: None }),
        ethnicity: "Nùng".into(),
        relationship,
        national_id: None,
    };
    let saved = session.create_household(
        "01108-01",
        HouseholdDetails {
            address: "Thôn Nà Pó".into(),
            members: vec![
                person("Vùi Văn Sình", "1984", Sex::Male, Relationship::Head),
                person("Lù Thị Sẻ", "1986-03", Sex::Female, Relationship::Spouse),
                person("Vùi Thị Dín", "2014", Sex::Female, Relationship::Child),
            ],
            ..Default::default()
        },
    )?;
    println!("saved household {} (revision {})", saved.id, saved.revision);

    let found = session.find_households("vui van sinh")?;
    println!(
        "search \"vui van sinh\" → {} household(s): head {}",
        found.len(),
        found[0].details.members[0].full_name
    );

    let mut bytes = std::fs::read(&path)?;
    bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    let leaked = bytes.windows("Sình".len()).any(|w| w == "Sình".as_bytes());
    println!("the name appears in the database or its WAL: {leaked}");
    Ok(())
}
