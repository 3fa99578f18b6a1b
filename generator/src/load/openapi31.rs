//! OpenAPI 3.1 lowered into the 3.0 form the rest of the pipeline reads, in place on the JSON
//! value before it is typed: one pipeline for both versions.
//!
//! What 3.0 can say is rewritten into 3.0's words: `type: [T, "null"]` → `type: T` +
//! `nullable` (the `null` type alone stays, as 3.0 documents write it), several types → `anyOf`, `const` → a one-value `enum`, a schema's `examples`
//! array → `example`, numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum` + `true`,
//! `$ref` beside other keywords → `allOf`, `contentEncoding: base64` → `format: byte`, boolean
//! schemas → `{}` / `{not: {}}`, `items: false` after `prefixItems` → `maxItems`, a missing
//! `paths` → `{}`. What 3.0 cannot say (`prefixItems`, `propertyNames`, `patternProperties`,
//! `dependentRequired`, `unevaluatedProperties`, `if`/`then`/`else`, `$defs`) stays where it is:
//! the typed model ignores it, and the schema mapper reads it from the raw value at the
//! schema's pointer. `webhooks` and `components.pathItems` are path items, lowered like `paths`.

use serde_json::{Map, Value};

use std::cell::RefCell;

use crate::diagnostics::{push_pointer, Diagnostic, Error, Location, Result};

/// The dialects a 3.1 document may declare: OpenAPI 3.1's own and plain JSON Schema 2020-12.
const DIALECTS: [&str; 3] = [
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2020-12/schema#",
];

/// The version the lowered document says it is (what `openapiv3` reads).
pub const LOWERED_VERSION: &str = "3.0.3";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Deepest schema nesting lowered; the JSON and YAML readers stop far earlier.
const MAX_DEPTH: usize = 4_096;

/// 2020-12 keywords the router does not enforce yet: each is reported where it is found.
const UNCHECKED: [&str; 12] = [
    "prefixItems",
    "propertyNames",
    "patternProperties",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "contains",
    "$dynamicRef",
    "minContains",
    "maxContains",
];

/// Rewrites a 3.1 document (`openapi: 3.1.x`) into the 3.0 form, in place; returns warnings
/// for what the generated code does not check.
pub fn lower(file: &str, doc: &mut Value) -> Result<Vec<Diagnostic>> {
    let lowering = Lowering {
        file,
        warnings: RefCell::default(),
    };
    let Value::Object(root) = doc else {
        return Ok(vec![]);
    };
    if let Some(dialect) = root.get("jsonSchemaDialect") {
        lowering.dialect(dialect, "/jsonSchemaDialect")?;
    }
    root.insert("openapi".into(), Value::from(LOWERED_VERSION));
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    for key in ["paths", "webhooks"] {
        if let Some(Value::Object(items)) = root.get_mut(key) {
            for (name, item) in items.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
                lowering.path_item(item, &push_pointer(&format!("/{key}"), name))?;
            }
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        let each = |components: &mut Map<String, Value>,
                    key: &str,
                    f: &dyn Fn(&mut Value, &str) -> Result<()>|
         -> Result<()> {
            if let Some(Value::Object(members)) = components.get_mut(key) {
                for (name, member) in members.iter_mut() {
                    f(member, &push_pointer(&format!("/components/{key}"), name))?;
                }
            }
            Ok(())
        };
        each(components, "schemas", &|v, p| lowering.schema(v, p, 0))?;
        each(components, "parameters", &|v, p| lowering.parameter(v, p))?;
        each(components, "headers", &|v, p| lowering.parameter(v, p))?;
        each(components, "requestBodies", &|v, p| {
            lowering.content_of(v, p)
        })?;
        each(components, "responses", &|v, p| lowering.response(v, p))?;
        each(components, "pathItems", &|v, p| lowering.path_item(v, p))?;
        each(components, "callbacks", &|v, p| lowering.callback(v, p))?;
        // `mutualTLS` (new in 3.1) is a property of the TLS connection, not of requests.
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            schemes.retain(|name, scheme| {
                let mutual = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
                if mutual {
                    lowering.warnings.borrow_mut().push(Diagnostic::warning(
                        Location::new(file, push_pointer("/components/securitySchemes", name)),
                        "mutual-tls",
                        "mutual TLS is set up on the connection (a client certificate in the HTTP client, TLS termination on the server), not in the generated code; the scheme is left out",
                    ));
                }
                !mutual
            });
        }
    }
    Ok(lowering.warnings.into_inner())
}

struct Lowering<'a> {
    file: &'a str,
    warnings: RefCell<Vec<Diagnostic>>,
}

