// The fuzz target's body, shared by the libFuzzer target (`fuzz/fuzz_targets/`), the stable
// replay binary (`fuzz/src/bin/replay.rs`) and the regression test that replays the corpus
// (`generator/tests/fuzz_corpus.rs`, through `include!`). Only `std` and `generator`.

/// Loads `data` as a document and, when it is one, generates a crate from it. Whatever the
/// bytes, this must return (an error is fine); a panic, a stack overflow, an abort or a hang
/// is a bug. The first byte picks the format: `{` JSON; a zero byte a markdown page (the rest
/// of the input); anything else YAML (which also reads JSON).
pub fn load_and_generate(data: &[u8]) {
    use generator::load::{parse_document, read_bytes, Format};
    let (format, data) = match data.first() {
        Some(b'{') => (Format::Json, data),
        Some(0) => (Format::Markdown, &data[1..]),
        _ => (Format::Yaml, data),
    };
    let Ok(raw) = read_bytes("fuzz.yaml", data, format) else {
        return;
    };
    let Ok(doc) = parse_document(raw) else {
        return;
    };
    let options = generator::Options {
        crate_name: "fuzzed".into(),
        regenerate_with: "fuzz".into(),
        standalone: true,
        tests: true,
        build: Default::default(),
    };
    match generator::generate_from(&[doc], &options) {
        Ok(generated) => {
            for (name, text) in &generated.files {
                assert!(!text.is_empty(), "{name} is empty");
            }
        }
        // Generated code that does not parse is a generator bug, reported as a value.
        Err(e @ generator::Error::Internal { .. }) => panic!("{e}"),
        Err(_) => {}
    }
}
