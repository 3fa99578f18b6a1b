//! Server support: request extraction and validation, the errors a router answers with and how
//! its profile (or the application's hook) renders them, and the request context.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawPathParams, Request, State};
use axum::http::{header, request, Extensions, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::validate::{self, Options, Schema, Type};
use super::{BasicAuth, ByteStream, ErrorBody, Event, EventStream, FilePart, Part, PartKind, Scheme, StreamError, Style};

/// The conventions a generated router follows, chosen when the crate is generated
/// ([`crate::server::PROFILE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Rocket.Chat's: a request without a body is validated as `{}`, JSON bodies are coerced
    /// as Ajv's `coerceTypes` does, errors are `{"success": false, "error": "... [code]",
    /// "errorType": "code"}` and 401 answers carry the documented body.
    RocketChat,
    /// The description read literally: an optional body may be absent, JSON bodies are not
    /// coerced (parameters are, by their style), and errors are the operation's documented
    /// 400/401/422 body when the generator can fill it, RFC 9457 `application/problem+json`
    /// otherwise.
    OpenApi,
}

/// Renders the errors of a router its own way (see [`RouterConfig::with_error_hook`]).
pub type ErrorHook = Arc<dyn Fn(&RouterError) -> Response + Send + Sync>;

/// Settings of a generated router.
#[derive(Clone)]
pub struct RouterConfig {
    /// Largest request body accepted, in bytes; larger ones get 413 (default 2 MiB).
    pub body_limit: usize,
    /// Coerce scalar types in JSON bodies the way Rocket.Chat's validator does (`"true"` →
    /// `true`); on by default in the Rocket.Chat profile, off in the OpenAPI one. Parameters,
    /// which are always text, are converted by their style whatever this says.
    pub coerce_types: bool,
    /// Renders every [`RouterError`] instead of the profile; `None` (the default) leaves it to
    /// the profile.
    pub error_hook: Option<ErrorHook>,
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            body_limit: 2 * 1024 * 1024,
            coerce_types: crate::server::PROFILE == Profile::RocketChat,
            error_hook: None,
        }
    }
}

impl std::fmt::Debug for RouterConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterConfig")
            .field("body_limit", &self.body_limit)
            .field("coerce_types", &self.coerce_types)
            .field("error_hook", &self.error_hook.as_ref().map(|_| "Fn(&RouterError) -> Response"))
            .finish()
    }
}

impl RouterConfig {
    /// The same settings with `hook` rendering every [`RouterError`] (a request that breaks the
    /// description, missing credentials, an unknown route, an operation not implemented), as
    /// oapi-codegen's strict server lets a `RequestErrorHandlerFunc` do.
    /// [`RouterError::profile_response`] is the answer the profile would give.
    pub fn with_error_hook(mut self, hook: impl Fn(&RouterError) -> Response + Send + Sync + 'static) -> Self {
        self.error_hook = Some(Arc::new(hook));
        self
    }
}

/// Where a [`RouterError`] was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorSource {
    /// The request as a whole: its route, size, content type, credentials or encoding.
    Request,
    /// The parameter of this name.
    Parameter(&'static str),
    /// The JSON body, at this JSON pointer (`""` for the body itself).
    Body(String),
}

/// An error the router answers with: a request that breaks the description, missing
/// credentials, an unknown route or method, an operation not implemented. Its message is this
/// crate's own wording (JSON-schema terms for validation, as Ajv words them), never a
/// library's. Rendered by the profile, or by [`RouterConfig::error_hook`].
#[derive(Debug, Clone, PartialEq)]
pub struct RouterError {
    /// HTTP status.
    pub status: StatusCode,
    /// A stable kebab-case code: `invalid-params`, `invalid-json`, `unsupported-media-type`,
    /// `payload-too-large`, `invalid-path`, `unauthorized`, `not-found`, `method-not-allowed`,
    /// `not-implemented`, `serialization-failed`.
    pub code: &'static str,
    /// What is wrong, for people (`must have required property 'token'`).
    pub message: String,
    /// Where it was found.
    pub source: ErrorSource,
    /// The operation whose request it is, once routed.
    pub operation: Option<&'static Operation>,
}

