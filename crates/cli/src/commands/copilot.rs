//! The workflow copilot: after a call is analysed, it prepares in the approval inbox what the
//! account manager would otherwise type — the follow-up email, the proposed stage change with
//! the call's evidence and the stage criterion it meets, the next task with its due date, and
//! the CRM update — each approved, edited or rejected with one action (`roomwork inbox ...`);
//! a rejected proposal is never applied.
//!
//! The call is first written up as call notes (`roomwork_meetings::notes`), so that the
//! follow-up and the CRM change come from the same readers, the same policy and the same
//! grounding as notes typed by hand. A call that raised a complaint (trust repair), or an
//! account at risk, gets no AI-drafted follow-up: the policy refuses it and the copilot prepares
//! a briefing for the account manager instead, with what was said on the call.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use roomwork_domain::{
    Account, Clock as _, Contact, CrmChange, DraftId, DraftStatus, Health, Opportunity,
    TranscriptId, Workflow,
};
use roomwork_drafting::{crm_update, follow_up, grounding};
use roomwork_meetings::analyze::{Analysis, Side};
use serde::Serialize;

use super::Context;
use super::inbox::{Submission, store_submission};
use super::meetings::clock;
use super::policy::account_state;

/// One thing the copilot prepared, or decided not to.
#[derive(Clone, Debug, Serialize)]
pub struct Proposed {
    /// `follow-up-email`, `stage-change`, `next-task`, `crm-update` or `briefing`.
    pub kind: String,
    /// The draft waiting in the inbox.
    pub draft: Option<DraftId>,
    /// Its subject.
    pub subject: String,
    /// Why nothing was drafted (a policy refusal, a missing address, nothing to propose).
    pub not_drafted: Option<String>,
}

impl Proposed {
    fn skipped(kind: &str, why: impl Into<String>) -> Proposed {
        Proposed {
            kind: kind.into(),
            draft: None,
            subject: String::new(),
            not_drafted: Some(why.into()),
        }
    }
}

/// The analysed call and what it is about.
pub struct Call<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The account (as stored after the call's health was recorded).
    pub account: &'a Account,
    /// The deal discussed (open: a closed deal gets no proposals).
    pub deal: Option<&'a Opportunity>,
    /// The stored call: every draft names it in its inputs, so that asking again proposes
    /// nothing twice.
    pub transcript: TranscriptId,
    /// Customer speakers matched to the account's contacts, by label.
    pub contacts: &'a HashMap<String, Contact>,
    /// Full names by speaker label (reps and contacts).
    pub names: &'a HashMap<String, String>,
    /// `discovery`, `negotiation`, `complaint`, ...
    pub call_type: Option<&'a str>,
    /// The account manager: signs, submits.
    pub by: &'a str,
    /// The day of the call.
    pub day: NaiveDate,
    /// Where the transcript came from (for the drafts' inputs).
    pub source: &'a str,
}

/// How a draft names the call it came from (in its inputs).
fn call_input(call: &Call<'_>) -> String {
    format!("store: call {}", call.transcript)
}

/// The call written up as notes (what the follow-up and the CRM change are made from).
pub fn notes_of(call: &Call<'_>) -> String {
    roomwork_meetings::notes::call_notes(
        call.analysis,
        &roomwork_meetings::notes::Context {
            account: call.account.name.clone(),
            day: call.day.format("%Y-%m-%d").to_string(),
            call_type: call.call_type.map(str::to_string),
            names: call.names.clone(),
            points: 4,
        },
    )
}

/// The moments a person should read before anything else, as Markdown lines with their times.
fn moments(a: &Analysis) -> Vec<String> {
    let mut lines = Vec::new();
    for m in a.risks.iter().chain(&a.signals) {
        lines.push(format!(
            "- [{}] {} ({}): {}: \"{}\"",
            clock(m.at),
            m.speaker,
            m.kind,
            m.label.replace('_', " "),
            m.quote
        ));
    }
    lines
}

