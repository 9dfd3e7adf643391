//! A call written up as the account manager would write it: rough call notes in the shape the
//! drafting workflows read ("Meeting notes: ACCOUNT", the day, the meeting line, bullets), so
//! that the copilot's follow-up email and CRM update come from the same readers as notes typed
//! by hand, and are checked against the same grounding.
//!
//! The notes carry what a person would carry out of the room:
//! - the call's central points (the extractive summary, questions left out), the customer's
//!   words re-voiced in the third person ("we run three shifts" → "they run three shifts",
//!   "I need the quote" → "Dana needs the quote");
//! - our commitments as first-person lines ("I'll send you a quote by Friday"), including what
//!   the customer asked of us, as ours ("can you send me references?" → "I'll send them
//!   references");
//! - the customer's commitments as "Dana to check with their plant manager ...", including
//!   what we asked of them ("can you send me the photos?" → "Dana to send us the photos").
//!
//! Risks and competitor mentions are not written into the notes: they are for the account
//! manager, not for the customer's email (the copilot puts them in the CRM note).

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::analyze::{Analysis, Side};

/// What the notes need besides the analysis.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The account's name.
    pub account: String,
    /// The day of the call, `YYYY-MM-DD`.
    pub day: String,
    /// `discovery`, `negotiation`, ... when known.
    pub call_type: Option<String>,
    /// How the notes name a speaker (a matched contact's or rep's full name), by label.
    pub names: HashMap<String, String>,
    /// At most this many summary points (4 when 0).
    pub points: usize,
}

impl Context {
    fn full_name<'a>(&'a self, label: &'a str) -> &'a str {
        self.names.get(label).map_or(label, String::as_str)
    }

    fn first_name<'a>(&'a self, label: &'a str) -> &'a str {
        self.full_name(label)
            .split_whitespace()
            .next()
            .unwrap_or(label)
    }
}

/// The notes.
pub fn call_notes(a: &Analysis, ctx: &Context) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Meeting notes: {}", ctx.account);
    let _ = writeln!(out, "{}", ctx.day);
    let customers: Vec<&str> = {
        let mut c: Vec<&str> = a
            .turns
            .iter()
            .filter(|t| t.side == Side::Customer)
            .map(|t| ctx.full_name(&t.speaker))
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let kind = ctx
        .call_type
        .as_deref()
        .map(|k| {
            let mut k = k.replace(['_', '-'], " ");
            if let Some(f) = k.get(..1) {
                k.replace_range(..1, &f.to_uppercase());
            }
            format!("{k} call")
        })
        .unwrap_or_else(|| "Call".to_string());
    if customers.is_empty() {
        let _ = writeln!(out, "{kind}");
    } else {
        let _ = writeln!(out, "{kind} w/ {}", customers.join(", "));
    }

    // Points: the summary's statements, each once, in call order.
    let limit = if ctx.points == 0 { 4 } else { ctx.points };
    let mut points = 0;
    let actions: Vec<&str> = a.action_items.iter().map(|x| x.text.as_str()).collect();
    for s in &a.summary {
        if points == limit {
            break;
        }
        // A question (marked or not) is no status line.
        if crate::question::is_question(s) || actions.contains(&s.as_str()) {
            continue;
        }
        let Some(turn) = a.turns.iter().find(|t| t.text.contains(s.as_str())) else {
            continue;
        };
        // The notes call the customer "they", which a follow-up writes as "you": a customer's
        // own "they" (a competitor, another site) would be misread, so the point is left out.
        if turn.side == Side::Customer
            && s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .any(|w| {
                    let w = w.to_lowercase();
                    let stem = w.split(['\'', '’']).next().unwrap_or("");
                    matches!(stem, "they" | "their" | "them" | "theirs")
                })
        {
            continue;
        }
        let line = match turn.side {
            Side::Customer => third_person(s, ctx.first_name(&turn.speaker)),
            _ => tidy(s),
        };
        if line.split_whitespace().count() >= 4 {
            let _ = writeln!(out, "- {line}");
            points += 1;
        }
    }

    // Action items, each once.
    let mut seen = std::collections::HashSet::new();
    for item in &a.action_items {
        if !seen.insert(item.text.clone()) {
            continue;
        }
        let speaker_side = a
            .turns
            .iter()
            .find(|t| t.start == item.at && t.text.contains(item.text.as_str()))
            .map_or(Side::Unknown, |t| t.side);
        let line = match (item.side, speaker_side) {
            // Said by the rep about themselves: their own words.
            (Side::Rep, Side::Rep) => tidy(&item.text),
            // Asked of the rep by the customer: our to-do, in the first person so that the
            // follow-up reads it as ours ("Could you put something together" → "I'll put
            // something together"), whatever the verb.
            (Side::Rep, _) => ours(&to_do(&item.text, None)),
            // Said by the customer about themselves.
            (Side::Customer, Side::Customer) => {
                to_do(&item.text, Some(ctx.first_name(&item.owner)))
            }
            // Asked of the customer by the rep.
            (Side::Customer, _) => to_do(&item.text, Some(ctx.first_name(&item.owner))),
            _ => continue,
        };
        if !line.is_empty() {
            let _ = writeln!(out, "- {line}");
        }
    }
    out
}

