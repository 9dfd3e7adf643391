//! `roomwork leads ...` and `roomwork serve`: training, scoring and routing, the governance
//! report, promotion, the alert threshold and recalibration. The engines are in
//! `roomwork_scoring`; intake (score, route, store) is shared with the server.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;
use roomwork_scoring::calibrate::{Calibrator, Method};
use roomwork_scoring::model::{Engine, Model, Options, Schema};
use roomwork_scoring::report::{self, Evaluation, Quality};
use roomwork_scoring::routing::RoutingConfig;
use roomwork_scoring::{metrics, tabular, train};
use roomwork_server::intake;
use roomwork_store::{AuditEntry, LeadsWrite, ModelRecord, ModelStatus, Store};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::args::{LeadsArgs, LeadsCommand, ServeArgs};
use crate::exit::InvalidInput;
use crate::output::{self, percent, say};

const THRESHOLD_KEY: &str = "leads.alert_threshold";
const DEFAULT_THRESHOLD: f64 = 0.3;

/// What is stored as a version's evaluation.
#[derive(Serialize, Deserialize)]
struct Stored {
    evaluation: Evaluation,
    /// Held-out (probability, converted) pairs, so any threshold can be measured later.
    held_out: Vec<(f64, bool)>,
    /// Against the model that was current, on held-out leads neither learned from.
    comparison: Option<Comparison>,
    /// For a recalibration: the version whose trees it keeps.
    recalibrated_from: Option<i64>,
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Comparison {
    current_version: i64,
    rows: usize,
    candidate: Quality,
    current: Quality,
}

/// `DATA_DIR/leads.toml`, or the defaults.
pub fn config(ctx: &Context) -> anyhow::Result<RoutingConfig> {
    let path = ctx.data_dir.join("leads.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => RoutingConfig::parse(&text)
            .map_err(|e| InvalidInput(format!("{}: {e}", path.display())).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RoutingConfig::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

async fn threshold(store: &dyn Store) -> anyhow::Result<f64> {
    Ok(store
        .setting(THRESHOLD_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_THRESHOLD))
}

pub async fn run(ctx: &Context, args: LeadsArgs) -> anyhow::Result<()> {
    ctx.with_store(async |store| match args.command {
        LeadsCommand::Train {
            csv,
            target,
            exclude,
            time_column,
            test_file,
            calibration,
            by,
        } => {
            let method: Method = calibration.parse().map_err(InvalidInput)?;
            let csv = csv.map(|c| {
                (
                    c,
                    tabular::Spec {
                        target,
                        exclude,
                        time_column,
                    },
                    test_file,
                )
            });
            train_cmd(ctx, store, csv, method, &by).await
        }
        LeadsCommand::Score {
            file,
            mapping,
            dry_run,
        } => score(ctx, store, &file, mapping.as_deref(), dry_run).await,
        LeadsCommand::Report { version } => report_cmd(ctx, store, version).await,
        LeadsCommand::Models => models(ctx, store).await,
        LeadsCommand::Promote {
            version,
            by,
            reason,
            force,
        } => promote(ctx, store, version, &by, &reason, force).await,
        LeadsCommand::Threshold { value, by, reason } => {
            set_threshold(ctx, store, value, &by, &reason).await
        }
        LeadsCommand::Recalibrate {
            if_due,
            promote,
            by,
        } => recalibrate(ctx, store, if_due, promote, &by).await,
    })
    .await
}

fn engine_name(m: &Model) -> &'static str {
    if m.is_prior() { "prior" } else { "trees" }
}

/// Training from a labelled CSV instead of the stored leads: the file, its columns, and an
/// optional separate test file.
type CsvSource = (
    std::path::PathBuf,
    tabular::Spec,
    Option<std::path::PathBuf>,
);

/// A lead model version trained and stored (what `leads train` reports).
pub(crate) struct TrainedVersion {
    pub version: i64,
    /// The first lead model: current at once.
    pub first: bool,
    pub source: String,
    pub trained: train::Trained,
    pub comparison: Option<Comparison>,
    pub from_csv: bool,
}

/// Trains a lead model version on the stored leads (or a CSV), measures it, and stores it with
/// its audit record: current when it is the first, else a candidate for `leads promote`.
pub(crate) async fn train_and_store(
    store: &dyn Store,
    csv: Option<CsvSource>,
    method: Method,
    by: &str,
    quiet: bool,
) -> anyhow::Result<TrainedVersion> {
    let threshold = threshold(store).await?;
    let options = Options {
        calibration: method,
        ..Options::default()
    };
    let pb = output::spinner("training", quiet);
    let progress = |n: usize| pb.set_message(format!("{n} trees"));
    let leads = match csv {
        Some(_) => Vec::new(),
        None => store.leads().await?,
    };
    let (trained, source) = match &csv {
        Some((path, spec, test)) => {
            let data = tabular::read(path, spec, None).map_err(|e| InvalidInput(e.to_string()))?;
            let test = match test {
                Some(t) => Some(
                    tabular::read(t, spec, Some(&data.table))
                        .map_err(|e| InvalidInput(e.to_string()))?,
                ),
                None => None,
            };
            let t = train::from_csv(&data, test.as_ref(), &options, threshold, progress)
                .map_err(|e| InvalidInput(e.to_string()))?;
            (t, format!("file {}", path.display()))
        }
        None => {
            let t = train::from_leads(&leads, &options, threshold, progress)
                .map_err(|e| InvalidInput(e.to_string()))?;
            (t, "stored leads".to_string())
        }
    };
    pb.finish_and_clear();
    let models = store.lead_models().await?;
    let current = intake::current_model(store).await.ok().flatten();
    // Compare with the current model on held-out leads created after it was trained.
    let comparison = match (&current, csv.is_none()) {
        (Some(c), true) => {
            let held: std::collections::HashSet<_> = trained.held_out.iter().collect();
            let after = c.model.training.latest.unwrap_or(i64::MIN);
            let rows: Vec<&roomwork_domain::Lead> = leads
                .iter()
                .filter(|l| held.contains(&l.id) && l.created_at.timestamp() > after)
                .collect();
            let y: Vec<bool> = rows
                .iter()
                .map(|l| l.outcome.is_some_and(|o| o.converted))
                .collect();
            (!rows.is_empty()).then(|| Comparison {
                current_version: c.version,
                rows: rows.len(),
                candidate: Quality::of(
                    &trained
                        .model
                        .probabilities(&train::lead_rows(&trained.model, &rows), 2),
                    &y,
                ),
                current: Quality::of(
                    &c.model.probabilities(&train::lead_rows(&c.model, &rows), 2),
                    &y,
                ),
            })
        }
        _ => None,
    };
    let version = next_version(&models);
    let first = csv.is_none() && !models.iter().any(|m| m.status == ModelStatus::Current);
    let now = Utc::now();
    let stored = Stored {
        evaluation: trained.evaluation.clone(),
        held_out: trained.held_out_scores.clone(),
        comparison: comparison.clone(),
        recalibrated_from: None,
    };
    let record = ModelRecord {
        version,
        created_at: now,
        status: if first {
            ModelStatus::Current
        } else {
            ModelStatus::Candidate
        },
        schema: if csv.is_some() { "columns" } else { "leads" }.into(),
        engine: engine_name(&trained.model).into(),
        trained_by: by.to_string(),
        source: source.clone(),
        model: serde_json::to_string(&trained.model)?,
        evaluation: serde_json::to_string(&stored)?,
        promoted_at: first.then_some(now),
        promoted_by: first.then(|| by.to_string()),
    };
    let q = trained.evaluation.quality;
    let audit = AuditEntry::new(
        by,
        "leads.model_trained",
        format!("lead model v{version}"),
        serde_json::json!({
            "version": version, "source": source, "engine": record.engine,
            "auc": q.auc, "brier": q.brier, "log_loss": q.log_loss,
            "became_current": first,
        }),
    );
    store
        .leads_write(LeadsWrite::AddModel(&record), &audit)
        .await?;
    Ok(TrainedVersion {
        version,
        first,
        source,
        trained,
        comparison,
        from_csv: csv.is_some(),
    })
}

async fn train_cmd(
    ctx: &Context,
    store: &dyn Store,
    csv: Option<CsvSource>,
    method: Method,
    by: &str,
) -> anyhow::Result<()> {
    let TrainedVersion {
        version,
        first,
        source,
        trained,
        comparison,
        from_csv,
    } = train_and_store(store, csv, method, by, ctx.json).await?;
    let status = if first {
        ModelStatus::Current
    } else {
        ModelStatus::Candidate
    };
    if ctx.json {
        return output::json(&serde_json::json!({
            "version": version,
            "status": status,
            "basis": trained.model.basis(),
            "training": trained.model.training,
            "evaluation": trained.evaluation,
            "comparison": comparison,
        }));
    }
    say!(
        "lead model v{version} trained on {source}: {}",
        trained.model.basis()
    );
    say!(
        "fitted in {:.2} s; held out {} rows ({} converted)",
        trained.model.training.seconds,
        trained.evaluation.rows,
        trained.evaluation.conversions
    );
    say!(
        "{}",
        quality_table(&trained.evaluation, comparison.as_ref())
    );
    if first {
        say!("v{version} is the first lead model and is now current.");
    } else if from_csv {
        say!("v{version} read a CSV's columns: kept for its report, it cannot score leads.");
    } else {
        match &comparison {
            Some(c) => say!(
                "Compared with current v{} on {} held-out leads it did not learn from (see the table). Promote with: roomwork leads promote {version} --by NAME",
                c.current_version,
                c.rows
            ),
            None => say!(
                "No held-out lead is newer than the current model's training, so they cannot be compared yet. Promote with: roomwork leads promote {version} --by NAME"
            ),
        }
    }
    Ok(())
}

/// What the demo's lead scoring did.
#[derive(Debug, Serialize)]
pub(crate) struct DemoLeads {
    /// The model version that scored (the current one: the demo's first, on a fresh store).
    pub model_version: i64,
    /// How it scores.
    pub basis: String,
    /// Its AUC on the held-out leads.
    pub held_out_auc: Option<f64>,
    /// Open leads of the last seven days scored and routed.
    pub scored: usize,
    /// Of those, routed to a rep (the rest to a queue).
    pub routed_to_reps: usize,
}

/// Lead scoring on the demo company: the first model is trained on the decided leads (and so
/// becomes current), then the leads still open (no outcome yet) that arrived in the last seven
/// days are scored, routed within the reps' weekly capacity and stored with their scores, as
/// `leads score` does with a file. Only a week's arrivals: routing them all (a month's at the
/// medium size) would fill every rep's week and leave the rest, and later leads, to overflow.
pub(crate) async fn demo_leads(
    ctx: &Context,
    store: &dyn Store,
    by: &str,
) -> anyhow::Result<DemoLeads> {
    let t = train_and_store(store, None, Method::Platt, by, true).await?;
    let current = intake::current_model(store)
        .await?
        .context("the demo's first lead model is current")?;
    let now = Utc::now();
    let week_ago = now - chrono::Duration::days(7);
    let open: Vec<roomwork_domain::Lead> = store
        .leads()
        .await?
        .into_iter()
        .filter(|l| l.outcome.is_none() && l.created_at >= week_ago)
        .collect();
    let reps = store.reps().await?;
    let mut load = store.rep_lead_load(intake::week_start(now)).await?;
    let scored = intake::score_and_route(&current, &config(ctx)?, &reps, &mut load, open);
    intake::store_scored(store, &current, &scored, now).await?;
    Ok(DemoLeads {
        model_version: current.version,
        basis: t.trained.model.basis(),
        held_out_auc: t.trained.evaluation.quality.auc,
        scored: scored.len(),
        routed_to_reps: scored.iter().filter(|s| s.assignment.rep.is_some()).count(),
    })
}

/// The number for a new model version.
fn next_version(models: &[ModelRecord]) -> i64 {
    models.iter().map(|m| m.version).max().unwrap_or(0) + 1
}

fn opt(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.4}"))
}

fn quality_table(e: &Evaluation, c: Option<&Comparison>) -> comfy_table::Table {
    let row = |name: String, q: &Quality| {
        vec![
            name,
            opt(q.auc),
            format!("{:.4}", q.brier),
            format!("{:.4}", q.log_loss),
        ]
    };
    let mut rows = vec![
        row(format!("this model ({} held-out rows)", e.rows), &e.quality),
        row("naive-Bayes prior, same rows".into(), &e.prior_quality),
    ];
    if let Some(c) = c {
        rows.push(row(
            format!(
                "this model, {} leads newer than v{}",
                c.rows, c.current_version
            ),
            &c.candidate,
        ));
        rows.push(row(
            format!("current v{}, same {} leads", c.current_version, c.rows),
            &c.current,
        ));
    }
    output::table(&["measured on", "AUC", "Brier", "log loss"], rows)
}

async fn score(
    ctx: &Context,
    store: &dyn Store,
    file: &Path,
    mapping: Option<&Path>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let config = config(ctx)?;
    let current = intake::current_model(store).await?.ok_or_else(|| {
        InvalidInput("no current lead model: run `roomwork leads train` first".into())
    })?;
    let name = file.display().to_string();
    let bytes =
        std::fs::read(file).map_err(|e| InvalidInput(format!("{name}: cannot read: {e}")))?;
    let mapping = match mapping {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| InvalidInput(format!("{}: cannot read: {e}", p.display())))?;
            Some(roomwork_ingest::profiles::Mapping::parse(
                &p.display().to_string(),
                &text,
                roomwork_domain::Currency::USD,
            )?)
        }
        None => None,
    };
    let parsed = roomwork_ingest::parse_file_with(
        &name,
        &bytes,
        mapping.as_ref(),
        roomwork_domain::Currency::USD,
        None,
        &mut |_| {},
    )
    .map_err(|e| InvalidInput(e.to_string()))?;
    let present = parsed.present();
    let mut existing = super::import::load_existing(store).await?;
    let catalog = ctx.foundation()?.stage_catalog();
    let plan = roomwork_ingest::resolve::plan(
        parsed.records,
        &present,
        &mut existing,
        &catalog,
        &roomwork_domain::SystemClock,
        0,
    );
    if plan.batch.leads.is_empty() {
        return Err(InvalidInput(format!(
            "{name}: no leads in this file ({})",
            parsed.profile.label
        ))
        .into());
    }
    let now = Utc::now();
    let reps = store.reps().await?;
    let mut load = store.rep_lead_load(intake::week_start(now)).await?;
    let pb = output::bar(plan.batch.leads.len() as u64, "scoring", false);
    if ctx.json || plan.batch.leads.len() < 10_000 {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let scored = intake::score_and_route(&current, &config, &reps, &mut load, plan.batch.leads);
    pb.finish_and_clear();
    if !dry_run {
        intake::store_scored(store, &current, &scored, now).await?;
    }
    if ctx.json {
        let out: Vec<_> = scored
            .iter()
            .map(|s| serde_json::json!({
                "lead_id": s.lead.id.to_string(), "name": s.lead.name, "company": s.lead.company,
                "probability": s.score.probability, "prior": s.score.prior, "basis": s.score.basis,
                "explanation": s.score.explanation(), "factors": s.score.factors,
                "queue": s.assignment.queue, "rep": s.assignment.rep_name, "reason": s.assignment.reason,
                "expected_value": s.assignment.expected_value,
            }))
            .collect();
        return output::json(
            &serde_json::json!({ "model_version": current.version, "stored": !dry_run, "leads": out }),
        );
    }
    let mut order: Vec<&intake::Scored> = scored.iter().collect();
    order.sort_by(|a, b| b.score.probability.total_cmp(&a.score.probability));
    say!("scored by v{}: {}", current.version, current.model.basis());
    say!(
        "{}",
        output::table(
            &["lead", "score", "routed to", "why", "what moved the score"],
            order.iter().map(|s| vec![
                format!(
                    "{}{}",
                    s.lead.name,
                    s.lead
                        .company
                        .as_deref()
                        .map(|c| format!(", {c}"))
                        .unwrap_or_default()
                ),
                percent(s.score.probability),
                s.assignment
                    .rep_name
                    .clone()
                    .unwrap_or_else(|| s.assignment.queue.clone()),
                s.assignment.reason.clone(),
                s.score.explanation(),
            ])
        )
    );
    say!(
        "{} leads {}",
        scored.len(),
        if dry_run {
            "scored (dry run: nothing stored)"
        } else {
            "scored, routed and stored"
        }
    );
    Ok(())
}

async fn models(ctx: &Context, store: &dyn Store) -> anyhow::Result<()> {
    let models = store.lead_models().await?;
    if ctx.json {
        return output::json(&models);
    }
    if models.is_empty() {
        say!("No lead model yet: run `roomwork leads train`.");
        return Ok(());
    }
    say!(
        "{}",
        output::table(
            &[
                "version",
                "status",
                "engine",
                "trained",
                "by",
                "from",
                "AUC",
                "promoted by"
            ],
            models.iter().map(|m| {
                let auc = serde_json::from_str::<Stored>(&m.evaluation)
                    .ok()
                    .and_then(|s| s.evaluation.quality.auc);
                vec![
                    format!("v{}", m.version),
                    m.status.as_str().into(),
                    m.engine.clone(),
                    m.created_at.format("%Y-%m-%d %H:%M").to_string(),
                    m.trained_by.clone(),
                    m.source.clone(),
                    opt(auc),
                    m.promoted_by.clone().unwrap_or_default(),
                ]
            })
        )
    );
    Ok(())
}

fn pick(models: &[ModelRecord], version: Option<i64>) -> anyhow::Result<&ModelRecord> {
    match version {
        Some(v) => models.iter().find(|m| m.version == v).ok_or_else(|| {
            InvalidInput(format!("no lead model v{v} (see `roomwork leads models`)")).into()
        }),
        None => models
            .iter()
            .find(|m| m.status == ModelStatus::Current)
            .or(models.last())
            .ok_or_else(|| {
                InvalidInput("no lead model yet: run `roomwork leads train`".into()).into()
            }),
    }
}

#[derive(Serialize)]
struct ReportOut<'a> {
    version: i64,
    status: ModelStatus,
    basis: String,
    training: &'a roomwork_scoring::model::Training,
    alert_threshold: f64,
    confusion: metrics::Confusion,
    precision: Option<f64>,
    recall: Option<f64>,
    evaluation: &'a Evaluation,
    comparison: Option<&'a Comparison>,
    drift: Option<report::Drift>,
}

