//! Block-style YAML, the subset API descriptions are written in, read line by line straight
//! into a JSON value: several times faster than libyaml's scanner, which looks at every
//! character through a buffer of its own.
//!
//! What it reads: block mappings and sequences indented with spaces (the compact `- key: v` and
//! `- - x` forms included), plain scalars on one line, single- and double-quoted scalars on one
//! line, literal and folded block scalars (`|`, `|-`, `>`, `>-`), flow collections on one line,
//! and comments. For anything else it gives `None` and the caller reads the text with libyaml
//! ([`super::stream`], then serde_yaml), which decides and reports: anchors, aliases, tags,
//! directives and document markers, `?` keys, plain or quoted scalars over several lines, tabs
//! and carriage returns, keep chomping and indentation indicators, folded scalars with
//! more-indented lines, duplicate and merge keys, keys longer than libyaml allows, characters
//! libyaml refuses, nesting deeper than serde_yaml allows, and every error. Scalars resolve as
//! [`super::stream`] resolves them, so both readings give the same value; the tests and the
//! fuzz harness compare them with serde_yaml's on every input.

use serde_json::{Map, Value};

use super::split::leading_spaces;
use super::stream::{scalar_key, scalar_value, MAX_DEPTH};

/// libyaml's limit on a simple key's length (a longer one is an error there).
const MAX_KEY: usize = 1024;

/// Converts one YAML document to JSON; `None` when libyaml must decide (see the module
/// documentation).
pub(super) fn yaml_to_json(text: &str) -> Option<Value> {
    if !plain_characters(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        text,
        line: 0,
        end: 0,
        next: 0,
        depth: 0,
    };
    reader.bounds();
    reader.skip_blank()?;
    if reader.at_end() {
        return None;
    }
    let indent = reader.indent();
    let root = reader.collection(indent)?;
    reader.skip_blank()?;
    reader.at_end().then_some(root)
}

/// True when `bytes` holds only characters this reader takes as they are: printable ones, tabs
/// and line breaks (`\n`, `\r\n`). Lone carriage returns, the other line breaks libyaml knows
/// (U+0085, U+2028, U+2029), byte order marks and the characters libyaml refuses (controls,
/// U+FFFE, U+FFFF) leave the text to libyaml.
fn plain_characters(bytes: &[u8]) -> bool {
    // Whole chunks without stopping early, which the compiler turns into vector code.
    let refused = |b: u8| (b < b' ' && !matches!(b, b'\n' | b'\t' | b'\r') || b == 0x7f) as u8;
    let ascii_ok = bytes
        .chunks(64)
        .all(|chunk| chunk.iter().fold(0, |any, &b| any | refused(b)) == 0);
    ascii_ok
        && memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n'))
        && memchr::memchr3_iter(0xC2, 0xE2, 0xEF, bytes).all(|i| {
            let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
            match bytes[i] {
                // U+0080..U+009F: C1 controls and NEL.
                0xC2 => next(1) >= 0xA0,
                // U+2028, U+2029.
                0xE2 => !(next(1) == 0x80 && matches!(next(2), 0xA8 | 0xA9)),
                // U+FEFF, U+FFFE, U+FFFF.
                _ => {
                    !(next(1) == 0xBB && next(2) == 0xBF
                        || next(1) == 0xBF && matches!(next(2), 0xBE | 0xBF))
                }
            }
        })
}

/// A position in the text: the current line; columns are counted from its start.
struct Reader<'a> {
    text: &'a str,
    /// Byte offset of the current line's start (the text's length at the end).
    line: usize,
    /// Where the current line's content ends (before its `\n` or `\r\n`).
    end: usize,
    /// Where the next line starts.
    next: usize,
    /// Collections open around the current one.
    depth: usize,
}

/// A mapping key found at the start of an entry.
enum Key {
    /// The key and the column just after its `:`.
    Found(String, usize),
    /// No `key:` here: a scalar (or an error, which reading the scalar finds).
    Absent,
}

impl<'a> Reader<'a> {
    fn at_end(&self) -> bool {
        self.line >= self.text.len()
    }

