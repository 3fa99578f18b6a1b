//! `src/schemas.rs`: the validation rules of every request parameter and body, as statics the
//! router checks before a handler runs.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::ident;
use crate::ir::*;
use crate::names::{screaming_ident, Namespace};

/// Names of the statics: per type (when a request uses it), per operation parameter and body.
pub struct SchemaNames {
    /// Static of each named type, when requests use it.
    pub types: Vec<Option<String>>,
    /// Static of each parameter, per operation.
    pub params: Vec<Vec<String>>,
    /// Static of each body, per operation.
    pub bodies: Vec<Option<String>>,
}

/// Marks every named type `v` uses, directly or through other types. Iterative: a chain of
/// thousands of types must not exhaust the stack.
fn collect<'a>(api: &'a Api, v: &'a VRef, used: &mut [bool]) {
    fn visit<'a>(api: &'a Api, v: &'a VRef, used: &mut [bool], stack: &mut Vec<&'a VSchema>) {
        match v {
            VRef::Named(id) => {
                if !std::mem::replace(&mut used[id.0], true) {
                    stack.push(&api.types[id.0].schema);
                }
            }
            VRef::Inline(s) => stack.push(s),
        }
    }
    let mut stack: Vec<&'a VSchema> = Vec::new();
    visit(api, v, used, &mut stack);
    while let Some(s) = stack.pop() {
        let mut refs: Vec<&'a VRef> = Vec::new();
        refs.extend(s.items.as_deref());
        refs.extend(s.properties.iter().map(|(_, v)| v));
        if let VAdditional::Schema(v) = &s.additional {
            refs.push(v);
        }
        refs.extend(s.all_of.iter());
        refs.extend(s.any_of.iter());
        refs.extend(s.one_of.iter());
        refs.extend(s.not.as_deref());
        refs.extend(s.prefix_items.iter());
        refs.extend(s.pattern_properties.iter().map(|(_, v)| v));
        for one in [
            &s.contains,
            &s.property_names,
            &s.if_schema,
            &s.then_schema,
            &s.else_schema,
        ] {
            refs.extend(one.as_deref());
        }
        for r in refs {
            visit(api, r, used, &mut stack);
        }
    }
}

impl SchemaNames {
    /// Decides every name, deterministically.
    pub fn new(api: &Api) -> Self {
        let mut used = vec![false; api.types.len()];
        for op in &api.operations {
            for p in &op.params {
                collect(api, &p.schema, &mut used);
            }
            if let Some(b) = &op.body {
                collect(api, &b.schema, &mut used);
            }
        }
        let mut ns = Namespace::new();
        let types_names: Vec<Option<String>> = api
            .types
            .iter()
            .zip(&used)
            .map(|(t, u)| u.then(|| ns.claim(&screaming_ident(&t.name))))
            .collect();
        let mut params = Vec::new();
        let mut bodies = Vec::new();
        for op in &api.operations {
            let base = op.name.to_ascii_uppercase();
            params.push(
                op.params
                    .iter()
                    .map(|p| {
                        ns.claim(&format!(
                            "{base}_{}",
                            p.rust.trim_end_matches('_').to_ascii_uppercase()
                        ))
                    })
                    .collect(),
            );
            bodies.push(op.body.as_ref().map(|b| match &b.schema {
                VRef::Named(id) => types_names[id.0].clone().unwrap_or_default(),
                VRef::Inline(_) => ns.claim(&format!("{base}_BODY")),
            }));
        }
        SchemaNames {
            types: types_names,
            params,
            bodies,
        }
    }
}

