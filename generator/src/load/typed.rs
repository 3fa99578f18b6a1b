//! Path items typed into `openapiv3` by hand down to their schemas, instead of by the derived
//! `Deserialize`, which reads every `ReferenceOr` (an untagged enum) and every struct with
//! extensions (a flattened map) by first copying the whole object into a buffer of its own: a
//! schema nested ten deep is copied some twenty times. Here each value is read once.
//!
//! Built here: path items, operations, request bodies, responses, media types, examples and
//! schemas
//! (their `SchemaKind` chosen by the same rules `openapiv3` applies). Read with `openapiv3`'s
//! own `Deserialize`: parameters, headers, encodings, links, callbacks, servers,
//! security requirements, external documentation and discriminators. Every field is read as
//! the derived code reads it (the same defaults, `null` as absent where an `Option` is, unknown
//! members ignored, `x-` members kept as extensions). Anything the derived code would refuse
//! gives `None`, and the caller types the item with serde, which reports the problem. Tests
//! compare both readings on the published documents and on mutated schemas.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, BooleanType, Example, IntegerType, MediaType,
    NumberType, ObjectType, Operation, PathItem, ReferenceOr, RequestBody, Response, Responses,
    Schema, SchemaData, SchemaKind, StatusCode, StringType, Type,
};
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// The path item `value` as `ReferenceOr::<PathItem>::deserialize(value)` gives it; `None` when
/// that would fail.
pub(super) fn path_item(value: &Value) -> Option<ReferenceOr<PathItem>> {
    reference_or(value, |object| {
        let mut item = PathItem::default();
        for (key, value) in object {
            match key.as_str() {
                "summary" => item.summary = string(value)?,
                "description" => item.description = string(value)?,
                "get" => item.get = optional(value, operation)?,
                "put" => item.put = optional(value, operation)?,
                "post" => item.post = optional(value, operation)?,
                "delete" => item.delete = optional(value, operation)?,
                "options" => item.options = optional(value, operation)?,
                "head" => item.head = optional(value, operation)?,
                "patch" => item.patch = optional(value, operation)?,
                "trace" => item.trace = optional(value, operation)?,
                "servers" => item.servers = serde(value)?,
                "parameters" => item.parameters = serde(value)?,
                _ => extension(&mut item.extensions, key, value),
            }
        }
        Some(item)
    })
}

fn operation(value: &Value) -> Option<Operation> {
    let object = value.as_object()?;
    let mut operation = Operation::default();
    let mut has_responses = false;
    for (key, value) in object {
        match key.as_str() {
            "tags" => operation.tags = serde(value)?,
            "summary" => operation.summary = string(value)?,
            "description" => operation.description = string(value)?,
            "externalDocs" => operation.external_docs = serde(value)?,
            "operationId" => operation.operation_id = string(value)?,
            "parameters" => operation.parameters = serde(value)?,
            "requestBody" => {
                operation.request_body = optional(value, |v| reference_or(v, request_body))?
            }
            "responses" => {
                operation.responses = responses(value)?;
                has_responses = true;
            }
            "callbacks" => operation.callbacks = serde(value)?,
            "deprecated" => operation.deprecated = value.as_bool()?,
            "security" => operation.security = serde(value)?,
            "servers" => operation.servers = serde(value)?,
            _ => extension(&mut operation.extensions, key, value),
        }
    }
    // `responses` has no default.
    has_responses.then_some(operation)
}

fn request_body(object: &Map<String, Value>) -> Option<RequestBody> {
    let mut body = RequestBody::default();
    for (key, value) in object {
        match key.as_str() {
            "description" => body.description = string(value)?,
            "content" => body.content = named(value, media_type)?,
            "required" => body.required = value.as_bool()?,
            _ => extension(&mut body.extensions, key, value),
        }
    }
    Some(body)
}

/// `Responses`: `default`, members whose key reads as a status code, extensions; other members
/// ignored.
fn responses(value: &Value) -> Option<Responses> {
    let object = value.as_object()?;
    let mut responses = Responses::default();
    for (key, value) in object {
        if key == "default" {
            responses.default = optional(value, |v| reference_or(v, response))?;
            continue;
        }
        let deserializer: serde::de::value::StrDeserializer<'_, serde_json::Error> =
            key.as_str().into_deserializer();
        if let Ok(code) = StatusCode::deserialize(deserializer) {
            responses
                .responses
                .insert(code, reference_or(value, response)?);
        }
        extension(&mut responses.extensions, key, value);
    }
    Some(responses)
}

