//! The operations of two descriptions matched by method and path, and each pair compared:
//! deprecation, `operationId`, credentials, `security`, parameters, request body and
//! responses (schemas through [`super::schema`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use generator::diagnostics::{push_pointer, unescape_token};
use generator::load::Document;
use generator::{Error, Location};
use openapiv3::{
    Components, Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode,
};
use serde_json::Value;

use super::schema::{At, Comparer};
use super::{Change, Kind, Side};

/// `$ref`s followed at most from a parameter, body or response to its target.
const MAX_REF_CHAIN: usize = 64;

static NULL: Value = Value::Null;

/// One operation of a description.
struct Op<'d> {
    doc: &'d Document,
    item: Cow<'d, PathItem>,
    method: &'static str,
    /// Pointer of the path item (or of its `$ref` target).
    item_ptr: String,
}

impl Op<'_> {
    fn operation(&self) -> Option<&Operation> {
        let i = &*self.item;
        match self.method {
            "get" => i.get.as_ref(),
            "put" => i.put.as_ref(),
            "post" => i.post.as_ref(),
            "delete" => i.delete.as_ref(),
            "options" => i.options.as_ref(),
            "head" => i.head.as_ref(),
            "patch" => i.patch.as_ref(),
            _ => i.trace.as_ref(),
        }
    }

    fn ptr(&self) -> String {
        push_pointer(&self.item_ptr, self.method)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The operations of merged documents by path and method (the first definition wins, as
/// the generator refuses different ones).
fn operations(docs: &[Document]) -> Result<BTreeMap<(String, &'static str), Op<'_>>, Error> {
    let mut out = BTreeMap::new();
    for doc in docs {
        // Webhooks (3.1) are matched by name: in their calls the API is the HTTP client and
        // the subscriber the server, which is what the verdicts say.
        let webhooks: indexmap::IndexMap<String, ReferenceOr<PathItem>> = doc
            .value
            .get("webhooks")
            .and_then(|w| serde_json::from_value(w.clone()).ok())
            .unwrap_or_default();
        let items = doc
            .openapi
            .paths
            .iter()
            .map(|(path, item)| {
                (
                    path.clone(),
                    push_pointer("/paths", path),
                    Cow::Borrowed(item),
                )
            })
            .chain(webhooks.into_iter().map(|(name, item)| {
                let at = push_pointer("/webhooks", &name);
                (format!("webhook {name}"), at, Cow::Owned(item))
            }));
        for (path, at, item) in items {
            let reference = match &*item {
                ReferenceOr::Reference { reference } => Some(reference.clone()),
                ReferenceOr::Item(_) => None,
            };
            let (item, item_ptr) = match (item, reference) {
                (Cow::Borrowed(ReferenceOr::Item(i)), _) => (Cow::Borrowed(i), at),
                (Cow::Owned(ReferenceOr::Item(i)), _) => (Cow::Owned(i), at),
                (_, reference) => {
                    let reference = reference.unwrap_or_default();
                    let target = reference.strip_prefix('#').unwrap_or("\u{0}");
                    let parsed = doc
                        .value
                        .pointer(target)
                        .and_then(|v| serde_json::from_value::<PathItem>(v.clone()).ok());
                    let Some(parsed) = parsed else {
                        return Err(unresolved(doc, &at, &reference));
                    };
                    (Cow::Owned(parsed), target.to_owned())
                }
            };
            for method in METHODS {
                let op = Op {
                    doc,
                    item: item.clone(),
                    method,
                    item_ptr: item_ptr.clone(),
                };
                if op.operation().is_some() {
                    out.entry((path.clone(), method)).or_insert(op);
                }
            }
        }
    }
    Ok(out)
}

fn unresolved(doc: &Document, at: &str, reference: &str) -> Error {
    Error::spec(
        Location::new(&doc.file, at),
        "unresolved-ref",
        format!("`$ref: {reference}` does not resolve in this document"),
    )
}

/// Follows a `$ref` to `#/components/<section>/<name>`; the item and its pointer.
fn item<'d, T>(
    doc: &'d Document,
    mut r: &'d ReferenceOr<T>,
    at: String,
    section: &str,
    get: impl Fn(&'d Components, &str) -> Option<&'d ReferenceOr<T>>,
) -> Result<(&'d T, String), Error> {
    let mut ptr = at;
    for _ in 0..MAX_REF_CHAIN {
        match r {
            ReferenceOr::Item(t) => return Ok((t, ptr)),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let next = reference
                    .strip_prefix(&prefix)
                    .and_then(|name| get(doc.openapi.components.as_ref()?, &unescape_token(name)));
                let Some(next) = next else {
                    return Err(unresolved(doc, &ptr, reference));
                };
                ptr = reference[1..].to_owned();
                r = next;
            }
        }
    }
    Err(Error::spec(
        Location::new(&doc.file, &ptr),
        "ref-chain",
        format!("more than {MAX_REF_CHAIN} `$ref`s in a row"),
    ))
}

/// Compares every operation of `old` with its counterpart in `new`.
pub fn compare(old: &[Document], new: &[Document]) -> Result<Vec<Change>, Error> {
    let (olds, news) = (operations(old)?, operations(new)?);
    let (old_auth, new_auth) = (auth_headers(old), auth_headers(new));
    let mut changes = Vec::new();
    for ((path, method), o) in &olds {
        let name = format!("{} {path}", method.to_ascii_uppercase());
        match news.get(&(path.clone(), *method)) {
            None => changes.push(op_change(&name, Kind::OperationRemoved, o.ptr())),
            Some(n) => {
                let mut pair = Pair {
                    name: &name,
                    old: o,
                    new: n,
                    changes: Vec::new(),
                };
                pair.compare(&old_auth, &new_auth)?;
                changes.append(&mut pair.changes);
            }
        }
    }
    for ((path, method), n) in &news {
        if !olds.contains_key(&(path.clone(), *method)) {
            let name = format!("{} {path}", method.to_ascii_uppercase());
            changes.push(op_change(&name, Kind::OperationAdded, n.ptr()));
        }
    }
    Ok(changes)
}

fn op_change(operation: &str, kind: Kind, pointer: String) -> Change {
    Change {
        operation: operation.to_owned(),
        pointer,
        kind,
        side: Side::Operation,
        place: String::new(),
        detail: String::new(),
    }
}

/// Header parameters that carry credentials (lower case), as the generator finds them:
/// `X-User-Id`, `X-Auth-Token` and the headers of `apiKey` security schemes.
fn auth_headers(docs: &[Document]) -> Vec<String> {
    let mut names = vec!["x-user-id".to_owned(), "x-auth-token".to_owned()];
    for c in docs.iter().filter_map(|d| d.openapi.components.as_ref()) {
        for scheme in c.security_schemes.values() {
            if let ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name,
                ..
            }) = scheme
            {
                names.push(name.to_ascii_lowercase());
            }
        }
    }
    names
}

