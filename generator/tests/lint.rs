//! `lint` on the published documents reports the problems we know they have.

use generator::{lint::lint, Diagnostic, Severity};

const SEED: &str = "../../shared/seed/send-array-of-custom-field-values.md";
const OMNICHANNEL: &str = "../../shared/specs/rocketchat/omnichannel.yaml";

fn shared(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn find<'a>(diags: &'a [Diagnostic], code: &str, pointer_part: &str) -> Option<&'a Diagnostic> {
    diags
        .iter()
        .find(|d| d.code == code && d.location.pointer.contains(pointer_part))
}

#[test]
fn seed_overwrite_example_is_reported_with_its_pointer() {
    let diags = lint(&[shared(SEED)], &Default::default());
    let d = find(&diags, "example-mismatch", "/requestBody/").expect("overwrite example reported");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.location.pointer,
        "/paths/~1api~1v1~1livechat~1custom.fields/post/requestBody/content/application~1json/examples/Example 1/value/customFields/0/overwrite"
    );
    assert!(d
        .location
        .file
        .ends_with("send-array-of-custom-field-values.md"));
    assert!(
        d.message.contains("\"true\"") && d.message.contains("boolean"),
        "{}",
        d.message
    );
}

#[test]
fn omnichannel_problems_are_reported() {
    let diags = lint(&[shared(OMNICHANNEL)], &Default::default());
    // The appearance example gives the string 'false' where the schema says boolean.
    let appearance = diags
        .iter()
        .find(|d| {
            d.code == "example-mismatch"
                && d.location.pointer.contains("livechat~1appearance")
                && d.message.contains("\"false\"")
        })
        .expect("appearance 'false' reported");
    assert!(appearance.message.contains("boolean"));
    // livechat/messages/{rid} never declares rid.
    let rid = find(&diags, "undeclared-path-param", "livechat~1messages~1{rid}")
        .expect("undeclared rid reported");
    assert_eq!(rid.severity, Severity::Error);
    assert!(rid.message.contains("`rid`"));
    // `sort` has only `format: object`.
    assert!(diags.iter().any(|d| d.code == "typeless-schema"));
}

#[test]
fn every_diagnostic_names_file_and_pointer() {
    for d in lint(&[shared(OMNICHANNEL)], &Default::default()) {
        assert!(d.location.file.ends_with("omnichannel.yaml"));
        assert!(d.location.pointer.starts_with('/'), "{d}");
    }
}

#[test]
fn enforced_2020_keywords_are_not_warned_and_examples_are_checked_against_them() {
    let fixture = shared("tests/fixtures/constructs/openapi31-keywords.yaml");
    let diags = lint(&[&fixture], &Default::default());
    assert!(
        diags.iter().all(|d| d.code != "unchecked-keyword"),
        "{diags:?}"
    );
    assert!(
        diags.iter().all(|d| d.code != "example-mismatch"),
        "{diags:?}"
    );

    // What the router does not enforce is still reported; examples that break a `pattern`,
    // `dependentRequired` or an `if`/`then` are mismatches.
    let dir = std::env::temp_dir().join(format!("lint-2020-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("unchecked.yaml");
    std::fs::write(
        &path,
        r#"openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                code: {type: string, pattern: '^\p{Lu}{2}$'}
                card: {type: string}
                kind: {type: string}
              dependentSchemas:
                card: {required: [code]}
              dependentRequired:
                card: [kind]
              unevaluatedProperties: {type: string}
              if: {required: [kind], properties: {kind: {const: x}}}
              then: {required: [code]}
            examples:
              lower: {value: {code: fr}}
              dependent: {value: {card: '1'}}
              clause: {value: {kind: x}}
      responses:
        '204': {description: ok}
"#,
    )
    .unwrap();
    let diags = lint(&[&path], &Default::default());
    let unchecked: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "unchecked-keyword")
        .map(|d| d.location.pointer.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(unchecked, ["dependentSchemas", "unevaluatedProperties"]);
    let mismatches: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == "example-mismatch")
        .collect();
    assert_eq!(mismatches.len(), 3, "{mismatches:?}");
    let about = |example: &str| {
        let d = mismatches
            .iter()
            .find(|d| {
                d.location
                    .pointer
                    .contains(&format!("/examples/{example}/"))
            })
            .unwrap_or_else(|| panic!("{example} not reported: {mismatches:?}"));
        d.message.as_str()
    };
    assert!(
        about("lower").contains("pattern `^\\p{Lu}{2}$`"),
        "{mismatches:?}"
    );
    assert!(
        about("dependent").contains("has `card` but lacks `kind`"),
        "{mismatches:?}"
    );
    assert!(
        about("clause").contains("required property `code`"),
        "{mismatches:?}"
    );
}
