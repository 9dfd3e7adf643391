//! Workflow 2 on the built-in engine: a follow-up email from rough call notes.
//!
//! The notes are parsed, not pasted. Each line becomes an item with a role: a point that was
//! discussed, something we committed to, something the customer committed to, or something
//! for internal eyes only (competitor intelligence, notes to self written in capitals, "don't
//! mention ..."), which is left out and reported to the account manager. Items are re-voiced
//! for the customer: shorthand expanded ("w/", "mgr", "rev", "agmt"), "they"/"their" turned to
//! "you"/"your", the recipient's own name turned to "you", subjectless commitments given a
//! subject and a verb ("revised quote EOW" → "I will send the revised quote by Friday 12
//! September"), and dates resolved against the meeting day and spelled as days. The email
//! follows the tier's communication standard (greeting, sign-off, formality, phrases the
//! company uses, its preferred wording, length) and leaves a marked passage for the one
//! sentence only the account manager can write for this relationship.

use std::fmt::Write as _;

use chrono::NaiveDate;
use roomwork_foundation::{Formality, GeneralStyle, TierStyle};
use serde::Serialize;

use crate::dates;
use crate::text::{find_phrase, words};

/// What a line of the notes is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A point of the conversation.
    Discussed,
    /// Something we (the account manager, the company) will do.
    Ours,
    /// Something the customer will do.
    Theirs,
    /// Not for the customer's eyes.
    Internal,
}

/// One line of the notes, understood.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Line number in the notes (from 1).
    pub line: usize,
    /// As written.
    pub raw: String,
    /// What it is.
    pub role: Role,
    /// Why it was given that role.
    pub why: String,
    /// As written for the customer (empty for internal items).
    pub sentence: String,
    /// A date it carries, resolved.
    pub date: Option<NaiveDate>,
}

/// Call notes, parsed.
#[derive(Clone, Debug, Serialize)]
pub struct Notes {
    /// "Meeting notes: Glenharrow Utilities" → "Glenharrow Utilities".
    pub account: Option<String>,
    /// The meeting day, when the notes give one.
    pub date: Option<NaiveDate>,
    /// The meeting line: "Lunch w/ Mateo near the Milwaukee plant".
    pub context: Option<String>,
    /// The bullet lines.
    pub items: Vec<Item>,
}

impl Notes {
    /// The notes' text without the lines read as internal (margins, competitors, notes to
    /// self, instructions to an AI): what a customer-facing draft may rest on.
    pub fn visible(&self, text: &str) -> String {
        let internal: std::collections::HashSet<usize> = self
            .items
            .iter()
            .filter(|i| i.role == Role::Internal)
            .map(|i| i.line)
            .collect();
        text.lines()
            .enumerate()
            .filter(|(n, _)| !internal.contains(&(n + 1)))
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Reads notes for a record rather than a letter (no recipient, no sender, no tier): the
/// roles, dates and internal lines, as [`parse`] reads them.
pub fn read_for_record(notes: &str, fallback_date: NaiveDate, competitors: &[String]) -> Notes {
    let general = GeneralStyle::default();
    let letter = Letter {
        first_name: String::new(),
        last_name: String::new(),
        from_name: String::new(),
        from_company: String::new(),
        general: &general,
        tier: None,
        competitors,
    };
    parse(notes, fallback_date, &letter)
}

/// Who writes, to whom, in which relationship.
#[derive(Clone, Debug)]
pub struct Letter<'a> {
    /// The recipient's first name.
    pub first_name: String,
    /// The recipient's last name, if known.
    pub last_name: String,
    /// The sender's name.
    pub from_name: String,
    /// The sender's company.
    pub from_company: String,
    /// The general standards.
    pub general: &'a GeneralStyle,
    /// The tier's standard, if the account has a tier with one.
    pub tier: Option<&'a TierStyle>,
    /// Competitors to keep out of customer text (the Foundation's list).
    pub competitors: &'a [String],
}

/// The engine's output.
#[derive(Clone, Debug, Serialize)]
pub struct FollowUp {
    /// Subject line.
    pub subject: String,
    /// The email, with one `[[AM: ...]]` passage for the relationship sentence.
    pub body: String,
    /// The notes as understood, for the reviewer.
    pub notes: Notes,
}

const SHORTHAND: &[(&str, &str)] = &[
    ("w/o", "without"),
    ("w/", "with"),
    ("b/c", "because"),
    ("mgr", "manager"),
    ("mgmt", "management"),
    ("qtr", "quarter"),
    ("yr", "year"),
    ("yrs", "years"),
    ("mo", "months"),
    ("mos", "months"),
    ("wk", "week"),
    ("wks", "weeks"),
    ("agmt", "agreement"),
    ("approx", "approximately"),
    ("rev", "revision"),
    ("reqd", "required"),
    ("req", "request"),
    ("specs", "specifications"),
    ("spec", "specification"),
    ("intro", "introduce"),
    ("info", "information"),
    ("mtg", "meeting"),
    ("mfr", "manufacturer"),
    ("qty", "quantity"),
    ("ok", "OK"),
    ("vs", "compared with"),
    ("&", "and"),
    ("+", "and"),
    ("~", "about "),
    ("tbd", "to be decided"),
    ("asap", "as soon as possible"),
    ("maint", "maintenance"),
    ("til", "until"),
    ("till", "until"),
    ("->", "so"),
    ("=>", "so"),
    ("thru", "through"),
    ("pls", "please"),
];

/// Verbs an account manager's note starts a to-do with.
const OUR_VERBS: &[&str] = &[
    "send",
    "follow",
    "check",
    "confirm",
    "call",
    "share",
    "prepare",
    "schedule",
    "book",
    "arrange",
    "get",
    "set",
    "update",
    "revise",
    "visit",
    "review",
    "quote",
    "ship",
    "order",
    "email",
    "draft",
    "organise",
    "organize",
    "find",
    "chase",
    "loop",
    "introduce",
    "ask",
    "fill",
    "issue",
    "bump",
    "submit",
    "expedite",
    "resend",
    "requote",
    "pull",
];

/// Nouns that are things we send when a note names only the thing ("revised quote EOW").
const DELIVERABLES: &[&str] = &[
    "quote",
    "quotation",
    "proposal",
    "pricing",
    "price",
    "samples",
    "sample",
    "drawings",
    "datasheet",
    "datasheets",
    "case",
    "study",
    "report",
    "list",
    "schedule",
    "plan",
    "summary",
    "revision",
    "rev",
    "details",
    "notes",
];

/// The account a "Meeting notes: NAME" (or "Call notes: NAME") line names.
pub fn account_line(line: &str) -> Option<&str> {
    let (head, rest) = line.split_once(':')?;
    head.to_lowercase().contains("notes").then(|| rest.trim())
}

/// Parses call notes. `fallback_date` is used when the notes carry no date line.
pub fn parse(notes: &str, fallback_date: NaiveDate, letter: &Letter<'_>) -> Notes {
    let mut account = None;
    let mut date = None;
    let mut context = None;
    let mut bullets: Vec<(usize, String)> = Vec::new();
    for (i, line) in notes.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let bullet = strip_bullet(t);
        if let Some(b) = bullet {
            bullets.push((i + 1, b.to_string()));
            continue;
        }
        // "Attendees: Ana, Raj (plant mgr)", "Location: Reno": headers, not points.
        if bullets.is_empty()
            && t.split_once(':').is_some_and(|(head, _)| {
                matches!(
                    head.trim().to_lowercase().as_str(),
                    "attendees"
                        | "present"
                        | "participants"
                        | "location"
                        | "where"
                        | "who"
                        | "date"
                        | "time"
                        | "duration"
                )
            })
        {
            continue;
        }
        if bullets.is_empty()
            && account.is_none()
            && let Some(name) = account_line(t)
        {
            account = Some(name.to_string());
            continue;
        }
        if date.is_none()
            && bullets.is_empty()
            && let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        {
            date = Some(d);
            continue;
        }
        if context.is_none() && bullets.is_empty() && meeting_line(t) {
            context = Some(t.to_string());
        } else {
            // A line that is not a bullet after the bullets started: still an item.
            bullets.push((i + 1, t.to_string()));
        }
    }
    let meeting = date.unwrap_or(fallback_date);
    let items = bullets
        .into_iter()
        .flat_map(|(line, text)| split_clauses(&text).into_iter().map(move |c| (line, c)))
        .map(|(line, text)| understand(line, &text, meeting, letter))
        .collect();
    Notes {
        account,
        date,
        context,
        items,
    }
}