/// A parameter resolved: where it is, its key (`query count`), and the parameter.
struct Param<'d> {
    key: (String, String),
    ptr: String,
    param: &'d Parameter,
}

/// The parameters of an operation (path-level ones overridden by operation-level ones).
fn params<'d>(op: &'d Op<'d>) -> Result<Vec<Param<'d>>, Error> {
    let mut lists = vec![(
        &op.item.parameters,
        push_pointer(&op.item_ptr, "parameters"),
    )];
    if let Some(o) = op.operation() {
        lists.push((&o.parameters, push_pointer(&op.ptr(), "parameters")));
    }
    let mut out: Vec<Param> = Vec::new();
    for (list, base) in lists {
        for (i, r) in list.iter().enumerate() {
            let at = push_pointer(&base, &i.to_string());
            let (param, ptr) = item(op.doc, r, at, "parameters", |c, n| c.parameters.get(n))?;
            let data = param.parameter_data_ref();
            let place = match param {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            let name = if place == "header" {
                data.name.to_ascii_lowercase()
            } else {
                data.name.clone()
            };
            let key = (place.to_owned(), name);
            out.retain(|p| p.key != key);
            out.push(Param { key, ptr, param });
        }
    }
    Ok(out)
}

/// How a parameter is written: its style and whether it explodes (with their defaults).
fn style(p: &Parameter) -> String {
    let explode = p.parameter_data_ref().explode;
    let (style, default_explode) = match p {
        Parameter::Query { style, .. } => (format!("{style:?}"), true),
        Parameter::Cookie { style, .. } => (format!("{style:?}"), true),
        Parameter::Header { style, .. } => (format!("{style:?}"), false),
        Parameter::Path { style, .. } => (format!("{style:?}"), false),
    };
    let default_explode = default_explode && matches!(style.as_str(), "Form");
    format!("{style}, explode {}", explode.unwrap_or(default_explode))
}

/// The media type the generated code uses: JSON first, then text, then the first one. Its
/// kind (0 JSON, 1 text, 2 other) and name.
fn pick(content: &openapiv3::Content) -> Option<(u8, &str)> {
    let kind = |ct: &str| {
        let ct = ct.to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or("").trim().to_owned();
        if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
            0
        } else if essence.starts_with("text/") {
            1
        } else {
            2
        }
    };
    content
        .keys()
        .map(|k| (kind(k), k.as_str()))
        .min_by_key(|(k, _)| *k)
}

