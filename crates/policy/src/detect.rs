//! Detecting the four relationship-protection situations.
//!
//! Each rule adds up evidence from three places: the account's state in the store (health,
//! open issues and whether they repeat, tier), the kind of communication requested, and cues
//! in the text of the request and the pasted notes. Text cues are phrase patterns (see
//! [`crate::text`]), each with a weight; a cue inside a negated clause ("no longer evaluating
//! other suppliers") does not count, and some cues only count next to others (a repeat word
//! counts toward trust repair only when the text also describes a failure). A rule fires when
//! its evidence reaches 1.0. The weights were set on the development sets
//! (`crates/policy/eval/dev.jsonl`, `dev2.jsonl`) and are measured on a test set written
//! separately (`test.jsonl`); the README reports all three.
//!
//! Missing a protected case is the costly error, so the rules lean toward firing: a false
//! alarm costs the account manager one override request or one message written by hand.

use std::sync::LazyLock;

use roomwork_domain::{Health, IssueKind, Severity};
use serde::Serialize;

use crate::text::{Hit, Pattern, Text};
use crate::{AccountState, Rule};

/// Where a piece of evidence came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The account's state in the store.
    Account,
    /// The kind of communication requested.
    Kind,
    /// The request text or the pasted notes.
    Text,
}

/// One reason a rule fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// Where it came from.
    pub source: Source,
    /// What it shows, in words.
    pub what: String,
    /// The sentence quoted from the text, or the account fact.
    pub quote: String,
    /// Its weight toward the 1.0 threshold.
    pub weight: f32,
}

struct Cue {
    pattern: Pattern,
    weight: f32,
    what: &'static str,
}

fn cues(list: &[(&'static str, f32, &'static str)]) -> Vec<Cue> {
    list.iter()
        .map(|(p, w, what)| Cue {
            pattern: Pattern::new(p),
            weight: *w,
            what,
        })
        .collect()
}

