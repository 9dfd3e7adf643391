//! Stored lead-scoring records: model versions, scores with their routing, governed settings.
//! The model itself is JSON the scoring crate reads; the store keeps it fixed once written.

use chrono::{DateTime, Utc};
use roomwork_domain::{LeadId, RepId};
use serde::Serialize;

use crate::{Result, StoreError};

/// Where a model version stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelStatus {
    /// Trained, not scoring.
    Candidate,
    /// Scores every new lead.
    Current,
    /// Scored once, replaced.
    Retired,
}

impl ModelStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Candidate => "candidate",
            ModelStatus::Current => "current",
            ModelStatus::Retired => "retired",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "candidate" => Ok(ModelStatus::Candidate),
            "current" => Ok(ModelStatus::Current),
            "retired" => Ok(ModelStatus::Retired),
            other => Err(StoreError::Corrupt {
                table: "lead_models",
                column: "status",
                reason: format!("unknown status {other:?}"),
            }),
        }
    }
}

/// One model version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelRecord {
    /// Version number, from 1.
    pub version: i64,
    /// When it was trained.
    pub created_at: DateTime<Utc>,
    /// Where it stands.
    pub status: ModelStatus,
    /// `leads` (scores and routes leads) or `columns` (a CSV's columns, for evaluation).
    pub schema: String,
    /// `trees` or `prior`.
    pub engine: String,
    /// Who trained it.
    pub trained_by: String,
    /// What it learned from (the store, or a file).
    pub source: String,
    /// The model, as JSON.
    #[serde(skip)]
    pub model: String,
    /// Its evaluation on held-out rows, as JSON.
    #[serde(skip)]
    pub evaluation: String,
    /// When it became current.
    pub promoted_at: Option<DateTime<Utc>>,
    /// Who made it current.
    pub promoted_by: Option<String>,
}

/// One score given to a lead, and where routing sent it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreRecord {
    /// The lead.
    pub lead_id: LeadId,
    /// When.
    pub scored_at: DateTime<Utc>,
    /// By which model version.
    pub model_version: i64,
    /// Probability of converting.
    pub probability: f64,
    /// True when the naive-Bayes prior scored.
    pub prior: bool,
    /// The factors, as JSON.
    pub factors: String,
    /// `rep`, `nurture`, `overflow` or a rule's queue.
    pub queue: String,
    /// The rep assigned.
    pub rep_id: Option<RepId>,
    /// Probability times expected deal, whole currency units.
    pub expected_value: i64,
    /// Why it went there.
    pub reason: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ModelRow {
    version: i64,
    created_at: i64,
    status: String,
    schema: String,
    engine: String,
    trained_by: String,
    source: String,
    model: String,
    evaluation: String,
    promoted_at: Option<i64>,
    promoted_by: Option<String>,
}

fn instant(table: &'static str, column: &'static str, ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt {
        table,
        column,
        reason: format!("{ms} is not a time"),
    })
}

impl ModelRow {
    pub(crate) fn into_record(self) -> Result<ModelRecord> {
        Ok(ModelRecord {
            version: self.version,
            created_at: instant("lead_models", "created_at", self.created_at)?,
            status: ModelStatus::parse(&self.status)?,
            schema: self.schema,
            engine: self.engine,
            trained_by: self.trained_by,
            source: self.source,
            model: self.model,
            evaluation: self.evaluation,
            promoted_at: self
                .promoted_at
                .map(|t| instant("lead_models", "promoted_at", t))
                .transpose()?,
            promoted_by: self.promoted_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ScoreRow {
    lead_id: String,
    scored_at: i64,
    model_version: i64,
    probability: f64,
    prior: bool,
    factors: String,
    queue: String,
    rep_id: Option<String>,
    expected_value: i64,
    reason: String,
}

impl ScoreRow {
    pub(crate) fn into_record(self) -> Result<ScoreRecord> {
        let id = |column: &'static str, s: &str| -> Result<uuid::Uuid> {
            s.parse().map_err(|_| StoreError::Corrupt {
                table: "lead_scores",
                column,
                reason: format!("{s:?} is not an id"),
            })
        };
        Ok(ScoreRecord {
            lead_id: LeadId::from_uuid(id("lead_id", &self.lead_id)?),
            scored_at: instant("lead_scores", "scored_at", self.scored_at)?,
            model_version: self.model_version,
            probability: self.probability,
            prior: self.prior,
            factors: self.factors,
            queue: self.queue,
            rep_id: self
                .rep_id
                .map(|r| id("rep_id", &r).map(RepId::from_uuid))
                .transpose()?,
            expected_value: self.expected_value,
            reason: self.reason,
        })
    }
}

/// A lead-scoring write that goes with an audit record.
#[derive(Clone, Copy, Debug)]
pub enum LeadsWrite<'a> {
    /// Stores a new model version (as a candidate, or current when none is).
    AddModel(&'a ModelRecord),
    /// Makes a candidate current and retires the current one.
    Promote {
        /// The candidate.
        version: i64,
        /// Who.
        by: &'a str,
        /// When.
        at: DateTime<Utc>,
    },
    /// Sets a governed setting.
    Setting {
        /// Its key.
        key: &'a str,
        /// Its new value.
        value: &'a str,
        /// Who.
        by: &'a str,
        /// When.
        at: DateTime<Utc>,
    },
}
