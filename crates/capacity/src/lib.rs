//! Screen work versus room work, per account manager per week (seed 000, "capacity
//! allocation"): whether the time AI gives back goes to the customer (outbound touchpoints per
//! account: calls, visits, meetings, formal check-ins) or to more screen work (AI-assisted
//! communications sent).
//!
//! - [`weeks`]: the two measures per account manager per week;
//! - [`assess`]: each account manager against the pre-deployment baseline and the sales
//!   director's target (default +20% to +30% touchpoints per account within 60 days), and the
//!   efficiency-theater flag (AI-assisted messages growing while touchpoints stay flat);
//! - [`recovered`]: time recovered per workflow from the drafting ledger, in hours and money.
//!
//! No IO: the CLI reads the store and the settings (`DATA_DIR/capacity.toml`).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use roomwork_domain::{Activity, ActivityKind, Direction, RepId, Workflow, WorkflowUse};
use serde::{Deserialize, Serialize};

/// The sales director's allocation decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// When AI drafting was deployed (default: the first AI-drafted draft in the ledger).
    pub deployed_on: Option<NaiveDate>,
    /// The touchpoint-per-account growth expected, lowest and highest (0.20 = +20%).
    pub target: (f64, f64),
    /// Within this many days of deployment.
    pub within_days: u32,
    /// Weeks before deployment that make the baseline.
    pub baseline_weeks: u32,
    /// Weeks compared for the trend (the latest against the ones before them).
    pub trend_weeks: u32,
    /// Touchpoints within this share of the earlier weeks are "flat".
    pub flat_within: f64,
    /// AI-assisted messages up by at least this share are "growing".
    pub ai_growth: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            deployed_on: None,
            target: (0.20, 0.30),
            within_days: 60,
            baseline_weeks: 8,
            trend_weeks: 4,
            flat_within: 0.05,
            ai_growth: 0.20,
        }
    }
}

impl Settings {
    /// Checks the values; the error names the key.
    pub fn check(&self) -> Result<(), String> {
        let (lo, hi) = self.target;
        if !(lo.is_finite() && hi.is_finite()) || lo > hi || lo < -1.0 {
            return Err("target: two growth shares, the lower first (0.20, not 20)".into());
        }
        if lo > 5.0 || hi > 5.0 {
            return Err("target: shares such as 0.20 for +20%, not percents".into());
        }
        if !(1..=3650).contains(&self.within_days)
            || !(1..=520).contains(&self.baseline_weeks)
            || !(1..=52).contains(&self.trend_weeks)
        {
            return Err(
                "within_days (1-3650), baseline_weeks (1-520) and trend_weeks (1-52)".into(),
            );
        }
        if !(0.0..1.0).contains(&self.flat_within)
            || self.ai_growth.is_nan()
            || self.ai_growth <= 0.0
        {
            return Err("flat_within: a share below 1; ai_growth: a share above 0".into());
        }
        Ok(())
    }
}

/// The Monday of `day`'s week.
pub fn monday(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// One account manager's week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Week {
    /// The account manager.
    pub rep: RepId,
    /// Its Monday.
    pub week: NaiveDate,
    /// Outbound calls, visits, meetings and check-ins the person made (not AI-assisted).
    pub touchpoints: u32,
    /// Accounts the person owns (the denominator).
    pub accounts: u32,
    /// Touchpoints per owned account.
    pub per_account: f64,
    /// AI-assisted communications sent (outbound, AI-assisted e-mails and letters).
    pub ai_sent: u32,
}

/// True for an activity that is room work: an outbound call, visit, meeting or formal check-in
/// made by the person.
pub fn is_touchpoint(a: &Activity) -> bool {
    a.kind.is_touchpoint() && a.direction == Direction::Outbound && !a.ai_assisted
}

/// True for screen work AI helped with that reached a customer.
pub fn is_ai_sent(a: &Activity) -> bool {
    a.ai_assisted && a.direction == Direction::Outbound && a.kind == ActivityKind::Email
}

