//! Spec import: turns published OpenAPI documents into the project's canonical `specs/` form.
//!
//! The import keeps every fact of an API (paths, methods, operation ids, tags, summaries,
//! parameters, schemas, status codes, examples, components, servers, extensions, ...) and drops
//! the publisher's prose: the `description` of every OpenAPI object. Response objects, which
//! OpenAPI 3.0 requires to have a description, get the HTTP reason phrase of their status code.
//!
//! The walk follows the OpenAPI 3.0 object structure, so the values of `example`, `default`,
//! `enum`, `examples[..].value` and extensions are copied verbatim, and a property *named*
//! `description` in a schema's `properties` is kept. `$ref`s stay `$ref`s.
//!
//! [`to_yaml`] writes a document with keys in a fixed order that depends neither on the input's
//! key order nor on serde_json's `preserve_order` feature: well-known OpenAPI keys first, in the
//! order the specification lists them, then the rest alphabetically. Maps of names (paths,
//! `properties`, components, media types, ...) are sorted by key; arrays keep their order.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostics::{push_pointer, Error, Location, Result};
use crate::load::RawDocument;
use crate::shape::{child, Kind, Shape, METHODS};

/// Whether objects of `kind` have a prose `description` field (dropped by the import).
fn has_description(kind: Kind) -> bool {
    use Kind as K;
    matches!(
        kind,
        K::Info
            | K::Server
            | K::ServerVariable
            | K::Tag
            | K::ExternalDocs
            | K::PathItem
            | K::Operation
            | K::Parameter
            | K::Header
            | K::RequestBody
            | K::Response
            | K::Example
            | K::Link
            | K::Schema
            | K::SecurityScheme
    )
}

/// The well-known keys of `kind`, in output order (other keys follow alphabetically).
fn known_keys(kind: Kind) -> &'static [&'static str] {
    use Kind as K;
    match kind {
        K::Document => &[
            "openapi",
            "info",
            "jsonSchemaDialect",
            "servers",
            "tags",
            "paths",
            "webhooks",
            "components",
        ],
        K::Info => &[
            "title",
            "version",
            "description",
            "termsOfService",
            "contact",
            "license",
        ],
        K::Contact => &["name", "url", "email"],
        K::License => &["name", "identifier", "url"],
        K::Server => &["url", "description", "variables"],
        K::ServerVariable => &["enum", "default", "description"],
        K::Tag => &["name", "description", "externalDocs"],
        K::ExternalDocs => &["url", "description"],
        K::PathItem => &[
            "$ref",
            "summary",
            "description",
            "servers",
            "parameters",
            "get",
            "put",
            "post",
            "delete",
            "options",
            "head",
            "patch",
            "trace",
        ],
        K::Operation => &[
            "tags",
            "summary",
            "description",
            "operationId",
            "parameters",
            "requestBody",
            "responses",
            "deprecated",
            "security",
        ],
        K::Parameter => &[
            "$ref",
            "name",
            "in",
            "description",
            "required",
            "deprecated",
            "allowEmptyValue",
            "style",
            "explode",
            "allowReserved",
            "schema",
            "content",
            "example",
            "examples",
        ],
        K::Header => &[
            "$ref",
            "description",
            "required",
            "deprecated",
            "allowEmptyValue",
            "style",
            "explode",
            "allowReserved",
            "schema",
            "content",
            "example",
            "examples",
        ],
        K::RequestBody => &["$ref", "description", "required", "content"],
        K::MediaType => &["schema", "example", "examples", "encoding"],
        K::Encoding => &[
            "contentType",
            "headers",
            "style",
            "explode",
            "allowReserved",
        ],
        K::Response => &["$ref", "description", "headers", "content", "links"],
        K::Example => &["$ref", "summary", "description", "value", "externalValue"],
        K::Link => &[
            "$ref",
            "operationRef",
            "operationId",
            "parameters",
            "requestBody",
            "description",
            "server",
        ],
        K::Schema => &[
            "$ref",
            "type",
            "format",
            "title",
            "description",
            "nullable",
            "enum",
            "default",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "not",
            "discriminator",
            "minimum",
            "exclusiveMinimum",
            "maximum",
            "exclusiveMaximum",
            "multipleOf",
            "minLength",
            "maxLength",
            "pattern",
            "minItems",
            "maxItems",
            "uniqueItems",
            "minProperties",
            "maxProperties",
            "readOnly",
            "writeOnly",
            "deprecated",
            "xml",
            "externalDocs",
            "example",
        ],
        K::Discriminator => &["propertyName", "mapping"],
        K::Xml => &["name", "namespace", "prefix", "attribute", "wrapped"],
        K::Components => &[
            "schemas",
            "responses",
            "parameters",
            "examples",
            "requestBodies",
            "headers",
            "securitySchemes",
            "links",
            "callbacks",
        ],
        K::SecurityScheme => &[
            "$ref",
            "type",
            "description",
            "name",
            "in",
            "scheme",
            "bearerFormat",
            "flows",
            "openIdConnectUrl",
        ],
        K::OAuthFlows => &[
            "implicit",
            "password",
            "clientCredentials",
            "authorizationCode",
        ],
        K::OAuthFlow => &["authorizationUrl", "tokenUrl", "refreshUrl", "scopes"],
        // Maps of paths, status codes and callback expressions are ordered by `sorted_keys`.
        K::Paths | K::Responses | K::Callback => &[],
    }
}