/// Rule 1: the customer is dissatisfied, looking elsewhere, or has had a serious failure.
static AT_RISK: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        // Evaluating alternatives.
        (
            "(other|another|alternative|second|new) ~1 (supplier*|vendor*|distributor*|source|sources|provider*|contractor*|broker*|dealer*|printer*|stockholder*|insurer*|integrator*|mill|mills|msp|msps)",
            1.0,
            "looking at other suppliers",
        ),
        (
            "(qualify*|qualifying|set up|setting up|approve|approving) ~3 (supplier*|source|vendor*)",
            1.0,
            "qualifying another supplier",
        ),
        (
            "((competitor*|rival*) ~4 (trial*|quot*|bid*|tender*|test*|pilot*|demo*|visit*)|(demo*|trial*|quot*) ~3 (competitor*|rival*))",
            1.0,
            "a competitor is in",
        ),
        (
            "(trial*|trialling|testing|piloting) ~3 (competitor*|their|a|another) ~2 (pump*|valve*|unit*|product*|kit*|system*|instrument*|analyser*|meter*)",
            0.5,
            "a trial of another product",
        ),
        (
            "(re tender*|retender*|re-tender*|rebid*|re bid*|go out to tender|going out to tender|market test*|benchmark* us|opened it to the market|open it to the market|keep us honest|(rfi|rfp|rfq|tender) ~2 to # |broker of record|(ask*|query*|querying|whether|what) ~6 (notice period|break clause|exit clause|termination clause)|whether ~2 own the (plates|tooling|moulds|molds|data|dies))",
            1.0,
            "the business is going back to the market",
        ),
        (
            "(asked|invited|getting|get|got) ~4 (quote|quotes|quotation*|price|prices|bids|pricing) ~3 (from|elsewhere|others|competitor*)",
            1.0,
            "asking others to quote",
        ),
        (
            "(#|other|three|two) ~1 (other|competing) ~1 (quote*|bid*|offers)",
            1.0,
            "asking others to quote",
        ),
        (
            "(switch*|move|moving|pull*|take|taking) ~3 (supplier*|business|contract|consignment|account|volume|spend|elsewhere)",
            1.0,
            "moving the business",
        ),
        ("(dual|second) (sourc*|supplier)", 1.0, "second-sourcing"),
        ("under review", 1.0, "our business is under review"),
        (
            "(reconsider*|review*|rethink*) ~3 (supplier*|vendor*|suppliers|sourcing)",
            1.0,
            "reconsidering suppliers",
        ),
        (
            "(trial*|trialing|trialling|testing|piloting|tried out|trying out) ~4 (@|from @)",
            0.6,
            "trialling a named alternative",
        ),
        (
            "(put|putting|installed|installing|fitted|running) ~5 (next to|alongside|against) ~2 (ours|our)",
            1.0,
            "a competitor's product running next to ours",
        ),
        (
            "to compare ~3 (wear|performance|price*|results)",
            0.6,
            "comparing us with another product",
        ),
        (
            "not (taken|taking|returned|returning|answered|answering|replied|replying|respond*) ~3 (call*|email*|message*|anything|me)",
            1.0,
            "the customer has stopped responding",
        ),
        (
            "(gone|went|going) (quiet|silent|dark)",
            1.0,
            "the customer has gone quiet",
        ),
        (
            "(all|every) ~2 correspondence ~3 (through|via)",
            0.6,
            "contact restricted",
        ),
        (
            "(review*|reconsider*|rethink*|question*) ~3 (relationship|contract|service arrangement|arrangement|agreement|partnership)",
            1.0,
            "reviewing the relationship",
        ),
        (
            "(looking|look) at ~1 service arrangement",
            1.0,
            "reviewing the relationship",
        ),
        (
            "why ~4 (keep|continue|stay*) ~3 (pay*|using|with us|buying)",
            1.0,
            "questioning why they stay",
        ),
        (
            "(not|won't|will not) (renew*|extend*)",
            1.0,
            "may not renew",
        ),
        (
            "(terminat*|cancel*) ~3 (contract|agreement|framework|service*)",
            1.0,
            "threatening to end the contract",
        ),
        // Dissatisfaction flagged.
        ("(had|have) enough", 1.0, "the customer has had enough"),
        (
            "(fed up|tired of|losing patience|lost patience|furious|livid|very unhappy|really unhappy|deeply unhappy|extremely unhappy|very disappointed|not ~2 acceptable|unacceptable|not happy|not at all happy)",
            1.0,
            "the customer is very dissatisfied",
        ),
        // Threats count under "if" too: that is how they are made.
        (
            "(last chance|final warning|on notice)",
            1.0,
            "the customer has issued a warning",
        ),
        (
            "(unhappy|disappointed|angry|upset|frustrated)",
            0.5,
            "the customer is unhappy",
        ),
        (
            "(hold*|holding|stop*|stopped|freeze|froze|frozen|suspend*) ~4 (orders|order|purchas*|payment*|invoice*|business)",
            1.0,
            "orders or payments withheld",
        ),
        ("(withhold*|withheld)", 1.0, "orders or payments withheld"),
        (
            "(escalat*) ~4 (vp|director*|head|ceo|coo|cfo|md|manager*|management|board|boss|group)",
            1.0,
            "escalated to their management",
        ),
        ("(escalat*)", 0.5, "escalated"),
        (
            "(cc*|copied|copying) ~3 (director*|vp|boss|ceo|md|head|manager)",
            0.5,
            "their management copied in",
        ),
        (
            "(boss|director|vp|ceo|md|manager|head of) ~3 (on|in) ~2 (email|thread|call|cc)",
            0.5,
            "their management copied in",
        ),
        (
            "(director|vp|ceo|gm|md|boss) ~3 (wants|asked|demand*|expects) ~3 (call|meeting|explanation|written|report|plan)",
            0.5,
            "their management wants an explanation",
        ),
        (
            "(complain*) ~3 (to|with) ~2 (director|vp|ceo|boss|management|group)",
            1.0,
            "complained to their management",
        ),
        // Significant service failure.
        (
            "((line|lines|plant|site|production|station*) ~2 (down|stopped|stop|shut|idle)|had to ~2 (shut|stop|halt))",
            0.6,
            "production stopped",
        ),
        (
            "(whole|entire) (run|batch|order|shipment|delivery) ~2 (scrapped|lost|rejected|written off)",
            0.4,
            "a whole run lost",
        ),
        (
            "(outage|shutdown lost|lost production|production loss|unplanned stop*|downtime|ran blind|spill*|pollution|safety incident|injur*|residents|evacuat*|environmental|(very|extremely|really|most) serious)",
            0.6,
            "a serious service failure",
        ),
        (
            "(quarantin*|rejected the|recall*)",
            0.4,
            "goods quarantined or rejected",
        ),
    ])
});

