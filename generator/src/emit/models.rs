//! `src/models.rs`: one Rust type per named schema.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::docs;
use super::{ident, type_tokens};
use crate::ir::*;

/// All model types.
pub fn emit(api: &Api) -> TokenStream {
    let types = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| emit_type(api, TypeId(i), t));
    quote! {
        //! Models: one type per schema of the API, named after its component or its place.
        #![allow(deprecated)]
        #[allow(unused_imports)]
        use serde::{Deserialize, Serialize};
        #(#types)*
    }
}

fn deprecated(flag: bool) -> TokenStream {
    if flag {
        quote!(#[deprecated])
    } else {
        quote!()
    }
}

/// True when an alias refers to itself through other aliases (which Rust forbids).
fn alias_is_recursive(api: &Api, id: TypeId) -> bool {
    fn mentions(api: &Api, ty: &TypeRef, target: TypeId, depth: usize) -> bool {
        if depth > 64 {
            return true;
        }
        match ty {
            TypeRef::Named(n) if *n == target => true,
            TypeRef::Named(n) => match &api.types[n.0].kind {
                TypeKind::Alias(inner) => mentions(api, inner, target, depth + 1),
                _ => false,
            },
            TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Nullable(t) | TypeRef::Boxed(t) => {
                mentions(api, t, target, depth + 1)
            }
            TypeRef::Tuple(items) => items.iter().any(|t| mentions(api, t, target, depth + 1)),
            _ => false,
        }
    }
    match &api.types[id.0].kind {
        TypeKind::Alias(ty) => mentions(api, ty, id, 0),
        _ => false,
    }
}

fn default_note(default: &Option<Value>) -> Vec<String> {
    match default {
        Some(v) => vec![format!("Default: `{}`.", v.to_string().replace('`', "'"))],
        None => vec![],
    }
}

/// A struct field with its attributes, by whether it is required and nullable: `serde`
/// keeps absent optional fields absent, and tells `null` from absent where both are allowed.
fn field(api: &Api, f: &Field) -> TokenStream {
    let wire = &f.wire;
    let name = ident(&f.rust);
    let ty = type_tokens(api, &f.ty);
    let mut extra = default_note(&f.default);
    if let Some(a) = f.access {
        extra.push(format!("This property is {a}."));
    }
    let docs = docs::attrs(&f.docs, &extra);
    let dep = deprecated(f.deprecated);
    let renamed = f.rust != f.wire;
    let rename = if renamed {
        quote!(rename = #wire,)
    } else {
        quote!()
    };
    match (f.required, f.nullable) {
        (true, false) => {
            let serde = renamed.then(|| quote!(#[serde(rename = #wire)]));
            quote! { #docs #dep #serde pub #name: #ty, }
        }
        (true, true) => quote! { #docs #dep #[serde(#rename)] pub #name: Option<#ty>, },
        (false, false) => quote! {
            #docs #dep
            #[serde(#rename default, skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
        },
        // The field's own docs come first, then the note, then `#[deprecated]`.
        (false, true) => quote! {
            #docs
            /// `None`: absent; `Some(None)`: `null`.
            #dep
            #[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::rt::deserialize_some")]
            pub #name: Option<Option<#ty>>,
        },
    }
}

fn emit_type(api: &Api, id: TypeId, t: &TypeDef) -> TokenStream {
    let name = ident(&t.name);
    let docs = docs::attrs(&t.docs, &[]);
    let dep = deprecated(t.deprecated);
    match &t.kind {
        TypeKind::Struct(s) => {
            let all_optional = s.fields.iter().all(|f| !f.required || f.nullable);
            let derive_default = if all_optional {
                quote!(Default,)
            } else {
                quote!()
            };
            let fields = s.fields.iter().map(|f| field(api, f));
            let extra = extra_derives(api, t, if all_optional { &["Default"] } else { &[] });
            let additional = s.additional.as_ref().map(|a| {
                let ty = type_tokens(api, a);
                let doc = if *a == TypeRef::Any {
                    quote! {
                        /// The members the schema does not list (it allows any), kept so that
                        /// nothing received is lost when the value is sent on.
                    }
                } else {
                    quote! {
                        /// Properties not declared by the schema.
                    }
                };
                quote! {
                    #doc
                    #[serde(flatten)]
                    pub additional_properties: std::collections::BTreeMap<String, #ty>,
                }
            });
            quote! {
                #docs #dep
                #[derive(Debug, Clone, PartialEq, #derive_default Serialize, Deserialize #extra)]
                pub struct #name { #(#fields)* #additional }
            }
        }
        TypeKind::Alias(ty) if !alias_is_recursive(api, id) => {
            let target = type_tokens(api, ty);
            quote! { #docs #dep pub type #name = #target; }
        }
        _ => emit_tokens(api, id, t, docs, dep, name),
    }
}

/// `, A, B`: the configuration's extra derives for a type (for every type, then its own),
/// without those in `implied` (which the type's derive list may already hold) or repeats.
fn extra_derives(api: &Api, t: &TypeDef, implied: &[&str]) -> TokenStream {
    let own = api.type_derives.get(&t.name).into_iter().flatten();
    let mut seen: Vec<&str> = implied.to_vec();
    let mut out = TokenStream::new();
    for d in api.derives.iter().chain(own) {
        let last = d.rsplit("::").next().unwrap_or(d).trim();
        if ["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"].contains(&last)
            || seen.contains(&last)
        {
            continue;
        }
        seen.push(last);
        let path = super::derive_path(d);
        out.extend(quote!(, #path));
    }
    out
}

/// Enums, unions and recursive aliases.
fn emit_tokens(
    api: &Api,
    id: TypeId,
    t: &TypeDef,
    docs: docs::DocLines,
    dep: TokenStream,
    name: proc_macro2::Ident,
) -> TokenStream {
    let extra = extra_derives(api, t, &["Eq", "Hash", "PartialOrd", "Ord"]);
    match &t.kind {
        TypeKind::Struct(_) => unreachable!("structs are written by `emit_type`"),
        TypeKind::Enum(variants) => {
            let vs = variants.iter().map(|v| {
                let rust = ident(&v.rust);
                let wire = &v.wire;
                let doc = format!(
                    " `{}`",
                    serde_json::Value::from(wire.as_str())
                        .to_string()
                        .replace('`', "'")
                );
                quote! { #[doc = #doc] #[serde(rename = #wire)] #rust, }
            });
            let arms = variants.iter().map(|v| {
                let rust = ident(&v.rust);
                let wire = &v.wire;
                quote! { Self::#rust => #wire, }
            });
            quote! {
                #docs #dep
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize #extra)]
                pub enum #name {
                    #(#vs)*
                    /// A value this version of the API does not know (kept, for forward compatibility).
                    #[serde(untagged)]
                    Unknown(String),
                }
                impl #name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self { #(#arms)* Self::Unknown(s) => s, }
                    }
                }
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
            }
        }
        TypeKind::Union(u) => {
            let vs = u.variants.iter().map(|v| {
                let rust = ident(&v.rust);
                let ty = type_tokens(api, &v.ty);
                quote! { #rust(#ty), }
            });
            match &u.discriminator {
                None => quote! {
                    #docs #dep
                    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize #extra)]
                    #[serde(untagged)]
                    pub enum #name { #(#vs)* }
                },
                Some(prop) => {
                    let arms = u.variants.iter().map(|v| {
                        let rust = ident(&v.rust);
                        let tags = &v.tags;
                        quote! { Some(#(#tags)|*) => serde_json::from_value(value).map(Self::#rust).map_err(D::Error::custom), }
                    });
                    let missing = format!("missing discriminator `{prop}`");
                    quote! {
                        #docs #dep
                        #[derive(Debug, Clone, PartialEq, Serialize #extra)]
                        #[serde(untagged)]
                        pub enum #name { #(#vs)* }
                        impl<'de> Deserialize<'de> for #name {
                            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                                use serde::de::Error as _;
                                let value = serde_json::Value::deserialize(deserializer)?;
                                match value.get(#prop).and_then(serde_json::Value::as_str) {
                                    #(#arms)*
                                    Some(other) => Err(D::Error::custom(format_args!("unknown `{}` value `{}`", #prop, other))),
                                    None => Err(D::Error::custom(#missing)),
                                }
                            }
                        }
                    }
                }
            }
        }
        TypeKind::Alias(ty) => {
            let target = type_tokens(api, ty);
            debug_assert!(
                alias_is_recursive(api, id),
                "other aliases are written by `emit_type`"
            );
            quote! {
                #docs #dep
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize #extra)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    }
}
