//! Alkire–Foster aggregates over many households: the headcount ratio H, the
//! intensity A, the adjusted headcount M0 = H·A, censored and uncensored
//! headcounts per indicator, and each indicator's contribution to M0.

use serde::{Deserialize, Serialize};

use super::{ScoreResult, ScoringError};

/// Float tolerance for "score reaches k" (weights like 1/18 do not add exactly).
const EPS: f64 = 1e-9;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorAggregate {
    /// Households deprived on this indicator.
    pub uncensored: usize,
    /// Households deprived on it and poor (score ≥ k).
    pub censored: usize,
    pub uncensored_ratio: f64,
    pub censored_ratio: f64,
    /// w_j · censored_ratio / M0: this indicator's share of M0 (0 when M0 is 0).
    pub contribution: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AfAggregates {
    pub k: f64,
    /// Households.
    pub n: usize,
    /// Households poor at cut-off k.
    pub q: usize,
    /// Headcount ratio q / n.
    pub h: f64,
    /// Average deprivation score among the poor.
    pub a: f64,
    /// Adjusted headcount ratio H · A.
    pub m0: f64,
    /// Per indicator, in the order of the weights.
    pub indicators: Vec<IndicatorAggregate>,
}

/// Aggregates deprivation flags (one row per household, one column per
/// indicator) with `weights` summing to 1 and poverty cut-off `k`.
pub fn alkire_foster<R: AsRef<[bool]>>(
    flags: &[R],
    weights: &[f64],
    k: f64,
) -> Result<AfAggregates, ScoringError> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || (sum - 1.0).abs() > EPS
    {
        return Err(ScoringError::Aggregate("weights must be non-negative and sum to 1"));
    }
    if !(k.is_finite() && k > 0.0 && k <= 1.0) {
        return Err(ScoringError::Aggregate("k must be in (0, 1]"));
    }
    if flags.iter().any(|row| row.as_ref().len() != weights.len()) {
        return Err(ScoringError::Aggregate("every household needs one flag per weight"));
    }
    let d = weights.len();
    let (mut q, mut poor_scores) = (0usize, 0.0);
    let mut uncensored = vec![0usize; d];
    let mut censored = vec![0usize; d];
    for row in flags {
        let row = row.as_ref();
        let c: f64 = row.iter().zip(weights).filter(|(g, _)| **g).map(|(_, w)| w).sum();
        let poor = c + EPS >= k;
        if poor {
            q += 1;
            poor_scores += c;
        }
        for (j, g) in row.iter().enumerate() {
            if *g {
                uncensored[j] += 1;
                if poor {
                    censored[j] += 1;
                }
            }
        }
    }
    let n = flags.len();
    let ratio = |x: usize| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    let h = ratio(q);
    let a = if q == 0 { 0.0 } else { poor_scores / q as f64 };
    let m0 = h * a;
    let indicators = (0..d)
        .map(|j| IndicatorAggregate {
            uncensored: uncensored[j],
            censored: censored[j],
            uncensored_ratio: ratio(uncensored[j]),
            censored_ratio: ratio(censored[j]),
            contribution: if m0 > 0.0 { weights[j] * ratio(censored[j]) / m0 } else { 0.0 },
        })
        .collect();
    Ok(AfAggregates { k, n, q, h, a, m0, indicators })
}

impl AfAggregates {
    /// Aggregates score results of one standard, with its weights.
    pub fn from_results(
        results: &[ScoreResult],
        weights: &[f64],
        k: f64,
    ) -> Result<AfAggregates, ScoringError> {
        let flags: Vec<Vec<bool>> =
            results.iter().map(|r| r.indicators.iter().map(|i| i.deprived).collect()).collect();
        alkire_foster(&flags, weights, k)
    }
}
