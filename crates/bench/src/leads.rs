//! `roomwork-bench leads`: lead scoring measured against peers in one run.
//!
//! 1. Training on UCI Bank Marketing (`bank-additional-full.csv`, `duration` dropped because it
//!    is known only after the call; the file is in date order, so the latest 20% is the test
//!    set): roomwork's trees next to scikit-learn's HistGradientBoostingClassifier, LightGBM
//!    (both with default settings) and a naive-Bayes prior, run by `scripts/leads_baselines.py`
//!    in a virtual environment it makes with pip. AUC, Brier, log loss, training seconds (best
//!    of three fits, fit only: binning, trees and, for roomwork, calibration).
//! 2. Batch scoring of 1,000,000 leads (the demo generator's leads repeated), features to
//!    calibrated probability, and the same with every score's factors.
//! 3. `POST /api/v1/leads` (parse, score, route, store in SQLite) at a fixed 1,000 requests a
//!    second with `oha`, next to `GET /healthz` at the same rate as the server's floor.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use roomwork_scoring::model::Options;
use roomwork_scoring::{tabular, train};

#[derive(clap::Args)]
pub struct Args {
    /// The UCI Bank Marketing CSV (bank-additional-full.csv).
    #[arg(
        long,
        default_value = "../shared/datasets/bank-marketing/bank-additional-full.csv"
    )]
    pub data: PathBuf,
    /// Working directory (Python environment, oha, a data directory).
    #[arg(long, default_value = "bench-out")]
    pub dir: PathBuf,
    /// A Python with scikit-learn, lightgbm and pandas (default: make one in DIR/venv).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// An oha binary (default: cargo install it into DIR/tools).
    #[arg(long)]
    pub oha: Option<PathBuf>,
    /// Seconds of load per HTTP run.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Requests per second.
    #[arg(long, default_value_t = 1000)]
    pub rate: u32,
    /// Only the HTTP part (no training comparison, no batch scoring).
    #[arg(long)]
    pub http_only: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    std::fs::create_dir_all(&a.dir)?;
    if !a.http_only {
        training(a)?;
        batch()?;
    }
    http(a)?;
    Ok(())
}

fn python(a: &Args) -> anyhow::Result<PathBuf> {
    crate::python_env(
        a.python.as_ref(),
        &a.dir,
        "venv",
        &["scikit-learn", "lightgbm", "pandas"],
    )
}

fn training(a: &Args) -> anyhow::Result<()> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/leads_baselines.py");
    eprintln!(
        "training on {} (duration dropped, latest 20% held out)",
        a.data.display()
    );
    let out = Command::new(python(a)?)
        .arg(&script)
        .arg(&a.data)
        .args(["--target", "y", "--exclude", "duration", "--runs", "3"])
        .stderr(Stdio::inherit())
        .output()
        .context("running the Python baselines")?;
    if !out.status.success() {
        bail!("the Python baselines failed");
    }
    let peers: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let spec = tabular::Spec {
        target: "y".into(),
        exclude: vec!["duration".into()],
        time_column: None,
    };
    let data = tabular::read(&a.data, &spec, None)?;
    let mut best: Option<train::Trained> = None;
    for _ in 0..3 {
        let t = train::from_csv(&data, None, &Options::default(), 0.3, |_| {})?;
        if best
            .as_ref()
            .is_none_or(|b| t.model.training.seconds < b.model.training.seconds)
        {
            best = Some(t);
        }
    }
    let ours = best.expect("three runs");
    let q = ours.evaluation.quality;
    println!(
        "\n## Training on bank-marketing ({} rows, {} held out)",
        peers["rows"], ours.evaluation.rows
    );
    println!("| model | AUC | Brier | log loss | training s |");
    println!("|---|---|---|---|---|");
    println!(
        "| roomwork ({}) | {:.4} | {:.4} | {:.4} | {:.3} |",
        ours.model.basis(),
        q.auc.unwrap_or(f64::NAN),
        q.brier,
        q.log_loss,
        ours.model.training.seconds
    );
    let mut best_auc = f64::MIN;
    let mut sklearn_s = f64::NAN;
    for m in peers["models"].as_array().into_iter().flatten() {
        let name = m["name"].as_str().unwrap_or("?");
        let auc = m["auc"].as_f64().unwrap_or(f64::NAN);
        if !name.starts_with("naive") {
            best_auc = best_auc.max(auc);
        }
        if name.starts_with("scikit") {
            sklearn_s = m["train_seconds"].as_f64().unwrap_or(f64::NAN);
        }
        println!(
            "| {name} | {auc:.4} | {:.4} | {:.4} | {:.3} |",
            m["brier"].as_f64().unwrap_or(f64::NAN),
            m["log_loss"].as_f64().unwrap_or(f64::NAN),
            m["train_seconds"].as_f64().unwrap_or(f64::NAN)
        );
    }
    let auc = q.auc.unwrap_or(f64::NAN);
    println!(
        "\nAUC against the best boosted baseline: {:+.4} (target: no worse than -0.005) {}",
        auc - best_auc,
        if auc >= best_auc - 0.005 {
            "MET"
        } else {
            "NOT MET"
        }
    );
    let ratio = ours.model.training.seconds / sklearn_s;
    println!(
        "training time against scikit-learn: {ratio:.2}x (target: at most 0.5x) {}",
        if ratio <= 0.5 { "MET" } else { "NOT MET" }
    );
    Ok(())
}

