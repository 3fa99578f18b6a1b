//! Support code shared by the generated modules (written out verbatim by the generator).

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;
pub mod stream;
#[cfg(feature = "server")]
pub mod validate;

pub use stream::{ByteStream, Event, EventStream, StreamError};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// How a parameter value is written in a URL, header or cookie (OpenAPI `style` and
/// `explode`; `Json` for parameters given as `content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form`: `a=1&a=2` exploded, `a=1,2` otherwise.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `simple`: `1,2`.
    Simple,
    /// `label`: `.1.2` exploded, `.1,2` otherwise.
    Label {
        /// `explode`.
        explode: bool,
    },
    /// `matrix`: `;a=1;a=2` exploded, `;a=1,2` otherwise.
    Matrix {
        /// `explode`.
        explode: bool,
    },
    /// `spaceDelimited`: `1 2`.
    SpaceDelimited,
    /// `pipeDelimited`: `1|2`.
    PipeDelimited,
    /// `deepObject`: `a[x]=1&a[y]=2`.
    DeepObject,
    /// JSON text.
    Json,
    /// A type-less value: strings as they are, anything else as JSON text.
    Loose,
}

impl Style {
    /// `form`, exploded: the default of query and cookie parameters.
    pub const FORM: Style = Style::Form { explode: true };
}

/// How a security scheme carries its credential (client and server read the same table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// An API key in the named header.
    Header(&'static str),
    /// An API key in the named query parameter.
    Query(&'static str),
    /// An API key in the named cookie.
    Cookie(&'static str),
    /// `Authorization: Basic ..` with a user name and password.
    Basic,
    /// `Authorization: <scheme> <token>` (`Bearer` for http bearer, oauth2 and openIdConnect).
    Token(&'static str),
}

/// A user name and password (HTTP basic authentication). `Debug` hides the password.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct BasicAuth {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth").field("username", &self.username).field("password", &"***").finish()
    }
}

/// Facts about one operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Rust method name on the server trait and the client.
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template as in the spec.
    pub path: &'static str,
    /// The spec's operationId.
    pub operation_id: Option<&'static str>,
    /// First tag.
    pub tag: Option<&'static str>,
    /// Summary.
    pub summary: Option<&'static str>,
    /// Whether the generated router serves it (false for path keys no URL can match).
    pub routed: bool,
}

impl OperationInfo {
    /// A routed operation without operationId, tag or summary.
    pub const fn new(name: &'static str, method: &'static str, path: &'static str) -> Self {
        OperationInfo { name, method, path, operation_id: None, tag: None, summary: None, routed: true }
    }

    /// The same, with an operationId.
    pub const fn operation_id(mut self, id: &'static str) -> Self {
        self.operation_id = Some(id);
        self
    }

    /// The same, with a tag.
    pub const fn tag(mut self, tag: &'static str) -> Self {
        self.tag = Some(tag);
        self
    }

    /// The same, with a summary.
    pub const fn summary(mut self, summary: &'static str) -> Self {
        self.summary = Some(summary);
        self
    }

    /// The same, not served by the generated router.
    pub const fn unrouted(mut self) -> Self {
        self.routed = false;
        self
    }
}

/// The error body Rocket.Chat sends: `{"success": false, "error": "...", "errorType": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// What went wrong (for Meteor errors: the reason followed by ` [errorType]`).
    pub error: String,
    /// A stable error code such as `invalid-params`.
    #[serde(rename = "errorType", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
}

impl ErrorBody {
    /// A Meteor-style error: `error` is `"{reason} [{error_type}]"`.
    pub fn meteor(reason: &str, error_type: &str) -> Self {
        let error = if reason.is_empty() { format!("[{error_type}]") } else { format!("{reason} [{error_type}]") };
        ErrorBody { success: false, error, error_type: Some(error_type.to_owned()) }
    }
}

/// Deserializes a present field of an optional nullable property: `null` becomes `Some(None)`,
/// so an absent field (`None`) and an explicit `null` stay distinct.
pub fn deserialize_some<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Bytes carried in JSON as a base64 string (OpenAPI 3.1 `contentEncoding: base64`; RFC 4648,
/// padded).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// The base64 text of the bytes.
    pub fn encode(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }

    /// The bytes of base64 text; `None` when it is not padded base64.
    pub fn decode(text: &str) -> Option<Base64> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(text).ok().map(Base64)
    }
}

impl Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Base64::decode(&text).ok_or_else(|| serde::de::Error::custom("must be base64 text"))
    }
}

/// A scalar as parameter text (`null` as nothing).
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The pieces of a value: array items, or an object's keys and values in turn, or the value.
pub fn pieces(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().map(scalar_text).collect(),
        Value::Object(map) => map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect(),
        other => vec![scalar_text(other)],
    }
}

/// A header or cookie value as text, in its style (`simple` for headers, JSON for `content`):
/// how a client sends a header parameter and a router a response header.
pub fn param_text(v: &Value, style: Style) -> String {
    match (style, v) {
        (Style::Json, _) | (Style::Loose, Value::Array(_) | Value::Object(_)) => v.to_string(),
        _ => pieces(v).join(","),
    }
}

/// A file part of a `multipart/form-data` body (a `format: binary` string member): its bytes,
/// and the file name and content type the part was sent with, when it had them.
///
/// In JSON (examples, logs) it is `{"fileName", "contentType", "base64"}`; a plain string is
/// read as a file holding that text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FilePart {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The part's `filename`.
    pub file_name: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file part holding `bytes`, without a file name or content type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// The same part with a file name.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The same part with a content type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

/// [`FilePart`] as JSON.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilePartJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
    base64: Base64,
}

impl Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        FilePartJson { file_name: self.file_name.clone(), content_type: self.content_type.clone(), base64: Base64(self.bytes.clone()) }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            File(FilePartJson),
        }
        Ok(match Either::deserialize(deserializer)? {
            Either::Text(text) => FilePart::new(text),
            Either::File(f) => FilePart { bytes: f.base64.0, file_name: f.file_name, content_type: f.content_type },
        })
    }
}

/// A member of a `multipart/form-data` or `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// The name on the wire.
    pub name: &'static str,
    /// How each value is written.
    pub kind: PartKind,
    /// An array sent as repeated parts (or pairs), one per item.
    pub repeated: bool,
}

/// How the value of a body member is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A [`FilePart`] (multipart only).
    File,
    /// Text; scalars are coerced to the schema's type as query strings are.
    Text,
    /// JSON text (`application/json` parts, objects).
    Json,
    /// An object as `name[key]=value` pairs (`deepObject` form members).
    DeepObject,
}

impl Part {
    /// A member `name` written as `kind`, repeated when it is an array sent item by item.
    pub const fn new(name: &'static str, kind: PartKind, repeated: bool) -> Self {
        Part { name, kind, repeated }
    }
}
