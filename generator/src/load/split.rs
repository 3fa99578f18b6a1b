//! Parsing a large YAML document on two threads: its text is cut at a key of the `paths`
//! mapping (most of any OpenAPI document). One thread parses the path items from that key to the
//! end of `paths`, in place (an indented block mapping is a document of its own); the other
//! parses everything else, as the text before the cut and the top-level keys after `paths`
//! (appended in order). The second's path items are then appended to the first's, in order.
//! No part of the text is copied.
//!
//! A cut is made only where it cannot change what the text means. Block scalars and plain
//! scalars end at any line indented no more than their key, so they never span a cut: the cut
//! lines are `paths` keys (indented less than anything inside a path item) and the first
//! top-level key after `paths`. Quoted scalars and flow collections may span lines at any
//! indentation, so [`cut`] refuses any document where one is not closed on the line it opens on;
//! it also refuses anchors (an alias in one half could name an anchor the other redefines; with
//! no anchor, an alias fails to parse), directives, several documents, tab indentation, a lone
//! carriage return, and `paths` entries that are not keys at one indentation. Anything unusual,
//! a parse that fails or a path that is in both halves, gives `None`, and the caller parses the
//! whole text as before.

use serde_json::Value;

/// Documents shorter than this (in bytes) are parsed on one thread (a thread costs more).
const MIN_BYTES: usize = 64 * 1024;

/// The document parsed from two halves on two threads, or `None` (see the module docs).
pub(super) fn parse_in_halves(text: &str) -> Option<Value> {
    if text.len() < MIN_BYTES {
        return None;
    }
    let cuts = cuts(text)?;
    let target = cuts.end.saturating_sub(text.len() / 2);
    let at = *cuts.keys.iter().min_by_key(|s| s.abs_diff(target))?;
    parse_cut(text, at, cuts.end, true)
}

/// True when every cut [`cuts`] allows in `text` (ten of them, spread, for a long `paths`)
/// gives the whole parse's value, or is given up: never a different value, never a value for a
/// text the whole parse refuses. Also true when the text cannot be cut. For tests and the fuzz
/// harness.
pub(super) fn every_cut_agrees(text: &str) -> bool {
    let Some(cuts) = cuts(text) else { return true };
    let whole = super::parse_yaml_whole("cut.yaml", text, 0).ok();
    let step = cuts.keys.len().div_ceil(10).max(1);
    cuts.keys.iter().step_by(step).all(|&at| {
        let joined = parse_cut(text, at, cuts.end, false);
        joined.is_none() || joined == whole
    })
}

/// The document cut at the `paths` key that starts at `at` (the path items after it running
/// to `end`), its two parts parsed on two threads when `parallel`.
fn parse_cut(text: &str, at: usize, end: usize, parallel: bool) -> Option<Value> {
    let outside = || parse_outside(text, at, end);
    let paths = || super::one_pass(&text[at..end]);
    let (first, second) = if parallel {
        crate::workers::both(outside, paths)
    } else {
        (outside(), paths())
    };
    join(first?, second?)
}

/// The document without the path items from `at` to `end`: the text before them, with the
/// top-level keys after them (parsed on their own) appended in order.
fn parse_outside(text: &str, at: usize, end: usize) -> Option<Value> {
    let mut head = super::one_pass(&text[..at])?;
    if end < text.len() {
        append(head.as_object_mut()?, super::one_pass(&text[end..])?)?;
    }
    Some(head)
}

/// Appends the path items `tail` (a mapping) to `first`'s `paths`.
fn join(mut first: Value, tail: Value) -> Option<Value> {
    append(first.get_mut("paths")?.as_object_mut()?, tail)?;
    Some(first)
}

/// Appends the members of `tail` (a mapping) to `map`, in order; `None` when `tail` is not a
/// mapping or has a key `map` has (the whole text has it twice, which the whole parse refuses).
fn append(map: &mut serde_json::Map<String, Value>, tail: Value) -> Option<()> {
    let Value::Object(tail) = tail else {
        return None;
    };
    for (key, value) in tail {
        if map.contains_key(&key) {
            return None;
        }
        map.insert(key, value);
    }
    Some(())
}

