//! `hearth demo`: a commune's review from phones to the final lists.
//!
//! A deployment authority, the commune Xã Xín Mần (01108) with six villages,
//! three officers and a supervisor, each on a phone of their own (a separate
//! encrypted database under `--dir`). Officers interview and submit; packets
//! travel officer phone → supervisor phone as files under `DIR/packets/`; the
//! supervisor approves most, returns a few with comments; the officers fix
//! and resubmit; the cycle is certified; a year later a second cycle moves
//! households between the lists. Same seed, same output.

mod people;
mod phones;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use clap::Args;
use hearth_core::form::Answers;
use hearth_core::store::Session;
use hearth_core::workflow::{CycleKind, NewComment, NewCycle, Status};
use uuid::Uuid;

use people::{Plan, Rng};
use phones::{Phones, progress};

#[derive(Args)]
pub struct DemoArgs {
    /// Where the phones' databases, keys, packets and the CSV go.
    #[arg(long, default_value = "hearth-demo")]
    dir: PathBuf,
    /// Households in the commune.
    #[arg(long, default_value_t = 604)]
    households: usize,
    /// Seed of the generated commune.
    #[arg(long, default_value_t = 2018)]
    seed: u64,
    /// The poverty standard of both cycles.
    #[arg(long, default_value = "vn-2022")]
    standard: String,
}

