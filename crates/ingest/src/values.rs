//! Cell values: dates in the orders exports use, timestamps, flags and counts.
//!
//! A date's field order (month/day/year in a US Salesforce export, day/month/year in a European
//! one, ISO in HubSpot) is a property of the file, not of a cell: [`DateOrder::detect`] looks at
//! every date in the file and keeps only the orders that read all of them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// How the numeric parts of a slash or dot date are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Month/day/year (US).
    Mdy,
    /// Day/month/year.
    Dmy,
    /// Year/month/day.
    Ymd,
}

impl DateOrder {
    /// Picks the order that reads the file's dates, preferring `preferred` when several do.
    /// Cells no order reads are skipped (parsing reports them); `None` when none reads any.
    pub fn detect<'a>(
        samples: impl Iterator<Item = &'a str>,
        preferred: DateOrder,
    ) -> Option<DateOrder> {
        Self::detect_with_doubt(samples, preferred).map(|(o, _)| o)
    }

    /// [`DateOrder::detect`], and the other order that also reads every date when the file
    /// cannot tell (every day is 12 or less: `1/2/2027` is January or February).
    pub fn detect_with_doubt<'a>(
        samples: impl Iterator<Item = &'a str>,
        preferred: DateOrder,
    ) -> Option<(DateOrder, Option<DateOrder>)> {
        let mut possible = [DateOrder::Mdy, DateOrder::Dmy, DateOrder::Ymd].to_vec();
        let mut preferred = preferred;
        let mut any = false;
        let mut dotted = false;
        let mut telling = false;
        for s in samples {
            let fits: Vec<DateOrder> = possible
                .iter()
                .copied()
                .filter(|o| parse_date(s, *o).is_some())
                .collect();
            // Dotted dates (01.04.2026) are written day-first wherever they are used; a dotted
            // cell that is no date ("N.A.") says nothing.
            if s.contains('.') && !fits.is_empty() && preferred == DateOrder::Mdy {
                preferred = DateOrder::Dmy;
            }
            dotted |= s.contains('.') && !fits.is_empty();
            // An ISO date (2026-05-15) reads the same in every order and leaves no doubt of
            // its own; `03/04/25` reads in every order too, and does.
            let iso = s.len() >= 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
            telling |= !fits.is_empty() && !iso;
            // A cell no order reads ("TBD") says nothing about the order.
            if fits.is_empty() {
                continue;
            }
            any = true;
            possible = fits;
            // One order left: the rest of the file either fits it or has bad cells, which
            // parsing reports one by one.
            if possible.len() == 1 {
                break;
            }
        }
        if !any {
            return None;
        }
        let chosen = if possible.contains(&preferred) {
            preferred
        } else {
            possible[0]
        };
        // Dotted dates leave no doubt: they are day-first wherever they are written.
        let other = possible
            .iter()
            .copied()
            .find(|o| *o != chosen)
            .filter(|_| !dotted && telling);
        Some((chosen, other))
    }
}

/// Splits a date-time cell into its date part and optional time part.
fn split_time(s: &str) -> (&str, Option<&str>) {
    let s = s.trim();
    if let Some((d, t)) = s.split_once('T') {
        return (d, Some(t));
    }
    match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    }
}

/// Parses a date in `order`; ISO `YYYY-MM-DD` is always accepted.
pub fn parse_date(s: &str, order: DateOrder) -> Option<NaiveDate> {
    let (d, _) = split_time(s);
    if let Some(date) = roomwork_domain::parse_iso_day(d) {
        return Some(date);
    }
    // chrono's reading also takes unpadded and signed forms; it needs a '-' to succeed.
    if d.contains('-')
        && let Ok(date) = NaiveDate::parse_from_str(d, "%Y-%m-%d")
    {
        return Some(date);
    }
    let parts: Vec<&str> = d.split(['/', '.', '-']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let year = |y: u32, raw: &str| -> Option<i32> {
        match raw.len() {
            4 => Some(y as i32),
            2 => Some(if y < 70 {
                2000 + y as i32
            } else {
                1900 + y as i32
            }),
            _ => None,
        }
    };
    let (y, m, day) = match order {
        DateOrder::Mdy => (year(n[2], parts[2])?, n[0], n[1]),
        DateOrder::Dmy => (year(n[2], parts[2])?, n[1], n[0]),
        DateOrder::Ymd => (year(n[0], parts[0])?, n[1], n[2]),
    };
    NaiveDate::from_ymd_opt(y, m, day)
}

/// Parses a timestamp: RFC 3339 (`2011-01-08T10:30:00.000Z`, `+0000` offsets too), a date with
/// a 24-hour or AM/PM time, or a bare date (read as midnight UTC).
pub fn parse_datetime(s: &str, order: DateOrder) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    let (d, t) = split_time(s);
    let date = parse_date(d, order)?;
    let time = match t {
        None => NaiveTime::MIN,
        Some(t) => parse_time(t)?,
    };
    Some(date.and_time(time).and_utc())
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.trim();
    for f in ["%H:%M:%S%.f", "%H:%M", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p"] {
        if let Ok(time) = NaiveTime::parse_from_str(t, f) {
            return Some(time);
        }
    }
    None
}

/// TRUE/FALSE, true/false, 1/0, yes/no, Y/N, checked/unchecked.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "checked" | "t" => Some(true),
        "false" | "0" | "no" | "n" | "unchecked" | "f" => Some(false),
        _ => None,
    }
}

/// A non-negative whole number, allowing thousands separators and a `.0` that spreadsheets add.
pub fn parse_count(s: &str) -> Option<u32> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let cleaned = cleaned.strip_suffix(".0").unwrap_or(&cleaned).to_string();
    let cleaned = cleaned.strip_suffix(".00").unwrap_or(&cleaned);
    cleaned.parse().ok()
}

