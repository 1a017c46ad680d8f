//! `hearth report` and `hearth inspect` over a database file, and the one
//! way reports are printed. The PIN comes from `HEARTH_PIN` or a prompt,
//! never from an argument (arguments are visible to every process).

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use hearth_core::identity::Role;
use hearth_core::report::{Percent, STANDINGS, UnitReport};
use hearth_core::store::{Pin, Store, StoreOptions};

use crate::keys::FileKeys;

#[derive(Args)]
pub struct ReportArgs {
    /// The database (a phone's or a server's file).
    #[arg(long)]
    db: PathBuf,
    /// The unit to report on.
    #[arg(long, default_value = "01108")]
    unit: String,
    /// The cycle's year (default: the latest certified cycle).
    #[arg(long)]
    year: Option<i32>,
    /// Also write the report as CSV here.
    #[arg(long)]
    csv: Option<PathBuf>,
}

#[derive(Args)]
pub struct InspectArgs {
    /// The database file.
    #[arg(long)]
    db: PathBuf,
}

fn open(db: &std::path::Path) -> Result<Store, Box<dyn std::error::Error>> {
    let keys = db.parent().unwrap_or(std::path::Path::new(".")).join("keys");
    Ok(Store::open(db, Arc::new(FileKeys::new(keys)?), StoreOptions::default())?)
}

fn read_pin() -> Result<Pin, Box<dyn std::error::Error>> {
    if let Ok(pin) = std::env::var("HEARTH_PIN") {
        return Ok(Pin::new(&pin)?);
    }
    eprint!("PIN: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(Pin::new(line.trim())?)
}

pub fn run_report(args: &ReportArgs) -> ExitCode {
    match report(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hearth report: {e}");
            ExitCode::FAILURE
        }
    }
}

fn report(args: &ReportArgs) -> Result<(), Box<dyn std::error::Error>> {
    let store = open(&args.db)?;
    let user = store
        .users()?
        .into_iter()
        .find(|u| u.role == Some(Role::Supervisor))
        .ok_or("no supervisor is enrolled in this database")?;
    let session = store.unlock(user.id, &read_pin()?)?;
    let cycle = session
        .cycles()?
        .into_iter()
        .filter(|c| c.status == hearth_core::workflow::CycleStatus::Certified)
        .filter(|c| args.year.is_none_or(|y| c.year == y))
        .max_by_key(|c| c.order_key())
        .ok_or("no certified cycle matches")?;
    let r = session.report(cycle.id, &args.unit)?;
    print(&r);
    if let Some(path) = &args.csv {
        std::fs::write(path, r.to_csv())?;
        println!("\n  CSV: {}", path.display());
    }
    Ok(())
}

pub fn run_inspect(args: &InspectArgs) -> ExitCode {
    let result = open(&args.db).and_then(|s| Ok(s.inspect()?));
    match result {
        Ok(i) => {
            println!("schema version   {}", i.schema_version);
            println!("users            {}", i.users);
            println!("households       {} ({} deleted)", i.households, i.deleted_households);
            println!("cycles           {}", i.cycles);
            for (status, n) in &i.interviews {
                println!("interviews       {n:>5} {status}");
            }
            println!("changes logged   {}", i.changes);
            println!("open conflicts   {}", i.open_conflicts);
            match &i.audit {
                Ok(n) => println!("audit chain      verified, {n} entries"),
                Err(e) => println!("audit chain      BROKEN: {e}"),
            }
            if i.audit.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("hearth inspect: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a unit report: rates per row, the transition matrix, the
/// deprivations that drive poverty.
pub fn print(report: &UnitReport) {
    println!(
        "\nReport {} (compared with {}), standard {} {}:",
        report.year,
        report.previous_year.map_or("-".into(), |y| y.to_string()),
        report.standard.id,
        report.standard.version
    );
    println!(
        "  {:<18} {:>6} {:>8} {:>11} {:>8} {:>9}",
        "unit", "homes", "poor %", "near-poor %", "sum %", "change"
    );
    let pct = |p: Option<Percent>| p.map_or("-".into(), |p| p.to_string());
    for f in report.rows.iter().chain(std::iter::once(&report.total)) {
        println!(
            "  {:<18} {:>6} {:>8} {:>11} {:>8} {:>9}",
            f.name,
            f.now.households,
            pct(f.now.poor_rate()),
            pct(f.now.near_poor_rate()),
            pct(f.now.combined_rate()),
            f.change().map_or("-".into(), |c| c.combined.to_string())
        );
    }
    if let Some(t) = &report.total.transitions {
        println!(
            "\n  from the previous cycle (rows) to this one (columns): poor, near-poor, average, not poor, none"
        );
        for from in STANDINGS {
            let row: Vec<String> = STANDINGS.iter().map(|to| format!("{:>5}", t.get(from, *to))).collect();
            println!("  {:<16}{}", from.map_or("not classified", |c| c.as_str()), row.join(""));
        }
    }
    let mut top: Vec<(u32, &str)> = report
        .indicators
        .iter()
        .zip(&report.total.deprivations)
        .map(|(i, h)| (h.poor, i.label.vi.as_str()))
        .collect();
    top.sort_by_key(|t| std::cmp::Reverse(t.0));
    println!("\n  deprivations of poor households:");
    for (n, label) in top.iter().take(5) {
        println!("    {n:>4}  {label}");
    }
}
