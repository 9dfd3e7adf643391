//! Server-sent events, parsed incrementally: bytes arrive in arbitrary pieces (mid-line,
//! mid-character), lines end in LF, CRLF or CR, an event ends at a blank line, `data:` lines
//! join with a newline, `:` lines are comments.

/// One event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// The `event:` field, if any.
    pub name: Option<String>,
    /// The `data:` lines, joined with "\n".
    pub data: String,
}

/// An incremental parser.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    name: Option<String>,
    data: Vec<String>,
    skip_lf: bool,
}

impl SseParser {
    /// Feeds bytes; returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.skip_lf {
                self.skip_lf = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' | b'\r' => {
                    self.skip_lf = b == b'\r';
                    let line = String::from_utf8_lossy(&std::mem::take(&mut self.buf)).into_owned();
                    if let Some(e) = self.line(&line) {
                        out.push(e);
                    }
                }
                _ => self.buf.push(b),
            }
        }
        out
    }

    /// The event left when the stream ends without a final blank line.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        if !self.buf.is_empty() {
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.buf)).into_owned();
            if let Some(e) = self.line(&line) {
                out.push(e);
            }
        }
        if let Some(e) = self.line("") {
            out.push(e);
        }
        out
    }

    fn line(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            if self.data.is_empty() && self.name.is_none() {
                return None;
            }
            return Some(Event {
                name: self.name.take(),
                data: std::mem::take(&mut self.data).join("\n"),
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => self.data.push(value.to_string()),
            "event" => self.name = Some(value.to_string()),
            _ => {} // id, retry: not needed here
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_any_split_and_any_line_ending() {
        let stream = "event: ping\r\ndata: {}\r\n\r\n: a comment\ndata: {\"a\":\ndata: 1}\n\ndata: caf\u{e9}\r\rdata: [DONE]\n\n";
        let whole = SseParser::default().push(stream.as_bytes());
        for cut in 0..stream.len() {
            let mut p = SseParser::default();
            let mut got = p.push(&stream.as_bytes()[..cut]);
            got.extend(p.push(&stream.as_bytes()[cut..]));
            got.extend(p.finish());
            assert_eq!(got, whole, "split at {cut}");
        }
        assert_eq!(whole.len(), 4);
        assert_eq!(whole[0].name.as_deref(), Some("ping"));
        assert_eq!(whole[1].data, "{\"a\":\n1}");
        assert_eq!(whole[2].data, "caf\u{e9}");
        assert_eq!(whole[3].data, "[DONE]");
    }

    #[test]
    fn a_last_event_without_a_blank_line_is_kept() {
        let mut p = SseParser::default();
        assert!(p.push(b"data: tail").is_empty());
        assert_eq!(p.finish()[0].data, "tail");
    }
}
