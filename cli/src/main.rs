//! `hearth`: the command-line tool.

mod demo;
mod keys;
mod packet;
mod report;
mod score;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "hearth", version, about = "Hearth: household poverty reviews")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A commune's review from phones to the final lists, on files in --dir.
    Demo(demo::DemoArgs),
    /// Score one household's answers (interchange JSON) under a poverty standard.
    Score(score::ScoreArgs),
    /// A certified cycle's report over a database (PIN from HEARTH_PIN or a prompt).
    Report(report::ReportArgs),
    /// Schema version, counts per status and the audit chain of a database.
    Inspect(report::InspectArgs),
    /// Inspect sync packets.
    #[command(subcommand)]
    Packet(packet::PacketCommand),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Demo(args) => demo::run(&args),
        Command::Score(args) => score::run(&args),
        Command::Packet(cmd) => packet::run(&cmd),
        Command::Report(args) => report::run_report(&args),
        Command::Inspect(args) => report::run_inspect(&args),
    }
}
