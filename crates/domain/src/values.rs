//! Small value types parsed at the boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::ParseError;

/// A syntactically plausible e-mail address, stored lower-cased.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces; lower-cases it.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let err = |r: &str| ParseError::new("email", input, r);
        let (local, domain) = s.split_once('@').ok_or_else(|| err("missing '@'"))?;
        if local.is_empty() || domain.is_empty() {
            return Err(err("empty local part or domain"));
        }
        if s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';') || domain.contains('@') {
            return Err(err("contains spaces, separators or a second '@'"));
        }
        if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
            return Err(err("domain has no dot-separated top-level part"));
        }
        Ok(Email(s.to_lowercase()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after '@'.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

impl TryFrom<String> for Email {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

/// A probability in `[0, 1]`.
#[derive(Clone, Copy, PartialEq, PartialOrd, Debug, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Probability(f64);

impl Probability {
    /// Accepts finite values in `[0, 1]`.
    pub fn new(p: f64) -> Result<Self, ParseError> {
        if p.is_finite() && (0.0..=1.0).contains(&p) {
            Ok(Probability(p))
        } else {
            Err(ParseError::new(
                "probability",
                &p.to_string(),
                "must be between 0 and 1",
            ))
        }
    }

    /// Parses "30%", "30" (read as percent when above 1) or "0.3".
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let (num, percent) = match s.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (s, false),
        };
        let v: f64 = num
            .parse()
            .map_err(|_| ParseError::new("probability", input, "not a number"))?;
        let v = if percent || v > 1.0 { v / 100.0 } else { v };
        Probability::new(v)
            .map_err(|_| ParseError::new("probability", input, "must be between 0% and 100%"))
    }

    /// The value in `[0, 1]`.
    pub fn get(&self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Probability {
    type Error = ParseError;
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        Probability::new(v)
    }
}

impl From<Probability> for f64 {
    fn from(p: Probability) -> f64 {
        p.0
    }
}

/// A Salesforce record id, always held in its 18-character case-insensitive form.
///
/// Reports export the 15-character case-sensitive id and the data loader the 18-character one;
/// both name the same record, so both parse to the same value.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct SalesforceId(String);

impl SalesforceId {
    /// Parses a 15- or 18-character id. An 18-character id with mixed case must match its
    /// checksum; one whose letters were all folded to one case has its case restored from it.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ParseError::new(
                "Salesforce id",
                input,
                "only letters and digits are allowed",
            ));
        }
        match s.len() {
            15 => Ok(SalesforceId(format!("{s}{}", Self::suffix(s)))),
            18 => {
                // The suffix records which letters of the base are upper-case, so an id whose
                // case was folded (by a spreadsheet, say) is restored from it.
                const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
                let (base, suffix) = s.split_at(15);
                let has_upper = base.bytes().any(|b| b.is_ascii_uppercase());
                let has_lower = base.bytes().any(|b| b.is_ascii_lowercase());
                if has_upper && has_lower {
                    // The case is intact, so the checksum must agree with it.
                    if !Self::suffix(base).eq_ignore_ascii_case(suffix) {
                        return Err(ParseError::new(
                            "Salesforce id",
                            input,
                            "checksum of the last 3 characters does not match",
                        ));
                    }
                    return Ok(SalesforceId(format!(
                        "{base}{}",
                        suffix.to_ascii_uppercase()
                    )));
                }
                let mut restored = String::with_capacity(18);
                for (chunk, code) in base.as_bytes().chunks(5).zip(suffix.bytes()) {
                    let bits = ALPHABET
                        .iter()
                        .position(|a| *a == code.to_ascii_uppercase())
                        .ok_or_else(|| {
                            ParseError::new("Salesforce id", input, "invalid checksum character")
                        })?;
                    for (i, b) in chunk.iter().enumerate() {
                        let upper = bits & (1 << i) != 0;
                        if upper && !b.is_ascii_alphabetic() {
                            return Err(ParseError::new(
                                "Salesforce id",
                                input,
                                "checksum of the last 3 characters does not match",
                            ));
                        }
                        restored.push(if upper {
                            b.to_ascii_uppercase()
                        } else {
                            b.to_ascii_lowercase()
                        } as char);
                    }
                }
                restored.push_str(&suffix.to_ascii_uppercase());
                Ok(SalesforceId(restored))
            }
            n => Err(ParseError::new(
                "Salesforce id",
                input,
                format!("expected 15 or 18 characters, found {n}"),
            )),
        }
    }

    /// The checksum suffix: for each 5-character chunk, a bit per upper-case letter.
    fn suffix(base15: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        base15
            .as_bytes()
            .chunks(5)
            .map(|chunk| {
                let bits = chunk.iter().enumerate().fold(0usize, |acc, (i, b)| {
                    if b.is_ascii_uppercase() {
                        acc | (1 << i)
                    } else {
                        acc
                    }
                });
                ALPHABET[bits] as char
            })
            .collect()
    }

    /// The 18-character id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 15-character case-sensitive form.
    pub fn short(&self) -> &str {
        &self.0[..15]
    }
}

