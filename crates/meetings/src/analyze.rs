//! The analysis of one call: turns with their questions, coaching metrics against benchmark
//! ranges, trackers, deal risks and buying signals with their moments and quotes, key moments,
//! an extractive summary and action items with owners and due dates.
//!
//! Everything is read from the words and the timings; which speakers are ours comes from the
//! caller (speakers matched to reps, or `--rep NAME`). Without it, the per-speaker figures are
//! still given and the rep-versus-customer ones are left empty rather than guessed.

use std::collections::{BTreeMap, HashMap, HashSet};

use roomwork_domain::Turn;
use serde::{Deserialize, Serialize};

use crate::question::{is_question, sentences};

/// Which side of the table a speaker sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// One of our reps.
    Rep,
    /// Someone at the customer.
    Customer,
    /// Not known.
    Unknown,
}

/// Benchmark ranges the coaching metrics are compared with. Defaults from published sales-call
/// research (Gong's analyses of recorded B2B calls): the rep talking about 43% of the time,
/// 11-14 questions on a discovery call, monologues under two and a half minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Benchmarks {
    /// Rep talk ratio, lowest and highest (0..1).
    pub talk_ratio: (f64, f64),
    /// Questions the rep asks on a discovery call, fewest and most.
    pub discovery_questions: (u32, u32),
    /// Longest rep monologue, seconds.
    pub longest_monologue_seconds: f64,
    /// Patience: seconds the rep waits before answering, at least.
    pub patience_seconds: f64,
}

impl Default for Benchmarks {
    fn default() -> Self {
        Benchmarks {
            talk_ratio: (0.38, 0.48),
            discovery_questions: (11, 14),
            longest_monologue_seconds: 150.0,
            patience_seconds: 0.6,
        }
    }
}

/// What the analysis needs besides the turns.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Speaker labels that are our reps (compared without case).
    pub reps: Vec<String>,
    /// Competitors to track (the Foundation's list).
    pub competitors: Vec<String>,
    /// `discovery`, `negotiation`, ... (the question benchmark applies to discovery calls).
    pub call_type: Option<String>,
    /// Benchmark ranges.
    pub benchmarks: Benchmarks,
    /// True when the transcript's end times were estimated (plain text): pauses and
    /// monologue lengths are then not measured.
    pub estimated_times: bool,
}

/// One turn, as the analysis read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TurnOut {
    /// Speaker.
    pub speaker: String,
    /// Their side.
    pub side: Side,
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// True when the turn asks something.
    pub is_question: bool,
    /// The words.
    pub text: String,
}

/// A stretch of one speaker talking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stretch {
    /// Who.
    pub speaker: String,
    /// From, seconds.
    pub start: f64,
    /// To, seconds.
    pub end: f64,
    /// Length, seconds.
    pub seconds: f64,
}

/// Coaching metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// From the first word to the last, seconds.
    pub duration_seconds: f64,
    /// Seconds each speaker talked.
    pub talk_seconds: BTreeMap<String, f64>,
    /// The reps' share of all talk.
    pub rep_talk_ratio: Option<f64>,
    /// The longest stretch a rep talked without the customer speaking.
    pub longest_monologue: Option<Stretch>,
    /// The longest stretch a customer talked.
    pub longest_customer_story: Option<Stretch>,
    /// Speaker switches per minute.
    pub interactivity: f64,
    /// Mean pause, seconds, before a rep spoke after a customer finished.
    pub patience_seconds: Option<f64>,
    /// Questions the reps asked.
    pub rep_questions: Option<usize>,
    /// Questions the customer asked.
    pub customer_questions: Option<usize>,
    /// Questions per speaker.
    pub questions_by_speaker: BTreeMap<String, usize>,
    /// Distinct customer people who spoke.
    pub customer_people: Option<usize>,
}

/// A metric against its benchmark range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Which metric.
    pub metric: String,
    /// Its value.
    pub value: f64,
    /// The range, as text.
    pub benchmark: String,
    /// `below`, `within` or `above`.
    pub verdict: String,
}

/// A tracked term said on the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// `competitor`, `pricing`, `budget`, `timeline` or `decision_process`.
    pub tracker: String,
    /// The term found.
    pub term: String,
    /// Who said it.
    pub speaker: String,
    /// Their side.
    pub side: Side,
    /// When, seconds.
    pub at: f64,
    /// Said in a question.
    pub in_question: bool,
    /// The sentence.
    pub quote: String,
}

/// A moment worth a manager's attention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    /// `risk` or `signal` or `competitor`.
    pub kind: String,
    /// What kind of risk or signal (`budget_concern`, `asks_pricing`, ...).
    pub label: String,
    /// Who said it.
    pub speaker: String,
    /// Their side.
    pub side: Side,
    /// When, seconds.
    pub at: f64,
    /// The sentence.
    pub quote: String,
}

/// Something someone will do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    /// Who will do it (a speaker, or "(to be assigned)").
    pub owner: String,
    /// Their side.
    pub side: Side,
    /// When it was said, seconds.
    pub at: f64,
    /// The sentence.
    pub text: String,
    /// The due date as said ("by Friday", "end of the month"), if any.
    pub due: Option<String>,
}

