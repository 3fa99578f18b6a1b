//! OpenAPI 3.1 lowered into the 3.0 form the rest of the pipeline reads, in place on the JSON
//! value before it is typed: one pipeline for both versions.
//!
//! What 3.0 can say is rewritten into 3.0's words: `type: [T, "null"]` → `type: T` +
//! `nullable` (the `null` type alone stays, as 3.0 documents write it), several types → `anyOf`, `const` → a one-value `enum`, a schema's `examples`
//! array → `example`, numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum` + `true`,
//! `$ref` beside other keywords → `allOf`, `contentEncoding: base64` → `format: byte`, boolean
//! schemas → `{}` / `{not: {}}` (`items: false` alone → `maxItems: 0`), a missing
//! `paths` → `{}`. What 3.0 cannot say (`prefixItems`, `propertyNames`, `patternProperties`,
//! `dependentRequired`, `unevaluatedProperties`, `if`/`then`/`else`, `$defs`) stays where it is:
//! the typed model ignores it, and the schema mapper reads it from the raw value at the
//! schema's pointer. `webhooks` and `components.pathItems` are path items, lowered like `paths`.

use serde_json::{Map, Value};

use crate::diagnostics::{push_pointer, Diagnostic, Error, Location, Result};
use crate::shape::{walk_mut, Kind};

/// The dialects a 3.1 document may declare: OpenAPI 3.1's own and plain JSON Schema 2020-12.
const DIALECTS: [&str; 3] = [
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2020-12/schema#",
];

/// The version the lowered document says it is (what `openapiv3` reads).
pub const LOWERED_VERSION: &str = "3.0.3";

/// 2020-12 keywords the router does not enforce: each is reported where it is found (and
/// `unevaluatedProperties` when it is a schema rather than `false`).
const UNCHECKED: [&str; 3] = ["dependentSchemas", "unevaluatedItems", "$dynamicRef"];

/// Members whose boolean schema stays a boolean: 3.0 takes `additionalProperties: false`, the
/// raw value is read for `unevaluated*`, and a schema's own lowering rewrites `items: false`.
const BOOLEANS_KEPT: [&str; 4] = [
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
];

/// Rewrites a 3.1 document (`openapi: 3.1.x`) into the 3.0 form, in place; returns warnings
/// for what the generated code does not check.
pub fn lower(file: &str, doc: &mut Value) -> Result<Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    if !doc.is_object() {
        return Ok(warnings);
    }
    walk_mut(
        doc,
        Kind::Document,
        "",
        "",
        &mut |node, kind, member, pointer| {
            match (kind, node) {
                (Kind::Document, Value::Object(root)) => {
                    if let Some(dialect) = root.get("jsonSchemaDialect") {
                        check_dialect(file, dialect, "/jsonSchemaDialect")?;
                    }
                    root.insert("openapi".into(), Value::from(LOWERED_VERSION));
                    root.entry("paths")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
                // 3.1 lets an operation document no response.
                (Kind::Operation, Value::Object(op)) => {
                    op.entry("responses")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
                // `mutualTLS` (new in 3.1) is a property of the TLS connection, not of requests.
                (Kind::Components, Value::Object(components)) => {
                    if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
                        schemes.retain(|name, scheme| {
                        let mutual =
                            scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
                        if mutual {
                            warnings.push(Diagnostic::warning(
                                Location::new(file, push_pointer(&push_pointer(pointer, "securitySchemes"), name)),
                                "mutual-tls",
                                "mutual TLS is set up on the connection (a client certificate in the HTTP client, TLS termination on the server), not in the generated code; the scheme is left out",
                            ));
                        }
                        !mutual
                    });
                    }
                }
                // Boolean schemas: `true` allows anything, `false` nothing.
                (Kind::Schema, node @ Value::Bool(_)) if !BOOLEANS_KEPT.contains(&member) => {
                    *node = match node {
                        Value::Bool(true) => Value::Object(Map::new()),
                        _ => serde_json::json!({"not": {}}),
                    };
                }
                (Kind::Schema, Value::Object(s)) => {
                    if let Some(dialect) = s.get("$schema") {
                        check_dialect(file, dialect, &push_pointer(pointer, "$schema"))?;
                    }
                    let unevaluated_schema =
                        s.get("unevaluatedProperties").is_some_and(Value::is_object);
                    let unchecked = UNCHECKED
                        .iter()
                        .filter(|k| s.contains_key(**k))
                        .chain(unevaluated_schema.then_some(&"unevaluatedProperties"));
                    for keyword in unchecked {
                        warnings.push(Diagnostic::warning(
                        Location::new(file, push_pointer(pointer, keyword)),
                        "unchecked-keyword",
                        format!("`{keyword}` is not checked by the generated router; requests are not validated against it"),
                    ));
                    }
                    lower_keywords(s);
                }
                _ => {}
            }
            Ok(())
        },
    )?;
    Ok(warnings)
}