/// Two versions of one operation being compared.
struct Pair<'a, 'd> {
    name: &'a str,
    old: &'a Op<'d>,
    new: &'a Op<'d>,
    changes: Vec<Change>,
}

impl Pair<'_, '_> {
    /// Records a change; its `detail` can be filled in through the result.
    fn push(&mut self, kind: Kind, side: Side, pointer: String, place: &str) -> &mut Change {
        self.changes.push(Change {
            operation: self.name.to_owned(),
            pointer,
            kind,
            side,
            place: place.to_owned(),
            detail: String::new(),
        });
        let last = self.changes.len() - 1;
        &mut self.changes[last]
    }

    fn compare(&mut self, old_auth: &[String], new_auth: &[String]) -> Result<(), Error> {
        let (Some(o), Some(n)) = (self.old.operation(), self.new.operation()) else {
            return Ok(());
        };
        let np = self.new.ptr();
        let side = Side::Operation;
        match (o.deprecated, n.deprecated) {
            (false, true) => _ = self.push(Kind::OperationDeprecated, side, np.clone(), ""),
            (true, false) => _ = self.push(Kind::OperationUndeprecated, side, np.clone(), ""),
            _ => {}
        }
        if o.operation_id != n.operation_id {
            let show = |id: &Option<String>| id.clone().unwrap_or_else(|| "none".into());
            let ptr = push_pointer(&np, "operationId");
            self.push(Kind::OperationIdChanged, side, ptr, "").detail =
                format!("{} -> {}", show(&o.operation_id), show(&n.operation_id));
        }
        self.security(o, n, &np);
        let (ops, nps) = (params(self.old)?, params(self.new)?);
        self.credentials(&ops, &nps, old_auth, new_auth, &np);
        self.parameters(&ops, &nps, old_auth, new_auth)?;
        self.request_body(o, n)?;
        self.responses(o, n)
    }

    fn security(&mut self, o: &Operation, n: &Operation, np: &str) {
        let effective = |op: &Operation, doc: &Document| {
            let reqs = op.security.as_ref().or(doc.openapi.security.as_ref());
            let mut sets: Vec<Vec<String>> = reqs
                .into_iter()
                .flatten()
                .map(|r| {
                    let mut names: Vec<String> = r.keys().cloned().collect();
                    names.sort();
                    names
                })
                .collect();
            sets.sort();
            sets
        };
        let (os, ns) = (effective(o, self.old.doc), effective(n, self.new.doc));
        let kind = match (os.is_empty(), ns.is_empty()) {
            _ if os == ns => return,
            (true, false) => Kind::SecurityAdded,
            (false, true) => Kind::SecurityRemoved,
            _ => Kind::SecurityChanged,
        };
        let ptr = push_pointer(np, "security");
        self.push(kind, Side::Operation, ptr, "").detail = format!("{os:?} -> {ns:?}");
    }

    fn credentials(
        &mut self,
        ops: &[Param],
        nps: &[Param],
        oa: &[String],
        na: &[String],
        np: &str,
    ) {
        // None: no credential header; Some(required): all of them required.
        let state = |ps: &[Param], auth: &[String]| {
            ps.iter()
                .filter(|p| is_credential(p, auth))
                .fold(None, |acc: Option<bool>, p| {
                    Some(acc.unwrap_or(true) && p.param.parameter_data_ref().required)
                })
        };
        let kind = match (state(ops, oa), state(nps, na)) {
            (None, Some(required)) => Kind::CredentialsAdded { required },
            (Some(was_required), None) => Kind::CredentialsRemoved { was_required },
            (Some(false), Some(true)) => Kind::CredentialsMadeRequired,
            (Some(true), Some(false)) => Kind::CredentialsMadeOptional,
            _ => return,
        };
        let ptr = push_pointer(np, "parameters");
        self.push(kind, Side::Operation, ptr, "credentials");
    }

