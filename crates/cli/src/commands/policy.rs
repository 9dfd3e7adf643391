//! `roomwork policy`: the responsibility matrix and the relationship-protection rules.

use anyhow::Context as _;
use roomwork_domain::{Account, AccountId};
use roomwork_policy::{Matrix, Outcome, Request, decide, override_verdict};

use super::Context;
use crate::args::{PolicyArgs, PolicyCommand};
use crate::exit::{InvalidInput, Refused};
use crate::output::{self, say};

pub const FILE: &str = roomwork_server::records::MATRIX_FILE;

pub async fn run(ctx: &Context, args: PolicyArgs) -> anyhow::Result<()> {
    match args.command {
        PolicyCommand::Init { force } => init(ctx, force),
        PolicyCommand::Matrix => matrix(ctx),
        PolicyCommand::Decide {
            kind,
            text,
            account,
            override_by,
            reason,
        } => decide_cmd(ctx, &kind, &text, account.as_deref(), override_by, reason).await,
        PolicyCommand::Eval { file } => eval(ctx, &file),
    }
}

/// The matrix in force: the data directory's policy.toml, or the built-in default.
pub fn load_matrix(ctx: &Context) -> anyhow::Result<Matrix> {
    roomwork_server::records::load_matrix(&ctx.data_dir).map_err(invalid)
}

/// A configuration problem from the shared readers, as the CLI's invalid-input error.
pub fn invalid(e: anyhow::Error) -> anyhow::Error {
    match e.downcast::<roomwork_server::records::Invalid>() {
        Ok(i) => InvalidInput(i.0).into(),
        Err(e) => e,
    }
}

fn init(ctx: &Context, force: bool) -> anyhow::Result<()> {
    let path = ctx.data_dir.join(FILE);
    if path.exists() && !force {
        return Err(Refused(format!(
            "{} already exists; edit it, or pass --force to replace it with the default",
            path.display()
        ))
        .into());
    }
    std::fs::create_dir_all(&ctx.data_dir)?;
    std::fs::write(&path, roomwork_policy::DEFAULT_TOML)
        .with_context(|| format!("writing {}", path.display()))?;
    say!(
        "Wrote the default responsibility matrix to {}",
        path.display()
    );
    Ok(())
}

fn matrix(ctx: &Context) -> anyhow::Result<()> {
    let m = load_matrix(ctx)?;
    if ctx.json {
        return output::json(&m);
    }
    let rows = m.tasks().iter().map(|t| {
        vec![
            t.slug.clone(),
            t.name.clone(),
            t.category.title().to_string(),
            if t.customer_facing { "yes" } else { "" }.to_string(),
        ]
    });
    say!(
        "{}",
        output::table(&["task", "what", "category", "to a customer"], rows)
    );
    for r in roomwork_policy::Rule::ALL {
        say!(
            "{}: override {}",
            r.title(),
            match m.override_policy(r) {
                roomwork_policy::OverridePolicy::Never => "never",
                roomwork_policy::OverridePolicy::WithReason => "by a named person with a reason",
            }
        );
    }
    Ok(())
}

pub use roomwork_server::records::account_state;

/// Finds an account by id or by exact name (case-insensitive).
pub async fn find_account(store: &dyn roomwork_store::Store, key: &str) -> anyhow::Result<Account> {
    if let Ok(id) = key.parse::<AccountId>() {
        return Ok(store.account(id).await?);
    }
    let folded = roomwork_domain::fold_name(key);
    let accounts = store.accounts().await?;
    if let Some(a) = accounts
        .iter()
        .find(|a| roomwork_domain::fold_name(&a.name) == folded)
    {
        return Ok(a.clone());
    }
    // "Glenharrow Utilities" for "Glenharrow Utilities Co.": the name without its legal form,
    // when only one account has it.
    let normal = roomwork_ingest::hygiene::normalise_company(key);
    let mut like = accounts
        .into_iter()
        .filter(|a| roomwork_ingest::hygiene::normalise_company(&a.name) == normal);
    match (like.next(), like.next()) {
        (Some(a), None) => Ok(a),
        (Some(a), Some(b)) => Err(InvalidInput(format!(
            "{key:?} could be {:?} or {:?}: give the full name or the id",
            a.name, b.name
        ))
        .into()),
        _ => Err(InvalidInput(format!("no account with the id or name {key:?}")).into()),
    }
}

