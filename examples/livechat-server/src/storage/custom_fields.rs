//! Custom field definitions.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// A custom field definition. Optional attributes are `None` when they were never set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomField {
    /// `_id`: the field name (`field` when it was created), the key visitors set values for.
    pub id: String,
    /// Label shown to agents.
    pub label: String,
    /// `visitor` (values stored on the visitor) or `room` (values stored on the visitor's rooms).
    pub scope: String,
    /// `visible`, `hidden`, ...
    pub visibility: String,
    /// Widget input type (`input`, `select`).
    pub type_: Option<String>,
    /// A JavaScript regular expression values must match (empty: no check).
    pub regexp: Option<String>,
    /// Whether the widget must ask for it.
    pub required: Option<bool>,
    /// Default value.
    pub default_value: Option<String>,
    /// Comma-separated options of a `select`.
    pub options: Option<String>,
    /// Whether it is shown in the widget.
    pub public: Option<bool>,
    /// Whether visitor searches look at it.
    pub searchable: Option<bool>,
    /// Last change.
    pub updated_at: String,
}

const COLUMNS: &str = "id, label, scope, visibility, type, regexp, required, default_value, \
                       options, public, searchable, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<CustomField> {
    Ok(CustomField {
        id: row.get(0)?,
        label: row.get(1)?,
        scope: row.get(2)?,
        visibility: row.get(3)?,
        type_: row.get(4)?,
        regexp: row.get(5)?,
        required: row.get(6)?,
        default_value: row.get(7)?,
        options: row.get(8)?,
        public: row.get(9)?,
        searchable: row.get(10)?,
        updated_at: row.get(11)?,
    })
}

/// The definition with this `_id`.
pub fn find(conn: &Connection, id: &str) -> rusqlite::Result<Option<CustomField>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM custom_fields WHERE id = ?1"
    ))?
    .query_row([id], from_row)
    .optional()
}

/// Every definition, in creation order.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<CustomField>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM custom_fields ORDER BY rowid"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    rows.collect()
}

/// Stores a new definition.
pub fn insert(conn: &Connection, f: &CustomField) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO custom_fields ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            f.id,
            f.label,
            f.scope,
            f.visibility,
            f.type_,
            f.regexp,
            f.required,
            f.default_value,
            f.options,
            f.public,
            f.searchable,
            f.updated_at
        ],
    )?;
    Ok(())
}

/// Updates the definition `f.id`: label, scope, visibility and `updated_at` always, the optional
/// attributes only where `f` has them (Rocket.Chat's `$set` of what was sent).
pub fn update(conn: &Connection, f: &CustomField) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE custom_fields SET
            label = ?2, scope = ?3, visibility = ?4,
            type = COALESCE(?5, type),
            regexp = COALESCE(?6, regexp),
            required = COALESCE(?7, required),
            default_value = COALESCE(?8, default_value),
            options = COALESCE(?9, options),
            public = COALESCE(?10, public),
            searchable = COALESCE(?11, searchable),
            updated_at = ?12
         WHERE id = ?1",
        params![
            f.id,
            f.label,
            f.scope,
            f.visibility,
            f.type_,
            f.regexp,
            f.required,
            f.default_value,
            f.options,
            f.public,
            f.searchable,
            f.updated_at
        ],
    )?;
    Ok(())
}

/// Deletes the definition `id`; returns whether it existed. Values visitors already have stay.
pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM custom_fields WHERE id = ?1", [id])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        super::super::schema::migrate(&conn).unwrap();
        conn
    }

    fn field(id: &str) -> CustomField {
        CustomField {
            id: id.into(),
            label: id.into(),
            scope: "visitor".into(),
            visibility: "visible".into(),
            regexp: Some("^a".into()),
            updated_at: "t0".into(),
            ..Default::default()
        }
    }

    #[test]
    fn crud() {
        let conn = conn();
        insert(&conn, &field("b")).unwrap();
        insert(&conn, &field("a")).unwrap();
        assert!(insert(&conn, &field("a")).is_err(), "ids are unique");
        assert_eq!(
            find(&conn, "a").unwrap().unwrap().regexp.as_deref(),
            Some("^a")
        );
        let ids: Vec<_> = all(&conn).unwrap().into_iter().map(|f| f.id).collect();
        assert_eq!(ids, ["b", "a"]);

        let change = CustomField {
            label: "A".into(),
            required: Some(true),
            updated_at: "t1".into(),
            ..field("a")
        };
        update(
            &conn,
            &CustomField {
                regexp: None,
                ..change
            },
        )
        .unwrap();
        let a = find(&conn, "a").unwrap().unwrap();
        assert_eq!(a.label, "A");
        assert_eq!(a.required, Some(true));
        assert_eq!(
            a.regexp.as_deref(),
            Some("^a"),
            "attributes not sent are kept"
        );

        assert!(delete(&conn, "a").unwrap());
        assert!(!delete(&conn, "a").unwrap());
        assert!(find(&conn, "a").unwrap().is_none());
    }
}
