//! The approval inbox: the drafts waiting for the person, each with its policy verdict,
//! what stands before approval, the evidence it was drafted from and the grounding check's
//! flags; approve (with the relationship test and an optional final edit), return or reject in
//! one form; and the requests the policy refused, with the rules and why.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use roomwork_domain::{Draft, DraftState, DraftStatus, RelationshipTest};
use roomwork_store::DraftFilter;
use serde::Deserialize;

use super::{Page, PageError, Viewer, check_form, markdown, notice, page, viewer};
use crate::App;
use crate::review::{self, ReviewError};
use crate::scope::Scope;

#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

fn status_label(s: DraftStatus) -> &'static str {
    match s {
        DraftStatus::Pending => "waiting",
        DraftStatus::Returned => "returned",
        DraftStatus::Approved => "approved",
        DraftStatus::Sent => "sent",
        DraftStatus::Rejected => "rejected",
    }
}

fn rows(s: &Scope, drafts: &[&Draft]) -> Markup {
    html! {
        table {
            thead { tr {
                th scope="col" { "Draft" } th scope="col" { "Task" } th scope="col" { "Account" }
                th scope="col" { "Status" } th scope="col" { "Entered" }
            } }
            tbody {
                @for d in drafts {
                    tr {
                        td { a href={"/inbox/" (d.id)} { (d.subject) } }
                        td { (d.task) }
                        td { (s.account_name(d.account_id).unwrap_or("—")) }
                        td { span class={"status " (status_label(d.status))} { (status_label(d.status)) } }
                        td { (d.created_at.format("%Y-%m-%d")) }
                    }
                }
            }
        }
    }
}

