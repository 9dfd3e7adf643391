//! Money as integer minor units with an ISO 4217 currency. Never a float.
//!
//! Parsing accepts what CRM exports contain: `$1,932.00`, `-$12.50`, `($12.50)` (accounting
//! negative), `USD 1,932.00`, `1.932,50 €`, `1932`. More decimals than the currency has are
//! refused unless they are zeros, because silently rounding money is a bug.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::ParseError;

/// An ISO 4217 currency code (three upper-case ASCII letters).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// US dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");
    /// Pound sterling.
    pub const GBP: Currency = Currency(*b"GBP");

    /// Parses a three-letter code, case-insensitively.
    pub fn parse(code: &str) -> Result<Self, ParseError> {
        let code = code.trim();
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(ParseError::new(
                "currency",
                code,
                "expected a three-letter ISO 4217 code",
            ));
        }
        Ok(Currency([
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ]))
    }

    /// The code as text, e.g. `"USD"`.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).expect("currency codes are ASCII")
    }

    /// Digits after the decimal point (0 for JPY, KRW and similar; 3 for the dinars; else 2).
    pub fn exponent(&self) -> u32 {
        match self.code() {
            "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "HUF" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.code() {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "JPY" => Some("¥"),
            _ => None,
        }
    }

    fn uses_dollar_sign(&self) -> bool {
        matches!(
            self.code(),
            "USD" | "CAD" | "AUD" | "NZD" | "MXN" | "SGD" | "HKD"
        )
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An amount of money: integer minor units (cents) and a currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount from minor units, e.g. `Money::from_minor(193_200, Currency::USD)` is $1,932.00.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    /// An amount from whole major units (dollars).
    pub fn from_major(major: i64, currency: Currency) -> Self {
        Self {
            minor: major * 10i64.pow(currency.exponent()),
            currency,
        }
    }

    /// The amount in minor units.
    pub fn minor(&self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Adds two amounts of the same currency; `None` on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        self.minor.checked_add(other.minor).map(|minor| Money {
            minor,
            currency: self.currency,
        })
    }

    /// Parses an amount as CRM exports write it. A bare number is in `default_currency`; a
    /// `$` means `default_currency` when that currency writes `$`, else USD.
    pub fn parse(input: &str, default_currency: Currency) -> Result<Self, ParseError> {
        let err = |reason: &str| ParseError::new("money", input, reason);
        let mut s = input.trim().to_string();
        if s.is_empty() {
            return Err(err("empty"));
        }
        let mut negative = false;
        if s.starts_with('(') && s.ends_with(')') {
            negative = true;
            s = s[1..s.len() - 1].trim().to_string();
        }
        if let Some(rest) = s.strip_prefix('-') {
            negative = !negative;
            s = rest.trim().to_string();
        }
        let mut currency: Option<Currency> = None;
        // Leading or trailing ISO code.
        let leading = s.get(..3).and_then(|c| Currency::parse(c).ok());
        let trailing = s
            .len()
            .checked_sub(3)
            .and_then(|i| s.get(i..))
            .and_then(|c| Currency::parse(c).ok());
        if let Some(c) = leading {
            currency = Some(c);
            s = s[3..].trim().to_string();
        } else if let Some(c) = trailing {
            currency = Some(c);
            s = s[..s.len() - 3].trim().to_string();
        }
        // Symbols.
        let symbols: [(&str, Currency); 5] = [
            (
                "$",
                if default_currency.uses_dollar_sign() {
                    default_currency
                } else {
                    Currency::USD
                },
            ),
            ("€", Currency::EUR),
            ("£", Currency::GBP),
            ("¥", Currency(*b"JPY")),
            ("US$", Currency::USD),
        ];
        for (sym, cur) in symbols.iter().rev() {
            if let Some(rest) = s.strip_prefix(sym) {
                currency.get_or_insert(*cur);
                s = rest.trim().to_string();
                break;
            }
            if let Some(rest) = s.strip_suffix(sym) {
                currency.get_or_insert(*cur);
                s = rest.trim().to_string();
                break;
            }
        }
        if let Some(rest) = s.strip_prefix('-') {
            negative = !negative;
            s = rest.trim().to_string();
        }
        let currency = currency.unwrap_or(default_currency);
        let s: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\'' | '_'))
            .collect();
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return Err(err(
                "expected digits with optional thousands separators and decimals",
            ));
        }
        let (int_part, frac_part) =
            split_decimal(&s).ok_or_else(|| err("separators are not in a valid place"))?;
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(err("no digits"));
        }
        // "1.500" is 1.5 in a US export and 1500 in a European one; "1,500" is read as 1500
        // (the US convention, documented). A lone point before exactly three digits is refused
        // rather than guessed, because guessing wrong is a silent factor of 1000.
        let points = s.matches('.').count();
        if points == 1
            && !s.contains(',')
            && frac_part.len() == 3
            && (1..=3).contains(&int_part.len())
            && int_part != "0"
            && currency.exponent() != 3
        {
            return Err(err(
                "ambiguous: could be a decimal point or a thousands separator; write 1500 or 1.50",
            ));
        }
        let exp = currency.exponent() as usize;
        let mut frac = frac_part.to_string();
        if frac.len() > exp {
            if frac[exp..].bytes().any(|b| b != b'0') {
                return Err(err(&format!("more than {exp} decimals for {currency}")));
            }
            frac.truncate(exp);
        }
        while frac.len() < exp {
            frac.push('0');
        }
        let digits = format!("{int_part}{frac}");
        let digits = if digits.is_empty() {
            "0".to_string()
        } else {
            digits
        };
        let magnitude: i64 = digits.parse().map_err(|_| err("amount is too large"))?;
        Ok(Money {
            minor: if negative { -magnitude } else { magnitude },
            currency,
        })
    }
}

