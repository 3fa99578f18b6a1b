//! The error hook (`RouterConfig::with_error_hook`) and the request context
//! (`router_per_request`), on the committed crate (Rocket.Chat profile).

use std::net::SocketAddr;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use omnichannel_e2e::serve;
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::server::{
    router_per_request, router_with_config, Api, ApiError, ErrorSource, RouterConfig,
};
use serde_json::{json, Value};

struct Nothing;
impl Api for Nothing {}

async fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String, Value) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, content_type, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn the_error_hook_renders_every_router_error() {
    let config = RouterConfig::default().with_error_hook(|error| {
        let source = match &error.source {
            ErrorSource::Request => json!("request"),
            ErrorSource::Parameter(name) => json!({ "parameter": name }),
            ErrorSource::Body(pointer) => json!({ "body": pointer }),
        };
        let body = json!({
            "code": error.code,
            "message": error.message,
            "source": source,
            "operation": error.operation.map(|o| o.info.name),
        });
        (
            error.status,
            [("content-type", "application/vnd.team+json")],
            body.to_string(),
        )
            .into_response()
    });
    let base = serve(router_with_config(Nothing, config)).await;
    let auth = [("X-User-Id", "u"), ("X-Auth-Token", "t")];

    let (status, content_type, body) =
        get(&base, "/api/v1/livechat/department?count=many", &auth).await;
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/vnd.team+json")
    );
    assert_eq!(
        body,
        json!({
            "code": "invalid-params",
            "message": "must be integer",
            "source": {"parameter": "count"},
            "operation": "get_livechat_department",
        })
    );

    // Missing credentials, an unknown route and a default method go through the hook too.
    let (status, _, body) = get(&base, "/api/v1/livechat/department", &[]).await;
    assert_eq!((status, body["code"].clone()), (401, json!("unauthorized")));
    let (status, _, body) = get(&base, "/no/such/route", &[]).await;
    assert_eq!((status, body["operation"].clone()), (404, Value::Null));
    let (status, _, body) = get(&base, "/api/v1/livechat/department", &auth).await;
    assert_eq!(
        (status, body["code"].clone()),
        (501, json!("not-implemented"))
    );
    assert_eq!(body["operation"], json!("get_livechat_department"));
}

#[tokio::test]
async fn no_answer_carries_a_library_message() {
    let base = serve(router_with_config(Nothing, RouterConfig::default())).await;
    let auth = [("X-User-Id", "u"), ("X-Auth-Token", "t")];
    // Integers beyond i64 (Ajv would take them as integers): the limit, in Ajv's words.
    let (status, _, body) = get(
        &base,
        "/api/v1/livechat/department?count=-620000000000000000000000",
        &auth,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        json!("must be >= -9223372036854775808 [invalid-params]")
    );
    // The largest i64 is read exactly, not through a double.
    let (status, _, body) = get(
        &base,
        "/api/v1/livechat/department?count=9223372036854775807",
        &auth,
    )
    .await;
    assert_eq!(
        (status, body["errorType"].clone()),
        (501, json!("not-implemented"))
    );
    // Malformed JSON: where, in this crate's words.
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/livechat/custom.fields"))
        .header("content-type", "application/json")
        .body("{\"token\": tru")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"],
        json!("the request body is not valid JSON (line 1, column 13) [invalid-json]")
    );
}

/// An implementation made per request: what middleware and the connection said.
struct Scoped {
    user: Option<String>,
    request_id: Option<String>,
    peer: Option<SocketAddr>,
}

/// What an authentication middleware leaves in the request's extensions.
#[derive(Clone)]
struct User(String);

impl Api for Scoped {
    async fn get_livechat_visitor_token(
        &self,
        input: GetLivechatVisitorTokenInput,
    ) -> Result<GetLivechatVisitorTokenResponse, ApiError> {
        Err(ApiError::with_body(
            StatusCode::OK,
            json!({
                "token": input.token,
                "user": self.user,
                "request_id": self.request_id,
                "peer_is_local": self.peer.is_some_and(|p| p.ip().is_loopback()),
            }),
        ))
    }
}

#[tokio::test]
async fn handlers_read_the_request_context() {
    // This test serves the router itself (with the peer address), so it installs the TLS
    // provider the generated client uses, as `omnichannel_e2e::serve` does.
    rocketchat_omnichannel::client::install_crypto_provider();
    let router = router_per_request(
        |context| Scoped {
            user: context.extensions().get::<User>().map(|u| u.0.clone()),
            request_id: context
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            peer: context.peer_addr(),
        },
        RouterConfig::default(),
    )
    .layer(axum::Extension(User("alice".into())));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    let (status, _, body) = get(
        &base,
        "/api/v1/livechat/visitor/abc",
        &[("x-request-id", "r-1")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"token": "abc", "user": "alice", "request_id": "r-1", "peer_is_local": true})
    );
}
