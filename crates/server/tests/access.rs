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
    world_trusting(Vec::new()).await
}

/// The world behind trusted reverse proxies at these addresses.
async fn world_trusting(trusted_proxies: Vec<std::net::IpAddr>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("access.db").display());
    let store: Arc<dyn Store> = Arc::from(roomwork_store::open(&url).await.unwrap());
    let (west, east) = (rep("Wes West", "West"), rep("Eve East", "East"));
    let (wa, ea) = (account("Westco", west.id), account("Eastco", east.id));
    let deal = |name: &str, a: &Account, owner: RepId| roomwork_domain::Opportunity {
        id: roomwork_domain::OpportunityId::new(),
        ext_key: None,
        name: name.into(),
        account_id: Some(a.id),
        owner: Some(owner),
        stage: roomwork_domain::Stage::parse("Proposal").unwrap(),
        amount: None,
        close_date: None,
        next_step: None,
        next_step_date: None,
        created_on: Utc::now().date_naive(),
        forecast_category: None,
        stage_history: Vec::new(),
    };
    store
        .save_batch(&Batch {
            reps: vec![west.clone(), east.clone()],
            accounts: vec![wa.clone(), ea.clone()],
            opportunities: vec![
                deal("Westco pumps", &wa, west.id),
                deal("Eastco valves", &ea, east.id),
                // Another rep's deal on Westco: Wes sees the account, not this deal.
                deal("Westco spares (Eve's)", &wa, east.id),
            ],
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
    let site = roomwork_server::Site {
        data_dir: Some(dir.path().to_path_buf()),
        hooks: Arc::new(roomwork_server::NoHooks),
        trusted_proxies,
        log_requests: false,
    };
    let app = roomwork_server::router_with(store.clone(), RoutingConfig::default(), site);
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

/// GET with the session cookie: the status and the JSON (or text) answer.
async fn get(w: &World, cookie: &str, path: &str) -> (u16, String) {
    let r = client()
        .get(format!("{}{path}", w.url))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn names(json: &str, field: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn every_reading_and_reviewing_route_for_every_role_and_no_one_changes_anothers_records() {
    let w = world().await;
    let c = client();
    let drafts = w
        .store
        .drafts(roomwork_store::DraftFilter::default())
        .await
        .unwrap();
    let west_draft = drafts
        .iter()
        .find(|d| d.subject == "For Westco")
        .unwrap()
        .id;
    let westco = w
        .store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name == "Westco")
        .unwrap()
        .id;
    // Nobody signed in: every API route refuses, every page sends to the sign-in page.
    for path in [
        "/api/v1/accounts",
        "/api/v1/deals",
        "/api/v1/leads",
        "/api/v1/calls",
        "/api/v1/audit",
        &format!("/api/v1/drafts/{west_draft}"),
        &format!("/api/v1/accounts/{westco}"),
    ] {
        assert_eq!(get(&w, "", path).await.0, 401, "{path}");
    }
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/inbox",
        "/accounts",
        "/pipeline",
        "/capacity",
        "/meetings",
        "/leads",
        "/forecast",
        "/governance",
        "/foundation",
    ] {
        let r = no_redirects
            .get(format!("{}{path}", w.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{path}");
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/signin?next="),
            "{path}"
        );
    }
    // (email, accounts seen, deals seen, may read the west draft, audit and ops pages)
    type Row<'a> = (&'a str, &'a [&'a str], &'a [&'a str], bool, bool);
    let expected: [Row; 5] = [
        (
            "wes@co.example",
            &["Westco"],
            &["Westco pumps"],
            true,
            false,
        ),
        (
            "eve@co.example",
            &["Eastco"],
            &["Eastco valves", "Westco spares (Eve's)"],
            false,
            false,
        ),
        (
            "dir@co.example",
            &["Westco"],
            &["Westco pumps"],
            true,
            false,
        ),
        (
            "ops@co.example",
            &["Eastco", "Westco"],
            &["Eastco valves", "Westco pumps", "Westco spares (Eve's)"],
            true,
            true,
        ),
        (
            "admin@co.example",
            &["Eastco", "Westco"],
            &["Eastco valves", "Westco pumps", "Westco spares (Eve's)"],
            true,
            true,
        ),
    ];
    for (email, accounts, deals, reads_west, ops) in expected {
        let (cookie, _) = sign_in(&w, email).await;
        let (st, body) = get(&w, &cookie, "/api/v1/accounts").await;
        assert_eq!(
            (st, names(&body, "name")),
            (200, accounts.iter().map(|s| s.to_string()).collect()),
            "{email}"
        );
        let (st, body) = get(&w, &cookie, "/api/v1/deals").await;
        assert_eq!(
            (st, names(&body, "name")),
            (200, deals.iter().map(|s| s.to_string()).collect()),
            "{email}"
        );
        let west_status = if reads_west { 200 } else { 404 };
        assert_eq!(
            get(&w, &cookie, &format!("/api/v1/drafts/{west_draft}"))
                .await
                .0,
            west_status,
            "{email}"
        );
        let (st, body) = get(&w, &cookie, &format!("/api/v1/accounts/{westco}")).await;
        assert_eq!(st, west_status, "{email}");
        if st == 200 {
            // The account's deals are only those the caller may see.
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            let on: Vec<&str> = v["deals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["name"].as_str().unwrap())
                .collect();
            assert_eq!(
                on.contains(&"Westco spares (Eve's)"),
                ops,
                "{email}: {on:?}"
            );
        }
        assert_eq!(get(&w, &cookie, "/api/v1/leads").await.0, 200, "{email}");
        assert_eq!(get(&w, &cookie, "/api/v1/calls").await.0, 200, "{email}");
        assert_eq!(
            get(&w, &cookie, "/api/v1/audit").await.0,
            if ops { 200 } else { 403 },
            "{email}"
        );
        // Pages: the draft and the account are 404 where the API says so; ops pages 403.
        assert_eq!(
            get(&w, &cookie, &format!("/inbox/{west_draft}")).await.0,
            west_status,
            "{email}"
        );
        assert_eq!(
            get(&w, &cookie, &format!("/accounts/{westco}")).await.0,
            west_status,
            "{email}"
        );
        for page in [
            "/inbox",
            "/accounts",
            "/pipeline",
            "/meetings",
            "/leads",
            "/forecast",
            "/capacity",
        ] {
            assert_eq!(get(&w, &cookie, page).await.0, 200, "{email} {page}");
        }
        assert_eq!(get(&w, &cookie, "/meetings/nope").await.0, 404, "{email}");
        for page in ["/governance", "/foundation"] {
            assert_eq!(
                get(&w, &cookie, page).await.0,
                if ops { 200 } else { 403 },
                "{email} {page}"
            );
        }
    }

    // Changes. Eve (another account manager) cannot approve, reject or revise Wes's draft,
    // with a valid CSRF token of her own: 404, as if it did not exist.
    let (eve, eve_csrf) = sign_in(&w, "eve@co.example").await;
    let yes = serde_json::json!({"sounds_like_me": true, "reflects_what_mattered": true});
    for (path, body) in [
        ("approve", yes.clone()),
        ("reject", serde_json::json!({"reason": "not mine"})),
        (
            "revisions",
            serde_json::json!({"body": "Hi,\n\nChanged by Eve."}),
        ),
    ] {
        let r = c
            .post(format!("{}/api/v1/drafts/{west_draft}/{path}", w.url))
            .header("cookie", &eve)
            .header("x-csrf-token", &eve_csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "eve {path}");
    }
    // Nor through the page's forms.
    let r = c
        .post(format!("{}/inbox/{west_draft}/approve", w.url))
        .header("cookie", &eve)
        .form(&[
            ("csrf", eve_csrf.as_str()),
            ("sounds_like_me", "yes"),
            ("reflects_what_mattered", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Nor reject it through the page, nor record a forecast for Wes, nor edit the Foundation.
    let r = c
        .post(format!("{}/inbox/{west_draft}/reject", w.url))
        .header("cookie", &eve)
        .form(&[("csrf", eve_csrf.as_str()), ("reason", "not mine")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .post(format!("{}/forecast/override", w.url))
        .header("cookie", &eve)
        .form(&[
            ("csrf", eve_csrf.as_str()),
            ("period", "2026-12"),
            ("target", "Wes West"),
            ("amount", "1000"),
            ("reason", "mine now"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{}/foundation/tiers.toml", w.url))
        .header("cookie", &eve)
        .form(&[("csrf", eve_csrf.as_str()), ("text", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!w._dir.path().join("foundation").join("tiers.toml").exists());
    // The director reads it but does not answer "does this sound like me?" for Wes.
    let (dir, dir_csrf) = sign_in(&w, "dir@co.example").await;
    let r = c
        .post(format!("{}/api/v1/drafts/{west_draft}/approve", w.url))
        .header("cookie", &dir)
        .header("x-csrf-token", &dir_csrf)
        .json(&yes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let unchanged = w.store.draft(west_draft).await.unwrap();
    assert_eq!(unchanged.status, roomwork_domain::DraftStatus::Pending);
    assert_eq!(unchanged.revision, 0);

    // Wes: without the CSRF token, refused; with it, the relationship test approves.
    let (wes, wes_csrf) = sign_in(&w, "wes@co.example").await;
    let r = c
        .post(format!("{}/api/v1/drafts/{west_draft}/approve", w.url))
        .header("cookie", &wes)
        .json(&yes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{}/inbox/{west_draft}/approve", w.url))
        .header("cookie", &wes)
        .form(&[("sounds_like_me", "yes"), ("reflects_what_mattered", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a form without the CSRF field");
    // A browser's text box comes back with CRLF line ends: not an edit.
    let r = c
        .post(format!("{}/api/v1/drafts/{west_draft}/approve", w.url))
        .header("cookie", &wes)
        .header("x-csrf-token", &wes_csrf)
        .json(&serde_json::json!({"sounds_like_me": true, "reflects_what_mattered": true, "body": "Hi,\r\n\r\nThanks."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["outcome"], "approved");
    let approved = w.store.draft(west_draft).await.unwrap();
    assert_eq!(approved.status, roomwork_domain::DraftStatus::Approved);
    assert_eq!(approved.revision, 0, "an unchanged text is not a revision");
    assert_eq!(approved.approval.unwrap().reviewer, "wes@co.example");
    let audit = w.store.audit_records().await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "draft.approved" && r.actor == "wes@co.example")
    );
    // Approved once: a second approval is a conflict, not a second record.
    let r = c
        .post(format!("{}/api/v1/drafts/{west_draft}/approve", w.url))
        .header("cookie", &wes)
        .header("x-csrf-token", &wes_csrf)
        .json(&yes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

#[test]
fn behind_a_trusted_proxy_the_client_is_the_address_it_forwarded() {
    use roomwork_server::client_ip;
    let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
    let mut h = axum::http::HeaderMap::new();
    h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
    // From the proxy: the last forwarded address (what the proxy appended), not what the
    // client wrote at the front.
    assert_eq!(
        client_ip(Some(proxy), &h, &[proxy]),
        Some("203.0.113.7".parse().unwrap())
    );
    // From anyone else the header is the client's own words: the peer counts.
    let other: std::net::IpAddr = "198.51.100.1".parse().unwrap();
    assert_eq!(client_ip(Some(other), &h, &[proxy]), Some(other));
    // Two proxies in a row: past both.
    let inner: std::net::IpAddr = "10.0.0.3".parse().unwrap();
    h.insert("x-forwarded-for", "203.0.113.7, 10.0.0.3".parse().unwrap());
    assert_eq!(
        client_ip(Some(proxy), &h, &[proxy, inner]),
        Some("203.0.113.7".parse().unwrap())
    );
    // A proxy that forwarded nothing usable: the proxy itself.
    assert_eq!(
        client_ip(Some(proxy), &axum::http::HeaderMap::new(), &[proxy]),
        Some(proxy)
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_sign_in_limits_count_each_client_and_requests_carry_an_id() {
    let w = world_trusting(vec!["127.0.0.1".parse().unwrap()]).await;
    let c = client();
    let attempt = |from: &'static str| {
        c.post(format!("{}/api/v1/session", w.url))
            .header("x-forwarded-for", from)
            .json(&serde_json::json!({"email": "wes@co.example", "password": "wrong password!"}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("203.0.113.7").await.unwrap().status(), 401);
    }
    // The sixth from that client is refused...
    assert_eq!(attempt("203.0.113.7").await.unwrap().status(), 429);
    // ...while another client behind the same proxy still gets an answer.
    assert_eq!(attempt("203.0.113.8").await.unwrap().status(), 401);
    // Every answer carries a request id; a plain one the caller sent comes back.
    let r = c
        .get(format!("{}/healthz", w.url))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    let r = c
        .get(format!("{}/healthz", w.url))
        .header("x-request-id", "no spaces allowed")
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 16);
    assert_ne!(id, "no spaces allowed");
}
