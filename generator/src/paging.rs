//! Which list operations the client can page through, and how: from the operation's shape, or
//! from its `x-pagination` extension where the shape is ambiguous or unusual.
//!
//! Detected shapes (names compared case-insensitively, `_` and `-` ignored):
//!
//! - offset: an integer query parameter `offset` or `skip`;
//! - page: an integer query parameter `page`;
//! - cursor: a string query parameter `cursor`, `after`, `pageToken` or `startingAfter`, and a
//!   string field `nextCursor`, `nextPageToken`, `next` or `cursor` in the page;
//!
//! each with an optional page size parameter (`count`, `limit`, `perPage`, `pageSize`, `size`)
//! and, in the body of the first 2xx JSON response (an object), exactly one array field (the
//! items) and an optional integer `total` (`totalCount`, `totalItems`). An operation that fits
//! two shapes is left alone with a warning.
//!
//! `x-pagination: false` turns detection off for an operation; an object chooses any part:
//! `{style: offset|page|cursor, param: <name>, limit: <name>, items: <field>, total: <field>,
//! next: <field>}`.

use serde_json::Value;

use crate::diagnostics::{push_pointer, Diagnostic, Location};
use crate::ir::*;
use crate::names::Namespace;

const OFFSET: &[&str] = &["offset", "skip"];
const PAGE: &[&str] = &["page"];
const CURSOR: &[&str] = &["cursor", "after", "pagetoken", "startingafter"];
const LIMIT: &[&str] = &["count", "limit", "perpage", "pagesize", "size"];
const NEXT: &[&str] = &["nextcursor", "nextpagetoken", "next", "cursor"];
const TOTAL: &[&str] = &["total", "totalcount", "totalitems"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Offset,
    Page,
    Cursor,
}

/// A name as compared: lower case, without `_` and `-`.
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The type `ty` stands for, through aliases and boxes.
fn resolved<'a>(types: &'a [TypeDef], mut ty: &'a TypeRef) -> &'a TypeRef {
    for _ in 0..64 {
        match ty {
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Alias(t) => ty = t,
                _ => return ty,
            },
            TypeRef::Boxed(t) => ty = t,
            _ => return ty,
        }
    }
    ty
}

fn is_integer(types: &[TypeDef], ty: &TypeRef) -> bool {
    matches!(resolved(types, ty), TypeRef::I32 | TypeRef::I64)
}

/// The overrides of an `x-pagination` object (names as written).
#[derive(Default)]
struct Overrides {
    style: Option<Style>,
    param: Option<String>,
    limit: Option<String>,
    items: Option<String>,
    total: Option<String>,
    next: Option<String>,
}

fn overrides(ext: &Value) -> Result<Option<Overrides>, String> {
    let map = match ext {
        Value::Bool(false) => return Ok(None),
        Value::Bool(true) => return Ok(Some(Overrides::default())),
        Value::Object(map) => map,
        _ => return Err("`x-pagination` must be `false` or an object".into()),
    };
    let mut o = Overrides::default();
    for (k, v) in map {
        let Some(text) = v.as_str() else {
            return Err(format!("`x-pagination.{k}` must be a string"));
        };
        let text = Some(text.to_owned());
        match k.as_str() {
            "style" => {
                o.style = Some(match text.as_deref() {
                    Some("offset") => Style::Offset,
                    Some("page") => Style::Page,
                    Some("cursor") => Style::Cursor,
                    _ => {
                        return Err(
                            "`x-pagination.style` must be `offset`, `page` or `cursor`".into()
                        )
                    }
                })
            }
            "param" => o.param = text,
            "limit" => o.limit = text,
            "items" => o.items = text,
            "total" => o.total = text,
            "next" => o.next = text,
            other => return Err(format!("`x-pagination` has no `{other}`")),
        }
    }
    Ok(Some(o))
}

/// The index of the query parameter named `wanted` (exactly), or of the first one whose name
/// is one of `names`, with an acceptable type.
fn query_param(
    op: &Operation,
    wanted: Option<&str>,
    names: &[&str],
    fits: impl Fn(&Param) -> bool,
) -> Option<usize> {
    op.params.iter().position(|p| {
        p.location == ParamIn::Query
            && fits(p)
            && match wanted {
                Some(w) => p.wire == w,
                None => names.contains(&key(&p.wire).as_str()),
            }
    })
}

fn page_field(f: &Field) -> PageField {
    PageField {
        rust: f.rust.clone(),
        options: match (f.required, f.nullable) {
            (true, false) => 0,
            (true, true) | (false, false) => 1,
            (false, true) => 2,
        },
    }
}

