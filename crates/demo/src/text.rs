//! Filling the corpus's placeholders.

use chrono::{Datelike, NaiveDate};

/// Values for the corpus placeholders.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slots {
    pub rep: String,
    pub customer: String,
    pub customer2: String,
    pub account: String,
    pub product: String,
    pub competitor: String,
    pub amount: String,
    pub date: String,
    pub site: String,
    pub order_no: String,
    pub qty: String,
}

impl Slots {
    pub(crate) fn fill(&self, template: &str) -> String {
        if !template.contains('{') {
            return template.to_string();
        }
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let value = match &after[..close] {
                        "rep" => &self.rep,
                        "customer" => &self.customer,
                        "customer2" => &self.customer2,
                        "account" => &self.account,
                        "product" => &self.product,
                        "competitor" => &self.competitor,
                        "amount" => &self.amount,
                        "date" => &self.date,
                        "site" => &self.site,
                        "order_no" => &self.order_no,
                        "qty" => &self.qty,
                        other => {
                            out.push('{');
                            out.push_str(other);
                            out.push('}');
                            rest = &after[close + 1..];
                            continue;
                        }
                    };
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// "March 14th".
pub(crate) fn spoken_date(d: NaiveDate) -> String {
    let day = d.day();
    let suffix = match (day % 10, day % 100) {
        (1, n) if n != 11 => "st",
        (2, n) if n != 12 => "nd",
        (3, n) if n != 13 => "rd",
        _ => "th",
    };
    format!("{} {day}{suffix}", d.format("%B"))
}

/// "$48,500" (whole dollars, as people say amounts).
pub(crate) fn spoken_amount(dollars: i64) -> String {
    let digits = dollars.to_string();
    let mut out = String::from("$");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let s = Slots {
            rep: "Dana".into(),
            account: "Meridian".into(),
            ..Default::default()
        };
        assert_eq!(
            s.fill("Hi, {rep} from {account}. {nope} {"),
            "Hi, Dana from Meridian. {nope} {"
        );
        assert_eq!(
            spoken_date(NaiveDate::from_ymd_opt(2026, 3, 22).unwrap()),
            "March 22nd"
        );
        assert_eq!(
            spoken_date(NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()),
            "March 11th"
        );
        assert_eq!(spoken_amount(48_500), "$48,500");
    }
}
