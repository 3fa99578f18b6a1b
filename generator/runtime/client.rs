//! Client support: URL building, parameter encoding, credentials, retries, timeouts, hooks,
//! tracing and paging. The generated `Client` holds a [`Settings`] and sends every call through
//! [`Settings::send`].

use std::collections::VecDeque;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use super::{pieces, scalar_text, BasicAuth, ByteStream, Event, EventStream, FilePart, Part, PartKind, Scheme, StreamError, Style};

/// An error from code the user supplies (a token provider).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What can go wrong when calling the API.
#[derive(Debug)]
pub enum ClientError {
    /// The request could not be sent or the response not read.
    Transport(reqwest::Error),
    /// The call took longer than its timeout (the client's, the call's, or the `reqwest::Client`'s).
    Timeout {
        /// The timeout set on the client or the call, if one was.
        limit: Option<Duration>,
        /// reqwest's error.
        source: reqwest::Error,
    },
    /// The server answered a status the spec does not document for this operation.
    UnexpectedStatus {
        /// HTTP status.
        status: u16,
        /// The body, as text.
        body: String,
    },
    /// A documented answer that is not the one asked for (a paging helper's page, say).
    Unsuccessful {
        /// HTTP status.
        status: u16,
        /// The decoded answer, as `Debug` prints it.
        response: String,
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
    /// A parameter or credential could not be encoded.
    Encode(String),
    /// The token provider failed.
    Credentials(BoxError),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Transport(e) => write!(f, "request failed: {e}"),
            ClientError::Timeout { limit: Some(limit), .. } => write!(f, "no answer within {} ms", limit.as_millis()),
            ClientError::Timeout { limit: None, source } => write!(f, "timed out: {source}"),
            ClientError::UnexpectedStatus { status, body } => write!(f, "undocumented status {status}: {body}"),
            ClientError::Unsuccessful { status, response } => write!(f, "status {status}: {response}"),
            ClientError::Decode { status, message, .. } => write!(f, "cannot decode the {status} response: {message}"),
            ClientError::Encode(m) => write!(f, "cannot encode the request: {m}"),
            ClientError::Credentials(e) => write!(f, "no credentials: {e}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Transport(e) | ClientError::Timeout { source: e, .. } => Some(e),
            ClientError::Credentials(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl ClientError {
    /// reqwest's error, as a timeout when it is one.
    fn from_reqwest(e: reqwest::Error, limit: Option<Duration>) -> Self {
        if e.is_timeout() {
            ClientError::Timeout { limit, source: e }
        } else {
            ClientError::Transport(e)
        }
    }

    /// A documented answer that is not the one asked for.
    pub fn unsuccessful(status: u16, response: &impl std::fmt::Debug) -> Self {
        ClientError::Unsuccessful { status, response: format!("{response:?}") }
    }
}

/// A credential value, as the client sends it.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// An API key or a token.
    Text(String),
    /// A user name and password.
    Basic(BasicAuth),
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<String>, BoxError>> + Send + 'a>>;

/// Supplies the tokens of `Authorization` schemes (http bearer, oauth2, openIdConnect) for
/// every attempt of every call, so that they can be refreshed. A token it gives wins over the
/// one in the client's credentials; `None` leaves those.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token for `scheme` (the security scheme's name in the spec).
    fn token<'a>(&'a self, scheme: &'a str) -> TokenFuture<'a>;
}

/// What a [`Hook`] learns about an attempt.
#[derive(Debug, Clone, Copy)]
pub struct CallInfo {
    /// The operation's method name on the client.
    pub operation: &'static str,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// When the attempt started.
    pub started: Instant,
}

/// Sees every attempt of every call: adds headers, logs, measures. Every call also runs in a
/// `tracing` span named `call` with the operation's name, so a `tracing` subscriber needs no hook.
pub trait Hook: Send + Sync + 'static {
    /// Before an attempt is sent, with the request as it will go (credentials included).
    fn before(&self, call: &CallInfo, request: &mut reqwest::Request) {
        let _ = (call, request);
    }

    /// After an attempt: the response (its body not read yet) or the error.
    fn after(&self, call: &CallInfo, result: Result<&reqwest::Response, &ClientError>) {
        let _ = (call, result);
    }
}

/// A hook shared with the code that reads what it recorded.
impl<H: Hook + ?Sized> Hook for Arc<H> {
    fn before(&self, call: &CallInfo, request: &mut reqwest::Request) {
        (**self).before(call, request)
    }

    fn after(&self, call: &CallInfo, result: Result<&reqwest::Response, &ClientError>) {
        (**self).after(call, result)
    }
}

/// When and how often a call is tried again: after a connection error, 429 Too Many Requests
/// or 503 Service Unavailable, for idempotent methods (all methods but POST and PATCH) unless
/// [`RetryPolicy::retry_non_idempotent`]. The wait is the server's (`Retry-After` in seconds or
/// as a date, else `X-RateLimit-Reset` as epoch milliseconds, epoch seconds or seconds from
/// now), else exponential backoff with jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    attempts: u32,
    initial: Duration,
    max_backoff: Duration,
    max_wait: Duration,
    non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// No retries.
    fn default() -> Self {
        RetryPolicy::new(1)
    }
}

impl RetryPolicy {
    /// At most `attempts` attempts in all (1: no retry); backoff from 100 ms doubling up to
    /// 10 s; a server's wait honoured up to 60 s.
    pub fn new(attempts: u32) -> Self {
        RetryPolicy {
            attempts: attempts.max(1),
            initial: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            max_wait: Duration::from_secs(60),
            non_idempotent: false,
        }
    }