impl RouterError {
    /// An error with its status, code and message, found in the request as a whole.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        RouterError { status, code, message: message.into(), source: ErrorSource::Request, operation: None }
    }

    /// 400 `invalid-params`: a request that breaks the description.
    pub fn invalid_params(message: impl Into<String>, source: ErrorSource) -> Self {
        RouterError { source, ..Self::new(StatusCode::BAD_REQUEST, "invalid-params", message) }
    }

    /// 401 `unauthorized`: credentials missing.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "You must be logged in to do this.")
    }

    /// The answer of the crate's profile ([`Profile`]) to this error.
    pub fn profile_response(&self) -> Response {
        let (content_type, body) = self.profile_body();
        match serde_json::to_vec(&body) {
            Ok(bytes) => raw(self.status.as_u16(), content_type, bytes),
            Err(_) => empty(self.status.as_u16()),
        }
    }

    fn documented(&self) -> Option<&'static ErrorTemplate> {
        let status = self.status.as_u16();
        self.operation?.documented.iter().find(|(s, _)| *s == status).map(|(_, t)| t)
    }

    /// The profile's answer as content type and JSON body.
    fn profile_body(&self) -> (&'static str, Value) {
        let documented = self.documented();
        if let Some(ErrorTemplate::Fixed(text)) = documented {
            return ("application/json", serde_json::from_str(text).unwrap_or(Value::Null));
        }
        if crate::server::PROFILE == Profile::RocketChat {
            let body = ErrorBody::meteor(&self.message, self.code);
            return ("application/json", serde_json::to_value(body).unwrap_or(Value::Null));
        }
        let title = self.status.canonical_reason().unwrap_or("Error");
        if let Some(ErrorTemplate::Fields(fields)) = documented {
            let object = fields.iter().map(|(name, fill)| {
                let value = match fill {
                    Fill::Message => Value::from(self.message.as_str()),
                    Fill::Code => Value::from(self.code),
                    Fill::Status => Value::from(self.status.as_u16()),
                    Fill::Title => Value::from(title),
                    Fill::Text(text) => Value::from(*text),
                    Fill::Bool(b) => Value::from(*b),
                };
                ((*name).to_owned(), value)
            });
            return ("application/json", Value::Object(object.collect()));
        }
        let mut problem = serde_json::Map::new();
        problem.insert("type".into(), Value::from("about:blank"));
        problem.insert("title".into(), Value::from(title));
        problem.insert("status".into(), Value::from(self.status.as_u16()));
        problem.insert("detail".into(), Value::from(self.message.as_str()));
        problem.insert("code".into(), Value::from(self.code));
        match &self.source {
            ErrorSource::Request => {}
            ErrorSource::Parameter(name) => {
                problem.insert("parameter".into(), Value::from(*name));
            }
            ErrorSource::Body(pointer) => {
                problem.insert("pointer".into(), Value::from(pointer.as_str()));
            }
        }
        ("application/problem+json", Value::Object(problem))
    }
}

impl std::fmt::Display for RouterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for RouterError {}

/// An operation as its handler describes it to the router: what the description says of it,
/// and the error bodies it documents that the router fills.
#[derive(Debug, PartialEq, Eq)]
pub struct Operation {
    /// Name, method, path, `operationId`, tag and summary.
    pub info: &'static super::OperationInfo,
    /// Documented error bodies by status.
    pub documented: &'static [(u16, ErrorTemplate)],
}

/// A documented error body.
#[derive(Debug, PartialEq, Eq)]
pub enum ErrorTemplate {
    /// A fixed JSON text (the Rocket.Chat profile's documented 401 body).
    Fixed(&'static str),
    /// An object whose members are filled from the error.
    Fields(&'static [(&'static str, Fill)]),
}

/// How a member of a documented error body is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// [`RouterError::message`].
    Message,
    /// [`RouterError::code`].
    Code,
    /// The HTTP status as a number.
    Status,
    /// The status's reason phrase (`Bad Request`).
    Title,
    /// This text (the only value the description allows).
    Text(&'static str),
    /// This boolean (`"success": false`).
    Bool(bool),
}

/// What a handler or a default method answers with when it does not return a documented
/// response.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Any status with any JSON body: the explicit escape hatch for responses the description
    /// does not document.
    Body {
        /// HTTP status.
        status: StatusCode,
        /// JSON body.
        body: Value,
    },
    /// An error of the router's kind, rendered by the profile or the error hook.
    Router(RouterError),
}

impl From<RouterError> for ApiError {
    fn from(error: RouterError) -> Self {
        ApiError::Router(error)
    }
}

/// A streamed request body that could not be read: 413 past the router's body limit, else
/// 400 (so a handler can `?` its body stream's errors).
impl From<StreamError> for ApiError {
    fn from(error: StreamError) -> Self {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error.get_ref());
        while let Some(e) = cause {
            if e.is::<http_body_util::LengthLimitError>() {
                return RouterError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "request body is too large").into();
            }
            cause = e.source();
        }
        RouterError::new(StatusCode::BAD_REQUEST, "invalid-body", "the request body could not be read").into()
    }
}

impl ApiError {
    /// Any status with any JSON body.
    pub fn with_body(status: StatusCode, body: Value) -> Self {
        ApiError::Body { status, body }
    }

    /// A Rocket.Chat-shaped error: `{"success": false, "error": "{reason} [{error_type}]", "errorType": ...}`.
    pub fn meteor(status: StatusCode, reason: &str, error_type: &str) -> Self {
        let body = serde_json::to_value(ErrorBody::meteor(reason, error_type)).unwrap_or(Value::Null);
        ApiError::Body { status, body }
    }

    /// Rocket.Chat's plain failure: `{"success": false, "error": "{error}"}` (as for
    /// `invalid-token`).
    pub fn failure(status: StatusCode, error: &str) -> Self {
        ApiError::Body { status, body: serde_json::json!({ "success": false, "error": error }) }
    }

    /// 400 `invalid-params`, rendered as the router renders a request that fails validation.
    pub fn invalid_params(message: &str) -> Self {
        RouterError::invalid_params(message, ErrorSource::Request).into()
    }

