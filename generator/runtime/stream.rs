//! Bodies that are not held whole: binary bodies ([`ByteStream`]) and server-sent events
//! ([`EventStream`]), the same types on the client's side and the server's.
//!
//! A body is either in memory (made from bytes, or [collected](ByteStream::collect)) or a
//! stream read chunk by chunk. Two bodies compare equal only when both are in memory with the
//! same contents: a stream not read yet equals nothing (itself included), so `PartialEq` never
//! reads a stream behind its owner's back.

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

pub use bytes::Bytes;
pub use futures_core::Stream;

/// Any error a stream's source may give.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a streamed body could not be read or written: the source's error (an I/O error of a
/// file, the connection, a body over the router's limit, an event whose data does not decode).
#[derive(Debug)]
pub struct StreamError(BoxError);

impl StreamError {
    /// An error of a stream's source.
    pub fn new(error: impl Into<BoxError>) -> Self {
        StreamError(error.into())
    }

    /// The source's error.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }

    /// The source's error, owned.
    pub fn into_inner(self) -> BoxError {
        self.0
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stream failed: {}", self.0)
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// A boxed stream of `T`.
type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, StreamError>> + Send>>;

/// `S` with its items mapped by `f`: a stream of the user's turned into one of ours.
struct Map<S, F> {
    inner: Pin<Box<S>>,
    f: F,
}

impl<S: Stream, T, F: FnMut(S::Item) -> Result<T, StreamError> + Unpin> Stream for Map<S, F> {
    type Item = Result<T, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        this.inner.as_mut().poll_next(cx).map(|item| item.map(&mut this.f))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

fn map<S, T, F>(stream: S, f: F) -> Boxed<T>
where
    S: Stream + Send + 'static,
    F: FnMut(S::Item) -> Result<T, StreamError> + Unpin + Send + 'static,
{
    Box::pin(Map { inner: Box::pin(stream), f })
}

/// A binary body (`application/octet-stream` and the like): bytes in memory, or a stream of
/// chunks that is read as it arrives (a file, an upload, a download) and never held whole.
///
/// Make one from bytes (`Vec<u8>`, [`Bytes`], `&'static [u8]`, `String`), from a stream with
/// [`ByteStream::from_stream`], or from a file or any reader with
/// [`ByteStream::from_reader`] (`From<tokio::fs::File>`). Read one as a [`Stream`] of
/// [`Bytes`], or whole with [`ByteStream::collect`].
pub struct ByteStream(Inner<Bytes>);

enum Inner<T> {
    Full(T),
    Stream(Boxed<Bytes>),
}

impl ByteStream {
    /// A body of the chunks `stream` gives (each a `Vec<u8>`, [`Bytes`], `String`, ..).
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        ByteStream(Inner::Stream(map(stream, |item: Result<B, E>| item.map(Into::into).map_err(StreamError::new))))
    }

    /// A body read from `reader` (a file, a pipe, ...) chunk by chunk.
    #[cfg(any(feature = "server", feature = "client"))]
    pub fn from_reader(reader: impl tokio::io::AsyncRead + Send + 'static) -> Self {
        ByteStream::from_stream(tokio_util::io::ReaderStream::new(reader))
    }

    /// The bytes, when the body is held in memory (not a stream).
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Inner::Full(bytes) => Some(bytes),
            Inner::Stream(_) => None,
        }
    }

    /// Reads the whole body into memory.
    pub async fn collect(self) -> Result<Bytes, StreamError> {
        let mut stream = match self.0 {
            Inner::Full(bytes) => return Ok(bytes),
            Inner::Stream(stream) => stream,
        };
        let (mut first, mut joined) = (Bytes::new(), Vec::new());
        while let Some(chunk) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            let chunk = chunk?;
            if first.is_empty() && joined.is_empty() {
                first = chunk;
            } else {
                if joined.is_empty() {
                    joined.extend_from_slice(&first);
                }
                joined.extend_from_slice(&chunk);
            }
        }
        Ok(if joined.is_empty() { first } else { Bytes::from(joined) })
    }

    /// The body held in memory (read whole if it is a stream): then it compares by content.
    pub async fn buffered(self) -> Result<Self, StreamError> {
        self.collect().await.map(ByteStream::from)
    }

    /// Whether the body is a stream (which can be sent or read only once).
    pub fn is_stream(&self) -> bool {
        matches!(self.0, Inner::Stream(_))
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.0 {
            Inner::Full(bytes) if bytes.is_empty() => Poll::Ready(None),
            Inner::Full(bytes) => Poll::Ready(Some(Ok(std::mem::take(bytes)))),
            Inner::Stream(stream) => stream.as_mut().poll_next(cx),
        }
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream(Inner::Full(Bytes::new()))
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Full(bytes) => f.debug_tuple("ByteStream").field(bytes).finish(),
            Inner::Stream(_) => f.write_str("ByteStream(<stream>)"),
        }
    }
}

impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        matches!((&self.0, &other.0), (Inner::Full(a), Inner::Full(b)) if a == b)
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        ByteStream(Inner::Full(bytes))
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream(Inner::Full(bytes.into()))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        ByteStream(Inner::Full(Bytes::from_static(bytes)))
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        ByteStream(Inner::Full(text.into()))
    }
}

#[cfg(any(feature = "server", feature = "client"))]
impl From<tokio::fs::File> for ByteStream {
    fn from(file: tokio::fs::File) -> Self {
        ByteStream::from_reader(file)
    }
}

/// One server-sent event (`text/event-stream`): its `data` decoded (JSON when the response's
/// schema gives a type other than a string, else the text as sent).
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// `id:`, when set.
    pub id: Option<String>,
    /// `event:` (the event's type), when set; a client reads an event without one as
    /// `message`.
    pub event: Option<String>,
    /// `data:`, decoded.
    pub data: T,
    /// `retry:`, the reconnection time, when set.
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    /// An event of `data` alone.
    pub fn new(data: T) -> Self {
        Event { id: None, event: None, data, retry: None }
    }

    /// With `id:`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// With `event:`.
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// With `retry:`.
    pub fn retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }
}

/// A `text/event-stream` body: [`Event`]s in memory, or a stream of them, read (by a client)
/// or written (by a server) as they come. Equality as for [`ByteStream`].
pub struct EventStream<T>(EventsInner<T>);

enum EventsInner<T> {
    Full(std::collections::VecDeque<Event<T>>),
    Stream(Boxed<Event<T>>),
}

impl<T: Send + 'static> EventStream<T> {
    /// The events `stream` gives.
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Event<T>, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        EventStream(EventsInner::Stream(map(stream, |item: Result<Event<T>, E>| item.map_err(StreamError::new))))
    }

    /// Reads every event into memory (until the server ends the stream).
    pub async fn collect(self) -> Result<Vec<Event<T>>, StreamError> {
        let mut stream = match self.0 {
            EventsInner::Full(events) => return Ok(events.into()),
            EventsInner::Stream(stream) => stream,
        };
        let mut events = Vec::new();
        while let Some(event) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            events.push(event?);
        }
        Ok(events)
    }

    /// The events held in memory (read to the end if a stream): then they compare by content.
    pub async fn buffered(self) -> Result<Self, StreamError> {
        self.collect().await.map(EventStream::from)
    }
}

// Events are never pinned in place: they are moved out whole.
impl<T> Unpin for EventStream<T> {}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().0 {
            EventsInner::Full(events) => Poll::Ready(events.pop_front().map(Ok)),
            EventsInner::Stream(stream) => stream.as_mut().poll_next(cx),
        }
    }
}

impl<T> Default for EventStream<T> {
    fn default() -> Self {
        EventStream(EventsInner::Full(Default::default()))
    }
}

impl<T> From<Vec<Event<T>>> for EventStream<T> {
    fn from(events: Vec<Event<T>>) -> Self {
        EventStream(EventsInner::Full(events.into()))
    }
}

impl<T: fmt::Debug> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            EventsInner::Full(events) => f.debug_tuple("EventStream").field(events).finish(),
            EventsInner::Stream(_) => f.write_str("EventStream(<stream>)"),
        }
    }
}

impl<T: PartialEq> PartialEq for EventStream<T> {
    fn eq(&self, other: &Self) -> bool {
        matches!((&self.0, &other.0), (EventsInner::Full(a), EventsInner::Full(b)) if a == b)
    }
}
