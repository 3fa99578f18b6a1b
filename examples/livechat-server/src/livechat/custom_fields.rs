//! Custom field definitions: `custom-fields.save`, `custom-fields.delete`, `custom-fields`
//! and `custom-fields/{_id}`.
//!
//! Facts from Rocket.Chat (`customField.ts`, `getPaginationItems`, `parseJsonQuery`):
//! - `custom-fields.save` creates (`field` must be new and match `^[0-9a-zA-Z-_]+$`) or updates
//!   (`customFieldId` must exist) and answers the attributes it set;
//! - lists filter `text` case-insensitively on label and `_id`, sort by label unless `sort`
//!   (a JSON object of `1`/`-1`) says otherwise, and page with `offset`/`count` (default 50,
//!   at most 100, `0` meaning all).

use std::cmp::Ordering;

use rocketchat_omnichannel::models::PostLivechatCustomFieldsSaveBody;
use rusqlite::Connection;
use serde_json::Value;

use super::Error;
use crate::clock;
use crate::storage::custom_fields::{self as store, CustomField};

/// What `custom-fields.save` wrote: the definition's id, and the attributes that were set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Whether the field was created (Rocket.Chat then also answers its `_id`).
    pub created: bool,
    /// The attributes sent (optional ones `None` when not sent), with the new `updated_at`.
    pub record: CustomField,
}

/// `POST /livechat/custom-fields.save`: creates a field, or updates `customFieldId`.
pub fn save(conn: &Connection, body: &PostLivechatCustomFieldsSaveBody) -> Result<Saved, Error> {
    let data = &body.custom_field_data;
    let id = body.custom_field_id.as_deref().filter(|id| !id.is_empty());
    let existing = match id {
        Some(id) => Some(
            store::find(conn, id)?
                .ok_or_else(|| Error::Failure("Custom Field Not found".into()))?,
        ),
        None => None,
    };
    let required = |name: &str, value: &Option<String>| {
        value
            .clone()
            .ok_or_else(|| Error::InvalidParams(format!("must have required property '{name}'")))
    };
    let field_id = match &existing {
        Some(f) => f.id.clone(),
        None => {
            let field = required("field", &data.field)?;
            if field.is_empty()
                || !field
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(Error::Failure(
                    "Invalid custom field name. Use only letters, numbers, hyphens and underscores.".into(),
                ));
            }
            if store::find(conn, &field)?.is_some() {
                return Err(Error::Failure("Custom Field already exists".into()));
            }
            field
        }
    };
    let scope = required("scope", &data.scope)?;
    if scope != "visitor" && scope != "room" {
        return Err(Error::InvalidParams(
            "must be equal to one of the allowed values".into(),
        ));
    }
    let record = CustomField {
        id: field_id,
        label: required("label", &data.label)?,
        scope,
        visibility: required("visibility", &data.visibility)?,
        type_: data.type_.clone(),
        regexp: data.regexp.clone(),
        required: data.required,
        default_value: data.default_value.clone(),
        options: data.options.clone(),
        public: data.public,
        searchable: data.searchable,
        updated_at: clock::now_iso(),
    };
    if existing.is_some() {
        store::update(conn, &record)?;
    } else {
        store::insert(conn, &record)?;
        tracing::info!(field = %record.id, scope = %record.scope, "created a custom field");
    }
    Ok(Saved {
        created: existing.is_none(),
        record,
    })
}

/// `POST /livechat/custom-fields.delete`.
pub fn delete(conn: &Connection, id: &str) -> Result<(), Error> {
    if store::delete(conn, id)? {
        tracing::info!(field = %id, "deleted a custom field");
        Ok(())
    } else {
        Err(Error::Failure("Custom field not found".into()))
    }
}

/// `GET /livechat/custom-fields/{_id}`: the definition, if any (Rocket.Chat answers `null`).
pub fn get(conn: &Connection, id: &str) -> Result<Option<CustomField>, Error> {
    Ok(store::find(conn, id)?)
}

/// The query of `GET /livechat/custom-fields`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Case-insensitive substring of the label or `_id`.
    pub text: Option<String>,
    /// Number of matches to skip.
    pub offset: Option<i64>,
    /// Page size.
    pub count: Option<i64>,
    /// The raw `sort` parameter: a JSON object such as `{"label": -1}`.
    pub sort: Option<String>,
}

/// One page of definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The definitions on this page.
    pub items: Vec<CustomField>,
    /// The offset used.
    pub offset: i64,
    /// Matches in total.
    pub total: i64,
}

/// Default page size (`API_Default_Count`).
const DEFAULT_COUNT: i64 = 50;
/// Largest page size (`API_Upper_Count_Limit`).
const MAX_COUNT: i64 = 100;

