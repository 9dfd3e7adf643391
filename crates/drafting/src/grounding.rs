//! The grounding check: every name, number, date, identifier and commitment in a draft,
//! traced to the inputs it was written from, and the ones that cannot be traced flagged for
//! the reviewer.
//!
//! A draft restates its inputs in other words, so tracing compares meanings, not strings:
//! - dates are resolved to days ([`crate::dates`]): "Fri" in the notes supports "Friday 12
//!   December" in the draft, and "Thursday" is flagged;
//! - numbers are compared by value: "$51k" supports "$51,000", "2" supports "two", "3.5%"
//!   supports "3.5 percent"; a percentage only matches a percentage;
//! - identifiers (order and part numbers such as `SO-20316`) must appear as written;
//! - names (capitalised words that are not sentence-initial common words) must appear in an
//!   input, case-insensitively, or be a known name (the company, the sender) given as an input;
//! - commitments ("I will ...", "we'll ...", "we can ...") are supported when an input sentence
//!   shares at least half of the commitment's content words.
//!
//! It is a tracing aid, not a proof: a claim can be traced to an input word used in another
//! sense, and arithmetic (two orders summed into a total) is not followed. Its accuracy on
//! drafts with planted claims is measured by `roomwork grounding eval` (see the README).

use std::collections::HashSet;

use chrono::{Datelike as _, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::dates;

/// What kind of claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// A calendar date or weekday.
    Date,
    /// A number, price, quantity or percentage.
    Number,
    /// An order, part or document number.
    Identifier,
    /// A person, company or place.
    Name,
    /// Something we promise to do.
    Commitment,
}

impl ClaimKind {
    /// In words, as a reviewer reads it.
    pub fn describe(self) -> &'static str {
        match self {
            ClaimKind::Date => "date",
            ClaimKind::Number => "number",
            ClaimKind::Identifier => "reference number",
            ClaimKind::Name => "name",
            ClaimKind::Commitment => "commitment",
        }
    }
}

/// One claim of the draft.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// What kind.
    pub kind: ClaimKind,
    /// As written in the draft.
    pub text: String,
    /// Byte offset in the draft.
    pub start: usize,
    /// Byte offset after it.
    pub end: usize,
    /// Where it was found: input number (from 0) and the matching text; `None` when untraced.
    pub source: Option<(usize, String)>,
}

impl Claim {
    /// Whether an input supports it.
    pub fn traced(&self) -> bool {
        self.source.is_some()
    }
}

/// The check's result.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Every claim found, in order.
    pub claims: Vec<Claim>,
}

impl Report {
    /// The claims no input supports.
    pub fn untraced(&self) -> impl Iterator<Item = &Claim> {
        self.claims.iter().filter(|c| !c.traced())
    }
}