/// Prepares the call's proposals in the inbox.
pub async fn propose(ctx: &Context, call: &Call<'_>) -> anyhow::Result<Vec<Proposed>> {
    let notes = notes_of(call);
    let foundation = ctx.foundation()?;
    let matrix = super::policy::load_matrix(ctx)?;
    let competitors = foundation.competitors().to_vec();
    let mut out = Vec::new();
    // What this call already has in the inbox (anything not rejected) is not proposed again.
    let tag = call_input(call);
    let existing: Vec<String> = ctx
        .with_store(async |store| {
            Ok(store
                .drafts(roomwork_store::DraftFilter {
                    status: None,
                    account_id: Some(call.account.id),
                })
                .await?
                .into_iter()
                .filter(|d| d.status != DraftStatus::Rejected && d.origin.inputs.contains(&tag))
                .map(|d| d.task)
                .collect())
        })
        .await?;
    out.extend(
        propose_new(
            ctx,
            call,
            &notes,
            &foundation,
            &matrix,
            &competitors,
            &existing,
        )
        .await?,
    );
    Ok(out)
}

/// The proposals, leaving out the tasks in `existing` (drafts of this call already waiting or
/// decided).
async fn propose_new(
    ctx: &Context,
    call: &Call<'_>,
    notes: &str,
    foundation: &roomwork_foundation::Foundation,
    matrix: &roomwork_policy::Matrix,
    competitors: &[String],
    existing: &[String],
) -> anyhow::Result<Vec<Proposed>> {
    let mut out = Vec::new();
    let had = |task: &str| existing.iter().any(|t| t == task);
    let already = |kind: &str| {
        Proposed::skipped(
            kind,
            "this call already has one in the inbox (waiting, approved or sent)",
        )
    };

    // The protection rules first: the account's state (the call's complaint has already
    // raised it) and the call's words.
    let state = ctx
        .with_store(async |store| account_state(store, call.account, foundation).await)
        .await?;
    let transcript_text: String = call
        .analysis
        .turns
        .iter()
        .filter(|t| t.side != Side::Rep)
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let request =
        roomwork_policy::Request::new("follow-up-email", &transcript_text).for_account(&state);
    let verdict = roomwork_policy::decide(matrix, &request, competitors)
        .map_err(|e| crate::exit::InvalidInput(e.to_string()))?;
    let protected = call.analysis.trust_repair
        || call.account.health == Health::AtRisk
        || verdict.permit().is_none();
    if protected {
        let why = if verdict.permit().is_none() {
            super::inbox::explain(&verdict)
        } else {
            "the call raised a complaint: trust repair is the account manager's own voice".into()
        };
        out.push(Proposed::skipped("follow-up-email", why));
        if had("pre-call-briefing") {
            out.push(already("briefing"));
        } else {
            out.push(briefing(ctx, call, foundation).await?);
        }
    } else if had("follow-up-email") {
        out.push(already("follow-up-email"));
    } else {
        out.push(follow_up_email(ctx, call, notes, foundation).await?);
    }
    match call.deal {
        Some(deal) => {
            for p in deal_changes(ctx, call, deal, notes, foundation, existing).await? {
                out.push(p);
            }
        }
        None => out.push(Proposed::skipped(
            "crm-update",
            "the call is on no deal, so no stage change, next task or CRM update is proposed (`meetings import --opportunity` links one)",
        )),
    }
    Ok(out)
}