/// Rule 2: a complaint that needs trust repaired (repeat failure, slipped again, broken promise).
static REPEAT: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        (
            "(again|once more|yet again|repeat*|recurring|recurr*|keeps|kept)",
            0.6,
            "it happened again",
        ),
        (
            "(#) (time|times|delivery|deliveries|shipment*|order*|failure*|outage*|occasion*|incident*)",
            0.6,
            "it happened again",
        ),
        (
            "(same|similar) ~3 (thing|error|mistake|problem|issue|fault|failure|as|happened|leak|defect|crack*|noise|alarm)",
            0.6,
            "the same failure as before",
        ),
        (
            "(also|already) ~2 (happened|moved|slipped|failed|late|wrong)",
            0.6,
            "it happened before",
        ),
        (
            "(last|previous) (two|three|#) ~2 (order*|deliver*|shipment*|delay*|time*|visits|months)",
            0.6,
            "it happened before",
        ),
        (
            "(twice|in a row|every time|each time)",
            0.6,
            "it happened again",
        ),
        (
            "(first|last) (one|time) ~4 (bad luck|accepted|said|told|promised)",
            0.6,
            "it happened before",
        ),
    ])
});

static BROKEN_PROMISE: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        (
            "(promis*|assur*|guarant*|committed|commitment|gave our word|gave my word|pledge*)",
            0.6,
            "we gave an assurance",
        ),
        (
            "((we|i) ~2 (told|said|confirmed) ~6 (fixed|solve*|stop*|fix|resolved|would|will|never|always|every|keep|covered|covers|included)|you said ~3 (it was|it would|last time))",
            0.6,
            "we gave an assurance",
        ),
        (
            "(agreed|supposed) to ~3 (hold|keep|stock|reserve|deliver|send)",
            0.6,
            "we agreed to something",
        ),
        (
            "(told|assured) ~2 (her|him|them|us) ~4 (fixed|sorted|solved|resolved)",
            0.6,
            "we said it was fixed",
        ),
    ])
});

static FAILURE: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[(
        "(wrong|late|delay*|missed|miss|slipp*|slipped|moved|damaged|short|missing|without|fail*|broke*|leak*|tripp*|tripped|down|drift|drifted|drifting|fault*|reject*|error*|mix up|mixed up|mixup|quarantin*|turned away|cavitat*|not arrived|didn't arrive|never arrived|incorrect|mistake|chasing|chased|stockout|stock out|split|false|overran|overrun|dented|defect*|declined|still ~2 not|exclusion)",
        0.4,
        "a failure",
    )])
});

