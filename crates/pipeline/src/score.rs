//! The deal score: a calibrated probability that an open deal is won, learned from the
//! company's closed deals, explained factor by factor.
//!
//! Training rows are closed deals as they stood on days before they closed (every 14 days
//! from a week after creation, the last six such days per deal), rebuilt from their stage and
//! field history by [`Frame::state_at`], so that nothing the model learns from was unknown on
//! the day it describes. The features: stage, owner, age, days in stage, days since the last
//! customer touch, touches, replies and meetings in the last 30 days, people engaged, amount,
//! close-date pushes, days to the close date, backward moves. The latest fifth of deals (by
//! closing day) is held out: the model is measured on them against the stage prior.
//!
//! The stage prior is transparent: the share of closed deals that reached a stage and were
//! won, pulled toward the Foundation's probability for the stage with the weight of ten deals.
//! It scores while history is short (fewer than 200 closed deals, or fewer than 30 won or 30
//! lost), and whenever the trees do not beat it on the held-out deals.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use roomwork_domain::{RepId, StageOutcome};
use roomwork_scoring::calibrate::{Calibrator, Method};
use roomwork_scoring::gbt::{Booster, Params};
use roomwork_scoring::metrics;
use roomwork_scoring::table::{Binner, Column, Table};
use serde::{Deserialize, Serialize};

use crate::frame::Frame;

/// Fewest closed deals for the trees.
pub const MIN_DEALS: usize = 200;
/// Fewest won and fewest lost deals for the trees.
pub const MIN_EACH: usize = 30;
const PRIOR_WEIGHT: f64 = 10.0;
const HOLDOUT_SHARE: f64 = 0.2;

/// Feature names, in column order.
pub const FEATURES: [&str; 13] = [
    "stage",
    "owner",
    "age (days)",
    "days in stage",
    "days since last touch",
    "touches in last 30 days",
    "replies in last 30 days",
    "meetings in last 30 days",
    "people engaged",
    "amount",
    "close-date pushes",
    "days to close date",
    "moves back",
];

/// One deal on one day, as features.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Stage name.
    pub stage: Option<String>,
    /// Owner (rep id).
    pub owner: Option<RepId>,
    /// Numbers, in [`FEATURES`] order from the third.
    pub numbers: [f64; 11],
}

/// Deal `i`'s features as it stood on `day` (`live`: today's stored fields).
pub fn row(f: &Frame<'_>, i: usize, day: NaiveDate, live: bool) -> Option<Row> {
    let o = &f.deals[i];
    let state = if live {
        f.state_now(i)
    } else {
        f.state_at(i, day)?
    };
    let past = f.touches_until(i, day);
    let month = day - Duration::days(30);
    let recent = &past[past.partition_point(|t| t.day <= month)..];
    let mut people: Vec<u64> = past.iter().filter_map(|t| t.contact()).collect();
    people.sort_unstable();
    people.dedup();
    let nan = f64::NAN;
    Some(Row {
        stage: state.stage.map(|k| f.stages.get(k).name.clone()),
        owner: o.owner,
        numbers: [
            (day - o.created_on).num_days() as f64,
            (day - state.stage_since).num_days() as f64,
            past.last().map_or(nan, |t| (day - t.day).num_days() as f64),
            recent.len() as f64,
            recent.iter().filter(|t| t.inbound).count() as f64,
            recent.iter().filter(|t| t.kind.is_meeting()).count() as f64,
            people.len() as f64,
            state.amount.map_or(nan, |m| {
                m.minor() as f64 / 10f64.powi(m.currency().exponent() as i32)
            }),
            f.pushes_until(i, day) as f64,
            state
                .close_date
                .map_or(nan, |c| (c - day).num_days() as f64),
            f.backward_moves(i, NaiveDate::MIN, day) as f64,
        ],
    })
}

