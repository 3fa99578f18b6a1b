//! Schemas → named Rust types: the type registry, naming from hints, and validation rules.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::config::RustType;
use crate::diagnostics::{push_pointer, Diagnostic, Error, Location, Result};
use crate::ir::*;
use crate::names::{pascal_ident, snake_ident, Namespace};
use crate::resolve::{last_token, Resolver};

/// A schema mapped to Rust: its type, whether `null` is allowed, and its validation node.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The Rust type of a non-null value.
    pub ty: TypeRef,
    /// `nullable: true`.
    pub nullable: bool,
    /// Validation rules.
    pub v: VRef,
}

/// The Rust type of a file part of a `multipart/form-data` body.
pub const FILE_PART: &str = "crate::rt::FilePart";

/// Holds every named type and hands out names.
#[derive(Default)]
pub struct TypeRegistry {
    /// The types, indexed by [`TypeId`].
    pub types: Vec<TypeDef>,
    names: Namespace,
    /// `(document index, pointer)` of a referenced schema → its type and whether it admits `null`.
    by_pointer: HashMap<(usize, String), (TypeId, bool)>,
    /// `(document index, $ref string)` → the pointer it resolves to (so a reference met again
    /// skips resolving, and cloning, the schema).
    ref_targets: HashMap<(usize, String), String>,
    /// Cheap key of a shareable type's shape (its field names) → the types with that key, in
    /// order; the full structural key tells them apart.
    by_shape: HashMap<String, Vec<TypeId>>,
    /// Full structural shapes, computed only for types whose cheap keys meet.
    shape_keys: HashMap<TypeId, Shape>,
    /// Deduplicated aliases → the type they stand for.
    same_as: HashMap<TypeId, TypeId>,
    /// `(document index, pointer)` of an inline schema in a component → how it was mapped.
    by_location: HashMap<(usize, String), Mapped>,
    /// Problems found.
    pub warnings: Vec<Diagnostic>,
    /// How many schemas are being mapped inside each other right now.
    depth: usize,
    /// While a `multipart/form-data` body is mapped: the depth it is mapped at. Its members
    /// (and their items) that are files (`format: binary`, `contentMediaType`,
    /// `contentEncoding`) become [`FILE_PART`].
    pub file_parts: Option<usize>,
    /// Names chosen for shared shapes, by the role they are shared in (the override file).
    pub shared_names: std::collections::BTreeMap<String, String>,
    /// The role of each shareable type that has one ([`role_of`]).
    roles: HashMap<TypeId, String>,
    /// String formats typed as the user chose (the built-in mappings expanded).
    pub formats: std::collections::BTreeMap<String, RustType>,
    /// Crates the user's types come from, by crate name.
    pub dependencies: std::collections::BTreeMap<String, RustType>,
}

/// A cheap first key of a type's shape: a struct's field names and whether they are required,
/// or the kind of anything else. Types with different cheap keys never have the same shape.
fn quick_shape_key(def: &TypeDef, role: Option<&str>) -> String {
    let mut key = match &def.kind {
        TypeKind::Struct(s) => {
            let mut key = String::from("struct");
            for f in &s.fields {
                key.push(if f.required { '!' } else { '?' });
                key.push_str(&f.wire);
                key.push('\0');
            }
            if s.additional.is_some() {
                key.push('+');
            }
            key
        }
        TypeKind::Enum(v) => format!("enum{}", v.len()),
        TypeKind::Union(u) => format!("union{}", u.variants.len()),
        TypeKind::Alias(_) => "alias".to_owned(),
    };
    // Shapes are shared within one role only, so a shared type's name (its role) never
    // changes when a place with another role and the same shape comes or goes.
    key.push('\u{1}');
    key.push_str(role.unwrap_or_default());
    key
}

/// The role a schema plays where it sits, as a type name: the property it is the value of
/// (`servedBy` → `ServedBy`), an item of one (`agents` → `Agent`), or the status of the
/// response it is the body of (400 → `BadRequest`). `None` where the place says nothing of
/// what the value is (a request body, a success response, a parameter, a combinator's part).
pub fn role_of(pointer: &str) -> Option<String> {
    let tokens = crate::diagnostics::pointer_tokens(pointer);
    match tokens.as_slice() {
        [.., p, name] if p == "properties" => Some(pascal_ident(name, "Field")),
        // An item of `agents` plays the role an `agent` property would: the same name, so one
        // shape met both ways is one type.
        [.., p, name, items] if p == "properties" && items == "items" => {
            let one = singular(name);
            (one != *name)
                .then(|| pascal_ident(&one, "Field"))
                .or_else(|| Some(format!("{}Item", pascal_ident(name, "Field"))))
        }
        [.., r, status, c, _, s] if r == "responses" && c == "content" && s == "schema" => {
            let code: u16 = status.parse().ok()?;
            (code >= 400).then(|| crate::build::status_variant(Some(code), None))
        }
        _ => None,
    }
}

/// The singular of an English plural (`agents` → `agent`, `categories` → `category`,
/// `addresses` → `address`); the word itself when it does not look plural (`status`, `data`).
fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let cut = |n: usize, add: &str| format!("{}{add}", &word[..word.len() - n]);
    if lower.ends_with("ies") && word.len() > 4 {
        cut(3, "y")
    } else if ["sses", "xes", "ches", "shes", "zzes"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        cut(2, "")
    } else if lower.ends_with('s')
        && !["ss", "us", "is", "os", "as"]
            .iter()
            .any(|e| lower.ends_with(e))
        && word.len() > 3
        && word.is_char_boundary(word.len() - 1)
    {
        cut(1, "")
    } else {
        word.to_owned()
    }
}

/// Roles too short or too general to name a type by themselves (`U`, `Id`, `Data`).
fn names_a_type(role: &str) -> bool {
    const GENERAL: &[&str] = &[
        "Data", "Result", "Results", "Items", "Item", "Value", "Values", "Body", "Response",
        "Payload", "Object", "Type",
    ];
    let role = role.trim_end_matches('_');
    role.len() >= 3 && !GENERAL.contains(&role)
}

/// Fewest fields a struct needs before an identical one elsewhere reuses it.
const MIN_SHARED_FIELDS: usize = 3;

/// The deepest nesting of schemas (through properties, items, combinators and `$ref`s) that is
/// mapped; deeper documents get an error instead of exhausting the stack.
pub const MAX_SCHEMA_DEPTH: usize = 2_000;

impl TypeRegistry {
    /// Reserves a name for a component so inline types never take it.
    pub fn reserve_name(&mut self, name: &str) -> String {
        self.names.claim(name)
    }

    fn push(&mut self, def: TypeDef) -> TypeId {
        self.types.push(def);
        TypeId(self.types.len() - 1)
    }

    fn placeholder(name: String, origin: Location) -> TypeDef {
        let origin_docs = Docs {
            summary: Some(describe_pointer(&origin.pointer)),
            description: None,
        };
        TypeDef {
            name,
            docs: origin_docs,
            kind: TypeKind::Alias(TypeRef::Any),
            deprecated: false,
            schema: VSchema::default(),
            origin,
            examples: vec![],
        }
    }

    /// How deeply schemas are being mapped inside each other right now.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The type an alias stands for, through aliases of named types (at most 64 of them).
    pub fn resolve_alias(&self, mut id: TypeId) -> TypeId {
        for _ in 0..64 {
            match &self.types[id.0].kind {
                TypeKind::Alias(TypeRef::Named(next)) => id = *next,
                _ => break,
            }
        }
        id
    }

