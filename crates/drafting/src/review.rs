//! AI as sparring partner: a review of text the account manager wrote.
//!
//! Where the policy keeps the writing with the person (an at-risk account, a statement of
//! their own professional judgement, every task the matrix files under "sparring partner"),
//! roomwork may still read their text and point at what the company's standards and a careful
//! colleague would: phrases the Foundation avoids or words differently, a greeting or sign-off
//! that does not fit the tier, contractions or slang in a formal relationship and stiff
//! officialese in a warm one, sentences too long to read on a phone, a message over the tier's
//! length, promises without a date ("we will send it soon"), apologies that hide who did what
//! ("mistakes were made"), hedged commitments ("we will try to"), and, when notes are given,
//! names, numbers and dates the notes do not support. It suggests; it never rewrites. Every
//! suggestion quotes the words it is about and says where the rule comes from.

use chrono::NaiveDate;
use roomwork_foundation::{Formality, GeneralStyle, TierStyle};
use serde::Serialize;

use crate::text::{Span, find_phrase, sentences, words};
use crate::{dates, grounding};

/// What a suggestion is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    /// A phrase the Foundation says to avoid.
    Avoid,
    /// A word the Foundation writes differently.
    Wording,
    /// The greeting or sign-off does not follow the tier's convention.
    Convention,
    /// Register: too casual or too stiff for the tier.
    Register,
    /// A promise without a date.
    VagueCommitment,
    /// A hedged promise.
    Hedge,
    /// An apology or admission that does not say who did what.
    Accountability,
    /// A sentence too long to read easily.
    LongSentence,
    /// The message is over the tier's length.
    Length,
    /// A name, number, date or commitment the notes do not support.
    Unsupported,
}

/// One thing worth a second look.
#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    /// What kind.
    pub concern: Concern,
    /// The words it is about (empty for the whole text).
    pub quote: String,
    /// Byte offset of the quote in the text.
    pub start: usize,
    /// What to consider, in words.
    pub advice: String,
    /// Where the rule comes from: a Foundation file and key, or "review".
    pub basis: String,
}

/// The review of one text.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// Words in the text.
    pub words: usize,
    /// Sentences in the text.
    pub sentences: usize,
    /// The tier's style used, if any.
    pub tier: Option<String>,
    /// Suggestions in text order.
    pub suggestions: Vec<Suggestion>,
}

/// Sentences longer than this many words are hard to read on a phone.
pub const LONG_SENTENCE_WORDS: usize = 30;

const CASUAL: &[&str] = &[
    "hey",
    "cheers",
    "gonna",
    "wanna",
    "gotta",
    "no worries",
    "no probs",
    "thanks a bunch",
    "awesome",
    "super quick",
    "btw",
    "fyi",
    "lol",
    "asap",
    "heads up",
];
const STIFF: &[&str] = &[
    "herewith",
    "hereby",
    "pursuant to",
    "kindly",
    "the undersigned",
    "please be advised",
    "we wish to inform you",
    "enclosed please find",
    "aforementioned",
];
const VAGUE_TIME: &[&str] = &[
    "soon",
    "shortly",
    "asap",
    "as soon as possible",
    "in due course",
    "in the coming days",
    "in the near future",
    "at some point",
    "when we can",
    "when possible",
    "at the earliest opportunity",
];
const HEDGES: &[&str] = &[
    "try to",
    "try and",
    "hopefully",
    "we hope to",
    "i hope to",
    "should be able to",
    "aim to",
    "do our best to",
    "do my best to",
];
const PROMISE: &[&str] = &["will", "we'll", "i'll", "shall", "going to"];
/// Words that say something went wrong: stems ("delay" for "delayed", "fail" for "failed")
/// and whole words (`=`) where a stem would catch too much ("late", not "later").
const FAILURE: &[&str] = &[
    "=sorry",
    "apolog",
    "mistake",
    "error",
    "delay",
    "=late",
    "=missed",
    "=missing",
    "wrong",
    "damag",
    "fail",
    "defect",
    "=broken",
    "=broke",
    "leak",
    "incorrect",
    "=short",
    "shortfall",
];

fn contains_word(sentence: &str, list: &[&str]) -> bool {
    list.iter().any(|w| !find_phrase(sentence, w).is_empty())
}

fn says_failure(sentence: &str) -> bool {
    words(sentence).iter().any(|w| {
        let word = w.of(sentence).to_lowercase();
        FAILURE.iter().any(|f| match f.strip_prefix('=') {
            Some(whole) => word == whole,
            None => word.starts_with(f),
        })
    })
}

