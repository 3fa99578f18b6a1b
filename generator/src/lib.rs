//! An OpenAPI 3.0 and 3.1 → Rust code generator: typed models, an axum server trait and router that
//! validate requests the way Rocket.Chat does, and a reqwest client.
//!
//! The pipeline, one module per stage: [`load`] (files → typed documents) → `build` with
//! `resolve` and `types` (documents → [`ir::Api`]) → `emit` (model → `quote!` tokens →
//! formatted files). [`generate`] runs it all. [`import`] canonicalizes published documents for
//! `specs/`; [`lint`] reports document problems.

#![deny(missing_docs)]

mod build;
pub mod config;
mod conform;
pub mod diagnostics;
mod emit;
pub mod import;
pub mod ir;
pub mod lint;
pub mod load;
mod names;
mod paging;
mod resolve;
mod shape;
mod types;
mod workers;

use std::path::Path;
use std::time::{Duration, Instant};

pub use config::BuildOptions;
pub use diagnostics::{Diagnostic, Error, Location, Result, Severity};
pub use emit::Files;

/// Runs `f` on one of the generator's worker threads (stacks of 512 MiB, reserved rather than
/// allocated), or on this thread when no worker could be started: deeply nested documents
/// recurse deeply in serde, more than a main thread's 8 MiB allows in debug builds.
pub fn on_worker<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    workers::run(f)
}

/// How to generate a crate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cargo package name of the crate.
    pub crate_name: String,
    /// The command that regenerates the crate, written in every file header.
    pub regenerate_with: String,
    /// Give the crate its own `[workspace]` so it builds anywhere.
    pub standalone: bool,
    /// Write the crate's own tests (`tests/examples.rs`, `tests/server_client.rs`): the
    /// examples' round trips and every operation through client and router.
    pub tests: bool,
    /// Modelling options, the server's profile among them.
    pub build: BuildOptions,
}

/// The conventions a generated server follows: how it reads a request the description leaves
/// open and how it words its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The description read literally: an optional body may be absent (the handler gets
    /// `None`), JSON bodies are not coerced (parameters are, by their style), and errors are
    /// the operation's documented 400/401/422 body when the generator can fill it, RFC 9457
    /// `application/problem+json` otherwise.
    #[default]
    OpenApi,
    /// Rocket.Chat's behaviour: a request without a body is validated as `{}`, JSON bodies are
    /// coerced as Ajv's `coerceTypes` does, errors are `{"success": false, "error": "... [code]",
    /// "errorType": "code"}` and 401 answers carry the documented body.
    RocketChat,
}

impl Profile {
    /// Every profile with its name, as `--profile` and `codegen.yaml` spell it.
    pub const NAMES: [(&'static str, Profile); 2] = [
        ("openapi", Profile::OpenApi),
        ("rocketchat", Profile::RocketChat),
    ];

    /// The name of this profile (`openapi`, `rocketchat`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::OpenApi => "openapi",
            Profile::RocketChat => "rocketchat",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Profile::NAMES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, p)| *p)
            .ok_or_else(|| format!("unknown profile `{s}`: expected `openapi` or `rocketchat`"))
    }
}

/// A generated crate and what was noticed on the way.
#[derive(Debug)]
pub struct Generated {
    /// Files by path relative to the crate root.
    pub files: Files,
    /// The model the files were made from.
    pub api: ir::Api,
    /// Wall-clock time of `build` (documents → model) and `emit` (model → formatted files).
    pub timings: Timings,
}

/// Wall-clock time of named stages, in the order they first ran; a stage timed again (one per
/// document, say) adds up. Displays as `load 31.2 ms, build 9.1 ms`.
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    /// Runs `f`, adding its wall-clock time to `stage`.
    pub fn time<R>(&mut self, stage: &'static str, f: impl FnOnce() -> R) -> R {
        let started = Instant::now();
        let result = f();
        let elapsed = started.elapsed();
        match self.0.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, total)) => *total += elapsed,
            None => self.0.push((stage, elapsed)),
        }
        result
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (stage, d)) in self.0.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{stage} {:.1} ms", d.as_secs_f64() * 1000.0)?;
        }
        Ok(())
    }
}

/// The package name a crate generated from `docs` gets by default: the first document's title
/// in kebab case, ending in `-api`.
pub fn default_crate_name(docs: &[load::Document]) -> String {
    let title = docs
        .first()
        .map(|d| d.openapi.info.title.as_str())
        .unwrap_or_default();
    let name = names::snake_ident(title, "api").replace('_', "-");
    if name.ends_with("-api") || name == "api" {
        name
    } else {
        format!("{name}-api")
    }
}

/// Loads and parses documents, one per core at a time; the first failing document's error,
/// in the order given.
pub fn load_all<P: AsRef<Path> + Sync>(paths: &[P]) -> Result<Vec<load::Document>> {
    load_all_with(paths, &BuildOptions::default())
}

/// Loads documents as [`load_all`] does, each corrected by the options' `patches` before it
/// is typed; a patch that names no document loaded is an error.
pub fn load_all_with<P: AsRef<Path> + Sync>(
    paths: &[P],
    options: &BuildOptions,
) -> Result<Vec<load::Document>> {
    use rayon::prelude::*;
    let loaded: Vec<Result<(load::Document, Vec<bool>)>> = workers::run(|| {
        paths
            .par_iter()
            .map(|p| {
                let mut used = vec![false; options.patches.len()];
                Ok((load::load_file_with(p.as_ref(), options, &mut used)?, used))
            })
            .collect()
    });
    let mut used = vec![false; options.patches.len()];
    let mut docs = Vec::with_capacity(loaded.len());
    for l in loaded {
        let (doc, u) = l?;
        used.iter_mut().zip(u).for_each(|(a, b)| *a |= b);
        docs.push(doc);
    }
    options.unused_patch(&used)?;
    Ok(docs)
}

/// Generates a crate from documents on disk (several documents are merged into one API).
pub fn generate<P: AsRef<Path> + Sync>(paths: &[P], options: &Options) -> Result<Generated> {
    let docs = load_all_with(paths, &options.build)?;
    generate_from(&docs, options)
}

/// Builds the model of loaded documents: what [`generate_from`] writes the crate from.
pub fn model(docs: &[load::Document], options: &BuildOptions) -> Result<ir::Api> {
    build::build(docs, options)
}

/// Generates a crate from loaded documents.
pub fn generate_from(docs: &[load::Document], options: &Options) -> Result<Generated> {
    let mut timings = Timings::default();
    let api = timings.time("build", || model(docs, &options.build))?;
    let emit_options = emit::EmitOptions {
        crate_name: options.crate_name.clone(),
        source_names: docs.iter().map(|d| d.file.clone()).collect(),
        regenerate_with: options.regenerate_with.clone(),
        standalone: options.standalone,
        tests: options.tests,
        profile: options.build.profile,
    };
    let files = timings.time("emit", || emit::emit(&api, &emit_options))?;
    Ok(Generated {
        files,
        api,
        timings,
    })
}