/// The text of a bullet line: "- ", "* ", "• ", "– ", "— ", "1. ", "2) ".
pub fn strip_bullet(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix(['-', '*', '•', '–', '—']) {
        // "-5% on the spares" is a line, "--" is not a bullet either.
        if rest.starts_with(char::is_whitespace) || rest.is_empty() {
            return Some(rest.trim());
        }
        if !rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return Some(rest.trim());
        }
        return None;
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if (1..=2).contains(&digits) {
        let rest = &line[digits..];
        if let Some(r) = rest.strip_prefix(['.', ')'])
            && r.starts_with(char::is_whitespace)
        {
            return Some(r.trim());
        }
    }
    None
}

/// Whether the line before the bullets describes the meeting ("Lunch w/ Mateo", "QBR with
/// procurement", "Call - Naveen") rather than being the first point of the notes.
fn meeting_line(line: &str) -> bool {
    const MEETINGS: &[&str] = &[
        "call",
        "meeting",
        "mtg",
        "lunch",
        "dinner",
        "breakfast",
        "coffee",
        "drinks",
        "visit",
        "qbr",
        "review",
        "demo",
        "teams",
        "zoom",
        "phone",
        "site",
        "intro",
        "negotiation",
        "workshop",
        "presentation",
        "kickoff",
        "kick-off",
        "check-in",
        "catch-up",
        "tour",
        "audit",
        "session",
        "w/",
        "with",
        "met",
    ];
    lower_words(line)
        .iter()
        .any(|w| MEETINGS.contains(&w.as_str()))
        || line.to_lowercase().contains("w/")
}

