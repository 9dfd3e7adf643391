//! The store's SQL, written once and compiled for each driver.
//!
//! Both backends accept the same statements (`ON CONFLICT ... DO UPDATE`, `excluded.`) except
//! for bulk-write placeholders, which come from `columns::Placeholders` (`$n` for PostgreSQL,
//! `?` for SQLite); small queries use `$n`, which both accept. The differences between the
//! backends are their connection options, their placeholders and their migration folders.
//! `impl_store!` instantiates this body for a concrete `sqlx::Database`.

macro_rules! impl_store {
    ($store:ident, $db:ty, $backend:expr, $placeholders:expr) => {
        impl $store {
            /// Upserts `records` into `table`, many rows per statement.
            async fn write_rows<T: Sync>(
                tx: &mut sqlx::Transaction<'static, $db>,
                table: &$crate::columns::Table,
                records: &[T],
                values: fn(&T) -> Vec<$crate::columns::Value>,
                progress: &(dyn Fn(u64) + Sync),
            ) -> $crate::Result<()> {
                let per = $crate::columns::rows_per_statement(table.columns.len());
                let build = |chunk: &[T]| {
                    let sql = $crate::columns::upsert_sql(table, chunk.len(), $placeholders);
                    let mut query = sqlx::query::<$db>(sqlx::AssertSqlSafe(sql));
                    for record in chunk {
                        for value in values(record) {
                            query = match value {
                                $crate::columns::Value::Int(v) => query.bind(v),
                                $crate::columns::Value::Text(v) => query.bind(v),
                                $crate::columns::Value::Bool(v) => query.bind(v),
                            };
                        }
                    }
                    (query, chunk.len() as u64)
                };
                // Building the next statement while the driver runs this one was measured
                // slower (cross-thread allocation), so statements run one after another.
                for chunk in records.chunks(per) {
                    let (query, rows) = build(chunk);
                    query.execute(&mut **tx).await?;
                    progress(rows);
                }
                Ok(())
            }

            async fn write_stage_changes(
                tx: &mut sqlx::Transaction<'static, $db>,
                opportunities: &[roomwork_domain::Opportunity],
            ) -> $crate::Result<()> {
                let changes: Vec<(String, &roomwork_domain::StageChange)> = opportunities
                    .iter()
                    .flat_map(|o| o.stage_history.iter().map(move |c| (o.id.to_string(), c)))
                    .collect();
                for chunk in changes.chunks($crate::columns::rows_per_statement(3)) {
                    let mut query =
                        sqlx::query::<$db>(sqlx::AssertSqlSafe($crate::columns::stage_change_sql(chunk.len(), $placeholders)));
                    for (id, change) in chunk {
                        query = query
                            .bind(id.clone())
                            .bind(change.stage.as_str().to_string())
                            .bind(change.entered_on.format("%Y-%m-%d").to_string());
                    }
                    query.execute(&mut **tx).await?;
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
                use $crate::columns::*;
                let mut tx = self.pool.begin().await?;
                Self::write_rows(&mut tx, &REPS, &batch.reps, rep_values, progress).await?;
                Self::write_rows(&mut tx, &ACCOUNTS, &batch.accounts, account_values, progress).await?;
                Self::write_rows(&mut tx, &CONTACTS, &batch.contacts, contact_values, progress).await?;
                Self::write_rows(&mut tx, &LEADS, &batch.leads, lead_values, progress).await?;
                Self::write_rows(&mut tx, &OPPORTUNITIES, &batch.opportunities, opportunity_values, progress).await?;
                Self::write_stage_changes(&mut tx, &batch.opportunities).await?;
                Self::write_rows(&mut tx, &ACTIVITIES, &batch.activities, activity_values, progress).await?;
                Self::write_rows(&mut tx, &ORDERS, &batch.orders, order_values, progress).await?;
                Self::write_rows(&mut tx, &ISSUES, &batch.issues, issue_values, progress).await?;
                Self::write_rows(&mut tx, &TRANSCRIPTS, &batch.transcripts, transcript_values, progress).await?;
                Self::write_rows(&mut tx, &PROJECTS, &batch.projects, project_values, progress).await?;
                for merge in &batch.account_merges {
                    let (from, into) = (merge.from.to_string(), merge.into.to_string());
                    for sql in [
                        "UPDATE contacts SET account_id = $1 WHERE account_id = $2",
                        "UPDATE opportunities SET account_id = $1 WHERE account_id = $2",
                        "UPDATE activities SET account_id = $1 WHERE account_id = $2",
                        "UPDATE orders SET account_id = $1 WHERE account_id = $2",
                        "UPDATE customer_issues SET account_id = $1 WHERE account_id = $2",
                        "UPDATE transcripts SET account_id = $1 WHERE account_id = $2",
                    ] {
                        sqlx::query(sql).bind(into.clone()).bind(from.clone()).execute(&mut *tx).await?;
                    }
                    sqlx::query("DELETE FROM accounts WHERE id = $1").bind(from).execute(&mut *tx).await?;
                    progress(1);
                }
                tx.commit().await?;
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
                let rows: Vec<$crate::rows::OpportunityRow> =
                    sqlx::query_as("SELECT * FROM opportunities ORDER BY created_on, id")
                        .fetch_all(&self.pool)
                        .await?;
                if !with_history {
                    return rows.into_iter().map(|r| r.into_domain(Vec::new())).collect();
                }
                let changes: Vec<$crate::rows::StageChangeRow> = sqlx::query_as(
                    "SELECT opportunity_id, stage, entered_on FROM stage_changes ORDER BY opportunity_id, entered_on, seq",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut history: std::collections::HashMap<String, Vec<roomwork_domain::StageChange>> =
                    std::collections::HashMap::new();
                for change in changes {
                    let key = change.opportunity_id.clone();
                    history.entry(key).or_default().push(change.into_domain()?);
                }
                rows.into_iter()
                    .map(|r| {
                        let h = history.remove(r.id()).unwrap_or_default();
                        r.into_domain(h)
                    })
                    .collect()
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
                let history = changes.into_iter().map(|c| c.into_domain()).collect::<$crate::Result<Vec<_>>>()?;
                row.into_domain(history)
            }

            async fn activities(
                &self,
                filter: $crate::ActivityFilter,
            ) -> $crate::Result<Vec<roomwork_domain::Activity>> {
                let rows: Vec<$crate::rows::ActivityRow> = sqlx::query_as(
                    "SELECT * FROM activities \
                     WHERE ($1 IS NULL OR account_id = $1) AND ($2 IS NULL OR opportunity_id = $2) \
                     ORDER BY occurred_at DESC, id LIMIT $3",
                )
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
                let mut attempt = 0;
                loop {
                    // SQLite: take the write lock before reading the head, so that two writers
                    // never both read the same head (a deferred transaction would fail to upgrade).
                    let begin = match $backend {
                        $crate::Backend::Sqlite => "BEGIN IMMEDIATE",
                        _ => "BEGIN",
                    };
                    let mut tx = self.pool.begin_with(begin).await?;
                    let last: Option<(i64, String)> =
                        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                            .fetch_optional(&mut *tx)
                            .await?;
                    let at = chrono::Utc::now().timestamp_millis();
                    let r = $crate::audit::next_record(last, at, entry);
                    let inserted = sqlx::query(
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
                    .execute(&mut *tx)
                    .await;
                    match inserted {
                        Ok(_) => {
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

            async fn audit_records(&self) -> $crate::Result<Vec<$crate::AuditRecord>> {
                Ok(sqlx::query_as("SELECT * FROM audit_log ORDER BY seq")
                    .fetch_all(&self.pool)
                    .await?)
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
