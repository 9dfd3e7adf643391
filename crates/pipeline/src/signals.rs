//! Risk signals on open deals, each with its threshold from `signals.toml` and an explanation
//! in words. The same rules run on today's pipeline and on any past day (a deal rebuilt from
//! its history by [`Frame::state_at`]), which is what lets [`crate::backtest`] measure them.
//!
//! | signal | raised when (defaults) |
//! |---|---|
//! | `no_activity` | no customer touch on the deal for 10 days (since creation if none) |
//! | `closing_without_meeting` | close date within 14 days and no call, visit or meeting booked before it (today only: when a meeting was booked is not recorded) |
//! | `stalled` | longer in its stage than the stage's expected days (the Foundation's; 14 otherwise) |
//! | `close_date_pushed` | the close date moved later 2 or more times |
//! | `amount_reduced` | the amount went down by 10% or more in the last 30 days |
//! | `single_threaded` | one customer person (or none) engaged on a deal older than 21 days |
//! | `next_step_missing` | no next step, or its date has passed (today only: next steps have no history) |
//! | `stage_backwards` | moved back a stage in the last 30 days |
//! | `call_risk` | the deal's latest analysed call, within 30 days, raised a deal risk (evaluating alternatives, budget concern, timeline slipping, decision maker absent, a complaint) |
//! | `ghosted` | 2 or more outbound touches on days after the customer last answered (or since creation), the latest within 14 days, and no answer for over 14 days |

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::frame::{DealState, Frame};

/// One of the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// No customer touch for N days.
    NoActivity,
    /// Closing soon with no meeting booked.
    ClosingWithoutMeeting,
    /// Longer in its stage than expected.
    Stalled,
    /// Close date pushed more than once.
    CloseDatePushed,
    /// Amount reduced.
    AmountReduced,
    /// One contact engaged.
    SingleThreaded,
    /// Next step missing or overdue.
    NextStepMissing,
    /// Stage moved backwards.
    StageBackwards,
    /// Outbound touches unanswered.
    Ghosted,
    /// The latest call raised a deal risk.
    CallRisk,
}

impl Signal {
    /// Every rule, in report order.
    pub const ALL: [Signal; 10] = [
        Signal::NoActivity,
        Signal::ClosingWithoutMeeting,
        Signal::Stalled,
        Signal::CloseDatePushed,
        Signal::AmountReduced,
        Signal::SingleThreaded,
        Signal::NextStepMissing,
        Signal::StageBackwards,
        Signal::Ghosted,
        Signal::CallRisk,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::NoActivity => "no_activity",
            Signal::ClosingWithoutMeeting => "closing_without_meeting",
            Signal::Stalled => "stalled",
            Signal::CloseDatePushed => "close_date_pushed",
            Signal::AmountReduced => "amount_reduced",
            Signal::SingleThreaded => "single_threaded",
            Signal::NextStepMissing => "next_step_missing",
            Signal::StageBackwards => "stage_backwards",
            Signal::Ghosted => "ghosted",
            Signal::CallRisk => "call_risk",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Signal::NoActivity => "No activity",
            Signal::ClosingWithoutMeeting => "Closing, no meeting booked",
            Signal::Stalled => "Stalled in stage",
            Signal::CloseDatePushed => "Close date pushed",
            Signal::AmountReduced => "Amount reduced",
            Signal::SingleThreaded => "Single-threaded",
            Signal::NextStepMissing => "Next step missing or overdue",
            Signal::StageBackwards => "Moved back a stage",
            Signal::Ghosted => "Ghosted",
            Signal::CallRisk => "Risk heard on a call",
        }
    }

    /// False for rules whose inputs have no history, which cannot be evaluated on a past day
    /// and so cannot be backtested: next steps, and when a meeting was booked (a meeting held
    /// later may not have been booked yet on that day).
    pub fn backtestable(self) -> bool {
        !matches!(
            self,
            Signal::NextStepMissing | Signal::ClosingWithoutMeeting
        )
    }
}

