//! Stored pipeline-intelligence records: weekly snapshots of the open pipeline, the current
//! risk signals and win probabilities of open deals, deal-score model versions and managers'
//! forecast overrides. Deals' field history is a domain record ([`FieldEdit`]) written with
//! batches; these are the pipeline crate's results, kept so that week-over-week changes, rep
//! bias and forecast accuracy are measured against what was really there.

use chrono::{DateTime, NaiveDate, Utc};
use roomwork_domain::{
    Currency, DealFieldChange, FieldEdit, ForecastCategory, Money, OpportunityId, Stage,
};
use serde::Serialize;

use crate::Result;
use crate::rows::{corrupt, day};

/// How a snapshot came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotSource {
    /// Taken when a weekly report was made: the pipeline as it stood.
    Report,
    /// Rebuilt for a past day from the stage and field history (fields without history,
    /// such as the owner, are today's).
    Reconstructed,
}

impl SnapshotSource {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotSource::Report => "report",
            SnapshotSource::Reconstructed => "reconstructed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "report" => Ok(SnapshotSource::Report),
            "reconstructed" => Ok(SnapshotSource::Reconstructed),
            other => Err(corrupt(
                "pipeline_snapshots",
                "source",
                format!("unknown source {other:?}"),
            )),
        }
    }
}

/// One open deal in a snapshot (the domain's record).
pub type SnapshotDeal = roomwork_domain::DealSnapshot;

/// A snapshot's header.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapshotInfo {
    /// The day it describes.
    pub taken_on: NaiveDate,
    /// When it was written.
    pub taken_at: DateTime<Utc>,
    /// Who (or what) took it.
    pub taken_by: String,
    /// Report or reconstruction.
    pub source: SnapshotSource,
    /// Open deals in it.
    pub deals: usize,
}

/// The open pipeline on one day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// Header.
    pub info: SnapshotInfo,
    /// Every open deal.
    pub deals: Vec<SnapshotDeal>,
}

/// A risk signal currently raised on a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignalRecord {
    /// The deal.
    pub opportunity_id: OpportunityId,
    /// The signal's name (`no_activity`, `ghosted`, ...).
    pub signal: String,
    /// The first evaluation that raised it (kept while it stays raised).
    pub raised_on: NaiveDate,
    /// Why, in words.
    pub detail: String,
}

/// A deal's latest win probability.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DealScoreRecord {
    /// The deal.
    pub opportunity_id: OpportunityId,
    /// The day it was scored.
    pub scored_on: NaiveDate,
    /// Probability of winning.
    pub probability: f64,
    /// The model version, `None` for the stage prior with no model trained.
    pub model_version: Option<i64>,
    /// The factors, as JSON.
    pub factors: String,
}

/// One deal-score model version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DealModelRecord {
    /// From 1.
    pub version: i64,
    /// When it was trained.
    pub created_at: DateTime<Utc>,
    /// Who trained it.
    pub trained_by: String,
    /// `trees` or `prior`.
    pub engine: String,
    /// The model, as JSON.
    #[serde(skip)]
    pub model: String,
    /// Its evaluation on held-out deals, as JSON.
    #[serde(skip)]
    pub evaluation: String,
}

/// A manager's forecast for a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForecastOverride {
    /// `2026-12` (a month) or `2026-Q4` (a quarter).
    pub period: String,
    /// `team`, or the rep's id.
    pub scope: String,
    /// The amount the manager calls.
    pub amount: Money,
    /// Who.
    pub made_by: String,
    /// Why.
    pub reason: String,
    /// When.
    pub made_at: DateTime<Utc>,
}

