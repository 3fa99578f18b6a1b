//! Broken and hostile documents: each one ends in a clear error (file, JSON pointer, and line
//! and column where the parser gives them) or in correct output, never in a panic, a stack
//! overflow, an out-of-memory kill or a hang.
//!
//! Fixtures are in `tests/fixtures/hostile/`; huge and deeply nested documents are written at
//! test time into a temporary directory. `xtask/tests/hostile_cli.rs` runs the same documents
//! through the `xtask` binary (exit codes). The documents close to the input limit take a few
//! seconds each in a release build and run on request:
//!
//! ```sh
//! cargo test --release -p generator --test hostile_specs -- --ignored
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::{Diagnostic, Error, Options};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// A scratch directory for this test run, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("hostile-specs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn options() -> Options {
    Options {
        crate_name: "hostile".into(),
        regenerate_with: "cargo test -p generator --test hostile_specs".into(),
        standalone: true,
        tests: true,
        build: Default::default(),
    }
}

/// Runs `f` on a thread with a large stack, as the `xtask` binary does: a debug build needs
/// tens of KB of stack per level of nesting, more than a test thread's 2 MiB for the deepest
/// documents the parsers accept.
fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Generates from `path`, failing the test when that takes longer than `limit`.
fn generate(path: &Path, limit: Duration) -> Result<generator::Generated, Error> {
    let start = Instant::now();
    let result = on_big_stack(|| generator::generate(&[path], &options()));
    let took = start.elapsed();
    assert!(took < limit, "{}: took {took:?}", path.display());
    result
}

/// The spec error `path` must give.
fn spec_error(path: &Path) -> Diagnostic {
    match generate(path, Duration::from_secs(30)) {
        Err(Error::Spec(d)) => {
            assert_eq!(d.location.file, path.display().to_string(), "{d}");
            *d
        }
        Err(other) => panic!("{}: expected a spec error, got {other}", path.display()),
        Ok(_) => panic!("{}: expected a spec error, got a crate", path.display()),
    }
}

/// A broken fixture: file, code, pointer, line and column, words the message must contain.
type Broken = (
    &'static str,
    &'static str,
    &'static str,
    Option<(usize, usize)>,
    &'static str,
);

/// Broken documents among the fixtures.
const BROKEN: &[Broken] = &[
    (
        "invalid-yaml.yaml",
        "invalid-yaml",
        "",
        Some((9, 3)),
        "did not find expected",
    ),
    (
        "invalid-json.json",
        "invalid-json",
        "",
        Some((5, 63)),
        "trailing comma",
    ),
    ("not-utf8.yaml", "not-utf8", "", Some((3, 14)), "not UTF-8"),
    ("empty.yaml", "not-openapi", "", None, "not a mapping"),
    (
        "not-a-mapping.yaml",
        "not-openapi",
        "",
        None,
        "not a mapping",
    ),
    (
        "no-version.yaml",
        "not-openapi",
        "",
        None,
        "no `openapi` version",
    ),
    (
        "swagger2.yaml",
        "unsupported-version",
        "/swagger",
        None,
        "Swagger 2.0",
    ),
    (
        "openapi32.yaml",
        "unsupported-version",
        "/openapi",
        None,
        "OpenAPI 3.2.0 is not supported",
    ),
    (
        "openapi31-dialect.yaml",
        "unsupported-dialect",
        "/jsonSchemaDialect",
        None,
        "2019-09",
    ),
    (
        "wrong-type-openapi.yaml",
        "unsupported-version",
        "/openapi",
        None,
        "expected 3.0.x or 3.1.x",
    ),
    (
        "wrong-type-info.yaml",
        "invalid-document",
        "/info",
        None,
        "integer `42`",
    ),
    (
        "wrong-type-paths.yaml",
        "invalid-document",
        "/paths",
        None,
        "invalid type",
    ),
    (
        "wrong-type-required.yaml",
        "invalid-document",
        "/components/schemas/User/required",
        None,
        "expected a sequence",
    ),
    (
        "wrong-type-parameter.yaml",
        "invalid-document",
        "/paths/~1users/get/parameters/0/schema/minimum",
        None,
        "\"ten\"",
    ),
    (
        "unknown-ref.yaml",
        "unknown-ref",
        "/paths/~1users/get/responses/200/content/application~1json/schema/$ref",
        None,
        "points to nothing",
    ),
    (
        "external-ref.yaml",
        "external-ref",
        "/components/schemas/User",
        None,
        "outside this document",
    ),
    (
        "ref-cycle.yaml",
        "ref-cycle",
        "/components/schemas/A",
        None,
        "loops back",
    ),
    (
        "ref-self.yaml",
        "ref-cycle",
        "/components/schemas/Me",
        None,
        "loops back",
    ),
    (
        "ref-cycle-parameter.yaml",
        "ref-cycle",
        "/paths/~1a/get/parameters/0",
        None,
        "loops back",
    ),
    (
        "path-param-not-in-template.yaml",
        "path-param-not-in-template",
        "/paths/~1users~1{id}/get/parameters/1",
        None,
        "`userId`",
    ),
    (
        "alias-bomb.yaml",
        "invalid-yaml",
        "",
        None,
        "repetition limit",
    ),
    ("yaml-merge-bad.yaml", "invalid-yaml", "", None, "merge"),
    (
        "yaml-complex-key.yaml",
        "invalid-key",
        "/paths",
        None,
        "mapping key",
    ),
];

