//! `roomwork draft`: the drafting workflows. Each runs the policy before drafting, drafts on
//! the built-in engine, checks the draft's grounding against its inputs and lands it in the
//! approval inbox.

use std::collections::HashSet;

use roomwork_domain::{Account, Clock as _, Contact, Opportunity, StageCatalog, SystemClock};
use roomwork_drafting::{follow_up, grounding, notes_eval, prompt};
use roomwork_store::{AuditEntry, Store};

use super::inbox::{Submission, refuse, store_submission};
use super::policy::{account_state, find_account, load_matrix};
use super::{Context, read_file, sha256};
use crate::args::{DraftArgs, DraftCommand};
use crate::exit::InvalidInput;
use crate::output::{self, say};

const TASK: &str = "follow-up-email";

pub async fn run(ctx: &Context, args: DraftArgs) -> anyhow::Result<()> {
    match args.command {
        DraftCommand::FollowUp {
            notes,
            account,
            to,
            by,
            today,
            engine,
        } => {
            let text = read_file(&notes)?;
            if text.trim().is_empty() {
                return Err(InvalidInput(format!("{} is empty", notes.display())).into());
            }
            let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
            follow_up_email(
                ctx,
                FollowUpRequest {
                    notes_path: &notes.display().to_string(),
                    notes: &text,
                    account,
                    to,
                    by: &by,
                    today,
                    engine: engine.as_deref(),
                },
            )
            .await
        }
        DraftCommand::EvalNotes { file, competitors } => eval_notes(ctx, &file, competitors),
        DraftCommand::EvalCrm { file } => eval_crm(ctx, &file),
        DraftCommand::EvalRetrieval { file } => eval_retrieval(ctx, &file),
        DraftCommand::EvalProspect { file, year } => eval_prospect(ctx, &file, year),
        DraftCommand::Saved => saved(ctx).await,
        DraftCommand::Quotation {
            spec,
            account,
            prices,
            by,
            engine,
        } => {
            quotation(
                ctx,
                &spec,
                &account,
                prices.as_deref(),
                &by,
                engine.as_deref(),
            )
            .await
        }
        DraftCommand::Prospect {
            name,
            sector,
            sources,
            per_section,
            by,
            engine,
        } => {
            let today = chrono::Utc::now().date_naive();
            let ask = Ask {
                by: &by,
                engine: engine.as_deref(),
                today,
            };
            prospect(ctx, &name, &sector, &sources, per_section, ask).await
        }
        DraftCommand::PipelineReport {
            owner,
            out,
            format,
            by,
            today,
            engine,
            from,
            currency,
        } => {
            let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let ask = Ask {
                by: &by,
                engine: engine.as_deref(),
                today,
            };
            let source = if from.is_empty() {
                None
            } else {
                Some(from_exports(ctx, &from, &currency)?)
            };
            let out = ReportOut {
                owner: owner.as_deref(),
                path: out.as_deref(),
                format,
            };
            pipeline_report(ctx, out, source, ask).await
        }
        DraftCommand::CrmUpdate {
            notes,
            opportunity,
            account,
            by,
            today,
            engine,
        } => {
            let text = read_file(&notes)?;
            if text.trim().is_empty() {
                return Err(InvalidInput(format!("{} is empty", notes.display())).into());
            }
            let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
            crm_update(
                ctx,
                &notes.display().to_string(),
                &text,
                opportunity.as_deref(),
                account.as_deref(),
                Ask {
                    by: &by,
                    engine: engine.as_deref(),
                    today,
                },
            )
            .await
        }
        DraftCommand::Briefing {
            account,
            call_type,
            by,
            today,
            engine,
        } => {
            let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let ask = Ask {
                by: &by,
                engine: engine.as_deref(),
                today,
            };
            briefing(ctx, &account, call_type.as_deref(), ask).await
        }
    }
}

/// Who asks, with which engine, on which day.
#[derive(Clone, Copy)]
struct Ask<'a> {
    by: &'a str,
    engine: Option<&'a str>,
    today: chrono::NaiveDate,
}

/// The policy before a prompt leaves the machine: a request it protects is refused (and
/// audited) before anything is sent to a provider. (On the built-in engine nothing leaves, and
/// the policy reads the request and the draft together when the draft is submitted.)
async fn policy_first(
    ctx: &Context,
    kind: &str,
    account: Option<&Account>,
    text: &str,
    by: &str,
    workflow: &str,
) -> anyhow::Result<Option<roomwork_policy::Verdict>> {
    let foundation = ctx.foundation()?;
    let matrix = load_matrix(ctx)?;
    let competitors = foundation.competitors().to_vec();
    ctx.with_store(async |store| {
        let state = match account {
            Some(a) => Some(account_state(store, a, &foundation).await?),
            None => None,
        };
        let mut request = roomwork_policy::Request::new(kind, text);
        if let Some(st) = &state {
            request = request.for_account(st);
        }
        let verdict = roomwork_policy::decide(&matrix, &request, &competitors)
            .map_err(|e| InvalidInput(e.to_string()))?;
        if verdict.permit().is_some() {
            return Ok(None);
        }
        store
            .audit_append(&AuditEntry::new(
                by,
                "draft.refused",
                account.map(|a| a.name.clone()).unwrap_or_default(),
                serde_json::json!({
                    "verdict": super::audited_verdict(&verdict),
                    "workflow": workflow,
                    "before": "provider",
                    "text_sha256": sha256(text),
                }),
            ))
            .await?;
        Ok(Some(verdict))
    })
    .await
}

/// Tells the person which engine drafted and which claims the grounding check could not
/// trace to the inputs.
fn say_engine_and_checks(used: &super::engine::Used, untraced: &[grounding::Claim], inputs: &str) {
    if let Some(line) = used.describe() {
        say!("{line}");
    }
    for c in untraced {
        say!(
            "Check: the {} \"{}\" is not in {inputs}.",
            c.kind.describe(),
            c.text
        );
    }
}

