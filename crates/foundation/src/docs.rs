//! The six documents as typed data.
//!
//! Each struct is what one TOML file in `<data dir>/foundation/` deserializes into. Unknown
//! keys are errors (`deny_unknown_fields`), so that a misspelt key is reported with its line
//! instead of being silently ignored. Values that carry domain meaning (tiers, money, stages)
//! stay strings here and are parsed by `validate`, which knows the file and the line.

use serde::{Deserialize, Serialize};

/// 1. Customer communication standards by tier (`communication.toml`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunicationStandards {
    /// Rules for every tier.
    #[serde(default)]
    pub general: GeneralStyle,
    /// One entry per tier.
    #[serde(default, rename = "tier")]
    pub tiers: Vec<TierStyle>,
}

/// Phrases and habits that hold for every customer.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneralStyle {
    /// Phrases the company uses.
    #[serde(default, rename = "use")]
    pub use_phrases: Vec<String>,
    /// Phrases the company never uses with customers.
    #[serde(default)]
    pub avoid: Vec<String>,
    /// Preferred spelling or wording: `{ "e-mail" = "email" }`.
    #[serde(default)]
    pub replace: std::collections::BTreeMap<String, String>,
}

/// How the company writes to one tier.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierStyle {
    /// The tier slug, as defined in `tiers.toml`.
    pub tier: String,
    /// The relationship tone in a sentence.
    pub tone: String,
    /// How formal.
    pub formality: Formality,
    /// Opening line; `{first_name}`, `{last_name}` and `{title}` are filled in.
    pub greeting: String,
    /// Closing line before the signature.
    pub sign_off: String,
    /// Words that belong in this relationship.
    #[serde(default)]
    pub vocabulary: Vec<String>,
    /// Phrases used with this tier.
    #[serde(default, rename = "use")]
    pub use_phrases: Vec<String>,
    /// Phrases avoided with this tier.
    #[serde(default)]
    pub avoid: Vec<String>,
    /// Longest customer email, in words.
    #[serde(default = "default_max_words")]
    pub max_words: u32,
    /// Whether the account manager must add or change something before a delegated
    /// communication to this tier can be approved (the relationship-specific sentence).
    #[serde(default)]
    pub personal_sentence_required: bool,
}

fn default_max_words() -> u32 {
    220
}

/// How formal a tier's communication is, most formal first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Formality {
    /// Full titles, no contractions.
    Formal,
    /// Business register, first names once invited.
    Professional,
    /// First names, warm, still precise.
    Warm,
    /// Short and informal.
    Casual,
}

/// 2. Account tier definitions (`tiers.toml`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierDefinitions {
    /// The tier an account gets when no rule matches.
    pub default_tier: String,
    /// Tiers, the top tier first.
    #[serde(default, rename = "tier")]
    pub tiers: Vec<TierDef>,
    /// Assignment rules, tried in order; the first whose conditions all hold wins.
    #[serde(default, rename = "rule")]
    pub rules: Vec<TierRule>,
}

/// One tier.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierDef {
    /// Slug (lowercase letters, digits, `-`, `_`), e.g. `strategic`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// What revenue puts an account here.
    pub revenue: String,
    /// Why these accounts matter beyond revenue.
    pub strategic_importance: String,
    /// How deep the relationship is.
    pub relationship_depth: String,
    /// The communication convention for this tier.
    pub convention: String,
}

/// Conditions that put an account in a tier. All present conditions must hold.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRule {
    /// The tier this rule assigns.
    pub tier: String,
    /// What was ordered from us in the last 12 months, at least (money, e.g. "$500,000").
    #[serde(default)]
    pub orders_last_12_months_at_least: Option<String>,
    /// The customer's own annual revenue, at least.
    #[serde(default)]
    pub annual_revenue_at_least: Option<String>,
    /// Headcount, at least.
    #[serde(default)]
    pub employees_at_least: Option<u32>,
    /// Open pipeline with us, at least.
    #[serde(default)]
    pub open_pipeline_at_least: Option<String>,
    /// Industry is one of these (case-insensitive).
    #[serde(default)]
    pub industries: Vec<String>,
    /// Accounts named here always get this tier (case-insensitive).
    #[serde(default)]
    pub accounts: Vec<String>,
}

/// 3. Call briefing format guide (`briefing.toml`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefingGuide {
    /// One entry per call type.
    #[serde(default, rename = "call_type")]
    pub call_types: Vec<CallType>,
}

/// The briefing for one kind of call.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallType {
    /// One of `routine-account-call`, `strategic-review`, `new-opportunity`,
    /// `complaint-resolution`, or a call type of the company's own.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// How deep the briefing goes.
    pub depth: Depth,
    /// Longest briefing, in words.
    pub max_words: u32,
    /// How many months of history to cover.
    #[serde(default = "default_lookback")]
    pub lookback_months: u32,
    /// Sections in order.
    #[serde(rename = "section")]
    pub sections: Vec<BriefingSection>,
}

