//! The people who sign in, end to end: the demo's users signing in to the real `roomwork serve`
//! process, and `roomwork users` adding a user (the password only as a hash), making an API
//! token that works once shown, and revoking it.

mod support;

use std::process::Command;

use support::{free_port, http, json, query, roomwork, serve};

#[test]
fn the_demo_users_sign_in_to_the_served_demo_and_users_manage_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = json(&roomwork(d, &["--json", "demo"]));
    let password = demo["password"].as_str().unwrap().to_string();
    let users = demo["users"].as_array().unwrap();
    assert_eq!(users.len(), 5);
    let am = users
        .iter()
        .find(|u| u["role"] == "account_manager")
        .unwrap();
    let email = am["email"].as_str().unwrap();
    // Stored as an argon2 hash, never as given.
    let stored = query(
        d,
        &format!("SELECT password_hash FROM users WHERE email = '{email}'"),
    );
    assert!(stored.starts_with("$argon2id$") && !stored.contains(&password));

    let port = free_port();
    let _server = serve(d, port);
    let body = format!(r#"{{"email": "{email}", "password": "{password}"}}"#);
    let (status, head, answer) = http(port, "POST", "/api/v1/session", &[], &body);
    assert_eq!(status, 200, "{answer}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, _, me) = http(port, "GET", "/api/v1/me", &[("cookie", &cookie)], "");
    assert_eq!(status, 200);
    let me: serde_json::Value = serde_json::from_str(&me).unwrap();
    assert_eq!(me["user"]["email"], email);
    assert_eq!(me["user"]["role"], "account_manager");

    // A new user, from the command line; the password from the environment.
    let out = Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .args([
            "--data-dir",
            d.to_str().unwrap(),
            "users",
            "add",
            "--email",
            "nia@brightwater.example",
            "--name",
            "Nia Ops",
            "--role",
            "ops",
            "--by",
            "test",
        ])
        .env("ROOMWORK_NEW_PASSWORD", "another long password")
        .env_remove("ROOMWORK_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let short = Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .args([
            "--data-dir",
            d.to_str().unwrap(),
            "users",
            "add",
            "--email",
            "x@brightwater.example",
            "--name",
            "X",
            "--role",
            "admin",
            "--by",
            "test",
        ])
        .env("ROOMWORK_NEW_PASSWORD", "short")
        .env_remove("ROOMWORK_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(3));
    let no_rep = Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .args([
            "--data-dir",
            d.to_str().unwrap(),
            "users",
            "add",
            "--email",
            "y@brightwater.example",
            "--name",
            "Y",
            "--role",
            "account_manager",
            "--by",
            "test",
        ])
        .env("ROOMWORK_NEW_PASSWORD", "a long enough password")
        .env_remove("ROOMWORK_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(no_rep.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&no_rep.stderr).contains("--rep"));
    let no_team = Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .args([
            "--data-dir",
            d.to_str().unwrap(),
            "users",
            "add",
            "--email",
            "z@brightwater.example",
            "--name",
            "Z",
            "--role",
            "director",
            "--by",
            "test",
        ])
        .env("ROOMWORK_NEW_PASSWORD", "a long enough password")
        .env_remove("ROOMWORK_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(no_team.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&no_team.stderr).contains("--team"));
    let listed = json(&roomwork(d, &["--json", "users", "list"]));
    assert_eq!(listed.as_array().unwrap().len(), 6);

    // An API token: shown once, works with its scope, stops when revoked.
    let t = json(&roomwork(
        d,
        &[
            "--json",
            "users",
            "token",
            "--email",
            "nia@brightwater.example",
            "--name",
            "BI export",
            "--scope",
            "drafts:read",
            "--by",
            "test",
        ],
    ));
    let token = t["token"].as_str().unwrap().to_string();
    let bearer = format!("Bearer {token}");
    let (status, _, _) = http(
        port,
        "GET",
        "/api/v1/drafts",
        &[("authorization", &bearer)],
        "",
    );
    assert_eq!(status, 200);
    let (status, _, _) = http(port, "GET", "/api/v1/me", &[("authorization", &bearer)], "");
    assert_eq!(status, 403, "no me:read scope");
    let tokens = json(&roomwork(d, &["--json", "users", "tokens"]));
    assert!(
        !tokens.to_string().contains(&token),
        "the token is never shown again"
    );
    let id = t["id"].as_str().unwrap();
    support::stdout(&roomwork(d, &["users", "revoke", id, "--by", "test"]));
    let (status, _, _) = http(
        port,
        "GET",
        "/api/v1/drafts",
        &[("authorization", &bearer)],
        "",
    );
    assert_eq!(status, 401);
    let again = roomwork(d, &["users", "revoke", id, "--by", "test"]);
    assert!(!again.status.success());
    // Deactivated: the session ends at once.
    support::stdout(&roomwork(
        d,
        &["users", "deactivate", "--email", email, "--by", "test"],
    ));
    let (status, _, _) = http(port, "GET", "/api/v1/me", &[("cookie", &cookie)], "");
    assert_eq!(status, 401);
}
