//! The drafting workflows, the built-in offline engine and the grounding check.
//!
//! Built so far: [`dates`] (dates as notes write them, resolved to days) and [`grounding`]
//! (every name, number, date, identifier and commitment of a draft traced to its inputs). The
//! workflows and the language-model engines come next (issue 4).
#![warn(missing_docs)]

pub mod dates;
pub mod grounding;
