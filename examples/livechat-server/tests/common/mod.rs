//! Starting the server in-process for black-box tests, and small request helpers.
#![allow(dead_code)]

use std::path::Path;

use livechat_server::api::{Admin, Livechat};
use livechat_server::server;
use livechat_server::storage::Store;
use rocketchat_omnichannel::client::Client;
use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The admin the test servers accept.
pub const ADMIN_ID: &str = "admin-id";
/// The admin's token.
pub const ADMIN_TOKEN: &str = "admin-token";

/// A server running in this process on 127.0.0.1:0.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Starts a server over the database at `db` (`:memory:` for a private one).
    pub async fn start(db: &Path) -> TestServer {
        let store = Store::open(db).expect("database opens");
        let app = server::app(Livechat::new(store, Admin::new(ADMIN_ID, ADMIN_TOKEN)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, app, async {
            let _ = stopped.await;
        }));
        TestServer {
            base,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A server over a fresh in-memory database.
    pub async fn memory() -> TestServer {
        Self::start(Path::new(":memory:")).await
    }

    /// A generated client without credentials.
    pub fn anonymous(&self) -> Client {
        Client::new(&self.base)
    }

    /// A generated client with the admin's credentials.
    pub fn admin(&self) -> Client {
        self.anonymous().with_credentials(Credentials {
            user_id: ADMIN_ID.into(),
            auth_token: ADMIN_TOKEN.into(),
        })
    }

    /// Stops the server gracefully and waits until it has stopped.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    /// Sends a raw JSON request (for what the typed client cannot express) and returns the
    /// status and the parsed body.
    pub async fn raw(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        // The generated client's TLS (rustls with ring) is installed for other clients too.
        rocketchat_omnichannel::client::install_crypto_provider();
        let http = reqwest::Client::new();
        let mut request = http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("X-User-Id", ADMIN_ID)
            .header("X-Auth-Token", ADMIN_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

/// A `customFieldData` with the attributes Rocket.Chat requires.
pub fn field_data(field: &str, scope: &str) -> PostLivechatCustomFieldsSaveBodyCustomFieldData {
    PostLivechatCustomFieldsSaveBodyCustomFieldData {
        field: Some(field.into()),
        label: Some(format!("{field} label")),
        scope: Some(scope.into()),
        visibility: Some("visible".into()),
        ..Default::default()
    }
}

/// Defines a custom field through the API; panics unless it is created.
pub async fn define(client: &Client, data: PostLivechatCustomFieldsSaveBodyCustomFieldData) {
    let input = PostLivechatCustomFieldsSaveInput {
        body: PostLivechatCustomFieldsSaveBody {
            custom_field_data: data,
            custom_field_id: None,
            additional_properties: Default::default(),
        },
    };
    match client
        .post_livechat_custom_fields_save(&input)
        .await
        .unwrap()
        .into_inner()
    {
        PostLivechatCustomFieldsSaveResponse::Ok(ok) => assert_eq!(ok.success, Some(true)),
        other => panic!("custom field not created: {other:?}"),
    }
}

/// Registers a visitor with just a token; panics unless it succeeds.
pub async fn register(client: &Client, token: &str) -> PostLivechatVisitorOkVisitor {
    let input = visitor_input(PostLivechatVisitorBodyVisitor {
        custom_fields: None,
        department: None,
        email: None,
        name: None,
        phone: None,
        token: token.into(),
        username: None,
        additional_properties: Default::default(),
    });
    match client
        .post_livechat_visitor(&input)
        .await
        .unwrap()
        .into_inner()
    {
        PostLivechatVisitorResponse::Ok(ok) => ok.visitor.expect("a visitor"),
        other => panic!("visitor not registered: {other:?}"),
    }
}

/// The input of `POST /livechat/visitor`.
pub fn visitor_input(visitor: PostLivechatVisitorBodyVisitor) -> PostLivechatVisitorInput {
    PostLivechatVisitorInput {
        body: PostLivechatVisitorBody {
            visitor,
            additional_properties: Default::default(),
        },
    }
}

/// One item of `custom.fields`.
pub fn item(
    key: &str,
    value: &str,
    overwrite: bool,
) -> PostLivechatCustomFieldsBodyCustomFieldsItem {
    PostLivechatCustomFieldsBodyCustomFieldsItem {
        key: key.into(),
        value: value.into(),
        overwrite,
        additional_properties: Default::default(),
    }
}

/// Sends `custom.fields` for `token`.
pub async fn send_fields(
    client: &Client,
    token: &str,
    items: Vec<PostLivechatCustomFieldsBodyCustomFieldsItem>,
) -> PostLivechatCustomFieldsResponse {
    let input = PostLivechatCustomFieldsInput {
        body: PostLivechatCustomFieldsBody {
            custom_fields: items,
            token: token.into(),
            additional_properties: Default::default(),
        },
    };
    client
        .post_livechat_custom_fields(&input)
        .await
        .unwrap()
        .into_inner()
}

/// The `error` of a 400 answer of `custom.fields`; panics on any other answer.
pub fn bad_request_error(response: PostLivechatCustomFieldsResponse) -> String {
    match response {
        PostLivechatCustomFieldsResponse::BadRequest(body) => {
            assert_eq!(body.success, Some(false));
            body.error.expect("an error message")
        }
        other => panic!("expected 400, got {other:?}"),
    }
}

/// The raw `livechatData` of the visitor with `token` (the generated model keeps only
/// `address`, the one key the spec lists).
pub async fn livechat_data(server: &TestServer, token: &str) -> Value {
    let (status, body) = server
        .raw("GET", &format!("/api/v1/livechat/visitor/{token}"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["visitor"]
        .get("livechatData")
        .cloned()
        .unwrap_or(Value::Null)
}
