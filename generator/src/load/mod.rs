//! Loading: bytes on disk → a JSON value → a typed `openapiv3::OpenAPI`.
//!
//! Reads OpenAPI 3.0.x and 3.1.x in YAML or JSON, and Rocket.Chat API reference pages (markdown
//! with the document in a fenced `json` or `yaml` block). JSON is parsed by `serde_json`; YAML by
//! `serde_yaml` (merge keys applied) and converted. A 3.1 document is lowered into the 3.0 form
//! ([`openapi31`]). Every schema is then checked on its own, which keeps hostile documents
//! linear, before `openapiv3`'s `Deserialize` types the whole document. Nothing after this
//! module sees YAML, markdown or 3.1's own spellings (except the keywords 3.0 has no words for,
//! which stay in the raw value).

pub mod openapi31;

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{push_pointer, Diagnostic, Error, Location, Result};
use crate::shape::{child, Kind, Shape};

/// The OpenAPI documents of a directory (`*.yaml`, `*.yml` and `*.json` files), sorted by path:
/// the inputs of `cargo xtask codegen` in `specs/`, and how the benchmarks find the published
/// specs.
pub fn documents_in(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut paths: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// Largest input accepted, in bytes (a larger file is refused before it is parsed). Parsing
/// takes up to about 60 times the file's size in memory; the largest published Rocket.Chat
/// document is 0.6 MB.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// The format of an input document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML (which also reads JSON).
    Yaml,
    /// JSON.
    Json,
    /// A markdown page with the document in a fenced `json` or `yaml` block.
    Markdown,
}

impl Format {
    /// The format implied by a file name's extension (YAML when unknown).
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Format::Json,
            Some("md" | "markdown" | "mdx") => Format::Markdown,
            _ => Format::Yaml,
        }
    }
}

/// A document read from disk as a JSON value, before it is typed.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// The file as the user named it.
    pub file: String,
    /// The document.
    pub value: Value,
}

/// A document parsed into the `openapiv3` model.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file as the user named it.
    pub file: String,
    /// The `openapi` version the document declares (`3.0.3`, `3.1.0`).
    pub version: String,
    /// The raw value (kept for example checks and import); a 3.1 document lowered to the 3.0
    /// form ([`openapi31`]), with what 3.0 cannot say left in place.
    pub value: Value,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// Problems repaired while loading (for example `null` where a map belongs).
    pub warnings: Vec<Diagnostic>,
    /// Pointers of every object of `value` that has an `enum` member (found on first use).
    enums: std::sync::OnceLock<std::collections::HashSet<String>>,
    /// Pointers of every object of `value` that has one of [`KEYWORDS_2020`] (found on first
    /// use).
    keywords_2020: std::sync::OnceLock<std::collections::HashSet<String>>,
}

/// The JSON Schema 2020-12 keywords (and draft-07's `if`, `contains`, ...) the router enforces
/// that OpenAPI 3.0's typed model does not hold: read from the raw value.
pub(crate) const KEYWORDS_2020: [&str; 11] = [
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "patternProperties",
    "dependentRequired",
    "unevaluatedProperties",
    "if",
    "then",
    "else",
];

impl Document {
    fn new(
        file: String,
        version: String,
        value: Value,
        openapi: openapiv3::OpenAPI,
        warnings: Vec<Diagnostic>,
    ) -> Self {
        Document {
            file,
            version,
            value,
            openapi,
            warnings,
            enums: Default::default(),
            keywords_2020: Default::default(),
        }
    }

    /// The raw `enum` member of the object at `pointer`, if it has one. (The typed model drops
    /// `enum` where its type has no such field, so the raw document is asked; one walk of the
    /// document finds every `enum`, far cheaper than a pointer lookup per schema.)
    pub fn raw_enum(&self, pointer: &str) -> Option<&Value> {
        let enums = self
            .enums
            .get_or_init(|| pointers_with(&self.value, &["enum"]));
        if enums.contains(pointer) {
            self.value.pointer(pointer).and_then(|v| v.get("enum"))
        } else {
            None
        }
    }

    /// Whether the object at `pointer` has one of [`KEYWORDS_2020`] (one walk of the document
    /// answers every schema, as for [`Document::raw_enum`]).
    pub(crate) fn has_keywords_2020(&self, pointer: &str) -> bool {
        self.keywords_2020
            .get_or_init(|| pointers_with(&self.value, &KEYWORDS_2020))
            .contains(pointer)
    }
}