/// Company size as CRMs write it: "340", "1,200", or a band such as "201-500" or "1000+"
/// (read as the band's lower bound, the number the company is known to exceed).
pub fn parse_company_size(s: &str) -> Option<u32> {
    let t = s.trim();
    if let Some(n) = parse_count(t) {
        return Some(n);
    }
    let t = t.trim_end_matches('+').trim();
    if let Some(n) = parse_count(t) {
        return Some(n);
    }
    let (lo, hi) = t.split_once(['-', '–'])?;
    let (lo, hi) = (parse_count(lo)?, parse_count(hi)?);
    (lo <= hi).then_some(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn us_salesforce_dates_parse_month_first() {
        assert_eq!(parse_date("1/8/2011", DateOrder::Mdy), Some(d(2011, 1, 8)));
        assert_eq!(parse_date("01/08/11", DateOrder::Mdy), Some(d(2011, 1, 8)));
        assert_eq!(parse_date("1/8/2011", DateOrder::Dmy), Some(d(2011, 8, 1)));
        assert_eq!(
            parse_date("2011-01-08", DateOrder::Dmy),
            Some(d(2011, 1, 8))
        );
        assert_eq!(parse_date("13/8/2011", DateOrder::Mdy), None);
        assert_eq!(parse_date("2/30/2011", DateOrder::Mdy), None);
        assert_eq!(parse_date("soon", DateOrder::Mdy), None);
    }

    #[test]
    fn date_order_is_detected_from_the_whole_file() {
        let us = ["1/8/2011", "12/31/2011", "3/4/2012"];
        assert_eq!(
            DateOrder::detect(us.iter().copied(), DateOrder::Dmy),
            Some(DateOrder::Mdy)
        );
        let eu = ["1/8/2011", "31/12/2011"];
        assert_eq!(
            DateOrder::detect(eu.iter().copied(), DateOrder::Mdy),
            Some(DateOrder::Dmy)
        );
        let ambiguous = ["1/8/2011", "3/4/2012"];
        assert_eq!(
            DateOrder::detect(ambiguous.iter().copied(), DateOrder::Mdy),
            Some(DateOrder::Mdy)
        );
        // Contradicting cells: the first decides, and parsing then reports the other as bad.
        let broken = ["13/8/2011", "8/13/2011"];
        assert_eq!(
            DateOrder::detect(broken.iter().copied(), DateOrder::Mdy),
            Some(DateOrder::Dmy)
        );
        assert_eq!(
            DateOrder::detect(["soon"].iter().copied(), DateOrder::Mdy),
            None
        );
        // Regressions: a bad first cell no longer decides, and dotted dates are day-first.
        let bad_first = ["TBD", "31/12/2025"];
        assert_eq!(
            DateOrder::detect(bad_first.iter().copied(), DateOrder::Mdy),
            Some(DateOrder::Dmy)
        );
        let not_a_date = ["N.A.", "1/8/2011"];
        assert_eq!(
            DateOrder::detect(not_a_date.iter().copied(), DateOrder::Mdy),
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            DateOrder::detect_with_doubt(ambiguous.iter().copied(), DateOrder::Mdy),
            Some((DateOrder::Mdy, Some(DateOrder::Dmy)))
        );
        assert_eq!(
            DateOrder::detect_with_doubt(us.iter().copied(), DateOrder::Mdy),
            Some((DateOrder::Mdy, None))
        );
        let two_digit_years = ["03/04/25", "01/02/25"];
        assert_eq!(
            DateOrder::detect_with_doubt(two_digit_years.iter().copied(), DateOrder::Mdy),
            Some((DateOrder::Mdy, Some(DateOrder::Dmy)))
        );
        let iso = ["2026-05-15", "2026-01-02"];
        assert_eq!(
            DateOrder::detect_with_doubt(iso.iter().copied(), DateOrder::Ymd),
            Some((DateOrder::Ymd, None))
        );
        assert_eq!(
            DateOrder::detect_with_doubt(iso.iter().copied(), DateOrder::Mdy),
            Some((DateOrder::Mdy, None))
        );
        let german = ["01.04.2026", "02.03.2026"];
        assert_eq!(
            DateOrder::detect(german.iter().copied(), DateOrder::Mdy),
            Some(DateOrder::Dmy)
        );
    }

    #[test]
    fn timestamps_from_every_export_style_parse() {
        let want = d(2011, 1, 8).and_hms_opt(10, 30, 0).unwrap().and_utc();
        for s in [
            "2011-01-08T10:30:00.000Z",
            "2011-01-08T10:30:00.000+0000",
            "2011-01-08 10:30",
            "1/8/2011 10:30 AM",
            "1/8/2011 10:30:00",
        ] {
            assert_eq!(parse_datetime(s, DateOrder::Mdy), Some(want), "{s}");
        }
        assert_eq!(
            parse_datetime("1/8/2011", DateOrder::Mdy),
            Some(d(2011, 1, 8).and_hms_opt(0, 0, 0).unwrap().and_utc())
        );
        assert_eq!(parse_datetime("1/8/2011 25:00", DateOrder::Mdy), None);
    }

    #[test]
    fn flags_counts_and_sizes() {
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_count("1,200"), Some(1200));
        assert_eq!(parse_count("12.0"), Some(12));
        assert_eq!(parse_count("-3"), None);
        assert_eq!(parse_company_size("201-500"), Some(201));
        assert_eq!(parse_company_size("1000+"), Some(1000));
        assert_eq!(parse_company_size("lots"), None);
    }
}
