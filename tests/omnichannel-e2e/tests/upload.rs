//! `POST /api/v1/livechat/upload/{rid}` (`multipart/form-data`): a file sent by the generated
//! client reaches the handler byte for byte; missing or invalid parts get Rocket.Chat's 400s.

use std::sync::{Arc, Mutex};

use omnichannel_e2e::serve;
use rocketchat_omnichannel::client::Client;
use rocketchat_omnichannel::models::{PostLivechatUploadBody, PostLivechatUploadOk};
use rocketchat_omnichannel::operations::*;
use rocketchat_omnichannel::rt::FilePart;
use rocketchat_omnichannel::server::{router, Api, ApiError};
use serde_json::{json, Value};

/// Keeps every upload it is handed.
#[derive(Clone, Default)]
struct Uploads(Arc<Mutex<Vec<PostLivechatUploadInput>>>);

impl Api for Uploads {
    async fn post_livechat_upload(
        &self,
        input: PostLivechatUploadInput,
    ) -> Result<PostLivechatUploadResponse, ApiError> {
        self.0.lock().expect("lock").push(input);
        Ok(PostLivechatUploadResponse::Ok(PostLivechatUploadOk {
            id: Some("uploaded".into()),
            ..Default::default()
        }))
    }
}

/// Bytes that are not UTF-8 and hold what a multipart parser must not trip on.
fn file_bytes() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x00, 0xff, 0xfe, 0x80];
    bytes.extend_from_slice(b"\r\n--boundary\r\n\r\n--");
    bytes.extend((0..=255u8).rev());
    bytes
}

#[tokio::test]
async fn a_file_uploaded_by_the_client_reaches_the_handler_byte_for_byte() {
    let uploads = Uploads::default();
    let base = serve(router(uploads.clone())).await;
    let client = Client::new(&base);
    let input = PostLivechatUploadInput {
        rid: "room 1".into(),
        x_visitor_token: "visitor-token".into(),
        body: PostLivechatUploadBody {
            description: Some("a picture, ünïcode".into()),
            file: FilePart::new(file_bytes())
                .file_name("cod ü.png")
                .content_type("image/png"),
            additional_properties: Default::default(),
        },
    };
    let output = client
        .post_livechat_upload(&input)
        .await
        .expect("answered")
        .into_inner();
    assert!(
        matches!(&output, PostLivechatUploadResponse::Ok(ok) if ok.id.as_deref() == Some("uploaded")),
        "{output:?}"
    );
    let seen = uploads.0.lock().expect("lock").clone();
    assert_eq!(seen, vec![input]);

    // Without a description, without a file name or content type.
    let bare = PostLivechatUploadInput {
        body: PostLivechatUploadBody {
            description: None,
            file: FilePart::new(vec![0u8, 1, 2, 255]),
            additional_properties: Default::default(),
        },
        ..seen[0].clone()
    };
    client.post_livechat_upload(&bare).await.expect("answered");
    assert_eq!(uploads.0.lock().expect("lock")[1], bare);
}

/// A multipart body with the boundary `XyZ` from `(name, file name, bytes)` parts.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(b"--XyZ\r\n");
        let disposition = match file_name {
            Some(f) => {
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\r\n")
            }
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}

async fn post(base: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/livechat/upload/room1"))
        .header("x-visitor-token", "visitor-token")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("every answer is JSON"))
}

fn rocket_chat(message: &str) -> Value {
    json!({"success": false, "error": format!("{message} [invalid-params]"), "errorType": "invalid-params"})
}

#[tokio::test]
async fn missing_or_invalid_parts_get_rocket_chat_400s() {
    let uploads = Uploads::default();
    let base = serve(router(uploads.clone())).await;
    let form = "multipart/form-data; boundary=XyZ";
    let missing = rocket_chat("must have required property 'file'");

    // Only the description: the file is missing.
    let only_description = multipart(&[("description", None, b"words")]);
    assert_eq!(
        post(&base, form, only_description).await,
        (400, missing.clone())
    );
    // No body at all.
    assert_eq!(post(&base, form, Vec::new()).await, (400, missing));
    // A description that is not text.
    let bad_text = multipart(&[
        ("file", Some("a.bin"), b"x"),
        ("description", None, b"\xff\xfe"),
    ]);
    assert_eq!(
        post(&base, form, bad_text).await,
        (400, rocket_chat("part 'description' must be UTF-8 text"))
    );

    // A body that is not multipart, or has no boundary, or is cut: 4xx in Rocket.Chat's shape,
    // in the crate's words.
    for (content_type, body, status) in [
        (
            form,
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nunterminated".to_vec(),
            400,
        ),
        (form, b"no multipart here".to_vec(), 400),
        (
            "multipart/form-data",
            multipart(&[("file", Some("a"), b"x")]),
            400,
        ),
        ("application/json", b"{\"file\": \"x\"}".to_vec(), 415),
    ] {
        let (got, answer) = post(&base, content_type, body).await;
        assert_eq!(got, status, "{content_type}: {answer}");
        assert_eq!(answer["success"], json!(false), "{answer}");
        let error = answer["error"].as_str().expect("error text");
        assert!(!error.to_ascii_lowercase().contains("multer"), "{error}");
        assert!(answer["errorType"].is_string(), "{answer}");
    }
    assert!(
        uploads.0.lock().expect("lock").is_empty(),
        "no invalid upload reached the handler"
    );

    // A file sent as a plain field (no file name) and an undeclared part are accepted.
    let plain = multipart(&[("file", None, b"\x00\x01"), ("extra", None, b"kept out")]);
    let (status, answer) = post(&base, form, plain).await;
    assert_eq!(status, 200, "{answer}");
    let seen = uploads.0.lock().expect("lock");
    assert_eq!(seen[0].body.file, FilePart::new(vec![0u8, 1]));
    assert_eq!(seen[0].body.description, None);
}