fn default_lookback() -> u32 {
    6
}

/// How much a briefing covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    /// A few lines per section.
    Short,
    /// The usual half page.
    Standard,
    /// Everything relevant.
    Deep,
}

/// One section of a briefing.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefingSection {
    /// Heading.
    pub title: String,
    /// What the section is built from.
    pub covers: Covers,
    /// What the writer should put in it.
    #[serde(default)]
    pub guidance: String,
    /// Most items listed.
    #[serde(default)]
    pub max_items: Option<u32>,
}

/// The data a briefing section draws on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Covers {
    /// Tier, health, owner, revenue, how long a customer.
    AccountSnapshot,
    /// Recent orders, back-orders first.
    RecentOrders,
    /// Open complaints and service failures.
    OpenIssues,
    /// The last meeting or call notes.
    LastConversation,
    /// Open deals and where they stand.
    OpenOpportunities,
    /// Who is who at the account.
    Contacts,
    /// What we promised and what they promised.
    Commitments,
    /// Risks to the relationship or the deal.
    Risks,
    /// The objectives for this call (the account manager fills them in).
    Objectives,
    /// Questions to ask.
    Questions,
}

/// 4. Pipeline format standards and stage definitions (`pipeline.toml`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineStandards {
    /// Days in one stage after which a deal counts as stalled, unless its stage says otherwise.
    #[serde(default = "default_stalled")]
    pub stalled_after_days: u32,
    /// Competitors to track, as the team names them.
    #[serde(default)]
    pub competitors: Vec<String>,
    /// Stages in funnel order.
    #[serde(default, rename = "stage")]
    pub stages: Vec<StageStandard>,
    /// Action-required conventions.
    #[serde(default, rename = "action")]
    pub actions: Vec<ActionConvention>,
    /// Win/loss classification.
    #[serde(default)]
    pub win_loss: WinLoss,
    /// Sections of the weekly report, in order.
    #[serde(default)]
    pub report_sections: Vec<String>,
}

fn default_stalled() -> u32 {
    14
}

/// One stage of the funnel.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageStandard {
    /// Canonical name.
    pub name: String,
    /// `open`, `won` or `lost`.
    #[serde(default = "default_outcome")]
    pub outcome: String,
    /// Days a deal is expected to spend here (defaults to `stalled_after_days`).
    #[serde(default)]
    pub expected_days: Option<u32>,
    /// Win probability a deal in this stage carries before anything else is known (percent).
    #[serde(default)]
    pub probability: Option<u32>,
    /// What must be true to enter.
    #[serde(default)]
    pub entry: String,
    /// What must be true to leave for the next stage.
    #[serde(default)]
    pub exit: String,
    /// Other spellings found in CRM exports.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What meeting notes say when the entry criterion is met ("walked the pump house"):
    /// phrases the CRM update reads along with the aliases; "budget + signs" needs both
    /// words in one line.
    #[serde(default)]
    pub evidence: Vec<String>,
}

fn default_outcome() -> String {
    "open".into()
}

/// What the report says must happen when a condition holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionConvention {
    /// The condition.
    pub when: ActionWhen,
    /// The action required, as the report writes it.
    pub action: String,
    /// Who acts: `owner` or `director`.
    #[serde(default = "default_who")]
    pub who: String,
}

fn default_who() -> String {
    "owner".into()
}

/// Conditions an action convention can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionWhen {
    /// Longer in its stage than expected.
    Stalled,
    /// The close date is in the past and the deal is open.
    CloseDatePassed,
    /// No next step recorded.
    NoNextStep,
    /// The next step's date has passed.
    NextStepOverdue,
    /// Closing within the reporting window.
    ClosingSoon,
    /// The close date moved out more than once.
    Slipping,
    /// The account is at risk.
    AccountAtRisk,
}

/// How won and lost deals are classified.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinLoss {
    /// What counts as won.
    #[serde(default)]
    pub won_when: String,
    /// What counts as lost.
    #[serde(default)]
    pub lost_when: String,
    /// Loss reasons a rep chooses from.
    #[serde(default)]
    pub loss_reasons: Vec<String>,
}

/// 5. Capabilities vocabulary guide and proposal format (`capabilities.toml`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilitiesGuide {
    /// The company's name as it signs proposals.
    pub company: String,
    /// What the company does, in its own words.
    pub description: String,
    /// What makes it different.
    #[serde(default)]
    pub differentiators: Vec<String>,
    /// Capabilities, in the words the company uses.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Sector terms and what they mean.
    #[serde(default, rename = "term")]
    pub terms: Vec<SectorTerm>,
    /// Phrases to use.
    #[serde(default, rename = "use")]
    pub use_phrases: Vec<String>,
    /// Phrases to avoid (generic business-development language).
    #[serde(default)]
    pub avoid: Vec<String>,
    /// The proposal format.
    #[serde(default)]
    pub proposal: ProposalFormat,
}

