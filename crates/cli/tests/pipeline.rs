//! `roomwork pipeline`: the demo company's open deals evaluated and explained, the rules
//! backtested, the deal score trained against the stage prior, snapshots rebuilt and taken by
//! the weekly report, the forecast with an audited override, forecast accuracy, a re-import
//! that pushes a close date twice raising the signal at once, and a bad signals.toml refused
//! with its line.

mod support;

use support::{demo, json, query, roomwork, stdout};

#[test]
fn the_demo_pipeline_is_evaluated_backtested_scored_snapshotted_and_forecast() {
    let dir = demo();
    let d = dir.path();

    // Every open deal was evaluated by the demo; each raised signal says why.
    let signals = json(&roomwork(d, &["--json", "pipeline", "signals"]));
    let list = signals.as_array().unwrap();
    assert!(list.len() > 20, "{signals}");
    for s in list {
        assert!(!s["why"].as_str().unwrap().is_empty(), "{s}");
    }
    let stored: i64 = query(d, "SELECT CAST(COUNT(*) AS TEXT) FROM deal_signals")
        .parse()
        .unwrap();
    assert_eq!(stored as usize, list.len());
    let ghosted = json(&roomwork(
        d,
        &["--json", "pipeline", "signals", "--signal", "ghosted"],
    ));
    assert!(
        ghosted
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["signal"] == "ghosted")
    );
    let bad = roomwork(d, &["pipeline", "signals", "--signal", "ghostly"]);
    assert_eq!(bad.status.code(), Some(3));

    // The backtest measures each rule on closed deals; on the demo, deals that were pushed
    // twice or left single-threaded lost more often than the others.
    let b = json(&roomwork(d, &["--json", "pipeline", "backtest"]));
    assert!(b["deals"].as_u64().unwrap() > 300, "{b}");
    let rule = |name: &str| {
        b["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["signal"] == name)
            .unwrap_or_else(|| panic!("{name} in {b}"))
            .clone()
    };
    assert_eq!(rule("close_date_pushed")["verdict"], "predicts", "{b}");
    assert_eq!(rule("single_threaded")["verdict"], "predicts", "{b}");
    assert!(
        b["not_backtestable"]
            .as_array()
            .unwrap()
            .contains(&"next_step_missing".into())
    );

    // The demo trained a deal model; training again stores the next version, measured on the
    // latest closed deals against the stage prior.
    let t = json(&roomwork(
        d,
        &["--json", "pipeline", "train", "--by", "Sam Ops"],
    ));
    assert_eq!(t["version"], 2);
    let trees = &t["evaluation"]["trees"];
    let prior = &t["evaluation"]["prior"];
    assert!(
        trees["auc"].as_f64().unwrap() > prior["auc"].as_f64().unwrap(),
        "{t}"
    );
    assert_eq!(t["engine"], "trees");
    let audit = query(
        d,
        "SELECT actor FROM audit_log WHERE action = 'pipeline.model_trained' ORDER BY seq DESC LIMIT 1",
    );
    assert_eq!(audit, "Sam Ops");
    let deals = json(&roomwork(
        d,
        &["--json", "pipeline", "deals", "--limit", "5"],
    ));
    for deal in deals.as_array().unwrap() {
        let p = deal["probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!(
            !deal["score"]["factors"].as_array().unwrap().is_empty(),
            "{deal}"
        );
    }

    // A year of weekly snapshots was rebuilt; the weekly report compares with the last
    // one and saves today's.
    let snaps = json(&roomwork(d, &["--json", "pipeline", "snapshots"]));
    assert!(snaps.as_array().unwrap().len() >= 25, "{snaps}");
    assert!(
        snaps
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["source"] == "reconstructed")
    );
    let report = stdout(&roomwork(d, &["draft", "pipeline-report", "--by", "Dana"]));
    assert!(report.contains("Since the snapshot of"), "{report}");
    assert!(report.contains("Saved today's open pipeline"), "{report}");
    let again = stdout(&roomwork(d, &["draft", "pipeline-report", "--by", "Dana"]));
    assert!(again.contains("already saved"), "{again}");
    // A report dated another day saves no snapshot: a snapshot is the pipeline as it is now.
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    let dated = stdout(&roomwork(
        d,
        &[
            "draft",
            "pipeline-report",
            "--by",
            "Dana",
            "--today",
            &yesterday,
        ],
    ));
    assert!(dated.contains("No snapshot saved"), "{dated}");
    let snaps_now = json(&roomwork(d, &["--json", "pipeline", "snapshots"]));
    assert!(
        !snaps_now
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["taken_on"] == yesterday.as_str() && s["source"] == "report")
    );
    let snaps = json(&roomwork(d, &["--json", "pipeline", "snapshots"]));
    assert_eq!(
        snaps.as_array().unwrap().last().unwrap()["source"],
        "report"
    );

    // The forecast: a roll-up per rep and for the team, an interval around the AI forecast,
    // and rep bias from the rebuilt snapshots.
    let f = json(&roomwork(d, &["--json", "pipeline", "forecast"]));
    let team = &f["team"];
    let ai = &team["ai"];
    assert!(ai["p10"].as_i64().unwrap() <= ai["expected"].as_i64().unwrap());
    assert!(ai["expected"].as_i64().unwrap() <= ai["p90"].as_i64().unwrap());
    assert!(team["bias"]["periods"].as_u64().unwrap() >= 2, "{f}");
    let reps = f["reps"].as_array().unwrap();
    assert!(
        reps.iter().any(|r| r["bias"]["tendency"] == "over-calling"),
        "{f}"
    );
    assert!(
        reps.iter().any(|r| r["bias"]["tendency"] == "sandbagging"),
        "{f}"
    );

    // A manager's override is recorded with who and why, audited, and shown.
    let period = f["period"].as_str().unwrap().to_string();
    let o = roomwork(
        d,
        &[
            "pipeline",
            "override",
            "--period",
            &period,
            "--amount",
            "$750,000",
            "--by",
            "Dana Director",
            "--reason",
            "Tern Island PO confirmed by phone",
        ],
    );
    stdout(&o);
    let f = json(&roomwork(d, &["--json", "pipeline", "forecast"]));
    assert_eq!(f["team"]["overridden"]["amount"], 75_000_000);
    assert_eq!(f["team"]["overridden"]["by"], "Dana Director");
    let audit = query(
        d,
        "SELECT subject FROM audit_log WHERE action = 'pipeline.forecast_override'",
    );
    assert!(audit.contains(&period), "{audit}");
    let refused = roomwork(
        d,
        &[
            "pipeline", "override", "--period", "2026-13", "--amount", "1", "--by", "x",
            "--reason", "y",
        ],
    );
    assert_eq!(refused.status.code(), Some(3));
    // An amount no forecast reaches is a typing slip, refused before anything is stored.
    let huge = roomwork(
        d,
        &[
            "pipeline",
            "override",
            "--period",
            &period,
            "--amount",
            "92233720368547758.07",
            "--by",
            "x",
            "--reason",
            "y",
        ],
    );
    assert_eq!(huge.status.code(), Some(3), "{huge:?}");
    assert!(String::from_utf8_lossy(&huge.stderr).contains("check the digits"));

    // Accuracy of every closed month that has an opening snapshot.
    let acc = json(&roomwork(d, &["--json", "pipeline", "accuracy"]));
    let periods = acc["periods"].as_array().unwrap();
    assert!(periods.len() >= 4, "{acc}");
    for p in periods {
        assert!(p["actual"].as_i64().unwrap() >= 0);
        assert!(p["ai"].as_i64().is_some());
    }
}