    /// Finds the current line's end and the next line's start.
    fn bounds(&mut self) {
        let bytes = self.text.as_bytes();
        let (end, next) = match memchr::memchr(b'\n', &bytes[self.line..]) {
            Some(at) => (self.line + at, self.line + at + 1),
            None => (bytes.len(), bytes.len()),
        };
        self.end = if end > self.line && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        self.next = next;
    }

    /// The current line, without its line break.
    fn current(&self) -> &'a str {
        &self.text[self.line..self.end]
    }

    /// The current line when the reader takes it: no tab in it (tabs are content only in
    /// block scalars, which read their own lines).
    fn current_checked(&self) -> Option<&'a str> {
        let line = self.current();
        memchr::memchr(b'\t', line.as_bytes())
            .is_none()
            .then_some(line)
    }

    fn next_line(&mut self) {
        self.line = self.next;
        self.bounds();
    }

    /// The current line's indentation (spaces).
    fn indent(&self) -> usize {
        leading_spaces(self.current().as_bytes())
    }

    /// Moves past empty lines and comment lines; `None` at a line whose first character after
    /// spaces is a tab, or at a document marker or directive.
    fn skip_blank(&mut self) -> Option<()> {
        while !self.at_end() {
            let line = self.current().as_bytes();
            let indent = leading_spaces(line);
            match line.get(indent) {
                None | Some(b'#') => {}
                Some(b'\t') => return None,
                Some(_) if indent == 0 && marker(line) => return None,
                Some(_) => return Some(()),
            }
            self.next_line();
        }
        Some(())
    }

    /// The block collection whose first entry starts at column `col` of the current line.
    fn collection(&mut self, col: usize) -> Option<Value> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = if dash(&self.current().as_bytes()[col..]) {
            self.sequence(col)
        } else {
            self.mapping(col)
        };
        self.depth -= 1;
        value
    }

    /// The next entry of a collection indented by `col`: true when there is one (the reader is
    /// on its line), false when the collection has ended, `None` when the next line is
    /// indented more (an error or a construct this reader leaves to libyaml).
    fn next_entry(&mut self, col: usize) -> Option<bool> {
        self.skip_blank()?;
        if self.at_end() {
            return Some(false);
        }
        match self.indent() {
            indent if indent < col => Some(false),
            indent if indent == col => Some(true),
            _ => None,
        }
    }

    fn mapping(&mut self, col: usize) -> Option<Value> {
        let mut map = Map::new();
        loop {
            let line = self.current_checked()?;
            let Key::Found(key, after) = entry_key(line, col)? else {
                return None;
            };
            let value = self.value(line, after, col, false)?;
            if map.insert(key, value).is_some() {
                return None;
            }
            if !self.next_entry(col)? {
                return Some(Value::Object(map));
            }
        }
    }

    fn sequence(&mut self, col: usize) -> Option<Value> {
        let mut items = Vec::new();
        loop {
            let line = self.current_checked()?;
            items.push(self.value(line, col + 1, col, true)?);
            // A line at the same indentation without a dash ends the sequence: the next key of
            // the mapping it is the value of, or an error its parent finds.
            if !self.next_entry(col)? || !dash(&self.current().as_bytes()[col..]) {
                return Some(Value::Array(items));
            }
        }
    }

    /// The value that starts after column `after` of `line` (after a key's `:` or a sequence
    /// entry's dash) in a collection indented by `parent`; leaves the reader on the first line
    /// after it.
    fn value(&mut self, line: &'a str, after: usize, parent: usize, item: bool) -> Option<Value> {
        let rest = &line[after..];
        let start = after + leading_spaces(rest.as_bytes());
        // `key:value` is not a key and `-x` not an entry, so text here follows a space.
        let text = &line[start..];
        match text.as_bytes().first() {
            None | Some(b'#') => self.nested(parent, item),
            Some(b'|' | b'>') => self.block_scalar(text, parent),
            Some(b'-') if dash(text.as_bytes()) => {
                // `- - x`: a sequence in a sequence's entry; `key: - x` is an error.
                if item {
                    self.collection(start)
                } else {
                    None
                }
            }
            Some(_) if item && matches!(entry_key(line, start)?, Key::Found(..)) => {
                self.collection(start)
            }
            Some(b'[' | b'{') => {
                let (value, used) = flow(text, self.depth)?;
                self.end_of_value(&text[used..], parent)?;
                Some(value)
            }
            Some(b'\'' | b'"') => {
                let (value, used) = quoted(text)?;
                self.end_of_value(&text[used..], parent)?;
                Some(Value::String(value))
            }
            Some(_) => {
                let value = plain(text)?;
                self.end_of_value("", parent)?;
                scalar_value(value, true)
            }
        }
    }

    /// A value on the lines after its key or dash: a collection indented more than `parent`
    /// (or, as a mapping's value, a sequence at the mapping's own indentation), else null.
    fn nested(&mut self, parent: usize, item: bool) -> Option<Value> {
        self.next_line();
        self.skip_blank()?;
        if self.at_end() {
            return Some(Value::Null);
        }
        let indent = self.indent();
        if indent > parent
            || indent == parent && !item && dash(&self.current().as_bytes()[indent..])
        {
            self.collection(indent)
        } else {
            Some(Value::Null)
        }
    }

    /// After a value that ends on its own line: the rest of the line is empty or a comment,
    /// and the next line with content is not indented more than `parent` (which would make
    /// the scalar run over several lines, or be an error).
    fn end_of_value(&mut self, rest: &str, parent: usize) -> Option<()> {
        if !blank_or_comment(rest) {
            return None;
        }
        self.next_line();
        self.skip_blank()?;
        (self.at_end() || self.indent() <= parent).then_some(())
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is `header`, in a collection
    /// indented by `parent`.
    fn block_scalar(&mut self, header: &str, parent: usize) -> Option<Value> {
        let folded = header.starts_with('>');
        let (strip, rest) = match header.as_bytes().get(1) {
            Some(b'-') => (true, &header[2..]),
            // Keep chomping and indentation indicators are left to libyaml.
            Some(b'+' | b'0'..=b'9') => return None,
            _ => (false, &header[1..]),
        };
        if !(rest.is_empty() || rest.starts_with(' ') && blank_or_comment(rest)) {
            return None;
        }
        self.next_line();
        // The lines' content after the indentation; `None` for empty lines.
        let mut lines: Vec<Option<&str>> = Vec::new();
        let mut indent = None;
        let mut leading = 0;
        while !self.at_end() {
            let line = self.current();
            let bytes = line.as_bytes();
            let n = leading_spaces(bytes);
            let empty = n == bytes.len();
            let at = match indent {
                None if empty => {
                    leading = leading.max(n);
                    lines.push(None);
                    self.next_line();
                    continue;
                }
                None => {
                    if n <= parent {
                        break;
                    }
                    // A tab where indentation could be, or an empty line before the first that
                    // is longer than it (an error in libyaml).
                    if bytes[n] == b'\t' || leading > n {
                        return None;
                    }
                    indent = Some(n);
                    n
                }
                Some(at) if empty && n <= at => {
                    lines.push(None);
                    self.next_line();
                    continue;
                }
                Some(at) if n < at => break,
                Some(at) => at,
            };
            let content = &line[at..];
            if folded && content.starts_with([' ', '\t']) {
                return None;
            }
            lines.push(Some(content));
            self.next_line();
        }
        // Empty lines longer than the parent's indentation before an empty scalar, or a last
        // line without a line feed, which chomping reads differently.
        if indent.is_none() && leading > parent || self.at_end() && !self.text.ends_with('\n') {
            return None;
        }
        let Some(last) = lines.iter().rposition(Option::is_some) else {
            return Some(Value::String(String::new()));
        };
        let lines = &lines[..=last];
        let mut out = String::new();
        if folded {
            // Empty lines before the first are folded differently; left to libyaml.
            lines[0]?;
            let mut empties = 0;
            for (i, line) in lines.iter().enumerate() {
                match line {
                    None => empties += 1,
                    Some(line) => {
                        if i > 0 {
                            if empties == 0 {
                                out.push(' ');
                            }
                            (0..empties).for_each(|_| out.push('\n'));
                        }
                        empties = 0;
                        out.push_str(line);
                    }
                }
            }
        } else {
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(line.unwrap_or(""));
            }
        }
        if !strip {
            out.push('\n');
        }
        Some(Value::String(out))
    }
}

