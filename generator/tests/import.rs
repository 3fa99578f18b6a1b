//! Spec import: the published Rocket.Chat documents survive import fact by fact, the prose goes,
//! the output is stable, and merge/update behave.

use std::path::{Path, PathBuf};

use generator::diagnostics::Error;
use generator::import::{canonicalize, merge, spec_file_stem, to_yaml, update};
use generator::load::{read_bytes, read_file, Format, RawDocument};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------------
// Helpers

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// The twelve published documents, read in place.
fn published() -> Vec<RawDocument> {
    let dir = shared_dir().join("specs/rocketchat");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert_eq!(
        paths.len(),
        12,
        "expected the twelve published documents in {}",
        dir.display()
    );
    paths
        .iter()
        .map(|p| read_file(p).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn published_one(name: &str) -> RawDocument {
    let path = shared_dir().join("specs/rocketchat").join(name);
    read_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_yaml(text: &str) -> Value {
    read_bytes("imported.yaml", text.as_bytes(), Format::Yaml)
        .unwrap_or_else(|e| panic!("{e}"))
        .value
}

fn parse_fixture(text: &str) -> Value {
    read_bytes("fixture.yaml", text.as_bytes(), Format::Yaml)
        .unwrap_or_else(|e| panic!("{e}"))
        .value
}

/// Imports a document the way the xtask does and reads the written YAML back.
fn import(doc: &Value) -> (String, Value) {
    let yaml = to_yaml(&canonicalize(doc));
    let back = parse_yaml(&yaml);
    (yaml, back)
}

/// Replaces every local `$ref` by its target, recursively; a cyclic or dangling `$ref` is left as
/// it is, and nesting is bounded.
fn resolve(root: &Value, value: &Value, stack: &mut Vec<String>) -> Value {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(pointer) = reference.strip_prefix('#') {
                    if !stack.contains(reference) && stack.len() < 32 {
                        if let Some(target) = root.pointer(pointer) {
                            stack.push(reference.clone());
                            let out = resolve(root, target, stack);
                            stack.pop();
                            return out;
                        }
                    }
                }
                return value.clone();
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), resolve(root, v, stack)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolve(root, v, stack)).collect())
        }
        _ => value.clone(),
    }
}

fn resolved(doc: &Value) -> Value {
    resolve(doc, doc, &mut Vec::new())
}

/// Keys whose values are copied verbatim by the import (never stripped).
fn is_opaque_key(key: &str) -> bool {
    key.starts_with("x-")
        || matches!(
            key,
            "example"
                | "default"
                | "enum"
                | "value"
                | "required"
                | "security"
                | "mapping"
                | "scopes"
        )
}

/// Keys whose values are maps from names (not keywords) to OpenAPI objects.
fn is_names_key(key: &str) -> bool {
    matches!(
        key,
        "paths"
            | "properties"
            | "responses"
            | "content"
            | "examples"
            | "headers"
            | "schemas"
            | "parameters"
            | "callbacks"
            | "links"
            | "encoding"
            | "variables"
            | "securitySchemes"
            | "requestBodies"
    )
}

/// Keys holding an OpenAPI object or list, where `null` means "none".
fn is_container_key(key: &str) -> bool {
    is_names_key(key)
        || matches!(
            key,
            "info"
                | "servers"
                | "tags"
                | "components"
                | "items"
                | "allOf"
                | "oneOf"
                | "anyOf"
                | "not"
                | "schema"
                | "requestBody"
                | "externalDocs"
        )
}

/// The test's own statement of the prose rule: drop every `description` member of an OpenAPI
/// object (responses' too), but not property *names* nor anything inside example, default, enum
/// or extension values; drop `null` maps and lists.
fn prose_free(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) if names => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), prose_free(v, false)))
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                if key == "description" {
                    continue;
                }
                if is_opaque_key(key) {
                    out.insert(key.clone(), v.clone());
                    continue;
                }
                if v.is_null() && is_container_key(key) {
                    continue;
                }
                out.insert(key.clone(), prose_free(v, is_names_key(key)));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| prose_free(v, false)).collect()),
        _ => value.clone(),
    }
}

/// The facts of a document: `$ref`s resolved, prose gone.
fn facts(doc: &Value) -> Value {
    prose_free(&resolved(doc), false)
}

