//! Is a sentence a question? Spoken questions often carry no question mark in a transcript
//! ("How'd the budget review go", "So you'd want it before the shutdown, right"), and a third
//! of the human-labelled questions in the AMI meeting corpus have none. The rules read what a
//! listener hears: a question word or an inverted auxiliary at the start (after fillers such as
//! "so", "um", "okay"), a tag at the end ("right?", "isn't it", "or not"), and the polite
//! forms of asking ("I was wondering if", "tell me about", "any thoughts").
//!
//! Measured against the AMI dialogue-act labels by `roomwork meetings eval-ami` (README).

/// Words a speaker starts with before the sentence proper.
const FILLERS: &[&str] = &[
    "so", "and", "but", "um", "uh", "uhm", "er", "erm", "hmm", "mm", "okay", "ok", "well", "oh",
    "right", "yeah", "yes", "alright", "now", "then", "also", "just", "actually", "anyway", "like",
    "hey", "hi", "sorry", "look", "listen", "see", "because", "cause",
];

const WH: &[&str] = &[
    "what", "what's", "whats", "why", "how", "how's", "how'd", "hows", "when", "when's", "where",
    "where's", "which", "who", "who's", "whom", "whose", "what'd", "why'd", "where'd", "who'd",
];

/// Auxiliaries that open a yes/no question when followed by a subject.
const AUX: &[&str] = &[
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "can",
    "could",
    "would",
    "will",
    "should",
    "shall",
    "have",
    "has",
    "had",
    "may",
    "might",
    "must",
    "isn't",
    "aren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "shouldn't",
    "haven't",
    "hasn't",
    "wasn't",
    "weren't",
    "am",
];

const SUBJECTS: &[&str] = &[
    "you",
    "we",
    "i",
    "they",
    "he",
    "she",
    "it",
    "there",
    "that",
    "this",
    "these",
    "those",
    "anyone",
    "anybody",
    "everyone",
    "everybody",
    "somebody",
    "someone",
    "your",
    "our",
    "their",
    "his",
    "her",
    "its",
    "the",
    "a",
    "an",
    "any",
    "all",
    "ya",
    "y'all",
];

/// Phrases that ask anywhere in a sentence.
const ASKING: &[&str] = &[
    "i was wondering",
    "i wonder if",
    "i wonder whether",
    "wondering if",
    "tell me about",
    "tell me more",
    "can you tell me",
    "could you tell me",
    "walk me through",
    "any questions",
    "any thoughts",
    "any ideas",
    "any comments",
    "do you know",
    "do you think",
    "would you say",
    "you know what i mean",
    "what do you think",
    "how do you feel",
    "is that right",
    "is that correct",
    "does that make sense",
    "i don't know if you",
    "i dunno if you",
    "don't know whether you",
    "if that's alright",
    "if that's okay",
];

