//! `roomwork audit`: verify and read the hash-chained audit trail.

use super::Context;
use crate::args::{AuditArgs, AuditCommand};
use crate::exit::InvalidInput;
use crate::output::{self, say};

pub async fn run(ctx: &Context, args: AuditArgs) -> anyhow::Result<()> {
    let records = ctx
        .with_store(async |store| Ok(store.audit_records().await?))
        .await?;
    match args.command {
        AuditCommand::Verify => {
            let v = roomwork_store::audit::verify(&records);
            if ctx.json {
                output::json(&v)?;
            } else {
                say!("{} audit records read.", v.records);
                match &v.head {
                    Some((seq, hash)) => say!("Head: record {seq}, hash {hash}"),
                    None => say!("The audit trail is empty."),
                }
                for p in &v.problems {
                    say!("TAMPERED: {p}");
                }
                if v.problems.is_empty() && v.records > 0 {
                    say!(
                        "The chain is intact. (Write the head down: a later run that shows an earlier head means records were removed from the end.)"
                    );
                }
            }
            if v.problems.is_empty() {
                Ok(())
            } else {
                Err(InvalidInput(format!(
                    "the audit trail has been tampered with ({} problem(s))",
                    v.problems.len()
                ))
                .into())
            }
        }
        AuditCommand::Log { limit } => {
            let start = records.len().saturating_sub(limit);
            let shown = &records[start..];
            if ctx.json {
                return output::json(&shown);
            }
            let rows = shown.iter().map(|r| {
                vec![
                    r.seq.to_string(),
                    r.time()
                        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                        .unwrap_or_default(),
                    r.actor.clone(),
                    r.action.clone(),
                    r.subject.clone(),
                    r.hash.chars().take(12).collect::<String>(),
                ]
            });
            say!(
                "{}",
                output::table(&["#", "at (UTC)", "who", "action", "about", "hash"], rows)
            );
            Ok(())
        }
    }
}