/// Every account manager's weeks from `from`'s week to `to`'s week (weeks without activity
/// count as zero). `accounts` is how many accounts each owns.
pub fn weeks(
    activities: &[Activity],
    accounts: &HashMap<RepId, u32>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Week> {
    let (first, last) = (monday(from), monday(to));
    let mut counts: HashMap<(RepId, NaiveDate), (u32, u32)> = HashMap::new();
    for a in activities {
        let Some(rep) = a.rep_id else { continue };
        let week = monday(a.occurred_at.date_naive());
        if week < first || week > last {
            continue;
        }
        let e = counts.entry((rep, week)).or_default();
        if is_touchpoint(a) {
            e.0 += 1;
        } else if is_ai_sent(a) {
            e.1 += 1;
        }
    }
    let mut reps: Vec<RepId> = accounts.keys().copied().collect();
    reps.sort();
    let mut out = Vec::new();
    for rep in reps {
        let owned = accounts.get(&rep).copied().unwrap_or(0);
        let mut week = first;
        while week <= last {
            let (t, ai) = counts.get(&(rep, week)).copied().unwrap_or_default();
            out.push(Week {
                rep,
                week,
                touchpoints: t,
                accounts: owned,
                per_account: if owned == 0 {
                    0.0
                } else {
                    f64::from(t) / f64::from(owned)
                },
                ai_sent: ai,
            });
            week += Duration::days(7);
        }
    }
    out
}

/// Each account manager's touchpoints and AI-assisted messages sent on the days from `from` to
/// `to`, both included (a month, whatever weekdays it starts and ends on).
pub fn totals(
    activities: &[Activity],
    from: NaiveDate,
    to: NaiveDate,
) -> HashMap<RepId, (u32, u32)> {
    let mut out: HashMap<RepId, (u32, u32)> = HashMap::new();
    for a in activities {
        let (Some(rep), day) = (a.rep_id, a.occurred_at.date_naive()) else {
            continue;
        };
        if day < from || day > to {
            continue;
        }
        let e = out.entry(rep).or_default();
        if is_touchpoint(a) {
            e.0 += 1;
        } else if is_ai_sent(a) {
            e.1 += 1;
        }
    }
    out
}

/// Where an account manager stands against the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// At or above the target's lower end.
    OnTarget,
    /// Below it, with time left.
    Behind,
    /// Below it after the target date.
    Missed,
    /// No baseline (no weeks before deployment) or deployment still ahead.
    NotMeasurable,
}

/// One account manager, assessed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    /// The account manager.
    pub rep: RepId,
    /// Mean weekly touchpoints per account in the baseline weeks before deployment.
    pub baseline: Option<f64>,
    /// Mean weekly touchpoints per account in the latest trend weeks.
    pub current: f64,
    /// `current / baseline - 1`.
    pub change: Option<f64>,
    /// Against the target.
    pub progress: Progress,
    /// Touchpoints in the latest trend weeks and in the weeks before them.
    pub touchpoints: (u32, u32),
    /// AI-assisted communications sent in the latest trend weeks and in the weeks before them.
    pub ai_sent: (u32, u32),
    /// AI-assisted messages growing while touchpoints stay flat (or fall).
    pub efficiency_theater: bool,
    /// Why, in words.
    pub reason: String,
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, s) = v.fold((0u32, 0.0), |(n, s), x| (n + 1, s + x));
    (n > 0).then(|| s / f64::from(n))
}

