//! Feature tables: named columns, numeric (NaN for missing) or categorical (text levels), and
//! their binning into at most 255 bins per feature, the form the trees learn from and score.
//!
//! Bin 0 is always "missing". Numeric bins follow the distinct values (midpoints) or, with many
//! values, their quantiles; categorical bins are the levels seen at least `min_level_count`
//! times, most frequent first, plus one bin for every rarer or unseen level.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The most bins a feature gets, missing included.
pub const MAX_BINS: usize = 256;

/// One column of a feature table.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Numbers; `NaN` is missing.
    Numeric(Vec<f64>),
    /// Text levels, dictionary-encoded.
    Categorical(Levels),
}

/// FNV-1a: a fast hash for the short texts of feature columns (titles, industries, sources),
/// where the standard SipHash was a third of scoring time. Not for untrusted keys in long-lived
/// maps; these maps live for one table.
#[derive(Clone, Copy, Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Builds [`Fnv`] hashers.
pub type FastHash = std::hash::BuildHasherDefault<Fnv>;

/// A dictionary-encoded text column: each row a code into `names`, [`Levels::MISSING`] for none.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Levels {
    /// One code per row.
    pub codes: Vec<u32>,
    /// The distinct texts.
    pub names: Vec<String>,
}

impl Levels {
    /// The code of a missing value.
    pub const MISSING: u32 = u32::MAX;

    /// Encodes texts.
    pub fn encode<S: AsRef<str>>(values: impl IntoIterator<Item = Option<S>>) -> Self {
        let mut index: HashMap<String, u32, FastHash> = HashMap::default();
        let mut names = Vec::new();
        let codes = values
            .into_iter()
            .map(|v| match v {
                None => Levels::MISSING,
                Some(s) => {
                    let s = s.as_ref();
                    match index.get(s) {
                        Some(&c) => c,
                        None => {
                            let c = names.len() as u32;
                            names.push(s.to_string());
                            index.insert(s.to_string(), c);
                            c
                        }
                    }
                }
            })
            .collect();
        Levels { codes, names }
    }

    /// A row's text.
    pub fn get(&self, row: usize) -> Option<&str> {
        self.names.get(self.codes[row] as usize).map(String::as_str)
    }
}

impl Column {
    /// A text column from values.
    pub fn categorical<S: AsRef<str>>(values: impl IntoIterator<Item = Option<S>>) -> Self {
        Column::Categorical(Levels::encode(values))
    }

    /// Rows in the column.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(v) => v.codes.len(),
        }
    }

    /// True for a column without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn pick(&self, rows: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(rows.iter().map(|&r| v[r]).collect()),
            Column::Categorical(v) => Column::Categorical(Levels {
                codes: rows.iter().map(|&r| v.codes[r]).collect(),
                names: v.names.clone(),
            }),
        }
    }
}

/// Named feature columns of equal length.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    /// Feature names, one per column.
    pub names: Vec<String>,
    /// The columns.
    pub columns: Vec<Column>,
}

impl Table {
    /// Rows in the table.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// The table restricted to `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Table {
        Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.pick(rows)).collect(),
        }
    }
}

/// How one feature's values become bins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FeatureBins {
    /// Value `x` goes to bin `1 + #{edges < x}`.
    Numeric {
        /// Ascending upper edges.
        edges: Vec<f64>,
    },
    /// Level `levels[i]` goes to bin `i + 1`; anything else to `levels.len() + 1`.
    Categorical {
        /// Levels kept, most frequent first.
        levels: Vec<String>,
    },
}

impl FeatureBins {
    /// Bins in use, missing included.
    pub fn count(&self) -> usize {
        match self {
            FeatureBins::Numeric { edges } => edges.len() + 2,
            FeatureBins::Categorical { levels } => levels.len() + 2,
        }
    }

    /// Words for a bin, as a rep reads it.
    pub fn describe(&self, bin: u8) -> String {
        match (self, bin) {
            (_, 0) => "unknown".into(),
            (FeatureBins::Numeric { edges }, b) => {
                let b = b as usize;
                match (edges.get(b.wrapping_sub(2)), edges.get(b - 1)) {
                    (None, Some(hi)) => format!("up to {}", number(*hi)),
                    (Some(lo), Some(hi)) => format!("{} to {}", number(*lo), number(*hi)),
                    (Some(lo), None) => format!("over {}", number(*lo)),
                    (None, None) => "any".into(),
                }
            }
            (FeatureBins::Categorical { levels }, b) => levels
                .get(b as usize - 1)
                .cloned()
                .unwrap_or_else(|| "another value".into()),
        }
    }
}

fn number(x: f64) -> String {
    if x.fract().abs() < 1e-9 || x.abs() >= 100.0 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.2}")
    }
}

/// Binning for every feature of a table, learned from training rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Binner {
    /// Feature names, in column order.
    pub names: Vec<String>,
    /// One binning per feature.
    pub features: Vec<FeatureBins>,
    #[serde(skip)]
    lookup: Vec<HashMap<String, u8>>,
}

/// A binned table, row-major: `bins[row * features + feature]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Binned {
    /// Features per row.
    pub features: usize,
    /// The bins.
    pub bins: Vec<u8>,
}