/// Endings that turn a statement into a question.
const TAGS: &[&str] = &[
    "right",
    "isn't it",
    "aren't they",
    "don't you",
    "doesn't it",
    "didn't you",
    "didn't we",
    "don't we",
    "wasn't it",
    "haven't we",
    "shouldn't we",
    "did we",
    "have we",
    "won't it",
    "wouldn't it",
    "can't we",
    "isn't that",
    "is it",
    "are they",
    "do you",
    "don't they",
    "correct",
    "huh",
    "or what",
    "or no",
    "yes or no",
    "or not",
];

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '(' | ')' | '-'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .replace('’', "'")
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// True when `sentence` asks something.
pub fn is_question(sentence: &str) -> bool {
    let s = sentence.trim();
    if s.is_empty() {
        return false;
    }
    if s.ends_with('?') {
        return true;
    }
    let w = words(s);
    if w.is_empty() {
        return false;
    }
    let lower = w.join(" ");
    let mut k = 0;
    while k < w.len() && FILLERS.contains(&w[k].as_str()) {
        k += 1;
    }
    let rest = &w[k.min(w.len())..];
    if rest.is_empty() {
        return false;
    }
    let first = rest[0].as_str();
    let second = rest.get(1).map(String::as_str).unwrap_or("");
    // Unfinished fragments ("is that", "what is") are not read as questions without a mark.
    let long_enough = rest.len() >= 3;
    // "What if we ...", "why don't we ...": suggestions, not questions.
    let suggestion = matches!((first, second), ("what", "if"))
        || (first == "why" && matches!(second, "don't" | "not"));
    // "Which is cheaper": a relative clause going on from the sentence before.
    let relative = first == "which"
        && matches!(
            second,
            "is" | "was"
                | "are"
                | "were"
                | "would"
                | "will"
                | "can"
                | "could"
                | "has"
                | "have"
                | "had"
                | "means"
                | "makes"
                | "then"
                | "we"
                | "i"
                | "they"
                | "you"
                | "it"
                | "also"
                | "gets"
                | "brings"
                | "might"
                | "may"
                | "should"
        );
    // A question word, unless it opens a clause that is a statement ("what we need is",
    // "how we did it was", "when they arrive we'll"): question word, then a subject.
    if WH.contains(&first) && long_enough && !suggestion && !relative {
        // A subject or a determiner right after the question word opens an indirect clause
        // ("what the user wants", "how it works"); "how far" and the like need an auxiliary
        // next ("how far can it", not "how far you can").
        let subject = matches!(
            second,
            "we" | "i"
                | "you"
                | "they"
                | "he"
                | "she"
                | "it"
                | "you've"
                | "we've"
                | "i've"
                | "i'm"
                | "we're"
                | "they're"
                | "it'll"
                | "it's"
                | "there's"
                | "the"
                | "a"
                | "an"
                | "this"
                | "these"
                | "those"
                | "my"
                | "your"
                | "our"
                | "their"
                | "his"
                | "her"
                | "its"
        );
        let third = rest.get(2).map(String::as_str).unwrap_or("");
        let how_much = first == "how"
            && matches!(
                second,
                "far"
                    | "well"
                    | "long"
                    | "many"
                    | "much"
                    | "often"
                    | "big"
                    | "soon"
                    | "quickly"
                    | "fast"
                    | "easy"
                    | "hard"
                    | "important"
            )
            && !AUX.contains(&third)
            && !third.ends_with("'s");
        // "How'd the review go", "what's the lead time": the auxiliary is in the question word.
        let contracted = first.contains('\'');
        let clause = (subject && rest.len() > 2 && !contracted) || how_much;
        if !clause {
            return true;
        }
    }
    // "How about", "what about": always asking.
    if matches!((first, second), ("how" | "what", "about")) {
        return true;
    }
    // Inverted auxiliary: "do you", "can we", "is it", "would that".
    // ("Do it by Friday" is an instruction: a question would be "does it".)
    let imperative = matches!(first, "do" | "have")
        && matches!(
            second,
            "it" | "this" | "that" | "there" | "the" | "a" | "an" | "all" | "any"
        );
    if AUX.contains(&first) && SUBJECTS.contains(&second) && !imperative && long_enough {
        return true;
    }
    // "You know what I mean", "any thoughts", "I was wondering if".
    if ASKING.iter().any(|p| contains_phrase(&lower, p)) {
        return true;
    }
    // Alternatives left open: "so one through five, or".
    if s.trim_end_matches(['.', '!', ' ']).ends_with(", or") && w.len() > 3 {
        return true;
    }
    // An alternative asked after a comma: "Is now still a good time, or should I call back",
    // "anything going on, or is it just timing" (not "we match it, or we keep the scope").
    if let Some((_, tail)) = s.split_once(", or ") {
        let t = words(tail);
        if w.len() > 3
            && t.len() >= 2
            && AUX.contains(&t[0].as_str())
            && SUBJECTS.contains(&t[1].as_str())
            // "..., or do the whole plant", "..., or have your team sign": instructions.
            && (!matches!(t[0].as_str(), "do" | "have")
                || matches!(t[1].as_str(), "you" | "we" | "i" | "they" | "he" | "she" | "there"))
        {
            return true;
        }
    }
    // A tag after a comma at the end: "..., right", "..., isn't it".
    if let Some((_, tail)) = s.trim_end_matches(['.', '!']).rsplit_once(',') {
        let tail = words(tail).join(" ");
        if TAGS.contains(&tail.as_str()) && w.len() > 3 {
            return true;
        }
    }
    false
}