/// Rule 3: the account manager's read of the client's unstated priority is what wins.
static JUDGEMENT: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        (
            "(real|true|actual|underlying|hidden) (reason|story|driver|problem|worry|concern|priority|issue|decision|agenda|motive|pressure)",
            1.0,
            "the real reason behind the request",
        ),
        (
            "(truth|in truth|truthfully)",
            0.7,
            "the real reason behind the request",
        ),
        (
            "(nobody|no one|none of them) ~3 (say|says|said|write*|wrote|admit*|mention*|tell|put)",
            1.0,
            "what nobody says out loud",
        ),
        (
            "(will|would|does|do) not ~2 (say|write|admit|mention|put) ~3 (this|it|that|in)",
            1.0,
            "what the client will not say",
        ),
        (
            "(what|things) ~3 (spec|rfq|tender|they|documents|brief) ~2 (does|do|will|did|would) not ~1 (say|write|mention|tell)",
            1.0,
            "what the tender does not say",
        ),
        (
            "(off the record|between us|between the lines|in confidence|confidential*|privately|unsaid|unspoken|unstated|not public|behind the scenes|only from a chat|told me quietly)",
            1.0,
            "something said in confidence",
        ),
        (
            "(what|who) ~2 (actually|really) ~2 (decid*|matter*|care*|want*|drive*|counts|worr*)",
            1.0,
            "what really decides it",
        ),
        (
            "(my|our) (read|sense|take|instinct|hunch|feeling)",
            0.7,
            "the account manager's read",
        ),
        (
            "(matter*|count*|weigh*) more than ~2 (price|cost|the price)",
            1.0,
            "what really decides it",
        ),
        (
            "(what matters|key thing|the key is|cares about one thing|the one thing)",
            0.7,
            "what really decides it",
        ),
        (
            "not (admit|know it|say it|tell procurement)",
            0.7,
            "what the client will not say",
        ),
        (
            "(hate*|fighting|afraid|scared|nervous|worried|anxious|desperate|burned)",
            0.4,
            "a stakeholder's personal stake",
        ),
        (
            "(needs|need|wants|want) ~4 (to show|for the board|in the annual report|to take to|a win)",
            0.5,
            "a stakeholder's personal stake",
        ),
        (
            "(politic*|veto|barely speak|don't get on|do not get on|rivalry|power struggle|wants to look good|needs a win|got burned|burned by|under pressure|their neck)",
            0.7,
            "the politics behind the decision",
        ),
        (
            "(officially|stated|on paper|formally) ~6 (but|real|actually|really)",
            0.7,
            "the stated reason is not the real one",
        ),
        (
            "(incumbent|replac* ~3 (current|existing|their) ~1 (supplier|vendor|provider|contractor)|changing (supplier*|vendor*|provider*)|contract ends|(their|the) (current|existing|usual|old) (supplier|dealer|printer|broker|contractor|vendor|provider|stockholder|distributor|integrator|insurer)|(been there|had it|had the site|for) # (yrs|years)|loyal to)",
            0.4,
            "the client is changing suppliers",
        ),
        (
            "(#|other|two|three|four) ~1 (bidders|others invited|other bidders|competitors|vendors)",
            0.3,
            "a competitive bid",
        ),
        (
            "(competitive|mini competition|tender|framework)",
            0.2,
            "a competitive bid",
        ),
        // The account manager names the angle that wins it: the judgement is theirs.
        (
            "(angle|the hook|our hook|hook is|differentiator|real difference|key difference|the difference is|make the difference|makes the difference|what sets us apart|sets us apart|usp|our edge|edge over|the edge is|that is the pitch|the pitch is|what wins|how we (win|beat)|only way|nobody else|no one else|none of the others|others will not|bespoke|unusual|my idea|the idea|idea is|position us|positioning|put us ahead|framing|frame it|lead with|build (it|the proposal|the narrative|the pitch) around|written so|write it so|speak to (her|him|them)|make it personal)",
            0.6,
            "the angle the account manager chose",
        ),
        // What the account manager knows that is in no document.
        (
            "(i know|i learned|i learnt|learned from|told me|word is|let slip|i bet|i have met|i met|know (him|her) from|from my|i reckon|i suspect|i think (it|they|this|that|he|she))",
            0.5,
            "what the account manager knows first-hand",
        ),
        // A named stakeholder's stance: the people reading is the judgement.
        (
            "(ceo|cfo|cio|coo|cto|fd|md|director|manager|owner|head|sponsor|board|founder|chair|controller|procurement|buyer|engineer|technician|agronomist|editor|lead|family|unions|team) ~3 (complaining|thinking|cares|care|loves|love|hates|hate|likes|like|wants|want|loyal|sceptical|skeptical|distrusts|distrust|unhappy|fed|panicking|nervous|pushing|thinks|feels|worries|worried|prefers|insists|demands|will decide|decides|holds|doesn't|does not|is all about|only cares|against)",
            0.5,
            "a stakeholder's stance",
        ),
        // The account manager keeps the judgement passages for themselves.
        (
            "(i will|i'll|i want to|i need to|let me) ~2 (write|do|add|own|sharpen|handle|draft) ~4 (bit|bits|part|section|intro|passage|passages|letter|myself|rationale|sharpen)",
            0.7,
            "passages the account manager will write",
        ),
        (
            "(scoring|scored|weighted|weighting) ~4 (quality|approach|methodology|added value|understanding)",
            0.4,
            "a bid scored on approach, not only price",
        ),
        (
            "(do not|dont|don't|can not|without) ~1 (mention|say|saying|making|attack*|name)",
            0.4,
            "something the draft must handle with care",
        ),
    ])
});

