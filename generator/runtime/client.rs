//! Client support: URL building, parameter encoding, sending and decoding.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::Style;

/// What can go wrong when calling the API.
#[derive(Debug)]
pub enum ClientError {
    /// The request could not be sent or the response not read.
    Transport(reqwest::Error),
    /// The server answered a status the spec does not document for this operation.
    UnexpectedStatus {
        /// HTTP status.
        status: u16,
        /// The body, as text.
        body: String,
    },
    /// The body of a documented response does not match its schema.
    Decode {
        /// HTTP status.
        status: u16,
        /// The body, as text.
        body: String,
        /// Why it could not be decoded.
        message: String,
    },
    /// A parameter could not be encoded.
    Encode(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Transport(e) => write!(f, "request failed: {e}"),
            ClientError::UnexpectedStatus { status, body } => write!(f, "undocumented status {status}: {body}"),
            ClientError::Decode { status, message, .. } => write!(f, "cannot decode the {status} response: {message}"),
            ClientError::Encode(m) => write!(f, "cannot encode the request: {m}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Transport(e) => Some(e),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        ClientError::Transport(e)
    }
}

/// Appends one percent-encoded path segment.
pub fn push_segment(url: &mut String, segment: &str) {
    url.push('/');
    // `.` and `..` would be removed from the path as dot segments.
    if segment == "." || segment == ".." {
        url.push_str(&"%2E".repeat(segment.len()));
        return;
    }
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Value, ClientError> {
    serde_json::to_value(value).map_err(|e| ClientError::Encode(e.to_string()))
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The pieces of a value: array items, or an object's keys and values in turn, or the value.
fn pieces(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().map(scalar_text).collect(),
        Value::Object(map) => map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect(),
        other => vec![scalar_text(other)],
    }
}

/// A header or cookie value as text, in the parameter's style.
fn param_text<T: Serialize + ?Sized>(value: &T, style: Style) -> Result<String, ClientError> {
    let v = to_json(value)?;
    Ok(match (style, &v) {
        (Style::Json, _) | (Style::Loose, Value::Array(_) | Value::Object(_)) => v.to_string(),
        _ => pieces(&v).join(","),
    })
}

/// A path parameter's text (before percent-encoding) in its style.
fn path_text<T: Serialize + ?Sized>(name: &str, value: &T, style: Style) -> Result<String, ClientError> {
    let v = to_json(value)?;
    Ok(match style {
        Style::Json => v.to_string(),
        Style::Loose if v.is_array() || v.is_object() => v.to_string(),
        Style::Label { explode } => format!(".{}", pieces(&v).join(if explode { "." } else { "," })),
        Style::Matrix { explode: true } if v.is_array() => pieces(&v).iter().map(|p| format!(";{name}={p}")).collect(),
        Style::Matrix { .. } => format!(";{name}={}", pieces(&v).join(",")),
        _ => pieces(&v).join(","),
    })
}

/// Adds a query parameter in its style.
fn push_query<T: Serialize + ?Sized>(query: &mut Vec<(String, String)>, name: &str, value: &T, style: Style) -> Result<(), ClientError> {
    let v = to_json(value)?;
    match (style, &v) {
        (Style::Json, _) | (Style::Loose, Value::Array(_) | Value::Object(_)) => {
            query.push((name.to_owned(), v.to_string()))
        }
        (Style::DeepObject, Value::Object(map)) => {
            for (k, item) in map {
                query.push((format!("{name}[{k}]"), scalar_text(item)));
            }
        }
        (Style::Form { explode: true }, Value::Array(items)) => {
            for item in items {
                query.push((name.to_owned(), scalar_text(item)));
            }
        }
        (Style::Form { explode: true }, Value::Object(map)) => {
            for (k, item) in map {
                query.push((k.clone(), scalar_text(item)));
            }
        }
        (Style::SpaceDelimited, _) => query.push((name.to_owned(), pieces(&v).join(" "))),
        (Style::PipeDelimited, _) => query.push((name.to_owned(), pieces(&v).join("|"))),
        _ => query.push((name.to_owned(), pieces(&v).join(","))),
    }
    Ok(())
}

/// A request being put together by a generated client method: method, URL, query, headers and
/// body. Optional parameters are passed as `Option<&T>` and left out when `None`.
#[derive(Debug)]
pub struct Call {
    method: reqwest::Method,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<(&'static str, Vec<u8>)>,
}

impl Call {
    /// A call with `method` (`GET`, `POST`, ...) to `base_url` followed by `path` (a literal
    /// part of the path, already encoded).
    pub fn new(method: &str, base_url: &str, path: &str) -> Self {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        Call { method, url: format!("{base_url}{path}"), query: Vec::new(), headers: Vec::new(), body: None }
    }

    /// Appends a literal part of the path, already encoded.
    pub fn literal(&mut self, text: &str) {
        self.url.push_str(text);
    }

    /// Appends a path parameter (`simple` style) as one percent-encoded segment.
    pub fn path<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), ClientError> {
        self.path_with(name, value, Style::Simple)
    }

    /// Appends a path parameter in `style` as one percent-encoded segment (with its leading `/`).
    pub fn path_with<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style) -> Result<(), ClientError> {
        push_segment(&mut self.url, &path_text(name, value, style)?);
        Ok(())
    }

    /// Appends a path parameter written inside a literal segment (`a{id}b`), percent-encoded.
    pub fn embedded<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style) -> Result<(), ClientError> {
        let mut piece = String::new();
        push_segment(&mut piece, &path_text(name, value, style)?);
        self.url.push_str(&piece[1..]);
        Ok(())
    }