/// The standard reason phrase for a response's status key.
pub fn reason_phrase(status: &str) -> String {
    let phrase = match status.to_ascii_uppercase().as_str() {
        "DEFAULT" => "Default response",
        "1XX" => "Informational",
        "2XX" => "Success",
        "3XX" => "Redirection",
        "4XX" => "Client Error",
        "5XX" => "Server Error",
        "100" => "Continue",
        "101" => "Switching Protocols",
        "102" => "Processing",
        "103" => "Early Hints",
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "Non-Authoritative Information",
        "204" => "No Content",
        "205" => "Reset Content",
        "206" => "Partial Content",
        "207" => "Multi-Status",
        "208" => "Already Reported",
        "226" => "IM Used",
        "300" => "Multiple Choices",
        "301" => "Moved Permanently",
        "302" => "Found",
        "303" => "See Other",
        "304" => "Not Modified",
        "305" => "Use Proxy",
        "307" => "Temporary Redirect",
        "308" => "Permanent Redirect",
        "400" => "Bad Request",
        "401" => "Unauthorized",
        "402" => "Payment Required",
        "403" => "Forbidden",
        "404" => "Not Found",
        "405" => "Method Not Allowed",
        "406" => "Not Acceptable",
        "407" => "Proxy Authentication Required",
        "408" => "Request Timeout",
        "409" => "Conflict",
        "410" => "Gone",
        "411" => "Length Required",
        "412" => "Precondition Failed",
        "413" => "Content Too Large",
        "414" => "URI Too Long",
        "415" => "Unsupported Media Type",
        "416" => "Range Not Satisfiable",
        "417" => "Expectation Failed",
        "418" => "I'm a teapot",
        "421" => "Misdirected Request",
        "422" => "Unprocessable Content",
        "423" => "Locked",
        "424" => "Failed Dependency",
        "425" => "Too Early",
        "426" => "Upgrade Required",
        "428" => "Precondition Required",
        "429" => "Too Many Requests",
        "431" => "Request Header Fields Too Large",
        "451" => "Unavailable For Legal Reasons",
        "500" => "Internal Server Error",
        "501" => "Not Implemented",
        "502" => "Bad Gateway",
        "503" => "Service Unavailable",
        "504" => "Gateway Timeout",
        "505" => "HTTP Version Not Supported",
        "506" => "Variant Also Negotiates",
        "507" => "Insufficient Storage",
        "508" => "Loop Detected",
        "510" => "Not Extended",
        "511" => "Network Authentication Required",
        _ => return format!("Status {status}"),
    };
    phrase.to_owned()
}

/// Description given to a component response that no operation references, which therefore has
/// no status code.
const GENERIC_RESPONSE: &str = "Response";

/// Canonical, prose-free form of one document: every OpenAPI object's `description` dropped,
/// response descriptions replaced by HTTP reason phrases, everything else kept.
///
/// A component response gets the reason phrase of the status code it is referenced under most
/// often, or `"Response"` when nothing references it. `null` where an OpenAPI map or
/// list belongs (`components: {schemas: null}`) means "none" and is dropped; `null` inside
/// values (examples, defaults, extensions such as `x-examples: null`) is kept as it is.
pub fn canonicalize(doc: &Value) -> Value {
    let statuses = response_ref_statuses(doc);
    let ctx = Ctx { statuses };
    strip(&ctx, Shape::Object(Kind::Document), doc)
}

