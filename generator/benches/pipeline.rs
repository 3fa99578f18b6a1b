//! The generator's pipeline in process (`cargo bench -p generator`), whole and by stage.
//!
//! Inputs: `omnichannel.yaml` alone, and all twelve Rocket.Chat specs merged into one API, read
//! in place from `../shared/specs/rocketchat/` (beside the repository). Stages:
//!
//! - `load`: bytes on disk → JSON value → `openapiv3::OpenAPI` (`generator::load_all`);
//! - `generate`: typed documents → model → formatted files (`generator::generate_from`);
//! - `pipeline`: both (`generator::generate`);
//! - `floor`: just `serde_yaml` straight into `openapiv3::OpenAPI`, for reference.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use generator::{load, Options};

// The allocator of `xtask`, which is what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/specs/rocketchat");

fn options() -> Options {
    Options {
        crate_name: "bench-api".into(),
        regenerate_with: "cargo bench".into(),
        standalone: true,
        tests: true,
        build: Default::default(),
    }
}

fn bench_set(c: &mut Criterion, name: &str, paths: &[PathBuf], heavy: bool) {
    let mut g = c.benchmark_group(name);
    if heavy {
        g.sample_size(10).measurement_time(Duration::from_secs(10));
    } else {
        g.sample_size(20).measurement_time(Duration::from_secs(5));
    }
    g.warm_up_time(Duration::from_secs(1));
    let docs = generator::load_all(paths).expect("load");
    let bytes: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();

    g.bench_function("pipeline", |b| {
        b.iter(|| generator::generate(black_box(paths), &options()).expect("generate"))
    });
    g.bench_function("load", |b| {
        b.iter(|| generator::load_all(black_box(paths)).expect("load"))
    });
    g.bench_function("generate", |b| {
        b.iter(|| generator::generate_from(black_box(&docs), &options()).expect("generate"))
    });
    g.bench_function("floor", |b| {
        b.iter(|| {
            bytes
                .iter()
                .filter_map(|b| serde_yaml::from_slice::<openapiv3::OpenAPI>(b).ok())
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
    let paths = load::documents_in(Path::new(SPECS))
        .unwrap_or_else(|e| panic!("{e} (the specs live beside the repository)"));
    assert_eq!(
        paths.len(),
        12,
        "expected the twelve Rocket.Chat specs in {SPECS}"
    );
    bench_set(c, "all-twelve", &paths, true);
}

criterion_group!(benches, omnichannel, all_twelve);
criterion_main!(benches);