    /// 501 for an operation the implementation does not provide.
    pub fn not_implemented(operation: &str) -> Self {
        RouterError::new(StatusCode::NOT_IMPLEMENTED, "not-implemented", format!("{operation} is not implemented")).into()
    }

    /// 401 with a given body (JSON text; `null` if it is not JSON).
    pub fn unauthorized(body: &str) -> Self {
        let body = serde_json::from_str(body).unwrap_or(Value::Null);
        ApiError::Body { status: StatusCode::UNAUTHORIZED, body }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Body { status, .. } => *status,
            ApiError::Router(e) => e.status,
        }
    }

    /// The JSON body answered when no error hook renders it: the body as it is, or the
    /// profile's rendering of the router's error.
    pub fn body(&self) -> Value {
        match self {
            ApiError::Body { body, .. } => body.clone(),
            ApiError::Router(e) => e.profile_body().1,
        }
    }
}

impl IntoResponse for ApiError {
    /// The answer without a router's settings: the body as it is, or the profile's rendering.
    fn into_response(self) -> Response {
        match self {
            ApiError::Body { status, body } => json(status.as_u16(), &body),
            ApiError::Router(error) => error.profile_response(),
        }
    }
}

/// The request as middleware left it, for an implementation made per request
/// (`router_per_request`): method, URI, headers, extensions (an authenticated user, a request
/// id) and the peer address.
#[derive(Debug)]
pub struct RequestContext {
    head: request::Parts,
}

impl RequestContext {
    /// The request's method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The request's URI.
    pub fn uri(&self) -> &Uri {
        &self.head.uri
    }

    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The request's extensions: what tower layers and middleware put there.
    pub fn extensions(&self) -> &Extensions {
        &self.head.extensions
    }

    /// The peer's address, when the router is served with
    /// `into_make_service_with_connect_info::<SocketAddr>()`.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.head.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| *addr)
    }
}

/// Where a router's implementation comes from.
enum Implementation<A> {
    /// One value serves every request.
    Shared(Arc<A>),
    /// A value made for each request from its context.
    PerRequest(Box<dyn Fn(&RequestContext) -> A + Send + Sync>),
}

/// Router state: the implementation and the settings.
pub struct Shared<A> {
    api: Implementation<A>,
    config: RouterConfig,
}

impl<A> Shared<A> {
    /// One implementation serving every request.
    pub fn new(api: A, config: RouterConfig) -> Self {
        Shared { api: Implementation::Shared(Arc::new(api)), config }
    }

    /// An implementation made for each request by `make`.
    pub fn per_request(make: impl Fn(&RequestContext) -> A + Send + Sync + 'static, config: RouterConfig) -> Self {
        Shared { api: Implementation::PerRequest(Box::new(make)), config }
    }

    /// The router's settings.
    pub fn config(&self) -> &RouterConfig {
        &self.config
    }

    /// `error`, of `operation` when routed to one, rendered by the hook or the profile.
    fn render(&self, operation: Option<&'static Operation>, mut error: RouterError) -> Response {
        error.operation = operation.or(error.operation);
        match &self.config.error_hook {
            Some(hook) => hook(&error),
            None => error.profile_response(),
        }
    }
}

/// The implementation serving one request.
enum Serving<A> {
    /// The router's one implementation.
    Shared(Arc<A>),
    /// One made for this request.
    Owned(A),
}

/// A request as a generated handler receives it: the router's state, the implementation that
/// serves it, and the request's parts (or why they could not be read). With `STREAMED` (an
/// operation whose body is a stream), the body is left unread for the handler
/// ([`RequestParts::stream_body`]); the path, query and credentials are read before it runs.
pub struct Incoming<A, const STREAMED: bool = false> {
    shared: Arc<Shared<A>>,
    api: Serving<A>,
    req: RequestParts,
    rejected: Option<RouterError>,
}

impl<A: Send + Sync + 'static, const STREAMED: bool> FromRequest<Arc<Shared<A>>> for Incoming<A, STREAMED> {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &Arc<Shared<A>>) -> Result<Self, Self::Rejection> {
        let (mut head, body) = req.into_parts();
        let read = RequestParts::read(&mut head, body, state, STREAMED).await;
        let context = RequestContext { head };
        let api = match &state.api {
            Implementation::Shared(api) => Serving::Shared(Arc::clone(api)),
            Implementation::PerRequest(make) => Serving::Owned(make(&context)),
        };
        let options = Options { coerce_types: state.config.coerce_types };
        let (req, rejected) = match read {
            Ok((path, query, body, unread)) => (RequestParts { context, path, query, body, unread: std::sync::Mutex::new(unread), options }, None),
            Err(e) => (RequestParts { context, path: Vec::new(), query: Vec::new(), body: Bytes::new(), unread: std::sync::Mutex::new(None), options }, Some(e)),
        };
        Ok(Incoming { shared: Arc::clone(state), api, req, rejected })
    }
}

impl<A, const STREAMED: bool> Incoming<A, STREAMED> {
    /// The implementation serving this request.
    pub fn api(&self) -> &A {
        match &self.api {
            Serving::Shared(api) => api,
            Serving::Owned(api) => api,
        }
    }

    /// What the handler reads from the request.
    pub fn parts(&self) -> &RequestParts {
        &self.req
    }

