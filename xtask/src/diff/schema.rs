//! Two schemas compared: types, `nullable`, `enum` values, constraints, properties, items and
//! alternatives, on the raw JSON values (local `$ref`s followed, `allOf` of objects merged
//! the way the generator merges them into one struct).

use std::borrow::Cow;
use std::collections::HashSet;

use generator::diagnostics::push_pointer;
use generator::load::Document;
use generator::{Error, Location};
use serde_json::{Map, Value};

use super::{Change, Kind, Side};

/// Nesting compared at most (deeper is an error rather than a change left out); the loader
/// allows 128 levels of JSON, `$ref`s may chain further.
const MAX_DEPTH: usize = 256;

/// `$ref`s followed at most from one schema to its target.
const MAX_REF_CHAIN: usize = 64;

/// A schema and the pointer where it was found.
#[derive(Clone, Copy)]
pub struct At<'v> {
    /// The schema (possibly a `$ref`).
    pub value: &'v Value,
    /// Its pointer in its document.
    pub ptr: &'v str,
}

/// Compares the schemas of one place of one operation, collecting changes.
pub struct Comparer<'a> {
    old: &'a Document,
    new: &'a Document,
    side: Side,
    operation: &'a str,
    /// Pairs of `$ref` targets already compared here: each shared schema once, and cycles
    /// end.
    seen: HashSet<(String, String)>,
    /// What was found.
    pub changes: Vec<Change>,
}

impl<'a> Comparer<'a> {
    /// A comparer for schemas of `operation` in `side`.
    pub fn new(old: &'a Document, new: &'a Document, side: Side, operation: &'a str) -> Self {
        Comparer {
            old,
            new,
            side,
            operation,
            seen: HashSet::new(),
            changes: Vec::new(),
        }
    }

    fn push(&mut self, kind: Kind, pointer: String, place: &str, detail: String) {
        self.changes.push(Change {
            operation: self.operation.to_owned(),
            pointer,
            kind,
            side: self.side,
            place: place.to_owned(),
            detail,
        });
    }

    /// Compares `old` with `new`; `place` names them for the report (`body`, `200 body`).
    pub fn compare(&mut self, old: At, new: At, place: &str) -> Result<(), Error> {
        self.compare_at(old, new, place, 0)
    }

