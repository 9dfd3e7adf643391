//! How deals behave on their way to being won or lost, so that the pipeline's risk signals,
//! deal score and forecast have something real to find: deals that will be lost go quiet
//! before they close, stop getting answers, lean on one person and have their close dates
//! pushed; deals that will be won keep meeting and get their next meeting booked. Reps call
//! their numbers in their own way: some sandbag (commit late), some over-call (commit early,
//! win half), most call it straight.
//!
//! Everything here draws from its own random stream, so that adding it changed no record the
//! generator made before it (names, amounts, notes, transcripts).

use chrono::{Duration, NaiveDate};
use roomwork_domain::{
    Currency, DealFieldChange, FieldEdit, ForecastCategory, Money, Opportunity, StageChange,
};

use crate::rng::Rng;

/// How a rep calls their forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Commits only days before the PO arrives: wins more than called.
    Sandbagger,
    /// Commits at proposal: wins about half of what is called.
    OverCaller,
    /// Commits at negotiation when the deal is real.
    Accurate,
}

/// The style of rep number `k` (one in five of each kind; the rest accurate).
pub fn style(k: usize) -> Style {
    match k % 5 {
        0 => Style::Sandbagger,
        1 => Style::OverCaller,
        _ => Style::Accurate,
    }
}

/// What the activity generator needs to know of a deal.
#[derive(Clone, Copy, Debug)]
pub struct Story {
    /// Heading for a loss (closed lost, or open and going that way).
    pub fading: bool,
    /// Still open.
    pub open: bool,
    /// The deal's last active day.
    pub end: NaiveDate,
    /// Days of silence before `end` for a fading deal.
    pub gap: i64,
}

/// Whether an open deal is heading for a loss, from its stalls and slips.
pub fn open_fate(rng: &mut Rng, stalled: bool, slipping: bool) -> bool {
    let p = if stalled {
        0.75
    } else if slipping {
        0.65
    } else {
        0.3
    };
    rng.chance(p)
}

/// An open deal's forecast category as its rep would set it today.
pub fn category_now(
    style: Style,
    stage: &str,
    drawn: ForecastCategory,
    close: NaiveDate,
    today: NaiveDate,
) -> ForecastCategory {
    match (style, stage) {
        (Style::OverCaller, "Proposal" | "Negotiation") => ForecastCategory::Commit,
        (Style::Sandbagger, "Negotiation") if (close - today).num_days() > 5 => {
            ForecastCategory::BestCase
        }
        _ => drawn,
    }
}

fn entered(history: &[StageChange], stage: &str) -> Option<NaiveDate> {
    history
        .iter()
        .find(|c| c.stage.as_str() == stage)
        .map(|c| c.entered_on)
}