struct Ctx {
    /// Component response name → status code it is referenced under → how many times.
    statuses: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Ctx {
    /// The reason phrase of the status code a component response is referenced under most often
    /// (the lowest code on a tie), or `"Response"` when nothing references it.
    fn component_phrase(&self, name: &str) -> String {
        let Some(codes) = self.statuses.get(name) else {
            return GENERIC_RESPONSE.to_owned();
        };
        let mut best: Option<(&String, usize)> = None;
        for (code, &count) in codes {
            if best.is_none_or(|(_, n)| count > n) {
                best = Some((code, count));
            }
        }
        best.map_or_else(
            || GENERIC_RESPONSE.to_owned(),
            |(code, _)| reason_phrase(code),
        )
    }
}

const RESPONSE_REF_PREFIX: &str = "#/components/responses/";

/// Collects, for each `#/components/responses/NAME`, the status codes it is referenced under in
/// the operations of `paths` (and of their callbacks).
fn response_ref_statuses(doc: &Value) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        collect_from_paths(paths, &mut out);
    }
    if let Some(callbacks) = doc
        .pointer("/components/callbacks")
        .and_then(Value::as_object)
    {
        for callback in callbacks.values().filter_map(Value::as_object) {
            collect_from_paths(callback, &mut out);
        }
    }
    out
}

fn collect_from_paths(
    paths: &Map<String, Value>,
    out: &mut BTreeMap<String, BTreeMap<String, usize>>,
) {
    for item in paths.values().filter_map(Value::as_object) {
        for method in METHODS {
            let Some(op) = item.get(method).and_then(Value::as_object) else {
                continue;
            };
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for (status, response) in responses {
                    let target = response.get("$ref").and_then(Value::as_str);
                    if let Some(name) = target.and_then(|r| r.strip_prefix(RESPONSE_REF_PREFIX)) {
                        let name = name.replace("~1", "/").replace("~0", "~");
                        *out.entry(name)
                            .or_default()
                            .entry(status.to_ascii_uppercase())
                            .or_default() += 1;
                    }
                }
            }
            if let Some(callbacks) = op.get("callbacks").and_then(Value::as_object) {
                for callback in callbacks.values().filter_map(Value::as_object) {
                    collect_from_paths(callback, out);
                }
            }
        }
    }
}

/// Copies `value` (of the given shape) without prose. A value of an unexpected JSON type is
/// copied verbatim.
fn strip(ctx: &Ctx, shape: Shape, value: &Value) -> Value {
    match (shape, value) {
        (Shape::Object(kind), Value::Object(map)) => strip_object(ctx, kind, map),
        (Shape::MapOf(kind), Value::Object(map)) => {
            let mut out = Map::new();
            for (name, item) in map {
                let mut item = strip(ctx, Shape::Object(kind), item);
                if kind == Kind::Response {
                    set_response_description(&mut item, ctx.component_phrase(name));
                }
                out.insert(name.clone(), item);
            }
            Value::Object(out)
        }
        (Shape::ListOf(kind), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| strip(ctx, Shape::Object(kind), item))
                .collect(),
        ),
        _ => value.clone(),
    }
}

fn strip_object(ctx: &Ctx, kind: Kind, map: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (key, value) in map {
        if key == "description" && has_description(kind) {
            continue;
        }
        let shape = child(kind, key);
        // `null` where an OpenAPI object, map or list belongs means "none": dropped. Values
        // copied verbatim (examples, defaults, extensions, scalars) keep their `null`s.
        if value.is_null() && shape != Shape::Value {
            continue;
        }
        let mut item = strip(ctx, shape, value);
        if kind == Kind::Responses && shape == Shape::Object(Kind::Response) {
            set_response_description(&mut item, reason_phrase(key));
        }
        out.insert(key.clone(), item);
    }
    Value::Object(out)
}

/// Gives a response object (not a `$ref`) the description OpenAPI 3.0 requires.
fn set_response_description(response: &mut Value, phrase: String) {
    if let Value::Object(map) = response {
        if !map.contains_key("$ref") {
            map.insert("description".to_owned(), Value::String(phrase));
        }
    }
}

