//! The generated client in production conditions: rate limits and retries, timeouts, hooks,
//! paging through a list, and every kind of credential on the wire. Against a scripted test
//! server (answers given in advance, requests recorded) or the generated router.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use omnichannel_e2e::serve;
use rocketchat_omnichannel::client::*;
use rocketchat_omnichannel::models::*;
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::rt::client::{server_wait, Op, Secret, Settings};
use rocketchat_omnichannel::rt::Scheme;
use rocketchat_omnichannel::server::{router, Api, ApiError};

/// One answer of the scripted server: status, headers, JSON body, delay before answering.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: &'static str,
    delay: Duration,
}

fn reply(status: u16, body: &'static str) -> Reply {
    Reply {
        status,
        headers: vec![],
        body,
        delay: Duration::ZERO,
    }
}

/// A request the scripted server received.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    at: Instant,
}

/// Answers with the scripted replies in turn (the last one again once they run out).
#[derive(Clone, Default)]
struct Script {
    replies: Arc<Mutex<VecDeque<Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Script {
    async fn start(replies: Vec<Reply>) -> (Script, String) {
        let script = Script {
            replies: Arc::new(Mutex::new(replies.into())),
            seen: Arc::default(),
        };
        let state = script.clone();
        let app =
            axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
                let state = state.clone();
                async move {
                    state.seen.lock().unwrap().push(Seen {
                        method,
                        uri,
                        headers,
                        at: Instant::now(),
                    });
                    let next = {
                        let mut replies = state.replies.lock().unwrap();
                        if replies.len() > 1 {
                            replies.pop_front().unwrap()
                        } else {
                            replies.front().cloned().unwrap()
                        }
                    };
                    tokio::time::sleep(next.delay).await;
                    let mut response = (
                        StatusCode::from_u16(next.status).unwrap(),
                        [("content-type", "application/json")],
                        next.body,
                    )
                        .into_response();
                    for (name, value) in next.headers {
                        response.headers_mut().insert(name, value.parse().unwrap());
                    }
                    response
                }
            });
        let base = serve(app).await;
        (script, base)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn credentials() -> Credentials {
    Credentials {
        user_id: "u".into(),
        auth_token: "t".into(),
    }
}

fn rate_limited(header: &'static str, value: String) -> Reply {
    Reply {
        headers: vec![(header, value)],
        ..reply(
            429,
            r#"{"success": false, "error": "Error, too many requests."}"#,
        )
    }
}

fn epoch_ms(at: SystemTime) -> u128 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_wait() {
    let (script, base) = Script::start(vec![
        rate_limited("retry-after", "1".into()),
        reply(200, r#"{"success": true}"#),
    ])
    .await;
    let client = Client::new(&base)
        .with_credentials(credentials())
        .with_retry(RetryPolicy::new(3));
    let output = client
        .get_livechat_custom_fields(&Default::default())
        .await
        .expect("answered")
        .into_inner();
    assert!(
        matches!(output, GetLivechatCustomFieldsResponse::Ok(_)),
        "{output:?}"
    );
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn a_429_with_x_ratelimit_reset_is_retried_at_the_reset() {
    // Rocket.Chat's rate limiter: epoch milliseconds.
    let reset = epoch_ms(SystemTime::now() + Duration::from_millis(600));
    let (script, base) = Script::start(vec![
        rate_limited("x-ratelimit-reset", reset.to_string()),
        reply(200, r#"{"success": true}"#),
    ])
    .await;
    let client = Client::new(&base)
        .with_credentials(credentials())
        .with_retry(
            RetryPolicy::new(2).backoff(Duration::from_millis(1), Duration::from_millis(1)),
        );
    let output = client
        .get_livechat_custom_fields(&Default::default())
        .await
        .expect("answered")
        .into_inner();
    assert!(
        matches!(output, GetLivechatCustomFieldsResponse::Ok(_)),
        "{output:?}"
    );
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    // Retried at the reset (not after the 1 ms backoff).
    let retried = SystemTime::now() - seen[1].at.elapsed();
    assert!(
        epoch_ms(retried) + 20 >= reset,
        "retried {} ms before the reset",
        reset - epoch_ms(retried)
    );
}

#[tokio::test]
async fn a_503_is_retried_with_backoff() {
    let (script, base) = Script::start(vec![
        reply(503, "{}"),
        reply(503, "{}"),
        reply(200, r#"{"success": true}"#),
    ])
    .await;
    let client = Client::new(&base)
        .with_credentials(credentials())
        .with_retry(
            RetryPolicy::new(3).backoff(Duration::from_millis(40), Duration::from_millis(80)),
        );
    client
        .get_livechat_custom_fields(&Default::default())
        .await
        .expect("answered")
        .into_inner();
    let seen = script.seen();
    assert_eq!(seen.len(), 3);
    // Equal jitter: at least half of 40 ms, then half of 80 ms.
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(20));
    assert!(seen[2].at - seen[1].at >= Duration::from_millis(40));
}

#[tokio::test]
async fn a_wait_longer_than_allowed_ends_the_retries() {
    let (script, base) = Script::start(vec![
        rate_limited("retry-after", "120".into()),
        reply(200, r#"{"success": true}"#),
    ])
    .await;
    let client = Client::new(&base)
        .with_credentials(credentials())
        .with_retry(RetryPolicy::new(3).max_wait(Duration::from_secs(5)));
    let started = Instant::now();
    let outcome = client.get_livechat_custom_fields(&Default::default()).await;
    assert!(
        matches!(
            outcome,
            Err(ClientError::UnexpectedStatus { status: 429, .. })
        ),
        "{outcome:?}"
    );
    assert_eq!(script.seen().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

fn visitor() -> PostLivechatVisitorInput {
    PostLivechatVisitorInput {
        body: PostLivechatVisitorBody {
            visitor: PostLivechatVisitorBodyVisitor {
                token: "visitor-token".into(),
                custom_fields: None,
                department: None,
                email: None,
                name: None,
                phone: None,
                username: None,
                additional_properties: Default::default(),
            },
            additional_properties: Default::default(),
        },
    }
}

#[tokio::test]
async fn a_post_is_retried_only_when_asked() {
    let (script, base) = Script::start(vec![
        rate_limited("retry-after", "0".into()),
        reply(200, r#"{"success": true}"#),
    ])
    .await;
    let client = Client::new(&base).with_retry(RetryPolicy::new(3));
    let outcome = client.post_livechat_visitor(&visitor()).await;
    assert!(
        matches!(
            outcome,
            Err(ClientError::UnexpectedStatus { status: 429, .. })
        ),
        "{outcome:?}"
    );
    assert_eq!(script.seen().len(), 1, "a POST is not retried by default");

    let (script, base) = Script::start(vec![
        rate_limited("retry-after", "0".into()),
        reply(200, r#"{"success": true}"#),
    ])
    .await;
    let client = Client::new(&base).with_retry(RetryPolicy::new(3).retry_non_idempotent(true));
    let output = client
        .post_livechat_visitor(&visitor())
        .await
        .expect("answered")
        .into_inner();
    assert!(
        matches!(output, PostLivechatVisitorResponse::Ok(_)),
        "{output:?}"
    );
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.method == Method::POST));
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_error() {
    let (_, base) = Script::start(vec![Reply {
        delay: Duration::from_secs(3),
        ..reply(200, r#"{"success": true}"#)
    }])
    .await;
    let client = Client::new(&base).with_credentials(credentials());
    let started = Instant::now();
    // A timeout for one call: a client of its own, sharing the connection pool.
    let outcome = client
        .clone()
        .with_timeout(Duration::from_millis(200))
        .get_livechat_custom_fields(&Default::default())
        .await;
    match outcome {
        Err(ClientError::Timeout { limit, .. }) => {
            assert_eq!(limit, Some(Duration::from_millis(200)))
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Counts attempts, adds a request id, and records the statuses.
#[derive(Default)]
struct Recorder {
    before: Mutex<Vec<(&'static str, u32)>>,
    after: Mutex<Vec<Option<u16>>>,
}

impl Hook for Recorder {
    fn before(&self, call: &CallInfo, request: &mut reqwest::Request) {
        let mut before = self.before.lock().unwrap();
        before.push((call.operation, call.attempt));
        let id = format!("req-{}", before.len());
        request
            .headers_mut()
            .insert("x-request-id", id.parse().unwrap());
    }

    fn after(&self, _call: &CallInfo, result: Result<&reqwest::Response, &ClientError>) {
        let status = result.ok().map(|r| r.status().as_u16());
        self.after.lock().unwrap().push(status);
    }
}

#[tokio::test]
async fn a_hook_sees_every_attempt_of_every_call() {
    let (script, base) = Script::start(vec![
        rate_limited("retry-after", "0".into()),
        reply(200, r#"{"success": true}"#),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    let client = Client::new(&base)
        .with_credentials(credentials())
        .with_retry(RetryPolicy::new(2))
        .with_hook(recorder.clone());
    client
        .get_livechat_custom_fields(&Default::default())
        .await
        .expect("answered")
        .into_inner();
    client
        .get_livechat_custom_fields(&Default::default())
        .await
        .expect("answered")
        .into_inner();
    assert_eq!(
        *recorder.before.lock().unwrap(),
        [
            ("get_livechat_custom_fields", 1),
            ("get_livechat_custom_fields", 2),
            ("get_livechat_custom_fields", 1)
        ]
    );
    assert_eq!(
        *recorder.after.lock().unwrap(),
        [Some(429), Some(200), Some(200)]
    );
    let ids: Vec<String> = script
        .seen()
        .iter()
        .map(|s| s.headers["x-request-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["req-1", "req-2", "req-3"]);
}

/// The `offset` and `count` of a page asked for.
type Asked = (Option<i64>, Option<i64>);

/// 95 departments, served in pages by `offset` and `count`; the pages asked for are recorded.
#[derive(Clone, Default)]
struct Departments {
    asked: Arc<Mutex<Vec<Asked>>>,
}

impl Api for Departments {
    async fn get_livechat_department(
        &self,
        _credentials: Credentials,
        input: GetLivechatDepartmentInput,
    ) -> Result<GetLivechatDepartmentResponse, ApiError> {
        self.asked.lock().unwrap().push((input.offset, input.count));
        let offset = input.offset.unwrap_or(0).max(0);
        let count = input.count.unwrap_or(50).max(0);
        let departments: Vec<GetLivechatDepartmentOkDepartmentsItem> = (offset
            ..(offset + count).min(95))
            .map(|i| GetLivechatDepartmentOkDepartmentsItem {
                id: Some(format!("d{i}")),
                ..Default::default()
            })
            .collect();
        Ok(GetLivechatDepartmentResponse::Ok(GetLivechatDepartmentOk {
            count: Some(departments.len() as i64),
            offset: Some(offset),
            total: Some(95),
            departments: Some(departments),
            success: Some(true),
            additional_properties: Default::default(),
        }))
    }
}

#[tokio::test]
async fn a_paging_helper_yields_every_item_of_an_omnichannel_list() {
    let api = Departments::default();
    let base = serve(router(api.clone())).await;
    let client = Client::new(&base).with_credentials(credentials());
    let input = GetLivechatDepartmentInput {
        count: Some(10),
        ..Default::default()
    };
    let ids: Vec<String> = client
        .get_livechat_department_stream(&input)
        .map_ok(|d| d.id.unwrap_or_default())
        .try_collect()
        .await
        .expect("every page");
    let expected: Vec<String> = (0..95).map(|i| format!("d{i}")).collect();
    assert_eq!(ids, expected);
    let asked = api.asked.lock().unwrap().clone();
    let pages: Vec<(Option<i64>, Option<i64>)> =
        (0..10).map(|p| (Some(p * 10), Some(10))).collect();
    assert_eq!(asked, pages, "ten pages of ten, stopping at `total`");
}

#[tokio::test]
async fn a_refused_connection_is_retried() {
    // A port nobody listens on yet; the server comes up 300 ms later.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
        axum::serve(listener, router(Departments::default()))
            .await
            .expect("serve");
    });
    let client = Client::new(format!("http://{addr}"))
        .with_credentials(credentials())
        .with_retry(
            RetryPolicy::new(20).backoff(Duration::from_millis(50), Duration::from_millis(100)),
        );
    let output = client
        .get_livechat_department(&Default::default())
        .await
        .expect("answered once the server is up")
        .into_inner();
    assert!(
        matches!(output, GetLivechatDepartmentResponse::Ok(_)),
        "{output:?}"
    );
}

#[tokio::test]
async fn a_paging_helper_stops_at_an_error() {
    // Without credentials the router answers the documented 401.
    let api = Departments::default();
    let base = serve(router(api.clone())).await;
    let items: Vec<Result<GetLivechatDepartmentOkDepartmentsItem, ClientError>> =
        Client::new(&base)
            .get_livechat_department_stream(&Default::default())
            .collect()
            .await;
    assert_eq!(items.len(), 1);
    assert!(
        matches!(items[0], Err(ClientError::Unsuccessful { status: 401, .. })),
        "{items:?}"
    );
    assert!(api.asked.lock().unwrap().is_empty());
}

#[test]
fn server_waits_are_read_in_every_form() {
    let headers = |name: &'static str, value: String| {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(name, value.parse().unwrap());
        h
    };
    let about = |wait: Option<Duration>, expected: u64| {
        let wait = wait.expect("a wait").as_secs_f64();
        assert!(
            (wait - expected as f64).abs() < 1.5,
            "{wait} s, expected about {expected} s"
        );
    };
    about(server_wait(&headers("retry-after", "7".into())), 7);
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
    about(server_wait(&headers("retry-after", date)), 30);
    let in_ms = epoch_ms(SystemTime::now() + Duration::from_secs(20));
    about(
        server_wait(&headers("x-ratelimit-reset", in_ms.to_string())),
        20,
    );
    let in_s = epoch_ms(SystemTime::now() + Duration::from_secs(20)) / 1000;
    about(
        server_wait(&headers("x-ratelimit-reset", in_s.to_string())),
        20,
    );
    about(server_wait(&headers("x-ratelimit-reset", "12".into())), 12);
    // A date in the past: no wait.
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
    assert_eq!(
        server_wait(&headers("retry-after", past)),
        Some(Duration::ZERO)
    );
    assert_eq!(server_wait(&headers("retry-after", "soon".into())), None);
    // Nonsense and overflowing numbers: no wait from the header, never a panic.
    for nonsense in ["-5", "NaN", "inf", "1e300", "18446744073709551616000"] {
        assert_eq!(
            server_wait(&headers("x-ratelimit-reset", nonsense.into())),
            None,
            "{nonsense}"
        );
    }
    assert_eq!(server_wait(&reqwest::header::HeaderMap::new()), None);
}

/// Every kind of scheme the generator models, as the runtime sends it.
const SCHEMES: &[(&str, Scheme)] = &[
    ("headerKey", Scheme::Header("X-API-Key")),
    ("queryKey", Scheme::Query("api_key")),
    ("cookieKey", Scheme::Cookie("session")),
    ("basic", Scheme::Basic),
    ("bearer", Scheme::Token("Bearer")),
    ("oauth", Scheme::Token("Bearer")),
    ("custom", Scheme::Token("Hoba")),
];

/// Refreshes `oauth` tokens: a new one every call.
#[derive(Default)]
struct Refreshing(Mutex<u32>);

impl TokenProvider for Refreshing {
    fn token<'a>(&'a self, scheme: &'a str) -> TokenFuture<'a> {
        Box::pin(async move {
            if scheme != "oauth" {
                return Ok(None);
            }
            let mut n = self.0.lock().unwrap();
            *n += 1;
            Ok(Some(format!("fresh-{n}")))
        })
    }
}

#[tokio::test]
async fn every_scheme_is_sent_as_the_spec_says() {
    let (script, base) = Script::start(vec![reply(200, "{}")]).await;
    let mut settings = Settings::new(base, reqwest::Client::new(), SCHEMES);
    settings.secrets = vec![
        Some(Secret::Text("k-header".into())),
        Some(Secret::Text("k query".into())),
        Some(Secret::Text("k-cookie".into())),
        Some(Secret::Basic(rocketchat_omnichannel::rt::BasicAuth {
            username: "ann".into(),
            password: "pw".into(),
        })),
        Some(Secret::Text("static-bearer".into())),
        Some(Secret::Text("static-oauth".into())),
        Some(Secret::Text("h0ba".into())),
    ];
    settings.tokens = Some(Arc::new(Refreshing::default()));
    let send = |security: &'static [&'static [usize]]| {
        let settings = settings.clone();
        async move {
            let call = settings.call("GET", "/thing");
            settings
                .send(
                    Op {
                        name: "thing",
                        security,
                    },
                    call,
                )
                .await
                .expect("sent");
        }
    };
    send(&[&[0, 1, 2]]).await; // a combination: all three keys
    send(&[&[3]]).await;
    send(&[&[4]]).await;
    send(&[&[5]]).await;
    send(&[&[5]]).await;
    send(&[&[6]]).await;
    send(&[]).await; // no security
    let seen = script.seen();
    let header = |i: usize, name: &str| {
        seen[i]
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header(0, "x-api-key").as_deref(), Some("k-header"));
    assert_eq!(seen[0].uri.query(), Some("api_key=k+query"));
    assert_eq!(header(0, "cookie").as_deref(), Some("session=k-cookie"));
    assert_eq!(header(0, "authorization"), None);
    // base64("ann:pw")
    assert_eq!(
        header(1, "authorization").as_deref(),
        Some("Basic YW5uOnB3")
    );
    assert_eq!(
        header(2, "authorization").as_deref(),
        Some("Bearer static-bearer")
    );
    // The token provider's token wins, asked again for every call.
    assert_eq!(
        header(3, "authorization").as_deref(),
        Some("Bearer fresh-1")
    );
    assert_eq!(
        header(4, "authorization").as_deref(),
        Some("Bearer fresh-2")
    );
    assert_eq!(header(5, "authorization").as_deref(), Some("Hoba h0ba"));
    assert_eq!(header(6, "authorization"), None);
    assert_eq!(header(6, "x-api-key"), None);
    assert_eq!(seen[6].uri.query(), None);
}

#[tokio::test]
async fn the_first_complete_alternative_is_sent() {
    let (script, base) = Script::start(vec![reply(200, "{}")]).await;
    let mut settings = Settings::new(base, reqwest::Client::new(), SCHEMES);
    // Only the query key and the bearer token are set.
    settings.secrets = vec![
        None,
        Some(Secret::Text("q".into())),
        None,
        None,
        Some(Secret::Text("b".into())),
        None,
        None,
    ];
    let send = |security: &'static [&'static [usize]]| {
        let settings = settings.clone();
        async move {
            let call = settings.call("GET", "/thing");
            settings
                .send(
                    Op {
                        name: "thing",
                        security,
                    },
                    call,
                )
                .await
                .expect("sent");
        }
    };
    // header+query (incomplete) or bearer: the bearer token alone.
    send(&[&[0, 1], &[4]]).await;
    // query, or anonymous: the query key.
    send(&[&[1], &[]]).await;
    // Nothing complete: sent without credentials (the server answers 401).
    send(&[&[0], &[3]]).await;
    let seen = script.seen();
    assert_eq!(seen[0].uri.query(), None);
    assert_eq!(seen[0].headers["authorization"], "Bearer b");
    assert_eq!(seen[1].uri.query(), Some("api_key=q"));
    assert!(seen[1].headers.get("authorization").is_none());
    assert_eq!(seen[2].uri.query(), None);
    assert!(seen[2].headers.get("authorization").is_none());
}

#[tokio::test]
async fn rocket_chat_credentials_are_two_headers_and_missing_ones_get_the_documented_401() {
    let api = Departments::default();
    let base = serve(router(api.clone())).await;
    let anonymous = Client::new(&base);
    let outcome = anonymous
        .get_livechat_department(&Default::default())
        .await
        .map(|answer| answer.into_inner());
    match outcome {
        Ok(GetLivechatDepartmentResponse::Unauthorized(body)) => {
            assert_eq!(body.status.as_deref(), Some("error"));
        }
        other => panic!("expected the documented 401, got {other:?}"),
    }
    let output = anonymous
        .with_credentials(credentials())
        .get_livechat_department(&Default::default())
        .await
        .expect("answered")
        .into_inner();
    assert!(matches!(output, GetLivechatDepartmentResponse::Ok(_)));
    assert_eq!(api.asked.lock().unwrap().len(), 1);
}

#[test]
fn credentials_do_not_show_in_debug_output() {
    let shown = format!(
        "{:?}",
        Client::new("http://127.0.0.1:1").with_credentials(credentials())
    );
    assert!(!shown.contains("\"t\""), "{shown}");
    assert!(format!("{:?}", credentials()).contains("***"));
}

#[test]
fn the_spec_server_is_a_base_url() {
    assert_eq!(Server1.url(), "https://apiexplorer.support.rocket.chat");
    assert_eq!(
        Client::new(Server1).base_url(),
        "https://apiexplorer.support.rocket.chat"
    );
}
