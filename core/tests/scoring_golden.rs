//! Golden cases for vn-2022 (Decree 07/2021), written from the rules in the
//! domain notes. Every household is scored at 2025-10-01. The base household
//! (two adults, 40 m², piped water, septic latrine, internet, a TV) is
//! deprived on nothing; each case changes only what it is about.

mod scoring_support;

use hearth_core::scoring::Category;
use scoring_support::*;
use serde_json::json;

const RURAL_LINE: i64 = 1_500_000;
const URBAN_LINE: i64 = 2_000_000;

/// Monthly income of a two-member household with `per_person` each.
fn two(per_person: i64) -> i64 {
    2 * per_person
}

/// Makes the base household deprived on exactly three indicators.
fn three_deprivations(h: Household) -> Household {
    h.set("water_source", json!("surface_water"))
        .set("latrine", json!("hanging"))
        .set("internet_use", json!(false))
}

fn only(h: &Household) -> Vec<String> {
    deprived(&h.score("vn-2022")).into_iter().map(str::to_owned).collect()
}

#[test]
fn rural_at_the_line_with_three_deprivations_is_poor() {
    let r = three_deprivations(Household::rural(two(RURAL_LINE))).score("vn-2022");
    assert_eq!(r.category, Category::Poor);
    assert_eq!(r.income_per_capita, Some(RURAL_LINE));
    assert_eq!(r.poverty_line, Some(RURAL_LINE));
    assert_eq!((r.deprivation_count, r.b2), (3, 30));
    assert_eq!(r.standard.id, "vn-2022");
}

#[test]
fn the_category_is_explained_in_words() {
    let r = three_deprivations(Household::rural(two(RURAL_LINE))).score("vn-2022");
    assert_eq!(
        r.explanation.en,
        "Income per person 1,500,000 VND a month is at or below the rural poverty line of 1,500,000 VND \
         and 3 of 12 indicators are deprived (3 or more make a household poor): poor."
    );
    assert_eq!(
        r.explanation.vi,
        "Thu nhập bình quân 1.500.000 đồng/người/tháng không vượt chuẩn nghèo nông thôn 1.500.000 đồng \
         và thiếu hụt 3 trên 12 chỉ số (từ 3 chỉ số trở lên là nghèo): hộ nghèo."
    );
    let above = Household::urban(two(2_500_000)).score("vn-2022");
    assert_eq!(
        above.explanation.en,
        "Income per person 2,500,000 VND a month is above the urban poverty line of 2,000,000 VND: \
         average living standard."
    );
}

#[test]
fn rural_at_the_line_with_two_deprivations_is_near_poor() {
    let h = Household::rural(two(RURAL_LINE))
        .set("water_source", json!("surface_water"))
        .set("latrine", json!("hanging"));
    let r = h.score("vn-2022");
    assert_eq!(r.category, Category::NearPoor);
    assert_eq!((r.deprivation_count, r.b2), (2, 20));
}

#[test]
fn rural_one_dong_above_the_line_is_never_poor_whatever_the_deprivations() {
    let h = three_deprivations(Household::rural(two(RURAL_LINE + 1)))
        .set("info_devices", json!([]))
        .set("floor_area_m2", json!(10));
    let r = h.score("vn-2022");
    assert_eq!(r.deprivation_count, 5);
    assert_eq!(r.category, Category::AverageLiving);
}

#[test]
fn rural_average_living_band_ends_at_2_250_000() {
    assert_eq!(Household::rural(two(2_250_000)).score("vn-2022").category, Category::AverageLiving);
    assert_eq!(Household::rural(two(2_250_001)).score("vn-2022").category, Category::NotPoor);
}

#[test]
fn rural_zero_deprivations_below_the_line_is_near_poor() {
    assert_eq!(Household::rural(two(1_000_000)).score("vn-2022").category, Category::NearPoor);
}

#[test]
fn urban_lines_are_2_000_000_and_3_000_000() {
    let poor = three_deprivations(Household::urban(two(URBAN_LINE))).score("vn-2022");
    assert_eq!((poor.category, poor.poverty_line), (Category::Poor, Some(URBAN_LINE)));
    let near = Household::urban(two(URBAN_LINE)).score("vn-2022");
    assert_eq!(near.category, Category::NearPoor);
    let above = three_deprivations(Household::urban(two(URBAN_LINE + 1))).score("vn-2022");
    assert_eq!(above.category, Category::AverageLiving);
    assert_eq!(Household::urban(two(3_000_000)).score("vn-2022").category, Category::AverageLiving);
    assert_eq!(Household::urban(two(3_000_001)).score("vn-2022").category, Category::NotPoor);
}

#[test]
fn a_rural_income_that_is_poor_is_not_poor_in_town_and_vice_versa() {
    // 1,800,000 per person: above the rural line, below the urban one.
    let rural = three_deprivations(Household::rural(two(1_800_000))).score("vn-2022");
    let urban = three_deprivations(Household::urban(two(1_800_000))).score("vn-2022");
    assert_eq!((rural.category, urban.category), (Category::AverageLiving, Category::Poor));
}