/// A pipeline write that goes with an audit record.
#[derive(Clone, Copy, Debug)]
pub enum PipelineWrite<'a> {
    /// A snapshot; refused when one exists for its day.
    Snapshot(&'a Snapshot),
    /// Several snapshots at once (a backfill): all or none.
    Snapshots(&'a [Snapshot]),
    /// A deal-score model version.
    Model(&'a DealModelRecord),
    /// A forecast override.
    Override(&'a ForecastOverride),
}

/// The latest evaluation of some deals: their signals and scores replace whatever was stored
/// for exactly these deals.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation<'a> {
    /// The deals evaluated (closed ones among them lose their stored signals and score).
    pub deals: &'a [OpportunityId],
    /// Signals raised now.
    pub signals: &'a [SignalRecord],
    /// Scores now.
    pub scores: &'a [DealScoreRecord],
}

fn instant(table: &'static str, column: &'static str, ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(table, column, "not a time"))
}

fn parse_id<T: std::str::FromStr>(table: &'static str, column: &'static str, s: &str) -> Result<T>
where
    T::Err: ToString,
{
    s.parse().map_err(|e: T::Err| corrupt(table, column, e))
}

#[derive(sqlx::FromRow)]
pub(crate) struct FieldChangeRow {
    opportunity_id: String,
    field: String,
    old_value: String,
    new_value: String,
    changed_on: String,
}

impl FieldChangeRow {
    pub(crate) fn into_domain(self) -> Result<FieldEdit> {
        const T: &str = "deal_field_changes";
        Ok(FieldEdit {
            opportunity_id: parse_id(T, "opportunity_id", &self.opportunity_id)?,
            changed_on: day(T, "changed_on", &self.changed_on)?,
            change: DealFieldChange::parse(&self.field, &self.old_value, &self.new_value)
                .map_err(|e| corrupt(T, "field", e))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SnapshotRow {
    taken_on: String,
    taken_at: i64,
    taken_by: String,
    source: String,
    deals: i64,
}

impl SnapshotRow {
    pub(crate) fn into_info(self) -> Result<SnapshotInfo> {
        const T: &str = "pipeline_snapshots";
        Ok(SnapshotInfo {
            taken_on: day(T, "taken_on", &self.taken_on)?,
            taken_at: instant(T, "taken_at", self.taken_at)?,
            taken_by: self.taken_by,
            source: SnapshotSource::parse(&self.source)?,
            deals: usize::try_from(self.deals).map_err(|e| corrupt(T, "deals", e))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SnapshotDealRow {
    opportunity_id: String,
    owner_id: Option<String>,
    stage: String,
    amount_minor: Option<i64>,
    currency: Option<String>,
    close_date: Option<String>,
    forecast_category: Option<String>,
    probability: f64,
}

impl SnapshotDealRow {
    pub(crate) fn into_domain(self) -> Result<SnapshotDeal> {
        const T: &str = "pipeline_snapshot_deals";
        let amount = match (self.amount_minor, self.currency) {
            (Some(m), Some(c)) => Some(Money::from_minor(
                m,
                Currency::parse(&c).map_err(|e| corrupt(T, "currency", e))?,
            )),
            _ => None,
        };
        Ok(SnapshotDeal {
            opportunity_id: parse_id(T, "opportunity_id", &self.opportunity_id)?,
            owner: self
                .owner_id
                .map(|o| parse_id(T, "owner_id", &o))
                .transpose()?,
            stage: Stage::parse(&self.stage).map_err(|e| corrupt(T, "stage", e))?,
            amount,
            close_date: self
                .close_date
                .map(|d| day(T, "close_date", &d))
                .transpose()?,
            forecast_category: self
                .forecast_category
                .map(|c| {
                    ForecastCategory::parse(&c).map_err(|e| corrupt(T, "forecast_category", e))
                })
                .transpose()?,
            probability: self.probability,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SignalRow {
    opportunity_id: String,
    signal: String,
    raised_on: String,
    detail: String,
}

impl SignalRow {
    pub(crate) fn into_record(self) -> Result<SignalRecord> {
        const T: &str = "deal_signals";
        Ok(SignalRecord {
            opportunity_id: parse_id(T, "opportunity_id", &self.opportunity_id)?,
            signal: self.signal,
            raised_on: day(T, "raised_on", &self.raised_on)?,
            detail: self.detail,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DealScoreRow {
    opportunity_id: String,
    scored_on: String,
    probability: f64,
    model_version: Option<i64>,
    factors: String,
}

impl DealScoreRow {
    pub(crate) fn into_record(self) -> Result<DealScoreRecord> {
        const T: &str = "deal_scores";
        Ok(DealScoreRecord {
            opportunity_id: parse_id(T, "opportunity_id", &self.opportunity_id)?,
            scored_on: day(T, "scored_on", &self.scored_on)?,
            probability: self.probability,
            model_version: self.model_version,
            factors: self.factors,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DealModelRow {
    version: i64,
    created_at: i64,
    trained_by: String,
    engine: String,
    model: String,
    evaluation: String,
}

impl DealModelRow {
    pub(crate) fn into_record(self) -> Result<DealModelRecord> {
        Ok(DealModelRecord {
            version: self.version,
            created_at: instant("deal_models", "created_at", self.created_at)?,
            trained_by: self.trained_by,
            engine: self.engine,
            model: self.model,
            evaluation: self.evaluation,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OverrideRow {
    period: String,
    scope: String,
    amount_minor: i64,
    currency: String,
    made_by: String,
    reason: String,
    made_at: i64,
}

impl OverrideRow {
    pub(crate) fn into_record(self) -> Result<ForecastOverride> {
        const T: &str = "forecast_overrides";
        Ok(ForecastOverride {
            period: self.period,
            scope: self.scope,
            amount: Money::from_minor(
                self.amount_minor,
                Currency::parse(&self.currency).map_err(|e| corrupt(T, "currency", e))?,
            ),
            made_by: self.made_by,
            reason: self.reason,
            made_at: instant(T, "made_at", self.made_at)?,
        })
    }
}
