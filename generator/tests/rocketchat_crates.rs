//! Every published Rocket.Chat document generates a crate (Rocket.Chat profile) that passes
//! `cargo clippy -D warnings`, `cargo doc` without warnings, and its own tests with all
//! features; so do the construct fixtures (OpenAPI profile).
//!
//! The twelve crates are built as one throw-away workspace under `target/rocketchat-crates`
//! (sharing one build of their dependencies, pinned by this repository's `Cargo.lock`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn specs() -> Vec<PathBuf> {
    let specs = generator::load::documents_in(&root().join("../shared/specs/rocketchat"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(specs.len(), 12, "the twelve published documents");
    specs
}

fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(dir).env_remove("RUSTFLAGS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run cargo");
    assert!(
        out.status.success(),
        "cargo {} failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_rocketchat_spec_generates_a_clean_crate() {
    // One work tree per run (runs may overlap), one shared target directory (cargo locks it).
    let base = root().join("target/rocketchat-crates");
    let work = base.join(format!("run-{}", std::process::id()));
    let target = base.join("target");
    let target = target.to_str().expect("UTF-8 path");
    let mut members = Vec::new();
    for spec in specs() {
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let name = format!("rc-{stem}");
        let options = generator::Options {
            crate_name: name.clone(),
            regenerate_with: "cargo test -p generator --test rocketchat_crates".into(),
            standalone: false,
            tests: true,
            build: generator::BuildOptions {
                profile: generator::Profile::RocketChat,
                ..Default::default()
            },
        };
        let generated = generator::generate(&[&spec], &options)
            .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        let dir = work.join(&stem);
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in &generated.files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        members.push(format!("{stem:?}"));
    }
    // The construct fixtures too, in the OpenAPI profile (the default): their generated tests
    // drive every parameter style and type shape through the client and the router
    // (`fixtures/configs/<name>.yaml` configures one).
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/constructs");
    let mut fixture_specs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixture_specs.sort();
    for spec in fixture_specs {
        let file_stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let stem = format!("fixture-{file_stem}");
        // A fixture may come with a configuration (user types, format mappings, derives).
        let config = fixtures.join(format!("../configs/{file_stem}.yaml"));
        let build = if config.exists() {
            generator::BuildOptions::from_file(&config).unwrap()
        } else {
            Default::default()
        };
        let options = generator::Options {
            crate_name: stem.clone(),
            regenerate_with: "cargo test -p generator --test rocketchat_crates".into(),
            standalone: false,
            tests: true,
            build,
        };
        let generated = generator::generate(&[&spec], &options)
            .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        let dir = work.join(&stem);
        for (rel, text) in &generated.files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        // Hand-written tests of a fixture's router, if it has some.
        let router_tests = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/router-tests")
            .join(spec.with_extension("rs").file_name().unwrap());
        if router_tests.exists() {
            std::fs::copy(&router_tests, dir.join("tests/router.rs")).unwrap();
        }
        members.push(format!("{stem:?}"));
    }
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let env = [("CARGO_TARGET_DIR", target)];
    cargo(
        &work,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &env,
    );
    cargo(&work, &["test", "--workspace", "--all-features"], &env);
    cargo(
        &work,
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[env[0], ("RUSTDOCFLAGS", "-D warnings")],
    );
    let _ = std::fs::remove_dir_all(&work);
}