/// Checks `draft` against `inputs`, resolving relative dates against `today`.
pub fn check(draft: &str, inputs: &[&str], today: NaiveDate) -> Report {
    let sources: Vec<Source> = inputs.iter().map(|t| Source::new(t, today)).collect();
    let mut claims = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();

    // A phone number is one claim, not four numbers: "+44 20 7946 0958".
    for (start, end, digits) in phone_numbers(draft) {
        let source = sources.iter().enumerate().find_map(|(i, s)| {
            s.phones
                .iter()
                .find(|(d, _)| same_phone(d, &digits))
                .map(|(_, text)| (i, text.clone()))
        });
        taken.push((start, end));
        claims.push(Claim {
            kind: ClaimKind::Identifier,
            text: draft[start..end].to_string(),
            start,
            end,
            source,
        });
    }
    for m in dates::find(draft, today) {
        if taken.iter().any(|&(a, b)| m.start < b && a < m.end) {
            continue;
        }
        let source = sources.iter().enumerate().find_map(|(i, s)| {
            s.dates
                .iter()
                .find(|d| d.date == m.date)
                .map(|d| (i, d.text.clone()))
        });
        taken.push((m.start, m.end));
        claims.push(Claim {
            kind: ClaimKind::Date,
            text: m.text,
            start: m.start,
            end: m.end,
            source,
        });
    }
    let free =
        |s: usize, e: usize, taken: &[(usize, usize)]| !taken.iter().any(|&(a, b)| s < b && a < e);

    let draft_tokens = tokens(draft);
    // Words the draft itself writes in lower case: a capitalised one of them at the start of
    // a sentence is that word, not a name.
    let lower_words: HashSet<&str> = draft_tokens
        .iter()
        .filter(|t| !t.capitalised)
        .map(|t| t.lower.as_str())
        .collect();
    for (k, t) in draft_tokens.iter().enumerate() {
        if !free(t.start, t.end, &taken) {
            continue;
        }
        // A month named on its own ("launching in August") is a date claim too: an input
        // supports it by naming the month or a day in it.
        if t.capitalised
            && t.lower.len() >= 3
            && let Some(m) = dates::month(&t.lower)
        {
            let source = sources.iter().enumerate().find_map(|(i, s)| {
                s.dates
                    .iter()
                    .find(|d| d.date.month() == m)
                    .map(|d| (i, d.text.clone()))
                    .or_else(|| {
                        s.months
                            .iter()
                            .find(|(n, _)| *n == m)
                            .map(|(_, w)| (i, w.clone()))
                    })
            });
            claims.push(Claim {
                kind: ClaimKind::Date,
                text: t.text.clone(),
                start: t.start,
                end: t.end,
                source,
            });
        } else if let Some(id) = identifier(&t.text) {
            let source = sources
                .iter()
                .enumerate()
                .find_map(|(i, s)| s.identifiers.contains(&id).then(|| (i, t.text.clone())));
            claims.push(claim(ClaimKind::Identifier, t, source));
        } else if let Some(n) = number(&t.text) {
            let source = sources.iter().enumerate().find_map(|(i, s)| {
                s.numbers
                    .iter()
                    .find(|(v, _)| v.matches(&n))
                    .map(|(_, text)| (i, text.clone()))
            });
            claims.push(claim(ClaimKind::Number, t, source));
        } else if t.capitalised
            && (!t.sentence_start
                || subject_name(t, draft_tokens.get(k + 1), &lower_words, &sources))
            && t.lower.chars().count() > 1
            && !common_name(&t.lower)
            && !contraction(&t.lower)
        {
            let key = t.lower.trim_end_matches("'s");
            let source = sources.iter().enumerate().find_map(|(i, s)| {
                (s.words.contains(key) || s.words.contains(&stem(key))).then(|| (i, t.text.clone()))
            });
            claims.push(claim(ClaimKind::Name, t, source));
        }
    }
    for (start, end) in commitments(draft) {
        let text = &draft[start..end];
        let want = content_words(text);
        if want.is_empty() {
            continue;
        }
        let source = sources.iter().enumerate().find_map(|(i, s)| {
            s.sentences.iter().find_map(|sent| {
                let have = content_words(sent);
                // "tech" in the notes supports "technicians" in the draft: the notes abbreviate.
                // The other way round only for near-whole words ("deliver" for "delivery"),
                // so that "part" in a draft does not lean on "particular" in the notes.
                let shared = want
                    .iter()
                    .filter(|w| {
                        have.contains(*w)
                            || have.iter().any(|h| {
                                h.len() >= 4
                                    && (w.starts_with(h.as_str())
                                        || (h.starts_with(w.as_str())
                                            && w.len() * 5 >= h.len() * 4))
                            })
                    })
                    .count();
                (shared * 2 >= want.len()).then(|| (i, sent.trim().to_string()))
            })
        });
        claims.push(Claim {
            kind: ClaimKind::Commitment,
            text: text.to_string(),
            start,
            end,
            source,
        });
    }
    claims.sort_by_key(|c| (c.start, c.end));
    Report { claims }
}

fn claim(kind: ClaimKind, t: &Token, source: Option<(usize, String)>) -> Claim {
    Claim {
        kind,
        text: t.text.clone(),
        start: t.start,
        end: t.end,
        source,
    }
}

/// What an input offers to trace against.
struct Source {
    dates: Vec<dates::DateMention>,
    numbers: Vec<(Value, String)>,
    identifiers: HashSet<String>,
    words: HashSet<String>,
    /// Words the input writes in lower case.
    lower_words: HashSet<String>,
    months: Vec<(u32, String)>,
    sentences: Vec<String>,
    /// Phone numbers: digits and as written.
    phones: Vec<(String, String)>,
}

