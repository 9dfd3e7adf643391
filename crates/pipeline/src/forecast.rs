//! The forecast for a period (a month or a quarter): the roll-up by forecast category per rep
//! and for the team, the AI forecast (won so far plus the sum of calibrated win probabilities
//! times amounts of the open deals expected to close in the period, with an interval from
//! simulating the outcomes), each rep's historical bias measured from past snapshots, the
//! managers' overrides, and the accuracy of every kind of forecast once a period has closed.
//!
//! Money is summed in integer minor units of one currency (the most common among the deals);
//! deals in another currency are counted and left out, never converted at a guessed rate.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use roomwork_domain::{Currency, DealSnapshot, ForecastCategory, RepId};
use serde::Serialize;

use crate::frame::Frame;

/// A forecast period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Period {
    /// A calendar month.
    Month {
        /// Year.
        year: i32,
        /// 1..=12.
        month: u32,
    },
    /// A calendar quarter.
    Quarter {
        /// Year.
        year: i32,
        /// 1..=4.
        quarter: u32,
    },
}

impl Period {
    /// Parses `2026-12` or `2026-Q4`.
    pub fn parse(s: &str) -> Result<Period, String> {
        let bad = || format!("period {s:?}: write a month as 2026-12 or a quarter as 2026-Q4");
        let (y, rest) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        if !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let quarter: u32 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&quarter) {
                return Err(bad());
            }
            return Ok(Period::Quarter { year, quarter });
        }
        let month: u32 = rest.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Period::Month { year, month })
    }

    /// The month containing `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        Period::Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The quarter containing `day`.
    pub fn quarter_of(day: NaiveDate) -> Period {
        Period::Quarter {
            year: day.year(),
            quarter: (day.month() - 1) / 3 + 1,
        }
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        let (y, m) = match *self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, quarter * 3 - 2),
        };
        NaiveDate::from_ymd_opt(y, m, 1).expect("valid month")
    }

    /// Last day.
    pub fn end(&self) -> NaiveDate {
        self.next().start() - Duration::days(1)
    }

    /// The period after this one.
    pub fn next(&self) -> Period {
        match *self {
            Period::Month { year, month: 12 } => Period::Month {
                year: year + 1,
                month: 1,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month + 1,
            },
            Period::Quarter { year, quarter: 4 } => Period::Quarter {
                year: year + 1,
                quarter: 1,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter + 1,
            },
        }
    }

    /// The period before this one.
    pub fn previous(&self) -> Period {
        match *self {
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
        }
    }

    /// True when `day` falls in the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        day >= self.start() && day <= self.end()
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
        }
    }
}

/// An interval for the AI forecast.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Won so far plus the expected value of the open deals.
    pub expected: i64,
    /// 10th percentile of the simulated outcomes.
    pub p10: i64,
    /// Median.
    pub p50: i64,
    /// 90th percentile.
    pub p90: i64,
    /// How the interval was found.
    pub method: String,
}

/// A rep's record of calling their number.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bias {
    /// Closed periods measured.
    pub periods: usize,
    /// What the rep called (won so far + commit, at the first snapshot of each period).
    pub called: i64,
    /// What they won in those periods.
    pub won: i64,
    /// Won over called: what the call is multiplied by to predict what is won.
    pub factor: f64,
    /// The factor over the team's: a call at the start of a period misses deals created or
    /// advanced during it, so every rep's factor is above 1 on a growing team; compared with
    /// the team's, the rep's own habit shows. `None` for the team, and while fewer than three
    /// reps are measured.
    pub relative: Option<f64>,
    /// `sandbagging` (above 1.1), `over-calling` (below 0.9) or `accurate`, read from the
    /// relative factor when there is one, else from the factor.
    pub tendency: &'static str,
}

