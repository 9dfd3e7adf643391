//! Reconciling the stage names reps type to the company's canonical stages.
//!
//! "Closed Won", "closed-won", "Won" and "CLOSED/WON" are one stage. A raw value is folded
//! (case, punctuation and spacing dropped) and matched, in order, against the canonical names,
//! then the catalog's aliases, then by similarity (Jaro-Winkler ≥ 0.92, a length ratio ≥ 0.75,
//! and a clear margin over the runner-up, so that a bare "Closed" is not guessed to be won or
//! lost). Anything else is reported as unmapped and kept as typed.

use std::collections::HashMap;

use roomwork_domain::StageCatalog;
use serde::Serialize;

/// How a raw stage value was matched.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMethod {
    /// Same as a canonical name once folded.
    Exact,
    /// One of the catalog's aliases.
    Alias,
    /// Similar enough to one canonical name or alias, and clearly closer than any other.
    Fuzzy,
}

/// One distinct raw value and what it became.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageMapping {
    /// As typed in the file.
    pub raw: String,
    /// The canonical stage, or `None` when unmapped.
    pub canonical: Option<String>,
    /// How it matched.
    pub method: Option<MatchMethod>,
    /// Similarity for fuzzy matches.
    pub score: Option<f64>,
    /// Rows that carried this value.
    pub rows: usize,
}

/// Maps raw stage values, remembering each distinct value and how often it was seen.
pub struct StageReconciler<'a> {
    catalog: &'a StageCatalog,
    seen: HashMap<String, StageMapping>,
    order: Vec<String>,
}

fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl<'a> StageReconciler<'a> {
    /// A reconciler over `catalog`.
    pub fn new(catalog: &'a StageCatalog) -> Self {
        Self {
            catalog,
            seen: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// The canonical stage for `raw`, or `None` when it cannot be mapped.
    pub fn map(&mut self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if let Some(m) = self.seen.get_mut(raw) {
            m.rows += 1;
            return m.canonical.clone();
        }
        let (canonical, method, score) = match self.classify(raw) {
            Some((c, m, s)) => (Some(c), Some(m), s),
            None => (None, None, None),
        };
        self.order.push(raw.to_string());
        self.seen.insert(
            raw.to_string(),
            StageMapping {
                raw: raw.to_string(),
                canonical: canonical.clone(),
                method,
                score,
                rows: 1,
            },
        );
        canonical
    }

    fn classify(&self, raw: &str) -> Option<(String, MatchMethod, Option<f64>)> {
        let key = compact(raw);
        if key.is_empty() {
            return None;
        }
        let stages = self.catalog.stages();
        if let Some(s) = stages.iter().find(|s| compact(&s.name) == key) {
            return Some((s.name.clone(), MatchMethod::Exact, None));
        }
        if let Some(s) = stages
            .iter()
            .find(|s| s.aliases.iter().any(|a| compact(a) == key))
        {
            return Some((s.name.clone(), MatchMethod::Alias, None));
        }
        // Best similarity per canonical stage over its name and aliases.
        let mut scored: Vec<(f64, &str)> = stages
            .iter()
            .map(|s| {
                let best = std::iter::once(s.name.as_str())
                    .chain(s.aliases.iter().map(|a| a.as_str()))
                    .map(|cand| {
                        let c = compact(cand);
                        let ratio = key.len().min(c.len()) as f64 / key.len().max(c.len()) as f64;
                        if ratio < 0.75 {
                            0.0
                        } else {
                            strsim::jaro_winkler(&key, &c)
                        }
                    })
                    .fold(0.0, f64::max);
                (best, s.name.as_str())
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (best, name) = scored[0];
        let runner_up = scored.get(1).map(|s| s.0).unwrap_or(0.0);
        (best >= 0.92 && best - runner_up >= 0.03).then(|| {
            (
                name.to_string(),
                MatchMethod::Fuzzy,
                Some((best * 1000.0).round() / 1000.0),
            )
        })
    }

    /// Every distinct value seen, in first-seen order.
    pub fn report(&self) -> Vec<StageMapping> {
        self.order.iter().map(|r| self.seen[r].clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(raw: &str) -> Option<String> {
        let c = StageCatalog::default_b2b();
        StageReconciler::new(&c).map(raw)
    }

    #[test]
    fn inconsistent_spellings_reconcile_to_one_stage() {
        for raw in [
            "Closed Won",
            "closed-won",
            "Won",
            "CLOSED/WON",
            "closedwon",
            " closed won ",
        ] {
            assert_eq!(map(raw).as_deref(), Some("Closed Won"), "{raw}");
        }
        assert_eq!(map("Negotiation/Review").as_deref(), Some("Negotiation"));
        assert_eq!(map("Proposal/Price Quote").as_deref(), Some("Proposal"));
        assert_eq!(map("Id. Decision Makers").as_deref(), Some("Qualification"));
        assert_eq!(map("appointmentscheduled").as_deref(), Some("Prospecting"));
        assert_eq!(map("contractsent").as_deref(), Some("Negotiation"));
    }

    #[test]
    fn typos_match_by_similarity_but_ambiguous_values_do_not() {
        assert_eq!(map("Negotation").as_deref(), Some("Negotiation"));
        assert_eq!(map("Qualificaton").as_deref(), Some("Qualification"));
        assert_eq!(map("Closed"), None);
        assert_eq!(map("On hold"), None);
        assert_eq!(map(""), None);
    }

    #[test]
    fn the_report_counts_rows_per_distinct_value() {
        let c = StageCatalog::default_b2b();
        let mut r = StageReconciler::new(&c);
        for raw in ["Won", "won", "Won", "Banana"] {
            r.map(raw);
        }
        let rep = r.report();
        assert_eq!(rep.len(), 3);
        assert_eq!(
            (rep[0].raw.as_str(), rep[0].rows, rep[0].method),
            ("Won", 2, Some(MatchMethod::Alias))
        );
        assert_eq!(rep[2].canonical, None);
    }
}
