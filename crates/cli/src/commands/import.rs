//! `roomwork import FILE...`

use std::path::Path;

use anyhow::Context as _;
use std::collections::HashSet;
use std::ops::ControlFlow;

use roomwork_domain::{Batch, Currency, OpportunityId, StageCatalog, SystemClock};
use roomwork_ingest::profiles::{Mapping, Profile};
use roomwork_ingest::resolve::{self, Existing, Plan};
use roomwork_store::{BatchPart, KeyedKind, Store};
use serde::Serialize;

use super::Context;
use crate::args::ImportArgs;
use crate::exit::ImportFailed;
use crate::output;
use crate::output::say;

/// What happened to one file.
#[derive(Debug, Serialize)]
pub struct FileReport {
    /// Path as given.
    pub file: String,
    /// The export layout it was read as.
    pub detected: Option<String>,
    /// Data rows.
    pub rows: usize,
    /// Encoding.
    pub encoding: Option<String>,
    /// Columns nothing used.
    pub ignored_columns: Vec<String>,
    /// Repeated column names.
    pub duplicated_columns: Vec<String>,
    /// Stored or not (dry run, or failure).
    pub stored: bool,
    /// The plan (counts, stage mappings, warnings).
    #[serde(flatten)]
    pub plan: Option<Plan>,
    /// Why the file was refused.
    pub error: Option<String>,
    /// True when the file parsed but the database failed to store it.
    pub store_failed: bool,
    /// Milliseconds spent reading and parsing, planning, and storing.
    pub timings_ms: Timings,
    /// Deals the stored file created, changed, or logged activities or field changes on.
    #[serde(skip)]
    pub touched: HashSet<OpportunityId>,
    /// Parts the file's writes were handed over in (one transaction in all); after a store
    /// failure, the parts handed over before the planner stopped.
    pub parts: usize,
}

/// What the planning thread hands back.
struct Planned {
    plan: Plan,
    existing: Existing,
    touched: HashSet<OpportunityId>,
    /// Non-empty parts sent (none: the file changed nothing).
    parts: usize,
    planned: std::time::Duration,
}

/// Adds the deals `b` writes, or writes activities or field changes of, to `touched`.
fn touched_deals(b: &Batch, touched: &mut HashSet<OpportunityId>) {
    touched.extend(
        b.opportunities
            .iter()
            .map(|o| o.id)
            .chain(b.activities.iter().filter_map(|a| a.opportunity_id))
            .chain(b.field_edits.iter().map(|e| e.opportunity_id)),
    );
}

/// Where an import's time went.
#[derive(Debug, Default, Serialize)]
pub struct Timings {
    /// Decoding, CSV reading, detection and cell parsing.
    pub parse: u64,
    /// Matching against stored records (on its own thread; time spent waiting for the writer
    /// to take a part is left out).
    pub plan: u64,
    /// From the start of planning until the last part is committed: the writes overlap the
    /// planning, so this includes it.
    pub store: u64,
}

/// Options shared with the demo.
pub struct ImportOptions {
    pub mapping: Option<Profile>,
    pub dry_run: bool,
    pub currency: Currency,
    pub default_capacity: u32,
    pub quiet: bool,
    pub date_order: Option<roomwork_ingest::values::DateOrder>,
    /// The canonical stages (the Foundation's, or the default list).
    pub catalog: StageCatalog,
}

/// Loads what the importer needs to know about stored records.
pub async fn load_existing(store: &dyn Store) -> anyhow::Result<Existing> {
    let activity_keys = store.key_index(KeyedKind::Activity).await?;
    Ok(Existing::new(
        store.reps().await?,
        store.accounts().await?,
        store.contacts().await?,
        store.leads().await?,
        store.opportunities(false).await?,
        activity_keys.into_keys(),
    ))
}

