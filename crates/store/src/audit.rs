//! The audit trail: append-only, hash-chained.
//!
//! Every record carries the SHA-256 of its own fields and of the previous record's hash, so
//! that changing, inserting or deleting a record anywhere but at the very end breaks the chain
//! at that point, and [`verify`] says where and how. The table refuses UPDATE and DELETE with
//! triggers (SQLite) or a trigger function (PostgreSQL); tampering therefore means going around
//! roomwork with database-owner rights, which is what verification is for.
//!
//! Limits, stated plainly: the hashes are unkeyed, so someone who rewrites every record from
//! the tampered one to the end, recomputing each hash, is not detected; nor is deleting the
//! newest records. `roomwork audit verify` prints the head (record count and last hash) so that
//! it can be written down or exported elsewhere; comparing it with a later run closes both gaps.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A record to append.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    /// Who: a person's name or the roomwork component.
    pub actor: String,
    /// What, as `area.verb`, e.g. `policy.verdict`, `draft.approved`.
    pub action: String,
    /// What it is about (an account name, a draft id).
    pub subject: String,
    /// The details as JSON (engine, model, prompt fingerprint, inputs, verdict...).
    pub detail: serde_json::Value,
}

impl AuditEntry {
    /// A new entry.
    pub fn new(
        actor: impl Into<String>,
        action: impl Into<String>,
        subject: impl Into<String>,
        detail: serde_json::Value,
    ) -> Self {
        Self {
            actor: actor.into(),
            action: action.into(),
            subject: subject.into(),
            detail,
        }
    }
}

/// A stored record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, unix milliseconds UTC.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// About what.
    pub subject: String,
    /// Details, canonical JSON text.
    pub detail: String,
    /// The previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

impl AuditRecord {
    /// When, as a time.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.at)
    }
}

/// The hash of a record's fields chained to `prev_hash`.
pub fn hash(
    prev_hash: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash,
        &seq.to_string(),
        &at.to_string(),
        actor,
        action,
        subject,
        detail,
    ] {
        // Length-prefixed, so that moving text between fields changes the hash.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds the record that follows `last` (or the first one).
pub(crate) fn next_record(last: Option<(i64, String)>, at: i64, e: &AuditEntry) -> AuditRecord {
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let detail = e.detail.to_string();
    let hash = hash(
        &prev_hash, seq, at, &e.actor, &e.action, &e.subject, &detail,
    );
    AuditRecord {
        seq,
        at,
        actor: e.actor.clone(),
        action: e.action.clone(),
        subject: e.subject.clone(),
        detail,
        prev_hash,
        hash,
    }
}

/// What verification found wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Tampering {
    /// The record's content no longer matches its hash.
    Altered {
        /// Its sequence number.
        seq: i64,
    },
    /// Records are missing between two that remain.
    Deleted {
        /// First missing sequence number.
        from: i64,
        /// Last missing sequence number.
        to: i64,
    },
    /// The record does not follow the one before it: it was inserted, or the one before it
    /// was replaced.
    Inserted {
        /// Its sequence number.
        seq: i64,
    },
}

impl std::fmt::Display for Tampering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tampering::Altered { seq } => {
                write!(
                    f,
                    "record {seq} was altered: its content no longer matches its hash"
                )
            }
            Tampering::Deleted { from, to } if from == to => {
                write!(f, "record {from} was deleted")
            }
            Tampering::Deleted { from, to } => write!(f, "records {from} to {to} were deleted"),
            Tampering::Inserted { seq } => write!(
                f,
                "record {seq} does not follow the record before it: it was inserted, or the one before it replaced"
            ),
        }
    }
}

/// The result of verifying the chain.
#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    /// Records read.
    pub records: usize,
    /// The last record's sequence number and hash (the head to write down).
    pub head: Option<(i64, String)>,
    /// What is wrong, in chain order; empty when the chain is intact.
    pub problems: Vec<Tampering>,
}

/// Verifies records given in `seq` order.
pub fn verify(records: &[AuditRecord]) -> Verification {
    let mut problems = Vec::new();
    let mut prev: Option<&AuditRecord> = None;
    for r in records {
        let recomputed = hash(
            &r.prev_hash,
            r.seq,
            r.at,
            &r.actor,
            &r.action,
            &r.subject,
            &r.detail,
        );
        if recomputed != r.hash {
            problems.push(Tampering::Altered { seq: r.seq });
        }
        let (expected_seq, expected_prev) = match prev {
            None => (1, GENESIS),
            Some(p) => (p.seq + 1, p.hash.as_str()),
        };
        if r.seq < expected_seq {
            // A record that sits before where the chain has reached (seq 0, negative, or a
            // repeated number): it was inserted. The chain continues from the record before it.
            problems.push(Tampering::Inserted { seq: r.seq });
            continue;
        }
        if r.seq > expected_seq {
            problems.push(Tampering::Deleted {
                from: expected_seq,
                to: r.seq - 1,
            });
        } else if r.prev_hash != expected_prev
            && !matches!(problems.last(), Some(Tampering::Altered { seq }) if prev.is_some_and(|p| p.seq == *seq))
        {
            problems.push(Tampering::Inserted { seq: r.seq });
        }
        prev = Some(r);
    }
    Verification {
        records: records.len(),
        head: records.last().map(|r| (r.seq, r.hash.clone())),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let last = out.last().map(|r| (r.seq, r.hash.clone()));
            out.push(next_record(
                last,
                1_700_000_000_000 + i as i64,
                &AuditEntry::new(
                    "Dana",
                    "draft.approved",
                    format!("d{i}"),
                    serde_json::json!({"i": i}),
                ),
            ));
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies() {
        let v = verify(&chain(5));
        assert!(v.problems.is_empty());
        assert_eq!(v.head.unwrap().0, 5);
    }

    #[test]
    fn an_altered_record_is_named() {
        let mut c = chain(5);
        c[2].detail = r#"{"i":99}"#.into();
        assert_eq!(verify(&c).problems, vec![Tampering::Altered { seq: 3 }]);
    }

    #[test]
    fn a_deleted_record_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c).problems,
            vec![Tampering::Deleted { from: 2, to: 2 }]
        );
    }

    #[test]
    fn a_record_forged_before_the_first_is_named() {
        let mut c = chain(3);
        let forged = next_record(
            None,
            1,
            &AuditEntry::new("x", "y", "z", serde_json::json!({})),
        );
        let mut forged = forged;
        forged.seq = 0;
        forged.hash = hash(GENESIS, 0, 1, "x", "y", "z", "{}");
        c.insert(0, forged);
        assert_eq!(verify(&c).problems, vec![Tampering::Inserted { seq: 0 }]);
    }

    #[test]
    fn an_inserted_record_is_named() {
        let mut c = chain(4);
        // A forged record appended with a made-up link, and one slipped in by renumbering.
        let forged = next_record(
            Some((4, "f".repeat(64))),
            1,
            &AuditEntry::new("x", "y", "z", serde_json::json!({})),
        );
        c.push(forged);
        assert_eq!(verify(&c).problems, vec![Tampering::Inserted { seq: 5 }]);
    }
}
