//! Workflow 3 on the built-in engine: the weekly pipeline report in the Foundation's format.
//!
//! Built from the deals in the store: status by stage (count, value, weighted value at the
//! Foundation's stage probabilities), deals stalled beyond their stage's expected days (or the
//! Foundation's threshold), expected closes this month, the action required for each deal by
//! the Foundation's conventions (`pipeline.toml [[action]]`), competitors named in the week's
//! notes, and what changed in the last seven days as far as the stage history shows it (new,
//! advanced, moved back, won, lost). Rendered as Markdown (for the inbox), CSV (one row per open
//! deal) and HTML with a bar chart, with a marked place for the sales director's commentary.
//!
//! When a snapshot of an earlier week exists, the changes are the exact differences from it
//! (computed by the pipeline crate and passed in as [`SinceSnapshot`]: new, advanced, moved
//! back, slipped, pushed, pulled in, amount up or down, won, lost); without one they are read
//! from the stage history of the last seven days. Deals whose close date moved later more than
//! once get the Foundation's `slipping` action.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{Datelike as _, Duration, NaiveDate};
use roomwork_domain::{
    Account, AccountId, Activity, Currency, Health, Money, Opportunity, OpportunityId, Rep,
};
use roomwork_foundation::{ActionConvention, ActionWhen, StageStandard};
use serde::Serialize;

use crate::text::find_phrase;

/// What the report is built from.
pub struct Inputs<'a> {
    /// Every deal, with stage history.
    pub deals: &'a [Opportunity],
    /// Accounts (names, health).
    pub accounts: &'a [Account],
    /// Reps (owners' names).
    pub reps: &'a [Rep],
    /// Activities (for competitors named in the week's notes).
    pub activities: &'a [Activity],
    /// The Foundation's stages in order.
    pub stages: &'a [StageStandard],
    /// Days in a stage after which a deal is stalled, where its stage names none.
    pub stalled_after_days: u32,
    /// The Foundation's action conventions.
    pub actions: &'a [ActionConvention],
    /// Competitors to look for.
    pub competitors: &'a [String],
    /// The Foundation's section order.
    pub sections: &'a [String],
    /// The report's day.
    pub today: NaiveDate,
    /// Changes since the last snapshot, when one exists.
    pub since: Option<&'a SinceSnapshot>,
    /// Deals whose close date moved later more than once (the `slipping` convention).
    pub slipping: &'a HashSet<OpportunityId>,
}

/// The exact changes since an earlier snapshot.
#[derive(Clone, Debug, Serialize)]
pub struct SinceSnapshot {
    /// The snapshot's day.
    pub day: NaiveDate,
    /// `report` or `reconstructed`.
    pub source: String,
    /// (kind, deal, detail) in report order.
    pub changes: Vec<(String, OpportunityId, String)>,
}

/// One open deal as the report sees it.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Deal.
    pub deal: String,
    /// Account.
    pub account: String,
    /// Owner.
    pub owner: String,
    /// Stage.
    pub stage: String,
    /// Value.
    pub amount: Option<Money>,
    /// Expected close.
    pub close_date: Option<NaiveDate>,
    /// Days in the current stage.
    pub days_in_stage: i64,
    /// Beyond the stage's expected days.
    pub stalled: bool,
    /// Next step.
    pub next_step: Option<String>,
    /// Its date.
    pub next_step_date: Option<NaiveDate>,
    /// Actions required by the conventions: (who, what).
    pub actions: Vec<(String, String)>,
}

/// One stage's line.
#[derive(Clone, Debug, Serialize)]
pub struct StageLine {
    /// Stage.
    pub stage: String,
    /// Open deals in it.
    pub deals: usize,
    /// Their value (in the report currency).
    pub value: Money,
    /// Weighted by the stage's probability.
    pub weighted: Money,
}

/// The report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The day.
    pub today: NaiveDate,
    /// Status by stage, in funnel order.
    pub stages: Vec<StageLine>,
    /// Every open deal.
    pub rows: Vec<Row>,
    /// Changes since the last snapshot, or in the last seven days: (kind, deal, detail).
    pub changes: Vec<(String, String, String)>,
    /// The snapshot the changes were measured from, and how it was taken (`None`: the
    /// stage history of the last seven days).
    pub changes_since: Option<(NaiveDate, String)>,
    /// Competitors named in the last seven days' notes: (competitor, account).
    pub competitors: Vec<(String, String)>,
    /// Deals valued in another currency than the report's, left out of the totals.
    pub other_currency: usize,
}

