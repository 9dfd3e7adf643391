//! `roomwork status` and `roomwork stages`

use serde::Serialize;

use super::Context;
use crate::output;
use crate::output::say;

#[derive(Serialize)]
struct Status {
    data_dir: String,
    database: String,
    backend: roomwork_store::Backend,
    counts: roomwork_store::Counts,
}

pub async fn run(ctx: &Context) -> anyhow::Result<()> {
    ctx.with_store(async |store| run_with(ctx, store).await)
        .await
}

async fn run_with(ctx: &Context, store: &dyn roomwork_store::Store) -> anyhow::Result<()> {
    let s = Status {
        data_dir: ctx.data_dir.display().to_string(),
        database: roomwork_store::redact_url(&ctx.url),
        backend: store.backend(),
        counts: store.counts().await?,
    };
    if ctx.json {
        return output::json(&s);
    }
    say!(
        "data directory: {}\ndatabase: {} ({:?})",
        s.data_dir,
        s.database,
        s.backend
    );
    say!("{}", counts_table(&s.counts));
    Ok(())
}

/// Record counts as a table.
pub fn counts_table(c: &roomwork_store::Counts) -> comfy_table::Table {
    let rows = [
        ("reps", c.reps),
        ("accounts", c.accounts),
        ("contacts", c.contacts),
        ("leads", c.leads),
        ("opportunities", c.opportunities),
        ("stage changes", c.stage_changes),
        ("activities", c.activities),
        ("orders", c.orders),
        ("customer issues", c.issues),
        ("transcripts", c.transcripts),
        ("portfolio projects", c.projects),
    ];
    output::table(
        &["records", "count"],
        rows.iter().map(|(k, n)| vec![k.to_string(), n.to_string()]),
    )
}

pub fn stages(ctx: &Context) -> anyhow::Result<()> {
    let foundation = ctx.foundation()?;
    let catalog = foundation.stage_catalog();
    if ctx.json {
        return output::json(&catalog);
    }
    if foundation.stages_from_foundation() {
        say!("Stages from the Foundation (foundation/pipeline.toml):");
    } else {
        say!(
            "The built-in default stages (no foundation/pipeline.toml; `roomwork foundation init` writes one):"
        );
    }
    let rows = catalog.stages().iter().enumerate().map(|(i, s)| {
        vec![
            (i + 1).to_string(),
            s.name.clone(),
            format!("{:?}", s.outcome).to_lowercase(),
            s.expected_days.to_string(),
            s.aliases.join(", "),
        ]
    });
    say!(
        "{}",
        output::table(
            &["#", "stage", "outcome", "expected days", "also accepted"],
            rows
        )
    );
    Ok(())
}
