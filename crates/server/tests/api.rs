//! `POST /api/v1/leads` against the real server on a free port with a fresh SQLite store:
//! a lead is scored, routed and stored in one go; capacity holds under concurrent posts; bad
//! input is refused with the field named and nothing stored.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use roomwork_domain::{Batch, Lead, LeadBehaviour, LeadId, LeadOutcome, Rep, RepId};
use roomwork_scoring::model::Options;
use roomwork_scoring::routing::RoutingConfig;
use roomwork_server::LeadAnswer;
use roomwork_store::{AuditEntry, LeadsWrite, ModelRecord, ModelStatus, Store};

fn history(n: usize) -> Vec<Lead> {
    let start = Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let referral = i % 3 == 0;
            let converted = if referral { i % 10 < 5 } else { i % 10 < 1 };
            Lead {
                id: LeadId::new(),
                ext_key: None,
                name: format!("Lead {i}"),
                title: Some("Plant Manager".into()),
                company: None,
                company_size: Some(100 + (i % 7) as u32 * 100),
                industry: Some("Food".into()),
                country: Some("United States".into()),
                region: None,
                source: Some(
                    if referral {
                        "Customer referral"
                    } else {
                        "Web form"
                    }
                    .into(),
                ),
                email: None,
                behaviour: LeadBehaviour::default(),
                outcome: Some(LeadOutcome {
                    converted,
                    date: (start + Duration::days(30)).date_naive(),
                }),
                owner: None,
                created_at: start + Duration::hours(i as i64),
            }
        })
        .collect()
}

fn rep(name: &str, capacity: u32) -> Rep {
    Rep {
        id: RepId::new(),
        name: name.into(),
        email: None,
        territory: Some("West".into()),
        segment: Some("mid-market".into()),
        weekly_lead_capacity: capacity,
        active: true,
    }
}

struct TestApp {
    url: String,
    store: Arc<dyn Store>,
    /// An API token with `leads:write`, as an integration holds one.
    token: String,
    _dir: tempfile::TempDir,
}

async fn spawn(with_model: bool, reps: Vec<Rep>) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("api.db").display());
    let store: Arc<dyn Store> = Arc::from(roomwork_store::open(&url).await.unwrap());
    store
        .save_batch(&Batch {
            reps,
            ..Batch::default()
        })
        .await
        .unwrap();
    if with_model {
        let trained =
            roomwork_scoring::train::from_leads(&history(3000), &Options::default(), 0.3, |_| {})
                .unwrap();
        let record = ModelRecord {
            version: 1,
            created_at: Utc::now(),
            status: ModelStatus::Current,
            schema: "leads".into(),
            engine: "trees".into(),
            trained_by: "test".into(),
            source: "test".into(),
            model: serde_json::to_string(&trained.model).unwrap(),
            evaluation: "{}".into(),
            promoted_at: Some(Utc::now()),
            promoted_by: Some("test".into()),
        };
        let audit = AuditEntry::new("test", "leads.model_trained", "v1", serde_json::json!({}));
        store
            .leads_write(LeadsWrite::AddModel(&record), &audit)
            .await
            .unwrap();
    }
    // The integration that posts leads: a user and a token with leads:write.
    let user = roomwork_domain::User {
        id: roomwork_domain::UserId::new(),
        email: roomwork_domain::Email::parse("forms@co.example").unwrap(),
        name: "Web forms".into(),
        role: roomwork_domain::Role::SalesOps,
        rep_id: None,
        team: None,
        active: true,
        created_at: Utc::now(),
    };
    let hash = roomwork_server::auth::hash_password("a long enough password").unwrap();
    let audit = || AuditEntry::new("test", "x", "forms", serde_json::json!({}));
    store
        .auth_write(
            roomwork_store::AuthWrite::AddUser {
                user: &user,
                password_hash: &hash,
            },
            &audit(),
        )
        .await
        .unwrap();
    let token = roomwork_server::auth::new_secret();
    store
        .auth_write(
            roomwork_store::AuthWrite::AddToken(&roomwork_store::ApiToken {
                id: roomwork_domain::TokenId::new(),
                user_id: user.id,
                name: "forms".into(),
                token_sha256: roomwork_server::auth::sha256_hex(&token),
                scopes: vec!["leads:write".into()],
                created_at: Utc::now(),
                revoked_at: None,
            }),
            &audit(),
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = roomwork_server::router(store.clone(), RoutingConfig::default());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    TestApp {
        url: format!("http://{addr}"),
        store,
        token,
        _dir: dir,
    }
}

