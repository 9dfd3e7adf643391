//! Where roomwork keeps its records: one [`Store`] trait, two backends.
//!
//! SQLite is the default (a file in the data directory, nothing to install); PostgreSQL is for
//! teams. [`open`] picks the backend from the URL (`sqlite://...` or `postgres://...`) and applies
//! that backend's own migrations before returning. Both backends run the same SQL text, written
//! once in `backend.rs` and compiled for each driver, and both are held to one contract test
//! suite (`tests/contract.rs`).
//!
//! Invariants:
//! - [`Store::save_batch`] writes everything it is given in one transaction: all of it or none.
//! - Saving a record whose id exists updates it; stage history is appended, never rewritten.
//! - Times are stored as UTC unix milliseconds, dates as ISO `YYYY-MM-DD`, money as integer minor
//!   units with a currency code. Rows become domain types here, not through derives on them.
//!
//! ```no_run
//! # async fn demo() -> Result<(), roomwork_store::StoreError> {
//! let store = roomwork_store::open("sqlite:///tmp/roomwork.db").await?;
//! let counts = store.counts().await?;
//! println!("{} accounts", counts.accounts);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod audit;
pub mod auth;
mod backend;
pub mod calls;
mod columns;
pub mod leads;
pub mod pipeline;
mod postgres;
mod raw;
mod rows;
mod sqlite;

use std::collections::HashMap;

use async_trait::async_trait;
use roomwork_domain::{
    Account, AccountId, Activity, Approved, Batch, Contact, CustomerIssue, Draft, DraftId,
    DraftStatus, ExternalKey, Lead, Opportunity, OpportunityId, Order, PendingApproval,
    PortfolioProject, Rejected, Rep, Revision, Sent, Stage, Transcript,
};
use serde::Serialize;

pub use audit::{AuditEntry, AuditRecord, Tampering, Verification};
pub use auth::{ApiToken, AuthWrite, Session};
pub use calls::{CallRecord, CallsWrite};
pub use leads::{LeadsWrite, ModelRecord, ModelStatus, ScoreRecord};
pub use pipeline::{
    DealModelRecord, DealScoreRecord, Evaluation, ForecastOverride, PipelineWrite, SignalRecord,
    Snapshot, SnapshotDeal, SnapshotInfo, SnapshotSource,
};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names no backend we have.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// A record that was asked for by id does not exist.
    #[error("{what} {id} not found")]
    NotFound {
        /// The kind of record.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The record changed since it was read (another person acted on it first); nothing was
    /// written.
    #[error("{what} {id} changed since it was read (someone else acted on it); show it again")]
    Conflict {
        /// The kind of record.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// Applying the migrations failed.
    #[error("migrating the database failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database refused or failed a query (including constraint violations).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The caller asked for a write that does not hang together; nothing was written.
    #[error("refused write: {0}")]
    Invalid(String),
    /// A stored value could not be read back into a domain value.
    #[error("stored {table}.{column} is invalid: {reason}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// Why.
        reason: String,
    },
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which backend a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// How many records of each kind are stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Reps.
    pub reps: u64,
    /// Accounts.
    pub accounts: u64,
    /// Contacts.
    pub contacts: u64,
    /// Leads.
    pub leads: u64,
    /// Opportunities.
    pub opportunities: u64,
    /// Stage changes across all opportunities.
    pub stage_changes: u64,
    /// Activities.
    pub activities: u64,
    /// Orders.
    pub orders: u64,
    /// Customer issues.
    pub issues: u64,
    /// Transcripts.
    pub transcripts: u64,
    /// Portfolio projects.
    pub projects: u64,
}

/// The record kinds that carry an external key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyedKind {
    /// Accounts.
    Account,
    /// Contacts.
    Contact,
    /// Leads.
    Lead,
    /// Opportunities.
    Opportunity,
    /// Activities.
    Activity,
}

/// Which activities to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct ActivityFilter {
    /// Only this account's.
    pub account_id: Option<AccountId>,
    /// Only this deal's.
    pub opportunity_id: Option<OpportunityId>,
    /// At most this many, newest first.
    pub limit: Option<u32>,
    /// Leave out the subject and body (the pipeline reads who, when and which way, over
    /// millions of activities).
    pub skip_text: bool,
}

/// Which drafts to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct DraftFilter {
    /// Only drafts in this status.
    pub status: Option<DraftStatus>,
    /// Only this account's.
    pub account_id: Option<AccountId>,
}

