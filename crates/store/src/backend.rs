//! The store's SQL, written once and compiled for each driver.
//!
//! Both backends accept the same statements (`ON CONFLICT ... DO UPDATE`, `excluded.`) except
//! for bulk-write placeholders, which come from `columns::Placeholders` (`$n` for PostgreSQL,
//! `?` for SQLite); small queries use `$n`, which both accept. The differences between the
//! backends are their connection options, their placeholders and their migration folders.
//! `impl_store!` instantiates this body for a concrete `sqlx::Database`.

/// What `audited` writes in the transaction that also appends the audit record.
#[derive(Clone, Copy)]
pub(crate) enum Work<'a> {
    /// Only the audit record.
    Nothing,
    /// A batch of records (an automated change).
    Batch(&'a roomwork_domain::Batch),
    /// An inbox change.
    Inbox(crate::InboxWrite<'a>),
    /// A lead-model version, promotion or setting.
    Leads(crate::LeadsWrite<'a>),
    /// A pipeline snapshot, deal-score model or forecast override.
    Pipeline(crate::PipelineWrite<'a>),
    /// Call transcripts, their analyses and the account health they raise.
    Calls(crate::CallsWrite<'a>),
    /// A user or token added, or a token revoked.
    Auth(crate::AuthWrite<'a>),
}

/// The statuses of a draft that waits for a person.
pub(crate) const WAITING: [&str; 2] = ["pending", "returned"];

macro_rules! impl_store {
    ($store:ident, $db:ty, $backend:expr, $placeholders:expr, $m:ident) => {
        impl $store {
            /// Upserts `records` into `table` (see the backend's `bulk`).
            async fn write_rows<T: Sync>(
                tx: &mut sqlx::Transaction<'static, $db>,
                table: &$crate::columns::Table,
                records: &[T],
                values: fn(&T) -> Vec<$crate::columns::Value>,
                progress: &(dyn Fn(u64) + Sync),
            ) -> $crate::Result<()> {
                $crate::$m::upsert_rows(tx, table, records, &values, progress).await
            }

            /// A transaction that may write the audit trail. SQLite: take the write lock
            /// before reading the audit head, so that two writers never both read the same head
            /// (a deferred transaction would fail to upgrade).
            async fn begin_write(&self) -> $crate::Result<sqlx::Transaction<'static, $db>> {
                let begin = match $backend {
                    $crate::Backend::Sqlite => "BEGIN IMMEDIATE",
                    _ => "BEGIN",
                };
                Ok(self.pool.begin_with(begin).await?)
            }

            /// Does `work` and appends `audit` in one write transaction, both or neither. On
            /// PostgreSQL two writers can read the same audit head; the loser's insert violates
            /// the sequence's uniqueness and the whole transaction is retried on the new head.
            async fn audited(
                &self,
                audit: &$crate::AuditEntry,
                work: $crate::backend::Work<'_>,
            ) -> $crate::Result<$crate::AuditRecord> {
                use $crate::backend::Work;
                let mut attempt = 0;
                loop {
                    let mut tx = self.begin_write().await?;
                    match work {
                        Work::Nothing => {}
                        Work::Batch(batch) => Self::write_batch(&mut tx, batch, &|_| {}).await?,
                        Work::Inbox(write) => Self::write_inbox(&mut tx, write).await?,
                        Work::Leads(write) => Self::write_leads(&mut tx, write).await?,
                        Work::Pipeline(write) => Self::write_pipeline(&mut tx, write).await?,
                        Work::Calls(write) => Self::write_calls(&mut tx, write).await?,
                        Work::Auth(write) => Self::write_auth(&mut tx, write).await?,
                    }
                    match Self::append_audit(&mut tx, audit).await {
                        Ok(r) => {
                            tx.commit().await?;
                            return Ok(r);
                        }
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt < 20 => {
                            attempt += 1;
                            drop(tx);
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }

            /// Writes one inbox change inside `tx`.
            async fn write_inbox(
                tx: &mut sqlx::Transaction<'static, $db>,
                write: $crate::InboxWrite<'_>,
            ) -> $crate::Result<()> {
                use $crate::InboxWrite as W;
                match write {
                    W::Submit {
                        pending,
                        revision,
                        usage,
                    } => {
                        Self::insert_draft(tx, pending.draft()).await?;
                        Self::insert_revision(tx, revision).await?;
                        if let Some(u) = usage {
                            if u.draft_id != pending.draft().id {
                                return Err($crate::StoreError::Invalid(
                                    "a workflow use belongs to the draft it is submitted with".into(),
                                ));
                            }
                            sqlx::query(
                                "INSERT INTO workflow_uses (draft_id, workflow, used_by, account_id, \
                                 at, minutes_saved, hourly_cost_minor, currency) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            )
                            .bind(u.draft_id.to_string())
                            .bind(u.workflow.as_str())
                            .bind(&u.used_by)
                            .bind(u.account_id.map(|a| a.to_string()))
                            .bind(u.at.timestamp_millis())
                            .bind(i64::from(u.minutes_saved))
                            .bind(u.hourly_cost.minor())
                            .bind(u.hourly_cost.currency().code())
                            .execute(&mut **tx)
                            .await?;
                        }
                    }
                    W::Edit { pending, revision } => {
                        let d = pending.draft();
                        Self::update_draft(tx, d, $crate::backend::WAITING, d.version - 1).await?;
                        Self::insert_revision(tx, revision).await?;
                    }
                    W::Return { pending, revision } => {
                        let d = pending.draft();
                        let before = d.version - 1 - u32::from(revision.is_some());
                        Self::update_draft(tx, d, $crate::backend::WAITING, before).await?;
                        if let Some(r) = revision {
                            Self::insert_revision(tx, r).await?;
                        }
                    }
                    W::Reject(rejected) => {
                        let d = rejected.draft();
                        Self::update_draft(tx, d, $crate::backend::WAITING, d.version - 1).await?
                    }
                    W::Approve {
                        approved,
                        revision,
                        applied,
                    } => {
                        let d = approved.draft();
                        let before = d.version - 1 - u32::from(revision.is_some());
                        Self::update_draft(tx, d, $crate::backend::WAITING, before).await?;
                        if let Some(r) = revision {
                            Self::insert_revision(tx, r).await?;
                        }
                        // The approved CRM change: the deal and its note, with the approval.
                        match (&d.change, applied) {
                            (Some(c), Some(a))
                                if a.draft_id() == d.id
                                    && a.change() == c
                                    && a.opportunity().id == c.opportunity_id =>
                            {
                                Self::apply_change(tx, d.id, c, a).await?;
                            }
                            (None, None) => {}
                            _ => {
                                return Err($crate::StoreError::Invalid(
                                    "an approved CRM change must be applied with its approval, \
                                     and only a draft that proposes one has one to apply"
                                        .into(),
                                ));
                            }
                        }
                    }
                    W::Send { sent, activity } => {
                        let d = sent.draft();
                        Self::update_draft(tx, d, ["approved", "approved"], d.version - 1).await?;
                        if let Some(a) = activity {
                            Self::write_rows(
                                tx,
                                &$crate::columns::ACTIVITIES,
                                std::slice::from_ref(a),
                                $crate::columns::activity_values,
                                &|_| {},
                            )
                            .await?;
                        }
                    }
                }
                Ok(())
            }

            /// Applies an approved CRM change inside the approval's transaction: the change must
            /// be the one stored with the draft, and each field it sets is written only where the
            /// deal still holds the value the change was drafted from (else `Conflict`, and the
            /// approval is rolled back). Only the changed columns are written.
            async fn apply_change(
                tx: &mut sqlx::Transaction<'static, $db>,
                draft: roomwork_domain::DraftId,
                c: &roomwork_domain::CrmChange,
                a: &roomwork_domain::AppliedChange,
            ) -> $crate::Result<()> {
                let stored: Option<Option<String>> =
                    sqlx::query_scalar("SELECT change FROM drafts WHERE id = $1")
                        .bind(draft.to_string())
                        .fetch_optional(&mut **tx)
                        .await?;
                let stored: Option<roomwork_domain::CrmChange> = stored
                    .flatten()
                    .and_then(|s| serde_json::from_str(&s).ok());
                if stored.as_ref() != Some(c) {
                    return Err($crate::StoreError::Invalid(
                        "the change to apply is not the one stored with the approved draft".into(),
                    ));
                }
                let id = c.opportunity_id.to_string();
                let day = |d: &Option<chrono::NaiveDate>| d.map(roomwork_domain::iso_day);
                let mut sets: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
                if let Some(f) = &c.stage {
                    sets.push(("stage", Some(f.to.clone()), Some(f.from.clone())));
                }
                if let Some(f) = &c.next_step {
                    sets.push(("next_step", f.to.clone(), f.from.clone()));
                }
                if let Some(f) = &c.next_step_date {
                    sets.push(("next_step_date", day(&f.to), day(&f.from)));
                }
                if let Some(f) = &c.close_date {
                    sets.push(("close_date", day(&f.to), day(&f.from)));
                }
                for (column, to, from) in sets {
                    let sql = format!(
                        "UPDATE opportunities SET {column} = $1 WHERE id = $2 AND {column} IS NOT DISTINCT FROM $3"
                    );
                    let done = sqlx::query::<$db>(sqlx::AssertSqlSafe(sql))
                        .bind(to)
                        .bind(&id)
                        .bind(from)
                        .execute(&mut **tx)
                        .await?;
                    if done.rows_affected() != 1 {
                        return Err($crate::StoreError::Conflict { what: "deal", id: id.clone() });
                    }
                }
                if c.stage.is_some() {
                    Self::write_stage_changes(tx, std::slice::from_ref(a.opportunity())).await?;
                }
                if let Some(f) = &c.close_date {
                    let moved = roomwork_domain::FieldEdit {
                        opportunity_id: c.opportunity_id,
                        changed_on: a.activity().occurred_at.date_naive(),
                        change: roomwork_domain::DealFieldChange::CloseDate { from: f.from, to: f.to },
                    };
                    Self::write_field_changes(tx, std::slice::from_ref(&moved), &|_| {}).await?;
                }
                Self::write_rows(
                    tx,
                    &$crate::columns::ACTIVITIES,
                    std::slice::from_ref(a.activity()),
                    $crate::columns::activity_values,
                    &|_| {},
                )
                .await?;
                Ok(())
            }

            /// Appends `entry` after the current head, inside `tx`.
            async fn append_audit(
                tx: &mut sqlx::Transaction<'static, $db>,
                entry: &$crate::AuditEntry,
            ) -> std::result::Result<$crate::AuditRecord, sqlx::Error> {
                let last: Option<(i64, String)> =
                    sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                        .fetch_optional(&mut **tx)
                        .await?;
                let at = chrono::Utc::now().timestamp_millis();
                let r = $crate::audit::next_record(last, at, entry);
                sqlx::query(
                    "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(r.seq)
                .bind(r.at)
                .bind(&r.actor)
                .bind(&r.action)
                .bind(&r.subject)
                .bind(&r.detail)
                .bind(&r.prev_hash)
                .bind(&r.hash)
                .execute(&mut **tx)
                .await?;
                Ok(r)
            }

            async fn insert_draft(
                tx: &mut sqlx::Transaction<'static, $db>,
                d: &roomwork_domain::Draft,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO drafts (id, task, workflow, account_id, contact_id, opportunity_id, \
                     recipient, subject, body, original, engine, model, prompt_fingerprint, inputs, \
                     verdict, structure_only, requires_personal_edit, status, requested_by, \
                     created_at, updated_at, revision, version, change) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                     $17, $18, $19, $20, $21, $22, $23, $24)",
                )
                .bind(d.id.to_string())
                .bind(&d.task)
                .bind(d.workflow.map(|w| w.as_str().to_string()))
                .bind(d.account_id.map(|i| i.to_string()))
                .bind(d.contact_id.map(|i| i.to_string()))
                .bind(d.opportunity_id.map(|i| i.to_string()))
                .bind(&d.recipient)
                .bind(&d.subject)
                .bind(&d.body)
                .bind(&d.original)
                .bind(&d.origin.engine)
                .bind(&d.origin.model)
                .bind(&d.origin.prompt_fingerprint)
                .bind(d.origin.inputs.join("\n"))
                .bind(&d.verdict)
                .bind(d.structure_only)
                .bind(d.requires_personal_edit)
                .bind(d.status.as_str())
                .bind(&d.requested_by)
                .bind(d.created_at.timestamp_millis())
                .bind(d.updated_at.timestamp_millis())
                .bind(i64::from(d.revision))
                .bind(i64::from(d.version))
                .bind(
                    d.change
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()
                        .map_err(|e| $crate::StoreError::Invalid(format!("the draft's change: {e}")))?,
                )
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Writes the mutable part of a draft: text, status, review, approval, sending;
            /// only if the stored row is still in one of the `from` statuses at version
            /// `from_version` (what the caller read), so that a decision taken on a stale
            /// read (an approval while someone else returned or edited it) is refused.
            async fn update_draft(
                tx: &mut sqlx::Transaction<'static, $db>,
                d: &roomwork_domain::Draft,
                from: [&'static str; 2],
                from_version: u32,
            ) -> $crate::Result<()> {
                let approval = d.approval.as_ref();
                let sending = d.sending.as_ref();
                let review = d.review.as_ref();
                let done = sqlx::query(
                    "UPDATE drafts SET subject = $1, body = $2, status = $3, updated_at = $4, \
                     revision = $5, returned_at_revision = $6, review_by = $7, review_at = $8, \
                     review_note = $9, approved_by = $10, approved_at = $11, sounds_like_me = $12, \
                     reflects_what_mattered = $13, sent_by = $14, sent_at = $15, sent_via = $16, \
                     sent_reference = $17, version = $18 \
                     WHERE id = $19 AND status IN ($20, $21) AND version = $22",
                )
                .bind(&d.subject)
                .bind(&d.body)
                .bind(d.status.as_str())
                .bind(d.updated_at.timestamp_millis())
                .bind(i64::from(d.revision))
                .bind(d.returned_at_revision.map(i64::from))
                .bind(review.map(|r| r.by.clone()))
                .bind(review.map(|r| r.at.timestamp_millis()))
                .bind(review.map(|r| r.note.clone()))
                .bind(approval.map(|a| a.reviewer.clone()))
                .bind(approval.map(|a| a.at.timestamp_millis()))
                .bind(approval.map(|a| a.answers.sounds_like_me))
                .bind(approval.map(|a| a.answers.reflects_what_mattered))
                .bind(sending.map(|s| s.by.clone()))
                .bind(sending.map(|s| s.at.timestamp_millis()))
                .bind(sending.map(|s| s.via.as_str()))
                .bind(sending.and_then(|s| s.reference.clone()))
                .bind(i64::from(d.version))
                .bind(d.id.to_string())
                .bind(from[0])
                .bind(from[1])
                .bind(i64::from(from_version))
                .execute(&mut **tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict { what: "draft", id: d.id.to_string() });
                }
                Ok(())
            }

            async fn insert_revision(
                tx: &mut sqlx::Transaction<'static, $db>,
                r: &roomwork_domain::Revision,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO draft_revisions (draft_id, number, author, at, subject, body) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(r.draft_id.to_string())
                .bind(i64::from(r.number))
                .bind(&r.author)
                .bind(r.at.timestamp_millis())
                .bind(&r.subject)
                .bind(&r.body)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            async fn write_leads(
                tx: &mut sqlx::Transaction<'static, $db>,
                write: $crate::LeadsWrite<'_>,
            ) -> $crate::Result<()> {
                use $crate::LeadsWrite;
                match write {
                    LeadsWrite::AddModel(m) => {
                        sqlx::query(
                            "INSERT INTO lead_models (version, created_at, status, schema, engine, trained_by, \
                             source, model, evaluation, promoted_at, promoted_by) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        )
                        .bind(m.version)
                        .bind(m.created_at.timestamp_millis())
                        .bind(m.status.as_str())
                        .bind(&m.schema)
                        .bind(&m.engine)
                        .bind(&m.trained_by)
                        .bind(&m.source)
                        .bind(&m.model)
                        .bind(&m.evaluation)
                        .bind(m.promoted_at.map(|t| t.timestamp_millis()))
                        .bind(m.promoted_by.as_deref())
                        .execute(&mut **tx)
                        .await?;
                    }
                    LeadsWrite::Promote { version, by, at } => {
                        sqlx::query("UPDATE lead_models SET status = 'retired' WHERE status = 'current'")
                            .execute(&mut **tx)
                            .await?;
                        let done = sqlx::query(
                            "UPDATE lead_models SET status = 'current', promoted_at = $1, promoted_by = $2 \
                             WHERE version = $3 AND status = 'candidate'",
                        )
                        .bind(at.timestamp_millis())
                        .bind(by)
                        .bind(version)
                        .execute(&mut **tx)
                        .await?;
                        if done.rows_affected() != 1 {
                            return Err($crate::StoreError::Conflict { what: "candidate model", id: version.to_string() });
                        }
                    }
                    LeadsWrite::Setting { key, value, by, at } => {
                        sqlx::query(
                            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
                             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                        )
                        .bind(key)
                        .bind(value)
                        .bind(at.timestamp_millis())
                        .bind(by)
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                Ok(())
            }

            /// Writes every record of `batch` inside `tx`.
            async fn write_batch(
                tx: &mut sqlx::Transaction<'static, $db>,
                batch: &roomwork_domain::Batch,
                progress: &(dyn Fn(u64) + Sync),
            ) -> $crate::Result<()> {
                use $crate::columns::*;
                Self::write_rows(tx, &REPS, &batch.reps, rep_values, progress).await?;
                Self::write_rows(tx, &ACCOUNTS, &batch.accounts, account_values, progress).await?;
                Self::write_rows(tx, &CONTACTS, &batch.contacts, contact_values, progress).await?;
                Self::write_rows(tx, &LEADS, &batch.leads, lead_values, progress).await?;
                Self::write_rows(tx, &OPPORTUNITIES, &batch.opportunities, opportunity_values, progress).await?;
                Self::write_stage_changes(tx, &batch.opportunities).await?;
                Self::write_field_changes(tx, &batch.field_edits, progress).await?;
                Self::write_rows(tx, &ACTIVITIES, &batch.activities, activity_values, progress).await?;
                Self::write_rows(tx, &ORDERS, &batch.orders, order_values, progress).await?;
                Self::write_rows(tx, &ISSUES, &batch.issues, issue_values, progress).await?;
                Self::write_rows(tx, &TRANSCRIPTS, &batch.transcripts, transcript_values, progress).await?;
                Self::write_rows(tx, &PROJECTS, &batch.projects, project_values, progress).await?;
                for merge in &batch.account_merges {
                    let (from, into) = (merge.from.to_string(), merge.into.to_string());
                    for sql in [
                        "UPDATE contacts SET account_id = $1 WHERE account_id = $2",
                        "UPDATE opportunities SET account_id = $1 WHERE account_id = $2",
                        "UPDATE activities SET account_id = $1 WHERE account_id = $2",
                        "UPDATE orders SET account_id = $1 WHERE account_id = $2",
                        "UPDATE customer_issues SET account_id = $1 WHERE account_id = $2",
                        "UPDATE transcripts SET account_id = $1 WHERE account_id = $2",
                        "UPDATE call_analyses SET account_id = $1 WHERE account_id = $2",
                    ] {
                        sqlx::query(sql).bind(into.clone()).bind(from.clone()).execute(&mut **tx).await?;
                    }
                    sqlx::query("DELETE FROM accounts WHERE id = $1").bind(from).execute(&mut **tx).await?;
                    progress(1);
                }
                Ok(())
            }

            async fn write_stage_changes(
                tx: &mut sqlx::Transaction<'static, $db>,
                opportunities: &[roomwork_domain::Opportunity],
            ) -> $crate::Result<()> {
                use $crate::columns::{date, text};
                let changes: Vec<(String, &roomwork_domain::StageChange)> = opportunities
                    .iter()
                    .flat_map(|o| o.stage_history.iter().map(move |c| (o.id.to_string(), c)))
                    .collect();
                $crate::$m::bulk(
                    tx,
                    &|n| $crate::columns::stage_change_sql(n, $placeholders),
                    3,
                    &changes,
                    &|(id, c)| vec![text(id.as_str()), text(c.stage.as_str()), date(c.entered_on)],
                    &|_| {},
                )
                .await
            }

            /// Field changes are appended; an identical change on the same day is kept once.
            async fn write_field_changes(
                tx: &mut sqlx::Transaction<'static, $db>,
                changes: &[roomwork_domain::FieldEdit],
                progress: &(dyn Fn(u64) + Sync),
            ) -> $crate::Result<()> {
                use $crate::columns::{date, text};
                $crate::$m::bulk(
                    tx,
                    &|n| $crate::columns::field_change_sql(n, $placeholders),
                    5,
                    changes,
                    &|c| {
                        let (from, to) = c.change.values();
                        vec![
                            text(c.opportunity_id.to_string()),
                            text(c.change.field()),
                            text(from),
                            text(to),
                            date(c.changed_on),
                        ]
                    },
                    progress,
                )
                .await
            }

            /// Writes one pipeline record inside `tx`.
            /// Writes a user, a token or a revocation inside `tx`.
            async fn write_auth(
                tx: &mut sqlx::Transaction<'static, $db>,
                write: $crate::AuthWrite<'_>,
            ) -> $crate::Result<()> {
                use $crate::AuthWrite as W;
                match write {
                    W::AddUser { user, password_hash } => {
                        sqlx::query(
                            "INSERT INTO users (id, email, name, role, rep_id, team, password_hash, active, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        )
                        .bind(user.id.to_string())
                        .bind(user.email.as_str().to_lowercase())
                        .bind(&user.name)
                        .bind(user.role.as_str())
                        .bind(user.rep_id.map(|r| r.to_string()))
                        .bind(user.team.clone())
                        .bind(password_hash)
                        .bind(i64::from(user.active))
                        .bind(user.created_at.timestamp_millis())
                        .execute(&mut **tx)
                        .await?;
                    }
                    W::AddToken(t) => {
                        sqlx::query(
                            "INSERT INTO api_tokens (id, user_id, name, token_sha256, scopes, created_at, revoked_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, NULL)",
                        )
                        .bind(t.id.to_string())
                        .bind(t.user_id.to_string())
                        .bind(&t.name)
                        .bind(&t.token_sha256)
                        .bind(serde_json::to_string(&t.scopes).unwrap_or_else(|_| "[]".into()))
                        .bind(t.created_at.timestamp_millis())
                        .execute(&mut **tx)
                        .await?;
                    }
                    W::Deactivate(user) => {
                        let done = sqlx::query("UPDATE users SET active = 0 WHERE id = $1 AND active = 1")
                            .bind(user.to_string())
                            .execute(&mut **tx)
                            .await?;
                        if done.rows_affected() == 0 {
                            return Err($crate::StoreError::NotFound {
                                what: "active user",
                                id: user.to_string(),
                            });
                        }
                        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                            .bind(user.to_string())
                            .execute(&mut **tx)
                            .await?;
                    }
                    W::Revoke { id, at } => {
                        let done = sqlx::query(
                            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                        )
                        .bind(at.timestamp_millis())
                        .bind(id.to_string())
                        .execute(&mut **tx)
                        .await?;
                        if done.rows_affected() == 0 {
                            return Err($crate::StoreError::NotFound {
                                what: "unrevoked API token",
                                id: id.to_string(),
                            });
                        }
                    }
                }
                Ok(())
            }

            /// Writes transcripts, their analyses and the health they raise inside `tx`.
            async fn write_calls(
                tx: &mut sqlx::Transaction<'static, $db>,
                write: $crate::CallsWrite<'_>,
            ) -> $crate::Result<()> {
                Self::write_rows(
                    tx,
                    &$crate::columns::TRANSCRIPTS,
                    write.transcripts,
                    $crate::columns::transcript_values,
                    &|_| {},
                )
                .await?;
                Self::write_rows(
                    tx,
                    &$crate::columns::ACTIVITIES,
                    write.activities,
                    $crate::columns::activity_values,
                    &|_| {},
                )
                .await?;
                let columns = $crate::calls::CALL_COLUMNS;
                let list = columns.join(", ");
                let marks: Vec<String> = (1..=columns.len()).map(|k| format!("${k}")).collect();
                let updates: Vec<String> = columns[1..]
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect();
                let sql = format!(
                    "INSERT INTO call_analyses ({list}) VALUES ({}) ON CONFLICT (transcript_id) DO UPDATE SET {}",
                    marks.join(", "),
                    updates.join(", ")
                );
                let json = |v: &[String]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
                for c in write.calls {
                    if c.rep_talk_ratio.is_some_and(|r| !(0.0..=1.0).contains(&r))
                        || !c.duration_seconds.is_finite()
                    {
                        return Err($crate::StoreError::Invalid(format!(
                            "call {}: a talk ratio outside 0-1 or a duration that is not a number",
                            c.transcript_id
                        )));
                    }
                    sqlx::query::<$db>(sqlx::AssertSqlSafe(sql.clone()))
                        .bind(c.transcript_id.to_string())
                        .bind(c.occurred_at.timestamp_millis())
                        .bind(c.analysed_at.timestamp_millis())
                        .bind(c.rep_id.map(|x| x.to_string()))
                        .bind(c.account_id.map(|x| x.to_string()))
                        .bind(c.opportunity_id.map(|x| x.to_string()))
                        .bind(c.call_type.clone())
                        .bind(c.duration_seconds)
                        .bind(c.rep_talk_ratio)
                        .bind(c.rep_questions)
                        .bind(c.customer_questions)
                        .bind(c.longest_monologue_seconds)
                        .bind(c.longest_story_seconds)
                        .bind(c.patience_seconds)
                        .bind(c.interactivity)
                        .bind(json(&c.customer_people))
                        .bind(json(&c.risks))
                        .bind(i64::from(c.trust_repair))
                        .bind(c.analysis.clone())
                        .execute(&mut **tx)
                        .await?;
                }
                for (account, health, reason) in write.health {
                    let from: &[&str] = match health {
                        roomwork_domain::Health::AtRisk => &["healthy", "watch"],
                        roomwork_domain::Health::Watch => &["healthy", "healthy"],
                        roomwork_domain::Health::Healthy => continue,
                    };
                    sqlx::query(
                        "UPDATE accounts SET health = $1, health_reason = $2 \
                         WHERE id = $3 AND (health = $4 OR health = $5)",
                    )
                    .bind(health.as_str())
                    .bind(reason.clone())
                    .bind(account.to_string())
                    .bind(from[0])
                    .bind(from[1])
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            async fn write_pipeline(
                tx: &mut sqlx::Transaction<'static, $db>,
                write: $crate::PipelineWrite<'_>,
            ) -> $crate::Result<()> {
                use $crate::PipelineWrite;
                let day = roomwork_domain::iso_day;
                let snaps: &[$crate::Snapshot] = match &write {
                    PipelineWrite::Snapshot(snap) => std::slice::from_ref(*snap),
                    PipelineWrite::Snapshots(list) => list,
                    _ => &[],
                };
                for snap in snaps {
                    let taken_on = day(snap.info.taken_on);
                    let exists: Option<String> = sqlx::query_scalar(
                        "SELECT taken_on FROM pipeline_snapshots WHERE taken_on = $1",
                    )
                    .bind(&taken_on)
                    .fetch_optional(&mut **tx)
                    .await?;
                    if exists.is_some() {
                        return Err($crate::StoreError::Invalid(format!(
                            "a pipeline snapshot for {taken_on} exists; snapshots are fixed once taken"
                        )));
                    }
                    sqlx::query(
                        "INSERT INTO pipeline_snapshots (taken_on, taken_at, taken_by, source, deals) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&taken_on)
                    .bind(snap.info.taken_at.timestamp_millis())
                    .bind(&snap.info.taken_by)
                    .bind(snap.info.source.as_str())
                    .bind(snap.deals.len() as i64)
                    .execute(&mut **tx)
                    .await?;
                    use $crate::columns::{opt_int, opt_text, text, Value};
                    $crate::$m::bulk(
                        tx,
                        &|n| $crate::columns::snapshot_deal_sql(n, $placeholders),
                        9,
                        &snap.deals,
                        &|d| {
                            vec![
                                text(taken_on.as_str()),
                                text(d.opportunity_id.to_string()),
                                opt_text(d.owner),
                                text(d.stage.as_str()),
                                opt_int(d.amount.map(|m| m.minor())),
                                opt_text(d.amount.map(|m| m.currency().code().to_string())),
                                opt_text(d.close_date.map(day)),
                                opt_text(d.forecast_category.map(|c| c.as_str())),
                                Value::Real(Some(d.probability)),
                            ]
                        },
                        &|_| {},
                    )
                    .await?;
                }
                match write {
                    PipelineWrite::Snapshot(_) | PipelineWrite::Snapshots(_) => {}
                    PipelineWrite::Model(m) => {
                        sqlx::query(
                            "INSERT INTO deal_models (version, created_at, trained_by, engine, model, evaluation) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(m.version)
                        .bind(m.created_at.timestamp_millis())
                        .bind(&m.trained_by)
                        .bind(&m.engine)
                        .bind(&m.model)
                        .bind(&m.evaluation)
                        .execute(&mut **tx)
                        .await?;
                    }
                    PipelineWrite::Override(o) => {
                        sqlx::query(
                            "INSERT INTO forecast_overrides (period, scope, amount_minor, currency, made_by, reason, made_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(&o.period)
                        .bind(&o.scope)
                        .bind(o.amount.minor())
                        .bind(o.amount.currency().code())
                        .bind(&o.made_by)
                        .bind(&o.reason)
                        .bind(o.made_at.timestamp_millis())
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn save_batch_with_progress(
                &self,
                batch: &roomwork_domain::Batch,
                progress: &(dyn Fn(u64) + Sync),
            ) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                Self::write_batch(&mut tx, batch, progress).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn save_batch_parts(
                &self,
                parts: &mut tokio::sync::mpsc::Receiver<$crate::BatchPart>,
                progress: &(dyn Fn(u64) + Sync),
            ) -> $crate::Result<()> {
                let ended = || $crate::StoreError::Invalid(
                    "the records stopped before their last part; nothing was stored".into(),
                );
                // The write lock is taken when there is something to write, not while the
                // sender is still working out the first part.
                let mut next = parts.recv().await;
                if matches!(next, Some($crate::BatchPart::End)) {
                    return Ok(());
                }
                let mut tx = self.begin_write().await?;
                loop {
                    match next {
                        Some($crate::BatchPart::Batch(b)) => {
                            Self::write_batch(&mut tx, &b, progress).await?
                        }
                        Some($crate::BatchPart::End) => break,
                        None => return Err(ended()),
                    }
                    next = parts.recv().await;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn save_batch_audited(
                &self,
                batch: &roomwork_domain::Batch,
                audit: &$crate::AuditEntry,
            ) -> $crate::Result<$crate::AuditRecord> {
                self.audited(audit, $crate::backend::Work::Batch(batch)).await
            }

            async fn ping(&self) -> $crate::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn counts(&self) -> $crate::Result<$crate::Counts> {
                let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM reps), (SELECT COUNT(*) FROM accounts), \
                     (SELECT COUNT(*) FROM contacts), (SELECT COUNT(*) FROM leads), \
                     (SELECT COUNT(*) FROM opportunities), (SELECT COUNT(*) FROM stage_changes), \
                     (SELECT COUNT(*) FROM activities), (SELECT COUNT(*) FROM orders), \
                     (SELECT COUNT(*) FROM customer_issues), (SELECT COUNT(*) FROM transcripts), \
                     (SELECT COUNT(*) FROM portfolio_projects)",
                )
                .fetch_one(&self.pool)
                .await?;
                let n = |v: i64| v.max(0) as u64;
                Ok($crate::Counts {
                    reps: n(row.0),
                    accounts: n(row.1),
                    contacts: n(row.2),
                    leads: n(row.3),
                    opportunities: n(row.4),
                    stage_changes: n(row.5),
                    activities: n(row.6),
                    orders: n(row.7),
                    issues: n(row.8),
                    transcripts: n(row.9),
                    projects: n(row.10),
                })
            }

            async fn key_index(
                &self,
                kind: $crate::KeyedKind,
            ) -> $crate::Result<std::collections::HashMap<roomwork_domain::ExternalKey, uuid::Uuid>> {
                let sql: &'static str = match kind {
                    $crate::KeyedKind::Account => "SELECT ext_key, id FROM accounts WHERE ext_key IS NOT NULL",
                    $crate::KeyedKind::Contact => "SELECT ext_key, id FROM contacts WHERE ext_key IS NOT NULL",
                    $crate::KeyedKind::Lead => "SELECT ext_key, id FROM leads WHERE ext_key IS NOT NULL",
                    $crate::KeyedKind::Opportunity => {
                        "SELECT ext_key, id FROM opportunities WHERE ext_key IS NOT NULL"
                    }
                    $crate::KeyedKind::Activity => "SELECT ext_key, id FROM activities WHERE ext_key IS NOT NULL",
                };
                let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(key, id)| {
                        let id = uuid::Uuid::parse_str(&id).map_err(|e| $crate::StoreError::Corrupt {
                            table: "keyed records",
                            column: "id",
                            reason: e.to_string(),
                        })?;
                        Ok((roomwork_domain::ExternalKey::from_stored(key), id))
                    })
                    .collect()
            }

            async fn opportunity_stages(
                &self,
            ) -> $crate::Result<std::collections::HashMap<roomwork_domain::OpportunityId, roomwork_domain::Stage>> {
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT id, stage FROM opportunities").fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(id, stage)| {
                        let corrupt = |column, reason: String| $crate::StoreError::Corrupt {
                            table: "opportunities",
                            column,
                            reason,
                        };
                        Ok((
                            id.parse().map_err(|e: roomwork_domain::ParseError| corrupt("id", e.to_string()))?,
                            roomwork_domain::Stage::parse(&stage).map_err(|e| corrupt("stage", e.to_string()))?,
                        ))
                    })
                    .collect()
            }

            async fn reps(&self) -> $crate::Result<Vec<roomwork_domain::Rep>> {
                let rows: Vec<$crate::rows::RepRow> =
                    sqlx::query_as("SELECT * FROM reps ORDER BY name").fetch_all(&self.pool).await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn accounts(&self) -> $crate::Result<Vec<roomwork_domain::Account>> {
                let rows: Vec<$crate::rows::AccountRow> =
                    sqlx::query_as("SELECT * FROM accounts ORDER BY name, id").fetch_all(&self.pool).await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn account(&self, id: roomwork_domain::AccountId) -> $crate::Result<roomwork_domain::Account> {
                let row: Option<$crate::rows::AccountRow> = sqlx::query_as("SELECT * FROM accounts WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                row.ok_or($crate::StoreError::NotFound { what: "account", id: id.to_string() })?.into_domain()
            }

            async fn contacts(&self) -> $crate::Result<Vec<roomwork_domain::Contact>> {
                let rows: Vec<$crate::rows::ContactRow> =
                    sqlx::query_as("SELECT * FROM contacts ORDER BY name, id").fetch_all(&self.pool).await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn leads(&self) -> $crate::Result<Vec<roomwork_domain::Lead>> {
                let rows: Vec<$crate::rows::LeadRow> =
                    sqlx::query_as("SELECT * FROM leads ORDER BY created_at, id").fetch_all(&self.pool).await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn opportunities(
                &self,
                with_history: bool,
            ) -> $crate::Result<Vec<roomwork_domain::Opportunity>> {
                let (rows, changes) = $crate::$m::opportunity_rows(&self.pool, with_history).await?;
                let mut deals = if with_history {
                    let mut history: std::collections::HashMap<String, Vec<roomwork_domain::StageChange>> =
                        std::collections::HashMap::new();
                    for change in changes {
                        let (key, change) = change.into_parts()?;
                        history.entry(key).or_default().push(change);
                    }
                    // Changes come in the order they were written; a deal's history is by day.
                    for list in history.values_mut() {
                        list.sort_by_key(|c| c.entered_on);
                    }
                    rows.into_iter()
                        .map(|r| {
                            let h = history.remove(r.id()).unwrap_or_default();
                            r.into_domain(h)
                        })
                        .collect::<$crate::Result<Vec<_>>>()?
                } else {
                    rows.into_iter()
                        .map(|r| r.into_domain(Vec::new()))
                        .collect::<$crate::Result<Vec<_>>>()?
                };
                // The listing order: by created day, then id (the order of the ids' text, as
                // PostgreSQL's ORDER BY gives it; compared here as days and UUIDs, not strings).
                deals.sort_unstable_by_key(|o| (o.created_on, o.id));
                Ok(deals)
            }

            async fn opportunity(
                &self,
                id: roomwork_domain::OpportunityId,
            ) -> $crate::Result<roomwork_domain::Opportunity> {
                let row: Option<$crate::rows::OpportunityRow> =
                    sqlx::query_as("SELECT * FROM opportunities WHERE id = $1")
                        .bind(id.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                let row = row.ok_or($crate::StoreError::NotFound { what: "opportunity", id: id.to_string() })?;
                let changes: Vec<$crate::rows::StageChangeRow> = sqlx::query_as(
                    "SELECT opportunity_id, stage, entered_on FROM stage_changes \
                     WHERE opportunity_id = $1 ORDER BY entered_on, seq",
                )
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await?;
                let history = changes.into_iter().map(|c| c.into_parts().map(|(_, c)| c)).collect::<$crate::Result<Vec<_>>>()?;
                row.into_domain(history)
            }

            async fn activities(
                &self,
                filter: $crate::ActivityFilter,
            ) -> $crate::Result<Vec<roomwork_domain::Activity>> {
                let columns = if filter.skip_text {
                    "id, ext_key, kind, direction, ai_assisted, account_id, contact_id, opportunity_id, \
                     rep_id, occurred_at, duration_minutes, '' AS subject, CAST(NULL AS TEXT) AS body"
                } else {
                    "*"
                };
                let sql = format!(
                    "SELECT {columns} FROM activities \
                     WHERE ($1 IS NULL OR account_id = $1) AND ($2 IS NULL OR opportunity_id = $2) \
                     ORDER BY occurred_at DESC, id LIMIT $3"
                );
                let rows: Vec<$crate::rows::ActivityRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(filter.account_id.map(|a| a.to_string()))
                .bind(filter.opportunity_id.map(|o| o.to_string()))
                .bind(filter.limit.map(i64::from).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn orders(&self) -> $crate::Result<Vec<roomwork_domain::Order>> {
                let rows: Vec<$crate::rows::OrderRow> =
                    sqlx::query_as("SELECT * FROM orders ORDER BY ordered_on DESC, number")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn issues(&self) -> $crate::Result<Vec<roomwork_domain::CustomerIssue>> {
                let rows: Vec<$crate::rows::IssueRow> =
                    sqlx::query_as("SELECT * FROM customer_issues ORDER BY opened_on DESC, id")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn transcripts(&self) -> $crate::Result<Vec<roomwork_domain::Transcript>> {
                let rows: Vec<$crate::rows::TranscriptRow> =
                    sqlx::query_as("SELECT * FROM transcripts ORDER BY occurred_at DESC, id")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn audit_append(
                &self,
                entry: &$crate::AuditEntry,
            ) -> $crate::Result<$crate::AuditRecord> {
                self.audited(entry, $crate::backend::Work::Nothing).await
            }

            async fn inbox_write(
                &self,
                write: $crate::InboxWrite<'_>,
                audit: &$crate::AuditEntry,
            ) -> $crate::Result<$crate::AuditRecord> {
                self.audited(audit, $crate::backend::Work::Inbox(write)).await
            }

            async fn draft(&self, id: roomwork_domain::DraftId) -> $crate::Result<roomwork_domain::Draft> {
                let row: Option<$crate::rows::DraftRow> =
                    sqlx::query_as("SELECT * FROM drafts WHERE id = $1")
                        .bind(id.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound { what: "draft", id: id.to_string() })?
                    .into_domain()
            }

            async fn drafts(&self, filter: $crate::DraftFilter) -> $crate::Result<Vec<roomwork_domain::Draft>> {
                let rows: Vec<$crate::rows::DraftRow> = sqlx::query_as(
                    "SELECT * FROM drafts WHERE ($1 IS NULL OR status = $1) \
                     AND ($2 IS NULL OR account_id = $2) ORDER BY created_at, id",
                )
                .bind(filter.status.map(|s| s.as_str().to_string()))
                .bind(filter.account_id.map(|a| a.to_string()))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn draft_revisions(
                &self,
                id: roomwork_domain::DraftId,
            ) -> $crate::Result<Vec<roomwork_domain::Revision>> {
                let rows: Vec<$crate::rows::RevisionRow> =
                    sqlx::query_as("SELECT * FROM draft_revisions WHERE draft_id = $1 ORDER BY number")
                        .bind(id.to_string())
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn workflow_uses(&self) -> $crate::Result<Vec<roomwork_domain::WorkflowUse>> {
                let rows: Vec<$crate::rows::WorkflowUseRow> =
                    sqlx::query_as("SELECT * FROM workflow_uses ORDER BY at, draft_id")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn lead_models(&self) -> $crate::Result<Vec<$crate::ModelRecord>> {
                let rows: Vec<$crate::leads::ModelRow> =
                    sqlx::query_as("SELECT * FROM lead_models ORDER BY version")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_record()).collect()
            }

            async fn leads_write(
                &self,
                write: $crate::LeadsWrite<'_>,
                audit: &$crate::AuditEntry,
            ) -> $crate::Result<$crate::AuditRecord> {
                self.audited(audit, $crate::backend::Work::Leads(write)).await
            }

            async fn field_edits(
                &self,
                deal: Option<roomwork_domain::OpportunityId>,
            ) -> $crate::Result<Vec<roomwork_domain::FieldEdit>> {
                let rows: Vec<$crate::pipeline::FieldChangeRow> = sqlx::query_as(
                    "SELECT opportunity_id, field, old_value, new_value, changed_on FROM deal_field_changes \
                     WHERE ($1 IS NULL OR opportunity_id = $1) ORDER BY opportunity_id, changed_on, seq",
                )
                .bind(deal.map(|d| d.to_string()))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }

            async fn pipeline_write(
                &self,
                write: $crate::PipelineWrite<'_>,
                audit: &$crate::AuditEntry,
            ) -> $crate::Result<$crate::AuditRecord> {
                self.audited(audit, $crate::backend::Work::Pipeline(write)).await
            }

            async fn snapshots(&self) -> $crate::Result<Vec<$crate::SnapshotInfo>> {
                let rows: Vec<$crate::pipeline::SnapshotRow> =
                    sqlx::query_as("SELECT * FROM pipeline_snapshots ORDER BY taken_on")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_info()).collect()
            }

            async fn snapshot(&self, day: chrono::NaiveDate) -> $crate::Result<$crate::Snapshot> {
                let key = day.format("%Y-%m-%d").to_string();
                let info: Option<$crate::pipeline::SnapshotRow> =
                    sqlx::query_as("SELECT * FROM pipeline_snapshots WHERE taken_on = $1")
                        .bind(&key)
                        .fetch_optional(&self.pool)
                        .await?;
                let info = info
                    .ok_or_else(|| $crate::StoreError::NotFound { what: "pipeline snapshot", id: key.clone() })?
                    .into_info()?;
                let rows: Vec<$crate::pipeline::SnapshotDealRow> = sqlx::query_as(
                    "SELECT opportunity_id, owner_id, stage, amount_minor, currency, close_date, \
                     forecast_category, probability FROM pipeline_snapshot_deals WHERE taken_on = $1 \
                     ORDER BY opportunity_id",
                )
                .bind(&key)
                .fetch_all(&self.pool)
                .await?;
                let deals = rows.into_iter().map(|r| r.into_domain()).collect::<$crate::Result<Vec<_>>>()?;
                Ok($crate::Snapshot { info, deals })
            }

            async fn auth_write(
                &self,
                write: $crate::AuthWrite<'_>,
                audit: &$crate::AuditEntry,
            ) -> $crate::Result<$crate::AuditRecord> {
                self.audited(audit, $crate::backend::Work::Auth(write)).await
            }

            async fn users(&self) -> $crate::Result<Vec<roomwork_domain::User>> {
                let rows: Vec<$crate::auth::UserRow> = sqlx::query_as(
                    "SELECT id, email, name, role, rep_id, team, active, created_at FROM users ORDER BY email",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_user()).collect()
            }

            async fn credentials(
                &self,
                email: &str,
            ) -> $crate::Result<Option<(roomwork_domain::User, String)>> {
                #[derive(sqlx::FromRow)]
                struct WithHash {
                    #[sqlx(flatten)]
                    user: $crate::auth::UserRow,
                    password_hash: String,
                }
                let row: Option<WithHash> = sqlx::query_as(
                    "SELECT id, email, name, role, rep_id, team, active, created_at, password_hash \
                     FROM users WHERE email = $1",
                )
                .bind(email.trim().to_lowercase())
                .fetch_optional(&self.pool)
                .await?;
                let Some(WithHash { user, password_hash: hash }) = row else { return Ok(None) };
                Ok(Some((user.into_user()?, hash)))
            }

            async fn session_start(&self, s: &$crate::Session) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_sha256, user_id, csrf_token, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&s.token_sha256)
                .bind(s.user_id.to_string())
                .bind(&s.csrf_token)
                .bind(s.created_at.timestamp_millis())
                .bind(s.expires_at.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_end(&self, token_sha256: &str) -> $crate::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
                    .bind(token_sha256)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(
                &self,
                token_sha256: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Option<(roomwork_domain::User, $crate::Session)>> {
                let row: Option<$crate::auth::SessionRow> = sqlx::query_as(
                    "SELECT token_sha256, user_id, csrf_token, created_at, expires_at FROM sessions \
                     WHERE token_sha256 = $1 AND expires_at > $2",
                )
                .bind(token_sha256)
                .bind(now.timestamp_millis())
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let session = row.into_session()?;
                let user: Option<$crate::auth::UserRow> = sqlx::query_as(
                    "SELECT id, email, name, role, rep_id, team, active, created_at FROM users WHERE id = $1 AND active = 1",
                )
                .bind(session.user_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
                match user {
                    Some(u) => Ok(Some((u.into_user()?, session))),
                    None => Ok(None),
                }
            }

            async fn api_token(
                &self,
                token_sha256: &str,
            ) -> $crate::Result<Option<(roomwork_domain::User, $crate::ApiToken)>> {
                // One round trip: every API request asks this.
                #[derive(sqlx::FromRow)]
                struct Joined {
                    #[sqlx(flatten)]
                    user: $crate::auth::UserRow,
                    t_id: String,
                    t_name: String,
                    t_scopes: String,
                    t_created_at: i64,
                }
                let row: Option<Joined> = sqlx::query_as(
                    "SELECT u.id, u.email, u.name, u.role, u.rep_id, u.team, u.active, u.created_at, \
                     t.id AS t_id, t.name AS t_name, t.scopes AS t_scopes, t.created_at AS t_created_at \
                     FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND u.active = 1",
                )
                .bind(token_sha256)
                .fetch_optional(&self.pool)
                .await?;
                let Some(j) = row else { return Ok(None) };
                let user = j.user.into_user()?;
                let token = $crate::auth::TokenRow::from_parts(
                    j.t_id,
                    user.id.to_string(),
                    j.t_name,
                    token_sha256.to_string(),
                    j.t_scopes,
                    j.t_created_at,
                )
                .into_token()?;
                Ok(Some((user, token)))
            }

            async fn api_tokens(&self) -> $crate::Result<Vec<$crate::ApiToken>> {
                let rows: Vec<$crate::auth::TokenRow> = sqlx::query_as(
                    "SELECT id, user_id, name, token_sha256, scopes, created_at, revoked_at FROM api_tokens ORDER BY created_at, id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_token()).collect()
            }

            async fn calls_write(
                &self,
                write: $crate::CallsWrite<'_>,
                audit: &$crate::AuditEntry,
            ) -> $crate::Result<$crate::AuditRecord> {
                self.audited(audit, $crate::backend::Work::Calls(write)).await
            }

            async fn calls(&self, with_analysis: bool) -> $crate::Result<Vec<$crate::CallRecord>> {
                let columns = $crate::calls::CALL_COLUMNS;
                let mut list = columns[..columns.len() - 1].join(", ");
                list.push_str(if with_analysis { ", analysis" } else { ", '' AS analysis" });
                let sql = format!("SELECT {list} FROM call_analyses ORDER BY occurred_at DESC, transcript_id");
                let rows: Vec<$crate::calls::CallRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
                rows.into_iter().map(|r| r.into_record()).collect()
            }

            async fn evaluation_write(&self, e: $crate::Evaluation<'_>) -> $crate::Result<()> {
                use $crate::columns::{date, text, Value};
                let mut tx = self.begin_write().await?;
                // In key order, so that each table's primary-key index and the deals' index the
                // foreign keys look into are walked once rather than at random.
                let mut ids: Vec<String> = e.deals.iter().map(|d| d.to_string()).collect();
                ids.sort_unstable();
                let mut signals: Vec<&$crate::SignalRecord> = e.signals.iter().collect();
                signals.sort_unstable_by(|a, b| {
                    (a.opportunity_id, &a.signal).cmp(&(b.opportunity_id, &b.signal))
                });
                let mut scores: Vec<&$crate::DealScoreRecord> = e.scores.iter().collect();
                scores.sort_unstable_by_key(|r| r.opportunity_id);
                for table in ["deal_signals", "deal_scores"] {
                    $crate::$m::bulk(
                        &mut tx,
                        &|n| {
                            format!(
                                "DELETE FROM {table} WHERE opportunity_id IN ({})",
                                $crate::columns::placeholder_list(n, $placeholders)
                            )
                        },
                        1,
                        &ids,
                        &|id| vec![text(id.as_str())],
                        &|_| {},
                    )
                    .await?;
                }
                $crate::$m::bulk(
                    &mut tx,
                    &|n| {
                        $crate::columns::insert_sql(
                            "deal_signals",
                            &["opportunity_id", "signal", "raised_on", "detail"],
                            n,
                            $placeholders,
                        )
                    },
                    4,
                    &signals,
                    &|r| {
                        vec![
                            text(r.opportunity_id.to_string()),
                            text(r.signal.as_str()),
                            date(r.raised_on),
                            text(r.detail.as_str()),
                        ]
                    },
                    &|_| {},
                )
                .await?;
                $crate::$m::bulk(
                    &mut tx,
                    &|n| {
                        $crate::columns::insert_sql(
                            "deal_scores",
                            &["opportunity_id", "scored_on", "probability", "model_version", "factors"],
                            n,
                            $placeholders,
                        )
                    },
                    5,
                    &scores,
                    &|r| {
                        vec![
                            text(r.opportunity_id.to_string()),
                            date(r.scored_on),
                            Value::Real(Some(r.probability)),
                            Value::Int(r.model_version),
                            text(r.factors.as_str()),
                        ]
                    },
                    &|_| {},
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn deal_signals(&self) -> $crate::Result<Vec<$crate::SignalRecord>> {
                let rows: Vec<$crate::pipeline::SignalRow> =
                    sqlx::query_as("SELECT * FROM deal_signals ORDER BY opportunity_id, signal")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_record()).collect()
            }

            async fn deal_scores(&self) -> $crate::Result<Vec<$crate::DealScoreRecord>> {
                let rows: Vec<$crate::pipeline::DealScoreRow> =
                    sqlx::query_as("SELECT * FROM deal_scores ORDER BY opportunity_id")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_record()).collect()
            }

            async fn deal_models(&self) -> $crate::Result<Vec<$crate::DealModelRecord>> {
                let rows: Vec<$crate::pipeline::DealModelRow> =
                    sqlx::query_as("SELECT * FROM deal_models ORDER BY version")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_record()).collect()
            }

            async fn forecast_overrides(&self) -> $crate::Result<Vec<$crate::ForecastOverride>> {
                let rows: Vec<$crate::pipeline::OverrideRow> = sqlx::query_as(
                    "SELECT period, scope, amount_minor, currency, made_by, reason, made_at \
                     FROM forecast_overrides ORDER BY seq",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_record()).collect()
            }

            async fn lead_intake(
                &self,
                leads: &[roomwork_domain::Lead],
                scores: &[$crate::ScoreRecord],
            ) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                Self::write_rows(&mut tx, &$crate::columns::LEADS, leads, $crate::columns::lead_values, &|_| {}).await?;
                for s in scores {
                    sqlx::query(
                        "INSERT INTO lead_scores (lead_id, scored_at, model_version, probability, prior, factors, \
                         queue, rep_id, expected_value, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(s.lead_id.to_string())
                    .bind(s.scored_at.timestamp_millis())
                    .bind(s.model_version)
                    .bind(s.probability)
                    .bind(s.prior)
                    .bind(&s.factors)
                    .bind(&s.queue)
                    .bind(s.rep_id.map(|r| r.to_string()))
                    .bind(s.expected_value)
                    .bind(&s.reason)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn lead_scores(
                &self,
                since: Option<chrono::DateTime<chrono::Utc>>,
            ) -> $crate::Result<Vec<$crate::ScoreRecord>> {
                let rows: Vec<$crate::leads::ScoreRow> = sqlx::query_as(
                    "SELECT * FROM lead_scores WHERE scored_at >= $1 ORDER BY scored_at, lead_id",
                )
                .bind(since.map_or(i64::MIN, |t| t.timestamp_millis()))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.into_record()).collect()
            }

            async fn rep_lead_load(
                &self,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<std::collections::HashMap<roomwork_domain::RepId, u32>> {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT rep_id, COUNT(*) FROM lead_scores WHERE rep_id IS NOT NULL AND scored_at >= $1 \
                     GROUP BY rep_id",
                )
                .bind(since.timestamp_millis())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(id, n)| {
                        let id: uuid::Uuid = id.parse().map_err(|_| $crate::StoreError::Corrupt {
                            table: "lead_scores",
                            column: "rep_id",
                            reason: format!("{id:?} is not an id"),
                        })?;
                        Ok((roomwork_domain::RepId::from_uuid(id), n as u32))
                    })
                    .collect()
            }

            async fn setting(&self, key: &str) -> $crate::Result<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
                    .bind(key.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| r.0))
            }

            async fn audit_records(&self) -> $crate::Result<Vec<$crate::AuditRecord>> {
                Ok(sqlx::query_as("SELECT * FROM audit_log ORDER BY seq")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn audit_find(
                &self,
                action: &str,
                subject: Option<&str>,
                limit: Option<usize>,
            ) -> $crate::Result<Vec<$crate::AuditRecord>> {
                let limit = limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX));
                let query = match subject {
                    Some(subject) => sqlx::query_as(
                        "SELECT * FROM audit_log WHERE action = $1 AND subject = $2 \
                         ORDER BY seq DESC LIMIT $3",
                    )
                    .bind(action)
                    .bind(subject)
                    .bind(limit),
                    None => sqlx::query_as(
                        "SELECT * FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT $2",
                    )
                    .bind(action)
                    .bind(limit),
                };
                Ok(query.fetch_all(&self.pool).await?)
            }

            async fn projects(&self) -> $crate::Result<Vec<roomwork_domain::PortfolioProject>> {
                let rows: Vec<$crate::rows::ProjectRow> =
                    sqlx::query_as("SELECT * FROM portfolio_projects ORDER BY year DESC, title")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(|r| r.into_domain()).collect()
            }
        }
    };
}

pub(crate) use impl_store;
