//! `hearth packet inspect`: what a packet says about itself, and whether its
//! signature holds. The sealed body stays sealed unless a recipient key is
//! given; even then only counts and ids are printed, never names or answers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use hearth_core::sync::packet;
use hearth_core::sync::wire::Entity;

#[derive(Subcommand)]
pub enum PacketCommand {
    /// Print a packet's header and verify its signature.
    Inspect(InspectArgs),
}

#[derive(Args)]
pub struct InspectArgs {
    /// The packet file.
    file: PathBuf,
    /// A recipient's X25519 seed (64 hex digits) in a file: open and summarise the body.
    #[arg(long)]
    key: Option<PathBuf>,
}

pub fn run(cmd: &PacketCommand) -> ExitCode {
    match cmd {
        PacketCommand::Inspect(args) => match inspect(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hearth packet inspect: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn uuid(b: &[u8; 16]) -> String {
    uuid::Uuid::from_bytes(*b).to_string()
}

fn inspect(args: &InspectArgs) -> Result<(), String> {
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let p = packet::parse(&bytes).map_err(|e| format!("refused: {e}"))?;
    println!("packet        {} (wire v{})", uuid(&p.packet_id), p.version);
    println!("size          {} bytes", bytes.len());
    println!("signature     valid (Ed25519 {})", hex(&p.sender_key[..8]));
    match p.sender_user {
        Some(user) => println!("sender        user {} on device {}", uuid(&user), uuid(&p.sender_device)),
        None => {
            println!("sender        device {} (the key's certificate names the user)", uuid(&p.sender_device))
        }
    }
    println!("recipients    {}", p.recipients.iter().map(|r| hex(r)).collect::<Vec<_>>().join(", "));
    println!("clock         {} .. {}", p.hlc_min, p.hlc_max);
    for r in &p.ranges {
        println!("changes       origin {} seq {}..={}", uuid(&r.origin), r.first, r.last);
    }
    println!(
        "body          {} sealed, sha-256 {}",
        if p.compression == 0 { "uncompressed" } else { "zstd-compressed" },
        hex(&p.body_hash)
    );
    let Some(key) = &args.key else { return Ok(()) };
    let text = std::fs::read_to_string(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the key file must hold 64 hex digits".into());
    }
    let seed: Vec<u8> =
        (0..32).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0)).collect();
    let body = p.open(&seed).map_err(|e| format!("cannot open the body: {e}"))?;
    for m in body.known() {
        println!("acknowledges  origin {} up to {}", uuid(&m.origin), m.seq);
    }
    let (mut cycles, mut households, mut interviews, mut assignments) = (0, 0, 0, 0);
    for e in body.entities() {
        match e {
            Entity::Cycle(_) => cycles += 1,
            Entity::Household(_) => households += 1,
            Entity::Interview(_) => interviews += 1,
            Entity::Assignment(_) => assignments += 1,
        }
    }
    println!("opened        {} certificates, {} changes", body.certificates().len(), body.change_count());
    println!(
        "              {cycles} to cycles, {households} to households, {interviews} to interviews, \
         {assignments} to assignments"
    );
    Ok(())
}
