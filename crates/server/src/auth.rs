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

/// SHA-256 of `s`, hex: how tokens are stored and looked up.
pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Failed sign-ins per e-mail and per address: after [`Limiter::MAX`] failures for one e-mail
/// (or [`Limiter::MAX_PER_ADDRESS`] from one address, which a whole office may share) within
/// [`Limiter::WINDOW`], further attempts are refused until the oldest failure ages out.
#[derive(Default)]
pub struct Limiter {
    failures: std::sync::Mutex<HashMap<String, Vec<Instant>>>,
}

impl Limiter {
    /// Failures allowed for one e-mail in the window.
    pub const MAX: usize = 5;
    /// Failures allowed from one address in the window.
    pub const MAX_PER_ADDRESS: usize = 20;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    fn keys(email: &str, ip: Option<IpAddr>) -> Vec<String> {
        let mut k = vec![format!("email:{}", email.trim().to_lowercase())];
        if let Some(ip) = ip {
            k.push(format!("ip:{ip}"));
        }
        k
    }

    /// Seconds until another attempt is allowed, when it is not now.
    pub fn blocked(&self, email: &str, ip: Option<IpAddr>) -> Option<u64> {
        let mut f = self.failures.lock().expect("limiter lock");
        let now = Instant::now();
        let mut wait = None;
        for key in Self::keys(email, ip) {
            let per_address = key.starts_with("ip:");
            let v = f.entry(key).or_default();
            v.retain(|t| now.duration_since(*t) < Self::WINDOW);
            let max = if per_address {
                Self::MAX_PER_ADDRESS
            } else {
                Self::MAX
            };
            if v.len() >= max {
                let oldest = v.iter().min().copied().unwrap_or(now);
                let left = Self::WINDOW
                    .saturating_sub(now.duration_since(oldest))
                    .as_secs()
                    + 1;
                wait = Some(wait.map_or(left, |w: u64| w.max(left)));
            }
        }
        wait
    }

    /// Records a failed attempt.
    pub fn failed(&self, email: &str, ip: Option<IpAddr>) {
        let mut f = self.failures.lock().expect("limiter lock");
        for key in Self::keys(email, ip) {
            f.entry(key).or_default().push(Instant::now());
        }
    }

    /// Forgets an e-mail's failures after a successful sign-in.
    pub fn succeeded(&self, email: &str) {
        let mut f = self.failures.lock().expect("limiter lock");
        f.remove(&format!("email:{}", email.trim().to_lowercase()));
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
    fn the_sixth_failure_in_the_window_is_blocked() {
        let l = Limiter::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..Limiter::MAX {
            assert!(l.blocked("a@b.example", Some(ip)).is_none());
            l.failed("a@b.example", Some(ip));
        }
        assert!(
            l.blocked("A@b.example", None).is_some(),
            "by e-mail, any case"
        );
        assert!(
            l.blocked("other@b.example", Some(ip)).is_none(),
            "the address has room"
        );
        for k in 0..Limiter::MAX_PER_ADDRESS - Limiter::MAX {
            l.failed(&format!("user{k}@b.example"), Some(ip));
        }
        assert!(
            l.blocked("other@b.example", Some(ip)).is_some(),
            "by address"
        );
        assert!(l.blocked("other@b.example", None).is_none());
    }
}
