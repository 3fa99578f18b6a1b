//! `lint`: everything wrong or suspicious in documents, each with file, JSON pointer and a
//! one-line explanation.

use std::path::Path;

use serde_json::Value;

use crate::build::{build, BuildOptions};
use crate::conform;
use crate::diagnostics::{push_pointer, Diagnostic, Error, Location};
use crate::ir::*;
use crate::load;

/// Lints documents together (as `generate` would merge them). Fatal problems come back as a
/// single error diagnostic.
pub fn lint<P: AsRef<Path>>(paths: &[P], options: &BuildOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut docs = Vec::new();
    let mut used = vec![false; options.patches.len()];
    for p in paths {
        match load::load_file_with(p.as_ref(), options, &mut used) {
            Ok(d) => docs.push(d),
            Err(e) => out.push(error_to_diagnostic(e)),
        }
    }
    if docs.is_empty() {
        return out;
    }
    match build(&docs, options) {
        Ok(api) => {
            out.extend(api.warnings.iter().cloned().map(promote));
            out.extend(examples(&api));
        }
        Err(e) => out.push(error_to_diagnostic(e)),
    }
    out.sort();
    out.dedup();
    out
}

/// Some build warnings are errors for a linter: the document breaks the OpenAPI rules.
fn promote(mut d: Diagnostic) -> Diagnostic {
    if matches!(
        d.code,
        "undeclared-path-param"
            | "path-param-not-in-template"
            | "duplicate-parameter"
            | "duplicate-operation-id"
    ) {
        d.severity = crate::diagnostics::Severity::Error;
    }
    d
}

/// A fatal error as a diagnostic.
pub fn error_to_diagnostic(e: Error) -> Diagnostic {
    match e {
        Error::Spec(d) => *d,
        Error::Io { path, source } => {
            Diagnostic::error(Location::new(path, ""), "io", source.to_string())
        }
        Error::Conflict {
            method,
            path,
            first,
            second,
        } => Diagnostic::error(
            Location::new(&second, push_pointer("/paths", &path)),
            "conflict",
            format!("{method} {path} is defined differently in {first} and {second}"),
        ),
        Error::Internal { file, message } => {
            Diagnostic::error(Location::new(file, ""), "internal", message)
        }
    }
}

fn check_example(api: &Api, v: &VRef, loc: &Location, value: &Value, out: &mut Vec<Diagnostic>) {
    for m in conform::check_all(api, v, value, 50) {
        let mut at = loc.clone();
        at.pointer.push_str(&m.pointer);
        let d = if m.undeclared {
            Diagnostic::warning(
                at,
                "example-undeclared-property",
                format!(
                    "example has a property its schema does not declare: {}",
                    m.message
                ),
            )
        } else {
            let what = if m.pointer.is_empty() {
                "the example".to_owned()
            } else {
                format!("`{}`", m.pointer)
            };
            Diagnostic::error(
                at,
                "example-mismatch",
                format!("example contradicts its schema: {what} {}", m.message),
            )
        };
        out.push(d);
    }
}

fn examples(api: &Api) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for op in &api.operations {
        if let Some(b) = op.body.as_ref().filter(|b| b.media == Media::Json) {
            for (loc, value) in &op.request_examples {
                check_example(api, &b.schema, loc, value, &mut out);
            }
        }
        for r in &op.responses {
            let Some(b) = r.body.as_ref().filter(|b| b.media == Media::Json) else {
                continue;
            };
            let v = match &b.ty {
                TypeRef::Named(id) => VRef::Named(*id),
                _ => continue,
            };
            for (loc, value) in &r.examples {
                check_example(api, &v, loc, value, &mut out);
            }
        }
    }
    out
}
