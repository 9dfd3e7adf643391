//! Tokens, clauses and phrase patterns: the small text machinery the detector stands on.
//!
//! A request is split into lowercase word tokens; punctuation ends a clause, and a clause is
//! the scope of a negation ("they are *not* evaluating other suppliers"). Contractions are
//! expanded ("isn't" → "is not", "won't" → "will not", "I'd" → "i would") so that one pattern
//! covers both spellings. Patterns are written as words separated by spaces:
//!
//! - `escalat*` matches any word starting with "escalat";
//! - `(he|she|they)` matches one of the alternatives (each may end in `*`);
//! - `~3` skips up to three words within the same sentence;
//! - `#` matches a number word or digits ("3", "third", "3rd");
//! - `@` matches a name: a capitalised word that does not start its sentence.
//!
//! This is deliberately not a regular-expression engine: the cue lists stay readable for the
//! sales ops lead who audits them, and matching is a linear scan over a few hundred tokens.

/// One word of the text.
#[derive(Clone, Debug)]
pub struct Token {
    /// Lowercase word.
    pub word: String,
    /// Clause number (punctuation starts a new clause).
    pub clause: usize,
    /// Sentence number (`.`, `!`, `?`, newline start a new sentence).
    pub sentence: usize,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// Whether it is written with a capital and is not the first word of its sentence
    /// (a name: a person, a company, a product).
    pub name: bool,
}

/// A tokenised text.
#[derive(Clone, Debug)]
pub struct Text<'a> {
    /// The original.
    pub raw: &'a str,
    /// Its tokens.
    pub tokens: Vec<Token>,
}

fn expand(word: &str) -> Vec<String> {
    let w = word.to_lowercase().replace(['’', '‘'], "'");
    let special = match w.as_str() {
        "won't" => Some(vec!["will", "not"]),
        "can't" | "cannot" => Some(vec!["can", "not"]),
        "shan't" => Some(vec!["shall", "not"]),
        "i'd" => Some(vec!["i", "would"]),
        "we'd" => Some(vec!["we", "would"]),
        "they'd" => Some(vec!["they", "would"]),
        "i'm" => Some(vec!["i", "am"]),
        "i've" => Some(vec!["i", "have"]),
        "we've" => Some(vec!["we", "have"]),
        "they've" => Some(vec!["they", "have"]),
        "they're" => Some(vec!["they", "are"]),
        "we're" => Some(vec!["we", "are"]),
        "i'll" => Some(vec!["i", "will"]),
        "we'll" => Some(vec!["we", "will"]),
        "he'll" => Some(vec!["he", "will"]),
        "she'll" => Some(vec!["she", "will"]),
        "they'll" => Some(vec!["they", "will"]),
        _ => None,
    };
    if let Some(s) = special {
        return s.into_iter().map(String::from).collect();
    }
    if let Some(stem) = w.strip_suffix("n't") {
        return vec![stem.to_string(), "not".to_string()];
    }
    // Possessives and other clitics: "customer's" → "customer".
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("'ll"))
        .or_else(|| w.strip_suffix("'re"))
        .or_else(|| w.strip_suffix("'ve"))
        .unwrap_or(&w);
    vec![w.trim_matches('\'').to_string()]
}

impl<'a> Text<'a> {
    /// Tokenises `raw`.
    pub fn new(raw: &'a str) -> Self {
        let mut tokens = Vec::new();
        let mut clause = 0;
        let mut sentence = 0;
        let mut word_start: Option<usize> = None;
        let push = |s: usize, e: usize, clause: usize, sentence: usize, tokens: &mut Vec<Token>| {
            let first = tokens.last().is_none_or(|t: &Token| t.sentence != sentence);
            let name = !first && raw[s..e].starts_with(|c: char| c.is_uppercase());
            for w in expand(&raw[s..e]) {
                if !w.is_empty() {
                    let name = name && w != "i";
                    tokens.push(Token {
                        word: w,
                        clause,
                        sentence,
                        start: s,
                        end: e,
                        name,
                    });
                }
            }
        };
        for (i, c) in raw.char_indices() {
            let in_word = c.is_alphanumeric() || c == '\'' || c == '’';
            if in_word {
                if word_start.is_none() {
                    word_start = Some(i);
                }
                continue;
            }
            if let Some(s) = word_start.take() {
                push(s, i, clause, sentence, &mut tokens);
            }
            match c {
                '.' | '!' | '?' | '\n' => {
                    clause += 1;
                    sentence += 1;
                }
                ',' | ';' | ':' | '(' | ')' | '"' | '-' | '–' | '—' | '>' | '|' => clause += 1,
                _ => {}
            }
        }
        if let Some(s) = word_start {
            push(s, raw.len(), clause, sentence, &mut tokens);
        }
        Self { raw, tokens }
    }