static ROUTINE_QUOTE: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        (
            "(same|identical) ~3 (as|items|terms|scope|list) ~3 (last|before|previous|year)",
            1.0,
            "a repeat of an earlier quotation",
        ),
        (
            "(usual|standard|routine|catalogue|catalog|like for like|like-for-like) ~2 (narrative|quote|quotation|spares|price*|renewal|re quote|requote|list)",
            1.0,
            "a routine quotation",
        ),
        (
            "(renewal|renew*) ~4 (same terms|unchanged|as is|no changes)",
            1.0,
            "a renewal on the same terms",
        ),
        ("same terms", 1.0, "a renewal on the same terms"),
    ])
});

/// Rule 4: the customer will judge the account manager's own professional judgement.
static CREDIBILITY: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        (
            "(my|our) (recommendation|advice|opinion|view|assessment|judgement|judgment|verdict|honest)",
            1.0,
            "the account manager's own opinion",
        ),
        (
            "(what|which|whether|if) ~2 (i|we) (think|believe|would|recommend|advise|suggest|pick|go|choose|do)",
            1.0,
            "the customer asks what the account manager thinks",
        ),
        (
            "(asked|asks|asking|wants|want) ~3 (me|my|us) ~3 (straight|directly|honestly|whether|which|what|if|to say|to tell|to advise|to recommend|view|opinion)",
            1.0,
            "the customer asks the account manager directly",
        ),
        (
            "(should|would) (they|he|she|we) ~3 (rebuild|replace|repair|buy|defer|delay|wait|go|choose|keep|upgrade|retrofit|switch|invest)",
            1.0,
            "advice on what the customer should do",
        ),
        (
            "(whether|if) ~2 (they|he|she) (should|can|could)",
            1.0,
            "advice on what the customer should do",
        ),
        (
            "(i|we) (would|'d) (go|pick|choose|replace|rebuild|repair|recommend|advise|say|suggest|lean)",
            0.7,
            "the account manager's own call",
        ),
        (
            "(i|we) (think|believe|reckon|suspect|lean|doubt) ",
            0.5,
            "the account manager's own view",
        ),
        (
            "(i|we) (lean|leaning) ~2 (to|toward*|towards)",
            0.7,
            "the account manager's own call",
        ),
        (
            "(is|are|was) ~4 (realistic|achievable|real|credible|doable|feasible)",
            0.6,
            "an opinion on whether it is realistic",
        ),
        (
            "(root cause|really caused|real cause|why it keeps|what caused|cause of)",
            0.6,
            "an opinion on the cause",
        ),
        (
            "(can|could) ~4 (handle|cope|take|run at|survive|manage)",
            0.5,
            "a technical assessment",
        ),
        (
            "(payback|capex|roi|return on|cheaper for them|save them|saves them|cost them|budget)",
            0.4,
            "a financial judgement",
        ),
        (
            "(risk|risks) ~3 (opinion|assessment|view|of slipping|to the schedule|to their)",
            0.4,
            "an opinion on project risk",
        ),
        (
            "(go live|go-live|golive|commissioning date|handover|deadline|schedule) ~4 (realistic|achievable|hold|slip*|risk*)",
            0.6,
            "an opinion on project risk",
        ),
        (
            "(put|putting|stake|staking) ~2 (my|our) (name|reputation|word)",
            1.0,
            "the account manager's name on it",
        ),
        (
            "(in|under|with) my name",
            1.0,
            "the account manager's name on it",
        ),
        (
            "(that|this|my) (advice|conclusion|view|take)",
            0.7,
            "the account manager's own view",
        ),
        (
            "(asked|asks|asking|wondering|wonders|wants to know|want to know) ~3 (if|whether|which|what|how)",
            0.6,
            "the customer asks for a judgement",
        ),
        (
            "(whether|if) to",
            0.5,
            "advice on what the customer should do",
        ),
        (
            "(i|we) would (buy|wait|keep|defer|hold|stick|use|opt|start|spend|install|upgrade|skip|avoid)",
            0.7,
            "the account manager's own call",
        ),
        (
            "(ran|run|did|done) the (numbers|maths|math|calculation*)",
            0.5,
            "the account manager's own calculation",
        ),
    ])
});

