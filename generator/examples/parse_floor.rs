//! The floor the generator is measured against: read a document and parse it straight into
//! `openapiv3::OpenAPI` with `serde_yaml` (or `serde_json` for `.json`), nothing else.
//! Used by `bench/compare.sh` as a whole process:
//!
//! ```sh
//! cargo run --release -p generator --example parse_floor -- SPEC...
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut operations = 0;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        };
        let parsed: Result<openapiv3::OpenAPI, String> = if path.ends_with(".json") {
            serde_json::from_slice(&bytes).map_err(|e| e.to_string())
        } else {
            serde_yaml::from_slice(&bytes).map_err(|e| e.to_string())
        };
        match parsed {
            Ok(doc) => operations += doc.operations().count(),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    println!("{operations} operations");
    ExitCode::SUCCESS
}
