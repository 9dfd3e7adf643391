//! Structured logs: one JSON object per line on standard error, for a log shipper to read
//! (`{"ts":"2026-12-06T09:12:03.123Z","level":"info","msg":"request",...}`). Requests are
//! logged by route pattern, never by raw path or query, and never with a header: no id from a
//! link, no token and no cookie reaches a log.

use serde_json::{Map, Value};

/// Writes one log line: `level` (`info`, `warn`, `error`), a message, and the fields of
/// `fields` (an object; anything else is logged as `detail`).
pub fn event(level: &str, msg: &str, fields: Value) {
    // One write of the whole line: lines from concurrent requests never interleave (and a
    // test's harness captures them).
    eprint!("{}", line(level, msg, fields));
}

/// The line [`event`] writes, ending in its newline (JSON escapes any newline inside).
fn line(level: &str, msg: &str, fields: Value) -> String {
    let mut line = Map::new();
    line.insert(
        "ts".into(),
        Value::String(
            chrono::Utc::now()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string(),
        ),
    );
    line.insert("level".into(), Value::String(level.into()));
    line.insert("msg".into(), Value::String(msg.into()));
    match fields {
        Value::Object(m) => line.extend(m),
        Value::Null => {}
        other => {
            line.insert("detail".into(), other);
        }
    }
    let mut text = Value::Object(line).to_string();
    text.push('\n');
    text
}

/// An error the person is not shown (they get a plain message); the detail is logged.
pub fn error(msg: &str, detail: impl std::fmt::Display) {
    event(
        "error",
        msg,
        serde_json::json!({ "error": detail.to_string() }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_one_json_object_with_its_fields() {
        let l = line(
            "error",
            "two\nlines",
            serde_json::json!({"route": "/inbox/{id}", "status": 503}),
        );
        assert!(l.ends_with('\n') && l.matches('\n').count() == 1, "{l}");
        let v: Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["level"], "error");
        assert_eq!(v["msg"], "two\nlines");
        assert_eq!(v["route"], "/inbox/{id}");
        assert_eq!(v["status"], 503);
        let ts = v["ts"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(ts).is_ok(), "{ts}");
        let v: Value = serde_json::from_str(&line("warn", "m", Value::from("x"))).unwrap();
        assert_eq!(v["detail"], "x");
    }
}