#[test]
fn a_close_date_pushed_twice_by_reimports_raises_the_signal_at_once() {
    let dir = demo();
    let d = dir.path();
    // An open deal whose close date was never moved.
    let name = query(
        d,
        "SELECT o.name FROM opportunities o WHERE o.stage NOT LIKE 'Closed%' AND NOT EXISTS \
         (SELECT 1 FROM deal_field_changes c WHERE c.opportunity_id = o.id AND c.field = 'close_date') \
         ORDER BY o.name LIMIT 1",
    );
    let close = query(
        d,
        &format!("SELECT close_date FROM opportunities WHERE name = '{name}'"),
    );
    let close = chrono::NaiveDate::parse_from_str(&close, "%Y-%m-%d").unwrap();
    let us = |day: chrono::NaiveDate| day.format("%-m/%-d/%Y").to_string();
    let export =
        std::fs::read_to_string(d.join("demo/exports/salesforce-opportunities.csv")).unwrap();
    let header = export.lines().next().unwrap();
    let line = export.lines().find(|l| l.contains(&name)).unwrap();
    for (n, days) in [(1, 30), (2, 75)] {
        let moved = line.replacen(
            &format!(",{},", us(close)),
            &format!(",{},", us(close + chrono::Duration::days(days))),
            1,
        );
        assert_ne!(moved, line);
        let file = d.join(format!("push-{n}.csv"));
        std::fs::write(&file, format!("{header}\n{moved}\n")).unwrap();
        let scores = || {
            query(
                d,
                &format!(
                    "SELECT CAST(COUNT(*) AS TEXT) FROM deal_scores s JOIN opportunities o \
                     ON o.id = s.opportunity_id WHERE o.name = '{name}'"
                ),
            )
        };
        if n == 1 {
            // The first push is stored only: the deal's score, removed here, stays absent.
            query(
                d,
                &format!(
                    "DELETE FROM deal_scores WHERE opportunity_id = \
                     (SELECT id FROM opportunities WHERE name = '{name}') RETURNING 'gone'"
                ),
            );
            let out = stdout(&roomwork(
                d,
                &["import", "--no-refresh", file.to_str().unwrap()],
            ));
            assert!(
                out.contains(
                    "The import touched 1 deals and did not re-evaluate them (--no-refresh)"
                ),
                "{out}"
            );
            assert_eq!(scores(), "0");
        } else {
            let out = stdout(&roomwork(d, &["import", file.to_str().unwrap()]));
            assert!(
                out.contains("Re-evaluated 1 open deals the import touched"),
                "{out}"
            );
            assert_eq!(scores(), "1");
        }
    }
    let pushes = query(
        d,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM deal_field_changes c JOIN opportunities o ON o.id = c.opportunity_id \
             WHERE o.name = '{name}' AND c.field = 'close_date'"
        ),
    );
    assert_eq!(pushes, "2");
    let s = json(&roomwork(
        d,
        &[
            "--json",
            "pipeline",
            "signals",
            "--signal",
            "close_date_pushed",
        ],
    ));
    let hit = s
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["deal"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} not flagged: {s}"));
    assert!(
        hit["why"].as_str().unwrap().contains("moved later 2 times"),
        "{hit}"
    );
}

