//! `roomwork review`: AI as sparring partner on text the account manager wrote.

use roomwork_domain::Tier;
use roomwork_drafting::review;
use roomwork_policy::Category;
use roomwork_store::AuditEntry;

use super::policy::{find_account, load_matrix};
use super::{Context, read_file, sha256};
use crate::args::ReviewArgs;
use crate::exit::{InvalidInput, Refused};
use crate::output::{self, say};

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

    // Human-only tasks get no AI at all, not even a review.
    if let Some(kind) = &args.kind {
        let matrix = load_matrix(ctx)?;
        let entry = matrix.get(kind).ok_or_else(|| {
            InvalidInput(format!(
                "unknown task {kind:?}: see `roomwork policy matrix` for the tasks"
            ))
        })?;
        if entry.category == Category::HumanOnly {
            return Err(Refused(format!(
                "{kind} is human only in the responsibility matrix: no AI assistance, not even a review"
            ))
            .into());
        }
    }

    let foundation = ctx.foundation()?;
    let communication = foundation.communication.clone().unwrap_or_default();
    let (review, subject) = ctx
        .with_store(async |store| {
            let (tier, subject) = match (&args.account, &args.tier) {
                (Some(key), _) => {
                    let a = find_account(store, key).await?;
                    (a.tier.clone(), a.name)
                }
                (None, Some(t)) => (
                    Some(Tier::parse(t).map_err(|e| InvalidInput(format!("--tier: {e}")))?),
                    String::new(),
                ),
                (None, None) => (None, String::new()),
            };
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
                        "kind": args.kind,
                        "tier": review.tier,
                        "text_sha256": sha256(&text),
                        "notes_sha256": notes.iter().map(|n| sha256(n)).collect::<Vec<_>>(),
                        "suggestions": review.suggestions.len(),
                    }),
                ))
                .await?;
            Ok((review, subject))
        })
        .await?;

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
