//! `xtask diff-spec` on edits of `specs/omnichannel.yaml`: each kind of change with its
//! expected verdicts on the wire and for the generated crate's semver; the JSON format; and
//! the exit codes of `--fail-on breaking`.
//!
//! With `DIFF_SPEC_CASES=DIR`, every case's documents are also written to `DIR/<case>/`
//! (`old.json`, `new.json`, `expected` holding the semver verdict): `xtask/semver-check.sh`
//! checks those verdicts with cargo-semver-checks.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{json, Value};

/// The spec as a JSON value, read once.
fn base() -> &'static Value {
    static BASE: OnceLock<Value> = OnceLock::new();
    BASE.get_or_init(|| {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/omnichannel.yaml");
        generator::load::read_file(&spec).expect("spec loads").value
    })
}

/// The operation object at `path` and `method`.
fn op<'a>(doc: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    doc["paths"][path]
        .get_mut(method)
        .unwrap_or_else(|| panic!("{method} {path}"))
}

/// The JSON request body schema of an operation.
fn body<'a>(doc: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    &mut op(doc, path, method)["requestBody"]["content"]["application/json"]["schema"]
}

/// The JSON schema of a response of an operation.
fn response<'a>(doc: &'a mut Value, path: &str, method: &str, status: &str) -> &'a mut Value {
    &mut op(doc, path, method)["responses"][status]["content"]["application/json"]["schema"]
}

/// The parameter `name` of an operation.
fn param<'a>(doc: &'a mut Value, path: &str, method: &str, name: &str) -> &'a mut Value {
    let params = op(doc, path, method)["parameters"].as_array_mut().unwrap();
    params.iter_mut().find(|p| p["name"] == name).unwrap()
}

const ROOM: &str = "/api/v1/livechat/room";
const STATUS: &str = "/api/v1/livechat/visitors.status";
const VISITOR: &str = "/api/v1/livechat/visitor/{token}";
const CLOSE: &str = "/api/v1/livechat/room.closeByUser";
const SLA: &str = "/api/v1/livechat/sla";
const ROOMS: &str = "/api/v1/livechat/rooms";

fn visitor(doc: &mut Value) -> &mut Value {
    &mut response(doc, VISITOR, "get", "200")["properties"]["visitor"]
}

fn status_prop(doc: &mut Value) -> &mut Value {
    &mut body(doc, STATUS, "post")["properties"]["status"]
}

fn credentials(doc: &mut Value, path: &str, method: &str, required: bool) {
    let params = op(doc, path, method)["parameters"].as_array_mut().unwrap();
    params.retain(|p| {
        !p["$ref"]
            .as_str()
            .is_some_and(|r| r.ends_with("AuthToken") || r.ends_with("UserId"))
    });
    for name in ["X-Auth-Token", "X-User-Id"] {
        params.push(json!({"name": name, "in": "header", "required": required, "schema": {"type": "string"}}));
    }
}

type Edit = fn(&mut Value);

/// One kind of change: an edit of the old document (for kinds that need something to change
/// first, such as an enum), the edit that makes the new one, and the expected changes
/// (kind, wire, rust).
struct Case {
    name: &'static str,
    old: Option<Edit>,
    new: Edit,
    expect: &'static [(&'static str, &'static str, &'static str)],
}

const fn case(
    name: &'static str,
    new: Edit,
    expect: &'static [(&'static str, &'static str, &'static str)],
) -> Case {
    Case {
        name,
        old: None,
        new,
        expect,
    }
}

const fn case2(
    name: &'static str,
    old: Edit,
    new: Edit,
    expect: &'static [(&'static str, &'static str, &'static str)],
) -> Case {
    Case {
        name,
        old: Some(old),
        new,
        expect,
    }
}

const BC: &str = "breaking-client";
const BS: &str = "breaking-server";
const OK: &str = "compatible";