    /// Whether values of `ty` are JSON objects (or any JSON value): such a member of a form
    /// travels as JSON text.
    pub fn is_object_like(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Any | TypeRef::Object | TypeRef::Map(_) => true,
            TypeRef::Nullable(t) | TypeRef::Boxed(t) => self.is_object_like(t),
            TypeRef::Named(id) => match &self.types[self.resolve_alias(*id).0].kind {
                TypeKind::Struct(_) | TypeKind::Union(_) => true,
                TypeKind::Alias(t) => !matches!(t, TypeRef::Named(_)) && self.is_object_like(t),
                TypeKind::Enum(_) => false,
            },
            _ => false,
        }
    }

    /// True when every value of `v` is an object that must have some property.
    pub fn requires_properties(&self, v: &VRef, depth: usize) -> bool {
        // An alias for an identical type is looked through without counting a level, so the
        // answer does not depend on which of two identical types was met first.
        let s = match v {
            VRef::Named(id) => &self.types[self.canonical_id(*id).0].schema,
            VRef::Inline(s) => s,
        };
        depth < 16
            && !s.nullable
            && (!s.required.is_empty()
                || s.all_of
                    .iter()
                    .any(|v| self.requires_properties(v, depth + 1)))
    }

    /// The structural shape of a type: its kind and rules with every reference to a
    /// deduplicated alias replaced by the type it stands for, so that parents of identical
    /// types match too. Two types are one when their shapes are equal.
    fn shape_key(&self, def: &TypeDef) -> Shape {
        let mut kind = def.kind.clone();
        let mut schema = def.schema.clone();
        let mut canonical = |id: &mut TypeId| *id = self.canonical_id(*id);
        kind.type_ids_mut(&mut canonical);
        schema.type_ids_mut(&mut canonical);
        (kind, schema)
    }

    fn canonical_id(&self, id: TypeId) -> TypeId {
        self.same_as.get(&id).copied().unwrap_or(id)
    }

    /// Registers a type: into `target` (a component's reserved type, which keeps its name), or
    /// as a new type named after `hint`, an alias when an identical type came before. A type
    /// the spec leaves undocumented gets a summary saying where it sits.
    fn register(&mut self, target: Option<TypeId>, hint: &str, mut def: TypeDef) -> TypeId {
        if def.docs.summary.is_none() && def.docs.description.is_none() {
            def.docs.summary = Some(describe_pointer(&def.origin.pointer));
        }
        if let Some(id) = target {
            let name = std::mem::take(&mut self.types[id.0].name);
            def.name = name;
            self.types[id.0] = def;
            return id;
        }
        def.name = self.names.claim(&pascal_ident(hint, "Type"));
        // Small structs (`{address}`) alike by chance are kept apart: sharing them would give a
        // field a type named after something unrelated. Larger identical shapes (error bodies,
        // list pages) are one type.
        let shareable =
            !matches!(&def.kind, TypeKind::Struct(s) if s.fields.len() < MIN_SHARED_FIELDS);
        let role = role_of(&def.origin.pointer);
        let quick = shareable.then(|| quick_shape_key(&def, role.as_deref()));
        let same = match quick.as_ref().and_then(|q| self.by_shape.get(q)).cloned() {
            Some(candidates) => {
                let full = self.shape_key(&def);
                candidates.into_iter().find(|&c| {
                    if !self.shape_keys.contains_key(&c) {
                        let key = self.shape_key(&self.types[c.0]);
                        self.shape_keys.insert(c, key);
                    }
                    self.shape_keys[&c] == full
                })
            }
            None => None,
        };
        if let Some(existing) = same {
            def.kind = TypeKind::Alias(TypeRef::Named(existing));
            def.schema = VSchema {
                all_of: vec![VRef::Named(existing)],
                ..VSchema::default()
            };
            let id = self.push(def);
            self.same_as.insert(id, existing);
            return id;
        }
        let id = self.push(def);
        if let (Some(role), true) = (role, quick.is_some()) {
            self.roles.insert(id, role);
        }
        if let Some(quick) = quick {
            self.by_shape.entry(quick).or_default().push(id);
        }
        id
    }
}

impl TypeRegistry {
    /// Names the shapes that several places share, once every place is known: after the
    /// override file's name for their role, else after the role itself when that says what
    /// the shape is. A name two shared shapes would both take, or that another type has, is
    /// given to none, so a shared name never stands for a different shape than it did. The
    /// first place keeps its own name as an alias, as every other place has: no place's name
    /// changes.
    pub fn name_shared_shapes(&mut self) {
        let shared: std::collections::BTreeSet<TypeId> = self.same_as.values().copied().collect();
        let mut by_name: std::collections::BTreeMap<String, Vec<TypeId>> = Default::default();
        for id in shared {
            let Some(role) = self.roles.get(&id) else {
                continue;
            };
            let name = match self.shared_names.get(role) {
                Some(chosen) => chosen.clone(),
                None if names_a_type(role) => role.clone(),
                None => continue,
            };
            by_name.entry(name).or_default().push(id);
        }
        for (name, ids) in by_name {
            if let ([id], true) = (ids.as_slice(), self.names.claim_exact(&name)) {
                self.rename_shared(*id, name);
            }
        }
    }

    fn rename_shared(&mut self, id: TypeId, name: String) {
        let role = self.roles[&id].clone();
        let first = &mut self.types[id.0];
        let own = std::mem::replace(&mut first.name, name);
        let own_docs = first.docs.clone();
        if first.docs.description.is_none()
            && first.docs.summary.as_deref() == Some(&describe_pointer(&first.origin.pointer))
        {
            first.docs = Docs {
                summary: Some(format!(
                    "Shared by several places as `{role}` (each place keeps its own name, an \
                     alias of this type)."
                )),
                description: first.docs.summary.take().map(|s| {
                    let mut c = s.chars();
                    let first = c.next().map(|f| f.to_lowercase().collect::<String>());
                    format!("First met as {}{}", first.unwrap_or_default(), c.as_str())
                }),
            };
        }
        let alias = TypeDef {
            name: own,
            docs: own_docs,
            kind: TypeKind::Alias(TypeRef::Named(id)),
            deprecated: first.deprecated,
            schema: VSchema {
                all_of: vec![VRef::Named(id)],
                ..VSchema::default()
            },
            origin: first.origin.clone(),
            examples: vec![],
        };
        let alias = self.push(alias);
        self.same_as.insert(alias, id);
    }
}

impl TypeRegistry {
    /// Records the crate a user's type comes from; returns the type's path.
    pub fn use_rust_type(&mut self, rust: RustType) -> String {
        if let Some(krate) = &rust.krate {
            let entry = self
                .dependencies
                .entry(krate.clone())
                .or_insert_with(|| RustType {
                    features: vec![],
                    ..rust.clone()
                });
            for f in &rust.features {
                if !entry.features.contains(f) {
                    entry.features.push(f.clone());
                }
            }
            entry.features.sort();
            if entry.version.is_none() {
                entry.version = rust.version.clone();
            }
        }
        rust.path
    }
}

