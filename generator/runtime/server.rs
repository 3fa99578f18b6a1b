//! Server support: request extraction with Rocket.Chat-style validation errors, and responses.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, RawPathParams, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::validate::{self, Options, Schema, Type};
use super::{BasicAuth, ErrorBody, Scheme, Style};

/// Settings of a generated router.
#[derive(Debug, Clone)]
pub struct RouterConfig {
    /// Largest request body accepted, in bytes; larger ones get 413 (default 2 MiB).
    pub body_limit: usize,
    /// Coerce scalar types the way Rocket.Chat's validator does (`"true"` → `true`; default on).
    pub coerce_types: bool,
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig { body_limit: 2 * 1024 * 1024, coerce_types: true }
    }
}

/// Router state: the implementation and the settings.
pub struct Shared<A> {
    /// The user's implementation of the API trait.
    pub api: A,
    /// Settings.
    pub config: RouterConfig,
}

/// A request as a generated handler receives it: the router's state and the request's parts.
pub struct Incoming<A> {
    /// The router's state.
    pub shared: Arc<Shared<A>>,
    /// What the handler reads from the request.
    pub req: RequestParts,
}

impl<A: Send + Sync + 'static> FromRequest<Arc<Shared<A>>> for Incoming<A> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<Shared<A>>) -> Result<Self, ApiError> {
        let parts = <RequestParts as FromRequest<Arc<Shared<A>>>>::from_request(req, state).await?;
        Ok(Incoming { shared: Arc::clone(state), req: parts })
    }
}

/// An error answer: a status and a JSON body. Handlers return it for responses the spec does
/// not document (the explicit escape hatch); the router returns it for bad requests.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body.
    pub body: Value,
}

impl ApiError {
    /// Any status with any JSON body.
    pub fn with_body(status: StatusCode, body: Value) -> Self {
        ApiError { status, body }
    }

    /// A Rocket.Chat-shaped error: `{"success": false, "error": "{reason} [{error_type}]", "errorType": ...}`.
    pub fn meteor(status: StatusCode, reason: &str, error_type: &str) -> Self {
        let body = serde_json::to_value(ErrorBody::meteor(reason, error_type)).unwrap_or(Value::Null);
        ApiError { status, body }
    }

    /// Rocket.Chat's plain failure: `{"success": false, "error": "{error}"}` (as for
    /// `invalid-token`).
    pub fn failure(status: StatusCode, error: &str) -> Self {
        ApiError { status, body: serde_json::json!({ "success": false, "error": error }) }
    }

    /// 400 `invalid-params`, as Rocket.Chat reports a request that fails validation.
    pub fn invalid_params(message: &str) -> Self {
        Self::meteor(StatusCode::BAD_REQUEST, message, "invalid-params")
    }

    /// 501 for an operation the implementation does not provide.
    pub fn not_implemented(operation: &str) -> Self {
        Self::meteor(StatusCode::NOT_IMPLEMENTED, &format!("{operation} is not implemented"), "not-implemented")
    }

    /// 401 with a documented body (JSON text).
    pub fn unauthorized(body: &str) -> Self {
        let body = serde_json::from_str(body).unwrap_or(Value::Null);
        ApiError { status: StatusCode::UNAUTHORIZED, body }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json(self.status.as_u16(), &self.body)
    }
}

/// Awaits a handler's whole job (credentials, request parsing, the call) and turns its
/// outcome, a documented response or an [`ApiError`], into a response.
pub async fn respond<O: IntoResponse>(outcome: impl std::future::Future<Output = Result<O, ApiError>>) -> Response {
    match outcome.await {
        Ok(output) => output.into_response(),
        Err(error) => error.into_response(),
    }
}

/// A JSON response.
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => ApiError::meteor(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), "serialization-failed").into_response(),
    }
}

