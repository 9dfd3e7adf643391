//! Workflow 4 on the built-in engine: a prospect profile from public information the account
//! manager pastes or names as files (web pages saved as text, news, filings, job postings). No
//! browsing: only what is given.
//!
//! The built-in engine is extractive, so that every statement is a sentence of a source and
//! cites it (`[S2]`): it splits each source into sentences, drops boilerplate (cookie notices,
//! navigation, very short or very long lines, duplicates), and files each remaining sentence
//! under the section its words point to:
//! - **background**: what the company is and does (its name with "is", "operates", "employs",
//!   "headquartered", "founded", numbers of sites or people);
//! - **sector context**: the sector and the market (regulation, prices, demand, the Foundation's
//!   sector terms);
//! - **likely pain points**: failures, downtime, shortages, costs, compliance, ageing assets;
//! - **why now**: dated or time-bound events (announced, plans to, this year, hiring, expansion,
//!   a new plant, funding, a permit deadline).
//!
//! Within a section, sentences that name the prospect and carry a number or a date come first;
//! each section keeps at most `per_section` sentences. What it cannot do: infer what the sources
//! do not say, or judge which pain matters most; the account manager's angle is a marked passage.

use std::fmt::Write as _;

use serde::Serialize;

use crate::text::{find_phrase, sentences, words};

/// A source: a label (file name or "pasted") and its text.
#[derive(Clone, Debug)]
pub struct Source {
    /// Where it came from.
    pub label: String,
    /// Its text.
    pub text: String,
}

/// One cited statement.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Statement {
    /// The sentence, as the source wrote it.
    pub text: String,
    /// The source's number (1-based: `[S1]`).
    pub source: usize,
}

/// The profile.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// The prospect.
    pub name: String,
    /// The sector given.
    pub sector: String,
    /// Section title and its statements, in order.
    pub sections: Vec<(String, Vec<Statement>)>,
    /// The sources, numbered.
    pub sources: Vec<String>,
    /// Sentences read and sentences left out as boilerplate or duplicates.
    pub read: usize,
    /// Left out.
    pub dropped: usize,
    /// The profile as Markdown.
    pub markdown: String,
}

const BACKGROUND: &[&str] = &[
    "is a",
    "is an",
    "operates",
    "operate",
    "employs",
    "employees",
    "headquartered",
    "founded",
    "owns",
    "produces",
    "manufactures",
    "supplies",
    "serves",
    "sites",
    "plants",
    "facilities",
    "subsidiary",
    "revenue",
    "family-owned",
    "privately held",
    "listed",
    "owned by",
    "part of",
    "processes",
    "runs",
    "treats",
    "provides",
    "makes",
];
const SECTOR: &[&str] = &[
    "industry",
    "sector",
    "market",
    "demand",
    "prices",
    "regulation",
    "regulator",
    "standard",
    "customers",
    "competition",
    "consolidation",
    "tariff",
    "utilities",
    "municipal",
    "rules",
    "nationwide",
    "federal",
    "national",
    "volumes",
    "industry estimates",
    "operators",
    "across the region",
];
const PAIN: &[&str] = &[
    "failure",
    "failures",
    "downtime",
    "outage",
    "shortage",
    "shortages",
    "cost",
    "costs",
    "compliance",
    "violation",
    "fined",
    "ageing",
    "aging",
    "leak",
    "leaks",
    "delay",
    "delays",
    "recall",
    "backlog",
    "struggle",
    "exceedance",
    "complaint",
    "unplanned",
    "maintenance",
    "labor",
    "labour",
    "turnover",
    "vacancies",
    "cost pressure",
    "energy costs",
    "energy bills",
    "breach",
    "breached",
    "enforcement",
    "exceedances",
    "lost",
    "breakdowns",
    "breaking down",
    "stoppages",
    "overwhelmed",
    "overflows",
    "restrictions",
    "constrained",
    "capped",
    "corrosion",
    "scaling",
    "obsolete",
    "no longer supported",
    "are original",
    "is original",
    "bursts",
    "repairs",
    "deficiencies",
    "cited",
    "at their limit",
    "run out of room",
    "near capacity",
    "accidental releases",
    "injured",
    "at a loss",
    "reactive",
];
const NOW: &[&str] = &[
    "announced",
    "plans to",
    "planning",
    "will open",
    "will build",
    "expansion",
    "expand",
    "new plant",
    "new line",
    "hiring",
    "is hiring",
    "job posting",
    "seeking",
    "funding",
    "grant",
    "awarded",
    "acquired",
    "acquisition",
    "deadline",
    "this year",
    "next year",
    "construction",
    "capital plan",
    "capex",
    "upgrade",
    "investment",
    "invest",
    "to open",
    "to begin",
    "to build",
    "scheduled",
    "is due",
    "are due",
    "expected to",
    "by the end of",
    "appointed",
    "joined",
    "newly created",
    "recruiting",
    "consent decree",
    "adopted",
    "approved",
    "feasibility study",
    "go to bid",
    "rebuild",
];
const BOILERPLATE: &[&str] = &[
    "cookie",
    "cookies",
    "privacy policy",
    "all rights reserved",
    "subscribe",
    "sign up",
    "log in",
    "terms of use",
    "click here",
    "javascript",
    "newsletter",
    "share this",
    "equal opportunity",
    "requirements:",
    "benefits",
    "enquiries",
    "inquiries",
    "contact us",
    "get in touch",
];

