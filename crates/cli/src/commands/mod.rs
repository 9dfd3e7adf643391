//! One module per command; [`run`] dispatches.

mod audit;
mod calls;
mod capacity;
mod config;
mod copilot;
mod demo;
mod draft;
mod engine;
mod foundation;
mod grounding;
mod hygiene;
mod import;
mod inbox;
mod leads;
mod meetings;
mod pipeline;
mod policy;
mod review;
mod status;
mod users;

use std::path::PathBuf;

use anyhow::Context as _;
use roomwork_store::Store;

use crate::args::{Cli, Command};

/// Where and how a command works.
pub struct Context {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The database URL (never printed unredacted).
    pub url: String,
    /// JSON output instead of tables.
    pub json: bool,
}

impl Context {
    fn new(global: &crate::args::Global) -> anyhow::Result<Self> {
        let data_dir = match &global.data_dir {
            Some(d) => d.clone(),
            None => dirs::data_dir()
                .map(|d| d.join("roomwork"))
                .context("no user data directory is known on this system; pass --data-dir")?,
        };
        let url = global
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("roomwork.db").display()));
        Ok(Self {
            data_dir,
            url,
            json: global.json,
        })
    }

    /// The Foundation in the data directory. A document that exists but is invalid is an
    /// error (exit code 3): commands never run on a half-read standard. Missing documents
    /// fall back to the documented defaults.
    pub fn foundation(&self) -> anyhow::Result<roomwork_foundation::Foundation> {
        Ok(roomwork_foundation::load(&self.data_dir)?.require_valid()?)
    }

    /// Runs `f` with the store open, and closes the store afterwards whatever `f` returned,
    /// so that SQLite folds its write-ahead log into the file before the process exits.
    pub async fn with_store<T>(
        &self,
        f: impl AsyncFnOnce(&dyn Store) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let store = self.store().await?;
        let result = f(&*store).await;
        store.close().await;
        result
    }

    /// Opens the store, creating the data directory for an SQLite file.
    pub async fn store(&self) -> anyhow::Result<Box<dyn Store>> {
        if self.url.starts_with("sqlite:") {
            std::fs::create_dir_all(&self.data_dir).with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    self.data_dir.display()
                )
            })?;
        }
        roomwork_store::open(&self.url).await.with_context(|| {
            format!(
                "cannot open the database at {}",
                roomwork_store::redact_url(&self.url)
            )
        })
    }
}

/// Runs one command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Context::new(&cli.global)?;
    match cli.command {
        Command::Import(args) => import::run(&ctx, args).await,
        Command::Hygiene => hygiene::run(&ctx).await,
        Command::Demo(args) => demo::run(&ctx, args).await,
        Command::Status => status::run(&ctx).await,
        Command::Stages => status::stages(&ctx),
        Command::Foundation(args) => foundation::run(&ctx, args).await,
        Command::Policy(args) => policy::run(&ctx, args).await,
        Command::Audit(args) => audit::run(&ctx, args).await,
        Command::Inbox(args) => inbox::run(&ctx, args).await,
        Command::Grounding(args) => grounding::run(&ctx, args),
        Command::Review(args) => review::run(&ctx, args).await,
        Command::Draft(args) => draft::run(&ctx, args).await,
        Command::Leads(args) => leads::run(&ctx, args).await,
        Command::Pipeline(args) => pipeline::run(&ctx, args).await,
        Command::Meetings(args) => meetings::run(&ctx, args).await,
        Command::Capacity(args) => capacity::run(&ctx, args).await,
        Command::Config => config::run(&ctx),
        Command::Users(args) => users::run(&ctx, args).await,
        Command::Serve(args) => leads::serve(&ctx, args).await,
    }
}

/// The SHA-256 of a text, in hex: what the audit trail records instead of the text itself.
/// A verdict as the audit trail keeps it: everything but the quoted sentences, which are the
/// notes' and the person's own words and would stay forever in an append-only log; each quote
/// is kept as its SHA-256, so a quote shown later can still be matched to the record.
pub fn audited_verdict(verdict: &roomwork_policy::Verdict) -> serde_json::Value {
    let mut v = serde_json::to_value(verdict).unwrap_or(serde_json::Value::Null);
    for list in ["findings", "near_misses"] {
        let Some(findings) = v.get_mut(list).and_then(|f| f.as_array_mut()) else {
            continue;
        };
        for f in findings {
            let Some(evidence) = f.get_mut("evidence").and_then(|e| e.as_array_mut()) else {
                continue;
            };
            for e in evidence {
                if let Some(obj) = e.as_object_mut()
                    && let Some(serde_json::Value::String(q)) = obj.remove("quote")
                {
                    obj.insert("quote_sha256".into(), sha256(&q).into());
                }
            }
        }
    }
    v
}

pub fn sha256(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A text file, or an error that names it.
pub fn read_file(path: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads a JSON Lines file, one `T` a line; a bad line is an error naming the file and line.
pub fn read_jsonl<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> anyhow::Result<Vec<T>> {
    let text = read_file(path)?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str::<T>(l).map_err(|e| {
                crate::exit::InvalidInput(format!("{}:{}: {e}", path.display(), i + 1)).into()
            })
        })
        .collect()
}
