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
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
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