static OFFICIAL_DOCUMENT: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    cues(&[
        (
            "(forward*|attach*|send|share|pass on|resend) ~4 (datasheet*|data sheet*|certificate*|cert*|test report*|lab report|official|manufacturer*|statement|bulletin|report from|factory)",
            1.0,
            "forwarding an official document",
        ),
        (
            "(manufacturer*|factory|lab|laboratory|oem|engineering team*|our engineers) ~3 (statement|report|assessment|position|letter|recommendation|says|confirmed)",
            0.6,
            "the assessment is someone else's official one",
        ),
    ])
});

/// Cues that state how the customer feels: under "if" or "unless" ("if they are not happy
/// with the sample we re-run it") they are a hypothesis, not a fact. Threats stay cues when
/// conditional ("if it is late again they will move the business"): that is how threats are
/// made.
const MOODS: &[&str] = &[
    "the customer is very dissatisfied",
    "the customer is unhappy",
];

fn score(text: &Text<'_>, list: &[Cue], kind: &'static str) -> (f32, Vec<Evidence>) {
    let mut total = 0.0;
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut seen: Vec<&'static str> = Vec::new();
    for cue in list {
        let hits: Vec<Hit> = cue
            .pattern
            .find_all(text)
            .into_iter()
            .filter(|h| !Pattern::negated(text, *h))
            .filter(|h| !(MOODS.contains(&cue.what) && Pattern::conditional(text, *h)))
            .collect();
        if let Some(h) = hits.first() {
            // One cue counts once; the same "what" from two cues counts once too.
            if seen.contains(&cue.what) {
                continue;
            }
            seen.push(cue.what);
            total += cue.weight;
            evidence.push(Evidence {
                source: Source::Text,
                what: format!("{} ({kind})", cue.what),
                quote: text.sentence_at(h.start),
                weight: cue.weight,
            });
        }
    }
    (total, evidence)
}

fn account(what: String, quote: String, weight: f32) -> Evidence {
    Evidence {
        source: Source::Account,
        what,
        quote,
        weight,
    }
}

/// The evidence for each rule, before the threshold.
pub struct Detection {
    /// Evidence and total per rule.
    pub per_rule: Vec<(Rule, f32, Vec<Evidence>)>,
}