    fn compare_at(&mut self, old: At, new: At, place: &str, depth: usize) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(Error::spec(
                Location::new(&self.new.file, new.ptr),
                "too-deep",
                format!("schemas nested more than {MAX_DEPTH} levels deep are not compared"),
            ));
        }
        let (o, op, o_ref) = resolve(self.old, old)?;
        let (n, np, n_ref) = resolve(self.new, new)?;
        if (o_ref || n_ref) && !self.seen.insert((op.clone(), np.clone())) {
            return Ok(());
        }
        let o = merge_all_of(self.old, o, 0)?;
        let n = merge_all_of(self.new, n, 0)?;
        let (o, n) = (o.as_ref(), n.as_ref());
        let (ot, nt) = (rust_type(o), rust_type(n));
        if ot != nt {
            self.push(Kind::TypeChanged, np, place, format!("{ot} -> {nt}"));
            return Ok(());
        }
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        match (flag(o, "nullable"), flag(n, "nullable")) {
            (false, true) => self.push(Kind::NullableAdded, np.clone(), place, String::new()),
            (true, false) => self.push(Kind::NullableRemoved, np.clone(), place, String::new()),
            _ => {}
        }
        if !flag(o, "deprecated") && flag(n, "deprecated") {
            self.push(Kind::PropertyDeprecated, np.clone(), place, String::new());
        }
        self.enums(o, &op, n, &np, place, nt == "enum");
        self.constraints(o, &op, n, &np, place);
        self.properties(o, &op, n, &np, place, depth)?;
        for key in ["items", "additionalProperties", "not"] {
            let (Some(ov), Some(nv)) = (o.get(key), n.get(key)) else {
                continue;
            };
            if ov.is_object() && nv.is_object() {
                let (oc, nc) = (push_pointer(&op, key), push_pointer(&np, key));
                let sub = match key {
                    "items" => format!("{place}[]"),
                    "additionalProperties" => format!("{place}{{*}}"),
                    _ => format!("{place}(not)"),
                };
                self.compare_at(at(ov, &oc), at(nv, &nc), &sub, depth + 1)?;
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            self.alternatives(key, o, &op, n, &np, place, depth)?;
        }
        Ok(())
    }

    fn enums(&mut self, o: &Value, op: &str, n: &Value, np: &str, place: &str, rust_enum: bool) {
        let list = |v: &Value| v.get("enum").and_then(Value::as_array).cloned();
        // The values of `list` missing from `other`, with their index, compared by their JSON
        // text in a set: enums may be long.
        let missing = |list: &[Value], other: &[Value]| {
            let other: HashSet<String> = other.iter().map(Value::to_string).collect();
            let texts = list.iter().map(Value::to_string).enumerate();
            texts
                .filter(|(_, t)| !other.contains(t))
                .collect::<Vec<_>>()
        };
        match (list(o), list(n)) {
            (Some(ol), Some(nl)) => {
                for (i, text) in missing(&nl, &ol) {
                    let ptr = push_pointer(&push_pointer(np, "enum"), &i.to_string());
                    self.push(Kind::EnumValueAdded { rust_enum }, ptr, place, text);
                }
                for (i, text) in missing(&ol, &nl) {
                    let ptr = push_pointer(&push_pointer(op, "enum"), &i.to_string());
                    self.push(Kind::EnumValueRemoved { rust_enum }, ptr, place, text);
                }
            }
            (None, Some(_)) => {
                let ptr = push_pointer(np, "enum");
                self.push(Kind::ConstraintTightened, ptr, place, "enum added".into());
            }
            (Some(_), None) => {
                let ptr = push_pointer(op, "enum");
                self.push(Kind::ConstraintLoosened, ptr, place, "enum removed".into());
            }
            (None, None) => {}
        }
    }

    fn constraints(&mut self, o: &Value, op: &str, n: &Value, np: &str, place: &str) {
        for &(key, rule) in CONSTRAINTS {
            let (ov, nv) = (constraint(o, key), constraint(n, key));
            if ov == nv {
                continue;
            }
            let tighter = match (rule, &ov, &nv) {
                (_, None, Some(v)) => rule != Rule::Flag || v.as_bool() == Some(true),
                (_, Some(v), None) => rule == Rule::Flag && v.as_bool() == Some(false),
                (Rule::Min, Some(a), Some(b)) => num(b) > num(a),
                (Rule::Max, Some(a), Some(b)) => num(b) < num(a),
                (Rule::Flag, _, Some(b)) => b.as_bool() == Some(true),
                _ => true,
            };
            let show = |v: &Option<Value>| v.as_ref().map_or("none".to_owned(), Value::to_string);
            let detail = format!("{key} {} -> {}", show(&ov), show(&nv));
            let kind = if tighter {
                Kind::ConstraintTightened
            } else {
                Kind::ConstraintLoosened
            };
            let ptr = push_pointer(if nv.is_some() { np } else { op }, key);
            self.push(kind, ptr, place, detail);
        }
    }

    fn properties<'v>(
        &mut self,
        o: &'v Value,
        op: &str,
        n: &'v Value,
        np: &str,
        place: &str,
        depth: usize,
    ) -> Result<(), Error> {
        let empty = Map::new();
        let props = |v: &'v Value| v.get("properties").and_then(Value::as_object);
        let (oprops, nprops) = (props(o).unwrap_or(&empty), props(n).unwrap_or(&empty));
        let required = |v: &Value, name: &str| {
            v.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|x| x.as_str() == Some(name)))
        };
        let (opp, npp) = (
            push_pointer(op, "properties"),
            push_pointer(np, "properties"),
        );
        for (name, ov) in oprops {
            let sub = format!("{place}.{name}");
            let (oc, nc) = (push_pointer(&opp, name), push_pointer(&npp, name));
            let was = required(o, name);
            let Some(nv) = nprops.get(name) else {
                let kind = Kind::PropertyRemoved { was_required: was };
                self.push(kind, oc, &sub, String::new());
                continue;
            };
            match (was, required(n, name)) {
                (false, true) => {
                    self.push(Kind::PropertyMadeRequired, nc.clone(), &sub, String::new())
                }
                (true, false) => {
                    self.push(Kind::PropertyMadeOptional, nc.clone(), &sub, String::new())
                }
                _ => {}
            }
            self.compare_at(at(ov, &oc), at(nv, &nc), &sub, depth + 1)?;
        }
        for (name, nv) in nprops {
            if oprops.contains_key(name) {
                continue;
            }
            let sub = format!("{place}.{name}");
            let nc = push_pointer(&npp, name);
            let label = rust_type(resolve(self.new, at(nv, &nc))?.0);
            let kind = if required(n, name) {
                Kind::RequiredPropertyAdded
            } else {
                Kind::PropertyAdded
            };
            self.push(kind, nc, &sub, label);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn alternatives<'v>(
        &mut self,
        key: &str,
        o: &'v Value,
        op: &str,
        n: &'v Value,
        np: &str,
        place: &str,
        depth: usize,
    ) -> Result<(), Error> {
        let empty = Vec::new();
        let list = |v: &'v Value| v.get(key).and_then(Value::as_array).unwrap_or(&empty);
        let (ol, nl) = (list(o), list(n));
        let (okey, nkey) = (push_pointer(op, key), push_pointer(np, key));
        for i in 0..ol.len().min(nl.len()) {
            let (oc, nc) = (
                push_pointer(&okey, &i.to_string()),
                push_pointer(&nkey, &i.to_string()),
            );
            let sub = format!("{place}({key} {i})");
            self.compare_at(at(&ol[i], &oc), at(&nl[i], &nc), &sub, depth + 1)?;
        }
        for i in ol.len()..nl.len() {
            let ptr = push_pointer(&nkey, &i.to_string());
            self.push(Kind::VariantAdded, ptr, place, format!("{key} {i}"));
        }
        for i in nl.len()..ol.len() {
            let ptr = push_pointer(&okey, &i.to_string());
            self.push(Kind::VariantRemoved, ptr, place, format!("{key} {i}"));
        }
        Ok(())
    }
}

