//! The JSON API's reading and reviewing routes, each scoped by [`Scope`]: a record the caller
//! may not see answers 404 (as if it did not exist), and a change the caller may not make
//! answers 403. Approving goes through [`crate::review`], the path the CLI takes.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Json, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use roomwork_domain::{AccountId, DraftState, RelationshipTest, Role};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::review::{self, ReviewError, Reviewed};
use crate::scope::Scope;
use crate::{ApiError, App, caller, internal};

fn not_found(what: &str) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, format!("no {what} with that id"))
}

async fn scope(
    app: &App,
    headers: &HeaderMap,
    method: &Method,
    token_scope: &str,
) -> Result<Scope, ApiError> {
    let c = caller(app, headers, method, token_scope).await?;
    Scope::load(&*app.store, c.user).await.map_err(internal)
}

/// The draft with that id, if the caller may see it.
async fn visible_draft(app: &App, s: &Scope, id: &str) -> Result<roomwork_domain::Draft, ApiError> {
    s.find_draft(&*app.store, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| not_found("draft"))
}

pub(crate) async fn draft(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s = scope(&app, &headers, &method, "drafts:read").await?;
    let d = visible_draft(&app, &s, &id).await?;
    let revisions = app.store.draft_revisions(d.id).await.map_err(internal)?;
    let outstanding = match DraftState::restore(d.clone()) {
        Ok(DraftState::Pending(p)) => p.outstanding(),
        _ => Vec::new(),
    };
    Ok(Json(json!({
        "draft": d,
        "outstanding": outstanding,
        "revisions": revisions,
        "relationship_test": RelationshipTest::QUESTIONS,
        "may_approve": s.may_approve(&d),
    })))
}

/// The relationship test's answers, with the reviewer's final text and note.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Approval {
    sounds_like_me: bool,
    reflects_what_mattered: bool,
    body: Option<String>,
    #[serde(default)]
    note: String,
}

fn review_error(e: ReviewError) -> ApiError {
    match e {
        ReviewError::WrongStatus(m) => ApiError(StatusCode::CONFLICT, m),
        ReviewError::Forbidden(m) => ApiError(StatusCode::FORBIDDEN, m),
        ReviewError::Invalid(m) => ApiError(StatusCode::UNPROCESSABLE_ENTITY, m),
        ReviewError::Refused(m) => ApiError(StatusCode::UNPROCESSABLE_ENTITY, m),
        ReviewError::Store(e) => internal(format!("{e:#}")),
    }
}

/// A body that could not be read as JSON: 400 (not JSON), 413 (too large), 415 (not
/// `application/json`) or 422 (JSON of the wrong shape), as axum classifies it.
fn body_error(e: JsonRejection) -> ApiError {
    ApiError(e.status(), e.body_text())
}

/// The relationship test as a signed-in person puts it: only the draft's approver
/// ([`Scope::may_approve`]); approving a CRM update changes its deal, so only a deal the person
/// may see (a deal on their account may be another rep's; returning it changes nothing); the
/// pipeline re-evaluated for an applied change. The API and the inbox page both approve here.
pub(crate) async fn approve_as(
    app: &App,
    s: &Scope,
    d: &roomwork_domain::Draft,
    answers: RelationshipTest,
    body: Option<&str>,
    note: &str,
) -> Result<Reviewed, ReviewError> {
    if !s.may_approve(d) {
        return Err(ReviewError::Forbidden(
            "only the account's own account manager puts a draft to the relationship test".into(),
        ));
    }
    if answers.passed()
        && let Some(c) = &d.change
    {
        let deal = app.store.opportunity(c.opportunity_id).await?;
        if !s.owner(deal.owner) {
            return Err(ReviewError::Forbidden(
                "the deal this CRM update changes belongs to another rep".into(),
            ));
        }
    }
    let reviewed =
        review::approve(&*app.store, d, s.user.email.as_str(), answers, body, note).await?;
    if let Reviewed::Approved {
        applied: Some(x), ..
    } = &reviewed
    {
        let deals: HashSet<_> = std::iter::once(x.opportunity().id).collect();
        app.site.hooks.deals_changed(&*app.store, deals).await;
    }
    Ok(reviewed)
}

