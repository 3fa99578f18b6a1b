//! Descriptions from git: `specs/` as it was at a revision, and the commit `generated/` was
//! last committed at. Only plain `git` commands (`ls-tree`, `show`, `log`).

use std::path::Path;
use std::process::Command;

use generator::load::{self, Document, Format};
use generator::Error;

fn failure(what: String, message: String) -> Error {
    Error::Io {
        path: what,
        source: std::io::Error::other(message),
    }
}

/// Runs `git` in `root`; its standard output, or an error naming the command.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, Error> {
    let what = format!("git {}", args.join(" "));
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| failure(what.clone(), e.to_string()))?;
    if !out.status.success() {
        let message = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        return Err(failure(what, message));
    }
    Ok(out.stdout)
}

/// The documents of `specs/` at git revision `rev` (files named `REV:specs/NAME` in errors).
pub fn specs_at(root: &Path, rev: &str) -> Result<Vec<Document>, Error> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(failure(rev.to_owned(), "not a git revision".into()));
    }
    let listing = git(root, &["ls-tree", "-z", "--name-only", rev, "--", "specs/"])?;
    let mut names: Vec<String> = listing
        .split(|b| *b == 0)
        .filter_map(|n| std::str::from_utf8(n).ok())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .map(str::to_owned)
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(failure(
            format!("{rev}:specs/"),
            "no spec files there".into(),
        ));
    }
    names
        .iter()
        .map(|name| {
            let file = format!("{rev}:{name}");
            let bytes = git(root, &["show", &file])?;
            let raw = load::read_bytes(&file, &bytes, Format::from_path(Path::new(name)))?;
            load::parse_document(raw)
        })
        .collect()
}

/// The last commit that changed `generated/`, when git and the history are there.
pub fn last_generated_commit(root: &Path) -> Option<String> {
    let out = git(root, &["log", "-1", "--format=%H", "--", "generated"]).ok()?;
    let hash = String::from_utf8(out).ok()?.trim().to_owned();
    (!hash.is_empty()).then_some(hash)
}