#[test]
fn thresholds_come_from_signals_toml_and_a_bad_key_names_its_line() {
    let dir = demo();
    let d = dir.path();
    let before = json(&roomwork(d, &["--json", "pipeline", "refresh"]));
    std::fs::write(d.join("signals.toml"), "[no_activity]\nenabled = false\n").unwrap();
    let after = json(&roomwork(d, &["--json", "pipeline", "refresh"]));
    let count = |v: &serde_json::Value| {
        v["by_signal"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x[0] == "no_activity")
            .map_or(0, |x| x[1].as_u64().unwrap())
    };
    assert!(count(&before) > 0);
    assert_eq!(count(&after), 0);
    assert!(after["cleared"].as_u64().unwrap() >= count(&before));
    std::fs::write(d.join("signals.toml"), "[ghosted]\ndays = 14\nweeks = 2\n").unwrap();
    let bad = roomwork(d, &["pipeline", "refresh"]);
    assert_eq!(bad.status.code(), Some(3));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("signals.toml") && err.contains("line 3") && err.contains("weeks"),
        "{err}"
    );
    // Nothing stored was lost: the signals of the last good evaluation are still there.
    let kept = json(&roomwork(d, &["--json", "pipeline", "signals"]));
    assert_eq!(
        kept.as_array().unwrap().len() as u64,
        after["raised"].as_u64().unwrap()
    );
}

