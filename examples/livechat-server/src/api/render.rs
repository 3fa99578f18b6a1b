//! Rocket.Chat's JSON shapes for visitors and custom fields, and the error answers.
//!
//! Most answers use the generated models. Three cannot: the generated structs keep only the
//! properties the spec lists (no `additionalProperties` catch-all), while Rocket.Chat sends
//! more — `livechatData` with any keys, `status`/`ts`/`department` on `GET visitor/{token}`, the
//! `_id` of a new custom field, and `customField: null`. Those are built here as JSON and sent
//! through [`ApiError::with_body`], the generated crate's escape hatch.

use axum::http::StatusCode;
use rocketchat_omnichannel::models::GetLivechatCustomFieldsOkCustomFieldsItem;
use rocketchat_omnichannel::server::ApiError;
use serde_json::{json, Map, Value};

use crate::livechat::Error;
use crate::storage::custom_fields::CustomField;
use crate::storage::visitors::Visitor;

/// A 200 answer with a body the generated model cannot carry (see the module docs).
pub fn ok_json(body: Value) -> ApiError {
    ApiError::with_body(StatusCode::OK, body)
}

/// A visitor as Rocket.Chat serializes the document.
pub fn visitor(v: &Visitor) -> Value {
    let mut out = Map::new();
    out.insert("_id".into(), json!(v.id));
    out.insert("token".into(), json!(v.token));
    out.insert("username".into(), json!(v.username));
    if let Some(name) = &v.name {
        out.insert("name".into(), json!(name));
    }
    if let Some(email) = &v.email {
        out.insert("visitorEmails".into(), json!([{ "address": email }]));
    }
    if let Some(phone) = &v.phone {
        out.insert("phone".into(), json!([{ "phoneNumber": phone }]));
    }
    if let Some(department) = &v.department {
        out.insert("department".into(), json!(department));
    }
    out.insert("status".into(), json!(v.status));
    out.insert("ts".into(), json!(v.ts));
    out.insert("_updatedAt".into(), json!(v.updated_at));
    if !v.livechat_data.is_empty() {
        let data: Map<String, Value> = v
            .livechat_data
            .iter()
            .map(|(k, val)| (k.clone(), json!(val)))
            .collect();
        out.insert("livechatData".into(), Value::Object(data));
    }
    Value::Object(out)
}

/// A stored custom field definition, in the generated list/item model.
pub fn custom_field(f: CustomField) -> GetLivechatCustomFieldsOkCustomFieldsItem {
    GetLivechatCustomFieldsOkCustomFieldsItem {
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
    }
}

/// What `custom-fields.save` answers: the attributes it set, plus `_id` for a new field.
pub fn saved_custom_field(f: &CustomField, created: bool) -> Value {
    let mut out = Map::new();
    out.insert("label".into(), json!(f.label));
    out.insert("scope".into(), json!(f.scope));
    out.insert("visibility".into(), json!(f.visibility));
    let optional = [
        ("type", f.type_.as_ref().map(|v| json!(v))),
        ("regexp", f.regexp.as_ref().map(|v| json!(v))),
        ("required", f.required.map(|v| json!(v))),
        ("defaultValue", f.default_value.as_ref().map(|v| json!(v))),
        ("options", f.options.as_ref().map(|v| json!(v))),
        ("public", f.public.map(|v| json!(v))),
        ("searchable", f.searchable.map(|v| json!(v))),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            out.insert(key.into(), value);
        }
    }
    if created {
        out.insert("_id".into(), json!(f.id));
    }
    out.insert("_updatedAt".into(), json!(f.updated_at));
    Value::Object(out)
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
        let out = visitor(&v);
        assert_eq!(out["phone"], json!([{ "phoneNumber": "55" }]));
        assert_eq!(out["livechatData"], json!({ "address": "Street" }));
        assert!(out.get("name").is_none() && out.get("visitorEmails").is_none());
    }
}
