//! `specs/` reads the same to a YAML 1.1 reader (PyYAML, as Schemathesis uses it; SnakeYAML in
//! openapi-generator follows the same rules) as to serde_yaml (YAML 1.2), and the importer's YAML
//! writer quotes every string a 1.1 reader would read as something else.
//!
//! PyYAML comes from `python3` when it has it, else from a virtual environment made under
//! `target/` with pip. Without python3, or when PyYAML cannot be installed, the tests say so on
//! stderr and pass.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

/// Reads YAML with PyYAML's `safe_load` and writes it as JSON; a value JSON cannot hold (a
/// timestamp, a non-string key, an infinity) becomes a string naming its Python type.
const READ_WITH_PYYAML: &str = r#"
import json, math, sys, yaml
def plain(v):
    if isinstance(v, dict):
        return {(k if isinstance(k, str) else "<python %s %r>" % (type(k).__name__, k)): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return "<python float %r>" % v
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return "<python %s %r>" % (type(v).__name__, v)
print(json.dumps(plain(yaml.safe_load(sys.stdin.read()))))
"#;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn has_pyyaml(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import yaml"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A Python with PyYAML, or why there is none.
fn python() -> Result<PathBuf, String> {
    let system = PathBuf::from("python3");
    if has_pyyaml(&system) {
        return Ok(system);
    }
    let venv = root().join("target/pyyaml-venv");
    let python = venv.join("bin/python3");
    if !has_pyyaml(&python) {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|e| format!("python3 unavailable ({e})"))?;
        let pip = made.success().then(|| {
            Command::new(&python)
                .args(["-m", "pip", "install", "--quiet", "pyyaml"])
                .status()
        });
        if !matches!(pip, Some(Ok(s)) if s.success()) {
            return Err("PyYAML could not be installed with pip".into());
        }
    }
    Ok(python)
}

/// The document as PyYAML reads it.
fn read_yaml11(python: &Path, text: &str) -> Value {
    use std::io::Write;
    let mut child = Command::new(python)
        .args(["-c", READ_WITH_PYYAML])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    let mut stdin = child.stdin.take().unwrap();
    let text = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("python runs");
    writer.join().unwrap().expect("write to python");
    assert!(
        out.status.success(),
        "PyYAML refuses the text: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from python")
}

/// The first place where two values differ, as a JSON pointer and both values.
fn difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
            x.iter().find_map(|(k, v)| {
                let p = format!("{at}/{k}");
                y.get(k)
                    .map_or(Some(format!("{p}: missing")), |w| difference(v, w, &p))
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => (x.iter().zip(y).enumerate())
            .find_map(|(i, (v, w))| difference(v, w, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: YAML 1.2 reads {a}, YAML 1.1 reads {b}")),
    }
}

#[test]
fn specs_read_the_same_in_yaml_1_1_and_1_2() {
    let python = match python() {
        Ok(p) => p,
        Err(why) => return eprintln!("SKIPPED: no YAML 1.1 reader: {why}"),
    };
    let specs = generator::load::documents_in(&root().join("specs")).expect("specs/");
    assert!(!specs.is_empty());
    for spec in specs {
        let text = std::fs::read_to_string(&spec).unwrap();
        let yaml12: Value = serde_yaml::from_str(&text).expect("serde_yaml reads it");
        let yaml11 = read_yaml11(&python, &text);
        if let Some(d) = difference(&yaml12, &yaml11, "") {
            panic!("{}: {d}", spec.display());
        }
    }
}

#[test]
fn the_importer_quotes_what_yaml_1_1_reads_differently() {
    let python = match python() {
        Ok(p) => p,
        Err(why) => return eprintln!("SKIPPED: no YAML 1.1 reader: {why}"),
    };
    let tricky = [
        "20:00",
        "190:20:30",
        "190:20:30.15",
        "-1:30",
        "yes",
        "Yes",
        "NO",
        "on",
        "Off",
        "y",
        "N",
        "0755",
        "+0755",
        "0b1010",
        "0x_1F",
        "1_000",
        "1_000.5",
        "1.",
        ".5",
        "1.0.0",
        "1e5",
        ".inf",
        "-.Inf",
        ".NaN",
        "~",
        "null",
        "",
        "=",
        "<<",
        "2026-01-01",
        "2026-1-1",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2023-05-23T08:08:28.241Z",
        "true",
        "12",
        "-12",
        "1.5",
        "plain",
        "646c747ca8c3a3ba32d0e2e8",
        "0xfg",
        "it's 20:00",
        "'quoted'",
        "o'clock: 20:00",
    ];
    let strings: Vec<Value> = tricky.iter().map(|s| json!(s)).collect();
    let keys: serde_json::Map<String, Value> =
        tricky.iter().map(|s| (s.to_string(), json!(s))).collect();
    let doc = json!({
        "openapi": "3.0.0",
        "info": {"title": "T", "version": "1.0"},
        "paths": {},
        "x-strings": strings,
        "x-keys": keys,
        "x-other": [1, -2, 1.5, 0.0001, 1e-7, -2.5e-300, 1e15, 1e16, 1e100, true, false, null, 123456789012345678u64],
    });
    let text = generator::import::to_yaml(&doc);
    let yaml12: Value = serde_yaml::from_str(&text).expect("serde_yaml reads it");
    assert_eq!(yaml12, doc, "{text}");
    if let Some(d) = difference(&doc, &read_yaml11(&python, &text), "") {
        panic!("{d}\n{text}");
    }
    // Strings that need no quotes keep none.
    assert!(
        text.contains("- plain\n") && text.contains("- 646c747ca8c3a3ba32d0e2e8\n"),
        "{text}"
    );
    assert!(
        text.contains("- '20:00'\n") && text.contains("'on': 'on'\n"),
        "{text}"
    );
}
