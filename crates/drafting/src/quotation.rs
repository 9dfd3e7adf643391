//! Workflow 5 on the built-in engine: the RFQ response and quotation narrative.
//!
//! Sections come from the Foundation's proposal format (`capabilities.toml [proposal]`), in its
//! order. What each is built from:
//! - a section whose guidance marks it as judgement (`judgement = true`: the real driver, the
//!   risk assessment, why us against this competitor) is left as a marked `[[AM: ...]]`
//!   passage: the account manager's, always (protection rule 3 refuses approval while empty);
//! - **relevant experience**: the portfolio projects most relevant to the specification by
//!   full-text relevance (tantivy BM25 over title, client, industry, summary and capabilities,
//!   English stemming), at most `max_references`, each with its client, year and summary;
//! - **price or commercial** sections: only the estimating lead's figures, verbatim from the
//!   prices file; without one, a marked passage. No price is ever composed;
//! - a section about us or our capabilities: the Foundation's description and capabilities;
//! - every other section: the specification's own sentences whose words match the section's
//!   title and guidance (scope, schedule, basis of design), verbatim, or a marked passage when
//!   the specification says nothing on it.

use std::fmt::Write as _;

use roomwork_domain::PortfolioProject;
use roomwork_foundation::CapabilitiesGuide;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value as _,
};
use tantivy::{Index, TantivyDocument, doc};

use crate::text::{find_phrase, sentences, words};

/// A portfolio project found relevant, with its score.
#[derive(Clone, Debug, Serialize)]
pub struct Reference {
    /// Title.
    pub title: String,
    /// Client.
    pub client: String,
    /// Year.
    pub year: u16,
    /// BM25 score against the specification.
    pub score: f32,
}

/// The narrative.
#[derive(Clone, Debug, Serialize)]
pub struct Quotation {
    /// The narrative as Markdown, with marked passages.
    pub markdown: String,
    /// The references used, most relevant first.
    pub references: Vec<Reference>,
    /// Sections left as marked passages.
    pub marked: Vec<String>,
}

/// Ranks `projects` by relevance to `spec` (BM25, English stemming); returns indices and scores.
pub fn relevant(projects: &[PortfolioProject], spec: &str, limit: usize) -> Vec<(usize, f32)> {
    if projects.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut schema = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("en_stem")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing);
    let title = schema.add_text_field("title", text.clone());
    let body = schema.add_text_field("body", text);
    let id = schema.add_u64_field("id", STORED);
    let index = Index::create_in_ram(schema.build());
    let ranked = (|| -> tantivy::Result<Vec<(usize, f32)>> {
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for (k, p) in projects.iter().enumerate() {
            writer.add_document(doc!(
                title => p.title.clone(),
                body => format!("{} {} {} {}", p.client, p.industry, p.summary, p.capabilities.join(" ")),
                id => k as u64,
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        let searcher = reader.searcher();
        let mut parser = QueryParser::for_index(&index, vec![title, body]);
        parser.set_field_boost(title, 2.0);
        // The specification's words, without query syntax: lower-cased, so that "NOT
        // included" is two words and not an operator.
        let query_text: String = words(spec)
            .iter()
            .map(|w| w.of(spec).to_lowercase())
            .filter(|w| w.chars().all(char::is_alphanumeric))
            .collect::<Vec<_>>()
            .join(" ");
        let (query, _) = parser.parse_query_lenient(&query_text);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut out = Vec::new();
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            if let Some(k) = d.get_first(id).and_then(|v| v.as_u64()) {
                out.push((k as usize, score));
            }
        }
        Ok(out)
    })();
    ranked.unwrap_or_default()
}

/// What the narrative is built from.
pub struct Inputs<'a> {
    /// The customer.
    pub customer: &'a str,
    /// The specification or RFQ text.
    pub spec: &'a str,
    /// The estimating lead's figures, verbatim (one per line), if given.
    pub prices: Option<&'a str>,
    /// The portfolio.
    pub projects: &'a [PortfolioProject],
    /// The Foundation's capabilities guide (with the proposal format).
    pub guide: &'a CapabilitiesGuide,
    /// Sections a language model wrote (title → text), used instead of the built-in engine's
    /// for those titles; see [`written_sections`].
    pub written: Option<&'a std::collections::BTreeMap<String, String>>,
}

/// What fills a proposal section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fill {
    /// The account manager's judgement: always a marked passage.
    Judgement,
    /// Past projects from the portfolio.
    Experience,
    /// The estimating lead's prices, verbatim.
    Commercial,
    /// Who we are: the Foundation's description and capabilities.
    AboutUs,
    /// The specification's own sentences.
    Specification,
}