/// A block sequence entry's dash: `-` followed by a space or the end of the line.
fn dash(bytes: &[u8]) -> bool {
    bytes.first() == Some(&b'-') && matches!(bytes.get(1), None | Some(b' '))
}

/// A document marker (`---`, `...`) at the start of `line`, or a directive.
fn marker(line: &[u8]) -> bool {
    line.starts_with(b"%")
        || (line.starts_with(b"---") || line.starts_with(b"..."))
            && matches!(line.get(3), None | Some(b' ' | b'\t'))
}

/// Nothing, or spaces then a comment.
fn blank_or_comment(rest: &str) -> bool {
    let text = rest.trim_start_matches(' ');
    text.is_empty() || text.starts_with('#') && text.len() < rest.len()
}

/// A first character that makes a plain scalar impossible (an indicator), or that this reader
/// leaves to libyaml.
fn indicator(first: u8, second: Option<u8>) -> bool {
    match first {
        b'-' => matches!(second, None | Some(b' ')),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => true,
        _ => false,
    }
}

/// The key at column `col` of `line`: quoted, or plain up to a `:` followed by a space or the
/// end of the line.
fn entry_key(line: &str, col: usize) -> Option<Key> {
    let text = &line[col..];
    let bytes = text.as_bytes();
    let (key, plain, rest) = match bytes[0] {
        b'\'' | b'"' => {
            let (key, used) = quoted(text)?;
            let rest = text[used..].trim_start_matches(' ');
            if !rest.starts_with(':') {
                return Some(Key::Absent);
            }
            (std::borrow::Cow::Owned(key), false, rest)
        }
        first if indicator(first, bytes.get(1).copied()) => return Some(Key::Absent),
        _ => {
            let Some(colon) = key_colon(bytes) else {
                return Some(Key::Absent);
            };
            let key = text[..colon].trim_end_matches(' ');
            (std::borrow::Cow::Borrowed(key), true, &text[colon..])
        }
    };
    // `rest` starts at the colon.
    if !matches!(rest.as_bytes().get(1), None | Some(b' ')) || key.len() > MAX_KEY {
        return None;
    }
    let name = scalar_key(&key, plain)?;
    if name == "<<" {
        return None;
    }
    Some(Key::Found(name, line.len() - rest.len() + 1))
}

