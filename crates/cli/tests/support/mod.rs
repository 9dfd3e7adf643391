//! What the CLI tests share: the binary run on a data directory, its JSON, a query on its
//! SQLite database, and a local HTTP server that speaks a provider's wire format.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn roomwork(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ROOMWORK_DATABASE_URL")
        .output()
        .expect("run roomwork")
}

/// The demo company in a fresh temporary data directory.
pub fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // Without the copilot's drafts: tests that count the inbox start from an empty one.
    let out = roomwork(dir.path(), &["demo", "--no-copilot"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Standard output of a command that must succeed.
pub fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

pub fn query(dir: &Path, sql: &str) -> String {
    use sqlx::Connection as _;
    let url = format!("sqlite://{}", dir.join("roomwork.db").display());
    let sql = sql.to_string();
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async move {
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let (v,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut c)
                .await
                .unwrap();
            v
        })
}

/// A one-shot OpenAI-compatible server in a thread: answers each connection with the next of
/// `replies` (status, SSE body), and hands back the request bodies it received.
pub fn chat_server(replies: Vec<(u16, String)>) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (status, body) in replies {
            let Ok((mut sock, _)) = listener.accept() else {
                return;
            };
            let mut buf = Vec::new();
            let mut tmp = [0u8; 8192];
            let mut head_end = None;
            while head_end.is_none() {
                let n = sock.read(&mut tmp).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&tmp[..n]);
                head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
            }
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < head_end + len {
                let n = sock.read(&mut tmp).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&tmp[..n]);
            }
            let _ = tx.send(String::from_utf8_lossy(&buf[head_end..]).to_string());
            let kind = if status == 200 {
                "text/event-stream"
            } else {
                "application/json"
            };
            let _ = write!(
                sock,
                "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}/v1"), rx)
}

pub fn sse_answer(text: &str) -> String {
    let mut out = String::new();
    for piece in text.split_inclusive(' ') {
        out.push_str(&format!(
            "data: {}\n\n",
            serde_json::json!({"model": "local-test", "choices": [{"delta": {"content": piece}}]})
        ));
    }
    out.push_str("data: [DONE]\n\n");
    out
}

/// An Anthropic messages stream that writes `text` in pieces.
pub fn anthropic_answer(text: &str) -> String {
    let mut out = String::from(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"local-claude\",\"usage\":{\"input_tokens\":40}}}\n\n\
         event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    );
    for piece in text.split_inclusive(' ') {
        out.push_str(&format!(
            "event: content_block_delta\ndata: {}\n\n",
            serde_json::json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": piece}})
        ));
    }
    out.push_str(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
         event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n\
         event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    out
}

/// A stream in `protocol`'s format that writes `text`.
pub fn answer(protocol: &str, text: &str) -> String {
    match protocol {
        "anthropic" => anthropic_answer(text),
        _ => sse_answer(text),
    }
}

/// Starts a local server that gives `replies` and names it provider "p" in `DATA_DIR/llm.toml`
/// (one retry, 1 ms backoff), with `extra` appended to the file. Returns the request bodies.
pub fn use_provider(
    d: &Path,
    protocol: &str,
    replies: Vec<(u16, String)>,
    extra: &str,
) -> std::sync::mpsc::Receiver<String> {
    let (base, rx) = chat_server(replies);
    let base = if protocol == "anthropic" {
        base.trim_end_matches("/v1").to_string()
    } else {
        base
    };
    std::fs::write(
        d.join("llm.toml"),
        format!(
            "[[provider]]\nname = \"p\"\nprotocol = \"{protocol}\"\nbase_url = \"{base}\"\nmodel = \"m\"\n\
             max_retries = 1\nretry_base_ms = 1\n{extra}"
        ),
    )
    .unwrap();
    rx
}

/// The system prompt and the user message of a request body, in either protocol.
pub fn prompt_of(body: &str) -> (String, String) {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let text = |x: &serde_json::Value| x.as_str().unwrap_or_default().to_string();
    match v.get("system") {
        Some(system) => (text(system), text(&v["messages"][0]["content"])),
        None => (
            text(&v["messages"][0]["content"]),
            text(&v["messages"][1]["content"]),
        ),
    }
}

/// A free port on 127.0.0.1 (free when asked; taken by whoever binds it first).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process that is killed when the test ends, however it ends.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `roomwork serve` on the data directory, once it listens on `port`.
pub fn serve(d: &Path, port: u16) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_roomwork"))
        .args([
            "--data-dir",
            d.to_str().unwrap(),
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("ROOMWORK_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Running(child);
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("roomwork serve exited before it listened: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("roomwork serve did not listen on {port} within 10 s");
}

/// A blocking HTTP/1.1 request; the status and the body.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("content-type: application/json\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, rest) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), rest.to_string())
}

/// A fresh PostgreSQL database for one test, dropped when this goes out of scope (also when an
/// assertion fails first). `None`, with a note, when `ROOMWORK_TEST_DATABASE_URL` is not set;
/// `CI=true` without it fails, as the store's contract suite does.
pub struct PgDatabase {
    admin: String,
    name: String,
    /// The database's URL.
    pub url: String,
}

pub fn pg_database(label: &str) -> Option<PgDatabase> {
    let Ok(admin) = std::env::var("ROOMWORK_TEST_DATABASE_URL") else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true needs ROOMWORK_TEST_DATABASE_URL"
        );
        eprintln!("skipping PostgreSQL: ROOMWORK_TEST_DATABASE_URL is not set");
        return None;
    };
    let name = format!("roomwork_{label}_{}", std::process::id());
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let db = PgDatabase { admin, name, url };
    db.admin_sql(&format!(
        "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
        db.name
    ));
    db.admin_sql(&format!("CREATE DATABASE \"{}\"", db.name));
    Some(db)
}

impl PgDatabase {
    fn admin_sql(&self, q: &str) {
        use sqlx::Connection as _;
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let mut conn = sqlx::PgConnection::connect(&self.admin)
                    .await
                    .expect("connect");
                sqlx::query(sqlx::AssertSqlSafe(q.to_string()))
                    .execute(&mut conn)
                    .await
                    .expect("admin statement");
            })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        self.admin_sql(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        ));
    }
}
