//! The generated crate's own tests: example round-trips through the models, and every
//! operation driven through the client against the router on 127.0.0.1.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use serde_json::Value;

use super::{ident, type_tokens};
use crate::conform;
use crate::ir::*;

/// Conforming examples of a body: `(type, JSON text as a literal, origin)`.
fn conforming<'a>(
    api: &'a Api,
    ty: &'a TypeRef,
    v: &'a VRef,
    examples: &'a [(crate::diagnostics::Location, Value)],
) -> impl Iterator<Item = (TokenStream, proc_macro2::Literal, String)> + 'a {
    examples
        .iter()
        .filter(move |(_, value)| conform::check(api, v, value).is_ok())
        .map(move |(loc, value)| {
            (
                type_tokens(api, ty),
                super::text_literal(&value.to_string()),
                format!("{}#{}", loc.file, loc.pointer),
            )
        })
}

/// `let _: T = roundtrip(json, origin);`, one example's round trip.
fn roundtrip_call(
    api: &Api,
    ty: &TypeRef,
    json: proc_macro2::Literal,
    origin: &str,
) -> TokenStream {
    let check = if holds_user_type(api, ty, &mut Vec::new()) {
        quote!(roundtrip_user_types)
    } else {
        quote!(roundtrip)
    };
    let ty = type_tokens(api, ty);
    quote!(let _: #ty = #check(#json, #origin);)
}

/// True when a value of `ty` may hold a user's type (`TypeRef::Rust`).
fn holds_user_type(api: &Api, ty: &TypeRef, seen: &mut Vec<TypeId>) -> bool {
    match ty {
        TypeRef::Rust(_) => true,
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Nullable(t) | TypeRef::Boxed(t) => {
            holds_user_type(api, t, seen)
        }
        TypeRef::Tuple(items) => items.iter().any(|t| holds_user_type(api, t, seen)),
        TypeRef::Named(id) if !seen.contains(id) => {
            seen.push(*id);
            match &api.types[id.0].kind {
                TypeKind::Alias(t) => holds_user_type(api, t, seen),
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .map(|f| &f.ty)
                    .chain(s.additional.as_ref())
                    .any(|t| holds_user_type(api, t, seen)),
                TypeKind::Union(u) => u.variants.iter().any(|v| holds_user_type(api, &v.ty, seen)),
                TypeKind::Enum(_) => false,
            }
        }
        _ => false,
    }
}

/// The validation node of a response body type (responses keep no node of their own).
fn response_vref(ty: &TypeRef) -> Option<VRef> {
    match ty {
        TypeRef::Named(id) => Some(VRef::Named(*id)),
        _ => None,
    }
}

/// `tests/examples.rs`: a test per operation with conforming examples.
pub fn examples(api: &Api, crate_ident: &str) -> TokenStream {
    let krate = ident(crate_ident);
    let mut tests = Vec::new();
    // An example reached through a shared component (a `$ref`'d response) is tested once, in
    // the first operation that uses it.
    let mut seen: std::collections::HashSet<(String, String)> = Default::default();
    let webhooks = api.webhooks.iter().map(|op| (op, "webhook_"));
    for (op, prefix) in api.operations.iter().map(|op| (op, "")).chain(webhooks) {
        let mut calls = Vec::new();
        if let Some(b) = op.body.as_ref().filter(|b| b.media == Media::Json) {
            for (ty, json, origin) in conforming(api, &b.ty, &b.schema, &op.request_examples) {
                if seen.insert((ty.to_string(), origin.clone())) {
                    calls.push(roundtrip_call(api, &b.ty, json, &origin));
                }
            }
        }
        for r in &op.responses {
            let Some(b) = r.body.as_ref().filter(|b| b.media == Media::Json) else {
                continue;
            };
            let Some(v) = response_vref(&b.ty) else {
                continue;
            };
            for (ty, json, origin) in conforming(api, &b.ty, &v, &r.examples) {
                if seen.insert((ty.to_string(), origin.clone())) {
                    calls.push(roundtrip_call(api, &b.ty, json, &origin));
                }
            }
        }
        if !calls.is_empty() {
            let name = ident(&format!("{prefix}{}", op.name));
            tests.push(quote! {
                #[test]
                fn #name() { #(#calls)* }
            });
        }
    }
    quote! {
        //! Every example of the spec that conforms to its schema survives a round trip through
        //! the generated types: deserialize, serialize, compare.
        #![allow(deprecated, unused_imports)]
        use #krate::models::*;

        /// Equal JSON values, comparing numbers by value (`1` equals `1.0`).
        fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
            use serde_json::Value::*;
            match (a, b) {
                (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
                (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
                (Object(x), Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
                _ => a == b,
            }
        }

        /// Deserializes the example `json` (from `origin`) into `T`, serializes it back and
        /// checks that nothing changed; returns the typed value.
        #[allow(dead_code)]
        fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str, origin: &str) -> T {
            let original: serde_json::Value = serde_json::from_str(json).expect("example is JSON");
            let typed: T = serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{origin}: {e}"));
            let back = serde_json::to_value(&typed).expect("serializes");
            assert!(same(&original, &back), "{origin}: round trip changed the example\n  before: {original}\n  after:  {back}");
            typed
        }

        /// The round trip of a type holding user types, which may write a value in another
        /// form than the example's (`2024-01-01T00:00:00.000Z` as `2024-01-01T00:00:00Z`): what
        /// it writes must read back as the same value.
        #[allow(dead_code)]
        fn roundtrip_user_types<T>(json: &str, origin: &str) -> T
        where
            T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
        {
            let typed: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{origin}: {e}"));
            let back = serde_json::to_value(&typed).expect("serializes");
            let again: T = serde_json::from_value(back).unwrap_or_else(|e| panic!("{origin}: written back: {e}"));
            assert_eq!(typed, again, "{origin}: round trip changed the value");
            typed
        }

        #(#tests)*
    }
}

/// A value for a parameter or body: a conforming example if there is one, else a value
/// built from the schema (required members only), checked against it.
fn sample(api: &Api, v: &VRef, examples: &[&Value]) -> Option<Value> {
    if let Some(e) = examples.iter().find(|e| conform::check(api, v, e).is_ok()) {
        return Some((*e).clone());
    }
    let mut budget = SYNTHESIZED_VALUES;
    let value = synthesize(api, v, 0, &mut budget)?;
    conform::check(api, v, &value).is_ok().then_some(value)
}

/// Most values one synthesized input may hold (`minItems` nested in `minItems` multiply).
const SYNTHESIZED_VALUES: usize = 10_000;

/// Longest synthesized string (`minLength` can ask for gigabytes).
const MAX_SYNTHESIZED_STRING: usize = 4_096;

/// Builds a small value that satisfies a schema: the first enum value, the lowest allowed
/// number, a string of the minimum length, arrays of the minimum size (one item at least),
/// objects with their required properties (or their first one).
fn synthesize(api: &Api, v: &VRef, depth: usize, budget: &mut usize) -> Option<Value> {
    if depth > 24 || *budget == 0 {
        return None;
    }
    *budget -= 1;
    let s = match v {
        VRef::Inline(s) => s.as_ref(),
        VRef::Named(id) => &api.types[id.0].schema,
    };
    if let Some(first) = s.enumeration.iter().find(|e| !e.is_null()) {
        return Some(first.clone());
    }
    if let Some(first) = s.all_of.first().or(s.one_of.first()).or(s.any_of.first()) {
        if s.types.is_empty() && s.properties.is_empty() {
            return synthesize(api, first, depth + 1, budget);
        }
    }
    let number = |integer: bool| {
        let mut n = s
            .minimum
            .map(|m| if s.exclusive_minimum { m + 1.0 } else { m })
            .unwrap_or(1.0);
        if let Some(max) = s.maximum {
            n = n.min(if s.exclusive_maximum { max - 1.0 } else { max });
        }
        if integer {
            Value::from(n.ceil() as i64)
        } else {
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .unwrap_or(Value::from(1))
        }
    };
    Some(match s.types.first() {
        None | Some(JsonType::String) => {
            let len = s
                .min_length
                .unwrap_or(0)
                .max(6)
                .min(s.max_length.unwrap_or(u64::MAX)) as usize;
            if len > MAX_SYNTHESIZED_STRING {
                return None;
            }
            match s.typed_format.as_deref() {
                Some("uuid") => Value::from("0b7c1e5a-3f5e-4c1d-9a57-2f0c6d8e4b11"),
                Some("date-time") => Value::from("2024-05-01T12:30:00+02:00"),
                Some("date") => Value::from("2024-05-01"),
                Some("uri" | "url") => Value::from("https://example.com/sample"),
                Some("byte") => Value::from("c2FtcGxl"),
                _ => Value::from("sample".chars().cycle().take(len).collect::<String>()),
            }
        }
        Some(JsonType::Null) => Value::Null,
        Some(JsonType::Boolean) => Value::from(true),
        Some(JsonType::Integer) => number(true),
        Some(JsonType::Number) => number(false),
        Some(JsonType::Array) => {
            // One item at least (an empty label-style array would be a `.` path segment).
            let n = (s.min_items.unwrap_or(0) as usize).max(usize::from(s.max_items != Some(0)));
            if n > *budget {
                return None;
            }
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(synthesize(api, s.items.as_deref()?, depth + 1, budget)?);
            }
            Value::Array(items)
        }
        Some(JsonType::Object) => {
            let mut map = serde_json::Map::new();
            // The first property when none is required (an empty label-style object would be
            // a `.` path segment, which URLs drop).
            if s.required.is_empty() {
                if let Some((k, pv)) = s.properties.first() {
                    map.insert(k.clone(), synthesize(api, pv, depth + 1, budget)?);
                }
            }
            for r in &s.required {
                let value = match s.properties.iter().find(|(k, _)| k == r) {
                    Some((_, pv)) => synthesize(api, pv, depth + 1, budget)?,
                    None => Value::from("sample"),
                };
                map.insert(r.clone(), value);
            }
            Value::Object(map)
        }
    })
}

/// `tests/server_client.rs`: the router with a handler that answers each operation's example
/// response, driven by the client with each operation's example request. `submodule` holds
/// the `operations`, `server` and `client` modules when the crate root does not (`webhooks`).
pub fn server_client(api: &Api, crate_ident: &str, submodule: Option<&str>) -> TokenStream {
    let krate = ident(crate_ident);
    let module = match submodule {
        Some(m) => {
            let m = ident(m);
            quote!(#krate::#m)
        }
        None => quote!(#krate),
    };
    let mut inputs: Vec<TokenStream> = Vec::new();
    let mut answers: Vec<TokenStream> = Vec::new();
    let mut answer_texts: Vec<TokenStream> = Vec::new();
    let mut input_texts: Vec<TokenStream> = Vec::new();
    let mut impls: Vec<TokenStream> = Vec::new();
    let mut calls: Vec<TokenStream> = Vec::new();
    let mut anonymous_calls: Vec<TokenStream> = Vec::new();
    let mut refusing: Vec<&Vec<Vec<usize>>> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    // `const NAME: &str = json;`, a JSON text written once.
    let text_const = |name: &Ident, json: &str| -> TokenStream {
        let json = super::text_literal(json);
        quote!(const #name: &str = #json;)
    };
    for op in api.operations.iter().filter(|op| op.unroutable.is_none()) {
        let name = ident(&op.name);
        let input_ty = ident(&op.input_type);
        let output_ty = ident(&op.output_type);
        // The input: every required parameter and the body need a value.
        let mut fields: Vec<TokenStream> = Vec::new();
        let mut texts: Vec<TokenStream> = Vec::new();
        let mut ok = true;
        for p in &op.params {
            let rust = ident(&p.rust);
            if !p.required {
                fields.push(quote!(#rust: None));
                continue;
            }
            match sample(api, &p.schema, &[]) {
                Some(v)
                    if p.location != ParamIn::Path || !v.as_str().is_some_and(str::is_empty) =>
                {
                    let json = v.to_string();
                    fields.push(quote!(#rust: crate::json(#json)));
                }
                _ => ok = false,
            }
        }
        let mut all_optional = op.params.iter().all(|p| !p.required);
        if let Some(b) = &op.body {
            all_optional &= !b.required;
            match b.media {
                Media::Json | Media::Multipart | Media::Form => {
                    let examples: Vec<&Value> =
                        op.request_examples.iter().map(|(_, e)| e).collect();
                    match sample(api, &b.schema, &examples) {
                        Some(e) => {
                            let text = ident(&op.name.to_ascii_uppercase());
                            texts.push(text_const(&text, &e.to_string()));
                            fields.push(if b.required {
                                quote!(body: crate::json(#text))
                            } else {
                                quote!(body: Some(crate::json(#text)))
                            });
                        }
                        None if !b.required => fields.push(quote!(body: None)),
                        None => ok = false,
                    }
                }
                // A text body conforming to its schema.
                Media::Text => match sample(api, &b.schema, &[]) {
                    Some(Value::String(text)) if b.required => {
                        fields.push(quote!(body: #text.to_owned()))
                    }
                    None | Some(Value::String(_)) if !b.required => fields.push(quote!(body: None)),
                    _ => ok = false,
                },
                Media::Binary | Media::EventStream => fields.push(if b.required {
                    quote!(body: #krate::ByteStream::from(b"sample".to_vec()))
                } else {
                    quote!(body: None)
                }),
            }
        }
        if !ok {
            skipped.push(op.name.clone());
            continue;
        }
        // An input of absent optional members only is sent empty (its type derives `Default`).
        all_optional &= texts.is_empty();
        // Any other input is written once, in `inputs`, for the server and the driver.
        let expected = if all_optional {
            quote!(#input_ty::default())
        } else {
            quote!(inputs::#name())
        };
        if !all_optional {
            input_texts.append(&mut texts);
            inputs.push(quote! {
                pub fn #name() -> #input_ty {
                    #input_ty { #(#fields),* }
                }
            });
        }
        // The answer: the first success response with a conforming example (a stream's, held
        // in memory, with the variant to read in full before comparing).
        let mut streamed_answer = None;
        let answer = op
            .responses
            .iter()
            .filter(|r| r.status.is_some_and(|s| (200..300).contains(&s)))
            .find_map(|r| {
                let v = ident(&r.variant);
                // Declared headers: a sample of each (every required one needs one).
                let headers = match &r.headers_type {
                    None => None,
                    Some(h) => {
                        let h = ident(h);
                        let mut fields = Vec::new();
                        for p in &r.headers {
                            let f = ident(&p.rust);
                            let json = sample(api, &p.schema, &[]).map(|v| v.to_string());
                            fields.push(match (json, p.required) {
                                (Some(json), true) => quote!(#f: crate::json(#json)),
                                (Some(json), false) => quote!(#f: Some(crate::json(#json))),
                                (None, false) => quote!(#f: None),
                                (None, true) => return None,
                            });
                        }
                        Some(quote!(#h { #(#fields),* }))
                    }
                };
                let body = match &r.body {
                    None => None,
                    Some(b) if b.media == Media::Json => {
                        let vref = response_vref(&b.ty)?;
                        let (_, e) = r
                            .examples
                            .iter()
                            .find(|(_, e)| conform::check(api, &vref, e).is_ok())?;
                        let text = ident(&op.name.to_ascii_uppercase());
                        answer_texts.push(text_const(&text, &e.to_string()));
                        Some(quote!(crate::json(#text)))
                    }
                    Some(b) if b.media == Media::Text => Some(quote!("sample".to_owned())),
                    Some(b) if b.media == Media::Binary => {
                        streamed_answer = Some(v.clone());
                        Some(quote!(#krate::ByteStream::from(b"sample".to_vec())))
                    }
                    Some(ResponseBody {
                        media: Media::EventStream,
                        ty: TypeRef::Events(data),
                        ..
                    }) => {
                        let data = match &**data {
                            TypeRef::String => quote!("sample".to_owned()),
                            ty => {
                                let e = sample(api, &response_vref(ty)?, &[])?;
                                let text = ident(&op.name.to_ascii_uppercase());
                                answer_texts.push(text_const(&text, &e.to_string()));
                                quote!(crate::json(#text))
                            }
                        };
                        streamed_answer = Some(v.clone());
                        Some(quote!(#krate::EventStream::from(vec![
                            #krate::Event::new(#data)
                                .id("1")
                                .event("sample")
                                .retry(std::time::Duration::from_millis(1500))
                        ])))
                    }
                    _ => return None,
                };
                let parts: Vec<TokenStream> = body.into_iter().chain(headers).collect();
                Some(match parts.is_empty() {
                    true => quote!(#output_ty::#v),
                    false => quote!(#output_ty::#v(#(#parts),*)),
                })
            });
        // An operation without input takes no input argument.
        // A streamed body is sent by value, and read whole by the server before comparing.
        let streams = super::server::streams_request(op);
        let (param, arg, reply) = match op.has_input() {
            true if streams => {
                let buffer = if op.body.as_ref().is_some_and(|b| b.required) {
                    quote!(input.body = input.body.buffered().await?;)
                } else {
                    quote! {
                        input.body = match input.body {
                            Some(body) => Some(body.buffered().await?),
                            None => None,
                        };
                    }
                };
                (
                    quote!(mut input: #input_ty),
                    quote!(#expected),
                    quote! {
                        #buffer
                        reply(input, #expected, answers::#name())
                    },
                )
            }
            true => (
                quote!(input: #input_ty),
                quote!(&#expected),
                quote!(reply(input, #expected, answers::#name())),
            ),
            false => (quote!(), quote!(), quote!(Ok(answers::#name()))),
        };
        // One operation per distinct security: the router reads every operation's credentials
        // with the same code, given its sets.
        if op.auth == AuthUse::Required && !refusing.contains(&&op.security) {
            refusing.push(&op.security);
            anonymous_calls.push(quote! {
                let output = anonymous.#name(#arg).await;
                refused += unauthorized(output);
            });
        }
        let cred = match op.auth {
            AuthUse::None => quote!(),
            AuthUse::Required => quote!(_credentials: Credentials,),
            AuthUse::Optional => quote!(_credentials: Option<Credentials>,),
        };
        // A webhook is sent to the subscriber's URL as it is: here, where the router serves it.
        let client = match submodule {
            Some(_) => {
                let path: String = op
                    .segments
                    .iter()
                    .map(|s| match s {
                        Segment::Literal(l) => format!("/{}", super::client::encode_literal(l)),
                        Segment::Param(p) => format!("/{p}"),
                    })
                    .collect();
                quote!(Client::new(format!("{base}{}", #path)))
            }
            None => quote!(client),
        };
        match answer {
            Some(value) => {
                answers.push(quote! {
                    pub fn #name() -> #output_ty {
                        #value
                    }
                });
                impls.push(quote! {
                    async fn #name(&self, #cred #param) -> Result<#output_ty, ApiError> {
                        #reply
                    }
                });
                let read = streamed_answer.map(|v| {
                    quote! {
                        if let Ok(answer) = output.as_mut() {
                            if let #output_ty::#v(body, ..) = &mut **answer {
                                *body = std::mem::take(body).buffered().await.expect("the body reads");
                            }
                        }
                    }
                });
                calls.push(quote! {
                    let mut output = #client.#name(#arg).await;
                    #read
                    served += expect(output, answers::#name());
                });
            }
            None => calls.push(quote! {
                let output = #client.#name(#arg).await;
                unimplemented += not_implemented(output);
            }),
        }
    }
    let routed = api
        .operations
        .iter()
        .filter(|op| op.unroutable.is_none())
        .count();
    // Operations whose required input no example or schema could provide are listed in the
    // test's docs rather than driven.
    let driven = proc_macro2::Literal::usize_suffixed(routed - skipped.len());
    let skipped_doc = if skipped.is_empty() {
        " Every routed operation is driven.".to_owned()
    } else {
        format!(
            " Not driven (no conforming example and no value could be built from the schema): {}.",
            skipped
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let cred_fields = api.security_schemes.iter().map(|s| {
        let f = ident(&s.field);
        let value = match s.kind {
            SchemeKind::Basic => {
                quote!(BasicAuth {
                    username: "test".to_owned(),
                    password: "test".to_owned()
                })
            }
            _ => quote!("test".to_owned()),
        };
        if s.always {
            quote!(#f: #value)
        } else {
            quote!(#f: Some(#value))
        }
    });
    let refusals = (!anonymous_calls.is_empty()).then(|| {
        let count = proc_macro2::Literal::usize_suffixed(anonymous_calls.len());
        quote! {
            /// Without credentials the router answers 401 (documented or not). Counts 1.
            #[track_caller]
            fn unauthorized<O: std::fmt::Debug>(outcome: Result<Answer<O>, ClientError>) -> usize {
                match outcome {
                    Ok(output) if output.status() == 401 => 1,
                    Err(ClientError::UnexpectedStatus { status: 401, .. }) => 1,
                    other => panic!("expected 401 Unauthorized, got {other:?}"),
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            /// Operations that require credentials refuse calls without them (one operation for
            /// each distinct set of credentials).
            async fn operations_that_require_credentials_refuse_calls_without_them() {
                let base = start().await;
                let anonymous = Client::new(&base);
                let mut refused = 0usize;
                #(#anonymous_calls)*
                assert_eq!(refused, #count);
            }
        }
    });
    quote! {
        //! The router serves every operation, and each operation's example request and response
        //! pass through the client and the router unchanged.
        #![cfg(all(feature = "server", feature = "client"))]
        #![allow(deprecated, unused_imports, unused_mut, unused_variables, irrefutable_let_patterns, clippy::redundant_clone)]
        use axum::http::StatusCode;
        use #module::client::{Answer, Client, ClientError};
        use #krate::models::*;
        use #module::operations::*;
        use #module::server::{router_with_config, Api, ApiError, RouterConfig, RouterError};

        /// A value decoded from JSON text written by the generator.
        #[allow(dead_code)]
        fn json<T: serde::de::DeserializeOwned>(text: &str) -> T {
            serde_json::from_str(text).expect("generated JSON fits its type")
        }

        /// Each operation's example input.
        mod inputs {
            use super::*;
            #(#input_texts)*
            #(#inputs)*
        }

        /// The test server's answer to each operation it implements (JSON texts of the examples).
        mod answers {
            use super::*;
            #(#answer_texts)*
            #(#answers)*
        }

        /// The server's side: the answer when the input is the expected one, else 418 with
        /// what was received.
        #[allow(dead_code)]
        fn reply<I: PartialEq + std::fmt::Debug, O>(input: I, expected: I, output: O) -> Result<O, ApiError> {
            if input == expected {
                Ok(output)
            } else {
                Err(ApiError::with_body(StatusCode::IM_A_TEAPOT, serde_json::json!({ "mismatch": format!("{input:?}") })))
            }
        }

        /// The client's side: the answer must be the expected one. Counts 1.
        #[allow(dead_code)]
        #[track_caller]
        fn expect<O: PartialEq + std::fmt::Debug>(outcome: Result<Answer<O>, ClientError>, expected: O) -> usize {
            match outcome {
                Ok(output) => assert_eq!(output.into_inner(), expected),
                Err(e) => panic!("{e}"),
            }
            1
        }

        /// An operation the test server does not implement answers 501. Counts 1.
        #[allow(dead_code)]
        #[track_caller]
        fn not_implemented<O>(outcome: Result<Answer<O>, ClientError>) -> usize {
            match outcome {
                Err(ClientError::UnexpectedStatus { status: 501, .. }) | Ok(_) => 1,
                Err(e) => panic!("expected 501 Not Implemented, got {e}"),
            }
        }

        struct Examples;

        impl Api for Examples { #(#impls)* }

        async fn start() -> String {
            #module::client::install_crypto_provider();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
            let addr = listener.local_addr().expect("address");
            // Examples are checked strictly at generation time; without coercion, a value that
            // fits two `oneOf` branches only after coercion (0 and "0") stays unambiguous.
            let config = RouterConfig { coerce_types: false, ..RouterConfig::default() };
            tokio::spawn(async move { axum::serve(listener, router_with_config(Examples, config)).await.expect("serve") });
            format!("http://{addr}")
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[doc = #skipped_doc]
        async fn every_operation_round_trips() {
            let base = start().await;
            let client = Client::new(&base).with_credentials(Credentials { #(#cred_fields),* });
            let mut served = 0usize;
            let mut unimplemented = 0usize;
            #(#calls)*
            assert_eq!(served + unimplemented, #driven, "every operation with a buildable input was driven");
        }

        #refusals

        #[tokio::test]
        async fn unknown_route_is_a_json_404() {
            let base = start().await;
            let response = reqwest::get(format!("{base}/no/such/route")).await.expect("request");
            assert_eq!(response.status().as_u16(), 404);
            let body: serde_json::Value = response.json().await.expect("JSON body");
            // The profile's answer: Rocket.Chat's error body or RFC 9457 problem details.
            let expected = ApiError::from(RouterError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not-found",
                "API endpoint not found",
            ));
            assert_eq!(body, expected.body());
        }
    }
}
