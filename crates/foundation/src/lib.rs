//! The Sales Project Foundation: the six documents that shape every AI output.
//!
//! The documents are TOML files in `<data dir>/foundation/`, one per document, written so that a
//! sales director can edit them by hand (every key is commented in the starter set that
//! [`init`] writes). [`load`] reads whichever exist, checks each one and the references between
//! them, and returns a [`Check`]: the documents that are valid, every problem with its file, line
//! and field, and which of the six workflows have what they need. Nothing here does network IO
//! and nothing writes outside the foundation folder.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! roomwork_foundation::init(dir.path(), roomwork_foundation::Set::Starter, false).unwrap();
//! let check = roomwork_foundation::load(dir.path()).unwrap();
//! assert!(check.problems().is_empty());
//! assert_eq!(check.foundation().stage_catalog().stages().len(), 7);
//! ```
#![warn(missing_docs)]

pub mod docs;
pub mod locate;
mod scaffold;
mod tiers;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use roomwork_domain::{Money, StageCatalog, Tier, Workflow};
use serde::Serialize;

pub use docs::*;
pub use scaffold::{Set, init};
pub use tiers::{AccountFacts, TierAssignment, TierRules};

/// The six documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Customer communication standards by tier.
    Communication,
    /// Account tier definitions.
    Tiers,
    /// Call briefing format guide.
    Briefing,
    /// Pipeline format standards and stage definitions.
    Pipeline,
    /// Capabilities vocabulary guide and proposal format.
    Capabilities,
    /// CRM update format and field definitions.
    Crm,
}

impl DocKind {
    /// All six, in the seed's order.
    pub const ALL: [DocKind; 6] = [
        DocKind::Communication,
        DocKind::Tiers,
        DocKind::Briefing,
        DocKind::Pipeline,
        DocKind::Capabilities,
        DocKind::Crm,
    ];

    /// The file name inside the foundation folder.
    pub fn file_name(self) -> &'static str {
        match self {
            DocKind::Communication => "communication.toml",
            DocKind::Tiers => "tiers.toml",
            DocKind::Briefing => "briefing.toml",
            DocKind::Pipeline => "pipeline.toml",
            DocKind::Capabilities => "capabilities.toml",
            DocKind::Crm => "crm.toml",
        }
    }

    /// The document's title.
    pub fn title(self) -> &'static str {
        match self {
            DocKind::Communication => "Customer communication standards by tier",
            DocKind::Tiers => "Account tier definitions",
            DocKind::Briefing => "Call briefing format guide",
            DocKind::Pipeline => "Pipeline format standards and stage definitions",
            DocKind::Capabilities => "Capabilities vocabulary guide",
            DocKind::Crm => "CRM update format and field definitions",
        }
    }
}

/// The documents a workflow needs (seed 000, "Foundation required").
pub fn required_for(workflow: Workflow) -> &'static [DocKind] {
    match workflow {
        Workflow::PreCallBriefing => &[DocKind::Tiers, DocKind::Briefing, DocKind::Crm],
        Workflow::FollowUpEmail => &[DocKind::Communication, DocKind::Tiers],
        Workflow::PipelineReport => &[DocKind::Pipeline],
        Workflow::ProspectProfile => &[DocKind::Capabilities, DocKind::Tiers],
        Workflow::QuotationNarrative => &[DocKind::Capabilities, DocKind::Communication],
        Workflow::CrmUpdate => &[DocKind::Crm, DocKind::Pipeline],
    }
}

/// The folder inside a data directory that holds the documents.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("foundation")
}

/// One thing wrong with a document: where, which field, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 when the file could not be read at all).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The field path, e.g. `tier[2].formality`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.reason)
    }
}

/// The state of one document after loading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DocState {
    /// The file does not exist.
    Missing,
    /// The file exists and has problems.
    Invalid {
        /// How many.
        problems: usize,
    },
    /// The file exists and passed every check.
    Valid,
}

/// Errors that stop loading altogether (problems inside documents are not errors; they are
/// reported in a [`Check`]).
#[derive(Debug, thiserror::Error)]
pub enum FoundationError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `init` would overwrite a document.
    #[error("{0} already exists (use --force to overwrite it)")]
    Exists(PathBuf),
    /// A document roomwork needs right now is invalid.
    #[error("the Foundation has problems:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

/// The valid documents of a Foundation. A document that is missing or invalid is `None`, and
/// everything derived from it falls back to the documented defaults.
#[derive(Clone, Debug, Default)]
pub struct Foundation {
    /// Customer communication standards by tier.
    pub communication: Option<CommunicationStandards>,
    /// Account tier definitions.
    pub tiers: Option<TierDefinitions>,
    /// Call briefing format guide.
    pub briefing: Option<BriefingGuide>,
    /// Pipeline format standards and stage definitions.
    pub pipeline: Option<PipelineStandards>,
    /// Capabilities vocabulary guide.
    pub capabilities: Option<CapabilitiesGuide>,
    /// CRM update format.
    pub crm: Option<CrmFormat>,
    catalog: Option<StageCatalog>,
    tier_rules: Option<TierRules>,
    hourly_cost: Option<Money>,
}