/// Imports files in order; each file is stored in one transaction or not at all.
pub async fn import_files(
    store: &dyn Store,
    files: &[impl AsRef<Path>],
    opts: &ImportOptions,
) -> anyhow::Result<Vec<FileReport>> {
    let catalog = &opts.catalog;
    let clock = SystemClock;
    // Records per part: `ROOMWORK_IMPORT_PART` (smaller parts, less memory), else 50,000.
    let part = match std::env::var("ROOMWORK_IMPORT_PART") {
        Err(_) => resolve::STREAM_PART,
        Ok(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                crate::exit::InvalidInput(format!(
                    "ROOMWORK_IMPORT_PART must be a whole number of records above 0, not {v:?}"
                ))
            })?,
    };
    let mut existing = load_existing(store)
        .await
        .context("reading stored records")?;
    let mut reports = Vec::new();
    for path in files {
        let path = path.as_ref();
        let name = path.display().to_string();
        let mut report = FileReport {
            file: name.clone(),
            detected: None,
            rows: 0,
            encoding: None,
            ignored_columns: vec![],
            duplicated_columns: vec![],
            stored: false,
            plan: None,
            error: None,
            store_failed: false,
            timings_ms: Timings::default(),
            touched: HashSet::new(),
            parts: 0,
        };
        let started = std::time::Instant::now();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                report.error = Some(format!("{name}: cannot read: {e}"));
                reports.push(report);
                continue;
            }
        };
        let pb = output::bar(bytes.len() as u64, "reading", true);
        if opts.quiet || bytes.len() < (1 << 20) {
            pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        let parsed = roomwork_ingest::parse_file_with(
            &name,
            &bytes,
            opts.mapping.as_ref(),
            opts.currency,
            opts.date_order,
            &mut |b| pb.set_position(b),
        );
        pb.finish_and_clear();
        drop(bytes);
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                report.error = Some(e.to_string());
                reports.push(report);
                continue;
            }
        };
        report.detected = Some(parsed.profile.label.clone());
        report.rows = parsed.records.len();
        report.encoding = Some(parsed.encoding.to_string());
        report.ignored_columns = parsed.columns.ignored.clone();
        report.duplicated_columns = parsed.columns.duplicated.clone();
        if !opts.quiet {
            eprintln!(
                "{name}: {} ({} rows, {})",
                parsed.profile.label, report.rows, parsed.encoding
            );
        }
        report.timings_ms.parse = started.elapsed().as_millis() as u64;
        let started = std::time::Instant::now();
        let present = parsed.present();
        let parse_warnings = parsed.warnings;
        if opts.dry_run {
            let mut plan = resolve::plan(
                parsed.records,
                &present,
                &mut existing,
                catalog,
                &clock,
                opts.default_capacity,
            );
            plan.warnings.extend(parse_warnings);
            report.timings_ms.plan = started.elapsed().as_millis() as u64;
            report.plan = Some(plan);
            reports.push(report);
            continue;
        }
        // The plan is worked out on a blocking thread and handed over in parts, which this
        // task writes meanwhile, all in one transaction (see `resolve::plan_streaming`).
        let (parts, mut received) = tokio::sync::mpsc::channel(2);
        // The bar counts records stored (deals, accounts, reps, ...: `Batch::len`), which the
        // file's rows only estimate until the plan is known; it grows as parts are planned.
        let pb = output::bar(report.rows as u64, "storing", false);
        if opts.quiet || report.rows < 50_000 {
            pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        let planner = {
            let pb = pb.clone();
            let records = parsed.records;
            let catalog = catalog.clone();
            let capacity = opts.default_capacity;
            let mut existing = std::mem::take(&mut existing);
            tokio::task::spawn_blocking(move || {
                let begun = std::time::Instant::now();
                let mut touched = std::collections::HashSet::new();
                let mut sent = 0;
                let mut to_store = 0u64;
                // Time spent waiting for the writer to take a part is not planning.
                let mut waited = std::time::Duration::ZERO;
                let mut stopped = false;
                let mut send = |b: Batch| {
                    // After the writer gave up, nothing more is handed over or counted.
                    if b.is_empty() || stopped {
                        return ControlFlow::Continue(());
                    }
                    touched_deals(&b, &mut touched);
                    to_store += b.len() as u64;
                    if to_store > pb.length().unwrap_or(0) {
                        pb.set_length(to_store);
                    }
                    let wait = std::time::Instant::now();
                    // A closed channel means the store gave up: nothing more is planned.
                    let handed = parts.blocking_send(BatchPart::Batch(Box::new(b)));
                    waited += wait.elapsed();
                    match handed {
                        Ok(()) => {
                            sent += 1;
                            ControlFlow::Continue(())
                        }
                        Err(_) => {
                            stopped = true;
                            ControlFlow::Break(())
                        }
                    }
                };
                let mut plan = resolve::plan_streaming(
                    records,
                    &present,
                    &mut existing,
                    &catalog,
                    &clock,
                    capacity,
                    Some((part, &mut send)),
                );
                let _ = send(std::mem::take(&mut plan.batch));
                let planned = begun.elapsed().saturating_sub(waited);
                pb.set_length(to_store);
                let _ = parts.blocking_send(BatchPart::End);
                Planned {
                    plan,
                    existing,
                    touched,
                    parts: sent,
                    planned,
                }
            })
        };
        let saved = store.save_batch_parts(&mut received, &|n| pb.inc(n)).await;
        drop(received);
        pb.finish_and_clear();
        let planned = planner.await.context("planning the import")?;
        existing = planned.existing;
        let mut plan = planned.plan;
        plan.warnings.extend(parse_warnings);
        report.timings_ms.plan = planned.planned.as_millis() as u64;
        report.timings_ms.store = started.elapsed().as_millis() as u64;
        if let Err(e) = saved {
            report.error = Some(format!(
                "{name}: storing failed, nothing of it was stored: {e}"
            ));
            report.store_failed = true;
            // Parts planned before the planner heard of the failure; its plan covers only
            // them and none was stored, so it is not reported as created or updated.
            report.parts = planned.parts;
            // What the plan assumed is not stored: read the store again.
            existing = load_existing(store)
                .await
                .context("re-reading stored records")?;
            reports.push(report);
            continue;
        }
        report.stored = planned.parts > 0;
        report.parts = planned.parts;
        report.touched = planned.touched;
        report.plan = Some(plan);
        reports.push(report);
    }
    Ok(reports)
}

