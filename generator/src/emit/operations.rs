//! `src/operations.rs`: per operation an input struct and an output enum (one variant per
//! documented status), the credentials type, and a table describing every operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::{ident, type_tokens};
use crate::ir::*;

/// Documentation of the trait method and the client method of an operation: its summary and
/// route; the description is written once, on the input type (or the output type of an
/// operation without input), which both link to.
pub fn operation_docs(op: &Operation) -> docs::DocLines {
    let route = format!("`{} {}`", op.method.as_upper(), op.path.replace('`', "'"));
    let link = match op.has_input() {
        true => format!("input: [`{}`]", op.input_type),
        false => format!("output: [`{}`]", op.output_type),
    };
    let facts = match &op.tag {
        Some(tag) => format!(
            "{route}, tag: {}, {link}",
            docs::sanitize(tag).replace('\n', " ")
        ),
        None => format!("{route}, {link}"),
    };
    // The summary and the facts make one paragraph; a summary that is markdown of its own
    // (a heading, a list) keeps its own paragraph.
    let mut text = match op
        .docs
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => {
            let s = docs::sanitize(s);
            if s.contains('\n') || s.starts_with(['#', '-', '*', '>', '`', '|']) {
                format!("{s}\n\n({facts}).")
            } else {
                format!("{s}\n({facts}).")
            }
        }
        None => format!("{facts}."),
    };
    if let Some(why) = &op.unroutable {
        text.push_str(&format!(
            "\n\nNot served by the generated router: {}.",
            docs::sanitize(why)
        ));
    }
    docs::lines(&text)
}

/// True when a response's status is not fixed (a range or `default`).
pub fn has_status_field(r: &Response) -> bool {
    r.status.is_none()
}

