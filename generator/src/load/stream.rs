//! YAML straight into a JSON value in one pass over libyaml's events (the parser serde_yaml
//! runs on), keeping nothing but the values being built.
//!
//! serde_yaml first stores every event of the document in a list, then deserializes from the
//! list: for a 0.6 MB document that list is several megabytes of memory that is touched once,
//! which on this project's machines costs more than the parsing itself. This module reads each
//! event as libyaml produces it and gives the same value the general path
//! (`serde_yaml::Value`, then `yaml_to_json`) gives, or `None` for anything it does not handle
//! in exactly the same way: tags, anchors and aliases, merge keys, duplicate keys, keys that are
//! not strings, integers, booleans or null, numbers JSON cannot hold, nesting deeper than
//! serde_yaml allows, more or less than one document, and every YAML error. The caller then
//! takes the general path, which reports errors with their location.

use std::mem::MaybeUninit;

use serde_json::{Map, Value};

/// Nesting serde_yaml refuses (its recursion limit is 128 levels); a deeper document is left to
/// the general path, which reports it.
pub(super) const MAX_DEPTH: usize = 120;

/// Converts one YAML document to JSON; `None` when the general path must decide (see the module
/// documentation).
pub(super) fn yaml_to_json(text: &str) -> Option<Value> {
    let mut parser = Parser::new(text)?;
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    loop {
        let event = parser.next()?;
        let value = match event.kind() {
            Kind::StreamStart | Kind::DocumentStart => continue,
            Kind::DocumentEnd => {
                // A second document (or a stray end) is the general path's to report.
                if root.is_none() || !stack.is_empty() {
                    return None;
                }
                continue;
            }
            Kind::StreamEnd => return if stack.is_empty() { root } else { None },
            Kind::Alias | Kind::Other => return None,
            Kind::SequenceStart | Kind::MappingStart if event.has_anchor_or_tag() => return None,
            Kind::SequenceStart => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Open::Sequence(Vec::new()));
                continue;
            }
            Kind::MappingStart => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Open::Mapping(Map::new(), None));
                continue;
            }
            Kind::SequenceEnd | Kind::MappingEnd => match stack.pop()? {
                Open::Sequence(items) => Value::Array(items),
                Open::Mapping(map, None) => Value::Object(map),
                Open::Mapping(_, Some(_)) => return None,
            },
            Kind::Scalar => {
                if event.has_anchor_or_tag() {
                    return None;
                }
                let (text, plain) = event.scalar()?;
                if let Some(Open::Mapping(map, key @ None)) = stack.last_mut() {
                    let name = scalar_key(text, plain)?;
                    if name == "<<" || map.contains_key(&name) {
                        return None;
                    }
                    *key = Some(name);
                    continue;
                }
                scalar_value(text, plain)?
            }
        };
        match stack.last_mut() {
            None if root.is_none() => root = Some(value),
            None => return None,
            Some(Open::Sequence(items)) => items.push(value),
            Some(Open::Mapping(map, key)) => match key.take() {
                Some(name) => {
                    map.insert(name, value);
                }
                // A collection as a key.
                None => return None,
            },
        }
    }
}

/// A collection whose end event has not come yet.
enum Open {
    Sequence(Vec<Value>),
    /// The entries so far and the key waiting for its value.
    Mapping(Map<String, Value>, Option<String>),
}

