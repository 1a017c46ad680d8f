//! The score-card format and its sample B1 card.

mod scoring_support;

use hearth_core::form::Form;
use hearth_core::scoring::{Area, Card, Category, Confidence, ScoringError, Standard, score_with_card};
use scoring_support::*;
use serde_json::json;

#[test]
fn the_built_in_card_is_marked_as_a_sample_never_official() {
    let card = Card::sample_b1().unwrap();
    assert!(card.sample);
    assert_ne!(card.confidence, Confidence::Official);
    assert!(card.title.en.contains("not the official"));
    assert!(card.notice.vi.contains("không phải bảng điểm chính thức"));
}

#[test]
fn an_unofficial_card_not_marked_sample_is_refused() {
    let src =
        include_str!("../standards/cards/b1-sample.json").replace("\"sample\": true", "\"sample\": false");
    let err = Card::from_json(&src, &Form::builtin_household().unwrap()).unwrap_err();
    assert!(matches!(err, ScoringError::Definition(m) if m.contains("must be marked sample")));
}

#[test]
fn b1_sums_the_first_matching_option_of_each_item_in_the_regions_table() {
    let card = Card::sample_b1().unwrap();
    // Two adults, upper secondary, farming, durable 40 m², piped, septic, TV and smartphone.
    // Northern midlands table (sample points less 2 on each scoring item):
    // size 33 + dependants 13 + education 13 + contract 0 + non-farm 0 + housing 18
    // + floor 13 + water 6 + latrine 6 + assets 4 = 106.
    let h = Household::rural(6_000_000);
    assert_eq!(card.b1(&h.answers(), reference_date()).unwrap(), 106);
    let delta = h.clone().set("region", json!("south_east"));
    assert_eq!(card.b1(&delta.answers(), reference_date()).unwrap(), 106 + 5 * 8);
    let urban = Household::urban(6_000_000);
    assert_eq!(card.b1(&urban.answers(), reference_date()).unwrap(), 106 + 6 * 8);
}

#[test]
fn a_rural_card_needs_the_region() {
    let card = Card::sample_b1().unwrap();
    let h = Household::rural(6_000_000).remove("region");
    assert_eq!(card.b1(&h.answers(), reference_date()), Err(ScoringError::MissingAnswer("region".into())));
}

#[test]
fn card_cut_offs_follow_the_2022_circulars() {
    let card = Card::sample_b1().unwrap();
    assert_eq!(card.category(140, 30, Area::Rural), Category::Poor);
    assert_eq!(card.category(140, 20, Area::Rural), Category::NearPoor);
    assert_eq!(card.category(141, 30, Area::Rural), Category::NotPoor);
    assert_eq!(card.category(175, 30, Area::Urban), Category::Poor);
    assert_eq!(card.category(176, 30, Area::Urban), Category::NotPoor);
}

#[test]
fn scoring_with_a_card_adds_b1_and_keeps_the_standards_category() {
    let standard = Standard::builtin("vn-2022").unwrap();
    let card = Card::sample_b1().unwrap();
    let h = Household::rural(6_000_000);
    let r = score_with_card(&standard, &card, &h.answers(), reference_date()).unwrap();
    assert_eq!((r.b1, r.category), (Some(106), h.score("vn-2022").category));
    assert_eq!(h.score("vn-2022").b1, None);
}
