//! `roomwork pipeline ...`: risk signals and their backtests, the deal score, snapshots, the
//! forecast with overrides, bias and accuracy. The engines are in `roomwork_pipeline`; this
//! module loads the store, calls them and saves what they return. [`refresh`] is also called
//! by the commands that change deals (import, approving a CRM update, sending a draft), so
//! that every open deal they touch is re-evaluated at once.

use std::collections::{HashMap, HashSet};

use anyhow::Context as _;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use roomwork_domain::{
    Account, Activity, Clock, Currency, DealSnapshot, FieldEdit, Money, Opportunity, OpportunityId,
    Rep, RepId, SystemClock,
};
use roomwork_pipeline::forecast::{self, Period};
use roomwork_pipeline::score::{DealModel, DealScore};
use roomwork_pipeline::signals::{self, Config, Signal};
use roomwork_pipeline::{Frame, Stages, backtest, snapshot};
use roomwork_store::{
    ActivityFilter, AuditEntry, DealModelRecord, DealScoreRecord, Evaluation, ForecastOverride,
    PipelineWrite, SignalRecord, Snapshot, SnapshotInfo, SnapshotSource, Store,
};
use serde::Serialize;

use super::Context;
use crate::args::{PipelineArgs, PipelineCommand};
use crate::exit::InvalidInput;
use crate::output::{self, percent, say};

/// The company's stages: the Foundation's pipeline document, or the default list.
pub fn stages(ctx: &Context) -> anyhow::Result<Stages> {
    let foundation = ctx.foundation()?;
    Ok(match &foundation.pipeline {
        Some(p) if !p.stages.is_empty() => Stages::from_foundation(&p.stages, p.stalled_after_days),
        _ => Stages::from_catalog(&foundation.stage_catalog()),
    })
}