fn response(object: &Map<String, Value>) -> Option<Response> {
    let mut response = Response::default();
    let mut has_description = false;
    for (key, value) in object {
        match key.as_str() {
            "description" => {
                response.description = value.as_str()?.to_owned();
                has_description = true;
            }
            "headers" => response.headers = serde(value)?,
            "content" => response.content = named(value, media_type)?,
            "links" => response.links = serde(value)?,
            _ => extension(&mut response.extensions, key, value),
        }
    }
    // `description` has no default.
    has_description.then_some(response)
}

fn media_type(value: &Value) -> Option<MediaType> {
    let object = value.as_object()?;
    let mut media = MediaType::default();
    for (key, value) in object {
        match key.as_str() {
            "schema" => media.schema = optional(value, |v| reference_or(v, schema))?,
            "example" => media.example = any(value),
            "examples" => media.examples = named(value, |v| reference_or(v, example))?,
            "encoding" => media.encoding = serde(value)?,
            _ => extension(&mut media.extensions, key, value),
        }
    }
    Some(media)
}

fn example(object: &Map<String, Value>) -> Option<Example> {
    let mut example = Example::default();
    for (key, value) in object {
        match key.as_str() {
            "summary" => example.summary = string(value)?,
            "description" => example.description = string(value)?,
            "value" => example.value = any(value),
            "externalValue" => example.external_value = string(value)?,
            _ => extension(&mut example.extensions, key, value),
        }
    }
    Some(example)
}

/// The members `openapiv3` reads into `SchemaKind` (its `RawAnySchema`), each as it reads
/// them: absent or `null` is `None`.
#[derive(Default)]
struct Raw {
    typ: Option<String>,
    pattern: Option<String>,
    multiple_of: Option<Number>,
    exclusive_minimum: Option<bool>,
    exclusive_maximum: Option<bool>,
    minimum: Option<Number>,
    maximum: Option<Number>,
    properties: Option<IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: Option<Vec<String>>,
    additional_properties: Option<AdditionalProperties>,
    min_properties: Option<usize>,
    max_properties: Option<usize>,
    items: Option<ReferenceOr<Box<Schema>>>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    unique_items: Option<bool>,
    enumeration: Option<Vec<Value>>,
    format: Option<String>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    one_of: Option<Vec<ReferenceOr<Schema>>>,
    all_of: Option<Vec<ReferenceOr<Schema>>>,
    any_of: Option<Vec<ReferenceOr<Schema>>>,
    not: Option<Box<ReferenceOr<Schema>>>,
}

fn schema(object: &Map<String, Value>) -> Option<Schema> {
    let mut data = SchemaData::default();
    let mut raw = Raw::default();
    for (key, value) in object {
        match key.as_str() {
            "nullable" => data.nullable = value.as_bool()?,
            "readOnly" => data.read_only = value.as_bool()?,
            "writeOnly" => data.write_only = value.as_bool()?,
            "deprecated" => data.deprecated = value.as_bool()?,
            "externalDocs" => data.external_docs = serde(value)?,
            "example" => data.example = any(value),
            "title" => data.title = string(value)?,
            "description" => data.description = string(value)?,
            "discriminator" => data.discriminator = serde(value)?,
            "default" => data.default = any(value),
            "type" => raw.typ = string(value)?,
            "pattern" => raw.pattern = string(value)?,
            "multipleOf" => raw.multiple_of = number(value)?,
            "exclusiveMinimum" => raw.exclusive_minimum = boolean(value)?,
            "exclusiveMaximum" => raw.exclusive_maximum = boolean(value)?,
            "minimum" => raw.minimum = number(value)?,
            "maximum" => raw.maximum = number(value)?,
            "properties" => raw.properties = optional(value, |v| named(v, boxed_schema))?,
            "required" => raw.required = serde(value)?,
            "additionalProperties" => {
                raw.additional_properties = optional(value, additional_properties)?
            }
            "minProperties" => raw.min_properties = size(value)?,
            "maxProperties" => raw.max_properties = size(value)?,
            "items" => raw.items = optional(value, boxed_schema)?,
            "minItems" => raw.min_items = size(value)?,
            "maxItems" => raw.max_items = size(value)?,
            "uniqueItems" => raw.unique_items = boolean(value)?,
            "enum" => raw.enumeration = serde(value)?,
            "format" => raw.format = string(value)?,
            "minLength" => raw.min_length = size(value)?,
            "maxLength" => raw.max_length = size(value)?,
            "oneOf" => raw.one_of = optional(value, schemas)?,
            "allOf" => raw.all_of = optional(value, schemas)?,
            "anyOf" => raw.any_of = optional(value, schemas)?,
            "not" => raw.not = optional(value, |v| Some(Box::new(reference_or(v, schema)?)))?,
            _ => extension(&mut data.extensions, key, value),
        }
    }
    Some(Schema {
        schema_data: data,
        schema_kind: kind(raw),
    })
}

