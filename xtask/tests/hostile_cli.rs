//! The `xtask` binary on broken and hostile documents: `generate` exits with 2 and names the
//! file and the JSON pointer on stderr; `lint` exits with 1. Never 101 (a panic), never a
//! signal (a stack overflow, an out-of-memory kill), never a hang. The documents are those of
//! `generator/tests/hostile_specs.rs`, which checks the errors themselves in detail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generator/tests/fixtures/hostile")
        .join(name)
}

/// Runs the binary, killing it (and failing the test) after `limit`.
fn xtask(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start xtask");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut b).ok();
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut b).ok();
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("xtask {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("hostile-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `generate` must exit with 2 naming the file and the pointer; `lint` with 1.
fn assert_spec_error(spec: &Path, pointer: &str, out_dir: &Path) {
    let spec_arg = spec.to_str().unwrap();
    let out = xtask(
        &[
            "generate",
            "--spec",
            spec_arg,
            "--out",
            out_dir.to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "generate {spec_arg}: {:?}\n{stderr}",
        out.status
    );
    assert!(stderr.contains(spec_arg), "the file is named: {stderr}");
    assert!(
        stderr.contains(&format!(" at #{pointer}")),
        "pointer {pointer}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = xtask(&["lint", "--spec", spec_arg], Duration::from_secs(60));
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "lint {spec_arg}: {:?}\n{stdout}\n{}",
        out.status,
        text(&out.stderr)
    );
    assert!(
        stdout.contains(spec_arg) && stdout.contains(&format!(" at #{pointer}")),
        "{stdout}"
    );
}

#[test]
fn broken_documents_exit_with_2_naming_file_and_pointer() {
    let dir = Scratch::new("broken");
    for (name, pointer) in [
        ("invalid-yaml.yaml", ""),
        ("invalid-json.json", ""),
        ("not-utf8.yaml", ""),
        ("empty.yaml", ""),
        ("not-a-mapping.yaml", ""),
        ("no-version.yaml", ""),
        ("swagger2.yaml", "/swagger"),
        ("openapi32.yaml", "/openapi"),
        ("openapi31-dialect.yaml", "/jsonSchemaDialect"),
        ("wrong-type-openapi.yaml", "/openapi"),
        ("wrong-type-info.yaml", "/info"),
        ("wrong-type-paths.yaml", "/paths"),
        (
            "wrong-type-required.yaml",
            "/components/schemas/User/required",
        ),
        (
            "wrong-type-parameter.yaml",
            "/paths/~1users/get/parameters/0/schema/minimum",
        ),
        (
            "unknown-ref.yaml",
            "/paths/~1users/get/responses/200/content/application~1json/schema/$ref",
        ),
        ("external-ref.yaml", "/components/schemas/User"),
        ("ref-cycle.yaml", "/components/schemas/A"),
        ("ref-self.yaml", "/components/schemas/Me"),
        ("ref-cycle-parameter.yaml", "/paths/~1a/get/parameters/0"),
        (
            "path-param-not-in-template.yaml",
            "/paths/~1users~1{id}/get/parameters/1",
        ),
        ("alias-bomb.yaml", ""),
        ("yaml-merge-bad.yaml", ""),
        ("yaml-complex-key.yaml", "/paths"),
    ] {
        assert_spec_error(&fixture(name), pointer, &dir.0.join("out"));
    }
}

#[test]
fn positions_are_printed_where_the_parser_gives_them() {
    let dir = Scratch::new("positions");
    for (name, position) in [
        ("invalid-yaml.yaml", ":9:3 "),
        ("invalid-json.json", ":5:63 "),
        ("not-utf8.yaml", ":3:14 "),
    ] {
        let spec = fixture(name);
        let out = xtask(
            &[
                "generate",
                "--spec",
                spec.to_str().unwrap(),
                "--out",
                dir.0.to_str().unwrap(),
            ],
            Duration::from_secs(60),
        );
        let stderr = text(&out.stderr);
        assert!(stderr.contains(&format!("{name}{position}")), "{stderr}");
    }
}

#[test]
fn hostile_documents_made_at_test_time_exit_with_2() {
    let dir = Scratch::new("made");
    let out_dir = dir.0.join("out");
    let write = |name: &str, text: &str| {
        let path = dir.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let head =
        "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {}";

    // 20,000 levels of nesting.
    let deep = write(
        "deep.json",
        &format!(
            "{head}, \"x\": {}{}}}",
            "[".repeat(20_000),
            "]".repeat(20_000)
        ),
    );
    assert_spec_error(&deep, "", &out_dir);

    // A wrong keyword under 60 nested schemas (exponential in openapiv3 if typed whole).
    let nested = write(
        "nested.json",
        &format!(
            "{head}, \"components\": {{\"schemas\": {{\"D\": {}{{\"type\": \"integer\", \"minimum\": \"x\"}}{}}}}}}}",
            "{\"not\": ".repeat(60),
            "}".repeat(60)
        ),
    );
    assert_spec_error(
        &nested,
        &format!("/components/schemas/D{}/minimum", "/not".repeat(60)),
        &out_dir,
    );

    // 3,000 schemas each holding the next.
    let chain: Vec<String> = (0..3_000)
        .map(|i| format!("\"S{i}\": {{\"type\": \"object\", \"properties\": {{\"n\": {{\"$ref\": \"#/components/schemas/S{}\"}}}}}}", i + 1))
        .collect();
    let chain = write(
        "chain.json",
        &format!("{head}, \"components\": {{\"schemas\": {{{}, \"S3000\": {{\"type\": \"string\"}}}}}}}}", chain.join(", ")),
    );
    let out = xtask(
        &[
            "generate",
            "--spec",
            chain.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
        Duration::from_secs(120),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("too-deep"),
        "{}",
        text(&out.stderr)
    );

    // A 100 MB file (sparse: refused on its size, before it is read).
    let huge = dir.0.join("huge.yaml");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(100 << 20).unwrap();
    drop(file);
    assert_spec_error(&huge, "", &out_dir);
}

#[test]
fn documents_with_problems_that_still_generate_exit_with_0() {
    let dir = Scratch::new("ok");
    for (name, lint_code) in [
        ("duplicate-operation-id.yaml", Some(1)),
        ("path-param-undeclared.yaml", Some(1)),
        ("injection.yaml", None),
    ] {
        let spec = fixture(name);
        let spec_arg = spec.to_str().unwrap();
        let out = xtask(
            &[
                "generate",
                "--spec",
                spec_arg,
                "--out",
                dir.0.join(name).to_str().unwrap(),
                "--name",
                "hostile",
            ],
            Duration::from_secs(60),
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
        if name == "duplicate-operation-id.yaml" {
            // Warned with the file and both pointers.
            let warning = format!(
                "warning[duplicate-operation-id]: {spec_arg} at #/paths/~1users~1{{id}}/get/operationId: \
                 operationId `getUser` is also used at {spec_arg} at #/paths/~1users/get/operationId; \
                 this operation is named `get_user_2`"
            );
            assert!(stderr.contains(&warning), "{stderr}");
        }
        let out = xtask(&["lint", "--spec", spec_arg], Duration::from_secs(60));
        match lint_code {
            Some(code) => assert_eq!(
                out.status.code(),
                Some(code),
                "{name}: {}",
                text(&out.stdout)
            ),
            None => assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{name}: {:?}",
                out.status
            ),
        }
    }
}