/// The whole analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Every turn.
    pub turns: Vec<TurnOut>,
    /// Coaching metrics.
    pub metrics: Metrics,
    /// Metrics against their benchmark ranges.
    pub benchmarks: Vec<Check>,
    /// Tracked terms.
    pub trackers: Vec<Mention>,
    /// Deal risks.
    pub risks: Vec<Moment>,
    /// Buying signals.
    pub signals: Vec<Moment>,
    /// The moments to look at first, in time order.
    pub key_moments: Vec<Moment>,
    /// An extractive summary: the call's most central sentences, in order.
    pub summary: Vec<String>,
    /// An abstractive summary written by a language model and checked against the call, when
    /// one was asked for (`meetings import --engine`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abstractive_summary: Option<Vec<String>>,
    /// Action items.
    pub action_items: Vec<ActionItem>,
    /// True when the call raised a complaint or trust-repair risk (the copilot then drafts no
    /// follow-up, only a briefing for the account manager).
    pub trust_repair: bool,
}

const TRACKERS: &[(&str, &[&str])] = &[
    (
        "pricing",
        &[
            "price",
            "prices",
            "pricing",
            "cost",
            "costs",
            "discount",
            "quote",
            "quoted",
            "per unit",
            "rate",
            "invoice",
            "list price",
            "margin",
            "cheaper",
        ],
    ),
    (
        "budget",
        &[
            "budget",
            "budgets",
            "funding",
            "capex",
            "opex",
            "spend",
            "afford",
            "approved amount",
        ],
    ),
    (
        "timeline",
        &[
            "deadline",
            "shutdown",
            "timeline",
            "schedule",
            "go-live",
            "go live",
            "start date",
            "lead time",
            "delivery date",
            "next quarter",
            "end of the month",
            "end of month",
            "by friday",
            "next week",
            "this quarter",
            "outage",
        ],
    ),
    (
        "decision_process",
        &[
            "sign off",
            "signs off",
            "approve",
            "approval",
            "approvals",
            "decision",
            "procurement",
            "committee",
            "board",
            "legal",
            "who signs",
            "decision maker",
            "purchase order",
            "vendor setup",
        ],
    ),
];

const RISKS: &[(&str, &[&str])] = &[
    (
        "evaluating_alternatives",
        &[
            "other supplier",
            "other suppliers",
            "another supplier",
            "other vendors",
            "another vendor",
            "looking at other",
            "comparing",
            "competitive bid",
            "three bids",
            "quotes from",
            "shopping around",
            "other options",
            "alternatives",
            "reviewing vendors",
            "reviewing suppliers",
        ],
    ),
    (
        "budget_concern",
        &[
            "budget is tight",
            "over budget",
            "too expensive",
            "expensive",
            "haircut",
            "cut the budget",
            "can't afford",
            "cannot afford",
            "price is high",
            "too high",
            "more than we",
            "out of budget",
            "no budget",
            "budget cut",
        ],
    ),
    (
        "timeline_slipping",
        &[
            "push it",
            "pushed",
            "push back",
            "delay",
            "delayed",
            "postpone",
            "next year",
            "not this year",
            "on hold",
            "might slip",
            "will slip",
            "could slip",
            "going to slip",
            "slipped",
            "later than",
            "wait until",
        ],
    ),
    (
        "decision_maker_absent",
        &[
            "check with",
            "run it by",
            "run this by",
            "my boss",
            "not my call",
            "need approval",
            "have to ask",
            "talk to my",
            "get sign off",
            "get sign-off",
            "above my",
            "not up to me",
        ],
    ),
    (
        "complaint",
        &[
            "not happy",
            "unacceptable",
            "disappointed",
            "nobody called",
            "let us down",
            "let down",
            "frustrated",
            "escalate",
            "complaint",
            "fed up",
            "losing patience",
            "last straw",
            "again and again",
            "gone wrong",
            "went wrong",
            "wrong part",
            "wrong size",
            "why i picked you",
            "left messages",
            "nobody answered",
            "no one called",
            "nobody got back",
            "still waiting",
        ],
    ),
];

const SIGNALS: &[(&str, &[&str])] = &[
    (
        "implementation",
        &[
            "install",
            "installation",
            "implementation",
            "onboarding",
            "lead time",
            "how long",
            "commissioning",
            "start date",
            "go live",
            "go-live",
            "training",
            "rollout",
        ],
    ),
    (
        "contract_terms",
        &[
            "contract",
            "terms",
            "payment terms",
            "warranty",
            "net 30",
            "net 60",
            "purchase order",
            "po",
            "service agreement",
            "agreement",
        ],
    ),
    (
        "references",
        &[
            "reference",
            "references",
            "case study",
            "who else",
            "other customers",
            "site visit",
        ],
    ),
    (
        "next_steps",
        &[
            "next steps",
            "next step",
            "send the contract",
            "send over",
            "get started",
            "move forward",
            "go ahead",
            "sign",
            "send me the quote",
            "when can you start",
        ],
    ),
];

const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "so", "to", "of", "in", "on", "for", "with", "at", "by",
    "from", "is", "are", "was", "were", "be", "been", "it", "its", "it's", "that", "this", "we",
    "you", "i", "they", "he", "she", "our", "your", "their", "my", "me", "us", "them", "do",
    "does", "did", "have", "has", "had", "will", "would", "can", "could", "should", "just", "um",
    "uh", "yeah", "okay", "ok", "right", "well", "like", "so", "oh", "mm", "hmm", "not", "no",
    "yes", "if", "then", "there", "here", "what", "which", "who", "how", "when", "where", "why",
    "all", "some", "any", "about", "up", "out", "get", "got", "go", "going", "know", "think",
    "mean", "really", "very", "also", "one", "two", "as", "than", "too", "more", "i'm", "we're",
    "you're", "that's", "don't", "i'll", "we'll", "let's", "gonna", "kind", "sort", "thing",
    "things", "maybe", "actually", "bit", "lot", "need", "want", "see",
];

