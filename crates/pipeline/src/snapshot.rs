//! Snapshots of the open pipeline and the changes between one and the pipeline now.
//!
//! A weekly report saves the open deals as they stand (stage, amount, close date, forecast
//! category, owner, win probability); next week's report compares the pipeline with it, so
//! "new, advanced, slipped, pushed, won, lost" are exact rather than guessed from whatever
//! history a CRM export kept. For a company starting with roomwork, past weeks can be
//! reconstructed from the stage and field history ([`reconstruct`]): their probabilities come
//! from the stage prior as it stood that day, so a forecast measured on them learned nothing
//! from the period it is measured on.

use chrono::NaiveDate;
use roomwork_domain::{DealSnapshot, Money, OpportunityId, Stage};
use serde::Serialize;

use crate::frame::{DealState, Frame};
use crate::score::{DealModel, StagePrior};

fn snap(f: &Frame<'_>, i: usize, s: &DealState, probability: f64) -> DealSnapshot {
    let o = &f.deals[i];
    DealSnapshot {
        opportunity_id: o.id,
        owner: o.owner,
        stage: s
            .stage
            .map(|k| Stage::parse(&f.stages.get(k).name).expect("stage names are valid"))
            .unwrap_or_else(|| o.stage.clone()),
        amount: s.amount,
        close_date: s.close_date,
        forecast_category: s.category,
        probability: probability.clamp(0.0, 1.0),
    }
}

/// Today's open deals `open` with their probabilities (same order).
pub fn take(f: &Frame<'_>, open: &[usize], probabilities: &[f64]) -> Vec<DealSnapshot> {
    open.iter()
        .zip(probabilities)
        .map(|(&i, &p)| snap(f, i, &f.state_now(i), p))
        .collect()
}

/// The deals open at the end of `day`, rebuilt from their history, with the stage prior
/// fitted on the deals closed before `day`.
pub fn reconstruct(f: &Frame<'_>, day: NaiveDate) -> Vec<DealSnapshot> {
    let prior = StagePrior::fit(f, Some(day));
    let open = open_on(f, day);
    let p: Vec<f64> = open
        .iter()
        .map(|(_, s)| prior.probability(s.stage))
        .collect();
    build(f, &open, &p)
}

/// The deals open at the end of `day`, rebuilt, scored by `model` as they stood then. The
/// caller gives a model that learned only from deals closed before `day`
/// ([`DealModel::train_before`]), so the snapshot knows nothing of later outcomes.
pub fn reconstruct_with(f: &Frame<'_>, day: NaiveDate, model: &DealModel) -> Vec<DealSnapshot> {
    let open = open_on(f, day);
    let idx: Vec<usize> = open.iter().map(|(i, _)| *i).collect();
    let p = model.probabilities_at(f, &idx, day);
    build(f, &open, &p)
}

fn open_on(f: &Frame<'_>, day: NaiveDate) -> Vec<(usize, DealState)> {
    (0..f.len())
        .filter_map(|i| {
            let s = f.state_at(i, day)?;
            (!s.stage.is_some_and(|k| f.stages.is_closed(k))).then_some((i, s))
        })
        .collect()
}

fn build(f: &Frame<'_>, open: &[(usize, DealState)], p: &[f64]) -> Vec<DealSnapshot> {
    open.iter()
        .zip(p)
        .map(|((i, s), p)| snap(f, *i, s, *p))
        .collect()
}

/// What happened to a deal since the last snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Won.
    Won,
    /// Lost.
    Lost,
    /// New in the pipeline.
    New,
    /// Moved to a later stage.
    Advanced,
    /// Moved to an earlier stage.
    MovedBack,
    /// Fell due since the last snapshot and is still open.
    Slipped,
    /// Close date moved later.
    Pushed,
    /// Close date moved earlier.
    PulledIn,
    /// Amount up.
    AmountUp,
    /// Amount down.
    AmountDown,
    /// In the last snapshot, no longer in the store.
    Removed,
}

