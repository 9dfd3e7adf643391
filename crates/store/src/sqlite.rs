//! The embedded SQLite backend: a file in the data directory, in WAL mode.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::backend::impl_store;
use crate::columns::Value;
use crate::rows::{OpportunityRow, StageChangeRow};
use crate::{Backend, Result};

/// A store in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing) the file a `sqlite://PATH` URL names and applies the
    /// SQLite migrations. `sqlite::memory:` gives a private in-memory database on one connection.
    pub async fn open(url: &str) -> Result<Self> {
        let memory = url.contains(":memory:");
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(if memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Bulk imports insert into several indexes in key order unrelated to arrival order;
            // SQLite's default 2 MB page cache thrashes on that. The cache grows only as used.
            .pragma("cache_size", "-131072")
            .pragma("temp_store", "memory")
            // Truncate the write-ahead log back to 64 MB after checkpoints instead of leaving
            // it at its high-water mark (900 MB after the large demo).
            .pragma("journal_size_limit", "67108864");
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Every deal row, in no particular order (the caller sorts the deals), and, with `with_history`, every
/// stage change in the order it was written (the caller orders each deal's by day); read
/// directly ([`crate::raw`]).
pub(crate) async fn opportunity_rows(
    pool: &sqlx::SqlitePool,
    with_history: bool,
) -> Result<(Vec<OpportunityRow>, Vec<StageChangeRow>)> {
    let mut conn = pool.acquire().await?;
    crate::raw::with(&mut conn, move |c| {
        let sql = format!("SELECT {} FROM opportunities", OpportunityRow::COLUMNS);
        let rows = crate::raw::query_all(c, &sql, OpportunityRow::from_raw)?;
        let changes = if with_history {
            crate::raw::query_all(
                c,
                "SELECT opportunity_id, stage, entered_on FROM stage_changes ORDER BY seq",
                StageChangeRow::from_raw,
            )?
        } else {
            Vec::new()
        };
        Ok((rows, changes))
    })
    .await
}

/// Writes `records` with the statements `sql(n)` on the transaction's own connection, driven
/// directly ([`crate::raw`]).
pub(crate) async fn bulk<T: Sync>(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    sql: &(dyn Fn(usize) -> String + Sync),
    _columns: usize,
    records: &[T],
    values: &(dyn Fn(&T) -> Vec<Value> + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    crate::raw::with(tx, |c| {
        crate::raw::execute_rows(c, sql, records, values, progress)
    })
    .await
}

/// Writes `records` into `table` by upsert on `id`; a table with deferred foreign keys gets
/// its new rows by plain insert first ([`crate::raw::execute_rows_insert_first`]).
pub(crate) async fn upsert_rows<T: Sync>(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    table: &crate::columns::Table,
    records: &[T],
    values: &(dyn Fn(&T) -> Vec<Value> + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<()> {
    use crate::columns::{Placeholders, insert_new_sql, upsert_sql};
    if records.is_empty() {
        return Ok(());
    }
    let upsert = |n| upsert_sql(table, n, Placeholders::Anonymous);
    crate::raw::with(tx, |c| {
        if table.deferred_keys {
            let insert = |n| insert_new_sql(table, n);
            crate::raw::execute_rows_insert_first(c, &insert, &upsert, records, values, progress)
        } else {
            crate::raw::execute_rows(c, &upsert, records, values, progress)
        }
    })
    .await
}

impl_store!(
    SqliteStore,
    sqlx::Sqlite,
    Backend::Sqlite,
    crate::columns::Placeholders::Anonymous,
    sqlite
);
