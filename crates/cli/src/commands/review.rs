//! `roomwork review`: AI as sparring partner on text the account manager wrote.

use roomwork_domain::Tier;
use roomwork_drafting::review;
use roomwork_policy::{Outcome, Request, decide};
use roomwork_store::AuditEntry;

use super::policy::{account_state, find_account, load_matrix};
use super::{Context, read_file, sha256};
use crate::args::ReviewArgs;
use crate::exit::{InvalidInput, Refused};
use crate::output::{self, say};

/// The task a review is read as when `--kind` is not given: a letter to a customer.
const DEFAULT_KIND: &str = "account-update";

pub async fn run(ctx: &Context, args: ReviewArgs) -> anyhow::Result<()> {
    let text = read_file(&args.text)?;
    if text.trim().is_empty() {
        return Err(InvalidInput(format!("{} is empty", args.text.display())).into());
    }
    let notes: Vec<String> = args
        .notes
        .iter()
        .map(|p| read_file(p))
        .collect::<Result<_, _>>()?;
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());

    // The policy runs on every review, with or without --kind: a human-only task, or text
    // the protection rules keep person-authored without AI assistance (rule 2), gets no AI
    // at all, not even a review, and the verdict is on the record either way.
    let kind = args.kind.as_deref().unwrap_or(DEFAULT_KIND);
    let matrix = load_matrix(ctx)?;
    if matrix.get(kind).is_none() {
        return Err(InvalidInput(format!(
            "unknown task {kind:?}: see `roomwork policy matrix` for the tasks"
        ))
        .into());
    }
    let foundation = ctx.foundation()?;
    let communication = foundation.communication.clone().unwrap_or_default();
    let competitors = foundation.competitors().to_vec();
    let outcome = ctx
        .with_store(async |store| {
            let (tier, subject, state) = match (&args.account, &args.tier) {
                (Some(key), _) => {
                    let a = find_account(store, key).await?;
                    let state = account_state(store, &a, &foundation).await?;
                    (a.tier.clone(), a.name, Some(state))
                }
                (None, Some(t)) => (
                    Some(Tier::parse(t).map_err(|e| InvalidInput(format!("--tier: {e}")))?),
                    String::new(),
                    None,
                ),
                (None, None) => (None, String::new(), None),
            };
            let policy_text = std::iter::once(text.as_str())
                .chain(notes.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join("\n\n");
            let mut request = Request::new(kind, &policy_text);
            if let Some(s) = &state {
                request = request.for_account(s);
            }
            let mut verdict = decide(&matrix, &request, &competitors)
                .map_err(|e| InvalidInput(e.to_string()))?;
            // The protection rules read the text as a letter to a customer too, whatever
            // --kind says: "--kind negotiation-plan" is no way around rule 2.
            if kind != DEFAULT_KIND {
                let mut as_letter = Request::new(DEFAULT_KIND, &policy_text);
                if let Some(s) = &state {
                    as_letter = as_letter.for_account(s);
                }
                let letter = decide(&matrix, &as_letter, &competitors)
                    .map_err(|e| InvalidInput(e.to_string()))?;
                if letter.outcome == Outcome::HumanOnly {
                    verdict = letter;
                }
            }
            if verdict.outcome == Outcome::HumanOnly {
                store
                    .audit_append(&AuditEntry::new(
                        &args.by,
                        "review.refused",
                        subject,
                        serde_json::json!({
                            "kind": kind,
                            "verdict": super::audited_verdict(&verdict),
                            "text_sha256": sha256(&text),
                        }),
                    ))
                    .await?;
                return Ok(Err(verdict));
            }
            let style = match &tier {
                Some(t) => Some(foundation.style_for(t).ok_or_else(|| {
                    InvalidInput(format!(
                        "communication.toml has no [[tier]] for {}: add one, or review without a tier",
                        t.as_str()
                    ))
                })?),
                None => None,
            };
            let refs: Vec<&str> = notes.iter().map(String::as_str).collect();
            let review = review::review(&text, &communication.general, style, &refs, today);
            store
                .audit_append(&AuditEntry::new(
                    &args.by,
                    "review.done",
                    subject.clone(),
                    serde_json::json!({
                        "engine": "built-in",
                        "kind": kind,
                        "kind_given": args.kind.is_some(),
                        "verdict": super::audited_verdict(&verdict),
                        "tier": review.tier,
                        "text_sha256": sha256(&text),
                        "notes_sha256": notes.iter().map(|n| sha256(n)).collect::<Vec<_>>(),
                        "suggestions": review.suggestions.len(),
                    }),
                ))
                .await?;
            Ok(Ok((review, subject, verdict)))
        })
        .await?;
    let (review, subject, verdict) = match outcome {
        Ok(done) => done,
        Err(verdict) => {
            if ctx.json {
                output::json(&verdict)?;
            }
            return Err(Refused(format!(
                "no AI assistance here, not even a review (the refusal is in the audit trail): {}",
                super::inbox::explain(&verdict)
            ))
            .into());
        }
    };

    if ctx.json {
        return output::json(&review);
    }
    let about = match (&review.tier, subject.is_empty()) {
        (Some(t), false) => format!(" for {subject} ({t} tier)"),
        (Some(t), true) => format!(" ({t} tier)"),
        (None, _) => String::new(),
    };
    say!(
        "Review of {}{about}: {} words, {} sentences.",
        args.text.display(),
        review.words,
        review.sentences
    );
    for f in &verdict.findings {
        say!(
            "{}: the text stays yours to write; this review is what AI may do here.",
            f.title
        );
    }
    if review.suggestions.is_empty() {
        say!("Nothing to suggest: it follows the standards and every fact traces to your notes.");
        return Ok(());
    }
    let line_of = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    let rows = review.suggestions.iter().map(|s| {
        vec![
            line_of(s.start).to_string(),
            format!("{:?}", s.concern),
            s.quote.chars().take(60).collect(),
            s.advice.clone(),
            s.basis.clone(),
        ]
    });
    say!(
        "{}",
        output::table(
            &["line", "concern", "your words", "suggestion", "why"],
            rows
        )
    );
    say!(
        "{} suggestion(s). The text stays yours: change what you agree with.",
        review.suggestions.len()
    );
    Ok(())
}