/// The schemas module.
pub fn emit(api: &Api) -> TokenStream {
    let names = SchemaNames::new(api);
    let mut items = Vec::new();
    for (i, name) in names.types.iter().enumerate() {
        if let Some(name) = name {
            let n = ident(name);
            let doc = format!(
                " Rules of [`{}`](crate::models::{}).",
                api.types[i].name, api.types[i].name
            );
            let body = schema_expr(api, &names, &api.types[i].schema);
            items.push(quote! { #[doc = #doc] pub static #n: Schema = #body; });
        }
    }
    for (oi, op) in api.operations.iter().enumerate() {
        let mut path_index = 0usize;
        for (pi, p) in op.params.iter().enumerate() {
            let n = ident(&names.params[oi][pi]);
            let doc = format!(
                " Parameter `{}` of `{}`.",
                p.wire.replace('`', "'"),
                op.name
            );
            let schema = vref_ref(api, &names, &p.schema);
            let wire = &p.wire;
            let (make, default_style) = match p.location {
                ParamIn::Path => {
                    let index = op
                        .segments
                        .iter()
                        .filter_map(|s| match s {
                            Segment::Param(i) => Some(*i),
                            Segment::Literal(_) => None,
                        })
                        .position(|i| i == pi)
                        .unwrap_or_else(|| {
                            path_index += 1;
                            path_index - 1
                        });
                    (quote!(path(#index, #wire, #schema)), ParamStyle::Simple)
                }
                ParamIn::Query => (
                    quote!(query(#wire, #schema)),
                    ParamStyle::Form { explode: true },
                ),
                ParamIn::Header => (quote!(header(#wire, #schema)), ParamStyle::Simple),
                ParamIn::Cookie => (
                    quote!(cookie(#wire, #schema)),
                    ParamStyle::Form { explode: true },
                ),
            };
            let required = (p.required && p.location != ParamIn::Path).then(|| quote!(.required()));
            let style = (p.style != default_style).then(|| {
                let s = super::operations::style_tokens(p.style);
                quote!(.style(#s))
            });
            items.push(quote! { #[doc = #doc] pub static #n: Param = #make #required #style; });
        }
        if let (Some(b), Some(name)) = (&op.body, &names.bodies[oi]) {
            if matches!(b.schema, VRef::Named(_)) {
                continue;
            }
            let n = ident(name);
            let doc = format!(" Body of `{}`.", op.name);
            let body = vref_value(api, &names, &b.schema);
            items.push(quote! { #[doc = #doc] pub static #n: Schema = #body; });
        }
    }
    quote! {
        //! Validation rules of request parameters and bodies, checked by the router.
        #[allow(unused_imports)]
        use crate::rt::server::{cookie, header, path, query, Param};
        #[allow(unused_imports)]
        use crate::rt::validate::{Additional, Lit, Schema, Type};
        #[allow(unused_imports)]
        use crate::rt::Style;
        #(#items)*
    }
}

/// A `Schema` value expression for a reference (a named type is referenced through `all_of`).
fn vref_value(api: &Api, names: &SchemaNames, v: &VRef) -> TokenStream {
    match v {
        VRef::Inline(s) => schema_expr(api, names, s),
        VRef::Named(_) => {
            let r = vref_ref(api, names, v);
            quote!(Schema { all_of: &[#r], ..Schema::ANY })
        }
    }
}

/// A `&Schema` expression for a reference.
fn vref_ref(api: &Api, names: &SchemaNames, v: &VRef) -> TokenStream {
    match v {
        VRef::Inline(s) => {
            let e = schema_expr(api, names, s);
            quote!(&#e)
        }
        VRef::Named(id) => match &names.types[id.0] {
            Some(n) => {
                let n = ident(n);
                quote!(&#n)
            }
            None => quote!(&Schema::ANY),
        },
    }
}

fn lit(v: &Value) -> Option<TokenStream> {
    Some(match v {
        Value::Null => quote!(Lit::Null),
        Value::Bool(b) => quote!(Lit::Bool(#b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => quote!(Lit::Int(#i)),
            None => {
                let f = Literal::f64_unsuffixed(n.as_f64()?);
                quote!(Lit::Float(#f))
            }
        },
        Value::String(s) => quote!(Lit::Str(#s)),
        _ => return None,
    })
}

fn float(f: f64) -> TokenStream {
    let l = Literal::f64_unsuffixed(f);
    quote!(#l)
}

/// A `Schema { .. }` struct expression; only non-default members are written.
fn schema_expr(api: &Api, names: &SchemaNames, s: &VSchema) -> TokenStream {
    let mut members: Vec<TokenStream> = Vec::new();
    if !s.types.is_empty() {
        let ts = s.types.iter().map(|t| match t {
            JsonType::Null => quote!(Type::Null),
            JsonType::Boolean => quote!(Type::Boolean),
            JsonType::Integer => quote!(Type::Integer),
            JsonType::Number => quote!(Type::Number),
            JsonType::String => quote!(Type::String),
            JsonType::Array => quote!(Type::Array),
            JsonType::Object => quote!(Type::Object),
        });
        members.push(quote!(types: &[#(#ts),*]));
    }
    if s.nullable {
        members.push(quote!(nullable: true));
    }
    let lits: Option<Vec<TokenStream>> = s.enumeration.iter().map(lit).collect();
    if let Some(lits) = lits.filter(|l| !l.is_empty()) {
        members.push(quote!(enumeration: &[#(#lits),*]));
    }
    let opt_f = |name: &str, v: Option<f64>| {
        v.map(|v| {
            let n = ident(name);
            let f = float(v);
            quote!(#n: Some(#f))
        })
    };
    let opt_u = |name: &str, v: Option<u64>| {
        v.map(|v| {
            let n = ident(name);
            quote!(#n: Some(#v))
        })
    };
    members.extend(opt_f("minimum", s.minimum));
    members.extend(opt_f("maximum", s.maximum));
    if s.exclusive_minimum {
        members.push(quote!(exclusive_minimum: true));
    }
    if s.exclusive_maximum {
        members.push(quote!(exclusive_maximum: true));
    }
    members.extend(opt_f("multiple_of", s.multiple_of));
    members.extend(opt_u("min_length", s.min_length));
    members.extend(opt_u("max_length", s.max_length));
    if let Some(p) = &s.pattern {
        members.push(quote!(pattern: Some(#p)));
    }
    if let Some(items) = &s.items {
        let r = vref_ref(api, names, items);
        members.push(quote!(items: Some(#r)));
    }
    members.extend(opt_u("min_items", s.min_items));
    members.extend(opt_u("max_items", s.max_items));
    if s.unique_items {
        members.push(quote!(unique_items: true));
    }
    if !s.properties.is_empty() {
        let ps = s.properties.iter().map(|(k, v)| {
            let r = vref_ref(api, names, v);
            quote!((#k, #r))
        });
        members.push(quote!(properties: &[#(#ps),*]));
    }
    if !s.required.is_empty() {
        let rs = &s.required;
        members.push(quote!(required: &[#(#rs),*]));
    }
    match &s.additional {
        VAdditional::Allowed => {}
        VAdditional::Forbidden => members.push(quote!(additional: Additional::Forbidden)),
        VAdditional::Schema(v) => {
            let r = vref_ref(api, names, v);
            members.push(quote!(additional: Additional::Schema(#r)));
        }
    }
    members.extend(opt_u("min_properties", s.min_properties));
    members.extend(opt_u("max_properties", s.max_properties));
    for (name, list) in [
        ("all_of", &s.all_of),
        ("any_of", &s.any_of),
        ("one_of", &s.one_of),
    ] {
        if !list.is_empty() {
            let n = ident(name);
            let rs = list.iter().map(|v| vref_ref(api, names, v));
            members.push(quote!(#n: &[#(#rs),*]));
        }
    }
    if let Some(not) = &s.not {
        let r = vref_ref(api, names, not);
        members.push(quote!(not: Some(#r)));
    }
    if !s.prefix_items.is_empty() {
        let rs = s.prefix_items.iter().map(|v| vref_ref(api, names, v));
        members.push(quote!(prefix_items: &[#(#rs),*]));
    }
    members.extend(opt_u("min_contains", s.min_contains));
    members.extend(opt_u("max_contains", s.max_contains));
    if !s.pattern_properties.is_empty() {
        let ps = s.pattern_properties.iter().map(|(k, v)| {
            let r = vref_ref(api, names, v);
            quote!((#k, #r))
        });
        members.push(quote!(pattern_properties: &[#(#ps),*]));
    }
    if !s.dependent_required.is_empty() {
        let ds = s
            .dependent_required
            .iter()
            .map(|(k, needs)| quote!((#k, &[#(#needs),*])));
        members.push(quote!(dependent_required: &[#(#ds),*]));
    }
    if s.unevaluated_forbidden {
        members.push(quote!(unevaluated_forbidden: true));
    }
    for (name, one) in [
        ("contains", &s.contains),
        ("property_names", &s.property_names),
        ("if_schema", &s.if_schema),
        ("then_schema", &s.then_schema),
        ("else_schema", &s.else_schema),
    ] {
        if let Some(v) = one {
            let n = ident(name);
            let r = vref_ref(api, names, v);
            members.push(quote!(#n: Some(#r)));
        }
    }
    if members.is_empty() {
        return quote!(Schema::ANY);
    }
    if let ([t], 1) = (s.types.as_slice(), members.len()) {
        match t {
            JsonType::String => return quote!(Schema::STRING),
            JsonType::Integer => return quote!(Schema::INTEGER),
            JsonType::Number => return quote!(Schema::NUMBER),
            JsonType::Boolean => return quote!(Schema::BOOLEAN),
            JsonType::Object => return quote!(Schema::OBJECT),
            _ => {}
        }
    }
    quote!(Schema { #(#members,)* ..Schema::ANY })
}

/// Deepest nesting [`type_is_exact`] looks into before answering "no".
const MAX_EXACT_DEPTH: usize = 32;

/// True when a JSON body that decodes into the Rust type `ty` (and holds no `null`) always
/// satisfies the rules `v`: the type itself enforces every one of them (types, required
/// members, array items), and `v` asks nothing a type cannot check (enums, bounds, lengths,
/// patterns, combinators, `additionalProperties`). The router then decodes such bodies
/// directly and validates only the ones that do not decode, for Rocket.Chat's answer.
/// Conservative: any doubt answers `false`.
pub fn type_is_exact(api: &Api, ty: &TypeRef, v: &VRef) -> bool {
    exact(api, ty, v, 0)
}

fn exact(api: &Api, ty: &TypeRef, v: &VRef, depth: usize) -> bool {
    if depth > MAX_EXACT_DEPTH {
        return false;
    }
    let s = match v {
        VRef::Inline(s) => s.as_ref(),
        VRef::Named(id) => &api.types[id.0].schema,
    };
    // A named alias's rules are `allOf: [target]` and nothing else.
    if let ([only], true) = (s.all_of.as_slice(), is_bare(s, true)) {
        return exact(api, ty, only, depth + 1);
    }
    if !is_bare(s, false) {
        return false;
    }
    let only = |t: JsonType| s.types == [t];
    match ty {
        TypeRef::Bool => only(JsonType::Boolean),
        TypeRef::I32 | TypeRef::I64 => only(JsonType::Integer),
        TypeRef::F64 => only(JsonType::Number),
        TypeRef::String => only(JsonType::String),
        TypeRef::Any => s.types.is_empty() && s.properties.is_empty() && s.items.is_none(),
        TypeRef::Object => {
            only(JsonType::Object) && s.properties.is_empty() && s.required.is_empty()
        }
        TypeRef::Vec(t) => {
            only(JsonType::Array)
                && s.items
                    .as_deref()
                    .is_some_and(|items| exact(api, t, items, depth + 1))
        }
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => exact(api, t, v, depth + 1),
        TypeRef::Named(id) => match &api.types[id.0].kind {
            TypeKind::Alias(t) => exact(api, t, v, depth + 1),
            TypeKind::Struct(def) => {
                // The flattened map of unlisted members also makes serde read the struct
                // from a JSON object only (a derived struct without one reads a sequence too).
                only(JsonType::Object)
                    && def.additional == Some(TypeRef::Any)
                    && def.fields.len() == s.properties.len()
                    && s.required
                        .iter()
                        .all(|r| def.fields.iter().any(|f| &f.wire == r))
                    && def.fields.iter().all(|f| {
                        let rule = s.properties.iter().find(|(k, _)| *k == f.wire);
                        f.required == s.required.contains(&f.wire)
                            && rule.is_some_and(|(_, pv)| exact(api, &f.ty, pv, depth + 1))
                    })
            }
            TypeKind::Enum(_) | TypeKind::Union(_) => false,
        },
        // A user's type may refuse what the schema allows (or the reverse).
        TypeRef::F32 | TypeRef::Bytes | TypeRef::Map(_) | TypeRef::Rust(_) | TypeRef::Tuple(_) => {
            false
        }
    }
}

/// True when `s` has no rule beyond `type`, `properties`, `required`, `items` and `nullable`
/// (and `allOf` when `all_of_allowed`, for an alias that is nothing else).
fn is_bare(s: &VSchema, all_of_allowed: bool) -> bool {
    let plain = s.enumeration.is_empty()
        && s.minimum.is_none()
        && s.maximum.is_none()
        && s.multiple_of.is_none()
        && s.min_length.is_none()
        && s.max_length.is_none()
        && s.pattern.is_none()
        && s.min_items.is_none()
        && s.max_items.is_none()
        && !s.unique_items
        && s.additional == VAdditional::Allowed
        && s.min_properties.is_none()
        && s.max_properties.is_none()
        && s.any_of.is_empty()
        && s.one_of.is_empty()
        && s.not.is_none()
        && s.prefix_items.is_empty()
        && s.contains.is_none()
        && s.property_names.is_none()
        && s.pattern_properties.is_empty()
        && s.dependent_required.is_empty()
        && !s.unevaluated_forbidden
        && s.if_schema.is_none()
        && s.then_schema.is_none()
        && s.else_schema.is_none();
    if all_of_allowed {
        plain
            && s.types.is_empty()
            && s.properties.is_empty()
            && s.required.is_empty()
            && s.items.is_none()
    } else {
        plain && s.all_of.is_empty()
    }
}
