//! The one error type of value parsing.

use std::fmt;

/// Why a raw value could not become a domain value. It names the kind of value and quotes the
/// input so that the caller can add the file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What was being parsed, e.g. "money" or "email".
    pub what: &'static str,
    /// The raw input (truncated to 80 characters).
    pub input: String,
    /// Why it was refused.
    pub reason: String,
}

impl ParseError {
    /// Builds an error for `what`, quoting `input`.
    pub fn new(what: &'static str, input: &str, reason: impl Into<String>) -> Self {
        let input: String = input.chars().take(80).collect();
        Self {
            what,
            input,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} {:?}: {}", self.what, self.input, self.reason)
    }
}

impl std::error::Error for ParseError {}