#[test]
fn income_per_capita_is_rounded_down_and_compared_as_shown() {
    let h = three_deprivations(Household::rural(4_500_002)).with(adult("1995-05-05"));
    let r = h.score("vn-2022");
    assert_eq!(r.income_per_capita, Some(1_500_000));
    assert_eq!(r.category, Category::Poor);
}

#[test]
fn employment_alone_unemployed_or_wage_without_contract() {
    let h = Household::rural(two(1_000_000)).member(1, "employment", json!("wage_without_contract"));
    assert_eq!(only(&h), ["employment"]);
    let h = Household::rural(two(1_000_000)).member(1, "employment", json!("unemployed_seeking"));
    assert_eq!(only(&h), ["employment"]);
    let h = Household::rural(two(1_000_000)).member(1, "employment", json!("not_working"));
    assert!(only(&h).is_empty());
}

#[test]
fn dependants_alone_more_than_half() {
    let toddlers = |h: Household, n: usize| (0..n).fold(h, |h, _| h.with(child("2024-01-01")));
    let half = toddlers(Household::rural(5_000_000), 2);
    assert!(only(&half).is_empty(), "2 of 4 is exactly half");
    let more = toddlers(Household::rural(5_000_000), 3);
    assert_eq!(only(&more), ["dependants"]);
}

#[test]
fn dependants_count_the_elderly_from_60_and_the_severely_disabled() {
    let elderly = Household::rural(6_000_000)
        .member(1, "birth", json!("1965-10-01"))
        .with(adult("1960-01-01"))
        .member(1, "employment", json!("not_working"));
    assert_eq!(only(&elderly), ["dependants"], "60 and 65 of 3");
    let fifty_nine = elderly.clone().member(1, "birth", json!("1965-10-02"));
    assert!(only(&fifty_nine).is_empty(), "59 is not elderly");
    let disabled =
        Household::rural(6_000_000).member(1, "disability", json!("severe")).with(child("2024-01-01"));
    assert_eq!(only(&disabled), ["dependants"]);
    let mild = Household::rural(6_000_000).member(1, "disability", json!("mild")).with(child("2024-01-01"));
    assert!(only(&mild).is_empty());
}

#[test]
fn nutrition_alone_a_malnourished_child() {
    let h = Household::rural(6_000_000).with(child("2015-01-01")).member(2, "malnourished", json!(true));
    assert_eq!(only(&h), ["nutrition"]);
    let adult_flag = Household::rural(6_000_000).member(1, "malnourished", json!(true));
    assert!(only(&adult_flag).is_empty(), "only children under 16 count");
}

#[test]
fn a_member_rule_names_the_rows_that_trigger_it() {
    let h = Household::rural(6_000_000)
        .with(child("2015-01-01"))
        .with(child("2016-01-01"))
        .member(1, "health_insurance", json!(false))
        .member(3, "health_insurance", json!(false));
    let r = h.score("vn-2022");
    let insurance = r.indicators.iter().find(|i| i.id == "health_insurance").unwrap();
    assert_eq!(insurance.rows, [1, 3]);
    assert!(r.indicators.iter().filter(|i| !i.deprived).all(|i| i.rows.is_empty()));
}

#[test]
fn health_insurance_alone_and_the_5_6_edge() {
    let h = Household::rural(6_000_000).member(1, "health_insurance", json!(false));
    assert_eq!(only(&h), ["health_insurance"]);
    let five =
        Household::rural(6_000_000).with(child("2019-10-02")).member(2, "health_insurance", json!(false));
    assert!(only(&five).is_empty(), "a child of 5 needs no card");
    let six =
        Household::rural(6_000_000).with(child("2019-10-01")).member(2, "health_insurance", json!(false));
    assert_eq!(only(&six), ["health_insurance"]);
}

#[test]
fn adult_education_alone_and_the_15_16_edge() {
    let lacking = |birth: &str, level: &str| {
        Household::rural(6_000_000).with(adult(birth)).member(2, "education", json!(level))
    };
    assert_eq!(only(&lacking("2009-10-01", "primary")), ["adult_education"], "16 without lower secondary");
    let fifteen = lacking("2010-10-02", "primary");
    assert_eq!(only(&fifteen), ["school_attendance"], "15 counts for school attendance instead");
}

