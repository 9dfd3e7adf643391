//! Deal stages: the company's canonical list and what each stage means.
//!
//! The Foundation's pipeline standards (issue 3) will supply the company's own list; until a
//! company writes one, [`StageCatalog::default_b2b`] is used. It follows the common B2B funnel
//! and carries as aliases the default stage names of Salesforce and HubSpot, so that their
//! exports reconcile without configuration.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::ParseError;

/// A stage name as stored on a deal. Usually canonical (one of the catalog's names); an import
/// keeps a value it could not map, and reports it, rather than dropping the deal.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Stage(String);

impl Stage {
    /// A non-empty, trimmed stage name of at most 80 characters.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ParseError::new("stage", input, "empty"));
        }
        if s.chars().count() > 80 {
            return Err(ParseError::new("stage", input, "longer than 80 characters"));
        }
        Ok(Stage(s.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Stage {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Stage::parse(&s)
    }
}

impl From<Stage> for String {
    fn from(s: Stage) -> String {
        s.0
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stage({})", self.0)
    }
}

/// Whether a stage is still open or closes the deal.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    /// The deal is being worked.
    Open,
    /// Closed and won.
    Won,
    /// Closed and lost.
    Lost,
}

/// One canonical stage.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct StageDef {
    /// The canonical name.
    pub name: String,
    /// Open, won or lost.
    pub outcome: StageOutcome,
    /// Days a deal is expected to spend here before it counts as stalled.
    pub expected_days: u32,
    /// Other spellings that mean this stage (matched after folding case and punctuation).
    pub aliases: Vec<String>,
}

/// The ordered list of canonical stages.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct StageCatalog {
    stages: Vec<StageDef>,
}

impl StageCatalog {
    /// A catalog from stages in funnel order. Names must be unique (case-insensitively) and
    /// at least one stage must be open, one won and one lost.
    pub fn new(stages: Vec<StageDef>) -> Result<Self, ParseError> {
        let mut seen = std::collections::HashSet::new();
        for s in &stages {
            if !seen.insert(s.name.to_lowercase()) {
                return Err(ParseError::new("stage list", &s.name, "stage named twice"));
            }
        }
        for (outcome, label) in [
            (StageOutcome::Open, "open"),
            (StageOutcome::Won, "won"),
            (StageOutcome::Lost, "lost"),
        ] {
            if !stages.iter().any(|s| s.outcome == outcome) {
                return Err(ParseError::new(
                    "stage list",
                    "",
                    format!("needs at least one {label} stage"),
                ));
            }
        }
        Ok(Self { stages })
    }

    /// The documented default: Prospecting, Qualification, Needs Analysis, Proposal,
    /// Negotiation, Closed Won, Closed Lost.
    pub fn default_b2b() -> Self {
        let def = |name: &str, outcome, expected_days, aliases: &[&str]| StageDef {
            name: name.to_string(),
            outcome,
            expected_days,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        use StageOutcome::*;
        Self::new(vec![
            def(
                "Prospecting",
                Open,
                14,
                &[
                    "prospect",
                    "new",
                    "new lead",
                    "appointment scheduled",
                    "appointmentscheduled",
                    "lead",
                ],
            ),
            def(
                "Qualification",
                Open,
                14,
                &[
                    "qualify",
                    "qualified",
                    "qualified to buy",
                    "qualifiedtobuy",
                    "discovery",
                    "id. decision makers",
                    "id decision makers",
                ],
            ),
            def(
                "Needs Analysis",
                Open,
                14,
                &[
                    "needs assessment",
                    "perception analysis",
                    "value proposition",
                    "presentation scheduled",
                    "presentationscheduled",
                    "solution design",
                    "demo",
                ],
            ),
            def(
                "Proposal",
                Open,
                14,
                &[
                    "proposal/price quote",
                    "proposal price quote",
                    "quote",
                    "quoted",
                    "proposal sent",
                    "decision maker bought in",
                    "decisionmakerboughtin",
                ],
            ),
            def(
                "Negotiation",
                Open,
                14,
                &[
                    "negotiation/review",
                    "negotiation review",
                    "contract sent",
                    "contractsent",
                    "verbal",
                    "commit",
                ],
            ),
            def(
                "Closed Won",
                Won,
                0,
                &["won", "closedwon", "closed/won", "booked", "signed"],
            ),
            def(
                "Closed Lost",
                Lost,
                0,
                &[
                    "lost",
                    "closedlost",
                    "closed/lost",
                    "dead",
                    "no decision",
                    "disqualified",
                ],
            ),
        ])
        .expect("the default catalog is valid")
    }

    /// Stages in funnel order.
    pub fn stages(&self) -> &[StageDef] {
        &self.stages
    }

    /// The definition of a canonical stage name (exact, case-insensitive).
    pub fn get(&self, name: &str) -> Option<&StageDef> {
        self.stages
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
    }

    /// Position in the funnel, for "moved backwards" and ordering.
    pub fn position(&self, stage: &Stage) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(stage.as_str()))
    }

    /// Open, won or lost; `None` for a stage the catalog does not know.
    pub fn outcome(&self, stage: &Stage) -> Option<StageOutcome> {
        self.get(stage.as_str()).map(|s| s.outcome)
    }

    /// True when the stage closes a deal (won or lost).
    pub fn is_closed(&self, stage: &Stage) -> bool {
        matches!(
            self.outcome(stage),
            Some(StageOutcome::Won | StageOutcome::Lost)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_catalog_knows_open_and_closed_stages() {
        let c = StageCatalog::default_b2b();
        assert_eq!(c.stages().len(), 7);
        assert!(c.is_closed(&Stage::parse("closed won").unwrap()));
        assert!(!c.is_closed(&Stage::parse("Proposal").unwrap()));
        assert_eq!(c.position(&Stage::parse("Negotiation").unwrap()), Some(4));
        assert_eq!(c.outcome(&Stage::parse("Banana").unwrap()), None);
    }

    #[test]
    fn a_catalog_without_a_lost_stage_is_refused() {
        let open = StageDef {
            name: "A".into(),
            outcome: StageOutcome::Open,
            expected_days: 1,
            aliases: vec![],
        };
        let won = StageDef {
            name: "W".into(),
            outcome: StageOutcome::Won,
            expected_days: 0,
            aliases: vec![],
        };
        assert!(StageCatalog::new(vec![open.clone(), won]).is_err());
        assert!(StageCatalog::new(vec![open.clone(), open]).is_err());
    }
}
