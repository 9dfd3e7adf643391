//! Dates as account managers write them, resolved against the day they were written.
//!
//! Notes say "by Fri", "next Tues", "EOM", "end of the quarter", "wk 12", "March 19th",
//! "3/14", "in two weeks"; drafts say "Friday 19 December". [`find`] turns both into calendar
//! dates, so that a draft's date can be traced to the note it came from whatever its spelling,
//! and so that a draft can state the date plainly instead of repeating "next Tues".
//!
//! Conventions (documented, because "next Tuesday" is ambiguous in English):
//! - a bare weekday ("Friday", "by Fri") is its next occurrence after the reference day;
//! - "this Friday" is the occurrence in the reference day's week (Monday to Sunday) if still
//!   ahead, else the next one; "next Friday" is the occurrence in the following week;
//! - a month and day without a year is the occurrence closest to the reference day;
//! - `3/14` is month/day (the US order); ISO `2026-03-14` is always understood;
//! - "end of (the) month/quarter/year", "EOM", "EOQ", "EOY" are its last day; "end of the week"
//!   and "EOW" are its Friday; "this week" is its Friday (the day itself at a weekend);
//!   "next week" is the Monday of the next week; "week 12"/"wk 12"
//!   is the Monday of ISO week 12.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

/// A date found in text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateMention {
    /// Byte offset where the expression starts.
    pub start: usize,
    /// Byte offset after it.
    pub end: usize,
    /// The expression as written.
    pub text: String,
    /// The day it means (for a week or a period, its first or last day as documented).
    pub date: NaiveDate,
    /// Preceded by "by", "before", "no later than" or "until": a deadline.
    pub deadline: bool,
}

