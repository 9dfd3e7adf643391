//! Both wire protocols against a local HTTP server that speaks them: streamed answers split at
//! awkward places, retries on 429 and 5xx, error events, timeouts, and the API key kept out of
//! every error. (A stand-in for a real model: no weights can be downloaded here.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use roomwork_llm::{Client, LlmError, Protocol, ProviderConfig, Request, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted response: status line and headers, then body pieces written with a pause
/// between them (none before the first).
#[derive(Clone)]
struct Reply {
    head: String,
    pieces: Vec<String>,
    pause: Duration,
}

fn sse(pieces: &[&str]) -> Reply {
    Reply {
        head: "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
            .into(),
        pieces: pieces.iter().map(|p| p.to_string()).collect(),
        pause: Duration::from_millis(5),
    }
}

fn status(code: u16, extra: &str, body: &str) -> Reply {
    Reply {
        head: format!(
            "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
            body.len()
        ),
        pieces: vec![body.to_string()],
        pause: Duration::ZERO,
    }
}

/// What the server saw: request line, headers (lower-cased names) and body.
#[derive(Clone, Debug, Default)]
struct Seen {
    line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Serves the replies in order, one per connection; returns the base URL and the log.
async fn server(replies: Vec<Reply>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        for reply in replies {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            // Read the head, then the body by content-length.
            let mut buf = Vec::new();
            let mut tmp = [0u8; 4096];
            let head_end = loop {
                let n = sock.read(&mut tmp).await.unwrap_or(0);
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&tmp[..n]);
                if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(p + 4);
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let mut lines = head.split("\r\n");
            let line = lines.next().unwrap_or("").to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < head_end + len {
                let n = sock.read(&mut tmp).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&tmp[..n]);
            }
            let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
            log.lock().unwrap().push(Seen {
                line,
                headers,
                body,
            });
            let _ = sock.write_all(reply.head.as_bytes()).await;
            for (k, piece) in reply.pieces.iter().enumerate() {
                if k > 0 {
                    tokio::time::sleep(reply.pause).await;
                }
                if sock.write_all(piece.as_bytes()).await.is_err() {
                    break;
                }
                let _ = sock.flush().await;
            }
            let _ = sock.shutdown().await;
        }
    });
    (format!("http://{addr}"), seen)
}

fn config(protocol: Protocol, base: &str) -> ProviderConfig {
    let mut c = ProviderConfig::new("test", protocol, base, "test-model");
    c.retry_base_ms = 1;
    c.idle_timeout_secs = 2;
    c.timeout_secs = 10;
    c
}

fn request() -> Request {
    Request {
        system: "You write follow-up emails.".into(),
        user: "<notes>call w/ Ana</notes>".into(),
        json: false,
    }
}

const KEY: &str = "sk-test-0123456789abcdef";

#[tokio::test]
async fn openai_compatible_streams_tokens_split_anywhere_and_reports_usage() {
    // Chunks cut mid-line and mid-JSON, as a proxy may deliver them.
    let (base, seen) = server(vec![sse(&[
        "data: {\"model\":\"llama3.1:8b\",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"Dear \"}}]}\n\ndata: {\"choices\":[{\"del",
        "ta\":{\"content\":\"Ana,\"}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\" thank you.\"},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":5}}\n\n",
        "data: [DONE]\n\n",
    ])])
    .await;
    let client = Client::with_key(
        config(Protocol::OpenAi, &format!("{base}/v1")),
        Some(Secret::new(KEY)),
    )
    .unwrap();
    let mut pieces = Vec::new();
    let c = client
        .complete(&request(), &mut |t| pieces.push(t.to_string()))
        .await
        .unwrap();
    assert_eq!(c.text, "Dear Ana, thank you.");
    assert_eq!(pieces, ["Dear ", "Ana,", " thank you."]);
    assert_eq!((c.input_tokens, c.output_tokens), (Some(31), Some(5)));
    assert_eq!(c.model, "llama3.1:8b");
    assert_eq!(c.finish_reason.as_deref(), Some("stop"));
    assert_eq!(c.attempts, 1);
    let seen = seen.lock().unwrap()[0].clone();
    assert!(
        seen.line.starts_with("POST /v1/chat/completions "),
        "{}",
        seen.line
    );
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "<notes>call w/ Ana</notes>");
    assert!(body.get("response_format").is_none());
}

