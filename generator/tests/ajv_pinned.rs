//! The router's validator (`runtime/validate.rs`) against Ajv's own answers: every case of
//! `tests/ajv/generate.js` (a schema, a value, Ajv2020 or Ajv draft-07) with and without type
//! coercion, pinned in `tests/ajv/expected.json` (see `tests/ajv/README.md`). Node is not
//! needed here.

#[path = "../runtime/validate.rs"]
mod validate;

use serde_json::{Map, Value};
use validate::{validate_all, Additional, Lit, Options, Schema, Type};

/// Leaks `value` (the schemas of a test live as long as the test).
fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn type_of(name: &str) -> Type {
    match name {
        "null" => Type::Null,
        "boolean" => Type::Boolean,
        "integer" => Type::Integer,
        "number" => Type::Number,
        "string" => Type::String,
        "array" => Type::Array,
        "object" => Type::Object,
        other => panic!("unknown type {other}"),
    }
}

fn lit(v: &Value) -> Lit {
    match v {
        Value::Null => Lit::Null,
        Value::Bool(b) => Lit::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Lit::Int(i),
            None => Lit::Float(n.as_f64().unwrap()),
        },
        Value::String(s) => Lit::Str(leak_str(s)),
        other => panic!("no literal for {other}"),
    }
}

fn list(v: Option<&Value>) -> &'static [&'static Schema] {
    let items: Vec<&'static Schema> = v
        .and_then(Value::as_array)
        .map(|a| a.iter().map(convert).collect())
        .unwrap_or_default();
    items.leak()
}

fn named(v: Option<&Value>) -> &'static [(&'static str, &'static Schema)] {
    let items: Vec<(&'static str, &'static Schema)> = v
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, s)| (leak_str(k), convert(s))).collect())
        .unwrap_or_default();
    items.leak()
}

fn u(s: &Map<String, Value>, key: &str) -> Option<u64> {
    s.get(key).map(|v| v.as_u64().unwrap())
}

fn f(s: &Map<String, Value>, key: &str) -> Option<f64> {
    s.get(key).map(|v| v.as_f64().unwrap())
}

