//! Drafts in the approval inbox, and the one path from an AI output to a customer.
//!
//! A draft moves `PendingApproval → Approved → Sent` (or is returned for rewriting, or
//! rejected). The states are types: [`approve`] is the only function that builds an
//! [`Approved`], and [`Approved::send`] is the only way to a [`Sent`], so code that sends or
//! applies something cannot be written without an approval in hand. Approving requires:
//! - a named reviewer who answers both questions of the relationship test with "yes" (a "no"
//!   returns the draft for rewriting instead);
//! - no marked passage left for the account manager to write (`[[AM: ...]]`, which the
//!   drafting engines insert where protection rule 3 keeps judgement with the person);
//! - for a delegated communication to a top-tier account, a sentence the person added or
//!   changed (the relationship-specific sentence): the engine's text alone is not enough;
//! - for a returned draft, a rewrite since it was returned.
//!
//! A [`Draft`] is the plain stored record. Reading one back goes through
//! [`DraftState::restore`], which re-checks every invariant of its status, so a corrupted or
//! hand-edited row cannot become an `Approved` value either.
//!
//! ```
//! use chrono::Utc;
//! use roomwork_domain::{approve, Decision, DraftId, NewDraft, Origin, PendingApproval, RelationshipTest};
//! let new = NewDraft::communication("follow-up-email", "Thanks for today", "Dear Ana,\n\nThank you for the call.", "ana");
//! let (pending, _rev0) = PendingApproval::submit(DraftId::new(), new, Utc::now()).unwrap();
//! let yes = RelationshipTest { sounds_like_me: true, reflects_what_mattered: true };
//! let Decision::Approved(approved, _) = approve(pending, "ana", yes, None, Utc::now()).unwrap() else { panic!() };
//! assert_eq!(approved.approval().reviewer, "ana");
//! ```

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, ContactId, DraftId, OpportunityId, ParseError, Workflow};

text_enum!(
    /// Where a draft is in its life.
    DraftStatus, "draft status" {
        /// Waiting for a person.
        Pending = "pending",
        /// A reviewer answered "no" to the relationship test; waiting for a rewrite.
        Returned = "returned",
        /// Discarded by a reviewer.
        Rejected = "rejected",
        /// Passed the relationship test; may be sent or applied.
        Approved = "approved",
        /// Sent (or applied). Final.
        Sent = "sent",
    }
);

text_enum!(
    /// How an approved draft left roomwork.
    SendVia, "send method" {
        /// Exported as an RFC 5322 `.eml` file for the person's mail client.
        Eml = "eml",
        /// Sent outside roomwork and marked as sent.
        Marked = "marked" | "markedsent" | "mark",
    }
);

/// Opens a passage the account manager must write; closed by [`PASSAGE_CLOSE`].
pub const PASSAGE_OPEN: &str = "[[AM:";
/// Closes a marked passage.
pub const PASSAGE_CLOSE: &str = "]]";

/// Which engine produced a draft, and from what (recorded in the audit trail).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// `builtin`, `openai-compatible`, `anthropic`, or `external` for text submitted from outside.
    pub engine: String,
    /// The model, when a language model wrote it.
    pub model: Option<String>,
    /// A fingerprint of the prompt (64-bit FNV-1a, hex: `drafting::prompt::fingerprint`), when
    /// there was one.
    pub prompt_fingerprint: Option<String>,
    /// What the draft was made from: record ids, file names.
    pub inputs: Vec<String>,
}

/// The two questions every AI-assisted output must pass before it leaves (seed 000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationshipTest {
    /// "Does this sound like me in this specific relationship?"
    pub sounds_like_me: bool,
    /// "Does it reflect what actually mattered in the conversation?"
    pub reflects_what_mattered: bool,
}

impl RelationshipTest {
    /// The questions, in the order asked.
    pub const QUESTIONS: [&'static str; 2] = [
        "Does this sound like me in this specific relationship?",
        "Does it reflect what actually mattered in the conversation?",
    ];

    /// Both answers are "yes".
    pub fn passed(&self) -> bool {
        self.sounds_like_me && self.reflects_what_mattered
    }
}

/// What a workflow hands to the inbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDraft {
    /// The matrix task, e.g. `follow-up-email`.
    pub task: String,
    /// The drafting workflow, when one of the six produced it.
    pub workflow: Option<Workflow>,
    /// The account it concerns.
    pub account_id: Option<AccountId>,
    /// The contact it is addressed to.
    pub contact_id: Option<ContactId>,
    /// The deal it concerns.
    pub opportunity_id: Option<OpportunityId>,
    /// `Name <address>` for communications; `None` for internal documents.
    pub recipient: Option<String>,
    /// Subject or title.
    pub subject: String,
    /// The text as the engine produced it.
    pub body: String,
    /// Engine, model, prompt and inputs.
    pub origin: Origin,
    /// The policy verdict's summary.
    pub verdict: String,
    /// Protection rule 3: only the structure was drafted; marked passages must be written.
    pub structure_only: bool,
    /// A delegated communication to a top-tier account: the person must add or change a sentence.
    pub requires_personal_edit: bool,
    /// Who asked for it.
    pub requested_by: String,
    /// A CRM change the draft proposes, applied only when it is approved.
    pub change: Option<CrmChange>,
}

