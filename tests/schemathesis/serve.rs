//! The Omnichannel router with every handler at its default (501), in the profile named by the
//! first argument (`rocketchat`: the committed `generated/` crate; `openapi`: the same
//! description generated with `--profile openapi`), on 127.0.0.1 at an ephemeral port, which
//! it prints as `listening on http://ADDRESS`. Built and run by `profiles.sh`.

/// An implementation that overrides nothing.
struct Defaults;

impl rocketchat::server::Api for Defaults {}

impl openapi::server::Api for Defaults {}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let router = match std::env::args().nth(1).as_deref() {
        Some("rocketchat") => rocketchat::server::router(Defaults),
        Some("openapi") => openapi::server::router(Defaults),
        _ => {
            eprintln!("usage: serve rocketchat|openapi");
            std::process::exit(2);
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router).await
}