/// A JSON Schema (the keywords the cases use) as the validator's node, the way the generator
/// builds it (`false` as `not: {}`, and `items: false` without `prefixItems` as `maxItems: 0`,
/// as `load::openapi31` lowers them).
fn convert(v: &Value) -> &'static Schema {
    let s = match v {
        Value::Bool(true) => return leak(Schema::ANY),
        Value::Bool(false) => {
            return leak(Schema {
                not: Some(leak(Schema::ANY)),
                ..Schema::ANY
            })
        }
        Value::Object(s) => s,
        other => panic!("not a schema: {other}"),
    };
    let known = [
        "type",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "patternProperties",
        "dependentRequired",
        "unevaluatedProperties",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
    ];
    for k in s.keys() {
        assert!(known.contains(&k.as_str()), "keyword {k} not converted");
    }
    let types: Vec<Type> = match s.get("type") {
        Some(Value::String(t)) => vec![type_of(t)],
        Some(Value::Array(ts)) => ts.iter().map(|t| type_of(t.as_str().unwrap())).collect(),
        _ => vec![],
    };
    let mut enumeration: Vec<Lit> = s
        .get("enum")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(lit).collect())
        .unwrap_or_default();
    if let Some(c) = s.get("const") {
        enumeration.push(lit(c));
    }
    let (mut minimum, mut exclusive_minimum) = (f(s, "minimum"), false);
    if let Some(x) = f(s, "exclusiveMinimum") {
        (minimum, exclusive_minimum) = (Some(x), true);
    }
    let (mut maximum, mut exclusive_maximum) = (f(s, "maximum"), false);
    if let Some(x) = f(s, "exclusiveMaximum") {
        (maximum, exclusive_maximum) = (Some(x), true);
    }
    let prefix_items = list(s.get("prefixItems"));
    let mut max_items = u(s, "maxItems");
    let items = match s.get("items") {
        Some(Value::Bool(false)) if prefix_items.is_empty() => {
            max_items = Some(0);
            None
        }
        Some(items) => Some(convert(items)),
        None => None,
    };
    let additional = match s.get("additionalProperties") {
        None | Some(Value::Bool(true)) => Additional::Allowed,
        Some(Value::Bool(false)) => Additional::Forbidden,
        Some(schema) => Additional::Schema(convert(schema)),
    };
    let required: Vec<&'static str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|r| leak_str(r.as_str().unwrap())).collect())
        .unwrap_or_default();
    let dependent_required: Vec<(&'static str, &'static [&'static str])> = s
        .get("dependentRequired")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, needs)| {
                    let needs: Vec<&'static str> = needs
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| leak_str(n.as_str().unwrap()))
                        .collect();
                    (leak_str(k), &*needs.leak())
                })
                .collect()
        })
        .unwrap_or_default();
    let one = |key: &str| s.get(key).map(convert);
    leak(Schema {
        types: types.leak(),
        enumeration: enumeration.leak(),
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        multiple_of: f(s, "multipleOf"),
        min_length: u(s, "minLength"),
        max_length: u(s, "maxLength"),
        pattern: s.get("pattern").map(|p| leak_str(p.as_str().unwrap())),
        items,
        min_items: u(s, "minItems"),
        max_items,
        unique_items: s.get("uniqueItems") == Some(&Value::Bool(true)),
        properties: named(s.get("properties")),
        required: required.leak(),
        additional,
        min_properties: u(s, "minProperties"),
        max_properties: u(s, "maxProperties"),
        all_of: list(s.get("allOf")),
        any_of: list(s.get("anyOf")),
        one_of: list(s.get("oneOf")),
        not: one("not"),
        prefix_items,
        contains: one("contains"),
        min_contains: u(s, "minContains"),
        max_contains: u(s, "maxContains"),
        property_names: one("propertyNames"),
        pattern_properties: named(s.get("patternProperties")),
        dependent_required: dependent_required.leak(),
        unevaluated_forbidden: s.get("unevaluatedProperties") == Some(&Value::Bool(false)),
        if_schema: one("if"),
        then_schema: one("then"),
        else_schema: one("else"),
        ..Schema::ANY
    })
}

#[test]
fn validator_gives_ajvs_answers() {
    let pinned: Value = serde_json::from_str(include_str!("ajv/expected.json")).unwrap();
    let cases = pinned["cases"].as_array().unwrap();
    assert!(cases.len() > 150, "the pinned cases are missing");
    let mut failures = Vec::new();
    for case in cases {
        let schema = convert(&case["schema"]);
        for (key, coerce_types) in [("coerce", true), ("strict", false)] {
            let expected = &case[key];
            let mut value = case["data"].clone();
            let got: Vec<Value> = match validate_all(schema, &mut value, Options { coerce_types }) {
                Ok(()) => vec![],
                Err(errors) => errors
                    .into_iter()
                    .map(|e| Value::from(vec![e.message, e.instance_path]))
                    .collect(),
            };
            let want = expected["errors"].as_array().unwrap();
            // Ajv cannot replace a scalar at the root (the caller keeps its value); inside
            // arrays and objects the coerced values must be the same.
            let data_differs = (value.is_object() || value.is_array()) && value != expected["data"];
            if &got != want || data_differs {
                failures.push(format!(
                    "{} ({key}) {}:\n  Ajv:  {} -> {}\n  ours: {} -> {}",
                    case["name"],
                    case["data"],
                    Value::from(want.clone()),
                    expected["data"],
                    Value::from(got),
                    value
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} answers differ from Ajv {}:\n{}",
        failures.len(),
        cases.len() * 2,
        pinned["versions"]["ajv"],
        failures.join("\n")
    );
}
