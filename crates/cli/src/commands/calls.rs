//! Stored calls: `roomwork meetings import|refresh|list|show|reps`. A call's transcript is kept
//! as uploaded and its analysis stored next to it (`Store::calls_write`); the account's health
//! and the deal's risk signals follow from what the call raised, and the copilot prepares the
//! call's proposals in the inbox.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::Context as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use roomwork_domain::{
    Account, AccountId, Contact, Health, Opportunity, OpportunityId, Rep, Transcript, TranscriptId,
};
use roomwork_ingest::transcript::{self, Party};
use roomwork_meetings::analyze::{Analysis, Benchmarks, Options, Side};
use roomwork_store::{AuditEntry, CallRecord, CallsWrite, Store};
use serde::Serialize;

use super::Context;
use super::copilot;
use super::meetings::{Analysed, print, rep_labels};
use super::policy::find_account;
use crate::exit::InvalidInput;
use crate::output::{self, percent, say};

/// `DATA_DIR/meetings.toml`'s benchmark ranges (every key optional), or the defaults.
pub fn benchmarks(ctx: &Context) -> anyhow::Result<Benchmarks> {
    #[derive(serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        benchmarks: Benchmarks,
    }
    let path = ctx.data_dir.join("meetings.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str::<File>(&text)
            .map(|f| f.benchmarks)
            .and_then(|b| {
                let bad = |key: &str, why: &str| {
                    Err(<toml::de::Error as serde::de::Error>::custom(format!(
                        "[benchmarks] {key}: {why}"
                    )))
                };
                let (lo, hi) = b.talk_ratio;
                if !(0.0..=1.0).contains(&lo) || !(0.0..=1.0).contains(&hi) || lo > hi {
                    return bad(
                        "talk_ratio",
                        "two shares between 0 and 1, the lower first (0.38, not 38)",
                    );
                }
                if b.discovery_questions.0 > b.discovery_questions.1 {
                    return bad("discovery_questions", "the fewer first");
                }
                if b.longest_monologue_seconds.is_nan() || b.longest_monologue_seconds <= 0.0 {
                    return bad("longest_monologue_seconds", "a number of seconds above 0");
                }
                if b.patience_seconds.is_nan() || b.patience_seconds < 0.0 {
                    return bad("patience_seconds", "a number of seconds, 0 or more");
                }
                Ok(b)
            })
            .map_err(|e| {
                InvalidInput(format!(
                    "{}: {}",
                    path.display(),
                    e.to_string().trim().replace('\n', " ")
                ))
                .into()
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Benchmarks::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// A call type as given (`--call-type Discovery `): trimmed, lower case, spaces as hyphens.
fn normal_type(t: &str) -> Option<String> {
    let t = t.trim().to_lowercase().replace([' ', '_'], "-");
    (!t.is_empty()).then_some(t)
}

/// "Discovery call: Stonebridge Dairy" for a type and an account.
fn title_of(kind: Option<&str>, account: &str) -> String {
    let kind = kind.map_or_else(
        || "Call".to_string(),
        |k| {
            format!(
                "{} call",
                roomwork_meetings::notes::tidy(&k.replace('-', " "))
            )
        },
    );
    format!("{kind}: {account}")
}

/// How long a call's word on an account's health counts: an older call raises nothing.
const HEALTH_WINDOW_DAYS: i64 = 30;

/// `discovery`, `negotiation`, `complaint`, ... from a title such as "Discovery call: X" (the
/// part before the colon, so that an account named "Renewal Energy" is not a renewal call).
fn call_type_of(title: &str) -> Option<String> {
    let t = title.split(':').next().unwrap_or(title).to_lowercase();
    [
        "discovery",
        "negotiation",
        "complaint",
        "account review",
        "demo",
        "renewal",
        "qbr",
    ]
    .into_iter()
    .find(|k| t.contains(k))
    .map(|k| k.replace(' ', "-"))
}

/// Everything the analysis of one stored call produced.
struct Prepared {
    analysis: Analysis,
    record: CallRecord,
    reps: Vec<String>,
    names: HashMap<String, String>,
    contacts: HashMap<String, Contact>,
    health: Option<(AccountId, Health, String)>,
}

/// What one call does to its account's health: a complaint puts it at risk; two or more
/// different deal risks put a healthy account on watch. A call more than
/// [`HEALTH_WINDOW_DAYS`] before `today` raises nothing: an old recording does not undo a
/// person's later judgement of the account.
fn health_from(
    a: &Analysis,
    account: AccountId,
    day: NaiveDate,
    today: NaiveDate,
) -> Option<(AccountId, Health, String)> {
    if (today - day).num_days() > HEALTH_WINDOW_DAYS {
        return None;
    }
    let day = day.format("%-d %b %Y");
    if let Some(c) = a.risks.iter().find(|r| r.label == "complaint") {
        return Some((
            account,
            Health::AtRisk,
            format!("complaint on the call of {day}: \"{}\"", c.quote),
        ));
    }
    let labels: Vec<&str> = {
        let mut l: Vec<&str> = a.risks.iter().map(|r| r.label.as_str()).collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    (labels.len() >= 2).then(|| {
        (
            account,
            Health::Watch,
            format!(
                "the call of {day} raised {}",
                labels
                    .iter()
                    .map(|l| l.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// Analyses one call: speakers matched to our reps (and `extra` labels) and to the account's
/// contacts.
#[allow(clippy::too_many_arguments)]
fn prepare(
    parsed: &transcript::Parsed,
    t: &Transcript,
    account: &Account,
    reps: &[Rep],
    contacts: &[Contact],
    extra: &[String],
    call_type: Option<String>,
    competitors: &[String],
    benchmarks: &Benchmarks,
) -> Prepared {
    let mut rep_side: Vec<String> = extra.to_vec();
    let mut names = HashMap::new();
    let mut matched = HashMap::new();
    let mut first_rep = None;
    let labels: HashSet<&str> = parsed.turns.iter().map(|x| x.speaker.as_str()).collect();
    let mut labels: Vec<&str> = labels.into_iter().collect();
    labels.sort_unstable();
    for label in labels {
        match transcript::match_speaker(label, reps, contacts) {
            Party::Rep(id) => {
                rep_side.push(label.to_string());
                first_rep.get_or_insert(id);
                if let Some(r) = reps.iter().find(|r| r.id == id) {
                    names.insert(label.to_string(), r.name.clone());
                }
            }
            Party::Contact(id) => {
                if let Some(c) = contacts.iter().find(|c| c.id == id) {
                    names.insert(label.to_string(), c.name.clone());
                    matched.insert(label.to_string(), c.clone());
                }
            }
            Party::Unknown => {}
        }
    }
    rep_side.sort();
    rep_side.dedup();
    // A contact named as a rep by --rep is a rep on this call.
    for r in &rep_side {
        matched.remove(r);
    }
    let opts = Options {
        reps: rep_side.clone(),
        competitors: competitors.to_vec(),
        call_type: call_type.clone(),
        benchmarks: benchmarks.clone(),
        estimated_times: parsed.estimated_times,
    };
    let analysis = roomwork_meetings::analyze(&parsed.turns, &opts);
    let m = &analysis.metrics;
    let mut people: Vec<String> = analysis
        .turns
        .iter()
        .filter(|x| x.side == Side::Customer)
        .map(|x| {
            names
                .get(&x.speaker)
                .cloned()
                .unwrap_or_else(|| x.speaker.clone())
        })
        .collect();
    people.sort();
    people.dedup();
    let mut risks: Vec<String> = analysis.risks.iter().map(|r| r.label.clone()).collect();
    risks.sort();
    risks.dedup();
    let record = CallRecord {
        transcript_id: t.id,
        occurred_at: t.occurred_at,
        analysed_at: Utc::now(),
        rep_id: t.rep_id.or(first_rep).or(account.owner),
        account_id: Some(account.id),
        opportunity_id: t.opportunity_id,
        call_type,
        duration_seconds: m.duration_seconds.max(0.0),
        rep_talk_ratio: m.rep_talk_ratio,
        rep_questions: m.rep_questions.map(|n| n as i64),
        customer_questions: m.customer_questions.map(|n| n as i64),
        longest_monologue_seconds: m.longest_monologue.as_ref().map(|s| s.seconds),
        longest_story_seconds: m.longest_customer_story.as_ref().map(|s| s.seconds),
        patience_seconds: m.patience_seconds,
        interactivity: m.interactivity,
        customer_people: people,
        risks,
        trust_repair: analysis.trust_repair,
        analysis: String::new(),
    };
    let health = health_from(
        &analysis,
        account.id,
        t.occurred_at.date_naive(),
        Utc::now().date_naive(),
    );
    Prepared {
        analysis,
        record,
        reps: rep_side,
        names,
        contacts: matched,
        health,
    }
}

fn when(at: Option<&str>) -> anyhow::Result<DateTime<Utc>> {
    let Some(at) = at else {
        return Ok(Utc::now());
    };
    if let Ok(d) = NaiveDate::parse_from_str(at.trim(), "%Y-%m-%d") {
        return Ok(d.and_hms_opt(12, 0, 0).expect("noon").and_utc());
    }
    DateTime::parse_from_rfc3339(at.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| InvalidInput(format!("--at {at:?}: expected YYYY-MM-DD or RFC 3339")).into())
}

/// What `meetings import` was asked.
pub struct ImportRequest<'a> {
    pub file: &'a Path,
    pub account: &'a str,
    pub opportunity: Option<&'a str>,
    pub reps: &'a [String],
    pub call_type: Option<String>,
    pub at: Option<&'a str>,
    pub by: &'a str,
    pub copilot: bool,
    pub engine: Option<&'a str>,
}

#[derive(Serialize)]
struct Imported<'a> {
    transcript_id: TranscriptId,
    imported_before: bool,
    account: &'a str,
    deal: Option<&'a str>,
    health: Option<&'a (AccountId, Health, String)>,
    /// Customer people who spoke on any analysed call of the deal.
    deal_people: Vec<String>,
    /// The deal's risk signals after the call (the call's buying signals are `signals`).
    deal_signals: Vec<String>,
    proposals: &'a [copilot::Proposed],
    #[serde(flatten)]
    call: &'a Analysed,
}

pub async fn import(ctx: &Context, r: ImportRequest<'_>) -> anyhow::Result<()> {
    let parsed = super::meetings::read(r.file)?;
    let content = String::from_utf8_lossy(
        &std::fs::read(r.file).with_context(|| format!("cannot read {}", r.file.display()))?,
    )
    .into_owned();
    let occurred_at = when(r.at)?;
    let foundation = ctx.foundation()?;
    let benchmarks = benchmarks(ctx)?;
    let extra = rep_labels(&r.file.display().to_string(), &parsed.turns, r.reps)?;
    let catalog = foundation.stage_catalog();
    let llm = super::engine::open(ctx, r.engine)?;
    let (account, deal, reps, contacts, earlier) = ctx
        .with_store(async |store| {
            let account = find_account(store, r.account).await?;
            let deals: Vec<Opportunity> = store
                .opportunities(true)
                .await?
                .into_iter()
                .filter(|o| o.account_id == Some(account.id))
                .collect();
            // The same file for the same account again: analysed again, not stored twice.
            let earlier = store
                .transcripts()
                .await?
                .into_iter()
                .find(|t| t.account_id == Some(account.id) && t.content == content);
            let deal = match r.opportunity {
                Some(key) => Some(
                    deals
                        .iter()
                        .find(|o| o.id.to_string() == key || o.name.eq_ignore_ascii_case(key))
                        .cloned()
                        .ok_or_else(|| {
                            InvalidInput(format!("{} has no deal {key:?}", account.name))
                        })?,
                ),
                // A call imported before keeps its deal.
                None if earlier.as_ref().is_some_and(|e| e.opportunity_id.is_some()) => deals
                    .iter()
                    .find(|o| Some(o.id) == earlier.as_ref().and_then(|e| e.opportunity_id))
                    .cloned(),
                None => {
                    let open: Vec<&Opportunity> = deals
                        .iter()
                        .filter(|o| !catalog.is_closed(&o.stage))
                        .collect();
                    match open.as_slice() {
                        [one] => Some((*one).clone()),
                        _ => None,
                    }
                }
            };
            let contacts: Vec<Contact> = store
                .contacts()
                .await?
                .into_iter()
                .filter(|c| c.account_id == Some(account.id))
                .collect();
            Ok((account, deal, store.reps().await?, contacts, earlier))
        })
        .await?;
    let file_name = r.file.file_name().map_or_else(
        || r.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let kind = r.call_type.as_deref().and_then(normal_type);
    let again = earlier.is_some();
    let t = Transcript {
        id: earlier.as_ref().map_or_else(TranscriptId::new, |e| e.id),
        title: title_of(kind.as_deref(), &account.name),
        account_id: Some(account.id),
        opportunity_id: deal.as_ref().map(|d| d.id),
        rep_id: None,
        file_name: file_name.clone(),
        content,
        occurred_at: earlier.as_ref().map_or(occurred_at, |e| e.occurred_at),
        uploaded_at: earlier.as_ref().map_or_else(Utc::now, |e| e.uploaded_at),
    };
    let occurred_at = t.occurred_at;
    let mut p = prepare(
        &parsed,
        &t,
        &account,
        &reps,
        &contacts,
        &extra,
        kind.clone(),
        foundation.competitors(),
        &benchmarks,
    );
    let mut t = t;
    t.rep_id = p.record.rep_id;
    let day = occurred_at.date_naive();
    let mut used_line = None;
    if let Some(llm) = &llm {
        let (prompt, masked) =
            roomwork_drafting::call_summary::prompt(&p.analysis.turns, &account.name, &llm.privacy);
        let turns = p.analysis.turns.clone();
        let (bullets, used) = llm
            .ask(&prompt, false, &masked, |text| {
                roomwork_drafting::call_summary::from_model(&masked.restore(text), &turns, day)
            })
            .await;
        p.analysis.abstractive_summary = bullets;
        used_line = used.describe().or_else(|| {
            used.fallback
                .as_ref()
                .map(|f| format!("No abstractive summary: {f}"))
        });
    }
    p.record.analysis = serde_json::to_string(&p.analysis)?;
    // A new call is logged on the account as a conversation the customer took part in (so
    // the deal's "no activity" and "ghosted" signals see it), with the first customer speaker
    // matched to a contact.
    let contact = p
        .analysis
        .turns
        .iter()
        .find_map(|x| p.contacts.get(&x.speaker))
        .map(|c| c.id);
    let logged = (!again).then(|| roomwork_domain::Activity {
        id: roomwork_domain::ActivityId::new(),
        ext_key: None,
        kind: roomwork_domain::ActivityKind::Call,
        direction: roomwork_domain::Direction::Inbound,
        ai_assisted: false,
        account_id: Some(account.id),
        contact_id: contact,
        opportunity_id: deal.as_ref().map(|d| d.id),
        rep_id: p.record.rep_id,
        occurred_at,
        duration_minutes: Some((p.record.duration_seconds / 60.0).ceil() as u32),
        subject: format!("Recorded call: {}", t.title),
        body: Some(p.analysis.summary.join("\n")),
    });
    let detail = serde_json::json!({
        "file": file_name,
        "deal": deal.as_ref().map(|d| d.id),
        "risks": p.record.risks,
        "trust_repair": p.record.trust_repair,
        "health": p.health.as_ref().map(|h| h.1),
    });
    let (account, signals, deal_people) = ctx
        .with_store(async |store| {
            store
                .calls_write(
                    CallsWrite {
                        transcripts: std::slice::from_ref(&t),
                        calls: std::slice::from_ref(&p.record),
                        activities: logged.as_slice(),
                        health: p.health.as_slice(),
                    },
                    &AuditEntry::new(r.by, "meetings.import", account.name.clone(), detail),
                )
                .await?;
            let mut signals = Vec::new();
            if let Some(d) = &deal {
                super::pipeline::refresh_after(ctx, store, HashSet::from([d.id])).await;
                signals = store
                    .deal_signals()
                    .await?
                    .into_iter()
                    .filter(|s| s.opportunity_id == d.id)
                    .map(|s| format!("{}: {}", s.signal, s.detail))
                    .collect();
            }
            let people = match &deal {
                Some(d) => deal_people(store, d.id).await?,
                None => Vec::new(),
            };
            Ok((store.account(account.id).await?, signals, people))
        })
        .await?;
    // A closed deal is the call's context, not something to change.
    let open_deal = deal.as_ref().filter(|d| !catalog.is_closed(&d.stage));
    let proposals = if r.copilot && !again {
        copilot::propose(
            ctx,
            &copilot::Call {
                analysis: &p.analysis,
                account: &account,
                deal: open_deal,
                transcript: t.id,
                contacts: &p.contacts,
                names: &p.names,
                call_type: kind.as_deref(),
                by: r.by,
                day,
                source: &file_name,
            },
        )
        .await?
    } else {
        Vec::new()
    };
    let call = Analysed {
        file: r.file.display().to_string(),
        format: parsed.format,
        estimated_times: parsed.estimated_times,
        repaired_cues: parsed.repaired,
        reps: p.reps.clone(),
        analysis: p.analysis.clone(),
    };
    if ctx.json {
        return output::json(&Imported {
            transcript_id: t.id,
            imported_before: again,
            account: &account.name,
            deal: deal.as_ref().map(|d| d.name.as_str()),
            health: p.health.as_ref(),
            deal_people,
            deal_signals: signals,
            proposals: &proposals,
            call: &call,
        });
    }
    print(&call);
    if let Some(b) = &p.analysis.abstractive_summary {
        say!("\nAbstractive summary (checked against the call):");
        for line in b {
            say!("  - {line}");
        }
    }
    if let Some(line) = used_line {
        say!("{line}");
    }
    if again {
        say!(
            "\nThis transcript was imported before: its analysis was replaced and nothing was stored twice; the copilot was not run again (`roomwork meetings propose CALL` runs it)."
        );
    }
    say!(
        "\nStored as call {} on {}{}.",
        t.id,
        account.name,
        deal.as_ref()
            .map(|d| format!(", deal {:?}", d.name))
            .unwrap_or_else(
                || " (no deal: give --opportunity when the account has several open)".into()
            )
    );
    if let Some((_, h, why)) = &p.health {
        say!(
            "Account health: {} ({why}); now {}.",
            h.as_str(),
            account.health.as_str()
        );
    }
    if !deal_people.is_empty() {
        say!(
            "Customer people engaged across the deal's calls: {} ({}).",
            deal_people.len(),
            deal_people.join(", ")
        );
    }
    for s in &signals {
        say!("Deal signal: {s}");
    }
    say_proposals(&proposals);
    Ok(())
}

/// The customer people who spoke on any analysed call of the deal.
async fn deal_people(store: &dyn Store, deal: OpportunityId) -> anyhow::Result<Vec<String>> {
    let mut people: Vec<String> = store
        .calls(false)
        .await?
        .into_iter()
        .filter(|c| c.opportunity_id == Some(deal))
        .flat_map(|c| c.customer_people)
        .collect();
    people.sort();
    people.dedup();
    Ok(people)
}

/// The speaker labels an analysis read as our reps, each once.
fn rep_labels_of(a: &Analysis) -> Vec<String> {
    let mut reps: Vec<String> = a
        .turns
        .iter()
        .filter(|x| x.side == Side::Rep)
        .map(|x| x.speaker.clone())
        .collect();
    reps.sort();
    reps.dedup();
    reps
}

/// What an earlier analysis of a call knew: its rep labels, call type and abstractive summary.
type Known = (Vec<String>, Option<String>, Option<Vec<String>>);

/// What analysing every stored transcript did.
#[derive(Debug, Default, Serialize)]
pub struct AnalysedAll {
    pub analysed: usize,
    pub trust_repair: usize,
    /// Transcripts that could not be read, with why.
    pub failed: Vec<String>,
    /// (account, health, why) raised.
    pub health: Vec<(AccountId, Health, String)>,
    /// Deals the calls are on.
    #[serde(skip)]
    pub deals: HashSet<OpportunityId>,
}

/// Analyses every stored transcript and stores the analyses (and the account health they
/// raise) in one transaction.
pub async fn analyse_all(ctx: &Context, store: &dyn Store) -> anyhow::Result<AnalysedAll> {
    let foundation = ctx.foundation()?;
    let benchmarks = benchmarks(ctx)?;
    let transcripts = store.transcripts().await?;
    let accounts: HashMap<AccountId, Account> = store
        .accounts()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let reps = store.reps().await?;
    let contacts = store.contacts().await?;
    // What an earlier analysis knew that the file does not say: who the reps were (a --rep
    // given at import), the call type, and a provider's abstractive summary.
    let stored: HashMap<TranscriptId, Known> = store
        .calls(true)
        .await?
        .into_iter()
        .filter_map(|c| {
            let a: Analysis = serde_json::from_str(&c.analysis).ok()?;
            Some((
                c.transcript_id,
                (rep_labels_of(&a), c.call_type, a.abstractive_summary),
            ))
        })
        .collect();
    let pb = output::bar(transcripts.len() as u64, "calls", false);
    if ctx.json {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut records = Vec::new();
    let mut out = AnalysedAll::default();
    for t in &transcripts {
        pb.inc(1);
        let Some(account) = t.account_id.and_then(|id| accounts.get(&id)) else {
            out.failed.push(format!("{}: on no account", t.file_name));
            continue;
        };
        let parsed = match transcript::parse(&t.file_name, t.content.as_bytes()) {
            Ok(p) => p,
            Err(e) => {
                out.failed.push(e.to_string());
                continue;
            }
        };
        let theirs: Vec<Contact> = contacts
            .iter()
            .filter(|c| c.account_id == Some(account.id))
            .cloned()
            .collect();
        let (known_reps, kind, summary) = match stored.get(&t.id) {
            Some((r, k, a)) => (
                r.clone(),
                k.clone().or_else(|| call_type_of(&t.title)),
                a.clone(),
            ),
            None => (Vec::new(), call_type_of(&t.title), None),
        };
        // A stored rep label no longer in the file is dropped rather than refused.
        let known_reps: Vec<String> = known_reps
            .into_iter()
            .filter(|r| parsed.turns.iter().any(|x| &x.speaker == r))
            .collect();
        let mut p = prepare(
            &parsed,
            t,
            account,
            &reps,
            &theirs,
            &known_reps,
            kind,
            foundation.competitors(),
            &benchmarks,
        );
        p.analysis.abstractive_summary = summary;
        p.record.analysis = serde_json::to_string(&p.analysis)?;
        out.deals.extend(t.opportunity_id);
        out.trust_repair += usize::from(p.record.trust_repair);
        records.push(p.record);
        out.health.extend(p.health);
    }
    pb.finish_and_clear();
    // Per account, the most severe raise of its recent calls (transcripts come newest first,
    // so among equals the newest call's reason is kept).
    let mut best: HashMap<AccountId, (Health, String)> = HashMap::new();
    for (a, h, why) in std::mem::take(&mut out.health) {
        let severity = |h: Health| match h {
            Health::AtRisk => 2,
            Health::Watch => 1,
            Health::Healthy => 0,
        };
        match best.get(&a) {
            Some((b, _)) if severity(*b) >= severity(h) => {}
            _ => {
                best.insert(a, (h, why));
            }
        }
    }
    out.health = best.into_iter().map(|(a, (h, w))| (a, h, w)).collect();
    out.health.sort_by(|x, y| x.2.cmp(&y.2));
    out.analysed = records.len();
    store
        .calls_write(
            CallsWrite {
                transcripts: &[],
                calls: &records,
                activities: &[],
                health: &out.health,
            },
            &AuditEntry::new(
                "roomwork",
                "meetings.refresh",
                "calls",
                serde_json::json!({"analysed": records.len(), "failed": out.failed.len()}),
            ),
        )
        .await?;
    Ok(out)
}

/// `meetings refresh`: every stored transcript analysed again and stored; the deals' signals
/// follow.
pub async fn refresh_all(ctx: &Context) -> anyhow::Result<()> {
    ctx.with_store(async |store| {
        let done = analyse_all(ctx, store).await?;
        super::pipeline::refresh_after(ctx, store, done.deals.clone()).await;
        if ctx.json {
            return output::json(&done);
        }
        let names: HashMap<AccountId, String> = store
            .accounts()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        say!(
            "Analysed and stored {} calls ({} raised a complaint).",
            done.analysed,
            done.trust_repair
        );
        for (a, h, why) in &done.health {
            let name = names.get(a).map_or("?", String::as_str);
            say!("  {name}: {} ({why})", h.as_str());
        }
        for f in &done.failed {
            say!("  not analysed: {f}");
        }
        Ok(())
    })
    .await
}

#[derive(Serialize)]
struct ListRow {
    id: TranscriptId,
    day: NaiveDate,
    account: String,
    rep: String,
    call_type: Option<String>,
    minutes: f64,
    rep_talk_ratio: Option<f64>,
    rep_questions: Option<i64>,
    customer_questions: Option<i64>,
    customer_people: Vec<String>,
    risks: Vec<String>,
    trust_repair: bool,
}

pub async fn list(ctx: &Context, account: Option<&str>, rep: Option<&str>) -> anyhow::Result<()> {
    ctx.with_store(async |store| {
        let only = match account {
            Some(k) => Some(find_account(store, k).await?.id),
            None => None,
        };
        let accounts: HashMap<AccountId, String> = store
            .accounts()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let reps: HashMap<_, _> = store
            .reps()
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let rows: Vec<ListRow> = store
            .calls(false)
            .await?
            .into_iter()
            .filter(|c| only.is_none() || c.account_id == only)
            .map(|c| ListRow {
                id: c.transcript_id,
                day: c.occurred_at.date_naive(),
                account: c
                    .account_id
                    .and_then(|a| accounts.get(&a).cloned())
                    .unwrap_or_default(),
                rep: c
                    .rep_id
                    .and_then(|r| reps.get(&r).cloned())
                    .unwrap_or_default(),
                call_type: c.call_type,
                minutes: c.duration_seconds / 60.0,
                rep_talk_ratio: c.rep_talk_ratio,
                rep_questions: c.rep_questions,
                customer_questions: c.customer_questions,
                customer_people: c.customer_people,
                risks: c.risks,
                trust_repair: c.trust_repair,
            })
            .filter(|r| rep.is_none_or(|n| r.rep.eq_ignore_ascii_case(n.trim())))
            .collect();
        if ctx.json {
            return output::json(&rows);
        }
        if rows.is_empty() {
            say!("No analysed calls. `roomwork meetings import FILE --account A` stores one; `roomwork meetings refresh` analyses the stored transcripts.");
            return Ok(());
        }
        let opt = |x: Option<i64>| x.map_or("-".into(), |n| n.to_string());
        say!(
            "{}",
            output::table(
                &["call", "day", "account", "rep", "type", "min", "talk", "rep q", "cust q", "people", "risks"],
                rows.iter().map(|r| vec![
                    r.id.to_string()[..8].to_string(),
                    r.day.to_string(),
                    r.account.clone(),
                    r.rep.clone(),
                    r.call_type.clone().unwrap_or_default(),
                    format!("{:.0}", r.minutes),
                    r.rep_talk_ratio.map_or("-".into(), percent),
                    opt(r.rep_questions),
                    opt(r.customer_questions),
                    r.customer_people.len().to_string(),
                    if r.trust_repair {
                        format!("COMPLAINT {}", r.risks.join(", "))
                    } else {
                        r.risks.join(", ")
                    },
                ])
            )
        );
        Ok(())
    })
    .await
}

/// A stored call by its id or the id's start: the record, its analysis, its transcript as
/// uploaded and parsed, and the rep labels the analysis used.
async fn stored_call(
    store: &dyn Store,
    key: &str,
) -> anyhow::Result<(
    CallRecord,
    Analysis,
    Transcript,
    transcript::Parsed,
    Vec<String>,
)> {
    let calls = store.calls(true).await?;
    let key = key.trim().to_lowercase();
    let mut hits = calls
        .into_iter()
        .filter(|c| c.transcript_id.to_string().starts_with(&key));
    let c = match (hits.next(), hits.next()) {
        (Some(one), None) => one,
        (None, _) => {
            return Err(InvalidInput(format!(
                "no analysed call {key:?} (`roomwork meetings list`)"
            ))
            .into());
        }
        (Some(_), Some(_)) => {
            return Err(InvalidInput(format!(
                "{key:?} is the start of several calls: give more of the id"
            ))
            .into());
        }
    };
    let analysis: Analysis = serde_json::from_str(&c.analysis).with_context(|| {
        format!(
            "the stored analysis of call {} cannot be read",
            c.transcript_id
        )
    })?;
    let t = store
        .transcripts()
        .await?
        .into_iter()
        .find(|t| t.id == c.transcript_id)
        .ok_or_else(|| {
            InvalidInput(format!("call {} has no stored transcript", c.transcript_id))
        })?;
    let parsed = transcript::parse(&t.file_name, t.content.as_bytes())
        .map_err(|e| InvalidInput(e.to_string()))?;
    let reps = rep_labels_of(&analysis);
    Ok((c, analysis, t, parsed, reps))
}

/// `meetings propose`: the copilot on a stored call.
pub async fn propose(ctx: &Context, key: &str, by: &str) -> anyhow::Result<()> {
    let proposals = proposals(ctx, key, by).await?;
    if ctx.json {
        return output::json(&proposals);
    }
    say_proposals(&proposals);
    Ok(())
}

/// The copilot's proposals for a stored call (drafts into the inbox), without printing.
pub async fn proposals(
    ctx: &Context,
    key: &str,
    by: &str,
) -> anyhow::Result<Vec<copilot::Proposed>> {
    let foundation = ctx.foundation()?;
    let benchmarks = benchmarks(ctx)?;
    let (c, analysis, t, parsed, reps_used, account, deal, reps, contacts) = ctx
        .with_store(async |store| {
            let (c, analysis, t, parsed, reps_used) = stored_call(store, key).await?;
            let account = match c.account_id {
                Some(a) => store.account(a).await?,
                None => {
                    return Err(
                        InvalidInput(format!("call {} is on no account", c.transcript_id)).into(),
                    );
                }
            };
            let deal = match c.opportunity_id {
                Some(d) => Some(store.opportunity(d).await?),
                None => None,
            };
            let contacts: Vec<Contact> = store
                .contacts()
                .await?
                .into_iter()
                .filter(|x| x.account_id == Some(account.id))
                .collect();
            Ok((
                c,
                analysis,
                t,
                parsed,
                reps_used,
                account,
                deal,
                store.reps().await?,
                contacts,
            ))
        })
        .await?;
    let p = prepare(
        &parsed,
        &t,
        &account,
        &reps,
        &contacts,
        &reps_used,
        c.call_type.clone(),
        foundation.competitors(),
        &benchmarks,
    );
    let catalog = foundation.stage_catalog();
    let deal = deal.filter(|d| !catalog.is_closed(&d.stage));
    copilot::propose(
        ctx,
        &copilot::Call {
            // The stored analysis (with any abstractive summary), the speakers matched anew.
            analysis: &analysis,
            account: &account,
            deal: deal.as_ref(),
            transcript: t.id,
            contacts: &p.contacts,
            names: &p.names,
            call_type: c.call_type.as_deref(),
            by,
            day: c.occurred_at.date_naive(),
            source: &t.file_name,
        },
    )
    .await
}

fn say_proposals(proposals: &[copilot::Proposed]) {
    for p in proposals {
        match (&p.draft, &p.not_drafted) {
            (Some(id), _) => say!(
                "Copilot: {} waiting for approval: {} ({id})",
                p.kind,
                p.subject
            ),
            (None, Some(why)) => say!("Copilot: no {}: {why}", p.kind),
            _ => {}
        }
    }
    if proposals.iter().any(|p| p.draft.is_some()) {
        say!("Approve, edit or reject each: `roomwork inbox list`, `roomwork inbox approve ID`.");
    }
}

pub async fn show(ctx: &Context, key: &str) -> anyhow::Result<()> {
    ctx.with_store(async |store| {
        let (c, analysis, t, parsed, reps) = stored_call(store, key).await?;
        let people = match c.opportunity_id {
            Some(d) => deal_people(store, d).await?,
            None => Vec::new(),
        };
        let out = Analysed {
            file: t.title.clone(),
            format: parsed.format,
            estimated_times: parsed.estimated_times,
            repaired_cues: parsed.repaired,
            reps,
            analysis,
        };
        if ctx.json {
            return output::json(&serde_json::json!({
                "transcript_id": c.transcript_id,
                "occurred_at": c.occurred_at,
                "deal_people": people,
                "call": out,
            }));
        }
        print(&out);
        if let Some(b) = &out.analysis.abstractive_summary {
            say!("\nAbstractive summary (checked against the call):");
            for line in b {
                say!("  - {line}");
            }
        }
        if !people.is_empty() {
            say!(
                "\nCustomer people engaged across the deal's calls: {} ({}).",
                people.len(),
                people.join(", ")
            );
        }
        Ok(())
    })
    .await
}

#[derive(Serialize, Default)]
struct RepPeriod {
    rep: String,
    period: NaiveDate,
    calls: usize,
    avg_rep_talk_ratio: Option<f64>,
    talk_ratio_within: usize,
    avg_rep_questions: Option<f64>,
    discovery_calls: usize,
    discovery_questions_within: usize,
    avg_longest_monologue_seconds: Option<f64>,
    avg_patience_seconds: Option<f64>,
    avg_interactivity: f64,
    trust_repair_calls: usize,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

pub async fn reps(ctx: &Context, by: &str) -> anyhow::Result<()> {
    let period = |d: NaiveDate| -> anyhow::Result<NaiveDate> {
        match by {
            "month" => Ok(d.with_day(1).expect("day 1")),
            "week" => Ok(d - Duration::days(i64::from(d.weekday().num_days_from_monday()))),
            other => Err(InvalidInput(format!("--by {other:?}: month or week")).into()),
        }
    };
    let b = benchmarks(ctx)?;
    ctx.with_store(async |store| {
        let names: HashMap<_, _> = store
            .reps()
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let mut groups: BTreeMap<(String, NaiveDate), Vec<CallRecord>> = BTreeMap::new();
        for c in store.calls(false).await? {
            let rep = c
                .rep_id
                .and_then(|r| names.get(&r).cloned())
                .unwrap_or_else(|| "(no rep)".into());
            groups
                .entry((rep, period(c.occurred_at.date_naive())?))
                .or_default()
                .push(c);
        }
        let rows: Vec<RepPeriod> = groups
            .into_iter()
            .map(|((rep, period), calls)| {
                let talk: Vec<f64> = calls.iter().filter_map(|c| c.rep_talk_ratio).collect();
                let questions: Vec<f64> =
                    calls.iter().filter_map(|c| c.rep_questions.map(|q| q as f64)).collect();
                let discovery: Vec<&CallRecord> = calls
                    .iter()
                    .filter(|c| c.call_type.as_deref() == Some("discovery"))
                    .collect();
                let (lo, hi) = b.discovery_questions;
                RepPeriod {
                    rep,
                    period,
                    calls: calls.len(),
                    avg_rep_talk_ratio: mean(&talk),
                    talk_ratio_within: talk
                        .iter()
                        .filter(|t| (b.talk_ratio.0..=b.talk_ratio.1).contains(*t))
                        .count(),
                    avg_rep_questions: mean(&questions),
                    discovery_calls: discovery.len(),
                    discovery_questions_within: discovery
                        .iter()
                        .filter(|c| {
                            c.rep_questions
                                .is_some_and(|q| (i64::from(lo)..=i64::from(hi)).contains(&q))
                        })
                        .count(),
                    avg_longest_monologue_seconds: mean(
                        &calls
                            .iter()
                            .filter_map(|c| c.longest_monologue_seconds)
                            .collect::<Vec<_>>(),
                    ),
                    avg_patience_seconds: mean(
                        &calls.iter().filter_map(|c| c.patience_seconds).collect::<Vec<_>>(),
                    ),
                    avg_interactivity: mean(
                        &calls.iter().map(|c| c.interactivity).collect::<Vec<_>>(),
                    )
                    .unwrap_or(0.0),
                    trust_repair_calls: calls.iter().filter(|c| c.trust_repair).count(),
                }
            })
            .collect();
        if ctx.json {
            return output::json(&rows);
        }
        if rows.is_empty() {
            say!("No analysed calls yet (`roomwork meetings import` or `roomwork meetings refresh`).");
            return Ok(());
        }
        let f1 = |x: Option<f64>| x.map_or("-".into(), |v| format!("{v:.1}"));
        say!(
            "{}",
            output::table(
                &[
                    "rep", "from", "calls", "talk", "talk in range", "rep q", "discovery q in range",
                    "monologue s", "patience s", "switches/min", "complaints",
                ],
                rows.iter().map(|r| vec![
                    r.rep.clone(),
                    r.period.to_string(),
                    r.calls.to_string(),
                    r.avg_rep_talk_ratio.map_or("-".into(), percent),
                    format!("{}/{}", r.talk_ratio_within, r.calls),
                    f1(r.avg_rep_questions),
                    format!("{}/{}", r.discovery_questions_within, r.discovery_calls),
                    format!("{:.0}", r.avg_longest_monologue_seconds.unwrap_or(0.0)),
                    f1(r.avg_patience_seconds),
                    format!("{:.1}", r.avg_interactivity),
                    r.trust_repair_calls.to_string(),
                ])
            )
        );
        say!(
            "Benchmarks: rep talk {:.0}-{:.0}%, {}-{} questions on a discovery call, monologues under {:.0} s (DATA_DIR/meetings.toml).",
            b.talk_ratio.0 * 100.0,
            b.talk_ratio.1 * 100.0,
            b.discovery_questions.0,
            b.discovery_questions.1,
            b.longest_monologue_seconds
        );
        Ok(())
    })
    .await
}
