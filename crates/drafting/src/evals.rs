//! Three workflows measured against sets a person labelled (`crates/drafting/eval/`, written
//! by helper sessions that did not see the engines): the CRM update's stage proposals and
//! next-step dates, the quotation's portfolio retrieval, and the prospect profile's filing of
//! sentences into sections. Each reads its file, names the line and field of a bad record, and
//! reports the figures with the cases it got wrong.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use roomwork_domain::{Opportunity, OpportunityId, PortfolioProject, ProjectId, Stage};
use roomwork_foundation::{NextStepCategory, StageStandard};
use serde::{Deserialize, Serialize};

/// Reads JSON Lines into `T`, naming the line of a bad record.
fn lines<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<(usize, T)>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(k, l)| {
            serde_json::from_str(l)
                .map(|v| (k + 1, v))
                .map_err(|e| format!("line {}: {e}", k + 1))
        })
        .collect()
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[derive(Deserialize)]
struct CrmCase {
    id: String,
    current_stage: String,
    today: NaiveDate,
    notes: String,
    expected_stage: Option<String>,
    expected_next_step_date: Option<NaiveDate>,
}

/// One case the engine got wrong.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    /// The case.
    pub id: String,
    /// What the label says.
    pub expected: String,
    /// What the engine did.
    pub got: String,
}

/// The CRM update's stage proposals against the labels.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CrmStageReport {
    /// Deals.
    pub cases: usize,
    /// The proposed stage (or none) equals the label.
    pub stage_accuracy: f64,
    /// Labelled forward moves.
    pub moves_labelled: usize,
    /// Moves the engine proposed.
    pub moves_proposed: usize,
    /// Proposed moves to the labelled stage.
    pub moves_correct: usize,
    /// moves_correct / moves_proposed.
    pub move_precision: f64,
    /// moves_correct / moves_labelled.
    pub move_recall: f64,
    /// The next-step date (or none) equals the label.
    pub next_step_date_accuracy: f64,
    /// Stage misses.
    pub stage_misses: Vec<Miss>,
    /// Date misses.
    pub date_misses: Vec<Miss>,
}

