//! Calibration: turning the trees' raw score into a probability that means what it says (a
//! score of 0.3 converts about 30% of the time), fitted on leads the trees did not learn from.
//!
//! Platt scaling fits `1 / (1 + exp(-(a·s + b)))` by Newton's method with Platt's smoothed
//! targets (Platt 1999; the safeguarded form of Lin, Lin and Weng 2007); it keeps the ranking
//! exactly, so AUC is unchanged. Isotonic regression (pool-adjacent-violators) fits any monotone
//! step curve; it needs more data and can tie scores that were apart, so Platt is the default.

use serde::{Deserialize, Serialize};

/// Which calibration to fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Logistic curve over the raw score.
    #[default]
    Platt,
    /// Monotone step curve, linearly interpolated.
    Isotonic,
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "platt" => Ok(Method::Platt),
            "isotonic" => Ok(Method::Isotonic),
            other => Err(format!("calibration `{other}`: use platt or isotonic")),
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Platt => "Platt",
            Method::Isotonic => "isotonic",
        })
    }
}

/// A fitted calibration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Calibrator {
    /// `sigmoid(a·s + b)`.
    Platt {
        /// Slope.
        a: f64,
        /// Intercept.
        b: f64,
    },
    /// Linear interpolation through `(x, y)` points, `x` ascending.
    Isotonic {
        /// Raw scores at the block centres.
        x: Vec<f64>,
        /// Calibrated probabilities there.
        y: Vec<f64>,
    },
}

impl Calibrator {
    /// Fits `method` to raw scores and outcomes.
    pub fn fit(method: Method, scores: &[f64], labels: &[bool]) -> Self {
        match method {
            Method::Platt => {
                let (a, b) = platt(scores, labels);
                Calibrator::Platt { a, b }
            }
            Method::Isotonic => {
                let (x, y) = isotonic(scores, labels);
                Calibrator::Isotonic { x, y }
            }
        }
    }

    /// The method fitted.
    pub fn method(&self) -> Method {
        match self {
            Calibrator::Platt { .. } => Method::Platt,
            Calibrator::Isotonic { .. } => Method::Isotonic,
        }
    }

