//! The generated Omnichannel server (`rocketchat_omnichannel::server::router`) on 127.0.0.1
//! under hostile requests: wrong types, missing fields, deep JSON, huge and lying bodies,
//! invalid UTF-8, wrong content types, very long paths, query strings and heads. Every request
//! the router sees gets a 4xx with a Rocket.Chat-shaped JSON body; the few that hyper cannot
//! parse as HTTP/1 at all get hyper's bare 4xx. Then a concurrent burst of all of them, and a
//! valid request that still succeeds, with memory bounded by the body limit.

use std::time::{Duration, Instant};

use hostile_requests::{resident_bytes, send, serve, Reply, Request};
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::server::{router, Api, ApiError};

/// Serves the seed operation (`POST /api/v1/livechat/custom.fields`); every other operation
/// answers 501, so a hostile request that got past validation would show as 5xx.
struct Seed;

impl Api for Seed {
    async fn post_livechat_custom_fields(
        &self,
        input: PostLivechatCustomFieldsInput,
    ) -> Result<PostLivechatCustomFieldsResponse, ApiError> {
        let fields = input
            .body
            .custom_fields
            .into_iter()
            .map(
                |f| rocketchat_omnichannel::models::PostLivechatCustomFieldsOkFieldsItem {
                    key: Some(f.key),
                    value: Some(f.value),
                    overwrite: Some(f.overwrite),
                    additional_properties: Default::default(),
                },
            )
            .collect();
        Ok(PostLivechatCustomFieldsResponse::Ok(
            rocketchat_omnichannel::models::PostLivechatCustomFieldsOk {
                fields: Some(fields),
                success: Some(true),
                additional_properties: Default::default(),
            },
        ))
    }
}

const SEED: &str = "/api/v1/livechat/custom.fields";
const VALID: &[u8] = br#"{"token": "iNKE8a6k6cjbqWhWd", "customFields": [{"key": "address", "value": "Rocket.Chat street", "overwrite": true}]}"#;

/// What a hostile request must get.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// This status with a Rocket.Chat-shaped JSON body of this `errorType`.
    Json(u16, &'static str),
    /// Any 4xx; hyper answers it before the router (the request is not HTTP/1 it can parse).
    Bare4xx,
}