fn at<'v>(value: &'v Value, ptr: &'v str) -> At<'v> {
    At { value, ptr }
}

/// How a constraint's change reads: a larger `Min` accepts fewer values, a larger `Max`
/// more; a `Flag` accepts fewer when `true`; any other change is read as tighter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    Min,
    Max,
    Flag,
    Other,
}

const CONSTRAINTS: &[(&str, Rule)] = &[
    ("minLength", Rule::Min),
    ("maxLength", Rule::Max),
    ("pattern", Rule::Other),
    ("format", Rule::Other),
    ("minimum", Rule::Min),
    ("maximum", Rule::Max),
    ("exclusiveMinimum", Rule::Flag),
    ("exclusiveMaximum", Rule::Flag),
    ("multipleOf", Rule::Other),
    ("minItems", Rule::Min),
    ("maxItems", Rule::Max),
    ("uniqueItems", Rule::Flag),
    ("minProperties", Rule::Min),
    ("maxProperties", Rule::Max),
    ("additionalProperties", Rule::Other),
];

/// The value of a constraint, as compared: `additionalProperties` as `false` or absent
/// (a schema there is compared as a schema, and its appearance is a type change).
fn constraint(v: &Value, key: &str) -> Option<Value> {
    let c = v.get(key)?;
    match key {
        "additionalProperties" => (c == &Value::Bool(false)).then(|| c.clone()),
        // Formats that change the Rust type are part of the type.
        "format" if matches!(c.as_str(), Some("int32" | "float")) => None,
        _ => Some(c.clone()),
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

/// Follows `$ref`s to the schema; the schema, its pointer, and whether a `$ref` was followed.
fn resolve<'d>(doc: &'d Document, mut at: At<'d>) -> Result<(&'d Value, String, bool), Error> {
    let mut ptr = at.ptr.to_owned();
    for hop in 0..MAX_REF_CHAIN {
        let Some(r) = at.value.get("$ref").and_then(Value::as_str) else {
            return Ok((at.value, ptr, hop > 0));
        };
        let target = r.strip_prefix('#').and_then(|p| doc.value.pointer(p));
        let Some(target) = target else {
            return Err(Error::spec(
                Location::new(&doc.file, &ptr),
                "unresolved-ref",
                format!("`$ref: {r}` does not point into this document"),
            ));
        };
        ptr = r[1..].to_owned();
        at = At {
            value: target,
            ptr: "",
        };
    }
    Err(Error::spec(
        Location::new(&doc.file, &ptr),
        "ref-chain",
        format!("more than {MAX_REF_CHAIN} `$ref`s in a row"),
    ))
}

/// Whether a schema (after `$ref`s and `allOf`) is a non-nullable object with required
/// properties, which the generated code never makes optional.
pub fn requires_properties(doc: &Document, at: At) -> Result<bool, Error> {
    let (v, _, _) = resolve(doc, at)?;
    let v = merge_all_of(doc, v, 0)?;
    let nullable = v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    let required = v.get("required").and_then(Value::as_array);
    Ok(!nullable && required.is_some_and(|r| !r.is_empty()))
}

/// `allOf` whose parts are all objects, merged into one object schema (properties and
/// `required` together), as the generator makes one struct of them; anything else as is.
fn merge_all_of<'d>(
    doc: &'d Document,
    v: &'d Value,
    depth: usize,
) -> Result<Cow<'d, Value>, Error> {
    let Some(parts) = v.get("allOf").and_then(Value::as_array) else {
        return Ok(Cow::Borrowed(v));
    };
    if depth > 16 {
        return Ok(Cow::Borrowed(v));
    }
    let mut merged = v.as_object().cloned().unwrap_or_default();
    merged.remove("allOf");
    let mut props = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in parts {
        let (p, _, _) = resolve(
            doc,
            At {
                value: part,
                ptr: "",
            },
        )?;
        let p = merge_all_of(doc, p, depth + 1)?;
        if rust_type(&p) != "struct" {
            return Ok(Cow::Borrowed(v));
        }
        absorb(&p, &mut props, &mut required);
    }
    absorb(v, &mut props, &mut required);
    merged.insert("type".into(), "object".into());
    merged.insert("properties".into(), Value::Object(props));
    merged.insert("required".into(), Value::Array(required));
    Ok(Cow::Owned(Value::Object(merged)))
}