/// `DATA_DIR/signals.toml`, or the defaults.
pub fn config(ctx: &Context) -> anyhow::Result<Config> {
    let path = ctx.data_dir.join("signals.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Config::parse(&text)
            .map_err(|e| InvalidInput(format!("{}: {e}", path.display())).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Everything the engines read.
pub struct Loaded {
    pub stages: Stages,
    pub deals: Vec<Opportunity>,
    pub activities: Vec<Activity>,
    pub edits: Vec<FieldEdit>,
    pub reps: Vec<Rep>,
    pub accounts: Vec<Account>,
    /// Analysed calls on deals: (deal, day, the deal risks it raised by label).
    pub calls: Vec<(OpportunityId, NaiveDate, Vec<String>)>,
}

impl Loaded {
    pub async fn read(ctx: &Context, store: &dyn Store) -> anyhow::Result<Loaded> {
        // A large pipeline takes a while to read: say what is happening.
        let pb = output::spinner("reading the pipeline", ctx.json);
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb.set_message("deals and their stage history");
        let deals = store.opportunities(true).await?;
        pb.set_message(format!("activities of {} deals", deals.len()));
        let activities = store
            .activities(ActivityFilter {
                skip_text: true,
                ..Default::default()
            })
            .await?;
        pb.set_message("field history");
        let edits = store.field_edits(None).await?;
        pb.set_message("analysed calls");
        // Oldest first, so that the frame's last call of a day is that day's latest.
        let mut calls: Vec<_> = store
            .calls(false)
            .await?
            .into_iter()
            .filter_map(|c| Some((c.occurred_at, c.opportunity_id?, c.risks)))
            .collect();
        calls.sort_by_key(|c| c.0);
        let calls = calls
            .into_iter()
            .map(|(at, id, risks)| (id, at.date_naive(), risks))
            .collect();
        let loaded = Loaded {
            stages: stages(ctx)?,
            deals,
            activities,
            edits,
            reps: store.reps().await?,
            accounts: store.accounts().await?,
            calls,
        };
        pb.finish_and_clear();
        Ok(loaded)
    }

    pub fn frame(&self) -> Frame<'_> {
        let calls: Vec<(OpportunityId, NaiveDate, u32)> = self
            .calls
            .iter()
            .map(|(id, day, risks)| (*id, *day, risks.len() as u32))
            .collect();
        Frame::build(&self.stages, &self.deals, &self.activities, &self.edits).with_calls(&calls)
    }

    /// The deal risks the latest call of `deal` on `day` raised, in words ("budget concern, ...").
    fn call_risks(&self, deal: OpportunityId, day: Option<NaiveDate>) -> String {
        self.calls
            .iter()
            .rfind(|(id, d, _)| *id == deal && Some(*d) == day)
            .map(|(_, _, r)| {
                r.iter()
                    .map(|x| x.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }

    fn rep_names(&self) -> HashMap<RepId, String> {
        self.reps.iter().map(|r| (r.id, r.name.clone())).collect()
    }

    fn rep_by_name(&self, name: &str) -> anyhow::Result<RepId> {
        self.reps
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
            .map(|r| r.id)
            .ok_or_else(|| InvalidInput(format!("no rep named {name:?}")).into())
    }
}

/// The latest stored deal model, or the stage prior when none was trained.
async fn model(store: &dyn Store, f: &Frame<'_>) -> anyhow::Result<(DealModel, Option<i64>)> {
    match store.deal_models().await?.pop() {
        Some(r) => Ok((
            DealModel::from_json(&r.model).with_context(|| {
                format!("deal model v{} is stored but cannot be read", r.version)
            })?,
            Some(r.version),
        )),
        None => Ok((DealModel::prior_only(f), None)),
    }
}

/// What a re-evaluation found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Refreshed {
    pub day: Option<NaiveDate>,
    pub evaluated: usize,
    pub raised: usize,
    pub newly_raised: usize,
    pub cleared: usize,
    pub by_signal: Vec<(String, usize)>,
    pub basis: String,
}

/// Re-evaluates the open deals (all, or those in `only`, whose closed ones lose their
/// signals): signals and scores, stored with the day each signal was first raised.
pub async fn refresh(
    ctx: &Context,
    store: &dyn Store,
    today: NaiveDate,
    only: Option<&HashSet<OpportunityId>>,
) -> anyhow::Result<Refreshed> {
    let loaded = Loaded::read(ctx, store).await?;
    let config = config(ctx)?;
    let f = loaded.frame();
    let (m, version) = model(store, &f).await?;
    let chosen: Vec<usize> = (0..f.len())
        .filter(|&i| only.is_none_or(|o| o.contains(&f.deals[i].id)))
        .collect();
    let open: Vec<usize> = chosen.iter().copied().filter(|&i| f.is_open(i)).collect();
    let before: HashMap<(OpportunityId, String), NaiveDate> = store
        .deal_signals()
        .await?
        .into_iter()
        .map(|s| ((s.opportunity_id, s.signal), s.raised_on))
        .collect();
    let mut records = Vec::new();
    let mut by_signal: HashMap<Signal, usize> = HashMap::new();
    let mut newly = 0;
    for &i in &open {
        for flag in signals::evaluate(&f, i, today, true, &config) {
            let id = f.deals[i].id;
            let key = (id, flag.signal.as_str().to_string());
            let raised_on = match before.get(&key) {
                Some(d) => *d,
                None => {
                    newly += 1;
                    today
                }
            };
            *by_signal.entry(flag.signal).or_default() += 1;
            let mut detail = flag.explain();
            if flag.signal == Signal::CallRisk {
                detail = format!("{detail}: {}", loaded.call_risks(id, flag.on));
            }
            records.push(SignalRecord {
                opportunity_id: id,
                signal: key.1,
                raised_on,
                detail,
            });
        }
    }
    let still: HashSet<(OpportunityId, &str)> = records
        .iter()
        .map(|r| (r.opportunity_id, r.signal.as_str()))
        .collect();
    let chosen_ids: HashSet<OpportunityId> = chosen.iter().map(|&i| f.deals[i].id).collect();
    let cleared = before
        .keys()
        .filter(|(id, s)| chosen_ids.contains(id) && !still.contains(&(*id, s.as_str())))
        .count();
    let names = loaded.rep_names();
    let scores = m.score(&f, &open, today, &names);
    let score_records: Vec<DealScoreRecord> = open
        .iter()
        .zip(&scores)
        .map(|(&i, s)| DealScoreRecord {
            opportunity_id: f.deals[i].id,
            scored_on: today,
            probability: s.probability,
            model_version: version,
            factors: serde_json::to_string(&s.factors).expect("factors serialize"),
        })
        .collect();
    let ids: Vec<OpportunityId> = chosen.iter().map(|&i| f.deals[i].id).collect();
    store
        .evaluation_write(Evaluation {
            deals: &ids,
            signals: &records,
            scores: &score_records,
        })
        .await?;
    let mut by: Vec<(String, usize)> = Signal::ALL
        .iter()
        .filter_map(|s| by_signal.get(s).map(|n| (s.as_str().to_string(), *n)))
        .collect();
    by.sort_by_key(|x| std::cmp::Reverse(x.1));
    Ok(Refreshed {
        day: Some(today),
        evaluated: open.len(),
        raised: records.len(),
        newly_raised: newly,
        cleared,
        by_signal: by,
        basis: m.basis(),
    })
}

/// Re-evaluates the deals a command just changed. A failure here does not undo what the
/// command stored: it is said on standard error, and `roomwork pipeline refresh` retries.
pub async fn refresh_after(
    ctx: &Context,
    store: &dyn Store,
    deals: HashSet<OpportunityId>,
) -> Option<Refreshed> {
    if deals.is_empty() {
        return None;
    }
    match refresh(ctx, store, SystemClock.today(), Some(&deals)).await {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!(
                "warning: stored, but re-evaluating the pipeline failed ({e:#}); run `roomwork pipeline refresh`"
            );
            None
        }
    }
}

fn day_or_today(d: Option<NaiveDate>) -> NaiveDate {
    d.unwrap_or_else(|| SystemClock.today())
}

pub async fn run(ctx: &Context, args: PipelineArgs) -> anyhow::Result<()> {
    ctx.with_store(async |store| match args.command {
        PipelineCommand::Refresh { today } => {
            let r = refresh(ctx, store, day_or_today(today), None).await?;
            if ctx.json {
                return output::json(&r);
            }
            print_refreshed(&r);
            Ok(())
        }
        PipelineCommand::Signals {
            owner,
            signal,
            since,
        } => signals_cmd(ctx, store, owner.as_deref(), signal.as_deref(), since).await,
        PipelineCommand::Backtest { since } => backtest_cmd(ctx, store, since).await,
        PipelineCommand::Train { by } => train(ctx, store, &by).await,
        PipelineCommand::Model => model_cmd(ctx, store).await,
        PipelineCommand::Deals { owner, limit } => deals(ctx, store, owner.as_deref(), limit).await,
        PipelineCommand::Snapshot { by } => {
            let day = SystemClock.today();
            let n = take_snapshot(ctx, store, day, &by).await?;
            if ctx.json {
                return output::json(&serde_json::json!({"taken_on": day, "deals": n}));
            }
            say!("Saved the open pipeline of {day} as a snapshot: {n} deals.");
            Ok(())
        }
        PipelineCommand::Backfill { weeks, by, today } => {
            let made = backfill(ctx, store, day_or_today(today), weeks, &by).await?;
            if ctx.json {
                return output::json(&made);
            }
            say!(
                "Reconstructed {} weekly snapshots from the stage and field history ({} days already had one).",
                made.made.len(),
                made.kept
            );
            Ok(())
        }
        PipelineCommand::Snapshots => snapshots_cmd(ctx, store).await,
        PipelineCommand::Forecast { period, today } => {
            forecast_cmd(ctx, store, period.as_deref(), day_or_today(today)).await
        }
        PipelineCommand::Override {
            period,
            rep,
            amount,
            by,
            reason,
        } => override_cmd(ctx, store, &period, rep.as_deref(), &amount, &by, &reason).await,
        PipelineCommand::Accuracy { per, today } => accuracy_cmd(ctx, store, &per, day_or_today(today)).await,
    })
    .await
}

fn print_refreshed(r: &Refreshed) {
    say!(
        "Evaluated {} open deals on {}: {} signals raised ({} new since the last evaluation, {} cleared).",
        r.evaluated,
        r.day.map(|d| d.to_string()).unwrap_or_default(),
        r.raised,
        r.newly_raised,
        r.cleared
    );
    say!("Win probabilities from {}.", r.basis);
    if !r.by_signal.is_empty() {
        say!(
            "{}",
            output::table(
                &["signal", "deals"],
                r.by_signal.iter().map(|(s, n)| {
                    let label = Signal::parse(s).map_or(s.as_str(), |x| x.label());
                    vec![label.to_string(), n.to_string()]
                })
            )
        );
    }
}

#[derive(Serialize)]
struct SignalRow {
    deal: String,
    account: String,
    owner: String,
    stage: String,
    amount: Option<Money>,
    signal: String,
    raised_on: NaiveDate,
    why: String,
}

async fn signals_cmd(
    ctx: &Context,
    store: &dyn Store,
    owner: Option<&str>,
    signal: Option<&str>,
    since: Option<NaiveDate>,
) -> anyhow::Result<()> {
    if let Some(s) = signal
        && Signal::parse(s).is_none()
    {
        return Err(InvalidInput(format!(
            "no signal {s:?}; the signals are {}",
            Signal::ALL.map(|s| s.as_str()).join(", ")
        ))
        .into());
    }
    let deals: HashMap<OpportunityId, Opportunity> = store
        .opportunities(false)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let reps: HashMap<RepId, String> = store
        .reps()
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let accounts: HashMap<_, String> = store
        .accounts()
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let owner_id = match owner {
        Some(name) => Some(
            *reps
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| InvalidInput(format!("no rep named {name:?}")))?
                .0,
        ),
        None => None,
    };
    let mut rows: Vec<SignalRow> = store
        .deal_signals()
        .await?
        .into_iter()
        .filter(|s| signal.is_none_or(|x| s.signal == x))
        .filter(|s| since.is_none_or(|d| s.raised_on >= d))
        .filter_map(|s| {
            let o = deals.get(&s.opportunity_id)?;
            if owner_id.is_some() && o.owner != owner_id {
                return None;
            }
            Some(SignalRow {
                deal: o.name.clone(),
                account: o
                    .account_id
                    .and_then(|a| accounts.get(&a).cloned())
                    .unwrap_or_default(),
                owner: o
                    .owner
                    .and_then(|r| reps.get(&r).cloned())
                    .unwrap_or_default(),
                stage: o.stage.to_string(),
                amount: o.amount,
                signal: s.signal,
                raised_on: s.raised_on,
                why: s.detail,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.amount
            .map(|m| m.minor())
            .cmp(&a.amount.map(|m| m.minor()))
            .then(a.deal.cmp(&b.deal))
            .then(a.signal.cmp(&b.signal))
    });
    if ctx.json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        say!("No signals raised (run `roomwork pipeline refresh` to evaluate the open deals now).");
        return Ok(());
    }
    let deals_flagged: HashSet<&str> = rows.iter().map(|r| r.deal.as_str()).collect();
    say!(
        "{} signals on {} open deals, largest deals first:",
        rows.len(),
        deals_flagged.len()
    );
    say!(
        "{}",
        output::table(
            &["deal", "owner", "stage", "amount", "signal", "since", "why"],
            rows.iter().map(|r| vec![
                r.deal.clone(),
                r.owner.clone(),
                r.stage.clone(),
                r.amount.map(|m| m.to_string()).unwrap_or_default(),
                Signal::parse(&r.signal).map_or(r.signal.clone(), |s| s.label().to_string()),
                r.raised_on.to_string(),
                r.why.clone(),
            ])
        )
    );
    Ok(())
}

async fn backtest_cmd(
    ctx: &Context,
    store: &dyn Store,
    since: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let loaded = Loaded::read(ctx, store).await?;
    let config = config(ctx)?;
    let f = loaded.frame();
    let b = backtest::run(&f, &config, since);
    if ctx.json {
        return output::json(&b);
    }
    say!(
        "Backtest on {} closed deals, each as it stood {} days before it closed ({} closed sooner than that after creation, left out). Overall loss rate {}.",
        b.deals,
        b.days_before_close,
        b.too_short,
        b.loss_rate.map(percent).unwrap_or_else(|| "-".into())
    );
    let opt = |x: Option<f64>, f: fn(f64) -> String| x.map(f).unwrap_or_else(|| "-".into());
    say!(
        "{}",
        output::table(
            &[
                "signal",
                "flagged",
                "lost (flagged)",
                "lost (others)",
                "lift",
                "z",
                "verdict"
            ],
            b.rules.iter().map(|r| vec![
                r.signal.label().to_string(),
                r.flagged.to_string(),
                opt(r.loss_rate_flagged, percent),
                opt(r.loss_rate_unflagged, percent),
                opt(r.lift, |l| format!("{l:.2}x")),
                opt(r.z, |z| format!("{z:.1}")),
                r.advice().to_string(),
            ])
        )
    );
    for s in &b.not_backtestable {
        say!(
            "{}: not backtested (its inputs have no history).",
            s.label()
        );
    }
    Ok(())
}

/// A trained and stored deal model.
pub struct Trained {
    pub version: i64,
    pub engine: String,
    pub model: DealModel,
    pub evaluation: roomwork_pipeline::score::Evaluation,
}

/// Trains the deal score on the stored closed deals and stores it as the next version, with
/// its audit record.
pub async fn train_model(
    ctx: &Context,
    store: &dyn Store,
    by: &str,
    quiet: bool,
) -> anyhow::Result<Trained> {
    let loaded = Loaded::read(ctx, store).await?;
    let f = loaded.frame();
    let pb = output::spinner("training the deal score", quiet);
    let (m, evaluation) = DealModel::train(&f, |round| {
        pb.set_message(format!("round {round}"));
        pb.tick();
    })
    .map_err(|e| InvalidInput(e.to_string()))?;
    pb.finish_and_clear();
    let version = store
        .deal_models()
        .await?
        .last()
        .map_or(1, |r| r.version + 1);
    let engine = if m.is_trees() { "trees" } else { "prior" }.to_string();
    let record = DealModelRecord {
        version,
        created_at: Utc::now(),
        trained_by: by.to_string(),
        engine: engine.clone(),
        model: serde_json::to_string(&m)?,
        evaluation: serde_json::to_string(&evaluation)?,
    };
    let audit = AuditEntry::new(
        by,
        "pipeline.model_trained",
        format!("deal model v{version}"),
        serde_json::json!({
            "engine": engine,
            "reason": m.training.reason,
            "deals": m.training.deals,
            "held_out_deals": evaluation.deals,
            "trees": evaluation.trees,
            "prior": evaluation.prior,
        }),
    );
    store
        .pipeline_write(PipelineWrite::Model(&record), &audit)
        .await?;
    Ok(Trained {
        version,
        engine,
        model: m,
        evaluation,
    })
}

async fn train(ctx: &Context, store: &dyn Store, by: &str) -> anyhow::Result<()> {
    let t = train_model(ctx, store, by, ctx.json).await?;
    let r = refresh(ctx, store, SystemClock.today(), None).await?;
    if ctx.json {
        return output::json(&serde_json::json!({
            "version": t.version,
            "engine": t.engine,
            "training": t.model.training,
            "evaluation": t.evaluation,
            "refreshed": r,
        }));
    }
    say!(
        "Deal model v{} ({}): {}.",
        t.version,
        t.engine,
        t.model.training.reason
    );
    print_evaluation(&t.model, &t.evaluation);
    say!("Re-scored {} open deals.", r.evaluated);
    Ok(())
}

fn print_evaluation(m: &DealModel, e: &roomwork_pipeline::score::Evaluation) {
    say!(
        "Learned from {} closed deals ({} won), {} training rows (deals on days before they closed); measured on the {} deals that closed last ({} rows).",
        m.training.deals,
        m.training.won,
        m.training.rows,
        e.deals,
        e.rows
    );
    let q = |name: &str, q: &roomwork_pipeline::score::Quality| {
        vec![
            name.to_string(),
            q.auc
                .map(|a| format!("{a:.3}"))
                .unwrap_or_else(|| "-".into()),
            format!("{:.4}", q.brier),
            format!("{:.4}", q.log_loss),
        ]
    };
    let mut rows = vec![q("stage prior", &e.prior)];
    if let Some(t) = &e.trees {
        rows.insert(0, q("trees", t));
    }
    say!(
        "{}",
        output::table(&["held-out", "AUC", "Brier", "log loss"], rows)
    );
    if !e.importance.is_empty() {
        say!(
            "What the trees use most: {}.",
            e.importance
                .iter()
                .filter(|(_, g)| *g > 0.0)
                .take(6)
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !e.reliability.is_empty() {
        say!(
            "{}",
            output::reliability_table(&e.reliability, "deals", "won")
        );
    }
}

async fn model_cmd(ctx: &Context, store: &dyn Store) -> anyhow::Result<()> {
    let Some(r) = store.deal_models().await?.pop() else {
        if ctx.json {
            return output::json(&serde_json::Value::Null);
        }
        say!(
            "No deal model trained yet: deals are scored by the stage prior. Run `roomwork pipeline train`."
        );
        return Ok(());
    };
    let m = DealModel::from_json(&r.model)?;
    let e: roomwork_pipeline::score::Evaluation = serde_json::from_str(&r.evaluation)?;
    if ctx.json {
        return output::json(&serde_json::json!({
            "version": r.version,
            "created_at": r.created_at,
            "trained_by": r.trained_by,
            "engine": r.engine,
            "training": m.training,
            "prior": m.prior,
            "evaluation": e,
        }));
    }
    say!(
        "Deal model v{} ({}), trained {} by {}: {}.",
        r.version,
        r.engine,
        r.created_at.format("%Y-%m-%d %H:%M UTC"),
        r.trained_by,
        m.training.reason
    );
    print_evaluation(&m, &e);
    say!(
        "{}",
        output::table(
            &[
                "stage prior",
                "closed deals that reached it",
                "won",
                "Foundation",
                "prior"
            ],
            m.prior.stages.iter().map(|s| vec![
                s.name.clone(),
                s.reached.to_string(),
                s.won.to_string(),
                s.foundation.map(percent).unwrap_or_else(|| "-".into()),
                percent(s.rate),
            ])
        )
    );
    Ok(())
}

#[derive(Serialize)]
struct DealRow {
    deal: String,
    account: String,
    owner: String,
    stage: String,
    amount: Option<Money>,
    close_date: Option<NaiveDate>,
    probability: f64,
    score: DealScore,
    signals: Vec<String>,
}

async fn deals(
    ctx: &Context,
    store: &dyn Store,
    owner: Option<&str>,
    limit: usize,
) -> anyhow::Result<()> {
    let loaded = Loaded::read(ctx, store).await?;
    let config = config(ctx)?;
    let f = loaded.frame();
    let (m, _) = model(store, &f).await?;
    let owner_id = owner.map(|o| loaded.rep_by_name(o)).transpose()?;
    let mut open: Vec<usize> = (0..f.len())
        .filter(|&i| f.is_open(i))
        .filter(|&i| owner_id.is_none() || f.deals[i].owner == owner_id)
        .collect();
    open.sort_by_key(|&i| std::cmp::Reverse(f.deals[i].amount.map_or(0, |m| m.minor())));
    open.truncate(limit);
    let today = SystemClock.today();
    let names = loaded.rep_names();
    let accounts: HashMap<_, &str> = loaded
        .accounts
        .iter()
        .map(|a| (a.id, a.name.as_str()))
        .collect();
    let scores = m.score(&f, &open, today, &names);
    let rows: Vec<DealRow> = open
        .iter()
        .zip(scores)
        .map(|(&i, s)| {
            let o = &f.deals[i];
            DealRow {
                deal: o.name.clone(),
                account: o
                    .account_id
                    .and_then(|a| accounts.get(&a))
                    .unwrap_or(&"")
                    .to_string(),
                owner: o
                    .owner
                    .and_then(|r| names.get(&r).cloned())
                    .unwrap_or_default(),
                stage: o.stage.to_string(),
                amount: o.amount,
                close_date: o.close_date,
                probability: s.probability,
                signals: signals::evaluate(&f, i, today, true, &config)
                    .iter()
                    .map(|x| x.signal.label().to_string())
                    .collect(),
                score: s,
            }
        })
        .collect();
    if ctx.json {
        return output::json(&rows);
    }
    say!(
        "Open deals, largest first; win probability from {}.",
        m.basis()
    );
    say!(
        "{}",
        output::table(
            &[
                "deal",
                "owner",
                "stage",
                "amount",
                "close",
                "win",
                "why (log-odds)",
                "signals"
            ],
            rows.iter().map(|r| vec![
                r.deal.clone(),
                r.owner.clone(),
                r.stage.clone(),
                r.amount.map(|m| m.to_string()).unwrap_or_default(),
                r.close_date.map(|d| d.to_string()).unwrap_or_default(),
                percent(r.probability),
                r.score
                    .factors
                    .iter()
                    .take(3)
                    .map(|x| if x.effect == 0.0 {
                        x.value.clone()
                    } else {
                        format!("{} {} ({:+.2})", x.name, x.value, x.effect)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                r.signals.join(", "),
            ])
        )
    );
    Ok(())
}

/// Saves today's open pipeline (with the current scores) as a snapshot; returns its size.
/// Refused when a snapshot of that day exists.
pub async fn take_snapshot(
    ctx: &Context,
    store: &dyn Store,
    day: NaiveDate,
    by: &str,
) -> anyhow::Result<usize> {
    let loaded = Loaded::read(ctx, store).await?;
    let f = loaded.frame();
    let (m, _) = model(store, &f).await?;
    let open: Vec<usize> = (0..f.len()).filter(|&i| f.is_open(i)).collect();
    let probabilities = m.probabilities(&f, &open, day);
    let deals = snapshot::take(&f, &open, &probabilities);
    save_snapshot(store, day, by, SnapshotSource::Report, deals).await
}

async fn save_snapshot(
    store: &dyn Store,
    day: NaiveDate,
    by: &str,
    source: SnapshotSource,
    deals: Vec<DealSnapshot>,
) -> anyhow::Result<usize> {
    let n = deals.len();
    let snap = Snapshot {
        info: SnapshotInfo {
            taken_on: day,
            taken_at: Utc::now(),
            taken_by: by.to_string(),
            source,
            deals: n,
        },
        deals,
    };
    let audit = AuditEntry::new(
        by,
        "pipeline.snapshot",
        format!("pipeline snapshot {day}"),
        serde_json::json!({"source": source.as_str(), "deals": n}),
    );
    store
        .pipeline_write(PipelineWrite::Snapshot(&snap), &audit)
        .await?;
    Ok(n)
}

#[derive(Serialize)]
pub struct Backfilled {
    pub made: Vec<NaiveDate>,
    pub kept: usize,
}

/// Reconstructs the Mondays of the last `weeks` weeks that have no snapshot.
pub async fn backfill(
    ctx: &Context,
    store: &dyn Store,
    today: NaiveDate,
    weeks: u32,
    by: &str,
) -> anyhow::Result<Backfilled> {
    let loaded = Loaded::read(ctx, store).await?;
    let f = loaded.frame();
    let have: HashSet<NaiveDate> = store
        .snapshots()
        .await?
        .into_iter()
        .map(|s| s.taken_on)
        .collect();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let mut made = Vec::new();
    let mut kept = 0;
    let pb = output::bar(u64::from(weeks), "snapshots", false);
    if ctx.json {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    // Each month's snapshots are scored by a model trained on the deals closed before that
    // month began (the stage prior of that day when too few had closed): nothing a snapshot
    // says depends on what happened after it.
    let mut models: HashMap<NaiveDate, Option<DealModel>> = HashMap::new();
    let mut snaps = Vec::new();
    for w in (0..i64::from(weeks)).rev() {
        let day = monday - Duration::weeks(w);
        pb.inc(1);
        if day >= today {
            continue;
        }
        if have.contains(&day) {
            kept += 1;
            continue;
        }
        let month = day.with_day(1).expect("the first exists");
        let m = models.entry(month).or_insert_with(|| {
            DealModel::train_before(&f, Some(month), |_| {})
                .ok()
                .map(|t| t.0)
        });
        let deals = match m {
            Some(m) => snapshot::reconstruct_with(&f, day, m),
            None => snapshot::reconstruct(&f, day),
        };
        snaps.push(Snapshot {
            info: SnapshotInfo {
                taken_on: day,
                taken_at: Utc::now(),
                taken_by: by.to_string(),
                source: SnapshotSource::Reconstructed,
                deals: deals.len(),
            },
            deals,
        });
        made.push(day);
    }
    pb.finish_and_clear();
    if !snaps.is_empty() {
        // One transaction and one audit record for the whole backfill.
        let audit = AuditEntry::new(
            by,
            "pipeline.snapshots_rebuilt",
            format!("{} pipeline snapshots", snaps.len()),
            serde_json::json!({"days": made, "source": "reconstructed"}),
        );
        store
            .pipeline_write(PipelineWrite::Snapshots(&snaps), &audit)
            .await?;
    }
    Ok(Backfilled { made, kept })
}

async fn snapshots_cmd(ctx: &Context, store: &dyn Store) -> anyhow::Result<()> {
    let list = store.snapshots().await?;
    if ctx.json {
        return output::json(&list);
    }
    if list.is_empty() {
        say!(
            "No snapshots yet: `roomwork draft pipeline-report` saves one each week; `roomwork pipeline backfill` rebuilds past weeks."
        );
        return Ok(());
    }
    say!(
        "{}",
        output::table(
            &["day", "source", "open deals", "taken by"],
            list.iter().map(|s| vec![
                s.taken_on.to_string(),
                s.source.as_str().to_string(),
                s.deals.to_string(),
                s.taken_by.clone(),
            ])
        )
    );
    Ok(())
}

/// The snapshots that can open `period`'s neighbours (every stored one, with deals).
async fn load_snapshots(
    store: &dyn Store,
    since: NaiveDate,
) -> anyhow::Result<Vec<(NaiveDate, Vec<DealSnapshot>)>> {
    let mut out = Vec::new();
    for info in store.snapshots().await? {
        if info.taken_on < since {
            continue;
        }
        out.push((info.taken_on, store.snapshot(info.taken_on).await?.deals));
    }
    Ok(out)
}

fn parse_period(p: Option<&str>, today: NaiveDate) -> anyhow::Result<Period> {
    match p {
        Some(p) => Period::parse(p).map_err(|e| InvalidInput(e).into()),
        None => Ok(Period::month_of(today)),
    }
}

fn scope_of(o: &ForecastOverride) -> Option<RepId> {
    (o.scope != "team").then(|| o.scope.parse().ok()).flatten()
}

async fn forecast_cmd(
    ctx: &Context,
    store: &dyn Store,
    period: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let (fc, basis, names) = compute_forecast(ctx, store, period, today).await?;
    forecast_out(ctx, fc, &basis, &names)
}

/// The forecast for a period (this month without one), the basis of its win probabilities,
/// and the reps' names: what `pipeline forecast` prints and the web app's forecast page shows.
pub async fn compute_forecast(
    ctx: &Context,
    store: &dyn Store,
    period: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<(forecast::Forecast, String, HashMap<RepId, String>)> {
    let period = parse_period(period, today)?;
    let loaded = Loaded::read(ctx, store).await?;
    let f = loaded.frame();
    let (m, _) = model(store, &f).await?;
    let open: Vec<usize> = (0..f.len()).filter(|&i| f.is_open(i)).collect();
    let p = m.probabilities(&f, &open, today);
    let open: Vec<(usize, f64)> = open.into_iter().zip(p).collect();
    // Bias looks back two years of periods.
    let snaps = load_snapshots(store, today - Duration::days(800)).await?;
    let key = period.to_string();
    let currency = forecast::main_currency(&f);
    let overrides: Vec<forecast::Override> = store
        .forecast_overrides()
        .await?
        .into_iter()
        .filter(|o| o.period == key && o.amount.currency() == currency)
        .map(|o| forecast::Override {
            rep: scope_of(&o),
            amount: o.amount.minor(),
            by: o.made_by,
            reason: o.reason,
            at: o.made_at,
        })
        .collect();
    let fc = forecast::build(&f, &open, period, today, &snaps, &overrides);
    Ok((fc, m.basis().to_string(), loaded.rep_names()))
}

fn forecast_out(
    ctx: &Context,
    fc: forecast::Forecast,
    basis: &str,
    names: &HashMap<RepId, String>,
) -> anyhow::Result<()> {
    if ctx.json {
        #[derive(Serialize)]
        struct Named<'a> {
            name: String,
            #[serde(flatten)]
            line: &'a forecast::Line,
        }
        let reps: Vec<Named> = fc
            .reps
            .iter()
            .map(|l| Named {
                name: l
                    .rep
                    .and_then(|r| names.get(&r).cloned())
                    .unwrap_or_default(),
                line: l,
            })
            .collect();
        return output::json(&serde_json::json!({
            "period": fc.period.to_string(),
            "today": fc.today,
            "currency": fc.currency.code(),
            "basis": basis,
            "team": fc.team,
            "reps": reps,
            "other_currency": fc.other_currency,
            "overdue_not_counted": fc.overdue_not_counted,
            "in_period_rate": fc.in_period,
        }));
    }
    let money = |x: i64| Money::from_minor(x, fc.currency).to_string();
    say!(
        "Forecast for {} ({} to {}), made {}; win probabilities from {}.",
        fc.period,
        fc.period.start(),
        fc.period.end(),
        fc.today,
        basis
    );
    let line = |name: String, l: &forecast::Line| {
        vec![
            name,
            money(l.closed),
            money(l.commit),
            money(l.best_case),
            money(l.pipeline),
            money(l.call()),
            format!(
                "{} ({}–{})",
                money(l.ai.expected),
                money(l.ai.p10),
                money(l.ai.p90)
            ),
            l.bias
                .as_ref()
                .map(|b| match b.relative {
                    // The tendency is read against the team's factor; the call is adjusted by
                    // the rep's own (which can be above 1 for an over-caller on a team whose
                    // calls all miss in-period deals).
                    Some(r) => format!(
                        "{} ({:.2} of the team's factor); won ×{:.2} the call, over {} periods",
                        b.tendency, r, b.factor, b.periods
                    ),
                    None => format!(
                        "{}: won ×{:.2} the call, over {} periods",
                        b.tendency, b.factor, b.periods
                    ),
                })
                .unwrap_or_else(|| "-".into()),
            l.adjusted_call.map(money).unwrap_or_else(|| "-".into()),
            l.overridden
                .as_ref()
                .map(|o| format!("{} by {}: {}", money(o.amount), o.by, o.reason))
                .unwrap_or_else(|| "-".into()),
        ]
    };
    let mut rows: Vec<Vec<String>> = fc
        .reps
        .iter()
        .map(|l| {
            line(
                l.rep
                    .and_then(|r| names.get(&r).cloned())
                    .unwrap_or_default(),
                l,
            )
        })
        .collect();
    rows.sort();
    rows.push(line("Team".into(), &fc.team));
    say!(
        "{}",
        output::table(
            &[
                "rep",
                "won",
                "commit",
                "best case",
                "pipeline",
                "call (won+commit)",
                "AI forecast (P10–P90)",
                "bias",
                "call × bias",
                "override"
            ],
            rows
        )
    );
    say!("Interval: {}.", fc.team.ai.method);
    match fc.in_period {
        Some((r, n)) => say!(
            "Win probabilities are multiplied by {}: the share of won value that closed in the period it was due, over {n} closed periods.",
            percent(r)
        ),
        None => say!(
            "No closed period with an opening snapshot yet: win probabilities are used as they are (a won deal may still close late)."
        ),
    }
    if fc.overdue_not_counted > 0 {
        say!(
            "{} open deals have a close date before this period and are not counted: update their close dates.",
            fc.overdue_not_counted
        );
    }
    if fc.other_currency > 0 {
        say!(
            "{} deals in another currency than {} are left out.",
            fc.other_currency,
            fc.currency.code()
        );
    }
    if fc.team.bias.is_none() {
        say!(
            "Bias needs two closed periods with a snapshot in their first week (`roomwork pipeline backfill` rebuilds past weeks)."
        );
    }
    Ok(())
}

async fn override_cmd(
    ctx: &Context,
    store: &dyn Store,
    period: &str,
    rep: Option<&str>,
    amount: &str,
    by: &str,
    reason: &str,
) -> anyhow::Result<()> {
    let (o, period) = record_override(ctx, store, period, rep, amount, by, reason).await?;
    let amount = o.amount;
    if ctx.json {
        return output::json(&o);
    }
    say!(
        "Recorded {}'s forecast of {amount} for {} in {period}: {reason}",
        by,
        rep.unwrap_or("the team")
    );
    Ok(())
}

/// Records a person's forecast override for a rep (by name) or the team, audited.
pub async fn record_override(
    ctx: &Context,
    store: &dyn Store,
    period: &str,
    rep: Option<&str>,
    amount: &str,
    by: &str,
    reason: &str,
) -> anyhow::Result<(ForecastOverride, Period)> {
    let period = Period::parse(period).map_err(InvalidInput)?;
    if by.trim().is_empty() || reason.trim().is_empty() {
        return Err(
            InvalidInput("an override names who makes it and why (the reason)".into()).into(),
        );
    }
    let loaded = Loaded::read(ctx, store).await?;
    let f = loaded.frame();
    let currency: Currency = forecast::main_currency(&f);
    // The messages name the field, not a flag: the web app's form gives the same values.
    let amount =
        Money::parse(amount, currency).map_err(|e| InvalidInput(format!("amount: {e}")))?;
    if amount.minor() < 0 {
        return Err(InvalidInput("amount: a forecast is not negative".into()).into());
    }
    // Ten trillion in any currency is a typing slip, and sums of such amounts would overflow.
    if amount.minor() > 1_000_000_000_000_000 {
        return Err(InvalidInput(format!(
            "amount: {amount} is more than any forecast; check the digits"
        ))
        .into());
    }
    let scope = match rep {
        Some(name) => loaded.rep_by_name(name)?.to_string(),
        None => "team".into(),
    };
    let o = ForecastOverride {
        period: period.to_string(),
        scope: scope.clone(),
        amount,
        made_by: by.to_string(),
        reason: reason.to_string(),
        made_at: Utc::now(),
    };
    let audit = AuditEntry::new(
        by,
        "pipeline.forecast_override",
        format!("forecast {period} {}", rep.unwrap_or("team")),
        serde_json::json!({"period": o.period, "scope": scope, "amount": amount.to_string(), "reason": reason}),
    );
    store
        .pipeline_write(PipelineWrite::Override(&o), &audit)
        .await?;
    Ok((o, period))
}

async fn accuracy_cmd(
    ctx: &Context,
    store: &dyn Store,
    per: &str,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let kind = match per {
        "month" => Period::month_of(today),
        "quarter" => Period::quarter_of(today),
        other => return Err(InvalidInput(format!("--per {other:?}: month or quarter")).into()),
    };
    let loaded = Loaded::read(ctx, store).await?;
    let f = loaded.frame();
    let snaps = load_snapshots(store, today - Duration::days(1200)).await?;
    let currency = forecast::main_currency(&f);
    let overrides: Vec<(Period, i64, chrono::DateTime<Utc>)> = store
        .forecast_overrides()
        .await?
        .into_iter()
        .filter(|o| o.scope == "team" && o.amount.currency() == currency)
        .filter_map(|o| Some((Period::parse(&o.period).ok()?, o.amount.minor(), o.made_at)))
        .collect();
    let acc = forecast::accuracy(&f, &snaps, kind, today, &overrides);
    if ctx.json {
        return output::json(&serde_json::json!({"currency": currency.code(), "periods": acc}));
    }
    if acc.is_empty() {
        say!(
            "No closed period has a snapshot in its first week yet (`roomwork pipeline backfill` rebuilds past weeks)."
        );
        return Ok(());
    }
    let money = |x: i64| Money::from_minor(x, currency).to_string();
    let cell = |a: &forecast::Accuracy, x: i64| {
        format!(
            "{} ({})",
            money(x),
            a.error(x)
                .map(|e| format!("{:+.0}%", e * 100.0))
                .unwrap_or_else(|| "-".into())
        )
    };
    say!(
        "Each forecast as read from the period's opening snapshot, against what was won (error in brackets):"
    );
    say!(
        "{}",
        output::table(
            &[
                "period", "snapshot", "won", "call", "upside", "AI", "override"
            ],
            acc.iter().map(|a| vec![
                a.period.to_string(),
                a.snapshot.to_string(),
                money(a.actual),
                cell(a, a.call),
                cell(a, a.upside),
                cell(a, a.ai),
                a.overridden
                    .map(|o| cell(a, o))
                    .unwrap_or_else(|| "-".into()),
            ])
        )
    );
    let mape = |pick: &dyn Fn(&forecast::Accuracy) -> Option<i64>| {
        let errs: Vec<f64> = acc
            .iter()
            .filter_map(|a| pick(a).and_then(|x| a.error(x)).map(f64::abs))
            .collect();
        (!errs.is_empty()).then(|| errs.iter().sum::<f64>() / errs.len() as f64)
    };
    let show = |x: Option<f64>| x.map(percent).unwrap_or_else(|| "-".into());
    say!(
        "Mean absolute error: call {}, upside {}, AI {}, override {}.",
        show(mape(&|a| Some(a.call))),
        show(mape(&|a| Some(a.upside))),
        show(mape(&|a| Some(a.ai))),
        show(mape(&|a| a.overridden))
    );
    Ok(())
}
