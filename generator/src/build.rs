//! Typed documents → the intermediate model ([`crate::ir::Api`]): operations, parameters,
//! bodies, per-status responses, and the types they use. One thread (a large-stack worker)
//! builds it in order: component schemas, then each operation mapping its schemas into one
//! type registry, which names types as it registers them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::Value;

pub use crate::config::BuildOptions;
use crate::diagnostics::{push_pointer, Diagnostic, Error, Location, Result};
use crate::ir::*;
use crate::load::Document;
use crate::names::{operation_names, pascal_ident, snake_ident, Namespace};
use crate::resolve::Resolver;
use crate::types::{box_recursive_fields, Mapped, SchemaMapper, TypeRegistry};

/// A response as listed: fixed status, status range digit, key in the spec, definition.
type StatusEntry<'a> = (
    Option<u16>,
    Option<u8>,
    String,
    &'a ReferenceOr<openapiv3::Response>,
);

/// The Rust names of operations (or of webhooks), from their methods, ids and paths.
fn pending_names(pending: &BTreeMap<(String, Method), Pending>) -> Vec<String> {
    let raw: Vec<(String, Option<String>, String)> = pending
        .values()
        .map(|p| {
            (
                p.method.as_upper().to_ascii_lowercase(),
                p.op.operation_id.clone(),
                p.path.clone(),
            )
        })
        .collect();
    operation_names(&raw)
}

/// The webhooks and callbacks of one document, as operations routed at `/<name>` (a name
/// taken twice by different definitions continues as `/<name>-2`, ...).
fn collect_hooks<'a>(
    di: usize,
    doc: &'a Document,
    hooks: &mut BTreeMap<(String, Method), Pending<'a>>,
) -> Result<()> {
    let res = Resolver::new(doc);
    let mut items: Vec<(String, String, openapiv3::PathItem, Option<String>)> = Vec::new();
    if let Some(raw) = doc.value.get("webhooks") {
        let webhooks: indexmap::IndexMap<String, ReferenceOr<openapiv3::PathItem>> =
            serde_path_to_error::deserialize(raw).map_err(|e| {
                let at = e.path().iter().fold("/webhooks".to_owned(), |p, seg| {
                    push_pointer(&p, &seg.to_string())
                });
                Error::spec(res.loc(&at), "invalid-document", e.into_inner().to_string())
            })?;
        for (name, item) in &webhooks {
            let at = push_pointer("/webhooks", name);
            let (item, _) = res.item(item, &at)?;
            items.push((name.clone(), at, item.into_owned(), None));
        }
    }
    for (path, item) in doc.openapi.paths.iter() {
        let item_ptr = push_pointer("/paths", path);
        let (item, _) = res.item(item, &item_ptr)?;
        for (method, op) in item.iter() {
            for (name, callback) in &op.callbacks {
                let base = push_pointer(
                    &push_pointer(&push_pointer(&item_ptr, method), "callbacks"),
                    name,
                );
                for (expression, cb) in callback {
                    let at = push_pointer(&base, expression);
                    items.push((name.clone(), at, cb.clone(), Some(expression.clone())));
                }
            }
        }
    }
    for (name, at, item, expression) in items {
        for (m, op) in item.iter() {
            let Some(&(_, method)) = METHODS.iter().find(|(x, _)| *x == m) else {
                continue;
            };
            let pointer = push_pointer(&at, m);
            let mut n = 1;
            let path = loop {
                let path = match n {
                    1 => format!("/{name}"),
                    n => format!("/{name}-{n}"),
                };
                match hooks.get(&(path.clone(), method)) {
                    Some(prev) if prev.doc != di || prev.pointer != pointer => n += 1,
                    _ => break path,
                }
            };
            let mut op = op.clone();
            if let Some(expression) = &expression {
                let note = format!("Sent to `{}`.", expression.replace('`', "'"));
                op.description = Some(match op.description.take() {
                    Some(d) => format!("{d}\n\n{note}"),
                    None => note,
                });
            }
            hooks.insert(
                (path.clone(), method),
                Pending {
                    doc: di,
                    path,
                    method,
                    pointer,
                    op: Cow::Owned(op),
                    path_params: Cow::Owned(item.parameters.clone()),
                },
            );
        }
    }
    Ok(())
}

/// Names and builds the webhooks and callbacks (names apart from the operations', type names
/// in the same registry).
fn build_hooks(
    reg: &mut TypeRegistry,
    docs: &[Document],
    hooks: BTreeMap<(String, Method), Pending>,
    schemes: &Schemes,
    profile: crate::Profile,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Operation>> {
    let names = pending_names(&hooks);
    let mut built = Vec::with_capacity(hooks.len());
    for (p, name) in hooks.into_values().zip(names) {
        let prefix = pascal_ident(&name, "Webhook")
            .trim_end_matches('_')
            .to_owned();
        let input_type = reg.reserve_name(&format!("{prefix}Input"));
        let output_type = reg.reserve_name(&format!("{prefix}Response"));
        let mut mapper = SchemaMapper {
            reg: &mut *reg,
            res: Resolver::new(&docs[p.doc]),
            doc_index: p.doc,
        };
        // The API's own security schemes are not a subscriber's: webhooks take no credentials.
        let mut op = build_operation(&mut mapper, &p, name, schemes, profile, warnings)?;
        op.input_type = input_type;
        op.output_type = output_type;
        built.push(op);
    }
    mark_route_conflicts(&mut built, warnings);
    Ok(built)
}

/// The configuration's choices for single types: a user's Rust type in place of a generated
/// one (the generated name stays, as an alias; its rules still validate requests), and extra
/// derives. A name that matches no type is a warning.
fn apply_type_choices(reg: &mut TypeRegistry, options: &BuildOptions, api: &mut Api) {
    for (name, choice) in &options.types {
        let Some(id) = reg.types.iter().position(|t| &t.name == name) else {
            reg.warnings.push(Diagnostic::warning(
                Location::new(
                    "configuration",
                    format!("/types/{}", name.replace('~', "~0").replace('/', "~1")),
                ),
                "unknown-type",
                format!("no generated type is named `{name}`"),
            ));
            continue;
        };
        if let Some(rust) = choice.rust_type() {
            let path = reg.use_rust_type(rust);
            reg.types[id].kind = TypeKind::Alias(TypeRef::Rust(path));
        }
        if !choice.derives.is_empty() {
            api.type_derives
                .insert(name.clone(), choice.derives.clone());
        }
    }
}

/// A struct whose configured derives include `PartialOrd` or `Ord` keeps no map of unlisted
/// members (a JSON value has no order): such a type drops them, as a type under
/// `additionalProperties: false` would.
fn drop_unorderable_maps(types: &mut [TypeDef], api: &Api) {
    let ordered = |d: &String| {
        let last = d.rsplit("::").next().unwrap_or(d).trim();
        last == "Ord" || last == "PartialOrd"
    };
    for t in types {
        let derives = api
            .derives
            .iter()
            .chain(api.type_derives.get(&t.name).into_iter().flatten());
        if let TypeKind::Struct(s) = &mut t.kind {
            if s.additional == Some(TypeRef::Any) && derives.clone().any(ordered) {
                s.additional = None;
            }
        }
    }
}

/// An operation before naming: where it is, and its raw parts.
struct Pending<'a> {
    doc: usize,
    path: String,
    method: Method,
    pointer: String,
    /// Borrowed from the document, or owned when the path item was reached through a `$ref`.
    op: Cow<'a, openapiv3::Operation>,
    path_params: Cow<'a, [ReferenceOr<Parameter>]>,
}

