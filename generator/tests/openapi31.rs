//! OpenAPI 3.1 through the same pipeline as 3.0.
//!
//! The twelve Rocket.Chat documents rewritten as their publisher would write them in 3.1
//! (`examples/to_openapi31.rs`) generate the same crates as their 3.0 forms, byte for byte:
//! `rocketchat_crates` compiles, lints and tests those, so the 3.1 forms' crates compile and
//! pass their tests too.

use std::path::{Path, PathBuf};

#[path = "../examples/to_openapi31.rs"]
mod rewrite;

fn rocketchat_specs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/rocketchat");
    let specs = generator::load::documents_in(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(specs.len(), 12);
    specs
}

fn generate(raw: generator::load::RawDocument) -> generator::Generated {
    let doc = generator::load::parse_document(raw).expect("the document parses");
    let options = generator::Options {
        crate_name: "rc".into(),
        regenerate_with: "cargo test -p generator --test openapi31".into(),
        standalone: false,
        tests: true,
        build: Default::default(),
    };
    generator::generate_from(&[doc], &options).expect("the document generates")
}

#[test]
fn rocketchat_documents_in_3_1_generate_the_same_crates() {
    for spec in rocketchat_specs() {
        let raw = generator::load::read_file(&spec).unwrap();
        let mut rewritten = raw.clone();
        rewritten.value = rewrite::to_openapi31(raw.value.clone());
        assert_eq!(rewritten.value["openapi"], "3.1.0");
        assert_ne!(
            rewritten.value,
            raw.value,
            "{}: nothing rewritten",
            spec.display()
        );
        let old = generate(raw);
        let new = generate(rewritten);
        let names = |g: &generator::Generated| {
            g.api
                .operations
                .iter()
                .map(|o| o.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&old), names(&new), "{}: operations", spec.display());
        for (file, text) in &old.files {
            let other = new
                .files
                .get(file)
                .unwrap_or_else(|| panic!("{file} missing"));
            if text != other {
                let diff = similar::TextDiff::from_lines(text.as_str(), other.as_str());
                panic!(
                    "{}: {file} differs:\n{}",
                    spec.display(),
                    diff.unified_diff().context_radius(2)
                );
            }
        }
    }
}