/// The paging of `op`, if it is a list operation; warnings for an unusable `x-pagination`
/// and for ambiguous shapes. `methods` holds the client's method names (the helper's name is
/// claimed there).
pub fn detect(
    types: &[TypeDef],
    op: &Operation,
    ext: Option<&Value>,
    methods: &mut Namespace,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Pagination> {
    let at = Location::new(
        op.origin.file.clone(),
        push_pointer(&op.origin.pointer, "x-pagination"),
    );
    let o = match ext.map(overrides) {
        None => Overrides::default(),
        Some(Ok(Some(o))) => o,
        Some(Ok(None)) => return None,
        Some(Err(message)) => {
            warnings.push(Diagnostic::warning(at, "invalid-pagination", message));
            return None;
        }
    };
    let explicit = ext.is_some();
    let fail = |warnings: &mut Vec<Diagnostic>, why: String| {
        if explicit {
            warnings.push(Diagnostic::warning(at.clone(), "invalid-pagination", why));
        }
        None
    };
    // The page: the first 2xx JSON response whose body is an object.
    let Some((response, fields)) = op.responses.iter().find_map(|r| {
        let ok = r.status.is_some_and(|s| (200..300).contains(&s)) || r.range == Some(2);
        let body = r.body.as_ref().filter(|b| ok && b.media == Media::Json)?;
        match resolved(types, &body.ty) {
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Struct(s) => Some((r, &s.fields)),
                _ => None,
            },
            _ => None,
        }
    }) else {
        return fail(
            warnings,
            "no 2xx response has a JSON object body to read pages from".into(),
        );
    };
    let field = |wanted: &Option<String>, names: &[&str], fits: &dyn Fn(&TypeRef) -> bool| {
        fields.iter().find(|f| {
            fits(&f.ty)
                && match wanted {
                    Some(w) => &f.wire == w,
                    None => names.contains(&key(&f.wire).as_str()),
                }
        })
    };
    // The items: the named field, else the only array field.
    let arrays: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(resolved(types, &f.ty), TypeRef::Vec(_)))
        .filter(|f| o.items.as_ref().is_none_or(|w| &f.wire == w))
        .collect();
    let [items] = arrays[..] else {
        return fail(
            warnings,
            match &o.items {
                Some(w) => format!("the page has no array field `{w}`"),
                None => "the page has no single array field; name it with `items`".into(),
            },
        );
    };
    let TypeRef::Vec(item_ty) = resolved(types, &items.ty) else {
        return None;
    };
    let integer = |p: &Param| is_integer(types, &p.ty);
    let text = |p: &Param| matches!(resolved(types, &p.ty), TypeRef::String);
    let styles: Vec<(Style, usize)> = [
        (Style::Offset, OFFSET),
        (Style::Page, PAGE),
        (Style::Cursor, CURSOR),
    ]
    .into_iter()
    .filter(|(s, _)| o.style.is_none_or(|w| w == *s))
    .filter_map(|(s, names)| {
        let found = match s {
            Style::Cursor => query_param(op, o.param.as_deref(), names, text),
            _ => query_param(op, o.param.as_deref(), names, integer),
        };
        found.map(|i| (s, i))
    })
    .collect();
    let (style, param) = match styles[..] {
        [one] => one,
        [] => return fail(warnings, "no offset, page or cursor query parameter".into()),
        _ => {
            warnings.push(Diagnostic::warning(
                at,
                "ambiguous-pagination",
                "the operation has more than one kind of paging parameter; choose one with `x-pagination: {style: ..}`",
            ));
            return None;
        }
    };
    let kind = match style {
        Style::Offset => PageKind::Offset(param),
        Style::Page => PageKind::Page(param),
        Style::Cursor => {
            let string = |t: &TypeRef| matches!(resolved(types, t), TypeRef::String);
            let Some(next) = field(&o.next, NEXT, &string) else {
                return fail(
                    warnings,
                    "a cursor page needs a string field with the next cursor; name it with `next`"
                        .into(),
                );
            };
            PageKind::Cursor {
                param,
                next: page_field(next),
            }
        }
    };
    let limit = query_param(op, o.limit.as_deref(), LIMIT, integer).filter(|l| *l != param);
    let total = field(&o.total, TOTAL, &|t| is_integer(types, t)).map(page_field);
    let base = format!("{}_stream", op.name);
    Some(Pagination {
        method: methods.claim(&base),
        kind,
        limit,
        variant: response.variant.clone(),
        items: page_field(items),
        item_ty: (**item_ty).clone(),
        total,
    })
}