#[test]
fn adult_education_17_18_edge_needs_upper_secondary_from_18() {
    let at = |birth: &str, level: &str| {
        Household::rural(6_000_000).with(adult(birth)).member(2, "education", json!(level))
    };
    assert!(only(&at("2008-10-02", "lower_secondary")).is_empty(), "17 with lower secondary");
    assert_eq!(only(&at("2007-10-01", "lower_secondary")), ["adult_education"], "18 with lower secondary");
    assert!(only(&at("2007-10-01", "vocational_elementary")).is_empty(), "a vocational certificate suffices");
    assert!(only(&at("1994-10-01", "primary")).is_empty(), "31 is outside 16-30");
    assert_eq!(only(&at("1995-10-01", "primary")), ["adult_education"], "30 is inside");
    let in_school = at("2007-10-01", "lower_secondary").member(2, "in_school", json!(true));
    assert!(only(&in_school).is_empty(), "still in school");
}

#[test]
fn school_attendance_alone_and_the_2_3_and_15_16_edges() {
    let out_of_school = |birth: &str| {
        Household::rural(6_000_000).with(child(birth)).member(2, "in_school", json!(false)).member(
            2,
            "education",
            json!("lower_secondary"),
        )
    };
    assert!(only(&out_of_school("2022-10-02")).is_empty(), "2 years old");
    assert_eq!(only(&out_of_school("2022-10-01")), ["school_attendance"], "3 years old");
    assert_eq!(only(&out_of_school("2010-10-02")), ["school_attendance"], "15 years old");
    assert!(only(&out_of_school("2009-10-01")).is_empty(), "16 years old");
}

#[test]
fn housing_quality_alone_two_of_three_parts_non_durable() {
    let one = Household::rural(6_000_000).set("house.walls", json!("non_durable"));
    assert!(only(&one).is_empty());
    for (a, b) in [("walls", "frame"), ("walls", "roof"), ("frame", "roof")] {
        let h = Household::rural(6_000_000)
            .set(&format!("house.{a}"), json!("non_durable"))
            .set(&format!("house.{b}"), json!("non_durable"));
        assert_eq!(only(&h), ["housing_quality"], "{a} and {b}");
    }
}

#[test]
fn floor_area_alone_under_8_m2_per_person() {
    assert_eq!(only(&Household::rural(6_000_000).set("floor_area_m2", json!(15.9))), ["floor_area"]);
    assert!(only(&Household::rural(6_000_000).set("floor_area_m2", json!(16))).is_empty());
}

#[test]
fn water_alone_every_unclean_source() {
    for source in ["unprotected_dug_well", "unprotected_spring", "surface_water", "other"] {
        assert_eq!(
            only(&Household::rural(6_000_000).set("water_source", json!(source))),
            ["water"],
            "{source}"
        );
    }
    for source in ["piped", "drilled_well", "protected_dug_well", "protected_spring", "rainwater", "bottled"]
    {
        assert!(only(&Household::rural(6_000_000).set("water_source", json!(source))).is_empty(), "{source}");
    }
}

#[test]
fn latrine_alone_every_unhygienic_kind() {
    for kind in ["simple_pit", "hanging", "none", "other"] {
        assert_eq!(only(&Household::rural(6_000_000).set("latrine", json!(kind))), ["latrine"], "{kind}");
    }
    for kind in ["septic", "semi_septic", "pour_flush", "double_vault"] {
        assert!(only(&Household::rural(6_000_000).set("latrine", json!(kind))).is_empty(), "{kind}");
    }
}

#[test]
fn telecom_alone_no_internet_use() {
    assert_eq!(only(&Household::rural(6_000_000).set("internet_use", json!(false))), ["telecom"]);
}

#[test]
fn information_devices_alone_owns_none() {
    assert_eq!(only(&Household::rural(6_000_000).set("info_devices", json!([]))), ["information_devices"]);
    assert!(only(&Household::rural(6_000_000).set("info_devices", json!(["basic_phone"]))).is_empty());
}

#[test]
fn reasons_are_given_in_vietnamese_and_english_for_every_indicator() {
    let r = three_deprivations(Household::rural(two(RURAL_LINE))).score("vn-2022");
    assert_eq!(r.indicators.len(), 12);
    for ind in &r.indicators {
        assert!(!ind.reason.vi.is_empty() && !ind.reason.en.is_empty(), "{}", ind.id);
        assert!(ind.decided);
    }
    let water = r.indicators.iter().find(|i| i.id == "water").unwrap();
    assert_eq!(water.reason.en, "The household has no access to clean water");
}

#[test]
fn supports_are_suggested_per_deprivation() {
    let r = three_deprivations(Household::rural(two(RURAL_LINE))).score("vn-2022");
    let ids: Vec<&str> = r.supports.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["clean_water", "sanitation", "information_access"]);
    assert_eq!(r.supports[0].indicators, ["water"]);
}

#[test]
fn the_indicator_ids_are_the_published_twelve() {
    let r = Household::rural(6_000_000).score("vn-2022");
    let ids: Vec<&str> = r.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "employment",
            "dependants",
            "nutrition",
            "health_insurance",
            "adult_education",
            "school_attendance",
            "housing_quality",
            "floor_area",
            "water",
            "latrine",
            "telecom",
            "information_devices"
        ]
    );
}
