//! People who sign in: their role decides what they may read and change.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Email, ParseError, RepId, UserId};

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Their own accounts, leads, deals, meetings and drafts (those of the rep they are).
    AccountManager,
    /// Their team: the reps whose territory is the director's team.
    SalesDirector,
    /// Everything, to run the Foundation, the matrix, the models, the thresholds and the audit.
    SalesOps,
    /// Everything, and users.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::AccountManager,
        Role::SalesDirector,
        Role::SalesOps,
        Role::Admin,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::AccountManager => "account_manager",
            Role::SalesDirector => "sales_director",
            Role::SalesOps => "sales_ops",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let folded = s.trim().to_lowercase().replace(['-', ' '], "_");
        match folded.as_str() {
            "account_manager" | "am" | "rep" => Ok(Role::AccountManager),
            "sales_director" | "director" => Ok(Role::SalesDirector),
            "sales_ops" | "ops" => Ok(Role::SalesOps),
            "admin" => Ok(Role::Admin),
            _ => Err(ParseError::new(
                "role",
                s,
                "expected one of: account_manager, sales_director, sales_ops, admin",
            )),
        }
    }
}

/// A person who signs in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Sign-in name.
    pub email: Email,
    /// Name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// The rep an account manager is (their records are that rep's).
    pub rep_id: Option<RepId>,
    /// A sales director's team: the territory of the reps they lead.
    pub team: Option<String>,
    /// False for a user who may no longer sign in.
    pub active: bool,
    /// When the user was added.
    pub created_at: DateTime<Utc>,
}

impl User {
    /// Whether the user may read and act on a record owned by rep `owner` (with that rep's
    /// territory): everyone's for sales ops and admins; their team's for a director; their own
    /// for an account manager (a record with no owner is not theirs).
    pub fn may_see(&self, owner: Option<RepId>, owner_territory: Option<&str>) -> bool {
        match self.role {
            Role::Admin | Role::SalesOps => true,
            Role::SalesDirector => match &self.team {
                // A director without a team leads nobody (not everybody).
                None => false,
                Some(team) => owner_territory.is_some_and(|t| t.eq_ignore_ascii_case(team)),
            },
            Role::AccountManager => owner.is_some() && owner == self.rep_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, rep: Option<RepId>, team: Option<&str>) -> User {
        User {
            id: UserId::new(),
            email: Email::parse("a@b.example").unwrap(),
            name: "A".into(),
            role,
            rep_id: rep,
            team: team.map(str::to_string),
            active: true,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn each_role_sees_what_it_is_responsible_for() {
        let (mine, theirs) = (RepId::new(), RepId::new());
        let am = user(Role::AccountManager, Some(mine), None);
        assert!(am.may_see(Some(mine), Some("West")));
        assert!(!am.may_see(Some(theirs), Some("West")));
        assert!(!am.may_see(None, None));
        let director = user(Role::SalesDirector, None, Some("West"));
        assert!(director.may_see(Some(theirs), Some("west")));
        assert!(!director.may_see(Some(theirs), Some("East")));
        assert!(!director.may_see(None, None));
        let lost = user(Role::SalesDirector, None, None);
        assert!(!lost.may_see(Some(theirs), Some("West")), "no team, no one");
        assert!(user(Role::SalesOps, None, None).may_see(None, None));
        assert_eq!(
            "Sales Director".parse::<Role>().unwrap(),
            Role::SalesDirector
        );
        assert!("boss".parse::<Role>().is_err());
    }
}