fn boxed_schema(value: &Value) -> Option<ReferenceOr<Box<Schema>>> {
    reference_or(value, |object| Some(Box::new(schema(object)?)))
}

fn schemas(value: &Value) -> Option<Vec<ReferenceOr<Schema>>> {
    value
        .as_array()?
        .iter()
        .map(|v| reference_or(v, schema))
        .collect()
}

/// `AdditionalProperties`, untagged: a boolean, else a schema.
fn additional_properties(value: &Value) -> Option<AdditionalProperties> {
    match value {
        Value::Bool(any) => Some(AdditionalProperties::Any(*any)),
        value => Some(AdditionalProperties::Schema(Box::new(reference_or(
            value, schema,
        )?))),
    }
}

/// The `SchemaKind` `openapiv3` makes of the members read: a typed schema when `type` names a
/// type and no member belongs to another, a combination when it is the only member, else any.
fn kind(raw: Raw) -> SchemaKind {
    let numeric = raw.multiple_of.is_none()
        && raw.exclusive_minimum.is_none()
        && raw.exclusive_maximum.is_none()
        && raw.minimum.is_none()
        && raw.maximum.is_none();
    let object = raw.properties.is_none()
        && raw.required.is_none()
        && raw.additional_properties.is_none()
        && raw.min_properties.is_none()
        && raw.max_properties.is_none();
    let array = raw.items.is_none()
        && raw.min_items.is_none()
        && raw.max_items.is_none()
        && raw.unique_items.is_none();
    let string = raw.pattern.is_none() && raw.min_length.is_none() && raw.max_length.is_none();
    let combined =
        raw.one_of.is_none() && raw.all_of.is_none() && raw.any_of.is_none() && raw.not.is_none();
    let enum_of = |check: fn(&Value) -> bool| {
        raw.enumeration
            .as_ref()
            .is_none_or(|values| values.iter().all(|v| v.is_null() || check(v)))
    };
    let int = |n: &Option<Number>| n.as_ref().is_none_or(Number::is_i64);
    match raw.typ.as_deref() {
        Some("string") if numeric && object && array && combined && enum_of(Value::is_string) => {
            return SchemaKind::Type(Type::String(StringType {
                format: raw.format.into(),
                pattern: raw.pattern,
                enumeration: enumeration(raw.enumeration, |v| v.as_str().map(str::to_owned)),
                min_length: raw.min_length,
                max_length: raw.max_length,
            }));
        }
        Some("number") if string && object && array && combined && enum_of(Value::is_number) => {
            return SchemaKind::Type(Type::Number(NumberType {
                format: raw.format.into(),
                multiple_of: raw.multiple_of.and_then(|n| n.as_f64()),
                exclusive_minimum: raw.exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: raw.exclusive_maximum.unwrap_or_default(),
                minimum: raw.minimum.and_then(|n| n.as_f64()),
                maximum: raw.maximum.and_then(|n| n.as_f64()),
                enumeration: enumeration(raw.enumeration, Value::as_f64),
            }));
        }
        Some("integer")
            if string
                && object
                && array
                && combined
                && enum_of(Value::is_i64)
                && int(&raw.multiple_of)
                && int(&raw.minimum)
                && int(&raw.maximum) =>
        {
            return SchemaKind::Type(Type::Integer(IntegerType {
                format: raw.format.into(),
                multiple_of: raw.multiple_of.and_then(|n| n.as_i64()),
                exclusive_minimum: raw.exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: raw.exclusive_maximum.unwrap_or_default(),
                minimum: raw.minimum.and_then(|n| n.as_i64()),
                maximum: raw.maximum.and_then(|n| n.as_i64()),
                enumeration: enumeration(raw.enumeration, Value::as_i64),
            }));
        }
        Some("boolean")
            if string
                && numeric
                && object
                && array
                && combined
                && raw.format.is_none()
                && enum_of(Value::is_boolean) =>
        {
            return SchemaKind::Type(Type::Boolean(BooleanType {
                enumeration: enumeration(raw.enumeration, Value::as_bool),
            }));
        }
        Some("object")
            if string
                && numeric
                && array
                && combined
                && raw.format.is_none()
                && raw.enumeration.is_none() =>
        {
            return SchemaKind::Type(Type::Object(ObjectType {
                properties: raw.properties.unwrap_or_default(),
                required: raw.required.unwrap_or_default(),
                additional_properties: raw.additional_properties,
                min_properties: raw.min_properties,
                max_properties: raw.max_properties,
            }));
        }
        Some("array")
            if string
                && numeric
                && object
                && combined
                && raw.format.is_none()
                && raw.enumeration.is_none() =>
        {
            return SchemaKind::Type(Type::Array(ArrayType {
                items: raw.items,
                min_items: raw.min_items,
                max_items: raw.max_items,
                unique_items: raw.unique_items.unwrap_or_default(),
            }));
        }
        None if string
            && numeric
            && object
            && array
            && raw.format.is_none()
            && raw.enumeration.is_none() =>
        {
            match (raw.one_of, raw.all_of, raw.any_of, raw.not) {
                (Some(one_of), None, None, None) => return SchemaKind::OneOf { one_of },
                (None, Some(all_of), None, None) => return SchemaKind::AllOf { all_of },
                (None, None, Some(any_of), None) => return SchemaKind::AnyOf { any_of },
                (None, None, None, Some(not)) => return SchemaKind::Not { not },
                (one_of, all_of, any_of, not) => {
                    return SchemaKind::Any(AnySchema {
                        one_of: one_of.unwrap_or_default(),
                        all_of: all_of.unwrap_or_default(),
                        any_of: any_of.unwrap_or_default(),
                        not,
                        ..AnySchema::default()
                    })
                }
            }
        }
        _ => {}
    }
    SchemaKind::Any(AnySchema {
        typ: raw.typ,
        pattern: raw.pattern,
        multiple_of: raw.multiple_of.and_then(|n| n.as_f64()),
        exclusive_minimum: raw.exclusive_minimum,
        exclusive_maximum: raw.exclusive_maximum,
        minimum: raw.minimum.and_then(|n| n.as_f64()),
        maximum: raw.maximum.and_then(|n| n.as_f64()),
        properties: raw.properties.unwrap_or_default(),
        required: raw.required.unwrap_or_default(),
        additional_properties: raw.additional_properties,
        min_properties: raw.min_properties,
        max_properties: raw.max_properties,
        items: raw.items,
        min_items: raw.min_items,
        max_items: raw.max_items,
        unique_items: raw.unique_items,
        enumeration: raw.enumeration.unwrap_or_default(),
        format: raw.format,
        min_length: raw.min_length,
        max_length: raw.max_length,
        one_of: raw.one_of.unwrap_or_default(),
        all_of: raw.all_of.unwrap_or_default(),
        any_of: raw.any_of.unwrap_or_default(),
        not: raw.not,
    })
}

