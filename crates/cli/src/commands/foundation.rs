//! `roomwork foundation`: write, check and apply the six Foundation documents.

use std::collections::HashMap;

use anyhow::Context as _;
use chrono::{Days, Utc};
use roomwork_domain::{Account, Batch, Money};
use roomwork_foundation::{AccountFacts, DocKind, DocState, Set};
use serde::Serialize;

use super::Context;
use crate::args::{FoundationArgs, FoundationCommand};
use crate::exit::Refused;
use crate::output::{self, say};

pub async fn run(ctx: &Context, args: FoundationArgs) -> anyhow::Result<()> {
    match args.command {
        FoundationCommand::Init { force } => init(ctx, force),
        FoundationCommand::Check => check(ctx),
        FoundationCommand::Tiers { apply } => tiers(ctx, apply).await,
    }
}

fn init(ctx: &Context, force: bool) -> anyhow::Result<()> {
    let paths = match roomwork_foundation::init(&ctx.data_dir, Set::Starter, force) {
        Err(roomwork_foundation::FoundationError::Exists(p)) => {
            return Err(Refused(format!(
                "{} already exists; edit it, or run `roomwork foundation init --force` to replace all six documents",
                p.display()
            ))
            .into());
        }
        r => r?,
    };
    if ctx.json {
        return output::json(&paths);
    }
    say!("Wrote the starting Foundation (six commented documents):");
    for p in &paths {
        say!("  {}", p.display());
    }
    say!("Edit them for your company, then run `roomwork foundation check`.");
    Ok(())
}

#[derive(Serialize)]
struct CheckReport<'a> {
    folder: &'a std::path::Path,
    documents: Vec<DocReport<'a>>,
    workflows: Vec<roomwork_foundation::Readiness>,
    problems: &'a [roomwork_foundation::Problem],
}

#[derive(Serialize)]
struct DocReport<'a> {
    document: DocKind,
    title: &'static str,
    file: &'static str,
    #[serde(flatten)]
    state: &'a DocState,
}

