//! `roomwork inbox`: drafts wait here until a person passes the relationship test.
//!
//! Every step goes through the typed states of `roomwork_domain::draft` (only `approve` makes
//! an `Approved`, only `Approved::send` a `Sent`) and is written together with its audit
//! record in one transaction. Sending a customer communication also logs an outbound,
//! AI-assisted e-mail activity for the capacity ledger.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use super::policy::{account_state, find_account, load_matrix};
use super::{Context, sha256};
use crate::args::{Answer, InboxArgs, InboxCommand};
use crate::exit::{InvalidInput, Refused};
use crate::output::{self, say};
use anyhow::Context as _;
use chrono::Utc;
use roomwork_domain::{
    Activity, ActivityId, ActivityKind, Direction, Draft, DraftError, DraftId, DraftState,
    DraftStatus, Email, PendingApproval, RelationshipTest, SendVia, Workflow, WorkflowUse,
};
use roomwork_server::review::{ReviewError, Reviewed};
use roomwork_store::{AuditEntry, DraftFilter, InboxWrite, Store};
use serde::Serialize;

pub async fn run(ctx: &Context, args: InboxArgs) -> anyhow::Result<()> {
    match args.command {
        InboxCommand::List { status, account } => list(ctx, status.as_deref(), account).await,
        InboxCommand::Show { id } => show(ctx, &id).await,
        InboxCommand::Submit {
            kind,
            subject,
            text,
            notes,
            account,
            to,
            engine,
            model,
            by,
        } => {
            let submission = Submission {
                kind,
                subject,
                body: read_text(&text)?,
                notes: notes.as_deref().map(read_text).transpose()?,
                account,
                to,
                engine,
                model,
                prompt_fingerprint: None,
                inputs: std::iter::once(&text)
                    .chain(notes.as_ref())
                    .map(|p| p.display().to_string())
                    .collect(),
                by,
                extra: serde_json::Value::Null,
                workflow: None,
                opportunity: None,
                change: None,
                model_text: None,
            };
            submit(ctx, submission).await
        }
        InboxCommand::Edit {
            id,
            text,
            subject,
            by,
        } => edit(ctx, &id, &read_text(&text)?, subject.as_deref(), &by).await,
        InboxCommand::Approve {
            id,
            sounds_like_me,
            reflects_what_mattered,
            text,
            note,
            by,
        } => {
            let body = text.as_deref().map(read_text).transpose()?;
            let from_stdin = text.as_deref().is_some_and(|t| t.as_os_str() == "-");
            approve(
                ctx,
                from_stdin,
                &id,
                sounds_like_me,
                reflects_what_mattered,
                body,
                note.unwrap_or_default(),
                &by,
            )
            .await
        }
        InboxCommand::Reject { id, reason, by } => reject(ctx, &id, &reason, &by).await,
        InboxCommand::Send { id, eml, by, .. } => send(ctx, &id, eml, &by).await,
    }
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")
    } else {
        super::read_file(path)
    }
}

fn entry(actor: &str, action: &str, d: &Draft, detail: serde_json::Value) -> AuditEntry {
    AuditEntry::new(actor, action, format!("draft {}", d.id), detail)
}

/// A draft by full id, or by a unique part of its id of at least six characters.
async fn find_draft(store: &dyn Store, key: &str) -> anyhow::Result<Draft> {
    let key = key.trim();
    if let Ok(id) = key.parse::<DraftId>() {
        return Ok(store.draft(id).await?);
    }
    if key.len() < 6 {
        return Err(InvalidInput(format!(
            "{key:?} is too short to name a draft: give at least 6 characters of its id"
        ))
        .into());
    }
    let key = key.to_lowercase();
    let mut found: Vec<Draft> = store
        .drafts(DraftFilter::default())
        .await?
        .into_iter()
        .filter(|d| d.id.to_string().contains(&key))
        .collect();
    match found.len() {
        1 => Ok(found.pop().expect("one")),
        0 => Err(InvalidInput(format!("no draft id contains {key:?}")).into()),
        n => Err(InvalidInput(format!("{n} drafts match {key:?}; give more of the id")).into()),
    }
}

