//! Lead scoring, routing and model governance.
//!
//! A lead becomes a row of features ([`features`]: title rank and department, size, industry,
//! country, source, behaviour, the conversion rate of similar accounts), binned ([`table`]),
//! and scored by gradient-boosted trees ([`gbt`]) calibrated on held-out leads
//! ([`calibrate`]), or by a naive-Bayes prior ([`nb`]) while history is short; every score
//! carries its factors ([`model::Score`]). [`routing`] assigns scored leads to reps by
//! expected value, capacity and the ops lead's rules; [`report`] measures a model on held-out
//! leads (AUC, Brier, log loss, reliability, the confusion matrix at the alert threshold, a
//! threshold simulator, importance) and its drift since training. [`tabular`] reads any
//! labelled CSV. No IO beyond reading a file; the store and the server live elsewhere.
//!
//! ```
//! use roomwork_scoring::metrics::auc;
//! assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), Some(0.75));
//! ```
#![warn(missing_docs)]

pub mod calibrate;
pub mod features;
pub mod gbt;
pub mod metrics;
pub mod model;
pub mod nb;
pub mod report;
pub mod routing;
pub mod table;
pub mod tabular;
pub mod title;
pub mod train;

pub use model::{Model, Schema, Score};
