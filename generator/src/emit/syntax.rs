//! Syntax trees built directly, for the most numerous and simplest items of a crate (model
//! structs and aliases, operation inputs and outputs). prettyplease prints a tree built here
//! exactly as it prints the same item written as tokens and parsed by syn, and parsing is the
//! largest single cost of generating a crate: these items skip it.
//!
//! Every builder makes the tree syn's parser makes of the matching tokens (the tests compare
//! the two), so an item can be written either way and formats the same.

use proc_macro2::{Ident, Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::token;

use super::ident;
use crate::ir::{Api, TypeRef};

/// `a::b::C` (no leading `::`), every segment without arguments.
pub fn path(segments: &[&str]) -> syn::Path {
    syn::Path {
        leading_colon: None,
        segments: segments.iter().map(|s| segment(ident(s))).collect(),
    }
}

fn segment(name: Ident) -> syn::PathSegment {
    syn::PathSegment {
        ident: name,
        arguments: syn::PathArguments::None,
    }
}

/// A type named by a path, its last segment with the generic arguments `args` (none: `T`).
fn path_type(segments: &[&str], args: Vec<syn::Type>) -> syn::Type {
    let mut path = path(segments);
    if !args.is_empty() {
        if let Some(last) = path.segments.last_mut() {
            last.arguments =
                syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
                    colon2_token: None,
                    lt_token: Default::default(),
                    args: args.into_iter().map(syn::GenericArgument::Type).collect(),
                    gt_token: Default::default(),
                });
        }
    }
    syn::Type::Path(syn::TypePath {
        attrs: vec![],
        qself: None,
        path,
    })
}

/// The Rust type for a [`TypeRef`]: the tree of [`super::type_tokens`]' tokens.
pub fn type_of(api: &Api, ty: &TypeRef) -> syn::Type {
    match ty {
        TypeRef::Bool => path_type(&["bool"], vec![]),
        TypeRef::I32 => path_type(&["i32"], vec![]),
        TypeRef::I64 => path_type(&["i64"], vec![]),
        TypeRef::F32 => path_type(&["f32"], vec![]),
        TypeRef::F64 => path_type(&["f64"], vec![]),
        TypeRef::String => path_type(&["String"], vec![]),
        TypeRef::Any => path_type(&["serde_json", "Value"], vec![]),
        TypeRef::Object => path_type(
            &["serde_json", "Map"],
            vec![
                path_type(&["String"], vec![]),
                path_type(&["serde_json", "Value"], vec![]),
            ],
        ),
        TypeRef::Bytes => path_type(&["Vec"], vec![path_type(&["u8"], vec![])]),
        TypeRef::Named(id) => path_type(&[&api.types[id.0].name], vec![]),
        TypeRef::Vec(t) => path_type(&["Vec"], vec![type_of(api, t)]),
        TypeRef::Map(t) => string_map(type_of(api, t)),
        TypeRef::Nullable(t) => option(type_of(api, t)),
        TypeRef::Boxed(t) => path_type(&["Box"], vec![type_of(api, t)]),
    }
}

/// `std::collections::BTreeMap<String, value>`.
pub fn string_map(value: syn::Type) -> syn::Type {
    path_type(
        &["std", "collections", "BTreeMap"],
        vec![path_type(&["String"], vec![]), value],
    )
}

/// `Option<ty>`.
pub fn option(ty: syn::Type) -> syn::Type {
    path_type(&["Option"], vec![ty])
}

/// `u16`.
pub fn u16_type() -> syn::Type {
    path_type(&["u16"], vec![])
}

fn outer(meta: syn::Meta) -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta,
    }
}

/// `#[doc = "text"]`.
pub fn doc(text: &str) -> syn::Attribute {
    // prettyplease prints a one-line doc that does not start with `/` as `///` and its value,
    // which a raw literal holds as it is: no escaping it here, no unescaping it there.
    let printed_as_comment = !text.contains('\n') && !text.starts_with('/');
    let lit = match printed_as_comment.then(|| syn::Lit::new(super::text_literal(text))) {
        Some(syn::Lit::Str(lit)) => lit,
        _ => syn::LitStr::new(text, Span::call_site()),
    };
    outer(syn::Meta::NameValue(syn::MetaNameValue {
        path: path(&["doc"]),
        eq_token: Default::default(),
        value: syn::Expr::Lit(syn::ExprLit {
            attrs: vec![],
            lit: syn::Lit::Str(lit),
        }),
    }))
}

