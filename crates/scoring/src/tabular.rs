//! Any CSV with a label column, read into a feature table: the delimiter found from the header
//! (comma, semicolon, tab or bar), a UTF-8 byte-order mark dropped, every column typed as
//! numeric when all its filled cells are numbers and categorical otherwise, empty cells and
//! "NA"/"null" as missing. The label accepts yes/no, true/false, 1/0, won/lost, converted.
//! Errors name the file, the line and the column.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};

use crate::table::{Column, Table};

/// Why a labelled CSV could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The file could not be opened or read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A row is not valid CSV, or a cell is unusable.
    #[error("{file}, line {line}, column `{column}`: {reason}")]
    Cell {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// The column's header.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// A named column is not in the header.
    #[error("{file}, line 1: no column `{column}` (the header has: {header})")]
    NoColumn {
        /// The file.
        file: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns there are.
        header: String,
    },
    /// Nothing to learn from.
    #[error("{file}: {reason}")]
    Unusable {
        /// The file.
        file: PathBuf,
        /// Why.
        reason: String,
    },
}

/// What to read from the file.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// The label column.
    pub target: String,
    /// Columns to leave out (identifiers, anything known only after the outcome).
    pub exclude: Vec<String>,
    /// A date or time column giving the order for a chronological split.
    pub time_column: Option<String>,
}

/// A labelled table.
#[derive(Clone, Debug)]
pub struct Labelled {
    /// The features.
    pub table: Table,
    /// The outcomes.
    pub labels: Vec<bool>,
    /// Unix seconds per row, from the time column; file order otherwise.
    pub times: Option<Vec<i64>>,
}

/// Reads a labelled CSV. `expect` fixes the feature columns (and their kinds) to match a
/// model or a training file, for a test file.
pub fn read(path: &Path, spec: &Spec, expect: Option<&Table>) -> Result<Labelled, CsvError> {
    let bytes = std::fs::read(path).map_err(|source| CsvError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&d| first.bytes().filter(|&b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let file = path.to_path_buf();
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| CsvError::Cell {
            file: file.clone(),
            line: 1,
            column: String::new(),
            reason: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| CsvError::NoColumn {
                file: file.clone(),
                column: name.to_string(),
                header: header.join(", "),
            })
    };
    let target = find(&spec.target)?;
    let time = spec.time_column.as_deref().map(find).transpose()?;
    let mut excluded = vec![false; header.len()];
    for e in &spec.exclude {
        excluded[find(e)?] = true;
    }
    excluded[target] = true;
    if let Some(t) = time {
        excluded[t] = true;
    }
    let features: Vec<usize> = match expect {
        Some(t) => t.names.iter().map(|n| find(n)).collect::<Result<_, _>>()?,
        None => (0..header.len()).filter(|&i| !excluded[i]).collect(),
    };
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); features.len()];
    let mut labels = Vec::new();
    let mut lines = Vec::new();
    let mut times = time.map(|_| Vec::new());
    for record in reader.records() {
        let record = record.map_err(|e| CsvError::Cell {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line()),
            column: String::new(),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        lines.push(line);
        let cell_error = |col: usize, reason: String| CsvError::Cell {
            file: file.clone(),
            line,
            column: header[col].clone(),
            reason,
        };
        let raw = record.get(target).unwrap_or("").trim();
        labels.push(label(raw).ok_or_else(|| {
            cell_error(
                target,
                format!("`{raw}` is not an outcome (use yes/no, true/false, 1/0, won/lost)"),
            )
        })?);
        if let (Some(t), Some(times)) = (time, times.as_mut()) {
            let raw = record.get(t).unwrap_or("").trim();
            times.push(instant(raw).ok_or_else(|| {
                cell_error(
                    t,
                    format!("`{raw}` is not a date (use 2024-05-31, 5/31/2024 or a date-time)"),
                )
            })?);
        }
        for (k, &c) in features.iter().enumerate() {
            let v = record.get(c).unwrap_or("").trim();
            cells[k].push(match v {
                "" | "NA" | "N/A" | "na" | "null" | "NULL" | "NaN" | "?" => None,
                _ => Some(v.to_string()),
            });
        }
    }
    if features.is_empty() {
        return Err(CsvError::Unusable {
            file,
            reason: "no feature columns left after the label, the time column and --exclude".into(),
        });
    }
    if labels.is_empty() {
        return Err(CsvError::Unusable {
            file,
            reason: "no rows after the header".into(),
        });
    }
    let columns = cells
        .into_iter()
        .enumerate()
        .map(|(k, v)| {
            let numeric = match expect {
                Some(t) => matches!(t.columns[k], Column::Numeric(_)),
                None => v.iter().flatten().all(|s| s.parse::<f64>().is_ok()),
            };
            if numeric {
                let mut out = Vec::with_capacity(v.len());
                for (i, s) in v.iter().enumerate() {
                    out.push(match s {
                        None => f64::NAN,
                        Some(s) => s.parse().map_err(|_| CsvError::Cell {
                            file: file.clone(),
                            line: lines[i],
                            column: header[features[k]].clone(),
                            reason: format!("`{s}` is not a number, and this column is numeric in the training data"),
                        })?,
                    });
                }
                Ok(Column::Numeric(out))
            } else {
                Ok(Column::categorical(v))
            }
        })
        .collect::<Result<Vec<_>, CsvError>>()?;
    Ok(Labelled {
        table: Table {
            names: features.iter().map(|&i| header[i].clone()).collect(),
            columns,
        },
        labels,
        times,
    })
}

