//! The generated router against Ajv itself, as Rocket.Chat runs it (`new Ajv({coerceTypes:
//! true, allErrors: false})`): mutated JSON bodies of every Omnichannel operation with one
//! (members dropped, values of every other type, arrays for objects, `null`s, numbers and
//! booleans as strings, unlisted members), and mutated query strings of the operations with
//! scalar query parameters (wrong types, out of range, repeated, missing). Each case goes to
//! the router (`tower::ServiceExt::oneshot`, no socket) and to Ajv (one node process for all
//! cases, Ajv from npm installed under `target/`); the status and the error message must agree:
//! Ajv's "valid" is the handler reached (the generated default's 501), Ajv's errors are the
//! profile's 400 with Ajv's message. Cases are generated from the spec, deterministically.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::Request;
use omnichannel_e2e::workspace;
use rocketchat_omnichannel::server::{router, Api};
use serde_json::{json, Map, Value};
use tower::ServiceExt;

/// The Ajv release the answers come from (Rocket.Chat 7 runs Ajv 8).
const AJV: &str = "ajv@8.17.1";

/// An implementation with every generated default: a request that passes validation gets 501.
struct Defaults;
impl Api for Defaults {}

/// One request, and the value Ajv validates in its place.
struct Case {
    label: String,
    method: &'static str,
    uri: String,
    body: Option<String>,
    /// Index into the schemas handed to Ajv.
    schema: usize,
    value: Value,
}

/// `schema` with every local `$ref` replaced by what it points to.
fn inline(schema: &Value, root: &Value, depth: usize) -> Value {
    assert!(depth < 64, "reference cycle in the spec");
    match schema {
        Value::Object(map) => match map.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let target = root
                    .pointer(r.trim_start_matches('#'))
                    .unwrap_or_else(|| panic!("dangling {r}"));
                inline(target, root, depth + 1)
            }
            None => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline(v, root, depth + 1)))
                    .collect(),
            ),
        },
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| inline(v, root, depth + 1)).collect())
        }
        other => other.clone(),
    }
}

/// A value of `schema`'s shape, every listed member present (`required_only`: the required
/// ones); valid where that is easy, Ajv decides anyway.
fn sample(schema: &Value, required_only: bool, depth: usize) -> Value {
    if depth > 12 {
        return json!({});
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return sample(first, required_only, depth + 1);
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            if let Value::Object(m) = sample(part, required_only, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    let number = |fallback: f64| {
        let min = schema.get("minimum").and_then(Value::as_f64);
        let max = schema.get("maximum").and_then(Value::as_f64);
        min.or(max).unwrap_or(fallback)
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2024-05-06T07:08:09.000Z"),
                _ => json!("abc".repeat(min / 3 + 1)),
            }
        }
        Some("integer") => json!(number(2.0) as i64),
        Some("number") => json!(number(2.5)),
        Some("boolean") => json!(true),
        Some("array") => match schema.get("items") {
            Some(items) => json!([sample(items, required_only, depth + 1)]),
            None => json!([]),
        },
        Some("object") | None
            if schema.get("properties").is_some() || schema.get("type").is_some() =>
        {
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            for (k, s) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !required_only || required.contains(k.as_str()) {
                    out.insert(k.clone(), sample(s, required_only, depth + 1));
                }
            }
            Value::Object(out)
        }
        _ => json!("abc"),
    }
}

/// Where a value sits inside the body: member names and item indices.
#[derive(Clone)]
enum Step {
    Member(String),
    Item(usize),
}

