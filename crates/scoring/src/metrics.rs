//! How good a probability is: ranking (AUC), accuracy of the probabilities themselves (Brier
//! score, log loss, the reliability table) and the decision at an alert threshold (confusion
//! matrix). Written here rather than borrowed, and tested against answers worked by hand and
//! against scikit-learn's documented examples.

use serde::{Deserialize, Serialize};

/// Probabilities are clipped to this distance from 0 and 1 before a logarithm.
const EPS: f64 = 1e-15;

/// Area under the ROC curve: the chance that a random converted lead scores above a random
/// lead that did not, ties counting half. `None` when one class is absent.
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    assert_eq!(scores.len(), labels.len(), "one label per score");
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    // Sum of the positives' ranks (1-based, ties given their average rank).
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        let tied_positives = order[i..=j].iter().filter(|&&k| labels[k]).count();
        rank_sum += average_rank * tied_positives as f64;
        i = j + 1;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// Mean squared difference between the probability and the outcome (0 is perfect).
pub fn brier(probs: &[f64], labels: &[bool]) -> f64 {
    assert_eq!(probs.len(), labels.len(), "one label per probability");
    if probs.is_empty() {
        return 0.0;
    }
    let sum: f64 = probs
        .iter()
        .zip(labels)
        .map(|(&p, &y)| (p - f64::from(u8::from(y))).powi(2))
        .sum();
    sum / probs.len() as f64
}

/// Mean negative log-likelihood of the outcomes (natural log; 0 is perfect).
pub fn log_loss(probs: &[f64], labels: &[bool]) -> f64 {
    assert_eq!(probs.len(), labels.len(), "one label per probability");
    if probs.is_empty() {
        return 0.0;
    }
    let sum: f64 = probs
        .iter()
        .zip(labels)
        .map(|(&p, &y)| {
            let p = p.clamp(EPS, 1.0 - EPS);
            if y { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum();
    sum / probs.len() as f64
}

/// One row of the reliability table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge of the bin (inclusive).
    pub from: f64,
    /// Upper edge (exclusive, except the last bin).
    pub to: f64,
    /// Leads whose probability fell in the bin.
    pub count: usize,
    /// Their mean predicted probability.
    pub predicted: f64,
    /// The share of them that converted.
    pub observed: f64,
}

/// Predicted against observed conversion in `bins` equal-width probability bins; empty bins are
/// left out.
pub fn reliability(probs: &[f64], labels: &[bool], bins: usize) -> Vec<ReliabilityBin> {
    let bins = bins.max(1);
    let mut sums = vec![(0usize, 0.0f64, 0usize); bins];
    for (&p, &y) in probs.iter().zip(labels) {
        let b = ((p * bins as f64) as usize).min(bins - 1);
        sums[b].0 += 1;
        sums[b].1 += p;
        sums[b].2 += usize::from(y);
    }
    sums.iter()
        .enumerate()
        .filter(|(_, s)| s.0 > 0)
        .map(|(b, &(count, p, pos))| ReliabilityBin {
            from: b as f64 / bins as f64,
            to: (b + 1) as f64 / bins as f64,
            count,
            predicted: p / count as f64,
            observed: pos as f64 / count as f64,
        })
        .collect()
}

/// Outcomes against alerts at one threshold (an alert is a probability at or above it).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    /// The alert threshold.
    pub threshold: f64,
    /// Alerted and converted.
    pub true_positives: usize,
    /// Alerted and did not convert.
    pub false_positives: usize,
    /// Not alerted and did not convert.
    pub true_negatives: usize,
    /// Not alerted and converted.
    pub false_negatives: usize,
}

impl Confusion {
    /// Counts the four cells.
    pub fn at(probs: &[f64], labels: &[bool], threshold: f64) -> Self {
        let mut c = Confusion {
            threshold,
            true_positives: 0,
            false_positives: 0,
            true_negatives: 0,
            false_negatives: 0,
        };
        for (&p, &y) in probs.iter().zip(labels) {
            match (p >= threshold, y) {
                (true, true) => c.true_positives += 1,
                (true, false) => c.false_positives += 1,
                (false, false) => c.true_negatives += 1,
                (false, true) => c.false_negatives += 1,
            }
        }
        c
    }

    /// Share of alerts that converted (`None` without alerts).
    pub fn precision(&self) -> Option<f64> {
        let alerts = self.true_positives + self.false_positives;
        (alerts > 0).then(|| self.true_positives as f64 / alerts as f64)
    }

    /// Share of conversions that were alerted (`None` without conversions).
    pub fn recall(&self) -> Option<f64> {
        let converted = self.true_positives + self.false_negatives;
        (converted > 0).then(|| self.true_positives as f64 / converted as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_scikit_learns_documented_example() {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        let a = auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]).unwrap();
        assert!((a - 0.75).abs() < 1e-12);
    }

    #[test]
    fn auc_counts_ties_as_half() {
        // Positives {0.5, 0.9}, negatives {0.5, 0.1}. Pairs: (0.5 vs 0.5) a tie, 0.5;
        // (0.5 vs 0.1) 1; (0.9 vs 0.5) 1; (0.9 vs 0.1) 1. So 3.5 / 4.
        let a = auc(&[0.5, 0.9, 0.5, 0.1], &[true, true, false, false]).unwrap();
        assert!((a - 0.875).abs() < 1e-12);
        assert_eq!(auc(&[0.2, 0.3], &[true, true]), None);
    }

    #[test]
    fn brier_and_log_loss_match_hand_worked_values() {
        let p = [0.9, 0.2, 0.6];
        let y = [true, false, false];
        // (0.01 + 0.04 + 0.36) / 3
        assert!((brier(&p, &y) - 0.41 / 3.0).abs() < 1e-12);
        // -(ln 0.9 + ln 0.8 + ln 0.4) / 3
        let expected = -(0.9f64.ln() + 0.8f64.ln() + 0.4f64.ln()) / 3.0;
        assert!((log_loss(&p, &y) - expected).abs() < 1e-12);
        // A confident wrong answer is finite.
        assert!(log_loss(&[0.0], &[true]).is_finite());
    }

    #[test]
    fn reliability_bins_hold_means_and_rates() {
        let p = [0.05, 0.08, 0.55, 0.58, 1.0];
        let y = [false, true, true, true, true];
        let r = reliability(&p, &y, 10);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].count, 2);
        assert!((r[0].predicted - 0.065).abs() < 1e-12);
        assert!((r[0].observed - 0.5).abs() < 1e-12);
        assert_eq!((r[1].from, r[1].count), (0.5, 2));
        // 1.0 belongs to the last bin, not a bin past the end.
        assert_eq!((r[2].from, r[2].to, r[2].count), (0.9, 1.0, 1));
    }

    #[test]
    fn confusion_counts_alerts_at_or_above_the_threshold() {
        let c = Confusion::at(&[0.3, 0.3, 0.1, 0.7], &[true, false, true, false], 0.3);
        assert_eq!(
            (
                c.true_positives,
                c.false_positives,
                c.true_negatives,
                c.false_negatives
            ),
            (1, 2, 0, 1)
        );
        assert_eq!(c.precision(), Some(1.0 / 3.0));
        assert_eq!(c.recall(), Some(0.5));
        assert_eq!(Confusion::at(&[0.1], &[false], 0.5).precision(), None);
    }
}
