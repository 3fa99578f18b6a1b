//! `src/server.rs`: the `Api` trait (one async method per operation, 501 by default), the
//! axum router with request validation, and `IntoResponse` for every output enum.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{has_status_field, operation_docs};
use super::schemas::SchemaNames;
use super::template::{self, Subst};
use super::{ident, Piece};
use crate::ir::*;

/// Rocket.Chat's answer to a request without credentials, used when the spec gives no example.
const DEFAULT_UNAUTHORIZED: &str =
    r#"{"status":"error","message":"You must be logged in to do this."}"#;

/// The credential parameters a trait method takes.
fn credential_param(op: &Operation) -> Vec<syn::FnArg> {
    match op.auth {
        AuthUse::None => vec![],
        AuthUse::Required => vec![Subst::new().apply(
            "server-credentials-arg",
            || quote!(credentials: Credentials),
        )],
        AuthUse::Optional => vec![Subst::new().apply(
            "server-optional-credentials-arg",
            || quote!(credentials: Option<Credentials>),
        )],
    }
}

/// The trait method of an operation, whose default answers 501.
fn trait_method(op: &Operation) -> syn::TraitItem {
    let mut method: syn::TraitItem = Subst::new()
        .ident("__name", ident(&op.name))
        .ident("__Input", ident(&op.input_type))
        .ident("__Output", ident(&op.output_type))
        .args("__credentials", credential_param(op))
        .expr("__label", template::str_expr(&op.name))
        .apply("server-trait-method", || {
            quote! {
                fn __name(&self, __credentials: (), input: __Input) -> impl Future<Output = Result<__Output, ApiError>> + Send {
                    async { Err(ApiError::not_implemented(__label)) }
                }
            }
        });
    if let syn::TraitItem::Fn(f) = &mut method {
        f.attrs = operation_docs(op).syntax();
        if op.deprecated {
            f.attrs.push(super::syntax::word("deprecated"));
        }
    }
    method
}

/// The `Api` trait: `authenticate`, then a method per operation.
fn api_trait(api: &Api) -> syn::Item {
    let mut item: syn::Item = Subst::new().apply("server-api-trait", || {
        quote! {
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
            }
        }
    });
    if let syn::Item::Trait(t) = &mut item {
        t.items.extend(api.operations.iter().map(trait_method));
    }
    item
}

