//! Rocket.Chat's JSON shapes for visitors and custom fields, and the error answers.
//!
//! Every answer is a generated model. Rocket.Chat sends more than the spec lists
//! (`livechatData` with any keys, `status`/`ts`/`department` on `GET visitor/{token}`, the `_id`
//! of a new custom field, `customField: null`): those members go into the models'
//! `additional_properties`, which keeps what a schema does not list.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use rocketchat_omnichannel::models::{
    self, GetLivechatVisitorTokenOkVisitor, GetLivechatVisitorTokenOkVisitorLivechatData,
    GetLivechatVisitorTokenOkVisitorPhoneItem, GetLivechatVisitorTokenOkVisitorVisitorEmailsItem,
    PostLivechatCustomFieldsSaveOkCustomField, PostLivechatVisitorOkVisitor,
    PostLivechatVisitorOkVisitorPhoneItem, PostLivechatVisitorOkVisitorVisitorEmailsItem,
};
use rocketchat_omnichannel::server::ApiError;
use serde_json::{json, Value};

use crate::livechat::Error;
use crate::storage::custom_fields::CustomField;
use crate::storage::visitors::Visitor;

/// Members not in the spec's schema, by name (`None` values left out).
fn unlisted<const N: usize>(members: [(&str, Option<Value>); N]) -> BTreeMap<String, Value> {
    members
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_owned(), v?)))
        .collect()
}

/// A visitor's `livechatData`, when it has any.
fn livechat_data(v: &Visitor) -> Option<Value> {
    (!v.livechat_data.is_empty()).then(|| {
        let data: serde_json::Map<String, Value> = v
            .livechat_data
            .iter()
            .map(|(k, val)| (k.clone(), json!(val)))
            .collect();
        Value::Object(data)
    })
}

/// A visitor as `POST /livechat/visitor` answers it (`livechatData` is not in its schema).
pub fn registered_visitor(v: &Visitor) -> PostLivechatVisitorOkVisitor {
    PostLivechatVisitorOkVisitor {
        id: Some(v.id.clone()),
        updated_at: Some(v.updated_at.clone()),
        department: v.department.clone(),
        external_ids: None,
        name: v.name.clone(),
        phone: v.phone.as_ref().map(|p| {
            vec![PostLivechatVisitorOkVisitorPhoneItem {
                phone_number: Some(p.clone()),
                ..Default::default()
            }]
        }),
        status: Some(v.status.clone()),
        token: Some(v.token.clone()),
        ts: Some(v.ts.clone()),
        username: Some(v.username.clone()),
        visitor_emails: v.email.as_ref().map(|e| {
            vec![PostLivechatVisitorOkVisitorVisitorEmailsItem {
                address: Some(e.clone()),
                ..Default::default()
            }]
        }),
        additional_properties: unlisted([("livechatData", livechat_data(v))]),
    }
}

/// A visitor as `GET /livechat/visitor/{token}` answers it (its schema lists neither
/// `department`, `status` nor `ts`; `livechatData` holds any keys).
pub fn found_visitor(v: &Visitor) -> GetLivechatVisitorTokenOkVisitor {
    GetLivechatVisitorTokenOkVisitor {
        id: Some(v.id.clone()),
        updated_at: Some(v.updated_at.clone()),
        external_ids: None,
        livechat_data: (!v.livechat_data.is_empty()).then(|| {
            let mut data = GetLivechatVisitorTokenOkVisitorLivechatData::default();
            for (key, value) in &v.livechat_data {
                match key.as_str() {
                    "address" => data.address = Some(value.clone()),
                    _ => {
                        data.additional_properties.insert(key.clone(), json!(value));
                    }
                }
            }
            data
        }),
        name: v.name.clone(),
        phone: v.phone.as_ref().map(|p| {
            vec![GetLivechatVisitorTokenOkVisitorPhoneItem {
                phone_number: Some(p.clone()),
                ..Default::default()
            }]
        }),
        token: Some(v.token.clone()),
        username: Some(v.username.clone()),
        visitor_emails: v.email.as_ref().map(|e| {
            vec![GetLivechatVisitorTokenOkVisitorVisitorEmailsItem {
                address: Some(e.clone()),
                ..Default::default()
            }]
        }),
        additional_properties: unlisted([
            ("department", v.department.as_ref().map(|d| json!(d))),
            ("status", Some(json!(v.status))),
            ("ts", Some(json!(v.ts))),
        ]),
    }
}
/// A stored custom field definition, in the generated model (the list's items and
/// `custom-fields/{_id}`'s answer).
pub fn custom_field(f: CustomField) -> models::CustomField {
    models::CustomField {
        id: Some(f.id),
        updated_at: Some(f.updated_at),
        default_value: f.default_value,
        id_2: None,
        label: Some(f.label),
        options: f.options,
        public: f.public,
        regexp: f.regexp,
        required: f.required,
        scope: Some(f.scope),
        searchable: f.searchable,
        type_: f.type_,
        visibility: Some(f.visibility),
        additional_properties: BTreeMap::new(),
    }
}

