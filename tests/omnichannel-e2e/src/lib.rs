//! Helpers for the end-to-end tests: serve a router on 127.0.0.1 and read the seed page.

use std::path::{Path, PathBuf};

/// Serves `router` on an ephemeral 127.0.0.1 port; returns the base URL. Installs the TLS
/// crypto provider the generated client uses, so tests may build `reqwest::Client`s of their own.
pub async fn serve(router: axum::Router) -> String {
    rocketchat_omnichannel::client::install_crypto_provider();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    format!("http://{addr}")
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The seed reference page, parsed (its OpenAPI block) as JSON.
pub fn seed() -> serde_json::Value {
    let path = workspace().join("../shared/seed/send-array-of-custom-field-values.md");
    generator::load::read_file(&path)
        .expect("seed page reads")
        .value
}
