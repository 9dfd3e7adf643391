//! The records roomwork keeps: accounts, contacts, reps, leads, opportunities, activities,
//! orders, customer issues, meeting transcripts and portfolio projects.
//!
//! Records that can come from a CRM export carry an optional [`ExternalKey`] so that importing
//! the same export twice updates them. Enumerations parse the spellings CRMs use ("Check-in",
//! "check_in", "CHECK IN") through one `parse` per type, and are stored by `as_str`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::{
    AccountId, ActivityId, ContactId, Email, ExternalKey, IssueId, LeadId, Money, OpportunityId,
    OrderId, ParseError, ProjectId, RepId, Stage, Tier, TranscriptId,
};

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored spelling (snake_case).
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored spelling or a common CRM spelling, ignoring case, spaces,
            /// hyphens and underscores.
            pub fn parse(input: &str) -> Result<Self, ParseError> {
                let folded: String = input.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
                $(
                    if folded == $text.replace('_', "") $(|| folded == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err(ParseError::new($what, input, format!(
                    "expected one of: {}",
                    [$($text),+].join(", ")
                )))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// The health of an account relationship. `AtRisk` switches on the relationship-protection
    /// rules: AI does not draft for such an account.
    Health, "account health" {
        /// Nothing unusual.
        Healthy = "healthy" | "ok" | "good" | "green",
        /// Worth watching: an open issue or declining orders.
        Watch = "watch" | "amber" | "yellow" | "monitor",
        /// The relationship is at risk.
        AtRisk = "at_risk" | "red" | "risk" | "atrisk",
    }
);

text_enum!(
    /// The six drafting workflows of the Sales Project (seed 000).
    Workflow, "workflow" {
        /// Account health summary before a key call.
        PreCallBriefing = "pre_call_briefing" | "briefing" | "precall",
        /// Follow-up email and next-step communication after a call.
        FollowUpEmail = "follow_up_email" | "followup" | "email",
        /// The weekly pipeline report.
        PipelineReport = "pipeline_report" | "pipeline",
        /// Prospect research synthesis.
        ProspectProfile = "prospect_profile" | "prospect",
        /// RFQ response and quotation narrative.
        QuotationNarrative = "quotation_narrative" | "quotation" | "rfq",
        /// CRM update and activity logging from meeting notes.
        CrmUpdate = "crm_update" | "crm",
    }
);

impl Workflow {
    /// The name a person reads.
    pub fn label(&self) -> &'static str {
        match self {
            Workflow::PreCallBriefing => "Pre-call briefing",
            Workflow::FollowUpEmail => "Follow-up email",
            Workflow::PipelineReport => "Weekly pipeline report",
            Workflow::ProspectProfile => "Prospect profile",
            Workflow::QuotationNarrative => "Quotation narrative",
            Workflow::CrmUpdate => "CRM update from notes",
        }
    }
}

text_enum!(
    /// The part a contact plays in buying.
    ContactRole, "contact role" {
        /// Signs off on the purchase.
        DecisionMaker = "decision_maker" | "economicbuyer" | "dm" | "approver",
        /// Sells for us inside the account.
        Champion = "champion" | "sponsor",
        /// Shapes the decision without owning it.
        Influencer = "influencer",
        /// Evaluates the technical fit.
        Technical = "technical" | "technicalbuyer" | "evaluator" | "engineer",
        /// Buys: purchasing, procurement.
        Procurement = "procurement" | "purchasing" | "buyer",
        /// Uses what we sell.
        User = "user" | "enduser",
        /// None of the above, or unknown.
        Other = "other" | "unknown",
    }
);

text_enum!(
    /// How a deal is counted in the forecast.
    ForecastCategory, "forecast category" {
        /// Early; not counted.
        Pipeline = "pipeline",
        /// Could close this period.
        BestCase = "best_case" | "upside",
        /// The rep commits to it.
        Commit = "commit" | "forecast" | "mostlikely",
        /// Closed (won).
        Closed = "closed" | "closedwon",
        /// Left out of the forecast (lost, or excluded).
        Omitted = "omitted" | "omit" | "closedlost",
    }
);

text_enum!(
    /// The kind of an activity. Calls, visits, meetings and check-ins are room work (time with
    /// the customer); e-mails and notes are screen work.
    ActivityKind, "activity kind" {
        /// A phone or video call.
        Call = "call" | "phonecall" | "phone",
        /// An on-site visit.
        Visit = "visit" | "sitevisit" | "onsite",
        /// A scheduled meeting.
        Meeting = "meeting" | "event" | "video" | "videocall",
        /// A short relationship check-in.
        CheckIn = "check_in" | "checkin",
        /// An e-mail.
        Email = "email" | "mail" | "listemail",
        /// A note or task with no customer contact.
        Note = "note" | "task" | "todo" | "other",
    }
);

impl ActivityKind {
    /// True for the kinds that put the account manager with the customer.
    pub fn is_touchpoint(&self) -> bool {
        matches!(
            self,
            ActivityKind::Call
                | ActivityKind::Visit
                | ActivityKind::Meeting
                | ActivityKind::CheckIn
        )
    }
}

text_enum!(
    /// Which way an activity went.
    Direction, "direction" {
        /// From the customer to us.
        Inbound = "inbound" | "in" | "incoming",
        /// From us to the customer.
        Outbound = "outbound" | "out" | "outgoing",
    }
);

text_enum!(
    /// Where an order stands.
    OrderStatus, "order status" {
        /// Received, not yet confirmed.
        Open = "open" | "new" | "received",
        /// Confirmed with a promised date.
        Confirmed = "confirmed" | "accepted",
        /// Waiting for stock; the customer has been or must be told.
        BackOrdered = "back_ordered" | "backorder",
        /// Left our warehouse.
        Shipped = "shipped" | "dispatched",
        /// With the customer.
        Delivered = "delivered" | "complete" | "completed",
        /// Cancelled.
        Cancelled = "cancelled" | "canceled",
    }
);

text_enum!(
    /// What kind of problem a customer issue is.
    IssueKind, "issue kind" {
        /// The customer complained.
        Complaint = "complaint",
        /// We failed to deliver the service or product as promised.
        ServiceFailure = "service_failure" | "failure" | "incident",
    }
);

text_enum!(
    /// How bad a customer issue is.
    Severity, "severity" {
        /// Minor.
        Low = "low" | "minor",
        /// Noticeable.
        Medium = "medium" | "moderate" | "normal",
        /// Serious.
        High = "high" | "major",
        /// Threatens the relationship.
        Critical = "critical" | "urgent" | "severe",
    }
);

/// A customer company.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Account {
    /// Identity.
    pub id: AccountId,
    /// Where the record came from, for re-imports.
    pub ext_key: Option<ExternalKey>,
    /// Company name.
    pub name: String,
    /// Tier, when assigned.
    pub tier: Option<Tier>,
    /// Relationship health.
    pub health: Health,
    /// Why the account is at risk or watched.
    pub health_reason: Option<String>,
    /// Industry as the CRM writes it.
    pub industry: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Headcount.
    pub employees: Option<u32>,
    /// Annual revenue.
    pub annual_revenue: Option<Money>,
    /// The account manager.
    pub owner: Option<RepId>,
    /// Web domain, used to match contacts and spot duplicates.
    pub domain: Option<String>,
    /// When the record was created in the source system.
    pub created_at: DateTime<Utc>,
}