/// The first place where two trees differ, as a JSON pointer with both sides.
fn first_difference(a: &Value, b: &Value, pointer: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let here = format!("{pointer}/{key}");
                match (x.get(key), y.get(key)) {
                    (Some(l), Some(r)) => {
                        if let Some(d) = first_difference(l, r, &here) {
                            return Some(d);
                        }
                    }
                    (l, r) => return Some(format!("{here}: {l:?} != {r:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{pointer}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{pointer}: {a} != {b}")),
    }
}

fn assert_same_facts(published: &Value, imported: &Value, what: &str) {
    let (p, i) = (facts(published), facts(imported));
    if let Some(d) = first_difference(&p, &i, "") {
        panic!("{what}: the import lost or changed a fact at {d}");
    }
}

/// Reason phrases of common status codes, stated independently of the implementation.
fn expected_phrase(status: &str) -> Option<&'static str> {
    Some(match status {
        "200" => "OK",
        "201" => "Created",
        "204" => "No Content",
        "400" => "Bad Request",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "Not Found",
        "500" => "Internal Server Error",
        "2XX" => "Success",
        "default" => "Default response",
        _ => return None,
    })
}

/// Every `description` member left in an imported document that is not a response's reason
/// phrase (property names, example values and extensions excepted).
fn stray_descriptions(value: &Value, names: bool, path: &mut Vec<String>, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if !names {
                    if key == "description" {
                        let n = path.len();
                        let in_response = n >= 2
                            && path[n - 2] == "responses"
                            && (path[0] == "paths" || (n == 3 && path[0] == "components"));
                        let ok = in_response
                            && match (path[0].as_str(), v.as_str()) {
                                ("paths", Some(text)) => expected_phrase(&path[n - 1])
                                    .is_none_or(|phrase| phrase == text),
                                (_, Some(text)) => !text.is_empty(),
                                _ => false,
                            };
                        if !ok {
                            out.push(format!("/{}/description: {v}", path.join("/")));
                        }
                        continue;
                    }
                    if is_opaque_key(key) {
                        continue;
                    }
                }
                path.push(key.clone());
                stray_descriptions(v, !names && is_names_key(key), path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                stray_descriptions(v, false, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn assert_no_prose(doc: &Value, what: &str) {
    let mut stray = Vec::new();
    stray_descriptions(doc, false, &mut Vec::new(), &mut stray);
    assert!(
        stray.is_empty(),
        "{what}: prose left in the import: {:#?}",
        &stray[..stray.len().min(10)]
    );
}

/// All (path, method) pairs of a document, sorted.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.get(method).is_some() {
                out.push((path.clone(), method.to_owned()));
            }
        }
    }
    out.sort();
    out
}

/// The same document written as YAML with the keys of every mapping in reverse order (arrays
/// kept in order), read back.
fn with_keys_reversed(doc: &Value) -> Value {
    fn reverse(value: &Value) -> serde_yaml::Value {
        match value {
            Value::Object(map) => {
                let mut out = serde_yaml::Mapping::new();
                for (k, v) in map.iter().rev() {
                    out.insert(serde_yaml::Value::String(k.clone()), reverse(v));
                }
                serde_yaml::Value::Mapping(out)
            }
            Value::Array(items) => serde_yaml::Value::Sequence(items.iter().map(reverse).collect()),
            other => serde_yaml::to_value(other).expect("scalar"),
        }
    }
    let text = serde_yaml::to_string(&reverse(doc)).expect("yaml");
    parse_yaml(&text)
}

fn raw(file: &str, value: Value) -> RawDocument {
    RawDocument {
        file: file.to_owned(),
        value,
    }
}

// ---------------------------------------------------------------------------------------------
// The published documents

