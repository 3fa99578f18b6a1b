//! The code-generation commands: files on disk, drift check with unified diffs, spec import.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::{Error, Files, Options, Timings};

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The spec files in `specs/`, sorted.
fn spec_files(root: &Path) -> Result<Vec<PathBuf>, Error> {
    generator::load::documents_in(&root.join("specs"))
}

/// The files `cargo xtask codegen` writes under `generated/`.
#[cfg(test)]
pub fn workspace_files(root: &Path) -> Result<Files, Error> {
    Ok(workspace_crate(root)?.files)
}

/// The configuration beside `specs/` (`codegen.yaml`: names for shared shapes, user types,
/// derives), or the defaults when there is none.
fn workspace_config(root: &Path) -> Result<generator::BuildOptions, Error> {
    let path = root.join(CONFIG_FILE);
    if !path.exists() {
        return Ok(Default::default());
    }
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    generator::BuildOptions::from_yaml(&text, CONFIG_FILE)
}

/// The configuration file of `generated/`, relative to the workspace root.
const CONFIG_FILE: &str = "codegen.yaml";

/// The crate `cargo xtask codegen` writes under `generated/`, with the model and its warnings.
fn workspace_crate(root: &Path) -> Result<generator::Generated, Error> {
    let specs = spec_files(root)?;
    let build = workspace_config(root)?;
    let mut docs = generator::load_all_with(&specs, &build)?;
    // Headers name the specs relative to the workspace, so output is the same on every machine.
    for (doc, path) in docs.iter_mut().zip(&specs) {
        doc.file = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
    }
    let options = Options {
        crate_name: "rocketchat-omnichannel".into(),
        regenerate_with: "cargo xtask codegen".into(),
        standalone: false,
        tests: true,
        build,
    };
    generator::generate_from(&docs, &options)
}

/// Files under `dir` (relative, `/`-separated), skipping `target/`.
fn existing_files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "target") {
                    stack.push(p);
                }
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// `cargo xtask codegen [--check]`.
pub fn codegen(check: bool) -> Result<ExitCode, Error> {
    let root = workspace_root();
    let out_dir = root.join("generated");
    let generated = workspace_crate(&root)?;
    print_warnings(&generated.api);
    let files = generated.files;
    if check {
        let stale = drift(&out_dir, &files);
        if stale.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(summary) = api_changes(&root) {
            print!("{summary}");
        }
        for s in &stale {
            print!("{s}");
        }
        eprintln!("generated/ is out of date with specs/; run `cargo xtask codegen` and commit the result");
        return Ok(ExitCode::from(1));
    }
    write_files(&out_dir, &files, true)?;
    Ok(ExitCode::SUCCESS)
}

/// The API changes between `specs/` as it was when `generated/` was last committed and
/// `specs/` now, as a report; `None` when there are none, or without git or its history.
pub fn api_changes(root: &Path) -> Option<String> {
    let rev = crate::diff::source::last_generated_commit(root)?;
    let old = crate::diff::source::specs_at(root, &rev).ok()?;
    let new = generator::load_all(&spec_files(root).ok()?).ok()?;
    let report = crate::diff::diff(&old, &new).ok()?;
    if report.changes.is_empty() {
        return None;
    }
    let short = rev.get(..10).unwrap_or(&rev);
    Some(format!(
        "API changes in specs/ since generated/ was last committed ({short}):\n{}\n",
        crate::diff::report::text(&report)
    ))
}

/// Differences between `files` and what is in `dir`: one unified diff per changed file, and
/// the missing and unexpected files.
pub fn drift(dir: &Path, files: &Files) -> Vec<String> {
    let mut out = Vec::new();
    let on_disk = existing_files(dir);
    for (rel, want) in files {
        let path = dir.join(rel);
        match std::fs::read_to_string(&path) {
            Ok(have) if &have == want => {}
            Ok(have) => {
                let name = format!("generated/{rel}");
                let diff = similar::TextDiff::from_lines(have.as_str(), want.as_str());
                out.push(format!(
                    "{}",
                    diff.unified_diff().context_radius(3).header(
                        &format!("{name} (committed)"),
                        &format!("{name} (expected)")
                    )
                ));
            }
            Err(_) => out.push(format!("missing file: generated/{rel}\n")),
        }
    }
    for rel in on_disk {
        if !files.contains_key(&rel) && rel != "Cargo.lock" {
            out.push(format!("unexpected file: generated/{rel}\n"));
        }
    }
    out
}