/// A bullet sometimes holds two items: "also want a named primary tech. check w/ service mgr".
/// A full stop splits only before a lower-case word and not after an abbreviation
/// ("Kellerman Valve Co. ~7% lower" stays whole).
fn split_clauses(text: &str) -> Vec<String> {
    const ABBREVIATIONS: &[&str] = &[
        "co", "inc", "ltd", "no", "vs", "approx", "e.g", "i.e", "dr", "st",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    for (p, _) in text.match_indices(". ") {
        let before = text[start..p]
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("")
            .to_lowercase();
        let after = text[p + 2..].chars().next();
        if after.is_some_and(char::is_lowercase) && !ABBREVIATIONS.contains(&before.as_str()) {
            out.push(text[start..p].to_string());
            start = p + 2;
        }
    }
    out.push(text[start..].to_string());
    // "sent pricing Mon, I'll send rev 2 Fri": a promise after a comma is an item of its own.
    let out: Vec<String> = out
        .into_iter()
        .flat_map(|part| {
            // ASCII lowercasing keeps byte offsets, so `p` cuts `part` where it was found
            // (replacing ’ with ' would not: three bytes become one).
            let lower = part.to_ascii_lowercase();
            let cut = [
                ", i'll ",
                ", i’ll ",
                ", i will ",
                ", we'll ",
                ", we’ll ",
                ", we will ",
            ]
            .iter()
            .filter_map(|p| lower.find(p))
            .min();
            // "If you send the list, I'll quote by Friday" is one promise with its condition:
            // cut, the condition would stand alone as a half-sentence.
            let conditional = [
                "if ",
                "once ",
                "when ",
                "unless ",
                "as soon as ",
                "provided ",
            ]
            .iter()
            .any(|c| lower.trim_start().starts_with(c));
            match cut {
                Some(p) if p > 0 && !conditional => {
                    vec![part[..p].to_string(), part[p + 2..].to_string()]
                }
                _ => vec![part],
            }
        })
        .collect();
    out.into_iter()
        .map(|s| s.trim().trim_end_matches('.').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn lower_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .map(|w| w.of(text).to_lowercase().replace('’', "'"))
        .collect()
}

fn understand(line: usize, raw: &str, meeting: NaiveDate, letter: &Letter<'_>) -> Item {
    let (role, why) = classify(raw, letter, meeting);
    let mut mentions = dates::find(raw, meeting);
    // What already happened happened before the meeting: "sent pricing Mon" is the Monday
    // before, not the one after.
    if role == Role::Discussed && past_event(&lower_words(raw)).is_some() {
        for m in &mut mentions {
            // Only a bare weekday ("Mon"): "until 2025-08-20" and "by Aug 20" mean what they say.
            let weekday = m.text.chars().all(char::is_alphabetic)
                && dates::find(&m.text, meeting).len() == 1
                && dates::month(&m.text.to_lowercase()).is_none()
                && !matches!(
                    m.text.to_lowercase().as_str(),
                    "today" | "tomorrow" | "tonight" | "eow" | "eom" | "eoq" | "eoy"
                );
            if weekday && m.date > meeting && (m.date - meeting).num_days() <= 7 {
                m.date -= chrono::Duration::days(7);
            }
        }
    }
    let date = mentions.first().map(|m| m.date);
    let sentence = if role == Role::Internal {
        String::new()
    } else {
        revoice(raw, role, &mentions, meeting, letter)
    };
    Item {
        line,
        raw: raw.to_string(),
        role,
        why,
        sentence,
        date,
    }
}

/// Decides what a line is.
fn classify(raw: &str, letter: &Letter<'_>, meeting: NaiveDate) -> (Role, String) {
    let lw = lower_words(raw);
    let lower = raw.to_lowercase().replace('’', "'");
    // Internal: notes to self in capitals ("NEED MFR CONFIRMATION", "TODO"), competitor
    // intelligence, explicit markers. One acronym ("ASAP", "ANSI") is not shouting.
    const SELF_NOTES: &[&str] = &["NEED", "TODO", "CHECK", "NB", "FYI", "INTERNAL", "URGENT"];
    let shouting: Vec<&str> = raw
        .split_whitespace()
        .filter(|w| {
            let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
            letters.len() >= 4 && letters.chars().all(|c| c.is_uppercase())
        })
        .collect();
    let self_note = raw
        .split_whitespace()
        .any(|w| SELF_NOTES.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())));
    if shouting.len() >= 2 || self_note {
        return (
            Role::Internal,
            format!("a note to self in capitals ({})", shouting.join(" ")),
        );
    }
    if let Some(phrase) = crate::prompt::instruction(raw) {
        return (
            Role::Internal,
            format!(
                "reads like an instruction to an AI model (\"{phrase}\"): treated as data, left out"
            ),
        );
    }
    for marker in [
        "internal",
        "note to self",
        "don't mention",
        "dont mention",
        "do not mention",
        "don't tell",
        "our margin",
        "our cost",
        "between us",
        "off the record",
        "confidential",
        "walk-away",
        "walk away",
        "our floor",
        "margin",
        "floor",
        "don't go under",
        "don't go below",
        "target $",
        "try for",
        "ok'd",
        "okd",
        "mention nicely",
        "careful",
        "lol",
        "real buyer",
        "real decision maker",
        "shopping us",
    ] {
        if !find_phrase(&lower, marker).is_empty() {
            return (Role::Internal, format!("marked \"{marker}\""));
        }
    }
    if let Some(why) = internal_judgement(&lw) {
        return (Role::Internal, why);
    }
    for c in letter.competitors {
        // "Kellerman" for "Kellerman Valve Co.": the distinctive first word is enough.
        let short = c
            .split_whitespace()
            .next()
            .filter(|w| w.chars().count() >= 5);
        if !find_phrase(raw, c).is_empty() || short.is_some_and(|w| !find_phrase(raw, w).is_empty())
        {
            return (Role::Internal, format!("names the competitor {c}"));
        }
    }
    let comparative = ["lower", "cheaper", "undercut", "beat", "beats", "cheapest"];
    if lw.iter().any(|w| comparative.contains(&w.as_str()))
        && raw.split_whitespace().any(|w| {
            matches!(
                w.trim_end_matches([',', '.']),
                "Co" | "Inc" | "Ltd" | "LLC" | "GmbH"
            )
        })
    {
        return (
            Role::Internal,
            "another supplier's pricing (competitive intelligence)".into(),
        );
    }
    // Ours: first person, or a to-do that starts with our verb.
    let first = lw.first().map(String::as_str).unwrap_or("");
    if let Some(verb) = our_obligation(&lw) {
        return (Role::Ours, format!("a to-do (\"... to {verb}\")"));
    }
    let ours_phrase = [
        "i'll",
        "i will",
        "we'll",
        "we will",
        "i'm going to",
        "i need to",
        "i am",
    ]
    .iter()
    .find(|p| lower.starts_with(*p) || lower.contains(&format!(" {p} ")));
    if let Some(p) = ours_phrase {
        return (Role::Ours, format!("first person (\"{p}\")"));
    }
    // Something that already happened is a point of the conversation, not a commitment:
    // "sent pricing Mon", "we shipped the wrong seals last wk" (but "sent pricing Mon, I'll
    // send rev 2 Fri" has a promise in it, found above).
    if let Some(verb) = past_event(&lw) {
        return (Role::Discussed, format!("already happened (\"{verb}\")"));
    }
    // "our service tech to visit 2/24", "their EPC to send P&IDs": a party on one side and
    // what it will do.
    if let Some(side) = party_to_act(&lw) {
        return side;
    }
    // "Chase to send the questionnaire", "Dr Evans to confirm qty": a capitalised name and
    // "to", even when the name is also one of our verbs.
    // When the name is also one of our verbs ("Chase"), what follows "to" must be a verb:
    // "Send to Ana the drawings" and "Ship to Reno site" are our to-dos.
    const THEIR_VERBS: &[&str] = &[
        "send",
        "confirm",
        "get",
        "check",
        "review",
        "sign",
        "call",
        "approve",
        "provide",
        "share",
        "decide",
        "come",
        "visit",
        "schedule",
        "book",
        "arrange",
        "ask",
        "follow",
        "update",
        "forward",
        "email",
        "loop",
        "talk",
        "discuss",
        "test",
        "try",
        "run",
        "pull",
        "find",
        "chase",
        "introduce",
        "intro",
        "submit",
        "issue",
        "raise",
        "place",
        "return",
    ];
    let after_to = |k: usize| lw.get(k).map_or("", String::as_str);
    let named_subject = raw.starts_with(|c: char| c.is_uppercase())
        && ((lw.get(1).is_some_and(|w| w == "to")
            && (!OUR_VERBS.contains(&first) || THEIR_VERBS.contains(&after_to(2))))
            || (matches!(first, "dr" | "mr" | "mrs" | "ms" | "prof")
                && lw.get(2).is_some_and(|w| w == "to")));
    // "ship date 2026-04-24": our verb used as a noun.
    // "order volume's down 20%", "order is late": a verb of ours as the subject of a statement.
    let noun_use = lw.get(1).is_some_and(|w| {
        matches!(
            w.as_str(),
            "date" | "dates" | "window" | "status" | "time" | "times" | "schedule" | "cost"
        ) || matches!(w.as_str(), "is" | "are" | "was" | "were" | "has" | "had")
            // "order volume's down" (a statement), not "send the customer's PO" (a to-do).
            || (w.ends_with("'s")
                && lw.get(2).is_some_and(|n| {
                    matches!(
                        n.as_str(),
                        "down" | "up" | "flat" | "late" | "behind" | "delayed" | "stuck" | "off"
                            | "on" | "short" | "over" | "under" | "fine" | "ok" | "good" | "bad"
                    ) || n.starts_with(|c: char| c.is_ascii_digit())
                }))
    });
    if named_subject {
        return (
            Role::Theirs,
            format!("a name and \"to\" (\"{}\")", first_words(raw, 3)),
        );
    }
    if OUR_VERBS.contains(&first) && !noun_use {
        return (Role::Ours, format!("a to-do (\"{first} ...\")"));
    }
    // "we quote ... by the 29th": we and our verb.
    if first == "we" && lw.get(1).is_some_and(|w| OUR_VERBS.contains(&w.as_str())) {
        return (Role::Ours, format!("first person (\"we {} ...\")", lw[1]));
    }
    // "they need to check budget": their obligation.
    if let Some(k) = lw.iter().position(|w| w == "they")
        && matches!(
            lw.get(k + 1).map(String::as_str),
            Some("need" | "have" | "must")
        )
        && lw.get(k + 2).is_some_and(|w| w == "to")
    {
        return (
            Role::Theirs,
            "their obligation (\"they need to ...\")".into(),
        );
    }
    // Theirs: the recipient or another named person, or they, will do something.
    let recipient = letter.first_name.to_lowercase();
    for (k, w) in lw.iter().enumerate() {
        let next = lw.get(k + 1).map(String::as_str).unwrap_or("");
        let subject = w == &recipient
            || matches!(w.as_str(), "they" | "she" | "he")
            || (k == 0 && raw.starts_with(|c: char| c.is_uppercase()) && w.len() > 2 && {
                // "Ayesha taking it to finance", "Kim to get owner sign-off".
                matches!(
                    next,
                    "to" | "will" | "taking" | "handling" | "checking" | "getting"
                )
            });
        let acts = matches!(
            next,
            "will" | "to" | "taking" | "handling" | "checking" | "getting"
        ) || next.ends_with("'ll");
        if subject && acts {
            return (Role::Theirs, format!("\"{w} {next} ...\""));
        }
    }
    if let Some(w) = lw
        .iter()
        .find(|w| w.ends_with("'ll") && !w.starts_with('i') && !w.starts_with("we"))
    {
        return (Role::Theirs, format!("\"{w} ...\""));
    }
    // A dated deliverable with no one named is ours: "revised quote EOW"; not a status
    // ("pricing for 2027 still open") and not a year alone.
    const STATUS: &[&str] = &[
        "still",
        "open",
        "pending",
        "tbd",
        "agreed",
        "approved",
        "ok",
        "fine",
        "discussed",
        "expired",
        "outstanding",
        "unchanged",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "not",
        "no",
        "closed",
        "done",
        "signed",
        "accepted",
        "rejected",
        "unclear",
    ];
    let deadline = dates::find(raw, meeting)
        .iter()
        .any(|m| !m.text.chars().all(|c| c.is_ascii_digit()));
    if lw.iter().any(|w| DELIVERABLES.contains(&w.as_str()))
        && deadline
        && !lw.iter().any(|w| STATUS.contains(&w.as_str()))
    {
        return (Role::Ours, "a dated deliverable".into());
    }
    (Role::Discussed, "a point of the conversation".into())
}

