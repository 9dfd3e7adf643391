//! The pipeline as the engines read it: every deal with its stage history, its field history
//! and its customer touches, laid out so that millions of activities are grouped by deal once
//! and a deal's state on any past day can be rebuilt (what the backtests, the deal score's
//! training rows and reconstructed snapshots need, with nothing from after that day).
//!
//! A [`Frame`] borrows the deals; activities are reduced to [`Touch`]es (day, kind, direction,
//! contact), twelve bytes each, sorted by deal and day with a counting sort.

use std::collections::HashMap;

use chrono::NaiveDate;
use roomwork_domain::{
    Activity, ActivityKind, DealFieldChange, Direction, FieldEdit, ForecastCategory, Money,
    Opportunity, OpportunityId, StageCatalog, StageOutcome,
};
use roomwork_foundation::StageStandard;
use serde::Serialize;

/// One stage as the engines use it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageInfo {
    /// Canonical name.
    pub name: String,
    /// Open, won or lost.
    pub outcome: StageOutcome,
    /// Days a deal is expected to spend here.
    pub expected_days: u32,
    /// The Foundation's win probability for the stage (0..1), when it gives one.
    pub probability: Option<f64>,
}

/// The company's stages in funnel order, found by name or alias in any case.
#[derive(Clone, Debug, Default)]
pub struct Stages {
    list: Vec<StageInfo>,
    index: HashMap<String, u16>,
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Stages {
    /// From the Foundation's stage definitions; `stalled_after_days` where a stage names no
    /// expected days.
    pub fn from_foundation(stages: &[StageStandard], stalled_after_days: u32) -> Self {
        let mut s = Stages::default();
        for st in stages {
            let outcome = match st.outcome.as_str() {
                "won" => StageOutcome::Won,
                "lost" => StageOutcome::Lost,
                _ => StageOutcome::Open,
            };
            s.push(
                StageInfo {
                    name: st.name.clone(),
                    outcome,
                    expected_days: st.expected_days.unwrap_or(stalled_after_days),
                    probability: st.probability.map(|p| f64::from(p.min(100)) / 100.0),
                },
                &st.aliases,
            );
        }
        s
    }

    /// From a stage catalog (the documented default list when no Foundation exists).
    pub fn from_catalog(catalog: &StageCatalog) -> Self {
        let mut s = Stages::default();
        for d in catalog.stages() {
            s.push(
                StageInfo {
                    name: d.name.clone(),
                    outcome: d.outcome,
                    expected_days: d.expected_days,
                    probability: None,
                },
                &d.aliases,
            );
        }
        s
    }

    /// Stages from a list (tests and benchmarks).
    pub fn new(list: Vec<StageInfo>) -> Self {
        let mut s = Stages::default();
        for st in list {
            s.push(st, &[]);
        }
        s
    }

    fn push(&mut self, st: StageInfo, aliases: &[String]) {
        let k = self.list.len() as u16;
        self.index.entry(fold(&st.name)).or_insert(k);
        for a in aliases {
            self.index.entry(fold(a)).or_insert(k);
        }
        self.list.push(st);
    }

    /// The stage a name or alias means.
    pub fn find(&self, name: &str) -> Option<u16> {
        // Stored stages are nearly always canonical: compare with the few names first, and
        // fold (which allocates) only for another spelling.
        if let Some(k) = self.list.iter().position(|s| s.name == name) {
            return Some(k as u16);
        }
        self.index.get(&fold(name)).copied()
    }

    /// Stage `k`.
    pub fn get(&self, k: u16) -> &StageInfo {
        &self.list[usize::from(k)]
    }

    /// All stages in order.
    pub fn all(&self) -> &[StageInfo] {
        &self.list
    }

    /// True when stage `k` closes a deal.
    pub fn is_closed(&self, k: u16) -> bool {
        self.get(k).outcome != StageOutcome::Open
    }

    /// Open stages in funnel order.
    pub fn open(&self) -> impl Iterator<Item = u16> + '_ {
        (0..self.list.len() as u16).filter(|&k| !self.is_closed(k))
    }
}

/// What a touch was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TouchKind {
    /// A call.
    Call,
    /// A visit.
    Visit,
    /// A meeting.
    Meeting,
    /// A check-in.
    CheckIn,
    /// An e-mail.
    Email,
}