impl Foundation {
    /// The canonical stages: the pipeline document's when it is valid, otherwise the
    /// documented default list.
    pub fn stage_catalog(&self) -> StageCatalog {
        self.catalog
            .clone()
            .unwrap_or_else(StageCatalog::default_b2b)
    }

    /// Whether the stages come from the pipeline document.
    pub fn stages_from_foundation(&self) -> bool {
        self.catalog.is_some()
    }

    /// Days in a stage after which a deal is stalled (default 14).
    pub fn stalled_after_days(&self) -> u32 {
        self.pipeline.as_ref().map_or(14, |p| p.stalled_after_days)
    }

    /// Competitors the team tracks.
    pub fn competitors(&self) -> &[String] {
        self.pipeline.as_ref().map_or(&[], |p| &p.competitors)
    }

    /// The tier assignment rules, when the tier document is valid.
    pub fn tier_rules(&self) -> Option<&TierRules> {
        self.tier_rules.as_ref()
    }

    /// The top tier (the first one defined), if tiers are defined.
    pub fn top_tier(&self) -> Option<Tier> {
        let t = self.tiers.as_ref()?.tiers.first()?;
        Tier::parse(&t.slug).ok()
    }

    /// How the company writes to `tier`.
    pub fn style_for(&self, tier: &Tier) -> Option<&TierStyle> {
        self.communication
            .as_ref()?
            .tiers
            .iter()
            .find(|s| Tier::parse(&s.tier).is_ok_and(|t| &t == tier))
    }

    /// Minutes and cost per workflow (the defaults when the CRM document is absent).
    pub fn time_saved(&self) -> TimeSaved {
        self.crm
            .as_ref()
            .map(|c| c.time_saved.clone())
            .unwrap_or_default()
    }

    /// The average cost of an hour of sales time.
    pub fn hourly_cost(&self) -> Money {
        self.hourly_cost
            .unwrap_or_else(|| Money::from_major(65, roomwork_domain::Currency::USD))
    }
}

/// The outcome of loading a Foundation folder.
#[derive(Clone, Debug)]
pub struct Check {
    dir: PathBuf,
    foundation: Foundation,
    states: Vec<(DocKind, DocState)>,
    problems: Vec<Problem>,
}

impl Check {
    /// The folder that was read.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The valid documents.
    pub fn foundation(&self) -> &Foundation {
        &self.foundation
    }

    /// Consumes the check, keeping the valid documents.
    pub fn into_foundation(self) -> Foundation {
        self.foundation
    }

    /// Each document's state, in the seed's order.
    pub fn states(&self) -> &[(DocKind, DocState)] {
        &self.states
    }

    /// The state of one document.
    pub fn state(&self, kind: DocKind) -> &DocState {
        &self
            .states
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("every kind has a state")
            .1
    }

    /// Every problem found, in file order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Problems in one document.
    pub fn problems_in(&self, kind: DocKind) -> Vec<&Problem> {
        self.problems
            .iter()
            .filter(|p| p.file.file_name().and_then(|f| f.to_str()) == Some(kind.file_name()))
            .collect()
    }

    /// Whether no document exists at all (roomwork then runs on its documented defaults).
    pub fn is_empty(&self) -> bool {
        self.states.iter().all(|(_, s)| *s == DocState::Missing)
    }

    /// For each workflow, the required documents that are missing or invalid.
    pub fn readiness(&self) -> Vec<Readiness> {
        Workflow::ALL
            .iter()
            .map(|w| {
                let needs: Vec<DocKind> = required_for(*w).to_vec();
                let missing = needs
                    .iter()
                    .copied()
                    .filter(|k| *self.state(*k) != DocState::Valid)
                    .collect::<Vec<_>>();
                Readiness {
                    workflow: *w,
                    needs,
                    ready: missing.is_empty(),
                    missing,
                }
            })
            .collect()
    }

    /// Fails when a document that exists is invalid: commands that depend on the Foundation
    /// refuse to run on a half-read standard rather than silently using defaults.
    pub fn require_valid(self) -> Result<Foundation, FoundationError> {
        if self.problems.is_empty() {
            Ok(self.foundation)
        } else {
            Err(FoundationError::Invalid(self.problems))
        }
    }
}

/// Whether a workflow has the documents it needs.
#[derive(Clone, Debug, Serialize)]
pub struct Readiness {
    /// The workflow.
    pub workflow: Workflow,
    /// The documents it requires.
    pub needs: Vec<DocKind>,
    /// Whether all of them are valid.
    pub ready: bool,
    /// The ones that are missing or invalid.
    pub missing: Vec<DocKind>,
}

/// Reads and checks every document in `<data_dir>/foundation/`. A missing folder is a
/// Foundation with every document missing, not an error.
pub fn load(data_dir: &Path) -> Result<Check, FoundationError> {
    load_folder(&folder(data_dir))
}

/// Reads and checks every document in `dir` itself.
pub fn load_folder(dir: &Path) -> Result<Check, FoundationError> {
    let mut texts = Vec::new();
    for kind in DocKind::ALL {
        let path = dir.join(kind.file_name());
        match std::fs::read_to_string(&path) {
            Ok(text) => texts.push((kind, path, Some(text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => texts.push((kind, path, None)),
            Err(source) => return Err(FoundationError::Io { path, source }),
        }
    }
    Ok(validate::check(dir, texts))
}
