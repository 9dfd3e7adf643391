//! From a field path to a line, and from a parser span to a field path.
//!
//! Errors must name the file, the line and the field. Serde errors from `toml` carry a byte
//! span but no path; the checks in `validate` know the path (`tier[2].tone`) but not the span.
//! Both are answered here from one span-preserving parse of the same text.

use toml::de::{DeTable, DeValue};

/// A step in a field path: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `.key`
    Key(String),
    /// `[i]`
    Index(usize),
}

/// Renders a path as `tier[2].tone`.
pub fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Parses `tier[2].tone` into steps.
pub fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                steps.push(Step::Index(i));
            }
        }
    }
    steps
}

/// 1-based line and column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |i| offset - i - 1) + 1;
    (line, col)
}

/// The byte offset that best locates `path`: the key itself when it exists, otherwise the
/// deepest ancestor that does (so a missing field points at its table).
pub fn offset_of(src: &str, path: &[Step]) -> usize {
    let Ok(doc) = DeTable::parse(src) else {
        return 0;
    };
    let mut best = 0;
    let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    for step in path {
        match step {
            Step::Key(k) => {
                let Some(t) = table.or(match value {
                    Some(DeValue::Table(t)) => Some(t),
                    _ => None,
                }) else {
                    break;
                };
                let Some((key, v)) = t.iter().find(|(key, _)| key.get_ref().as_ref() == k) else {
                    break;
                };
                best = key.span().start;
                value = Some(v.get_ref());
                table = None;
            }
            Step::Index(i) => {
                let Some(DeValue::Array(a)) = value else {
                    break;
                };
                let Some(item) = a.get(*i) else {
                    break;
                };
                best = item.span().start;
                value = Some(item.get_ref());
                table = None;
            }
        }
    }
    best
}

/// The field path of the innermost key or array element whose value contains `offset`.
pub fn path_at(src: &str, offset: usize) -> Vec<Step> {
    let Ok(doc) = DeTable::parse(src) else {
        return Vec::new();
    };
    let mut path = Vec::new();
    if !walk_table(doc.get_ref(), offset, &mut path) {
        path.clear();
    }
    path
}

// Container spans are not reliable for arrays of tables (an element is spanned by its
// `[[header]]` only), so the search descends into every container and keeps the path of the
// first key or value whose own span holds the offset.
fn walk_table(t: &DeTable<'_>, offset: usize, path: &mut Vec<Step>) -> bool {
    for (key, value) in t.iter() {
        path.push(Step::Key(key.get_ref().to_string()));
        if walk_value(value.get_ref(), offset, path) {
            return true;
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return true;
        }
        path.pop();
    }
    false
}

fn walk_value(v: &DeValue<'_>, offset: usize, path: &mut Vec<Step>) -> bool {
    match v {
        DeValue::Table(t) => walk_table(t, offset, path),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                path.push(Step::Index(i));
                if walk_value(item.get_ref(), offset, path) || item.span().contains(&offset) {
                    return true;
                }
                path.pop();
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "default_tier = \"standard\"\n\n[[tier]]\nslug = \"a\"\nname = \"A\"\n\n[[tier]]\nslug = \"b\"\nname = \"B\"\n";

    #[test]
    fn a_path_finds_its_key_line() {
        let off = offset_of(SRC, &parse_path("tier[1].name"));
        assert_eq!(line_col(SRC, off).0, 9);
        let off = offset_of(SRC, &parse_path("default_tier"));
        assert_eq!(line_col(SRC, off), (1, 1));
    }

    #[test]
    fn a_missing_key_points_at_its_table() {
        let off = offset_of(SRC, &parse_path("tier[1].tone"));
        let line = line_col(SRC, off).0;
        assert!((7..=9).contains(&line), "line {line}");
    }

    #[test]
    fn an_offset_names_its_field() {
        let off = SRC.find("\"B\"").unwrap();
        assert_eq!(render(&path_at(SRC, off)), "tier[1].name");
    }

    #[test]
    fn paths_round_trip() {
        assert_eq!(
            render(&parse_path("tier[2].section[0].title")),
            "tier[2].section[0].title"
        );
    }
}