fn batch() -> anyhow::Result<()> {
    use roomwork_demo::{Generator, Size};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("valid date");
    let mut leads = Vec::new();
    for b in Generator::new(Size::Medium, 42, today).without_activities() {
        leads.extend(b.leads);
    }
    let trained = train::from_leads(&leads, &Options::default(), 0.3, |_| {})?;
    let n = 1_000_000;
    let many: Vec<&roomwork_domain::Lead> = leads.iter().cycle().take(n).collect();
    println!("\n## Batch scoring {n} leads ({})", trained.model.basis());
    let mut best = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let started = Instant::now();
        let table = train::lead_rows(&trained.model, &many);
        let p = trained.model.probabilities(&table, 2);
        let probs = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let table = train::lead_rows(&trained.model, &many);
        let s = trained.model.explain_all(&table);
        let explained = started.elapsed().as_secs_f64();
        assert_eq!((p.len(), s.len()), (n, n));
        best = (best.0.min(probs), best.1.min(explained));
    }
    println!(
        "features + trees + calibration: {:.3} s (target under 1 s) {}",
        best.0,
        if best.0 < 1.0 { "MET" } else { "NOT MET" }
    );
    println!("with every score's factors (explanations): {:.3} s", best.1);
    Ok(())
}

fn http(a: &Args) -> anyhow::Result<()> {
    let oha = match &a.oha {
        Some(p) => p.clone(),
        None => {
            let local = a.dir.join("tools/bin/oha");
            if !local.exists() {
                eprintln!(
                    "installing oha (the load tool) into {}",
                    a.dir.join("tools").display()
                );
                let ok = Command::new("cargo")
                    .args(["install", "oha", "--locked", "--root"])
                    .arg(a.dir.join("tools"))
                    .status()?
                    .success();
                if !ok {
                    bail!("could not install oha");
                }
            }
            local
        }
    };
    let roomwork = crate::roomwork_binary()?;
    let data = a.dir.join("http-data");
    let _ = std::fs::remove_dir_all(&data);
    for args in [vec!["demo"], vec!["leads", "train"]] {
        let ok = Command::new(&roomwork)
            .arg("--data-dir")
            .arg(&data)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
            .success();
        if !ok {
            bail!("roomwork {} failed", args.join(" "));
        }
    }
    // The integration's API token (the endpoint takes one with leads:write): made for the
    // demo's sales ops user.
    let out = Command::new(&roomwork)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "--json",
            "users",
            "token",
            "--email",
            "ops@brightwater.example",
            "--name",
            "bench",
            "--scope",
            "leads:write",
            "--by",
            "roomwork-bench",
        ])
        .output()?;
    if !out.status.success() {
        bail!(
            "roomwork users token failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let token: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading the token")?;
    let Some(token) = token["token"].as_str().filter(|t| !t.is_empty()) else {
        bail!("roomwork users token printed no token");
    };
    let bearer = format!("authorization: Bearer {token}");
    // Enough capacity that routing keeps placing leads during the run.
    let port = 18_000 + (std::process::id() % 1000) as u16;
    let mut server = Command::new(&roomwork)
        .arg("--data-dir")
        .arg(&data)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let up = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let result = (|| -> anyhow::Result<()> {
        if !up {
            bail!("roomwork serve did not start");
        }
        let body = r#"{"name":"Lee Park","title":"Director of Engineering","company":"Orca Paper","company_size":1500,"industry":"Pulp & Paper","country":"United States","region":"WA","source":"Webinar","behaviour":{"pages_viewed":12,"form_submissions":1,"email_opens":4,"email_clicks":2}}"#;
        let run = |method: &str, path: &str| -> anyhow::Result<(f64, f64, u64, u64)> {
            let mut cmd = Command::new(&oha);
            cmd.args([
                "--no-tui",
                "--output-format",
                "json",
                "-q",
                &a.rate.to_string(),
                "-z",
                &format!("{}s", a.seconds),
                "-m",
                method,
            ]);
            if method == "POST" {
                cmd.args([
                    "-H",
                    "content-type: application/json",
                    "-H",
                    &bearer,
                    "-d",
                    body,
                ]);
            }
            let out = cmd
                .arg(format!("{base}{path}"))
                .output()
                .context("running oha")?;
            if !out.status.success() {
                bail!("oha failed: {}", String::from_utf8_lossy(&out.stderr));
            }
            let v: serde_json::Value =
                serde_json::from_slice(&out.stdout).context("reading oha's JSON")?;
            let pct = |k: &str| v["latencyPercentiles"][k].as_f64().unwrap_or(f64::NAN) * 1000.0;
            let codes = &v["statusCodeDistribution"];
            let ok = codes["200"].as_u64().unwrap_or(0);
            let all: u64 = codes
                .as_object()
                .map_or(0, |m| m.values().filter_map(|x| x.as_u64()).sum());
            Ok((pct("p50"), pct("p99"), ok, all))
        };
        println!(
            "\n## HTTP at {} requests/s for {} s (oha, open loop)",
            a.rate, a.seconds
        );
        let floor = run("GET", "/healthz")?;
        let ours = run("POST", "/api/v1/leads")?;
        println!("| request | p50 ms | p99 ms | 200s / all |");
        println!("|---|---|---|---|");
        println!(
            "| GET /healthz (floor) | {:.2} | {:.2} | {} / {} |",
            floor.0, floor.1, floor.2, floor.3
        );
        println!(
            "| POST /api/v1/leads (score, route, store) | {:.2} | {:.2} | {} / {} |",
            ours.0, ours.1, ours.2, ours.3
        );
        println!(
            "p99 {:.2} ms (target under 5 ms) {}; {:.1}x the floor's p99",
            ours.1,
            if ours.1 < 5.0 && ours.2 == ours.3 {
                "MET"
            } else {
                "NOT MET"
            },
            ours.1 / floor.1
        );
        Ok(())
    })();
    let _ = server.kill();
    let _ = server.wait();
    result
}
