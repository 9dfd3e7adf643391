//! Reads of the store that the CLI and the web app share: an account's state as the policy
//! needs it, the pre-call briefing from an account's records, the responsibility matrix and
//! the Foundation of a data directory, and the screen/room capacity ledger.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use std::fmt::Write as _;

use chrono::{Datelike as _, Duration, NaiveDate};
use roomwork_capacity::{Assessment, Progress, Recovered, Settings, Week};
use roomwork_domain::{Account, Contact, DraftStatus, RepId};
use roomwork_policy::{AccountState, IssueFact, Matrix};
use roomwork_store::{ActivityFilter, DraftFilter, Store};
use serde::Serialize;

/// A configuration file that exists but cannot be used: the message names the file and the
/// problem.
#[derive(Debug)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

/// The responsibility matrix's file name in the data directory.
pub const MATRIX_FILE: &str = "policy.toml";

/// The matrix in force: `DATA_DIR/policy.toml`, or the built-in default.
pub fn load_matrix(data_dir: &Path) -> anyhow::Result<Matrix> {
    let path = data_dir.join(MATRIX_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Matrix::parse(&path.display().to_string(), &text)
            .map_err(|e| Invalid(e.to_string()))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Matrix::default()),
        Err(e) => Err(Invalid(format!("reading {}: {e}", path.display())).into()),
    }
}

/// The Foundation of a data directory; a document that exists but is invalid is an error.
pub fn foundation(data_dir: &Path) -> anyhow::Result<roomwork_foundation::Foundation> {
    Ok(roomwork_foundation::load(data_dir)?.require_valid()?)
}

/// The account's state as the policy needs it: open issues and whether each repeats an
/// earlier one (`roomwork_policy::repeats`), and whether the account is in the Foundation's
/// top tier.
pub async fn account_state(
    store: &dyn Store,
    account: &Account,
    foundation: &roomwork_foundation::Foundation,
) -> anyhow::Result<AccountState> {
    let mut issues: Vec<_> = store
        .issues()
        .await?
        .into_iter()
        .filter(|i| i.account_id == account.id)
        .collect();
    issues.sort_by_key(|i| i.opened_on);
    let open_issues = issues
        .iter()
        .enumerate()
        .filter(|(_, i)| i.closed_on.is_none())
        .map(|(n, i)| IssueFact {
            kind: i.kind,
            severity: i.severity,
            summary: i.summary.clone(),
            repeat: issues[..n].iter().any(|e| roomwork_policy::repeats(e, i)),
        })
        .collect();
    Ok(AccountState {
        tier: account.tier.clone(),
        health: account.health,
        health_reason: account.health_reason.clone(),
        open_issues,
        top_tier: account.tier.is_some() && account.tier == foundation.top_tier(),
    })
}

/// The pre-call briefing for `account` from its stored records, in the Foundation's format for
/// `call` (the built-in engine), with the owner's name.
pub async fn compose_briefing(
    store: &dyn Store,
    foundation: &roomwork_foundation::Foundation,
    call: &roomwork_foundation::CallType,
    account: &Account,
    today: NaiveDate,
) -> anyhow::Result<(roomwork_drafting::briefing::Briefing, Option<String>)> {
    use roomwork_drafting::briefing as engine;
    let stages = foundation.stage_catalog();
    let competitors = foundation.competitors().to_vec();
    let id = account.id;
    let owner = match account.owner {
        Some(rep) => store
            .reps()
            .await?
            .into_iter()
            .find(|r| r.id == rep)
            .map(|r| r.name),
        None => None,
    };
    let contacts: Vec<Contact> = store
        .contacts()
        .await?
        .into_iter()
        .filter(|c| c.account_id == Some(id))
        .collect();
    let orders: Vec<_> = store
        .orders()
        .await?
        .into_iter()
        .filter(|o| o.account_id == id)
        .collect();
    let issues: Vec<_> = store
        .issues()
        .await?
        .into_iter()
        .filter(|i| i.account_id == id)
        .collect();
    let opportunities: Vec<_> = store
        .opportunities(true)
        .await?
        .into_iter()
        .filter(|o| o.account_id == Some(id))
        .collect();
    let activities = store
        .activities(ActivityFilter {
            account_id: Some(id),
            ..Default::default()
        })
        .await?;
    let inputs = engine::Inputs {
        account,
        owner: owner.as_deref(),
        contacts: &contacts,
        orders: &orders,
        issues: &issues,
        opportunities: &opportunities,
        activities: &activities,
        stages: &stages,
        stalled_after_days: foundation.stalled_after_days(),
        competitors: &competitors,
        today,
    };
    Ok((engine::compose(call, &inputs), owner))
}

