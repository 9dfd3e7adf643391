//! One contract for every backend: the same stories run against a temporary SQLite file and,
//! when `ROOMWORK_TEST_DATABASE_URL` is set, against PostgreSQL (a uniquely named database is
//! created for each story and dropped after it). With `CI=true` a missing PostgreSQL URL fails
//! the suite instead of skipping it.

use chrono::{NaiveDate, TimeZone, Utc};
use roomwork_domain::*;
use roomwork_store::{ActivityFilter, KeyedKind, PgStore, SqliteStore, Store, StoreError};
use sqlx::Connection;

struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Runs even when the story panicked; a fresh runtime on its own thread because Drop
        // cannot await.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                }
            })
        })
        .join();
    }
}

enum Guard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(#[allow(dead_code)] PgDatabase),
}

async fn sqlite() -> (Box<dyn Store>, Guard) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("contract.db").display());
    (
        Box::new(SqliteStore::open(&url).await.unwrap()),
        Guard::Sqlite(dir),
    )
}

async fn postgres() -> Option<(Box<dyn Store>, Guard)> {
    let Ok(admin_url) = std::env::var("ROOMWORK_TEST_DATABASE_URL") else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "CI=true but ROOMWORK_TEST_DATABASE_URL is not set: the PostgreSQL contract suite must run in CI"
            );
        }
        eprintln!("skipping PostgreSQL: ROOMWORK_TEST_DATABASE_URL is not set");
        return None;
    };
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "roomwork_test_{}_{}_{}",
        std::process::id(),
        Utc::now().timestamp_micros(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to ROOMWORK_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let guard = PgDatabase {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
    let store = PgStore::open(&format!("{base}/{name}"))
        .await
        .expect("open test database");
    Some((Box::new(store), Guard::Postgres(guard)))
}

macro_rules! contract {
    ($($story:ident),+ $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test] async fn $story() { let (s, _g) = super::sqlite().await; super::$story(&*s).await; })+
        }
        mod on_postgres {
            $(#[tokio::test] async fn $story() {
                if let Some((s, _g)) = super::postgres().await { super::$story(&*s).await; }
            })+
        }
    };
}

contract!(
    every_record_kind_reads_back_as_it_was_saved,
    saving_a_record_again_updates_it_instead_of_duplicating,
    stage_history_is_appended_and_identical_changes_are_kept_once,
    a_batch_that_fails_midway_stores_nothing,
    external_keys_index_stored_records_for_reimports,
    asking_for_a_missing_record_is_not_found,
    activities_filter_by_account_and_limit_newest_first,
    large_batches_span_many_statements,
    new_and_stored_deals_in_one_chunk_are_both_written,
    a_deal_naming_a_missing_account_fails_its_whole_batch,
    parts_of_a_series_are_stored_together_or_not_at_all,
    merging_accounts_repoints_every_record_and_removes_the_stub,
    the_audit_trail_chains_concurrent_appends,
    audit_records_are_found_by_action_and_subject_newest_first,
    a_draft_travels_from_pending_to_sent_with_every_step_audited,
    an_inbox_write_that_fails_leaves_no_audit_record,
    an_audited_batch_is_stored_with_its_record_or_not_at_all,
    an_approval_on_a_stale_read_is_refused,
    a_workflow_use_is_stored_with_its_draft_or_not_at_all,
    an_approved_crm_change_is_applied_with_its_approval_or_not_at_all,
    lead_models_are_versioned_promoted_with_audit_and_scores_stored_with_their_leads,
    pipeline_records_are_kept_as_written_and_evaluations_replace_their_deals,
    call_analyses_are_stored_with_their_transcripts_and_raise_health_only,
    users_sessions_and_tokens_are_kept_by_hash_and_revocation_is_final,
);

/// Runs SQL on the story's database directly, as a database owner going around roomwork would.
async fn raw(guard: &Guard, sql: &str) -> Result<(), sqlx::Error> {
    match guard {
        Guard::Sqlite(dir) => {
            let url = format!("sqlite://{}", dir.path().join("contract.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await?;
        }
        Guard::Postgres(db) => {
            let (base, _) = db.admin_url.rsplit_once('/').unwrap();
            let mut c = sqlx::PgConnection::connect(&format!("{base}/{}", db.name)).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await?;
        }
    }
    Ok(())
}

async fn audit_records_are_found_by_action_and_subject_newest_first(s: &dyn Store) {
    use roomwork_store::AuditEntry;
    for (action, subject) in [
        ("draft.refused", "Meridian Foods"),
        ("draft.submitted", "draft 1"),
        ("draft.refused", "Corvo Labs"),
        ("draft.submitted", "draft 2"),
        ("draft.refused", "Meridian Foods"),
    ] {
        let e = AuditEntry::new("Dana", action, subject, serde_json::json!({}));
        s.audit_append(&e).await.unwrap();
    }
    let seqs = |rs: Vec<roomwork_store::AuditRecord>| rs.iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(s.audit_find("draft.refused", None, None).await.unwrap()),
        [5, 3, 1]
    );
    assert_eq!(
        seqs(s.audit_find("draft.refused", None, Some(2)).await.unwrap()),
        [5, 3]
    );
    assert_eq!(
        seqs(
            s.audit_find("draft.refused", Some("Meridian Foods"), None)
                .await
                .unwrap()
        ),
        [5, 1]
    );
    let submitted = s
        .audit_find("draft.submitted", Some("draft 2"), Some(1))
        .await
        .unwrap();
    assert_eq!(
        (submitted.len(), submitted[0].subject.as_str()),
        (1, "draft 2")
    );
    assert!(
        s.audit_find("draft.sent", None, None)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_audit_trail_chains_concurrent_appends(s: &dyn Store) {
    use roomwork_store::AuditEntry;
    let entries: Vec<AuditEntry> = (0..6)
        .map(|i| {
            AuditEntry::new(
                "Dana",
                "draft.approved",
                format!("draft {i}"),
                serde_json::json!({"i": i}),
            )
        })
        .collect();
    let appends = entries.iter().map(|e| s.audit_append(e));
    for r in futures_join_all(appends).await {
        r.unwrap();
    }
    let records = s.audit_records().await.unwrap();
    assert_eq!(
        records.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=6).collect::<Vec<_>>()
    );
    let v = roomwork_store::audit::verify(&records);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

/// Awaits futures one after another on a multi-threaded runtime via spawned tasks is not
/// possible with borrowed futures; interleave them with `join!` pairs instead.
async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let fs: Vec<F> = fs.collect();
    let mut out = Vec::new();
    let mut it = fs.into_iter();
    while let Some(a) = it.next() {
        match it.next() {
            Some(b) => {
                let (x, y) = tokio::join!(a, b);
                out.push(x);
                out.push(y);
            }
            None => out.push(a.await),
        }
    }
    out
}

async fn tampering_is_refused_then_detected(s: &dyn Store, g: &Guard, drop_guard: &str) {
    use roomwork_store::{AuditEntry, Tampering};
    for i in 0..5 {
        s.audit_append(&AuditEntry::new(
            "Dana",
            "policy.verdict",
            format!("request {i}"),
            serde_json::json!({"i": i}),
        ))
        .await
        .unwrap();
    }
    // Through SQL, without dropping the guard, the log refuses changes.
    assert!(
        raw(g, "UPDATE audit_log SET actor = 'Mallory' WHERE seq = 2")
            .await
            .is_err()
    );
    assert!(raw(g, "DELETE FROM audit_log WHERE seq = 4").await.is_err());
    // A database owner who drops the guard can change it; verification says what and where.
    raw(g, drop_guard).await.unwrap();
    raw(g, "UPDATE audit_log SET actor = 'Mallory' WHERE seq = 2")
        .await
        .unwrap();
    raw(g, "DELETE FROM audit_log WHERE seq = 4").await.unwrap();
    raw(g, "INSERT INTO audit_log VALUES (6, 0, 'Mallory', 'draft.sent', 'x', '{}', 'forged', 'forged')").await.unwrap();
    let v = roomwork_store::audit::verify(&s.audit_records().await.unwrap());
    assert_eq!(
        v.problems,
        vec![
            Tampering::Altered { seq: 2 },
            Tampering::Deleted { from: 4, to: 4 },
            Tampering::Altered { seq: 6 },
            Tampering::Inserted { seq: 6 },
        ]
    );
}

/// The SQLite bulk paths hand their work off a multi-threaded runtime's worker
/// (`block_in_place`), as in the server and the CLI; every other test runs on a current-thread
/// runtime, where they run in place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_paths_on_a_multi_threaded_runtime() {
    let (s, _g) = sqlite().await;
    let s: std::sync::Arc<dyn Store> = std::sync::Arc::from(s);
    stage_history_is_appended_and_identical_changes_are_kept_once(&*s).await;
    let concurrent: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.opportunities(true).await.unwrap().len() })
        })
        .collect();
    for t in concurrent {
        assert_eq!(t.await.unwrap(), 1);
    }
}

#[tokio::test]
async fn audit_tampering_on_sqlite() {
    let (s, g) = sqlite().await;
    tampering_is_refused_then_detected(
        &*s,
        &g,
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
    )
    .await;
}

#[tokio::test]
async fn audit_tampering_on_postgres() {
    if let Some((s, g)) = postgres().await {
        tampering_is_refused_then_detected(
            &*s,
            &g,
            "DROP TRIGGER audit_log_no_change ON audit_log;",
        )
        .await;
    }
}

