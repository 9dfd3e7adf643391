//! Time comes from a clock that can be replaced in tests.

use chrono::{DateTime, NaiveDate, Utc};

/// A source of the current time. Domain and engine code takes a `&dyn Clock` instead of calling
/// `Utc::now()`, so that ages, deadlines and "this week" are deterministic under test.
pub trait Clock: Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> DateTime<Utc>;
    /// Today's date in UTC.
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// A clock stopped at midnight UTC of `date`.
    pub fn at_date(date: NaiveDate) -> Self {
        Self(
            date.and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc(),
        )
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A day as `YYYY-MM-DD`, written digit by digit: bulk paths write millions of them, and
/// chrono's `format` re-reads its pattern every time. Years outside 0..=9999 fall back to it.
pub fn iso_day(d: NaiveDate) -> String {
    use chrono::Datelike;
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return d.format("%Y-%m-%d").to_string();
    }
    let digit = |n: u32| char::from(b'0' + n as u8);
    let (y, m, day) = (y as u32, d.month(), d.day());
    let mut s = String::with_capacity(10);
    s.extend([
        digit(y / 1000),
        digit(y / 100 % 10),
        digit(y / 10 % 10),
        digit(y % 10),
        '-',
        digit(m / 10),
        digit(m % 10),
        '-',
        digit(day / 10),
        digit(day % 10),
    ]);
    s
}

/// Reads exactly `YYYY-MM-DD` (ten characters); `None` for anything else, including a date
/// that does not exist.
pub fn parse_iso_day(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)
}

#[cfg(test)]
mod day_tests {
    use super::*;

    #[test]
    fn iso_days_round_trip_and_match_chrono() {
        let mut d = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for _ in 0..800 {
            let s = iso_day(d);
            assert_eq!(s, d.format("%Y-%m-%d").to_string());
            assert_eq!(parse_iso_day(&s), Some(d));
            d = d.succ_opt().unwrap();
        }
        let far = NaiveDate::from_ymd_opt(12345, 1, 2).unwrap();
        assert_eq!(iso_day(far), far.format("%Y-%m-%d").to_string());
        for bad in [
            "2026-02-30",
            "2026-1-08",
            "2026/01/08",
            "20260108",
            "2026-01-0x",
            "",
            "+2026-01-08",
        ] {
            assert_eq!(parse_iso_day(bad), None, "{bad}");
        }
    }
}