fn contains_phrase(hay: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(k) = hay[from..].find(phrase) {
        let a = from + k;
        let b = a + phrase.len();
        let left = a == 0 || hay.as_bytes()[a - 1] == b' ';
        let right = b == hay.len() || hay.as_bytes()[b] == b' ';
        if left && right {
            return true;
        }
        from = a + 1;
    }
    false
}

/// Splits a turn into sentences at `.`, `?` and `!` followed by a space and a capital or a
/// digit (so "Dr. Singh" and "$1.5M" stay whole), keeping each sentence's mark.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'.' | b'?' | b'!') {
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'.' | b'?' | b'!' | b'"' | b'\'') {
                j += 1;
            }
            let at_end = j >= bytes.len();
            // After `?` or `!` any word starts a new sentence; after `.` only a capital, a
            // digit or a quote does ("p.m. on Friday" stays whole).
            let next_starts =
                j < bytes.len()
                    && bytes[j] == b' '
                    && (c != b'.'
                        || text[j..].trim_start().chars().next().is_some_and(|ch| {
                            ch.is_uppercase() || ch.is_ascii_digit() || ch == '"'
                        }));
            let abbreviation = c == b'.' && {
                let word = text[start..i].rsplit(' ').next().unwrap_or("");
                matches!(
                    word.to_ascii_lowercase().as_str(),
                    "mr" | "mrs"
                        | "ms"
                        | "dr"
                        | "st"
                        | "vs"
                        | "etc"
                        | "inc"
                        | "co"
                        | "no"
                        | "approx"
                ) || (word.len() == 1 && word.chars().all(|ch| ch.is_ascii_uppercase()))
            };
            if (at_end || next_starts) && !abbreviation {
                let s = text[start..j].trim();
                if !s.is_empty() {
                    out.push(s);
                }
                start = j;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_with_and_without_marks() {
        for q in [
            "How'd the budget review go",
            "So what's the lead time on the positioners",
            "Um, do you want to introduce yourself again",
            "Can we get it before the shutdown",
            "You'd want it installed by March, right",
            "Shall we go round the table",
            "What about the spare seals",
            "I was wondering if you had a budget number",
            "Tell me about the failures on line two.",
            "Is that right?",
            "And who signs off above fifty thousand",
            "Any thoughts on the warranty terms",
            "Okay. So which option do you prefer",
            "Is now still a good time, or should I call back next week",
            "Anything going on, or is it just timing",
        ] {
            assert!(is_question(q), "{q}");
        }
    }

    #[test]
    fn statements_stay_statements() {
        for s in [
            "We can match the price, or we keep the scope as it is.",
            "Either we cut scope, or do it in two phases.",
            "We can ship it in two lots, or have your team sign off on one.",
            "What we need is a firm delivery date for the seals.",
            "We spoke at the trade show.",
            "Okay.",
            "Right.",
            "I will send the quote on Friday.",
            "That is the price we can hold until June.",
            "How we installed it last time was with the vendor on site.",
            "The pumps were supposed to be here last Friday.",
            "Do it by Friday.",
        ] {
            assert!(!is_question(s), "{s}");
        }
    }

    #[test]
    fn turns_split_into_sentences_where_a_listener_hears_them() {
        assert_eq!(
            sentences("Hi Dana. Dr. Singh said $1.5M was fine! What's next? ok"),
            [
                "Hi Dana.",
                "Dr. Singh said $1.5M was fine!",
                "What's next?",
                "ok"
            ]
        );
        assert_eq!(
            sentences("We need it by 3 p.m. on Friday"),
            ["We need it by 3 p.m. on Friday"]
        );
    }
}