/// Runs the built-in CRM update on every labelled deal.
pub fn crm_stage(
    text: &str,
    stages: &[StageStandard],
    next_steps: &[NextStepCategory],
    competitors: &[String],
) -> Result<CrmStageReport, String> {
    let cases: Vec<(usize, CrmCase)> = lines(text)?;
    // Labels name stages: they must be the Foundation's, or every figure is meaningless.
    let known = |name: &str| stages.iter().any(|s| s.name.eq_ignore_ascii_case(name));
    for (line, c) in &cases {
        for (field, name) in [
            ("current_stage", Some(&c.current_stage)),
            ("expected_stage", c.expected_stage.as_ref()),
        ] {
            if let Some(name) = name.filter(|n| !known(n)) {
                return Err(format!(
                    "line {line}: {field}: {name:?} is not one of the Foundation's stages ({})",
                    stages
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    let mut r = CrmStageReport::default();
    let (mut stage_ok, mut date_ok) = (0, 0);
    for (line, c) in &cases {
        let stage = Stage::parse(&c.current_stage)
            .map_err(|e| format!("line {line}: current_stage: {e}"))?;
        let deal = Opportunity {
            id: OpportunityId::new(),
            ext_key: None,
            name: format!("deal {}", c.id),
            account_id: None,
            owner: None,
            stage,
            amount: None,
            close_date: None,
            next_step: None,
            next_step_date: None,
            created_on: c.today,
            forecast_category: None,
            stage_history: vec![],
        };
        let p = crate::crm_update::propose(&crate::crm_update::Inputs {
            notes: &c.notes,
            deal: &deal,
            stages,
            next_steps,
            competitors,
            account_manager: "the account manager",
            today: c.today,
        });
        let got = p.change.stage.as_ref().map(|f| f.to.clone());
        if got.as_deref().map(str::to_lowercase)
            == c.expected_stage.as_deref().map(str::to_lowercase)
        {
            stage_ok += 1;
        } else {
            r.stage_misses.push(Miss {
                id: c.id.clone(),
                expected: c.expected_stage.clone().unwrap_or("(no move)".into()),
                got: got.clone().unwrap_or("(no move)".into()),
            });
        }
        r.moves_labelled += usize::from(c.expected_stage.is_some());
        r.moves_proposed += usize::from(got.is_some());
        r.moves_correct += usize::from(
            got.is_some()
                && got.as_deref().map(str::to_lowercase)
                    == c.expected_stage.as_deref().map(str::to_lowercase),
        );
        // The date the deal would carry after the update.
        let date = p
            .change
            .next_step_date
            .as_ref()
            .and_then(|f| f.to)
            .or(deal.next_step_date);
        if date == c.expected_next_step_date {
            date_ok += 1;
        } else {
            let show = |d: Option<NaiveDate>| d.map_or("(none)".into(), |d| d.to_string());
            r.date_misses.push(Miss {
                id: c.id.clone(),
                expected: show(c.expected_next_step_date),
                got: show(date),
            });
        }
    }
    r.cases = cases.len();
    r.stage_accuracy = ratio(stage_ok, r.cases);
    r.next_step_date_accuracy = ratio(date_ok, r.cases);
    r.move_precision = ratio(r.moves_correct, r.moves_proposed);
    r.move_recall = ratio(r.moves_correct, r.moves_labelled);
    Ok(r)
}

#[derive(Deserialize)]
struct RetrievalSet {
    projects: Vec<RetrievalProject>,
    queries: Vec<RetrievalQuery>,
}

#[derive(Deserialize)]
struct RetrievalProject {
    id: String,
    title: String,
    client: String,
    industry: String,
    year: u16,
    summary: String,
    #[serde(default)]
    capabilities: Vec<String>,
}

#[derive(Deserialize)]
struct RetrievalQuery {
    id: String,
    split: String,
    spec: String,
    relevant: Vec<String>,
}

/// Retrieval figures for one ranker on one split.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RetrievalScore {
    /// The ranker.
    pub ranker: String,
    /// The split.
    pub split: String,
    /// Queries.
    pub queries: usize,
    /// The first result is relevant.
    pub precision_at_1: f64,
    /// Share of the relevant projects in the top 3, averaged over queries.
    pub recall_at_3: f64,
    /// Mean reciprocal rank of the first relevant project (top 10).
    pub mrr: f64,
    /// Queries whose top 3 hold no relevant project.
    pub misses: Vec<String>,
}

/// The quotation's retrieval (tantivy BM25 over title, client, industry, summary and
/// capabilities) against the labels, next to a word-overlap baseline, per split.
pub fn retrieval(text: &str) -> Result<Vec<RetrievalScore>, String> {
    let set: RetrievalSet = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let projects: Vec<PortfolioProject> = set
        .projects
        .iter()
        .map(|p| PortfolioProject {
            id: ProjectId::new(),
            title: p.title.clone(),
            client: p.client.clone(),
            industry: p.industry.clone(),
            year: p.year,
            summary: p.summary.clone(),
            capabilities: p.capabilities.clone(),
            value: None,
        })
        .collect();
    let ids: Vec<&str> = set.projects.iter().map(|p| p.id.as_str()).collect();
    for q in &set.queries {
        if let Some(bad) = q.relevant.iter().find(|r| !ids.contains(&r.as_str())) {
            return Err(format!("query {}: relevant: no project {bad}", q.id));
        }
    }
    let overlap = |spec: &str| -> Vec<usize> {
        let words = |t: &str| -> std::collections::HashSet<String> {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 4)
                .map(str::to_lowercase)
                .collect()
        };
        let q = words(spec);
        let mut scored: Vec<(usize, usize)> = set
            .projects
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let d = words(&format!(
                    "{} {} {} {} {}",
                    p.title,
                    p.client,
                    p.industry,
                    p.summary,
                    p.capabilities.join(" ")
                ));
                (q.intersection(&d).count(), k)
            })
            .collect();
        scored.sort_by_key(|(n, k)| (std::cmp::Reverse(*n), *k));
        scored.into_iter().take(10).map(|(_, k)| k).collect()
    };
    let bm25 = |spec: &str| -> Vec<usize> {
        crate::quotation::relevant(&projects, spec, 10)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    let mut out = Vec::new();
    let splits: Vec<String> = {
        let mut s: Vec<String> = set.queries.iter().map(|q| q.split.clone()).collect();
        s.dedup();
        s
    };
    for (name, rank) in [
        ("bm25 (roomwork)", &bm25 as &dyn Fn(&str) -> Vec<usize>),
        ("word overlap (baseline)", &overlap),
    ] {
        for split in &splits {
            let qs: Vec<&RetrievalQuery> =
                set.queries.iter().filter(|q| &q.split == split).collect();
            let mut s = RetrievalScore {
                ranker: name.into(),
                split: split.clone(),
                queries: qs.len(),
                ..Default::default()
            };
            let (mut p1, mut r3, mut rr) = (0.0, 0.0, 0.0);
            for q in &qs {
                let ranked: Vec<&str> = rank(&q.spec).into_iter().map(|k| ids[k]).collect();
                let relevant = |id: &str| q.relevant.iter().any(|r| r == id);
                if ranked.first().is_some_and(|id| relevant(id)) {
                    p1 += 1.0;
                }
                let found = ranked.iter().take(3).filter(|id| relevant(id)).count();
                r3 += found as f64 / q.relevant.len() as f64;
                if found == 0 {
                    s.misses.push(q.id.clone());
                }
                if let Some(pos) = ranked.iter().position(|id| relevant(id)) {
                    rr += 1.0 / (pos + 1) as f64;
                }
            }
            let n = qs.len().max(1) as f64;
            s.precision_at_1 = p1 / n;
            s.recall_at_3 = r3 / n;
            s.mrr = rr / n;
            out.push(s);
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct ProspectDoc {
    id: String,
    prospect: String,
    sector: String,
    text: String,
    labels: Vec<String>,
}

const SECTIONS: [&str; 5] = ["background", "sector", "pain", "why_now", "drop"];

/// Precision and recall of one section.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SectionScore {
    /// The section.
    pub section: String,
    /// Lines labelled with it.
    pub labelled: usize,
    /// Lines the engine filed there.
    pub predicted: usize,
    /// Both.
    pub correct: usize,
    /// correct / predicted.
    pub precision: f64,
    /// correct / labelled.
    pub recall: f64,
}

/// The prospect profile's filing against the labels.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProspectReport {
    /// Documents.
    pub documents: usize,
    /// Lines.
    pub lines: usize,
    /// Lines filed as labelled.
    pub accuracy: f64,
    /// Per section.
    pub sections: Vec<SectionScore>,
    /// Labelled → filed → count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Lines filed otherwise than labelled: source, line, labelled, filed.
    pub misses: Vec<(String, String, String, String)>,
}

/// Files every labelled line as the built-in profile would.
pub fn prospect(
    text: &str,
    sector_terms: &[String],
    year_now: i32,
) -> Result<ProspectReport, String> {
    let docs: Vec<(usize, ProspectDoc)> = lines(text)?;
    let mut r = ProspectReport {
        documents: docs.len(),
        ..Default::default()
    };
    let mut ok = 0;
    for (line, d) in &docs {
        let texts: Vec<&str> = d.text.lines().collect();
        if texts.len() != d.labels.len() {
            return Err(format!(
                "line {line} ({}): labels: {} labels for {} lines of text",
                d.id,
                d.labels.len(),
                texts.len()
            ));
        }
        let short = crate::prospect::short_name(&d.prospect);
        for (t, want) in texts.iter().zip(&d.labels) {
            if !SECTIONS.contains(&want.as_str()) {
                return Err(format!("line {line} ({}): labels: unknown {want:?}", d.id));
            }
            let got = crate::prospect::classify(
                t.trim(),
                &d.prospect,
                short,
                &d.sector,
                sector_terms,
                year_now,
            )
            .map_or("drop", |(k, _)| SECTIONS[k]);
            ok += usize::from(got == want);
            if got != want {
                r.misses
                    .push((d.id.clone(), t.to_string(), want.clone(), got.to_string()));
            }
            *r.confusion
                .entry(want.clone())
                .or_default()
                .entry(got.to_string())
                .or_default() += 1;
            r.lines += 1;
        }
    }
    r.accuracy = ratio(ok, r.lines);
    for s in SECTIONS {
        let labelled: usize = r.confusion.get(s).map_or(0, |m| m.values().sum());
        let predicted: usize = r.confusion.values().filter_map(|m| m.get(s)).sum();
        let correct = r
            .confusion
            .get(s)
            .and_then(|m| m.get(s))
            .copied()
            .unwrap_or(0);
        r.sections.push(SectionScore {
            section: s.into(),
            labelled,
            predicted,
            correct,
            precision: ratio(correct, predicted),
            recall: ratio(correct, labelled),
        });
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_record_names_its_line_and_field() {
        let e = prospect(
            "{\"id\":\"s1\",\"prospect\":\"A\",\"sector\":\"b\",\"text\":\"x\\ny\",\"labels\":[\"drop\"]}",
            &[],
            2026,
        )
        .unwrap_err();
        assert!(
            e.starts_with("line 1 (s1): labels: 1 labels for 2 lines"),
            "{e}"
        );
        let e = crm_stage("\n{\"id\": 3}", &[], &[], &[]).unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        let case = r#"{"id": "c1", "current_stage": "Qualification", "today": "2026-11-17", "notes": "- x", "expected_stage": null, "expected_next_step_date": null}"#;
        let e = crm_stage(case, &[], &[], &[]).unwrap_err();
        assert!(
            e.starts_with(
                "line 1: current_stage: \"Qualification\" is not one of the Foundation's stages"
            ),
            "{e}"
        );
        let e = retrieval(r#"{"projects": [], "queries": [{"id": "q1", "split": "dev", "spec": "x", "relevant": ["p9"]}]}"#)
            .unwrap_err();
        assert!(e.contains("query q1: relevant: no project p9"), "{e}");
    }

    #[test]
    fn the_figures_count_what_they_say() {
        let set = r#"{"projects": [
            {"id": "p1", "title": "Hypochlorite dosing skids", "client": "A", "industry": "Water", "year": 2024, "summary": "Two dosing skids for sodium hypochlorite."},
            {"id": "p2", "title": "Boiler feed pumps", "client": "B", "industry": "Power", "year": 2023, "summary": "Boiler feed pumps replaced in an outage."}],
          "queries": [
            {"id": "q1", "split": "dev", "spec": "Supply hypochlorite dosing skids.", "relevant": ["p1"]},
            {"id": "q2", "split": "dev", "spec": "Replace boiler feed pumps.", "relevant": ["p2"]}]}"#;
        let r = retrieval(set).unwrap();
        let bm25 = &r[0];
        assert_eq!(
            (
                bm25.queries,
                bm25.precision_at_1,
                bm25.recall_at_3,
                bm25.mrr
            ),
            (2, 1.0, 1.0, 1.0)
        );
        let doc = r#"{"id":"s1","prospect":"Harlow Foods","sector":"food","text":"Accept all cookies.\nHarlow Foods employs 1,200 people at three plants.","labels":["drop","background"]}"#;
        let p = prospect(doc, &[], 2026).unwrap();
        assert_eq!((p.lines, p.accuracy), (2, 1.0));
        assert_eq!(p.confusion["background"]["background"], 1);
    }
}