/// A to-do of ours as a first-person line: "Put something together" → "I'll put something
/// together"; words left from the request ("please", "guys") are dropped, and a line that does
/// not start with a verb after them is kept as it was.
fn ours(todo: &str) -> String {
    let mut rest = todo.trim();
    loop {
        let (first, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        let f = first.trim_end_matches(',').to_lowercase();
        if matches!(
            f.as_str(),
            "please" | "guys" | "um" | "uh" | "just" | "also" | "maybe"
        ) {
            rest = tail.trim_start();
        } else {
            break;
        }
    }
    let first = rest.split_whitespace().next().unwrap_or("").to_lowercase();
    if rest.is_empty()
        || matches!(
            first.as_str(),
            "could" | "can" | "would" | "will" | "you" | "you'll" | "i" | "i'll" | "we" | "we'll"
        )
    {
        return todo.to_string();
    }
    let mut c = rest.chars();
    match c.next() {
        Some(f) => format!("I'll {}{}", f.to_lowercase(), c.as_str()),
        None => todo.to_string(),
    }
}

const FILLERS: &[&str] = &[
    "so", "and", "okay", "ok", "um", "uh", "well", "then", "right", "alright", "yeah", "great",
    "sure", "oh", "now", "look", "honestly", "listen", "anyway", "perfect", "good", "fine",
];

/// Leading fillers ("So, um, okay,") removed and the first letter capitalised.
pub fn tidy(sentence: &str) -> String {
    let mut rest = sentence.trim();
    loop {
        let word_end = rest
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(rest.len());
        let word = rest[..word_end].trim_end_matches([',', '.']).to_lowercase();
        if word_end < rest.len() && FILLERS.contains(&word.as_str()) {
            rest = rest[word_end..]
                .trim_start_matches([',', ' ', '-'])
                .trim_start();
        } else {
            break;
        }
    }
    capitalise(rest)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The word without its punctuation, lower case, and what surrounds it.
fn split_word(token: &str) -> (&str, String, &str) {
    let start = token
        .find(|c: char| c.is_alphanumeric())
        .unwrap_or(token.len());
    let end = token
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(start, |e| {
            e + token[e..].chars().next().map_or(1, char::len_utf8)
        });
    let core = &token[start..end.max(start)];
    (
        &token[..start],
        core.to_lowercase().replace('’', "'"),
        &token[end.max(start)..],
    )
}

/// Words that are not verbs after "I" ("I really need").
const ADVERBS: &[&str] = &[
    "really",
    "just",
    "also",
    "still",
    "actually",
    "definitely",
    "probably",
    "certainly",
    "honestly",
    "personally",
    "already",
    "never",
    "always",
    "usually",
    "only",
    "do",
];

/// Words after "I" that are not its verb.
const NOT_VERBS: &[&str] = &[
    "and",
    "or",
    "but",
    "too",
    "the",
    "a",
    "an",
    "to",
    "with",
    "in",
    "on",
    "at",
    "for",
    "of",
    "here",
    "there",
    "alone",
    "myself",
    "personally",
    "as",
    "if",
    "so",
];

/// A present-tense verb made third person singular ("need" → "needs").
fn third_singular(verb: &str) -> String {
    match verb {
        "am" => "is".into(),
        "have" => "has".into(),
        "do" => "does".into(),
        "don't" => "doesn't".into(),
        "haven't" => "hasn't".into(),
        "go" => "goes".into(),
        "was" | "will" | "would" | "can" | "could" | "should" | "might" | "must" | "may"
        | "did" | "had" | "didn't" | "won't" | "can't" | "wouldn't" | "couldn't" | "shall" => {
            verb.into()
        }
        // "needed" is past, "need" and "proceed" are not.
        v if (v.ends_with("ed") && !v.ends_with("eed"))
            || v.contains('\'')
            || !v.chars().all(|c| c.is_alphabetic()) =>
        {
            v.into()
        }
        v if v.ends_with(['s', 'x', 'z', 'o']) || v.ends_with("sh") || v.ends_with("ch") => {
            format!("{v}es")
        }
        v if v.ends_with('y')
            && v.chars()
                .rev()
                .nth(1)
                .is_some_and(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')) =>
        {
            format!("{}ies", &v[..v.len() - 1])
        }
        v => format!("{v}s"),
    }
}

/// A customer's sentence in the third person, as notes say it: "I" is the person by first name,
/// "we"/"our" are "they"/"their", and "you"/"your" (us, to them) are "we"/"our".
pub fn third_person(sentence: &str, name: &str) -> String {
    let text = tidy(sentence);
    // Thanks are said to us, not reported ("thank you for the demo" is no point of the call).
    let lower = text.to_lowercase();
    if lower.starts_with("thank") {
        return String::new();
    }
    // "you know," and "I mean," are fillers, not people.
    let text = text
        .replace("you know, ", "")
        .replace("You know, ", "")
        .replace("I mean, ", "")
        .replace(", you know", "");
    let text = capitalise(&text);
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut agree_next = false;
    // After "they" (the second "I"): "am" → "are", "was" → "were".
    let mut plural_next = false;
    let mut named = false;
    for (k, tok) in tokens.iter().enumerate() {
        let (pre, w, post) = split_word(tok);
        let sentence_start = k == 0;
        // "you" after a verb or a preposition is an object ("sent you" → "sent us"); else the
        // subject ("what you showed" → "what we showed").
        let you_object = k > 0
            && matches!(
                split_word(tokens[k - 1]).1.as_str(),
                "to" | "for"
                    | "with"
                    | "from"
                    | "at"
                    | "about"
                    | "of"
                    | "by"
                    | "than"
                    | "on"
                    | "send"
                    | "sent"
                    | "tell"
                    | "told"
                    | "give"
                    | "gave"
                    | "call"
                    | "called"
                    | "ask"
                    | "asked"
                    | "show"
                    | "showed"
                    | "pay"
                    | "paid"
                    | "see"
                    | "saw"
                    | "let"
                    | "like"
                    | "need"
                    | "want"
                    | "meet"
                    | "met"
                    | "help"
                    | "email"
                    | "emailed"
                    | "owe"
                    | "get"
                    | "got"
                    | "trust"
                    | "hear"
                    | "heard"
                    | "choose"
                    | "chose"
                    | "picked"
                    | "pick"
                    | "hired"
                    | "hire"
                    | "bring"
                    | "brought"
                    | "remind"
                    | "reminded"
                    | "update"
                    | "expect"
                    | "expected"
            );
        // "I" → the name the first time, "they" after that (it reads less like a form).
        let person = |rest: &str| {
            let who = if named {
                "they".to_string()
            } else {
                name.to_string()
            };
            format!("{who}{rest}")
        };
        let replaced: Option<String> = match w.as_str() {
            "i" => {
                let r = person("");
                if named {
                    plural_next = true;
                } else {
                    agree_next = true;
                }
                named = true;
                Some(r)
            }
            "i'm" => {
                let r = if named { person("'re") } else { person(" is") };
                named = true;
                Some(r)
            }
            "i've" => {
                let r = if named { person("'ve") } else { person(" has") };
                named = true;
                Some(r)
            }
            "i'll" => {
                let r = person(" will");
                named = true;
                Some(r)
            }
            "i'd" => {
                let r = person(" would");
                named = true;
                Some(r)
            }
            "me" => Some("them".into()),
            "my" => Some("their".into()),
            "mine" => Some("theirs".into()),
            "myself" => Some("themselves".into()),
            "we" => Some("they".into()),
            "we're" => Some("they're".into()),
            "we've" => Some("they've".into()),
            "we'll" => Some("they'll".into()),
            "we'd" => Some("they'd".into()),
            "us" => Some("them".into()),
            "our" => Some("their".into()),
            "ours" => Some("theirs".into()),
            "ourselves" => Some("themselves".into()),
            "you" if you_object => Some("us".into()),
            "you" => Some("we".into()),
            "you're" => Some("we're".into()),
            "you've" => Some("we've".into()),
            "you'll" => Some("we'll".into()),
            "you'd" => Some("we'd".into()),
            "your" => Some("our".into()),
            "yours" => Some("ours".into()),
            _ => None,
        };
        let word = match replaced {
            Some(r) => {
                let r = if sentence_start { capitalise(&r) } else { r };
                format!("{pre}{r}{post}")
            }
            None if plural_next => {
                plural_next = false;
                match w.as_str() {
                    "am" => format!("{pre}are{post}"),
                    "was" => format!("{pre}were{post}"),
                    _ => (*tok).to_string(),
                }
            }
            // "I and my team", "I too": not a verb; nothing to agree.
            None if agree_next && NOT_VERBS.contains(&w.as_str()) => {
                agree_next = false;
                (*tok).to_string()
            }
            None if agree_next && !ADVERBS.contains(&w.as_str()) => {
                agree_next = false;
                format!("{pre}{}{post}", third_singular(&w))
            }
            None => (*tok).to_string(),
        };
        out.push(word);
    }
    out.join(" ")
}

/// Starts of a commitment or a request, up to the verb: "I'll", "I need to", "let me",
/// "can you", "please", ...
const LEADS: &[&[&str]] = &[
    &["i'll"],
    &["we'll"],
    &["i", "will"],
    &["we", "will"],
    &["i", "can"],
    &["we", "can"],
    &["i", "shall"],
    &["i'm", "going", "to"],
    &["we're", "going", "to"],
    &["i", "am", "going", "to"],
    &["we", "are", "going", "to"],
    &["i'm", "gonna"],
    &["we're", "gonna"],
    &["let", "me"],
    &["let", "us"],
    &["i", "need", "to"],
    &["we", "need", "to"],
    &["i", "have", "to"],
    &["we", "have", "to"],
    &["i'll", "have", "to"],
    &["we'll", "have", "to"],
    &["i'll", "need", "to"],
    &["can", "you"],
    &["could", "you"],
    &["would", "you"],
    &["will", "you"],
    &["you'll"],
    &["you", "will"],
    &["you", "need", "to"],
    &["you", "should"],
    &["you", "have", "to"],
    &["you're", "going", "to"],
    &["please"],
];

/// An action item as a to-do line: `who` = `None` for ours ("Send them the references"),
/// `Some(name)` for the customer's ("Dana to check with their plant manager ..."). The words
/// after the commitment are re-voiced for whoever the line is about. Empty when the sentence
/// does not start with a commitment this knows.
pub fn to_do(sentence: &str, who: Option<&str>) -> String {
    let text = tidy(sentence);
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let words: Vec<String> = tokens.iter().map(|t| split_word(t).1).collect();
    let lead = LEADS
        .iter()
        .filter(|l| words.len() > l.len() && words.iter().zip(l.iter()).all(|(a, b)| a == b))
        .map(|l| l.len())
        .max();
    let Some(skip) = lead else {
        return String::new();
    };
    // Who "you", "me" and "I" are depends on who spoke: a request ("can you ...") is spoken to
    // the doer; a commitment ("I'll ...") by the doer.
    let request = matches!(
        words[0].as_str(),
        "can" | "could" | "would" | "will" | "you'll" | "you" | "you're" | "please"
    );
    let rest: Vec<String> = tokens[skip..]
        .iter()
        .map(|tok| {
            let (pre, w, post) = split_word(tok);
            let r = match (who.is_some(), request, w.as_str()) {
                // The customer's line; they spoke it ("I'll send you my photos").
                (true, false, "you") => Some("us"),
                (true, false, "your") => Some("our"),
                (true, false, "my" | "our") => Some("their"),
                (true, false, "me" | "us") => Some("them"),
                (true, false, "we" | "i") => Some("they"),
                (true, false, "we're" | "i'm") => Some("they're"),
                (true, false, "we'll" | "i'll") => Some("they'll"),
                (true, false, "we've" | "i've") => Some("they've"),
                // We asked it of them ("can you send me your photos").
                (true, true, "me" | "us") => Some("us"),
                (true, true, "my") => Some("our"),
                (true, true, "your") => Some("their"),
                (true, true, "you") => Some("they"),
                // Ours; they asked it of us ("can you send me the references").
                (false, true, "me" | "us") => Some("them"),
                (false, true, "my" | "our") => Some("their"),
                (false, true, "your") => Some("our"),
                // Ours; we said it ("I'll send you ..."): kept, the email speaks to "you".
                _ => None,
            };
            match r {
                Some(r) => format!("{pre}{r}{post}"),
                None => (*tok).to_string(),
            }
        })
        .collect();
    let mut rest = rest.join(" ");
    if rest.ends_with('?') {
        rest.pop();
        rest.push('.');
    }
    match who {
        Some(name) => format!("{name} to {rest}"),
        None => capitalise(&rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Options, analyze};
    use roomwork_domain::Turn;

    fn turn(speaker: &str, start: f64, end: f64, text: &str) -> Turn {
        Turn {
            speaker: speaker.into(),
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn customer_words_are_written_in_the_third_person() {
        assert_eq!(
            third_person(
                "So, we run three shifts and I need the quote by Friday.",
                "Dana"
            ),
            "They run three shifts and Dana needs the quote by Friday."
        );
        assert_eq!(
            third_person("I'm worried your lead time is too long for us.", "Dana"),
            "Dana is worried our lead time is too long for them."
        );
        assert_eq!(
            third_person(
                "I really like what you showed me, and I think it fits.",
                "Raj"
            ),
            "Raj really likes what we showed them, and they think it fits."
        );
    }

    #[test]
    fn the_second_i_and_words_that_are_not_verbs_are_left_grammatical() {
        assert_eq!(
            third_person("I called twice and I am worried.", "Dana"),
            "Dana called twice and they are worried."
        );
        assert_eq!(
            third_person("I and my team tried it; I was there.", "Dana"),
            "Dana and their team tried it; they were there."
        );
        assert_eq!(third_person("Thank you for the demo.", "Dana"), "");
        assert_eq!(
            third_person("You know, we need the pumps by March.", "Dana"),
            "They need the pumps by March."
        );
        assert_eq!(third_singular("carry"), "carries");
        assert_eq!(third_singular("play"), "plays");
        assert_eq!(third_singular("éy"), "éies");
        assert_eq!(
            to_do("We'll check if we can move the shutdown.", Some("Dana")),
            "Dana to check if they can move the shutdown."
        );
    }

    #[test]
    fn commitments_become_to_dos_for_their_owner() {
        assert_eq!(
            to_do(
                "I'll have to check with my plant manager on the shutdown window.",
                Some("Dana")
            ),
            "Dana to check with their plant manager on the shutdown window."
        );
        assert_eq!(
            to_do("Can you send me the nameplate photos?", Some("Dana")),
            "Dana to send us the nameplate photos."
        );
        assert_eq!(
            to_do("Could you send me two references?", None),
            "Send them two references."
        );
        assert_eq!(to_do("We had a good year.", None), "");
    }

    #[test]
    fn a_request_to_us_becomes_our_first_person_line() {
        assert_eq!(
            ours("Put something together."),
            "I'll put something together."
        );
        assert_eq!(
            ours("Please send them the references."),
            "I'll send them the references."
        );
        assert_eq!(ours("Guys send the drawings."), "I'll send the drawings.");
        assert_eq!(ours("Could you send it."), "Could you send it.");
    }

    /// The call notes of `turns`, with Eun-ji as our rep.
    fn notes_of(turns: &[Turn], ctx: &Context) -> String {
        let options = Options {
            reps: vec!["Eun-ji".into()],
            ..Default::default()
        };
        call_notes(&analyze(turns, &options), ctx)
    }

    #[test]
    fn an_unmarked_question_and_a_customers_they_are_no_status_lines() {
        let turns = vec![
            turn(
                "Eun-ji",
                0.0,
                10.0,
                "Is now still a good time for the seal trial, or should I call back next week.",
            ),
            turn(
                "Dana Singh",
                11.0,
                40.0,
                "Corvane quoted lower on the transfer pumps, but their lead time is twenty weeks. \
                 The seals on the transfer pumps fail twice a month on line two.",
            ),
        ];
        let ctx = Context {
            account: "Stonebridge Dairy".into(),
            day: "2026-12-04".into(),
            call_type: None,
            names: HashMap::new(),
            points: 4,
        };
        let notes = notes_of(&turns, &ctx);
        assert!(!notes.contains("good time"), "{notes}");
        assert!(!notes.contains("lead time"), "{notes}");
        assert!(notes.contains("seals on the transfer pumps"), "{notes}");
    }

    #[test]
    fn notes_carry_points_and_action_items_in_the_readers_shape() {
        let turns = vec![
            turn("Eun-ji", 0.0, 10.0, "Thanks for making time today."),
            turn(
                "Dana Singh",
                11.0,
                40.0,
                "We run three shifts and the transfer pumps fail twice a month. The seals on the transfer pumps are the problem.",
            ),
            turn(
                "Eun-ji",
                41.0,
                55.0,
                "I'll send you a quote for the transfer pumps by Friday. Can you send me the nameplate photos?",
            ),
            turn(
                "Dana Singh",
                56.0,
                70.0,
                "I'll check with my plant manager on the shutdown window. Could you put something together on the spares side first?",
            ),
        ];
        let ctx = Context {
            account: "Stonebridge Dairy".into(),
            day: "2026-12-04".into(),
            call_type: Some("discovery".into()),
            names: HashMap::from([("Eun-ji".into(), "Eun-ji Acheampong".into())]),
            points: 2,
        };
        let notes = notes_of(&turns, &ctx);
        assert!(
            notes.starts_with(
                "Meeting notes: Stonebridge Dairy\n2026-12-04\nDiscovery call w/ Dana Singh"
            ),
            "{notes}"
        );
        assert!(
            notes.contains("- I'll send you a quote for the transfer pumps by Friday."),
            "{notes}"
        );
        assert!(
            notes.contains("- I'll put something together on the spares side first."),
            "{notes}"
        );
        assert!(
            notes.contains("- Dana to send us the nameplate photos."),
            "{notes}"
        );
        assert!(
            notes.contains("- Dana to check with their plant manager on the shutdown window."),
            "{notes}"
        );
        assert!(notes.contains("- They run three shifts"), "{notes}");
    }
}