pub fn run(args: &DemoArgs) -> ExitCode {
    match demo(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hearth demo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One household as the demo tracks it: where it lives and its plans.
struct Home {
    id: Uuid,
    officer: usize,
    plans: [Plan; 2],
    resurveyed: bool,
}

fn demo(args: &DemoArgs) -> Result<(), Box<dyn std::error::Error>> {
    if args.households == 0 || args.households > 20_000 {
        return Err("--households must be 1 to 20000".into());
    }
    let start = std::time::Instant::now();
    let clock_start = Utc.with_ymd_and_hms(2025, 9, 15, 1, 0, 0).single().ok_or("clock")?;
    let mut phones = Phones::provision(&args.dir, clock_start)?;
    let mut timings = vec![("provisioning (8 PIN KDF runs of 600,000 iterations)", start.elapsed())];
    let mut lap = std::time::Instant::now();
    println!(
        "Xã Xín Mần (01108), Tuyên Quang: {} households, standard {}, seed {}",
        args.households, args.standard, args.seed
    );
    println!("phones: supervisor {} and officers {}", phones.names[0], phones.names[1..].join(", "));

    let mut rng = Rng::new(args.seed);
    let mut homes = Vec::with_capacity(args.households);
    let officers = phones.officer_count();
    for i in 0..args.households {
        let officer = i % officers;
        let village = phones::VILLAGES[(i / officers) % 2 + officer * 2].0;
        let details = people::household(&mut rng);
        let n = details.members.len();
        let first = people::plan(&mut rng, n);
        let second = people::next_year(&mut rng, &first, n);
        let resurveyed = rng.chance(0.92);
        let h = phones.session(1 + officer).create_household(village, details)?;
        homes.push(Home { id: h.id, officer, plans: [first, second], resurveyed });
        progress("households", i + 1, args.households);
    }
    timings.push(("creating households", lap.elapsed()));
    lap = std::time::Instant::now();

    for (year_index, year) in [2025, 2026].into_iter().enumerate() {
        if year_index == 1 {
            phones.clock.advance(Duration::days(365));
        }
        let reference = NaiveDate::from_ymd_opt(year, 10, 1).ok_or("date")?;
        let cycle = phones.session(0).open_cycle(NewCycle {
            year,
            kind: CycleKind::Periodic,
            standard_id: args.standard.clone(),
            units: vec!["01108".into()],
            reference_date: reference,
        })?;
        for o in 0..officers {
            phones.send(0, 1 + o)?;
        }
        let mut surveyed = 0;
        let todo: Vec<&Home> = homes.iter().filter(|h| year_index == 0 || h.resurveyed).collect();
        for (i, home) in todo.iter().enumerate() {
            let s = phones.session(1 + home.officer);
            let household = s.household(home.id)?;
            let iv = s.start_interview(home.id, cycle.id)?;
            // One interview in thirty is first written down with the income of a month, not a year's average.
            let mut plan = home.plans[year_index].clone();
            if i % 30 == 7 {
                plan.income_monthly *= 3;
            }
            let answers = Answers::from_interchange_json(&people::answers(
                &household.details,
                &plan,
                &reference.to_string(),
            ))?;
            let iv = s.save_interview(iv.id, iv.revision, answers)?;
            s.complete_interview(iv.id)?;
            s.submit_interview(iv.id)?;
            phones.clock.advance(Duration::seconds(20));
            surveyed += 1;
            progress(&format!("{year} interviews"), i + 1, todo.len());
        }
        for o in 0..officers {
            phones.send(1 + o, 0)?;
        }
        let returned = review(&phones, year_index)?;
        for o in 0..officers {
            phones.send(0, 1 + o)?;
        }
        fix(&phones, &homes, year_index, &reference.to_string())?;
        for o in 0..officers {
            phones.send(1 + o, 0)?;
        }
        let second = review(&phones, 9)?;
        let summary = phones.session(0).certify_cycle(cycle.id)?;
        println!(
            "{year}: {surveyed} interviewed, {returned} returned with comments and resubmitted ({second} on the second look), \
             {} certified, {} carried over",
            summary.certified, summary.carried_over
        );
        phones.cycles.push(cycle.id);
        timings.push((
            if year_index == 0 {
                "cycle 2025: interviews, packets, reviews"
            } else {
                "cycle 2026: interviews, packets, reviews"
            },
            lap.elapsed(),
        ));
        lap = std::time::Instant::now();
    }
    examples(&phones, &homes)?;
    phones.report(&args.dir)?;
    println!(
        "\n{} packets in {}; check one with: hearth packet inspect FILE",
        phones.packets,
        args.dir.join("packets").display()
    );
    println!(
        "unlock a phone yourself: HEARTH_PIN=246810 hearth report --db {}",
        args.dir.join("supervisor.db").display()
    );
    timings.push(("examples, report and CSV", lap.elapsed()));
    for (what, t) in &timings {
        eprintln!("  {:>6.2} s  {what}", t.as_secs_f64());
    }
    println!("done in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// The supervisor's pass over the inbox: approves, and returns one in
/// twenty-five on the first look (`look` 0 or 1) with a comment on the income.
fn review(phones: &Phones, look: usize) -> Result<usize, Box<dyn std::error::Error>> {
    let sup: &Session = phones.session(0);
    let inbox = sup.inbox()?;
    let mut returned = 0;
    for (i, item) in inbox.iter().enumerate() {
        let iv = sup.interview(item.id)?;
        let suspicious = iv.score.as_ref().and_then(|s| s.income_per_capita).is_some_and(|i| i > 2_500_000);
        if look < 2 && suspicious && i % 2 == 0 {
            let note = NewComment::on(
                "income_monthly_vnd",
                None,
                "Thu nhập cao bất thường: ghi bình quân tháng của 12 tháng, không phải một tháng.",
            );
            sup.return_interview(item.id, vec![note])?;
            returned += 1;
        } else {
            sup.approve_interview(item.id)?;
        }
        progress("reviews", i + 1, inbox.len());
    }
    Ok(returned)
}

/// Officers answer the supervisor's comments: the planned answers, again.
fn fix(
    phones: &Phones,
    homes: &[Home],
    year_index: usize,
    reference: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    for (o, s) in phones.officer_sessions().enumerate() {
        for item in s.returned(None)? {
            let home = homes.iter().find(|h| h.id == item.household_id && h.officer == o).ok_or("home")?;
            let household = s.household(home.id)?;
            let iv = s.interview(item.id)?;
            let answers = Answers::from_interchange_json(&people::answers(
                &household.details,
                &home.plans[year_index],
                reference,
            ))?;
            let iv = s.save_interview(iv.id, iv.revision, answers)?;
            s.complete_interview(iv.id)?;
            s.submit_interview(iv.id)?;
        }
    }
    Ok(())
}

/// A few households as the supervisor sees them after the second cycle.
fn examples(phones: &Phones, homes: &[Home]) -> Result<(), Box<dyn std::error::Error>> {
    let sup = phones.session(0);
    let Some(cycle) = phones.cycles.last() else { return Ok(()) };
    let entries = sup.classifications(*cycle)?;
    println!("\nExample households (2026):");
    let mut shown = 0;
    for home in homes.iter().step_by((homes.len() / 4).max(1)) {
        let Some(entry) = entries.iter().find(|e| e.household_id == home.id) else { continue };
        let household = sup.household(home.id)?;
        let head = &household.details.members[0];
        let village = phones::VILLAGES.iter().find(|v| v.0 == household.village).map_or("?", |v| v.1);
        let c = &entry.classification;
        println!(
            "  {} ({}, {} people, {}): {} — was {}{}",
            head.full_name,
            village,
            household.details.members.len(),
            head.ethnicity,
            c.category.as_str(),
            entry.previous.map_or("not listed", |p| p.as_str()),
            if c.carried_over { ", carried over" } else { "" }
        );
        if let Some(iv) = c.interview_id.map(|id| sup.interview(id)).transpose()?
            && let Some(score) = &iv.score
        {
            let reasons: Vec<&str> =
                score.indicators.iter().filter(|i| i.deprived).map(|i| i.id.as_str()).collect();
            let supports: Vec<&str> = score.supports.iter().map(|s| s.label.vi.as_str()).collect();
            println!(
                "      income/person {} VND; deprived: {}",
                score.income_per_capita.unwrap_or(0),
                if reasons.is_empty() { "none".into() } else { reasons.join(", ") }
            );
            if !supports.is_empty() {
                println!("      supports: {}", supports.join("; "));
            }
            debug_assert!(iv.status == Status::Certified);
        }
        shown += 1;
        if shown == 4 {
            break;
        }
    }
    Ok(())
}