impl TouchKind {
    /// Calls, visits and meetings: what "a meeting booked" means.
    pub fn is_meeting(self) -> bool {
        matches!(
            self,
            TouchKind::Call | TouchKind::Visit | TouchKind::Meeting
        )
    }
}

/// One customer touch on a deal: an activity without its text. Notes are not touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Touch {
    /// The day it happened (or is booked for).
    pub day: NaiveDate,
    /// The customer contact as a 64-bit digest of its id (`u64::MAX` for none): touches are
    /// only ever compared for the same person, and two different people of one deal share a
    /// digest with a probability of about 2^-64.
    pub contact: u64,
    /// What it was.
    pub kind: TouchKind,
    /// From the customer.
    pub inbound: bool,
}

impl Touch {
    /// The contact, if one was named.
    pub fn contact(&self) -> Option<u64> {
        (self.contact != u64::MAX).then_some(self.contact)
    }
}

fn digest(c: roomwork_domain::ContactId) -> u64 {
    let x = c.as_uuid().as_u128();
    let mut z = (x as u64) ^ ((x >> 64) as u64).rotate_left(32);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)).min(u64::MAX - 1)
}

/// A deal's tracked fields on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct DealState {
    /// Stage (index), `None` for a stage the Foundation does not know.
    pub stage: Option<u16>,
    /// The day the deal entered that stage.
    pub stage_since: NaiveDate,
    /// Amount.
    pub amount: Option<Money>,
    /// Expected close date.
    pub close_date: Option<NaiveDate>,
    /// Forecast category.
    pub category: Option<ForecastCategory>,
}

/// The deals, their histories and their touches.
pub struct Frame<'a> {
    /// The stages.
    pub stages: &'a Stages,
    /// The deals, as given.
    pub deals: &'a [Opportunity],
    stage_of: Vec<Option<u16>>,
    /// Each deal's stage history as stage indexes, in order: (stage, day).
    moves: Vec<(Option<u16>, NaiveDate)>,
    move_ranges: Vec<(u32, u32)>,
    edits: Vec<(NaiveDate, DealFieldChange)>,
    edit_ranges: Vec<(u32, u32)>,
    touches: Vec<Touch>,
    touch_ranges: Vec<(u32, u32)>,
    by_id: IdMap<OpportunityId, u32>,
    /// Analysed calls by deal index, in day order: (day, deal risks the call raised).
    calls: HashMap<u32, Vec<(NaiveDate, u32)>>,
}

fn touch_kind(k: ActivityKind) -> Option<TouchKind> {
    Some(match k {
        ActivityKind::Call => TouchKind::Call,
        ActivityKind::Visit => TouchKind::Visit,
        ActivityKind::Meeting => TouchKind::Meeting,
        ActivityKind::CheckIn => TouchKind::CheckIn,
        ActivityKind::Email => TouchKind::Email,
        ActivityKind::Note => return None,
    })
}

/// Hashes an id (a UUIDv7: 48 bits of time, then random bits) by folding its 16 bytes into one
/// word and mixing it once: the standard SipHash was most of the time spent grouping ten
/// million activities by deal. Not for keys an adversary chooses; these maps live for one frame.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(29) ^ u64::from_le_bytes(w);
        }
    }
}

/// A map keyed by ids, hashed with [`IdHasher`].
pub type IdMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

