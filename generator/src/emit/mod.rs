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
pub mod syntax;
pub mod template;
pub mod tests;

use std::collections::BTreeMap;
use std::rc::Rc;

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

/// Makes the pieces of one Rust file (run on any worker thread: token streams and syntax
/// trees are not `Send`).
type RustFile<'a> = (&'static str, Box<dyn Fn() -> Vec<Piece<'a>> + Sync + 'a>);

/// A piece of a generated file, in order: tokens (of any number of items, read by syn and
/// then printed), one item built as a syntax tree ([`syntax`]), printed as it is, or pieces
/// made only when formatting reaches them.
#[derive(Clone)]
pub enum Piece<'a> {
    /// Tokens of whole items.
    Tokens(TokenStream),
    /// One item.
    Item(Box<syn::Item>),
    /// Pieces made when formatting reaches them: each item's tree is then printed while it is
    /// still in the cache, and its memory is reused for the next item's, instead of a whole
    /// file's trees being held at once (touching fresh memory costs more than building trees).
    Later(Rc<dyn Fn() -> Vec<Piece<'a>> + 'a>),
}

impl From<TokenStream> for Piece<'_> {
    fn from(tokens: TokenStream) -> Self {
        Piece::Tokens(tokens)
    }
}

impl From<syn::Item> for Piece<'_> {
    fn from(item: syn::Item) -> Self {
        Piece::Item(Box::new(item))
    }
}

impl<'a> Piece<'a> {
    /// Pieces `make` gives when formatting reaches them.
    pub fn later(make: impl Fn() -> Vec<Piece<'a>> + 'a) -> Self {
        Piece::Later(Rc::new(make))
    }

    /// The piece as tokens (an item's tokens read back as the same item).
    fn into_tokens(self) -> TokenStream {
        match self {
            Piece::Tokens(tokens) => tokens,
            Piece::Item(item) => quote::ToTokens::into_token_stream(*item),
            Piece::Later(make) => make().into_iter().map(Piece::into_tokens).collect(),
        }
    }
}

/// The pieces with every [`Piece::Later`] made now (the benchmarks time making and formatting
/// apart).
pub fn made(pieces: Vec<Piece<'_>>) -> Vec<Piece<'_>> {
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match piece {
            Piece::Later(make) => out.extend(made(make())),
            piece => out.push(piece),
        }
    }
    out
}

