//! `roomwork meetings ...`: analyse a call transcript (parsed by `roomwork_ingest::transcript`,
//! analysed by `roomwork_meetings`), and measure the analysis on the AMI meeting corpus.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use roomwork_ingest::transcript::{self, Party};
use roomwork_meetings::analyze::{Analysis, Options};
use roomwork_meetings::question::{is_question, sentences};
use serde::Serialize;

use super::Context;
use crate::args::{MeetingsArgs, MeetingsCommand};
use crate::exit::InvalidInput;
use crate::output::{self, percent, say};

pub async fn run(ctx: &Context, args: MeetingsArgs) -> anyhow::Result<()> {
    match args.command {
        MeetingsCommand::Analyze {
            file,
            rep,
            call_type,
        } => analyze(ctx, &file, rep, call_type).await,
        MeetingsCommand::EvalAmi { dir } => eval_ami(ctx, &dir),
        MeetingsCommand::Import {
            file,
            account,
            opportunity,
            rep,
            call_type,
            at,
            by,
            no_copilot,
            engine,
        } => {
            super::calls::import(
                ctx,
                super::calls::ImportRequest {
                    file: &file,
                    account: &account,
                    opportunity: opportunity.as_deref(),
                    reps: &rep,
                    call_type,
                    at: at.as_deref(),
                    by: &by,
                    copilot: !no_copilot,
                    engine: engine.as_deref(),
                },
            )
            .await
        }
        MeetingsCommand::Refresh => super::calls::refresh_all(ctx).await,
        MeetingsCommand::List { account, rep } => {
            super::calls::list(ctx, account.as_deref(), rep.as_deref()).await
        }
        MeetingsCommand::Show { id } => super::calls::show(ctx, &id).await,
        MeetingsCommand::Propose { id, by } => super::calls::propose(ctx, &id, &by).await,
        MeetingsCommand::Reps { by } => super::calls::reps(ctx, &by).await,
    }
}

#[derive(Serialize)]
pub(super) struct Analysed {
    pub file: String,
    pub format: transcript::Format,
    pub estimated_times: bool,
    pub repaired_cues: usize,
    pub reps: Vec<String>,
    #[serde(flatten)]
    pub analysis: Analysis,
}

pub(super) fn read(file: &Path) -> anyhow::Result<transcript::Parsed> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    transcript::parse(&file.display().to_string(), &bytes)
        .map_err(|e| InvalidInput(e.to_string()).into())
}

async fn analyze(
    ctx: &Context,
    file: &Path,
    mut reps: Vec<String>,
    call_type: Option<String>,
) -> anyhow::Result<()> {
    let parsed = read(file)?;
    let foundation = ctx.foundation()?;
    // Without --rep, the speakers whose names match stored reps (read only when a store
    // exists: analysing a file never creates one).
    let has_store = !ctx.url.starts_with("sqlite:") || ctx.data_dir.join("roomwork.db").exists();
    if reps.is_empty() && has_store {
        let (stored_reps, contacts) = ctx
            .with_store(async |store| Ok((store.reps().await?, store.contacts().await?)))
            .await?;
        let speakers: HashSet<&str> = parsed.turns.iter().map(|t| t.speaker.as_str()).collect();
        reps = speakers
            .into_iter()
            .filter(|s| {
                matches!(
                    transcript::match_speaker(s, &stored_reps, &contacts),
                    Party::Rep(_)
                )
            })
            .map(str::to_string)
            .collect();
        reps.sort();
    }
    let reps = rep_labels(&file.display().to_string(), &parsed.turns, &reps)?;
    let opts = Options {
        reps: reps.clone(),
        competitors: foundation.competitors().to_vec(),
        call_type,
        estimated_times: parsed.estimated_times,
        benchmarks: super::calls::benchmarks(ctx)?,
    };
    let analysis = roomwork_meetings::analyze(&parsed.turns, &opts);
    let out = Analysed {
        file: file.display().to_string(),
        format: parsed.format,
        estimated_times: parsed.estimated_times,
        repaired_cues: parsed.repaired,
        reps,
        analysis,
    };
    if ctx.json {
        return output::json(&out);
    }
    print(&out);
    Ok(())
}