/// `DATA_DIR/capacity.toml` (every key optional), checked; the error names the file and key.
pub fn capacity_settings(data_dir: &Path) -> anyhow::Result<Settings> {
    let path = data_dir.join("capacity.toml");
    let s = match std::fs::read_to_string(&path) {
        Ok(text) => {
            let bad = |e: String| {
                Invalid(format!(
                    "{}: {}",
                    path.display(),
                    e.trim().replace('\n', " ")
                ))
            };
            let mut table: toml::Table = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
            // `deployed_on = 2026-10-07` is a TOML date: read as its text.
            if let Some(toml::Value::Datetime(d)) = table.get("deployed_on") {
                // A date with a time of day: its date.
                let text = d.date.map_or_else(|| d.to_string(), |x| x.to_string());
                table.insert("deployed_on".into(), toml::Value::String(text));
            }
            table
                .try_into::<Settings>()
                .map_err(|e| bad(e.to_string()))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
        Err(e) => return Err(Invalid(format!("reading {}: {e}", path.display())).into()),
    };
    s.check()
        .map_err(|e| Invalid(format!("{}: {e}", path.display())))?;
    Ok(s)
}

/// The capacity ledger: what the capacity command and dashboard show.
#[derive(Serialize)]
pub struct Ledger {
    /// The day it was computed for.
    pub today: NaiveDate,
    /// The deployment day.
    pub deployed_on: NaiveDate,
    /// Where the deployment day came from.
    pub deployed_from: &'static str,
    /// The day the touchpoint target is due.
    pub target_by: NaiveDate,
    /// The settings in force.
    pub settings: Settings,
    /// Active account managers by id.
    pub reps: BTreeMap<RepId, String>,
    /// Per account manager per week.
    pub weeks: Vec<Week>,
    /// Per account manager: progress and the efficiency-theater flag.
    pub assessments: Vec<Assessment>,
    /// Time recovered per month, person and workflow.
    pub recovered: Vec<Recovered>,
    /// The activities the measures come from (for a month's own days).
    #[serde(skip)]
    pub activities: Vec<roomwork_domain::Activity>,
}

/// The ledger on `today`. Without a deployment day (in the settings, or the first AI draft in
/// the drafting ledger) there is nothing to compare with: an [`Invalid`] error says so.
pub async fn ledger(store: &dyn Store, s: Settings, today: NaiveDate) -> anyhow::Result<Ledger> {
    let reps: BTreeMap<RepId, String> = store
        .reps()
        .await?
        .into_iter()
        .filter(|r| r.active)
        .map(|r| (r.id, r.name))
        .collect();
    let mut owned: HashMap<RepId, u32> = reps.keys().map(|r| (*r, 0)).collect();
    for a in store.accounts().await? {
        if let Some(o) = a.owner.and_then(|o| owned.get_mut(&o)) {
            *o += 1;
        }
    }
    let uses = store.workflow_uses().await?;
    let (deployed_on, deployed_from) = match (s.deployed_on, uses.first()) {
        (Some(d), _) => (d, "capacity.toml"),
        (None, Some(u)) => (u.at.date_naive(), "the first AI draft in the ledger"),
        (None, None) => {
            return Err(Invalid(
                "no AI draft yet and no deployed_on in capacity.toml: there is nothing to compare with the baseline"
                    .into(),
            )
            .into());
        }
    };
    let from = deployed_on - Duration::days(7 * i64::from(s.baseline_weeks));
    let activities = store
        .activities(ActivityFilter {
            skip_text: true,
            ..Default::default()
        })
        .await?;
    let weeks = roomwork_capacity::weeks(&activities, &owned, from, today);
    let assessments = roomwork_capacity::assess(&weeks, deployed_on, today, &s);
    // Only drafts a person approved (or sent) recovered time.
    let done: HashSet<_> = store
        .drafts(DraftFilter::default())
        .await?
        .into_iter()
        .filter(|d| matches!(d.status, DraftStatus::Approved | DraftStatus::Sent))
        .map(|d| d.id)
        .collect();
    let recovered = roomwork_capacity::recovered(&uses, &|u| done.contains(&u.draft_id));
    Ok(Ledger {
        today,
        deployed_on,
        deployed_from,
        target_by: deployed_on + Duration::days(i64::from(s.within_days)),
        settings: s,
        reps,
        weeks,
        assessments,
        recovered,
        activities,
    })
}

/// Minor units in `code`'s currency, as money is written ("$1,250.00", "¥1,250").
pub fn money(minor: i64, code: &str) -> String {
    match roomwork_domain::Currency::parse(code) {
        Ok(c) => roomwork_domain::Money::from_minor(minor, c).to_string(),
        Err(_) => format!("{minor} (minor units of {code})"),
    }
}

/// Progress against the touchpoint target, in words.
pub fn progress(p: Progress) -> &'static str {
    match p {
        Progress::OnTarget => "on target",
        Progress::Behind => "behind",
        Progress::Missed => "missed",
        Progress::NotMeasurable => "no baseline",
    }
}