const METHODS: [(&str, Method); 8] = [
    ("get", Method::Get),
    ("put", Method::Put),
    ("post", Method::Post),
    ("delete", Method::Delete),
    ("options", Method::Options),
    ("head", Method::Head),
    ("patch", Method::Patch),
    ("trace", Method::Trace),
];

/// Builds one API from documents (merged; the same path and method in two documents must be
/// defined identically).
pub fn build(docs: &[Document], options: &BuildOptions) -> Result<Api> {
    // Schemas are mapped recursively (a property's type, then its properties' types, …), as
    // deep as `$ref` chains go: on a worker, whose stack is large enough for real documents
    // with long chains (some cloud APIs nest hundreds of levels), while MAX_SCHEMA_DEPTH still
    // turns a hostile chain into an error well before the stack ends. The worker reuses the
    // memory typing the documents freed.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::workers::run(|| build_on_this_thread(docs, options))
    }));
    built.unwrap_or_else(|_| {
        Err(Error::Internal {
            file: "<build>".into(),
            message: "the model builder panicked".into(),
        })
    })
}

fn build_on_this_thread(docs: &[Document], options: &BuildOptions) -> Result<Api> {
    let mut api = Api::default();
    if let Some(first) = docs.first() {
        api.title = first.openapi.info.title.clone();
        api.version = first.openapi.info.version.clone();
        api.description = first.openapi.info.description.clone();
    }
    api.sources = docs.iter().map(|d| d.file.clone()).collect();
    for d in docs {
        api.warnings.extend(d.warnings.iter().cloned());
    }

    // 1. Collect operations; the same path+method twice must be the same definition.
    let mut pending: BTreeMap<(String, Method), Pending> = BTreeMap::new();
    for (di, doc) in docs.iter().enumerate() {
        let res = Resolver::new(doc);
        for (path, item) in doc.openapi.paths.iter() {
            let item_ptr = push_pointer("/paths", path);
            // Operations borrowed from the document, or moved out of a path item reached
            // through a `$ref` (resolved into a copy).
            let (item, _) = res.item(item, &item_ptr)?;
            let (ops, path_params): (Vec<(&str, Cow<openapiv3::Operation>)>, Cow<[_]>) = match item
            {
                Cow::Borrowed(item) => (
                    item.iter().map(|(m, op)| (m, Cow::Borrowed(op))).collect(),
                    Cow::Borrowed(&item.parameters[..]),
                ),
                Cow::Owned(item) => {
                    let params = Cow::Owned(item.parameters.clone());
                    (
                        item.into_iter()
                            .map(|(m, op)| (m, Cow::Owned(op)))
                            .collect(),
                        params,
                    )
                }
            };
            for (name, op) in ops {
                let Some(&(_, method)) = METHODS.iter().find(|(m, _)| *m == name) else {
                    continue;
                };
                let path_params = path_params.clone();
                let pointer = push_pointer(&item_ptr, name);
                let key = (path.clone(), method);
                if let Some(prev) = pending.get(&key) {
                    let a = docs[prev.doc].value.pointer(&prev.pointer);
                    let b = doc.value.pointer(&pointer);
                    if a != b {
                        return Err(Error::Conflict {
                            method: method.as_upper().into(),
                            path: path.clone(),
                            first: docs[prev.doc].file.clone(),
                            second: doc.file.clone(),
                        });
                    }
                    continue;
                }
                if pending.len() >= MAX_OPERATIONS {
                    return Err(Error::spec(
                        res.loc(&pointer),
                        "too-large",
                        format!("more than {MAX_OPERATIONS} operations; the generator's limit is {MAX_OPERATIONS}"),
                    ));
                }
                pending.insert(
                    key,
                    Pending {
                        doc: di,
                        path: path.clone(),
                        method,
                        pointer,
                        op,
                        path_params,
                    },
                );
            }
        }
    }

    // 1b. Webhooks (3.1 `webhooks`) and callbacks (3.0 and 3.1): requests the API sends to its
    // subscribers. Each is routed, on the subscriber's side, at `/<webhook or callback name>`.
    let mut hooks: BTreeMap<(String, Method), Pending> = BTreeMap::new();
    for (di, doc) in docs.iter().enumerate() {
        collect_hooks(di, doc, &mut hooks)?;
    }

    // 2. Names: operation names first, then component types, then inline types.
    let names = pending_names(&pending);
    // An operationId used twice still gives distinct names (`get_user_2`), with a warning that
    // names both places (`lint` calls it an error).
    let mut first_use: BTreeMap<&str, Location> = BTreeMap::new();
    for (p, name) in pending.values().zip(&names) {
        let Some(id) = p.op.operation_id.as_deref() else {
            continue;
        };
        let at = Location::new(&docs[p.doc].file, push_pointer(&p.pointer, "operationId"));
        match first_use.get(id) {
            Some(first) => api.warnings.push(Diagnostic::warning(
                at,
                "duplicate-operation-id",
                format!(
                    "operationId `{id}` is also used at {first}; this operation is named `{name}`"
                ),
            )),
            None => {
                first_use.insert(id, at);
            }
        }
    }
    let mut reg = TypeRegistry::default();
    reg.shared_names = options.shared_names.clone();
    reg.formats = options
        .formats
        .iter()
        .filter_map(|(format, choice)| match choice {
            crate::config::FormatChoice::Builtin(true) => {
                crate::config::builtin_format(format).map(|t| (format.clone(), t))
            }
            crate::config::FormatChoice::Builtin(false) => None,
            crate::config::FormatChoice::Rust(t) => Some((format.clone(), t.clone())),
        })
        .collect();
    let schemes = Schemes::new(docs, options, &mut api.warnings);
    // Every component schema gets its type, named after the component.
    for (di, doc) in docs.iter().enumerate() {
        let Some(components) = &doc.openapi.components else {
            continue;
        };
        let mut mapper = SchemaMapper {
            reg: &mut reg,
            res: Resolver::new(doc),
            doc_index: di,
        };
        for (name, _) in &components.schemas {
            let ptr = push_pointer("/components/schemas", name);
            mapper.map_ref(&format!("#{ptr}"), &ptr)?;
        }
    }

    // Operation type names come before inline type names.
    let io_names: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            // `Router_` (a reserved name escaped) must give `RouterInput`, not `Router_Input`.
            let prefix = pascal_ident(n, "Operation")
                .trim_end_matches('_')
                .to_owned();
            (
                reg.reserve_name(&format!("{prefix}Input")),
                reg.reserve_name(&format!("{prefix}Response")),
            )
        })
        .collect();
    // The operations, in order, each mapping its schemas into the registry.
    let mut ops = Vec::with_capacity(pending.len());
    let mut paging = Vec::with_capacity(pending.len());
    for ((p, name), (input_type, output_type)) in pending.into_values().zip(names).zip(io_names) {
        paging.push(p.op.extensions.get("x-pagination").cloned());
        let mut mapper = SchemaMapper {
            reg: &mut reg,
            res: Resolver::new(&docs[p.doc]),
            doc_index: p.doc,
        };
        let mut op = build_operation(
            &mut mapper,
            &p,
            name,
            &schemes,
            options.profile,
            &mut api.warnings,
        )?;
        op.security = schemes.operation_security(docs, &p, &mut api.warnings);
        op.auth = auth_use(&op.security);
        op.input_type = input_type;
        op.output_type = output_type;
        ops.push(op);
    }
    api.webhooks = build_hooks(
        &mut reg,
        docs,
        hooks,
        &schemes,
        options.profile,
        &mut api.warnings,
    )?;
    reg.name_shared_shapes();
    apply_type_choices(&mut reg, options, &mut api);
    let mut warnings = std::mem::take(&mut reg.warnings);
    api.warnings.append(&mut warnings);
    api.dependencies = std::mem::take(&mut reg.dependencies);
    api.derives = options.derives.clone();
    let mut types = reg.types;
    drop_unorderable_maps(&mut types, &api);
    box_recursive_fields(&mut types);
    api.types = types;
    mark_route_conflicts(&mut ops, &mut api.warnings);
    // Paging helpers are client methods too: named after every operation is.
    let mut methods = crate::names::client_methods(ops.iter().map(|op| op.name.as_str()));
    for (op, ext) in ops.iter_mut().zip(&paging) {
        op.pagination = crate::paging::detect(
            &api.types,
            op,
            ext.as_ref(),
            &mut methods,
            &mut api.warnings,
        );
    }
    api.operations = ops;
    api.security_schemes = schemes.finish(&mut api.operations);
    api.servers = docs.first().map(servers).unwrap_or_default();
    api.warnings.sort();
    api.warnings.dedup();
    let items = size(&api);
    if items > MAX_ITEMS {
        return Err(Error::spec(
            Location::new(api.sources.first().cloned().unwrap_or_default(), ""),
            "too-large",
            format!("the API has {items} operations, parameters, responses, types, fields and variants; the generator's limit is {MAX_ITEMS}"),
        ));
    }
    Ok(api)
}

