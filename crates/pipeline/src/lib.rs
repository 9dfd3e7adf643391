//! Pipeline intelligence: risk signals on every open deal, their backtests, the deal score,
//! snapshots and week-over-week changes, and the forecast.
//!
//! Everything reads a [`frame::Frame`]: the deals with their stage and field history and
//! their customer touches, grouped by deal once, from which any deal can be rebuilt as it stood
//! on a past day. That one ability carries the crate: [`signals`] run on today or any past day,
//! so [`backtest`] measures each rule on closed deals as they stood before closing; [`score`]
//! learns a win probability from closed deals on days before they closed (nothing from after);
//! [`snapshot`] reconstructs past weeks and finds exactly what changed since the last one;
//! [`forecast`] rolls up the period, simulates the outcomes and measures each rep's bias and
//! every forecast's accuracy against past snapshots. No IO: the CLI and the server load the
//! store and save what these return.
//!
//! ```
//! use roomwork_pipeline::forecast::Period;
//! let q = Period::parse("2026-Q4").unwrap();
//! assert_eq!(q.start().to_string(), "2026-10-01");
//! assert_eq!(q.next().to_string(), "2027-Q1");
//! ```
#![warn(missing_docs)]

pub mod backtest;
pub mod forecast;
pub mod frame;
pub mod score;
pub mod signals;
pub mod snapshot;

pub use frame::{Frame, Stages};
pub use signals::{Config, Flag, Signal};
