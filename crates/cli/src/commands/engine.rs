//! Which engine drafts: the built-in one (the default, offline) or a language-model provider
//! named in `DATA_DIR/llm.toml`, with the built-in engine as the floor it falls back to.

use std::path::Path;

use roomwork_llm::{Client, ProviderConfig, Request};
use serde::Deserialize;

use super::Context;
use crate::exit::InvalidInput;

/// `llm.toml`: the providers the team may draft with.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmFile {
    /// One `[[provider]]` table each.
    #[serde(default)]
    pub provider: Vec<ProviderConfig>,
}

/// An example `llm.toml`, for the error that says one is missing.
pub const EXAMPLE: &str = r#"[[provider]]
name = "ollama"
protocol = "open_ai"            # or "anthropic"
base_url = "http://127.0.0.1:11434/v1"
model = "llama3.1:8b"
# api_key_env = "OPENAI_API_KEY" # the NAME of the variable holding the key, never the key"#;

/// The provider called `name`, from `DATA_DIR/llm.toml`.
pub fn provider(ctx: &Context, name: &str) -> anyhow::Result<ProviderConfig> {
    let path = ctx.data_dir.join("llm.toml");
    let file = load(&path)?;
    file.provider
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| {
            InvalidInput(format!(
                "{} has no [[provider]] named {name:?}; a provider looks like:\n{EXAMPLE}",
                path.display()
            ))
            .into()
        })
}

fn load(path: &Path) -> anyhow::Result<LlmFile> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(InvalidInput(format!(
                "{} does not exist: write one to draft with a language model, e.g.\n{EXAMPLE}",
                path.display()
            ))
            .into());
        }
        Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
    };
    toml::from_str(&text).map_err(|e| {
        let (line, col) = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                (
                    before.matches('\n').count() + 1,
                    before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1,
                )
            })
            .unwrap_or((0, 0));
        InvalidInput(format!("{}:{line}:{col}: {}", path.display(), e.message())).into()
    })
}

/// What the language model produced, or why the built-in engine stands in.
pub enum Drafted {
    /// The provider's text (personal data restored).
    Model {
        text: String,
        model: String,
        attempts: u32,
    },
    /// The provider failed or its answer was unusable.
    Fallback { reason: String },
}

/// Runs `request` on the provider, showing progress while it streams.
pub async fn run(config: ProviderConfig, request: &Request) -> Drafted {
    let name = config.name.clone();
    let client = match Client::from_env(config) {
        Ok(c) => c,
        Err(e) => {
            return Drafted::Fallback {
                reason: e.to_string(),
            };
        }
    };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!("drafting with {name}"));
    let mut words = 0usize;
    let result = client
        .complete(request, &mut |t: &str| {
            words += t.split_whitespace().count();
            bar.set_message(format!("drafting with {name}: {words} words"));
            bar.tick();
        })
        .await;
    bar.finish_and_clear();
    match result {
        // An email cut off at the token limit is not a draft.
        Ok(c) if matches!(c.finish_reason.as_deref(), Some("length" | "max_tokens")) => {
            Drafted::Fallback {
                reason: format!(
                    "its answer was cut off at the token limit ({} tokens)",
                    c.output_tokens.map_or("?".into(), |n| n.to_string())
                ),
            }
        }
        Ok(c) => Drafted::Model {
            text: c.text,
            model: c.model,
            attempts: c.attempts,
        },
        Err(e) => Drafted::Fallback {
            reason: e.to_string(),
        },
    }
}