    /// The calibrated probability of a raw score.
    pub fn apply(&self, s: f64) -> f64 {
        match self {
            Calibrator::Platt { a, b } => sigmoid(a * s + b),
            Calibrator::Isotonic { x, y } => {
                if x.is_empty() {
                    return 0.5;
                }
                let i = x.partition_point(|&v| v <= s);
                let p = if i == 0 {
                    y[0]
                } else if i == x.len() {
                    y[x.len() - 1]
                } else {
                    let (x0, x1, y0, y1) = (x[i - 1], x[i], y[i - 1], y[i]);
                    y0 + (y1 - y0) * (s - x0) / (x1 - x0)
                };
                p.clamp(1e-6, 1.0 - 1e-6)
            }
        }
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Platt's fit: Newton steps with a backtracking line search on the smoothed log-likelihood.
fn platt(scores: &[f64], labels: &[bool]) -> (f64, f64) {
    let pos = labels.iter().filter(|&&y| y).count() as f64;
    let neg = labels.len() as f64 - pos;
    let hi = (pos + 1.0) / (pos + 2.0);
    let lo = 1.0 / (neg + 2.0);
    let t: Vec<f64> = labels.iter().map(|&y| if y { hi } else { lo }).collect();
    let objective = |a: f64, b: f64| -> f64 {
        scores
            .iter()
            .zip(&t)
            .map(|(&s, &t)| {
                let z = a * s + b;
                // -[t ln p + (1-t) ln(1-p)] with p = sigmoid(z), written stably.
                let log1pexp = if z > 0.0 {
                    z + (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
                log1pexp - t * z
            })
            .sum()
    };
    // The trees' raw score is already a log-odds: start from the identity.
    let (mut a, mut b) = (1.0, 0.0);
    let mut f = objective(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
        for (&s, &t) in scores.iter().zip(&t) {
            let p = sigmoid(a * s + b);
            let d = p - t;
            let w = p * (1.0 - p);
            ga += d * s;
            gb += d;
            haa += w * s * s;
            hab += w * s;
            hbb += w;
        }
        if ga.abs() < 1e-9 && gb.abs() < 1e-9 {
            break;
        }
        let det = haa * hbb - hab * hab;
        let (da, db) = if det.abs() > 1e-18 {
            (-(hbb * ga - hab * gb) / det, -(haa * gb - hab * ga) / det)
        } else {
            (-ga, -gb)
        };
        let mut step = 1.0;
        loop {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = objective(na, nb);
            if nf < f + 1e-4 * step * (ga * da + gb * db) {
                a = na;
                b = nb;
                f = nf;
                break;
            }
            step /= 2.0;
            if step < 1e-10 {
                return (a, b);
            }
        }
    }
    (a, b)
}

/// Pool-adjacent-violators over scores sorted ascending; returns block centres and means.
fn isotonic(scores: &[f64], labels: &[bool]) -> (Vec<f64>, Vec<f64>) {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&i, &j| scores[i].total_cmp(&scores[j]));
    // Blocks: (sum of x, sum of y, weight); equal scores start in one block.
    let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    for &i in &order {
        let (x, y) = (scores[i], f64::from(u8::from(labels[i])));
        match (last, blocks.last_mut()) {
            (Some(l), Some(b)) if l == x => {
                b.0 += x;
                b.1 += y;
                b.2 += 1.0;
            }
            _ => blocks.push((x, y, 1.0)),
        }
        last = Some(x);
        while blocks.len() >= 2 {
            let n = blocks.len();
            let (prev, cur) = (blocks[n - 2], blocks[n - 1]);
            if prev.1 / prev.2 > cur.1 / cur.2 {
                blocks[n - 2] = (prev.0 + cur.0, prev.1 + cur.1, prev.2 + cur.2);
                blocks.pop();
            } else {
                break;
            }
        }
    }
    blocks.iter().map(|&(sx, sy, w)| (sx / w, sy / w)).unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators_into_their_mean() {
        // Outcomes by score: 0, 1, 0, 1, 1 → the (1, 0) violation pools to 0.5.
        let (x, y) = isotonic(
            &[1.0, 2.0, 3.0, 4.0, 5.0],
            &[false, true, false, true, true],
        );
        assert_eq!(x, vec![1.0, 2.5, 4.0, 5.0]);
        assert_eq!(y, vec![0.0, 0.5, 1.0, 1.0]);
        let c = Calibrator::Isotonic { x, y };
        // Interpolated between centres 1.0 (0.0) and 2.5 (0.5).
        assert!((c.apply(1.75) - 0.25).abs() < 1e-12);
        // Clamped past the ends, never exactly 0 or 1.
        assert!(c.apply(-9.0) > 0.0 && c.apply(99.0) < 1.0);
    }

    #[test]
    fn platt_reaches_the_optimum_of_its_smoothed_likelihood() {
        // At the optimum the gradient vanishes: sum(p - t) = 0 and sum((p - t) s) = 0.
        let scores: Vec<f64> = (0..200).map(|i| (i as f64 - 100.0) / 25.0).collect();
        let labels: Vec<bool> = (0..200).map(|i| (i * 7919) % 100 < i / 2).collect();
        let Calibrator::Platt { a, b } = Calibrator::fit(Method::Platt, &scores, &labels) else {
            unreachable!()
        };
        let pos = labels.iter().filter(|&&y| y).count() as f64;
        let neg = 200.0 - pos;
        let (mut g0, mut g1) = (0.0, 0.0);
        for (&s, &y) in scores.iter().zip(&labels) {
            let t = if y {
                (pos + 1.0) / (pos + 2.0)
            } else {
                1.0 / (neg + 2.0)
            };
            let d = sigmoid(a * s + b) - t;
            g0 += d;
            g1 += d * s;
        }
        assert!(g0.abs() < 1e-6 && g1.abs() < 1e-6, "gradient {g0} {g1}");
        assert!(a > 0.0, "higher scores convert more here");
    }

    #[test]
    fn platt_recovers_a_known_logistic_curve() {
        // Outcomes drawn from sigmoid(2s - 1) with a fixed pseudo-random sequence.
        let mut state = 12345u64;
        let mut uniform = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let scores: Vec<f64> = (0..20000).map(|i| (i % 400) as f64 / 100.0 - 2.0).collect();
        let labels: Vec<bool> = scores
            .iter()
            .map(|&s| uniform() < sigmoid(2.0 * s - 1.0))
            .collect();
        let Calibrator::Platt { a, b } = Calibrator::fit(Method::Platt, &scores, &labels) else {
            unreachable!()
        };
        assert!(
            (a - 2.0).abs() < 0.1 && (b + 1.0).abs() < 0.1,
            "a {a} b {b}"
        );
    }
}