/// Assesses each account manager on `today` from their weeks (as [`weeks`] gives them; the
/// week of `today` is left out as unfinished).
pub fn assess(
    weeks: &[Week],
    deployed_on: NaiveDate,
    today: NaiveDate,
    s: &Settings,
) -> Vec<Assessment> {
    let mut by_rep: BTreeMap<RepId, Vec<&Week>> = BTreeMap::new();
    let this_week = monday(today);
    for w in weeks.iter().filter(|w| w.week < this_week) {
        by_rep.entry(w.rep).or_default().push(w);
    }
    let deployed_week = monday(deployed_on);
    let n = s.trend_weeks as usize;
    let mut out = Vec::new();
    for (rep, mut ws) in by_rep {
        ws.sort_by_key(|w| w.week);
        let before: Vec<&&Week> = ws.iter().filter(|w| w.week < deployed_week).collect();
        let base_weeks = &before[before.len().saturating_sub(s.baseline_weeks as usize)..];
        let baseline = mean(base_weeks.iter().map(|w| w.per_account)).filter(|b| *b > 0.0);
        // "Now" is the latest weeks since deployment only (the first weeks after it would
        // otherwise mix the baseline in); the trend compares them with the weeks before them.
        let since = ws.partition_point(|w| w.week < deployed_week);
        let latest = &ws[ws.len().saturating_sub(n).max(since)..];
        let earlier = &ws[ws.len().saturating_sub(2 * n)..ws.len().saturating_sub(n)];
        let current = mean(latest.iter().map(|w| w.per_account)).unwrap_or(0.0);
        let sum = |v: &[&Week], f: fn(&Week) -> u32| v.iter().map(|w| f(w)).sum::<u32>();
        let touch = (
            sum(latest, |w| w.touchpoints),
            sum(earlier, |w| w.touchpoints),
        );
        let ai = (sum(latest, |w| w.ai_sent), sum(earlier, |w| w.ai_sent));
        let change = baseline.map(|b| current / b - 1.0);
        let deadline = deployed_on + Duration::days(i64::from(s.within_days));
        let progress = match change {
            _ if today < deployed_on => Progress::NotMeasurable,
            None => Progress::NotMeasurable,
            Some(c) if c >= s.target.0 => Progress::OnTarget,
            Some(_) if today <= deadline => Progress::Behind,
            Some(_) => Progress::Missed,
        };
        // Growing: up by the growth share (from nothing, three or more); flat: touchpoints
        // within the flat share of the weeks before, or fewer.
        let growing = if ai.1 == 0 {
            ai.0 >= 3
        } else {
            f64::from(ai.0) >= f64::from(ai.1) * (1.0 + s.ai_growth)
        };
        let flat = f64::from(touch.0) <= f64::from(touch.1) * (1.0 + s.flat_within);
        let full = earlier.len() == n && latest.len() == n;
        let theater = full && growing && flat;
        let reason = if !full {
            format!(
                "not {n} weeks since deployment and {n} before them yet: no trend (AI-assisted messages {} → {}, touchpoints {} → {})",
                ai.1, ai.0, touch.1, touch.0
            )
        } else if theater {
            format!(
                "AI-assisted messages {} → {} in the last {n} weeks while touchpoints went {} → {}: the recovered time is going to screen work",
                ai.1, ai.0, touch.1, touch.0
            )
        } else if growing && touch.0 > touch.1 {
            format!(
                "AI-assisted messages {} → {} and touchpoints {} → {}: the time is going to the customer",
                ai.1, ai.0, touch.1, touch.0
            )
        } else {
            format!(
                "AI-assisted messages {} → {}, touchpoints {} → {}",
                ai.1, ai.0, touch.1, touch.0
            )
        };
        out.push(Assessment {
            rep,
            baseline,
            current,
            change,
            progress,
            touchpoints: touch,
            ai_sent: ai,
            efficiency_theater: theater,
            reason,
        });
    }
    out
}

/// Time recovered by one person with one workflow in one month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recovered {
    /// The month's first day.
    pub month: NaiveDate,
    /// Who (as the ledger names them).
    pub used_by: String,
    /// Which workflow.
    pub workflow: Workflow,
    /// Drafts that were approved or sent (a rejected or waiting draft saved nothing yet).
    pub drafts: u32,
    /// Hours saved.
    pub hours: f64,
    /// Their worth, minor units of the ledger's currency.
    pub value_minor: i64,
    /// The currency.
    pub currency: String,
}

