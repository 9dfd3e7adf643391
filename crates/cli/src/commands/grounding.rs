//! `roomwork grounding`: trace a draft's claims to its inputs, and measure how well that works.

use roomwork_drafting::grounding;

use super::{Context, read_file};
use crate::args::{GroundingArgs, GroundingCommand};
use crate::output::{self, say};

pub fn run(ctx: &Context, args: GroundingArgs) -> anyhow::Result<()> {
    match args.command {
        GroundingCommand::Check {
            draft,
            inputs,
            today,
        } => {
            let text = read_file(&draft)?;
            let inputs: Vec<String> = inputs
                .iter()
                .map(|p| read_file(p))
                .collect::<Result<_, _>>()?;
            let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let report = grounding::check(&text, &refs, today);
            if ctx.json {
                return output::json(&report);
            }
            let rows = report.claims.iter().map(|c| {
                vec![
                    format!("{:?}", c.kind).to_lowercase(),
                    c.text.clone(),
                    match &c.source {
                        Some((i, s)) => format!("input {}: {s}", i + 1),
                        None => "NOT TRACED".into(),
                    },
                ]
            });
            say!(
                "{}",
                output::table(&["claim", "in the draft", "traced to"], rows)
            );
            let n = report.untraced().count();
            say!(
                "{n} of {} claims could not be traced to an input; check them before approving.",
                report.claims.len()
            );
            Ok(())
        }
        GroundingCommand::Eval { file, today } => {
            let items: Vec<grounding::Labelled> = super::read_jsonl(&file)?;
            let report = grounding::evaluate(&items, today, chrono::Utc::now().date_naive());
            if ctx.json {
                return output::json(&report);
            }
            say!(
                "{}: {} drafts, {} planted unsupported claims",
                file.display(),
                report.drafts,
                report.planted
            );
            say!(
                "caught {} of {} planted (recall {:.3}); {} flags, {} on supported text (precision {:.3})",
                report.caught,
                report.planted,
                report.recall,
                report.flags,
                report.false_flags,
                report.precision
            );
            for (id, t) in &report.missed {
                say!("missed {id}: {t}");
            }
            for (id, t) in report.false_flagged.iter().take(40) {
                say!("false flag {id}: {t}");
            }
            Ok(())
        }
    }
}
