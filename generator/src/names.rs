//! Rust identifiers from names found in a spec: valid, keyword-safe, ASCII, collision-free.

use std::collections::{BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// True when `s` is a Rust keyword.
pub fn is_keyword(s: &str) -> bool {
    // Strict and reserved keywords of Rust 2021 (and the weak ones that cannot be type names);
    // a `match` compares by length first, which a list search does not.
    matches!(
        s,
        "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "union"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// True when `s` is a type name that would shadow a prelude or std item used by generated code.
fn is_reserved_type(s: &str) -> bool {
    matches!(
        s,
        "Option"
            | "Some"
            | "None"
            | "Result"
            | "Ok"
            | "Err"
            | "String"
            | "Vec"
            | "Box"
            | "Self"
            | "Value"
            | "Map"
            | "BTreeMap"
            | "Default"
            | "Clone"
            | "Copy"
            | "Debug"
            | "Send"
            | "Sync"
            | "Sized"
            | "Serialize"
            | "Deserialize"
            | "Client"
            | "Api"
            | "Error"
            | "ApiError"
            | "ClientError"
            | "Credentials"
            | "IntoResponse"
            | "Response"
            | "Router"
            | "Future"
            | "Schema"
            | "Infallible"
            | "Fn"
            | "Drop"
    )
}

/// Replaces characters that cannot appear in a Rust identifier by word breaks. A name with no
/// ASCII letter or digit at all (emoji, other scripts) is spelled by its code points so that
/// different names stay different.
fn ascii_words(name: &str) -> String {
    if name.chars().any(|c| c.is_ascii_alphanumeric()) {
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect()
    } else {
        name.chars()
            .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
            .map(|c| format!(" u{:x}", c as u32))
            .collect()
    }
}

/// The case conversions of names seen before on this thread, by conversion and name: the same
/// names (`success`, `_id`, a shared parameter) come back again and again, and a conversion
/// costs thousands of instructions. Forgotten when it grows large.
fn converted(snake: bool, name: &str) -> String {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static SEEN: RefCell<[HashMap<String, String>; 2]> = RefCell::default();
    }
    const MAX_NAMES: usize = 1 << 16;
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        let memo = &mut seen[usize::from(snake)];
        if let Some(done) = memo.get(name) {
            return done.clone();
        }
        let words = ascii_words(name);
        let done = if snake {
            words.to_snake_case()
        } else {
            words.to_upper_camel_case()
        };
        if memo.len() >= MAX_NAMES {
            memo.clear();
        }
        memo.insert(name.to_owned(), done.clone());
        done
    })
}

/// A `snake_case` identifier for `name`; `fallback` when nothing usable is left.
pub fn snake_ident(name: &str, fallback: &str) -> String {
    let mut s = converted(true, name);
    if s.is_empty() {
        s = fallback.to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    if is_keyword(&s) || s == "_" {
        s.push('_');
    }
    s
}

/// An `UpperCamelCase` identifier for `name`; `fallback` when nothing usable is left.
pub fn pascal_ident(name: &str, fallback: &str) -> String {
    let mut s = converted(false, name);
    if s.is_empty() {
        s = fallback.to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'N');
    }
    if is_keyword(&s) || is_reserved_type(&s) {
        s.push('_');
    }
    s
}