    /// Backoff starting at `initial`, doubling each attempt up to `max`; each wait is between
    /// half the backoff and the backoff (jitter).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest wait a server may ask for (`Retry-After`, `X-RateLimit-Reset`); a longer one
    /// ends the retries with the server's answer.
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = max;
        self
    }

    /// Retries POST and PATCH calls too (for operations known to be safe to repeat).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    /// The backoff before attempt `attempt + 1`.
    fn backoff_after(&self, attempt: u32) -> Duration {
        let doubled = self.initial.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let full = doubled.min(self.max_backoff);
        // Equal jitter: half the backoff, plus up to the other half at random.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(attempt);
        let fraction = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
        full / 2 + full.mul_f64(fraction / 2.0)
    }
}

/// The wait a 429 or 503 answer asks for: `Retry-After` (seconds or an HTTP date), else
/// `X-RateLimit-Reset` (epoch milliseconds, epoch seconds, or seconds from now).
pub fn server_wait(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let until = |at: SystemTime| at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
    if let Some(v) = text("retry-after") {
        if let Ok(seconds) = v.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(until(at));
        }
    }
    let reset = text("x-ratelimit-reset")?.parse::<f64>().ok()?;
    let at = |seconds: f64| SystemTime::UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(seconds).ok()?).map(until);
    if reset >= 1e11 {
        at(reset / 1000.0)
    } else if reset >= 1e9 {
        at(reset)
    } else {
        Duration::try_from_secs_f64(reset).ok()
    }
}

/// The facts of an operation a call needs: its name and the credentials it accepts.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// The client's method name.
    pub name: &'static str,
    /// The sets of schemes (indexes into [`Settings::schemes`]) the operation accepts, in the
    /// spec's order; the first whose credentials are all at hand is sent.
    pub security: &'static [&'static [usize]],
}

