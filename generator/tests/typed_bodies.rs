//! Which request bodies the router may decode directly: only those whose Rust type enforces
//! every rule of the spec (see `emit::schemas::type_is_exact`).

use generator::load::{parse_document, read_bytes, Format};

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Bodies, version: "1"}
paths:
  /plain:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [token]
              properties:
                token: {type: string}
                tags: {type: array, items: {type: string}}
                nested: {type: object, properties: {n: {type: integer}}}
      responses: {"200": {description: OK}}
  /bounded:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: {type: string, minLength: 2}
      responses: {"200": {description: OK}}
  /enumerated:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                kind: {type: string, enum: [a, b]}
      responses: {"200": {description: OK}}
  /closed:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                id: {type: string}
      responses: {"200": {description: OK}}
"#;

fn server_rs() -> String {
    let raw = read_bytes("bodies.yaml", SPEC.as_bytes(), Format::Yaml).expect("reads");
    let doc = parse_document(raw).expect("parses");
    let options = generator::Options {
        crate_name: "bodies".into(),
        regenerate_with: "test".into(),
        standalone: true,
        tests: true,
        build: Default::default(),
    };
    let generated = generator::generate_from(&[doc], &options).expect("generates");
    generated.files["src/server.rs"].clone()
}

/// The line that reads the body in the handler of `operation`.
fn body_read(server: &str, operation: &str) -> String {
    let start = server
        .find(&format!("async fn handle_{operation}<"))
        .unwrap_or_else(|| panic!("no handler for {operation}"));
    let rest = &server[start..];
    let end = rest.find("\n}\n").expect("end of handler");
    rest[..end]
        .lines()
        .find(|l| l.contains("json_body("))
        .unwrap_or_else(|| panic!("{operation} reads no JSON body"))
        .trim()
        .to_owned()
}

#[test]
fn only_bodies_whose_type_enforces_every_rule_are_decoded_directly() {
    let server = server_rs();
    assert!(body_read(&server, "post_plain").contains("typed_json_body("));
    for operation in ["post_bounded", "post_enumerated", "post_closed"] {
        let line = body_read(&server, operation);
        assert!(
            line.contains("req.json_body(") && !line.contains("typed_json_body("),
            "{operation}: {line}"
        );
    }
}
