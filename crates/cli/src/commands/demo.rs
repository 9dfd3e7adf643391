//! `roomwork demo`: make the demo company and run every capability on it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use roomwork_demo::{Generator, Size, export};
use roomwork_domain::{Batch, Clock, Currency, SystemClock};
use serde::Serialize;

use super::Context;
use super::import::{FileReport, ImportOptions, import_files};
use crate::args::DemoArgs;
use crate::exit::Refused;
use crate::output;
use crate::output::say;

#[derive(Serialize)]
struct DemoReport {
    data_dir: String,
    size: String,
    seed: u64,
    today: String,
    counts: roomwork_store::Counts,
    foundation: Vec<String>,
    exports: Vec<String>,
    transcripts_dir: Option<String>,
    notes_dir: Option<String>,
    reimport: Vec<FileReport>,
    hygiene: HygieneSummary,
    pipeline: Option<PipelineSummary>,
    /// Lead scoring: the first model, and the open leads scored and routed with it.
    leads: Option<super::leads::DemoLeads>,
    /// The people who can sign in to `roomwork serve` (one password for all, made for this
    /// demo and shown only here).
    users: Vec<DemoUser>,
    password: String,
}

#[derive(Serialize)]
struct DemoUser {
    email: String,
    name: String,
    role: String,
    sees: String,
}

/// A demo user: e-mail, name, role, rep, team, what they see.
type Person = (
    String,
    String,
    roomwork_domain::Role,
    Option<roomwork_domain::RepId>,
    Option<String>,
    String,
);

/// The demo company's users: an admin, sales ops, a director for the first rep's territory and
/// two account managers who are reps. One random password, hashed once.
async fn demo_users(store: &dyn roomwork_store::Store) -> anyhow::Result<(Vec<DemoUser>, String)> {
    use roomwork_domain::{Email, Role, User, UserId};
    let reps = store.reps().await?;
    let password = roomwork_server::auth::new_secret()[..20].to_string();
    let p = password.clone();
    let hash = tokio::task::spawn_blocking(move || roomwork_server::auth::hash_password(&p))
        .await?
        .map_err(anyhow::Error::msg)?;
    let slug = |name: &str| {
        name.to_lowercase()
            .split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(".")
    };
    let team = reps.iter().find_map(|r| r.territory.clone());
    let mut people: Vec<Person> = vec![
        (
            "admin@brightwater.example".into(),
            "Demo Admin".into(),
            Role::Admin,
            None,
            None,
            "everything, and users".into(),
        ),
        (
            "ops@brightwater.example".into(),
            "Sam Ops".into(),
            Role::SalesOps,
            None,
            None,
            "everything".into(),
        ),
        (
            "director@brightwater.example".into(),
            "Dana Director".into(),
            Role::SalesDirector,
            None,
            team.clone(),
            format!(
                "the {} team",
                team.clone().unwrap_or_else(|| "whole".into())
            ),
        ),
    ];
    // The two account managers with the most waiting drafts (the copilot's, from their
    // calls), an at-risk account breaking ties: the web app has something to show them.
    let accounts = store.accounts().await?;
    let drafts = store.drafts(roomwork_store::DraftFilter::default()).await?;
    let weight = |r: &roomwork_domain::Rep| {
        let owned: std::collections::HashSet<_> = accounts
            .iter()
            .filter(|a| a.owner == Some(r.id))
            .map(|a| a.id)
            .collect();
        let waiting = drafts
            .iter()
            .filter(|d| d.account_id.is_some_and(|a| owned.contains(&a)))
            .count();
        let at_risk = accounts
            .iter()
            .any(|a| a.owner == Some(r.id) && a.health == roomwork_domain::Health::AtRisk);
        (waiting, at_risk)
    };
    let mut ranked: Vec<&roomwork_domain::Rep> = reps.iter().filter(|r| r.active).collect();
    // Stable: equal weights keep the store's order.
    ranked.sort_by_key(|r| std::cmp::Reverse(weight(r)));
    for r in ranked.into_iter().take(2) {
        people.push((
            r.email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_else(|| format!("{}@brightwater.example", slug(&r.name))),
            r.name.clone(),
            Role::AccountManager,
            Some(r.id),
            None,
            format!("{}'s accounts", r.name),
        ));
    }
    let mut out = Vec::new();
    for (email, name, role, rep_id, team, sees) in people {
        let user = User {
            id: UserId::new(),
            email: Email::parse(&email)?,
            name: name.clone(),
            role,
            rep_id,
            team,
            active: true,
            created_at: chrono::Utc::now(),
        };
        store
            .auth_write(
                roomwork_store::AuthWrite::AddUser {
                    user: &user,
                    password_hash: &hash,
                },
                &roomwork_store::AuditEntry::new(
                    "roomwork demo",
                    "user.added",
                    &email,
                    serde_json::json!({"role": role}),
                ),
            )
            .await?;
        out.push(DemoUser {
            email,
            name,
            role: role.to_string(),
            sees,
        });
    }
    Ok((out, password))
}