/// Most operations an API may have (the twelve Rocket.Chat documents together have about 600).
pub const MAX_OPERATIONS: usize = 5_000;

/// Most parameters, and most path segments, one operation may have.
pub const MAX_PARAMETERS: usize = 1_000;

/// Most items (operations, parameters, responses, types, fields and variants) an API may have:
/// the generated code grows with them, and formatting it takes memory (all twelve Rocket.Chat
/// documents together have about 20,000).
pub const MAX_ITEMS: usize = 100_000;

/// The number of items of an API, as limited by [`MAX_ITEMS`].
fn size(api: &Api) -> usize {
    let ops: usize = api
        .operations
        .iter()
        .map(|op| 1 + op.params.len() + op.responses.len())
        .sum();
    let types: usize = api
        .types
        .iter()
        .map(|t| {
            1 + match &t.kind {
                TypeKind::Struct(s) => s.fields.len(),
                TypeKind::Enum(v) => v.len(),
                TypeKind::Union(u) => u.variants.len(),
                TypeKind::Alias(_) => 0,
            }
        })
        .sum();
    ops + types
}

fn param_data(p: &Parameter) -> (&openapiv3::ParameterData, ParamIn) {
    match p {
        Parameter::Query { parameter_data, .. } => (parameter_data, ParamIn::Query),
        Parameter::Header { parameter_data, .. } => (parameter_data, ParamIn::Header),
        Parameter::Path { parameter_data, .. } => (parameter_data, ParamIn::Path),
        Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamIn::Cookie),
    }
}