/// Everything a generated `Client` holds.
#[derive(Clone)]
pub struct Settings {
    /// The server's base URL, without a trailing `/`.
    pub base_url: String,
    /// The HTTP client (connection pool, TLS, proxies).
    pub http: reqwest::Client,
    /// The API's security schemes: name in the spec, and how each is sent.
    pub schemes: &'static [(&'static str, Scheme)],
    /// A credential per scheme, when set.
    pub secrets: Vec<Option<Secret>>,
    /// Tokens for `Authorization` schemes.
    pub tokens: Option<Arc<dyn TokenProvider>>,
    /// Retries.
    pub retry: RetryPolicy,
    /// Timeout of each attempt (from sending the request to the end of the body).
    pub timeout: Option<Duration>,
    /// Hooks, called in order.
    pub hooks: Vec<Arc<dyn Hook>>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let credentials: Vec<&str> = self.schemes.iter().zip(&self.secrets).filter(|(_, s)| s.is_some()).map(|((k, _), _)| *k).collect();
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("credentials", &credentials)
            .field("token_provider", &self.tokens.is_some())
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

/// The `reqwest::Client` a generated client makes for itself. With reqwest's `rustls-no-provider`
/// TLS, rustls needs a process-wide crypto provider: ring is installed unless one already is.
pub fn http_client() -> reqwest::Client {
    install_crypto_provider();
    reqwest::Client::new()
}

/// Installs ring as rustls' process-wide crypto provider, unless one is installed already. Call
/// it before building your own `reqwest::Client` for `Client::with_http_client`.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Fails only when another thread installed one meanwhile: that one serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