async fn report_cmd(ctx: &Context, store: &dyn Store, version: Option<i64>) -> anyhow::Result<()> {
    let models = store.lead_models().await?;
    let m = pick(&models, version)?;
    let model = Model::from_json(&m.model).context("reading the stored model")?;
    let stored: Stored =
        serde_json::from_str(&m.evaluation).context("reading the stored evaluation")?;
    let e = &stored.evaluation;
    let threshold = threshold(store).await?;
    let (p, y): (Vec<f64>, Vec<bool>) = stored.held_out.iter().copied().unzip();
    let confusion = if p.is_empty() {
        e.confusion
    } else {
        metrics::Confusion::at(&p, &y, threshold)
    };
    let drift = if model.schema == Schema::Leads {
        let recent: Vec<f64> = store
            .lead_scores(Some(m.created_at))
            .await?
            .into_iter()
            .filter(|s| s.model_version == m.version)
            .map(|s| s.probability)
            .collect();
        let arrivals: Vec<chrono::NaiveDate> = store
            .leads()
            .await?
            .iter()
            .map(|l| l.created_at.date_naive())
            .collect();
        Some(report::drift(
            &e.deciles,
            &recent,
            &arrivals,
            Utc::now().date_naive(),
        ))
    } else {
        None
    };
    let out = ReportOut {
        version: m.version,
        status: m.status,
        basis: model.basis(),
        training: &model.training,
        alert_threshold: threshold,
        confusion,
        precision: confusion.precision(),
        recall: confusion.recall(),
        evaluation: e,
        comparison: stored.comparison.as_ref(),
        drift,
    };
    if ctx.json {
        return output::json(&out);
    }
    say!(
        "lead model v{} ({}), trained {} by {} from {}",
        m.version,
        m.status.as_str(),
        m.created_at.format("%Y-%m-%d"),
        m.trained_by,
        m.source
    );
    say!("{}", out.basis);
    if let Some(v) = stored.recalibrated_from {
        say!("recalibration of v{v}: the same trees, calibration refitted on newer outcomes");
    }
    say!("\nQuality on held-out rows (lower Brier and log loss are better):");
    say!("{}", quality_table(e, stored.comparison.as_ref()));
    say!("\nReliability (predicted against observed):");
    say!(
        "{}",
        output::reliability_table(&e.reliability, "leads", "converted")
    );
    say!("\nAt the alert threshold {}:", percent(threshold));
    say!(
        "{}",
        output::table(
            &["", "converted", "did not"],
            [
                vec![
                    "alerted".into(),
                    confusion.true_positives.to_string(),
                    confusion.false_positives.to_string()
                ],
                vec![
                    "not alerted".into(),
                    confusion.false_negatives.to_string(),
                    confusion.true_negatives.to_string()
                ],
            ]
        )
    );
    say!(
        "precision {}, recall {}",
        out.precision.map_or("-".into(), percent),
        out.recall.map_or("-".into(), percent)
    );
    say!(
        "\nThreshold simulator (held-out rows{}):",
        e.weeks
            .map(|w| format!(", {w:.0} weeks"))
            .unwrap_or_default()
    );
    say!(
        "{}",
        output::table(
            &[
                "threshold",
                "alerts",
                "per week",
                "converted",
                "precision",
                "recall"
            ],
            e.simulator.iter().filter(|r| r.alerts > 0).map(|r| vec![
                percent(r.threshold),
                r.alerts.to_string(),
                r.alerts_per_week.map_or("-".into(), |w| format!("{w:.1}")),
                r.converted.to_string(),
                r.precision.map_or("-".into(), percent),
                r.recall.map_or("-".into(), percent),
            ])
        )
    );
    say!("\nWhat the model leans on:");
    say!(
        "{}",
        output::table(
            &["feature", "share"],
            e.importance
                .iter()
                .take(12)
                .map(|(f, s)| vec![f.clone(), percent(*s)])
        )
    );
    if let Some(d) = &out.drift {
        say!(
            "\nDrift since training: {} leads scored by this version; {}",
            d.scored,
            d.verdict
        );
        if let Some(a) = &d.volume_alert {
            say!("ALERT: {a}");
        } else if let Some((w, n)) = d.weekly_volume.last() {
            say!("lead volume: {n} leads in the week of {w}; no sudden drop");
        }
    }
    Ok(())
}