/// The runtime `Style` value for a parameter style (the module must import `crate::rt::Style`).
pub fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form { explode: true } => quote!(Style::FORM),
        ParamStyle::Form { explode } => quote!(Style::Form { explode: #explode }),
        ParamStyle::Simple => quote!(Style::Simple),
        ParamStyle::Label { explode } => quote!(Style::Label { explode: #explode }),
        ParamStyle::Matrix { explode } => quote!(Style::Matrix { explode: #explode }),
        ParamStyle::SpaceDelimited => quote!(Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(Style::DeepObject),
        ParamStyle::Json => quote!(Style::Json),
        ParamStyle::Loose => quote!(Style::Loose),
    }
}

/// All operation types: the shared ones, then each operation's input and output.
pub fn emit(api: &Api) -> TokenStream {
    let cred_fields = api.security_schemes.iter().map(|s| {
        let f = ident(&s.field);
        let key = s.key.replace('`', "'");
        let how = match &s.kind {
            SchemeKind::ApiKey { location, name } => {
                let place = match location {
                    ParamIn::Query => "query parameter",
                    ParamIn::Cookie => "cookie",
                    ParamIn::Header | ParamIn::Path => "header",
                };
                format!(
                    "API key `{key}`, sent as the `{}` {place}.",
                    name.replace('`', "'")
                )
            }
            SchemeKind::Basic => {
                format!("`{key}`: user name and password, sent as `Authorization: Basic ..`.")
            }
            SchemeKind::Token { scheme, oauth } => format!(
                "`{key}`: a token, sent as `Authorization: {scheme} ..`{}.",
                if *oauth {
                    " (OAuth 2; a `TokenProvider` can supply it to the client)"
                } else {
                    ""
                }
            ),
        };
        let mut text = docs::sanitize(&how);
        if let Some(d) = s.description.as_deref().map(docs::sanitize) {
            if !d.trim().is_empty() {
                text.push_str("\n\n");
                text.push_str(d.trim());
            }
        }
        let doc = docs::lines(&text);
        let ty = match s.kind {
            SchemeKind::Basic => quote!(BasicAuth),
            _ => quote!(String),
        };
        if s.always {
            quote! { #doc pub #f: #ty, }
        } else {
            quote! { #doc pub #f: Option<#ty>, }
        }
    });
    let debug_fields = api.security_schemes.iter().map(|s| {
        let f = ident(&s.field);
        let name = &s.field;
        if s.always {
            quote!(.field(#name, &"***"))
        } else {
            quote!(.field(#name, &self.#f.as_ref().map(|_| "***")))
        }
    });
    let basic = api
        .security_schemes
        .iter()
        .any(|s| s.kind == SchemeKind::Basic)
        .then(|| {
            quote!(
                pub use crate::rt::BasicAuth;
            )
        });
    let infos = api.operations.iter().map(|op| {
        let name = &op.name;
        let method = op.method.as_upper();
        let path = &op.path;
        let id = op.operation_id.as_ref().map(|i| quote!(.operation_id(#i)));
        let tag = op.tag.as_ref().map(|t| quote!(.tag(#t)));
        let summary = op.docs.summary.as_ref().map(|s| quote!(.summary(#s)));
        let unrouted = op.unroutable.is_some().then(|| quote!(.unrouted()));
        quote! { OperationInfo::new(#name, #method, #path) #id #tag #summary #unrouted, }
    });
    let operations = api.operations.iter().map(|op| emit_operation(api, op));
    quote! {
        //! Operations: inputs, per-status outputs, and a table describing each operation.
        #![allow(deprecated)]
        #[allow(unused_imports)]
        use crate::models::*;

        #basic

        /// Credentials: one field per security scheme the operations use. The client sends,
        /// of the sets an operation accepts, the first one whose fields are all set; the server
        /// hands the ones it received to the handler. `Debug` hides the values.
        #[derive(Clone, PartialEq, Eq, Default)]
        pub struct Credentials { #(#cred_fields)* }

        impl std::fmt::Debug for Credentials {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Credentials") #(#debug_fields)* .finish()
            }
        }

        pub use crate::rt::OperationInfo;

        /// Every operation of the API, sorted by path and method.
        pub const OPERATIONS: &[OperationInfo] = &[ #(#infos)* ];

        #(#operations)*
    }
}

/// A parameter's field in an input struct (or a declared header's in a headers struct).
fn param_field(api: &Api, p: &Param) -> TokenStream {
    let name = ident(&p.rust);
    let ty = type_tokens(api, &p.ty);
    let place = match p.location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
    };
    let docs = docs::attrs(
        &p.docs,
        &[format!("`{}` in the {place}.", p.wire.replace('`', "'"))],
    );
    let dep = p.deprecated.then(|| quote!(#[deprecated]));
    if p.required {
        quote! { #docs #dep pub #name: #ty, }
    } else {
        quote! { #docs #dep pub #name: Option<#ty>, }
    }
}

/// An operation's input struct, its responses' headers structs and its output enum.
fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
    let route = format!("`{} {}`", op.method.as_upper(), op.path.replace('`', "'"));
    let input_docs = docs::attrs_led(&format!("Input of `{}` ({route})", op.name), &op.docs);
    let mut fields: Vec<TokenStream> = op.params.iter().map(|p| param_field(api, p)).collect();
    let mut all_optional = op.params.iter().all(|p| !p.required);
    if let Some(b) = &op.body {
        let ty = type_tokens(api, &b.ty);
        let docs = docs::attrs(&b.docs, &[format!("Request body (`{}`).", b.content_type)]);
        if b.required {
            all_optional = false;
            fields.push(quote! { #docs pub body: #ty, });
        } else {
            fields.push(quote! { #docs pub body: Option<#ty>, });
        }
    }
    let derive_default = if all_optional {
        quote!(Default,)
    } else {
        quote!()
    };
    let variants = op.responses.iter().map(|r| {
        let status = match (r.status, r.range) {
            (Some(s), _) => format!("{s}"),
            (None, Some(d)) => format!("{d}XX"),
            _ => "Any other status".into(),
        };
        let docs = docs::attrs_led(&format!("Status {status}"), &r.docs);
        let name = ident(&r.variant);
        let mut types = Vec::new();
        if has_status_field(r) {
            types.push(quote!(u16));
        }
        if let Some(b) = &r.body {
            types.push(type_tokens(api, &b.ty));
        }
        if let Some(h) = &r.headers_type {
            let h = ident(h);
            types.push(quote!(#h));
        }
        if types.is_empty() {
            quote! { #docs #name, }
        } else {
            quote! { #docs #name(#(#types),*), }
        }
    });
    let output_lead = format!("Documented responses of {route}");
    let input = ident(&op.input_type);
    let output = ident(&op.output_type);
    let (input, output_docs) = match op.has_input() {
        true => (
            quote! {
                #input_docs
                #[derive(Debug, Clone, PartialEq, #derive_default)]
                pub struct #input { #(#fields)* }
            },
            docs::lines(&format!("{output_lead}.")),
        ),
        false => (quote!(), docs::attrs_led(&output_lead, &op.docs)),
    };
    let headers = op.responses.iter().filter_map(|r| {
        let name = ident(r.headers_type.as_ref()?);
        let fields = r.headers.iter().map(|p| param_field(api, p));
        let default = r
            .headers
            .iter()
            .all(|p| !p.required)
            .then(|| quote!(Default,));
        let docs = docs::lines(&format!(
            "Headers of the {} answer of {route}.",
            r.status
                .map_or_else(|| r.variant.clone(), |s| s.to_string())
        ));
        Some(quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct #name { #(#fields)* }
        })
    });
    quote! {
        #input

        #(#headers)*

        #output_docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #output { #(#variants)* }
    }
}