/// A response with a raw body of the given content type.
pub fn raw(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A response without a body.
pub fn empty(status: u16) -> Response {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

/// Answer for unknown routes: 404 with a JSON body.
pub async fn not_found() -> Response {
    ApiError::meteor(StatusCode::NOT_FOUND, "API endpoint not found", "not-found").into_response()
}

/// Answer for a known route called with another method: 405 with a JSON body.
pub async fn method_not_allowed() -> Response {
    ApiError::meteor(StatusCode::METHOD_NOT_ALLOWED, "method not allowed on this endpoint", "method-not-allowed").into_response()
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// In the path, at this index among the template's parameters.
    Path(usize),
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// A request parameter as the spec declares it: name, place, style and rules.
#[derive(Debug)]
pub struct Param {
    /// Name on the wire.
    pub name: &'static str,
    /// Where it is sent.
    pub location: In,
    /// Whether the request must carry it.
    pub required: bool,
    /// How its value is written.
    pub style: Style,
    /// The rules its value must follow.
    pub schema: &'static Schema,
}

/// An optional query parameter (`form`, exploded).
pub const fn query(name: &'static str, schema: &'static Schema) -> Param {
    Param { name, location: In::Query, required: false, style: Style::FORM, schema }
}

/// A path parameter (always required), at `index` among the template's parameters.
pub const fn path(index: usize, name: &'static str, schema: &'static Schema) -> Param {
    Param { name, location: In::Path(index), required: true, style: Style::Simple, schema }
}

/// An optional header parameter (`simple`).
pub const fn header(name: &'static str, schema: &'static Schema) -> Param {
    Param { name, location: In::Header, required: false, style: Style::Simple, schema }
}

/// An optional cookie parameter (`form`, exploded).
pub const fn cookie(name: &'static str, schema: &'static Schema) -> Param {
    Param { name, location: In::Cookie, required: false, style: Style::FORM, schema }
}

#[allow(dead_code)]
impl Param {
    /// The same parameter, required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The same parameter in another style.
    pub const fn style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

/// A credential as a request carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key or a token.
    Text(String),
    /// A user name and password.
    Basic(BasicAuth),
}

impl Credential {
    /// The key or token.
    pub fn text(self) -> Option<String> {
        match self {
            Credential::Text(t) => Some(t),
            Credential::Basic(_) => None,
        }
    }

    /// The user name and password.
    pub fn basic(self) -> Option<BasicAuth> {
        match self {
            Credential::Basic(b) => Some(b),
            Credential::Text(_) => None,
        }
    }
}

/// Everything a generated handler reads from a request.
pub struct RequestParts {
    path: Vec<String>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    options: Options,
}

impl<A: Send + Sync + 'static> FromRequest<Arc<Shared<A>>> for RequestParts {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<Shared<A>>) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        // A declared length over the limit is refused before any of the body is read: a client
        // announcing a gigabyte and sending a little must not hold the connection open.
        let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > state.config.body_limit as u64) {
            return Err(ApiError::meteor(StatusCode::PAYLOAD_TOO_LARGE, "request body is too large", "payload-too-large"));
        }
        let path = <RawPathParams as axum::extract::FromRequestParts<Arc<Shared<A>>>>::from_request_parts(&mut parts, state)
            .await
            .map_err(|e| ApiError::meteor(StatusCode::BAD_REQUEST, &e.body_text(), "invalid-path"))?
            .iter()
            .map(|(_, v)| v.to_owned())
            .collect();
        let query = match parts.uri.query() {
            Some(q) => serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .map_err(|e| ApiError::meteor(StatusCode::BAD_REQUEST, &format!("malformed query string: {e}"), "invalid-query"))?,
            None => Vec::new(),
        };
        // Reading the body needs only the request's extensions (the body limit): the headers
        // move out instead of being copied.
        let headers = std::mem::take(&mut parts.headers);
        let req = Request::from_parts(parts, body);
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::meteor(status, "request body is too large", "payload-too-large")
            } else {
                ApiError::meteor(status, &e.body_text(), "invalid-body")
            }
        })?;
        Ok(RequestParts { path, query, headers, body, options: Options { coerce_types: state.config.coerce_types } })
    }
}

fn decode<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::invalid_params(&e.to_string()))
}

/// True when `schema` (directly or through `allOf`) describes an object.
fn is_object_schema(schema: &Schema, depth: usize) -> bool {
    depth < 16 && (schema.types.contains(&Type::Object) || schema.all_of.iter().any(|s| is_object_schema(s, depth + 1)))
}

/// The JSON shape a parameter's schema asks for (looking through `allOf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Array,
    Object,
    Scalar,
}

fn shape(schema: &Schema) -> Shape {
    let mut s = schema;
    for _ in 0..16 {
        if s.types.contains(&Type::Array) && !s.types.contains(&Type::String) {
            return Shape::Array;
        }
        if s.types.contains(&Type::Object) {
            return Shape::Object;
        }
        match s.all_of.first() {
            Some(next) if s.types.is_empty() => s = next,
            _ => break,
        }
    }
    Shape::Scalar
}