    /// Awaits a handler's whole job (credentials, request parsing, the call) unless the
    /// request could not be read, and turns its outcome, a documented response or an
    /// [`ApiError`], into a response.
    pub async fn respond<O: IntoResponse>(
        &self,
        operation: &'static Operation,
        outcome: impl Future<Output = Result<O, ApiError>>,
    ) -> Response {
        let result = match &self.rejected {
            Some(error) => Err(ApiError::Router(error.clone())),
            None => outcome.await,
        };
        match result {
            Ok(output) => output.into_response(),
            Err(ApiError::Body { status, body }) => json(status.as_u16(), &body),
            Err(ApiError::Router(error)) => self.shared.render(Some(operation), error),
        }
    }
}

/// A JSON response.
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => raw(status, "application/json", bytes),
        Err(_) => RouterError::new(StatusCode::INTERNAL_SERVER_ERROR, "serialization-failed", "the response could not be serialized").profile_response(),
    }
}

/// A response with a raw body of the given content type.
pub fn raw(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A response whose body is streamed from `body` as it comes (or sent at once when it is in
/// memory).
pub fn stream(status: u16, content_type: &'static str, body: ByteStream) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match body.as_bytes() {
        Some(bytes) => Body::from(bytes.clone()),
        None => Body::from_stream(body),
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A `text/event-stream` response of events whose data is JSON.
pub fn json_events<T: Serialize + Send + 'static>(status: u16, events: EventStream<T>) -> Response {
    event_response(status, events, |data| serde_json::to_string(data).map_err(StreamError::new))
}

/// A `text/event-stream` response of events whose data is text.
pub fn text_events(status: u16, events: EventStream<String>) -> Response {
    event_response(status, events, |data| Ok(data.clone()))
}

fn event_response<T: Send + 'static>(status: u16, events: EventStream<T>, data: fn(&T) -> Result<String, StreamError>) -> Response {
    use futures_util::StreamExt;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = Body::from_stream(events.map(move |event| event.and_then(|e| encode_event(&e, data(&e.data)?))));
    (status, [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// One event in the `text/event-stream` format; an `id` or `event` that a line cannot hold ends
/// the stream with an error (a client would read another event than the one meant).
fn encode_event<T>(event: &Event<T>, data: String) -> Result<Bytes, StreamError> {
    let mut out = String::with_capacity(data.len() + 16);
    let line_safe = |s: &str| !s.contains(['\n', '\r', '\0']);
    for (field, value) in [("id", &event.id), ("event", &event.event)] {
        if let Some(v) = value {
            if !line_safe(v) {
                return Err(StreamError::new(format!("an event's `{field}` cannot hold a line break or NUL")));
            }
            out.push_str(field);
            out.push_str(": ");
            out.push_str(v);
            out.push('\n');
        }
    }
    if let Some(retry) = event.retry {
        out.push_str(&format!("retry: {}\n", retry.as_millis()));
    }
    // `\r\n`, `\r` and `\n` all end a line in the format: each line of the data is a `data:` line.
    for line in data.replace("\r\n", "\n").split(['\n', '\r']) {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    Ok(Bytes::from(out))
}

/// A declared response header's text in its style; `None` for an absent (`None`/`null`) value.
pub fn header_text<T: Serialize + ?Sized>(value: &T, style: Style) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(Value::Null) | Err(_) => None,
        Ok(v) => Some(super::param_text(&v, style)),
    }
}

/// `response` with the declared headers a handler set. A value a header cannot carry (a line
/// break, say) is the handler's mistake: the answer is a 500 that says so, never a header cut
/// short.
pub fn with_headers<const N: usize>(mut response: Response, headers: [(&'static str, Option<String>); N]) -> Response {
    for (name, text) in headers {
        let Some(text) = text else { continue };
        match (header::HeaderName::from_bytes(name.as_bytes()), header::HeaderValue::from_str(&text)) {
            (Ok(name), Ok(value)) => {
                response.headers_mut().append(name, value);
            }
            _ => {
                return RouterError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "invalid-response-header",
                    format!("the response header `{name}` holds characters a header cannot carry"),
                )
                .profile_response()
            }
        }
    }
    response
}

/// A response without a body.
pub fn empty(status: u16) -> Response {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

/// Answer for unknown routes: 404.
pub async fn not_found<A>(State(shared): State<Arc<Shared<A>>>) -> Response {
    shared.render(None, RouterError::new(StatusCode::NOT_FOUND, "not-found", "API endpoint not found"))
}

/// Answer for a known route called with another method: 405.
pub async fn method_not_allowed<A>(State(shared): State<Arc<Shared<A>>>) -> Response {
    shared.render(None, RouterError::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "method not allowed on this endpoint"))
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
    context: RequestContext,
    path: Vec<String>,
    query: Vec<(String, String)>,
    body: Bytes,
    /// A streamed operation's body, left unread (limited to the router's body limit).
    unread: std::sync::Mutex<Option<Body>>,
    options: Options,
}

/// The path parameters, query pairs and body of a request (read whole, or left unread).
type Read = (Vec<String>, Vec<(String, String)>, Bytes, Option<Body>);

impl RequestParts {
    /// Reads the path parameters, the query and the body (at most the configured limit).
    async fn read<A: Send + Sync + 'static>(head: &mut request::Parts, body: Body, state: &Arc<Shared<A>>, streamed: bool) -> Result<Read, RouterError> {
        let limit = state.config.body_limit;
        let too_large = || RouterError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "request body is too large");
        // A declared length over the limit is refused before any of the body is read: a client
        // announcing a gigabyte and sending a little must not hold the connection open.
        let declared = head.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let path = RawPathParams::from_request_parts(head, state)
            .await
            .map_err(|_| RouterError::new(StatusCode::BAD_REQUEST, "invalid-path", "the path is not valid percent-encoded UTF-8"))?
            .iter()
            .map(|(_, v)| v.to_owned())
            .collect();
        let query = match head.uri.query() {
            Some(q) => serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .map_err(|_| RouterError::new(StatusCode::BAD_REQUEST, "invalid-query", "the query string is malformed"))?,
            None => Vec::new(),
        };
        if streamed {
            // Read by the handler as it comes, never past the limit.
            let declared_empty = declared == Some(0) || (declared.is_none() && body.is_end_stream());
            let unread = (!declared_empty).then(|| Body::new(http_body_util::Limited::new(body, limit)));
            return Ok((path, query, Bytes::new(), unread));
        }
        // The body, frame by frame up to the limit; a body of one frame is kept without a copy.
        let mut body = body;
        let (mut first, mut joined, mut total) = (Bytes::new(), Vec::new(), 0usize);
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let frame = frame.map_err(|_| RouterError::new(StatusCode::BAD_REQUEST, "invalid-body", "the request body could not be read"))?;
            if let Ok(data) = frame.into_data() {
                total = total.saturating_add(data.len());
                if total > limit {
                    return Err(too_large());
                }
                if first.is_empty() && joined.is_empty() {
                    first = data;
                } else {
                    if joined.is_empty() {
                        joined.extend_from_slice(&first);
                    }
                    joined.extend_from_slice(&data);
                }
            }
        }
        let body = if joined.is_empty() { first } else { Bytes::from(joined) };
        Ok((path, query, body, None))
    }
}

/// `value` decoded into the Rust type of the parameter or body it is (already validated).
/// Decoding fails only when a value does not fit the Rust type (an integer beyond `i64`, say):
/// the answer says where, in this crate's words.
fn decode<T: DeserializeOwned>(value: Value, schema: &Schema, source: ErrorSource) -> Result<T, ApiError> {
    match T::deserialize(&value) {
        Ok(decoded) => Ok(decoded),
        Err(_) => {
            let mut pointer = String::new();
            let message = match out_of_range(schema, &value, &mut pointer, 0) {
                Some(true) => "must be <= 9223372036854775807",
                Some(false) => "must be >= -9223372036854775808",
                None => "is out of the range this server supports",
            };
            let source = match source {
                ErrorSource::Body(_) => ErrorSource::Body(pointer),
                other => other,
            };
            Err(RouterError::invalid_params(message, source).into())
        }
    }
}

/// Finds the first integer of `value` (by `schema`'s properties and items) that does not fit
/// an `i64`, leaving its JSON pointer in `pointer`: `Some(true)` when it is too large,
/// `Some(false)` when too small.
fn out_of_range(schema: &Schema, value: &Value, pointer: &mut String, depth: usize) -> Option<bool> {
    if depth > 64 {
        return None;
    }
    let schema = match schema.reference {
        Some(target) => target(),
        None => schema,
    };
    let mark = pointer.len();
    let found = match value {
        Value::Number(n) if schema.types.contains(&Type::Integer) && n.as_i64().is_none() => Some(n.as_f64().is_some_and(|x| x > 0.0)),
        Value::Array(items) => schema.items.and_then(|s| {
            items.iter().enumerate().find_map(|(i, item)| {
                pointer.truncate(mark);
                pointer.push_str(&format!("/{i}"));
                out_of_range(s, item, pointer, depth + 1)
            })
        }),
        Value::Object(members) => object_properties(schema).into_iter().find_map(|(name, s)| {
            let member = members.get(name)?;
            pointer.truncate(mark);
            pointer.push('/');
            pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
            out_of_range(s, member, pointer, depth + 1)
        }),
        _ => None,
    };
    if found.is_none() {
        pointer.truncate(mark);
        for s in schema.all_of {
            if let Some(found) = out_of_range(s, value, pointer, depth + 1) {
                return Some(found);
            }
        }
    }
    found
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
        self.param(p)?.ok_or_else(|| missing(p.name))
    }

    /// The path parameter at `index` (in template order), parsed and validated.
    fn path<T: DeserializeOwned>(&self, index: usize, name: &'static str, schema: &Schema, style: Style) -> Result<T, ApiError> {
        let raw = self.path.get(index).map(String::as_str).unwrap_or("");
        // Exploded objects are `key=value` pairs: `.a=1.b=2`, `;a=1;b=2`.
        if let (Style::Label { explode: true } | Style::Matrix { explode: true }, Shape::Object) = (style, shape(schema)) {
            let separator = if matches!(style, Style::Label { .. }) { '.' } else { ';' };
            let object = raw
                .split(separator)
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
                .collect();
            let mut value = Value::Object(object);
            validate::validate(schema, &mut value, Options { coerce_types: true })
                .map_err(|e| RouterError::invalid_params(e.message, ErrorSource::Parameter(name)))?;
            return decode(value, schema, ErrorSource::Parameter(name));
        }
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
        decode(self.param_value(name, values, schema, style)?, schema, ErrorSource::Parameter(name))
    }

    /// A query parameter, parsed by its style and validated.
    fn query<T: DeserializeOwned>(&self, name: &'static str, schema: &Schema, required: bool, style: Style) -> Result<Option<T>, ApiError> {
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
    fn header<T: DeserializeOwned>(&self, name: &'static str, schema: &Schema, required: bool, style: Style) -> Result<Option<T>, ApiError> {
        let mut values = Vec::new();
        for v in self.context.headers().get_all(name) {
            match v.to_str() {
                Ok(s) => values.push(s),
                Err(_) => return Err(RouterError::invalid_params(format!("header '{name}' is not visible ASCII"), ErrorSource::Parameter(name)).into()),
            }
        }
        let value = if values.is_empty() { None } else { Some(self.param_value(name, vec![values[0]], schema, style)?) };
        self.finish(name, value, schema, required)
    }

    /// A cookie parameter, parsed and validated.
    fn cookie<T: DeserializeOwned>(&self, name: &'static str, schema: &Schema, required: bool, style: Style) -> Result<Option<T>, ApiError> {
        let found = self.cookie_text(name);
        let value = match &found {
            Some(v) => Some(self.param_value(name, vec![v.as_str()], schema, style)?),
            None => None,
        };
        self.finish(name, value, schema, required)
    }

    /// Builds the JSON value of a parameter from its text (parameters are always text, so
    /// scalars are coerced to the schema's type whatever the router's setting).
    fn param_value(&self, name: &'static str, values: Vec<&str>, schema: &Schema, style: Style) -> Result<Value, ApiError> {
        let first = values.first().copied().unwrap_or("");
        let delimiter = match style {
            Style::SpaceDelimited => ' ',
            Style::PipeDelimited => '|',
            _ => ',',
        };
        let value = match (style, shape(schema)) {
            (Style::Json, _) => serde_json::from_str(first).map_err(|_| RouterError::invalid_params(format!("'{name}' must be JSON"), ErrorSource::Parameter(name)))?,
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
            // A repeated parameter is an array, which a scalar's schema refuses, as Rocket.Chat
            // (its query parser, then Ajv) does; never its first or last value unannounced.
            _ if values.len() > 1 => Value::Array(values.iter().map(|v| Value::String((*v).to_owned())).collect()),
            _ => Value::String(first.to_owned()),
        };
        let mut value = value;
        validate::validate(schema, &mut value, Options { coerce_types: true })
            .map_err(|e| RouterError::invalid_params(e.message, ErrorSource::Parameter(name)))?;
        Ok(value)
    }

    fn finish<T: DeserializeOwned>(&self, name: &'static str, value: Option<Value>, schema: &Schema, required: bool) -> Result<Option<T>, ApiError> {
        match value {
            Some(v) => decode(v, schema, ErrorSource::Parameter(name)).map(Some),
            None if required => Err(missing(name)),
            None => Ok(None),
        }
    }

    /// The credential of each of `schemes` the request carries (none when empty), in order.
    pub fn credentials(&self, schemes: &[Scheme]) -> Vec<Option<Credential>> {
        schemes.iter().map(|s| self.credential(*s)).collect()
    }

    fn credential(&self, scheme: Scheme) -> Option<Credential> {
        let text = |v: Option<String>| v.filter(|v| !v.is_empty()).map(Credential::Text);
        let header = |name: &str| self.context.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
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
        for header in self.context.headers().get_all(header::COOKIE) {
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

    /// The JSON body, validated against `schema` and decoded. In the Rocket.Chat profile an
    /// empty body counts as `{}`, as in Rocket.Chat, so a missing body reports the first
    /// missing required property; in the OpenAPI profile it is absent (`None`).
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
        let ct = self.context.headers().get(header::CONTENT_TYPE)?;
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or("").trim();
        (!(essence == "application/json" || essence.ends_with("+json"))).then(|| essence.to_owned())
    }

    /// The body parsed as JSON, or `None` for an absent body. An empty body is absent in the
    /// OpenAPI profile; in the Rocket.Chat profile it is `{}` unless the body is optional and
    /// not an object.
    fn json_value(&self, schema: &Schema, required: bool) -> Result<Option<Value>, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            let as_empty_object = crate::server::PROFILE == Profile::RocketChat && (required || is_object_schema(schema, 0));
            return Ok(as_empty_object.then(|| Value::Object(Default::default())));
        }
        if let Some(essence) = self.non_json_content_type() {
            return Err(RouterError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!("content type `{essence}` is not supported; send application/json"),
            )
            .into());
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|e| {
            let message = format!("the request body is not valid JSON (line {}, column {})", e.line(), e.column());
            RouterError { source: ErrorSource::Body(String::new()), ..RouterError::new(StatusCode::BAD_REQUEST, "invalid-json", message) }.into()
        })
    }

    /// `value` validated against `schema` (coercing as configured) and decoded.
    fn validated<T: DeserializeOwned>(&self, schema: &Schema, mut value: Value) -> Result<T, ApiError> {
        validate::validate(schema, &mut value, self.options).map_err(|e| RouterError::invalid_params(e.message, ErrorSource::Body(e.instance_path)))?;
        decode(value, schema, ErrorSource::Body(String::new()))
    }

    /// The body as text, validated against `schema`.
    pub fn text_body(&self, schema: &Schema, required: bool) -> Result<Option<String>, ApiError> {
        if self.body.is_empty() && !required {
            return Ok(None);
        }
        let text = String::from_utf8(self.body.to_vec()).map_err(|_| RouterError::new(StatusCode::BAD_REQUEST, "invalid-body", "body is not UTF-8 text"))?;
        let mut value = Value::String(text);
        validate::validate(schema, &mut value, Options { coerce_types: false }).map_err(|e| RouterError::invalid_params(e.message, ErrorSource::Body(e.instance_path)))?;
        match value {
            Value::String(text) => Ok(Some(text)),
            _ => Err(RouterError::new(StatusCode::BAD_REQUEST, "invalid-body", "body is not text").into()),
        }
    }

    /// The essence of the request's content type, lowercase (`""` without one).
    fn content_essence(&self) -> String {
        let ct = self.context.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
    }

    /// An `application/x-www-form-urlencoded` body: its pairs gathered into one object by
    /// `parts`, scalars coerced as query strings are, validated against `schema` and decoded.
    /// An empty body is an empty form when the body is required, else absent.
    pub fn form_body<T: DeserializeOwned>(&self, schema: &Schema, parts: &[Part], required: bool) -> Result<Option<T>, ApiError> {
        let empty = self.body.iter().all(u8::is_ascii_whitespace);
        if empty && !required {
            return Ok(None);
        }
        let essence = self.content_essence();
        if !empty && essence != "application/x-www-form-urlencoded" {
            return Err(unsupported(&essence, "application/x-www-form-urlencoded"));
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&self.body).map_err(|_| RouterError::new(StatusCode::BAD_REQUEST, "invalid-body", "the form body is malformed"))?;
        let mut form = FormBody::default();
        for (name, text) in pairs {
            form.add_text(parts, &name, text)?;
        }
        let value = form.validated(schema)?;
        decode(value, schema, ErrorSource::Body(String::new())).map(Some)
    }

    /// A `multipart/form-data` body: its parts gathered by `parts` (files kept aside, each
    /// counted as a string), text parts coerced as query strings are, the whole validated
    /// against `schema` as one object. An empty body is an empty form when the body is
    /// required, else absent. The handler then takes each member from the [`FormBody`].
    pub async fn multipart_body(&self, schema: &Schema, parts: &[Part], required: bool) -> Result<Option<FormBody>, ApiError> {
        let empty = self.body.iter().all(u8::is_ascii_whitespace);
        if empty && !required {
            return Ok(None);
        }
        let mut form = FormBody::default();
        if !empty {
            let essence = self.content_essence();
            if essence != "multipart/form-data" {
                return Err(unsupported(&essence, "multipart/form-data"));
            }
            let malformed = || RouterError::new(StatusCode::BAD_REQUEST, "invalid-body", "the multipart body is malformed");
            let boundary = self.context.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|ct| multer::parse_boundary(ct).ok());
            let boundary = boundary.ok_or_else(|| RouterError::new(StatusCode::BAD_REQUEST, "invalid-body", "the multipart content type has no boundary"))?;
            let body = self.body.clone();
            let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
            let mut multipart = multer::Multipart::new(stream, boundary);
            while let Some(field) = multipart.next_field().await.map_err(|_| malformed())? {
                let Some(name) = field.name().map(str::to_owned) else { continue };
                let declared = parts.iter().find(|p| p.name == name);
                if let Some(part) = declared.filter(|p| p.kind == PartKind::File) {
                    let file_name = field.file_name().map(str::to_owned);
                    let content_type = field.content_type().map(ToString::to_string);
                    let bytes = field.bytes().await.map_err(|_| malformed())?.to_vec();
                    form.add_file(&name, FilePart { bytes, file_name, content_type }, part.repeated);
                } else {
                    let bytes = field.bytes().await.map_err(|_| malformed())?;
                    let text = String::from_utf8(bytes.to_vec()).map_err(|_| RouterError::invalid_params(format!("part '{name}' must be UTF-8 text"), ErrorSource::Body(format!("/{name}"))))?;
                    form.add_text(parts, &name, text)?;
                }
            }
        }
        form.value = match form.validated(schema)? {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        Ok(Some(form))
    }

    /// The body of a streamed operation, unread: the handler reads it as it comes (a body
    /// beyond the router's limit ends in an error that `?` turns into a 413). An empty body is
    /// absent (taken once: `None` after).
    pub fn stream_body(&self) -> Result<Option<ByteStream>, ApiError> {
        let unread = self.unread.lock().map(|mut b| b.take()).unwrap_or(None);
        Ok(unread.map(|body| ByteStream::from_stream(body.into_data_stream())))
    }
}