/// Thresholds, from `DATA_DIR/signals.toml`; every section and key is optional (a section
/// given with only some keys keeps the defaults of the others).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// `no_activity`.
    pub no_activity: Days,
    /// `closing_without_meeting`: the close date within this many days.
    pub closing_without_meeting: Days,
    /// `stalled`: `days` is used for a stage the Foundation gives no expected days.
    pub stalled: Days,
    /// `close_date_pushed`: raised at `times` pushes.
    pub close_date_pushed: Times,
    /// `amount_reduced`: a cut of at least `percent` within `days`.
    pub amount_reduced: Reduced,
    /// `single_threaded`: deals at least `days` old.
    pub single_threaded: Days,
    /// `next_step_missing` (no threshold).
    pub next_step_missing: Days,
    /// `stage_backwards`: within `days`.
    pub stage_backwards: Days,
    /// `ghosted`: no inbound for `days` and at least `times` outbound since.
    pub ghosted: Ghosted,
    /// `call_risk`: the latest analysed call within `days`.
    pub call_risk: Days,
    /// A closed deal is backtested as it stood this many days before it closed.
    pub backtest_days_before_close: u32,
}

/// A rule with a number of days.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Days {
    /// Off when false.
    pub enabled: bool,
    /// The days.
    pub days: u32,
}

/// A rule with a count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Times {
    /// Off when false.
    pub enabled: bool,
    /// The count.
    pub times: u32,
}

/// `amount_reduced`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reduced {
    /// Off when false.
    pub enabled: bool,
    /// At least this percent ...
    pub percent: u32,
    /// ... within this many days.
    pub days: u32,
}

/// `ghosted`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ghosted {
    /// Off when false.
    pub enabled: bool,
    /// No inbound touch for this many days ...
    pub days: u32,
    /// ... and at least this many outbound touches since the last one.
    pub outbound: u32,
}

impl Default for Config {
    fn default() -> Self {
        let on = |days| Days {
            enabled: true,
            days,
        };
        Config {
            no_activity: on(10),
            closing_without_meeting: on(14),
            stalled: on(14),
            close_date_pushed: Times {
                enabled: true,
                times: 2,
            },
            amount_reduced: Reduced {
                enabled: true,
                percent: 10,
                days: 30,
            },
            single_threaded: on(21),
            next_step_missing: on(0),
            stage_backwards: on(30),
            ghosted: Ghosted {
                enabled: true,
                days: 14,
                outbound: 2,
            },
            call_risk: on(30),
            backtest_days_before_close: 30,
        }
    }
}

