//! Parsers at the boundary: CRM exports in, domain records out.
//!
//! A file goes through four steps, each its own module: bytes are decoded ([`decode`]), the CSV
//! is read with its footer dropped ([`read`]), the export is recognised from its header
//! ([`profiles`]: Salesforce reports and data-loader exports, HubSpot exports, or a mapping
//! file), and rows become typed records ([`parse`]). Nothing is written here: [`resolve::plan`]
//! matches the records against what is stored and returns the [`Batch`](roomwork_domain::Batch)
//! to write, which the caller saves in one transaction. A file with any bad cell is refused
//! whole, with every problem's line and column.
//!
//! ```
//! use roomwork_ingest::{parse_file, profiles::RecordKind};
//! let csv = "Opportunity Name,Account Name,Stage,Amount,Close Date\nPump retrofit,Meridian Foods,closed-won,\"$1,932.00\",1/8/2026\n";
//! let parsed = parse_file("deals.csv", csv.as_bytes(), None, roomwork_domain::Currency::USD, &mut |_| {}).unwrap();
//! assert_eq!(parsed.profile.kind, RecordKind::Opportunities);
//! assert_eq!(parsed.profile.label, "Salesforce opportunity report");
//! ```
#![warn(missing_docs)]

pub mod decode;
pub mod hygiene;
pub mod parse;
pub mod profiles;
pub mod read;
pub mod resolve;
pub mod stages;
pub mod transcript;
pub mod values;

use std::fmt;

use roomwork_domain::Currency;
use serde::Serialize;

use profiles::{ColumnMap, Profile};

/// At most this many problems are collected per file.
pub const MAX_PROBLEMS: usize = 200;

/// One bad cell or row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// File.
    pub file: String,
    /// Line (1 is the header).
    pub line: u64,
    /// Column number and header, e.g. `4 ("Amount")`; empty for a whole-row problem.
    pub column: String,
    /// The roomwork field.
    pub field: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}", self.file, self.line)?;
        if !self.column.is_empty() {
            write!(f, ", column {}", self.column)?;
        }
        // A whole-row problem (a row of the wrong shape) has no field of its own.
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Why a file could not be imported. Nothing of the file is stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File.
        file: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not valid CSV, or its shape is wrong.
    #[error("{file}: line {line}{}: {reason}", if column.is_empty() { String::new() } else { format!(", column {column}") })]
    Malformed {
        /// File.
        file: String,
        /// Line.
        line: u64,
        /// Column, when known.
        column: String,
        /// Why.
        reason: String,
    },
    /// Cells that do not parse; every problem is listed.
    #[error("{file}: {} problem(s) in {rows} rows; nothing from this file was imported:\n{}", problems.len(), list_problems(problems))]
    Invalid {
        /// File.
        file: String,
        /// Data rows in the file.
        rows: usize,
        /// The problems, in file order.
        problems: Vec<Problem>,
    },
    /// No built-in export layout matches the header.
    #[error("{file}: the header matches no known export ({}). Pass --mapping FILE.toml to say which column is which", headers.join(", "))]
    Unrecognised {
        /// File.
        file: String,
        /// Its header.
        headers: Vec<String>,
    },
    /// A mapping file is wrong.
    #[error("{file}: line {line}: {}{reason}", if field.is_empty() { String::new() } else { format!("field {field:?}: ") })]
    Mapping {
        /// Mapping file.
        file: String,
        /// Line.
        line: usize,
        /// Field.
        field: String,
        /// Why.
        reason: String,
    },
}

fn list_problems(problems: &[Problem]) -> String {
    let shown: Vec<String> = problems.iter().take(20).map(|p| format!("  {p}")).collect();
    let more = problems.len().saturating_sub(20);
    if more > 0 {
        format!("{}\n  ... and {more} more", shown.join("\n"))
    } else {
        shown.join("\n")
    }
}

/// A file read, recognised and parsed, ready to be planned against the store.
#[derive(Debug)]
pub struct ParsedFile {
    /// Path as given.
    pub file: String,
    /// The layout it was read with.
    pub profile: Profile,
    /// Which columns were used.
    pub columns: ColumnMap,
    /// Typed rows.
    pub records: parse::Records,
    /// Encoding it was read as.
    pub encoding: &'static str,
    /// Report footer lines dropped.
    pub footer_lines: usize,
    /// Values kept with a default (unknown picklist values), worth a look.
    pub warnings: Vec<String>,
}

impl ParsedFile {
    /// Fields the file has a column for.
    pub fn present(&self) -> resolve::Present {
        self.columns.fields.keys().copied().collect()
    }
}

/// Reads, recognises and parses one file. `mapping` overrides detection.
pub fn parse_file(
    file: &str,
    bytes: &[u8],
    mapping: Option<&Profile>,
    default_currency: Currency,
    progress: &mut dyn FnMut(u64),
) -> Result<ParsedFile, IngestError> {
    parse_file_with(file, bytes, mapping, default_currency, None, progress)
}

/// [`parse_file`] with the date order fixed by the caller instead of detected.
pub fn parse_file_with(
    file: &str,
    bytes: &[u8],
    mapping: Option<&Profile>,
    default_currency: Currency,
    date_order: Option<values::DateOrder>,
    progress: &mut dyn FnMut(u64),
) -> Result<ParsedFile, IngestError> {
    let table = read::read_table(file, bytes, progress)?;
    let mut profile = match mapping {
        Some(p) => p.clone(),
        None => profiles::detect(&table.headers, default_currency).ok_or_else(|| {
            IngestError::Unrecognised {
                file: file.to_string(),
                headers: table.headers.clone(),
            }
        })?,
    };
    if date_order.is_some() {
        profile.fixed_date_order = date_order;
    }
    let columns = ColumnMap::build(&profile, &table.headers, file)?;
    let (records, warnings) = parse::parse_records(file, &table, &profile, &columns)?;
    Ok(ParsedFile {
        file: file.to_string(),
        profile,
        columns,
        records,
        encoding: table.encoding,
        footer_lines: table.footer_lines,
        warnings,
    })
}