fn table(rows: &[Row]) -> Table {
    let mut columns = vec![
        Column::categorical(rows.iter().map(|r| r.stage.as_deref())),
        Column::categorical(rows.iter().map(|r| r.owner.map(|o| o.to_string()))),
    ];
    for k in 0..11 {
        columns.push(Column::Numeric(rows.iter().map(|r| r.numbers[k]).collect()));
    }
    Table {
        names: FEATURES.iter().map(|s| s.to_string()).collect(),
        columns,
    }
}

/// The stage prior: per stage, closed deals that reached it and how many of those were won.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StagePrior {
    /// Per stage, in funnel order: (name, reached, won, Foundation probability, rate).
    pub stages: Vec<PriorStage>,
    /// Won share of all closed deals counted (for stages the Foundation does not know).
    pub overall: f64,
    /// Closed deals counted.
    pub deals: usize,
}

/// One stage of the prior.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriorStage {
    /// Stage name.
    pub name: String,
    /// Closed deals that reached it.
    pub reached: usize,
    /// Of those, won.
    pub won: usize,
    /// The Foundation's probability, if it gives one.
    pub foundation: Option<f64>,
    /// The prior's probability.
    pub rate: f64,
}

impl StagePrior {
    /// Fits on the deals closed before `before` (all closed deals when `None`): what a
    /// reconstructed snapshot of a past day may know.
    pub fn fit(f: &Frame<'_>, before: Option<NaiveDate>) -> StagePrior {
        let n = f.stages.all().len();
        let mut reached = vec![0usize; n];
        let mut won = vec![0usize; n];
        let (mut deals, mut wins) = (0usize, 0usize);
        for i in 0..f.len() {
            let Some((day, w)) = f.closed(i) else {
                continue;
            };
            if before.is_some_and(|b| day >= b) {
                continue;
            }
            deals += 1;
            wins += usize::from(w);
            for k in 0..n as u16 {
                if f.stages.is_closed(k) {
                    continue;
                }
                if f.reached(i, k) {
                    reached[usize::from(k)] += 1;
                    won[usize::from(k)] += usize::from(w);
                }
            }
        }
        let overall = (wins as f64 + 1.0) / (deals as f64 + 2.0);
        let stages = f
            .stages
            .all()
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let rate = match s.outcome {
                    StageOutcome::Won => 1.0,
                    StageOutcome::Lost => 0.0,
                    StageOutcome::Open => {
                        let anchor = s.probability.unwrap_or(overall);
                        (won[k] as f64 + PRIOR_WEIGHT * anchor) / (reached[k] as f64 + PRIOR_WEIGHT)
                    }
                };
                PriorStage {
                    name: s.name.clone(),
                    reached: reached[k],
                    won: won[k],
                    foundation: s.probability,
                    rate,
                }
            })
            .collect();
        StagePrior {
            stages,
            overall,
            deals,
        }
    }

    /// The prior's probability for a stage (by index; `None` is a stage it does not know).
    pub fn probability(&self, stage: Option<u16>) -> f64 {
        stage
            .and_then(|k| self.stages.get(usize::from(k)))
            .map_or(self.overall, |s| s.rate)
    }

    /// The prior's reason for a stage.
    pub fn explain(&self, stage: Option<u16>) -> String {
        match stage.and_then(|k| self.stages.get(usize::from(k))) {
            Some(s) => {
                let foundation = s
                    .foundation
                    .map(|p| format!(", pulled toward the Foundation's {:.0}%", p * 100.0))
                    .unwrap_or_default();
                format!(
                    "{}: {} of {} closed deals that reached it were won{foundation}",
                    s.name, s.won, s.reached
                )
            }
            None => format!(
                "a stage the Foundation does not define: the overall win rate of {} closed deals",
                self.deals
            ),
        }
    }
}

/// Which engine scores.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Engine {
    /// Gradient-boosted trees, calibrated.
    Trees {
        /// The binning.
        binner: Binner,
        /// The trees.
        booster: Booster,
        /// Raw score to probability.
        calibrator: Calibrator,
    },
    /// The stage prior.
    Prior,
}