/// Where `text` can be cut, or `None` when it cannot be cut safely.
fn cuts(text: &str) -> Option<Cuts> {
    let lines = layout(text)?;
    // The one top-level `paths` key, in plain block style.
    let paths: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].indent == 0)
        .filter(|&i| {
            let content = &text[lines[i].start..lines[i].end];
            ["paths:", "\"paths\"", "'paths'"]
                .iter()
                .any(|k| content.starts_with(k))
        })
        .collect();
    let [paths] = paths[..] else { return None };
    let rest = text[lines[paths].start..lines[paths].end].strip_prefix("paths:")?;
    if !(rest.trim().is_empty() || rest.trim_start().starts_with('#') && rest.starts_with(' ')) {
        return None;
    }
    // Its entries: the lines up to the next top-level line, keys all at one indentation.
    let end_line = lines[paths + 1..]
        .iter()
        .position(|l| l.indent == 0)
        .map_or(lines.len(), |p| paths + 1 + p);
    let section = &lines[paths + 1..end_line];
    let indent = section.first()?.indent;
    if section.iter().any(|l| l.indent < indent) {
        return None;
    }
    let keys: Vec<&Line> = section.iter().filter(|l| l.indent == indent).collect();
    if keys.iter().any(|l| !l.key) || keys.len() < 2 {
        return None;
    }
    let end = lines.get(end_line).map_or(text.len(), |l| l.line_start);
    Some(Cuts {
        keys: keys[1..].iter().map(|l| l.line_start).collect(),
        end,
    })
}

/// Where a document can be cut: at the start of any of `keys` (every `paths` key but the
/// first), the second text running to `end`.
struct Cuts {
    keys: Vec<usize>,
    end: usize,
}

/// A line that holds YAML content (not blank, not a comment, not inside a block scalar).
#[derive(Debug)]
struct Line {
    /// Offset of the line's first byte.
    line_start: usize,
    /// Offset of its content (after the indentation) and of its end (before the line break).
    start: usize,
    end: usize,
    /// Spaces before the content.
    indent: usize,
    /// The line starts with a mapping key.
    key: bool,
}

/// The content lines of a document whose every line can be read on its own, or `None`.
fn layout(text: &str) -> Option<Vec<Line>> {
    // A carriage return is a line break of its own unless a line feed follows.
    let bytes = text.as_bytes();
    if memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n')) {
        return None;
    }
    let mut lines = Vec::with_capacity(text.len() / 32);
    // Inside a block scalar: its parent's indentation and, once seen, its own.
    let mut block: Option<(usize, Option<usize>)> = None;
    let mut breaks = memchr::memchr_iter(b'\n', bytes);
    let mut line_start = 0;
    while line_start < text.len() {
        let (line_end, next) = breaks
            .next()
            .map_or((text.len(), text.len()), |i| (i, i + 1));
        // Line breaks are ASCII: both ends are character boundaries.
        let line = &text[line_start..line_end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indent = leading_spaces(line.as_bytes());
        let content = &line[indent..];
        let here = line_start;
        line_start = next;
        if let Some((parent, own)) = block {
            if content.is_empty() {
                continue;
            }
            match own {
                None if indent > parent => {
                    block = Some((parent, Some(indent)));
                    continue;
                }
                Some(own) if indent >= own => continue,
                _ => block = None,
            }
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with('\t') {
            return None;
        }
        if indent == 0 && ["---", "...", "%"].iter().any(|m| content.starts_with(m)) {
            return None;
        }
        let read = read_node(content, indent)?;
        if let Some(parent) = read.block_parent {
            block = Some((parent, None));
        }
        lines.push(Line {
            line_start: here,
            start: here + indent,
            end: here + line.len(),
            indent,
            key: read.key,
        });
    }
    Some(lines)
}

/// How many spaces `line` starts with (eight bytes compared at a time: YAML documents are
/// deeply indented, and every line is measured).
pub(super) fn leading_spaces(line: &[u8]) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let mut chunks = line.chunks_exact(8);
    let mut counted = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let other = u64::from_le_bytes(word) ^ SPACES;
        if other != 0 {
            return counted + other.trailing_zeros() as usize / 8;
        }
        counted += 8;
    }
    counted
        + chunks
            .remainder()
            .iter()
            .take_while(|&&b| b == b' ')
            .count()
}

/// What [`read_node`] found on a line.
struct Read {
    /// The line starts with a mapping key.
    key: bool,
    /// A block scalar starts at the end of the line; its parent's indentation.
    block_parent: Option<usize>,
}

