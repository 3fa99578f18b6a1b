//! The threads the pipeline shares its work over: one pool, one thread per core, for the whole
//! run. Threads that live on keep their allocator heaps, so memory freed by one stage (typing's
//! buffers, a file's syntax trees) is reused by the next instead of being asked of the system
//! again: a thread per stage made every stage pay for fresh pages.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Stack of each worker (reserved address space; only the pages used are ever allocated).
/// Parsing, typing and formatting recurse once per level of nesting (the parsers stop at 128
/// levels), and the model builder once per schema along `$ref` chains, which real documents
/// nest hundreds of levels deep.
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

/// Runs `f` on a worker (on the caller's thread when there is none).
pub(crate) fn run<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// True when there is more than one worker, so [`both`] runs its two closures at once.
pub(crate) fn parallel() -> bool {
    pool().is_some_and(|pool| pool.current_num_threads() > 1)
}

/// Shortest list [`in_halves`] shares out (a thread costs more than a few items).
const MIN_HALVED: usize = 64;

/// `f` of each item, in order; the two halves of a list of at least 64 items on two workers.
pub(crate) fn in_halves<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < MIN_HALVED {
        return items.iter().map(&f).collect();
    }
    let (first, second) = items.split_at(items.len() / 2);
    let (mut a, b) = both(
        || first.iter().map(&f).collect::<Vec<R>>(),
        || second.iter().map(&f).collect::<Vec<R>>(),
    );
    a.extend(b);
    a
}

/// Runs `a` and `b` at once (on one thread when there is one core).
pub(crate) fn both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    match pool() {
        Some(pool) => pool.install(|| rayon::join(a, b)),
        None => (a(), b()),
    }
}

/// `f` of every item, returned in order. The threads take the items one at a time in order,
/// so putting the costliest first keeps the threads finishing together. A thread that runs
/// out of items counts itself in the [`Idle`] that `f` is given, so that the thread still
/// busy with the last item can hand it part of that item's work.
pub(crate) fn each<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T, &Idle) -> R + Sync + Send,
) -> Vec<R> {
    use std::sync::Mutex;
    let idle = Idle::new(0);
    let Some(pool) = pool().filter(|_| items.len() > 1) else {
        return items.iter().map(|item| f(item, &idle)).collect();
    };
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let out = f(item, &idle);
            done.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(out);
        }
        idle.release();
    };
    pool.scope(|scope| {
        for _ in 1..pool.current_num_threads().min(items.len()) {
            scope.spawn(|_| work());
        }
        work();
    });
    done.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| unreachable!("every item is done")))
        .collect()
}

/// The threads of an [`each`] that have run out of items. A thread with much work left
/// [`claim`](Idle::claim)s one and spawns part of its work in a `rayon::in_place_scope`, where
/// the idle thread (waiting in the pool) takes it; the part [`release`](Idle::release)s it
/// when done. Unclaimed, the spawning thread runs the part itself: never wrong, only slower.
pub(crate) struct Idle(AtomicUsize);

impl Idle {
    /// `idle` threads idle.
    pub(crate) fn new(idle: usize) -> Self {
        Idle(AtomicUsize::new(idle))
    }

    /// Takes one idle thread, when there is one.
    pub(crate) fn claim(&self) -> bool {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
    }

    /// Counts a thread (back) among the idle ones.
    pub(crate) fn release(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_whoever_computed_them() {
        let items: Vec<u64> = (0..100).collect();
        // Uneven costs, so that the workers finish items out of order.
        let squares = each(&items, |&n, _| {
            std::thread::sleep(std::time::Duration::from_micros((100 - n) * 20));
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert_eq!(each(&[7u8], |&n, _| n + 1), vec![8]);
        assert!(each(&[] as &[u8], |&n, _| n).is_empty());
        assert_eq!(both(|| 1, || "two"), (1, "two"));
        for n in [0u64, 5, 64, 101] {
            let items: Vec<u64> = (0..n).collect();
            let doubled: Vec<u64> = items.iter().map(|i| i * 2).collect();
            assert_eq!(in_halves(&items, |i| i * 2), doubled);
        }
        assert_eq!(run(|| 3), 3);
    }

    /// A thread out of items is counted idle, and work spawned for it runs there.
    #[test]
    fn a_thread_out_of_items_takes_work_handed_out() {
        if pool().map_or(1, |p| p.current_num_threads()) < 2 {
            return;
        }
        let helpers = each(&[0u8, 1], |&n, idle| {
            if n == 0 {
                return None;
            }
            // Wait (bounded) for the other thread to run out of items, then hand it work.
            let start = std::time::Instant::now();
            while !idle.claim() {
                assert!(
                    start.elapsed().as_secs() < 10,
                    "the other thread never idles"
                );
                std::thread::yield_now();
            }
            let me = std::thread::current().id();
            let mut helper = None;
            rayon::in_place_scope(|scope| {
                scope.spawn(|_| {
                    helper = Some(std::thread::current().id());
                    idle.release();
                });
                // Keep this thread busy until the part is taken.
                while start.elapsed().as_secs() < 10 && !idle.claim() {
                    std::thread::yield_now();
                }
            });
            Some((me, helper))
        });
        let (me, helper) = helpers[1].expect("item 1 handed work out");
        assert_ne!(helper, Some(me), "the idle thread ran the part");
        let idle = Idle::new(1);
        assert!(idle.claim());
        assert!(!idle.claim(), "one idle thread is claimed once");
        idle.release();
        assert!(idle.claim());
    }

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