/// Emits every file of the crate.
pub fn emit(api: &Api, options: &EmitOptions) -> Result<Files> {
    let mut files = Files::new();
    let header = header(options, "//");
    let krate = options.crate_name.replace('-', "_");
    // Costliest first (measured on the Omnichannel API), so the threads finish together; the
    // last large file is one whose items are tokens, which cost nothing extra to hand to a
    // thread that has run out of files (a syntax tree goes over as text, to be parsed again).
    let rust: Vec<RustFile> = vec![
        ("src/server.rs", Box::new(|| server::emit(api))),
        ("src/models.rs", Box::new(|| models::emit(api))),
        ("src/client.rs", Box::new(|| client::emit(api))),
        ("src/operations.rs", Box::new(|| operations::emit(api))),
        (
            "tests/server_client.rs",
            Box::new(|| tests::server_client(api, &krate)),
        ),
        (
            "tests/examples.rs",
            Box::new(|| tests::examples(api, &krate)),
        ),
        (
            "src/schemas.rs",
            Box::new(|| vec![schemas::emit(api).into()]),
        ),
        (
            "src/lib.rs",
            Box::new(|| vec![manifest::lib_rs(api, options).into()]),
        ),
    ];
    for (name, text) in rust.iter().map(|f| f.0).zip(format_files(&rust)) {
        // The header goes in front of the text where it is: the text's buffer almost always
        // has room to spare (it grew by doubling), so no second copy of the file is made.
        let mut file = text?;
        file.insert(0, '\n');
        file.insert_str(0, &header);
        files.insert(name.to_owned(), file);
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
/// generator's time and the files are independent, so they are shared out over the cores; the
/// last files' items are shared too, with a core that has run out of files.
fn format_files(files: &[RustFile]) -> Vec<Result<String>> {
    crate::workers::each(files, |(name, make), idle| format_file(name, make, idle))
}

/// Formats the file `make` gives, sharing its last items with idle threads. Anything
/// unexpected where items were shared: the file again, on this thread alone (the same text, or
/// the same error, as without sharing).
fn format_file<'a>(
    name: &str,
    make: &dyn Fn() -> Vec<Piece<'a>>,
    idle: &crate::workers::Idle,
) -> Result<String> {
    format_shared(name, make(), idle).or_else(|_| format_pieces(name, make()))
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
    let mut out = String::new();
    let mut items = split_items(tokens).into_iter();
    while let Some(item) = items.next() {
        match format_item(file, item.clone()) {
            Ok(text) => out.push_str(&text),
            // Cut where no item ends (only a brace block in an item's header could do that):
            // the rest of the file is formatted in one piece.
            Err(_) => {
                let rest: TokenStream = std::iter::once(item).chain(items).collect();
                out.push_str(&format_item(file, rest)?);
                break;
            }
        }
    }
    Ok(out)
}

/// [`format_tokens`] for a file made of pieces: each item built as a syntax tree is printed
/// as it is, the tokens between them are formatted as [`format_tokens`] formats them.
pub fn format_pieces(file: &str, pieces: Vec<Piece<'_>>) -> Result<String> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Tokens(tokens) => out.push_str(&format_tokens(file, tokens)?),
            Piece::Item(item) => out.push_str(&print_item(item)),
            Piece::Later(make) => out.push_str(&format_pieces(file, make())?),
        }
    }
    Ok(out)
}

/// The text of an item built as a syntax tree.
fn print_item(item: Box<syn::Item>) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![*item],
    })
}

/// The text of one piece of a file: its tokens formatted, or its item printed.
fn format_piece(file: &str, piece: Piece<'_>) -> Result<String> {
    match piece {
        Piece::Tokens(tokens) => format_item(file, tokens),
        Piece::Item(item) => Ok(print_item(item)),
        Piece::Later(make) => {
            let mut out = String::new();
            for piece in make() {
                out.push_str(&format_piece(file, piece)?);
            }
            Ok(out)
        }
    }
}

/// The text of one item (or of several: any tokens that make a file).
fn format_item(file: &str, tokens: TokenStream) -> Result<String> {
    let parsed = syn::parse2::<syn::File>(tokens).map_err(|e| Error::Internal {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    Ok(prettyplease::unparse(&parsed))
}

/// Fewest items left in a file for handing half of them to an idle thread (their tokens go
/// over as text, which costs a fifth of formatting them).
const MIN_SHARED_ITEMS: usize = 8;

/// [`format_tokens`], sharing the work with idle threads; the texts are joined in order, so
/// the file reads exactly as formatted on one thread. Any error is returned as it comes (the
/// caller formats the file again alone).
fn format_shared(
    file: &str,
    pieces: Vec<Piece<'_>>,
    idle: &crate::workers::Idle,
) -> Result<String> {
    let mut items = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Tokens(tokens) => {
                items.extend(split_items(tokens).into_iter().map(Piece::Tokens))
            }
            item => items.push(item),
        }
    }
    format_items(file, items, idle)
}

