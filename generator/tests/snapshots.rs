//! Snapshots of the generated code for each construct, from small fixtures we wrote
//! (`tests/fixtures/constructs/`). Review changes with `cargo insta review` (or set
//! `INSTA_UPDATE=always` and read the diff in git).

use std::path::Path;

fn generate(fixture: &str) -> generator::Generated {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/constructs")
        .join(fixture);
    // A fixture's configuration, if it has one: `tests/fixtures/configs/<name>`.
    let config = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/configs")
        .join(fixture);
    let build = if config.exists() {
        generator::BuildOptions::from_file(&config).expect("configuration reads")
    } else {
        Default::default()
    };
    let options = generator::Options {
        crate_name: "fixture".into(),
        regenerate_with: "cargo test -p generator --test snapshots".into(),
        standalone: true,
        tests: true,
        build,
    };
    // Headers name the fixture by its file name only, so snapshots do not depend on the checkout path.
    let mut raw = generator::load::read_file(&path).expect("fixture reads");
    raw.file = fixture.to_owned();
    let doc = generator::load::parse_document(raw).expect("fixture parses");
    generator::generate_from(&[doc], &options).expect("fixture generates")
}

fn snapshot(fixture: &str, files: &[&str]) {
    let generated = generate(fixture);
    for file in files {
        let name = format!(
            "{}__{}",
            fixture.trim_end_matches(".yaml"),
            file.replace(['/', '.'], "_")
        );
        insta::assert_snapshot!(name, generated.files[*file]);
    }
}

#[test]
fn bodies() {
    // Multipart (files, a JSON part, repeated parts), form and text bodies.
    snapshot(
        "bodies.yaml",
        &[
            "src/models.rs",
            "src/operations.rs",
            "src/server.rs",
            "src/client.rs",
            "src/schemas.rs",
        ],
    );
}

#[test]
fn objects() {
    snapshot(
        "objects.yaml",
        &[
            "src/models.rs",
            "src/operations.rs",
            "src/server.rs",
            "src/client.rs",
            "src/schemas.rs",
        ],
    );
}

#[test]
fn polymorphism() {
    snapshot("polymorphism.yaml", &["src/models.rs", "src/operations.rs"]);
}

#[test]
fn names() {
    snapshot("names.yaml", &["src/models.rs", "src/operations.rs"]);
}

#[test]
fn parameters() {
    snapshot(
        "params.yaml",
        &["src/operations.rs", "src/server.rs", "src/client.rs"],
    );
}

#[test]
fn nullable_bodies() {
    // Required bodies are sent as `Some(&input.body)`: a nullable one (`Option<T>`) compiles
    // (`rocketchat_crates` builds and tests this fixture's crate) and is sent as it is.
    snapshot(
        "nullable-bodies.yaml",
        &["src/operations.rs", "src/client.rs"],
    );
}

#[test]
fn shared_shapes() {
    // A shape shared under one role is named after it (`BadRequest`, `Author`); every place
    // keeps its own name as an alias. `u` is too short to name a type (`codegen.yaml` can name
    // it); the two `owner` shapes differ, so each is its own place's type.
    snapshot("shared-shapes.yaml", &["src/models.rs"]);
}

#[test]
fn user_types() {
    // `x-rust-type`, format mappings and derives from `tests/fixtures/configs/user-types.yaml`;
    // `rocketchat_crates` builds the crate and runs its tests.
    snapshot("user-types.yaml", &["src/models.rs", "Cargo.toml"]);
}

#[test]
fn openapi31() {
    // OpenAPI 3.1 read through the 3.0 pipeline: type arrays, `const`, `examples`, numeric
    // exclusive bounds, `$defs`, `$ref` with siblings, base64 bytes, a tuple.
    snapshot("openapi31.yaml", &["src/models.rs", "src/operations.rs"]);
}

#[test]
fn security() {
    snapshot(
        "security.yaml",
        &["src/operations.rs", "src/client.rs", "src/server.rs"],
    );
}

#[test]
fn webhooks() {
    // 3.1 webhooks and a callback: a `webhooks` module laid out as the crate is (operations,
    // a router to receive them, a client to send them), sharing the models.
    snapshot(
        "webhooks.yaml",
        &[
            "src/lib.rs",
            "src/webhooks/mod.rs",
            "src/webhooks/operations.rs",
            "src/webhooks/server.rs",
            "src/webhooks/client.rs",
        ],
    );
}

#[test]
fn openapi31_keywords() {
    // The 2020-12 keywords' validation statics, and the Rust types they leave (tuples).
    snapshot(
        "openapi31-keywords.yaml",
        &["src/models.rs", "src/operations.rs", "src/schemas.rs"],
    );
}

#[test]
fn streams() {
    // Binary bodies in and out as `rt::ByteStream` (the handler reads the request body as it
    // comes), `text/event-stream` as `rt::EventStream` of JSON or text data.
    snapshot(
        "streams.yaml",
        &[
            "src/operations.rs",
            "src/server.rs",
            "src/client.rs",
            "tests/server_client.rs",
        ],
    );
}

#[test]
fn response_headers() {
    // Declared response headers: a typed struct after the body in each variant, decoded by the
    // client and written by the router in their style (`Content-Type` left out).
    snapshot(
        "response-headers.yaml",
        &["src/operations.rs", "src/client.rs", "src/server.rs"],
    );
}