pub(crate) async fn approve(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<Approval>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let s = scope(&app, &headers, &method, "drafts:write").await?;
    let d = visible_draft(&app, &s, &id).await?;
    let Json(a) = body.map_err(body_error)?;
    let answers = RelationshipTest {
        sounds_like_me: a.sounds_like_me,
        reflects_what_mattered: a.reflects_what_mattered,
    };
    let reviewed = approve_as(&app, &s, &d, answers, a.body.as_deref(), &a.note)
        .await
        .map_err(review_error)?;
    let outcome = reviewed.outcome();
    let draft = match reviewed {
        Reviewed::Approved { draft, .. } | Reviewed::Returned(draft) => draft,
    };
    Ok(Json(json!({ "outcome": outcome, "draft": draft })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rejection {
    reason: String,
}

pub(crate) async fn reject(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<Rejection>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let s = scope(&app, &headers, &method, "drafts:write").await?;
    let d = visible_draft(&app, &s, &id).await?;
    let Json(r) = body.map_err(body_error)?;
    let d = review::reject(&*app.store, &d, s.user.email.as_str(), &r.reason)
        .await
        .map_err(review_error)?;
    Ok(Json(json!({ "outcome": "rejected", "draft": d })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewRevision {
    subject: Option<String>,
    body: String,
}

pub(crate) async fn revise(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<NewRevision>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let s = scope(&app, &headers, &method, "drafts:write").await?;
    let d = visible_draft(&app, &s, &id).await?;
    // The text is the account manager's to rewrite: a revision counts toward "rewritten after
    // a return" and "a sentence only you could write".
    if !s.may_approve(&d) {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "only the account's own account manager revises a draft's text".into(),
        ));
    }
    let Json(r) = body.map_err(body_error)?;
    let d = review::edit(
        &*app.store,
        &d,
        s.user.email.as_str(),
        r.subject.as_deref(),
        &r.body,
    )
    .await
    .map_err(review_error)?;
    Ok(Json(json!({ "outcome": "edited", "draft": d })))
}

/// An account as the list shows it.
#[derive(Serialize)]
pub(crate) struct AccountLine {
    id: AccountId,
    name: String,
    tier: Option<String>,
    health: String,
    health_reason: Option<String>,
    owner: Option<String>,
}

pub(crate) async fn accounts(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Json<Vec<AccountLine>>, ApiError> {
    let s = scope(&app, &headers, &method, "accounts:read").await?;
    let mut out: Vec<AccountLine> = s
        .accounts
        .values()
        .filter(|a| s.owner(a.owner))
        .map(|a| AccountLine {
            id: a.id,
            name: a.name.clone(),
            tier: a.tier.as_ref().map(|t| t.as_str().to_string()),
            health: a.health.as_str().to_string(),
            health_reason: a.health_reason.clone(),
            owner: s.rep_name(a.owner).map(str::to_string),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(out))
}

pub(crate) async fn account(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s = scope(&app, &headers, &method, "accounts:read").await?;
    let id: AccountId = id.parse().map_err(|_| not_found("account"))?;
    let a = s
        .accounts
        .get(&id)
        .filter(|a| s.owner(a.owner))
        .ok_or_else(|| not_found("account"))?;
    let deals: Vec<_> = app
        .store
        .opportunities(false)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|o| o.account_id == Some(id) && s.owner(o.owner))
        .collect();
    let issues: Vec<_> = app
        .store
        .issues()
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|i| i.account_id == id)
        .collect();
    Ok(Json(
        json!({ "account": a, "owner": s.rep_name(a.owner), "deals": deals, "issues": issues }),
    ))
}

pub(crate) async fn deals(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Json<Vec<roomwork_domain::Opportunity>>, ApiError> {
    let s = scope(&app, &headers, &method, "deals:read").await?;
    let all = app.store.opportunities(false).await.map_err(internal)?;
    Ok(Json(all.into_iter().filter(|o| s.owner(o.owner)).collect()))
}

pub(crate) async fn leads(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Json<Vec<Value>>, ApiError> {
    let s = scope(&app, &headers, &method, "leads:read").await?;
    let leads: Vec<_> = app
        .store
        .leads()
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|l| s.owner(l.owner))
        .collect();
    // The latest score of each lead.
    let mut scores: std::collections::HashMap<_, roomwork_store::ScoreRecord> =
        std::collections::HashMap::new();
    for sc in app.store.lead_scores(None).await.map_err(internal)? {
        let newer = scores
            .get(&sc.lead_id)
            .is_none_or(|old| old.scored_at <= sc.scored_at);
        if newer {
            scores.insert(sc.lead_id, sc);
        }
    }
    Ok(Json(
        leads
            .into_iter()
            .map(|l| {
                let score = scores.remove(&l.id);
                json!({ "lead": l, "score": score })
            })
            .collect(),
    ))
}

pub(crate) async fn calls(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Json<Vec<roomwork_store::CallRecord>>, ApiError> {
    let s = scope(&app, &headers, &method, "calls:read").await?;
    let all = app.store.calls(false).await.map_err(internal)?;
    Ok(Json(
        all.into_iter()
            .filter(|c| match c.account_id {
                Some(a) => s.account(Some(a)),
                None => s.owner(c.rep_id),
            })
            .collect(),
    ))
}

pub(crate) async fn audit(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let c = caller(&app, &headers, &method, "audit:read").await?;
    if !matches!(c.user.role, Role::SalesOps | Role::Admin) {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "the audit trail is for sales ops and admins".into(),
        ));
    }
    let records = app.store.audit_records().await.map_err(internal)?;
    let verified = roomwork_store::audit::verify(&records);
    let recent: Vec<_> = records.iter().rev().take(500).collect();
    Ok(Json(json!({
        "records": records.len(),
        "chain_intact": verified.problems.is_empty(),
        "problems": verified.problems.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>(),
        "recent": recent,
    })))
}