#[test]
fn published_documents_import_without_losing_facts() {
    for doc in published() {
        let canonical = canonicalize(&doc.value);
        let (yaml, back) = import(&doc.value);
        assert!(
            yaml.ends_with('\n'),
            "{}: output must end in a newline",
            doc.file
        );
        assert_eq!(
            back, canonical,
            "{}: the YAML does not read back as the canonical document",
            doc.file
        );
        assert_same_facts(&doc.value, &back, &doc.file);
        assert_no_prose(&back, &doc.file);
        assert_eq!(
            operations(&back),
            operations(&doc.value),
            "{}: operations differ",
            doc.file
        );
        let stem = Path::new(&doc.file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert_eq!(spec_file_stem(&back), stem, "{}", doc.file);
    }
}

#[test]
fn omnichannel_keeps_all_165_operations() {
    let doc = published_one("omnichannel.yaml");
    let (_, back) = import(&doc.value);
    assert_eq!(back["paths"].as_object().map(Map::len), Some(141));
    assert_eq!(operations(&back).len(), 165);
    let ids: std::collections::BTreeSet<_> = operations(&back)
        .iter()
        .filter_map(|(p, m)| {
            back["paths"][p][m]["operationId"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(ids.len(), 165, "every operation keeps its operationId");
}

#[test]
fn responses_get_reason_phrases() {
    let doc = published_one("omnichannel.yaml");
    let (_, back) = import(&doc.value);
    let mut checked = 0;
    for (path, method) in operations(&back) {
        for (status, response) in back["paths"][&path][&method]["responses"]
            .as_object()
            .into_iter()
            .flatten()
        {
            if response.get("$ref").is_some() {
                continue;
            }
            let description = response["description"].as_str();
            assert!(
                description.is_some_and(|d| !d.is_empty()),
                "{method} {path} {status}"
            );
            if let Some(expected) = expected_phrase(status) {
                assert_eq!(description, Some(expected), "{method} {path} {status}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} responses checked");
    // A component response takes the phrase of the status it is referenced under.
    assert_eq!(
        back["components"]["responses"]["authorizationError"]["description"],
        "Unauthorized"
    );
}

#[test]
fn output_does_not_depend_on_input_key_order() {
    for doc in published() {
        let (yaml, _) = import(&doc.value);
        let (shuffled, _) = import(&with_keys_reversed(&doc.value));
        assert!(
            yaml == shuffled,
            "{}: key order of the input changed the output",
            doc.file
        );
        assert_eq!(
            to_yaml(&canonicalize(&doc.value)),
            yaml,
            "{}: not deterministic",
            doc.file
        );
    }
}

#[test]
fn import_is_idempotent() {
    for doc in published() {
        let (yaml, back) = import(&doc.value);
        let (again, _) = import(&back);
        assert!(
            yaml == again,
            "{}: importing the import changed it",
            doc.file
        );
    }
}

#[test]
fn seed_reference_page_reads_and_canonicalizes() {
    let page = read_file(&shared_dir().join("seed/send-array-of-custom-field-values.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (yaml, back) = import(&page.value);
    assert_eq!(back, canonicalize(&page.value));
    assert_same_facts(&page.value, &back, &page.file);
    assert_no_prose(&back, &page.file);
    let op = &back["paths"]["/api/v1/livechat/custom.fields"]["post"];
    assert_eq!(op["operationId"], "post-api-v1-livechat-custom.fields");
    assert_eq!(op["summary"], "Send Array of Custom Field Values");
    assert!(op.get("description").is_none());
    assert_eq!(spec_file_stem(&back), "omnichannel");
    assert!(
        !yaml.contains("Changelog"),
        "the page's prose must not reach the spec"
    );
}

// ---------------------------------------------------------------------------------------------
// Structure-aware stripping

const FIXTURE: &str = r#"
openapi: 3.0.3
info:
  title: Fixture API
  version: 2.0.0
  description: About the fixture.
servers:
  - url: https://example.com
    description: Production.
    variables:
      v: {default: a, enum: [a, b], description: A variable.}
tags:
  - name: pets
    description: Pets.
    externalDocs: {url: https://example.com/docs, description: More.}
paths:
  /pets/{id}:
    description: One pet.
    parameters:
      - {name: id, in: path, required: true, description: The id., schema: {type: string, description: An id.}}
    get:
      description: Gets a pet.
      operationId: getPet
      responses:
        '200':
          description: The pet, in full.
          headers:
            X-Rate: {description: The rate., schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              example: {description: an example value, name: Rex}
              examples:
                one:
                  summary: One pet
                  description: An example.
                  value: {description: kept, nested: {description: kept too}}
        '404': {$ref: '#/components/responses/NotFound'}
components:
  schemas:
    Pet:
      type: object
      description: A pet.
      required: [name, description]
      properties:
        name: {type: string, description: The name., default: {description: default value}}
        description: {type: string, description: The pet's description., enum: [description, other]}
        tags:
          type: array
          items: {type: string, description: A tag.}
        extra:
          type: object
          additionalProperties: {type: string, description: A value.}
          x-notes: {description: extension value}
          allOf:
            - {description: Part one., type: object}
  responses:
    NotFound: {description: Not here., content: {application/json: {schema: {type: object}}}}
  parameters:
    limit: {name: limit, in: query, description: How many., schema: {type: integer}}
  requestBodies:
    PetBody: {description: A pet body., content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
  securitySchemes:
    token: {type: apiKey, name: X-Token, in: header, description: The token.}
  examples:
    Ex: {summary: S, description: D, value: {description: value}}
"#;

#[test]
fn prose_goes_but_facts_named_description_stay() {
    let doc = parse_fixture(FIXTURE);
    let (_, back) = import(&doc);
    assert_no_prose(&back, "fixture");
    assert_same_facts(&doc, &back, "fixture");
    let pet = &back["components"]["schemas"]["Pet"];
    assert!(pet.get("description").is_none());
    assert_eq!(
        pet["properties"]["description"],
        json!({"type": "string", "enum": ["description", "other"]})
    );
    assert_eq!(pet["required"], json!(["name", "description"]));
    assert_eq!(
        pet["properties"]["name"]["default"],
        json!({"description": "default value"})
    );
    assert_eq!(
        pet["properties"]["extra"]["x-notes"],
        json!({"description": "extension value"})
    );
    assert_eq!(
        pet["properties"]["extra"]["allOf"],
        json!([{"type": "object"}])
    );
    assert_eq!(
        pet["properties"]["tags"]["items"],
        json!({"type": "string"})
    );
    let media =
        &back["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"]["application/json"];
    assert_eq!(
        media["example"],
        json!({"description": "an example value", "name": "Rex"})
    );
    assert_eq!(
        media["examples"]["one"],
        json!({"summary": "One pet", "value": {"description": "kept", "nested": {"description": "kept too"}}})
    );
    assert_eq!(
        media["schema"],
        json!({"$ref": "#/components/schemas/Pet"}),
        "$refs stay $refs"
    );
    let ok = &back["paths"]["/pets/{id}"]["get"]["responses"]["200"];
    assert_eq!(ok["description"], "OK");
    assert_eq!(
        ok["headers"]["X-Rate"],
        json!({"schema": {"type": "integer"}})
    );
    assert_eq!(
        back["components"]["responses"]["NotFound"]["description"],
        "Not Found"
    );
    assert_eq!(
        back["components"]["examples"]["Ex"],
        json!({"summary": "S", "value": {"description": "value"}})
    );
    assert_eq!(
        back["info"],
        json!({"title": "Fixture API", "version": "2.0.0"})
    );
    assert_eq!(
        back["tags"],
        json!([{"name": "pets", "externalDocs": {"url": "https://example.com/docs"}}])
    );
    assert_eq!(
        back["components"]["securitySchemes"]["token"],
        json!({"type": "apiKey", "name": "X-Token", "in": "header"})
    );
}

#[test]
fn nulls_mean_none_for_maps_but_stay_in_values() {
    let doc = parse_fixture(
        "openapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas: null\n  \
         responses:\n    R: {description: x, content: {application/json: {schema: {type: object, x-examples: null, \
         example: null, default: null}}}}\n",
    );
    let back = canonicalize(&doc);
    assert!(back["components"].get("schemas").is_none());
    let schema = &back["components"]["responses"]["R"]["content"]["application/json"]["schema"];
    assert_eq!(
        schema,
        &json!({"type": "object", "x-examples": null, "example": null, "default": null})
    );
    assert_eq!(
        back["components"]["responses"]["R"]["description"], "Response",
        "referenced nowhere"
    );
}

#[test]
fn yaml_has_the_stable_key_order() {
    let doc = parse_fixture(
        r#"
x-b: 1
components:
  schemas:
    Z: {x-a: 1, required: [b, a], properties: {b: {type: string}, a: {format: int64, type: integer}}, type: object}
    A: {type: string}
paths:
  /b:
    post: {responses: {default: {description: d}, '404': {description: d}, '2XX': {description: d}, '201': {description: d}, '200': {description: d}}}
    get: {x-op: 1, security: [], deprecated: true, responses: {}, requestBody: {content: {}}, parameters: [{schema: {type: string}, required: true, in: query, name: q}], operationId: b, summary: S, tags: [z, a]}
    parameters: []
  /a: {}
tags: [{name: z}, {name: a}]
servers: [{url: u}]
info: {version: '1', title: T}
openapi: 3.0.3
"#,
    );
    // `3.0.3` is quoted: YAML 1.1's float rule (`[0-9]*\.[0-9.]*`) would read a number.
    let expected = r#"openapi: '3.0.3'
info:
  title: T
  version: '1'
servers:
- url: u
tags:
- name: z
- name: a
paths:
  /a: {}
  /b:
    parameters: []
    get:
      tags:
      - z
      - a
      summary: S
      operationId: b
      parameters:
      - name: q
        in: query
        required: true
        schema:
          type: string
      requestBody:
        content: {}
      responses: {}
      deprecated: true
      security: []
      x-op: 1
    post:
      responses:
        '200':
          description: OK
        '201':
          description: Created
        2XX:
          description: Success
        '404':
          description: Not Found
        default:
          description: Default response
components:
  schemas:
    A:
      type: string
    Z:
      type: object
      properties:
        a:
          type: integer
          format: int64
        b:
          type: string
      required:
      - b
      - a
      x-a: 1
x-b: 1
"#;
    let yaml = to_yaml(&canonicalize(&doc));
    assert!(yaml == expected, "got:\n{yaml}");
}

#[test]
fn odd_inputs_do_not_panic() {
    let odd = [
        json!(null),
        json!([1, 2, {"description": "x"}]),
        json!("text"),
        json!({"paths": "x", "info": 3, "tags": {"a": 1}, "servers": [null, 1]}),
        json!({"paths": {"/a": {"get": {"responses": {"200": "x", "599": {}, "2xx": null}}, "parameters": {"a": 1}}}}),
        json!({"components": {"schemas": [1], "responses": {"R": 1}}, "paths": {"/a": [1]}}),
        json!({"paths": {"/a": {"get": {"responses": {"599": {}, "x-e": {"description": "kept"}}}}}}),
    ];
    for doc in &odd {
        let yaml = to_yaml(&canonicalize(doc));
        assert!(yaml.ends_with('\n'));
        let _ = update(doc, doc);
        let _ = merge(&[raw("a", doc.clone()), raw("b", doc.clone())]);
        let _ = spec_file_stem(doc);
    }
    let c = canonicalize(&odd[6]);
    assert_eq!(
        c["paths"]["/a"]["get"]["responses"]["599"]["description"],
        "Status 599"
    );
    assert_eq!(
        c["paths"]["/a"]["get"]["responses"]["x-e"],
        json!({"description": "kept"})
    );
    assert!(merge(&[]).is_err());
    assert!(merge(&[raw("a", json!([]))]).is_err());
}

#[test]
fn file_stems() {
    assert_eq!(
        spec_file_stem(&json!({"info": {"title": "Omnichannel"}})),
        "omnichannel"
    );
    assert_eq!(
        spec_file_stem(&json!({"info": {"title": "User Management"}})),
        "user-management"
    );
    assert_eq!(
        spec_file_stem(&json!({"info": {"title": "Rocket.Chat REST API"}})),
        "rocket-chat-rest-api"
    );
    assert_eq!(spec_file_stem(&json!({"info": {"title": " / "}})), "api");
    assert_eq!(spec_file_stem(&json!({"info": {}})), "api");
    assert_eq!(spec_file_stem(&json!(null)), "api");
}

// ---------------------------------------------------------------------------------------------
// Merge and update

fn small(summary: &str, pet_type: &str) -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Small", "version": "1"},
        "tags": [{"name": "pets", "description": "Prose."}],
        "paths": {"/pets": {"get": {
            "summary": summary,
            "description": format!("Prose about {summary}."),
            "responses": {"200": {"description": "A list."}}
        }}},
        "components": {"schemas": {"Pet": {"type": pet_type, "description": "A pet."}}}
    })
}

#[test]
fn merge_conflict_names_both_files() {
    let err = merge(&[
        raw("a.yaml", small("List", "object")),
        raw("b.yaml", small("List pets", "object")),
    ])
    .expect_err("different operations must conflict");
    match &err {
        Error::Conflict {
            method,
            path,
            first,
            second,
        } => {
            assert_eq!((method.as_str(), path.as_str()), ("GET", "/pets"));
            assert_eq!((first.as_str(), second.as_str()), ("a.yaml", "b.yaml"));
        }
        other => panic!("expected a conflict, got {other}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("a.yaml") && message.contains("b.yaml"),
        "{message}"
    );

    let err = merge(&[
        raw("a.yaml", small("List", "object")),
        raw("b.yaml", small("List", "string")),
    ])
    .expect_err("different components must conflict");
    match &err {
        Error::Spec(d) => {
            assert_eq!(d.location.pointer, "/components/schemas/Pet");
            assert!(
                d.message.contains("a.yaml") && d.message.contains("b.yaml"),
                "{}",
                d.message
            );
        }
        other => panic!("expected a spec error, got {other}"),
    }
}

#[test]
fn identical_duplicates_merge_fine() {
    // Differences in prose only are not conflicts.
    let mut other = small("List", "object");
    other["paths"]["/pets"]["get"]["description"] = json!("Other prose.");
    other["info"]["title"] = json!("Second");
    let merged =
        merge(&[raw("a.yaml", small("List", "object")), raw("b.yaml", other)]).expect("merges");
    assert_eq!(
        merged,
        canonicalize(&small("List", "object")),
        "the first document's info wins"
    );

    let omni = published_one("omnichannel.yaml");
    let copy = raw("copy/omnichannel.yaml", omni.value.clone());
    let merged = merge(&[omni.clone(), copy]).expect("identical documents merge");
    assert_eq!(merged, canonicalize(&omni.value));
    assert_eq!(
        merge(std::slice::from_ref(&omni)).expect("one document"),
        canonicalize(&omni.value)
    );
}

#[test]
fn merge_takes_the_union() {
    let a = small("List", "object");
    let b = json!({
        "openapi": "3.0.0",
        "info": {"title": "B", "version": "2"},
        "servers": [{"url": "https://b"}],
        "tags": [{"name": "owners"}, {"name": "pets"}],
        "paths": {
            "/pets": {"post": {"responses": {"201": {"description": "x"}}}},
            "/owners": {"get": {"responses": {"401": {"$ref": "#/components/responses/Denied"}}}}
        },
        "components": {
            "schemas": {"Pet": {"type": "object"}, "Owner": {"type": "object"}},
            "responses": {"Denied": {"description": "no"}}
        }
    });
    let merged = merge(&[raw("a.yaml", a), raw("b.yaml", b)]).expect("merges");
    assert_eq!(merged["info"], json!({"title": "Small", "version": "1"}));
    assert!(
        merged.get("servers").is_some(),
        "servers of a later document fill a gap"
    );
    assert_eq!(
        merged["tags"],
        json!([{"name": "pets"}, {"name": "owners"}])
    );
    assert_eq!(
        operations(&merged),
        [("/owners", "get"), ("/pets", "get"), ("/pets", "post")]
            .map(|(p, m)| (p.to_owned(), m.to_owned()))
    );
    let mut schemas: Vec<_> = merged["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    schemas.sort();
    assert_eq!(schemas, ["Owner", "Pet"]);
    assert_eq!(
        merged["components"]["responses"]["Denied"]["description"],
        "Unauthorized"
    );
}

#[test]
fn merging_all_published_documents_reports_or_succeeds_without_panicking() {
    // The published documents repeat shared components (auth headers, paging parameters) with
    // small differences; merging them either succeeds or names the two files that disagree.
    let docs = published();
    match merge(&docs) {
        Ok(merged) => assert!(operations(&merged).len() >= 165),
        Err(Error::Conflict { first, second, .. }) => assert!(first != second),
        Err(Error::Spec(d)) => assert!(d.message.contains(".yaml"), "{}", d.message),
        Err(other) => panic!("unexpected error {other}"),
    }
}

#[test]
fn update_replaces_only_the_pages_operation() {
    let omni = published_one("omnichannel.yaml");
    let existing = canonicalize(&omni.value);
    let mut page = read_file(&shared_dir().join("seed/send-array-of-custom-field-values.md"))
        .unwrap_or_else(|e| panic!("{e}"))
        .value;
    let path = "/api/v1/livechat/custom.fields";
    page["paths"][path]["post"]["summary"] = json!("Changed summary");
    let updated = update(&existing, &page);
    assert_eq!(
        updated["paths"][path]["post"],
        canonicalize(&page)["paths"][path]["post"]
    );
    assert_eq!(updated["paths"][path]["post"]["summary"], "Changed summary");
    assert_eq!(operations(&updated), operations(&existing));
    for (p, m) in operations(&existing) {
        if (p.as_str(), m.as_str()) != (path, "post") {
            assert_eq!(
                updated["paths"][&p][&m], existing["paths"][&p][&m],
                "{m} {p} must be kept"
            );
        }
    }
    for key in ["openapi", "info", "servers", "tags", "components"] {
        assert_eq!(updated.get(key), existing.get(key), "{key} must be kept");
    }
    assert_eq!(
        update(&updated, &page),
        updated,
        "updating twice changes nothing"
    );

    // Other methods of the same path stay; the page's components are added or replaced.
    let existing = canonicalize(&json!({
        "openapi": "3.0.0", "info": {"title": "E", "version": "1"},
        "paths": {"/a": {"get": {"summary": "old get", "responses": {}}, "post": {"summary": "old post", "responses": {}}}},
        "components": {"schemas": {"Keep": {"type": "string"}, "Swap": {"type": "string"}}}
    }));
    let page = json!({
        "openapi": "3.0.0", "info": {"title": "Page", "version": "9"},
        "paths": {"/a": {"post": {"summary": "new post", "description": "Prose.", "responses": {}}}},
        "components": {"schemas": {"Swap": {"type": "integer"}, "New": {"type": "boolean"}}}
    });
    let updated = update(&existing, &page);
    assert_eq!(updated["paths"]["/a"]["get"]["summary"], "old get");
    assert_eq!(
        updated["paths"]["/a"]["post"],
        json!({"summary": "new post", "responses": {}})
    );
    assert_eq!(updated["info"]["title"], "E");
    assert_eq!(
        updated["components"]["schemas"],
        json!({"Keep": {"type": "string"}, "Swap": {"type": "integer"}, "New": {"type": "boolean"}})
    );
}

/// An OpenAPI 3.1 document keeps its version and its 3.1 members (`webhooks`, `pathItems`,
/// `$defs`, `license.identifier`); its prose (`description`) goes, in webhooks as in paths.
#[test]
fn openapi_3_1_is_imported_as_3_1() {
    let doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1", "summary": "A summary.", "description": "Prose.",
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "webhooks": {"newPet": {"post": {
            "description": "Prose.",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
            "responses": {"200": {"description": "Received."}}}}},
        "components": {
            "pathItems": {"Ping": {"get": {"description": "Prose.", "responses": {"204": {"description": "Prose."}}}}},
            "schemas": {"Pet": {"type": ["object", "null"], "description": "Prose.",
                "properties": {"name": {"const": "rex", "description": "Prose."}},
                "$defs": {"Tag": {"type": "string", "description": "Prose."}}}}}
    });
    let out = canonicalize(&doc);
    assert_eq!(out["openapi"], "3.1.0");
    assert_eq!(out["info"]["license"]["identifier"], "MIT");
    assert_eq!(out["info"]["summary"], "A summary.");
    assert!(out["info"].get("description").is_none());
    assert_eq!(out["jsonSchemaDialect"], doc["jsonSchemaDialect"]);
    let hook = &out["webhooks"]["newPet"]["post"];
    assert!(hook.get("description").is_none(), "{hook}");
    assert_eq!(
        hook["requestBody"],
        doc["webhooks"]["newPet"]["post"]["requestBody"]
    );
    assert!(out["components"]["pathItems"]["Ping"]["get"]
        .get("description")
        .is_none());
    let pet = &out["components"]["schemas"]["Pet"];
    assert_eq!(pet["type"], json!(["object", "null"]));
    assert!(pet.get("description").is_none());
    assert!(pet["properties"]["name"].get("description").is_none());
    assert_eq!(pet["$defs"]["Tag"], json!({"type": "string"}));
    // The imported text reads back as 3.1 and generates.
    let text = to_yaml(&out);
    let raw = generator::load::read_bytes("hooks.yaml", text.as_bytes(), Format::Yaml).unwrap();
    let doc = generator::load::parse_document(raw).unwrap();
    assert_eq!(doc.version, "3.1.0");
}