/// Merges several documents into one API: the union of their paths and operations, components
/// and tags; the first document's `info` and `servers` (and other top-level members) win.
///
/// The same path and method in two files must be equal after canonicalization, else
/// [`Error::Conflict`] names both files; a component, path-level member (`parameters`, ...) or
/// top-level `security` defined differently is an [`Error::Spec`] naming both files.
pub fn merge(docs: &[RawDocument]) -> Result<Value> {
    let Some(first) = docs.first() else {
        return Err(Error::spec(
            Location::new("", ""),
            "no-documents",
            "there is no document to merge",
        ));
    };
    let mut out = canonical_object(first)?;
    let mut owners = Owners::default();
    owners.record_all(&out, &first.file);
    for doc in &docs[1..] {
        let canonical = canonical_object(doc)?;
        merge_one(&mut out, canonical, &doc.file, &mut owners)?;
    }
    // Component responses' reason phrases may depend on references from several documents.
    Ok(canonicalize(&Value::Object(out)))
}

fn canonical_object(doc: &RawDocument) -> Result<Map<String, Value>> {
    match canonicalize(&doc.value) {
        Value::Object(map) => Ok(map),
        _ => Err(Error::spec(
            Location::new(&doc.file, ""),
            "not-openapi",
            "the document is not a mapping",
        )),
    }
}

/// Which file first defined each operation, path-level member and component, by JSON pointer.
#[derive(Default)]
struct Owners(BTreeMap<String, String>);

impl Owners {
    fn record_all(&mut self, doc: &Map<String, Value>, file: &str) {
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let pointer = push_pointer("/paths", path);
                match item.as_object() {
                    Some(item) => {
                        for key in item.keys() {
                            self.0.insert(push_pointer(&pointer, key), file.to_owned());
                        }
                    }
                    None => {
                        self.0.insert(pointer, file.to_owned());
                    }
                }
            }
        }
        if let Some(components) = doc.get("components").and_then(Value::as_object) {
            for (section, items) in components {
                let pointer = push_pointer("/components", section);
                match items.as_object() {
                    Some(items) => {
                        for name in items.keys() {
                            self.0.insert(push_pointer(&pointer, name), file.to_owned());
                        }
                    }
                    None => {
                        self.0.insert(pointer, file.to_owned());
                    }
                }
            }
        }
        if doc.contains_key("security") {
            self.0.insert("/security".to_owned(), file.to_owned());
        }
    }

    fn owner(&self, pointer: &str) -> String {
        self.0.get(pointer).cloned().unwrap_or_default()
    }
}

fn merge_one(
    out: &mut Map<String, Value>,
    doc: Map<String, Value>,
    file: &str,
    owners: &mut Owners,
) -> Result<()> {
    for (key, value) in doc {
        match key.as_str() {
            "tags" => merge_tags(out, value),
            "paths" => merge_paths(out, value, file, owners)?,
            "components" => merge_components(out, value, file, owners)?,
            "security" => match out.get("security") {
                Some(existing) if *existing != value => {
                    return Err(differs("/security", &owners.owner("/security"), file));
                }
                Some(_) => {}
                None => {
                    owners.0.insert("/security".to_owned(), file.to_owned());
                    out.insert(key, value);
                }
            },
            // `openapi`, `info`, `servers`, `externalDocs`, extensions: the first one wins.
            _ => {
                out.entry(key).or_insert(value);
            }
        }
    }
    Ok(())
}

fn differs(pointer: &str, first: &str, second: &str) -> Error {
    Error::spec(
        Location::new(second, pointer),
        "merge-conflict",
        format!("#{pointer} is defined differently in {first} and {second}"),
    )
}

/// Appends the tags whose names are not there yet.
fn merge_tags(out: &mut Map<String, Value>, tags: Value) {
    let Value::Array(tags) = tags else { return };
    let existing = out
        .entry("tags")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(existing) = existing else {
        return;
    };
    for tag in tags {
        let name = tag.get("name");
        let present = existing.iter().any(|t| match name {
            Some(name) => t.get("name") == Some(name),
            None => *t == tag,
        });
        if !present {
            existing.push(tag);
        }
    }
}

