//! Meetings (coaching metrics, trackers, moments, action items and the copilot's proposals),
//! leads (scores, explanations, routing), governance (models, thresholds, matrix, audit) and
//! the Foundation editor (validated before anything is written).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use roomwork_meetings::Analysis;
use roomwork_store::DraftFilter;
use serde::Deserialize;

use super::charts;
use super::{Page, PageError, check_form, is_ops, notice, page, viewer};
use crate::App;
use crate::scope::Scope;

fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

async fn meetings(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    let v = viewer(&app, &headers, "/meetings").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let mut calls: Vec<_> = app
        .store
        .calls(false)
        .await?
        .into_iter()
        .filter(|c| match c.account_id {
            Some(a) => s.account(Some(a)),
            None => s.owner(c.rep_id),
        })
        .collect();
    calls.sort_by_key(|c| std::cmp::Reverse(c.occurred_at));
    // Coaching: the reps' talk share per call, for the chart.
    let bars: Vec<(String, f64)> = calls
        .iter()
        .rev()
        .filter_map(|c| {
            Some((
                format!(
                    "{} {}",
                    c.occurred_at.format("%d %b"),
                    s.account_name(c.account_id).unwrap_or("?")
                ),
                c.rep_talk_ratio? * 100.0,
            ))
        })
        .collect();
    Ok(page(
        &v,
        "Meetings",
        "/meetings",
        html! {
            @if calls.is_empty() {
                p { "No analysed calls yet: roomwork meetings import FILE --account NAME." }
            } @else {
                (charts::bars("talk-chart", "Reps' share of the talk, per call (%)",
                    "The percentage of each call's talk time that was the rep's (the benchmark range is in meetings.toml and on each call's page)",
                    "% rep talk", &bars))
                table {
                    thead { tr {
                        th scope="col" { "Call" } th scope="col" { "Account" } th scope="col" { "Type" } th scope="col" { "Length" }
                        th scope="col" { "Rep talk" } th scope="col" { "Rep questions" } th scope="col" { "Risks" }
                    } }
                    tbody {
                        @for c in &calls {
                            tr {
                                td { a href={"/meetings/" (c.transcript_id)} { (c.occurred_at.format("%Y-%m-%d %H:%M")) } }
                                td { (s.account_name(c.account_id).unwrap_or("—")) }
                                td { (c.call_type.as_deref().unwrap_or("—")) }
                                td.num { (clock(c.duration_seconds)) }
                                td.num { (pct(c.rep_talk_ratio)) }
                                td.num { (c.rep_questions.map_or("—".into(), |q| q.to_string())) }
                                td { @if c.trust_repair { strong.flag { "complaint · " } } (c.risks.join(", ").replace('_', " ")) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn moments(title: &str, id: &str, list: &[roomwork_meetings::analyze::Moment]) -> Markup {
    html! {
        @if !list.is_empty() {
            section aria-labelledby=(id) {
                h2 id=(id) { (title) }
                ul { @for m in list { li { strong { (m.label.replace('_', " ")) } " at " (clock(m.at)) ", " (m.speaker) ": “" (m.quote) "”" } } }
            }
        }
    }
}

async fn meeting(State(app): State<Arc<App>>, headers: HeaderMap, Path(id): Path<String>) -> Page {
    let v = viewer(&app, &headers, &format!("/meetings/{id}")).await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let missing = || PageError::Status(StatusCode::NOT_FOUND, "No such call.".into());
    let c = app
        .store
        .calls(true)
        .await?
        .into_iter()
        .find(|c| c.transcript_id.to_string() == id)
        .filter(|c| match c.account_id {
            Some(a) => s.account(Some(a)),
            None => s.owner(c.rep_id),
        })
        .ok_or_else(missing)?;
    let a: Analysis = serde_json::from_str(&c.analysis).map_err(|e| {
        PageError::Status(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the stored analysis cannot be read: {e}"),
        )
    })?;
    // The copilot's proposals name the call among their inputs.
    let input = format!("store: call {}", c.transcript_id);
    let proposals: Vec<_> = app
        .store
        .drafts(DraftFilter::default())
        .await?
        .into_iter()
        .filter(|d| d.origin.inputs.iter().any(|i| i == &input) && s.draft(d))
        .collect();
    let mut trackers: HashMap<&str, usize> = HashMap::new();
    for m in &a.trackers {
        *trackers.entry(m.tracker.as_str()).or_default() += 1;
    }
    let mut trackers: Vec<_> = trackers.into_iter().collect();
    trackers.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let title = format!(
        "{} call, {}",
        c.call_type.as_deref().unwrap_or("Recorded"),
        s.account_name(c.account_id).unwrap_or("no account")
    );
    Ok(page(
        &v,
        &title,
        "/meetings",
        html! {
            dl.meta {
                dt { "When" } dd { (c.occurred_at.format("%Y-%m-%d %H:%M UTC")) " · " (clock(c.duration_seconds)) }
                dt { "Rep" } dd { (s.rep_name(c.rep_id).unwrap_or("—")) }
                dt { "Customer" } dd { (c.customer_people.join(", ")) }
                @if c.trust_repair { dt { "Trust repair" } dd.flag { "A complaint was raised: the copilot drafts no follow-up, only a briefing for you." } }
            }
            section aria-labelledby="summary" {
                h2 #summary { "Summary" }
                ul { @for l in a.abstractive_summary.as_ref().unwrap_or(&a.summary) { li { (l) } } }
            }
            section aria-labelledby="coaching" {
                h2 #coaching { "Coaching metrics" }
                table {
                    thead { tr { th scope="col" { "Metric" } th scope="col" { "Value" } th scope="col" { "Benchmark" } th scope="col" { "" } } }
                    tbody { @for b in &a.benchmarks { tr { th scope="row" { (b.metric) } td.num { (format!("{:.2}", b.value)) } td { (b.benchmark) } td { (b.verdict) } } } }
                }
            }
            @if !trackers.is_empty() {
                (charts::bars("trackers", "Tracked topics: mentions in this call", "How often each tracked topic came up", "mentions",
                    &trackers.iter().map(|(t, n)| (t.to_string(), *n as f64)).collect::<Vec<_>>()))
            }
            (moments("Key moments", "moments", &a.key_moments))
            (moments("Deal risks", "risks", &a.risks))
            (moments("Buying signals", "signals", &a.signals))
            @if !a.action_items.is_empty() {
                section aria-labelledby="actions" {
                    h2 #actions { "Action items" }
                    ul { @for i in &a.action_items { li { strong { (i.owner) } ": " (i.text) @if let Some(d) = &i.due { " (due " (d) ")" } " · " (clock(i.at)) } } }
                }
            }
            section aria-labelledby="proposals" {
                h2 #proposals { "The copilot's proposals" }
                @if proposals.is_empty() { p { "None: roomwork meetings propose " (c.transcript_id) " asks for them." } } @else {
                    ul { @for d in &proposals { li { a href={"/inbox/" (d.id)} { (d.subject) } " · " (d.task) " · " (d.status.as_str()) } } }
                }
            }
        },
    ))
}

async fn leads(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    let v = viewer(&app, &headers, "/leads").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let leads: HashMap<_, _> = app
        .store
        .leads()
        .await?
        .into_iter()
        .filter(|l| s.owner(l.owner))
        .map(|l| (l.id, l))
        .collect();
    let mut latest: HashMap<_, roomwork_store::ScoreRecord> = HashMap::new();
    for sc in app.store.lead_scores(None).await? {
        if leads.contains_key(&sc.lead_id)
            && latest
                .get(&sc.lead_id)
                .is_none_or(|o| o.scored_at <= sc.scored_at)
        {
            latest.insert(sc.lead_id, sc);
        }
    }
    let mut scored: Vec<_> = latest.into_values().collect();
    scored.sort_by(|a, b| {
        b.scored_at
            .cmp(&a.scored_at)
            .then(b.probability.total_cmp(&a.probability))
    });
    let mut bins = [0usize; 10];
    for sc in &scored {
        bins[((sc.probability * 10.0) as usize).min(9)] += 1;
    }
    let hist: Vec<(String, f64)> = bins
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("{}–{}%", i * 10, i * 10 + 10), *n as f64))
        .collect();
    let factors = |json: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        v.as_array()
            .map(|a| {
                a.iter()
                    .take(3)
                    .filter_map(|f| {
                        let name = f["feature"].as_str().or_else(|| f["name"].as_str())?;
                        let value = f["value"].as_str().unwrap_or("");
                        let effect = f["contribution"]
                            .as_f64()
                            .or_else(|| f["effect"].as_f64())
                            .unwrap_or(0.0);
                        Some(format!(
                            "{name} {value} ({})",
                            if effect >= 0.0 { "raises" } else { "lowers" }
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    };
    Ok(page(
        &v,
        "Leads",
        "/leads",
        html! {
            p.hint { (leads.len()) " leads; " (scored.len()) " scored. Scored as they arrive (POST /api/v1/leads) or with roomwork leads score." }
            @if !scored.is_empty() {
                (charts::bars("lead-scores", "Scored leads by probability of converting", "How many scored leads fall in each band of conversion probability", "leads", &hist))
            }
            table {
                thead { tr {
                    th scope="col" { "Lead" } th scope="col" { "Company" } th scope="col" { "Probability" }
                    th scope="col" { "What moved it" } th scope="col" { "Routed to" } th scope="col" { "Why" }
                } }
                tbody {
                    @for sc in scored.iter().take(100) {
                        @let l = &leads[&sc.lead_id];
                        tr {
                            td { (l.name) @if let Some(t) = &l.title { br; span.hint { (t) } } }
                            td { (l.company.as_deref().unwrap_or("—")) }
                            td.num { (format!("{:.0}%", sc.probability * 100.0)) @if sc.prior { br; span.hint { "prior" } } }
                            td { (factors(&sc.factors)) }
                            td { (s.rep_name(sc.rep_id).unwrap_or(sc.queue.as_str())) }
                            td { (sc.reason) }
                        }
                    }
                }
            }
            @if scored.len() > 100 { p.hint { "The 100 latest of " (scored.len()) "; all of them: GET /api/v1/leads or roomwork leads list --json." } }
        },
    ))
}

fn ops_only(v: &super::Viewer) -> Result<(), PageError> {
    if is_ops(&v.user) {
        Ok(())
    } else {
        Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "This page is for sales ops and admins.".into(),
        ))
    }
}

fn data_dir(app: &App) -> Option<std::path::PathBuf> {
    app.site.data_dir.clone()
}

async fn governance(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    let v = viewer(&app, &headers, "/governance").await?;
    ops_only(&v)?;
    let models = app.store.lead_models().await?;
    let threshold = app.store.setting("leads.alert_threshold").await?;
    let deal_models = app.store.deal_models().await?;
    let matrix = match data_dir(&app) {
        Some(d) => crate::records::load_matrix(&d)?,
        None => roomwork_policy::Matrix::default(),
    };
    let records = app.store.audit_records().await?;
    let verified = roomwork_store::audit::verify(&records);
    let signals_toml =
        data_dir(&app).and_then(|d| std::fs::read_to_string(d.join("signals.toml")).ok());
    Ok(page(
        &v,
        "Governance",
        "/governance",
        html! {
            section aria-labelledby="models" {
                h2 #models { "Lead-scoring models" }
                table {
                    thead { tr { th scope="col" { "Version" } th scope="col" { "Status" } th scope="col" { "Trained" } th scope="col" { "Engine" } th scope="col" { "Held-out AUC" } th scope="col" { "Promoted by" } } }
                    tbody {
                        @for m in models.iter().rev() {
                            @let eval: serde_json::Value = serde_json::from_str(&m.evaluation).unwrap_or_default();
                            tr {
                                td.num { (m.version) }
                                td { (format!("{:?}", m.status).to_lowercase()) }
                                td { (m.created_at.format("%Y-%m-%d")) " by " (m.trained_by) }
                                td { (m.engine) }
                                td.num { (held_out_auc(&eval).map_or("—".into(), |a| format!("{a:.3}"))) }
                                td { (m.promoted_by.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
                p { "Alert threshold: " (threshold.map_or("not set (the default)".into(), |t| t)) }
                p.hint { "Promote, set thresholds and recalibrate with roomwork leads promote|threshold|recalibrate; every change is audited." }
            }
            section aria-labelledby="deal-models" {
                h2 #deal-models { "Deal-score models" }
                ul { @for m in deal_models.iter().rev().take(10) { li { "Version " (m.version) ", " (m.engine) ", trained " (m.created_at.format("%Y-%m-%d")) " by " (m.trained_by) } } }
            }
            section aria-labelledby="thresholds" {
                h2 #thresholds { "Pipeline signal thresholds" }
                @match &signals_toml {
                    Some(t) => pre { (t) },
                    None => p { "The built-in thresholds (no signals.toml in the data directory): roomwork pipeline signals shows them." },
                }
            }
            section aria-labelledby="matrix" {
                h2 #matrix { "Responsibility matrix" }
                table {
                    thead { tr { th scope="col" { "Task" } th scope="col" { "Category" } th scope="col" { "Customer-facing" } } }
                    tbody { @for t in matrix.tasks() { tr { td { (t.name) " (" (t.slug) ")" } td { (t.category.title()) } td { (if t.customer_facing { "yes" } else { "no" }) } } } }
                }
            }
            section aria-labelledby="audit" {
                h2 #audit { "Audit trail" }
                @if verified.problems.is_empty() {
                    p.notice { "The hash chain of " (records.len()) " records is intact." }
                } @else {
                    p.error role="alert" { "The chain is broken: " (verified.problems.len()) " problem(s). roomwork audit verify lists them." }
                }
                table {
                    thead { tr { th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "About" } } }
                    tbody {
                        @for r in records.iter().rev().take(100) {
                            tr {
                                td.num { (r.seq) }
                                td { (r.time().map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()) }
                                td { (r.actor) } td { (r.action) } td { (r.subject) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct DoneQ {
    done: Option<String>,
}

async fn foundation(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<DoneQ>,
) -> Page {
    let v = viewer(&app, &headers, "/foundation").await?;
    ops_only(&v)?;
    editor(&app, &v, q.done.as_deref(), None).await
}

/// The editor: each document's text in a form, its problems listed under it.
async fn editor(
    app: &App,
    v: &super::Viewer,
    done: Option<&str>,
    failed: Option<(String, String, Vec<String>)>,
) -> Page {
    let Some(dir) = data_dir(app) else {
        return Err(PageError::Status(
            StatusCode::NOT_FOUND,
            "This server has no data directory.".into(),
        ));
    };
    let check = roomwork_foundation::load(&dir).map_err(anyhow::Error::from)?;
    let folder = roomwork_foundation::folder(&dir);
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = html! {
        (notice(done))
        p { "The six standards documents shape every draft. A change is saved only when the whole document passes validation; nothing is written otherwise." }
        @for (kind, _) in check.states() {
            @let file = kind.file_name();
            @let (text, problems) = match &failed {
                Some((f, t, p)) if f == file => (t.clone(), p.clone()),
                _ => (std::fs::read_to_string(folder.join(file)).unwrap_or_default(),
                      check.problems_in(*kind).iter().map(|p| shown(&p.to_string(), &folder)).collect()),
            };
            section aria-labelledby={"doc-" (file)} {
                h2 id={"doc-" (file)} { (kind.title()) " (" (file) ")" }
                @if !problems.is_empty() {
                    ul.error role="alert" { @for p in &problems { li { (p) } } }
                }
                form method="post" action={"/foundation/" (file)} {
                    input type="hidden" name="csrf" value=(v.csrf);
                    label for={"text-" (file)} { "Text (TOML)" }
                    textarea id={"text-" (file)} name="text" rows="14" { (text) }
                    p { button type="submit" { "Validate and save " (file) } }
                }
            }
        }
    };
    Ok((status, page(v, "Foundation", "/foundation", body)).into_response())
}

#[derive(Deserialize)]
pub(crate) struct DocForm {
    #[serde(default)]
    csrf: String,
    text: String,
}

async fn save_doc(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Form(f): Form<DocForm>,
) -> Page {
    let v = viewer(&app, &headers, "/foundation").await?;
    check_form(&v, &headers, &f.csrf)?;
    ops_only(&v)?;
    let Some(dir) = data_dir(&app) else {
        return Err(PageError::Status(
            StatusCode::NOT_FOUND,
            "This server has no data directory.".into(),
        ));
    };
    let check = roomwork_foundation::load(&dir).map_err(anyhow::Error::from)?;
    let Some(_) = check.states().iter().find(|(k, _)| k.file_name() == file) else {
        return Err(PageError::Status(
            StatusCode::NOT_FOUND,
            "No such Foundation document.".into(),
        ));
    };
    let text = f.text.replace("\r\n", "\n");
    // Validate the folder as it would be with this text, in a scratch copy: the real
    // document is replaced only when it passes.
    let scratch =
        std::env::temp_dir().join(format!("roomwork-foundation-{}", crate::auth::new_secret()));
    let folder = roomwork_foundation::folder(&dir);
    let result = (|| -> anyhow::Result<Vec<String>> {
        std::fs::create_dir_all(&scratch)?;
        for (k, _) in check.states() {
            let src = folder.join(k.file_name());
            if src.exists() {
                std::fs::copy(&src, scratch.join(k.file_name()))?;
            }
        }
        std::fs::write(scratch.join(&file), &text)?;
        let checked = roomwork_foundation::load_folder(&scratch)?;
        // The whole folder: a change to one document can break another (a tier removed that
        // the communication standards name). Problems the folder already had do not block.
        let before: std::collections::HashSet<String> = check
            .problems()
            .iter()
            .map(|p| shown(&p.to_string(), &folder))
            .collect();
        Ok(checked
            .problems()
            .iter()
            .map(|p| shown(&p.to_string(), &scratch))
            .filter(|p| !before.contains(p))
            .collect())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    let problems = result?;
    if !problems.is_empty() {
        return editor(&app, &v, None, Some((file, text, problems))).await;
    }
    let path = folder.join(&file);
    // A name of its own: two people saving at once never write into each other's file.
    let tmp = folder.join(format!(".{file}.{}.saving", crate::auth::new_secret()));
    std::fs::create_dir_all(&folder).map_err(anyhow::Error::from)?;
    std::fs::write(&tmp, &text).map_err(anyhow::Error::from)?;
    // Audited before it takes effect: no change without its record.
    let audited = app
        .store
        .audit_append(&roomwork_store::AuditEntry::new(
            v.user.email.as_str(),
            "foundation.saved",
            file.clone(),
            serde_json::json!({ "text_sha256": crate::auth::sha256_hex(&text), "via": "web" }),
        ))
        .await;
    if let Err(e) = audited {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    if let Err(e) = std::fs::rename(&tmp, &path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow::Error::from(e).into());
    }
    Ok(Redirect::to("/foundation?done=saved").into_response())
}

pub(crate) fn routes() -> axum::Router<Arc<App>> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/meetings", get(meetings))
        .route("/meetings/{id}", get(meeting))
        .route("/leads", get(leads))
        .route("/governance", get(governance))
        .route("/foundation", get(foundation))
        .route("/foundation/{file}", post(save_doc))
}

/// The scoring engine's held-out AUC, `evaluation.quality.auc` (as `leads models` shows it);
/// never the baseline's (`prior_quality`) nor a comparison's.
fn held_out_auc(v: &serde_json::Value) -> Option<f64> {
    v.pointer("/evaluation/quality/auc")
        .and_then(serde_json::Value::as_f64)
}

/// A problem as the page shows it: the document's name, not where the server keeps it.
fn shown(problem: &str, dir: &std::path::Path) -> String {
    let prefix = format!("{}/", dir.display());
    problem.replace(&prefix, "")
}

#[cfg(test)]
mod tests {
    use super::held_out_auc;

    #[test]
    fn the_governance_auc_is_the_scoring_engines_not_the_baselines_or_a_comparisons() {
        let eval = serde_json::json!({
            "comparison": {"candidate": {"auc": 0.9}},
            "evaluation": {"prior_quality": {"auc": 0.711}, "quality": {"auc": 0.6851}}
        });
        assert_eq!(held_out_auc(&eval), Some(0.6851));
        let no_quality = serde_json::json!({"evaluation": {"prior_quality": {"auc": 0.711}}});
        assert_eq!(held_out_auc(&no_quality), None);
    }
}