/// The `:` that ends a plain key (followed by a space or the line's end), if it comes before
/// any comment.
fn key_colon(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b':', b'#', &bytes[from..]) {
        let at = from + i;
        match bytes[at] {
            b':' if matches!(bytes.get(at + 1), None | Some(b' ')) => return Some(at),
            b'#' if bytes[at - 1] == b' ' => return None,
            _ => from = at + 1,
        }
    }
    None
}

/// A plain scalar filling the rest of a line (up to a comment); `None` when it cannot be one
/// here (a `: ` in it is an error in block context).
fn plain(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    if indicator(bytes[0], bytes.get(1).copied()) {
        return None;
    }
    let end = memchr::memchr_iter(b'#', bytes)
        .find(|&at| bytes[at - 1] == b' ')
        .unwrap_or(bytes.len());
    let value = text[..end].trim_end_matches(' ');
    let value_bytes = value.as_bytes();
    if memchr::memchr_iter(b':', value_bytes)
        .any(|at| matches!(value_bytes.get(at + 1), None | Some(b' ')))
    {
        return None;
    }
    Some(value)
}

/// A single- or double-quoted scalar at the start of `text` and the bytes it takes; `None` when
/// it does not end on this line or has an escape this reader does not know.
fn quoted(text: &str) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let quote = bytes[0];
    let mut out = String::new();
    let mut from = 1;
    loop {
        let i = from + memchr::memchr2(quote, b'\\', &bytes[from..])?;
        if bytes[i] == b'\\' && quote == b'"' {
            out.push_str(&text[from..i]);
            let (c, used) = escape(&text[i + 1..])?;
            out.push(c);
            from = i + 1 + used;
        } else if bytes[i] == b'\\' {
            out.push_str(&text[from..=i]);
            from = i + 1;
        } else if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
            out.push_str(&text[from..=i]);
            from = i + 2;
        } else {
            out.push_str(&text[from..i]);
            return Some((out, i + 1));
        }
    }
}

