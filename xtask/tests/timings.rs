//! `xtask generate --timings`: one line on stderr with each stage's wall-clock time, in
//! pipeline order, and the same files as a run without the flag; `--tests`: the crate's own
//! tests, only when asked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generator/tests/fixtures/constructs/objects.yaml")
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Runs `xtask generate` of the fixture into `out`, returning stderr.
fn generate(out: &Path, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec"])
        .arg(fixture())
        .arg("--out")
        .arg(out)
        .args(["--name", "timings-api"])
        .args(extra)
        .output()
        .expect("start xtask");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{:?}\n{stderr}", output.status);
    stderr
}

#[test]
fn timings_name_every_stage_in_order_and_change_no_file() {
    let base = std::env::temp_dir().join(format!("xtask-timings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (plain, timed) = (base.join("plain"), base.join("timed"));

    let stderr = generate(&plain, &[]);
    assert!(!stderr.contains("timings:"), "{stderr}");

    let stderr = generate(&timed, &["--timings"]);
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("timings: "))
        .unwrap_or_else(|| panic!("no timings line in:\n{stderr}"));
    let (stages, total) = line.split_once("; total ").expect("a total");
    let parsed: Vec<(&str, f64)> = stages
        .split(", ")
        .map(|s| {
            let (name, ms) = s
                .rsplit_once(' ')
                .and_then(|(rest, unit)| {
                    assert_eq!(unit, "ms", "{s}");
                    rest.rsplit_once(' ')
                })
                .unwrap_or_else(|| panic!("not `stage N ms`: {s}"));
            (
                name,
                ms.parse().unwrap_or_else(|_| panic!("not a number: {s}")),
            )
        })
        .collect();
    let names: Vec<&str> = parsed.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["load", "build", "emit", "write"], "{line}");
    let total: f64 = total.strip_suffix(" ms").unwrap().parse().unwrap();
    let sum: f64 = parsed.iter().map(|(_, ms)| ms).sum();
    // Each figure is rounded to 0.1 ms; the total also counts the steps between stages.
    assert!(
        sum <= total + 0.3,
        "stages {sum} ms > total {total} ms: {line}"
    );
    assert!(parsed.iter().all(|(_, ms)| *ms >= 0.0), "{line}");

    // The flag changes nothing written but the command in the headers, which names the output.
    let header = |dir: &Path| dir.display().to_string();
    let timed_files: BTreeMap<_, _> = files(&timed)
        .into_iter()
        .map(|(k, v)| {
            let text = String::from_utf8(v).unwrap();
            (k, text.replace(&header(&timed), &header(&plain)))
        })
        .collect();
    let plain_files: BTreeMap<_, _> = files(&plain)
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
        .collect();
    assert!(plain_files.contains_key(Path::new("src/models.rs")));
    assert_eq!(plain_files, timed_files);
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn the_crates_own_tests_are_written_only_with_the_tests_flag() {
    let base = std::env::temp_dir().join(format!("xtask-tests-flag-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (plain, tested) = (base.join("plain"), base.join("tested"));
    generate(&plain, &[]);
    generate(&tested, &["--tests"]);
    let tests = [
        Path::new("tests/examples.rs"),
        Path::new("tests/server_client.rs"),
    ];
    let (plain, tested) = (files(&plain), files(&tested));
    assert!(
        tests.iter().all(|t| !plain.contains_key(*t)),
        "{:?}",
        plain.keys()
    );
    assert!(
        tests.iter().all(|t| tested.contains_key(*t)),
        "{:?}",
        tested.keys()
    );
    // Everything else is the same, but for the command in the headers.
    let body = |f: &Vec<u8>| {
        String::from_utf8_lossy(f)
            .lines()
            .skip(2)
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (path, text) in &plain {
        assert_eq!(body(text), body(&tested[path]), "{}", path.display());
    }
    assert!(String::from_utf8_lossy(&tested[Path::new("src/lib.rs")]).contains(" --tests`"));
    let _ = std::fs::remove_dir_all(&base);
}
