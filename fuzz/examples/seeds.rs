//! Writes the seed corpora of the fuzz targets into `fuzz/corpus/<target>/`
//! from the project's real data: the golden wire vectors, packets sealed now
//! through the public API (so they follow the build's wire format), frames
//! cut from them, the built-in questionnaire, standards and card, the
//! expressions inside them, the Xín Mần unit map, certificates issued by a
//! real store enrollment, and interchange documents. Run by `fuzz/run`
//! (`cargo run --example seeds`); nothing it writes is committed.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hearth_core::identity::Role;
use hearth_core::store::{KeyProvider, KeyProviderError, Pin, Store, StoreOptions};
use hearth_core::sync::frames::cut;
use hearth_core::sync::packet;
use hearth_core::sync::{wire, wire2};
use hearth_fuzz::{
    RECIPIENT_SEED, SAMPLE_ANSWERS, SECOND_RECIPIENT_SEED, agreement_public, authority, authority_key, hex,
    sender, sender_public,
};
use zeroize::Zeroizing;

type Seeds = Vec<(String, Vec<u8>)>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");

    let vectors = vectors(&root)?;
    let packets = sealed_packets(&vectors)?;

    let mut packet_seeds: Seeds = vectors.clone();
    packet_seeds.extend(packets.iter().cloned());
    write(&out, "packet", &packet_seeds)?;
    write(&out, "packet_sealed", &sealed_inputs(&vectors)?)?;
    write(&out, "frames", &frame_inputs(&vectors, &packets)?)?;

    let form = read(&root, "core/forms/household.json")?;
    write(&out, "form", &[("household.json".into(), form.clone().into_bytes())])?;

    let mut standards = Seeds::new();
    for dir in ["core/standards", "core/standards/cards"] {
        for path in files(&root.join(dir), "json")? {
            standards.push((name(&path), fs::read(&path)?));
        }
    }
    write(&out, "standard", &standards)?;

    let mut exprs = Seeds::new();
    for (i, text) in std::iter::once(form.as_bytes())
        .chain(standards.iter().map(|(_, b)| b.as_slice()))
        .flat_map(|doc| expressions(doc).into_iter())
        .enumerate()
    {
        exprs.push((format!("expr-{i:03}"), text.into_bytes()));
    }
    for (i, text) in [
        r#"if(area == "urban", income_monthly_vnd / count(members), 0) >= 1500000"#,
        r#"any(members, age(birth) >= 16 and not (education in ["none", "primary"]))"#,
        r#"sum(members, if(sex == "female", 1, 0)) > size(info_devices) - 1.5"#,
        r#"answered(gps) or year(reference_date_not_a_question) == 2025"#,
    ]
    .iter()
    .enumerate()
    {
        exprs.push((format!("hand-{i}"), text.as_bytes().to_vec()));
    }
    write(&out, "expr", &exprs)?;

    let mut units = Seeds::new();
    for path in files(&root.join("core/testdata"), "csv")? {
        units.push((name(&path), fs::read(&path)?));
    }
    units.push((
        "villages.csv".into(),
        b"code,name,level,parent_code,valid_from,valid_to\r\n\
          01105-01,Th\xc3\xb4n Ch\xc3\xad C\xc3\xa0,village,01105,,2025-07-01\r\n\
          01108-01,\"Th\xc3\xb4n N\xc3\xa0 P\xc3\xb3, \"\"A\"\"\",village,01108,2025-07-01,\r\n"
            .to_vec(),
    ));
    write(&out, "units_csv", &units)?;

    write(&out, "certificate", &certificates()?)?;

    let mut answers: Seeds = vec![("sample.json".into(), SAMPLE_ANSWERS.as_bytes().to_vec())];
    let doc = read(&root, "docs/household-answers.md")?;
    for (i, block) in doc.split("```json").skip(1).enumerate() {
        if let Some((json, _)) = block.split_once("```") {
            answers.push((format!("doc-{i}.json"), json.trim().as_bytes().to_vec()));
        }
    }
    answers.push(("empty.json".into(), b"{}".to_vec()));
    write(&out, "answers", &answers)?;
    Ok(())
}