/// Adds the properties and `required` names of the object schema `v` to those merged so far.
fn absorb(v: &Value, props: &mut Map<String, Value>, required: &mut Vec<Value>) {
    if let Some(ps) = v.get("properties").and_then(Value::as_object) {
        props.extend(ps.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for r in v
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !required.contains(r) {
            required.push(r.clone());
        }
    }
}

/// What a schema becomes in Rust, as far as a change of it changes the Rust type:
/// `string`, `enum`, `integer`, `integer(int32)`, `number`, `number(float)`, `boolean`,
/// `struct`, `struct+map`, `map`, `object`, `array`, `array(any)`, `oneOf`, `anyOf`, `allOf`,
/// `any`.
pub fn rust_type(v: &Value) -> String {
    let Some(obj) = v.as_object() else {
        return "any".into();
    };
    let has = |k: &str| obj.contains_key(k);
    let string_enum = obj
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty() && e.iter().all(|x| x.is_string() || x.is_null()));
    let ty = match obj.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None if has("properties") || has("additionalProperties") => "object",
        None if has("items") => "array",
        None if has("oneOf") => "oneOf",
        None if has("anyOf") => "anyOf",
        None if has("allOf") => "allOf",
        None if string_enum => "string",
        None => "any",
    };
    let format = obj.get("format").and_then(Value::as_str);
    match ty {
        "string" if string_enum => "enum".into(),
        "integer" if format == Some("int32") => "integer(int32)".into(),
        "number" if format == Some("float") => "number(float)".into(),
        "array" if !obj.get("items").is_some_and(Value::is_object) => "array(any)".into(),
        "object" => {
            let props = obj
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty());
            let map = obj
                .get("additionalProperties")
                .is_some_and(Value::is_object);
            match (props, map) {
                (true, true) => "struct+map".into(),
                (true, false) => "struct".into(),
                (false, true) => "map".into(),
                (false, false) => "object".into(),
            }
        }
        t => t.to_owned(),
    }
}
