//! Black-box tests of the custom field rules, over HTTP with the generated client.

mod common;

use common::*;
use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;
use serde_json::json;

#[tokio::test]
async fn the_seed_request_sets_the_value_and_answers_with_capital_key() {
    let server = TestServer::memory().await;
    let admin = server.admin();
    define(&admin, field_data("address", "visitor")).await;
    register(&admin, "iNKE8a6k6cjbqWhWd").await;

    // The seed's example body, verbatim: `overwrite` is the string "true", which Rocket.Chat's
    // validator (and the generated router) coerces to a boolean.
    let seed = json!({
        "token": "iNKE8a6k6cjbqWhWd",
        "customFields": [{ "key": "address", "value": "Rocket.Chat Avenue", "overwrite": "true" }]
    });
    let (status, body) = server
        .raw("POST", "/api/v1/livechat/custom.fields", Some(seed))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "fields": [{ "Key": "address", "value": "Rocket.Chat Avenue", "overwrite": true }],
            "success": true
        })
    );

    // The typed client reads the same answer.
    let response = send_fields(
        &admin,
        "iNKE8a6k6cjbqWhWd",
        vec![item("address", "Second Street", true)],
    )
    .await;
    let PostLivechatCustomFieldsResponse::Ok(ok) = response else {
        panic!("{response:?}")
    };
    assert_eq!(ok.success, Some(true));
    let fields = ok.fields.unwrap();
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].key.as_deref(), Some("address"));
    assert_eq!(fields[0].value.as_deref(), Some("Second Street"));
    assert_eq!(fields[0].overwrite, Some(true));
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_token_is_invalid_token() {
    let server = TestServer::memory().await;
    let client = server.anonymous();
    define(&server.admin(), field_data("address", "visitor")).await;
    let error =
        bad_request_error(send_fields(&client, "nobody", vec![item("address", "x", true)]).await);
    assert_eq!(error, "invalid-token");
    let (_, body) = server
        .raw(
            "POST",
            "/api/v1/livechat/custom.fields",
            Some(json!({ "token": "nobody", "customFields": [{ "key": "address", "value": "x", "overwrite": true }] })),
        )
        .await;
    assert_eq!(
        body,
        json!({ "success": false, "error": "invalid-token" }),
        "exactly Rocket.Chat's body"
    );

    let single = client
        .post_livechat_custom_field(&PostLivechatCustomFieldInput {
            body: PostLivechatCustomFieldBody {
                key: "address".into(),
                overwrite: true,
                token: "nobody".into(),
                value: "x".into(),
                additional_properties: Default::default(),
            },
        })
        .await
        .unwrap()
        .into_inner();
    let PostLivechatCustomFieldResponse::BadRequest(b) = single else {
        panic!("{single:?}")
    };
    assert_eq!(b.error.as_deref(), Some("invalid-token"));
    server.stop().await;
}

#[tokio::test]
async fn every_key_must_be_a_defined_field_and_nothing_is_written_otherwise() {
    let server = TestServer::memory().await;
    let client = server.admin();
    define(&client, field_data("address", "visitor")).await;
    register(&client, "tok").await;

    let error = bad_request_error(
        send_fields(
            &client,
            "tok",
            vec![
                item("address", "Street", true),
                item("shoe-size", "42", true),
            ],
        )
        .await,
    );
    assert_eq!(error, "invalid-custom-field");
    assert_eq!(
        livechat_data(&server, "tok").await,
        serde_json::Value::Null,
        "all or nothing"
    );

    let error = bad_request_error(send_fields(&client, "tok", vec![]).await);
    assert_eq!(
        error, "invalid-custom-field",
        "an empty list names no defined field"
    );
    server.stop().await;
}