/// A manager's override as the forecast shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Override {
    /// `None` for the team.
    pub rep: Option<RepId>,
    /// The amount called, minor units.
    pub amount: i64,
    /// Who.
    pub by: String,
    /// Why.
    pub reason: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One line of the roll-up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    /// The rep, `None` for the team.
    pub rep: Option<RepId>,
    /// Won in the period so far.
    pub closed: i64,
    /// Open deals in Commit closing in the period.
    pub commit: i64,
    /// Open deals in Best case.
    pub best_case: i64,
    /// Open deals in Pipeline (and without a category).
    pub pipeline: i64,
    /// Open deals closing in the period.
    pub open_deals: usize,
    /// The AI forecast.
    pub ai: Interval,
    /// The rep's bias, when enough closed periods were measured.
    pub bias: Option<Bias>,
    /// The call (won + commit) times the rep's bias factor.
    pub adjusted_call: Option<i64>,
    /// The latest override for this line.
    pub overridden: Option<Override>,
}

impl Line {
    /// Won so far plus commit: what the rep calls.
    pub fn call(&self) -> i64 {
        self.closed + self.commit
    }
}

/// The forecast.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forecast {
    /// The period.
    pub period: Period,
    /// The day it was made.
    pub today: NaiveDate,
    /// Currency of every amount.
    pub currency: Currency,
    /// The team.
    pub team: Line,
    /// Each rep with deals in the period, by name order of the caller's choosing.
    pub reps: Vec<Line>,
    /// Open deals in another currency, left out.
    pub other_currency: usize,
    /// Open deals whose close date is before the period (and before today): not counted.
    pub overdue_not_counted: usize,
    /// The in-period rate applied to the win probabilities, and the periods it was measured
    /// on (`None`: no history, probabilities used as they are).
    pub in_period: Option<(f64, usize)>,
}

/// A deterministic generator for the simulation (SplitMix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Simulations for the interval.
pub const SIMULATIONS: usize = 10_000;
/// Above this many open deals the interval comes from the normal approximation (the sum of
/// many independent outcomes), which matches the simulation there and is instant.
pub const SIMULATE_UP_TO: usize = 5_000;

/// The AI forecast of `closed` plus open deals `(probability, amount)`.
pub fn interval(closed: i64, deals: &[(f64, i64)]) -> Interval {
    let expected = closed
        + deals
            .iter()
            .map(|(p, a)| p * *a as f64)
            .sum::<f64>()
            .round() as i64;
    if deals.is_empty() {
        return Interval {
            expected,
            p10: closed,
            p50: closed,
            p90: closed,
            method: "no open deals".into(),
        };
    }
    if deals.len() > SIMULATE_UP_TO {
        let var: f64 = deals
            .iter()
            .map(|(p, a)| p * (1.0 - p) * (*a as f64).powi(2))
            .sum();
        let sd = var.sqrt();
        let at = |z: f64| (expected as f64 + z * sd).max(closed as f64).round() as i64;
        return Interval {
            expected,
            p10: at(-1.281_551_6),
            p50: expected,
            p90: at(1.281_551_6),
            method: format!("normal approximation over {} deals", deals.len()),
        };
    }
    let mut rng = Mix(0x5eed_f00d ^ deals.len() as u64);
    let mut outcomes: Vec<i64> = (0..SIMULATIONS)
        .map(|_| {
            closed
                + deals
                    .iter()
                    .filter_map(|(p, a)| (rng.next() < *p).then_some(*a))
                    .sum::<i64>()
        })
        .collect();
    outcomes.sort_unstable();
    let q = |x: f64| outcomes[((SIMULATIONS - 1) as f64 * x).round() as usize];
    Interval {
        expected,
        p10: q(0.1),
        p50: q(0.5),
        p90: q(0.9),
        method: format!("{SIMULATIONS} simulated outcomes of {} deals", deals.len()),
    }
}

fn minor_in(m: Option<roomwork_domain::Money>, currency: Currency) -> Option<i64> {
    m.filter(|m| m.currency() == currency).map(|m| m.minor())
}

