//! The intermediate model → Rust source files of a generated crate.
//!
//! One submodule per output file: [`models`], [`operations`], [`server`], [`client`],
//! [`schemas`] (validation rules), [`tests`] (the crate's own tests) and [`manifest`]
//! (Cargo.toml and lib.rs). Static support code lives in `generator/runtime/` and is copied.

pub mod client;
pub mod docs;
pub mod manifest;
pub mod models;
pub mod operations;
pub mod schemas;
pub mod server;
pub mod tests;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::diagnostics::{Error, Result};
use crate::ir::{Api, TypeRef};

/// Options for emitting a crate.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Cargo package name.
    pub crate_name: String,
    /// The inputs as they should be named in file headers.
    pub source_names: Vec<String>,
    /// The command that regenerates the crate (named in file headers).
    pub regenerate_with: String,
    /// Add an empty `[workspace]` table so the crate builds on its own anywhere.
    pub standalone: bool,
}

/// The files of a generated crate, by path relative to the crate root.
pub type Files = BTreeMap<String, String>;

/// Makes the tokens of one Rust file (run on any worker thread: token streams are not `Send`).
type RustFile<'a> = (&'static str, Box<dyn Fn() -> TokenStream + Sync + 'a>);

/// Emits every file of the crate.
pub fn emit(api: &Api, options: &EmitOptions) -> Result<Files> {
    let mut files = Files::new();
    let header = header(options, "//");
    let krate = options.crate_name.replace('-', "_");
    let rust: Vec<RustFile> = vec![
        ("src/lib.rs", Box::new(|| manifest::lib_rs(api, options))),
        ("src/models.rs", Box::new(|| models::emit(api))),
        ("src/operations.rs", Box::new(|| operations::emit(api))),
        ("src/server.rs", Box::new(|| server::emit(api))),
        ("src/schemas.rs", Box::new(|| schemas::emit(api))),
        ("src/client.rs", Box::new(|| client::emit(api))),
        (
            "tests/examples.rs",
            Box::new(|| tests::examples(api, &krate)),
        ),
        (
            "tests/server_client.rs",
            Box::new(|| tests::server_client(api, &krate)),
        ),
    ];
    for (name, text) in rust.iter().map(|f| f.0).zip(format_files(&rust)) {
        files.insert(name.to_owned(), format!("{header}\n{}", text?));
    }
    let mut add = |r: Result<(String, String)>| -> Result<()> {
        let (k, v) = r?;
        files.insert(k, v);
        Ok(())
    };
    for (name, text) in RUNTIME {
        add(Ok((format!("src/rt/{name}"), format!("{header}\n{text}"))))?;
    }
    add(Ok((
        "Cargo.toml".to_owned(),
        format!(
            "{}\n{}",
            self::header(options, "#"),
            manifest::cargo_toml(api, options)
        ),
    )))?;
    Ok(files)
}

/// Makes and formats each file, in order. Formatting (syn + prettyplease) is most of the
/// generator's time and the files are independent, so they are shared out over the cores.
fn format_files(files: &[RustFile]) -> Vec<Result<String>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let one = |(name, make): &RustFile| format_tokens(name, make());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    if workers <= 1 {
        return files.iter().map(one).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Result<String>>>> = Mutex::new(files.iter().map(|_| None).collect());
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(file) = files.get(i) else { break };
        let out = one(file);
        done.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(out);
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            // As deep a stack as the main thread's: syn and prettyplease recurse on nesting.
            let spawned = std::thread::Builder::new()
                .stack_size(16 << 20)
                .spawn_scoped(scope, work);
            if spawned.is_err() {
                break;
            }
        }
        work();
    });
    done.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| unreachable!("every file is formatted")))
        .collect()
}