    /// Adds a query parameter (`form` style, exploded), when present.
    pub fn query<'a, T: Serialize + ?Sized + 'a>(&mut self, name: &str, value: impl Into<Option<&'a T>>) -> Result<(), ClientError> {
        self.query_with(name, value, Style::FORM)
    }

    /// Adds a query parameter in `style`, when present.
    pub fn query_with<'a, T: Serialize + ?Sized + 'a>(&mut self, name: &str, value: impl Into<Option<&'a T>>, style: Style) -> Result<(), ClientError> {
        match value.into() {
            Some(v) => push_query(&mut self.query, name, v, style),
            None => Ok(()),
        }
    }

    /// Adds a header parameter (`simple` style), when present.
    pub fn header<'a, T: Serialize + ?Sized + 'a>(&mut self, name: &'static str, value: impl Into<Option<&'a T>>) -> Result<(), ClientError> {
        self.header_with(name, value, Style::Simple)
    }

    /// Adds a header parameter in `style`, when present.
    pub fn header_with<'a, T: Serialize + ?Sized + 'a>(&mut self, name: &'static str, value: impl Into<Option<&'a T>>, style: Style) -> Result<(), ClientError> {
        if let Some(v) = value.into() {
            self.headers.push((name, param_text(v, style)?));
        }
        Ok(())
    }

    /// Adds a cookie parameter (`form` style), when present.
    pub fn cookie<'a, T: Serialize + ?Sized + 'a>(&mut self, name: &str, value: impl Into<Option<&'a T>>) -> Result<(), ClientError> {
        self.cookie_with(name, value, Style::FORM)
    }

    /// Adds a cookie parameter in `style`, when present.
    pub fn cookie_with<'a, T: Serialize + ?Sized + 'a>(&mut self, name: &str, value: impl Into<Option<&'a T>>, style: Style) -> Result<(), ClientError> {
        if let Some(v) = value.into() {
            self.headers.push(("Cookie", format!("{name}={}", param_text(v, style)?)));
        }
        Ok(())
    }

    /// Sets a JSON body, when present.
    pub fn json<'a, T: Serialize + ?Sized + 'a>(&mut self, body: impl Into<Option<&'a T>>) -> Result<(), ClientError> {
        if let Some(b) = body.into() {
            let bytes = serde_json::to_vec(b).map_err(|e| ClientError::Encode(e.to_string()))?;
            self.body = Some(("application/json", bytes));
        }
        Ok(())
    }

    /// Sets a body of another media type, when present.
    pub fn raw<'a, B: AsRef<[u8]> + ?Sized + 'a>(&mut self, content_type: &'static str, body: impl Into<Option<&'a B>>) {
        if let Some(b) = body.into() {
            self.body = Some((content_type, b.as_ref().to_vec()));
        }
    }

    /// The request, ready to be sent with `http`.
    pub fn build(self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let mut request = http.request(self.method, self.url);
        if !self.query.is_empty() {
            request = request.query(&self.query);
        }
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        if let Some((content_type, bytes)) = self.body {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type).body(bytes);
        }
        request
    }
}

/// A received response, read whole.
pub struct Received {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    /// Reads a response.
    pub async fn read(response: reqwest::Response) -> Result<Self, ClientError> {
        let status = response.status().as_u16();
        let body = response.bytes().await?.to_vec();
        Ok(Received { status, body })
    }

    /// Decodes the JSON body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        serde_json::from_slice(&self.body).map_err(|e| ClientError::Decode {
            status: self.status,
            body: String::from_utf8_lossy(&self.body).into_owned(),
            message: e.to_string(),
        })
    }

    /// The body as text.
    pub fn text(&self) -> Result<String, ClientError> {
        String::from_utf8(self.body.clone()).map_err(|e| ClientError::Decode {
            status: self.status,
            body: String::from_utf8_lossy(&self.body).into_owned(),
            message: e.to_string(),
        })
    }

    /// The body as bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, ClientError> {
        Ok(self.body.clone())
    }

    /// The error for a status the operation does not document.
    pub fn unexpected(self) -> ClientError {
        ClientError::UnexpectedStatus { status: self.status, body: String::from_utf8_lossy(&self.body).into_owned() }
    }
}