/// An outcome as CRMs and datasets write it.
pub fn label(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" | "won" | "converted" | "closed won" => Some(true),
        "no" | "n" | "false" | "f" | "0" | "lost" | "not converted" | "closed lost" => Some(false),
        _ => None,
    }
}

/// A date, date-time or number (seconds) as an ordering instant.
fn instant(raw: &str) -> Option<i64> {
    if let Ok(n) = raw.parse::<i64>() {
        return Some(n);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(t.timestamp());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %I:%M %p",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, f) {
            return Some(t.and_utc().timestamp());
        }
    }
    for f in ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(raw, f) {
            return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn a_semicolon_file_with_a_bom_is_typed_per_column() {
        let f = write(
            "\u{feff}age;job;duration;signed;y\n30;admin.;100;2024-01-02;no\n41;;200;2024-01-01;yes\n",
        );
        let spec = Spec {
            target: "y".into(),
            exclude: vec!["duration".into()],
            time_column: Some("signed".into()),
        };
        let l = read(f.path(), &spec, None).unwrap();
        assert_eq!(l.table.names, vec!["age", "job"]);
        assert_eq!(l.labels, vec![false, true]);
        assert!(matches!(&l.table.columns[0], Column::Numeric(v) if v == &vec![30.0, 41.0]));
        assert!(matches!(&l.table.columns[1], Column::Categorical(v) if v.get(1).is_none()));
        let t = l.times.unwrap();
        assert!(t[0] > t[1]);
    }

    #[test]
    fn a_bad_label_names_the_file_line_and_column() {
        let f = write("a,y\n1,yes\n2,maybe\n");
        let spec = Spec {
            target: "y".into(),
            ..Spec::default()
        };
        let e = read(f.path(), &spec, None).unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("column `y`") && e.contains("maybe"),
            "{e}"
        );
        let e = read(
            f.path(),
            &Spec {
                target: "outcome".into(),
                ..Spec::default()
            },
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("no column `outcome`") && e.contains("a, y"),
            "{e}"
        );
    }

    #[test]
    fn a_file_with_nothing_left_to_learn_from_is_refused_in_words() {
        let f = write("a,y\n1,yes\n2,no\n");
        let spec = Spec {
            target: "y".into(),
            exclude: vec!["a".into()],
            ..Spec::default()
        };
        let e = read(f.path(), &spec, None).unwrap_err().to_string();
        assert!(e.contains("no feature columns"), "{e}");
    }

    #[test]
    fn a_test_file_is_read_with_the_training_columns_and_kinds() {
        let train = write("n,c,y\n1,x,1\n2,y,0\n");
        let spec = Spec {
            target: "y".into(),
            ..Spec::default()
        };
        let t = read(train.path(), &spec, None).unwrap();
        let test = write("c,n,extra,y\nz,3,9,0\n");
        let l = read(test.path(), &spec, Some(&t.table)).unwrap();
        assert_eq!(l.table.names, vec!["n", "c"]);
        let bad = write("c,n,y\nz,three,0\n");
        let e = read(bad.path(), &spec, Some(&t.table))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2") && e.contains("`n`") && e.contains("three"),
            "{e}"
        );
    }
}
