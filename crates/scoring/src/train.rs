//! Training end to end: from the company's leads (features, out-of-fold similar-account rates,
//! a chronological hold-out) or from any labelled CSV, to a model and its evaluation on the
//! held-out rows it never saw.

use roomwork_domain::{Lead, LeadId};

use crate::features::{self, SimilarRates};
use crate::model::{self, Model, Options, Schema, chronological_split};
use crate::report::{self, Evaluation};
use crate::table::Table;
use crate::tabular::Labelled;

/// Share of the labelled rows (the latest) held out for evaluation.
pub const TEST_SHARE: f64 = 0.2;

/// A trained model with its evaluation.
#[derive(Debug)]
pub struct Trained {
    /// The model.
    pub model: Model,
    /// Measured on the held-out rows.
    pub evaluation: Evaluation,
    /// The held-out leads (store training), for comparing another model on the same rows.
    pub held_out: Vec<LeadId>,
    /// Their (probability, converted) pairs (store training), so that any threshold can be
    /// measured later.
    pub held_out_scores: Vec<(f64, bool)>,
}

/// Why training could not start.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// Too few rows with outcomes, or one outcome only.
    #[error("{0}")]
    TooLittle(String),
}

fn check(labels: &[bool], what: &str) -> Result<(), TrainError> {
    let pos = labels.iter().filter(|&&y| y).count();
    if labels.len() < 20 || pos == 0 || pos == labels.len() {
        return Err(TrainError::TooLittle(format!(
            "{what}: {} rows with outcomes, {pos} converted; training needs at least 20 rows and both outcomes",
            labels.len()
        )));
    }
    Ok(())
}

/// The model's feature table for leads (a lead model; similar-account rates from training).
pub fn lead_rows(model: &Model, leads: &[&Lead]) -> Table {
    let mut t = features::lead_table(leads);
    if let Some(rates) = &model.similar {
        features::with_similar(&mut t, leads, rates, None);
    }
    t
}

/// Trains on the leads with outcomes, holding out the latest [`TEST_SHARE`].
pub fn from_leads(
    leads: &[Lead],
    options: &Options,
    threshold: f64,
    progress: impl FnMut(usize),
) -> Result<Trained, TrainError> {
    let mut labelled: Vec<&Lead> = leads.iter().filter(|l| l.outcome.is_some()).collect();
    labelled.sort_by_key(|l| (l.created_at, l.id));
    let labels: Vec<bool> = labelled
        .iter()
        .map(|l| l.outcome.is_some_and(|o| o.converted))
        .collect();
    check(&labels, "the stored leads")?;
    let (train_idx, test_idx) = chronological_split(labelled.len(), None, TEST_SHARE);
    let train: Vec<&Lead> = train_idx.iter().map(|&i| labelled[i]).collect();
    let test: Vec<&Lead> = test_idx.iter().map(|&i| labelled[i]).collect();
    let ty: Vec<bool> = train_idx.iter().map(|&i| labels[i]).collect();
    let vy: Vec<bool> = test_idx.iter().map(|&i| labels[i]).collect();
    let keys: Vec<String> = train.iter().map(|l| features::similar_key(l)).collect();
    let rates = SimilarRates::fit(keys.iter().map(String::as_str), &ty);
    let mut table = features::lead_table(&train);
    features::with_similar(&mut table, &train, &rates, Some(&ty));
    let latest = train.last().map(|l| l.created_at.timestamp());
    let model = model::fit(
        Schema::Leads,
        &table,
        &ty,
        latest,
        Some(rates),
        options,
        progress,
    );
    let test_table = lead_rows(&model, &test);
    let times: Vec<i64> = test.iter().map(|l| l.created_at.timestamp()).collect();
    let p = model.probabilities(&test_table, 2);
    let evaluation = report::evaluate_scores(&model, &p, &test_table, &vy, Some(&times), threshold);
    Ok(Trained {
        model,
        evaluation,
        held_out: test.iter().map(|l| l.id).collect(),
        held_out_scores: p.into_iter().zip(vy).collect(),
    })
}