/// What training saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// Closed deals learned from (the held-out ones excluded).
    pub deals: usize,
    /// Of those, won.
    pub won: usize,
    /// Training rows (deals on several days each).
    pub rows: usize,
    /// Rows the calibration was fitted on.
    pub calibration_rows: usize,
    /// The latest closing day learned from.
    pub latest_closed: Option<NaiveDate>,
    /// Why this engine scores.
    pub reason: String,
}

/// A deal-score model.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DealModel {
    /// Trees or the prior.
    pub engine: Engine,
    /// The stage prior (always fitted: it explains and it is the baseline).
    pub prior: StagePrior,
    /// What training saw.
    pub training: Training,
}

/// Quality of one scorer on the held-out rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Area under the ROC curve.
    pub auc: Option<f64>,
    /// Brier score (lower is better).
    pub brier: f64,
    /// Log loss (lower is better).
    pub log_loss: f64,
}

/// The model measured on held-out deals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Held-out closed deals.
    pub deals: usize,
    /// Held-out rows (deals on several days).
    pub rows: usize,
    /// The trees, when they were trained.
    pub trees: Option<Quality>,
    /// The stage prior fitted on the training deals.
    pub prior: Quality,
    /// Reliability of the chosen engine: predicted against observed, by tenths.
    pub reliability: Vec<metrics::ReliabilityBin>,
    /// Importance: the trees' total gain per feature, largest first.
    pub importance: Vec<(String, f64)>,
}

/// One factor of a score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Factor {
    /// Feature.
    pub name: String,
    /// The deal's value, in words.
    pub value: String,
    /// Its effect on the log-odds of winning (positive raises the probability).
    pub effect: f64,
}

/// A deal's score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DealScore {
    /// Probability of winning.
    pub probability: f64,
    /// What scored it.
    pub basis: String,
    /// Factors, largest effect first (trees), or the stage's record (prior).
    pub factors: Vec<Factor>,
}

/// Training rows: each closed deal (closed before `before`, if given) on up to six days
/// before it closed.
fn training_rows(f: &Frame<'_>, deals: &[usize]) -> (Vec<Row>, Vec<bool>, Vec<usize>) {
    let (mut rows, mut labels, mut owner) = (Vec::new(), Vec::new(), Vec::new());
    for &i in deals {
        let (closed_on, won) = f.closed(i).expect("closed deals only");
        let created = f.deals[i].created_on;
        let mut days = Vec::new();
        let mut d = created + Duration::days(7);
        while d < closed_on {
            days.push(d);
            d += Duration::days(14);
        }
        if days.is_empty() && closed_on > created {
            days.push(closed_on - Duration::days(1));
        }
        let keep = days.len().saturating_sub(6);
        for day in &days[keep..] {
            let open = f
                .state_at(i, *day)
                .is_some_and(|s| s.stage.is_none_or(|k| !f.stages.is_closed(k)));
            if open && let Some(r) = row(f, i, *day, false) {
                rows.push(r);
                labels.push(won);
                owner.push(i);
            }
        }
    }
    (rows, labels, owner)
}

fn quality(p: &[f64], y: &[bool]) -> Quality {
    Quality {
        auc: metrics::auc(p, y),
        brier: metrics::brier(p, y),
        log_loss: metrics::log_loss(p, y),
    }
}

/// Why training could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// No closed deals with both outcomes.
    #[error("{0}")]
    TooLittle(String),
}

impl DealModel {
    /// Trains on the closed deals in `f`, holding out the latest fifth.
    pub fn train(
        f: &Frame<'_>,
        progress: impl FnMut(usize),
    ) -> Result<(DealModel, Evaluation), TrainError> {
        Self::train_before(f, None, progress)
    }