/// 415 for a body of content type `essence` where `wanted` is expected.
fn unsupported(essence: &str, wanted: &str) -> ApiError {
    RouterError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", format!("content type `{essence}` is not supported; send {wanted}")).into()
}

/// The members of a multipart or form body, read: one JSON object (files counted as empty
/// strings until validated, then removed) and the files, by member name.
#[derive(Debug, Default)]
pub struct FormBody {
    value: serde_json::Map<String, Value>,
    files: Vec<(String, FilePart)>,
}

impl FormBody {
    /// Adds the text of member `name`, written as its part says (an undeclared member is text).
    fn add_text(&mut self, parts: &[Part], name: &str, text: String) -> Result<(), ApiError> {
        let deep = name.split_once('[').and_then(|(base, rest)| Some((base, rest.strip_suffix(']')?)));
        if let Some((base, key)) = deep {
            if let Some(part) = parts.iter().find(|p| p.name == base && p.kind == PartKind::DeepObject) {
                let object = self.value.entry(part.name).or_insert_with(|| Value::Object(Default::default()));
                if let Value::Object(map) = object {
                    map.entry(key).or_insert(Value::String(text));
                }
                return Ok(());
            }
        }
        let part = parts.iter().find(|p| p.name == name);
        let value = match part.map(|p| p.kind) {
            Some(PartKind::Json) => serde_json::from_str(&text).map_err(|_| RouterError::invalid_params(format!("'{name}' must be JSON"), ErrorSource::Body(format!("/{name}"))))?,
            _ => Value::String(text),
        };
        self.insert(name, value, part.is_some_and(|p| p.repeated));
        Ok(())
    }

