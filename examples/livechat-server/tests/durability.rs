//! Concurrency (no lost updates) and persistence across restarts, over HTTP.

mod common;

use common::*;
use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_of_one_visitor_are_not_lost() {
    let server = TestServer::memory().await;
    let client = server.admin();
    const N: usize = 40;
    for i in 0..N {
        define(&client, field_data(&format!("f{i}"), "visitor")).await;
    }
    register(&client, "tok").await;

    // Every request sets a different key of the same visitor, half through each endpoint.
    let tasks: Vec<_> = (0..N)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let (key, value) = (format!("f{i}"), format!("v{i}"));
                if i % 2 == 0 {
                    let r = send_fields(&client, "tok", vec![item(&key, &value, true)]).await;
                    assert!(
                        matches!(r, PostLivechatCustomFieldsResponse::Ok(_)),
                        "{r:?}"
                    );
                } else {
                    let input = PostLivechatCustomFieldInput {
                        body: PostLivechatCustomFieldBody {
                            key,
                            overwrite: true,
                            token: "tok".into(),
                            value,
                            additional_properties: Default::default(),
                        },
                    };
                    let r = client
                        .post_livechat_custom_field(&input)
                        .await
                        .unwrap()
                        .into_inner();
                    assert!(matches!(r, PostLivechatCustomFieldResponse::Ok(_)), "{r:?}");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let data = livechat_data(&server, "tok").await;
    let data = data.as_object().unwrap();
    assert_eq!(data.len(), N, "{data:?}");
    for i in 0..N {
        assert_eq!(data[&format!("f{i}")], format!("v{i}"));
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_overwrite_false_keeps_exactly_one_value() {
    let server = TestServer::memory().await;
    let client = server.admin();
    define(&client, field_data("address", "visitor")).await;
    register(&client, "tok").await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                send_fields(
                    &client,
                    "tok",
                    vec![item("address", &format!("street {i}"), false)],
                )
                .await
            })
        })
        .collect();
    for t in tasks {
        assert!(matches!(
            t.await.unwrap(),
            PostLivechatCustomFieldsResponse::Ok(_)
        ));
    }
    let first = livechat_data(&server, "tok").await["address"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(first.starts_with("street "));
    // Later attempts still cannot replace it.
    send_fields(&client, "tok", vec![item("address", "late", false)]).await;
    assert_eq!(
        livechat_data(&server, "tok").await["address"],
        first.as_str()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_one_token_make_one_visitor() {
    let server = TestServer::memory().await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = server.anonymous();
            tokio::spawn(async move { register(&client, "same").await.id.unwrap() })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    // The next new visitor is guest-2: no guest number was taken by a duplicate.
    assert_eq!(
        register(&server.anonymous(), "other")
            .await
            .username
            .as_deref(),
        Some("guest-2")
    );
    server.stop().await;
}

#[tokio::test]
async fn a_restart_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("livechat.db");

    let server = TestServer::start(&db).await;
    let client = server.admin();
    define(&client, field_data("address", "visitor")).await;
    let before = register(&client, "tok").await;
    send_fields(
        &client,
        "tok",
        vec![item("address", "Rocket.Chat Avenue", true)],
    )
    .await;
    server.stop().await;

    let server = TestServer::start(&db).await;
    let client = server.admin();
    let r = client
        .get_livechat_visitor_token(&GetLivechatVisitorTokenInput {
            token: "tok".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let GetLivechatVisitorTokenResponse::Ok(ok) = r;
    let after = ok.visitor.unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(after.username, before.username);
    assert_eq!(
        livechat_data(&server, "tok").await,
        json!({ "address": "Rocket.Chat Avenue" })
    );
    let r = client
        .get_livechat_custom_fields_id(&GetLivechatCustomFieldsIdInput {
            id: "address".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(
        r,
        GetLivechatCustomFieldsIdResponse::Ok(GetLivechatCustomFieldsIdOk {
            custom_field: Some(_),
            ..
        })
    ));
    // The guest counter survived too.
    assert_eq!(
        register(&client, "new").await.username.as_deref(),
        Some("guest-2")
    );
    server.stop().await;
}
