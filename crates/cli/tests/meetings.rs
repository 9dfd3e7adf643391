//! Stored calls and the workflow copilot, end to end on the demo company: a call imported,
//! analysed and stored; the copilot's proposals in the inbox, each approved or rejected on its
//! own; a complaint that puts the account at risk and gets a briefing instead of a follow-up;
//! the abstractive summary through a provider (a local server speaking its wire format).

mod support;

use std::path::Path;

use support::{answer, demo, json, query, roomwork, use_provider};

/// A healthy account with exactly one open deal, in Qualification, its owner and a contact
/// with an e-mail address.
struct Pick {
    account: String,
    deal: String,
    rep: String,
    contact: String,
}

fn pick(d: &Path, skip: &str) -> Pick {
    let row = query(
        d,
        &format!(
            "SELECT a.name || '|' || o.name || '|' || r.name || '|' || c.name \
             FROM opportunities o JOIN accounts a ON a.id = o.account_id \
             JOIN reps r ON r.id = a.owner_id JOIN contacts c ON c.account_id = a.id \
             WHERE o.stage = 'Qualification' AND a.health = 'healthy' AND c.email IS NOT NULL \
             AND a.name <> '{skip}' AND (SELECT count(*) FROM opportunities o2 \
             WHERE o2.account_id = a.id AND o2.stage NOT LIKE 'Closed%') = 1 \
             ORDER BY a.name, c.name LIMIT 1"
        ),
    );
    let v: Vec<&str> = row.split('|').collect();
    Pick {
        account: v[0].into(),
        deal: v[1].into(),
        rep: v[2].into(),
        contact: v[3].into(),
    }
}

fn vtt(rep: &str, contact: &str, lines: &[(bool, &str)]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    let mut t = 1u32;
    for (ours, text) in lines {
        let who = if *ours { rep } else { contact };
        let len = 4 + text.split_whitespace().count() as u32 / 3;
        out.push_str(&format!(
            "00:{:02}:{:02}.000 --> 00:{:02}:{:02}.000\n<v {who}>{text}\n\n",
            t / 60,
            t % 60,
            (t + len) / 60,
            (t + len) % 60
        ));
        t += len + 1;
    }
    out
}

fn proposal<'a>(r: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    r["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} proposal: {}", r["proposals"]))
}

fn approve(d: &Path, id: &str, by: &str) -> String {
    support::stdout(&roomwork(
        d,
        &[
            "inbox",
            "approve",
            id,
            "--sounds-like-me",
            "yes",
            "--reflects-what-mattered",
            "yes",
            "--by",
            by,
        ],
    ))
}

