//! Lead intake, shared by `roomwork leads score` and `POST /api/v1/leads`: score with the
//! current model, route by the ops lead's rules against this week's load, and store each lead
//! with its score and routing in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use roomwork_domain::{Lead, Rep, RepId};
use roomwork_scoring::routing::{Assignment, RoutingConfig};
use roomwork_scoring::{Model, Schema, Score, train};
use roomwork_store::{ModelStatus, ScoreRecord, Store};

/// The current model and its version.
pub struct Current {
    /// Version number.
    pub version: i64,
    /// The model.
    pub model: Model,
}

/// The current lead model, if one is.
pub async fn current_model(store: &dyn Store) -> anyhow::Result<Option<Current>> {
    let Some(m) = store
        .lead_models()
        .await?
        .into_iter()
        .find(|m| m.status == ModelStatus::Current)
    else {
        return Ok(None);
    };
    let model = Model::from_json(&m.model)
        .map_err(|e| anyhow::anyhow!("stored model version {} cannot be read: {e}", m.version))?;
    if model.schema != Schema::Leads {
        anyhow::bail!(
            "model version {} was trained on a CSV's columns, not lead features",
            m.version
        );
    }
    Ok(Some(Current {
        version: m.version,
        model,
    }))
}

/// Monday 00:00 UTC of the week holding `now`: capacity counts from here.
pub fn week_start(now: DateTime<Utc>) -> DateTime<Utc> {
    roomwork_scoring::report::monday(now.date_naive())
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// A scored and routed lead.
pub struct Scored {
    /// The lead, its owner set by routing.
    pub lead: Lead,
    /// The score with its factors.
    pub score: Score,
    /// Where it went.
    pub assignment: Assignment,
}

/// Scores and routes `leads` (best expected value first, counting against `load`).
pub fn score_and_route(
    current: &Current,
    config: &RoutingConfig,
    reps: &[Rep],
    load: &mut HashMap<RepId, u32>,
    leads: Vec<Lead>,
) -> Vec<Scored> {
    let refs: Vec<&Lead> = leads.iter().collect();
    let table = train::lead_rows(&current.model, &refs);
    let scores = current.model.explain_all(&table);
    let pairs: Vec<(&Lead, f64)> = refs
        .iter()
        .copied()
        .zip(scores.iter().map(|s| s.probability))
        .collect();
    let assignments = config.route_batch(&pairs, reps, load);
    leads
        .into_iter()
        .zip(scores)
        .zip(assignments)
        .map(|((mut lead, score), assignment)| {
            lead.owner = assignment.rep;
            Scored {
                lead,
                score,
                assignment,
            }
        })
        .collect()
}

/// The stored form of a score.
pub fn record(current: &Current, s: &Scored, at: DateTime<Utc>) -> ScoreRecord {
    ScoreRecord {
        lead_id: s.lead.id,
        scored_at: at,
        model_version: current.version,
        probability: s.score.probability,
        prior: s.score.prior,
        factors: serde_json::to_string(&s.score.factors).unwrap_or_else(|_| "[]".into()),
        queue: s.assignment.queue.clone(),
        rep_id: s.assignment.rep,
        expected_value: i64::try_from(s.assignment.expected_value).unwrap_or(i64::MAX),
        reason: s.assignment.reason.clone(),
    }
}

/// Stores scored leads with their scores, all or nothing.
pub async fn store_scored(
    store: &dyn Store,
    current: &Current,
    scored: &[Scored],
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let leads: Vec<Lead> = scored.iter().map(|s| s.lead.clone()).collect();
    let records: Vec<ScoreRecord> = scored.iter().map(|s| record(current, s, at)).collect();
    store.lead_intake(&leads, &records).await?;
    Ok(())
}