/// `#[name]`, such as `#[deprecated]`.
pub fn word(name: &str) -> syn::Attribute {
    outer(syn::Meta::Path(path(&[name])))
}

/// `#[name(tokens)]`, such as `#[serde(rename = "x")]` (syn keeps a list's tokens as they are).
pub fn list(name: &str, tokens: TokenStream) -> syn::Attribute {
    outer(syn::Meta::List(syn::MetaList {
        path: path(&[name]),
        delimiter: syn::MacroDelimiter::Paren(Default::default()),
        tokens,
    }))
}

fn public() -> syn::Visibility {
    syn::Visibility::Public(Default::default())
}

/// `attrs pub name: ty` (a field of a struct with named fields).
pub fn field(attrs: Vec<syn::Attribute>, name: &str, ty: syn::Type) -> syn::Field {
    syn::Field {
        attrs,
        vis: public(),
        modifiers: Default::default(),
        ident: Some(ident(name)),
        colon_token: Some(Default::default()),
        ty,
        default: None,
    }
}

/// A field of a tuple variant or tuple struct: `ty`, or `pub ty` when `public`.
fn unnamed(ty: syn::Type, public_field: bool) -> syn::Field {
    syn::Field {
        attrs: vec![],
        vis: if public_field {
            public()
        } else {
            syn::Visibility::Inherited
        },
        modifiers: Default::default(),
        ident: None,
        colon_token: None,
        ty,
        default: None,
    }
}

/// Punctuated with a trailing comma, as the generator writes every list.
fn trailing<T, P: Default>(items: Vec<T>) -> Punctuated<T, P> {
    let mut list = Punctuated::new();
    for item in items {
        list.push_value(item);
        list.push_punct(P::default());
    }
    list
}

/// `attrs pub struct name { fields }`.
pub fn named_struct(attrs: Vec<syn::Attribute>, name: &str, fields: Vec<syn::Field>) -> syn::Item {
    syn::Item::Struct(syn::ItemStruct {
        attrs,
        vis: public(),
        struct_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: token::Brace::default(),
            named: trailing(fields),
        }),
        semi_token: None,
    })
}

/// `attrs pub struct name(pub ty);`.
pub fn newtype_struct(attrs: Vec<syn::Attribute>, name: &str, ty: syn::Type) -> syn::Item {
    let mut fields = Punctuated::new();
    fields.push(unnamed(ty, true));
    syn::Item::Struct(syn::ItemStruct {
        attrs,
        vis: public(),
        struct_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        fields: syn::Fields::Unnamed(syn::FieldsUnnamed {
            paren_token: Default::default(),
            unnamed: fields,
        }),
        semi_token: Some(Default::default()),
    })
}

/// `attrs pub type name = ty;`.
pub fn type_alias(attrs: Vec<syn::Attribute>, name: &str, ty: syn::Type) -> syn::Item {
    syn::Item::Type(syn::ItemType {
        attrs,
        vis: public(),
        modifiers: Default::default(),
        type_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        eq_token: Default::default(),
        ty: Box::new(ty),
        semi_token: Default::default(),
        where_clause_placement: syn::WhereClausePlacement::Early,
    })
}

/// `attrs name(types)`, or `attrs name` without types: a variant of an enum.
pub fn variant(attrs: Vec<syn::Attribute>, name: &str, types: Vec<syn::Type>) -> syn::Variant {
    let fields = if types.is_empty() {
        syn::Fields::Unit
    } else {
        syn::Fields::Unnamed(syn::FieldsUnnamed {
            paren_token: Default::default(),
            unnamed: types.into_iter().map(|t| unnamed(t, false)).collect(),
        })
    };
    syn::Variant {
        attrs,
        ident: ident(name),
        fields,
        discriminant: None,
    }
}

