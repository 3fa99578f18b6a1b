//! Strict JSON-schema checks of example values against the model (no type coercion), used to
//! decide which examples become round-trip tests and to report examples that contradict schemas.

use serde_json::Value;

use crate::ir::*;

/// Checks `value` against `v`; `Err` has the JSON pointer inside the value and the reason.
/// Properties the schema does not declare are reported too (they would not survive a
/// round trip through the generated types).
pub fn check(api: &Api, v: &VRef, value: &Value) -> Result<(), Mismatch> {
    match check_all(api, v, value, 1).into_iter().next() {
        Some(m) => Err(m),
        None => Ok(()),
    }
}

/// Every mismatch of `value` (up to `limit`), in document order.
pub fn check_all(api: &Api, v: &VRef, value: &Value, limit: usize) -> Vec<Mismatch> {
    PASSES.with(|memo| memo.borrow_mut().clear());
    let mut sink = Sink {
        errors: Vec::new(),
        limit: limit.max(1),
    };
    check_at(api, v, value, String::new(), 0, true, &mut sink);
    sink.errors
        .into_iter()
        .map(|(pointer, message)| {
            let undeclared = message.ends_with(UNDECLARED);
            Mismatch {
                pointer,
                message,
                undeclared,
            }
        })
        .collect()
}

/// Collects mismatches up to a limit.
struct Sink {
    errors: Vec<(String, String)>,
    limit: usize,
}

impl Sink {
    fn push(&mut self, at: String, message: String) -> bool {
        self.errors.push((at, message));
        self.full()
    }

    fn full(&self) -> bool {
        self.errors.len() >= self.limit
    }
}

thread_local! {
    /// Answers of [`passes`] during one [`check_all`], by (schema, value, strict), both by
    /// address. Nested `anyOf`/`oneOf` try the same value against the same alternatives again
    /// at every level: without this, time exponential in the depth (22 levels: 20 s).
    static PASSES: std::cell::RefCell<std::collections::HashMap<(usize, usize, bool), bool>> =
        Default::default();
}

thread_local! {
    /// Compiled `pattern`s and `patternProperties` names (a document repeats them).
    static PATTERNS: std::cell::RefCell<std::collections::HashMap<String, Option<regress::Regex>>> =
        Default::default();
}

/// Whether the ECMAScript regular expression `pattern` (compiled as Ajv does, with the `u`
/// flag) matches somewhere in `text`; a pattern that does not compile (the generator refuses
/// them) matches nothing.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    PATTERNS.with(|cache| {
        cache
            .borrow_mut()
            .entry(pattern.to_owned())
            .or_insert_with(|| regress::Regex::with_flags(pattern, "u").ok())
            .as_ref()
            .is_some_and(|regex| regex.find(text).is_some())
    })
}

/// True when `value` passes `v` (lenient or strict), without collecting anything.
fn passes(api: &Api, v: &VRef, value: &Value, at: &str, depth: usize, strict: bool) -> bool {
    let schema: *const VSchema = match v {
        VRef::Inline(s) => s.as_ref(),
        VRef::Named(id) => &api.types[id.0].schema,
    };
    let key = (schema as usize, value as *const Value as usize, strict);
    if let Some(known) = PASSES.with(|memo| memo.borrow().get(&key).copied()) {
        return known;
    }
    let mut sink = Sink {
        errors: Vec::new(),
        limit: 1,
    };
    check_at(api, v, value, at.to_owned(), depth, strict, &mut sink);
    let passed = sink.errors.is_empty();
    PASSES.with(|memo| memo.borrow_mut().insert(key, passed));
    passed
}

/// Why a value does not conform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON pointer inside the value.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// Only a property the schema does not declare (allowed by JSON Schema, lost by the types).
    pub undeclared: bool,
}

