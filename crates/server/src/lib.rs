//! roomwork's HTTP API. For now one capability: `POST /api/v1/leads` parses a lead, scores it
//! with the current model, routes it by the ops lead's rules against this week's load, and
//! stores lead, score and routing in one transaction, answering with the score, its
//! explanation, the rep and the reason. `GET /healthz` answers while the process runs;
//! `GET /readyz` answers 200 only when the database answers; `GET /metrics` gives Prometheus
//! counters (requests by route and status, leads scored, uptime). SIGINT and SIGTERM end it
//! gracefully: requests under way finish.
//!
//! The model, the reps and the weekly load are held in memory and re-read from the store every
//! 30 seconds (a promotion takes effect without a restart; leads routed by another process
//! count from the next re-read), and the load is counted up as leads are routed. Routing and the
//! load update happen under one lock, so concurrent requests never push a rep over capacity.
//! ```no_run
//! # async fn run(store: std::sync::Arc<dyn roomwork_store::Store>) -> anyhow::Result<()> {
//! let config = roomwork_scoring::routing::RoutingConfig::default();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! roomwork_server::serve(listener, store, config, roomwork_server::Site::default()).await
//! # }
//! ```
#![warn(missing_docs)]

mod api;
pub mod auth;
pub mod intake;
pub mod log;
pub mod openapi;
pub mod records;
pub mod review;
pub mod scope;
pub mod web;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::rejection::JsonRejection;
use axum::extract::{Json, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use roomwork_domain::{Email, Lead, LeadBehaviour, LeadId, Rep, RepId};
use roomwork_scoring::model::Factor;
use roomwork_scoring::routing::RoutingConfig;
use roomwork_store::Store;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::intake::{Current, Scored};

/// A lead as an inbound form or integration posts it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLead {
    /// Person's name.
    pub name: String,
    /// Job title as typed.
    pub title: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Headcount.
    pub company_size: Option<u32>,
    /// Industry.
    pub industry: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Lead source.
    pub source: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Behaviour before contact.
    #[serde(default)]
    pub behaviour: LeadBehaviour,
}

/// The answer to a posted lead.
#[derive(Debug, Serialize, Deserialize)]
pub struct LeadAnswer {
    /// The stored lead's id.
    pub lead_id: String,
    /// Probability of converting.
    pub probability: f64,
    /// How it was computed (says when the naive-Bayes prior scored).
    pub basis: String,
    /// True when the prior scored.
    pub prior: bool,
    /// What raised and lowered it, in words.
    pub explanation: String,
    /// The largest factors.
    pub factors: Vec<Factor>,
    /// The rep, when one took it.
    pub rep: Option<RepAnswer>,
    /// `rep`, `nurture`, `overflow` or a rule's queue.
    pub queue: String,
    /// Why it went there.
    pub reason: String,
    /// The model version that scored it.
    pub model_version: i64,
}

/// A rep in an answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct RepAnswer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

struct Live {
    current: Option<Arc<Current>>,
    reps: Arc<Vec<Rep>>,
    read_at: Instant,
    week: DateTime<Utc>,
    load: HashMap<RepId, u32>,
}

/// What the server does after a change that the pipeline's evaluation depends on: the CLI
/// supplies its refresh (`roomwork pipeline refresh` for the deals), tests may supply nothing.
#[async_trait::async_trait]
pub trait Hooks: Send + Sync {
    /// Deals changed (an approved CRM update was applied to them).
    async fn deals_changed(
        &self,
        store: &dyn Store,
        deals: std::collections::HashSet<roomwork_domain::OpportunityId>,
    );

    /// The forecast for a period (`2026-Q4`, `2026-11`; this month without one), the basis
    /// of its win probabilities, and the reps' names.
    async fn forecast(
        &self,
        _store: &dyn Store,
        _period: Option<&str>,
    ) -> anyhow::Result<ForecastView> {
        Err(records::Invalid(NO_PIPELINE_READER.into()).into())
    }

