//! The OpenAPI document of what this server implements: the project's spec restricted to
//! [`IMPLEMENTED`](crate::api::IMPLEMENTED), for contract testing (Schemathesis).

use rocketchat_omnichannel::OPERATIONS;
use serde_json::{Map, Value};

/// Keeps only the operations named in `implemented` (and the path-level parameters and
/// components they use); paths left without operations are dropped, and so are unused tags.
///
/// # Errors
///
/// Fails when an implemented operation is not in the generated operation table or not in the
/// document.
pub fn restrict(spec: &Value, implemented: &[&str]) -> Result<Value, String> {
    let mut wanted: Vec<(&str, String)> = Vec::new();
    for name in implemented {
        let op = OPERATIONS
            .iter()
            .find(|op| op.name == *name)
            .ok_or_else(|| format!("`{name}` is not a generated operation"))?;
        wanted.push((op.path, op.method.to_ascii_lowercase()));
    }
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the document has no `paths`")?;
    let mut kept_paths = Map::new();
    let mut tags = Vec::new();
    for (path, item) in paths {
        let item = item
            .as_object()
            .ok_or_else(|| format!("path `{path}` is not an object"))?;
        let mut kept = Map::new();
        for (key, value) in item {
            let is_method = matches!(
                key.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            );
            if !is_method {
                kept.insert(key.clone(), value.clone());
            } else if wanted.iter().any(|(p, m)| p == path && m == key) {
                for tag in value
                    .get("tags")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if !tags.contains(tag) {
                        tags.push(tag.clone());
                    }
                }
                kept.insert(key.clone(), value.clone());
            }
        }
        if kept
            .keys()
            .any(|k| k != "parameters" && k != "summary" && k != "description")
        {
            kept_paths.insert(path.clone(), Value::Object(kept));
        }
    }
    for (path, method) in &wanted {
        let found = kept_paths
            .get(*path)
            .and_then(|item| item.get(method.as_str()))
            .is_some();
        if !found {
            return Err(format!("`{method} {path}` is not in the document"));
        }
    }
    let mut out = spec
        .as_object()
        .cloned()
        .ok_or("the document is not an object")?;
    out.insert("paths".into(), Value::Object(kept_paths));
    if let Some(Value::Array(all)) = out.get_mut("tags") {
        all.retain(|t| t.get("name").is_some_and(|n| tags.contains(n)));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_only_the_implemented_operations() {
        let spec = json!({
            "openapi": "3.0.0",
            "tags": [{"name": "A"}, {"name": "B"}],
            "paths": {
                "/api/v1/livechat/visitor/{token}": {
                    "parameters": [{"name": "token", "in": "path"}],
                    "get": {"tags": ["A"]},
                    "delete": {"tags": ["B"]}
                },
                "/api/v1/livechat/visitor": {"post": {"tags": ["B"]}}
            },
            "components": {"responses": {}}
        });
        let out = restrict(&spec, &["get_livechat_visitor_token"]).unwrap();
        assert_eq!(
            out["paths"],
            json!({"/api/v1/livechat/visitor/{token}": {
                "parameters": [{"name": "token", "in": "path"}],
                "get": {"tags": ["A"]}
            }})
        );
        assert_eq!(out["tags"], json!([{"name": "A"}]));
        assert_eq!(out["components"], json!({"responses": {}}));
    }

    #[test]
    fn unknown_operations_are_errors() {
        let spec = json!({"paths": {}});
        assert!(restrict(&spec, &["nope"]).unwrap_err().contains("nope"));
        assert!(restrict(&spec, &["get_livechat_visitor_token"]).is_err());
    }
}