impl Source {
    fn new(text: &str, today: NaiveDate) -> Self {
        let mut numbers = Vec::new();
        let mut identifiers = HashSet::new();
        let mut words = HashSet::new();
        let mut months = Vec::new();
        let mut lower_words = HashSet::new();
        for t in tokens(text) {
            if !t.capitalised {
                lower_words.insert(t.lower.clone());
            }
            if let Some(id) = identifier(&t.text) {
                identifiers.insert(id);
            }
            if let Some(n) = number(&t.text) {
                numbers.push((n, t.text.clone()));
            }
            // "lines 1-3": each end of a range is a number the notes give.
            if t.text.contains('-') && identifier(&t.text).is_none() {
                for part in t.text.split('-') {
                    if let Some(n) = number(part) {
                        numbers.push((n, part.to_string()));
                    }
                }
            }
            // "2x" and "x2" are counts too.
            if let Some(n) = t
                .lower
                .strip_suffix('x')
                .and_then(|n| n.parse::<f64>().ok())
            {
                numbers.push((Value::plain(n), t.text.clone()));
            }
            // "may" and "march" are also ordinary words: only their capitalised forms name
            // the month.
            if let Some(m) = dates::month(t.lower.trim_end_matches('.'))
                && (t.capitalised || !matches!(t.lower.as_str(), "may" | "march"))
            {
                months.push((m, t.text.clone()));
            }
            words.insert(t.lower.trim_end_matches("'s").to_string());
            words.insert(stem(t.lower.trim_end_matches("'s")));
            for part in t.lower.split(['-', '/', '.']) {
                words.insert(part.to_string());
            }
        }
        Self {
            dates: dates::find(text, today),
            numbers,
            identifiers,
            words,
            lower_words,
            months,
            phones: phone_numbers(text)
                .into_iter()
                .map(|(a, b, digits)| (digits, text[a..b].to_string()))
                .collect(),
            sentences: text
                .split(['.', '!', '?', '\n', ';'])
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

/// Phone numbers in `text`: a run of digit groups separated by single spaces, hyphens, dots
/// or parentheses, with at least nine digits and at least one separator or a leading "+"
/// ("+44 20 7946 0958", "(555) 201-4478"). Returns byte spans and the digits.
pub(crate) fn phone_numbers(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let boundary = k == 0 || !chars[k - 1].1.is_alphanumeric();
        if !(boundary && (c == '+' || c == '(' || c.is_ascii_digit())) {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        let mut last_digit = if c.is_ascii_digit() { Some(k) } else { None };
        while j < chars.len() {
            let d = chars[j].1;
            let separator = matches!(d, ' ' | '-' | '.' | '(' | ')')
                && !matches!(chars[j - 1].1, ' ' | '-' | '.');
            if d.is_ascii_digit() {
                last_digit = Some(j);
            } else if !separator {
                break;
            }
            j += 1;
        }
        let Some(end_k) = last_digit else {
            k += 1;
            continue;
        };
        let end = chars[end_k].0 + 1;
        let span = &text[i..end];
        let digits: String = span.chars().filter(char::is_ascii_digit).collect();
        let separated = span.contains([' ', '-', '(', ')', '.']) || span.starts_with('+');
        let groups = span
            .split([' ', '-', '.', '(', ')'])
            .filter(|g| !g.is_empty())
            .count();
        // A phone number starts with "+", "(" or a trunk "0", or has "-" or "." between its
        // groups; a run of quantities ("lots 250 300 450") does not. An ISO date with a time
        // ("2026-03-14 09:30") is a date.
        let phone_like = span.starts_with(['+', '(', '0']) || span.contains(['-', '.']);
        let iso_date =
            span.len() >= 10 && NaiveDate::parse_from_str(&span[..10], "%Y-%m-%d").is_ok();
        if digits.len() >= 9
            && separated
            && phone_like
            && !iso_date
            && (groups >= 2 || span.starts_with('+'))
        {
            out.push((i, end, digits));
            k = end_k + 1;
        } else {
            k += 1;
        }
    }
    out
}

/// The same phone number, with or without the country code: the last nine digits agree.
fn same_phone(a: &str, b: &str) -> bool {
    let tail = |s: &str| s[s.len().saturating_sub(9)..].to_string();
    tail(a) == tail(b)
}

/// A word-like token: letters, digits and the punctuation that belongs inside numbers,
/// amounts and identifiers.
#[derive(Clone, Debug)]
struct Token {
    start: usize,
    end: usize,
    text: String,
    lower: String,
    capitalised: bool,
    sentence_start: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut sentence_start = true;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        let next = bytes.get(k + 1).map(|&(_, n)| n);
        let inner = matches!(c, '.' | ',' | '-' | '/' | '\'')
            && start.is_some()
            && next.is_some_and(|n| n.is_alphanumeric());
        let part = c.is_alphanumeric() || matches!(c, '$' | '€' | '£' | '%') || inner;
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(token(text, s, i, sentence_start));
                sentence_start = false;
                start = None;
            }
            _ => {}
        }
        if !part && matches!(c, '.' | '!' | '?' | '\n' | ':' | '-' | '•' | '*') {
            sentence_start = true;
        }
    }
    if let Some(s) = start {
        out.push(token(text, s, text.len(), sentence_start));
    }
    out
}

