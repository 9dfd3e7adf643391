//! Measuring the detector on labelled requests.
//!
//! A labelled file is JSON Lines; each line is one request with the account's state and the
//! rules a careful reader says apply (`crates/policy/eval/README.md` describes the format and
//! how the two shipped sets were written). [`evaluate`] runs [`decide`](crate::decide) on each
//! and reports precision and recall per rule and for "protected at all", with every miss and
//! false alarm listed by id.

use serde::{Deserialize, Serialize};

use crate::{AccountState, Matrix, Request, Rule, decide};

/// One labelled request.
#[derive(Clone, Debug, Deserialize)]
pub struct Labelled {
    /// Its id.
    pub id: String,
    /// The task slug.
    pub kind: String,
    /// The account's state, or null.
    pub account: Option<AccountState>,
    /// The request text.
    pub text: String,
    /// The rules that apply.
    pub rules: Vec<Rule>,
}

/// Counts for one rule.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Score {
    /// Labelled and detected.
    pub true_positives: usize,
    /// Detected, not labelled.
    pub false_positives: usize,
    /// Labelled, not detected.
    pub false_negatives: usize,
    /// precision = tp / (tp + fp).
    pub precision: f64,
    /// recall = tp / (tp + fn).
    pub recall: f64,
    /// Ids of the misses.
    pub missed: Vec<String>,
    /// Ids of the false alarms.
    pub false_alarms: Vec<String>,
}

impl Score {
    fn add(&mut self, id: &str, truth: bool, detected: bool) {
        match (truth, detected) {
            (true, true) => self.true_positives += 1,
            (false, true) => {
                self.false_positives += 1;
                self.false_alarms.push(id.to_string());
            }
            (true, false) => {
                self.false_negatives += 1;
                self.missed.push(id.to_string());
            }
            (false, false) => {}
        }
    }

    fn finish(&mut self) {
        let tp = self.true_positives as f64;
        self.precision = if tp + (self.false_positives as f64) > 0.0 {
            tp / (tp + self.false_positives as f64)
        } else {
            1.0
        };
        self.recall = if tp + (self.false_negatives as f64) > 0.0 {
            tp / (tp + self.false_negatives as f64)
        } else {
            1.0
        };
    }
}

/// The evaluation of one file.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Requests evaluated.
    pub requests: usize,
    /// How many were labelled protected by at least one rule.
    pub protected: usize,
    /// "Any rule applies" versus "no rule applies".
    pub any_rule: Score,
    /// Per rule, in the seed's order.
    pub per_rule: Vec<(Rule, Score)>,
}

/// A line that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct EvalError {
    /// 1-based line.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// Parses a labelled JSON Lines file.
pub fn parse(text: &str) -> Result<Vec<Labelled>, EvalError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let mut item: Labelled = serde_json::from_str(l).map_err(|e| EvalError {
                line: i + 1,
                reason: e.to_string(),
            })?;
            // The shipped sets use the demo company's tiers, whose top tier is "strategic".
            if let Some(a) = &mut item.account
                && a.tier.as_ref().is_some_and(|t| t.as_str() == "strategic")
            {
                a.top_tier = true;
            }
            Ok(item)
        })
        .collect()
}

/// Runs the policy over `items` with `matrix` and `competitors`.
pub fn evaluate(matrix: &Matrix, items: &[Labelled], competitors: &[String]) -> Report {
    let mut any = Score::default();
    let mut per: Vec<(Rule, Score)> = Rule::ALL.iter().map(|r| (*r, Score::default())).collect();
    for item in items {
        let mut req = Request::new(&item.kind, &item.text);
        if let Some(a) = &item.account {
            req = req.for_account(a);
        }
        let found: Vec<Rule> = match decide(matrix, &req, competitors) {
            Ok(v) => v.findings.iter().map(|f| f.rule).collect(),
            Err(_) => Vec::new(),
        };
        any.add(&item.id, !item.rules.is_empty(), !found.is_empty());
        for (rule, score) in &mut per {
            score.add(&item.id, item.rules.contains(rule), found.contains(rule));
        }
    }
    any.finish();
    for (_, s) in &mut per {
        s.finish();
    }
    Report {
        requests: items.len(),
        protected: items.iter().filter(|i| !i.rules.is_empty()).count(),
        any_rule: any,
        per_rule: per,
    }
}