/// The currency most open and recently closed deals are in.
pub fn main_currency(f: &Frame<'_>) -> Currency {
    let mut counts: HashMap<Currency, usize> = HashMap::new();
    for o in f.deals {
        if let Some(m) = o.amount {
            *counts.entry(m.currency()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(c, n)| (*n, std::cmp::Reverse(c.code().to_string())))
        .map_or(Currency::USD, |(c, _)| c)
}

/// Won amount in `period` up to and including `until`, per owner (`None` key: the team).
fn won_in(
    f: &Frame<'_>,
    period: Period,
    until: NaiveDate,
    currency: Currency,
) -> HashMap<Option<RepId>, i64> {
    let mut out: HashMap<Option<RepId>, i64> = HashMap::new();
    for i in 0..f.len() {
        if let Some((on, true)) = f.closed(i)
            && period.contains(on)
            && on <= until
            && let Some(a) = minor_in(f.deals[i].amount, currency)
        {
            *out.entry(f.deals[i].owner).or_default() += a;
            *out.entry(None).or_default() += a;
        }
    }
    out
}

/// Builds the forecast for `period` on `today` from the open deals `open` with their
/// probabilities, the past `snapshots` (for bias), and the overrides for this period.
pub fn build(
    f: &Frame<'_>,
    open: &[(usize, f64)],
    period: Period,
    today: NaiveDate,
    snapshots: &[(NaiveDate, Vec<DealSnapshot>)],
    overrides: &[Override],
) -> Forecast {
    let currency = main_currency(f);
    let won = won_in(f, period, today, currency);
    let in_period = in_period_rate(f, snapshots, period, today);
    let rate = in_period.map_or(1.0, |r| r.0);
    #[derive(Default)]
    struct Acc {
        commit: i64,
        best: i64,
        pipeline: i64,
        deals: Vec<(f64, i64)>,
    }
    let mut acc: BTreeMap<Option<RepId>, Acc> = BTreeMap::new();
    let (mut other_currency, mut overdue) = (0, 0);
    for &(i, p) in open {
        let o = &f.deals[i];
        let Some(close) = o.close_date else { continue };
        if close < period.start() {
            if close < today {
                overdue += 1;
            }
            continue;
        }
        if !period.contains(close) {
            continue;
        }
        let Some(a) = minor_in(o.amount, currency) else {
            if o.amount.is_some() {
                other_currency += 1;
            }
            continue;
        };
        for key in [o.owner.map(Some), Some(None)].into_iter().flatten() {
            let e = acc.entry(key).or_default();
            match o.forecast_category {
                Some(ForecastCategory::Commit) => e.commit += a,
                Some(ForecastCategory::BestCase) => e.best += a,
                _ => e.pipeline += a,
            }
            e.deals.push((p * rate, a));
        }
    }
    let biases = bias(f, snapshots, period, today, currency);
    for k in won.keys().chain(biases.keys()) {
        acc.entry(*k).or_default();
    }
    acc.entry(None).or_default();
    let latest_override = |rep: Option<RepId>| {
        overrides
            .iter()
            .filter(|o| o.rep == rep)
            .max_by_key(|o| o.at)
            .cloned()
    };
    let line = |rep: Option<RepId>, a: &Acc| {
        let closed = won.get(&rep).copied().unwrap_or(0);
        let bias = biases.get(&rep).cloned();
        let adjusted_call = bias
            .as_ref()
            .map(|b| ((closed + a.commit) as f64 * b.factor).round() as i64);
        Line {
            rep,
            closed,
            commit: a.commit,
            best_case: a.best,
            pipeline: a.pipeline,
            open_deals: a.deals.len(),
            ai: interval(closed, &a.deals),
            bias,
            adjusted_call,
            overridden: latest_override(rep),
        }
    };
    let team = line(None, &acc[&None]);
    let reps = acc
        .iter()
        .filter(|(k, _)| k.is_some())
        .map(|(k, a)| line(*k, a))
        .collect();
    Forecast {
        period,
        today,
        currency,
        team,
        reps,
        other_currency,
        overdue_not_counted: overdue,
        in_period,
    }
}

/// The first snapshot taken within the first seven days of `period`.
fn opening_snapshot(
    snapshots: &[(NaiveDate, Vec<DealSnapshot>)],
    period: Period,
) -> Option<&(NaiveDate, Vec<DealSnapshot>)> {
    snapshots
        .iter()
        .filter(|(d, _)| *d >= period.start() && *d < period.start() + Duration::days(7))
        .min_by_key(|(d, _)| *d)
}

/// What the opening snapshot of `period` called, per owner (and `None` for the team):
/// `call` (won so far + commit closing in the period), `upside` (+ best case), won so far,
/// and the sum of probability × amount of the open deals due in the period.
#[derive(Clone, Copy, Default)]
struct Called {
    call: i64,
    upside: i64,
    won_before: i64,
    expected_open: f64,
}

fn called_at(
    f: &Frame<'_>,
    snap: &(NaiveDate, Vec<DealSnapshot>),
    period: Period,
    currency: Currency,
) -> HashMap<Option<RepId>, Called> {
    let won_before = won_in(f, period, snap.0 - Duration::days(1), currency);
    let mut out: HashMap<Option<RepId>, Called> = HashMap::new();
    for (k, v) in &won_before {
        let e = out.entry(*k).or_default();
        e.call += v;
        e.upside += v;
        e.won_before += v;
    }
    for d in &snap.1 {
        if !d.close_date.is_some_and(|c| period.contains(c)) {
            continue;
        }
        let Some(a) = minor_in(d.amount, currency) else {
            continue;
        };
        for key in [d.owner.map(Some), Some(None)].into_iter().flatten() {
            let e = out.entry(key).or_default();
            if d.forecast_category == Some(ForecastCategory::Commit) {
                e.call += a;
            }
            if matches!(
                d.forecast_category,
                Some(ForecastCategory::Commit | ForecastCategory::BestCase)
            ) {
                e.upside += a;
            }
            e.expected_open += d.probability * a as f64;
        }
    }
    out
}

/// How much of an expected win lands in the period it is due in: over the closed periods
/// that ended before `before` and have an opening snapshot, of the deals due in the period
/// that were won (by `before`), the share of value won within the period. `None` without
/// such history. The AI forecast multiplies the win probabilities by it, because a deal
/// that will be won is not always won on time.
pub fn in_period_rate(
    f: &Frame<'_>,
    snapshots: &[(NaiveDate, Vec<DealSnapshot>)],
    like: Period,
    before: NaiveDate,
) -> Option<(f64, usize)> {
    let currency = main_currency(f);
    let mut p = match like {
        Period::Month { .. } => Period::month_of(before),
        Period::Quarter { .. } => Period::quarter_of(before),
    }
    .previous();
    let (mut won_all, mut won_in_period, mut periods) = (0i64, 0i64, 0usize);
    for _ in 0..24 {
        if let Some(snap) = opening_snapshot(snapshots, p) {
            let mut any = false;
            for d in snap
                .1
                .iter()
                .filter(|d| d.close_date.is_some_and(|c| p.contains(c)))
            {
                let Some(i) = f.index(d.opportunity_id) else {
                    continue;
                };
                let Some(a) = minor_in(d.amount, currency) else {
                    continue;
                };
                if let Some((on, true)) = f.closed(i)
                    && on < before
                {
                    won_all += a;
                    any = true;
                    if p.contains(on) {
                        won_in_period += a;
                    }
                }
            }
            periods += usize::from(any);
        }
        p = p.previous();
    }
    (won_all > 0).then(|| (won_in_period as f64 / won_all as f64, periods))
}

/// Each owner's (and the team's) bias over the closed periods before `current` that have an
/// opening snapshot. Needs two periods with a call.
fn bias(
    f: &Frame<'_>,
    snapshots: &[(NaiveDate, Vec<DealSnapshot>)],
    current: Period,
    today: NaiveDate,
    currency: Currency,
) -> HashMap<Option<RepId>, Bias> {
    let mut sums: HashMap<Option<RepId>, (usize, i64, i64)> = HashMap::new();
    let mut p = current.previous();
    for _ in 0..24 {
        if p.end() >= today {
            p = p.previous();
            continue;
        }
        if let Some(snap) = opening_snapshot(snapshots, p) {
            let called = called_at(f, snap, p, currency);
            let won = won_in(f, p, p.end(), currency);
            let mut keys: Vec<Option<RepId>> = called.keys().copied().collect();
            keys.extend(won.keys().copied());
            keys.sort();
            keys.dedup();
            for k in keys {
                // A period counts when the rep called something or won something: a rep who
                // commits nothing and wins is the strongest sandbagger, not unmeasured.
                let c = called.get(&k).map_or(0, |x| x.call);
                let w = won.get(&k).copied().unwrap_or(0);
                if c == 0 && w == 0 {
                    continue;
                }
                let e = sums.entry(k).or_default();
                e.0 += 1;
                e.1 += c;
                e.2 += w;
            }
        }
        p = p.previous();
    }
    let factor = |(_, c, w): &(usize, i64, i64)| (*c > 0).then(|| *w as f64 / *c as f64);
    let team = sums.get(&None).and_then(factor);
    let measured = sums
        .iter()
        .filter(|(k, v)| k.is_some() && v.0 >= 2 && v.1 > 0)
        .count();
    let label = |x: f64| {
        if x > 1.1 {
            "sandbagging"
        } else if x < 0.9 {
            "over-calling"
        } else {
            "accurate"
        }
    };
    sums.iter()
        .filter(|(_, (n, c, _))| *n >= 2 && *c > 0)
        .map(|(k, v)| {
            let f = factor(v).expect("called > 0");
            let relative = match (k, team) {
                (Some(_), Some(t)) if measured >= 3 && t > 0.0 => Some(f / t),
                _ => None,
            };
            (
                *k,
                Bias {
                    periods: v.0,
                    called: v.1,
                    won: v.2,
                    factor: f,
                    relative,
                    tendency: label(relative.unwrap_or(f)),
                },
            )
        })
        .collect()
}

/// One closed period's forecasts against what was won.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Accuracy {
    /// The period.
    pub period: Period,
    /// The snapshot the forecasts were read from.
    pub snapshot: NaiveDate,
    /// Won in the period.
    pub actual: i64,
    /// Won so far + commit.
    pub call: i64,
    /// Won so far + commit + best case.
    pub upside: i64,
    /// Won so far + sum of probability × amount × the in-period rate known then.
    pub ai: i64,
    /// The latest team override made before the period ended.
    pub overridden: Option<i64>,
}

impl Accuracy {
    /// Error of a forecast as a share of the actual (positive: forecast too high).
    pub fn error(&self, forecast: i64) -> Option<f64> {
        (self.actual != 0).then(|| (forecast - self.actual) as f64 / self.actual as f64)
    }
}

/// Forecast accuracy for every closed period (month or quarter, like `kind`) before `today`
/// with an opening snapshot. `overrides`: (period, team override amount, made at).
pub fn accuracy(
    f: &Frame<'_>,
    snapshots: &[(NaiveDate, Vec<DealSnapshot>)],
    kind: Period,
    today: NaiveDate,
    overrides: &[(Period, i64, chrono::DateTime<chrono::Utc>)],
) -> Vec<Accuracy> {
    let currency = main_currency(f);
    let mut out = Vec::new();
    let here = match kind {
        Period::Month { .. } => Period::month_of(today),
        Period::Quarter { .. } => Period::quarter_of(today),
    };
    let mut p = here.previous();
    for _ in 0..36 {
        if let Some(snap) = opening_snapshot(snapshots, p) {
            let called = called_at(f, snap, p, currency);
            let c = called.get(&None).copied().unwrap_or_default();
            let rate = in_period_rate(f, snapshots, p, p.start()).map_or(1.0, |r| r.0);
            let ai = c.won_before + (c.expected_open * rate).round() as i64;
            let (call, upside) = (c.call, c.upside);
            let actual = won_in(f, p, p.end(), currency)
                .get(&None)
                .copied()
                .unwrap_or(0);
            let end = p
                .end()
                .and_hms_opt(23, 59, 59)
                .expect("valid time")
                .and_utc();
            let overridden = overrides
                .iter()
                .filter(|(q, _, at)| *q == p && *at <= end)
                .max_by_key(|(_, _, at)| *at)
                .map(|x| x.1);
            out.push(Accuracy {
                period: p,
                snapshot: snap.0,
                actual,
                call,
                upside,
                ai,
                overridden,
            });
        }
        p = p.previous();
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::tests::{d, deal, stages};
    use crate::snapshot::reconstruct;
    use roomwork_domain::{DealFieldChange, FieldEdit};

    #[test]
    fn periods_parse_and_know_their_days() {
        let m = Period::parse("2026-02").unwrap();
        assert_eq!((m.start(), m.end()), (d("2026-02-01"), d("2026-02-28")));
        let q = Period::parse("2026-q4").unwrap();
        assert_eq!((q.start(), q.end()), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(q.next().to_string(), "2027-Q1");
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert!(Period::parse("2026-13").is_err());
        assert!(
            Period::parse("300000-01").is_err(),
            "no panic on a far year"
        );
        assert!(Period::parse("Q4").unwrap_err().contains("2026-Q4"));
    }

    #[test]
    fn the_interval_brackets_the_expected_value_and_simulation_agrees_with_the_normal_approximation()
     {
        let deals: Vec<(f64, i64)> = (0..200)
            .map(|k| (0.3 + (k % 5) as f64 * 0.1, 1000 + k * 10))
            .collect();
        let i = interval(5_000, &deals);
        assert!(i.p10 < i.expected && i.expected < i.p90, "{i:?}");
        assert!((i.p50 - i.expected).abs() < (i.p90 - i.p10) / 10);
        // The same deals many times over: the normal approximation is used, and agrees.
        let many: Vec<(f64, i64)> = deals.iter().cycle().take(6_000).copied().collect();
        let n = interval(0, &many);
        assert!(n.method.contains("normal"));
        let sim_sd = {
            let few: Vec<(f64, i64)> = deals.iter().cycle().take(5_000).copied().collect();
            let s = interval(0, &few);
            (s.p90 - s.p10) as f64
        };
        let approx_sd = (n.p90 - n.p10) as f64 * (5_000f64 / 6_000.0).sqrt();
        assert!(
            (sim_sd / approx_sd - 1.0).abs() < 0.05,
            "{sim_sd} vs {approx_sd}"
        );
        assert_eq!(interval(7, &[]).p90, 7);
        // Certain deals: no spread.
        let sure = interval(0, &[(1.0, 100), (0.0, 50)]);
        assert_eq!((sure.p10, sure.p90), (100, 100));
    }

    /// A rep who commits every deal and wins half is an over-caller; the team's forecast
    /// accuracy is read from the snapshot at the start of each month.
    #[test]
    fn bias_and_accuracy_come_from_the_opening_snapshot_of_each_closed_period() {
        let st = stages();
        let rep = RepId::new();
        let mut deals = Vec::new();
        let mut edits = Vec::new();
        for month in ["01", "02", "03"] {
            for k in 0..4 {
                let won = k % 2 == 0;
                let end = if won { "Closed Won" } else { "Closed Lost" };
                let close = format!("2026-{month}-20");
                let mut o = deal(
                    &format!("{month}-{k}"),
                    &[("Negotiation", "2025-12-01"), (end, &close)],
                    &close,
                    1000,
                );
                o.owner = Some(rep);
                o.forecast_category = Some(if won {
                    ForecastCategory::Closed
                } else {
                    ForecastCategory::Omitted
                });
                edits.push(FieldEdit {
                    opportunity_id: o.id,
                    changed_on: d(&close),
                    change: DealFieldChange::ForecastCategory {
                        from: Some(ForecastCategory::Commit),
                        to: o.forecast_category,
                    },
                });
                deals.push(o);
            }
        }
        let f = Frame::build(&st, &deals, &[], &edits);
        let snapshots: Vec<(NaiveDate, Vec<DealSnapshot>)> =
            ["2026-01-02", "2026-02-02", "2026-03-02"]
                .iter()
                .map(|s| (d(s), reconstruct(&f, d(s))))
                .collect();
        assert!(
            snapshots[0]
                .1
                .iter()
                .all(|s| s.forecast_category == Some(ForecastCategory::Commit))
        );
        let fc = build(
            &f,
            &[],
            Period::parse("2026-04").unwrap(),
            d("2026-04-02"),
            &snapshots,
            &[],
        );
        let b = fc.reps[0]
            .bias
            .clone()
            .expect("three closed months measured");
        assert_eq!(b.periods, 3);
        assert!((b.factor - 0.5).abs() < 1e-9, "{b:?}");
        assert_eq!(b.tendency, "over-calling");
        let acc = accuracy(
            &f,
            &snapshots,
            Period::parse("2026-04").unwrap(),
            d("2026-04-02"),
            &[],
        );
        assert_eq!(acc.len(), 3);
        // January opens with all 12 deals committed; 4 of them close in January, 2 are won.
        assert_eq!(acc[0].actual, 200_000);
        assert_eq!(acc[0].call, 400_000);
        assert_eq!(acc[0].error(acc[0].call), Some(1.0));
    }

    #[test]
    fn the_roll_up_counts_each_category_once_per_rep_and_for_the_team() {
        let st = stages();
        let (a, b) = (RepId::new(), RepId::new());
        let mut deals = Vec::new();
        for (rep, cat, amount, close) in [
            (a, ForecastCategory::Commit, 100, "2026-05-10"),
            (a, ForecastCategory::BestCase, 50, "2026-05-20"),
            (b, ForecastCategory::Pipeline, 30, "2026-05-30"),
            (b, ForecastCategory::Commit, 999, "2026-06-10"),
            (b, ForecastCategory::Commit, 5, "2026-04-10"),
        ] {
            let mut o = deal("x", &[("Negotiation", "2026-03-01")], close, amount);
            o.owner = Some(rep);
            o.forecast_category = Some(cat);
            deals.push(o);
        }
        let mut won = deal(
            "w",
            &[("Negotiation", "2026-03-01"), ("Closed Won", "2026-05-02")],
            "2026-05-02",
            70,
        );
        won.owner = Some(a);
        deals.push(won);
        let f = Frame::build(&st, &deals, &[], &[]);
        let open: Vec<(usize, f64)> = (0..5).map(|i| (i, 0.5)).collect();
        let fc = build(
            &f,
            &open,
            Period::parse("2026-05").unwrap(),
            d("2026-05-05"),
            &[],
            &[],
        );
        assert_eq!(
            (
                fc.team.closed,
                fc.team.commit,
                fc.team.best_case,
                fc.team.pipeline
            ),
            (7_000, 10_000, 5_000, 3_000)
        );
        assert_eq!(fc.team.call(), 17_000);
        assert_eq!(fc.team.ai.expected, 7_000 + 9_000);
        assert_eq!(fc.overdue_not_counted, 1);
        let ra = fc.reps.iter().find(|l| l.rep == Some(a)).unwrap();
        assert_eq!((ra.closed, ra.commit, ra.best_case), (7_000, 10_000, 5_000));
    }
}