    /// Records a forecast override for a rep (by name) or the team (`None`), audited.
    async fn forecast_override(
        &self,
        _store: &dyn Store,
        _change: OverrideRequest<'_>,
    ) -> anyhow::Result<()> {
        Err(records::Invalid(NO_PIPELINE_READER.into()).into())
    }
}

const NO_PIPELINE_READER: &str =
    "this server was started without the pipeline reader (roomwork serve has it)";

/// A forecast as the web app shows it.
pub struct ForecastView {
    /// The forecast.
    pub forecast: roomwork_pipeline::forecast::Forecast,
    /// Where its win probabilities come from.
    pub basis: String,
    /// The reps' names.
    pub names: HashMap<RepId, String>,
}

/// A forecast override someone asks for.
pub struct OverrideRequest<'a> {
    /// `2026-Q4`, `2026-11`.
    pub period: &'a str,
    /// The rep's name, or `None` for the team.
    pub rep: Option<&'a str>,
    /// The amount as typed ("1,250,000").
    pub amount: &'a str,
    /// Who.
    pub by: &'a str,
    /// Why.
    pub reason: &'a str,
}

/// Hooks that do nothing.
pub struct NoHooks;

#[async_trait::async_trait]
impl Hooks for NoHooks {
    async fn deals_changed(
        &self,
        _: &dyn Store,
        _: std::collections::HashSet<roomwork_domain::OpportunityId>,
    ) {
    }
}

/// Where the web app finds the company's configuration, and what it calls after changes.
#[derive(Clone)]
pub struct Site {
    /// The data directory (the Foundation, `policy.toml`, `capacity.toml`, `signals.toml`).
    /// Without one, the built-in defaults.
    pub data_dir: Option<std::path::PathBuf>,
    /// Called after changes.
    pub hooks: Arc<dyn Hooks>,
    /// Reverse proxies in front of the server: for a request from one of them, the client is
    /// the last address in `X-Forwarded-For` that is not itself a trusted proxy (for the
    /// sign-in limits and the request log). Empty: the peer address is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// One JSON log line per request (on by default).
    pub log_requests: bool,
}

impl Default for Site {
    fn default() -> Self {
        Self {
            data_dir: None,
            hooks: Arc::new(NoHooks),
            trusted_proxies: Vec::new(),
            log_requests: true,
        }
    }
}

struct App {
    store: Arc<dyn Store>,
    site: Site,
    config: RoutingConfig,
    live: Mutex<Live>,
    limiter: auth::Limiter,
    /// Password checks under way at most (one per core).
    checks: tokio::sync::Semaphore,
}

/// An error answer: a status and a message that names the problem, never internals.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

const REFRESH: Duration = Duration::from_secs(30);

impl App {
    /// The model and reps (re-read when stale) and the load of this week.
    async fn refresh(&self, live: &mut Live, now: DateTime<Utc>) -> Result<(), ApiError> {
        let internal = |e: anyhow::Error| {
            log::error("the store is not answering", format!("{e:#}"));
            ApiError(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is not answering".into(),
            )
        };
        if live.read_at.elapsed() >= REFRESH || live.current.is_none() {
            live.current = intake::current_model(&*self.store)
                .await
                .map_err(internal)?
                .map(Arc::new);
            live.reps = Arc::new(self.store.reps().await.map_err(|e| internal(e.into()))?);
            live.read_at = Instant::now();
            // Leads routed elsewhere (`roomwork leads score`, another server) count too.
            live.week = DateTime::<Utc>::MIN_UTC;
        }
        let week = intake::week_start(now);
        if week != live.week {
            live.load = self
                .store
                .rep_lead_load(week)
                .await
                .map_err(|e| internal(e.into()))?;
            live.week = week;
        }
        Ok(())
    }
}

