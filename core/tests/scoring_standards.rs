//! Golden cases for vn-2016, vn-2027 and global-mpi, written from the domain
//! notes, and the choice of standard by date.

mod scoring_support;

use chrono::NaiveDate;
use hearth_core::scoring::{Category, Confidence, Standard};
use scoring_support::*;
use serde_json::json;

fn three_deprivations(h: Household) -> Household {
    h.set("water_source", json!("surface_water"))
        .set("latrine", json!("hanging"))
        .set("floor_area_m2", json!(10))
}

fn category(h: &Household, standard: &str) -> Category {
    h.score(standard).category
}

#[test]
fn vn_2016_income_at_or_below_the_line_is_poor_whatever_the_deprivations() {
    let r = Household::rural(1_400_000).score("vn-2016");
    assert_eq!((r.category, r.deprivation_count, r.poverty_line), (Category::Poor, 0, Some(700_000)));
    assert_eq!(category(&Household::urban(1_800_000), "vn-2016"), Category::Poor);
}

#[test]
fn vn_2016_near_poor_band_needs_three_deprivations_to_be_poor() {
    let band = Household::rural(1_400_002); // 700,001 per person
    assert_eq!(category(&band, "vn-2016"), Category::NearPoor);
    let two = band.clone().set("water_source", json!("surface_water")).set("latrine", json!("hanging"));
    assert_eq!(category(&two, "vn-2016"), Category::NearPoor);
    assert_eq!(category(&three_deprivations(band), "vn-2016"), Category::Poor);
    let r = three_deprivations(Household::rural(1_400_002)).score("vn-2016");
    assert_eq!(
        r.explanation.en,
        "Income per person 700,001 VND a month is above the rural poverty line but at most 1,000,000 VND, \
         and 3 of 10 indicators are deprived (3 or more make a household poor): poor."
    );
    let top = three_deprivations(Household::rural(2_000_000)); // 1,000,000: still in the band
    assert_eq!(category(&top, "vn-2016"), Category::Poor);
    let above = three_deprivations(Household::rural(2_000_002));
    assert_eq!(category(&above, "vn-2016"), Category::AverageLiving);
    assert_eq!(category(&Household::rural(3_000_000), "vn-2016"), Category::AverageLiving);
    assert_eq!(category(&Household::rural(3_000_002), "vn-2016"), Category::NotPoor);
}

#[test]
fn vn_2016_urban_lines_are_900_000_1_300_000_and_1_950_000() {
    assert_eq!(category(&Household::urban(1_800_002), "vn-2016"), Category::NearPoor);
    assert_eq!(category(&three_deprivations(Household::urban(2_600_000)), "vn-2016"), Category::Poor);
    assert_eq!(category(&Household::urban(2_600_002), "vn-2016"), Category::AverageLiving);
    assert_eq!(category(&Household::urban(3_900_000), "vn-2016"), Category::AverageLiving);
    assert_eq!(category(&Household::urban(3_900_002), "vn-2016"), Category::NotPoor);
}

#[test]
fn vn_2016_indicators_have_their_own_ages() {
    let only =
        |h: &Household| deprived(&h.score("vn-2016")).into_iter().map(str::to_owned).collect::<Vec<_>>();
    let h = Household::rural(3_000_000);
    // School attendance: 5 to under 15.
    let out = |birth: &str| h.clone().with(child(birth)).member(2, "in_school", json!(false));
    assert!(only(&out("2020-10-02")).is_empty(), "4 years old");
    assert_eq!(only(&out("2020-10-01")), ["school_attendance"], "5 years old");
    // Adult education: 15 and over, born 1986 or later, without lower secondary.
    let adult_at = |birth: &str| h.clone().with(adult(birth)).member(2, "education", json!("primary"));
    assert_eq!(only(&adult_at("1986-01-01")), ["adult_education"]);
    assert!(only(&adult_at("1985-12-31")).is_empty());
    assert_eq!(only(&h.clone().set("untreated_illness", json!(true))), ["health_care"]);
    assert_eq!(
        only(&h.clone().set("internet_use", json!(false)).set("info_devices", json!(["tv"]))),
        ["telecom"]
    );
    assert_eq!(only(&h.clone().set("info_devices", json!(["smartphone"]))), ["information_assets"]);
}

#[test]
fn vn_2027_lines_are_2_200_000_and_2_800_000_without_an_average_band() {
    let r = three_deprivations(Household::rural(4_400_000)).score("vn-2027");
    assert_eq!((r.category, r.poverty_line), (Category::Poor, Some(2_200_000)));
    assert_eq!(category(&Household::rural(4_400_000), "vn-2027"), Category::NearPoor);
    let two =
        Household::rural(4_400_000).set("water_source", json!("surface_water")).set("latrine", json!("none"));
    assert_eq!(category(&two, "vn-2027"), Category::NearPoor, "2 deprivations");
    assert_eq!(category(&three_deprivations(Household::rural(4_400_002)), "vn-2027"), Category::NotPoor);
    assert_eq!(category(&three_deprivations(Household::urban(5_600_000)), "vn-2027"), Category::Poor);
    assert_eq!(category(&Household::urban(5_600_002), "vn-2027"), Category::NotPoor);
}

