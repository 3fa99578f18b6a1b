//! The seed operation, `POST /api/v1/livechat/custom.fields`, through the generated router
//! and client: typed success, and the page's two 400 examples reproduced word for word.

use omnichannel_e2e::{seed, serve};
use rocketchat_omnichannel::client::Client;
use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::server::{router, Api, ApiError};
use serde_json::{json, Value};

/// Implements the seed operation only: every field is applied.
struct Seed;

impl Api for Seed {
    async fn post_livechat_custom_fields(
        &self,
        input: PostLivechatCustomFieldsInput,
    ) -> Result<PostLivechatCustomFieldsResponse, ApiError> {
        // The body type is not optional: an absent body fails validation before the handler.
        let body = input.body;
        let fields = body
            .custom_fields
            .into_iter()
            .map(|f| PostLivechatCustomFieldsOkFieldsItem {
                key: Some(f.key),
                value: Some(f.value),
                overwrite: Some(f.overwrite),
                additional_properties: Default::default(),
            })
            .collect();
        Ok(PostLivechatCustomFieldsResponse::Ok(
            PostLivechatCustomFieldsOk {
                fields: Some(fields),
                success: Some(true),
                additional_properties: Default::default(),
            },
        ))
    }
}

fn seed_examples(status: &str) -> Vec<Value> {
    let doc = seed();
    let pointer = if status == "request" {
        "/paths/~1api~1v1~1livechat~1custom.fields/post/requestBody/content/application~1json/examples".to_owned()
    } else {
        format!("/paths/~1api~1v1~1livechat~1custom.fields/post/responses/{status}/content/application~1json/examples")
    };
    doc.pointer(&pointer)
        .and_then(Value::as_object)
        .expect("examples")
        .values()
        .map(|e| e["value"].clone())
        .collect()
}

#[tokio::test]
async fn seed_request_gets_a_typed_answer() {
    let base = serve(router(Seed)).await;
    let client = Client::new(&base);
    let input = PostLivechatCustomFieldsInput {
        body: PostLivechatCustomFieldsBody {
            token: "iNKE8a6k6cjbqWhWd".into(),
            custom_fields: vec![PostLivechatCustomFieldsBodyCustomFieldsItem {
                key: "address".into(),
                value: "Rocket.Chat Avenue".into(),
                overwrite: true,
                additional_properties: Default::default(),
            }],
            additional_properties: Default::default(),
        },
    };
    match client
        .post_livechat_custom_fields(&input)
        .await
        .expect("call succeeds")
        .into_inner()
    {
        PostLivechatCustomFieldsResponse::Ok(ok) => {
            assert_eq!(ok.success, Some(true));
            let fields = ok.fields.expect("fields");
            assert_eq!(fields[0].key.as_deref(), Some("address"));
            assert_eq!(fields[0].overwrite, Some(true));
        }
        other => panic!("expected 200, got {other:?}"),
    }
}

#[tokio::test]
async fn seed_page_request_with_string_boolean_is_accepted_like_rocket_chat() {
    // The page's own example sends `"overwrite": "true"`; Rocket.Chat's validator coerces it.
    let base = serve(router(Seed)).await;
    let body = seed_examples("request").remove(0);
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/livechat/custom.fields"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["fields"][0]["overwrite"], json!(true));
}

/// The page's 400 examples write `"success": "false"` (a string); Rocket.Chat sends `false`.
fn expected_400(example: &Value) -> Value {
    json!({"success": false, "error": example["error"], "errorType": example["errorType"]})
}

#[tokio::test]
async fn seed_400_examples_are_reproduced_exactly() {
    let base = serve(router(Seed)).await;
    let examples = seed_examples("400");
    assert_eq!(examples.len(), 2);
    // Example 1: no token. Example 2: a custom field without its key.
    let requests = [
        json!({"customFields": [{"key": "address", "value": "x", "overwrite": true}]}),
        json!({"token": "iNKE8a6k6cjbqWhWd", "customFields": [{"value": "x", "overwrite": true}]}),
    ];
    for (request, example) in requests.iter().zip(&examples) {
        let response = reqwest::Client::new()
            .post(format!("{base}/api/v1/livechat/custom.fields"))
            .json(request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, expected_400(example), "request {request}");
    }
    // An empty body reports the first missing property, as Rocket.Chat does.
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/livechat/custom.fields"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        expected_400(&examples[0])
    );
}

#[tokio::test]
async fn type_errors_use_ajv_wording() {
    let base = serve(router(Seed)).await;
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/livechat/custom.fields"))
        .json(&json!({"token": {"not": "a string"}, "customFields": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], json!("must be string [invalid-params]"));
    // Numbers are coerced to strings, as Rocket.Chat's validator (Ajv, coerceTypes) does.
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/livechat/custom.fields"))
        .json(&json!({"token": 5, "customFields": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}