/// The speaker labels `wanted` names (a label, a full name or a first name): a name that
/// matches no speaker is an error rather than a call analysed as if every speaker were the
/// customer.
pub(super) fn rep_labels(
    file: &str,
    turns: &[roomwork_domain::Turn],
    wanted: &[String],
) -> anyhow::Result<Vec<String>> {
    let labels: Vec<&str> = {
        let mut l: Vec<&str> = turns.iter().map(|t| t.speaker.as_str()).collect();
        l.sort();
        l.dedup();
        l
    };
    let mut sides = Vec::new();
    for r in wanted {
        let key = r.trim().to_lowercase();
        let hits: Vec<&str> = labels
            .iter()
            .copied()
            .filter(|l| {
                let l = l.to_lowercase();
                l == key || l.split_whitespace().next() == Some(key.as_str())
            })
            .collect();
        if hits.is_empty() {
            return Err(InvalidInput(format!(
                "--rep {r:?} matches no speaker of {file}; the speakers are: {}",
                labels.join(", ")
            ))
            .into());
        }
        sides.extend(hits.into_iter().map(str::to_string));
    }
    sides.sort();
    sides.dedup();
    Ok(sides)
}

pub(super) fn clock(s: f64) -> String {
    let s = s.max(0.0) as u64;
    format!("{:02}:{:02}", s / 60, s % 60)
}