    /// The sentence of the original text around token `i`, trimmed to at most 200 characters.
    pub fn sentence_at(&self, i: usize) -> String {
        let s = self.tokens[i].sentence;
        let first = self
            .tokens
            .iter()
            .find(|t| t.sentence == s)
            .expect("token i");
        let last = self
            .tokens
            .iter()
            .rev()
            .find(|t| t.sentence == s)
            .expect("token i");
        let text = self.raw[first.start..last.end].trim();
        if text.chars().count() > 200 {
            let cut: String = text.chars().take(197).collect();
            format!("{cut}...")
        } else {
            text.to_string()
        }
    }

    /// Whether any word of the text matches `word` (a pattern element such as `tender*`).
    pub fn has(&self, word: &str) -> bool {
        let el = Element::parse(word);
        self.tokens.iter().any(|t| el.matches(&t.word))
    }
}

#[derive(Clone, Debug)]
enum Element {
    Word(String, bool),
    Number,
    /// `@`: a capitalised word that does not start its sentence.
    Name,
    Gap(usize),
    /// Alternatives, each a sequence: `(fed up|tired of|furious)`.
    Alt(Vec<Vec<Element>>),
}

const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "second", "third", "fourth", "fifth", "2nd", "3rd",
    "4th", "5th",
];

/// Splits a pattern into top-level items, keeping parenthesised groups whole.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Splits `a b|c (d|e)` on the `|` that are not inside a nested group.
fn split_alts(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '|' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

fn compile(s: &str) -> Vec<Element> {
    split_top(s)
        .iter()
        .map(|item| Element::parse(item))
        .collect()
}

impl Element {
    fn parse(s: &str) -> Self {
        if s == "#" {
            return Element::Number;
        }
        if s == "@" {
            return Element::Name;
        }
        if let Some(n) = s.strip_prefix('~') {
            return Element::Gap(n.parse().expect("gap length in a cue pattern"));
        }
        if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            return Element::Alt(split_alts(inner).iter().map(|a| compile(a)).collect());
        }
        match s.strip_suffix('*') {
            Some(p) => Element::Word(p.to_string(), true),
            None => Element::Word(s.to_string(), false),
        }
    }

    fn matches(&self, word: &str) -> bool {
        match self {
            Element::Word(w, prefix) => {
                if *prefix {
                    word.starts_with(w.as_str())
                } else {
                    word == w
                }
            }
            Element::Number => {
                word.chars().all(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&word)
            }
            Element::Gap(_) | Element::Name => true,
            Element::Alt(alts) => alts.iter().any(|a| a.len() == 1 && a[0].matches(word)),
        }
    }
}

/// A compiled phrase pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    source: &'static str,
    elements: Vec<Element>,
}

/// Where a pattern matched: token indices `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
}

/// Matches `els` then `rest` from token `i`; returns the end of the match.
fn go(
    els: &[Element],
    rest: &[&[Element]],
    text: &Text<'_>,
    i: usize,
    sentence: usize,
) -> Option<usize> {
    let Some((first, tail)) = els.split_first() else {
        return match rest.split_first() {
            None => Some(i),
            Some((next, more)) => go(next, more, text, i, sentence),
        };
    };
    match first {
        Element::Gap(n) => {
            for skip in 0..=*n {
                let j = i + skip;
                if j > text.tokens.len() {
                    break;
                }
                if skip > 0 && text.tokens[j - 1].sentence != sentence {
                    break;
                }
                if let Some(end) = go(tail, rest, text, j, sentence) {
                    return Some(end);
                }
            }
            None
        }
        Element::Alt(alts) => {
            let mut stack: Vec<&[Element]> = vec![tail];
            stack.extend_from_slice(rest);
            alts.iter()
                .find_map(|alt| go(alt, &stack, text, i, sentence))
        }
        el => {
            let t = text.tokens.get(i)?;
            let name_ok = !matches!(el, Element::Name) || t.name;
            if t.sentence != sentence || !name_ok || !el.matches(&t.word) {
                return None;
            }
            go(tail, rest, text, i + 1, sentence)
        }
    }
}