/// A change to the approval inbox. Each carries the typed state it writes, so that only an
/// [`Approved`] draft can be stored as approved and only a [`Sent`] one as sent.
#[derive(Clone, Copy, Debug)]
pub enum InboxWrite<'a> {
    /// A new draft and its revision 0 (the engine's text).
    Submit {
        /// The draft.
        pending: &'a PendingApproval,
        /// Revision 0.
        revision: &'a Revision,
        /// The minutes-saved ledger row, when a workflow produced the draft.
        usage: Option<&'a roomwork_domain::WorkflowUse>,
    },
    /// A person's rewrite.
    Edit {
        /// The draft after the edit.
        pending: &'a PendingApproval,
        /// The new revision.
        revision: &'a Revision,
    },
    /// A "no" to the relationship test: returned for rewriting.
    Return {
        /// The returned draft.
        pending: &'a PendingApproval,
        /// The reviewer's edit, if they made one with their answer.
        revision: Option<&'a Revision>,
    },
    /// Discarded.
    Reject(&'a Rejected),
    /// Passed the relationship test.
    Approve {
        /// The approved draft.
        approved: &'a Approved,
        /// The reviewer's final edit, if any.
        revision: Option<&'a Revision>,
        /// What the draft's CRM change writes (from [`Approved::apply_to`]): required when the
        /// draft proposes one, refused when it does not.
        applied: Option<&'a roomwork_domain::AppliedChange>,
    },
    /// Sent or marked sent; the outbound AI-assisted activity it creates, for the capacity
    /// ledger.
    Send {
        /// The sent draft.
        sent: &'a Sent,
        /// The activity to log.
        activity: Option<&'a Activity>,
    },
}

/// One message of a series written by [`Store::save_batch_parts`].
#[derive(Debug)]
pub enum BatchPart {
    /// Records to write, after the parts before them.
    Batch(Box<Batch>),
    /// The series is complete: commit.
    End,
}

/// The operations every backend provides.
#[async_trait]
pub trait Store: Send + Sync {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Closes every connection. For SQLite this checkpoints the write-ahead log into the
    /// database file; a process that exits without it leaves the log for the next one to fold
    /// in (after a large import, minutes of I/O in an unrelated command).
    async fn close(&self);

    /// Writes every record of `batch` in one transaction: inserted when its id is new, updated
    /// when it exists. Stage changes are added to a deal's stored history (an identical
    /// stage and date is kept once). Any failure rolls the whole batch back.
    async fn save_batch(&self, batch: &Batch) -> Result<()> {
        self.save_batch_with_progress(batch, &|_| {}).await
    }

