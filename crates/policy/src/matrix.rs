//! The responsibility matrix: every task, its category, and which protection rules may be
//! overridden. The default is the commented `templates/policy.toml`, compiled in; the sales ops
//! lead's copy in the data directory replaces it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Rule;

/// The four categories of responsibility (seed 001).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Deliberately stays with people.
    HumanOnly,
    /// AI critiques and suggests; the person writes.
    Sparring,
    /// AI drafts; a person reviews and approves.
    Delegated,
    /// Rule-based, applied directly and logged.
    Automated,
}

impl Category {
    /// In words.
    pub fn title(self) -> &'static str {
        match self {
            Category::HumanOnly => "human only",
            Category::Sparring => "AI as sparring partner",
            Category::Delegated => "delegated (AI drafts, a person approves)",
            Category::Automated => "automated",
        }
    }
}

/// Whether a rule may be overridden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OverridePolicy {
    /// Never.
    Never,
    /// By a named person with a reason, audited.
    WithReason,
}

/// One row of the matrix.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskEntry {
    /// Slug, e.g. `follow-up-email`.
    pub slug: String,
    /// In words.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// Whether the output goes to a customer (the protection rules apply only then).
    #[serde(default)]
    pub customer_facing: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    overrides: BTreeMap<String, OverridePolicy>,
    #[serde(rename = "task")]
    tasks: Vec<TaskEntry>,
}

/// The matrix.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    tasks: Vec<TaskEntry>,
    overrides: BTreeMap<Rule, OverridePolicy>,
}

/// A problem in `policy.toml`.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {field}: {reason}")]
pub struct MatrixError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The field.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// The default matrix file, as `roomwork policy init` writes it.
pub const DEFAULT_TOML: &str = include_str!("../templates/policy.toml");

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Default for Matrix {
    fn default() -> Self {
        Matrix::parse("policy.toml (built in)", DEFAULT_TOML).expect("the built-in matrix is valid")
    }
}

impl Matrix {
    /// Parses a matrix file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, MatrixError> {
        let err = |offset: usize, field: &str, reason: String| MatrixError {
            file: file.to_string(),
            line: line_of(text, offset),
            field: field.to_string(),
            reason,
        };
        let parsed: File = toml::from_str(text).map_err(|e| {
            err(
                e.span().map_or(0, |s| s.start),
                "",
                e.message().trim().to_string(),
            )
        })?;
        let mut parsed = parsed;
        for t in &mut parsed.tasks {
            t.slug = t.slug.trim().to_string();
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in parsed.tasks.iter().enumerate() {
            if !seen.insert(t.slug.clone()) {
                let at = text.find(&format!("\"{}\"", t.slug)).unwrap_or(0);
                return Err(err(
                    at,
                    &format!("task[{i}].slug"),
                    format!("{:?} is listed twice", t.slug),
                ));
            }
        }
        let mut overrides = BTreeMap::new();
        for (k, v) in parsed.overrides {
            let Some(rule) = Rule::parse(&k) else {
                let at = text.find(&k).unwrap_or(0);
                return Err(err(
                    at,
                    &format!("overrides.{k}"),
                    "not a rule (at_risk, trust_repair, strategic_judgement, personal_credibility)"
                        .into(),
                ));
            };
            overrides.insert(rule, v);
        }
        Ok(Self {
            tasks: parsed.tasks,
            overrides,
        })
    }

    /// The row of a task.
    pub fn get(&self, slug: &str) -> Option<&TaskEntry> {
        self.tasks.iter().find(|t| t.slug == slug.trim())
    }

    /// Every row.
    pub fn tasks(&self) -> &[TaskEntry] {
        &self.tasks
    }

    /// Whether `rule` may be overridden (never, unless the file says so).
    pub fn override_policy(&self, rule: Rule) -> OverridePolicy {
        self.overrides
            .get(&rule)
            .copied()
            .unwrap_or(OverridePolicy::Never)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_matrix_covers_the_six_workflows_and_all_four_categories() {
        let m = Matrix::default();
        for slug in [
            "pre-call-briefing",
            "follow-up-email",
            "pipeline-report",
            "prospect-profile",
            "quotation-narrative",
            "crm-update",
        ] {
            assert_eq!(m.get(slug).unwrap().category, Category::Delegated, "{slug}");
        }
        for c in [Category::HumanOnly, Category::Sparring, Category::Automated] {
            assert!(m.tasks().iter().any(|t| t.category == c));
        }
        assert_eq!(m.override_policy(Rule::TrustRepair), OverridePolicy::Never);
        assert_eq!(m.override_policy(Rule::AtRisk), OverridePolicy::WithReason);
    }

    #[test]
    fn a_bad_category_names_its_line() {
        let text = "[[task]]\nslug = \"x\"\nname = \"X\"\ncategory = \"maybe\"\n";
        let e = Matrix::parse("policy.toml", text).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.reason.contains("maybe"), "{e}");
    }
}