fn lower_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .map(|w| w.trim_matches(['\'', '-']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Phrase search on whole words.
fn has(words: &[String], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(p.len())
        .any(|w| w.iter().zip(&p).all(|(a, b)| a == b))
}

/// Finds a spoken due date: "by Friday", "end of the month", "tomorrow", "next week".
fn due(words: &[String]) -> Option<String> {
    const DAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "tonight",
        "tomorrow",
        "eod",
        "eow",
        "asap",
    ];
    const MONTHS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    for (k, w) in words.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| words[p].as_str());
        if DAYS.contains(&w.as_str()) {
            let start = match prev {
                Some("by" | "on" | "before" | "until" | "next" | "this") => k - 1,
                _ => k,
            };
            return Some(words[start..=k].join(" "));
        }
        if w == "end"
            && let Some(rest) = words.get(k + 1..(k + 4).min(words.len()))
        {
            let tail: Vec<&str> = rest.iter().map(String::as_str).collect();
            for unit in ["day", "week", "month", "quarter", "year"] {
                if tail.first() == Some(&"of")
                    && (tail.get(1) == Some(&unit) || tail.get(2) == Some(&unit))
                {
                    let n = if tail.get(1) == Some(&unit) { 3 } else { 4 };
                    return Some(words[k..(k + n).min(words.len())].join(" "));
                }
            }
        }
        if matches!(w.as_str(), "week" | "month" | "quarter") && prev == Some("next") {
            return Some(format!("next {w}"));
        }
        if MONTHS.contains(&w.as_str())
            && matches!(prev, Some("by" | "in" | "before" | "until" | "end" | "mid"))
        {
            return Some(format!("{} {w}", prev.unwrap_or("")));
        }
    }
    None
}

const ACTION_VERBS: &[&str] = &[
    "send",
    "share",
    "get",
    "check",
    "confirm",
    "schedule",
    "book",
    "set",
    "follow",
    "call",
    "email",
    "e-mail",
    "review",
    "sign",
    "prepare",
    "update",
    "look",
    "find",
    "work",
    "draft",
    "put",
    "write",
    "bring",
    "ask",
    "talk",
    "arrange",
    "organise",
    "organize",
    "order",
    "ship",
    "deliver",
    "quote",
    "price",
    "run",
    "loop",
    "introduce",
    "forward",
    "test",
    "try",
    "make",
    "do",
    "take",
    "design",
    "present",
    "finish",
    "research",
    "contact",
    "visit",
    "come",
    "think",
    "decide",
    "investigate",
    "build",
    "develop",
    "create",
    "plan",
    "collect",
    "gather",
];

/// How many of `words` open the sentence without saying anything ("so, um, okay"), and any of
/// `also`.
fn leading_fillers(words: &[String], also: &[&str]) -> usize {
    const FILLERS: &[&str] = &[
        "so", "and", "okay", "ok", "um", "uh", "well", "then", "right", "alright", "yeah", "great",
        "sure", "oh", "but", "now",
    ];
    words
        .iter()
        .take_while(|w| FILLERS.contains(&w.as_str()) || also.contains(&w.as_str()))
        .count()
}

/// True for one of the action verbs, or a form of one ("working", "sends", "designed").
fn is_action_verb(v: &str) -> bool {
    ACTION_VERBS
        .iter()
        .any(|a| v == *a || (a.len() >= 4 && v.starts_with(a)))
}

/// `(owner is the speaker, the sentence's action)` when the sentence commits someone to do
/// something: "I'll send", "we will", "let me", "I'm going to" (the speaker); "can you send",
/// "you'll work on", "please confirm" (the person spoken to).
fn commitment(words: &[String]) -> Option<bool> {
    let k = leading_fillers(words, &[]);
    let w: Vec<&str> = words[k.min(words.len())..]
        .iter()
        .map(String::as_str)
        .collect();
    let verb_at = |i: usize| w.get(i).is_some_and(|v| is_action_verb(v));
    let verb_soon = |i: usize| (i..i + 3).any(verb_at);
    match w.as_slice() {
        ["i'll" | "we'll", ..] if verb_soon(1) => Some(true),
        ["i" | "we", "will" | "can" | "shall", ..] if verb_soon(2) => Some(true),
        ["i'm" | "we're", "going", "to", ..] if verb_soon(3) => Some(true),
        ["i'm" | "we're", "gonna", ..] if verb_soon(2) => Some(true),
        ["i" | "we", "gonna", ..] if verb_soon(2) => Some(true),
        ["i" | "we", "am" | "are", "going", "to", ..] if verb_soon(4) => Some(true),
        ["let", "me" | "us", ..] if verb_soon(2) => Some(true),
        ["i" | "we", "need" | "have", "to", ..] if verb_soon(3) => Some(true),
        ["you'll", ..] if verb_soon(1) => Some(false),
        ["you", "will" | "need" | "should", ..] if verb_soon(2) => Some(false),
        ["you're", "going", "to", ..] if verb_soon(3) => Some(false),
        ["you're" | "you", "gonna", ..] if verb_soon(2) => Some(false),
        ["you", "have", "to", ..] if verb_soon(3) => Some(false),
        ["can" | "could" | "would", "you", ..] if verb_soon(2) => Some(false),
        ["please", ..] if verb_soon(1) => Some(false),
        _ => None,
    }
}

