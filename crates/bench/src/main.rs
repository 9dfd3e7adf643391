//! `roomwork-bench`: speed figures measured next to a baseline in the same run, so that a
//! shared, noisy machine changes both sides alike and the ratio means something.
//!
//! `roomwork-bench pipeline` times risk signals and the weekly report on the large demo company
//! next to DuckDB (see `pipeline.rs`); `roomwork-bench leads` times lead scoring (`leads.rs`).
//!
//! `roomwork-bench import --rows 1000000` writes a Salesforce opportunity report of that many
//! rows from the demo generator, then times, each after a `sync`: `sqlite3 DB ".import --csv
//! FILE t"` (SQLite's own CSV loader into an unindexed table: the floor for getting those bytes
//! into SQLite); `roomwork import --no-refresh FILE` into a fresh data directory (detection,
//! parsing every cell, stage reconciliation, account and rep resolution, upserts into indexed
//! tables, stage history, one transaction); and `roomwork import FILE` as a user runs it, which
//! then re-evaluates the deals it touched. It prints the times and the ratio of the import to
//! `.import`. Target: within 2x of sqlite3.
//!
//! A second baseline shows where that target stands: the same `sqlite3 .import` followed by
//! `INSERT ... SELECT` into roomwork's own schema (its migration, with its primary keys, unique
//! record keys, indexes and stage history; ids time-ordered as roomwork's UUIDv7 are). That is
//! SQLite doing the writes roomwork must do, with no Rust, no parsing and no matching, and with
//! foreign keys checked as roomwork checks them: the floor for this schema.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

mod leads;
mod pipeline;

// The allocator the roomwork binary uses, so that timings match what it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "roomwork benchmarks against same-run baselines")]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Lead scoring: training against scikit-learn, LightGBM and a naive-Bayes prior on bank
    /// marketing; batch scoring of 1,000,000 leads; HTTP score+route+store latency with oha.
    Leads(leads::Args),
    /// Risk signals for every open deal plus the weekly report on the demo company, next to
    /// the same computation in DuckDB over the same data.
    Pipeline(pipeline::Args),
    /// CRM import of an opportunity report versus `sqlite3 .import` of the same file.
    Import {
        /// Rows in the generated report.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Working directory for the file and databases.
        #[arg(long, default_value = "bench-out")]
        dir: PathBuf,
        /// Runs of each side; the fastest is reported.
        #[arg(long, default_value_t = 1)]
        runs: usize,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Bench::Import { rows, dir, runs } => import(rows, &dir, runs.max(1)),
        Bench::Leads(args) => leads::run(&args),
        Bench::Pipeline(args) => pipeline::run(&args),
    }
}

/// A Python with `packages`: `given` when passed, else a virtual environment made (once) in
/// `dir/name` with pip.
fn python_env(
    given: Option<&PathBuf>,
    dir: &Path,
    name: &str,
    packages: &[&str],
) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.clone());
    }
    let venv = dir.join(name);
    let py = venv.join("bin/python");
    if !py.exists() {
        eprintln!(
            "making a Python environment with {} in {}",
            packages.join(", "),
            venv.display()
        );
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?
            .success()
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q"])
                .args(packages)
                .status()?
                .success();
        if !ok {
            bail!(
                "could not install {} into {}",
                packages.join(", "),
                venv.display()
            );
        }
    }
    Ok(py)
}

fn roomwork_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let bin = me.with_file_name("roomwork");
    if !bin.exists() {
        bail!(
            "{} not found: build it with `cargo build --release -p roomwork-cli`",
            bin.display()
        );
    }
    Ok(bin)
}

