//! Names of shapes shared by several places: named after the role they share, overridable in
//! the configuration, and stable when operations come and go (on `specs/omnichannel.yaml`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generator::ir::{Api, TypeKind, TypeRef};
use generator::load::{parse_document, read_file, RawDocument};
use generator::BuildOptions;
use serde_json::Value;

fn omnichannel() -> RawDocument {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/omnichannel.yaml");
    read_file(&path).expect("specs/omnichannel.yaml loads")
}

fn model(raw: &RawDocument, options: &BuildOptions) -> Api {
    let doc = parse_document(raw.clone()).expect("the document parses");
    generator::model(&[doc], options).expect("the model builds")
}

/// What a value of `ty` looks like on the wire, with named types followed rather than named
/// (so a shape compares equal whatever it is called).
fn fingerprint(api: &Api, ty: &TypeRef, depth: usize) -> String {
    if depth > 4 {
        return "…".into();
    }
    match ty {
        TypeRef::Named(id) => {
            let t = &api.types[id.0];
            match &t.kind {
                TypeKind::Alias(inner) => fingerprint(api, inner, depth),
                TypeKind::Struct(s) => {
                    let fields: Vec<String> = s
                        .fields
                        .iter()
                        .map(|f| {
                            format!(
                                "{}{}:{}",
                                f.wire,
                                if f.required { "!" } else { "?" },
                                fingerprint(api, &f.ty, depth + 1)
                            )
                        })
                        .collect();
                    format!("{{{}}}", fields.join(","))
                }
                TypeKind::Enum(vs) => {
                    let vs: Vec<&str> = vs.iter().map(|v| v.wire.as_str()).collect();
                    format!("enum[{}]", vs.join("|"))
                }
                TypeKind::Union(u) => {
                    let vs: Vec<String> = u
                        .variants
                        .iter()
                        .map(|v| fingerprint(api, &v.ty, depth + 1))
                        .collect();
                    format!("union({})", vs.join("|"))
                }
            }
        }
        TypeRef::Vec(t) => format!("[{}]", fingerprint(api, t, depth)),
        TypeRef::Map(t) => format!("map<{}>", fingerprint(api, t, depth)),
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => fingerprint(api, t, depth),
        other => format!("{other:?}"),
    }
}

/// Every type name with the fingerprint of what it stands for.
fn names(api: &Api) -> BTreeMap<String, String> {
    (0..api.types.len())
        .map(|i| {
            let id = generator::ir::TypeId(i);
            (
                api.types[i].name.clone(),
                fingerprint(api, &TypeRef::Named(id), 0),
            )
        })
        .collect()
}

/// Names given to shared shapes (rather than to one place).
fn shared_names(api: &Api) -> BTreeSet<String> {
    api.types
        .iter()
        .filter(|t| {
            t.docs
                .summary
                .as_deref()
                .is_some_and(|s| s.starts_with("Shared by several places as"))
        })
        .map(|t| t.name.clone())
        .collect()
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[test]
fn a_shape_used_by_many_operations_is_named_after_its_role() {
    let api = model(&omnichannel(), &BuildOptions::default());
    let shared = shared_names(&api);
    assert!(shared.contains("BadRequest"), "{shared:?}");
    assert!(shared.contains("ServedBy"), "{shared:?}");
    let name = |n: &str| api.types.iter().find(|t| t.name == n).unwrap();
    // Each operation keeps its own name, an alias of the shared type.
    let own = name("PostLivechatCustomFieldsBadRequest");
    assert!(
        matches!(&own.kind, TypeKind::Alias(TypeRef::Named(id)) if api.types[id.0].name == "BadRequest")
    );
    let first = name("PostCannedResponsesBadRequest");
    assert!(
        matches!(&first.kind, TypeKind::Alias(TypeRef::Named(id)) if api.types[id.0].name == "BadRequest")
    );
}

/// No type is named after one operation while three or more others use it: counted over
/// what each name stands for.
#[test]
fn no_type_named_after_one_operation_is_used_by_three_others() {
    let raw = omnichannel();
    let mut options = BuildOptions::default();
    // What `codegen.yaml` gives generated/: a one-letter role gets its name there.
    options.shared_names.insert("U".into(), "UserRef".into());
    let api = model(&raw, &options);
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &api.types {
        if let TypeKind::Alias(TypeRef::Named(id)) = &t.kind {
            *uses.entry(api.types[id.0].name.as_str()).or_default() += 1;
        }
    }
    let prefixes: Vec<&str> = api
        .operations
        .iter()
        .map(|o| o.type_prefix.as_str())
        .collect();
    for (target, aliases) in uses {
        let named_after_operation = prefixes.iter().any(|p| target.starts_with(p));
        assert!(
            !(named_after_operation && aliases >= 3),
            "`{target}` is named after an operation while {aliases} others use it"
        );
    }
}

#[test]
fn the_configuration_names_a_shared_role() {
    let mut options = BuildOptions::default();
    options
        .shared_names
        .insert("U".into(), "MessageAuthor".into());
    let api = model(&omnichannel(), &options);
    let author = api.types.iter().position(|t| t.name == "MessageAuthor");
    let author = author.expect("the role `U` takes the configured name");
    let alias = api
        .types
        .iter()
        .find(|t| t.name == "PostLivechatMessageOkMessageU")
        .unwrap();
    assert!(matches!(&alias.kind, TypeKind::Alias(TypeRef::Named(id)) if id.0 == author));
    // Read from YAML, as `codegen.yaml` and `generate --config` are.
    let read =
        BuildOptions::from_yaml("shared-names:\n  U: MessageAuthor\n", "codegen.yaml").unwrap();
    assert_eq!(read.shared_names, options.shared_names);
    let bad = BuildOptions::from_yaml("shared-names:\n  U: not a name\n", "codegen.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        bad.contains("codegen.yaml") && bad.contains("/shared-names/U"),
        "{bad}"
    );
    let unknown = BuildOptions::from_yaml("shared-nams: {}\n", "codegen.yaml")
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("shared-nams"), "{unknown}");
}