    /// Adds a file of member `name`, counted as an empty string in the object validated.
    fn add_file(&mut self, name: &str, file: FilePart, repeated: bool) {
        self.files.push((name.to_owned(), file));
        self.insert(name, Value::String(String::new()), repeated);
    }

    /// Sets member `name` (the first value wins), or appends to its array when repeated.
    fn insert(&mut self, name: &str, value: Value, repeated: bool) {
        match self.value.entry(name) {
            serde_json::map::Entry::Vacant(slot) => {
                slot.insert(if repeated { Value::Array(vec![value]) } else { value });
            }
            serde_json::map::Entry::Occupied(mut slot) => {
                if let Value::Array(items) = slot.get_mut() {
                    if repeated {
                        items.push(value);
                    }
                }
            }
        }
    }

    /// The members as one object validated against `schema`, scalars coerced.
    fn validated(&mut self, schema: &Schema) -> Result<Value, ApiError> {
        let mut value = Value::Object(std::mem::take(&mut self.value));
        validate::validate(schema, &mut value, Options { coerce_types: true }).map_err(|e| RouterError::invalid_params(e.message, ErrorSource::Body(e.instance_path)))?;
        Ok(value)
    }

    /// Member `name` (validated), decoded into its field's type; absent is `null`.
    pub fn field<T: DeserializeOwned>(&self, name: &'static str) -> Result<T, ApiError> {
        let value = self.value.get(name).cloned().unwrap_or(Value::Null);
        T::deserialize(&value).map_err(|_| RouterError::invalid_params(format!("part '{name}' is out of the range this server supports"), ErrorSource::Body(format!("/{name}"))).into())
    }