#[test]
fn vn_2027_adds_waste_treatment_and_marks_every_indicator_unverified() {
    let h = Household::rural(4_000_000).set("waste_treatment", json!("dumped"));
    assert_eq!(deprived(&h.score("vn-2027")), ["waste_treatment"]);
    let standard = Standard::builtin("vn-2027").unwrap();
    assert!(standard.indicators.iter().all(|i| i.confidence == Confidence::Unverified));
    assert!(!standard.indicators.iter().any(|i| i.id == "information_devices"));
}

#[test]
fn global_mpi_poor_from_one_third_of_weighted_deprivations() {
    let base = Household::rural(3_000_000);
    let r = base.score("global-mpi");
    assert_eq!((r.category, r.poverty_line), (Category::NotPoor, None));
    // Two health / education indicators: 1/6 + 1/6 = 1/3 exactly.
    let two_sixths = base.clone().set("child_deaths_5y", json!(1)).member(1, "malnourished", json!(true));
    assert_eq!(category(&two_sixths, "global-mpi"), Category::Poor);
    // Six living-standard indicators: 6/18 = 1/3, reached despite float sums.
    let living = base
        .clone()
        .set("cooking_fuel", json!("wood"))
        .set("latrine", json!("none"))
        .set("water_source", json!("surface_water"))
        .set("electricity", json!(false))
        .set("house.roof", json!("non_durable"))
        .set("info_devices", json!([]));
    let r = living.score("global-mpi");
    assert_eq!((r.category, r.deprivation_count), (Category::Poor, 6));
    assert_eq!(r.explanation.en, "Weighted deprivation score 0.333 (poor from 0.333): poor.");
    assert!((r.deprivation_score - 1.0 / 3.0).abs() < 1e-12);
    // 1/6 + 1/18 = 0.22: vulnerable (near-poor), not poor.
    let vulnerable = base.clone().set("child_deaths_5y", json!(2)).set("electricity", json!(false));
    assert_eq!(category(&vulnerable, "global-mpi"), Category::NearPoor);
    let one_sixth = base.set("child_deaths_5y", json!(1));
    assert_eq!(category(&one_sixth, "global-mpi"), Category::NotPoor);
}

#[test]
fn the_standard_in_force_follows_the_date() {
    let on = |y, m, d| Standard::in_force_on(NaiveDate::from_ymd_opt(y, m, d).unwrap()).map(|s| s.id);
    assert_eq!(on(2016, 1, 1).unwrap(), "vn-2016");
    assert_eq!(on(2021, 12, 31).unwrap(), "vn-2016");
    assert_eq!(on(2022, 1, 1).unwrap(), "vn-2022");
    assert_eq!(on(2026, 12, 31).unwrap(), "vn-2022", "2026 is a transition year under the 2022 standard");
    assert_eq!(on(2027, 1, 1).unwrap(), "vn-2027");
    assert!(on(2015, 12, 31).is_err());
}

#[test]
fn every_threshold_of_every_builtin_carries_a_source() {
    for id in Standard::builtin_ids() {
        let s = Standard::builtin(id).unwrap();
        assert!(!s.b2_points_per_deprivation.source.is_empty(), "{id}");
        assert!(s.params.values().all(|p| !p.source.is_empty()), "{id}");
        assert!(s.indicators.iter().all(|i| !i.source.is_empty()), "{id}");
        if let Some(lines) = &s.lines {
            for area in [&lines.rural, &lines.urban] {
                assert!(!area.poverty_line.source.is_empty(), "{id}");
                assert_eq!(area.poverty_line.confidence, Confidence::Official, "{id}: lines are official");
            }
        }
        assert!((s.weights().iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}

#[test]
fn a_standard_defining_an_indicator_twice_is_refused() {
    let src = include_str!("../standards/vn-2022.json").replace("\"id\": \"telecom\"", "\"id\": \"water\"");
    let err = Standard::from_json(&src, &hearth_core::form::Form::builtin_household().unwrap()).unwrap_err();
    assert!(
        matches!(err, hearth_core::scoring::ScoringError::Definition(m) if m.contains("water is defined twice"))
    );
}

#[test]
fn unknown_standards_are_a_typed_error() {
    assert!(matches!(
        Standard::builtin("vn-1999"),
        Err(hearth_core::scoring::ScoringError::UnknownStandard(id)) if id == "vn-1999"
    ));
}