fn merge_paths(
    out: &mut Map<String, Value>,
    paths: Value,
    file: &str,
    owners: &mut Owners,
) -> Result<()> {
    let Value::Object(paths) = paths else {
        return Ok(());
    };
    let mut target = take_object(out, "paths");
    for (path, item) in paths {
        let path_pointer = push_pointer("/paths", &path);
        let Value::Object(item) = item else {
            match target.get(&path) {
                Some(existing) if *existing != item => {
                    return Err(differs(&path_pointer, &owners.owner(&path_pointer), file));
                }
                Some(_) => {}
                None => {
                    owners.0.insert(path_pointer, file.to_owned());
                    target.insert(path, item);
                }
            }
            continue;
        };
        let existing = target
            .entry(path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(existing) = existing else {
            return Err(differs(&path_pointer, &owners.owner(&path_pointer), file));
        };
        for (key, value) in item {
            let pointer = push_pointer(&path_pointer, &key);
            match existing.get(&key) {
                Some(current) if *current != value => {
                    let first = owners.owner(&pointer);
                    if METHODS.contains(&key.as_str()) {
                        return Err(Error::Conflict {
                            method: key.to_ascii_uppercase(),
                            path,
                            first,
                            second: file.to_owned(),
                        });
                    }
                    return Err(differs(&pointer, &first, file));
                }
                Some(_) => {}
                None => {
                    owners.0.insert(pointer, file.to_owned());
                    existing.insert(key, value);
                }
            }
        }
    }
    out.insert("paths".to_owned(), Value::Object(target));
    Ok(())
}

fn merge_components(
    out: &mut Map<String, Value>,
    components: Value,
    file: &str,
    owners: &mut Owners,
) -> Result<()> {
    let Value::Object(components) = components else {
        return Ok(());
    };
    let mut target = take_object(out, "components");
    for (section, items) in components {
        let section_pointer = push_pointer("/components", &section);
        let Value::Object(items) = items else {
            match target.get(&section) {
                Some(current) if *current != items => {
                    return Err(differs(
                        &section_pointer,
                        &owners.owner(&section_pointer),
                        file,
                    ));
                }
                Some(_) => {}
                None => {
                    owners.0.insert(section_pointer, file.to_owned());
                    target.insert(section, items);
                }
            }
            continue;
        };
        let existing = target
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(existing) = existing else {
            return Err(differs(
                &section_pointer,
                &owners.owner(&section_pointer),
                file,
            ));
        };
        for (name, value) in items {
            let pointer = push_pointer(&section_pointer, &name);
            match existing.get(&name) {
                Some(current) if !same_component(&section_pointer, current, &value) => {
                    return Err(differs(&pointer, &owners.owner(&pointer), file));
                }
                Some(_) => {}
                None => {
                    owners.0.insert(pointer, file.to_owned());
                    existing.insert(name, value);
                }
            }
        }
    }
    out.insert("components".to_owned(), Value::Object(target));
    Ok(())
}

/// Whether two definitions of a component are the same API. A component response's description
/// is a reason phrase derived from where each document references it, so it is not compared.
fn same_component(section_pointer: &str, a: &Value, b: &Value) -> bool {
    if section_pointer != "/components/responses" {
        return a == b;
    }
    let without = |v: &Value| match v {
        Value::Object(map) => {
            let mut map = map.clone();
            map.remove("description");
            Value::Object(map)
        }
        other => other.clone(),
    };
    without(a) == without(b)
}

/// Takes the object member `key` out of `map` (an empty map when it is absent or not an object);
/// the caller puts it back.
fn take_object(map: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match map.remove(key) {
        Some(Value::Object(member)) => member,
        _ => Map::new(),
    }
}

/// Updates an existing imported spec with a partial document (a reference page describing a few
/// operations): the page's operations replace the same path and method (or are added), the
/// page's path-level members (`parameters`, ...) replace the existing ones of those paths, its
/// components are added or replaced and its tags missing from `existing` are appended.
/// Everything else in `existing` is kept. The result is canonical.
pub fn update(existing: &Value, page: &Value) -> Value {
    let Value::Object(mut out) = canonicalize(existing) else {
        return canonicalize(page);
    };
    let Value::Object(page) = canonicalize(page) else {
        return Value::Object(out);
    };
    for (key, value) in page {
        match (key.as_str(), value) {
            ("paths", Value::Object(paths)) => {
                let mut target = take_object(&mut out, "paths");
                for (path, item) in paths {
                    match (target.get_mut(&path), item) {
                        (Some(Value::Object(current)), Value::Object(item)) => current.extend(item),
                        (_, item) => {
                            target.insert(path, item);
                        }
                    }
                }
                out.insert(key, Value::Object(target));
            }
            ("components", Value::Object(components)) => {
                let mut target = take_object(&mut out, "components");
                for (section, items) in components {
                    match (target.get_mut(&section), items) {
                        (Some(Value::Object(current)), Value::Object(items)) => {
                            current.extend(items)
                        }
                        (_, items) => {
                            target.insert(section, items);
                        }
                    }
                }
                out.insert(key, Value::Object(target));
            }
            ("tags", tags) => merge_tags(&mut out, tags),
            _ => {}
        }
    }
    canonicalize(&Value::Object(out))
}

/// Renders a canonical document as YAML with a stable key order, ending in a newline.
///
/// The top level is ordered openapi, info, servers, tags, paths, components, then other keys
/// alphabetically; paths sorted by key; path items' methods in the order get, put, post, delete,
/// options, head, patch, trace after `parameters`; operations tags, summary, operationId,
/// parameters, requestBody, responses, deprecated, security, then alphabetically; responses by
/// status code; other objects their well-known keys first, then the rest alphabetically. Maps of
/// names (`properties`, components, media types, ...) are sorted by key; arrays keep their order.
///
/// The text reads the same to YAML 1.2 and YAML 1.1 readers (PyYAML, SnakeYAML): serde_yaml
/// quotes the strings 1.2 would read as something else, and every other string that 1.1 would
/// read as something else ([`reads_differently_in_yaml11`]) is quoted too, and fractional
/// numbers are written with a dot and a signed exponent (`1.0e+100`, not `1e100`, a string to
/// 1.1): such a scalar is rendered as a placeholder (a word found nowhere in the document, and a number), which
/// serde_yaml writes as it is and which is then replaced by the scalar's text.
pub fn to_yaml(doc: &Value) -> String {
    let json = doc.to_string();
    let mut marker = "yamlquoted".to_owned();
    while json.contains(&marker) {
        marker.push('x');
    }
    let mut quoted = Vec::new();
    let yaml = render(
        Shape::Object(Kind::Document),
        doc,
        &mut (&marker, &mut quoted),
    );
    let text = match serde_yaml::to_string(&yaml) {
        Ok(text) if text.ends_with('\n') => text,
        Ok(text) => text + "\n",
        // Not expected for a tree of strings, numbers and booleans; JSON is YAML too.
        Err(_) => return serde_json::to_string_pretty(doc).unwrap_or_default() + "\n",
    };
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split(marker.as_str());
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        let digits = part.bytes().take_while(u8::is_ascii_digit).count();
        let i: Option<usize> = part[..digits].parse().ok();
        out.push_str(i.and_then(|i| quoted.get(i)).map_or("''", |s| s));
        out.push_str(&part[digits..]);
    }
    out
}