impl ChangeKind {
    /// The word the report uses.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Won => "won",
            ChangeKind::Lost => "lost",
            ChangeKind::New => "new",
            ChangeKind::Advanced => "advanced",
            ChangeKind::MovedBack => "moved back",
            ChangeKind::Slipped => "slipped",
            ChangeKind::Pushed => "pushed",
            ChangeKind::PulledIn => "pulled in",
            ChangeKind::AmountUp => "amount up",
            ChangeKind::AmountDown => "amount down",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The deal.
    pub opportunity_id: OpportunityId,
    /// Its index in the frame (`None` for a removed deal).
    #[serde(skip)]
    pub index: Option<usize>,
    /// Before and after, in words.
    pub detail: String,
}

fn day(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "no date".into(), |d| d.format("%-d %b %Y").to_string())
}

fn money(m: Option<Money>) -> String {
    m.map_or_else(|| "no amount".into(), |m| m.to_string())
}

/// The changes from the snapshot `before` (taken on `since`) to the pipeline in `f` today:
/// every deal in the snapshot or open now, compared field by field. A deal created and
/// closed between the two is new and won (or lost).
pub fn changes(
    f: &Frame<'_>,
    before: &[DealSnapshot],
    since: NaiveDate,
    today: NaiveDate,
) -> Vec<Change> {
    let mut out = Vec::new();
    let mut seen = vec![false; f.len()];
    for b in before {
        let Some(i) = f.index(b.opportunity_id) else {
            out.push(Change {
                kind: ChangeKind::Removed,
                opportunity_id: b.opportunity_id,
                index: None,
                detail: format!("was in {} at {}", b.stage, money(b.amount)),
            });
            continue;
        };
        seen[i] = true;
        let mut push = |kind, detail: String| {
            out.push(Change {
                kind,
                opportunity_id: b.opportunity_id,
                index: Some(i),
                detail,
            })
        };
        if let Some((on, won)) = f.closed(i) {
            let kind = if won {
                ChangeKind::Won
            } else {
                ChangeKind::Lost
            };
            push(
                kind,
                format!(
                    "{} on {}, {}",
                    f.deals[i].stage,
                    day(Some(on)),
                    money(f.deals[i].amount)
                ),
            );
            continue;
        }
        let now = f.state_now(i);
        let was = f.stages.find(b.stage.as_str());
        match (was, now.stage) {
            (Some(a), Some(c)) if c > a => push(
                ChangeKind::Advanced,
                format!("{} → {}", b.stage, f.stages.get(c).name),
            ),
            (Some(a), Some(c)) if c < a => push(
                ChangeKind::MovedBack,
                format!("{} → {}", b.stage, f.stages.get(c).name),
            ),
            _ => {}
        }
        // Fell due since the snapshot (not today: today is not yet past) and is still open;
        // a deal already overdue then slipped in an earlier week.
        if b.close_date.is_some_and(|c| c >= since && c < today) {
            push(
                ChangeKind::Slipped,
                format!(
                    "was due {}, still open (now {})",
                    day(b.close_date),
                    day(now.close_date)
                ),
            );
        }
        match (b.close_date, now.close_date) {
            (Some(a), Some(c)) if c > a => push(
                ChangeKind::Pushed,
                format!("{} → {}", day(Some(a)), day(Some(c))),
            ),
            (Some(a), Some(c)) if c < a => push(
                ChangeKind::PulledIn,
                format!("{} → {}", day(Some(a)), day(Some(c))),
            ),
            _ => {}
        }
        match (b.amount, now.amount) {
            (Some(a), Some(c)) if a.currency() == c.currency() && c.minor() > a.minor() => {
                push(ChangeKind::AmountUp, format!("{a} → {c}"))
            }
            (Some(a), Some(c)) if a.currency() == c.currency() && c.minor() < a.minor() => {
                push(ChangeKind::AmountDown, format!("{a} → {c}"))
            }
            _ => {}
        }
    }
    for (i, o) in f.deals.iter().enumerate() {
        if seen[i] || o.created_on > today {
            continue;
        }
        // Not in the last snapshot: new if it was created since, or if it is open and was
        // missing from it (imported since); a deal that closed unseen is not reported.
        let closed = f.closed(i);
        let created_since = o.created_on > since;
        if !created_since && closed.is_some() {
            continue;
        }
        let mut push = |kind, detail: String| {
            out.push(Change {
                kind,
                opportunity_id: o.id,
                index: Some(i),
                detail,
            })
        };
        push(ChangeKind::New, format!("{}, {}", o.stage, money(o.amount)));
        if let Some((on, won)) = closed.filter(|(on, _)| *on > since) {
            let kind = if won {
                ChangeKind::Won
            } else {
                ChangeKind::Lost
            };
            push(kind, format!("{} on {}", o.stage, day(Some(on))));
        }
    }
    out.sort_by_key(|c| (c.kind, c.index));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::tests::{d, deal, stages};
    use roomwork_domain::{Currency, DealFieldChange, FieldEdit};

    #[test]
    fn changes_against_last_weeks_snapshot_are_exact() {
        let st = stages();
        let mut moved = deal(
            "moved",
            &[("Qualification", "2026-01-01"), ("Proposal", "2026-03-04")],
            "2026-04-30",
            100,
        );
        moved.amount = Some(Money::from_major(80, Currency::USD));
        let won = deal(
            "won",
            &[("Negotiation", "2026-01-01"), ("Closed Won", "2026-03-05")],
            "2026-03-05",
            50,
        );
        let slipped = deal(
            "slipped",
            &[("Negotiation", "2026-01-01")],
            "2026-03-31",
            70,
        );
        let fresh = deal("fresh", &[("Prospecting", "2026-03-03")], "2026-06-30", 10);
        let quiet = deal("quiet", &[("Proposal", "2026-01-01")], "2026-06-30", 10);
        let deals = vec![moved, won, slipped, fresh, quiet];
        let edits = vec![FieldEdit {
            opportunity_id: deals[2].id,
            changed_on: d("2026-03-06"),
            change: DealFieldChange::CloseDate {
                from: Some(d("2026-03-06")),
                to: Some(d("2026-03-31")),
            },
        }];
        let f = Frame::build(&st, &deals, &[], &edits);
        // Last week's snapshot, rebuilt for 1 March.
        let before = reconstruct(&f, d("2026-03-01"));
        assert_eq!(before.len(), 4, "fresh did not exist yet");
        let slipped_then = before
            .iter()
            .find(|s| s.opportunity_id == deals[2].id)
            .unwrap();
        assert_eq!(slipped_then.close_date, Some(d("2026-03-06")));
        let c = changes(&f, &before, d("2026-03-01"), d("2026-03-08"));
        let kinds: Vec<(ChangeKind, &str)> = c
            .iter()
            .map(|x| (x.kind, deals[x.index.unwrap()].name.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (ChangeKind::Won, "won"),
                (ChangeKind::New, "fresh"),
                (ChangeKind::Advanced, "moved"),
                (ChangeKind::Slipped, "slipped"),
                (ChangeKind::Pushed, "slipped"),
            ],
            "{c:?}"
        );
        // The amount is not in the field history here, so last week's snapshot has today's.
        assert!(!kinds.iter().any(|k| k.0 == ChangeKind::AmountDown));
        // With a snapshot that recorded the old amount, the cut shows.
        let mut with_amount = before.clone();
        with_amount[0].amount = Some(Money::from_major(100, Currency::USD));
        let c = changes(&f, &with_amount, d("2026-03-01"), d("2026-03-08"));
        assert!(
            c.iter()
                .any(|x| x.kind == ChangeKind::AmountDown && x.detail.contains("$100.00 → $80.00"))
        );
    }

    #[test]
    fn a_deal_gone_from_the_store_is_reported_removed() {
        let st = stages();
        let gone = deal("gone", &[("Proposal", "2026-01-01")], "2026-06-30", 10);
        let before = {
            let deals = vec![gone.clone()];
            let f = Frame::build(&st, &deals, &[], &[]);
            reconstruct(&f, d("2026-02-01"))
        };
        let none: Vec<_> = Vec::new();
        let f = Frame::build(&st, &none, &[], &[]);
        let c = changes(&f, &before, d("2026-02-01"), d("2026-02-08"));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, ChangeKind::Removed);
    }
}