async fn post_lead(
    State(app): State<Arc<App>>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
    body: Result<Json<NewLead>, JsonRejection>,
) -> Result<Json<LeadAnswer>, ApiError> {
    // An integration's token with `leads:write`, or a signed-in person (with the CSRF token).
    caller(&app, &headers, &method, "leads:write").await?;
    let Json(new) = body.map_err(|e| ApiError(e.status(), e.body_text()))?;
    if new.name.trim().is_empty() {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "field `name`: a lead needs a name".into(),
        ));
    }
    let email = new
        .email
        .as_deref()
        .map(Email::parse)
        .transpose()
        .map_err(|e| {
            ApiError(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("field `email`: {e}"),
            )
        })?;
    let now = Utc::now();
    let lead = Lead {
        id: LeadId::new(),
        ext_key: None,
        name: new.name.trim().to_string(),
        title: new.title,
        company: new.company,
        company_size: new.company_size,
        industry: new.industry,
        country: new.country,
        region: new.region,
        source: new.source,
        email,
        behaviour: new.behaviour,
        outcome: None,
        owner: None,
        created_at: now,
    };
    // Route and count under the lock; store outside it, and give the capacity back on failure.
    let (current, scored) = {
        let mut live = app.live.lock().await;
        app.refresh(&mut live, now).await?;
        let Some(current) = live.current.clone() else {
            return Err(ApiError(
                StatusCode::SERVICE_UNAVAILABLE,
                "no current lead model: run `roomwork leads train` first".into(),
            ));
        };
        let reps = live.reps.clone();
        let mut scored =
            intake::score_and_route(&current, &app.config, &reps, &mut live.load, vec![lead]);
        (current, scored.remove(0))
    };
    let stored =
        intake::store_scored(&*app.store, &current, std::slice::from_ref(&scored), now).await;
    if let Err(e) = stored {
        if let Some(rep) = scored.assignment.rep {
            let mut live = app.live.lock().await;
            if let Some(n) = live.load.get_mut(&rep) {
                *n = n.saturating_sub(1);
            }
        }
        log::error("storing a lead failed", format!("{e:#}"));
        return Err(ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "the lead could not be stored; nothing was kept".into(),
        ));
    }
    let Scored {
        lead,
        score,
        assignment,
    } = scored;
    Ok(Json(LeadAnswer {
        lead_id: lead.id.to_string(),
        probability: score.probability,
        basis: score.basis.clone(),
        prior: score.prior,
        explanation: score.explanation(),
        factors: score.factors.into_iter().take(6).collect(),
        rep: assignment.rep.map(|id| RepAnswer {
            id: id.to_string(),
            name: assignment.rep_name.clone().unwrap_or_default(),
        }),
        queue: assignment.queue,
        reason: assignment.reason,
        model_version: current.version,
    }))
}

/// Request counters for `/metrics`.
#[derive(Default)]
struct Metrics {
    started: Option<Instant>,
    /// (route, method, status) → requests.
    requests: std::sync::Mutex<std::collections::BTreeMap<(String, String, u16), u64>>,
}

