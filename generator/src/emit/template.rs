//! Items written once as tokens with placeholders, parsed once per thread, and instantiated by
//! cloning the syntax tree and putting values in place of the placeholders.
//!
//! Most of a crate is the same few shapes once per operation (a handler, a trait method, an
//! `IntoResponse` impl, a client method). Parsing costs more than printing: syn reads an
//! `IntoResponse` impl in about 14 µs, clones its tree in about 1 µs. So the emitters write
//! each shape as a template (`quote!` tokens, placeholders named `__something`), and
//! [`Subst`] fills in a clone of its tree. The tree is the one syn's parser makes of the
//! same tokens with the values written in (the tests and the generated crates compare the
//! texts), so prettyplease prints the same text.
//!
//! Placeholders (identifiers starting with `__`, which names from a spec never are):
//! - an identifier anywhere (a function, type, field, variant or path segment name);
//! - a type `__T`, an expression `__e` (also among a macro's arguments), replaced by a whole tree;
//! - a statement `__s;` in a block, an arm `__a => {}` of a `match`, a field `__f: ()` of a
//!   struct expression, or an argument `__a: ()` of a function: replaced by any number of them.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{Ident, TokenStream};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

/// A clone of the tree of the template whose tokens `make` gives, parsed on first use on this
/// thread. Each template is its own closure (capturing nothing), and the closure's type is the
/// template's key, so two templates can never be taken for one; `name` is for messages.
/// Panics if the tokens are not a `T`: templates are the generator's own code, and the tests
/// generate crates that use every one of them.
pub fn parsed<T, F>(name: &'static str, make: F) -> T
where
    T: syn::parse::Parse + Clone + 'static,
    F: FnOnce() -> TokenStream + 'static,
{
    thread_local! {
        static TREES: RefCell<HashMap<TypeId, Rc<dyn Any>>> = RefCell::default();
    }
    let tree = TREES.with(|trees| {
        trees
            .borrow_mut()
            .entry(TypeId::of::<F>())
            .or_insert_with(|| {
                let tree: T = syn::parse2(make())
                    .unwrap_or_else(|e| panic!("template `{name}` does not parse: {e}"));
                Rc::new(tree)
            })
            .clone()
    });
    tree.downcast_ref::<T>()
        .unwrap_or_else(|| panic!("template `{name}` is used as two kinds of tree"))
        .clone()
}

/// The values of a template's placeholders.
#[derive(Default)]
pub struct Subst {
    idents: Vec<(&'static str, Ident)>,
    types: Vec<(&'static str, syn::Type)>,
    exprs: Vec<(&'static str, syn::Expr)>,
    pats: Vec<(&'static str, syn::Pat)>,
    stmts: Vec<(&'static str, Vec<syn::Stmt>)>,
    arms: Vec<(&'static str, Vec<syn::Arm>)>,
    fields: Vec<(&'static str, Vec<syn::FieldValue>)>,
    args: Vec<(&'static str, Vec<syn::FnArg>)>,
}

impl Subst {
    /// No values yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The identifier `name` becomes `value`.
    pub fn ident(mut self, name: &'static str, value: Ident) -> Self {
        self.idents.push((name, value));
        self
    }

    /// The type `name` becomes `value`.
    pub fn ty(mut self, name: &'static str, value: syn::Type) -> Self {
        self.types.push((name, value));
        self
    }

    /// The expression `name` becomes `value`.
    pub fn expr(mut self, name: &'static str, value: syn::Expr) -> Self {
        self.exprs.push((name, value));
        self
    }

    /// The pattern `name` (a binding of that name) becomes `value`.
    pub fn pat(mut self, name: &'static str, value: syn::Pat) -> Self {
        self.pats.push((name, value));
        self
    }

    /// The statement `name;` becomes `value`.
    pub fn stmts(mut self, name: &'static str, value: Vec<syn::Stmt>) -> Self {
        self.stmts.push((name, value));
        self
    }

    /// The arm `name => {}` becomes `value`.
    pub fn arms(mut self, name: &'static str, value: Vec<syn::Arm>) -> Self {
        self.arms.push((name, value));
        self
    }

    /// The field `name: ()` of a struct expression becomes `value`.
    pub fn fields(mut self, name: &'static str, value: Vec<syn::FieldValue>) -> Self {
        self.fields.push((name, value));
        self
    }

    /// The argument `name: ()` of a function becomes `value`.
    pub fn args(mut self, name: &'static str, value: Vec<syn::FnArg>) -> Self {
        self.args.push((name, value));
        self
    }

    /// A clone of template `name` (tokens from `make`) with these values in place.
    pub fn apply<T, F>(mut self, name: &'static str, make: F) -> T
    where
        T: syn::parse::Parse + Clone + 'static + Visit,
        F: FnOnce() -> TokenStream + 'static,
    {
        let mut tree: T = parsed(name, make);
        tree.visit(&mut self);
        tree
    }
}

/// Trees [`Subst`] fills in.
pub trait Visit {
    /// Puts the values of `subst` in place.
    fn visit(&mut self, subst: &mut Subst);
}

macro_rules! visit {
    ($($ty:ty => $method:ident),* $(,)?) => {
        $(impl Visit for $ty {
            fn visit(&mut self, subst: &mut Subst) {
                subst.$method(self);
            }
        })*
    };
}

visit! {
    syn::Item => visit_item_mut,
    syn::ImplItem => visit_impl_item_mut,
    syn::TraitItem => visit_trait_item_mut,
    syn::Expr => visit_expr_mut,
    syn::Stmt => visit_stmt_mut,
    syn::Arm => visit_arm_mut,
    syn::FieldValue => visit_field_value_mut,
    syn::FnArg => visit_fn_arg_mut,
    syn::Block => visit_block_mut,
}

/// A string literal expression.
pub fn str_expr(value: &str) -> syn::Expr {
    lit_expr(syn::Lit::Str(syn::LitStr::new(
        value,
        proc_macro2::Span::call_site(),
    )))
}

/// An integer literal expression without suffix (`200`).
pub fn u16_expr(value: u16) -> syn::Expr {
    lit_expr(syn::Lit::new(proc_macro2::Literal::u16_unsuffixed(value)))
}

/// `true` or `false`.
pub fn bool_expr(value: bool) -> syn::Expr {
    lit_expr(syn::Lit::Bool(syn::LitBool::new(
        value,
        proc_macro2::Span::call_site(),
    )))
}

/// An integer literal pattern without suffix (`200 => ...`).
pub fn u16_pat(value: u16) -> syn::Pat {
    syn::Pat::Lit(syn::ExprLit {
        attrs: vec![],
        lit: syn::Lit::new(proc_macro2::Literal::u16_unsuffixed(value)),
    })
}

/// An expression naming a local variable or an item (`status`).
pub fn name_expr(name: &str) -> syn::Expr {
    syn::Expr::Path(syn::ExprPath {
        attrs: vec![],
        qself: None,
        path: super::syntax::path(&[name]),
    })
}

fn lit_expr(lit: syn::Lit) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit { attrs: vec![], lit })
}

impl Subst {
    /// A macro's tokens with expression placeholders replaced by their values' tokens (a
    /// macro's arguments are tokens, not trees, so this is the one place tokens are filled in).
    fn fill_tokens(&mut self, tokens: TokenStream) -> TokenStream {
        use proc_macro2::{Group, TokenTree};
        use quote::ToTokens;
        let mut filled = TokenStream::new();
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) if ident.to_string().starts_with("__") => {
                    match take(&mut self.exprs, &ident.to_string()) {
                        Some(value) => value.to_tokens(&mut filled),
                        None => filled.extend([TokenTree::Ident(ident)]),
                    }
                }
                TokenTree::Group(group) => {
                    let mut inner = Group::new(group.delimiter(), self.fill_tokens(group.stream()));
                    inner.set_span(group.span());
                    filled.extend([TokenTree::Group(inner)]);
                }
                other => filled.extend([other]),
            }
        }
        filled
    }
}

/// The placeholder a path of one plain segment names, if it is one.
fn placeholder(path: &syn::Path) -> Option<String> {
    if path.leading_colon.is_some() || path.segments.len() != 1 {
        return None;
    }
    let segment = &path.segments[0];
    let name = segment.ident.to_string();
    (matches!(segment.arguments, syn::PathArguments::None) && name.starts_with("__"))
        .then_some(name)
}

/// Takes the value of `name` out of `values` (each placeholder is used once).
fn take<T>(values: &mut Vec<(&'static str, T)>, name: &str) -> Option<T> {
    let at = values.iter().position(|(n, _)| *n == name)?;
    Some(values.swap_remove(at).1)
}

impl VisitMut for Subst {
    fn visit_ident_mut(&mut self, i: &mut Ident) {
        if let Some((_, value)) = self.idents.iter().find(|(n, _)| i == n) {
            *i = value.clone();
        }
    }

    fn visit_type_mut(&mut self, i: &mut syn::Type) {
        if let syn::Type::Path(p) = i {
            if p.qself.is_none() {
                if let Some(value) = placeholder(&p.path).and_then(|n| take(&mut self.types, &n)) {
                    *i = value;
                    return;
                }
            }
        }
        visit_mut::visit_type_mut(self, i);
    }

    fn visit_expr_mut(&mut self, i: &mut syn::Expr) {
        if let syn::Expr::Path(p) = i {
            if p.qself.is_none() && p.attrs.is_empty() {
                if let Some(value) = placeholder(&p.path).and_then(|n| take(&mut self.exprs, &n)) {
                    *i = value;
                    return;
                }
            }
        }
        visit_mut::visit_expr_mut(self, i);
    }

    fn visit_pat_mut(&mut self, i: &mut syn::Pat) {
        if let syn::Pat::Ident(p) = i {
            if p.subpat.is_none() && p.by_ref.is_none() && p.mutability.is_none() {
                let name = p.ident.to_string();
                if let Some(value) = name
                    .starts_with("__")
                    .then(|| take(&mut self.pats, &name))
                    .flatten()
                {
                    *i = value;
                    return;
                }
            }
        }
        visit_mut::visit_pat_mut(self, i);
    }

    fn visit_macro_mut(&mut self, i: &mut syn::Macro) {
        visit_mut::visit_macro_mut(self, i);
        if !self.exprs.is_empty() {
            i.tokens = self.fill_tokens(std::mem::take(&mut i.tokens));
        }
    }

    fn visit_block_mut(&mut self, i: &mut syn::Block) {
        let mut stmts = Vec::with_capacity(i.stmts.len());
        for mut stmt in std::mem::take(&mut i.stmts) {
            let spliced = match &stmt {
                syn::Stmt::Expr(syn::Expr::Path(p), Some(_)) if p.qself.is_none() => {
                    placeholder(&p.path).and_then(|n| take(&mut self.stmts, &n))
                }
                _ => None,
            };
            match spliced {
                Some(values) => stmts.extend(values),
                None => {
                    self.visit_stmt_mut(&mut stmt);
                    stmts.push(stmt);
                }
            }
        }
        i.stmts = stmts;
    }

    fn visit_expr_match_mut(&mut self, i: &mut syn::ExprMatch) {
        self.visit_expr_mut(&mut i.expr);
        let mut arms = Vec::with_capacity(i.arms.len());
        for mut arm in std::mem::take(&mut i.arms) {
            let spliced = match &arm.pat {
                syn::Pat::Ident(p) if p.subpat.is_none() => {
                    let name = p.ident.to_string();
                    name.starts_with("__")
                        .then(|| take(&mut self.arms, &name))
                        .flatten()
                }
                _ => None,
            };
            match spliced {
                Some(values) => arms.extend(values),
                None => {
                    self.visit_arm_mut(&mut arm);
                    arms.push(arm);
                }
            }
        }
        i.arms = arms;
    }

    fn visit_expr_struct_mut(&mut self, i: &mut syn::ExprStruct) {
        self.visit_path_mut(&mut i.path);
        let mut fields = Punctuated::new();
        for mut field in std::mem::take(&mut i.fields) {
            let spliced = match &field.member {
                syn::Member::Named(n) => {
                    let name = n.to_string();
                    name.starts_with("__")
                        .then(|| take(&mut self.fields, &name))
                        .flatten()
                }
                syn::Member::Unnamed(_) => None,
            };
            match spliced {
                Some(values) => fields.extend(values),
                None => {
                    self.visit_field_value_mut(&mut field);
                    fields.push(field);
                }
            }
        }
        i.fields = fields;
        if let Some(rest) = &mut i.rest {
            self.visit_expr_mut(rest);
        }
    }

    fn visit_signature_mut(&mut self, i: &mut syn::Signature) {
        self.visit_ident_mut(&mut i.ident);
        self.visit_generics_mut(&mut i.generics);
        let mut inputs = Punctuated::new();
        for mut arg in std::mem::take(&mut i.inputs) {
            let spliced = match &arg {
                syn::FnArg::Typed(t) => match &*t.pat {
                    syn::Pat::Ident(p) => {
                        let name = p.ident.to_string();
                        name.starts_with("__")
                            .then(|| take(&mut self.args, &name))
                            .flatten()
                    }
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            };
            match spliced {
                Some(values) => inputs.extend(values),
                None => {
                    self.visit_fn_arg_mut(&mut arg);
                    inputs.push(arg);
                }
            }
        }
        i.inputs = inputs;
        self.visit_return_type_mut(&mut i.output);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{quote, ToTokens};

    fn text(item: syn::Item) -> String {
        prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: vec![],
            items: vec![item],
        })
    }

    /// Every kind of placeholder, filled in, prints as the tokens written out by hand.
    #[test]
    fn filled_templates_print_as_the_written_out_tokens() {
        let stmt: syn::Stmt = Subst::new()
            .ident("__x", super::super::ident("second"))
            .apply("test-stmt", || quote! { let __x = 2; });
        let arm: syn::Arm = Subst::new().apply("test-arm", || quote! { 1 => "one", });
        let field: syn::FieldValue =
            Subst::new().apply("test-field", || quote! { b: input.b.clone() });
        let arg: syn::FnArg = Subst::new().apply("test-arg", || quote! { count: usize });
        let filled: syn::Item = Subst::new()
            .ident("__name", super::super::ident("run"))
            .ident("__Out", super::super::ident("Output"))
            .ty("__T", syn::parse_quote!(Vec<u8>))
            .expr("__e", syn::parse_quote!(input.a + 1))
            .expr("__limit", syn::parse_quote!(10usize))
            .stmts("__s", vec![stmt])
            .arms("__arms", vec![arm])
            .fields("__fields", vec![field])
            .args("__args", vec![arg])
            .apply("test-item", || {
                quote! {
                    fn __name(input: &Input, __args: ()) -> __Out<__T> {
                        let first = __e;
                        __s;
                        assert!(count < (__limit), "at most {}", __limit);
                        let name = match first { __arms => {}, _ => "other", };
                        __Out { a: first, __fields: () }
                    }
                }
            });
        let written: syn::Item = syn::parse2(quote! {
            fn run(input: &Input, count: usize) -> Output<Vec<u8>> {
                let first = input.a + 1;
                let second = 2;
                // Each value fills one placeholder: the second `__limit` stays.
                assert!(count < (10usize), "at most {}", __limit);
                let name = match first { 1 => "one", _ => "other", };
                Output { a: first, b: input.b.clone() }
            }
        })
        .expect("parses");
        assert_eq!(text(filled.clone()), text(written));
        // And reads back as itself.
        let again: syn::Item = syn::parse2(filled.to_token_stream()).expect("parses");
        assert_eq!(text(again), text(filled));
        // A placeholder left without a value stays as written.
        let left: syn::Item = Subst::new().apply("test-left", || quote! { fn __f() {} });
        assert_eq!(text(left), "fn __f() {}\n");
    }
}