/// Whether a YAML 1.1 reader (PyYAML, SnakeYAML) would read `s`, written plain, as something
/// other than that string: booleans (`yes`, `off`, `y`), nulls (`~`, ``), the merge and value
/// keys (`<<`, `=`), infinities and NaN (`.inf`), and anything shaped like a 1.1 number or
/// timestamp (`0755`, `0b1`, `0x_1F`, `1_000`, `20:00`, `190:20:30.15`, `1.0.0`,
/// `2026-01-01 10:00:00 +1`). Numbers and timestamps are recognised by their alphabet rather
/// than by the 1.1 grammars (which differ between the spec and its readers): a string that starts
/// with a digit or a dot and holds a digit and only digits, `_:.+-eEtTzZ`, spaces and tabs (or
/// `0x` and hex digits) is quoted. Quoting a string that did not need it never changes what it
/// reads as.
pub fn reads_differently_in_yaml11(s: &str) -> bool {
    const WORDS: &str = " y Y yes Yes YES n N no No NO on On ON off Off OFF true True TRUE false \
        False FALSE ~ null Null NULL << = .inf .Inf .INF .nan .NaN .NAN ";
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (digits, rest) = match t.strip_prefix("0x") {
        Some(hex) => ("0123456789abcdefABCDEF_", hex),
        None => ("0123456789_:.+-eEtTzZ \t", t),
    };
    s.is_empty()
        || WORDS.contains(&format!(" {s} "))
        || WORDS.contains(&format!(" {t} "))
        || (t.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && t.contains(|c: char| c.is_ascii_digit())
            && rest.chars().all(|c| digits.contains(c)))
}