impl Account {
    /// A company known so far only by name (and perhaps a source key): healthy, no tier,
    /// nothing else filled in.
    pub fn named(name: String, ext_key: Option<ExternalKey>, created_at: DateTime<Utc>) -> Self {
        Account {
            id: AccountId::new(),
            ext_key,
            name,
            tier: None,
            health: Health::Healthy,
            health_reason: None,
            industry: None,
            country: None,
            employees: None,
            annual_revenue: None,
            owner: None,
            domain: None,
            created_at,
        }
    }
}

/// A person at an account.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Contact {
    /// Identity.
    pub id: ContactId,
    /// Where the record came from.
    pub ext_key: Option<ExternalKey>,
    /// The account the contact works at.
    pub account_id: Option<AccountId>,
    /// Full name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Buying role.
    pub role: ContactRole,
    /// E-mail.
    pub email: Option<Email>,
    /// Phone as written.
    pub phone: Option<String>,
    /// Created in the source system.
    pub created_at: DateTime<Utc>,
}

/// An account manager.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Rep {
    /// Identity.
    pub id: RepId,
    /// Full name, as CRMs write the owner.
    pub name: String,
    /// E-mail.
    pub email: Option<Email>,
    /// Territory, e.g. "West".
    pub territory: Option<String>,
    /// Segment, e.g. "enterprise" or "mid-market".
    pub segment: Option<String>,
    /// How many new leads the rep can take per week.
    pub weekly_lead_capacity: u32,
    /// False while away; routing skips inactive reps.
    pub active: bool,
}

