//! Where AI stops: the responsibility matrix and the four relationship-protection rules.
//!
//! Every task roomwork performs sits in one of four categories ([`Category`]): human only,
//! AI as sparring partner, delegated (AI drafts, a person approves) and automated. The default
//! [`Matrix`] covers every task; the sales ops lead edits it as `policy.toml` in the data
//! directory. [`decide`] runs before any drafting: it looks the task up in the matrix, then,
//! for delegated customer communication, applies the four protection rules of seed 000 to the
//! account's state, the kind of communication and the text of the request and notes, and
//! returns a [`Verdict`] that names each rule that applied and its evidence.
//!
//! A refusal cannot be turned into a permission except through [`override_verdict`], which
//! only works where the matrix allows an override for that rule, and which requires the
//! person and the reason (the caller records both in the audit trail). The only way to get a
//! [`DraftPermit`], the value drafting requires, is a verdict that allows drafting.
//!
//! ```
//! use roomwork_policy::{decide, Matrix, Request, Outcome};
//! let m = Matrix::default();
//! let v = decide(&m, &Request::new("follow-up-email", "Thanks for the call; confirm the seal kits ship Friday."), &[]).unwrap();
//! assert_eq!(v.outcome, Outcome::Draft);
//! let v = decide(&m, &Request::new("follow-up-email", "Third late delivery in a row, after I promised her it was fixed."), &[]).unwrap();
//! assert_eq!(v.outcome, Outcome::HumanOnly);
//! ```
#![warn(missing_docs)]

mod detect;
pub mod eval;
mod matrix;
pub use matrix::DEFAULT_TOML;
pub mod text;

use roomwork_domain::{Health, IssueKind, Severity, Tier};
use serde::{Deserialize, Serialize};

pub use detect::{Evidence, Source};
pub use matrix::{Category, Matrix, MatrixError, OverridePolicy, TaskEntry};

/// The four relationship-protection rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// 1. At-risk account communications: AI does not draft; it may review the person's text.
    AtRisk,
    /// 2. Complaint responses involving trust repair: person-authored, not AI-assisted.
    TrustRepair,
    /// 3. Strategic proposals where judgement is the differentiator: AI drafts the structure
    ///    only, with marked passages the account manager writes.
    StrategicJudgement,
    /// 4. Communications that stake the account manager's personal credibility: person-authored.
    PersonalCredibility,
}

impl Rule {
    /// All four, in the seed's order.
    pub const ALL: [Rule; 4] = [
        Rule::AtRisk,
        Rule::TrustRepair,
        Rule::StrategicJudgement,
        Rule::PersonalCredibility,
    ];

    /// The slug used in files and JSON.
    pub fn slug(self) -> &'static str {
        match self {
            Rule::AtRisk => "at_risk",
            Rule::TrustRepair => "trust_repair",
            Rule::StrategicJudgement => "strategic_judgement",
            Rule::PersonalCredibility => "personal_credibility",
        }
    }

    /// Parses a slug.
    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.slug() == s.trim())
    }

    /// The rule as the seed states it.
    pub fn title(self) -> &'static str {
        match self {
            Rule::AtRisk => "Rule 1: at-risk account communications",
            Rule::TrustRepair => "Rule 2: complaint responses involving trust repair",
            Rule::StrategicJudgement => {
                "Rule 3: strategic proposals where judgement is the differentiator"
            }
            Rule::PersonalCredibility => {
                "Rule 4: communications that stake the account manager's personal credibility"
            }
        }
    }

    /// What the rule allows AI to do.
    fn outcome(self) -> Outcome {
        match self {
            Rule::AtRisk | Rule::PersonalCredibility => Outcome::ReviewOnly,
            Rule::TrustRepair => Outcome::HumanOnly,
            Rule::StrategicJudgement => Outcome::StructureOnly,
        }
    }
}

/// An open customer issue, as the policy sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IssueFact {
    /// Complaint or service failure.
    pub kind: IssueKind,
    /// How severe.
    pub severity: Severity,
    /// What happened.
    pub summary: String,
    /// Whether the same kind of failure happened before for this account.
    #[serde(default)]
    pub repeat: bool,
}

/// What the store knows about the account a request is for.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountState {
    /// The account's tier.
    pub tier: Option<Tier>,
    /// Healthy, watch or at risk.
    pub health: Health,
    /// Why it is watched or at risk.
    #[serde(default)]
    pub health_reason: Option<String>,
    /// Open complaints and service failures.
    #[serde(default)]
    pub open_issues: Vec<IssueFact>,
    /// The account is in the Foundation's top tier (the first tier in tiers.toml).
    #[serde(default)]
    pub top_tier: bool,
}

