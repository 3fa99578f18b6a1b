//! The generated router's answers to requests that never reach a handler.

use omnichannel_e2e::serve;
use rocketchat_omnichannel::client::Client;
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::server::{router, router_with_config, Api, RouterConfig};
use serde_json::{json, Value};

/// Expected status, method, path, and an optional body with its content type.
type Case<'a> = (u16, reqwest::Method, &'a str, Option<(&'a str, Vec<u8>)>);

struct Nothing;
impl Api for Nothing {}

async fn call(
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{base}{path}"));
    if let Some((content_type, bytes)) = body {
        request = request.header("content-type", content_type).body(bytes);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.json().await.expect("every answer is JSON");
    (status, body)
}

fn rocket_chat_shaped(body: &Value) -> bool {
    body["success"] == json!(false) && body["error"].is_string() && body["errorType"].is_string()
}

#[tokio::test]
async fn client_mistakes_get_json_4xx_answers() {
    let base = serve(router_with_config(
        Nothing,
        RouterConfig {
            body_limit: 1024,
            ..RouterConfig::default()
        },
    ))
    .await;
    let post = reqwest::Method::POST;
    let cases: Vec<Case> = vec![
        (404, reqwest::Method::GET, "/no/such/route", None),
        (
            405,
            reqwest::Method::DELETE,
            "/api/v1/livechat/custom.fields",
            None,
        ),
        (
            400,
            post.clone(),
            "/api/v1/livechat/custom.fields",
            Some(("application/json", b"{not json".to_vec())),
        ),
        (
            415,
            post.clone(),
            "/api/v1/livechat/custom.fields",
            Some(("text/plain", b"token=x".to_vec())),
        ),
        (
            413,
            post.clone(),
            "/api/v1/livechat/custom.fields",
            Some(("application/json", vec![b' '; 4096])),
        ),
        (
            400,
            post.clone(),
            "/api/v1/livechat/custom.fields",
            Some(("application/json", b"[]".to_vec())),
        ),
    ];
    for (status, method, path, body) in cases {
        let (got, answer) = call(&base, method.clone(), path, body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        assert!(rocket_chat_shaped(&answer), "{method} {path}: {answer}");
    }
}

#[tokio::test]
async fn missing_credentials_get_the_documented_401() {
    let base = serve(router(Nothing)).await;
    let (status, body) = call(
        &base,
        reqwest::Method::GET,
        "/api/v1/livechat/department",
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"status": "error", "message": "You must be logged in to do this."})
    );
    // The typed client reports it as the documented variant.
    match Client::new(&base)
        .get_livechat_department(&GetLivechatDepartmentInput::default())
        .await
        .unwrap()
        .into_inner()
    {
        GetLivechatDepartmentResponse::Unauthorized(_) => {}
        other => panic!("expected 401, got {other:?}"),
    }
    // With credentials, the default implementation answers 501.
    let client = Client::new(&base).with_credentials(Credentials {
        user_id: "u".into(),
        auth_token: "t".into(),
    });
    match client
        .get_livechat_department(&GetLivechatDepartmentInput::default())
        .await
    {
        Err(rocketchat_omnichannel::client::ClientError::UnexpectedStatus {
            status: 501,
            body,
        }) => {
            let body: Value = serde_json::from_str(&body).unwrap();
            assert!(rocket_chat_shaped(&body), "{body}");
        }
        other => panic!("expected 501, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_query_parameters_are_invalid_params() {
    let base = serve(router(Nothing)).await;
    let client = reqwest::Client::new();
    let response = client
        .get(format!("{base}/api/v1/livechat/department?count=many"))
        .header("X-User-Id", "u")
        .header("X-Auth-Token", "t")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errorType"], json!("invalid-params"));
    assert!(
        body["error"].as_str().unwrap().starts_with("must be"),
        "{body}"
    );
}

/// Accepts only the token `good`.
struct Guarded;
impl Api for Guarded {
    async fn authenticate(
        &self,
        credentials: &Credentials,
    ) -> Result<(), rocketchat_omnichannel::server::ApiError> {
        if credentials.auth_token == "good" {
            Ok(())
        } else {
            Err(rocketchat_omnichannel::server::ApiError::with_body(
                axum::http::StatusCode::UNAUTHORIZED,
                json!({"status": "error", "message": "You must be logged in to do this."}),
            ))
        }
    }
}

#[tokio::test]
async fn credentials_are_checked_before_the_request_is_validated() {
    let base = serve(router(Guarded)).await;
    let send = |token: &'static str| {
        let base = base.clone();
        async move {
            let response = reqwest::Client::new()
                .post(format!("{base}/api/v1/livechat/custom-fields.save"))
                .header("X-User-Id", "u")
                .header("X-Auth-Token", token)
                .json(&json!([]))
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    // Bad credentials and a bad body: 401, as Rocket.Chat answers.
    let (status, body) = send("bad").await;
    assert_eq!(status, 401);
    assert_eq!(body["message"], json!("You must be logged in to do this."));
    // Good credentials and the same bad body: the validation error.
    let (status, body) = send("good").await;
    assert_eq!(status, 400);
    assert_eq!(body["errorType"], json!("invalid-params"));
}

/// Records the `sort` it receives.
struct Sorts(std::sync::Mutex<Vec<Option<Value>>>);
impl Api for Sorts {
    async fn get_livechat_custom_fields(
        &self,
        _credentials: Credentials,
        input: GetLivechatCustomFieldsInput,
    ) -> Result<GetLivechatCustomFieldsResponse, rocketchat_omnichannel::server::ApiError> {
        self.0.lock().unwrap().push(input.sort);
        Ok(GetLivechatCustomFieldsResponse::Ok(Default::default()))
    }
}

#[tokio::test]
async fn a_typeless_query_parameter_travels_as_json_text() {
    // Rocket.Chat's `sort` has no type; it is sent as `sort={"label":1}`.
    let sorts = std::sync::Arc::new(Sorts(Default::default()));
    struct Shared(std::sync::Arc<Sorts>);
    impl Api for Shared {
        async fn get_livechat_custom_fields(
            &self,
            credentials: Credentials,
            input: GetLivechatCustomFieldsInput,
        ) -> Result<GetLivechatCustomFieldsResponse, rocketchat_omnichannel::server::ApiError>
        {
            self.0.get_livechat_custom_fields(credentials, input).await
        }
    }
    let base = serve(router(Shared(sorts.clone()))).await;
    let client = Client::new(&base).with_credentials(Credentials {
        user_id: "u".into(),
        auth_token: "t".into(),
    });
    for sort in [Some(json!({"label": 1})), Some(json!("label")), None] {
        let input = GetLivechatCustomFieldsInput {
            sort: sort.clone(),
            ..Default::default()
        };
        client
            .get_livechat_custom_fields(&input)
            .await
            .expect("answered")
            .into_inner();
    }
    assert_eq!(
        *sorts.0.lock().unwrap(),
        vec![Some(json!({"label": 1})), Some(json!("label")), None]
    );
}