/// The pointers of every object in `root` that has one of `keys` as a member. Iterative:
/// documents may nest deeper than the stack allows.
fn pointers_with(root: &Value, keys: &[&str]) -> std::collections::HashSet<String> {
    let mut found = std::collections::HashSet::new();
    let mut stack = vec![(root, String::new())];
    while let Some((value, pointer)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if keys.iter().any(|k| map.contains_key(*k)) {
                    found.insert(pointer.clone());
                }
                for (k, v) in map {
                    if v.is_object() || v.is_array() {
                        stack.push((v, crate::diagnostics::push_pointer(&pointer, k)));
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    if v.is_object() || v.is_array() {
                        stack.push((
                            v,
                            crate::diagnostics::push_pointer(&pointer, &i.to_string()),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Reads and parses one document from disk.
pub fn load_file(path: &Path) -> Result<Document> {
    load_file_with(path, &crate::BuildOptions::default(), &mut [])
}

/// Reads one document from disk, corrects it by the options' `patches` (marking in `used` the
/// patches applied), and types it.
pub fn load_file_with(
    path: &Path,
    options: &crate::BuildOptions,
    used: &mut [bool],
) -> Result<Document> {
    let mut raw = read_file(path)?;
    options.patch(&raw.file, &mut raw.value, used)?;
    parse_document(raw)
}

/// Reads one file into a JSON value, in the format its extension implies.
pub fn read_file(path: &Path) -> Result<RawDocument> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: file.clone(),
        source,
    })?;
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(Error::spec(
            Location::new(&file, ""),
            "too-large",
            format!(
                "the file is {} bytes; the limit is {MAX_INPUT_BYTES}",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: file.clone(),
        source,
    })?;
    read_bytes(&file, &bytes, Format::from_path(path))
}

/// Parses bytes of the given format into a JSON value.
pub fn read_bytes(file: &str, bytes: &[u8], format: Format) -> Result<RawDocument> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, col) = line_col_of_offset(bytes, offset);
        Error::spec(
            Location {
                file: file.to_owned(),
                pointer: String::new(),
                line_col: Some((line, col)),
            },
            "not-utf8",
            format!("the file is not UTF-8 (invalid byte at offset {offset})"),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value = match format {
        Format::Json => parse_json(file, text, 0)?,
        Format::Yaml => parse_yaml(file, text, 0)?,
        Format::Markdown => parse_markdown(file, text)?,
    };
    Ok(RawDocument {
        file: file.to_owned(),
        value,
    })
}

fn line_col_of_offset(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

fn parse_json(file: &str, text: &str, line_offset: usize) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        Error::spec(
            Location {
                file: file.to_owned(),
                pointer: String::new(),
                line_col: Some((e.line() + line_offset, e.column())),
            },
            "invalid-json",
            format!("invalid JSON: {}", strip_position(&e.to_string())),
        )
    })
}

/// Parses YAML into serde_yaml's own value (merge keys applied) and converts it to JSON; a
/// problem is reported with its location (`line_offset` is added to its line).
fn parse_yaml(file: &str, text: &str, line_offset: usize) -> Result<Value> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let line_col = e.location().map(|l| (l.line() + line_offset, l.column()));
        Error::spec(
            Location {
                file: file.to_owned(),
                pointer: String::new(),
                line_col,
            },
            "invalid-yaml",
            format!("invalid YAML: {}", strip_position(&e.to_string())),
        )
    })?;
    yaml.apply_merge().map_err(|e| {
        Error::spec(
            Location::new(file, ""),
            "invalid-yaml",
            format!("invalid YAML merge key: {e}"),
        )
    })?;
    yaml_to_json(file, yaml, &mut String::new())
}

/// Removes the " at line X column Y" suffix parsers add, since the location is reported apart.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Converts a YAML value; `pointer` locates it (one buffer, extended and cut back per child,
/// since it is read only for an error).
fn yaml_to_json(file: &str, yaml: serde_yaml::Value, pointer: &mut String) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => {
                        return Err(Error::spec(
                            Location::new(file, pointer.as_str()),
                            "invalid-number",
                            format!("the number {n} has no JSON representation"),
                        ))
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = pointer.len();
                push_token(pointer, &i.to_string());
                let value = yaml_to_json(file, item, pointer);
                pointer.truncate(len);
                out.push(value?);
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => {
                        return Err(Error::spec(
                            Location::new(file, pointer.as_str()),
                            "invalid-key",
                            "a mapping key must be a string, number or boolean",
                        ))
                    }
                };
                let len = pointer.len();
                push_token(pointer, &key);
                let value = yaml_to_json(file, value, pointer);
                pointer.truncate(len);
                out.insert(key, value?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(file, tagged.value, pointer)?,
    })
}