async fn decide_cmd(
    ctx: &Context,
    kind: &str,
    text_file: &std::path::Path,
    account: Option<&str>,
    override_by: Option<String>,
    reason: Option<String>,
) -> anyhow::Result<()> {
    let matrix = load_matrix(ctx)?;
    let text = if text_file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .context("reading the request from standard input")?
    } else {
        std::fs::read_to_string(text_file)
            .with_context(|| format!("cannot read {}", text_file.display()))?
    };
    let foundation = ctx.foundation()?;
    let competitors = foundation.competitors().to_vec();
    let (state, account_name) = match account {
        None => (None, None),
        Some(key) => {
            let (state, name) = ctx
                .with_store(async |store| {
                    let a = find_account(store, key).await?;
                    Ok((account_state(store, &a, &foundation).await?, a.name))
                })
                .await?;
            (Some(state), Some(name))
        }
    };
    let mut request = Request::new(kind, &text);
    if let Some(s) = &state {
        request = request.for_account(s);
    }
    let mut verdict =
        decide(&matrix, &request, &competitors).map_err(|e| InvalidInput(e.to_string()))?;
    if let Some(by) = override_by {
        let reason = reason.unwrap_or_default();
        match override_verdict(&matrix, verdict.clone(), &by, &reason) {
            Ok(v) => verdict = v,
            Err(e) => {
                // The refused attempt is on the record too.
                let detail = serde_json::json!({ "verdict": super::audited_verdict(&verdict), "reason": reason, "refused": e.to_string() });
                audit(ctx, &by, "policy.override_refused", &account_name, detail).await?;
                return Err(Refused(e.to_string()).into());
            }
        }
    }
    let action = if verdict.overridden.is_some() {
        "policy.override"
    } else {
        "policy.verdict"
    };
    let actor = verdict
        .overridden
        .as_ref()
        .map_or("roomwork policy", |o| o.by.as_str())
        .to_string();
    audit(
        ctx,
        &actor,
        action,
        &account_name,
        super::audited_verdict(&verdict),
    )
    .await?;
    if ctx.json {
        return output::json(&verdict);
    }
    say!("Task: {} ({})", verdict.task, verdict.category.title());
    if let Some(name) = &account_name {
        say!("Account: {name}");
    }
    say!("Verdict: {}", verdict.outcome.describe());
    for f in &verdict.findings {
        say!("\n{} (evidence {:.1})", f.title, f.score);
        for e in &f.evidence {
            say!("  - {} [{:?}]: \"{}\"", e.what, e.source, e.quote);
        }
        if f.overridable && verdict.overridden.is_none() {
            say!(
                "  This rule may be overridden by a named person with a reason (--override-by NAME --reason TEXT)."
            );
        }
    }
    for f in &verdict.near_misses {
        say!(
            "\nNear miss, for the reviewer: {} (evidence {:.1} of 1.0)",
            f.title,
            f.score
        );
        for e in &f.evidence {
            say!("  - {}: \"{}\"", e.what, e.quote);
        }
    }
    if let Some(o) = &verdict.overridden {
        say!("\nOverridden by {}: {}", o.by, o.reason);
    }
    for n in &verdict.notes {
        say!("\nNote: {n}");
    }
    if verdict.outcome == Outcome::Draft && verdict.findings.is_empty() {
        say!("No protection rule applies.");
    }
    Ok(())
}

/// Appends one record to the audit trail.
async fn audit(
    ctx: &Context,
    actor: &str,
    action: &str,
    subject: &Option<String>,
    detail: serde_json::Value,
) -> anyhow::Result<()> {
    let entry =
        roomwork_store::AuditEntry::new(actor, action, subject.clone().unwrap_or_default(), detail);
    ctx.with_store(async |store| Ok(store.audit_append(&entry).await.map(|_| ())?))
        .await
}

fn eval(ctx: &Context, file: &std::path::Path) -> anyhow::Result<()> {
    let matrix = load_matrix(ctx)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let items = roomwork_policy::eval::parse(&text)
        .map_err(|e| InvalidInput(format!("{}: {e}", file.display())))?;
    let report = roomwork_policy::eval::evaluate(&matrix, &items, &[]);
    if ctx.json {
        return output::json(&report);
    }
    say!(
        "{}: {} requests, {} labelled protected",
        file.display(),
        report.requests,
        report.protected
    );
    let row = |name: &str, s: &roomwork_policy::eval::Score| {
        vec![
            name.to_string(),
            (s.true_positives + s.false_negatives).to_string(),
            s.true_positives.to_string(),
            s.false_positives.to_string(),
            s.false_negatives.to_string(),
            format!("{:.3}", s.precision),
            format!("{:.3}", s.recall),
        ]
    };
    let mut rows = vec![row("any rule (protected at all)", &report.any_rule)];
    for (r, s) in &report.per_rule {
        rows.push(row(r.slug(), s));
    }
    say!(
        "{}",
        output::table(
            &[
                "rule",
                "labelled",
                "caught",
                "false alarms",
                "missed",
                "precision",
                "recall"
            ],
            rows
        )
    );
    for (r, s) in &report.per_rule {
        if !s.missed.is_empty() {
            say!("missed {}: {}", r.slug(), s.missed.join(", "));
        }
    }
    Ok(())
}