/// Boilerplate at any length: consent banners, legal lines, postings' and articles' furniture.
const BOILERPLATE_ANYWHERE: &[&str] = &[
    "use cookies",
    "uses cookies",
    "accept all",
    "privacy policy",
    "registered office",
    "registered in england",
    "vat no",
    "equal opportunity employer",
    "apply online",
    "comments are moderated",
    "sponsored by",
    "all rights reserved",
    "forward-looking statements",
];

fn score(sentence: &str, cues: &[&str]) -> usize {
    cues.iter()
        .filter(|c| !find_phrase(sentence, c).is_empty())
        .count()
}

/// "Northgate" for "Northgate Water"; "Mosaic" for "The Mosaic Company".
pub fn short_name(name: &str) -> &str {
    name.split_whitespace()
        .find(|w| !matches!(w.to_lowercase().as_str(), "the" | "a" | "an") && w.len() > 2)
        .unwrap_or(name)
}

/// Where one sentence of a source is filed: the section's index in [`TITLES`] and its rank
/// within the section, or none (boilerplate, too short or long, or about none of them).
pub fn classify(
    s: &str,
    name: &str,
    short_name: &str,
    sector: &str,
    sector_terms: &[String],
    year_now: i32,
) -> Option<(usize, usize)> {
    let n = words(s).len();
    // Boilerplate is a short line with a boilerplate phrase ("Accept all cookies"), not a
    // fact that happens to contain the word ("bakes 2 million cookies a week"); navigation
    // ("Home | About | Careers"), copyright lines and datelines at any length.
    let lower = s.to_lowercase();
    // A title or byline: no closing punctuation, and a dash or bar between its parts.
    let title = !s.ends_with(['.', '!', '?', '"', '”'])
        && (s.contains(" - ") || s.contains(" | ") || s.contains(" — "));
    let boilerplate = n < 12 && score(s, BOILERPLATE) > 0
        || score(s, BOILERPLATE_ANYWHERE) > 0
        || s.matches(" | ").count() >= 2
        || title
        || lower.contains('©')
        || lower.starts_with("copyright")
        || lower.starts_with("by ") && n < 15
        || s.ends_with(')')
            && s.split(',')
                .next()
                .is_some_and(|h| h.chars().all(|c| !c.is_lowercase()));
    if !(5..=60).contains(&n) || boilerplate {
        return None;
    }
    let mut sector_score = score(s, SECTOR)
        + sector_terms
            .iter()
            .filter(|t| !find_phrase(s, t).is_empty())
            .count();
    if !sector.is_empty() && !find_phrase(s, sector).is_empty() {
        sector_score += 1;
    }
    let names = !find_phrase(s, name).is_empty() || !find_phrase(s, short_name).is_empty();
    // About the prospect: named, or in its own voice (a web page, a filing, a job posting).
    const OWN: &[&str] = &[
        "we",
        "our",
        "us",
        "you will",
        "this role",
        "this position",
        "the company",
        "the group",
        "the mill",
        "the plant",
        "the site",
        "the district",
        "the authority",
        "the utility",
        "the brewery",
        "the cooperative",
        "the board",
    ];
    let about = names || score(s, OWN) > 0;
    let years: Vec<i32> = words(s)
        .iter()
        .filter_map(|w| {
            let t = w.of(s);
            (t.len() == 4).then(|| t.parse::<i32>().ok()).flatten()
        })
        .filter(|y| (1900..2100).contains(y))
        .collect();
    // A date this year or later, about the prospect, is a trigger; equipment from the last
    // century is an ageing asset; a sentence about others is context.
    let dated = about && years.iter().any(|y| *y >= year_now);
    let old = years.iter().any(|y| *y < 2000);
    if !about && sector_score > 0 {
        sector_score += 1;
    }
    let now = score(s, NOW);
    let scores = [
        score(s, BACKGROUND),
        sector_score,
        score(s, PAIN) + usize::from(old),
        now + 2 * usize::from(dated),
    ];
    // Ties go to the later, more specific sections (why now over background).
    let (best, &top) = scores
        .iter()
        .enumerate()
        .max_by_key(|(k, v)| (**v, *k))
        .expect("four sections");
    // A fact about the prospect that fits no other section is background.
    let concrete = s.chars().any(|c| c.is_ascii_digit());
    let (best, top) = if top == 0 && (about || concrete) {
        (0, 1)
    } else {
        (best, top)
    };
    if top == 0 {
        return None;
    }
    // Sentences that name the prospect and carry a figure come first.
    Some((
        best,
        usize::from(names) * 1000 + usize::from(concrete) * 100 + top,
    ))
}

