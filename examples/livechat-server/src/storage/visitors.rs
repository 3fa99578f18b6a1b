//! Visitors and their custom field values (`livechatData`).

use rusqlite::{params, Connection, OptionalExtension, Row};

/// A stored visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor {
    /// `_id`.
    pub id: String,
    /// The token the widget identifies the visitor with (unique).
    pub token: String,
    /// `guest-N` unless the registration gave one.
    pub username: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address, trimmed and lowercased (`visitorEmails[0].address`).
    pub email: Option<String>,
    /// Phone number (`phone[0].phoneNumber`).
    pub phone: Option<String>,
    /// Department as given at registration.
    pub department: Option<String>,
    /// `online` after a registration.
    pub status: String,
    /// Creation time.
    pub ts: String,
    /// Last change.
    pub updated_at: String,
    /// Visitor-scope custom field values, in the order they were first set.
    pub livechat_data: Vec<(String, String)>,
}

/// What a registration writes; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct VisitorChanges {
    /// New token (Rocket.Chat moves the token when it matches a visitor by email).
    pub token: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New email.
    pub email: Option<String>,
    /// New phone number.
    pub phone: Option<String>,
    /// New department.
    pub department: Option<String>,
    /// New status.
    pub status: Option<String>,
}

const COLUMNS: &str = "id, token, username, name, email, phone, department, status, ts, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Visitor> {
    Ok(Visitor {
        id: row.get(0)?,
        token: row.get(1)?,
        username: row.get(2)?,
        name: row.get(3)?,
        email: row.get(4)?,
        phone: row.get(5)?,
        department: row.get(6)?,
        status: row.get(7)?,
        ts: row.get(8)?,
        updated_at: row.get(9)?,
        livechat_data: Vec::new(),
    })
}

fn find_where(
    conn: &Connection,
    condition: &str,
    value: &str,
) -> rusqlite::Result<Option<Visitor>> {
    let sql = format!("SELECT {COLUMNS} FROM visitors WHERE {condition} LIMIT 1");
    let visitor = conn.query_row(&sql, [value], from_row).optional()?;
    match visitor {
        Some(mut v) => {
            v.livechat_data = data(conn, &v.id)?;
            Ok(Some(v))
        }
        None => Ok(None),
    }
}

/// The visitor with this token, with its `livechatData`.
pub fn find_by_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<Visitor>> {
    find_where(conn, "token = ?1", token)
}

/// The visitor with this `_id`, with its `livechatData`.
pub fn find_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<Visitor>> {
    find_where(conn, "id = ?1", id)
}

/// The first visitor registered with this phone number.
pub fn find_by_phone(conn: &Connection, phone: &str) -> rusqlite::Result<Option<Visitor>> {
    find_where(conn, "phone = ?1 ORDER BY ts, rowid", phone)
}

/// The first visitor registered with this (lowercased) email address.
pub fn find_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<Visitor>> {
    find_where(conn, "email = ?1 ORDER BY ts, rowid", email)
}

/// Stores a new visitor (its `livechat_data` is ignored: set values with [`set_data`]).
pub fn insert(conn: &Connection, v: &Visitor) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO visitors ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        params![
            v.id,
            v.token,
            v.username,
            v.name,
            v.email,
            v.phone,
            v.department,
            v.status,
            v.ts,
            v.updated_at
        ],
    )?;
    Ok(())
}

/// Applies `changes` to the visitor `id` and stamps `updated_at`.
pub fn update(
    conn: &Connection,
    id: &str,
    changes: &VisitorChanges,
    updated_at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE visitors SET
            token = COALESCE(?2, token),
            name = COALESCE(?3, name),
            email = COALESCE(?4, email),
            phone = COALESCE(?5, phone),
            department = COALESCE(?6, department),
            status = COALESCE(?7, status),
            updated_at = ?8
         WHERE id = ?1",
        params![
            id,
            changes.token,
            changes.name,
            changes.email,
            changes.phone,
            changes.department,
            changes.status,
            updated_at
        ],
    )?;
    Ok(())
}

