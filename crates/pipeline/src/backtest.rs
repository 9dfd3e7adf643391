//! Backtests of the risk signals on closed deals: each closed deal is rebuilt as it stood a
//! set number of days before it closed (30 by default), every rule is run on it, and for each
//! rule the loss rate of the deals it flagged is compared with the loss rate of those it did
//! not. A rule whose flagged deals lose no more often than the others is noise to the rep who
//! receives it: the ops lead keeps the rules that predict.
//!
//! What the rebuild cannot see: next steps (they have no history) and when a meeting was
//! booked (a meeting held later may not have been booked on the day evaluated), so
//! `next_step_missing` and `closing_without_meeting` are not backtested.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::frame::Frame;
use crate::signals::{Config, Signal, evaluate};

/// One rule's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleResult {
    /// The rule.
    pub signal: Signal,
    /// Deals it flagged.
    pub flagged: usize,
    /// Of those, lost.
    pub flagged_lost: usize,
    /// Deals it did not flag.
    pub unflagged: usize,
    /// Of those, lost.
    pub unflagged_lost: usize,
    /// Loss rate of flagged deals.
    pub loss_rate_flagged: Option<f64>,
    /// Loss rate of the others.
    pub loss_rate_unflagged: Option<f64>,
    /// Flagged loss rate over unflagged loss rate (none when no unflagged deal was lost).
    pub lift: Option<f64>,
    /// Two-proportion z statistic of the difference (|z| ≥ 1.96: unlikely to be chance).
    pub z: Option<f64>,
    /// `predicts`, `no_signal`, `too_few` or `off`.
    pub verdict: &'static str,
}

impl RuleResult {
    /// The verdict in words.
    pub fn advice(&self) -> &'static str {
        match self.verdict {
            "predicts" => "keep: flagged deals lost clearly more often",
            "no_signal" => {
                "does not predict losses on this history: raise its threshold or switch it off"
            }
            "too_few" => "too few flagged deals to tell (fewer than 20)",
            _ => "switched off",
        }
    }
}

/// The backtest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    /// Days before closing at which deals were evaluated.
    pub days_before_close: u32,
    /// Closed deals evaluated.
    pub deals: usize,
    /// Closed deals left out because they were not yet open on that day.
    pub too_short: usize,
    /// Share of the evaluated deals that were lost.
    pub loss_rate: Option<f64>,
    /// One line per rule that can be backtested.
    pub rules: Vec<RuleResult>,
    /// Rules that cannot be (no history of their inputs).
    pub not_backtestable: Vec<Signal>,
}