fn check(ctx: &Context) -> anyhow::Result<()> {
    let check = roomwork_foundation::load(&ctx.data_dir)?;
    let report = CheckReport {
        folder: check.dir(),
        documents: check
            .states()
            .iter()
            .map(|(k, s)| DocReport {
                document: *k,
                title: k.title(),
                file: k.file_name(),
                state: s,
            })
            .collect(),
        workflows: check.readiness(),
        problems: check.problems(),
    };
    if ctx.json {
        output::json(&report)?;
    } else {
        say!("Foundation in {}", check.dir().display());
        let rows = report.documents.iter().map(|d| {
            let state = match d.state {
                DocState::Missing => "missing".to_string(),
                DocState::Valid => "valid".to_string(),
                DocState::Invalid { problems } => format!("{problems} problem(s)"),
            };
            vec![d.title.to_string(), d.file.to_string(), state]
        });
        say!("{}", output::table(&["document", "file", "state"], rows));
        let rows = report.workflows.iter().map(|r| {
            let state = if r.ready {
                "ready".to_string()
            } else {
                format!(
                    "needs {}",
                    r.missing
                        .iter()
                        .map(|k| k.file_name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let needs = r
                .needs
                .iter()
                .map(|k| k.file_name())
                .collect::<Vec<_>>()
                .join(", ");
            vec![r.workflow.label().to_string(), needs, state]
        });
        say!(
            "{}",
            output::table(&["workflow", "requires", "state"], rows)
        );
        for p in check.problems() {
            say!("{p}");
        }
        if check.is_empty() {
            say!("No documents yet: run `roomwork foundation init` to write a starting set.");
        }
    }
    if check.problems().is_empty() {
        Ok(())
    } else {
        Err(crate::exit::FoundationProblems(check.problems().len()).into())
    }
}

#[derive(Serialize)]
struct TierRow {
    account: String,
    current: Option<String>,
    assigned: String,
    rule: Option<usize>,
    reasons: Vec<String>,
    changed: bool,
    orders_last_12_months: Option<String>,
    open_pipeline: Option<String>,
}

/// Sums money in one currency; amounts in other currencies are left out (and would show in
/// the reasons as not comparable).
fn add(total: &mut Option<Money>, m: Money) {
    *total = match *total {
        None => Some(m),
        Some(t) => t.checked_add(m).or(Some(t)),
    };
}

async fn tiers(ctx: &Context, apply: bool) -> anyhow::Result<()> {
    let foundation = ctx.foundation()?;
    let rules = foundation
        .tier_rules()
        .context("tiers.toml is missing: run `roomwork foundation init` and define the tiers")?
        .clone();
    let today = Utc::now().date_naive();
    let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(today);
    ctx.with_store(async |store| {
        let accounts = store.accounts().await?;
        let mut orders: HashMap<_, Option<Money>> = HashMap::new();
        for o in store.orders().await? {
            if o.ordered_on >= year_ago && o.status != roomwork_domain::OrderStatus::Cancelled {
                add(orders.entry(o.account_id).or_default(), o.value);
            }
        }
        let mut pipeline: HashMap<_, Option<Money>> = HashMap::new();
        let catalog = foundation.stage_catalog();
        for d in store.opportunities(false).await? {
            let open = catalog
                .get(d.stage.as_str())
                .is_some_and(|s| s.outcome == roomwork_domain::StageOutcome::Open);
            if let (true, Some(a), Some(m)) = (open, d.account_id, d.amount) {
                add(pipeline.entry(a).or_default(), m);
            }
        }
        let mut rows = Vec::new();
        let mut changed: Vec<Account> = Vec::new();
        for a in accounts {
            let facts = AccountFacts {
                name: a.name.clone(),
                industry: a.industry.clone(),
                employees: a.employees,
                annual_revenue: a.annual_revenue,
                orders_last_12_months: orders.get(&a.id).copied().flatten(),
                open_pipeline: pipeline.get(&a.id).copied().flatten(),
            };
            let got = rules.assign(&facts);
            let is_change = a.tier.as_ref() != Some(&got.tier);
            rows.push(TierRow {
                account: a.name.clone(),
                current: a.tier.as_ref().map(|t| t.to_string()),
                assigned: got.tier.to_string(),
                rule: got.rule,
                reasons: got.reasons.clone(),
                changed: is_change,
                orders_last_12_months: facts.orders_last_12_months.map(|m| m.to_string()),
                open_pipeline: facts.open_pipeline.map(|m| m.to_string()),
            });
            if is_change {
                let mut a = a;
                a.tier = Some(got.tier.clone());
                changed.push(a);
            }
        }
        rows.sort_by(|a, b| b.changed.cmp(&a.changed).then(a.account.cmp(&b.account)));
        let n_changed = changed.len();
        if apply && n_changed > 0 {
            let detail: Vec<_> = rows
                .iter()
                .filter(|r| r.changed)
                .map(|r| {
                    serde_json::json!({
                        "account": r.account,
                        "from": r.current,
                        "to": r.assigned,
                        "rule": r.rule,
                        "because": r.reasons,
                    })
                })
                .collect();
            // Tier assignment is an automated task: applied directly, and logged in the same
            // transaction.
            store
                .save_batch_audited(
                    &Batch {
                        accounts: changed,
                        ..Default::default()
                    },
                    &roomwork_store::AuditEntry::new(
                        "roomwork tier rules",
                        "tiers.applied",
                        format!("{n_changed} accounts"),
                        serde_json::json!({ "changes": detail }),
                    ),
                )
                .await?;
        }
        if ctx.json {
            return output::json(&rows);
        }
        let shown = rows.iter().filter(|r| r.changed).take(40).map(|r| {
            vec![
                r.account.clone(),
                r.current.clone().unwrap_or_else(|| "-".into()),
                r.assigned.clone(),
                r.rule.map_or("default".into(), |i| format!("rule[{i}]")),
                r.reasons.join("; "),
            ]
        });
        say!(
            "{}",
            output::table(
                &["account", "tier now", "by the rules", "rule", "because"],
                shown
            )
        );
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for r in &rows {
            *counts.entry(r.assigned.as_str()).or_default() += 1;
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort();
        say!(
            "{} accounts: {}. {} differ from the CRM{}.",
            rows.len(),
            counts
                .iter()
                .map(|(t, n)| format!("{n} {t}"))
                .collect::<Vec<_>>()
                .join(", "),
            n_changed,
            if apply {
                " and were updated"
            } else if n_changed > 0 {
                " (run with --apply to update them)"
            } else {
                ""
            }
        );
        Ok(())
    })
    .await
}