/// Every place in `value` (the root first), in document order.
fn places(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                at.push(Step::Member(k.clone()));
                places(v, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(Step::Item(i));
                places(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn place_mut<'a>(value: &'a mut Value, at: &[Step]) -> &'a mut Value {
    at.iter().fold(value, |v, step| match step {
        Step::Member(k) => &mut v[k.as_str()],
        Step::Item(i) => &mut v[*i],
    })
}

fn describe(at: &[Step]) -> String {
    let mut out = String::new();
    for step in at {
        match step {
            Step::Member(k) => out.push_str(&format!("/{k}")),
            Step::Item(i) => out.push_str(&format!("/{i}")),
        }
    }
    if out.is_empty() {
        "/".into()
    } else {
        out
    }
}

/// The values put in place of each value of a body.
fn replacements(original: &Value) -> Vec<Value> {
    vec![
        Value::Null,
        json!([]),
        json!([original]),
        json!({}),
        json!({"k": original}),
        json!(""),
        json!("abc"),
        json!("12"),
        json!("-1.5"),
        json!("true"),
        json!(12),
        json!(-1),
        json!(0),
        json!(2.5),
        json!(1e21),
        json!(true),
        json!(false),
    ]
}

/// The mutated bodies of one operation's body schema, deduplicated, in a fixed order.
fn body_values(schema: &Value) -> Vec<(String, Value)> {
    let full = sample(schema, false, 0);
    let minimal = sample(schema, true, 0);
    let mut out = vec![
        ("full sample".to_owned(), full.clone()),
        ("required members only".to_owned(), minimal.clone()),
    ];
    if let Value::Object(m) = &minimal {
        for k in m.keys() {
            let mut v = minimal.clone();
            v.as_object_mut().unwrap().remove(k);
            out.push((format!("without required /{k}"), v));
        }
    }
    let mut all = Vec::new();
    places(&full, &mut Vec::new(), &mut all);
    for at in &all {
        let here = place_mut(&mut full.clone(), at).take();
        if let Some((Step::Member(k), parent)) = at.split_last() {
            let mut v = full.clone();
            if let Some(m) = place_mut(&mut v, parent).as_object_mut() {
                m.remove(k);
            }
            out.push((format!("without {}", describe(at)), v));
        }
        for (i, r) in replacements(&here).into_iter().enumerate() {
            let mut v = full.clone();
            *place_mut(&mut v, at) = r;
            out.push((format!("{} replaced ({i})", describe(at)), v));
        }
        if here.is_object() {
            let mut v = full.clone();
            let target = place_mut(&mut v, at).as_object_mut().unwrap();
            target.insert("zzUnlisted".into(), json!({"any": [1, "x", null]}));
            out.push((format!("{} with an unlisted member", describe(at)), v));
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|(_, v)| seen.insert(v.to_string()));
    out
}

/// The raw texts put in a scalar query parameter of `schema` (a value Ajv then coerces).
fn query_texts(schema: &Value) -> Vec<Value> {
    let mut texts: Vec<Value> = [
        "",
        "abc",
        "12",
        "-1",
        "0",
        "1.5",
        "1e3",
        " 7",
        "0x10",
        "true",
        "false",
        "null",
        "99999999999999999999",
    ]
    .into_iter()
    .map(Value::from)
    .collect();
    // Repeated (`?p=a&p=b`): Rocket.Chat's query parser makes an array of it.
    texts.push(json!([
        sample(schema, false, 0).to_string().trim_matches('"'),
        "abc"
    ]));
    texts
}

fn parameters(op: &Value, item: &Value, root: &Value) -> Vec<Value> {
    item.get("parameters")
        .into_iter()
        .chain(op.get("parameters"))
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| inline(p, root, 0))
        .collect()
}

fn is_scalar(schema: &Value) -> bool {
    matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    )
}

