//! Runs the fuzz target on files (or every file of directories) without libFuzzer, on stable:
//!
//! ```sh
//! cargo run --release --manifest-path fuzz/Cargo.toml --bin replay -- fuzz/corpus/load_and_generate
//! ```
//!
//! Prints each input before running it, so the last line names the input of a crash.

use std::path::PathBuf;

fn main() {
    let mut inputs: Vec<PathBuf> = Vec::new();
    for arg in std::env::args_os().skip(1) {
        let path = PathBuf::from(arg);
        match std::fs::read_dir(&path) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                files.sort();
                inputs.extend(files);
            }
            Err(_) => inputs.push(path),
        }
    }
    for input in &inputs {
        let data = match std::fs::read(input) {
            Ok(data) => data,
            Err(e) => {
                eprintln!("{}: {e}", input.display());
                std::process::exit(2);
            }
        };
        eprintln!("{}", input.display());
        generator_fuzz::load_and_generate(&data);
    }
    eprintln!("{} inputs, no crash", inputs.len());
}