const NEGATORS: &[&str] = &["not", "no", "never", "without", "neither", "nor", "hardly"];

impl Pattern {
    /// Compiles `source` (see the module documentation for the syntax).
    pub fn new(source: &'static str) -> Self {
        Self {
            source,
            elements: compile(source),
        }
    }

    /// The pattern as written.
    pub fn source(&self) -> &'static str {
        self.source
    }

    fn match_at(&self, text: &Text<'_>, start: usize) -> Option<usize> {
        let sentence = text.tokens.get(start)?.sentence;
        go(&self.elements, &[], text, start, sentence)
    }

    /// Every place the pattern matches.
    pub fn find_all(&self, text: &Text<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < text.tokens.len() {
            if let Some(end) = self.match_at(text, i) {
                hits.push(Hit { start: i, end });
                i = end.max(i + 1);
            } else {
                i += 1;
            }
        }
        hits
    }

    /// Whether a hit sits in a conditional: "if", "unless", "in case" or "whether" earlier in
    /// the same clause, at most six words before it ("if they are not happy with ...").
    pub fn conditional(text: &Text<'_>, hit: Hit) -> bool {
        let clause = text.tokens[hit.start].clause;
        (hit.start.saturating_sub(6)..hit.start).any(|j| {
            let t = &text.tokens[j];
            t.clause == clause
                && (matches!(t.word.as_str(), "if" | "unless" | "whether")
                    || (t.word == "in" && text.tokens.get(j + 1).is_some_and(|n| n.word == "case")))
        })
    }

    /// Whether a hit is negated: a negator among the three words before it in the same clause
    /// ("no longer evaluating", "not unhappy", "never had a complaint").
    pub fn negated(text: &Text<'_>, hit: Hit) -> bool {
        let clause = text.tokens[hit.start].clause;
        (hit.start.saturating_sub(3)..hit.start).any(|j| {
            text.tokens[j].clause == clause && NEGATORS.contains(&text.tokens[j].word.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contractions_expand_and_punctuation_ends_clauses() {
        let t = Text::new("They aren't unhappy, I'd say. Won't switch!");
        let words: Vec<&str> = t.tokens.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            [
                "they", "are", "not", "unhappy", "i", "would", "say", "will", "not", "switch"
            ]
        );
        assert_ne!(t.tokens[3].clause, t.tokens[4].clause);
        assert_ne!(t.tokens[6].sentence, t.tokens[7].sentence);
    }

    #[test]
    fn patterns_match_prefixes_alternatives_gaps_and_numbers() {
        let t = Text::new("The third time the valves were late; Lars escalated it to his VP.");
        assert_eq!(Pattern::new("# time").find_all(&t).len(), 1);
        assert_eq!(
            Pattern::new("escalat* ~3 (vp|director)").find_all(&t).len(),
            1
        );
        assert!(Pattern::new("late escalat*").find_all(&t).is_empty());
        // Alternatives may be phrases, and may nest.
        let p = Pattern::new("(fed up|tired of (it|this)|furious)");
        assert_eq!(p.find_all(&Text::new("Honestly I'm tired of it.")).len(), 1);
        assert_eq!(p.find_all(&Text::new("He is fed up")).len(), 1);
        assert!(p.find_all(&Text::new("He is fed well")).is_empty());
        // A gap never crosses a sentence.
        let t = Text::new("Real. Reason");
        assert!(Pattern::new("real ~2 reason").find_all(&t).is_empty());
    }

    #[test]
    fn negation_is_scoped_to_the_clause() {
        let t = Text::new("They are no longer evaluating other suppliers");
        let p = Pattern::new("evaluating ~2 (supplier*|vendor*)");
        let hit = p.find_all(&t)[0];
        assert!(Pattern::negated(&t, hit));
        let t = Text::new("Not a problem, they are evaluating other suppliers");
        let hit = p.find_all(&t)[0];
        assert!(!Pattern::negated(&t, hit));
    }

    #[test]
    fn conditionals_are_scoped_to_the_clause() {
        let p = Pattern::new("not happy");
        let t = Text::new("If they are not happy with the sample we re-run it");
        assert!(Pattern::conditional(&t, p.find_all(&t)[0]));
        let t = Text::new("They are not happy, if I am honest");
        assert!(!Pattern::conditional(&t, p.find_all(&t)[0]));
        let t = Text::new("In case they are not happy, call me");
        assert!(Pattern::conditional(&t, p.find_all(&t)[0]));
    }
}
