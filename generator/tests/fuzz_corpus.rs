//! Replays the fuzz target's regression corpus (`fuzz/corpus/load_and_generate/`: seeds and
//! every input that ever crashed the generator) through the fuzz target's own code, on stable.
//! Fuzzing itself: README, "Robustness and fuzzing".

use std::path::Path;
use std::time::{Duration, Instant};

// The fuzz target's body: `pub fn load_and_generate(data: &[u8])`.
include!("../../fuzz/src/harness.rs");

#[test]
fn the_fuzz_corpus_never_crashes_the_generator() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/load_and_generate");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 20, "the corpus is in the repository");
    // A debug build needs far more stack per level of nesting than the release build fuzzing
    // runs; `xtask` runs on a large stack too.
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(s, || {
                for input in &inputs {
                    let data = std::fs::read(input).unwrap();
                    let start = Instant::now();
                    let outcome = std::panic::catch_unwind(|| load_and_generate(&data));
                    assert!(outcome.is_ok(), "{} crashes the generator", input.display());
                    let took = start.elapsed();
                    assert!(
                        took < Duration::from_secs(20),
                        "{}: {took:?}",
                        input.display()
                    );
                }
            })
            .unwrap()
            .join()
            .unwrap();
    });
}