/// Contractions ending in 's that are not possessives.
const S_CONTRACTIONS: &[&str] = &[
    "it's", "let's", "that's", "what's", "there's", "here's", "he's", "she's", "who's", "where's",
    "how's",
];

/// "don't", "we'll", "it's"; not "O'Neill" and not a possessive "Ana's".
fn is_contraction(word: &str) -> bool {
    ["n't", "'re", "'ve", "'ll", "'d", "'m"]
        .iter()
        .any(|e| word.ends_with(e))
        || S_CONTRACTIONS.contains(&word)
}

/// Reviews `text` against the general standards and, when known, the tier's style. `inputs`
/// are the notes the text should be faithful to (may be empty); `today` anchors relative
/// dates.
pub fn review(
    text: &str,
    general: &GeneralStyle,
    tier: Option<&TierStyle>,
    inputs: &[&str],
    today: NaiveDate,
) -> Review {
    let mut out = Vec::new();
    let add = |out: &mut Vec<Suggestion>, concern, span: Span, advice: String, basis: &str| {
        out.push(Suggestion {
            concern,
            quote: span.of(text).to_string(),
            start: span.start,
            advice,
            basis: basis.to_string(),
        });
    };

    // The Foundation's phrases.
    let tier_name = tier.map(|t| t.tier.clone());
    let mut avoid: Vec<(&str, String)> = general
        .avoid
        .iter()
        .map(|p| (p.as_str(), "communication.toml [general] avoid".to_string()))
        .collect();
    if let Some(t) = tier {
        avoid.extend(t.avoid.iter().map(|p| {
            (
                p.as_str(),
                format!("communication.toml [[tier]] {} avoid", t.tier),
            )
        }));
    }
    for (phrase, basis) in &avoid {
        for s in find_phrase(text, phrase) {
            add(
                &mut out,
                Concern::Avoid,
                s,
                format!(
                    "the company does not write \"{phrase}\"; say it plainly in your own words"
                ),
                basis,
            );
        }
    }
    for (from, to) in &general.replace {
        for s in find_phrase(text, from) {
            add(
                &mut out,
                Concern::Wording,
                s,
                format!("write \"{to}\""),
                "communication.toml [general] replace",
            );
        }
    }

    // Greeting and sign-off.
    if let Some(t) = tier {
        let basis = format!("communication.toml [[tier]] {}", t.tier);
        let opening = |s: &str| {
            s.split('{')
                .next()
                .unwrap_or("")
                .trim()
                .trim_end_matches(',')
                .to_string()
        };
        let greeting = opening(&t.greeting);
        let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if !greeting.is_empty()
            && !first_line
                .trim_start()
                .to_lowercase()
                .starts_with(&greeting.to_lowercase())
        {
            let start = text.len() - text.trim_start().len();
            add(
                &mut out,
                Concern::Convention,
                Span {
                    start,
                    end: start + first_line.trim().len(),
                },
                format!("this tier opens with \"{}\"", t.greeting),
                &format!("{basis} greeting"),
            );
        }
        let sign_off = opening(&t.sign_off);
        if !sign_off.is_empty() && find_phrase(text, &sign_off).is_empty() {
            let last = text.trim_end();
            let line_start = last.rfind('\n').map_or(0, |p| p + 1);
            add(
                &mut out,
                Concern::Convention,
                Span {
                    start: line_start,
                    end: last.len(),
                },
                format!("this tier closes with \"{}\"", t.sign_off),
                &format!("{basis} sign_off"),
            );
        }
    }

    // Register.
    if let Some(t) = tier {
        let basis = format!("communication.toml [[tier]] {} formality", t.tier);
        match t.formality {
            Formality::Formal | Formality::Professional => {
                for w in CASUAL {
                    for s in find_phrase(text, w) {
                        add(
                            &mut out,
                            Concern::Register,
                            s,
                            format!("too casual for a {:?} relationship", t.formality)
                                .to_lowercase(),
                            &basis,
                        );
                    }
                }
                if t.formality == Formality::Formal {
                    for w in words(text) {
                        let word = w.of(text).replace('’', "'").to_lowercase();
                        if is_contraction(&word) {
                            add(
                                &mut out,
                                Concern::Register,
                                w,
                                "a formal relationship reads better without contractions".into(),
                                &basis,
                            );
                        }
                    }
                }
                let bangs = text.matches('!').count();
                if bangs > 1 {
                    let p = text.find('!').unwrap_or(0);
                    add(
                        &mut out,
                        Concern::Register,
                        Span {
                            start: p,
                            end: p + 1,
                        },
                        format!("{bangs} exclamation marks: one at most in this relationship"),
                        &basis,
                    );
                }
            }
            Formality::Warm | Formality::Casual => {
                for w in STIFF {
                    for s in find_phrase(text, w) {
                        add(
                            &mut out,
                            Concern::Register,
                            s,
                            "stiff for a relationship this close; say it as you would on the phone"
                                .into(),
                            &basis,
                        );
                    }
                }
            }
        }
    }

    // Sentence by sentence.
    let found_dates = dates::find(text, today);
    let all_sentences = sentences(text);
    for s in &all_sentences {
        let sentence = s.of(text);
        let n = words(sentence).len();
        if n > LONG_SENTENCE_WORDS {
            add(
                &mut out,
                Concern::LongSentence,
                *s,
                format!("{n} words in one sentence: split it so it reads in one pass"),
                "review",
            );
        }
        let promise = contains_word(sentence, PROMISE);
        let dated = found_dates
            .iter()
            .any(|d| d.start >= s.start && d.end <= s.end);
        if promise && !dated {
            for w in VAGUE_TIME {
                for v in find_phrase(sentence, w) {
                    add(
                        &mut out,
                        Concern::VagueCommitment,
                        Span {
                            start: s.start + v.start,
                            end: s.start + v.end,
                        },
                        "a promise without a date: name the day you will do it".into(),
                        "review",
                    );
                }
            }
        }
        for w in HEDGES {
            for v in find_phrase(sentence, w) {
                add(
                    &mut out,
                    Concern::Hedge,
                    Span {
                        start: s.start + v.start,
                        end: s.start + v.end,
                    },
                    "a hedged promise: commit to what you can do, or say what it depends on".into(),
                    "review",
                );
            }
        }
        if says_failure(sentence)
            && let Some(v) = agentless_passive(sentence)
        {
            add(
                &mut out,
                Concern::Accountability,
                Span {
                    start: s.start + v.start,
                    end: s.start + v.end,
                },
                "the passive hides who did it: say what we did (\"we shipped the wrong seals\")"
                    .into(),
                "review",
            );
        }
    }

    // Length.
    let total = words(text).len();
    if let Some(t) = tier
        && total > t.max_words as usize
    {
        add(
            &mut out,
            Concern::Length,
            Span { start: 0, end: 0 },
            format!(
                "{total} words; this tier's messages stay under {} words",
                t.max_words
            ),
            &format!("communication.toml [[tier]] {} max_words", t.tier),
        );
    }

    // Faithful to the notes.
    if !inputs.is_empty() {
        for c in grounding::check(text, inputs, today).untraced() {
            add(
                &mut out,
                Concern::Unsupported,
                Span {
                    start: c.start,
                    end: c.end,
                },
                format!(
                    "this {} is not in your notes: check it before it goes out",
                    c.kind.describe()
                ),
                "grounding",
            );
        }
    }

    out.sort_by_key(|s| (s.start, s.concern));
    out.dedup_by(|a, b| a.start == b.start && a.concern == b.concern);
    // "soon" inside "as soon as possible" is the same suggestion. (An unsupported number
    // inside an unsupported commitment is not: it says which part to check.)
    let nested = |i: usize, out: &[Suggestion]| {
        out.iter().enumerate().any(|(k, o)| {
            k != i
                && o.concern == out[i].concern
                && o.concern != Concern::Unsupported
                && o.start <= out[i].start
                && out[i].start + out[i].quote.len() <= o.start + o.quote.len()
                && o.quote.len() > out[i].quote.len()
        })
    };
    let keep: Vec<bool> = (0..out.len()).map(|i| !nested(i, &out)).collect();
    let mut keep = keep.into_iter();
    out.retain(|_| keep.next().unwrap_or(true));
    Review {
        words: total,
        sentences: all_sentences.len(),
        tier: tier_name,
        suggestions: out,
    }
}