fn build_operation(
    m: &mut SchemaMapper<'_, '_>,
    p: &Pending,
    name: String,
    schemes: &Schemes,
    profile: crate::Profile,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Operation> {
    let prefix = pascal_ident(&name, "Operation")
        .trim_end_matches('_')
        .to_owned();
    let op = &p.op;
    let origin = m.res.loc(&p.pointer);
    // Parameters are matched by name in nested loops below: bounded, so none is quadratic.
    let declared = p.path_params.len() + op.parameters.len();
    let segments = p.path.matches('/').count();
    if declared > MAX_PARAMETERS || segments > MAX_PARAMETERS {
        return Err(Error::spec(
            origin,
            "too-large",
            format!("{declared} parameters and {segments} path segments; the generator's limit is {MAX_PARAMETERS} of each"),
        ));
    }

    // Parameters: path-level first, overridden by operation-level ones with the same name+location.
    let mut params_raw: Vec<(std::borrow::Cow<openapiv3::Parameter>, String)> = Vec::new();
    let item_ptr = p
        .pointer
        .rsplit_once('/')
        .map(|(a, _)| a.to_owned())
        .unwrap_or_default();
    for (i, r) in p.path_params.iter().enumerate() {
        let at = push_pointer(&push_pointer(&item_ptr, "parameters"), &i.to_string());
        params_raw.push(m.res.item(r, &at)?);
    }
    for (i, r) in op.parameters.iter().enumerate() {
        let at = push_pointer(&push_pointer(&p.pointer, "parameters"), &i.to_string());
        let (param, ptr) = m.res.item(r, &at)?;
        let (data, loc) = param_data(&param);
        if let Some(pos) = params_raw.iter().position(|(q, _)| {
            let (d, l) = param_data(q);
            l == loc && d.name == data.name
        }) {
            params_raw.remove(pos);
        }
        params_raw.push((param, ptr));
    }

    let mut params: Vec<Param> = Vec::new();
    let mut ns = Namespace::with_reserved(["body", "credentials"]);
    let mut seen_wire: Vec<(ParamIn, String)> = Vec::new();
    for (param, ptr) in &params_raw {
        let (data, location) = param_data(param);
        // A credential header (Rocket.Chat's pair, or an apiKey scheme's header) is sent and
        // read as part of the operation's security, not as a parameter.
        if location == ParamIn::Header && schemes.header_scheme(&data.name).is_some() {
            continue;
        }
        // OpenAPI: such a header parameter "SHALL be ignored" (the media types and the
        // security schemes say what goes there).
        if location == ParamIn::Header
            && ["accept", "content-type", "authorization"]
                .iter()
                .any(|h| data.name.eq_ignore_ascii_case(h))
        {
            warnings.push(Diagnostic::warning(
                m.res.loc(ptr),
                "ignored-header-parameter",
                format!(
                    "header parameter `{}` is ignored, as OpenAPI says: the media types and security schemes set it",
                    data.name
                ),
            ));
            continue;
        }
        let key = (
            location,
            if location == ParamIn::Header {
                data.name.to_ascii_lowercase()
            } else {
                data.name.clone()
            },
        );
        if seen_wire.contains(&key) {
            warnings.push(Diagnostic::warning(
                m.res.loc(ptr),
                "duplicate-parameter",
                format!(
                    "parameter `{}` is declared twice; the first is used",
                    data.name
                ),
            ));
            continue;
        }
        seen_wire.push(key);
        let hint = format!("{prefix}{}", pascal_ident(&data.name, "Param"));
        let mapped = map_param_format(m, &data.format, ptr, &hint)?;
        let mut style = param_style(param, &data.format);
        if mapped.ty == TypeRef::Any && style != ParamStyle::Json {
            // No type: a string goes as it is, anything else as JSON text (Rocket.Chat's `sort`).
            style = ParamStyle::Loose;
        }
        params.push(Param {
            rust: ns.claim(&snake_ident(&data.name, "param")),
            wire: data.name.clone(),
            location,
            required: data.required || location == ParamIn::Path,
            ty: or_null(mapped.ty, mapped.nullable),
            schema: mapped.v,
            docs: Docs {
                summary: None,
                description: data.description.clone(),
            },
            deprecated: data.deprecated.unwrap_or(false),
            style,
        });
    }

    // Path template → segments; undeclared template parameters become string parameters.
    let (segments, unroutable) = split_path(&p.path, &mut params, &mut ns, &origin, warnings);
    params.sort_by_key(|p| p.location);
    // Re-point segments after sorting.
    let segments = segments
        .into_iter()
        .map(|s| match s {
            RawSegment::Literal(l) => Segment::Literal(l),
            RawSegment::Param(wire) => Segment::Param(
                params
                    .iter()
                    .position(|q| q.location == ParamIn::Path && q.wire == wire)
                    .unwrap_or(0),
            ),
        })
        .collect();
    // A path parameter no URL can carry: the router would read another segment for it.
    for q in &params {
        if q.location == ParamIn::Path && !path_names(&p.path).contains(&q.wire) {
            let at = params_raw
                .iter()
                .find(|(r, _)| matches!(param_data(r), (d, ParamIn::Path) if d.name == q.wire))
                .map_or(p.pointer.as_str(), |(_, ptr)| ptr.as_str());
            return Err(Error::spec(
                m.res.loc(at),
                "path-param-not-in-template",
                format!(
                    "path parameter `{}` does not appear in the path template `{}`",
                    q.wire, p.path
                ),
            ));
        }
    }

    // Request body.
    let mut request_examples = Vec::new();
    let body = match &op.request_body {
        None => None,
        Some(r) => {
            let at = push_pointer(&p.pointer, "requestBody");
            let (rb, rb_ptr) = m.res.item(r, &at)?;
            let content_ptr = push_pointer(&rb_ptr, "content");
            match pick_media(&rb.content) {
                None => None,
                Some((ct, media, mt)) => {
                    if rb.content.len() > 1 {
                        warnings.push(Diagnostic::warning(
                            m.res.loc(&content_ptr),
                            "several-media-types",
                            format!("several request media types; the generated code uses `{ct}`"),
                        ));
                    }
                    let mt_ptr = push_pointer(&content_ptr, ct);
                    let schema_ptr = push_pointer(&mt_ptr, "schema");
                    let hint = format!("{prefix}Body");
                    let mut parts = Vec::new();
                    let (media, mapped) = match (&mt.schema, media) {
                        (Some(s), Media::Json) => (media, m.map(s, &schema_ptr, &hint)?),
                        (None, Media::Json) => (
                            media,
                            Mapped {
                                ty: TypeRef::Any,
                                nullable: false,
                                v: VRef::any(),
                            },
                        ),
                        // A text body keeps its schema's rules; its type is `String`.
                        (Some(s), Media::Text) => {
                            let mut mapped = m.map(s, &schema_ptr, &hint)?;
                            mapped.ty = TypeRef::String;
                            (media, mapped)
                        }
                        (None, Media::Text) => (
                            media,
                            Mapped {
                                ty: TypeRef::String,
                                nullable: false,
                                v: VRef::any(),
                            },
                        ),
                        (Some(s), Media::Multipart | Media::Form) => {
                            let multipart = media == Media::Multipart;
                            if multipart {
                                m.reg.file_parts = Some(m.reg.depth());
                            }
                            let mapped = m.map(s, &schema_ptr, &hint);
                            m.reg.file_parts = None;
                            let mapped = mapped?;
                            match form_parts(m, &mapped, mt, &mt_ptr, multipart, warnings) {
                                Some(found) => {
                                    parts = found;
                                    (media, mapped)
                                }
                                None => {
                                    warnings.push(Diagnostic::warning(
                                        m.res.loc(&schema_ptr),
                                        "form-not-object",
                                        format!("a `{ct}` body whose schema is not an object with properties is passed as bytes"),
                                    ));
                                    (Media::Binary, bytes_body())
                                }
                            }
                        }
                        // Events sent to a server are bytes to it.
                        (None, Media::Multipart | Media::Form)
                        | (_, Media::Binary | Media::EventStream) => (Media::Binary, bytes_body()),
                    };
                    if matches!(media, Media::Json | Media::Multipart | Media::Form) {
                        request_examples = collect_examples(m, mt, &mt_ptr)?;
                    }
                    // A form's struct is built part by part and text is text: neither is
                    // ever `null`.
                    let mapped = match media {
                        Media::Multipart | Media::Form | Media::Text => Mapped {
                            nullable: false,
                            ..mapped
                        },
                        _ => mapped,
                    };
                    Some(Body {
                        media,
                        content_type: ct.to_owned(),
                        // The Rocket.Chat profile reads an absent JSON or form body as `{}`, which
                        // fails an object schema with required properties: such a body is
                        // always there.
                        required: rb.required
                            || (profile == crate::Profile::RocketChat
                                && matches!(media, Media::Json | Media::Multipart | Media::Form)
                                && !mapped.nullable
                                && m.reg.requires_properties(&mapped.v, 0)),
                        ty: or_null(mapped.ty, mapped.nullable),
                        schema: mapped.v,
                        docs: Docs {
                            summary: None,
                            description: rb.description.clone(),
                        },
                        parts,
                    })
                }
            }
        }
    };

    // Responses, by status.
    let mut responses = Vec::new();
    let resp_ptr = push_pointer(&p.pointer, "responses");
    let mut variant_ns = Namespace::new();
    let mut entries: Vec<StatusEntry<'_>> = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| match code {
            StatusCode::Code(c) => (Some(*c), None, c.to_string(), r),
            StatusCode::Range(d) => (None, Some(*d as u8), format!("{d}XX"), r),
        })
        .collect();
    if let Some(d) = &op.responses.default {
        entries.push((None, None, "default".into(), d));
    }
    for (status, range, key, r) in entries {
        let at = push_pointer(&resp_ptr, &key);
        let (resp, rptr) = m.res.item(r, &at)?;
        let variant = variant_ns.claim(&status_variant(status, range));
        let hint = match r {
            ReferenceOr::Reference { reference } => pascal_ident(
                &crate::resolve::last_token(reference.trim_start_matches('#')),
                "Response",
            ),
            ReferenceOr::Item(_) => format!("{prefix}{variant}"),
        };
        let content_ptr = push_pointer(&rptr, "content");
        let (body, examples) = match pick_media(&resp.content) {
            None => (None, vec![]),
            Some((ct, media, mt)) => {
                let mt_ptr = push_pointer(&content_ptr, ct);
                let ty = match (&mt.schema, media) {
                    (Some(s), Media::Json) => {
                        let mapped = m.map(s, &push_pointer(&mt_ptr, "schema"), &hint)?;
                        or_null(mapped.ty, mapped.nullable)
                    }
                    (None, Media::Json) => TypeRef::Any,
                    (_, Media::Text) => TypeRef::String,
                    (_, Media::Binary | Media::Multipart | Media::Form) => TypeRef::ByteStream,
                    // The schema of an event stream describes each event's data: a string (or
                    // no schema) is the text as sent, any other type is decoded from JSON.
                    (None, Media::EventStream) => TypeRef::Events(Box::new(TypeRef::String)),
                    (Some(s), Media::EventStream) => {
                        let mapped = m.map(s, &push_pointer(&mt_ptr, "schema"), &hint)?;
                        let data = or_null(mapped.ty, mapped.nullable);
                        TypeRef::Events(Box::new(data))
                    }
                };
                // Multipart and form responses are passed as bytes.
                let media = match media {
                    Media::Multipart | Media::Form => Media::Binary,
                    other => other,
                };
                let examples = if media == Media::Json {
                    collect_examples(m, mt, &mt_ptr)?
                } else {
                    vec![]
                };
                (
                    Some(ResponseBody {
                        media,
                        content_type: ct.to_owned(),
                        ty,
                    }),
                    examples,
                )
            }
        };
        let headers = response_headers(m, &resp, &rptr, &format!("{prefix}{variant}"))?;
        let headers_type =
            (!headers.is_empty()).then(|| m.reg.reserve_name(&format!("{prefix}{variant}Headers")));
        responses.push(Response {
            headers,
            headers_type,
            status,
            range,
            variant,
            docs: Docs {
                summary: Some(resp.description.clone()).filter(|s| !s.trim().is_empty()),
                description: None,
            },
            body,
            examples,
        });
    }

    Ok(Operation {
        name,
        type_prefix: prefix,
        input_type: String::new(),
        output_type: String::new(),
        operation_id: op.operation_id.clone(),
        method: p.method,
        path: p.path.clone(),
        segments,
        unroutable,
        tag: op.tags.first().cloned(),
        docs: Docs {
            summary: op.summary.clone(),
            description: op.description.clone(),
        },
        deprecated: op.deprecated,
        params,
        auth: AuthUse::None,
        security: Vec::new(),
        pagination: None,
        body,
        responses,
        origin,
        request_examples,
    })
}

