//! The reading pages: accounts (with the pre-call briefing and the policy's answer for the
//! account), the pipeline board, the capacity dashboard, leads, meetings, forecast, and the
//! sales-ops pages (governance, Foundation editor).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse as _;
use chrono::Utc;
use maud::{Markup, html};
use roomwork_domain::{Money, Opportunity, StageOutcome, Workflow};
use roomwork_store::{ActivityFilter, DraftFilter};
use serde::Deserialize;

use super::charts::{self, Series};
use super::{Page, PageError, markdown, page, viewer};
use crate::App;
use crate::records;
use crate::scope::Scope;

/// The data directory's Foundation, matrix and settings (the built-in defaults without one).
fn data_dir(app: &App) -> std::path::PathBuf {
    app.site
        .data_dir
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("/nonexistent-roomwork-data-dir"))
}

pub(crate) fn money(m: &Money) -> String {
    m.to_string()
}

/// An amount in its currency's major units, for charts.
fn major(m: &Money) -> f64 {
    m.minor() as f64 / 10f64.powi(m.currency().exponent() as i32)
}

fn health_badge(h: &str) -> Markup {
    html! { span class={"health " (h)} { (h.replace('_', " ")) } }
}

async fn accounts(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    let v = viewer(&app, &headers, "/accounts").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let mut list: Vec<_> = s.accounts.values().filter(|a| s.owner(a.owner)).collect();
    list.sort_by(|a, b| {
        (a.health.as_str() != "at_risk", &a.name).cmp(&(b.health.as_str() != "at_risk", &b.name))
    });
    Ok(page(
        &v,
        "Accounts",
        "/accounts",
        html! {
            p.hint { (list.len()) " accounts. At-risk accounts first: AI does not draft for them." }
            table {
                thead { tr { th scope="col" { "Account" } th scope="col" { "Tier" } th scope="col" { "Health" } th scope="col" { "Account manager" } } }
                tbody {
                    @for a in &list {
                        tr {
                            td { a href={"/accounts/" (a.id)} { (a.name) } }
                            td { (a.tier.as_ref().map_or("—", |t| t.as_str())) }
                            td { (health_badge(a.health.as_str())) @if let Some(r) = &a.health_reason { " " span.hint { (r) } } }
                            td { (s.rep_name(a.owner).unwrap_or("—")) }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct CallQuery {
    call: Option<String>,
}

async fn account(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CallQuery>,
) -> Page {
    let v = viewer(&app, &headers, &format!("/accounts/{id}")).await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let missing = || PageError::Status(StatusCode::NOT_FOUND, "No such account.".into());
    let id: roomwork_domain::AccountId = id.parse().map_err(|_| missing())?;
    let a = s
        .accounts
        .get(&id)
        .filter(|a| s.owner(a.owner))
        .ok_or_else(missing)?
        .clone();
    let dir = data_dir(&app);
    let foundation = records::foundation(&dir)?;
    let matrix = records::load_matrix(&dir)?;
    let state = records::account_state(&*app.store, &a, &foundation).await?;
    // What the policy says to a follow-up for this account, before anyone asks.
    let request = roomwork_policy::Request::new("follow-up-email", "").for_account(&state);
    let verdict = roomwork_policy::decide(&matrix, &request, foundation.competitors())
        .map_err(|e| PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let today = Utc::now().date_naive();
    let guide = foundation.briefing.as_ref();
    let call = guide.and_then(|g| {
        q.call
            .as_deref()
            .and_then(|c| g.call_types.iter().find(|t| t.slug == c))
            .or_else(|| g.call_types.first())
    });
    let briefing = match call {
        Some(c) => Some(
            records::compose_briefing(&*app.store, &foundation, c, &a, today)
                .await?
                .0,
        ),
        None => None,
    };
    let deals: Vec<Opportunity> = app
        .store
        .opportunities(false)
        .await?
        .into_iter()
        .filter(|o| o.account_id == Some(id) && s.owner(o.owner))
        .collect();
    let mut activities = app
        .store
        .activities(ActivityFilter {
            account_id: Some(id),
            skip_text: true,
            ..Default::default()
        })
        .await?;
    activities.sort_by_key(|x| std::cmp::Reverse(x.occurred_at));
    activities.truncate(12);
    let stages = foundation.stage_catalog();
    Ok(page(
        &v,
        &a.name,
        "/accounts",
        html! {
            dl.meta {
                dt { "Tier" } dd { (a.tier.as_ref().map_or("—", |t| t.as_str())) }
                dt { "Health" } dd { (health_badge(a.health.as_str())) @if let Some(r) = &a.health_reason { " " (r) } }
                dt { "Account manager" } dd { (s.rep_name(a.owner).unwrap_or("—")) }
            }
            @if verdict.outcome.allows_drafting() {
                section.policy aria-labelledby="policy" {
                    h2 #policy { "AI drafting for this account" }
                    p { "Allowed: " (verdict.outcome.describe()) "." }
                }
            } @else {
                section.refusal role="region" aria-labelledby="policy" {
                    h2 #policy { "AI will not draft for this account" }
                    p { strong { (verdict.reason) } }
                    p { (verdict.outcome.describe()) "." }
                    @for f in &verdict.findings {
                        h3 { (f.title) }
                        ul { @for e in &f.evidence { li { (e.what) @if !e.quote.is_empty() { ": “" (e.quote) "”" } } } }
                        p.hint { @if f.overridable { "A named person may override this rule with a reason (roomwork policy decide --override-by)." } @else { "This rule is never overridden." } }
                    }
                    p { "What roomwork can still do: the pre-call briefing below, and a review of the text you write (roomwork review)." }
                }
            }
            @if let (Some(g), Some(b)) = (guide, &briefing) {
                section aria-labelledby="briefing" {
                    h2 #briefing { "Pre-call briefing" }
                    form.inline method="get" {
                        label for="call" { "Call type " }
                        select #call name="call" {
                            @for t in &g.call_types {
                                option value=(t.slug) selected[call.is_some_and(|c| c.slug == t.slug)] { (t.name) }
                            }
                        }
                        " " button type="submit" { "Show" }
                    }
                    p.hint { "From " (b.records) " records, on the built-in engine. To send it to the inbox: roomwork draft briefing." }
                    article.draft { (markdown::render(&b.markdown, 3)) }
                }
            }
            section aria-labelledby="deals" {
                h2 #deals { "Deals" }
                table {
                    thead { tr { th scope="col" { "Deal" } th scope="col" { "Stage" } th scope="col" { "Amount" } th scope="col" { "Close" } th scope="col" { "Next step" } } }
                    tbody {
                        @for o in &deals {
                            tr {
                                td { (o.name) }
                                td { (o.stage.as_str()) @if stages.is_closed(&o.stage) { " (closed)" } }
                                td.num { (o.amount.as_ref().map_or("—".into(), money)) }
                                td { (o.close_date.map_or("—".into(), |d| d.to_string())) }
                                td { (o.next_step.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="activity" {
                h2 #activity { "Latest activity" }
                ul {
                    @for x in &activities {
                        li { (x.occurred_at.format("%Y-%m-%d")) " · " (x.kind.as_str()) " · " (x.subject) @if x.ai_assisted { " (AI-assisted)" } }
                    }
                }
            }
        },
    ))
}

async fn pipeline(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    let v = viewer(&app, &headers, "/pipeline").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let foundation = records::foundation(&data_dir(&app))?;
    let stages = foundation.stage_catalog();
    let open: Vec<_> = stages
        .stages()
        .iter()
        .filter(|d| d.outcome == StageOutcome::Open)
        .collect();
    let deals: Vec<Opportunity> = app
        .store
        .opportunities(false)
        .await?
        .into_iter()
        .filter(|o| s.owner(o.owner) && !stages.is_closed(&o.stage))
        .collect();
    let mut signals: HashMap<_, Vec<roomwork_store::SignalRecord>> = HashMap::new();
    for r in app.store.deal_signals().await? {
        signals.entry(r.opportunity_id).or_default().push(r);
    }
    let scores: HashMap<_, f64> = app
        .store
        .deal_scores()
        .await?
        .into_iter()
        .map(|r| (r.opportunity_id, r.probability))
        .collect();
    // The chart is in the currency most open deals are in: amounts are never added across
    // currencies.
    let mut currencies: HashMap<String, usize> = HashMap::new();
    for o in &deals {
        if let Some(m) = &o.amount {
            *currencies
                .entry(m.currency().code().to_string())
                .or_default() += 1;
        }
    }
    let currency = currencies
        .into_iter()
        .max_by_key(|(c, n)| (*n, std::cmp::Reverse(c.clone())))
        .map(|(c, _)| c);
    let mut by_stage: Vec<(String, f64)> = open.iter().map(|d| (d.name.clone(), 0.0)).collect();
    for o in &deals {
        if let (Some(m), Some(c)) = (&o.amount, &currency)
            && m.currency().code() == c
            && let Some(slot) = by_stage
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(o.stage.as_str()))
        {
            slot.1 += major(m);
        }
    }
    let flagged = deals.iter().filter(|o| signals.contains_key(&o.id)).count();
    // The latest weekly report the person may see.
    let report = app
        .store
        .drafts(DraftFilter::default())
        .await?
        .into_iter()
        .filter(|d| d.workflow == Some(Workflow::PipelineReport) && s.draft(d))
        .max_by_key(|d| d.created_at);
    let mut columns: BTreeMap<usize, Vec<&Opportunity>> = BTreeMap::new();
    for o in &deals {
        let at = open
            .iter()
            .position(|d| d.name.eq_ignore_ascii_case(o.stage.as_str()))
            .unwrap_or(open.len());
        columns.entry(at).or_default().push(o);
    }
    for c in columns.values_mut() {
        c.sort_by_key(|o| std::cmp::Reverse(o.amount.as_ref().map_or(0, |m| m.minor())));
    }
    Ok(page(
        &v,
        "Pipeline",
        "/pipeline",
        html! {
            p.hint { (deals.len()) " open deals; " (flagged) " with a risk flag." }
            @if let Some(c) = &currency {
                (charts::bars("stage-chart", &format!("Open pipeline by stage ({c})"),
                    &format!("Total amount of the open deals in {c} at each stage"), c, &by_stage))
            }
            section aria-labelledby="board" {
                h2 #board { "Board" }
                div.board {
                    @for (i, d) in open.iter().enumerate() {
                        @let col = columns.get(&i).map(Vec::as_slice).unwrap_or(&[]);
                        section.column aria-label=(d.name) {
                            h3 { (d.name) " (" (col.len()) ")" }
                            @for o in col.iter().take(40) {
                                article.card {
                                    h4 { (o.name) }
                                    p {
                                        @if let Some(a) = o.account_id.filter(|a| s.account(Some(*a))) { a href={"/accounts/" (a)} { (s.account_name(Some(a)).unwrap_or("?")) } " · " }
                                        (o.amount.as_ref().map_or("—".into(), money))
                                    }
                                    p.hint {
                                        "Close " (o.close_date.map_or("—".into(), |d| d.to_string()))
                                        @if let Some(p) = scores.get(&o.id) { " · win " (format!("{:.0}%", p * 100.0)) }
                                        " · " (s.rep_name(o.owner).unwrap_or("—"))
                                    }
                                    @if let Some(fs) = signals.get(&o.id) {
                                        ul.flags { @for f in fs { li title=(f.detail) { (f.signal.replace('_', " ")) ": " (f.detail) } } }
                                    }
                                }
                            }
                            @if col.len() > 40 { p.hint { "and " (col.len() - 40) " more (roomwork pipeline risks)" } }
                        }
                    }
                }
            }
            section aria-labelledby="report" {
                h2 #report { "Weekly pipeline report" }
                @match &report {
                    Some(d) => {
                        p.hint { "The latest, from " (d.created_at.format("%Y-%m-%d")) " (" a href={"/inbox/" (d.id)} { "in the inbox" } "). A new one: roomwork draft pipeline-report." }
                        details { summary { (d.subject) } article.draft { (markdown::render(&d.body, 3)) } }
                    }
                    None => p { "No weekly report yet: roomwork draft pipeline-report writes one." },
                }
            }
        },
    ))
}

async fn capacity(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    let v = viewer(&app, &headers, "/capacity").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let settings = records::capacity_settings(&data_dir(&app))?;
    let today = Utc::now().date_naive();
    let l = match records::ledger(&*app.store, settings, today).await {
        Ok(l) => l,
        Err(e) if e.downcast_ref::<records::Invalid>().is_some() => {
            return Ok(page(
                &v,
                "Capacity",
                "/capacity",
                html! { p { (e.to_string()) } },
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let reps: Vec<_> = l
        .reps
        .iter()
        .filter(|(id, _)| s.owner(Some(**id)))
        .collect();
    let weeks: Vec<chrono::NaiveDate> = {
        let mut w: Vec<_> = l.weeks.iter().map(|w| w.week).collect();
        w.sort();
        w.dedup();
        w
    };
    let labels: Vec<String> = weeks
        .iter()
        .map(|w| w.format("%d %b").to_string())
        .collect();
    let series =
        |rep: roomwork_domain::RepId, f: &dyn Fn(&roomwork_capacity::Week) -> f64| -> Vec<f64> {
            weeks
                .iter()
                .map(|d| {
                    l.weeks
                        .iter()
                        .find(|w| w.rep == rep && w.week == *d)
                        .map_or(0.0, f)
                })
                .collect()
        };
    let s_ = &l.settings;
    // Per workflow and currency: amounts in two currencies are not added together.
    let mut totals: BTreeMap<(&str, String), (u32, f64, i64)> = BTreeMap::new();
    for r in l.recovered.iter().filter(|r| visible_user(&s, &r.used_by)) {
        let e = totals
            .entry((r.workflow.label(), r.currency.clone()))
            .or_insert((0, 0.0, 0));
        e.0 += r.drafts;
        e.1 += r.hours;
        e.2 += r.value_minor;
    }
    Ok(page(
        &v,
        "Capacity: screen work or room work",
        "/capacity",
        html! {
            p {
                "AI deployed " (l.deployed_on) " (" (l.deployed_from) "). Target: touchpoints per account "
                (format!("{:+.0}% to {:+.0}%", s_.target.0 * 100.0, s_.target.1 * 100.0))
                " against the " (s_.baseline_weeks) " weeks before, by " (l.target_by) "."
            }
            table {
                caption { "Per account manager" }
                thead { tr {
                    th scope="col" { "Account manager" } th scope="col" { "Baseline /acct/wk" } th scope="col" { "Now /acct/wk" }
                    th scope="col" { "Change" } th scope="col" { "Progress" } th scope="col" { "Touchpoints" } th scope="col" { "AI-assisted sent" } th scope="col" { "Flag" }
                } }
                tbody {
                    @for a in l.assessments.iter().filter(|a| s.owner(Some(a.rep))) {
                        tr {
                            th scope="row" { (l.reps.get(&a.rep).map_or("?", String::as_str)) }
                            td.num { (a.baseline.map_or("—".into(), |b| format!("{b:.2}"))) }
                            td.num { (format!("{:.2}", a.current)) }
                            td.num { (a.change.map_or("—".into(), |c| format!("{:+.0}%", c * 100.0))) }
                            td { (format!("{:?}", a.progress).to_lowercase()) }
                            td.num { (a.touchpoints.1) " → " (a.touchpoints.0) }
                            td.num { (a.ai_sent.1) " → " (a.ai_sent.0) }
                            td { @if a.efficiency_theater { strong.flag title=(a.reason) { "Efficiency theater" } } }
                        }
                    }
                }
            }
            @for a in l.assessments.iter().filter(|a| a.efficiency_theater && s.owner(Some(a.rep))) {
                p.flag { (l.reps.get(&a.rep).map_or("?", String::as_str)) ": " (a.reason) "." }
            }
            @for (id, name) in &reps {
                section aria-labelledby={"rep-" (id)} {
                    h2 id={"rep-" (id)} { (name) }
                    (charts::lines(&format!("cap-{id}"), &format!("{name}: touchpoints and AI-assisted messages per week"),
                        "Outbound touchpoints per owned account, and AI-assisted communications sent, per week",
                        &labels,
                        &[
                            Series { name: "touchpoints per account", class: "s1", values: series(**id, &|w| w.per_account) },
                            Series { name: "AI-assisted sent", class: "s2", values: series(**id, &|w| f64::from(w.ai_sent)) },
                        ]))
                }
            }
            section aria-labelledby="recovered" {
                h2 #recovered { "Time recovered (approved or sent drafts)" }
                @if totals.is_empty() { p { "No approved or sent AI drafts yet." } } @else {
                    table {
                        thead { tr { th scope="col" { "Workflow" } th scope="col" { "Drafts" } th scope="col" { "Hours" } th scope="col" { "Worth" } } }
                        tbody { @for ((w, c), (n, h, m)) in &totals { tr { th scope="row" { (w) } td.num { (n) } td.num { (format!("{h:.1}")) } td.num { (roomwork_domain::Currency::parse(c).map_or(format!("{m}"), |cur| Money::from_minor(*m, cur).to_string())) } } } }
                    }
                }
                p { a href="/capacity/report" { "The monthly report for the sales director" } " (also as a file: roomwork capacity report --month YYYY-MM --out FILE)." }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct MonthQuery {
    month: Option<String>,
}

/// The monthly report's month: `YYYY-MM`, or last month.
fn report_month(
    given: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, PageError> {
    use chrono::Datelike as _;
    match given.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => {
            chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| {
                PageError::Status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "The month is written YYYY-MM, as in 2026-11.".into(),
                )
            })
        }
        None => {
            let first = today.with_day(1).expect("day 1");
            Ok((first - chrono::Duration::days(1))
                .with_day(1)
                .expect("day 1"))
        }
    }
}

/// The monthly capacity report as the reader may see it (their own rows, their team's, or all).
async fn monthly(
    app: &App,
    s: &Scope,
    month: Option<&str>,
) -> Result<(chrono::NaiveDate, String), PageError> {
    let today = Utc::now().date_naive();
    let start = report_month(month, today)?;
    let settings = records::capacity_settings(&data_dir(app))?;
    let (md, _) = records::monthly_report(
        &*app.store,
        settings,
        start,
        today,
        &|r| s.owner(Some(*r)),
        &|person| visible_user(s, person),
    )
    .await?;
    Ok((start, md))
}

async fn capacity_report(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Page {
    let v = viewer(&app, &headers, "/capacity/report").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let (start, md) = monthly(&app, &s, q.month.as_deref()).await?;
    let m = start.format("%Y-%m").to_string();
    Ok(page(
        &v,
        &format!("Capacity report, {}", start.format("%B %Y")),
        "/capacity",
        html! {
            form.inline method="get" {
                label for="month" { "Month " }
                input #month type="month" name="month" value=(m);
                button type="submit" { "Show" }
                " " a href={"/capacity/report.md?month=" (m)} download={"capacity-" (m) ".md"} { "Download as Markdown" }
            }
            article.draft { (markdown::render(&md, 2)) }
        },
    ))
}

async fn capacity_report_file(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Page {
    let v = viewer(&app, &headers, "/capacity/report").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let (start, md) = monthly(&app, &s, q.month.as_deref()).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"capacity-{}.md\"",
                    start.format("%Y-%m")
                ),
            ),
        ],
        md,
    )
        .into_response())
}

#[derive(Deserialize)]
pub(crate) struct PeriodQuery {
    period: Option<String>,
    done: Option<String>,
}

/// The reps (by name) a person may record a forecast for, and whether the team's.
fn override_targets(
    s: &Scope,
    names: &HashMap<roomwork_domain::RepId, String>,
) -> (Vec<String>, bool) {
    let mut reps: Vec<String> = names
        .iter()
        .filter(|(id, _)| s.owner(Some(**id)))
        .map(|(_, n)| n.clone())
        .collect();
    reps.sort();
    (reps, super::is_ops(&s.user))
}

async fn forecast(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Page {
    let v = viewer(&app, &headers, "/forecast").await?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let fv = match app
        .site
        .hooks
        .forecast(&*app.store, q.period.as_deref())
        .await
    {
        Ok(f) => f,
        Err(e) => {
            return Ok(page(
                &v,
                "Forecast",
                "/forecast",
                html! { p.error role="alert" { (e.to_string()) } },
            ));
        }
    };
    let fc = &fv.forecast;
    let m = |x: i64| Money::from_minor(x, fc.currency).to_string();
    let cur = fc.currency.code().to_string();
    let maj = |x: i64| x as f64 / 10f64.powi(fc.currency.exponent() as i32);
    let lines: Vec<&roomwork_pipeline::forecast::Line> =
        fc.reps.iter().filter(|l| s.owner(l.rep)).collect();
    let name = |l: &roomwork_pipeline::forecast::Line| {
        l.rep
            .and_then(|r| fv.names.get(&r).cloned())
            .unwrap_or_else(|| "(no owner)".into())
    };
    let (targets, team) = override_targets(&s, &fv.names);
    let row = |label: String, l: &roomwork_pipeline::forecast::Line| {
        html! {
            tr {
                th scope="row" { (label) }
                td.num { (m(l.closed)) } td.num { (m(l.commit)) } td.num { (m(l.best_case)) } td.num { (m(l.pipeline)) }
                td.num { strong { (m(l.call())) } }
                td.num { (m(l.ai.expected)) br; span.hint { (m(l.ai.p10)) "–" (m(l.ai.p90)) } }
                td.num { (l.adjusted_call.map_or("—".into(), m)) @if let Some(b) = &l.bias { br; span.hint { "×" (format!("{:.2}", b.factor)) " over " (b.periods) " periods" } } }
                td { @if let Some(o) = &l.overridden { (m(o.amount)) " by " (o.by) ": " (o.reason) } @else { "—" } }
            }
        }
    };
    Ok(page(
        &v,
        &format!("Forecast {}", fc.period),
        "/forecast",
        html! {
            (super::notice(q.done.as_deref()))
            form.inline method="get" {
                label for="period" { "Period " }
                input #period type="text" name="period" value=(fc.period.to_string()) size="8";
                button type="submit" { "Show" }
            }
            p.hint { (fc.period.start()) " to " (fc.period.end()) ", made " (fc.today) "; win probabilities from " (fv.basis) "." }
            (charts::bars("forecast-chart", &format!("AI expected this period, per account manager ({cur})"),
                "The simulated expected amount each account manager closes in the period", &cur,
                &lines.iter().map(|l| (name(l), maj(l.ai.expected))).collect::<Vec<_>>()))
            table {
                thead { tr {
                    th scope="col" { "" } th scope="col" { "Closed" } th scope="col" { "Commit" } th scope="col" { "Best case" } th scope="col" { "Pipeline" }
                    th scope="col" { "Call" } th scope="col" { "AI expected (P10–P90)" } th scope="col" { "Bias-adjusted" } th scope="col" { "Override" }
                } }
                tbody {
                    @if super::is_ops(&s.user) { (row("Team".into(), &fc.team)) }
                    @for l in &lines { (row(name(l), l)) }
                }
            }
            @if fc.other_currency > 0 { p.hint { (fc.other_currency) " deals in other currencies are not added in." } }
            @if fc.overdue_not_counted > 0 { p.hint { (fc.overdue_not_counted) " overdue deals are not counted." } }
            @if !targets.is_empty() || team {
                section aria-labelledby="override" {
                    h2 #override { "Record your forecast" }
                    form method="post" action="/forecast/override" {
                        input type="hidden" name="csrf" value=(v.csrf);
                        input type="hidden" name="period" value=(fc.period.to_string());
                        p {
                            label for="target" { "For" }
                            select #target name="target" {
                                @if team { option value="" { "The team" } }
                                @for t in &targets { option value=(t) { (t) } }
                            }
                        }
                        p { label for="amount" { "Amount (" (cur) ")" } input #amount type="text" name="amount" required; }
                        p { label for="reason" { "Why" } input #reason type="text" name="reason" required; }
                        p { button type="submit" { "Record" } }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct OverrideForm {
    #[serde(default)]
    csrf: String,
    period: String,
    #[serde(default)]
    target: String,
    amount: String,
    reason: String,
}

async fn forecast_override(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    axum::extract::Form(f): axum::extract::Form<OverrideForm>,
) -> Page {
    let v = viewer(&app, &headers, "/forecast").await?;
    super::check_form(&v, &headers, &f.csrf)?;
    let s = Scope::load(&*app.store, v.user.clone()).await?;
    let names: HashMap<_, _> = s.reps.iter().map(|(id, r)| (*id, r.name.clone())).collect();
    let (targets, team) = override_targets(&s, &names);
    let rep = (!f.target.is_empty()).then_some(f.target.as_str());
    let allowed = match rep {
        Some(r) => targets.iter().any(|t| t == r),
        None => team,
    };
    if !allowed {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "You may record a forecast only for yourself or the reps you lead.".into(),
        ));
    }
    let done = app
        .site
        .hooks
        .forecast_override(
            &*app.store,
            crate::OverrideRequest {
                period: &f.period,
                rep,
                amount: &f.amount,
                by: v.user.email.as_str(),
                reason: &f.reason,
            },
        )
        .await;
    match done {
        Ok(()) => Ok(axum::response::Redirect::to(&format!(
            "/forecast?period={}&done=override",
            super::encode(&f.period)
        ))
        .into_response()),
        Err(e) => Err(PageError::Status(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Not recorded: {e}"),
        )),
    }
}

pub(crate) fn routes() -> axum::Router<Arc<App>> {
    use axum::routing::get;
    axum::Router::new()
        .route("/forecast", get(forecast))
        .route("/forecast/override", axum::routing::post(forecast_override))
        .route("/accounts", get(accounts))
        .route("/accounts/{id}", get(account))
        .route("/pipeline", get(pipeline))
        .route("/capacity", get(capacity))
        .route("/capacity/report", get(capacity_report))
        .route("/capacity/report.md", get(capacity_report_file))
}

/// Whether time recovered by `used_by` (the ledger names people as they asked) is the
/// person's to see: sales ops and admins all; otherwise their own and their team's reps'.
fn visible_user(s: &Scope, used_by: &str) -> bool {
    if super::is_ops(&s.user) {
        return true;
    }
    let u = used_by.trim();
    u.eq_ignore_ascii_case(s.user.email.as_str())
        || u.eq_ignore_ascii_case(&s.user.name)
        || s.reps
            .values()
            .any(|r| r.name.eq_ignore_ascii_case(u) && s.owner(Some(r.id)))
}