impl Lowering<'_> {
    fn error(&self, pointer: &str, message: String) -> Error {
        Error::spec(
            Location::new(self.file, pointer),
            "unsupported-dialect",
            message,
        )
    }

    fn dialect(&self, dialect: &Value, pointer: &str) -> Result<()> {
        match dialect.as_str() {
            Some(d) if DIALECTS.contains(&d) => Ok(()),
            _ => Err(self.error(
                pointer,
                format!(
                    "schema dialect {dialect} is not supported; this generator reads OpenAPI 3.1's default dialect ({})",
                    DIALECTS[0]
                ),
            )),
        }
    }

    fn path_item(&self, item: &mut Value, pointer: &str) -> Result<()> {
        let Value::Object(item) = item else {
            return Ok(());
        };
        if let Some(Value::Array(params)) = item.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(
                    p,
                    &push_pointer(&push_pointer(pointer, "parameters"), &i.to_string()),
                )?;
            }
        }
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                self.operation(op, &push_pointer(pointer, method))?;
            }
        }
        Ok(())
    }

    fn operation(&self, op: &mut Value, pointer: &str) -> Result<()> {
        let Value::Object(op) = op else {
            return Ok(());
        };
        // 3.1 lets an operation document no response.
        op.entry("responses")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(
                    p,
                    &push_pointer(&push_pointer(pointer, "parameters"), &i.to_string()),
                )?;
            }
        }
        if let Some(body) = op.get_mut("requestBody") {
            self.content_of(body, &push_pointer(pointer, "requestBody"))?;
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (status, r) in responses.iter_mut() {
                self.response(
                    r,
                    &push_pointer(&push_pointer(pointer, "responses"), status),
                )?;
            }
        }
        if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
            for (name, cb) in callbacks.iter_mut() {
                self.callback(cb, &push_pointer(&push_pointer(pointer, "callbacks"), name))?;
            }
        }
        Ok(())
    }

    fn callback(&self, callback: &mut Value, pointer: &str) -> Result<()> {
        if let Value::Object(expressions) = callback {
            for (expression, item) in expressions.iter_mut() {
                self.path_item(item, &push_pointer(pointer, expression))?;
            }
        }
        Ok(())
    }

    /// A parameter or header: its schema, or its content.
    fn parameter(&self, p: &mut Value, pointer: &str) -> Result<()> {
        if let Some(schema) = p.get_mut("schema") {
            self.schema(schema, &push_pointer(pointer, "schema"), 0)?;
        }
        self.content_of(p, pointer)
    }

    fn response(&self, r: &mut Value, pointer: &str) -> Result<()> {
        if let Some(Value::Object(headers)) = r.get_mut("headers") {
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &push_pointer(&push_pointer(pointer, "headers"), name))?;
            }
        }
        self.content_of(r, pointer)
    }

    /// The schemas of a `content` map (of a request body, response, parameter or header).
    fn content_of(&self, owner: &mut Value, pointer: &str) -> Result<()> {
        if let Some(Value::Object(content)) = owner.get_mut("content") {
            let base = push_pointer(pointer, "content");
            for (media, m) in content.iter_mut() {
                if let Some(schema) = m.get_mut("schema") {
                    self.schema(
                        schema,
                        &push_pointer(&push_pointer(&base, media), "schema"),
                        0,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn schema(&self, schema: &mut Value, pointer: &str, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::spec(
                Location::new(self.file, pointer),
                "too-deep",
                format!("schemas nest more than {MAX_DEPTH} levels deep"),
            ));
        }
        // Boolean schemas: `true` allows anything, `false` nothing.
        match schema {
            Value::Bool(true) => *schema = Value::Object(Map::new()),
            Value::Bool(false) => {
                *schema = serde_json::json!({"not": {}});
                return Ok(());
            }
            _ => {}
        }
        let Value::Object(s) = schema else {
            return Ok(());
        };
        if let Some(dialect) = s.get("$schema") {
            self.dialect(dialect, &push_pointer(pointer, "$schema"))?;
        }
        for keyword in UNCHECKED.iter().filter(|k| s.contains_key(**k)) {
            self.warnings.borrow_mut().push(Diagnostic::warning(
                Location::new(self.file, push_pointer(pointer, keyword)),
                "unchecked-keyword",
                format!("`{keyword}` is not checked by the generated router; requests are not validated against it"),
            ));
        }
        lower_keywords(s);
        // Subschemas, wherever 2020-12 puts them. Booleans stay where 3.0 takes them
        // (`additionalProperties: false`) or where the raw value is read (`unevaluated*`).
        for key in ["not", "contains", "propertyNames", "if", "then", "else"] {
            if let Some(sub) = s.get_mut(key) {
                self.schema(sub, &push_pointer(pointer, key), depth + 1)?;
            }
        }
        for key in [
            "items",
            "additionalProperties",
            "unevaluatedProperties",
            "unevaluatedItems",
        ] {
            if let Some(sub) = s.get_mut(key).filter(|v| !v.is_boolean()) {
                self.schema(sub, &push_pointer(pointer, key), depth + 1)?;
            }
        }
        for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
            if let Some(Value::Array(subs)) = s.get_mut(key) {
                for (i, sub) in subs.iter_mut().enumerate() {
                    self.schema(
                        sub,
                        &push_pointer(&push_pointer(pointer, key), &i.to_string()),
                        depth + 1,
                    )?;
                }
            }
        }
        for key in [
            "properties",
            "patternProperties",
            "$defs",
            "dependentSchemas",
        ] {
            if let Some(Value::Object(subs)) = s.get_mut(key) {
                for (name, sub) in subs.iter_mut() {
                    self.schema(
                        sub,
                        &push_pointer(&push_pointer(pointer, key), name),
                        depth + 1,
                    )?;
                }
            }
        }
        Ok(())
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
    // `items: false` after `prefixItems`: no more items than the prefix.
    if let Some(Value::Bool(items)) = s.get("items") {
        let items = *items;
        s.remove("items");
        if !items {
            let n = s
                .get("prefixItems")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let max = s
                .get("maxItems")
                .and_then(Value::as_u64)
                .map_or(n as u64, |m| m.min(n as u64));
            s.insert("maxItems".into(), Value::from(max));
        }
    }
    // `unevaluatedProperties: false` without a 3.0 counterpart is read from the raw value;
    // booleans elsewhere (`unevaluatedItems`) likewise.
}
