//! Stored rows and their conversion back into domain records.
//!
//! Every column is read as `i64`, `bool` or `String`, which both drivers decode the same way;
//! parsing into domain types happens here, once, and a value that does not parse is reported
//! as [`StoreError::Corrupt`] with its table and column rather than silently replaced.

use chrono::{DateTime, NaiveDate, Utc};
use roomwork_domain::*;
use std::str::FromStr;

use crate::StoreError;

type R<T> = Result<T, StoreError>;

pub(crate) fn corrupt(
    table: &'static str,
    column: &'static str,
    reason: impl ToString,
) -> StoreError {
    StoreError::Corrupt {
        table,
        column,
        reason: reason.to_string(),
    }
}

fn id<T: FromStr>(table: &'static str, column: &'static str, s: &str) -> R<T>
where
    T::Err: ToString,
{
    s.parse::<T>().map_err(|e| corrupt(table, column, e))
}

fn opt_id<T: FromStr>(table: &'static str, column: &'static str, s: Option<&String>) -> R<Option<T>>
where
    T::Err: ToString,
{
    s.map(|s| id(table, column, s)).transpose()
}

pub(crate) fn day(table: &'static str, column: &'static str, s: &str) -> R<NaiveDate> {
    if let Some(d) = roomwork_domain::parse_iso_day(s) {
        return Ok(d);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| corrupt(table, column, e))
}

fn opt_day(table: &'static str, column: &'static str, s: Option<&String>) -> R<Option<NaiveDate>> {
    s.map(|s| day(table, column, s)).transpose()
}

fn instant(table: &'static str, column: &'static str, ms: i64) -> R<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| corrupt(table, column, "timestamp out of range"))
}

fn money(table: &'static str, minor: Option<i64>, cur: Option<&String>) -> R<Option<Money>> {
    match (minor, cur) {
        (Some(m), Some(c)) => Ok(Some(Money::from_minor(
            m,
            Currency::parse(c).map_err(|e| corrupt(table, "currency", e))?,
        ))),
        (None, _) => Ok(None),
        (Some(_), None) => Err(corrupt(table, "currency", "amount without a currency")),
    }
}

fn u32_of(table: &'static str, column: &'static str, v: i64) -> R<u32> {
    u32::try_from(v).map_err(|_| corrupt(table, column, format!("{v} is not a count")))
}

fn email(table: &'static str, s: Option<&String>) -> R<Option<Email>> {
    s.map(|s| Email::parse(s).map_err(|e| corrupt(table, "email", e)))
        .transpose()
}

#[derive(sqlx::FromRow)]
pub(crate) struct RepRow {
    id: String,
    name: String,
    email: Option<String>,
    territory: Option<String>,
    segment: Option<String>,
    weekly_lead_capacity: i64,
    active: bool,
}

