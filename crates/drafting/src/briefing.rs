//! Workflow 1 on the built-in engine: the pre-call account briefing.
//!
//! The briefing is built from the store's records for one account (orders, issues, deals,
//! contacts, activities and the notes they carry) in the sections, order and depth the
//! Foundation's briefing guide gives for the call type. It selects and orders what matters
//! (back-orders before delivered orders, overdue promises before kept ones, severe open issues
//! before old minor ones), reads the commitments out of the last conversations' notes with the
//! follow-up engine's notes reader, and says where a figure comes from. The objectives are
//! the account manager's: the briefing suggests some from the data and leaves a marked passage.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};
use roomwork_domain::{
    Account, Activity, Contact, CustomerIssue, Money, Opportunity, Order, OrderStatus, Severity,
    StageCatalog,
};
use roomwork_foundation::{CallType, Covers};
use serde::Serialize;

use crate::dates;
use crate::follow_up::{self, Role};
use crate::text::words;

/// What the briefing is built from: one account's records.
pub struct Inputs<'a> {
    /// The account.
    pub account: &'a Account,
    /// Its owner's name, when known.
    pub owner: Option<&'a str>,
    /// Its contacts.
    pub contacts: &'a [Contact],
    /// Its orders.
    pub orders: &'a [Order],
    /// Its complaints and service failures, open and closed.
    pub issues: &'a [CustomerIssue],
    /// Its deals.
    pub opportunities: &'a [Opportunity],
    /// Its activities (calls, visits, notes), any order.
    pub activities: &'a [Activity],
    /// The stages, to tell open deals from closed ones.
    pub stages: &'a StageCatalog,
    /// Days in a stage after which a deal is stalled.
    pub stalled_after_days: u32,
    /// Competitors to look for in the notes (the Foundation's list).
    pub competitors: &'a [String],
    /// The day of the briefing.
    pub today: NaiveDate,
}

/// A briefing section as composed.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// Heading (the Foundation's).
    pub title: String,
    /// What it covers.
    pub covers: Covers,
    /// Its lines.
    pub lines: Vec<String>,
    /// Lines dropped to stay within the section's `max_items` or the call type's length.
    pub dropped: usize,
}

/// The briefing.
#[derive(Clone, Debug, Serialize)]
pub struct Briefing {
    /// "Routine account call: Harrowgate Chemicals plc (22 November 2026)".
    pub title: String,
    /// The sections in the guide's order.
    pub sections: Vec<Section>,
    /// The briefing as Markdown.
    pub markdown: String,
    /// How many store records it drew on.
    pub records: usize,
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
    }
}

fn months_before(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(day)
}

fn sum(orders: &[&Order]) -> Option<Money> {
    let first = orders.first()?;
    let cur = first.value.currency();
    Some(Money::from_minor(
        orders
            .iter()
            .filter(|o| o.value.currency() == cur)
            .map(|o| o.value.minor())
            .sum(),
        cur,
    ))
}