fn fill(section: &roomwork_foundation::ProposalSection) -> Fill {
    let t = section.title.to_lowercase();
    if section.judgement {
        Fill::Judgement
    } else if t.contains("experience") || t.contains("reference") {
        Fill::Experience
    } else if t.contains("commercial") || t.contains("price") || t.contains("pricing") {
        Fill::Commercial
    } else if t.contains("about us") || t.contains("capabilit") || t.contains("who we are") {
        Fill::AboutUs
    } else {
        Fill::Specification
    }
}

/// The sections a language model may write (title, guidance): never the judgement passages,
/// the references (retrieved) or the prices (the estimating lead's).
pub fn written_sections(guide: &CapabilitiesGuide) -> Vec<(&str, &str)> {
    guide
        .proposal
        .sections
        .iter()
        .filter(|s| matches!(fill(s), Fill::AboutUs | Fill::Specification))
        .map(|s| (s.title.as_str(), s.guidance.as_str()))
        .collect()
}

/// The schema of a language model's answer: one text per written section.
pub fn schema(guide: &CapabilitiesGuide) -> serde_json::Value {
    let titles: Vec<&str> = written_sections(guide).iter().map(|(t, _)| *t).collect();
    let properties: serde_json::Map<String, serde_json::Value> = titles
        .iter()
        .map(|t| {
            (
                t.to_string(),
                serde_json::json!({"type": "string", "minLength": 20}),
            )
        })
        .collect();
    serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": titles,
        "properties": properties,
    })
}

/// The prompt: the specification, the retrieved references and who we are, fenced; the
/// sections to write with the Foundation's guidance; prices forbidden.
pub fn prompt(
    i: &Inputs<'_>,
    privacy: &crate::prompt::Privacy,
) -> (crate::prompt::Prompt, crate::prompt::Masked) {
    let g = i.guide;
    let limit = g.proposal.max_references.max(1) as usize;
    let mut data = format!(
        "Customer: {}\n\nTheir specification:\n{}\n\nWho we are: {}\nOur capabilities: {}\n",
        i.customer,
        i.spec.trim(),
        g.description,
        g.capabilities.join(", ")
    );
    let found = relevant(i.projects, i.spec, limit);
    if !found.is_empty() {
        data.push_str("\nOur relevant past projects:\n");
        for (k, _) in &found {
            let p = &i.projects[*k];
            let _ = writeln!(
                data,
                "- {}, {} ({}): {}",
                p.title, p.client, p.year, p.summary
            );
        }
    }
    let masked = crate::prompt::mask_with(&data, privacy);
    let mut constraints: Vec<String> = written_sections(g)
        .iter()
        .map(|(t, guidance)| format!("\"{t}\": {guidance}."))
        .collect();
    constraints.push(
        "No prices, rates or totals: prices come only from the estimating lead, and are added \
         separately."
            .into(),
    );
    constraints.push(
        "Restate the customer's requirement in their terms; where the specification is silent, \
         say what must be confirmed rather than assume it."
            .into(),
    );
    let uses: Vec<&String> = g.use_phrases.iter().collect();
    let avoid: Vec<&String> = g.avoid.iter().collect();
    constraints.extend(crate::prompt::phrase_rules(
        &uses,
        &avoid,
        &Default::default(),
    ));
    let p = crate::prompt::assemble(crate::prompt::Parts {
        role: format!(
            "you draft the narrative of {}'s response to a customer's request for quotation.",
            g.company
        ),
        goal: format!(
            "the response's sections for {} that restate the requirement, the basis of design, \
             the scope and the schedule from the specification, and describe our capabilities \
             for it; the account manager writes the judgement passages.",
            i.customer
        ),
        constraints,
        masked: &masked,
        answer: crate::prompt::json_answer(&schema(g)),
    });
    (p, masked)
}

/// A language model's sections (title → text), valid under [`schema`], with no price in
/// them. Otherwise the reason.
pub fn from_model(
    answer: &str,
    masked: &crate::prompt::Masked,
    guide: &CapabilitiesGuide,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let written: std::collections::BTreeMap<String, String> =
        crate::structured::parse_restored(answer, &schema(guide), masked)?;
    for (title, text) in &written {
        if let Some(p) = price(text) {
            return Err(format!(
                "its section \"{title}\" states a price ({p}): prices come only from the estimating lead"
            ));
        }
    }
    Ok(written)
}