/// Writes `files` under `dir`, only touching files whose content changes; with `prune`,
/// removes files the generator no longer produces.
pub fn write_files(dir: &Path, files: &Files, prune: bool) -> Result<(), Error> {
    for (rel, content) in files {
        let path = dir.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, content).map_err(io(&path))?;
    }
    if prune {
        for rel in existing_files(dir) {
            if !files.contains_key(&rel) && rel != "Cargo.lock" {
                let path = dir.join(&rel);
                std::fs::remove_file(&path).map_err(io(&path))?;
            }
        }
    }
    Ok(())
}

/// The flags of `generate` beside its inputs and output.
pub struct GenerateFlags<'a> {
    /// Print each stage's time.
    pub timings: bool,
    /// Write the crate's own tests.
    pub tests: bool,
    /// The configuration file.
    pub config: Option<&'a Path>,
    /// The profile, over the configuration's.
    pub profile: Option<generator::Profile>,
}

/// `cargo xtask generate --spec FILE... --out DIR [--name CRATE] [--timings] [--tests]
/// [--profile P]`.
pub fn generate(
    specs: &[PathBuf],
    out: &Path,
    name: Option<&str>,
    flags: GenerateFlags,
) -> Result<ExitCode, Error> {
    let GenerateFlags { timings, tests, .. } = flags;
    let started = Instant::now();
    let mut stages = Timings::default();
    let mut build = match flags.config {
        Some(path) => generator::BuildOptions::from_file(path)?,
        None => Default::default(),
    };
    if let Some(profile) = flags.profile {
        build.profile = profile;
    }
    let docs = stages.time("load", || generator::load_all_with(specs, &build))?;
    let name = match name {
        Some(n) => n.to_owned(),
        None => generator::default_crate_name(&docs),
    };
    if !is_package_name(&name) {
        return Err(Error::Io {
            path: name,
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a valid Cargo package name",
            ),
        });
    }
    let options = Options {
        crate_name: name,
        regenerate_with: format!(
            "cargo xtask generate {} --out {}{}{}{}",
            specs
                .iter()
                .map(|s| format!("--spec {}", s.display()))
                .collect::<Vec<_>>()
                .join(" "),
            out.display(),
            if tests { " --tests" } else { "" },
            flags
                .config
                .map(|c| format!(" --config {}", c.display()))
                .unwrap_or_default(),
            flags
                .profile
                .map(|p| format!(" --profile {}", p.name()))
                .unwrap_or_default(),
        ),
        standalone: true,
        tests,
        build,
    };
    let generated = generator::generate_from(&docs, &options)?;
    print_warnings(&generated.api);
    stages.0.extend(generated.timings.0.iter().copied());
    stages.time("write", || write_files(out, &generated.files, false))?;
    eprintln!(
        "wrote {} ({} operations, {} types) to {}",
        options.crate_name,
        generated.api.operations.len(),
        generated.api.types.len(),
        out.display()
    );
    if timings {
        let total = started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("timings: {stages}; total {total:.1} ms");
    }
    // The process ends here: freeing the documents and the model piece by piece would only
    // cost time (several milliseconds on a large API).
    std::mem::forget(generated);
    std::mem::forget(docs);
    Ok(ExitCode::SUCCESS)
}

/// The model's warnings on stderr, in one write: stderr is unbuffered, and each warning is
/// printed in pieces.
fn print_warnings(api: &generator::ir::Api) {
    let warnings: String = api.warnings.iter().map(|w| format!("{w}\n")).collect();
    eprint!("{warnings}");
}