/// A change as a signed percentage, "-" without one.
pub fn change(c: Option<f64>) -> String {
    c.map_or("-".into(), |c| format!("{:+.0}%", c * 100.0))
}

/// The monthly capacity report for the sales director (seed 000, "capacity allocation") as
/// Markdown: per account manager the month's touchpoints and AI-assisted messages, progress
/// against the target, who is flagged and why, the hours recovered, and a marked place for the
/// director's review. `show` and `show_person` narrow it to the reps and people the reader may
/// see. The month starts on `start`; it is assessed as of the day after its end, or `today`
/// for the month under way.
pub async fn monthly_report(
    store: &dyn Store,
    settings: Settings,
    start: NaiveDate,
    today: NaiveDate,
    show: &(dyn Fn(&RepId) -> bool + Sync),
    show_person: &(dyn Fn(&str) -> bool + Sync),
) -> anyhow::Result<(String, Ledger)> {
    let end = (start + Duration::days(32)).with_day(1).expect("day 1") - Duration::days(1);
    let l = ledger(store, settings, (end + Duration::days(1)).min(today)).await?;
    let month_totals = roomwork_capacity::totals(&l.activities, start, end);
    let name = |r: &RepId| l.reps.get(r).cloned().unwrap_or_default();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Capacity allocation: {}\n\nAI deployed {} ({}). The allocation decision: recovered time goes to room work, measured as outbound touchpoints per account (calls, visits, meetings, formal check-ins), expected to rise {:.0}% to {:.0}% above the {} weeks before deployment by {}.\n",
        start.format("%B %Y"),
        l.deployed_on,
        l.deployed_from,
        l.settings.target.0 * 100.0,
        l.settings.target.1 * 100.0,
        l.settings.baseline_weeks,
        l.target_by
    );
    let _ = writeln!(md, "## Per account manager\n");
    let _ = writeln!(
        md,
        "| account manager | touchpoints this month | AI-assisted sent this month | per account per week (baseline → now) | change | progress |\n|---|---:|---:|---|---:|---|"
    );
    for a in l.assessments.iter().filter(|a| show(&a.rep)) {
        let (t, ai) = month_totals.get(&a.rep).copied().unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {t} | {ai} | {} → {:.2} | {} | {} |",
            name(&a.rep),
            a.baseline.map_or("-".into(), |b| format!("{b:.2}")),
            a.current,
            change(a.change),
            progress(a.progress)
        );
    }
    let theater: Vec<&Assessment> = l
        .assessments
        .iter()
        .filter(|a| a.efficiency_theater && show(&a.rep))
        .collect();
    let _ = writeln!(md, "\n## Efficiency theater\n");
    if theater.is_empty() {
        let _ = writeln!(
            md,
            "Nobody: where AI-assisted messages grew, touchpoints grew too."
        );
    }
    for a in theater {
        let _ = writeln!(md, "- **{}**: {}.", name(&a.rep), a.reason);
    }
    let _ = writeln!(md, "\n## Time recovered this month\n");
    let month_rows: Vec<&Recovered> = l
        .recovered
        .iter()
        .filter(|r| r.month == start && show_person(&r.used_by))
        .collect();
    if month_rows.is_empty() {
        let _ = writeln!(md, "No approved or sent AI drafts this month.");
    } else {
        let _ = writeln!(
            md,
            "| person | workflow | drafts | hours | worth |\n|---|---|---:|---:|---:|"
        );
        for r in &month_rows {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {:.1} | {} |",
                r.used_by,
                r.workflow.label(),
                r.drafts,
                r.hours,
                money(r.value_minor, &r.currency)
            );
        }
        let hours: f64 = month_rows.iter().map(|r| r.hours).sum();
        let _ = writeln!(
            md,
            "\nIn all {hours:.1} hours: the question for this review is where they went."
        );
    }
    let _ = writeln!(
        md,
        "\n## Sales director's review\n\n[[AM: what you see, and what you ask of each account manager for next month]]"
    );
    Ok((md, l))
}