/// The first money amount in `text`: a number with a currency sign or code next to it.
fn price(text: &str) -> Option<String> {
    const CODES: &[&str] = &[
        "usd", "eur", "gbp", "cad", "aud", "chf", "sek", "nok", "dkk",
    ];
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for (k, t) in tokens.iter().enumerate() {
        let digits = t.chars().any(|c| c.is_ascii_digit());
        let sign = t.contains(['$', '€', '£', '¥']);
        let code = |w: Option<&&str>| {
            w.is_some_and(|w| {
                CODES.contains(
                    &w.trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                        .as_str(),
                )
            })
        };
        let word = |w: Option<&&str>| {
            w.is_some_and(|w| {
                let w = w
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                matches!(
                    w.as_str(),
                    "dollars" | "euros" | "pounds" | "francs" | "kronor" | "krone"
                )
            })
        };
        // "$ 55,000": the sign alone before the figure.
        let sign_before = k > 0 && tokens[k - 1].chars().all(|c| "$€£¥".contains(c));
        if digits
            && (sign
                || sign_before
                || code(tokens.get(k + 1))
                || word(tokens.get(k + 1))
                || k > 0 && code(tokens.get(k - 1)))
        {
            return Some(t.to_string());
        }
    }
    None
}

const STOP: &[&str] = &[
    "the",
    "and",
    "our",
    "their",
    "with",
    "from",
    "what",
    "that",
    "this",
    "they",
    "for",
    "each",
    "every",
    "where",
    "when",
    "how",
    "into",
    "your",
    "you",
    "them",
    "plainly",
    "including",
];