/// The follow-up email, to the first customer speaker the CRM has an address for.
async fn follow_up_email(
    ctx: &Context,
    call: &Call<'_>,
    notes: &str,
    foundation: &roomwork_foundation::Foundation,
) -> anyhow::Result<Proposed> {
    const KIND: &str = "follow-up-email";
    let recipient = call
        .analysis
        .turns
        .iter()
        .filter(|t| t.side == Side::Customer)
        .find_map(|t| call.contacts.get(&t.speaker).filter(|c| c.email.is_some()));
    let Some(contact) = recipient else {
        return Ok(Proposed::skipped(
            KIND,
            "no customer speaker is a contact with an e-mail address in the CRM: draft it with `roomwork draft follow-up --notes NOTES --to ADDRESS`",
        ));
    };
    let email = contact.email.as_ref().map(|e| e.as_str()).unwrap_or("");
    let to = format!("{} <{email}>", contact.name);
    let mut names = contact.name.split_whitespace();
    let communication = foundation.communication.clone().unwrap_or_default();
    let style = call
        .account
        .tier
        .as_ref()
        .and_then(|t| foundation.style_for(t));
    let company = foundation
        .capabilities
        .as_ref()
        .map(|c| c.company.clone())
        .unwrap_or_default();
    let competitors = foundation.competitors().to_vec();
    let letter = follow_up::Letter {
        first_name: names.next().unwrap_or("").to_string(),
        last_name: names.last().unwrap_or("").to_string(),
        from_name: call.by.to_string(),
        from_company: company.clone(),
        general: &communication.general,
        tier: style,
        competitors: &competitors,
    };
    let parsed = follow_up::parse(notes, call.day, &letter);
    let draft = follow_up::compose(parsed, &letter, call.day);
    let letter_facts = format!(
        "To: {to}\nFrom: {}, {company}\nAccount: {}",
        call.by, call.account.name
    );
    let visible = draft.notes.visible(notes);
    let untraced = grounding::check(&draft.body, &[&visible, &letter_facts], call.day)
        .untraced()
        .count();
    let submission = Submission {
        kind: KIND.into(),
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        notes: Some(notes.to_string()),
        account: Some(call.account.id.to_string()),
        to: Some(to),
        engine: "built-in".into(),
        model: None,
        prompt_fingerprint: None,
        inputs: vec![call.source.to_string(), call_input(call)],
        by: call.by.to_string(),
        extra: serde_json::json!({
            "workflow": "follow-up",
            "copilot": true,
            "untraced": untraced,
        }),
        workflow: Some(Workflow::FollowUpEmail),
        opportunity: call.deal.map(|d| d.id),
        change: None,
        model_text: None,
    };
    submit(ctx, KIND, submission).await
}

async fn submit(ctx: &Context, kind: &str, s: Submission) -> anyhow::Result<Proposed> {
    let subject = s.subject.clone();
    Ok(match store_submission(ctx, s).await? {
        Ok((pending, _)) => Proposed {
            kind: kind.into(),
            draft: Some(pending.draft().id),
            subject,
            not_drafted: None,
        },
        Err(verdict) => Proposed::skipped(kind, super::inbox::explain(&verdict)),
    })
}

/// The briefing the account manager gets instead of a drafted follow-up: what was said on the
/// call, then the account's briefing in the Foundation's complaint format.
async fn briefing(
    ctx: &Context,
    call: &Call<'_>,
    foundation: &roomwork_foundation::Foundation,
) -> anyhow::Result<Proposed> {
    const KIND: &str = "briefing";
    let Some(guide) = foundation.briefing.as_ref() else {
        return Ok(Proposed::skipped(
            KIND,
            "the Foundation has no briefing.toml (`roomwork foundation init`)",
        ));
    };
    let Some(kind) = guide
        .call_types
        .iter()
        .find(|c| c.slug.contains("complaint"))
        .or_else(|| guide.call_types.first())
    else {
        return Ok(Proposed::skipped(
            KIND,
            "briefing.toml defines no call type",
        ));
    };
    let (b, _owner) = ctx
        .with_store(async |store| {
            super::draft::compose_briefing(store, foundation, kind, call.account, call.day).await
        })
        .await?;
    let a = call.analysis;
    let mut body = String::new();
    let _ = writeln!(
        body,
        "## The call of {} ({})\n",
        call.day.format("%-d %B %Y"),
        call.source
    );
    let _ = writeln!(
        body,
        "No follow-up was drafted: this is for you to write in your own voice. What the customer said:\n"
    );
    for line in moments(a) {
        let _ = writeln!(body, "{line}");
    }
    if !a.action_items.is_empty() {
        let _ = writeln!(body, "\nCommitments made on the call:\n");
        for i in &a.action_items {
            let due = i
                .due
                .as_deref()
                .map(|d| format!(" (due {d})"))
                .unwrap_or_default();
            let _ = writeln!(body, "- [{}] {}: \"{}\"{due}", clock(i.at), i.owner, i.text);
        }
    }
    let _ = writeln!(body, "\n{}", b.markdown);
    let submission = Submission {
        kind: "pre-call-briefing".into(),
        subject: format!("Briefing after the call: {}", call.account.name),
        body,
        notes: None,
        account: Some(call.account.id.to_string()),
        to: None,
        engine: "built-in".into(),
        model: None,
        prompt_fingerprint: None,
        inputs: vec![
            call.source.to_string(),
            call_input(call),
            format!("store: account {} ({} records)", call.account.id, b.records),
        ],
        by: call.by.to_string(),
        extra: serde_json::json!({
            "workflow": "pre-call-briefing",
            "call_type": kind.slug,
            "copilot": true,
        }),
        workflow: Some(Workflow::PreCallBriefing),
        opportunity: call.deal.map(|d| d.id),
        change: None,
        model_text: None,
    };
    submit(ctx, KIND, submission).await
}