/// `path?query` for `template` with its path parameters filled and `query` appended.
fn uri(template: &str, query: &[(String, String)]) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        path.push_str("p1");
        rest = &rest[close..];
    }
    path.push_str(rest);
    let mut url = reqwest::Url::parse(&format!("http://x{path}")).expect("a URL");
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
    }
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// The cases of every operation of `omnichannel.yaml` and the schemas Ajv compiles.
fn cases() -> (Vec<Value>, Vec<Case>) {
    let path = workspace().join("specs/omnichannel.yaml");
    let root = generator::load::read_file(&path).expect("spec reads").value;
    let mut schemas = Vec::new();
    let mut cases = Vec::new();
    let methods = [
        ("get", "GET"),
        ("post", "POST"),
        ("put", "PUT"),
        ("delete", "DELETE"),
        ("patch", "PATCH"),
    ];
    for (template, item) in root["paths"].as_object().expect("paths") {
        for (key, method) in methods {
            let Some(op) = item.get(key) else { continue };
            let params = parameters(op, item, &root);
            // Required query parameters get a valid value in every case.
            let query_params: Vec<&Value> = params.iter().filter(|p| p["in"] == "query").collect();
            let base_query: Vec<(String, String)> = query_params
                .iter()
                .filter(|p| p["required"] == true)
                .map(|p| {
                    let v = sample(&p["schema"], false, 0);
                    (
                        p["name"].as_str().unwrap().to_owned(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect();
            let body = op
                .pointer("/requestBody")
                .map(|b| inline(b, &root, 0))
                .and_then(|b| b.pointer("/content/application~1json/schema").cloned());
            if let Some(schema) = body {
                let index = schemas.len();
                schemas.push(schema.clone());
                for (label, value) in body_values(&schema) {
                    cases.push(Case {
                        label: format!("{method} {template} body {label}"),
                        method,
                        uri: uri(template, &base_query),
                        body: Some(value.to_string()),
                        schema: index,
                        value,
                    });
                }
            }
            // Scalar query parameters, one mutated at a time; Rocket.Chat validates the query as
            // one object.
            let scalars: Vec<&&Value> = query_params
                .iter()
                .filter(|p| is_scalar(&p["schema"]))
                .collect();
            if scalars.is_empty() {
                continue;
            }
            let mut properties = Map::new();
            let mut required = Vec::new();
            for p in &query_params {
                properties.insert(p["name"].as_str().unwrap().to_owned(), p["schema"].clone());
                if p["required"] == true {
                    required.push(p["name"].clone());
                }
            }
            let index = schemas.len();
            schemas.push(json!({"type": "object", "properties": properties, "required": required}));
            let base: Map<String, Value> = base_query
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            for p in scalars {
                let name = p["name"].as_str().unwrap();
                if p["required"] == true {
                    let mut value = base.clone();
                    value.remove(name);
                    let query: Vec<_> = base_query
                        .iter()
                        .filter(|(k, _)| k != name)
                        .cloned()
                        .collect();
                    cases.push(Case {
                        label: format!("{method} {template} query without {name}"),
                        method,
                        uri: uri(template, &query),
                        body: None,
                        schema: index,
                        value: Value::Object(value),
                    });
                }
                for text in query_texts(&p["schema"]) {
                    let mut value = base.clone();
                    value.insert(name.to_owned(), text.clone());
                    let mut query: Vec<_> = base_query
                        .iter()
                        .filter(|(k, _)| k != name)
                        .cloned()
                        .collect();
                    match &text {
                        Value::Array(items) => query.extend(
                            items
                                .iter()
                                .map(|t| (name.to_owned(), t.as_str().unwrap().to_owned())),
                        ),
                        t => query.push((name.to_owned(), t.as_str().unwrap().to_owned())),
                    }
                    cases.push(Case {
                        label: format!("{method} {template} query {name}={text}"),
                        method,
                        uri: uri(template, &query),
                        body: None,
                        schema: index,
                        value: Value::Object(value),
                    });
                }
            }
        }
    }
    (schemas, cases)
}

/// Ajv installed from npm into `target/ajv-agreement` (once).
fn ajv_dir() -> PathBuf {
    let dir = workspace().join("target/ajv-agreement");
    if dir.join("node_modules/ajv/package.json").exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("create target/ajv-agreement");
    let status = Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
        ])
        .arg(&dir)
        .arg(AJV)
        .status();
    match status {
        Ok(s) if s.success() => dir,
        Ok(s) => panic!("`npm install {AJV}` failed ({s}): this test needs the npm registry to compare the router with Ajv"),
        Err(e) => panic!("npm could not run ({e}): this test needs node and npm to compare the router with Ajv"),
    }
}

/// Ajv's answer for every case (`None`: valid), from one node process.
fn ajv_answers(schemas: &[Value], cases: &[Case]) -> Vec<Option<String>> {
    let dir = ajv_dir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ajv/answers.js");
    let input = json!({
        "schemas": schemas,
        "cases": cases.iter().map(|c| json!([c.schema, c.value])).collect::<Vec<_>>(),
    });
    let mut child = Command::new("node")
        .arg(&script)
        .env("NODE_PATH", dir.join("node_modules"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (needed to compare the router with Ajv)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write the cases");
    let output = child.wait_with_output().expect("node finishes");
    assert!(
        output.status.success(),
        "answers.js failed: {}",
        output.status
    );
    let out: Value = serde_json::from_slice(&output.stdout).expect("answers.js writes JSON");
    assert_eq!(
        out["ajv"],
        AJV.trim_start_matches("ajv@"),
        "the pinned Ajv answers"
    );
    out["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .map(|a| a.as_str().map(str::to_owned))
        .collect()
}

/// The router's messages for an integer a Rust `i64` cannot hold.
const I64_BOUNDS: [&str; 2] = ["<= 9223372036854775807", ">= -9223372036854775808"];

/// True when `value` holds an integral number (or numeric text) outside the range of `i64`.
fn holds_integer_beyond_i64(value: &Value) -> bool {
    let beyond = |f: f64| {
        f.fract() == 0.0 && !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
    };
    match value {
        Value::Number(n) => {
            n.as_i64().is_none() && n.as_u64().is_some() || n.as_f64().is_some_and(beyond)
        }
        Value::String(s) => s.trim().parse::<f64>().is_ok_and(beyond),
        Value::Array(items) => items.iter().any(holds_integer_beyond_i64),
        Value::Object(m) => m.values().any(holds_integer_beyond_i64),
        _ => false,
    }
}

#[tokio::test]
async fn the_router_answers_every_mutated_request_as_ajv_does() {
    let (schemas, cases) = cases();
    let answers = ajv_answers(&schemas, &cases);
    assert_eq!(answers.len(), cases.len());
    let app = router(Defaults);
    let mut disagreements = Vec::new();
    let mut beyond_i64 = 0;
    for (case, ajv) in cases.iter().zip(&answers) {
        let mut request = Request::builder()
            .method(case.method)
            .uri(&case.uri)
            .header("x-user-id", "user")
            .header("x-auth-token", "token");
        if case.body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request
            .body(Body::from(case.body.clone().unwrap_or_default()))
            .expect("a request");
        let response = app.clone().oneshot(request).await.expect("an answer");
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("the body");
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let expected = match ajv {
            None => (501, None),
            Some(message) => (400, Some(format!("{message} [invalid-params]"))),
        };
        let got = (status, body["error"].as_str().map(str::to_owned));
        let agrees = match &expected {
            (501, None) => status == 501,
            _ => got == expected,
        };
        // The one deliberate difference: an integer beyond i64 is valid for Ajv (a JavaScript
        // number) and refused by the router, whose Rust type cannot hold it.
        let i64_bound = ajv.is_none()
            && status == 400
            && holds_integer_beyond_i64(&case.value)
            && I64_BOUNDS
                .iter()
                .any(|b| body["error"] == format!("must be {b} [invalid-params]"));
        if i64_bound {
            beyond_i64 += 1;
        } else if !agrees {
            disagreements.push(format!(
                "{}: sent {}\n    Ajv: {:?}\n    router: {status} {body}",
                case.label,
                case.body.as_deref().unwrap_or(&case.uri),
                expected
            ));
        }
    }
    let bodies = cases.iter().filter(|c| c.body.is_some()).count();
    eprintln!(
        "{} cases ({bodies} bodies, {} query strings), {} valid for Ajv, {beyond_i64} integers beyond i64 refused",
        cases.len(),
        cases.len() - bodies,
        answers.iter().filter(|a| a.is_none()).count()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree with Ajv:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