#[derive(Serialize)]
struct PipelineSummary {
    model_engine: String,
    model_reason: String,
    held_out_auc_trees: Option<f64>,
    held_out_auc_prior: Option<f64>,
    snapshots_rebuilt: usize,
    open_deals: usize,
    signals_raised: usize,
    calls_analysed: usize,
    calls_with_complaints: usize,
    accounts_raised_by_calls: usize,
    drafts_proposed: usize,
}

#[derive(Serialize)]
struct HygieneSummary {
    duplicate_accounts: usize,
    duplicate_contacts: usize,
    open_deals_without_close_date: usize,
    open_deals_past_close_date: usize,
    open_deals_without_next_step: usize,
}

pub async fn run(ctx: &Context, args: DemoArgs) -> anyhow::Result<()> {
    ctx.with_store(async |store| run_with(ctx, store, args).await)
        .await
}

async fn run_with(
    ctx: &Context,
    store: &dyn roomwork_store::Store,
    args: DemoArgs,
) -> anyhow::Result<()> {
    let size = Size::parse(&args.size).context("--size must be small, medium or large")?;
    let before = store.counts().await?;
    if before != roomwork_store::Counts::default() {
        return Err(Refused(format!(
            "{} already holds data ({} accounts, {} deals); the demo company is made in a fresh data directory, \
             so nothing of yours is mixed with it: pass --data-dir NEW_DIR (or --database-url to an empty database)",
            roomwork_store::redact_url(&ctx.url),
            before.accounts,
            before.opportunities
        ))
        .into());
    }
    // The demo company's filled Foundation, written before anything else so that its stage
    // definitions reconcile the demo's own CRM exports.
    let foundation_files = match roomwork_foundation::init(
        &ctx.data_dir,
        roomwork_foundation::Set::Demo,
        false,
    ) {
        Err(roomwork_foundation::FoundationError::Exists(p)) => {
            return Err(Refused(format!(
                    "{} already exists; the demo company is made in a fresh data directory: pass --data-dir NEW_DIR",
                    p.display()
                ))
                .into());
        }
        r => r?,
    };
    let foundation = ctx.foundation()?;
    let today = SystemClock.today();
    // The sales director's allocation decision for the demo company: AI drafting went live
    // when the demo's AI-assisted e-mails start (60 days ago), touchpoints to rise 20-30%.
    write(
        &ctx.data_dir.join("capacity.toml"),
        format!(
            "# The capacity allocation decision (roomwork capacity): when AI drafting went live, and the\n\
             # growth in outbound touchpoints per account the sales director expects within 60 days.\n\
             deployed_on = {}\ntarget = [0.20, 0.30]\nwithin_days = 60\n",
            today - chrono::Duration::days(roomwork_demo::AI_DEPLOYED_DAYS_AGO)
        )
        .as_bytes(),
    )?;
    let generator = Generator::new(size, args.seed, today);
    let plan = generator.plan();
    let expected =
        (plan.reps + plan.accounts * 5 + plan.leads + plan.opportunities + plan.activities) as u64;
    let pb = output::bar(expected, "generating", false);
    if ctx.json {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let demo_dir = ctx.data_dir.join("demo");
    let keep_for_export = size != Size::Large;
    let mut kept = Batch::default();
    let mut transcripts_dir = None;
    let mut notes_dir = None;
    let mut notes_written = 0;
    for batch in generator {
        store
            .save_batch_with_progress(&batch, &|n| pb.inc(n))
            .await
            .context("storing the demo company")?;
        if !batch.transcripts.is_empty() {
            let dir = demo_dir.join("transcripts");
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for t in &batch.transcripts {
                write(&dir.join(&t.file_name), t.content.as_bytes())?;
            }
            transcripts_dir = Some(dir.display().to_string());
        }
        if notes_written < 12 {
            let dir = demo_dir.join("notes");
            for a in batch
                .activities
                .iter()
                .filter(|a| a.body.is_some())
                .take(12 - notes_written)
            {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                notes_written += 1;
                let body = format!(
                    "{}\n{}\n\n{}\n",
                    a.subject,
                    a.occurred_at.format("%Y-%m-%d"),
                    a.body.as_deref().unwrap_or("")
                );
                write(
                    &dir.join(format!("note-{notes_written:02}.txt")),
                    body.as_bytes(),
                )?;
                notes_dir = Some(dir.display().to_string());
            }
        }
        if keep_for_export {
            kept.reps.extend(batch.reps);
            kept.accounts.extend(batch.accounts);
            kept.contacts.extend(batch.contacts);
            kept.leads.extend(batch.leads);
            kept.opportunities.extend(batch.opportunities);
        }
    }
    pb.finish_and_clear();

    // The CRM side of the company, written as Salesforce reports and imported back through the
    // real importer: stage spellings reconcile, and records already stored stay unchanged.
    let mut exports = Vec::new();
    let mut reimport = Vec::new();
    if keep_for_export {
        let dir = demo_dir.join("exports");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let reps: HashMap<_, _> = kept.reps.iter().map(|r| (r.id, r.name.clone())).collect();
        let accounts: HashMap<_, _> = kept
            .accounts
            .iter()
            .map(|a| (a.id, a.name.clone()))
            .collect();
        let files = [
            ("salesforce-accounts.csv", 0),
            ("salesforce-contacts.csv", 1),
            ("salesforce-leads.csv", 2),
            ("salesforce-opportunities.csv", 3),
        ];
        for (name, which) in files {
            let path = dir.join(name);
            let file = std::fs::File::create(&path)
                .with_context(|| format!("creating {}", path.display()))?;
            let out = std::io::BufWriter::new(file);
            match which {
                0 => export::account_report(out, &kept.accounts, &reps),
                1 => export::contact_report(out, &kept.contacts, &accounts),
                2 => export::lead_report(out, &kept.leads, &reps),
                _ => export::opportunity_report(
                    out,
                    &kept.opportunities,
                    &accounts,
                    &reps,
                    args.seed,
                ),
            }
            .with_context(|| format!("writing {}", path.display()))?;
            exports.push(path);
        }
        let opts = ImportOptions {
            mapping: None,
            dry_run: false,
            currency: Currency::USD,
            default_capacity: 20,
            quiet: true,
            date_order: None,
            catalog: foundation.stage_catalog(),
        };
        reimport = import_files(store, &exports, &opts).await?;
        if reimport.iter().any(|r| r.store_failed) {
            return Err(crate::exit::StoreFailed(
                reimport.iter().filter(|r| r.store_failed).count(),
            )
            .into());
        }
        if let Some(failed) = reimport.iter().find_map(|r| r.error.as_ref()) {
            anyhow::bail!("re-importing the demo's own CRM exports failed (a bug): {failed}");
        }
    }
    // Pipeline intelligence on the demo: the deal score, a year of weekly snapshots
    // rebuilt from the history (so the forecast can measure bias and accuracy), and every
    // open deal evaluated. Skipped for the benchmark size.
    let pipeline = if size == Size::Large {
        None
    } else {
        let by = "roomwork demo";
        // Every call analysed first: what the calls raised feeds the accounts' health and
        // the deals' signals.
        let calls = super::calls::analyse_all(ctx, store).await?;
        // The copilot on every call: follow-ups, stage changes, next tasks and CRM updates
        // wait in the inbox (a complaint call gets a briefing instead).
        let mut drafts_proposed = 0;
        let reps = store.reps().await?;
        let owners: std::collections::HashMap<_, _> = store
            .accounts()
            .await?
            .into_iter()
            .filter_map(|a| Some((a.id, a.owner?)))
            .collect();
        let calls_to_propose = if args.no_copilot {
            Vec::new()
        } else {
            store.calls(false).await?
        };
        for c in calls_to_propose {
            // Asked for by the account manager on the call (their name signs the follow-up).
            let by = c
                .rep_id
                .or_else(|| c.account_id.and_then(|a| owners.get(&a).copied()))
                .and_then(|id| reps.iter().find(|r| r.id == id))
                .map_or("roomwork copilot", |r| r.name.as_str());
            let proposed = super::calls::proposals(ctx, &c.transcript_id.to_string(), by).await?;
            drafts_proposed += proposed.iter().filter(|p| p.draft.is_some()).count();
        }
        let trained = super::pipeline::train_model(ctx, store, by, true).await?;
        let rebuilt = super::pipeline::backfill(ctx, store, today, 52, by).await?;
        let refreshed = super::pipeline::refresh(ctx, store, today, None).await?;
        Some(PipelineSummary {
            model_engine: trained.engine,
            model_reason: trained.model.training.reason,
            held_out_auc_trees: trained.evaluation.trees.as_ref().and_then(|q| q.auc),
            held_out_auc_prior: trained.evaluation.prior.auc,
            snapshots_rebuilt: rebuilt.made.len(),
            open_deals: refreshed.evaluated,
            signals_raised: refreshed.raised,
            calls_analysed: calls.analysed,
            calls_with_complaints: calls.trust_repair,
            accounts_raised_by_calls: calls.health.len(),
            drafts_proposed,
        })
    };
    // Lead scoring on the demo: the first model trained on the decided leads, then the leads
    // still open scored and routed within the reps' capacity (the leads page shows them).
    let leads = if size == Size::Large {
        None
    } else {
        Some(super::leads::demo_leads(ctx, store, "roomwork demo").await?)
    };
    let (users, password) = if size == Size::Large {
        (Vec::new(), String::new())
    } else {
        demo_users(store).await?
    };
    let counts = store.counts().await?;
    let h = super::hygiene::report(store, &foundation.stage_catalog()).await?;
    let report = DemoReport {
        data_dir: ctx.data_dir.display().to_string(),
        size: args.size.clone(),
        seed: args.seed,
        today: today.to_string(),
        counts,
        foundation: foundation_files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        exports: exports.iter().map(|p| p.display().to_string()).collect(),
        transcripts_dir,
        notes_dir,
        reimport,
        hygiene: HygieneSummary {
            duplicate_accounts: h.duplicate_accounts.len(),
            duplicate_contacts: h.duplicate_contacts.len(),
            open_deals_without_close_date: h.missing_close_date.count,
            open_deals_past_close_date: h.past_close_date.count,
            open_deals_without_next_step: h.no_next_step.count,
        },
        pipeline,
        leads,
        users,
        password,
    };
    if ctx.json {
        return output::json(&report);
    }
    print(&report, ctx);
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn print(r: &DemoReport, ctx: &Context) {
    say!(
        "Made the demo company Brightwater Industrial Supply ({} size, seed {}, history up to {}).",
        r.size,
        r.seed,
        r.today
    );
    say!("Stored in {}:", roomwork_store::redact_url(&ctx.url));
    say!("{}", super::status::counts_table(&r.counts));
    if !r.reimport.is_empty() {
        say!(
            "\nImported its CRM exports back through the importer (stage spellings reconciled, nothing duplicated):"
        );
        let rows = r.reimport.iter().map(|f| {
            let (created, updated, unchanged) = f.plan.as_ref().map_or((0, 0, 0), |p| {
                p.tallies.values().fold((0, 0, 0), |(c, u, n), t| {
                    (c + t.created, u + t.updated, n + t.unchanged)
                })
            });
            let stages = f.plan.as_ref().map_or(0, |p| p.stages.len());
            vec![
                PathBuf::from(&f.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                f.detected
                    .clone()
                    .unwrap_or_else(|| f.error.clone().unwrap_or_default()),
                created.to_string(),
                updated.to_string(),
                unchanged.to_string(),
                if stages > 0 {
                    format!("{stages} spellings")
                } else {
                    "-".into()
                },
            ]
        });
        say!(
            "{}",
            output::table(
                &[
                    "file",
                    "detected as",
                    "created",
                    "updated",
                    "unchanged",
                    "stages"
                ],
                rows
            )
        );
    }
    let h = &r.hygiene;
    say!(
        "\nHygiene: {} open deals past their close date, {} without a next step, {} probable duplicate account groups.",
        h.open_deals_past_close_date,
        h.open_deals_without_next_step,
        h.duplicate_accounts
    );
    if let Some(p) = &r.pipeline {
        say!(
            "\nPipeline: {} open deals evaluated, {} risk signals raised; deal score by {} ({}); {} weekly snapshots rebuilt from the history.",
            p.open_deals,
            p.signals_raised,
            p.model_engine,
            p.model_reason,
            p.snapshots_rebuilt
        );
        say!(
            "Calls: {} transcripts analysed, {} raised a complaint; {} accounts' health raised by what was said; the copilot put {} drafts in the inbox.",
            p.calls_analysed,
            p.calls_with_complaints,
            p.accounts_raised_by_calls,
            p.drafts_proposed
        );
    }
    if let Some(l) = &r.leads {
        say!(
            "Leads: model v{} ({}; held-out AUC {}) scored the {} open leads of the last seven days: {} routed to a rep within their weekly capacity, {} to a queue.",
            l.model_version,
            l.basis,
            l.held_out_auc.map_or("-".into(), |a| format!("{a:.3}")),
            l.scored,
            l.routed_to_reps,
            l.scored - l.routed_to_reps
        );
    }
    say!("\nWhere to look:");
    if let Some(f) = r.foundation.first() {
        let dir = Path::new(f).parent().unwrap_or(Path::new(f));
        say!("  Foundation (6 docs) {}", dir.display());
    }
    for e in &r.exports {
        say!("  CRM export          {e}");
    }
    if let Some(d) = &r.transcripts_dir {
        say!("  call transcripts    {d}");
    }
    if let Some(d) = &r.notes_dir {
        say!("  meeting notes       {d}");
    }
    let default_url = format!("sqlite://{}", ctx.data_dir.join("roomwork.db").display());
    let dd = if ctx.url == default_url {
        format!("--data-dir {}", r.data_dir)
    } else {
        format!(
            "--data-dir {} --database-url '{}'",
            r.data_dir,
            roomwork_store::redact_url(&ctx.url)
        )
    };
    // The binary as the user ran it (`./target/release/roomwork` after `cargo run`), so that
    // the suggestions work where roomwork is not on the PATH.
    let prog = program_name();
    say!("\nTry next:");
    say!("  {prog} {dd} status");
    say!("  {prog} {dd} foundation check");
    say!("  {prog} {dd} foundation tiers");
    say!("  {prog} {dd} policy matrix");
    if let Some(d) = &r.notes_dir {
        say!(
            "  {prog} {dd} policy decide --kind follow-up-email --text {d}/note-01.txt --account NAME"
        );
        // Notes that show each workflow: a follow-up the policy allows, a CRM update on an
        // open deal (a later call's notes can be a complaint the policy refuses, or an account
        // with no open deal). They are old; the draft says so ("Check: the notes are of a
        // call on ...").
        say!("  {prog} {dd} draft follow-up --notes {d}/note-04.txt --by YOU");
        say!("  {prog} {dd} draft crm-update --notes {d}/note-07.txt --by YOU");
    }
    say!("  {prog} {dd} draft briefing --account NAME --by YOU");
    say!("  {prog} {dd} draft pipeline-report --by YOU --out report.html --format html");
    say!("  {prog} {dd} leads report");
    say!("  {prog} {dd} leads models");
    say!("  {prog} {dd} pipeline signals");
    say!("  {prog} {dd} pipeline backtest");
    say!("  {prog} {dd} pipeline deals");
    say!("  {prog} {dd} pipeline model");
    say!("  {prog} {dd} pipeline forecast");
    say!("  {prog} {dd} pipeline accuracy");
    if let Some(d) = &r.transcripts_dir {
        say!("  {prog} {dd} meetings analyze {d}/FILE.vtt --call-type discovery");
        say!("  {prog} {dd} meetings list");
        say!("  {prog} {dd} meetings reps");
        say!("  {prog} {dd} meetings propose CALL --by YOU");
        say!(
            "  {prog} {dd} meetings import NEW-CALL.vtt --account NAME --opportunity DEAL --by YOU"
        );
    }
    say!("  {prog} {dd} draft saved");
    say!("  {prog} {dd} review YOUR-EMAIL.txt --account NAME");
    say!(
        "  {prog} {dd} inbox submit --kind follow-up-email --subject S --text DRAFT.txt --account NAME --by YOU"
    );
    say!("  {prog} {dd} inbox list");
    say!("  {prog} {dd} audit verify");
    say!("  {prog} {dd} hygiene");
    say!(
        "  {prog} {dd} import --dry-run {}",
        r.exports.last().map(|s| s.as_str()).unwrap_or("FILE.csv")
    );
    say!("  {prog} {dd} capacity");
    say!("  {prog} {dd} config");
    if !r.users.is_empty() {
        say!("\nServe the demo company (the web app and the JSON API):");
        say!("  {prog} {dd} serve --bind 127.0.0.1:8080");
        say!(
            "then open http://localhost:8080 and sign in with password {} (the same for every demo user, made for this demo):",
            r.password
        );
        for u in &r.users {
            say!("  {:<40} {:<16} sees {}", u.email, u.role, u.sees);
        }
    }
}

/// How to call this binary again from the current directory: `roomwork` when it was found on
/// the PATH, else its path (relative to the current directory when under it).
fn program_name() -> String {
    match std::env::args_os().next() {
        Some(arg0) => shown_program(Path::new(&arg0), std::env::current_dir().ok().as_deref()),
        None => "roomwork".into(),
    }
}

fn shown_program(path: &Path, cwd: Option<&Path>) -> String {
    if path.components().count() <= 1 {
        return "roomwork".into();
    }
    let shown = cwd
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .map_or_else(|| path.to_path_buf(), |p| Path::new(".").join(p));
    let shown = shown.display().to_string();
    if shown.contains(|c: char| c.is_whitespace() || c == '\'') {
        format!("'{}'", shown.replace('\'', "'\\''"))
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::shown_program;
    use std::path::Path;

    #[test]
    fn suggestions_call_the_binary_as_it_was_run() {
        let cwd = Some(Path::new("/home/ana/roomwork"));
        assert_eq!(shown_program(Path::new("roomwork"), cwd), "roomwork");
        assert_eq!(
            shown_program(Path::new("/home/ana/roomwork/target/release/roomwork"), cwd),
            "./target/release/roomwork"
        );
        assert_eq!(
            shown_program(Path::new("target/release/roomwork"), cwd),
            "target/release/roomwork"
        );
        assert_eq!(
            shown_program(Path::new("/opt/sales tools/roomwork"), cwd),
            "'/opt/sales tools/roomwork'"
        );
        assert_eq!(
            shown_program(Path::new("/opt/ana's tools/roomwork"), cwd),
            "'/opt/ana'\\''s tools/roomwork'"
        );
    }
}