/// What a lead did before a person spoke to it; a count not given is 0.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadBehaviour {
    /// Web pages viewed.
    pub pages_viewed: u32,
    /// Forms submitted.
    pub form_submissions: u32,
    /// Marketing e-mails opened.
    pub email_opens: u32,
    /// Links clicked in e-mails.
    pub email_clicks: u32,
}

/// Whether a lead converted, and when.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct LeadOutcome {
    /// Became an opportunity or customer.
    pub converted: bool,
    /// When the outcome was known.
    pub date: NaiveDate,
}

/// A prospective buyer not yet qualified.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Lead {
    /// Identity.
    pub id: LeadId,
    /// Where the record came from.
    pub ext_key: Option<ExternalKey>,
    /// Person's name.
    pub name: String,
    /// Job title as typed.
    pub title: Option<String>,
    /// Company name.
    pub company: Option<String>,
    /// Company headcount.
    pub company_size: Option<u32>,
    /// Industry.
    pub industry: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// State, province or region, as the form or CRM gives it.
    pub region: Option<String>,
    /// Lead source ("Web form", "Trade show", ...).
    pub source: Option<String>,
    /// E-mail.
    pub email: Option<Email>,
    /// Engagement before contact.
    pub behaviour: LeadBehaviour,
    /// Conversion, once known.
    pub outcome: Option<LeadOutcome>,
    /// Assigned rep.
    pub owner: Option<RepId>,
    /// When the lead arrived.
    pub created_at: DateTime<Utc>,
}

/// One entry in a deal's stage history.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct StageChange {
    /// The stage entered.
    pub stage: Stage,
    /// The day it was entered.
    pub entered_on: NaiveDate,
}

/// A deal.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Opportunity {
    /// Identity.
    pub id: OpportunityId,
    /// Where the record came from.
    pub ext_key: Option<ExternalKey>,
    /// Deal name.
    pub name: String,
    /// The customer.
    pub account_id: Option<AccountId>,
    /// The rep who owns it.
    pub owner: Option<RepId>,
    /// Current stage.
    pub stage: Stage,
    /// Value.
    pub amount: Option<Money>,
    /// Expected (or actual) close date.
    pub close_date: Option<NaiveDate>,
    /// Next step as typed by the rep.
    pub next_step: Option<String>,
    /// When the next step is due.
    pub next_step_date: Option<NaiveDate>,
    /// Day the deal was created.
    pub created_on: NaiveDate,
    /// Forecast category.
    pub forecast_category: Option<ForecastCategory>,
    /// Stages entered, oldest first. The last entry is the current stage.
    pub stage_history: Vec<StageChange>,
}

/// A change to one of a deal's tracked fields, with the day it was made: the deal's field
/// history (what Salesforce calls Opportunity Field History). Stage moves have their own
/// history ([`StageChange`]); these are the other fields a forecast depends on. An import
/// records one whenever a re-imported deal's close date, amount or forecast category differs
/// from the stored one; an approved CRM update records the close date it moves.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct FieldEdit {
    /// The deal.
    pub opportunity_id: OpportunityId,
    /// The day the change was made (or first seen).
    pub changed_on: NaiveDate,
    /// The field and its values before and after.
    pub change: DealFieldChange,
}

/// Which field changed, from what, to what.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum DealFieldChange {
    /// The expected close date moved.
    CloseDate {
        /// Before.
        from: Option<NaiveDate>,
        /// After.
        to: Option<NaiveDate>,
    },
    /// The amount changed.
    Amount {
        /// Before.
        from: Option<Money>,
        /// After.
        to: Option<Money>,
    },
    /// The forecast category changed.
    ForecastCategory {
        /// Before.
        from: Option<ForecastCategory>,
        /// After.
        to: Option<ForecastCategory>,
    },
}

