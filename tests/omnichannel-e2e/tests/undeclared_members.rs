//! Members a schema does not list survive client → router → handler → router → client, and a
//! JSON array is never read as an object.

use std::collections::BTreeMap;

use omnichannel_e2e::serve;
use rocketchat_omnichannel::client::Client;
use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::server::{router, Api, ApiError};
use serde_json::{json, Value};

/// Answers a registration with what it received, the unlisted members included.
struct Echo;

impl Api for Echo {
    async fn post_livechat_visitor(
        &self,
        input: PostLivechatVisitorInput,
    ) -> Result<PostLivechatVisitorResponse, ApiError> {
        let got = input.body.visitor;
        let mut unlisted = got.additional_properties;
        unlisted.insert("department".into(), json!(got.department));
        Ok(PostLivechatVisitorResponse::Ok(PostLivechatVisitorOk {
            success: Some(true),
            visitor: Some(PostLivechatVisitorOkVisitor {
                token: Some(got.token),
                name: got.name,
                additional_properties: unlisted,
                ..Default::default()
            }),
            // The body's own unlisted members, answered beside `success`.
            additional_properties: input.body.additional_properties,
        }))
    }

    async fn post_livechat_agent_status(
        &self,
        _credentials: Credentials,
        _input: PostLivechatAgentStatusInput,
    ) -> Result<PostLivechatAgentStatusResponse, ApiError> {
        Err(ApiError::invalid_params("the handler was reached"))
    }

    async fn post_livechat_custom_fields_save(
        &self,
        _credentials: Credentials,
        _input: PostLivechatCustomFieldsSaveInput,
    ) -> Result<PostLivechatCustomFieldsSaveResponse, ApiError> {
        Err(ApiError::invalid_params("the handler was reached"))
    }
}

fn members(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

#[tokio::test]
async fn unlisted_members_reach_the_handler_and_come_back_to_the_client() {
    let base = serve(router(Echo)).await;
    let client = Client::new(&base);
    let livechat_data = json!({"address": "Street 1", "floor": 3, "tags": ["a", {"b": null}]});
    let input = PostLivechatVisitorInput {
        body: PostLivechatVisitorBody {
            visitor: PostLivechatVisitorBodyVisitor {
                token: "tok-1".into(),
                name: Some("Ann".into()),
                department: Some("sales".into()),
                custom_fields: None,
                email: None,
                phone: None,
                username: None,
                additional_properties: members(&[
                    ("livechatData", livechat_data.clone()),
                    ("connectionData", json!({"ip": "10.0.0.1"})),
                ]),
            },
            additional_properties: members(&[("trace", json!("t-9")), ("n", json!(1.5))]),
        },
    };
    let answer = client
        .post_livechat_visitor(&input)
        .await
        .expect("answer")
        .into_inner();
    let PostLivechatVisitorResponse::Ok(ok) = answer else {
        panic!("not a 200: {answer:?}");
    };
    assert_eq!(
        ok.additional_properties,
        members(&[("trace", json!("t-9")), ("n", json!(1.5))])
    );
    let visitor = ok.visitor.expect("a visitor");
    assert_eq!(visitor.token.as_deref(), Some("tok-1"));
    assert_eq!(visitor.name.as_deref(), Some("Ann"));
    // `department` is listed in the answer's schema: typed there, not among the unlisted.
    assert_eq!(visitor.department.as_deref(), Some("sales"));
    assert_eq!(
        visitor.additional_properties,
        members(&[
            ("livechatData", livechat_data),
            ("connectionData", json!({"ip": "10.0.0.1"})),
        ])
    );
}

async fn post(base: &str, path: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .header("x-user-id", "u")
        .header("x-auth-token", "t")
        .body(body.to_owned())
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

#[tokio::test]
async fn an_array_is_not_an_object_at_the_top_or_inside() {
    let base = serve(router(Echo)).await;
    let must_be_object = json!({
        "success": false,
        "error": "must be object [invalid-params]",
        "errorType": "invalid-params",
    });
    for body in ["[]", "[\"a\"]", "[1, 2]"] {
        let answer = post(&base, "/api/v1/livechat/agent.status", body).await;
        assert_eq!(answer, (400, must_be_object.clone()), "body {body}");
    }
    let answer = post(
        &base,
        "/api/v1/livechat/custom-fields.save",
        r#"{"customFieldData": []}"#,
    )
    .await;
    assert_eq!(answer, (400, must_be_object));
    // An object still reaches the handler.
    let (status, body) = post(&base, "/api/v1/livechat/agent.status", "{}").await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("the handler was reached [invalid-params]")),
        "{body}"
    );
}