impl Settings {
    /// Settings for the server at `base_url` through `http`: no credentials, no retries, no
    /// timeout of its own, no hooks.
    pub fn new(base_url: String, http: reqwest::Client, schemes: &'static [(&'static str, Scheme)]) -> Self {
        Settings {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
            schemes,
            secrets: vec![None; schemes.len()],
            tokens: None,
            retry: RetryPolicy::default(),
            timeout: None,
            hooks: Vec::new(),
        }
    }

    /// A call to an operation's path on this server.
    pub fn call(&self, method: &'static str, path: &str) -> Call {
        Call::new(method, &self.base_url, path)
    }

    /// Sends a call with the operation's credentials, retrying as the policy says, and reads
    /// the answer; in a `tracing` span `call` with the operation's name.
    pub async fn send(&self, op: Op, call: Call) -> Result<Received, ClientError> {
        let span = tracing::info_span!("call", operation = op.name, method = %call.method, url = %call.url);
        self.attempts(op, call).instrument(span).await
    }

    async fn attempts(&self, op: Op, call: Call) -> Result<Received, ClientError> {
        use reqwest::Method;
        let idempotent = !matches!(call.method, Method::POST | Method::PATCH);
        // A streamed body can be sent once: such a call is never retried.
        let may_retry = (idempotent || self.retry.non_idempotent) && call.replayable();
        let mut call = call;
        let mut attempt = 1;
        loop {
            let info = CallInfo { operation: op.name, attempt, started: Instant::now() };
            let mut request = self.authorize(op, call.build(&self.http)).await?;
            if let Some(timeout) = self.timeout {
                request = request.timeout(timeout);
            }
            let mut request = request.build().map_err(|e| ClientError::from_reqwest(e, self.timeout))?;
            for hook in &self.hooks {
                hook.before(&info, &mut request);
            }
            let result = self.http.execute(request).await.map_err(|e| ClientError::from_reqwest(e, self.timeout));
            for hook in &self.hooks {
                hook.after(&info, result.as_ref());
            }
            let again = may_retry && attempt < self.retry.attempts;
            let wait = match result {
                Err(ClientError::Transport(e)) if again && e.is_connect() => {
                    tracing::debug!(attempt, error = %e, "connection failed");
                    self.retry.backoff_after(attempt)
                }
                Err(e) => return Err(e),
                Ok(response) => {
                    let status = response.status().as_u16();
                    tracing::debug!(attempt, status, "answer");
                    if !(again && (status == 429 || status == 503)) {
                        return Ok(Received::new(response, self.timeout));
                    }
                    match server_wait(response.headers()) {
                        Some(wait) if wait > self.retry.max_wait => return Ok(Received::new(response, self.timeout)),
                        Some(wait) => wait,
                        None => self.retry.backoff_after(attempt),
                    }
                }
            };
            tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// The request with the credentials of the first set of `op`'s security whose every
    /// credential is at hand (none when no set is complete: the server decides).
    async fn authorize(&self, op: Op, mut request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, ClientError> {
        'sets: for set in op.security.iter().filter(|s| !s.is_empty()) {
            let mut values = Vec::with_capacity(set.len());
            for &i in set.iter() {
                match self.secret(i).await? {
                    Some(v) => values.push((self.schemes[i].1, v)),
                    None => continue 'sets,
                }
            }
            for (scheme, value) in values {
                request = match (scheme, value) {
                    (Scheme::Basic, Secret::Basic(b)) => request.basic_auth(b.username, Some(b.password)),
                    (Scheme::Basic, Secret::Text(_)) => return Err(ClientError::Encode("a basic scheme needs a user name and password".into())),
                    (_, Secret::Basic(_)) => return Err(ClientError::Encode("only a basic scheme takes a user name and password".into())),
                    (Scheme::Header(name), Secret::Text(t)) => request.header(name, sensitive(&t)?),
                    (Scheme::Query(name), Secret::Text(t)) => request.query(&[(name, t)]),
                    (Scheme::Cookie(name), Secret::Text(t)) => request.header(reqwest::header::COOKIE, sensitive(&format!("{name}={t}"))?),
                    (Scheme::Token("Bearer"), Secret::Text(t)) => request.bearer_auth(t),
                    (Scheme::Token(scheme), Secret::Text(t)) => request.header(reqwest::header::AUTHORIZATION, sensitive(&format!("{scheme} {t}"))?),
                };
            }
            break;
        }
        Ok(request)
    }

    /// The credential for scheme `i`: the token provider's (for `Authorization` schemes), else
    /// the one set.
    async fn secret(&self, i: usize) -> Result<Option<Secret>, ClientError> {
        let (key, scheme) = self.schemes[i];
        if let (Scheme::Token(_), Some(tokens)) = (scheme, &self.tokens) {
            if let Some(token) = tokens.token(key).await.map_err(ClientError::Credentials)? {
                return Ok(Some(Secret::Text(token)));
            }
        }
        Ok(self.secrets.get(i).cloned().flatten())
    }
}

/// A header value that logs and debug output leave out.
fn sensitive(text: &str) -> Result<reqwest::header::HeaderValue, ClientError> {
    let mut value = reqwest::header::HeaderValue::from_str(text).map_err(|_| ClientError::Encode("a credential holds characters a header cannot carry".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Where the next page of a list starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// Items to skip.
    Offset(u64),
    /// A page number.
    Page(u64),
    /// A cursor (none for the first page).
    Cursor(Option<String>),
}

impl Position {
    /// The offset or page number as a parameter's integer type.
    pub fn number<T: TryFrom<u64>>(&self) -> Result<T, ClientError> {
        let n = match self {
            Position::Offset(n) | Position::Page(n) => *n,
            Position::Cursor(_) => 0,
        };
        T::try_from(n).map_err(|_| ClientError::Encode(format!("page position {n} does not fit the parameter")))
    }

    /// The cursor, if any.
    pub fn cursor(&self) -> Option<String> {
        match self {
            Position::Cursor(c) => c.clone(),
            _ => None,
        }
    }
}

/// A number from an optional integer parameter or field (`None` when absent or negative).
pub fn count<T: TryInto<u64>>(value: Option<T>) -> Option<u64> {
    value.and_then(|v| v.try_into().ok())
}

/// One page of a list, as a paging helper reads it.
#[derive(Debug)]
pub struct Page<T> {
    /// Its items.
    pub items: Vec<T>,
    /// The number of items of the whole list, when the server says.
    pub total: Option<u64>,
    /// The next cursor (cursor paging).
    pub next: Option<String>,
}

/// The items of every page, fetched one page at a time from `first` on: stops after an empty
/// page, at `total` items, or (cursor paging) without a next cursor; after an error, yields it
/// and stops.
pub fn paginate<T, F, Fut>(first: Position, fetch: F) -> impl Stream<Item = Result<T, ClientError>> + Send
where
    T: Send,
    F: FnMut(Position) -> Fut + Send,
    Fut: Future<Output = Result<Page<T>, ClientError>> + Send,
{
    struct State<T, F> {
        fetch: F,
        next: Option<Position>,
        items: VecDeque<T>,
        seen: u64,
    }
    let state = State { fetch, next: Some(first), items: VecDeque::new(), seen: 0 };
    futures_util::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(item) = s.items.pop_front() {
                return Some((Ok(item), s));
            }
            let at = s.next.take()?;
            let page = match (s.fetch)(at.clone()).await {
                Ok(page) => page,
                Err(e) => return Some((Err(e), s)),
            };
            let n = page.items.len() as u64;
            s.seen += n;
            let more = n > 0 && page.total.is_none_or(|total| s.seen < total);
            s.next = match at {
                _ if !more => None,
                Position::Offset(o) => Some(Position::Offset(o + n)),
                Position::Page(p) => Some(Position::Page(p + 1)),
                Position::Cursor(c) => page.next.filter(|next| !next.is_empty() && Some(next) != c.as_ref()).map(|next| Position::Cursor(Some(next))),
            };
            s.items = page.items.into();
        }
    })
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

/// A header or cookie value as text, in the parameter's style.
fn param_text<T: Serialize + ?Sized>(value: &T, style: Style) -> Result<String, ClientError> {
    Ok(super::param_text(&to_json(value)?, style))
}

/// An object's members as `key=value` texts.
fn pairs(v: &Value) -> Vec<String> {
    v.as_object().into_iter().flatten().map(|(k, v)| format!("{k}={}", scalar_text(v))).collect()
}

/// A path parameter's text (before percent-encoding) in its style.
fn path_text<T: Serialize + ?Sized>(name: &str, value: &T, style: Style) -> Result<String, ClientError> {
    let v = to_json(value)?;
    Ok(match style {
        Style::Json => v.to_string(),
        Style::Loose if v.is_array() || v.is_object() => v.to_string(),
        // Exploded objects are `key=value` pairs.
        Style::Label { explode: true } if v.is_object() => pairs(&v).iter().map(|p| format!(".{p}")).collect(),
        Style::Matrix { explode: true } if v.is_object() => pairs(&v).iter().map(|p| format!(";{p}")).collect(),
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

/// A field's files, as a multipart body sends them.
pub trait Files {
    /// The files held (none for an absent optional one).
    fn file_parts(&self) -> Vec<&FilePart>;
}

impl Files for FilePart {
    fn file_parts(&self) -> Vec<&FilePart> {
        vec![self]
    }
}

impl Files for Option<FilePart> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().collect()
    }
}

impl Files for Vec<FilePart> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().collect()
    }
}