/// Formats items one at a time; whenever `idle` has a thread, the second half of the items left
/// goes to it, and this thread goes on with the first half (sharing again as threads idle).
fn format_items(file: &str, items: Vec<Piece<'_>>, idle: &crate::workers::Idle) -> Result<String> {
    let mut out = String::new();
    let mut items = items.into_iter();
    while items.len() > 0 {
        if items.len() >= MIN_SHARED_ITEMS && idle.claim() {
            let half = items.len() / 2;
            let mine: Vec<Piece<'_>> = items.by_ref().take(half).collect();
            // Token streams cannot leave their thread: the other half goes as text.
            let text = items
                .map(Piece::into_tokens)
                .collect::<TokenStream>()
                .to_string();
            let (mut own, mut theirs) = (None, None);
            rayon::in_place_scope(|scope| {
                scope.spawn(|_| {
                    theirs = Some(format_text(file, &text, idle));
                    idle.release();
                });
                own = Some(format_items(file, mine, idle));
                // Idle until the other half is done, which may hand this thread part of it.
                idle.release();
            });
            // Busy again (unless another thread has already taken the place).
            idle.claim();
            out.push_str(&own.unwrap_or_else(|| unreachable!("the scope ran it"))?);
            out.push_str(&theirs.unwrap_or_else(|| unreachable!("the scope ran it"))?);
            return Ok(out);
        }
        if let Some(piece) = items.next() {
            out.push_str(&format_piece(file, piece)?);
        }
    }
    Ok(out)
}

/// Formats items handed over as text (read back into tokens first).
fn format_text(file: &str, text: &str, idle: &crate::workers::Idle) -> Result<String> {
    let tokens = text.parse::<TokenStream>().map_err(|e| Error::Internal {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    format_shared(file, vec![Piece::Tokens(tokens)], idle)
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
    use super::{format_file, format_tokens};
    use crate::workers::Idle;
    use proc_macro2::TokenStream;
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
            assert_eq!(
                format_tokens("test.rs", tokens.clone()).expect("formats"),
                whole
            );
            // With items handed to idle threads (over as text), or the file again alone.
            let shared = format_file("test.rs", &|| vec![tokens.clone().into()], &Idle::new(3));
            assert_eq!(shared.expect("formats"), whole);
        }
        assert!(format_tokens("bad.rs", quote! { fn broken() -> {} }).is_err());
        let broken = || vec![quote! { fn broken() -> {} }.into()];
        assert!(format_file("bad.rs", &broken, &Idle::new(3)).is_err());
    }

    /// Items handed to another thread go over as text and are read back: every kind of token
    /// the generator writes reads back the same, so the file's text does too.
    #[test]
    fn items_shared_as_text_read_back_the_same() {
        let items = (0..40i32).map(|i| {
            let name = super::ident(&format!("Item{i}"));
            let negative = proc_macro2::Literal::i64_unsuffixed(-i64::from(i));
            let float = proc_macro2::Literal::f64_unsuffixed(f64::from(i) / 4.0);
            // Raw literals, and escaped ones (a tab) every other item.
            let tab = if i % 2 == 0 { "\t" } else { "" };
            let doc = super::text_literal(&format!(" Docs \"quoted\"# {i} `code` \\ {tab}."));
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq, serde::Serialize)]
                pub struct #name<'a> {
                    #[serde(rename = "r#type", skip_serializing_if = "Option::is_none")]
                    pub r#type: Option<&'a str>,
                    pub bytes: [u8; 2],
                }
                impl<'a> #name<'a> {
                    pub const LOW: i64 = #negative;
                    pub const SHARE: f64 = #float;
                    pub async fn call(&self, x: Option<i64>) -> Result<i64, String> {
                        let f = |v: i64| -> i64 { v.saturating_sub(1) };
                        match x.map(f) {
                            Some(v @ ..=0) => Ok(v),
                            Some(v) => Ok(Vec::<i64>::with_capacity(2).len() as i64 + v),
                            None => Err(format!("{}{}", '\'', b'x')),
                        }
                    }
                }
            }
        });
        let tokens: TokenStream = quote! {
            //! Module docs.
            #![allow(dead_code)]
            #(#items)*
        };
        let whole = prettyplease::unparse(&syn::parse2(tokens.clone()).expect("valid file"));
        let shared = format_file("items.rs", &|| vec![tokens.clone().into()], &Idle::new(3));
        assert_eq!(shared.expect("formats"), whole);
    }
}