fn days_in_stage(o: &Opportunity, today: NaiveDate) -> i64 {
    let entered = o
        .stage_history
        .iter()
        .filter(|c| c.stage.as_str().eq_ignore_ascii_case(o.stage.as_str()))
        .map(|c| c.entered_on)
        .max()
        .or_else(|| o.stage_history.iter().map(|c| c.entered_on).max())
        .unwrap_or(o.created_on);
    (today - entered).num_days()
}

/// Builds the report.
pub fn build(i: &Inputs<'_>) -> Report {
    // A stage by its name or one of the Foundation's aliases ("Won" for "Closed Won").
    let find_stage = |name: &str| {
        i.stages.iter().position(|s| {
            s.name.eq_ignore_ascii_case(name)
                || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    };
    // Stage positions by spelling, once (a pipeline has many deals and few spellings).
    let mut stage_index: Vec<(String, Option<usize>)> = Vec::new();
    let mut position = |name: &str| match stage_index.iter().find(|(n, _)| n == name) {
        Some((_, k)) => *k,
        None => {
            let k = find_stage(name);
            stage_index.push((name.to_string(), k));
            k
        }
    };
    let positions: Vec<Option<usize>> =
        i.deals.iter().map(|o| position(o.stage.as_str())).collect();
    let is_open: Vec<bool> = positions
        .iter()
        .map(|k| k.is_none_or(|k| i.stages[k].outcome == "open"))
        .collect();
    let accounts: HashMap<AccountId, &Account> = i.accounts.iter().map(|a| (a.id, a)).collect();
    let reps: HashMap<_, &str> = i.reps.iter().map(|r| (r.id, r.name.as_str())).collect();
    let account_of = |o: &Opportunity| o.account_id.and_then(|id| accounts.get(&id).copied());
    let owner_of = |o: &Opportunity| {
        o.owner
            .and_then(|id| reps.get(&id))
            .map_or_else(|| "(no owner)".to_string(), |n| n.to_string())
    };
    // The report's currency: the most common among open deals.
    // (Counted by code, in code order, so that a tie goes to the same currency every time.)
    let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
    for a in i
        .deals
        .iter()
        .zip(&is_open)
        .filter(|(_, open)| **open)
        .filter_map(|(o, _)| o.amount)
    {
        *counts.entry(a.currency()).or_default() += 1;
    }
    let currency = counts
        .iter()
        .map(|(c, n)| (*n, *c))
        .max_by_key(|(n, _)| *n)
        .map_or(Currency::USD, |(_, c)| c);
    // One row per open deal, on up to four threads for a large pipeline; the per-stage sums
    // are added up afterwards in funnel order.
    let row_of = |o: &Opportunity, k: Option<usize>| -> Row {
        let expected = k
            .and_then(|k| i.stages[k].expected_days)
            .unwrap_or(i.stalled_after_days);
        let days = days_in_stage(o, i.today);
        let stalled = days > i64::from(expected);
        let account = account_of(o);
        let mut actions = Vec::new();
        for a in i.actions {
            let applies = match a.when {
                ActionWhen::Stalled => stalled,
                ActionWhen::CloseDatePassed => o.close_date.is_some_and(|c| c < i.today),
                ActionWhen::NoNextStep => o.next_step.is_none(),
                ActionWhen::NextStepOverdue => o.next_step_date.is_some_and(|d| d < i.today),
                ActionWhen::ClosingSoon => o
                    .close_date
                    .is_some_and(|c| c >= i.today && (c - i.today).num_days() <= 14),
                ActionWhen::Slipping => i.slipping.contains(&o.id),
                ActionWhen::AccountAtRisk => account.is_some_and(|a| a.health == Health::AtRisk),
            };
            if applies {
                actions.push((a.who.clone(), a.action.clone()));
            }
        }
        Row {
            deal: o.name.clone(),
            account: account.map_or_else(String::new, |a| a.name.clone()),
            owner: owner_of(o),
            stage: o.stage.as_str().to_string(),
            amount: o.amount,
            close_date: o.close_date,
            days_in_stage: days,
            stalled,
            next_step: o.next_step.clone(),
            next_step_date: o.next_step_date,
            actions,
        }
    };
    let open: Vec<usize> = (0..i.deals.len()).filter(|&n| is_open[n]).collect();
    let rows_of = |part: &[usize]| -> Vec<Row> {
        part.iter()
            .map(|&n| row_of(&i.deals[n], positions[n]))
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let rows: Vec<Row> = if open.len() < 20_000 || threads < 2 {
        rows_of(&open)
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = open
                .chunks(open.len().div_ceil(threads))
                .map(|part| s.spawn(move || rows_of(part)))
                .collect();
            let mut all = Vec::with_capacity(open.len());
            for h in handles {
                all.extend(h.join().expect("a report thread panicked"));
            }
            all
        })
    };
    let mut other_currency = 0;
    let mut by_stage: BTreeMap<usize, (usize, i64, i64)> = BTreeMap::new();
    for &n in &open {
        let (o, k) = (&i.deals[n], positions[n]);
        let entry = by_stage.entry(k.unwrap_or(usize::MAX)).or_default();
        entry.0 += 1;
        match o.amount {
            Some(a) if a.currency() == currency => {
                entry.1 += a.minor();
                let p = k.and_then(|k| i.stages[k].probability).unwrap_or(0);
                entry.2 += a.minor() * i64::from(p) / 100;
            }
            Some(_) => other_currency += 1,
            None => {}
        }
    }
    // By close date, deal and account; equal rows keep their order. Sorting positions rather
    // than the rows themselves moves 4 bytes instead of a whole row per swap.
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let (x, y) = (&rows[a as usize], &rows[b as usize]);
        (
            x.close_date.unwrap_or(NaiveDate::MAX),
            &x.deal,
            &x.account,
            a,
        )
            .cmp(&(
                y.close_date.unwrap_or(NaiveDate::MAX),
                &y.deal,
                &y.account,
                b,
            ))
    });
    let mut slots: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    let rows: Vec<Row> = order
        .iter()
        .map(|&k| slots[k as usize].take().expect("each row once"))
        .collect();
    let stages = by_stage
        .into_iter()
        .map(|(k, (n, v, w))| StageLine {
            stage: i.stages.get(k).map_or_else(
                || "(stage not in the Foundation)".to_string(),
                |s| s.name.clone(),
            ),
            deals: n,
            value: Money::from_minor(v, currency),
            weighted: Money::from_minor(w, currency),
        })
        .collect();

    // Changes: exact, from the last snapshot, or from the last seven days of stage history.
    let week_ago = i.today - Duration::days(7);
    let mut changes = Vec::new();
    let names: HashMap<OpportunityId, &str> = match i.since {
        Some(_) => i.deals.iter().map(|o| (o.id, o.name.as_str())).collect(),
        None => HashMap::new(),
    };
    if let Some(since) = i.since {
        for (kind, id, detail) in &since.changes {
            let deal = names
                .get(id)
                .map_or_else(|| id.to_string(), |n| n.to_string());
            changes.push((kind.clone(), deal, detail.clone()));
        }
    }
    for o in i.deals.iter().filter(|_| i.since.is_none()) {
        if o.created_on > week_ago && o.created_on <= i.today {
            changes.push(("new".into(), o.name.clone(), o.stage.as_str().to_string()));
        }
        // Most deals did not move this week: look before sorting their history.
        if !o
            .stage_history
            .iter()
            .any(|c| c.entered_on > week_ago && c.entered_on <= i.today)
        {
            continue;
        }
        let mut history: Vec<_> = o.stage_history.iter().collect();
        history.sort_by_key(|c| c.entered_on);
        for (n, b) in history.iter().enumerate() {
            if b.entered_on <= week_ago || b.entered_on > i.today {
                continue;
            }
            let a = n.checked_sub(1).map(|p| history[p]);
            if a.is_some_and(|a| a.stage.as_str().eq_ignore_ascii_case(b.stage.as_str())) {
                continue;
            }
            let pb = position(b.stage.as_str());
            let pa = a.and_then(|a| position(a.stage.as_str()));
            let outcome = pb.map(|k| i.stages[k].outcome.as_str());
            let kind = match (outcome, pa, pb) {
                (Some("won"), ..) => "won",
                (Some("lost"), ..) => "lost",
                (_, Some(x), Some(y)) if y < x => "moved back",
                (_, Some(x), Some(y)) if y > x => "advanced",
                // The first entry of a new deal is reported as "new" above.
                _ if a.is_none() => continue,
                _ => "changed",
            };
            let from = a.map_or("(none)", |a| a.stage.as_str());
            changes.push((
                kind.into(),
                o.name.clone(),
                format!("{from} → {}", b.stage.as_str()),
            ));
        }
    }
    if i.since.is_none() {
        changes.sort();
    }
    let mut competitors = Vec::new();
    for a in i.activities.iter().filter(|a| {
        let d = a.occurred_at.date_naive();
        d > week_ago && d <= i.today
    }) {
        let text = format!("{} {}", a.subject, a.body.as_deref().unwrap_or(""));
        for c in i.competitors {
            if !find_phrase(&text, c).is_empty() {
                let account = a
                    .account_id
                    .and_then(|id| accounts.get(&id))
                    .map_or_else(String::new, |x| x.name.clone());
                competitors.push((c.clone(), account));
            }
        }
    }
    competitors.sort();
    competitors.dedup();
    Report {
        today: i.today,
        stages,
        rows,
        changes,
        changes_since: i.since.map(|s| (s.day, s.source.clone())),
        competitors,
        other_currency,
    }
}

