//! Sign-in and access, against the real server on a free port with a fresh SQLite store: every
//! signed-in route for every role (and for nobody), proving that an account manager reads only
//! their own accounts' drafts; the CSRF token on state changes; the sign-in limit; API tokens
//! with scopes, and revocation.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Utc;
use roomwork_domain::{
    Account, Batch, DraftId, Email, NewDraft, PendingApproval, Rep, RepId, Role, TokenId, User,
    UserId,
};
use roomwork_scoring::routing::RoutingConfig;
use roomwork_server::auth;
use roomwork_store::{ApiToken, AuditEntry, AuthWrite, InboxWrite, Store};

const PASSWORD: &str = "a long enough password";

struct World {
    url: String,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

fn rep(name: &str, territory: &str) -> Rep {
    Rep {
        id: RepId::new(),
        name: name.into(),
        email: None,
        territory: Some(territory.into()),
        segment: None,
        weekly_lead_capacity: 10,
        active: true,
    }
}

fn account(name: &str, owner: RepId) -> Account {
    let mut a = Account::named(name.into(), None, Utc::now());
    a.owner = Some(owner);
    a
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("access.db").display());
    let store: Arc<dyn Store> = Arc::from(roomwork_store::open(&url).await.unwrap());
    let (west, east) = (rep("Wes West", "West"), rep("Eve East", "East"));
    let (wa, ea) = (account("Westco", west.id), account("Eastco", east.id));
    store
        .save_batch(&Batch {
            reps: vec![west.clone(), east.clone()],
            accounts: vec![wa.clone(), ea.clone()],
            ..Batch::default()
        })
        .await
        .unwrap();
    for (subject, a) in [("For Westco", &wa), ("For Eastco", &ea)] {
        let mut new = NewDraft::communication("follow-up-email", subject, "Hi,\n\nThanks.", "x");
        new.account_id = Some(a.id);
        let (pending, rev) = PendingApproval::submit(DraftId::new(), new, Utc::now()).unwrap();
        store
            .inbox_write(
                InboxWrite::Submit {
                    pending: &pending,
                    revision: &rev,
                    usage: None,
                },
                &AuditEntry::new("x", "draft.submitted", subject, serde_json::json!({})),
            )
            .await
            .unwrap();
    }
    let hash = auth::hash_password(PASSWORD).unwrap();
    let users = [
        ("wes@co.example", Role::AccountManager, Some(west.id), None),
        ("eve@co.example", Role::AccountManager, Some(east.id), None),
        ("dir@co.example", Role::SalesDirector, None, Some("West")),
        ("ops@co.example", Role::SalesOps, None, None),
        ("admin@co.example", Role::Admin, None, None),
    ];
    for (email, role, rep_id, team) in users {
        let user = User {
            id: UserId::new(),
            email: Email::parse(email).unwrap(),
            name: email.split('@').next().unwrap().into(),
            role,
            rep_id,
            team: team.map(str::to_string),
            active: true,
            created_at: Utc::now(),
        };
        store
            .auth_write(
                AuthWrite::AddUser {
                    user: &user,
                    password_hash: &hash,
                },
                &AuditEntry::new("test", "user.added", email, serde_json::json!({})),
            )
            .await
            .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = roomwork_server::router(store.clone(), RoutingConfig::default());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    World {
        url: format!("http://{addr}"),
        store,
        _dir: dir,
    }
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Signs in: the session cookie and the CSRF token.
async fn sign_in(w: &World, email: &str) -> (String, String) {
    let r = client()
        .post(format!("{}/api/v1/session", w.url))
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{email}");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let body: serde_json::Value = r.json().await.unwrap();
    (pair, body["csrf_token"].as_str().unwrap().to_string())
}

async fn subjects(w: &World, cookie: &str) -> Vec<String> {
    let r = client()
        .get(format!("{}/api/v1/drafts", w.url))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let mut s: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["subject"].as_str().unwrap().to_string())
        .collect();
    s.sort();
    s
}

#[tokio::test]
async fn every_signed_in_route_for_every_role_and_an_account_manager_sees_only_their_own() {
    let w = world().await;
    let c = client();
    // Nobody signed in: every signed-in route refuses.
    for (method, path) in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/drafts"),
        ("DELETE", "/api/v1/session"),
    ] {
        let r = c
            .request(method.parse().unwrap(), format!("{}{path}", w.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{method} {path}");
    }
    let expected: [(&str, &str, &[&str]); 5] = [
        ("wes@co.example", "account_manager", &["For Westco"]),
        ("eve@co.example", "account_manager", &["For Eastco"]),
        ("dir@co.example", "sales_director", &["For Westco"]),
        ("ops@co.example", "sales_ops", &["For Eastco", "For Westco"]),
        ("admin@co.example", "admin", &["For Eastco", "For Westco"]),
    ];
    for (email, role, sees) in expected {
        let (cookie, csrf) = sign_in(&w, email).await;
        let me: serde_json::Value = c
            .get(format!("{}/api/v1/me", w.url))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["user"]["role"], role);
        assert_eq!(subjects(&w, &cookie).await, sees, "{email}");
        // Posting a lead from a session is a state change too: no CSRF token, no lead.
        let lead = c
            .post(format!("{}/api/v1/leads", w.url))
            .header("cookie", &cookie)
            .json(&serde_json::json!({"name": "Lee Park"}))
            .send()
            .await
            .unwrap();
        assert_eq!(lead.status(), 403, "{email}");
        // Signing out is a state change: refused without the CSRF token, done with it.
        let no = c
            .delete(format!("{}/api/v1/session", w.url))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(no.status(), 403, "{email}");
        let wrong = c
            .delete(format!("{}/api/v1/session", w.url))
            .header("cookie", &cookie)
            .header("x-csrf-token", "0".repeat(64))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403, "{email}");
        let yes = c
            .delete(format!("{}/api/v1/session", w.url))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(yes.status(), 204, "{email}");
        let after = c
            .get(format!("{}/api/v1/drafts", w.url))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), 401, "a signed-out session is gone");
    }
}