/// Builds the profile. `sector_terms` are the Foundation's sector terms (they count as sector
/// context); `per_section` caps each section.
pub fn profile(
    name: &str,
    sector: &str,
    sources: &[Source],
    sector_terms: &[String],
    per_section: usize,
    year_now: i32,
) -> Profile {
    let short_name = short_name(name);
    let mut seen: Vec<String> = Vec::new();
    let mut read = 0;
    let mut dropped = 0;
    // (section, rank, statement)
    let mut filed: Vec<(usize, usize, Statement)> = Vec::new();
    for (k, src) in sources.iter().enumerate() {
        // A line without closing punctuation (navigation, headings) ends where the line ends.
        let spans: Vec<&str> = src
            .text
            .lines()
            .flat_map(|line| {
                sentences(line)
                    .into_iter()
                    .map(move |span| span.of(line))
                    .collect::<Vec<_>>()
            })
            .collect();
        for s in spans {
            let s = s.trim();
            let s = s.trim_start_matches(['-', '*', '•']).trim();
            read += 1;
            let key: String = s
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if seen.contains(&key) {
                dropped += 1;
                continue;
            }
            let Some((best, rank)) = classify(s, name, short_name, sector, sector_terms, year_now)
            else {
                dropped += 1;
                continue;
            };
            seen.push(key);
            filed.push((
                best,
                rank,
                Statement {
                    text: s.to_string(),
                    source: k + 1,
                },
            ));
        }
    }
    let mut sections = Vec::new();
    for (k, title) in TITLES.iter().enumerate() {
        let mut these: Vec<&(usize, usize, Statement)> =
            filed.iter().filter(|(s, ..)| *s == k).collect();
        these.sort_by_key(|(_, rank, st)| (std::cmp::Reverse(*rank), st.source));
        let kept: Vec<Statement> = these
            .into_iter()
            .take(per_section)
            .map(|(.., st)| st.clone())
            .collect();
        sections.push((title.to_string(), kept));
    }
    let labels: Vec<String> = sources.iter().map(|s| s.label.clone()).collect();
    let md = render(name, sector, &sections, &labels);
    Profile {
        name: name.to_string(),
        sector: sector.to_string(),
        sections,
        sources: labels,
        read,
        dropped,
        markdown: md,
    }
}