/// Appends one reference token to `pointer` in place, escaped as [`push_pointer`] does.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Extracts the OpenAPI document from a markdown page: the first fenced block (``` or ~~~, any
/// length) tagged `json` or `yaml` whose content is a mapping with an `openapi` or `swagger` key.
fn parse_markdown(file: &str, text: &str) -> Result<Value> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut first_error = None;
    while i < lines.len() {
        let line = lines[i].trim_start();
        let fence_char = line.chars().next().filter(|c| *c == '`' || *c == '~');
        let Some(fence_char) = fence_char else {
            i += 1;
            continue;
        };
        let fence_len = line.chars().take_while(|c| *c == fence_char).count();
        if fence_len < 3 {
            i += 1;
            continue;
        }
        let info = line[fence_len..].trim().to_ascii_lowercase();
        let lang = info.split_whitespace().next().unwrap_or("").to_owned();
        let start = i + 1;
        let mut end = start;
        while end < lines.len() {
            let l = lines[end].trim_start();
            if l.chars().take_while(|c| *c == fence_char).count() >= fence_len
                && l.trim_start_matches(fence_char).trim().is_empty()
            {
                break;
            }
            end += 1;
        }
        let body = lines[start..end.min(lines.len())].join("\n");
        i = end + 1;
        let parsed = match lang.as_str() {
            "json" => parse_json(file, &body, start),
            "yaml" | "yml" => parse_yaml(file, &body, start),
            _ => continue,
        };
        match parsed {
            Ok(v) if v.get("openapi").is_some() || v.get("swagger").is_some() => return Ok(v),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        Error::spec(
            Location::new(file, ""),
            "no-openapi-block",
            "the page has no fenced json or yaml block holding an OpenAPI document",
        )
    }))
}

/// Checks the version, repairs `null`s where maps belong, and types the document.
pub fn parse_document(raw: RawDocument) -> Result<Document> {
    let RawDocument { file, mut value } = raw;
    let version = check_version(&file, &value)?;
    let mut warnings = Vec::new();
    if version.starts_with("3.1") {
        warnings = openapi31::lower(&file, &mut value)?;
    }
    // Before any typing: a document the checks refuse could make the typed model's untagged
    // enums try their variants exponentially often.
    check_schemas(&file, &value)?;
    // `null` in place of a map or list (`components: {schemas: null}`) is read as absent; each
    // repair is reported. Each repair types the whole document again: bounded to about 64 MB
    // of JSON in all, so a document full of repairable nulls cannot make this quadratic.
    let mut max_repairs = None;
    let mut attempt = 0usize;
    loop {
        // Typing without tracking the path is much cheaper; the tracked pass below runs only
        // when there is a problem to locate.
        if let Ok(openapi) = openapiv3::OpenAPI::deserialize(&value) {
            return Ok(Document::new(file, version, value, openapi, warnings));
        }
        let max = *max_repairs
            .get_or_insert_with(|| ((64usize << 20) / json_size(&value).max(1)).clamp(16, 10_000));
        if attempt > max {
            return Err(Error::spec(
                Location::new(&file, ""),
                "invalid-document",
                "too many null values to repair",
            ));
        }
        attempt += 1;
        let result: Result<openapiv3::OpenAPI, _> = serde_path_to_error::deserialize(&value);
        match result {
            Ok(openapi) => return Ok(Document::new(file, version, value, openapi, warnings)),
            Err(err) => {
                let pointer = path_to_pointer(err.path());
                if remove_null_at(&mut value, &pointer) {
                    warnings.push(Diagnostic::warning(
                        Location::new(&file, pointer),
                        "null-value",
                        "null is not allowed here; read as absent",
                    ));
                    continue;
                }
                // The typed model cannot read `$ref`s in callbacks: a callback it cannot read is
                // dropped with a warning instead of failing the file.
                let (refined, _) = refine(&value, pointer.clone(), String::new());
                if let Some(end) = refined.find("/callbacks") {
                    let owner = refined[..end].to_owned();
                    if let Some(Value::Object(op)) = value.pointer_mut(&owner) {
                        op.remove("callbacks");
                        warnings.push(Diagnostic::warning(
                            Location::new(&file, format!("{owner}/callbacks")),
                            "callbacks-skipped",
                            "these callbacks cannot be read (a `$ref` where a path item belongs); skipped",
                        ));
                        continue;
                    }
                }
                let (pointer, message) = refine(&value, pointer, err.inner().to_string());
                let message = message.replace(
                    "data did not match any variant of untagged enum ReferenceOr",
                    "expected a `$ref` object or an inline definition, and this is neither",
                );
                return Err(Error::spec(
                    Location::new(&file, pointer),
                    "invalid-document",
                    message,
                ));
            }
        }
    }
}