fn enum_status(d: &mut Value) {
    *status_prop(d) = json!({"type": "string", "enum": ["online", "away"]});
}
fn enum_visitor_status(d: &mut Value) {
    visitor(d)["properties"]["status"] = json!({"type": "string", "enum": ["online", "away"]});
}
fn enum_agent(d: &mut Value) {
    param(d, ROOM, "get", "agentId")["schema"] = json!({"type": "string", "enum": ["a", "b"]});
}
fn one_of_name(d: &mut Value) {
    visitor(d)["properties"]["name"] = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
}
fn deprecated_room(d: &mut Value) {
    op(d, ROOM, "get")["deprecated"] = json!(true);
}
fn max_length_token(d: &mut Value) {
    body(d, STATUS, "post")["properties"]["token"]["maxLength"] = json!(10);
}

fn cases() -> Vec<Case> {
    vec![
        case(
            "operation-removed",
            |d| {
                d["paths"][VISITOR]
                    .as_object_mut()
                    .unwrap()
                    .remove("delete");
            },
            &[("operation-removed", BC, "major")],
        ),
        case(
            "operation-added",
            |d| {
                d["paths"]["/api/v1/livechat/ping"] = json!({"get": {"operationId": "get-api-v1-livechat-ping", "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object", "properties": {"pong": {"type": "boolean"}}}}}}}}});
            },
            &[("operation-added", OK, "minor")],
        ),
        case(
            "operation-deprecated",
            deprecated_room,
            &[("operation-deprecated", OK, "minor")],
        ),
        case2(
            "operation-undeprecated",
            deprecated_room,
            |_| {},
            &[("operation-undeprecated", OK, "patch")],
        ),
        case(
            "operation-id-changed",
            |d| {
                op(d, ROOM, "get")["operationId"] = json!("get-api-v1-livechat-room-info");
            },
            &[("operation-id-changed", OK, "major")],
        ),
        case(
            "required-parameter-added",
            |d| {
                op(d, ROOM, "get")["parameters"].as_array_mut().unwrap().push(json!({"name": "department", "in": "query", "required": true, "schema": {"type": "string"}}));
            },
            &[("required-parameter-added", BC, "major")],
        ),
        case(
            "parameter-added",
            |d| {
                op(d, ROOM, "get")["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .push(
                        json!({"name": "department", "in": "query", "schema": {"type": "string"}}),
                    );
            },
            &[("parameter-added", OK, "major")],
        ),
        case(
            "parameter-removed",
            |d| {
                op(d, ROOM, "get")["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|p| p["name"] != "agentId");
            },
            &[("parameter-removed", OK, "major")],
        ),
        case(
            "required-parameter-removed",
            |d| {
                op(d, ROOM, "get")["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|p| p["name"] != "token");
            },
            &[("parameter-removed", BS, "major")],
        ),
        case(
            "parameter-made-required",
            |d| {
                param(d, ROOM, "get", "rid")["required"] = json!(true);
            },
            &[("parameter-made-required", BC, "major")],
        ),
        case(
            "parameter-made-optional",
            |d| {
                param(d, ROOM, "get", "token")["required"] = json!(false);
            },
            &[("parameter-made-optional", BS, "major")],
        ),
        case(
            "parameter-type-changed",
            |d| {
                param(d, ROOM, "get", "agentId")["schema"] = json!({"type": "integer"});
            },
            &[("parameter-type-changed", BC, "major")],
        ),
        case(
            "parameter-deprecated",
            |d| {
                param(d, ROOM, "get", "agentId")["deprecated"] = json!(true);
            },
            &[("parameter-deprecated", OK, "minor")],
        ),
        case(
            "parameter-style-changed",
            |d| {
                param(d, ROOM, "get", "rid")["explode"] = json!(false);
            },
            &[("parameter-style-changed", BC, "patch")],
        ),
        case2(
            "parameter-enum-value-added",
            enum_agent,
            |d| {
                enum_agent(d);
                param(d, ROOM, "get", "agentId")["schema"]["enum"] = json!(["a", "b", "c"]);
            },
            &[("parameter-enum-value-added", BS, "major")],
        ),
        case(
            "parameter-constraint-tightened",
            |d| {
                param(d, ROOM, "get", "rid")["schema"]["maxLength"] = json!(24);
            },
            &[("parameter-constraint-tightened", BC, "patch")],
        ),
        case(
            "request-property-added",
            |d| {
                body(d, STATUS, "post")["properties"]["department"] = json!({"type": "string"});
            },
            &[("request-property-added", OK, "major")],
        ),
        case(
            "request-required-property-added",
            |d| {
                let b = body(d, STATUS, "post");
                b["properties"]["department"] = json!({"type": "string"});
                b["required"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("department"));
            },
            &[("request-required-property-added", BC, "major")],
        ),
        case(
            "request-property-removed",
            |d| {
                body(d, CLOSE, "post")["properties"]
                    .as_object_mut()
                    .unwrap()
                    .remove("comment");
            },
            &[("request-property-removed", OK, "major")],
        ),
        case(
            "request-required-property-removed",
            |d| {
                let b = body(d, STATUS, "post");
                b["properties"].as_object_mut().unwrap().remove("status");
                b["required"] = json!(["token"]);
            },
            &[("request-property-removed", BS, "major")],
        ),
        case(
            "request-property-made-required",
            |d| {
                body(d, CLOSE, "post")["required"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("comment"));
            },
            &[("request-property-made-required", BC, "major")],
        ),
        case(
            "request-property-made-optional",
            |d| {
                body(d, STATUS, "post")["required"] = json!(["token"]);
            },
            &[("request-property-made-optional", BS, "major")],
        ),
        case(
            "request-type-changed",
            |d| {
                *status_prop(d) = json!({"type": "integer"});
            },
            &[("request-type-changed", BC, "major")],
        ),
        case(
            "request-int32",
            |d| {
                body(d, SLA, "post")["properties"]["dueTimeInMinutes"]["format"] = json!("int32");
            },
            &[("request-type-changed", BC, "major")],
        ),
        case(
            "request-format-int64",
            |d| {
                body(d, SLA, "post")["properties"]["dueTimeInMinutes"]["format"] = json!("int64");
            },
            &[("request-constraint-tightened", BC, "patch")],
        ),
        case2(
            "request-enum-value-added",
            enum_status,
            |d| {
                enum_status(d);
                status_prop(d)["enum"] = json!(["online", "away", "busy"]);
            },
            &[("request-enum-value-added", BS, "major")],
        ),
        case2(
            "request-enum-value-removed",
            enum_status,
            |d| {
                enum_status(d);
                status_prop(d)["enum"] = json!(["online"]);
            },
            &[("request-enum-value-removed", BC, "major")],
        ),
        case(
            "request-constraint-tightened",
            max_length_token,
            &[("request-constraint-tightened", BC, "patch")],
        ),
        case2(
            "request-constraint-loosened",
            max_length_token,
            |d| {
                body(d, STATUS, "post")["properties"]["token"]["maxLength"] = json!(20);
            },
            &[("request-constraint-loosened", BS, "patch")],
        ),
        case(
            "request-nullable-added",
            |d| {
                status_prop(d)["nullable"] = json!(true);
            },
            &[("request-nullable-added", BS, "major")],
        ),
        case(
            "request-property-deprecated",
            |d| {
                status_prop(d)["deprecated"] = json!(true);
            },
            &[("request-property-deprecated", OK, "minor")],
        ),
        case(
            "request-body-made-required",
            |d| {
                op(d, STATUS, "post")["requestBody"]["required"] = json!(true);
            },
            &[("request-body-made-required", BC, "patch")],
        ),
        case(
            "request-body-removed",
            |d| {
                op(d, STATUS, "post")
                    .as_object_mut()
                    .unwrap()
                    .remove("requestBody");
            },
            &[("request-body-removed", BS, "major")],
        ),
        case(
            "request-body-added",
            |d| {
                op(d, ROOM, "get")["requestBody"] = json!({"content": {"application/json": {"schema": {"type": "object", "properties": {"note": {"type": "string"}}}}}});
            },
            &[("request-body-added", OK, "major")],
        ),
        case(
            "request-media-type-added",
            |d| {
                op(d, STATUS, "post")["requestBody"]["content"]["text/plain"] =
                    json!({"schema": {"type": "string"}});
            },
            &[("request-media-type-added", BS, "patch")],
        ),
        case(
            "request-media-type-replaced",
            |d| {
                let content = &mut op(d, STATUS, "post")["requestBody"]["content"];
                *content = json!({"text/plain": {"schema": {"type": "string"}}});
            },
            &[
                ("request-media-type-removed", BC, "major"),
                ("request-media-type-added", BS, "major"),
            ],
        ),
        case(
            "response-status-added",
            |d| {
                op(d, ROOM, "get")["responses"]["404"] = json!({"description": "Not Found"});
            },
            &[("response-status-added", OK, "major")],
        ),
        case(
            "response-success-status-added",
            |d| {
                op(d, ROOM, "get")["responses"]["202"] = json!({"description": "Accepted"});
            },
            &[("response-status-added", BC, "major")],
        ),
        case(
            "response-status-removed",
            |d| {
                op(d, ROOM, "get")["responses"]
                    .as_object_mut()
                    .unwrap()
                    .remove("400");
            },
            &[("response-status-removed", OK, "major")],
        ),
        case(
            "response-property-added",
            |d| {
                visitor(d)["properties"]["department"] = json!({"type": "string"});
            },
            &[("response-property-added", OK, "major")],
        ),
        case(
            "response-required-property-added",
            |d| {
                let v = visitor(d);
                v["properties"]["department"] = json!({"type": "string"});
                v["required"] = json!(["department"]);
            },
            &[("response-required-property-added", BS, "major")],
        ),
        case(
            "response-property-removed",
            |d| {
                visitor(d)["properties"]
                    .as_object_mut()
                    .unwrap()
                    .remove("name");
            },
            &[("response-property-removed", BC, "major")],
        ),
        case(
            "response-property-made-required",
            |d| {
                visitor(d)["required"] = json!(["name"]);
            },
            &[("response-property-made-required", BS, "major")],
        ),
        case(
            "response-type-changed",
            |d| {
                visitor(d)["properties"]["name"] = json!({"type": "integer"});
            },
            &[("response-type-changed", BC, "major")],
        ),
        case(
            "response-items-type-changed",
            |d| {
                visitor(d)["properties"]["visitorEmails"]["items"] = json!({"type": "string"});
            },
            &[("response-type-changed", BC, "major")],
        ),
        case2(
            "response-enum-value-added",
            enum_visitor_status,
            |d| {
                enum_visitor_status(d);
                visitor(d)["properties"]["status"]["enum"] = json!(["online", "away", "busy"]);
            },
            &[("response-enum-value-added", OK, "major")],
        ),
        case2(
            "response-enum-value-removed",
            enum_visitor_status,
            |d| {
                enum_visitor_status(d);
                visitor(d)["properties"]["status"]["enum"] = json!(["online"]);
            },
            &[("response-enum-value-removed", OK, "major")],
        ),
        case(
            "response-constraint-tightened",
            |d| {
                visitor(d)["properties"]["name"]["maxLength"] = json!(100);
            },
            &[("response-constraint-tightened", OK, "patch")],
        ),
        case(
            "response-nullable-added",
            |d| {
                visitor(d)["properties"]["name"]["nullable"] = json!(true);
            },
            &[("response-nullable-added", BC, "major")],
        ),
        case(
            "response-property-deprecated",
            |d| {
                visitor(d)["properties"]["name"]["deprecated"] = json!(true);
            },
            &[("response-property-deprecated", OK, "minor")],
        ),
        case2(
            "response-variant-added",
            one_of_name,
            |d| {
                one_of_name(d);
                visitor(d)["properties"]["name"]["oneOf"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"type": "boolean"}));
            },
            &[("response-variant-added", BC, "major")],
        ),
        case(
            "response-media-type-added",
            |d| {
                op(d, VISITOR, "get")["responses"]["200"]["content"]["text/plain"] =
                    json!({"schema": {"type": "string"}});
            },
            &[("response-media-type-added", BC, "patch")],
        ),
        case(
            "credentials-added",
            |d| {
                credentials(d, ROOM, "get", true);
            },
            &[("credentials-added", BC, "major")],
        ),
        case(
            "credentials-removed",
            |d| {
                op(d, ROOMS, "get")["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|p| {
                        !p["$ref"]
                            .as_str()
                            .is_some_and(|r| r.ends_with("AuthToken") || r.ends_with("UserId"))
                    });
            },
            &[("credentials-removed", BS, "major")],
        ),
        case(
            "credentials-made-optional",
            |d| {
                credentials(d, ROOMS, "get", false);
            },
            &[("credentials-made-optional", BS, "major")],
        ),
        case(
            "security-added",
            |d| {
                op(d, ROOM, "get")["security"] = json!([{"visitorToken": []}]);
            },
            &[("security-added", BC, "patch")],
        ),
    ]
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("diff-spec-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the case's two documents into `dir`; their paths.
fn write_case(case: &Case, dir: &Path) -> (PathBuf, PathBuf) {
    let mut old = base().clone();
    if let Some(edit) = case.old {
        edit(&mut old);
    }
    let mut new = base().clone();
    (case.new)(&mut new);
    std::fs::create_dir_all(dir).unwrap();
    let (o, n) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&o, serde_json::to_vec(&old).unwrap()).unwrap();
    std::fs::write(&n, serde_json::to_vec(&new).unwrap()).unwrap();
    (o, n)
}

