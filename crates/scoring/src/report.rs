//! Governance figures: a model measured on held-out leads (ranking, calibration, the decision
//! at the alert threshold, what other thresholds would do, what the model leans on), the same
//! figures for the prior as the baseline, and drift since training (score distribution and lead
//! volume).

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::metrics::{self, Confusion, ReliabilityBin};
use crate::model::Model;
use crate::table::Table;

/// Ranking and probability quality on some rows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Area under the ROC curve (`None` with one class only).
    pub auc: Option<f64>,
    /// Brier score.
    pub brier: f64,
    /// Log loss.
    pub log_loss: f64,
}

impl Quality {
    /// Measures probabilities against outcomes.
    pub fn of(p: &[f64], y: &[bool]) -> Self {
        Quality {
            auc: metrics::auc(p, y),
            brier: metrics::brier(p, y),
            log_loss: metrics::log_loss(p, y),
        }
    }
}

/// One row of the threshold simulator.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdRow {
    /// Alert at or above this probability.
    pub threshold: f64,
    /// Alerts raised on the held-out leads.
    pub alerts: usize,
    /// Alerts per week (when the leads had dates).
    pub alerts_per_week: Option<f64>,
    /// Alerts that converted.
    pub converted: usize,
    /// Share of alerts that converted.
    pub precision: Option<f64>,
    /// Share of conversions alerted.
    pub recall: Option<f64>,
}

/// A model measured on held-out rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Held-out rows.
    pub rows: usize,
    /// Converted among them.
    pub conversions: usize,
    /// The model's quality.
    pub quality: Quality,
    /// The naive-Bayes prior's quality on the same rows (the baseline).
    pub prior_quality: Quality,
    /// Predicted against observed, ten bins.
    pub reliability: Vec<ReliabilityBin>,
    /// The confusion matrix at the alert threshold.
    pub confusion: Confusion,
    /// Thresholds 0.05 to 0.95.
    pub simulator: Vec<ThresholdRow>,
    /// Weeks the held-out rows span (when dated).
    pub weeks: Option<f64>,
    /// Feature importance, shares of the whole.
    pub importance: Vec<(String, f64)>,
    /// Cut points of the held-out probabilities at each tenth (the drift baseline).
    pub deciles: Vec<f64>,
}

/// Measures `model` on held-out rows (`times` in unix seconds give alerts per week).
pub fn evaluate(
    model: &Model,
    table: &Table,
    labels: &[bool],
    times: Option<&[i64]>,
    threshold: f64,
) -> Evaluation {
    let p = model.probabilities(table, 2);
    evaluate_scores(model, &p, table, labels, times, threshold)
}

/// [`evaluate`] with the model's probabilities `p` for the rows already computed.
pub fn evaluate_scores(
    model: &Model,
    p: &[f64],
    table: &Table,
    labels: &[bool],
    times: Option<&[i64]>,
    threshold: f64,
) -> Evaluation {
    let p = p.to_vec();
    let prior = model.prior_probabilities(table);
    let weeks = times.and_then(|t| {
        let (lo, hi) = (t.iter().min()?, t.iter().max()?);
        Some((((hi - lo) as f64) / (7.0 * 86_400.0)).max(1.0))
    });
    let simulator = (1..=19)
        .map(|k| {
            let threshold = k as f64 * 0.05;
            let c = Confusion::at(&p, labels, threshold);
            let alerts = c.true_positives + c.false_positives;
            ThresholdRow {
                threshold,
                alerts,
                alerts_per_week: weeks.map(|w| alerts as f64 / w),
                converted: c.true_positives,
                precision: c.precision(),
                recall: c.recall(),
            }
        })
        .collect();
    let mut sorted = p.clone();
    sorted.sort_by(f64::total_cmp);
    let deciles = (1..10)
        .filter_map(|k| sorted.get(k * sorted.len() / 10).copied())
        .collect();
    Evaluation {
        rows: labels.len(),
        conversions: labels.iter().filter(|&&y| y).count(),
        quality: Quality::of(&p, labels),
        prior_quality: Quality::of(&prior, labels),
        reliability: metrics::reliability(&p, labels, 10),
        confusion: Confusion::at(&p, labels, threshold),
        simulator,
        weeks,
        importance: model.importance(),
        deciles,
    }
}

/// Drift since training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// Leads scored since training.
    pub scored: usize,
    /// Population stability index of their scores against the held-out scores (`None`
    /// under 50 scores).
    pub psi: Option<f64>,
    /// Share of recent scores in each held-out tenth (0.1 each when nothing moved).
    pub shares: Vec<f64>,
    /// Words: stable, moderate shift, major shift, or too few scores.
    pub verdict: String,
    /// Leads arrived per week (Monday), oldest first, complete weeks only.
    pub weekly_volume: Vec<(NaiveDate, usize)>,
    /// Set when the last complete week fell below half the average of the eight before it.
    pub volume_alert: Option<String>,
}