impl DealFieldChange {
    /// The field's stored name: `close_date`, `amount` or `forecast_category`.
    pub fn field(&self) -> &'static str {
        match self {
            DealFieldChange::CloseDate { .. } => "close_date",
            DealFieldChange::Amount { .. } => "amount",
            DealFieldChange::ForecastCategory { .. } => "forecast_category",
        }
    }

    /// True when a close date moved later (a push). Setting a first close date is not a push.
    pub fn is_push(&self) -> bool {
        matches!(self, DealFieldChange::CloseDate { from: Some(a), to: Some(b) } if b > a)
    }

    /// True when the amount went down in the same currency.
    pub fn is_reduction(&self) -> bool {
        matches!(self, DealFieldChange::Amount { from: Some(a), to: Some(b) }
            if a.currency() == b.currency() && b.minor() < a.minor())
    }

    /// The before and after values as stored text (`""` for none): dates ISO, money as
    /// `"<minor units> <currency>"`, categories by their stored spelling.
    pub fn values(&self) -> (String, String) {
        fn date(d: &Option<NaiveDate>) -> String {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        }
        fn money(m: &Option<Money>) -> String {
            m.map(|m| format!("{} {}", m.minor(), m.currency().code()))
                .unwrap_or_default()
        }
        fn cat(c: &Option<ForecastCategory>) -> String {
            c.map(|c| c.as_str().to_string()).unwrap_or_default()
        }
        match self {
            DealFieldChange::CloseDate { from, to } => (date(from), date(to)),
            DealFieldChange::Amount { from, to } => (money(from), money(to)),
            DealFieldChange::ForecastCategory { from, to } => (cat(from), cat(to)),
        }
    }

    /// Reads a change back from [`DealFieldChange::field`] and [`DealFieldChange::values`].
    pub fn parse(field: &str, from: &str, to: &str) -> Result<Self, ParseError> {
        fn date(s: &str) -> Result<Option<NaiveDate>, ParseError> {
            if s.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ParseError::new("close date", s, "expected YYYY-MM-DD"))
        }
        fn money(s: &str) -> Result<Option<Money>, ParseError> {
            if s.is_empty() {
                return Ok(None);
            }
            let (minor, code) = s.split_once(' ').ok_or_else(|| {
                ParseError::new("amount", s, "expected \"<minor units> <currency>\"")
            })?;
            let minor: i64 = minor
                .parse()
                .map_err(|_| ParseError::new("amount", s, "minor units are not a whole number"))?;
            Ok(Some(Money::from_minor(
                minor,
                crate::Currency::parse(code)?,
            )))
        }
        fn cat(s: &str) -> Result<Option<ForecastCategory>, ParseError> {
            if s.is_empty() {
                Ok(None)
            } else {
                ForecastCategory::parse(s).map(Some)
            }
        }
        Ok(match field {
            "close_date" => DealFieldChange::CloseDate {
                from: date(from)?,
                to: date(to)?,
            },
            "amount" => DealFieldChange::Amount {
                from: money(from)?,
                to: money(to)?,
            },
            "forecast_category" => DealFieldChange::ForecastCategory {
                from: cat(from)?,
                to: cat(to)?,
            },
            other => {
                return Err(ParseError::new(
                    "deal field",
                    other,
                    "expected close_date, amount or forecast_category",
                ));
            }
        })
    }
}

impl FieldEdit {
    /// The tracked fields that differ between a stored deal and its new version, as changes
    /// made on `on`.
    pub fn between(before: &Opportunity, after: &Opportunity, on: NaiveDate) -> Vec<FieldEdit> {
        let mut out = Vec::new();
        let mut push = |change| {
            out.push(FieldEdit {
                opportunity_id: after.id,
                changed_on: on,
                change,
            })
        };
        if before.close_date != after.close_date {
            push(DealFieldChange::CloseDate {
                from: before.close_date,
                to: after.close_date,
            });
        }
        if before.amount != after.amount {
            push(DealFieldChange::Amount {
                from: before.amount,
                to: after.amount,
            });
        }
        if before.forecast_category != after.forecast_category {
            push(DealFieldChange::ForecastCategory {
                from: before.forecast_category,
                to: after.forecast_category,
            });
        }
        out
    }
}

/// One open deal as a pipeline snapshot keeps it: the fields a week-over-week comparison and
/// a forecast need, and the win probability it had that day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealSnapshot {
    /// The deal.
    pub opportunity_id: OpportunityId,
    /// Its owner.
    pub owner: Option<RepId>,
    /// Its stage.
    pub stage: Stage,
    /// Its amount.
    pub amount: Option<Money>,
    /// Its expected close date.
    pub close_date: Option<NaiveDate>,
    /// Its forecast category.
    pub forecast_category: Option<ForecastCategory>,
    /// Its win probability on that day.
    pub probability: f64,
}