pub async fn run(ctx: &Context, args: ImportArgs) -> anyhow::Result<()> {
    ctx.with_store(async |store| run_with(ctx, store, args).await)
        .await
}

async fn run_with(
    ctx: &Context,
    store: &dyn roomwork_store::Store,
    args: ImportArgs,
) -> anyhow::Result<()> {
    let currency = Currency::parse(&args.currency)
        .map_err(|e| crate::exit::InvalidInput(format!("--currency: {e}")))?;
    let mapping = match &args.mapping {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                crate::exit::InvalidInput(format!(
                    "cannot read the mapping file {}: {e}",
                    p.display()
                ))
            })?;
            Some(Mapping::parse(&p.display().to_string(), &text, currency)?)
        }
        None => None,
    };
    let opts = ImportOptions {
        mapping,
        dry_run: args.dry_run,
        currency,
        default_capacity: args.default_capacity,
        quiet: ctx.json,
        date_order: match args.date_order.as_deref() {
            None => None,
            Some("mdy") => Some(roomwork_ingest::values::DateOrder::Mdy),
            Some("dmy") => Some(roomwork_ingest::values::DateOrder::Dmy),
            Some(_) => Some(roomwork_ingest::values::DateOrder::Ymd),
        },
        catalog: ctx.foundation()?.stage_catalog(),
    };
    let reports = import_files(store, &args.files, &opts).await?;
    if ctx.json {
        output::json(&reports)?;
    } else {
        print_reports(&reports, args.dry_run);
    }
    // Every deal the stored files touched is re-evaluated at once (signals and scores).
    let touched: HashSet<OpportunityId> = reports
        .iter()
        .filter(|r| r.stored)
        .flat_map(|r| r.touched.iter().copied())
        .collect();
    if args.no_refresh && !touched.is_empty() && !ctx.json {
        say!(
            "\nThe import touched {} deals and did not re-evaluate them (--no-refresh): run `roomwork pipeline refresh`.",
            touched.len()
        );
    } else if !args.no_refresh
        && let Some(r) = super::pipeline::refresh_after(ctx, store, touched).await
        && !ctx.json
    {
        say!(
            "\nRe-evaluated {} open deals the import touched: {} risk signals raised ({} new). See `roomwork pipeline signals`.",
            r.evaluated,
            r.raised,
            r.newly_raised
        );
    }
    let store_failed = reports.iter().filter(|r| r.store_failed).count();
    if store_failed > 0 {
        return Err(crate::exit::StoreFailed(store_failed).into());
    }
    let failed = reports.iter().filter(|r| r.error.is_some()).count();
    if failed > 0 {
        return Err(ImportFailed {
            failed,
            total: reports.len(),
        }
        .into());
    }
    Ok(())
}

