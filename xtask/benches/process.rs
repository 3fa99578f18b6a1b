//! Whole-process timing of the commands users run (`cargo bench -p xtask`): each sample
//! starts the release `xtask` binary, as a user's shell or another tool does, and waits for
//! it to exit, so process start, reading, generating, writing files and exit are all counted.
//!
//! - `generate/omnichannel`: `xtask generate` of `omnichannel.yaml` into a temporary folder;
//! - `generate/all-twelve`: the twelve Rocket.Chat specs merged into one crate;
//! - `codegen-check`: `xtask codegen --check` of this workspace (`specs/` against `generated/`).
//!
//! The specs are read in place from `../shared/specs/rocketchat/` beside the repository.
//! `generator`'s own bench (`cargo bench -p generator`) times the stages in process;
//! `bench/compare.sh` times the same command against openapi-generator.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

const XTASK: &str = env!("CARGO_BIN_EXE_xtask");
const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/specs/rocketchat");

/// The twelve published specs, sorted by name.
fn spec_paths() -> Vec<PathBuf> {
    let paths = generator::load::documents_in(Path::new(SPECS))
        .unwrap_or_else(|e| panic!("{e} (the specs live beside the repository)"));
    assert_eq!(paths.len(), 12, "expected twelve specs in {SPECS}");
    paths
}

/// Runs `xtask ARGS`, output discarded, and fails the benchmark if it does not succeed.
fn run(args: &[&OsStr]) {
    let status = Command::new(XTASK)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot start {XTASK}: {e}"));
    assert!(status.success(), "xtask {args:?} failed: {status}");
}

/// `xtask generate --spec S... --out OUT --name bench-api`.
fn generate_args<'a>(specs: &'a [PathBuf], out: &'a Path) -> Vec<&'a OsStr> {
    let mut args = vec![OsStr::new("generate")];
    for spec in specs {
        args.push(OsStr::new("--spec"));
        args.push(spec.as_os_str());
    }
    args.extend([OsStr::new("--out"), out.as_os_str()]);
    args.extend([OsStr::new("--name"), OsStr::new("bench-api")]);
    args
}

fn whole_process(c: &mut Criterion) {
    let out = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
    let all = spec_paths();
    let omnichannel = [Path::new(SPECS).join("omnichannel.yaml")];

    let mut g = c.benchmark_group("generate");
    g.warm_up_time(Duration::from_secs(1));
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    let args = generate_args(&omnichannel, &out);
    g.bench_function("omnichannel", |b| b.iter(|| run(&args)));
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let args = generate_args(&all, &out);
    g.bench_function("all-twelve", |b| b.iter(|| run(&args)));
    g.finish();

    let mut g = c.benchmark_group("codegen-check");
    g.warm_up_time(Duration::from_secs(1));
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    let args = [OsStr::new("codegen"), OsStr::new("--check")];
    g.bench_function("workspace", |b| b.iter(|| run(&args)));
    g.finish();

    let _ = std::fs::remove_dir_all(&out);
}

criterion_group!(benches, whole_process);
criterion_main!(benches);