/// The document's `openapi` version, when it is one this generator reads (3.0.x, 3.1.x).
fn check_version(file: &str, value: &Value) -> Result<String> {
    let loc = |p: &str| Location::new(file, p);
    if !value.is_object() {
        return Err(Error::spec(
            loc(""),
            "not-openapi",
            "the document is not a mapping",
        ));
    }
    if let Some(v) = value.get("swagger") {
        return Err(Error::spec(
            loc("/swagger"),
            "unsupported-version",
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0.x and 3.1.x are supported (convert it first)",
                display_scalar(v)
            ),
        ));
    }
    match value.get("openapi") {
        None => Err(Error::spec(
            loc(""),
            "not-openapi",
            "no `openapi` version field: this is not an OpenAPI 3 document",
        )),
        Some(Value::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(v.clone()),
        Some(Value::String(v)) if v.starts_with("3.") => Err(Error::spec(
            loc("/openapi"),
            "unsupported-version",
            format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0.x and 3.1.x"),
        )),
        Some(v) => Err(Error::spec(
            loc("/openapi"),
            "unsupported-version",
            format!(
                "unsupported `openapi` version {}; expected 3.0.x or 3.1.x",
                display_scalar(v)
            ),
        )),
    }
}

fn display_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

type Check = fn(&Value) -> Option<(String, String)>;

/// Deserializes `v` as `T`; on failure, the JSON pointer inside `v` and the message.
fn check_as<T: serde::de::DeserializeOwned>(v: &Value) -> Option<(String, String)> {
    serde_path_to_error::deserialize::<_, T>(v)
        .err()
        .map(|e| (path_to_pointer(e.path()), e.inner().to_string()))
}

/// The OpenAPI object expected at a pointer, as a check function (where the pointer is one
/// whose type is known).
fn expected_at(tokens: &[String]) -> Option<Check> {
    use openapiv3 as o;
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let t: Vec<&str> = tokens.iter().map(String::as_str).collect();
    Some(match t.as_slice() {
        ["paths", _] => check_as::<o::ReferenceOr<o::PathItem>>,
        ["paths", _, m] if METHODS.contains(m) => check_as::<o::Operation>,
        ["paths", _, "parameters", _] | ["paths", _, _, "parameters", _] => {
            check_as::<o::ReferenceOr<o::Parameter>>
        }
        ["paths", _, _, "requestBody"] => check_as::<o::ReferenceOr<o::RequestBody>>,
        ["paths", _, _, "responses"] => check_as::<o::Responses>,
        ["paths", _, _, "responses", _] => check_as::<o::ReferenceOr<o::Response>>,
        [.., "content", _] => check_as::<o::MediaType>,
        [.., "schema"]
        | [.., "items"]
        | [.., "properties", _]
        | [.., "additionalProperties"]
        | [.., "not"] => check_as::<o::ReferenceOr<o::Schema>>,
        [.., "oneOf" | "anyOf" | "allOf", _] => check_as::<o::ReferenceOr<o::Schema>>,
        ["components"] => check_as::<o::Components>,
        ["components", "schemas", _] => check_as::<o::ReferenceOr<o::Schema>>,
        ["components", "responses", _] => check_as::<o::ReferenceOr<o::Response>>,
        ["components", "parameters", _] => check_as::<o::ReferenceOr<o::Parameter>>,
        ["components", "requestBodies", _] => check_as::<o::ReferenceOr<o::RequestBody>>,
        ["components", "examples", _] => check_as::<o::ReferenceOr<o::Example>>,
        ["components", "headers", _] => check_as::<o::ReferenceOr<o::Header>>,
        ["components", "securitySchemes", _] => check_as::<o::ReferenceOr<o::SecurityScheme>>,
        ["info"] => check_as::<o::Info>,
        _ => return None,
    })
}

