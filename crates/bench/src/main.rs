//! `roomwork-bench`: speed figures measured next to a baseline in the same run, so that a
//! shared, noisy machine changes both sides alike and the ratio means something.
//!
//! `roomwork-bench import --rows 1000000` writes a Salesforce opportunity report of that many
//! rows from the demo generator, then times `sqlite3 DB ".import --csv FILE t"` (SQLite's own
//! CSV loader into an unindexed table: the floor for getting those bytes into SQLite) and
//! `roomwork import FILE` into a fresh data directory (detection, parsing every cell, stage
//! reconciliation, account and rep resolution, upserts into indexed tables, stage history),
//! and prints both times and their ratio. Target: roomwork within 2x of sqlite3.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "roomwork benchmarks against same-run baselines")]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
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
    }
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

fn time(what: &str, mut cmd: Command) -> anyhow::Result<f64> {
    let started = Instant::now();
    let out = cmd.output().with_context(|| format!("running {what}"))?;
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
    let mut ours = f64::INFINITY;
    for run in 0..runs {
        let db = dir.join("sqlite3-baseline.db");
        let _ = std::fs::remove_file(&db);
        let mut cmd = Command::new("sqlite3");
        cmd.arg(&db)
            .arg(format!(".import --csv {} opportunities", file.display()));
        let b = time("sqlite3 .import", cmd)?;
        let data = dir.join("roomwork-data");
        let _ = std::fs::remove_dir_all(&data);
        let mut cmd = Command::new(&roomwork);
        cmd.arg("--data-dir")
            .arg(&data)
            .arg("import")
            .arg(&file)
            .env_remove("ROOMWORK_DATABASE_URL");
        let o = time("roomwork import", cmd)?;
        eprintln!(
            "run {}: sqlite3 .import {b:.2}s, roomwork import {o:.2}s",
            run + 1
        );
        baseline = baseline.min(b);
        ours = ours.min(o);
    }
    println!("| rows | sqlite3 .import (s) | roomwork import (s) | ratio | target |");
    println!("|---|---|---|---|---|");
    println!(
        "| {rows} | {baseline:.2} | {ours:.2} | {:.2}x | <= 2.00x {} |",
        ours / baseline,
        if ours / baseline <= 2.0 {
            "(met)"
        } else {
            "(NOT met)"
        }
    );
    Ok(())
}
