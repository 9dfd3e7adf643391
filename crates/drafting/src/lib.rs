//! The drafting workflows, the built-in offline engine and the grounding check.
//!
//! Built so far: [`briefing`] (the pre-call briefing from the store's records in the
//! Foundation's format), [`dates`] (dates as notes write them, resolved to days), [`follow_up`] (call
//! notes read into roles and composed as a follow-up email), [`notes_eval`] (that reading
//! measured against labelled notes), [`prompt`] (prompts from the Foundation, fenced, with
//! personal data masked), [`grounding`]
//! (every name, number, date, identifier and commitment of a draft traced to its inputs),
//! [`review`] (AI as sparring partner: a critique of the person's own text) and [`text`]
//! (sentences, words, phrases). The workflows and the language-model engines come next.
#![warn(missing_docs)]

pub mod briefing;
pub mod call_summary;
pub mod crm_update;
pub mod dates;
pub mod evals;
pub mod follow_up;
pub mod grounding;
pub mod notes_eval;
pub mod pipeline_report;
pub mod prompt;
pub mod prospect;
pub mod quotation;
pub mod review;
pub mod structured;
pub mod text;