/// Whether a word after "by" starts a time ("by Friday", "by 3 pm", "by end of month"). "by the
/// ..." is read as an agent ("by the carrier").
fn names_a_time(word: &str) -> bool {
    const TIMES: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "tomorrow",
        "tonight",
        "today",
        "next",
        "end",
        "eow",
        "eod",
        "eom",
        "eoq",
        "eoy",
        "noon",
        "midday",
        "close",
        "then",
        "now",
        "mid",
        "early",
        "late",
        "week",
        "month",
        "quarter",
    ];
    TIMES.contains(&word)
        || dates::month(word).is_some()
        || word.starts_with(|c: char| c.is_ascii_digit())
}

/// A passive verb with no agent in the sentence ("the order was shipped late", "mistakes were
/// made"): a form of "be" followed by a past participle, without a "by ..." after it.
fn agentless_passive(sentence: &str) -> Option<Span> {
    const BE: &[&str] = &["was", "were", "been", "is", "are", "be", "being"];
    const IRREGULAR: &[&str] = &[
        "made",
        "sent",
        "given",
        "taken",
        "done",
        "lost",
        "put",
        "left",
        "told",
        "missed",
        "brought",
        "built",
        "caught",
        "held",
        "kept",
        "paid",
        "said",
        "set",
        "shown",
        "sold",
        "written",
        "broken",
        "chosen",
        "forgotten",
        "overlooked",
    ];
    let ws = words(sentence);
    let lower: Vec<String> = ws.iter().map(|w| w.of(sentence).to_lowercase()).collect();
    for i in 0..lower.len().saturating_sub(1) {
        if !BE.contains(&lower[i].as_str()) {
            continue;
        }
        // "was not shipped", "were then shipped": one adverb may sit between.
        for j in [i + 1, i + 2] {
            let Some(w) = lower.get(j) else { break };
            let participle = (w.ends_with("ed") && w.len() > 4) || IRREGULAR.contains(&w.as_str());
            if participle {
                // "damaged by the carrier" names who did it; "delayed, but it ships by
                // Friday" does not: the "by" must follow closely, in the same clause, and
                // introduce someone rather than a date.
                let clause_end = sentence[ws[j].end..]
                    .find([',', ';', ':'])
                    .map_or(sentence.len(), |p| ws[j].end + p);
                let agent = (j + 1..lower.len().min(j + 5))
                    .take_while(|&k| ws[k].start < clause_end)
                    .any(|k| {
                        lower[k] == "by" && lower.get(k + 1).is_some_and(|n| !names_a_time(n))
                    });
                if agent {
                    return None;
                }
                return Some(Span {
                    start: ws[i].start,
                    end: ws[j].end,
                });
            }
            if !w.ends_with("ly") && w != "not" && w != "then" {
                break;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn general() -> GeneralStyle {
        GeneralStyle {
            use_phrases: vec![],
            avoid: vec!["touch base".into(), "should ship soon".into()],
            replace: [("e-mail".to_string(), "email".to_string())].into(),
        }
    }

    fn tier(formality: Formality) -> TierStyle {
        TierStyle {
            tier: "strategic".into(),
            tone: "senior".into(),
            formality,
            greeting: "Dear {first_name},".into(),
            sign_off: "With kind regards,".into(),
            vocabulary: vec![],
            use_phrases: vec![],
            avoid: vec!["valued customer".into()],
            max_words: 60,
            personal_sentence_required: true,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn concerns(r: &Review) -> Vec<(Concern, &str)> {
        r.suggestions
            .iter()
            .map(|s| (s.concern, s.quote.as_str()))
            .collect()
    }

    #[test]
    fn the_foundation_phrases_and_conventions_are_checked() {
        let text = "Hi Ana,\n\nAs a valued customer you will want to touch base. I will e-mail the \
                    report.\n\nThanks";
        let r = review(
            text,
            &general(),
            Some(&tier(Formality::Professional)),
            &[],
            today(),
        );
        let c = concerns(&r);
        assert!(c.contains(&(Concern::Convention, "Hi Ana,")), "{c:?}");
        assert!(c.contains(&(Concern::Avoid, "valued customer")), "{c:?}");
        assert!(c.contains(&(Concern::Avoid, "touch base")), "{c:?}");
        assert!(c.contains(&(Concern::Wording, "e-mail")), "{c:?}");
        assert!(c.contains(&(Concern::Convention, "Thanks")), "{c:?}");
        // The same text in the tier's own convention raises none of those.
        let good = "Dear Ana,\n\nI will send the report on Friday.\n\nWith kind regards,\nDana";
        let r = review(
            good,
            &general(),
            Some(&tier(Formality::Professional)),
            &[],
            today(),
        );
        assert!(r.suggestions.is_empty(), "{:?}", r.suggestions);
    }

    #[test]
    fn promises_need_dates_and_apologies_need_a_subject() {
        let text = "Dear Ana,\n\nThe wrong seals were shipped to your site. We will send the \
                    right ones soon, and we will try to add a spare set. We will confirm the \
                    visit by Friday.\n\nWith kind regards,";
        let r = review(
            text,
            &general(),
            Some(&tier(Formality::Professional)),
            &[],
            today(),
        );
        let c = concerns(&r);
        assert!(
            c.contains(&(Concern::Accountability, "were shipped")),
            "{c:?}"
        );
        assert!(c.contains(&(Concern::VagueCommitment, "soon")), "{c:?}");
        assert!(c.contains(&(Concern::Hedge, "try to")), "{c:?}");
        // "by Friday" is a date: that promise is fine.
        assert_eq!(
            c.iter()
                .filter(|(k, _)| *k == Concern::VagueCommitment)
                .count(),
            1
        );
        // With an agent, the passive is an honest sentence.
        let r = review(
            "Dear Ana, the seals were damaged by the carrier.",
            &general(),
            None,
            &[],
            today(),
        );
        assert!(
            concerns(&r)
                .iter()
                .all(|(k, _)| *k != Concern::Accountability)
        );
    }

    #[test]
    fn register_follows_the_tier() {
        let casual = "Dear Ana,\n\nCheers for the call, we're on it! Gonna ship Friday!\n\n\
                      With kind regards,";
        let r = review(
            casual,
            &general(),
            Some(&tier(Formality::Formal)),
            &[],
            today(),
        );
        let c = concerns(&r);
        assert!(c.contains(&(Concern::Register, "Cheers")), "{c:?}");
        assert!(c.contains(&(Concern::Register, "we're")), "{c:?}");
        assert!(c.contains(&(Concern::Register, "Gonna")), "{c:?}");
        assert!(c.contains(&(Concern::Register, "!")), "{c:?}");
        let stiff = "Dear Ana,\n\nKindly find the report herewith.\n\nWith kind regards,";
        let r = review(
            stiff,
            &general(),
            Some(&tier(Formality::Warm)),
            &[],
            today(),
        );
        assert_eq!(
            concerns(&r)
                .iter()
                .filter(|(k, _)| *k == Concern::Register)
                .count(),
            2
        );
    }

    #[test]
    fn length_and_faithfulness() {
        let long = format!(
            "Dear Ana,\n\n{}.\n\nWith kind regards,",
            vec!["word"; 70].join(" ")
        );
        let r = review(
            &long,
            &general(),
            Some(&tier(Formality::Warm)),
            &[],
            today(),
        );
        let c = concerns(&r);
        assert!(c.iter().any(|(k, _)| *k == Concern::Length));
        assert!(c.iter().any(|(k, _)| *k == Concern::LongSentence));
        let notes = "Call with Ana: 12 seals back-ordered, new date 4 December.";
        let text = "Dear Ana,\n\nThe 14 seals arrive on 4 December.\n\nWith kind regards,";
        let r = review(text, &general(), None, &[notes], today());
        let c = concerns(&r);
        assert!(c.contains(&(Concern::Unsupported, "14")), "{c:?}");
        assert!(!c.iter().any(|(_, q)| q.contains("December")), "{c:?}");
    }

    #[test]
    fn failure_stems_time_bys_contractions_and_nested_phrases() {
        // "delayed" is a failure; "by Friday" is a time, not who did it.
        let r = review(
            "Dear Ana, the order was delayed at the port, and it will reach you by Friday.",
            &general(),
            None,
            &[],
            today(),
        );
        assert!(
            concerns(&r).contains(&(Concern::Accountability, "was delayed")),
            "{:?}",
            concerns(&r)
        );
        // Formal register: "it's" and "let's" are contractions; O'Neill and Ana's are not.
        let r = review(
            "Dear Ms O'Neill,\n\nIt's in Ana's hands; let's speak on Friday 12 September.\n\nWith kind regards,",
            &general(),
            Some(&tier(Formality::Formal)),
            &[],
            today(),
        );
        let registers: Vec<&str> = concerns(&r)
            .into_iter()
            .filter(|(k, _)| *k == Concern::Register)
            .map(|(_, q)| q)
            .collect();
        assert_eq!(registers, ["It's", "let's"]);
        // One suggestion for "as soon as possible", not a second one for "soon" inside it.
        let r = review(
            "Dear Ana, we will send it as soon as possible.",
            &general(),
            None,
            &[],
            today(),
        );
        let vague: Vec<&str> = concerns(&r)
            .into_iter()
            .filter(|(k, _)| *k == Concern::VagueCommitment)
            .map(|(_, q)| q)
            .collect();
        assert_eq!(vague, ["as soon as possible"]);
    }
}