/// An untyped-by-the-model schema whose `type` is a primitive, as that type with the keywords
/// that apply to it (JSON Schema ignores the others on its values).
fn primitive_of(any: &openapiv3::AnySchema) -> Option<Type> {
    use openapiv3::{BooleanType, IntegerType, NumberType, StringType};
    fn format<T: serde::de::DeserializeOwned>(f: &Option<String>) -> VariantOrUnknownOrEmpty<T> {
        match f.as_deref() {
            None => VariantOrUnknownOrEmpty::Empty,
            Some(f) => serde_json::from_value(Value::from(f))
                .unwrap_or(VariantOrUnknownOrEmpty::Unknown(f.to_owned())),
        }
    }
    let strings = || {
        any.enumeration
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    Some(match any.typ.as_deref()? {
        "integer" => Type::Integer(IntegerType {
            format: format(&any.format),
            multiple_of: any.multiple_of.map(|m| m as i64),
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            minimum: any.minimum.map(|m| m as i64),
            maximum: any.maximum.map(|m| m as i64),
            enumeration: any.enumeration.iter().map(Value::as_i64).collect(),
        }),
        "number" => Type::Number(NumberType {
            format: format(&any.format),
            multiple_of: any.multiple_of,
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            minimum: any.minimum,
            maximum: any.maximum,
            enumeration: any.enumeration.iter().map(Value::as_f64).collect(),
        }),
        "string" => Type::String(StringType {
            format: format(&any.format),
            pattern: any.pattern.clone(),
            enumeration: strings(),
            min_length: any.min_length,
            max_length: any.max_length,
        }),
        "boolean" => Type::Boolean(BooleanType {
            enumeration: any.enumeration.iter().map(Value::as_bool).collect(),
        }),
        _ => return None,
    })
}

/// A string schema's `format` as written.
fn format_name(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<&str> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(match f {
            StringFormat::Date => "date",
            StringFormat::DateTime => "date-time",
            StringFormat::Password => "password",
            StringFormat::Byte => "byte",
            StringFormat::Binary => "binary",
        }),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// A type's kind and rules, compared to find identical types.
type Shape = (TypeKind, VSchema);

/// Maps the schemas of one document into the shared registry.
pub struct SchemaMapper<'r, 'a> {
    /// The registry.
    pub reg: &'r mut TypeRegistry,
    /// The document's resolver.
    pub res: Resolver<'a>,
    /// Index of the document (keys the reference memo).
    pub doc_index: usize,
}

fn docs_of(data: &openapiv3::SchemaData) -> Docs {
    Docs {
        summary: data.title.clone(),
        description: data.description.clone(),
    }
}

fn f(v: Option<usize>) -> Option<u64> {
    v.map(|n| n as u64)
}

impl<'r, 'a> SchemaMapper<'r, 'a> {
    fn loc(&self, pointer: &str) -> Location {
        self.res.loc(pointer)
    }

    fn warn(&mut self, pointer: &str, code: &'static str, message: impl Into<String>) {
        let d = Diagnostic::warning(self.loc(pointer), code, message);
        self.reg.warnings.push(d);
    }

    /// `multipleOf`, when it is greater than 0 (JSON Schema's rule; `0` would refuse every
    /// number, a negative or non-finite one is meaningless): otherwise ignored, with a warning.
    fn positive_multiple(&mut self, m: Option<f64>, ptr: &str) -> Option<f64> {
        match m {
            Some(m) if !(m > 0.0 && m.is_finite()) => {
                self.warn(
                    &push_pointer(ptr, "multipleOf"),
                    "invalid-multiple-of",
                    format!("multipleOf must be greater than 0, not {m}; ignored"),
                );
                None
            }
            m => m,
        }
    }

    /// Whether a string schema at `ptr` is a file part: a member of a `multipart/form-data`
    /// body (or an item of one) with `format: binary`, `contentMediaType` or `contentEncoding`.
    fn is_file_part(&self, format: &VariantOrUnknownOrEmpty<StringFormat>, ptr: &str) -> bool {
        let Some(base) = self.reg.file_parts else {
            return false;
        };
        let raw = self.res.raw(ptr);
        let declared = matches!(format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
            || raw.is_some_and(|s| {
                s.get("contentMediaType").is_some() || s.get("contentEncoding").is_some()
            });
        declared && (self.reg.depth == base + 2 || self.reg.depth == base + 3)
    }

    /// Maps a schema or reference found at `ptr`; `hint` names any type it needs.
    pub fn map(&mut self, s: &ReferenceOr<Schema>, ptr: &str, hint: &str) -> Result<Mapped> {
        match s {
            ReferenceOr::Reference { reference } => self.map_ref(reference, ptr),
            ReferenceOr::Item(schema) => {
                // A schema inside a shared component (a response or request body that many
                // operations reference) is mapped once, under the component's name.
                let key = (self.doc_index, ptr.to_owned());
                if let Some(m) = self.reg.by_location.get(&key) {
                    return Ok(m.clone());
                }
                let m = self.map_schema(schema, ptr, hint, None)?;
                if ptr.starts_with("/components/") {
                    self.reg.by_location.insert(key, m.clone());
                }
                Ok(m)
            }
        }
    }

    /// Like [`Self::map`] for boxed schemas (properties, items).
    pub fn map_boxed(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        ptr: &str,
        hint: &str,
    ) -> Result<Mapped> {
        match s {
            ReferenceOr::Reference { reference } => self.map_ref(reference, ptr),
            ReferenceOr::Item(schema) => self.map_schema(schema, ptr, hint, None),
        }
    }

    /// The type of a referenced schema, mapped once and shared by every reference.
    pub fn map_ref(&mut self, reference: &str, ptr: &str) -> Result<Mapped> {
        let ref_key = (self.doc_index, reference.to_owned());
        if let Some(&(id, nullable)) = self
            .reg
            .ref_targets
            .get(&ref_key)
            .and_then(|target| self.reg.by_pointer.get(&(self.doc_index, target.clone())))
        {
            return Ok(Mapped {
                ty: TypeRef::Named(id),
                nullable,
                v: VRef::Named(id),
            });
        }
        let (schema, target) = self.res.schema_target(reference, ptr)?;
        self.reg.ref_targets.insert(ref_key, target.clone());
        let key = (self.doc_index, target.clone());
        if let Some(&(id, nullable)) = self.reg.by_pointer.get(&key) {
            return Ok(Mapped {
                ty: TypeRef::Named(id),
                nullable,
                v: VRef::Named(id),
            });
        }
        let name = pascal_ident(&last_token(&target), "Schema");
        let name = self.reg.reserve_name(&name);
        let id = self
            .reg
            .push(TypeRegistry::placeholder(name.clone(), self.loc(&target)));
        // Recursive references met while mapping take the schema's own `nullable`.
        self.reg
            .by_pointer
            .insert(key.clone(), (id, schema.schema_data.nullable));
        let mapped = self.map_schema(&schema, &target, &name, Some(id))?;
        let nullable = mapped.nullable;
        self.reg.by_pointer.insert(key, (id, nullable));
        if mapped.ty != TypeRef::Named(id) {
            // A primitive, array or map: the component becomes an alias.
            let def = &mut self.reg.types[id.0];
            def.kind = TypeKind::Alias(mapped.ty.clone());
            let docs = docs_of(&schema.schema_data);
            if docs.summary.is_some() || docs.description.is_some() {
                def.docs = docs;
            }
            def.deprecated = schema.schema_data.deprecated;
            def.schema = match mapped.v {
                VRef::Inline(v) => *v,
                named @ VRef::Named(_) => VSchema {
                    all_of: vec![named],
                    ..VSchema::default()
                },
            };
        }
        Ok(Mapped {
            ty: TypeRef::Named(id),
            nullable,
            v: VRef::Named(id),
        })
    }

    /// Maps an inline schema; `target` is a reserved id when it is a component.
    pub fn map_schema(
        &mut self,
        schema: &Schema,
        ptr: &str,
        hint: &str,
        target: Option<TypeId>,
    ) -> Result<Mapped> {
        let limit = crate::build::MAX_ITEMS;
        if self.reg.types.len() > limit {
            return Err(Error::spec(
                self.loc(ptr),
                "too-large",
                format!("more than {limit} types; the generator's limit is {limit}"),
            ));
        }
        self.check_depth(ptr)?;
        self.reg.depth += 1;
        let mapped = self.map_schema_nested(schema, ptr, hint, target);
        self.reg.depth -= 1;
        let mut mapped = mapped?;
        if let Some(raw) = schema.schema_data.extensions.get("x-rust-type") {
            let at = push_pointer(ptr, "x-rust-type");
            let rust: RustType = serde_json::from_value(raw.clone()).map_err(|e| {
                Error::spec(
                    self.loc(&at),
                    "bad-rust-type",
                    format!("`x-rust-type` must be {{path, crate, version}}: {e}"),
                )
            })?;
            rust.check()
                .map_err(|m| Error::spec(self.loc(&at), "bad-rust-type", m))?;
            let path = self.reg.use_rust_type(rust);
            match (target, &mapped.ty) {
                // A component: its own name stays, as an alias of the user's type; its rules
                // still validate requests.
                (Some(id), TypeRef::Named(n)) if *n == id => {
                    self.reg.types[id.0].kind = TypeKind::Alias(TypeRef::Rust(path));
                }
                _ => mapped.ty = TypeRef::Rust(path),
            }
        }
        Ok(mapped)
    }

    fn map_schema_nested(
        &mut self,
        schema: &Schema,
        ptr: &str,
        hint: &str,
        target: Option<TypeId>,
    ) -> Result<Mapped> {
        let data = &schema.schema_data;
        let nullable = data.nullable;
        let raw_enum: Vec<Value> = self
            .res
            .raw_enum(ptr)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut v = VSchema {
            nullable,
            ..VSchema::default()
        };
        self.rules_2020(ptr, &mut v)?;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                v.types = vec![JsonType::String];
                v.min_length = f(st.min_length);
                v.max_length = f(st.max_length);
                v.pattern = self.pattern(st.pattern.as_deref(), ptr)?;
                if let VariantOrUnknownOrEmpty::Unknown(fmt) = &st.format {
                    if !KNOWN_STRING_FORMATS.contains(&fmt.as_str()) {
                        self.warn(
                            &push_pointer(ptr, "format"),
                            "unknown-format",
                            format!("unknown string format `{fmt}`; treated as a plain string"),
                        );
                    }
                }
                if self.is_file_part(&st.format, ptr) {
                    return Ok(Mapped {
                        ty: TypeRef::Rust(FILE_PART.into()),
                        nullable,
                        v: VRef::Inline(Box::new(v)),
                    });
                }
                let values: Vec<String> = st.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    v.enumeration = raw_enum;
                    return Ok(self.string_enum(values, data, v, ptr, hint, target));
                }
                let format = format_name(&st.format);
                // 3.1's `contentEncoding: base64` (lowered to `format: byte`): bytes.
                if format == Some("byte")
                    && self.res.doc.version.starts_with("3.1")
                    && self
                        .res
                        .raw(ptr)
                        .and_then(|s| s.get("contentEncoding"))
                        .and_then(Value::as_str)
                        == Some("base64")
                {
                    v.typed_format = Some("byte".into());
                    TypeRef::Rust("crate::rt::Base64".into())
                } else {
                    match format.and_then(|f| self.reg.formats.get(f)).cloned() {
                        Some(rust) => {
                            v.typed_format = format.map(str::to_owned);
                            TypeRef::Rust(self.reg.use_rust_type(rust))
                        }
                        None => TypeRef::String,
                    }
                }
            }
            SchemaKind::Type(Type::Integer(it)) => {
                v.types = vec![JsonType::Integer];
                v.minimum = it.minimum.map(|n| n as f64);
                v.maximum = it.maximum.map(|n| n as f64);
                v.exclusive_minimum = it.exclusive_minimum;
                v.exclusive_maximum = it.exclusive_maximum;
                v.multiple_of = self.positive_multiple(it.multiple_of.map(|n| n as f64), ptr);
                v.enumeration = raw_enum;
                match &it.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                    VariantOrUnknownOrEmpty::Unknown(fmt) => {
                        self.warn(
                            &push_pointer(ptr, "format"),
                            "unknown-format",
                            format!("unknown integer format `{fmt}`; mapped to i64"),
                        );
                        TypeRef::I64
                    }
                    _ => TypeRef::I64,
                }
            }
            SchemaKind::Type(Type::Number(nt)) => {
                v.types = vec![JsonType::Number];
                v.minimum = nt.minimum;
                v.maximum = nt.maximum;
                v.exclusive_minimum = nt.exclusive_minimum;
                v.exclusive_maximum = nt.exclusive_maximum;
                v.multiple_of = self.positive_multiple(nt.multiple_of, ptr);
                v.enumeration = raw_enum;
                match &nt.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                    VariantOrUnknownOrEmpty::Unknown(fmt)
                        if !matches!(fmt.as_str(), "int32" | "int64" | "decimal") =>
                    {
                        self.warn(
                            &push_pointer(ptr, "format"),
                            "unknown-format",
                            format!("unknown number format `{fmt}`; mapped to f64"),
                        );
                        TypeRef::F64
                    }
                    _ => TypeRef::F64,
                }
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                v.types = vec![JsonType::Boolean];
                v.enumeration = raw_enum;
                TypeRef::Bool
            }
            SchemaKind::Type(Type::Array(at)) => {
                v.types = vec![JsonType::Array];
                v.min_items = f(at.min_items);
                v.max_items = f(at.max_items);
                v.unique_items = at.unique_items;
                let ty = self.array(at.items.as_ref(), &mut v, ptr, hint)?;
                let open = if v.prefix_items.is_empty() {
                    ty
                } else {
                    // A tuple's items differ in type: kept as JSON values.
                    TypeRef::Vec(Box::new(TypeRef::Any))
                };
                self.tuple(&v, ptr, hint)?.unwrap_or(open)
            }
            SchemaKind::Type(Type::Object(ot)) => {
                v.types = vec![JsonType::Object];
                v.min_properties = f(ot.min_properties);
                v.max_properties = f(ot.max_properties);
                return self.object(
                    &ot.properties,
                    &ot.required,
                    ot.additional_properties.as_ref(),
                    data,
                    v,
                    ptr,
                    hint,
                    target,
                    None,
                );
            }
            SchemaKind::OneOf { one_of } => {
                return self.union(one_of, "oneOf", data, v, ptr, hint, target)
            }
            SchemaKind::AnyOf { any_of } => {
                return self.union(any_of, "anyOf", data, v, ptr, hint, target)
            }
            SchemaKind::AllOf { all_of } => return self.all_of(all_of, data, v, ptr, hint, target),
            SchemaKind::Not { not } => {
                let inner = self.map(not, &push_pointer(ptr, "not"), &format!("{hint}Not"))?;
                v.not = Some(Box::new(inner.v));
                TypeRef::Any
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty()
                    || any.additional_properties.is_some()
                    || any.typ.as_deref() == Some("object")
                {
                    v.types = vec![JsonType::Object];
                    return self.object(
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        data,
                        v,
                        ptr,
                        hint,
                        target,
                        None,
                    );
                }
                if any.items.is_some() || any.typ.as_deref() == Some("array") {
                    v.types = vec![JsonType::Array];
                    self.array(any.items.as_ref(), &mut v, ptr, hint)?
                } else if !any.one_of.is_empty() {
                    return self.union(&any.one_of, "oneOf", data, v, ptr, hint, target);
                } else if !any.any_of.is_empty() {
                    return self.union(&any.any_of, "anyOf", data, v, ptr, hint, target);
                } else if !any.all_of.is_empty() {
                    return self.all_of(&any.all_of, data, v, ptr, hint, target);
                } else if !raw_enum.is_empty()
                    && raw_enum.iter().all(|e| e.is_string() || e.is_null())
                {
                    let values = raw_enum
                        .iter()
                        .filter_map(|e| e.as_str().map(str::to_owned))
                        .collect();
                    v.enumeration = raw_enum;
                    return Ok(self.string_enum(values, data, v, ptr, hint, target));
                } else if let Some(typed) = primitive_of(any) {
                    // `type: integer` with a keyword of another type (`maxLength`), which
                    // JSON Schema ignores on integers: the typed model could not read it.
                    let schema = Schema {
                        schema_data: data.clone(),
                        schema_kind: SchemaKind::Type(typed),
                    };
                    return self.map_schema_nested(&schema, ptr, hint, target);
                } else if any.typ.as_deref() == Some("null") {
                    // The `null` type (OpenAPI 3.1, and 3.0 documents that borrow it): only
                    // `null` is valid.
                    v.types = vec![JsonType::Null];
                    v.enumeration = raw_enum;
                    TypeRef::Any
                } else {
                    if let Some(t) = &any.typ {
                        self.warn(
                            &push_pointer(ptr, "type"),
                            "unknown-type",
                            format!("unknown type `{t}`; any JSON value is accepted"),
                        );
                    } else if let Some(fmt) = &any.format {
                        self.warn(ptr, "typeless-schema", format!("schema has `format: {fmt}` but no `type`; any JSON value is accepted"));
                    }
                    v.pattern = self.pattern(any.pattern.as_deref(), ptr)?;
                    v.enumeration = raw_enum;
                    TypeRef::Any
                }
            }
        };
        Ok(Mapped {
            ty,
            nullable,
            v: VRef::Inline(Box::new(v)),
        })
    }

    /// A `pattern` written at `ptr`, checked to be an ECMAScript regular expression as Ajv
    /// compiles it (`new RegExp(pattern, "u")`).
    fn pattern(&self, pattern: Option<&str>, ptr: &str) -> Result<Option<String>> {
        let Some(pattern) = pattern else {
            return Ok(None);
        };
        check_pattern(pattern).map_err(|e| {
            Error::spec(
                self.loc(&push_pointer(ptr, "pattern")),
                "invalid-pattern",
                e,
            )
        })?;
        Ok(Some(pattern.to_owned()))
    }

    /// Whether the raw schema at `ptr` has a JSON Schema 2020-12 keyword the validator
    /// enforces that OpenAPI 3.0 cannot say (OpenAPI 3.1 documents keep them in the raw value).
    fn has_rules_2020(&self, ptr: &str) -> bool {
        self.res.doc.has_keywords_2020(ptr)
    }

    /// Sets on `v` the rules of the 2020-12 keywords of the raw schema at `ptr`.
    fn rules_2020(&mut self, ptr: &str, v: &mut VSchema) -> Result<()> {
        if !self.has_rules_2020(ptr) {
            return Ok(());
        }
        let Some(raw) = self.res.raw(ptr).and_then(Value::as_object) else {
            return Ok(());
        };
        let at = |key: &str| push_pointer(ptr, key);
        if let Some(Value::Array(list)) = raw.get("prefixItems") {
            for i in 0..list.len() {
                let p = push_pointer(&at("prefixItems"), &i.to_string());
                v.prefix_items.push(self.rules_at(&p)?);
            }
        }
        for (key, slot) in [
            ("contains", &mut v.contains),
            ("propertyNames", &mut v.property_names),
            ("if", &mut v.if_schema),
            ("then", &mut v.then_schema),
            ("else", &mut v.else_schema),
        ] {
            if raw.get(key).is_some_and(Value::is_object) {
                *slot = Some(Box::new(self.rules_at(&at(key))?));
            }
        }
        v.min_contains = raw.get("minContains").and_then(Value::as_u64);
        v.max_contains = raw.get("maxContains").and_then(Value::as_u64);
        if let Some(Value::Object(patterns)) = raw.get("patternProperties") {
            let base = at("patternProperties");
            for pattern in patterns.keys() {
                let p = push_pointer(&base, pattern);
                check_pattern(pattern)
                    .map_err(|e| Error::spec(self.loc(&p), "invalid-pattern", e))?;
                let rules = self.rules_at(&p)?;
                v.pattern_properties.push((pattern.clone(), rules));
            }
        }
        if let Some(Value::Object(deps)) = raw.get("dependentRequired") {
            v.dependent_required = deps
                .iter()
                .map(|(name, needs)| {
                    let needs = needs.as_array().map(Vec::as_slice).unwrap_or_default();
                    let needs = needs.iter().filter_map(Value::as_str).map(str::to_owned);
                    (name.clone(), needs.collect())
                })
                .collect();
        }
        // `additionalProperties: true` evaluates every member (Ajv), which leaves nothing.
        v.unevaluated_forbidden = raw.get("unevaluatedProperties") == Some(&Value::Bool(false))
            && raw.get("additionalProperties") != Some(&Value::Bool(true));
        Ok(())
    }

    /// An error once schemas nest deeper than [`MAX_SCHEMA_DEPTH`].
    fn check_depth(&self, ptr: &str) -> Result<()> {
        if self.reg.depth >= MAX_SCHEMA_DEPTH {
            return Err(Error::spec(
                self.loc(ptr),
                "too-deep",
                format!("schemas nest more than {MAX_SCHEMA_DEPTH} levels deep (through properties, items and `$ref`s)"),
            ));
        }
        Ok(())
    }

    /// The validation rules of the raw schema at `ptr` (a subschema of a 2020-12 keyword),
    /// without a Rust type: the keywords the validator knows, read from the raw value; a `$ref`
    /// is the referenced type's rules.
    fn rules_at(&mut self, ptr: &str) -> Result<VRef> {
        self.check_depth(ptr)?;
        self.reg.depth += 1;
        let rules = self.rules_at_nested(ptr);
        self.reg.depth -= 1;
        rules
    }

    fn rules_at_nested(&mut self, ptr: &str) -> Result<VRef> {
        let Some(raw) = self.res.raw(ptr).and_then(Value::as_object) else {
            return Ok(VRef::any());
        };
        if let Some(reference) = raw.get("$ref").and_then(Value::as_str) {
            return Ok(self.map_ref(reference, ptr)?.v);
        }
        let at = |key: &str| push_pointer(ptr, key);
        let u = |key: &str| raw.get(key).and_then(Value::as_u64);
        let n = |key: &str| raw.get(key).and_then(Value::as_f64);
        let flag = |key: &str| raw.get(key) == Some(&Value::Bool(true));
        let mut v = VSchema {
            types: match raw.get("type").and_then(Value::as_str) {
                Some("null") => vec![JsonType::Null],
                Some("boolean") => vec![JsonType::Boolean],
                Some("integer") => vec![JsonType::Integer],
                Some("number") => vec![JsonType::Number],
                Some("string") => vec![JsonType::String],
                Some("array") => vec![JsonType::Array],
                Some("object") => vec![JsonType::Object],
                _ => vec![],
            },
            nullable: flag("nullable"),
            enumeration: raw
                .get("enum")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            minimum: n("minimum"),
            maximum: n("maximum"),
            exclusive_minimum: flag("exclusiveMinimum"),
            exclusive_maximum: flag("exclusiveMaximum"),
            min_length: u("minLength"),
            max_length: u("maxLength"),
            min_items: u("minItems"),
            max_items: u("maxItems"),
            unique_items: flag("uniqueItems"),
            min_properties: u("minProperties"),
            max_properties: u("maxProperties"),
            required: raw
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            ..VSchema::default()
        };
        v.multiple_of = self.positive_multiple(n("multipleOf"), ptr);
        v.pattern = self.pattern(raw.get("pattern").and_then(Value::as_str), ptr)?;
        if raw.get("items").is_some_and(Value::is_object) {
            v.items = Some(Box::new(self.rules_at(&at("items"))?));
        }
        if let Some(Value::Object(properties)) = raw.get("properties") {
            for name in properties.keys() {
                let rules = self.rules_at(&push_pointer(&at("properties"), name))?;
                v.properties.push((name.clone(), rules));
            }
        }
        v.additional = match raw.get("additionalProperties") {
            Some(Value::Bool(false)) => VAdditional::Forbidden,
            Some(Value::Object(_)) => {
                VAdditional::Schema(Box::new(self.rules_at(&at("additionalProperties"))?))
            }
            _ => VAdditional::Allowed,
        };
        for (key, list) in [
            ("allOf", &mut v.all_of),
            ("anyOf", &mut v.any_of),
            ("oneOf", &mut v.one_of),
        ] {
            if let Some(Value::Array(parts)) = raw.get(key) {
                for i in 0..parts.len() {
                    list.push(self.rules_at(&push_pointer(&at(key), &i.to_string()))?);
                }
            }
        }
        if raw.get("not").is_some_and(Value::is_object) {
            v.not = Some(Box::new(self.rules_at(&at("not"))?));
        }
        self.rules_2020(ptr, &mut v)?;
        Ok(VRef::Inline(Box::new(v)))
    }

    /// A 3.1 array of exactly its `prefixItems` (`items: false`, lowered to the false schema,
    /// or `maxItems` as many, and `minItems` as many) as a tuple of their types.
    fn tuple(&mut self, v: &VSchema, ptr: &str, hint: &str) -> Result<Option<TypeRef>> {
        if !self.res.doc.version.starts_with("3.1") {
            return Ok(None);
        }
        let Some(Value::Array(prefix)) = self.res.raw(ptr).and_then(|s| s.get("prefixItems"))
        else {
            return Ok(None);
        };
        let n = prefix.len() as u64;
        let closed = v.max_items == Some(n) || v.items.as_deref().is_some_and(is_false_rules);
        if n == 0 || n > 12 || !closed || v.min_items.unwrap_or(0) < n {
            return Ok(None);
        }
        let mut items = Vec::with_capacity(prefix.len());
        for (i, raw) in prefix.iter().enumerate() {
            let at = push_pointer(&push_pointer(ptr, "prefixItems"), &i.to_string());
            let schema: ReferenceOr<Schema> = serde_json::from_value(raw.clone())
                .map_err(|e| Error::spec(self.loc(&at), "invalid-document", e.to_string()))?;
            let m = self.map(&schema, &at, &format!("{hint}{}", i + 1))?;
            items.push(if m.nullable {
                TypeRef::Nullable(Box::new(m.ty))
            } else {
                m.ty
            });
        }
        Ok(Some(TypeRef::Tuple(items)))
    }

    fn array(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        v: &mut VSchema,
        ptr: &str,
        hint: &str,
    ) -> Result<TypeRef> {
        Ok(match items {
            Some(items) => {
                let m =
                    self.map_boxed(items, &push_pointer(ptr, "items"), &format!("{hint}Item"))?;
                v.items = Some(Box::new(m.v));
                TypeRef::Vec(Box::new(if m.nullable {
                    TypeRef::Nullable(Box::new(m.ty))
                } else {
                    m.ty
                }))
            }
            None => TypeRef::Vec(Box::new(TypeRef::Any)),
        })
    }

    fn string_enum(
        &mut self,
        values: Vec<String>,
        data: &openapiv3::SchemaData,
        v: VSchema,
        ptr: &str,
        hint: &str,
        target: Option<TypeId>,
    ) -> Mapped {
        let mut ns = Namespace::with_reserved(["Unknown"]);
        let mut seen = std::collections::HashSet::new();
        let variants = values
            .into_iter()
            .filter(|w| seen.insert(w.clone()))
            .map(|wire| EnumVariant {
                rust: ns.claim(&crate::names::variant_ident(&wire, "Empty")),
                wire,
            })
            .collect();
        let def = TypeDef {
            name: String::new(),
            docs: docs_of(data),
            kind: TypeKind::Enum(variants),
            deprecated: data.deprecated,
            schema: v,
            origin: self.loc(ptr),
            examples: vec![],
        };
        let id = self.reg.register(target, hint, def);
        Mapped {
            ty: TypeRef::Named(id),
            nullable: data.nullable,
            v: VRef::Named(id),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        data: &openapiv3::SchemaData,
        mut v: VSchema,
        ptr: &str,
        hint: &str,
        target: Option<TypeId>,
        prop_ptrs: Option<&HashMap<String, String>>,
    ) -> Result<Mapped> {
        v.required = required.to_vec();
        let mut forbidden = false;
        let additional_ty = match additional {
            None | Some(AdditionalProperties::Any(true)) => None,
            Some(AdditionalProperties::Any(false)) => {
                v.additional = VAdditional::Forbidden;
                forbidden = true;
                None
            }
            Some(AdditionalProperties::Schema(s)) => {
                let m = self.map(
                    s,
                    &push_pointer(ptr, "additionalProperties"),
                    &format!("{hint}Value"),
                )?;
                v.additional = VAdditional::Schema(Box::new(m.v));
                Some(if m.nullable {
                    TypeRef::Nullable(Box::new(m.ty))
                } else {
                    m.ty
                })
            }
        };
        if properties.is_empty() && target.is_none() {
            let ty = match additional_ty {
                Some(t) => TypeRef::Map(Box::new(t)),
                None => TypeRef::Object,
            };
            return Ok(Mapped {
                ty,
                nullable: data.nullable,
                v: VRef::Inline(Box::new(v)),
            });
        }
        // The members a struct does not list: typed by `additionalProperties: {schema}`, any
        // JSON value where they are allowed (3.0's default), none where they are forbidden.
        let kept = match (&additional_ty, forbidden) {
            (Some(t), _) => Some(t.clone()),
            (None, false) => Some(TypeRef::Any),
            (None, true) => None,
        };
        let mut ns = Namespace::with_reserved(if kept.is_some() {
            vec!["additional_properties"]
        } else {
            vec![]
        });
        let mut fields = Vec::with_capacity(properties.len());
        let props_ptr = push_pointer(ptr, "properties");
        let required_set: std::collections::HashSet<&str> =
            required.iter().map(String::as_str).collect();
        for (wire, prop) in properties {
            // Properties merged from an `allOf` member are mapped where they are written, so
            // a component's inline schemas are shared (and recursion through them ends).
            let prop_ptr = prop_ptrs
                .and_then(|m| m.get(wire))
                .cloned()
                .unwrap_or_else(|| push_pointer(&props_ptr, wire));
            let m = self.map_boxed(
                prop,
                &prop_ptr,
                &format!("{hint}{}", pascal_ident(wire, "Field")),
            )?;
            let (pdata, pdocs) = match prop {
                ReferenceOr::Item(s) => (Some(&s.schema_data), docs_of(&s.schema_data)),
                ReferenceOr::Reference { .. } => (None, Docs::default()),
            };
            let read_only = pdata.is_some_and(|d| d.read_only);
            let write_only = pdata.is_some_and(|d| d.write_only);
            v.properties.push((wire.clone(), m.v));
            fields.push(Field {
                rust: ns.claim(&snake_ident(wire, "field")),
                wire: wire.clone(),
                ty: m.ty,
                required: required_set.contains(wire.as_str()) && !read_only && !write_only,
                nullable: m.nullable,
                docs: pdocs,
                deprecated: pdata.is_some_and(|d| d.deprecated),
                access: if read_only {
                    Some("read-only")
                } else if write_only {
                    Some("write-only")
                } else {
                    None
                },
                default: pdata.and_then(|d| d.default.clone()),
            });
        }
        for r in required {
            if !properties.contains_key(r) && additional_ty.is_none() {
                self.warn(
                    &push_pointer(ptr, "required"),
                    "required-not-declared",
                    format!("`{r}` is required but not among the properties"),
                );
            }
        }
        let def = TypeDef {
            name: String::new(),
            docs: docs_of(data),
            kind: TypeKind::Struct(StructDef {
                fields,
                additional: kept,
            }),
            deprecated: data.deprecated,
            schema: v,
            origin: self.loc(ptr),
            examples: vec![],
        };
        let id = self.reg.register(target, hint, def);
        Ok(Mapped {
            ty: TypeRef::Named(id),
            nullable: data.nullable,
            v: VRef::Named(id),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn union(
        &mut self,
        list: &[ReferenceOr<Schema>],
        keyword: &str,
        data: &openapiv3::SchemaData,
        mut v: VSchema,
        ptr: &str,
        hint: &str,
        target: Option<TypeId>,
    ) -> Result<Mapped> {
        let list_ptr = push_pointer(ptr, keyword);
        let mut nullable = data.nullable;
        let mut mapped = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let item_ptr = push_pointer(&list_ptr, &i.to_string());
            if is_null_schema(&self.res, s, &item_ptr) {
                nullable = true;
                continue;
            }
            let label = self.variant_label(s, &item_ptr, i);
            let m = self.map(s, &item_ptr, &format!("{hint}{label}"))?;
            let reference = match s {
                ReferenceOr::Reference { reference } => Some(reference.clone()),
                _ => None,
            };
            mapped.push((label, m, reference));
        }
        let vrefs: Vec<VRef> = mapped.iter().map(|(_, m, _)| m.v.clone()).collect();
        if keyword == "oneOf" {
            v.one_of = vrefs;
        } else {
            v.any_of = vrefs;
        }
        v.nullable = nullable;
        if mapped.len() == 1 {
            // One alternative besides `null`: that type, nullable.
            let (_, m, _) = mapped.remove(0);
            return Ok(Mapped {
                ty: m.ty,
                nullable: nullable || m.nullable,
                v: VRef::Inline(Box::new(v)),
            });
        }
        if mapped.is_empty() {
            return Ok(Mapped {
                ty: TypeRef::Any,
                nullable,
                v: VRef::Inline(Box::new(v)),
            });
        }
        let discriminator = data.discriminator.as_ref();
        // Discriminator values by target, so thousands of variants stay linear.
        let mut tags_of: HashMap<&str, Vec<String>> = HashMap::new();
        for (tag, target) in discriminator.iter().flat_map(|d| &d.mapping) {
            tags_of.entry(target).or_default().push(tag.clone());
        }
        let mut ns = Namespace::new();
        let mut variants: Vec<UnionVariant> = mapped
            .into_iter()
            .map(|(label, m, reference)| {
                let mut tags = vec![];
                if let (Some(_), Some(r)) = (discriminator, &reference) {
                    tags = tags_of.get(r.as_str()).cloned().unwrap_or_default();
                    if tags.is_empty() {
                        tags.push(last_token(r.trim_start_matches('#')));
                    }
                }
                let ty = if m.nullable {
                    TypeRef::Nullable(Box::new(m.ty))
                } else {
                    m.ty
                };
                UnionVariant {
                    rust: ns.claim(&label),
                    ty,
                    tags,
                }
            })
            .collect();
        // Untagged enums try variants in order: the catch-alls go last.
        variants.sort_by_key(|u| matches!(u.ty, TypeRef::Any | TypeRef::Object) as u8);
        let discriminator = discriminator.map(|d| d.property_name.clone());
        if discriminator.is_some() && variants.iter().any(|u| u.tags.is_empty()) {
            self.warn(ptr, "discriminator-inline", "a discriminator needs every alternative to be a `$ref`; the enum is untagged instead");
        }
        let discriminator = discriminator.filter(|_| variants.iter().all(|u| !u.tags.is_empty()));
        let def = TypeDef {
            name: String::new(),
            docs: docs_of(data),
            kind: TypeKind::Union(UnionDef {
                variants,
                discriminator,
            }),
            deprecated: data.deprecated,
            schema: v,
            origin: self.loc(ptr),
            examples: vec![],
        };
        let id = self.reg.register(target, hint, def);
        Ok(Mapped {
            ty: TypeRef::Named(id),
            nullable,
            v: VRef::Named(id),
        })
    }

    fn variant_label(&mut self, s: &ReferenceOr<Schema>, ptr: &str, i: usize) -> String {
        match s {
            ReferenceOr::Reference { reference } => crate::names::variant_ident(
                &last_token(reference.trim_start_matches('#')),
                "Variant",
            ),
            ReferenceOr::Item(schema) => {
                if let Some(t) = &schema.schema_data.title {
                    return crate::names::variant_ident(t, "Variant");
                }
                let _ = ptr;
                match &schema.schema_kind {
                    SchemaKind::Type(Type::String(_)) => "String".into(),
                    SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
                    SchemaKind::Type(Type::Number(_)) => "Number".into(),
                    SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
                    SchemaKind::Type(Type::Array(_)) => "Array".into(),
                    SchemaKind::Type(Type::Object(_)) => "Object".into(),
                    _ => format!("Variant{}", i + 1),
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn all_of(
        &mut self,
        list: &[ReferenceOr<Schema>],
        data: &openapiv3::SchemaData,
        mut v: VSchema,
        ptr: &str,
        hint: &str,
        target: Option<TypeId>,
    ) -> Result<Mapped> {
        let list_ptr = push_pointer(ptr, "allOf");
        // Collect the members, flattening nested allOfs, as (schema, pointer).
        let mut members: Vec<(Schema, String, Option<String>)> = Vec::new();
        let mut stack: Vec<(ReferenceOr<Schema>, String)> = list
            .iter()
            .enumerate()
            .rev()
            .map(|(i, s)| (s.clone(), push_pointer(&list_ptr, &i.to_string())))
            .collect();
        let mut guard = 0;
        while let Some((s, p)) = stack.pop() {
            guard += 1;
            if guard > 256 {
                break;
            }
            let (schema, sp, reference) = match s {
                ReferenceOr::Reference { reference } => {
                    let (schema, sp) = self.res.schema_target(&reference, &p)?;
                    (schema, sp, Some(reference))
                }
                ReferenceOr::Item(schema) => (schema, p, None),
            };
            match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => {
                    let lp = push_pointer(&sp, "allOf");
                    for (i, s) in all_of.iter().enumerate().rev() {
                        stack.push((s.clone(), push_pointer(&lp, &i.to_string())));
                    }
                }
                // A member that only annotates (`{description: ...}`, `{nullable: true}`) adds
                // no constraint to merge.
                SchemaKind::Any(a)
                    if is_empty_any(a)
                        && self.res.raw_enum(&sp).is_none()
                        && !self.has_rules_2020(&sp) => {}
                _ => members.push((schema, sp, reference)),
            }
        }
        let object_like = |s: &Schema| match &s.schema_kind {
            SchemaKind::Type(Type::Object(_)) => true,
            SchemaKind::Any(a) => a.typ.is_none() || a.typ.as_deref() == Some("object"),
            _ => false,
        };
        if members.len() == 1 {
            let (schema, sp, reference) = members.remove(0);
            // One `$ref` with annotations: that component's type itself (which also ends
            // recursion through it).
            let mut m = match (reference, target) {
                (Some(reference), None) => self.map_ref(&reference, &list_ptr)?,
                _ => self.map_schema(&schema, &sp, hint, target)?,
            };
            m.nullable |= data.nullable;
            if self.has_rules_2020(ptr) {
                // This schema's own 2020-12 rules beside the one part.
                v.all_of = vec![m.v];
                m.v = VRef::Inline(Box::new(v));
            }
            return Ok(m);
        }
        if !members.is_empty() && members.iter().all(|(s, _, _)| object_like(s)) {
            let mut properties: IndexMap<String, ReferenceOr<Box<Schema>>> = IndexMap::new();
            let mut required: Vec<String> = Vec::new();
            let mut required_seen = std::collections::HashSet::new();
            let mut additional = None;
            // Properties keep the pointer of the member that defines them via a re-based map.
            let mut prop_ptrs: HashMap<String, String> = HashMap::new();
            for (s, sp, _) in &members {
                let (props, req, add) = match &s.schema_kind {
                    SchemaKind::Type(Type::Object(o)) => {
                        (&o.properties, &o.required, o.additional_properties.as_ref())
                    }
                    SchemaKind::Any(a) => {
                        (&a.properties, &a.required, a.additional_properties.as_ref())
                    }
                    _ => continue,
                };
                for (k, p) in props {
                    if properties.contains_key(k) {
                        continue;
                    }
                    prop_ptrs.insert(k.clone(), push_pointer(&push_pointer(sp, "properties"), k));
                    properties.insert(k.clone(), p.clone());
                }
                for r in req {
                    if required_seen.insert(r.as_str()) {
                        required.push(r.clone());
                    }
                }
                if self.has_rules_2020(sp) {
                    // The part's 2020-12 rules stay a part (its properties named, for what
                    // its `unevaluatedProperties` sees).
                    let mut part = VSchema::default();
                    self.rules_2020(sp, &mut part)?;
                    if part.unevaluated_forbidden {
                        part.properties = props.keys().map(|k| (k.clone(), VRef::any())).collect();
                    }
                    v.all_of.push(VRef::Inline(Box::new(part)));
                }
                if additional.is_none() {
                    additional = add.cloned();
                }
            }
            v.types = vec![JsonType::Object];
            return self.object(
                &properties,
                &required,
                additional.as_ref(),
                data,
                v,
                ptr,
                hint,
                target,
                Some(&prop_ptrs),
            );
        }
        self.warn(ptr, "allof-mixed", "allOf mixes non-object schemas; any JSON value is accepted and the parts are validated");
        for (i, (schema, sp, reference)) in members.iter().enumerate() {
            let m = match reference {
                Some(reference) => self.map_ref(reference, &list_ptr)?,
                None => self.map_schema(schema, sp, &format!("{hint}Part{}", i + 1), None)?,
            };
            v.all_of.push(m.v);
        }
        Ok(Mapped {
            ty: TypeRef::Any,
            nullable: data.nullable,
            v: VRef::Inline(Box::new(v)),
        })
    }
}

/// Says in words where a schema sits in a document, for the doc comment of a type the spec
/// leaves undocumented: "Item of `customFields` in the request body of `POST /a/b`."
pub fn describe_pointer(pointer: &str) -> String {
    let tokens = crate::diagnostics::pointer_tokens(pointer);
    let mut parts: Vec<String> = Vec::new();
    let mut i = tokens.len();
    // Walk schema keywords from the end, back to the owning object.
    while i >= 2 {
        match tokens[i - 2].as_str() {
            "properties" => parts.push(format!("`{}`", tokens[i - 1].replace('`', "'"))),
            kind @ ("oneOf" | "anyOf" | "allOf") => parts.push(format!(
                "{} {} of",
                if kind == "allOf" {
                    "part"
                } else {
                    "alternative"
                },
                tokens[i - 1].parse::<usize>().map(|n| n + 1).unwrap_or(0)
            )),
            _ => match tokens[i - 1].as_str() {
                "items" => {
                    parts.push("Item of".into());
                    i -= 1;
                    continue;
                }
                "additionalProperties" => {
                    parts.push("Value of".into());
                    i -= 1;
                    continue;
                }
                "not" => {
                    parts.push("Negation of".into());
                    i -= 1;
                    continue;
                }
                _ => break,
            },
        }
        i -= 2;
    }
    let owner = &tokens[..i];
    let place = match owner {
        [c, kind, name, ..] if c == "components" => format!(
            "the `{}` {}",
            name.replace('`', "'"),
            kind.trim_end_matches('s')
        ),
        [p, path, method, rest @ ..] if p == "paths" => {
            let op = format!(
                "`{} {}`",
                method.to_ascii_uppercase(),
                path.replace('`', "'")
            );
            match rest {
                [r, ..] if r == "requestBody" => format!("the request body of {op}"),
                [r, status, ..] if r == "responses" => format!("the {status} response of {op}"),
                [r, ..] if r == "parameters" => format!("a parameter of {op}"),
                _ => op,
            }
        }
        _ => format!("`#{pointer}`"),
    };
    // parts are innermost first: "Item of", "`customFields`" → "Item of `customFields` in …".
    let mut text = String::new();
    for part in &parts {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(part);
        if part.starts_with('`') {
            text.push_str(" in");
        }
    }
    if text.is_empty() {
        capitalize(&format!("{place}."))
    } else {
        capitalize(&format!("{text} {place}."))
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Whether `v` is the rules of the `false` schema (`not: {}`, as 3.1's `false` is lowered).
fn is_false_rules(v: &VRef) -> bool {
    match v {
        VRef::Inline(s) => {
            **s == VSchema {
                not: Some(Box::new(VRef::any())),
                ..VSchema::default()
            }
        }
        VRef::Named(_) => false,
    }
}

/// Checks that `pattern` compiles as Ajv compiles it (`new RegExp(pattern, "u")`), with the
/// engine the router uses; the error says why not.
pub(crate) fn check_pattern(pattern: &str) -> std::result::Result<(), String> {
    regress::Regex::with_flags(pattern, "u").map(|_| ()).map_err(|e| {
        format!("`{pattern}` is not an ECMAScript regular expression (with the `u` flag, as Ajv compiles it): {e}")
    })
}

/// True when a type-less schema carries no constraint at all (only annotations).
fn is_empty_any(a: &openapiv3::AnySchema) -> bool {
    a.typ.is_none()
        && a.pattern.is_none()
        && a.multiple_of.is_none()
        && a.exclusive_minimum.is_none()
        && a.exclusive_maximum.is_none()
        && a.minimum.is_none()
        && a.maximum.is_none()
        && a.properties.is_empty()
        && a.required.is_empty()
        && a.additional_properties.is_none()
        && a.min_properties.is_none()
        && a.max_properties.is_none()
        && a.items.is_none()
        && a.min_items.is_none()
        && a.max_items.is_none()
        && a.unique_items.is_none()
        && a.format.is_none()
        && a.min_length.is_none()
        && a.max_length.is_none()
        && a.one_of.is_empty()
        && a.all_of.is_empty()
        && a.any_of.is_empty()
        && a.not.is_none()
}

/// String formats this generator knows (all map to `String`).
const KNOWN_STRING_FORMATS: &[&str] = &[
    "uri-template",
    "iri-reference",
    "relative-json-pointer",
    "int32",
    "int64",
    "decimal",
    "date",
    "date-time",
    "password",
    "byte",
    "binary",
    "email",
    "uuid",
    "uri",
    "url",
    "hostname",
    "ipv4",
    "ipv6",
    "time",
    "duration",
    "uri-reference",
    "regex",
    "json-pointer",
    "idn-email",
    "idn-hostname",
    "iri",
    "objectId",
];

fn is_null_schema(res: &Resolver<'_>, s: &ReferenceOr<Schema>, ptr: &str) -> bool {
    match s {
        ReferenceOr::Item(schema) => {
            matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("null"))
                || res
                    .raw(ptr)
                    .and_then(|v| v.get("type"))
                    .and_then(Value::as_str)
                    == Some("null")
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// Wraps directly recursive fields in `Box` so every type has a finite size.
pub fn box_recursive_fields(types: &mut [TypeDef]) {
    fn direct(ty: &TypeRef, out: &mut Vec<TypeId>) {
        match ty {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Nullable(inner) => direct(inner, out),
            TypeRef::Tuple(items) => items.iter().for_each(|t| direct(t, out)),
            _ => {}
        }
    }
    let edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|t| {
            let mut out = vec![];
            match &t.kind {
                TypeKind::Struct(s) => s.fields.iter().for_each(|f| direct(&f.ty, &mut out)),
                TypeKind::Union(u) => u.variants.iter().for_each(|v| direct(&v.ty, &mut out)),
                TypeKind::Alias(ty) => direct(ty, &mut out),
                TypeKind::Enum(_) => {}
            }
            out
        })
        .collect();
    // A field's target reaches its own type exactly when both are in one strongly connected
    // component (linear time, so thousands of types stay fast).
    let component = strongly_connected(&edges);
    let reaches = |from: TypeId, to: TypeId| -> bool { component[from.0] == component[to.0] };
    let mut to_box: Vec<(usize, usize)> = vec![];
    for (i, t) in types.iter().enumerate() {
        let fields: Vec<&TypeRef> = match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            _ => vec![],
        };
        for (j, ty) in fields.into_iter().enumerate() {
            let mut d = vec![];
            direct(ty, &mut d);
            if d.iter().any(|&target| reaches(target, TypeId(i))) {
                to_box.push((i, j));
            }
        }
    }
    for (i, j) in to_box {
        match &mut types[i].kind {
            TypeKind::Struct(s) => {
                let f = &mut s.fields[j];
                f.ty = TypeRef::Boxed(Box::new(std::mem::replace(&mut f.ty, TypeRef::Any)));
            }
            TypeKind::Union(u) => {
                let v = &mut u.variants[j];
                v.ty = TypeRef::Boxed(Box::new(std::mem::replace(&mut v.ty, TypeRef::Any)));
            }
            _ => {}
        }
    }
}

/// The strongly connected component of every node (Tarjan's algorithm, without recursion).
fn strongly_connected(edges: &[Vec<TypeId>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    let mut components = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if let Some(&TypeId(w)) = edges[v].get(*edge) {
                *edge += 1;
                if w >= n {
                    continue;
                }
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::describe_pointer;

    #[test]
    fn pointers_in_words() {
        assert_eq!(
            describe_pointer("/paths/~1a~1b/post/requestBody/content/application~1json/schema/properties/customFields/items"),
            "Item of `customFields` in the request body of `POST /a/b`."
        );
        assert_eq!(
            describe_pointer("/paths/~1a/get/responses/200/content/application~1json/schema"),
            "The 200 response of `GET /a`."
        );
        assert_eq!(
            describe_pointer("/components/schemas/Pet/properties/owner"),
            "`owner` in the `Pet` schema."
        );
    }
}
