//! Measuring how the follow-up engine reads call notes, against notes labelled by a person:
//! the role of every bullet (discussed, ours, theirs, internal) and the due date of every
//! commitment. The costly error is a leak: an internal line (a margin floor, a competitor, a
//! note to self) that the engine would put in a customer email.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use roomwork_foundation::GeneralStyle;
use serde::{Deserialize, Serialize};

use crate::follow_up::{self, Letter, Role};

/// One labelled set of notes.
#[derive(Clone, Debug, Deserialize)]
pub struct LabelledNotes {
    /// Id.
    pub id: String,
    /// The notes as an account manager wrote them.
    pub notes: String,
    /// Every bullet, in order.
    pub lines: Vec<LabelledLine>,
}

/// One labelled bullet.
#[derive(Clone, Debug, Deserialize)]
pub struct LabelledLine {
    /// The bullet's text, without its bullet.
    pub text: String,
    /// Its role.
    pub role: Role,
    /// Its due date, for commitments that have one.
    pub due: Option<NaiveDate>,
}

/// Precision and recall of one role.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RoleScore {
    /// Lines labelled with the role.
    pub labelled: usize,
    /// Lines the engine gave the role.
    pub predicted: usize,
    /// Both.
    pub correct: usize,
    /// correct / predicted.
    pub precision: f64,
    /// correct / labelled.
    pub recall: f64,
}

/// The measurement.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NotesReport {
    /// Notes read.
    pub notes: usize,
    /// Bullets labelled.
    pub lines: usize,
    /// Labelled bullets the engine found as an item of its own.
    pub found: usize,
    /// Bullets whose role the engine got right.
    pub correct: usize,
    /// correct / lines.
    pub accuracy: f64,
    /// Per role.
    pub roles: BTreeMap<String, RoleScore>,
    /// Internal lines the engine would have put in the email: (id, text, role given).
    pub leaks: Vec<(String, String, String)>,
    /// Commitments (ours or theirs, by the label) with a labelled due date.
    pub dated: usize,
    /// Of those, the engine resolved the same date.
    pub dated_correct: usize,
    /// Commitments labelled without a due date to which the engine gave one.
    pub dated_wrongly: usize,
    /// Every disagreement: (id, text, labelled role, engine role, why).
    pub confusions: Vec<(String, String, String, String, String)>,
    /// Date disagreements: (id, text, labelled, engine).
    pub date_errors: Vec<(String, String, String, String)>,
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Discussed => "discussed",
        Role::Ours => "ours",
        Role::Theirs => "theirs",
        Role::Internal => "internal",
    }
}

/// Runs the engine's notes reader over every labelled set. `competitors` plays the part of
/// the Foundation's competitor list. The recipient is the first person the meeting line
/// names after "w/" or "with".
pub fn evaluate(items: &[LabelledNotes], competitors: &[String]) -> NotesReport {
    let general = GeneralStyle::default();
    let mut r = NotesReport::default();
    let fallback = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date");
    for item in items {
        let first_name = recipient(&item.notes);
        let letter = Letter {
            first_name: first_name.clone(),
            last_name: String::new(),
            from_name: String::new(),
            from_company: String::new(),
            general: &general,
            tier: None,
            competitors,
        };
        let parsed = follow_up::parse(&item.notes, fallback, &letter);
        r.notes += 1;
        for label in &item.lines {
            r.lines += 1;
            let want = role_name(label.role);
            r.roles.entry(want.into()).or_default().labelled += 1;
            // A bullet may have become two items ("... . check w/ service mgr"): the
            // strictest role counts, internal first.
            // The bullet's line in the notes; the engine's items carry their line.
            let line = item.notes.lines().position(|l| {
                follow_up::strip_bullet(l.trim()).is_some_and(|b| b == label.text)
                    || l.trim() == label.text
            });
            let items: Vec<&follow_up::Item> = parsed
                .items
                .iter()
                .filter(|i| line.is_some_and(|n| i.line == n + 1))
                .collect();
            let Some(first) = items.first() else {
                r.confusions.push((
                    item.id.clone(),
                    label.text.clone(),
                    want.into(),
                    "(not found)".into(),
                    String::new(),
                ));
                continue;
            };
            r.found += 1;
            let got = items
                .iter()
                .find(|i| i.role == Role::Internal)
                .copied()
                .unwrap_or(first);
            let got_name = role_name(got.role);
            r.roles.entry(got_name.into()).or_default().predicted += 1;
            if got.role == label.role {
                r.correct += 1;
                r.roles.entry(want.into()).or_default().correct += 1;
            } else {
                r.confusions.push((
                    item.id.clone(),
                    label.text.clone(),
                    want.into(),
                    got_name.into(),
                    got.why.clone(),
                ));
                if label.role == Role::Internal {
                    r.leaks
                        .push((item.id.clone(), label.text.clone(), got_name.into()));
                }
            }
            if matches!(label.role, Role::Ours | Role::Theirs) {
                match label.due {
                    Some(due) => {
                        r.dated += 1;
                        if got.date == Some(due) {
                            r.dated_correct += 1;
                        } else {
                            r.date_errors.push((
                                item.id.clone(),
                                label.text.clone(),
                                due.to_string(),
                                got.date.map_or("(none)".into(), |d| d.to_string()),
                            ));
                        }
                    }
                    None if got.date.is_some() => r.dated_wrongly += 1,
                    None => {}
                }
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    r.accuracy = ratio(r.correct, r.lines);
    for s in r.roles.values_mut() {
        s.precision = ratio(s.correct, s.predicted);
        s.recall = ratio(s.correct, s.labelled);
    }
    r
}

/// "Call w/ Ana Ruiz (purchasing)" → "Ana".
fn recipient(notes: &str) -> String {
    notes
        .lines()
        .find_map(|l| {
            // ASCII lowering keeps byte offsets, so they index `l` itself.
            let low = l.to_ascii_lowercase();
            let at = low
                .find("w/ ")
                .map(|p| p + 3)
                .or_else(|| low.find("with ").map(|p| p + 5))?;
            l.get(at..)?
                .split_whitespace()
                .next()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_role_is_a_confusion_and_an_internal_one_a_leak() {
        let item: LabelledNotes = serde_json::from_str(
            r#"{"id":"x","notes":"Meeting notes: Acme\n2026-01-14\n\nCall w/ Ana\n- send revised quote by Fri\n- Jess is talking to Acme's rival\n- Ana to confirm qty",
                "lines":[{"text":"send revised quote by Fri","role":"ours","due":"2026-01-16"},
                         {"text":"Jess is talking to Acme's rival","role":"internal","due":null},
                         {"text":"Ana to confirm qty","role":"theirs","due":null}]}"#,
        )
        .unwrap();
        let r = evaluate(&[item], &[]);
        assert_eq!((r.lines, r.found), (3, 3));
        assert_eq!((r.dated, r.dated_correct), (1, 1));
        // A line with no marker the engine knows leaks, and is counted as a leak.
        assert_eq!(
            r.leaks,
            [(
                "x".into(),
                "Jess is talking to Acme's rival".into(),
                "discussed".into()
            )]
        );
        assert_eq!(r.correct, 2);
        assert_eq!(r.roles["internal"].recall, 0.0);
        assert_eq!(r.roles["theirs"].correct, 1);
        assert_eq!(r.roles["ours"].precision, 1.0);
    }
}
