//! Loopback throughput of the generated router against a hand-written axum handler.
//!
//! ```sh
//! cargo run --release -p router-throughput            # defaults: 3 rounds of 5 s each
//! cargo run --release -p router-throughput -- --help
//! ```
//!
//! Both servers answer `POST /api/v1/livechat/custom.fields` (the seed operation of the
//! Omnichannel spec) with the same fixed typed response after reading the same typed JSON body:
//!
//! - **generated**: `rocketchat_omnichannel::server::router` with an `Api` implementation of
//!   `post_livechat_custom_fields` (the router validates the body against the spec first);
//! - **hand-written**: an axum handler taking `Json<Body>` with the same fields.
//!
//! Each server runs in its own child process (this binary with `serve`) on 127.0.0.1 with one
//! tokio worker thread, so its CPU time is measured apart from the load generator's: the figure
//! that matters is the server's CPU time per request. The load generator (this process, one
//! thread) keeps `--connections` HTTP/1.1 keep-alive connections busy; each round is bounded by
//! `--requests` and `--duration`, rounds alternate between the two servers, and the median
//! round is reported. Loopback only.
//!
//! For profiling one side: `router-throughput serve generated` prints the address it listens
//! on; `router-throughput load ADDRESS --duration 10` drives it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use rocketchat_omnichannel::models::{
    PostLivechatCustomFieldsOk, PostLivechatCustomFieldsOkFieldsItem,
};
use rocketchat_omnichannel::operations::{
    PostLivechatCustomFieldsInput, PostLivechatCustomFieldsResponse,
};
use rocketchat_omnichannel::server::{Api, ApiError};
use serde::{Deserialize, Serialize};

const PATH: &str = "/api/v1/livechat/custom.fields";
/// The request body of the spec's example.
const BODY: &str = r#"{"token":"iNKE8a6k6cjbqWhWd","customFields":[{"key":"address","value":"Rocket.Chat street","overwrite":true}]}"#;

// --- the generated router ------------------------------------------------------------------

struct Livechat;

impl Api for Livechat {
    async fn post_livechat_custom_fields(
        &self,
        input: PostLivechatCustomFieldsInput,
    ) -> Result<PostLivechatCustomFieldsResponse, ApiError> {
        let _ = input;
        Ok(PostLivechatCustomFieldsResponse::Ok(
            PostLivechatCustomFieldsOk {
                fields: Some(vec![PostLivechatCustomFieldsOkFieldsItem {
                    key: Some("address".into()),
                    value: Some("Rocket.Chat street".into()),
                    overwrite: Some(true),
                    additional_properties: Default::default(),
                }]),
                success: Some(true),
                additional_properties: Default::default(),
            },
        ))
    }
}

// --- the hand-written handler --------------------------------------------------------------

