//! Registering visitors (`POST /livechat/visitor`) and reading them back.
//!
//! Facts from Rocket.Chat (`visitor.ts`, `registerGuest`):
//! - the token must not be blank (`error-invalid-token`, "Token cannot be empty");
//! - the visitor is found by token, else by phone number (its token is kept), else by email
//!   (it takes the new token); otherwise a new one is created with the given username or
//!   `guest-N`, status `online` and a creation time;
//! - the email is trimmed and lowercased; name, email, phone and department are set when given;
//! - `customFields` apply only to existing visitor-scope fields (others are skipped and logged),
//!   with `overwrite: false` keeping an existing value; the registration path does not check
//!   `regexp` or `required` (only `custom.field(s)` do).
//!
//! This server keeps no departments, so a department is stored as given instead of being
//! checked against a department collection.

use rocketchat_omnichannel::models::PostLivechatVisitorBodyVisitor;
use rusqlite::Connection;

use super::field_values::FieldValue;
use super::Error;
use crate::storage::custom_fields;
use crate::storage::visitors::{self as store, Visitor, VisitorChanges};
use crate::{clock, ids};

/// Checks the `customFields` items the way Rocket.Chat's `check()` does (every item needs a
/// string `key` and `value` and a boolean `overwrite`), before anything is written.
fn field_values(visitor: &PostLivechatVisitorBodyVisitor) -> Result<Vec<FieldValue>, Error> {
    let items = visitor.custom_fields.as_deref().unwrap_or_default();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let missing = |key: &str| {
                Error::Failure(format!(
                    "Match error: Missing key '{key}' in field visitor.customFields[{i}]"
                ))
            };
            Ok(FieldValue {
                key: item.key.clone().ok_or_else(|| missing("key"))?,
                value: item.value.clone().ok_or_else(|| missing("value"))?,
                overwrite: item.overwrite.ok_or_else(|| missing("overwrite"))?,
            })
        })
        .collect()
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_ref().filter(|v| !v.is_empty()).cloned()
}

/// Registers or updates the visitor described by `input`; returns it as stored afterwards.
pub fn register(
    conn: &Connection,
    input: &PostLivechatVisitorBodyVisitor,
) -> Result<Visitor, Error> {
    if input.token.trim().is_empty() {
        return Err(Error::Meteor {
            error_type: "error-invalid-token",
            reason: "Token cannot be empty".into(),
        });
    }
    let values = field_values(input)?;
    let now = clock::now_iso();
    let email = non_empty(&input.email)
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let phone = non_empty(&input.phone);
    let mut changes = VisitorChanges {
        token: None,
        name: non_empty(&input.name),
        email: email.clone(),
        phone: phone.clone(),
        department: non_empty(&input.department),
        status: Some("online".into()),
    };

    let existing = match store::find_by_token(conn, &input.token)? {
        Some(v) => Some(v),
        None => match phone
            .as_deref()
            .map(|p| store::find_by_phone(conn, p))
            .transpose()?
            .flatten()
        {
            Some(v) => {
                tracing::debug!(visitor = %v.id, "matched an existing visitor by phone number");
                Some(v)
            }
            None => {
                let by_email = email
                    .as_deref()
                    .map(|e| store::find_by_email(conn, e))
                    .transpose()?
                    .flatten();
                if let Some(v) = &by_email {
                    tracing::debug!(visitor = %v.id, "matched an existing visitor by email");
                    changes.token = Some(input.token.clone());
                }
                by_email
            }
        },
    };

    let id = match existing {
        Some(v) => {
            store::update(conn, &v.id, &changes, &now)?;
            v.id
        }
        None => {
            let username = match non_empty(&input.username) {
                Some(u) => u,
                None => format!("guest-{}", store::next_guest_number(conn)?),
            };
            let visitor = Visitor {
                id: ids::random_id(17),
                token: input.token.clone(),
                username,
                name: changes.name,
                email: changes.email,
                phone: changes.phone,
                department: changes.department,
                status: "online".into(),
                ts: now.clone(),
                updated_at: now.clone(),
                livechat_data: Vec::new(),
            };
            store::insert(conn, &visitor)?;
            tracing::info!(visitor = %visitor.id, username = %visitor.username, "registered a visitor");
            visitor.id
        }
    };

    apply_registration_fields(conn, &id, &values)?;
    store::find_by_id(conn, &id)?.ok_or_else(|| Error::Failure("error-saving-visitor".into()))
}

/// Applies the registration's custom field values that name visitor-scope fields.
fn apply_registration_fields(
    conn: &Connection,
    id: &str,
    values: &[FieldValue],
) -> Result<(), Error> {
    let mut skipped = Vec::new();
    for field in custom_fields_in_order(values) {
        match custom_fields::find(conn, &field.key)? {
            Some(def) if def.scope == "visitor" => {
                store::set_data(conn, id, &field.key, &field.value, field.overwrite)?;
            }
            _ => skipped.push(field.key.as_str()),
        }
    }
    if !skipped.is_empty() {
        tracing::warn!(visitor = %id, missing_keys = ?skipped, "some custom fields were not processed");
    }
    Ok(())
}