impl Files for Option<Vec<FilePart>> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().flatten().collect()
    }
}

/// One part of a multipart body being built.
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Json(String),
    File(FilePart),
}

/// A `multipart/form-data` body being put together, member by member; reqwest writes it (with
/// its boundary) when the request is sent.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    pieces: Vec<(String, Piece)>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the files of member `name` (none for an absent optional one).
    pub fn file(&mut self, name: &str, files: &impl Files) {
        for f in files.file_parts() {
            self.pieces.push((name.to_owned(), Piece::File(f.clone())));
        }
    }

    /// Adds member `name` as `kind` (`null` and absent values are left out), one part per item
    /// when `repeated`.
    pub fn part<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, kind: PartKind, repeated: bool) -> Result<(), ClientError> {
        let v = to_json(value)?;
        let items = match v {
            Value::Null => return Ok(()),
            Value::Array(items) if repeated => items,
            other => vec![other],
        };
        for item in items {
            let piece = match (kind, &item) {
                (PartKind::Json, _) | (_, Value::Object(_) | Value::Array(_)) => Piece::Json(item.to_string()),
                _ => Piece::Text(scalar_text(&item)),
            };
            self.pieces.push((name.to_owned(), piece));
        }
        Ok(())
    }

    /// Adds every member of `members` (undeclared ones) as text, or JSON for objects and arrays.
    pub fn rest<T: Serialize>(&mut self, members: &std::collections::BTreeMap<String, T>) -> Result<(), ClientError> {
        for (name, value) in members {
            self.part(name, value, PartKind::Text, false)?;
        }
        Ok(())
    }

    /// The reqwest form.
    fn form(self) -> reqwest::multipart::Form {
        use reqwest::multipart::Part as P;
        let mut form = reqwest::multipart::Form::new();
        for (name, piece) in self.pieces {
            let part = match piece {
                Piece::Text(text) => P::text(text),
                Piece::Json(text) => with_mime(P::text(text.clone()), "application/json", || P::text(text)),
                Piece::File(f) => {
                    let make = || {
                        let part = P::bytes(f.bytes.clone());
                        match &f.file_name {
                            Some(n) => part.file_name(n.clone()),
                            None => part,
                        }
                    };
                    match &f.content_type {
                        Some(ct) => with_mime(make(), ct, make),
                        None => make(),
                    }
                }
            };
            form = form.part(name, part);
        }
        form
    }
}