/// One section of the file as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Section {
    enabled: Option<bool>,
    days: Option<u32>,
    times: Option<u32>,
    percent: Option<u32>,
    outbound: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct File {
    no_activity: Option<Section>,
    closing_without_meeting: Option<Section>,
    stalled: Option<Section>,
    close_date_pushed: Option<Section>,
    amount_reduced: Option<Section>,
    single_threaded: Option<Section>,
    next_step_missing: Option<Section>,
    stage_backwards: Option<Section>,
    ghosted: Option<Section>,
    call_risk: Option<Section>,
    backtest: Option<BacktestSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BacktestSection {
    days_before_close: u32,
}

impl Config {
    /// Parses `signals.toml` over the defaults; the error names the line, column and key.
    /// Each rule's section takes `enabled` and the keys its threshold uses: `days` (all but
    /// `close_date_pushed`), `times` (`close_date_pushed`), `percent` (`amount_reduced`),
    /// `outbound` (`ghosted`); `[backtest] days_before_close`.
    pub fn parse(text: &str) -> Result<Config, String> {
        let file: File =
            toml::from_str(text).map_err(|e| e.to_string().trim().replace('\n', " "))?;
        let mut c = Config::default();
        let days = |d: &mut Days, s: Option<Section>| {
            if let Some(s) = s {
                d.enabled = s.enabled.unwrap_or(d.enabled);
                d.days = s.days.unwrap_or(d.days);
            }
        };
        days(&mut c.no_activity, file.no_activity);
        days(&mut c.closing_without_meeting, file.closing_without_meeting);
        days(&mut c.stalled, file.stalled);
        days(&mut c.single_threaded, file.single_threaded);
        days(&mut c.next_step_missing, file.next_step_missing);
        days(&mut c.stage_backwards, file.stage_backwards);
        days(&mut c.call_risk, file.call_risk);
        if let Some(s) = file.close_date_pushed {
            c.close_date_pushed.enabled = s.enabled.unwrap_or(true);
            c.close_date_pushed.times = s.times.unwrap_or(c.close_date_pushed.times);
        }
        if let Some(s) = file.amount_reduced {
            c.amount_reduced.enabled = s.enabled.unwrap_or(true);
            c.amount_reduced.percent = s.percent.unwrap_or(c.amount_reduced.percent);
            c.amount_reduced.days = s.days.unwrap_or(c.amount_reduced.days);
        }
        if let Some(s) = file.ghosted {
            c.ghosted.enabled = s.enabled.unwrap_or(true);
            c.ghosted.days = s.days.unwrap_or(c.ghosted.days);
            c.ghosted.outbound = s.outbound.unwrap_or(c.ghosted.outbound);
        }
        if let Some(b) = file.backtest {
            c.backtest_days_before_close = b.days_before_close;
        }
        Ok(c)
    }

    /// True when `s` is switched on.
    pub fn enabled(&self, s: Signal) -> bool {
        match s {
            Signal::NoActivity => self.no_activity.enabled,
            Signal::ClosingWithoutMeeting => self.closing_without_meeting.enabled,
            Signal::Stalled => self.stalled.enabled,
            Signal::CloseDatePushed => self.close_date_pushed.enabled,
            Signal::AmountReduced => self.amount_reduced.enabled,
            Signal::SingleThreaded => self.single_threaded.enabled,
            Signal::NextStepMissing => self.next_step_missing.enabled,
            Signal::StageBackwards => self.stage_backwards.enabled,
            Signal::Ghosted => self.ghosted.enabled,
            Signal::CallRisk => self.call_risk.enabled,
        }
    }
}

/// A raised signal: the rule and the measurement that raised it. [`Flag::explain`] says it in
/// words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The rule.
    pub signal: Signal,
    /// What was measured: days, a count or a percent, by rule.
    pub value: i64,
    /// The threshold it was held against.
    pub threshold: i64,
    /// A day the explanation names (the last touch, the close date, the last reply).
    pub on: Option<NaiveDate>,
}

impl Flag {
    /// Why the signal is raised, in words.
    pub fn explain(&self) -> String {
        let day = self
            .on
            .map(|d| d.format("%-d %b %Y").to_string())
            .unwrap_or_default();
        let (v, t) = (self.value, self.threshold);
        match self.signal {
            Signal::NoActivity if self.on.is_some() => {
                format!("no customer touch for {v} days (last on {day}); the limit is {t}")
            }
            Signal::NoActivity => {
                format!("no customer touch since it was created {v} days ago; the limit is {t}")
            }
            Signal::ClosingWithoutMeeting => format!(
                "closes in {v} days ({day}) and no call, visit or meeting is booked before then"
            ),
            Signal::Stalled => format!("{v} days in its stage; the stage expects {t}"),
            Signal::CloseDatePushed => format!("the close date moved later {v} times (now {day})"),
            Signal::AmountReduced => format!("the amount was cut by {v}% on {day}"),
            Signal::SingleThreaded if v == 0 => "no customer person engaged on the deal yet".into(),
            Signal::SingleThreaded => "only one customer person engaged on the deal".into(),
            Signal::NextStepMissing if self.on.is_some() => format!("the next step was due {day}"),
            Signal::NextStepMissing => "no next step recorded".into(),
            Signal::StageBackwards => format!("moved back a stage on {day}"),
            Signal::Ghosted if self.on.is_some() => format!(
                "{v} outbound touches since the customer last answered on {day}, nothing back for {t}+ days"
            ),
            Signal::Ghosted => {
                format!("{v} outbound touches and the customer has never answered")
            }
            Signal::CallRisk if v == 1 => format!("the call on {day} raised a deal risk"),
            Signal::CallRisk => format!("the call on {day} raised {v} deal risks"),
        }
    }
}

