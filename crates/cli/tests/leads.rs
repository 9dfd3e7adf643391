//! `roomwork leads`: train on the demo company's leads, read the governance report, change the
//! threshold and promote a candidate with audit records, score and route a lead export, and
//! train on a labelled CSV with a chronological split.

mod support;

use support::{demo, json, query, roomwork};

#[test]
fn a_lead_model_is_trained_reported_governed_and_scores_and_routes_an_export() {
    let dir = demo();
    let d = dir.path();
    // The demo trained the first model (current at once) and scored every open lead with it.
    let models = json(&roomwork(d, &["--json", "leads", "models"]));
    assert_eq!(
        (models[0]["version"].as_i64(), models[0]["status"].as_str()),
        (Some(1), Some("current")),
        "{models}"
    );
    let demo_scores: u32 = query(d, "SELECT CAST(COUNT(*) AS TEXT) FROM lead_scores")
        .parse()
        .unwrap();
    assert!(demo_scores > 0, "the demo scored this week's open leads");
    // Only open leads, and only a week's arrivals (a day's slack for the clock).
    assert_eq!(
        query(
            d,
            "SELECT CAST(COUNT(*) AS TEXT) FROM lead_scores s JOIN leads l ON l.id = s.lead_id \
             WHERE l.converted IS NOT NULL OR l.created_at < (CAST(strftime('%s', 'now') AS INTEGER) - 8 * 86400) * 1000"
        ),
        "0"
    );
    let trained = json(&roomwork(
        d,
        &["--json", "leads", "train", "--by", "Sam Ops"],
    ));
    assert_eq!(
        (trained["version"].as_i64(), trained["status"].as_str()),
        (Some(2), Some("candidate")),
        "a later model waits as a candidate"
    );
    let auc = trained["evaluation"]["quality"]["auc"].as_f64().unwrap();
    // The demo's leads follow a documented logistic model: learnable, far from a coin toss.
    assert!(auc > 0.62, "AUC {auc}");

    let report = json(&roomwork(d, &["--json", "leads", "report"]));
    for key in [
        "confusion",
        "precision",
        "recall",
        "drift",
        "alert_threshold",
    ] {
        assert!(report.get(key).is_some(), "report lacks {key}");
    }
    let e = &report["evaluation"];
    assert!(e["reliability"].as_array().unwrap().len() >= 3);
    assert_eq!(e["simulator"].as_array().unwrap().len(), 19);
    assert!(e["simulator"][0]["alerts_per_week"].as_f64().unwrap() > 0.0);
    assert_eq!(e["importance"].as_array().unwrap().len(), 11);
    assert!(report["drift"]["weekly_volume"].as_array().unwrap().len() > 50);

    // A threshold change is audited with what it will do.
    let t = json(&roomwork(
        d,
        &[
            "--json",
            "leads",
            "threshold",
            "0.2",
            "--by",
            "Sam Ops",
            "--reason",
            "reps asked for more alerts",
        ],
    ));
    assert_eq!(t["from"], 0.3);
    assert!(t["expected"]["alerts_per_week"].as_f64().unwrap() > 0.0);
    assert_eq!(
        query(
            d,
            "SELECT actor || ' ' || action FROM audit_log WHERE action = 'leads.threshold_changed'"
        ),
        "Sam Ops leads.threshold_changed"
    );
    let report = json(&roomwork(d, &["--json", "leads", "report"]));
    assert_eq!(report["alert_threshold"], 0.2);
    let bad = roomwork(
        d,
        &["leads", "threshold", "1.5", "--by", "Sam", "--reason", "x"],
    );
    assert_eq!(bad.status.code(), Some(3));

    // A second model is a candidate until promoted, and promotion is audited.
    let v2 = json(&roomwork(
        d,
        &["--json", "leads", "train", "--calibration", "isotonic"],
    ));
    assert_eq!(
        (v2["version"].as_i64(), v2["status"].as_str()),
        (Some(3), Some("candidate"))
    );
    let promoted = roomwork(
        d,
        &[
            "leads", "promote", "3", "--by", "Sam Ops", "--reason", "isotonic", "--force",
        ],
    );
    assert!(
        promoted.status.success(),
        "{}",
        String::from_utf8_lossy(&promoted.stderr)
    );
    let models = json(&roomwork(d, &["--json", "leads", "models"]));
    let status: Vec<&str> = models
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, vec!["retired", "candidate", "current"]);
    let promoted = query(
        d,
        "SELECT detail FROM audit_log WHERE action = 'leads.model_promoted'",
    );
    assert!(promoted.contains("\"replaces\":1"), "{promoted}");
    let again = roomwork(d, &["leads", "promote", "3", "--by", "Sam Ops"]);
    assert_eq!(
        again.status.code(),
        Some(3),
        "a current model is not a candidate"
    );

    // Score and route an export; routing follows leads.toml.
    std::fs::write(
        d.join("leads.toml"),
        "nurture_below = 0.02\n[[deal_value]]\namount = 20000\n[[rule]]\nname = \"enterprise\"\nwhen = { size_over = 200 }\nto = { segment = \"enterprise\" }\n",
    )
    .unwrap();
    let file = d.join("new-leads.csv");
    std::fs::write(
        &file,
        "First Name,Last Name,Title,Company / Account,No. of Employees,Industry,Country,State/Province,Lead Source,Email,Page Views\n\
         Maria,Lopez,VP Operations,Calder Foods,850,Food & Beverage,United States,CA,Customer referral,maria@calder.example,22\n\
         Tom,Reed,Operator,Reed Ltd,30,Water Utilities,United States,OH,Web form,tom@reed.example,3\n",
    )
    .unwrap();
    let scored = json(&roomwork(
        d,
        &["--json", "leads", "score", file.to_str().unwrap()],
    ));
    assert_eq!(scored["model_version"], 3);
    let leads = scored["leads"].as_array().unwrap();
    assert_eq!(leads.len(), 2);
    let maria = leads.iter().find(|l| l["name"] == "Maria Lopez").unwrap();
    assert!(
        maria["reason"].as_str().unwrap().contains("`enterprise`"),
        "{maria}"
    );
    assert!(
        maria["explanation"].as_str().unwrap().contains("Raised by"),
        "{maria}"
    );
    let rep = maria["rep"].as_str().unwrap();
    assert_eq!(
        query(d, &format!("SELECT segment FROM reps WHERE name = '{rep}'")),
        "enterprise"
    );
    assert_eq!(
        query(d, "SELECT CAST(COUNT(*) AS TEXT) FROM lead_scores"),
        (demo_scores + 2).to_string()
    );
    assert_eq!(
        query(
            d,
            "SELECT r.name FROM leads l JOIN reps r ON r.id = l.owner_id WHERE l.name = 'Maria Lopez'"
        ),
        rep
    );
    // A malformed leads.toml names its line and stores nothing.
    std::fs::write(
        d.join("leads.toml"),
        "nurture_below = 0.02\n[[rule]]\nname = \"x\"\nto = { segmnt = \"a\" }\n",
    )
    .unwrap();
    let bad = roomwork(d, &["leads", "score", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("leads.toml: line 4"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert_eq!(
        query(d, "SELECT CAST(COUNT(*) AS TEXT) FROM lead_scores"),
        (demo_scores + 2).to_string()
    );
}

#[test]
fn a_labelled_csv_trains_with_a_chronological_split_and_cannot_be_promoted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A small dataset: conversion depends on the channel and the visits; `call_minutes` leaks.
    let mut csv = String::from("signed_up;channel;visits;call_minutes;outcome\n");
    let mut s = 7u64;
    for i in 0..3000 {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = (s >> 11) as f64 / (1u64 << 53) as f64;
        let channel = ["referral", "web", "list"][i % 3];
        let visits = (i * 7919) % 20;
        let logit = -2.0 + [1.5, 0.0, -1.0][i % 3] + visits as f64 * 0.12;
        let yes = u < 1.0 / (1.0 + (-logit).exp());
        let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
            + chrono::Duration::days((3000 - i) as i64 / 5);
        csv.push_str(&format!(
            "{day};{channel};{visits};{};{}\n",
            if yes { 30 } else { 2 },
            if yes { "yes" } else { "no" }
        ));
    }
    let file = d.join("history.csv");
    std::fs::write(&file, csv).unwrap();
    let f = file.to_str().unwrap();
    let out = json(&roomwork(
        d,
        &[
            "--json",
            "leads",
            "train",
            "--csv",
            f,
            "--target",
            "outcome",
            "--exclude",
            "call_minutes",
            "--time-column",
            "signed_up",
        ],
    ));
    let auc = out["evaluation"]["quality"]["auc"].as_f64().unwrap();
    assert!(
        auc > 0.7 && auc < 0.95,
        "without the leaking column the AUC is honest: {auc}"
    );
    assert_eq!(out["evaluation"]["rows"], 600);
    assert_eq!(out["status"], "candidate");
    let names: Vec<&str> = out["evaluation"]["importance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"call_minutes") && !names.contains(&"signed_up"),
        "{names:?}"
    );
    let refused = roomwork(d, &["leads", "promote", "1", "--by", "Sam"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot score leads"));
    // A bad label names the file, line and column.
    std::fs::write(&file, "channel,visits,outcome\nweb,3,yes\nweb,4,perhaps\n").unwrap();
    let bad = roomwork(d, &["leads", "train", "--csv", f, "--target", "outcome"]);
    assert_eq!(bad.status.code(), Some(3));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("line 3") && err.contains("`outcome`") && err.contains("perhaps"),
        "{err}"
    );
}