#[test]
fn broken_documents_are_errors_with_file_and_pointer() {
    for &(name, code, pointer, line_col, words) in BROKEN {
        let d = spec_error(&fixture(name));
        assert_eq!(d.code, code, "{name}: {d}");
        assert!(
            d.location.pointer == pointer
                || (pointer == "/paths" && d.location.pointer.starts_with("/paths")),
            "{name}: pointer {} instead of {pointer}: {d}",
            d.location.pointer
        );
        if line_col.is_some() {
            assert_eq!(d.location.line_col, line_col, "{name}: {d}");
        }
        assert!(d.message.contains(words), "{name}: {d}");
        // The rendered error names the file, the pointer, and the position.
        let text = Error::Spec(Box::new(d.clone())).to_string();
        assert!(
            text.contains(&format!("at #{}", d.location.pointer)),
            "{text}"
        );
        if let Some((line, col)) = line_col {
            assert!(text.contains(&format!(":{line}:{col} ")), "{text}");
        }
    }
}

#[test]
fn problems_that_still_generate_are_warnings_and_lint_errors() {
    // Duplicate operationIds: distinct method names; `lint` reports the second one.
    let path = fixture("duplicate-operation-id.yaml");
    let generated = generate(&path, Duration::from_secs(30)).expect("generates");
    let names: Vec<&str> = generated
        .api
        .operations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(names, ["get_user", "get_user_2"]);
    // `generate` warns, with the file and both pointers.
    let warning = generated
        .api
        .warnings
        .iter()
        .find(|d| d.code == "duplicate-operation-id")
        .expect("generate warns of the duplicate");
    assert_eq!(warning.severity, generator::Severity::Warning);
    assert_eq!(warning.location.file, path.display().to_string());
    assert_eq!(
        warning.location.pointer,
        "/paths/~1users~1{id}/get/operationId"
    );
    let first = format!("{} at #/paths/~1users/get/operationId", path.display());
    assert!(warning.message.contains(&first), "{}", warning.message);
    let diags = generator::lint::lint(&[&path], &Default::default());
    let d = diags
        .iter()
        .find(|d| d.code == "duplicate-operation-id")
        .expect("lint reports the duplicate");
    assert_eq!(d.severity, generator::Severity::Error);
    assert_eq!(d.location.pointer, "/paths/~1users~1{id}/get/operationId");

    // A template parameter nobody declared is a required string (Rocket.Chat's documents have
    // them); a warning names it, and `lint` calls it an error.
    let path = fixture("path-param-undeclared.yaml");
    let generated = generate(&path, Duration::from_secs(30)).expect("generates");
    let op = &generated.api.operations[0];
    let item = op
        .params
        .iter()
        .find(|p| p.wire == "item")
        .expect("`item` parameter");
    assert!(item.required);
    assert_eq!(item.ty, generator::ir::TypeRef::String);
    let w = generated
        .api
        .warnings
        .iter()
        .find(|d| d.code == "undeclared-path-param")
        .expect("warning");
    assert_eq!(
        w.location.pointer,
        "/paths/~1users~1{id}~1items~1{item}/get"
    );
}