impl Binned {
    /// Rows held.
    pub fn rows(&self) -> usize {
        self.bins.len().checked_div(self.features).unwrap_or(0)
    }

    /// The rows given, in that order.
    pub fn select(&self, rows: &[usize]) -> Binned {
        let mut bins = Vec::with_capacity(rows.len() * self.features);
        for &r in rows {
            bins.extend_from_slice(self.row(r));
        }
        Binned {
            features: self.features,
            bins,
        }
    }

    /// One row's bins.
    pub fn row(&self, r: usize) -> &[u8] {
        &self.bins[r * self.features..(r + 1) * self.features]
    }
}

impl Binner {
    /// Learns bins from a table: at most `max_bins` per feature (missing included), and
    /// categorical levels seen at least `min_level_count` times.
    pub fn fit(table: &Table, max_bins: usize, min_level_count: usize) -> Self {
        let max_bins = max_bins.clamp(3, MAX_BINS);
        let features = table
            .columns
            .iter()
            .map(|c| match c {
                Column::Numeric(v) => FeatureBins::Numeric {
                    edges: numeric_edges(v, max_bins - 2),
                },
                Column::Categorical(v) => {
                    let mut counts = vec![0usize; v.names.len()];
                    for &c in &v.codes {
                        if c != Levels::MISSING {
                            counts[c as usize] += 1;
                        }
                    }
                    let mut levels: Vec<(&str, usize)> = v
                        .names
                        .iter()
                        .map(String::as_str)
                        .zip(counts)
                        .filter(|&(_, n)| n >= min_level_count)
                        .collect();
                    levels.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                    levels.truncate(max_bins - 2);
                    FeatureBins::Categorical {
                        levels: levels.into_iter().map(|(s, _)| s.to_string()).collect(),
                    }
                }
            })
            .collect();
        Binner::new(table.names.clone(), features)
    }

    /// A binner from saved parts (builds the level lookup).
    pub fn new(names: Vec<String>, features: Vec<FeatureBins>) -> Self {
        let mut b = Binner {
            names,
            features,
            lookup: Vec::new(),
        };
        b.index();
        b
    }

    /// Rebuilds the level lookup after deserializing.
    pub fn index(&mut self) {
        self.lookup = self
            .features
            .iter()
            .map(|f| match f {
                FeatureBins::Categorical { levels } => levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (l.clone(), (i + 1) as u8))
                    .collect(),
                FeatureBins::Numeric { .. } => HashMap::new(),
            })
            .collect();
    }

    /// The bin of a number for feature `f`.
    #[inline]
    pub fn bin_number(&self, f: usize, x: f64) -> u8 {
        match &self.features[f] {
            FeatureBins::Numeric { edges } => {
                if x.is_nan() {
                    0
                } else {
                    (1 + edges.partition_point(|&e| e < x)) as u8
                }
            }
            FeatureBins::Categorical { .. } => self.bin_level(f, Some(&number(x))),
        }
    }

    /// The bin of a text level for feature `f`.
    #[inline]
    pub fn bin_level(&self, f: usize, level: Option<&str>) -> u8 {
        match (&self.features[f], level) {
            (_, None) => 0,
            (FeatureBins::Categorical { levels }, Some(s)) => self.lookup[f]
                .get(s)
                .copied()
                .unwrap_or((levels.len() + 1) as u8),
            (FeatureBins::Numeric { .. }, Some(s)) => {
                self.bin_number(f, s.trim().parse().unwrap_or(f64::NAN))
            }
        }
    }

    /// A coarser binner over the same features, with `binned` (this binner's output) re-binned
    /// by it: numbers in at most `bands` bands of about equal counts (cut at this binner's
    /// edges), levels as here.
    pub fn coarsen(&self, binned: &Binned, bands: usize) -> (Binner, Binned) {
        let nf = self.features.len();
        let mut maps: Vec<Vec<u8>> = Vec::with_capacity(nf);
        let mut features = Vec::with_capacity(nf);
        for (f, fb) in self.features.iter().enumerate() {
            match fb {
                FeatureBins::Categorical { .. } => {
                    maps.push((0..=255u8).collect());
                    features.push(fb.clone());
                }
                FeatureBins::Numeric { edges } => {
                    let mut counts = vec![0usize; fb.count()];
                    for r in 0..binned.rows() {
                        counts[binned.bins[r * nf + f] as usize] += 1;
                    }
                    let total: usize = counts[1..].iter().sum();
                    let mut cuts = Vec::new();
                    let mut map = vec![0u8; 256];
                    let (mut seen, mut band) = (0usize, 1u8);
                    for b in 1..counts.len() {
                        map[b] = band;
                        seen += counts[b];
                        let due = (cuts.len() + 1) * total / bands.max(1);
                        if seen >= due
                            && cuts.len() + 1 < bands
                            && b - 1 < edges.len()
                            && seen < total
                        {
                            cuts.push(edges[b - 1]);
                            band += 1;
                        }
                    }
                    maps.push(map);
                    features.push(FeatureBins::Numeric { edges: cuts });
                }
            }
        }
        let bins = binned
            .bins
            .iter()
            .enumerate()
            .map(|(i, &b)| maps[i % nf][b as usize])
            .collect();
        (
            Binner::new(self.names.clone(), features),
            Binned { features: nf, bins },
        )
    }

    /// Bins a whole table whose columns are in this binner's order.
    pub fn transform(&self, table: &Table) -> Binned {
        let n = table.rows();
        let nf = self.features.len();
        let mut bins = vec![0u8; n * nf];
        for (f, col) in table.columns.iter().enumerate() {
            match col {
                Column::Numeric(v) => {
                    for (r, &x) in v.iter().enumerate() {
                        bins[r * nf + f] = self.bin_number(f, x);
                    }
                }
                Column::Categorical(v) => {
                    // One lookup per distinct text, not per row.
                    let map: Vec<u8> = v.names.iter().map(|s| self.bin_level(f, Some(s))).collect();
                    for (r, &c) in v.codes.iter().enumerate() {
                        bins[r * nf + f] = map.get(c as usize).copied().unwrap_or(0);
                    }
                }
            }
        }
        Binned { features: nf, bins }
    }
}

