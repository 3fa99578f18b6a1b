//! The intermediate model → Rust source files of a generated crate.
//!
//! One submodule per output file: [`models`], [`operations`], [`server`], [`client`],
//! [`schemas`] (validation rules), [`tests`] (the crate's own tests) and [`manifest`]
//! (Cargo.toml and lib.rs). Static support code lives in `generator/runtime/` and is copied.

mod client;
mod docs;
mod manifest;
mod models;
mod operations;
mod schemas;
mod server;
mod tests;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use rayon::prelude::*;

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
    /// Write the crate's own tests.
    pub tests: bool,
    /// The server's conventions.
    pub profile: crate::Profile,
}

/// The files of a generated crate, by path relative to the crate root.
pub type Files = BTreeMap<String, String>;

/// Makes the tokens of one Rust file. Token streams are not `Send`, so each file's tokens are
/// made on the thread that formats them.
type RustFile<'a> = (&'static str, Box<dyn Fn() -> TokenStream + Sync + 'a>);

/// Emits every file of the crate.
pub fn emit(api: &Api, options: &EmitOptions) -> Result<Files> {
    let header = header(options, "//");
    let krate = options.crate_name.replace('-', "_");
    let hooks = (!api.webhooks.is_empty()).then(|| api.webhooks_api());
    let mut rust: Vec<RustFile> = vec![
        ("src/lib.rs", Box::new(|| manifest::lib_rs(api, options))),
        ("src/models.rs", Box::new(|| models::emit(api))),
        ("src/operations.rs", Box::new(|| operations::emit(api))),
        (
            "src/server.rs",
            Box::new(|| server::emit(api, options.profile)),
        ),
        ("src/schemas.rs", Box::new(|| schemas::emit(api))),
        ("src/client.rs", Box::new(|| client::emit(api, false))),
    ];
    // Webhooks and callbacks: the same files again, for the requests the API sends.
    if let Some(hooks) = &hooks {
        let more: [RustFile; 5] = [
            (
                "src/webhooks/mod.rs",
                Box::new(|| manifest::webhooks_rs(hooks)),
            ),
            (
                "src/webhooks/operations.rs",
                Box::new(|| operations::emit(hooks)),
            ),
            (
                "src/webhooks/server.rs",
                Box::new(|| server::emit(hooks, options.profile)),
            ),
            ("src/webhooks/schemas.rs", Box::new(|| schemas::emit(hooks))),
            (
                "src/webhooks/client.rs",
                // The sending side posts to the subscriber's URL as it is (for a callback,
                // the URL its runtime expression gives).
                Box::new(|| client::emit(hooks, true)),
            ),
        ];
        rust.extend(more);
    }
    if options.tests {
        rust.push((
            "tests/examples.rs",
            Box::new(|| tests::examples(api, &krate)),
        ));
        let server_client = Box::new(|| tests::server_client(api, &krate, None));
        rust.push(("tests/server_client.rs", server_client));
        if let Some(hooks) = &hooks {
            let webhooks = Box::new(|| tests::server_client(hooks, &krate, Some("webhooks")));
            rust.push(("tests/webhooks.rs", webhooks));
        }
    }
    // Formatting is most of the generator's time and the files are independent: one task each.
    let texts: Vec<Result<String>> = crate::workers::run(|| {
        rust.par_iter()
            .map(|(name, make)| format_file(name, make()))
            .collect()
    });
    let mut files = Files::new();
    for ((name, _), text) in rust.iter().zip(texts) {
        files.insert((*name).to_owned(), format!("{header}\n{}", text?));
    }
    for (name, text) in RUNTIME {
        files.insert(format!("src/rt/{name}"), format!("{header}\n{text}"));
    }
    files.insert(
        "Cargo.toml".to_owned(),
        format!(
            "{}\n{}",
            self::header(options, "#"),
            manifest::cargo_toml(api, options)
        ),
    );
    Ok(files)
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

/// Parses a file's tokens with syn and pretty-prints them with prettyplease, with a blank line
/// between items as a person would write them.
fn format_file(file: &str, tokens: TokenStream) -> Result<String> {
    let mut parsed = syn::parse2::<syn::File>(tokens).map_err(|e| Error::Internal {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    space_items(&mut parsed.items, !parsed.attrs.is_empty());
    Ok(prettyplease::unparse(&parsed))
}

/// Puts an empty verbatim item, which prettyplease prints as a blank line (and nothing else,
/// so no literal or doc text is ever touched), between items (not between two `use` or `mod x;`
/// declarations) and after inner attributes, at the top level and inside modules, impls and
/// traits.
fn space_items(items: &mut Vec<syn::Item>, after_attrs: bool) {
    use syn::{ImplItem, Item, TraitItem};
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                let inner = m
                    .attrs
                    .iter()
                    .any(|a| matches!(a.style, syn::AttrStyle::Inner(_)));
                if let Some((_, items)) = &mut m.content {
                    space_items(items, inner);
                }
            }
            Item::Impl(i) => spaced(&mut i.items, ImplItem::Verbatim, |_| false, false),
            Item::Trait(t) => spaced(&mut t.items, TraitItem::Verbatim, |_| false, false),
            _ => {}
        }
    }
    let declaration = |i: &Item| match i {
        Item::Mod(m) => m.content.is_none(),
        i => matches!(i, Item::Use(_)),
    };
    spaced(items, Item::Verbatim, declaration, after_attrs);
}

