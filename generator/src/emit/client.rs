//! `src/client.rs`: a typed reqwest client with one async method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::operations::{operation_docs, style_tokens};
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

/// The client module: the `Client` type and one method per operation.
pub fn emit(api: &Api) -> TokenStream {
    let cred_wires: Vec<&str> = api.auth_headers.iter().map(|h| h.wire.as_str()).collect();
    let cred_fields: Vec<_> = api.auth_headers.iter().map(|h| ident(&h.field)).collect();
    let send_body = if cred_wires.is_empty() {
        quote! {
            let _ = authenticated;
            Received::read(call.build(&self.http).send().await?).await
        }
    } else {
        quote! {
            let mut request = call.build(&self.http);
            if let (true, Some(c)) = (authenticated, &self.credentials) {
                request = request #(.header(#cred_wires, c.#cred_fields.as_str()))*;
            }
            Received::read(request.send().await?).await
        }
    };
    let methods = api.operations.iter().map(method);
    quote! {
        //! Client side: [`Client`] calls the API over HTTP with typed inputs and outputs.
        #![allow(deprecated)]
        #![allow(unused_imports)]
        use crate::models::*;
        use crate::operations::*;
        use crate::rt::client::{Call, Received};
        use crate::rt::Style;
        pub use crate::rt::client::ClientError;

        /// A client for the API.
        #[derive(Debug, Clone)]
        pub struct Client {
            base_url: String,
            http: reqwest::Client,
            credentials: Option<Credentials>,
        }

        impl Client {
            /// A client for the server at `base_url` (such as `http://127.0.0.1:3000`).
            pub fn new(base_url: impl Into<String>) -> Self {
                Self::with_http_client(base_url, reqwest::Client::new())
            }

            /// A client that sends its requests through `http` (for timeouts, proxies, TLS settings).
            pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
                let base_url = base_url.into().trim_end_matches('/').to_owned();
                Client { base_url, http, credentials: None }
            }

            /// The same client, sending `credentials` to operations that take them.
            pub fn with_credentials(mut self, credentials: Credentials) -> Self {
                self.credentials = Some(credentials);
                self
            }

            /// Sets or clears the credentials.
            pub fn set_credentials(&mut self, credentials: Option<Credentials>) {
                self.credentials = credentials;
            }

            /// The server's base URL.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            /// A call to an operation's path on this client's server.
            fn call(&self, method: &str, path: &str) -> Call {
                Call::new(method, &self.base_url, path)
            }

            /// Sends a call (with the credentials, when `authenticated` and set) and reads the answer.
            async fn send(&self, call: Call, authenticated: bool) -> Result<Received, ClientError> {
                #send_body
            }

            #(#methods)*
        }
    }
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
fn method(op: &Operation) -> TokenStream {
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
    for s in &op.segments {
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
            Media::Text | Media::Binary => quote!(call.raw(#ct, #v);),
        });
    }
    let http_method = op.method.as_upper();
    let first = first.unwrap_or_default();
    let call = if steps.is_empty() {
        quote!(let call = self.call(#http_method, #first);)
    } else {
        quote!(let mut call = self.call(#http_method, #first);)
    };
    let output = ident(&op.output_type);
    let mut fixed = Vec::new();
    let mut ranges = Vec::new();
    let mut default = None;
    for r in &op.responses {
        let decode = r.body.as_ref().map(|b| match b.media {
            Media::Json => quote!(received.json()?),
            Media::Text => quote!(received.text()?),
            Media::Binary => quote!(received.bytes()?),
        });
        let v = ident(&r.variant);
        match (r.status, r.range) {
            (Some(code), _) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                let e = match decode {
                    Some(d) => quote!(#output::#v(#d)),
                    None => quote!(#output::#v),
                };
                fixed.push(quote!(#code => #e,));
            }
            (None, range) => {
                let e = match decode {
                    Some(d) => quote!(#output::#v(status, #d)),
                    None => quote!(#output::#v(status)),
                };
                match range {
                    Some(d) => {
                        let lo = proc_macro2::Literal::u16_unsuffixed(d as u16 * 100);
                        let hi = proc_macro2::Literal::u16_unsuffixed(d as u16 * 100 + 99);
                        ranges.push(quote!(status @ #lo..=#hi => #e,));
                    }
                    None => default = Some(quote!(status => #e,)),
                }
            }
        }
    }
    let fallback = default.unwrap_or_else(|| quote!(_ => return Err(received.unexpected()),));
    // No documented response at all: every answer is unexpected (a `match` with only the
    // fallback would make `Ok(..)` unreachable code).
    let finish = if op.responses.is_empty() {
        quote!(Err(received.unexpected()))
    } else {
        // A range that overlaps a fixed status, or a `default` after every range, is
        // unreachable only in part; the compiler would flag the fallback when a `default` is
        // documented.
        let allow = (!ranges.is_empty()).then(|| quote!(#[allow(unreachable_patterns)]));
        quote! {
            #allow
            let output = match received.status { #(#fixed)* #(#ranges)* #fallback };
            Ok(output)
        }
    };
    let docs = operation_docs(op);
    let dep = op.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&op.name);
    let input = ident(&op.input_type);
    let input = op.has_input().then(|| quote!(, input: &#input));
    let authenticated = op.auth != AuthUse::None;
    quote! {
        #docs #dep
        pub async fn #name(&self #input) -> Result<#output, ClientError> {
            #call
            #(#steps)*
            let received = self.send(call, #authenticated).await?;
            #finish
        }
    }
}