fn token(text: &str, start: usize, end: usize, sentence_start: bool) -> Token {
    let t = &text[start..end];
    Token {
        start,
        end,
        text: t.to_string(),
        lower: t.to_lowercase(),
        capitalised: t.starts_with(|c: char| c.is_uppercase()),
        sentence_start,
    }
}

/// An order, part or document number: letters and digits mixed, with a hyphen or at least
/// three digits (`SO-20316`, `PV-2210`, `INV20391`). Plain numbers and units (`150hp`,
/// `4hr`) are not identifiers.
fn identifier(t: &str) -> Option<String> {
    let letters = t.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    if letters == 0 || digits == 0 || t.starts_with(['$', '€', '£']) || t.ends_with('%') {
        return None;
    }
    // "8-inch", "30-day", "12-pk": a quantity and its unit.
    if let Some((n, unit)) = t.split_once('-')
        && n.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && unit.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let starts_alpha = t.starts_with(|c: char| c.is_ascii_alphabetic());
    let hyphen = t.contains('-');
    if (starts_alpha && (hyphen || digits >= 3)) || (hyphen && letters >= 2) {
        Some(t.to_uppercase())
    } else {
        None
    }
}

/// A numeric value and whether it is a percentage.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Value {
    value: f64,
    percent: bool,
}

impl Value {
    fn plain(value: f64) -> Self {
        Self {
            value,
            percent: false,
        }
    }

    fn matches(&self, other: &Value) -> bool {
        self.percent == other.percent && (self.value - other.value).abs() < 1e-6
    }
}

/// "$51,000", "$51k", "51k", "3.5%", "2", "150hp", "two".
fn number(t: &str) -> Option<Value> {
    let lower = t.to_lowercase();
    let spelled = match lower.as_str() {
        "two" => Some(2.0),
        "three" => Some(3.0),
        "four" => Some(4.0),
        "five" => Some(5.0),
        "six" => Some(6.0),
        "seven" => Some(7.0),
        "eight" => Some(8.0),
        "nine" => Some(9.0),
        "ten" => Some(10.0),
        "eleven" => Some(11.0),
        "twelve" => Some(12.0),
        "dozen" => Some(12.0),
        _ => None,
    };
    if let Some(v) = spelled {
        return Some(Value::plain(v));
    }
    let s = lower.trim_start_matches(['$', '€', '£']);
    let percent = s.ends_with('%');
    let s = s.trim_end_matches('%');
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(s.len());
    if digits_end == 0 {
        return None;
    }
    let (num, rest) = s.split_at(digits_end);
    let v: f64 = num.replace(',', "").parse().ok()?;
    // "$6,400/yr", "$62/case": the rate's unit does not change the amount; "8-inch",
    // "12-pk": a hyphenated unit is still a count of it.
    let unit = match rest.split_once('/') {
        Some((u, per)) if per.chars().all(|c| c.is_ascii_alphabetic() || c == '/') => u,
        _ => rest,
    };
    let unit = match unit.strip_prefix('-') {
        Some(u) if !u.is_empty() && u.chars().all(|c| c.is_ascii_alphabetic()) => u,
        _ => unit,
    };
    let scale = match unit {
        "" => 1.0,
        "k" => 1_000.0,
        "m" | "mm" | "mn" => 1_000_000.0,
        "bn" => 1_000_000_000.0,
        // Units and ordinals keep the number: "150hp", "4hr", "2nd".
        u if u.chars().all(|c| c.is_ascii_alphabetic()) => 1.0,
        _ => return None,
    };
    Some(Value {
        value: v * scale,
        percent,
    })
}

