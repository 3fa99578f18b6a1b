//! Resolution of local `$ref`s inside one document, with cycle and dangling-reference errors.

use std::any::Any;
use std::borrow::Cow;
use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::{push_pointer, Error, Location, Result};
use crate::load::Document;

/// The longest chain of references followed before giving up (a chain this long is a cycle
/// or an abuse).
const MAX_REF_HOPS: usize = 64;

/// Looks up `$ref` targets in one document.
pub struct Resolver<'a> {
    /// The document.
    pub doc: &'a Document,
    schema_cache: HashMap<String, Schema>,
}

impl<'a> Resolver<'a> {
    /// A resolver for `doc`.
    pub fn new(doc: &'a Document) -> Self {
        Resolver {
            doc,
            schema_cache: HashMap::new(),
        }
    }

    /// A location in this document.
    pub fn loc(&self, pointer: &str) -> Location {
        Location::new(&self.doc.file, pointer)
    }

    /// The raw JSON at `pointer`, if any.
    pub fn raw(&self, pointer: &str) -> Option<&'a Value> {
        self.doc.value.pointer(pointer)
    }

    /// The raw `enum` member of the object at `pointer`, if it has one.
    pub fn raw_enum(&self, pointer: &str) -> Option<&'a Value> {
        self.doc.raw_enum(pointer)
    }

    /// Turns a `$ref` string into a JSON pointer into this document.
    pub fn ref_pointer(&self, reference: &str, at: &str) -> Result<String> {
        match reference.strip_prefix('#') {
            Some(p) if p.is_empty() || p.starts_with('/') => Ok(percent_decode(p)),
            _ => Err(Error::spec(
                self.loc(at),
                "external-ref",
                format!("`$ref: {reference}` points outside this document; only local references (`#/...`) are supported"),
            )),
        }
    }

    /// Follows a `$ref` chain from `reference` (written at `at`) to the first target that is
    /// not itself a reference, and reads it with `last`; `hit` may answer earlier for a target
    /// (a cached or already typed definition). Dangling references, cycles and overlong chains
    /// are errors; `what` names what the chain should reach.
    fn follow<R>(
        &self,
        reference: &str,
        at: &str,
        what: &str,
        mut hit: impl FnMut(&str) -> Option<R>,
        last: impl FnOnce(&'a Value, &str) -> Result<R>,
    ) -> Result<R> {
        let mut reference = reference.to_owned();
        let mut pointer = at.to_owned();
        let mut seen: Vec<String> = vec![];
        for _ in 0..MAX_REF_HOPS {
            let target = self.ref_pointer(&reference, &pointer)?;
            if seen.contains(&target) {
                return Err(Error::spec(
                    self.loc(at),
                    "ref-cycle",
                    format!("`$ref` chain loops back to #{target} without reaching {what}"),
                ));
            }
            seen.push(target.clone());
            if let Some(found) = hit(&target) {
                return Ok(found);
            }
            let raw = self.raw(&target).ok_or_else(|| {
                Error::spec(
                    self.loc(&push_pointer(&pointer, "$ref")),
                    "unknown-ref",
                    format!("`$ref: {reference}` points to nothing"),
                )
            })?;
            if let Some(next) = raw.get("$ref").and_then(Value::as_str) {
                pointer = target;
                reference = next.to_owned();
                continue;
            }
            return last(raw, &target);
        }
        Err(Error::spec(
            self.loc(at),
            "ref-cycle",
            "`$ref` chain is too long (a cycle?)",
        ))
    }

    /// Follows a chain of references to an item of type `T`, returning it with the pointer
    /// where it was found. `at` is the pointer of the `ReferenceOr`.
    pub fn item<T: DeserializeOwned + Clone + 'static>(
        &self,
        r: &'a ReferenceOr<T>,
        at: &str,
    ) -> Result<(Cow<'a, T>, String)> {
        let reference = match r {
            ReferenceOr::Item(t) => return Ok((Cow::Borrowed(t), at.to_owned())),
            ReferenceOr::Reference { reference } => reference,
        };
        self.follow(
            reference,
            at,
            "a definition",
            |target| {
                self.component::<T>(target)
                    .map(|item| (Cow::Borrowed(item), target.to_owned()))
            },
            |raw, target| {
                let item: T = serde_path_to_error::deserialize(raw).map_err(|e| {
                    Error::spec(self.loc(target), "invalid-document", e.inner().to_string())
                })?;
                Ok((Cow::Owned(item), target.to_owned()))
            },
        )
    }

    /// The schema a reference points to (following alias chains), with its pointer.
    pub fn schema_target(&mut self, reference: &str, at: &str) -> Result<(Schema, String)> {
        let (schema, target, fresh) = self.follow(
            reference,
            at,
            "a schema",
            |target| {
                self.schema_cache
                    .get(target)
                    .or_else(|| self.component::<Schema>(target))
                    .map(|s| (s.clone(), target.to_owned(), false))
            },
            |raw, target| {
                let schema: Schema = serde_path_to_error::deserialize(raw).map_err(|e| {
                    let mut p = target.to_owned();
                    for seg in e.path().iter() {
                        if let serde_path_to_error::Segment::Map { key } = seg {
                            p = push_pointer(&p, key);
                        }
                    }
                    Error::spec(self.loc(&p), "invalid-schema", e.inner().to_string())
                })?;
                Ok((schema, target.to_owned(), true))
            },
        )?;
        if fresh {
            self.schema_cache.insert(target.clone(), schema.clone());
        }
        Ok((schema, target))
    }

    /// The definition at `target` when it is a component (`/components/<kind>/<name>`)
    /// defined inline: taken from the typed document, which was deserialized from the same
    /// JSON, instead of deserializing that JSON again on every reference (most of `build`'s
    /// time on large documents). `None` (the slow path) for anything else.
    fn component<T: 'static>(&self, target: &str) -> Option<&'a T> {
        let components = self.doc.openapi.components.as_ref()?;
        let (kind, name) = target.strip_prefix("/components/")?.split_once('/')?;
        if name.contains('/') {
            return None;
        }
        let map: &dyn Any = match kind {
            "schemas" => &components.schemas,
            "responses" => &components.responses,
            "parameters" => &components.parameters,
            "examples" => &components.examples,
            "requestBodies" => &components.request_bodies,
            "headers" => &components.headers,
            _ => return None,
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        match map
            .downcast_ref::<IndexMap<String, ReferenceOr<T>>>()?
            .get(&name)?
        {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        }
    }
}

/// The last reference token of a pointer (the component name for `#/components/schemas/X`).
pub fn last_token(pointer: &str) -> String {
    match pointer.rsplit_once('/') {
        Some((_, last)) => crate::diagnostics::unescape_token(last),
        None => String::new(),
    }
}

/// Decodes `%XX` escapes in a URI fragment.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}
