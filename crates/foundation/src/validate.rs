//! Checks every document and the references between them.
//!
//! Each document is first deserialized (syntax, types, unknown keys); then its content is
//! checked (unique names, tiers that exist, money that parses, the four standard call types,
//! a stage list with open, won and lost stages, ...). Every finding becomes a [`Problem`] with
//! the file, the line and the field; a document with any problem is left out of the
//! [`Foundation`], so that nothing downstream works from a half-valid standard.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use roomwork_domain::{Currency, Money, StageCatalog, StageDef, StageOutcome, Tier};
use serde::de::DeserializeOwned;

use crate::docs::*;
use crate::locate::{self, line_col, offset_of, parse_path, path_at};
use crate::tiers::TierRules;
use crate::{Check, DocKind, DocState, Foundation, Problem};

/// The call types the briefing guide must cover (seed 000).
pub const STANDARD_CALL_TYPES: [&str; 4] = [
    "routine-account-call",
    "strategic-review",
    "new-opportunity",
    "complaint-resolution",
];

/// Findings inside one document, by field path.
#[derive(Default)]
struct Findings(Vec<(String, String)>);

impl Findings {
    fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push((field.into(), reason.into()));
    }

    fn non_empty(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        }
    }

    fn unique<'a>(&mut self, list: &str, key: &str, names: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for (i, name) in names.enumerate() {
            if !seen.insert(name.trim().to_lowercase()) {
                let field = if key.is_empty() {
                    format!("{list}[{i}]")
                } else {
                    format!("{list}[{i}].{key}")
                };
                self.add(field, format!("{name:?} is defined twice"));
            }
        }
    }

    fn money(&mut self, field: &str, value: &str) -> Option<Money> {
        match Money::parse(value, Currency::USD) {
            Ok(m) if m.minor() >= 0 => Some(m),
            Ok(_) => {
                self.add(field, format!("{value:?} is negative"));
                None
            }
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }
}

struct Doc {
    path: PathBuf,
    text: Option<String>,
}

fn problem(path: &Path, text: &str, field: &str, reason: String) -> Problem {
    let (line, column) = line_col(text, offset_of(text, &parse_path(field)));
    Problem {
        file: path.to_path_buf(),
        line,
        column,
        field: field.to_string(),
        reason,
    }
}

fn parse<T: DeserializeOwned>(doc: &Doc, problems: &mut Vec<Problem>) -> Option<T> {
    let text = doc.text.as_deref()?;
    match toml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = line_col(text, offset);
            problems.push(Problem {
                file: doc.path.clone(),
                line,
                column,
                field: locate::render(&path_at(text, offset)),
                reason: e.message().trim().to_string(),
            });
            None
        }
    }
}

fn finish(doc: &Doc, findings: Findings, problems: &mut Vec<Problem>) -> bool {
    let text = doc.text.as_deref().unwrap_or_default();
    let ok = findings.0.is_empty();
    for (field, reason) in findings.0 {
        problems.push(problem(&doc.path, text, &field, reason));
    }
    ok
}