/// Spans of first-person promises: from the promise word to the end of its clause.
fn commitments(text: &str) -> Vec<(usize, usize)> {
    // ASCII lowering keeps byte offsets, so spans slice the original text.
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for cue in [
        "i will ",
        "i'll ",
        "we will ",
        "we'll ",
        "i can ",
        "we can ",
        "i am going to ",
        "we are going to ",
        "let me ",
        "we would be happy to ",
        "i would be happy to ",
        // Things done on the customer's behalf are claims too: "we've reserved a demo unit".
        "i've ",
        "we've ",
        "i have ",
        "we have ",
    ] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(cue) {
            let at = from + p;
            let word_start = at == 0 || !lower[..at].ends_with(|c: char| c.is_alphanumeric());
            let body = at + cue.len();
            let end = lower[body..]
                .find(['.', '!', '?', ';', '\n', ','])
                .map_or(lower.len(), |e| body + e);
            // "Let me know if ..." asks; it promises nothing.
            let asks = cue == "let me " && lower[body..].starts_with("know");
            // "I've noted", "I've attached": reporting, not doing something for them.
            let reports = matches!(cue, "i've " | "we've " | "i have " | "we have ")
                && [
                    "noted", "copied", "attached", "enclosed", "included", "heard", "had", "been",
                ]
                .iter()
                .any(|w| lower[body..].starts_with(w));
            if word_start && end > body && !asks && !reports {
                out.push((at, end));
            }
            from = body;
        }
    }
    out.sort();
    out
}

/// Lower-case content words of at least four letters, crudely stemmed, without the common
/// words and promise words that every commitment shares.
fn content_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| {
            w.len() >= 4
                && !common(w)
                && !common_name(w)
                && !PROMISE_WORDS.contains(&w.as_str())
                && !w.chars().any(|c| c.is_ascii_digit())
        })
        .map(|w| stem(&w))
        .collect()
}

const PROMISE_WORDS: &[&str] = &["will", "would", "happy", "going", "able", "make", "sure"];

fn stem(w: &str) -> String {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(s) = w.strip_suffix(suffix)
            && s.len() >= 4
        {
            return s.to_string();
        }
    }
    // "ref" and "reference", "spec" and "specification" meet at four letters.
    w.chars().take(6).collect()
}

/// Whether a capitalised word that starts a sentence is a person or company named as its
/// subject ("Marcus will call you"): followed by a verb a person does or by another
/// capitalised word, not a common sentence opener, not shaped like an ordinary word
/// ("Recapping", "Understood", "Deliveries"), and written nowhere in lower case.
fn subject_name(
    t: &Token,
    next: Option<&Token>,
    lower_words: &HashSet<&str>,
    sources: &[Source],
) -> bool {
    const PERSON_VERBS: &[&str] = &[
        "will",
        "is",
        "has",
        "said",
        "says",
        "mentioned",
        "asked",
        "can",
        "would",
        "and",
        "from",
        "at",
        "joins",
        "joined",
        "confirmed",
        "agreed",
        "called",
        "emailed",
    ];
    let Some(next) = next else { return false };
    // "Priya approved the order": a past-tense verb after a word that is not a plural.
    let subject = PERSON_VERBS.contains(&next.lower.as_str())
        || next.capitalised
        || (next.lower.ends_with("ed") && next.lower.len() > 3 && !t.lower.ends_with('s'));
    let ordinary = ["ing", "ed", "ly", "tion", "ment", "ness", "ity", "ies"]
        .iter()
        .any(|suffix| t.lower.ends_with(suffix));
    subject
        && !ordinary
        && !common(&t.lower)
        && !lower_words.contains(t.lower.as_str())
        && !sources.iter().any(|s| s.lower_words.contains(&t.lower))
}

/// "I'll", "We've", "You're", "Let's": a pronoun with a clitic, never a name.
fn contraction(w: &str) -> bool {
    let w = w.replace('’', "'");
    w.split_once('\'').is_some_and(|(base, clitic)| {
        matches!(
            base,
            "i" | "we" | "you" | "they" | "he" | "she" | "it" | "let" | "that"
        ) && !clitic.is_empty()
    })
}

