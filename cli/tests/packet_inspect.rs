//! `hearth packet inspect` on the golden packet and on a damaged copy.

use std::process::Command;

fn hearth() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
}

fn golden(dir: &std::path::Path) -> std::path::PathBuf {
    let hex = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/packet-v1.hex"))
        .unwrap();
    let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes: Vec<u8> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    let path = dir.join("p.hrth");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn inspect_prints_the_header_and_verifies_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let out = hearth().args(["packet", "inspect"]).arg(golden(dir.path())).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("signature     valid"));
    assert!(text.contains("seq 7..=7"));
    assert!(!text.contains("opened"), "the body stays sealed without a key");
}

#[test]
fn inspect_with_the_recipient_key_summarises_the_body_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    std::fs::write(&key, "42".repeat(32)).unwrap();
    let out =
        hearth().args(["packet", "inspect", "--key"]).arg(&key).arg(golden(dir.path())).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 certificates, 1 changes") && text.contains("1 to households"), "{text}");
    assert!(!text.contains("Sình"));
}

#[test]
fn inspect_refuses_a_copy_with_one_byte_flipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = golden(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let out = hearth().args(["packet", "inspect"]).arg(&path).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("refused"));
}
