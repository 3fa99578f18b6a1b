//! Rewrites an OpenAPI 3.0 document as its publisher would write it in 3.1: `openapi: 3.1.0`,
//! `nullable: true` → `type: [T, "null"]`, a schema's `example` → `examples: [..]`, boolean
//! `exclusiveMinimum`/`exclusiveMaximum` → the numeric bound. Everything else is the same in
//! both versions and is left alone.
//!
//! ```sh
//! cargo run -p generator --example to_openapi31 -- IN.yaml OUT.json
//! ```
//!
//! `generator/tests/openapi31.rs` rewrites the twelve Rocket.Chat documents with it and checks
//! that each generates the same crate as its 3.0 form.

use serde_json::{Map, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The 3.1 form of a 3.0 document.
pub fn to_openapi31(mut doc: Value) -> Value {
    if let Value::Object(root) = &mut doc {
        root.insert("openapi".into(), Value::from("3.1.0"));
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            paths.values_mut().for_each(path_item);
        }
        if let Some(Value::Object(c)) = root.get_mut("components") {
            for (key, f) in [
                ("schemas", schema as fn(&mut Value)),
                ("parameters", parameter),
                ("headers", parameter),
                ("requestBodies", content_of),
                ("responses", response),
            ] {
                if let Some(Value::Object(members)) = c.get_mut(key) {
                    members.values_mut().for_each(f);
                }
            }
        }
    }
    doc
}

fn path_item(item: &mut Value) {
    if let Some(Value::Array(params)) = item.get_mut("parameters") {
        params.iter_mut().for_each(parameter);
    }
    for method in METHODS {
        let Some(op) = item.get_mut(method) else {
            continue;
        };
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            params.iter_mut().for_each(parameter);
        }
        if let Some(body) = op.get_mut("requestBody") {
            content_of(body);
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            responses.values_mut().for_each(response);
        }
        if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
            for cb in callbacks.values_mut() {
                if let Value::Object(expressions) = cb {
                    expressions.values_mut().for_each(path_item);
                }
            }
        }
    }
}

fn parameter(p: &mut Value) {
    if let Some(s) = p.get_mut("schema") {
        schema(s);
    }
    content_of(p);
}

fn response(r: &mut Value) {
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        headers.values_mut().for_each(parameter);
    }
    content_of(r);
}

fn content_of(owner: &mut Value) {
    if let Some(Value::Object(content)) = owner.get_mut("content") {
        for media in content.values_mut() {
            if let Some(s) = media.get_mut("schema") {
                schema(s);
            }
        }
    }
}

fn schema(s: &mut Value) {
    let Value::Object(map) = s else {
        return;
    };
    rewrite(map);
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = map.get_mut(key) {
            schema(sub);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(subs)) = map.get_mut(key) {
            subs.iter_mut().for_each(schema);
        }
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        props.values_mut().for_each(schema);
    }
}

/// One schema's own keywords.
fn rewrite(s: &mut Map<String, Value>) {
    if s.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = s.get("type") {
            let t = t.clone();
            s.remove("nullable");
            s.insert("type".into(), serde_json::json!([t, "null"]));
            if let Some(Value::Array(values)) = s.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
        }
        // Without a `type`, 3.0's `nullable` says nothing; it stays, ignored by 3.1 readers.
    } else if s.get("nullable") == Some(&Value::Bool(false)) {
        s.remove("nullable");
    }
    if let Some(example) = s.remove("example") {
        s.insert("examples".into(), Value::Array(vec![example]));
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match s.get(exclusive) {
            Some(Value::Bool(true)) => {
                if let Some(bound) = s.remove(inclusive) {
                    s.insert(exclusive.into(), bound);
                } else {
                    s.remove(exclusive);
                }
            }
            Some(Value::Bool(false)) => {
                s.remove(exclusive);
            }
            _ => {}
        }
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        return Err("usage: to_openapi31 IN.(yaml|json) OUT.json".into());
    };
    let raw = generator::load::read_file(std::path::Path::new(input))?;
    let text = serde_json::to_string_pretty(&to_openapi31(raw.value))?;
    std::fs::write(output, text + "\n")?;
    Ok(())
}
