//! Checking and typing a document on two threads. The `paths` map, most of a document, is cut
//! into two halves by position: one thread checks and types `components`, the rest of the
//! document and the first half, the other the second half; the typed halves are joined in
//! order. Any problem at all makes [`check_and_type`] give up, and the caller runs the serial
//! path, which reports it exactly as it always has: this is only ever a faster way to the same
//! success.

use std::collections::HashSet;
use std::ops::Range;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, PathItem, Paths, ReferenceOr};
use serde::de::value::MapDeserializer;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::diagnostics::push_pointer;

/// Fewer path items than this are checked and typed on one thread (a thread costs more).
const MIN_PATHS: usize = 16;

/// The typed document and the pointers of every object with an `enum` member, when the
/// schema checks pass and the document types without a repair; `None` otherwise, and for
/// documents too small to share out.
pub(super) fn check_and_type(file: &str, doc: &Value) -> Option<(OpenAPI, HashSet<String>)> {
    let root = doc.as_object()?;
    let items = root.get("paths")?.as_object()?;
    let count = items.len();
    if count < MIN_PATHS {
        return None;
    }
    let half = count / 2;
    // Each thread types only what it has checked (the checks keep typing linear).
    let (first, second) = crate::workers::both(
        || {
            super::check_schemas_from(file, doc, true, 0..half).ok()?;
            let mut openapi = type_root(root).ok()?;
            openapi.paths = type_paths(items, 0..half, count)?;
            Some((openapi, enum_pointers(root, items, 0..half, true)))
        },
        || {
            super::check_schemas_from(file, doc, false, half..count).ok()?;
            let paths = type_paths(items, half..count, 0)?;
            Some((paths, enum_pointers(root, items, half..count, false)))
        },
    );
    let ((mut openapi, mut enums), (second, more)) = (first?, second?);
    openapi.paths.paths.extend(second.paths);
    openapi.paths.extensions.extend(second.extensions);
    enums.extend(more);
    Some((openapi, enums))
}

/// [`super::enum_pointers`] of the members at `range` of the `paths` map `items`, and of the
/// rest of the document (`root` itself, its other members, the `paths` map) when `rest`.
fn enum_pointers(
    root: &Map<String, Value>,
    items: &Map<String, Value>,
    range: Range<usize>,
    rest: bool,
) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut stack: Vec<(&Value, String)> = Vec::new();
    if rest {
        for (object, pointer) in [(root, ""), (items, "/paths")] {
            if object.contains_key("enum") {
                found.insert(pointer.to_owned());
            }
        }
        for (key, value) in root.iter().filter(|(key, _)| *key != "paths") {
            stack.push((value, push_pointer("", key)));
        }
    }
    for (key, value) in items.iter().skip(range.start).take(range.len()) {
        stack.push((value, push_pointer("/paths", key)));
    }
    super::enum_pointers_under(stack, &mut found);
    found
}

/// Types the document with an empty `paths` map in place of its own.
fn type_root(root: &Map<String, Value>) -> Result<OpenAPI, serde_json::Error> {
    let empty = Value::Object(Map::new());
    let members = root
        .iter()
        .map(|(k, v)| (k.as_str(), if k == "paths" { &empty } else { v }));
    OpenAPI::deserialize(MapDeserializer::<_, serde_json::Error>::new(members))
}

/// The path items (keys starting with `/`) and extensions (`x-`) at `range` of a `paths` map,
/// typed as `openapiv3` types a whole `Paths` (other keys are ignored there too), in a map
/// with room for `room` items (a path item takes 8 KB: the first half is made large enough
/// to take the second without being copied).
fn type_paths(items: &Map<String, Value>, range: Range<usize>, room: usize) -> Option<Paths> {
    let mut paths = IndexMap::with_capacity(room.max(range.len()));
    let mut extensions = IndexMap::new();
    for (key, item) in items.iter().skip(range.start).take(range.len()) {
        if key.starts_with('/') {
            let typed = super::typed::path_item(item)
                .or_else(|| ReferenceOr::<PathItem>::deserialize(item).ok())?;
            paths.insert(key.clone(), typed);
        } else if key.starts_with("x-") {
            extensions.insert(key.clone(), item.clone());
        }
    }
    Some(Paths { paths, extensions })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serial(doc: &Value) -> OpenAPI {
        OpenAPI::deserialize(doc).expect("types")
    }

    fn serial_ok(doc: &Value) -> Option<OpenAPI> {
        OpenAPI::deserialize(doc).ok()
    }

    /// On every published Rocket.Chat document, the two threads give exactly the serial typing
    /// and the serial walk for `enum`s.
    #[test]
    fn two_threads_type_each_published_document_as_one_does() {
        let mut shared = 0;
        for path in super::super::published_documents() {
            let raw = super::super::read_file(&path).expect("reads");
            let doc = raw.value;
            let expected = serial_ok(&doc);
            match (check_and_type(&raw.file, &doc), expected) {
                (Some((openapi, enums)), Some(expected)) => {
                    shared += 1;
                    assert!(openapi == expected, "{}", path.display());
                    assert_eq!(enums, super::super::enum_pointers(&doc));
                }
                (Some(_), None) => panic!(
                    "{}: typed a document the serial path cannot",
                    path.display()
                ),
                // Too small, or needing a repair (a `null` where a map belongs).
                (None, expected) => assert!(
                    expected.is_none_or(|e| e.paths.paths.len() < MIN_PATHS),
                    "{}",
                    path.display()
                ),
            }
        }
        assert!(
            shared >= 6,
            "most published documents are large enough to share out"
        );
    }

    fn document(paths: usize, extra: Value) -> Value {
        let mut items = Map::new();
        for i in 0..paths {
            items.insert(
                format!("/p{i}"),
                serde_json::json!({"get": {"responses": {"200": {"description": "ok"}}}}),
            );
        }
        items.insert("x-note".into(), serde_json::json!({"kept": true}));
        let mut doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": items,
        });
        if let (Some(doc), Value::Object(extra)) = (doc.as_object_mut(), extra) {
            doc.extend(extra);
        }
        doc
    }

    #[test]
    fn halves_are_joined_in_order_with_extensions() {
        let doc = document(40, serde_json::json!({}));
        let (openapi, _) = check_and_type("t.yaml", &doc).expect("shared out");
        assert!(openapi == serial(&doc));
        let keys: Vec<&String> = openapi.paths.paths.keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("/p0"));
        assert_eq!(keys.last().map(|k| k.as_str()), Some("/p39"));
        assert!(openapi.paths.extensions.contains_key("x-note"));
    }

    /// Anything the serial path would repair or report is left to it.
    #[test]
    fn problems_are_left_to_the_serial_path() {
        // A null where a map belongs (the serial path repairs it with a warning).
        let doc = document(40, serde_json::json!({"components": {"schemas": null}}));
        assert!(check_and_type("t.yaml", &doc).is_none());
        // A schema the checks refuse, in each half.
        for at in ["/p1", "/p39"] {
            let mut doc = document(40, serde_json::json!({}));
            doc["paths"][at]["get"]["parameters"] =
                serde_json::json!([{"name": "q", "in": "query", "schema": {"minLength": "many"}}]);
            assert!(check_and_type("t.yaml", &doc).is_none(), "{at}");
        }
        // Too small to be worth a thread.
        assert!(check_and_type("t.yaml", &document(3, serde_json::json!({}))).is_none());
    }
}
