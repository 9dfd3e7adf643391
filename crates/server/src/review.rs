//! Approving, returning, editing and rejecting a waiting draft: the one path the CLI's
//! `roomwork inbox` and the web app's inbox (page and API) share. Every step goes through the
//! typed states of `roomwork_domain::draft` (only `approve` makes an `Approved`) and is
//! written with its audit record in one transaction; a refused approval is audited too.

use std::ops::Not as _;

use chrono::Utc;
use roomwork_domain::{
    AppliedChange, Decision, Draft, DraftError, DraftId, DraftState, RelationshipTest,
    approve_with_note,
};
use roomwork_store::{AuditEntry, InboxWrite, Store};

/// What went wrong with a review action.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The action does not apply to the draft as it is (an empty text, an edit that changes
    /// nothing).
    #[error("{0}")]
    Invalid(String),
    /// Not in this status (approved, rejected, sent).
    #[error("{0}")]
    WrongStatus(String),
    /// Not the person's to do (the web app and the API check who asks; the CLI does not).
    #[error("{0}")]
    Forbidden(String),
    /// The relationship-test gate (or the deal having moved) refused it; audited.
    #[error("{0}")]
    Refused(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

impl From<roomwork_store::StoreError> for ReviewError {
    fn from(e: roomwork_store::StoreError) -> Self {
        Self::Store(e.into())
    }
}

fn refusal(e: DraftError) -> ReviewError {
    match e {
        DraftError::Empty(_) | DraftError::Unchanged | DraftError::NoMarkedPassage => {
            ReviewError::Invalid(e.to_string())
        }
        DraftError::WrongStatus { .. } => ReviewError::WrongStatus(e.to_string()),
        _ => ReviewError::Refused(e.to_string()),
    }
}

/// SHA-256 of a text, hex (the audit trail records texts by their hash).
pub fn sha256(text: &str) -> String {
    crate::auth::sha256_hex(text)
}

/// An audit entry about a draft.
pub fn entry(actor: &str, action: &str, d: &Draft, detail: serde_json::Value) -> AuditEntry {
    AuditEntry::new(actor, action, format!("draft {}", d.id), detail)
}

/// The last 8 characters of the id (the random part of a UUIDv7).
pub fn short(id: DraftId) -> String {
    let s = id.to_string();
    s[s.len() - 8..].to_string()
}

fn pending(d: &Draft, wanted: &str) -> Result<roomwork_domain::PendingApproval, ReviewError> {
    match DraftState::restore(d.clone()).map_err(|e| ReviewError::Store(anyhow::anyhow!(e)))? {
        DraftState::Pending(p) => Ok(p),
        _ => Err(ReviewError::WrongStatus(format!(
            "draft {} is {}; {wanted}",
            short(d.id),
            d.status
        ))),
    }
}

/// Two texts that differ only in line ends (CRLF, CR, LF) and in a leading newline.
pub fn same_text(a: &str, b: &str) -> bool {
    let norm = |t: &str| t.replace("\r\n", "\n").replace('\r', "\n");
    norm(a).trim_start_matches('\n') == norm(b).trim_start_matches('\n')
}

/// What an approval did.
pub enum Reviewed {
    /// Approved (and, for a CRM update, applied to its deal in the same transaction).
    Approved {
        /// The approved draft.
        draft: Draft,
        /// The deal change written with it.
        applied: Option<Box<AppliedChange>>,
    },
    /// A "no" to a question: returned for rewriting.
    Returned(Draft),
}

impl Reviewed {
    /// `applied`, `approved` or `returned`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Reviewed::Approved {
                applied: Some(_), ..
            } => "applied",
            Reviewed::Approved { .. } => "approved",
            Reviewed::Returned(_) => "returned",
        }
    }
}

