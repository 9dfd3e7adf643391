//! The screen/room capacity ledger on the demo company: every account manager assessed against
//! the baseline before AI and the target, the weekly measures, time recovered only from drafts
//! a person approved, the monthly report, and a bad settings file; and `roomwork config`, which
//! shows the settings in force and never a secret.

mod support;

use chrono::Datelike as _;
use support::{demo, free_port, http, json, query, roomwork, serve, stdout};

#[test]
fn each_account_manager_is_measured_against_the_baseline_and_approved_drafts_recover_time() {
    let dir = demo();
    let d = dir.path();
    // Assessed on the day the demo is made (its deployment day is 60 days before that).
    // The demo writes the allocation decision: deployed 60 days before it was made.
    let toml = std::fs::read_to_string(d.join("capacity.toml")).unwrap();
    assert!(toml.contains("deployed_on = ") && toml.contains("target = [0.20, 0.30]"));
    let c = json(&roomwork(d, &["--json", "capacity"]));
    let reps = query(
        d,
        "SELECT CAST(count(*) AS TEXT) FROM reps WHERE active = 1",
    );
    let assessed = c["assessments"].as_array().unwrap();
    assert_eq!(assessed.len().to_string(), reps);
    for a in assessed {
        // Every account manager has a baseline (the demo has years of history before AI).
        assert!(a["baseline"].as_f64().unwrap() > 0.0, "{a}");
        let p = a["progress"].as_str().unwrap();
        assert!(["on_target", "behind", "missed"].contains(&p), "{a}");
        // The trend compares the weeks since deployment with the weeks before them.
        let (t, ai) = (&a["touchpoints"], &a["ai_sent"]);
        assert!(
            t[0].is_u64() && t[1].is_u64() && ai[0].is_u64() && ai[1].is_u64(),
            "{a}"
        );
    }
    // Weeks: touchpoints are counted per owned account.
    let weeks = c["weeks"].as_array().unwrap();
    let w = weeks
        .iter()
        .find(|w| w["touchpoints"].as_u64().unwrap() > 0)
        .unwrap();
    let per = w["touchpoints"].as_f64().unwrap() / w["accounts"].as_f64().unwrap();
    assert!((w["per_account"].as_f64().unwrap() - per).abs() < 1e-9);
    assert!(
        c["recovered"].as_array().unwrap().is_empty(),
        "no AI draft approved yet"
    );

    // A draft recovers time only once a person approves it.
    let text = d.join("draft.txt");
    std::fs::write(
        &text,
        "Hi Ana,\n\nThe revised quote is attached.\n\nBest regards,\nDana",
    )
    .unwrap();
    let account = query(
        d,
        "SELECT name FROM accounts WHERE health = 'healthy' AND tier = 'standard' ORDER BY name LIMIT 1",
    );
    let out = json(&roomwork(
        d,
        &[
            "--json",
            "draft",
            "follow-up",
            "--notes",
            text.to_str().unwrap(),
            "--account",
            &account,
            "--to",
            "Ana Client <ana@example.com>",
            "--by",
            "Dana Reyes",
        ],
    ));
    let id = out["id"].as_str().unwrap().to_string();
    let pending = json(&roomwork(d, &["--json", "capacity"]));
    assert!(
        pending["recovered"].as_array().unwrap().is_empty(),
        "a waiting draft saved nothing yet"
    );
    let body = query(d, &format!("SELECT body FROM drafts WHERE id = '{id}'"));
    let edited = d.join("edited.txt");
    // The marked passages written by the person.
    let mut final_text = body.clone();
    while let Some(start) = final_text.find("[[AM:") {
        let end = final_text[start..].find("]]").unwrap() + start + 2;
        final_text.replace_range(
            start..end,
            "Good to see the line running again after the shutdown.",
        );
    }
    std::fs::write(&edited, final_text).unwrap();
    stdout(&roomwork(
        d,
        &[
            "inbox",
            "approve",
            &id,
            "--sounds-like-me",
            "yes",
            "--reflects-what-mattered",
            "yes",
            "--text",
            edited.to_str().unwrap(),
            "--by",
            "Dana Reyes",
        ],
    ));
    let after = json(&roomwork(d, &["--json", "capacity"]));
    let rec = after["recovered"].as_array().unwrap();
    assert_eq!(rec.len(), 1, "{after}");
    assert_eq!(rec[0]["workflow"], "follow_up_email");
    assert!(rec[0]["hours"].as_f64().unwrap() > 0.0);

    // The weeks of one account manager, and the monthly report as a file.
    let name = query(
        d,
        "SELECT name FROM reps WHERE active = 1 ORDER BY name LIMIT 1",
    );
    let mine = json(&roomwork(
        d,
        &["--json", "capacity", "weeks", "--rep", &name],
    ));
    assert!(
        mine.as_array().unwrap().len() >= 16,
        "eight weeks before AI and the weeks since"
    );
    // The monthly report: last month's own days, touchpoints as the database counts them.
    let r = json(&roomwork(d, &["--json", "capacity", "report"]));
    let month = r["month"].as_str().unwrap().to_string();
    let start = chrono::NaiveDate::parse_from_str(&month, "%Y-%m-%d").unwrap();
    let next = (start + chrono::Duration::days(32)).with_day(1).unwrap();
    let ms = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis();
    let counted = query(
        d,
        &format!(
            "SELECT CAST(count(*) AS TEXT) FROM activities a JOIN reps r ON r.id = a.rep_id \
             WHERE r.name = '{name}' AND a.kind IN ('call', 'visit', 'meeting', 'check_in') \
             AND a.direction = 'outbound' AND a.ai_assisted = 0 \
             AND a.occurred_at >= {} AND a.occurred_at < {}",
            ms(start),
            ms(next)
        ),
    );
    let md = r["markdown"].as_str().unwrap();
    let line = md
        .lines()
        .find(|l| l.starts_with(&format!("| {name} |")))
        .expect("a row");
    assert_eq!(line.split('|').nth(2).unwrap().trim(), counted, "{line}");
    assert!(md.contains("## Efficiency theater") && md.contains("[[AM:"));
    let file = d.join("capacity.md");
    stdout(&roomwork(
        d,
        &[
            "capacity",
            "report",
            "--month",
            &month[..7],
            "--out",
            file.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap().trim_end(),
        md.trim_end()
    );

    // The same report in the web app: the whole of it for sales ops, only their own row for
    // an account manager.
    let add = |email: &str, role: &str, rep: Option<&str>| {
        let mut args = vec![
            "--data-dir",
            d.to_str().unwrap(),
            "users",
            "add",
            "--email",
            email,
            "--name",
            email,
            "--role",
            role,
            "--by",
            "test",
        ];
        if let Some(r) = rep {
            args.extend(["--rep", r]);
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_roomwork"))
            .args(&args)
            .env("ROOMWORK_NEW_PASSWORD", "a long enough password")
            .env_remove("ROOMWORK_DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    add("ops2@brightwater.example", "sales_ops", None);
    add("am2@brightwater.example", "account_manager", Some(&name));
    let port = free_port();
    let _server = serve(d, port);
    let report_of = |email: &str| {
        let body = format!(r#"{{"email": "{email}", "password": "a long enough password"}}"#);
        let (status, head, _) = http(port, "POST", "/api/v1/session", &[], &body);
        assert_eq!(status, 200);
        let cookie = head
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let path = format!("/capacity/report.md?month={}", &month[..7]);
        let (status, _, file) = http(port, "GET", &path, &[("cookie", &cookie)], "");
        assert_eq!(status, 200, "{file}");
        let (status, _, page) = http(
            port,
            "GET",
            &path.replace(".md", ""),
            &[("cookie", &cookie)],
            "",
        );
        assert_eq!(status, 200);
        assert!(page.contains("Capacity allocation"), "{page}");
        file
    };
    assert_eq!(
        report_of("ops2@brightwater.example").trim_end(),
        md.trim_end()
    );
    let own = report_of("am2@brightwater.example");
    let rows: Vec<&str> = own
        .lines()
        .filter(|l| {
            l.starts_with("| ") && !l.starts_with("| account manager") && !l.starts_with("| person")
        })
        .collect();
    assert!(
        !rows.is_empty() && rows.iter().all(|l| l.starts_with(&format!("| {name} |"))),
        "{rows:?}"
    );
}

#[test]
fn a_bad_capacity_file_names_the_key_and_no_deployment_is_explained() {
    let dir = demo();
    let d = dir.path();
    std::fs::write(
        d.join("capacity.toml"),
        "deployed_on = 2026-10-07\ntarget = [20, 30]\n",
    )
    .unwrap();
    let out = roomwork(d, &["capacity"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("capacity.toml") && err.contains("target"),
        "{err}"
    );
    std::fs::write(d.join("capacity.toml"), "deploy_day = 2026-10-07\n").unwrap();
    let out = roomwork(d, &["capacity"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("deploy_day"));
    // Without a deployment day and without any AI draft (a fresh data directory) there is
    // nothing to compare.
    let empty = tempfile::tempdir().unwrap();
    let out = roomwork(empty.path(), &["capacity"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("deployed_on"));
}

#[test]
fn config_shows_what_is_in_force_and_never_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("llm.toml"),
        "[[provider]]\nname = \"hosted\"\nprotocol = \"open_ai\"\nbase_url = \"https://user:pw123@api.example.com/v1\"\nmodel = \"m\"\napi_key_env = \"ROOMWORK_TEST_CONFIG_KEY\"\n\n[[provider]]\nname = \"careless\"\nprotocol = \"open_ai\"\nbase_url = \"https://tok-in-user@api.example.com/v1?key=qk-999\"\nmodel = \"m\"\napi_key_env = \"sk-pasted-key-1234\"\n",
    )
    .unwrap();
    std::fs::write(d.join("signals.toml"), "[stalled]\nweeks = 3\n").unwrap();
    std::fs::write(
        d.join("meetings.toml"),
        "[benchmarks]\ntalk_ratio = [0.40, 0.50]\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .args(["--data-dir", d.to_str().unwrap()])
        .args([
            "--database-url",
            "postgres://bob:hunter2@127.0.0.1:1/x",
            "--json",
            "config",
        ])
        .env("ROOMWORK_TEST_CONFIG_KEY", "sk-very-secret")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for secret in [
        "sk-very-secret",
        "hunter2",
        "pw123",
        "tok-in-user",
        "qk-999",
        "sk-pasted-key-1234",
    ] {
        assert!(!text.contains(secret), "{secret} shown: {text}");
    }
    let c: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(c["database_url"], "postgres://bob:***@127.0.0.1:1/x");
    assert_eq!(c["providers"][0]["api_key"], "set");
    assert_eq!(c["providers"][0]["protocol"], "open_ai");
    let state = |name: &str| {
        c["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(state("signals.toml")["state"], "invalid");
    assert!(
        state("signals.toml")["problem"]
            .as_str()
            .unwrap()
            .contains("weeks")
    );
    assert_eq!(state("meetings.toml")["state"], "present");
    assert_eq!(state("meetings.toml")["effective"]["talk_ratio"][0], 0.4);
    assert_eq!(state("policy.toml")["state"], "default");
    // Nothing was created by looking.
    assert!(!d.join("roomwork.db").exists());
}