    /// Trains on the deals closed before `before` only (all when `None`): what a model
    /// trained on that day would have known. Reconstructed snapshots are scored this way.
    pub fn train_before(
        f: &Frame<'_>,
        before: Option<NaiveDate>,
        mut progress: impl FnMut(usize),
    ) -> Result<(DealModel, Evaluation), TrainError> {
        let mut closed: Vec<(NaiveDate, usize)> = (0..f.len())
            .filter_map(|i| f.closed(i).map(|(d, _)| (d, i)))
            .filter(|(d, _)| before.is_none_or(|b| *d < b))
            .collect();
        let won = closed
            .iter()
            .filter(|(_, i)| f.closed(*i).is_some_and(|c| c.1))
            .count();
        if closed.len() < 10 || won == 0 || won == closed.len() {
            return Err(TrainError::TooLittle(format!(
                "{} closed deals, {won} won: the deal score needs at least 10 closed deals with both outcomes",
                closed.len()
            )));
        }
        closed.sort_unstable();
        let cut = closed.len() - ((closed.len() as f64 * HOLDOUT_SHARE).round() as usize).max(1);
        let train_deals: Vec<usize> = closed[..cut].iter().map(|x| x.1).collect();
        let test_deals: Vec<usize> = closed[cut..].iter().map(|x| x.1).collect();
        let holdout_from = closed[cut].0;
        let latest_closed = closed[..cut].last().map(|x| x.0);
        // The prior as it was before the held-out deals closed.
        let prior = StagePrior::fit(f, Some(holdout_from));
        let (train_rows, train_y, train_deal) = training_rows(f, &train_deals);
        let (test_rows, test_y, _) = training_rows(f, &test_deals);
        let prior_p = |rows: &[Row], p: &StagePrior| -> Vec<f64> {
            rows.iter()
                .map(|r| p.probability(r.stage.as_deref().and_then(|s| f.stages.find(s))))
                .collect()
        };
        let prior_q = quality(&prior_p(&test_rows, &prior), &test_y);
        let train_won = train_deals
            .iter()
            .filter(|&&i| f.closed(i).is_some_and(|c| c.1))
            .count();
        let enough = train_deals.len() >= MIN_DEALS
            && train_won >= MIN_EACH
            && train_deals.len() - train_won >= MIN_EACH;
        let mut evaluation = Evaluation {
            deals: test_deals.len(),
            rows: test_rows.len(),
            trees: None,
            prior: prior_q.clone(),
            reliability: Vec::new(),
            importance: Vec::new(),
        };
        let mut calibration_rows = 0;
        let (engine, reason) = if !enough {
            (
                Engine::Prior,
                format!(
                    "{} closed deals ({train_won} won) to learn from; the trees need {MIN_DEALS}, with {MIN_EACH} won and {MIN_EACH} lost",
                    train_deals.len()
                ),
            )
        } else {
            let t = table(&train_rows);
            let binner = Binner::fit(&t, 64, 5);
            let all = binner.transform(&t);
            // Every fifth deal's rows calibrate (and stop the trees early); the rest fit.
            let (cal, fit): (Vec<usize>, Vec<usize>) =
                (0..train_rows.len()).partition(|&r| train_deal[r] % 5 == 4);
            let fy: Vec<bool> = fit.iter().map(|&r| train_y[r]).collect();
            let cy: Vec<bool> = cal.iter().map(|&r| train_y[r]).collect();
            let (fb, cb) = (all.select(&fit), all.select(&cal));
            let params = Params {
                max_leaves: 15,
                min_rows_in_leaf: 40,
                l2: 1.0,
                ..Params::default()
            };
            let booster =
                Booster::train(&binner, &fb, &fy, Some((&cb, &cy)), &params, &mut progress);
            let calibrator = Calibrator::fit(Method::Platt, &booster.raw_all(&cb, 2), &cy);
            calibration_rows = cal.len();
            let tb = binner.transform(&table(&test_rows));
            let tp: Vec<f64> = booster
                .raw_all(&tb, 2)
                .into_iter()
                .map(|z| calibrator.apply(z))
                .collect();
            let tq = quality(&tp, &test_y);
            let mut importance: Vec<(String, f64)> = FEATURES
                .iter()
                .zip(&booster.gain)
                .map(|(n, g)| (n.to_string(), *g))
                .collect();
            importance.sort_by(|a, b| b.1.total_cmp(&a.1));
            evaluation.importance = importance;
            // The trees must measurably beat the prior on held-out rows; none held out, no win.
            let better = !test_rows.is_empty() && tq.log_loss < prior_q.log_loss;
            evaluation.trees = Some(tq.clone());
            if better {
                evaluation.reliability = metrics::reliability(&tp, &test_y, 10);
                (
                    Engine::Trees {
                        binner,
                        booster,
                        calibrator,
                    },
                    format!(
                        "trees beat the stage prior on {} held-out deals (log loss {:.3} against {:.3})",
                        test_deals.len(),
                        tq.log_loss,
                        prior_q.log_loss
                    ),
                )
            } else {
                (
                    Engine::Prior,
                    format!(
                        "the trees did not beat the stage prior on {} held-out deals (log loss {:.3} against {:.3})",
                        test_deals.len(),
                        tq.log_loss,
                        prior_q.log_loss
                    ),
                )
            }
        };
        if matches!(engine, Engine::Prior) {
            evaluation.reliability =
                metrics::reliability(&prior_p(&test_rows, &prior), &test_y, 10);
        }
        let model = DealModel {
            engine,
            prior,
            training: Training {
                deals: train_deals.len(),
                won: train_won,
                rows: train_rows.len(),
                calibration_rows,
                latest_closed,
                reason,
            },
        };
        Ok((model, evaluation))
    }