fn write_report(rows: usize, file: &Path) -> anyhow::Result<()> {
    use roomwork_demo::{Generator, Size};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("valid date");
    let started = Instant::now();
    let mut accounts = std::collections::HashMap::new();
    let mut reps = std::collections::HashMap::new();
    let mut opportunities = Vec::with_capacity(rows);
    let size = if rows > 50_000 {
        Size::Large
    } else if rows > 600 {
        Size::Medium
    } else {
        Size::Small
    };
    for batch in Generator::new(size, 42, today).without_activities() {
        reps.extend(batch.reps.iter().map(|r| (r.id, r.name.clone())));
        accounts.extend(batch.accounts.iter().map(|a| (a.id, a.name.clone())));
        opportunities.extend(batch.opportunities);
        if opportunities.len() >= rows {
            break;
        }
    }
    opportunities.truncate(rows);
    let out = std::io::BufWriter::new(std::fs::File::create(file)?);
    roomwork_demo::export::opportunity_report(out, &opportunities, &accounts, &reps, 42)?;
    eprintln!(
        "wrote {} rows ({:.1} MB) to {} in {:.1}s",
        opportunities.len(),
        std::fs::metadata(file)?.len() as f64 / 1e6,
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn time(what: &str, cmd: Command) -> anyhow::Result<f64> {
    time_with_input(what, cmd, None)
}

fn time_with_input(what: &str, mut cmd: Command, input: Option<String>) -> anyhow::Result<f64> {
    use std::io::Write as _;
    use std::process::Stdio;
    // Each side starts with the previous side's writes on disk, not flushing under it.
    let _ = Command::new("sync").status();
    let started = Instant::now();
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().with_context(|| format!("running {what}"))?;
    if let Some(text) = input {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(text.as_bytes())?;
    }
    drop(child.stdin.take());
    let out = child
        .wait_with_output()
        .with_context(|| format!("running {what}"))?;
    let secs = started.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(secs)
}

fn import(rows: usize, dir: &Path, runs: usize) -> anyhow::Result<()> {
    let roomwork = roomwork_binary()?;
    std::fs::create_dir_all(dir)?;
    let file = dir.join(format!("opportunities-{rows}.csv"));
    if !file.exists() {
        write_report(rows, &file)?;
    }
    let mut baseline = f64::INFINITY;
    let mut floor = f64::INFINITY;
    let mut ours = f64::INFINITY;
    let mut whole = f64::INFINITY;
    for run in 0..runs {
        let db = dir.join("sqlite3-baseline.db");
        let _ = std::fs::remove_file(&db);
        let mut cmd = Command::new("sqlite3");
        cmd.arg(&db)
            .arg(format!(".import --csv {} opportunities", file.display()));
        let b = time("sqlite3 .import", cmd)?;
        let db = dir.join("sqlite3-floor.db");
        let _ = std::fs::remove_file(&db);
        let mut cmd = Command::new("sqlite3");
        cmd.arg(&db);
        let f = time_with_input(
            "sqlite3 into roomwork's schema",
            cmd,
            Some(floor_script(&file)),
        )?;
        floor = floor.min(f);
        let data = dir.join("roomwork-data");
        let roomwork_import = |extra: &[&str]| {
            let _ = std::fs::remove_dir_all(&data);
            let mut cmd = Command::new(&roomwork);
            cmd.arg("--data-dir")
                .arg(&data)
                .arg("import")
                .args(extra)
                .arg(&file)
                .env_remove("ROOMWORK_DATABASE_URL");
            time("roomwork import", cmd)
        };
        let o = roomwork_import(&["--no-refresh"])?;
        let w = roomwork_import(&[])?;
        eprintln!(
            "run {}: sqlite3 .import {b:.2}s, sqlite3 into roomwork's schema {f:.2}s, \
             roomwork import --no-refresh {o:.2}s, roomwork import (re-evaluating the deals) {w:.2}s",
            run + 1
        );
        baseline = baseline.min(b);
        ours = ours.min(o);
        whole = whole.min(w);
    }
    println!(
        "| rows | sqlite3 .import (s) | sqlite3 into roomwork's schema (s) | roomwork import --no-refresh (s) | roomwork / .import | roomwork / schema floor | roomwork import, deals re-evaluated (s) |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {rows} | {baseline:.2} | {floor:.2} | {ours:.2} | {:.2}x (target <= 2.00x: {}) | {:.2}x | {whole:.2} |",
        ours / baseline,
        if ours / baseline <= 2.0 {
            "met"
        } else {
            "not met"
        },
        ours / floor
    );
    Ok(())
}

/// `sqlite3` commands that load the report and write it into roomwork's schema with SQL alone.
fn floor_script(file: &Path) -> String {
    // The core tables, and the deal tables as migration 0010 rebuilt them (deferred keys).
    let schema = include_str!("../../store/migrations/sqlite/0001_core.sql");
    let deals = include_str!("../../store/migrations/sqlite/0010_deferred_deal_keys.sql");
    format!(
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA foreign_keys=ON;\nPRAGMA cache_size=-131072;\n{schema}\n{deals}\n\
         .import --csv {} raw\n\
         BEGIN;\n\
         INSERT INTO reps (id, name, name_key, weekly_lead_capacity, active) \
           SELECT lower(hex(randomblob(16))), \"Opportunity Owner\", lower(\"Opportunity Owner\"), 20, 1 \
           FROM raw WHERE \"Opportunity Owner\" <> '' GROUP BY \"Opportunity Owner\";\n\
         INSERT INTO accounts (id, ext_key, name, name_key, health, created_at) \
           SELECT lower(hex(randomblob(16))), 'name:account:' || lower(\"Account Name\"), \"Account Name\", \
           lower(\"Account Name\"), 'healthy', 0 FROM raw WHERE \"Account Name\" <> '' GROUP BY \"Account Name\";\n\
         INSERT INTO opportunities (id, ext_key, name, account_id, owner_id, stage, amount_minor, currency, \
           close_date, next_step, created_on, forecast_category) \
           SELECT printf('00000000-0000-7000-8000-%012x', raw.rowid), 'salesforce:opportunity:' || \"Opportunity ID\", \"Opportunity Name\", \
           a.id, r.id, \"Stage\", CAST(replace(replace(\"Amount\", '$', ''), ',', '') AS REAL) * 100, 'USD', \
           \"Close Date\", \"Next Step\", \"Created Date\", \"Forecast Category\" \
           FROM raw JOIN accounts a ON a.name = raw.\"Account Name\" JOIN reps r ON r.name = raw.\"Opportunity Owner\" \
           ORDER BY raw.rowid;\n\
         INSERT INTO stage_changes (opportunity_id, stage, entered_on) SELECT id, stage, created_on FROM opportunities;\n\
         COMMIT;\n",
        file.display()
    )
}