impl NewDraft {
    /// A plain delegated communication with no account, engine `external`; adjust fields as needed.
    pub fn communication(task: &str, subject: &str, body: &str, requested_by: &str) -> Self {
        Self {
            task: task.to_string(),
            workflow: None,
            account_id: None,
            contact_id: None,
            opportunity_id: None,
            recipient: None,
            subject: subject.to_string(),
            body: body.to_string(),
            origin: Origin {
                engine: "external".into(),
                ..Origin::default()
            },
            verdict: String::new(),
            structure_only: false,
            requires_personal_edit: false,
            requested_by: requested_by.to_string(),
            change: None,
        }
    }
}

/// A reviewer's "no" or rejection, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, in the reviewer's words.
    pub note: String,
}

/// The approval record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The person who approved.
    pub reviewer: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Their answers (both "yes", or there is no approval).
    pub answers: RelationshipTest,
}

/// How and when an approved draft left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sending {
    /// Who sent it.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Exported or marked.
    pub via: SendVia,
    /// The `.eml` path or a note.
    pub reference: Option<String>,
}

/// A draft as stored: plain data. Turn it into a state with [`DraftState::restore`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Identity.
    pub id: DraftId,
    /// The matrix task.
    pub task: String,
    /// The workflow that produced it.
    pub workflow: Option<Workflow>,
    /// The account.
    pub account_id: Option<AccountId>,
    /// The contact.
    pub contact_id: Option<ContactId>,
    /// The deal.
    pub opportunity_id: Option<OpportunityId>,
    /// `Name <address>`, for communications.
    pub recipient: Option<String>,
    /// Subject or title (current).
    pub subject: String,
    /// Text (current).
    pub body: String,
    /// The text as the engine produced it.
    pub original: String,
    /// Engine, model, prompt and inputs.
    pub origin: Origin,
    /// The policy verdict's summary.
    pub verdict: String,
    /// Protection rule 3 applied.
    pub structure_only: bool,
    /// The person must add or change a sentence before approving.
    pub requires_personal_edit: bool,
    /// Where it is.
    pub status: DraftStatus,
    /// Who asked for it.
    pub requested_by: String,
    /// When it entered the inbox.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Revision number of the current text (0 = the engine's).
    pub revision: u32,
    /// Counts every change of the stored draft (edits, returns, approval, sending): a change
    /// is written only over the version it was made from.
    pub version: u32,
    /// The revision number when it was last returned (a rewrite must come after it).
    pub returned_at_revision: Option<u32>,
    /// The last "no" or rejection.
    pub review: Option<Review>,
    /// The approval, once approved.
    pub approval: Option<Approval>,
    /// The sending, once sent.
    pub sending: Option<Sending>,
    /// The CRM change it proposes, applied when it is approved.
    #[serde(default)]
    pub change: Option<CrmChange>,
}

impl Draft {
    /// The passages still marked for the account manager to write (their guidance text).
    pub fn open_passages(&self) -> Vec<String> {
        open_passages(&self.body)
    }

    /// Whether a person has added or changed a sentence of the engine's text.
    pub fn personally_edited(&self) -> bool {
        has_personal_sentence(&self.original, &self.body)
    }
}

/// One version of a draft's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// The draft.
    pub draft_id: DraftId,
    /// 0 for the engine's text, then 1, 2, ...
    pub number: u32,
    /// The engine (revision 0) or the person.
    pub author: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Subject at this revision.
    pub subject: String,
    /// Text at this revision.
    pub body: String,
}

/// A field's value before and after a proposed change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange<T> {
    /// As the record was when the change was drafted.
    pub from: T,
    /// As the change would set it.
    pub to: T,
}

/// A change to a deal's CRM record drafted from meeting notes. It is data until a person
/// approves the draft: [`Approved::apply_to`] is the only way to turn it into records to store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmChange {
    /// The deal.
    pub opportunity_id: OpportunityId,
    /// A new stage, with the Foundation's criterion that justifies it.
    pub stage: Option<FieldChange<String>>,
    /// Why the stage: the criterion and the notes' words.
    pub stage_reason: Option<String>,
    /// A new next step.
    pub next_step: Option<FieldChange<Option<String>>>,
    /// A new next-step date.
    pub next_step_date: Option<FieldChange<Option<chrono::NaiveDate>>>,
    /// A new close date.
    pub close_date: Option<FieldChange<Option<chrono::NaiveDate>>>,
    /// The meeting logged as a note on the deal: key points and action items with owners.
    pub note: String,
}

/// The records an approved CRM change writes: the updated deal and the logged note. Only
/// [`Approved::apply_to`] builds one.
#[derive(Clone, Debug, PartialEq)]
pub struct AppliedChange {
    draft_id: DraftId,
    change: CrmChange,
    opportunity: crate::Opportunity,
    activity: crate::Activity,
}