/// The character a double-quoted scalar's escape (after the backslash) stands for, and the
/// bytes the escape takes.
fn escape(text: &str) -> Option<(char, usize)> {
    let c = match *text.as_bytes().first()? {
        b'0' => '\0',
        b'a' => '\u{7}',
        b'b' => '\u{8}',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\u{b}',
        b'f' => '\u{c}',
        b'r' => '\r',
        b'e' => '\u{1b}',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let digits = match text.as_bytes()[0] {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = text.get(1..=digits)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
            return Some((c, 1 + digits));
        }
        _ => return None,
    };
    Some((c, 1))
}

/// A flow collection (`[...]` or `{...}`) at the start of `text`, all on this line, and the
/// bytes it takes. Entries are quoted or plain scalars and flow collections; `?` keys, keys
/// without values, empty entries and single-pair mappings in sequences are left to libyaml.
fn flow(text: &str, depth: usize) -> Option<(Value, usize)> {
    if depth >= MAX_DEPTH {
        return None;
    }
    let bytes = text.as_bytes();
    let mapping = bytes[0] == b'{';
    let close = if mapping { b'}' } else { b']' };
    let mut map = Map::new();
    let mut items = Vec::new();
    let mut at = 1 + leading_spaces(&bytes[1..]);
    if bytes.get(at) == Some(&close) {
        // Empty.
    } else {
        loop {
            if mapping {
                let (key, plain_key, used) = flow_scalar(&text[at..], true)?;
                at += used;
                at += leading_spaces(&bytes[at..]);
                // `a:b` is not a key and a value in libyaml's flow mappings.
                if bytes.get(at) != Some(&b':') || bytes.get(at + 1) != Some(&b' ') {
                    return None;
                }
                at += 1;
                at += leading_spaces(&bytes[at..]);
                let (value, used) = flow_node(&text[at..], depth)?;
                at += used;
                let name = scalar_key(&key, plain_key)?;
                if name == "<<" || map.insert(name, value).is_some() {
                    return None;
                }
            } else {
                let (value, used) = flow_node(&text[at..], depth)?;
                at += used;
                items.push(value);
            }
            at += leading_spaces(&bytes[at..]);
            match bytes.get(at) {
                Some(b',') => {
                    at += 1;
                    at += leading_spaces(&bytes[at..]);
                    // A trailing comma.
                    if matches!(bytes.get(at), Some(b']' | b'}')) {
                        return None;
                    }
                }
                Some(&b) if b == close => break,
                _ => return None,
            }
        }
    }
    let value = if mapping {
        Value::Object(map)
    } else {
        Value::Array(items)
    };
    Some((value, at + 1))
}

/// A value inside a flow collection and the bytes it takes.
fn flow_node(text: &str, depth: usize) -> Option<(Value, usize)> {
    match text.as_bytes().first()? {
        b'[' | b'{' => flow(text, depth + 1),
        _ => {
            let (value, plain, used) = flow_scalar(text, false)?;
            let value = if plain {
                scalar_value(&value, true)?
            } else {
                Value::String(value)
            };
            Some((value, used))
        }
    }
}