fn is_package_name(n: &str) -> bool {
    !n.is_empty()
        && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `cargo xtask import-spec DOC... [--into FILE]`.
pub fn import_spec(docs: &[PathBuf], into: Option<&Path>) -> Result<ExitCode, Error> {
    let root = workspace_root();
    let raws = docs
        .iter()
        .map(|p| generator::load::read_file(p))
        .collect::<Result<Vec<_>, _>>()?;
    // Parse each as OpenAPI too, so an invalid document is refused before anything is written.
    for raw in &raws {
        generator::load::parse_document(raw.clone())?;
    }
    let pages_only = docs
        .iter()
        .all(|p| generator::load::Format::from_path(p) == generator::load::Format::Markdown);
    let merged = generator::import::merge(&raws)?;
    let canonical = generator::import::canonicalize(&merged);
    let target = match into {
        Some(p) => p.to_path_buf(),
        None => root.join("specs").join(format!(
            "{}.yaml",
            generator::import::spec_file_stem(&canonical)
        )),
    };
    // A reference page describes a few operations: it updates the spec of its API in place.
    let result = if pages_only && target.exists() {
        let existing = generator::load::read_file(&target)?;
        generator::import::canonicalize(&generator::import::update(&existing.value, &canonical))
    } else {
        canonical
    };
    let report = change_report(&target, &result);
    let yaml = generator::import::to_yaml(&result);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::write(&target, yaml).map_err(io(&target))?;
    let ops = count_operations(&result);
    eprintln!(
        "imported {} document(s) into {} ({ops} operations)",
        docs.len(),
        target.display()
    );
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// What an import changes in the API of `target`: the `diff-spec` report of its old content
/// against `imported` (a note instead when there is nothing to compare).
fn change_report(target: &Path, imported: &serde_json::Value) -> String {
    if !target.exists() {
        return format!("{} is new: no change report\n", target.display());
    }
    let raw = generator::load::RawDocument {
        file: target.display().to_string(),
        value: imported.clone(),
    };
    let report = generator::load::load_file(target).and_then(|old| {
        let new = generator::load::parse_document(raw)?;
        crate::diff::diff(&[old], &[new])
    });
    match report {
        Ok(report) => crate::diff::report::text(&report),
        Err(e) => format!("no change report: {e}\n"),
    }
}

fn count_operations(doc: &serde_json::Value) -> usize {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    doc.get("paths")
        .and_then(|p| p.as_object())
        .map(|paths| {
            paths
                .values()
                .filter_map(|i| i.as_object())
                .map(|i| i.keys().filter(|k| METHODS.contains(&k.as_str())).count())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_names_the_file_and_shows_the_changed_line() {
        let files = workspace_files(&workspace_root()).expect("specs/ generate");
        let dir = std::env::temp_dir().join(format!("drift-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_files(&dir, &files, true).unwrap();
        assert!(drift(&dir, &files).is_empty(), "fresh output is in sync");

        let models = dir.join("src/models.rs");
        let text = std::fs::read_to_string(&models).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("pub struct"))
            .unwrap()
            .to_owned();
        std::fs::write(&models, text.replacen(&line, "pub struct Edited {}", 1)).unwrap();
        std::fs::write(dir.join("src/extra.rs"), "").unwrap();
        std::fs::remove_file(dir.join("src/client.rs")).unwrap();

        let report = drift(&dir, &files).concat();
        assert!(report.contains("generated/src/models.rs"), "{report}");
        assert!(report.contains("-pub struct Edited {}"), "{report}");
        assert!(report.contains(&format!("+{line}")), "{report}");
        assert!(
            report.contains("unexpected file: generated/src/extra.rs"),
            "{report}"
        );
        assert!(
            report.contains("missing file: generated/src/client.rs"),
            "{report}"
        );

        write_files(&dir, &files, true).unwrap();
        assert!(drift(&dir, &files).is_empty(), "codegen repairs everything");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `codegen --check`'s summary compares `specs/` with its state at the last commit of
    /// `generated/`; without git history there is none.
    #[test]
    fn api_changes_since_generated_was_committed() {
        let dir = std::env::temp_dir().join(format!("api-changes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("specs")).unwrap();
        std::fs::create_dir_all(dir.join("generated")).unwrap();
        let spec =
            std::fs::read_to_string(workspace_root().join("specs/omnichannel.yaml")).unwrap();
        std::fs::write(dir.join("specs/omnichannel.yaml"), &spec).unwrap();
        std::fs::write(dir.join("generated/lib.rs"), "").unwrap();
        assert_eq!(api_changes(&dir), None, "no git repository");
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(&dir)
                .args([
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@t",
                    "-c",
                    "commit.gpgsign=false",
                ])
                .args(args)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !git(&["init", "-q"]) {
            eprintln!("git is not available: skipped");
            return;
        }
        assert!(git(&["add", "."]) && git(&["commit", "-qm", "generated"]));
        assert_eq!(api_changes(&dir), None, "specs/ unchanged");
        let edited = spec.replacen(
            "  /api/v1/livechat/visitor/{token}:\n",
            "  /api/v1/livechat/visitor2/{token}:\n",
            1,
        );
        assert_ne!(edited, spec);
        std::fs::write(dir.join("specs/omnichannel.yaml"), edited).unwrap();
        let summary = api_changes(&dir).expect("a summary");
        assert!(
            summary.contains("since generated/ was last committed"),
            "{summary}"
        );
        assert!(
            summary.contains("operation-removed") && summary.contains("operation-added"),
            "{summary}"
        );
        assert!(summary.contains("semver: major"), "{summary}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn generation_is_deterministic() {
        let root = workspace_root();
        assert_eq!(
            workspace_files(&root).unwrap(),
            workspace_files(&root).unwrap()
        );
    }
}