/// A scalar as a value, resolved as serde_yaml resolves an untagged scalar: a plain scalar may
/// be null, a boolean, an integer or a float, any other style is a string.
pub(super) fn scalar_value(text: &str, plain: bool) -> Option<Value> {
    if !plain {
        return Some(Value::String(text.to_owned()));
    }
    if text.is_empty() || matches!(text, "null" | "Null" | "NULL" | "~") {
        return Some(Value::Null);
    }
    match text {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if could_be_number(text) {
        return number(text);
    }
    Some(Value::String(text.to_owned()))
}

/// A mapping key: a string as it is, booleans, null and integers spelt as JSON spells them;
/// `None` for anything else (a float key, say), which the general path handles.
pub(super) fn scalar_key(text: &str, plain: bool) -> Option<String> {
    match scalar_value(text, plain)? {
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".to_owned()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// False when no spelling serde_yaml reads as a number can be `text`: a number starts with a
/// digit, a sign or a dot. Most scalars of an API description are words, which this settles
/// without trying to parse them.
fn could_be_number(text: &str) -> bool {
    matches!(text.as_bytes()[0], b'0'..=b'9' | b'+' | b'-' | b'.')
}

/// A plain scalar that may be a number: serde_yaml's rules, in its order (unsigned, then
/// negative 64-bit integers, then floats; a leading zero before digits makes a string).
/// `None` for what the JSON value cannot hold as serde_yaml would give it: 128-bit integers and
/// infinities or NaN.
fn number(text: &str) -> Option<Value> {
    if let Some(n) = unsigned(text) {
        return Some(Value::from(n));
    }
    if let Some(n) = negative(text) {
        return Some(Value::from(n));
    }
    // What serde_yaml would read as a 128-bit integer or as a non-finite float.
    if unsigned_wide(text) || negative_wide(text) {
        return None;
    }
    if digits_after_zero(text) {
        return Some(Value::String(text.to_owned()));
    }
    match float(text) {
        Float::Finite(f) => Some(Value::Number(serde_json::Number::from_f64(f)?)),
        Float::NotJson => None,
        Float::NotANumber => Some(Value::String(text.to_owned())),
    }
}

/// A leading zero followed only by digits (after an optional sign): a string in YAML 1.2.
fn digits_after_zero(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
}

/// serde_yaml's unsigned reading (`+` allowed; `0x`, `0o`, `0b` radixes), 64-bit.
fn unsigned(text: &str) -> Option<u64> {
    unsigned_in(text, |s, radix| u64::from_str_radix(s, radix).ok())
}

fn unsigned_wide(text: &str) -> bool {
    unsigned_in(text, |s, radix| u128::from_str_radix(s, radix).ok()).is_some()
}

fn unsigned_in<T>(text: &str, parse: impl Fn(&str, u32) -> Option<T>) -> Option<T> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unsigned.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Some(n) = parse(rest, radix) {
                return Some(n);
            }
        }
    }
    if unsigned.starts_with(['+', '-']) || digits_after_zero(text) {
        return None;
    }
    parse(unsigned, 10)
}

/// serde_yaml's negative reading (`-0x`, `-0o`, `-0b` radixes, or decimal), 64-bit.
fn negative(text: &str) -> Option<i64> {
    negative_in(text, |s, radix| i64::from_str_radix(s, radix).ok())
}

fn negative_wide(text: &str) -> bool {
    negative_in(text, |s, radix| i128::from_str_radix(s, radix).ok()).is_some()
}

fn negative_in<T>(text: &str, parse: impl Fn(&str, u32) -> Option<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if let Some(n) = parse(&format!("-{rest}"), radix) {
                return Some(n);
            }
        }
    }
    if digits_after_zero(text) {
        return None;
    }
    parse(text, 10)
}

/// What serde_yaml's float reading makes of a scalar.
enum Float {
    Finite(f64),
    /// `.inf`, `.nan` and their spellings: floats JSON has no number for.
    NotJson,
    /// Not a float: a string.
    NotANumber,
}

