//! Tables for people, JSON for scripts.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

/// `println!` that survives a closed pipe; see [`write_line`].
macro_rules! say {
    () => {
        $crate::output::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::write_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// A table with a header row.
pub fn table<I, R>(header: &[&str], rows: I) -> Table
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    for r in rows {
        t.add_row(r.into_iter().collect::<Vec<_>>());
    }
    t
}

/// Prints `value` as pretty JSON on standard output.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    say!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A progress bar on standard error; hidden when standard error is not a terminal.
pub fn bar(len: u64, what: &str, bytes: bool) -> indicatif::ProgressBar {
    let template = if bytes {
        "{msg:>12} [{bar:40}] {bytes}/{total_bytes} ({eta})"
    } else {
        "{msg:>12} [{bar:40}] {human_pos}/{human_len} ({eta})"
    };
    let pb = indicatif::ProgressBar::new(len);
    pb.set_style(
        indicatif::ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

/// A spinner on standard error saying `{what}: {msg}`; hidden when `quiet` (JSON output).
pub fn spinner(what: &str, quiet: bool) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template(&format!("{{spinner}} {what}: {{msg}}"))
            .expect("valid template"),
    );
    if quiet {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    pb
}

/// A reliability table: predicted against observed, by band; `items` names what was scored
/// ("leads", "deals") and `outcome` what happened ("converted", "won").
pub fn reliability_table(
    bins: &[roomwork_scoring::metrics::ReliabilityBin],
    items: &str,
    outcome: &str,
) -> Table {
    table(
        &["predicted", items, "mean predicted", outcome],
        bins.iter().map(|b| {
            vec![
                format!("{:.0}-{:.0}%", b.from * 100.0, b.to * 100.0),
                b.count.to_string(),
                percent(b.predicted),
                percent(b.observed),
            ]
        }),
    )
}

/// "87.5%".
pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes one line to standard output. Once the reader has gone (`roomwork hygiene | head`),
/// output stops quietly and the command still ends with its real exit code; any other write
/// error is reported.
pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = writeln!(std::io::stdout().lock(), "{args}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            return;
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}
