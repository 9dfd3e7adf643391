//! Call transcripts in: WebVTT as Zoom, Microsoft Teams and Google Meet export it (voice tags
//! `<v Name>`, or "Name:" at the start of a cue; a byte-order mark, CRLF, cue ids, NOTE and
//! STYLE blocks, inline tags), SRT, plain text ("Speaker: text", with or without timestamps
//! such as `[00:01:02]`, `00:01:02` or `(01:02)`), and JSON from transcription services:
//! Whisper-style `segments` (with WhisperX's `speaker`), Deepgram `results.utterances` and
//! AssemblyAI `utterances` (milliseconds).
//!
//! Every format becomes [`Turn`]s in time order. Overlapping turns are kept as they are (people
//! talk over each other). A cue that ends before it starts is kept as a zero-length turn and
//! counted in [`Parsed::repaired`]; a malformed timing line, a cue with no timing, or JSON of
//! no known shape is an error naming the file and line. Plain text has no end times: they are
//! estimated (from the next turn's start, or at 150 words a minute without timestamps), and
//! [`Parsed::estimated_times`] says so.

use std::fmt;

use roomwork_domain::{Contact, ContactId, Rep, RepId, Turn};
use serde::Serialize;

/// Why a transcript could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptError {
    /// File.
    pub file: String,
    /// Line (1-based; for JSON, the parser's line).
    pub line: usize,
    /// Why.
    pub reason: String,
}

impl fmt::Display for TranscriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for TranscriptError {}

/// The formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// WebVTT.
    Vtt,
    /// SubRip.
    Srt,
    /// "Speaker: text" lines.
    Plain,
    /// Whisper, Deepgram or AssemblyAI JSON.
    Json,
}

/// A parsed transcript.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parsed {
    /// The format found.
    pub format: Format,
    /// Turns in time order.
    pub turns: Vec<Turn>,
    /// True when the file had no timestamps and times were estimated from word counts.
    pub estimated_times: bool,
    /// Cues that ended before they started, kept with zero length.
    pub repaired: usize,
}

fn err(file: &str, line: usize, reason: impl Into<String>) -> TranscriptError {
    TranscriptError {
        file: file.to_string(),
        line,
        reason: reason.into(),
    }
}

/// Reads a transcript; the format is found from the content (the file name's extension breaks
/// a tie).
pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, TranscriptError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let head = text.trim_start();
    let lower = file.to_ascii_lowercase();
    let mut p = if head.starts_with("WEBVTT") {
        vtt(file, &text)?
    } else if head.starts_with('{')
        || (head.starts_with('[') && head[1..].trim_start().starts_with(['{', ']']))
    {
        json(file, &text)?
    } else if looks_srt(head) || lower.ends_with(".srt") {
        srt(file, &text)?
    } else if lower.ends_with(".vtt") {
        return Err(err(file, 1, "a WebVTT file starts with the line WEBVTT"));
    } else {
        plain(file, &text)?
    };
    p.turns.retain(|t| !t.text.is_empty());
    p.turns
        .sort_by(|a, b| a.start.total_cmp(&b.start).then(a.end.total_cmp(&b.end)));
    if p.turns.is_empty() {
        return Err(err(file, 1, "no spoken turns found"));
    }
    Ok(p)
}

fn looks_srt(head: &str) -> bool {
    let mut lines = head.lines();
    let first = lines.next().unwrap_or("").trim();
    let second = lines.next().unwrap_or("");
    !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) && second.contains("-->")
}

/// `HH:MM:SS.mmm`, `MM:SS.mmm`, `HH:MM:SS,mmm` (SRT) or `HH:MM:SS` into seconds.
fn timestamp(s: &str) -> Option<f64> {
    let s = s.trim().replace(',', ".");
    let parts: Vec<&str> = s.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (h.parse::<f64>().ok()?, m.parse::<f64>().ok()?, *s),
        [m, s] => (0.0, m.parse::<f64>().ok()?, *s),
        _ => return None,
    };
    let sec: f64 = sec.parse().ok()?;
    if !(0.0..60.0).contains(&sec) || !(0.0..60.0).contains(&m) || h < 0.0 {
        return None;
    }
    Some(h * 3600.0 + m * 60.0 + sec)
}

