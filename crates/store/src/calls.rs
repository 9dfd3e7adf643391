//! Stored call analyses: one row per analysed transcript, with the figures the per-rep and
//! per-deal views read (talk ratio, questions, monologue, patience, the customer people who
//! spoke, the risks raised) and the whole analysis as JSON. An analysis is derived from its
//! transcript, so analysing a call again replaces its row; the transcript itself is kept as
//! uploaded.

use chrono::{DateTime, Utc};
use roomwork_domain::{AccountId, Health, OpportunityId, RepId, Transcript, TranscriptId};
use serde::Serialize;

use crate::{Result, StoreError};

/// One analysed call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallRecord {
    /// The transcript.
    pub transcript_id: TranscriptId,
    /// When the call took place.
    pub occurred_at: DateTime<Utc>,
    /// When it was analysed.
    pub analysed_at: DateTime<Utc>,
    /// The rep on the call.
    pub rep_id: Option<RepId>,
    /// The account.
    pub account_id: Option<AccountId>,
    /// The deal discussed.
    pub opportunity_id: Option<OpportunityId>,
    /// `discovery`, `negotiation`, ...
    pub call_type: Option<String>,
    /// Length, seconds.
    pub duration_seconds: f64,
    /// The reps' share of the talk.
    pub rep_talk_ratio: Option<f64>,
    /// Questions the reps asked.
    pub rep_questions: Option<i64>,
    /// Questions the customer asked.
    pub customer_questions: Option<i64>,
    /// The longest rep monologue, seconds.
    pub longest_monologue_seconds: Option<f64>,
    /// The longest customer story, seconds.
    pub longest_story_seconds: Option<f64>,
    /// Mean pause before the rep answers, seconds.
    pub patience_seconds: Option<f64>,
    /// Speaker switches per minute.
    pub interactivity: f64,
    /// The customer people who spoke (a matched contact's name, else the speaker's label).
    pub customer_people: Vec<String>,
    /// The deal-risk labels the call raised (`budget_concern`, ...), each once.
    pub risks: Vec<String>,
    /// The call raised a complaint: trust repair.
    pub trust_repair: bool,
    /// The whole analysis, as JSON (`roomwork_meetings::Analysis`).
    pub analysis: String,
}

/// What `calls_write` stores in one transaction with its audit record.
#[derive(Clone, Copy, Debug)]
pub struct CallsWrite<'a> {
    /// New transcripts (as uploaded).
    pub transcripts: &'a [Transcript],
    /// Analyses (a transcript's earlier analysis is replaced).
    pub calls: &'a [CallRecord],
    /// The calls logged as activities (a new call only).
    pub activities: &'a [roomwork_domain::Activity],
    /// Accounts whose health the calls raise: to `Watch` only from `Healthy`, to `AtRisk`
    /// from either; a health is never lowered here (that is a person's decision).
    pub health: &'a [(AccountId, Health, String)],
}

#[derive(sqlx::FromRow)]
pub(crate) struct CallRow {
    transcript_id: String,
    occurred_at: i64,
    analysed_at: i64,
    rep_id: Option<String>,
    account_id: Option<String>,
    opportunity_id: Option<String>,
    call_type: Option<String>,
    duration_seconds: f64,
    rep_talk_ratio: Option<f64>,
    rep_questions: Option<i64>,
    customer_questions: Option<i64>,
    longest_monologue_seconds: Option<f64>,
    longest_story_seconds: Option<f64>,
    patience_seconds: Option<f64>,
    interactivity: f64,
    customer_people: String,
    risks: String,
    trust_repair: i64,
    analysis: String,
}

/// The columns, in `CallRow`'s order (the analysis last, left out when not wanted).
pub(crate) const CALL_COLUMNS: [&str; 19] = [
    "transcript_id",
    "occurred_at",
    "analysed_at",
    "rep_id",
    "account_id",
    "opportunity_id",
    "call_type",
    "duration_seconds",
    "rep_talk_ratio",
    "rep_questions",
    "customer_questions",
    "longest_monologue_seconds",
    "longest_story_seconds",
    "patience_seconds",
    "interactivity",
    "customer_people",
    "risks",
    "trust_repair",
    "analysis",
];

fn corrupt(column: &'static str, why: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "call_analyses",
        column,
        reason: why.to_string(),
    }
}

fn id<T: std::str::FromStr>(column: &'static str, s: &str) -> Result<T>
where
    T::Err: ToString,
{
    s.parse().map_err(|e: T::Err| corrupt(column, e))
}

fn time(column: &'static str, ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(column, "time out of range"))
}

impl CallRow {
    pub(crate) fn into_record(self) -> Result<CallRecord> {
        let list = |column: &'static str, s: &str| -> Result<Vec<String>> {
            serde_json::from_str(s).map_err(|e| corrupt(column, e))
        };
        Ok(CallRecord {
            transcript_id: id("transcript_id", &self.transcript_id)?,
            occurred_at: time("occurred_at", self.occurred_at)?,
            analysed_at: time("analysed_at", self.analysed_at)?,
            rep_id: self
                .rep_id
                .as_deref()
                .map(|s| id("rep_id", s))
                .transpose()?,
            account_id: self
                .account_id
                .as_deref()
                .map(|s| id("account_id", s))
                .transpose()?,
            opportunity_id: self
                .opportunity_id
                .as_deref()
                .map(|s| id("opportunity_id", s))
                .transpose()?,
            call_type: self.call_type,
            duration_seconds: self.duration_seconds,
            rep_talk_ratio: self.rep_talk_ratio,
            rep_questions: self.rep_questions,
            customer_questions: self.customer_questions,
            longest_monologue_seconds: self.longest_monologue_seconds,
            longest_story_seconds: self.longest_story_seconds,
            patience_seconds: self.patience_seconds,
            interactivity: self.interactivity,
            customer_people: list("customer_people", &self.customer_people)?,
            risks: list("risks", &self.risks)?,
            trust_repair: self.trust_repair != 0,
            analysis: self.analysis,
        })
    }
}
