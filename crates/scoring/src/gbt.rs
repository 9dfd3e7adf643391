//! Gradient-boosted decision trees for a yes/no outcome: histogram-based, grown leaf by leaf
//! (best gain first, as LightGBM and scikit-learn's HistGradientBoosting grow them), with
//! categorical splits that group levels by their gradient ratio (Fisher's ordering, as LightGBM
//! does) and a learned direction for missing values. Written for this crate so that training,
//! batch scoring and per-factor explanations stay in one small, fast, dependency-free place.
//!
//! Trees learn from [`Binned`] rows: one byte per feature, bin 0 meaning missing. Training uses
//! the log-loss gradient and hessian, histograms built for the smaller child only (the larger
//! one is the parent's minus it), and stops early when the validation loss has not improved for
//! `patience` rounds, keeping the best round.

use serde::{Deserialize, Serialize};

use crate::calibrate::sigmoid;
use crate::table::{Binned, Binner, FeatureBins};

/// Training settings; the defaults follow LightGBM's and scikit-learn's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Shrinkage per tree.
    pub learning_rate: f64,
    /// Most trees.
    pub max_trees: usize,
    /// Most leaves per tree.
    pub max_leaves: usize,
    /// Fewest training rows in a leaf.
    pub min_rows_in_leaf: usize,
    /// Fewest hessian units in a leaf.
    pub min_hessian_in_leaf: f64,
    /// L2 penalty on leaf values.
    pub l2: f64,
    /// Extra L2 penalty and smoothing for categorical splits.
    pub categorical_smoothing: f64,
    /// Stop after this many rounds without a better validation loss.
    pub patience: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            learning_rate: 0.1,
            max_trees: 300,
            max_leaves: 31,
            min_rows_in_leaf: 20,
            min_hessian_in_leaf: 1e-3,
            l2: 0.0,
            categorical_smoothing: 10.0,
            patience: 10,
        }
    }
}

/// How a node splits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "split", rename_all = "lowercase")]
pub enum Split {
    /// A leaf.
    Leaf,
    /// Rows with bin ≤ `bin` go left; missing go left when `missing_left`.
    Numeric {
        /// Feature index.
        feature: u16,
        /// Highest bin going left.
        bin: u8,
        /// Where missing values go.
        missing_left: bool,
    },
    /// Rows whose bin is in `left` go left (missing is bin 0).
    Categorical {
        /// Feature index.
        feature: u16,
        /// Bitset over the 256 bins.
        left: [u64; 4],
    },
}

/// One node of a tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The split, or leaf.
    pub split: Split,
    /// Left child index (unused for a leaf).
    pub left: u32,
    /// Right child index.
    pub right: u32,
    /// The node's value in log-odds (a leaf's output; for inner nodes, what it would output
    /// as a leaf, used to attribute a score to the features on its path).
    pub value: f64,
    /// Training rows that reached the node.
    pub rows: u32,
}

impl Node {
    #[inline]
    fn goes_left(&self, row: &[u8]) -> Option<bool> {
        match &self.split {
            Split::Leaf => None,
            Split::Numeric {
                feature,
                bin,
                missing_left,
            } => {
                let b = row[*feature as usize];
                Some(if b == 0 { *missing_left } else { b <= *bin })
            }
            Split::Categorical { feature, left } => {
                let b = row[*feature as usize] as usize;
                Some(left[b >> 6] >> (b & 63) & 1 == 1)
            }
        }
    }

    fn feature(&self) -> Option<usize> {
        match &self.split {
            Split::Leaf => None,
            Split::Numeric { feature, .. } | Split::Categorical { feature, .. } => {
                Some(*feature as usize)
            }
        }
    }
}

/// A tree: nodes with the root at 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// The nodes.
    pub nodes: Vec<Node>,
}

impl Tree {
    #[inline]
    fn predict(&self, row: &[u8]) -> f64 {
        let mut i = 0usize;
        loop {
            let n = &self.nodes[i];
            match n.goes_left(row) {
                None => return n.value,
                Some(true) => i = n.left as usize,
                Some(false) => i = n.right as usize,
            }
        }
    }
}