fn timing(file: &str, line_no: usize, line: &str) -> Result<(f64, f64), TranscriptError> {
    let (a, rest) = line.split_once("-->").ok_or_else(|| {
        err(
            file,
            line_no,
            "expected a timing line `00:00:01.000 --> 00:00:04.000`",
        )
    })?;
    let b = rest.split_whitespace().next().unwrap_or("");
    let start = timestamp(a).ok_or_else(|| {
        err(
            file,
            line_no,
            format!("start time {:?} is not HH:MM:SS.mmm", a.trim()),
        )
    })?;
    let end = timestamp(b)
        .ok_or_else(|| err(file, line_no, format!("end time {b:?} is not HH:MM:SS.mmm")))?;
    Ok((start, end))
}

/// Strips inline tags (`<c>`, `<b>`, `<i>`, `<00:00:01.000>`) and decodes the few entities
/// VTT allows.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // A tag is `<` then a letter or `/` (`<b>`, `</v>`, `<c.loud>`) or a timestamp
    // (`<00:00:01.000>`); "under <2 weeks" keeps its `<`.
    let chars: Vec<char> = s.chars().collect();
    let mut in_tag = false;
    for (i, &ch) in chars.iter().enumerate() {
        match ch {
            '<' if !in_tag => {
                let next = chars.get(i + 1).copied().unwrap_or(' ');
                let stamp = next.is_ascii_digit()
                    && chars[i + 1..]
                        .iter()
                        .take_while(|c| **c != '>')
                        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.'))
                    && chars[i + 1..].contains(&'>');
                if next.is_alphabetic() || next == '/' || stamp {
                    in_tag = true;
                } else {
                    out.push(ch);
                }
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Name: text" at the start of a line, with a plausible name (at most five words, no
/// sentence punctuation, starting with a letter).
fn name_prefix(s: &str) -> Option<(String, &str)> {
    let (name, rest) = s.split_once(':')?;
    let name = name
        .trim()
        .trim_start_matches('-')
        .trim()
        .trim_matches(['[', ']']);
    let words = name.split_whitespace().count();
    let ok = ((1..=5).contains(&words)
        && name.chars().next().is_some_and(|c| c.is_alphabetic())
        && !name.contains(['.', '?', '!', ','])
        && !name.chars().any(|c| c.is_ascii_digit()))
        || name.to_ascii_lowercase().starts_with("speaker");
    let rest = rest.trim_start();
    // "Note: the pumps" is text, not a speaker called Note: a lower-case one-word name
    // followed by more text is read as text.
    if !ok
        || rest.is_empty()
        || (words == 1 && name.chars().next().is_some_and(|c| c.is_lowercase()))
    {
        return None;
    }
    Some((name.to_string(), rest))
}

/// The voice spans of a cue payload: `<v Name>text</v>` (possibly several), or `Name: text`.
fn voices(payload: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut rest = payload;
    let mut before = String::new();
    while let Some(k) = rest.find("<v") {
        let after = &rest[k + 2..];
        if !after.starts_with([' ', '.', '\t']) {
            before.push_str(&rest[..k + 2]);
            rest = after;
            continue;
        }
        before.push_str(&rest[..k]);
        let Some(close) = after.find('>') else { break };
        let tag = &after[..close];
        // `<v.loud Name>`: classes before the space.
        let name = tag
            .split_once(' ')
            .map_or("", |(_, n)| n)
            .trim()
            .to_string();
        let body_start = &after[close + 1..];
        let (body, next) = match (body_start.find("</v>"), body_start.find("<v")) {
            (Some(e), Some(n)) if e < n => (&body_start[..e], &body_start[e + 4..]),
            (Some(e), None) => (&body_start[..e], &body_start[e + 4..]),
            (_, Some(n)) => (&body_start[..n], &body_start[n..]),
            (None, None) => (body_start, ""),
        };
        if !before.trim().is_empty() {
            out.push((None, clean(&before)));
        }
        before.clear();
        out.push(((!name.is_empty()).then_some(name), clean(body)));
        rest = next;
    }
    before.push_str(rest);
    if !before.trim().is_empty() {
        let text = clean(&before);
        match name_prefix(&text) {
            Some((name, body)) => out.push((Some(name), body.to_string())),
            None => out.push((None, text)),
        }
    }
    out
}

fn vtt(file: &str, text: &str) -> Result<Parsed, TranscriptError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut turns = Vec::new();
    let mut repaired = 0;
    let mut i = 0;
    // The header block.
    while i < lines.len() && !lines[i].trim().is_empty() {
        i += 1;
    }
    while i < lines.len() {
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        if i >= lines.len() {
            break;
        }
        let block_start = i;
        let mut block = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            block.push((i + 1, lines[i]));
            i += 1;
        }
        let first = block[0].1.trim_start();
        if first.starts_with("NOTE") || first.starts_with("STYLE") || first.starts_with("REGION") {
            continue;
        }
        // An optional cue id, then the timing line.
        let t = block.iter().position(|(_, l)| l.contains("-->"));
        let Some(t) = t.filter(|&t| t <= 1) else {
            return Err(err(
                file,
                block_start + 1,
                "a cue without a timing line (`00:00:01.000 --> 00:00:04.000`)",
            ));
        };
        let (line_no, line) = block[t];
        let (start, mut end) = timing(file, line_no, line)?;
        if end < start {
            end = start;
            repaired += 1;
        }
        let payload: Vec<&str> = block[t + 1..].iter().map(|(_, l)| *l).collect();
        let spans = voices(&payload.join("\n"));
        let n = spans.len().max(1) as f64;
        for (k, (speaker, words)) in spans.into_iter().enumerate() {
            // Several voices in one cue share its time in order.
            let (a, b) = if n > 1.0 {
                let step = (end - start) / n;
                (start + step * k as f64, start + step * (k as f64 + 1.0))
            } else {
                (start, end)
            };
            turns.push(Turn {
                speaker: speaker.unwrap_or_default(),
                start: a,
                end: b,
                text: words,
            });
        }
    }
    carry_speakers(&mut turns);
    Ok(Parsed {
        format: Format::Vtt,
        turns,
        estimated_times: false,
        repaired,
    })
}

/// A cue without a speaker continues the previous speaker (captions split long turns).
fn carry_speakers(turns: &mut [Turn]) {
    let mut last = String::new();
    for t in turns {
        if t.speaker.is_empty() {
            t.speaker = if last.is_empty() {
                "Unknown".into()
            } else {
                last.clone()
            };
        } else {
            last = t.speaker.clone();
        }
    }
}

fn srt(file: &str, text: &str) -> Result<Parsed, TranscriptError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut turns = Vec::new();
    let mut repaired = 0;
    let mut i = 0;
    while i < lines.len() {
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        if i >= lines.len() {
            break;
        }
        let mut block = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            block.push((i + 1, lines[i]));
            i += 1;
        }
        let t = block.iter().position(|(_, l)| l.contains("-->"));
        let Some(t) = t.filter(|&t| t <= 1) else {
            return Err(err(
                file,
                block[0].0,
                "an SRT cue is a number, a timing line `00:00:01,000 --> 00:00:04,000` and text",
            ));
        };
        let (start, mut end) = timing(file, block[t].0, block[t].1)?;
        if end < start {
            end = start;
            repaired += 1;
        }
        // Each line that names a speaker starts a voice ("- Dana: yes" / "- Marcus: no");
        // other lines continue the voice before them.
        let mut voices: Vec<(String, String)> = Vec::new();
        for (_, l) in &block[t + 1..] {
            let line = clean(l);
            match name_prefix(&line) {
                Some((n, b)) => voices.push((n, b.to_string())),
                None => match voices.last_mut() {
                    Some(v) => {
                        v.1.push(' ');
                        v.1.push_str(&line);
                    }
                    None => voices.push((String::new(), line)),
                },
            }
        }
        let n = voices.len().max(1) as f64;
        for (k, (speaker, text)) in voices.into_iter().enumerate() {
            let step = (end - start) / n;
            turns.push(Turn {
                speaker,
                start: start + step * k as f64,
                end: start + step * (k as f64 + 1.0),
                text,
            });
        }
    }
    carry_speakers(&mut turns);
    Ok(Parsed {
        format: Format::Srt,
        turns,
        estimated_times: false,
        repaired,
    })
}

