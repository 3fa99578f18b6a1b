//! Project tasks. Run as `cargo xtask <command>`:
//!
//! - `codegen [--check]`: regenerate `generated/` from `specs/` (or check it is up to date);
//! - `import-spec DOC...`: refresh `specs/` from published documents;
//! - `generate --spec FILE... --out DIR [--name CRATE] [--profile P] [--tests] [--config FILE]`:
//!   write a
//!   standalone crate;
//! - `lint --spec FILE...`: report problems in documents;
//! - `diff-spec OLD NEW` (or `--base REV`): every API change, with its verdicts for clients,
//!   servers and the generated crate's semver.
//!
//! Exit codes: 0 success; 1 stale generated code (`--check`), lint errors, or breaking
//! changes (`diff-spec --fail-on`); 2 bad input
//! (a spec error, with file and JSON pointer) or I/O failure.

mod codegen;
mod diff;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use generator::{Diagnostic, Severity};

#[derive(Parser)]
#[command(name = "xtask", about = "Code generation tasks for this workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/` from `specs/`.
    Codegen {
        /// Do not write: fail with a diff when the committed files are stale.
        #[arg(long)]
        check: bool,
    },
    /// Import published documents (OpenAPI YAML/JSON or reference pages) into `specs/`.
    ImportSpec {
        /// Documents to import; several are merged into one spec.
        #[arg(required = true)]
        docs: Vec<PathBuf>,
        /// Write to this file instead of `specs/<title>.yaml`.
        #[arg(long)]
        into: Option<PathBuf>,
    },
    /// Write a standalone crate for any OpenAPI 3.0 or 3.1 document(s).
    Generate {
        /// Input documents (merged into one API).
        #[arg(long = "spec", required = true)]
        specs: Vec<PathBuf>,
        /// Output directory (created if needed; generated files are overwritten).
        #[arg(long)]
        out: PathBuf,
        /// Package name (default: from the API title).
        #[arg(long)]
        name: Option<String>,
        /// Print how long each stage took (wall clock) to stderr.
        #[arg(long)]
        timings: bool,
        /// Also write the crate's own tests (`tests/examples.rs`: the examples' round trips;
        /// `tests/server_client.rs`: every operation through client and router).
        #[arg(long)]
        tests: bool,
        /// A configuration file (YAML): names for shared shapes, Rust types of your own for
        /// schemas and formats, extra derives, the profile (docs/configuration.md).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The server's conventions: `openapi` (the description read literally; the default)
        /// or `rocketchat` (Rocket.Chat's behaviour and error shape). Overrides the
        /// configuration's `profile`.
        #[arg(long, value_parser = parse_profile)]
        profile: Option<generator::Profile>,
    },
    /// Report problems in documents; exits 1 when there are errors.
    Lint {
        /// Documents to check (checked together, as `generate` would merge them).
        #[arg(long = "spec", required = true)]
        specs: Vec<PathBuf>,
        /// Print errors only (warnings are still counted).
        #[arg(long)]
        errors_only: bool,
    },
    /// Compare two API descriptions: every change, judged for clients, servers and semver.
    DiffSpec {
        /// The old description (omit with `--base`).
        #[arg(required_unless_present = "base", requires = "new")]
        old: Option<PathBuf>,
        /// The new description.
        new: Option<PathBuf>,
        /// Compare `specs/` with `specs/` at this git revision instead.
        #[arg(long, conflicts_with_all = ["old", "new"])]
        base: Option<String>,
        /// Report format.
        #[arg(long, value_enum, default_value = "text")]
        format: diff::Format,
        /// Exit with 1 on any change that breaks clients or servers (or that is major).
        #[arg(long, value_enum)]
        fail_on: Option<diff::FailOn>,
    },
}

/// The work runs on one of the generator's worker threads: deeply nested documents recurse
/// deeply in serde and in the generator (tens of KB per level in debug builds), more than a
/// main thread's 8 MiB allows, and the workers' large stacks are there anyway.
fn main() -> ExitCode {
    let cli = Cli::parse();
    generator::on_worker(move || run(cli))
}

fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Codegen { check } => codegen::codegen(check),
        Command::ImportSpec { docs, into } => codegen::import_spec(&docs, into.as_deref()),
        Command::Generate {
            specs,
            out,
            name,
            timings,
            tests,
            config,
            profile,
        } => codegen::generate(
            &specs,
            &out,
            name.as_deref(),
            codegen::GenerateFlags {
                timings,
                tests,
                config: config.as_deref(),
                profile,
            },
        ),
        Command::Lint { specs, errors_only } => lint(&specs, !errors_only),
        Command::DiffSpec {
            old,
            new,
            base,
            format,
            fail_on,
        } => diff_spec(old, new, base, format, fail_on),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn parse_profile(s: &str) -> Result<generator::Profile, String> {
    s.parse()
}

fn diff_spec(
    old: Option<PathBuf>,
    new: Option<PathBuf>,
    base: Option<String>,
    format: diff::Format,
    fail_on: Option<diff::FailOn>,
) -> Result<ExitCode, generator::Error> {
    let (old, new) = match (base, old, new) {
        (Some(rev), _, _) => {
            let root = codegen::workspace_root();
            let old = diff::source::specs_at(&root, &rev)?;
            let specs = generator::load::documents_in(&root.join("specs"))?;
            (old, generator::load_all(&specs)?)
        }
        (None, Some(old), Some(new)) => {
            (generator::load_all(&[old])?, generator::load_all(&[new])?)
        }
        // clap requires OLD and NEW without `--base`.
        _ => return Ok(ExitCode::from(2)),
    };
    diff::command(&old, &new, format, fail_on)
}

fn lint(specs: &[PathBuf], warnings: bool) -> Result<ExitCode, generator::Error> {
    let diags: Vec<Diagnostic> = generator::lint::lint(specs, &Default::default());
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warns = diags.len() - errors;
    // Written with `writeln!` so a closed pipe (`| head`) ends the listing instead of panicking.
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for d in diags
        .iter()
        .filter(|d| warnings || d.severity == Severity::Error)
    {
        if writeln!(out, "{d}").is_err() {
            break;
        }
    }
    let _ = writeln!(out, "{errors} errors, {warns} warnings");
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
