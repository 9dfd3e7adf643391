//! Identifiers: UUIDv7 newtypes, one per entity, so an account id cannot be passed as a deal id.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use crate::ParseError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUIDv7) from the system clock and random bits.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// A UUIDv7 built from a timestamp and caller-supplied random bits, for
            /// deterministic generators.
            pub fn from_parts(unix_millis: u64, random: [u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid())
            }
            /// Wraps an existing UUID (as read back from the store).
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|e| ParseError::new(stringify!($name), s, e.to_string()))
            }
        }
    };
}

id_type!(
    /// Identifies an [`Account`](crate::Account).
    AccountId
);
id_type!(
    /// Identifies a [`Contact`](crate::Contact).
    ContactId
);
id_type!(
    /// Identifies a [`Rep`](crate::Rep).
    RepId
);
id_type!(
    /// Identifies a [`Lead`](crate::Lead).
    LeadId
);
id_type!(
    /// Identifies an [`Opportunity`](crate::Opportunity).
    OpportunityId
);
id_type!(
    /// Identifies an [`Activity`](crate::Activity).
    ActivityId
);
id_type!(
    /// Identifies an [`Order`](crate::Order).
    OrderId
);
id_type!(
    /// Identifies a [`CustomerIssue`](crate::CustomerIssue).
    IssueId
);
id_type!(
    /// Identifies a [`Transcript`](crate::Transcript).
    TranscriptId
);
id_type!(
    /// Identifies a [`PortfolioProject`](crate::PortfolioProject).
    ProjectId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = AccountId::new();
        let back: AccountId = id.to_string().parse().unwrap();
        assert_eq!(id, back);
    }

    #[test]
    fn deterministic_ids_are_version_7_and_ordered_by_time() {
        let a = OpportunityId::from_parts(1_000, [1; 10]);
        let b = OpportunityId::from_parts(2_000, [0; 10]);
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert!(a < b);
        assert_eq!(a, OpportunityId::from_parts(1_000, [1; 10]));
    }

    #[test]
    fn garbage_is_not_an_id() {
        let err = "not-a-uuid".parse::<LeadId>().unwrap_err();
        assert_eq!(err.what, "LeadId");
    }
}
id_type!(
    /// Identifies a [`Draft`](crate::Draft) in the approval inbox.
    DraftId
);
id_type!(
    /// Identifies a [`User`](crate::User) of the web app and API.
    UserId
);
id_type!(
    /// Identifies an API token.
    TokenId
);