/// `attrs pub enum name { variants }`.
pub fn enumeration(
    attrs: Vec<syn::Attribute>,
    name: &str,
    variants: Vec<syn::Variant>,
) -> syn::Item {
    syn::Item::Enum(syn::ItemEnum {
        attrs,
        vis: public(),
        enum_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        brace_token: Default::default(),
        variants: trailing(variants),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeId;
    use quote::{quote, ToTokens};

    /// The text prettyplease prints for an item written as tokens.
    fn printed(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).expect("valid item"))
    }

    fn built(item: syn::Item) -> String {
        prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: vec![],
            items: vec![item],
        })
    }

    /// Each builder prints as the tokens it stands for, and reads back as the same tree.
    #[test]
    fn built_items_print_as_their_tokens() {
        let mut api = Api::default();
        api.types.push(crate::ir::TypeDef {
            name: "Pet".into(),
            docs: Default::default(),
            kind: crate::ir::TypeKind::Alias(TypeRef::Any),
            deprecated: false,
            schema: Default::default(),
            origin: crate::diagnostics::Location::new("a.yaml", ""),
            examples: vec![],
        });
        let every = TypeRef::Vec(Box::new(TypeRef::Map(Box::new(TypeRef::Nullable(
            Box::new(TypeRef::Boxed(Box::new(TypeRef::Named(TypeId(0))))),
        )))));
        for ty in [
            TypeRef::Bool,
            TypeRef::I32,
            TypeRef::I64,
            TypeRef::F32,
            TypeRef::F64,
            TypeRef::String,
            TypeRef::Any,
            TypeRef::Object,
            TypeRef::Bytes,
            every,
        ] {
            let tokens = super::super::type_tokens(&api, &ty);
            assert_eq!(
                type_of(&api, &ty).to_token_stream().to_string(),
                tokens.to_string()
            );
            let long = quote! {
                /// A struct.
                #[deprecated]
                #[derive(Debug, Clone)]
                pub struct S {
                    /// A field.
                    #[serde(rename = "a-b", default, skip_serializing_if = "Option::is_none")]
                    pub a_b: Option<#tokens>,
                    pub very_long_field_name_that_makes_the_line_wrap_somewhere_later: #tokens,
                }
            };
            let item = named_struct(
                vec![
                    doc(" A struct."),
                    word("deprecated"),
                    list("derive", quote!(Debug, Clone)),
                ],
                "S",
                vec![
                    field(
                        vec![
                            doc(" A field."),
                            list(
                                "serde",
                                quote!(
                                    rename = "a-b",
                                    default,
                                    skip_serializing_if = "Option::is_none"
                                ),
                            ),
                        ],
                        "a_b",
                        option(type_of(&api, &ty)),
                    ),
                    field(
                        vec![],
                        "very_long_field_name_that_makes_the_line_wrap_somewhere_later",
                        type_of(&api, &ty),
                    ),
                ],
            );
            assert_eq!(built(item.clone()), printed(long));
            assert_eq!(printed(item.to_token_stream()), built(item));
            let alias = type_alias(vec![doc(" An alias.")], "A", type_of(&api, &ty));
            assert_eq!(
                built(alias),
                printed(quote! { #[doc = " An alias."] pub type A = #tokens; })
            );
            let newtype = newtype_struct(vec![], "N", type_of(&api, &ty));
            assert_eq!(
                built(newtype),
                printed(quote! { pub struct N(pub #tokens); })
            );
            let variants = vec![
                variant(vec![doc(" Unit.")], "Unit", vec![]),
                variant(vec![], "One", vec![type_of(&api, &ty)]),
                variant(vec![], "Two", vec![u16_type(), type_of(&api, &ty)]),
            ];
            assert_eq!(
                built(enumeration(vec![], "E", variants)),
                printed(
                    quote! { pub enum E { #[doc = " Unit."] Unit, One(#tokens), Two(u16, #tokens), } }
                )
            );
        }
        assert_eq!(
            built(named_struct(vec![], "Empty", vec![])),
            printed(quote! { pub struct Empty {} })
        );
        assert_eq!(
            built(enumeration(vec![], "E", vec![])),
            printed(quote! { pub enum E {} })
        );
    }
}