/// `part` with content type `mime`, or `fallback()` when `mime` is not a media type.
fn with_mime(part: reqwest::multipart::Part, mime: &str, fallback: impl FnOnce() -> reqwest::multipart::Part) -> reqwest::multipart::Part {
    part.mime_str(mime).unwrap_or_else(|_| fallback())
}

/// `value`'s members as `application/x-www-form-urlencoded` pairs, written as `parts` say
/// (arrays as repeated pairs, objects as JSON text or `name[key]` pairs); `null` members are
/// left out.
fn form_pairs<T: Serialize + ?Sized>(value: &T, parts: &[Part]) -> Result<Vec<(String, String)>, ClientError> {
    let Value::Object(members) = to_json(value)? else {
        return Err(ClientError::Encode("a form body must be an object".into()));
    };
    let mut pairs = Vec::new();
    for (name, v) in members {
        let part = parts.iter().find(|p| p.name == name);
        let kind = part.map_or(PartKind::Text, |p| p.kind);
        let items = match v {
            Value::Null => continue,
            Value::Array(items) if part.is_some_and(|p| p.repeated) => items,
            other => vec![other],
        };
        for item in items {
            match (kind, item) {
                (PartKind::DeepObject, Value::Object(map)) => {
                    for (k, x) in map {
                        pairs.push((format!("{name}[{k}]"), scalar_text(&x)));
                    }
                }
                (_, item @ (Value::Object(_) | Value::Array(_))) => pairs.push((name.clone(), item.to_string())),
                (PartKind::Json, item) => pairs.push((name.clone(), item.to_string())),
                (_, item) => pairs.push((name.clone(), scalar_text(&item))),
            }
        }
    }
    Ok(pairs)
}

/// A request being put together by a generated client method: method, URL, query, headers and
/// body. Optional parameters are passed as `Option<&T>` and left out when `None`. A body in
/// memory is sent again on a retry; a streamed body is sent once.
#[derive(Debug)]
pub struct Call {
    method: reqwest::Method,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<(&'static str, ByteStream)>,
    multipart: Option<Multipart>,
}

impl Call {
    /// A call with `method` (`GET`, `POST`, ...) to `base_url` followed by `path` (a literal
    /// part of the path, already encoded).
    pub fn new(method: &str, base_url: &str, path: &str) -> Self {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        Call { method, url: format!("{base_url}{path}"), query: Vec::new(), headers: Vec::new(), body: None, multipart: None }
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
            self.body = Some(("application/json", bytes.into()));
        }
        Ok(())
    }