/// An `enum` list as a typed schema keeps it: `null` as `None`, each other value converted
/// (the caller has checked that every one converts).
fn enumeration<T>(values: Option<Vec<Value>>, convert: fn(&Value) -> Option<T>) -> Vec<Option<T>> {
    values
        .unwrap_or_default()
        .iter()
        .map(|v| if v.is_null() { None } else { convert(v) })
        .collect()
}

/// An untagged `ReferenceOr`: an object whose `$ref` is a string is a reference (its other
/// members ignored); any other object is read by `item`.
fn reference_or<T>(
    value: &Value,
    item: impl FnOnce(&Map<String, Value>) -> Option<T>,
) -> Option<ReferenceOr<T>> {
    let object = value.as_object()?;
    match object.get("$ref") {
        Some(Value::String(reference)) => Some(ReferenceOr::Reference {
            reference: reference.clone(),
        }),
        _ => item(object).map(ReferenceOr::Item),
    }
}

/// A map of named values (`content`, `examples`, `properties`), each read by `read`, in order.
fn named<T>(value: &Value, read: impl Fn(&Value) -> Option<T>) -> Option<IndexMap<String, T>> {
    value
        .as_object()?
        .iter()
        .map(|(name, value)| Some((name.clone(), read(value)?)))
        .collect()
}