/// Words written capitalised at the start of a sentence that are not names.
fn common(w: &str) -> bool {
    COMMON.binary_search(&w).is_ok()
}

/// Capitalised words that are not claims wherever they stand: greetings, days and months
/// (dates are checked as dates), and the pronoun I.
fn common_name(w: &str) -> bool {
    matches!(
        w,
        "i" | "dear"
            | "hi"
            | "hello"
            | "regards"
            | "best"
            | "kind"
            | "thanks"
            | "thank"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "mondays"
            | "tuesdays"
            | "wednesdays"
            | "thursdays"
            | "fridays"
            | "saturdays"
            | "sundays"
            | "ps"
            | "re"
            | "fw"
            | "fwd"
    )
}

/// Common English words that open sentences (sorted for binary search).
const COMMON: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "across",
    "additionally",
    "after",
    "afterwards",
    "again",
    "against",
    "agreed",
    "all",
    "also",
    "although",
    "always",
    "an",
    "and",
    "another",
    "any",
    "anything",
    "are",
    "as",
    "at",
    "attached",
    "based",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "best",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "currently",
    "delivery",
    "did",
    "do",
    "does",
    "during",
    "each",
    "either",
    "even",
    "every",
    "everything",
    "finally",
    "first",
    "following",
    "for",
    "from",
    "further",
    "given",
    "glad",
    "good",
    "great",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "hope",
    "how",
    "however",
    "if",
    "in",
    "including",
    "instead",
    "is",
    "it",
    "its",
    "just",
    "last",
    "let",
    "lets",
    "like",
    "looking",
    "many",
    "may",
    "meanwhile",
    "more",
    "moreover",
    "most",
    "much",
    "my",
    "next",
    "no",
    "nor",
    "not",
    "note",
    "now",
    "of",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "over",
    "overall",
    "per",
    "please",
    "pricing",
    "regarding",
    "second",
    "see",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "summary",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "third",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "today",
    "tomorrow",
    "too",
    "under",
    "unless",
    "until",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yes",
    "yet",
    "you",
    "your",
    "yours",
];

/// How a labelled file scores.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EvalReport {
    /// Drafts checked.
    pub drafts: usize,
    /// Planted unsupported claims.
    pub planted: usize,
    /// Planted claims the check flagged.
    pub caught: usize,
    /// Flags on text that was not planted (supported restatements flagged by mistake).
    pub false_flags: usize,
    /// Flags in total.
    pub flags: usize,
    /// caught / planted.
    pub recall: f64,
    /// Flags that hit a planted claim / all flags.
    pub precision: f64,
    /// Planted claims missed: (draft id, text).
    pub missed: Vec<(String, String)>,
    /// False flags: (draft id, text).
    pub false_flagged: Vec<(String, String)>,
}

/// One labelled draft: inputs, the draft, and the unsupported claims planted in it.
#[derive(Clone, Debug, Deserialize)]
pub struct Labelled {
    /// Id.
    pub id: String,
    /// The inputs.
    pub inputs: Vec<String>,
    /// The draft.
    pub draft: String,
    /// Exact substrings of the draft that no input supports.
    pub planted: Vec<String>,
}

/// Runs the check on every labelled draft. Relative dates are read against `fixed` when given,
/// else against the first date written with digits in the item's first input (the meeting's
/// date in a note's header), else against `fallback`.
pub fn evaluate(items: &[Labelled], fixed: Option<NaiveDate>, fallback: NaiveDate) -> EvalReport {
    let mut r = EvalReport::default();
    for item in items {
        let today = fixed.unwrap_or_else(|| written_date(item.inputs.first(), fallback));
        let inputs: Vec<&str> = item.inputs.iter().map(String::as_str).collect();
        let report = check(&item.draft, &inputs, today);
        let flags: Vec<&Claim> = report.untraced().collect();
        let planted: Vec<(usize, usize)> = item
            .planted
            .iter()
            .filter_map(|p| item.draft.find(p.as_str()).map(|s| (s, s + p.len())))
            .collect();
        r.drafts += 1;
        r.planted += item.planted.len();
        r.flags += flags.len();
        for (p, (s, e)) in item.planted.iter().zip(&planted) {
            if flags.iter().any(|f| f.start < *e && *s < f.end) {
                r.caught += 1;
            } else {
                r.missed.push((item.id.clone(), p.clone()));
            }
        }
        for f in flags {
            if !planted.iter().any(|(s, e)| f.start < *e && *s < f.end) {
                r.false_flags += 1;
                r.false_flagged.push((item.id.clone(), f.text.clone()));
            }
        }
    }
    r.recall = ratio(r.caught, r.planted);
    r.precision = ratio(r.flags - r.false_flags, r.flags);
    r
}

