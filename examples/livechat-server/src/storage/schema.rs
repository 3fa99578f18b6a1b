//! The database schema, created on first start and versioned with `PRAGMA user_version`.

use rusqlite::Connection;

/// Schema version 1: visitors, their custom field values, custom field definitions, counters.
const V1: &str = "
CREATE TABLE visitors (
    id          TEXT PRIMARY KEY,
    token       TEXT NOT NULL UNIQUE,
    username    TEXT NOT NULL,
    name        TEXT,
    email       TEXT,
    phone       TEXT,
    department  TEXT,
    status      TEXT NOT NULL,
    ts          TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX visitors_by_phone ON visitors (phone);
CREATE INDEX visitors_by_email ON visitors (email);

-- A visitor's `livechatData`: one row per key, in insertion order (rowid).
CREATE TABLE visitor_data (
    visitor_id  TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (visitor_id, key)
);

-- Custom field definitions; NULL columns were never set (Rocket.Chat omits them).
CREATE TABLE custom_fields (
    id             TEXT PRIMARY KEY,
    label          TEXT NOT NULL,
    scope          TEXT NOT NULL,
    visibility     TEXT NOT NULL,
    type           TEXT,
    regexp         TEXT,
    required       INTEGER,
    default_value  TEXT,
    options        TEXT,
    public         INTEGER,
    searchable     INTEGER,
    updated_at     TEXT NOT NULL
);

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
";

/// Brings the schema of `conn` up to the current version.
pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version < 1 {
        conn.execute_batch(&format!("BEGIN; {V1} PRAGMA user_version = 1; COMMIT;"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_is_idempotent() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        migrate(&conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
    }
}