/// `diff-spec OLD NEW --format json`, parsed.
fn diff_json(old: &Path, new: &Path) -> Value {
    let out = xtask(&[
        "diff-spec",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn most(levels: &[&str], of: impl Iterator<Item = String>) -> String {
    of.max_by_key(|v| levels.iter().position(|l| l == v))
        .unwrap_or_else(|| levels[0].into())
}

#[test]
fn every_kind_of_change_has_its_verdicts() {
    let cases = cases();
    let export = std::env::var_os("DIFF_SPEC_CASES").map(PathBuf::from);
    let dir = scratch("cases");
    let mut kinds = std::collections::BTreeSet::new();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|chunk| {
                let dir = &dir;
                let export = &export;
                s.spawn(move || {
                    let mut failures = Vec::new();
                    for case in chunk {
                        let (old, new) = write_case(case, &dir.join(case.name));
                        let report = diff_json(&old, &new);
                        let mut got: Vec<(String, String, String)> = report["changes"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|c| {
                                let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
                                (s("kind"), s("wire"), s("rust"))
                            })
                            .collect();
                        let mut want: Vec<(String, String, String)> = case
                            .expect
                            .iter()
                            .map(|(k, w, r)| (k.to_string(), w.to_string(), r.to_string()))
                            .collect();
                        got.sort();
                        want.sort();
                        let semver = most(
                            &["patch", "minor", "major"],
                            want.iter().map(|w| w.2.clone()),
                        );
                        if got != want || report["semver"] != semver.as_str() {
                            failures.push(format!(
                                "{}: want {want:?} ({semver}), got {got:?} ({})",
                                case.name, report["semver"]
                            ));
                        }
                        if let Some(export) = export {
                            let to = export.join(case.name);
                            write_case(case, &to);
                            std::fs::write(to.join("expected"), format!("{semver}\n")).unwrap();
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    for case in &cases {
        kinds.extend(case.expect.iter().map(|e| e.0));
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        kinds.len() >= 30,
        "{} kinds of change: {kinds:?}",
        kinds.len()
    );
}

/// The JSON report has exactly the documented shape, and each pointer leads to the changed
/// element (in the new document, or in the old one for a removal).
#[test]
fn json_format() {
    let dir = scratch("json");
    let case = Case {
        name: "json",
        old: Some(enum_status),
        new: |d| {
            enum_status(d);
            status_prop(d)["enum"] = json!(["online", "away", "busy"]);
            visitor(d)["properties"]
                .as_object_mut()
                .unwrap()
                .remove("name");
            deprecated_room(d);
        },
        expect: &[],
    };
    let (old, new) = write_case(&case, &dir);
    let report = diff_json(&old, &new);
    let top: Vec<&String> = report.as_object().unwrap().keys().collect();
    assert_eq!(top, ["changes", "semver"]);
    assert_eq!(report["semver"], "major");
    let docs: Vec<Value> = [&old, &new]
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 3, "{report:#}");
    for c in changes {
        let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["operation", "pointer", "kind", "wire", "rust"]);
        let ptr = c["pointer"].as_str().unwrap();
        let doc = if c["kind"].as_str().unwrap().ends_with("removed") {
            &docs[0]
        } else {
            &docs[1]
        };
        assert!(doc.pointer(ptr).is_some(), "{ptr}");
        assert!(["breaking-client", "breaking-server", "compatible"]
            .contains(&c["wire"].as_str().unwrap()));
        assert!(["major", "minor", "patch"].contains(&c["rust"].as_str().unwrap()));
    }
    // Grouped by operation, breaking first.
    let order: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| {
            (
                c["operation"].as_str().unwrap(),
                c["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (
                "GET /api/v1/livechat/visitor/{token}",
                "response-property-removed"
            ),
            (
                "POST /api/v1/livechat/visitors.status",
                "request-enum-value-added"
            ),
            ("GET /api/v1/livechat/room", "operation-deprecated"),
        ]
    );
    // The readable report: the same, with the summary first and a note on the enum.
    let out = xtask(&["diff-spec", old.to_str().unwrap(), new.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "3 API changes: 1 breaking clients, 1 breaking servers, 1 compatible; semver: major"
        ),
        "{text}"
    );
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} in {text}"));
    assert!(
        at("GET /api/v1/livechat/visitor/{token}") < at("POST /api/v1/livechat/visitors.status")
    );
    assert!(at("POST /api/v1/livechat/visitors.status") < at("GET /api/v1/livechat/room\n"));
    assert!(text.contains("#[non_exhaustive]"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--fail-on breaking` exits 1 when a change breaks clients or servers, 0 otherwise; a bad
/// document is 2 with its file named.
#[test]
fn fail_on_breaking_exit_codes() {
    let dir = scratch("exit");
    let run = |case: &Case, extra: &[&str]| {
        let (old, new) = write_case(case, &dir.join(case.name));
        let mut args = vec!["diff-spec", old.to_str().unwrap(), new.to_str().unwrap()];
        args.extend(extra);
        xtask(&args).status.code()
    };
    let all = cases();
    let named = |n: &str| all.iter().find(|c| c.name == n).unwrap();
    let fail = ["--fail-on", "breaking"];
    assert_eq!(run(named("operation-removed"), &fail), Some(1));
    assert_eq!(
        run(named("request-enum-value-added"), &fail),
        Some(1),
        "breaking servers"
    );
    assert_eq!(
        run(named("operation-removed"), &[]),
        Some(0),
        "only with --fail-on"
    );
    assert_eq!(
        run(named("parameter-added"), &fail),
        Some(0),
        "compatible, if major"
    );
    assert_eq!(
        run(named("parameter-added"), &["--fail-on", "major"]),
        Some(1)
    );
    assert_eq!(
        run(named("operation-added"), &["--fail-on", "major"]),
        Some(0)
    );

    let bad = dir.join("bad.json");
    let mut doc = base().clone();
    body(&mut doc, STATUS, "post")["properties"]["token"] =
        json!({"$ref": "#/components/schemas/Missing"});
    std::fs::write(&bad, serde_json::to_vec(&doc).unwrap()).unwrap();
    let (old, _) = write_case(named("operation-added"), &dir.join("operation-added"));
    let out = xtask(&["diff-spec", old.to_str().unwrap(), bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.json") && stderr.contains("/properties/token"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `import-spec` prints the change report of what it imports; `--base HEAD` compares
/// `specs/` with itself.
#[test]
fn import_spec_and_base() {
    let dir = scratch("import");
    let target = dir.join("spec.yaml");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/omnichannel.yaml");
    std::fs::copy(&spec, &target).unwrap();
    let (_, new) = write_case(&cases()[0], &dir.join("case"));
    let out = xtask(&[
        "import-spec",
        new.to_str().unwrap(),
        "--into",
        target.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("1 API changes: 1 breaking clients"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "DELETE /api/v1/livechat/visitor/{token}\n  breaking-client  major  operation-removed"
        ),
        "{stdout}"
    );

    let git = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if git.is_ok_and(|o| o.status.success()) {
        let out = xtask(&["diff-spec", "--base", "HEAD"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Hostile documents: a `$ref` chain deeper than the comparison goes is an error naming the
/// file and pointer (exit 2); a schema graph whose paths double at every level (2^60 of
/// them) is compared once per pair of schemas, in moments.
#[test]
fn hostile_documents() {
    let dir = scratch("hostile");
    let doc = |last: &str| {
        let mut schemas = serde_json::Map::new();
        for i in 0..300 {
            let next = format!("#/components/schemas/S{}", i + 1);
            schemas.insert(
                format!("S{i}"),
                json!({"type": "object", "properties": {"next": {"$ref": next}}}),
            );
        }
        schemas.insert("S300".into(), json!({"type": last}));
        for i in 0..60 {
            let next = format!("#/components/schemas/W{}", i + 1);
            schemas.insert(
                format!("W{i}"),
                json!({"type": "object", "properties": {"a": {"$ref": next}, "b": {"$ref": next}}}),
            );
        }
        schemas.insert("W60".into(), json!({"type": last}));
        let schema = |name: &str| json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}});
        json!({
            "openapi": "3.0.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/deep": {"post": {"requestBody": {"content": schema("S0")}, "responses": {"200": {"description": "ok"}}}},
                "/wide": {"get": {"responses": {"200": {"description": "ok", "content": schema("W0")}}}}
            },
            "components": {"schemas": schemas}
        })
    };
    let write = |name: &str, v: &Value| {
        let p = dir.join(name);
        std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
        p
    };
    let (old, new) = (doc("string"), doc("integer"));
    let (o, n) = (write("old.json", &old), write("new.json", &new));
    let out = xtask(&["diff-spec", o.to_str().unwrap(), n.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("new.json at #/components/schemas/S2"),
        "{stderr}"
    );

    let shallow = |mut v: Value| {
        v["paths"].as_object_mut().unwrap().remove("/deep");
        v
    };
    let (o, n) = (
        write("old2.json", &shallow(old)),
        write("new2.json", &shallow(new)),
    );
    let report = diff_json(&o, &n);
    assert_eq!(report["changes"].as_array().unwrap().len(), 1, "{report:#}");
    assert_eq!(report["changes"][0]["pointer"], "/components/schemas/W60");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Webhooks (OpenAPI 3.1) are compared by name, as operations whose HTTP client is the API and
/// whose server is the subscriber.
#[test]
fn webhooks_are_compared_by_name() {
    let dir = scratch("webhooks");
    let doc = |required: bool, old_pet: bool| {
        let mut hooks = json!({"newPet": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"name": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ok"}}}}});
        if required {
            hooks["newPet"]["post"]["requestBody"]["content"]["application/json"]["schema"]
                ["required"] = json!(["name"]);
        }
        if old_pet {
            hooks["oldPet"] = json!({"post": {"responses": {"200": {"description": "ok"}}}});
        }
        json!({"openapi": "3.1.0", "info": {"title": "Hooks", "version": "1"}, "webhooks": hooks})
    };
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&old, doc(false, true).to_string()).unwrap();
    std::fs::write(&new, doc(true, false).to_string()).unwrap();
    let report = diff_json(&old, &new);
    let changes: Vec<(String, String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_owned();
            (s("operation"), s("kind"), s("pointer"))
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "POST webhook newPet".to_owned(),
                "request-property-made-required".to_owned(),
                "/webhooks/newPet/post/requestBody/content/application~1json/schema/properties/name".to_owned()
            ),
            (
                "POST webhook oldPet".to_owned(),
                "operation-removed".to_owned(),
                "/webhooks/oldPet/post".to_owned()
            ),
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
