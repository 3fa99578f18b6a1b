//! `src/server.rs`: the `Api` trait (one async method per operation, 501 by default), the
//! axum router with request validation, and `IntoResponse` for every output enum.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::operations::{has_status_field, operation_docs};
use super::schemas::SchemaNames;
use crate::ir::*;

/// Rocket.Chat's answer to a request without credentials, used when the spec gives no example.
const DEFAULT_UNAUTHORIZED: &str =
    r#"{"status":"error","message":"You must be logged in to do this."}"#;

/// The credential parameter a trait method takes, if any.
fn credential_param(op: &Operation) -> TokenStream {
    match op.auth {
        AuthUse::None => quote!(),
        AuthUse::Required => quote!(credentials: Credentials,),
        AuthUse::Optional => quote!(credentials: Option<Credentials>,),
    }
}

/// The trait method of an operation, whose default answers 501.
fn trait_method(op: &Operation) -> TokenStream {
    let docs = operation_docs(op);
    let dep = op.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&op.name);
    let input = ident(&op.input_type);
    let input = op.has_input().then(|| quote!(input: #input));
    let output = ident(&op.output_type);
    let credentials = credential_param(op);
    let label = &op.name;
    quote! {
        #docs #dep
        fn #name(&self, #credentials #input) -> impl Future<Output = Result<#output, ApiError>> + Send {
            async { Err(ApiError::not_implemented(#label)) }
        }
    }
}

/// The server module: the `Api` trait, the router and its helpers, a handler per routed
/// operation and an `IntoResponse` impl per output.
pub fn emit(api: &Api) -> TokenStream {
    let names = SchemaNames::new(api);

    // The documented 401 bodies, each written once.
    let mut unauthorized: BTreeMap<String, usize> = BTreeMap::new();
    for op in api
        .operations
        .iter()
        .filter(|op| op.auth == AuthUse::Required)
    {
        let n = unauthorized.len();
        unauthorized.entry(unauthorized_body(op)).or_insert(n);
    }
    let unauthorized_consts = unauthorized.iter().map(|(body, n)| {
        let name = ident(&format!("UNAUTHORIZED_{n}"));
        quote! {
            /// A documented 401 body.
            const #name: &str = #body;
        }
    });
    let handlers = api
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.unroutable.is_none())
        .map(|(oi, op)| handler(api, &names, &unauthorized, oi, op));

    // Group routes by their axum path (same shape, different methods share one route).
    let mut routes: BTreeMap<String, Vec<(String, TokenStream)>> = BTreeMap::new();
    for op in api.operations.iter().filter(|op| op.unroutable.is_none()) {
        let mut path = String::new();
        let mut n = 0;
        for s in &op.segments {
            path.push('/');
            match s {
                // As the client sends it: axum matches the path before percent-decoding.
                Segment::Literal(l) => path.push_str(&super::client::encode_literal(l)),
                Segment::Param(_) => {
                    path.push_str(&format!("{{p{n}}}"));
                    n += 1;
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        let verb = op.method.as_upper().to_ascii_lowercase();
        let method = ident(&verb);
        let handler = ident(&format!("handle_{}", op.name));
        routes
            .entry(path)
            .or_default()
            .push((verb, quote!(#method(#handler::<A>))));
    }
    // The routing functions that start a route (`get(..)`, `post(..)`), imported by name.
    let verbs: BTreeSet<String> = routes.values().map(|ms| ms[0].0.clone()).collect();
    let routes = routes.into_iter().map(|(path, ms)| {
        let ms: Vec<&TokenStream> = ms.iter().map(|(_, t)| t).collect();
        let first = &ms[0];
        let rest = &ms[1..];
        quote! { .route(#path, #first #(.#rest)*) }
    });
    let verbs = verbs.iter().map(|v| ident(v));

    let into_responses = api.operations.iter().map(into_response);
    let trait_methods = api.operations.iter().map(trait_method);
    let schemes: Vec<TokenStream> = api
        .security_schemes
        .iter()
        .map(super::client::scheme_tokens)
        .collect();
    let scheme_count = schemes.len();
    let cred_fields = api.security_schemes.iter().enumerate().map(|(i, s)| {
        let f = ident(&s.field);
        let get = match s.kind {
            SchemeKind::Basic => quote!(Credential::basic),
            _ => quote!(Credential::text),
        };
        // A field of every set is there: the set found complete has it.
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        if s.always {
            quote!(#f: values[#i].take().and_then(#get)?,)
        } else {
            quote!(#f: values[#i].take().and_then(#get),)
        }
    });
    // `mut`: fields take their values out.
    let values = if scheme_count == 0 {
        quote!(values)
    } else {
        quote!(mut values)
    };
    let scheme_count = proc_macro2::Literal::usize_unsuffixed(scheme_count);

    quote! {
        //! Server side: implement [`Api`] for your type and serve [`router`] with axum.
        #![allow(deprecated)]
        #![allow(unused_imports)]
        use std::future::Future;
        use std::sync::Arc;

        use axum::response::{IntoResponse, Response};
        use axum::Router;

        use crate::models::*;
        use crate::operations::*;
        use axum::routing::{#(#verbs),*};
        use crate::rt::server::{empty, json, raw, respond, Credential, Incoming, RequestParts, Shared};
        use crate::rt::Scheme;
        use crate::schemas as s;
        pub use crate::rt::server::{ApiError, RouterConfig};

        /// The API as a server implements it: one method per operation. Every method has a
        /// default that answers 501 Not Implemented, so an implementation writes only the
        /// operations it serves. Futures must be `Send` (usable from a multi-threaded runtime).
        #[allow(unused_variables)]
        pub trait Api: Send + Sync + 'static {
            /// Checks the credentials of every operation that takes them, before its request is
            /// validated (as Rocket.Chat does). The default accepts them; return an
            /// [`ApiError`] (usually 401) to refuse.
            fn authenticate(&self, credentials: &Credentials) -> impl Future<Output = Result<(), ApiError>> + Send {
                async { Ok(()) }
            }
            #(#trait_methods)*
        }

        /// A router for every operation of the API with the default settings.
        pub fn router<A: Api>(api: A) -> Router {
            router_with_config(api, RouterConfig::default())
        }

        /// A router for every operation of the API. Requests are validated against the spec
        /// before a handler runs; bad requests get Rocket.Chat-shaped 4xx answers.
        pub fn router_with_config<A: Api>(api: A, config: RouterConfig) -> Router {
            let limit = config.body_limit;
            // Literal segments may start with `:` or `*` (no capture syntax in axum 0.8).
            Router::new()
                .without_v07_checks()
                #(#routes)*
                .fallback(crate::rt::server::not_found)
                .method_not_allowed_fallback(crate::rt::server::method_not_allowed)
                .layer(axum::extract::DefaultBodyLimit::max(limit))
                .with_state(Arc::new(Shared { api, config }))
        }

        /// The API's security schemes, as requests carry them.
        #[allow(dead_code)]
        const SCHEMES: [Scheme; #scheme_count] = [#(#schemes),*];

        /// The credentials the request carries, when they complete one of `sets` (each a list
        /// of indexes into [`SCHEMES`]); every scheme's credential that was sent.
        #[allow(dead_code)]
        fn received(req: &RequestParts, sets: &[&[usize]]) -> Option<Credentials> {
            let #values = req.credentials(&SCHEMES);
            let complete = sets.iter().any(|set| !set.is_empty() && set.iter().all(|&i| values[i].is_some()));
            if !complete {
                return None;
            }
            Some(Credentials { #(#cred_fields)* })
        }

        /// Credentials completing one of `sets` (else the documented 401) and accepted by
        /// [`Api::authenticate`].
        #[allow(dead_code)]
        async fn authenticated<A: Api>(api: &A, req: &RequestParts, sets: &[&[usize]], unauthorized: &str) -> Result<Credentials, ApiError> {
            let credentials = received(req, sets).ok_or_else(|| ApiError::unauthorized(unauthorized))?;
            api.authenticate(&credentials).await?;
            Ok(credentials)
        }

        /// Credentials when they complete one of `sets` (and then accepted by
        /// [`Api::authenticate`]).
        #[allow(dead_code)]
        async fn optionally_authenticated<A: Api>(api: &A, req: &RequestParts, sets: &[&[usize]]) -> Result<Option<Credentials>, ApiError> {
            let credentials = received(req, sets);
            if let Some(credentials) = &credentials {
                api.authenticate(credentials).await?;
            }
            Ok(credentials)
        }

        #[allow(dead_code)]
        fn required<T>(value: Option<T>) -> Result<T, ApiError> {
            value.ok_or_else(|| ApiError::invalid_params("request body is required"))
        }

        #(#unauthorized_consts)*
        #(#handlers)*
        #(#into_responses)*
    }
}

fn unauthorized_body(op: &Operation) -> String {
    op.responses
        .iter()
        .find(|r| r.status == Some(401))
        .and_then(|r| r.examples.first())
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| DEFAULT_UNAUTHORIZED.to_owned())
}

/// The handler of a routed operation: credentials, input from parameters and body, the call.
fn handler(
    api: &Api,
    names: &SchemaNames,
    unauthorized: &BTreeMap<String, usize>,
    oi: usize,
    op: &Operation,
) -> TokenStream {
    let mut fields: Vec<TokenStream> = op
        .params
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let rust = ident(&p.rust);
            let param = ident(&names.params[oi][pi]);
            if p.required {
                quote!(#rust: req.required(&s::#param)?)
            } else {
                quote!(#rust: req.param(&s::#param)?)
            }
        })
        .collect();
    if let Some(b) = &op.body {
        let required = b.required;
        let get = match b.media {
            Media::Json => {
                let schema = ident(names.bodies[oi].as_deref().unwrap_or("BODY"));
                if super::schemas::type_is_exact(api, &b.ty, &b.schema) {
                    quote!(req.typed_json_body(&s::#schema, #required)?)
                } else {
                    quote!(req.json_body(&s::#schema, #required)?)
                }
            }
            Media::Text => quote!(req.text_body(#required)?),
            Media::Binary => quote!(req.bytes_body(#required)?),
        };
        fields.push(if b.required {
            quote!(body: required(#get)?)
        } else {
            quote!(body: #get)
        });
    }
    let method = ident(&op.name);
    let input = op.has_input().then(|| quote!(input));
    let sets = op.security.iter().map(|set| {
        let set = set
            .iter()
            .map(|i| proc_macro2::Literal::usize_unsuffixed(*i));
        quote!(&[#(#set),*])
    });
    let sets = quote!(&[#(#sets),*]);
    let (authenticate, call) = match op.auth {
        AuthUse::None => (quote!(), quote!(api.#method(#input).await)),
        AuthUse::Required => {
            let constant = ident(&format!(
                "UNAUTHORIZED_{}",
                unauthorized[&unauthorized_body(op)]
            ));
            (
                quote!(let credentials = authenticated(api, req, #sets, #constant).await?;),
                quote!(api.#method(credentials, #input).await),
            )
        }
        AuthUse::Optional => (
            quote!(let credentials = optionally_authenticated(api, req, #sets).await?;),
            quote!(api.#method(credentials, #input).await),
        ),
    };
    let uses_req = !op.params.is_empty() || op.body.is_some() || op.auth != AuthUse::None;
    let bindings = if uses_req {
        quote!(let (api, req) = (&r.shared.api, &r.req);)
    } else {
        quote!(let api = &r.shared.api;)
    };
    let handler = ident(&format!("handle_{}", op.name));
    let input_ty = ident(&op.input_type);
    let input = op
        .has_input()
        .then(|| quote!(let input = #input_ty { #(#fields),* };));
    quote! {
        async fn #handler<A: Api>(r: Incoming<A>) -> Response {
            #bindings
            respond(async {
                #authenticate
                #input
                #call
            })
            .await
        }
    }
}

/// `IntoResponse` for an operation's output: one arm per documented response.
fn into_response(op: &Operation) -> TokenStream {
    let arms = op.responses.iter().map(|r| {
        let status = if has_status_field(r) {
            quote!(status)
        } else {
            let code = proc_macro2::Literal::u16_unsuffixed(r.status.unwrap_or(500));
            quote!(#code)
        };
        let write = match &r.body {
            None => quote!(empty(#status)),
            Some(b) => {
                let ct = &b.content_type;
                match b.media {
                    Media::Json => quote!(json(#status, &body)),
                    Media::Text => quote!(raw(#status, #ct, body.into_bytes())),
                    Media::Binary => quote!(raw(#status, #ct, body)),
                }
            }
        };
        let v = ident(&r.variant);
        match (r.body.is_some(), has_status_field(r)) {
            (true, false) => quote!(Self::#v(body) => #write,),
            (false, false) => quote!(Self::#v => #write,),
            (true, true) => quote!(Self::#v(status, body) => #write,),
            (false, true) => quote!(Self::#v(status) => #write,),
        }
    });
    let output = ident(&op.output_type);
    quote! {
        impl IntoResponse for #output {
            fn into_response(self) -> Response {
                match self { #(#arms)* }
            }
        }
    }
}