/// A sector term.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectorTerm {
    /// The term.
    pub term: String,
    /// What it means, for a reader new to the sector.
    pub meaning: String,
}

/// How a proposal or quotation narrative is laid out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalFormat {
    /// Sections in order.
    #[serde(default, rename = "section")]
    pub sections: Vec<ProposalSection>,
    /// Past projects cited, at most.
    #[serde(default = "default_references")]
    pub max_references: u32,
}

fn default_references() -> u32 {
    3
}

/// One proposal section.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalSection {
    /// Heading.
    pub title: String,
    /// What goes in it.
    #[serde(default)]
    pub guidance: String,
    /// Whether this is a passage where the account manager's judgement is the
    /// differentiator: on a strategic proposal AI leaves it marked for the account manager
    /// to write, and approval is refused while it is empty (protection rule 3).
    #[serde(default)]
    pub judgement: bool,
}

/// 6. CRM update format and field definitions (`crm.toml`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmFormat {
    /// Fields of an opportunity update.
    #[serde(default, rename = "field")]
    pub fields: Vec<CrmField>,
    /// Next-step categories.
    #[serde(default, rename = "next_step")]
    pub next_steps: Vec<NextStepCategory>,
    /// Minutes each workflow saves per use, and the hourly cost.
    #[serde(default)]
    pub time_saved: TimeSaved,
}

/// One CRM field.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmField {
    /// Field name as the CRM shows it.
    pub name: String,
    /// Value type.
    pub kind: FieldKind,
    /// What it means and how it is filled.
    pub definition: String,
    /// Whether an update must set it.
    #[serde(default)]
    pub required: bool,
    /// For `choice` fields, the allowed values.
    #[serde(default)]
    pub values: Vec<String>,
    /// Whether roomwork may fill it directly (the "automated" category: rule-based,
    /// applied and logged) rather than proposing it for approval.
    #[serde(default)]
    pub automated: bool,
}

/// CRM field value types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// An amount of money.
    Money,
    /// A stage from `pipeline.toml`.
    Stage,
    /// One of `values`.
    Choice,
    /// A whole number.
    Number,
    /// A list of short items (discussion points, action items).
    List,
}

/// A next-step category.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextStepCategory {
    /// Slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// When to use it.
    #[serde(default)]
    pub description: String,
    /// Words in notes that point to it.
    #[serde(default)]
    pub cues: Vec<String>,
}

/// Minutes saved per use of each workflow, and what an hour costs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSaved {
    /// Pre-call briefing.
    #[serde(default = "m20")]
    pub pre_call_briefing: u32,
    /// Follow-up email.
    #[serde(default = "m12")]
    pub follow_up_email: u32,
    /// Weekly pipeline report.
    #[serde(default = "m45")]
    pub pipeline_report: u32,
    /// Prospect profile.
    #[serde(default = "m27")]
    pub prospect_profile: u32,
    /// Quotation narrative.
    #[serde(default = "m47")]
    pub quotation_narrative: u32,
    /// CRM update.
    #[serde(default = "m7")]
    pub crm_update: u32,
    /// Average cost of an hour of sales time, e.g. "$65.00".
    #[serde(default = "default_hourly")]
    pub hourly_cost: String,
}

fn m20() -> u32 {
    20
}
fn m12() -> u32 {
    12
}
fn m45() -> u32 {
    45
}
fn m27() -> u32 {
    27
}
fn m47() -> u32 {
    47
}
fn m7() -> u32 {
    7
}
fn default_hourly() -> String {
    "$65.00".into()
}

impl Default for TimeSaved {
    fn default() -> Self {
        Self {
            pre_call_briefing: m20(),
            follow_up_email: m12(),
            pipeline_report: m45(),
            prospect_profile: m27(),
            quotation_narrative: m47(),
            crm_update: m7(),
            hourly_cost: default_hourly(),
        }
    }
}

impl TimeSaved {
    /// Minutes one use of `workflow` saves.
    pub fn minutes(&self, workflow: roomwork_domain::Workflow) -> u32 {
        use roomwork_domain::Workflow as W;
        match workflow {
            W::PreCallBriefing => self.pre_call_briefing,
            W::FollowUpEmail => self.follow_up_email,
            W::PipelineReport => self.pipeline_report,
            W::ProspectProfile => self.prospect_profile,
            W::QuotationNarrative => self.quotation_narrative,
            W::CrmUpdate => self.crm_update,
        }
    }
}