// Fields read by serde only, like the generated handler's input.
#[allow(dead_code)]
#[derive(Deserialize)]
struct Body {
    #[serde(rename = "customFields")]
    custom_fields: Vec<Field>,
    token: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Field {
    key: String,
    overwrite: bool,
    value: String,
}

#[derive(Serialize)]
struct Answer {
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<AnswerField>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    success: Option<bool>,
}

#[derive(Serialize)]
struct AnswerField {
    #[serde(rename = "Key", skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overwrite: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

async fn hand_written(axum::Json(body): axum::Json<Body>) -> axum::Json<Answer> {
    // Like the `Api` implementation above: the typed body is read, then dropped.
    drop(std::hint::black_box(body));
    axum::Json(Answer {
        fields: Some(vec![AnswerField {
            key: Some("address".into()),
            value: Some("Rocket.Chat street".into()),
            overwrite: Some(true),
        }]),
        success: Some(true),
    })
}

fn hand_written_router() -> axum::Router {
    axum::Router::new().route(PATH, axum::routing::post(hand_written))
}

// --- the server process --------------------------------------------------------------------

fn serve(kind: &str, threads: usize) -> ExitCode {
    let app = match kind {
        "generated" => rocketchat_omnichannel::server::router(Livechat),
        "hand-written" => hand_written_router(),
        other => {
            eprintln!("unknown server kind `{other}` (generated, hand-written)");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        println!("{}", listener.local_addr().expect("local address"));
        axum::serve(listener, app).await.expect("serve");
    });
    ExitCode::SUCCESS
}

/// A server child process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(kind: &str, threads: usize) -> Server {
        let exe = std::env::current_exe().expect("current executable");
        let mut child = Command::new(exe)
            .args(["serve", kind, "--server-threads", &threads.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("server address");
        let addr = line.trim().parse().expect("server address");
        Server { child, addr }
    }

    /// CPU time the server process has used so far (all its threads), in seconds.
    fn cpu_seconds(&self) -> f64 {
        let pid = self.child.id();
        let mut total_ns = 0u64;
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for task in tasks.flatten() {
                if let Ok(s) = std::fs::read_to_string(task.path().join("schedstat")) {
                    total_ns += s
                        .split_whitespace()
                        .next()
                        .and_then(|n| n.parse::<u64>().ok())
                        .unwrap_or(0);
                }
            }
        }
        total_ns as f64 / 1e9
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// --- the load generator --------------------------------------------------------------------

struct Load {
    connections: usize,
    requests: u64,
    duration: Duration,
}

/// One request and its answer on an open connection: (status, body).
async fn call(
    sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    addr: SocketAddr,
) -> Result<(u16, Bytes), String> {
    let request = hyper::Request::post(PATH)
        .header(hyper::header::HOST, addr.to_string())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(BODY.as_bytes())))
        .map_err(|e| e.to_string())?;
    sender.ready().await.map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

async fn connect(
    addr: SocketAddr,
) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Drives the server at `addr`; returns (requests answered, seconds taken).
async fn drive(addr: SocketAddr, load: &Load) -> Result<(u64, f64), String> {
    let issued = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + load.duration;
    let mut tasks = Vec::new();
    for _ in 0..load.connections {
        let issued = issued.clone();
        let limit = load.requests;
        tasks.push(tokio::spawn(async move {
            let mut sender = connect(addr).await?;
            let mut done = 0u64;
            while Instant::now() < deadline && issued.fetch_add(1, Ordering::Relaxed) < limit {
                let (status, _) = call(&mut sender, addr).await?;
                if status != 200 {
                    return Err(format!("unexpected status {status}"));
                }
                done += 1;
            }
            Ok::<u64, String>(done)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.map_err(|e| e.to_string())??;
    }
    Ok((total, start.elapsed().as_secs_f64()))
}

struct Round {
    rps: f64,
    cpu_us: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

struct Args {
    rounds: usize,
    load: Load,
    server_threads: usize,
    max_overhead: Option<f64>,
}

const USAGE: &str = "usage: router-throughput [--rounds N] [--duration SECONDS] [--requests N] \
[--connections N] [--server-threads N] [--max-overhead PERCENT]";

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        rounds: 3,
        load: Load {
            connections: 16,
            requests: 2_000_000,
            duration: Duration::from_secs(5),
        },
        server_threads: 1,
        max_overhead: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: &String| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--rounds" => a.rounds = number(value()?)?.max(1.0) as usize,
            "--duration" => a.load.duration = Duration::from_secs_f64(number(value()?)?),
            "--requests" => a.load.requests = number(value()?)? as u64,
            "--connections" => a.load.connections = number(value()?)?.max(1.0) as usize,
            "--server-threads" => a.server_threads = number(value()?)?.max(1.0) as usize,
            "--max-overhead" => a.max_overhead = Some(number(value()?)?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("serve") {
        let kind = argv.get(1).cloned().unwrap_or_default();
        let threads = parse_args(&argv[2.min(argv.len())..]).map_or(1, |a| a.server_threads);
        return serve(&kind, threads);
    }
    if argv.first().map(String::as_str) == Some("load") {
        // Drive a server started apart (`router-throughput serve KIND`), e.g. under a profiler.
        let Some(addr) = argv.get(1).and_then(|a| a.parse::<SocketAddr>().ok()) else {
            eprintln!("usage: router-throughput load ADDRESS [--duration SECONDS] [--requests N] [--connections N]");
            return ExitCode::from(2);
        };
        let args = match parse_args(&argv[2..]) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        return match runtime.block_on(drive(addr, &args.load)) {
            Ok((n, secs)) => {
                println!("{n} requests in {secs:.1} s: {:.0} req/s", n as f64 / secs);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(&args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<ExitCode, String> {
    const KINDS: [&str; 2] = ["hand-written", "generated"];
    println!(
        "POST {PATH}: {} connections, rounds of {:?} or {} requests, server on 1 process with {} worker thread(s), {} cores",
        args.load.connections,
        args.load.duration,
        args.load.requests,
        args.server_threads,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    // Both servers must give the same answer to the same request.
    let mut answers = Vec::new();
    for kind in KINDS {
        let server = Server::start(kind, args.server_threads);
        let mut sender = connect(server.addr).await?;
        answers.push(call(&mut sender, server.addr).await?);
    }
    if answers[0] != answers[1] {
        return Err(format!(
            "the two servers answer differently: {:?} vs {:?}",
            answers[0], answers[1]
        ));
    }
    println!(
        "both answer {} {}",
        answers[0].0,
        String::from_utf8_lossy(&answers[0].1)
    );
    let mut results: Vec<Vec<Round>> = vec![Vec::new(), Vec::new()];
    let warmup = Load {
        connections: args.load.connections,
        requests: 20_000,
        duration: Duration::from_secs(1),
    };
    for round in 0..args.rounds {
        // Alternate the order so drift in machine load falls on both.
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for k in order {
            let server = Server::start(KINDS[k], args.server_threads);
            drive(server.addr, &warmup).await?;
            let cpu0 = server.cpu_seconds();
            let (n, secs) = drive(server.addr, &args.load).await?;
            let cpu = server.cpu_seconds() - cpu0;
            let r = Round {
                rps: n as f64 / secs,
                cpu_us: cpu * 1e6 / n as f64,
            };
            println!(
                "round {}: {:<12} {:>9.0} req/s  {:>6.2} µs server CPU per request  ({n} requests in {secs:.1} s)",
                round + 1,
                KINDS[k],
                r.rps,
                r.cpu_us
            );
            results[k].push(r);
        }
    }
    let rps: Vec<f64> = results
        .iter()
        .map(|r| median(r.iter().map(|x| x.rps).collect()))
        .collect();
    let cpu: Vec<f64> = results
        .iter()
        .map(|r| median(r.iter().map(|x| x.cpu_us).collect()))
        .collect();
    let cpu_overhead = (cpu[1] / cpu[0] - 1.0) * 100.0;
    let rps_overhead = (rps[0] / rps[1] - 1.0) * 100.0;
    println!();
    println!("median of {} rounds:", args.rounds);
    for k in 0..2 {
        println!(
            "  {:<12} {:>9.0} req/s  {:>6.2} µs server CPU per request",
            KINDS[k], rps[k], cpu[k]
        );
    }
    println!(
        "generated router overhead: {cpu_overhead:+.1}% server CPU per request, {rps_overhead:+.1}% time per request (throughput)"
    );
    if let Some(max) = args.max_overhead {
        if cpu_overhead > max {
            println!("over the {max}% limit");
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}