/// The golden vectors under `tests/vectors/`, decoded.
fn vectors(root: &Path) -> Result<Seeds, Box<dyn std::error::Error>> {
    files(&root.join("tests/vectors"), "hex")?
        .into_iter()
        .map(|p| Ok((name(&p), hex(&fs::read_to_string(&p)?))))
        .collect()
}

/// The golden header of each wire version with its golden body, sealed and
/// signed now: v2 (what the build writes) with `packet::v2::seal`, v1 (still
/// read) with `packet::v1::seal`.
fn sealed_packets(vectors: &Seeds) -> Result<Seeds, Box<dyn std::error::Error>> {
    let sign = |m: &[u8]| sender().sign(m).as_ref().to_vec();
    let mut out = Seeds::new();
    for (tag, recipients) in [
        ("one", vec![agreement_public(&RECIPIENT_SEED)]),
        ("two", vec![agreement_public(&SECOND_RECIPIENT_SEED), agreement_public(&RECIPIENT_SEED)]),
    ] {
        let mut header: wire2::Header = postcard::from_bytes(vector(vectors, "header-v2")?)?;
        header.sender_key = sender_public();
        let body: wire2::Body = postcard::from_bytes(vector(vectors, "body-v2")?)?;
        out.push((format!("sealed-{tag}-v2"), packet::v2::seal(header.clone(), &body, &recipients, sign)?));
        // The same header with an empty body, and with each run alone.
        let empty = wire2::Body { known: vec![], certificates: vec![], runs: vec![] };
        out.push((
            format!("sealed-{tag}-v2-empty"),
            packet::v2::seal(header.clone(), &empty, &recipients, sign)?,
        ));
        for (i, run) in body.runs.iter().enumerate() {
            let one = wire2::Body { runs: vec![run.clone()], ..body.clone() };
            out.push((
                format!("sealed-{tag}-v2-run{i}"),
                packet::v2::seal(header.clone(), &one, &recipients, sign)?,
            ));
        }

        let mut header: wire::Header = postcard::from_bytes(vector(vectors, "header-v1")?)?;
        header.sender_key = sender_public();
        let body: wire::Body = postcard::from_bytes(vector(vectors, "body-v1")?)?;
        out.push((format!("sealed-{tag}-v1"), packet::v1::seal(header, &body, &recipients, sign)?));
    }
    Ok(out)
}

/// The golden vector `name` (`tests/vectors/<name>.hex`).
fn vector<'a>(vectors: &'a Seeds, name: &str) -> Result<&'a [u8], Box<dyn std::error::Error>> {
    vectors
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.as_slice())
        .ok_or_else(|| format!("tests/vectors/{name}.hex is missing").into())
}

/// `packet_sealed` inputs: the golden v2 header, the golden v2 body or an
/// empty one, then control bytes (a byte to damage and how).
fn sealed_inputs(vectors: &Seeds) -> Result<Seeds, Box<dyn std::error::Error>> {
    let header = vector(vectors, "header-v2")?;
    let empty = postcard::to_stdvec(&wire2::Body { known: vec![], certificates: vec![], runs: vec![] })?;
    let mut out = Seeds::new();
    for (bname, body) in [("body-v2", vector(vectors, "body-v2")?), ("empty", &empty[..])] {
        for (i, control) in [vec![], vec![0, 40, 1], vec![1, 3, 0x80], vec![0, 7, 2]].iter().enumerate() {
            let mut input = header.to_vec();
            input.extend_from_slice(body);
            input.extend_from_slice(control);
            out.push((format!("header-v2-{bname}-{i}"), input));
        }
    }
    Ok(out)
}