/// Runs every backtestable rule on the deals closed on or after `since` (all when `None`).
pub fn run(f: &Frame<'_>, c: &Config, since: Option<NaiveDate>) -> Backtest {
    let back = Duration::days(i64::from(c.backtest_days_before_close));
    let rules: Vec<Signal> = Signal::ALL
        .into_iter()
        .filter(|s| s.backtestable())
        .collect();
    // (flagged, flagged lost) per rule
    let mut tally = vec![(0usize, 0usize); rules.len()];
    let (mut deals, mut lost, mut too_short) = (0usize, 0usize, 0usize);
    for i in 0..f.len() {
        let Some((closed_on, won)) = f.closed(i) else {
            continue;
        };
        if since.is_some_and(|s| closed_on < s) {
            continue;
        }
        let day = closed_on - back;
        let open_then = f
            .state_at(i, day)
            .is_some_and(|s| s.stage.is_none_or(|k| !f.stages.is_closed(k)));
        if !open_then {
            too_short += 1;
            continue;
        }
        deals += 1;
        lost += usize::from(!won);
        let flags = evaluate(f, i, day, false, c);
        for (r, s) in rules.iter().enumerate() {
            if flags.iter().any(|x| x.signal == *s) {
                tally[r].0 += 1;
                tally[r].1 += usize::from(!won);
            }
        }
    }
    let rate = |a: usize, n: usize| (n > 0).then(|| a as f64 / n as f64);
    let results = rules
        .iter()
        .zip(tally)
        .map(|(&signal, (flagged, flagged_lost))| {
            let unflagged = deals - flagged;
            let unflagged_lost = lost - flagged_lost;
            let pf = rate(flagged_lost, flagged);
            let pu = rate(unflagged_lost, unflagged);
            let lift = match (pf, pu) {
                (Some(a), Some(b)) if b > 0.0 => Some(a / b),
                _ => None,
            };
            let z = match (pf, pu) {
                (Some(a), Some(b)) => {
                    let p = lost as f64 / deals as f64;
                    let se =
                        (p * (1.0 - p) * (1.0 / flagged as f64 + 1.0 / unflagged as f64)).sqrt();
                    (se > 0.0).then(|| (a - b) / se)
                }
                _ => None,
            };
            let verdict = if !c.enabled(signal) {
                "off"
            } else if flagged < 20 || unflagged < 20 {
                "too_few"
            } else if pf.zip(pu).is_some_and(|(a, b)| a >= 1.1 * b && a > b)
                && z.is_some_and(|z| z >= 1.96)
            {
                "predicts"
            } else {
                "no_signal"
            };
            RuleResult {
                signal,
                flagged,
                flagged_lost,
                unflagged,
                unflagged_lost,
                loss_rate_flagged: pf,
                loss_rate_unflagged: pu,
                lift,
                z,
                verdict,
            }
        })
        .collect();
    Backtest {
        days_before_close: c.backtest_days_before_close,
        deals,
        too_short,
        loss_rate: rate(lost, deals),
        rules: results,
        not_backtestable: Signal::ALL
            .into_iter()
            .filter(|s| !s.backtestable())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::tests::{d, deal, stages, touch};
    use roomwork_domain::{ActivityKind, ContactId};

    /// Deals that went quiet a month before closing were lost; busy ones were won.
    #[test]
    fn a_rule_that_separates_lost_from_won_deals_predicts_and_one_that_does_not_is_noise() {
        let st = stages();
        let mut deals = Vec::new();
        let mut acts = Vec::new();
        let (c1, c2) = (ContactId::new(), ContactId::new());
        for n in 0..60 {
            let won = n % 2 == 0;
            let end = if won { "Closed Won" } else { "Closed Lost" };
            let o = deal(
                &format!("d{n}"),
                &[
                    ("Qualification", "2026-01-01"),
                    ("Proposal", "2026-02-01"),
                    (end, "2026-04-01"),
                ],
                "2026-04-01",
                10,
            );
            // Everyone talked to two people in January.
            acts.push(touch(&o, "2026-01-05", ActivityKind::Call, true, Some(c1)));
            acts.push(touch(&o, "2026-01-06", ActivityKind::Call, true, Some(c2)));
            if won {
                acts.push(touch(
                    &o,
                    "2026-02-28",
                    ActivityKind::Meeting,
                    true,
                    Some(c1),
                ));
            }
            deals.push(o);
        }
        let f = Frame::build(&st, &deals, &acts, &[]);
        let b = run(&f, &Config::default(), None);
        assert_eq!(b.deals, 60);
        assert_eq!(b.loss_rate, Some(0.5));
        let rule = |s| b.rules.iter().find(|r| r.signal == s).unwrap();
        let quiet = rule(Signal::NoActivity);
        assert_eq!((quiet.flagged, quiet.flagged_lost), (30, 30));
        assert_eq!(quiet.verdict, "predicts");
        // Every deal is 'stalled' in Proposal on 2 March (29 days > 21): flags all, predicts nothing.
        let stalled = rule(Signal::Stalled);
        assert_eq!(stalled.flagged, 60);
        assert_ne!(stalled.verdict, "predicts");
        // Nobody was single-threaded: too few flagged to tell.
        assert_eq!(rule(Signal::SingleThreaded).verdict, "too_few");
        assert_eq!(
            b.not_backtestable,
            vec![Signal::ClosingWithoutMeeting, Signal::NextStepMissing]
        );
    }

    #[test]
    fn deals_closed_within_the_window_of_their_creation_are_left_out() {
        let st = stages();
        let deals = vec![deal(
            "fast",
            &[
                ("Qualification", "2026-03-20"),
                ("Closed Won", "2026-04-01"),
            ],
            "2026-04-01",
            10,
        )];
        let f = Frame::build(&st, &deals, &[], &[]);
        let b = run(&f, &Config::default(), None);
        assert_eq!((b.deals, b.too_short), (0, 1));
        let _ = d("2026-01-01");
    }
}
