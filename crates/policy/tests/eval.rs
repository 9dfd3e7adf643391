//! The detector against the labelled sets. The floors are regression guards set a little
//! below the figures measured when the cues were last changed (README, "Relationship
//! protection"): they fail when a change to the cues loses protected cases. `dev.jsonl` and
//! `dev2.jsonl` are the sets the cues were tuned on; `test.jsonl` was written separately and
//! never tuned on.

use roomwork_policy::eval::{Report, evaluate, parse};
use roomwork_policy::{Matrix, Rule};

fn run(name: &str) -> Report {
    let path = format!("{}/eval/{name}", env!("CARGO_MANIFEST_DIR"));
    let items = parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    evaluate(&Matrix::default(), &items, &[])
}

fn recall(r: &Report, rule: Rule) -> f64 {
    r.per_rule
        .iter()
        .find(|(x, _)| *x == rule)
        .unwrap()
        .1
        .recall
}

#[test]
fn the_labelled_sets_are_large_enough_and_balanced() {
    let dev = run("dev.jsonl");
    let dev2 = run("dev2.jsonl");
    let test = run("test.jsonl");
    assert!(dev.requests + dev2.requests + test.requests >= 400);
    for r in [&dev, &dev2, &test] {
        assert!(r.protected * 3 > r.requests, "at least a third protected");
        assert!(
            r.protected * 4 < r.requests * 3,
            "at least a quarter routine"
        );
    }
}

#[test]
fn recall_on_protected_requests_holds_on_the_development_sets() {
    for name in ["dev.jsonl", "dev2.jsonl"] {
        let r = run(name);
        assert!(r.any_rule.recall >= 0.95, "{name}: {:?}", r.any_rule);
        assert!(r.any_rule.precision >= 0.95, "{name}: {:?}", r.any_rule);
        for rule in Rule::ALL {
            assert!(
                recall(&r, rule) >= 0.9,
                "{name} {rule:?}: {}",
                recall(&r, rule)
            );
        }
    }
}

#[test]
fn recall_on_protected_requests_holds_on_the_unseen_test_set() {
    let r = run("test.jsonl");
    assert!(r.any_rule.recall >= 0.78, "{:?}", r.any_rule);
    assert!(r.any_rule.precision >= 0.9, "{:?}", r.any_rule);
    assert!(recall(&r, Rule::AtRisk) >= 0.78);
    assert!(recall(&r, Rule::StrategicJudgement) >= 0.7);
    assert!(recall(&r, Rule::PersonalCredibility) >= 0.9);
}