/// An `UpperCamelCase` enum variant name (prelude names such as `Ok` are fine for variants).
pub fn variant_ident(name: &str, fallback: &str) -> String {
    let mut s = converted(false, name);
    if s.is_empty() {
        s = fallback.to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// A `SCREAMING_SNAKE_CASE` identifier made from a type name.
pub fn screaming_ident(name: &str) -> String {
    snake_ident(name, "item").to_ascii_uppercase()
}

/// A set of identifiers in one scope; `claim` hands out distinct names deterministically.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    used: BTreeSet<String>,
    /// For a base found taken: where its next probe starts (names are never released, so
    /// every suffix below it is still taken; without this, n claims of one base cost n²).
    next: HashMap<String, u64>,
}

impl Namespace {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope where `names` are already taken.
    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Namespace {
            used: names.into_iter().map(str::to_owned).collect(),
            next: HashMap::new(),
        }
    }

    /// Takes `name` itself, or nothing when it is taken.
    pub fn claim_exact(&mut self, name: &str) -> bool {
        self.used.insert(name.to_owned())
    }

    /// Takes `base` if free, else the first free `base_2`, `base_3`, … (`Base2` for type names).
    pub fn claim(&mut self, base: &str) -> String {
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        // `Self_` (a keyword escaped) continues as `Self2`: `Self_2` is not UpperCamelCase;
        // `self_` as `self_2`: `self__2` is not snake_case.
        let stem = base.trim_end_matches('_');
        let camel = base.starts_with(|c: char| c.is_ascii_uppercase()) && !stem.contains('_');
        let start = self.next.get(base).copied().unwrap_or(2);
        for n in start.. {
            let candidate = if camel {
                format!("{stem}{n}")
            } else {
                format!("{stem}_{n}")
            };
            if self.used.insert(candidate.clone()) {
                self.next.insert(base.to_owned(), n + 1);
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

/// Splits an identifier-ish string into lower-case ASCII words (`getAPIv1-users` → get, api, v1, users).
pub fn words(s: &str) -> Vec<String> {
    ascii_words(s)
        .to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Methods the generated `Client` has besides the operations (its own, `Clone`'s and `Debug`'s).
const CLIENT_METHODS: &[&str] = &[
    "new",
    "with_http_client",
    "with_credentials",
    "set_credentials",
    "with_token_provider",
    "with_retry",
    "with_timeout",
    "with_hook",
    "base_url",
    "authenticate",
    "call",
    "send",
    "clone",
    "clone_from",
    "fmt",
];

/// The generated `Client`'s method names: its own and `operations`' (for naming more methods).
pub fn client_methods<'a>(operations: impl IntoIterator<Item = &'a str>) -> Namespace {
    Namespace::with_reserved(CLIENT_METHODS.iter().copied().chain(operations))
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Operation names that read like hand-written code.
///
/// The rule: split each operationId into words and set aside a leading HTTP-method word. The
/// longest run of leading words that at least half of the operations share, cut after its last
/// version word (`v1`, `v2`, …), is the API's base path repeated in every id — Rocket.Chat's
/// `<method>-api-v1-…` gives `api v1` — and is removed wherever it appears, as long as a word is
/// left after it. Without a version word in that run nothing is removed. Operations without an operationId
/// are named from their method and path. Results are `snake_case` and made distinct in order.
pub fn operation_names(raw: &[(String, Option<String>, String)]) -> Vec<String> {
    // raw: (method, operationId, path)
    let split: Vec<(Option<String>, Vec<String>)> = raw
        .iter()
        .map(|(method, id, path)| {
            let ws = match id.as_deref().map(words) {
                Some(ws) if !ws.is_empty() => ws,
                _ => {
                    let mut w = vec![method.to_ascii_lowercase()];
                    w.extend(words(path));
                    w
                }
            };
            match ws.first() {
                Some(first) if METHODS.contains(&first.as_str()) && ws.len() > 1 => {
                    (Some(first.clone()), ws[1..].to_vec())
                }
                _ => (None, ws),
            }
        })
        .collect();
    let noise = common_noise(&split.iter().map(|(_, w)| w.as_slice()).collect::<Vec<_>>());
    // Operations become methods of the generated `Client` next to its own methods.
    let mut ns = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
    split
        .iter()
        .map(|(method, ws)| {
            let rest: &[String] =
                if !noise.is_empty() && ws.len() > noise.len() && ws.starts_with(&noise) {
                    &ws[noise.len()..]
                } else {
                    ws
                };
            let mut all: Vec<&str> = method.iter().map(String::as_str).collect();
            all.extend(rest.iter().map(String::as_str));
            ns.claim(&snake_ident(&all.join("_"), "operation"))
        })
        .collect()
}

/// The longest leading run of words shared by at least half of the word lists (each keeping a
/// word after it), cut after its last version word.
fn common_noise(lists: &[&[String]]) -> Vec<String> {
    let mut prefix = majority_prefix(lists);
    let is_version =
        |w: &str| w.len() > 1 && w.starts_with('v') && w[1..].chars().all(|c| c.is_ascii_digit());
    match prefix.iter().rposition(|w| is_version(w)) {
        Some(i) => {
            prefix.truncate(i + 1);
            prefix
        }
        None => Vec::new(),
    }
}

fn majority_prefix(lists: &[&[String]]) -> Vec<String> {
    if lists.len() < 2 {
        return Vec::new();
    }
    let mut prefix: Vec<String> = Vec::new();
    loop {
        let depth = prefix.len();
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for l in lists {
            if l.len() > depth + 1 && l.starts_with(&prefix) {
                *counts.entry(l[depth].as_str()).or_default() += 1;
            }
        }
        match counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        {
            Some((word, n)) if n * 2 >= lists.len() => prefix.push(word.to_owned()),
            _ => return prefix,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idents() {
        assert_eq!(snake_ident("_id", "f"), "id");
        assert_eq!(snake_ident("type", "f"), "type_");
        assert_eq!(snake_ident("self", "f"), "self_");
        assert_eq!(snake_ident("1st", "f"), "n1st");
        assert_eq!(snake_ident(":smile:", "f"), "smile");
        assert_eq!(snake_ident("", "f"), "f");
        assert_eq!(snake_ident("😀", "f"), "u1f600");
        assert_eq!(pascal_ident("Self", "T"), "Self_");
        assert_eq!(pascal_ident("a::b{c}\n", "T"), "ABC");
        assert_eq!(pascal_ident("9lives", "T"), "N9lives");
    }

    #[test]
    fn namespace_is_deterministic() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("id"), "id");
        assert_eq!(ns.claim("id"), "id_2");
        assert_eq!(ns.claim("Foo"), "Foo");
        assert_eq!(ns.claim("Foo"), "Foo2");
    }

    #[test]
    fn operation_noise_is_stripped() {
        let raw = vec![
            (
                "post".into(),
                Some("post-api-v1-livechat-custom.fields".into()),
                "/api/v1/livechat/custom.fields".into(),
            ),
            (
                "get".into(),
                Some("get-api-v1-livechat-users-type".into()),
                "/api/v1/livechat/users/{type}".into(),
            ),
            ("get".into(), None, "/api/v1/x/{id}".into()),
        ];
        assert_eq!(
            operation_names(&raw),
            vec![
                "post_livechat_custom_fields",
                "get_livechat_users_type",
                "get_x_id"
            ]
        );
        let raw = vec![
            ("get".into(), Some("getUser".into()), "/users".into()),
            (
                "get".into(),
                Some("get-api-v1-x".into()),
                "/api/v1/x".into(),
            ),
            (
                "get".into(),
                Some("get-api-v1-y".into()),
                "/api/v1/y".into(),
            ),
        ];
        assert_eq!(operation_names(&raw), vec!["get_user", "get_x", "get_y"]);
        let raw = vec![
            (
                "get".into(),
                Some("get-api-apps".into()),
                "/api/apps".into(),
            ),
            (
                "get".into(),
                Some("get-api-other".into()),
                "/api/other".into(),
            ),
        ];
        assert_eq!(operation_names(&raw), vec!["get_api_apps", "get_api_other"]);
    }
}
