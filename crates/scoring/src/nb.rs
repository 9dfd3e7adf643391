//! The transparent prior for a company with little history: naive Bayes over won and lost
//! frequencies, as Odoo's predictive lead scoring computes it. For each feature value, how
//! often it appeared among converted and among lost leads (with one pseudo-count each); the
//! probability is `P(won)·Π P(v|won) / (P(won)·Π P(v|won) + P(lost)·Π P(v|lost))`. Numbers are
//! read in a few quantile bands. Each feature's factor is its log-likelihood ratio, which a
//! rep can check by counting.

use serde::{Deserialize, Serialize};

use crate::table::Binned;

/// A fitted prior.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NaiveBayes {
    /// Converted leads.
    pub won: u32,
    /// Lost leads.
    pub lost: u32,
    /// Per feature, per bin: (won, lost) counts.
    pub counts: Vec<Vec<(u32, u32)>>,
}

impl NaiveBayes {
    /// Counts outcomes per feature value.
    pub fn fit(binned: &Binned, labels: &[bool], bins_per_feature: &[usize]) -> Self {
        let mut counts: Vec<Vec<(u32, u32)>> =
            bins_per_feature.iter().map(|&b| vec![(0, 0); b]).collect();
        let (mut won, mut lost) = (0, 0);
        for (r, &y) in labels.iter().enumerate() {
            if y {
                won += 1;
            } else {
                lost += 1;
            }
            for (f, &b) in binned.row(r).iter().enumerate() {
                let c = &mut counts[f][b as usize];
                if y {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                }
            }
        }
        NaiveBayes { won, lost, counts }
    }

    /// The log-likelihood ratio of feature `f` having bin `bin`: `ln P(v|won) / P(v|lost)`,
    /// one pseudo-count per bin.
    pub fn ratio(&self, f: usize, bin: usize) -> f64 {
        let (w, l) = (f64::from(self.won), f64::from(self.lost));
        let per = &self.counts[f];
        let (cw, cl) = per.get(bin).copied().unwrap_or((0, 0));
        let k = per.len() as f64;
        (((f64::from(cw) + 1.0) / (w + k)) / ((f64::from(cl) + 1.0) / (l + k))).ln()
    }

    /// Log prior odds and each feature's log-likelihood ratio for a row.
    pub fn factors(&self, row: &[u8]) -> (f64, Vec<f64>) {
        let prior = ((f64::from(self.won) + 1.0) / (f64::from(self.lost) + 1.0)).ln();
        let ratios = row
            .iter()
            .enumerate()
            .map(|(f, &b)| self.ratio(f, b as usize))
            .collect();
        (prior, ratios)
    }

    /// The probability of converting.
    pub fn probability(&self, row: &[u8]) -> f64 {
        let (prior, ratios) = self.factors(row);
        crate::calibrate::sigmoid(prior + ratios.iter().sum::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prior_is_bayes_rule_over_counted_frequencies() {
        // One feature, two values. Value 1: 3 won, 1 lost. Value 2: 1 won, 5 lost.
        let rows = [1u8, 1, 1, 1, 2, 2, 2, 2, 2, 2];
        let labels = [
            true, true, true, false, true, false, false, false, false, false,
        ];
        let b = Binned {
            features: 1,
            bins: rows.to_vec(),
        };
        let nb = NaiveBayes::fit(&b, &labels, &[3]);
        assert_eq!((nb.won, nb.lost), (4, 6));
        // P(won) ∝ (4+1)/(6+1) · [(3+1)/(4+3)] / [(1+1)/(6+3)] for value 1.
        let odds = (5.0 / 7.0) * ((4.0 / 7.0) / (2.0 / 9.0));
        assert!((nb.probability(&[1]) - odds / (1.0 + odds)).abs() < 1e-12);
        assert!(nb.probability(&[1]) > 0.5 && nb.probability(&[2]) < 0.3);
    }
}