    /// The files of member `name`, as its field's type.
    pub fn file<T: FromFiles>(&mut self, name: &'static str) -> Result<T, ApiError> {
        let (taken, kept) = std::mem::take(&mut self.files).into_iter().partition(|(n, _)| n == name);
        self.files = kept;
        let taken: Vec<FilePart> = taken.into_iter().map(|(_, f)| f).collect();
        T::from_files(taken).ok_or_else(|| missing(name))
    }

    /// The members no field declares (`known` are those that are), decoded.
    pub fn rest<T: DeserializeOwned>(&self, known: &[&str]) -> Result<std::collections::BTreeMap<String, T>, ApiError> {
        let rest: serde_json::Map<String, Value> = self.value.iter().filter(|(k, _)| !known.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        decode(Value::Object(rest), &Schema::ANY, ErrorSource::Body(String::new()))
    }
}

/// A field's type built from the files of a multipart member.
pub trait FromFiles: Sized {
    /// The value, or `None` when a required file is missing.
    fn from_files(files: Vec<FilePart>) -> Option<Self>;
}

impl FromFiles for FilePart {
    fn from_files(files: Vec<FilePart>) -> Option<Self> {
        files.into_iter().next()
    }
}

impl FromFiles for Option<FilePart> {
    fn from_files(files: Vec<FilePart>) -> Option<Self> {
        Some(files.into_iter().next())
    }
}

impl FromFiles for Vec<FilePart> {
    fn from_files(files: Vec<FilePart>) -> Option<Self> {
        Some(files)
    }
}

impl FromFiles for Option<Vec<FilePart>> {
    fn from_files(files: Vec<FilePart>) -> Option<Self> {
        Some((!files.is_empty()).then_some(files))
    }
}

/// 400 for a required parameter that is absent.
fn missing(name: &'static str) -> ApiError {
    RouterError::invalid_params(format!("must have required property '{name}'"), ErrorSource::Parameter(name)).into()
}