/// Composes the narrative.
pub fn compose(i: &Inputs<'_>) -> Quotation {
    let g = i.guide;
    let mut md = format!("# Response to {}'s request\n", i.customer);
    let mut marked = Vec::new();
    let limit = g.proposal.max_references.max(1) as usize;
    let found = relevant(i.projects, i.spec, limit);
    let references: Vec<Reference> = found
        .iter()
        .map(|(k, score)| Reference {
            title: i.projects[*k].title.clone(),
            client: i.projects[*k].client.clone(),
            year: i.projects[*k].year,
            score: *score,
        })
        .collect();
    let spec_sentences: Vec<&str> = sentences(i.spec)
        .into_iter()
        .map(|s| s.of(i.spec).trim())
        .filter(|s| words(s).len() >= 4)
        .collect();
    let mut used: Vec<&str> = Vec::new();
    for section in &g.proposal.sections {
        let _ = write!(md, "\n## {}\n\n", section.title);
        if let Some(text) = i.written.and_then(|w| w.get(&section.title)) {
            let _ = writeln!(md, "{}", text.trim());
            continue;
        }
        let mark = |md: &mut String, marked: &mut Vec<String>, why: &str| {
            let _ = writeln!(md, "[[AM: {}{why}]]", section.guidance);
            marked.push(section.title.clone());
        };
        let kind = fill(section);
        if kind == Fill::Judgement {
            mark(&mut md, &mut marked, "");
        } else if kind == Fill::Experience {
            if references.is_empty() {
                mark(
                    &mut md,
                    &mut marked,
                    " (no portfolio project matched this specification, or the search failed)",
                );
            }
            for (k, _) in &found {
                let p = &i.projects[*k];
                let first = sentences(&p.summary)
                    .first()
                    .map(|s| s.of(&p.summary).trim().to_string())
                    .unwrap_or_default();
                let _ = writeln!(md, "- **{}**, {} ({}): {first}", p.title, p.client, p.year);
            }
        } else if kind == Fill::Commercial {
            match i.prices.map(str::trim).filter(|p| !p.is_empty()) {
                Some(p) => {
                    md.push_str("From the estimating lead:\n\n");
                    for line in p.lines().filter(|l| !l.trim().is_empty()) {
                        let _ = writeln!(md, "- {}", line.trim());
                    }
                }
                None => mark(
                    &mut md,
                    &mut marked,
                    " (no prices file was given: prices come only from the estimating lead)",
                ),
            }
        } else if kind == Fill::AboutUs {
            let _ = writeln!(md, "{}", g.description);
            for c in &g.capabilities {
                let _ = writeln!(md, "- {c}");
            }
        } else {
            // The specification's sentences that speak to this section, verbatim.
            let cues: Vec<String> = words(&format!("{} {}", section.title, section.guidance))
                .iter()
                .map(|w| {
                    w.of(&format!("{} {}", section.title, section.guidance))
                        .to_lowercase()
                })
                .filter(|w| w.len() > 3 && !STOP.contains(&w.as_str()))
                .collect();
            let mut picked: Vec<(usize, &str)> = spec_sentences
                .iter()
                .filter(|s| !used.contains(s))
                .map(|s| {
                    let hits = cues
                        .iter()
                        .filter(|c| !find_phrase(s, c).is_empty())
                        .count();
                    (hits, *s)
                })
                .filter(|(hits, _)| *hits >= 1)
                .collect();
            picked.sort_by_key(|(hits, _)| std::cmp::Reverse(*hits));
            picked.truncate(4);
            if picked.is_empty() {
                mark(
                    &mut md,
                    &mut marked,
                    " (the specification says nothing on this)",
                );
            } else {
                md.push_str("From your specification:\n\n");
                for (_, s) in picked {
                    used.push(s);
                    let _ = writeln!(md, "- {s}");
                }
            }
        }
    }
    Quotation {
        markdown: md,
        references,
        marked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_in_any_common_spelling_is_found() {
        for t in [
            "for $55,000 installed",
            "for $ 55,000 installed",
            "for € 55.000",
            "for 55,000 dollars",
            "for USD 55,000",
            "for 55,000 EUR.",
        ] {
            assert!(price(t).is_some(), "{t}");
        }
        for t in ["two 55 kW pumps", "API 610, 12th edition", "in 2027"] {
            assert!(price(t).is_none(), "{t}");
        }
    }
    use roomwork_domain::ProjectId;
    use roomwork_foundation::{ProposalFormat, ProposalSection};

    fn project(title: &str, industry: &str, summary: &str) -> PortfolioProject {
        PortfolioProject {
            id: ProjectId::new(),
            title: title.into(),
            client: format!("{title} client"),
            industry: industry.into(),
            year: 2024,
            summary: summary.into(),
            capabilities: vec![],
            value: None,
        }
    }

    fn section(title: &str, guidance: &str, judgement: bool) -> ProposalSection {
        ProposalSection {
            title: title.into(),
            guidance: guidance.into(),
            judgement,
        }
    }

    #[test]
    fn experience_by_relevance_prices_only_from_the_estimator_judgement_left_marked() {
        let projects = vec![
            project(
                "Chlorine dosing skid replacement",
                "Water",
                "Supplied two hypochlorite dosing skids with flow-paced control.",
            ),
            project(
                "Cooling water pump VFD retrofit",
                "Power",
                "Added variable frequency drives to four cooling water pumps. Energy use fell 31%.",
            ),
            project(
                "Slurry pump wear parts program",
                "Mining",
                "Consignment stock of impellers and liners for slurry pumps.",
            ),
        ];
        let guide = CapabilitiesGuide {
            description: "We supply and service pumps, valves and instruments.".into(),
            proposal: ProposalFormat {
                max_references: 2,
                sections: vec![
                    section(
                        "Your requirement",
                        "Restate the requirement: site, duty, scope",
                        false,
                    ),
                    section("Why this matters to you now", "The real driver", true),
                    section(
                        "Schedule and shutdown fit",
                        "Delivery dates and the shutdown window",
                        false,
                    ),
                    section("Relevant experience", "Past projects", false),
                    section("Commercial summary", "The estimating lead's pricing", false),
                ],
            },
            ..Default::default()
        };
        let spec = "RFQ 2026-114: supply variable frequency drives for three cooling water pumps \
                    at the Eastfield plant. The duty is 450 m3/h at 32 m head. Delivery is required \
                    before the March shutdown window.";
        let q = compose(&Inputs {
            customer: "Eastfield Power",
            spec,
            prices: None,
            projects: &projects,
            guide: &guide,
            written: None,
        });
        // The VFD retrofit is the most relevant reference; at most two are cited.
        assert_eq!(q.references[0].title, "Cooling water pump VFD retrofit");
        assert!(q.references.len() <= 2);
        assert!(q.markdown.contains("- **Cooling water pump VFD retrofit**, Cooling water pump VFD retrofit client (2024): Added variable frequency drives"));
        // The judgement section and the price are marked for people; no price is composed.
        assert!(
            q.marked
                .contains(&"Why this matters to you now".to_string())
        );
        assert!(q.marked.contains(&"Commercial summary".to_string()));
        assert!(!q.markdown.contains('$'));
        // The schedule section quotes the specification's own sentence.
        assert!(
            q.markdown
                .contains("- Delivery is required before the March shutdown window."),
            "{}",
            q.markdown
        );
        // With the estimator's figures, they appear verbatim and nothing else is added.
        let q = compose(&Inputs {
            customer: "Eastfield Power",
            spec,
            prices: Some("3 x 200 hp VFD, installed: $84,600\nValidity: 60 days"),
            projects: &projects,
            guide: &guide,
            written: None,
        });
        assert!(
            q.markdown
                .contains("- 3 x 200 hp VFD, installed: $84,600\n- Validity: 60 days")
        );
        assert!(!q.marked.contains(&"Commercial summary".to_string()));
    }

    #[test]
    fn capitals_in_a_specification_are_words_not_query_operators() {
        let projects = vec![project(
            "Control valve package",
            "Paper",
            "Supplied 42 control valves including sizing and bench testing.",
        )];
        let found = relevant(&projects, "Control valves. Civil works NOT included", 3);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn no_projects_no_references() {
        assert!(relevant(&[], "pumps", 3).is_empty());
    }
}