/// `blank(empty tokens)` before every item but the first (unless `leading`) and a declaration
/// that follows a declaration.
fn spaced<T>(items: &mut Vec<T>, blank: fn(TokenStream) -> T, decl: fn(&T) -> bool, leading: bool) {
    let mut out = Vec::with_capacity(items.len() * 2);
    for (i, item) in std::mem::take(items).into_iter().enumerate() {
        let grouped = i > 0 && decl(&item) && out.last().is_some_and(decl);
        if (i > 0 || leading) && !grouped {
            out.push(blank(TokenStream::new()));
        }
        out.push(item);
    }
    *items = out;
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

/// A user's Rust type (`uuid::Uuid`), checked to parse when the model was built.
fn rust_type(path: &str) -> TokenStream {
    path.parse()
        .expect("user types are checked when the model is built")
}

/// A derive macro's path from the configuration, checked when it was read.
pub fn derive_path(path: &str) -> TokenStream {
    path.parse()
        .expect("derives are checked when the configuration is read")
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
        TypeRef::Rust(path) => rust_type(path),
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|t| type_tokens(api, t));
            quote!((#(#items,)*))
        }
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

    #[test]
    fn items_are_separated_by_blank_lines_and_nothing_else_changes() {
        let text = "line\n\nfn f() {}\n";
        let tokens = quote::quote! {
            //! Docs.
            use a::b;
            use c::d;
            /// A struct.
            pub struct S { a: u8, b: u8 }
            impl S { const X: &str = #text; fn f() { let x = 1; let y = 2; } fn g() {} }
            trait T { fn a(); fn b(); }
            mod m { use super::*; const A: u8 = 1; const B: u8 = 2; }
            mod n;
            mod o;
        };
        let expected = "//! Docs.\n\nuse a::b;\nuse c::d;\n\n/// A struct.\npub struct S {\n    a: u8,\n    b: u8,\n}\n\n\
impl S {\n    const X: &str = \"line\\n\\nfn f() {}\\n\";\n\n    fn f() {\n        let x = 1;\n        let y = 2;\n    }\n\n    fn g() {}\n}\n\n\
trait T {\n    fn a();\n\n    fn b();\n}\n\nmod m {\n    use super::*;\n\n    const A: u8 = 1;\n\n    const B: u8 = 2;\n}\n\nmod n;\nmod o;\n";
        assert_eq!(super::format_file("t.rs", tokens).unwrap(), expected);
    }
}
