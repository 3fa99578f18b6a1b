//! The generator's threads: one rayon pool, a thread per core, with large stacks. The model
//! builder runs on one of them (it recurses once per schema along `$ref` chains, which real
//! documents nest hundreds of levels deep), and the files of a crate are formatted on all of
//! them at once.

use std::sync::OnceLock;

/// Stack of each worker (reserved address space; only the pages used are ever allocated).
/// Parsing, typing and formatting recurse once per level of nesting, and the model builder
/// once per schema along `$ref` chains.
const STACK_BYTES: usize = 512 << 20;

/// The pool, started on first use; `None` when no thread could be started (the work is then
/// done on the caller's thread).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(STACK_BYTES)
            .thread_name(|i| format!("generator-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `f` on a worker (on the caller's thread when there is none); rayon's parallel
/// iterators inside `f` share the work over the pool's threads.
pub(crate) fn run<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_have_deep_stacks() {
        fn depth(n: u32) -> u32 {
            let pad = std::hint::black_box([0u8; 1024]);
            if n == 0 {
                u32::from(pad[0])
            } else {
                depth(n - 1) + 1
            }
        }
        // About 100 MB of stack: more than a default thread has, well within a worker's.
        assert_eq!(run(|| depth(100_000)), 100_000);
    }
}