/// Evaluates deal `i` on `day`. `live` reads today's fields (next step included); otherwise
/// the deal is rebuilt as it stood on `day` from its history. Closed deals (on that day) and
/// deals not yet created raise nothing.
pub fn evaluate(f: &Frame<'_>, i: usize, day: NaiveDate, live: bool, c: &Config) -> Vec<Flag> {
    let mut out = Vec::new();
    let state = if live {
        f.state_now(i)
    } else {
        match f.state_at(i, day) {
            Some(s) => s,
            None => return out,
        }
    };
    if state.stage.is_some_and(|k| f.stages.is_closed(k)) {
        return out;
    }
    evaluate_state(f, i, day, live, &state, c, &mut out);
    out
}

fn evaluate_state(
    f: &Frame<'_>,
    i: usize,
    day: NaiveDate,
    live: bool,
    state: &DealState,
    c: &Config,
    out: &mut Vec<Flag>,
) {
    let o = &f.deals[i];
    let all = f.touches(i);
    let split = all.partition_point(|t| t.day <= day);
    let (past, booked) = all.split_at(split);
    let age = (day - o.created_on).num_days();

    if c.no_activity.enabled {
        let limit = i64::from(c.no_activity.days);
        match past.last() {
            Some(t) if (day - t.day).num_days() > limit => out.push(Flag {
                signal: Signal::NoActivity,
                value: (day - t.day).num_days(),
                threshold: limit,
                on: Some(t.day),
            }),
            None if age > limit => out.push(Flag {
                signal: Signal::NoActivity,
                value: age,
                threshold: limit,
                on: None,
            }),
            _ => {}
        }
    }
    if live
        && c.closing_without_meeting.enabled
        && let Some(close) = state.close_date
    {
        let left = (close - day).num_days();
        let window = i64::from(c.closing_without_meeting.days);
        if (0..=window).contains(&left)
            && !booked
                .iter()
                .take_while(|t| t.day <= close)
                .any(|t| t.kind.is_meeting())
        {
            out.push(Flag {
                signal: Signal::ClosingWithoutMeeting,
                value: left,
                threshold: window,
                on: Some(close),
            });
        }
    }
    if c.stalled.enabled {
        let expected = state
            .stage
            .map(|k| f.stages.get(k).expected_days)
            .filter(|&e| e > 0)
            .unwrap_or(c.stalled.days);
        let days = (day - state.stage_since).num_days();
        if days > i64::from(expected) {
            out.push(Flag {
                signal: Signal::Stalled,
                value: days,
                threshold: i64::from(expected),
                on: Some(state.stage_since),
            });
        }
    }
    if c.close_date_pushed.enabled {
        let pushes = f.pushes_until(i, day) as i64;
        if pushes >= i64::from(c.close_date_pushed.times) {
            out.push(Flag {
                signal: Signal::CloseDatePushed,
                value: pushes,
                threshold: i64::from(c.close_date_pushed.times),
                on: state.close_date,
            });
        }
    }
    if c.amount_reduced.enabled {
        let since = day - Duration::days(i64::from(c.amount_reduced.days));
        let cut = f
            .edits(i)
            .iter()
            .filter(|(on, _)| *on > since && *on <= day)
            .filter_map(|(on, ch)| match ch {
                roomwork_domain::DealFieldChange::Amount {
                    from: Some(a),
                    to: Some(b),
                } if a.currency() == b.currency() && a.minor() > 0 && b.minor() < a.minor() => {
                    Some(((a.minor() - b.minor()) * 100 / a.minor(), *on))
                }
                _ => None,
            })
            .max();
        if let Some((pct, on)) = cut
            && pct >= i64::from(c.amount_reduced.percent)
        {
            out.push(Flag {
                signal: Signal::AmountReduced,
                value: pct,
                threshold: i64::from(c.amount_reduced.percent),
                on: Some(on),
            });
        }
    }
    if c.single_threaded.enabled && age >= i64::from(c.single_threaded.days) {
        let mut first = None;
        let mut many = false;
        for t in past.iter().filter_map(|t| t.contact()) {
            match first {
                None => first = Some(t),
                Some(x) if x != t => {
                    many = true;
                    break;
                }
                _ => {}
            }
        }
        if !many {
            out.push(Flag {
                signal: Signal::SingleThreaded,
                value: i64::from(first.is_some()),
                threshold: 2,
                on: None,
            });
        }
    }
    if live && c.next_step_missing.enabled {
        let blank = o.next_step.as_deref().is_none_or(|s| s.trim().is_empty());
        let overdue = o.next_step_date.filter(|d| *d < day);
        if blank || overdue.is_some() {
            out.push(Flag {
                signal: Signal::NextStepMissing,
                value: overdue.map_or(0, |d| (day - d).num_days()),
                threshold: 0,
                on: if blank { None } else { overdue },
            });
        }
    }
    if c.stage_backwards.enabled {
        let since = day - Duration::days(i64::from(c.stage_backwards.days));
        let last_back = f
            .moves(i)
            .windows(2)
            .filter(|w| w[1].1 > since && w[1].1 <= day)
            .rfind(|w| matches!((w[0].0, w[1].0), (Some(a), Some(b)) if b < a))
            .map(|w| w[1].1);
        if let Some(on) = last_back {
            out.push(Flag {
                signal: Signal::StageBackwards,
                value: (day - on).num_days(),
                threshold: i64::from(c.stage_backwards.days),
                on: Some(on),
            });
        }
    }
    if c.call_risk.enabled {
        // The latest call on or before the day: a later call without risks clears it.
        let calls = f.calls(i);
        let latest = calls[..calls.partition_point(|c| c.0 <= day)].last();
        if let Some(&(on, risks)) = latest
            && risks > 0
            && (day - on).num_days() <= i64::from(c.call_risk.days)
        {
            out.push(Flag {
                signal: Signal::CallRisk,
                value: i64::from(risks),
                threshold: i64::from(c.call_risk.days),
                on: Some(on),
            });
        }
    }
    if c.ghosted.enabled {
        // Touches on days after the customer last answered (same-day touches are not "after").
        let last_in = past.iter().filter(|t| t.inbound).map(|t| t.day).max();
        let after = &past[last_in.map_or(0, |d| past.partition_point(|t| t.day <= d))..];
        let outbound = after.iter().filter(|t| !t.inbound).count() as i64;
        let quiet_since = last_in.unwrap_or(o.created_on);
        let limit = i64::from(c.ghosted.days);
        if outbound >= i64::from(c.ghosted.outbound)
            && (day - quiet_since).num_days() > limit
            && after
                .last()
                .is_some_and(|t| (day - t.day).num_days() <= limit)
        {
            out.push(Flag {
                signal: Signal::Ghosted,
                value: outbound,
                threshold: limit,
                on: last_in,
            });
        }
    }
}