impl AppliedChange {
    /// The approved draft it comes from.
    pub fn draft_id(&self) -> DraftId {
        self.draft_id
    }

    /// The change, as the approved draft carries it.
    pub fn change(&self) -> &CrmChange {
        &self.change
    }

    /// The deal as it will be stored.
    pub fn opportunity(&self) -> &crate::Opportunity {
        &self.opportunity
    }

    /// The note logged on it.
    pub fn activity(&self) -> &crate::Activity {
        &self.activity
    }
}

/// One use of a drafting workflow: the draft it put in the inbox and the minutes the
/// Foundation says the workflow saves, at the hourly cost of the time. The minutes-saved
/// ledger the capacity dashboard reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowUse {
    /// The draft.
    pub draft_id: DraftId,
    /// Which workflow.
    pub workflow: Workflow,
    /// Who used it (the account manager).
    pub used_by: String,
    /// The account, when the draft is for one.
    pub account_id: Option<AccountId>,
    /// When.
    pub at: DateTime<Utc>,
    /// Minutes saved (the Foundation's figure for the workflow at the time).
    pub minutes_saved: u32,
    /// The cost of an hour of sales time at the time.
    pub hourly_cost: crate::Money,
}

impl WorkflowUse {
    /// What the minutes saved are worth at the hourly cost, in minor units (cents).
    pub fn value_minor(&self) -> i64 {
        self.hourly_cost.minor() * i64::from(self.minutes_saved) / 60
    }
}

/// Why a draft operation was refused. The draft is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// A required text is empty.
    #[error("the {0} is empty")]
    Empty(&'static str),
    /// Protection rule 3 applies but the draft marks no passage for the person to write.
    #[error(
        "protection rule 3 applies: mark the passages the account manager must write as \
         {PASSAGE_OPEN} what to write {PASSAGE_CLOSE}"
    )]
    NoMarkedPassage,
    /// An edit that changes nothing.
    #[error("the edit changes nothing")]
    Unchanged,
    /// Approval refused.
    #[error("approval refused: {0}")]
    Refused(Refusal),
    /// The operation does not apply to a draft in this status.
    #[error("draft {id} is {status}; {wanted}")]
    WrongStatus {
        /// The draft.
        id: DraftId,
        /// Its status.
        status: DraftStatus,
        /// What the operation needs.
        wanted: &'static str,
    },
    /// A stored draft breaks an invariant of its status.
    #[error("stored draft {id} is inconsistent: {reason}")]
    Inconsistent {
        /// The draft.
        id: DraftId,
        /// Which invariant.
        reason: String,
    },
}

/// Why a reviewer who answered "yes" twice still cannot approve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum Refusal {
    /// No reviewer named.
    NoReviewer,
    /// Passages marked for the account manager are still unwritten (protection rule 3).
    OpenPassages {
        /// The guidance of each open passage.
        passages: Vec<String>,
    },
    /// A top-tier delegated communication that nobody personalised.
    NoPersonalSentence,
    /// Returned for rewriting and not rewritten since.
    NotRewritten,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoReviewer => f.write_str("a reviewer must be named"),
            Refusal::OpenPassages { passages } => write!(
                f,
                "{} passage(s) marked for the account manager are still unwritten: {}",
                passages.len(),
                passages
                    .iter()
                    .map(|p| format!("\"{p}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Refusal::NoPersonalSentence => f.write_str(
                "this is a delegated communication to a top-tier account: write something of your \
                 own for this relationship (at least four words) before approving",
            ),
            Refusal::NotRewritten => {
                f.write_str("the draft was returned for rewriting and has not been changed since")
            }
        }
    }
}

/// A draft waiting for a person (pending, or returned for rewriting).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingApproval {
    draft: Draft,
}

/// A draft that passed the relationship test. Only [`approve`] and [`DraftState::restore`]
/// build one, and both check every approval invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approved {
    draft: Draft,
}

/// A draft that was sent. Only [`Approved::send`] builds one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    draft: Draft,
}

/// A discarded draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    draft: Draft,
}

/// What a reviewer's decision produced.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Decision {
    /// Both answers "yes" and nothing outstanding; with the reviewer's final edit if they made one.
    Approved(Approved, Option<Revision>),
    /// A "no": back to the author for rewriting; with the reviewer's edit if they made one.
    Returned(PendingApproval, Option<Revision>),
}