/// A word of the text with its byte span, lower-cased.
#[derive(Clone, Debug)]
struct Word {
    start: usize,
    end: usize,
    lower: String,
    capitalised: bool,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || c == '/' || (c == '-' && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(word(text, s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(word(text, s, text.len()));
    }
    out
}

fn word(text: &str, start: usize, end: usize) -> Word {
    // A trailing '-' or '/' is punctuation, not part of the word.
    let trimmed = text[start..end].trim_end_matches(['-', '/']);
    let end = start + trimmed.len();
    Word {
        start,
        end,
        lower: trimmed.to_lowercase(),
        capitalised: trimmed.starts_with(|c: char| c.is_uppercase()),
    }
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "weds" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// The month a name or abbreviation means ("sept" → 9), lower case.
pub fn month(w: &str) -> Option<u32> {
    let m = match w {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    };
    Some(m)
}

/// "19", "19th", "1st", "22nd", "3rd".
fn day_number(w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") || digits.is_empty() || digits.len() > 2 {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn small_number(w: &str) -> Option<i64> {
    Some(match w {
        "a" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => return w.parse().ok().filter(|n| (1..=99).contains(n)),
    })
}

fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).expect("valid") - Duration::days(1)
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The occurrence of `m`/`d` closest to `today`.
fn nearest(today: NaiveDate, m: u32, d: u32) -> Option<NaiveDate> {
    [today.year() - 1, today.year(), today.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, m, d))
        .min_by_key(|c| (*c - today).num_days().abs())
}

fn next_weekday(today: NaiveDate, wd: Weekday) -> NaiveDate {
    let ahead =
        (7 + wd.num_days_from_monday() as i64 - today.weekday().num_days_from_monday() as i64) % 7;
    today + Duration::days(if ahead == 0 { 7 } else { ahead })
}

/// Every date expression in `text`, resolved against `today`, in order of appearance.
pub fn find(text: &str, today: NaiveDate) -> Vec<DateMention> {
    let ws = words(text);
    let mut out: Vec<DateMention> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if let Some((len, date)) = at(&ws, i, today) {
            let first = &ws[i];
            let last = &ws[i + len - 1];
            let before = i.checked_sub(1).map(|j| ws[j].lower.as_str());
            let before2 = i
                .checked_sub(3)
                .map(|j| format!("{} {} {}", ws[j].lower, ws[j + 1].lower, ws[j + 2].lower));
            let deadline = matches!(before, Some("by" | "before" | "until" | "till"))
                || before2.as_deref() == Some("no later than");
            out.push(DateMention {
                start: first.start,
                end: last.end,
                text: text[first.start..last.end].to_string(),
                date,
                deadline,
            });
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

/// A date expression starting at word `i`: how many words it takes and the day it means.
fn at(ws: &[Word], i: usize, today: NaiveDate) -> Option<(usize, NaiveDate)> {
    let w = |k: usize| ws.get(i + k).map(|x| x.lower.as_str()).unwrap_or("");
    let first = w(0);
    // Fixed words.
    match first {
        "today" | "tonight" => return Some((1, today)),
        "tomorrow" | "tmrw" | "tmr" => return Some((1, today + Duration::days(1))),
        "eom" => return Some((1, last_of_month(today.year(), today.month()))),
        "eoq" => return Some((1, quarter_end(today))),
        "eoy" => return Some((1, last_of_month(today.year(), 12))),
        "eow" => return Some((1, monday_of(today) + Duration::days(4))),
        _ => {}
    }
    // "by the 29th": the next 29th (an ordinal after a preposition, so that "the 3 units" and
    // "send the 2nd batch" are no dates). "the 29th of May" is left to the month rules below.
    let before = i.checked_sub(1).map_or("", |j| ws[j].lower.as_str());
    if first == "the"
        && matches!(
            before,
            "by" | "on" | "before" | "until" | "till" | "due" | "from" | "after"
        )
        && w(1).ends_with(|c: char| c.is_ascii_alphabetic())
        && let Some(d) = day_number(w(1))
        && w(2) != "of"
        && month(w(2)).is_none()
    {
        let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), d);
        let next = |y: i32, m: u32| {
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            NaiveDate::from_ymd_opt(y, m, d)
        };
        let date = match this_month {
            Some(t) if t >= today => Some(t),
            _ => next(today.year(), today.month()),
        };
        if let Some(date) = date {
            return Some((2, date));
        }
    }
    // "end of (the) month/quarter/year/week", "month end", "quarter end", "year end".
    if first == "end" && w(1) == "of" {
        let (skip, what) = if w(2) == "the" || w(2) == "this" {
            (4, w(3))
        } else {
            (3, w(2))
        };
        if let Some(d) = period_end(what, today) {
            return Some((skip, d));
        }
    }
    if matches!(first, "month" | "quarter" | "year" | "qtr")
        && (w(1) == "end" || w(1) == "-end")
        && let Some(d) = period_end(first, today)
    {
        return Some((2, d));
    }
    // "next week", "next Tuesday", "this Friday".
    if first == "next" || first == "this" {
        if w(1) == "week" || w(1) == "wk" {
            // "This week" as a deadline is its Friday (today, at a weekend), never a day
            // already past; "next week" is the Monday it starts.
            let d = if first == "next" {
                monday_of(today) + Duration::days(7)
            } else {
                (monday_of(today) + Duration::days(4)).max(today)
            };
            return Some((2, d));
        }
        if let Some(wd) = weekday(w(1)) {
            let this_week = monday_of(today) + Duration::days(i64::from(wd.num_days_from_monday()));
            let d = if first == "next" {
                this_week + Duration::days(7)
            } else if this_week >= today {
                this_week
            } else {
                this_week + Duration::days(7)
            };
            return Some((2, d));
        }
        if first == "next" && matches!(w(1), "month" | "quarter") {
            return None;
        }
    }
    // "in two weeks", "in 3 days".
    if first == "in"
        && let Some(n) = small_number(w(1))
    {
        let unit = w(2);
        let days = match unit {
            "day" | "days" => n,
            "week" | "weeks" | "wks" | "wk" => 7 * n,
            _ => return None,
        };
        return Some((3, today + Duration::days(days)));
    }
    // "week 12", "wk 12", "wk12".
    let week_no = match first {
        "week" | "wk" => w(1).parse::<u32>().ok().map(|n| (2, n)),
        _ => first
            .strip_prefix("wk")
            .and_then(|n| n.parse::<u32>().ok())
            .map(|n| (1, n)),
    };
    if let Some((len, n)) = week_no
        && (1..=53).contains(&n)
    {
        let candidates = [today.year() - 1, today.year(), today.year() + 1]
            .into_iter()
            .filter_map(|y| NaiveDate::from_isoywd_opt(y, n, Weekday::Mon));
        return candidates
            .min_by_key(|c| (*c - today).num_days().abs())
            .map(|d| (len, d));
    }
    // Weekday, optionally followed by a date ("Friday 19 December", "Fri, Dec 19"). "sun",
    // "sat" and "wed" are also English words: only capitalised do they name a day.
    let plain_word = matches!(first, "sun" | "sat" | "wed") && !ws[i].capitalised;
    if let Some(wd) = weekday(first).filter(|_| !plain_word) {
        if let Some((len, d)) = at(ws, i + 1, today)
            && ws[i + 1].start - ws[i].end <= 2
        {
            return Some((len + 1, d));
        }
        return Some((1, next_weekday(today, wd)));
    }
    // ISO date.
    if first.len() == 10
        && let Ok(d) = NaiveDate::parse_from_str(first, "%Y-%m-%d")
    {
        return Some((1, d));
    }
    // US numeric month/day(/year).
    if first.contains('/') {
        let parts: Vec<&str> = first.split('/').collect();
        if let [m, d, rest @ ..] = parts.as_slice()
            && let (Ok(m), Ok(d)) = (m.parse::<u32>(), d.parse::<u32>())
            && (1..=12).contains(&m)
        {
            let date = match rest {
                [] => nearest(today, m, d),
                [y] => y.parse::<i32>().ok().and_then(|y| {
                    let y = if y < 100 { 2000 + y } else { y };
                    NaiveDate::from_ymd_opt(y, m, d)
                }),
                _ => None,
            };
            return date.map(|d| (1, d));
        }
        return None;
    }
    // "March 19th", "Mar 19, 2026", "mid-March" is not a day and is left alone.
    if let Some(m) = month(first) {
        if let Some(d) = day_number(w(1)) {
            if let Ok(y) = w(2).parse::<i32>()
                && (1990..=2100).contains(&y)
            {
                return NaiveDate::from_ymd_opt(y, m, d).map(|x| (3, x));
            }
            return nearest(today, m, d).map(|x| (2, x));
        }
        return None;
    }
    // "19 March", "19th of March", "19 March 2026".
    if let Some(d) = day_number(first) {
        let (skip, mw) = if w(1) == "of" { (2, w(2)) } else { (1, w(1)) };
        if let Some(m) = month(mw) {
            if let Ok(y) = w(skip + 1).parse::<i32>()
                && (1990..=2100).contains(&y)
            {
                return NaiveDate::from_ymd_opt(y, m, d).map(|x| (skip + 2, x));
            }
            return nearest(today, m, d).map(|x| (skip + 1, x));
        }
    }
    None
}

fn quarter_end(d: NaiveDate) -> NaiveDate {
    let q_last_month = d.month().div_ceil(3) * 3;
    last_of_month(d.year(), q_last_month)
}

fn period_end(what: &str, today: NaiveDate) -> Option<NaiveDate> {
    Some(match what {
        "month" | "mth" => last_of_month(today.year(), today.month()),
        "quarter" | "qtr" | "q" => quarter_end(today),
        "year" | "yr" => last_of_month(today.year(), 12),
        "week" | "wk" => monday_of(today) + Duration::days(4),
        _ => return None,
    })
}

/// The first working day (Monday to Friday) after `d`.
pub fn next_working_day(d: NaiveDate) -> NaiveDate {
    let mut n = d + Duration::days(1);
    while matches!(n.weekday(), Weekday::Sat | Weekday::Sun) {
        n += Duration::days(1);
    }
    n
}

/// "Friday 19 December" (with the year when it differs from `today`'s).
pub fn spell(date: NaiveDate, today: NaiveDate) -> String {
    let base = date.format("%A %-d %B").to_string();
    if date.year() == today.year() {
        base
    } else {
        format!("{base} {}", date.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Wednesday 10 December 2025.
    const TODAY: &str = "2025-12-10";

    fn one(text: &str) -> (String, NaiveDate, bool) {
        let found = find(text, d(TODAY));
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let m = &found[0];
        (m.text.clone(), m.date, m.deadline)
    }

    #[test]
    fn the_next_working_day_skips_the_weekend() {
        assert_eq!(next_working_day(d("2026-12-04")), d("2026-12-07"));
        assert_eq!(next_working_day(d("2026-12-06")), d("2026-12-07"));
        assert_eq!(next_working_day(d("2026-12-01")), d("2026-12-02"));
    }

    #[test]
    fn the_ways_notes_write_dates_resolve_to_days() {
        let cases = [
            ("promised firm date by Fri", "Fri", "2025-12-12", true),
            ("follow up next Tues", "next Tues", "2025-12-16", false),
            ("send it this Friday", "this Friday", "2025-12-12", false),
            ("answer by March 19th", "March 19th", "2026-03-19", true),
            ("delivery confirmed wk 12", "wk 12", "2026-03-16", false),
            ("quote by EOM", "EOM", "2025-12-31", true),
            (
                "close by end of the quarter",
                "end of the quarter",
                "2025-12-31",
                true,
            ),
            ("PO due 12/19", "12/19", "2025-12-19", false),
            (
                "meeting on 2026-01-08 at the plant",
                "2026-01-08",
                "2026-01-08",
                false,
            ),
            ("revert in two weeks", "in two weeks", "2025-12-24", false),
            ("we met on 3 December", "3 December", "2025-12-03", false),
            ("see you tomorrow", "tomorrow", "2025-12-11", false),
            (
                "ship Friday 19 December",
                "Friday 19 December",
                "2025-12-19",
                false,
            ),
            (
                "no later than Jan 5, 2026",
                "Jan 5, 2026",
                "2026-01-05",
                true,
            ),
            ("quote by the 29th", "the 29th", "2025-12-29", true),
            ("invoice by the 3rd", "the 3rd", "2026-01-03", true),
            // Regression: "this week" was its Monday, two days before the call.
            (
                "Gustavo to do the EPC intro this week",
                "this week",
                "2025-12-12",
                false,
            ),
            ("samples next week", "next week", "2025-12-15", false),
        ];
        for (text, expr, date, deadline) in cases {
            assert_eq!(one(text), (expr.to_string(), d(date), deadline), "{text}");
        }
    }

    #[test]
    fn words_that_only_look_like_dates_are_left_alone() {
        for text in [
            "may we ask for the spec",
            "2x 150hp pumps",
            "lines 1-3",
            "3.5% increase",
            "mid-March",
            "the sun is out",
            "they sat down with us",
            "the 3 units",
            "the 4th of the pumps",
            "send the 2nd batch",
        ] {
            let found = find(text, d(TODAY));
            assert!(found.is_empty(), "{text}: {found:?}");
        }
        assert_eq!(one("call Sat morning").1, d("2025-12-13"));
    }

    #[test]
    fn spelled_dates_read_plainly() {
        assert_eq!(spell(d("2025-12-19"), d(TODAY)), "Friday 19 December");
        assert_eq!(spell(d("2026-01-05"), d(TODAY)), "Monday 5 January 2026");
    }
}