/// Internal judgements: how a person seems ("Jess seemed annoyed", "Dana seems checked out"),
/// speculation ("prob shopping us", "prob just venting"), and the things not to say ("don't
/// bring up", "don't promise turnaround", "DON'T ADMIT").
fn internal_judgement(lw: &[String]) -> Option<String> {
    const SAY: &[&str] = &[
        "mention",
        "bring",
        "promise",
        "admit",
        "speculate",
        "offer",
        "quote",
        "waive",
        "say",
        "raise",
        "tell",
        "commit",
        "discuss",
        "share",
        "agree",
    ];
    for (k, w) in lw.iter().enumerate() {
        let next = lw.get(k + 1).map_or("", String::as_str);
        if matches!(w.as_str(), "seem" | "seems" | "seemed") {
            return Some(format!("a judgement of a person (\"{w} {next}\")"));
        }
        if matches!(w.as_str(), "prob" | "probably" | "prolly") {
            return Some(format!("speculation (\"{w} {next}\")"));
        }
        let negated =
            matches!(w.as_str(), "don't" | "dont" | "never") || (w == "do" && next == "not");
        if negated {
            let verb = if w == "do" {
                lw.get(k + 2).map_or("", String::as_str)
            } else {
                next
            };
            if SAY.contains(&verb) {
                return Some(format!("not to be said (\"{w} {verb}\")"));
            }
        }
        // "need Finance approval first", "need VP for more", "ask mgr first".
        if matches!(w.as_str(), "need" | "ask" | "check")
            && matches!(
                next,
                "finance" | "vp" | "mgr" | "manager" | "director" | "boss" | "pricing" | "approval"
            )
        {
            return Some(format!("an internal approval (\"{w} {next}\")"));
        }
    }
    None
}

/// "our service tech to visit ..." (ours) and "their 3PL to confirm ..." (theirs): "our" or
/// "their", up to four words naming the party, then "to" and a verb.
fn party_to_act(lw: &[String]) -> Option<(Role, String)> {
    let (role, start) = match lw.first()?.as_str() {
        "our" => (Role::Ours, 1),
        "their" => (Role::Theirs, 1),
        _ => return None,
    };
    let to = (start + 1..(start + 5).min(lw.len())).find(|&k| lw[k] == "to")?;
    lw.get(to + 1)?;
    Some((
        role,
        format!("{} {} to ...", lw[0], lw[start..to].join(" ")),
    ))
}

fn first_words(raw: &str, n: usize) -> String {
    raw.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// Past-tense verbs a note uses for what already happened.
const PAST: &[&str] = &[
    "sent",
    "gave",
    "showed",
    "shipped",
    "delivered",
    "quoted",
    "offered",
    "proposed",
    "presented",
    "demoed",
    "emailed",
    "called",
    "visited",
    "met",
    "spoke",
    "discussed",
    "installed",
    "fixed",
    "replaced",
    "received",
    "reviewed",
    "walked",
    "told",
    "explained",
    "signed",
    "returned",
    "credited",
    "invoiced",
    "issued",
    "ran",
    "did",
    "had",
    "went",
];

/// The past-tense verb a line opens with, alone or after "we"/"I"/"already".
fn past_event(lw: &[String]) -> Option<&str> {
    let mut k = 0;
    while lw
        .get(k)
        .is_some_and(|w| matches!(w.as_str(), "we" | "i" | "already" | "just" | "also"))
    {
        k += 1;
    }
    let verb = lw.get(k)?.as_str();
    (PAST.contains(&verb) && lw.len() > k + 1).then_some(verb)
}

/// "need to check stock", "must confirm lead time": an obligation with our verb and no
/// other subject is ours. Returns the verb.
fn our_obligation(lw: &[String]) -> Option<&str> {
    let (a, b, c) = (
        lw.first()?.as_str(),
        lw.get(1).map_or("", String::as_str),
        lw.get(2).map_or("", String::as_str),
    );
    match (a, b) {
        ("need" | "have" | "got" | "needs", "to") if OUR_VERBS.contains(&c) => Some(c),
        ("must" | "should", verb) if OUR_VERBS.contains(&verb) => Some(verb),
        _ => None,
    }
}

/// Rewrites a note line as a sentence to the customer.
fn revoice(
    raw: &str,
    role: Role,
    mentions: &[dates::DateMention],
    meeting: NaiveDate,
    letter: &Letter<'_>,
) -> String {
    let formal = letter
        .tier
        .is_some_and(|t| matches!(t.formality, Formality::Formal | Formality::Professional));
    // Dates first, on the raw text, so that the spans are right.
    let mut text = String::new();
    let mut last = 0;
    for m in mentions {
        text.push_str(&raw[last..m.start]);
        let before = raw[..m.start].trim_end().to_lowercase();
        let has_preposition = [
            "by", "on", "before", "until", "from", "in", "for", "after", "next",
        ]
        .iter()
        .any(|p| before.ends_with(&format!(" {p}")) || before == *p);
        let rel = m.text.to_lowercase();
        let period = ["eow", "eom", "eoq", "eoy", "end of", "this week"]
            .iter()
            .any(|p| rel.contains(p));
        if !has_preposition {
            text.push_str(if period || m.deadline { "by " } else { "on " });
        }
        text.push_str(&dates::spell(m.date, meeting));
        last = m.end;
    }
    text.push_str(&raw[last..]);
    let text = text.replace(" next on ", " on ").replace("next on ", "on ");

    // Words: shorthand, person, contractions.
    let recipient = letter.first_name.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for (k, tok) in tokens.iter().enumerate() {
        let core = tok.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '.'));
        let (pre, post) = {
            let start = tok.find(core).unwrap_or(0);
            (&tok[..start], &tok[start + core.len()..])
        };
        let low = core.to_lowercase();
        // "do the EPC intro" is an introduction; "Mateo will intro me" introduces.
        let intro_noun = low == "intro" && k > 0 && {
            let before = tokens[k - 1].to_lowercase().replace('’', "'");
            !(before.ends_with("'ll")
                || matches!(
                    before.as_str(),
                    "to" | "will"
                        | "can"
                        | "could"
                        | "would"
                        | "should"
                        | "might"
                        | "may"
                        | "must"
                        | "please"
                ))
        };
        let mut w = if intro_noun {
            "introduction".to_string()
        } else if let Some((_, long)) = SHORTHAND.iter().find(|(s, _)| *s == low) {
            long.to_string()
        } else if let Some(n) = low
            .strip_suffix("yr")
            .map(|n| n.trim_end_matches('-'))
            .filter(|n| n.parse::<u32>().is_ok())
        {
            format!("{}-year", spell_small(n))
        } else if low == recipient && !recipient.is_empty() {
            "you".to_string()
        } else {
            match low.as_str() {
                "they" => "you".into(),
                "she" | "he" if !third_party(&tokens[..k], &recipient) => "you".into(),
                "their" if k + 1 < tokens.len() => "your".into(),
                "her" | "his" if k + 1 < tokens.len() && !third_party(&tokens[..k], &recipient) => {
                    "your".into()
                }
                "them" => "you".into(),
                "him" if !third_party(&tokens[..k], &recipient) => "you".into(),
                "they're" => "you are".into(),
                "they'll" => "you will".into(),
                "she'll" | "he'll" if !third_party(&tokens[..k], &recipient) => "you will".into(),
                "they've" => "you have".into(),
                "i'll" if formal => "I will".into(),
                "we'll" if formal => "we will".into(),
                "i'm" if formal => "I am".into(),
                "i" => "I".into(),
                "i'll" => "I'll".into(),
                _ => core.to_string(),
            }
        };
        if core.ends_with('~') && core.len() > 1 {
            w = core.trim_end_matches('~').to_string();
        }
        out.push(format!("{pre}{w}{post}").replace("~", "about "));
    }
    let mut s = out.join(" ").replace("about  ", "about ");
    // Agreement after the person change: "you wants" → "you want", "you is" → "you are".
    for (a, b) in [
        ("you wants", "you want"),
        ("you needs", "you need"),
        ("you has", "you have"),
        ("you is", "you are"),
        ("you was", "you were"),
        ("you does", "you do"),
        ("you likes", "you like"),
        ("you prefers", "you prefer"),
    ] {
        for span in find_phrase(&s, a).into_iter().rev() {
            s.replace_range(span.start..span.end, b);
        }
    }
    let lw = lower_words(&s);
    let first = lw.first().cloned().unwrap_or_default();
    // Where the first word ends in `s` (not `first.len()`: a line may open with a symbol).
    let after_first = words(&s).first().map_or(0, |w| w.end);
    // Give subjectless lines a subject.
    let third_person_verb = lw.len() > 1
        && matches!(
            first.as_str(),
            "wants"
                | "needs"
                | "prefers"
                | "likes"
                | "expects"
                | "plans"
                | "hopes"
                | "asked"
                | "said"
                | "agreed"
                | "confirmed"
                | "mentioned"
                | "came"
                | "want"
                | "need"
                | "expect"
        );
    let we_did = lw.len() > 1
        && matches!(
            first.as_str(),
            "offered" | "proposed" | "quoted" | "sent" | "showed" | "demoed" | "presented"
        );
    let also_verb = first == "also"
        && lw
            .get(1)
            .is_some_and(|w| matches!(w.as_str(), "want" | "wants" | "need" | "needs" | "asked"));
    s = match role {
        Role::Ours => {
            if ["i ", "i'll", "we ", "we'll", "i'm"]
                .iter()
                .any(|p| s.to_lowercase().starts_with(p))
            {
                s
            } else if let Some(verb) = our_obligation(&lw) {
                // "need to check stock" → "I will check stock".
                let at = s.to_ascii_lowercase().find(verb).unwrap_or(0);
                format!("I will {}", &s[at..])
            } else if OUR_VERBS.contains(&first.as_str()) {
                format!("I will {}", lower_first(&s))
            } else if lw
                .iter()
                .any(|w| matches!(w.as_str(), "i'll" | "we'll" | "i’ll" | "we’ll"))
                || lw
                    .windows(2)
                    .any(|p| matches!(p[0].as_str(), "i" | "we") && p[1] == "will")
            {
                // "If you send the list, I'll quote by Friday", "On this order the certs ship
                // with it, and I'll check the list": the sentence has its own subject (after
                // the readings above, which turn "send rev 2 so we'll have it" into ours).
                s
            } else {
                let article = if ["the", "a", "an", "our", "your"].contains(&first.as_str()) {
                    ""
                } else {
                    "the "
                };
                let common = DELIVERABLES.contains(&first.as_str())
                    || first.ends_with("ed")
                    || ["the", "a", "an", "our", "your"].contains(&first.as_str());
                let s = if common { lower_first(&s) } else { s };
                format!("I will send {article}{s}")
            }
        }
        Role::Theirs => {
            // "you to get ..." → "you will get ...", "you taking ..." → "you are taking ...".
            let low = s.to_lowercase();
            if let Some(rest) = low.strip_prefix("you to ") {
                format!("you will {}", &s[s.len() - rest.len()..])
            } else if low.starts_with("you ") && lw.get(1).is_some_and(|w| w.ends_with("ing")) {
                format!("you are {}", &s[4..])
            } else {
                s
            }
        }
        Role::Discussed if third_person_verb => {
            let verb = if first.ends_with('s') && !first.ends_with("ss") {
                first.trim_end_matches('s')
            } else {
                first.as_str()
            };
            format!("you {verb}{}", &s[after_first..])
        }
        Role::Discussed if we_did => format!("we {s}"),
        Role::Discussed if also_verb => {
            let rest = &s[after_first..].trim_start();
            let verb = rest.split_whitespace().next().unwrap_or("");
            let base = verb.strip_suffix('s').unwrap_or(verb);
            format!("you also {base}{}", &rest[verb.len()..])
        }
        Role::Discussed | Role::Internal => insert_copula(&s),
    };
    let mut s = s.trim().trim_end_matches([',', ';']).to_string();
    if let Some(c) = s.chars().next() {
        s = c.to_uppercase().collect::<String>() + &s[c.len_utf8()..];
    }
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// "Send" → "send"; "ASAP" and "PO" stay.
fn lower_first(s: &str) -> String {
    let first = s.split_whitespace().next().unwrap_or("");
    if first.chars().filter(|c| c.is_alphabetic()).count() > 1
        && first.chars().skip(1).all(|c| !c.is_uppercase())
    {
        let mut cs = s.chars();
        cs.next()
            .map(|c| c.to_lowercase().collect::<String>() + cs.as_str())
            .unwrap_or_default()
    } else {
        s.to_string()
    }
}