async fn promote(
    ctx: &Context,
    store: &dyn Store,
    version: i64,
    by: &str,
    reason: &str,
    force: bool,
) -> anyhow::Result<()> {
    let models = store.lead_models().await?;
    let m = pick(&models, Some(version))?;
    if m.schema != "leads" {
        return Err(InvalidInput(format!(
            "v{version} was trained on a CSV's columns, not lead features: it cannot score leads"
        ))
        .into());
    }
    if m.status != ModelStatus::Candidate {
        return Err(InvalidInput(format!(
            "v{version} is {}, not a candidate",
            m.status.as_str()
        ))
        .into());
    }
    let stored: Stored = serde_json::from_str(&m.evaluation)?;
    let current = models.iter().find(|m| m.status == ModelStatus::Current);
    let worse = stored
        .comparison
        .as_ref()
        .is_some_and(|c| c.candidate.log_loss > c.current.log_loss);
    if let Some(cur) = current {
        match &stored.comparison {
            Some(c) if c.current_version == cur.version => {}
            _ if force => {}
            _ => {
                return Err(InvalidInput(format!(
                    "v{version} has not been compared with current v{} on the same held-out leads; retrain, or pass --force to promote without a comparison",
                    cur.version
                ))
                .into())
            }
        }
    }
    if worse && !force {
        let c = stored
            .comparison
            .as_ref()
            .expect("worse implies a comparison");
        return Err(InvalidInput(format!(
            "v{version} measured worse than current v{} on the same {} leads (log loss {:.4} against {:.4}); pass --force to promote it anyway",
            c.current_version, c.rows, c.candidate.log_loss, c.current.log_loss
        ))
        .into());
    }
    let audit = AuditEntry::new(
        by,
        "leads.model_promoted",
        format!("lead model v{version}"),
        serde_json::json!({
            "version": version,
            "replaces": current.map(|c| c.version),
            "reason": reason,
            "comparison": stored.comparison,
            "forced": force,
        }),
    );
    store
        .leads_write(
            LeadsWrite::Promote {
                version,
                by,
                at: Utc::now(),
            },
            &audit,
        )
        .await?;
    if ctx.json {
        return output::json(
            &serde_json::json!({ "promoted": version, "replaces": current.map(|c| c.version) }),
        );
    }
    say!(
        "v{version} is now the current lead model{}; the promotion is in the audit trail.",
        current
            .map(|c| format!(" (v{} retired)", c.version))
            .unwrap_or_default()
    );
    Ok(())
}