impl<'a> Frame<'a> {
    /// Groups `activities` and `edits` by deal. Activities on no deal, or on a deal not in
    /// `deals`, and notes are left out; so are edits of unknown deals.
    pub fn build(
        stages: &'a Stages,
        deals: &'a [Opportunity],
        activities: &[Activity],
        edits: &[FieldEdit],
    ) -> Self {
        let mut by_id: IdMap<OpportunityId, u32> = IdMap::default();
        by_id.reserve(deals.len());
        for (i, o) in deals.iter().enumerate() {
            by_id.insert(o.id, i as u32);
        }
        let stage_of: Vec<Option<u16>> = deals
            .iter()
            .map(|o| stages.find(o.stage.as_str()))
            .collect();
        // Stage history, in day order (a stable sort keeps the stored order within a day).
        let mut moves = Vec::with_capacity(deals.iter().map(|o| o.stage_history.len()).sum());
        let mut move_ranges = Vec::with_capacity(deals.len());
        for o in deals {
            let start = moves.len();
            moves.extend(
                o.stage_history
                    .iter()
                    .map(|c| (stages.find(c.stage.as_str()), c.entered_on)),
            );
            moves[start..].sort_by_key(|m: &(Option<u16>, NaiveDate)| m.1);
            move_ranges.push((start as u32, moves.len() as u32));
        }
        // Each activity's deal (or none) and its touch, on up to four threads.
        let lookup = |part: &[Activity]| -> Vec<(u32, Touch)> {
            part.iter()
                .map(|a| {
                    let kind = touch_kind(a.kind);
                    let d = a
                        .opportunity_id
                        .filter(|_| kind.is_some())
                        .and_then(|id| by_id.get(&id).copied())
                        .unwrap_or(u32::MAX);
                    let touch = Touch {
                        day: a.occurred_at.date_naive(),
                        contact: a.contact_id.map_or(u64::MAX, digest),
                        kind: kind.unwrap_or(TouchKind::Email),
                        inbound: a.direction == Direction::Inbound,
                    };
                    (d, touch)
                })
                .collect()
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let parts: Vec<Vec<(u32, Touch)>> = if activities.len() < 200_000 || threads < 2 {
            vec![lookup(activities)]
        } else {
            let chunk = activities.len().div_ceil(threads);
            std::thread::scope(|s| {
                let handles: Vec<_> = activities
                    .chunks(chunk)
                    .map(|part| s.spawn(move || lookup(part)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a lookup thread panicked"))
                    .collect()
            })
        };
        let deal_of = || parts.iter().flatten();
        // Touches: a counting sort by deal, then by day within each deal.
        let mut counts = vec![0u32; deals.len() + 1];
        for &(d, _) in deal_of() {
            if d != u32::MAX {
                counts[d as usize + 1] += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let total = counts[deals.len()] as usize;
        let mut touch_ranges: Vec<(u32, u32)> = (0..deals.len())
            .map(|i| (counts[i], counts[i + 1]))
            .collect();
        let mut touches = vec![
            Touch {
                day: NaiveDate::MIN,
                contact: u64::MAX,
                kind: TouchKind::Email,
                inbound: false,
            };
            total
        ];
        let mut next = counts;
        for &(d, touch) in deal_of() {
            if d == u32::MAX {
                continue;
            }
            let slot = &mut next[d as usize];
            touches[*slot as usize] = touch;
            *slot += 1;
        }
        drop(parts);
        for r in &mut touch_ranges {
            touches[r.0 as usize..r.1 as usize].sort_unstable_by_key(|t| t.day);
        }
        // Field history, by deal (a counting sort) and then by day within each deal.
        let mut counts = vec![0u32; deals.len() + 1];
        let owner: Vec<u32> = edits
            .iter()
            .map(|e| by_id.get(&e.opportunity_id).copied().unwrap_or(u32::MAX))
            .collect();
        for &d in &owner {
            if d != u32::MAX {
                counts[d as usize + 1] += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let edit_ranges: Vec<(u32, u32)> = (0..deals.len())
            .map(|i| (counts[i], counts[i + 1]))
            .collect();
        let mut order = vec![0u32; counts[deals.len()] as usize];
        let mut next = counts;
        for (n, &d) in owner.iter().enumerate() {
            if d != u32::MAX {
                order[next[d as usize] as usize] = n as u32;
                next[d as usize] += 1;
            }
        }
        for r in &edit_ranges {
            order[r.0 as usize..r.1 as usize].sort_by_key(|&n| edits[n as usize].changed_on);
        }
        let edit_list: Vec<(NaiveDate, DealFieldChange)> = order
            .iter()
            .map(|&n| {
                let e = &edits[n as usize];
                (e.changed_on, e.change.clone())
            })
            .collect();
        Frame {
            stages,
            deals,
            stage_of,
            moves,
            move_ranges,
            edits: edit_list,
            edit_ranges,
            touches,
            touch_ranges,
            by_id,
            calls: HashMap::new(),
        }
    }

    /// Adds analysed calls: `(deal, day of the call, deal risks it raised)`, in the order they
    /// took place (within a day the last is the latest). Calls on deals not in the frame are
    /// left out.
    pub fn with_calls(mut self, calls: &[(OpportunityId, NaiveDate, u32)]) -> Self {
        for &(id, day, risks) in calls {
            if let Some(&i) = self.by_id.get(&id) {
                self.calls.entry(i).or_default().push((day, risks));
            }
        }
        for v in self.calls.values_mut() {
            v.sort_by_key(|c| c.0);
        }
        self
    }

    /// Deal `i`'s analysed calls, in day order: (day, deal risks raised).
    pub fn calls(&self, i: usize) -> &[(NaiveDate, u32)] {
        self.calls.get(&(i as u32)).map_or(&[], Vec::as_slice)
    }

    /// Number of deals.
    pub fn len(&self) -> usize {
        self.deals.len()
    }

    /// True when there are no deals.
    pub fn is_empty(&self) -> bool {
        self.deals.is_empty()
    }

    /// The index of a deal.
    pub fn index(&self, id: OpportunityId) -> Option<usize> {
        self.by_id.get(&id).map(|&i| i as usize)
    }

    /// Deal `i`'s current stage index.
    pub fn stage(&self, i: usize) -> Option<u16> {
        self.stage_of[i]
    }

    /// True when deal `i` is open now (a stage the Foundation does not know counts as open).
    pub fn is_open(&self, i: usize) -> bool {
        self.stage_of[i].is_none_or(|k| !self.stages.is_closed(k))
    }

    /// Deal `i`'s stage history: (stage, day), in day order.
    pub fn moves(&self, i: usize) -> &[(Option<u16>, NaiveDate)] {
        let (a, b) = self.move_ranges[i];
        &self.moves[a as usize..b as usize]
    }

    /// Deal `i`'s field history: (day, change), in day order.
    pub fn edits(&self, i: usize) -> &[(NaiveDate, DealFieldChange)] {
        let (a, b) = self.edit_ranges[i];
        &self.edits[a as usize..b as usize]
    }

    /// Deal `i`'s touches, in day order (booked ones after today included).
    pub fn touches(&self, i: usize) -> &[Touch] {
        let (a, b) = self.touch_ranges[i];
        &self.touches[a as usize..b as usize]
    }

    /// Deal `i`'s touches up to and including `day`.
    pub fn touches_until(&self, i: usize, day: NaiveDate) -> &[Touch] {
        let t = self.touches(i);
        &t[..t.partition_point(|x| x.day <= day)]
    }

    /// When and how deal `i` closed: its first entry into a closed stage, or for a closed deal
    /// whose history lacks it, its close date (else its creation day).
    pub fn closed(&self, i: usize) -> Option<(NaiveDate, bool)> {
        let k = self.stage_of[i]?;
        if !self.stages.is_closed(k) {
            return None;
        }
        let won = self.stages.get(k).outcome == StageOutcome::Won;
        let day = self
            .moves(i)
            .iter()
            .rev()
            .take_while(|(s, _)| s.is_some_and(|s| self.stages.is_closed(s)))
            .last()
            .map(|m| m.1)
            .or(self.deals[i].close_date)
            .unwrap_or(self.deals[i].created_on);
        Some((day, won))
    }

    /// Deal `i` as it stood at the end of `day`, from its stage and field history; `None`
    /// before it was created. Fields without history (owner, next step) are not part of it.
    pub fn state_at(&self, i: usize, day: NaiveDate) -> Option<DealState> {
        let o = &self.deals[i];
        if o.created_on > day {
            return None;
        }
        let moves = self.moves(i);
        let upto = moves.partition_point(|m| m.1 <= day);
        let (stage, stage_since) = if upto == 0 {
            // Before the first recorded move: that move's stage, since creation, when it is an
            // open one; a history that starts closed (a CRM export gives only the stage a deal
            // has now) says nothing of the days before, and the outcome must not show through.
            let first = moves.first().map_or(self.stage_of[i], |m| m.0);
            let known = first.filter(|&k| !self.stages.is_closed(k));
            (known, o.created_on)
        } else {
            let cur = moves[upto - 1].0;
            // Since the start of the run of this stage (a re-entry counts from itself).
            let mut since = moves[upto - 1].1;
            for m in moves[..upto - 1].iter().rev() {
                if m.0 != cur {
                    break;
                }
                since = m.1;
            }
            (cur, since)
        };
        let mut state = DealState {
            stage,
            stage_since,
            amount: o.amount,
            close_date: o.close_date,
            category: o.forecast_category,
        };
        // Undo the edits made after `day`, latest first.
        for (on, change) in self.edits(i).iter().rev() {
            if *on <= day {
                break;
            }
            match change {
                DealFieldChange::CloseDate { from, .. } => state.close_date = *from,
                DealFieldChange::Amount { from, .. } => state.amount = *from,
                DealFieldChange::ForecastCategory { from, .. } => state.category = *from,
            }
        }
        Some(state)
    }

    /// Deal `i`'s state now (the stored fields).
    pub fn state_now(&self, i: usize) -> DealState {
        let o = &self.deals[i];
        let moves = self.moves(i);
        let since = moves
            .iter()
            .rev()
            .take_while(|m| m.0 == self.stage_of[i])
            .last()
            .map_or(o.created_on, |m| m.1);
        DealState {
            stage: self.stage_of[i],
            stage_since: since,
            amount: o.amount,
            close_date: o.close_date,
            category: o.forecast_category,
        }
    }

    /// Close-date pushes of deal `i` made up to `day`.
    pub fn pushes_until(&self, i: usize, day: NaiveDate) -> usize {
        self.edits(i)
            .iter()
            .take_while(|(on, _)| *on <= day)
            .filter(|(_, c)| c.is_push())
            .count()
    }

    /// Backward stage moves of deal `i` made in `(from, to]`.
    pub fn backward_moves(&self, i: usize, from: NaiveDate, to: NaiveDate) -> usize {
        self.moves(i)
            .windows(2)
            .filter(|w| w[1].1 > from && w[1].1 <= to)
            .filter(|w| matches!((w[0].0, w[1].0), (Some(a), Some(b)) if b < a))
            .count()
    }

    /// Stage `k` was reached by deal `i` (at any time in its history).
    pub fn reached(&self, i: usize, k: u16) -> bool {
        self.moves(i).iter().any(|m| m.0 == Some(k)) || self.stage_of[i] == Some(k)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use roomwork_domain::{ActivityId, Currency, ExternalKey, Stage, StageChange};

    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub fn stages() -> Stages {
        let st = |name: &str, outcome, days, p: Option<f64>| StageInfo {
            name: name.into(),
            outcome,
            expected_days: days,
            probability: p,
        };
        use StageOutcome::*;
        Stages::new(vec![
            st("Prospecting", Open, 21, Some(0.05)),
            st("Qualification", Open, 14, Some(0.15)),
            st("Proposal", Open, 21, Some(0.5)),
            st("Negotiation", Open, 14, Some(0.75)),
            st("Closed Won", Won, 0, Some(1.0)),
            st("Closed Lost", Lost, 0, Some(0.0)),
        ])
    }

    pub fn deal(name: &str, history: &[(&str, &str)], close: &str, amount: i64) -> Opportunity {
        let stage_history: Vec<StageChange> = history
            .iter()
            .map(|(s, on)| StageChange {
                stage: Stage::parse(s).unwrap(),
                entered_on: d(on),
            })
            .collect();
        Opportunity {
            id: OpportunityId::new(),
            ext_key: ExternalKey::new("test", "opportunity", name).ok(),
            name: name.into(),
            account_id: None,
            owner: None,
            stage: stage_history.last().unwrap().stage.clone(),
            amount: Some(Money::from_major(amount, Currency::USD)),
            close_date: Some(d(close)),
            next_step: Some("Call back".into()),
            next_step_date: None,
            created_on: stage_history[0].entered_on,
            forecast_category: None,
            stage_history,
        }
    }

    pub fn touch(
        deal: &Opportunity,
        on: &str,
        kind: ActivityKind,
        inbound: bool,
        contact: Option<roomwork_domain::ContactId>,
    ) -> Activity {
        Activity {
            id: ActivityId::new(),
            ext_key: None,
            kind,
            direction: if inbound {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            ai_assisted: false,
            account_id: None,
            contact_id: contact,
            opportunity_id: Some(deal.id),
            rep_id: None,
            occurred_at: Utc.from_utc_datetime(&d(on).and_hms_opt(10, 0, 0).unwrap()),
            duration_minutes: None,
            subject: "x".into(),
            body: None,
        }
    }

    #[test]
    fn a_deal_on_a_past_day_has_that_days_stage_and_fields() {
        let st = stages();
        let mut o = deal(
            "a",
            &[
                ("Prospecting", "2026-01-01"),
                ("Proposal", "2026-02-01"),
                ("Qualification", "2026-02-20"),
            ],
            "2026-05-01",
            100,
        );
        o.forecast_category = Some(ForecastCategory::Commit);
        let edits = vec![
            FieldEdit {
                opportunity_id: o.id,
                changed_on: d("2026-03-01"),
                change: DealFieldChange::CloseDate {
                    from: Some(d("2026-03-15")),
                    to: Some(d("2026-04-01")),
                },
            },
            FieldEdit {
                opportunity_id: o.id,
                changed_on: d("2026-03-20"),
                change: DealFieldChange::CloseDate {
                    from: Some(d("2026-04-01")),
                    to: Some(d("2026-05-01")),
                },
            },
            FieldEdit {
                opportunity_id: o.id,
                changed_on: d("2026-03-20"),
                change: DealFieldChange::ForecastCategory {
                    from: Some(ForecastCategory::BestCase),
                    to: Some(ForecastCategory::Commit),
                },
            },
        ];
        let deals = vec![o];
        let f = Frame::build(&st, &deals, &[], &edits);
        assert_eq!(f.state_at(0, d("2025-12-31")), None);
        let early = f.state_at(0, d("2026-02-10")).unwrap();
        assert_eq!(early.stage, Some(2));
        assert_eq!(early.stage_since, d("2026-02-01"));
        assert_eq!(early.close_date, Some(d("2026-03-15")));
        assert_eq!(early.category, Some(ForecastCategory::BestCase));
        let mid = f.state_at(0, d("2026-03-05")).unwrap();
        assert_eq!(mid.stage, Some(1), "moved back on 20 Feb");
        assert_eq!(mid.close_date, Some(d("2026-04-01")));
        assert_eq!(f.pushes_until(0, d("2026-03-05")), 1);
        assert_eq!(f.pushes_until(0, d("2026-03-31")), 2);
        assert_eq!(f.state_at(0, d("2026-04-01")).unwrap(), {
            let mut s = f.state_now(0);
            s.stage_since = d("2026-02-20");
            s
        });
        assert_eq!(f.backward_moves(0, d("2026-02-01"), d("2026-03-01")), 1);
        assert_eq!(f.backward_moves(0, d("2026-02-20"), d("2026-03-01")), 0);
    }

    #[test]
    fn touches_are_grouped_by_deal_in_day_order_and_notes_are_not_touches() {
        let st = stages();
        let a = deal("a", &[("Prospecting", "2026-01-01")], "2026-05-01", 1);
        let b = deal("b", &[("Prospecting", "2026-01-01")], "2026-05-01", 1);
        let acts = vec![
            touch(&b, "2026-01-09", ActivityKind::Email, false, None),
            touch(&a, "2026-01-05", ActivityKind::Call, true, None),
            touch(&a, "2026-01-03", ActivityKind::Note, false, None),
            touch(&a, "2026-01-02", ActivityKind::Email, false, None),
        ];
        let deals = vec![a, b];
        let f = Frame::build(&st, &deals, &acts, &[]);
        let days: Vec<_> = f.touches(0).iter().map(|t| t.day).collect();
        assert_eq!(days, [d("2026-01-02"), d("2026-01-05")]);
        assert_eq!(f.touches(1).len(), 1);
        assert_eq!(f.touches_until(0, d("2026-01-04")).len(), 1);
    }

    #[test]
    fn a_deal_imported_closed_is_open_and_of_unknown_stage_before_it_closed() {
        let st = stages();
        let mut o = deal("w", &[("Closed Won", "2026-03-01")], "2026-03-01", 1);
        o.created_on = d("2026-01-10");
        let deals = vec![o];
        let f = Frame::build(&st, &deals, &[], &[]);
        let before = f.state_at(0, d("2026-02-01")).unwrap();
        assert_eq!(
            before.stage, None,
            "the outcome does not show before it happened"
        );
        assert_eq!(f.state_at(0, d("2026-03-01")).unwrap().stage, Some(4));
    }

    #[test]
    fn a_closed_deal_closed_on_its_first_closed_stage_day() {
        let st = stages();
        let deals = vec![deal(
            "w",
            &[("Prospecting", "2026-01-01"), ("Closed Won", "2026-02-03")],
            "2026-01-31",
            1,
        )];
        let f = Frame::build(&st, &deals, &[], &[]);
        assert_eq!(f.closed(0), Some((d("2026-02-03"), true)));
        assert!(!f.is_open(0));
        let _ = Utc.timestamp_opt(0, 0);
    }
}
