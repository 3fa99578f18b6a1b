//! The generator's pipeline, whole and stage by stage (`cargo bench -p generator`).
//!
//! Inputs: `omnichannel.yaml` alone, and all twelve Rocket.Chat specs merged into one API, read
//! in place from `../shared/specs/rocketchat/` (beside the repository). Stages:
//!
//! - `read`: bytes from disk;
//! - `parse`: bytes → JSON value (YAML parser);
//! - `typed`: JSON value → `openapiv3::OpenAPI` (with the null repairs);
//! - `build`: typed documents → the intermediate model;
//! - `emit`: model → token streams (and, for the simplest items, syntax trees) of every
//!   generated file;
//! - `format`: those → pretty-printed source (syn + prettyplease);
//! - `pipeline`: all of the above through `generator::generate` (files in memory);
//! - `floor`: just `serde_yaml` straight into `openapiv3::OpenAPI`, the cost the pipeline is
//!   measured against (the target: the pipeline within 3× of it).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use generator::emit::{self, EmitOptions, Piece};
use generator::load::{self, Document, Format, RawDocument};
use generator::{build, ir::Api, Options};
use proc_macro2::TokenStream;

// The allocator of `xtask`, which is what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/specs/rocketchat");

fn spec_paths() -> Vec<PathBuf> {
    load::documents_in(Path::new(SPECS))
        .unwrap_or_else(|e| panic!("{e} (the specs live beside the repository)"))
}

fn options() -> Options {
    Options {
        crate_name: "bench-api".into(),
        regenerate_with: "cargo bench".into(),
        standalone: true,
        build: Default::default(),
    }
}

fn emit_options(paths: &[PathBuf]) -> EmitOptions {
    EmitOptions {
        crate_name: "bench-api".into(),
        source_names: paths.iter().map(|p| p.display().to_string()).collect(),
        regenerate_with: "cargo bench".into(),
        standalone: true,
    }
}

/// The pieces (token streams and syntax trees) of every Rust file `emit::emit` writes (it
/// formats each of them).
fn tokens<'a>(api: &'a Api, options: &EmitOptions) -> Vec<(&'static str, Vec<Piece<'a>>)> {
    let tokens = |t: TokenStream| vec![Piece::Tokens(t)];
    let files = vec![
        ("src/lib.rs", tokens(emit::manifest::lib_rs(api, options))),
        ("src/models.rs", emit::models::emit(api)),
        ("src/operations.rs", emit::operations::emit(api)),
        ("src/server.rs", emit::server::emit(api)),
        ("src/schemas.rs", tokens(emit::schemas::emit(api))),
        ("src/client.rs", emit::client::emit(api)),
        ("tests/examples.rs", emit::tests::examples(api, "bench_api")),
        (
            "tests/server_client.rs",
            emit::tests::server_client(api, "bench_api"),
        ),
    ];
    // Pieces the emitters leave to be made while formatting are made here, so that "emit"
    // times making every piece and "format" formatting them.
    files
        .into_iter()
        .map(|(name, pieces)| (name, emit::made(pieces)))
        .collect()
}

fn read(paths: &[PathBuf]) -> Vec<(String, Vec<u8>)> {
    paths
        .iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(p).expect("read spec"),
            )
        })
        .collect()
}

fn parse(bytes: &[(String, Vec<u8>)]) -> Vec<RawDocument> {
    bytes
        .iter()
        .map(|(f, b)| load::read_bytes(f, b, Format::Yaml).expect("parse spec"))
        .collect()
}

fn typed(raws: Vec<RawDocument>) -> Vec<Document> {
    raws.into_iter()
        .map(|r| load::parse_document(r).expect("typed spec"))
        .collect()
}

fn bench_set(c: &mut Criterion, name: &str, paths: &[PathBuf], heavy: bool) {
    let mut g = c.benchmark_group(name);
    if heavy {
        g.sample_size(10).measurement_time(Duration::from_secs(10));
    } else {
        g.sample_size(20).measurement_time(Duration::from_secs(5));
    }
    g.warm_up_time(Duration::from_secs(1));

    let bytes = read(paths);
    let raws = parse(&bytes);
    let docs = typed(raws.clone());
    let api = build::build(&docs, &Default::default()).expect("build");
    let eopts = emit_options(paths);
    let toks = tokens(&api, &eopts);

    g.bench_function("pipeline", |b| {
        b.iter(|| generator::generate(black_box(paths), &options()).expect("generate"))
    });
    g.bench_function("read", |b| b.iter(|| read(black_box(paths))));
    g.bench_function("parse", |b| b.iter(|| parse(black_box(&bytes))));
    g.bench_function("typed", |b| {
        b.iter_batched(|| raws.clone(), typed, BatchSize::LargeInput)
    });
    g.bench_function("build", |b| {
        b.iter(|| build::build(black_box(&docs), &Default::default()).expect("build"))
    });
    g.bench_function("emit", |b| b.iter(|| tokens(black_box(&api), &eopts)));
    g.bench_function("format", |b| {
        b.iter_batched(
            || toks.clone(),
            |toks| {
                toks.into_iter()
                    .map(|(f, t)| emit::format_pieces(f, t).expect("format"))
                    .collect::<Vec<String>>()
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("floor", |b| {
        b.iter(|| {
            bytes
                .iter()
                .filter_map(|(_, b)| serde_yaml::from_slice::<openapiv3::OpenAPI>(b).ok())
                .count()
        })
    });
    g.finish();
}

fn omnichannel(c: &mut Criterion) {
    let path = Path::new(SPECS).join("omnichannel.yaml");
    bench_set(c, "omnichannel", &[path], false);
}

fn all_twelve(c: &mut Criterion) {
    let paths = spec_paths();
    assert_eq!(
        paths.len(),
        12,
        "expected the twelve Rocket.Chat specs in {SPECS}"
    );
    bench_set(c, "all-twelve", &paths, true);
}

criterion_group!(benches, omnichannel, all_twelve);
criterion_main!(benches);