/// The section titles, in order.
pub const TITLES: [&str; 4] = [
    "Background",
    "Sector context",
    "Likely pain points",
    "Why now",
];

/// The JSON fields a language model answers in, one per section of [`TITLES`].
const FIELDS: [&str; 4] = ["background", "sector_context", "pain_points", "why_now"];

/// The profile as Markdown: each statement with its source, the angle left to the account
/// manager, the sources numbered.
pub fn render(
    name: &str,
    sector: &str,
    sections: &[(String, Vec<Statement>)],
    labels: &[String],
) -> String {
    let mut md = format!("# Prospect profile: {name}\n\nSector: {sector}\n");
    for (title, statements) in sections {
        let _ = write!(md, "\n## {title}\n\n");
        if statements.is_empty() {
            md.push_str("- The sources say nothing on this.\n");
        }
        for st in statements {
            let _ = writeln!(md, "- {} [S{}]", st.text, st.source);
        }
    }
    md.push_str(
        "\n## Our angle\n\n[[AM: why this prospect, why now, and what we would lead with: yours to write]]\n",
    );
    md.push_str("\n## Sources\n\n");
    for (k, l) in labels.iter().enumerate() {
        let _ = writeln!(md, "- [S{}] {l}", k + 1);
    }
    md
}

/// The schema of a language model's profile: each section a list of statements, each citing
/// one source by its tag.
pub fn schema(sources: usize, per_section: usize) -> serde_json::Value {
    let tags: Vec<String> = (1..=sources).map(|k| format!("S{k}")).collect();
    let statement = serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["text", "source"],
        "properties": {
            "text": {"type": "string", "minLength": 10},
            "source": {"type": "string", "enum": tags}
        }
    });
    let list = serde_json::json!({"type": "array", "maxItems": per_section, "items": statement});
    let properties: serde_json::Map<String, serde_json::Value> = FIELDS
        .iter()
        .map(|f| (f.to_string(), list.clone()))
        .collect();
    serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": FIELDS,
        "properties": properties,
    })
}

/// The prompt: the sources numbered and fenced (personal data masked), the sections, and the
/// rule that every statement says only what its cited source says.
pub fn prompt(
    name: &str,
    sector: &str,
    sources: &[Source],
    per_section: usize,
    avoid: &[&String],
    privacy: &crate::prompt::Privacy,
) -> (crate::prompt::Prompt, crate::prompt::Masked) {
    let mut data = format!("Prospect: {name}\nSector: {sector}\n");
    for (k, s) in sources.iter().enumerate() {
        let _ = write!(data, "\n[S{}] {}\n{}\n", k + 1, s.label, s.text.trim());
    }
    let masked = crate::prompt::mask_with(&data, privacy);
    let mut constraints = vec![
        "background: what the company is and does (size, sites, people, products, ownership); \
         sector_context: the sector and its market (regulation, prices, demand); pain_points: \
         problems the sources show or make likely (failures, downtime, costs, compliance, ageing \
         assets); why_now: dated or time-bound triggers (plans, expansions, projects, hiring, \
         deadlines)."
            .to_string(),
        format!("At most {per_section} statements per section; the most specific first."),
        "Each statement says only what its cited source says, in a sentence or two; keep its \
         names, figures and dates exactly. A section the sources say nothing on is an empty list."
            .to_string(),
        "Leave out cookie notices, navigation, legal lines and marketing claims with no fact."
            .to_string(),
        "Do not write our sales angle: that is the account manager's.".to_string(),
    ];
    constraints.extend(crate::prompt::phrase_rules(&[], avoid, &Default::default()));
    let p = crate::prompt::assemble(crate::prompt::Parts {
        role: "you research prospects for an account manager, from public sources they give you \
               (no browsing)."
            .into(),
        goal: format!("a cited profile of {name}, a prospect in {sector}, in four sections."),
        constraints,
        masked: &masked,
        answer: crate::prompt::json_answer(&schema(sources.len(), per_section)),
    });
    (p, masked)
}