/// Narrows an error that serde reports at a container (untagged enums and flattened maps lose
/// the path) down to the innermost member that fails on its own.
fn refine(doc: &Value, mut pointer: String, mut message: String) -> (String, String) {
    for _ in 0..256 {
        let Some(here) = doc.pointer(&pointer) else {
            break;
        };
        let children: Vec<(String, &Value)> = match here {
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| (push_pointer(&pointer, k), v))
                .collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (push_pointer(&pointer, &i.to_string()), v))
                .collect(),
            _ => break,
        };
        let mut deeper = None;
        for (child, v) in children {
            let Some(check) = expected_at(&crate::diagnostics::pointer_tokens(&child)) else {
                continue;
            };
            if let Some((inner, msg)) = check(v) {
                deeper = Some((format!("{child}{inner}"), msg));
                break;
            }
        }
        match deeper {
            Some((p, m)) if p != pointer => {
                pointer = p;
                message = m;
            }
            _ => break,
        }
    }
    (pointer, message)
}

/// Converts a serde path into a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = push_pointer(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = push_pointer(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// About how many bytes `value` takes as JSON text.
fn json_size(value: &Value) -> usize {
    let mut size = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        size += match v {
            Value::String(s) => s.len() + 2,
            Value::Array(a) => {
                stack.extend(a);
                2 + a.len()
            }
            Value::Object(m) => {
                for (k, v) in m {
                    size += k.len() + 4;
                    stack.push(v);
                }
                2
            }
            _ => 4,
        };
    }
    size
}