/// Time recovered per month, person and workflow, from the drafting ledger; only the drafts in
/// `counted` (approved or sent).
pub fn recovered(uses: &[WorkflowUse], counted: &dyn Fn(&WorkflowUse) -> bool) -> Vec<Recovered> {
    // Cost times minutes summed, divided by sixty once per row: no cent lost per draft.
    let mut by: BTreeMap<(NaiveDate, String, &'static str), (Recovered, i128)> = BTreeMap::new();
    for u in uses.iter().filter(|u| counted(u)) {
        let day = u.at.date_naive();
        let month = day.with_day(1).unwrap_or(day);
        let e = by
            .entry((month, u.used_by.clone(), u.workflow.as_str()))
            .or_insert_with(|| {
                (
                    Recovered {
                        month,
                        used_by: u.used_by.clone(),
                        workflow: u.workflow,
                        drafts: 0,
                        hours: 0.0,
                        value_minor: 0,
                        currency: u.hourly_cost.currency().code().to_string(),
                    },
                    0,
                )
            });
        e.0.drafts += 1;
        e.0.hours += f64::from(u.minutes_saved) / 60.0;
        e.1 += i128::from(u.hourly_cost.minor()) * i128::from(u.minutes_saved);
    }
    by.into_values()
        .map(|(mut r, cost_minutes)| {
            r.value_minor = i64::try_from((cost_minutes + 30) / 60).unwrap_or(i64::MAX);
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use roomwork_domain::{ActivityId, Currency, DraftId, Money};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn act(rep: RepId, day: &str, kind: ActivityKind, ai: bool) -> Activity {
        Activity {
            id: ActivityId::new(),
            ext_key: None,
            kind,
            direction: Direction::Outbound,
            ai_assisted: ai,
            account_id: None,
            contact_id: None,
            opportunity_id: None,
            rep_id: Some(rep),
            occurred_at: Utc.from_utc_datetime(&d(day).and_hms_opt(10, 0, 0).unwrap()),
            duration_minutes: None,
            subject: String::new(),
            body: None,
        }
    }

    /// `per_week` touchpoints and AI messages for each week from `from` for `n` weeks.
    fn history(rep: RepId, from: &str, plan: &[(u32, u32)]) -> Vec<Activity> {
        let mut out = Vec::new();
        for (k, (t, ai)) in plan.iter().enumerate() {
            let day = d(from) + Duration::days(7 * k as i64 + 1);
            let s = day.to_string();
            out.extend((0..*t).map(|_| act(rep, &s, ActivityKind::Call, false)));
            out.extend((0..*ai).map(|_| act(rep, &s, ActivityKind::Email, true)));
        }
        out
    }

    #[test]
    fn more_ai_messages_and_flat_touchpoints_is_efficiency_theater_and_more_calls_is_room_work() {
        let (theater, room) = (RepId::new(), RepId::new());
        // Eight baseline weeks of 10 calls, then deployment; eight weeks after.
        let mut plan_t = vec![(10, 1); 8];
        plan_t.extend([
            (10, 4),
            (10, 5),
            (10, 5),
            (10, 6),
            (10, 9),
            (10, 10),
            (10, 12),
            (10, 12),
        ]);
        let mut plan_r = vec![(10, 1); 8];
        plan_r.extend([
            (10, 3),
            (11, 3),
            (11, 4),
            (12, 4),
            (12, 4),
            (13, 4),
            (13, 4),
            (13, 4),
        ]);
        let mut acts = history(theater, "2026-08-03", &plan_t);
        acts.extend(history(room, "2026-08-03", &plan_r));
        // An AI-assisted note and an inbound call are neither.
        acts.push(act(room, "2026-11-10", ActivityKind::Note, true));
        let mut inbound = act(room, "2026-11-10", ActivityKind::Call, false);
        inbound.direction = Direction::Inbound;
        acts.push(inbound);
        let accounts = HashMap::from([(theater, 10), (room, 10)]);
        let w = weeks(&acts, &accounts, d("2026-08-03"), d("2026-11-23"));
        assert_eq!(w.len(), 2 * 17);
        let a = assess(&w, d("2026-09-28"), d("2026-11-25"), &Settings::default());
        let t = a.iter().find(|x| x.rep == theater).unwrap();
        assert!(t.efficiency_theater, "{}", t.reason);
        assert_eq!(t.progress, Progress::Behind);
        assert_eq!(t.baseline, Some(1.0));
        let r = a.iter().find(|x| x.rep == room).unwrap();
        assert!(!r.efficiency_theater, "{}", r.reason);
        assert_eq!(r.progress, Progress::OnTarget);
        assert!((r.change.unwrap() - 0.275).abs() < 1e-9, "{:?}", r.change);
        // After the target date, still below it: missed.
        let late = assess(&w, d("2026-09-28"), d("2026-12-20"), &Settings::default());
        assert_eq!(
            late.iter().find(|x| x.rep == theater).unwrap().progress,
            Progress::Missed
        );
    }

    #[test]
    fn a_month_counts_its_own_days_and_a_short_history_gives_no_trend() {
        let rep = RepId::new();
        // Monday 26 Oct to Sunday 8 Nov: the week of 26 Oct straddles October and November.
        let acts = vec![
            act(rep, "2026-10-30", ActivityKind::Call, false),
            act(rep, "2026-11-01", ActivityKind::Visit, false),
            act(rep, "2026-11-02", ActivityKind::Email, true),
            act(rep, "2026-12-01", ActivityKind::Call, false),
        ];
        let t = totals(&acts, d("2026-11-01"), d("2026-11-30"));
        assert_eq!(t[&rep], (1, 1));
        // Three weeks after deployment: no trend, and no claim about where the time went.
        let mut plan = vec![(5, 0); 8];
        plan.extend([(5, 3), (5, 6), (5, 9)]);
        let w = weeks(
            &history(rep, "2026-08-03", &plan),
            &HashMap::from([(rep, 5)]),
            d("2026-08-03"),
            d("2026-10-19"),
        );
        let a = assess(&w, d("2026-09-28"), d("2026-10-21"), &Settings::default());
        assert!(!a[0].efficiency_theater);
        assert!(a[0].reason.starts_with("not 4 weeks"), "{}", a[0].reason);
        // "Now" is the weeks since deployment only.
        assert_eq!(a[0].current, 1.0);
    }

    #[test]
    fn no_baseline_is_not_measurable_and_settings_are_checked() {
        let rep = RepId::new();
        let acts = history(rep, "2026-10-05", &[(5, 2), (5, 2)]);
        let w = weeks(
            &acts,
            &HashMap::from([(rep, 5)]),
            d("2026-10-05"),
            d("2026-10-19"),
        );
        let a = assess(&w, d("2026-09-01"), d("2026-10-21"), &Settings::default());
        assert_eq!(a[0].progress, Progress::NotMeasurable);
        let bad = Settings {
            target: (20.0, 30.0),
            ..Settings::default()
        };
        assert!(bad.check().unwrap_err().contains("target"));
        let huge = Settings {
            within_days: 100_000_000,
            ..Settings::default()
        };
        assert!(huge.check().unwrap_err().contains("within_days"));
        assert!(Settings::default().check().is_ok());
    }

    #[test]
    fn recovered_time_counts_only_approved_or_sent_drafts() {
        let use_ = |minutes, at: &str, counted| {
            (
                WorkflowUse {
                    draft_id: DraftId::new(),
                    workflow: Workflow::FollowUpEmail,
                    used_by: "Dana".into(),
                    account_id: None,
                    at: Utc.from_utc_datetime(&d(at).and_hms_opt(9, 0, 0).unwrap()),
                    minutes_saved: minutes,
                    hourly_cost: Money::from_minor(6500, Currency::USD),
                },
                counted,
            )
        };
        let uses = [
            use_(20, "2026-11-03", true),
            use_(20, "2026-11-04", false),
            use_(40, "2026-11-20", true),
        ];
        let counted: Vec<DraftId> = uses.iter().filter(|u| u.1).map(|u| u.0.draft_id).collect();
        let all: Vec<WorkflowUse> = uses.iter().map(|u| u.0.clone()).collect();
        let r = recovered(&all, &|u| counted.contains(&u.draft_id));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].drafts, 2);
        assert!((r[0].hours - 1.0).abs() < 1e-9);
        assert_eq!(r[0].value_minor, 6500);
    }
}
