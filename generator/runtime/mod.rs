//! Support code shared by the generated modules (written out verbatim by the generator).

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "server")]
pub mod validate;

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