const UNDECLARED: &str = "is not declared by the schema";

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn matches_type(t: JsonType, value: &Value) -> bool {
    match (t, value) {
        (JsonType::Null, Value::Null) => true,
        (JsonType::Boolean, Value::Bool(_)) => true,
        (JsonType::Integer, Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        (JsonType::Number, Value::Number(_)) => true,
        (JsonType::String, Value::String(_)) => true,
        (JsonType::Array, Value::Array(_)) => true,
        (JsonType::Object, Value::Object(_)) => true,
        _ => false,
    }
}

fn json_type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Boolean => "boolean",
        JsonType::Integer => "integer",
        JsonType::Number => "number",
        JsonType::String => "string",
        JsonType::Array => "array",
        JsonType::Object => "object",
    }
}

/// Checks one value; pushes mismatches into `sink` and stops early once it is full.
fn check_at(
    api: &Api,
    v: &VRef,
    value: &Value,
    at: String,
    depth: usize,
    strict: bool,
    sink: &mut Sink,
) {
    if depth > 200 || sink.full() {
        return;
    }
    let s = match v {
        VRef::Inline(s) => s.as_ref(),
        VRef::Named(id) => &api.types[id.0].schema,
    };
    if value.is_null() && s.nullable {
        return;
    }
    if !s.types.is_empty() && !s.types.iter().any(|t| matches_type(*t, value)) {
        let want: Vec<&str> = s.types.iter().map(|t| json_type_name(*t)).collect();
        sink.push(
            at,
            format!(
                "is the {} {}, the schema says {}",
                type_name(value),
                display(value),
                want.join(" or ")
            ),
        );
        return;
    }
    if !s.enumeration.is_empty() && !s.enumeration.iter().any(|e| numeric_eq(e, value)) {
        sink.push(
            at,
            format!("{} is not one of the allowed values", display(value)),
        );
        return;
    }
    for sub in &s.all_of {
        check_at(api, sub, value, at.clone(), depth + 1, strict, sink);
    }
    if !s.any_of.is_empty() {
        match s
            .any_of
            .iter()
            .find(|sub| passes(api, sub, value, &at, depth + 1, false))
        {
            None => {
                sink.push(at.clone(), "matches none of the anyOf alternatives".into());
            }
            Some(sub) if strict => check_at(api, sub, value, at.clone(), depth + 1, true, sink),
            Some(_) => {}
        }
    }
    if !s.one_of.is_empty() {
        let matching: Vec<&VRef> = s
            .one_of
            .iter()
            .filter(|sub| passes(api, sub, value, &at, depth + 1, false))
            .collect();
        if matching.len() != 1 {
            sink.push(
                at.clone(),
                format!(
                    "matches {} of the oneOf alternatives instead of exactly one",
                    matching.len()
                ),
            );
        } else if strict {
            check_at(api, matching[0], value, at.clone(), depth + 1, true, sink);
        }
    }
    if let Some(condition) = &s.if_schema {
        let clause = if passes(api, condition, value, &at, depth + 1, false) {
            &s.then_schema
        } else {
            &s.else_schema
        };
        if let Some(clause) = clause {
            check_at(api, clause, value, at.clone(), depth + 1, strict, sink);
        }
    }
    match value {
        Value::String(text) => {
            if let Some(pattern) = s.pattern.as_deref().filter(|p| !pattern_matches(p, text)) {
                sink.push(
                    at,
                    format!("{} does not match the pattern `{pattern}`", display(value)),
                );
            }
        }
        Value::Array(items) => {
            for (i, (prefix, item)) in s.prefix_items.iter().zip(items).enumerate() {
                check_at(
                    api,
                    prefix,
                    item,
                    format!("{at}/{i}"),
                    depth + 1,
                    strict,
                    sink,
                );
            }
            if let Some(contains) = &s.contains {
                let min = s.min_contains.unwrap_or(1);
                let count = items
                    .iter()
                    .enumerate()
                    .filter(|(i, item)| {
                        passes(api, contains, item, &format!("{at}/{i}"), depth + 1, false)
                    })
                    .count() as u64;
                // This check does not apply every rule (bounds, lengths), so it may count too
                // many matches: only too few is certain (`maxContains` is left to the router).
                if count < min {
                    sink.push(
                        at.clone(),
                        format!("has {count} items that match `contains`; the schema asks for at least {min}"),
                    );
                }
            }
            if let Some(item_schema) = &s.items {
                // After `prefixItems`, `items` applies to the items after them.
                let first = s.prefix_items.len();
                for (i, item) in items.iter().enumerate().skip(first) {
                    check_at(
                        api,
                        item_schema,
                        item,
                        format!("{at}/{i}"),
                        depth + 1,
                        strict,
                        sink,
                    );
                }
            }
        }
        Value::Object(map) => {
            for r in &s.required {
                if !map.contains_key(r) {
                    sink.push(at.clone(), format!("lacks the required property `{r}`"));
                }
            }
            for (name, needs) in &s.dependent_required {
                let present = map.contains_key(name);
                for need in needs
                    .iter()
                    .filter(|n| present && !map.contains_key(n.as_str()))
                {
                    sink.push(
                        at.clone(),
                        format!("has `{name}` but lacks `{need}`, which it requires"),
                    );
                }
            }
            if let Some(names) = &s.property_names {
                for k in map.keys() {
                    let name = Value::String(k.clone());
                    if !passes(api, names, &name, &at, depth + 1, false) {
                        let child = crate::diagnostics::push_pointer(&at, k);
                        sink.push(child, format!("`{k}` is not an allowed property name"));
                    }
                }
            }
            // Many members against many properties: names are looked up in a map (not n²).
            let index: Option<std::collections::HashMap<&str, &VRef>> = (map.len() > 16
                && s.properties.len() > 16)
                .then(|| s.properties.iter().map(|(n, v)| (n.as_str(), v)).collect());
            for (k, val) in map {
                let child = crate::diagnostics::push_pointer(&at, k);
                let property = match &index {
                    Some(index) => index.get(k.as_str()).copied(),
                    None => s
                        .properties
                        .iter()
                        .find(|(name, _)| name == k)
                        .map(|(_, v)| v),
                };
                let patterns: Vec<&VRef> = s
                    .pattern_properties
                    .iter()
                    .filter(|(pattern, _)| pattern_matches(pattern, k))
                    .map(|(_, v)| v)
                    .collect();
                for ps in &patterns {
                    check_at(api, ps, val, child.clone(), depth + 1, strict, sink);
                }
                match property {
                    Some(ps) => check_at(api, ps, val, child, depth + 1, strict, sink),
                    None if !patterns.is_empty() => {}
                    None => {
                        match &s.additional {
                            VAdditional::Schema(a) => {
                                check_at(api, a, val, child, depth + 1, strict, sink)
                            }
                            VAdditional::Forbidden => {
                                sink.push(child, format!("`{k}` is not allowed by the schema"));
                            }
                            VAdditional::Allowed
                                if s.unevaluated_forbidden && !declared_by_parts(api, s, k) =>
                            {
                                sink.push(child, format!("`{k}` is not allowed by the schema (unevaluatedProperties)"));
                            }
                            VAdditional::Allowed if strict && !s.properties.is_empty() => {
                                sink.push(child, format!("`{k}` {UNDECLARED}"));
                            }
                            VAdditional::Allowed => {}
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// Whether a part of `s` (`allOf`, `anyOf`, `oneOf`, `then`, `else`, one level down) declares
/// the property `key`: what `unevaluatedProperties` sees beside `s`'s own properties.
fn declared_by_parts(api: &Api, s: &VSchema, key: &str) -> bool {
    let clauses = [&s.if_schema, &s.then_schema, &s.else_schema];
    s.all_of
        .iter()
        .chain(&s.any_of)
        .chain(&s.one_of)
        .chain(clauses.into_iter().flatten().map(|b| b.as_ref()))
        .any(|part| {
            let part = match part {
                VRef::Inline(p) => p.as_ref(),
                VRef::Named(id) => &api.types[id.0].schema,
            };
            part.properties.iter().any(|(name, _)| name == key)
                || part
                    .pattern_properties
                    .iter()
                    .any(|(pattern, _)| pattern_matches(pattern, key))
        })
}

fn display(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn numeric_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
