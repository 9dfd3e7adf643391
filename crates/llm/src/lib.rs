//! Language-model providers behind one client: OpenAI-compatible chat completions (OpenAI,
//! Ollama, vLLM, llama.cpp server, LM Studio) and Anthropic messages, both streamed as
//! server-sent events.
//!
//! The provider, base URL, model and the *name* of the environment variable that holds the key
//! come from the configuration; the key itself is read once, kept in a [`Secret`] whose `Debug`
//! prints nothing, and scrubbed from every error message (a server that echoes the request must
//! not put the key into a log). Requests time out (connect, idle between streamed chunks, and
//! in total) and are retried with exponential backoff on 408, 409, 429, 5xx and transport
//! errors, honouring `Retry-After`, but only while nothing has been streamed yet, so that a
//! token is never delivered twice.
//!
//! No model weights can be downloaded where this was built: the tests run both protocols
//! against a local HTTP server that speaks their wire formats (streaming and error responses).

use std::time::Duration;

use serde::{Deserialize, Serialize};

mod sse;

pub use sse::{Event, SseParser};

/// Which wire protocol a provider speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// `POST {base_url}/chat/completions` with `stream: true` (OpenAI, Ollama's `/v1`, vLLM,
    /// llama.cpp server, LM Studio).
    OpenAi,
    /// `POST {base_url}/v1/messages` with `stream: true` (Anthropic).
    Anthropic,
}

/// One provider, as the configuration names it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// A name for logs and the audit trail ("ollama-local", "anthropic").
    pub name: String,
    /// The wire protocol.
    pub protocol: Protocol,
    /// e.g. `http://127.0.0.1:11434/v1` or `https://api.anthropic.com`.
    pub base_url: String,
    /// The model.
    pub model: String,
    /// The environment variable that holds the API key (none for a local server).
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Seconds for the whole call: every attempt, wait and streamed chunk together.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Seconds to wait for the next streamed chunk.
    #[serde(default = "default_idle")]
    pub idle_timeout_secs: u64,
    /// Retries after the first attempt.
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    /// The first backoff, doubled on every retry.
    #[serde(default = "default_backoff")]
    pub retry_base_ms: u64,
    /// Longest answer, in tokens.
    #[serde(default = "default_max_tokens")]
    pub max_tokens: u32,
    /// Sampling temperature.
    #[serde(default = "default_temperature")]
    pub temperature: f32,
}

fn default_timeout() -> u64 {
    120
}
fn default_idle() -> u64 {
    30
}
fn default_retries() -> u32 {
    2
}
fn default_backoff() -> u64 {
    500
}
fn default_max_tokens() -> u32 {
    1200
}
fn default_temperature() -> f32 {
    0.3
}

impl ProviderConfig {
    /// A configuration with the defaults for everything but the essentials.
    pub fn new(name: &str, protocol: Protocol, base_url: &str, model: &str) -> Self {
        Self {
            name: name.into(),
            protocol,
            base_url: base_url.into(),
            model: model.into(),
            api_key_env: None,
            timeout_secs: default_timeout(),
            idle_timeout_secs: default_idle(),
            max_retries: default_retries(),
            retry_base_ms: default_backoff(),
            max_tokens: default_max_tokens(),
            temperature: default_temperature(),
        }
    }
}

/// An API key. Its `Debug` prints nothing of it, and it has no `Display`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// What a request asks for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The system prompt (role, goal, constraints).
    pub system: String,
    /// The user message (the information, fenced).
    pub user: String,
    /// Ask for a JSON object (OpenAI `response_format`; for Anthropic the prompt must say so).
    pub json: bool,
}

/// A finished answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Completion {
    /// The text, as streamed.
    pub text: String,
    /// The provider's name.
    pub provider: String,
    /// The model the provider says answered (or the configured one).
    pub model: String,
    /// Prompt tokens, when the provider reports them.
    pub input_tokens: Option<u64>,
    /// Answer tokens, when the provider reports them.
    pub output_tokens: Option<u64>,
    /// Attempts made (1 when the first succeeded).
    pub attempts: u32,
    /// Why the stream ended ("stop", "end_turn", "length", "max_tokens"...).
    pub finish_reason: Option<String>,
}