#[tokio::test]
async fn values_must_match_the_field_regexp() {
    let server = TestServer::memory().await;
    let client = server.admin();
    define(
        &client,
        PostLivechatCustomFieldsSaveBodyCustomFieldData {
            regexp: Some("^[0-9]{5}$".into()),
            ..field_data("zip", "visitor")
        },
    )
    .await;
    define(
        &client,
        PostLivechatCustomFieldsSaveBodyCustomFieldData {
            regexp: Some(String::new()),
            ..field_data("note", "visitor")
        },
    )
    .await;
    register(&client, "tok").await;

    let error =
        bad_request_error(send_fields(&client, "tok", vec![item("zip", "9021", true)]).await);
    assert_eq!(error, "Invalid value for zip field");
    let error = bad_request_error(
        send_fields(
            &client,
            "tok",
            vec![item("note", "anything", true), item("zip", "abcde", true)],
        )
        .await,
    );
    assert_eq!(error, "Invalid value for zip field");
    assert_eq!(livechat_data(&server, "tok").await, serde_json::Value::Null);

    let ok = send_fields(
        &client,
        "tok",
        vec![item("zip", "90210", true), item("note", "anything", true)],
    )
    .await;
    assert!(
        matches!(ok, PostLivechatCustomFieldsResponse::Ok(_)),
        "{ok:?}"
    );
    assert_eq!(
        livechat_data(&server, "tok").await,
        json!({ "zip": "90210", "note": "anything" })
    );

    // The single-value endpoint applies the same rule.
    let single = client
        .post_livechat_custom_field(&PostLivechatCustomFieldInput {
            body: PostLivechatCustomFieldBody {
                key: "zip".into(),
                overwrite: true,
                token: "tok".into(),
                value: "x".into(),
                additional_properties: Default::default(),
            },
        })
        .await
        .unwrap()
        .into_inner();
    let PostLivechatCustomFieldResponse::BadRequest(b) = single else {
        panic!("{single:?}")
    };
    assert_eq!(b.error.as_deref(), Some("Invalid value for zip field"));
    server.stop().await;
}

