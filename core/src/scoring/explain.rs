//! The category explained in words, in Vietnamese and English: which line the
//! income was compared with, how many indicators were deprived against the
//! cut-off, and what follows. Officers read this to the household.

use super::classify::{Area, Category};
use super::standard::{Classification, IncomeLines};
use crate::form::Text;

/// What a classification was decided from.
pub(crate) struct Facts<'a> {
    pub rule: &'a Classification,
    pub lines: Option<&'a IncomeLines>,
    pub area: Option<Area>,
    pub income_per_capita: Option<i64>,
    pub deprived: u32,
    pub indicators: usize,
    pub score: f64,
    pub category: Category,
}

/// Groups digits by thousands with `sep`: 1500000 → "1.500.000".
fn money(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

pub(crate) fn explain(f: &Facts<'_>) -> Text {
    let Text { vi: cat_vi, en: cat_en } = f.category.label();
    let (cutoff, band) = match f.rule {
        Classification::WeightedScore { poor_cutoff, .. } => {
            return Text {
                vi: format!(
                    "Điểm thiếu hụt có trọng số {:.3} (nghèo từ {:.3}): {cat_vi}.",
                    f.score, poor_cutoff.value
                ),
                en: format!(
                    "Weighted deprivation score {:.3} (poor from {:.3}): {cat_en}.",
                    f.score, poor_cutoff.value
                ),
            };
        }
        Classification::IncomeAndCount { cutoff } => (cutoff.value, false),
        Classification::IncomeOrBandAndCount { cutoff } => (cutoff.value, true),
    };
    let (Some(lines), Some(pc), Some(area)) = (f.lines, f.income_per_capita, f.area) else {
        return Text { vi: format!("{cat_vi}."), en: format!("{cat_en}.") };
    };
    let (area_vi, area_en) = match area {
        Area::Rural => ("nông thôn", "rural"),
        Area::Urban => ("thành thị", "urban"),
    };
    let line = lines.poverty_line.value;
    let income_vi = format!("Thu nhập bình quân {} đồng/người/tháng", money(pc, '.'));
    let income_en = format!("Income per person {} VND a month", money(pc, ','));
    let count_vi = format!(
        "thiếu hụt {} trên {} chỉ số (từ {cutoff} chỉ số trở lên là nghèo)",
        f.deprived, f.indicators
    );
    let count_en = format!(
        "{} of {} indicators are deprived ({cutoff} or more make a household poor)",
        f.deprived, f.indicators
    );
    let near_max = lines.near_poor_max.as_ref().map(|t| t.value).filter(|_| band);
    let (vi, en) = if pc <= line && band {
        (
            format!("{income_vi} không vượt chuẩn nghèo {area_vi} {} đồng", money(line, '.')),
            format!("{income_en} is at or below the {area_en} poverty line of {} VND", money(line, ',')),
        )
    } else if pc <= line {
        (
            format!("{income_vi} không vượt chuẩn nghèo {area_vi} {} đồng và {count_vi}", money(line, '.')),
            format!(
                "{income_en} is at or below the {area_en} poverty line of {} VND and {count_en}",
                money(line, ',')
            ),
        )
    } else if let Some(max) = near_max.filter(|max| pc <= *max) {
        (
            format!(
                "{income_vi} trên chuẩn nghèo {area_vi} nhưng không vượt {} đồng, và {count_vi}",
                money(max, '.')
            ),
            format!(
                "{income_en} is above the {area_en} poverty line but at most {} VND, and {count_en}",
                money(max, ',')
            ),
        )
    } else {
        (
            format!("{income_vi} vượt chuẩn nghèo {area_vi} {} đồng", money(line, '.')),
            format!("{income_en} is above the {area_en} poverty line of {} VND", money(line, ',')),
        )
    };
    Text { vi: format!("{vi}: {cat_vi}."), en: format!("{en}: {cat_en}.") }
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1_500_000, '.'), "1.500.000");
        assert_eq!(money(999, ','), "999");
        assert_eq!(money(1_000, ','), "1,000");
        assert_eq!(money(0, '.'), "0");
    }
}