/// Something a rep did with or for a customer.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Activity {
    /// Identity.
    pub id: ActivityId,
    /// Where the record came from.
    pub ext_key: Option<ExternalKey>,
    /// Call, visit, meeting, check-in, e-mail or note.
    pub kind: ActivityKind,
    /// Inbound or outbound.
    pub direction: Direction,
    /// True when an AI drafted or assisted it.
    pub ai_assisted: bool,
    /// The account.
    pub account_id: Option<AccountId>,
    /// The contact.
    pub contact_id: Option<ContactId>,
    /// The deal.
    pub opportunity_id: Option<OpportunityId>,
    /// Who did it.
    pub rep_id: Option<RepId>,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// How long it took.
    pub duration_minutes: Option<u32>,
    /// One-line subject.
    pub subject: String,
    /// Notes or body.
    pub body: Option<String>,
}

/// A customer order.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Order {
    /// Identity.
    pub id: OrderId,
    /// Order number in the ERP, e.g. "SO-20931".
    pub number: String,
    /// The customer.
    pub account_id: AccountId,
    /// Where it stands.
    pub status: OrderStatus,
    /// Ordered on.
    pub ordered_on: NaiveDate,
    /// Promised delivery.
    pub promised_on: Option<NaiveDate>,
    /// Delivered on.
    pub delivered_on: Option<NaiveDate>,
    /// Value.
    pub value: Money,
    /// What was ordered.
    pub description: String,
}

/// A complaint or service failure.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct CustomerIssue {
    /// Identity.
    pub id: IssueId,
    /// The customer.
    pub account_id: AccountId,
    /// Complaint or service failure.
    pub kind: IssueKind,
    /// How bad.
    pub severity: Severity,
    /// What happened.
    pub summary: String,
    /// Opened on.
    pub opened_on: NaiveDate,
    /// Closed on; `None` while open.
    pub closed_on: Option<NaiveDate>,
}

impl CustomerIssue {
    /// True while the issue has no close date.
    pub fn is_open(&self) -> bool {
        self.closed_on.is_none()
    }
}

/// A call transcript, stored exactly as uploaded; parsing happens later (meeting intelligence).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Transcript {
    /// Identity.
    pub id: TranscriptId,
    /// Title, e.g. "Discovery call: Meridian Foods".
    pub title: String,
    /// The account.
    pub account_id: Option<AccountId>,
    /// The deal discussed.
    pub opportunity_id: Option<OpportunityId>,
    /// The rep on the call.
    pub rep_id: Option<RepId>,
    /// File name as uploaded (its extension hints the format).
    pub file_name: String,
    /// Raw content.
    pub content: String,
    /// When the call took place.
    pub occurred_at: DateTime<Utc>,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// One speaker's turn in a call transcript, parsed from whatever format it came in. Times are
/// seconds from the start of the recording (not money, not dates: a float is right here).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Turn {
    /// The speaker as the transcript labels them ("Dana Singh", "Speaker 1").
    pub speaker: String,
    /// Start, seconds.
    pub start: f64,
    /// End, seconds (at least the start).
    pub end: f64,
    /// What was said.
    pub text: String,
}

/// A past project cited in quotations.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct PortfolioProject {
    /// Identity.
    pub id: ProjectId,
    /// Title.
    pub title: String,
    /// Client name as it may be cited.
    pub client: String,
    /// Industry.
    pub industry: String,
    /// Year completed.
    pub year: u16,
    /// What was done and what it achieved.
    pub summary: String,
    /// Capabilities shown, in the company's vocabulary.
    pub capabilities: Vec<String>,
    /// Contract value.
    pub value: Option<Money>,
}

/// Two account records found to be one company: every record that points at `from` is
/// re-pointed at `into`, and `from` is removed, in the batch's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMerge {
    /// The account that goes away (a stub created from a name reference).
    pub from: AccountId,
    /// The account that stays.
    pub into: AccountId,
}

/// Records that are written together, in one transaction.
#[derive(Clone, Default, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Reps.
    pub reps: Vec<Rep>,
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Leads.
    pub leads: Vec<Lead>,
    /// Opportunities with their stage history.
    pub opportunities: Vec<Opportunity>,
    /// Changes to deals' close dates, amounts and forecast categories (appended; an
    /// identical change on the same day is kept once). Written after the deals.
    pub field_edits: Vec<FieldEdit>,
    /// Activities.
    pub activities: Vec<Activity>,
    /// Orders.
    pub orders: Vec<Order>,
    /// Customer issues.
    pub issues: Vec<CustomerIssue>,
    /// Transcripts.
    pub transcripts: Vec<Transcript>,
    /// Portfolio projects.
    pub projects: Vec<PortfolioProject>,
    /// Accounts to fold into others, applied after the records above are written.
    pub account_merges: Vec<AccountMerge>,
}

