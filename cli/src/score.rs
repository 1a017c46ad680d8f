//! `hearth score`: reads one household's answers in the interchange format
//! (`docs/household-answers.md`) from a file or stdin, validates them against
//! the built-in questionnaire, scores them and prints the result as a table
//! or as JSON with stable field names.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};
use hearth_core::form::{Answers, Form, PartialDate, Problem, Severity};
use hearth_core::scoring::{Card, ScoreResult, Standard, score_with_card};
use serde_json::json;

#[derive(Args)]
pub struct ScoreArgs {
    /// Answers file, or `-` for stdin.
    input: String,
    /// Standard id (vn-2016, vn-2022, vn-2027, global-mpi); default: the one in force on --date.
    #[arg(long)]
    standard: Option<String>,
    /// Date of scoring, YYYY-MM-DD (default: today in Viet Nam). Ages are taken at the
    /// answers' reference_date when they give one, else at this date.
    #[arg(long, value_parser = parse_date)]
    date: Option<PartialDate>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Language of reasons and labels in the table.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
    /// Also compute B1 with the built-in sample score card (illustrative, not official).
    #[arg(long)]
    sample_b1: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lang {
    En,
    Vi,
}

fn parse_date(s: &str) -> Result<PartialDate, String> {
    PartialDate::parse(s).filter(|d| d.is_full()).ok_or_else(|| "expected a date YYYY-MM-DD".to_owned())
}

pub fn run(args: &ScoreArgs) -> ExitCode {
    match score(args) {
        Ok(out) => {
            // A closed pipe (`hearth score x | head`) is not an error of ours.
            let _ = writeln!(std::io::stdout().lock(), "{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("hearth score: {message}");
            ExitCode::FAILURE
        }
    }
}

fn score(args: &ScoreArgs) -> Result<String, String> {
    let src = read_input(&args.input)?;
    let answers = Answers::from_interchange_json(&src).map_err(|e| format!("invalid answers: {e}"))?;
    let date = args.date.or_else(today).and_then(PartialDate::to_date).ok_or("cannot tell today's date")?;
    let standard = match &args.standard {
        Some(id) => Standard::builtin(id),
        None => Standard::in_force_on(date),
    }
    .map_err(|e| e.to_string())?;
    let reference_date = answers.reference_date.unwrap_or(date);
    let form = Form::builtin_household().map_err(|e| e.to_string())?;
    let problems = form.validate(&answers, reference_date);
    let describe = |p: &Problem| {
        let text = form.message(&p.key).map(|t| if args.lang == Lang::Vi { &t.vi } else { &t.en });
        format!("{}: {}{}", path(p), p.key, text.map(|t| format!(" ({t})")).unwrap_or_default())
    };
    for p in problems.iter().filter(|p| p.severity == Severity::Warning) {
        eprintln!("warning: {}", describe(p));
    }
    let errors: Vec<String> = problems.iter().filter(|p| p.blocks()).map(describe).collect();
    if !errors.is_empty() {
        return Err(format!("invalid answers:\n  {}", errors.join("\n  ")));
    }
    let result = if args.sample_b1 {
        let card = Card::sample_b1().map_err(|e| e.to_string())?;
        eprintln!("note: {}", if args.lang == Lang::Vi { &card.notice.vi } else { &card.notice.en });
        score_with_card(&standard, &card, &answers, reference_date)
    } else {
        standard.score(&answers, reference_date)
    }
    .map_err(|e| e.to_string())?;
    Ok(match args.format {
        Format::Json => json_output(&result, &reference_date.to_string()),
        Format::Table => table(&result, &standard, args.lang),
    })
}

fn read_input(input: &str) -> Result<String, String> {
    let mut src = String::new();
    if input == "-" {
        std::io::stdin().read_to_string(&mut src).map_err(|e| format!("cannot read stdin: {e}"))?;
    } else {
        src = std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    }
    Ok(src)
}

/// The field path of a problem, as the interchange format spells it.
fn path(p: &Problem) -> String {
    match p.row {
        Some(row) => format!("members[{row}].{}", p.question),
        None => p.question.clone(),
    }
}

/// Today's date in Viet Nam (UTC+7) from the system clock.
fn today() -> Option<PartialDate> {
    const UTC_PLUS_7: u64 = 7 * 3_600;
    let days = (SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() + UTC_PLUS_7) / 86_400;
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = i64::try_from(days).ok()? + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    PartialDate::parse(&format!("{year:04}-{month:02}-{day:02}"))
}

fn json_output(r: &ScoreResult, reference_date: &str) -> String {
    let value = json!({
        "category": r.category.as_str(),
        "income_per_capita": r.income_per_capita,
        "poverty_line": r.poverty_line,
        "deprived": r.deprived().collect::<Vec<_>>(),
        "b1": r.b1,
        "b2": r.b2,
        "standard": r.standard.id,
        "standard_version": r.standard.version,
        "explanation": { "vi": r.explanation.vi, "en": r.explanation.en },
        "indicators": r.indicators.iter().map(|i| json!({
            "id": i.id,
            "dimension": i.dimension,
            "deprived": i.deprived,
            "decided": i.decided,
            "reason": { "vi": i.reason.vi, "en": i.reason.en },
            "rows": i.rows,
        })).collect::<Vec<_>>(),
        "supports": r.supports.iter().map(|s| json!({
            "id": s.id,
            "label": { "vi": s.label.vi, "en": s.label.en },
            "indicators": s.indicators,
        })).collect::<Vec<_>>(),
        "reference_date": reference_date,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn vnd(n: Option<i64>) -> String {
    let Some(n) = n else { return "-".to_owned() };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out} VND", if n < 0 { "-" } else { "" })
}

fn table(r: &ScoreResult, standard: &Standard, lang: Lang) -> String {
    let text = |t: &hearth_core::form::Text| if lang == Lang::Vi { t.vi.clone() } else { t.en.clone() };
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("standard       {} ({}), {}", r.standard.id, r.standard.version, text(&standard.title)));
    line(format!("category       {:15} {}", r.category.as_str(), text(&r.category.label())));
    line(format!("income/person  {}", vnd(r.income_per_capita)));
    line(format!("poverty line   {}", vnd(r.poverty_line)));
    line(format!("deprivations   {} of {}   B2 = {}", r.deprivation_count, r.indicators.len(), r.b2));
    if let Some(b1) = r.b1 {
        line(format!("B1             {b1}   (sample card, not the official table)"));
    }
    line(format!("why            {}", text(&r.explanation)));
    line(String::new());
    let width = r.indicators.iter().map(|i| i.id.len()).max().unwrap_or(0);
    for i in &r.indicators {
        let mark = if i.deprived { "DEPRIVED" } else { "-" };
        let rows: Vec<String> = i.rows.iter().map(|r| format!("members[{r}]")).collect();
        let rows = if rows.is_empty() { String::new() } else { format!(" ({})", rows.join(", ")) };
        line(format!("  {:width$}  {mark:8}  {}{rows}", i.id, text(&i.reason)));
    }
    if !r.supports.is_empty() {
        line(String::new());
        line("suggested supports".to_owned());
        for s in &r.supports {
            line(format!("  {}  ({})", text(&s.label), s.indicators.join(", ")));
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{
      "reference_date": "2025-10-01", "area": "rural", "region": "northern_midlands_mountains",
      "income_monthly_vnd": 1400000,
      "house": { "walls": "non_durable", "frame": "durable", "roof": "non_durable" },
      "floor_area_m2": 36, "water_source": "protected_spring", "latrine": "simple_pit",
      "internet_use": false, "info_devices": ["radio"],
      "members": [{ "name": "Vùi Văn Sình", "sex": "male", "birth": "1984", "relationship": "head",
        "health_insurance": true, "in_school": false, "education": "primary", "employment": "farming",
        "disability": "none", "monthly_social_allowance": false, "malnourished": false }]
    }"#;

    fn args(input: &str, format: Format) -> ScoreArgs {
        ScoreArgs {
            sample_b1: false,
            input: input.to_owned(),
            standard: None,
            date: parse_date("2025-10-01").ok(),
            format,
            lang: Lang::En,
        }
    }

    fn run_on(src: &str, format: Format) -> Result<String, String> {
        let dir = std::env::temp_dir().join(format!("hearth-score-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let file = dir.join(format!("{n}.json"));
        std::fs::write(&file, src).map_err(|e| e.to_string())?;
        let out = score(&args(&file.to_string_lossy(), format));
        let _ = std::fs::remove_file(&file);
        out
    }

    #[test]
    fn json_output_has_the_stable_fields() {
        let out: serde_json::Value = serde_json::from_str(&run_on(EXAMPLE, Format::Json).unwrap()).unwrap();
        assert_eq!(out["category"], "poor");
        assert_eq!(out["income_per_capita"], 1_400_000);
        assert_eq!(out["poverty_line"], 1_500_000);
        assert_eq!(out["deprived"], json!(["housing_quality", "latrine", "telecom"]));
        assert_eq!(out["b2"], 30);
        assert_eq!(out["standard"], "vn-2022");
    }

    #[test]
    fn table_output_names_the_category_and_the_deprivations() {
        let out = run_on(EXAMPLE, Format::Table).unwrap();
        assert!(out.contains("category       poor"), "{out}");
        assert!(out.contains("latrine") && out.contains("DEPRIVED"), "{out}");
    }

    #[test]
    fn malformed_input_is_refused_naming_the_field() {
        let err = run_on(&EXAMPLE.replace("\"simple_pit\"", "\"bucket\""), Format::Json).unwrap_err();
        assert!(err.contains("latrine: not one of the choices"), "{err}");
        let err = run_on(&EXAMPLE.replace("\"sex\"", "\"gender\""), Format::Json).unwrap_err();
        assert!(err.contains("members[0].gender: unknown field"), "{err}");
        let err = run_on(&EXAMPLE.replace("\"floor_area_m2\": 36,", ""), Format::Json).unwrap_err();
        assert!(err.contains("floor_area_m2: required"), "{err}");
        let err = run_on("{ not json", Format::Json).unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");
    }

    #[test]
    fn the_sample_card_adds_b1() {
        let file = std::env::temp_dir().join(format!("hearth-score-card-{}.json", std::process::id()));
        std::fs::write(&file, EXAMPLE).unwrap();
        let mut with_card = args(&file.to_string_lossy(), Format::Json);
        with_card.sample_b1 = true;
        let out: serde_json::Value = serde_json::from_str(&score(&with_card).unwrap()).unwrap();
        let _ = std::fs::remove_file(&file);
        assert!(out["b1"].is_u64(), "{out}");
        assert_eq!(out["category"], "poor", "the card never changes the standard's category");
    }

    #[test]
    fn the_exit_status_is_non_zero_on_malformed_input() {
        let missing = args("/nonexistent/answers.json", Format::Json);
        assert_eq!(run(&missing), ExitCode::FAILURE);
    }

    #[test]
    fn today_is_a_real_date() {
        assert!(today().is_some_and(PartialDate::is_full));
    }
}