/// "Please do.", "I'll do it", "we can do that": "do" with nothing after it but a pronoun
/// acknowledges the last request (its own action item, if any); it is no task of its own.
fn acknowledgement(words: &[String]) -> bool {
    let Some(at) = words.iter().position(|w| is_action_verb(w)) else {
        return false;
    };
    words[at] == "do"
        && words[at + 1..].iter().all(|w| {
            matches!(
                w.as_str(),
                "it" | "that" | "this" | "so" | "then" | "too" | "now" | "thanks" | "sure"
            )
        })
}

/// A commitment assigned to someone by name or role, in the third person: "Marco will send the
/// drawings", "the industrial designer is going to work on ...", "our service tech will visit".
/// Returns the subject as said (up to four words) when the sentence starts with one, then
/// "will"/"'ll"/"is going to"/"needs to"/"has to"/"should", then one of the action verbs.
/// `raw` is the sentence as written: a bare subject must be a capitalised name.
fn assignment(words: &[String], raw: &str) -> Option<String> {
    // "Next time, Marco will ...": the sentence's opening words before its subject.
    let k = leading_fillers(words, &["next", "time"]);
    let w: Vec<&str> = words[k..].iter().map(String::as_str).collect();
    let verb_at = |i: usize| w.get(i).is_some_and(|v| is_action_verb(v));
    // The subject: "the/our/your/their X [Y [Z]]", or one or two words of a capitalised name,
    // or "he"/"she"/"they" ("he'll", "she'll").
    let (subject_len, modal_at) = {
        let det = matches!(w.first(), Some(&("the" | "our" | "your" | "their")));
        let modal = |i: usize| match (w.get(i), w.get(i + 1), w.get(i + 2)) {
            (Some(&"will"), ..) | (Some(&"should"), ..) => Some(1),
            (Some(&("is" | "are")), Some(&"going"), Some(&"to")) => Some(3),
            (Some(&("needs" | "need" | "has" | "have")), Some(&"to"), _) => Some(2),
            _ => None,
        };
        let mut found = None;
        if det {
            for n in 2..=4 {
                if let Some(m) = modal(n) {
                    found = Some((n, n + m));
                    break;
                }
            }
        } else if let Some(first) = w.first() {
            if let Some(name) = first.strip_suffix("'ll") {
                // "he'll", "she'll", "they'll", "marco'll".
                let capital = raw
                    .split_whitespace()
                    .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
                    .find(|t| t.to_lowercase() == *first)
                    .is_some_and(|t| t.starts_with(char::is_uppercase));
                if matches!(name, "he" | "she" | "they") || capital && name.len() > 1 {
                    found = Some((1, 1));
                }
            } else {
                let is_name = |t: &str| {
                    raw.split_whitespace()
                        .map(|x| x.trim_matches(|c: char| !c.is_alphanumeric()))
                        .find(|x| x.to_lowercase() == t)
                        .is_some_and(|x| x.starts_with(char::is_uppercase))
                        && !matches!(t, "i" | "we" | "you" | "it" | "that" | "this" | "there")
                };
                if matches!(*first, "he" | "she" | "they") || is_name(first) {
                    for n in 1..=2 {
                        if let Some(m) = modal(n) {
                            found = Some((n, n + m));
                            break;
                        }
                    }
                }
            }
        }
        found?
    };
    if !(modal_at..modal_at + 3).any(verb_at)
        || w.get(modal_at) == Some(&"be") && !verb_at(modal_at + 1)
    {
        return None;
    }
    let subject = w[..subject_len].join(" ");
    Some(subject.trim_end_matches("'ll").to_string())
}

fn stretches(turns: &[TurnOut], gap: f64) -> Vec<Stretch> {
    let mut out: Vec<Stretch> = Vec::new();
    for t in turns {
        match out.last_mut() {
            Some(s) if s.speaker == t.speaker && t.start - s.end <= gap => {
                s.end = s.end.max(t.end);
                s.seconds = s.end - s.start;
            }
            _ => out.push(Stretch {
                speaker: t.speaker.clone(),
                start: t.start,
                end: t.end,
                seconds: t.end - t.start,
            }),
        }
    }
    out
}