/// `frames` inputs: a frame size, a push script, then the packet; the first
/// is also a run of length-prefixed raw frames.
fn frame_inputs(vectors: &Seeds, packets: &Seeds) -> Result<Seeds, Box<dyn std::error::Error>> {
    let mut out = Seeds::new();
    // The golden packets (v1 and v2) and the first freshly sealed one (v2).
    let mut chosen: Vec<Vec<u8>> =
        vectors.iter().filter(|(n, _)| n.starts_with("packet")).map(|(_, b)| b.clone()).collect();
    chosen.extend(packets.iter().take(1).map(|(_, b)| b.clone()));
    for (pi, p) in chosen.iter().enumerate() {
        // Raw frames: each a length byte, then the frame.
        let mut raw = Vec::new();
        for f in cut(p, 120, 0).map_err(|e| e.to_string())? {
            raw.push(u8::try_from(f.len())?);
            raw.extend_from_slice(&f);
        }
        out.push((format!("raw-{pi}"), raw));
        for (si, (size, script)) in [
            (200u16, (0u8..8).rev().collect::<Vec<_>>()),
            (60, vec![0, 1, 0x82, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
            (100, vec![0xc0, 0, 1, 2]),
            (300, vec![1, 1, 0, 2]),
        ]
        .into_iter()
        .enumerate()
        {
            // The target's frame size is FRAME_OVERHEAD + 1 + (these two bytes mod 700).
            let mut input = size.to_le_bytes().to_vec();
            input.push(u8::try_from(script.len())?);
            input.extend_from_slice(&script);
            input.extend_from_slice(p);
            out.push((format!("script-{pi}-{si}"), input));
        }
    }
    Ok(out)
}

/// The expressions of a questionnaire, standard or card: every `relevant`,
/// `calculate`, `rule` and `when`.
fn expressions(doc: &[u8]) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("relevant" | "calculate" | "rule" | "when", serde_json::Value::String(s)) => {
                            out.push(s.clone());
                        }
                        _ => walk(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_slice(doc) {
        walk(&v, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// A fixed device secret: these stores exist only to make seeds.
struct FixedKeys;

impl KeyProvider for FixedKeys {
    fn device_secret(&self, _store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Ok(Zeroizing::new(vec![0x5a; 32]))
    }
}

/// Enrollment requests made by a real store and the certificates the test
/// authority issues for them.
fn certificates() -> Result<Seeds, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = Store::create(
        &dir.path().join("seeds.db"),
        Arc::new(FixedKeys),
        authority_key(),
        StoreOptions::default(),
    )?;
    let from = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).ok_or("time")?;
    let until = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).ok_or("time")?;
    let mut out = Seeds::new();
    for (i, (name, role, scope)) in [
        ("Test Officer", Role::Officer, vec!["01108-01".to_owned(), "01108-02".to_owned()]),
        ("Test Supervisor", Role::Supervisor, vec!["01108".to_owned()]),
    ]
    .into_iter()
    .enumerate()
    {
        let request = store.begin_enrollment(name, &Pin::new("135790")?)?;
        let cert = authority().issue(&request, role, scope, from, until)?;
        out.push((format!("request-{i}"), request.to_bytes()?));
        out.push((format!("certificate-{i}"), cert.to_bytes()?));
    }
    Ok(out)
}

fn read(root: &Path, rel: &str) -> Result<String, Box<dyn std::error::Error>> {
    Ok(fs::read_to_string(root.join(rel))?)
}

fn files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    Ok(out)
}

fn name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Writes seeds as `seed-<name>` files, leaving what the fuzzer found alone.
fn write(out: &Path, target: &str, seeds: &[(String, Vec<u8>)]) -> Result<(), Box<dyn std::error::Error>> {
    let dir = out.join(target);
    fs::create_dir_all(&dir)?;
    for (name, bytes) in seeds {
        fs::write(dir.join(format!("seed-{name}")), bytes)?;
    }
    println!("{target}: {} seeds", seeds.len());
    Ok(())
}
