//! The generator's fuzz target, as a library so the libFuzzer binary and the stable replay
//! binary share it.

include!("harness.rs");