#[test]
fn nesting_20000_levels_deep_is_refused_by_the_parsers() {
    let dir = Scratch::new("deep");
    let n = 20_000;
    let head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nx-deep: ";
    let cases = [
        (
            "arrays.json",
            format!(
                "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}{}}}",
                "[".repeat(n),
                "]".repeat(n)
            ),
            "invalid-json",
        ),
        (
            "objects.json",
            format!(
                "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {}\"a\": 1{}}}",
                "{\"a\": ".repeat(n),
                "}".repeat(n)
            ),
            "invalid-json",
        ),
        ("flow.yaml", format!("{head}{}{}\n", "[".repeat(n), "]".repeat(n)), "invalid-yaml"),
        ("flow-maps.yaml", format!("{head}{}x{}\n", "{a: ".repeat(n), "}".repeat(n)), "invalid-yaml"),
        ("block.yaml", format!("{head}\n{}x\n", "- ".repeat(n)), "invalid-yaml"),
    ];
    for (name, text, code) in cases {
        let path = dir.write(name, text);
        let d = spec_error(&path);
        assert_eq!(d.code, code, "{name}: {d}");
        assert!(d.message.contains("recursion limit"), "{name}: {d}");
        assert!(d.location.line_col.is_some(), "{name}: {d}");
    }
}

/// A document whose component schemas `S0`..`S{n}` each have a property of the next one,
/// listed in order or in reverse order, used by a request body.
fn chain(n: usize, reverse: bool) -> String {
    let mut schemas: Vec<String> = (0..n)
        .map(|i| format!("\"S{i}\": {{\"type\": \"object\", \"properties\": {{\"next\": {{\"$ref\": \"#/components/schemas/S{}\"}}}}}}", i + 1))
        .collect();
    schemas.push(format!("\"S{n}\": {{\"type\": \"string\"}}"));
    if reverse {
        schemas.reverse();
    }
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{\"/a\": {{\"post\": {{\"requestBody\": {{\"content\": {{\"application/json\": {{\"schema\": {{\"$ref\": \"#/components/schemas/S0\"}}}}}}}}, \"responses\": {{\"200\": {{\"description\": \"ok\"}}}}}}}}}}, \"components\": {{\"schemas\": {{{}}}}}}}",
        schemas.join(", ")
    )
}

/// `depth` schemas nested through `wrap` (which puts its argument inside a new schema), with
/// `leaf` innermost, as a component.
fn nested(depth: usize, wrap: &str, leaf: &str) -> String {
    let (open, close) = wrap.split_once("{}").unwrap();
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{}}, \"components\": {{\"schemas\": {{\"D\": {}{leaf}{}}}}}}}",
        open.repeat(depth),
        close.repeat(depth)
    )
}