fn day_of(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

fn ago(today: NaiveDate, day: NaiveDate) -> String {
    let n = (today - day).num_days();
    match n {
        0 => "today".into(),
        1 => "yesterday".into(),
        n if n < 0 => format!("in {} days", -n),
        n => format!("{n} days ago"),
    }
}

/// Composes the briefing for `call`.
pub fn compose(call: &CallType, inputs: &Inputs<'_>) -> Briefing {
    let since = months_before(inputs.today, call.lookback_months.max(1));
    let mut sections: Vec<Section> = call
        .sections
        .iter()
        .map(|s| {
            let mut lines = match s.covers {
                Covers::AccountSnapshot => snapshot(inputs),
                Covers::RecentOrders => orders(inputs, since),
                Covers::OpenIssues => issues(inputs, since),
                Covers::LastConversation => last_conversation(inputs, since),
                Covers::OpenOpportunities => opportunities(inputs),
                Covers::Contacts => contacts(inputs, since),
                Covers::Commitments => commitments(inputs, since),
                Covers::Risks => risks(inputs, since),
                Covers::Objectives => objectives(inputs, since),
                Covers::Questions => questions(inputs, since),
            };
            let keep = s.max_items.map_or(lines.len(), |m| m as usize);
            let dropped = lines.len().saturating_sub(keep);
            lines.truncate(keep);
            Section {
                title: s.title.clone(),
                covers: s.covers,
                lines,
                dropped,
            }
        })
        .collect();
    // Within the call type's length: drop the last line of the longest section (never the
    // objectives or the snapshot) until it fits.
    let count = |ss: &[Section]| {
        ss.iter()
            .map(|s| words(&s.title).len() + s.lines.iter().map(|l| words(l).len()).sum::<usize>())
            .sum::<usize>()
    };
    while count(&sections) > call.max_words as usize {
        let Some(longest) = sections
            .iter_mut()
            .filter(|s| {
                !matches!(s.covers, Covers::Objectives | Covers::AccountSnapshot)
                    && s.lines.len() > 1
            })
            .max_by_key(|s| s.lines.len())
        else {
            break;
        };
        longest.lines.pop();
        longest.dropped += 1;
    }
    let title = format!(
        "{}: {} ({})",
        call.name,
        inputs.account.name,
        dates::spell(inputs.today, inputs.today)
    );
    let mut md = format!("# {title}\n");
    for s in &sections {
        let _ = write!(md, "\n## {}\n", s.title);
        if s.lines.is_empty() {
            md.push_str("- Nothing on record.\n");
        }
        for l in &s.lines {
            let _ = writeln!(md, "- {l}");
        }
        if s.dropped > 0 {
            let _ = writeln!(md, "- ({} more in roomwork)", s.dropped);
        }
    }
    let records = inputs.orders.len()
        + inputs.issues.len()
        + inputs.opportunities.len()
        + inputs.activities.len()
        + inputs.contacts.len()
        + 1;
    Briefing {
        title,
        sections,
        markdown: md,
        records,
    }
}

fn snapshot(i: &Inputs<'_>) -> Vec<String> {
    let a = i.account;
    let mut out = Vec::new();
    let mut first = format!(
        "Tier: {}. Health: {}",
        a.tier.as_ref().map_or("not set", |t| t.as_str()),
        a.health.as_str().replace('_', " ")
    );
    if let Some(r) = &a.health_reason {
        let _ = write!(first, " ({r})");
    }
    first.push('.');
    if let Some(o) = i.owner {
        let _ = write!(first, " Account manager: {o}.");
    }
    out.push(first);
    let year_ago = months_before(i.today, 12);
    let two_years = months_before(i.today, 24);
    let live = |o: &&Order| o.status != OrderStatus::Cancelled;
    let last: Vec<&Order> = i
        .orders
        .iter()
        .filter(live)
        .filter(|o| o.ordered_on > year_ago && o.ordered_on <= i.today)
        .collect();
    let before: Vec<&Order> = i
        .orders
        .iter()
        .filter(live)
        .filter(|o| o.ordered_on > two_years && o.ordered_on <= year_ago)
        .collect();
    let mut orders = format!("Orders in the last 12 months: {}", last.len());
    if let Some(v) = sum(&last) {
        let _ = write!(orders, " worth {v}");
    }
    let _ = write!(orders, "; the 12 months before: {}", before.len());
    if let Some(v) = sum(&before) {
        let _ = write!(orders, " worth {v}");
    }
    if let (Some(a), Some(b)) = (sum(&last), sum(&before))
        && b.minor() > 0
        && a.currency() == b.currency()
    {
        let change = (a.minor() - b.minor()) as f64 * 100.0 / b.minor() as f64;
        let _ = write!(orders, " ({change:+.0}%)");
    }
    orders.push('.');
    out.push(orders);
    let mut about = Vec::new();
    if let Some(ind) = &a.industry {
        about.push(ind.clone());
    }
    if let Some(c) = &a.country {
        about.push(c.clone());
    }
    if let Some(e) = a.employees {
        about.push(format!("{e} employees"));
    }
    if let Some(first) = i.orders.iter().map(|o| o.ordered_on).min() {
        about.push(format!("customer since {}", first.year()));
    }
    if !about.is_empty() {
        out.push(format!("{}.", capitalise(&about.join(", "))));
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn order_line(o: &Order, today: NaiveDate) -> String {
    let mut l = format!(
        "{} ({}): {}, {}, {}",
        o.number,
        o.ordered_on.format("%-d %b %Y"),
        o.description,
        o.value,
        o.status.as_str().replace('_', "-")
    );
    match (o.status, o.promised_on) {
        (OrderStatus::BackOrdered | OrderStatus::Open | OrderStatus::Confirmed, Some(p))
            if p < today =>
        {
            let _ = write!(
                l,
                "; promised for {}, overdue by {} days",
                p.format("%-d %b"),
                (today - p).num_days()
            );
        }
        (OrderStatus::BackOrdered | OrderStatus::Open | OrderStatus::Confirmed, Some(p)) => {
            let _ = write!(l, "; promised for {}", p.format("%-d %b"));
        }
        _ => {}
    }
    l
}

/// Back-orders first (the most overdue first), then other undelivered orders, then the latest.
fn orders(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut open: Vec<&Order> = i
        .orders
        .iter()
        .filter(|o| {
            matches!(
                o.status,
                OrderStatus::BackOrdered | OrderStatus::Open | OrderStatus::Confirmed
            )
        })
        .collect();
    open.sort_by_key(|o| {
        (
            o.status != OrderStatus::BackOrdered,
            o.promised_on.unwrap_or(NaiveDate::MAX),
        )
    });
    let mut recent: Vec<&Order> = i
        .orders
        .iter()
        .filter(|o| !open.iter().any(|x| x.id == o.id) && o.ordered_on >= since)
        .collect();
    recent.sort_by_key(|o| std::cmp::Reverse(o.ordered_on));
    open.into_iter()
        .chain(recent)
        .map(|o| order_line(o, i.today))
        .collect()
}

/// Open issues, most severe and oldest first; then those closed in the period.
fn issues(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut open: Vec<&CustomerIssue> = i.issues.iter().filter(|x| x.is_open()).collect();
    open.sort_by_key(|x| (severity_rank(x.severity), x.opened_on));
    let mut closed: Vec<&CustomerIssue> = i
        .issues
        .iter()
        .filter(|x| x.closed_on.is_some_and(|c| c >= since))
        .collect();
    closed.sort_by_key(|x| std::cmp::Reverse(x.closed_on));
    let kind = |x: &CustomerIssue| x.kind.as_str().replace('_', " ");
    open.iter()
        .map(|x| {
            let same = i
                .issues
                .iter()
                .filter(|o| o.id != x.id && o.kind == x.kind && o.opened_on >= since)
                .count();
            let mut l = format!(
                "Open, {} {}: {} (opened {}, {})",
                x.severity.as_str(),
                kind(x),
                x.summary,
                x.opened_on.format("%-d %b %Y"),
                ago(i.today, x.opened_on)
            );
            if same > 0 {
                let _ = write!(l, "; {same} other {} in the period", kind(x));
            }
            l
        })
        .chain(closed.iter().map(|x| {
            format!(
                "Closed {}: {} {}: {}",
                x.closed_on
                    .map_or(String::new(), |c| c.format("%-d %b").to_string()),
                x.severity.as_str(),
                kind(x),
                x.summary
            )
        }))
        .collect()
}

/// Activities with notes, newest first, within the period.
fn conversations<'a>(i: &'a Inputs<'_>, since: NaiveDate) -> Vec<&'a Activity> {
    let mut with_notes: Vec<&Activity> = i
        .activities
        .iter()
        .filter(|a| day_of(a.occurred_at) >= since && day_of(a.occurred_at) <= i.today)
        .filter(|a| a.body.as_deref().is_some_and(|b| !b.trim().is_empty()))
        .collect();
    with_notes.sort_by_key(|a| std::cmp::Reverse(a.occurred_at));
    with_notes
}

fn read_notes(i: &Inputs<'_>, a: &Activity) -> follow_up::Notes {
    follow_up::read_for_record(
        a.body.as_deref().unwrap_or(""),
        day_of(a.occurred_at),
        i.competitors,
    )
}

fn last_conversation(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut all: Vec<&Activity> = i
        .activities
        .iter()
        .filter(|a| day_of(a.occurred_at) >= since && day_of(a.occurred_at) <= i.today)
        .collect();
    all.sort_by_key(|a| std::cmp::Reverse(a.occurred_at));
    let Some(last) = conversations(i, since)
        .first()
        .copied()
        .or(all.first().copied())
    else {
        return Vec::new();
    };
    let day = day_of(last.occurred_at);
    let notes = last.body.as_ref().map(|_| read_notes(i, last));
    // Notes filed as "Meeting notes: ACCOUNT" say what the meeting was on their next line.
    let what = notes
        .as_ref()
        .and_then(|n| n.context.clone())
        .filter(|_| follow_up::account_line(&last.subject).is_some())
        .unwrap_or_else(|| last.subject.clone());
    let mut out = vec![format!(
        "{} {}, {}: {what}",
        capitalise(last.kind.as_str()).replace('_', "-"),
        day.format("%-d %b %Y"),
        ago(i.today, day),
    )];
    if let Some(notes) = notes {
        for item in notes.items.iter().filter(|x| x.role == Role::Discussed) {
            out.push(item.raw.clone());
        }
        for item in notes.items.iter().filter(|x| x.role == Role::Internal) {
            out.push(format!("(internal) {}", item.raw));
        }
    }
    if let Some(newest) = all.first()
        && newest.id != last.id
    {
        out.push(format!(
            "Latest touch: {} {} ({})",
            newest.kind.as_str().replace('_', "-"),
            day_of(newest.occurred_at).format("%-d %b"),
            newest.subject
        ));
    }
    out
}

struct Promise {
    ours: bool,
    text: String,
    due: Option<NaiveDate>,
    said: NaiveDate,
}

fn promises(i: &Inputs<'_>, since: NaiveDate) -> Vec<Promise> {
    let mut out = Vec::new();
    for a in conversations(i, since) {
        let notes = read_notes(i, a);
        for item in notes.items {
            if matches!(item.role, Role::Ours | Role::Theirs) {
                out.push(Promise {
                    ours: item.role == Role::Ours,
                    text: item.raw,
                    due: item.date,
                    said: day_of(a.occurred_at),
                });
            }
        }
    }
    // Overdue first, then by due date, then undated.
    out.sort_by_key(|p| (p.due.is_none(), p.due));
    out
}

fn commitments(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut out: Vec<String> = promises(i, since)
        .into_iter()
        .map(|p| {
            let who = if p.ours { "We" } else { "They" };
            let when = match p.due {
                Some(d) if d < i.today => format!(
                    "due {}, overdue by {} days",
                    d.format("%-d %b"),
                    (i.today - d).num_days()
                ),
                Some(d) => format!("due {}", d.format("%-d %b")),
                None => "no date".into(),
            };
            format!(
                "{who}: {} ({when}; from the notes of {})",
                p.text,
                p.said.format("%-d %b")
            )
        })
        .collect();
    for o in open_deals(i) {
        if let (Some(step), Some(d)) = (&o.next_step, o.next_step_date) {
            let late = if d < i.today { ", past" } else { "" };
            out.push(format!(
                "Next step on {}: {step} ({}{late})",
                o.name,
                d.format("%-d %b")
            ));
        }
    }
    out
}

fn open_deals<'a>(i: &'a Inputs<'_>) -> Vec<&'a Opportunity> {
    let mut v: Vec<&Opportunity> = i
        .opportunities
        .iter()
        .filter(|o| !i.stages.is_closed(&o.stage))
        .collect();
    v.sort_by_key(|o| o.close_date.unwrap_or(NaiveDate::MAX));
    v
}

fn days_in_stage(o: &Opportunity, today: NaiveDate) -> i64 {
    let entered = o
        .stage_history
        .iter()
        .filter(|c| c.stage == o.stage)
        .map(|c| c.entered_on)
        .max()
        .unwrap_or(o.created_on);
    (today - entered).num_days()
}

fn opportunities(i: &Inputs<'_>) -> Vec<String> {
    open_deals(i)
        .into_iter()
        .map(|o| {
            let mut l = format!("{}: {}", o.name, o.stage.as_str());
            if let Some(a) = &o.amount {
                let _ = write!(l, ", {a}");
            }
            if let Some(c) = o.close_date {
                let _ = write!(l, ", closing {}", c.format("%-d %b %Y"));
                if c < i.today {
                    l.push_str(" (past)");
                }
            }
            let days = days_in_stage(o, i.today);
            if days > i64::from(i.stalled_after_days) {
                let _ = write!(l, ", {days} days in this stage (stalled)");
            }
            match (&o.next_step, o.next_step_date) {
                (Some(s), _) => {
                    let _ = write!(l, "; next step: {s}");
                }
                (None, _) => l.push_str("; no next step"),
            }
            l
        })
        .collect()
}

fn contacts(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut v: Vec<&Contact> = i.contacts.iter().collect();
    v.sort_by_key(|c| (c.role.as_str() != "decision_maker", c.name.clone()));
    v.into_iter()
        .map(|c| {
            let last = i
                .activities
                .iter()
                .filter(|a| a.contact_id == Some(c.id))
                .map(|a| day_of(a.occurred_at))
                .max();
            let mut l = c.name.clone();
            if let Some(t) = &c.title {
                let _ = write!(l, ", {t}");
            }
            let _ = write!(l, " ({})", c.role.as_str().replace('_', " "));
            match last {
                Some(d) if d >= since => {
                    let _ = write!(l, "; last contact {}", d.format("%-d %b"));
                }
                Some(d) => {
                    let _ = write!(l, "; not contacted since {}", d.format("%b %Y"));
                }
                None => l.push_str("; no contact on record"),
            }
            l
        })
        .collect()
}

fn risks(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if i.account.health == roomwork_domain::Health::AtRisk {
        out.push(format!(
            "The account is flagged at risk{}: AI drafts nothing to them; you write, roomwork may review.",
            i.account
                .health_reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ));
    }
    for x in i
        .issues
        .iter()
        .filter(|x| x.is_open() && matches!(x.severity, Severity::High | Severity::Critical))
    {
        out.push(format!(
            "Open {} issue for {} days: {}",
            x.severity.as_str(),
            (i.today - x.opened_on).num_days(),
            x.summary
        ));
    }
    for o in i.orders.iter().filter(|o| {
        o.status == OrderStatus::BackOrdered && o.promised_on.is_some_and(|p| p < i.today)
    }) {
        out.push(format!(
            "Back-order {} is past its promised date ({})",
            o.number,
            o.promised_on
                .map_or(String::new(), |p| p.format("%-d %b").to_string())
        ));
    }
    for o in open_deals(i) {
        let days = days_in_stage(o, i.today);
        if days > i64::from(i.stalled_after_days) {
            out.push(format!(
                "{} has been in {} for {days} days",
                o.name,
                o.stage.as_str()
            ));
        }
    }
    for a in conversations(i, since) {
        let body = a.body.as_deref().unwrap_or("");
        for c in i.competitors {
            if !crate::text::find_phrase(body, c).is_empty() {
                out.push(format!(
                    "{c} came up in the notes of {}",
                    day_of(a.occurred_at).format("%-d %b")
                ));
            }
        }
    }
    let last_touch = i.activities.iter().map(|a| day_of(a.occurred_at)).max();
    match last_touch {
        Some(d) if (i.today - d).num_days() > 30 => out.push(format!(
            "No activity for {} days (last {})",
            (i.today - d).num_days(),
            d.format("%-d %b %Y")
        )),
        None => out.push("No activity on record".into()),
        _ => {}
    }
    out.dedup();
    out
}

fn objectives(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut out =
        vec!["[[AM: the one or two objectives for this call, in your words]]".to_string()];
    if let Some(o) = i
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::BackOrdered)
        .min_by_key(|o| o.promised_on.unwrap_or(NaiveDate::MAX))
    {
        out.push(format!(
            "Suggested: give a firm ship date for back-order {} ({})",
            o.number, o.description
        ));
    }
    if let Some(p) = promises(i, since)
        .into_iter()
        .find(|p| p.ours && p.due.is_some_and(|d| d < i.today))
    {
        out.push(format!("Suggested: close the loop on \"{}\"", p.text));
    }
    if let Some(o) = open_deals(i).into_iter().find(|o| o.next_step.is_none()) {
        out.push(format!("Suggested: agree the next step on {}", o.name));
    }
    out
}

fn questions(i: &Inputs<'_>, since: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    for p in promises(i, since).into_iter().filter(|p| !p.ours) {
        out.push(format!("Where does this stand: \"{}\"?", p.text));
    }
    for o in open_deals(i) {
        if o.close_date.is_some_and(|c| c < i.today) {
            out.push(format!(
                "{} was to close by {}: what is the new date, and what moved it?",
                o.name,
                o.close_date
                    .map_or(String::new(), |c| c.format("%-d %b").to_string())
            ));
        }
    }
    let engaged = i
        .contacts
        .iter()
        .filter(|c| i.activities.iter().any(|a| a.contact_id == Some(c.id)))
        .count();
    if i.contacts.len() > 1 && engaged <= 1 {
        out.push(
            "Only one contact is engaged: who else takes part in the decision, and can we meet them?"
                .into(),
        );
    }
    out
}

/// The briefing as a language model is asked for it: the facts this engine selected from the
/// store (section by section, personal data masked), to be written up in the Foundation's
/// sections for the call type. The objectives passage stays the account manager's.
pub fn prompt(
    call: &CallType,
    b: &Briefing,
    owner: Option<&str>,
    privacy: &crate::prompt::Privacy,
) -> (crate::prompt::Prompt, crate::prompt::Masked) {
    let mut data = format!("Briefing: {}\n", b.title);
    for (s, guide) in b.sections.iter().zip(&call.sections) {
        let _ = writeln!(data, "\nSection \"{}\" ({}):", s.title, guide.guidance);
        // Internal lines of the notes and what competitors they name stay on this machine.
        let facts: Vec<&String> = s
            .lines
            .iter()
            .filter(|l| !l.starts_with("[[AM:") && !l.starts_with("(internal)"))
            .filter(|l| !l.contains(" came up in the notes of "))
            .collect();
        if facts.is_empty() {
            data.push_str("- nothing on record\n");
        }
        for l in facts {
            let _ = writeln!(data, "- {l}");
        }
    }
    let masked = crate::prompt::mask_with(&data, privacy);
    let headings: Vec<String> = call
        .sections
        .iter()
        .map(|s| format!("\"## {}\"", s.title))
        .collect();
    let mut constraints =
        vec![
        format!("At most {} words.", call.max_words),
        format!("Use exactly these section headings, in this order: {}.", headings.join(", ")),
        "Short bullet points an account manager reads in two minutes before the call; the most \
         important fact first in each section."
            .to_string(),
    ];
    if let Some(o) = objectives_line(b) {
        constraints.push(format!(
            "Under the objectives heading, keep this line exactly as it is, for the account \
             manager to write: {o}"
        ));
    }
    let p = crate::prompt::assemble(crate::prompt::Parts {
        role: format!(
            "you prepare pre-call briefings for {}, an account manager, from the records of the \
             account they are about to call.",
            owner.unwrap_or("the account manager")
        ),
        goal: format!(
            "a {} briefing ({}) that tells the account manager what matters before they speak to \
             the customer, for them to check and complete.",
            call.name, b.title
        ),
        constraints,
        masked: &masked,
        answer: format!(
            "Markdown: the line \"# {}\", then each section under its \"## \" heading.",
            b.title
        ),
    });
    (p, masked)
}

fn objectives_line(b: &Briefing) -> Option<&String> {
    b.sections
        .iter()
        .flat_map(|s| s.lines.iter())
        .find(|l| l.starts_with("[[AM:"))
}

/// The model's briefing made fit for the inbox (personal data already restored): every
/// section of the call type under its heading, in order, and the objectives passage kept (put
/// back under its heading if the model dropped it). Otherwise the reason it is unusable.
pub fn from_model(call: &CallType, b: &Briefing, answer: &str) -> Result<String, String> {
    let text = answer
        .trim()
        .trim_start_matches("```markdown")
        .trim_start_matches("```md")
        .trim_start_matches("```")
        .trim_end_matches("```")
        .trim();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let heading = |l: &str, title: &str| {
        l.trim_start()
            .strip_prefix("##")
            .filter(|r| !r.starts_with('#'))
            .is_some_and(|r| r.trim().trim_end_matches(':').eq_ignore_ascii_case(title))
    };
    let mut from = 0;
    for s in &call.sections {
        match lines[from..].iter().position(|l| heading(l, &s.title)) {
            Some(k) => from += k + 1,
            None => {
                return Err(format!(
                    "its answer lacks the section \"{}\" (or has it out of order)",
                    s.title
                ));
            }
        }
    }
    if !lines.first().is_some_and(|l| l.starts_with("# ")) {
        lines.insert(0, format!("# {}\n", b.title));
    }
    if let Some(o) = objectives_line(b)
        && !text.contains("[[AM:")
    {
        let title = b
            .sections
            .iter()
            .find(|s| s.lines.contains(o))
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let at = lines
            .iter()
            .position(|l| heading(l, &title))
            .map_or(lines.len(), |k| k + 1);
        lines.insert(at, format!("- {o}"));
    }
    let md = lines.join("\n") + "\n";
    if words(&md).len() < 20 {
        return Err("its answer was too short to be a briefing".into());
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;
    use roomwork_domain::{
        AccountId, ActivityId, ActivityKind, Currency, Direction, Health, IssueId, IssueKind,
        OpportunityId, OrderId, Stage, StageChange,
    };
    use roomwork_foundation::{BriefingSection, Depth};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn order(n: &str, status: OrderStatus, ordered: &str, promised: &str) -> Order {
        Order {
            id: OrderId::new(),
            number: n.into(),
            account_id: AccountId::new(),
            status,
            ordered_on: day(ordered),
            promised_on: Some(day(promised)),
            delivered_on: None,
            value: Money::from_major(1_000, Currency::USD),
            description: format!("line of {n}"),
        }
    }

    fn call(max_words: u32, max_items: Option<u32>) -> CallType {
        let section = |title: &str, covers| BriefingSection {
            title: title.into(),
            covers,
            guidance: String::new(),
            max_items,
        };
        CallType {
            slug: "routine-account-call".into(),
            name: "Routine account call".into(),
            depth: Depth::Short,
            max_words,
            lookback_months: 3,
            sections: vec![
                section("Snapshot", Covers::AccountSnapshot),
                section("Orders", Covers::RecentOrders),
                section("Promised", Covers::Commitments),
                section("Risks", Covers::Risks),
                section("Objectives", Covers::Objectives),
            ],
        }
    }

    #[test]
    fn a_provider_gets_the_facts_but_no_internal_line_and_the_answer_keeps_the_format() {
        let c = call(400, None);
        let lines = |ls: &[&str]| ls.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        let sections = vec![
            (
                "Snapshot",
                Covers::AccountSnapshot,
                lines(&["Key account, healthy; call ana@x.example"]),
            ),
            (
                "Orders",
                Covers::RecentOrders,
                lines(&["SO-1 back-ordered"]),
            ),
            (
                "Promised",
                Covers::Commitments,
                lines(&["(internal) floor is 4% off"]),
            ),
            (
                "Risks",
                Covers::Risks,
                lines(&["Kellerman came up in the notes of 3 Nov"]),
            ),
            (
                "Objectives",
                Covers::Objectives,
                lines(&["[[AM: the one or two objectives for this call, in your words]]"]),
            ),
        ];
        let b = Briefing {
            title: "Routine account call: Harrowgate".into(),
            sections: sections
                .into_iter()
                .map(|(t, covers, lines)| Section {
                    title: t.into(),
                    covers,
                    lines,
                    dropped: 0,
                })
                .collect(),
            markdown: String::new(),
            records: 3,
        };
        let (p, m) = prompt(&c, &b, Some("Dana"), &crate::prompt::Privacy::default());
        assert!(p.user.contains("SO-1 back-ordered") && p.user.contains("[EMAIL_1]"));
        for gone in ["(internal)", "floor is 4%", "Kellerman", "ana@x.example"] {
            assert!(!p.user.contains(gone) && !p.system.contains(gone), "{gone}");
        }
        assert!(p.system.contains("\"## Orders\""));
        // The model's answer: every heading, in order; the objectives passage put back.
        let answer = "## Snapshot\n- key account, mail [EMAIL_1]\n## Orders\n- SO-1 is back-ordered\n\
                      ## Promised\n- nothing open\n## Risks\n- none\n## Objectives\n- agree a ship date for SO-1";
        let md = from_model(&c, &b, &m.restore_checked(answer).unwrap()).unwrap();
        assert!(md.starts_with("# Routine account call: Harrowgate"), "{md}");
        assert!(md.contains("ana@x.example"));
        let objectives = md.find("## Objectives").unwrap();
        assert!(
            md[objectives..].contains("[[AM: the one or two objectives"),
            "{md}"
        );
        // A section missing, or out of order, is no briefing.
        let err = from_model(&c, &b, "## Orders\n- x\n## Snapshot\n- y").unwrap_err();
        assert!(err.contains("\"Orders\" (or has it out of order)"), "{err}");
    }

    #[test]
    fn back_orders_overdue_promises_and_stalled_deals_come_first() {
        let today = day("2026-11-20");
        let mut account = Account::named("Harrowgate Chemicals plc".into(), None, Utc::now());
        account.health = Health::Watch;
        let orders = vec![
            order("SO-1", OrderStatus::Delivered, "2026-11-01", "2026-11-10"),
            order("SO-2", OrderStatus::BackOrdered, "2026-10-01", "2026-11-02"),
            order("SO-3", OrderStatus::Delivered, "2026-11-15", "2026-11-18"),
        ];
        let activity = Activity {
            id: ActivityId::new(),
            ext_key: None,
            kind: ActivityKind::Call,
            direction: Direction::Outbound,
            ai_assisted: false,
            account_id: Some(account.id),
            contact_id: None,
            opportunity_id: None,
            rep_id: None,
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap(),
            duration_minutes: Some(30),
            subject: "Meeting notes: Harrowgate".into(),
            body: Some(
                "Meeting notes: Harrowgate\n2026-11-02\n\nCall w/ Priya\n\
                 - line 3 seals wearing fast\n- I'll send the wear report by Fri\n\
                 - Priya to confirm shutdown dates by Nov 30\n- Kellerman quoted 7% lower"
                    .into(),
            ),
        };
        let mut deal = Opportunity {
            id: OpportunityId::new(),
            ext_key: None,
            name: "Harrowgate - line 3 retrofit".into(),
            account_id: Some(account.id),
            owner: None,
            stage: Stage::parse("Proposal").unwrap(),
            amount: Some(Money::from_major(48_000, Currency::USD)),
            close_date: Some(day("2026-12-15")),
            next_step: None,
            next_step_date: None,
            created_on: day("2026-08-01"),
            forecast_category: None,
            stage_history: vec![],
        };
        deal.stage_history.push(StageChange {
            stage: deal.stage.clone(),
            entered_on: day("2026-10-01"),
        });
        let issue = CustomerIssue {
            id: IssueId::new(),
            account_id: account.id,
            kind: IssueKind::Complaint,
            severity: Severity::High,
            summary: "Wrong seals shipped".into(),
            opened_on: day("2026-11-05"),
            closed_on: None,
        };
        let competitors = vec!["Kellerman Valve Co.".to_string(), "Kellerman".to_string()];
        let stages = StageCatalog::default_b2b();
        let inputs = Inputs {
            account: &account,
            owner: Some("Dana Reyes"),
            contacts: &[],
            orders: &orders,
            issues: std::slice::from_ref(&issue),
            opportunities: std::slice::from_ref(&deal),
            activities: std::slice::from_ref(&activity),
            stages: &stages,
            stalled_after_days: 14,
            competitors: &competitors,
            today,
        };
        let b = compose(&call(2_000, Some(2)), &inputs);
        let lines = |title: &str| {
            b.sections
                .iter()
                .find(|s| s.title == title)
                .unwrap()
                .lines
                .clone()
        };
        // The back-order first, with how late it is; then the latest order; one dropped.
        let orders = lines("Orders");
        assert!(orders[0].starts_with("SO-2 ") && orders[0].contains("overdue by 18 days"));
        assert!(orders[1].starts_with("SO-3 "), "{orders:?}");
        assert_eq!(b.sections[1].dropped, 1);
        // Our promise from the notes, dated from the call and overdue; theirs after it.
        let promised = lines("Promised");
        assert_eq!(
            promised[0],
            "We: I'll send the wear report by Fri (due 6 Nov, overdue by 14 days; from the notes of 2 Nov)"
        );
        assert!(promised[1].starts_with("They: Priya to confirm shutdown dates"));
        // Risks: the severe issue, the late back-order, the stalled deal, the competitor.
        let risks = lines("Risks");
        assert!(
            risks[0].starts_with("Open high issue for 15 days"),
            "{risks:?}"
        );
        assert_eq!(risks.len(), 2, "max_items keeps two: {risks:?}");
        // Objectives: the account manager's passage, then suggestions from the data.
        let objectives = lines("Objectives");
        assert!(objectives[0].starts_with("[[AM: "));
        assert!(objectives[1].contains("SO-2"), "{objectives:?}");
        assert!(
            b.markdown
                .starts_with("# Routine account call: Harrowgate Chemicals plc")
        );
        // A short call type drops lines from the longest sections, never the objectives.
        let short = compose(&call(60, None), &inputs);
        assert!(words(&short.markdown).len() < words(&b.markdown).len());
        assert!(short.markdown.contains("[[AM: "));
    }
}
