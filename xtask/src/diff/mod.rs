//! `cargo xtask diff-spec`: what changed between two API descriptions, and what each change
//! does to existing clients and servers (on the wire) and to the generated crate's Rust API
//! (the semver bump a downstream crate sees).
//!
//! One job per module: [`ops`] walks the operations (parameters, bodies, responses,
//! credentials, security), [`schema`] compares two schemas, [`rules`] holds the verdict of
//! every kind of change, [`report`] prints them, [`source`] reads `specs/` at a git revision.
//! The operation structure comes from the typed `openapiv3` documents; schemas are compared
//! on the raw JSON value at their pointer (as the generator reads `enum`), following local
//! `$ref`s.

pub mod ops;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;

use generator::load::Document;
use generator::Error;

pub use rules::{Bump, Kind, Side, Wire};

/// One difference between the old and the new description.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The operation it affects, `METHOD /path`.
    pub operation: String,
    /// JSON pointer of the changed element: in the new document, or in the old one when the
    /// element was removed.
    pub pointer: String,
    /// What changed.
    pub kind: Kind,
    /// Where the change applies (parameter, request or response), for schema changes.
    pub side: Side,
    /// The element, readable: `body.visitor.name`, `query parameter count`.
    pub place: String,
    /// What it was and is, when that helps: `maxLength 10 -> 5`.
    pub detail: String,
}

impl Change {
    /// The kind as printed and in JSON: `request-property-added`.
    pub fn kind_name(&self) -> String {
        self.kind.name(self.side)
    }

    /// The verdict on the wire.
    pub fn wire(&self) -> Wire {
        self.kind.verdict(self.side).0
    }

    /// The semver bump of the generated crate.
    pub fn rust(&self) -> Bump {
        self.kind.verdict(self.side).1
    }

    /// Why the verdict is what it is, where that is not obvious.
    pub fn note(&self) -> Option<&'static str> {
        self.kind.verdict(self.side).2
    }
}

/// Every change between two descriptions (each possibly several merged documents).
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The changes, grouped by operation, the most breaking operations and changes first.
    pub changes: Vec<Change>,
}

impl Report {
    /// The overall semver bump: the largest of the changes' (patch when nothing changed).
    pub fn semver(&self) -> Bump {
        self.changes
            .iter()
            .map(Change::rust)
            .max()
            .unwrap_or(Bump::Patch)
    }

    /// Whether any change breaks existing clients or servers.
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.wire() != Wire::Compatible)
    }
}

/// Compares two descriptions.
pub fn diff(old: &[Document], new: &[Document]) -> Result<Report, Error> {
    let mut changes = ops::compare(old, new)?;
    report::order(&mut changes);
    Ok(Report { changes })
}

/// How `diff-spec` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Grouped by operation, the most breaking first.
    Text,
    /// `{"changes": [{"operation", "pointer", "kind", "wire", "rust"}], "semver"}`.
    Json,
}

/// When `diff-spec` exits with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any change that breaks existing clients or servers.
    Breaking,
    /// A change that needs a major version of the generated crate.
    Major,
}

/// `cargo xtask diff-spec OLD NEW` (or `--base REV`): prints the report; 1 when `fail_on`
/// says so.
pub fn command(
    old: &[Document],
    new: &[Document],
    format: Format,
    fail_on: Option<FailOn>,
) -> Result<std::process::ExitCode, Error> {
    use std::io::Write;
    let report = diff(old, new)?;
    let text = match format {
        Format::Text => report::text(&report),
        Format::Json => format!("{:#}\n", report::json(&report)),
    };
    // A closed pipe (`| head`) ends the output instead of panicking.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    let fail = match fail_on {
        Some(FailOn::Breaking) => report.breaking(),
        Some(FailOn::Major) => report.semver() == Bump::Major,
        None => false,
    };
    Ok(if fail {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}