/// The last 8 characters of the id (the random part of a UUIDv7).
fn short(id: DraftId) -> String {
    let s = id.to_string();
    s[s.len() - 8..].to_string()
}

fn restore(d: Draft) -> anyhow::Result<DraftState> {
    DraftState::restore(d).map_err(|e| anyhow::anyhow!(e))
}

fn refusal(e: DraftError) -> anyhow::Error {
    match e {
        DraftError::Empty(_) | DraftError::Unchanged | DraftError::NoMarkedPassage => {
            InvalidInput(e.to_string()).into()
        }
        _ => Refused(e.to_string()).into(),
    }
}

fn wrong_status(d: &Draft, wanted: &str) -> anyhow::Error {
    Refused(format!("draft {} is {}; {wanted}", short(d.id), d.status)).into()
}

#[derive(Serialize)]
struct Row {
    id: DraftId,
    short: String,
    status: DraftStatus,
    task: String,
    subject: String,
    recipient: Option<String>,
    requested_by: String,
    created_at: chrono::DateTime<Utc>,
    outstanding: Vec<String>,
}

async fn list(ctx: &Context, status: Option<&str>, account: Option<String>) -> anyhow::Result<()> {
    let wanted: Option<Vec<DraftStatus>> = match status {
        None => Some(vec![DraftStatus::Pending, DraftStatus::Returned]),
        Some("all") => None,
        Some(s) => Some(vec![
            DraftStatus::parse(s).map_err(|e| InvalidInput(e.to_string()))?,
        ]),
    };
    let drafts = ctx
        .with_store(async |store| {
            let account_id = match &account {
                Some(key) => Some(find_account(store, key).await?.id),
                None => None,
            };
            Ok(store
                .drafts(DraftFilter {
                    status: None,
                    account_id,
                })
                .await?)
        })
        .await?;
    let rows: Vec<Row> = drafts
        .into_iter()
        .filter(|d| wanted.as_ref().is_none_or(|w| w.contains(&d.status)))
        .map(|d| {
            let outstanding = match &d.status {
                DraftStatus::Pending | DraftStatus::Returned => {
                    outstanding(&d).iter().map(|r| r.to_string()).collect()
                }
                _ => Vec::new(),
            };
            Row {
                id: d.id,
                short: short(d.id),
                status: d.status,
                task: d.task,
                subject: d.subject,
                recipient: d.recipient,
                requested_by: d.requested_by,
                created_at: d.created_at,
                outstanding,
            }
        })
        .collect();
    if ctx.json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        say!(
            "No drafts{}.",
            status
                .map(|s| format!(" ({s})"))
                .unwrap_or_else(|| " waiting for a person".into())
        );
        return Ok(());
    }
    let table = output::table(
        &[
            "id",
            "status",
            "task",
            "subject",
            "to",
            "from",
            "before approval",
        ],
        rows.iter().map(|r| {
            vec![
                r.short.clone(),
                r.status.to_string(),
                r.task.clone(),
                r.subject.clone(),
                r.recipient.clone().unwrap_or_default(),
                r.requested_by.clone(),
                if r.outstanding.is_empty() {
                    String::new()
                } else {
                    format!("{} to resolve", r.outstanding.len())
                },
            ]
        }),
    );
    say!("{table}");
    say!("Show one with `roomwork inbox show ID`.");
    Ok(())
}

/// What stands between a waiting draft and approval, besides the answers.
fn outstanding(d: &Draft) -> Vec<roomwork_domain::Refusal> {
    match DraftState::restore(d.clone()) {
        Ok(DraftState::Pending(p)) => p.outstanding(),
        _ => Vec::new(),
    }
}

