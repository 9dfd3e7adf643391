//! Meeting intelligence over every recorded call: turns with their questions, coaching metrics
//! against benchmark ranges (talk ratio, monologues, customer stories, interactivity,
//! patience, questions, people engaged), trackers (competitors, pricing, budget, timeline,
//! decision process), deal risks and buying signals with their moments and quotes, key
//! moments, an extractive summary, and action items with owners and due dates.
//!
//! Input is a list of [`roomwork_domain::Turn`]s (the ingest crate parses WebVTT, SRT, plain
//! text and transcription-service JSON into them). No IO. The question detector is measured
//! against the AMI corpus's human dialogue-act labels (`roomwork meetings eval-ami`).
//!
//! ```
//! use roomwork_meetings::question::is_question;
//! assert!(is_question("How'd the budget review go"));
//! assert!(!is_question("What we need is a firm date."));
//! ```
#![warn(missing_docs)]

pub mod analyze;
pub mod notes;
pub mod question;

pub use analyze::{Analysis, Options, analyze};