fn money(m: &Option<Money>) -> String {
    m.map_or_else(String::new, |m| m.to_string())
}

fn day(d: &Option<NaiveDate>) -> String {
    d.map_or_else(String::new, |d| d.format("%-d %b %Y").to_string())
}

/// The report as Markdown, in the Foundation's section order.
pub fn markdown(r: &Report, sections: &[String]) -> String {
    let default = [
        "Status by stage",
        "Stalled items",
        "Expected closes this month",
        "Action required",
        "Competitors seen this week",
        "Changes since last week",
        "Sales director's commentary",
    ]
    .map(String::from);
    let sections = if sections.is_empty() {
        &default[..]
    } else {
        sections
    };
    // About two hundred bytes a deal: reserved once rather than doubled and copied.
    let mut md = String::with_capacity(4096 + r.rows.len() * 256);
    let _ = writeln!(
        md,
        "# Weekly pipeline report ({})",
        r.today.format("%-d %B %Y")
    );
    let month_end = |d: NaiveDate| d.year() == r.today.year() && d.month() == r.today.month();
    for title in sections {
        let _ = write!(md, "\n## {title}\n\n");
        let t = title.to_lowercase();
        if t.contains("status") {
            md.push_str("| stage | deals | value | weighted |\n|---|---:|---:|---:|\n");
            for s in &r.stages {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} |",
                    s.stage, s.deals, s.value, s.weighted
                );
            }
            if r.other_currency > 0 {
                let _ = writeln!(
                    md,
                    "\n{} deal(s) in another currency are counted but not summed.",
                    r.other_currency
                );
            }
        } else if t.contains("stalled") {
            let stalled: Vec<&Row> = r.rows.iter().filter(|x| x.stalled).collect();
            if stalled.is_empty() {
                md.push_str("None.\n");
            }
            for x in stalled {
                for piece in ["- ", &x.deal, " (", &x.account, ", ", &x.owner, "): "] {
                    md.push_str(piece);
                }
                let _ = write!(md, "{}", x.days_in_stage);
                for piece in [
                    " days in ",
                    &x.stage,
                    "; next step: ",
                    x.next_step.as_deref().unwrap_or("none"),
                    "\n",
                ] {
                    md.push_str(piece);
                }
            }
        } else if t.contains("close") {
            let closing: Vec<&Row> = r
                .rows
                .iter()
                .filter(|x| x.close_date.is_some_and(month_end))
                .collect();
            if closing.is_empty() {
                md.push_str("None.\n");
            }
            for x in closing {
                let _ = writeln!(
                    md,
                    "- {}: {} ({}), {}, {}",
                    day(&x.close_date),
                    x.deal,
                    x.owner,
                    x.stage,
                    money(&x.amount)
                );
            }
        } else if t.contains("action") {
            let mut any = false;
            // Pieces pushed directly: the formatting machinery was most of this section's
            // time on a large pipeline.
            for x in r.rows.iter().filter(|x| !x.actions.is_empty()) {
                any = true;
                for piece in ["- **", &x.deal, "** (", &x.account, ", ", &x.owner, ")\n"] {
                    md.push_str(piece);
                }
                for (who, what) in &x.actions {
                    for piece in ["  - ", who, ": ", what, "\n"] {
                        md.push_str(piece);
                    }
                }
            }
            if !any {
                md.push_str("None.\n");
            }
        } else if t.contains("competitor") {
            if r.competitors.is_empty() {
                md.push_str("None named in this week's notes.\n");
            }
            for (c, a) in &r.competitors {
                let _ = writeln!(md, "- {c} at {a}");
            }
        } else if t.contains("change") {
            if let Some((day, source)) = &r.changes_since {
                let how = if source == "reconstructed" {
                    "rebuilt from the deals' history"
                } else {
                    "saved with that week's report"
                };
                let _ = writeln!(
                    md,
                    "Since the snapshot of {} ({how}):\n",
                    day.format("%-d %B %Y")
                );
            }
            if r.changes.is_empty() {
                md.push_str(if r.changes_since.is_some() {
                    "Nothing changed.\n"
                } else {
                    "No stage changes or new deals in the last seven days.\n"
                });
            }
            for (kind, deal, detail) in &r.changes {
                let _ = writeln!(md, "- {kind}: {deal} ({detail})");
            }
            if r.changes_since.is_none() {
                md.push_str(
                    "\n(From the last seven days of stage history: this is the first report with no earlier snapshot; this one is saved, so next week's changes are exact.)\n",
                );
            }
        } else if t.contains("commentary") {
            md.push_str("[[AM: the sales director's commentary on the flagged items]]\n");
        } else {
            md.push_str("(roomwork has no data for this section yet: write it here.)\n");
        }
    }
    md
}