impl PendingApproval {
    /// Puts a new draft in the inbox; returns it with revision 0 (the engine's text).
    pub fn submit(
        id: DraftId,
        new: NewDraft,
        at: DateTime<Utc>,
    ) -> Result<(Self, Revision), DraftError> {
        if new.task.trim().is_empty() {
            return Err(DraftError::Empty("task"));
        }
        if new.body.trim().is_empty() {
            return Err(DraftError::Empty("text"));
        }
        if new.subject.trim().is_empty() {
            return Err(DraftError::Empty("subject"));
        }
        if new.requested_by.trim().is_empty() {
            return Err(DraftError::Empty("requester"));
        }
        if new.structure_only && open_passages(&new.body).is_empty() {
            return Err(DraftError::NoMarkedPassage);
        }
        let draft = Draft {
            id,
            task: new.task.trim().to_string(),
            workflow: new.workflow,
            account_id: new.account_id,
            contact_id: new.contact_id,
            opportunity_id: new.opportunity_id,
            recipient: new.recipient,
            subject: new.subject.trim().to_string(),
            original: new.body.clone(),
            body: new.body,
            origin: new.origin,
            verdict: new.verdict,
            structure_only: new.structure_only,
            requires_personal_edit: new.requires_personal_edit,
            status: DraftStatus::Pending,
            requested_by: new.requested_by.trim().to_string(),
            created_at: at,
            updated_at: at,
            revision: 0,
            version: 0,
            returned_at_revision: None,
            review: None,
            approval: None,
            sending: None,
            change: new.change,
        };
        let rev = revision_of(&draft, &draft.origin.engine.clone(), at);
        Ok((Self { draft }, rev))
    }

    /// The draft.
    pub fn draft(&self) -> &Draft {
        &self.draft
    }