pub(crate) fn check(dir: &Path, texts: Vec<(DocKind, PathBuf, Option<String>)>) -> Check {
    let doc = |kind: DocKind| {
        let (_, path, text) = texts.iter().find(|(k, _, _)| *k == kind).expect("all six");
        Doc {
            path: path.clone(),
            text: text.clone(),
        }
    };
    let mut problems = Vec::new();
    let mut foundation = Foundation::default();

    // Tiers first: the communication standards refer to them.
    let tiers_doc = doc(DocKind::Tiers);
    let mut tier_slugs: Option<Vec<String>> = None;
    if let Some(t) = parse::<TierDefinitions>(&tiers_doc, &mut problems) {
        let mut f = Findings::default();
        let rules = check_tiers(&t, &mut f);
        // Compared as tier slugs ("Key Account" and "key-account" are one tier), as accounts
        // carry them.
        tier_slugs = Some(t.tiers.iter().map(|t| slug(&t.slug)).collect());
        if finish(&tiers_doc, f, &mut problems) {
            foundation.tier_rules = rules;
            foundation.tiers = Some(t);
        }
    }

    let comm_doc = doc(DocKind::Communication);
    if let Some(c) = parse::<CommunicationStandards>(&comm_doc, &mut problems) {
        let mut f = Findings::default();
        check_communication(&c, tier_slugs.as_deref(), &mut f);
        if finish(&comm_doc, f, &mut problems) {
            foundation.communication = Some(c);
        }
    }

    let brief_doc = doc(DocKind::Briefing);
    if let Some(b) = parse::<BriefingGuide>(&brief_doc, &mut problems) {
        let mut f = Findings::default();
        check_briefing(&b, &mut f);
        if finish(&brief_doc, f, &mut problems) {
            foundation.briefing = Some(b);
        }
    }

    let pipe_doc = doc(DocKind::Pipeline);
    if let Some(p) = parse::<PipelineStandards>(&pipe_doc, &mut problems) {
        let mut f = Findings::default();
        let catalog = check_pipeline(&p, &mut f);
        if finish(&pipe_doc, f, &mut problems) {
            foundation.catalog = catalog;
            foundation.pipeline = Some(p);
        }
    }

    let cap_doc = doc(DocKind::Capabilities);
    if let Some(c) = parse::<CapabilitiesGuide>(&cap_doc, &mut problems) {
        let mut f = Findings::default();
        check_capabilities(&c, &mut f);
        if finish(&cap_doc, f, &mut problems) {
            foundation.capabilities = Some(c);
        }
    }

    let crm_doc = doc(DocKind::Crm);
    if let Some(c) = parse::<CrmFormat>(&crm_doc, &mut problems) {
        let mut f = Findings::default();
        let hourly = check_crm(&c, &mut f);
        if finish(&crm_doc, f, &mut problems) {
            foundation.hourly_cost = hourly;
            foundation.crm = Some(c);
        }
    }

    let states = DocKind::ALL
        .iter()
        .map(|k| {
            let d = doc(*k);
            let n = problems.iter().filter(|p| p.file == d.path).count();
            let state = match (&d.text, n) {
                (None, _) => DocState::Missing,
                (Some(_), 0) => DocState::Valid,
                (Some(_), n) => DocState::Invalid { problems: n },
            };
            (*k, state)
        })
        .collect();
    Check {
        dir: dir.to_path_buf(),
        foundation,
        states,
        problems,
    }
}

fn check_tiers(t: &TierDefinitions, f: &mut Findings) -> Option<TierRules> {
    if t.tiers.is_empty() {
        f.add("tier", "define at least one [[tier]]");
    }
    for (i, tier) in t.tiers.iter().enumerate() {
        if let Err(e) = Tier::parse(&tier.slug) {
            f.add(format!("tier[{i}].slug"), e.to_string());
        }
        f.non_empty(&format!("tier[{i}].name"), &tier.name);
        f.non_empty(&format!("tier[{i}].convention"), &tier.convention);
    }
    f.unique("tier", "slug", t.tiers.iter().map(|t| t.slug.as_str()));
    // Two tiers of one name could not be told apart where the name is shown.
    f.unique("tier", "name", t.tiers.iter().map(|t| t.name.as_str()));
    let known: Vec<String> = t.tiers.iter().map(|t| t.slug.to_lowercase()).collect();
    let unknown = |slug: &str| !known.contains(&slug.to_lowercase());
    if unknown(&t.default_tier) {
        f.add(
            "default_tier",
            format!(
                "unknown tier {:?} (defined: {})",
                t.default_tier,
                known.join(", ")
            ),
        );
    }
    let before = f.0.len();
    let mut parsed = Vec::new();
    for (i, r) in t.rules.iter().enumerate() {
        let at = |k: &str| format!("rule[{i}].{k}");
        if unknown(&r.tier) {
            f.add(
                at("tier"),
                format!("unknown tier {:?} (defined: {})", r.tier, known.join(", ")),
            );
        }
        let orders = r
            .orders_last_12_months_at_least
            .as_deref()
            .and_then(|v| f.money(&at("orders_last_12_months_at_least"), v));
        let revenue = r
            .annual_revenue_at_least
            .as_deref()
            .and_then(|v| f.money(&at("annual_revenue_at_least"), v));
        let pipeline = r
            .open_pipeline_at_least
            .as_deref()
            .and_then(|v| f.money(&at("open_pipeline_at_least"), v));
        let has_condition = r.orders_last_12_months_at_least.is_some()
            || r.annual_revenue_at_least.is_some()
            || r.open_pipeline_at_least.is_some()
            || r.employees_at_least.is_some()
            || !r.industries.is_empty()
            || !r.accounts.is_empty();
        if !has_condition {
            f.add(
                format!("rule[{i}]"),
                "a rule needs at least one condition (orders_last_12_months_at_least, annual_revenue_at_least, open_pipeline_at_least, employees_at_least, industries or accounts)",
            );
        }
        parsed.push(crate::tiers::ParsedRule {
            tier: r.tier.to_lowercase(),
            orders,
            revenue,
            pipeline,
            employees: r.employees_at_least,
            industries: r.industries.iter().map(|s| s.to_lowercase()).collect(),
            accounts: r
                .accounts
                .iter()
                .map(|s| roomwork_domain::fold_name(s))
                .collect(),
        });
    }
    if f.0.len() > before || f.0.iter().any(|(k, _)| k == "default_tier") {
        return None;
    }
    Tier::parse(&t.default_tier)
        .ok()
        .map(|default| TierRules::new(parsed, default))
}