#[test]
fn deep_schemas_are_refused_or_generated_never_overflow() {
    let dir = Scratch::new("schemas");
    // 3,000 schemas each holding the next: deeper than the generator maps (an error at the
    // schema where it stops), not a stack overflow.
    let d = spec_error(&dir.write("chain.json", chain(3_000, false)));
    assert_eq!(d.code, "too-deep", "{d}");
    assert!(
        d.location.pointer.starts_with("/components/schemas/S"),
        "{d}"
    );

    // The same chain listed innermost first is never nested while mapping: 5,000 types, and
    // what reads them (recursion boxing, validation statics) stays iterative and linear.
    let path = dir.write("reverse.json", chain(5_000, true));
    let generated = generate(&path, Duration::from_secs(60)).expect("a long chain generates");
    assert!(generated.api.types.len() > 5_000);
    assert!(generated.files["src/schemas.rs"].contains("pub static S4999"));

    // Nested inline schemas within the parsers' limit (128 levels): an error or a result.
    for (wrap, depth) in [
        ("{\"not\": {}}", 120),
        ("{\"type\": \"array\", \"items\": {}}", 120),
        ("{\"anyOf\": [{}]}", 60),
        ("{\"type\": \"object\", \"additionalProperties\": {}}", 120),
        ("{\"type\": \"object\", \"properties\": {\"x\": {}}}", 60),
    ] {
        let path = dir.write("nested.json", nested(depth, wrap, "{\"type\": \"string\"}"));
        match generate(&path, Duration::from_secs(30)) {
            Ok(_) => {}
            Err(Error::Spec(d)) => assert_eq!(d.code, "too-deep", "{wrap}: {d}"),
            Err(e) => panic!("{wrap}: {e}"),
        }
    }

    // A wrong keyword under deeply nested schemas: openapiv3's untagged enums retry every
    // alternative at every level (exponential time, hours for 40 levels); the schemas are
    // checked one at a time first, so this is immediate and names the keyword.
    for wrap in [
        "{\"not\": {}}",
        "{\"type\": \"array\", \"items\": {}}",
        "{\"allOf\": [{}]}",
    ] {
        let path = dir.write(
            "bad.json",
            nested(40, wrap, "{\"type\": \"integer\", \"minimum\": \"x\"}"),
        );
        let d = spec_error(&path);
        assert_eq!(d.code, "invalid-document", "{d}");
        assert!(d.location.pointer.ends_with("/minimum"), "{d}");
    }

    // ... also where only a `$ref` leads (outside `components`).
    let text = format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-hidden\": {}{{\"type\": \"integer\", \"minimum\": \"x\"}}{}, \"components\": {{\"schemas\": {{\"D\": {{\"$ref\": \"#/x-hidden\"}}}}}}}}",
        "{\"not\": ".repeat(40),
        "}".repeat(40)
    );
    let d = spec_error(&dir.write("hidden.json", text));
    assert!(d.location.pointer.starts_with("/x-hidden/not/not"), "{d}");

    // A recursive object schema is fine: its recursive fields are boxed.
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        parent: {$ref: '#/components/schemas/Node'}\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n";
    let generated = generate(&dir.write("tree.yaml", text), Duration::from_secs(30)).unwrap();
    let models = &generated.files["src/models.rs"];
    assert!(models.contains("pub parent: Option<Box<Node>>"), "{models}");
    assert!(
        models.contains("pub children: Option<Vec<Node>>"),
        "{models}"
    );
}

/// Writes about `bytes` bytes of YAML: a valid head, then `line(i)` for i = 0, 1, ...
fn big_yaml(path: &Path, head: &str, bytes: usize, line: impl Fn(usize) -> String) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(head.as_bytes()).unwrap();
    let mut written = head.len();
    let mut i = 0;
    while written < bytes {
        let l = line(i);
        out.write_all(l.as_bytes()).unwrap();
        written += l.len();
        i += 1;
    }
    out.flush().unwrap();
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Big, version: '1'}\n";

#[test]
fn a_100_mb_file_is_refused_before_it_is_parsed() {
    let dir = Scratch::new("huge");
    let path = dir.0.join("huge.yaml");
    big_yaml(&path, &format!("{HEAD}paths:\n"), 100 << 20, |i| {
        format!("  /r{i}:\n    get:\n      responses: {{'200': {{description: ok}}}}\n")
    });
    let d = spec_error(&path);
    assert_eq!(d.code, "too-large", "{d}");
    assert!(d.message.contains("limit"), "{d}");
}