/// Prints reports as tables.
pub fn print_reports(reports: &[FileReport], dry_run: bool) {
    for r in reports {
        say!();
        match (&r.detected, &r.error) {
            (_, Some(e)) if r.plan.is_none() => {
                say!("{}: NOT IMPORTED", r.file);
                say!("{e}");
                continue;
            }
            (Some(d), _) => say!("{}: {d}, {} rows", r.file, r.rows),
            _ => {}
        }
        if !r.duplicated_columns.is_empty() {
            say!(
                "  repeated columns (first non-empty value used): {}",
                r.duplicated_columns.join(", ")
            );
        }
        if !r.ignored_columns.is_empty() {
            say!("  columns not used: {}", r.ignored_columns.join(", "));
        }
        let Some(plan) = &r.plan else { continue };
        let verb = if dry_run { "would be" } else { "" };
        let rows = plan.tallies.iter().map(|(kind, t)| {
            vec![
                kind.to_string(),
                t.created.to_string(),
                t.updated.to_string(),
                t.unchanged.to_string(),
            ]
        });
        let header = if dry_run {
            ["records", "would create", "would update", "unchanged"]
        } else {
            ["records", "created", "updated", "unchanged"]
        };
        say!("{}", output::table(&header, rows));
        if !plan.stages.is_empty() {
            let rows = plan.stages.iter().map(|m| {
                vec![
                    m.raw.clone(),
                    m.canonical
                        .clone()
                        .unwrap_or_else(|| "(not mapped: kept as typed)".into()),
                    match (m.method, m.score) {
                        (Some(method), Some(s)) => format!("{method:?} {s:.2}").to_lowercase(),
                        (Some(method), None) => format!("{method:?}").to_lowercase(),
                        _ => "-".into(),
                    },
                    m.rows.to_string(),
                ]
            });
            say!(
                "{}",
                output::table(&["stage in file", "canonical stage", "match", "rows"], rows)
            );
        }
        if dry_run && !plan.examples.is_empty() {
            let rows = plan
                .examples
                .iter()
                .map(|c| vec![c.action.to_string(), c.kind.to_string(), c.name.clone()]);
            say!("{}", output::table(&["would", "records", "name"], rows));
            // Only the first EXAMPLES_PER_FILE changes are named; accounts created from
            // references are named on their own line below, not here.
            let named = plan.examples.len();
            let total: usize = plan.tallies.values().map(|t| t.created + t.updated).sum();
            let more = total.saturating_sub(named + plan.referenced_accounts.len());
            if named >= resolve::EXAMPLES_PER_FILE && more > 0 {
                say!("  ... and {more} more (--json lists the same first {named})");
            }
        }
        if !plan.new_reps.is_empty() {
            say!(
                "  reps {verb} created from owner names: {}",
                plan.new_reps.join(", ")
            );
        }
        if !plan.referenced_accounts.is_empty() {
            let shown: Vec<&str> = plan
                .referenced_accounts
                .iter()
                .take(10)
                .map(|s| s.as_str())
                .collect();
            let more = plan.referenced_accounts.len().saturating_sub(10);
            say!(
                "  accounts {verb} created from references: {}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
        }
        for w in &plan.warnings {
            say!("  note: {w}");
        }
        if let Some(e) = &r.error {
            say!("{e}");
        } else if dry_run {
            say!("  dry run: nothing was stored");
        }
    }
}
