//! `src/server.rs`: the `Api` trait (one async method per operation, 501 by default), the
//! axum router with request validation, and `IntoResponse` for every output enum.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::operations::{has_status_field, operation_docs, style_tokens};
use super::schemas::SchemaNames;
use crate::ir::*;
use crate::Profile;

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
pub fn emit(api: &Api, profile: Profile) -> TokenStream {
    let names = SchemaNames::new(api);

    // The documented error bodies the router fills, each written once.
    let mut bodies = ErrorBodies::default();
    // Indexes into `OPERATIONS`, which lists every operation in this order.
    let descriptors: Vec<TokenStream> = api
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.unroutable.is_none())
        .map(|(index, op)| descriptor(api, profile, index, op, &mut bodies))
        .collect();
    let body_consts = bodies.consts();
    let handlers = api
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.unroutable.is_none())
        .map(|(oi, op)| handler(api, &names, oi, op));

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
    let (profile_variant, profile_doc) = match profile {
        Profile::RocketChat => (
            quote!(RocketChat),
            " The conventions of this router: Rocket.Chat's (see [`Profile::RocketChat`]).",
        ),
        Profile::OpenApi => (
            quote!(OpenApi),
            " The conventions of this router: the description read literally (see [`Profile::OpenApi`]).",
        ),
    };

    quote! {
        //! Server side: implement [`Api`] for your type and serve [`router`] with axum.
        #![allow(deprecated)]
        #![allow(unused_imports)]
        use std::future::Future;
        use std::sync::Arc;

        use axum::response::{IntoResponse, Response};
        use axum::Router;

        use crate::models::*;
        use super::operations::*;
        use axum::routing::{#(#verbs),*};
        use crate::rt::server::{empty, json, json_events, raw, stream, text_events, Credential, Incoming, RequestParts, Shared};
        use crate::rt::Scheme;
        use super::schemas as s;
        pub use crate::rt::server::{
            ApiError, ErrorHook, ErrorSource, ErrorTemplate, Fill, Operation, Profile, RequestContext, RouterConfig,
            RouterError,
        };

        #[doc = #profile_doc]
        pub const PROFILE: Profile = Profile::#profile_variant;

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
        /// before a handler runs; bad requests get 4xx answers in the words of [`PROFILE`], or
        /// of [`RouterConfig::error_hook`].
        pub fn router_with_config<A: Api>(api: A, config: RouterConfig) -> Router {
            routes(Shared::new(api, config))
        }

        /// A router whose implementation is made for each request by `make`, from the
        /// request's context (headers, extensions set by middleware, peer address): the
        /// methods of [`Api`] read what they need of it from `self`.
        pub fn router_per_request<A: Api>(
            make: impl Fn(&RequestContext) -> A + Send + Sync + 'static,
            config: RouterConfig,
        ) -> Router {
            routes(Shared::per_request(make, config))
        }

        fn routes<A: Api>(shared: Shared<A>) -> Router {
            // Literal segments may start with `:` or `*` (no capture syntax in axum 0.8).
            Router::new()
                .without_v07_checks()
                #(#routes)*
                .fallback(crate::rt::server::not_found::<A>)
                .method_not_allowed_fallback(crate::rt::server::method_not_allowed::<A>)
                .with_state(Arc::new(shared))
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
        async fn authenticated<A: Api>(api: &A, req: &RequestParts, sets: &[&[usize]]) -> Result<Credentials, ApiError> {
            let credentials = received(req, sets).ok_or_else(|| ApiError::from(RouterError::unauthorized()))?;
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

        #(#body_consts)*
        #(#descriptors)*
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

/// The name of an operation's descriptor (`POST_LIVECHAT_CUSTOM_FIELDS_OPERATION`).
fn descriptor_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("{}_OPERATION", op.name.to_ascii_uppercase()))
}

/// The documented error bodies of all operations, each written once as a constant.
#[derive(Default)]
struct ErrorBodies {
    /// Each body's tokens (as text, the key) with its constant's number.
    seen: BTreeMap<String, (usize, TokenStream)>,
}

impl ErrorBodies {
    /// The constant holding `template`, declared once.
    fn name(&mut self, template: TokenStream) -> proc_macro2::Ident {
        let n = self.seen.len();
        let (n, _) = self
            .seen
            .entry(template.to_string())
            .or_insert((n, template));
        ident(&format!("ERROR_BODY_{n}"))
    }

    /// The constants, in the order they were first named.
    fn consts(&self) -> Vec<TokenStream> {
        let mut bodies: Vec<&(usize, TokenStream)> = self.seen.values().collect();
        bodies.sort_by_key(|(n, _)| *n);
        bodies
            .into_iter()
            .map(|(n, template)| {
                let name = ident(&format!("ERROR_BODY_{n}"));
                quote! {
                    /// A documented error body.
                    const #name: ErrorTemplate = #template;
                }
            })
            .collect()
    }
}

/// An operation's descriptor: its entry in `OPERATIONS` (at `index`) and the documented error
/// bodies the router fills (the Rocket.Chat profile: the documented 401 body of operations that
/// require credentials; the OpenAPI profile: every documented 400, 401 and 422 body the
/// generator can fill).
fn descriptor(
    api: &Api,
    profile: Profile,
    index: usize,
    op: &Operation,
    bodies: &mut ErrorBodies,
) -> TokenStream {
    let mut documented = Vec::new();
    match profile {
        Profile::RocketChat => {
            if op.auth == AuthUse::Required {
                let body = unauthorized_body(op);
                documented.push((401u16, bodies.name(quote!(ErrorTemplate::Fixed(#body)))));
            }
        }
        Profile::OpenApi => {
            for status in [400u16, 401, 422] {
                let response = op.responses.iter().find(|r| r.status == Some(status));
                if let Some(fields) = response.and_then(|r| fillable(api, r)) {
                    let fields = fields.iter().map(|(name, fill)| {
                        let fill = fill.tokens();
                        quote!((#name, #fill))
                    });
                    documented.push((
                        status,
                        bodies.name(quote!(ErrorTemplate::Fields(&[#(#fields),*]))),
                    ));
                }
            }
        }
    }
    let documented = documented.iter().map(|(status, body)| {
        let status = proc_macro2::Literal::u16_unsuffixed(*status);
        quote!((#status, #body))
    });
    let name = descriptor_name(op);
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    let doc = format!(" The router's description of `{}`.", op.name);
    quote! {
        #[doc = #doc]
        static #name: Operation = Operation {
            info: &OPERATIONS[#index],
            documented: &[#(#documented),*],
        };
    }
}

/// How the router fills a member of a documented error body.
#[derive(Debug, Clone, PartialEq)]
enum FillKind {
    Message,
    Code,
    Status,
    Title,
    Text(String),
    Bool(bool),
}

impl FillKind {
    fn tokens(&self) -> TokenStream {
        match self {
            FillKind::Message => quote!(Fill::Message),
            FillKind::Code => quote!(Fill::Code),
            FillKind::Status => quote!(Fill::Status),
            FillKind::Title => quote!(Fill::Title),
            FillKind::Text(text) => quote!(Fill::Text(#text)),
            FillKind::Bool(b) => quote!(Fill::Bool(#b)),
        }
    }
}

/// The members of a documented error body the router can fill, when it can: a JSON object
/// whose every required member is filled, with at least one holding the message, and which
/// then conforms to its schema. Members are recognized by name: `message`, `error`, `detail`,
/// `description`, `reason`, `msg` hold the message; `title` the reason phrase; `code`,
/// `errorCode`, `errorType` (strings) the error's code; `status`, `statusCode`, `code`
/// (numbers) the status; `success`, `ok` (booleans) `false`; a member with a single allowed
/// value gets it.
fn fillable(api: &Api, response: &Response) -> Option<Vec<(String, FillKind)>> {
    let body = response.body.as_ref()?;
    let TypeRef::Named(id) = body.ty else {
        return None;
    };
    if body.media != Media::Json {
        return None;
    }
    let root = &api.types.get(id.0)?.schema;
    let mut properties = Vec::new();
    let mut required = Vec::new();
    collect_members(api, root, 0, &mut properties, &mut required);
    let mut fields = Vec::new();
    for (name, schema) in &properties {
        if fields.iter().any(|(n, _)| n == name) {
            continue;
        }
        match fill_of(name, resolve(api, schema)) {
            Some(fill) => fields.push((name.clone(), fill)),
            None if required.contains(name) => return None,
            None => {}
        }
    }
    if !fields.iter().any(|(_, f)| *f == FillKind::Message) {
        return None;
    }
    let status = response.status.unwrap_or(400);
    let sample: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(name, fill)| {
            let value = match fill {
                FillKind::Message => "must have required property 'x'".into(),
                FillKind::Code => "invalid-params".into(),
                FillKind::Status => status.into(),
                FillKind::Title => crate::build::reason_phrase(status)
                    .unwrap_or("Error")
                    .into(),
                FillKind::Text(t) => t.as_str().into(),
                FillKind::Bool(b) => (*b).into(),
            };
            (name.clone(), value)
        })
        .collect();
    crate::conform::check(api, &VRef::Named(id), &serde_json::Value::Object(sample)).ok()?;
    Some(fields)
}

/// The schema a validation node stands for.
fn resolve<'a>(api: &'a Api, v: &'a VRef) -> Option<&'a VSchema> {
    match v {
        VRef::Inline(s) => Some(s),
        VRef::Named(id) => api.types.get(id.0).map(|t| &t.schema),
    }
}

/// The declared members and required names of an object schema, looking through `allOf`.
fn collect_members<'a>(
    api: &'a Api,
    schema: &'a VSchema,
    depth: usize,
    properties: &mut Vec<(String, &'a VRef)>,
    required: &mut Vec<String>,
) {
    if depth > 16 {
        return;
    }
    properties.extend(schema.properties.iter().map(|(n, v)| (n.clone(), v)));
    required.extend(schema.required.iter().cloned());
    for part in &schema.all_of {
        if let Some(s) = resolve(api, part) {
            collect_members(api, s, depth + 1, properties, required);
        }
    }
}

/// How a member named `name` with `schema` is filled, if the router knows.
fn fill_of(name: &str, schema: Option<&VSchema>) -> Option<FillKind> {
    let schema = schema?;
    if let [only] = schema.enumeration.as_slice() {
        return match only {
            serde_json::Value::String(s) => Some(FillKind::Text(s.clone())),
            serde_json::Value::Bool(b) => Some(FillKind::Bool(*b)),
            _ => None,
        };
    }
    if !schema.enumeration.is_empty() {
        return None;
    }
    let key: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let is = |t: JsonType| schema.types.contains(&t);
    if is(JsonType::String) {
        match key.as_str() {
            "message" | "error" | "detail" | "description" | "reason" | "msg" | "errormessage" => {
                Some(FillKind::Message)
            }
            "title" => Some(FillKind::Title),
            "code" | "errorcode" | "errortype" => Some(FillKind::Code),
            _ => None,
        }
    } else if is(JsonType::Integer) || is(JsonType::Number) {
        matches!(key.as_str(), "status" | "statuscode" | "code").then_some(FillKind::Status)
    } else if is(JsonType::Boolean) {
        matches!(key.as_str(), "success" | "ok").then_some(FillKind::Bool(false))
    } else {
        None
    }
}

/// The handler of a routed operation: credentials, input from parameters and body, the call.
fn handler(api: &Api, names: &SchemaNames, oi: usize, op: &Operation) -> TokenStream {
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
            Media::Text => {
                let schema = ident(names.bodies[oi].as_deref().unwrap_or("BODY"));
                quote!(req.text_body(&s::#schema, #required)?)
            }
            Media::Form => {
                let schema = ident(names.bodies[oi].as_deref().unwrap_or("BODY"));
                let parts = part_list(&b.parts);
                quote!(req.form_body(&s::#schema, #parts, #required)?)
            }
            Media::Multipart => {
                let schema = ident(names.bodies[oi].as_deref().unwrap_or("BODY"));
                let parts = part_list(&b.parts);
                let value = multipart_value(api, b);
                // Files are moved out of the form.
                let mutable = b
                    .parts
                    .iter()
                    .any(|p| p.kind == PartKind::File)
                    .then(|| quote!(mut));
                quote! {
                    match req.multipart_body(&s::#schema, #parts, #required).await? {
                        Some(#mutable form) => Some(#value),
                        None => None,
                    }
                }
            }
            // Left unread for the handler (`Incoming<A, true>`).
            Media::Binary | Media::EventStream => quote!(req.stream_body()?),
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
        AuthUse::Required => (
            quote!(let credentials = authenticated(api, req, #sets).await?;),
            quote!(api.#method(credentials, #input).await),
        ),
        AuthUse::Optional => (
            quote!(let credentials = optionally_authenticated(api, req, #sets).await?;),
            quote!(api.#method(credentials, #input).await),
        ),
    };
    let uses_req = !op.params.is_empty() || op.body.is_some() || op.auth != AuthUse::None;
    let bindings = if uses_req {
        quote!(let (api, req) = (r.api(), r.parts());)
    } else {
        quote!(let api = r.api();)
    };
    let descriptor = descriptor_name(op);
    let handler = ident(&format!("handle_{}", op.name));
    let input_ty = ident(&op.input_type);
    let input = op
        .has_input()
        .then(|| quote!(let input = #input_ty { #(#fields),* };));
    let incoming = if streams_request(op) {
        quote!(Incoming<A, true>)
    } else {
        quote!(Incoming<A>)
    };
    quote! {
        async fn #handler<A: Api>(r: #incoming) -> Response {
            #bindings
            r.respond(&#descriptor, async {
                #authenticate
                #input
                #call
            })
            .await
        }
    }
}

/// Whether the operation's request body is a stream (the handler reads it, not the router).
pub fn streams_request(op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|b| b.media == Media::Binary)
}

/// The parts of a multipart or form body, as a `&[crate::rt::Part]` expression.
pub(super) fn part_list(parts: &[crate::ir::Part]) -> TokenStream {
    let items = parts.iter().map(|p| {
        let wire = &p.wire;
        let kind = match p.kind {
            PartKind::File => quote!(File),
            PartKind::Text => quote!(Text),
            PartKind::Json => quote!(Json),
            PartKind::DeepObject => quote!(DeepObject),
        };
        let repeated = p.repeated;
        quote!(crate::rt::Part::new(#wire, crate::rt::PartKind::#kind, #repeated))
    });
    quote!(&[#(#items),*])
}

/// The struct of a multipart body built from the runtime's `FormBody` named `form`: files
/// taken, other members decoded, undeclared ones kept when the struct keeps them.
fn multipart_value(api: &Api, b: &crate::ir::Body) -> TokenStream {
    let fields = b.parts.iter().map(|p| {
        let rust = ident(&p.rust);
        let wire = &p.wire;
        if p.kind == PartKind::File {
            quote!(#rust: form.file(#wire)?)
        } else {
            quote!(#rust: form.field(#wire)?)
        }
    });
    let (name, additional) = match struct_of(api, &b.ty) {
        Some((name, additional)) => (ident(name), additional),
        None => (ident("Unknown"), false),
    };
    let rest = additional.then(|| {
        let known = b.parts.iter().map(|p| &p.wire);
        quote!(additional_properties: form.rest(&[#(#known),*])?,)
    });
    quote!(#name { #(#fields,)* #rest })
}

/// The name of the struct a body type is (through aliases), and whether it keeps undeclared
/// members.
pub(super) fn struct_of<'a>(api: &'a Api, ty: &TypeRef) -> Option<(&'a str, bool)> {
    let mut ty = ty;
    for _ in 0..64 {
        let TypeRef::Named(id) = ty else { return None };
        let def = api.types.get(id.0)?;
        match &def.kind {
            TypeKind::Alias(next) => ty = next,
            TypeKind::Struct(st) => return Some((&def.name, st.additional.is_some())),
            _ => return None,
        }
    }
    None
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
                    Media::Binary | Media::Multipart | Media::Form => {
                        quote!(stream(#status, #ct, body))
                    }
                    Media::EventStream if b.ty == TypeRef::Events(Box::new(TypeRef::String)) => {
                        quote!(text_events(#status, body))
                    }
                    Media::EventStream => quote!(json_events(#status, body)),
                }
            }
        };
        let v = ident(&r.variant);
        let mut bound = Vec::new();
        if has_status_field(r) {
            bound.push(quote!(status));
        }
        if r.body.is_some() {
            bound.push(quote!(body));
        }
        // Declared headers, each in its style (absent when `None`).
        let write = match r.headers_type {
            None => write,
            Some(_) => {
                bound.push(quote!(headers));
                let pairs = r.headers.iter().map(|p| {
                    let f = ident(&p.rust);
                    let wire = &p.wire;
                    let style = style_tokens(p.style);
                    quote!((#wire, crate::rt::server::header_text(&headers.#f, crate::rt::#style)))
                });
                quote!(crate::rt::server::with_headers(#write, [#(#pairs),*]))
            }
        };
        match bound.is_empty() {
            true => quote!(Self::#v => #write,),
            false => quote!(Self::#v(#(#bound),*) => #write,),
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