    fn parameters(
        &mut self,
        ops: &[Param],
        nps: &[Param],
        oa: &[String],
        na: &[String],
    ) -> Result<(), Error> {
        let side = Side::Operation;
        for o in ops.iter().filter(|p| !is_credential(p, oa)) {
            let od = o.param.parameter_data_ref();
            let place = format!("{} parameter `{}`", o.key.0, od.name);
            let Some(n) = nps.iter().find(|n| n.key == o.key && !is_credential(n, na)) else {
                let kind = Kind::ParameterRemoved {
                    was_required: od.required,
                };
                self.push(kind, side, o.ptr.clone(), &place);
                continue;
            };
            let nd = n.param.parameter_data_ref();
            match (od.required, nd.required) {
                (false, true) => {
                    _ = self.push(Kind::ParameterMadeRequired, side, n.ptr.clone(), &place)
                }
                (true, false) => {
                    _ = self.push(Kind::ParameterMadeOptional, side, n.ptr.clone(), &place)
                }
                _ => {}
            }
            if od.deprecated != Some(true) && nd.deprecated == Some(true) {
                self.push(Kind::ParameterDeprecated, side, n.ptr.clone(), &place);
            }
            let (os, ns) = (style(o.param), style(n.param));
            if os != ns {
                self.push(Kind::ParameterStyleChanged, side, n.ptr.clone(), &place)
                    .detail = format!("{os} -> {ns}");
            }
            let (oat, nat) = (
                param_schema(&od.format, &o.ptr),
                param_schema(&nd.format, &n.ptr),
            );
            self.schemas(Side::Parameter, &oat, &nat, &place)?;
        }
        for n in nps.iter().filter(|p| !is_credential(p, na)) {
            if ops.iter().any(|o| o.key == n.key && !is_credential(o, oa)) {
                continue;
            }
            let nd = n.param.parameter_data_ref();
            let place = format!("{} parameter `{}`", n.key.0, nd.name);
            let kind = if nd.required {
                Kind::RequiredParameterAdded
            } else {
                Kind::ParameterAdded
            };
            self.push(kind, side, n.ptr.clone(), &place);
        }
        Ok(())
    }

    /// Compares the schemas at `oat` (old) and `nat` (new).
    fn schemas(&mut self, side: Side, oat: &str, nat: &str, place: &str) -> Result<(), Error> {
        let (ov, nv) = (raw(self.old.doc, oat), raw(self.new.doc, nat));
        let mut c = Comparer::new(self.old.doc, self.new.doc, side, self.name);
        c.compare(
            At {
                value: ov,
                ptr: oat,
            },
            At {
                value: nv,
                ptr: nat,
            },
            place,
        )?;
        self.changes.append(&mut c.changes);
        Ok(())
    }

    fn request_body(&mut self, o: &Operation, n: &Operation) -> Result<(), Error> {
        let body = |op: &Operation, of: &Op<'_>| -> Result<Option<_>, Error> {
            let Some(r) = &op.request_body else {
                return Ok(None);
            };
            let (b, ptr) = item(
                of.doc,
                r,
                push_pointer(&of.ptr(), "requestBody"),
                "requestBodies",
                request_body_named,
            )?;
            let required = rust_required(of.doc, b, &ptr)?;
            Ok(Some((b.clone(), ptr, required)))
        };
        let (ob, nb) = (body(o, self.old)?, body(n, self.new)?);
        let side = Side::Request;
        let ((ob, op, oreq), (nb, np, nreq)) = match (ob, nb) {
            (None, None) => return Ok(()),
            (None, Some((_, p, required))) => {
                self.push(Kind::RequestBodyAdded { required }, side, p, "body");
                return Ok(());
            }
            (Some((_, p, was_required)), None) => {
                self.push(Kind::RequestBodyRemoved { was_required }, side, p, "body");
                return Ok(());
            }
            (Some(o), Some(n)) => (o, n),
        };
        if ob.required != nb.required {
            let retypes = oreq != nreq;
            let kind = if nb.required {
                Kind::RequestBodyMadeRequired { retypes }
            } else {
                Kind::RequestBodyMadeOptional { retypes }
            };
            self.push(kind, side, push_pointer(&np, "required"), "body");
        }
        self.content(&ob.content, &op, &nb.content, &np, side, "body")
    }

    fn content(
        &mut self,
        oc: &openapiv3::Content,
        op: &str,
        nc: &openapiv3::Content,
        np: &str,
        side: Side,
        place: &str,
    ) -> Result<(), Error> {
        let (opick, npick) = (pick(oc), pick(nc));
        let retypes = opick.map(|p| p.0) != npick.map(|p| p.0);
        let (ocp, ncp) = (push_pointer(op, "content"), push_pointer(np, "content"));
        for ct in oc.keys().filter(|k| !nc.contains_key(*k)) {
            let ptr = push_pointer(&ocp, ct);
            self.push(Kind::MediaTypeRemoved { retypes }, side, ptr, place)
                .detail = ct.clone();
        }
        for ct in nc.keys().filter(|k| !oc.contains_key(*k)) {
            let ptr = push_pointer(&ncp, ct);
            self.push(Kind::MediaTypeAdded { retypes }, side, ptr, place)
                .detail = ct.clone();
        }
        let (Some((0, oct)), Some((0, nct))) = (opick, npick) else {
            return Ok(());
        };
        let oat = push_pointer(&push_pointer(&ocp, oct), "schema");
        let nat = push_pointer(&push_pointer(&ncp, nct), "schema");
        self.schemas(side, &oat, &nat, place)
    }

    fn responses(&mut self, o: &Operation, n: &Operation) -> Result<(), Error> {
        let (ol, nl) = (statuses(o), statuses(n));
        let orp = push_pointer(&self.old.ptr(), "responses");
        let nrp = push_pointer(&self.new.ptr(), "responses");
        let side = Side::Response;
        for (code, r) in &ol {
            let success = code.starts_with('2');
            let at = push_pointer(&orp, code);
            let Some((_, nr)) = nl.iter().find(|(c, _)| c == code) else {
                self.push(Kind::StatusRemoved { success }, side, at, code);
                continue;
            };
            let (or, op) = item(self.old.doc, r, at, "responses", response_named)?;
            let nat = push_pointer(&nrp, code);
            let (nr, np) = item(self.new.doc, nr, nat, "responses", response_named)?;
            self.content(
                &or.content,
                &op,
                &nr.content,
                &np,
                side,
                &format!("{code} body"),
            )?;
        }
        for (code, _) in nl.iter().filter(|(c, _)| !ol.iter().any(|(o, _)| o == c)) {
            let success = code.starts_with('2');
            self.push(
                Kind::StatusAdded { success },
                side,
                push_pointer(&nrp, code),
                code,
            );
        }
        Ok(())
    }
}

