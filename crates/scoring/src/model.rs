//! A lead model: how features are binned, the engine that scores them (calibrated trees, or the
//! naive-Bayes prior when history is short), and what it was trained on. Every score carries
//! its basis and the factors that raised and lowered it.

use serde::{Deserialize, Serialize};

use crate::calibrate::{Calibrator, Method, sigmoid};
use crate::features::{self, SimilarRates};
use crate::gbt::{Booster, Params};
use crate::nb::NaiveBayes;
use crate::table::{Binner, Column, FeatureBins, Table};
use crate::title;

/// Conversions below which the trees are not trusted and the prior scores instead.
pub const MIN_CONVERSIONS: usize = 100;

/// What a model reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schema {
    /// roomwork's lead features ([`features::LEAD_FEATURES`]); can score and route leads.
    Leads,
    /// The columns of a CSV it was trained on; for evaluation only.
    Columns,
}

/// The scoring engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "engine", rename_all = "lowercase")]
pub enum Engine {
    /// Gradient-boosted trees with a calibration fitted on held-out rows.
    Trees {
        /// The trees.
        booster: Booster,
        /// Raw score to probability.
        calibrator: Calibrator,
    },
    /// Naive Bayes over won/lost frequencies.
    Prior,
}

/// What the model learned from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// Rows with outcomes used for training (trees and calibration).
    pub rows: usize,
    /// Converted among them.
    pub conversions: usize,
    /// Rows the trees learned from.
    pub tree_rows: usize,
    /// Rows the calibration (and early stopping) used.
    pub calibration_rows: usize,
    /// Latest training row's time (unix seconds), when rows had times.
    pub latest: Option<i64>,
    /// Seconds spent fitting.
    pub seconds: f64,
}

/// Settings for [`fit`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Calibration method.
    pub calibration: Method,
    /// Tree settings.
    pub params: Params,
    /// Conversions needed for the trees.
    pub min_conversions: usize,
    /// Share of the training rows held out (every k-th row, so the whole period is
    /// represented) for calibration and early stopping.
    pub calibration_share: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            calibration: Method::Platt,
            params: Params::default(),
            min_conversions: MIN_CONVERSIONS,
            calibration_share: 0.1,
        }
    }
}

/// A trained model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// What it reads.
    pub schema: Schema,
    /// Bins for the trees.
    pub binner: Binner,
    /// Coarser bins for the prior.
    pub prior_binner: Binner,
    /// The prior (always fitted: the fallback, and the baseline the trees must beat).
    pub prior: NaiveBayes,
    /// The engine that scores.
    pub engine: Engine,
    /// Similar-account rates (lead models).
    pub similar: Option<SimilarRates>,
    /// What it learned from.
    pub training: Training,
}

/// One factor of a score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// The feature.
    pub feature: String,
    /// Its value, in words.
    pub value: String,
    /// Change in log-odds it caused (positive raised the score).
    pub effect: f64,
}

/// A probability with its basis and factors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Probability of converting.
    pub probability: f64,
    /// How it was computed, in words (always says when the prior scored).
    pub basis: String,
    /// True when the naive-Bayes prior scored, not the trees.
    pub prior: bool,
    /// Factors, largest effect first.
    pub factors: Vec<Factor>,
}

impl Score {
    /// The explanation a rep reads: what raised it and what lowered it.
    pub fn explanation(&self) -> String {
        let words = |up: bool| {
            self.factors
                .iter()
                .filter(|f| (f.effect > 0.0) == up && f.effect.abs() >= 0.05)
                .take(3)
                .map(|f| format!("{} {} ({:+.2})", f.feature, f.value, f.effect))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let (up, down) = (words(true), words(false));
        let mut s = String::new();
        if !up.is_empty() {
            s.push_str("Raised by ");
            s.push_str(&up);
            s.push('.');
        }
        if !down.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str("Lowered by ");
            s.push_str(&down);
            s.push('.');
        }
        if s.is_empty() {
            s.push_str("Nothing about this lead moves it far from the usual rate.");
        }
        s
    }
}

