//! The report as CSV that Excel opens with its Vietnamese intact: UTF-8 with a
//! byte-order mark, CRLF line ends, RFC 4180 quoting, a header row, then one
//! row per unit below the reported one and the unit's total last. Rates use a
//! '.' decimal separator; a figure that does not exist (a rate of no
//! households, a change with nothing to compare) is an empty cell.

use std::fmt::Write;

use super::{Figures, UnitReport};
use crate::units::Level;

/// The fixed columns, before two per indicator.
pub const COLUMNS: [&str; 12] = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Cấp",
    "Tổng số hộ",
    "Số hộ nghèo",
    "Số hộ cận nghèo",
    "Tỷ lệ hộ nghèo (%)",
    "Tỷ lệ hộ cận nghèo (%)",
    "Tỷ lệ hộ nghèo và cận nghèo (%)",
    "Tăng, giảm tỷ lệ hộ nghèo (điểm %)",
    "Tăng, giảm tỷ lệ hộ cận nghèo (điểm %)",
    "Tăng, giảm tỷ lệ hộ nghèo và cận nghèo (điểm %)",
];

impl UnitReport {
    /// The report as CSV text, starting with the byte-order mark.
    pub fn to_csv(&self) -> String {
        let mut out = String::from('\u{feff}');
        let mut header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        for ind in &self.indicators {
            header.push(format!("{}: số hộ thiếu hụt", ind.label.vi));
            header.push(format!("{}: số hộ nghèo thiếu hụt", ind.label.vi));
        }
        line(&mut out, &header);
        for figures in self.rows.iter().chain(std::iter::once(&self.total)) {
            line(&mut out, &cells(figures, self.indicators.len()));
        }
        out
    }
}

fn cells(f: &Figures, indicators: usize) -> Vec<String> {
    let text = |x: Option<String>| x.unwrap_or_default();
    let change = f.change();
    let mut row = vec![
        f.code.clone(),
        f.name.clone(),
        level_vi(f.level).to_owned(),
        f.now.households.to_string(),
        f.now.poor.to_string(),
        f.now.near_poor.to_string(),
        text(f.now.poor_rate().map(|r| r.to_string())),
        text(f.now.near_poor_rate().map(|r| r.to_string())),
        text(f.now.combined_rate().map(|r| r.to_string())),
        text(change.map(|c| c.poor.to_string())),
        text(change.map(|c| c.near_poor.to_string())),
        text(change.map(|c| c.combined.to_string())),
    ];
    for j in 0..indicators {
        let h = f.deprivations.get(j).copied().unwrap_or_default();
        row.push(h.households.to_string());
        row.push(h.poor.to_string());
    }
    row
}

/// The level as a Vietnamese table says it.
fn level_vi(level: Level) -> &'static str {
    match level {
        Level::Province => "tỉnh",
        Level::District => "huyện",
        Level::Commune => "xã",
        Level::Ward => "phường",
        Level::Township => "thị trấn",
        Level::Village => "thôn",
    }
}

/// Appends one record: fields joined by commas, CRLF at the end.
fn line(out: &mut String, fields: &[String]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(out, field);
    }
    out.push_str("\r\n");
}

/// A field as RFC 4180 writes it: in quotes, with quotes doubled, when it
/// holds a comma, a quote or a line break.
fn quote(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        let _ = write!(out, "\"{}\"", field.replace('"', "\"\""));
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = String::new();
        line(&mut out, &["Thôn Nà Pó".into(), "Bản \"Mới\", Díu".into(), "a\nb".into(), "-2.50".into()]);
        assert_eq!(out, "Thôn Nà Pó,\"Bản \"\"Mới\"\", Díu\",\"a\nb\",-2.50\r\n");
    }
}