async fn set_threshold(
    ctx: &Context,
    store: &dyn Store,
    value: f64,
    by: &str,
    reason: &str,
) -> anyhow::Result<()> {
    if !(value > 0.0 && value < 1.0) {
        return Err(InvalidInput(format!(
            "threshold {value}: give a probability between 0 and 1, e.g. 0.35"
        ))
        .into());
    }
    if reason.trim().is_empty() {
        return Err(InvalidInput("--reason: say why the threshold changes".into()).into());
    }
    let old = threshold(store).await?;
    // What the current model's held-out leads say the new threshold will do.
    let models = store.lead_models().await?;
    let effect = models
        .iter()
        .find(|m| m.status == ModelStatus::Current)
        .and_then(|m| serde_json::from_str::<Stored>(&m.evaluation).ok())
        .map(|s| {
            let (p, y): (Vec<f64>, Vec<bool>) = s.held_out.iter().copied().unzip();
            let c = metrics::Confusion::at(&p, &y, value);
            let weeks = s.evaluation.weeks.unwrap_or(1.0);
            serde_json::json!({
                "alerts_per_week": (c.true_positives + c.false_positives) as f64 / weeks,
                "precision": c.precision(), "recall": c.recall(),
            })
        });
    let audit = AuditEntry::new(
        by,
        "leads.threshold_changed",
        "alert threshold",
        serde_json::json!({ "from": old, "to": value, "reason": reason, "expected": effect }),
    );
    store
        .leads_write(
            LeadsWrite::Setting {
                key: THRESHOLD_KEY,
                value: &value.to_string(),
                by,
                at: Utc::now(),
            },
            &audit,
        )
        .await?;
    if ctx.json {
        return output::json(&serde_json::json!({ "from": old, "to": value, "expected": effect }));
    }
    say!(
        "alert threshold {} → {} (audited)",
        percent(old),
        percent(value)
    );
    if let Some(e) = effect {
        say!(
            "on the current model's held-out leads: {:.1} alerts a week, precision {}, recall {}",
            e["alerts_per_week"].as_f64().unwrap_or(0.0),
            e["precision"].as_f64().map_or("-".into(), percent),
            e["recall"].as_f64().map_or("-".into(), percent)
        );
    }
    Ok(())
}