/// A trained ensemble.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Booster {
    /// Log-odds before any tree.
    pub base: f64,
    /// The trees, in order.
    pub trees: Vec<Tree>,
    /// Total split gain per feature (what the trees used most).
    pub gain: Vec<f64>,
    /// Validation log loss per round, when validation rows were given.
    pub validation_loss: Vec<f64>,
}

#[derive(Clone, Copy, Default)]
struct Bin {
    g: f64,
    h: f64,
    n: u32,
}

struct Candidate {
    node: usize,
    start: usize,
    end: usize,
    hist: Vec<Bin>,
    g: f64,
    h: f64,
    best: Option<Best>,
}

#[derive(Clone)]
struct Best {
    gain: f64,
    split: Split,
}

/// Per-feature offsets into one flat histogram.
struct Layout {
    offsets: Vec<usize>,
    counts: Vec<usize>,
    categorical: Vec<bool>,
    total: usize,
}

impl Layout {
    fn new(binner: &Binner) -> Self {
        let mut offsets = Vec::new();
        let mut total = 0;
        let counts: Vec<usize> = binner.features.iter().map(FeatureBins::count).collect();
        for &c in &counts {
            offsets.push(total);
            total += c;
        }
        Layout {
            offsets,
            counts,
            categorical: binner
                .features
                .iter()
                .map(|f| matches!(f, FeatureBins::Categorical { .. }))
                .collect(),
            total,
        }
    }
}

