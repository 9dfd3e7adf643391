//! The vocabulary of roomwork: entities and the value types that guard them.
//!
//! Everything here is plain data with no IO and no async. Values are parsed once at the
//! boundary (`Money::parse`, `Email::parse`, `SalesforceId::parse`, ...) and carried in types
//! afterwards, so that code further in never re-checks a raw `String`. Money is integer minor
//! units and never a float; time comes from a [`Clock`] so that "stalled for 14 days" is testable.
//!
//! ```
//! use roomwork_domain::{Money, Currency};
//! let m = Money::parse("$1,932.00", Currency::USD).unwrap();
//! assert_eq!(m.minor(), 193_200);
//! assert_eq!(m.to_string(), "$1,932.00");
//! ```
#![warn(missing_docs)]

mod clock;
#[macro_use]
mod entities;
mod draft;
mod error;
mod ids;
mod money;
mod stage;
mod users;
mod values;

pub use clock::{Clock, FixedClock, SystemClock, iso_day, parse_iso_day};
pub use draft::*;
pub use entities::*;
pub use error::ParseError;
pub use ids::*;
pub use money::{Currency, Money};
pub use stage::{Stage, StageCatalog, StageDef, StageOutcome};
pub use users::{Role, User};
pub use values::{Email, ExternalKey, Probability, SalesforceId, Tier, fold_name};
