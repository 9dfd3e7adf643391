//! The follow-up engine's reading of call notes against the labelled notes sets
//! (`eval/notes-roles-*.jsonl`, with the sellers' competitor list). The floors are regression
//! guards set a little below the figures measured when the engine was last changed (README,
//! "Follow-up email"): `notes-roles-dev.jsonl` is the half it was tuned on,
//! `notes-roles-test.jsonl` the half it was not.

use roomwork_drafting::notes_eval::{LabelledNotes, NotesReport, evaluate};

fn run(name: &str) -> NotesReport {
    let dir = format!("{}/eval", env!("CARGO_MANIFEST_DIR"));
    let items: Vec<LabelledNotes> = std::fs::read_to_string(format!("{dir}/{name}"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let competitors: Vec<String> =
        std::fs::read_to_string(format!("{dir}/notes-roles.competitors.txt"))
            .unwrap()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
    evaluate(&items, &competitors)
}

#[test]
fn roles_on_the_tuning_half() {
    let r = run("notes-roles-dev.jsonl");
    assert_eq!((r.notes, r.lines), (20, 145));
    assert!(r.accuracy >= 0.97, "{r:?}");
    assert!(r.leaks.is_empty(), "{:?}", r.leaks);
}

#[test]
fn roles_on_the_unseen_half() {
    let r = run("notes-roles-test.jsonl");
    assert_eq!((r.notes, r.lines), (20, 147));
    assert!(r.accuracy >= 0.92, "{r:?}");
    // Internal lines that would reach a customer: the costly error.
    assert!(r.leaks.len() <= 3, "{:?}", r.leaks);
    assert!(r.dated_correct * 10 >= r.dated * 9, "{r:?}");
}