type Quoted<'a> = (&'a str, &'a mut Vec<String>);

fn render(shape: Shape, value: &Value, q: &mut Quoted) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match value {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Y::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Y::Number(u.into())
            } else {
                // A 1.1 float has a dot, and a sign in its exponent (`1e100` is a string to it).
                let f = format!("{:?}", n.as_f64().unwrap_or(0.0));
                let text = match f.split_once('e') {
                    Some((m, e)) => {
                        let dot = if m.contains('.') { "" } else { ".0" };
                        let sign = if e.starts_with('-') { "" } else { "+" };
                        format!("{m}{dot}e{sign}{e}")
                    }
                    None => f,
                };
                placeholder(text, q)
            }
        }
        Value::String(s) => quote(s, q),
        Value::Array(items) => {
            let item_shape = match shape {
                Shape::ListOf(kind) => Shape::Object(kind),
                _ => Shape::Value,
            };
            Y::Sequence(
                items
                    .iter()
                    .map(|item| render(item_shape, item, q))
                    .collect(),
            )
        }
        Value::Object(map) => {
            let mut out = serde_yaml::Mapping::new();
            for key in sorted_keys(shape, map) {
                let Some(item) = map.get(key) else { continue };
                let item_shape = match shape {
                    Shape::Object(kind) => child(kind, key),
                    Shape::MapOf(kind) => Shape::Object(kind),
                    Shape::ListOf(_) | Shape::Value => Shape::Value,
                };
                out.insert(quote(key, q), render(item_shape, item, q));
            }
            Y::Mapping(out)
        }
    }
}

/// A string as YAML: a placeholder for it in single quotes when YAML 1.1 would read it as
/// something else.
fn quote(s: &str, q: &mut Quoted) -> serde_yaml::Value {
    match reads_differently_in_yaml11(s) {
        true => placeholder(format!("'{}'", s.replace('\'', "''")), q),
        false => serde_yaml::Value::String(s.to_owned()),
    }
}

/// A placeholder that `to_yaml` replaces with `text`.
fn placeholder(text: String, (marker, texts): &mut Quoted) -> serde_yaml::Value {
    texts.push(text);
    serde_yaml::Value::String(format!("{marker}{}", texts.len() - 1))
}

/// The keys of an object in output order.
fn sorted_keys(shape: Shape, map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    match shape {
        Shape::Object(Kind::Responses) => keys.sort_by_key(|k| status_rank(k)),
        Shape::Object(kind) => {
            let known = known_keys(kind);
            keys.sort_by_key(|k| (known.iter().position(|n| n == k).unwrap_or(known.len()), *k));
        }
        Shape::MapOf(_) | Shape::ListOf(_) | Shape::Value => keys.sort(),
    }
    keys
}

/// Sort key of a member of a Responses object: status codes (`2XX` after `299`), `default`,
/// then anything else alphabetically.
fn status_rank(key: &str) -> (u8, String, String) {
    let upper = key.to_ascii_uppercase();
    let is_code = upper.len() == 3
        && upper.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && upper.bytes().all(|b| b.is_ascii_digit() || b == b'X');
    let class = if is_code {
        0
    } else if upper == "DEFAULT" {
        1
    } else {
        2
    };
    (
        class,
        if is_code { upper } else { String::new() },
        key.to_owned(),
    )
}

/// The file stem for a document in `specs/`: the kebab-case of `info.title` (`"User
/// Management"` → `"user-management"`), or `"api"` when there is none.
pub fn spec_file_stem(doc: &Value) -> String {
    use heck::ToKebabCase;
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kebab: String = title
        .to_kebab_case()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    let kebab = kebab.trim_matches('-');
    if kebab.is_empty() {
        "api".to_owned()
    } else {
        kebab.to_owned()
    }
}