/// The type and rules of a parameter's or header's `schema` (or `content`: the first media
/// type's schema; a string when it has none).
fn map_param_format(
    m: &mut SchemaMapper<'_, '_>,
    format: &ParameterSchemaOrContent,
    ptr: &str,
    hint: &str,
) -> Result<Mapped> {
    let text = || Mapped {
        ty: TypeRef::String,
        nullable: false,
        v: VRef::any(),
    };
    Ok(match format {
        ParameterSchemaOrContent::Schema(s) => m.map(s, &push_pointer(ptr, "schema"), hint)?,
        ParameterSchemaOrContent::Content(content) => match content.iter().next() {
            Some((media, mt)) => match &mt.schema {
                Some(s) => {
                    let at = push_pointer(&push_pointer(ptr, "content"), media);
                    m.map(s, &push_pointer(&at, "schema"), hint)?
                }
                None => text(),
            },
            None => text(),
        },
    })
}

/// The headers a response declares, as header parameters of the response's headers struct
/// (`Content-Type` is the body's, and OpenAPI says to ignore it here).
fn response_headers(
    m: &mut SchemaMapper<'_, '_>,
    response: &openapiv3::Response,
    response_ptr: &str,
    prefix: &str,
) -> Result<Vec<Param>> {
    let mut ns = Namespace::new();
    let mut out: Vec<Param> = Vec::new();
    for (name, h) in &response.headers {
        if name.eq_ignore_ascii_case("content-type")
            || out.iter().any(|p| p.wire.eq_ignore_ascii_case(name))
        {
            continue;
        }
        let at = push_pointer(&push_pointer(response_ptr, "headers"), name);
        let (header, ptr) = m.res.item(h, &at)?;
        let hint = format!("{prefix}{}", pascal_ident(name, "Header"));
        let mapped = map_param_format(m, &header.format, &ptr, &hint)?;
        let style = match &header.format {
            ParameterSchemaOrContent::Content(_) => ParamStyle::Json,
            ParameterSchemaOrContent::Schema(_) => ParamStyle::Simple,
        };
        out.push(Param {
            rust: ns.claim(&snake_ident(name, "header")),
            wire: name.clone(),
            location: ParamIn::Header,
            required: header.required,
            ty: or_null(mapped.ty, mapped.nullable),
            schema: mapped.v,
            docs: Docs {
                summary: None,
                description: header.description.clone(),
            },
            deprecated: header.deprecated.unwrap_or(false),
            style,
        });
    }
    Ok(out)
}

/// How an operation uses credentials, from the sets it accepts.
fn auth_use(security: &[Vec<usize>]) -> AuthUse {
    if security.is_empty() {
        AuthUse::None
    } else if security.iter().any(Vec::is_empty) {
        AuthUse::Optional
    } else {
        AuthUse::Required
    }
}

/// The security schemes of an API while it is built: the configured credential headers
/// (Rocket.Chat's pair, as apiKey header schemes) first, then every document's
/// `securitySchemes`; [`Schemes::finish`] keeps those operations use.
struct Schemes {
    list: Vec<SecurityScheme>,
    /// How many of `list` are configured credential headers (the first ones).
    configured: usize,
}

