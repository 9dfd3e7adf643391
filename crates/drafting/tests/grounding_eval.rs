//! The grounding check against the planted-claims sets. The floors are regression guards set a
//! little below the figures measured when the checker was last changed (README, "The grounding
//! check"): `grounding-dev.jsonl` is the half it was tuned on, `grounding-test.jsonl` the half
//! it was not.

use chrono::NaiveDate;
use roomwork_drafting::grounding::{EvalReport, Labelled, evaluate};

fn run(name: &str) -> EvalReport {
    let path = format!("{}/eval/{name}", env!("CARGO_MANIFEST_DIR"));
    let items: Vec<Labelled> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    evaluate(&items, None, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
}

#[test]
fn planted_claims_are_caught_on_the_tuning_half() {
    let r = run("grounding-dev.jsonl");
    assert_eq!(r.drafts, 30);
    assert!(r.recall >= 0.93, "{r:?}");
    assert!(r.precision >= 0.75, "{r:?}");
}

#[test]
fn planted_claims_are_caught_on_the_unseen_half() {
    let r = run("grounding-test.jsonl");
    assert_eq!(r.drafts, 30);
    assert!(r.recall >= 0.88, "{r:?}");
    assert!(r.precision >= 0.65, "{r:?}");
}