/// One CSV row per open deal.
pub fn csv(r: &Report) -> String {
    let mut out = String::from(
        "deal,account,owner,stage,amount,currency,close_date,days_in_stage,stalled,next_step,next_step_date,actions\n",
    );
    // Quoted, and a cell that a spreadsheet would run as a formula starts with an apostrophe.
    let q = |s: &str| {
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    };
    for x in &r.rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            q(&x.deal),
            q(&x.account),
            q(&x.owner),
            q(&x.stage),
            x.amount.map_or_else(String::new, |a| {
                let exp = a.currency().exponent();
                let scale = 10u64.pow(exp);
                let (sign, abs) = (
                    if a.minor() < 0 { "-" } else { "" },
                    a.minor().unsigned_abs(),
                );
                if exp == 0 {
                    format!("{sign}{abs}")
                } else {
                    format!(
                        "{sign}{}.{:0w$}",
                        abs / scale,
                        abs % scale,
                        w = exp as usize
                    )
                }
            }),
            x.amount
                .map_or_else(String::new, |a| a.currency().code().to_string()),
            x.close_date.map_or_else(String::new, |d| d.to_string()),
            x.days_in_stage,
            x.stalled,
            q(x.next_step.as_deref().unwrap_or("")),
            x.next_step_date.map_or_else(String::new, |d| d.to_string()),
            q(&x.actions
                .iter()
                .map(|(w, a)| format!("{w}: {a}"))
                .collect::<Vec<_>>()
                .join(" | "))
        );
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as a standalone HTML page: a bar chart of value by stage, then the sections,
/// with a bar chart of the week's changes by kind in the changes section.
pub fn html(r: &Report, sections: &[String]) -> String {
    let max = r
        .stages
        .iter()
        .map(|s| s.value.minor())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    let bar_h = 22;
    let _ = write!(
        svg,
        "<svg role=\"img\" aria-label=\"Pipeline value by stage\" width=\"640\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        r.stages.len() * (bar_h + 8) + 8
    );
    for (k, s) in r.stages.iter().enumerate() {
        let y = 8 + k * (bar_h + 8);
        let w = (s.value.minor() as f64 / max as f64 * 380.0).round() as i64;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"150\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"#3b6ea5\"><title>{}: {}</title></rect><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 16,
            esc(&s.stage),
            esc(&s.stage),
            esc(&s.value.to_string()),
            155 + w,
            y + 16,
            esc(&s.value.to_string())
        );
    }
    svg.push_str("</svg>");
    // A second chart: the week's changes by kind.
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (kind, _, _) in &r.changes {
        *by_kind.entry(kind.as_str()).or_default() += 1;
    }
    let most = by_kind.values().copied().max().unwrap_or(0).max(1);
    let mut changes_svg = String::new();
    if !by_kind.is_empty() {
        let _ = write!(
            changes_svg,
            "<svg role=\"img\" aria-label=\"Changes since last week by kind\" width=\"640\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
            by_kind.len() * (bar_h + 8) + 8
        );
        for (k, (kind, n)) in by_kind.iter().enumerate() {
            let y = 8 + k * (bar_h + 8);
            let w = (*n as f64 / most as f64 * 380.0).round() as i64;
            let _ = write!(
                changes_svg,
                "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"150\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"#a5673b\"><title>{}: {n}</title></rect><text x=\"{}\" y=\"{}\" font-size=\"12\">{n}</text>",
                y + 16,
                esc(kind),
                esc(kind),
                155 + w,
                y + 16,
            );
        }
        changes_svg.push_str("</svg>");
    }
    let md = markdown(r, sections);
    // A small Markdown-to-HTML pass for what `markdown` writes: headings, lists, tables.
    let mut body = String::new();
    let mut in_list = false;
    let mut in_table = false;
    for line in md.lines() {
        let close = |body: &mut String, in_list: &mut bool, in_table: &mut bool| {
            if *in_list {
                body.push_str("</ul>\n");
                *in_list = false;
            }
            if *in_table {
                body.push_str("</table>\n");
                *in_table = false;
            }
        };
        if let Some(h) = line.strip_prefix("# ") {
            close(&mut body, &mut in_list, &mut in_table);
            let _ = writeln!(body, "<h1>{}</h1>\n{svg}", esc(h));
        } else if let Some(h) = line.strip_prefix("## ") {
            close(&mut body, &mut in_list, &mut in_table);
            let _ = writeln!(body, "<h2>{}</h2>", esc(h));
            if h.to_lowercase().contains("change") {
                body.push_str(&changes_svg);
                body.push('\n');
            }
        } else if line.starts_with('|') {
            if line.starts_with("|---") {
                continue;
            }
            if !in_table {
                close(&mut body, &mut in_list, &mut in_table);
                body.push_str("<table>\n");
                in_table = true;
            }
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| format!("<td>{}</td>", esc(c.trim())))
                .collect();
            let _ = writeln!(body, "<tr>{}</tr>", cells.concat());
        } else if let Some(item) = line.trim_start().strip_prefix("- ") {
            if !in_list {
                close(&mut body, &mut in_list, &mut in_table);
                body.push_str("<ul>\n");
                in_list = true;
            }
            let item = esc(item).replace("**", "");
            let _ = writeln!(body, "<li>{item}</li>");
        } else if !line.trim().is_empty() {
            close(&mut body, &mut in_list, &mut in_table);
            let _ = writeln!(body, "<p>{}</p>", esc(line));
        }
    }
    if in_list {
        body.push_str("</ul>\n");
    }
    if in_table {
        body.push_str("</table>\n");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Weekly pipeline report</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         table{{border-collapse:collapse}}td{{border:1px solid #ccc;padding:.25rem .5rem}}</style></head>\
         <body>\n{body}</body></html>\n"
    )
}

/// A language model writes only the report's summary paragraph, from the computed report;
/// every table stays computed, so no figure in them is model-written.
pub fn summary_prompt(
    md: &str,
    owner: Option<&str>,
    privacy: &crate::prompt::Privacy,
) -> (crate::prompt::Prompt, crate::prompt::Masked) {
    let masked = crate::prompt::mask_with(md, privacy);
    let p = crate::prompt::assemble(crate::prompt::Parts {
        role: "you write the summary paragraph at the top of a sales team's weekly pipeline \
               report, for the sales director."
            .into(),
        goal: format!(
            "three to six sentences on where the pipeline{} stands this week: the stages that \
             hold the value, what is stalled and why it matters, the closes expected, and the \
             actions that need the director's attention.",
            owner.map(|o| format!(" of {o}")).unwrap_or_default()
        ),
        constraints: vec![
            "Every figure, deal, account and date must be one the report gives, written as it \
             gives it. Do not add totals the report does not state."
                .into(),
            "Do not write the sales director's commentary or judge people; state what the report \
             shows."
                .into(),
        ],
        masked: &masked,
        answer: "the paragraph only: plain text, no heading, no list.".into(),
    });
    (p, masked)
}

/// The HTML report with a model's summary paragraph after the title.
pub fn html_with_summary(html: &str, summary: &str, model: &str) -> String {
    let at = html.find("</h1>").map_or(0, |k| k + "</h1>".len());
    format!(
        "{}<section><h2>Summary</h2><p>{}</p><p><em>Summary drafted by {} from the figures below; the tables are computed.</em></p></section>{}",
        &html[..at],
        esc(summary),
        esc(model),
        &html[at..]
    )
}

/// The report with the model's summary under a "Summary" heading after the title, or why the
/// answer is unusable.
pub fn with_summary(md: &str, summary: &str, model: &str) -> Result<String, String> {
    let summary = summary.trim();
    let n = crate::text::words(summary).len();
    if n < 12 {
        return Err(format!("its answer was not a summary ({n} words)"));
    }
    if n > 250 {
        return Err(format!("its answer was too long for a summary ({n} words)"));
    }
    if summary.lines().any(|l| l.trim_start().starts_with('#')) || summary.contains("[[") {
        return Err("its answer was not a plain paragraph".into());
    }
    let at = md.find('\n').map_or(md.len(), |k| k + 1);
    Ok(format!(
        "{}\n## Summary\n\n{summary}\n\n_Summary drafted by {model} from the figures below; the tables are computed._\n{}",
        &md[..at],
        &md[at..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use roomwork_domain::{OpportunityId, Stage, StageChange};

    fn stage(name: &str, outcome: &str, days: u32, p: u32) -> StageStandard {
        StageStandard {
            name: name.into(),
            outcome: outcome.into(),
            expected_days: Some(days),
            probability: Some(p),
            entry: String::new(),
            exit: String::new(),
            aliases: vec![],
            evidence: vec![],
        }
    }

    fn deal(name: &str, stage: &str, entered: &str, amount: i64, close: &str) -> Opportunity {
        Opportunity {
            id: OpportunityId::new(),
            ext_key: None,
            name: name.into(),
            account_id: None,
            owner: None,
            stage: Stage::parse(stage).unwrap(),
            amount: Some(Money::from_major(amount, Currency::USD)),
            close_date: Some(close.parse().unwrap()),
            next_step: None,
            next_step_date: None,
            created_on: "2026-01-05".parse().unwrap(),
            forecast_category: None,
            stage_history: vec![StageChange {
                stage: Stage::parse(stage).unwrap(),
                entered_on: entered.parse().unwrap(),
            }],
        }
    }

    #[test]
    fn stages_stalls_actions_and_changes_follow_the_foundation() {
        let stages = vec![
            stage("Qualification", "open", 14, 15),
            stage("Proposal", "open", 21, 50),
            stage("Closed Won", "won", 0, 100),
        ];
        let actions = vec![
            ActionConvention {
                when: ActionWhen::Stalled,
                action: "Agree a dated next step".into(),
                who: "owner".into(),
            },
            ActionConvention {
                when: ActionWhen::NoNextStep,
                action: "Record the next step".into(),
                who: "owner".into(),
            },
        ];
        let mut moved = deal("Beta", "Proposal", "2026-11-18", 20_000, "2026-11-28");
        moved.stage_history.insert(
            0,
            StageChange {
                stage: Stage::parse("Qualification").unwrap(),
                entered_on: "2026-10-01".parse().unwrap(),
            },
        );
        moved.next_step = Some("Send revision 2".into());
        let deals = vec![
            deal("Alpha", "Qualification", "2026-10-01", 10_000, "2026-12-20"),
            moved,
            deal("Gamma", "Closed Won", "2026-11-01", 5_000, "2026-11-01"),
        ];
        let r = build(&Inputs {
            deals: &deals,
            accounts: &[],
            reps: &[],
            activities: &[],
            stages: &stages,
            stalled_after_days: 14,
            actions: &actions,
            competitors: &[],
            sections: &[],
            today: "2026-11-20".parse().unwrap(),
            since: None,
            slipping: &HashSet::new(),
        });
        // Open deals only, by stage, weighted at the stage's probability.
        assert_eq!(r.stages.len(), 2);
        assert_eq!(
            r.stages[0].weighted,
            Money::from_major(1_500, Currency::USD)
        );
        assert_eq!(
            r.stages[1].weighted,
            Money::from_major(10_000, Currency::USD)
        );
        // Alpha: 50 days in Qualification (expected 14) and no next step; Beta is fresh.
        let alpha = r.rows.iter().find(|x| x.deal == "Alpha").unwrap();
        assert!(alpha.stalled && alpha.days_in_stage == 50);
        assert_eq!(alpha.actions.len(), 2);
        let beta = r.rows.iter().find(|x| x.deal == "Beta").unwrap();
        assert!(!beta.stalled && beta.actions.is_empty());
        // Beta advanced this week.
        assert_eq!(
            r.changes,
            vec![(
                "advanced".to_string(),
                "Beta".to_string(),
                "Qualification → Proposal".to_string()
            )]
        );
        let md = markdown(&r, &[]);
        assert!(
            md.contains("| Proposal | 1 | $20,000.00 | $10,000.00 |"),
            "{md}"
        );
        assert!(md.contains("- 28 Nov 2026: Beta"), "{md}");
        assert!(md.contains("[[AM: the sales director's commentary"));
        let csv = csv(&r);
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.contains(
            "\"Alpha\",\"\",\"(no owner)\",\"Qualification\",10000.00,USD,2026-12-20,50,true"
        ));
        let html = html(&r, &[]);
        assert!(html.contains("<svg") && html.contains("<h2>Stalled items</h2>"));
        assert!(
            html.contains("aria-label=\"Changes since last week by kind\""),
            "the week's changes are charted too"
        );
        // Names are data: escaped in HTML, never a formula in CSV; moves back and wins are
        // reported as such.
        let mut evil = deal(
            "<script>x</script>",
            "Qualification",
            "2026-11-19",
            1,
            "2026-12-01",
        );
        evil.stage_history.insert(
            0,
            StageChange {
                stage: Stage::parse("Proposal").unwrap(),
                entered_on: "2026-10-01".parse().unwrap(),
            },
        );
        let mut won = deal("=HYPERLINK(1)", "Proposal", "2026-10-01", 1, "2026-12-01");
        won.stage_history.push(StageChange {
            stage: Stage::parse("Closed Won").unwrap(),
            entered_on: "2026-11-19".parse().unwrap(),
        });
        won.stage = Stage::parse("Closed Won").unwrap();
        let formula = deal(
            "=HYPERLINK(1)",
            "Qualification",
            "2026-10-01",
            1,
            "2026-12-01",
        );
        let r = build(&Inputs {
            deals: &[evil, won, formula],
            accounts: &[],
            reps: &[],
            activities: &[],
            stages: &stages,
            stalled_after_days: 14,
            actions: &[],
            competitors: &[],
            sections: &[],
            today: "2026-11-20".parse().unwrap(),
            since: None,
            slipping: &HashSet::new(),
        });
        let kinds: Vec<&str> = r.changes.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(kinds, ["moved back", "won"], "{:?}", r.changes);
        let page = super::html(&r, &[]);
        assert!(!page.contains("<script>") && page.contains("&lt;script&gt;"));
        let table = super::csv(&r);
        assert!(table.contains("\"'=HYPERLINK(1)\""), "{table}");
    }
}