/// What `custom-fields.save` answers: the attributes it set, plus `_id` for a new field (not
/// in the spec's schema).
pub fn saved_custom_field(
    f: &CustomField,
    created: bool,
) -> PostLivechatCustomFieldsSaveOkCustomField {
    PostLivechatCustomFieldsSaveOkCustomField {
        updated_at: Some(f.updated_at.clone()),
        default_value: f.default_value.clone(),
        label: Some(f.label.clone()),
        options: f.options.clone(),
        public: f.public,
        regexp: f.regexp.clone(),
        required: f.required,
        scope: Some(f.scope.clone()),
        searchable: f.searchable,
        type_: f.type_.clone(),
        visibility: Some(f.visibility.clone()),
        additional_properties: unlisted([("_id", created.then(|| json!(f.id)))]),
    }
}

/// The HTTP answer for a broken rule (400) or a storage failure (500, details only in the log).
pub fn error(e: Error) -> ApiError {
    let bad_request = |body: Value| ApiError::with_body(StatusCode::BAD_REQUEST, body);
    match e {
        Error::Failure(message) => bad_request(json!({ "success": false, "error": message })),
        Error::Meteor { error_type, reason } => {
            let error = if reason.is_empty() {
                format!("[{error_type}]")
            } else {
                format!("{reason} [{error_type}]")
            };
            bad_request(json!({ "success": false, "error": error, "errorType": error_type }))
        }
        Error::InvalidParams(message) => ApiError::invalid_params(&message),
        Error::Store(e) => {
            tracing::error!(error = %e, "storage failure");
            ApiError::meteor(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
                "error-internal",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_have_rocket_chat_shapes() {
        let e = error(Error::Failure("invalid-token".into()));
        assert_eq!(
            (e.status().as_u16(), e.body()),
            (400, json!({"success": false, "error": "invalid-token"}))
        );
        let e = error(Error::Meteor {
            error_type: "invalid-token",
            reason: String::new(),
        });
        assert_eq!(
            e.body(),
            json!({"success": false, "error": "[invalid-token]", "errorType": "invalid-token"})
        );
        let e = error(Error::Meteor {
            error_type: "error-invalid-token",
            reason: "Token cannot be empty".into(),
        });
        assert_eq!(
            e.body()["error"],
            "Token cannot be empty [error-invalid-token]"
        );
        let e = error(Error::InvalidParams(
            "must have required property 'label'".into(),
        ));
        assert_eq!(e.body()["errorType"], "invalid-params");
        let e = error(Error::Store(crate::storage::StoreError::Worker("x".into())));
        assert_eq!(e.status().as_u16(), 500);
    }

    #[test]
    fn visitors_omit_what_they_do_not_have() {
        let v = Visitor {
            id: "id".into(),
            token: "t".into(),
            username: "guest-1".into(),
            name: None,
            email: None,
            phone: Some("55".into()),
            department: None,
            status: "online".into(),
            ts: "ts".into(),
            updated_at: "u".into(),
            livechat_data: vec![("address".into(), "Street".into())],
        };
        let out = serde_json::to_value(registered_visitor(&v)).unwrap();
        assert_eq!(out["phone"], json!([{ "phoneNumber": "55" }]));
        assert_eq!(out["livechatData"], json!({ "address": "Street" }));
        assert!(out.get("name").is_none() && out.get("visitorEmails").is_none());
        let out = serde_json::to_value(found_visitor(&v)).unwrap();
        assert_eq!(out["livechatData"], json!({ "address": "Street" }));
        assert_eq!(
            (&out["status"], &out["ts"]),
            (&json!("online"), &json!("ts"))
        );
        assert!(out.get("department").is_none() && out.get("name").is_none());
    }
}