impl Booster {
    /// Trains on `train` rows with outcomes `y`, stopping early on `valid` when given.
    pub fn train(
        binner: &Binner,
        train: &Binned,
        y: &[bool],
        valid: Option<(&Binned, &[bool])>,
        params: &Params,
        mut progress: impl FnMut(usize),
    ) -> Booster {
        let n = train.rows();
        assert_eq!(n, y.len(), "one outcome per row");
        let layout = Layout::new(binner);
        let positives = y.iter().filter(|&&v| v).count() as f64;
        let rate = ((positives + 0.5) / (n as f64 + 1.0)).clamp(1e-6, 1.0 - 1e-6);
        let base = (rate / (1.0 - rate)).ln();
        let target: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v))).collect();
        let mut raw = vec![base; n];
        let mut grad = vec![0.0; n];
        let mut hess = vec![0.0; n];
        let mut valid_raw = valid.map(|(v, _)| vec![base; v.rows()]);
        let mut booster = Booster {
            base,
            trees: Vec::new(),
            gain: vec![0.0; layout.offsets.len()],
            validation_loss: Vec::new(),
        };
        let mut best_round = 0usize;
        let mut best_loss = f64::INFINITY;
        let mut rows: Vec<u32> = (0..n as u32).collect();
        let mut scratch: Vec<u32> = vec![0; n];
        let mut leaf_of = vec![0u32; n];
        let mut gains: Vec<Vec<f64>> = Vec::new();
        let mut tree_gain = vec![0.0; layout.offsets.len()];
        for round in 0..params.max_trees {
            for i in 0..n {
                let p = sigmoid(raw[i]);
                grad[i] = p - target[i];
                hess[i] = (p * (1.0 - p)).max(1e-16);
            }
            let tree = grow(
                train,
                &grad,
                &hess,
                &layout,
                params,
                &mut rows,
                &mut scratch,
                &mut leaf_of,
                &mut tree_gain,
            );
            for i in 0..n {
                raw[i] += tree.nodes[leaf_of[i] as usize].value;
            }
            if let (Some((vb, vy)), Some(vr)) = (valid, valid_raw.as_mut()) {
                let mut loss = 0.0;
                for (i, r) in vr.iter_mut().enumerate() {
                    *r += tree.predict(vb.row(i));
                    let p = sigmoid(*r).clamp(1e-15, 1.0 - 1e-15);
                    loss -= if vy[i] { p.ln() } else { (1.0 - p).ln() };
                }
                loss /= vy.len().max(1) as f64;
                booster.validation_loss.push(loss);
                if loss < best_loss - 1e-7 {
                    best_loss = loss;
                    best_round = round + 1;
                }
            }
            booster.trees.push(tree);
            gains.push(std::mem::replace(
                &mut tree_gain,
                vec![0.0; layout.offsets.len()],
            ));
            progress(round + 1);
            if valid.is_some() && round + 1 - best_round >= params.patience {
                break;
            }
            if booster.trees.last().is_some_and(|t| t.nodes.len() == 1) {
                break;
            }
        }
        if valid.is_some() && best_round > 0 {
            booster.trees.truncate(best_round);
        }
        // Importance counts only the trees kept.
        for g in &gains[..booster.trees.len()] {
            for (total, x) in booster.gain.iter_mut().zip(g) {
                *total += x;
            }
        }
        booster
    }

    /// Raw log-odds of one binned row.
    #[inline]
    pub fn raw(&self, row: &[u8]) -> f64 {
        self.base + self.trees.iter().map(|t| t.predict(row)).sum::<f64>()
    }

    /// Raw log-odds of every row, on up to `threads` threads.
    pub fn raw_all(&self, binned: &Binned, threads: usize) -> Vec<f64> {
        let n = binned.rows();
        let mut out = vec![self.base; n];
        let threads = threads.clamp(1, 64);
        let chunk = n.div_ceil(threads).max(1);
        std::thread::scope(|s| {
            for (k, part) in out.chunks_mut(chunk).enumerate() {
                s.spawn(move || {
                    let first = k * chunk;
                    // Tree by tree over a block of rows keeps one tree hot in cache.
                    for block in (0..part.len()).step_by(4096) {
                        let end = (block + 4096).min(part.len());
                        for tree in &self.trees {
                            for (i, o) in part[block..end].iter_mut().enumerate() {
                                *o += tree.predict(binned.row(first + block + i));
                            }
                        }
                    }
                });
            }
        });
        out
    }

    /// Each feature's share of the raw score of one row (the change in node value along the
    /// path, attributed to the feature split on; Saabas's method), with the base value.
    pub fn contributions(&self, row: &[u8], features: usize) -> (f64, Vec<f64>) {
        let mut c = vec![0.0; features];
        let mut bias = self.base;
        for t in &self.trees {
            let mut i = 0usize;
            bias += t.nodes[0].value;
            loop {
                let n = &t.nodes[i];
                let Some(left) = n.goes_left(row) else { break };
                let next = if left { n.left } else { n.right } as usize;
                if let Some(f) = n.feature() {
                    c[f] += t.nodes[next].value - n.value;
                }
                i = next;
            }
        }
        (bias, c)
    }
}