/// Whether the words before a pronoun name someone other than the recipient, so that "he" or
/// "she" is that person, not "you": "Priya (their CFO) said she ..." to Ana.
fn third_party(before: &[&str], recipient: &str) -> bool {
    before.iter().enumerate().any(|(k, t)| {
        let core = t.trim_matches(|c: char| !c.is_alphanumeric());
        let low = core.to_lowercase();
        let date_word = dates::month(&low).is_some()
            || !dates::find(
                core,
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            )
            .is_empty();
        let name = core.chars().next().is_some_and(char::is_uppercase)
            && core.chars().any(char::is_lowercase)
            && core.len() > 1
            && low != recipient
            && !date_word;
        let subject_next = before.get(k + 1).is_some_and(|n| {
            matches!(
                n.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
                    .as_str(),
                "said"
                    | "says"
                    | "wants"
                    | "will"
                    | "to"
                    | "is"
                    | "asked"
                    | "thinks"
                    | "from"
                    | "and"
                    | "mentioned"
                    | "was"
                    | "has"
            ) || n.starts_with('(')
        });
        name && (k > 0 || subject_next)
    })
}

/// "line 4 coming, construction starts spring" → "line 4 is coming, construction starts
/// spring": a noun phrase followed by a participle gets its "is"/"are".
fn insert_copula(s: &str) -> String {
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let finite = [
        "is", "are", "was", "were", "will", "has", "have", "had", "can", "would",
    ];
    let prepositions = [
        "in", "on", "for", "of", "with", "to", "at", "by", "from", "about",
    ];
    if tokens
        .first()
        .is_some_and(|t| t.to_lowercase().ends_with("ed"))
    {
        return s.to_string();
    }
    // "pricing for 2027 still open" → "pricing for 2027 is still open": the head noun is the
    // first word.
    let lower: Vec<String> = tokens
        .iter()
        .map(|t| t.trim_end_matches([',', '.']).to_lowercase())
        .collect();
    // Only before a state ("still open", "still pending", "still waiting"), not a verb ("we
    // still need", "the pumps still leak"), and not after a pronoun.
    let state = |w: &str| {
        matches!(
            w,
            "open"
                | "pending"
                | "outstanding"
                | "tbd"
                | "unclear"
                | "unresolved"
                | "undecided"
                | "on"
                | "off"
                | "down"
                | "up"
                | "out"
                | "late"
                | "short"
                | "high"
                | "low"
        ) || w.ends_with("ed")
            || w.ends_with("ing")
    };
    let pronoun = |w: &str| {
        matches!(
            w,
            "we" | "i" | "you" | "they" | "he" | "she" | "it" | "that" | "this" | "there"
        )
    };
    let articles = ["the", "a", "an", "our", "their", "your"];
    if let Some(k) = lower.iter().take(6).position(|w| w == "still")
        && k >= 1
        && k + 1 < tokens.len()
        && state(&lower[k + 1])
        && !lower[..k]
            .iter()
            .any(|w| finite.contains(&w.as_str()) || pronoun(w))
    {
        let head = lower[..k]
            .iter()
            .find(|w| !articles.contains(&w.as_str()))
            .unwrap_or(&lower[0]);
        let be = if head.ends_with('s') && !head.ends_with("ss") {
            "are"
        } else {
            "is"
        };
        let mut out: Vec<&str> = tokens[..k].to_vec();
        out.push(be);
        out.extend_from_slice(&tokens[k..]);
        return out.join(" ");
    }
    for (k, t) in tokens.iter().enumerate().take(4).skip(1) {
        let w = t.trim_end_matches([',', '.']).to_lowercase();
        if finite.contains(&w.as_str()) || prepositions.contains(&w.as_str()) {
            return s.to_string();
        }
        // "something", "anything", "nothing" end in -ing and are no verbs.
        if w.ends_with("ing")
            && w.len() > 5
            && !matches!(
                w.as_str(),
                "something" | "anything" | "nothing" | "everything"
            )
        {
            let subject = tokens[k - 1].to_lowercase();
            let be = if subject.ends_with('s')
                && !subject.ends_with("ss")
                && subject.parse::<f64>().is_err()
            {
                "are"
            } else {
                "is"
            };
            let mut out: Vec<&str> = tokens[..k].to_vec();
            out.push(be);
            out.extend_from_slice(&tokens[k..]);
            return out.join(" ");
        }
    }
    s.to_string()
}