/// A leading timestamp: `[00:01:02]`, `(01:02)`, `00:01:02` or `00:01:02.5`, with what follows.
fn leading_time(s: &str) -> Option<(f64, &str)> {
    let t = s.trim_start();
    let (inner, rest) = if let Some(r) = t.strip_prefix('[') {
        let (a, b) = r.split_once(']')?;
        (a, b)
    } else if let Some(r) = t.strip_prefix('(') {
        let (a, b) = r.split_once(')')?;
        (a, b)
    } else {
        let end = t.find(|c: char| c.is_whitespace()).unwrap_or(t.len());
        (&t[..end], &t[end..])
    };
    if !inner.contains(':') || !inner.chars().next()?.is_ascii_digit() {
        return None;
    }
    Some((
        timestamp(inner)?,
        rest.trim_start()
            .trim_start_matches(['-', '|'])
            .trim_start(),
    ))
}

fn plain(file: &str, text: &str) -> Result<Parsed, TranscriptError> {
    let mut turns: Vec<Turn> = Vec::new();
    let mut timed = 0usize;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let (time, rest) = match leading_time(line) {
            Some((t, r)) => (Some(t), r),
            None => (None, line),
        };
        // "Speaker (00:01:02): text" puts the time after the name.
        let (rest, time) = match (rest.find('('), rest.find("):")) {
            (Some(a), Some(b)) if a < b && time.is_none() => match timestamp(&rest[a + 1..b]) {
                Some(t) => (
                    format!("{}:{}", rest[..a].trim_end(), &rest[b + 2..]),
                    Some(t),
                ),
                None => (rest.to_string(), time),
            },
            _ => (rest.to_string(), time),
        };
        let (speaker, body) = match name_prefix(&rest) {
            Some((name, body)) => (Some(name), body.to_string()),
            None => (None, rest.clone()),
        };
        match speaker {
            Some(s) => {
                timed += usize::from(time.is_some());
                turns.push(Turn {
                    speaker: s,
                    start: time.unwrap_or(f64::NAN),
                    end: f64::NAN,
                    text: clean(&body),
                });
            }
            None => match turns.last_mut() {
                // A line without a speaker continues the turn before it.
                Some(t) => {
                    t.text.push(' ');
                    t.text.push_str(&clean(&body));
                }
                None => {
                    return Err(err(
                        file,
                        n + 1,
                        "expected `Speaker: text` (optionally after a timestamp such as [00:01:02])",
                    ));
                }
            },
        }
    }
    // Ends are never in plain text: with timestamps only the starts are real.
    let estimated = timed < turns.len();
    if estimated {
        // 150 words a minute, one after another.
        let mut clock = 0.0;
        for t in &mut turns {
            let words = t.text.split_whitespace().count().max(1) as f64;
            t.start = clock;
            t.end = clock + words * 0.4;
            clock = t.end + 0.5;
        }
    } else {
        // Each turn ends where the next begins (or after its words, for the last).
        for k in 0..turns.len() {
            let words = turns[k].text.split_whitespace().count().max(1) as f64;
            let own = turns[k].start + words * 0.4;
            turns[k].end = match turns.get(k + 1) {
                Some(next) if next.start >= turns[k].start => {
                    next.start.min(own.max(turns[k].start))
                }
                _ => own,
            };
        }
    }
    Ok(Parsed {
        format: Format::Plain,
        turns,
        estimated_times: true,
        repaired: 0,
    })
}