fn is_credential(p: &Param, auth: &[String]) -> bool {
    p.key.0 == "header" && auth.contains(&p.key.1)
}

/// Whether the generated input's `body` field is required: `required`, or a JSON object body
/// with required properties (the router reads an absent body as `{}`, which such a schema
/// refuses).
fn rust_required(doc: &Document, b: &openapiv3::RequestBody, ptr: &str) -> Result<bool, Error> {
    if b.required {
        return Ok(true);
    }
    let Some((0, ct)) = pick(&b.content) else {
        return Ok(false);
    };
    let at = push_pointer(&push_pointer(&push_pointer(ptr, "content"), ct), "schema");
    super::schema::requires_properties(
        doc,
        At {
            value: raw(doc, &at),
            ptr: &at,
        },
    )
}

/// The documented responses by status (`200`, `4XX`, `default`).
fn statuses(op: &Operation) -> Vec<(String, &ReferenceOr<openapiv3::Response>)> {
    let mut v: Vec<(String, &ReferenceOr<openapiv3::Response>)> = op
        .responses
        .responses
        .iter()
        .map(|(s, r)| (status(s), r))
        .collect();
    v.extend(
        op.responses
            .default
            .iter()
            .map(|r| ("default".to_owned(), r)),
    );
    v
}

fn request_body_named<'d>(
    c: &'d Components,
    name: &str,
) -> Option<&'d ReferenceOr<openapiv3::RequestBody>> {
    c.request_bodies.get(name)
}

fn response_named<'d>(
    c: &'d Components,
    name: &str,
) -> Option<&'d ReferenceOr<openapiv3::Response>> {
    c.responses.get(name)
}

fn status(s: &StatusCode) -> String {
    match s {
        StatusCode::Code(c) => c.to_string(),
        StatusCode::Range(r) => format!("{r}XX"),
    }
}

/// The pointer of a parameter's schema (or of its first media type's schema).
fn param_schema(format: &ParameterSchemaOrContent, ptr: &str) -> String {
    match format {
        ParameterSchemaOrContent::Schema(_) => push_pointer(ptr, "schema"),
        ParameterSchemaOrContent::Content(c) => {
            let ct = c.keys().next().map(String::as_str).unwrap_or("");
            push_pointer(&push_pointer(&push_pointer(ptr, "content"), ct), "schema")
        }
    }
}

/// The raw value at `ptr` (`null`, which compares as any value, when there is none).
fn raw<'d>(doc: &'d Document, ptr: &str) -> &'d Value {
    doc.value.pointer(ptr).unwrap_or(&NULL)
}