/// The deal's field history: close-date pushes, an amount cut, and its forecast category
/// over time, ending at the deal's current values. `won`: `Some` for a closed deal.
#[allow(clippy::too_many_arguments)]
pub fn history(
    rng: &mut Rng,
    o: &Opportunity,
    won: Option<bool>,
    fading: bool,
    style: Style,
    today: NaiveDate,
    end: NaiveDate,
) -> Vec<FieldEdit> {
    let mut out = Vec::new();
    let mut edit = |on: NaiveDate, change| {
        out.push(FieldEdit {
            opportunity_id: o.id,
            changed_on: on,
            change,
        })
    };
    let created = o.created_on;
    let last_day = end.min(today);
    // Close-date pushes, dated around the day each earlier date arrived.
    if let Some(final_close) = o.close_date {
        let weights: &[f64] = if fading {
            &[0.3, 0.3, 0.22, 0.18]
        } else {
            &[0.65, 0.25, 0.1, 0.0]
        };
        let pushes = rng.weighted(weights);
        let mut dates = vec![final_close];
        for _ in 0..pushes {
            let earlier = *dates.last().expect("one date") - Duration::days(rng.range(14, 45));
            if earlier < created + Duration::days(10) {
                break;
            }
            dates.push(earlier);
        }
        dates.reverse();
        let mut last_push = created;
        for w in dates.windows(2) {
            let on = (w[0] + Duration::days(rng.range(-5, 3))).min(last_day - Duration::days(1));
            if on <= last_push || on >= w[1] {
                continue;
            }
            edit(
                on,
                DealFieldChange::CloseDate {
                    from: Some(w[0]),
                    to: Some(w[1]),
                },
            );
            last_push = on;
        }
    }
    // An amount cut: procurement pushed back or the scope shrank.
    if let Some(amount) = o.amount
        && rng.chance(if fading { 0.2 } else { 0.05 })
        && (last_day - created).num_days() > 14
    {
        let cut = 10 + rng.range(0, 31);
        let before = ((amount.minor() * 100 / (100 - cut)) / 5_000) * 5_000;
        let on = created + Duration::days(rng.range(7, (last_day - created).num_days()));
        if before > amount.minor() {
            edit(
                on,
                DealFieldChange::Amount {
                    from: Some(Money::from_minor(before, Currency::USD)),
                    to: Some(amount),
                },
            );
        }
    }
    // Forecast category: pipeline at creation, then as the rep calls it.
    let proposal = entered(&o.stage_history, "Proposal");
    let negotiation = entered(&o.stage_history, "Negotiation");
    let mut category = ForecastCategory::Pipeline;
    let mut since = created;
    // Each change on or after the one before it, so that the chain survives sorting by day.
    let mut set = |on: NaiveDate, to: ForecastCategory, category: &mut ForecastCategory| {
        if to != *category {
            let on = on.max(since);
            edit(
                on,
                DealFieldChange::ForecastCategory {
                    from: Some(*category),
                    to: Some(to),
                },
            );
            *category = to;
            since = on;
        }
    };
    match won {
        Some(won) => {
            let close = o.close_date.unwrap_or(end);
            match style {
                Style::OverCaller => {
                    if let Some(d) = proposal.or(negotiation) {
                        set(d, ForecastCategory::Commit, &mut category);
                    }
                }
                Style::Sandbagger => {
                    if let Some(d) = negotiation.or(proposal) {
                        set(d, ForecastCategory::BestCase, &mut category);
                    }
                    if won {
                        let late = (close - Duration::days(rng.range(1, 5))).max(created);
                        set(late, ForecastCategory::Commit, &mut category);
                    }
                }
                Style::Accurate => {
                    if let Some(d) = proposal {
                        set(d, ForecastCategory::BestCase, &mut category);
                    }
                    if let Some(d) = negotiation
                        && rng.chance(if won { 0.85 } else { 0.3 })
                    {
                        set(d, ForecastCategory::Commit, &mut category);
                    }
                }
            }
            let last = if won {
                ForecastCategory::Closed
            } else {
                ForecastCategory::Omitted
            };
            set(close.max(created), last, &mut category);
        }
        None => {
            let now = o.forecast_category.unwrap_or(ForecastCategory::Pipeline);
            let on = match now {
                ForecastCategory::Commit => negotiation.or(proposal),
                _ => proposal.or(negotiation),
            }
            .unwrap_or(created);
            set(on, now, &mut category);
        }
    }
    // Edits in day order (the store keeps them so; the pipeline reads them so).
    out.sort_by_key(|e| e.changed_on);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use roomwork_domain::{OpportunityId, Stage};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn deal(category: ForecastCategory, stages: &[(&str, &str)], close: &str) -> Opportunity {
        Opportunity {
            id: OpportunityId::new(),
            ext_key: None,
            name: "x".into(),
            account_id: None,
            owner: None,
            stage: Stage::parse(stages.last().unwrap().0).unwrap(),
            amount: Some(Money::from_major(50_000, Currency::USD)),
            close_date: Some(d(close)),
            next_step: None,
            next_step_date: None,
            created_on: d(stages[0].1),
            forecast_category: Some(category),
            stage_history: stages
                .iter()
                .map(|(s, on)| StageChange {
                    stage: Stage::parse(s).unwrap(),
                    entered_on: d(on),
                })
                .collect(),
        }
    }

    /// Replaying a deal's history backwards from its current values must reach a consistent
    /// start: every edit's "from" is the previous edit's "to" for the same field.
    #[test]
    fn every_history_chains_and_ends_at_the_deals_current_values() {
        for seed in 0..200 {
            let mut rng = Rng::new(seed);
            let won = seed % 3 == 0;
            let o = deal(
                if won {
                    ForecastCategory::Closed
                } else {
                    ForecastCategory::Omitted
                },
                &[
                    ("Prospecting", "2025-01-01"),
                    ("Proposal", "2025-03-01"),
                    ("Negotiation", "2025-04-01"),
                    (if won { "Closed Won" } else { "Closed Lost" }, "2025-06-30"),
                ],
                "2025-06-30",
            );
            let edits = history(
                &mut rng,
                &o,
                Some(won),
                !won,
                style(seed as usize),
                d("2026-01-01"),
                d("2025-06-30"),
            );
            let mut close = None;
            let mut cat = Some(ForecastCategory::Pipeline);
            let mut amount: Option<Option<Money>> = None;
            for e in &edits {
                assert!(
                    e.changed_on >= o.created_on && e.changed_on <= d("2025-06-30"),
                    "{e:?}"
                );
                match e.change {
                    DealFieldChange::CloseDate { from, to } => {
                        if let Some(c) = close {
                            assert_eq!(from, c);
                        }
                        assert!(to > from);
                        close = Some(to);
                    }
                    DealFieldChange::ForecastCategory { from, to } => {
                        assert_eq!(from, cat, "{edits:?}");
                        cat = to;
                    }
                    DealFieldChange::Amount { from, to } => {
                        assert!(amount.is_none());
                        assert!(from.unwrap().minor() > to.unwrap().minor());
                        amount = Some(to);
                    }
                }
            }
            assert_eq!(cat, o.forecast_category);
            if let Some(c) = close {
                assert_eq!(c, o.close_date);
            }
            assert!(edits.windows(2).all(|w| w[0].changed_on <= w[1].changed_on));
        }
    }
}