/// Every open deal's flags today: `(deal index, flags)` for the deals that raise any.
pub fn evaluate_open(f: &Frame<'_>, today: NaiveDate, c: &Config) -> Vec<(usize, Vec<Flag>)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let open: Vec<usize> = (0..f.len()).filter(|&i| f.is_open(i)).collect();
    if open.len() < 50_000 || threads < 2 {
        return open
            .into_iter()
            .map(|i| (i, evaluate(f, i, today, true, c)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
    }
    let chunk = open.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = open
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|&i| (i, evaluate(f, i, today, true, c)))
                        .filter(|(_, v)| !v.is_empty())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a signal thread panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::tests::{d, deal, stages, touch};
    use roomwork_domain::{ActivityKind, ContactId, DealFieldChange, FieldEdit, Money};

    fn signals_of(flags: &[Flag]) -> Vec<Signal> {
        flags.iter().map(|f| f.signal).collect()
    }

    #[test]
    fn a_quiet_deal_raises_no_activity_and_a_busy_one_does_not() {
        let st = stages();
        let quiet = deal(
            "quiet",
            &[("Qualification", "2026-03-01")],
            "2026-06-30",
            10,
        );
        let busy = deal("busy", &[("Qualification", "2026-03-01")], "2026-06-30", 10);
        let (c1, c2) = (ContactId::new(), ContactId::new());
        let acts = vec![
            touch(&quiet, "2026-03-02", ActivityKind::Call, true, Some(c1)),
            touch(&busy, "2026-03-09", ActivityKind::Call, true, Some(c1)),
            touch(&busy, "2026-03-10", ActivityKind::Email, true, Some(c2)),
        ];
        let deals = vec![quiet, busy];
        let f = Frame::build(&st, &deals, &acts, &[]);
        let c = Config::default();
        let q = evaluate(&f, 0, d("2026-03-13"), true, &c);
        assert_eq!(q[0].signal, Signal::NoActivity);
        assert_eq!(q[0].value, 11);
        assert!(
            q[0].explain().contains("11 days (last on 2 Mar 2026)"),
            "{}",
            q[0].explain()
        );
        assert!(evaluate(&f, 1, d("2026-03-13"), true, &c).is_empty());
        // The threshold is the configuration's.
        let mut lax = Config::default();
        lax.no_activity.days = 12;
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-03-13"), true, &lax))
                .contains(&Signal::NoActivity)
        );
    }

    #[test]
    fn a_risk_heard_on_the_latest_call_is_raised_until_a_later_call_clears_it() {
        let st = stages();
        let a = deal("a", &[("Proposal", "2026-03-01")], "2026-06-30", 10);
        let b = deal("b", &[("Proposal", "2026-03-01")], "2026-06-30", 10);
        let calls = vec![
            (a.id, d("2026-03-05"), 2),
            (b.id, d("2026-03-05"), 1),
            (b.id, d("2026-03-10"), 0),
        ];
        let deals = vec![a, b];
        let f = Frame::build(&st, &deals, &[], &[]).with_calls(&calls);
        let c = Config::default();
        let flag = evaluate(&f, 0, d("2026-03-12"), true, &c)
            .into_iter()
            .find(|x| x.signal == Signal::CallRisk)
            .expect("call risk");
        assert_eq!((flag.value, flag.on), (2, Some(d("2026-03-05"))));
        assert_eq!(flag.explain(), "the call on 5 Mar 2026 raised 2 deal risks");
        // The later call raised nothing: cleared. On a day between the calls it was raised.
        assert!(
            !signals_of(&evaluate(&f, 1, d("2026-03-12"), true, &c)).contains(&Signal::CallRisk)
        );
        assert!(
            signals_of(&evaluate(&f, 1, d("2026-03-07"), false, &c)).contains(&Signal::CallRisk)
        );
        // Older than the window: not raised.
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-04-20"), true, &c)).contains(&Signal::CallRisk)
        );
    }

    #[test]
    fn closing_soon_needs_a_meeting_booked_before_the_close_date() {
        let st = stages();
        let a = deal("a", &[("Negotiation", "2026-03-01")], "2026-03-20", 10);
        let b = deal("b", &[("Negotiation", "2026-03-01")], "2026-03-20", 10);
        let acts = vec![
            touch(&a, "2026-03-09", ActivityKind::Email, false, None),
            touch(&b, "2026-03-09", ActivityKind::Email, false, None),
            touch(&b, "2026-03-18", ActivityKind::Meeting, false, None),
            // After the close date: does not count.
            touch(&a, "2026-03-25", ActivityKind::Meeting, false, None),
        ];
        let deals = vec![a, b];
        let f = Frame::build(&st, &deals, &acts, &[]);
        let c = Config::default();
        let today = d("2026-03-10");
        assert!(
            signals_of(&evaluate(&f, 0, today, true, &c)).contains(&Signal::ClosingWithoutMeeting)
        );
        assert!(
            !signals_of(&evaluate(&f, 1, today, true, &c)).contains(&Signal::ClosingWithoutMeeting)
        );
        // Twenty days out is not "closing soon".
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-02-28"), true, &c))
                .contains(&Signal::ClosingWithoutMeeting)
        );
        // On a past day the rule is not run: when the later meeting was booked is unknown.
        assert!(
            !signals_of(&evaluate(&f, 0, today, false, &c))
                .contains(&Signal::ClosingWithoutMeeting)
        );
    }

    #[test]
    fn stalled_follows_each_stages_expected_days() {
        let st = stages();
        let deals = vec![
            deal("p", &[("Prospecting", "2026-03-01")], "2026-06-30", 10),
            deal("n", &[("Negotiation", "2026-03-01")], "2026-06-30", 10),
        ];
        let f = Frame::build(&st, &deals, &[], &[]);
        let c = Config::default();
        let day = d("2026-03-18"); // 17 days: over Negotiation's 14, under Prospecting's 21
        assert!(!signals_of(&evaluate(&f, 0, day, true, &c)).contains(&Signal::Stalled));
        let n = evaluate(&f, 1, day, true, &c);
        let s = n.iter().find(|x| x.signal == Signal::Stalled).unwrap();
        assert_eq!((s.value, s.threshold), (17, 14));
    }

    #[test]
    fn pushes_and_cuts_come_from_the_field_history_as_of_the_day() {
        let st = stages();
        let o = deal("a", &[("Proposal", "2026-01-01")], "2026-05-01", 100);
        let push = |on: &str, from: &str, to: &str| FieldEdit {
            opportunity_id: o.id,
            changed_on: d(on),
            change: DealFieldChange::CloseDate {
                from: Some(d(from)),
                to: Some(d(to)),
            },
        };
        let usd = |m| Some(Money::from_major(m, roomwork_domain::Currency::USD));
        let edits = vec![
            push("2026-02-01", "2026-03-01", "2026-04-01"),
            push("2026-03-01", "2026-04-01", "2026-05-01"),
            FieldEdit {
                opportunity_id: o.id,
                changed_on: d("2026-03-05"),
                change: DealFieldChange::Amount {
                    from: usd(125),
                    to: usd(100),
                },
            },
        ];
        let deals = vec![o];
        let f = Frame::build(&st, &deals, &[], &edits);
        let c = Config::default();
        let before = signals_of(&evaluate(&f, 0, d("2026-02-15"), false, &c));
        assert!(!before.contains(&Signal::CloseDatePushed));
        let after = evaluate(&f, 0, d("2026-03-10"), false, &c);
        assert!(signals_of(&after).contains(&Signal::CloseDatePushed));
        let cut = after
            .iter()
            .find(|x| x.signal == Signal::AmountReduced)
            .unwrap();
        assert_eq!(cut.value, 20);
        // Thirty days later the cut is old news.
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-04-10"), false, &c))
                .contains(&Signal::AmountReduced)
        );
    }

    #[test]
    fn one_contact_on_an_older_deal_is_single_threaded() {
        let st = stages();
        let a = deal("a", &[("Proposal", "2026-01-01")], "2026-06-30", 10);
        let b = deal("b", &[("Proposal", "2026-01-01")], "2026-06-30", 10);
        let (c1, c2) = (ContactId::new(), ContactId::new());
        let acts = vec![
            touch(&a, "2026-01-20", ActivityKind::Call, true, Some(c1)),
            touch(&a, "2026-01-25", ActivityKind::Email, true, Some(c1)),
            touch(&b, "2026-01-20", ActivityKind::Call, true, Some(c1)),
            touch(&b, "2026-01-25", ActivityKind::Meeting, true, Some(c2)),
        ];
        let deals = vec![a, b];
        let f = Frame::build(&st, &deals, &acts, &[]);
        let c = Config::default();
        assert!(
            signals_of(&evaluate(&f, 0, d("2026-01-28"), true, &c))
                .contains(&Signal::SingleThreaded)
        );
        assert!(
            !signals_of(&evaluate(&f, 1, d("2026-01-28"), true, &c))
                .contains(&Signal::SingleThreaded)
        );
        // Too young to judge.
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-01-15"), true, &c))
                .contains(&Signal::SingleThreaded)
        );
    }

    #[test]
    fn unanswered_outbound_touches_are_ghosting_and_a_reply_ends_it() {
        let st = stages();
        let a = deal("a", &[("Proposal", "2026-01-01")], "2026-06-30", 10);
        let acts = vec![
            touch(&a, "2026-01-05", ActivityKind::Email, true, None),
            touch(&a, "2026-01-12", ActivityKind::Email, false, None),
            touch(&a, "2026-01-19", ActivityKind::Call, false, None),
            touch(&a, "2026-01-26", ActivityKind::Email, true, None),
        ];
        let deals = vec![a];
        let f = Frame::build(&st, &deals, &acts, &[]);
        let c = Config::default();
        let g = evaluate(&f, 0, d("2026-01-24"), false, &c);
        let flag = g
            .iter()
            .find(|x| x.signal == Signal::Ghosted)
            .expect("ghosted");
        assert_eq!(flag.value, 2);
        assert!(
            flag.explain().contains("last answered on 5 Jan 2026"),
            "{}",
            flag.explain()
        );
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-01-27"), false, &c)).contains(&Signal::Ghosted)
        );
    }

    #[test]
    fn a_backward_move_is_flagged_for_thirty_days() {
        let st = stages();
        let deals = vec![deal(
            "a",
            &[
                ("Qualification", "2026-01-01"),
                ("Proposal", "2026-01-10"),
                ("Qualification", "2026-02-01"),
            ],
            "2026-06-30",
            10,
        )];
        let f = Frame::build(&st, &deals, &[], &[]);
        let c = Config::default();
        assert!(
            signals_of(&evaluate(&f, 0, d("2026-02-05"), true, &c))
                .contains(&Signal::StageBackwards)
        );
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-03-15"), true, &c))
                .contains(&Signal::StageBackwards)
        );
    }

    #[test]
    fn next_steps_are_read_only_live_and_closed_deals_raise_nothing() {
        let st = stages();
        let mut a = deal("a", &[("Proposal", "2026-01-01")], "2026-06-30", 10);
        a.next_step = None;
        let won = deal(
            "w",
            &[("Proposal", "2026-01-01"), ("Closed Won", "2026-01-20")],
            "2026-01-20",
            10,
        );
        let deals = vec![a, won];
        let f = Frame::build(&st, &deals, &[], &[]);
        let c = Config::default();
        assert!(
            signals_of(&evaluate(&f, 0, d("2026-01-05"), true, &c))
                .contains(&Signal::NextStepMissing)
        );
        assert!(
            !signals_of(&evaluate(&f, 0, d("2026-01-05"), false, &c))
                .contains(&Signal::NextStepMissing)
        );
        assert!(evaluate(&f, 1, d("2026-03-01"), true, &c).is_empty());
        assert!(
            !evaluate(&f, 1, d("2026-01-15"), false, &c).is_empty(),
            "open on that day"
        );
    }

    #[test]
    fn the_configuration_names_the_line_of_a_bad_key_and_can_switch_rules_off() {
        let c = Config::parse("[no_activity]\ndays = 7\n\n[ghosted]\nenabled = false\n").unwrap();
        assert_eq!(c.no_activity.days, 7);
        assert!(!c.enabled(Signal::Ghosted));
        assert_eq!(c.ghosted.outbound, 2, "keys not given keep their defaults");
        assert_eq!(c.stalled, Config::default().stalled);
        assert_eq!(Config::parse("").unwrap(), Config::default());
        let err = Config::parse("[no_activity]\ndays = 7\nweeks = 2\n").unwrap_err();
        assert!(err.contains("line 3") && err.contains("weeks"), "{err}");
        let err = Config::parse("[stalled]\ndays = \"two weeks\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let err = Config::parse("[no_activty]\ndays = 7\n").unwrap_err();
        assert!(
            err.contains("line 1") && err.contains("no_activty"),
            "{err}"
        );
    }
}