/// Reads the node that starts a line's content at column `col`; `None` when the line holds
/// anything [`cut`] refuses. The line may also go on a multi-line plain scalar, where what
/// looks like a node is text: reading it as a node then only ever refuses more.
fn read_node(mut s: &str, mut col: usize) -> Option<Read> {
    let mut parent = col;
    let mut key = true;
    // Sequence entries and explicit keys: `- `, `? `, possibly nested (`- - x`).
    while s == "-" || s == "?" || s.starts_with("- ") || s.starts_with("? ") {
        parent = col;
        let rest = s[1..].trim_start_matches(' ');
        col += s.len() - rest.len();
        s = rest;
        key = false;
    }
    let s = properties(s)?;
    let plain = Read {
        key: false,
        block_parent: None,
    };
    if s.is_empty() || s.starts_with('#') {
        return Some(plain);
    }
    match s.as_bytes()[0] {
        b'"' | b'\'' | b'[' | b'{' => {
            let after = s[closed(s)?..].trim_start_matches([' ', '\t']);
            match after.strip_prefix(':') {
                Some(value) if value.is_empty() || value.starts_with([' ', '\t']) => Some(Read {
                    key,
                    block_parent: read_value(value, col)?,
                }),
                _ => Some(plain),
            }
        }
        b'|' | b'>' if block_header(s) => Some(Read {
            key: false,
            block_parent: Some(parent),
        }),
        _ => match plain_key_end(s) {
            Some(end) => Some(Read {
                key,
                block_parent: read_value(&s[end + 1..], col)?,
            }),
            None => Some(plain),
        },
    }
}

/// Skips the tags before a node (`!tag`, `!!str`); `None` at an anchor (`&name`): an alias in
/// one half could name an anchor that the other half redefines.
fn properties(mut s: &str) -> Option<&str> {
    loop {
        match s.as_bytes().first() {
            Some(b'&') => return None,
            Some(b'!') => {
                let end = s.find([' ', '\t']).unwrap_or(s.len());
                s = s[end..].trim_start_matches([' ', '\t']);
            }
            _ => return Some(s),
        }
    }
}

/// Reads a value after `key:` (the key at column `key_col`): `Some(Some(parent))` when a block
/// scalar starts, `Some(None)` for anything else this module reads, `None` otherwise.
fn read_value(value: &str, key_col: usize) -> Option<Option<usize>> {
    let value = properties(value.trim_start_matches([' ', '\t']))?;
    match value.as_bytes().first() {
        Some(b'"' | b'\'' | b'[' | b'{') => closed(value).map(|_| None),
        Some(b'|' | b'>') if block_header(value) => Some(Some(key_col)),
        _ => Some(None),
    }
}

/// True for a block scalar header (`|`, `>-`, `|+ # comment`). An explicit indentation
/// indicator is not taken (the content's indentation is then not its first line's), and the
/// text is read as text: where it is a header, the line after is refused or read as a node.
fn block_header(s: &str) -> bool {
    let rest = s[1..].trim_start_matches(['+', '-']);
    let spaced = rest.starts_with([' ', '\t']);
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.is_empty() || (spaced && rest.starts_with('#'))
}

/// Where a plain key ends (the `:` of `key: value` or `key:`), unless a comment comes first.
fn plain_key_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut after_space = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) => return Some(i),
            b'#' if after_space => return None,
            _ => {}
        }
        after_space = matches!(b, b' ' | b'\t');
    }
    None
}