/// The server module: shared items as tokens, the trait and the per-operation items as
/// filled-in templates.
pub fn emit(api: &Api) -> Vec<Piece<'_>> {
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
    let lookups = Rc::new((names, unauthorized.clone()));
    let handlers: Vec<Piece> = api
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.unroutable.is_none())
        .map(|(oi, op)| {
            let lookups = Rc::clone(&lookups);
            Piece::later(move || vec![handler(api, &lookups.0, &lookups.1, oi, op).into()])
        })
        .collect();

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

    let into_responses = api
        .operations
        .iter()
        .map(|op| Piece::later(move || vec![into_response(op).into()]));
    let cred_fields: Vec<_> = api.auth_headers.iter().map(|h| ident(&h.field)).collect();
    let cred_wires: Vec<_> = api.auth_headers.iter().map(|h| h.wire.as_str()).collect();
    let cred_idx = 0..cred_fields.len();
    let cred_idx2 = 0..cred_fields.len();
    let cred_fields2 = cred_fields.clone();

    let header = quote! {
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
        use crate::rt::server::{empty, json, raw, respond, Incoming, RequestParts, Shared};
        use crate::schemas as s;
        pub use crate::rt::server::{ApiError, RouterConfig};
    };
    let shared = quote! {
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

        #[allow(dead_code)]
        fn credentials(req: &RequestParts, unauthorized: &str) -> Result<Credentials, ApiError> {
            let values = req.credentials(&[#(#cred_wires),*], unauthorized)?;
            Ok(Credentials { #(#cred_fields: values[#cred_idx].clone(),)* })
        }

        #[allow(dead_code)]
        fn optional_credentials(req: &RequestParts) -> Result<Option<Credentials>, ApiError> {
            Ok(req.optional_credentials(&[#(#cred_wires),*])?.map(|values| Credentials { #(#cred_fields2: values[#cred_idx2].clone(),)* }))
        }

        /// Credentials present (else the documented 401) and accepted by [`Api::authenticate`].
        #[allow(dead_code)]
        async fn authenticated<A: Api>(api: &A, req: &RequestParts, unauthorized: &str) -> Result<Credentials, ApiError> {
            let credentials = credentials(req, unauthorized)?;
            api.authenticate(&credentials).await?;
            Ok(credentials)
        }

        /// Credentials when sent (and then accepted by [`Api::authenticate`]).
        #[allow(dead_code)]
        async fn optionally_authenticated<A: Api>(api: &A, req: &RequestParts) -> Result<Option<Credentials>, ApiError> {
            let credentials = optional_credentials(req)?;
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
    };
    let mut pieces = vec![
        Piece::Tokens(header),
        api_trait(api).into(),
        Piece::Tokens(shared),
    ];
    pieces.extend(handlers);
    pieces.extend(into_responses);
    pieces
}

fn unauthorized_body(op: &Operation) -> String {
    op.responses
        .iter()
        .find(|r| r.status == Some(401))
        .and_then(|r| r.examples.first())
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| DEFAULT_UNAUTHORIZED.to_owned())
}

fn handler(
    api: &Api,
    names: &SchemaNames,
    unauthorized: &BTreeMap<String, usize>,
    oi: usize,
    op: &Operation,
) -> syn::Item {
    let mut fields: Vec<syn::FieldValue> = op
        .params
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let subst = Subst::new()
                .ident("__rust", ident(&p.rust))
                .ident("__param", ident(&names.params[oi][pi]));
            if p.required {
                subst.apply(
                    "server-required-param",
                    || quote!(__rust: req.required(&s::__param)?),
                )
            } else {
                subst.apply(
                    "server-optional-param",
                    || quote!(__rust: req.param(&s::__param)?),
                )
            }
        })
        .collect();
    if let Some(b) = &op.body {
        let required = template::bool_expr(b.required);
        let get: syn::Expr = match b.media {
            Media::Json => {
                let subst = Subst::new()
                    .ident(
                        "__schema",
                        ident(names.bodies[oi].as_deref().unwrap_or("BODY")),
                    )
                    .expr("__required", required);
                if super::schemas::type_is_exact(api, &b.ty, &b.schema) {
                    subst.apply("server-typed-json-body", || {
                        quote!(req.typed_json_body(&s::__schema, __required)?)
                    })
                } else {
                    subst.apply("server-json-body", || {
                        quote!(req.json_body(&s::__schema, __required)?)
                    })
                }
            }
            Media::Text => Subst::new()
                .expr("__required", required)
                .apply("server-text-body", || quote!(req.text_body(__required)?)),
            Media::Binary => Subst::new()
                .expr("__required", required)
                .apply("server-bytes-body", || quote!(req.bytes_body(__required)?)),
        };
        let subst = Subst::new().expr("__get", get);
        fields.push(if b.required {
            subst.apply("server-required-body", || quote!(body: required(__get)?))
        } else {
            subst.apply("server-optional-body", || quote!(body: __get))
        });
    }
    let (authenticate, call): (Vec<syn::Stmt>, syn::Expr) = match op.auth {
        AuthUse::None => (
            vec![],
            Subst::new()
                .ident("__method", ident(&op.name))
                .apply("server-call", || quote!(api.__method(input).await)),
        ),
        AuthUse::Required => {
            let constant = ident(&format!(
                "UNAUTHORIZED_{}",
                unauthorized[&unauthorized_body(op)]
            ));
            (
                vec![Subst::new().ident("__constant", constant).apply(
                    "server-authenticated",
                    || quote!(let credentials = authenticated(api, req, __constant).await?;),
                )],
                Subst::new()
                    .ident("__method", ident(&op.name))
                    .apply("server-call-with-credentials", || {
                        quote!(api.__method(credentials, input).await)
                    }),
            )
        }
        AuthUse::Optional => (
            vec![Subst::new().apply(
                "server-optionally-authenticated",
                || quote!(let credentials = optionally_authenticated(api, req).await?;),
            )],
            Subst::new()
                .ident("__method", ident(&op.name))
                .apply("server-call-with-credentials", || {
                    quote!(api.__method(credentials, input).await)
                }),
        ),
    };
    let uses_req = !op.params.is_empty() || op.body.is_some() || op.auth != AuthUse::None;
    let bindings: syn::Stmt = if uses_req {
        Subst::new().apply(
            "server-bindings",
            || quote!(let (api, req) = (&r.shared.api, &r.req);),
        )
    } else {
        Subst::new().apply("server-api-binding", || quote!(let api = &r.shared.api;))
    };
    Subst::new()
        .ident("__handler", ident(&format!("handle_{}", op.name)))
        .ident("__Input", ident(&op.input_type))
        .stmts("__bindings", vec![bindings])
        .stmts("__authenticate", authenticate)
        .fields("__fields", fields)
        .expr("__call", call)
        .apply("server-handler", || {
            quote! {
                async fn __handler<A: Api>(r: Incoming<A>) -> Response {
                    __bindings;
                    respond(async {
                        __authenticate;
                        let input = __Input { __fields: () };
                        __call
                    })
                    .await
                }
            }
        })
}

fn into_response(op: &Operation) -> syn::Item {
    let arms = op
        .responses
        .iter()
        .map(|r| {
            let status = if has_status_field(r) {
                template::name_expr("status")
            } else {
                template::u16_expr(r.status.unwrap_or(500))
            };
            let write: syn::Expr = match &r.body {
                None => Subst::new()
                    .expr("__status", status)
                    .apply("server-empty", || quote!(empty(__status))),
                Some(b) => match b.media {
                    Media::Json => Subst::new()
                        .expr("__status", status)
                        .apply("server-json", || quote!(json(__status, &body))),
                    Media::Text => Subst::new()
                        .expr("__status", status)
                        .expr("__ct", template::str_expr(&b.content_type))
                        .apply("server-raw-text", || {
                            quote!(raw(__status, __ct, body.into_bytes()))
                        }),
                    Media::Binary => Subst::new()
                        .expr("__status", status)
                        .expr("__ct", template::str_expr(&b.content_type))
                        .apply("server-raw-bytes", || quote!(raw(__status, __ct, body))),
                },
            };
            let subst = Subst::new()
                .ident("__v", ident(&r.variant))
                .expr("__write", write);
            match (r.body.is_some(), has_status_field(r)) {
                (true, false) => {
                    subst.apply("server-arm-body", || quote!(Self::__v(body) => __write,))
                }
                (false, false) => subst.apply("server-arm", || quote!(Self::__v => __write,)),
                (true, true) => subst.apply(
                    "server-arm-status-body",
                    || quote!(Self::__v(status, body) => __write,),
                ),
                (false, true) => subst.apply(
                    "server-arm-status",
                    || quote!(Self::__v(status) => __write,),
                ),
            }
        })
        .collect();
    Subst::new()
        .ident("__Output", ident(&op.output_type))
        .arms("__arms", arms)
        .apply("server-into-response", || {
            quote! {
                impl IntoResponse for __Output {
                    fn into_response(self) -> Response {
                        match self { __arms => {} }
                    }
                }
            }
        })
}