async fn list(State(app): State<Arc<App>>, headers: HeaderMap, Query(q): Query<Done>) -> Page {
    let v = viewer(&app, &headers, "/inbox").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let all = app.store.drafts(DraftFilter::default()).await?;
    let visible: Vec<&Draft> = all.iter().filter(|d| s.draft(d)).collect();
    let mut yours: Vec<&Draft> = visible
        .iter()
        .copied()
        .filter(|d| matches!(d.status, DraftStatus::Pending | DraftStatus::Returned))
        .collect();
    yours.sort_by_key(|d| std::cmp::Reverse(d.created_at));
    let (mine, others): (Vec<&Draft>, Vec<&Draft>) =
        yours.into_iter().partition(|d| s.may_approve(d));
    let mut decided: Vec<&Draft> = visible
        .iter()
        .copied()
        .filter(|d| !matches!(d.status, DraftStatus::Pending | DraftStatus::Returned))
        .collect();
    decided.sort_by_key(|d| std::cmp::Reverse(d.updated_at));
    decided.truncate(15);
    // Refusals: the audit records of requests the policy refused, for accounts the person sees.
    let mut by_name: HashMap<&str, Vec<_>> = HashMap::new();
    for a in s.accounts.values() {
        by_name.entry(a.name.as_str()).or_default().push(a.id);
    }
    let records = app.store.audit_find("draft.refused", None, None).await?;
    let refused: Vec<_> = records
        .iter()
        // Names are not unique: a refusal shows only when every account of its name is the
        // person's to see.
        .filter(|r| match by_name.get(r.subject.as_str()) {
            Some(ids) => ids.iter().all(|id| s.account(Some(*id))),
            None => super::is_ops(&s.user),
        })
        .take(15)
        .collect();
    Ok(page(
        &v,
        "Approval inbox",
        "/inbox",
        html! {
            (notice(q.done.as_deref()))
            section aria-labelledby="yours" {
                h2 #yours { "Waiting for your relationship test (" (mine.len()) ")" }
                @if mine.is_empty() {
                    p { "Nothing waits for you." }
                } @else { (rows(&s, &mine)) }
            }
            @if !others.is_empty() {
                section aria-labelledby="others" {
                    h2 #others { "Waiting for their account managers (" (others.len()) ")" }
                    p.hint { "You can read and reject these; only the account's own account manager approves." }
                    (rows(&s, &others))
                }
            }
            section aria-labelledby="refused" {
                h2 #refused { "Refused by the policy" }
                @if refused.is_empty() {
                    p { "No request has been refused." }
                } @else {
                    ul.refusals {
                        @for r in &refused {
                            @let d: serde_json::Value = serde_json::from_str(&r.detail).unwrap_or_default();
                            li {
                                strong { (if r.subject.is_empty() { "(no account)" } else { r.subject.as_str() }) }
                                " · " (r.time().map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default())
                                " · asked by " (r.actor)
                                @if let Some(w) = d.get("workflow").and_then(|w| w.as_str()) { " · " (w) }
                                p { (d["verdict"]["reason"].as_str().unwrap_or("")) }
                                @if let Some(fs) = d["verdict"]["findings"].as_array() {
                                    ul { @for f in fs { li { (f["title"].as_str().unwrap_or("")) } } }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="decided" {
                h2 #decided { "Recently decided" }
                @if decided.is_empty() { p { "Nothing yet." } } @else { (rows(&s, &decided)) }
            }
        },
    ))
}

/// The draft `id`, if the person may see it.
async fn visible(app: &App, s: &Scope, id: &str) -> Result<Draft, PageError> {
    s.find_draft(&*app.store, id)
        .await?
        .ok_or_else(|| PageError::Status(StatusCode::NOT_FOUND, "No such draft.".into()))
}

fn yes_no(name: &str, question: &str, n: usize) -> Markup {
    html! {
        fieldset.question {
            legend { (question) }
            label { input type="radio" name=(name) value="yes" required id={(name) "-yes"}; " Yes" }
            label { input type="radio" name=(name) value="no" id={(name) "-no"}; " No" }
            @if n == 0 { span.sr-only { "(question 1 of 2)" } } @else { span.sr-only { "(question 2 of 2)" } }
        }
    }
}

async fn render(
    app: &App,
    v: &Viewer,
    s: &Scope,
    d: &Draft,
    done: Option<&str>,
    error: Option<&str>,
    typed: Option<&str>,
) -> Page {
    let revisions = app.store.draft_revisions(d.id).await?;
    let outstanding = match DraftState::restore(d.clone()) {
        Ok(DraftState::Pending(p)) => p.outstanding(),
        _ => Vec::new(),
    };
    // The submission's audit record: the verdict's evidence and the grounding check's count.
    let subject = format!("draft {}", d.id);
    let submitted: Option<serde_json::Value> = app
        .store
        .audit_find("draft.submitted", Some(&subject), Some(1))
        .await?
        .into_iter()
        .next()
        .and_then(|r| serde_json::from_str(&r.detail).ok());
    let untraced = submitted
        .as_ref()
        .and_then(|x| x["workflow"]["untraced"].as_u64());
    let near: Vec<String> = submitted
        .as_ref()
        .and_then(|x| x["verdict"]["near_misses"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["title"].as_str().map(str::to_string))
        .collect();
    let open = matches!(d.status, DraftStatus::Pending | DraftStatus::Returned);
    let may_approve = open && s.may_approve(d);
    let body = html! {
        (notice(done))
        @if let Some(e) = error { p.error role="alert" { (e) } }
        dl.meta {
            dt { "Status" } dd { span class={"status " (status_label(d.status))} { (status_label(d.status)) } }
            dt { "Task" } dd { (d.task) }
            @if let Some(a) = d.account_id {
                dt { "Account" } dd { a href={"/accounts/" (a)} { (s.account_name(Some(a)).unwrap_or("?")) } }
            }
            @if let Some(to) = &d.recipient { dt { "To" } dd { (to) } }
            dt { "Written by" } dd {
                (d.origin.engine)
                @if let Some(m) = &d.origin.model { " (" (m) ")" }
                "; requested by " (d.requested_by) " on " (d.created_at.format("%Y-%m-%d %H:%M UTC"))
            }
            dt { "Policy" } dd { (d.verdict) }
        }
        @if d.structure_only {
            p.warn { "Protection rule 3: only the structure was drafted. The marked passages are yours to write." }
        }
        @if d.requires_personal_edit {
            p.warn {
                "Top-tier relationship: add or change a sentence that only you could write ("
                (if d.personally_edited() { "done" } else { "not yet" }) ")."
            }
        }
        @if !outstanding.is_empty() && open {
            section aria-labelledby="before" {
                h2 #before { "Before it can be approved" }
                ul { @for o in &outstanding { li { (o.to_string()) } } }
            }
        }
        section aria-labelledby="evidence" {
            h2 #evidence { "Evidence and grounding" }
            ul {
                @for i in &d.origin.inputs { li { "Drafted from " (i) } }
                @match untraced {
                    Some(0) => li.ok { "Grounding check: every name, number, date and quote was traced to these inputs." },
                    Some(n) => li.flag { "Grounding check: " (n) " claim(s) could not be traced to the inputs: check names, numbers and dates before approving." },
                    None => li { "No grounding check was recorded for this draft (it was submitted as written)." },
                }
                @for n in &near { li.flag { "Close to a protection rule: " (n) } }
            }
        }
        @if let Some(c) = &d.change {
            section aria-labelledby="change" {
                h2 #change { "The change it applies to the deal" }
                table {
                    thead { tr { th scope="col" { "Field" } th scope="col" { "Now" } th scope="col" { "After approval" } } }
                    tbody {
                        @if let Some(f) = &c.stage { tr { th scope="row" { "Stage" } td { (f.from) } td { (f.to) } } }
                        @if let Some(f) = &c.next_step { tr { th scope="row" { "Next step" } td { (f.from.as_deref().unwrap_or("—")) } td { (f.to.as_deref().unwrap_or("—")) } } }
                        @if let Some(f) = &c.next_step_date { tr { th scope="row" { "Next-step date" } td { (opt_date(f.from)) } td { (opt_date(f.to)) } } }
                        @if let Some(f) = &c.close_date { tr { th scope="row" { "Close date" } td { (opt_date(f.from)) } td { (opt_date(f.to)) } } }
                    }
                }
                @if let Some(r) = &c.stage_reason { p { "Why the stage: " (r) } }
            }
        }
        section aria-labelledby="text" {
            h2 #text { (d.subject) }
            article.draft { (markdown::render(&d.body, 3)) }
        }
        @if may_approve {
            section aria-labelledby="decide" {
                h2 #decide { "Approve, edit or return" }
                form method="post" action={"/inbox/" (d.id) "/approve"} {
                    input type="hidden" name="csrf" value=(v.csrf);
                    @if d.change.is_none() {
                        p {
                            label for="body" { "Final text (edit it here; your edit is kept as a revision)" }
                            // The browser drops a newline right after <textarea>: one is added
                            // so that a body starting with a newline comes back whole.
                            textarea #body name="body" rows="16" { "\n" (typed.unwrap_or(&d.body)) }
                        }
                    }
                    (yes_no("sounds_like_me", RelationshipTest::QUESTIONS[0], 0))
                    (yes_no("reflects_what_mattered", RelationshipTest::QUESTIONS[1], 1))
                    p {
                        label for="note" { "Note (optional; kept in the audit trail)" }
                        input #note type="text" name="note";
                    }
                    p { button #approve type="submit" { "Submit the relationship test" } }
                    p.hint { "Two yes answers approve it" (if d.change.is_some() { " and apply the change to the deal" } else { "" }) "; a no returns it for rewriting." }
                }
            }
        } @else if open {
            p.hint { "Only the account's own account manager puts this draft to the relationship test." }
        }
        @if open && s.may_change(d) {
            section aria-labelledby="reject" {
                h2 #reject { "Reject" }
                form method="post" action={"/inbox/" (d.id) "/reject"} {
                    input type="hidden" name="csrf" value=(v.csrf);
                    p {
                        label for="reason" { "Why (kept in the audit trail)" }
                        input #reason type="text" name="reason" required;
                    }
                    p { button.danger type="submit" { "Reject" } }
                }
            }
        }
        section aria-labelledby="revisions" {
            h2 #revisions { "Revisions" }
            ol { @for r in &revisions { li { (r.number) " by " (r.author) " on " (r.at.format("%Y-%m-%d %H:%M")) } } }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        page(v, &format!("Draft {}", review::short(d.id)), "/inbox", body),
    )
        .into_response())
}

fn opt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or("—".into(), |d| d.to_string())
}

async fn show(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Page {
    let v = viewer(&app, &headers, &format!("/inbox/{id}")).await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let d = visible(&app, &s, &id).await?;
    render(&app, &v, &s, &d, q.done.as_deref(), None, None).await
}

#[derive(Deserialize)]
pub(crate) struct ApproveForm {
    #[serde(default)]
    csrf: String,
    sounds_like_me: Option<String>,
    reflects_what_mattered: Option<String>,
    body: Option<String>,
    #[serde(default)]
    note: String,
}

/// The person's answer, or the question again.
fn yes(answer: Option<&str>) -> Option<bool> {
    match answer {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

/// A review action's outcome: back to the draft with a notice, or the page again with the
/// reason it was refused.
async fn after(
    app: &App,
    v: &Viewer,
    s: &Scope,
    d: &Draft,
    result: Result<&'static str, ReviewError>,
    typed: Option<&str>,
) -> Page {
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/inbox/{}?done={done}", d.id)).into_response()),
        Err(ReviewError::Store(e)) => Err(e.into()),
        Err(ReviewError::Forbidden(m)) => Err(PageError::Status(StatusCode::FORBIDDEN, m)),
        Err(e) => {
            let fresh = app.store.draft(d.id).await?;
            render(app, v, s, &fresh, None, Some(&e.to_string()), typed).await
        }
    }
}

async fn approve(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ApproveForm>,
) -> Page {
    let v = viewer(&app, &headers, &format!("/inbox/{id}")).await?;
    check_form(&v, &headers, &f.csrf)?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let d = visible(&app, &s, &id).await?;
    if !s.may_approve(&d) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Only the account's own account manager puts this draft to the relationship test."
                .into(),
        ));
    }
    let (Some(a), Some(b)) = (
        yes(f.sounds_like_me.as_deref()),
        yes(f.reflects_what_mattered.as_deref()),
    ) else {
        return render(
            &app,
            &v,
            &s,
            &d,
            None,
            Some("Answer both questions of the relationship test."),
            f.body.as_deref(),
        )
        .await;
    };
    // A browser sends CRLF line ends; the text is kept as the draft writes it.
    let body = f.body.map(|b| b.replace("\r\n", "\n"));
    let answers = RelationshipTest {
        sounds_like_me: a,
        reflects_what_mattered: b,
    };
    let result = crate::api::approve_as(&app, &s, &d, answers, body.as_deref(), &f.note)
        .await
        .map(|r| r.outcome());
    after(&app, &v, &s, &d, result, body.as_deref()).await
}

#[derive(Deserialize)]
pub(crate) struct RejectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn reject(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<RejectForm>,
) -> Page {
    let v = viewer(&app, &headers, &format!("/inbox/{id}")).await?;
    check_form(&v, &headers, &f.csrf)?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let d = visible(&app, &s, &id).await?;
    let result = review::reject(&*app.store, &d, v.user.email.as_str(), &f.reason)
        .await
        .map(|_| "rejected");
    after(&app, &v, &s, &d, result, None).await
}

pub(crate) fn routes() -> axum::Router<Arc<App>> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/inbox", get(list))
        .route("/inbox/{id}", get(show))
        .route("/inbox/{id}/approve", post(approve))
        .route("/inbox/{id}/reject", post(reject))
}