fn json(file: &str, text: &str) -> Result<Parsed, TranscriptError> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| err(file, e.line(), format!("not valid JSON: {e}")))?;
    let num = |x: &serde_json::Value| x.as_f64();
    let text_of = |x: &serde_json::Value| {
        x.get("text")
            .or_else(|| x.get("transcript"))
            .and_then(|t| t.as_str())
            .map(clean)
    };
    let speaker_of = |x: &serde_json::Value| match x.get("speaker") {
        Some(serde_json::Value::String(s)) if s.len() <= 2 => format!("Speaker {s}"),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => format!("Speaker {n}"),
        _ => String::new(),
    };
    let mut turns = Vec::new();
    let mut repaired = 0;
    let mut list =
        |items: &Vec<serde_json::Value>, scale: f64, turns: &mut Vec<Turn>, what: &str| {
            for (n, it) in items.iter().enumerate() {
                let (Some(a), Some(b), Some(t)) = (
                    it.get("start").and_then(num),
                    it.get("end").and_then(num),
                    text_of(it),
                ) else {
                    return Err(err(
                        file,
                        1,
                        format!("{what}[{n}]: expected start, end and text (or transcript)"),
                    ));
                };
                if a < 0.0 || b < 0.0 || !a.is_finite() || !b.is_finite() {
                    return Err(err(
                        file,
                        1,
                        format!("{what}[{n}]: times must not be negative"),
                    ));
                }
                repaired += usize::from(b < a);
                turns.push(Turn {
                    speaker: speaker_of(it),
                    start: a * scale,
                    end: (b * scale).max(a * scale),
                    text: t,
                });
            }
            Ok(())
        };
    if let Some(u) = v.pointer("/results/utterances").and_then(|u| u.as_array()) {
        list(u, 1.0, &mut turns, "results.utterances")?; // Deepgram: seconds
    } else if let Some(u) = v.get("utterances").and_then(|u| u.as_array()) {
        list(u, 0.001, &mut turns, "utterances")?; // AssemblyAI: milliseconds
    } else if let Some(s) = v.get("segments").and_then(|s| s.as_array()) {
        list(s, 1.0, &mut turns, "segments")?; // Whisper / WhisperX
    } else if let Some(s) = v.as_array() {
        list(s, 1.0, &mut turns, "segments")?;
    } else {
        return Err(err(
            file,
            1,
            "JSON of no known shape: expected Whisper `segments`, Deepgram `results.utterances` or AssemblyAI `utterances`",
        ));
    }
    carry_speakers(&mut turns);
    Ok(Parsed {
        format: Format::Json,
        turns,
        estimated_times: false,
        repaired,
    })
}