#[tokio::test]
async fn anthropic_messages_stream_with_pings_and_usage() {
    let (base, seen) = server(vec![sse(&[
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\",\"usage\":{\"input_tokens\":40}}}\n\n",
        "event: ping\ndata: {\"type\":\"ping\"}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" Ana\"}}\r\n\r\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ])])
    .await;
    let client =
        Client::with_key(config(Protocol::Anthropic, &base), Some(Secret::new(KEY))).unwrap();
    let c = client.complete(&request(), &mut |_| {}).await.unwrap();
    assert_eq!(c.text, "Hello Ana");
    assert_eq!((c.input_tokens, c.output_tokens), (Some(40), Some(2)));
    assert_eq!(c.finish_reason.as_deref(), Some("end_turn"));
    let seen = seen.lock().unwrap()[0].clone();
    assert!(seen.line.starts_with("POST /v1/messages "), "{}", seen.line);
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    assert_eq!(seen.header("anthropic-version"), Some("2023-06-01"));
    assert!(seen.header("authorization").is_none());
    let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(body["system"], "You write follow-up emails.");
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["max_tokens"], 1200);
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_then_succeed() {
    let (base, seen) = server(vec![
        status(
            429,
            "retry-after: 0\r\n",
            "{\"error\":{\"message\":\"slow down\"}}",
        ),
        status(503, "", "{\"error\":{\"message\":\"overloaded\"}}"),
        sse(&["data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\ndata: [DONE]\n\n"]),
    ])
    .await;
    let client = Client::with_key(config(Protocol::OpenAi, &base), None).unwrap();
    let c = client.complete(&request(), &mut |_| {}).await.unwrap();
    assert_eq!((c.text.as_str(), c.attempts), ("ok", 3));
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn errors_give_up_after_the_retries_and_never_show_the_key() {
    // A server that echoes the request, key included, in its error body; once where cutting
    // the message to 500 characters would split the key.
    let padding = "x".repeat(480);
    let echo = format!("{{\"error\":{{\"message\":\"bad key {KEY} for model {padding} {KEY}\"}}}}");
    let (base, seen) = server(vec![
        status(500, "", &echo),
        status(500, "", &echo),
        status(500, "", &echo),
    ])
    .await;
    let client = Client::with_key(config(Protocol::OpenAi, &base), Some(Secret::new(KEY))).unwrap();
    let e = client.complete(&request(), &mut |_| {}).await.unwrap_err();
    assert!(matches!(e, LlmError::Http { status: 500, .. }), "{e:?}");
    let shown = format!("{e} {e:?} {client:?}");
    assert!(
        !shown.contains(KEY) && !shown.contains(&KEY[..10]),
        "{shown}"
    );
    assert!(shown.contains("bad key *** for model"), "{shown}");
    assert_eq!(seen.lock().unwrap().len(), 3, "first try and two retries");
    // A client error is not retried.
    let (base, seen) = server(vec![status(
        400,
        "",
        "{\"error\":{\"message\":\"no such model\"}}",
    )])
    .await;
    let client = Client::with_key(config(Protocol::OpenAi, &base), None).unwrap();
    let e = client.complete(&request(), &mut |_| {}).await.unwrap_err();
    assert!(e.to_string().contains("HTTP 400: no such model"), "{e}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_error_event_mid_stream_is_an_error_and_is_not_retried_after_text() {
    let (base, seen) = server(vec![sse(&[
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Dear\"}}\n\n",
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
    ])])
    .await;
    let client = Client::with_key(config(Protocol::Anthropic, &base), None).unwrap();
    let mut got = String::new();
    let e = client
        .complete(&request(), &mut |t| got.push_str(t))
        .await
        .unwrap_err();
    assert!(matches!(e, LlmError::Protocol { .. }), "{e:?}");
    assert_eq!(got, "Dear", "text already delivered is not delivered again");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stalled_or_truncated_stream_is_an_error() {
    // The server sends one chunk, then stalls with the connection open: a timeout, and no
    // retry, because text was already delivered.
    let mut slow = sse(&[
        "data: {\"choices\":[{\"delta\":{\"content\":\"Dear\"}}]}\n\n",
        "data: [DONE]\n\n",
    ]);
    slow.pause = Duration::from_secs(4);
    let (base, seen) = server(vec![slow.clone(), slow]).await;
    let mut cfg = config(Protocol::OpenAi, &base);
    cfg.idle_timeout_secs = 1;
    let client = Client::with_key(cfg, None).unwrap();
    let mut got = String::new();
    let e = client
        .complete(&request(), &mut |t| got.push_str(t))
        .await
        .unwrap_err();
    assert!(matches!(e, LlmError::Timeout { .. }), "{e:?}");
    assert_eq!(got, "Dear");
    assert_eq!(seen.lock().unwrap().len(), 1);
    // The total deadline covers every attempt: a server that never answers in time is given
    // up on after timeout_secs, retries or not.
    let mut never = sse(&["", "data: [DONE]\n\n"]);
    never.pause = Duration::from_secs(5);
    let (base, _) = server(vec![never.clone(), never.clone(), never]).await;
    let mut cfg = config(Protocol::OpenAi, &base);
    cfg.idle_timeout_secs = 1;
    cfg.timeout_secs = 2;
    let client = Client::with_key(cfg, None).unwrap();
    let started = std::time::Instant::now();
    let e = client.complete(&request(), &mut |_| {}).await.unwrap_err();
    assert!(matches!(e, LlmError::Timeout { .. }), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // A stream that closes without [DONE] is incomplete, not an answer.
    let (base, _) = server(vec![sse(&[
        "data: {\"choices\":[{\"delta\":{\"content\":\"Dear\"}}]}\n\n",
    ])])
    .await;
    let mut cfg = config(Protocol::OpenAi, &base);
    cfg.max_retries = 0;
    let client = Client::with_key(cfg, None).unwrap();
    let e = client.complete(&request(), &mut |_| {}).await.unwrap_err();
    assert!(e.to_string().contains("ended before"), "{e}");
}

#[tokio::test]
async fn json_mode_is_requested_and_a_missing_key_names_its_variable() {
    let (base, seen) = server(vec![sse(&[
        "data: {\"choices\":[{\"delta\":{\"content\":\"{}\"}}]}\n\ndata: [DONE]\n\n",
    ])])
    .await;
    let client = Client::with_key(config(Protocol::OpenAi, &base), None).unwrap();
    let mut r = request();
    r.json = true;
    client.complete(&r, &mut |_| {}).await.unwrap();
    let body: serde_json::Value = serde_json::from_str(&seen.lock().unwrap()[0].body).unwrap();
    assert_eq!(body["response_format"]["type"], "json_object");

    let mut cfg = config(Protocol::Anthropic, "https://api.anthropic.com");
    cfg.api_key_env = Some("ROOMWORK_TEST_KEY_THAT_IS_NEVER_SET".into());
    let e = Client::from_env(cfg).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the environment variable ROOMWORK_TEST_KEY_THAT_IS_NEVER_SET that should hold the API key is not set"
    );
    let bad = ProviderConfig::new("x", Protocol::OpenAi, "localhost:11434", "m");
    assert!(matches!(
        Client::with_key(bad, None),
        Err(LlmError::Config(_))
    ));
}
