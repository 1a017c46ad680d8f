//! Alkire–Foster aggregates against a worked example computed by hand.

mod scoring_support;

use hearth_core::scoring::{AfAggregates, ScoringError, Standard, alkire_foster};
use scoring_support::*;
use serde_json::json;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Four households, three indicators weighted 1/2, 1/4, 1/4, cut-off k = 1/2.
///
/// | household | g1 g2 g3 | c    | poor |
/// |-----------|----------|------|------|
/// | 1         | 1  1  0  | 0.75 | yes  |
/// | 2         | 1  0  0  | 0.50 | yes (c = k) |
/// | 3         | 0  1  1  | 0.50 | yes  |
/// | 4         | 0  0  1  | 0.25 | no   |
///
/// q = 3, H = 3/4, A = (0.75 + 0.5 + 0.5) / 3 = 7/12, M0 = H·A = 7/16.
/// Uncensored headcounts: 2, 2, 2. Censored: 2, 2, 1 (household 4 is not poor).
/// Contributions w_j·CH_j / M0: (1/2·1/2)/(7/16) = 4/7, (1/4·1/2)/(7/16) = 2/7,
/// (1/4·1/4)/(7/16) = 1/7.
#[test]
fn h_a_and_m0_match_the_worked_example() {
    let flags = [[true, true, false], [true, false, false], [false, true, true], [false, false, true]];
    let af = alkire_foster(&flags, &[0.5, 0.25, 0.25], 0.5).unwrap();
    assert_eq!((af.n, af.q), (4, 3));
    assert!(close(af.h, 0.75));
    assert!(close(af.a, 7.0 / 12.0));
    assert!(close(af.m0, 7.0 / 16.0));
    let uncensored: Vec<usize> = af.indicators.iter().map(|i| i.uncensored).collect();
    let censored: Vec<usize> = af.indicators.iter().map(|i| i.censored).collect();
    assert_eq!((uncensored, censored), (vec![2, 2, 2], vec![2, 2, 1]));
    assert!(close(af.indicators[2].censored_ratio, 0.25));
    let contributions: Vec<f64> = af.indicators.iter().map(|i| i.contribution).collect();
    for (got, want) in contributions.iter().zip([4.0 / 7.0, 2.0 / 7.0, 1.0 / 7.0]) {
        assert!(close(*got, want), "{got} vs {want}");
    }
    assert!(close(contributions.iter().sum(), 1.0));
}

#[test]
fn nobody_poor_gives_zeros_not_nans() {
    let af = alkire_foster(&[[false, false], [true, false]], &[0.5, 0.5], 1.0).unwrap();
    assert_eq!((af.q, af.h, af.a, af.m0), (0, 0.0, 0.0, 0.0));
    assert!(af.indicators.iter().all(|i| i.contribution == 0.0));
    let empty: [[bool; 2]; 0] = [];
    assert_eq!(alkire_foster(&empty, &[0.5, 0.5], 0.5).unwrap().h, 0.0);
}

#[test]
fn inconsistent_input_is_a_typed_error() {
    assert!(matches!(alkire_foster(&[[true]], &[0.5], 0.5), Err(ScoringError::Aggregate(_))));
    assert!(matches!(alkire_foster(&[[true]], &[1.0], 0.0), Err(ScoringError::Aggregate(_))));
    assert!(matches!(alkire_foster(&[vec![true]], &[0.5, 0.5], 0.5), Err(ScoringError::Aggregate(_))));
}

#[test]
fn vietnams_count_rule_is_alkire_foster_with_equal_weights_and_k_three_twelfths() {
    let standard = Standard::builtin("vn-2022").unwrap();
    let base = Household::rural(6_000_000);
    let results = vec![
        base.clone().score("vn-2022"),
        base.clone().set("water_source", json!("surface_water")).score("vn-2022"),
        base.clone()
            .set("water_source", json!("surface_water"))
            .set("latrine", json!("none"))
            .set("internet_use", json!(false))
            .score("vn-2022"),
        base.set("latrine", json!("none"))
            .set("internet_use", json!(false))
            .set("info_devices", json!([]))
            .set("floor_area_m2", json!(4))
            .score("vn-2022"),
    ];
    let af = AfAggregates::from_results(&results, standard.weights(), 3.0 / 12.0).unwrap();
    assert_eq!((af.n, af.q), (4, 2));
    assert!(close(af.h, 0.5));
    assert!(close(af.a, (3.0 / 12.0 + 4.0 / 12.0) / 2.0));
    let latrine = standard.indicators.iter().position(|i| i.id == "latrine").unwrap();
    assert_eq!((af.indicators[latrine].uncensored, af.indicators[latrine].censored), (2, 2));
    let water = standard.indicators.iter().position(|i| i.id == "water").unwrap();
    assert_eq!((af.indicators[water].uncensored, af.indicators[water].censored), (2, 1));
}