/// Analyses one call.
pub fn analyze(turns: &[Turn], opts: &Options) -> Analysis {
    let reps: HashSet<String> = opts.reps.iter().map(|r| r.trim().to_lowercase()).collect();
    let known = !reps.is_empty();
    let side_of = |speaker: &str| {
        if !known {
            Side::Unknown
        } else if reps.contains(&speaker.trim().to_lowercase()) {
            Side::Rep
        } else {
            Side::Customer
        }
    };
    let mut out_turns = Vec::with_capacity(turns.len());
    let mut trackers = Vec::new();
    let mut risks = Vec::new();
    let mut signals = Vec::new();
    let mut actions = Vec::new();
    let mut questions_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut all_sentences: Vec<(usize, String, Vec<String>)> = Vec::new();
    let competitors: Vec<(String, Vec<String>)> = opts
        .competitors
        .iter()
        .map(|c| (c.clone(), lower_words(c)))
        .collect();
    for (n, t) in turns.iter().enumerate() {
        let side = side_of(&t.speaker);
        let mut turn_q = false;
        for s in sentences(&t.text) {
            let q = is_question(s);
            turn_q |= q;
            if q {
                *questions_by.entry(t.speaker.clone()).or_default() += 1;
            }
            let w = lower_words(s);
            let mention = |tracker: &str, term: &str| Mention {
                tracker: tracker.into(),
                term: term.into(),
                speaker: t.speaker.clone(),
                side,
                at: t.start,
                in_question: q,
                quote: s.to_string(),
            };
            for (name, cw) in &competitors {
                // "Coastline Pump Service's terms": a possessive still names the competitor.
                if !cw.is_empty()
                    && w.windows(cw.len()).any(|x| {
                        x.iter()
                            .zip(cw)
                            .all(|(a, b)| a == b || a.strip_suffix("'s") == Some(b.as_str()))
                    })
                {
                    trackers.push(mention("competitor", name));
                    if side != Side::Rep {
                        risks.push(Moment {
                            kind: "risk".into(),
                            label: "evaluating_alternatives".into(),
                            speaker: t.speaker.clone(),
                            side,
                            at: t.start,
                            quote: s.to_string(),
                        });
                    }
                }
            }
            for (tracker, terms) in TRACKERS {
                if let Some(term) = terms.iter().find(|p| has(&w, p)) {
                    trackers.push(mention(tracker, term));
                }
            }
            // Risks and signals are what the customer says (or anyone, when sides are unknown).
            if side != Side::Rep {
                for (label, terms) in RISKS {
                    if terms.iter().any(|p| has(&w, p)) {
                        risks.push(Moment {
                            kind: "risk".into(),
                            label: (*label).into(),
                            speaker: t.speaker.clone(),
                            side,
                            at: t.start,
                            quote: s.to_string(),
                        });
                        break;
                    }
                }
                let asks_price = q && TRACKERS[0].1.iter().any(|p| has(&w, p));
                let hit = if asks_price {
                    Some("asks_pricing")
                } else {
                    SIGNALS
                        .iter()
                        .find(|(_, terms)| terms.iter().any(|p| has(&w, p)))
                        .map(|(l, _)| *l)
                };
                // A signal is a customer asking or moving forward, not a mention in passing.
                if let Some(label) = hit
                    && (q || label == "next_steps" || asks_price)
                {
                    signals.push(Moment {
                        kind: "signal".into(),
                        label: label.into(),
                        speaker: t.speaker.clone(),
                        side,
                        at: t.start,
                        quote: s.to_string(),
                    });
                }
            }
            // A request is often asked ("can you send me the photos?"); an offer asked
            // ("should I send it?") is not yet a commitment.
            let said_by = |own: bool| {
                if own {
                    t.speaker.clone()
                } else {
                    // The person spoken to: the next other speaker, else the previous one.
                    turns[n + 1..]
                        .iter()
                        .chain(turns[..n].iter().rev())
                        .find(|x| x.speaker != t.speaker)
                        .map_or_else(|| "(to be assigned)".to_string(), |x| x.speaker.clone())
                }
            };
            let owner = commitment(&w)
                .filter(|own| !(q && *own))
                .filter(|_| !acknowledgement(&w))
                .map(said_by)
                .or_else(|| {
                    // Someone named: the speaker whose label starts with that name, else the
                    // name as said.
                    (!q).then(|| assignment(&w, s)).flatten().map(|who| {
                        let key = who.to_lowercase();
                        let first = key.split_whitespace().next().unwrap_or("").to_string();
                        turns
                            .iter()
                            .map(|x| &x.speaker)
                            .find(|label| {
                                let l = label.to_lowercase();
                                l == key || l.split_whitespace().next() == Some(first.as_str())
                            })
                            .cloned()
                            .unwrap_or(who)
                    })
                });
            if let Some(owner) = owner {
                // A side only for a speaker on the call; "he", "the designer" are not known.
                let side = if turns.iter().any(|x| x.speaker == owner) {
                    side_of(&owner)
                } else {
                    Side::Unknown
                };
                actions.push(ActionItem {
                    owner,
                    side,
                    at: t.start,
                    text: s.to_string(),
                    due: due(&w),
                });
            }
            all_sentences.push((n, s.to_string(), w));
        }
        out_turns.push(TurnOut {
            speaker: t.speaker.clone(),
            side,
            start: t.start,
            end: t.end,
            is_question: turn_q,
            text: t.text.clone(),
        });
    }

    // Metrics.
    let first = turns.iter().map(|t| t.start).fold(f64::INFINITY, f64::min);
    let last = turns
        .iter()
        .map(|t| t.end)
        .fold(f64::NEG_INFINITY, f64::max);
    let duration = if turns.is_empty() {
        0.0
    } else {
        (last - first).max(0.0)
    };
    let mut talk: BTreeMap<String, f64> = BTreeMap::new();
    for t in turns {
        *talk.entry(t.speaker.clone()).or_default() += (t.end - t.start).max(0.0);
    }
    let total: f64 = talk.values().sum();
    let rep_talk: f64 = talk
        .iter()
        .filter(|(s, _)| side_of(s) == Side::Rep)
        .map(|(_, v)| v)
        .sum();
    // A turn inside another speaker's turn ("mm-hmm" over the customer) is a backchannel: it
    // neither ends the other's stretch nor counts as a reply.
    let main: Vec<TurnOut> = out_turns
        .iter()
        .filter(|t| {
            !out_turns.iter().any(|o| {
                o.speaker != t.speaker
                    && o.start <= t.start
                    && o.end >= t.end
                    && o.end - o.start > t.end - t.start
            })
        })
        .cloned()
        .collect();
    let runs = stretches(&main, 2.0);
    let longest = |side: Side| {
        runs.iter()
            .filter(|s| side_of(&s.speaker) == side)
            .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
            .cloned()
    };
    let switches = out_turns
        .windows(2)
        .filter(|w| w[0].speaker != w[1].speaker)
        .count();
    let pauses: Vec<f64> = main
        .windows(2)
        .filter(|w| w[0].side == Side::Customer && w[1].side == Side::Rep)
        .map(|w| (w[1].start - w[0].end).max(0.0))
        .collect();
    let count_q = |side: Side| {
        questions_by
            .iter()
            .filter(|(s, _)| side_of(s) == side)
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    let customers: HashSet<&str> = turns
        .iter()
        .filter(|t| side_of(&t.speaker) == Side::Customer)
        .map(|t| t.speaker.as_str())
        .collect();
    let metrics = Metrics {
        duration_seconds: duration,
        talk_seconds: talk,
        rep_talk_ratio: (known && total > 0.0).then(|| rep_talk / total),
        longest_monologue: (known && !opts.estimated_times)
            .then(|| longest(Side::Rep))
            .flatten(),
        longest_customer_story: known.then(|| longest(Side::Customer)).flatten(),
        interactivity: if duration > 0.0 {
            switches as f64 / (duration / 60.0)
        } else {
            0.0
        },
        patience_seconds: (!pauses.is_empty() && !opts.estimated_times)
            .then(|| pauses.iter().sum::<f64>() / pauses.len() as f64),
        rep_questions: known.then(|| count_q(Side::Rep)),
        customer_questions: known.then(|| count_q(Side::Customer)),
        questions_by_speaker: questions_by,
        customer_people: known.then_some(customers.len()),
    };

    // Benchmarks.
    let b = &opts.benchmarks;
    let mut checks = Vec::new();
    let verdict = |v: f64, lo: f64, hi: f64| {
        if v < lo {
            "below"
        } else if v > hi {
            "above"
        } else {
            "within"
        }
    };
    if let Some(r) = metrics.rep_talk_ratio {
        checks.push(Check {
            metric: "rep talk ratio".into(),
            value: r,
            benchmark: format!(
                "{:.0}%-{:.0}%",
                b.talk_ratio.0 * 100.0,
                b.talk_ratio.1 * 100.0
            ),
            verdict: verdict(r, b.talk_ratio.0, b.talk_ratio.1).into(),
        });
    }
    if let Some(m) = &metrics.longest_monologue {
        checks.push(Check {
            metric: "longest rep monologue (s)".into(),
            value: m.seconds,
            benchmark: format!("under {:.0} s", b.longest_monologue_seconds),
            verdict: verdict(m.seconds, 0.0, b.longest_monologue_seconds).into(),
        });
    }
    if let (Some(q), Some("discovery")) = (metrics.rep_questions, opts.call_type.as_deref()) {
        let (lo, hi) = b.discovery_questions;
        checks.push(Check {
            metric: "rep questions (discovery call)".into(),
            value: q as f64,
            benchmark: format!("{lo}-{hi}"),
            verdict: verdict(q as f64, f64::from(lo), f64::from(hi)).into(),
        });
    }
    if let Some(p) = metrics.patience_seconds
        && known
    {
        checks.push(Check {
            metric: "patience (s)".into(),
            value: p,
            benchmark: format!("at least {:.1} s", b.patience_seconds),
            verdict: verdict(p, b.patience_seconds, f64::INFINITY).into(),
        });
    }

    // Key moments: risks first, then signals, then competitor mentions; at most ten, in order.
    let mut key: Vec<Moment> = risks.iter().chain(signals.iter()).cloned().collect();
    for m in trackers.iter().filter(|m| m.tracker == "competitor") {
        key.push(Moment {
            kind: "competitor".into(),
            label: m.term.clone(),
            speaker: m.speaker.clone(),
            side: m.side,
            at: m.at,
            quote: m.quote.clone(),
        });
    }
    let mut seen = HashSet::new();
    key.retain(|m| seen.insert((m.quote.clone(), m.at.to_bits())));
    key.truncate(10);
    key.sort_by(|a, b| a.at.total_cmp(&b.at));

    let trust_repair = risks.iter().any(|r| r.label == "complaint");
    Analysis {
        turns: out_turns,
        metrics,
        benchmarks: checks,
        trackers,
        risks,
        signals,
        key_moments: key,
        summary: summary(&all_sentences, 5),
        abstractive_summary: None,
        action_items: actions,
        trust_repair,
    }
}

/// The `k` most central sentences: each scored by how often its content words recur in the
/// call (a word said once everywhere says little; a word the call keeps returning to says
/// what it is about), per square root of its length, skipping near-duplicates; in call order.
pub fn summary(sentences: &[(usize, String, Vec<String>)], k: usize) -> Vec<String> {
    let stop: HashSet<&str> = STOP.iter().copied().collect();
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for (_, _, w) in sentences {
        let mut seen = HashSet::new();
        for x in w
            .iter()
            .filter(|x| x.len() > 2 && !stop.contains(x.as_str()))
        {
            if seen.insert(x.as_str()) {
                *freq.entry(x.as_str()).or_default() += 1;
            }
        }
    }
    let mut scored: Vec<(f64, usize)> = sentences
        .iter()
        .enumerate()
        .filter(|(_, (_, s, w))| w.len() >= 6 && !is_question(s))
        .map(|(i, (_, _, w))| {
            let content: Vec<&str> = w
                .iter()
                .map(String::as_str)
                .filter(|x| x.len() > 2 && !stop.contains(x))
                .collect();
            let score: f64 = content
                .iter()
                .map(|x| (freq.get(x).copied().unwrap_or(1) as f64 - 1.0).max(0.0))
                .sum::<f64>()
                / (w.len() as f64).sqrt();
            (score, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = Vec::new();
    for (_, i) in scored {
        if chosen.len() >= k {
            break;
        }
        let a: HashSet<&String> = sentences[i].2.iter().collect();
        let near = chosen.iter().any(|&j| {
            let b: HashSet<&String> = sentences[j].2.iter().collect();
            let inter = a.intersection(&b).count() as f64;
            inter / (a.len().max(b.len()) as f64) > 0.5
        });
        if !near {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| sentences[i].1.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(speaker: &str, start: f64, end: f64, text: &str) -> Turn {
        Turn {
            speaker: speaker.into(),
            start,
            end,
            text: text.into(),
        }
    }

    fn call() -> Vec<Turn> {
        vec![
            turn("Dana Singh", 0.0, 4.0, "Stonebridge Dairy, this is Dana."),
            turn(
                "Eun-ji",
                5.0,
                20.0,
                "Hi Dana, Eun-ji with Brightwater. How are the transfer pumps holding up",
            ),
            turn(
                "Dana Singh",
                21.0,
                60.0,
                "Not great. The seals keep failing and we are also looking at Corvane Flow Systems. Honestly the budget is tight this year. What would a retrofit cost?",
            ),
            turn(
                "Eun-ji",
                61.5,
                80.0,
                "I'll send you a quote by Friday. Can you send me the nameplate photos?",
            ),
            turn(
                "Dana Singh",
                81.0,
                90.0,
                "Sure. I'll have to check with my plant manager on the shutdown window.",
            ),
            turn(
                "Marco Ruiz",
                91.0,
                95.0,
                "What's the lead time on the seals?",
            ),
        ]
    }

    #[test]
    fn metrics_sides_questions_and_benchmarks() {
        let a = analyze(
            &call(),
            &Options {
                reps: vec!["eun-ji".into()],
                call_type: Some("discovery".into()),
                ..Default::default()
            },
        );
        let m = &a.metrics;
        assert_eq!(m.duration_seconds, 95.0);
        assert!(
            (m.rep_talk_ratio.unwrap() - 33.5 / 89.5).abs() < 1e-9,
            "{m:?}"
        );
        assert_eq!(m.rep_questions, Some(2));
        assert_eq!(m.customer_questions, Some(2));
        assert_eq!(m.customer_people, Some(2));
        assert_eq!(m.longest_customer_story.as_ref().unwrap().seconds, 39.0);
        assert!((m.patience_seconds.unwrap() - 1.25).abs() < 1e-9);
        assert!(a.turns[1].is_question, "no question mark, still a question");
        let talk = a
            .benchmarks
            .iter()
            .find(|c| c.metric == "rep talk ratio")
            .unwrap();
        assert_eq!(talk.verdict, "below");
        let q = a
            .benchmarks
            .iter()
            .find(|c| c.metric.starts_with("rep questions"))
            .unwrap();
        assert_eq!(q.verdict, "below");
    }

    #[test]
    fn trackers_risks_signals_and_action_items_with_owner_and_due_date() {
        let a = analyze(
            &call(),
            &Options {
                reps: vec!["Eun-ji".into()],
                competitors: vec!["Corvane Flow Systems".into()],
                ..Default::default()
            },
        );
        let labels: Vec<&str> = a.risks.iter().map(|r| r.label.as_str()).collect();
        assert!(labels.contains(&"evaluating_alternatives"), "{labels:?}");
        assert!(labels.contains(&"budget_concern"), "{labels:?}");
        assert!(labels.contains(&"decision_maker_absent"), "{labels:?}");
        let sig: Vec<&str> = a.signals.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(sig, ["asks_pricing", "implementation"], "{:?}", a.signals);
        let comp = a
            .trackers
            .iter()
            .find(|m| m.tracker == "competitor")
            .unwrap();
        assert_eq!(
            (comp.speaker.as_str(), comp.side),
            ("Dana Singh", Side::Customer)
        );
        let price = a
            .trackers
            .iter()
            .find(|m| m.tracker == "pricing" && m.in_question)
            .unwrap();
        assert!(price.quote.contains("retrofit cost"));
        let items: Vec<(&str, Option<&str>)> = a
            .action_items
            .iter()
            .map(|i| (i.owner.as_str(), i.due.as_deref()))
            .collect();
        assert_eq!(
            items,
            [
                ("Eun-ji", Some("by friday")),
                ("Dana Singh", None),
                ("Dana Singh", None)
            ],
            "{:?}",
            a.action_items
        );
        assert!(!a.trust_repair);
        assert!(!a.key_moments.is_empty() && a.key_moments.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(!a.summary.is_empty());
    }

    #[test]
    fn a_bare_please_do_acknowledges_and_is_no_action_item() {
        let turns = vec![
            turn(
                "Eun-ji",
                0.0,
                6.0,
                "I'll send you a summary email with the spares list by Friday.",
            ),
            turn("Dana Singh", 7.0, 9.0, "Please do. Copy Hiroshi."),
            turn("Eun-ji", 10.0, 11.0, "Will do, I'll do that."),
            turn(
                "Dana Singh",
                12.0,
                15.0,
                "Can you do a site visit next week?",
            ),
        ];
        let a = analyze(
            &turns,
            &Options {
                reps: vec!["Eun-ji".into()],
                ..Default::default()
            },
        );
        let items: Vec<(&str, &str)> = a
            .action_items
            .iter()
            .map(|i| (i.owner.as_str(), i.text.as_str()))
            .collect();
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(items[0].1.contains("summary email"), "{items:?}");
        assert!(items[1].1.contains("site visit"), "{items:?}");
    }

    #[test]
    fn a_competitor_named_in_the_possessive_is_still_a_competitor() {
        let found = |line: &str| {
            let turns = vec![
                turn("Eun-ji", 0.0, 4.0, "Where do we stand on the renewal?"),
                turn("Dana Singh", 5.0, 12.0, line),
            ];
            let a = analyze(
                &turns,
                &Options {
                    reps: vec!["Eun-ji".into()],
                    competitors: vec!["Corvane Flow Systems".into()],
                    ..Default::default()
                },
            );
            let competitor = a.trackers.iter().any(|m| m.tracker == "competitor");
            let risk = a.risks.iter().any(|r| r.label == "evaluating_alternatives");
            assert_eq!(competitor, risk, "{line}");
            competitor
        };
        assert!(found(
            "If you can't match Corvane Flow Systems's terms we'll walk."
        ));
        assert!(found(
            "If you can't match Corvane Flow Systems' terms we'll walk."
        ));
        assert!(found(
            "If you can't match Corvane Flow Systems\u{2019}s terms we'll walk."
        ));
        assert!(found("Corvane Flow Systems quoted us lower."));
        assert!(!found("Corvane Flow quoted us lower."));
    }

    #[test]
    fn a_complaint_marks_trust_repair_and_unknown_sides_leave_rep_figures_empty() {
        let turns = vec![
            turn(
                "Emeka",
                0.0,
                8.0,
                "I'm going to be honest, I'm not happy. Nobody called about the late pumps.",
            ),
            turn("Sergio", 9.0, 12.0, "Okay, I'm listening."),
        ];
        let a = analyze(&turns, &Options::default());
        assert!(a.trust_repair);
        assert_eq!(a.metrics.rep_talk_ratio, None);
        assert_eq!(a.metrics.rep_questions, None);
        assert!(a.benchmarks.is_empty());
        assert!(a.turns.iter().all(|t| t.side == Side::Unknown));
    }

    #[test]
    fn a_backchannel_inside_a_turn_is_not_a_reply_and_estimated_times_measure_no_pauses() {
        let turns = vec![
            turn(
                "Dana",
                0.0,
                30.0,
                "We had three failures on line two this spring and the seals went each time.",
            ),
            turn("Rep", 10.0, 10.5, "Mm-hmm."),
            turn("Rep", 32.0, 40.0, "That is a lot of downtime for one pump."),
        ];
        let opts = Options {
            reps: vec!["Rep".into()],
            ..Default::default()
        };
        let a = analyze(&turns, &opts);
        assert_eq!(
            a.metrics.patience_seconds,
            Some(2.0),
            "the reply after she finished"
        );
        assert_eq!(
            a.metrics.longest_customer_story.as_ref().unwrap().seconds,
            30.0
        );
        let est = analyze(
            &turns,
            &Options {
                estimated_times: true,
                ..opts
            },
        );
        assert_eq!(est.metrics.patience_seconds, None);
        assert_eq!(est.metrics.longest_monologue, None);
        assert!(
            !est.benchmarks
                .iter()
                .any(|c| c.metric.starts_with("patience"))
        );
    }

    #[test]
    fn a_sentence_said_as_a_risk_and_as_a_competitor_mention_is_one_key_moment() {
        let turns = vec![turn(
            "Dana",
            0.0,
            5.0,
            "We are also looking at Corvane Flow Systems.",
        )];
        let a = analyze(
            &turns,
            &Options {
                reps: vec!["Rep".into()],
                competitors: vec!["Corvane Flow Systems".into()],
                ..Default::default()
            },
        );
        assert_eq!(a.key_moments.len(), 1, "{:?}", a.key_moments);
    }

    #[test]
    fn assignments_in_the_third_person_are_action_items_owned_by_the_one_named() {
        let a = |s: &str| assignment(&lower_words(s), s);
        assert_eq!(
            a("So Marco will send the drawings by Friday.").as_deref(),
            Some("marco")
        );
        assert_eq!(
            a("The industrial designer is going to work on the casing.").as_deref(),
            Some("the industrial designer")
        );
        assert_eq!(a("She'll check with legal.").as_deref(), Some("she"));
        // Not a name, not a task, not a commitment.
        assert_eq!(
            a("marco will send it"),
            None,
            "a bare subject must be a name"
        );
        assert_eq!(a("The remote will sell for 25 euro."), None);
        assert_eq!(a("It will send an alert."), None);
        let turns = vec![
            turn(
                "Eun-ji",
                0.0,
                4.0,
                "Marco will send the pump curves tomorrow.",
            ),
            turn("Marco Ruiz", 5.0, 8.0, "Sure."),
        ];
        let out = analyze(
            &turns,
            &Options {
                reps: vec!["Eun-ji".into()],
                ..Default::default()
            },
        );
        assert_eq!(out.action_items.len(), 1);
        assert_eq!(out.action_items[0].owner, "Marco Ruiz");
        assert_eq!(out.action_items[0].side, Side::Customer);
        assert_eq!(out.action_items[0].due.as_deref(), Some("tomorrow"));
    }

    #[test]
    fn due_dates_as_people_say_them() {
        let w = |s: &str| lower_words(s);
        assert_eq!(
            due(&w("I'll send it by Friday")).as_deref(),
            Some("by friday")
        );
        assert_eq!(
            due(&w("before the end of the month")).as_deref(),
            Some("end of the month")
        );
        assert_eq!(
            due(&w("we'll ship next week")).as_deref(),
            Some("next week")
        );
        assert_eq!(due(&w("tomorrow works")).as_deref(), Some("tomorrow"));
        assert_eq!(due(&w("in March")).as_deref(), Some("in march"));
        assert_eq!(due(&w("I'll look into it")), None);
        assert_eq!(
            due(&w("send it end of month")).as_deref(),
            Some("end of month")
        );
    }
}