fn cases() -> Vec<(&'static str, Request, Expect)> {
    use Expect::*;
    let limit = 2 * 1024 * 1024;
    vec![
        ("wrong type", Request::json(SEED, br#"{"token": {"$ne": null}, "customFields": []}"#), Json(400, "invalid-params")),
        ("wrong item type", Request::json(SEED, br#"{"token": "t", "customFields": [{"key": {}, "value": [], "overwrite": "maybe"}]}"#), Json(400, "invalid-params")),
        ("missing field", Request::json(SEED, br#"{"customFields": []}"#), Json(400, "invalid-params")),
        ("empty body", Request::json(SEED, b""), Json(400, "invalid-params")),
        ("not an object", Request::json(SEED, b"[1, 2, 3]"), Json(400, "invalid-params")),
        ("null", Request::json(SEED, b"null"), Json(400, "invalid-params")),
        ("malformed JSON", Request::json(SEED, b"{\"token\": \"t\", "), Json(400, "invalid-json")),
        ("trailing garbage", Request::json(SEED, b"{} {}"), Json(400, "invalid-json")),
        ("number out of range", Request::json(SEED, br#"{"token": "t", "customFields": [], "n": 1e400}"#), Json(400, "invalid-json")),
        // Members the body type does not know are skipped by a direct decode; they must be
        // refused as a full parse refuses them.
        ("huge integer in an unknown member", Request::json(SEED, format!("{{\"token\": \"t\", \"customFields\": [], \"n\": {}}}", "9".repeat(400)).as_bytes()), Json(400, "invalid-json")),
        ("invalid UTF-8 in an unknown member", Request::json(SEED, b"{\"token\": \"t\", \"customFields\": [], \"x\": \"\xff\xfe\"}"), Json(400, "invalid-json")),
        ("lone surrogate in an unknown member", Request::json(SEED, br#"{"token": "t", "customFields": [], "x": "\udc00"}"#), Json(400, "invalid-json")),
        ("deep nesting in an unknown member", Request::json(SEED, format!("{{\"token\": \"t\", \"customFields\": [], \"x\": {}{}}}", "[".repeat(200), "]".repeat(200)).as_bytes()), Json(400, "invalid-json")),
        ("invalid UTF-8 in JSON", Request::json(SEED, b"{\"token\": \"\xff\xfe\", \"customFields\": []}"), Json(400, "invalid-json")),
        ("lone surrogate escape", Request::json(SEED, br#"{"token": "\udc00", "customFields": []}"#), Json(400, "invalid-json")),
        ("NUL bytes", Request::json(SEED, b"\0\0\0\0"), Json(400, "invalid-json")),
        ("deep arrays", Request::json(SEED, format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes()), Json(400, "invalid-json")),
        ("deep objects", Request::json(SEED, format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)).as_bytes()), Json(400, "invalid-json")),
        ("deep but parseable", Request::json(SEED, format!("{{\"token\": \"t\", \"customFields\": {}{}}}", "[".repeat(120), "]".repeat(120)).as_bytes()), Json(400, "invalid-params")),
        ("wide array", Request::json(SEED, format!("{{\"token\": \"t\", \"customFields\": [{}1]}}", "1,".repeat(900_000)).as_bytes()), Json(400, "invalid-params")),
        ("text/plain", Request::new("POST", SEED.as_bytes(), &[b"Content-Type: text/plain"], VALID), Json(415, "unsupported-media-type")),
        ("form-encoded", Request::new("POST", SEED.as_bytes(), &[b"Content-Type: application/x-www-form-urlencoded"], b"token=t&customFields=1"), Json(415, "unsupported-media-type")),
        ("invalid content type bytes", Request::new("POST", SEED.as_bytes(), &[b"Content-Type: application/\xffjson"], VALID), Json(415, "unsupported-media-type")),
        ("multipart", Request::new("POST", SEED.as_bytes(), &[b"Content-Type: multipart/form-data; boundary=x"], b"--x\r\n\r\n{}\r\n--x--"), Json(415, "unsupported-media-type")),
        ("body too large", Request::json(SEED, &vec![b' '; limit + 1]), Json(413, "payload-too-large")),
        ("huge string", Request::json(SEED, format!("{{\"token\": \"{}\", \"customFields\": []}}", "x".repeat(3 * limit)).as_bytes()), Json(413, "payload-too-large")),
        (
            "Content-Length of 1 GB, 64 KB sent",
            Request::new("POST", SEED.as_bytes(), &[b"Content-Type: application/json", b"Content-Length: 1073741824"], &vec![b'['; 64 * 1024]),
            Json(413, "payload-too-large"),
        ),
        (
            "chunked, 8 MB",
            Request {
                head: format!("POST {SEED} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked").into_bytes(),
                body: {
                    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
                    chunk.repeat(128).into_bytes()
                },
            },
            Json(413, "payload-too-large"),
        ),
        ("method not allowed", Request::new("DELETE", SEED.as_bytes(), &[], b""), Json(405, "method-not-allowed")),
        ("unknown route", Request::get(b"/api/v1/no/such/route"), Json(404, "not-found")),
        ("unknown method", Request::new("BREW", SEED.as_bytes(), &[], b""), Json(405, "method-not-allowed")),
        ("invalid UTF-8 in a path parameter", Request::get(b"/api/v1/livechat/visitor/%FF%FE"), Json(400, "invalid-path")),
        ("invalid UTF-8 in the query", Request::get(b"/api/v1/livechat/custom-fields?count=%FF%FE"), Json(400, "invalid-params")),
        ("wrong query type", Request::get(b"/api/v1/livechat/custom-fields?count=lots"), Json(400, "invalid-params")),
        ("huge integer in the query", Request::get(format!("/api/v1/livechat/custom-fields?count={}", "9".repeat(400)).as_bytes()), Json(400, "invalid-params")),
        ("long query string", Request::get(format!("/api/v1/livechat/custom-fields?count=x{}", "&a=1".repeat(14_000)).as_bytes()), Json(400, "invalid-params")),
        ("long query value", Request::get(format!("/api/v1/livechat/custom-fields?offset={}", "1".repeat(60_000)).as_bytes()), Json(400, "invalid-params")),
        ("malformed query", Request::get(b"/api/v1/livechat/custom-fields?count=%%%"), Json(400, "invalid-params")),
        ("long path", Request::get(format!("/api/v1/{}", "a/".repeat(30_000)).as_bytes()), Json(404, "not-found")),
        ("URI over 64 KB", Request::get(format!("/api/v1/livechat/custom-fields?count={}", "1".repeat(70_000)).as_bytes()), Bare4xx),
        ("path traversal", Request::get(b"/api/v1/livechat/../../../etc/passwd"), Json(404, "not-found")),
        ("raw invalid UTF-8 in the path", Request::get(b"/api/v1/\xff\xfe"), Bare4xx),
        ("control character in the path", Request::get(b"/api/v1/\x01"), Bare4xx),
        ("request head over 1 MB", Request::get(format!("/{}", "a".repeat(1 << 20)).as_bytes()), Bare4xx),
        ("too many headers", Request::new("GET", SEED.as_bytes(), &(0..200).map(|_| b"X-Junk: 1".as_slice()).collect::<Vec<_>>(), b""), Bare4xx),
        ("not HTTP", Request { head: b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03".to_vec(), body: vec![] }, Bare4xx),
    ]
}

/// Words of serde_json's, axum's and hyper's error messages: no answer may carry them.
const LIBRARY_WORDS: [&str; 12] = [
    "invalid type",
    "expected ",
    "EOF while parsing",
    "trailing characters",
    "key must be a string",
    "control character",
    "surrogate",
    "recursion limit",
    "number out of range",
    "invalid unicode",
    "Failed to",
    "failed to",
];

/// Whether `reply` is what `expect` asks for.
fn check(name: &str, reply: &Reply, expect: Expect) -> Result<(), String> {
    let body = String::from_utf8_lossy(&reply.body[..reply.body.len().min(300)]).into_owned();
    match expect {
        Expect::Json(status, error_type) => {
            if reply.status != status {
                return Err(format!(
                    "{name}: status {} instead of {status}: {body}",
                    reply.status
                ));
            }
            if !reply.is_rocket_chat_error() {
                return Err(format!("{name}: not a Rocket.Chat error: {body}"));
            }
            if reply.error_type().as_deref() != Some(error_type) {
                return Err(format!("{name}: errorType is not {error_type}: {body}"));
            }
            if let Some(words) = LIBRARY_WORDS.iter().find(|w| body.contains(*w)) {
                return Err(format!("{name}: a library's message ({words:?}): {body}"));
            }
        }
        Expect::Bare4xx => {
            if !(400..500).contains(&reply.status) {
                return Err(format!("{name}: status {}: {body}", reply.status));
            }
        }
    }
    Ok(())
}

/// The valid seed request succeeds.
async fn assert_valid_request_succeeds(addr: std::net::SocketAddr) {
    let reply = send(addr, &Request::json(SEED, VALID), Duration::from_secs(20)).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let body = reply.json().expect("JSON");
    assert_eq!(body["success"], serde_json::json!(true), "{body}");
    assert_eq!(body["fields"][0]["value"], "Rocket.Chat street", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_request_gets_a_json_4xx() {
    let addr = serve(router(Seed)).await;
    assert_valid_request_succeeds(addr).await;
    let mut failed = vec![];
    for (name, request, expect) in cases() {
        let reply = send(addr, &request, Duration::from_secs(20)).await;
        failed.extend(check(name, &reply, expect).err());
    }
    assert!(failed.is_empty(), "{failed:#?}");
    assert_valid_request_succeeds(addr).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_credentials_get_the_documented_401() {
    let addr = serve(router(Seed)).await;
    let reply = send(
        addr,
        &Request::new(
            "GET",
            b"/api/v1/livechat/custom-fields",
            &[b"X-User-Id: u", b"X-Auth-Token: \xff\xfe"],
            b"",
        ),
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(reply.status, 401);
    // Rocket.Chat's own answer to a request without valid credentials.
    let body = reply.json().expect("JSON");
    assert_eq!(body["status"], "error", "{body}");
    assert!(body["message"].is_string(), "{body}");
}

/// Every hostile request three times, 32 at a time, within a minute; memory grows by no more
/// than the body limit allows for the requests in flight; then the valid request succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_burst_leaves_the_server_serving() {
    let addr = serve(router(Seed)).await;
    assert_valid_request_succeeds(addr).await;
    let before = resident_bytes();
    let start = Instant::now();
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..3 {
        for (name, request, expect) in cases() {
            let permits = permits.clone();
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await.expect("semaphore");
                let reply = send(addr, &request, Duration::from_secs(30)).await;
                check(name, &reply, expect).map_err(|e| format!("round {round}: {e}"))
            });
        }
    }
    let mut failed = vec![];
    while let Some(outcome) = tasks.join_next().await {
        failed.extend(outcome.expect("request task").err());
    }
    let took = start.elapsed();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(took < Duration::from_secs(60), "the burst took {took:?}");
    if let (Some(before), Some(after)) = (before, resident_bytes()) {
        let grown = after.saturating_sub(before);
        // 32 requests in flight, each buffered up to the 2 MiB limit by the server, plus the
        // client's own copies of the requests.
        assert!(
            grown < 512 << 20,
            "resident memory grew by {} MB",
            grown >> 20
        );
        println!(
            "burst of {} requests in {took:?}; resident memory {} MB -> {} MB",
            3 * cases().len(),
            before >> 20,
            after >> 20
        );
    }
    assert_valid_request_succeeds(addr).await;
}