#[test]
fn large_documents_end_quickly_with_a_result_or_an_error() {
    let dir = Scratch::new("large");
    // ~2 MB each; every shape that makes the generated code grow hits a limit.
    let ops = dir.0.join("ops.yaml");
    big_yaml(&ops, &format!("{HEAD}paths:\n"), 2 << 20, |i| {
        format!("  /r{i}/{{id}}:\n    get:\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok}}}}\n")
    });
    let params = dir.0.join("params.yaml");
    big_yaml(&params, &format!("{HEAD}paths:\n  /a:\n    get:\n      responses: {{'200': {{description: ok}}}}\n      parameters:\n"), 1 << 20, |i| {
        format!("        - {{name: p{i}, in: query, schema: {{type: string}}}}\n")
    });
    let segments = dir.write(
        "segments.json",
        format!(
            "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{\"/{}x\": {{\"get\": {{\"responses\": {{\"200\": {{\"description\": \"ok\"}}}}}}}}}}}}",
            (0..5_000).map(|i| format!("{{p{i}}}/")).collect::<String>()
        ),
    );
    let types = dir.0.join("types.yaml");
    big_yaml(
        &types,
        &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n"),
        3 << 20,
        |i| {
            format!("    T{i}: {{type: object, properties: {{a: {{type: string}}, b: {{type: integer}}}}}}\n")
        },
    );
    for path in [&ops, &params, &segments, &types] {
        let d = spec_error(path);
        assert_eq!(d.code, "too-large", "{d}");
    }

    // Junk the generator does not read costs parsing only.
    let junk = dir.0.join("junk.yaml");
    big_yaml(
        &junk,
        &format!("{HEAD}paths: {{}}\nx-junk:\n"),
        2 << 20,
        |i| format!("  - {{k: {i}, v: [a, b, c], s: 'abcdefghijabcdefghij'}}\n"),
    );
    generate(&junk, Duration::from_secs(60)).expect("junk in an extension is ignored");

    // A long description stays one doc string.
    let text = format!(
        "{HEAD}  description: '{}'\npaths: {{}}\n",
        "*/ <b>x</b> ```".repeat(100_000)
    );
    let text =
        text.replacen("version: '1'}", "version: '1'", 1)
            .replacen("info: {", "info:\n  ", 1);
    let text = text.replacen("title: Big, ", "title: Big\n  ", 1);
    generate(
        &dir.write("description.yaml", text),
        Duration::from_secs(60),
    )
    .expect("long text");

    // Thousands of `null`s to repair would each re-type the whole document: bounded.
    let text = format!(
        "{HEAD}paths: {{}}\nservers:\n  - url: http://x\n    variables:\n{}",
        (0..20_000)
            .map(|i| format!("      v{i}: {{default: a, enum: null}}\n"))
            .collect::<String>()
    );
    match generate(&dir.write("nulls.yaml", text), Duration::from_secs(60)) {
        Ok(_) => {}
        Err(Error::Spec(d)) => assert!(d.message.contains("null"), "{d}"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn texts_and_examples_that_used_to_take_minutes_end_quickly() {
    let dir = Scratch::new("slow");
    // Markdown escaping was quadratic in the length of a line.
    for (name, text) in [
        ("brackets", "[".repeat(200_000)),
        ("links", "[a](".repeat(100_000)),
        ("far link", format!("{}](x)", "[a b ".repeat(50_000))),
        (
            "backticks",
            (1..600).map(|n| "`".repeat(n) + " ").collect::<String>(),
        ),
    ] {
        let json = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1", "description": text},
            "paths": {}
        });
        let path = dir.write(&format!("{name}.json"), json.to_string());
        generate(&path, Duration::from_secs(30)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // Checking an example against nested anyOf/oneOf was exponential in its depth.
    let mut example = serde_json::json!(1);
    for _ in 0..60 {
        example = serde_json::json!([example]);
    }
    let json = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"post": {
            "requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/S"}, "example": example}}},
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"schemas": {"S": {"oneOf": [
            {"type": "array", "items": {"$ref": "#/components/schemas/S"}},
            {"type": "array", "items": {"$ref": "#/components/schemas/S"}},
            {"type": "integer"}
        ]}}}
    });
    let path = dir.write("oneof.json", json.to_string());
    generate(&path, Duration::from_secs(30)).expect("generates");
    let start = Instant::now();
    let diags = generator::lint::lint(&[&path], &Default::default());
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "lint took {:?}",
        start.elapsed()
    );
    // Two alternatives match every array: the example contradicts `oneOf`.
    assert!(
        diags.iter().any(|d| d.code == "example-mismatch"),
        "{diags:?}"
    );
}

