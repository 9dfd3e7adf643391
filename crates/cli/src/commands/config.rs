//! `roomwork config`: the effective configuration — where the data lives, which backend, each
//! settings file (present and valid, default, or refused with why), the providers a draft may
//! use — with secrets redacted: a database password never shows, and for a provider's API key
//! only whether its environment variable is set.

use std::path::Path;

use serde::Serialize;

use super::Context;
use crate::output::{self, say};

/// One settings file.
#[derive(Serialize)]
struct FileState {
    file: &'static str,
    path: String,
    /// `present`, `default` (no file: the built-in values) or `invalid`.
    state: &'static str,
    /// Why an invalid file is refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    /// The values in force (for a valid or absent file).
    #[serde(skip_serializing_if = "Option::is_none")]
    effective: Option<serde_json::Value>,
}

/// A provider, as configured.
#[derive(Serialize)]
struct Provider {
    name: String,
    protocol: String,
    base_url: String,
    model: String,
    /// The variable's name, never its value.
    api_key_env: Option<String>,
    /// `set`, `not set` or `none needed`.
    api_key: &'static str,
}

#[derive(Serialize)]
struct Effective {
    data_dir: String,
    database_url: String,
    backend: &'static str,
    foundation_dir: String,
    foundation_documents: usize,
    files: Vec<FileState>,
    providers: Vec<Provider>,
    /// `roomwork serve`'s trusted reverse proxies from `ROOMWORK_TRUSTED_PROXIES` (and
    /// `--trusted-proxy`, which this command does not see).
    trusted_proxies: Vec<String>,
}

/// True for an environment variable's name (`OPENAI_API_KEY`), not a key pasted in its place.
fn is_variable_name(v: &str) -> bool {
    let mut c = v.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
        && v.len() <= 64
}

/// A provider's URL with anything that could be a credential hidden: a password, a user name
/// (a token is sometimes put there), and every query value (`?key=...`).
fn provider_url(url: &str) -> String {
    let red = roomwork_store::redact_url(url);
    let (scheme, rest) = red.split_once("://").unwrap_or(("", red.as_str()));
    let before_query = rest.find('?').map_or(rest, |q| &rest[..q]);
    let rest = match before_query.rfind('@') {
        Some(at) if !rest[..at].contains(":***") => format!("***@{}", &rest[at + 1..]),
        _ => rest.to_string(),
    };
    let rest = match rest.split_once('?') {
        Some((path, query)) => {
            let q: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) => format!("{k}=***"),
                    None => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", q.join("&"))
        }
        None => rest,
    };
    if scheme.is_empty() {
        rest
    } else {
        format!("{scheme}://{rest}")
    }
}

fn file<T: Serialize>(dir: &Path, name: &'static str, load: anyhow::Result<T>) -> FileState {
    let path = dir.join(name);
    let present = path.exists();
    match load {
        Ok(v) => FileState {
            file: name,
            path: path.display().to_string(),
            state: if present { "present" } else { "default" },
            problem: None,
            effective: serde_json::to_value(v).ok(),
        },
        Err(e) => FileState {
            file: name,
            path: path.display().to_string(),
            state: "invalid",
            problem: Some(format!("{e:#}")),
            effective: None,
        },
    }
}

pub fn run(ctx: &Context) -> anyhow::Result<()> {
    let dir = &ctx.data_dir;
    let foundation_dir = dir.join("foundation");
    let documents = std::fs::read_dir(&foundation_dir)
        .map(|r| {
            r.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .count()
        })
        .unwrap_or(0);
    let files = vec![
        file(dir, "policy.toml", super::policy::load_matrix(ctx)),
        file(dir, "signals.toml", super::pipeline::config(ctx)),
        file(dir, "leads.toml", super::leads::config(ctx)),
        file(dir, "meetings.toml", super::calls::benchmarks(ctx)),
        file(dir, "capacity.toml", super::capacity::settings(ctx)),
    ];
    let llm_path = dir.join("llm.toml");
    let (providers, llm_state) = if llm_path.exists() {
        match super::engine::load(&llm_path) {
            Ok(f) => (
                f.provider
                    .iter()
                    .map(|p| Provider {
                        name: p.name.clone(),
                        protocol: serde_json::to_value(p.protocol)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        base_url: provider_url(&p.base_url),
                        model: p.model.clone(),
                        api_key_env: p.api_key_env.as_deref().map(|v| {
                            if is_variable_name(v) {
                                v.to_string()
                            } else {
                                "(not a variable name: llm.toml must name the variable, not hold the key)".into()
                            }
                        }),
                        api_key: match &p.api_key_env {
                            None => "none needed",
                            Some(v) if !is_variable_name(v) => "not set",
                            Some(v) if std::env::var_os(v).is_some_and(|x| !x.is_empty()) => "set",
                            Some(_) => "not set",
                        },
                    })
                    .collect(),
                FileState {
                    file: "llm.toml",
                    path: llm_path.display().to_string(),
                    state: "present",
                    problem: None,
                    effective: Some(serde_json::json!({ "privacy": f.privacy })),
                },
            ),
            Err(e) => (
                Vec::new(),
                FileState {
                    file: "llm.toml",
                    path: llm_path.display().to_string(),
                    state: "invalid",
                    problem: Some(format!("{e:#}")),
                    effective: None,
                },
            ),
        }
    } else {
        (
            Vec::new(),
            FileState {
                file: "llm.toml",
                path: llm_path.display().to_string(),
                state: "default",
                problem: None,
                effective: Some(serde_json::json!(
                    "no providers: drafts use the built-in engine"
                )),
            },
        )
    };
    let mut files = files;
    files.push(llm_state);
    let e = Effective {
        data_dir: dir.display().to_string(),
        database_url: roomwork_store::redact_url(&ctx.url),
        backend: if ctx.url.starts_with("sqlite:") {
            "sqlite"
        } else {
            "postgres"
        },
        foundation_dir: foundation_dir.display().to_string(),
        foundation_documents: documents,
        files,
        providers,
        trusted_proxies: std::env::var("ROOMWORK_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
    };
    if ctx.json {
        return output::json(&e);
    }
    say!("data directory   {}", e.data_dir);
    say!("database         {} ({})", e.database_url, e.backend);
    say!(
        "Foundation       {} ({} of 6 documents; `roomwork foundation check` validates them)",
        e.foundation_dir,
        e.foundation_documents
    );
    say!(
        "{}",
        output::table(
            &["settings file", "state", "path or problem"],
            e.files.iter().map(|f| vec![
                f.file.to_string(),
                f.state.to_string(),
                f.problem.clone().unwrap_or_else(|| f.path.clone()),
            ])
        )
    );
    if !e.providers.is_empty() {
        say!(
            "{}",
            output::table(
                &["provider", "protocol", "base URL", "model", "API key"],
                e.providers.iter().map(|p| vec![
                    p.name.clone(),
                    p.protocol.clone(),
                    p.base_url.clone(),
                    p.model.clone(),
                    match &p.api_key_env {
                        Some(v) => format!("${v}: {}", p.api_key),
                        None => p.api_key.to_string(),
                    },
                ])
            )
        );
    }
    say!(
        "trusted proxies  {} (ROOMWORK_TRUSTED_PROXIES, or `serve --trusted-proxy`)",
        if e.trusted_proxies.is_empty() {
            "none: the peer address is the client".to_string()
        } else {
            e.trusted_proxies.join(", ")
        }
    );
    say!("The values in force are in `roomwork config --json`; secrets are never shown.");
    Ok(())
}
