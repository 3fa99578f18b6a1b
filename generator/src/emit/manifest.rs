//! `Cargo.toml` and `src/lib.rs` of a generated crate.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::EmitOptions;
use crate::ir::Api;

/// Versions of the crates generated code depends on (all from crates.io).
pub const DEPENDENCIES: &str = r#"[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
bytes = "1"
futures-core = "0.3"
axum = { version = "0.8", optional = true, default-features = false, features = ["http1", "tokio"] }
tokio = { version = "1", optional = true, features = ["fs", "net", "rt", "time"] }
serde_urlencoded = { version = "0.7", optional = true }
multer = { version = "3", optional = true, default-features = false }
# Bytes in JSON (`format: byte`, `contentEncoding: base64`) and Basic credentials.
base64 = "0.22"
regress = { version = "0.12", optional = true, default-features = false, features = ["std"] }
# rustls with ring rather than reqwest's default aws-lc-rs: a quarter less cold build, no CMake
# or NASM anywhere (see the generator's README).
reqwest = { version = "0.13", optional = true, default-features = false, features = ["json", "query", "multipart", "rustls-no-provider", "stream"] }
rustls = { version = "0.23", optional = true, default-features = false, features = ["ring", "std", "tls12"] }
futures-util = { version = "0.3", optional = true, default-features = false, features = ["std"] }
tracing = { version = "0.1", optional = true, default-features = false, features = ["std"] }
httpdate = { version = "1", optional = true }
tokio-util = { version = "0.7", optional = true, default-features = false, features = ["io"] }
http-body-util = { version = "0.1", optional = true }
eventsource-stream = { version = "0.2", optional = true }

[dev-dependencies]
tokio = { version = "1", features = ["macros", "net", "rt-multi-thread"] }
"#;

/// The crate's manifest (without its header comment).
pub fn cargo_toml(api: &Api, options: &EmitOptions) -> String {
    let description = format!(
        "Typed models, server trait and client for the {} API (generated).",
        api.title
    )
    .replace('\\', "")
    .replace('"', "'")
    .replace(|c: char| c.is_control(), " ");
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    let dependencies = user_dependencies(api);
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
description = "{description}"
publish = false

[lib]
doctest = false

[features]
default = []
# The `Api` trait and an axum router that validates requests.
server = ["dep:axum", "dep:tokio", "dep:serde_urlencoded", "dep:multer", "dep:regress", "dep:futures-util", "dep:tokio-util", "dep:http-body-util"]
# A typed reqwest client with credentials, retries, timeouts, hooks, tracing and paging.
client = ["dep:reqwest", "dep:rustls", "dep:futures-util", "dep:serde_urlencoded", "dep:tracing", "dep:httpdate", "dep:tokio", "dep:tokio-util", "dep:eventsource-stream"]

{dependencies}{workspace}"#,
        name = options.crate_name,
    )
}

/// [`DEPENDENCIES`] with the crates of the user's types added to `[dependencies]`.
fn user_dependencies(api: &Api) -> String {
    let mut extra = String::new();
    for (krate, t) in &api.dependencies {
        if DEPENDENCIES.contains(&format!("\n{krate} = ")) {
            continue; // already a dependency of every generated crate
        }
        let quoted = |s: &str| serde_json::Value::from(s).to_string();
        let version = quoted(t.version.as_deref().unwrap_or("*"));
        let features: Vec<String> = t.features.iter().map(|f| quoted(f)).collect();
        // Crate names are checked to be bare TOML keys.
        extra.push_str(&format!(
            "{krate} = {{ version = {version}, features = [{}] }}\n",
            features.join(", ")
        ));
    }
    DEPENDENCIES.replacen(
        "\n[dev-dependencies]",
        &format!("{extra}\n[dev-dependencies]"),
        1,
    )
}

/// `src/lib.rs`.
pub fn lib_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let title = format!(
        "{} {}",
        docs::sanitize(&api.title),
        docs::sanitize(&api.version)
    );
    let sources = format!(
        "Generated from {}.",
        options
            .source_names
            .iter()
            .map(|s| format!("`{}`", s.replace('`', "'")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let description = api
        .description
        .as_deref()
        .map(docs::sanitize)
        .filter(|d| !d.trim().is_empty())
        .map(|d| format!("{d}\n\n"))
        .unwrap_or_default();
    let text = format!(
        "{title}\n\n{sources}\n\n{description}\
         - [`models`]: the API's data types (always built; only serde and serde_json).\n\
         - [`operations`]: per operation an input struct and an output enum with one variant per documented status.\n\
         - `server` (feature `server`): the `Api` trait and an axum router that validates requests.\n\
         - `client` (feature `client`): a typed reqwest client with credentials, retries, timeouts, hooks and paging.{}",
        if api.webhooks.is_empty() {
            ""
        } else {
            "\n- [`webhooks`]: the requests the API sends to its subscribers (webhooks and callbacks): a router to receive them (feature `server`), a client to send them (feature `client`)."
        }
    );
    let doc = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    let webhooks = (!api.webhooks.is_empty()).then(|| {
        quote!(
            pub mod webhooks;
        )
    });
    quote! {
        #( #![doc = #doc] )*
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, clippy::result_large_err)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        pub mod models;
        pub mod operations;
        #[doc(hidden)]
        pub mod rt;
        #[cfg(feature = "server")]
        pub mod schemas;
        #[cfg(feature = "server")]
        pub mod server;
        #[cfg(feature = "client")]
        pub mod client;

        #webhooks

        pub use operations::{Credentials, OperationInfo, OPERATIONS};
        pub use rt::stream::{ByteStream, Bytes, Event, EventStream, Stream, StreamError};
    }
}

/// `src/webhooks/mod.rs`: the webhooks and callbacks as a module of their own, laid out as the
/// crate is (operations, server with schemas, client), sharing its models.
pub fn webhooks_rs(hooks: &Api) -> TokenStream {
    let list: Vec<String> = hooks
        .operations
        .iter()
        .map(|op| {
            format!(
                "- `{} {}`: [`operations::{}`]",
                op.method.as_upper(),
                op.path.replace('`', "'"),
                op.output_type
            )
        })
        .collect();
    let text = format!(
        "Requests the API sends to its subscribers: OpenAPI 3.1 `webhooks` and the operations' `callbacks`.\n\n\
         A subscriber implements [`server::Api`] and serves [`server::router`] (feature `server`): each webhook is routed at `/<its name>`, so nest the router under the prefix its URL has. The API's side sends them with [`client::Client`] (feature `client`), made with the URL the subscriber registered for the webhook (for a callback, the URL its runtime expression gives): it posts to that URL as it is.\n\n{}",
        list.join("\n")
    );
    let doc = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! {
        #( #![doc = #doc] )*

        pub mod operations;
        #[cfg(feature = "server")]
        pub mod schemas;
        #[cfg(feature = "server")]
        pub mod server;
        #[cfg(feature = "client")]
        pub mod client;
    }
}
