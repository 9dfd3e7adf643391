//! The web app: server-rendered HTML pages (maud templates, escaped by construction) with
//! plain forms. No script is needed for anything: every action is a form that posts and
//! redirects (POST/redirect/GET), and charts are inline SVG with their figures in a table.
//!
//! Pages read the same session cookie as the API. Every form carries the session's CSRF token
//! in a hidden field, and a state-changing post must also come from this site (`Origin` or
//! `Sec-Fetch-Site`); the sign-in form, which has no session yet, is held to the site check.

pub mod charts;
mod inbox;
pub mod markdown;
mod more;
mod pages;

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{DOCTYPE, Markup, html};
use roomwork_domain::{Role, User};

use crate::App;

/// A signed-in person looking at a page.
pub(crate) struct Viewer {
    pub user: User,
    pub csrf: String,
}

/// What a page answers instead of itself.
pub(crate) enum PageError {
    /// Not signed in: to the sign-in page, then back to `next`.
    SignIn(String),
    /// A status with a message for the person.
    Status(StatusCode, String),
}

impl From<roomwork_store::StoreError> for PageError {
    fn from(e: roomwork_store::StoreError) -> Self {
        crate::log::error("the store is not answering", &e);
        Self::Status(
            StatusCode::SERVICE_UNAVAILABLE,
            "The database is not answering; try again in a moment.".into(),
        )
    }
}

impl From<anyhow::Error> for PageError {
    fn from(e: anyhow::Error) -> Self {
        if let Some(invalid) = e.downcast_ref::<crate::records::Invalid>() {
            return Self::Status(StatusCode::UNPROCESSABLE_ENTITY, invalid.to_string());
        }
        crate::log::error("a page could not be built", format!("{e:#}"));
        Self::Status(
            StatusCode::SERVICE_UNAVAILABLE,
            "This page could not be built; the server's log says why.".into(),
        )
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn(next) => {
                Redirect::to(&format!("/signin?next={}", encode(&next))).into_response()
            }
            PageError::Status(status, message) => {
                let title = status.canonical_reason().unwrap_or("Error");
                (
                    status,
                    document(
                        title,
                        html! {
                            main #main {
                                h1 { (title) }
                                p role="alert" { (message) }
                                p { a href="/" { "Back to the inbox" } }
                            }
                        },
                    ),
                )
                    .into_response()
            }
        }
    }
}

pub(crate) type Page = Result<Response, PageError>;

/// Percent-encodes a path for a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A place to return to after signing in: a path on this site, never another site
/// (`//evil.example`, `/\evil`).
fn local_path(next: Option<&str>) -> String {
    match next {
        // Visible ASCII only: a browser drops tabs and newlines from a URL, so "/\t/evil"
        // would become "//evil".
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            n.to_string()
        }
        _ => "/inbox".into(),
    }
}

/// The signed-in person, or a redirect to the sign-in page.
pub(crate) async fn viewer(
    app: &App,
    headers: &HeaderMap,
    path: &str,
) -> Result<Viewer, PageError> {
    let Some(token) = crate::cookie(headers, crate::SESSION_COOKIE) else {
        return Err(PageError::SignIn(path.into()));
    };
    let found = app
        .store
        .session(&crate::auth::sha256_hex(&token), Utc::now())
        .await?;
    match found {
        Some((user, session)) if user.active => Ok(Viewer {
            user,
            csrf: session.csrf_token,
        }),
        _ => Err(PageError::SignIn(path.into())),
    }
}

/// Whether a browser says the request comes from a page of this site: `Sec-Fetch-Site` when
/// it sends one, else `Origin` against `Host`. A request with neither is not from a browser
/// form on another site (browsers send `Origin` on every cross-site POST).
pub(crate) fn same_site(headers: &HeaderMap, require_evidence: bool) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, h)| h.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
        (None, _) => !require_evidence,
    }
}

/// Checks a posted form: the session's CSRF token and the site it came from.
pub(crate) fn check_form(v: &Viewer, headers: &HeaderMap, csrf: &str) -> Result<(), PageError> {
    if csrf.is_empty() || csrf != v.csrf || !same_site(headers, false) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "This form is out of date or did not come from roomwork: reload the page and try again."
                .into(),
        ));
    }
    Ok(())
}

pub(crate) fn is_ops(user: &User) -> bool {
    matches!(user.role, Role::SalesOps | Role::Admin)
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::AccountManager => "account manager",
        Role::SalesDirector => "sales director",
        Role::SalesOps => "sales ops",
        Role::Admin => "admin",
    }
}

/// A whole HTML document.
fn document(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · roomwork" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                (body)
            }
        }
    }
}

const NAV: &[(&str, &str, bool)] = &[
    ("/inbox", "Inbox", false),
    ("/accounts", "Accounts", false),
    ("/pipeline", "Pipeline", false),
    ("/forecast", "Forecast", false),
    ("/leads", "Leads", false),
    ("/meetings", "Meetings", false),
    ("/capacity", "Capacity", false),
    ("/governance", "Governance", true),
    ("/foundation", "Foundation", true),
];