/// The first date in `text` written with digits (not "wk 12" or "in 2 days").
fn written_date(text: Option<&String>, fallback: NaiveDate) -> NaiveDate {
    text.and_then(|t| {
        dates::find(t, fallback)
            .into_iter()
            .find(|m| {
                let l = m.text.to_lowercase();
                m.text.chars().any(|c| c.is_ascii_digit())
                    && !l.starts_with("wk")
                    && !l.starts_with("week")
                    && !l.starts_with("in ")
            })
            .map(|m| m.date)
    })
    .unwrap_or(fallback)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2025-12-10".parse().unwrap()
    }

    const NOTES: &str = "QBR Driftwood Coatings\n- 2 orders this qtr, $51k total\n- SO-20316 still backordered (2 positioners), promised firm date by Fri\n- opp: boiler feed pumps (2x 150hp), specs coming from Leila\n- send case study + Pell River ref";

    fn untraced(draft: &str) -> Vec<String> {
        check(
            draft,
            &[NOTES, "From: Dana Reyes, Brightwater Industrial Supply"],
            today(),
        )
        .untraced()
        .map(|c| c.text.clone())
        .collect()
    }

    #[test]
    fn restatements_trace_to_the_notes() {
        let draft = "Dear Leila,\n\nThank you for the quarterly review. Two orders this quarter came to $51,000. \
                     Order SO-20316 is still back-ordered for two positioners; I will confirm a firm date by Friday 12 December. \
                     I will send the case study and the Pell River reference.\n\nBest regards,\nDana Reyes\nBrightwater Industrial Supply";
        assert_eq!(untraced(draft), Vec::<String>::new());
    }

    #[test]
    fn planted_claims_are_flagged() {
        let draft = "Hi Leila, the two orders came to $48,500. SO-20361 ships Thursday. \
                     Marcus will call you, and we will waive the freight charge.";
        let flagged = untraced(draft);
        for planted in [
            "$48,500",
            "SO-20361",
            "Thursday",
            "Marcus",
            "we will waive the freight charge",
        ] {
            assert!(
                flagged.iter().any(|f| f == planted),
                "{planted} not in {flagged:?}"
            );
        }
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(number("$51k").unwrap().matches(&number("$51,000").unwrap()));
        assert!(number("3.5%").unwrap().matches(&Value {
            value: 3.5,
            percent: true
        }));
        assert!(!number("3.5%").unwrap().matches(&number("3.5").unwrap()));
        assert_eq!(number("150hp").unwrap().value, 150.0);
        assert!(number("hp").is_none());
        assert_eq!(identifier("so-20316").as_deref(), Some("SO-20316"));
        assert!(identifier("150hp").is_none() && identifier("4hr").is_none());
    }

    #[test]
    fn the_common_word_list_is_sorted() {
        assert!(COMMON.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn phones_months_and_subjects_are_claims_of_their_own() {
        let notes = ["call w/ Ana: pumps may ship late. reach her on 020 7946 0958"];
        let flagged = |draft: &str| -> Vec<String> {
            check(draft, &notes, today())
                .untraced()
                .map(|c| c.text.clone())
                .collect()
        };
        // The same phone number with the country code is traced as one claim; another is
        // flagged as one claim, not four numbers.
        assert!(flagged("Ana, you can reach me on +44 20 7946 0958.").is_empty());
        assert_eq!(
            flagged("Ana, call me on +44 20 7946 0999."),
            ["+44 20 7946 0999"]
        );
        // "may" in the notes does not support the month May.
        assert_eq!(flagged("Ana, the pumps ship in May."), ["May"]);
        // A sentence-initial name with a past-tense verb is a name.
        assert_eq!(flagged("Priya approved the pumps."), ["Priya"]);
        // An ISO date stays one date.
        assert_eq!(flagged("Ana, see you on 2026-03-14."), ["2026-03-14"]);
    }
}
