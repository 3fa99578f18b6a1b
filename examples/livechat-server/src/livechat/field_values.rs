//! The custom field values visitors send: `custom.field` and `custom.fields`.
//!
//! Facts from Rocket.Chat (`customField.ts`, `lib/custom-fields.ts`):
//! - the token must name a visitor (`invalid-token`); every key must be a defined field
//!   (`invalid-custom-field`, also for an empty list); a non-empty `regexp` must match
//!   (`Invalid value for <key> field`); all checks pass before anything is written;
//! - room-scope values go to the visitor's open rooms; this server has no rooms, so they are
//!   validated and answered but not stored;
//! - visitor-scope values go to `livechatData`; `overwrite: false` never replaces a value;
//! - `custom.fields` answers room fields first, then visitor fields.

use std::collections::HashSet;

use rusqlite::Connection;

use super::{regexp, Error};
use crate::clock;
use crate::storage::custom_fields as definitions;
use crate::storage::visitors;

/// A value a visitor sets for a custom field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// The custom field `_id`.
    pub key: String,
    /// The value.
    pub value: String,
    /// Whether it replaces an existing value.
    pub overwrite: bool,
}

/// `POST /livechat/custom.field`: sets one value for the visitor with `token`.
pub fn set_one(conn: &Connection, token: &str, field: &FieldValue) -> Result<(), Error> {
    let visitor = visitors::find_by_token(conn, token)?.ok_or_else(Error::invalid_token)?;
    let def = definitions::find(conn, &field.key)?.ok_or_else(invalid_custom_field)?;
    regexp::check(&field.key, def.regexp.as_deref(), &field.value)?;
    if def.scope == "room" {
        tracing::debug!(key = %field.key, "room-scope value: no open rooms to store it in");
        return Ok(());
    }
    if visitors::set_data(conn, &visitor.id, &field.key, &field.value, field.overwrite)? {
        visitors::touch(conn, &visitor.id, &clock::now_iso())?;
    }
    Ok(())
}

/// `POST /livechat/custom.fields`: sets several values for the visitor with `token`, all or
/// none. Returns the fields as Rocket.Chat lists them: room-scope first, then visitor-scope.
///
/// When visitor-scope values are sent, every visible (not `hidden`) visitor-scope field marked
/// `required` must be among them (`Missing required custom fields: a, b`).
pub fn set_many(
    conn: &Connection,
    token: &str,
    fields: &[FieldValue],
) -> Result<Vec<FieldValue>, Error> {
    let visitor = visitors::find_by_token(conn, token)?.ok_or_else(Error::invalid_token)?;
    let mut room_fields = Vec::new();
    let mut visitor_fields = Vec::new();
    if fields.is_empty() {
        return Err(invalid_custom_field());
    }
    for field in fields {
        let def = definitions::find(conn, &field.key)?.ok_or_else(invalid_custom_field)?;
        regexp::check(&def.id, def.regexp.as_deref(), &field.value)?;
        if def.scope == "visitor" {
            visitor_fields.push(field.clone());
        } else {
            room_fields.push(field.clone());
        }
    }

    if !visitor_fields.is_empty() {
        check_required(conn, &visitor_fields)?;
        // Decide against the values the visitor had before this request, like Rocket.Chat's
        // single `$set` built from the visitor document.
        let before: HashSet<&str> = visitor
            .livechat_data
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        let mut changed = false;
        for field in &visitor_fields {
            if field.overwrite || !before.contains(field.key.as_str()) {
                changed |= visitors::set_data(conn, &visitor.id, &field.key, &field.value, true)?;
            }
        }
        if changed {
            visitors::touch(conn, &visitor.id, &clock::now_iso())?;
        }
    }
    if !room_fields.is_empty() {
        tracing::debug!(
            count = room_fields.len(),
            "room-scope values: no open rooms to store them in"
        );
    }
    room_fields.extend(visitor_fields);
    Ok(room_fields)
}

fn check_required(conn: &Connection, visitor_fields: &[FieldValue]) -> Result<(), Error> {
    let sent: HashSet<&str> = visitor_fields.iter().map(|f| f.key.as_str()).collect();
    let missing: Vec<String> = definitions::all(conn)?
        .into_iter()
        .filter(|d| d.scope == "visitor" && d.visibility != "hidden" && d.required == Some(true))
        .filter(|d| !sent.contains(d.id.as_str()))
        .map(|d| d.id)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::Failure(format!(
            "Missing required custom fields: {}",
            missing.join(", ")
        )))
    }
}

fn invalid_custom_field() -> Error {
    Error::Failure("invalid-custom-field".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::custom_fields::CustomField;
    use crate::storage::visitors::Visitor;
    use crate::storage::Store;

    fn value(key: &str, value: &str, overwrite: bool) -> FieldValue {
        FieldValue {
            key: key.into(),
            value: value.into(),
            overwrite,
        }
    }

    async fn store() -> Store {
        let store = Store::open(std::path::Path::new(":memory:")).unwrap();
        store
            .transaction(|tx| {
                for (id, scope) in [("a", "visitor"), ("b", "visitor"), ("r", "room")] {
                    definitions::insert(
                        tx,
                        &CustomField {
                            id: id.into(),
                            label: id.into(),
                            scope: scope.into(),
                            visibility: "visible".into(),
                            updated_at: "t".into(),
                            ..Default::default()
                        },
                    )?;
                }
                visitors::insert(
                    tx,
                    &Visitor {
                        id: "v".into(),
                        token: "tok".into(),
                        username: "guest-1".into(),
                        name: None,
                        email: None,
                        phone: None,
                        department: None,
                        status: "online".into(),
                        ts: "t".into(),
                        updated_at: "t".into(),
                        livechat_data: Vec::new(),
                    },
                )?;
                Ok::<_, Error>(())
            })
            .await
            .unwrap();
        store
    }

    #[tokio::test]
    async fn overwrite_false_is_decided_against_the_values_before_the_request() {
        let store = store().await;
        let answered = store
            .transaction(|tx| {
                set_many(
                    tx,
                    "tok",
                    &[
                        value("a", "1", false),
                        value("r", "x", true),
                        value("a", "2", false),
                    ],
                )
            })
            .await
            .unwrap();
        let keys: Vec<_> = answered.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            ["r", "a", "a"],
            "room fields first, then visitor fields in order"
        );
        let data = store
            .transaction(|tx| Ok::<_, Error>(visitors::data(tx, "v")?))
            .await
            .unwrap();
        assert_eq!(
            data,
            [("a".to_owned(), "2".to_owned())],
            "one $set: the last value wins"
        );
    }

    #[tokio::test]
    async fn a_rejected_request_writes_nothing() {
        let store = store().await;
        let r = store
            .transaction(|tx| {
                set_many(
                    tx,
                    "tok",
                    &[value("a", "1", true), value("nope", "2", true)],
                )
            })
            .await;
        assert!(matches!(r, Err(Error::Failure(m)) if m == "invalid-custom-field"));
        let data = store
            .transaction(|tx| Ok::<_, Error>(visitors::data(tx, "v")?))
            .await
            .unwrap();
        assert!(data.is_empty());
    }
}