impl fmt::Display for SalesforceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Folds a name for matching: lower-case words of letters and digits, single-spaced, so that
/// "Dana  O'Neil" and "dana o neil", or "ACME Corp." and "Acme Corp", are the same. Every place
/// that matches names (record keys, rep owners, account references) uses this one function.
pub fn fold_name(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key that ties a stored record to its source record, so that importing the same export
/// again updates instead of duplicating. Written `system:kind:id`, e.g.
/// `salesforce:opportunity:0066g00000AbCdEFGH` or `name:account:acme`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExternalKey(String);

impl ExternalKey {
    /// Builds a key from its three parts; the id part is trimmed and must not be empty.
    pub fn new(system: &str, kind: &str, id: &str) -> Result<Self, ParseError> {
        let id = id.trim();
        if id.is_empty() {
            return Err(ParseError::new("record id", id, "empty"));
        }
        let mut key = String::with_capacity(system.len() + kind.len() + id.len() + 2);
        for part in [system, ":", kind, ":", id] {
            key.push_str(part);
        }
        Ok(ExternalKey(key))
    }

    /// A key derived from a name (for exports with no id column): case, punctuation and
    /// spacing differences are folded so "ACME Corp." and "Acme Corp" are one key.
    pub fn from_name(kind: &str, name: &str) -> Result<Self, ParseError> {
        ExternalKey::new("name", kind, &fold_name(name))
    }

    /// Wraps a key read back from the store.
    pub fn from_stored(s: String) -> Self {
        ExternalKey(s)
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExternalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An account tier, as the company names its tiers ("strategic", "key", "standard" by default;
/// the Foundation's tier definitions may name others). Stored as a lower-case slug.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tier(String);

impl Tier {
    /// Parses "Strategic", "Tier 1", "key account", ... into a slug: lower-case letters,
    /// digits and '-', at most 32 characters.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let slug = input
            .trim()
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if slug.is_empty() {
            return Err(ParseError::new("tier", input, "empty"));
        }
        if slug.len() > 32 {
            return Err(ParseError::new("tier", input, "longer than 32 characters"));
        }
        Ok(Tier(slug))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Tier {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Tier::parse(&s)
    }
}

impl From<Tier> for String {
    fn from(t: Tier) -> String {
        t.0
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tier({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_15_and_18_character_ids_name_the_same_record() {
        // Known pair from Salesforce's documentation of the algorithm.
        let short = SalesforceId::parse("001A0000006Vm9r").unwrap();
        assert_eq!(short.as_str(), "001A0000006Vm9rIAC");
        let long = SalesforceId::parse("001A0000006Vm9rIAC").unwrap();
        assert_eq!(short, long);
        assert_eq!(long.short(), "001A0000006Vm9r");
        // Case folded by a spreadsheet: the checksum restores it.
        assert_eq!(SalesforceId::parse("001a0000006vm9riac").unwrap(), short);
        assert!(SalesforceId::parse("001A0000006Vm9rXXX").is_err());
        // Regression: a mixed-case id with a wrong checksum was "restored" to another record.
        assert!(SalesforceId::parse("001A0000006Vm9rAAA").is_err());
        // Upper-cased by a spreadsheet: restored from the checksum too.
        assert_eq!(SalesforceId::parse("001A0000006VM9RIAC").unwrap(), short);
        assert!(SalesforceId::parse("001A00-0006Vm9r").is_err());
        assert!(SalesforceId::parse("123").is_err());
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(
            Email::parse(" Jane.Doe@Example.COM ").unwrap().as_str(),
            "jane.doe@example.com"
        );
        assert_eq!(Email::parse("a@b.co").unwrap().domain(), "b.co");
        for bad in [
            "",
            "jane",
            "jane@",
            "@x.com",
            "jane@localhost",
            "a b@x.com",
            "a@x.com;b@y.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn probabilities_accept_percent_and_fractions() {
        assert_eq!(Probability::parse("30%").unwrap().get(), 0.3);
        assert_eq!(Probability::parse("30").unwrap().get(), 0.3);
        assert_eq!(Probability::parse("0.3").unwrap().get(), 0.3);
        assert!(Probability::parse("130%").is_err());
        assert!(Probability::new(f64::NAN).is_err());
    }

    #[test]
    fn name_keys_fold_case_and_punctuation() {
        let a = ExternalKey::from_name("account", "ACME Corp.").unwrap();
        let b = ExternalKey::from_name("account", "  acme   corp").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "name:account:acme corp");
        assert!(ExternalKey::from_name("account", " .. ").is_err());
    }

    #[test]
    fn tiers_become_slugs() {
        assert_eq!(Tier::parse("Tier 1").unwrap().as_str(), "tier-1");
        assert_eq!(Tier::parse("Strategic").unwrap().as_str(), "strategic");
        assert!(Tier::parse("  ").is_err());
    }
}