impl Metrics {
    fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::from(
            "# HELP roomwork_http_requests_total HTTP requests by route, method and status.\n\
             # TYPE roomwork_http_requests_total counter\n",
        );
        let requests = self.requests.lock().expect("metrics lock");
        for ((route, method, status), n) in requests.iter() {
            let _ = writeln!(
                out,
                "roomwork_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        let scored: u64 = requests
            .iter()
            .filter(|((r, m, s), _)| r == "/api/v1/leads" && m == "POST" && *s == 200)
            .map(|(_, n)| n)
            .sum();
        let _ = writeln!(
            out,
            "# HELP roomwork_leads_scored_total Leads scored, routed and stored.\n\
             # TYPE roomwork_leads_scored_total counter\nroomwork_leads_scored_total {scored}"
        );
        let _ = writeln!(
            out,
            "# HELP roomwork_uptime_seconds Seconds since the server started.\n\
             # TYPE roomwork_uptime_seconds gauge\nroomwork_uptime_seconds {:.0}",
            self.started.map_or(0.0, |s| s.elapsed().as_secs_f64())
        );
        out
    }
}

/// The client's address as the request log and the sign-in limits see it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientIp(pub Option<std::net::IpAddr>);

/// The client of a request from `peer`: the peer itself, unless it is a trusted proxy, in
/// which case the last address in `X-Forwarded-For` that is not a trusted proxy (a client
/// can put anything at the front of the header; only what the proxies appended counts).
pub fn client_ip(
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

/// What the request middleware needs.
struct Ops {
    metrics: Arc<Metrics>,
    trusted: Vec<std::net::IpAddr>,
    log_requests: bool,
}

/// A request id: the caller's `X-Request-Id` when it is a plain token (letters, digits, '-',
/// '_', at most 64), else a new one.
fn request_id(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map_or_else(|| auth::new_secret()[..16].to_string(), str::to_string)
}

/// Every request: counted by its route pattern (never the raw path: ids would explode the
/// series), method and status; its client address resolved (trusted proxies); a request id
/// (echoed in `X-Request-Id`); and one JSON log line with route, status and latency.
async fn count(
    State(ops): State<Arc<Ops>>,
    matched: Option<axum::extract::MatchedPath>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let started = Instant::now();
    let route = matched.map_or_else(|| "(unmatched)".to_string(), |m| m.as_str().to_string());
    // Standard methods by name, anything else as one series (no client-chosen labels).
    let method = match req.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m.to_string(),
        _ => "OTHER".to_string(),
    };
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let client = client_ip(peer, req.headers(), &ops.trusted);
    req.extensions_mut().insert(ClientIp(client));
    let id = request_id(req.headers());
    let mut res = next.run(req).await;
    let status = res.status().as_u16();
    if let Ok(v) = axum::http::HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    if ops.log_requests {
        log::event(
            if status >= 500 { "error" } else { "info" },
            "request",
            serde_json::json!({
                "request_id": id,
                "method": method,
                "route": route,
                "status": status,
                "ms": (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
                "client": client.map(|c| c.to_string()),
            }),
        );
    }
    let mut requests = ops.metrics.requests.lock().expect("metrics lock");
    *requests.entry((route, method, status)).or_default() += 1;
    drop(requests);
    res
}

/// The router with the built-in defaults and no hooks (tests).
pub fn router(store: Arc<dyn Store>, config: RoutingConfig) -> axum::Router {
    router_with(store, config, Site::default())
}

/// The router: the JSON API, the operations endpoints and the web app's pages.
pub fn router_with(store: Arc<dyn Store>, config: RoutingConfig, site: Site) -> axum::Router {
    let metrics = Arc::new(Metrics {
        started: Some(Instant::now()),
        ..Metrics::default()
    });
    let ready_store = store.clone();
    let ops = Arc::new(Ops {
        metrics: metrics.clone(),
        trusted: site.trusted_proxies.clone(),
        log_requests: site.log_requests,
    });
    let app = Arc::new(App {
        store,
        site,
        config,
        live: Mutex::new(Live {
            current: None,
            reps: Arc::new(Vec::new()),
            read_at: Instant::now(),
            week: DateTime::<Utc>::MIN_UTC,
            load: HashMap::new(),
        }),
        limiter: auth::Limiter::default(),
        checks: tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        ),
    });
    // The decoy hash is made now, not on the first unknown e-mail.
    let _ = auth::decoy_hash();
    let shown = metrics.clone();
    // Every route comes from the OpenAPI document's list, so the document and the router
    // cannot drift apart: a listed route without a handler, or a handler for an unlisted one,
    // fails here (and in every test that builds the router).
    let mut paths: Vec<&str> = openapi::ROUTES.iter().map(|(_, p)| *p).collect();
    paths.dedup();
    let mut router: axum::Router<Arc<App>> = axum::Router::new();
    for path in paths {
        let mut methods = axum::routing::MethodRouter::<Arc<App>>::new();
        for (method, _) in openapi::ROUTES.iter().filter(|(_, p)| *p == path) {
            methods = match (*method, path) {
                ("post", "/api/v1/leads") => methods.post(post_lead),
                ("post", "/api/v1/session") => methods.post(sign_in),
                ("delete", "/api/v1/session") => methods.delete(sign_out),
                ("get", "/api/v1/me") => methods.get(me),
                ("get", "/api/v1/drafts") => methods.get(drafts),
                ("get", "/api/v1/drafts/{id}") => methods.get(api::draft),
                ("post", "/api/v1/drafts/{id}/approve") => methods.post(api::approve),
                ("post", "/api/v1/drafts/{id}/reject") => methods.post(api::reject),
                ("post", "/api/v1/drafts/{id}/revisions") => methods.post(api::revise),
                ("get", "/api/v1/accounts") => methods.get(api::accounts),
                ("get", "/api/v1/accounts/{id}") => methods.get(api::account),
                ("get", "/api/v1/deals") => methods.get(api::deals),
                ("get", "/api/v1/leads") => methods.get(api::leads),
                ("get", "/api/v1/calls") => methods.get(api::calls),
                ("get", "/api/v1/audit") => methods.get(api::audit),
                ("get", "/api/v1/openapi.json") => {
                    methods.get(|| async { Json(openapi::document()) })
                }
                ("get", "/healthz") => methods.get(|| async { "ok" }),
                ("get", "/readyz") => {
                    let store = ready_store.clone();
                    methods.get(move || {
                        let store = store.clone();
                        async move {
                            let ping =
                                tokio::time::timeout(Duration::from_secs(2), store.ping()).await;
                            match ping.unwrap_or_else(|_| {
                                Err(roomwork_store::StoreError::Invalid(
                                    "no answer within 2 s".into(),
                                ))
                            }) {
                                Ok(()) => (StatusCode::OK, "ready".to_string()),
                                Err(e) => {
                                    log::event(
                                        "warn",
                                        "not ready",
                                        serde_json::json!({ "error": e.to_string() }),
                                    );
                                    (
                                        StatusCode::SERVICE_UNAVAILABLE,
                                        "the database does not answer".to_string(),
                                    )
                                }
                            }
                        }
                    })
                }
                ("get", "/metrics") => {
                    let m = shown.clone();
                    methods.get(move || {
                        let m = m.clone();
                        async move {
                            (
                                [(
                                    axum::http::header::CONTENT_TYPE,
                                    "text/plain; version=0.0.4; charset=utf-8",
                                )],
                                m.render(),
                            )
                        }
                    })
                }
                (m, p) => panic!("openapi::ROUTES lists {m} {p}, which has no handler"),
            };
        }
        router = router.route(path, methods);
    }
    router
        .merge(web::routes())
        .with_state(app)
        .layer(axum::middleware::from_fn_with_state(ops, count))
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what service managers send).
async fn stopped() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Serves the API on `listener` until the process is stopped (SIGINT or SIGTERM end it
/// gracefully: requests under way finish).
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
    config: RoutingConfig,
    site: Site,
) -> anyhow::Result<()> {
    axum::serve(
        listener,
        router_with(store, config, site)
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stopped())
    .await?;
    Ok(())
}

/// The session cookie's name.
/// The `__Host-` prefix: set only with `Secure`, `Path=/` and no domain, so a sibling
/// subdomain cannot plant one. Browsers accept `Secure` cookies on `http://localhost`; behind a
/// proxy the site is served over HTTPS.
pub const SESSION_COOKIE: &str = "__Host-roomwork_session";
/// How long a session lasts.
const SESSION_HOURS: i64 = 12;

/// Who is calling, and how.
struct Caller {
    user: roomwork_domain::User,
    /// The session's CSRF token (a cookie session), or the token's scopes (an API token).
    via: Via,
}

enum Via {
    Session { token_sha256: String, csrf: String },
    Token { scopes: Vec<String> },
}

fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

fn unauthorized() -> ApiError {
    ApiError(
        StatusCode::UNAUTHORIZED,
        "sign in first (POST /api/v1/session), or send an API token".into(),
    )
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    log::error("the store is not answering", &e);
    ApiError(
        StatusCode::SERVICE_UNAVAILABLE,
        "the store is not answering".into(),
    )
}

/// The caller of a request: an API token (`Authorization: Bearer`) that carries `scope`, or a
/// session cookie; a session's state-changing request must echo its CSRF token.
async fn caller(
    app: &App,
    headers: &axum::http::HeaderMap,
    method: &axum::http::Method,
    scope: &str,
) -> Result<Caller, ApiError> {
    if let Some(bearer) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim_start().split_once(' '))
        .and_then(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer").then_some(token))
    {
        let found = app
            .store
            .api_token(&auth::sha256_hex(bearer.trim()))
            .await
            .map_err(internal)?;
        let Some((user, token)) = found else {
            return Err(unauthorized());
        };
        if !token.scopes.iter().any(|s| s == scope) {
            return Err(ApiError(
                StatusCode::FORBIDDEN,
                format!("this token does not carry the scope {scope:?}"),
            ));
        }
        return Ok(Caller {
            user,
            via: Via::Token {
                scopes: token.scopes,
            },
        });
    }
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Err(unauthorized());
    };
    let sha = auth::sha256_hex(&token);
    let found = app
        .store
        .session(&sha, Utc::now())
        .await
        .map_err(internal)?;
    let Some((user, session)) = found else {
        return Err(unauthorized());
    };
    if !method.is_safe() {
        let echoed = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if echoed.is_empty() || echoed != session.csrf_token {
            return Err(ApiError(
                StatusCode::FORBIDDEN,
                "missing or wrong X-CSRF-Token header".into(),
            ));
        }
    }
    Ok(Caller {
        user,
        via: Via::Session {
            token_sha256: sha,
            csrf: session.csrf_token,
        },
    })
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(
    State(app): State<Arc<App>>,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    // JSON only: a cross-site form cannot send it (login CSRF).
    let json = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !json {
        return Err(ApiError(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "sign in with Content-Type: application/json".into(),
        ));
    }
    let ip = req.extensions().get::<ClientIp>().and_then(|c| c.0);
    let body = axum::body::to_bytes(req.into_body(), 16 * 1024)
        .await
        .map_err(|_| {
            ApiError(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request is too large".into(),
            )
        })?;
    let form: SignIn = serde_json::from_slice(&body).map_err(|e| {
        ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("expected {{\"email\": ..., \"password\": ...}}: {e}"),
        )
    })?;
    match start_session(&app, &form.email, &form.password, ip).await {
        Ok(started) => Ok((
            [(axum::http::header::SET_COOKIE, started.cookie)],
            Json(serde_json::json!({ "user": started.user, "csrf_token": started.csrf })),
        )
            .into_response()),
        Err(SignInRefused::Limited(wait)) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, wait.to_string())],
            Json(serde_json::json!({"error": format!("too many sign-in attempts: try again in {wait} s")})),
        )
            .into_response()),
        Err(SignInRefused::Wrong) => Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "wrong e-mail or password".into(),
        )),
        Err(SignInRefused::Internal(e)) => Err(e),
    }
}