async fn recalibrate(
    ctx: &Context,
    store: &dyn Store,
    if_due: bool,
    promote_it: bool,
    by: &str,
) -> anyhow::Result<()> {
    let config = config(ctx)?;
    let models = store.lead_models().await?;
    let Some(cur) = models.iter().find(|m| m.status == ModelStatus::Current) else {
        return Err(InvalidInput("no current lead model to recalibrate".into()).into());
    };
    let now = Utc::now();
    if if_due {
        let every = config.recalibrate_every_days.ok_or_else(|| {
            InvalidInput("--if-due needs `recalibrate_every_days = N` in leads.toml".into())
        })?;
        let since = cur.promoted_at.unwrap_or(cur.created_at);
        if (now - since).num_days() < i64::from(every) {
            say!(
                "not due: v{} has been current since {}; recalibration every {every} days",
                cur.version,
                since.format("%Y-%m-%d")
            );
            return Ok(());
        }
    }
    let model = Model::from_json(&cur.model)?;
    let Engine::Trees {
        booster,
        calibrator,
    } = &model.engine
    else {
        return Err(InvalidInput("the current model is the naive-Bayes prior: it has no calibration; retrain when there are 100 conversions".into()).into());
    };
    let after = model.training.latest.unwrap_or(i64::MIN);
    let mut fresh: Vec<roomwork_domain::Lead> = store
        .leads()
        .await?
        .into_iter()
        .filter(|l| l.outcome.is_some() && l.created_at.timestamp() > after)
        .collect();
    fresh.sort_by_key(|l| l.created_at);
    let y: Vec<bool> = fresh
        .iter()
        .map(|l| l.outcome.is_some_and(|o| o.converted))
        .collect();
    let pos = y.iter().filter(|&&v| v).count();
    if fresh.len() < 100 || pos < 10 || pos == fresh.len() {
        say!(
            "{} new outcomes since v{} was trained ({pos} converted): recalibration needs 100 with at least 10 conversions",
            fresh.len(),
            cur.version
        );
        return Ok(());
    }
    let refs: Vec<&roomwork_domain::Lead> = fresh.iter().collect();
    let binned = model.binner.transform(&train::lead_rows(&model, &refs));
    let raw = booster.raw_all(&binned, 2);
    let half = fresh.len() / 2;
    let refit = Calibrator::fit(calibrator.method(), &raw[..half], &y[..half]);
    let old_p: Vec<f64> = raw[half..].iter().map(|&r| calibrator.apply(r)).collect();
    let new_p: Vec<f64> = raw[half..].iter().map(|&r| refit.apply(r)).collect();
    let (old_q, new_q) = (
        Quality::of(&old_p, &y[half..]),
        Quality::of(&new_p, &y[half..]),
    );
    let mut recal = model.clone();
    recal.engine = Engine::Trees {
        booster: booster.clone(),
        calibrator: refit,
    };
    // It learned from the first half of the new outcomes: comparisons start after them.
    recal.training.latest = Some(fresh[half - 1].created_at.timestamp());
    recal.training.calibration_rows = half;
    let version = next_version(&models);
    let mut stored: Stored = serde_json::from_str(&cur.evaluation)?;
    stored.comparison = Some(Comparison {
        current_version: cur.version,
        rows: fresh.len() - half,
        candidate: new_q,
        current: old_q,
    });
    stored.recalibrated_from = Some(cur.version);
    // The report, the threshold and drift read the later half under the new calibration.
    stored.held_out = new_p
        .iter()
        .copied()
        .zip(y[half..].iter().copied())
        .collect();
    let mut sorted = new_p.clone();
    sorted.sort_by(f64::total_cmp);
    stored.evaluation.deciles = (1..10)
        .filter_map(|k| sorted.get(k * sorted.len() / 10).copied())
        .collect();
    let record = ModelRecord {
        version,
        created_at: now,
        status: ModelStatus::Candidate,
        schema: "leads".into(),
        engine: "trees".into(),
        trained_by: by.to_string(),
        source: format!(
            "recalibration of v{} on {} new outcomes",
            cur.version,
            fresh.len()
        ),
        model: serde_json::to_string(&recal)?,
        evaluation: serde_json::to_string(&stored)?,
        promoted_at: None,
        promoted_by: None,
    };
    let audit = AuditEntry::new(
        by,
        "leads.model_recalibrated",
        format!("lead model v{version}"),
        serde_json::json!({ "version": version, "from": cur.version, "new_outcomes": fresh.len(),
            "log_loss_before": old_q.log_loss, "log_loss_after": new_q.log_loss }),
    );
    store
        .leads_write(LeadsWrite::AddModel(&record), &audit)
        .await?;
    say!(
        "v{version}: v{}'s trees with calibration refitted on {half} new outcomes; on the {} after them log loss {:.4} → {:.4}, Brier {:.4} → {:.4}",
        cur.version,
        fresh.len() - half,
        old_q.log_loss,
        new_q.log_loss,
        old_q.brier,
        new_q.brier
    );
    if promote_it {
        if new_q.log_loss < old_q.log_loss {
            promote(
                ctx,
                store,
                version,
                by,
                "scheduled recalibration measured better",
                false,
            )
            .await?;
        } else {
            say!(
                "not promoted: it did not measure better than v{}",
                cur.version
            );
        }
    }
    Ok(())
}