impl RepRow {
    pub(crate) fn into_domain(self) -> R<Rep> {
        Ok(Rep {
            id: id("reps", "id", &self.id)?,
            name: self.name,
            email: email("reps", self.email.as_ref())?,
            territory: self.territory,
            segment: self.segment,
            weekly_lead_capacity: u32_of(
                "reps",
                "weekly_lead_capacity",
                self.weekly_lead_capacity,
            )?,
            active: self.active,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: String,
    ext_key: Option<String>,
    name: String,
    tier: Option<String>,
    health: String,
    health_reason: Option<String>,
    industry: Option<String>,
    country: Option<String>,
    employees: Option<i64>,
    revenue_minor: Option<i64>,
    revenue_currency: Option<String>,
    owner_id: Option<String>,
    domain: Option<String>,
    created_at: i64,
}

impl AccountRow {
    pub(crate) fn into_domain(self) -> R<Account> {
        const T: &str = "accounts";
        Ok(Account {
            id: id(T, "id", &self.id)?,
            ext_key: self.ext_key.map(ExternalKey::from_stored),
            name: self.name,
            tier: self
                .tier
                .map(|t| Tier::parse(&t).map_err(|e| corrupt(T, "tier", e)))
                .transpose()?,
            health: Health::parse(&self.health).map_err(|e| corrupt(T, "health", e))?,
            health_reason: self.health_reason,
            industry: self.industry,
            country: self.country,
            employees: self
                .employees
                .map(|e| u32_of(T, "employees", e))
                .transpose()?,
            annual_revenue: money(T, self.revenue_minor, self.revenue_currency.as_ref())?,
            owner: opt_id(T, "owner_id", self.owner_id.as_ref())?,
            domain: self.domain,
            created_at: instant(T, "created_at", self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ContactRow {
    id: String,
    ext_key: Option<String>,
    account_id: Option<String>,
    name: String,
    title: Option<String>,
    role: String,
    email: Option<String>,
    phone: Option<String>,
    created_at: i64,
}

impl ContactRow {
    pub(crate) fn into_domain(self) -> R<Contact> {
        const T: &str = "contacts";
        Ok(Contact {
            id: id(T, "id", &self.id)?,
            ext_key: self.ext_key.map(ExternalKey::from_stored),
            account_id: opt_id(T, "account_id", self.account_id.as_ref())?,
            name: self.name,
            title: self.title,
            role: ContactRole::parse(&self.role).map_err(|e| corrupt(T, "role", e))?,
            email: email(T, self.email.as_ref())?,
            phone: self.phone,
            created_at: instant(T, "created_at", self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LeadRow {
    id: String,
    ext_key: Option<String>,
    name: String,
    title: Option<String>,
    company: Option<String>,
    company_size: Option<i64>,
    industry: Option<String>,
    country: Option<String>,
    region: Option<String>,
    source: Option<String>,
    email: Option<String>,
    pages_viewed: i64,
    form_submissions: i64,
    email_opens: i64,
    email_clicks: i64,
    converted: Option<bool>,
    outcome_date: Option<String>,
    owner_id: Option<String>,
    created_at: i64,
}

impl LeadRow {
    pub(crate) fn into_domain(self) -> R<Lead> {
        const T: &str = "leads";
        let outcome = match (
            self.converted,
            opt_day(T, "outcome_date", self.outcome_date.as_ref())?,
        ) {
            (Some(converted), Some(date)) => Some(LeadOutcome { converted, date }),
            (None, None) => None,
            _ => {
                return Err(corrupt(
                    T,
                    "outcome_date",
                    "outcome and its date must be set together",
                ));
            }
        };
        Ok(Lead {
            id: id(T, "id", &self.id)?,
            ext_key: self.ext_key.map(ExternalKey::from_stored),
            name: self.name,
            title: self.title,
            company: self.company,
            company_size: self
                .company_size
                .map(|v| u32_of(T, "company_size", v))
                .transpose()?,
            industry: self.industry,
            country: self.country,
            region: self.region,
            source: self.source,
            email: email(T, self.email.as_ref())?,
            behaviour: LeadBehaviour {
                pages_viewed: u32_of(T, "pages_viewed", self.pages_viewed)?,
                form_submissions: u32_of(T, "form_submissions", self.form_submissions)?,
                email_opens: u32_of(T, "email_opens", self.email_opens)?,
                email_clicks: u32_of(T, "email_clicks", self.email_clicks)?,
            },
            outcome,
            owner: opt_id(T, "owner_id", self.owner_id.as_ref())?,
            created_at: instant(T, "created_at", self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OpportunityRow {
    id: String,
    ext_key: Option<String>,
    name: String,
    account_id: Option<String>,
    owner_id: Option<String>,
    stage: String,
    amount_minor: Option<i64>,
    currency: Option<String>,
    close_date: Option<String>,
    next_step: Option<String>,
    next_step_date: Option<String>,
    created_on: String,
    forecast_category: Option<String>,
}

impl OpportunityRow {
    /// The columns [`OpportunityRow::from_raw`] reads, in its order.
    pub(crate) const COLUMNS: &str = "id, ext_key, name, account_id, owner_id, stage, amount_minor, \
        currency, close_date, next_step, next_step_date, created_on, forecast_category";

    /// A row of `SELECT {COLUMNS}` read on the bulk path.
    pub(crate) fn from_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            ext_key: r.get(1)?,
            name: r.get(2)?,
            account_id: r.get(3)?,
            owner_id: r.get(4)?,
            stage: r.get(5)?,
            amount_minor: r.get(6)?,
            currency: r.get(7)?,
            close_date: r.get(8)?,
            next_step: r.get(9)?,
            next_step_date: r.get(10)?,
            created_on: r.get(11)?,
            forecast_category: r.get(12)?,
        })
    }

    /// The deal, with `stage_history` as its history.
    pub(crate) fn into_domain(self, stage_history: Vec<StageChange>) -> R<Opportunity> {
        const T: &str = "opportunities";
        Ok(Opportunity {
            id: id(T, "id", &self.id)?,
            ext_key: self.ext_key.map(ExternalKey::from_stored),
            name: self.name,
            account_id: opt_id(T, "account_id", self.account_id.as_ref())?,
            owner: opt_id(T, "owner_id", self.owner_id.as_ref())?,
            stage: Stage::parse(&self.stage).map_err(|e| corrupt(T, "stage", e))?,
            amount: money(T, self.amount_minor, self.currency.as_ref())?,
            close_date: opt_day(T, "close_date", self.close_date.as_ref())?,
            next_step: self.next_step,
            next_step_date: opt_day(T, "next_step_date", self.next_step_date.as_ref())?,
            created_on: day(T, "created_on", &self.created_on)?,
            forecast_category: self
                .forecast_category
                .map(|f| {
                    ForecastCategory::parse(&f).map_err(|e| corrupt(T, "forecast_category", e))
                })
                .transpose()?,
            stage_history,
        })
    }

    pub(crate) fn id(&self) -> &str {
        &self.id
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StageChangeRow {
    pub(crate) opportunity_id: String,
    stage: String,
    entered_on: String,
}

impl StageChangeRow {
    /// A row of `SELECT opportunity_id, stage, entered_on` read on the bulk path.
    pub(crate) fn from_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            opportunity_id: r.get(0)?,
            stage: r.get(1)?,
            entered_on: r.get(2)?,
        })
    }

    /// The deal's id as stored, and the change.
    pub(crate) fn into_parts(self) -> R<(String, StageChange)> {
        let change = StageChange {
            stage: Stage::parse(&self.stage).map_err(|e| corrupt("stage_changes", "stage", e))?,
            entered_on: day("stage_changes", "entered_on", &self.entered_on)?,
        };
        Ok((self.opportunity_id, change))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ActivityRow {
    id: String,
    ext_key: Option<String>,
    kind: String,
    direction: String,
    ai_assisted: bool,
    account_id: Option<String>,
    contact_id: Option<String>,
    opportunity_id: Option<String>,
    rep_id: Option<String>,
    occurred_at: i64,
    duration_minutes: Option<i64>,
    subject: String,
    body: Option<String>,
}

impl ActivityRow {
    pub(crate) fn into_domain(self) -> R<Activity> {
        const T: &str = "activities";
        Ok(Activity {
            id: id(T, "id", &self.id)?,
            ext_key: self.ext_key.map(ExternalKey::from_stored),
            kind: ActivityKind::parse(&self.kind).map_err(|e| corrupt(T, "kind", e))?,
            direction: Direction::parse(&self.direction).map_err(|e| corrupt(T, "direction", e))?,
            ai_assisted: self.ai_assisted,
            account_id: opt_id(T, "account_id", self.account_id.as_ref())?,
            contact_id: opt_id(T, "contact_id", self.contact_id.as_ref())?,
            opportunity_id: opt_id(T, "opportunity_id", self.opportunity_id.as_ref())?,
            rep_id: opt_id(T, "rep_id", self.rep_id.as_ref())?,
            occurred_at: instant(T, "occurred_at", self.occurred_at)?,
            duration_minutes: self
                .duration_minutes
                .map(|d| u32_of(T, "duration_minutes", d))
                .transpose()?,
            subject: self.subject,
            body: self.body,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OrderRow {
    id: String,
    number: String,
    account_id: String,
    status: String,
    ordered_on: String,
    promised_on: Option<String>,
    delivered_on: Option<String>,
    value_minor: i64,
    currency: String,
    description: String,
}

impl OrderRow {
    pub(crate) fn into_domain(self) -> R<Order> {
        const T: &str = "orders";
        Ok(Order {
            id: id(T, "id", &self.id)?,
            number: self.number,
            account_id: id(T, "account_id", &self.account_id)?,
            status: OrderStatus::parse(&self.status).map_err(|e| corrupt(T, "status", e))?,
            ordered_on: day(T, "ordered_on", &self.ordered_on)?,
            promised_on: opt_day(T, "promised_on", self.promised_on.as_ref())?,
            delivered_on: opt_day(T, "delivered_on", self.delivered_on.as_ref())?,
            value: money(T, Some(self.value_minor), Some(&self.currency))?
                .expect("both parts present"),
            description: self.description,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IssueRow {
    id: String,
    account_id: String,
    kind: String,
    severity: String,
    summary: String,
    opened_on: String,
    closed_on: Option<String>,
}

impl IssueRow {
    pub(crate) fn into_domain(self) -> R<CustomerIssue> {
        const T: &str = "customer_issues";
        Ok(CustomerIssue {
            id: id(T, "id", &self.id)?,
            account_id: id(T, "account_id", &self.account_id)?,
            kind: IssueKind::parse(&self.kind).map_err(|e| corrupt(T, "kind", e))?,
            severity: Severity::parse(&self.severity).map_err(|e| corrupt(T, "severity", e))?,
            summary: self.summary,
            opened_on: day(T, "opened_on", &self.opened_on)?,
            closed_on: opt_day(T, "closed_on", self.closed_on.as_ref())?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TranscriptRow {
    id: String,
    title: String,
    account_id: Option<String>,
    opportunity_id: Option<String>,
    rep_id: Option<String>,
    file_name: String,
    content: String,
    occurred_at: i64,
    uploaded_at: i64,
}

impl TranscriptRow {
    pub(crate) fn into_domain(self) -> R<Transcript> {
        const T: &str = "transcripts";
        Ok(Transcript {
            id: id(T, "id", &self.id)?,
            title: self.title,
            account_id: opt_id(T, "account_id", self.account_id.as_ref())?,
            opportunity_id: opt_id(T, "opportunity_id", self.opportunity_id.as_ref())?,
            rep_id: opt_id(T, "rep_id", self.rep_id.as_ref())?,
            file_name: self.file_name,
            content: self.content,
            occurred_at: instant(T, "occurred_at", self.occurred_at)?,
            uploaded_at: instant(T, "uploaded_at", self.uploaded_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProjectRow {
    id: String,
    title: String,
    client: String,
    industry: String,
    year: i64,
    summary: String,
    capabilities: String,
    value_minor: Option<i64>,
    currency: Option<String>,
}

impl ProjectRow {
    pub(crate) fn into_domain(self) -> R<PortfolioProject> {
        const T: &str = "portfolio_projects";
        Ok(PortfolioProject {
            id: id(T, "id", &self.id)?,
            title: self.title,
            client: self.client,
            industry: self.industry,
            year: u16::try_from(self.year).map_err(|_| corrupt(T, "year", self.year))?,
            summary: self.summary,
            capabilities: serde_json::from_str(&self.capabilities)
                .map_err(|e| corrupt(T, "capabilities", e))?,
            value: money(T, self.value_minor, self.currency.as_ref())?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DraftRow {
    id: String,
    task: String,
    workflow: Option<String>,
    account_id: Option<String>,
    contact_id: Option<String>,
    opportunity_id: Option<String>,
    recipient: Option<String>,
    subject: String,
    body: String,
    original: String,
    engine: String,
    model: Option<String>,
    prompt_fingerprint: Option<String>,
    inputs: String,
    verdict: String,
    structure_only: bool,
    requires_personal_edit: bool,
    status: String,
    requested_by: String,
    created_at: i64,
    updated_at: i64,
    revision: i64,
    version: i64,
    returned_at_revision: Option<i64>,
    review_by: Option<String>,
    review_at: Option<i64>,
    review_note: Option<String>,
    approved_by: Option<String>,
    approved_at: Option<i64>,
    sounds_like_me: Option<bool>,
    reflects_what_mattered: Option<bool>,
    sent_by: Option<String>,
    sent_at: Option<i64>,
    sent_via: Option<String>,
    sent_reference: Option<String>,
    change: Option<String>,
}

impl DraftRow {
    /// The stored record; its state invariants are checked by `DraftState::restore`.
    pub(crate) fn into_domain(self) -> R<Draft> {
        const T: &str = "drafts";
        let review = match (self.review_by, self.review_at) {
            (Some(by), Some(at)) => Some(Review {
                by,
                at: instant(T, "review_at", at)?,
                note: self.review_note.unwrap_or_default(),
            }),
            _ => None,
        };
        let approval = match (self.approved_by, self.approved_at) {
            (Some(reviewer), Some(at)) => Some(Approval {
                reviewer,
                at: instant(T, "approved_at", at)?,
                answers: RelationshipTest {
                    sounds_like_me: self.sounds_like_me.unwrap_or(false),
                    reflects_what_mattered: self.reflects_what_mattered.unwrap_or(false),
                },
            }),
            _ => None,
        };
        let sending = match (self.sent_by, self.sent_at, self.sent_via) {
            (Some(by), Some(at), Some(via)) => Some(Sending {
                by,
                at: instant(T, "sent_at", at)?,
                via: SendVia::parse(&via).map_err(|e| corrupt(T, "sent_via", e))?,
                reference: self.sent_reference,
            }),
            _ => None,
        };
        Ok(Draft {
            id: id(T, "id", &self.id)?,
            task: self.task,
            workflow: self
                .workflow
                .map(|w| Workflow::parse(&w).map_err(|e| corrupt(T, "workflow", e)))
                .transpose()?,
            account_id: opt_id(T, "account_id", self.account_id.as_ref())?,
            contact_id: opt_id(T, "contact_id", self.contact_id.as_ref())?,
            opportunity_id: opt_id(T, "opportunity_id", self.opportunity_id.as_ref())?,
            recipient: self.recipient,
            subject: self.subject,
            body: self.body,
            original: self.original,
            origin: Origin {
                engine: self.engine,
                model: self.model,
                prompt_fingerprint: self.prompt_fingerprint,
                inputs: self
                    .inputs
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            },
            verdict: self.verdict,
            structure_only: self.structure_only,
            requires_personal_edit: self.requires_personal_edit,
            status: DraftStatus::parse(&self.status).map_err(|e| corrupt(T, "status", e))?,
            requested_by: self.requested_by,
            created_at: instant(T, "created_at", self.created_at)?,
            updated_at: instant(T, "updated_at", self.updated_at)?,
            revision: u32_of(T, "revision", self.revision)?,
            version: u32_of(T, "version", self.version)?,
            returned_at_revision: self
                .returned_at_revision
                .map(|r| u32_of(T, "returned_at_revision", r))
                .transpose()?,
            review,
            approval,
            sending,
            change: self
                .change
                .map(|c| serde_json::from_str(&c).map_err(|e| corrupt(T, "change", e)))
                .transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RevisionRow {
    draft_id: String,
    number: i64,
    author: String,
    at: i64,
    subject: String,
    body: String,
}

impl RevisionRow {
    pub(crate) fn into_domain(self) -> R<Revision> {
        const T: &str = "draft_revisions";
        Ok(Revision {
            draft_id: id(T, "draft_id", &self.draft_id)?,
            number: u32_of(T, "number", self.number)?,
            author: self.author,
            at: instant(T, "at", self.at)?,
            subject: self.subject,
            body: self.body,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WorkflowUseRow {
    draft_id: String,
    workflow: String,
    used_by: String,
    account_id: Option<String>,
    at: i64,
    minutes_saved: i64,
    hourly_cost_minor: i64,
    currency: String,
}

impl WorkflowUseRow {
    pub(crate) fn into_domain(self) -> R<WorkflowUse> {
        const T: &str = "workflow_uses";
        Ok(WorkflowUse {
            draft_id: id(T, "draft_id", &self.draft_id)?,
            workflow: Workflow::parse(&self.workflow).map_err(|e| corrupt(T, "workflow", e))?,
            used_by: self.used_by,
            account_id: opt_id(T, "account_id", self.account_id.as_ref())?,
            at: instant(T, "at", self.at)?,
            minutes_saved: u32_of(T, "minutes_saved", self.minutes_saved)?,
            hourly_cost: money(T, Some(self.hourly_cost_minor), Some(&self.currency))?
                .ok_or_else(|| corrupt(T, "hourly_cost_minor", "missing"))?,
        })
    }
}
