//! Broken documents give errors naming the file and the JSON pointer, never a panic.

use std::path::PathBuf;

use generator::{Error, Options};

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spec-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn options() -> Options {
    Options {
        crate_name: "t".into(),
        regenerate_with: "test".into(),
        standalone: true,
        tests: true,
        build: Default::default(),
    }
}

fn spec_error(name: &str, text: &str) -> generator::Diagnostic {
    let path = write(name, text);
    match generator::generate(&[&path], &options()) {
        Err(Error::Spec(d)) => {
            assert_eq!(d.location.file, path.display().to_string());
            *d
        }
        Err(other) => panic!("expected a spec error, got {other}"),
        Ok(_) => panic!("expected a spec error for {name}"),
    }
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

#[test]
fn bad_yaml_has_line_and_column() {
    let d = spec_error("bad.yaml", &format!("{HEAD}paths:\n  /a: [unclosed\n"));
    assert_eq!(d.code, "invalid-yaml");
    assert!(d.location.line_col.is_some());
}

#[test]
fn unknown_ref_names_the_ref() {
    let d = spec_error(
        "ref.yaml",
        &format!("{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Missing'}}\n"),
    );
    assert_eq!(d.code, "unknown-ref");
    assert_eq!(
        d.location.pointer,
        "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    );
}

#[test]
fn wrong_type_names_the_field() {
    let d = spec_error(
        "type.yaml",
        &format!("{HEAD}paths:\n  /a:\n    get:\n      responses: 7\n"),
    );
    assert_eq!(d.code, "invalid-document");
    assert_eq!(d.location.pointer, "/paths/~1a/get/responses");
}

#[test]
fn swagger_and_3_2_are_refused_by_name() {
    let d = spec_error(
        "swagger.yaml",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
    );
    assert!(d.message.contains("Swagger 2.0"), "{}", d.message);
    let d = spec_error(
        "v32.yaml",
        "openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n",
    );
    assert!(d.message.contains("3.2.0"), "{}", d.message);
}

#[test]
fn alias_cycle_is_an_error_but_recursion_is_fine() {
    let d = spec_error(
        "cycle.yaml",
        &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"),
    );
    assert_eq!(d.code, "ref-cycle");
    let path = write(
        "tree.yaml",
        &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        next: {{$ref: '#/components/schemas/Node'}}\n"),
    );
    let generated = generator::generate(&[&path], &options()).expect("recursive schema generates");
    assert!(generated.files["src/models.rs"].contains("pub next: Option<Box<Node>>"));
}

#[test]
fn conflicting_documents_name_both_files() {
    let a = write(
        "a.yaml",
        &format!("{HEAD}paths:\n  /x:\n    get:\n      responses: {{'200': {{description: a}}}}\n"),
    );
    let b = write(
        "b.yaml",
        &format!("{HEAD}paths:\n  /x:\n    get:\n      responses: {{'204': {{description: b}}}}\n"),
    );
    match generator::generate(&[&a, &b], &options()) {
        Err(e @ Error::Conflict { .. }) => {
            let text = e.to_string();
            assert!(text.contains("a.yaml") && text.contains("b.yaml"), "{text}");
        }
        other => panic!("expected a conflict, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn unreadable_callbacks_are_skipped_with_a_warning() {
    let path = write(
        "callbacks.yaml",
        &format!("{HEAD}paths:\n  /a:\n    get:\n      callbacks:\n        hook: {{$ref: '#/components/callbacks/Hook'}}\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  callbacks:\n    Hook:\n      '{{$request.body#/url}}':\n        post:\n          responses: {{'200': {{description: ok}}}}\n"),
    );
    let generated =
        generator::generate(&[&path], &options()).expect("generates without the callback");
    assert_eq!(generated.api.operations.len(), 1);
    assert!(
        generated
            .api
            .warnings
            .iter()
            .any(|w| w.code == "callbacks-skipped"
                && w.location.pointer == "/paths/~1a/get/callbacks")
    );
}