/// Whether `later` repeats `earlier` for the same account: the same kind of issue, opened
/// within a year after it, about the same thing (the same order number, or at least two
/// content words of four letters or more in common). Two unrelated complaints in two years are
/// not a pattern; the same pump failing twice is.
pub fn repeats(
    earlier: &roomwork_domain::CustomerIssue,
    later: &roomwork_domain::CustomerIssue,
) -> bool {
    if earlier.kind != later.kind || earlier.opened_on > later.opened_on {
        return false;
    }
    if (later.opened_on - earlier.opened_on).num_days() > 365 {
        return false;
    }
    const COMMON: &[&str] = &[
        "that", "this", "with", "from", "have", "been", "were", "their", "they", "after", "before",
        "again", "about", "into", "over", "under", "than", "then", "when", "which", "would",
        "could", "should", "customer", "issue", "still", "also", "only", "more",
    ];
    let words = |s: &str| -> std::collections::HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '-')
            .map(str::to_lowercase)
            .filter(|w| {
                (w.len() >= 4 && !COMMON.contains(&w.as_str()))
                    || (w.chars().any(|c| c.is_ascii_digit()) && w.len() >= 3)
            })
            .collect()
    };
    let (a, b) = (words(&earlier.summary), words(&later.summary));
    let shared: Vec<&String> = a.intersection(&b).collect();
    shared.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) || shared.len() >= 2
}

/// A request for AI help.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The task slug (a row of the matrix), e.g. `follow-up-email`.
    pub task: &'a str,
    /// The request and any pasted notes.
    pub text: &'a str,
    /// The account's state, when the request is for an account.
    pub account: Option<&'a AccountState>,
}

impl<'a> Request<'a> {
    /// A request without an account.
    pub fn new(task: &'a str, text: &'a str) -> Self {
        Self {
            task,
            text,
            account: None,
        }
    }

    /// The same request for an account in `state`.
    pub fn for_account(mut self, state: &'a AccountState) -> Self {
        self.account = Some(state);
        self
    }
}

/// What AI may do for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Automated: rule-based, applied directly and logged.
    Automated,
    /// Delegated: AI drafts, a person reviews and approves.
    Draft,
    /// AI drafts the structure; the judgement passages are left for the person.
    StructureOnly,
    /// The person writes; AI may review their text for clarity and tone.
    ReviewOnly,
    /// The person writes; no AI assistance.
    HumanOnly,
}

impl Outcome {
    /// Whether AI may produce text for the customer.
    pub fn allows_drafting(self) -> bool {
        matches!(
            self,
            Outcome::Draft | Outcome::StructureOnly | Outcome::Automated
        )
    }

    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::Automated => "automated: applied directly and logged",
            Outcome::Draft => {
                "AI drafts; a person reviews, passes the relationship test and approves"
            }
            Outcome::StructureOnly => {
                "AI drafts the structure only; the marked passages are for the account manager to write"
            }
            Outcome::ReviewOnly => {
                "the account manager writes this; AI may review their text for clarity and tone, but does not draft"
            }
            Outcome::HumanOnly => "the account manager writes this; no AI assistance",
        }
    }
}

/// One protection rule that applied.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// The rule in words.
    pub title: &'static str,
    /// The total evidence weight (the rule applies at 1.0).
    pub score: f32,
    /// Why.
    pub evidence: Vec<Evidence>,
    /// Whether the matrix allows a named person to override this rule with a reason.
    pub overridable: bool,
}

/// An override of a refusal, by a named person, for a stated reason.
#[derive(Clone, Debug, Serialize)]
pub struct Override {
    /// Who.
    pub by: String,
    /// Why.
    pub reason: String,
    /// The rules overridden.
    pub rules: Vec<Rule>,
}

/// The policy's decision for one request.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The task.
    pub task: String,
    /// Its category in the matrix.
    pub category: Category,
    /// Whether the task produces something a customer reads.
    pub customer_facing: bool,
    /// What AI may do.
    pub outcome: Outcome,
    /// The protection rules that applied, with evidence.
    pub findings: Vec<Finding>,
    /// Rules that came close (evidence between 0.5 and 1.0), shown to the reviewer.
    pub near_misses: Vec<Finding>,
    /// The reason in one sentence.
    pub reason: String,
    /// The override, when one was granted.
    pub overridden: Option<Override>,
    /// What the decision could not take into account.
    pub notes: Vec<String>,
}

/// Proof that the policy allows AI to draft a request. Only [`Verdict::permit`] makes one.
#[derive(Clone, Debug)]
pub struct DraftPermit {
    task: String,
    structure_only: bool,
    customer_facing: bool,
    reason: String,
}

impl DraftPermit {
    /// The task permitted.
    pub fn task(&self) -> &str {
        &self.task
    }

    /// Whether only the structure may be drafted (protection rule 3).
    pub fn structure_only(&self) -> bool {
        self.structure_only
    }

    /// The inbox entry for a draft written under this permit: the task, the verdict, whether
    /// only the structure was drafted, and whether the person must add a relationship-specific
    /// sentence before approving (a customer-facing communication to a tier whose standard
    /// requires one: `personal_sentence_required` in the Foundation's communication standards).
    pub fn new_draft(
        &self,
        subject: &str,
        body: &str,
        requested_by: &str,
        personal_sentence_required: bool,
    ) -> roomwork_domain::NewDraft {
        let mut new =
            roomwork_domain::NewDraft::communication(&self.task, subject, body, requested_by);
        new.verdict = self.reason.clone();
        new.structure_only = self.structure_only;
        new.requires_personal_edit = self.customer_facing && personal_sentence_required;
        new
    }
}

