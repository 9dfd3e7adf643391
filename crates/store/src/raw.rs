//! Bulk SQLite reads and writes on the connection sqlx opened, driven directly.
//!
//! sqlx runs every SQLite statement on a worker thread and hands each row and each result
//! back over a channel. For a handful of rows that costs nothing; for an import of a million
//! deals, or reading them back to re-evaluate the pipeline, the hand-off cost more than
//! SQLite's own work (measured with `roomwork-bench import`, see the README). The bulk paths
//! therefore borrow the connection's handle from sqlx ([`sqlx::SqliteConnection::lock_handle`],
//! which parks sqlx's worker while it is held) and drive it through rusqlite on the calling
//! thread (handed off the async runtime's worker with `block_in_place` where the runtime
//! allows it): prepared statements of 64 rows each, re-bound per chunk, inside whatever
//! transaction sqlx has open on that connection. Nothing else changes: same connection, same pragmas,
//! same transaction, same error type for the caller.
//!
//! This is the workspace's only `unsafe`: borrowing the raw handle. Two rules keep it right,
//! and every caller of `with` (in `sqlite.rs`) only prepares, binds, steps and reads through the
//! functions of this module: the borrowed connection is never
//! given a hook, function, collation or trace callback (rusqlite does not remove those from a
//! handle it does not own, and rusqlite is built without those features), and no statement run
//! on it begins, commits or rolls back a transaction (sqlx tracks that itself).
#![allow(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

use sqlx::error::{DatabaseError, ErrorKind};

use crate::columns::Value;

/// Runs `f` on the SQLite connection `conn` with rusqlite, on this thread, while sqlx's worker
/// for that connection is parked. Statements run inside any transaction open on `conn`.
///
/// Writes must come inside a transaction that already holds the write lock (`begin_write`,
/// `BEGIN IMMEDIATE`): `f` runs on an async runtime thread (handed off with `block_in_place` on
/// a multi-threaded runtime, but not on a current-thread one), and a statement that had to wait
/// for the lock would hold that thread for up to the busy timeout while the writer it waits
/// for may need the same thread to commit. Reads never wait in WAL mode.
pub(crate) async fn with<T>(
    conn: &mut sqlx::SqliteConnection,
    f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send,
) -> crate::Result<T> {
    let mut handle = conn.lock_handle().await?;
    off_the_runtime(move || {
        let db = handle.as_raw_handle().as_ptr();
        // SAFETY: `handle` holds sqlx's lock on this connection until the end of this function, so
        // nothing else uses the sqlite3 handle meanwhile (sqlx's worker waits for the lock). The
        // rusqlite `Connection` borrows the handle without owning it (`from_handle` never closes
        // it), and it and every statement prepared on it are dropped before `handle` is released.
        let c = unsafe { rusqlite::Connection::from_handle(db) }.map_err(error)?;
        let out = f(&c).map_err(error);
        drop(c);
        drop(handle);
        out
    })
}