/// A page for a signed-in person: the navigation (with the current page marked), who they
/// are, a sign-out button, and `body` in the main landmark.
pub(crate) fn page(v: &Viewer, title: &str, current: &str, body: Markup) -> Response {
    let ops = is_ops(&v.user);
    document(
        title,
        html! {
            header.top {
                a.brand href="/inbox" { "roomwork" }
                nav aria-label="Main" {
                    ul {
                        @for (href, label, ops_only) in NAV {
                            @if !*ops_only || ops {
                                li {
                                    @if *href == current {
                                        a href=(href) aria-current="page" { (label) }
                                    } @else {
                                        a href=(href) { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
                form.signout method="post" action="/signout" {
                    span.who { (v.user.name) " · " (role_name(v.user.role)) }
                    input type="hidden" name="csrf" value=(v.csrf);
                    button type="submit" { "Sign out" }
                }
            }
            main #main tabindex="-1" {
                h1 { (title) }
                (body)
            }
        },
    )
    .into_response()
}

/// A notice at the top of a page after an action (`?done=...`), from a fixed list: nothing a
/// link carries is echoed into the page.
pub(crate) fn notice(done: Option<&str>) -> Markup {
    let text = match done {
        Some("approved") => "Approved: it passed the relationship test.",
        Some("applied") => "Approved and applied to the deal.",
        Some("returned") => "Returned for rewriting: a relationship-test answer was no.",
        Some("rejected") => "Rejected. The reason is in the audit trail.",
        Some("edited") => "Saved as a new revision.",
        Some("saved") => "Saved. The document passed validation.",
        Some("override") => "Forecast override recorded.",
        _ => return html! {},
    };
    html! { p.notice role="status" { (text) } }
}

#[derive(serde::Deserialize)]
pub(crate) struct Next {
    next: Option<String>,
    failed: Option<String>,
}

async fn sign_in_page(axum::extract::Query(q): axum::extract::Query<Next>) -> Response {
    let next = local_path(q.next.as_deref());
    let failed = match q.failed.as_deref() {
        Some("wrong") => Some("Wrong e-mail or password.".to_string()),
        Some("limited") => {
            Some("Too many sign-in attempts: wait a few minutes and try again.".to_string())
        }
        Some("site") => Some("That sign-in did not come from this page: try again.".to_string()),
        _ => None,
    };
    document(
        "Sign in",
        html! {
            main #main.signin {
                h1 { "Sign in to roomwork" }
                @if let Some(f) = failed { p.error role="alert" { (f) } }
                form method="post" action="/signin" {
                    input type="hidden" name="next" value=(next);
                    p {
                        label for="email" { "E-mail" }
                        input #email type="email" name="email" autocomplete="username" required autofocus;
                    }
                    p {
                        label for="password" { "Password" }
                        input #password type="password" name="password" autocomplete="current-password" required;
                    }
                    p { button type="submit" { "Sign in" } }
                }
            }
        },
    )
    .into_response()
}

#[derive(serde::Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn sign_in_form(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    req: axum::extract::Request,
) -> Response {
    use axum::extract::FromRequest as _;
    let ip = req.extensions().get::<crate::ClientIp>().and_then(|c| c.0);
    let headers = req.headers().clone();
    let form = match axum::extract::Form::<SignInForm>::from_request(req, &()).await {
        Ok(axum::extract::Form(f)) => f,
        Err(e) => return (e.status(), e.body_text()).into_response(),
    };
    let next = local_path(form.next.as_deref());
    let back = |why: &str| {
        Redirect::to(&format!("/signin?failed={why}&next={}", encode(&next))).into_response()
    };
    // Login CSRF: another site must not sign a browser in as someone else.
    if !same_site(&headers, true) {
        return back("site");
    }
    match crate::start_session(&app, &form.email, &form.password, ip).await {
        Ok(started) => {
            ([(header::SET_COOKIE, started.cookie)], Redirect::to(&next)).into_response()
        }
        Err(crate::SignInRefused::Limited(_)) => back("limited"),
        Err(crate::SignInRefused::Wrong) => back("wrong"),
        Err(crate::SignInRefused::Internal(e)) => e.into_response(),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out_form(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    headers: HeaderMap,
    axum::extract::Form(form): axum::extract::Form<CsrfForm>,
) -> Result<Response, PageError> {
    let v = viewer(&app, &headers, "/inbox").await?;
    check_form(&v, &headers, &form.csrf)?;
    if let Some(token) = crate::cookie(&headers, crate::SESSION_COOKIE) {
        app.store
            .session_end(&crate::auth::sha256_hex(&token))
            .await?;
    }
    Ok((
        [(header::SET_COOKIE, crate::cleared_cookie())],
        Redirect::to("/signin"),
    )
        .into_response())
}

const CSS: &str = include_str!("app.css");

/// The pages' routes.
pub(crate) fn routes() -> axum::Router<Arc<App>> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/signin", get(sign_in_page).post(sign_in_form))
        .route("/signout", post(sign_out_form))
        .route(
            "/assets/app.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=3600"),
                    ],
                    CSS,
                )
            }),
        )
        .merge(inbox::routes())
        .merge(pages::routes())
        .merge(more::routes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_this_site_may_post() {
        assert!(same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            true
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            false
        ));
        assert!(same_site(
            &headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ]),
            true
        ));
        assert!(!same_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:8080")
            ]),
            false
        ));
        // No evidence: refused where it is required (the sign-in form), allowed where the
        // CSRF token already proves the page.
        assert!(!same_site(&headers(&[("host", "x")]), true));
        assert!(same_site(&headers(&[("host", "x")]), false));
    }

    #[test]
    fn sign_in_returns_only_to_this_site() {
        assert_eq!(local_path(Some("/accounts/1")), "/accounts/1");
        assert_eq!(local_path(Some("//evil.example")), "/inbox");
        assert_eq!(local_path(Some("/\\evil.example")), "/inbox");
        assert_eq!(local_path(Some("https://evil.example")), "/inbox");
        assert_eq!(local_path(Some("/\t/evil.example")), "/inbox");
        assert_eq!(local_path(Some("/\n/evil.example")), "/inbox");
        assert_eq!(local_path(None), "/inbox");
        assert_eq!(encode("/inbox?a=b c"), "/inbox%3Fa%3Db%20c");
    }
}