/// Static support modules copied into every crate.
const RUNTIME: [(&str, &str); 4] = [
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("server.rs", include_str!("../../runtime/server.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("validate.rs", include_str!("../../runtime/validate.rs")),
];

/// The comment that opens every generated file. Rust files also tell rustfmt to leave them
/// alone (the generator formats them itself), so `cargo fmt --all` never makes them stale.
fn header(options: &EmitOptions, comment: &str) -> String {
    // File names end up inside a line comment: no character may end that line.
    let clean = |s: &str| {
        s.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect::<String>()
    };
    let sources = clean(&options.source_names.join(", "));
    let regenerate = clean(&options.regenerate_with);
    let skip = if comment == "//" {
        "#![cfg_attr(rustfmt, rustfmt::skip)]\n"
    } else {
        ""
    };
    format!(
        "{comment} @generated by the `generator` crate from {sources}.\n{comment} Do not edit: regenerate with `{regenerate}`.\n{skip}"
    )
}

/// Parses and pretty-prints generated tokens, one item at a time: prettyplease prints a file
/// as its items one after the other, so the text is the same as the whole file's, and only one
/// item's syntax tree is ever held (a third of the memory, and of the page faults, of parsing
/// the whole file at once).
pub fn format_tokens(file: &str, tokens: TokenStream) -> Result<String> {
    let parse = |tokens| {
        syn::parse2::<syn::File>(tokens).map_err(|e| Error::Internal {
            file: file.to_owned(),
            message: e.to_string(),
        })
    };
    let mut out = String::new();
    let mut items = split_items(tokens).into_iter();
    while let Some(item) = items.next() {
        match parse(item.clone()) {
            Ok(parsed) => out.push_str(&prettyplease::unparse(&parsed)),
            // Cut where no item ends (only a brace block in an item's header could do that):
            // the rest of the file is formatted in one piece.
            Err(_) => {
                let rest: TokenStream = std::iter::once(item).chain(items).collect();
                out.push_str(&prettyplease::unparse(&parse(rest)?));
                break;
            }
        }
    }
    Ok(out)
}

/// Cuts a file's tokens after each item: after a top-level `;`, and after a top-level brace
/// block that no `;` follows. Inner attributes go with the first item.
fn split_items(tokens: TokenStream) -> Vec<TokenStream> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut items = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut after_block = false;
    for tt in tokens {
        let semicolon = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';');
        if after_block && !semicolon {
            items.push(current.drain(..).collect());
        }
        after_block = matches!(&tt, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
        current.push(tt);
        if semicolon {
            items.push(current.drain(..).collect());
        }
    }
    if !current.is_empty() {
        items.push(current.into_iter().collect());
    }
    items
}

/// A string literal for generated text (doc lines, JSON texts): raw (`r#"..."#`) when the text
/// has no control character, which skips escaping every character (a measurable share of the
/// generator's time) and reads better; escaped otherwise.
pub fn text_literal(text: &str) -> proc_macro2::Literal {
    if text.contains(|c: char| c.is_control()) {
        return proc_macro2::Literal::string(text);
    }
    // One more `#` than the longest run of `#` after a `"` in the text (one pass).
    let (mut longest, mut run, mut after_quote) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '#' if after_quote => {
                run += 1;
                longest = longest.max(run);
            }
            '"' => {
                after_quote = true;
                run = 0;
            }
            _ => after_quote = false,
        }
    }
    let hashes = "#".repeat(longest + 1);
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| proc_macro2::Literal::string(text))
}

/// An identifier token.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for a [`TypeRef`], with named types referred to by bare name.
pub fn type_tokens(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(String),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Object => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Bytes => quote!(Vec<u8>),
        TypeRef::Named(id) => {
            let name = ident(&api.types[id.0].name);
            quote!(#name)
        }
        TypeRef::Vec(t) => {
            let t = type_tokens(api, t);
            quote!(Vec<#t>)
        }
        TypeRef::Map(t) => {
            let t = type_tokens(api, t);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        TypeRef::Nullable(t) => {
            let t = type_tokens(api, t);
            quote!(Option<#t>)
        }
        TypeRef::Boxed(t) => {
            let t = type_tokens(api, t);
            quote!(Box<#t>)
        }
    }
}

#[cfg(test)]
mod literal_tests {
    use super::text_literal;

    #[test]
    fn text_literals_are_raw_when_they_can_be_and_always_mean_the_text() {
        for text in [
            "plain",
            r#"{"a":"b"}"#,
            "ends with a quote\"",
            "quote then hashes \"## and \"#",
            "",
            "line\nbreak",
            "nul \0 byte",
        ] {
            let literal = text_literal(text);
            let parsed: syn::LitStr =
                syn::parse2(quote::quote!(#literal)).expect("a string literal");
            assert_eq!(parsed.value(), text);
        }
        assert_eq!(text_literal("x\"#y").to_string(), "r##\"x\"#y\"##");
        assert_eq!(text_literal("a\tb").to_string(), "\"a\\tb\"");
    }
}

#[cfg(test)]
mod format_tests {
    use super::format_tokens;
    use quote::quote;

    /// Item by item, the text is what formatting the whole file gives, including where a brace
    /// block in an item's header makes a cut that is not between items.
    #[test]
    fn formatting_item_by_item_gives_the_whole_files_text() {
        let files = [
            quote! {
                #![allow(dead_code)]
                //! Module docs.
                use std::fmt;
                /// A constant built with a struct expression.
                pub const ORIGIN: Point = Point { x: 0, y: 0 };
                pub struct Point { x: i32, y: i32 }
                struct Unit;
                impl fmt::Display for Point {
                    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "{}", self.x) }
                }
                static TABLE: [u8; 2] = [1, 2];
                macro_rules! m { () => {}; }
                m!();
            },
            quote! {
                struct Wrapper<const N: usize>;
                impl Wrapper<{ 1 + 2 }> { fn three() -> usize { 3 } }
                fn after() {}
            },
            quote! {},
        ];
        for tokens in files {
            let whole = prettyplease::unparse(&syn::parse2(tokens.clone()).expect("valid file"));
            assert_eq!(format_tokens("test.rs", tokens).expect("formats"), whole);
        }
        assert!(format_tokens("bad.rs", quote! { fn broken() -> {} }).is_err());
    }
}
