//! The PostgreSQL backend, for teams sharing one database.

use sqlx::postgres::PgPoolOptions;

use crate::backend::impl_store;
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

impl_store!(
    PgStore,
    sqlx::Postgres,
    Backend::Postgres,
    crate::columns::Placeholders::Numbered
);
