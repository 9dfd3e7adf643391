//! Users, sessions and API tokens. A password is stored only as its argon2 hash, and a
//! session or API token only as its SHA-256: what the database holds cannot sign anyone in.

use chrono::{DateTime, Utc};
use roomwork_domain::{Email, RepId, Role, TokenId, User, UserId};
use serde::Serialize;

use crate::{Result, StoreError};

/// A signed-in browser.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Session {
    /// SHA-256 of the cookie's token, hex.
    pub token_sha256: String,
    /// Who.
    pub user_id: UserId,
    /// The token a state-changing request must echo in `X-CSRF-Token`.
    pub csrf_token: String,
    /// Signed in.
    pub created_at: DateTime<Utc>,
    /// Ends.
    pub expires_at: DateTime<Utc>,
}

/// An API token for an integration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiToken {
    /// Identity (shown in lists; the token itself never is).
    pub id: TokenId,
    /// Whose rights it carries.
    pub user_id: UserId,
    /// What it is for ("CRM sync").
    pub name: String,
    /// SHA-256 of the token, hex.
    #[serde(skip)]
    pub token_sha256: String,
    /// What it may do (`leads:write`, `drafts:read`, ...).
    pub scopes: Vec<String>,
    /// Made.
    pub created_at: DateTime<Utc>,
    /// Revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A change to users, sessions or tokens (audited, except sessions: a sign-in is not a change
/// to the company's records).
#[derive(Clone, Copy, Debug)]
pub enum AuthWrite<'a> {
    /// A new user with their password's argon2 hash.
    AddUser {
        /// The user.
        user: &'a User,
        /// `$argon2id$...`.
        password_hash: &'a str,
    },
    /// A new API token.
    AddToken(&'a ApiToken),
    /// A user who may no longer sign in: their sessions end at once and their tokens stop.
    Deactivate(UserId),
    /// A token revoked (it stops working at once).
    Revoke {
        /// Which.
        id: TokenId,
        /// When.
        at: DateTime<Utc>,
    },
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    email: String,
    name: String,
    role: String,
    rep_id: Option<String>,
    team: Option<String>,
    active: i64,
    created_at: i64,
}

fn corrupt(table: &'static str, column: &'static str, why: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        column,
        reason: why.to_string(),
    }
}

fn time(table: &'static str, column: &'static str, ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(table, column, "time out of range"))
}

impl UserRow {
    pub(crate) fn into_user(self) -> Result<User> {
        const T: &str = "users";
        Ok(User {
            id: self.id.parse().map_err(|e| corrupt(T, "id", e))?,
            email: Email::parse(&self.email).map_err(|e| corrupt(T, "email", e))?,
            name: self.name,
            role: self
                .role
                .parse::<Role>()
                .map_err(|e| corrupt(T, "role", e))?,
            rep_id: self
                .rep_id
                .as_deref()
                .map(str::parse::<RepId>)
                .transpose()
                .map_err(|e| corrupt(T, "rep_id", e))?,
            team: self.team,
            active: self.active != 0,
            created_at: time(T, "created_at", self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    token_sha256: String,
    user_id: String,
    csrf_token: String,
    created_at: i64,
    expires_at: i64,
}

impl SessionRow {
    pub(crate) fn into_session(self) -> Result<Session> {
        const T: &str = "sessions";
        Ok(Session {
            token_sha256: self.token_sha256,
            user_id: self.user_id.parse().map_err(|e| corrupt(T, "user_id", e))?,
            csrf_token: self.csrf_token,
            created_at: time(T, "created_at", self.created_at)?,
            expires_at: time(T, "expires_at", self.expires_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    id: String,
    user_id: String,
    name: String,
    token_sha256: String,
    scopes: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

impl TokenRow {
    /// An unrevoked token's row from a joined query.
    pub(crate) fn from_parts(
        id: String,
        user_id: String,
        name: String,
        token_sha256: String,
        scopes: String,
        created_at: i64,
    ) -> Self {
        TokenRow {
            id,
            user_id,
            name,
            token_sha256,
            scopes,
            created_at,
            revoked_at: None,
        }
    }

    pub(crate) fn into_token(self) -> Result<ApiToken> {
        const T: &str = "api_tokens";
        Ok(ApiToken {
            id: self.id.parse().map_err(|e| corrupt(T, "id", e))?,
            user_id: self.user_id.parse().map_err(|e| corrupt(T, "user_id", e))?,
            name: self.name,
            token_sha256: self.token_sha256,
            scopes: serde_json::from_str(&self.scopes).map_err(|e| corrupt(T, "scopes", e))?,
            created_at: time(T, "created_at", self.created_at)?,
            revoked_at: self
                .revoked_at
                .map(|ms| time(T, "revoked_at", ms))
                .transpose()?,
        })
    }
}