impl Batch {
    /// Total number of records.
    pub fn len(&self) -> usize {
        self.reps.len()
            + self.accounts.len()
            + self.contacts.len()
            + self.leads.len()
            + self.opportunities.len()
            + self.field_edits.len()
            + self.activities.len()
            + self.orders.len()
            + self.issues.len()
            + self.transcripts.len()
            + self.projects.len()
            + self.account_merges.len()
    }

    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_crm_spellings() {
        assert_eq!(
            ActivityKind::parse("Check-in").unwrap(),
            ActivityKind::CheckIn
        );
        assert_eq!(
            ActivityKind::parse("CHECK_IN").unwrap(),
            ActivityKind::CheckIn
        );
        assert_eq!(ActivityKind::parse("Task").unwrap(), ActivityKind::Note);
        assert_eq!(
            ForecastCategory::parse("Best Case").unwrap(),
            ForecastCategory::BestCase
        );
        assert_eq!(
            OrderStatus::parse("Back-ordered").unwrap(),
            OrderStatus::BackOrdered
        );
        assert_eq!(Health::parse("At Risk").unwrap(), Health::AtRisk);
        let err = Severity::parse("apocalyptic").unwrap_err();
        assert!(err.reason.contains("low, medium, high, critical"), "{err}");
    }

    #[test]
    fn every_stored_spelling_parses_back() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()).unwrap(), *k);
        }
        for k in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(k.as_str()).unwrap(), *k);
        }
        for k in ContactRole::ALL {
            assert_eq!(ContactRole::parse(k.as_str()).unwrap(), *k);
        }
    }

    #[test]
    fn field_changes_round_trip_through_their_stored_text() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let cases = [
            DealFieldChange::CloseDate {
                from: Some(d("2026-03-01")),
                to: Some(d("2026-04-15")),
            },
            DealFieldChange::CloseDate {
                from: None,
                to: Some(d("2026-04-15")),
            },
            DealFieldChange::Amount {
                from: Some(Money::from_minor(1_250_000, crate::Currency::USD)),
                to: Some(Money::from_minor(990_000, crate::Currency::USD)),
            },
            DealFieldChange::ForecastCategory {
                from: Some(ForecastCategory::BestCase),
                to: Some(ForecastCategory::Commit),
            },
            DealFieldChange::ForecastCategory {
                from: Some(ForecastCategory::Commit),
                to: None,
            },
        ];
        for c in cases {
            let (from, to) = c.values();
            assert_eq!(DealFieldChange::parse(c.field(), &from, &to).unwrap(), c);
        }
        assert!(DealFieldChange::parse("stage", "", "").is_err());
        assert!(DealFieldChange::parse("amount", "12.5 USD", "").is_err());
    }

    #[test]
    fn a_push_moves_a_close_date_later_and_a_reduction_lowers_the_amount() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(
            DealFieldChange::CloseDate {
                from: Some(d("2026-03-01")),
                to: Some(d("2026-03-02"))
            }
            .is_push()
        );
        assert!(
            !DealFieldChange::CloseDate {
                from: Some(d("2026-03-02")),
                to: Some(d("2026-03-01"))
            }
            .is_push()
        );
        assert!(
            !DealFieldChange::CloseDate {
                from: None,
                to: Some(d("2026-03-01"))
            }
            .is_push()
        );
        let usd = |m| Some(Money::from_minor(m, crate::Currency::USD));
        let eur = |m| Some(Money::from_minor(m, crate::Currency::EUR));
        assert!(
            DealFieldChange::Amount {
                from: usd(100),
                to: usd(90)
            }
            .is_reduction()
        );
        assert!(
            !DealFieldChange::Amount {
                from: usd(100),
                to: eur(90)
            }
            .is_reduction()
        );
        assert!(
            !DealFieldChange::Amount {
                from: usd(100),
                to: usd(110)
            }
            .is_reduction()
        );
    }

    #[test]
    fn only_customer_facing_activities_are_touchpoints() {
        assert!(ActivityKind::Visit.is_touchpoint());
        assert!(!ActivityKind::Email.is_touchpoint());
    }
}