    /// [`Store::save_batch`], calling `progress` with the number of rows each statement wrote.
    async fn save_batch_with_progress(
        &self,
        batch: &Batch,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()>;

    /// Writes the batches that arrive on `parts`, in order, in one transaction (begun when the
    /// first part arrives): all of them or nothing. The series ends with [`BatchPart::End`];
    /// a series whose sender goes away before that (it failed) is rolled back, and so is the
    /// whole series when the database refuses a part (on SQLite a deal's keys are deferred and
    /// checked at the commit, so such a refusal comes at the end). Lets an importer write a
    /// large file while it plans the rest. The write lock is held from the first part to the
    /// commit.
    async fn save_batch_parts(
        &self,
        parts: &mut tokio::sync::mpsc::Receiver<BatchPart>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()>;

    /// [`Store::save_batch`] and one audit record in the same transaction: an automated change
    /// is never applied without its record, nor recorded without being applied.
    async fn save_batch_audited(&self, batch: &Batch, audit: &AuditEntry) -> Result<AuditRecord>;

    /// Record counts per kind.
    async fn counts(&self) -> Result<Counts>;

    /// One round trip to the database (readiness checks).
    async fn ping(&self) -> Result<()>;

    /// External key → stored id, for re-imports.
    async fn key_index(&self, kind: KeyedKind) -> Result<HashMap<ExternalKey, uuid::Uuid>>;

    /// Current stage of every stored deal.
    async fn opportunity_stages(&self) -> Result<HashMap<OpportunityId, Stage>>;

    /// All reps, by name.
    async fn reps(&self) -> Result<Vec<Rep>>;
    /// All accounts, by name.
    async fn accounts(&self) -> Result<Vec<Account>>;
    /// One account.
    async fn account(&self, id: AccountId) -> Result<Account>;
    /// All contacts, by name.
    async fn contacts(&self) -> Result<Vec<Contact>>;
    /// All leads, oldest first.
    async fn leads(&self) -> Result<Vec<Lead>>;
    /// All opportunities by creation date, with their stage history when `with_history`
    /// (without it the history is left empty, which is much cheaper for large pipelines).
    async fn opportunities(&self, with_history: bool) -> Result<Vec<Opportunity>>;
    /// One opportunity with its stage history.
    async fn opportunity(&self, id: OpportunityId) -> Result<Opportunity>;
    /// Activities matching `filter`, newest first.
    async fn activities(&self, filter: ActivityFilter) -> Result<Vec<Activity>>;
    /// All orders, newest first.
    async fn orders(&self) -> Result<Vec<Order>>;
    /// All customer issues, newest first.
    async fn issues(&self) -> Result<Vec<CustomerIssue>>;
    /// All transcripts, newest first.
    async fn transcripts(&self) -> Result<Vec<Transcript>>;
    /// All portfolio projects, newest first.
    async fn projects(&self) -> Result<Vec<PortfolioProject>>;
    /// Appends one record to the audit trail and returns it as stored. Concurrent appends
    /// are serialised by the sequence number's uniqueness (a loser retries on the new head).
    async fn audit_append(&self, entry: &AuditEntry) -> Result<AuditRecord>;
    /// The audit trail in sequence order.
    async fn audit_records(&self) -> Result<Vec<AuditRecord>>;
    /// The audit records of `action` (and of `subject`, when given), newest first, at most
    /// `limit`: found through an index, for pages that show a few records and must not read
    /// the whole trail on every view.
    async fn audit_find(
        &self,
        action: &str,
        subject: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<AuditRecord>>;

    /// Writes one inbox change and its audit record in one transaction: both or neither. The
    /// database refuses what the types already rule out (a sent draft without an approval by a
    /// named reviewer with two "yes" answers; changing approved text; reopening a sent or
    /// rejected draft).
    async fn inbox_write(&self, write: InboxWrite<'_>, audit: &AuditEntry) -> Result<AuditRecord>;
    /// One draft as stored (turn it into its state with `DraftState::restore`).
    async fn draft(&self, id: DraftId) -> Result<Draft>;
    /// Drafts matching `filter`, oldest first.
    async fn drafts(&self, filter: DraftFilter) -> Result<Vec<Draft>>;
    /// A draft's revisions, oldest first.
    async fn draft_revisions(&self, id: DraftId) -> Result<Vec<Revision>>;
    /// The minutes-saved ledger, oldest first.
    async fn workflow_uses(&self) -> Result<Vec<roomwork_domain::WorkflowUse>>;

    /// Every lead model version, oldest first.
    async fn lead_models(&self) -> Result<Vec<ModelRecord>>;
    /// A model version, a promotion or a governed setting, with its audit record, in one
    /// transaction. Promoting needs a candidate (a conflict otherwise).
    async fn leads_write(&self, write: LeadsWrite<'_>, audit: &AuditEntry) -> Result<AuditRecord>;
    /// Stores scored leads (the leads themselves, their owner set by routing, and each score)
    /// in one transaction: all or nothing.
    async fn lead_intake(&self, leads: &[Lead], scores: &[ScoreRecord]) -> Result<()>;
    /// Scores given at or after `since` (all when `None`), oldest first.
    async fn lead_scores(
        &self,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Vec<ScoreRecord>>;
    /// Leads routed to each rep at or after `since` (this week's load).
    async fn rep_lead_load(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<HashMap<roomwork_domain::RepId, u32>>;
    /// A governed setting's value.
    async fn setting(&self, key: &str) -> Result<Option<String>>;

    /// Deals' field history (close date, amount, forecast category), by deal and then in the
    /// order the changes were made; one deal's when `deal` is given.
    async fn field_edits(
        &self,
        deal: Option<OpportunityId>,
    ) -> Result<Vec<roomwork_domain::FieldEdit>>;
    /// A snapshot, a deal-score model version or a forecast override, with its audit record,
    /// in one transaction. A second snapshot for the same day is a conflict.
    async fn pipeline_write(
        &self,
        write: PipelineWrite<'_>,
        audit: &AuditEntry,
    ) -> Result<AuditRecord>;
    /// Every snapshot's header, oldest first.
    async fn snapshots(&self) -> Result<Vec<SnapshotInfo>>;
    /// One snapshot with its deals.
    async fn snapshot(&self, day: chrono::NaiveDate) -> Result<Snapshot>;
    /// Replaces the stored signals and scores of the evaluated deals, in one transaction.
    async fn evaluation_write(&self, evaluation: Evaluation<'_>) -> Result<()>;
    /// Every raised signal, by deal.
    async fn deal_signals(&self) -> Result<Vec<SignalRecord>>;
    /// Every open deal's latest score.
    async fn deal_scores(&self) -> Result<Vec<DealScoreRecord>>;
    /// Every deal-score model version, oldest first.
    async fn deal_models(&self) -> Result<Vec<DealModelRecord>>;
    /// Every forecast override, oldest first.
    async fn forecast_overrides(&self) -> Result<Vec<ForecastOverride>>;

    /// New call transcripts, their analyses (replacing a transcript's earlier one) and the
    /// account health the calls raise, with one audit record, in one transaction.
    async fn calls_write(&self, write: CallsWrite<'_>, audit: &AuditEntry) -> Result<AuditRecord>;
    /// Every analysed call, newest first; the analysis JSON only when `with_analysis` (empty
    /// otherwise).
    async fn calls(&self, with_analysis: bool) -> Result<Vec<CallRecord>>;

    /// A user or an API token added, or a token revoked, with its audit record, in one
    /// transaction. A second user with the same e-mail is a conflict.
    async fn auth_write(&self, write: AuthWrite<'_>, audit: &AuditEntry) -> Result<AuditRecord>;
    /// Every user, by e-mail.
    async fn users(&self) -> Result<Vec<roomwork_domain::User>>;
    /// A user and their password hash, by e-mail (compared without case).
    async fn credentials(&self, email: &str) -> Result<Option<(roomwork_domain::User, String)>>;
    /// Stores a session (a sign-in).
    async fn session_start(&self, session: &Session) -> Result<()>;
    /// Ends a session (sign-out); ending one that does not exist is not an error.
    async fn session_end(&self, token_sha256: &str) -> Result<()>;
    /// A session that has not expired at `now`, with its user.
    async fn session(
        &self,
        token_sha256: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(roomwork_domain::User, Session)>>;
    /// A token that has not been revoked, with its user.
    async fn api_token(
        &self,
        token_sha256: &str,
    ) -> Result<Option<(roomwork_domain::User, ApiToken)>>;
    /// Every API token (without its hash), oldest first.
    async fn api_tokens(&self) -> Result<Vec<ApiToken>>;
}

/// Opens the store a URL names and applies its migrations.
///
/// `sqlite://PATH` (the file is created when missing; `sqlite::memory:` is a private database
/// on a single connection) or `postgres://...`/`postgresql://...`.
pub async fn open(url: &str) -> Result<Box<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Box::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(redact_url(url)))
    }
}

/// A URL with any password replaced by `***`, for messages and logs: the password in the
/// user-info part (everything before the *last* `@` of the authority, as URL parsers read it)
/// and `password=`/`sslpassword=` query parameters.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    // The user-info ends at the last '@' before the query (a password may contain '/', '#' or
    // '@'; a query may contain '@' too: "?password=p@ss"); a password with '?' in it is found
    // by the last '@' of the whole URL when no '@' comes before the first '?'.
    let before_query = rest.find('?').map_or(rest, |q| &rest[..q]);
    let at = before_query.rfind('@').or_else(|| rest.rfind('@'));
    let (userinfo, host_and_rest) = match at {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let mut out = format!("{scheme}://");
    if let Some(userinfo) = userinfo {
        match userinfo.split_once(':') {
            Some((user, _password)) => out.push_str(&format!("{user}:***@")),
            None => out.push_str(&format!("{userinfo}@")),
        }
    }
    match host_and_rest.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _))
                        if k.eq_ignore_ascii_case("password")
                            || k.eq_ignore_ascii_case("sslpassword") =>
                    {
                        format!("{k}=***")
                    }
                    _ => p.to_string(),
                })
                .collect();
            out.push_str(path);
            out.push('?');
            out.push_str(&params.join("&"));
        }
        None => out.push_str(host_and_rest),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_redacted_urls() {
        assert_eq!(
            redact_url("postgres://bob:hunter2@db/x"),
            "postgres://bob:***@db/x"
        );
        assert_eq!(redact_url("postgres://bob@db/x"), "postgres://bob@db/x");
        assert_eq!(redact_url("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
        // Regressions: a password containing '@', and one in the query string.
        assert_eq!(
            redact_url("postgres://bob:p@ss@db/x"),
            "postgres://bob:***@db/x"
        );
        for pw in ["pa/ss", "pa?ss", "pa#ss"] {
            let r = redact_url(&format!("postgres://bob:{pw}@db/x"));
            assert_eq!(r, "postgres://bob:***@db/x", "{pw}");
        }
        assert_eq!(
            redact_url("postgres://bob@db/x?sslmode=require&password=secret"),
            "postgres://bob@db/x?sslmode=require&password=***"
        );
        // An '@' in the query does not make the query the user-info.
        assert_eq!(
            redact_url("postgres://bob@db/x?password=p@ss"),
            "postgres://bob@db/x?password=***"
        );
    }

    #[tokio::test]
    async fn unknown_schemes_are_refused_with_a_hint() {
        let err = open("mysql://root:pw@localhost/db").await.err().unwrap();
        let msg = err.to_string();
        assert!(msg.contains("sqlite://") && !msg.contains("pw@"), "{msg}");
    }
}
