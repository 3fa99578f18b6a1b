//! A raw HTTP/1.1 client for hostile requests (bytes exactly as given: invalid UTF-8, lying
//! `Content-Length`s, oversized heads), and a server for the generated router on 127.0.0.1.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Serves `router` on an ephemeral 127.0.0.1 port.
pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    addr
}

/// An answer: status, headers (lower-case names), body.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Header lines, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// True for `{"success": false, "error": "...", "errorType": "..."}`.
    pub fn is_rocket_chat_error(&self) -> bool {
        self.json().is_some_and(|b| {
            b["success"] == Value::Bool(false)
                && b["error"].is_string()
                && b["errorType"].is_string()
                && b.as_object().is_some_and(|o| o.len() == 3)
        })
    }

    /// The `errorType`, if any.
    pub fn error_type(&self) -> Option<String> {
        self.json()?["errorType"].as_str().map(str::to_owned)
    }
}

/// A request: the head (request line and headers, without the final blank line) and the body
/// bytes actually sent. `Connection: close` is added, so the answer ends at end of stream.
pub struct Request {
    /// Request line and header lines, `\r\n`-separated, no trailing blank line.
    pub head: Vec<u8>,
    /// Body bytes sent after the head.
    pub body: Vec<u8>,
}

impl Request {
    /// A request with `method`, `target` (raw bytes), extra header lines, and a body sent with
    /// its true `Content-Length`.
    pub fn new(method: &str, target: &[u8], headers: &[&[u8]], body: &[u8]) -> Request {
        let mut head = Vec::new();
        head.extend_from_slice(method.as_bytes());
        head.push(b' ');
        head.extend_from_slice(target);
        head.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1");
        for h in headers {
            head.extend_from_slice(b"\r\n");
            head.extend_from_slice(h);
        }
        if !headers.iter().any(|h| {
            h.to_ascii_lowercase().starts_with(b"content-length:")
                || h.to_ascii_lowercase().starts_with(b"transfer-encoding:")
        }) {
            head.extend_from_slice(format!("\r\nContent-Length: {}", body.len()).as_bytes());
        }
        Request {
            head,
            body: body.to_vec(),
        }
    }

    /// A JSON POST with the credentials the router checks for.
    pub fn json(target: &str, body: &[u8]) -> Request {
        Request::new(
            "POST",
            target.as_bytes(),
            &[
                b"Content-Type: application/json",
                b"X-User-Id: u",
                b"X-Auth-Token: t",
            ],
            body,
        )
    }

    /// A GET with the credentials the router checks for.
    pub fn get(target: &[u8]) -> Request {
        Request::new("GET", target, &[b"X-User-Id: u", b"X-Auth-Token: t"], b"")
    }
}

/// Sends `request` on a new connection and reads the answer, within `limit`. The body is
/// written on its own task: a server that answers early (413) may stop reading, and the
/// answer must come anyway.
pub async fn send(addr: SocketAddr, request: &Request, limit: Duration) -> Reply {
    tokio::time::timeout(limit, exchange(addr, request))
        .await
        .unwrap_or_else(|_| panic!("no answer within {limit:?}"))
}

async fn exchange(addr: SocketAddr, request: &Request) -> Reply {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut read, mut write) = stream.into_split();
    let mut head = request.head.clone();
    head.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    let body = request.body.clone();
    let writer = tokio::spawn(async move {
        // Errors are expected when the server answers and closes before reading everything.
        if write.write_all(&head).await.is_ok() {
            for chunk in body.chunks(64 * 1024) {
                if write.write_all(chunk).await.is_err() {
                    break;
                }
            }
        }
        let _ = write.flush().await;
        write
    });
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match read.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            // A reset after the answer was read (the server closed with unread input).
            Err(_) if !bytes.is_empty() => break,
            Err(e) => panic!("read: {e}"),
        }
    }
    writer.abort();
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Reply {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let raw = &bytes[end + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(raw) } else { raw.to_vec() };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&raw[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        raw = &raw[line_end + 2..];
        if size == 0 || raw.len() < size {
            break;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or_default();
    }
    out
}

/// Resident memory of this process in bytes (Linux), if known.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