#[tokio::test]
async fn wrong_passwords_are_limited_and_say_nothing_about_which_part_was_wrong() {
    let w = world().await;
    let c = client();
    let attempt = |email: &'static str, password: &'static str| {
        let c = c.clone();
        let url = w.url.clone();
        async move {
            c.post(format!("{url}/api/v1/session"))
                .json(&serde_json::json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    let unknown = attempt("nobody@co.example", "whatever password").await;
    let wrong = attempt("wes@co.example", "not the password").await;
    assert_eq!(
        (unknown.status().as_u16(), wrong.status().as_u16()),
        (401, 401)
    );
    assert_eq!(unknown.text().await.unwrap(), wrong.text().await.unwrap());
    for _ in 0..4 {
        assert_eq!(
            attempt("wes@co.example", "not the password").await.status(),
            401
        );
    }
    // Five attempts for this e-mail from this address: the sixth is refused, even with the
    // password.
    let blocked = attempt("wes@co.example", PASSWORD).await;
    assert_eq!(blocked.status(), 429);
    assert!(blocked.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn api_tokens_carry_their_scopes_until_revoked() {
    let w = world().await;
    let c = client();
    let wes = w
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email.as_str() == "wes@co.example")
        .unwrap();
    let secret = auth::new_secret();
    let token = ApiToken {
        id: TokenId::new(),
        user_id: wes.id,
        name: "CRM sync".into(),
        token_sha256: auth::sha256_hex(&secret),
        scopes: vec!["drafts:read".into()],
        created_at: Utc::now(),
        revoked_at: None,
    };
    w.store
        .auth_write(
            AuthWrite::AddToken(&token),
            &AuditEntry::new("test", "token.created", "wes", serde_json::json!({})),
        )
        .await
        .unwrap();
    let get = |path: &'static str, bearer: String| {
        let c = c.clone();
        let url = w.url.clone();
        async move {
            c.get(format!("{url}{path}"))
                .header("authorization", format!("Bearer {bearer}"))
                .send()
                .await
                .unwrap()
        }
    };
    let r = get("/api/v1/drafts", secret.clone()).await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        1,
        "the token has its user's rights"
    );
    assert_eq!(
        get("/api/v1/me", secret.clone()).await.status(),
        403,
        "no me:read scope"
    );
    let lead = c
        .post(format!("{}/api/v1/leads", w.url))
        .header("authorization", format!("Bearer {secret}"))
        .json(&serde_json::json!({"name": "Lee Park"}))
        .send()
        .await
        .unwrap();
    assert_eq!(lead.status(), 403, "no leads:write scope");
    assert!(w.store.leads().await.unwrap().is_empty());
    assert_eq!(get("/api/v1/drafts", "0".repeat(64)).await.status(), 401);
    // Only its hash is stored.
    assert!(
        !w.store
            .api_tokens()
            .await
            .unwrap()
            .iter()
            .any(|t| t.token_sha256 == secret)
    );
    w.store
        .auth_write(
            AuthWrite::Revoke {
                id: token.id,
                at: Utc::now(),
            },
            &AuditEntry::new("test", "token.revoked", "wes", serde_json::json!({})),
        )
        .await
        .unwrap();
    assert_eq!(get("/api/v1/drafts", secret).await.status(), 401);
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_everywhere_and_sign_in_wants_json() {
    let w = world().await;
    let c = client();
    let (cookie, _) = sign_in(&w, "eve@co.example").await;
    let eve = w
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email.as_str() == "eve@co.example")
        .unwrap();
    let secret = auth::new_secret();
    let token = ApiToken {
        id: TokenId::new(),
        user_id: eve.id,
        name: "sync".into(),
        token_sha256: auth::sha256_hex(&secret),
        scopes: vec!["drafts:read".into()],
        created_at: Utc::now(),
        revoked_at: None,
    };
    let audit = || AuditEntry::new("test", "x", "eve", serde_json::json!({}));
    w.store
        .auth_write(AuthWrite::AddToken(&token), &audit())
        .await
        .unwrap();
    w.store
        .auth_write(AuthWrite::Deactivate(eve.id), &audit())
        .await
        .unwrap();
    let by_cookie = c
        .get(format!("{}/api/v1/drafts", w.url))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 401);
    let by_token = c
        .get(format!("{}/api/v1/drafts", w.url))
        .header("authorization", format!("Bearer {secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_token.status(), 401);
    let again = c
        .post(format!("{}/api/v1/session", w.url))
        .json(&serde_json::json!({"email": "eve@co.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401);
    // A cross-site form cannot post JSON: anything else is refused before any check.
    let form = c
        .post(format!("{}/api/v1/session", w.url))
        .header("content-type", "text/plain")
        .body(r#"{"email": "wes@co.example", "password": "a long enough password"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
}