/// Fits a model: the trees on most rows, stopped early and calibrated on every k-th row
/// (`calibration_share`), the prior on all rows.
pub fn fit(
    schema: Schema,
    table: &Table,
    labels: &[bool],
    latest: Option<i64>,
    similar: Option<SimilarRates>,
    options: &Options,
    progress: impl FnMut(usize),
) -> Model {
    let started = std::time::Instant::now();
    let n = table.rows();
    let conversions = labels.iter().filter(|&&y| y).count();
    let binner = Binner::fit(table, 256, 10);
    let all = binner.transform(table);
    let (prior_binner, coarse) = binner.coarsen(&all, 5);
    let bins_per_feature: Vec<usize> = prior_binner
        .features
        .iter()
        .map(FeatureBins::count)
        .collect();
    let prior = NaiveBayes::fit(&coarse, labels, &bins_per_feature);
    // Every k-th row is held out, so that the held-out rows span the whole period.
    let every = (1.0 / options.calibration_share.clamp(0.01, 0.5)).round() as usize;
    let (cal_rows, fit_rows): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|i| i % every == every - 1);
    let cy: Vec<bool> = cal_rows.iter().map(|&i| labels[i]).collect();
    let ty: Vec<bool> = fit_rows.iter().map(|&i| labels[i]).collect();
    let calibration_conversions = cy.iter().filter(|&&y| y).count();
    let use_trees = conversions >= options.min_conversions
        && calibration_conversions >= 10
        && calibration_conversions < cy.len();
    let (engine, tree_rows, calibration_rows) = if use_trees {
        let (tb, cb) = (all.select(&fit_rows), all.select(&cal_rows));
        let booster = Booster::train(
            &binner,
            &tb,
            &ty,
            Some((&cb, &cy)),
            &options.params,
            progress,
        );
        let raw = booster.raw_all(&cb, 2);
        let calibrator = Calibrator::fit(options.calibration, &raw, &cy);
        (
            Engine::Trees {
                booster,
                calibrator,
            },
            fit_rows.len(),
            cal_rows.len(),
        )
    } else {
        (Engine::Prior, n, 0)
    };
    Model {
        schema,
        binner,
        prior_binner,
        prior,
        engine,
        similar,
        training: Training {
            rows: n,
            conversions,
            tree_rows,
            calibration_rows,
            latest,
            seconds: started.elapsed().as_secs_f64(),
        },
    }
}