/// A declared schema dialect must be one this generator reads.
fn check_dialect(file: &str, dialect: &Value, pointer: &str) -> Result<()> {
    match dialect.as_str() {
        Some(d) if DIALECTS.contains(&d) => Ok(()),
        _ => Err(Error::spec(
            Location::new(file, pointer),
            "unsupported-dialect",
            format!(
                "schema dialect {dialect} is not supported; this generator reads OpenAPI 3.1's default dialect ({})",
                DIALECTS[0]
            ),
        )),
    }
}

/// Rewrites one schema object's own keywords (not its subschemas) into 3.0's.
fn lower_keywords(s: &mut Map<String, Value>) {
    // `$ref` beside constraints: 3.0 ignores the siblings, 2020-12 applies both.
    if s.contains_key("$ref") && s.len() > 1 {
        let annotations = [
            "$ref",
            "description",
            "summary",
            "title",
            "deprecated",
            "readOnly",
            "writeOnly",
            "examples",
            "example",
            "$comment",
        ];
        if s.keys()
            .any(|k| !annotations.contains(&k.as_str()) && !k.starts_with("x-"))
        {
            let reference = s.remove("$ref").unwrap_or_default();
            let mut all_of = vec![serde_json::json!({ "$ref": reference })];
            if let Some(Value::Array(existing)) = s.remove("allOf") {
                all_of.extend(existing);
            }
            s.insert("allOf".into(), Value::Array(all_of));
        }
    }
    // `type` as a list, and the `null` type.
    let types: Option<Vec<String>> = match s.get("type") {
        Some(Value::Array(list)) => Some(
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        Some(Value::String(t)) if t == "null" => Some(vec!["null".into()]),
        _ => None,
    };
    if let Some(mut types) = types {
        s.remove("type");
        if let Some(i) = types.iter().position(|t| t == "null") {
            types.remove(i);
            s.insert("nullable".into(), Value::Bool(true));
        }
        types.dedup();
        match types.as_slice() {
            // Only `null`: kept as the `null` type, which 3.0 documents write too.
            [] if s.contains_key("nullable") && !s.contains_key("enum") => {
                s.remove("nullable");
                s.remove("enum");
                s.insert("type".into(), Value::from("null"));
            }
            [] => {}
            [one] => {
                s.insert("type".into(), Value::from(one.as_str()));
            }
            several => {
                let alternatives: Vec<Value> = several
                    .iter()
                    .map(|t| serde_json::json!({ "type": t }))
                    .collect();
                match s.get("anyOf") {
                    // Both apply: the types as one more part of an `allOf`.
                    Some(_) => {
                        let part = serde_json::json!({ "anyOf": alternatives });
                        match s.get_mut("allOf") {
                            Some(Value::Array(all)) => all.push(part),
                            _ => {
                                s.insert("allOf".into(), Value::Array(vec![part]));
                            }
                        }
                    }
                    None => {
                        s.insert("anyOf".into(), Value::Array(alternatives));
                    }
                }
            }
        }
    }
    if let Some(value) = s.remove("const") {
        if !s.contains_key("enum") {
            s.insert("enum".into(), Value::Array(vec![value]));
        } else {
            // Both apply: `const` as one more part.
            let part = serde_json::json!({ "enum": [value] });
            match s.get_mut("allOf") {
                Some(Value::Array(all)) => all.push(part),
                _ => {
                    s.insert("allOf".into(), Value::Array(vec![part]));
                }
            }
        }
    }
    if let Some(Value::Array(examples)) = s.get("examples") {
        if let (Some(first), false) = (examples.first(), s.contains_key("example")) {
            let first = first.clone();
            s.insert("example".into(), first);
        }
    }
    for (exclusive, inclusive, stricter) in [
        (
            "exclusiveMinimum",
            "minimum",
            f64::ge as fn(&f64, &f64) -> bool,
        ),
        ("exclusiveMaximum", "maximum", f64::le),
    ] {
        if let Some(bound) = s.get(exclusive).and_then(Value::as_f64) {
            let bound_value = s.remove(exclusive).unwrap_or_default();
            match s.get(inclusive).and_then(Value::as_f64) {
                // The inclusive bound is already as strict (or stricter): it alone applies.
                Some(existing) if existing != bound && stricter(&existing, &bound) => {}
                _ => {
                    s.insert(inclusive.into(), bound_value);
                    s.insert(exclusive.into(), Value::Bool(true));
                }
            }
        }
    }
    if s.get("contentEncoding").and_then(Value::as_str) == Some("base64")
        && !s.contains_key("format")
    {
        s.insert("format".into(), Value::from("byte"));
    }
    // `items: false`: after `prefixItems` the `false` schema (the validator names the limit as
    // Ajv does, after checking the prefix); alone, no items at all.
    if let Some(Value::Bool(items)) = s.get("items") {
        let items = *items;
        s.remove("items");
        if !items && s.contains_key("prefixItems") {
            s.insert("items".into(), serde_json::json!({"not": {}}));
        } else if !items {
            s.insert("maxItems".into(), Value::from(0));
        }
    }
    // `unevaluatedProperties: false` without a 3.0 counterpart is read from the raw value;
    // booleans elsewhere (`unevaluatedItems`) likewise.
}