#[test]
fn a_call_is_stored_and_the_copilot_proposes_each_change_for_one_click_approval() {
    let dir = demo();
    let d = dir.path();
    let p = pick(d, "");
    let first = p.contact.split_whitespace().next().unwrap();
    let file = d.join("call.vtt");
    std::fs::write(
        &file,
        vtt(
            &p.rep,
            &p.contact,
            &[
                (true, &format!("Hi {first}, thanks for making time. How did the walkdown go?")),
                (false, "We walked the line with your tech on Tuesday and took nameplate photos of every transfer pump on the line. The transfer pumps on line two are the ones that fail."),
                (true, "That helps. I'll send you a budgetary quote for the transfer pumps by Friday."),
                (false, "Good. I'll have to check with my plant manager on the shutdown window for the transfer pumps."),
            ],
        ),
    )
    .unwrap();
    let calls_before = query(d, "SELECT CAST(count(*) AS TEXT) FROM call_analyses");
    let transcripts_before = query(d, "SELECT CAST(count(*) AS TEXT) FROM transcripts");
    let stage_before = query(
        d,
        &format!("SELECT stage FROM opportunities WHERE name = '{}'", p.deal),
    );
    let args = [
        "--json",
        "meetings",
        "import",
        file.to_str().unwrap(),
        "--account",
        &p.account,
        "--call-type",
        "discovery",
        "--at",
        "2026-12-04",
        "--by",
        &p.rep,
    ];
    let r = json(&roomwork(d, &args));
    assert_eq!(r["deal"], p.deal.as_str(), "the account's only open deal");
    assert_eq!(r["imported_before"], false);
    assert_eq!(r["reps"][0], p.rep.as_str(), "the rep matched by name");
    assert!(r["turns"].as_array().unwrap().len() == 4);
    // Stored: the transcript, its analysis, and the call as an activity on the deal.
    assert_eq!(
        query(d, "SELECT CAST(count(*) AS TEXT) FROM call_analyses"),
        (calls_before.parse::<u32>().unwrap() + 1).to_string()
    );
    let logged = query(
        d,
        &format!(
            "SELECT CAST(count(*) AS TEXT) FROM activities a JOIN opportunities o ON o.id = a.opportunity_id \
             WHERE o.name = '{}' AND a.kind = 'call' AND a.subject LIKE 'Recorded call:%'",
            p.deal
        ),
    );
    assert_eq!(logged, "1");
    // The risk it raised feeds the deal's signals.
    let signals: Vec<String> = r["deal_signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert!(
        signals
            .iter()
            .any(|s| s.starts_with("call_risk:") && s.contains("decision maker absent")),
        "{signals:?}"
    );
    assert!(
        r["deal_people"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == p.contact.as_str())
    );

    // The four proposals, each its own draft.
    let email = proposal(&r, "follow-up-email");
    let stage = proposal(&r, "stage-change");
    let task = proposal(&r, "next-task");
    let update = proposal(&r, "crm-update");
    for x in [email, stage, task, update] {
        assert!(x["draft"].is_string(), "{x}");
    }
    assert!(
        stage["subject"]
            .as_str()
            .unwrap()
            .ends_with("Needs Analysis"),
        "{stage}"
    );
    let email_id = email["draft"].as_str().unwrap();
    let body = query(
        d,
        &format!("SELECT body FROM drafts WHERE id = '{email_id}'"),
    );
    assert!(body.contains("budgetary quote"), "{body}");
    assert!(
        body.contains("[[AM:"),
        "the relationship sentence is left to the person"
    );
    let recipient = query(
        d,
        &format!("SELECT recipient FROM drafts WHERE id = '{email_id}'"),
    );
    assert!(recipient.starts_with(&p.contact), "{recipient}");
    let stage_body = query(
        d,
        &format!(
            "SELECT body FROM drafts WHERE id = '{}'",
            stage["draft"].as_str().unwrap()
        ),
    );
    assert!(
        stage_body.contains("Stage criterion") && stage_body.contains("nameplate photos"),
        "the evidence from the call and the criterion it meets: {stage_body}"
    );

    // Rejected: never applied. Approved: applied, each only its own fields.
    let task_id = task["draft"].as_str().unwrap();
    let next_before = query(
        d,
        &format!(
            "SELECT COALESCE(next_step, '') FROM opportunities WHERE name = '{}'",
            p.deal
        ),
    );
    support::stdout(&roomwork(
        d,
        &[
            "inbox",
            "reject",
            task_id,
            "--reason",
            "I'll call instead",
            "--by",
            &p.rep,
        ],
    ));
    assert_eq!(
        query(
            d,
            &format!(
                "SELECT COALESCE(next_step, '') FROM opportunities WHERE name = '{}'",
                p.deal
            )
        ),
        next_before
    );
    let out = roomwork(
        d,
        &[
            "inbox",
            "approve",
            task_id,
            "--sounds-like-me",
            "yes",
            "--reflects-what-mattered",
            "yes",
            "--by",
            &p.rep,
        ],
    );
    assert!(
        !out.status.success(),
        "a rejected proposal cannot be approved later"
    );
    assert_eq!(stage_before, "Qualification");
    approve(d, stage["draft"].as_str().unwrap(), &p.rep);
    assert_eq!(
        query(
            d,
            &format!("SELECT stage FROM opportunities WHERE name = '{}'", p.deal)
        ),
        "Needs Analysis"
    );
    approve(d, update["draft"].as_str().unwrap(), &p.rep);
    let note = query(
        d,
        &format!(
            "SELECT body FROM activities a JOIN opportunities o ON o.id = a.opportunity_id \
             WHERE o.name = '{}' AND a.kind = 'note' ORDER BY a.occurred_at DESC LIMIT 1",
            p.deal
        ),
    );
    assert!(
        note.contains("Action items") && note.contains("budgetary quote"),
        "{note}"
    );

    // Asking the copilot again proposes nothing twice: each kind already has its draft
    // (waiting, approved, or rejected: a rejected one may be proposed anew).
    let call_id = r["transcript_id"].as_str().unwrap();
    let again = json(&roomwork(
        d,
        &["--json", "meetings", "propose", call_id, "--by", &p.rep],
    ));
    for x in again.as_array().unwrap() {
        match x["kind"].as_str().unwrap() {
            "next-task" => assert!(
                x["draft"].is_string(),
                "the rejected task is proposed anew: {x}"
            ),
            _ => assert!(
                x["not_drafted"].as_str().unwrap().contains("already"),
                "{x}"
            ),
        }
    }

    // The same file again: analysed again, stored once, no second round of proposals.
    let again = json(&roomwork(d, &args));
    assert_eq!(again["imported_before"], true);
    assert_eq!(again["proposals"].as_array().unwrap().len(), 0);
    assert_eq!(
        query(d, "SELECT CAST(count(*) AS TEXT) FROM transcripts"),
        (transcripts_before.parse::<u32>().unwrap() + 1).to_string()
    );

    // Per rep over time, and the stored call shown again.
    let reps = json(&roomwork(
        d,
        &["--json", "meetings", "reps", "--by", "week"],
    ));
    let row = reps
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rep"] == p.rep.as_str() && x["period"] == "2026-11-30")
        .expect("the rep's week");
    assert!(row["calls"].as_u64().unwrap() >= 1);
    assert_eq!(row["discovery_calls"], 1);
    let id = r["transcript_id"].as_str().unwrap();
    let shown = json(&roomwork(d, &["--json", "meetings", "show", &id[..13]]));
    assert_eq!(shown["call"]["turns"].as_array().unwrap().len(), 4);
    let listed = json(&roomwork(
        d,
        &["--json", "meetings", "list", "--account", &p.account],
    ));
    assert_eq!(listed[0]["id"], id);
}