    /// Sets a body of another media type, when present.
    pub fn raw<'a, B: AsRef<[u8]> + ?Sized + 'a>(&mut self, content_type: &'static str, body: impl Into<Option<&'a B>>) {
        if let Some(b) = body.into() {
            self.body = Some((content_type, b.as_ref().to_vec().into()));
        }
    }

    /// Sets a binary body (in memory or a stream), when present.
    pub fn stream(&mut self, content_type: &'static str, body: Option<ByteStream>) {
        if let Some(b) = body {
            self.body = Some((content_type, b));
        }
    }

    /// Whether the call can be sent again (its body, if any, is in memory).
    pub fn replayable(&self) -> bool {
        self.body.as_ref().is_none_or(|(_, b)| !b.is_stream())
    }

    /// Sets an `application/x-www-form-urlencoded` body from `body`'s members, written as
    /// `parts` say, when present.
    pub fn form<'a, T: Serialize + ?Sized + 'a>(&mut self, body: impl Into<Option<&'a T>>, parts: &[Part]) -> Result<(), ClientError> {
        if let Some(b) = body.into() {
            let text = serde_urlencoded::to_string(form_pairs(b, parts)?).map_err(|e| ClientError::Encode(e.to_string()))?;
            self.body = Some(("application/x-www-form-urlencoded", ByteStream::from(text.into_bytes())));
        }
        Ok(())
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, body: Multipart) {
        self.multipart = Some(body);
    }

    /// The request, ready to be sent with `http` (a streamed body is taken: the next request
    /// built has none).
    pub fn build(&mut self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let mut request = http.request(self.method.clone(), &self.url);
        if !self.query.is_empty() {
            request = request.query(&self.query);
        }
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        let body = match self.body.as_mut() {
            Some((ct, b)) => match b.as_bytes() {
                Some(bytes) => Some((*ct, reqwest::Body::from(bytes.clone()))),
                None => Some((*ct, reqwest::Body::wrap_stream(std::mem::take(b)))),
            },
            None => None,
        };
        if let Some((content_type, body)) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type).body(body);
        }
        if let Some(form) = &self.multipart {
            request = request.multipart(form.clone().form());
        }
        request
    }
}

/// A received response, its body not read yet: read whole by the decoding method of the
/// documented response it is, or handed over as a stream.
pub struct Received {
    /// HTTP status.
    pub status: u16,
    /// The response's headers.
    pub headers: reqwest::header::HeaderMap,
    /// The response, until its body is taken.
    response: Option<reqwest::Response>,
    limit: Option<Duration>,
}

impl Received {
    /// A response (`limit`: the timeout set, for the error).
    pub fn new(response: reqwest::Response, limit: Option<Duration>) -> Self {
        Received { status: response.status().as_u16(), headers: response.headers().clone(), response: Some(response), limit }
    }

    /// The typed answer, with this response's status and headers.
    pub fn answer<T>(self, value: T) -> Answer<T> {
        Answer { status: self.status, headers: self.headers, value }
    }