/// The largest money amount written in the text ("~1.2M", "400k", "$1,200,000", "2 million").
fn largest_amount(raw: &str) -> Option<f64> {
    let b = raw.as_bytes();
    let mut best: Option<f64> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b',' || b[i] == b'.') {
                i += 1;
            }
            let num = raw[start..i].trim_end_matches(['.', ',']);
            let digits = num.replace(',', "");
            let Ok(mut v) = digits.parse::<f64>() else {
                continue;
            };
            let rest = raw[i..].trim_start().to_lowercase();
            let spelled =
                rest.starts_with("million") || rest.starts_with("mio") || rest.starts_with("mn");
            if spelled
                || rest.starts_with('m')
                    && !rest.starts_with("mm")
                    && !rest.starts_with("min")
                    && !rest.starts_with("month")
                    && !rest.starts_with("meter")
                    && !rest.starts_with("metre")
                    && raw[i..].starts_with(['m', 'M'])
            {
                v *= 1e6;
            } else if raw[i..].starts_with(['k', 'K'])
                && !rest.starts_with("kw")
                && !rest.starts_with("kg")
                && !rest.starts_with("km")
                && !rest.starts_with("kv")
            {
                v *= 1e3;
            } else if !num.contains(',') && v < 10_000.0 {
                // A bare small number is a count or a size, not money.
                continue;
            }
            best = Some(best.map_or(v, |b: f64| b.max(v)));
        } else {
            i += 1;
        }
    }
    best
}

/// Whether a request is about a proposal, quotation or pitch.
fn proposal_context(kind: &str, text: &Text<'_>) -> bool {
    matches!(kind, "proposal" | "quotation-narrative" | "cold-outreach")
        || [
            "proposal*",
            "quot*",
            "tender*",
            "rfq*",
            "rfp*",
            "bid*",
            "narrative",
            "pitch*",
        ]
        .iter()
        .any(|w| text.has(w))
}

