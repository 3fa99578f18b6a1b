//! `src/client.rs`: a typed reqwest client with one async method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::operations::{has_status_field, operation_docs, style_tokens};
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

/// The client module.
pub fn emit(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| method(api, op));
    let cred_wires: Vec<&str> = api.auth_headers.iter().map(|h| h.wire.as_str()).collect();
    let cred_fields: Vec<_> = api.auth_headers.iter().map(|h| ident(&h.field)).collect();
    quote! {
        //! Client side: [`Client`] calls the API over HTTP with typed inputs and outputs.
        #![allow(deprecated)]
        #![allow(unused_imports)]
        use crate::models::*;
        use crate::operations::*;
        use crate::rt::client::{param_text, push_path_param, push_query, Received};
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

            #[allow(dead_code)]
            fn authenticate(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
                match &self.credentials {
                    Some(c) => request #(.header(#cred_wires, c.#cred_fields.as_str()))*,
                    None => request,
                }
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

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let input = ident(&op.input_type);
    let output = ident(&op.output_type);
    let docs = operation_docs(op);
    let dep = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    let mut url_parts = Vec::new();
    let mut literal = String::new();
    let mut uses_input = op.body.is_some() || op.params.iter().any(|p| p.location != ParamIn::Path);
    for s in &op.segments {
        match s {
            Segment::Literal(l) => {
                literal.push('/');
                // `{name}` inside a segment (`a{id}b`): the router cannot serve such a path, but
                // the client calls it with the value in place (not with `%7Bid%7D`).
                let mut rest = l.as_str();
                while let Some((before, i, after)) = embedded_param(op, rest) {
                    literal.push_str(&encode_literal(before));
                    url_parts.push(quote!(url.push_str(#literal);));
                    literal.clear();
                    let p = &op.params[i];
                    let f = ident(&p.rust);
                    let wire = &p.wire;
                    let style = style_tokens(p.style);
                    url_parts.push(quote! {{
                        let mut piece = String::new();
                        push_path_param(&mut piece, #wire, &input.#f, #style)?;
                        url.push_str(piece.strip_prefix('/').unwrap_or(&piece));
                    }});
                    uses_input = true;
                    rest = after;
                }
                literal.push_str(&encode_literal(rest));
            }
            Segment::Param(i) => {
                uses_input = true;
                if !literal.is_empty() {
                    url_parts.push(quote!(url.push_str(#literal);));
                    literal.clear();
                }
                let p = &op.params[*i];
                let f = ident(&p.rust);
                let wire = &p.wire;
                let style = style_tokens(p.style);
                url_parts.push(quote!(push_path_param(&mut url, #wire, &input.#f, #style)?;));
            }
        }
    }
    if !literal.is_empty() {
        url_parts.push(quote!(url.push_str(#literal);));
    }
    let query = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ParamIn::Query))
        .map(|p| {
            let f = ident(&p.rust);
            let wire = &p.wire;
            let style = style_tokens(p.style);
            if p.required {
                quote!(push_query(&mut query, #wire, &input.#f, #style)?;)
            } else {
                quote!(if let Some(v) = &input.#f { push_query(&mut query, #wire, v, #style)?; })
            }
        });
    let headers = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ParamIn::Header | ParamIn::Cookie))
        .map(|p| {
            let f = ident(&p.rust);
            let wire = &p.wire;
            let style = style_tokens(p.style);
            let value = if p.location == ParamIn::Cookie {
                quote!(format!("{}={}", #wire, param_text(v, #style)?))
            } else {
                quote!(param_text(v, #style)?)
            };
            let header = if p.location == ParamIn::Cookie {
                "Cookie"
            } else {
                wire.as_str()
            };
            if p.required {
                quote!({ let v = &input.#f; request = request.header(#header, #value); })
            } else {
                quote!(if let Some(v) = &input.#f { request = request.header(#header, #value); })
            }
        });
    let body = op.body.as_ref().map(|b| {
        let ct = &b.content_type;
        let set = match b.media {
            Media::Json => quote!(request = request.json(body);),
            Media::Text => {
                quote!(request = request.header("content-type", #ct).body(body.clone());)
            }
            Media::Binary => {
                quote!(request = request.header("content-type", #ct).body(body.clone());)
            }
        };
        if b.required {
            quote!({ let body = &input.body; #set })
        } else {
            quote!(if let Some(body) = &input.body { #set })
        }
    });
    let auth = if op.auth == AuthUse::None {
        quote!()
    } else {
        quote!(request = self.authenticate(request);)
    };
    let method = ident(op.method.as_upper());
    let mut fixed = Vec::new();
    let mut ranges = Vec::new();
    let mut default = None;
    for r in &op.responses {
        let v = ident(&r.variant);
        let decode = r.body.as_ref().map(|b| match b.media {
            Media::Json => quote!(received.json()?),
            Media::Text => quote!(received.text()?),
            Media::Binary => quote!(received.bytes()?),
        });
        match (r.status, r.range) {
            (Some(code), _) => {
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
                let _ = has_status_field(r);
                match range {
                    Some(d) => {
                        let lo = d as u16 * 100;
                        let hi = lo + 99;
                        ranges.push(quote!(status @ #lo..=#hi => #e,));
                    }
                    None => default = Some(quote!(status => #e,)),
                }
            }
        }
    }
    let fallback = default.unwrap_or_else(|| quote!(_ => return Err(received.unexpected()),));
    // No documented response at all: every answer is unexpected (a `match` with only the
    // fallback would make `Ok(output)` unreachable code).
    let finish = if op.responses.is_empty() {
        quote!(Err(received.unexpected()))
    } else {
        quote! {
            #[allow(unreachable_patterns)]
            let output = match received.status {
                #(#fixed)*
                #(#ranges)*
                #fallback
            };
            Ok(output)
        }
    };
    let _ = api;
    let uses_query = op.params.iter().any(|p| p.location == ParamIn::Query);
    let query_setup = if uses_query {
        quote! {
            let mut query: Vec<(String, String)> = Vec::new();
            #(#query)*
            request = request.query(&query);
        }
    } else {
        quote!()
    };
    let input_unused = if !uses_input {
        quote!(let _ = input;)
    } else {
        quote!()
    };
    quote! {
        #docs
        #dep
        pub async fn #name(&self, input: &#input) -> Result<#output, ClientError> {
            #input_unused
            #[allow(unused_mut)]
            let mut url = self.base_url.clone();
            #(#url_parts)*
            #[allow(unused_mut)]
            let mut request = self.http.request(reqwest::Method::#method, url);
            #query_setup
            #auth
            #(#headers)*
            #body
            let received = Received::read(request.send().await?).await?;
            #finish
        }
    }
}