/// A tier name as the slug `Tier::parse` gives (the text itself when it does not parse; that
/// problem is reported where the tier is defined).
fn slug(tier: &str) -> String {
    Tier::parse(tier).map_or_else(|_| tier.to_lowercase(), |t| t.as_str().to_string())
}

fn check_communication(c: &CommunicationStandards, tiers: Option<&[String]>, f: &mut Findings) {
    if c.tiers.is_empty() {
        f.add("tier", "define at least one [[tier]] style");
    }
    f.unique("tier", "tier", c.tiers.iter().map(|t| t.tier.as_str()));
    let general_avoid: HashSet<String> = c.general.avoid.iter().map(|s| s.to_lowercase()).collect();
    for (i, p) in c.general.use_phrases.iter().enumerate() {
        if general_avoid.contains(&p.to_lowercase()) {
            f.add(
                format!("general.use[{i}]"),
                format!("{p:?} is both used and avoided"),
            );
        }
    }
    for (i, s) in c.tiers.iter().enumerate() {
        let at = |k: &str| format!("tier[{i}].{k}");
        if let Some(known) = tiers
            && !known.contains(&slug(&s.tier))
        {
            f.add(
                at("tier"),
                format!(
                    "unknown tier {:?} (tiers.toml defines: {})",
                    s.tier,
                    known.join(", ")
                ),
            );
        }
        f.non_empty(&at("tone"), &s.tone);
        f.non_empty(&at("greeting"), &s.greeting);
        f.non_empty(&at("sign_off"), &s.sign_off);
        if !(40..=1500).contains(&s.max_words) {
            f.add(at("max_words"), "must be between 40 and 1500");
        }
        let avoid: HashSet<String> = s
            .avoid
            .iter()
            .chain(&c.general.avoid)
            .map(|p| p.to_lowercase())
            .collect();
        for (j, p) in s.use_phrases.iter().enumerate() {
            if avoid.contains(&p.to_lowercase()) {
                f.add(
                    format!("tier[{i}].use[{j}]"),
                    format!("{p:?} is both used and avoided"),
                );
            }
        }
        if let Some(bad) = unknown_placeholder(&s.greeting) {
            f.add(
                at("greeting"),
                format!(
                    "unknown placeholder {bad} (use {{first_name}}, {{last_name}} or {{title}})"
                ),
            );
        }
    }
}

fn unknown_placeholder(s: &str) -> Option<String> {
    let mut rest = s;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}')? + start;
        let name = &rest[start..=end];
        if !["{first_name}", "{last_name}", "{title}"].contains(&name) {
            return Some(name.to_string());
        }
        rest = &rest[end + 1..];
    }
    None
}

fn check_briefing(b: &BriefingGuide, f: &mut Findings) {
    f.unique(
        "call_type",
        "slug",
        b.call_types.iter().map(|c| c.slug.as_str()),
    );
    for slug in STANDARD_CALL_TYPES {
        if !b.call_types.iter().any(|c| c.slug == slug) {
            f.add(
                "call_type",
                format!(
                    "the call type {slug:?} is missing (the guide covers {STANDARD_CALL_TYPES:?})"
                ),
            );
        }
    }
    for (i, c) in b.call_types.iter().enumerate() {
        let at = |k: &str| format!("call_type[{i}].{k}");
        f.non_empty(&at("name"), &c.name);
        if !(50..=3000).contains(&c.max_words) {
            f.add(at("max_words"), "must be between 50 and 3000");
        }
        if c.sections.is_empty() {
            f.add(
                at("section"),
                "a call type needs at least one [[call_type.section]]",
            );
        }
        if !(1..=60).contains(&c.lookback_months) {
            f.add(at("lookback_months"), "must be between 1 and 60");
        }
        for (j, s) in c.sections.iter().enumerate() {
            f.non_empty(&format!("call_type[{i}].section[{j}].title"), &s.title);
        }
    }
}