/// A plain-HTTP client (reqwest is built without a default TLS provider: install ring's).
fn anonymous() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A client that sends the app's API token with every request.
fn with_token(app: &TestApp) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", app.token).parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(h)
        .build()
        .unwrap()
}

fn referral() -> serde_json::Value {
    serde_json::json!({
        "name": "Maria Lopez", "title": "VP Operations", "company": "Calder Foods",
        "company_size": 300, "industry": "Food", "country": "United States", "region": "CA",
        "source": "Customer referral", "email": "maria@calder.example",
        "behaviour": { "pages_viewed": 4, "form_submissions": 1, "email_opens": 2, "email_clicks": 1 }
    })
}

#[tokio::test]
async fn a_lead_without_a_token_is_refused_and_nothing_is_stored() {
    let app = spawn(true, vec![rep("Wes", 5)]).await;
    let r = anonymous()
        .post(format!("{}/api/v1/leads", app.url))
        .json(&referral())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(app.store.leads().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_posted_lead_is_scored_routed_and_stored_with_its_reason() {
    let app = spawn(true, vec![rep("Wes", 5)]).await;
    let c = with_token(&app);
    let r = c
        .post(format!("{}/api/v1/leads", app.url))
        .json(&referral())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let a: LeadAnswer = r.json().await.unwrap();
    assert!(
        a.probability > 0.3,
        "a referral converts about half the time here: {}",
        a.probability
    );
    assert!(
        a.explanation.contains("source Customer referral"),
        "{}",
        a.explanation
    );
    assert_eq!(a.rep.as_ref().map(|r| r.name.as_str()), Some("Wes"));
    assert!(a.reason.contains("Wes is the least loaded"), "{}", a.reason);
    let leads = app.store.leads().await.unwrap();
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].id.to_string(), a.lead_id);
    assert_eq!(leads[0].owner.map(|o| o.to_string()), a.rep.map(|r| r.id));
    let scores = app.store.lead_scores(None).await.unwrap();
    assert_eq!(scores.len(), 1);
    assert_eq!(scores[0].reason, a.reason);
}

#[tokio::test]
async fn concurrent_posts_never_push_a_rep_over_capacity() {
    let app = spawn(true, vec![rep("Wes", 3), rep("Ola", 2)]).await;
    let c = with_token(&app);
    let posts = (0..8).map(|_| {
        c.post(format!("{}/api/v1/leads", app.url))
            .json(&referral())
            .send()
    });
    let answers: Vec<LeadAnswer> = futures_join(posts).await;
    let to = |name: &str| {
        answers
            .iter()
            .filter(|a| a.rep.as_ref().is_some_and(|r| r.name == name))
            .count()
    };
    assert_eq!((to("Wes"), to("Ola")), (3, 2));
    assert_eq!(answers.iter().filter(|a| a.queue == "overflow").count(), 3);
}

async fn futures_join<F>(fs: impl Iterator<Item = F>) -> Vec<LeadAnswer>
where
    F: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap().unwrap().json().await.unwrap());
    }
    out
}