/// The Monday of the week holding `d`: weeks in reports and capacity start there.
pub fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Compares recent scores with the held-out deciles, and weekly lead arrivals.
pub fn drift(deciles: &[f64], recent: &[f64], arrivals: &[NaiveDate], today: NaiveDate) -> Drift {
    let mut counts = vec![0usize; deciles.len() + 1];
    for &p in recent {
        counts[deciles.partition_point(|&d| d <= p)] += 1;
    }
    let n = recent.len().max(1) as f64;
    let shares: Vec<f64> = counts.iter().map(|&c| c as f64 / n).collect();
    let expected = 1.0 / (deciles.len() + 1) as f64;
    let psi = (recent.len() >= 50 && !deciles.is_empty()).then(|| {
        shares
            .iter()
            .map(|&a| {
                let a = a.max(1e-4);
                (a - expected) * (a / expected).ln()
            })
            .sum::<f64>()
    });
    let verdict = match psi {
        None => format!(
            "too few scores since training ({}; 50 needed)",
            recent.len()
        ),
        Some(x) if x < 0.1 => "stable (PSI under 0.10)".into(),
        Some(x) if x < 0.25 => {
            "moderate shift (PSI 0.10 to 0.25): watch the reliability table".into()
        }
        Some(_) => "major shift (PSI over 0.25): retrain or recalibrate".into(),
    };
    let this_week = monday(today);
    let mut weeks: std::collections::BTreeMap<NaiveDate, usize> = std::collections::BTreeMap::new();
    for &d in arrivals {
        let w = monday(d);
        if w < this_week {
            *weeks.entry(w).or_default() += 1;
        }
    }
    // Weeks without arrivals count as zero between the first and the last complete week.
    if let Some(&first) = weeks.keys().next() {
        let mut w = first;
        while w < this_week {
            weeks.entry(w).or_default();
            w += Duration::days(7);
        }
    }
    let weekly_volume: Vec<(NaiveDate, usize)> = weeks.into_iter().collect();
    let volume_alert = match weekly_volume.len() {
        5.. => {
            let (last_week, last) = weekly_volume[weekly_volume.len() - 1];
            let before: Vec<usize> = weekly_volume[..weekly_volume.len() - 1]
                .iter()
                .rev()
                .take(8)
                .map(|w| w.1)
                .collect();
            let mean = before.iter().sum::<usize>() as f64 / before.len() as f64;
            (mean > 0.0 && (last as f64) < 0.5 * mean).then(|| {
                format!(
                    "Lead volume dropped: {last} leads in the week of {last_week}, against {mean:.0} a week over the {} weeks before. Check the web forms and the CRM sync before trusting the scores.",
                    before.len()
                )
            })
        }
        _ => None,
    };
    Drift {
        scored: recent.len(),
        psi,
        shares,
        verdict,
        weekly_volume,
        volume_alert,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_scores_are_stable_and_shifted_scores_are_flagged() {
        let deciles: Vec<f64> = (1..10).map(|k| k as f64 / 10.0).collect();
        let same: Vec<f64> = (0..1000).map(|i| (i as f64 + 0.5) / 1000.0).collect();
        let d = drift(
            &deciles,
            &same,
            &[],
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        );
        assert!(
            d.psi.unwrap() < 0.01 && d.verdict.starts_with("stable"),
            "{d:?}"
        );
        let high: Vec<f64> = same.iter().map(|p| 0.5 + p / 2.0).collect();
        let d = drift(
            &deciles,
            &high,
            &[],
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        );
        assert!(
            d.psi.unwrap() > 0.25 && d.verdict.starts_with("major"),
            "{d:?}"
        );
        let d = drift(
            &deciles,
            &same[..10],
            &[],
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        );
        assert!(d.psi.is_none() && d.verdict.contains("too few"));
    }

    #[test]
    fn a_sudden_drop_in_lead_volume_is_flagged() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(); // a Wednesday
        let mut arrivals = Vec::new();
        // Eight weeks of 20 leads a week, then a week of 4, then this (incomplete) week.
        for w in 0..9 {
            let monday = NaiveDate::from_ymd_opt(2026, 9, 21).unwrap() + Duration::days(7 * w);
            let n = if w == 8 { 4 } else { 20 };
            arrivals.extend(std::iter::repeat_n(monday + Duration::days(1), n));
        }
        arrivals.push(today);
        let d = drift(&[0.5], &[], &arrivals, today);
        assert_eq!(d.weekly_volume.len(), 9, "the current week is not complete");
        let alert = d.volume_alert.expect("a drop from 20 to 4");
        assert!(
            alert.contains("4 leads in the week of 2026-11-16"),
            "{alert}"
        );
        // A steady week raises nothing.
        arrivals.retain(|&d| d < NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
        assert!(
            drift(
                &[0.5],
                &[],
                &arrivals,
                NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
            )
            .volume_alert
            .is_none()
        );
    }
}