    /// The stage prior alone, fitted on every closed deal (no trees).
    pub fn prior_only(f: &Frame<'_>) -> DealModel {
        let prior = StagePrior::fit(f, None);
        DealModel {
            engine: Engine::Prior,
            training: Training {
                deals: prior.deals,
                won: 0,
                rows: 0,
                calibration_rows: 0,
                latest_closed: None,
                reason: "no deal model trained yet: the stage prior".into(),
            },
            prior,
        }
    }

    /// Restores lookups after loading from JSON.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        let mut m: DealModel = serde_json::from_str(json)?;
        if let Engine::Trees { binner, .. } = &mut m.engine {
            binner.index();
        }
        Ok(m)
    }

    /// True when the trees score.
    pub fn is_trees(&self) -> bool {
        matches!(self.engine, Engine::Trees { .. })
    }

    /// What scores, in words.
    pub fn basis(&self) -> String {
        match &self.engine {
            Engine::Trees { booster, .. } => format!(
                "gradient-boosted trees ({} trees) learned from {} closed deals, calibrated",
                booster.trees.len(),
                self.training.deals
            ),
            Engine::Prior => format!("the stage prior ({} closed deals)", self.prior.deals),
        }
    }

    /// Scores open deals `deals` of `f` today, explained. `owner_name` turns an owner id into
    /// the name the explanation shows.
    pub fn score(
        &self,
        f: &Frame<'_>,
        deals: &[usize],
        today: NaiveDate,
        owner_name: &HashMap<RepId, String>,
    ) -> Vec<DealScore> {
        let rows: Vec<Row> = deals
            .iter()
            .map(|&i| row(f, i, today, true).expect("a live row always exists"))
            .collect();
        let basis = self.basis();
        match &self.engine {
            Engine::Prior => rows
                .iter()
                .map(|r| {
                    let k = r.stage.as_deref().and_then(|s| f.stages.find(s));
                    DealScore {
                        probability: self.prior.probability(k),
                        basis: basis.clone(),
                        factors: vec![Factor {
                            name: "stage".into(),
                            value: self.prior.explain(k),
                            effect: 0.0,
                        }],
                    }
                })
                .collect(),
            Engine::Trees {
                binner,
                booster,
                calibrator,
            } => {
                let binned = binner.transform(&table(&rows));
                rows.iter()
                    .enumerate()
                    .map(|(n, r)| {
                        let (bias, contrib) = booster.contributions(binned.row(n), FEATURES.len());
                        let raw = bias + contrib.iter().sum::<f64>();
                        let mut factors: Vec<Factor> = contrib
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| c.abs() >= 0.02)
                            .map(|(k, c)| Factor {
                                name: FEATURES[k].to_string(),
                                value: describe(r, k, owner_name),
                                effect: *c,
                            })
                            .collect();
                        factors.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
                        factors.truncate(6);
                        DealScore {
                            probability: calibrator.apply(raw),
                            basis: basis.clone(),
                            factors,
                        }
                    })
                    .collect()
            }
        }
    }

    /// Probabilities of deals as they stood on a past `day` (rebuilt from their history).
    pub fn probabilities_at(&self, f: &Frame<'_>, deals: &[usize], day: NaiveDate) -> Vec<f64> {
        let rows: Vec<(usize, Row)> = deals
            .iter()
            .enumerate()
            .filter_map(|(n, &i)| row(f, i, day, false).map(|r| (n, r)))
            .collect();
        let mut out = vec![self.prior.overall; deals.len()];
        match &self.engine {
            Engine::Prior => {
                for (n, r) in &rows {
                    out[*n] = self
                        .prior
                        .probability(r.stage.as_deref().and_then(|s| f.stages.find(s)));
                }
            }
            Engine::Trees {
                binner,
                booster,
                calibrator,
            } => {
                let only: Vec<Row> = rows.iter().map(|(_, r)| r.clone()).collect();
                let binned = binner.transform(&table(&only));
                for ((n, _), z) in rows.iter().zip(booster.raw_all(&binned, 2)) {
                    out[*n] = calibrator.apply(z);
                }
            }
        }
        out
    }

    /// Probabilities only (no explanations), for many deals: snapshots and forecasts.
    pub fn probabilities(&self, f: &Frame<'_>, deals: &[usize], today: NaiveDate) -> Vec<f64> {
        match &self.engine {
            Engine::Prior => deals
                .iter()
                .map(|&i| self.prior.probability(f.stage(i)))
                .collect(),
            Engine::Trees {
                binner,
                booster,
                calibrator,
            } => {
                let rows: Vec<Row> = deals
                    .iter()
                    .map(|&i| row(f, i, today, true).expect("a live row always exists"))
                    .collect();
                let binned = binner.transform(&table(&rows));
                booster
                    .raw_all(&binned, 2)
                    .into_iter()
                    .map(|z| calibrator.apply(z))
                    .collect()
            }
        }
    }
}