impl Model {
    /// Restores lookups after loading from JSON.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        let mut m: Model = serde_json::from_str(json)?;
        m.binner.index();
        m.prior_binner.index();
        Ok(m)
    }

    /// True when the prior scores.
    pub fn is_prior(&self) -> bool {
        matches!(self.engine, Engine::Prior)
    }

    /// The basis every score states.
    pub fn basis(&self) -> String {
        match &self.engine {
            Engine::Trees {
                booster,
                calibrator,
            } => format!(
                "gradient-boosted trees ({} trees, {} conversions in {} leads), {} calibration on {} held-out leads",
                booster.trees.len(),
                self.training.conversions,
                self.training.rows,
                calibrator.method(),
                self.training.calibration_rows
            ),
            Engine::Prior => format!(
                "naive-Bayes prior over won/lost frequencies: only {} conversions in the history, fewer than the {} the trees need",
                self.training.conversions, MIN_CONVERSIONS
            ),
        }
    }

    /// Probabilities for every row of a table whose columns are the model's features.
    pub fn probabilities(&self, table: &Table, threads: usize) -> Vec<f64> {
        match &self.engine {
            Engine::Trees {
                booster,
                calibrator,
            } => {
                let binned = self.binner.transform(table);
                booster
                    .raw_all(&binned, threads)
                    .into_iter()
                    .map(|r| calibrator.apply(r))
                    .collect()
            }
            Engine::Prior => self.prior_probabilities(table),
        }
    }

    /// The prior's probabilities (for comparison with the trees).
    pub fn prior_probabilities(&self, table: &Table) -> Vec<f64> {
        let binned = self.prior_binner.transform(table);
        (0..binned.rows())
            .map(|r| self.prior.probability(binned.row(r)))
            .collect()
    }

    /// One row's score with its factors.
    pub fn explain(&self, table: &Table, row: usize) -> Score {
        self.explain_all(&table.select(&[row])).remove(0)
    }

    /// Every row's score with its factors (the table binned once).
    pub fn explain_all(&self, table: &Table) -> Vec<Score> {
        let basis = self.basis();
        let binned = match &self.engine {
            Engine::Trees { .. } => self.binner.transform(table),
            Engine::Prior => self.prior_binner.transform(table),
        };
        (0..binned.rows())
            .map(|row| {
                let (probability, effects) = match &self.engine {
                    Engine::Trees {
                        booster,
                        calibrator,
                    } => {
                        let (bias, c) = booster.contributions(binned.row(row), binned.features);
                        let raw = bias + c.iter().sum::<f64>();
                        let scale = match calibrator {
                            Calibrator::Platt { a, .. } => *a,
                            Calibrator::Isotonic { .. } => 1.0,
                        };
                        (
                            calibrator.apply(raw),
                            c.into_iter().map(|e| e * scale).collect::<Vec<_>>(),
                        )
                    }
                    Engine::Prior => {
                        let (prior, ratios) = self.prior.factors(binned.row(row));
                        (sigmoid(prior + ratios.iter().sum::<f64>()), ratios)
                    }
                };
                let mut factors: Vec<Factor> = effects
                    .into_iter()
                    .enumerate()
                    .map(|(f, effect)| Factor {
                        feature: table.names[f].clone(),
                        value: self.value_words(table, row, f),
                        effect,
                    })
                    .collect();
                factors.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
                Score {
                    probability,
                    basis: basis.clone(),
                    prior: self.is_prior(),
                    factors,
                }
            })
            .collect()
    }

    fn value_words(&self, table: &Table, row: usize, f: usize) -> String {
        match &table.columns[f] {
            Column::Numeric(v) if v[row].is_nan() => "unknown".into(),
            Column::Numeric(v) => {
                let x = v[row];
                match (self.schema, f) {
                    (Schema::Leads, 0) => title::rank_name(x as u8).into(),
                    (Schema::Leads, features::SIMILAR) => format!("{:.0}%", x * 100.0),
                    _ if x.fract() == 0.0 => format!("{}", x as i64),
                    _ => format!("{x:.2}"),
                }
            }
            Column::Categorical(v) => v.get(row).unwrap_or("unknown").to_string(),
        }
    }

    /// Total split gain per feature, as shares of the whole (the prior: spread of its ratios).
    pub fn importance(&self) -> Vec<(String, f64)> {
        let gains: Vec<f64> = match &self.engine {
            Engine::Trees { booster, .. } => booster.gain.clone(),
            Engine::Prior => self
                .prior
                .counts
                .iter()
                .enumerate()
                .map(|(f, per)| {
                    // Count-weighted absolute log-likelihood ratio.
                    per.iter()
                        .enumerate()
                        .map(|(b, &(cw, cl))| self.prior.ratio(f, b).abs() * f64::from(cw + cl))
                        .sum()
                })
                .collect(),
        };
        let total: f64 = gains.iter().sum::<f64>().max(1e-12);
        let mut out: Vec<(String, f64)> = self
            .binner
            .names
            .iter()
            .cloned()
            .zip(gains.iter().map(|g| g / total))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

/// Row order for a chronological split: stable by time, or file order without times; returns
/// (training rows, test rows) with the latest `test_share` as test.
pub fn chronological_split(
    n: usize,
    times: Option<&[i64]>,
    test_share: f64,
) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..n).collect();
    if let Some(t) = times {
        order.sort_by_key(|&i| t[i]);
    }
    let test = ((n as f64) * test_share).round() as usize;
    let test_rows = order.split_off(n - test.min(n));
    (order, test_rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize, seed: u64, signal: f64) -> (Table, Vec<bool>) {
        let mut s = seed;
        let mut u = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let sources = ["Referral", "Web form", "Cold outreach"];
        let (mut x, mut c, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let v = u() * 10.0;
            let k = (u() * 3.0) as usize;
            let logit = -2.0 + signal * (v / 5.0 - 1.0) + [1.5, 0.0, -1.5][k];
            y.push(u() < sigmoid(logit));
            x.push(v);
            c.push(Some(sources[k].to_string()));
        }
        (
            Table {
                names: vec!["pages".into(), "source".into()],
                columns: vec![Column::Numeric(x), Column::categorical(c)],
            },
            y,
        )
    }

    fn fit_columns(train: &Table, y: &[bool]) -> Model {
        fit(
            Schema::Columns,
            train,
            y,
            None,
            None,
            &Options::default(),
            |_| {},
        )
    }

    #[test]
    fn calibrated_scores_mean_what_they_say() {
        let (train, y) = data(20_000, 7, 1.0);
        let model = fit_columns(&train, &y);
        assert!(!model.is_prior());
        let (test, ty) = data(20_000, 8, 1.0);
        let p = model.probabilities(&test, 2);
        // Predicted and observed conversion agree within a few points in every populated bin.
        for bin in crate::metrics::reliability(&p, &ty, 10) {
            // Within sampling error (three standard errors) plus two points.
            let se = (bin.observed * (1.0 - bin.observed) / bin.count as f64).sqrt();
            if bin.count >= 200 {
                assert!(
                    (bin.predicted - bin.observed).abs() < 0.02 + 3.0 * se,
                    "{bin:?}"
                );
            }
        }
        let mean_p: f64 = p.iter().sum::<f64>() / p.len() as f64;
        let rate = ty.iter().filter(|&&v| v).count() as f64 / ty.len() as f64;
        assert!((mean_p - rate).abs() < 0.01, "{mean_p} vs {rate}");
    }

    #[test]
    fn short_history_falls_back_to_the_prior_and_every_score_says_so() {
        let (train, y) = data(300, 9, 1.0);
        let conversions = y.iter().filter(|&&v| v).count();
        assert!(conversions < MIN_CONVERSIONS);
        let model = fit_columns(&train, &y);
        assert!(model.is_prior());
        let s = model.explain(&train, 0);
        assert!(
            s.prior
                && s.basis.contains("naive-Bayes prior")
                && s.basis.contains(&conversions.to_string())
        );
    }

    #[test]
    fn factors_name_what_raised_and_lowered_a_score() {
        let (train, y) = data(20_000, 10, 1.0);
        let model = fit_columns(&train, &y);
        let referral = (0..train.rows())
            .find(|&r| matches!(&train.columns[1], Column::Categorical(c) if c.get(r) == Some("Referral")))
            .unwrap();
        let s = model.explain(&train, referral);
        let source = s.factors.iter().find(|f| f.feature == "source").unwrap();
        assert!(source.effect > 0.3, "{source:?}");
        assert!(
            s.explanation().contains("source Referral"),
            "{}",
            s.explanation()
        );
        let cold = (0..train.rows())
            .find(|&r| matches!(&train.columns[1], Column::Categorical(c) if c.get(r) == Some("Cold outreach")))
            .unwrap();
        let s = model.explain(&train, cold);
        assert!(
            s.explanation().contains("Lowered by source Cold outreach"),
            "{}",
            s.explanation()
        );
        // The explained probability is the batch probability.
        let p = model.probabilities(&train.select(&[cold]), 1)[0];
        assert!((p - s.probability).abs() < 1e-12);
    }

    #[test]
    fn a_saved_model_scores_as_the_trained_one() {
        let (train, y) = data(5_000, 11, 1.0);
        let model = fit_columns(&train, &y);
        let back = Model::from_json(&serde_json::to_string(&model).unwrap()).unwrap();
        assert_eq!(
            back.probabilities(&train, 1),
            model.probabilities(&train, 1)
        );
    }

    #[test]
    fn the_split_holds_out_the_latest_rows() {
        let (train, test) = chronological_split(5, Some(&[50, 10, 40, 20, 30]), 0.4);
        assert_eq!(train, vec![1, 3, 4]);
        assert_eq!(test, vec![2, 0]);
    }
}
