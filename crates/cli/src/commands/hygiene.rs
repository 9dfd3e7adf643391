//! `roomwork hygiene`

use roomwork_domain::{Clock, StageCatalog, SystemClock};
use roomwork_ingest::hygiene::{DealList, HygieneReport, hygiene};

use super::Context;
use crate::output;
use crate::output::say;

/// Builds the report from the store.
pub async fn report(
    store: &dyn roomwork_store::Store,
    catalog: &StageCatalog,
) -> anyhow::Result<HygieneReport> {
    let accounts = store.accounts().await?;
    let contacts = store.contacts().await?;
    let leads = store.leads().await?;
    let opportunities = store.opportunities(false).await?;
    Ok(hygiene(
        &accounts,
        &contacts,
        &leads,
        &opportunities,
        catalog,
        SystemClock.today(),
    ))
}

pub async fn run(ctx: &Context) -> anyhow::Result<()> {
    ctx.with_store(async |store| run_with(ctx, store).await)
        .await
}

async fn run_with(ctx: &Context, store: &dyn roomwork_store::Store) -> anyhow::Result<()> {
    let r = report(store, &ctx.foundation()?.stage_catalog()).await?;
    if ctx.json {
        return output::json(&r);
    }
    print(&r, 10);
    Ok(())
}

/// Prints the report, with up to `examples` rows per list.
pub fn print(r: &HygieneReport, examples: usize) {
    say!("Field completion");
    let rows = r.completion.iter().map(|c| {
        vec![
            c.object.to_string(),
            c.field.to_string(),
            format!("{}/{}", c.filled, c.total),
            // No records: nothing to complete, not "100%".
            if c.total == 0 {
                "-".to_string()
            } else {
                output::percent(c.rate)
            },
        ]
    });
    say!(
        "{}",
        output::table(&["object", "field", "filled", "rate"], rows)
    );
    for (title, groups) in [
        ("Probable duplicate accounts", &r.duplicate_accounts),
        ("Probable duplicate contacts", &r.duplicate_contacts),
    ] {
        say!("\n{title}: {}", groups.len());
        if !groups.is_empty() {
            let rows = groups
                .iter()
                .take(examples)
                .map(|g| vec![g.names.join(" | "), g.reason.clone()]);
            say!("{}", output::table(&["records", "why"], rows));
        }
    }
    let list = |title: &str, l: &DealList| {
        say!("\n{title}: {}", l.count);
        if l.count > 0 {
            let rows = l.examples.iter().take(examples).map(|d| {
                vec![
                    d.name.clone(),
                    d.stage.clone(),
                    d.close_date
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "-".into()),
                ]
            });
            say!("{}", output::table(&["deal", "stage", "close date"], rows));
        }
    };
    list("Open deals without a close date", &r.missing_close_date);
    list("Open deals whose close date has passed", &r.past_close_date);
    list("Open deals without a next step", &r.no_next_step);
    if !r.unknown_stages.is_empty() {
        say!("\nStages not in the canonical list");
        say!(
            "{}",
            output::table(
                &["stage", "deals"],
                r.unknown_stages
                    .iter()
                    .map(|(s, n)| vec![s.clone(), n.to_string()])
            )
        );
    }
}
