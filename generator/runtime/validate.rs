// Runtime JSON Schema validation for generated crates (module `crate::validate`).
//
// This file is copied verbatim into every generated crate. It depends only on
// `std` and `serde_json`, contains no `unsafe`, never panics, and uses no inner
// attributes so that it can be included with `mod validate;` or `include!`.
//
// It reproduces the observable behaviour of Ajv v8 as configured by
// Rocket.Chat (`new Ajv({ coerceTypes: true })`, `allErrors: false`):
//
// * Keyword evaluation order follows Ajv's generated code: the `type` check
//   (with coercion) first, then the type-independent keywords (`$ref`, `enum`,
//   `not`, `anyOf`, `oneOf`, `allOf`), then the number, string, array and
//   object keyword groups, each in Ajv's vocabulary order. Like Ajv, a single
//   `type` that cannot be coerced (always `array`/`object`; any type when
//   coercion is off) and that has keywords of its own group is only checked
//   when that group is reached, i.e. after the type-independent keywords.
// * Evaluation stops at the first failure. Inside `anyOf`/`oneOf` the failing
//   branches' errors are kept and precede the `anyOf`/`oneOf` error itself,
//   exactly like Ajv's `validate.errors` array (see `validate_all`).
// * Coercion mutates the data in place, also inside `anyOf`/`oneOf`/`not`
//   branches that end up failing (as Ajv does).
// * Numbers are compared as IEEE doubles, like JavaScript.
//
// Known, documented differences from Ajv:
//
// * `pattern` is stored but NOT validated (no regex engine is available).
// * A coercion that would produce a non-finite number (e.g. the string
//   "Infinity" or "1e400") fails, because JSON cannot represent it; Ajv would
//   store `Infinity`.
// * Cycles of schemas applied to the same value without descending into it
//   (e.g. a `$ref` alias that refers to itself) are cut: the repeated schema is
//   treated as "accept anything". The same happens after 64 nested schema
//   applications on one value. Ajv would overflow its stack instead.
// * `nullable: true` without `type` has no effect (OpenAPI 3.0.3 semantics;
//   Ajv refuses to compile such a schema).
// * Object keys are visited in JavaScript property order (array-index-like
//   keys first, ascending, then the others) as far as `serde_json` allows: the
//   relative order of the other keys is the map's iteration order, which is
//   insertion order only with serde_json's `preserve_order` feature. This only
//   matters for which error is reported first among several failing
//   `additionalProperties` values.
// * Ajv looks properties up through the JavaScript prototype chain (so
//   `required: ["constructor"]` is always satisfied); this module only sees
//   the JSON object's own keys.

use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;

/// A JSON type name as in JSON Schema `type`.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// `"null"`.
    Null,
    /// `"boolean"`.
    Boolean,
    /// `"integer"`: a number without fractional part (`1.0` counts, as in JavaScript).
    Integer,
    /// `"number"`.
    Number,
    /// `"string"`.
    String,
    /// `"array"`.
    Array,
    /// `"object"`.
    Object,
}

#[allow(dead_code)]
impl Type {
    /// The JSON Schema spelling of this type (`"string"`, `"integer"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Boolean => "boolean",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::String => "string",
            Type::Array => "array",
            Type::Object => "object",
        }
    }

    /// Whether Ajv's `coerceTypes: true` can coerce other values to this type.
    const fn is_coercible(self) -> bool {
        !matches!(self, Type::Array | Type::Object)
    }
}

/// A constant JSON value usable in statics (for `enum`).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lit {
    /// JSON `null`.
    Null,
    /// A JSON boolean.
    Bool(bool),
    /// A JSON number without fractional part.
    Int(i64),
    /// Any other JSON number.
    Float(f64),
    /// A JSON string.
    Str(&'static str),
}

/// How properties not listed in `properties` are treated.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub enum Additional {
    /// Any additional property is accepted (`additionalProperties` absent or `true`).
    Allowed,
    /// Additional properties are rejected (`additionalProperties: false`).
    Forbidden,
    /// Every additional property must match this schema.
    Schema(&'static Schema),
}