/// `GET /livechat/custom-fields`: filters, sorts and pages the definitions.
pub fn list(conn: &Connection, query: &ListQuery) -> Result<Page, Error> {
    let sort = parse_sort(query.sort.as_deref())?;
    let needle = query
        .text
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    let mut items: Vec<CustomField> = store::all(conn)?
        .into_iter()
        .filter(|f| match &needle {
            Some(n) => f.label.to_lowercase().contains(n) || f.id.to_lowercase().contains(n),
            None => true,
        })
        .collect();
    items.sort_by(|a, b| {
        sort.iter()
            .map(|(key, dir)| {
                let ord = sort_key(a, key).cmp(&sort_key(b, key));
                if *dir < 0 {
                    ord.reverse()
                } else {
                    ord
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let total = items.len() as i64;
    // Rocket.Chat: a missing or zero offset is 0; a count of 0 means everything
    // (`API_Allow_Infinite_Count`); MongoDB treats a negative limit as its absolute value.
    let offset = query.offset.unwrap_or(0).max(0);
    let count = match query.count {
        None => DEFAULT_COUNT,
        Some(c) => c.saturating_abs().min(MAX_COUNT),
    };
    let page: Vec<CustomField> = items
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(if count == 0 {
            usize::MAX
        } else {
            count as usize
        })
        .collect();
    Ok(Page {
        items: page,
        offset,
        total,
    })
}

/// A sortable projection of one attribute (missing attributes sort first, as in MongoDB).
fn sort_key(f: &CustomField, key: &str) -> Option<String> {
    let flag = |b: Option<bool>| b.map(|b| if b { "1" } else { "0" }.to_owned());
    match key {
        "_id" => Some(f.id.clone()),
        "label" => Some(f.label.clone()),
        "scope" => Some(f.scope.clone()),
        "visibility" => Some(f.visibility.clone()),
        "type" => f.type_.clone(),
        "regexp" => f.regexp.clone(),
        "defaultValue" => f.default_value.clone(),
        "options" => f.options.clone(),
        "_updatedAt" => Some(f.updated_at.clone()),
        "required" => flag(f.required),
        "public" => flag(f.public),
        "searchable" => flag(f.searchable),
        _ => None,
    }
}

/// Parses `sort` like Rocket.Chat's `parseJsonQuery`: a JSON object whose values are `1` or
/// `-1`; anything else is `error-invalid-sort`. Defaults to `{"label": 1}`.
fn parse_sort(raw: Option<&str>) -> Result<Vec<(String, i64)>, Error> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(vec![("label".into(), 1)]);
    };
    let invalid = || Error::Meteor {
        error_type: "error-invalid-sort",
        reason: format!("Invalid sort parameter provided: \"{raw}\""),
    };
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else {
        return Err(invalid());
    };
    map.into_iter()
        .map(|(k, v)| match v.as_i64() {
            Some(d @ (1 | -1)) => Ok((k, d)),
            _ => Err(invalid()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Store;
    use rocketchat_omnichannel::models::PostLivechatCustomFieldsSaveBodyCustomFieldData as Data;

    fn data(field: &str, scope: &str) -> Data {
        Data {
            field: Some(field.into()),
            label: Some(format!("Label {field}")),
            scope: Some(scope.into()),
            visibility: Some("visible".into()),
            ..Default::default()
        }
    }

    fn body(data: Data) -> PostLivechatCustomFieldsSaveBody {
        PostLivechatCustomFieldsSaveBody {
            custom_field_data: data,
            custom_field_id: None,
            additional_properties: Default::default(),
        }
    }

    async fn store_with(fields: Vec<Data>) -> Store {
        let store = Store::open(std::path::Path::new(":memory:")).unwrap();
        store
            .transaction(move |tx| {
                for d in fields {
                    save(tx, &body(d))?;
                }
                Ok::<_, Error>(())
            })
            .await
            .unwrap();
        store
    }

    #[tokio::test]
    async fn save_validates_names_and_existence() {
        let store = store_with(vec![data("address", "visitor")]).await;
        let r = store
            .transaction(|tx| save(tx, &body(data("address", "visitor"))))
            .await;
        assert!(matches!(r, Err(Error::Failure(m)) if m == "Custom Field already exists"));
        let r = store
            .transaction(|tx| save(tx, &body(data("bad name", "visitor"))))
            .await;
        assert!(matches!(r, Err(Error::Failure(m)) if m.starts_with("Invalid custom field name")));
        let r = store
            .transaction(|tx| save(tx, &body(data("x", "galaxy"))))
            .await;
        assert!(matches!(r, Err(Error::InvalidParams(_))));
        let r = store
            .transaction(|tx| {
                save(
                    tx,
                    &PostLivechatCustomFieldsSaveBody {
                        custom_field_data: data("x", "visitor"),
                        custom_field_id: Some("nope".into()),
                        additional_properties: Default::default(),
                    },
                )
            })
            .await;
        assert!(matches!(r, Err(Error::Failure(m)) if m == "Custom Field Not found"));
    }

    #[tokio::test]
    async fn list_filters_sorts_and_pages() {
        let store = store_with(vec![
            data("b", "visitor"),
            data("a", "room"),
            data("ca", "visitor"),
        ])
        .await;
        let ids = |q: ListQuery| {
            let store = store.clone();
            async move {
                let page = store.transaction(move |tx| list(tx, &q)).await.unwrap();
                (
                    page.items.into_iter().map(|f| f.id).collect::<Vec<_>>(),
                    page.total,
                )
            }
        };
        assert_eq!(
            ids(ListQuery::default()).await,
            (vec!["a".into(), "b".into(), "ca".into()], 3)
        );
        let q = ListQuery {
            sort: Some(r#"{"_id":-1}"#.into()),
            ..Default::default()
        };
        assert_eq!(ids(q).await.0, ["ca", "b", "a"]);
        let q = ListQuery {
            text: Some("C".into()),
            ..Default::default()
        };
        assert_eq!(ids(q).await, (vec!["ca".into()], 1));
        let q = ListQuery {
            text: Some("LABEL".into()),
            ..Default::default()
        };
        assert_eq!(ids(q).await.1, 3);
        let q = ListQuery {
            offset: Some(1),
            count: Some(1),
            ..Default::default()
        };
        assert_eq!(ids(q).await, (vec!["b".into()], 3));
        let q = ListQuery {
            count: Some(0),
            ..Default::default()
        };
        assert_eq!(ids(q).await.0.len(), 3);
        for bad in ["nope", "[1]", r#"{"label":2}"#] {
            let q = ListQuery {
                sort: Some(bad.into()),
                ..Default::default()
            };
            let r = store.transaction(move |tx| list(tx, &q)).await;
            assert!(
                matches!(
                    r,
                    Err(Error::Meteor {
                        error_type: "error-invalid-sort",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