/// Puts the relationship test to a waiting draft: two "yes" answers (and nothing
/// outstanding) approve it, with `body` as the reviewer's final text when it differs; a "no"
/// returns it. A CRM update is approved as drafted and applied to its deal in the same
/// transaction. The caller re-evaluates the pipeline for an applied deal.
pub async fn approve(
    store: &dyn Store,
    d: &Draft,
    by: &str,
    answers: RelationshipTest,
    body: Option<&str>,
    note: &str,
) -> Result<Reviewed, ReviewError> {
    let p = pending(d, "only a pending or returned draft can be approved")?;
    // A text box that comes back unchanged is not an edit (a browser sends CRLF line ends,
    // and drops a newline right after `<textarea>`).
    let body = body.filter(|b| same_text(b, &d.body).not());
    if d.change.is_some() && body.is_some() {
        return Err(ReviewError::Invalid(
            "a CRM update is approved as drafted (its text shows the change it applies): reject it and draft it again from corrected notes".into(),
        ));
    }
    let decision = match approve_with_note(p, by, answers, body, note, Utc::now()) {
        Ok(x) => x,
        Err(e) => {
            store
                .audit_append(&entry(
                    by,
                    "draft.approval_refused",
                    d,
                    serde_json::json!({"answers": answers, "refused": e.to_string()}),
                ))
                .await?;
            return Err(refusal(e));
        }
    };
    match decision {
        Decision::Approved(approved, edit) => {
            let a = approved.approval();
            let applied = match &approved.draft().change {
                Some(c) => {
                    let current = store.opportunity(c.opportunity_id).await?;
                    approved.apply_to(&current, Utc::now()).map_err(refusal)?
                }
                None => None,
            };
            let detail = serde_json::json!({
                "answers": a.answers,
                "note": note,
                "revision": approved.draft().revision,
                "edited_in_approval": edit.is_some(),
                "text_sha256": sha256(&approved.draft().body),
                "personally_edited": approved.draft().personally_edited(),
                "applied_to": applied.as_ref().map(|x| x.opportunity().id),
            });
            store
                .inbox_write(
                    InboxWrite::Approve {
                        approved: &approved,
                        revision: edit.as_ref(),
                        applied: applied.as_ref(),
                    },
                    &entry(by, "draft.approved", approved.draft(), detail),
                )
                .await?;
            Ok(Reviewed::Approved {
                draft: approved.draft().clone(),
                applied: applied.map(Box::new),
            })
        }
        Decision::Returned(pending, edit) => {
            let detail = serde_json::json!({
                "answers": answers,
                "note": pending.draft().review.as_ref().map(|r| r.note.clone()),
                "revision": pending.draft().revision,
            });
            store
                .inbox_write(
                    InboxWrite::Return {
                        pending: &pending,
                        revision: edit.as_ref(),
                    },
                    &entry(by, "draft.returned", pending.draft(), detail),
                )
                .await?;
            Ok(Reviewed::Returned(pending.draft().clone()))
        }
    }
}

/// Rejects a waiting draft with a reason.
pub async fn reject(
    store: &dyn Store,
    d: &Draft,
    by: &str,
    reason: &str,
) -> Result<Draft, ReviewError> {
    if reason.trim().is_empty() {
        return Err(ReviewError::Invalid(
            "say why the draft is rejected (the reason is kept in the audit trail)".into(),
        ));
    }
    let p = pending(d, "only a pending or returned draft can be rejected")?;
    let rejected = p.reject(by, reason, Utc::now()).map_err(refusal)?;
    store
        .inbox_write(
            InboxWrite::Reject(&rejected),
            &entry(
                by,
                "draft.rejected",
                rejected.draft(),
                serde_json::json!({"reason": reason}),
            ),
        )
        .await?;
    Ok(rejected.draft().clone())
}

/// Saves a new revision of a waiting draft's text (and subject).
pub async fn edit(
    store: &dyn Store,
    d: &Draft,
    by: &str,
    subject: Option<&str>,
    body: &str,
) -> Result<Draft, ReviewError> {
    if d.change.is_some() {
        return Err(ReviewError::Invalid(
            "a CRM update's text shows the change it carries and is not edited: reject it and draft it again from corrected notes".into(),
        ));
    }
    let mut p = pending(d, "only a pending or returned draft can be edited")?;
    let rev = p.edit(by, subject, body, Utc::now()).map_err(refusal)?;
    let detail = serde_json::json!({
        "revision": rev.number,
        "text_sha256": sha256(&rev.body),
        "subject": rev.subject,
    });
    store
        .inbox_write(
            InboxWrite::Edit {
                pending: &p,
                revision: &rev,
            },
            &entry(by, "draft.edited", p.draft(), detail),
        )
        .await?;
    Ok(p.draft().clone())
}