#[test]
fn a_transcript_is_analysed_without_being_stored() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/discovery-call.vtt"
    );
    let a = json(&roomwork(
        d,
        &[
            "--json",
            "meetings",
            "analyze",
            file,
            "--rep",
            "Eun-ji Acheampong",
            "--call-type",
            "discovery",
        ],
    ));
    assert!(
        !d.join("roomwork.db").exists(),
        "analysing a file creates no store"
    );
    let turns = a["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 6);
    for t in turns {
        assert!(t["speaker"].is_string() && t["start"].is_number() && t["end"].is_number());
        assert!(t["is_question"].is_boolean());
    }
    assert_eq!(
        turns[1]["is_question"], true,
        "a question without a question mark"
    );
    assert_eq!(turns[0]["is_question"], false);
    let m = &a["metrics"];
    assert!(m["rep_talk_ratio"].as_f64().unwrap() < 0.5);
    assert_eq!(m["customer_people"], 2);
    let risks: Vec<&str> = a["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert!(
        risks.contains(&"budget_concern") && risks.contains(&"decision_maker_absent"),
        "{risks:?}"
    );
    let items = a["action_items"].as_array().unwrap();
    assert_eq!(items[0]["owner"], "Eun-ji Acheampong");
    assert_eq!(items[0]["due"], "by friday");
    assert_eq!(a["trust_repair"], false);
    // A --rep that names nobody on the call is refused, with the speakers it could be.
    let out = roomwork(d, &["meetings", "analyze", file, "--rep", "Bob"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Eun-ji Acheampong"));
    // A first name is enough.
    let by_first = json(&roomwork(
        d,
        &["--json", "meetings", "analyze", file, "--rep", "eun-ji"],
    ));
    assert_eq!(by_first["reps"][0], "Eun-ji Acheampong");
    // A malformed file names its line, and is exit 3.
    let bad = d.join("bad.vtt");
    std::fs::write(&bad, "WEBVTT\n\n00:00:01.000 --> 00:00:99.000\n<v A>hi\n").unwrap();
    let out = roomwork(d, &["meetings", "analyze", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.vtt: line 3"));
}

/// A large file is planned and stored in parts (every 50,000 records; here every 7, through
/// `ROOMWORK_IMPORT_PART`), one transaction in all. Each part carries the reps and accounts its
/// deals are the first to name, so the keys hold part by part (PostgreSQL checks them at every
/// statement), and the store ends as a one-part import leaves it.
#[test]
fn an_import_stored_in_small_parts_matches_one_part() {
    let d = demo();
    let exports = d.path().join("demo/exports");
    let files: Vec<String> = ["opportunities", "accounts", "contacts"]
        .iter()
        .map(|k| {
            exports
                .join(format!("salesforce-{k}.csv"))
                .display()
                .to_string()
        })
        .collect();
    let import = |target: &[&str], part: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_roomwork"));
        cmd.arg("--data-dir")
            .arg(dir.path())
            .args(target)
            .args(["--json", "import", "--no-refresh"])
            .args(&files)
            .env_remove("ROOMWORK_DATABASE_URL")
            .env_remove("ROOMWORK_IMPORT_PART");
        if let Some(p) = part {
            cmd.env("ROOMWORK_IMPORT_PART", p);
        }
        let out = cmd.output().unwrap();
        let reports = json(&out);
        assert!(
            reports
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["stored"] == true),
            "{reports}"
        );
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_roomwork"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(target)
            .args(["--json", "status"])
            .env_remove("ROOMWORK_DATABASE_URL")
            .output()
            .unwrap();
        let tallies: Vec<_> = reports
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["tallies"].clone())
            .collect();
        // The deals' file went in one part, or in many.
        let deal_parts = reports[0]["parts"].as_u64().unwrap();
        match part {
            None => assert_eq!(deal_parts, 1),
            Some(_) => assert!(deal_parts > 80, "{deal_parts} parts"),
        }
        (json(&status)["counts"].clone(), tallies)
    };
    let (whole, whole_tallies) = import(&[], None);
    assert_eq!(whole["opportunities"], 600, "{whole}");
    assert!(whole["stage_changes"].as_u64().unwrap() >= 600, "{whole}");
    let (parts, part_tallies) = import(&[], Some("7"));
    assert_eq!(parts, whole);
    assert_eq!(part_tallies, whole_tallies);
    // A part size that is not a number is refused before anything is read.
    let dir = tempfile::tempdir().unwrap();
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", &files[0]])
        .env_remove("ROOMWORK_DATABASE_URL")
        .env("ROOMWORK_IMPORT_PART", "10k")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(3));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("ROOMWORK_IMPORT_PART") && err.contains("\"10k\""),
        "{err}"
    );

    let Some(db) = support::pg_database("parts_test") else {
        return;
    };
    let (on_postgres, pg_tallies) = import(&["--database-url", &db.url], Some("7"));
    assert_eq!(on_postgres, whole);
    assert_eq!(pg_tallies, whole_tallies);
}