/// What differs between the copilot's deal proposals.
struct DealDraft {
    kind: &'static str,
    subject: String,
    body: String,
    extra: serde_json::Value,
    workflow: Option<Workflow>,
    change: CrmChange,
}

/// A deal proposal as the inbox takes it: on the built-in engine, from the call's notes, for
/// the deal, naming the call in its inputs.
fn deal_draft(call: &Call<'_>, deal: &Opportunity, notes: &str, d: DealDraft) -> Submission {
    Submission {
        kind: d.kind.into(),
        subject: d.subject,
        body: d.body,
        notes: Some(notes.to_string()),
        account: Some(call.account.id.to_string()),
        to: None,
        engine: "built-in".into(),
        model: None,
        prompt_fingerprint: None,
        inputs: vec![
            call.source.to_string(),
            call_input(call),
            format!("store: deal {}", deal.id),
        ],
        by: call.by.to_string(),
        extra: d.extra,
        workflow: d.workflow,
        opportunity: Some(deal.id),
        change: Some(d.change),
        model_text: None,
    }
}

/// The stage change, the next task and the CRM update, each its own draft: approving one
/// applies only its fields.
async fn deal_changes(
    ctx: &Context,
    call: &Call<'_>,
    deal: &Opportunity,
    notes: &str,
    foundation: &roomwork_foundation::Foundation,
    existing: &[String],
) -> anyhow::Result<Vec<Proposed>> {
    let had = |task: &str| existing.iter().any(|t| t == task);
    let already = |kind: &str| {
        Proposed::skipped(
            kind,
            "this call already has one in the inbox (waiting, approved or sent)",
        )
    };
    let stages = foundation
        .pipeline
        .as_ref()
        .map(|p| p.stages.clone())
        .unwrap_or_default();
    let next_steps = foundation
        .crm
        .as_ref()
        .map(|c| c.next_steps.clone())
        .unwrap_or_default();
    let competitors = foundation.competitors().to_vec();
    let mut out = Vec::new();
    if stages.is_empty() {
        out.push(Proposed::skipped(
            "crm-update",
            "the Foundation's pipeline.toml defines no [[stage]] (`roomwork foundation init`)",
        ));
        return Ok(out);
    }
    let mut p = crm_update::propose(&crm_update::Inputs {
        notes,
        deal,
        stages: &stages,
        next_steps: &next_steps,
        competitors: &competitors,
        account_manager: call.by,
        today: call.day,
    });
    // A date said on an older call ("by Friday") may have passed by the time the proposal is
    // made: the task is proposed for the next working day, and says what was said.
    let today = roomwork_domain::SystemClock.today().max(call.day);
    let mut said_due = None;
    if let Some(f) = p.change.next_step_date.as_mut()
        && let Some(due) = f.to.filter(|d| *d < today)
    {
        said_due = Some(due);
        f.to = Some(roomwork_drafting::dates::next_working_day(today));
    }
    let a = call.analysis;
    let day = call.day.format("%-d %b %Y");
    let base = CrmChange {
        opportunity_id: deal.id,
        stage: None,
        stage_reason: None,
        next_step: None,
        next_step_date: None,
        close_date: None,
        note: String::new(),
    };

    // 1. The stage, with the call's own words for it and the criterion it meets.
    match (&p.change.stage, &p.change.stage_reason) {
        _ if had("stage-change") => out.push(already("stage-change")),
        (Some(stage), reason) => {
            let target = stages
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(&stage.to));
            let cues: Vec<&String> = target
                .map(|s| {
                    std::iter::once(&s.name)
                        .chain(&s.aliases)
                        .chain(&s.evidence)
                        .collect()
                })
                .unwrap_or_default();
            let evidence: Vec<String> = a
                .turns
                .iter()
                .filter(|t| {
                    cues.iter().any(|c| {
                        c.split(" + ").all(|part| {
                            !roomwork_drafting::text::find_phrase(&t.text, part.trim()).is_empty()
                        })
                    })
                })
                .take(3)
                .map(|t| format!("- [{}] {}: \"{}\"", clock(t.start), t.speaker, t.text))
                .collect();
            let criterion = target.map(|s| s.entry.clone()).unwrap_or_default();
            let mut body = format!(
                "# Stage change: {}\n\n{} → **{}**\n\n",
                deal.name, stage.from, stage.to
            );
            if !criterion.is_empty() {
                let _ = writeln!(body, "Stage criterion ({}): {criterion}\n", stage.to);
            }
            if let Some(r) = reason {
                let _ = writeln!(body, "Why: {r}\n");
            }
            let _ = writeln!(body, "Evidence from the call of {day}:\n");
            if evidence.is_empty() {
                let _ = writeln!(
                    body,
                    "- (the call notes' words; no single turn carries the cue)"
                );
            }
            for e in &evidence {
                let _ = writeln!(body, "{e}");
            }
            let change = CrmChange {
                stage: Some(stage.clone()),
                stage_reason: reason.clone(),
                note: format!(
                    "Stage {} → {} from the call of {day}. {}",
                    stage.from,
                    stage.to,
                    reason.clone().unwrap_or_default()
                ),
                ..base.clone()
            };
            out.push(
                submit(
                    ctx,
                    "stage-change",
                    deal_draft(
                        call,
                        deal,
                        notes,
                        DealDraft {
                            kind: "stage-change",
                            subject: format!("Stage change: {} → {}", deal.name, stage.to),
                            body,
                            extra: serde_json::json!({"copilot": true, "stage": stage.to, "evidence": evidence.len()}),
                            workflow: None,
                            change,
                        },
                    ),
                )
                .await?,
            );
        }
        (None, _) => {
            let why = if p.left_to_you.is_empty() {
                "the call meets no later stage's criteria in the Foundation".to_string()
            } else {
                p.left_to_you.join("; ")
            };
            out.push(Proposed::skipped("stage-change", why));
        }
    }

    // 2. The next task with its due date, written as a task ("Send the customer a quote ...")
    // rather than as said ("I'll send you a quote ...").
    if let Some(f) = p.change.next_step.as_mut()
        && let Some(said) = f.to.clone()
    {
        let task = roomwork_meetings::notes::to_do(&said, None);
        if !task.is_empty() {
            let words: Vec<String> = task
                .split_whitespace()
                .map(|w| {
                    let core = w.trim_end_matches([',', '.', ';', '!', '?']);
                    let rest = &w[core.len()..];
                    match core {
                        "you" | "You" => format!("the customer{rest}"),
                        "your" | "Your" => format!("the customer's{rest}"),
                        _ => w.to_string(),
                    }
                })
                .collect();
            f.to = Some(words.join(" ").trim_end_matches('.').to_string());
        }
    }
    if had("next-task") {
        out.push(already("next-task"));
    } else if p.change.next_step.is_some() || p.change.next_step_date.is_some() {
        let task = p
            .change
            .next_step
            .as_ref()
            .and_then(|f| f.to.clone())
            .or_else(|| deal.next_step.clone())
            .unwrap_or_default();
        let due = p
            .change
            .next_step_date
            .as_ref()
            .and_then(|f| f.to)
            .or(deal.next_step_date);
        let due_text = due.map_or_else(
            || "no date said".to_string(),
            |d| d.format("%a %-d %b %Y").to_string(),
        );
        let mut body = format!(
            "# Next task: {}\n\n**{task}**, due {due_text}.\n\n",
            deal.name
        );
        if let Some(said) = said_due {
            let _ = writeln!(
                body,
                "Said on the call: due {}, which has passed; proposed for the next working day. \
                 Change the date, or reject the task if it is done.\n",
                said.format("%a %-d %b %Y")
            );
        }
        if let Some(cat) = &p.next_step_category {
            let _ = writeln!(body, "Category (the Foundation's): {cat}\n");
        }
        let _ = writeln!(
            body,
            "Now: {} (due {}).",
            deal.next_step.as_deref().unwrap_or("none"),
            deal.next_step_date
                .map_or_else(|| "no date".to_string(), |d| d.to_string())
        );
        let said: Vec<String> = a
            .action_items
            .iter()
            .filter(|i| i.side == Side::Rep)
            .map(|i| format!("- [{}] {}: \"{}\"", clock(i.at), i.owner, i.text))
            .collect();
        if !said.is_empty() {
            let _ = writeln!(body, "\nSaid on the call:\n\n{}", said.join("\n"));
        }
        let change = CrmChange {
            next_step: p.change.next_step.clone(),
            next_step_date: p.change.next_step_date.clone(),
            note: format!("Next task from the call of {day}: {task}, due {due_text}."),
            ..base.clone()
        };
        out.push(
            submit(
                ctx,
                "next-task",
                deal_draft(
                    call,
                    deal,
                    notes,
                    DealDraft {
                        kind: "next-task",
                        subject: format!("Next task: {task}"),
                        body,
                        extra: serde_json::json!({"copilot": true, "due": due}),
                        workflow: None,
                        change,
                    },
                ),
            )
            .await?,
        );
    } else {
        out.push(Proposed::skipped(
            "next-task",
            "no commitment of ours on the call gives a next step",
        ));
    }

    // 3. The CRM update: the call logged on the deal (and a close date the call moved).
    if had("crm-update") {
        out.push(already("crm-update"));
        return Ok(out);
    }
    let mut note = String::new();
    let _ = writeln!(note, "Call of {day} ({}).", call.source);
    if !a.summary.is_empty() {
        let _ = writeln!(note, "\nSummary:");
        for s in &a.summary {
            let _ = writeln!(note, "- {s}");
        }
    }
    let heard = moments(a);
    if !heard.is_empty() {
        let _ = writeln!(note, "\nRisks and buying signals:");
        for m in &heard {
            let _ = writeln!(note, "{m}");
        }
    }
    if !a.action_items.is_empty() {
        let _ = writeln!(note, "\nAction items:");
        for i in &a.action_items {
            let due = i
                .due
                .as_deref()
                .map(|d| format!(" (due {d})"))
                .unwrap_or_default();
            let _ = writeln!(note, "- {}: {}{due}", i.owner, i.text);
        }
    }
    let m = &a.metrics;
    if let Some(r) = m.rep_talk_ratio {
        let _ = writeln!(
            note,
            "\nRep talk ratio {:.0}%, rep questions {}, customer questions {}.",
            r * 100.0,
            m.rep_questions.unwrap_or(0),
            m.customer_questions.unwrap_or(0)
        );
    }
    let mut body = format!("# CRM update: {}\n\n", deal.name);
    if let Some(c) = &p.change.close_date {
        let _ = writeln!(
            body,
            "Close date: {} → **{}**\n",
            c.from.map_or_else(|| "none".into(), |d| d.to_string()),
            c.to.map_or_else(|| "none".into(), |d| d.to_string())
        );
    }
    let _ = writeln!(body, "Logged on the deal when approved:\n\n{note}");
    let change = CrmChange {
        close_date: p.change.close_date.clone(),
        note,
        ..base
    };
    out.push(
        submit(
            ctx,
            "crm-update",
            deal_draft(
                call,
                deal,
                notes,
                DealDraft {
                    kind: "crm-update",
                    subject: format!("CRM update: {}", deal.name),
                    body,
                    extra: serde_json::json!({"workflow": "crm-update", "copilot": true}),
                    workflow: Some(Workflow::CrmUpdate),
                    change,
                },
            ),
        )
        .await?,
    );
    Ok(out)
}