    /// Replaces the text (and optionally the subject); a returned draft becomes pending again.
    pub fn edit(
        &mut self,
        author: &str,
        subject: Option<&str>,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<Revision, DraftError> {
        if author.trim().is_empty() {
            return Err(DraftError::Empty("author"));
        }
        if body.trim().is_empty() {
            return Err(DraftError::Empty("text"));
        }
        let subject = subject.map(str::trim).unwrap_or(&self.draft.subject);
        if subject.is_empty() {
            return Err(DraftError::Empty("subject"));
        }
        if body == self.draft.body && subject == self.draft.subject {
            return Err(DraftError::Unchanged);
        }
        let body_changed = body != self.draft.body;
        self.draft.subject = subject.to_string();
        self.draft.body = body.to_string();
        self.draft.revision += 1;
        self.draft.version += 1;
        self.draft.updated_at = at;
        if self.draft.status == DraftStatus::Returned && !body_changed {
            // A new subject line is not the rewrite the reviewer asked for: the draft stays
            // returned, and the rewrite is counted from this revision on.
            self.draft.returned_at_revision = Some(self.draft.revision);
        } else {
            self.draft.status = DraftStatus::Pending;
        }
        Ok(revision_of(&self.draft, author.trim(), at))
    }

    /// Discards the draft, with the reviewer's reason.
    pub fn reject(
        mut self,
        by: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<Rejected, DraftError> {
        if by.trim().is_empty() {
            return Err(DraftError::Empty("reviewer"));
        }
        if reason.trim().is_empty() {
            return Err(DraftError::Empty("reason"));
        }
        self.draft.status = DraftStatus::Rejected;
        self.draft.version += 1;
        self.draft.updated_at = at;
        self.draft.review = Some(Review {
            by: by.trim().to_string(),
            at,
            note: reason.trim().to_string(),
        });
        Ok(Rejected { draft: self.draft })
    }

    /// What stands between this draft and approval, besides the reviewer's answers.
    pub fn outstanding(&self) -> Vec<Refusal> {
        outstanding(&self.draft)
    }
}

fn outstanding(d: &Draft) -> Vec<Refusal> {
    let mut out = Vec::new();
    let passages = d.open_passages();
    let marked = open_passages(&d.original);
    if !passages.is_empty() {
        out.push(Refusal::OpenPassages { passages });
    } else if !marked.is_empty() && written_words(&d.original, &d.body) < 4 * marked.len() {
        // The markers are gone but nothing was written in their place.
        out.push(Refusal::OpenPassages { passages: marked });
    }
    if d.requires_personal_edit && !d.personally_edited() {
        out.push(Refusal::NoPersonalSentence);
    }
    if d.status == DraftStatus::Returned && d.returned_at_revision.is_some_and(|r| d.revision <= r)
    {
        out.push(Refusal::NotRewritten);
    }
    out
}

/// The relationship-test gate: the only way to build an [`Approved`].
///
/// `final_body`, when given and different, is recorded as the reviewer's edit first. Two "yes"
/// answers approve unless something is outstanding ([`Refusal`]), in which case nothing changes
/// and the error says what. A "no" returns the draft for rewriting with `note`-less review
/// (use [`approve_with_note`] to give the reason).
pub fn approve(
    pending: PendingApproval,
    reviewer: &str,
    answers: RelationshipTest,
    final_body: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Decision, DraftError> {
    approve_with_note(pending, reviewer, answers, final_body, "", at)
}

/// [`approve`] with the reviewer's note, kept when the draft is returned.
pub fn approve_with_note(
    mut pending: PendingApproval,
    reviewer: &str,
    answers: RelationshipTest,
    final_body: Option<&str>,
    note: &str,
    at: DateTime<Utc>,
) -> Result<Decision, DraftError> {
    let reviewer = reviewer.trim();
    if reviewer.is_empty() {
        return Err(DraftError::Refused(Refusal::NoReviewer));
    }
    let edit = match final_body {
        Some(body) if body != pending.draft.body => Some(pending.edit(reviewer, None, body, at)?),
        _ => None,
    };
    if !answers.passed() {
        let d = &mut pending.draft;
        d.status = DraftStatus::Returned;
        d.version += 1;
        d.returned_at_revision = Some(d.revision);
        d.updated_at = at;
        let mut why = Vec::new();
        if !answers.sounds_like_me {
            why.push("does not sound like me in this relationship");
        }
        if !answers.reflects_what_mattered {
            why.push("does not reflect what mattered in the conversation");
        }
        let note = if note.trim().is_empty() {
            why.join("; ")
        } else {
            format!("{} ({})", note.trim(), why.join("; "))
        };
        d.review = Some(Review {
            by: reviewer.to_string(),
            at,
            note,
        });
        return Ok(Decision::Returned(pending, edit));
    }
    if let Some(refusal) = outstanding(&pending.draft).into_iter().next() {
        // Nothing is stored, not even the offered edit: the reviewer fixes and tries again.
        return Err(DraftError::Refused(refusal));
    }
    let d = &mut pending.draft;
    d.status = DraftStatus::Approved;
    d.version += 1;
    d.updated_at = at;
    d.approval = Some(Approval {
        reviewer: reviewer.to_string(),
        at,
        answers,
    });
    Ok(Decision::Approved(
        Approved {
            draft: pending.draft,
        },
        edit,
    ))
}

impl Approved {
    /// The draft.
    pub fn draft(&self) -> &Draft {
        &self.draft
    }

    /// The approval record.
    pub fn approval(&self) -> &Approval {
        self.draft
            .approval
            .as_ref()
            .expect("an Approved draft always carries its approval")
    }

    /// The records this approved draft's CRM change writes to `current` (the deal as stored
    /// now), or `None` when it proposes none. Refused when the deal changed since the draft
    /// was made (a field no longer holds the value the change was drafted from).
    pub fn apply_to(
        &self,
        current: &crate::Opportunity,
        at: DateTime<Utc>,
    ) -> Result<Option<AppliedChange>, DraftError> {
        let Some(c) = &self.draft.change else {
            return Ok(None);
        };
        let stale = |field: &str| DraftError::Inconsistent {
            id: self.draft.id,
            reason: format!(
                "the deal's {field} changed since this update was drafted; draft it again"
            ),
        };
        if current.id != c.opportunity_id {
            return Err(stale("identity"));
        }
        let mut o = current.clone();
        if let Some(f) = &c.stage {
            if o.stage.as_str() != f.from {
                return Err(stale("stage"));
            }
            o.stage = crate::Stage::parse(&f.to).map_err(|_| stale("stage"))?;
            o.stage_history.push(crate::StageChange {
                stage: o.stage.clone(),
                entered_on: at.date_naive(),
            });
        }
        if let Some(f) = &c.next_step {
            if o.next_step != f.from {
                return Err(stale("next step"));
            }
            o.next_step = f.to.clone();
        }
        if let Some(f) = &c.next_step_date {
            if o.next_step_date != f.from {
                return Err(stale("next-step date"));
            }
            o.next_step_date = f.to;
        }
        if let Some(f) = &c.close_date {
            if o.close_date != f.from {
                return Err(stale("close date"));
            }
            o.close_date = f.to;
        }
        let approval = self.draft.approval.as_ref();
        let activity = crate::Activity {
            id: crate::ActivityId::new(),
            ext_key: None,
            kind: crate::ActivityKind::Note,
            direction: crate::Direction::Outbound,
            ai_assisted: true,
            account_id: o.account_id,
            contact_id: None,
            opportunity_id: Some(o.id),
            rep_id: o.owner,
            occurred_at: at,
            duration_minutes: None,
            subject: format!(
                "CRM update approved by {}",
                approval.map_or("the reviewer", |a| a.reviewer.as_str())
            ),
            body: Some(c.note.clone()),
        };
        Ok(Some(AppliedChange {
            draft_id: self.draft.id,
            change: c.clone(),
            opportunity: o,
            activity,
        }))
    }

    /// Marks the draft as sent (or applied): the only way to build a [`Sent`].
    pub fn send(
        mut self,
        by: &str,
        via: SendVia,
        reference: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<Sent, DraftError> {
        if by.trim().is_empty() {
            return Err(DraftError::Empty("sender"));
        }
        self.draft.status = DraftStatus::Sent;
        self.draft.version += 1;
        self.draft.updated_at = at;
        self.draft.sending = Some(Sending {
            by: by.trim().to_string(),
            at,
            via,
            reference,
        });
        Ok(Sent { draft: self.draft })
    }
}

impl Sent {
    /// The draft.
    pub fn draft(&self) -> &Draft {
        &self.draft
    }

    /// The sending record.
    pub fn sending(&self) -> &Sending {
        self.draft
            .sending
            .as_ref()
            .expect("a Sent draft always carries its sending")
    }
}

impl Rejected {
    /// The draft.
    pub fn draft(&self) -> &Draft {
        &self.draft
    }
}

/// A stored draft in its typed state.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum DraftState {
    /// Pending or returned.
    Pending(PendingApproval),
    /// Approved, not yet sent.
    Approved(Approved),
    /// Sent.
    Sent(Sent),
    /// Rejected.
    Rejected(Rejected),
}

impl DraftState {
    /// Re-checks a stored draft against the invariants of its status.
    pub fn restore(draft: Draft) -> Result<Self, DraftError> {
        let bad = |reason: &str| DraftError::Inconsistent {
            id: draft.id,
            reason: reason.to_string(),
        };
        let approved_ok = |d: &Draft| -> Result<(), DraftError> {
            let Some(a) = &d.approval else {
                return Err(bad("no approval record"));
            };
            if a.reviewer.trim().is_empty() || !a.answers.passed() {
                return Err(bad("the approval lacks a reviewer or two \"yes\" answers"));
            }
            if !d.open_passages().is_empty() {
                return Err(bad(
                    "approved with passages still marked for the account manager",
                ));
            }
            if d.requires_personal_edit && !d.personally_edited() {
                return Err(bad("approved without the relationship-specific sentence"));
            }
            Ok(())
        };
        match draft.status {
            DraftStatus::Pending | DraftStatus::Returned => {
                if draft.approval.is_some() || draft.sending.is_some() {
                    return Err(bad("a pending draft carries an approval or sending"));
                }
                Ok(Self::Pending(PendingApproval { draft }))
            }
            DraftStatus::Rejected => {
                if draft.review.is_none() || draft.sending.is_some() {
                    return Err(bad("a rejected draft needs its review and no sending"));
                }
                Ok(Self::Rejected(Rejected { draft }))
            }
            DraftStatus::Approved => {
                approved_ok(&draft)?;
                if draft.sending.is_some() {
                    return Err(bad("an approved draft carries a sending"));
                }
                Ok(Self::Approved(Approved { draft }))
            }
            DraftStatus::Sent => {
                approved_ok(&draft)?;
                if draft.sending.is_none() {
                    return Err(bad("a sent draft has no sending record"));
                }
                Ok(Self::Sent(Sent { draft }))
            }
        }
    }

    /// The draft, whatever its state.
    pub fn draft(&self) -> &Draft {
        match self {
            Self::Pending(p) => p.draft(),
            Self::Approved(a) => a.draft(),
            Self::Sent(s) => s.draft(),
            Self::Rejected(r) => r.draft(),
        }
    }
}

fn revision_of(d: &Draft, author: &str, at: DateTime<Utc>) -> Revision {
    Revision {
        draft_id: d.id,
        number: d.revision,
        author: author.to_string(),
        at,
        subject: d.subject.clone(),
        body: d.body.clone(),
    }
}

/// The guidance text of every `[[AM: ...]]` passage in `text`, in order. An unclosed marker
/// counts as open too (its guidance runs to the end of the line).
pub fn open_passages(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(PASSAGE_OPEN) {
        let after = &rest[start + PASSAGE_OPEN.len()..];
        let (guidance, next) = match after.find(PASSAGE_CLOSE) {
            Some(end) => (&after[..end], &after[end + PASSAGE_CLOSE.len()..]),
            None => {
                let line_end = after.find('\n').unwrap_or(after.len());
                (&after[..line_end], &after[line_end..])
            }
        };
        out.push(guidance.split_whitespace().collect::<Vec<_>>().join(" "));
        rest = next;
    }
    out
}

/// Whether the person wrote something of their own into the engine's text: at least four
/// words that the engine did not write ([`written_words`]).
pub fn has_personal_sentence(original: &str, edited: &str) -> bool {
    written_words(original, edited) >= 4
}

/// Shortest run of consecutive words that counts as copied from the engine's text or from a
/// marked passage's guidance.
const COPIED_RUN: usize = 3;

/// How many words of `edited` the person wrote: words neither kept in order from `original`
/// (the longest common word sequence) nor copied, in runs of three or more, from its text or
/// from the guidance of its marked passages. Deleting the brackets of `[[AM: why our approach
/// fits]]`, pasting the draft's own sign-off or sentences a second time, reordering line
/// breaks, changing case or punctuation, and Windows line ends write nothing; a name or a
/// two-word phrase the draft also uses ("Rashid Xu", "thank you") still counts.
pub fn written_words(original: &str, edited: &str) -> usize {
    let before = words_of(&without_passages(original));
    let guidance: Vec<Vec<String>> = open_passages(original)
        .iter()
        .map(|g| words_of(g))
        .collect();
    let after = words_of(edited);
    let mut copied: HashSet<&[String]> = before.windows(COPIED_RUN).collect();
    for g in &guidance {
        copied.extend(g.windows(COPIED_RUN));
    }
    let mut cost = vec![1usize; after.len()];
    for (k, run) in after.windows(COPIED_RUN).enumerate() {
        if copied.contains(run) {
            cost[k..k + COPIED_RUN].fill(0);
        }
    }
    unexplained(&before, &after, &cost)
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `text` with every `[[AM: ...]]` passage cut out.
fn without_passages(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(PASSAGE_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + PASSAGE_OPEN.len()..];
        rest = match after.find(PASSAGE_CLOSE) {
            Some(end) => &after[end + PASSAGE_CLOSE.len()..],
            None => &after[after.find('\n').unwrap_or(after.len())..],
        };
    }
    out.push_str(rest);
    out
}

/// The fewest words of `after` that an in-order alignment with `before` leaves unexplained: a
/// word kept from `before` costs nothing, any other `cost[j]`. With every cost 1 this is
/// `after.len()` less the longest common subsequence. O(len(after)) memory.
fn unexplained(before: &[String], after: &[String], cost: &[usize]) -> usize {
    let mut prev = vec![0usize; after.len() + 1];
    for j in 0..after.len() {
        prev[j + 1] = prev[j] + cost[j];
    }
    let mut cur = vec![0usize; after.len() + 1];
    for x in before {
        for (j, y) in after.iter().enumerate() {
            let mut best = prev[j + 1].min(cur[j] + cost[j]);
            if x == y {
                best = best.min(prev[j]);
            }
            cur[j + 1] = best;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[after.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-02T09:00:00Z".parse().unwrap()
    }

    const YES: RelationshipTest = RelationshipTest {
        sounds_like_me: true,
        reflects_what_mattered: true,
    };

    fn pending(body: &str) -> PendingApproval {
        let new = NewDraft::communication("follow-up-email", "Next steps", body, "ana");
        PendingApproval::submit(DraftId::new(), new, now())
            .unwrap()
            .0
    }

    #[test]
    fn two_yes_answers_approve_and_only_approved_drafts_send() {
        let p = pending("Dear Ana,\n\nThanks for the call today.");
        let Decision::Approved(a, edit) = approve(p, "ana", YES, None, now()).unwrap() else {
            panic!("not approved")
        };
        assert!(edit.is_none());
        let sent = a.send("ana", SendVia::Marked, None, now()).unwrap();
        assert_eq!(sent.draft().status, DraftStatus::Sent);
        assert_eq!(sent.sending().via, SendVia::Marked);
    }

    #[test]
    fn a_no_returns_the_draft_and_a_rewrite_is_needed_before_approval() {
        let p = pending("Dear Ana,\n\nThanks for the call today.");
        let no = RelationshipTest {
            sounds_like_me: false,
            reflects_what_mattered: true,
        };
        let Decision::Returned(mut p, _) =
            approve_with_note(p, "ben", no, None, "too stiff", now()).unwrap()
        else {
            panic!("not returned")
        };
        assert_eq!(p.draft().status, DraftStatus::Returned);
        assert!(
            p.draft()
                .review
                .as_ref()
                .unwrap()
                .note
                .starts_with("too stiff")
        );
        // Approving the same text again is refused.
        let err = approve(p.clone(), "ben", YES, None, now()).unwrap_err();
        assert_eq!(err, DraftError::Refused(Refusal::NotRewritten));
        // A new subject line alone is not a rewrite.
        p.edit(
            "ana",
            Some("Line trial: next steps"),
            &p.draft().body.clone(),
            now(),
        )
        .unwrap();
        assert_eq!(p.draft().status, DraftStatus::Returned);
        let err = approve(p.clone(), "ben", YES, None, now()).unwrap_err();
        assert_eq!(err, DraftError::Refused(Refusal::NotRewritten));
        p.edit(
            "ana",
            None,
            "Ana, thanks for walking me through the line trial.",
            now(),
        )
        .unwrap();
        assert_eq!(p.draft().status, DraftStatus::Pending);
        assert!(matches!(
            approve(p, "ben", YES, None, now()).unwrap(),
            Decision::Approved(..)
        ));
    }

    #[test]
    fn open_passages_refuse_approval_until_written() {
        let mut new = NewDraft::communication(
            "proposal",
            "Proposal",
            "1. Scope\n\n[[AM: why our approach fits their plant]]\n\n3. Terms",
            "ana",
        );
        new.structure_only = true;
        let (p, _) = PendingApproval::submit(DraftId::new(), new, now()).unwrap();
        let err = approve(p.clone(), "ana", YES, None, now()).unwrap_err();
        let DraftError::Refused(Refusal::OpenPassages { passages }) = err else {
            panic!("{err:?}")
        };
        assert_eq!(passages, ["why our approach fits their plant"]);
        let written = "1. Scope\n\nWe ran your line for two weeks in 2024.\n\n3. Terms";
        assert!(matches!(
            approve(p, "ana", YES, Some(written), now()).unwrap(),
            Decision::Approved(_, Some(_))
        ));
    }

    #[test]
    fn structure_only_drafts_must_mark_a_passage() {
        let mut new = NewDraft::communication("proposal", "Proposal", "All written by AI.", "ana");
        new.structure_only = true;
        assert_eq!(
            PendingApproval::submit(DraftId::new(), new, now()).unwrap_err(),
            DraftError::NoMarkedPassage
        );
    }

    #[test]
    fn top_tier_drafts_need_a_relationship_specific_sentence() {
        let body =
            "Dear Ana,\n\nThank you for the call today. I will send the revised quote by Friday.";
        let mut new = NewDraft::communication("follow-up-email", "Next steps", body, "ana");
        new.requires_personal_edit = true;
        let (p, _) = PendingApproval::submit(DraftId::new(), new, now()).unwrap();
        // Reflowing and deleting do not count.
        let reflowed = "Dear Ana,\n\nThank you for the call today.";
        assert_eq!(
            approve(p.clone(), "ana", YES, Some(reflowed), now()).unwrap_err(),
            DraftError::Refused(Refusal::NoPersonalSentence)
        );
        let personal = format!("{body} Give my best to the team in Leeds after the move.");
        assert!(matches!(
            approve(p, "ana", YES, Some(&personal), now()).unwrap(),
            Decision::Approved(..)
        ));
    }

    #[test]
    fn restore_refuses_an_approved_row_without_two_yes_answers() {
        let p = pending("Dear Ana, thanks.");
        let Decision::Approved(a, _) = approve(p, "ana", YES, None, now()).unwrap() else {
            panic!()
        };
        let mut d = a.draft().clone();
        assert!(matches!(
            DraftState::restore(d.clone()).unwrap(),
            DraftState::Approved(_)
        ));
        d.approval.as_mut().unwrap().answers.reflects_what_mattered = false;
        assert!(matches!(
            DraftState::restore(d.clone()),
            Err(DraftError::Inconsistent { .. })
        ));
        d.approval = None;
        d.status = DraftStatus::Sent;
        assert!(DraftState::restore(d).is_err());
    }

    #[test]
    fn deleting_markers_or_reflowing_writes_nothing() {
        let original = "Scope.\r\n\r\n[[AM: why our approach fits their plant]]\r\n\r\nTerms.";
        assert_eq!(
            written_words(
                original,
                "Scope.\n\nwhy our approach fits their plant\n\nTerms."
            ),
            0
        );
        assert_eq!(written_words(original, "Scope. Terms."), 0);
        assert_eq!(
            written_words(
                original,
                "Scope.\n\nWe rebuilt your Leeds line in 2024.\n\nTerms."
            ),
            7
        );
        let mut new = NewDraft::communication("proposal", "Proposal", original, "ana");
        new.structure_only = true;
        let (p, _) = PendingApproval::submit(DraftId::new(), new, now()).unwrap();
        let err = approve(p, "ana", YES, Some("Scope.\n\nTerms."), now()).unwrap_err();
        assert!(
            matches!(err, DraftError::Refused(Refusal::OpenPassages { .. })),
            "{err:?}"
        );
    }

    const FOLLOW_UP: &str = "Dear Rashid,\n\nThanks for the call on Tuesday.\n\
        [[AM: one sentence only you can write for this relationship]]\n\nWe agreed to trial the \
        new seals on line 2 from 3 March. I will send the revised quote by Friday.\n\n\
        With kind regards,\nRashid Xu\nBrightwater Industrial Supply";

    fn filled(passage: &str) -> String {
        let (head, rest) = FOLLOW_UP.split_once("[[AM:").unwrap();
        format!("{head}{passage}{}", rest.split_once("]]").unwrap().1)
    }

    #[test]
    fn copying_the_drafts_own_text_into_a_passage_writes_nothing() {
        let w = |p: &str| written_words(FOLLOW_UP, &filled(p));
        assert_eq!(
            w("With kind regards, Rashid Xu, Brightwater Industrial Supply."),
            0
        );
        assert_eq!(
            w(
                "We agreed to trial the new seals on line 2 from 3 March. I will send the revised quote by Friday."
            ),
            0
        );
        assert_eq!(
            w("ONE sentence only you can write for this relationship"),
            0
        );
        assert!(
            w("Rashid, your crew at Brightwater turned the recall around in one weekend.") >= 4
        );
        assert!(w("Your team made this easy.") >= 4);
        assert!(w("Thank you for the tour of the Leeds plant.") >= 4);
        assert!(w("Great to meet.") < 4);
    }

    #[test]
    fn approval_refuses_a_passage_filled_with_copied_or_too_few_words() {
        let new = NewDraft::communication("follow-up-email", "Next steps", FOLLOW_UP, "ana");
        let (p, _) = PendingApproval::submit(DraftId::new(), new, now()).unwrap();
        for bad in [
            "With kind regards, Rashid Xu, Brightwater Industrial Supply.",
            "We agreed to trial the new seals on line 2 from 3 March. I will send the revised quote by Friday.",
            "Great to meet.",
        ] {
            let err = approve(p.clone(), "ana", YES, Some(&filled(bad)), now()).unwrap_err();
            assert!(
                matches!(err, DraftError::Refused(Refusal::OpenPassages { .. })),
                "{bad}: {err:?}"
            );
        }
        let good =
            filled("Rashid, your crew at Brightwater turned the recall around in one weekend.");
        assert!(matches!(
            approve(p, "ana", YES, Some(&good), now()).unwrap(),
            Decision::Approved(..)
        ));
    }

    #[test]
    fn unclosed_markers_count_as_open() {
        assert_eq!(open_passages("a [[AM: write this\nb"), ["write this"]);
        assert!(open_passages("no markers [[ here ]]").is_empty());
    }
}