async fn show(ctx: &Context, key: &str) -> anyhow::Result<()> {
    let (draft, revisions) = ctx
        .with_store(async |store| {
            let d = find_draft(store, key).await?;
            let revs = store.draft_revisions(d.id).await?;
            Ok((d, revs))
        })
        .await?;
    let outstanding = outstanding(&draft);
    if ctx.json {
        #[derive(Serialize)]
        struct Shown<'a> {
            draft: &'a Draft,
            outstanding: &'a [roomwork_domain::Refusal],
            revisions: &'a [roomwork_domain::Revision],
            relationship_test: [&'static str; 2],
        }
        return output::json(&Shown {
            draft: &draft,
            outstanding: &outstanding,
            revisions: &revisions,
            relationship_test: RelationshipTest::QUESTIONS,
        });
    }
    say!("Draft {} ({})", draft.id, draft.status);
    say!("Task: {}", draft.task);
    if let Some(to) = &draft.recipient {
        say!("To: {to}");
    }
    say!("Subject: {}", draft.subject);
    say!(
        "Written by: {}{}; requested by {} on {}",
        draft.origin.engine,
        draft
            .origin
            .model
            .as_ref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default(),
        draft.requested_by,
        draft.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    say!("Policy: {}", draft.verdict);
    if draft.structure_only {
        say!(
            "Protection rule 3: only the structure was drafted; the marked passages are yours to write."
        );
    }
    if draft.requires_personal_edit {
        say!(
            "Top-tier relationship: add or change a sentence that only you could write ({}).",
            if draft.personally_edited() {
                "done"
            } else {
                "not yet"
            }
        );
    }
    if let Some(r) = &draft.review {
        say!(
            "Last review by {} on {}: {}",
            r.by,
            r.at.format("%Y-%m-%d"),
            r.note
        );
    }
    if let Some(a) = &draft.approval {
        say!(
            "Approved by {} on {}",
            a.reviewer,
            a.at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    if let Some(s) = &draft.sending {
        say!(
            "Sent by {} on {} ({}{})",
            s.by,
            s.at.format("%Y-%m-%d %H:%M UTC"),
            s.via,
            s.reference
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
    }
    say!("\n{}\n", draft.body.trim_end());
    say!(
        "Revisions: {}",
        revisions
            .iter()
            .map(|r| format!("{} by {}", r.number, r.author))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if matches!(draft.status, DraftStatus::Pending | DraftStatus::Returned) {
        for o in &outstanding {
            say!("Before approval: {o}");
        }
        say!(
            "\nThe relationship test, answered with `roomwork inbox approve {}`:",
            short(draft.id)
        );
        for q in RelationshipTest::QUESTIONS {
            say!("  - {q}");
        }
    }
    Ok(())
}

/// A draft to put through the policy into the inbox.
pub(super) struct Submission {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub notes: Option<String>,
    pub account: Option<String>,
    pub to: Option<String>,
    pub engine: String,
    pub model: Option<String>,
    /// The prompt's fingerprint, when a language model drafted it.
    pub prompt_fingerprint: Option<String>,
    pub inputs: Vec<String>,
    pub by: String,
    /// More for the audit record (a workflow's minutes saved, its grounding flags).
    pub extra: serde_json::Value,
    /// The workflow that drafted it: the draft records it and the minutes-saved ledger gets
    /// a row with the Foundation's figures, in the same transaction.
    pub workflow: Option<Workflow>,
    /// The deal it concerns.
    pub opportunity: Option<roomwork_domain::OpportunityId>,
    /// A CRM change it proposes (applied on approval).
    pub change: Option<roomwork_domain::CrmChange>,
    /// What a language model wrote into a workflow's draft: the policy reads it whole, so a
    /// marked passage cannot hide anything in it.
    pub model_text: Option<String>,
}

/// `Name <address>` or a bare address, checked.
fn recipient(to: &str) -> anyhow::Result<(String, Email)> {
    let to = to.trim();
    if to.chars().any(char::is_control) {
        return Err(InvalidInput("--to must be one line".into()).into());
    }
    let (name, addr) = match (to.rfind('<'), to.ends_with('>')) {
        (Some(i), true) => (
            to[..i].trim().trim_matches('"').to_string(),
            &to[i + 1..to.len() - 1],
        ),
        _ => (String::new(), to),
    };
    let email = Email::parse(addr).map_err(|e| InvalidInput(format!("--to: {e}")))?;
    let shown = if name.is_empty() {
        email.as_str().to_string()
    } else {
        format!("{name} <{}>", email.as_str())
    };
    Ok((shown, email))
}

async fn submit(ctx: &Context, s: Submission) -> anyhow::Result<()> {
    let outcome = store_submission(ctx, s).await?;
    match outcome {
        Ok((pending, verdict)) => {
            let d = pending.draft();
            if ctx.json {
                return output::json(&serde_json::json!({
                    "id": d.id,
                    "status": d.status,
                    "verdict": verdict,
                    "outstanding": pending.outstanding(),
                }));
            }
            say!(
                "Draft {} is waiting for approval ({}).",
                d.id,
                verdict.reason
            );
            for o in pending.outstanding() {
                say!("Before approval: {o}");
            }
            Ok(())
        }
        Err(verdict) => refuse(ctx, &verdict),
    }
}

/// A draft's text without its Markdown headings and without the guidance in its marked
/// `[[AM: ...]]` passages.
fn content_of(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for line in body.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line;
        while let Some(start) = rest.find("[[AM:") {
            out.push_str(&rest[..start]);
            rest = rest[start..]
                .find("]]")
                .map_or("", |end| &rest[start + end + 2..]);
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

/// A verdict's reason with its rules and their evidence, one quote a line.
pub(super) fn explain(verdict: &roomwork_policy::Verdict) -> String {
    let mut why = verdict.reason.clone();
    for f in &verdict.findings {
        why.push_str(&format!("\n  {}", f.title));
        for e in &f.evidence {
            why.push_str(&format!("\n    - {}: \"{}\"", e.what, e.quote));
        }
    }
    why
}

/// Refuses a request the policy protects: the verdict as JSON under `--json`, and an error
/// (exit 5) with the rules and their evidence.
pub(super) fn refuse<T>(ctx: &Context, verdict: &roomwork_policy::Verdict) -> anyhow::Result<T> {
    if ctx.json {
        output::json(verdict)?;
    }
    let mut why = explain(verdict);
    if verdict.outcome == roomwork_policy::Outcome::ReviewOnly {
        why.push_str(
            "\nWrite it yourself; `roomwork review FILE --account A` will go over your text.",
        );
    }
    Err(Refused(format!(
        "the policy does not allow an AI draft here, so it was not stored: {why}"
    ))
    .into())
}

/// What happened to a submission: stored as pending, or refused by the policy (audited).
pub(super) type Submitted =
    Result<(PendingApproval, roomwork_policy::Verdict), roomwork_policy::Verdict>;

/// Runs the policy on a submission and stores it as a pending draft, or records the refusal.
pub(super) async fn store_submission(ctx: &Context, s: Submission) -> anyhow::Result<Submitted> {
    let matrix = load_matrix(ctx)?;
    let foundation = ctx.foundation()?;
    let competitors = foundation.competitors().to_vec();
    let to = s.to.as_deref().map(recipient).transpose()?;
    // The policy reads what was asked and what the draft says, not the company's own format:
    // headings and the guidance inside marked passages ("the incumbent who let them down")
    // are the Foundation's words, not the customer's.
    // Only for the workflows, whose headings and marked guidance roomwork wrote from the
    // Foundation; a submitted text, and whatever a language model wrote, is read whole (a
    // marked passage must not hide it).
    let content = if s.workflow.is_some() {
        let mut c = content_of(&s.body);
        if let Some(m) = &s.model_text {
            c.push('\n');
            c.push_str(m);
        }
        c
    } else {
        s.body.clone()
    };
    let policy_text = match &s.notes {
        Some(n) => format!("{n}\n\n{content}"),
        None => content,
    };
    let now = Utc::now();
    let outcome = ctx
        .with_store(async |store| {
            let mut account = match &s.account {
                Some(key) => Some(find_account(store, key).await?),
                None => None,
            };
            // The recipient's account is the account: the rules read its state even when
            // --account was not given, and a recipient from another account is refused.
            let contact = match &to {
                Some((_, email)) => store
                    .contacts()
                    .await?
                    .into_iter()
                    .find(|c| c.email.as_ref() == Some(email)),
                None => None,
            };
            if let Some(owner) = contact.as_ref().and_then(|c| c.account_id) {
                match &account {
                    Some(a) if a.id != owner => {
                        return Err(InvalidInput(format!(
                            "--to is a contact of another account than {}",
                            a.name
                        ))
                        .into());
                    }
                    Some(_) => {}
                    None => account = Some(store.account(owner).await?),
                }
            }
            let state = match &account {
                Some(a) => Some(account_state(store, a, &foundation).await?),
                None => None,
            };
            let mut request = roomwork_policy::Request::new(&s.kind, &policy_text);
            if let Some(st) = &state {
                request = request.for_account(st);
            }
            let verdict = roomwork_policy::decide(&matrix, &request, &competitors)
                .map_err(|e| InvalidInput(e.to_string()))?;
            let account_name = account.as_ref().map(|a| a.name.clone()).unwrap_or_default();
            let Some(permit) = verdict.permit() else {
                store
                    .audit_append(&AuditEntry::new(
                        &s.by,
                        "draft.refused",
                        account_name,
                        serde_json::json!({
                            "verdict": super::audited_verdict(&verdict),
                            "engine": s.engine,
                            "model": s.model,
                            "inputs": s.inputs,
                            "text_sha256": sha256(&s.body),
                        }),
                    ))
                    .await?;
                return Ok(Err(verdict));
            };
            // The top tier always needs the person's own sentence; other tiers when their
            // communication standard says so.
            let tier = account.as_ref().and_then(|a| a.tier.clone());
            let personal = state.as_ref().is_some_and(|s| s.top_tier)
                || tier.as_ref().is_some_and(|t| {
                    foundation
                        .style_for(t)
                        .is_some_and(|style| style.personal_sentence_required)
                });
            let mut new = permit.new_draft(&s.subject, &s.body, &s.by, personal);
            new.workflow = s.workflow;
            new.opportunity_id = s.opportunity;
            new.change = s.change.clone();
            new.account_id = account.as_ref().map(|a| a.id);
            if let Some((shown, _)) = &to {
                new.recipient = Some(shown.clone());
                new.contact_id = contact.as_ref().map(|c| c.id);
            }
            new.origin.engine = s.engine.clone();
            new.origin.model = s.model.clone();
            new.origin.prompt_fingerprint = s.prompt_fingerprint.clone();
            new.origin.inputs = s.inputs.clone();
            let (pending, rev0) =
                PendingApproval::submit(DraftId::new(), new, now).map_err(refusal)?;
            let d = pending.draft();
            let detail = serde_json::json!({
                "task": d.task,
                "account": account_name,
                "engine": d.origin.engine,
                "model": d.origin.model,
                "prompt_fingerprint": d.origin.prompt_fingerprint,
                "inputs": d.origin.inputs,
                "text_sha256": sha256(&d.body),
                "verdict": super::audited_verdict(&verdict),
                "workflow": s.extra,
                "structure_only": d.structure_only,
                "requires_personal_edit": d.requires_personal_edit,
            });
            let usage = match s.workflow {
                Some(w) => Some(WorkflowUse {
                    draft_id: d.id,
                    workflow: w,
                    used_by: s.by.clone(),
                    account_id: d.account_id,
                    at: now,
                    minutes_saved: foundation.time_saved().minutes(w),
                    hourly_cost: foundation.hourly_cost(),
                }),
                None => None,
            };
            store
                .inbox_write(
                    InboxWrite::Submit {
                        pending: &pending,
                        revision: &rev0,
                        usage: usage.as_ref(),
                    },
                    &entry(&s.by, "draft.submitted", d, detail),
                )
                .await?;
            Ok(Ok((pending, verdict)))
        })
        .await?;
    Ok(outcome)
}

async fn edit(
    ctx: &Context,
    key: &str,
    body: &str,
    subject: Option<&str>,
    by: &str,
) -> anyhow::Result<()> {
    let d = ctx
        .with_store(async |store| {
            let d = find_draft(store, key).await?;
            roomwork_server::review::edit(store, &d, by, subject, body)
                .await
                .map_err(reviewed_error)
        })
        .await?;
    if ctx.json {
        return output::json(&d);
    }
    say!(
        "Draft {} is at revision {} ({}).",
        short(d.id),
        d.revision,
        d.status
    );
    for o in outstanding(&d) {
        say!("Before approval: {o}");
    }
    Ok(())
}

/// One answer: from the command line, or asked on the terminal.
fn answer(given: Option<Answer>, question: &str, flag: &str) -> anyhow::Result<bool> {
    if let Some(a) = given {
        return Ok(a == Answer::Yes);
    }
    if !std::io::stdin().is_terminal() {
        return Err(InvalidInput(format!(
            "answer the relationship test: {flag} yes|no (\"{question}\")"
        ))
        .into());
    }
    let stdin = std::io::stdin();
    loop {
        eprint!("{question} [yes/no] ");
        std::io::stderr().flush().ok();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Err(InvalidInput("no answer given".into()).into());
        }
        match line.trim().to_lowercase().as_str() {
            "y" | "yes" => return Ok(true),
            "n" | "no" => return Ok(false),
            _ => eprintln!("Please answer yes or no."),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn approve(
    ctx: &Context,
    from_stdin: bool,
    key: &str,
    sounds_like_me: Option<Answer>,
    reflects: Option<Answer>,
    body: Option<String>,
    note: String,
    by: &str,
) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let result = approve_in(
        ctx,
        &*store,
        from_stdin,
        key,
        sounds_like_me,
        reflects,
        body,
        note,
        by,
    )
    .await;
    store.close().await;
    result
}

#[allow(clippy::too_many_arguments)]
async fn approve_in(
    ctx: &Context,
    store: &dyn Store,
    from_stdin: bool,
    key: &str,
    sounds_like_me: Option<Answer>,
    reflects: Option<Answer>,
    body: Option<String>,
    note: String,
    by: &str,
) -> anyhow::Result<()> {
    let d = find_draft(store, key).await?;
    let DraftState::Pending(pending) = restore(d.clone())? else {
        return Err(wrong_status(
            &d,
            "only a pending or returned draft can be approved",
        ));
    };
    // Show the text and what stands in the way before asking the questions.
    if sounds_like_me.is_none() || reflects.is_none() {
        if from_stdin {
            return Err(InvalidInput(
                "with --text -, give both answers on the command line (--sounds-like-me, \
                 --reflects-what-mattered): standard input holds the text"
                    .into(),
            )
            .into());
        }
        let shown = body.as_deref().unwrap_or(&d.body);
        eprintln!("{}\n\n{}\n", d.subject, shown.trim_end());
        for o in pending.outstanding() {
            eprintln!("Before approval: {o}");
        }
    }
    if d.change.is_some() && body.is_some() {
        return Err(InvalidInput(
            "a CRM update is approved as drafted (its text shows the change it applies): reject it and draft it again from corrected notes".into(),
        )
        .into());
    }
    let answers = RelationshipTest {
        sounds_like_me: answer(
            sounds_like_me,
            RelationshipTest::QUESTIONS[0],
            "--sounds-like-me",
        )?,
        reflects_what_mattered: answer(
            reflects,
            RelationshipTest::QUESTIONS[1],
            "--reflects-what-mattered",
        )?,
    };
    drop(pending);
    let reviewed = roomwork_server::review::approve(store, &d, by, answers, body.as_deref(), &note)
        .await
        .map_err(reviewed_error)?;
    match reviewed {
        Reviewed::Approved { draft, applied } => {
            if let Some(x) = &applied {
                let deal = std::iter::once(x.opportunity().id).collect();
                super::pipeline::refresh_after(ctx, store, deal).await;
            }
            if ctx.json {
                return output::json(&draft);
            }
            let reviewer = draft
                .approval
                .as_ref()
                .map(|a| a.reviewer.clone())
                .unwrap_or_default();
            match &applied {
                Some(x) => say!(
                    "Approved by {}, and applied: {} is now at stage {}, next step {:?}.",
                    reviewer,
                    x.opportunity().name,
                    x.opportunity().stage.as_str(),
                    x.opportunity().next_step.as_deref().unwrap_or("(none)")
                ),
                None => say!(
                    "Approved by {}. Send it with `roomwork inbox send {} --eml FILE` or `--mark-sent`.",
                    reviewer,
                    short(draft.id)
                ),
            }
        }
        Reviewed::Returned(draft) => {
            if ctx.json {
                return output::json(&draft);
            }
            say!(
                "Returned for rewriting: {}. Rewrite it with `roomwork inbox edit {} --text FILE`.",
                draft
                    .review
                    .as_ref()
                    .map(|r| r.note.as_str())
                    .unwrap_or_default(),
                short(draft.id)
            );
        }
    }
    Ok(())
}

/// A review error as the CLI's exit codes see it: an empty or unchanged text is invalid input
/// (exit 3); the wrong status or a refusal by the gate is refused (exit 5).
fn reviewed_error(e: ReviewError) -> anyhow::Error {
    match e {
        ReviewError::Invalid(m) => InvalidInput(m).into(),
        ReviewError::Refused(m) | ReviewError::WrongStatus(m) | ReviewError::Forbidden(m) => {
            Refused(m).into()
        }
        ReviewError::Store(e) => e,
    }
}

async fn reject(ctx: &Context, key: &str, reason: &str, by: &str) -> anyhow::Result<()> {
    let d = ctx
        .with_store(async |store| {
            let d = find_draft(store, key).await?;
            roomwork_server::review::reject(store, &d, by, reason)
                .await
                .map_err(reviewed_error)
        })
        .await?;
    if ctx.json {
        return output::json(&d);
    }
    say!("Rejected draft {}.", short(d.id));
    Ok(())
}

async fn send(ctx: &Context, key: &str, eml: Option<PathBuf>, by: &str) -> anyhow::Result<()> {
    let d = ctx
        .with_store(async |store| {
            let d = find_draft(store, key).await?;
            let approved = match restore(d.clone())? {
                DraftState::Approved(a) => a,
                DraftState::Pending(_) => {
                    return Err(wrong_status(
                        &d,
                        "only an approved draft can be sent: answer the relationship test first \
                         (`roomwork inbox approve`)",
                    ));
                }
                DraftState::Sent(_) => return Err(wrong_status(&d, "it has already been sent")),
                DraftState::Rejected(_) => {
                    return Err(wrong_status(&d, "a rejected draft is never sent"));
                }
            };
            let account = match approved.draft().account_id {
                Some(id) => Some(store.account(id).await?),
                None => None,
            };
            // The person the draft was written for signs it; they send it when they are a
            // rep, else the account's owner is credited with the message.
            let reps = store.reps().await?;
            let signer = reps.iter().find(|r| {
                r.name
                    .trim()
                    .eq_ignore_ascii_case(approved.draft().requested_by.trim())
            });
            let owner = signer
                .or_else(|| {
                    account
                        .as_ref()
                        .and_then(|a| a.owner)
                        .and_then(|id| reps.iter().find(|r| r.id == id))
                })
                .cloned();
            let now = Utc::now();
            let (via, reference) = match &eml {
                Some(path) => {
                    let Some(to) = approved.draft().recipient.clone() else {
                        return Err(InvalidInput(format!(
                            "draft {} has no recipient (an internal document); use --mark-sent",
                            short(d.id)
                        ))
                        .into());
                    };
                    let path = if path.is_dir() {
                        path.join(format!("{}.eml", d.id))
                    } else {
                        path.clone()
                    };
                    // The signer's mailbox when the CRM has it; otherwise no From, and the mail
                    // client fills in the sender's own (never someone other than the signer).
                    let from = signer.and_then(|r| {
                        r.email
                            .as_ref()
                            .map(|e| format!("{} <{}>", r.name, e.as_str()))
                    });
                    let id = d.id.to_string();
                    let extra = [
                        ("X-Roomwork-Draft", id.clone()),
                        (
                            "X-Roomwork-Approved-By",
                            ascii(&approved.approval().reviewer),
                        ),
                    ];
                    let text = crate::eml::render(&crate::eml::Message {
                        from: from.as_deref(),
                        to: &to,
                        subject: &approved.draft().subject,
                        body: &approved.draft().body,
                        date: now,
                        id: &id,
                        extra: &extra,
                    });
                    // Written before the store records the sending: a failed write leaves the
                    // draft approved, to try again.
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .map_err(|e| match e.kind() {
                            std::io::ErrorKind::AlreadyExists => anyhow::Error::from(Refused(
                                format!("{} exists; choose another file", path.display()),
                            )),
                            _ => anyhow::Error::from(e)
                                .context(format!("writing {}", path.display())),
                        })?;
                    file.write_all(text.as_bytes())
                        .with_context(|| format!("writing {}", path.display()))?;
                    (SendVia::Eml, Some(path.display().to_string()))
                }
                None => (SendVia::Marked, None),
            };
            let sent = approved.send(by, via, reference, now).map_err(refusal)?;
            let sd = sent.draft();
            let activity = sd.recipient.as_ref().map(|_| Activity {
                id: ActivityId::new(),
                ext_key: None,
                kind: ActivityKind::Email,
                direction: Direction::Outbound,
                ai_assisted: true,
                account_id: sd.account_id,
                contact_id: sd.contact_id,
                opportunity_id: sd.opportunity_id,
                rep_id: owner.as_ref().map(|r| r.id),
                occurred_at: now,
                duration_minutes: None,
                subject: sd.subject.clone(),
                body: Some(sd.body.clone()),
            });
            let detail = serde_json::json!({
                "via": sent.sending().via,
                "reference": sent.sending().reference,
                "text_sha256": sha256(&sd.body),
                "approved_by": sd.approval.as_ref().map(|a| a.reviewer.clone()),
                "activity": activity.as_ref().map(|a| a.id),
            });
            store
                .inbox_write(
                    InboxWrite::Send {
                        sent: &sent,
                        activity: activity.as_ref(),
                    },
                    &entry(by, "draft.sent", sd, detail),
                )
                .await?;
            let deal = activity
                .as_ref()
                .and_then(|a| a.opportunity_id)
                .into_iter()
                .collect();
            super::pipeline::refresh_after(ctx, store, deal).await;
            Ok(sd.clone())
        })
        .await?;
    if ctx.json {
        return output::json(&d);
    }
    let s = d.sending.as_ref().expect("sent");
    match &s.reference {
        Some(path) => say!("Wrote {path}; open it in your mail client to send. Recorded as sent."),
        None => say!("Recorded draft {} as sent.", short(d.id)),
    }
    Ok(())
}

/// Header-safe ASCII (non-ASCII characters become '?').
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .collect()
}