#[test]
fn a_complaint_on_a_call_puts_the_account_at_risk_and_gets_a_briefing_not_a_follow_up() {
    let dir = demo();
    let d = dir.path();
    let p = pick(d, "");
    let file = d.join("complaint.txt");
    std::fs::write(
        &file,
        format!(
            "{c}: I'm not happy. The seal kits came in the wrong size again and nobody called us.\n\
             {r}: I'm sorry. I'll find out what happened and call you back today.\n\
             {c}: Please do. This is unacceptable for a plant that runs three shifts.\n",
            c = p.contact,
            r = p.rep
        ),
    )
    .unwrap();
    let follow_ups = || {
        query(
            d,
            "SELECT CAST(count(*) AS TEXT) FROM drafts WHERE task = 'follow-up-email'",
        )
    };
    let before = follow_ups();
    let r = json(&roomwork(
        d,
        &[
            "--json",
            "meetings",
            "import",
            file.to_str().unwrap(),
            "--account",
            &p.account,
            "--by",
            &p.rep,
        ],
    ));
    assert_eq!(r["trust_repair"], true);
    assert_eq!(r["health"][1], "at_risk");
    assert_eq!(
        query(
            d,
            &format!("SELECT health FROM accounts WHERE name = '{}'", p.account)
        ),
        "at_risk"
    );
    let email = proposal(&r, "follow-up-email");
    assert!(email["draft"].is_null(), "{email}");
    assert!(
        email["not_drafted"]
            .as_str()
            .unwrap()
            .contains("account manager"),
        "{email}"
    );
    let brief = proposal(&r, "briefing");
    let id = brief["draft"]
        .as_str()
        .expect("a briefing for the account manager");
    let body = query(d, &format!("SELECT body FROM drafts WHERE id = '{id}'"));
    assert!(
        body.contains("not happy") && body.contains("No follow-up was drafted"),
        "{body}"
    );
    assert_eq!(follow_ups(), before, "no AI-drafted follow-up was stored");
    // Asking the copilot again on the stored call changes nothing about that.
    let call = r["transcript_id"].as_str().unwrap();
    let again = json(&roomwork(
        d,
        &["--json", "meetings", "propose", call, "--by", &p.rep],
    ));
    assert!(
        again
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "follow-up-email" && x["draft"].is_null())
    );
    assert_eq!(follow_ups(), before);
}

