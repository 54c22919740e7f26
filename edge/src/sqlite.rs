//! Statements on a Durable Object's SQLite that count the rows they write (table and index
//! rows, as billed), shared by the account and workspace stores.

use std::cell::Cell;

use worker::{SqlStorage, SqlStorageValue as V};

use crate::error::AppError;

/// Runs `query` to its end and returns its rows, adding the rows it wrote to `written`.
pub(crate) fn rows(
    sql: &SqlStorage,
    written: &Cell<u64>,
    query: &str,
    bindings: Vec<V>,
) -> Result<Vec<Vec<V>>, AppError> {
    let cursor = sql.exec(query, bindings)?;
    let rows = cursor.raw().collect::<Result<Vec<_>, _>>()?;
    written.set(written.get() + cursor.rows_written() as u64);
    Ok(rows)
}