/// A started session: who, the cookie to set, and the CSRF token.
struct Started {
    user: roomwork_domain::User,
    cookie: String,
    csrf: String,
}

/// Why a sign-in did not start a session.
enum SignInRefused {
    /// Wrong e-mail or password (or a deactivated user): never says which.
    Wrong,
    /// Too many attempts: seconds to wait.
    Limited(u64),
    /// The store failed.
    Internal(ApiError),
}

/// Checks an e-mail and password (counted by the limiter as the attempt starts) and starts a
/// session: shared by the JSON sign-in and the sign-in page.
async fn start_session(
    app: &App,
    email: &str,
    password: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<Started, SignInRefused> {
    // Not an e-mail address: no attempt to count, nothing to remember.
    let email = roomwork_domain::Email::parse(email).map_err(|_| SignInRefused::Wrong)?;
    let email = email.as_str().to_lowercase();
    app.limiter
        .attempt(&email, ip)
        .map_err(SignInRefused::Limited)?;
    let found = app
        .store
        .credentials(&email)
        .await
        .map_err(|e| SignInRefused::Internal(internal(e)))?;
    let password = password.to_string();
    // At most one password check per core at a time (each takes ~19 MiB and a core).
    let _permit = app
        .checks
        .acquire()
        .await
        .map_err(|_| SignInRefused::Internal(internal("the password checks are closed")))?;
    let hash = match &found {
        Some((_, hash)) => hash.clone(),
        // The same work for an unknown e-mail as for a wrong password.
        None => auth::decoy_hash().to_string(),
    };
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user = found.map(|(u, _)| u);
    let Some(user) = user.filter(|u| ok && u.active) else {
        return Err(SignInRefused::Wrong);
    };
    app.limiter.succeeded(&email, ip);
    let token = auth::new_secret();
    let now = Utc::now();
    let session = roomwork_store::Session {
        token_sha256: auth::sha256_hex(&token),
        user_id: user.id,
        csrf_token: auth::new_secret(),
        created_at: now,
        expires_at: now + chrono::Duration::hours(SESSION_HOURS),
    };
    app.store
        .session_start(&session)
        .await
        .map_err(|e| SignInRefused::Internal(internal(e)))?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_HOURS * 3600
    );
    Ok(Started {
        user,
        cookie,
        csrf: session.csrf_token,
    })
}