/// What the server calls after an approval in the web app applies a CRM update: the same
/// pipeline refresh the CLI runs after `roomwork inbox approve`.
struct RefreshPipeline {
    data_dir: std::path::PathBuf,
    url: String,
}

#[async_trait::async_trait]
impl roomwork_server::Hooks for RefreshPipeline {
    async fn deals_changed(
        &self,
        store: &dyn Store,
        deals: std::collections::HashSet<roomwork_domain::OpportunityId>,
    ) {
        super::pipeline::refresh_after(&self.ctx(), store, deals).await;
    }

    async fn forecast(
        &self,
        store: &dyn Store,
        period: Option<&str>,
    ) -> anyhow::Result<roomwork_server::ForecastView> {
        let today = chrono::Utc::now().date_naive();
        let (forecast, basis, names) =
            super::pipeline::compute_forecast(&self.ctx(), store, period, today).await?;
        Ok(roomwork_server::ForecastView {
            forecast,
            basis,
            names,
        })
    }

    async fn forecast_override(
        &self,
        store: &dyn Store,
        o: roomwork_server::OverrideRequest<'_>,
    ) -> anyhow::Result<()> {
        super::pipeline::record_override(
            &self.ctx(),
            store,
            o.period,
            o.rep,
            o.amount,
            o.by,
            o.reason,
        )
        .await
        .map(|_| ())
    }
}

impl RefreshPipeline {
    fn ctx(&self) -> Context {
        Context {
            data_dir: self.data_dir.clone(),
            url: self.url.clone(),
            json: false,
        }
    }
}

pub async fn serve(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    let config = config(ctx)?;
    let store: Arc<dyn Store> = Arc::from(ctx.store().await?);
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    // The server logs JSON lines on standard error; this is the first.
    roomwork_server::log::event(
        "info",
        "roomwork serving: the web app at the address, the API under /api/v1 (its document at /api/v1/openapi.json); Ctrl-C stops",
        serde_json::json!({
            "url": format!("http://{}", listener.local_addr()?),
            "trusted_proxies": args.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
    );
    let site = roomwork_server::Site {
        data_dir: Some(ctx.data_dir.clone()),
        hooks: Arc::new(RefreshPipeline {
            data_dir: ctx.data_dir.clone(),
            url: ctx.url.clone(),
        }),
        trusted_proxies: args.trusted_proxies.clone(),
        log_requests: true,
    };
    let served = roomwork_server::serve(listener, store.clone(), config, site).await;
    store.close().await;
    served
}
