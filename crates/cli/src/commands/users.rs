//! `roomwork users ...`: the people who sign in to `roomwork serve`, and API tokens.

use std::io::BufRead as _;

use chrono::Utc;
use roomwork_domain::{Email, Role, TokenId, User, UserId};
use roomwork_server::auth;
use roomwork_store::{ApiToken, AuditEntry, AuthWrite};

use super::Context;
use crate::args::{UsersArgs, UsersCommand};
use crate::exit::InvalidInput;
use crate::output::{self, say};

/// Scopes a token may carry.
pub use roomwork_server::auth::SCOPES;

fn new_password() -> anyhow::Result<String> {
    let p = match std::env::var("ROOMWORK_NEW_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    Ok(p)
}

pub async fn run(ctx: &Context, args: UsersArgs) -> anyhow::Result<()> {
    match args.command {
        UsersCommand::Add {
            email,
            name,
            role,
            rep,
            team,
            by,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e| InvalidInput(format!("--role: {e}")))?;
            let email = Email::parse(&email).map_err(|e| InvalidInput(format!("--email: {e}")))?;
            if name.trim().is_empty() {
                return Err(InvalidInput("--name is empty".into()).into());
            }
            let password = new_password()?;
            let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
                .await?
                .map_err(InvalidInput)?;
            ctx.with_store(async |store| {
                let rep_id = match &rep {
                    Some(r) => Some(
                        store
                            .reps()
                            .await?
                            .into_iter()
                            .find(|x| x.name.eq_ignore_ascii_case(r.trim()))
                            .ok_or_else(|| InvalidInput(format!("--rep: no rep named {r:?}")))?
                            .id,
                    ),
                    None => None,
                };
                if role == Role::SalesDirector && team.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    return Err(InvalidInput(
                        "a sales director leads a team: give --team TERRITORY (without one they would see nobody)".into(),
                    )
                    .into());
                }
                if role == Role::AccountManager && rep_id.is_none() {
                    return Err(InvalidInput(
                        "an account manager is a rep: give --rep NAME (their records are that rep's)".into(),
                    )
                    .into());
                }
                if store
                    .users()
                    .await?
                    .iter()
                    .any(|u| u.email.as_str().eq_ignore_ascii_case(email.as_str()))
                {
                    return Err(InvalidInput(format!("{} is already a user", email.as_str())).into());
                }
                let user = User {
                    id: UserId::new(),
                    email: email.clone(),
                    name: name.trim().to_string(),
                    role,
                    rep_id,
                    team: team.clone(),
                    active: true,
                    created_at: Utc::now(),
                };
                store
                    .auth_write(
                        AuthWrite::AddUser {
                            user: &user,
                            password_hash: &hash,
                        },
                        &AuditEntry::new(
                            &by,
                            "user.added",
                            user.email.as_str(),
                            serde_json::json!({"role": role, "rep": rep_id, "team": team}),
                        ),
                    )
                    .await?;
                if ctx.json {
                    return output::json(&user);
                }
                say!("Added {} <{}> as {role}.", user.name, user.email.as_str());
                Ok(())
            })
            .await
        }
        UsersCommand::List => {
            ctx.with_store(async |store| {
                let users = store.users().await?;
                if ctx.json {
                    return output::json(&users);
                }
                let reps = store.reps().await?;
                say!(
                    "{}",
                    output::table(
                        &["e-mail", "name", "role", "rep", "team", "active"],
                        users.iter().map(|u| vec![
                            u.email.as_str().to_string(),
                            u.name.clone(),
                            u.role.to_string(),
                            u.rep_id
                                .and_then(|r| reps.iter().find(|x| x.id == r))
                                .map(|r| r.name.clone())
                                .unwrap_or_default(),
                            u.team.clone().unwrap_or_default(),
                            if u.active { "yes" } else { "no" }.into(),
                        ])
                    )
                );
                Ok(())
            })
            .await
        }
        UsersCommand::Deactivate { email, by } => {
            ctx.with_store(async |store| {
                let user = store
                    .users()
                    .await?
                    .into_iter()
                    .find(|u| u.email.as_str().eq_ignore_ascii_case(email.trim()))
                    .ok_or_else(|| InvalidInput(format!("no user {email:?}")))?;
                store
                    .auth_write(
                        AuthWrite::Deactivate(user.id),
                        &AuditEntry::new(
                            &by,
                            "user.deactivated",
                            user.email.as_str(),
                            serde_json::json!({}),
                        ),
                    )
                    .await?;
                say!(
                    "{} can no longer sign in; their sessions ended and their tokens stopped.",
                    user.email.as_str()
                );
                Ok(())
            })
            .await
        }
        UsersCommand::Token {
            email,
            name,
            scopes,
            by,
        } => {
            for s in &scopes {
                if !SCOPES.contains(&s.as_str()) {
                    return Err(InvalidInput(format!(
                        "--scope {s:?}: one of {}",
                        SCOPES.join(", ")
                    ))
                    .into());
                }
            }
            ctx.with_store(async |store| {
                let user = store
                    .users()
                    .await?
                    .into_iter()
                    .find(|u| u.email.as_str().eq_ignore_ascii_case(email.trim()))
                    .ok_or_else(|| InvalidInput(format!("no user {email:?}")))?;
                let secret = auth::new_secret();
                let token = ApiToken {
                    id: TokenId::new(),
                    user_id: user.id,
                    name: name.clone(),
                    token_sha256: auth::sha256_hex(&secret),
                    scopes: scopes.clone(),
                    created_at: Utc::now(),
                    revoked_at: None,
                };
                store
                    .auth_write(
                        AuthWrite::AddToken(&token),
                        &AuditEntry::new(
                            &by,
                            "token.created",
                            user.email.as_str(),
                            serde_json::json!({"id": token.id, "name": name, "scopes": scopes}),
                        ),
                    )
                    .await?;
                if ctx.json {
                    return output::json(&serde_json::json!({"id": token.id, "token": secret, "scopes": token.scopes}));
                }
                say!("{secret}");
                eprintln!(
                    "API token {} for {} ({}); shown once: send it as `Authorization: Bearer TOKEN`.",
                    token.id,
                    user.email.as_str(),
                    token.scopes.join(", ")
                );
                Ok(())
            })
            .await
        }
        UsersCommand::Tokens => {
            ctx.with_store(async |store| {
                let tokens = store.api_tokens().await?;
                if ctx.json {
                    return output::json(&tokens);
                }
                say!(
                    "{}",
                    output::table(
                        &["id", "name", "scopes", "made", "revoked"],
                        tokens.iter().map(|t| vec![
                            t.id.to_string(),
                            t.name.clone(),
                            t.scopes.join(", "),
                            t.created_at.format("%Y-%m-%d").to_string(),
                            t.revoked_at
                                .map(|r| r.format("%Y-%m-%d").to_string())
                                .unwrap_or_default(),
                        ])
                    )
                );
                Ok(())
            })
            .await
        }
        UsersCommand::Revoke { id, by } => {
            let id: TokenId = id.parse().map_err(|e| InvalidInput(format!("{e}")))?;
            ctx.with_store(async |store| {
                store
                    .auth_write(
                        AuthWrite::Revoke { id, at: Utc::now() },
                        &AuditEntry::new(
                            &by,
                            "token.revoked",
                            id.to_string(),
                            serde_json::json!({}),
                        ),
                    )
                    .await?;
                say!("Revoked API token {id}.");
                Ok(())
            })
            .await
        }
    }
}
