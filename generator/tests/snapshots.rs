//! Snapshots of the generated code for each construct, from small fixtures we wrote
//! (`tests/fixtures/constructs/`). Review changes with `cargo insta review` (or set
//! `INSTA_UPDATE=always` and read the diff in git).

use std::path::Path;

fn generate(fixture: &str) -> generator::Generated {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/constructs")
        .join(fixture);
    let options = generator::Options {
        crate_name: "fixture".into(),
        regenerate_with: "cargo test -p generator --test snapshots".into(),
        standalone: true,
        tests: true,
        build: Default::default(),
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
fn security() {
    snapshot(
        "security.yaml",
        &["src/operations.rs", "src/client.rs", "src/server.rs"],
    );
}