#[derive(serde::Deserialize)]
struct ModelStatement {
    text: String,
    source: String,
}

/// A language model's answer read into the profile's sections: valid under [`schema`], and
/// every name, number and date of a statement found in the source it cites (the grounding
/// check). Otherwise the reason, naming the statement.
pub fn from_model(
    answer: &str,
    masked: &crate::prompt::Masked,
    sources: &[Source],
    per_section: usize,
    today: chrono::NaiveDate,
) -> Result<Vec<(String, Vec<Statement>)>, String> {
    let schema = schema(sources.len(), per_section);
    let parsed: std::collections::BTreeMap<String, Vec<ModelStatement>> =
        crate::structured::parse_restored(answer, &schema, masked)?;
    let mut sections = Vec::new();
    for (title, field) in TITLES.iter().zip(FIELDS) {
        let mut out = Vec::new();
        for (k, st) in parsed.get(field).into_iter().flatten().enumerate() {
            let n: usize = st.source.trim_start_matches('S').parse().unwrap_or(0);
            let src = &sources[n - 1];
            let report = crate::grounding::check(&st.text, &[&src.text], today);
            if let Some(c) = report.untraced().next() {
                return Err(format!(
                    "{field}[{k}] cites S{n} but S{n} does not say \"{}\"",
                    c.text
                ));
            }
            out.push(Statement {
                text: st.text.trim().to_string(),
                source: n,
            });
        }
        sections.push((title.to_string(), out));
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_is_a_cited_sentence_of_a_source_filed_by_its_words() {
        let sources = vec![
            Source {
                label: "about.txt".into(),
                text: "Cookies help us deliver our services. Northgate Water is a municipal utility \
                       that serves 240,000 residents from two treatment plants. Subscribe to our newsletter."
                    .into(),
            },
            Source {
                label: "news.txt".into(),
                text: "Northgate Water announced a $38 million upgrade of its Riverside plant, with \
                       construction to begin in 2027. The utility was fined last year after a \
                       permit exceedance caused by unplanned pump failures. Water utilities across \
                       the state face new regulation on disinfection by-products."
                    .into(),
            },
            Source {
                label: "jobs.txt".into(),
                text: "Northgate Water is hiring two maintenance technicians for its pump stations. \
                       Northgate Water is hiring two maintenance technicians for its pump stations."
                    .into(),
            },
        ];
        let p = profile("Northgate Water", "water utilities", &sources, &[], 3, 2026);
        let section = |t: &str| {
            p.sections
                .iter()
                .find(|(title, _)| title == t)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(section("Background")[0].source, 1);
        assert!(section("Background")[0].text.contains("240,000 residents"));
        assert!(
            section("Likely pain points")
                .iter()
                .any(|s| s.text.contains("unplanned pump failures") && s.source == 2)
        );
        assert!(
            section("Why now")
                .iter()
                .any(|s| s.text.contains("$38 million upgrade"))
        );
        assert!(
            section("Sector context")
                .iter()
                .any(|s| s.text.contains("new regulation"))
        );
        // Every statement is verbatim in its source.
        for (_, statements) in &p.sections {
            for st in statements {
                assert!(
                    sources[st.source - 1].text.contains(&st.text),
                    "{}",
                    st.text
                );
            }
        }
        // Boilerplate and the duplicate posting are left out; the sources are listed.
        assert!(!p.markdown.contains("Cookies") && !p.markdown.contains("Subscribe"));
        assert_eq!(p.markdown.matches("is hiring two maintenance").count(), 1);
        assert!(p.markdown.contains("- [S3] jobs.txt"));
        assert!(p.markdown.contains("[[AM: "));
    }
}