impl Schemes {
    fn new(docs: &[Document], options: &BuildOptions, warnings: &mut Vec<Diagnostic>) -> Self {
        let mut list: Vec<SecurityScheme> = Vec::new();
        for h in &options.auth_headers {
            if !list.iter().any(|s| s.key.eq_ignore_ascii_case(h)) {
                list.push(SecurityScheme {
                    key: h.clone(),
                    field: snake_ident(
                        h.trim_start_matches("X-").trim_start_matches("x-"),
                        "credential",
                    ),
                    kind: SchemeKind::ApiKey {
                        location: ParamIn::Header,
                        name: h.clone(),
                    },
                    description: None,
                    always: false,
                });
            }
        }
        let configured = list.len();
        for doc in docs {
            let Some(components) = &doc.openapi.components else {
                continue;
            };
            let res = Resolver::new(doc);
            for (key, scheme) in &components.security_schemes {
                let at = push_pointer("/components/securitySchemes", key);
                let scheme = match scheme {
                    ReferenceOr::Item(s) => s,
                    ReferenceOr::Reference { .. } => {
                        warnings.push(Diagnostic::warning(
                            res.loc(&at),
                            "unsupported-security-scheme",
                            format!("security scheme `{key}` is a `$ref`; operations that use it are sent without it"),
                        ));
                        continue;
                    }
                };
                let (kind, description) = match scheme {
                    openapiv3::SecurityScheme::APIKey {
                        location,
                        name,
                        description,
                        ..
                    } => {
                        let location = match location {
                            openapiv3::APIKeyLocation::Header => ParamIn::Header,
                            openapiv3::APIKeyLocation::Query => ParamIn::Query,
                            openapiv3::APIKeyLocation::Cookie => ParamIn::Cookie,
                        };
                        (
                            SchemeKind::ApiKey {
                                location,
                                name: name.clone(),
                            },
                            description,
                        )
                    }
                    openapiv3::SecurityScheme::HTTP {
                        scheme,
                        description,
                        ..
                    } => {
                        if scheme.eq_ignore_ascii_case("basic") {
                            (SchemeKind::Basic, description)
                        } else {
                            // RFC 7235 scheme names are tokens: anything else cannot be sent.
                            let token = !scheme.is_empty()
                                && scheme.bytes().all(|b| {
                                    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
                                });
                            if !token {
                                warnings.push(Diagnostic::warning(
                                    res.loc(&push_pointer(&at, "scheme")),
                                    "unsupported-security-scheme",
                                    format!("`{scheme}` is not an HTTP authorization scheme name; operations that use `{key}` are sent without it"),
                                ));
                                continue;
                            }
                            let scheme = if scheme.eq_ignore_ascii_case("bearer") {
                                "Bearer".to_owned()
                            } else {
                                scheme.clone()
                            };
                            (
                                SchemeKind::Token {
                                    scheme,
                                    oauth: false,
                                },
                                description,
                            )
                        }
                    }
                    openapiv3::SecurityScheme::OAuth2 { description, .. }
                    | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => (
                        SchemeKind::Token {
                            scheme: "Bearer".into(),
                            oauth: true,
                        },
                        description,
                    ),
                };
                if let Some(first) = list[configured..].iter().find(|s| &s.key == key) {
                    if first.kind != kind {
                        warnings.push(Diagnostic::warning(
                            res.loc(&at),
                            "conflicting-security-scheme",
                            format!("security scheme `{key}` is defined differently in another document; the first definition is used"),
                        ));
                    }
                    continue;
                }
                list.push(SecurityScheme {
                    key: key.clone(),
                    field: String::new(),
                    kind,
                    description: description.clone(),
                    always: false,
                });
            }
        }
        Schemes { list, configured }
    }

    /// The scheme a credential header parameter belongs to: an apiKey scheme sent in that
    /// header, else a configured credential header.
    fn header_scheme(&self, name: &str) -> Option<usize> {
        let header = |i: &usize| matches!(&self.list[*i].kind, SchemeKind::ApiKey { location: ParamIn::Header, name: n } if n.eq_ignore_ascii_case(name));
        (self.configured..self.list.len())
            .find(header)
            .or_else(|| (0..self.configured).find(header))
    }

    /// The index of the scheme named `key` in a `security` requirement.
    fn by_key(&self, key: &str) -> Option<usize> {
        let declared = &self.list[self.configured..];
        declared
            .iter()
            .position(|s| s.key == key)
            .map(|i| i + self.configured)
    }

    /// The sets of credentials an operation accepts: its `security` (or the document's),
    /// each set joined by the credential header parameters it declares; with an anonymous
    /// alternative when one of those parameters is optional.
    fn operation_security(
        &self,
        docs: &[Document],
        p: &Pending,
        warnings: &mut Vec<Diagnostic>,
    ) -> Vec<Vec<usize>> {
        let doc = &docs[p.doc];
        let res = Resolver::new(doc);
        let (requirements, at) = match &p.op.security {
            Some(r) => (r.as_slice(), push_pointer(&p.pointer, "security")),
            None => (
                doc.openapi.security.as_deref().unwrap_or_default(),
                "/security".to_owned(),
            ),
        };
        let mut sets: Vec<Vec<usize>> = Vec::new();
        'requirements: for (i, requirement) in requirements.iter().enumerate() {
            let mut set = Vec::new();
            for key in requirement.keys() {
                match self.by_key(key) {
                    Some(s) if !set.contains(&s) => set.push(s),
                    Some(_) => {}
                    None => {
                        warnings.push(Diagnostic::warning(
                            res.loc(&push_pointer(&push_pointer(&at, &i.to_string()), key)),
                            "unknown-security-scheme",
                            format!("`{key}` names no usable security scheme; this alternative is left out"),
                        ));
                        continue 'requirements;
                    }
                }
            }
            if !sets.contains(&set) {
                sets.push(set);
            }
        }
        // Credential header parameters: `(scheme, required)`.
        let mut headers: Vec<(usize, bool)> = Vec::new();
        let item_ptr = p
            .pointer
            .rsplit_once('/')
            .map(|(a, _)| a.to_owned())
            .unwrap_or_default();
        let declared = p
            .path_params
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    r,
                    push_pointer(&push_pointer(&item_ptr, "parameters"), &i.to_string()),
                )
            })
            .chain(p.op.parameters.iter().enumerate().map(|(i, r)| {
                (
                    r,
                    push_pointer(&push_pointer(&p.pointer, "parameters"), &i.to_string()),
                )
            }));
        for (r, at) in declared {
            let Ok((param, _)) = res.item(r, &at) else {
                continue;
            };
            let (data, location) = param_data(&param);
            if location != ParamIn::Header {
                continue;
            }
            if let Some(s) = self.header_scheme(&data.name) {
                match headers.iter_mut().find(|(h, _)| *h == s) {
                    // An operation-level parameter overrides the path item's.
                    Some(h) => h.1 = data.required,
                    None => headers.push((s, data.required)),
                }
            }
        }
        if !headers.is_empty() {
            let all_required = headers.iter().all(|(_, r)| *r);
            let with: Vec<usize> = headers.iter().map(|(s, _)| *s).collect();
            if sets.is_empty() {
                sets.push(Vec::new());
            }
            for set in &mut sets {
                for s in &with {
                    if !set.contains(s) {
                        set.push(*s);
                    }
                }
            }
            if !all_required && !sets.iter().any(Vec::is_empty) {
                sets.push(Vec::new());
            }
        }
        // Only anonymous alternatives: no security at all.
        if sets.iter().all(Vec::is_empty) {
            sets.clear();
        }
        sets
    }

    /// The schemes operations use, named and indexed anew (the operations' sets rewritten);
    /// each marked `always` when every non-empty set of every operation holds it.
    fn finish(self, ops: &mut [Operation]) -> Vec<SecurityScheme> {
        let mut used = vec![false; self.list.len()];
        for op in ops.iter() {
            for set in &op.security {
                for s in set {
                    used[*s] = true;
                }
            }
        }
        let mut index = vec![usize::MAX; self.list.len()];
        let mut kept = Vec::new();
        let mut ns = Namespace::new();
        for (i, mut scheme) in self.list.into_iter().enumerate() {
            if !used[i] {
                continue;
            }
            index[i] = kept.len();
            if scheme.field.is_empty() {
                scheme.field = snake_ident(&scheme.key, "credential");
            }
            scheme.field = ns.claim(&scheme.field);
            kept.push(scheme);
        }
        for op in ops.iter_mut() {
            for set in &mut op.security {
                for s in set.iter_mut() {
                    *s = index[*s];
                }
            }
        }
        for (i, scheme) in kept.iter_mut().enumerate() {
            scheme.always = ops
                .iter()
                .flat_map(|op| &op.security)
                .filter(|set| !set.is_empty())
                .all(|set| set.contains(&i));
        }
        kept
    }
}