/// Runs the four detectors.
pub fn detect(
    kind: &str,
    customer_facing: bool,
    text: &Text<'_>,
    account_state: Option<&AccountState>,
    competitors: &[String],
) -> Detection {
    let mut per_rule = Vec::new();

    // Rule 1.
    let (mut s1, mut e1) = score(text, &AT_RISK, "at risk");
    for c in competitors {
        let name = Text::new(c);
        let words: Vec<&str> = name.tokens.iter().map(|t| t.word.as_str()).collect();
        if words.is_empty() {
            continue;
        }
        let hit = text
            .tokens
            .windows(words.len())
            .position(|w| w.iter().zip(&words).all(|(t, p)| t.word == *p));
        if let Some(i) = hit
            && [
                "quot*", "bid*", "trial*", "price*", "pricing", "tender*", "test*", "demo*",
                "offer*",
            ]
            .iter()
            .any(|w| text.has(w))
        {
            s1 += 0.6;
            e1.push(Evidence {
                source: Source::Text,
                what: format!("the competitor {c} is quoting or trialling (at risk)"),
                quote: text.sentence_at(i),
                weight: 0.6,
            });
        }
    }
    if let Some(a) = account_state {
        if a.health == Health::AtRisk {
            s1 += 1.0;
            e1.push(account(
                "the account is marked at risk".into(),
                a.health_reason
                    .clone()
                    .unwrap_or_else(|| "health: at risk".into()),
                1.0,
            ));
        }
        for i in &a.open_issues {
            let severe = matches!(i.severity, Severity::High | Severity::Critical);
            if severe {
                let w = if i.kind == IssueKind::ServiceFailure || i.severity == Severity::Critical {
                    1.0
                } else {
                    0.6
                };
                s1 += w;
                e1.push(account(
                    format!(
                        "an open {} {} issue",
                        i.severity.as_str(),
                        i.kind.as_str().replace('_', " ")
                    ),
                    i.summary.clone(),
                    w,
                ));
            }
        }
    }
    per_rule.push((Rule::AtRisk, if customer_facing { s1 } else { 0.0 }, e1));

    // Rule 2: a repeat or a broken promise, next to a failure.
    let (rep, rep_e) = score(text, &REPEAT, "trust repair");
    let (prom, prom_e) = score(text, &BROKEN_PROMISE, "trust repair");
    let (fail, fail_e) = score(text, &FAILURE, "trust repair");
    let mut s2 = 0.0;
    let mut e2 = Vec::new();
    let repeat_on_record = account_state.is_some_and(|a| a.open_issues.iter().any(|i| i.repeat));
    if (fail > 0.0 || repeat_on_record) && (rep > 0.0 || prom > 0.0) {
        s2 += rep.min(0.6) + prom.min(0.6) + if fail > 0.0 { 0.4 } else { 0.0 };
        e2.extend(rep_e.into_iter().take(1));
        e2.extend(prom_e.into_iter().take(1));
        e2.extend(fail_e.into_iter().take(1));
    }
    if let Some(i) = account_state.and_then(|a| a.open_issues.iter().find(|i| i.repeat)) {
        let w = if kind == "complaint-response" {
            1.0
        } else {
            0.4
        };
        s2 += w;
        e2.push(account(
            format!(
                "an open {} that has happened before",
                i.kind.as_str().replace('_', " ")
            ),
            i.summary.clone(),
            w,
        ));
    }
    per_rule.push((
        Rule::TrustRepair,
        if customer_facing { s2 } else { 0.0 },
        e2,
    ));

    // Rule 3: only for proposals, quotations and pitches.
    let (mut s3, mut e3) = score(text, &JUDGEMENT, "strategic judgement");
    let (routine, routine_e) = score(text, &ROUTINE_QUOTE, "routine");
    if routine > 0.0 && s3 < 1.7 {
        s3 = 0.0;
        e3 = routine_e;
    }
    // Recall first: a large or contested proposal, or one for a top-tier account, is where the
    // account manager's read usually decides the outcome. Leaving the judgement passages to
    // them costs little when they turn out to be routine.
    if routine == 0.0 {
        if matches!(kind, "proposal" | "quotation-narrative") {
            s3 += 0.4;
            e3.push(Evidence {
                source: Source::Kind,
                what: "a proposal that is not a routine re-quote (strategic judgement)".into(),
                quote: kind.into(),
                weight: 0.4,
            });
        }
        if let Some(amount) = largest_amount(text.raw)
            && amount >= 250_000.0
        {
            s3 += 0.5;
            e3.push(Evidence {
                source: Source::Text,
                what: "a large deal (strategic judgement)".into(),
                quote: format!("about ${amount:.0}"),
                weight: 0.5,
            });
        }
        if let Some(a) = account_state
            && a.top_tier
        {
            s3 += 0.5;
            e3.push(account(
                "a top-tier account".into(),
                format!("tier: {}", a.tier.as_ref().map_or("top", |t| t.as_str())),
                0.5,
            ));
        }
    }
    let applies3 = customer_facing && proposal_context(kind, text);
    per_rule.push((
        Rule::StrategicJudgement,
        if applies3 { s3 } else { 0.0 },
        e3,
    ));

    // Rule 4.
    let (mut s4, mut e4) = score(text, &CREDIBILITY, "personal credibility");
    if kind == "recommendation" {
        s4 += 0.5;
        e4.push(Evidence {
            source: Source::Kind,
            what: "a written recommendation to the customer".into(),
            quote: kind.into(),
            weight: 0.5,
        });
    }
    let (official, official_e) = score(text, &OFFICIAL_DOCUMENT, "official document");
    if official >= 1.0 && s4 < 2.0 {
        s4 = 0.0;
        e4 = official_e;
    }
    per_rule.push((
        Rule::PersonalCredibility,
        if customer_facing { s4 } else { 0.0 },
        e4,
    ));

    Detection { per_rule }
}

#[cfg(test)]
mod tests {
    use super::largest_amount;

    #[test]
    fn amounts_are_read_as_people_write_them() {
        assert_eq!(largest_amount("~1.2M over 3 years"), Some(1_200_000.0));
        assert_eq!(largest_amount("about 400k, 3 bidders"), Some(400_000.0));
        assert_eq!(largest_amount("$1,250,000 total"), Some(1_250_000.0));
        assert_eq!(largest_amount("2 million"), Some(2_000_000.0));
        assert_eq!(
            largest_amount("12 pumps, 45 kW, 10 m cable, 6 months"),
            None
        );
    }
}