/// Trains on a labelled CSV: held out the latest [`TEST_SHARE`] (by its time column, or file
/// order), or evaluated on `test` when given.
pub fn from_csv(
    data: &Labelled,
    test: Option<&Labelled>,
    options: &Options,
    threshold: f64,
    progress: impl FnMut(usize),
) -> Result<Trained, TrainError> {
    check(&data.labels, "the training file")?;
    let n = data.labels.len();
    let (train_idx, test_idx) = if test.is_some() {
        chronological_split(n, data.times.as_deref(), 0.0)
    } else {
        chronological_split(n, data.times.as_deref(), TEST_SHARE)
    };
    let table = data.table.select(&train_idx);
    let ty: Vec<bool> = train_idx.iter().map(|&i| data.labels[i]).collect();
    let latest = data
        .times
        .as_ref()
        .and_then(|t| train_idx.iter().map(|&i| t[i]).max());
    let model = model::fit(
        Schema::Columns,
        &table,
        &ty,
        latest,
        None,
        options,
        progress,
    );
    let evaluation = match test {
        Some(t) => {
            check(&t.labels, "the test file")?;
            report::evaluate(&model, &t.table, &t.labels, t.times.as_deref(), threshold)
        }
        None => {
            let vy: Vec<bool> = test_idx.iter().map(|&i| data.labels[i]).collect();
            check(&vy, "the held-out rows")?;
            let times: Option<Vec<i64>> = data
                .times
                .as_ref()
                .map(|t| test_idx.iter().map(|&i| t[i]).collect());
            report::evaluate(
                &model,
                &data.table.select(&test_idx),
                &vy,
                times.as_deref(),
                threshold,
            )
        }
    };
    Ok(Trained {
        model,
        evaluation,
        held_out: Vec::new(),
        held_out_scores: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};
    use roomwork_domain::{LeadBehaviour, LeadOutcome};

    /// Leads whose conversion depends on source and pages viewed, like a real funnel.
    fn leads(n: usize) -> Vec<Lead> {
        let mut s = 99u64;
        let mut u = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let start = Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap();
        (0..n)
            .map(|i| {
                let source =
                    ["Customer referral", "Web form", "Purchased list"][(u() * 3.0) as usize];
                let pages = (u() * 20.0) as u32;
                let title =
                    ["VP Operations", "Buyer", "Student", "Plant Manager"][(u() * 4.0) as usize];
                let logit =
                    -2.5 + match source {
                        "Customer referral" => 1.5,
                        "Purchased list" => -1.0,
                        _ => 0.0,
                    } + f64::from(pages) * 0.1
                        + if title == "Student" { -2.0 } else { 0.0 };
                let converted = u() < 1.0 / (1.0 + (-logit).exp());
                let created = start + Duration::hours(i as i64 * 3);
                Lead {
                    id: LeadId::new(),
                    ext_key: None,
                    name: format!("Lead {i}"),
                    title: Some(title.into()),
                    company: None,
                    company_size: Some(50 + (u() * 900.0) as u32),
                    industry: Some(["Food", "Water", "Chemicals"][(u() * 3.0) as usize].into()),
                    country: Some("United States".into()),
                    region: None,
                    source: Some(source.into()),
                    email: None,
                    behaviour: LeadBehaviour {
                        pages_viewed: pages,
                        ..LeadBehaviour::default()
                    },
                    outcome: Some(LeadOutcome {
                        converted,
                        date: (created + Duration::days(20)).date_naive(),
                    }),
                    owner: None,
                    created_at: created,
                }
            })
            .collect()
    }

    #[test]
    fn a_model_trained_on_stored_leads_beats_the_prior_on_leads_it_never_saw() {
        let all = leads(6000);
        let t = from_leads(&all, &Options::default(), 0.3, |_| {}).unwrap();
        assert!(!t.model.is_prior());
        assert_eq!(t.held_out.len(), 1200);
        // The held-out leads are the latest ones.
        let latest_train = t.model.training.latest.unwrap();
        assert!(
            all.iter()
                .filter(|l| t.held_out.contains(&l.id))
                .all(|l| l.created_at.timestamp() > latest_train)
        );
        let q = t.evaluation.quality;
        assert!(q.auc.unwrap() > 0.75, "{q:?}");
        assert!(
            q.log_loss < t.evaluation.prior_quality.log_loss,
            "{:?}",
            t.evaluation
        );
        assert!(t.evaluation.weeks.unwrap() > 20.0);
        let top = &t.evaluation.importance[0].0;
        assert!(
            ["source", "pages viewed", "job rank"].contains(&top.as_str()),
            "{:?}",
            t.evaluation.importance
        );
        // Scoring a new lead reads the same features.
        let table = lead_rows(&t.model, &[&all[0]]);
        let s = t.model.explain(&table, 0);
        assert!(s.basis.starts_with("gradient-boosted trees"), "{}", s.basis);
    }

    #[test]
    fn too_little_history_is_refused_in_words() {
        let mut few = leads(10);
        few.truncate(10);
        let e = from_leads(&few, &Options::default(), 0.3, |_| {}).unwrap_err();
        assert!(e.to_string().contains("at least 20 rows"), "{e}");
    }
}
