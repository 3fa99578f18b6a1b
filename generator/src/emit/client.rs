//! `src/client.rs`: a typed reqwest client with one async method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{operation_docs, style_tokens};
use super::{docs, ident, type_tokens};
use crate::ir::*;

/// Characters kept as they are in a literal path segment (RFC 3986 `pchar` minus `%`).
pub(crate) fn encode_literal(seg: &str) -> String {
    let mut out = String::new();
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The runtime `Scheme` value of a security scheme (the module imports `crate::rt::Scheme`).
pub fn scheme_tokens(s: &SecurityScheme) -> TokenStream {
    match &s.kind {
        SchemeKind::ApiKey { location, name } => match location {
            ParamIn::Query => quote!(Scheme::Query(#name)),
            ParamIn::Cookie => quote!(Scheme::Cookie(#name)),
            ParamIn::Header | ParamIn::Path => quote!(Scheme::Header(#name)),
        },
        SchemeKind::Basic => quote!(Scheme::Basic),
        SchemeKind::Token { scheme, .. } => quote!(Scheme::Token(#scheme)),
    }
}

/// The client module: the `Client` type, one method per operation, a paging helper per list
/// operation, and a type per server of the spec. With `to_given_url` (webhooks and callbacks:
/// the subscriber's URL), each call goes to the client's URL as it is, with no path of its own.
pub fn emit(api: &Api, to_given_url: bool) -> TokenStream {
    let schemes = api.security_schemes.iter().map(|s| {
        let key = &s.key;
        let scheme = scheme_tokens(s);
        quote!((#key, #scheme))
    });
    let secrets: Vec<TokenStream> = api
        .security_schemes
        .iter()
        .map(|s| {
            let f = ident(&s.field);
            let wrap = match s.kind {
                SchemeKind::Basic => quote!(Secret::Basic),
                _ => quote!(Secret::Text),
            };
            if s.always {
                quote!(Some(#wrap(credentials.#f.clone())))
            } else {
                quote!(credentials.#f.clone().map(#wrap))
            }
        })
        .collect();
    let credentials_arg = if secrets.is_empty() {
        quote!(_credentials)
    } else {
        quote!(credentials)
    };
    let methods = api
        .operations
        .iter()
        .map(|op| method(api, op, to_given_url));
    let pagers = api.operations.iter().filter_map(|op| pager(api, op));
    let servers = api.servers.iter().enumerate().map(|(i, s)| server(i, s));
    quote! {
        //! Client side: [`Client`] calls the API over HTTP with typed inputs and outputs; the
        //! `with_*` methods add credentials, a token provider, retries, a timeout and hooks.
        #![allow(deprecated)]
        #![allow(unused_imports)]
        use std::sync::Arc;
        use std::time::Duration;

        use crate::models::*;
        use super::operations::*;
        use crate::rt::client::{paginate, Call, Op, Page, Position, Received, Secret, Settings};
        use crate::rt::{Scheme, Style};
        pub use crate::rt::client::{install_crypto_provider, Answer, BoxError, CallInfo, ClientError, Hook, RetryPolicy, TokenFuture, TokenProvider};
        pub use futures_util::stream::{Stream, StreamExt, TryStreamExt};

        /// The API's security schemes: the name in the spec, and how each is sent.
        const SCHEMES: &[(&str, Scheme)] = &[#(#schemes),*];

        /// A client for the API. Cloning is cheap (the connection pool is shared), and each
        /// `with_*` method gives a client of its own: use one for a single call to give it
        /// another timeout or retry policy.
        #[derive(Debug, Clone)]
        pub struct Client {
            settings: Arc<Settings>,
        }

        impl Client {
            /// A client for the server at `base_url` (such as `http://127.0.0.1:3000`, or a
            /// `ServerN` of this module).
            pub fn new(base_url: impl Into<String>) -> Self {
                Self::with_http_client(base_url, crate::rt::client::http_client())
            }

            /// A client that sends its requests through `http` (for proxies, TLS settings,
            /// connection limits). Call [`install_crypto_provider`] before building it.
            pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
                Client { settings: Arc::new(Settings::new(base_url.into(), http, SCHEMES)) }
            }

            /// The same client, sending `credentials` to operations that accept them (of an
            /// operation's alternatives, the first whose credentials are all set).
            pub fn with_credentials(mut self, credentials: Credentials) -> Self {
                self.set_credentials(Some(credentials));
                self
            }

            /// Sets or clears the credentials.
            pub fn set_credentials(&mut self, credentials: Option<Credentials>) {
                Arc::make_mut(&mut self.settings).secrets = match credentials {
                    Some(credentials) => secrets(&credentials),
                    None => vec![None; SCHEMES.len()],
                };
            }

            /// The same client, asking `provider` for the token of every `Authorization`
            /// scheme (http bearer, oauth2, openIdConnect) before each attempt.
            pub fn with_token_provider(mut self, provider: impl TokenProvider) -> Self {
                Arc::make_mut(&mut self.settings).tokens = Some(Arc::new(provider));
                self
            }

            /// The same client, retrying as `policy` says (by default calls are not retried).
            pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
                Arc::make_mut(&mut self.settings).retry = policy;
                self
            }

            /// The same client, giving each attempt at most `timeout` (from sending the request
            /// to the end of the body); a late answer is [`ClientError::Timeout`].
            pub fn with_timeout(mut self, timeout: Duration) -> Self {
                Arc::make_mut(&mut self.settings).timeout = Some(timeout);
                self
            }

            /// The same client, calling `hook` before and after every attempt (after the hooks
            /// added before it).
            pub fn with_hook(mut self, hook: impl Hook) -> Self {
                Arc::make_mut(&mut self.settings).hooks.push(Arc::new(hook));
                self
            }

            /// The server's base URL.
            pub fn base_url(&self) -> &str {
                &self.settings.base_url
            }

            #(#methods)*

            #(#pagers)*
        }

        /// The credential of each scheme, in the order of [`SCHEMES`].
        fn secrets(#credentials_arg: &Credentials) -> Vec<Option<Secret>> {
            vec![#(#secrets),*]
        }

        #(#servers)*
    }
}

/// A type for one of the spec's servers: its variables as fields (defaulting to the spec's
/// defaults), its URL through `url()` or `String::from`.
fn server(i: usize, s: &Server) -> TokenStream {
    let name = ident(&format!("Server{}", i + 1));
    let url = &s.url;
    let what = match s.description.as_deref().map(docs::sanitize) {
        Some(d) if !d.trim().is_empty() => format!("`{}` ({})", url.replace('`', "'"), d.trim()),
        _ => format!("`{}`", url.replace('`', "'")),
    };
    let lead = docs::lines(&format!(
        "The spec's server {what}: `Client::new({name}::default())`."
    ));
    if s.variables.is_empty() {
        return quote! {
            #lead
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
            pub struct #name;

            impl #name {
                /// The base URL.
                pub fn url(&self) -> String {
                    #url.to_owned()
                }
            }

            impl From<#name> for String {
                fn from(server: #name) -> String {
                    server.url()
                }
            }
        };
    }
    let fields = s.variables.iter().map(|v| {
        let f = ident(&v.rust);
        let mut text = format!("`{{{}}}`", v.name.replace('`', "'"));
        if let Some(d) = v.description.as_deref().map(docs::sanitize) {
            if !d.trim().is_empty() {
                text.push_str(&format!(": {}", d.trim()));
            }
        }
        text.push_str(&format!("\n\nDefault: `{}`.", v.default.replace('`', "'")));
        if !v.allowed.is_empty() {
            let allowed: Vec<String> = v
                .allowed
                .iter()
                .map(|a| format!("`{}`", a.replace('`', "'")))
                .collect();
            text.push_str(&format!(" One of {}.", allowed.join(", ")));
        }
        let doc = docs::lines(&text);
        quote! { #doc pub #f: String, }
    });
    let defaults = s.variables.iter().map(|v| {
        let f = ident(&v.rust);
        let d = &v.default;
        quote!(#f: #d.to_owned(),)
    });
    let replaces = s.variables.iter().map(|v| {
        let f = ident(&v.rust);
        let placeholder = format!("{{{}}}", v.name);
        quote!(.replace(#placeholder, &self.#f))
    });
    quote! {
        #lead
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #name { #(#fields)* }

        impl Default for #name {
            fn default() -> Self {
                #name { #(#defaults)* }
            }
        }

        impl #name {
            /// The base URL, with the variables in place.
            pub fn url(&self) -> String {
                #url.to_owned() #(#replaces)*
            }
        }

        impl From<#name> for String {
            fn from(server: #name) -> String {
                server.url()
            }
        }
    }
}

/// An expression reading a page field of `body` with `options` layers of `Option` as one
/// `Option` (`wrap`: also for no layer).
fn page_value(f: &PageField) -> TokenStream {
    let name = ident(&f.rust);
    match f.options {
        0 => quote!(Some(body.#name)),
        1 => quote!(body.#name),
        _ => quote!(body.#name.flatten()),
    }
}

/// The paging helper of a list operation: every item of every page as a `Stream`.
fn pager(api: &Api, op: &Operation) -> Option<TokenStream> {
    let p = op.pagination.as_ref()?;
    // A streamed request body is sent once: such an input cannot be sent for every page.
    if super::server::streams_request(op) {
        return None;
    }
    let param = |i: usize| -> (&Param, proc_macro2::Ident) {
        let q = &op.params[i];
        (q, ident(&q.rust))
    };
    let wire = |q: &Param| q.wire.replace('`', "'");
    let read = |q: &Param, f: &proc_macro2::Ident| {
        if q.required {
            quote!(Some(input.#f))
        } else {
            quote!(input.#f)
        }
    };
    let (first, set, how) = match &p.kind {
        PageKind::Offset(i) | PageKind::Page(i) => {
            let (q, f) = param(*i);
            let value = read(q, &f);
            let (first, how) = match p.kind {
                PageKind::Offset(_) => (
                    quote!(Position::Offset(crate::rt::client::count(#value).unwrap_or(0))),
                    format!(
                        "`{}` advanced by the items read, from the input's (0 when unset)",
                        wire(q)
                    ),
                ),
                _ => (
                    quote!(Position::Page(crate::rt::client::count(#value).unwrap_or(1))),
                    format!(
                        "`{}` advanced by one, from the input's (1 when unset)",
                        wire(q)
                    ),
                ),
            };
            let set = if q.required {
                quote!(input.#f = position.number()?;)
            } else {
                quote!(input.#f = Some(position.number()?);)
            };
            (first, set, how)
        }
        PageKind::Cursor { param: i, next } => {
            let (q, f) = param(*i);
            let first = if q.required {
                quote!(Position::Cursor(Some(input.#f.clone())))
            } else {
                quote!(Position::Cursor(input.#f.clone()))
            };
            let set = if q.required {
                quote! {
                    if let Some(cursor) = position.cursor() {
                        input.#f = cursor;
                    }
                }
            } else {
                quote!(input.#f = position.cursor();)
            };
            let how = format!(
                "`{}` set to each page's `{}`, until a page has none",
                wire(q),
                next.rust
            );
            (first, set, how)
        }
    };
    let items = {
        let name = ident(&p.items.rust);
        match p.items.options {
            0 => quote!(body.#name),
            1 => quote!(body.#name.unwrap_or_default()),
            _ => quote!(body.#name.flatten().unwrap_or_default()),
        }
    };
    let total = match &p.total {
        Some(t) => {
            let v = page_value(t);
            quote!(crate::rt::client::count(#v))
        }
        None => quote!(None),
    };
    let next = match &p.kind {
        PageKind::Cursor { next, .. } => page_value(next),
        _ => quote!(None),
    };
    let output = ident(&op.output_type);
    let mut arms = Vec::new();
    for r in &op.responses {
        let v = ident(&r.variant);
        let ranged = super::operations::has_status_field(r);
        if r.variant == p.variant {
            let pattern = if ranged {
                quote!(#output::#v(_, body, ..))
            } else {
                quote!(#output::#v(body, ..))
            };
            arms.push(quote! {
                #pattern => Ok(Page { items: #items, total: #total, next: #next }),
            });
            continue;
        }
        let fields = r.body.is_some() || r.headers_type.is_some();
        let (pattern, status) = match (ranged, fields) {
            (false, true) => (quote!(#output::#v(..)), None),
            (false, false) => (quote!(#output::#v), None),
            (true, _) => (quote!(#output::#v(status, ..)), Some(quote!(status))),
        };
        let status = status.unwrap_or_else(|| {
            let code = proc_macro2::Literal::u16_unsuffixed(r.status.unwrap_or(0));
            quote!(#code)
        });
        arms.push(quote! {
            other @ #pattern => Err(ClientError::unsuccessful(#status, &other)),
        });
    }
    let name = ident(&p.method);
    let call = ident(&op.name);
    let input_ty = ident(&op.input_type);
    let item = type_tokens(api, &p.item_ty);
    let limit = p
        .limit
        .map(|i| {
            format!(
                " Set `{}` in `input` for the page size.",
                wire(&op.params[i])
            )
        })
        .unwrap_or_default();
    let stop = match &p.total {
        Some(t) => format!("an empty page or `{}` items", t.rust),
        None => "an empty page".to_owned(),
    };
    let doc = docs::lines(&format!(
        "Every item of [`Self::{}`], page after page: {how}; it stops after {stop}.{limit} \
         An error ends the stream after it is yielded; any answer but the page is \
         [`ClientError::Unsuccessful`].",
        op.name
    ));
    let dep = op.deprecated.then(|| quote!(#[deprecated]));
    Some(quote! {
        #doc #dep
        pub fn #name<'a>(&'a self, input: &#input_ty) -> impl Stream<Item = Result<#item, ClientError>> + Send + 'a {
            let first = #first;
            let input = input.clone();
            paginate(first, move |position| {
                let mut input = input.clone();
                async move {
                    #set
                    match self.#call(&input).await?.into_inner() {
                        #(#arms)*
                    }
                }
            })
        }
    })
}

/// The first `{name}` naming a path parameter inside a literal segment: the text before it,
/// the parameter's index, and the text after it.
fn embedded_param<'a>(op: &Operation, segment: &'a str) -> Option<(&'a str, usize, &'a str)> {
    let (before, rest) = segment.split_once('{')?;
    let (name, after) = rest.split_once('}')?;
    let i = op
        .params
        .iter()
        .position(|p| p.location == ParamIn::Path && p.wire == name)?;
    Some((before, i, after))
}

/// The client method of an operation: the path and parameters put on a `Call`, the body,
/// then the answer decoded by status.
fn method(api: &Api, op: &Operation, to_given_url: bool) -> TokenStream {
    // The value of a parameter: `&input.x` when required, `input.x.as_ref()` when optional.
    let value = |p: &Param| -> TokenStream {
        let f = ident(&p.rust);
        if p.required {
            quote!(&input.#f)
        } else {
            quote!(input.#f.as_ref())
        }
    };
    let field = |p: &Param| -> TokenStream {
        let f = ident(&p.rust);
        quote!(&input.#f)
    };
    let mut steps: Vec<TokenStream> = Vec::new();
    let mut first: Option<String> = None;
    let mut literal = String::new();
    let flush = |literal: &mut String, first: &mut Option<String>, steps: &mut Vec<TokenStream>| {
        if first.is_none() {
            *first = Some(std::mem::take(literal));
        } else if !literal.is_empty() {
            let l = std::mem::take(literal);
            steps.push(quote!(call.literal(#l);));
        }
    };
    let segments = if to_given_url {
        &[][..]
    } else {
        &op.segments[..]
    };
    for s in segments {
        match s {
            Segment::Literal(l) => {
                literal.push('/');
                // `{name}` inside a segment (`a{id}b`): the router cannot serve such a path, but
                // the client calls it with the value in place (not with `%7Bid%7D`).
                let mut rest = l.as_str();
                while let Some((before, i, after)) = embedded_param(op, rest) {
                    literal.push_str(&encode_literal(before));
                    flush(&mut literal, &mut first, &mut steps);
                    let p = &op.params[i];
                    let (wire, value, style) = (&p.wire, field(p), style_tokens(p.style));
                    steps.push(quote!(call.embedded(#wire, #value, #style)?;));
                    rest = after;
                }
                literal.push_str(&encode_literal(rest));
            }
            Segment::Param(i) => {
                flush(&mut literal, &mut first, &mut steps);
                let p = &op.params[*i];
                let (wire, value) = (&p.wire, field(p));
                steps.push(if p.style == ParamStyle::Simple {
                    quote!(call.path(#wire, #value)?;)
                } else {
                    let style = style_tokens(p.style);
                    quote!(call.path_with(#wire, #value, #style)?;)
                });
            }
        }
    }
    if first.is_none() || !literal.is_empty() {
        flush(&mut literal, &mut first, &mut steps);
    }
    for p in &op.params {
        let form = p.style == ParamStyle::Form { explode: true };
        let simple = p.style == ParamStyle::Simple;
        let (w, v, style) = (&p.wire, value(p), style_tokens(p.style));
        steps.push(match p.location {
            ParamIn::Path => continue,
            ParamIn::Query if form => quote!(call.query(#w, #v)?;),
            ParamIn::Query => quote!(call.query_with(#w, #v, #style)?;),
            ParamIn::Header if simple => quote!(call.header(#w, #v)?;),
            ParamIn::Header => quote!(call.header_with(#w, #v, #style)?;),
            ParamIn::Cookie if form => quote!(call.cookie(#w, #v)?;),
            ParamIn::Cookie => quote!(call.cookie_with(#w, #v, #style)?;),
        });
    }
    if let Some(b) = &op.body {
        // `Some(..)`: a nullable body (`Option<T>`) is sent as it is, `null` included; a bare
        // `&Option<T>` would leave the type to send ambiguous (`T` or `Option<T>`).
        let v = if b.required {
            quote!(Some(&input.body))
        } else {
            quote!(input.body.as_ref())
        };
        let ct = &b.content_type;
        steps.push(match b.media {
            Media::Json => quote!(call.json(#v)?;),
            Media::Text => quote!(call.raw(#ct, #v);),
            // The input is taken by value: the stream is sent as it is read.
            Media::Binary | Media::EventStream if b.required => {
                quote!(call.stream(#ct, Some(input.body));)
            }
            Media::Binary | Media::EventStream => quote!(call.stream(#ct, input.body);),
            Media::Form => {
                let parts = super::server::part_list(&b.parts);
                quote!(call.form(#v, #parts)?;)
            }
            Media::Multipart => {
                let adds = b.parts.iter().map(|p| {
                    let rust = ident(&p.rust);
                    let wire = &p.wire;
                    let repeated = p.repeated;
                    match p.kind {
                        PartKind::File => quote!(form.file(#wire, &body.#rust);),
                        PartKind::Json | PartKind::DeepObject => {
                            quote!(form.part(#wire, &body.#rust, crate::rt::PartKind::Json, #repeated)?;)
                        }
                        PartKind::Text => {
                            quote!(form.part(#wire, &body.#rust, crate::rt::PartKind::Text, #repeated)?;)
                        }
                    }
                });
                let rest = super::server::struct_of(api, &b.ty)
                    .is_some_and(|(_, additional)| additional)
                    .then(|| quote!(form.rest(&body.additional_properties)?;));
                let build = quote! {
                    let mut form = crate::rt::client::Multipart::new();
                    #(#adds)*
                    #rest
                    call.multipart(form);
                };
                if b.required {
                    quote!({ let body = &input.body; #build })
                } else {
                    quote!(if let Some(body) = input.body.as_ref() { #build })
                }
            }
        });
    }
    let http_method = op.method.as_upper();
    let first = first.unwrap_or_default();
    let call = if steps.is_empty() {
        quote!(let call = self.settings.call(#http_method, #first);)
    } else {
        quote!(let mut call = self.settings.call(#http_method, #first);)
    };
    let output = ident(&op.output_type);
    // A response's value: its status when not fixed, its body, its declared headers.
    let value = |r: &Response| {
        let v = ident(&r.variant);
        let mut parts = Vec::new();
        if super::operations::has_status_field(r) {
            parts.push(quote!(status));
        }
        if let Some(b) = &r.body {
            parts.push(decode_body(b));
        }
        if let Some(h) = &r.headers_type {
            let h = ident(h);
            let fields = r.headers.iter().map(|p| {
                let f = ident(&p.rust);
                let wire = &p.wire;
                match p.required {
                    true => quote!(#f: received.required_header(#wire)?),
                    false => quote!(#f: received.header(#wire)?),
                }
            });
            parts.push(quote!(#h { #(#fields),* }));
        }
        match parts.is_empty() {
            true => quote!(#output::#v),
            false => quote!(#output::#v(#(#parts),*)),
        }
    };
    let mut fixed = Vec::new();
    let mut ranges = Vec::new();
    let mut default = None;
    for r in &op.responses {
        let e = value(r);
        match (r.status, r.range) {
            (Some(code), _) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                fixed.push(quote!(#code => #e,));
            }
            (None, Some(d)) => {
                let lo = proc_macro2::Literal::u16_unsuffixed(d as u16 * 100);
                let hi = proc_macro2::Literal::u16_unsuffixed(d as u16 * 100 + 99);
                ranges.push(quote!(status @ #lo..=#hi => #e,));
            }
            (None, None) => default = Some(quote!(status => #e,)),
        }
    }
    // Only a `default` response: every status is it (a `match` with one binding arm is what
    // clippy calls `match_single_binding`).
    let only_default = fixed.is_empty() && ranges.is_empty() && default.is_some();
    let fallback = default.unwrap_or_else(|| quote!(_ => return Err(received.unexpected().await),));
    // No documented response at all: every answer is unexpected (a `match` with only the
    // fallback would make `Ok(..)` unreachable code).
    let finish = if op.responses.is_empty() {
        quote!(Err(received.unexpected().await))
    } else if only_default {
        let e = value(&op.responses[0]);
        quote! {
            let status = received.status;
            let output = #e;
            Ok(received.answer(output))
        }
    } else {
        // A range that overlaps a fixed status, or a `default` after every range, is
        // unreachable only in part; the compiler would flag the fallback when a `default` is
        // documented.
        let allow = (!ranges.is_empty()).then(|| quote!(#[allow(unreachable_patterns)]));
        quote! {
            #allow
            let output = match received.status { #(#fixed)* #(#ranges)* #fallback };
            Ok(received.answer(output))
        }
    };
    // Reading a body takes it out of the response.
    let received = match op.responses.iter().any(|r| r.body.is_some()) {
        true => quote!(mut received),
        false => quote!(received),
    };
    let docs = operation_docs(op);
    let dep = op.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&op.name);
    let input = ident(&op.input_type);
    let input = if super::server::streams_request(op) {
        Some(quote!(, input: #input))
    } else {
        op.has_input().then(|| quote!(, input: &#input))
    };
    let label = &op.name;
    let sets = op.security.iter().map(|set| {
        let set = set
            .iter()
            .map(|i| proc_macro2::Literal::usize_unsuffixed(*i));
        quote!(&[#(#set),*])
    });
    quote! {
        #docs #dep
        pub async fn #name(&self #input) -> Result<Answer<#output>, ClientError> {
            #call
            #(#steps)*
            let #received = self.settings.send(Op { name: #label, security: &[#(#sets),*] }, call).await?;
            #finish
        }
    }
}

/// Reads a documented response's body: JSON and text whole, a binary body or events as a
/// stream.
fn decode_body(b: &ResponseBody) -> TokenStream {
    match b.media {
        Media::Json => quote!(received.json().await?),
        Media::Text => quote!(received.text().await?),
        // Multipart and form responses are passed as bytes (`build` makes them `Binary`).
        Media::Binary | Media::Multipart | Media::Form => quote!(received.stream()),
        Media::EventStream if b.ty == TypeRef::Events(Box::new(TypeRef::String)) => {
            quote!(received.text_events())
        }
        Media::EventStream => quote!(received.json_events()),
    }
}