/// Types every schema of the document on its own, with its subschemas replaced by `{}`, before
/// the whole document is typed. `openapiv3` reads schemas through untagged enums that try each
/// alternative in turn, so an error under nested schemas is met again for every alternative of
/// every level above it: time exponential in the depth (18 levels of `not` took 2 s, 30 would
/// take hours). One node at a time the check is linear, and the error names its schema.
/// Targets of local `$ref`s are checked as what refers to them (they may lie outside
/// `components`, where the typed document never looks but the resolver does).
fn check_schemas(file: &str, doc: &Value) -> Result<()> {
    let mut stack: Vec<(String, &Value, Kind)> = vec![(String::new(), doc, Kind::Document)];
    // Visited places, by node identity (a node reached through several `$ref`s is one place).
    let mut seen: std::collections::HashSet<(*const Value, Kind)> =
        std::collections::HashSet::new();
    while let Some((pointer, value, kind)) = stack.pop() {
        let Value::Object(members) = value else {
            continue;
        };
        if !seen.insert((value as *const Value, kind)) {
            continue;
        }
        if let Some(reference) = members.get("$ref").and_then(Value::as_str) {
            // Checked where it points, as the kind of thing this place holds.
            if let Some(target) = reference
                .strip_prefix('#')
                .filter(|p| p.is_empty() || p.starts_with('/'))
            {
                let target = crate::resolve::percent_decode(target);
                if let Some(v) = doc.pointer(&target) {
                    stack.push((target, v, kind));
                }
            }
            continue;
        }
        // The members `openapiv3` reads: a schema's subschemas as it types the schema, a
        // parameter's `schema` or `content` (whichever comes first), anything else's all.
        let read: Option<&[&str]> = match kind {
            Kind::Schema => Some(check_schema_node(file, &pointer, value)?),
            Kind::Parameter | Kind::Header => {
                match members.keys().find(|k| *k == "schema" || *k == "content") {
                    Some(k) if k == "schema" => Some(&["schema"]),
                    _ => Some(&["content"]),
                }
            }
            _ => None,
        };
        for (key, member) in members {
            if read.is_some_and(|read| !read.contains(&key.as_str())) {
                continue;
            }
            let at = push_pointer(&pointer, key);
            match (child(kind, key), member) {
                (Shape::Object(k), v) => stack.push((at, v, k)),
                (Shape::MapOf(k), Value::Object(m)) => {
                    for (name, v) in m {
                        stack.push((push_pointer(&at, name), v, k));
                    }
                }
                (Shape::ListOf(k), Value::Array(a)) => {
                    for (i, v) in a.iter().enumerate() {
                        stack.push((push_pointer(&at, &i.to_string()), v, k));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Types one schema object with its subschemas (objects) replaced by `{}`; on success, the
/// members holding the subschemas that `openapiv3` reads for it (it ignores `items` next to
/// `type: object`, for example, so they are not checked either).
fn check_schema_node(file: &str, pointer: &str, schema: &Value) -> Result<&'static [&'static str]> {
    let Value::Object(members) = schema else {
        return Ok(&[]);
    };
    let empty = || Value::Object(serde_json::Map::new());
    let shallow: serde_json::Map<String, Value> = members
        .iter()
        .map(|(k, v)| {
            let v = match (k.as_str(), v) {
                ("items" | "additionalProperties" | "not", Value::Object(_)) => empty(),
                ("properties", Value::Object(m)) => Value::Object(
                    m.iter()
                        .map(|(name, s)| {
                            let s = if s.is_object() { empty() } else { s.clone() };
                            (name.clone(), s)
                        })
                        .collect(),
                ),
                ("allOf" | "anyOf" | "oneOf", Value::Array(a)) => Value::Array(
                    a.iter()
                        .map(|s| if s.is_object() { empty() } else { s.clone() })
                        .collect(),
                ),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    schema_children(file, pointer, &Value::Object(shallow))
}

/// The members to check below a schema whose subschemas are replaced by `{}` (`shallow`), or
/// the error that makes it no schema.
fn schema_children(file: &str, pointer: &str, shallow: &Value) -> Result<&'static [&'static str]> {
    use openapiv3 as o;
    match o::ReferenceOr::<o::Schema>::deserialize(shallow) {
        Ok(o::ReferenceOr::Reference { .. }) => Ok(&[]),
        Ok(o::ReferenceOr::Item(s)) => Ok(match s.schema_kind {
            o::SchemaKind::Type(o::Type::Object(_)) => &["properties", "additionalProperties"],
            o::SchemaKind::Type(o::Type::Array(_)) => &["items"],
            o::SchemaKind::Type(_) => &[],
            o::SchemaKind::OneOf { .. } => &["oneOf"],
            o::SchemaKind::AllOf { .. } => &["allOf"],
            o::SchemaKind::AnyOf { .. } => &["anyOf"],
            o::SchemaKind::Not { .. } => &["not"],
            o::SchemaKind::Any(_) => &[
                "properties",
                "additionalProperties",
                "items",
                "oneOf",
                "allOf",
                "anyOf",
                "not",
            ],
        }),
        Err(e) => {
            // The untagged enums lose the path; the parts that are plain structs keep it.
            let inner = [
                check_as::<o::SchemaData>(shallow),
                check_as::<o::AnySchema>(shallow),
            ]
            .into_iter()
            .flatten()
            .map(|(p, _)| p)
            .find(|p| !p.is_empty())
            .unwrap_or_default();
            Err(Error::spec(
                Location::new(file, format!("{pointer}{inner}")),
                "invalid-document",
                e.to_string(),
            ))
        }
    }
}

/// Removes the member at `pointer` when it is `null`; true when it did.
fn remove_null_at(value: &mut Value, pointer: &str) -> bool {
    let tokens = crate::diagnostics::pointer_tokens(pointer);
    let Some((last, parents)) = tokens.split_last() else {
        return false;
    };
    let mut current = value;
    for t in parents {
        current = match current {
            Value::Object(m) => match m.get_mut(t) {
                Some(v) => v,
                None => return false,
            },
            Value::Array(a) => match t.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match current {
        Value::Object(m) if matches!(m.get(last), Some(Value::Null)) => {
            m.remove(last);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_node_names_its_subschemas_and_errors_keep_their_place() {
        let object = serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}}});
        assert_eq!(
            check_schema_node("f.yaml", "/a", &object).unwrap(),
            &["properties", "additionalProperties"]
        );
        let bad = serde_json::json!({"type": "string", "nullable": "yes"});
        for pointer in ["/x", "/y"] {
            let Err(Error::Spec(diagnostic)) = check_schema_node("f.yaml", pointer, &bad) else {
                panic!("{pointer}: a bad schema passes");
            };
            let at = &diagnostic.location.pointer;
            assert!(at.starts_with(pointer), "{at}");
        }
    }
}