/// Who a speaker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Party {
    /// One of our reps.
    Rep(RepId),
    /// A contact at the account.
    Contact(ContactId),
    /// Not matched.
    Unknown,
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Matches a speaker label to the reps and the account's contacts: by e-mail, by full name
/// (case, punctuation and a trailing "(Company)" ignored), then by a first name that only one
/// of them has.
pub fn match_speaker(label: &str, reps: &[Rep], contacts: &[Contact]) -> Party {
    let label = label.trim();
    let bare = label.split('(').next().unwrap_or(label).trim();
    let email = label
        .split(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .find(|w| w.contains('@'))
        .map(|w| w.to_ascii_lowercase());
    if let Some(e) = &email {
        if let Some(r) = reps.iter().find(|r| {
            r.email
                .as_ref()
                .is_some_and(|x| x.as_str().eq_ignore_ascii_case(e))
        }) {
            return Party::Rep(r.id);
        }
        if let Some(c) = contacts.iter().find(|c| {
            c.email
                .as_ref()
                .is_some_and(|x| x.as_str().eq_ignore_ascii_case(e))
        }) {
            return Party::Contact(c.id);
        }
    }
    let key = fold(bare);
    if key.is_empty() {
        return Party::Unknown;
    }
    if let Some(r) = reps.iter().find(|r| fold(&r.name) == key) {
        return Party::Rep(r.id);
    }
    if let Some(c) = contacts.iter().find(|c| fold(&c.name) == key) {
        return Party::Contact(c.id);
    }
    if !key.contains(' ') {
        let first = |n: &str| fold(n).split(' ').next().unwrap_or("").to_string();
        let reps_hit: Vec<_> = reps.iter().filter(|r| first(&r.name) == key).collect();
        let contacts_hit: Vec<_> = contacts.iter().filter(|c| first(&c.name) == key).collect();
        match (reps_hit.as_slice(), contacts_hit.as_slice()) {
            ([r], []) => return Party::Rep(r.id),
            ([], [c]) => return Party::Contact(c.id),
            _ => {}
        }
    }
    Party::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speakers(p: &Parsed) -> Vec<&str> {
        p.turns.iter().map(|t| t.speaker.as_str()).collect()
    }

    #[test]
    fn webvtt_voice_tags_with_bom_crlf_ids_notes_and_inline_tags() {
        let text = "\u{feff}WEBVTT - exported by Teams\r\n\r\nNOTE recorded 12 March\r\n\r\n1\r\n00:00:01.000 --> 00:00:04.500 align:start\r\n<v Dana Singh>Hi, <b>thanks</b> for making time.</v>\r\n\r\n2\r\n00:00:04.000 --> 00:00:06.000\r\n<v.loud Eun-ji Acheampong>Of course &amp; happy to.\r\n\r\n00:06.500 --> 00:08.000\r\n<v Dana Singh>So what's the lead time</v>\r\n";
        let p = parse("call.vtt", text.as_bytes()).unwrap();
        assert_eq!(p.format, Format::Vtt);
        assert_eq!(
            speakers(&p),
            ["Dana Singh", "Eun-ji Acheampong", "Dana Singh"]
        );
        assert_eq!(p.turns[0].text, "Hi, thanks for making time.");
        assert_eq!(p.turns[1].text, "Of course & happy to.");
        // Overlapping cues are kept; MM:SS.mmm timings read.
        assert!(p.turns[1].start < p.turns[0].end);
        assert_eq!((p.turns[2].start, p.turns[2].end), (6.5, 8.0));
    }

    #[test]
    fn zoom_name_prefixes_and_several_voices_in_one_cue() {
        let text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nMarcus Feld: Morning. How'd the review go\n\n2\n00:00:03.000 --> 00:00:07.000\n<v Ana>Mixed.</v><v Marcus Feld>Okay.</v>\n\n3\n00:00:07.000 --> 00:00:09.000\nand the budget moved\n";
        let p = parse("zoom.vtt", text.as_bytes()).unwrap();
        assert_eq!(
            speakers(&p),
            ["Marcus Feld", "Ana", "Marcus Feld", "Marcus Feld"]
        );
        assert_eq!(p.turns[0].text, "Morning. How'd the review go");
        assert_eq!((p.turns[1].start, p.turns[1].end), (3.0, 5.0));
        assert_eq!(
            p.turns[3].text, "and the budget moved",
            "a cue without a speaker continues the last one"
        );
    }

    #[test]
    fn a_cue_that_ends_before_it_starts_is_kept_and_counted_and_a_bad_timing_names_its_line() {
        let text = "WEBVTT\n\n00:00:05.000 --> 00:00:04.000\n<v A>Broken.\n\n00:00:06.000 --> 00:00:07.000\n<v B>Fine.\n";
        let p = parse("x.vtt", text.as_bytes()).unwrap();
        assert_eq!(p.repaired, 1);
        assert_eq!(p.turns[0].start, p.turns[0].end);
        let bad = "WEBVTT\n\n00:00:05.000 --> 00:00:04.000\n<v A>ok\n\n00:00:61.000 --> 00:01:02.000\n<v B>Fine.\n";
        let e = parse("bad.vtt", bad.as_bytes()).unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        assert!(
            e.to_string().starts_with("bad.vtt: line 6: start time"),
            "{e}"
        );
        let no_timing = "WEBVTT\n\n1\n<v A>no timing\n";
        assert_eq!(parse("t.vtt", no_timing.as_bytes()).unwrap_err().line, 3);
        assert!(parse("t.vtt", b"not a vtt").is_err());
    }

    #[test]
    fn srt_with_speaker_prefixes() {
        let text = "1\r\n00:00:01,000 --> 00:00:03,200\r\nDANA: Can you hold the price\r\nuntil June?\r\n\r\n2\r\n00:00:03,500 --> 00:00:05,000\r\n- Marcus Feld: Through May.\r\n";
        let p = parse("call.srt", text.as_bytes()).unwrap();
        assert_eq!(p.format, Format::Srt);
        assert_eq!(speakers(&p), ["DANA", "Marcus Feld"]);
        assert_eq!(p.turns[0].text, "Can you hold the price until June?");
        assert_eq!(p.turns[0].end, 3.2);
        let two = "1\n00:00:01,000 --> 00:00:03,000\n- Dana: Yes.\n- Marcus: No.\n\n2\n00:00:04,000 --> 00:00:05,000\n[SPEAKER_01]: Under <2 weeks.\n";
        let p = parse("two.srt", two.as_bytes()).unwrap();
        assert_eq!(speakers(&p), ["Dana", "Marcus", "SPEAKER_01"]);
        assert_eq!((p.turns[1].start, p.turns[1].text.as_str()), (2.0, "No."));
        assert_eq!(p.turns[2].text, "Under <2 weeks.", "a bare < is not a tag");
    }

    #[test]
    fn plain_text_with_and_without_timestamps() {
        let timed = "[00:00:05] Dana: We need it before the shutdown.\n[00:00:09] Marcus: Understood.\nThat works for us.\n(00:15) Dana: Good.\n";
        let p = parse("notes.txt", timed.as_bytes()).unwrap();
        assert!(p.estimated_times, "plain text has no end times");
        assert_eq!(speakers(&p), ["Dana", "Marcus", "Dana"]);
        assert_eq!(p.turns[1].text, "Understood. That works for us.");
        assert_eq!(p.turns[0].start, 5.0);
        assert!(p.turns[0].end <= 9.0);
        let after = "Dana (00:01:02): Hello there.\nMarcus (00:01:05): Hi.\n";
        let p = parse("t.txt", after.as_bytes()).unwrap();
        assert_eq!(
            (p.turns[0].speaker.as_str(), p.turns[0].start),
            ("Dana", 62.0)
        );
        let untimed = "Dana: one two three four five\nMarcus: six\n";
        let p = parse("t.txt", untimed.as_bytes()).unwrap();
        assert!(p.estimated_times);
        assert!(p.turns[1].start > p.turns[0].end);
        let e = parse("t.txt", b"just words without a speaker\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn json_from_whisper_deepgram_and_assemblyai() {
        let whisper = r#"{"text":"..","segments":[{"id":0,"start":0.0,"end":2.5,"text":" Hello there.","speaker":"SPEAKER_00"},{"id":1,"start":2.6,"end":4.0,"text":"Hi.","speaker":"SPEAKER_01"}]}"#;
        let p = parse("w.json", whisper.as_bytes()).unwrap();
        assert_eq!(speakers(&p), ["SPEAKER_00", "SPEAKER_01"]);
        assert_eq!(p.turns[0].text, "Hello there.");
        let deepgram = r#"{"results":{"utterances":[{"start":1.5,"end":3.0,"speaker":0,"transcript":"What does it cost?"},{"start":3.2,"end":4.0,"speaker":1,"transcript":"About ten."}]}}"#;
        let p = parse("d.json", deepgram.as_bytes()).unwrap();
        assert_eq!(speakers(&p), ["Speaker 0", "Speaker 1"]);
        assert_eq!(p.turns[0].start, 1.5);
        let assembly =
            r#"{"utterances":[{"start":1230,"end":2500,"speaker":"A","text":"Morning."}]}"#;
        let p = parse("a.json", assembly.as_bytes()).unwrap();
        assert_eq!(
            (p.turns[0].speaker.as_str(), p.turns[0].start),
            ("Speaker A", 1.23)
        );
        let e = parse("x.json", b"{\n \"words\": [1,2\n").unwrap_err();
        assert!(e.line >= 2, "{e}");
        let e = parse("x.json", br#"{"words":[]}"#).unwrap_err();
        assert!(e.reason.contains("no known shape"), "{e}");
        let back = br#"{"segments":[{"start":3.0,"end":2.0,"text":"x"}]}"#;
        assert_eq!(parse("b.json", back).unwrap().repaired, 1);
        let neg = br#"{"segments":[{"start":-3.0,"end":2.0,"text":"x"}]}"#;
        assert!(
            parse("n.json", neg)
                .unwrap_err()
                .reason
                .contains("negative")
        );
        let e = parse("x.json", br#"{"segments":[{"start":1}]}"#).unwrap_err();
        assert!(e.reason.contains("segments[0]"), "{e}");
    }

    #[test]
    fn speakers_match_reps_and_contacts_by_email_full_name_or_a_unique_first_name() {
        use roomwork_domain::{ContactRole, Email};
        let rep = Rep {
            id: RepId::new(),
            name: "Eun-ji Acheampong".into(),
            email: Email::parse("eunji@brightwater.example").ok(),
            territory: None,
            segment: None,
            weekly_lead_capacity: 10,
            active: true,
        };
        let contact = |name: &str| Contact {
            id: ContactId::new(),
            ext_key: None,
            account_id: None,
            name: name.into(),
            title: None,
            role: ContactRole::Other,
            email: None,
            phone: None,
            created_at: chrono::Utc::now(),
        };
        let (dana, dan) = (contact("Dana Singh"), contact("Dan Reyes"));
        let reps = [rep.clone()];
        let contacts = [dana.clone(), dan.clone()];
        assert_eq!(
            match_speaker("Eun-ji Acheampong", &reps, &contacts),
            Party::Rep(rep.id)
        );
        assert_eq!(
            match_speaker("eunji@brightwater.example", &reps, &contacts),
            Party::Rep(rep.id)
        );
        assert_eq!(
            match_speaker("Dana Singh (Stonebridge Dairy)", &reps, &contacts),
            Party::Contact(dana.id)
        );
        assert_eq!(
            match_speaker("DANA", &reps, &contacts),
            Party::Contact(dana.id)
        );
        assert_eq!(match_speaker("Speaker 1", &reps, &contacts), Party::Unknown);
    }
}
