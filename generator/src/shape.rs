//! The shape of an OpenAPI document: which member of which object holds which kind of object.
//! One table ([`child`]) drives every walk of the structure: the import's, the 3.1 lowering
//! ([`walk_mut`]) and the schema check before typing.

use serde_json::Value;

use crate::diagnostics::{push_pointer, Result};

/// The OpenAPI objects (3.0 and 3.1) the walks know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Document,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Tag,
    ExternalDocs,
    Paths,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Example,
    Link,
    Schema,
    Discriminator,
    Xml,
    Components,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow,
    Callback,
}

/// What a member's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One object of the kind.
    Object(Kind),
    /// A map from names to objects of the kind (`properties`, `content`, components, ...).
    MapOf(Kind),
    /// An array of objects of the kind.
    ListOf(Kind),
    /// A value copied verbatim (examples, defaults, enums, extensions, scalars, ...).
    Value,
}

/// HTTP methods in the order path items list them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The shape of member `key` of an object of `kind`.
pub fn child(kind: Kind, key: &str) -> Shape {
    use Kind as K;
    use Shape::{ListOf, MapOf, Object};
    if key.starts_with("x-") {
        return Shape::Value;
    }
    match (kind, key) {
        (K::Document, "info") => Object(K::Info),
        (K::Document, "servers") => ListOf(K::Server),
        (K::Document, "tags") => ListOf(K::Tag),
        (K::Document, "paths" | "webhooks") => Object(K::Paths),
        (K::Document, "components") => Object(K::Components),
        (K::Info, "contact") => Object(K::Contact),
        (K::Info, "license") => Object(K::License),
        (K::Server, "variables") => MapOf(K::ServerVariable),
        (K::Paths, _) => Object(K::PathItem),
        (K::PathItem, "parameters") => ListOf(K::Parameter),
        (K::PathItem, "servers") => ListOf(K::Server),
        (K::PathItem, m) if METHODS.contains(&m) => Object(K::Operation),
        (K::Operation, "parameters") => ListOf(K::Parameter),
        (K::Operation, "requestBody") => Object(K::RequestBody),
        (K::Operation, "responses") => Object(K::Responses),
        (K::Operation, "callbacks") => MapOf(K::Callback),
        (K::Operation, "servers") => ListOf(K::Server),
        (K::Parameter | K::Header, "schema") => Object(K::Schema),
        (K::Parameter | K::Header, "examples") => MapOf(K::Example),
        (K::Parameter | K::Header | K::RequestBody | K::Response, "content") => MapOf(K::MediaType),
        (K::MediaType, "schema") => Object(K::Schema),
        (K::MediaType, "examples") => MapOf(K::Example),
        (K::MediaType, "encoding") => MapOf(K::Encoding),
        (K::Encoding | K::Response, "headers") => MapOf(K::Header),
        (K::Responses, _) => Object(K::Response),
        (K::Response, "links") => MapOf(K::Link),
        (K::Link, "server") => Object(K::Server),
        (K::Schema, "properties" | "patternProperties" | "$defs" | "dependentSchemas") => {
            MapOf(K::Schema)
        }
        (
            K::Schema,
            "items"
            | "not"
            | "additionalProperties"
            | "propertyNames"
            | "contains"
            | "if"
            | "then"
            | "else"
            | "unevaluatedProperties"
            | "unevaluatedItems",
        ) => Object(K::Schema),
        (K::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => ListOf(K::Schema),
        (K::Schema, "discriminator") => Object(K::Discriminator),
        (K::Schema, "xml") => Object(K::Xml),
        (K::Document | K::Tag | K::Operation | K::Schema, "externalDocs") => {
            Object(K::ExternalDocs)
        }
        (K::Components, "schemas") => MapOf(K::Schema),
        (K::Components, "responses") => MapOf(K::Response),
        (K::Components, "parameters") => MapOf(K::Parameter),
        (K::Components, "examples") => MapOf(K::Example),
        (K::Components, "requestBodies") => MapOf(K::RequestBody),
        (K::Components, "headers") => MapOf(K::Header),
        (K::Components, "securitySchemes") => MapOf(K::SecurityScheme),
        (K::Components, "links") => MapOf(K::Link),
        (K::Components, "callbacks") => MapOf(K::Callback),
        (K::Components, "pathItems") => MapOf(K::PathItem),
        (K::SecurityScheme, "flows") => Object(K::OAuthFlows),
        (K::OAuthFlows, "implicit" | "password" | "clientCredentials" | "authorizationCode") => {
            Object(K::OAuthFlow)
        }
        (K::Callback, _) => Object(K::PathItem),
        _ => Shape::Value,
    }
}

/// Calls `f` on every object of `kind` below `value` (and on `value` itself), parents before
/// children: `f(node, kind, member, pointer)`, where `member` is the parent's member that holds
/// it (`"items"`, `"properties"`, `"schema"`; `""` for the root). `f` may rewrite the node; the
/// walk then goes into what the node holds after the rewrite. A node that is not an object
/// (a boolean schema) is handed to `f` but has no children.
pub fn walk_mut(
    value: &mut Value,
    kind: Kind,
    member: &str,
    pointer: &str,
    f: &mut dyn FnMut(&mut Value, Kind, &str, &str) -> Result<()>,
) -> Result<()> {
    f(value, kind, member, pointer)?;
    let Value::Object(map) = value else {
        return Ok(());
    };
    for (key, v) in map.iter_mut() {
        let at = push_pointer(pointer, key);
        match (child(kind, key), v) {
            (Shape::Object(k), v) => walk_mut(v, k, key, &at, f)?,
            (Shape::MapOf(k), Value::Object(m)) => {
                for (name, v) in m.iter_mut() {
                    walk_mut(v, k, key, &push_pointer(&at, name), f)?;
                }
            }
            (Shape::ListOf(k), Value::Array(a)) => {
                for (i, v) in a.iter_mut().enumerate() {
                    walk_mut(v, k, key, &push_pointer(&at, &i.to_string()), f)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