pub(super) fn print(o: &Analysed) {
    let a = &o.analysis;
    let m = &a.metrics;
    say!(
        "{}: {} turns, {} ({:?}){}; reps on the call: {}.",
        o.file,
        a.turns.len(),
        clock(m.duration_seconds),
        o.format,
        if o.estimated_times {
            ", times estimated from word counts"
        } else {
            ""
        },
        if o.reps.is_empty() {
            "not known (pass --rep NAME)".to_string()
        } else {
            o.reps.join(", ")
        }
    );
    let opt = |x: Option<f64>, f: fn(f64) -> String| x.map(f).unwrap_or_else(|| "-".into());
    say!(
        "{}",
        output::table(
            &["metric", "value"],
            [
                vec!["rep talk ratio".into(), opt(m.rep_talk_ratio, percent)],
                vec![
                    "longest rep monologue".into(),
                    m.longest_monologue.as_ref().map_or("-".into(), |s| format!(
                        "{:.0} s at {}",
                        s.seconds,
                        clock(s.start)
                    )),
                ],
                vec![
                    "longest customer story".into(),
                    m.longest_customer_story
                        .as_ref()
                        .map_or("-".into(), |s| format!(
                            "{:.0} s at {} ({})",
                            s.seconds,
                            clock(s.start),
                            s.speaker
                        )),
                ],
                vec![
                    "interactivity (switches a minute)".into(),
                    format!("{:.1}", m.interactivity)
                ],
                vec![
                    "patience (pause before the rep speaks)".into(),
                    opt(m.patience_seconds, |p| format!("{p:.1} s"))
                ],
                vec![
                    "questions by reps".into(),
                    m.rep_questions.map_or("-".into(), |n| n.to_string())
                ],
                vec![
                    "questions by the customer".into(),
                    m.customer_questions.map_or("-".into(), |n| n.to_string())
                ],
                vec![
                    "customer people engaged".into(),
                    m.customer_people.map_or("-".into(), |n| n.to_string())
                ],
            ]
        )
    );
    if !a.benchmarks.is_empty() {
        say!(
            "{}",
            output::table(
                &["against benchmark", "value", "range", ""],
                a.benchmarks.iter().map(|c| vec![
                    c.metric.clone(),
                    if c.metric.contains("ratio") {
                        percent(c.value)
                    } else {
                        format!("{:.1}", c.value)
                    },
                    c.benchmark.clone(),
                    c.verdict.to_string(),
                ])
            )
        );
    }
    if a.trust_repair {
        say!(
            "This call raised a complaint: no AI-drafted follow-up; the account manager writes to the customer personally."
        );
    }
    if !a.key_moments.is_empty() {
        say!("\nKey moments:");
        for k in &a.key_moments {
            say!(
                "  {} {} {} ({}): \"{}\"",
                clock(k.at),
                k.kind,
                k.label,
                k.speaker,
                k.quote
            );
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in &a.trackers {
        *counts.entry(t.tracker.as_str()).or_default() += 1;
    }
    if !counts.is_empty() {
        let mut c: Vec<_> = counts.into_iter().collect();
        c.sort();
        say!(
            "\nTrackers: {}.",
            c.iter()
                .map(|(t, n)| format!("{t} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !a.action_items.is_empty() {
        say!("\nAction items:");
        for i in &a.action_items {
            say!(
                "  {} {}{}: \"{}\"",
                clock(i.at),
                i.owner,
                i.due
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
                i.text
            );
        }
    }
    if !a.summary.is_empty() {
        say!("\nSummary (the call's most central sentences):");
        for s in &a.summary {
            say!("  - {s}");
        }
    }
}

#[derive(Serialize, Default, Clone, Copy)]
struct Confusion {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Confusion {
    fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

#[derive(Serialize)]
struct QuestionScores {
    split: &'static str,
    meetings: usize,
    dialogue_acts: usize,
    questions: usize,
    roomwork: Confusion,
    roomwork_precision: f64,
    roomwork_recall: f64,
    roomwork_f1: f64,
    baseline: Confusion,
    baseline_precision: f64,
    baseline_recall: f64,
    baseline_f1: f64,
    /// roomwork on the same acts with every `?` removed (the baseline finds nothing there).
    without_marks_precision: f64,
    without_marks_recall: f64,
}

#[derive(Serialize)]
struct ActionScores {
    split: &'static str,
    meetings: usize,
    human_items: usize,
    extracted: usize,
    recall: f64,
    precision: f64,
    baseline_extracted: usize,
    baseline_recall: f64,
    baseline_precision: f64,
}

#[derive(Serialize)]
struct AmiReport {
    source: String,
    questions: Vec<QuestionScores>,
    action_items: Vec<ActionScores>,
    meetings_analysed: usize,
    turns: usize,
    analyse_seconds: f64,
}

const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "to", "of", "in", "on", "for", "with", "be", "will", "is",
    "are", "it", "that", "this", "we", "you", "they", "i", "he", "she", "what", "how", "their",
    "his", "her", "its", "our", "your", "have", "has", "do", "does", "about", "into", "at", "by",
    "from", "as", "more", "so", "um", "uh", "just", "going", "gonna", "work", "working", "look",
    "looking", "get", "also", "next", "meeting", "remote", "control", "them", "there", "some",
    "can", "would", "should", "which", "all", "up", "out", "then", "need", "make", "sure",
];

fn content(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .filter(|w| w.len() > 2 && !STOP.contains(&w.as_str()))
        .map(|w| w.trim_end_matches('s').to_string())
        .collect()
}

fn matches(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    a.intersection(b).count() >= 2
}

fn eval_ami(ctx: &Context, dir: &Path) -> anyhow::Result<()> {
    let acts_path = dir.join("dialogue_acts.tsv");
    let text = std::fs::read_to_string(&acts_path).with_context(|| {
        format!(
            "cannot read {} (the AMI corpus folder: pass its path)",
            acts_path.display()
        )
    })?;
    let vtt_dir = dir.join("vtt");
    let have: HashSet<String> = std::fs::read_dir(&vtt_dir)
        .with_context(|| format!("cannot read {}", vtt_dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".vtt"))
                .map(str::to_string)
        })
        .collect();
    // Questions: every dialogue act with words, in the meetings that have a transcript.
    let mut per: [(Confusion, Confusion, usize, HashSet<String>, Confusion); 2] =
        Default::default();
    for (n, line) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 10 {
            return Err(InvalidInput(format!(
                "{}: line {}: expected 10 tab-separated columns",
                acts_path.display(),
                n + 1
            ))
            .into());
        }
        let (meeting, da_type, words) = (cols[0], cols[6], cols[9].trim());
        if words.is_empty() || !have.contains(meeting) {
            continue;
        }
        // ES meetings tuned the rules; IS meetings measure them; any other series is left out.
        let split = match &meeting[..2.min(meeting.len())] {
            "ES" => 0,
            "IS" => 1,
            _ => continue,
        };
        let actual = da_type.starts_with("el.");
        let e = &mut per[split];
        e.0.add(is_question(words), actual);
        // As many live captions come: no question marks at all.
        e.4.add(is_question(&words.replace('?', "")), actual);
        e.1.add(words.ends_with('?'), actual);
        e.2 += usize::from(actual);
        e.3.insert(meeting.to_string());
    }
    let questions = per
        .iter()
        .zip([
            "dev (ES meetings, tuned on)",
            "test (IS meetings, measured)",
        ])
        .map(
            |((ours, base, q, meetings, unmarked), split)| QuestionScores {
                split,
                meetings: meetings.len(),
                dialogue_acts: ours.tp + ours.fp + ours.fn_ + ours.tn,
                questions: *q,
                roomwork: *ours,
                roomwork_precision: ours.precision(),
                roomwork_recall: ours.recall(),
                roomwork_f1: ours.f1(),
                baseline: *base,
                baseline_precision: base.precision(),
                baseline_recall: base.recall(),
                baseline_f1: base.f1(),
                without_marks_precision: unmarked.precision(),
                without_marks_recall: unmarked.recall(),
            },
        )
        .collect();
    // Action items: every meeting analysed, against the human summaries' action items.
    let summaries =
        std::fs::read_to_string(dir.join("abstractive_summaries.jsonl")).with_context(|| {
            format!(
                "cannot read {}",
                dir.join("abstractive_summaries.jsonl").display()
            )
        })?;
    let mut human: HashMap<String, Vec<String>> = HashMap::new();
    for (n, line) in summaries.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            InvalidInput(format!("abstractive_summaries.jsonl: line {}: {e}", n + 1))
        })?;
        let id = v["meeting_id"].as_str().unwrap_or_default().to_string();
        let actions = v["actions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        human.insert(id, actions);
    }
    let mut names: Vec<&String> = have.iter().collect();
    names.sort();
    let pb = output::bar(names.len() as u64, "meetings", false);
    if ctx.json {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let (mut seconds, mut turns) = (0.0, 0usize);
    // Per split: [dev (ES), test (IS)] x (human items, found, extracted, extracted right,
    // baseline extracted, baseline right, baseline found, meetings).
    let mut tally = [[0usize; 8]; 2];
    for name in &names {
        pb.inc(1);
        let path = vtt_dir.join(format!("{name}.vtt"));
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let started = Instant::now();
        let parsed = transcript::parse(&path.display().to_string(), &bytes)
            .map_err(|e| InvalidInput(e.to_string()))?;
        let a = roomwork_meetings::analyze(&parsed.turns, &Options::default());
        seconds += started.elapsed().as_secs_f64();
        turns += parsed.turns.len();
        let Some(items) = human.get(name.as_str()).filter(|i| !i.is_empty()) else {
            continue;
        };
        let k = usize::from(!name.starts_with("ES"));
        let [
            h_items,
            h_found,
            extracted,
            extracted_ok,
            b_extracted,
            b_ok,
            b_found,
            with_actions,
        ] = &mut tally[k];
        *with_actions += 1;
        let ours: Vec<HashSet<String>> = a.action_items.iter().map(|i| content(&i.text)).collect();
        // Baseline: every sentence with "will" or "going to" is an action item.
        let baseline: Vec<HashSet<String>> = parsed
            .turns
            .iter()
            .flat_map(|t| sentences(&t.text))
            .filter(|s| {
                let l = s.to_lowercase();
                l.contains(" will ") || l.contains("'ll ") || l.contains("going to")
            })
            .map(content)
            .collect();
        let theirs: Vec<HashSet<String>> = items.iter().map(|s| content(s)).collect();
        *h_items += theirs.len();
        *h_found += theirs
            .iter()
            .filter(|h| ours.iter().any(|o| matches(o, h)))
            .count();
        *b_found += theirs
            .iter()
            .filter(|h| baseline.iter().any(|o| matches(o, h)))
            .count();
        *extracted += ours.len();
        *extracted_ok += ours
            .iter()
            .filter(|o| theirs.iter().any(|h| matches(o, h)))
            .count();
        *b_extracted += baseline.len();
        *b_ok += baseline
            .iter()
            .filter(|o| theirs.iter().any(|h| matches(o, h)))
            .count();
    }
    pb.finish_and_clear();
    let rate = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    let report = AmiReport {
        source: format!(
            "AMI Meeting Corpus (CC BY 4.0, Carletta et al. 2005) at {}",
            dir.display()
        ),
        questions,
        action_items: tally
            .iter()
            .zip(["dev (ES meetings)", "test (IS meetings)"])
            .map(|(t, split)| {
                let [
                    h_items,
                    h_found,
                    extracted,
                    extracted_ok,
                    b_extracted,
                    b_ok,
                    b_found,
                    with,
                ] = *t;
                ActionScores {
                    split,
                    meetings: with,
                    human_items: h_items,
                    extracted,
                    recall: rate(h_found, h_items),
                    precision: rate(extracted_ok, extracted),
                    baseline_extracted: b_extracted,
                    baseline_recall: rate(b_found, h_items),
                    baseline_precision: rate(b_ok, b_extracted),
                }
            })
            .collect(),
        meetings_analysed: names.len(),
        turns,
        analyse_seconds: seconds,
    };
    if ctx.json {
        return output::json(&report);
    }
    say!("Data: {}.", report.source);
    say!("Question detection against the human dialogue-act labels (el.* = a question):");
    say!(
        "{}",
        output::table(
            &[
                "split",
                "meetings",
                "acts",
                "questions",
                "roomwork P",
                "R",
                "F1",
                "ends with ? P",
                "R",
                "F1",
                "no marks: roomwork P",
                "R"
            ],
            report.questions.iter().map(|q| vec![
                q.split.to_string(),
                q.meetings.to_string(),
                q.dialogue_acts.to_string(),
                q.questions.to_string(),
                format!("{:.3}", q.roomwork_precision),
                format!("{:.3}", q.roomwork_recall),
                format!("{:.3}", q.roomwork_f1),
                format!("{:.3}", q.baseline_precision),
                format!("{:.3}", q.baseline_recall),
                format!("{:.3}", q.baseline_f1),
                format!("{:.3}", q.without_marks_precision),
                format!("{:.3}", q.without_marks_recall),
            ])
        )
    );
    say!(
        "Action items against the human summaries' action items (a match shares two content words with a human item):"
    );
    say!(
        "{}",
        output::table(
            &[
                "split",
                "meetings",
                "human items",
                "roomwork extracted",
                "recall",
                "precision",
                "\"will / going to\" extracted",
                "recall",
                "precision",
            ],
            report.action_items.iter().map(|ai| vec![
                ai.split.to_string(),
                ai.meetings.to_string(),
                ai.human_items.to_string(),
                ai.extracted.to_string(),
                percent(ai.recall),
                percent(ai.precision),
                ai.baseline_extracted.to_string(),
                percent(ai.baseline_recall),
                percent(ai.baseline_precision),
            ])
        )
    );
    say!(
        "Analysed {} meetings ({} turns) in {:.2} s (parse and analysis, one thread).",
        report.meetings_analysed,
        report.turns,
        report.analyse_seconds
    );
    Ok(())
}