/// The offset just past the quoted scalar or flow collection that starts `s`, when it closes
/// on this line; `None` otherwise (and for any quote in a flow collection that does not start
/// a scalar, anchors, aliases and tags).
fn closed(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    match bytes[0] {
        b'"' => {
            let mut i = 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        b'\'' => {
            let mut i = 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(i + 1);
                }
                i += 1;
            }
            None
        }
        _ => {
            // A flow collection: nesting counted, quoted scalars skipped where a node starts.
            let mut depth = 0usize;
            let mut node_start = true;
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                match b {
                    b'[' | b'{' => {
                        depth += 1;
                        node_start = true;
                    }
                    b']' | b'}' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                        node_start = false;
                    }
                    b',' | b':' => node_start = true,
                    b' ' => {}
                    b'"' | b'\'' if node_start => {
                        i += closed(&s[i..])?;
                        node_start = false;
                        continue;
                    }
                    b'"' | b'\'' | b'#' | b'&' | b'*' | b'!' | b'?' | b'|' | b'>' | b'\t' => {
                        return None
                    }
                    _ => node_start = false,
                }
                i += 1;
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parsed whole, as the caller would without this module (`None`: the text is refused).
    fn whole(text: &str) -> Option<Value> {
        super::super::parse_yaml_whole("t.yaml", text, 0).ok()
    }

    /// Asserts that every allowed cut agrees with the whole parse ([`super::every_cut_agrees`]);
    /// returns how many cuts were allowed.
    fn every_cut_agrees(text: &str) -> usize {
        assert!(
            super::every_cut_agrees(text),
            "a cut reads differently:\n{text}"
        );
        cuts(text).map_or(0, |c| c.keys.len())
    }

    #[test]
    fn published_documents_are_cut_anywhere_without_changing_them() {
        let mut cut = 0;
        for path in super::super::published_documents() {
            let text = std::fs::read_to_string(&path).expect("reads");
            if every_cut_agrees(&text) > 0 {
                cut += 1;
            }
            if text.len() >= MIN_BYTES && cuts(&text).is_some() {
                assert_eq!(parse_in_halves(&text), whole(&text), "{}", path.display());
            }
        }
        assert!(cut >= 10, "published documents can be cut ({cut} of 12)");
    }

    /// A document with `body` as the `paths` mapping (two spaces of indentation), with other
    /// top-level keys around it.
    fn document(body: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n{body}components:\n  schemas: {{}}\n"
        )
    }

    #[test]
    fn leading_spaces_are_counted_eight_at_a_time_and_one_by_one() {
        for line in [
            "",
            " ",
            "x",
            "  a: b",
            "        ",
            "         x",
            "\tx",
            " \u{a0}x",
        ] {
            for pad in 0..20 {
                let text = format!("{}{line}", " ".repeat(pad));
                let expected = text.len() - text.trim_start_matches(' ').len();
                assert_eq!(leading_spaces(text.as_bytes()), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn plain_documents_are_cut_between_path_items() {
        let text = document(
            "  /a:\n    get:\n      description: |\n        it's a block\n        /b: not a key\n  /b:\n    get: {}\n  # a comment\n  /c:\n    description: >-\n      folded\n\n      text\n  /d: {get: {summary: \"x, y\"}}\n",
        );
        assert_eq!(every_cut_agrees(&text), 3);
        let text = document("  /a:\r\n    get: {}\r\n  /b:\r\n    get: {}\r\n");
        assert_eq!(every_cut_agrees(&text), 1, "CRLF line breaks");
    }

    /// The path items after the cut are parsed where they are, indented; the keys after
    /// `paths` (when there are any) apart from the text before the cut.
    #[test]
    fn each_part_is_parsed_in_place() {
        let body = "  /a:\n    get: {}\n  /b:\n    get:\n      summary: b\n  /c: {}\n";
        let with_tail = document(body);
        let last = format!("openapi: 3.0.3\npaths:\n{body}");
        for text in [&with_tail, &last] {
            let cuts = cuts(text).expect("cuts");
            for &at in &cuts.keys {
                let parsed = parse_cut(text, at, cuts.end, false);
                assert!(parsed.is_some(), "cut at {at}:\n{text}");
                assert_eq!(parsed, whole(text));
            }
        }
        let keys: Vec<String> = whole(&with_tail)
            .and_then(|v| v.as_object().map(|m| m.keys().cloned().collect()))
            .unwrap_or_default();
        assert_eq!(keys, ["openapi", "info", "paths", "components"]);
        // A top-level key after `paths` that is also before it: refused, as the whole parse
        // refuses it.
        let twice = format!("{with_tail}info: {{}}\n");
        let cuts = cuts(&twice).expect("cuts");
        assert_eq!(parse_cut(&twice, cuts.keys[0], cuts.end, false), None);
        assert_eq!(whole(&twice), None);
    }

    /// Texts a cut could misread are refused (or, where a cut is allowed, still agree).
    #[test]
    fn texts_a_cut_could_misread_are_refused() {
        let refused = [
            // Quoted scalars and flow collections that go on past their line.
            "  /a:\n    description: \"first\n  /b:\n    x\"\n  /c: {}\n",
            "  /a:\n    description: 'first\n  /b: x'\n  /c: {}\n",
            "  /a: [1,\n  2]\n  /b: {}\n  /c: {}\n",
            "  /a: {get:\n  /b: x}\n  /c: {}\n",
            "  /a:\n    description:\n      \"starts on the next line\n  /b: {}\n  /c: x\"\n",
            "  /a:\n    description: \"escaped line break \\\n  /b: {}\n  /c: x\"\n",
            // Anchors (an alias could name one the other half redefines), complex keys.
            "  /a: &shared\n    get: {}\n  /b: *shared\n  /c: {}\n",
            "  /a: {get: &x {}}\n  /b: {}\n  /c: {}\n",
            "  ? /a\n  : {}\n  /b: {}\n  /c: {}\n",
            // Entries that are not keys at one indentation.
            "  - /a\n  - /b\n  - /c\n",
            "  /a: {}\n /b: {}\n  /c: {}\n",
            "  /a: {}\n\t/b: {}\n  /c: {}\n",
            "  /a: {}\r  /b: {}\n  /c: {}\n",
        ];
        for body in refused {
            assert!(cuts(&document(body)).is_none(), "{body:?}");
        }
        // Several documents, directives, a second `paths`, flow-style `paths`.
        for text in [
            format!("{}---\nother: 1\n", document("  /a: {}\n  /b: {}\n")),
            format!("%YAML 1.2\n---\n{}", document("  /a: {}\n  /b: {}\n")),
            format!("{}paths:\n  /c: {{}}\n", document("  /a: {}\n  /b: {}\n")),
            "openapi: 3.0.3\npaths: {/a: {}, /b: {}}\n".to_owned(),
        ] {
            assert!(cuts(&text).is_none(), "{text:?}");
        }
    }

    /// Texts mangled at random (quotes, brackets, block headers, anchors, indentation, line
    /// breaks put where they do not belong) are never read differently in halves: each cut
    /// either agrees with the whole parse or is given up.
    #[test]
    fn mangled_texts_are_never_read_differently() {
        let items: String = (0..12)
            .map(|i| {
                format!(
                    "  /p{i}:\n    get:\n      summary: it's item {i}\n      description: |\n        a \"block\" [x]\n        - not a list\n      parameters: [{{name: q, in: query}}]\n      responses:\n        '200':\n          description: 'ok {i}'\n"
                )
            })
            .collect();
        let base = document(&items);
        let lines: Vec<&str> = base.lines().collect();
        let pieces = [
            "\"", "'", "[", "{", "]", "}", "|", ">", "|2", "&a ", "*a", "? ", "- ", "#", "\t",
            "\r", " ", "  ", "---", ": ", "\"x\n", "'x\n", "[1,\n", "{a: \n",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut cut_at_least_once = 0;
        for _ in 0..300 {
            let mut mangled: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            for _ in 0..1 + next(3) {
                let line = next(mangled.len());
                let at = next(mangled[line].len() + 1);
                let at = (0..=at)
                    .rev()
                    .find(|&i| mangled[line].is_char_boundary(i))
                    .unwrap_or(0);
                mangled[line].insert_str(at, pieces[next(pieces.len())]);
            }
            let text = mangled.join("\n") + "\n";
            if every_cut_agrees(&text) > 0 {
                cut_at_least_once += 1;
            }
        }
        assert!(
            cut_at_least_once > 30,
            "most mangled texts can still be cut"
        );
    }

    /// Cuts that are allowed but whose halves do not join send the caller to the whole text.
    #[test]
    fn halves_that_do_not_join_are_given_up() {
        // The same path in both halves (the whole parse refuses the duplicate).
        let text = document("  /a:\n    get: {}\n  /b: {}\n  /a: {}\n");
        assert_eq!(every_cut_agrees(&text), 2);
        // A merge key: the fast parse of a half gives up.
        let text = document("  /a: {}\n  /b:\n    <<: {get: {}}\n  /c: {}\n");
        assert_eq!(every_cut_agrees(&text), 2);
        // A block scalar with an explicit indentation: its lines are read as nodes (they are
        // all indented more than its key, so they are never cut).
        let text = document("  /a:\n    description: |2\n       it's text\n  /b: {}\n  /c: {}\n");
        assert_eq!(every_cut_agrees(&text), 2);
        // Tags are read within their half.
        let text = document("  /a: !!map\n    get: {}\n  /b: !!map {}\n  /c: {}\n");
        assert_eq!(every_cut_agrees(&text), 2);
        // A multi-line plain scalar whose lines look like nodes.
        let text = document(
            "  /a:\n    description: first line\n      > quoted in markdown\n      `code` and *stars*\n      [link](https://example.com) text\n      \"quoted\" then text\n  /b: {}\n  /c: {}\n",
        );
        assert_eq!(every_cut_agrees(&text), 2);
        // Quotes inside plain scalars and comments are text, not quoted scalars.
        let text = document(
            "  /a:\n    summary: it's \"fine\" # isn't it\n  /b:\n    summary: x # \"\n  /c: {}\n",
        );
        assert_eq!(every_cut_agrees(&text), 2);
    }
}