fn spell_small(n: &str) -> String {
    match n {
        "1" => "one",
        "2" => "two",
        "3" => "three",
        "4" => "four",
        "5" => "five",
        _ => n,
    }
    .to_string()
}

/// The meeting, as the opening line names it: "Lunch w/ Mateo near the Milwaukee plant" →
/// "lunch near the Milwaukee plant"; "Call w/ Naveen" → "the call".
fn occasion(context: Option<&str>, account: Option<&str>) -> String {
    let Some(c) = context else {
        return "your time".into();
    };
    let account_words: Vec<String> = account
        .map(|a| a.split_whitespace().map(str::to_lowercase).collect())
        .unwrap_or_default();
    let expanded: Vec<String> = c
        .split_whitespace()
        .filter(|t| !account_words.contains(&t.to_lowercase()))
        .map(|t| {
            let low = t.to_lowercase();
            match low.as_str() {
                "qbr" => "quarterly business review".to_string(),
                "intro" => "introductory".to_string(),
                _ => SHORTHAND
                    .iter()
                    .find(|(s, _)| *s == low && *s != "w/")
                    .map_or_else(|| t.to_string(), |(_, l)| l.to_string()),
            }
        })
        .collect();
    let c = expanded.join(" ");
    let c = c.as_str();
    let mut parts: Vec<&str> = Vec::new();
    let tokens: Vec<&str> = c.split_whitespace().collect();
    let mut k = 0;
    while k < tokens.len() {
        let t = tokens[k];
        if matches!(t.to_lowercase().as_str(), "w/" | "with") {
            // Skip the attendees: names, "+", "and", parenthesised roles.
            k += 1;
            while k < tokens.len() {
                let n = tokens[k];
                let name = n.starts_with(|c: char| c.is_uppercase())
                    || matches!(n, "+" | "&" | "and")
                    || n.starts_with('(')
                    || n.ends_with(')');
                if !name {
                    break;
                }
                k += 1;
            }
            continue;
        }
        parts.push(t);
        k += 1;
    }
    let phrase = parts.join(" ");
    let low = phrase.to_lowercase();
    if low.is_empty() {
        return "your time".into();
    }
    let first = low.split_whitespace().next().unwrap_or("");
    if matches!(first, "phone" | "call" | "tel" | "teams" | "zoom") && parts.len() <= 2 {
        return "the call".into();
    }
    // A meal or a coffee needs no article; a meeting of any kind does.
    let meal = matches!(
        first,
        "lunch" | "dinner" | "breakfast" | "coffee" | "drinks" | "your" | "our"
    );
    let first_word = phrase.split_whitespace().next().unwrap_or("");
    let acronym = first.len() > 1 && first_word.chars().all(|c| !c.is_lowercase());
    let lowered = if acronym {
        phrase.clone()
    } else {
        let mut cs = phrase.chars();
        cs.next()
            .map(|c| c.to_lowercase().collect::<String>() + cs.as_str())
            .unwrap_or_default()
    };
    if meal {
        lowered
    } else {
        format!("the {lowered}")
    }
}

/// Composes the email.
pub fn compose(notes: Notes, letter: &Letter<'_>, today: NaiveDate) -> FollowUp {
    let tier = letter.tier;
    let formality = tier.map_or(Formality::Professional, |t| t.formality);
    let formal = matches!(formality, Formality::Formal | Formality::Professional);
    let uses = |p: &str| {
        letter
            .general
            .use_phrases
            .iter()
            .chain(tier.into_iter().flat_map(|t| t.use_phrases.iter()))
            .any(|u| u.eq_ignore_ascii_case(p))
    };
    let fill = |template: &str| {
        template
            .replace("{first_name}", &letter.first_name)
            .replace("{last_name}", &letter.last_name)
            .replace("{title}", "")
    };
    let greeting = tier.map_or_else(
        || format!("Dear {},", letter.first_name),
        |t| fill(&t.greeting),
    );
    let sign_off = tier.map_or_else(|| "Kind regards,".to_string(), |t| t.sign_off.clone());
    let occasion = occasion(notes.context.as_deref(), notes.account.as_deref());

    let mut body = String::new();
    let _ = writeln!(body, "{greeting}\n");
    let thanks = if formal {
        "Thank you for"
    } else {
        "Thanks for"
    };
    let when = notes
        .date
        .filter(|d| (today - *d).num_days().abs() > 6)
        .map(|d| format!(" on {}", dates::spell(d, today)))
        .unwrap_or_default();
    let _ = writeln!(body, "{thanks} {occasion}{when}.");
    body.push_str(
        "[[AM: one sentence only you can write for this relationship: what this conversation \
         meant, or something from your history together]]\n\n",
    );

    let discussed: Vec<&Item> = notes
        .items
        .iter()
        .filter(|i| i.role == Role::Discussed)
        .collect();
    let ours: Vec<&Item> = notes
        .items
        .iter()
        .filter(|i| i.role == Role::Ours)
        .collect();
    let theirs: Vec<&Item> = notes
        .items
        .iter()
        .filter(|i| i.role == Role::Theirs)
        .collect();

    if !discussed.is_empty() {
        let header = if uses("here is where things stand") {
            "Here is where things stand:"
        } else if formal {
            "To summarise what we discussed:"
        } else {
            "Here is what we covered:"
        };
        let _ = writeln!(body, "{header}");
        for i in &discussed {
            let _ = writeln!(body, "- {}", i.sentence);
        }
        body.push('\n');
    }
    if !ours.is_empty() || !theirs.is_empty() {
        let header = if uses("as agreed") {
            "As agreed, the next steps:"
        } else {
            "Next steps:"
        };
        let _ = writeln!(body, "{header}");
        let mut steps: Vec<&Item> = ours.iter().chain(theirs.iter()).copied().collect();
        // Dated steps first, soonest first; undated after, in the order of the notes.
        steps.sort_by_key(|i| (i.date.is_none(), i.date, i.line));
        for i in steps {
            let _ = writeln!(body, "- {}", i.sentence);
        }
        body.push('\n');
    }
    if ours.iter().any(|i| i.date.is_some())
        && uses("if this date moves, you will hear it from me first")
    {
        body.push_str("If any of these dates moves, you will hear it from me first.\n\n");
    }
    let _ = write!(
        body,
        "{sign_off}\n{}\n{}",
        letter.from_name, letter.from_company
    );

    // The company's preferred wording.
    for (from, to) in &letter.general.replace {
        for span in find_phrase(&body, from).into_iter().rev() {
            body.replace_range(span.start..span.end, to);
        }
    }
    let subject_date = notes
        .date
        .map(|d| format!(" ({})", d.format("%-d %B")))
        .unwrap_or_default();
    let subject = match occasion.strip_prefix("the ") {
        Some(o) => format!("Following up on our {o}{subject_date}"),
        None => format!("Following up on {occasion}{subject_date}"),
    };
    FollowUp {
        subject,
        body: trim_to_length(body, tier.map(|t| t.max_words as usize)),
        notes,
    }
}