/// Removing any one operation removes its own names and renames nothing else: every other
/// name stands for the same shape as before. A shared name goes only with its sharing (when
/// one place is left, that place's own name is the type).
#[test]
fn removing_an_operation_renames_no_other_type() {
    let raw = omnichannel();
    let options = BuildOptions::default();
    let before_api = model(&raw, &options);
    let before = names(&before_api);
    let shared = shared_names(&before_api);
    let mut checked = 0;
    for op in &before_api.operations {
        let method = format!("{:?}", op.method).to_ascii_lowercase();
        let mut value = raw.value.clone();
        let paths = value["paths"].as_object_mut().unwrap();
        let item = paths[&op.path].as_object_mut().unwrap();
        item.remove(&method)
            .expect("the operation is in the document");
        let after_api = model(
            &RawDocument {
                file: raw.file.clone(),
                value,
            },
            &options,
        );
        let after = names(&after_api);
        let own_place = format!("/paths/{}/{}", escape(&op.path), method);
        for (name, shape) in &before {
            let t = before_api.types.iter().find(|t| &t.name == name).unwrap();
            let own = name.starts_with(&op.type_prefix) && t.origin.pointer.starts_with(&own_place)
                || *name == op.input_type
                || *name == op.output_type;
            match after.get(name) {
                Some(now) => assert_eq!(now, shape, "removing {} changed `{name}`", op.name),
                None => assert!(
                    own || shared.contains(name),
                    "removing {} removed `{name}`",
                    op.name
                ),
            }
        }
        checked += 1;
    }
    assert_eq!(checked, before_api.operations.len());
}

/// Adding an operation (a copy of each operation that uses a shared shape, under a new path)
/// renames nothing: every name stands for the same shape as before.
#[test]
fn adding_an_operation_renames_no_type() {
    let raw = omnichannel();
    let options = BuildOptions::default();
    let before_api = model(&raw, &options);
    let before = names(&before_api);
    for path in [
        "/api/v1/canned-responses",
        "/api/v1/livechat/room",
        "/api/v1/livechat/message/{_id}",
    ] {
        let mut value = raw.value.clone();
        let mut copy: Value = value["paths"][path].clone();
        for (_, op) in copy.as_object_mut().unwrap() {
            if let Some(id) = op.get_mut("operationId") {
                *id = Value::from(format!("{}Copy", id.as_str().unwrap_or_default()));
            }
        }
        // First in the document, so its places are met before the originals.
        let paths = value["paths"].as_object_mut().unwrap();
        let mut reordered = serde_json::Map::new();
        reordered.insert(format!("/api/v1/aaa-copy{path}"), copy);
        reordered.extend(std::mem::take(paths));
        *paths = reordered;
        let after = names(&model(
            &RawDocument {
                file: raw.file.clone(),
                value,
            },
            &options,
        ));
        for (name, shape) in &before {
            assert_eq!(
                after.get(name),
                Some(shape),
                "adding a copy of {path} changed `{name}`"
            );
        }
    }
}

/// A user type from a document or the configuration must be a plain Rust type: a macro call
/// (which could read files at build time) or garbage is an error with its pointer.
#[test]
fn user_types_are_checked() {
    let text = |path: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A: {{type: string, x-rust-type: {{path: '{path}'}}}}\n"
        )
    };
    for bad in ["include!(\"/etc/passwd\")", "not a type", "u8; drop"] {
        let raw = generator::load::read_bytes(
            "doc.yaml",
            text(bad).as_bytes(),
            generator::load::Format::Yaml,
        )
        .unwrap();
        let doc = parse_document(raw).unwrap();
        let err = generator::model(&[doc], &BuildOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("doc.yaml") && err.contains("/components/schemas/A/x-rust-type"),
            "{err}"
        );
    }
    let err = BuildOptions::from_yaml("formats: {uuid: {path: 'm!()'}}\n", "c.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("/formats/uuid/path"), "{err}");
    let err = BuildOptions::from_yaml("formats: {email: true}\n", "c.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no built-in type for format `email`"), "{err}");
}