/// The header value that removes the session cookie.
fn cleared_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
}

async fn sign_out(
    State(app): State<Arc<App>>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if headers.contains_key(axum::http::header::AUTHORIZATION) {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "an API token has no session to end: revoke it instead".into(),
        ));
    }
    let c = caller(&app, &headers, &method, "session").await?;
    let Via::Session { token_sha256, .. } = c.via else {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "an API token has no session to end: revoke it instead".into(),
        ));
    };
    app.store
        .session_end(&token_sha256)
        .await
        .map_err(internal)?;
    Ok((
        StatusCode::NO_CONTENT,
        [(axum::http::header::SET_COOKIE, cleared_cookie())],
    )
        .into_response())
}

async fn me(
    State(app): State<Arc<App>>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let c = caller(&app, &headers, &method, "me:read").await?;
    let (csrf, scopes) = match c.via {
        Via::Session { csrf, .. } => (Some(csrf), None),
        Via::Token { scopes } => (None, Some(scopes)),
    };
    Ok(Json(
        serde_json::json!({ "user": c.user, "csrf_token": csrf, "scopes": scopes }),
    ))
}

/// A draft as the list shows it.
#[derive(Serialize)]
struct DraftLine {
    id: String,
    task: String,
    status: String,
    subject: String,
    account: Option<String>,
    created_at: DateTime<Utc>,
}