#[tokio::test]
async fn bad_input_names_the_field_and_stores_nothing() {
    let app = spawn(true, vec![rep("Wes", 5)]).await;
    let c = with_token(&app);
    for (body, field) in [
        (
            serde_json::json!({"name": "X", "company_size": "big"}),
            "company_size",
        ),
        (
            serde_json::json!({"name": "X", "email": "not an email"}),
            "email",
        ),
        (serde_json::json!({"name": " "}), "name"),
        (serde_json::json!({"name": "X", "budget": 5}), "budget"),
    ] {
        let r = c
            .post(format!("{}/api/v1/leads", app.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(e["error"].as_str().unwrap().contains(field), "{e}");
    }
    assert!(app.store.leads().await.unwrap().is_empty());
}

/// A body that is not JSON is 400, one not sent as JSON 415, one over the limit 413; JSON of
/// the wrong shape stays 422 (above). The bearer scheme's name is case-insensitive.
#[tokio::test]
async fn unreadable_bodies_get_the_status_that_says_why_and_bearer_is_any_case() {
    let app = spawn(true, vec![rep("Wes", 5)]).await;
    let c = with_token(&app);
    let post = |body: Vec<u8>, content_type: &str| {
        c.post(format!("{}/api/v1/leads", app.url))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    let r = post(b"{\"name\": ".to_vec(), "application/json")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = post(b"name=Maria".to_vec(), "text/plain").await.unwrap();
    assert_eq!(r.status(), 415);
    let mut big = serde_json::to_vec(&referral()).unwrap();
    big.truncate(big.len() - 1);
    big.extend_from_slice(b", \"notes\": \"");
    big.extend(std::iter::repeat_n(b'x', 3 << 20));
    big.extend_from_slice(b"\"}");
    let r = post(big, "application/json").await.unwrap();
    assert_eq!(r.status(), 413);
    assert!(app.store.leads().await.unwrap().is_empty());
    let lower = anonymous()
        .post(format!("{}/api/v1/leads", app.url))
        .header(
            reqwest::header::AUTHORIZATION,
            format!("bearer {}", app.token),
        )
        .json(&referral())
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), 200);
    // A behaviour count not given is 0, as the OpenAPI document (no required counts) says.
    let partial = c
        .post(format!("{}/api/v1/leads", app.url))
        .json(&serde_json::json!({"name": "P", "behaviour": {"pages_viewed": 3}}))
        .send()
        .await
        .unwrap();
    assert_eq!(partial.status(), 200);
}

#[tokio::test]
async fn without_a_model_the_api_says_what_to_do() {
    let app = spawn(false, vec![rep("Wes", 5)]).await;
    let r = with_token(&app)
        .post(format!("{}/api/v1/leads", app.url))
        .json(&referral())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("roomwork leads train"));
    let h = anonymous()
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(h.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readiness_asks_the_database_and_metrics_count_requests_by_route() {
    let app = spawn(true, vec![rep("Wes", 5)]).await;
    let c = with_token(&app);
    let ready = c.get(format!("{}/readyz", app.url)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    for _ in 0..2 {
        let r = c
            .post(format!("{}/api/v1/leads", app.url))
            .json(&referral())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let bad = c
        .post(format!("{}/api/v1/leads", app.url))
        .json(&serde_json::json!({"name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let m = c.get(format!("{}/metrics", app.url)).send().await.unwrap();
    assert_eq!(m.status(), 200);
    assert!(
        m.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = m.text().await.unwrap();
    assert!(
        text.contains(
            r#"roomwork_http_requests_total{route="/api/v1/leads",method="POST",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"roomwork_http_requests_total{route="/api/v1/leads",method="POST",status="422"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"route="/readyz""#), "{text}");
    assert!(text.contains("roomwork_leads_scored_total 2"), "{text}");
    // Not ready once the database is gone (closed pool).
    app.store.close().await;
    let gone = c.get(format!("{}/readyz", app.url)).send().await.unwrap();
    assert_eq!(gone.status(), 503);
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_routes_served() {
    let app = spawn(true, vec![rep("Wes", 5)]).await;
    let c = with_token(&app);
    let doc: serde_json::Value = c
        .get(format!("{}/api/v1/openapi.json", app.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    documented.sort();
    let mut listed: Vec<(String, String)> = roomwork_server::openapi::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    listed.sort();
    assert_eq!(documented, listed);
    // Every listed route is served (not a 404 or 405), and a route that is not is 404.
    for (method, path) in &listed {
        let url = format!("{}{path}", app.url);
        let r = match method.as_str() {
            "get" => c.get(&url).send().await.unwrap(),
            "delete" => c.delete(&url).send().await.unwrap(),
            _ => c.post(&url).json(&referral()).send().await.unwrap(),
        };
        assert!(
            r.status() != 404 && r.status() != 405,
            "{method} {path}: {}",
            r.status()
        );
    }
    assert_eq!(
        c.get(format!("{}/api/v1/nothing", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // The documented lead fields are the ones the endpoint accepts: each is taken, and a
    // field the document does not list is refused.
    let fields: Vec<String> = doc["components"]["schemas"]["NewLead"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut sent: Vec<String> = referral().as_object().unwrap().keys().cloned().collect();
    sent.sort();
    let mut fields = fields;
    fields.sort();
    assert_eq!(
        sent, fields,
        "every documented field is sent (and taken: the post above is 200)"
    );
    let mut extra = referral();
    extra["favourite_colour"] = serde_json::json!("teal");
    let r = c
        .post(format!("{}/api/v1/leads", app.url))
        .json(&extra)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}