/// A JSON Schema (OpenAPI 3.0 dialect) node, built as a `static` by generated code.
///
/// Build nodes with struct-update syntax from [`Schema::ANY`], e.g.
/// `static S: Schema = Schema { types: &[Type::String], ..Schema::ANY };`.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// Allowed JSON types (`type`); empty means any type.
    pub types: &'static [Type],
    /// OpenAPI 3.0 `nullable: true`: `null` is also accepted (only when `types` is not empty).
    pub nullable: bool,
    /// Allowed values (`enum`); empty means no `enum` keyword.
    pub enumeration: &'static [Lit],
    /// `minimum` (inclusive unless `exclusive_minimum`).
    pub minimum: Option<f64>,
    /// `maximum` (inclusive unless `exclusive_maximum`).
    pub maximum: Option<f64>,
    /// OpenAPI 3.0 boolean `exclusiveMinimum`: makes `minimum` exclusive.
    pub exclusive_minimum: bool,
    /// OpenAPI 3.0 boolean `exclusiveMaximum`: makes `maximum` exclusive.
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minLength`, in Unicode code points.
    pub min_length: Option<u64>,
    /// `maxLength`, in Unicode code points.
    pub max_length: Option<u64>,
    /// `pattern`: stored for documentation only, NOT validated (no regex engine).
    pub pattern: Option<&'static str>,
    /// `items`: the schema every array element must match.
    pub items: Option<&'static Schema>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `properties`, in declaration order.
    pub properties: &'static [(&'static str, &'static Schema)],
    /// `required` property names, in declaration order.
    pub required: &'static [&'static str],
    /// `additionalProperties`.
    pub additional: Additional,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `allOf`.
    pub all_of: &'static [&'static Schema],
    /// `anyOf`.
    pub any_of: &'static [&'static Schema],
    /// `oneOf`.
    pub one_of: &'static [&'static Schema],
    /// `not`.
    pub not: Option<&'static Schema>,
    /// Lazy `$ref` to another schema (allows recursive schemas). As in Ajv, the
    /// target is validated right after this node's `type` check and before every
    /// other keyword of this node.
    pub reference: Option<fn() -> &'static Schema>,
}

#[allow(dead_code)]
impl Schema {
    /// Accepts anything; the base for struct-update syntax:
    /// `Schema { types: &[Type::String], ..Schema::ANY }`.
    pub const ANY: Schema = Schema {
        types: &[],
        nullable: false,
        enumeration: &[],
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        multiple_of: None,
        min_length: None,
        max_length: None,
        pattern: None,
        items: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        properties: &[],
        required: &[],
        additional: Additional::Allowed,
        min_properties: None,
        max_properties: None,
        all_of: &[],
        any_of: &[],
        one_of: &[],
        not: None,
        reference: None,
    };
    /// Any string.
    pub const STRING: Schema = Schema {
        types: &[Type::String],
        ..Schema::ANY
    };
    /// Any integer.
    pub const INTEGER: Schema = Schema {
        types: &[Type::Integer],
        ..Schema::ANY
    };
    /// Any number.
    pub const NUMBER: Schema = Schema {
        types: &[Type::Number],
        ..Schema::ANY
    };
    /// `true` or `false`.
    pub const BOOLEAN: Schema = Schema {
        types: &[Type::Boolean],
        ..Schema::ANY
    };
    /// Any object.
    pub const OBJECT: Schema = Schema {
        types: &[Type::Object],
        ..Schema::ANY
    };
}

/// Options (Rocket.Chat: coerce = true).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Ajv `coerceTypes: true`: scalars of a wrong type are converted in place when possible.
    pub coerce_types: bool,
}

#[allow(dead_code)]
impl Options {
    /// The options Rocket.Chat uses (`coerceTypes: true`).
    pub const ROCKET_CHAT: Options = Options { coerce_types: true };
}

/// The first validation failure, with Ajv's message text and the instance path (JSON pointer) for logs.
#[allow(dead_code)]
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// Ajv's `error.message`, e.g. `must have required property 'token'`.
    pub message: String,
    /// JSON pointer of the failing value (for `required`, the object), e.g. `/customFields/0`.
    pub instance_path: String,
}

#[allow(dead_code)]
impl ValidationError {
    /// Merges an Ajv error list the way Rocket.Chat reports it: the messages
    /// joined with `"\n "` (`errors.map(e => e.message).join('\n ')`), and the
    /// first error's instance path.
    pub fn combine(errors: &[ValidationError]) -> ValidationError {
        let message = errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("\n ");
        let instance_path = errors
            .first()
            .map(|e| e.instance_path.clone())
            .unwrap_or_default();
        ValidationError {
            message,
            instance_path,
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Validates `value` in place (coercing scalars like Ajv `coerceTypes` when
/// enabled), returning the failure in Ajv's evaluation order.
///
/// The error's `message` is what Rocket.Chat puts in front of
/// `[invalid-params]`: Ajv's messages joined with `"\n "`. Ajv (with
/// `allErrors: false`) reports exactly one error except when an `anyOf` or
/// `oneOf` fails; then the errors of the failed branches come first and the
/// `anyOf`/`oneOf` error last (see [`validate_all`]).
///
/// # Errors
///
/// Returns the combined error (see [`ValidationError::combine`]) when `value`
/// does not match `schema`; `value` may be partially coerced then.
#[allow(dead_code)]
pub fn validate(
    schema: &Schema,
    value: &mut Value,
    options: Options,
) -> Result<(), ValidationError> {
    validate_all(schema, value, options).map_err(|errors| ValidationError::combine(&errors))
}

/// Like [`validate`], but returns Ajv's complete `validate.errors` array.
///
/// # Errors
///
/// Returns the (never empty) error list when `value` does not match `schema`.
#[allow(dead_code)]
pub fn validate_all(
    schema: &Schema,
    value: &mut Value,
    options: Options,
) -> Result<(), Vec<ValidationError>> {
    let mut checker = Checker {
        coerce: options.coerce_types,
        errors: Vec::new(),
        path: String::new(),
        active: Vec::new(),
        spare: Vec::new(),
        steps: 0,
        max_steps: MAX_BASE_STEPS.saturating_add(STEPS_PER_VALUE.saturating_mul(node_count(value))),
    };
    let ok = checker.apply(schema, value);
    if checker.steps > checker.max_steps {
        return Err(vec![ValidationError {
            message: "is too complex to validate (nested anyOf/oneOf)".to_owned(),
            instance_path: String::new(),
        }]);
    }
    if ok {
        Ok(())
    } else {
        if checker.errors.is_empty() {
            checker.errors.push(ValidationError {
                message: "must be valid".to_owned(),
                instance_path: String::new(),
            });
        }
        Err(checker.errors)
    }
}

/// Turns one raw path/query/header parameter string into a JSON value for
/// `schema`, then validates it (with `options`). Used for parameters, which
/// always arrive as text.
///
/// Scalars are converted with Ajv's coercion rules towards the schema's
/// `type` (`"10"` becomes `10` for `integer`, `"true"` becomes `true` for
/// `boolean`, `""` becomes `null` when nullable); a string schema keeps the
/// text. For `array` schemas the text is split on `,` (the empty string gives
/// an empty array) and every piece is converted for the `items` schema.
/// `$ref` aliases are followed to find the type.
///
/// # Errors
///
/// Returns the validation failure of the converted value, as [`validate`] does.
#[allow(dead_code)]
pub fn parse_param(schema: &Schema, raw: &str, options: Options) -> Result<Value, ValidationError> {
    let target = resolve_alias(schema);
    let wants_array = target.types.contains(&Type::Array) && !target.types.contains(&Type::String);
    let mut value = if wants_array {
        if raw.is_empty() {
            Value::Array(Vec::new())
        } else {
            Value::Array(
                raw.split(',')
                    .map(|piece| match target.items {
                        Some(items) => text_to_scalar(items, piece),
                        None => Value::String(piece.to_owned()),
                    })
                    .collect(),
            )
        }
    } else {
        text_to_scalar(schema, raw)
    };
    validate(schema, &mut value, options)?;
    Ok(value)
}

// ---------------------------------------------------------------------------
// Implementation.

/// Maximum number of schemas applied to one value without descending into it.
const MAX_SAME_VALUE_DEPTH: usize = 64;

/// Follows pure `$ref` aliases (nodes without `type` but with `reference`).
fn resolve_alias(schema: &Schema) -> &Schema {
    let mut current = schema;
    for _ in 0..MAX_SAME_VALUE_DEPTH {
        match current.reference {
            Some(target) if current.types.is_empty() => current = target(),
            _ => break,
        }
    }
    current
}

/// Converts parameter text into a scalar for `schema` (see [`parse_param`]).
fn text_to_scalar(schema: &Schema, raw: &str) -> Value {
    let target = resolve_alias(schema);
    let text = Value::String(raw.to_owned());
    if target.types.is_empty() || target.types.contains(&Type::String) {
        return text;
    }
    effective_types(target)
        .iter()
        .find_map(|t| coerce(&text, *t))
        .unwrap_or(text)
}

/// The allowed types: `types`, plus `null` when `nullable` (Ajv `getSchemaTypes`).
fn effective_types(schema: &Schema) -> std::borrow::Cow<'static, [Type]> {
    let types = schema.types;
    if schema.nullable && !types.is_empty() && !types.contains(&Type::Null) {
        let mut with_null = types.to_vec();
        with_null.push(Type::Null);
        return with_null.into();
    }
    types.into()
}

fn has_number_rules(s: &Schema) -> bool {
    s.maximum.is_some() || s.minimum.is_some() || s.multiple_of.is_some()
}

fn has_string_rules(s: &Schema) -> bool {
    s.max_length.is_some() || s.min_length.is_some() || s.pattern.is_some()
}

fn has_array_rules(s: &Schema) -> bool {
    s.max_items.is_some() || s.min_items.is_some() || s.unique_items || s.items.is_some()
}

fn has_object_rules(s: &Schema) -> bool {
    s.max_properties.is_some()
        || s.min_properties.is_some()
        || !s.required.is_empty()
        || !matches!(s.additional, Additional::Allowed)
        || !s.properties.is_empty()
}

/// Ajv `schemaHasRulesForType`: only number/string/array/object have keyword groups.
fn has_rules_for_type(s: &Schema, t: Type) -> bool {
    match t {
        Type::Number => has_number_rules(s),
        Type::String => has_string_rules(s),
        Type::Array => has_array_rules(s),
        Type::Object => has_object_rules(s),
        Type::Null | Type::Boolean | Type::Integer => false,
    }
}

/// Ajv `alwaysValidSchema`: a schema without any keyword.
fn always_valid(s: &Schema) -> bool {
    s.types.is_empty()
        && !s.nullable
        && s.enumeration.is_empty()
        && s.minimum.is_none()
        && s.maximum.is_none()
        && !s.exclusive_minimum
        && !s.exclusive_maximum
        && s.multiple_of.is_none()
        && !has_string_rules(s)
        && !has_array_rules(s)
        && !has_object_rules(s)
        && s.all_of.is_empty()
        && s.any_of.is_empty()
        && s.one_of.is_empty()
        && s.not.is_none()
        && s.reference.is_none()
}

fn num_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

fn value_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(num_f64(n)),
        _ => None,
    }
}

fn type_matches(t: Type, v: &Value) -> bool {
    match t {
        Type::Null => v.is_null(),
        Type::Boolean => v.is_boolean(),
        Type::Integer => match v {
            Value::Number(n) => n.is_i64() || n.is_u64() || is_integral(num_f64(n)),
            _ => false,
        },
        Type::Number => v.is_number(),
        Type::String => v.is_string(),
        Type::Array => v.is_array(),
        Type::Object => v.is_object(),
    }
}

fn is_integral(x: f64) -> bool {
    x.is_finite() && x.fract() == 0.0
}

/// A JSON number for `x`, as an integer when it is integral and fits (so that
/// Rust integer fields deserialize it); `None` when not finite.
fn number_value(x: f64) -> Option<Value> {
    if !x.is_finite() {
        return None;
    }
    if x.fract() == 0.0 {
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
            return Some(Value::Number(Number::from(x as i64)));
        }
        if (0.0..18_446_744_073_709_551_616.0).contains(&x) {
            return Some(Value::Number(Number::from(x as u64)));
        }
    }
    Number::from_f64(x).map(Value::Number)
}

/// Ajv `coerceTypes: true` conversion of `v` to `t`, if possible.
fn coerce(v: &Value, t: Type) -> Option<Value> {
    match t {
        Type::String => match v {
            Value::Number(n) => Some(Value::String(js_number_to_string(num_f64(n)))),
            Value::Bool(b) => Some(Value::String(b.to_string())),
            Value::Null => Some(Value::String(String::new())),
            _ => None,
        },
        Type::Number | Type::Integer => {
            // Integral text that fits an `i64` is read exactly (JavaScript's `+s` would round
            // it to a double, and a Rust integer field could then not hold it).
            if let Value::String(s) = v {
                if let Ok(i) = s.parse::<i64>() {
                    return Some(Value::Number(Number::from(i)));
                }
            }
            let x = match v {
                Value::Bool(b) => f64::from(u8::from(*b)),
                Value::Null => 0.0,
                Value::String(s) if !s.is_empty() => js_string_to_number(s),
                _ => return None,
            };
            if x.is_nan() || (t == Type::Integer && x.is_finite() && x.fract() != 0.0) {
                return None;
            }
            number_value(x)
        }
        Type::Boolean => match v {
            Value::String(s) if s == "false" => Some(Value::Bool(false)),
            Value::Null => Some(Value::Bool(false)),
            Value::Number(n) if num_f64(n) == 0.0 => Some(Value::Bool(false)),
            Value::String(s) if s == "true" => Some(Value::Bool(true)),
            Value::Number(n) if num_f64(n) == 1.0 => Some(Value::Bool(true)),
            _ => None,
        },
        Type::Null => match v {
            Value::String(s) if s.is_empty() => Some(Value::Null),
            Value::Number(n) if num_f64(n) == 0.0 => Some(Value::Null),
            Value::Bool(false) => Some(Value::Null),
            _ => None,
        },
        Type::Array | Type::Object => None,
    }
}

/// JavaScript `===` between a literal and a value.
fn lit_equals(lit: &Lit, v: &Value) -> bool {
    match (lit, v) {
        (Lit::Null, Value::Null) => true,
        (Lit::Bool(a), Value::Bool(b)) => a == b,
        (Lit::Int(i), Value::Number(n)) => num_f64(n) == *i as f64,
        (Lit::Float(f), Value::Number(n)) => num_f64(n) == *f,
        (Lit::Str(a), Value::String(b)) => a == b,
        _ => false,
    }
}

/// Ajv's `fast-deep-equal` on JSON values (numbers compared as doubles).
fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_f64(x) == num_f64(y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| deep_equal(p, q)))
        }
        _ => a == b,
    }
}

/// The `uniqueItems` check; returns Ajv's `(j, i)` error parameters.
fn duplicate_items(items: Option<&Schema>, arr: &[Value]) -> Option<(usize, usize)> {
    let item_types = items.map(effective_types).unwrap_or_default();
    let optimized = !item_types.is_empty()
        && !item_types
            .iter()
            .any(|t| matches!(t, Type::Object | Type::Array));
    if optimized {
        // Ajv `loopN`: items of other types are skipped; keys are JS property names.
        let several = item_types.len() > 1;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, item) in arr.iter().enumerate().rev() {
            if !item_types.iter().any(|t| type_matches(*t, item)) {
                continue;
            }
            let key = match item {
                Value::String(s) if several => format!("{s}_"),
                // `indices["__proto__"]` never holds a number in JavaScript.
                Value::String(s) if s == "__proto__" => continue,
                Value::String(s) => s.clone(),
                Value::Null => "null".to_owned(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => js_number_to_string(num_f64(n)),
                other => other.to_string(),
            };
            if let Some(&j) = seen.get(&key) {
                return Some((j, i));
            }
            seen.insert(key, i);
        }
        None
    } else {
        // Ajv `loopN2` compares every pair from the end (quadratic: a body of 200,000 small
        // arrays would take minutes). The same answer, the last `i` equal to an earlier item and
        // the last such `j`, comes from one pass over keys that are equal exactly when the
        // items are `deep_equal`.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut found = None;
        for (i, item) in arr.iter().enumerate() {
            let mut key = String::new();
            equality_key(item, &mut key);
            if let Some(j) = seen.insert(key, i) {
                debug_assert!(deep_equal(&arr[j], item));
                found = Some((j, i));
            }
        }
        found
    }
}

/// Appends a text that is the same for two values exactly when [`deep_equal`] holds: numbers
/// as doubles (`-0` as `0`), object members in name order.
fn equality_key(v: &Value, out: &mut String) {
    use fmt::Write as _;
    match v {
        Value::Null => out.push('n'),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Number(n) => {
            let x = num_f64(n);
            if x.is_nan() {
                // Never equal, not even to itself.
                let _ = write!(out, "NaN{:p};", n);
            } else {
                let x = if x == 0.0 { 0.0 } else { x };
                let _ = write!(out, "d{:x};", x.to_bits());
            }
        }
        Value::String(s) => {
            let _ = write!(out, "s{}:", s.len());
            out.push_str(s);
        }
        Value::Array(items) => {
            let _ = write!(out, "a{}[", items.len());
            for item in items {
                equality_key(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            let _ = write!(out, "o{}{{", members.len());
            for (k, item) in members {
                let _ = write!(out, "{}:", k.len());
                out.push_str(k);
                equality_key(item, out);
            }
            out.push('}');
        }
    }
}

/// A canonical JavaScript array index ("0", "17", below 2^32 - 1).
fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if key.len() > 1 && key.starts_with('0') {
        return None;
    }
    match key.parse::<u64>() {
        Ok(n) if n < 4_294_967_295 => u32::try_from(n).ok(),
        _ => None,
    }
}

/// Orders named entries like JavaScript orders object keys.
fn js_key_order<N: AsRef<str>, T>(entries: impl Iterator<Item = (N, T)>) -> Vec<(N, T)> {
    let mut indexed: Vec<(u32, (N, T))> = Vec::new();
    let mut rest: Vec<(N, T)> = Vec::new();
    for (name, item) in entries {
        match array_index(name.as_ref()) {
            Some(n) => indexed.push((n, (name, item))),
            None => rest.push((name, item)),
        }
    }
    indexed.sort_by_key(|(n, _)| *n);
    indexed
        .into_iter()
        .map(|(_, entry)| entry)
        .chain(rest)
        .collect()
}

/// A JSON pointer segment.
enum Segment<'a> {
    Index(usize),
    Key(&'a str),
}

struct Checker {
    coerce: bool,
    /// Ajv's `vErrors`.
    errors: Vec<ValidationError>,
    /// Instance path of the value being validated.
    path: String,
    /// Schemas currently being applied to the current value (cycle guard).
    active: Vec<*const Schema>,
    /// Emptied `active` lists of finished descents, reused (no allocation per value).
    spare: Vec<Vec<*const Schema>>,
    /// Schema applications so far, and the most allowed (see [`MAX_BASE_STEPS`]).
    steps: usize,
    max_steps: usize,
}

/// Schema applications allowed per validation: this plus [`STEPS_PER_VALUE`] for every value
/// in the data. Far above what any schema needs (a few per value), far below what `anyOf` and
/// `oneOf` nested in a recursive schema take when every level retries every branch (time and
/// kept errors exponential in the depth: a 100-level request would never finish, in Ajv
/// either). Past it the value is refused.
const MAX_BASE_STEPS: usize = 100_000;
/// See [`MAX_BASE_STEPS`].
const STEPS_PER_VALUE: usize = 64;
/// Errors kept per validation (Ajv keeps those of failed `anyOf`/`oneOf` branches).
const MAX_ERRORS: usize = 1_000;

/// The number of values in `v`, itself included.
fn node_count(v: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        count += 1;
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    count
}

impl Checker {
    fn fail(&mut self, message: String) -> bool {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(ValidationError {
                message,
                instance_path: self.path.clone(),
            });
        }
        false
    }

    fn type_error(&mut self, schema: &Schema) -> bool {
        let names: Vec<&str> = schema.types.iter().map(|t| t.name()).collect();
        self.fail(format!("must be {}", names.join(",")))
    }

    /// Applies `schema` to `value` (same instance location).
    fn apply(&mut self, schema: &Schema, value: &mut Value) -> bool {
        self.steps += 1;
        if self.steps > self.max_steps {
            return false;
        }
        let id: *const Schema = schema;
        if self.active.len() >= MAX_SAME_VALUE_DEPTH
            || self.active.iter().any(|p| std::ptr::eq(*p, id))
        {
            return true;
        }
        self.active.push(id);
        let ok = self.keywords(schema, value);
        self.active.pop();
        ok
    }

    /// Applies `schema` to a child value at `segment`.
    fn descend(&mut self, segment: Segment<'_>, schema: &Schema, value: &mut Value) -> bool {
        let len = self.path.len();
        self.path.push('/');
        match segment {
            Segment::Index(i) => {
                let _ = fmt::Write::write_fmt(&mut self.path, format_args!("{i}"));
            }
            Segment::Key(k) if k.contains(['~', '/']) => {
                self.path.push_str(&k.replace('~', "~0").replace('/', "~1"))
            }
            Segment::Key(k) => self.path.push_str(k),
        }
        let fresh = self.spare.pop().unwrap_or_default();
        let outer = std::mem::replace(&mut self.active, fresh);
        let ok = self.apply(schema, value);
        let mut inner = std::mem::replace(&mut self.active, outer);
        inner.clear();
        self.spare.push(inner);
        self.path.truncate(len);
        ok
    }

    fn keywords(&mut self, s: &Schema, v: &mut Value) -> bool {
        // `type`, with coercion (Ajv `coerceAndCheckDataType`). Without a
        // possible coercion, a single type that has its own keyword group is
        // checked in that group instead, after the type-independent keywords.
        let types = effective_types(s);
        let can_coerce = self.coerce && types.iter().any(|t| t.is_coercible());
        let deferred = match &*types {
            [only] if !can_coerce && has_rules_for_type(s, *only) => Some(*only),
            _ => None,
        };
        if !types.is_empty() && deferred.is_none() && !types.iter().any(|t| type_matches(*t, v)) {
            let coerced = if can_coerce {
                types.iter().find_map(|t| coerce(v, *t))
            } else {
                None
            };
            match coerced {
                Some(new_value) => *v = new_value,
                None => return self.type_error(s),
            }
        }
        if types.contains(&Type::Integer) {
            normalize_integer(v);
        }

        if !self.any_type_keywords(s, v) {
            return false;
        }

        // Number group.
        if has_number_rules(s) {
            if let Some(x) = value_f64(v) {
                if !self.number_keywords(s, x) {
                    return false;
                }
            } else if deferred == Some(Type::Number) {
                return self.type_error(s);
            }
        }

        // String group (`pattern` is not validated).
        if has_string_rules(s) {
            if let Value::String(text) = v {
                let len = text.chars().count() as u64;
                if let Some(max) = s.max_length.filter(|max| len > *max) {
                    return self.fail(format!("must NOT have more than {max} characters"));
                }
                if let Some(min) = s.min_length.filter(|min| len < *min) {
                    return self.fail(format!("must NOT have fewer than {min} characters"));
                }
            } else if deferred == Some(Type::String) {
                return self.type_error(s);
            }
        }

        // Array group.
        if has_array_rules(s) {
            if let Value::Array(arr) = v {
                if !self.array_keywords(s, arr) {
                    return false;
                }
            } else if deferred == Some(Type::Array) {
                return self.type_error(s);
            }
        }

        // Object group.
        if has_object_rules(s) {
            if let Value::Object(map) = v {
                if !self.object_keywords(s, map) {
                    return false;
                }
            } else if deferred == Some(Type::Object) {
                return self.type_error(s);
            }
        }
        true
    }

    /// `$ref`, `enum`, `not`, `anyOf`, `oneOf`, `allOf`, in Ajv's order.
    fn any_type_keywords(&mut self, s: &Schema, v: &mut Value) -> bool {
        if s.reference.is_some_and(|target| !self.apply(target(), v)) {
            return false;
        }
        if !s.enumeration.is_empty() && !s.enumeration.iter().any(|l| lit_equals(l, v)) {
            return self.fail("must be equal to one of the allowed values".to_owned());
        }
        if let Some(not) = s.not {
            if always_valid(not) {
                return self.fail("must NOT be valid".to_owned());
            }
            let start = self.errors.len();
            let matched = self.apply(not, v);
            self.errors.truncate(start);
            if matched {
                return self.fail("must NOT be valid".to_owned());
            }
        }
        if !s.any_of.is_empty() && !s.any_of.iter().any(|b| always_valid(b)) {
            let start = self.errors.len();
            let mut matched = false;
            for branch in s.any_of {
                if self.apply(branch, v) {
                    matched = true;
                    break;
                }
            }
            if !matched {
                return self.fail("must match a schema in anyOf".to_owned());
            }
            self.errors.truncate(start);
        }
        if !s.one_of.is_empty() {
            let start = self.errors.len();
            let mut valid = false;
            for branch in s.one_of {
                let matched = always_valid(branch) || self.apply(branch, v);
                if matched {
                    if valid {
                        valid = false;
                        break;
                    }
                    valid = true;
                }
            }
            if !valid {
                return self.fail("must match exactly one schema in oneOf".to_owned());
            }
            self.errors.truncate(start);
        }
        for branch in s.all_of {
            if !always_valid(branch) && !self.apply(branch, v) {
                return false;
            }
        }
        true
    }

    fn number_keywords(&mut self, s: &Schema, x: f64) -> bool {
        // Ajv vocabulary order: maximum, minimum, exclusiveMaximum, exclusiveMinimum.
        let (inclusive_max, exclusive_max) = match s.maximum {
            Some(max) if s.exclusive_maximum => (None, Some(max)),
            other => (other, None),
        };
        let (inclusive_min, exclusive_min) = match s.minimum {
            Some(min) if s.exclusive_minimum => (None, Some(min)),
            other => (other, None),
        };
        let failure = if let Some(max) = inclusive_max.filter(|max| x > *max) {
            Some(("<=", max))
        } else if let Some(min) = inclusive_min.filter(|min| x < *min) {
            Some((">=", min))
        } else if let Some(max) = exclusive_max.filter(|max| x >= *max) {
            Some(("<", max))
        } else {
            exclusive_min.filter(|min| x <= *min).map(|min| (">", min))
        };
        if let Some((op, limit)) = failure {
            return self.fail(format!("must be {op} {}", js_number_to_string(limit)));
        }
        // Ajv: `m === 0 || (res = x / m, res !== parseInt(res))`.
        let not_multiple = |m: f64| {
            let res = x / m;
            m == 0.0 || !is_integral(res) || res.abs() >= 1e21
        };
        if let Some(m) = s.multiple_of.filter(|m| not_multiple(*m)) {
            return self.fail(format!("must be multiple of {}", js_number_to_string(m)));
        }
        true
    }

    fn array_keywords(&mut self, s: &Schema, arr: &mut [Value]) -> bool {
        let len = arr.len() as u64;
        if let Some(max) = s.max_items.filter(|max| len > *max) {
            return self.fail(format!("must NOT have more than {max} items"));
        }
        if let Some(min) = s.min_items.filter(|min| len < *min) {
            return self.fail(format!("must NOT have fewer than {min} items"));
        }
        let duplicate = if s.unique_items {
            duplicate_items(s.items, arr)
        } else {
            None
        };
        if let Some((j, i)) = duplicate {
            return self.fail(format!(
                "must NOT have duplicate items (items ## {j} and {i} are identical)"
            ));
        }
        if let Some(items) = s.items.filter(|items| !always_valid(items)) {
            for (i, item) in arr.iter_mut().enumerate() {
                if !self.descend(Segment::Index(i), items, item) {
                    return false;
                }
            }
        }
        true
    }

    fn object_keywords(&mut self, s: &Schema, map: &mut Map<String, Value>) -> bool {
        let count = map.len() as u64;
        if let Some(max) = s.max_properties.filter(|max| count > *max) {
            return self.fail(format!("must NOT have more than {max} properties"));
        }
        if let Some(min) = s.min_properties.filter(|min| count < *min) {
            return self.fail(format!("must NOT have fewer than {min} properties"));
        }
        for name in s.required {
            if !map.contains_key(*name) {
                return self.fail(format!("must have required property '{name}'"));
            }
        }
        let declared =
            |key: &str| key != "__proto__" && s.properties.iter().any(|(name, _)| *name == key);
        match s.additional {
            Additional::Allowed => {}
            Additional::Forbidden => {
                if map.keys().any(|k| !declared(k)) {
                    return self.fail("must NOT have additional properties".to_owned());
                }
            }
            Additional::Schema(extra) if !always_valid(extra) => {
                let keys =
                    js_key_order(map.keys().filter(|k| !declared(k)).map(|k| (k.clone(), ())));
                for (key, ()) in keys {
                    let ok = match map.get_mut(&key) {
                        Some(child) => self.descend(Segment::Key(&key), extra, child),
                        None => true,
                    };
                    if !ok {
                        return false;
                    }
                }
            }
            Additional::Schema(_) => {}
        }
        // JavaScript visits integer-like keys first: reorder only when there is one.
        let reordered;
        let properties = if s
            .properties
            .iter()
            .any(|(name, _)| array_index(name).is_some())
        {
            reordered = js_key_order(s.properties.iter().copied());
            &reordered[..]
        } else {
            s.properties
        };
        for &(name, sub) in properties {
            if name == "__proto__" || always_valid(sub) {
                continue;
            }
            let ok = match map.get_mut(name) {
                Some(child) => self.descend(Segment::Key(name), sub, child),
                None => true,
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Rewrites an integral floating-point JSON number (e.g. `1.0`) as an integer
/// so that Rust integer fields deserialize it; JavaScript does not distinguish them.
fn normalize_integer(v: &mut Value) {
    let replacement = match v {
        Value::Number(n) if n.is_f64() => number_value(num_f64(n)),
        _ => None,
    };
    if let Some(new_value) = replacement.filter(|n| n.is_i64() || n.is_u64()) {
        *v = new_value;
    }
}

/// JavaScript `Number.prototype.toString()` (radix 10).
fn js_number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    // Rust's `{:e}` yields the shortest round-tripping digits, like JavaScript.
    let scientific = format!("{:e}", x.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let k = digits.len() as i64;
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (int_part, frac_part) = digits.split_at(digits.len().min(n as usize));
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        let mut chars = digits.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        let rest: String = chars.collect();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(&rest);
        }
        let e = n - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&e.abs().to_string());
    }
    out
}

/// JavaScript whitespace and line terminators (as trimmed by `ToNumber`).
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | ' '
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{FEFF}'
    )
}

/// JavaScript `ToNumber(string)` (i.e. `+s`); `NaN` when not numeric.
fn js_string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    for (prefixes, radix) in [(["0x", "0X"], 16), (["0o", "0O"], 8), (["0b", "0B"], 2)] {
        for prefix in prefixes {
            if let Some(rest) = t.strip_prefix(prefix) {
                return parse_radix(rest, radix);
            }
        }
    }
    parse_decimal(t)
}

fn parse_radix(digits: &str, radix: u32) -> f64 {
    if digits.is_empty() {
        return f64::NAN;
    }
    let mut exact: Option<u128> = Some(0);
    let mut approx = 0.0f64;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix) else {
            return f64::NAN;
        };
        exact = exact
            .and_then(|acc| acc.checked_mul(u128::from(radix)))
            .and_then(|acc| acc.checked_add(u128::from(d)));
        approx = approx * f64::from(radix) + f64::from(d);
    }
    match exact {
        Some(n) => n as f64,
        None => approx,
    }
}

/// `StrDecimalLiteral`: `[+-] (digits [. digits] | . digits) [(e|E) [+-] digits]`.
fn parse_decimal(t: &str) -> f64 {
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(pos) => (body.get(..pos).unwrap_or(""), body.get(pos + 1..)),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return f64::NAN;
    }
    let exponent = match exponent {
        None => "0".to_owned(),
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !all_digits(unsigned) {
                return f64::NAN;
            }
            e.to_owned()
        }
    };
    let normalized = format!(
        "{}{}.{}e{}",
        if negative { "-" } else { "" },
        if int_part.is_empty() { "0" } else { int_part },
        if frac_part.is_empty() { "0" } else { frac_part },
        exponent
    );
    normalized.parse::<f64>().unwrap_or(f64::NAN)
}