/// The first value given for each key, in request order (Rocket.Chat's `customFields.find`).
fn custom_fields_in_order(values: &[FieldValue]) -> Vec<&FieldValue> {
    let mut seen = std::collections::HashSet::new();
    values
        .iter()
        .filter(|v| seen.insert(v.key.as_str()))
        .collect()
}

/// The visitor with this token, or Rocket.Chat's `invalid-token` Meteor error
/// (`{"error": "[invalid-token]", "errorType": "invalid-token"}`).
pub fn by_token(conn: &Connection, token: &str) -> Result<Visitor, Error> {
    store::find_by_token(conn, token)?.ok_or(Error::Meteor {
        error_type: "invalid-token",
        reason: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Store;
    use rocketchat_omnichannel::models::PostLivechatVisitorBodyVisitorCustomFieldsItem as Item;

    fn visitor(token: &str) -> PostLivechatVisitorBodyVisitor {
        PostLivechatVisitorBodyVisitor {
            custom_fields: None,
            department: None,
            email: None,
            name: None,
            phone: None,
            token: token.into(),
            username: None,
            additional_properties: Default::default(),
        }
    }

    async fn run<T: Send + 'static>(
        store: &Store,
        f: impl FnOnce(&Connection) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        store.transaction(move |tx| f(tx)).await
    }

    #[tokio::test]
    async fn registers_then_updates_by_token() {
        let store = Store::open(std::path::Path::new(":memory:")).unwrap();
        let first = run(&store, |c| {
            register(
                c,
                &PostLivechatVisitorBodyVisitor {
                    name: Some("Ann".into()),
                    ..visitor("t1")
                },
            )
        })
        .await
        .unwrap();
        assert_eq!(first.username, "guest-1");
        assert_eq!(first.status, "online");
        let second = run(&store, |c| {
            register(
                c,
                &PostLivechatVisitorBodyVisitor {
                    email: Some("  Ann@Example.COM ".into()),
                    ..visitor("t1")
                },
            )
        })
        .await
        .unwrap();
        assert_eq!(second.id, first.id);
        assert_eq!(
            second.name.as_deref(),
            Some("Ann"),
            "fields not sent are kept"
        );
        assert_eq!(second.email.as_deref(), Some("ann@example.com"));
        assert_eq!(second.ts, first.ts);
    }

    #[tokio::test]
    async fn matches_by_phone_then_email() {
        let store = Store::open(std::path::Path::new(":memory:")).unwrap();
        let a = run(&store, |c| {
            register(
                c,
                &PostLivechatVisitorBodyVisitor {
                    phone: Some("555".into()),
                    email: Some("a@x.io".into()),
                    ..visitor("ta")
                },
            )
        })
        .await
        .unwrap();
        let by_phone = run(&store, |c| {
            register(
                c,
                &PostLivechatVisitorBodyVisitor {
                    phone: Some("555".into()),
                    ..visitor("tb")
                },
            )
        })
        .await
        .unwrap();
        assert_eq!(by_phone.id, a.id);
        assert_eq!(
            by_phone.token, "ta",
            "a phone match keeps the visitor's token"
        );
        let by_email = run(&store, |c| {
            register(
                c,
                &PostLivechatVisitorBodyVisitor {
                    email: Some("A@x.io".into()),
                    ..visitor("tc")
                },
            )
        })
        .await
        .unwrap();
        assert_eq!(by_email.id, a.id);
        assert_eq!(
            by_email.token, "tc",
            "an email match moves the visitor to the new token"
        );
    }

    #[tokio::test]
    async fn rejects_blank_tokens_and_malformed_fields() {
        let store = Store::open(std::path::Path::new(":memory:")).unwrap();
        let blank = run(&store, |c| register(c, &visitor("  "))).await;
        assert!(matches!(
            blank,
            Err(Error::Meteor {
                error_type: "error-invalid-token",
                ..
            })
        ));
        let malformed = run(&store, |c| {
            register(
                c,
                &PostLivechatVisitorBodyVisitor {
                    custom_fields: Some(vec![Item {
                        key: Some("k".into()),
                        value: Some("v".into()),
                        overwrite: None,
                        additional_properties: Default::default(),
                    }]),
                    ..visitor("t")
                },
            )
        })
        .await;
        match malformed {
            Err(Error::Failure(m)) => assert_eq!(
                m,
                "Match error: Missing key 'overwrite' in field visitor.customFields[0]"
            ),
            other => panic!("{other:?}"),
        }
        let nothing = run(&store, |c| Ok(store::find_by_token(c, "t")?))
            .await
            .unwrap();
        assert!(
            nothing.is_none(),
            "nothing is written when the input is rejected"
        );
    }
}