/// Workflow 1: the pre-call briefing from the store, into the inbox.
async fn briefing(
    ctx: &Context,
    key: &str,
    call_type: Option<&str>,
    ask: Ask<'_>,
) -> anyhow::Result<()> {
    use roomwork_drafting::briefing as engine;
    let Ask { by, today, .. } = ask;
    let foundation = ctx.foundation()?;
    let llm = super::engine::open(ctx, ask.engine)?;
    let guide = foundation.briefing.as_ref().ok_or_else(|| {
        InvalidInput(
            "the Foundation has no briefing.toml: `roomwork foundation init` writes a starting one"
                .into(),
        )
    })?;
    let call = match call_type {
        Some(slug) => guide
            .call_types
            .iter()
            .find(|c| c.slug == slug)
            .ok_or_else(|| {
                InvalidInput(format!(
                    "briefing.toml has no call type {slug:?}; it has: {}",
                    guide
                        .call_types
                        .iter()
                        .map(|c| c.slug.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => guide
            .call_types
            .first()
            .ok_or_else(|| InvalidInput("briefing.toml defines no [[call_type]]".into()))?,
    };
    let b = ctx
        .with_store(async |store| {
            let account = find_account(store, key).await?;
            let (b, owner) = compose_briefing(store, &foundation, call, &account, today).await?;
            Ok((b, account, owner))
        })
        .await?;
    let (b, account, owner) = b;
    let mut body = b.markdown.clone();
    let mut used = super::engine::Used::built_in();
    let mut untraced = Vec::new();
    if let Some(llm) = &llm {
        if let Some(v) = policy_first(
            ctx,
            "pre-call-briefing",
            Some(&account),
            "",
            by,
            "pre-call-briefing",
        )
        .await?
        {
            return refuse(ctx, &v);
        }
        let (p, masked) = engine::prompt(call, &b, owner.as_deref(), &llm.privacy);
        let (text, u) = llm
            .ask(&p, false, &masked, |t| {
                engine::from_model(call, &b, &masked.restore_checked(t)?)
            })
            .await;
        if let Some(text) = text {
            // The facts the model was given are what its briefing may rest on.
            untraced = grounding::check(&text, &[&masked.original()], today)
                .untraced()
                .cloned()
                .collect();
            body = text;
        }
        body = u.marked(&body);
        used = u;
    }
    let submission = Submission {
        kind: "pre-call-briefing".into(),
        subject: b.title.clone(),
        body: body.clone(),
        notes: None,
        account: Some(account.id.to_string()),
        to: None,
        engine: used.engine.clone(),
        model: used.model.clone(),
        prompt_fingerprint: used.fingerprint.clone(),
        inputs: vec![format!(
            "store: account {} ({} records)",
            account.id, b.records
        )],
        by: by.to_string(),
        extra: serde_json::json!({
            "workflow": "pre-call-briefing",
            "call_type": call.slug,
            "records": b.records,
            "untraced": untraced.len(),
            "engine": used.audited(),
        }),
        workflow: Some(roomwork_domain::Workflow::PreCallBriefing),
        opportunity: None,
        change: None,
        model_text: used.model.is_some().then(|| body.clone()),
    };
    let (pending, _verdict) = match store_submission(ctx, submission).await? {
        Ok(ok) => ok,
        Err(verdict) => return refuse(ctx, &verdict),
    };
    let d = pending.draft();
    let minutes = foundation
        .time_saved()
        .minutes(roomwork_domain::Workflow::PreCallBriefing);
    if ctx.json {
        return output::json(&serde_json::json!({
            "id": d.id,
            "status": d.status,
            "briefing": b,
            "body": d.body,
            "engine": used.engine,
            "model": used.model,
            "fallback": used.fallback,
            "untraced": untraced,
            "minutes_saved": minutes,
            "outstanding": pending.outstanding(),
        }));
    }
    say!("{}", d.body);
    say_engine_and_checks(&used, &untraced, "the account's records");
    say!(
        "Briefing {} is waiting in the inbox: write your objectives in it (`roomwork inbox edit {}`), then approve it. It saved about {minutes} minutes.",
        d.id,
        d.id
    );
    Ok(())
}

pub(super) use roomwork_server::records::compose_briefing;

/// Workflow 5: the RFQ response and quotation narrative, into the inbox.
async fn quotation(
    ctx: &Context,
    spec_path: &std::path::Path,
    key: &str,
    prices_path: Option<&std::path::Path>,
    by: &str,
    engine_name: Option<&str>,
) -> anyhow::Result<()> {
    use roomwork_drafting::quotation as engine;
    let spec = read_file(spec_path)?;
    if spec.trim().is_empty() {
        return Err(InvalidInput(format!("{} is empty", spec_path.display())).into());
    }
    let prices = prices_path.map(read_file).transpose()?;
    let foundation = ctx.foundation()?;
    let guide = foundation.capabilities.clone().ok_or_else(|| {
        InvalidInput(
            "the Foundation has no capabilities.toml: its [proposal] format shapes the response (`roomwork foundation init`)".into(),
        )
    })?;
    let llm = super::engine::open(ctx, engine_name)?;
    let (account, projects) = ctx
        .with_store(async |store| Ok((find_account(store, key).await?, store.projects().await?)))
        .await?;
    let mut inputs = engine::Inputs {
        customer: &account.name,
        spec: &spec,
        prices: prices.as_deref(),
        projects: &projects,
        guide: &guide,
        written: None,
    };
    let mut used = super::engine::Used::built_in();
    let mut untraced = Vec::new();
    let mut written = None;
    let mut written_text = None;
    if let Some(llm) = &llm {
        if let Some(v) = policy_first(
            ctx,
            "quotation-narrative",
            Some(&account),
            &spec,
            by,
            "quotation-narrative",
        )
        .await?
        {
            return refuse(ctx, &v);
        }
        let (p, masked) = engine::prompt(&inputs, &llm.privacy);
        let (w, u) = llm
            .ask(&p, true, &masked, |t| {
                engine::from_model(t, &masked, &guide)
            })
            .await;
        used = u;
        if let Some(w) = w {
            let text: String = w.values().map(|v| format!("{v}\n")).collect();
            written_text = Some(text.clone());
            untraced = grounding::check(
                &text,
                &[&masked.original()],
                chrono::Utc::now().date_naive(),
            )
            .untraced()
            .cloned()
            .collect();
            written = Some(w);
        }
    }
    inputs.written = written.as_ref();
    let mut q = engine::compose(&inputs);
    q.markdown = used.marked(&q.markdown);
    let mut inputs = vec![spec_path.display().to_string()];
    if let Some(p) = prices_path {
        inputs.push(p.display().to_string());
    }
    inputs.push(format!("store: {} portfolio projects", projects.len()));
    let submission = Submission {
        kind: "quotation-narrative".into(),
        subject: format!("Response to {}'s request", account.name),
        body: q.markdown.clone(),
        notes: Some(spec.clone()),
        account: Some(account.id.to_string()),
        to: None,
        engine: used.engine.clone(),
        model: used.model.clone(),
        prompt_fingerprint: used.fingerprint.clone(),
        inputs,
        by: by.to_string(),
        extra: serde_json::json!({
            "workflow": "quotation-narrative",
            "references": q.references.iter().map(|r| &r.title).collect::<Vec<_>>(),
            "marked_sections": q.marked.len(),
            "untraced": untraced.len(),
            "engine": used.audited(),
        }),
        workflow: Some(roomwork_domain::Workflow::QuotationNarrative),
        opportunity: None,
        change: None,
        model_text: written_text.clone(),
    };
    let (pending, verdict) = match store_submission(ctx, submission).await? {
        Ok(ok) => ok,
        Err(verdict) => return refuse(ctx, &verdict),
    };
    let d = pending.draft();
    if ctx.json {
        return output::json(&serde_json::json!({
            "id": d.id,
            "status": d.status,
            "quotation": q,
            "engine": used.engine,
            "model": used.model,
            "fallback": used.fallback,
            "untraced": untraced,
            "verdict": verdict,
            "outstanding": pending.outstanding(),
        }));
    }
    say!("{}", q.markdown);
    say_engine_and_checks(
        &used,
        &untraced,
        "the specification, the portfolio or the capabilities guide",
    );
    say!(
        "{} section(s) are marked for you to write. Draft {} is in the inbox ({}).",
        q.marked.len(),
        d.id,
        verdict.outcome.describe()
    );
    Ok(())
}

/// Workflow 4: a prospect profile from the sources given, every statement cited.
async fn prospect(
    ctx: &Context,
    name: &str,
    sector: &str,
    files: &[std::path::PathBuf],
    per_section: usize,
    ask: Ask<'_>,
) -> anyhow::Result<()> {
    use roomwork_drafting::prospect as engine;
    let by = ask.by;
    let llm = super::engine::open(ctx, ask.engine)?;
    let sources = files
        .iter()
        .map(|f| {
            let text = read_file(f)?;
            if text.trim().is_empty() {
                return Err(InvalidInput(format!("{} is empty", f.display())).into());
            }
            Ok(engine::Source {
                label: f.display().to_string(),
                text,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let foundation = ctx.foundation()?;
    let terms: Vec<String> = foundation
        .capabilities
        .as_ref()
        .map(|c| c.terms.iter().map(|t| t.term.clone()).collect())
        .unwrap_or_default();
    let per_section = per_section.max(1);
    let mut p = engine::profile(
        name,
        sector,
        &sources,
        &terms,
        per_section,
        chrono::Datelike::year(&ask.today),
    );
    let mut used = super::engine::Used::built_in();
    if let Some(llm) = &llm {
        let avoid: Vec<&String> = foundation
            .capabilities
            .iter()
            .flat_map(|c| c.avoid.iter())
            .collect();
        let all: String = sources.iter().map(|s| format!("{}\n", s.text)).collect();
        if let Some(v) =
            policy_first(ctx, "prospect-profile", None, &all, by, "prospect-profile").await?
        {
            return refuse(ctx, &v);
        }
        let (prompt, masked) =
            engine::prompt(name, sector, &sources, per_section, &avoid, &llm.privacy);
        // Every statement is checked against the source it cites before it is accepted.
        let (sections, u) = llm
            .ask(&prompt, true, &masked, |t| {
                engine::from_model(t, &masked, &sources, per_section, ask.today)
            })
            .await;
        if let Some(sections) = sections {
            p.markdown = engine::render(name, sector, &sections, &p.sources);
            p.sections = sections;
        }
        p.markdown = u.marked(&p.markdown);
        used = u;
    }
    let submission = Submission {
        kind: "prospect-profile".into(),
        subject: format!("Prospect profile: {name}"),
        body: p.markdown.clone(),
        notes: None,
        account: None,
        to: None,
        engine: used.engine.clone(),
        model: used.model.clone(),
        prompt_fingerprint: used.fingerprint.clone(),
        inputs: p.sources.clone(),
        by: by.to_string(),
        extra: serde_json::json!({
            "workflow": "prospect-profile",
            "sentences_read": p.read,
            "left_out": p.dropped,
            "engine": used.audited(),
        }),
        workflow: Some(roomwork_domain::Workflow::ProspectProfile),
        opportunity: None,
        change: None,
        model_text: used.model.is_some().then(|| {
            p.sections
                .iter()
                .flat_map(|(_, st)| st.iter().map(|x| format!("{}\n", x.text)))
                .collect()
        }),
    };
    let (pending, _verdict) = match store_submission(ctx, submission).await? {
        Ok(ok) => ok,
        Err(verdict) => return refuse(ctx, &verdict),
    };
    let d = pending.draft();
    if ctx.json {
        return output::json(&serde_json::json!({
            "id": d.id,
            "status": d.status,
            "profile": p,
            "engine": used.engine,
            "model": used.model,
            "fallback": used.fallback,
        }));
    }
    say!("{}", p.markdown);
    say_engine_and_checks(&used, &[], "");
    if used.model.is_some() {
        say!(
            "Every statement was checked against the source it cites. Profile {} is in the inbox: write your angle, then approve it.",
            d.id
        );
    } else {
        say!(
            "{} sentences read, {} left out as boilerplate, duplicates or off-topic. Profile {} is in the inbox: write your angle, then approve it.",
            p.read,
            p.dropped,
            d.id
        );
    }
    Ok(())
}

/// Records read from CRM exports, not stored: the deals, accounts, reps and activities the
/// exports hold, and the files' names.
struct Exported {
    deals: Vec<roomwork_domain::Opportunity>,
    accounts: Vec<Account>,
    reps: Vec<roomwork_domain::Rep>,
    activities: Vec<roomwork_domain::Activity>,
    files: Vec<String>,
}

/// Reads CRM exports as `roomwork import` would (detection, cell parsing, stage
/// reconciliation with the Foundation's stages), without storing anything.
fn from_exports(
    ctx: &Context,
    files: &[std::path::PathBuf],
    currency: &str,
) -> anyhow::Result<Exported> {
    let currency = roomwork_domain::Currency::parse(currency)
        .map_err(|e| InvalidInput(format!("--currency: {e}")))?;
    let catalog = ctx.foundation()?.stage_catalog();
    let mut existing = roomwork_ingest::resolve::Existing::default();
    let clock = roomwork_domain::SystemClock;
    let mut out = Exported {
        deals: vec![],
        accounts: vec![],
        reps: vec![],
        activities: vec![],
        files: vec![],
    };
    for f in files {
        let name = f.display().to_string();
        let bytes =
            std::fs::read(f).map_err(|e| InvalidInput(format!("{name}: cannot read: {e}")))?;
        let parsed =
            roomwork_ingest::parse_file_with(&name, &bytes, None, currency, None, &mut |_| {})
                .map_err(|e| InvalidInput(e.to_string()))?;
        let present = parsed.present();
        let plan = roomwork_ingest::resolve::plan(
            parsed.records,
            &present,
            &mut existing,
            &catalog,
            &clock,
            0,
        );
        let b = plan.batch;
        // A later file's record replaces an earlier one with the same id.
        for d in b.opportunities {
            out.deals.retain(|x| x.id != d.id);
            out.deals.push(d);
        }
        for a in b.accounts {
            out.accounts.retain(|x| x.id != a.id);
            out.accounts.push(a);
        }
        for r in b.reps {
            out.reps.retain(|x| x.id != r.id);
            out.reps.push(r);
        }
        out.activities.extend(b.activities);
        out.files.push(name);
    }
    if out.deals.is_empty() {
        return Err(InvalidInput(format!(
            "{} holds no opportunities or deals: give an opportunity or deal export",
            out.files.join(", ")
        ))
        .into());
    }
    Ok(out)
}

/// Where and how the report goes.
struct ReportOut<'a> {
    owner: Option<&'a str>,
    path: Option<&'a std::path::Path>,
    format: crate::args::ReportFormat,
}

/// Workflow 3: the weekly pipeline report from the store or from CRM exports, into the inbox
/// and a file.
async fn pipeline_report(
    ctx: &Context,
    target: ReportOut<'_>,
    source: Option<Exported>,
    ask: Ask<'_>,
) -> anyhow::Result<()> {
    let ReportOut {
        owner,
        path: out,
        format,
    } = target;
    use roomwork_drafting::pipeline_report as engine;
    let Ask { by, today, .. } = ask;
    let foundation = ctx.foundation()?;
    let llm = super::engine::open(ctx, ask.engine)?;
    let pipeline = foundation.pipeline.clone().unwrap_or_default();
    if pipeline.stages.is_empty() {
        return Err(InvalidInput(
            "the Foundation's pipeline.toml defines no [[stage]]: the report follows its stages (`roomwork foundation init`)".into(),
        )
        .into());
    }
    let competitors = foundation.competitors().to_vec();
    let since = today - chrono::Duration::days(8);
    // With --owner, only that owner's deals, and the notes on their deals' accounts.
    let narrow = |reps: &[roomwork_domain::Rep],
                  mut deals: Vec<roomwork_domain::Opportunity>,
                  activities: Vec<roomwork_domain::Activity>|
     -> anyhow::Result<_> {
        if let Some(name) = owner {
            let rep = reps
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| InvalidInput(format!("no rep named {name:?}")))?;
            deals.retain(|o| o.owner == Some(rep.id));
        }
        let accounts_of_deals: std::collections::HashSet<_> =
            deals.iter().filter_map(|o| o.account_id).collect();
        let activities: Vec<_> = activities
            .into_iter()
            .filter(|a| a.occurred_at.date_naive() >= since)
            .filter(|a| {
                owner.is_none()
                    || a.account_id
                        .is_some_and(|id| accounts_of_deals.contains(&id))
            })
            .collect();
        Ok((deals, activities))
    };
    // From the store: the exact changes since the last snapshot before today, and the deals
    // whose close date moved later more than once (from their field history).
    let (deals, accounts, reps, activities, source_files, since, slipping) = match source {
        Some(x) => {
            let (deals, activities) = narrow(&x.reps, x.deals, x.activities)?;
            (
                deals,
                x.accounts,
                x.reps,
                activities,
                Some(x.files),
                None,
                HashSet::new(),
            )
        }
        None => {
            ctx.with_store(async |store| {
                let reps = store.reps().await?;
                let all = store.opportunities(true).await?;
                let edits = store.field_edits(None).await?;
                let stages = super::pipeline::stages(ctx)?;
                let frame = roomwork_pipeline::Frame::build(&stages, &all, &[], &edits);
                let times = super::pipeline::config(ctx)?.close_date_pushed.times as usize;
                let slipping: HashSet<_> = (0..frame.len())
                    .filter(|&i| frame.pushes_until(i, today) >= times)
                    .map(|i| frame.deals[i].id)
                    .collect();
                let last = store
                    .snapshots()
                    .await?
                    .into_iter()
                    .rfind(|s| s.taken_on < today);
                let since = match last {
                    Some(info) => {
                        let snap = store.snapshot(info.taken_on).await?;
                        let changes = roomwork_pipeline::snapshot::changes(
                            &frame,
                            &snap.deals,
                            info.taken_on,
                            today,
                        );
                        Some(engine::SinceSnapshot {
                            day: info.taken_on,
                            source: info.source.as_str().to_string(),
                            changes: changes
                                .into_iter()
                                .map(|c| (c.kind.label().to_string(), c.opportunity_id, c.detail))
                                .collect(),
                        })
                    }
                    None => None,
                };
                let (deals, activities) =
                    narrow(&reps, all, store.activities(Default::default()).await?)?;
                let mut since = since;
                // An owner's report shows the changes to that owner's deals (and removed ones).
                if let Some(s) = &mut since
                    && owner.is_some()
                {
                    let mine: HashSet<_> = deals.iter().map(|o| o.id).collect();
                    s.changes
                        .retain(|(kind, id, _)| kind == "removed" || mine.contains(id));
                }
                Ok((
                    deals,
                    store.accounts().await?,
                    reps,
                    activities,
                    None,
                    since,
                    slipping,
                ))
            })
            .await?
        }
    };
    let report = engine::build(&engine::Inputs {
        deals: &deals,
        accounts: &accounts,
        reps: &reps,
        activities: &activities,
        stages: &pipeline.stages,
        stalled_after_days: pipeline.stalled_after_days,
        actions: &pipeline.actions,
        competitors: &competitors,
        sections: &pipeline.report_sections,
        today,
        since: since.as_ref(),
        slipping: &slipping,
    });
    let computed = engine::markdown(&report, &pipeline.report_sections);
    let mut md = computed.clone();
    let mut used = super::engine::Used::built_in();
    let mut untraced = Vec::new();
    let mut summary = None;
    if let Some(llm) = &llm {
        if let Some(v) =
            policy_first(ctx, "pipeline-report", None, "", by, "pipeline-report").await?
        {
            return refuse(ctx, &v);
        }
        let (p, masked) = engine::summary_prompt(&computed, owner, &llm.privacy);
        let (text, u) = llm
            .ask(&p, false, &masked, |t| {
                let t = masked.restore_checked(t)?;
                engine::with_summary(&computed, &t, llm.name()).map(|md| (md, t))
            })
            .await;
        if let Some((with, text)) = text {
            untraced = grounding::check(&text, &[&computed], today)
                .untraced()
                .cloned()
                .collect();
            md = with;
            summary = Some(text);
        }
        md = u.marked(&md);
        used = u;
    }
    let submission = Submission {
        kind: "pipeline-report".into(),
        subject: format!(
            "Weekly pipeline report, {}{}",
            today.format("%-d %B %Y"),
            owner.map(|o| format!(" ({o})")).unwrap_or_default()
        ),
        body: md.clone(),
        notes: None,
        account: None,
        to: None,
        engine: used.engine.clone(),
        model: used.model.clone(),
        prompt_fingerprint: used.fingerprint.clone(),
        inputs: source_files
            .clone()
            .unwrap_or_else(|| vec![format!("store: {} deals", deals.len())]),
        by: by.to_string(),
        extra: serde_json::json!({
            "workflow": "pipeline-report",
            "open_deals": report.rows.len(),
            "stalled": report.rows.iter().filter(|r| r.stalled).count(),
            "untraced": untraced.len(),
            "engine": used.audited(),
        }),
        workflow: Some(roomwork_domain::Workflow::PipelineReport),
        opportunity: None,
        change: None,
        model_text: summary.clone(),
    };
    // The file is written (under a temporary name beside it) before anything is stored, so
    // that a path that cannot be written leaves no draft, snapshot or saved time behind.
    let written = match out {
        Some(path) => {
            let text = match format {
                crate::args::ReportFormat::Md => md.clone(),
                crate::args::ReportFormat::Html => {
                    let html = engine::html(&report, &pipeline.report_sections);
                    match &summary {
                        Some(text) => engine::html_with_summary(&html, text, &used.engine),
                        None => html,
                    }
                }
                crate::args::ReportFormat::Csv => engine::csv(&report),
            };
            let written = PendingFile::write(path, &text).map_err(|e| {
                crate::exit::InvalidInput(format!("cannot write {}: {e}", path.display()))
            })?;
            Some((path, written))
        }
        None => None,
    };
    // Each report saves the open pipeline as a snapshot before it enters the inbox (the first
    // of the day, the whole pipeline whatever --owner), so that next week's changes are exact
    // and a failure here leaves no draft behind. A snapshot records the pipeline as it is now:
    // a report dated another day (--today) saves none.
    let snapshot = if source_files.is_none() && today == SystemClock.today() {
        ctx.with_store(async |store| {
            let taken = store.snapshots().await?.iter().any(|s| s.taken_on == today);
            if taken {
                Ok(None)
            } else {
                super::pipeline::take_snapshot(ctx, store, today, by)
                    .await
                    .map(Some)
            }
        })
        .await?
    } else {
        None
    };
    let (pending, _verdict) = match store_submission(ctx, submission).await? {
        Ok(ok) => ok,
        Err(verdict) => return refuse(ctx, &verdict),
    };
    if let Some((path, written)) = written {
        written
            .persist(path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    let d = pending.draft();
    if ctx.json {
        return output::json(&serde_json::json!({
            "id": d.id,
            "status": d.status,
            "snapshot": snapshot,
            "report": report,
            "body": d.body,
            "engine": used.engine,
            "model": used.model,
            "fallback": used.fallback,
            "untraced": untraced,
        }));
    }
    say!("{md}");
    say_engine_and_checks(&used, &untraced, "the computed report");
    if let Some(path) = out {
        say!("Written to {}.", path.display());
    }
    match snapshot {
        Some(n) => say!(
            "Saved today's open pipeline ({n} deals) as a snapshot: next week's report measures its changes from it."
        ),
        None if source_files.is_some() => {}
        None if today != SystemClock.today() => say!(
            "No snapshot saved: the report is dated {today}, and a snapshot records the pipeline as it is today."
        ),
        None => say!("Today's snapshot was already saved; it is kept as first taken."),
    }
    say!(
        "Report {} is waiting in the inbox for the sales director's commentary and approval.",
        d.id
    );
    Ok(())
}

/// Workflow 6: a CRM update from meeting notes, as a diff, into the inbox; applied on approval.
async fn crm_update(
    ctx: &Context,
    notes_path: &str,
    notes: &str,
    opportunity: Option<&str>,
    account: Option<&str>,
    ask: Ask<'_>,
) -> anyhow::Result<()> {
    use roomwork_drafting::crm_update as engine;
    let Ask { by, today, .. } = ask;
    let foundation = ctx.foundation()?;
    let llm = super::engine::open(ctx, ask.engine)?;
    let stages = foundation
        .pipeline
        .as_ref()
        .map(|p| p.stages.clone())
        .unwrap_or_default();
    if stages.is_empty() {
        return Err(InvalidInput(
            "the Foundation's pipeline.toml defines no [[stage]]: the stage criteria are what a CRM update is checked against (`roomwork foundation init`)".into(),
        )
        .into());
    }
    let next_steps = foundation
        .crm
        .as_ref()
        .map(|c| c.next_steps.clone())
        .unwrap_or_default();
    let competitors = foundation.competitors().to_vec();
    let catalog = foundation.stage_catalog();
    let (account, deal) = ctx
        .with_store(async |store| {
            let account = account_of(store, account.map(str::to_string).as_deref(), notes).await?;
            let deals: Vec<_> = store
                .opportunities(true)
                .await?
                .into_iter()
                .filter(|o| o.account_id == Some(account.id))
                .collect();
            let deal = match opportunity {
                Some(key) => deal_named(&deals, key, &catalog, &account.name)?,
                None => pick_deal(&deals, &catalog, notes, &account.name)?,
            };
            Ok((account, deal))
        })
        .await?;
    let inputs = engine::Inputs {
        notes,
        deal: &deal,
        stages: &stages,
        next_steps: &next_steps,
        competitors: &competitors,
        account_manager: by,
        today,
    };
    let mut p = engine::propose(&inputs);
    let mut used = super::engine::Used::built_in();
    if let Some(llm) = &llm {
        if let Some(v) =
            policy_first(ctx, "crm-update", Some(&account), notes, by, "crm-update").await?
        {
            return refuse(ctx, &v);
        }
        let (prompt, masked) = engine::prompt(&inputs, &llm.privacy);
        // The answer is held to the schema and to the built-in engine's rules: a stage only
        // with the notes' own words for it, never backwards or closed.
        let (proposal, u) = llm
            .ask(&prompt, true, &masked, |t| {
                engine::from_model(&inputs, t, &masked)
            })
            .await;
        if let Some(proposal) = proposal {
            p = proposal;
        }
        p.body = u.marked(&p.body);
        used = u;
    }
    let submission = Submission {
        kind: "crm-update".into(),
        subject: format!("CRM update: {}", deal.name),
        body: p.body.clone(),
        notes: Some(notes.to_string()),
        account: Some(account.id.to_string()),
        to: None,
        engine: used.engine.clone(),
        model: used.model.clone(),
        prompt_fingerprint: used.fingerprint.clone(),
        inputs: vec![notes_path.to_string(), format!("store: deal {}", deal.id)],
        by: by.to_string(),
        extra: serde_json::json!({
            "workflow": "crm-update",
            "deal": deal.id,
            "fields": [
                p.change.stage.is_some(),
                p.change.next_step.is_some(),
                p.change.next_step_date.is_some(),
                p.change.close_date.is_some(),
            ],
            "engine": used.audited(),
        }),
        workflow: Some(roomwork_domain::Workflow::CrmUpdate),
        opportunity: Some(deal.id),
        change: Some(p.change.clone()),
        model_text: used.model.is_some().then(|| p.body.clone()),
    };
    let (pending, _verdict) = match store_submission(ctx, submission).await? {
        Ok(ok) => ok,
        Err(verdict) => return refuse(ctx, &verdict),
    };
    let d = pending.draft();
    if ctx.json {
        return output::json(&serde_json::json!({
            "id": d.id,
            "status": d.status,
            "deal": deal.name,
            "proposal": p,
            "engine": used.engine,
            "model": used.model,
            "fallback": used.fallback,
        }));
    }
    say!("{}\n", p.body);
    say_engine_and_checks(&used, &[], "");
    say!(
        "Draft {} is waiting for approval; approving it applies the change (`roomwork inbox approve {}`).",
        d.id,
        d.id
    );
    Ok(())
}

/// The account's open deal the notes fit best: the only open one, or the one whose name's
/// words the notes use most.
fn pick_deal(
    deals: &[roomwork_domain::Opportunity],
    catalog: &roomwork_domain::StageCatalog,
    notes: &str,
    account: &str,
) -> anyhow::Result<roomwork_domain::Opportunity> {
    let open: Vec<_> = deals
        .iter()
        .filter(|o| !catalog.is_closed(&o.stage))
        .collect();
    let account_words: Vec<String> = account.split_whitespace().map(str::to_lowercase).collect();
    let score = |o: &roomwork_domain::Opportunity| {
        o.name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 3 && !account_words.contains(&w.to_lowercase()))
            .filter(|w| !roomwork_drafting::text::find_phrase(notes, w).is_empty())
            .count()
    };
    match open.as_slice() {
        [] => Err(InvalidInput(format!("{account} has no open deal to update")).into()),
        [one] => Ok((*one).clone()),
        many => {
            let best = many.iter().map(|o| (score(o), *o)).max_by_key(|(s, _)| *s);
            let ties = many
                .iter()
                .filter(|o| Some(score(o)) == best.map(|b| b.0))
                .count();
            match best {
                Some((s, o)) if s > 0 && ties == 1 => Ok(o.clone()),
                _ => Err(InvalidInput(format!(
                    "{account} has {} open deals and the notes do not say which: give --opportunity with one of {}",
                    many.len(),
                    many.iter().map(|o| format!("{:?}", o.name)).collect::<Vec<_>>().join(", ")
                ))
                .into()),
            }
        }
    }
}

/// One row of the ledger summary.
#[derive(serde::Serialize)]
struct SavedRow {
    week: chrono::NaiveDate,
    used_by: String,
    workflow: roomwork_domain::Workflow,
    drafts: usize,
    approved_or_sent: usize,
    minutes: u64,
    value_minor: i64,
    currency: String,
}

async fn saved(ctx: &Context) -> anyhow::Result<()> {
    use chrono::Datelike as _;
    use roomwork_domain::DraftStatus;
    let (uses, drafts) = ctx
        .with_store(async |store| {
            Ok((
                store.workflow_uses().await?,
                store.drafts(Default::default()).await?,
            ))
        })
        .await?;
    let status: std::collections::HashMap<_, _> = drafts.iter().map(|d| (d.id, d.status)).collect();
    let mut rows: std::collections::BTreeMap<_, SavedRow> = std::collections::BTreeMap::new();
    for u in &uses {
        let day = u.at.date_naive();
        let week = day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
        let currency = u.hourly_cost.currency().code().to_string();
        let key = (
            week,
            u.used_by.clone(),
            u.workflow.as_str(),
            currency.clone(),
        );
        let row = rows.entry(key).or_insert_with(|| SavedRow {
            week,
            used_by: u.used_by.clone(),
            workflow: u.workflow,
            drafts: 0,
            approved_or_sent: 0,
            minutes: 0,
            value_minor: 0,
            currency,
        });
        row.drafts += 1;
        if matches!(
            status.get(&u.draft_id),
            Some(DraftStatus::Approved | DraftStatus::Sent)
        ) {
            row.approved_or_sent += 1;
        }
        row.minutes += u64::from(u.minutes_saved);
        row.value_minor += u.value_minor();
    }
    let rows: Vec<SavedRow> = rows.into_values().collect();
    if ctx.json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        say!(
            "No workflow has drafted anything yet: `roomwork draft follow-up --notes FILE` is one."
        );
        return Ok(());
    }
    let table = rows.iter().map(|r| {
        vec![
            r.week.to_string(),
            r.used_by.clone(),
            r.workflow.label().to_string(),
            r.drafts.to_string(),
            r.approved_or_sent.to_string(),
            format!("{:.1}", r.minutes as f64 / 60.0),
            roomwork_domain::Currency::parse(&r.currency)
                .map(|c| roomwork_domain::Money::from_minor(r.value_minor, c).to_string())
                .unwrap_or_else(|_| format!("{} {}", r.value_minor, r.currency)),
        ]
    });
    say!(
        "{}",
        output::table(
            &[
                "week of",
                "who",
                "workflow",
                "drafts",
                "approved or sent",
                "hours saved",
                "worth"
            ],
            table
        )
    );
    say!(
        "Minutes per use and the hourly cost come from the Foundation (crm.toml [time_saved]) as they were when each draft was made."
    );
    Ok(())
}

fn eval_notes(
    ctx: &Context,
    file: &std::path::Path,
    competitors: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let items: Vec<notes_eval::LabelledNotes> = super::read_jsonl(file)?;
    let competitors: Vec<String> = match competitors {
        Some(path) => read_file(&path)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
        None => ctx.foundation()?.competitors().to_vec(),
    };
    let r = notes_eval::evaluate(&items, &competitors);
    if ctx.json {
        return output::json(&r);
    }
    say!(
        "{}: {} notes, {} bullets; {} competitors known",
        file.display(),
        r.notes,
        r.lines,
        competitors.len()
    );
    let rows = r.roles.iter().map(|(role, s)| {
        vec![
            role.clone(),
            s.labelled.to_string(),
            s.predicted.to_string(),
            s.correct.to_string(),
            format!("{:.3}", s.precision),
            format!("{:.3}", s.recall),
        ]
    });
    say!(
        "{}",
        output::table(
            &["role", "labelled", "engine", "agree", "precision", "recall"],
            rows
        )
    );
    say!(
        "roles right: {} of {} ({:.3}); internal lines that would reach the customer: {}",
        r.correct,
        r.lines,
        r.accuracy,
        r.leaks.len()
    );
    say!(
        "due dates: {} of {} labelled dates resolved the same; {} undated commitments given a date",
        r.dated_correct,
        r.dated,
        r.dated_wrongly
    );
    for (id, text, want, got, why) in &r.confusions {
        say!("{id}: {want} read as {got}: {text:?} ({why})");
    }
    for (id, text, want, got) in &r.date_errors {
        say!("{id}: due {want}, engine {got}: {text:?}");
    }
    Ok(())
}

fn eval_crm(ctx: &Context, file: &std::path::Path) -> anyhow::Result<()> {
    let foundation = ctx.foundation()?;
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
    if stages.is_empty() {
        return Err(InvalidInput(
            "the Foundation's pipeline.toml defines no [[stage]]: the labels name stages (the shipped set was labelled against the demo company's: `roomwork demo` first)".into(),
        )
        .into());
    }
    let r = roomwork_drafting::evals::crm_stage(
        &read_file(file)?,
        &stages,
        &next_steps,
        foundation.competitors(),
    )
    .map_err(|e| InvalidInput(format!("{}: {e}", file.display())))?;
    if ctx.json {
        return output::json(&r);
    }
    say!(
        "{}: {} deals, read with the Foundation's {} stages",
        file.display(),
        r.cases,
        stages.len()
    );
    say!(
        "{}",
        output::table(
            &["measure", "value"],
            [
                vec![
                    "stage right (move or no move)".into(),
                    format!("{:.3}", r.stage_accuracy)
                ],
                vec![
                    "forward moves labelled".into(),
                    r.moves_labelled.to_string()
                ],
                vec!["moves proposed".into(), r.moves_proposed.to_string()],
                vec!["move precision".into(), format!("{:.3}", r.move_precision)],
                vec!["move recall".into(), format!("{:.3}", r.move_recall)],
                vec![
                    "next-step date right".into(),
                    format!("{:.3}", r.next_step_date_accuracy)
                ],
            ]
            .into_iter()
        )
    );
    for m in &r.stage_misses {
        say!("{}: stage {} expected, engine {}", m.id, m.expected, m.got);
    }
    for m in &r.date_misses {
        say!(
            "{}: next-step date {} expected, engine {}",
            m.id,
            m.expected,
            m.got
        );
    }
    Ok(())
}

fn eval_retrieval(ctx: &Context, file: &std::path::Path) -> anyhow::Result<()> {
    let r = roomwork_drafting::evals::retrieval(&read_file(file)?)
        .map_err(|e| InvalidInput(format!("{}: {e}", file.display())))?;
    if ctx.json {
        return output::json(&r);
    }
    let rows = r.iter().map(|s| {
        vec![
            s.ranker.clone(),
            s.split.clone(),
            s.queries.to_string(),
            format!("{:.3}", s.precision_at_1),
            format!("{:.3}", s.recall_at_3),
            format!("{:.3}", s.mrr),
            s.misses.join(" "),
        ]
    });
    say!(
        "{}",
        output::table(
            &[
                "ranker",
                "split",
                "queries",
                "P@1",
                "recall@3",
                "MRR",
                "nothing relevant in top 3"
            ],
            rows
        )
    );
    Ok(())
}

fn eval_prospect(ctx: &Context, file: &std::path::Path, year: i32) -> anyhow::Result<()> {
    let terms: Vec<String> = ctx
        .foundation()?
        .capabilities
        .as_ref()
        .map(|c| c.terms.iter().map(|t| t.term.clone()).collect())
        .unwrap_or_default();
    let r = roomwork_drafting::evals::prospect(&read_file(file)?, &terms, year)
        .map_err(|e| InvalidInput(format!("{}: {e}", file.display())))?;
    if ctx.json {
        return output::json(&r);
    }
    say!(
        "{}: {} sources, {} lines; filed as labelled: {:.3}",
        file.display(),
        r.documents,
        r.lines,
        r.accuracy
    );
    let rows = r.sections.iter().map(|s| {
        vec![
            s.section.clone(),
            s.labelled.to_string(),
            s.predicted.to_string(),
            s.correct.to_string(),
            format!("{:.3}", s.precision),
            format!("{:.3}", s.recall),
        ]
    });
    say!(
        "{}",
        output::table(
            &[
                "section",
                "labelled",
                "engine",
                "agree",
                "precision",
                "recall"
            ],
            rows
        )
    );
    let names = ["background", "sector", "pain", "why_now", "drop"];
    let rows = names.iter().map(|want| {
        let mut row = vec![format!("labelled {want}")];
        row.extend(names.iter().map(|got| {
            r.confusion
                .get(*want)
                .and_then(|m| m.get(*got))
                .copied()
                .unwrap_or(0)
                .to_string()
        }));
        row
    });
    let mut head = vec!["filed as →"];
    head.extend(names);
    say!("{}", output::table(&head, rows));
    for (id, text, want, got) in &r.misses {
        say!("{id}: {want} filed as {got}: {text:?}");
    }
    Ok(())
}

/// The account named by `--account`, or by the notes' "Meeting notes: NAME" line.
async fn account_of(
    store: &dyn Store,
    given: Option<&str>,
    notes: &str,
) -> anyhow::Result<Account> {
    if let Some(key) = given {
        return find_account(store, key).await;
    }
    let header = notes.lines().find_map(follow_up::account_line);
    match header {
        Some(name) => find_account(store, name).await.map_err(|_| {
            InvalidInput(format!(
                "the notes are about {name:?}, which is not an account: give --account"
            ))
            .into()
        }),
        None => Err(InvalidInput(
            "which account? give --account, or start the notes with \"Meeting notes: ACCOUNT\""
                .into(),
        )
        .into()),
    }
}

/// Where the notes first name a person by their first name: written with its capital, and not
/// the verb of a pronoun ("I will send" does not name Will; "Will to confirm qty" does).
fn named_at(notes: &str, first: &str) -> Option<usize> {
    // Names that are also English words must be written as names; others may be lower case
    // ("call w/ ana").
    const WORDS: &[&str] = &[
        "will", "may", "bill", "grant", "mark", "rose", "frank", "june", "art", "pat", "sue",
        "hope", "joy", "amber", "chase", "gene", "guy", "jack", "rich", "ray", "don", "dean",
        "summer", "april", "august", "faith", "grace", "dawn", "drew", "victor", "hunter",
    ];
    let strict = WORDS.contains(&first.to_lowercase().as_str());
    roomwork_drafting::text::find_phrase(notes, first)
        .into_iter()
        .filter(|s| !strict || &notes[s.start..s.end] == first)
        .find(|s| {
            let before = notes[..s.start]
                .split_whitespace()
                .next_back()
                .unwrap_or("")
                .to_lowercase();
            !matches!(
                before.as_str(),
                "i" | "we" | "you" | "they" | "he" | "she" | "it" | "who" | "that" | "which"
            )
        })
        .map(|s| s.start)
}

/// The recipient: `--to`, or the account's contact whose first name the notes mention first.
async fn recipient_of(
    store: &dyn Store,
    account: &Account,
    given: Option<String>,
    notes: &str,
) -> anyhow::Result<(String, Option<Contact>)> {
    let contacts: Vec<Contact> = store
        .contacts()
        .await?
        .into_iter()
        .filter(|c| c.account_id == Some(account.id))
        .collect();
    if let Some(to) = given {
        return Ok((to, None));
    }
    let mentioned = contacts
        .iter()
        .filter_map(|c| {
            let first = c.name.split_whitespace().next()?;
            Some((named_at(notes, first)?, c))
        })
        .min_by_key(|(at, _)| *at)
        .map(|(_, c)| c.clone());
    let Some(c) = mentioned else {
        return Err(InvalidInput(format!(
            "the notes name none of {}'s contacts: give --to \"Name <address>\"",
            account.name
        ))
        .into());
    };
    let Some(email) = &c.email else {
        return Err(InvalidInput(format!(
            "{} has no email address in the CRM: give --to \"Name <address>\"",
            c.name
        ))
        .into());
    };
    Ok((format!("{} <{}>", c.name, email.as_str()), Some(c)))
}

/// What `draft follow-up` was asked.
struct FollowUpRequest<'a> {
    notes_path: &'a str,
    notes: &'a str,
    account: Option<String>,
    to: Option<String>,
    by: &'a str,
    today: chrono::NaiveDate,
    engine: Option<&'a str>,
}

async fn follow_up_email(ctx: &Context, request: FollowUpRequest<'_>) -> anyhow::Result<()> {
    let FollowUpRequest {
        notes_path,
        notes,
        account,
        to,
        by,
        today,
        engine,
    } = request;
    let foundation = ctx.foundation()?;
    let matrix = load_matrix(ctx)?;
    let competitors = foundation.competitors().to_vec();
    let engine = super::engine::open(ctx, engine)?;

    // The policy first: nothing is drafted for a request it protects.
    let (account, to) = ctx
        .with_store(async |store| {
            let account = account_of(store, account.as_deref(), notes).await?;
            let state = account_state(store, &account, &foundation).await?;
            let request = roomwork_policy::Request::new(TASK, notes).for_account(&state);
            let verdict = roomwork_policy::decide(&matrix, &request, &competitors)
                .map_err(|e| InvalidInput(e.to_string()))?;
            if verdict.permit().is_none() {
                store
                    .audit_append(&AuditEntry::new(
                        by,
                        "draft.refused",
                        account.name.clone(),
                        serde_json::json!({
                            "verdict": super::audited_verdict(&verdict),
                            "workflow": "follow-up",
                            "inputs": [notes_path],
                            "notes_sha256": sha256(notes),
                        }),
                    ))
                    .await?;
                return refuse(ctx, &verdict);
            }
            let (to, _) = recipient_of(store, &account, to, notes).await?;
            Ok((account, to))
        })
        .await?;

    // The built-in engine.
    let name = to
        .rsplit_once('<')
        .map_or(to.as_str(), |(n, _)| n)
        .trim()
        .trim_matches('"');
    let mut names = name.split_whitespace();
    let first_name = names.next().unwrap_or("").to_string();
    let last_name = names.last().unwrap_or("").to_string();
    let communication = foundation.communication.clone().unwrap_or_default();
    let style = account.tier.as_ref().and_then(|t| foundation.style_for(t));
    let company = foundation
        .capabilities
        .as_ref()
        .map(|c| c.company.clone())
        .unwrap_or_default();
    let letter = follow_up::Letter {
        first_name,
        last_name,
        from_name: by.to_string(),
        from_company: company.clone(),
        general: &communication.general,
        tier: style,
        competitors: &competitors,
    };
    let parsed = follow_up::parse(notes, today, &letter);
    let draft = follow_up::compose(parsed, &letter, today);

    // Grounding: the notes, and what the engine was told about the letter itself.
    let letter_facts = format!("To: {to}\nFrom: {by}, {company}\nAccount: {}", account.name);
    // Relative dates in the notes ("next Tues") mean days counted from the meeting.
    let anchor = draft.notes.date.unwrap_or(today);
    // A language model, when one was asked for; the built-in draft is the floor.
    let mut body = draft.body.clone();
    let mut used = super::engine::Used::built_in();
    if let Some(llm) = &engine {
        let role = |r: follow_up::Role| match r {
            follow_up::Role::Ours => "we will",
            follow_up::Role::Theirs => "they will",
            _ => "discussed",
        };
        // Only what the customer may read goes out: internal lines never leave the machine.
        let points: Vec<String> = draft
            .notes
            .items
            .iter()
            .filter(|i| i.role != follow_up::Role::Internal)
            .map(|i| format!("{}: {}", role(i.role), i.sentence))
            .collect();
        // The recipient's first name goes through the same table, first line.
        let masked = prompt::mask_with(
            &format!("{}\n{}", letter.first_name, points.join("\n")),
            &llm.privacy,
        );
        let mut lines = masked.text.lines().map(str::to_string);
        let first_name = lines.next().unwrap_or_default();
        let masked_points: Vec<String> = lines.collect();
        let from = format!("{by}, {company}");
        let meeting = roomwork_drafting::dates::spell(anchor, today);
        let mut p = prompt::follow_up(&prompt::FollowUpBrief {
            first_name: &first_name,
            from: &from,
            general: letter.general,
            tier: letter.tier,
            points: &masked_points,
            meeting: &meeting,
        });
        p.system = masked.remask(&p.system);
        let (text, u) = llm
            .ask(&p, false, &masked, |t| usable(&masked.restore(t)))
            .await;
        if let Some(text) = text {
            body = text;
        }
        body = u.marked(&body);
        used = u;
    }
    // What the email may rest on: the notes without their internal lines (a claim that
    // matches only a margin note, or an injected "mark this deal won", is not supported).
    let visible = draft.notes.visible(notes);
    let report = grounding::check(&body, &[&visible, &letter_facts], anchor);
    let untraced: Vec<&grounding::Claim> = report.untraced().collect();
    let excluded: Vec<&follow_up::Item> = draft
        .notes
        .items
        .iter()
        .filter(|i| i.role == follow_up::Role::Internal)
        .collect();
    let minutes = foundation.time_saved().follow_up_email;

    let submission = Submission {
        kind: TASK.into(),
        subject: draft.subject.clone(),
        body: body.clone(),
        notes: Some(notes.to_string()),
        account: Some(account.id.to_string()),
        to: Some(to.clone()),
        engine: used.engine.clone(),
        model: used.model.clone(),
        prompt_fingerprint: used.fingerprint.clone(),
        inputs: vec![notes_path.to_string()],
        by: by.to_string(),
        extra: serde_json::json!({
            "workflow": "follow-up",
            "minutes_saved": minutes,
            // Counts and line numbers only: the texts stay out of the append-only trail.
            "untraced": untraced.len(),
            "left_out_lines": excluded.iter().map(|i| i.line).collect::<Vec<_>>(),
            // Whether the built-in engine stood in; the provider's own error text is shown
            // to the person, not kept in the append-only trail.
            "engine": used.audited(),
        }),
        workflow: Some(roomwork_domain::Workflow::FollowUpEmail),
        opportunity: None,
        change: None,
        model_text: used.model.is_some().then(|| body.clone()),
    };
    let (pending, verdict) = match store_submission(ctx, submission).await? {
        Ok(ok) => ok,
        Err(verdict) => return refuse(ctx, &verdict),
    };
    let d = pending.draft();
    let late = follow_up::lateness(&draft.notes, today);
    if ctx.json {
        return output::json(&serde_json::json!({
            "id": d.id,
            "status": d.status,
            "subject": d.subject,
            "to": to,
            "body": d.body,
            "notes": draft.notes,
            "late": late,
            "untraced": untraced,
            "minutes_saved": minutes,
            "engine": used.engine,
            "model": used.model,
            "fallback": used.fallback,
            "verdict": verdict,
            "outstanding": pending.outstanding(),
        }));
    }
    say!("To: {to}\nSubject: {}\n\n{}\n", d.subject, d.body);
    if let Some(line) = used.describe() {
        say!("{line}");
    }
    for i in &excluded {
        say!("Left out (line {}): {:?} ({}).", i.line, i.raw, i.why);
    }
    for c in &untraced {
        say!(
            "Check: the {} \"{}\" is not in the notes.",
            c.kind.describe(),
            c.text
        );
    }
    for l in &late {
        say!("Check: {l}.");
    }
    say!(
        "Draft {} is waiting for approval ({}). It saved about {minutes} minutes.",
        d.id,
        verdict.reason
    );
    for o in pending.outstanding() {
        say!("Before approval: {o}");
    }
    Ok(())
}

/// A model's email made fit for the inbox: a "Subject:" line dropped, the relationship passage
/// kept (added after the greeting if the model dropped it); too short to be an email is no
/// draft at all.
fn usable(text: &str) -> Result<String, String> {
    let mut lines: Vec<&str> = text.trim().lines().collect();
    if lines
        .first()
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("subject:"))
    {
        lines.remove(0);
    }
    let mut body = lines.join("\n").trim().to_string();
    // A placeholder the model changed ("[Phone_1]") or invented would reach the customer.
    if let Some(p) = prompt::leftover_placeholder(&body) {
        return Err(format!(
            "its answer altered or invented the personal-data placeholder {p}"
        ));
    }
    if body.split_whitespace().count() < 12 {
        return Err(format!(
            "its answer was not an email ({} words)",
            body.split_whitespace().count()
        ));
    }
    if !body.contains("[[AM:") {
        let at = body.find('\n').unwrap_or(body.len());
        body.insert_str(
            at,
            "\n[[AM: one sentence only you can write for this relationship]]",
        );
    }
    Ok(body)
}

/// The account's deal `key` names, by id or by name. Names repeat (a renewal of last year's
/// deal): an open deal of that name is preferred, two open ones are ambiguous (listed with
/// their ids), and only closed ones is a refusal (notes do not update a closed deal).
fn deal_named(
    deals: &[Opportunity],
    key: &str,
    catalog: &StageCatalog,
    account: &str,
) -> Result<Opportunity, InvalidInput> {
    if let Some(o) = deals.iter().find(|o| o.id.to_string() == key) {
        return open_deal(o, catalog);
    }
    let named: Vec<&Opportunity> = deals
        .iter()
        .filter(|o| o.name.trim().eq_ignore_ascii_case(key.trim()))
        .collect();
    let open: Vec<&&Opportunity> = named
        .iter()
        .filter(|o| !catalog.is_closed(&o.stage))
        .collect();
    match (open.as_slice(), named.first()) {
        ([one], _) => Ok((**one).clone()),
        ([], Some(closed)) => open_deal(closed, catalog),
        ([], None) => Err(InvalidInput(format!("{account} has no deal {key:?}"))),
        (several, _) => Err(InvalidInput(format!(
            "{account} has {} open deals named {key:?}; give one by id: {}",
            several.len(),
            several
                .iter()
                .map(|o| format!("{} ({})", o.id, o.stage.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn open_deal(o: &Opportunity, catalog: &StageCatalog) -> Result<Opportunity, InvalidInput> {
    if catalog.is_closed(&o.stage) {
        Err(InvalidInput(format!(
            "{} is closed ({}): notes do not update a closed deal",
            o.name,
            o.stage.as_str()
        )))
    } else {
        Ok(o.clone())
    }
}

/// A file written under a fresh temporary name beside its destination (created new, never
/// through a link that was there), renamed into place by [`PendingFile::persist`] and removed
/// if dropped first (the command failed or was refused).
struct PendingFile(tempfile::NamedTempFile);

impl PendingFile {
    fn write(path: &std::path::Path, text: &str) -> std::io::Result<Self> {
        use std::io::Write as _;
        if path.is_dir() || path.file_name().is_none() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a directory, not a file name",
            ));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".roomwork-").suffix(".tmp");
        // A report is an ordinary file (0666 less the umask), not a private temporary one.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut file = builder.tempfile_in(dir)?;
        file.write_all(text.as_bytes())?;
        file.flush()?;
        Ok(Self(file))
    }

    fn persist(self, path: &std::path::Path) -> std::io::Result<()> {
        self.0.persist(path).map(drop).map_err(|e| e.error)
    }
}

#[cfg(test)]
mod tests {
    use super::{deal_named, named_at};
    use roomwork_domain::{Opportunity, OpportunityId, Stage, StageCatalog};

    fn deal(name: &str, stage: &str) -> Opportunity {
        Opportunity {
            id: OpportunityId::new(),
            ext_key: None,
            name: name.into(),
            account_id: None,
            owner: None,
            stage: Stage::parse(stage).unwrap(),
            amount: None,
            close_date: None,
            next_step: None,
            next_step_date: None,
            created_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            forecast_category: None,
            stage_history: vec![],
        }
    }

    #[test]
    fn a_deal_named_twice_is_the_open_one_and_two_open_ones_are_ambiguous() {
        let catalog = StageCatalog::default_b2b();
        let won = deal("Sump pump replacement", "Closed Won");
        let open = deal("Sump pump replacement", "Proposal");
        let deals = vec![won.clone(), open.clone()];
        let found = deal_named(&deals, "sump pump replacement", &catalog, "Van Roon").unwrap();
        assert_eq!(found.id, open.id);
        // By id, the closed one is refused as closed.
        let err = deal_named(&deals, &won.id.to_string(), &catalog, "Van Roon").unwrap_err();
        assert!(err.0.contains("is closed"), "{}", err.0);
        let only_won = vec![won.clone()];
        let err = deal_named(&only_won, "Sump pump replacement", &catalog, "Van Roon").unwrap_err();
        assert!(err.0.contains("is closed"), "{}", err.0);
        let twice = vec![open.clone(), deal("Sump pump replacement", "Negotiation")];
        let err = deal_named(&twice, "Sump pump replacement", &catalog, "Van Roon").unwrap_err();
        assert!(
            err.0.contains("2 open deals") && err.0.contains(&open.id.to_string()),
            "{}",
            err.0
        );
        let err = deal_named(&deals, "Valve retrofit", &catalog, "Van Roon").unwrap_err();
        assert!(err.0.contains("no deal"), "{}", err.0);
    }

    #[test]
    fn a_first_name_that_is_also_a_word_names_the_person_only_as_a_name() {
        assert_eq!(
            named_at("- I will send it\n- Will to confirm qty", "Will"),
            Some(19)
        );
        assert_eq!(named_at("- we will call back, will do", "Will"), None);
        assert_eq!(named_at("Call w/ Mateo", "Mateo"), Some(8));
        assert_eq!(named_at("call w/ mateo", "Mateo"), Some(8));
    }
}