impl Verdict {
    /// The permit to draft, when the verdict allows drafting.
    pub fn permit(&self) -> Option<DraftPermit> {
        self.outcome.allows_drafting().then(|| DraftPermit {
            task: self.task.clone(),
            structure_only: self.outcome == Outcome::StructureOnly,
            customer_facing: self.customer_facing,
            reason: self.reason.clone(),
        })
    }

    /// Whether any protection rule applied.
    pub fn protected(&self) -> bool {
        !self.findings.is_empty()
    }
}

/// Errors of the policy.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The task is not in the matrix.
    #[error("unknown task {0:?}; `roomwork policy matrix` lists the tasks")]
    UnknownTask(String),
    /// An override was asked where the matrix does not allow one.
    #[error("{0}")]
    OverrideRefused(String),
}

/// Decides what AI may do for `request`. `competitors` are the names tracked in the
/// Foundation's pipeline document (a competitor quoting counts as evaluating alternatives).
pub fn decide(
    matrix: &Matrix,
    request: &Request<'_>,
    competitors: &[String],
) -> Result<Verdict, PolicyError> {
    let entry = matrix
        .get(request.task)
        .ok_or_else(|| PolicyError::UnknownTask(request.task.to_string()))?;
    let base = match entry.category {
        Category::HumanOnly => Outcome::HumanOnly,
        Category::Sparring => Outcome::ReviewOnly,
        Category::Delegated => Outcome::Draft,
        Category::Automated => Outcome::Automated,
    };
    let mut verdict = Verdict {
        task: entry.slug.clone(),
        category: entry.category,
        customer_facing: entry.customer_facing,
        outcome: base,
        findings: Vec::new(),
        near_misses: Vec::new(),
        reason: format!("{}: {}", entry.category.title(), base.describe()),
        overridden: None,
        notes: Vec::new(),
    };
    if entry.category != Category::Delegated {
        return Ok(verdict);
    }
    let text = text::Text::new(request.text);
    if entry.customer_facing && request.account.is_none() {
        verdict.notes.push(
            "no account given: the account's state (at-risk flag, open issues) was not considered"
                .into(),
        );
    }
    let detection = detect::detect(
        &entry.slug,
        entry.customer_facing,
        &text,
        request.account,
        competitors,
    );
    for (rule, score, evidence) in detection.per_rule {
        let finding = Finding {
            rule,
            title: rule.title(),
            score,
            evidence,
            overridable: matrix.override_policy(rule) == OverridePolicy::WithReason,
        };
        if score >= 1.0 {
            verdict.findings.push(finding);
        } else if score >= 0.5 {
            verdict.near_misses.push(finding);
        }
    }
    if let Some(strictest) = verdict.findings.iter().map(|f| f.rule.outcome()).max() {
        verdict.outcome = strictest.max(base);
        let rules: Vec<&str> = verdict.findings.iter().map(|f| f.title).collect();
        verdict.reason = format!("{}; {}", rules.join("; "), verdict.outcome.describe());
    }
    Ok(verdict)
}

/// Overrides the protection rules of a refused verdict, where the matrix allows it for every
/// rule that applied. The caller must record the returned verdict in the audit trail.
pub fn override_verdict(
    matrix: &Matrix,
    mut verdict: Verdict,
    by: &str,
    reason: &str,
) -> Result<Verdict, PolicyError> {
    if by.trim().is_empty() || reason.trim().len() < 10 {
        return Err(PolicyError::OverrideRefused(
            "an override names the person (--by) and gives a reason of at least 10 characters (--reason)".into(),
        ));
    }
    if verdict.category != Category::Delegated {
        return Err(PolicyError::OverrideRefused(format!(
            "the matrix puts {:?} in the category {:?}; that is not overridable (ask the sales ops lead to change the matrix)",
            verdict.task,
            verdict.category.title()
        )));
    }
    if verdict.findings.is_empty() {
        return Err(PolicyError::OverrideRefused(
            "nothing to override: the verdict already allows drafting".into(),
        ));
    }
    if let Some(f) = verdict
        .findings
        .iter()
        .find(|f| matrix.override_policy(f.rule) != OverridePolicy::WithReason)
    {
        return Err(PolicyError::OverrideRefused(format!(
            "{} cannot be overridden (policy.toml: {} = \"never\")",
            f.title,
            f.rule.slug()
        )));
    }
    verdict.overridden = Some(Override {
        by: by.trim().to_string(),
        reason: reason.trim().to_string(),
        rules: verdict.findings.iter().map(|f| f.rule).collect(),
    });
    verdict.outcome = Outcome::Draft;
    verdict.reason = format!(
        "{} (overridden by {}: {})",
        verdict.reason,
        by.trim(),
        reason.trim()
    );
    Ok(verdict)
}
