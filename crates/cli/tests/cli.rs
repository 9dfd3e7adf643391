//! The `roomwork` binary driven as a person or a script would: real files, a real SQLite
//! database in a temporary data directory, exit codes and JSON checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fixtures")
        .join(name)
}

fn roomwork(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ROOMWORK_DATABASE_URL")
        .output()
        .expect("run roomwork")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn counts(dir: &Path) -> serde_json::Value {
    json(&roomwork(dir, &["--json", "status"]))["counts"].clone()
}

#[test]
fn importing_exports_stores_them_once_and_reports_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        "sf_accounts_dataloader.csv",
        "sf_opportunities_report.csv",
        "sf_contacts_report.csv",
        "sf_tasks_dataloader.csv",
    ];
    let mut args = vec!["--json", "import"];
    let paths: Vec<String> = files
        .iter()
        .map(|f| fixture(f).display().to_string())
        .collect();
    args.extend(paths.iter().map(|s| s.as_str()));
    let reports = json(&roomwork(dir.path(), &args));
    assert_eq!(reports.as_array().unwrap().len(), 4);
    assert_eq!(reports[1]["detected"], "Salesforce opportunity report");
    assert_eq!(reports[1]["tallies"]["opportunities"]["created"], 7);
    let c = counts(dir.path());
    assert_eq!(
        (
            c["accounts"].as_u64(),
            c["opportunities"].as_u64(),
            c["activities"].as_u64()
        ),
        (Some(5), Some(7), Some(2))
    );

    // Again: nothing new.
    let again = json(&roomwork(dir.path(), &args));
    assert_eq!(again[1]["tallies"]["opportunities"]["unchanged"], 7);
    assert_eq!(counts(dir.path()), c);
}

#[test]
fn a_dry_run_says_what_would_change_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("hubspot_deals.csv").display().to_string();
    let out = roomwork(dir.path(), &["import", "--dry-run", &file]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("HubSpot deals export")
            && text.contains("would create")
            && text.contains("nothing was stored"),
        "{text}"
    );
    assert_eq!(counts(dir.path())["opportunities"], 0);
}

#[test]
fn a_malformed_file_exits_3_names_line_and_column_and_keeps_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("hubspot_deals.csv").display().to_string();
    assert!(roomwork(dir.path(), &["import", &good]).status.success());
    let before = counts(dir.path());
    let bad = fixture("bad_amounts.csv").display().to_string();
    let out = roomwork(dir.path(), &["import", &bad]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("line 3, column 4 (\"Amount\")") && text.contains("NOT IMPORTED"),
        "{text}"
    );
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn a_mapping_file_imports_any_csv() {
    let dir = tempfile::tempdir().unwrap();
    let map = fixture("pipedrive.map.toml").display().to_string();
    let file = fixture("pipedrive_deals.csv").display().to_string();
    let r = json(&roomwork(
        dir.path(),
        &["--json", "import", "--mapping", &map, &file],
    ));
    assert_eq!(r[0]["tallies"]["opportunities"]["created"], 2);
    // A mapping that names a column the file lacks is an input error.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "kind = \"opportunities\"\n[columns]\nname = \"Nope\"\nstage = \"Pipeline stage\"\n",
    )
    .unwrap();
    let out = roomwork(
        dir.path(),
        &["import", "--mapping", bad.to_str().unwrap(), &file],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn hygiene_reports_completion_and_open_deal_gaps_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("sf_opportunities_report.csv").display().to_string();
    assert!(roomwork(dir.path(), &["import", &file]).status.success());
    let h = json(&roomwork(dir.path(), &["--json", "hygiene"]));
    let completion = h["completion"].as_array().unwrap();
    let close = completion
        .iter()
        .find(|c| c["object"] == "opportunities" && c["field"] == "close_date")
        .unwrap();
    assert_eq!(
        (close["filled"].as_u64(), close["total"].as_u64()),
        (Some(6), Some(7))
    );
    assert_eq!(h["missing_close_date"]["count"], 1);
    assert_eq!(h["unknown_stages"][0][0], "On hold");
}

#[test]
fn the_demo_makes_a_company_and_refuses_to_overwrite_one() {
    let dir = tempfile::tempdir().unwrap();
    let r = json(&roomwork(dir.path(), &["--json", "demo", "--seed", "7"]));
    assert_eq!(r["counts"]["opportunities"], 600);
    assert_eq!(r["counts"]["transcripts"], 12);
    for f in r["reimport"].as_array().unwrap() {
        let t = f["tallies"].as_object().unwrap().values().next().unwrap();
        assert_eq!(
            (t["created"].as_u64(), t["updated"].as_u64()),
            (Some(0), Some(0)),
            "{f}"
        );
    }
    let transcripts = std::fs::read_dir(dir.path().join("demo/transcripts"))
        .unwrap()
        .count();
    assert_eq!(transcripts, 12);
    let again = roomwork(dir.path(), &["demo"]);
    assert_eq!(again.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--data-dir"));
}

#[test]
fn stages_list_the_canonical_stages_and_bad_urls_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    let s = json(&roomwork(dir.path(), &["--json", "stages"]));
    assert_eq!(s["stages"].as_array().unwrap().len(), 7);
    let out = Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .args([
            "--database-url",
            "postgres://nobody:secret@127.0.0.1:1/none",
            "status",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("secret") && err.contains("***"), "{err}");
}

/// The demo end to end against PostgreSQL (a fresh database, dropped after), when
/// `ROOMWORK_TEST_DATABASE_URL` is set; `CI=true` without it fails, as the contract suite does.
#[test]
fn the_demo_runs_end_to_end_on_postgresql() {
    use sqlx::Connection as _;
    let Ok(admin) = std::env::var("ROOMWORK_TEST_DATABASE_URL") else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true needs ROOMWORK_TEST_DATABASE_URL"
        );
        eprintln!("skipping: ROOMWORK_TEST_DATABASE_URL is not set");
        return;
    };
    let name = format!("roomwork_cli_test_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sql = |q: String| {
        rt.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(q))
                .execute(&mut conn)
                .await
                .expect("admin statement");
        })
    };
    sql(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    sql(format!("CREATE DATABASE \"{name}\""));
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--database-url", &url, "--json", "demo", "--seed", "3"])
        .output()
        .unwrap();
    sql(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    let r = json(&out);
    assert_eq!(r["counts"]["opportunities"], 600);
    assert_eq!(r["counts"]["transcripts"], 12);
    for f in r["reimport"].as_array().unwrap() {
        let t = f["tallies"].as_object().unwrap().values().next().unwrap();
        assert_eq!(
            (t["created"].as_u64(), t["updated"].as_u64()),
            (Some(0), Some(0)),
            "{f}"
        );
    }
}