/// The document's `servers`, each with its variables.
fn servers(doc: &Document) -> Vec<Server> {
    doc.openapi
        .servers
        .iter()
        .map(|server| {
            let mut ns = Namespace::new();
            let variables = server
                .variables
                .iter()
                .flatten()
                .map(|(name, v)| ServerVariable {
                    name: name.clone(),
                    rust: ns.claim(&snake_ident(name, "variable")),
                    default: v.default.clone(),
                    allowed: v.enumeration.clone(),
                    description: v.description.clone(),
                })
                .collect();
            Server {
                url: server.url.clone(),
                description: server.description.clone(),
                variables,
            }
        })
        .collect()
}

/// The serialization of a parameter, from its `style`, `explode` (whose default depends on the
/// style) and whether it is given as `content` (JSON text).
fn param_style(param: &Parameter, format: &ParameterSchemaOrContent) -> ParamStyle {
    use openapiv3::{CookieStyle, PathStyle, QueryStyle};
    if matches!(format, ParameterSchemaOrContent::Content(_)) {
        return ParamStyle::Json;
    }
    let explode = |default: bool| param_data(param).0.explode.unwrap_or(default);
    match param {
        Parameter::Query { style, .. } => match style {
            QueryStyle::Form => ParamStyle::Form {
                explode: explode(true),
            },
            QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
            QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
            QueryStyle::DeepObject => ParamStyle::DeepObject,
        },
        Parameter::Cookie {
            style: CookieStyle::Form,
            ..
        } => ParamStyle::Form {
            explode: explode(true),
        },
        Parameter::Path { style, .. } => match style {
            PathStyle::Simple => ParamStyle::Simple,
            PathStyle::Label => ParamStyle::Label {
                explode: explode(false),
            },
            PathStyle::Matrix => ParamStyle::Matrix {
                explode: explode(false),
            },
        },
        Parameter::Header { .. } => ParamStyle::Simple,
    }
}

/// The media type to use among `content`: JSON first, then text, then anything.
fn pick_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, Media, &openapiv3::MediaType)> {
    let kind = |ct: &str| {
        let ct = ct.to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or("").trim().to_owned();
        if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
            Media::Json
        } else if essence == "text/event-stream" {
            Media::EventStream
        } else if essence.starts_with("text/") {
            Media::Text
        } else if essence == "multipart/form-data" {
            Media::Multipart
        } else if essence == "application/x-www-form-urlencoded" {
            Media::Form
        } else {
            Media::Binary
        }
    };
    let all: Vec<(&str, Media, &openapiv3::MediaType)> = content
        .iter()
        .map(|(k, v)| (k.as_str(), kind(k), v))
        .collect();
    all.iter()
        .find(|c| c.1 == Media::Json)
        .or_else(|| all.iter().find(|c| c.1 == Media::Form))
        .or_else(|| all.iter().find(|c| c.1 == Media::Multipart))
        .or_else(|| all.iter().find(|c| c.1 == Media::Text))
        .or(all.first())
        .copied()
}

/// `ty`, or `Option` of it when the schema allows `null`.
fn or_null(ty: TypeRef, nullable: bool) -> TypeRef {
    if nullable {
        TypeRef::Nullable(Box::new(ty))
    } else {
        ty
    }
}

/// The type of a body passed as bytes.
fn bytes_body() -> Mapped {
    Mapped {
        ty: TypeRef::ByteStream,
        nullable: false,
        v: VRef::any(),
    }
}

/// The parts of a multipart or form body mapped to `mapped`: one per field of its struct, in
/// field order, written as its `encoding` says (`contentType` with `json` makes a JSON part,
/// `style: deepObject` an object's `name[key]` pairs in a form); an array is sent as repeated
/// parts; files are multipart members typed [`crate::types::FILE_PART`]. `None` when the body
/// is not a struct.
fn form_parts(
    m: &mut SchemaMapper<'_, '_>,
    mapped: &Mapped,
    mt: &openapiv3::MediaType,
    mt_ptr: &str,
    multipart: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Vec<Part>> {
    let TypeRef::Named(id) = mapped.ty else {
        return None;
    };
    let def = m.reg.resolve_alias(id);
    let TypeKind::Struct(st) = &m.reg.types[def.0].kind else {
        return None;
    };
    let fields = st.fields.clone();
    let mut parts = Vec::new();
    for f in &fields {
        let encoding = mt.encoding.get(&f.wire);
        let enc_ptr = push_pointer(&push_pointer(mt_ptr, "encoding"), &f.wire);
        if let Some(e) = encoding {
            if !e.headers.is_empty() {
                warnings.push(Diagnostic::warning(
                    m.res.loc(&push_pointer(&enc_ptr, "headers")),
                    "encoding-headers-ignored",
                    "the headers of a part's encoding are not sent or checked",
                ));
            }
        }
        let json = encoding
            .and_then(|e| e.content_type.as_deref())
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
        let deep = !multipart
            && m.res
                .raw(&push_pointer(&enc_ptr, "style"))
                .and_then(Value::as_str)
                == Some("deepObject");
        let (repeated, item) = match &f.ty {
            TypeRef::Vec(item) if !json => (true, item.as_ref()),
            other => (false, other),
        };
        let kind = if multipart && *item == TypeRef::Rust(crate::types::FILE_PART.into()) {
            PartKind::File
        } else if json {
            PartKind::Json
        } else if m.reg.is_object_like(item) {
            if deep && !repeated {
                PartKind::DeepObject
            } else {
                PartKind::Json
            }
        } else {
            PartKind::Text
        };
        parts.push(Part {
            wire: f.wire.clone(),
            rust: f.rust.clone(),
            kind,
            repeated,
        });
    }
    Some(parts)
}

fn collect_examples(
    m: &mut SchemaMapper<'_, '_>,
    mt: &openapiv3::MediaType,
    mt_ptr: &str,
) -> Result<Vec<(Location, Value)>> {
    let mut out = Vec::new();
    if let Some(v) = &mt.example {
        out.push((m.res.loc(&push_pointer(mt_ptr, "example")), v.clone()));
    }
    let ex_ptr = push_pointer(mt_ptr, "examples");
    for (name, ex) in &mt.examples {
        let at = push_pointer(&ex_ptr, name);
        let (ex, ptr) = m.res.item(ex, &at)?;
        if let Some(v) = ex.value.clone() {
            out.push((m.res.loc(&push_pointer(&ptr, "value")), v));
        }
    }
    Ok(out)
}

/// Variant name for a status: the reason phrase in UpperCamelCase.
pub(crate) fn status_variant(status: Option<u16>, range: Option<u8>) -> String {
    match (status, range) {
        (Some(code), _) => match reason_phrase(code) {
            Some(reason) => crate::names::variant_ident(reason, "Status"),
            None => format!("Status{code}"),
        },
        (None, Some(d)) => format!("Status{d}xx"),
        (None, None) => "Default".into(),
    }
}

/// The standard reason phrase of an HTTP status code.
pub fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        423 => "Locked",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

enum RawSegment {
    Literal(String),
    Param(String),
}

/// Names of the parameters in a template: `{name}` anywhere and Express-style `:name` segments.
pub fn path_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in path.split('/') {
        if let Some(name) = seg.strip_prefix(':').filter(|n| !n.is_empty()) {
            out.push(name.to_owned());
            continue;
        }
        let mut rest = seg;
        while let Some(start) = rest.find('{') {
            match rest[start..].find('}') {
                Some(end) => {
                    out.push(rest[start + 1..start + end].to_owned());
                    rest = &rest[start + end + 1..];
                }
                None => break,
            }
        }
    }
    out
}