#[test]
fn absurd_sizes_and_numbers_in_schemas_generate() {
    let dir = Scratch::new("absurd");
    let body = |schema: serde_json::Value| {
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"post": {
                "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
                "responses": {"200": {"description": "ok"}}
            }}}
        })
        .to_string()
    };
    // The generated tests synthesize a request body from the schema: these aborted (allocation
    // failure), panicked (capacity overflow) and took 23 GB.
    for (name, schema) in [
        (
            "min-length",
            serde_json::json!({"type": "string", "minLength": 100_000_000_000u64}),
        ),
        (
            "min-items",
            serde_json::json!({"type": "array", "minItems": u64::MAX, "items": {"type": "integer"}}),
        ),
        (
            "nested-min-items",
            serde_json::json!({"type": "array", "minItems": 10_000, "items": {"type": "array", "minItems": 10_000,
                "items": {"type": "array", "minItems": 10_000, "items": {"type": "integer"}}}}),
        ),
        (
            "numbers",
            serde_json::json!({"type": "object", "properties": {
                "n": {"type": "number", "multipleOf": 0, "minimum": 1e308},
                "m": {"type": "integer", "minimum": i64::MAX, "maximum": i64::MIN},
                "s": {"type": "string", "maxLength": 0, "minLength": 5, "pattern": "(a+)+$"}}}),
        ),
    ] {
        let path = dir.write(&format!("{name}.json"), body(schema));
        generate(&path, Duration::from_secs(30)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // Status keys outside 100..=599, and none valid at all.
    for codes in [
        &[
            "0", "99", "600", "999", "65535", "1XX", "6XX", "0XX", "default",
        ][..],
        &["65536", "-1", "1e2"][..],
    ] {
        let responses: serde_json::Map<String, serde_json::Value> = codes
            .iter()
            .map(|c| (c.to_string(), serde_json::json!({"description": "x"})))
            .collect();
        let json = serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"responses": responses}}}
        });
        let path = dir.write("status.json", json.to_string());
        match generate(&path, Duration::from_secs(30)) {
            Ok(_) | Err(Error::Spec(_)) => {}
            Err(e) => panic!("{codes:?}: {e}"),
        }
    }
}

#[test]
#[ignore = "31 MB documents: a few seconds each in a release build (see the module docs)"]
fn documents_near_the_input_limit() {
    let dir = Scratch::new("limit");
    let size = generator::load::MAX_INPUT_BYTES - (1 << 20);
    let ops = dir.0.join("ops.yaml");
    big_yaml(&ops, &format!("{HEAD}paths:\n"), size, |i| {
        format!("  /r{i}/{{id}}:\n    get:\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{a: {{type: string}}}}}}}}}}}}}}\n")
    });
    let types = dir.0.join("types.yaml");
    big_yaml(
        &types,
        &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n"),
        size,
        |i| {
            format!("    T{i}: {{type: object, properties: {{a: {{type: string}}, b: {{type: integer}}}}}}\n")
        },
    );
    let junk = dir.0.join("junk.yaml");
    big_yaml(&junk, &format!("{HEAD}paths: {{}}\nx-junk:\n"), size, |i| {
        format!("  - {{k: {i}, v: [a, b, c], s: 'abcdefghijabcdefghij'}}\n")
    });
    for path in [&ops, &types, &junk] {
        match generate(path, Duration::from_secs(120)) {
            Ok(_) => {}
            Err(Error::Spec(d)) => assert_eq!(d.code, "too-large", "{d}"),
            Err(e) => panic!("{e}"),
        }
    }
}

