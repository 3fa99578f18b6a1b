//! Bodies whose type enforces every rule of the spec are decoded directly; the answers must be
//! exactly those of full validation, including for the values a direct decode would let pass.

use omnichannel_e2e::serve;
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::server::{router, Api, ApiError};
use serde_json::{json, Value};

/// Echoes the visitor's token, so a test sees what the handler received.
struct Echo;

impl Api for Echo {
    async fn post_livechat_visitor(
        &self,
        input: PostLivechatVisitorInput,
    ) -> Result<PostLivechatVisitorResponse, ApiError> {
        Err(ApiError::with_body(
            axum::http::StatusCode::OK,
            json!({ "token": input.body.visitor.token, "name": input.body.visitor.name }),
        ))
    }
}

async fn post(base: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

#[tokio::test]
async fn null_is_read_as_rocket_chat_reads_it_not_as_absent() {
    let base = serve(router(Echo)).await;
    // `name` is optional and not nullable. A direct decode would read `null` as absent;
    // Rocket.Chat's validator (Ajv, coerceTypes) turns it into "" for a string.
    let (status, body) = post(
        &base,
        "/api/v1/livechat/visitor",
        json!({"visitor": {"token": "t1", "name": null}}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"token": "t1", "name": ""})));
    // Where coercion cannot help, null is refused with Ajv's wording.
    let (status, body) = post(
        &base,
        "/api/v1/livechat/visitor",
        json!({"visitor": {"token": "t1", "customFields": null}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], json!("must be array [invalid-params]"));
    assert_eq!(body["errorType"], json!("invalid-params"));
}

#[tokio::test]
async fn bodies_that_need_coercion_or_fail_take_the_validating_path() {
    let base = serve(router(Echo)).await;
    // A number where a string belongs is coerced, as Rocket.Chat's validator does.
    let (status, body) = post(
        &base,
        "/api/v1/livechat/visitor",
        json!({"visitor": {"token": 42, "name": "Ann"}}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"token": "42", "name": "Ann"})));
    // A missing required member gets Ajv's wording.
    let (status, body) = post(&base, "/api/v1/livechat/visitor", json!({"visitor": {}})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        json!("must have required property 'token' [invalid-params]")
    );
    // A body that decodes directly reaches the handler unchanged.
    let (status, body) = post(
        &base,
        "/api/v1/livechat/visitor",
        json!({"visitor": {"token": "t2", "name": "Bo", "unknown": [1, 2]}}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"token": "t2", "name": "Bo"})));
}
