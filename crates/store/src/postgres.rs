//! The PostgreSQL backend, for teams sharing one database.

use sqlx::postgres::PgPoolOptions;

use crate::backend::impl_store;
use crate::columns::Value;
use crate::rows::{OpportunityRow, StageChangeRow};
use crate::{Backend, Result};

/// A store in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: sqlx::PgPool,
}

impl PgStore {
    /// Connects to the database a `postgres://` URL names and applies the PostgreSQL migrations.
    pub async fn open(url: &str) -> Result<Self> {
        // An unreachable server is reported after 10 s rather than sqlx's default 30 s.
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Every deal row, in no particular order (the caller sorts the deals), and, with
/// `with_history`, every stage change by deal, day and order of writing.
pub(crate) async fn opportunity_rows(
    pool: &sqlx::PgPool,
    with_history: bool,
) -> Result<(Vec<OpportunityRow>, Vec<StageChangeRow>)> {
    let rows: Vec<OpportunityRow> = sqlx::query_as("SELECT * FROM opportunities")
        .fetch_all(pool)
        .await?;
    let changes = if with_history {
        sqlx::query_as(
            "SELECT opportunity_id, stage, entered_on FROM stage_changes ORDER BY opportunity_id, entered_on, seq",
        )
        .fetch_all(pool)
        .await?
    } else {
        Vec::new()
    };
    Ok((rows, changes))
}

/// Writes `records` with multi-row statements `sql(n)` of as many rows as the bind limit allows.
pub(crate) async fn bulk<T: Sync>(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    sql: &(dyn Fn(usize) -> String + Sync),
    columns: usize,
    records: &[T],
    values: &(dyn Fn(&T) -> Vec<Value> + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<()> {
    for chunk in records.chunks(crate::columns::rows_per_statement(columns)) {
        let mut query = sqlx::query::<sqlx::Postgres>(sqlx::AssertSqlSafe(sql(chunk.len())));
        for record in chunk {
            for value in values(record) {
                query = match value {
                    Value::Int(v) => query.bind(v),
                    Value::Text(v) => query.bind(v),
                    Value::Bool(v) => query.bind(v),
                    Value::Real(v) => query.bind(v),
                };
            }
        }
        query.execute(&mut **tx).await?;
        progress(chunk.len() as u64);
    }
    Ok(())
}

/// Writes `records` into `table` by upsert on `id`.
pub(crate) async fn upsert_rows<T: Sync>(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    table: &crate::columns::Table,
    records: &[T],
    values: &(dyn Fn(&T) -> Vec<Value> + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<()> {
    let sql = |n| crate::columns::upsert_sql(table, n, crate::columns::Placeholders::Numbered);
    bulk(tx, &sql, table.columns.len(), records, values, progress).await
}

impl_store!(
    PgStore,
    sqlx::Postgres,
    Backend::Postgres,
    crate::columns::Placeholders::Numbered,
    postgres
);