/// What went wrong. Messages never contain the API key.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The configuration is unusable.
    #[error("provider configuration: {0}")]
    Config(String),
    /// The key's environment variable is not set.
    #[error("the environment variable {0} that should hold the API key is not set")]
    MissingKey(String),
    /// The provider answered with an error status.
    #[error("{provider} answered HTTP {status}: {body}")]
    Http {
        /// Provider name.
        provider: String,
        /// Status code.
        status: u16,
        /// The start of the response body (key scrubbed).
        body: String,
    },
    /// No answer (or no next chunk) in time.
    #[error("{provider} did not answer within {seconds} s")]
    Timeout {
        /// Provider name.
        provider: String,
        /// The limit that was hit.
        seconds: u64,
    },
    /// The connection failed.
    #[error("{provider}: connection failed: {message}")]
    Transport {
        /// Provider name.
        provider: String,
        /// What the HTTP client said (key scrubbed).
        message: String,
    },
    /// The stream did not follow the protocol, or reported an error event.
    #[error("{provider}: {message}")]
    Protocol {
        /// Provider name.
        provider: String,
        /// What was wrong.
        message: String,
    },
}

impl LlmError {
    /// Whether trying again may help.
    fn retryable(&self) -> bool {
        match self {
            LlmError::Http { status, .. } => {
                matches!(status, 408 | 409 | 425 | 429 | 529) || (500..600).contains(status)
            }
            LlmError::Timeout { .. } | LlmError::Transport { .. } => true,
            LlmError::Protocol { message, .. } => message.to_lowercase().contains("overloaded"),
            LlmError::Config(_) | LlmError::MissingKey(_) => false,
        }
    }
}

/// A provider client.
#[derive(Clone, Debug)]
pub struct Client {
    config: ProviderConfig,
    key: Option<Secret>,
    http: reqwest::Client,
}

/// What one attempt produced.
struct Attempt {
    streamed: bool,
    result: Result<Completion, LlmError>,
    retry_after: Option<Duration>,
}

impl Client {
    /// A client whose key is read from the environment variable the configuration names.
    pub fn from_env(config: ProviderConfig) -> Result<Self, LlmError> {
        let key = match &config.api_key_env {
            Some(var) => Some(Secret::new(
                std::env::var(var).map_err(|_| LlmError::MissingKey(var.clone()))?,
            )),
            None => None,
        };
        Self::with_key(config, key)
    }