/// Now, to the millisecond the store keeps.
fn now_ms() -> chrono::DateTime<Utc> {
    Utc.timestamp_millis_opt(Utc::now().timestamp_millis())
        .unwrap()
}

fn inbox_entry(action: &str, d: &Draft) -> roomwork_store::AuditEntry {
    roomwork_store::AuditEntry::new(
        "Dana",
        action,
        format!("draft {}", d.id),
        serde_json::json!({"status": d.status.as_str()}),
    )
}

fn submitted(body: &str) -> (PendingApproval, Revision) {
    let mut new = NewDraft::communication("follow-up-email", "After today's call", body, "Dana");
    new.recipient = Some("Ana Ruiz <ana@example.com>".into());
    PendingApproval::submit(DraftId::new(), new, now_ms()).unwrap()
}

const YES: RelationshipTest = RelationshipTest {
    sounds_like_me: true,
    reflects_what_mattered: true,
};

async fn a_draft_travels_from_pending_to_sent_with_every_step_audited(s: &dyn Store) {
    use roomwork_store::{DraftFilter, InboxWrite};
    let (mut pending, rev0) = submitted("Ana, thank you for the call today. The quote follows.");
    s.inbox_write(
        InboxWrite::Submit {
            pending: &pending,
            revision: &rev0,
            usage: None,
        },
        &inbox_entry("draft.submitted", pending.draft()),
    )
    .await
    .unwrap();
    let rev1 = pending
        .edit(
            "Dana",
            None,
            "Ana, thanks for the call. The revised quote follows by Friday.",
            now_ms(),
        )
        .unwrap();
    s.inbox_write(
        InboxWrite::Edit {
            pending: &pending,
            revision: &rev1,
        },
        &inbox_entry("draft.edited", pending.draft()),
    )
    .await
    .unwrap();
    let no = RelationshipTest {
        sounds_like_me: false,
        reflects_what_mattered: true,
    };
    let Decision::Returned(mut pending, edit) =
        approve_with_note(pending, "Lee", no, None, "too formal", now_ms()).unwrap()
    else {
        panic!("not returned")
    };
    s.inbox_write(
        InboxWrite::Return {
            pending: &pending,
            revision: edit.as_ref(),
        },
        &inbox_entry("draft.returned", pending.draft()),
    )
    .await
    .unwrap();
    let stored = s.draft(pending.draft().id).await.unwrap();
    assert_eq!(stored.status, DraftStatus::Returned);
    assert_eq!(stored.review.as_ref().unwrap().by, "Lee");
    let rev2 = pending
        .edit(
            "Dana",
            None,
            "Ana, great to see the line running again. The revised quote follows by Friday.",
            now_ms(),
        )
        .unwrap();
    s.inbox_write(
        InboxWrite::Edit {
            pending: &pending,
            revision: &rev2,
        },
        &inbox_entry("draft.edited", pending.draft()),
    )
    .await
    .unwrap();
    // Reload and approve from the stored state, as a second process would.
    let DraftState::Pending(pending) =
        DraftState::restore(s.draft(pending.draft().id).await.unwrap()).unwrap()
    else {
        panic!("not pending")
    };
    let Decision::Approved(approved, edit) = approve(pending, "Lee", YES, None, now_ms()).unwrap()
    else {
        panic!("not approved")
    };
    s.inbox_write(
        InboxWrite::Approve {
            approved: &approved,
            revision: edit.as_ref(),
            applied: None,
        },
        &inbox_entry("draft.approved", approved.draft()),
    )
    .await
    .unwrap();
    let DraftState::Approved(approved) =
        DraftState::restore(s.draft(approved.draft().id).await.unwrap()).unwrap()
    else {
        panic!("not approved")
    };
    assert_eq!(approved.approval().reviewer, "Lee");
    let sent = approved
        .send("Dana", SendVia::Eml, Some("out/ana.eml".into()), now_ms())
        .unwrap();
    let activity = Activity {
        id: ActivityId::new(),
        ext_key: None,
        kind: ActivityKind::Email,
        direction: Direction::Outbound,
        ai_assisted: true,
        account_id: None,
        contact_id: None,
        opportunity_id: None,
        rep_id: None,
        occurred_at: Utc
            .timestamp_millis_opt(now_ms().timestamp_millis())
            .unwrap(),
        duration_minutes: None,
        subject: sent.draft().subject.clone(),
        body: Some(sent.draft().body.clone()),
    };
    s.inbox_write(
        InboxWrite::Send {
            sent: &sent,
            activity: Some(&activity),
        },
        &inbox_entry("draft.sent", sent.draft()),
    )
    .await
    .unwrap();

    let back = s.draft(sent.draft().id).await.unwrap();
    assert_eq!(&back, sent.draft());
    assert!(matches!(
        DraftState::restore(back).unwrap(),
        DraftState::Sent(_)
    ));
    let revisions = s.draft_revisions(sent.draft().id).await.unwrap();
    assert_eq!(
        revisions.iter().map(|r| r.number).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(revisions[0].author, "external");
    let actions: Vec<String> = s
        .audit_records()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(
        actions,
        [
            "draft.submitted",
            "draft.edited",
            "draft.returned",
            "draft.edited",
            "draft.approved",
            "draft.sent"
        ]
    );
    let logged = s.activities(ActivityFilter::default()).await.unwrap();
    assert_eq!(logged, vec![activity]);
    assert_eq!(
        s.drafts(DraftFilter {
            status: Some(DraftStatus::Sent),
            ..Default::default()
        })
        .await
        .unwrap()
        .len(),
        1
    );
    assert!(
        s.drafts(DraftFilter {
            status: Some(DraftStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap()
        .is_empty()
    );
}

async fn an_inbox_write_that_fails_leaves_no_audit_record(s: &dyn Store) {
    use roomwork_store::InboxWrite;
    let (pending, rev0) = submitted("Ana, thank you.");
    let entry = inbox_entry("draft.submitted", pending.draft());
    s.inbox_write(
        InboxWrite::Submit {
            pending: &pending,
            revision: &rev0,
            usage: None,
        },
        &entry,
    )
    .await
    .unwrap();
    assert!(
        s.inbox_write(
            InboxWrite::Submit {
                pending: &pending,
                revision: &rev0,
                usage: None,
            },
            &entry
        )
        .await
        .is_err()
    );
    assert_eq!(s.audit_records().await.unwrap().len(), 1);
    assert!(matches!(
        s.draft(DraftId::new()).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn a_workflow_use_is_stored_with_its_draft_or_not_at_all(s: &dyn Store) {
    use roomwork_store::InboxWrite;
    let (pending, rev0) = submitted("Ana, thank you for the call today.");
    let usage = WorkflowUse {
        draft_id: pending.draft().id,
        workflow: Workflow::FollowUpEmail,
        used_by: "Dana".into(),
        account_id: None,
        at: now_ms(),
        minutes_saved: 12,
        hourly_cost: usd(65),
    };
    // A use that names another draft is refused, and nothing of the submission is stored.
    let stray = WorkflowUse {
        draft_id: DraftId::new(),
        ..usage.clone()
    };
    let entry = inbox_entry("draft.submitted", pending.draft());
    assert!(
        s.inbox_write(
            InboxWrite::Submit {
                pending: &pending,
                revision: &rev0,
                usage: Some(&stray),
            },
            &entry,
        )
        .await
        .is_err()
    );
    assert!(s.workflow_uses().await.unwrap().is_empty());
    assert!(s.draft(pending.draft().id).await.is_err());
    assert!(s.audit_records().await.unwrap().is_empty());
    s.inbox_write(
        InboxWrite::Submit {
            pending: &pending,
            revision: &rev0,
            usage: Some(&usage),
        },
        &entry,
    )
    .await
    .unwrap();
    let stored = s.workflow_uses().await.unwrap();
    assert_eq!(stored, vec![usage.clone()]);
    // 12 minutes at $65 an hour: $13.00.
    assert_eq!(stored[0].value_minor(), 1300);
}

async fn an_approved_crm_change_is_applied_with_its_approval_or_not_at_all(s: &dyn Store) {
    use roomwork_store::InboxWrite;
    s.save_batch(&sample()).await.unwrap();
    let deal = s.opportunities(true).await.unwrap().remove(0);
    let change = CrmChange {
        opportunity_id: deal.id,
        stage: Some(FieldChange {
            from: deal.stage.as_str().to_string(),
            to: "Negotiation".into(),
        }),
        stage_reason: Some("the notes say \"verbal\"".into()),
        next_step: Some(FieldChange {
            from: deal.next_step.clone(),
            to: Some("Send the contract redlines".into()),
        }),
        next_step_date: None,
        close_date: None,
        note: "Key points:\n- verbal yes".into(),
    };
    let mut new = NewDraft::communication("crm-update", "CRM update", "the diff", "Dana");
    new.change = Some(change);
    new.opportunity_id = Some(deal.id);
    let (pending, rev0) = PendingApproval::submit(DraftId::new(), new, now_ms()).unwrap();
    s.inbox_write(
        InboxWrite::Submit {
            pending: &pending,
            revision: &rev0,
            usage: None,
        },
        &inbox_entry("draft.submitted", pending.draft()),
    )
    .await
    .unwrap();
    let Decision::Approved(approved, _) = approve(pending, "Lee", YES, None, now_ms()).unwrap()
    else {
        panic!()
    };
    // Approving without applying the change it proposes is refused; nothing is written.
    let entry = inbox_entry("draft.approved", approved.draft());
    assert!(
        s.inbox_write(
            InboxWrite::Approve {
                approved: &approved,
                revision: None,
                applied: None,
            },
            &entry,
        )
        .await
        .is_err()
    );
    assert_eq!(s.opportunity(deal.id).await.unwrap(), deal);
    assert_eq!(s.audit_records().await.unwrap().len(), 1);
    // Another approved draft's application, for the same deal and change, is refused.
    let mut other = NewDraft::communication("crm-update", "CRM update", "the diff", "Dana");
    other.change = approved.draft().change.clone();
    other.opportunity_id = Some(deal.id);
    let (other, _) = PendingApproval::submit(DraftId::new(), other, now_ms()).unwrap();
    let Decision::Approved(other, _) = approve(other, "Lee", YES, None, now_ms()).unwrap() else {
        panic!()
    };
    let foreign = other.apply_to(&deal, now_ms()).unwrap().unwrap();
    assert!(
        s.inbox_write(
            InboxWrite::Approve {
                approved: &approved,
                revision: None,
                applied: Some(&foreign),
            },
            &entry,
        )
        .await
        .is_err()
    );
    assert_eq!(s.opportunity(deal.id).await.unwrap(), deal);
    // With its own: the approval, the deal and its note, together.
    let applied = approved
        .apply_to(&deal, now_ms())
        .unwrap()
        .expect("the draft proposes a change");
    s.inbox_write(
        InboxWrite::Approve {
            approved: &approved,
            revision: None,
            applied: Some(&applied),
        },
        &entry,
    )
    .await
    .unwrap();
    let after = s.opportunity(deal.id).await.unwrap();
    assert_eq!(after.stage.as_str(), "Negotiation");
    assert_eq!(
        after.next_step.as_deref(),
        Some("Send the contract redlines")
    );
    assert_eq!(
        after.stage_history.last().map(|c| c.stage.as_str()),
        Some("Negotiation")
    );
    assert!(
        s.activities(ActivityFilter::default())
            .await
            .unwrap()
            .iter()
            .any(|a| a.opportunity_id == Some(deal.id)
                && a.body.as_deref() == Some("Key points:\n- verbal yes"))
    );
    // The stored draft keeps the change it carried (a trigger refuses to alter it).
    let stored = s.draft(approved.draft().id).await.unwrap();
    assert_eq!(stored.change, approved.draft().change);
    // A deal that moved since the draft: apply_to refuses.
    let mut moved = after.clone();
    moved.stage = Stage::parse("Proposal").unwrap();
    assert!(approved.apply_to(&moved, now_ms()).is_err());
}

async fn a_stored_change_cannot_be_rewritten(s: &dyn Store, g: &Guard) {
    an_approved_crm_change_is_applied_with_its_approval_or_not_at_all(s).await;
    let e = raw(g, "UPDATE drafts SET change = NULL").await.unwrap_err();
    assert!(e.to_string().contains("cannot be altered"), "{e}");
}

#[tokio::test]
async fn a_stored_change_cannot_be_rewritten_on_sqlite() {
    let (s, g) = sqlite().await;
    a_stored_change_cannot_be_rewritten(&*s, &g).await;
}

#[tokio::test]
async fn a_stored_change_cannot_be_rewritten_on_postgres() {
    if let Some((s, g)) = postgres().await {
        a_stored_change_cannot_be_rewritten(&*s, &g).await;
    }
}

async fn the_ledger_is_append_only(s: &dyn Store, g: &Guard) {
    a_workflow_use_is_stored_with_its_draft_or_not_at_all(s).await;
    let replace = match g {
        Guard::Sqlite(_) => {
            "INSERT OR REPLACE INTO workflow_uses SELECT draft_id, workflow, \
                             used_by, account_id, at, 600, hourly_cost_minor, currency FROM workflow_uses"
        }
        Guard::Postgres(_) => {
            "INSERT INTO workflow_uses SELECT * FROM workflow_uses \
                               ON CONFLICT (draft_id) DO UPDATE SET minutes_saved = 600"
        }
    };
    for sql in [
        "UPDATE workflow_uses SET minutes_saved = 600",
        "DELETE FROM workflow_uses",
        replace,
    ] {
        let e = raw(g, sql).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(s.workflow_uses().await.unwrap()[0].minutes_saved, 12);
}

#[tokio::test]
async fn the_ledger_is_append_only_on_sqlite() {
    let (s, g) = sqlite().await;
    the_ledger_is_append_only(&*s, &g).await;
}

#[tokio::test]
async fn the_ledger_is_append_only_on_postgres() {
    if let Some((s, g)) = postgres().await {
        the_ledger_is_append_only(&*s, &g).await;
    }
}

async fn an_approval_on_a_stale_read_is_refused(s: &dyn Store) {
    use roomwork_store::InboxWrite;
    let (pending, rev0) = submitted("Ana, thank you.");
    s.inbox_write(
        InboxWrite::Submit {
            pending: &pending,
            revision: &rev0,
            usage: None,
        },
        &inbox_entry("draft.submitted", pending.draft()),
    )
    .await
    .unwrap();
    // Two reviewers read the same pending draft; the first says "no".
    let stale = pending.clone();
    let no = RelationshipTest {
        sounds_like_me: false,
        reflects_what_mattered: true,
    };
    let Decision::Returned(returned, _) = approve(pending, "Lee", no, None, now_ms()).unwrap()
    else {
        panic!()
    };
    s.inbox_write(
        InboxWrite::Return {
            pending: &returned,
            revision: None,
        },
        &inbox_entry("draft.returned", returned.draft()),
    )
    .await
    .unwrap();
    // The second approves from their stale read, with an edit: refused, nothing written.
    let Decision::Approved(approved, edit) =
        approve(stale, "Kim", YES, Some("Ana, thanks a lot."), now_ms()).unwrap()
    else {
        panic!()
    };
    let err = s
        .inbox_write(
            InboxWrite::Approve {
                approved: &approved,
                revision: edit.as_ref(),
                applied: None,
            },
            &inbox_entry("draft.approved", approved.draft()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    let stored = s.draft(returned.draft().id).await.unwrap();
    assert_eq!((stored.status, stored.revision), (DraftStatus::Returned, 0));
    assert_eq!(s.draft_revisions(stored.id).await.unwrap().len(), 1);
    assert_eq!(s.audit_records().await.unwrap().len(), 2);
}

/// Going around roomwork with SQL: the database itself refuses to send an unapproved draft,
/// to approve without two "yes" answers, to change approved text, or to delete a draft.
async fn the_database_refuses_unapproved_sends(s: &dyn Store, g: &Guard) {
    use roomwork_store::InboxWrite;
    let (pending, rev0) = submitted("Ana, thank you.");
    let id = pending.draft().id;
    s.inbox_write(
        InboxWrite::Submit {
            pending: &pending,
            revision: &rev0,
            usage: None,
        },
        &inbox_entry("draft.submitted", pending.draft()),
    )
    .await
    .unwrap();
    for sql in [
        format!(
            "UPDATE drafts SET status = 'sent', sent_by = 'x', sent_at = 1, sent_via = 'marked' WHERE id = '{id}'"
        ),
        format!(
            "UPDATE drafts SET status = 'approved', approved_by = 'x', approved_at = 1 WHERE id = '{id}'"
        ),
        format!(
            "UPDATE drafts SET status = 'approved', approved_by = 'x', approved_at = 1, sounds_like_me = TRUE, reflects_what_mattered = FALSE WHERE id = '{id}'"
        ),
        format!("DELETE FROM drafts WHERE id = '{id}'"),
        format!("UPDATE draft_revisions SET body = 'forged' WHERE draft_id = '{id}'"),
        format!(
            "UPDATE drafts SET requires_personal_edit = NOT requires_personal_edit WHERE id = '{id}'"
        ),
        format!("UPDATE drafts SET original = 'what the engine never wrote' WHERE id = '{id}'"),
    ] {
        assert!(raw(g, &sql).await.is_err(), "the database allowed: {sql}");
    }
    let Decision::Approved(approved, _) = approve(pending, "Lee", YES, None, now_ms()).unwrap()
    else {
        panic!()
    };
    s.inbox_write(
        InboxWrite::Approve {
            approved: &approved,
            revision: None,
            applied: None,
        },
        &inbox_entry("draft.approved", approved.draft()),
    )
    .await
    .unwrap();
    assert!(
        raw(
            g,
            &format!("UPDATE drafts SET body = 'changed after approval' WHERE id = '{id}'")
        )
        .await
        .is_err()
    );
    let sent = approved
        .send("Dana", SendVia::Marked, None, now_ms())
        .unwrap();
    s.inbox_write(
        InboxWrite::Send {
            sent: &sent,
            activity: None,
        },
        &inbox_entry("draft.sent", sent.draft()),
    )
    .await
    .unwrap();
    assert!(raw(g, &format!("UPDATE drafts SET status = 'pending', sent_by = NULL, sent_at = NULL, sent_via = NULL WHERE id = '{id}'")).await.is_err());
    assert_eq!(s.draft(id).await.unwrap().status, DraftStatus::Sent);
}

#[tokio::test]
async fn the_database_refuses_unapproved_sends_on_sqlite() {
    let (s, g) = sqlite().await;
    the_database_refuses_unapproved_sends(&*s, &g).await;
}

#[tokio::test]
async fn the_database_refuses_unapproved_sends_on_postgres() {
    if let Some((s, g)) = postgres().await {
        the_database_refuses_unapproved_sends(&*s, &g).await;
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn usd(major: i64) -> Money {
    Money::from_major(major, Currency::USD)
}

fn sample() -> Batch {
    let t = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    let rep = Rep {
        id: RepId::new(),
        name: "Dana O'Neil".into(),
        email: Some(Email::parse("dana@brightwater.example").unwrap()),
        territory: Some("West".into()),
        segment: Some("enterprise".into()),
        weekly_lead_capacity: 25,
        active: true,
    };
    let account = Account {
        id: AccountId::new(),
        ext_key: Some(ExternalKey::new("salesforce", "account", "001A0000006Vm9rIAC").unwrap()),
        name: "Meridian Foods Inc.".into(),
        tier: Some(Tier::parse("strategic").unwrap()),
        health: Health::AtRisk,
        health_reason: Some("two late deliveries and an open critical complaint".into()),
        industry: Some("Food & Beverage".into()),
        country: Some("United States".into()),
        employees: Some(1_200),
        annual_revenue: Some(usd(310_000_000)),
        owner: Some(rep.id),
        domain: Some("meridianfoods.example".into()),
        created_at: t,
    };
    let contact = Contact {
        id: ContactId::new(),
        ext_key: Some(ExternalKey::new("salesforce", "contact", "003A0000001abcdEAA").unwrap()),
        account_id: Some(account.id),
        name: "Priya Raman".into(),
        title: Some("Plant Engineering Manager".into()),
        role: ContactRole::Technical,
        email: Some(Email::parse("priya.raman@meridianfoods.example").unwrap()),
        phone: Some("+1 513 555 0142".into()),
        created_at: t,
    };
    let lead = Lead {
        id: LeadId::new(),
        ext_key: Some(ExternalKey::new("hubspot", "contact", "5012").unwrap()),
        name: "Tom Becker".into(),
        title: Some("Dir. Procurement".into()),
        company: Some("Harlow Creek Water Authority".into()),
        company_size: Some(340),
        industry: Some("Water Utilities".into()),
        country: Some("United States".into()),
        region: Some("OH".into()),
        source: Some("Web form".into()),
        email: None,
        behaviour: LeadBehaviour {
            pages_viewed: 12,
            form_submissions: 2,
            email_opens: 5,
            email_clicks: 1,
        },
        outcome: Some(LeadOutcome {
            converted: true,
            date: day(2026, 4, 1),
        }),
        owner: Some(rep.id),
        created_at: t,
    };
    let opp = Opportunity {
        id: OpportunityId::new(),
        ext_key: Some(ExternalKey::new("salesforce", "opportunity", "006A000000AbCdEFGH").unwrap()),
        name: "Meridian Foods - Dosing skid retrofit".into(),
        account_id: Some(account.id),
        owner: Some(rep.id),
        stage: Stage::parse("Proposal").unwrap(),
        amount: Some(Money::from_minor(4_850_050, Currency::USD)),
        close_date: Some(day(2026, 6, 30)),
        next_step: Some("Send revised quote w/ volume pricing".into()),
        next_step_date: Some(day(2026, 4, 10)),
        created_on: day(2026, 2, 1),
        forecast_category: Some(ForecastCategory::BestCase),
        stage_history: vec![
            StageChange {
                stage: Stage::parse("Qualification").unwrap(),
                entered_on: day(2026, 2, 1),
            },
            StageChange {
                stage: Stage::parse("Proposal").unwrap(),
                entered_on: day(2026, 3, 15),
            },
        ],
    };
    let activity = Activity {
        id: ActivityId::new(),
        ext_key: None,
        kind: ActivityKind::Visit,
        direction: Direction::Outbound,
        ai_assisted: false,
        account_id: Some(account.id),
        contact_id: Some(contact.id),
        opportunity_id: Some(opp.id),
        rep_id: Some(rep.id),
        occurred_at: t,
        duration_minutes: Some(90),
        subject: "Site walk of line 3 with plant engineering".into(),
        body: Some("Seal leaks on P-301 again; Priya wants a proposal by Friday.".into()),
    };
    let order = Order {
        id: OrderId::new(),
        number: "SO-20931".into(),
        account_id: account.id,
        status: OrderStatus::BackOrdered,
        ordered_on: day(2026, 2, 20),
        promised_on: Some(day(2026, 3, 20)),
        delivered_on: None,
        value: usd(18_400),
        description: "Mechanical seal kit, 12 units".into(),
    };
    let issue = CustomerIssue {
        id: IssueId::new(),
        account_id: account.id,
        kind: IssueKind::ServiceFailure,
        severity: Severity::Critical,
        summary: "Pump P-301 seal failed 3 weeks after commissioning".into(),
        opened_on: day(2026, 3, 1),
        closed_on: None,
    };
    let transcript = Transcript {
        id: TranscriptId::new(),
        title: "Complaint call: Meridian Foods".into(),
        account_id: Some(account.id),
        opportunity_id: Some(opp.id),
        rep_id: Some(rep.id),
        file_name: "meridian-complaint.vtt".into(),
        content: "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Priya Raman>The seal failed again.\n"
            .into(),
        occurred_at: t,
        uploaded_at: t,
    };
    let project = PortfolioProject {
        id: ProjectId::new(),
        title: "Chlorine dosing upgrade".into(),
        client: "Eastvale Water".into(),
        industry: "Water Utilities".into(),
        year: 2024,
        summary: "Replaced six dosing pumps; cut chemical overdosing by 22%.".into(),
        capabilities: vec!["dosing systems".into(), "commissioning".into()],
        value: Some(usd(265_000)),
    };
    let opp_id = opp.id;
    Batch {
        reps: vec![rep],
        accounts: vec![account],
        contacts: vec![contact],
        leads: vec![lead],
        opportunities: vec![opp],
        activities: vec![activity],
        orders: vec![order],
        issues: vec![issue],
        transcripts: vec![transcript],
        projects: vec![project],
        account_merges: vec![],
        field_edits: vec![FieldEdit {
            opportunity_id: opp_id,
            changed_on: day(2026, 3, 20),
            change: DealFieldChange::CloseDate {
                from: Some(day(2026, 5, 31)),
                to: Some(day(2026, 6, 30)),
            },
        }],
    }
}

async fn every_record_kind_reads_back_as_it_was_saved(store: &dyn Store) {
    let b = sample();
    store.save_batch(&b).await.unwrap();
    assert_eq!(store.reps().await.unwrap(), b.reps);
    assert_eq!(store.accounts().await.unwrap(), b.accounts);
    assert_eq!(store.contacts().await.unwrap(), b.contacts);
    assert_eq!(store.leads().await.unwrap(), b.leads);
    assert_eq!(store.opportunities(true).await.unwrap(), b.opportunities);
    assert_eq!(
        store.opportunity(b.opportunities[0].id).await.unwrap(),
        b.opportunities[0]
    );
    let brief = store.opportunities(false).await.unwrap();
    assert!(brief[0].stage_history.is_empty());
    assert_eq!(brief[0].stage, b.opportunities[0].stage);
    assert_eq!(
        store.activities(ActivityFilter::default()).await.unwrap(),
        b.activities
    );
    assert_eq!(store.orders().await.unwrap(), b.orders);
    assert_eq!(store.issues().await.unwrap(), b.issues);
    assert_eq!(store.transcripts().await.unwrap(), b.transcripts);
    assert_eq!(store.projects().await.unwrap(), b.projects);
    assert_eq!(store.field_edits(None).await.unwrap(), b.field_edits);
    let lean = store
        .activities(ActivityFilter {
            skip_text: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (lean[0].subject.as_str(), lean[0].body.as_deref()),
        ("", None)
    );
    assert_eq!(lean[0].occurred_at, b.activities[0].occurred_at);
    assert_eq!(
        store.account(b.accounts[0].id).await.unwrap(),
        b.accounts[0]
    );
    let c = store.counts().await.unwrap();
    assert_eq!(
        (c.accounts, c.opportunities, c.stage_changes, c.projects),
        (1, 1, 2, 1)
    );
}

async fn saving_a_record_again_updates_it_instead_of_duplicating(store: &dyn Store) {
    let mut b = sample();
    store.save_batch(&b).await.unwrap();
    b.accounts[0].name = "Meridian Foods".into();
    b.accounts[0].health = Health::Watch;
    b.opportunities[0].amount = Some(usd(41_000));
    b.orders[0].status = OrderStatus::Shipped;
    store.save_batch(&b).await.unwrap();
    let c = store.counts().await.unwrap();
    assert_eq!(
        (c.accounts, c.opportunities, c.orders, c.reps),
        (1, 1, 1, 1)
    );
    let acc = store.account(b.accounts[0].id).await.unwrap();
    assert_eq!(
        (acc.name.as_str(), acc.health),
        ("Meridian Foods", Health::Watch)
    );
    assert_eq!(
        store.opportunities(true).await.unwrap()[0].amount,
        Some(usd(41_000))
    );
    assert_eq!(
        store.orders().await.unwrap()[0].status,
        OrderStatus::Shipped
    );
}

async fn stage_history_is_appended_and_identical_changes_are_kept_once(store: &dyn Store) {
    let mut b = sample();
    store.save_batch(&b).await.unwrap();
    let opp = &mut b.opportunities[0];
    opp.stage = Stage::parse("Negotiation").unwrap();
    // The re-import only knows the newest change; the stored history keeps the older ones.
    opp.stage_history = vec![StageChange {
        stage: opp.stage.clone(),
        entered_on: day(2026, 4, 2),
    }];
    store.save_batch(&b).await.unwrap();
    store.save_batch(&b).await.unwrap();
    let stored = store.opportunity(b.opportunities[0].id).await.unwrap();
    let stages: Vec<&str> = stored
        .stage_history
        .iter()
        .map(|c| c.stage.as_str())
        .collect();
    assert_eq!(stages, ["Qualification", "Proposal", "Negotiation"]);
    assert_eq!(stored.stage.as_str(), "Negotiation");
    let stages = store.opportunity_stages().await.unwrap();
    assert_eq!(stages[&b.opportunities[0].id].as_str(), "Negotiation");
}

/// `err` is the database's own foreign-key refusal, its kind kept (SQLite writes bulk rows
/// directly, PostgreSQL through sqlx).
fn assert_foreign_key_violation(err: &StoreError) {
    match err {
        StoreError::Database(sqlx::Error::Database(e)) => {
            assert!(e.is_foreign_key_violation(), "{err}")
        }
        _ => panic!("expected a foreign-key violation, got {err}"),
    }
}

async fn a_batch_that_fails_midway_stores_nothing(store: &dyn Store) {
    let mut b = sample();
    // The contact points at an account that exists nowhere: the batch must fail as a whole,
    // including the rep, account and lead written before the contact.
    b.contacts[0].account_id = Some(AccountId::new());
    let err = store.save_batch(&b).await.unwrap_err();
    assert_foreign_key_violation(&err);
    assert_eq!(store.counts().await.unwrap(), Default::default());
    // And a good batch after the failure still goes through.
    store.save_batch(&sample()).await.unwrap();
    assert_eq!(store.counts().await.unwrap().accounts, 1);
}

async fn an_audited_batch_is_stored_with_its_record_or_not_at_all(store: &dyn Store) {
    let entry = roomwork_store::AuditEntry::new(
        "roomwork tier rules",
        "tiers.applied",
        "1 account",
        serde_json::json!({}),
    );
    let mut bad = sample();
    bad.contacts[0].account_id = Some(AccountId::new());
    assert!(store.save_batch_audited(&bad, &entry).await.is_err());
    assert_eq!(store.counts().await.unwrap(), Default::default());
    assert!(store.audit_records().await.unwrap().is_empty());
    let r = store.save_batch_audited(&sample(), &entry).await.unwrap();
    assert_eq!((r.seq, store.counts().await.unwrap().accounts), (1, 1));
}

async fn external_keys_index_stored_records_for_reimports(store: &dyn Store) {
    let b = sample();
    store.save_batch(&b).await.unwrap();
    let accounts = store.key_index(KeyedKind::Account).await.unwrap();
    assert_eq!(
        accounts[b.accounts[0].ext_key.as_ref().unwrap()],
        b.accounts[0].id.as_uuid()
    );
    let opps = store.key_index(KeyedKind::Opportunity).await.unwrap();
    assert_eq!(opps.len(), 1);
    assert!(
        store
            .key_index(KeyedKind::Activity)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn asking_for_a_missing_record_is_not_found(store: &dyn Store) {
    let err = store.account(AccountId::new()).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "account",
                ..
            }
        ),
        "{err}"
    );
    let err = store.opportunity(OpportunityId::new()).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "opportunity",
                ..
            }
        ),
        "{err}"
    );
}

async fn activities_filter_by_account_and_limit_newest_first(store: &dyn Store) {
    let mut b = sample();
    let base = b.activities[0].clone();
    for i in 1..=5 {
        let mut a = base.clone();
        a.id = ActivityId::new();
        a.occurred_at = base.occurred_at + chrono::Duration::days(i);
        a.subject = format!("Follow-up {i}");
        b.activities.push(a);
    }
    let mut other = base.clone();
    other.id = ActivityId::new();
    other.account_id = None;
    other.contact_id = None;
    b.activities.push(other);
    store.save_batch(&b).await.unwrap();
    let filter = ActivityFilter {
        account_id: Some(b.accounts[0].id),
        limit: Some(2),
        ..Default::default()
    };
    let got = store.activities(filter).await.unwrap();
    let subjects: Vec<&str> = got.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(subjects, ["Follow-up 5", "Follow-up 4"]);
    let all = store
        .activities(ActivityFilter {
            account_id: Some(b.accounts[0].id),
            ..Default::default()
        })
        .await;
    assert_eq!(all.unwrap().len(), 6);
    assert_eq!(
        store
            .activities(ActivityFilter::default())
            .await
            .unwrap()
            .len(),
        7
    );
}

async fn merging_accounts_repoints_every_record_and_removes_the_stub(store: &dyn Store) {
    let b = sample();
    store.save_batch(&b).await.unwrap();
    let real = b.accounts[0].clone();
    let mut stub = real.clone();
    stub.id = AccountId::new();
    stub.ext_key = Some(ExternalKey::from_name("account", "Meridian Foods").unwrap());
    let mut contact = b.contacts[0].clone();
    contact.id = ContactId::new();
    contact.ext_key = None;
    contact.account_id = Some(stub.id);
    let mut order = b.orders[0].clone();
    order.id = OrderId::new();
    order.number = "SO-1".into();
    order.account_id = stub.id;
    store
        .save_batch(&Batch {
            accounts: vec![stub.clone()],
            contacts: vec![contact.clone()],
            orders: vec![order],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(store.counts().await.unwrap().accounts, 2);
    let merge = Batch {
        account_merges: vec![AccountMerge {
            from: stub.id,
            into: real.id,
        }],
        ..Default::default()
    };
    store.save_batch(&merge).await.unwrap();
    assert_eq!(store.counts().await.unwrap().accounts, 1);
    assert!(
        store
            .contacts()
            .await
            .unwrap()
            .iter()
            .all(|c| c.account_id == Some(real.id))
    );
    assert!(
        store
            .orders()
            .await
            .unwrap()
            .iter()
            .all(|o| o.account_id == real.id)
    );
    assert!(matches!(
        store.account(stub.id).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn large_batches_span_many_statements(store: &dyn Store) {
    let written = std::sync::atomic::AtomicU64::new(0);
    let mut b = sample();
    let base = b.activities[0].clone();
    for i in 0..2_500 {
        let mut a = base.clone();
        a.id = ActivityId::new();
        a.subject = format!("Call {i}");
        b.activities.push(a);
    }
    let progress = |n: u64| {
        written.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    };
    store.save_batch_with_progress(&b, &progress).await.unwrap();
    assert_eq!(store.counts().await.unwrap().activities, 2_501);
    // Every written row is reported (stage changes are not rows of a record kind).
    assert_eq!(
        written.load(std::sync::atomic::Ordering::Relaxed),
        b.len() as u64
    );
}

/// Deals go in 64-row statements, on SQLite new ones first by plain insert: a statement whose
/// rows are partly stored already must still write the stored ones (by upsert), in any chunk.
async fn new_and_stored_deals_in_one_chunk_are_both_written(store: &dyn Store) {
    let mut b = sample();
    store.save_batch(&b).await.unwrap();
    let stored = b.opportunities[0].clone();
    let mut deals = Vec::new();
    for i in 0..150 {
        let mut d = stored.clone();
        d.id = OpportunityId::new();
        d.ext_key =
            Some(ExternalKey::new("salesforce", "opportunity", &format!("deal-{i}")).unwrap());
        d.name = format!("Line {i} retrofit");
        d.created_on = day(2026, 1, 1 + (i % 5) as u32);
        d.stage_history.clear();
        deals.push(d);
    }
    // The stored deal, renamed, in the middle of the second statement.
    let mut renamed = stored.clone();
    renamed.name = "Dosing skid retrofit, phase 2".into();
    renamed.stage_history.clear();
    deals.insert(100, renamed);
    b.opportunities = deals;
    store.save_batch(&b).await.unwrap();
    let all = store.opportunities(false).await.unwrap();
    assert_eq!(all.len(), 151);
    let again = all.iter().find(|o| o.id == stored.id).unwrap();
    assert_eq!(again.name, "Dosing skid retrofit, phase 2");
    assert!(all.iter().any(|o| o.name == "Line 149 retrofit"));
    // Listed by created day, then by the id's text (as `ORDER BY created_on, id` gives it).
    let mut listed: Vec<(NaiveDate, String)> = all
        .iter()
        .map(|o| (o.created_on, o.id.to_string()))
        .collect();
    let as_listed = listed.clone();
    listed.sort();
    assert_eq!(as_listed, listed);
}

/// The deal's account key is checked when the transaction commits (deferred on SQLite, see
/// migration 0010): the failure is still the database's foreign-key refusal, and nothing of
/// the batch, written before or after the bad deal, is stored.
async fn a_deal_naming_a_missing_account_fails_its_whole_batch(store: &dyn Store) {
    let mut b = sample();
    let base = b.opportunities[0].clone();
    for i in 0..100 {
        let mut d = base.clone();
        d.id = OpportunityId::new();
        d.ext_key = None;
        d.name = format!("Deal {i}");
        if i == 70 {
            d.account_id = Some(AccountId::new());
        }
        b.opportunities.push(d);
    }
    let err = store.save_batch(&b).await.unwrap_err();
    assert_foreign_key_violation(&err);
    assert_eq!(store.counts().await.unwrap(), Default::default());
    store.save_batch(&sample()).await.unwrap();
    assert_eq!(store.counts().await.unwrap().opportunities, 1);
}

/// Migration 0010 rebuilds the deal tables of a database made before it: every deal, its stage
/// history in order, and the records that point at deals come through, and the keys still hold.
#[tokio::test]
async fn a_database_from_before_the_deal_key_rebuild_keeps_every_deal() {
    use std::str::FromStr;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let old = dir.path().join("migrations");
    std::fs::create_dir(&old).unwrap();
    let all = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
    for entry in std::fs::read_dir(all).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.as_str() < "0010" {
            std::fs::copy(&path, old.join(&name)).unwrap();
        }
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let (rep, account, deal, other) = (
        RepId::new().to_string(),
        AccountId::new().to_string(),
        OpportunityId::new().to_string(),
        OpportunityId::new().to_string(),
    );
    for sql in [
        format!(
            "INSERT INTO reps (id, name, name_key, weekly_lead_capacity, active) VALUES ('{rep}', 'Dana', 'dana', 20, 1)"
        ),
        format!(
            "INSERT INTO accounts (id, name, name_key, health, created_at) VALUES ('{account}', 'Meridian', 'meridian', 'healthy', 0)"
        ),
        format!(
            "INSERT INTO opportunities (id, ext_key, name, account_id, owner_id, stage, created_on) VALUES ('{deal}', 'salesforce:opportunity:006A', 'Dosing skid', '{account}', '{rep}', 'Proposal', '2026-01-05')"
        ),
        format!(
            "INSERT INTO opportunities (id, name, stage, created_on) VALUES ('{other}', 'Spare pumps', 'Qualification', '2026-02-01')"
        ),
        format!(
            "INSERT INTO stage_changes (opportunity_id, stage, entered_on) VALUES ('{deal}', 'Qualification', '2026-01-05')"
        ),
        format!(
            "INSERT INTO stage_changes (opportunity_id, stage, entered_on) VALUES ('{deal}', 'Proposal', '2026-02-10')"
        ),
        format!(
            "INSERT INTO stage_changes (opportunity_id, stage, entered_on) VALUES ('{other}', 'Qualification', '2026-02-01')"
        ),
        format!(
            "INSERT INTO activities (id, kind, direction, ai_assisted, account_id, opportunity_id, occurred_at, subject) VALUES ('{}', 'call', 'outbound', 0, '{account}', '{deal}', 0, 'Walkthrough')",
            ActivityId::new()
        ),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;

    let store = SqliteStore::open(&url).await.unwrap();
    let deals = store.opportunities(true).await.unwrap();
    assert_eq!(deals.len(), 2);
    let d = deals.iter().find(|o| o.id.to_string() == deal).unwrap();
    let stages: Vec<&str> = d.stage_history.iter().map(|c| c.stage.as_str()).collect();
    assert_eq!(stages, ["Qualification", "Proposal"]);
    assert_eq!(d.account_id.map(|a| a.to_string()), Some(account.clone()));
    assert_eq!(
        d.ext_key.as_ref().map(|k| k.as_str()),
        Some("salesforce:opportunity:006A")
    );
    let c = store.counts().await.unwrap();
    assert_eq!((c.opportunities, c.stage_changes, c.activities), (2, 3, 1));
    // The rebuilt tables keep their keys: a deal's unique record key and its account.
    let mut dup = d.clone();
    dup.id = OpportunityId::new();
    let batch = Batch {
        opportunities: vec![dup],
        ..Batch::default()
    };
    assert!(
        store.save_batch(&batch).await.is_err(),
        "a second deal with the record key"
    );
    let mut dangling = d.clone();
    dangling.id = OpportunityId::new();
    dangling.ext_key = None;
    dangling.account_id = Some(AccountId::new());
    let batch = Batch {
        opportunities: vec![dangling],
        ..Batch::default()
    };
    assert!(
        store.save_batch(&batch).await.is_err(),
        "a deal of no account"
    );
    assert_eq!(store.counts().await.unwrap().opportunities, 2);
}

/// An import writes a large file in parts while it plans the rest: the parts are one
/// transaction, committed by the end marker only.
async fn parts_of_a_series_are_stored_together_or_not_at_all(store: &dyn Store) {
    use roomwork_store::BatchPart;
    let whole = sample();
    // Split as a plan would: the rep and account in the first part, the deal referencing them
    // in the second, the rest in the third.
    let first = Batch {
        reps: whole.reps.clone(),
        accounts: whole.accounts.clone(),
        ..Batch::default()
    };
    let second = Batch {
        opportunities: whole.opportunities.clone(),
        ..Batch::default()
    };
    let mut third = whole.clone();
    third.reps.clear();
    third.accounts.clear();
    third.opportunities.clear();

    // The sender goes away after two parts (it failed): nothing is stored.
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    tx.send(BatchPart::Batch(Box::new(first.clone())))
        .await
        .unwrap();
    tx.send(BatchPart::Batch(Box::new(second.clone())))
        .await
        .unwrap();
    drop(tx);
    let err = store.save_batch_parts(&mut rx, &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("nothing was stored"), "{err}");
    assert_eq!(store.counts().await.unwrap(), Default::default());

    // A part the database refuses (a deal of no account) fails the series.
    let mut bad = second.clone();
    bad.opportunities[0].account_id = Some(AccountId::new());
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    for part in [first.clone(), bad, third.clone()] {
        tx.send(BatchPart::Batch(Box::new(part))).await.unwrap();
    }
    tx.send(BatchPart::End).await.unwrap();
    assert!(store.save_batch_parts(&mut rx, &|_| {}).await.is_err());
    assert_eq!(store.counts().await.unwrap(), Default::default());

    // Sent whole and ended: stored as the one batch would be.
    let written = std::sync::atomic::AtomicU64::new(0);
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let send = async move {
        for part in [first, second, third] {
            tx.send(BatchPart::Batch(Box::new(part))).await.unwrap();
        }
        tx.send(BatchPart::End).await.unwrap();
    };
    let progress = |n: u64| {
        written.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    };
    let (saved, ()) = tokio::join!(store.save_batch_parts(&mut rx, &progress), send);
    saved.unwrap();
    assert_eq!(
        store.opportunities(true).await.unwrap(),
        whole.opportunities
    );
    assert_eq!(
        store.activities(ActivityFilter::default()).await.unwrap(),
        whole.activities
    );
    assert_eq!(written.into_inner(), whole.len() as u64);
    // An empty series writes nothing and is not an error.
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    tx.send(BatchPart::End).await.unwrap();
    store.save_batch_parts(&mut rx, &|_| {}).await.unwrap();
}

/// Regression: commands exited without closing the pool, leaving a 900 MB write-ahead log
/// after the large demo for the next command to fold in (minutes of I/O in `status`).
#[tokio::test]
async fn closing_an_sqlite_store_folds_its_write_ahead_log_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wal.db");
    let store = SqliteStore::open(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    store.save_batch(&sample()).await.unwrap();
    let wal = dir.path().join("wal.db-wal");
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false),
        "writes go to the log first"
    );
    store.close().await;
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() == 0)
            .unwrap_or(true),
        "the log is folded in on close"
    );
    let reopened = SqliteStore::open(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    assert_eq!(reopened.counts().await.unwrap().accounts, 1);
}

fn model_record(version: i64, status: roomwork_store::ModelStatus) -> roomwork_store::ModelRecord {
    roomwork_store::ModelRecord {
        version,
        created_at: now_ms(),
        status,
        schema: "leads".into(),
        engine: "trees".into(),
        trained_by: "Sam Ops".into(),
        source: "store".into(),
        model: format!("{{\"v\": {version}}}"),
        evaluation: "{}".into(),
        promoted_at: (status == roomwork_store::ModelStatus::Current).then(now_ms),
        promoted_by: (status == roomwork_store::ModelStatus::Current).then(|| "Sam Ops".into()),
    }
}

async fn lead_models_are_versioned_promoted_with_audit_and_scores_stored_with_their_leads(
    s: &dyn Store,
) {
    use roomwork_store::{LeadsWrite, ModelStatus, ScoreRecord};
    let audit = |action: &str| {
        roomwork_store::AuditEntry::new("Sam Ops", action, "lead model", serde_json::json!({}))
    };
    s.leads_write(
        LeadsWrite::AddModel(&model_record(1, ModelStatus::Current)),
        &audit("leads.model_trained"),
    )
    .await
    .unwrap();
    s.leads_write(
        LeadsWrite::AddModel(&model_record(2, ModelStatus::Candidate)),
        &audit("leads.model_trained"),
    )
    .await
    .unwrap();
    // A second version 2 is refused, and leaves no audit record.
    let before = s.audit_records().await.unwrap().len();
    assert!(
        s.leads_write(
            LeadsWrite::AddModel(&model_record(2, ModelStatus::Candidate)),
            &audit("leads.model_trained")
        )
        .await
        .is_err()
    );
    // Two current versions at once are refused by the database.
    assert!(
        s.leads_write(
            LeadsWrite::AddModel(&model_record(3, ModelStatus::Current)),
            &audit("leads.model_trained")
        )
        .await
        .is_err()
    );
    assert_eq!(s.audit_records().await.unwrap().len(), before);
    s.leads_write(
        LeadsWrite::Promote {
            version: 2,
            by: "Sam Ops",
            at: now_ms(),
        },
        &audit("leads.model_promoted"),
    )
    .await
    .unwrap();
    let models = s.lead_models().await.unwrap();
    let status: Vec<ModelStatus> = models.iter().map(|m| m.status).collect();
    assert_eq!(status, vec![ModelStatus::Retired, ModelStatus::Current]);
    assert_eq!(models[1].promoted_by.as_deref(), Some("Sam Ops"));
    assert_eq!(models[1].model, "{\"v\": 2}");
    // Promoting what is not a candidate is a conflict, and nothing changes.
    let e = s
        .leads_write(
            LeadsWrite::Promote {
                version: 1,
                by: "Sam Ops",
                at: now_ms(),
            },
            &audit("leads.model_promoted"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, roomwork_store::StoreError::Conflict { .. }),
        "{e}"
    );
    assert_eq!(
        s.lead_models().await.unwrap()[1].status,
        ModelStatus::Current
    );

    s.leads_write(
        LeadsWrite::Setting {
            key: "alert_threshold",
            value: "0.35",
            by: "Sam Ops",
            at: now_ms(),
        },
        &audit("leads.threshold_changed"),
    )
    .await
    .unwrap();
    s.leads_write(
        LeadsWrite::Setting {
            key: "alert_threshold",
            value: "0.4",
            by: "Sam Ops",
            at: now_ms(),
        },
        &audit("leads.threshold_changed"),
    )
    .await
    .unwrap();
    assert_eq!(
        s.setting("alert_threshold").await.unwrap().as_deref(),
        Some("0.4")
    );
    assert_eq!(s.setting("nothing").await.unwrap(), None);

    let batch = sample();
    s.save_batch(&Batch {
        leads: vec![],
        ..batch.clone()
    })
    .await
    .unwrap();
    let rep = batch.reps[0].id;
    let mut lead = batch.leads[0].clone();
    lead.owner = Some(rep);
    let at = now_ms();
    let score = ScoreRecord {
        lead_id: lead.id,
        scored_at: at,
        model_version: 2,
        probability: 0.3125,
        prior: false,
        factors: "[]".into(),
        queue: "rep".into(),
        rep_id: Some(rep),
        expected_value: 28_125,
        reason: "most room".into(),
    };
    s.lead_intake(std::slice::from_ref(&lead), std::slice::from_ref(&score))
        .await
        .unwrap();
    assert_eq!(s.leads().await.unwrap(), vec![lead.clone()]);
    assert_eq!(s.lead_scores(None).await.unwrap(), vec![score.clone()]);
    assert_eq!(
        s.lead_scores(Some(at + chrono::Duration::seconds(1)))
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(s.rep_lead_load(at).await.unwrap().get(&rep), Some(&1));
    // A score naming a model that does not exist fails, and its lead is not stored either.
    let mut other = batch.leads[0].clone();
    other.id = LeadId::new();
    other.ext_key = None;
    let bad = ScoreRecord {
        lead_id: other.id,
        model_version: 99,
        ..score
    };
    assert!(s.lead_intake(&[other], &[bad]).await.is_err());
    assert_eq!(s.leads().await.unwrap().len(), 1);
}

fn pipeline_audit(action: &str) -> roomwork_store::AuditEntry {
    roomwork_store::AuditEntry {
        actor: "Sam Ops".into(),
        action: action.into(),
        subject: "pipeline".into(),
        detail: serde_json::json!({}),
    }
}

async fn pipeline_records_are_kept_as_written_and_evaluations_replace_their_deals(s: &dyn Store) {
    use roomwork_store::{
        DealModelRecord, DealScoreRecord, Evaluation, ForecastOverride, PipelineWrite,
        SignalRecord, Snapshot, SnapshotInfo, SnapshotSource,
    };
    let b = sample();
    s.save_batch(&b).await.unwrap();
    let deal = b.opportunities[0].id;
    // The same change again (a re-import) is kept once; a later one is appended.
    let mut again = b.field_edits.clone();
    again.push(FieldEdit {
        opportunity_id: deal,
        changed_on: day(2026, 3, 25),
        change: DealFieldChange::Amount {
            from: Some(usd(50_000)),
            to: Some(Money::from_minor(4_850_050, Currency::USD)),
        },
    });
    s.save_batch(&Batch {
        field_edits: again.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(s.field_edits(Some(deal)).await.unwrap(), again);
    assert!(
        s.field_edits(Some(OpportunityId::new()))
            .await
            .unwrap()
            .is_empty()
    );

    let snap = Snapshot {
        info: SnapshotInfo {
            taken_on: day(2026, 3, 30),
            taken_at: now_ms(),
            taken_by: "Sam Ops".into(),
            source: SnapshotSource::Report,
            deals: 1,
        },
        deals: vec![DealSnapshot {
            opportunity_id: deal,
            owner: b.opportunities[0].owner,
            stage: Stage::parse("Proposal").unwrap(),
            amount: Some(usd(48_500)),
            close_date: Some(day(2026, 6, 30)),
            forecast_category: Some(ForecastCategory::BestCase),
            probability: 0.375,
        }],
    };
    s.pipeline_write(
        PipelineWrite::Snapshot(&snap),
        &pipeline_audit("pipeline.snapshot"),
    )
    .await
    .unwrap();
    assert_eq!(s.snapshot(day(2026, 3, 30)).await.unwrap(), snap);
    assert_eq!(s.snapshots().await.unwrap(), vec![snap.info.clone()]);
    let audit_len = s.audit_records().await.unwrap().len();
    // A second snapshot for the day is refused, and leaves no audit record.
    let err = s
        .pipeline_write(
            PipelineWrite::Snapshot(&snap),
            &pipeline_audit("pipeline.snapshot"),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("fixed once taken"), "{err}");
    assert_eq!(s.audit_records().await.unwrap().len(), audit_len);
    assert!(matches!(
        s.snapshot(day(2026, 3, 29)).await,
        Err(StoreError::NotFound { .. })
    ));

    let model = DealModelRecord {
        version: 1,
        created_at: now_ms(),
        trained_by: "Sam Ops".into(),
        engine: "prior".into(),
        model: "{}".into(),
        evaluation: "{}".into(),
    };
    s.pipeline_write(
        PipelineWrite::Model(&model),
        &pipeline_audit("pipeline.model_trained"),
    )
    .await
    .unwrap();
    assert_eq!(s.deal_models().await.unwrap(), vec![model]);
    let o = ForecastOverride {
        period: "2026-04".into(),
        scope: "team".into(),
        amount: usd(250_000),
        made_by: "Dana O'Neil".into(),
        reason: "Harlow Creek PO confirmed verbally".into(),
        made_at: now_ms(),
    };
    s.pipeline_write(
        PipelineWrite::Override(&o),
        &pipeline_audit("pipeline.forecast_override"),
    )
    .await
    .unwrap();
    assert_eq!(s.forecast_overrides().await.unwrap(), vec![o]);

    // Evaluations replace what was stored for exactly the deals evaluated.
    let sig = |name: &str, on| SignalRecord {
        opportunity_id: deal,
        signal: name.into(),
        raised_on: on,
        detail: "why".into(),
    };
    let score = DealScoreRecord {
        opportunity_id: deal,
        scored_on: day(2026, 3, 30),
        probability: 0.42,
        model_version: Some(1),
        factors: "[]".into(),
    };
    s.evaluation_write(Evaluation {
        deals: &[deal],
        signals: &[
            sig("no_activity", day(2026, 3, 29)),
            sig("stalled", day(2026, 3, 30)),
        ],
        scores: std::slice::from_ref(&score),
    })
    .await
    .unwrap();
    assert_eq!(s.deal_signals().await.unwrap().len(), 2);
    s.evaluation_write(Evaluation {
        deals: &[deal],
        signals: &[sig("stalled", day(2026, 3, 30))],
        scores: std::slice::from_ref(&score),
    })
    .await
    .unwrap();
    assert_eq!(
        s.deal_signals().await.unwrap(),
        vec![sig("stalled", day(2026, 3, 30))]
    );
    assert_eq!(s.deal_scores().await.unwrap(), vec![score]);
    // Evaluating another deal leaves this one's alone; evaluating it with nothing clears it.
    s.evaluation_write(Evaluation {
        deals: &[OpportunityId::new()],
        signals: &[],
        scores: &[],
    })
    .await
    .unwrap();
    assert_eq!(s.deal_signals().await.unwrap().len(), 1);
    s.evaluation_write(Evaluation {
        deals: &[deal],
        signals: &[],
        scores: &[],
    })
    .await
    .unwrap();
    assert!(s.deal_signals().await.unwrap().is_empty());
    assert!(s.deal_scores().await.unwrap().is_empty());
}

async fn pipeline_history_cannot_be_rewritten(s: &dyn Store, g: &Guard) {
    pipeline_records_are_kept_as_written_and_evaluations_replace_their_deals(s).await;
    for (sql, says) in [
        (
            "UPDATE deal_field_changes SET new_value = ''",
            "append-only",
        ),
        (
            "UPDATE pipeline_snapshots SET deals = 0",
            "fixed once taken",
        ),
        ("DELETE FROM pipeline_snapshot_deals", "kept"),
        (
            "UPDATE pipeline_snapshot_deals SET probability = 1",
            "fixed once taken",
        ),
        ("UPDATE deal_models SET model = ''", "fixed once stored"),
        ("DELETE FROM forecast_overrides", "append-only"),
    ] {
        let e = raw(g, sql).await.unwrap_err();
        assert!(e.to_string().contains(says), "{sql}: {e}");
    }
    if let Guard::Postgres(_) = g {
        for table in [
            "deal_field_changes",
            "pipeline_snapshots",
            "pipeline_snapshot_deals",
            "deal_models",
            "forecast_overrides",
        ] {
            let sql = format!("TRUNCATE {table} CASCADE");
            assert!(raw(g, &sql).await.is_err(), "{sql} was allowed");
        }
    }
}

#[tokio::test]
async fn pipeline_history_cannot_be_rewritten_on_sqlite() {
    let (s, g) = sqlite().await;
    pipeline_history_cannot_be_rewritten(&*s, &g).await;
}

#[tokio::test]
async fn pipeline_history_cannot_be_rewritten_on_postgres() {
    if let Some((s, g)) = postgres().await {
        pipeline_history_cannot_be_rewritten(&*s, &g).await;
    }
}

async fn call_analyses_are_stored_with_their_transcripts_and_raise_health_only(s: &dyn Store) {
    use roomwork_store::{CallRecord, CallsWrite};
    let mut b = sample();
    b.accounts[0].health = Health::Healthy;
    b.accounts[0].health_reason = None;
    s.save_batch(&b).await.unwrap();
    let account = b.accounts[0].clone();
    let mut t = b.transcripts[0].clone();
    t.id = TranscriptId::new();
    t.file_name = "second-call.vtt".into();
    let call = |id: TranscriptId, risks: Vec<&str>, trust: bool| CallRecord {
        transcript_id: id,
        occurred_at: t.occurred_at,
        analysed_at: now_ms(),
        rep_id: t.rep_id,
        account_id: Some(account.id),
        opportunity_id: t.opportunity_id,
        call_type: Some("negotiation".into()),
        duration_seconds: 1800.5,
        rep_talk_ratio: Some(0.46),
        rep_questions: Some(12),
        customer_questions: Some(4),
        longest_monologue_seconds: Some(95.0),
        longest_story_seconds: Some(130.0),
        patience_seconds: None,
        interactivity: 3.2,
        customer_people: vec!["Priya Raman".into(), "Tom Eke".into()],
        risks: risks.into_iter().map(String::from).collect(),
        trust_repair: trust,
        analysis: r#"{"turns":[]}"#.into(),
    };
    let first = call(t.id, vec!["budget_concern"], false);
    s.calls_write(
        CallsWrite {
            transcripts: std::slice::from_ref(&t),
            calls: std::slice::from_ref(&first),
            activities: &[],
            health: &[(account.id, Health::Watch, "call: budget concern".into())],
        },
        &pipeline_audit("meetings.import"),
    )
    .await
    .unwrap();
    assert_eq!(
        s.transcripts().await.unwrap().len(),
        b.transcripts.len() + 1
    );
    let back = s.calls(true).await.unwrap();
    assert_eq!(back, vec![first.clone()]);
    let light = s.calls(false).await.unwrap();
    assert_eq!(light[0].analysis, "");
    assert_eq!(light[0].customer_people, first.customer_people);
    // Watch is raised only from healthy.
    let after = s.account(account.id).await.unwrap();
    assert_eq!(after.health, Health::Watch);
    assert_eq!(after.health_reason.as_deref(), Some("call: budget concern"));
    // Analysing again replaces the row; a complaint raises the account to at risk.
    let again = call(t.id, vec!["complaint"], true);
    s.calls_write(
        CallsWrite {
            transcripts: &[],
            calls: std::slice::from_ref(&again),
            activities: &[],
            health: &[(account.id, Health::AtRisk, "call: complaint".into())],
        },
        &pipeline_audit("meetings.refresh"),
    )
    .await
    .unwrap();
    assert_eq!(s.calls(true).await.unwrap(), vec![again.clone()]);
    assert_eq!(s.account(account.id).await.unwrap().health, Health::AtRisk);
    // A later call that only raises Watch leaves an at-risk account at risk.
    s.calls_write(
        CallsWrite {
            transcripts: &[],
            calls: std::slice::from_ref(&again),
            activities: &[],
            health: &[(account.id, Health::Watch, "call: two risks".into())],
        },
        &pipeline_audit("meetings.refresh"),
    )
    .await
    .unwrap();
    let kept = s.account(account.id).await.unwrap();
    assert_eq!(
        (kept.health, kept.health_reason.as_deref()),
        (Health::AtRisk, Some("call: complaint"))
    );
    // Watch never lowers an at-risk account; a bad row stores nothing, audit included.
    let audit_before = s.audit_records().await.unwrap().len();
    let mut bad = call(TranscriptId::new(), vec![], false);
    bad.rep_talk_ratio = Some(1.5);
    let mut t2 = t.clone();
    t2.id = bad.transcript_id;
    let err = s
        .calls_write(
            CallsWrite {
                transcripts: std::slice::from_ref(&t2),
                calls: std::slice::from_ref(&bad),
                activities: &[],
                health: &[(account.id, Health::Watch, "x".into())],
            },
            &pipeline_audit("meetings.import"),
        )
        .await;
    assert!(err.is_err());
    assert_eq!(s.audit_records().await.unwrap().len(), audit_before);
    assert_eq!(
        s.transcripts().await.unwrap().len(),
        b.transcripts.len() + 1
    );
    assert_eq!(s.account(account.id).await.unwrap().health, Health::AtRisk);
}

async fn users_sessions_and_tokens_are_kept_by_hash_and_revocation_is_final(s: &dyn Store) {
    use roomwork_store::{ApiToken, AuthWrite, Session};
    let b = sample();
    s.save_batch(&b).await.unwrap();
    let user = |email: &str, role: Role, rep: Option<RepId>| User {
        id: UserId::new(),
        email: Email::parse(email).unwrap(),
        name: "Dana".into(),
        role,
        rep_id: rep,
        team: None,
        active: true,
        created_at: now_ms(),
    };
    let audit = || pipeline_audit("user.added");
    let dana = user(
        "Dana@Brightwater.example",
        Role::AccountManager,
        Some(b.reps[0].id),
    );
    s.auth_write(
        AuthWrite::AddUser {
            user: &dana,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        },
        &audit(),
    )
    .await
    .unwrap();
    // The same e-mail again (any case) is refused, and so is an account manager who is no rep
    // or a hash that is not argon2; nothing is stored, audit included.
    let before = s.audit_records().await.unwrap().len();
    for (u, hash) in [
        (
            user("dana@brightwater.example", Role::Admin, None),
            "$argon2id$x",
        ),
        (
            user("sam@brightwater.example", Role::AccountManager, None),
            "$argon2id$x",
        ),
        (
            user("lee@brightwater.example", Role::Admin, None),
            "plain-text",
        ),
    ] {
        let r = s
            .auth_write(
                AuthWrite::AddUser {
                    user: &u,
                    password_hash: hash,
                },
                &audit(),
            )
            .await;
        assert!(r.is_err(), "{}", u.email.as_str());
    }
    assert_eq!(s.audit_records().await.unwrap().len(), before);
    let (found, hash) = s
        .credentials("DANA@brightwater.example ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.role), (dana.id, Role::AccountManager));
    assert!(hash.starts_with("$argon2id$"));
    assert!(s.credentials("nobody@x.example").await.unwrap().is_none());
    assert_eq!(s.users().await.unwrap().len(), 1);

    let now = now_ms();
    let session = Session {
        token_sha256: "a".repeat(64),
        user_id: dana.id,
        csrf_token: "c".repeat(64),
        created_at: now,
        expires_at: now + chrono::Duration::hours(12),
    };
    s.session_start(&session).await.unwrap();
    let (u, back) = s
        .session(&session.token_sha256, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((u.id, back), (dana.id, session.clone()));
    assert!(
        s.session(&session.token_sha256, now + chrono::Duration::hours(13))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    s.session_end(&session.token_sha256).await.unwrap();
    assert!(
        s.session(&session.token_sha256, now)
            .await
            .unwrap()
            .is_none()
    );

    let token = ApiToken {
        id: TokenId::new(),
        user_id: dana.id,
        name: "CRM sync".into(),
        token_sha256: "b".repeat(64),
        scopes: vec!["drafts:read".into()],
        created_at: now,
        revoked_at: None,
    };
    s.auth_write(AuthWrite::AddToken(&token), &audit())
        .await
        .unwrap();
    let (u, t) = s.api_token(&token.token_sha256).await.unwrap().unwrap();
    assert_eq!((u.id, t.scopes.clone()), (dana.id, token.scopes.clone()));
    s.auth_write(
        AuthWrite::Revoke {
            id: token.id,
            at: now,
        },
        &audit(),
    )
    .await
    .unwrap();
    assert!(s.api_token(&token.token_sha256).await.unwrap().is_none());
    assert!(
        s.auth_write(
            AuthWrite::Revoke {
                id: token.id,
                at: now
            },
            &audit()
        )
        .await
        .is_err(),
        "a revoked token cannot be revoked again"
    );
    assert_eq!(s.api_tokens().await.unwrap()[0].revoked_at, Some(now));
}
