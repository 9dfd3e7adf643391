//! RFC 5322 messages (`.eml` files) for approved drafts, to open in the person's mail client.
//!
//! Headers with non-ASCII text are RFC 2047 encoded words; the body is UTF-8 in
//! quoted-printable, so that no line exceeds the 998-octet limit whatever the draft holds.
//! `X-Unsent: 1` makes Outlook open the file as a message to send rather than one received.

use base64::Engine as _;
use chrono::{DateTime, Utc};

/// What goes into one message.
pub struct Message<'a> {
    /// `Name <address>`; `None` leaves From to the mail client (the message is unsent).
    pub from: Option<&'a str>,
    /// `Name <address>`.
    pub to: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Plain text body.
    pub body: &'a str,
    /// Date header.
    pub date: DateTime<Utc>,
    /// Unique id, used in Message-ID.
    pub id: &'a str,
    /// Extra `X-` headers, already ASCII.
    pub extra: &'a [(&'a str, String)],
}

/// The message as CRLF-terminated text.
pub fn render(m: &Message<'_>) -> String {
    let mut out = String::new();
    let mut header = |name: &str, value: &str| {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    };
    if let Some(from) = m.from {
        header("From", &address(from));
    }
    header("To", &address(m.to));
    header("Subject", &encode_word(m.subject));
    header("Date", &m.date.to_rfc2822());
    header("Message-ID", &format!("<{}@roomwork.invalid>", m.id));
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Transfer-Encoding", "quoted-printable");
    header("X-Unsent", "1");
    for (name, value) in m.extra {
        header(name, value);
    }
    out.push_str("\r\n");
    out.push_str(&quoted_printable(m.body));
    out
}

/// `Name <addr>` with the name encoded when needed; other forms pass through encoded whole.
fn address(s: &str) -> String {
    match (s.rfind('<'), s.ends_with('>')) {
        (Some(i), true) => {
            let name = s[..i].trim().trim_matches('"');
            if name.is_empty() {
                s[i..].to_string()
            } else if name.is_ascii()
                && !name.chars().any(char::is_control)
                && !name.contains(['"', '\\', ',', ';', ':'])
            {
                format!("\"{name}\" {}", &s[i..])
            } else {
                format!("{} {}", encode_word(name), &s[i..])
            }
        }
        _ => encode_word(s.trim()),
    }
}

/// An RFC 2047 encoded word when `s` is not plain ASCII.
fn encode_word(s: &str) -> String {
    if s.is_ascii() && !s.chars().any(|c| c.is_control()) {
        return s.to_string();
    }
    // An encoded word is at most 75 characters: 45 bytes of text each, split on character
    // boundaries, folded onto continuation lines.
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in clean.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| {
            format!(
                "=?UTF-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w.as_bytes())
            )
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// Quoted-printable (RFC 2045 §6.7) with CRLF line ends and soft breaks at 76 characters.
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    let normalised = text.replace("\r\n", "\n");
    for line in normalised.split('\n') {
        let bytes = line.as_bytes();
        let mut width = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let encoded = match b {
                b' ' | b'\t' if last => format!("={b:02X}"),
                b'=' => "=3D".to_string(),
                33..=126 | b' ' | b'\t' => (b as char).to_string(),
                _ => format!("={b:02X}"),
            };
            // Leave room for the soft break's '='.
            if width + encoded.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += encoded.len();
            out.push_str(&encoded);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_and_non_ascii_is_encoded() {
        let body = format!("Grüße, {}", "a".repeat(200));
        let qp = quoted_printable(&body);
        assert!(qp.lines().all(|l| l.len() <= 76), "{qp}");
        assert!(qp.starts_with("Gr=C3=BC=C3=9Fe, "));
        // Decoding gives the text back.
        let joined = qp.replace("=\r\n", "");
        let mut bytes = Vec::new();
        let mut it = joined.trim_end().bytes();
        while let Some(b) = it.next() {
            if b == b'=' {
                let hex = [it.next().unwrap(), it.next().unwrap()];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
            } else {
                bytes.push(b);
            }
        }
        assert_eq!(String::from_utf8(bytes).unwrap(), body);
    }

    #[test]
    fn long_non_ascii_subjects_fold_into_short_encoded_words() {
        let subject = "Überprüfung der Förderpumpen für die Kläranlage Süd und Nord";
        let encoded = encode_word(subject);
        assert!(encoded.split("\r\n ").all(|w| w.len() <= 75), "{encoded}");
        assert!(encode_word("Ana\nBcc: x@y").starts_with("=?UTF-8?B?"));
    }

    #[test]
    fn headers_are_ascii_and_names_quoted() {
        let m = Message {
            from: Some("Dana Reyes <dana@brightwater.example>"),
            to: "José Núñez <jose@acme.example>",
            subject: "Próximos pasos",
            body: "Hola José,\nGracias.",
            date: "2026-11-02T09:00:00Z".parse().unwrap(),
            id: "0190",
            extra: &[("X-Roomwork-Draft", "0190".into())],
        };
        let eml = render(&m);
        assert!(eml.is_ascii());
        assert!(eml.contains("From: \"Dana Reyes\" <dana@brightwater.example>\r\n"));
        assert!(eml.contains("To: =?UTF-8?B?"));
        assert!(eml.contains("Subject: =?UTF-8?B?UHLDs3hpbW9zIHBhc29z?=\r\n"));
        assert!(eml.contains("\r\n\r\nHola Jos=C3=A9,\r\nGracias.\r\n"));
    }
}