fn check_pipeline(p: &PipelineStandards, f: &mut Findings) -> Option<StageCatalog> {
    if !(1..=365).contains(&p.stalled_after_days) {
        f.add("stalled_after_days", "must be between 1 and 365");
    }
    if p.stages.is_empty() {
        f.add(
            "stage",
            "define the stages in funnel order as [[stage]] tables",
        );
        return None;
    }
    f.unique("stage", "name", p.stages.iter().map(|s| s.name.as_str()));
    f.unique("competitors", "", p.competitors.iter().map(|s| s.as_str()));
    let before = f.0.len();
    let mut defs = Vec::new();
    let mut aliases: std::collections::HashMap<String, usize> = Default::default();
    for (i, s) in p.stages.iter().enumerate() {
        let at = |k: &str| format!("stage[{i}].{k}");
        if let Err(e) = roomwork_domain::Stage::parse(&s.name) {
            f.add(at("name"), e.to_string());
        }
        let outcome = match s.outcome.to_lowercase().as_str() {
            "open" => StageOutcome::Open,
            "won" => StageOutcome::Won,
            "lost" => StageOutcome::Lost,
            other => {
                f.add(
                    at("outcome"),
                    format!("{other:?} is not one of open, won, lost"),
                );
                StageOutcome::Open
            }
        };
        if let Some(0) = s.expected_days {
            f.add(at("expected_days"), "must be at least 1");
        }
        if let Some(p) = s.probability
            && p > 100
        {
            f.add(at("probability"), "a percentage from 0 to 100");
        }
        for (j, a) in s.aliases.iter().enumerate() {
            let key = roomwork_domain::fold_name(a);
            if let Some(prev) = aliases.insert(key, i)
                && prev != i
            {
                f.add(
                    format!("stage[{i}].aliases[{j}]"),
                    format!("{a:?} is also an alias of {:?}", p.stages[prev].name),
                );
            }
        }
        defs.push(StageDef {
            name: s.name.trim().to_string(),
            outcome,
            expected_days: s.expected_days.unwrap_or(if outcome == StageOutcome::Open {
                p.stalled_after_days
            } else {
                0
            }),
            aliases: s.aliases.clone(),
        });
    }
    if f.0.len() > before {
        return None;
    }
    match StageCatalog::new(defs) {
        Ok(c) => Some(c),
        Err(e) => {
            f.add("stage", e.reason);
            None
        }
    }
}

fn check_capabilities(c: &CapabilitiesGuide, f: &mut Findings) {
    f.non_empty("company", &c.company);
    f.non_empty("description", &c.description);
    f.unique("term", "term", c.terms.iter().map(|t| t.term.as_str()));
    let avoid: HashSet<String> = c.avoid.iter().map(|p| p.to_lowercase()).collect();
    for (i, p) in c.use_phrases.iter().enumerate() {
        if avoid.contains(&p.to_lowercase()) {
            f.add(
                format!("use[{i}]"),
                format!("{p:?} is both used and avoided"),
            );
        }
    }
    if c.proposal.sections.is_empty() {
        f.add("proposal.section", "the proposal format needs its sections");
    } else if !c.proposal.sections.iter().any(|s| s.judgement) {
        f.add(
            "proposal.section",
            "no section is marked `judgement = true`: protection rule 3 needs the passages the account manager writes",
        );
    }
    f.unique(
        "proposal.section",
        "title",
        c.proposal.sections.iter().map(|s| s.title.as_str()),
    );
    if !(1..=10).contains(&c.proposal.max_references) {
        f.add("proposal.max_references", "must be between 1 and 10");
    }
}

fn check_crm(c: &CrmFormat, f: &mut Findings) -> Option<Money> {
    if c.fields.is_empty() {
        f.add("field", "define the CRM fields as [[field]] tables");
    }
    f.unique("field", "name", c.fields.iter().map(|x| x.name.as_str()));
    f.unique(
        "next_step",
        "slug",
        c.next_steps.iter().map(|x| x.slug.as_str()),
    );
    for (i, x) in c.fields.iter().enumerate() {
        f.non_empty(&format!("field[{i}].definition"), &x.definition);
        if x.kind == FieldKind::Choice && x.values.is_empty() {
            f.add(
                format!("field[{i}].values"),
                "a choice field needs its values",
            );
        }
        if x.kind != FieldKind::Choice && !x.values.is_empty() {
            f.add(
                format!("field[{i}].values"),
                "only choice fields take values",
            );
        }
    }
    let t = &c.time_saved;
    for (k, v) in [
        ("pre_call_briefing", t.pre_call_briefing),
        ("follow_up_email", t.follow_up_email),
        ("pipeline_report", t.pipeline_report),
        ("prospect_profile", t.prospect_profile),
        ("quotation_narrative", t.quotation_narrative),
        ("crm_update", t.crm_update),
    ] {
        if v > 480 {
            f.add(format!("time_saved.{k}"), "more than a working day per use");
        }
    }
    let hourly = f.money("time_saved.hourly_cost", &t.hourly_cost);
    if hourly.is_some_and(|m| m.minor() == 0) {
        f.add("time_saved.hourly_cost", "must be more than zero");
    }
    hourly
}
