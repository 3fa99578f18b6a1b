//! `src/client.rs`: a typed reqwest client with one async method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::operations::operation_docs;
use super::template::{self, Subst};
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

/// The client module: the module's items as tokens, `impl Client` as a syntax tree whose
/// operation methods are filled-in templates.
pub fn emit(api: &Api) -> Vec<super::Piece<'_>> {
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
    let header = quote! {
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
    };
    // Parsed once per crate: the body of `send` depends on the API's credential headers.
    let client = quote! {
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
        }
    };
    let mut pieces = vec![super::Piece::Tokens(header)];
    match syn::parse2::<syn::Item>(client.clone()) {
        Ok(mut item) => {
            if let syn::Item::Impl(i) = &mut item {
                i.items.extend(api.operations.iter().map(method));
            }
            pieces.push(item.into());
        }
        // Never taken: the tokens above are the generator's own; formatting them reports it.
        Err(_) => pieces.push(super::Piece::Tokens(client)),
    }
    pieces
}

/// The runtime `Style` value for a parameter style (the module imports `crate::rt::Style`).
fn style_expr(style: ParamStyle) -> syn::Expr {
    let explode = |e: bool| Subst::new().expr("__explode", template::bool_expr(e));
    match style {
        ParamStyle::Form { explode: true } => {
            Subst::new().apply("client-style-form", || quote!(Style::FORM))
        }
        ParamStyle::Form { explode: e } => explode(e).apply("client-style-form-explode", || {
            quote!(Style::Form { explode: __explode })
        }),
        ParamStyle::Simple => Subst::new().apply("client-style-simple", || quote!(Style::Simple)),
        ParamStyle::Label { explode: e } => explode(e).apply("client-style-label", || {
            quote!(Style::Label { explode: __explode })
        }),
        ParamStyle::Matrix { explode: e } => explode(e).apply("client-style-matrix", || {
            quote!(Style::Matrix { explode: __explode })
        }),
        ParamStyle::SpaceDelimited => {
            Subst::new().apply("client-style-space", || quote!(Style::SpaceDelimited))
        }
        ParamStyle::PipeDelimited => {
            Subst::new().apply("client-style-pipe", || quote!(Style::PipeDelimited))
        }
        ParamStyle::DeepObject => {
            Subst::new().apply("client-style-deep", || quote!(Style::DeepObject))
        }
        ParamStyle::Json => Subst::new().apply("client-style-json", || quote!(Style::Json)),
        ParamStyle::Loose => Subst::new().apply("client-style-loose", || quote!(Style::Loose)),
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

/// A call step: `call.<name>(wire, value, style)?;` and the like, by template.
fn step(
    name: &'static str,
    make: impl FnOnce() -> TokenStream + 'static,
    wire: &str,
    value: Option<syn::Expr>,
    style: Option<syn::Expr>,
) -> syn::Stmt {
    let mut subst = Subst::new().expr("__wire", template::str_expr(wire));
    if let Some(v) = value {
        subst = subst.expr("__value", v);
    }
    if let Some(s) = style {
        subst = subst.expr("__style", s);
    }
    subst.apply(name, make)
}

fn method(op: &Operation) -> syn::ImplItem {
    // The value of a parameter: `&input.x` when required, `input.x.as_ref()` when optional.
    let value = |p: &Param| -> syn::Expr {
        let subst = Subst::new().ident("__f", ident(&p.rust));
        if p.required {
            subst.apply("client-required-value", || quote!(&input.__f))
        } else {
            subst.apply("client-optional-value", || quote!(input.__f.as_ref()))
        }
    };
    let field = |p: &Param| -> syn::Expr {
        Subst::new()
            .ident("__f", ident(&p.rust))
            .apply("client-required-value", || quote!(&input.__f))
    };
    let mut steps: Vec<syn::Stmt> = Vec::new();
    let mut first: Option<String> = None;
    let mut literal = String::new();
    let flush = |literal: &mut String, first: &mut Option<String>, steps: &mut Vec<syn::Stmt>| {
        if first.is_none() {
            *first = Some(std::mem::take(literal));
        } else if !literal.is_empty() {
            let l = std::mem::take(literal);
            steps.push(step(
                "client-literal",
                || quote!(call.literal(__wire);),
                &l,
                None,
                None,
            ));
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
                    steps.push(step(
                        "client-embedded",
                        || quote!(call.embedded(__wire, __value, __style)?;),
                        &p.wire,
                        Some(field(p)),
                        Some(style_expr(p.style)),
                    ));
                    rest = after;
                }
                literal.push_str(&encode_literal(rest));
            }
            Segment::Param(i) => {
                flush(&mut literal, &mut first, &mut steps);
                let p = &op.params[*i];
                steps.push(if p.style == ParamStyle::Simple {
                    step(
                        "client-path",
                        || quote!(call.path(__wire, __value)?;),
                        &p.wire,
                        Some(field(p)),
                        None,
                    )
                } else {
                    step(
                        "client-path-with",
                        || quote!(call.path_with(__wire, __value, __style)?;),
                        &p.wire,
                        Some(field(p)),
                        Some(style_expr(p.style)),
                    )
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
        let (w, v) = (&p.wire, Some(value(p)));
        let styled = || Some(style_expr(p.style));
        match p.location {
            ParamIn::Path => {}
            ParamIn::Query if form => steps.push(step(
                "client-query",
                || quote!(call.query(__wire, __value)?;),
                w,
                v,
                None,
            )),
            ParamIn::Query => steps.push(step(
                "client-query-with",
                || quote!(call.query_with(__wire, __value, __style)?;),
                w,
                v,
                styled(),
            )),
            ParamIn::Header if simple => steps.push(step(
                "client-header",
                || quote!(call.header(__wire, __value)?;),
                w,
                v,
                None,
            )),
            ParamIn::Header => steps.push(step(
                "client-header-with",
                || quote!(call.header_with(__wire, __value, __style)?;),
                w,
                v,
                styled(),
            )),
            ParamIn::Cookie if form => steps.push(step(
                "client-cookie",
                || quote!(call.cookie(__wire, __value)?;),
                w,
                v,
                None,
            )),
            ParamIn::Cookie => steps.push(step(
                "client-cookie-with",
                || quote!(call.cookie_with(__wire, __value, __style)?;),
                w,
                v,
                styled(),
            )),
        }
    }
    if let Some(b) = &op.body {
        let v: syn::Expr = if b.required {
            Subst::new().apply("client-required-body-value", || quote!(&input.body))
        } else {
            Subst::new().apply("client-optional-body-value", || quote!(input.body.as_ref()))
        };
        let subst = Subst::new().expr("__value", v);
        steps.push(match b.media {
            Media::Json => subst.apply("client-json-step", || quote!(call.json(__value)?;)),
            Media::Text | Media::Binary => subst
                .expr("__ct", template::str_expr(&b.content_type))
                .apply("client-raw-step", || quote!(call.raw(__ct, __value);)),
        });
    }
    let uses_input = op.body.is_some() || !op.params.is_empty();
    let call = Subst::new()
        .expr("__method", template::str_expr(op.method.as_upper()))
        .expr("__first", template::str_expr(&first.unwrap_or_default()));
    let call: syn::Stmt = if steps.is_empty() {
        call.apply(
            "client-call",
            || quote!(let call = self.call(__method, __first);),
        )
    } else {
        call.apply(
            "client-mut-call",
            || quote!(let mut call = self.call(__method, __first);),
        )
    };
    let output = ident(&op.output_type);
    let mut fixed = Vec::new();
    let mut ranges = Vec::new();
    let mut default = None;
    for r in &op.responses {
        let decode: Option<syn::Expr> = r.body.as_ref().map(|b| match b.media {
            Media::Json => Subst::new().apply("client-decode-json", || quote!(received.json()?)),
            Media::Text => Subst::new().apply("client-decode-text", || quote!(received.text()?)),
            Media::Binary => {
                Subst::new().apply("client-decode-bytes", || quote!(received.bytes()?))
            }
        });
        let subst = Subst::new()
            .ident("__Output", output.clone())
            .ident("__v", ident(&r.variant));
        match (r.status, r.range) {
            (Some(code), _) => {
                let e: syn::Expr = match decode {
                    Some(d) => subst
                        .expr("__d", d)
                        .apply("client-variant-body", || quote!(__Output::__v(__d))),
                    None => subst.apply("client-variant", || quote!(__Output::__v)),
                };
                fixed.push(
                    Subst::new()
                        .pat("__code", template::u16_pat(code))
                        .expr("__e", e)
                        .apply::<syn::Arm, _>("client-fixed-arm", || quote!(__code => __e,)),
                );
            }
            (None, range) => {
                let e: syn::Expr = match decode {
                    Some(d) => subst
                        .expr("__d", d)
                        .apply("client-variant-status-body", || {
                            quote!(__Output::__v(status, __d))
                        }),
                    None => subst.apply("client-variant-status", || quote!(__Output::__v(status))),
                };
                match range {
                    Some(d) => ranges.push(
                        Subst::new()
                            .expr("__lo", template::u16_expr(d as u16 * 100))
                            .expr("__hi", template::u16_expr(d as u16 * 100 + 99))
                            .expr("__e", e)
                            .apply::<syn::Arm, _>(
                                "client-range-arm",
                                || quote!(status @ __lo..=__hi => __e,),
                            ),
                    ),
                    None => {
                        default =
                            Some(Subst::new().expr("__e", e).apply::<syn::Arm, _>(
                                "client-default-arm",
                                || quote!(status => __e,),
                            ))
                    }
                }
            }
        }
    }
    let fallback = default.unwrap_or_else(|| {
        Subst::new().apply(
            "client-unexpected-arm",
            || quote!(_ => return Err(received.unexpected()),),
        )
    });
    // No documented response at all: every answer is unexpected (a `match` with only the
    // fallback would make `Ok(..)` unreachable code).
    let finish: Vec<syn::Stmt> = if op.responses.is_empty() {
        vec![syn::Stmt::Expr(
            Subst::new().apply("client-unexpected", || quote!(Err(received.unexpected()))),
            None,
        )]
    } else {
        let mut arms = fixed;
        // A range that overlaps a fixed status, or a `default` after every range, is
        // unreachable only in part; the compiler would flag the fallback when a `default` is
        // documented.
        let allow = !ranges.is_empty();
        arms.extend(ranges);
        arms.push(fallback);
        let mut decide: syn::Stmt = Subst::new().arms("__arms", arms).apply(
            "client-decide",
            || quote!(let output = match received.status { __arms => {} };),
        );
        if allow {
            if let syn::Stmt::Local(l) = &mut decide {
                l.attrs
                    .push(super::syntax::list("allow", quote!(unreachable_patterns)));
            }
        }
        let ok = Subst::new().apply("client-ok-output", || quote!(Ok(output)));
        vec![decide, syn::Stmt::Expr(ok, None)]
    };
    let unused: Vec<syn::Stmt> = if uses_input {
        vec![]
    } else {
        vec![Subst::new().apply("client-input-unused", || quote!(let _ = input;))]
    };
    let mut item: syn::ImplItem = Subst::new()
        .ident("__name", ident(&op.name))
        .ident("__Input", ident(&op.input_type))
        .ident("__Output", output)
        .stmts("__unused", unused)
        .stmts("__call", vec![call])
        .stmts("__steps", steps)
        .expr(
            "__authenticated",
            template::bool_expr(op.auth != AuthUse::None),
        )
        .stmts("__finish", finish)
        .apply("client-client-method", || {
            quote! {
                pub async fn __name(&self, input: &__Input) -> Result<__Output, ClientError> {
                    __unused;
                    __call;
                    __steps;
                    let received = self.send(call, __authenticated).await?;
                    __finish;
                }
            }
        });
    if let syn::ImplItem::Fn(f) = &mut item {
        f.attrs = operation_docs(op).syntax();
        if op.deprecated {
            f.attrs.push(super::syntax::word("deprecated"));
        }
    }
    item
}