/// An `Option` member: `null` is `None`.
fn optional<T>(value: &Value, read: impl FnOnce(&Value) -> Option<T>) -> Option<Option<T>> {
    match value {
        Value::Null => Some(None),
        value => read(value).map(Some),
    }
}

fn string(value: &Value) -> Option<Option<String>> {
    optional(value, |v| v.as_str().map(str::to_owned))
}

fn boolean(value: &Value) -> Option<Option<bool>> {
    optional(value, Value::as_bool)
}

fn number(value: &Value) -> Option<Option<Number>> {
    optional(value, |v| v.as_number().cloned())
}

/// An `Option<usize>` member: a non-negative integer (a float such as `1.0` is refused).
fn size(value: &Value) -> Option<Option<usize>> {
    optional(value, |v| usize::try_from(v.as_u64()?).ok())
}

/// An `Option<serde_json::Value>` member: `null` is `None`.
fn any(value: &Value) -> Option<Value> {
    (!value.is_null()).then(|| value.clone())
}

/// A member `openapiv3` reads with serde: read with serde.
fn serde<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// An unknown member: kept when it is an extension (`x-`), ignored otherwise.
fn extension(extensions: &mut IndexMap<String, Value>, key: &str, value: &Value) {
    if key.starts_with("x-") {
        extensions.insert(key.to_owned(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-built reading and serde's, on one path item: the same item, or both refusing.
    fn agrees(value: &Value) {
        let serde = ReferenceOr::<PathItem>::deserialize(value).ok();
        match path_item(value) {
            Some(typed) => assert!(Some(&typed) == serde.as_ref(), "{value}"),
            None => assert!(serde.is_none(), "refused what serde reads: {value}"),
        }
    }

    /// A path item with `schema` as a request body's schema.
    fn with_schema(schema: Value) -> Value {
        serde_json::json!({"post": {
            "requestBody": {"content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"nested": schema}}}}}}
        }})
    }

    #[test]
    fn every_published_path_item_reads_as_serde_reads_it() {
        let mut items = 0;
        for path in crate::load::published_documents() {
            let raw = crate::load::read_file(&path).expect("reads");
            let Some(paths) = raw.value.get("paths").and_then(Value::as_object) else {
                continue;
            };
            for item in paths.values() {
                agrees(item);
                items += 1;
            }
        }
        assert!(items > 500);
    }

    #[test]
    fn the_upper_levels_read_with_the_derived_code_s_defaults() {
        let cases = [
            serde_json::json!({"$ref": "#/x"}),
            serde_json::json!({"$ref": 1, "summary": "s"}),
            serde_json::json!({"$ref": "#/x", "get": 1}),
            serde_json::json!({}),
            serde_json::json!({"summary": null, "description": "d", "x-a": [1], "other": 2}),
            serde_json::json!({"summary": 1}),
            serde_json::json!({"get": null}),
            serde_json::json!({"get": {}}),
            serde_json::json!({"get": {"responses": {}}}),
            serde_json::json!({"get": {"responses": {"200": {"description": "ok"}}, "deprecated": true,
                "tags": ["a"], "operationId": "o", "x-b": {}, "security": null, "unknown": 1}}),
            serde_json::json!({"get": {"responses": {}, "deprecated": null}}),
            serde_json::json!({"get": {"responses": {}, "tags": null}}),
            serde_json::json!({"get": {"responses": {}, "tags": [1]}}),
            serde_json::json!({"get": {"responses": {}, "requestBody": null}}),
            serde_json::json!({"get": {"responses": {}, "requestBody": {"$ref": "#/r"}}}),
            serde_json::json!({"get": {"responses": {}, "requestBody": {"required": null}}}),
            serde_json::json!({"get": {"responses": {}, "requestBody": {"content": null}}}),
            serde_json::json!({"get": {"responses": {}, "externalDocs": null}}),
            serde_json::json!({"get": {"responses": {}, "parameters": null}}),
            serde_json::json!({"get": {"responses": null}}),
            serde_json::json!({"get": {"responses": {"default": null, "2XX": {"$ref": "#/r"},
                "x-c": 1, "bogus": 2, "600": {"description": "x"}, "1000": 3, "20": 4}}}),
            serde_json::json!({"get": {"responses": {"200": {}}}}),
            serde_json::json!({"get": {"responses": {"200": {"description": null}}}}),
            serde_json::json!({"get": {"responses": {"200": {"description": "d", "headers": null}}}}),
            serde_json::json!({"get": {"responses": {"200": {"description": "d",
                "headers": {"X-A": {"schema": {"type": "string"}}},
                "content": {"a/b": {"example": null, "examples": {"e": {"value": 1}}}}}}}}),
            serde_json::json!({"get": {"responses": {"200": {"description": "d",
                "content": {"a/b": {"examples": {"e": {"value": null, "summary": "s",
                    "description": null, "externalValue": "u", "x-e": 1, "other": 2},
                    "f": {"$ref": "#/e"}, "g": {"summary": 1}}}}}}}}),
            serde_json::json!({"get": {"responses": {"200": {"description": "d",
                "content": {"a/b": {"examples": {"e": 1}}}}}}}),
            serde_json::json!({"get": {"responses": {"200": {"description": "d",
                "content": {"a/b": {"examples": null}}}}}}),
            serde_json::json!({"post": {"responses": {"default": {"description": "d"}},
                "parameters": [{"name": "a", "in": "query", "schema": {"type": "string"}}]}}),
            serde_json::json!({"servers": [{"url": "u"}], "parameters": [{"$ref": "#/p"}]}),
            serde_json::json!({"servers": null}),
            serde_json::json!([]),
            serde_json::json!(null),
            serde_json::json!("x"),
        ];
        for case in &cases {
            agrees(case);
        }
    }

    #[test]
    fn schemas_take_the_kind_openapiv3_gives_them() {
        let schemas = [
            serde_json::json!({}),
            serde_json::json!({"$ref": "#/s"}),
            serde_json::json!({"$ref": 2}),
            serde_json::json!(true),
            serde_json::json!(null),
            serde_json::json!({"type": "string", "format": "date-time", "pattern": "^a",
                "enum": ["a", null], "minLength": 1, "maxLength": 2}),
            serde_json::json!({"type": "string", "enum": ["a", 1]}),
            serde_json::json!({"type": "string", "required": []}),
            serde_json::json!({"type": "string", "format": "weird", "nullable": true}),
            serde_json::json!({"type": "string", "minLength": 1.0}),
            serde_json::json!({"type": "string", "minLength": -1}),
            serde_json::json!({"type": "number", "minimum": 1, "maximum": 2.5, "multipleOf": 0.5,
                "exclusiveMinimum": true, "enum": [1, 2.5, null], "format": "float"}),
            serde_json::json!({"type": "number", "exclusiveMaximum": null}),
            serde_json::json!({"type": "integer", "minimum": 1.5}),
            serde_json::json!({"type": "integer", "minimum": -3, "enum": [1, null],
                "format": "int64", "multipleOf": 2}),
            serde_json::json!({"type": "integer", "enum": [1.5]}),
            serde_json::json!({"type": "integer", "maximum": 18446744073709551615_u64}),
            serde_json::json!({"type": "boolean", "enum": [true, null]}),
            serde_json::json!({"type": "boolean", "format": "x"}),
            serde_json::json!({"type": "object", "properties": {"a": {"type": "string"},
                "b": {"$ref": "#/b"}}, "required": ["a"], "additionalProperties": false,
                "minProperties": 1, "x-ext": {"k": 1}, "description": "d", "title": "t",
                "readOnly": true, "writeOnly": false, "deprecated": true, "example": {"a": "x"},
                "default": null, "externalDocs": {"url": "u"},
                "discriminator": {"propertyName": "a"}}),
            serde_json::json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            serde_json::json!({"type": "object", "additionalProperties": {"$ref": "#/x"}}),
            serde_json::json!({"type": "object", "additionalProperties": 1}),
            serde_json::json!({"type": "object", "additionalProperties": null}),
            serde_json::json!({"type": "object", "properties": null, "required": null}),
            serde_json::json!({"type": "object", "properties": []}),
            serde_json::json!({"type": "object", "enum": [{}]}),
            serde_json::json!({"type": "object", "items": {}}),
            serde_json::json!({"type": "array", "items": {"type": "string"}, "minItems": 1,
                "uniqueItems": true}),
            serde_json::json!({"type": "array", "items": null, "uniqueItems": null}),
            serde_json::json!({"type": "array", "items": [{"type": "string"}]}),
            serde_json::json!({"type": "array", "format": "x"}),
            serde_json::json!({"oneOf": [{"type": "string"}, {"$ref": "#/o"}]}),
            serde_json::json!({"allOf": [{"type": "string"}], "description": "d"}),
            serde_json::json!({"anyOf": []}),
            serde_json::json!({"not": {"type": "string"}}),
            serde_json::json!({"oneOf": [{}], "anyOf": [{}]}),
            serde_json::json!({"oneOf": [{}], "type": "string"}),
            serde_json::json!({"oneOf": [{}], "properties": {}}),
            serde_json::json!({"oneOf": null}),
            serde_json::json!({"oneOf": {}}),
            serde_json::json!({"not": null, "format": "f"}),
            serde_json::json!({"type": "mystery", "minimum": 1}),
            serde_json::json!({"type": null, "enum": [1, "a"]}),
            serde_json::json!({"type": 1}),
            serde_json::json!({"nullable": null}),
            serde_json::json!({"nullable": "yes"}),
            serde_json::json!({"enum": 1}),
            serde_json::json!({"type": "string", "title": 1}),
            serde_json::json!({"type": "string", "discriminator": 1}),
        ];
        for schema in schemas {
            agrees(&with_schema(schema));
        }
    }

    /// The published documents' schemas, each mutated (a member dropped, given `null`, given a
    /// value of another kind, or a member of another type added), read as serde reads them.
    #[test]
    fn mutated_published_schemas_read_as_serde_reads_them() {
        const MEMBERS: [&str; 14] = [
            "type",
            "format",
            "enum",
            "items",
            "properties",
            "required",
            "minimum",
            "additionalProperties",
            "oneOf",
            "nullable",
            "example",
            "minLength",
            "$ref",
            "x-y",
        ];
        let replacements = [
            Value::Null,
            serde_json::json!(1),
            serde_json::json!(-1),
            serde_json::json!(1.5),
            serde_json::json!("string"),
            serde_json::json!("object"),
            serde_json::json!(true),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!([{"type": "string"}]),
            serde_json::json!({"type": "integer"}),
        ];
        let mut count = 0;
        for path in crate::load::published_documents() {
            let raw = crate::load::read_file(&path).expect("reads");
            let mut stack = vec![&raw.value];
            let mut schemas = Vec::new();
            while let Some(value) = stack.pop() {
                match value {
                    Value::Object(object) => {
                        if let Some(schema @ Value::Object(_)) = object.get("schema") {
                            schemas.push(schema);
                        }
                        stack.extend(object.values());
                    }
                    Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
            for (i, schema) in schemas.into_iter().enumerate() {
                let member = MEMBERS[i % MEMBERS.len()];
                let mut mutated = schema.clone();
                let object = mutated.as_object_mut().unwrap();
                match (i / MEMBERS.len()) % (replacements.len() + 1) {
                    0 => {
                        object.shift_remove(member);
                    }
                    n => {
                        object.insert(member.to_owned(), replacements[n - 1].clone());
                    }
                }
                agrees(&with_schema(mutated));
                count += 1;
            }
        }
        assert!(count > 500, "{count}");
    }
}
