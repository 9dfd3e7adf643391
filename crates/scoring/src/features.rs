//! What the model reads about a lead: the title parsed into rank and department, company size,
//! industry, country, source, behaviour before contact, and the historical conversion rate of
//! similar accounts (same industry and size band), smoothed towards the overall rate.
//!
//! The similar-account rate is learned from outcomes, so a training lead must not see its own:
//! training rows get the rate computed without their fold (five folds), every later lead the
//! rate from all training leads.

use std::collections::HashMap;

use roomwork_domain::Lead;
use serde::{Deserialize, Serialize};

use crate::table::{Column, Table};
use crate::title;

/// Feature names, in column order, for leads.
pub const LEAD_FEATURES: [&str; 11] = [
    "job rank",
    "department",
    "company size",
    "industry",
    "country",
    "source",
    "pages viewed",
    "forms submitted",
    "e-mails opened",
    "e-mail links clicked",
    "similar accounts' conversion rate",
];

/// Index of the similar-account rate column.
pub const SIMILAR: usize = 10;

/// Company size bands used to find similar accounts.
pub fn size_band(size: Option<u32>) -> &'static str {
    match size {
        None => "unknown size",
        Some(0..=49) => "1-49",
        Some(50..=199) => "50-199",
        Some(200..=999) => "200-999",
        Some(_) => "1000+",
    }
}

/// The key that makes two accounts similar.
pub fn similar_key(lead: &Lead) -> String {
    format!(
        "{} / {}",
        lead.industry.as_deref().unwrap_or("unknown industry"),
        size_band(lead.company_size)
    )
}

/// Conversion counts of similar accounts, smoothed towards the overall rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimilarRates {
    /// (converted, leads) per key.
    pub counts: HashMap<String, (u32, u32)>,
    /// Overall conversion rate.
    pub prior: f64,
    /// Pseudo-leads at the prior rate added to every key.
    pub strength: f64,
}

impl SimilarRates {
    /// Counts outcomes per key.
    pub fn fit<'a>(keys: impl IntoIterator<Item = &'a str>, labels: &[bool]) -> Self {
        let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
        for (k, &y) in keys.into_iter().zip(labels) {
            let c = counts.entry(k.to_string()).or_default();
            c.0 += u32::from(y);
            c.1 += 1;
        }
        let pos = labels.iter().filter(|&&y| y).count() as f64;
        SimilarRates {
            counts,
            prior: pos / labels.len().max(1) as f64,
            strength: 20.0,
        }
    }

    /// The smoothed rate for a key, optionally without some outcomes (a fold's own).
    pub fn rate(&self, key: &str, without: (u32, u32)) -> f64 {
        let (c, n) = self.counts.get(key).copied().unwrap_or((0, 0));
        let (c, n) = (c.saturating_sub(without.0), n.saturating_sub(without.1));
        (c as f64 + self.strength * self.prior) / (n as f64 + self.strength)
    }
}

/// The lead columns without the similar-account rate (filled by [`with_similar`]).
pub fn lead_table(leads: &[&Lead]) -> Table {
    let n = leads.len();
    let mut titles: HashMap<&str, title::Title, crate::table::FastHash> = HashMap::default();
    let mut rank = Vec::with_capacity(n);
    let mut dept = Vec::with_capacity(n);
    let mut size = Vec::with_capacity(n);
    let (mut industry, mut country, mut source) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut pages, mut forms, mut opens, mut clicks) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for l in leads {
        let t = match l.title.as_deref() {
            Some(s) => *titles.entry(s).or_insert_with(|| title::parse(s)),
            None => title::Title {
                rank: None,
                department: None,
            },
        };
        rank.push(t.rank.map_or(f64::NAN, f64::from));
        dept.push(t.department);
        size.push(l.company_size.map_or(f64::NAN, f64::from));
        industry.push(l.industry.as_deref());
        country.push(l.country.as_deref());
        source.push(l.source.as_deref());
        pages.push(f64::from(l.behaviour.pages_viewed));
        forms.push(f64::from(l.behaviour.form_submissions));
        opens.push(f64::from(l.behaviour.email_opens));
        clicks.push(f64::from(l.behaviour.email_clicks));
    }
    Table {
        names: LEAD_FEATURES.iter().map(|s| s.to_string()).collect(),
        columns: vec![
            Column::Numeric(rank),
            Column::categorical(dept),
            Column::Numeric(size),
            Column::categorical(industry),
            Column::categorical(country),
            Column::categorical(source),
            Column::Numeric(pages),
            Column::Numeric(forms),
            Column::Numeric(opens),
            Column::Numeric(clicks),
            Column::Numeric(vec![f64::NAN; n]),
        ],
    }
}

/// Fills the similar-account column: from `rates` for every lead, or, for training leads
/// (`folds` = Some(labels)), without the lead's own fold.
pub fn with_similar(
    table: &mut Table,
    leads: &[&Lead],
    rates: &SimilarRates,
    folds: Option<&[bool]>,
) {
    const K: usize = 5;
    if folds.is_none() {
        // Scoring: one rate per (industry, size band), not one key string per lead.
        let mut cache: HashMap<(Option<&str>, &'static str), f64> = HashMap::new();
        let col: Vec<f64> = leads
            .iter()
            .map(|l| {
                *cache
                    .entry((l.industry.as_deref(), size_band(l.company_size)))
                    .or_insert_with(|| rates.rate(&similar_key(l), (0, 0)))
            })
            .collect();
        table.columns[SIMILAR] = Column::Numeric(col);
        return;
    }
    let keys: Vec<String> = leads.iter().map(|l| similar_key(l)).collect();
    let mut per_fold: Vec<HashMap<&str, (u32, u32)>> = vec![HashMap::new(); K];
    if let Some(labels) = folds {
        for (i, (k, &y)) in keys.iter().zip(labels).enumerate() {
            let c = per_fold[i % K].entry(k.as_str()).or_default();
            c.0 += u32::from(y);
            c.1 += 1;
        }
    }
    let col: Vec<f64> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let without = if folds.is_some() {
                per_fold[i % K].get(k.as_str()).copied().unwrap_or((0, 0))
            } else {
                (0, 0)
            };
            rates.rate(k, without)
        })
        .collect();
    table.columns[SIMILAR] = Column::Numeric(col);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_rates_are_smoothed_and_leave_a_fold_out() {
        let keys = ["a", "a", "a", "b"];
        let labels = [true, true, false, false];
        let r = SimilarRates::fit(keys, &labels);
        assert_eq!(r.prior, 0.5);
        // (2 + 20·0.5) / (3 + 20)
        assert!((r.rate("a", (0, 0)) - 12.0 / 23.0).abs() < 1e-12);
        // Without one converted lead of "a": (1 + 10) / (2 + 20).
        assert!((r.rate("a", (1, 1)) - 0.5).abs() < 1e-12);
        // An unseen key gets the prior.
        assert_eq!(r.rate("zzz", (0, 0)), 0.5);
    }
}
