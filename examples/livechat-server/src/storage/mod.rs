//! SQLite storage: one connection behind a mutex, one immediate transaction per request.
//!
//! Every request runs its reads and writes in a single `BEGIN IMMEDIATE` transaction on the
//! blocking thread pool, so two requests that update the same visitor are serialized and never
//! lose each other's changes.

pub mod custom_fields;
mod schema;
pub mod visitors;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// What can go wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The blocking task running the transaction panicked or was cancelled.
    #[error("database worker failed: {0}")]
    Worker(String),
}

/// The database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    /// `:memory:` opens a private in-memory database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = if path.as_os_str() == ":memory:" {
            Connection::open_in_memory()?
        } else {
            Connection::open(path)?
        };
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if path.as_os_str() != ":memory:" {
            // WAL keeps readers of other processes (sqlite3 CLI, backups) from blocking writes.
            let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        schema::migrate(&conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` in one immediate transaction on the blocking pool: committed when `f` returns
    /// `Ok`, rolled back when it returns `Err` (or panics).
    pub async fn transaction<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let task = tokio::task::spawn_blocking(move || {
            // A panic in an earlier transaction poisons the mutex, but that transaction was
            // rolled back when it was dropped: the connection is still consistent.
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let out = f(&tx)?;
            tx.commit().map_err(StoreError::from)?;
            Ok(out)
        });
        match task.await {
            Ok(result) => result,
            Err(e) => Err(StoreError::Worker(e.to_string()).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn errors_roll_back() {
        let store = Store::open(Path::new(":memory:")).unwrap();
        let r: Result<(), StoreError> = store
            .transaction(|tx| {
                visitors::next_guest_number(tx)?;
                Err(StoreError::Worker("boom".into()))
            })
            .await;
        assert!(r.is_err());
        let n = store
            .transaction(|tx| Ok::<_, StoreError>(visitors::next_guest_number(tx)?))
            .await
            .unwrap();
        assert_eq!(n, 1, "the failed transaction's increment was rolled back");
    }

    #[tokio::test]
    async fn panics_do_not_break_the_store() {
        let store = Store::open(Path::new(":memory:")).unwrap();
        let r: Result<(), StoreError> = store.transaction(|_| panic!("boom")).await;
        assert!(matches!(r, Err(StoreError::Worker(_))));
        let n = store
            .transaction(|tx| Ok::<_, StoreError>(visitors::next_guest_number(tx)?))
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
}