#[allow(clippy::too_many_arguments)]
fn grow(
    data: &Binned,
    grad: &[f64],
    hess: &[f64],
    layout: &Layout,
    params: &Params,
    rows: &mut [u32],
    scratch: &mut [u32],
    leaf_of: &mut [u32],
    gain: &mut [f64],
) -> Tree {
    let n = rows.len();
    let nf = data.features;
    let leaf_value = |g: f64, h: f64| -g / (h + params.l2) * params.learning_rate;
    let (g, h) = (grad.iter().sum::<f64>(), hess.iter().sum::<f64>());
    let mut nodes = vec![Node {
        split: Split::Leaf,
        left: 0,
        right: 0,
        value: leaf_value(g, h),
        rows: n as u32,
    }];
    let hist = histogram(data, grad, hess, layout, &rows[..n]);
    let mut open = vec![Candidate {
        node: 0,
        start: 0,
        end: n,
        best: best_split(&hist, g, h, n as u32, layout, params),
        hist,
        g,
        h,
    }];
    let mut leaves = 1;
    while leaves < params.max_leaves {
        let Some(pick) = open
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.best.as_ref().map(|b| (i, b.gain)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
        else {
            break;
        };
        let parent = open.swap_remove(pick);
        let best = parent.best.clone().expect("picked for its split");
        let probe = Node {
            split: best.split.clone(),
            left: 0,
            right: 0,
            value: 0.0,
            rows: 0,
        };
        // Stable partition of the node's rows: left ones first.
        let (mut l, mut r) = (parent.start, 0usize);
        for k in parent.start..parent.end {
            let row = rows[k];
            let base = row as usize * nf;
            if probe.goes_left(&data.bins[base..base + nf]) == Some(true) {
                rows[l] = row;
                l += 1;
            } else {
                scratch[r] = row;
                r += 1;
            }
        }
        rows[l..parent.end].copy_from_slice(&scratch[..r]);
        let mid = l;
        let (small, large) = if mid - parent.start <= parent.end - mid {
            ((parent.start, mid), (mid, parent.end))
        } else {
            ((mid, parent.end), (parent.start, mid))
        };
        let small_hist = histogram(data, grad, hess, layout, &rows[small.0..small.1]);
        let mut large_hist = parent.hist;
        for (a, b) in large_hist.iter_mut().zip(&small_hist) {
            a.g -= b.g;
            a.h -= b.h;
            a.n -= b.n;
        }
        let sum = |hist: &[Bin]| {
            // Every feature's bins cover all rows; feature 0's sum is the node's.
            hist[..layout.counts[0]]
                .iter()
                .fold((0.0, 0.0), |acc, b| (acc.0 + b.g, acc.1 + b.h))
        };
        let (sg, sh) = sum(&small_hist);
        let (lg, lh) = (parent.g - sg, parent.h - sh);
        if let Some(f) = match &best.split {
            Split::Numeric { feature, .. } | Split::Categorical { feature, .. } => {
                Some(*feature as usize)
            }
            Split::Leaf => None,
        } {
            gain[f] += best.gain;
        }
        let mut children = Vec::with_capacity(2);
        for ((start, end), hist, g, h) in [(small, small_hist, sg, sh), (large, large_hist, lg, lh)]
        {
            let id = nodes.len();
            nodes.push(Node {
                split: Split::Leaf,
                left: 0,
                right: 0,
                value: leaf_value(g, h),
                rows: (end - start) as u32,
            });
            let best = best_split(&hist, g, h, (end - start) as u32, layout, params);
            children.push(Candidate {
                node: id,
                start,
                end,
                hist,
                g,
                h,
                best,
            });
        }
        let (left_id, right_id) = if small.0 == parent.start {
            (children[0].node, children[1].node)
        } else {
            (children[1].node, children[0].node)
        };
        let p = &mut nodes[parent.node];
        p.split = best.split;
        p.left = left_id as u32;
        p.right = right_id as u32;
        open.extend(children);
        leaves += 1;
    }
    for c in &open {
        for &row in &rows[c.start..c.end] {
            leaf_of[row as usize] = c.node as u32;
        }
    }
    Tree { nodes }
}

fn histogram(data: &Binned, grad: &[f64], hess: &[f64], layout: &Layout, rows: &[u32]) -> Vec<Bin> {
    // Large nodes are counted on two threads, each over half the rows, then summed.
    if rows.len() >= 16_384 {
        let (a, b) = rows.split_at(rows.len() / 2);
        let (mut left, right) = std::thread::scope(|s| {
            let other = s.spawn(|| histogram_on(data, grad, hess, layout, b));
            (
                histogram_on(data, grad, hess, layout, a),
                other.join().expect("histogram thread"),
            )
        });
        for (x, y) in left.iter_mut().zip(&right) {
            x.g += y.g;
            x.h += y.h;
            x.n += y.n;
        }
        return left;
    }
    histogram_on(data, grad, hess, layout, rows)
}

fn histogram_on(
    data: &Binned,
    grad: &[f64],
    hess: &[f64],
    layout: &Layout,
    rows: &[u32],
) -> Vec<Bin> {
    let nf = data.features;
    let mut hist = vec![Bin::default(); layout.total];
    for &row in rows {
        let r = row as usize;
        let (g, h) = (grad[r], hess[r]);
        let bins = &data.bins[r * nf..(r + 1) * nf];
        for (f, &b) in bins.iter().enumerate() {
            let cell = &mut hist[layout.offsets[f] + b as usize];
            cell.g += g;
            cell.h += h;
            cell.n += 1;
        }
    }
    hist
}

fn best_split(
    hist: &[Bin],
    g: f64,
    h: f64,
    n: u32,
    layout: &Layout,
    params: &Params,
) -> Option<Best> {
    let min_rows = params.min_rows_in_leaf as u32;
    if n < 2 * min_rows {
        return None;
    }
    let score = |g: f64, h: f64, l2: f64| g * g / (h + l2);
    let mut best: Option<Best> = None;
    let mut consider = |gain: f64, split: Split| {
        if gain > 1e-9 && best.as_ref().is_none_or(|b| gain > b.gain) {
            best = Some(Best { gain, split });
        }
    };
    let ok = |ln: u32, lh: f64, rn: u32, rh: f64| {
        ln >= min_rows
            && rn >= min_rows
            && lh >= params.min_hessian_in_leaf
            && rh >= params.min_hessian_in_leaf
    };
    for f in 0..layout.offsets.len() {
        let bins = &hist[layout.offsets[f]..layout.offsets[f] + layout.counts[f]];
        if layout.categorical[f] {
            let l2 = params.l2 + params.categorical_smoothing;
            let parent = score(g, h, l2);
            let mut used: Vec<(u8, f64)> = bins
                .iter()
                .enumerate()
                .filter(|(_, b)| b.n > 0)
                .map(|(i, b)| (i as u8, b.g / (b.h + params.categorical_smoothing)))
                .collect();
            if used.len() < 2 {
                continue;
            }
            used.sort_unstable_by(|a, b| a.1.total_cmp(&b.1));
            let (mut lg, mut lh, mut ln) = (0.0, 0.0, 0u32);
            let mut set = [0u64; 4];
            for &(b, _) in &used[..used.len() - 1] {
                let cell = bins[b as usize];
                lg += cell.g;
                lh += cell.h;
                ln += cell.n;
                set[(b >> 6) as usize] |= 1 << (b & 63);
                let (rg, rh, rn) = (g - lg, h - lh, n - ln);
                if ok(ln, lh, rn, rh) {
                    let gain = score(lg, lh, l2) + score(rg, rh, l2) - parent;
                    consider(
                        gain,
                        Split::Categorical {
                            feature: f as u16,
                            left: set,
                        },
                    );
                }
            }
        } else {
            let parent = score(g, h, params.l2);
            let missing = bins[0];
            let (mut lg, mut lh, mut ln) = (0.0, 0.0, 0u32);
            let last = bins.len().saturating_sub(1);
            for (t, cell) in bins.iter().enumerate().take(last).skip(1) {
                lg += cell.g;
                lh += cell.h;
                ln += cell.n;
                for missing_left in [false, true] {
                    if missing.n == 0 && missing_left {
                        continue;
                    }
                    let (xg, xh, xn) = if missing_left {
                        (lg + missing.g, lh + missing.h, ln + missing.n)
                    } else {
                        (lg, lh, ln)
                    };
                    let (rg, rh, rn) = (g - xg, h - xh, n - xn);
                    if ok(xn, xh, rn, rh) {
                        let gain = score(xg, xh, params.l2) + score(rg, rh, params.l2) - parent;
                        consider(
                            gain,
                            Split::Numeric {
                                feature: f as u16,
                                bin: t as u8,
                                // Unseen missing values follow the larger side.
                                missing_left: if missing.n == 0 {
                                    xn >= rn
                                } else {
                                    missing_left
                                },
                            },
                        );
                    }
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::auc;
    use crate::table::{Column, Table};

    fn lcg(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    /// y depends on an interaction of a number and a level, with missing numbers informative.
    fn synthetic(n: usize, seed: u64) -> (Table, Vec<bool>) {
        let mut s = seed;
        let levels = ["referral", "web", "list", "show"];
        let (mut x, mut c, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let missing = lcg(&mut s) < 0.1;
            let v = lcg(&mut s) * 10.0;
            let l = levels[(lcg(&mut s) * 4.0) as usize];
            let logit = if missing {
                1.0
            } else if l == "referral" || l == "show" {
                v - 5.0
            } else {
                -(v - 5.0)
            };
            y.push(lcg(&mut s) < sigmoid(logit));
            x.push(if missing { f64::NAN } else { v });
            c.push(Some(l.to_string()));
        }
        (
            Table {
                names: vec!["x".into(), "source".into()],
                columns: vec![Column::Numeric(x), Column::categorical(c)],
            },
            y,
        )
    }

    #[test]
    fn trees_learn_an_interaction_with_missing_values_near_the_best_possible_ranking() {
        let (train, ty) = synthetic(8000, 1);
        let (test, vy) = synthetic(4000, 2);
        let binner = Binner::fit(&train, 256, 5);
        let (tb, vb) = (binner.transform(&train), binner.transform(&test));
        let booster = Booster::train(
            &binner,
            &tb,
            &ty,
            Some((&vb, &vy)),
            &Params::default(),
            |_| {},
        );
        let scores = booster.raw_all(&vb, 2);
        let got = auc(&scores, &vy).unwrap();
        // The Bayes-optimal ranking on the same rows (the true logit) is the ceiling.
        let truth: Vec<f64> = (0..test.rows())
            .map(|i| {
                let (Column::Numeric(x), Column::Categorical(c)) =
                    (&test.columns[0], &test.columns[1])
                else {
                    unreachable!()
                };
                let l = c.get(i).unwrap();
                if x[i].is_nan() {
                    1.0
                } else if l == "referral" || l == "show" {
                    x[i] - 5.0
                } else {
                    5.0 - x[i]
                }
            })
            .collect();
        let ceiling = auc(&truth, &vy).unwrap();
        assert!(
            got > ceiling - 0.02,
            "trees {got:.4} vs ceiling {ceiling:.4}"
        );
        assert!(
            booster.trees.len() < Params::default().max_trees,
            "early stopping stopped"
        );
        // A single-thread and a two-thread pass give the same scores.
        assert_eq!(booster.raw_all(&vb, 1), scores);
    }

    #[test]
    fn contributions_add_up_to_the_raw_score() {
        let (train, ty) = synthetic(3000, 3);
        let binner = Binner::fit(&train, 256, 5);
        let tb = binner.transform(&train);
        let booster = Booster::train(
            &binner,
            &tb,
            &ty,
            None,
            &Params {
                max_trees: 30,
                ..Params::default()
            },
            |_| {},
        );
        for r in 0..50 {
            let (bias, c) = booster.contributions(tb.row(r), 2);
            let total = bias + c.iter().sum::<f64>();
            assert!((total - booster.raw(tb.row(r))).abs() < 1e-9);
        }
        assert!(
            booster.gain.iter().all(|&g| g > 0.0),
            "both features used: {:?}",
            booster.gain
        );
    }

    #[test]
    fn a_saved_booster_scores_as_the_trained_one() {
        let (train, ty) = synthetic(2000, 4);
        let binner = Binner::fit(&train, 256, 5);
        let tb = binner.transform(&train);
        let booster = Booster::train(
            &binner,
            &tb,
            &ty,
            None,
            &Params {
                max_trees: 10,
                ..Params::default()
            },
            |_| {},
        );
        let back: Booster =
            serde_json::from_str(&serde_json::to_string(&booster).unwrap()).unwrap();
        assert_eq!(back.raw_all(&tb, 1), booster.raw_all(&tb, 1));
    }
}
