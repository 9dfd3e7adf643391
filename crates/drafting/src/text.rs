//! Sentences, words and phrase search: the text machinery the engines and the reviewer share.

/// A span of the original text, by byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The spanned text.
    pub fn of(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

/// Splits `text` into sentences: a `.`, `!` or `?` followed by white space ends one (not
/// inside a number such as "2.5", nor after a one-letter initial or a common abbreviation),
/// and so do line breaks before a bullet and blank lines. Spans are trimmed; empty ones are
/// dropped.
pub fn sentences(text: &str) -> Vec<Span> {
    const ABBREVIATIONS: &[&str] = &[
        "mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "approx", "inc", "ltd",
        "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let end_here = match c {
            b'.' | b'!' | b'?' => {
                let next_space = bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
                let word_before: String = text[start..i]
                    .rsplit(|ch: char| ch.is_whitespace())
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let abbreviation = c == b'.'
                    && (ABBREVIATIONS.contains(&word_before.trim_start_matches('(')) || {
                        let w = word_before.trim_matches(|ch: char| !ch.is_alphanumeric());
                        w.chars().count() == 1 && w.chars().all(char::is_alphabetic)
                    });
                next_space && !abbreviation
            }
            b'\n' => {
                let rest = text[i + 1..].trim_start_matches([' ', '\t']);
                rest.starts_with('\n')
                    || rest.starts_with(['-', '*', '•'])
                    || rest.starts_with(|ch: char| ch.is_ascii_digit())
                        && rest.find(['.', ')']).is_some_and(|p| p <= 3)
                    || text[start..i].trim_end().ends_with([':', ','])
                    || text[start..i].trim().is_empty()
            }
            _ => false,
        };
        if end_here {
            push(text, start, i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push(text, start, text.len(), &mut out);
    out
}

fn push(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(Span {
            start: start + lead,
            end: end - trail,
        });
    }
}

/// Word spans of `text`: letters, digits and inner apostrophes or hyphens.
pub fn words(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    for (i, c) in text.char_indices() {
        let inner = matches!(c, '\'' | '’' | '-') && start.is_some();
        if c.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(i);
            }
            if !inner {
                last_end = i + c.len_utf8();
            }
        } else if let Some(s) = start.take() {
            out.push(Span {
                start: s,
                end: last_end,
            });
        }
    }
    if let Some(s) = start {
        out.push(Span {
            start: s,
            end: last_end,
        });
    }
    out
}

/// Every occurrence of `phrase` in `text`, ignoring case, that starts and ends on a word
/// boundary ("per my last email" matches, "supper" does not match "per").
pub fn find_phrase(text: &str, phrase: &str) -> Vec<Span> {
    let phrase = phrase.trim();
    if phrase.is_empty() {
        return Vec::new();
    }
    // ASCII lowering keeps byte offsets; the phrase lists are English.
    let hay = text.to_ascii_lowercase();
    let needle = phrase.to_ascii_lowercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let first_is_word = word(needle.chars().next());
    let last_is_word = word(needle.chars().next_back());
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = hay[from..].find(&needle) {
        let s = from + p;
        let e = s + needle.len();
        let before = hay[..s].chars().next_back();
        let after = hay[e..].chars().next();
        if !(first_is_word && word(before) || last_is_word && word(after)) {
            out.push(Span { start: s, end: e });
        }
        from = s + needle.chars().next().map_or(1, char::len_utf8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        sentences(t).into_iter().map(|s| s.of(t)).collect()
    }

    #[test]
    fn sentences_end_where_a_reader_would_end_them() {
        assert_eq!(
            texts("Thanks, Dr. Okafor. The 2.5 kW unit ships Friday! Is that OK?"),
            [
                "Thanks, Dr. Okafor.",
                "The 2.5 kW unit ships Friday!",
                "Is that OK?"
            ]
        );
        assert_eq!(
            texts("Agreed:\n- new seals\n- visit on the 4th\n\nThanks"),
            ["Agreed:", "- new seals", "- visit on the 4th", "Thanks"]
        );
        assert_eq!(texts("Dear Ana,\nthe pumps"), ["Dear Ana,", "the pumps"]);
    }

    #[test]
    fn phrases_match_whole_words_ignoring_case() {
        let t = "Just checking in. Supper? per my last email, Per My Last Email";
        assert_eq!(find_phrase(t, "just checking in").len(), 1);
        assert_eq!(find_phrase(t, "per my last email").len(), 2);
        assert!(find_phrase("supper", "per").is_empty());
        assert_eq!(find_phrase("PO# 4471", "PO#").len(), 1);
    }

    #[test]
    fn words_keep_contractions_and_hyphens() {
        let t = "We'll ship the 8-inch valves.";
        let w: Vec<&str> = words(t).into_iter().map(|s| s.of(t)).collect();
        assert_eq!(w, ["We'll", "ship", "the", "8-inch", "valves"]);
    }
}
