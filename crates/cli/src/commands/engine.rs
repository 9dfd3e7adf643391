//! Which engine drafts: the built-in one (the default, offline) or a language-model provider
//! named in `DATA_DIR/llm.toml`, with the built-in engine as the floor it falls back to.

use std::path::Path;

use roomwork_drafting::prompt::{self, Masked, Privacy, Prompt};
use roomwork_llm::{Client, ProviderConfig, Request};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::exit::InvalidInput;

/// `llm.toml`: the providers the team may draft with.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmFile {
    /// One `[[provider]]` table each.
    #[serde(default)]
    pub provider: Vec<ProviderConfig>,
    /// What is masked before a prompt leaves the machine.
    #[serde(default)]
    pub privacy: Privacy,
}

/// An example `llm.toml`, for the error that says one is missing.
pub const EXAMPLE: &str = r#"[[provider]]
name = "ollama"
protocol = "open_ai"            # or "anthropic"
base_url = "http://127.0.0.1:11434/v1"
model = "llama3.1:8b"
# api_key_env = "OPENAI_API_KEY" # the NAME of the variable holding the key, never the key

# [privacy]                     # masked before a prompt leaves the machine
# emails = true                 # [EMAIL_1]... (default true)
# phones = true                 # [PHONE_1]... (default true)
# terms = ["Project Falcon"]    # whole words, any case: [TERM_1]..."#;

/// A provider from `DATA_DIR/llm.toml`, with the file's privacy rules.
pub struct Engine {
    config: ProviderConfig,
    /// What is masked before a prompt leaves the machine.
    pub privacy: Privacy,
}

/// The provider called `name` (none asked for: the built-in engine drafts alone).
pub fn open(ctx: &Context, name: Option<&str>) -> anyhow::Result<Option<Engine>> {
    let Some(name) = name else { return Ok(None) };
    let path = ctx.data_dir.join("llm.toml");
    let file = load(&path)?;
    let config = file
        .provider
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| {
            InvalidInput(format!(
                "{} has no [[provider]] named {name:?}; a provider looks like:\n{EXAMPLE}",
                path.display()
            ))
        })?;
    Ok(Some(Engine {
        config,
        privacy: file.privacy,
    }))
}

/// How a draft was made: by the built-in engine, by a provider, or by the built-in engine
/// standing in for a provider that failed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Used {
    /// "built-in", the provider's name, or "built-in (fallback from NAME)".
    pub engine: String,
    /// The provider asked, if any.
    pub provider: Option<String>,
    /// The model that answered.
    pub model: Option<String>,
    /// The prompt's fingerprint (the prompt itself is not stored).
    pub fingerprint: Option<String>,
    /// Why the built-in engine stood in (shown to the person; not kept in the audit trail).
    pub fallback: Option<String>,
    /// HTTP attempts in all (retries and the one re-ask of an invalid answer included).
    pub attempts: u32,
}

impl Used {
    /// The built-in engine, no provider asked.
    pub fn built_in() -> Self {
        Used {
            engine: "built-in".into(),
            ..Used::default()
        }
    }

    /// The body, with the marked line a person must delete when the built-in engine stood
    /// in for a provider: nobody approves a fallback without seeing that it is one.
    pub fn marked(&self, body: &str) -> String {
        match (&self.fallback, &self.provider) {
            (Some(reason), Some(name)) => {
                let reason: String = reason.chars().take(200).collect();
                format!(
                    "[[AM: delete this line: drafted by the built-in engine because {name} failed: {reason}]]\n{body}"
                )
            }
            _ => body.to_string(),
        }
    }

    /// For the audit record: no prompt, no error text.
    pub fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "provider": self.provider,
            "attempts": self.attempts,
            "fallback": self.fallback.is_some(),
        })
    }

    /// What the person is told about the engine.
    pub fn describe(&self) -> Option<String> {
        match (&self.fallback, &self.provider) {
            (Some(reason), Some(name)) => Some(format!(
                "{name} could not draft it ({reason}); this is the built-in engine's draft, and it says so in a marked line you must delete before approving."
            )),
            (None, Some(name)) => Some(format!(
                "Drafted by {name} ({}). Internal lines never left this machine; personal data went as placeholders.",
                self.model.as_deref().unwrap_or("")
            )),
            _ => None,
        }
    }
}

impl Engine {
    /// The provider's name in `llm.toml`.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Asks the provider. `accept` turns the answer into the workflow's value or says why it
    /// is unusable; a JSON answer that is unusable is asked for once more with the reason.
    /// Returns the value (none: the built-in engine stands in) and how it went.
    /// The reason sent with the second ask is masked with `masked`'s table first: it may
    /// quote the restored answer.
    pub async fn ask<T>(
        &self,
        p: &Prompt,
        json: bool,
        masked: &Masked,
        mut accept: impl FnMut(&str) -> Result<T, String>,
    ) -> (Option<T>, Used) {
        let name = self.config.name.clone();
        let mut used = Used {
            engine: format!("built-in (fallback from {name})"),
            provider: Some(name.clone()),
            fingerprint: Some(prompt::fingerprint(p)),
            ..Used::default()
        };
        let mut request = Request {
            system: p.system.clone(),
            user: p.user.clone(),
            json,
        };
        let tries = if json { 2 } else { 1 };
        for k in 0..tries {
            match run(self.config.clone(), &request).await {
                Drafted::Model {
                    text,
                    model,
                    attempts,
                } => {
                    used.attempts += attempts;
                    match accept(&text) {
                        Ok(v) => {
                            used.engine = name;
                            used.model = Some(model);
                            used.fallback = None;
                            return (Some(v), used);
                        }
                        Err(why) => {
                            used.fallback = Some(if k == 0 {
                                why.clone()
                            } else {
                                format!("its answer was unusable twice: {why}")
                            });
                            request.user = format!(
                                "{}\n\nYour previous answer could not be used: {}. Answer again: \
                                 one JSON object valid under the schema, nothing else.",
                                p.user,
                                masked.remask(&why)
                            );
                        }
                    }
                }
                Drafted::Fallback { reason } => {
                    used.fallback = Some(reason);
                    break;
                }
            }
        }
        (None, used)
    }
}

pub fn load(path: &Path) -> anyhow::Result<LlmFile> {
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
enum Drafted {
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
async fn run(config: ProviderConfig, request: &Request) -> Drafted {
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