fn float(text: &str) -> Float {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return Float::NotANumber,
        Some(rest) => rest,
        None => text,
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF")
        || matches!(text, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
    {
        return Float::NotJson;
    }
    match unsigned.parse::<f64>() {
        Ok(f) if f.is_finite() => Float::Finite(f),
        _ => Float::NotANumber,
    }
}

/// A libyaml parser reading one string. libyaml keeps pointers into its own struct, so the
/// struct lives in a box that never moves.
struct Parser<'a> {
    state: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    _input: &'a str,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Option<Self> {
        let mut state = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        // SAFETY: `yaml_parser_initialize` initialises the struct it is given; on failure
        // (out of memory) it leaves nothing to free. The input outlives the parser (`'a`).
        unsafe {
            let parser = state.as_mut_ptr();
            if unsafe_libyaml::yaml_parser_initialize(parser).fail {
                return None;
            }
            unsafe_libyaml::yaml_parser_set_encoding(parser, unsafe_libyaml::YAML_UTF8_ENCODING);
            unsafe_libyaml::yaml_parser_set_input_string(
                parser,
                input.as_ptr(),
                input.len() as u64,
            );
        }
        Some(Parser {
            state,
            _input: input,
        })
    }

    /// The next event, or `None` on a YAML error (the caller stops at the first error, and at
    /// the end of the stream).
    fn next(&mut self) -> Option<Event> {
        let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser was initialised in `new`; `yaml_parser_parse` fills `event` when
        // it succeeds, and only then is the event wrapped (and later deleted once).
        unsafe {
            let parser = self.state.as_mut_ptr();
            if unsafe_libyaml::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                return None;
            }
            Some(Event(event.assume_init()))
        }
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new` (a parser that failed to initialise is never built).
        unsafe { unsafe_libyaml::yaml_parser_delete(self.state.as_mut_ptr()) }
    }
}

/// One event, freed when dropped.
struct Event(unsafe_libyaml::yaml_event_t);

/// The kinds of event the conversion tells apart.
enum Kind {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias,
    Scalar,
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
    Other,
}

impl Event {
    fn kind(&self) -> Kind {
        match self.0.type_ {
            unsafe_libyaml::YAML_STREAM_START_EVENT => Kind::StreamStart,
            unsafe_libyaml::YAML_STREAM_END_EVENT => Kind::StreamEnd,
            unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Kind::DocumentStart,
            unsafe_libyaml::YAML_DOCUMENT_END_EVENT => Kind::DocumentEnd,
            unsafe_libyaml::YAML_ALIAS_EVENT => Kind::Alias,
            unsafe_libyaml::YAML_SCALAR_EVENT => Kind::Scalar,
            unsafe_libyaml::YAML_SEQUENCE_START_EVENT => Kind::SequenceStart,
            unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Kind::SequenceEnd,
            unsafe_libyaml::YAML_MAPPING_START_EVENT => Kind::MappingStart,
            unsafe_libyaml::YAML_MAPPING_END_EVENT => Kind::MappingEnd,
            _ => Kind::Other,
        }
    }

    /// Whether a scalar or collection start carries an anchor or a tag (other events: false).
    fn has_anchor_or_tag(&self) -> bool {
        // SAFETY: each union field is read only for the event type libyaml filled it for.
        unsafe {
            match self.0.type_ {
                unsafe_libyaml::YAML_SCALAR_EVENT => {
                    let s = &self.0.data.scalar;
                    !s.anchor.is_null() || !s.tag.is_null()
                }
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
                    let s = &self.0.data.sequence_start;
                    !s.anchor.is_null() || !s.tag.is_null()
                }
                unsafe_libyaml::YAML_MAPPING_START_EVENT => {
                    let s = &self.0.data.mapping_start;
                    !s.anchor.is_null() || !s.tag.is_null()
                }
                _ => false,
            }
        }
    }

    /// A scalar event's text and whether it is plain (unquoted, not a block scalar); `None` if
    /// the text is not UTF-8 (serde_yaml refuses that) or the event is not a scalar.
    fn scalar(&self) -> Option<(&str, bool)> {
        if self.0.type_ != unsafe_libyaml::YAML_SCALAR_EVENT {
            return None;
        }
        // SAFETY: a scalar event's `value` points to `length` bytes owned by the event, which
        // lives as long as the returned borrow.
        let (bytes, style) = unsafe {
            let s = &self.0.data.scalar;
            let bytes: &[u8] = if s.length == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(s.value, s.length as usize)
            };
            (bytes, s.style)
        };
        let text = std::str::from_utf8(bytes).ok()?;
        Some((text, style == unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE))
    }
}

impl Drop for Event {
    fn drop(&mut self) {
        // SAFETY: the event was filled by a successful `yaml_parser_parse` and is deleted once.
        unsafe { unsafe_libyaml::yaml_event_delete(&mut self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed value, checked against the general path's.
    fn agrees(text: &str) -> Option<Value> {
        assert!(super::super::stream_agrees_with_general(text), "{text:?}");
        yaml_to_json(text)
    }

    #[test]
    fn scalars_resolve_as_serde_yaml_resolves_them() {
        let scalars = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "no",
            "yes",
            "on",
            "0",
            "00",
            "007",
            "-007",
            "+007",
            "1",
            "+1",
            "-1",
            "++1",
            "+-1",
            "--1",
            "0x1F",
            "0x",
            "0x-1",
            "-0x1F",
            "+0x1F",
            "0o17",
            "-0o17",
            "0b101",
            "-0b101",
            "0b2",
            "1_000",
            "1e3",
            "1E-3",
            "+1.5",
            "-1.5",
            ".5",
            "-.5",
            "5.",
            "1.",
            "0.0",
            "-0",
            "-0.0",
            ".inf",
            "-.inf",
            "+.inf",
            ".Inf",
            ".NaN",
            ".nan",
            "nan",
            "inf",
            "infinity",
            "-infinity",
            "NaN",
            "1e400",
            "-1e400",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "340282366920938463463374607431768211455",
            "99999999999999999999999999999999999999999",
            "0xFFFFFFFFFFFFFFFFFF",
            "1.0.0",
            "1,000",
            "12:30",
            "2024-01-01",
            "-",
            "+",
            ".",
            "-.",
            "+.",
            "1-",
            "0.",
            "00.5",
            "0e0",
            "0x_1",
            "٣",
            "１",
        ];
        for s in scalars {
            for text in [
                format!("v: {s}\n"),
                format!("v: '{s}'\n"),
                format!("{s}: 1\n"),
                format!("- {s}\n"),
            ] {
                agrees(&text);
            }
        }
    }

    #[test]
    fn common_documents_take_the_stream() {
        let text =
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
                    responses:\n        '200': {description: ok}\n  \"/b c\": {}\nlist: [1, -2, \
                    3.5, x, 'y', \"z\", ~, true]\n1: int key\ntrue: bool key\n~: null key\n\
                    block: |\n  two\n  lines\nfolded: >\n  a\n  b\n";
        let v = agrees(text).expect("streamed");
        assert_eq!(v["paths"]["/b c"], serde_json::json!({}));
        assert_eq!(v["1"], "int key");
        assert_eq!(v["true"], "bool key");
        assert_eq!(v["null"], "null key");
        assert_eq!(v["block"], "two\nlines\n");
    }

    #[test]
    fn unusual_documents_are_left_to_the_general_path() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: !custom {b: 1}\n",
            "base: &b {x: 1}\nd:\n  <<: *b\n",
            "'<<': 1\n",
            "a: 1\na: 2\n",
            "1.5: float key\n",
            "[1]: seq key\n",
            "{a: 1}: map key\n",
            "a: 340282366920938463463374607431768211455\n",
            "a: .inf\n",
            "a: .nan\n",
            "--- 1\n--- 2\n",
            "a: [1\n",
            "a: b: c\n",
            "\t- tab\n",
        ] {
            assert_eq!(yaml_to_json(text), None, "{text:?}");
            agrees(text);
        }
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(yaml_to_json(&deep), None);
        assert_eq!(agrees(""), None);
    }

    #[test]
    fn published_documents_take_the_stream_and_agree() {
        for path in super::super::published_documents() {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(agrees(&text).is_some(), "{}", path.display());
        }
    }
}