    /// A client with the key given (tests, or a key from a secrets store).
    pub fn with_key(config: ProviderConfig, key: Option<Secret>) -> Result<Self, LlmError> {
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            return Err(LlmError::Config(format!(
                "{}: base_url must start with http:// or https:// (got {:?})",
                config.name, config.base_url
            )));
        }
        if config.model.trim().is_empty() {
            return Err(LlmError::Config(format!("{}: model is empty", config.name)));
        }
        // One TLS stack (rustls) with one crypto provider (ring); installing it twice is
        // harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // No redirects: reqwest drops `Authorization` on a cross-host redirect but would
        // carry Anthropic's `x-api-key` along.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(config.idle_timeout_secs.clamp(1, 30)))
            .build()
            .map_err(|e| LlmError::Config(format!("{}: HTTP client: {e}", config.name)))?;
        Ok(Self { config, key, http })
    }

    /// The configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// Sends `request`, calling `on_text` with each streamed piece of the answer, and returns
    /// the whole answer. Retries (see the module documentation) before anything streamed.
    pub async fn complete(
        &self,
        request: &Request,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, LlmError> {
        let mut attempt = 0;
        // One deadline for every attempt and wait together.
        let deadline =
            tokio::time::Instant::now() + Duration::from_secs(self.config.timeout_secs.max(1));
        loop {
            attempt += 1;
            let a = match tokio::time::timeout_at(deadline, self.attempt(request, on_text)).await {
                Ok(a) => a,
                Err(_) => Attempt {
                    streamed: true,
                    result: Err(LlmError::Timeout {
                        provider: self.config.name.clone(),
                        seconds: self.config.timeout_secs,
                    }),
                    retry_after: None,
                },
            };
            match a.result {
                Ok(mut c) => {
                    c.attempts = attempt;
                    return Ok(c);
                }
                Err(e) if !a.streamed && e.retryable() && attempt <= self.config.max_retries => {
                    let backoff = Duration::from_millis(
                        self.config
                            .retry_base_ms
                            .saturating_mul(1u64 << (attempt - 1).min(10)),
                    );
                    let wait = a
                        .retry_after
                        .unwrap_or(backoff)
                        .min(Duration::from_secs(30));
                    if tokio::time::Instant::now() + wait >= deadline {
                        return Err(e);
                    }
                    tokio::time::sleep(wait).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The key removed first, then cut to 500 characters (cutting first could leave the
    /// key's first characters at the end).
    fn scrub(&self, text: &str) -> String {
        let mut t = text.to_string();
        if let Some(k) = &self.key
            && !k.expose().is_empty()
        {
            t = t.replace(k.expose(), "***");
        }
        t.chars().take(500).collect()
    }

    fn transport(&self, e: &reqwest::Error) -> LlmError {
        if e.is_timeout() {
            return LlmError::Timeout {
                provider: self.config.name.clone(),
                seconds: self.config.idle_timeout_secs,
            };
        }
        // reqwest's message names the URL, never headers; scrub anyway.
        LlmError::Transport {
            provider: self.config.name.clone(),
            message: self.scrub(&e.to_string()),
        }
    }

    async fn attempt(&self, request: &Request, on_text: &mut (dyn FnMut(&str) + Send)) -> Attempt {
        let cfg = &self.config;
        let base = cfg.base_url.trim_end_matches('/');
        let (url, body) = match cfg.protocol {
            Protocol::OpenAi => {
                let mut body = serde_json::json!({
                    "model": cfg.model,
                    "messages": [
                        {"role": "system", "content": request.system},
                        {"role": "user", "content": request.user},
                    ],
                    "stream": true,
                    "stream_options": {"include_usage": true},
                    "temperature": cfg.temperature,
                    "max_tokens": cfg.max_tokens,
                });
                if request.json {
                    body["response_format"] = serde_json::json!({"type": "json_object"});
                }
                (format!("{base}/chat/completions"), body)
            }
            Protocol::Anthropic => (
                format!("{base}/v1/messages"),
                serde_json::json!({
                    "model": cfg.model,
                    "system": request.system,
                    "messages": [{"role": "user", "content": request.user}],
                    "stream": true,
                    "temperature": cfg.temperature,
                    "max_tokens": cfg.max_tokens,
                }),
            ),
        };
        let mut builder = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("accept", "text/event-stream")
            .body(body.to_string());
        builder = match (cfg.protocol, &self.key) {
            (Protocol::OpenAi, Some(k)) => builder.bearer_auth(k.expose()),
            (Protocol::Anthropic, Some(k)) => builder.header("x-api-key", k.expose()),
            (_, None) => builder,
        };
        if cfg.protocol == Protocol::Anthropic {
            builder = builder.header("anthropic-version", "2023-06-01");
        }
        let idle = Duration::from_secs(cfg.idle_timeout_secs.max(1));
        let fail = |result| Attempt {
            streamed: false,
            result: Err(result),
            retry_after: None,
        };
        let mut response = match tokio::time::timeout(idle, builder.send()).await {
            Err(_) => {
                return fail(LlmError::Timeout {
                    provider: cfg.name.clone(),
                    seconds: cfg.idle_timeout_secs,
                });
            }
            Ok(Err(e)) => return fail(self.transport(&e)),
            Ok(Ok(r)) => r,
        };
        let status = response.status();
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = match tokio::time::timeout(idle, response.text()).await {
                Ok(Ok(t)) => t,
                _ => String::new(),
            };
            return Attempt {
                streamed: false,
                result: Err(LlmError::Http {
                    provider: cfg.name.clone(),
                    status: status.as_u16(),
                    body: self.scrub(&error_message(&body)),
                }),
                retry_after,
            };
        }
        let mut parser = SseParser::default();
        let mut state = StreamState::new(cfg);
        let mut streamed = false;
        loop {
            let chunk = match tokio::time::timeout(idle, response.chunk()).await {
                Err(_) => {
                    return Attempt {
                        streamed,
                        result: Err(LlmError::Timeout {
                            provider: cfg.name.clone(),
                            seconds: cfg.idle_timeout_secs,
                        }),
                        retry_after: None,
                    };
                }
                Ok(Err(e)) => {
                    return Attempt {
                        streamed,
                        result: Err(self.transport(&e)),
                        retry_after: None,
                    };
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(bytes))) => bytes,
            };
            for event in parser.push(&chunk) {
                match state.apply(cfg.protocol, &event) {
                    Ok(Some(text)) => {
                        streamed = true;
                        on_text(&text);
                    }
                    Ok(None) => {}
                    Err(message) => {
                        return Attempt {
                            streamed,
                            result: Err(LlmError::Protocol {
                                provider: cfg.name.clone(),
                                message: self.scrub(&message),
                            }),
                            retry_after: None,
                        };
                    }
                }
            }
            if state.done {
                break;
            }
        }
        for event in parser.finish() {
            if let Ok(Some(text)) = state.apply(cfg.protocol, &event) {
                streamed = true;
                on_text(&text);
            }
        }
        if !state.done {
            return Attempt {
                streamed,
                result: Err(LlmError::Protocol {
                    provider: cfg.name.clone(),
                    message: "the stream ended before the provider said it was complete".into(),
                }),
                retry_after: None,
            };
        }
        Attempt {
            streamed,
            result: Ok(state.completion),
            retry_after: None,
        }
    }
}

/// The message inside a provider's error body, or the body itself.
fn error_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| body.trim().to_string())
}

/// The answer as it streams in.
struct StreamState {
    completion: Completion,
    done: bool,
}

impl StreamState {
    fn new(cfg: &ProviderConfig) -> Self {
        Self {
            completion: Completion {
                text: String::new(),
                provider: cfg.name.clone(),
                model: cfg.model.clone(),
                input_tokens: None,
                output_tokens: None,
                attempts: 0,
                finish_reason: None,
            },
            done: false,
        }
    }

    /// Applies one event; returns the text it adds, or the error it reports.
    fn apply(&mut self, protocol: Protocol, event: &Event) -> Result<Option<String>, String> {
        let c = &mut self.completion;
        match protocol {
            Protocol::OpenAi => {
                if event.data.trim() == "[DONE]" {
                    self.done = true;
                    return Ok(None);
                }
                let v: serde_json::Value = serde_json::from_str(&event.data)
                    .map_err(|e| format!("a streamed chunk is not JSON ({e})"))?;
                if let Some(m) = v.pointer("/error/message").and_then(|m| m.as_str()) {
                    return Err(m.to_string());
                }
                if let Some(m) = v.get("model").and_then(|m| m.as_str()) {
                    c.model = m.to_string();
                }
                if let Some(u) = v.get("usage").filter(|u| !u.is_null()) {
                    c.input_tokens = u.get("prompt_tokens").and_then(|t| t.as_u64());
                    c.output_tokens = u.get("completion_tokens").and_then(|t| t.as_u64());
                }
                let choice = v.pointer("/choices/0");
                if let Some(r) = choice
                    .and_then(|ch| ch.get("finish_reason"))
                    .and_then(|r| r.as_str())
                {
                    c.finish_reason = Some(r.to_string());
                }
                let text = choice
                    .and_then(|ch| ch.pointer("/delta/content"))
                    .and_then(|t| t.as_str())
                    .filter(|t| !t.is_empty());
                Ok(text.map(|t| {
                    c.text.push_str(t);
                    t.to_string()
                }))
            }
            Protocol::Anthropic => {
                let v: serde_json::Value = if event.data.trim().is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::from_str(&event.data)
                        .map_err(|e| format!("a streamed event is not JSON ({e})"))?
                };
                let kind = event
                    .name
                    .clone()
                    .or_else(|| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
                    .unwrap_or_default();
                match kind.as_str() {
                    "message_start" => {
                        if let Some(m) = v.pointer("/message/model").and_then(|m| m.as_str()) {
                            c.model = m.to_string();
                        }
                        c.input_tokens = v
                            .pointer("/message/usage/input_tokens")
                            .and_then(|t| t.as_u64());
                        Ok(None)
                    }
                    "content_block_delta" => {
                        let text = v
                            .pointer("/delta/text")
                            .and_then(|t| t.as_str())
                            .filter(|t| !t.is_empty());
                        Ok(text.map(|t| {
                            c.text.push_str(t);
                            t.to_string()
                        }))
                    }
                    "message_delta" => {
                        if let Some(r) = v.pointer("/delta/stop_reason").and_then(|r| r.as_str()) {
                            c.finish_reason = Some(r.to_string());
                        }
                        if let Some(t) = v.pointer("/usage/output_tokens").and_then(|t| t.as_u64())
                        {
                            c.output_tokens = Some(t);
                        }
                        Ok(None)
                    }
                    "message_stop" => {
                        self.done = true;
                        Ok(None)
                    }
                    "error" => Err(v
                        .pointer("/error/message")
                        .and_then(|m| m.as_str())
                        .unwrap_or("the provider reported an error")
                        .to_string()),
                    // ping, content_block_start, content_block_stop, and event types added
                    // later: ignored, as the protocol asks.
                    _ => Ok(None),
                }
            }
        }
    }
}