/// A scalar inside a flow collection: its text, whether it is plain, and the bytes it takes.
/// A plain one ends before `,`, `]`, `}` or (as a key) `:`; a `:` followed by a space inside a
/// value is a single-pair mapping, left to libyaml.
fn flow_scalar(text: &str, key: bool) -> Option<(String, bool, usize)> {
    let bytes = text.as_bytes();
    match *bytes.first()? {
        b'\'' | b'"' => {
            let (value, used) = quoted(text)?;
            Some((value, false, used))
        }
        first if indicator(first, bytes.get(1).copied()) || first == b'-' => {
            // `-` alone is an indicator; `-1` is fine, but keep flow plain scalars simple.
            if first == b'-' && bytes.get(1).is_some_and(|b| b.is_ascii_digit()) {
                flow_plain(text, key)
            } else {
                None
            }
        }
        _ => flow_plain(text, key),
    }
}

fn flow_plain(text: &str, key: bool) -> Option<(String, bool, usize)> {
    let bytes = text.as_bytes();
    let mut end = 0;
    while end < bytes.len() {
        match bytes[end] {
            b',' | b']' | b'}' | b'[' | b'{' => break,
            b':' if key => break,
            b':' | b'#' | b'?' => return None,
            _ => end += 1,
        }
    }
    let value = text[..end].trim_end_matches(' ');
    if value.is_empty() {
        return None;
    }
    Some((value.to_owned(), true, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block reading of `text`, checked against libyaml's event reading and serde_yaml's.
    fn read(text: &str) -> Option<Value> {
        assert!(super::super::stream_agrees_with_general(text), "{text:?}");
        yaml_to_json(text)
    }

    #[test]
    fn reads_the_published_documents_without_libyaml() {
        for path in crate::load::published_documents() {
            let text = std::fs::read_to_string(&path).unwrap();
            let general = super::super::parse_yaml_general("spec.yaml", &text, 0).unwrap();
            let value = yaml_to_json(&text);
            assert!(
                value.is_none() || value.as_ref() == Some(&general),
                "{path:?}"
            );
        }
        // The Omnichannel document, the one the benchmarks time, is read entirely.
        let text = std::fs::read_to_string(
            crate::load::published_documents()
                .into_iter()
                .find(|p| p.ends_with("omnichannel.yaml"))
                .unwrap(),
        )
        .unwrap();
        assert!(yaml_to_json(&text).is_some());
    }

    #[test]
    fn block_collections_in_their_compact_and_nested_forms() {
        let text = "a: 1\nb:\n  c: x\n  d:\n  - 1\n  - two\ne:\n- f: 1\n  g: [1, 'x', {h: null}]\n- - 1\n  - 2\n-\n  k: v\n- \n- {}\n";
        let value = read(text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": {"c": "x", "d": [1, "two"]},
                "e": [{"f": 1, "g": [1, "x", {"h": null}]}, [1, 2], {"k": "v"}, null, {}]})
        );
    }

    #[test]
    fn windows_line_breaks() {
        let text = "a: 1\r\nb: |\r\n  x\r\n  y\r\nc:\r\n  - 'z' # c\r\n";
        assert_eq!(
            read(text).unwrap(),
            serde_json::json!({"a": 1, "b": "x\ny\n", "c": ["z"]})
        );
    }

    #[test]
    fn scalars_quoted_plain_and_commented() {
        let text = "a: 'it''s' # c\nb: \"x\\ty\\u00e9\\\"\" \nc: plain text # comment\nd: x#y\n'e f': g\n\"h\": 'i'\nj: -1\nk: 2024-01-01\nl: ~\nm:\n";
        let value = read(text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": "it's", "b": "x\ty\u{e9}\"", "c": "plain text", "d": "x#y",
                "e f": "g", "h": "i", "j": -1, "k": "2024-01-01", "l": null, "m": null})
        );
    }

    #[test]
    fn block_scalars_literal_and_folded() {
        let cases = [
            "a: |\n  one\n   two\n\n  three\n\n\nb: 1\n",
            "a: |-\n  one\n  two\n  \nb: 1\n",
            "a: >\n  one\n  two\n\n  three\n",
            "a: >-\n    one\n    two\n",
            "a: |\n\n  one\n",
            "a: |\n    \n  one\n",
            "a: |\nb: 1\n",
            "a: |-\n  # not a comment\n  x\n# a comment\nb: 1\n",
            "- |\n  x\n- >-\n  y\n  z\n",
            "a: |\n  x   \n      \n",
            "a: >\n  x\n   y\n",
            "a: |+\n  x\n\n",
            "a: |2\n   x\n",
            "a: >\n\n  x\n",
            "a: |\n  x",
            "a: |-\n  x\n  ",
        ];
        for text in cases {
            read(text);
        }
        assert_eq!(
            read(cases[0]).unwrap()["a"],
            Value::from("one\n two\n\nthree\n")
        );
        assert_eq!(
            read(cases[2]).unwrap()["a"],
            Value::from("one two\nthree\n")
        );
        assert_eq!(read(cases[3]).unwrap()["a"], Value::from("one two"));
        assert_eq!(read(cases[9]).unwrap()["a"], Value::from("x   \n    \n"));
    }

    #[test]
    fn leaves_what_it_does_not_read_to_libyaml() {
        let cases = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "%YAML 1.1\n---\na: 1\n",
            "? a\n: 1\n",
            "a: multi\n  line\n",
            "a: 'multi\n  line'\n",
            "a:\tb\n",
            "a: 1\rb: 2\r",
            "a: 1\nb: 2\na: 3\n",
            "<<: {a: 1}\n",
            "a: b: c\n",
            "a: - b\n",
            "a: [1, 2,]\n",
            "a: [b: c]\n",
            "a: {b}\n",
            "a: [1,\n  2]\n",
            "a:\n  b: 1\n c: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "- a\nb: 1\n",
            "a: 1\n- b\n",
            "\u{feff}a: 1\n",
            "a: \"\\q\"\n",
            "a: \"\\ud800\"\n",
            "a: x\u{85}y\n",
            "a: \u{1}\n",
            "plain scalar\n",
            "",
            "# only a comment\n",
            "1.5: x\n",
            "a: 'x' y\n",
            "a: 'x'#y\n",
        ];
        for text in cases {
            assert_eq!(read(text), None, "{text:?}");
        }
    }

    #[test]
    fn keys_resolve_as_libyaml_reads_them() {
        let text = "1: a\ntrue: b\nnull: c\n~: d\n0x10: e\n'1': f\n";
        // `1` and `'1'` are the same JSON key: left to the general path.
        assert_eq!(read(text), None);
        let value = read("1: a\ntrue: b\nnull: c\n0x10: e\n").unwrap();
        assert_eq!(
            value,
            serde_json::json!({"1": "a", "true": "b", "null": "c", "16": "e"})
        );
        let long = format!("{}: x\n", "k".repeat(MAX_KEY + 1));
        assert_eq!(read(&long), None);
    }

    #[test]
    fn nesting_deeper_than_serde_yaml_allows_is_left_to_it() {
        let mut text = String::new();
        for depth in 0..MAX_DEPTH + 5 {
            text.push_str(&" ".repeat(depth));
            text.push_str("a:\n");
        }
        assert_eq!(read(&text), None);
        assert_eq!(
            read(&format!("a: {}{}\n", "[".repeat(200), "]".repeat(200))),
            None
        );
    }

    /// Windows of the published documents' lines, mutated where a line reader is easiest to
    /// get wrong (indentation, colons, comment signs, quotes, dashes, block indicators, lines
    /// joined or dropped), must read as serde_yaml reads them or be left to it.
    /// `BLOCK_MUTATIONS` sets how many texts (300 by default).
    #[test]
    fn mutated_windows_of_the_published_documents_agree_with_serde_yaml() {
        let count = cases("BLOCK_MUTATIONS");
        let texts: Vec<String> = crate::load::published_documents()
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        let lines: Vec<Vec<&str>> = texts.iter().map(|t| t.lines().collect()).collect();
        let mut random = numbers(0x9E37_79B9_7F4A_7C15);
        const INSERTS: [&str; 12] = [
            ":", ": ", " #", "#", "'", "\"", "- ", "|", ">-", "{", "[]", "\\",
        ];
        for _ in 0..count {
            let doc = &lines[random(lines.len())];
            let start = random(doc.len());
            let window = &doc[start..(start + 1 + random(40)).min(doc.len())];
            let mut mutated: Vec<String> = window.iter().map(|l| l.to_string()).collect();
            for _ in 0..random(4) {
                let at = random(mutated.len());
                let line = &mut mutated[at];
                match random(6) {
                    0 => line.insert_str(0, &" ".repeat(1 + random(3))),
                    1 => {
                        let n = line.len() - line.trim_start().len();
                        line.drain(..n.min(1 + random(3)));
                    }
                    2 => {
                        let pos = random(line.len() + 1);
                        if line.is_char_boundary(pos) {
                            line.insert_str(pos, INSERTS[random(INSERTS.len())]);
                        }
                    }
                    3 if at + 1 < mutated.len() => {
                        let next = mutated.remove(at + 1);
                        mutated[at].push_str(&next);
                    }
                    4 => {
                        mutated.remove(at);
                        if mutated.is_empty() {
                            break;
                        }
                    }
                    _ => {
                        let copy = mutated[at].clone();
                        mutated.insert(random(mutated.len() + 1), copy);
                    }
                }
            }
            let indent = mutated
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            let text: String = mutated
                .iter()
                .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
                .collect();
            assert!(super::super::stream_agrees_with_general(&text), "{text}");
        }
    }

    /// How many random texts a test reads: the environment variable `name`, else 300.
    fn cases(name: &str) -> usize {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(300)
    }

    /// Repeatable pseudo-random numbers below a bound (xorshift64*).
    fn numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |below| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % below.max(1)
        }
    }

    /// Texts made of random lines, each a random indentation and one of the shapes this reader
    /// reads or must leave alone, must read as serde_yaml reads them or be left to it.
    /// `BLOCK_RANDOM` sets how many texts (300 by default).
    #[test]
    fn random_lines_agree_with_serde_yaml() {
        const SHAPES: [&str; 40] = [
            "key: value",
            "k2: 12",
            "k3: -1.5",
            "k4: true",
            "k5: ~",
            "k6:",
            "- item",
            "- k7: v",
            "-",
            "- - x",
            "- {}",
            "k8: |",
            "k9: |-",
            "k10: >",
            "k11: >-",
            "k12: |+",
            "text line",
            "more text  ",
            "",
            "   ",
            "# comment",
            "k13: a # comment",
            "k14: a#b",
            "k15: a: b",
            "k16: [a, 'b', {c: d}, 1]",
            "k17: {a: 1, 'b c': [x]}",
            "k18: [a,]",
            "k19: \"e\\n\\u00e9\\x41\"",
            "k20: 'it''s'",
            "'q k': v",
            "\"q2\": 'v'",
            "k21: 'open",
            "k22: \"\\q\"",
            "---",
            "k23: &a x",
            "k24: *a",
            "? k25",
            "k26: !t x",
            "k27 : spaced",
            "key: again",
        ];
        let mut random = numbers(0xD1B5_4A32_D192_ED03);
        for _ in 0..cases("BLOCK_RANDOM") {
            let mut text = String::new();
            let mut indent = 0_usize;
            for _ in 0..1 + random(12) {
                // Mostly the indentation of a well-formed document, sometimes any.
                indent = match random(6) {
                    0 | 1 => indent,
                    2 => indent + 2,
                    3 => indent.saturating_sub(2),
                    4 => 0,
                    _ => random(7),
                };
                text.push_str(&" ".repeat(indent));
                text.push_str(SHAPES[random(SHAPES.len())]);
                text.push_str(match random(40) {
                    0 => "\r",
                    1..=4 => "\r\n",
                    _ => "\n",
                });
                if random(30) == 0 {
                    text.push('\n');
                }
            }
            assert!(super::super::stream_agrees_with_general(&text), "{text:?}");
        }
    }
}
