//! The demo's phones: one encrypted database per person, device secrets kept
//! in files (standing in for the platform keystore), packets written to files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hearth_core::clock::ManualClock;
use hearth_core::identity::{Authority, Role};
use hearth_core::store::{Pin, Session, Store, StoreOptions};
use uuid::Uuid;

use crate::keys::FileKeys;

const UNITS: &str = include_str!("../../../core/testdata/units-xin-man.csv");

/// The villages of Xã Xín Mần the demo uses: code and name.
pub const VILLAGES: [(&str, &str); 6] = [
    ("01108-01", "Thôn Nà Pó"),
    ("01108-02", "Thôn Ma Lì Sán"),
    ("01108-03", "Thôn Chí Cà"),
    ("01108-04", "Thôn Nàn Xỉn"),
    ("01108-05", "Thôn Bản Díu"),
    ("01108-06", "Thôn Thèn Phàng"),
];

const PEOPLE: [(&str, &str, Role); 4] = [
    ("Vàng Thị Mai", "246810", Role::Supervisor),
    ("Lò Văn Tú", "135791", Role::Officer),
    ("Sùng A Pà", "975312", Role::Officer),
    ("Hoàng Thị Lan", "864201", Role::Officer),
];

/// Marks a directory as the demo's, so a rerun may clear it.
const MARKER: &str = ".hearth-demo";

pub struct Phones {
    pub clock: Arc<ManualClock>,
    stores: Vec<Store>,
    sessions: Vec<Session>,
    users: Vec<Uuid>,
    pub names: Vec<&'static str>,
    pub cycles: Vec<Uuid>,
    dir: PathBuf,
    pub packets: usize,
}

impl Phones {
    /// The authority, four phones, their users and each other's certificates.
    pub fn provision(dir: &Path, now: DateTime<Utc>) -> Result<Phones, Box<dyn std::error::Error>> {
        if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
            if !dir.join(MARKER).exists() {
                return Err(format!("{} is not empty and not a demo directory", dir.display()).into());
            }
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir.join("packets"))?;
        std::fs::create_dir_all(dir.join("keys"))?;
        std::fs::write(dir.join(MARKER), "written by hearth demo; removed by the next run\n")?;
        let villages = std::iter::once("code,name,level,parent_code,valid_from,valid_to".to_owned())
            .chain(VILLAGES.iter().map(|(c, n)| format!("{c},{n},village,01108,2025-07-01,")))
            .collect::<Vec<_>>()
            .join("\n");
        let clock = Arc::new(ManualClock::new(now));
        let authority = Authority::generate()?;
        let mut stores = Vec::new();
        let mut users = Vec::new();
        let mut certs = Vec::new();
        for (i, (name, pin, role)) in PEOPLE.iter().enumerate() {
            let file = if i == 0 { "supervisor".to_owned() } else { format!("officer{i}") };
            let keys = Arc::new(FileKeys::new(dir.join("keys"))?);
            let options = StoreOptions::default().with_clock(clock.clone());
            let store =
                Store::create(&dir.join(format!("{file}.db")), keys, authority.public_key(), options)?;
            store.import_units_csv(UNITS)?;
            store.import_units_csv(&villages)?;
            let request = store.begin_enrollment(name, &Pin::new(pin)?)?;
            let cert = authority.issue(
                &request,
                *role,
                vec!["01108".into()],
                now - Duration::days(1),
                now + Duration::days(800),
            )?;
            certs.push(cert.to_bytes()?);
            users.push(store.install_certificate(&cert.to_bytes()?)?.id);
            store.finish_provisioning();
            stores.push(store);
        }
        let mut sessions = Vec::new();
        for (i, store) in stores.iter().enumerate() {
            for c in &certs {
                store.add_certificate(c)?;
            }
            sessions.push(store.unlock(users[i], &Pin::new(PEOPLE[i].1)?)?);
        }
        Ok(Phones {
            clock,
            stores,
            sessions,
            users,
            names: PEOPLE.iter().map(|p| p.0).collect(),
            cycles: Vec::new(),
            dir: dir.to_owned(),
            packets: 0,
        })
    }

    pub fn officer_count(&self) -> usize {
        self.sessions.len() - 1
    }

    pub fn session(&self, i: usize) -> &Session {
        &self.sessions[i]
    }

    pub fn officer_sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions[1..].iter()
    }

    /// Exports from phone `from` to phone `to` through a packet file.
    pub fn send(&mut self, from: usize, to: usize) -> Result<(), Box<dyn std::error::Error>> {
        let device = Uuid::parse_str(self.stores[to].store_id())?;
        let bytes = self.sessions[from].export_for(device, &[self.users[to]])?;
        self.packets += 1;
        let name = |i: usize| if i == 0 { "supervisor".to_owned() } else { format!("officer{i}") };
        let path =
            self.dir.join("packets").join(format!("{:03}-{}-to-{}.hrth", self.packets, name(from), name(to)));
        std::fs::write(&path, &bytes)?;
        self.sessions[to].import(&std::fs::read(&path)?)?;
        Ok(())
    }

    /// Prints the commune report of the last cycle and writes its CSV.
    pub fn report(&self, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let Some(cycle) = self.cycles.last() else { return Ok(()) };
        let report = self.sessions[0].report(*cycle, "01108")?;
        crate::report::print(&report);
        let path = dir.join(format!("report-{}.csv", report.year));
        let mut f = std::fs::File::create(&path)?;
        f.write_all(report.to_csv().as_bytes())?;
        println!("\n  CSV (UTF-8 with BOM, opens in Excel): {}", path.display());
        Ok(())
    }
}

/// A progress bar on standard error, redrawn in place.
pub fn progress(what: &str, done: usize, total: usize) {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || (!done.is_multiple_of((total / 50).max(1)) && done != total) {
        return;
    }
    let width = 30;
    let filled = done * width / total.max(1);
    eprint!("\r  {what:<18} [{}{}] {done}/{total}", "#".repeat(filled), " ".repeat(width - filled));
    if done == total {
        eprintln!();
    }
}
