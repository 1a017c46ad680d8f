//! `hearth`: the command-line tool.

mod packet;
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
    /// Score one household's answers (interchange JSON) under a poverty standard.
    Score(score::ScoreArgs),
    /// Inspect sync packets.
    #[command(subcommand)]
    Packet(packet::PacketCommand),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Score(args) => score::run(&args),
        Command::Packet(cmd) => packet::run(&cmd),
    }
}