fn describe(r: &Row, k: usize, owners: &HashMap<RepId, String>) -> String {
    match k {
        0 => r.stage.clone().unwrap_or_else(|| "unknown".into()),
        1 => r
            .owner
            .map(|o| owners.get(&o).cloned().unwrap_or_else(|| o.to_string()))
            .unwrap_or_else(|| "no owner".into()),
        _ => {
            let x = r.numbers[k - 2];
            if x.is_nan() {
                "none".into()
            } else if k == 9 {
                format!("{:.0}", x)
            } else {
                format!("{}", x.round() as i64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::tests::{d, deal, stages, touch};
    use roomwork_domain::{ActivityKind, ContactId};

    #[test]
    fn the_prior_counts_closed_deals_that_reached_each_stage_and_leans_on_the_foundation() {
        let st = stages();
        let mut deals = Vec::new();
        for n in 0..10 {
            let end = if n < 4 { "Closed Won" } else { "Closed Lost" };
            deals.push(deal(
                &format!("d{n}"),
                &[
                    ("Qualification", "2026-01-01"),
                    ("Proposal", "2026-02-01"),
                    (end, "2026-03-01"),
                ],
                "2026-03-01",
                10,
            ));
        }
        let f = Frame::build(&st, &deals, &[], &[]);
        let p = StagePrior::fit(&f, None);
        let proposal = &p.stages[2];
        assert_eq!((proposal.reached, proposal.won), (10, 4));
        // (4 + 10 × 0.5) / (10 + 10)
        assert!((proposal.rate - 0.45).abs() < 1e-9, "{}", proposal.rate);
        assert_eq!(p.stages[4].rate, 1.0);
        assert!(
            p.explain(Some(2)).contains("4 of 10 closed deals"),
            "{}",
            p.explain(Some(2))
        );
        // Nothing closed before January: the Foundation's figure alone.
        let early = StagePrior::fit(&f, Some(d("2026-01-15")));
        assert!((early.stages[2].rate - 0.5).abs() < 1e-9);
    }

    /// Deals whose customer kept answering were won; quiet ones were lost. The trees learn it
    /// and beat the stage prior, which cannot see it.
    #[test]
    fn trees_learn_engagement_and_beat_the_stage_prior_on_held_out_deals() {
        let st = stages();
        let mut deals = Vec::new();
        let mut acts = Vec::new();
        let start = d("2025-01-01");
        for n in 0..400i64 {
            let created = start + Duration::days(n);
            let close = created + Duration::days(90);
            let won = (n * 7919) % 10 < 4;
            let end = if won { "Closed Won" } else { "Closed Lost" };
            let fmt = |x: NaiveDate| x.format("%Y-%m-%d").to_string();
            let o = deal(
                &format!("d{n}"),
                &[
                    ("Qualification", &fmt(created)),
                    ("Proposal", &fmt(created + Duration::days(30))),
                    (end, &fmt(close)),
                ],
                &fmt(close),
                1000,
            );
            let people = [ContactId::new(), ContactId::new()];
            let every = if won { 6 } else { 25 };
            let mut k = 1;
            while k * every < 88 {
                let day = created + Duration::days(k * every);
                acts.push(touch(
                    &o,
                    &fmt(day),
                    ActivityKind::Call,
                    won,
                    Some(people[(k % 2) as usize]),
                ));
                k += 1;
            }
            deals.push(o);
        }
        let f = Frame::build(&st, &deals, &acts, &[]);
        let (model, eval) = DealModel::train(&f, |_| {}).unwrap();
        assert!(model.is_trees(), "{}", model.training.reason);
        let trees = eval.trees.clone().unwrap();
        assert!(trees.auc.unwrap() > 0.9, "{trees:?}");
        assert!(trees.log_loss < eval.prior.log_loss, "{eval:?}");
        // An open deal with a busy customer scores higher than a quiet one, and says why.
        let today = d("2026-03-01");
        let busy = deal("busy", &[("Proposal", "2026-02-01")], "2026-04-01", 1000);
        let quiet = deal("quiet", &[("Proposal", "2026-02-01")], "2026-04-01", 1000);
        let c = ContactId::new();
        let acts = vec![
            touch(&busy, "2026-02-20", ActivityKind::Call, true, Some(c)),
            touch(
                &busy,
                "2026-02-26",
                ActivityKind::Call,
                true,
                Some(ContactId::new()),
            ),
            touch(&quiet, "2026-02-03", ActivityKind::Email, false, Some(c)),
        ];
        let open = vec![busy, quiet];
        let g = Frame::build(&st, &open, &acts, &[]);
        let s = model.score(&g, &[0, 1], today, &HashMap::new());
        assert!(s[0].probability > s[1].probability, "{s:?}");
        assert!(!s[1].factors.is_empty());
        let p = model.probabilities(&g, &[0, 1], today);
        assert!((p[0] - s[0].probability).abs() < 1e-12);
        // The model survives the store.
        let back = DealModel::from_json(&serde_json::to_string(&model).unwrap()).unwrap();
        assert_eq!(back.probabilities(&g, &[0, 1], today), p);
    }

    #[test]
    fn short_history_scores_with_the_stage_prior_and_says_why() {
        let st = stages();
        let mut deals = Vec::new();
        for n in 0..30 {
            let end = if n % 3 == 0 {
                "Closed Won"
            } else {
                "Closed Lost"
            };
            deals.push(deal(
                &format!("d{n}"),
                &[("Qualification", "2026-01-01"), (end, "2026-03-01")],
                "2026-03-01",
                10,
            ));
        }
        let f = Frame::build(&st, &deals, &[], &[]);
        let (model, eval) = DealModel::train(&f, |_| {}).unwrap();
        assert!(!model.is_trees());
        assert!(
            model.training.reason.contains("the trees need 200"),
            "{}",
            model.training.reason
        );
        assert!(eval.trees.is_none());
        let none: Vec<_> = Vec::new();
        let g = Frame::build(&st, &none, &[], &[]);
        assert!(DealModel::train(&g, |_| {}).is_err());
    }
}
