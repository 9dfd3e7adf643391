//! The demo company: a seeded, deterministic, realistic sample of a B2B seller's sales data.
//!
//! Brightwater Industrial Supply sells pumps, valves, instrumentation, spares, service
//! contracts and retrofit projects to manufacturers and utilities. The generator makes its
//! reps, customer accounts across tiers (a few clearly at risk: open critical issues,
//! back-ordered orders), contacts, two years of inbound leads whose conversion depends on
//! their features through a fixed logistic model, deals with stage histories (some stalled,
//! some slipping), activities, rough meeting notes, sales-call transcripts in WebVTT and a
//! portfolio of past projects. The same seed and "today" give the same company, byte for byte.
//!
//! Large sizes are produced as a stream of batches ([`Generator`] is an iterator), each account
//! drawn from its own random stream, so the output does not depend on how it is chunked.
//!
//! ```
//! use roomwork_demo::{Generator, Size};
//! let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
//! let batches: Vec<_> = Generator::new(Size::Small, 42, today).collect();
//! let deals: usize = batches.iter().map(|b| b.opportunities.len()).sum();
//! assert_eq!(deals, Size::Small.plan().opportunities);
//! ```
#![warn(missing_docs)]

#[allow(missing_docs)] // a bank of text; the module doc explains its items
pub mod corpus;
pub mod export;
mod generate;
mod rng;
mod story;
mod text;
mod vtt;

pub use generate::{Generator, LEAD_MODEL, Size, SizePlan, lead_logit};
pub use rng::Rng;

/// The demo company started using AI drafting this many days before the day it is made: its
/// AI-assisted e-mails start then (and `roomwork demo` writes it into `capacity.toml`).
pub const AI_DEPLOYED_DAYS_AGO: i64 = 60;
