//! Sign-in: argon2 password hashes, sessions in an HttpOnly cookie with a CSRF token that
//! state-changing requests echo, API tokens for integrations (bearer, scoped, revocable), and a
//! limit on failed sign-ins. Tokens are random, shown once, and stored only as their SHA-256.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// The password's argon2id hash (PHC string), or why the password is refused.
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!(
            "a password needs at least {MIN_PASSWORD} characters"
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing failed: {e}"))
}

/// True when `password` matches `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so that an unknown e-mail takes as long
/// as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

/// 32 random bytes as hex: a session token, a CSRF token or an API token.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The scopes an API token may carry.
pub const SCOPES: &[&str] = &[
    "leads:write",
    "leads:read",
    "drafts:read",
    "drafts:write",
    "accounts:read",
    "deals:read",
    "calls:read",
    "audit:read",
    "me:read",
];

/// SHA-256 of `s`, hex: how tokens are stored and looked up.
pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Sign-in attempts, limited three ways within [`Limiter::WINDOW`]: [`Limiter::PER_PAIR`] for
/// one e-mail from one address (a guesser), [`Limiter::PER_EMAIL`] for one e-mail from anywhere
/// (a spread-out guesser; looser, so that someone else's failures do not lock a person out
/// quickly), and [`Limiter::PER_ADDRESS`] from one address (many e-mails tried). An attempt is
/// counted when it starts, in the same step as the check, so parallel requests cannot all slip
/// under the limit; a successful one is taken back. Memory stays bounded: expired entries are
/// dropped, and at most [`Limiter::MAX_KEYS`] keys are kept.
#[derive(Default)]
pub struct Limiter {
    attempts: std::sync::Mutex<HashMap<String, Vec<Instant>>>,
}

impl Limiter {
    /// Attempts for one e-mail from one address.
    pub const PER_PAIR: usize = 5;
    /// Attempts for one e-mail from any address.
    pub const PER_EMAIL: usize = 30;
    /// Attempts from one address for any e-mail.
    pub const PER_ADDRESS: usize = 50;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    /// Keys kept at most.
    pub const MAX_KEYS: usize = 100_000;

    fn keys(email: &str, ip: Option<IpAddr>) -> Vec<(String, usize)> {
        let email = email.trim().to_lowercase();
        let mut k = vec![(format!("email:{email}"), Self::PER_EMAIL)];
        if let Some(ip) = ip {
            k.push((format!("pair:{email}|{ip}"), Self::PER_PAIR));
            k.push((format!("ip:{ip}"), Self::PER_ADDRESS));
        } else {
            k.push((format!("pair:{email}|-"), Self::PER_PAIR));
        }
        k
    }

    /// Starts an attempt: `Err(seconds to wait)` when a limit is reached (nothing counted),
    /// else the attempt is counted and `Ok(())`.
    pub fn attempt(&self, email: &str, ip: Option<IpAddr>) -> Result<(), u64> {
        let mut map = self.attempts.lock().expect("limiter lock");
        let now = Instant::now();
        if map.len() >= Self::MAX_KEYS {
            map.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < Self::WINDOW));
        }
        let keys = Self::keys(email, ip);
        let mut wait: Option<u64> = None;
        for (key, max) in &keys {
            if let Some(v) = map.get_mut(key) {
                v.retain(|t| now.duration_since(*t) < Self::WINDOW);
                if v.len() >= *max {
                    let oldest = v.iter().min().copied().unwrap_or(now);
                    let left = Self::WINDOW
                        .saturating_sub(now.duration_since(oldest))
                        .as_secs()
                        + 1;
                    wait = Some(wait.map_or(left, |w| w.max(left)));
                }
            }
        }
        if let Some(w) = wait {
            return Err(w);
        }
        if map.len() + keys.len() > Self::MAX_KEYS {
            // Full of live entries: refuse rather than grow (an attack in progress).
            return Err(60);
        }
        for (key, _) in keys {
            map.entry(key).or_default().push(now);
        }
        Ok(())
    }

    /// Takes back a successful attempt, and forgets the e-mail's failures from that address.
    pub fn succeeded(&self, email: &str, ip: Option<IpAddr>) {
        let mut map = self.attempts.lock().expect("limiter lock");
        for (key, _) in Self::keys(email, ip) {
            if key.starts_with("pair:") {
                map.remove(&key);
            } else if let Some(v) = map.get_mut(&key) {
                v.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify_and_short_ones_are_refused() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(hash_password("short").is_err());
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(new_secret(), new_secret());
        assert_eq!(new_secret().len(), 64);
    }

    #[test]
    fn the_sixth_attempt_is_blocked_for_that_pair_and_others_can_still_sign_in() {
        let l = Limiter::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..Limiter::PER_PAIR {
            assert!(l.attempt("a@b.example", Some(ip)).is_ok());
        }
        assert!(
            l.attempt("A@b.example", Some(ip)).is_err(),
            "by e-mail and address, any case"
        );
        assert!(
            l.attempt("a@b.example", Some(other)).is_ok(),
            "the person, from elsewhere"
        );
        assert!(
            l.attempt("c@b.example", Some(ip)).is_ok(),
            "another e-mail from the address"
        );
        // A success takes its attempt back and clears the pair.
        l.succeeded("c@b.example", Some(ip));
        // Many e-mails from one address hit the address limit.
        let mut refused = false;
        for k in 0..Limiter::PER_ADDRESS {
            refused |= l.attempt(&format!("u{k}@b.example"), Some(ip)).is_err();
        }
        assert!(refused, "by address");
    }
}