/// When the database refuses a part, the import stops: the planner plans no further than the
/// parts already queued, nothing of the file is stored, what was stored before is kept, and
/// the report says so without counts of records that were never written (exit 4).
#[test]
fn an_import_the_database_refuses_midway_stores_nothing_and_stops_planning() {
    let dir = tempfile::tempdir().unwrap();
    let header = "Opportunity Name,Account Name,Opportunity Owner,Stage,Amount,Created Date,Opportunity ID\n";
    let base = dir.path().join("base.csv");
    std::fs::write(
        &base,
        format!("{header}Kept deal,Acme,Sam Ruiz,Qualification,100,1/7/2026,006A000000Zz001\n"),
    )
    .unwrap();
    stdout(&roomwork(
        dir.path(),
        &["import", "--no-refresh", base.to_str().unwrap()],
    ));
    // A trigger stands in for any refusal the database makes (a full disk, a constraint).
    let db = dir.path().join("roomwork.db");
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async {
            use sqlx::Connection as _;
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
                .await
                .unwrap();
            sqlx::raw_sql(
                "CREATE TRIGGER poison BEFORE INSERT ON opportunities WHEN NEW.name = 'Poison deal' \
                 BEGIN SELECT RAISE(ABORT, 'poisoned row'); END",
            )
            .execute(&mut c)
            .await
            .unwrap();
        });
    let mut text = String::from(header);
    for i in 0..60 {
        let name = if i == 4 {
            "Poison deal".to_string()
        } else {
            format!("Deal {i}")
        };
        text.push_str(&format!(
            "{name},Acme,Sam Ruiz,Proposal,200,1/8/2026,006A000000Ab{i:03}\n"
        ));
    }
    let file = dir.path().join("deals.csv");
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--json", "import", "--no-refresh", file.to_str().unwrap()])
        .env_remove("ROOMWORK_DATABASE_URL")
        .env("ROOMWORK_IMPORT_PART", "3")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &reports[0];
    assert_eq!(r["store_failed"], true, "{r}");
    assert_eq!(r["stored"], false, "{r}");
    let error = r["error"].as_str().unwrap();
    assert!(
        error.contains("nothing of it was stored") && error.contains("poisoned row"),
        "{error}"
    );
    assert!(
        r.get("tallies").is_none(),
        "no counts of unwritten records: {r}"
    );
    // Twenty parts of three; the writer failed on the second, and the planner stopped with at
    // most two more queued.
    let parts = r["parts"].as_u64().unwrap();
    assert!((2..=4).contains(&parts), "{parts} parts handed over");
    assert_eq!(
        query(dir.path(), "SELECT group_concat(name) FROM opportunities"),
        "Kept deal"
    );
}