/// Whether a direct decode into a struct reads `body` exactly as the generic path (parse into a
/// JSON value, validate with coercion, decode) does, whenever it succeeds. A direct decode
/// skips the members it does not know without checking them as a parse would, and reads `null`
/// as an absent optional member where Rocket.Chat's validator coerces it; so the body must be
/// ASCII (no invalid UTF-8 to skip), hold no escape (no lone surrogate), no `null`, no number
/// with an exponent or 300 digits (none out of range), and nest at most 100 deep. One pass;
/// conservative: a brace inside a string counts too.
fn plainly_decodable(body: &[u8]) -> bool {
    let (mut depth, mut digits, mut previous) = (0usize, 0usize, 0u8);
    for &b in body {
        match b {
            0x80.. | b'\\' => return false,
            b'{' | b'[' => {
                depth += 1;
                if depth > 100 {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'e' | b'E' if previous.is_ascii_digit() || previous == b'.' => return false,
            _ => {}
        }
        digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
        if digits >= 300 {
            return false;
        }
        previous = b;
    }
    !body.windows(4).any(|w| w == b"null")
}

/// The declared properties of an object schema (looking through `allOf`).
fn object_properties(schema: &Schema) -> Vec<(&'static str, &'static Schema)> {
    fn collect(schema: &Schema, depth: usize, out: &mut Vec<(&'static str, &'static Schema)>) {
        if depth < 16 {
            out.extend_from_slice(schema.properties);
            for s in schema.all_of {
                collect(s, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    collect(schema, 0, &mut out);
    out
}

impl RequestParts {
    /// A parameter, parsed by its style and validated; `None` when an optional one is absent.
    pub fn param<T: DeserializeOwned>(&self, p: &Param) -> Result<Option<T>, ApiError> {
        match p.location {
            In::Path(index) => self.path(index, p.name, p.schema, p.style).map(Some),
            In::Query => self.query(p.name, p.schema, p.required, p.style),
            In::Header => self.header(p.name, p.schema, p.required, p.style),
            In::Cookie => self.cookie(p.name, p.schema, p.required, p.style),
        }
    }

    /// A required parameter, parsed by its style and validated.
    pub fn required<T: DeserializeOwned>(&self, p: &Param) -> Result<T, ApiError> {
        self.param(p)?.ok_or_else(|| ApiError::invalid_params(&format!("must have required property '{}'", p.name)))
    }

    /// The path parameter at `index` (in template order), parsed and validated.
    fn path<T: DeserializeOwned>(&self, index: usize, name: &str, schema: &Schema, style: Style) -> Result<T, ApiError> {
        let raw = self.path.get(index).map(String::as_str).unwrap_or("");
        let raw = match style {
            Style::Label { .. } => raw.strip_prefix('.').unwrap_or(raw),
            Style::Matrix { .. } => raw.strip_prefix(&format!(";{name}=")).unwrap_or(raw),
            _ => raw,
        };
        let (delimiter, repeated) = match style {
            Style::Label { explode: true } => (".".to_owned(), true),
            Style::Matrix { explode: true } => (format!(";{name}="), true),
            _ => (",".to_owned(), false),
        };
        let values: Vec<&str> = if repeated && shape(schema) == Shape::Array { raw.split(delimiter.as_str()).collect() } else { vec![raw] };
        let style = if repeated { Style::Form { explode: true } } else { Style::Simple };
        decode(self.param_value(name, values, schema, style)?)
    }

    /// A query parameter, parsed by its style and validated.
    fn query<T: DeserializeOwned>(&self, name: &str, schema: &Schema, required: bool, style: Style) -> Result<Option<T>, ApiError> {
        let value = match (style, shape(schema)) {
            (Style::DeepObject, _) => {
                let prefix = format!("{name}[");
                let mut object = serde_json::Map::new();
                for (k, v) in &self.query {
                    if let Some(key) = k.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(']')) {
                        object.insert(key.to_owned(), Value::String(v.clone()));
                    }
                }
                (!object.is_empty()).then_some(Value::Object(object))
            }
            (Style::Form { explode: true }, Shape::Object) => {
                let mut object = serde_json::Map::new();
                for (key, _) in object_properties(schema) {
                    if let Some((_, v)) = self.query.iter().find(|(k, _)| k == key) {
                        object.insert((*key).to_owned(), Value::String(v.clone()));
                    }
                }
                (!object.is_empty()).then_some(Value::Object(object))
            }
            _ => {
                let bracketed = format!("{name}[]");
                let values: Vec<&str> = self.query.iter().filter(|(k, _)| k == name || *k == bracketed).map(|(_, v)| v.as_str()).collect();
                if values.is_empty() {
                    None
                } else {
                    Some(self.param_value(name, values, schema, style)?)
                }
            }
        };
        self.finish(name, value, schema, required)
    }

    /// A header parameter, parsed and validated.
    fn header<T: DeserializeOwned>(&self, name: &str, schema: &Schema, required: bool, style: Style) -> Result<Option<T>, ApiError> {
        let mut values = Vec::new();
        for v in self.headers.get_all(name) {
            match v.to_str() {
                Ok(s) => values.push(s),
                Err(_) => return Err(ApiError::invalid_params(&format!("header '{name}' is not visible ASCII"))),
            }
        }
        let value = if values.is_empty() { None } else { Some(self.param_value(name, vec![values[0]], schema, style)?) };
        self.finish(name, value, schema, required)
    }

    /// A cookie parameter, parsed and validated.
    fn cookie<T: DeserializeOwned>(&self, name: &str, schema: &Schema, required: bool, style: Style) -> Result<Option<T>, ApiError> {
        let found = self.cookie_text(name);
        let value = match &found {
            Some(v) => Some(self.param_value(name, vec![v.as_str()], schema, style)?),
            None => None,
        };
        self.finish(name, value, schema, required)
    }

    /// Builds the JSON value of a parameter from its text (parameters are always text, so
    /// scalars are coerced to the schema's type whatever the router's setting).
    fn param_value(&self, name: &str, values: Vec<&str>, schema: &Schema, style: Style) -> Result<Value, ApiError> {
        let first = values.first().copied().unwrap_or("");
        let delimiter = match style {
            Style::SpaceDelimited => ' ',
            Style::PipeDelimited => '|',
            _ => ',',
        };
        let value = match (style, shape(schema)) {
            (Style::Json, _) => serde_json::from_str(first).map_err(|_| ApiError::invalid_params(&format!("'{name}' must be JSON")))?,
            (Style::Loose, _) => match serde_json::from_str::<Value>(first) {
                Ok(v @ (Value::Array(_) | Value::Object(_))) => v,
                _ => Value::String(first.to_owned()),
            },
            (Style::Form { explode: true }, Shape::Array) => Value::Array(values.iter().map(|v| Value::String((*v).to_owned())).collect()),
            (_, Shape::Array) if first.is_empty() => Value::Array(Vec::new()),
            (_, Shape::Array) => Value::Array(first.split(delimiter).map(|v| Value::String(v.to_owned())).collect()),
            (_, Shape::Object) => {
                let parts: Vec<&str> = first.split(delimiter).collect();
                Value::Object(parts.chunks(2).filter_map(|kv| match kv {
                    [k, v] => Some(((*k).to_owned(), Value::String((*v).to_owned()))),
                    _ => None,
                }).collect())
            }
            _ => Value::String(first.to_owned()),
        };
        let mut value = value;
        validate::validate(schema, &mut value, Options { coerce_types: true }).map_err(|e| ApiError::invalid_params(&e.message))?;
        Ok(value)
    }

    fn finish<T: DeserializeOwned>(&self, name: &str, value: Option<Value>, _schema: &Schema, required: bool) -> Result<Option<T>, ApiError> {
        match value {
            Some(v) => decode(v).map(Some),
            None if required => Err(ApiError::invalid_params(&format!("must have required property '{name}'"))),
            None => Ok(None),
        }
    }

    /// The credential of each of `schemes` the request carries (none when empty), in order.
    pub fn credentials(&self, schemes: &[Scheme]) -> Vec<Option<Credential>> {
        schemes.iter().map(|s| self.credential(*s)).collect()
    }

    fn credential(&self, scheme: Scheme) -> Option<Credential> {
        let text = |v: Option<String>| v.filter(|v| !v.is_empty()).map(Credential::Text);
        let header = |name: &str| self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        // `Authorization: <scheme> <credentials>`, the scheme compared case-insensitively.
        let authorization = |wanted: &str| {
            let value = header("authorization")?;
            let (word, rest) = value.trim().split_once(' ')?;
            word.eq_ignore_ascii_case(wanted).then(|| rest.trim().to_owned())
        };
        match scheme {
            Scheme::Header(name) => text(header(name)),
            Scheme::Query(name) => text(self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())),
            Scheme::Cookie(name) => text(self.cookie_text(name)),
            Scheme::Token(wanted) => text(authorization(wanted)),
            Scheme::Basic => {
                use base64::Engine;
                let decoded = base64::engine::general_purpose::STANDARD.decode(authorization("Basic")?).ok()?;
                let decoded = String::from_utf8(decoded).ok()?;
                let (username, password) = decoded.split_once(':')?;
                Some(Credential::Basic(BasicAuth { username: username.to_owned(), password: password.to_owned() }))
            }
        }
    }

    /// The first value of cookie `name`.
    fn cookie_text(&self, name: &str) -> Option<String> {
        for header in self.headers.get_all(header::COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            for pair in text.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    if k == name {
                        return Some(v.to_owned());
                    }
                }
            }
        }
        None
    }

    /// The JSON body, validated against `schema` and decoded. An empty body counts as `{}`,
    /// as in Rocket.Chat, so a missing body reports the first missing required property.
    pub fn json_body<T: DeserializeOwned>(&self, schema: &Schema, required: bool) -> Result<Option<T>, ApiError> {
        match self.json_value(schema, required)? {
            Some(value) => self.validated(schema, value).map(Some),
            None => Ok(None),
        }
    }

    /// The JSON body, for a type that enforces every rule of `schema` (the generator decides).
    /// A body the direct decode reads exactly as the generic path does (see
    /// [`plainly_decodable`]) and that decodes into `T` is valid as it is: it skips the generic
    /// parse and validation. Any other body takes [`RequestParts::json_body`]'s path, which
    /// answers exactly as Rocket.Chat would.
    pub fn typed_json_body<T: DeserializeOwned>(&self, schema: &Schema, required: bool) -> Result<Option<T>, ApiError> {
        if self.non_json_content_type().is_none() && plainly_decodable(&self.body) {
            if let Ok(typed) = serde_json::from_slice::<T>(&self.body) {
                return Ok(Some(typed));
            }
        }
        self.json_body(schema, required)
    }

    /// The essence of the request's content type when it has one that is not JSON
    /// (`application/json` or `*+json`).
    fn non_json_content_type(&self) -> Option<String> {
        let ct = self.headers.get(header::CONTENT_TYPE)?;
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or("").trim();
        (!(essence == "application/json" || essence.ends_with("+json"))).then(|| essence.to_owned())
    }

    /// The body parsed as JSON (`{}` when empty), or `None` for an absent optional body.
    fn json_value(&self, schema: &Schema, required: bool) -> Result<Option<Value>, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            if !required && !is_object_schema(schema, 0) {
                return Ok(None);
            }
            return Ok(Some(Value::Object(Default::default())));
        }
        if let Some(essence) = self.non_json_content_type() {
            return Err(ApiError::meteor(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!("content type `{essence}` is not supported; send application/json"),
                "unsupported-media-type",
            ));
        }
        serde_json::from_slice(&self.body)
            .map(Some)
            .map_err(|e| ApiError::meteor(StatusCode::BAD_REQUEST, &format!("malformed JSON body: {e}"), "invalid-json"))
    }

    /// `value` validated against `schema` (coercing as configured) and decoded.
    fn validated<T: DeserializeOwned>(&self, schema: &Schema, mut value: Value) -> Result<T, ApiError> {
        validate::validate(schema, &mut value, self.options).map_err(|e| ApiError::invalid_params(&e.message))?;
        decode(value)
    }

    /// The body as text.
    pub fn text_body(&self, required: bool) -> Result<Option<String>, ApiError> {
        if self.body.is_empty() && !required {
            return Ok(None);
        }
        String::from_utf8(self.body.to_vec())
            .map(Some)
            .map_err(|_| ApiError::meteor(StatusCode::BAD_REQUEST, "body is not UTF-8 text", "invalid-body"))
    }

    /// The body as bytes.
    pub fn bytes_body(&self, required: bool) -> Result<Option<Vec<u8>>, ApiError> {
        if self.body.is_empty() && !required {
            return Ok(None);
        }
        Ok(Some(self.body.to_vec()))
    }
}