fn split_path(
    path: &str,
    params: &mut Vec<Param>,
    ns: &mut Namespace,
    origin: &Location,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<RawSegment>, Option<String>) {
    let mut segments = Vec::new();
    let mut unroutable = None;
    if !path.starts_with('/') {
        unroutable = Some(format!("path `{path}` does not start with `/`"));
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        unroutable = Some(format!(
            "path key `{path}` contains white space, so no request URL can match it"
        ));
    }
    for seg in path.split('/').skip(1) {
        let whole = if let Some(n) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(n)
        } else {
            seg.strip_prefix(':').filter(|n| {
                !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
        };
        match whole {
            Some(name) if !name.is_empty() && !name.contains(['{', '}']) => {
                if !params
                    .iter()
                    .any(|p| p.location == ParamIn::Path && p.wire == name)
                {
                    warnings.push(Diagnostic::warning(
                        origin.clone(),
                        "undeclared-path-param",
                        format!("path template parameter `{name}` is not declared; it is taken as a required string"),
                    ));
                    params.push(Param {
                        rust: ns.claim(&snake_ident(name, "param")),
                        wire: name.to_owned(),
                        location: ParamIn::Path,
                        required: true,
                        ty: TypeRef::String,
                        schema: VRef::Inline(Box::new(VSchema {
                            types: vec![JsonType::String],
                            ..VSchema::default()
                        })),
                        docs: Docs::default(),
                        deprecated: false,
                        style: ParamStyle::Simple,
                    });
                }
                segments.push(RawSegment::Param(name.to_owned()));
            }
            _ => {
                if seg.contains(['{', '}']) && unroutable.is_none() {
                    unroutable = Some(format!("segment `{seg}` mixes text and a parameter; the router serves whole-segment parameters only"));
                    for name in path_names(seg) {
                        if !params
                            .iter()
                            .any(|p| p.location == ParamIn::Path && p.wire == name)
                        {
                            params.push(Param {
                                rust: ns.claim(&snake_ident(&name, "param")),
                                wire: name,
                                location: ParamIn::Path,
                                required: true,
                                ty: TypeRef::String,
                                schema: VRef::any(),
                                docs: Docs::default(),
                                deprecated: false,
                                style: ParamStyle::Simple,
                            });
                        }
                    }
                }
                segments.push(RawSegment::Literal(seg.to_owned()));
            }
        }
    }
    (segments, unroutable)
}

/// Marks operations whose route would collide with an earlier one (same shape and method).
fn mark_route_conflicts(ops: &mut [Operation], warnings: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(String, Method), String> = BTreeMap::new();
    for op in ops.iter_mut() {
        if op.unroutable.is_some() {
            warnings.push(Diagnostic::warning(
                op.origin.clone(),
                "unroutable-path",
                format!(
                    "{}; the operation is not mounted in the router",
                    op.unroutable.as_deref().unwrap_or("")
                ),
            ));
            continue;
        }
        let shape: String = op
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => format!("/{l}"),
                Segment::Param(_) => "/{}".into(),
            })
            .collect();
        match seen.get(&(shape.clone(), op.method)) {
            Some(other) => {
                let why = format!(
                    "route {} {} is already served by `{other}`",
                    op.method.as_upper(),
                    op.path
                );
                warnings.push(Diagnostic::warning(
                    op.origin.clone(),
                    "route-conflict",
                    format!("{why}; the operation is not mounted in the router"),
                ));
                op.unroutable = Some(why);
            }
            None => {
                seen.insert((shape, op.method), op.name.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{parse_document, read_bytes, Format};

    fn document(text: &str) -> Document {
        let raw = read_bytes("t.yaml", text.as_bytes(), Format::Yaml).expect("reads");
        parse_document(raw).expect("parses")
    }

    /// Forty operations sharing component responses and parameters whose schemas are inline
    /// (mapped once, by whichever operation comes first), each with inline types alike
    /// (shared through aliases).
    fn shared_components() -> String {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
        for i in 0..40 {
            let param = if i % 7 == 3 {
                "      - $ref: '#/components/parameters/Kind'\n"
            } else {
                ""
            };
            let page = if i % 3 == 0 {
                "'#/components/responses/Page'"
            } else {
                "'#/components/responses/Error'"
            };
            text.push_str(&format!(
                "  /p{i}:\n    get:\n      parameters:\n      - {{name: q{i}, in: query, schema: {{type: string, enum: [a, b]}}}}\n{param}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties: {{a: {{type: string}}, b: {{type: integer}}, c: {{type: object, properties: {{x: {{type: string}}, y: {{type: string}}, z: {{type: boolean}}}}}}}}\n        '400': {{$ref: {page}}}\n"
            ));
        }
        text.push_str(
            "components:\n  parameters:\n    Kind: {name: kind, in: query, schema: {type: string, enum: [x, y]}}\n  responses:\n    Error:\n      description: e\n      content:\n        application/json:\n          schema:\n            type: object\n            properties: {success: {type: boolean}, error: {type: string}, errorType: {type: string}}\n            additionalProperties: {type: object, properties: {u: {type: string}, v: {type: string}, w: {type: string}}}\n    Page:\n      description: p\n      content:\n        application/json:\n          schema:\n            type: object\n            properties: {count: {type: integer}, offset: {type: integer}, total: {type: integer}}\n",
        );
        text
    }

    /// Identical inline types are one type, the others aliases of it.
    #[test]
    fn identical_inline_bodies_are_shared() {
        let doc = document(&shared_components());
        let api = build(std::slice::from_ref(&doc), &BuildOptions::default()).expect("builds");
        let aliases = api
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Alias(TypeRef::Named(_))))
            .count();
        assert!(
            aliases >= 30,
            "identical inline bodies are shared: {aliases}"
        );
    }
}