#[tokio::test]
async fn required_visitor_fields_must_be_present() {
    let server = TestServer::memory().await;
    let client = server.admin();
    define(&client, field_data("address", "visitor")).await;
    define(
        &client,
        PostLivechatCustomFieldsSaveBodyCustomFieldData {
            required: Some(true),
            ..field_data("email2", "visitor")
        },
    )
    .await;
    define(
        &client,
        PostLivechatCustomFieldsSaveBodyCustomFieldData {
            required: Some(true),
            ..field_data("phone2", "visitor")
        },
    )
    .await;
    // Required but hidden, or required but room-scoped: not asked of visitors.
    define(
        &client,
        PostLivechatCustomFieldsSaveBodyCustomFieldData {
            required: Some(true),
            visibility: Some("hidden".into()),
            ..field_data("internal", "visitor")
        },
    )
    .await;
    define(
        &client,
        PostLivechatCustomFieldsSaveBodyCustomFieldData {
            required: Some(true),
            ..field_data("topic", "room")
        },
    )
    .await;
    register(&client, "tok").await;

    let error =
        bad_request_error(send_fields(&client, "tok", vec![item("address", "Street", true)]).await);
    assert_eq!(error, "Missing required custom fields: email2, phone2");
    let error = bad_request_error(
        send_fields(
            &client,
            "tok",
            vec![
                item("address", "Street", true),
                item("email2", "a@b.c", true),
            ],
        )
        .await,
    );
    assert_eq!(error, "Missing required custom fields: phone2");
    assert_eq!(livechat_data(&server, "tok").await, serde_json::Value::Null);

    let ok = send_fields(
        &client,
        "tok",
        vec![
            item("address", "Street", true),
            item("email2", "a@b.c", true),
            item("phone2", "555", true),
        ],
    )
    .await;
    assert!(
        matches!(ok, PostLivechatCustomFieldsResponse::Ok(_)),
        "{ok:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn overwrite_false_never_replaces_a_value() {
    let server = TestServer::memory().await;
    let client = server.admin();
    define(&client, field_data("address", "visitor")).await;
    define(&client, field_data("city", "visitor")).await;
    register(&client, "tok").await;

    // Not set yet: overwrite false sets it.
    let r = send_fields(&client, "tok", vec![item("address", "First", false)]).await;
    assert!(matches!(r, PostLivechatCustomFieldsResponse::Ok(_)));
    // Set: overwrite false keeps it, but the answer still lists the field as sent.
    let r = send_fields(
        &client,
        "tok",
        vec![
            item("address", "Second", false),
            item("city", "Porto", false),
        ],
    )
    .await;
    let PostLivechatCustomFieldsResponse::Ok(ok) = r else {
        panic!("{r:?}")
    };
    let answered: Vec<_> = ok
        .fields
        .unwrap()
        .into_iter()
        .map(|f| (f.key.unwrap(), f.value.unwrap(), f.overwrite.unwrap()))
        .collect();
    assert_eq!(
        answered,
        [
            ("address".into(), "Second".into(), false),
            ("city".into(), "Porto".into(), false)
        ]
    );
    assert_eq!(
        livechat_data(&server, "tok").await,
        json!({ "address": "First", "city": "Porto" })
    );
    // An empty value is a value too.
    send_fields(&client, "tok", vec![item("city", "", true)]).await;
    send_fields(&client, "tok", vec![item("city", "Lisbon", false)]).await;
    assert_eq!(
        livechat_data(&server, "tok").await,
        json!({ "address": "First", "city": "" })
    );
    // overwrite true replaces.
    send_fields(&client, "tok", vec![item("address", "Third", true)]).await;
    assert_eq!(livechat_data(&server, "tok").await["address"], "Third");

    // The same rule on the single-value endpoint, which echoes the field.
    let single = client
        .post_livechat_custom_field(&PostLivechatCustomFieldInput {
            body: PostLivechatCustomFieldBody {
                key: "address".into(),
                overwrite: false,
                token: "tok".into(),
                value: "Fourth".into(),
                additional_properties: Default::default(),
            },
        })
        .await
        .unwrap()
        .into_inner();
    let PostLivechatCustomFieldResponse::Ok(ok) = single else {
        panic!("{single:?}")
    };
    assert_eq!(
        ok,
        PostLivechatCustomFieldOk {
            field: Some(PostLivechatCustomFieldOkField {
                key: Some("address".into()),
                overwrite: Some(false),
                value: Some("Fourth".into()),
                additional_properties: Default::default(),
            }),
            success: Some(true),
            additional_properties: Default::default(),
        }
    );
    assert_eq!(livechat_data(&server, "tok").await["address"], "Third");
    server.stop().await;
}

#[tokio::test]
async fn room_fields_are_answered_first_and_not_stored_on_the_visitor() {
    let server = TestServer::memory().await;
    let client = server.admin();
    define(&client, field_data("address", "visitor")).await;
    define(&client, field_data("topic", "room")).await;
    register(&client, "tok").await;

    let r = send_fields(
        &client,
        "tok",
        vec![
            item("address", "Street", true),
            item("topic", "billing", true),
        ],
    )
    .await;
    let PostLivechatCustomFieldsResponse::Ok(ok) = r else {
        panic!("{r:?}")
    };
    let keys: Vec<_> = ok
        .fields
        .unwrap()
        .into_iter()
        .map(|f| f.key.unwrap())
        .collect();
    assert_eq!(keys, ["topic", "address"]);
    assert_eq!(
        livechat_data(&server, "tok").await,
        json!({ "address": "Street" })
    );
    server.stop().await;
}

#[tokio::test]
async fn definitions_can_be_created_listed_read_updated_and_deleted() {
    let server = TestServer::memory().await;
    let client = server.admin();
    for name in ["zeta", "alpha", "mid_dle", "beta-2"] {
        define(&client, field_data(name, "visitor")).await;
    }

    // Create answers the attributes it set, with the new `_id`.
    let (status, body) = server
        .raw(
            "POST",
            "/api/v1/livechat/custom-fields.save",
            Some(json!({ "customFieldData": {
                "field": "address", "label": "Address", "scope": "visitor", "visibility": "visible",
                "regexp": "", "required": false, "type": "input", "public": true, "searchable": true
            }})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let field = &body["customField"];
    assert_eq!(field["_id"], "address");
    assert_eq!(field["label"], "Address");
    assert_eq!(field["type"], "input");
    assert!(field["_updatedAt"].as_str().unwrap().ends_with('Z'));
    assert!(
        field.get("defaultValue").is_none(),
        "attributes not sent are not answered"
    );

    // Creating it again, or with a bad name, fails; so does updating an unknown id.
    for (body, error) in [
        (
            json!({ "customFieldData": { "field": "address", "label": "A", "scope": "visitor", "visibility": "visible" } }),
            "Custom Field already exists",
        ),
        (
            json!({ "customFieldData": { "field": "bad name", "label": "A", "scope": "visitor", "visibility": "visible" } }),
            "Invalid custom field name. Use only letters, numbers, hyphens and underscores.",
        ),
        (
            json!({ "customFieldId": "ghost", "customFieldData": { "label": "A", "scope": "visitor", "visibility": "visible" } }),
            "Custom Field Not found",
        ),
    ] {
        let (status, answer) = server
            .raw("POST", "/api/v1/livechat/custom-fields.save", Some(body))
            .await;
        assert_eq!(
            (status, answer),
            (400, json!({ "success": false, "error": error }))
        );
    }
    let (status, answer) = server
        .raw("POST", "/api/v1/livechat/custom-fields.save", Some(json!({ "customFieldData": { "field": "x", "scope": "visitor", "visibility": "visible" } })))
        .await;
    assert_eq!(status, 400);
    assert_eq!(answer["errorType"], "invalid-params");
    assert_eq!(
        answer["error"],
        "must have required property 'label' [invalid-params]"
    );

    // Update: attributes not sent are kept.
    let (status, body) = server
        .raw(
            "POST",
            "/api/v1/livechat/custom-fields.save",
            Some(json!({ "customFieldId": "address", "customFieldData": {
                "label": "Street address", "scope": "visitor", "visibility": "hidden", "regexp": "^[A-Z]"
            }})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["customField"].get("_id").is_none(),
        "an update answers what it set"
    );

    let read = client
        .get_livechat_custom_fields_id(&GetLivechatCustomFieldsIdInput {
            id: "address".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let GetLivechatCustomFieldsIdResponse::Ok(ok) = read else {
        panic!("{read:?}")
    };
    let f = ok.custom_field.unwrap();
    assert_eq!(f.id.as_deref(), Some("address"));
    assert_eq!(f.label.as_deref(), Some("Street address"));
    assert_eq!(f.visibility.as_deref(), Some("hidden"));
    assert_eq!(f.regexp.as_deref(), Some("^[A-Z]"));
    assert_eq!(f.type_.as_deref(), Some("input"), "kept from creation");

    // An unknown id is `customField: null`, as Rocket.Chat answers.
    let (status, body) = server
        .raw("GET", "/api/v1/livechat/custom-fields/ghost", None)
        .await;
    assert_eq!(
        (status, body),
        (200, json!({ "customField": null, "success": true }))
    );

    // List: sorted by label, paged, filtered.
    let list = |input: GetLivechatCustomFieldsInput| {
        let client = client.clone();
        async move {
            match client
                .get_livechat_custom_fields(&input)
                .await
                .unwrap()
                .into_inner()
            {
                GetLivechatCustomFieldsResponse::Ok(ok) => {
                    let ids: Vec<String> = ok
                        .custom_fields
                        .unwrap()
                        .into_iter()
                        .map(|f| f.id.unwrap())
                        .collect();
                    assert_eq!(ok.count, Some(ids.len() as i64));
                    assert_eq!(ok.success, Some(true));
                    (ids, ok.offset.unwrap(), ok.total.unwrap())
                }
                other => panic!("{other:?}"),
            }
        }
    };
    let all = list(GetLivechatCustomFieldsInput::default()).await;
    // Labels compare like MongoDB's default (binary) collation: "Street address" comes first.
    assert_eq!(
        all,
        (
            vec![
                "address".into(),
                "alpha".into(),
                "beta-2".into(),
                "mid_dle".into(),
                "zeta".into()
            ],
            0,
            5
        )
    );
    let page = list(GetLivechatCustomFieldsInput {
        offset: Some(1),
        count: Some(2),
        ..Default::default()
    })
    .await;
    assert_eq!(page, (vec!["alpha".into(), "beta-2".into()], 1, 5));
    let found = list(GetLivechatCustomFieldsInput {
        text: Some("ET".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        found,
        (vec!["address".into(), "beta-2".into(), "zeta".into()], 0, 3),
        "label or _id, any case"
    );
    // `sort` is a JSON object in the query string; the generated client sends a string as is.
    let sorted = list(GetLivechatCustomFieldsInput {
        sort: Some(json!(r#"{"_id":-1}"#)),
        count: Some(2),
        ..Default::default()
    })
    .await;
    assert_eq!(sorted.0, ["zeta", "mid_dle"]);
    let (status, body) = server
        .raw("GET", "/api/v1/livechat/custom-fields?sort=label", None)
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errorType"], "error-invalid-sort");

    // Delete, then again.
    let delete = |id: &str| {
        let client = client.clone();
        let input = PostLivechatCustomFieldsDeleteInput {
            body: PostLivechatCustomFieldsDeleteBody {
                custom_field_id: id.into(),
                additional_properties: Default::default(),
            },
        };
        async move { client.post_livechat_custom_fields_delete(&input).await }
    };
    let r = delete("zeta").await.unwrap();
    assert_eq!(
        r,
        PostLivechatCustomFieldsDeleteResponse::Ok(TrueSuccess {
            success: Some(true),
            additional_properties: Default::default(),
        })
    );
    let r = delete("zeta").await.unwrap().into_inner();
    let PostLivechatCustomFieldsDeleteResponse::BadRequest(b) = r else {
        panic!("{r:?}")
    };
    assert_eq!(b.error.as_deref(), Some("Custom field not found"));
    assert_eq!(list(GetLivechatCustomFieldsInput::default()).await.2, 4);
    server.stop().await;
}
