//! The main job, small: `hearth demo --households 60` runs, its figures hold,
//! no generated name reaches a file in clear, every packet verifies, and the
//! database tools work on what it leaves.

use std::path::Path;
use std::process::Command;

fn hearth() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
}

fn demo(dir: &Path, seed: &str) -> String {
    let out =
        hearth().args(["demo", "--households", "60", "--seed", seed, "--dir"]).arg(dir).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    text
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_demo_runs_small_and_its_report_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(&dir.path().join("d"), "7");
    assert!(out.contains("2025: 60 interviewed"), "{out}");
    // The commune row: 60 households, and rates that match its own counts.
    let commune = out.lines().find(|l| l.starts_with("  Xã Xín Mần") && !l.contains('(')).unwrap();
    let cols: Vec<&str> = commune.split_whitespace().collect();
    let n = cols.len();
    let (poor, near, sum): (f64, f64, f64) =
        (cols[n - 4].parse().unwrap(), cols[n - 3].parse().unwrap(), cols[n - 2].parse().unwrap());
    assert!((poor + near - sum).abs() < 0.02, "{commune}");
    // Village rows sum to the commune's households.
    let villages: u32 = out
        .lines()
        .filter(|l| l.trim_start().starts_with("Thôn "))
        .map(|l| l.split_whitespace().rev().nth(4).unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(villages, 60);
    let csv = std::fs::read(dir.path().join("d/report-2026.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
}

#[test]
fn the_same_seed_gives_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let strip = |s: String| {
        s.lines()
            .filter(|l| !l.starts_with("done in") && !l.contains(dir.path().to_str().unwrap()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = strip(demo(&dir.path().join("a"), "11"));
    let b = strip(demo(&dir.path().join("b"), "11"));
    assert_eq!(a, b);
    let c = strip(demo(&dir.path().join("c"), "12"));
    assert_ne!(a, c);
}

#[test]
fn no_generated_name_reaches_a_database_or_packet_file_and_every_packet_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    let out = demo(&d, "5");
    // Names as printed in the examples, and every name the generator uses.
    let mut names: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(" (Thôn "))
        .map(|l| l.trim().split(" (").next().unwrap().to_owned())
        .collect();
    assert!(!names.is_empty());
    names.extend(["Văn Sình", "Thị Mỷ", "A Pử", "Thị Sâm", "Văn Chàn"].map(String::from));
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&d).unwrap().chain(std::fs::read_dir(d.join("packets")).unwrap()) {
        let p = entry.unwrap().path();
        if p.is_file() && p.extension().is_none_or(|e| e != "csv") {
            files.push(p);
        }
    }
    assert!(files.iter().filter(|p| p.extension().is_some_and(|e| e == "hrth")).count() >= 10);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for name in &names {
            assert!(!contains(&bytes, name.as_bytes()), "{name} in clear in {}", f.display());
        }
        if f.extension().is_some_and(|e| e == "hrth") {
            let ok = hearth().args(["packet", "inspect"]).arg(f).output().unwrap();
            assert!(ok.status.success(), "{}", f.display());
            let mut bad = bytes.clone();
            let i = bad.len() / 3;
            bad[i] ^= 0x01;
            let copy = dir.path().join("flipped.hrth");
            std::fs::write(&copy, bad).unwrap();
            assert!(!hearth().args(["packet", "inspect"]).arg(&copy).output().unwrap().status.success());
        }
    }
}

#[test]
fn report_and_inspect_work_on_the_demo_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    demo(&d, "3");
    let db = d.join("supervisor.db");
    let out = hearth().args(["report", "--db"]).arg(&db).env("HEARTH_PIN", "246810").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Report 2026 (compared with 2025)"));
    let wrong = hearth().args(["report", "--db"]).arg(&db).env("HEARTH_PIN", "000000").output().unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong PIN"));
    let out = hearth().args(["inspect", "--db"]).arg(&db).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("audit chain      verified") && text.contains("certified"), "{text}");
}

/// Reads the demo's device secrets, as the CLI's own key files.
struct DemoKeys(std::path::PathBuf);

impl hearth_core::store::KeyProvider for DemoKeys {
    fn device_secret(
        &self,
        store_id: &str,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, hearth_core::store::KeyProviderError> {
        std::fs::read(self.0.join(format!("{store_id}.secret")))
            .map(zeroize::Zeroizing::new)
            .map_err(|_| hearth_core::store::KeyProviderError { reason: "no secret".into() })
    }
}

#[test]
fn the_printed_commune_figures_match_an_independent_count_of_the_classifications() {
    use hearth_core::scoring::Category;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    let out = demo(&d, "9");
    let store = hearth_core::store::Store::open(
        &d.join("supervisor.db"),
        std::sync::Arc::new(DemoKeys(d.join("keys"))),
        hearth_core::store::StoreOptions::default(),
    )
    .unwrap();
    let sup = store
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.role == Some(hearth_core::identity::Role::Supervisor))
        .unwrap();
    let s = store.unlock(sup.id, &hearth_core::store::Pin::new("246810").unwrap()).unwrap();
    let last = s.cycles().unwrap().into_iter().max_by_key(|c| c.year).unwrap();
    let entries = s.classifications(last.id).unwrap();
    let n = entries.len() as f64;
    let poor = entries.iter().filter(|e| e.classification.category == Category::Poor).count() as f64;
    let near = entries.iter().filter(|e| e.classification.category == Category::NearPoor).count() as f64;
    let commune = out.lines().find(|l| l.starts_with("  Xã Xín Mần") && !l.contains('(')).unwrap();
    let cols: Vec<&str> = commune.split_whitespace().collect();
    let k = cols.len();
    assert_eq!(cols[k - 5].parse::<f64>().unwrap(), n);
    assert!((cols[k - 4].parse::<f64>().unwrap() - 100.0 * poor / n).abs() < 0.006, "{commune}");
    assert!((cols[k - 3].parse::<f64>().unwrap() - 100.0 * near / n).abs() < 0.006, "{commune}");
    // Households not re-surveyed kept their 2025 standing.
    let carried = entries.iter().filter(|e| e.classification.carried_over).count();
    assert!(out.contains(&format!("{carried} carried over")), "{out}");
}
