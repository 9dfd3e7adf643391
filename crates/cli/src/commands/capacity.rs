//! `roomwork capacity`: screen work versus room work per account manager (crate
//! `roomwork_capacity`), with the settings of `DATA_DIR/capacity.toml`.

use std::collections::BTreeMap;

use anyhow::Context as _;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use roomwork_capacity::{Settings, Week};
use roomwork_domain::RepId;
use roomwork_server::records::Ledger;

use super::Context;
use crate::args::{CapacityArgs, CapacityCommand};
use crate::exit::InvalidInput;
use crate::output::{self, say};

/// `DATA_DIR/capacity.toml` (every key optional), checked; the error names the file and key.
pub fn settings(ctx: &Context) -> anyhow::Result<Settings> {
    roomwork_server::records::capacity_settings(&ctx.data_dir).map_err(super::policy::invalid)
}

async fn ledger(ctx: &Context, today: NaiveDate) -> anyhow::Result<Ledger> {
    let s = settings(ctx)?;
    ctx.with_store(async |store| roomwork_server::records::ledger(store, s, today).await)
        .await
        .map_err(super::policy::invalid)
}

use roomwork_server::records::{change, money, progress};

pub async fn run(ctx: &Context, args: CapacityArgs) -> anyhow::Result<()> {
    let today = args.today.unwrap_or_else(|| Utc::now().date_naive());
    match args.command {
        None => overview(ctx, today).await,
        Some(CapacityCommand::Weeks { rep }) => weeks(ctx, today, rep.as_deref()).await,
        Some(CapacityCommand::Report { month, out }) => {
            report(ctx, today, month.as_deref(), out.as_deref()).await
        }
    }
}

async fn overview(ctx: &Context, today: NaiveDate) -> anyhow::Result<()> {
    let l = ledger(ctx, today).await?;
    if ctx.json {
        return output::json(&l);
    }
    let s = &l.settings;
    say!(
        "AI deployed {} ({}); target: touchpoints per account {:+.0}% to {:+.0}% against the {} weeks before, by {}.",
        l.deployed_on,
        l.deployed_from,
        s.target.0 * 100.0,
        s.target.1 * 100.0,
        s.baseline_weeks,
        l.target_by
    );
    let n = s.trend_weeks;
    say!(
        "{}",
        output::table(
            &[
                "account manager",
                "baseline /acct/wk",
                "now /acct/wk",
                "change",
                "progress",
                &format!("touchpoints (prev {n} wk → last {n})"),
                &format!("AI-assisted sent (prev {n} → last {n})"),
                "",
            ],
            l.assessments.iter().map(|a| vec![
                l.reps.get(&a.rep).cloned().unwrap_or_default(),
                a.baseline.map_or("-".into(), |b| format!("{b:.2}")),
                format!("{:.2}", a.current),
                change(a.change),
                progress(a.progress).into(),
                format!("{} → {}", a.touchpoints.1, a.touchpoints.0),
                format!("{} → {}", a.ai_sent.1, a.ai_sent.0),
                if a.efficiency_theater {
                    "EFFICIENCY THEATER".into()
                } else {
                    String::new()
                },
            ])
        )
    );
    for a in l.assessments.iter().filter(|a| a.efficiency_theater) {
        say!(
            "{}: {}.",
            l.reps.get(&a.rep).map_or("?", String::as_str),
            a.reason
        );
    }
    // Per workflow and currency: amounts in two currencies are not added together.
    let mut totals: BTreeMap<(&str, &str), (u32, f64, i64)> = BTreeMap::new();
    for r in &l.recovered {
        let e = totals
            .entry((r.workflow.label(), r.currency.as_str()))
            .or_insert((0, 0.0, 0));
        e.0 += r.drafts;
        e.1 += r.hours;
        e.2 += r.value_minor;
    }
    if totals.is_empty() {
        say!("No approved or sent AI drafts yet: no time recovered to show.");
    } else {
        say!("Time recovered (approved or sent drafts, since the ledger began):");
        say!(
            "{}",
            output::table(
                &["workflow", "drafts", "hours", "worth"],
                totals.iter().map(|((w, c), (n, h, v))| vec![
                    w.to_string(),
                    n.to_string(),
                    format!("{h:.1}"),
                    money(*v, c),
                ])
            )
        );
    }
    Ok(())
}

async fn weeks(ctx: &Context, today: NaiveDate, rep: Option<&str>) -> anyhow::Result<()> {
    let l = ledger(ctx, today).await?;
    let only: Option<RepId> = match rep {
        Some(name) => Some(
            l.reps
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
                .map(|(id, _)| *id)
                .ok_or_else(|| InvalidInput(format!("no active account manager named {name:?}")))?,
        ),
        None => None,
    };
    let rows: Vec<&Week> = l
        .weeks
        .iter()
        .filter(|w| only.is_none_or(|r| w.rep == r))
        .collect();
    if ctx.json {
        return output::json(&rows);
    }
    say!(
        "{}",
        output::table(
            &[
                "account manager",
                "week",
                "touchpoints",
                "accounts",
                "per account",
                "AI-assisted sent"
            ],
            rows.iter().map(|w| vec![
                l.reps.get(&w.rep).cloned().unwrap_or_default(),
                format!(
                    "{}{}",
                    w.week,
                    if w.week < roomwork_capacity::monday(l.deployed_on) {
                        " (before AI)"
                    } else {
                        ""
                    }
                ),
                w.touchpoints.to_string(),
                w.accounts.to_string(),
                format!("{:.2}", w.per_account),
                w.ai_sent.to_string(),
            ])
        )
    );
    Ok(())
}

/// The month `YYYY-MM`, or the last full month before `today`.
fn month_of(given: Option<&str>, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    match given {
        Some(m) => NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d")
            .map_err(|_| InvalidInput(format!("--month {m:?}: expected YYYY-MM")).into()),
        None => {
            let first = today.with_day(1).expect("day 1");
            Ok((first - Duration::days(1)).with_day(1).expect("day 1"))
        }
    }
}

async fn report(
    ctx: &Context,
    today: NaiveDate,
    month: Option<&str>,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let start = month_of(month, today)?;
    let s = settings(ctx)?;
    let (md, l) = ctx
        .with_store(async |store| {
            roomwork_server::records::monthly_report(store, s, start, today, &|_| true, &|_| true)
                .await
        })
        .await
        .map_err(super::policy::invalid)?;
    if ctx.json {
        return output::json(&serde_json::json!({"month": start, "markdown": md, "ledger": l}));
    }
    match out {
        Some(path) => {
            std::fs::write(path, &md).with_context(|| format!("writing {}", path.display()))?;
            say!(
                "Wrote the capacity report for {} to {}.",
                start.format("%B %Y"),
                path.display()
            );
        }
        None => say!("{md}"),
    }
    Ok(())
}