/// Splits "1,932.50" / "1.932,50" / "1932" into integer digits and fraction digits, checking
/// that thousands separators group by three.
fn split_decimal(s: &str) -> Option<(String, String)> {
    let last_dot = s.rfind('.');
    let last_comma = s.rfind(',');
    let decimal_sep = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(_), None) => {
            // "1.932.000" is thousands; "1932.5" is decimal.
            if s.matches('.').count() > 1 {
                None
            } else {
                Some('.')
            }
        }
        (None, Some(c)) => {
            let after = s.len() - c - 1;
            if s.matches(',').count() > 1 || after == 3 {
                None
            } else {
                Some(',')
            }
        }
        (None, None) => None,
    };
    let (int_raw, frac) = match decimal_sep {
        Some(sep) => {
            let i = s.rfind(sep)?;
            (&s[..i], &s[i + 1..])
        }
        None => (s, ""),
    };
    if frac.contains([',', '.']) {
        return None;
    }
    let thousands = match decimal_sep {
        Some('.') => ',',
        Some(_) => '.',
        None => {
            if int_raw.contains(',') {
                ','
            } else {
                '.'
            }
        }
    };
    if int_raw.contains(if thousands == ',' { '.' } else { ',' }) {
        return None;
    }
    let groups: Vec<&str> = int_raw.split(thousands).collect();
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return None;
    }
    Some((groups.concat(), frac.to_string()))
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let scale = 10i64.pow(exp).unsigned_abs();
        let abs = self.minor.unsigned_abs();
        let (major, minor) = (abs / scale, abs % scale);
        let digits = major.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        let body = if exp > 0 {
            format!("{grouped}.{minor:0width$}", width = exp as usize)
        } else {
            grouped
        };
        match self.currency.symbol() {
            Some(sym) => write!(f, "{sign}{sym}{body}"),
            None => write!(f, "{sign}{} {body}", self.currency),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Result<i64, ParseError> {
        Money::parse(s, Currency::USD).map(|m| m.minor())
    }

    #[test]
    fn salesforce_and_hubspot_amounts_parse_exactly() {
        assert_eq!(usd("$1,932.00").unwrap(), 193_200);
        assert_eq!(usd("1932").unwrap(), 193_200);
        assert_eq!(usd("1932.5").unwrap(), 193_250);
        assert_eq!(usd("$1,234,567.89").unwrap(), 123_456_789);
        assert_eq!(usd("-$12.50").unwrap(), -1_250);
        assert_eq!(usd("($12.50)").unwrap(), -1_250);
        assert_eq!(usd("USD 1,932.00").unwrap(), 193_200);
        assert_eq!(usd("0.10").unwrap(), 10);
        assert_eq!(usd("1932.5000").unwrap(), 193_250);
    }

    #[test]
    fn european_amounts_parse_with_their_currency() {
        let m = Money::parse("1.932,50 €", Currency::USD).unwrap();
        assert_eq!((m.minor(), m.currency()), (193_250, Currency::EUR));
        let m = Money::parse("EUR 12,5", Currency::USD).unwrap();
        assert_eq!((m.minor(), m.currency()), (1_250, Currency::EUR));
    }

    #[test]
    fn dollar_sign_follows_a_dollar_default_currency() {
        let cad = Currency::parse("cad").unwrap();
        assert_eq!(Money::parse("$5", cad).unwrap().currency(), cad);
        assert_eq!(
            Money::parse("$5", Currency::EUR).unwrap().currency(),
            Currency::USD
        );
    }

    #[test]
    fn amounts_that_would_lose_precision_or_are_not_numbers_are_refused() {
        assert!(usd("1.005").is_err());
        assert!(usd("TBD").is_err());
        assert!(usd("").is_err());
        assert!(usd("1,93,2").is_err());
        assert!(usd("12.3.4,5").is_err());
        assert!(usd("99999999999999999999").is_err());
    }

    #[test]
    fn a_lone_point_before_three_digits_is_ambiguous_and_refused() {
        // Regression: "25.000 €" was read as 25.00 by trimming the zeros.
        for s in ["1.500", "25.000 €", "$1.000", "EUR 120.000"] {
            let e = Money::parse(s, Currency::EUR).unwrap_err();
            assert!(e.reason.contains("ambiguous"), "{s}: {e}");
        }
        assert_eq!(
            Money::parse("1.500,00 €", Currency::EUR).unwrap().minor(),
            150_000
        );
        assert_eq!(
            Money::parse("1932.500", Currency::USD).unwrap().minor(),
            193_250
        );
        assert_eq!(Money::parse("1.5", Currency::USD).unwrap().minor(), 150);
        // Not ambiguous: a leading zero, or a currency with three decimals.
        assert_eq!(Money::parse("0.500", Currency::USD).unwrap().minor(), 50);
        let kwd = Currency::parse("KWD").unwrap();
        let m = Money::parse("KWD 1.500", Currency::USD).unwrap();
        assert_eq!((m.minor(), m.currency()), (1_500, kwd));
        assert_eq!(Money::parse(&m.to_string(), Currency::USD).unwrap(), m);
    }

    #[test]
    fn yen_has_no_minor_units() {
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::parse("¥1,500", jpy).unwrap().minor(), 1_500);
        assert!(Money::parse("1500.5", jpy).is_err());
    }

    #[test]
    fn display_round_trips() {
        for s in ["$1,932.00", "-$0.05", "$0.00", "€12.50", "$1,000,000.00"] {
            let m = Money::parse(s, Currency::USD).unwrap();
            assert_eq!(m.to_string(), s);
        }
        let chf = Money::from_minor(123_456, Currency::parse("CHF").unwrap());
        assert_eq!(chf.to_string(), "CHF 1,234.56");
        assert_eq!(Money::parse(&chf.to_string(), Currency::USD).unwrap(), chf);
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let a = Money::from_major(1, Currency::USD);
        assert!(a.checked_add(Money::from_major(1, Currency::EUR)).is_none());
        assert_eq!(a.checked_add(a).unwrap().minor(), 200);
    }
}