    /// A header the response declares, decoded as `T` (`simple` style: a list is
    /// comma-separated; a value is tried as text first, then as JSON); `None` when absent.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ClientError> {
        let Some(raw) = self.headers.get(name) else { return Ok(None) };
        let decode_error = |message: String| ClientError::Decode {
            status: self.status,
            body: String::new(),
            message: format!("header `{name}`: {message}"),
        };
        let text = raw.to_str().map_err(|_| decode_error("not visible ASCII".into()))?;
        let pieces = || text.split(',').map(str::trim);
        let json = |t: &str| serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_owned()));
        let candidates = [
            Value::String(text.to_owned()),
            json(text),
            Value::Array(pieces().map(|p| Value::String(p.to_owned())).collect()),
            Value::Array(pieces().map(json).collect()),
        ];
        let mut last = None;
        for candidate in candidates {
            match serde_json::from_value(candidate) {
                Ok(value) => return Ok(Some(value)),
                Err(e) => last = Some(e),
            }
        }
        Err(decode_error(last.map(|e| e.to_string()).unwrap_or_default()))
    }

    /// A header the response must carry, decoded as [`Received::header`] does.
    pub fn required_header<T: DeserializeOwned>(&self, name: &str) -> Result<T, ClientError> {
        self.header(name)?.ok_or_else(|| ClientError::Decode {
            status: self.status,
            body: String::new(),
            message: format!("the response lacks its required header `{name}`"),
        })
    }

    /// The body, read whole (empty when it was taken already).
    async fn body(&mut self) -> Result<Vec<u8>, ClientError> {
        match self.response.take() {
            Some(response) => Ok(response.bytes().await.map_err(|e| ClientError::from_reqwest(e, self.limit))?.to_vec()),
            None => Ok(Vec::new()),
        }
    }

    /// The body as it arrives (empty when it was taken already).
    fn chunks(&mut self) -> ByteStream {
        match self.response.take() {
            Some(response) => ByteStream::from_stream(response.bytes_stream()),
            None => ByteStream::default(),
        }
    }

    /// Reads and decodes the JSON body.
    pub async fn json<T: DeserializeOwned>(&mut self) -> Result<T, ClientError> {
        let body = self.body().await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode {
            status: self.status,
            body: String::from_utf8_lossy(&body).into_owned(),
            message: e.to_string(),
        })
    }

    /// Reads the body as text.
    pub async fn text(&mut self) -> Result<String, ClientError> {
        let body = self.body().await?;
        String::from_utf8(body).map_err(|e| ClientError::Decode {
            status: self.status,
            body: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            message: e.utf8_error().to_string(),
        })
    }

    /// The body as a stream of chunks, read as they arrive.
    pub fn stream(&mut self) -> ByteStream {
        self.chunks()
    }

    /// The body as a stream of server-sent events whose data is JSON.
    pub fn json_events<T: DeserializeOwned + Send + 'static>(&mut self) -> EventStream<T> {
        self.events(|data| serde_json::from_str(&data).map_err(StreamError::new))
    }

    /// The body as a stream of server-sent events whose data is text.
    pub fn text_events(&mut self) -> EventStream<String> {
        self.events(Ok)
    }

    fn events<T: Send + 'static>(&mut self, decode: fn(String) -> Result<T, StreamError>) -> EventStream<T> {
        use eventsource_stream::Eventsource;
        use futures_util::StreamExt;
        let events = self.chunks().eventsource().map(move |event| {
            let event = event.map_err(|e| StreamError::new(e.to_string()))?;
            Ok::<_, StreamError>(Event {
                id: Some(event.id).filter(|id| !id.is_empty()),
                event: Some(event.event),
                data: decode(event.data)?,
                retry: event.retry,
            })
        });
        EventStream::from_stream(events)
    }

    /// The error for a status the operation does not document (its body read as text).
    pub async fn unexpected(mut self) -> ClientError {
        match self.body().await {
            Ok(body) => ClientError::UnexpectedStatus { status: self.status, body: String::from_utf8_lossy(&body).into_owned() },
            Err(e) => e,
        }
    }
}

/// An operation's typed answer together with the response's status and headers (all of them,
/// declared or not: rate limits, `Location`, ...). Derefs to the answer; [`Answer::into_inner`]
/// takes it out.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    status: u16,
    headers: reqwest::header::HeaderMap,
    value: T,
}

impl<T> Answer<T> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Every header of the response.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The typed answer.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The typed answer and the headers.
    pub fn into_parts(self) -> (T, reqwest::header::HeaderMap) {
        (self.value, self.headers)
    }
}

impl<T> std::ops::Deref for Answer<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// The answer in place (to take a streamed body out of it, say).
impl<T> std::ops::DerefMut for Answer<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: PartialEq> PartialEq<T> for Answer<T> {
    fn eq(&self, other: &T) -> bool {
        self.value == *other
    }
}