/// Upper edges for at most `slots` value bins: midpoints between distinct values when they are
/// few, else between quantiles of the distinct-value-weighted sample.
fn numeric_edges(values: &[f64], slots: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return Vec::new();
    }
    v.sort_unstable_by(f64::total_cmp);
    let mut distinct: Vec<(f64, usize)> = Vec::new();
    for x in v.iter().copied() {
        match distinct.last_mut() {
            Some((d, n)) if *d == x => *n += 1,
            _ => distinct.push((x, 1)),
        }
    }
    if distinct.len() <= slots {
        return distinct
            .windows(2)
            .map(|w| (w[0].0 + w[1].0) / 2.0)
            .collect();
    }
    // Quantile edges over all values; repeated edges collapse.
    let mut edges: Vec<f64> = Vec::with_capacity(slots);
    for k in 1..slots {
        let q = v[(k * v.len()) / slots];
        // Place the edge between q and the next distinct value, so equal values share a bin.
        let i = distinct.partition_point(|d| d.0 <= q);
        let edge = match distinct.get(i) {
            Some(next) => (q + next.0) / 2.0,
            None => continue,
        };
        if edges.last().is_none_or(|&l| edge > l) {
            edges.push(edge);
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            names: vec!["size".into(), "source".into()],
            columns: vec![
                Column::Numeric(vec![10.0, 20.0, f64::NAN, 20.0, 500.0]),
                Column::categorical([
                    Some("Web"),
                    Some("Web"),
                    None,
                    Some("Referral"),
                    Some("Fax"),
                ]),
            ],
        }
    }

    #[test]
    fn missing_values_take_bin_zero_and_unseen_levels_the_last_bin() {
        let b = Binner::fit(&table(), 256, 2);
        let binned = b.transform(&table());
        // size: edges 15, 260 → 10 → 1, 20 → 2, NaN → 0, 500 → 3.
        assert_eq!(
            binned.bins.iter().step_by(2).copied().collect::<Vec<_>>(),
            vec![1, 2, 0, 2, 3]
        );
        // source: only "Web" is seen twice; Referral and Fax share the "another value" bin.
        assert_eq!(
            binned
                .bins
                .iter()
                .skip(1)
                .step_by(2)
                .copied()
                .collect::<Vec<_>>(),
            vec![1, 1, 0, 2, 2]
        );
        assert_eq!(b.bin_level(1, Some("Carrier pigeon")), 2);
        assert_eq!(b.features[1].describe(2), "another value");
        assert_eq!(b.features[0].describe(3), "over 260");
        assert_eq!(b.features[0].describe(1), "up to 15");
    }

    #[test]
    fn a_coarsened_binner_bins_raw_values_as_it_re_binned_them() {
        let v: Vec<f64> = (0..1000).map(|i| (i % 100) as f64).collect();
        let t = Table {
            names: vec!["pages".into()],
            columns: vec![Column::Numeric(v)],
        };
        let fine = Binner::fit(&t, 256, 1);
        let (coarse, rebinned) = fine.coarsen(&fine.transform(&t), 5);
        assert_eq!(coarse.transform(&t), rebinned);
        let FeatureBins::Numeric { edges } = &coarse.features[0] else {
            unreachable!()
        };
        assert_eq!(edges, &vec![19.5, 39.5, 59.5, 79.5]);
    }

    #[test]
    fn many_distinct_values_are_cut_at_quantiles_within_the_bin_limit() {
        let v: Vec<f64> = (0..10_000).map(|i| (i % 997) as f64).collect();
        let edges = numeric_edges(&v, 254);
        assert!(edges.len() <= 254 && edges.len() > 200, "{}", edges.len());
        assert!(edges.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_saved_binner_bins_as_the_fitted_one_did() {
        let b = Binner::fit(&table(), 256, 1);
        let json = serde_json::to_string(&b).unwrap();
        let mut back: Binner = serde_json::from_str(&json).unwrap();
        back.index();
        assert_eq!(back.transform(&table()), b.transform(&table()));
    }
}