#[test]
fn an_abstractive_summary_is_kept_only_when_the_call_supports_it() {
    let dir = demo();
    let d = dir.path();
    let p = pick(d, "");
    let file = d.join("call.vtt");
    let text = vtt(
        &p.rep,
        &p.contact,
        &[
            (true, "How are the 40 transfer pumps holding up?"),
            (
                false,
                "Two of them failed in March. We want a quote for new seals before the shutdown.",
            ),
            (true, "I'll send you a quote for the seals by Friday."),
        ],
    );
    std::fs::write(&file, &text).unwrap();
    let good = "- The customer said two of the 40 transfer pumps failed in March.\n- The customer wants a quote for new seals before the shutdown.\n- The rep will send a quote for the seals by Friday.";
    let requests = use_provider(d, "open_ai", vec![(200, answer("open_ai", good))], "");
    let r = json(&roomwork(
        d,
        &[
            "--json",
            "meetings",
            "import",
            file.to_str().unwrap(),
            "--account",
            &p.account,
            "--by",
            &p.rep,
            "--no-copilot",
            "--engine",
            "p",
        ],
    ));
    assert_eq!(r["abstractive_summary"].as_array().unwrap().len(), 3, "{r}");
    assert!(r["proposals"].as_array().unwrap().is_empty());
    let (_, user) = support::prompt_of(&requests.recv().unwrap());
    assert!(
        user.contains("How are the 40 transfer pumps holding up?"),
        "{user}"
    );
    // An answer that invents a figure is refused twice over: no abstractive summary, the
    // extractive one stays.
    let other = d.join("other.vtt");
    std::fs::write(&other, text.replace("March", "April")).unwrap();
    let bad = "- The customer said 12 pumps failed.\n- The budget is $90,000.\n- The rep will send a quote.";
    use_provider(
        d,
        "open_ai",
        vec![(200, answer("open_ai", bad)), (200, answer("open_ai", bad))],
        "",
    );
    let r = json(&roomwork(
        d,
        &[
            "--json",
            "meetings",
            "import",
            other.to_str().unwrap(),
            "--account",
            &p.account,
            "--by",
            &p.rep,
            "--no-copilot",
            "--engine",
            "p",
        ],
    ));
    assert!(r.get("abstractive_summary").is_none(), "{r}");
    assert!(!r["summary"].as_array().unwrap().is_empty());
}

#[test]
fn a_malformed_transcript_names_its_line_and_stores_nothing() {
    let dir = demo();
    let d = dir.path();
    let p = pick(d, "");
    let before = query(d, "SELECT CAST(count(*) AS TEXT) FROM transcripts");
    let bad = d.join("bad.vtt");
    std::fs::write(&bad, "WEBVTT\n\n00:00:01.000 --> 00:00:99.000\n<v A>hi\n").unwrap();
    let out = roomwork(
        d,
        &[
            "meetings",
            "import",
            bad.to_str().unwrap(),
            "--account",
            &p.account,
            "--by",
            &p.rep,
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.vtt: line 3"));
    assert_eq!(
        query(d, "SELECT CAST(count(*) AS TEXT) FROM transcripts"),
        before
    );
    // The benchmark ranges are configurable; a bad key names the file.
    std::fs::write(
        d.join("meetings.toml"),
        "[benchmarks]\ntalk_ratio = [0.40, 0.50]\nquestions = 3\n",
    )
    .unwrap();
    let out = roomwork(d, &["meetings", "reps"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("meetings.toml") && err.contains("questions"),
        "{err}"
    );
    std::fs::write(
        d.join("meetings.toml"),
        "[benchmarks]\ntalk_ratio = [0.40, 0.50]\n",
    )
    .unwrap();
    let out = support::stdout(&roomwork(d, &["meetings", "reps"]));
    assert!(out.contains("rep talk 40-50%"), "{out}");
}