/// Stamps `updated_at` of the visitor `id`.
pub fn touch(conn: &Connection, id: &str, updated_at: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE visitors SET updated_at = ?2 WHERE id = ?1",
        params![id, updated_at],
    )?;
    Ok(())
}

/// The next number for a `guest-N` username (1, 2, ...), kept across restarts.
pub fn next_guest_number(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "INSERT INTO counters (name, value) VALUES ('guest', 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1
         RETURNING value",
        [],
        |r| r.get(0),
    )
}

/// The `livechatData` of visitor `id`, in the order the keys were first set.
pub fn data(conn: &Connection, id: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, value FROM visitor_data WHERE visitor_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Sets `livechatData.<key>` of visitor `id`. With `overwrite == false` an existing value
/// (even an empty one) is kept. Returns whether the value was written.
pub fn set_data(
    conn: &Connection,
    id: &str,
    key: &str,
    value: &str,
    overwrite: bool,
) -> rusqlite::Result<bool> {
    let sql = if overwrite {
        "INSERT INTO visitor_data (visitor_id, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (visitor_id, key) DO UPDATE SET value = excluded.value"
    } else {
        "INSERT INTO visitor_data (visitor_id, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (visitor_id, key) DO NOTHING"
    };
    let changed = conn.prepare_cached(sql)?.execute(params![id, key, value])?;
    Ok(changed > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        super::super::schema::migrate(&conn).unwrap();
        conn
    }

    fn visitor(id: &str, token: &str) -> Visitor {
        Visitor {
            id: id.into(),
            token: token.into(),
            username: "guest-1".into(),
            name: None,
            email: Some("a@b.c".into()),
            phone: Some("123".into()),
            department: None,
            status: "online".into(),
            ts: "t0".into(),
            updated_at: "t0".into(),
            livechat_data: Vec::new(),
        }
    }

    #[test]
    fn insert_find_update() {
        let conn = conn();
        insert(&conn, &visitor("v1", "tok")).unwrap();
        assert_eq!(find_by_token(&conn, "tok").unwrap().unwrap().id, "v1");
        assert_eq!(find_by_phone(&conn, "123").unwrap().unwrap().id, "v1");
        assert_eq!(find_by_email(&conn, "a@b.c").unwrap().unwrap().id, "v1");
        assert!(find_by_token(&conn, "other").unwrap().is_none());
        let changes = VisitorChanges {
            name: Some("Ann".into()),
            ..Default::default()
        };
        update(&conn, "v1", &changes, "t1").unwrap();
        let v = find_by_id(&conn, "v1").unwrap().unwrap();
        assert_eq!(v.name.as_deref(), Some("Ann"));
        assert_eq!(v.email.as_deref(), Some("a@b.c"), "unchanged columns stay");
        assert_eq!(v.updated_at, "t1");
    }

    #[test]
    fn data_keeps_order_and_honours_overwrite() {
        let conn = conn();
        insert(&conn, &visitor("v1", "tok")).unwrap();
        assert!(set_data(&conn, "v1", "b", "1", false).unwrap());
        assert!(set_data(&conn, "v1", "a", "2", true).unwrap());
        assert!(!set_data(&conn, "v1", "b", "3", false).unwrap());
        assert!(set_data(&conn, "v1", "b", "4", true).unwrap());
        assert!(set_data(&conn, "v1", "e", "", true).unwrap());
        assert!(
            !set_data(&conn, "v1", "e", "x", false).unwrap(),
            "an empty value is a value"
        );
        assert_eq!(
            data(&conn, "v1").unwrap(),
            vec![
                ("b".into(), "4".into()),
                ("a".into(), "2".into()),
                ("e".into(), "".into())
            ]
        );
    }

    #[test]
    fn guest_numbers_increase() {
        let conn = conn();
        assert_eq!(next_guest_number(&conn).unwrap(), 1);
        assert_eq!(next_guest_number(&conn).unwrap(), 2);
    }
}