/// Drops the least informative discussed points until the email fits the tier's length.
/// Informative: numbers, dates, names.
fn trim_to_length(body: String, max_words: Option<usize>) -> String {
    let Some(max) = max_words else { return body };
    let mut lines: Vec<String> = body.lines().map(str::to_string).collect();
    let count = |ls: &[String]| ls.iter().map(|l| words(l).len()).sum::<usize>();
    while count(&lines) > max {
        let score = |l: &str| {
            words(l)
                .iter()
                .filter(|w| {
                    let t = w.of(l);
                    t.chars().any(|c| c.is_ascii_digit()) || t.starts_with(char::is_uppercase)
                })
                .count()
        };
        // Only discussed bullets (before "Next steps") may go.
        let steps_at = lines
            .iter()
            .position(|l| l.contains("next steps") || l.starts_with("Next steps"))
            .unwrap_or(lines.len());
        let Some((k, _)) = lines[..steps_at]
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("- "))
            .min_by_key(|(_, l)| score(l))
        else {
            break;
        };
        lines.remove(k);
    }
    lines.join("\n")
}

/// What has gone stale in a follow-up by `today`: notes of a call more than a week old (a
/// follow-up goes out within a day or two), and each commitment whose date has passed.
pub fn lateness(notes: &Notes, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(day) = notes.date {
        let days = (today - day).num_days();
        if days > 7 {
            out.push(format!(
                "the notes are of a call on {} ({days} days ago): a follow-up usually goes out within a day or two",
                day.format("%-d %b %Y")
            ));
        }
    }
    for i in &notes.items {
        if let Some(due) = i.date.filter(|d| *d < today)
            && matches!(i.role, Role::Ours | Role::Theirs)
        {
            out.push(format!(
                "\"{}\" (line {}) was due {}, which has passed: give it a new date before sending",
                i.sentence.trim(),
                i.line,
                due.format("%-d %b %Y")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn general() -> GeneralStyle {
        GeneralStyle {
            use_phrases: vec![
                "as agreed".into(),
                "if this date moves, you will hear it from me first".into(),
            ],
            avoid: vec![],
            replace: [("backorder".to_string(), "back-order".to_string())].into(),
        }
    }

    fn tier(formality: Formality) -> TierStyle {
        TierStyle {
            tier: "key".into(),
            tone: "warm".into(),
            formality,
            greeting: "Hi {first_name},".into(),
            sign_off: "Best regards,".into(),
            vocabulary: vec![],
            use_phrases: vec![],
            avoid: vec![],
            max_words: 220,
            personal_sentence_required: false,
        }
    }

    fn draft(notes: &str, first: &str, formality: Formality) -> FollowUp {
        let g = general();
        let t = tier(formality);
        let competitors = vec!["Kellerman Valve Co.".to_string()];
        let letter = Letter {
            first_name: first.into(),
            last_name: String::new(),
            from_name: "Dana Reyes".into(),
            from_company: "Brightwater Industrial Supply".into(),
            general: &g,
            tier: Some(&t),
            competitors: &competitors,
        };
        let today = NaiveDate::from_ymd_opt(2025, 8, 11).unwrap();
        let parsed = parse(notes, today, &letter);
        compose(parsed, &letter, today)
    }

    const NEGOTIATION: &str = "Meeting notes: Embery Pulp\n2025-08-10\n\n\
        Negotiation w/ Connor + Connor (purchasing)\n\
        - they want 10% off, I offered 5% w/ 2yr service agmt\n\
        - payment: asked net 90, landed net 60\n\
        - warranty 18 mo from startup - NEED MFR CONFIRMATION\n\
        - Kellerman Valve Co. ~7% lower but no piping change in their scope\n\
        - I'll send rev 4 by Thurs\n\
        - PO target August 18th\n";

    #[test]
    fn statements_that_open_with_one_of_our_verbs_are_not_our_to_dos() {
        let notes = "Meeting notes: Embery Pulp\n2025-08-10\n\nCall w/ Connor\n\
            - order volume's down about 20% on the same qtr last yr\n\
            - order is late from the mill\n\
            - send Ana's drawings Fri\n\
            - send customer's PO copy Fri\n\
            - Gustavo to do the EPC intro next week\n";
        let f = draft(notes, "Connor", Formality::Warm);
        let roles: Vec<Role> = f.notes.items.iter().map(|i| i.role).collect();
        assert_eq!(
            roles,
            [
                Role::Discussed,
                Role::Discussed,
                Role::Ours,
                Role::Ours,
                Role::Theirs
            ],
            "{:#?}",
            f.notes.items
        );
        assert!(!f.body.contains("I will order"), "{}", f.body);
        assert!(f.body.contains("Ana's drawings"), "{}", f.body);
        assert!(f.body.contains("EPC introduction"), "{}", f.body);
    }

    #[test]
    fn old_notes_and_passed_commitments_are_flagged_before_sending() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let item = |line, role, date| Item {
            line,
            raw: String::new(),
            role,
            why: String::new(),
            sentence: "I will send the revised quote by Friday 26 September.".into(),
            date,
        };
        let notes = Notes {
            account: None,
            date: Some(day(9, 24)),
            context: None,
            items: vec![
                item(5, Role::Ours, Some(day(9, 26))),
                item(6, Role::Discussed, Some(day(9, 1))),
                item(7, Role::Ours, Some(day(12, 20))),
            ],
        };
        let late = lateness(&notes, day(12, 6));
        assert_eq!(late.len(), 2, "{late:?}");
        assert!(late[0].contains("24 Sep 2026 (73 days ago)"), "{late:?}");
        assert!(late[1].contains("(line 5) was due 26 Sep 2026"), "{late:?}");
        // A call of two days ago with dates ahead: nothing to say.
        let fresh = Notes {
            date: Some(day(12, 4)),
            items: vec![item(5, Role::Ours, Some(day(12, 11)))],
            ..notes
        };
        assert!(lateness(&fresh, day(12, 6)).is_empty());
    }

    #[test]
    fn a_promise_that_names_its_own_subject_is_kept_as_said() {
        let notes = "Meeting notes: Embery Pulp\n2025-08-10\n\nCall w/ Connor\n\
            - If you send me the pump list, I'll come back with a spares list by Friday\n\
            - On this order the certs ship with the instruments, and I'll check the packing list myself\n";
        let f = draft(notes, "Connor", Formality::Warm);
        assert!(!f.body.contains("I will send the If"), "{}", f.body);
        assert!(!f.body.contains("I will send the On"), "{}", f.body);
        assert!(
            f.body.contains("- If you send me the pump list, I'll come back with a spares list by Friday 15 August."),
            "{}",
            f.body
        );
    }

    #[test]
    fn a_promise_with_its_condition_stays_one_item_and_something_is_no_verb() {
        assert_eq!(
            split_clauses("If you send me the pump list, I'll come back with pricing by Friday"),
            ["If you send me the pump list, I'll come back with pricing by Friday"]
        );
        assert_eq!(
            split_clauses("sent pricing Mon, I'll send rev 2 Fri"),
            ["sent pricing Mon", "I'll send rev 2 Fri"]
        );
        assert_eq!(
            insert_copula("Put something together on the spares side first"),
            "Put something together on the spares side first"
        );
        // Regression: a curly apostrophe before the cut shifted it off a character boundary.
        assert_eq!(
            split_clauses("Dana’s notes went out Mon, I’ll send rev 2 Fri"),
            ["Dana’s notes went out Mon", "I’ll send rev 2 Fri"]
        );
    }

    #[test]
    fn notes_become_roles_and_internal_lines_stay_out() {
        let f = draft(NEGOTIATION, "Connor", Formality::Warm);
        let roles: Vec<Role> = f.notes.items.iter().map(|i| i.role).collect();
        assert_eq!(
            roles,
            [
                Role::Discussed,
                Role::Discussed,
                Role::Internal,
                Role::Internal,
                Role::Ours,
                Role::Discussed
            ]
        );
        assert!(!f.body.contains("Kellerman"), "{}", f.body);
        assert!(!f.body.contains("NEED"), "{}", f.body);
        assert!(!f.body.contains("7%"), "{}", f.body);
        // Re-voiced and dated: "rev 4 by Thurs" against the meeting on Sunday 10 August.
        assert!(
            f.body
                .contains("- I'll send revision 4 by Thursday 14 August."),
            "{}",
            f.body
        );
        assert!(f.body.contains("You want 10% off"), "{}", f.body);
        assert!(f.body.contains("two-year service agreement"), "{}", f.body);
        assert!(
            f.body
                .starts_with("Hi Connor,\n\nThanks for the negotiation"),
            "{}",
            f.body
        );
        assert!(f.body.contains("[[AM: "));
        assert!(
            f.body
                .ends_with("Best regards,\nDana Reyes\nBrightwater Industrial Supply")
        );
        assert!(
            f.body
                .contains("If any of these dates moves, you will hear it from me first.")
        );
    }

    #[test]
    fn the_recipient_becomes_you_and_their_commitments_are_next_steps() {
        let notes = "Meeting notes: Glenharrow Utilities\n2026-03-07\n\n\
            Lunch w/ Mateo near the Milwaukee plant\n\
            - line 4 coming, construction starts spring\n\
            - outside EPC doing the engineering, Mateo will intro me\n\
            - wants same pumps/valves as lines 1-3 for spares commonality\n\
            - follow up next Tues\n";
        let f = draft(notes, "Mateo", Formality::Professional);
        assert!(
            f.body
                .contains("Thank you for lunch near the Milwaukee plant"),
            "{}",
            f.body
        );
        assert!(f.body.contains("- Line 4 is coming"), "{}", f.body);
        assert!(f.body.contains("you will introduce me"), "{}", f.body);
        assert!(
            f.body.contains("- You want same pumps/valves"),
            "{}",
            f.body
        );
        assert!(
            f.body.contains("- I will follow up on Tuesday 10 March"),
            "{}",
            f.body
        );
        assert_eq!(
            f.subject,
            "Following up on lunch near the Milwaukee plant (7 March)"
        );
    }

    #[test]
    fn subjectless_deliverables_get_a_subject_and_a_deadline() {
        let notes = "Call w/ Naveen\n- budget approved but finance cut ~12%\n- revised quote EOW\n\
                     - Naveen to get sign-off from the plant manager";
        let f = draft(notes, "Naveen", Formality::Warm);
        assert!(
            f.body
                .contains("- I will send the revised quote by Friday 15 August."),
            "{}",
            f.body
        );
        assert!(
            f.body
                .contains("- You will get sign-off from the plant manager."),
            "{}",
            f.body
        );
        assert!(f.body.contains("finance cut about 12%"), "{}", f.body);
    }

    #[test]
    fn odd_lines_neither_panic_nor_leak() {
        let notes = "Évora site visit w/ Ana\n- ⚠️ wants net 90\n- don’t mention the price rise to Ana\n\
                     - Kellerman ~7% lower\n- send revised quote ASAP\n- pump internals worn";
        let f = draft(notes, "Ana", Formality::Warm);
        assert!(!f.body.contains("price rise"), "{}", f.body);
        assert!(!f.body.contains("Kellerman"), "{}", f.body);
        assert!(f.body.contains("revised quote"), "{}", f.body);
        assert!(f.body.contains("internals worn"), "{}", f.body);
        assert!(f.body.contains("site visit"), "{}", f.body);
    }

    #[test]
    fn long_notes_are_trimmed_to_the_tier_length_keeping_the_next_steps() {
        let mut notes = String::from("Call w/ Ana\n");
        for k in 0..40 {
            notes.push_str(&format!(
                "- the line {k} discussion went over the usual ground\n"
            ));
        }
        notes.push_str("- I'll send the drawings by Friday\n");
        let f = draft(&notes, "Ana", Formality::Warm);
        assert!(words(&f.body).len() <= 220, "{}", words(&f.body).len());
        assert!(f.body.contains("I'll send the drawings by Friday"));
    }

    fn roles_of(notes: &str, first: &str) -> (Vec<(Role, String)>, FollowUp) {
        let f = draft(notes, first, Formality::Warm);
        let roles = f
            .notes
            .items
            .iter()
            .map(|i| (i.role, i.sentence.clone()))
            .collect();
        (roles, f)
    }

    #[test]
    fn past_events_status_lines_and_obligations_get_the_right_role() {
        // Wednesday 13 August 2025.
        let notes = "Meeting notes: Embery Pulp\n2025-08-13\n\nCall w/ Ana\n\
            - sent pricing Mon\n\
            - pricing for 2027 still open\n\
            - need to check stock on the 40mm seals\n\
            - Send drawings Fri\n\
            - they need to check budget\n\
            - Priya (their CFO) said she wants a 2-yr deal\n\
            - she issued the PO already\n";
        let (roles, f) = roles_of(notes, "Ana");
        let expect = [
            (Role::Discussed, "We sent pricing on Monday 11 August."),
            (Role::Discussed, "Pricing for 2027 is still open."),
            (Role::Ours, "I will check stock on the 40mm seals."),
            (Role::Ours, "I will send drawings on Friday 15 August."),
            (Role::Theirs, "You need to check budget."),
            (
                Role::Discussed,
                "Priya (your CFO) said she wants a two-year deal.",
            ),
            (Role::Discussed, "You issued the PO already."),
        ];
        for ((role, sentence), (want_role, want)) in roles.iter().zip(expect) {
            assert_eq!((*role, sentence.as_str()), (want_role, want), "{}", f.body);
        }
        assert_eq!(roles.len(), expect.len());
    }

    #[test]
    fn dashes_and_numbers_are_bullets_and_a_first_point_is_not_the_meeting() {
        let notes = "– they want 4 spare seals on the next truck\n\
            1. revised quote EOW\n\
            2) Ana to confirm the delivery address\n\
            -5% on spares agreed\n";
        let f = draft(notes, "Ana", Formality::Warm);
        let raws: Vec<&str> = f.notes.items.iter().map(|i| i.raw.as_str()).collect();
        assert_eq!(
            raws,
            [
                "they want 4 spare seals on the next truck",
                "revised quote EOW",
                "Ana to confirm the delivery address",
                "-5% on spares agreed"
            ]
        );
        assert_eq!(f.notes.context, None);
    }

    #[test]
    fn second_read_cases_keep_their_meaning() {
        // Wednesday 13 August 2025.
        let notes = "Meeting notes: Embery Pulp\n2025-08-13\n\nCall w/ Ana\n\
            Attendees: Ana, Raj (plant mgr)\n\
            - seems checked out\n\
            - sent pricing Mon, I'll send rev 2 Fri\n\
            - sent quote, valid until 2025-08-20\n\
            - we still need the drawings\n\
            - Send to Ana the revised drawings Fri\n\
            - Priya said she'll sign\n";
        let (roles, f) = roles_of(notes, "Ana");
        let expect = [
            (Role::Internal, ""),
            (Role::Discussed, "We sent pricing on Monday 11 August."),
            (Role::Ours, "I'll send revision 2 on Friday 15 August."),
            (
                Role::Discussed,
                "We sent quote, valid until Wednesday 20 August.",
            ),
            (Role::Discussed, "We still need the drawings."),
            (
                Role::Ours,
                "I will send to you the revised drawings on Friday 15 August.",
            ),
            (Role::Theirs, "Priya said she'll sign."),
        ];
        for ((role, sentence), (want_role, want)) in roles.iter().zip(expect) {
            assert_eq!((*role, sentence.as_str()), (want_role, want), "{}", f.body);
        }
        assert_eq!(roles.len(), expect.len(), "{roles:?}");
        assert!(!f.body.contains("Attendees"), "{}", f.body);
    }
}