/// Runs `f`, a stretch of blocking SQLite work, telling a multi-threaded runtime to move this
/// worker's other tasks elsewhere meanwhile (the server answers other requests while a page
/// reads every deal). A current-thread runtime, as in tests, just runs it.
fn off_the_runtime<R>(f: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Writes `records` with the statement `sql(n)` for `n` rows, `ROWS` rows per execution
/// (one statement prepared once and re-bound; the last, shorter chunk has its own), binding
/// `values(record)` in order. Calls `progress` with the rows done after each execution.
pub(crate) fn execute_rows<T>(
    c: &rusqlite::Connection,
    sql: &(dyn Fn(usize) -> String + Sync),
    records: &[T],
    values: &(dyn Fn(&T) -> Vec<Value> + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> rusqlite::Result<()> {
    let mut statements = Statements::new(c, sql);
    for chunk in records.chunks(ROWS) {
        statements.execute(chunk, values)?;
        progress(chunk.len() as u64);
    }
    Ok(())
}

/// Like [`execute_rows`], for an upsert whose table's foreign keys are deferred: each chunk is
/// first written with `insert(n)`, a plain insert that skips rows already stored (`INSERT OR
/// FAIL ... ON CONFLICT (id) DO NOTHING`), and written again with `upsert(n)` only when it
/// inserted fewer rows than it has. SQLite gives a statement that writes several rows and may
/// abort halfway a statement journal (a copy of every page it touches); the plain insert on a
/// table with deferred keys is not such a statement, the upsert is. An import of new deals is
/// all plain inserts.
pub(crate) fn execute_rows_insert_first<T>(
    c: &rusqlite::Connection,
    insert: &(dyn Fn(usize) -> String + Sync),
    upsert: &(dyn Fn(usize) -> String + Sync),
    records: &[T],
    values: &(dyn Fn(&T) -> Vec<Value> + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> rusqlite::Result<()> {
    let mut inserts = Statements::new(c, insert);
    let mut upserts = Statements::new(c, upsert);
    for chunk in records.chunks(ROWS) {
        if inserts.execute(chunk, values)? < chunk.len() {
            upserts.execute(chunk, values)?;
        }
        progress(chunk.len() as u64);
    }
    Ok(())
}

/// Rows per execution. Measured with `roomwork-bench import`: per-statement work (setting up
/// the program, AUTOINCREMENT bookkeeping) dominates at one row per statement; beyond a few
/// dozen rows the gain flattens.
const ROWS: usize = 64;

/// The statement `sql(ROWS)`, prepared once, and one for a shorter last chunk.
struct Statements<'c, 's> {
    c: &'c rusqlite::Connection,
    sql: &'s (dyn Fn(usize) -> String + Sync),
    full: Option<rusqlite::Statement<'c>>,
}

impl<'c, 's> Statements<'c, 's> {
    fn new(c: &'c rusqlite::Connection, sql: &'s (dyn Fn(usize) -> String + Sync)) -> Self {
        Statements { c, sql, full: None }
    }

    /// Binds `chunk` (at most `ROWS` records) and runs it; returns the rows it changed.
    fn execute<T>(
        &mut self,
        chunk: &[T],
        values: &(dyn Fn(&T) -> Vec<Value> + Sync),
    ) -> rusqlite::Result<usize> {
        let mut tail;
        let stmt = if chunk.len() == ROWS {
            if self.full.is_none() {
                self.full = Some(self.c.prepare(&(self.sql)(ROWS))?);
            }
            self.full.as_mut().expect("prepared above")
        } else {
            tail = self.c.prepare(&(self.sql)(chunk.len()))?;
            &mut tail
        };
        let mut index = 0;
        for record in chunk {
            for value in values(record) {
                index += 1;
                match value {
                    Value::Int(v) => stmt.raw_bind_parameter(index, v)?,
                    Value::Text(v) => stmt.raw_bind_parameter(index, v)?,
                    Value::Bool(v) => stmt.raw_bind_parameter(index, v)?,
                    Value::Real(v) => stmt.raw_bind_parameter(index, v)?,
                }
            }
        }
        // A value function that returned too few values would leave the previous chunk's
        // values bound in the missing places: refuse it instead.
        if index != stmt.parameter_count() {
            return Err(rusqlite::Error::InvalidParameterCount(
                index,
                stmt.parameter_count(),
            ));
        }
        stmt.raw_execute()
    }
}

/// Runs the query `sql` (no parameters) and maps every row with `row`.
pub(crate) fn query_all<T>(
    c: &rusqlite::Connection,
    sql: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map([], row)?;
    rows.collect()
}

/// A rusqlite error as the `sqlx::Error::Database` the rest of the store reports, with the
/// constraint kind kept (so that callers can tell a unique violation from other failures).
fn error(e: rusqlite::Error) -> crate::StoreError {
    let kind = match e.sqlite_error() {
        Some(f) => match f.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => ErrorKind::UniqueViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            rusqlite::ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        },
        None => ErrorKind::Other,
    };
    let code = e.sqlite_error().map(|f| f.extended_code);
    crate::StoreError::Database(sqlx::Error::Database(Box::new(RawError {
        message: e.to_string(),
        code,
        kind,
    })))
}

/// A failure SQLite reported on a bulk path.
#[derive(Debug)]
struct RawError {
    message: String,
    code: Option<i32>,
    kind: ErrorKind,
}

impl fmt::Display for RawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RawError {}

impl DatabaseError for RawError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        self.code.map(|c| Cow::Owned(c.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        match self.kind {
            ErrorKind::UniqueViolation => ErrorKind::UniqueViolation,
            ErrorKind::ForeignKeyViolation => ErrorKind::ForeignKeyViolation,
            ErrorKind::NotNullViolation => ErrorKind::NotNullViolation,
            ErrorKind::CheckViolation => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