/// Every identifier in Rust source (doc comments and string literals are literals, not
/// identifiers).
fn identifiers(source: &str) -> Vec<String> {
    use proc_macro2::{TokenStream, TokenTree};
    fn walk(tokens: TokenStream, out: &mut Vec<String>) {
        for t in tokens {
            match t {
                TokenTree::Ident(i) => out.push(i.to_string()),
                TokenTree::Group(g) => walk(g.stream(), out),
                _ => {}
            }
        }
    }
    let tokens: TokenStream = source.parse().expect("generated code lexes");
    let mut out = Vec::new();
    walk(tokens, &mut out);
    out
}

fn assert_distinct_idents<'a>(what: &str, names: impl IntoIterator<Item = &'a str>) {
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        assert!(
            syn::parse_str::<syn::Ident>(name).is_ok(),
            "{what}: `{name}` is not a plain identifier"
        );
        assert!(seen.insert(name), "{what}: `{name}` twice");
    }
}

/// The injection document: names with quotes, braces, `::`, newlines, emoji, leading digits,
/// empty strings, Rust keywords, prelude and runtime names, colliding case variants; texts
/// with `*/`, code fences and HTML. The crate it gives must have distinct valid identifiers,
/// no identifier taken from a text, and must build and pass its own tests (every operation
/// through the client and the router) with all features and no warning.
#[test]
fn injection_names_and_texts_never_become_code() {
    let path = fixture("injection.yaml");
    let generated =
        generate(&path, Duration::from_secs(60)).expect("the injection document generates");
    let api = &generated.api;

    assert_distinct_idents("operations", api.operations.iter().map(|o| o.name.as_str()));
    assert_distinct_idents(
        "types",
        api.types.iter().map(|t| t.name.as_str()).chain(
            api.operations
                .iter()
                .flat_map(|o| [o.input_type.as_str(), o.output_type.as_str()]),
        ),
    );
    for op in &api.operations {
        assert_distinct_idents(&op.name, op.params.iter().map(|p| p.rust.as_str()));
        assert_distinct_idents(&op.name, op.responses.iter().map(|r| r.variant.as_str()));
    }
    for t in &api.types {
        match &t.kind {
            generator::ir::TypeKind::Struct(s) => {
                assert_distinct_idents(&t.name, s.fields.iter().map(|f| f.rust.as_str()))
            }
            generator::ir::TypeKind::Enum(v) => {
                assert_distinct_idents(&t.name, v.iter().map(|v| v.rust.as_str()))
            }
            generator::ir::TypeKind::Union(u) => {
                assert_distinct_idents(&t.name, u.variants.iter().map(|v| v.rust.as_str()))
            }
            generator::ir::TypeKind::Alias(_) => {}
        }
    }
    // Client methods besides the operations are never shadowed.
    for reserved in [
        "new",
        "base_url",
        "with_credentials",
        "authenticate",
        "clone",
    ] {
        assert!(
            api.operations.iter().all(|o| o.name != reserved),
            "{reserved}"
        );
    }

    // Texts stay text: no identifier of the generated code comes from a description, a
    // title, a summary or a default value.
    for (file, text) in &generated.files {
        if !file.ends_with(".rs") {
            continue;
        }
        let idents = identifiers(text);
        for planted in ["injected", "Evil", "boom", "alert", "onerror"] {
            assert!(
                !idents.iter().any(|i| i == planted),
                "{file}: `{planted}` became code"
            );
        }
    }
    let lib = &generated.files["src/lib.rs"];
    assert!(lib.contains("```text"), "fences become text blocks:\n{lib}");
    assert!(!lib.contains("```rust"), "{lib}");
    assert!(
        lib.contains("&lt;script&gt;") && !lib.contains("<script>"),
        "{lib}"
    );

    // Build and test the crate. One work tree per run; one target directory for every run,
    // so the dependencies are built once.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let base = root.join("target/hostile-check");
    let work = base.join(format!("run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    for (rel, text) in &generated.files {
        let file = work.join(rel);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    // Warnings in the generated code are errors; dependencies stay as they are.
    let manifest = work.join("Cargo.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    toml.push_str("\n[lints.rust]\nwarnings = \"deny\"\n");
    std::fs::write(&manifest, toml).unwrap();
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--all-features", "--quiet"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", base.join("target"))
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "the injection crate does not build or pass its tests:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&work);
}