/// The drafts the caller may see: their own accounts' (an account manager), their team's (a
/// director), all (sales ops, admin).
async fn drafts(
    State(app): State<Arc<App>>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
) -> Result<Json<Vec<DraftLine>>, ApiError> {
    let c = caller(&app, &headers, &method, "drafts:read").await?;
    let accounts: HashMap<_, _> = app
        .store
        .accounts()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let reps: HashMap<_, _> = app
        .store
        .reps()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let all = app
        .store
        .drafts(roomwork_store::DraftFilter::default())
        .await
        .map_err(internal)?;
    Ok(Json(
        all.into_iter()
            .filter(|d| {
                let account = d.account_id.and_then(|a| accounts.get(&a));
                let owner = account.and_then(|a| a.owner);
                let territory = owner
                    .and_then(|o| reps.get(&o))
                    .and_then(|r| r.territory.as_deref());
                c.user.may_see(owner, territory)
            })
            .map(|d| DraftLine {
                id: d.id.to_string(),
                task: d.task.clone(),
                status: d.status.as_str().to_string(),
                subject: d.subject.clone(),
                account: d
                    .account_id
                    .and_then(|a| accounts.get(&a))
                    .map(|a| a.name.clone()),
                created_at: d.created_at,
            })
            .collect(),
    ))
}
