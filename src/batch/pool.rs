//! The parallel pool with ordered output: results are streamed through a
//! bounded reorder window, so memory does not grow with the size of the
//! archive: workers never run further ahead of the next object to emit than
//! the window allows.

use std::collections::BTreeMap;
use std::sync::{mpsc, Condvar, Mutex};

/// Hands out item indices to workers, never further than `window` past the
/// next index to emit, so finished-but-unemitted results stay bounded.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
}

struct GateState {
    next_claim: usize,
    emitted: usize,
    stopped: bool,
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn claim(&self, len: usize, window: usize) -> Option<usize> {
        let mut s = self.lock();
        loop {
            if s.stopped || s.next_claim >= len {
                return None;
            }
            if s.next_claim < s.emitted + window {
                s.next_claim += 1;
                return Some(s.next_claim - 1);
            }
            s = self.moved.wait(s).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn update(&self, change: impl FnOnce(&mut GateState)) {
        change(&mut self.lock());
        self.moved.notify_all();
    }
}

/// Maps `work` over `items` on `pool`; `on_done` sees each result as soon as it
/// is ready (any order), `emit` receives them in item order. The first error
/// from either stops the workers and is returned.
pub(super) fn ordered_parallel<T: Sync, R: Send, E>(
    pool: &rayon::ThreadPool,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut on_done: impl FnMut(&R) -> Result<(), E>,
    mut emit: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let workers = pool.current_num_threads().max(1);
    let window = workers * 8;
    let gate =
        Gate { state: Mutex::new(GateState { next_claim: 0, emitted: 0, stopped: false }), moved: Condvar::new() };
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    pool.in_place_scope(|scope| {
        for _ in 0..workers {
            let (tx, gate, work) = (tx.clone(), &gate, &work);
            scope.spawn(move |_| {
                while let Some(i) = gate.claim(items.len(), window) {
                    if tx.send((i, work(&items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut next = 0;
        let result = rx.iter().try_for_each(|(i, result)| {
            on_done(&result)?;
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next) {
                emit(result)?;
                next += 1;
            }
            gate.update(|s| s.emitted = next);
            Ok(())
        });
        if result.is_err() {
            gate.update(|s| s.stopped = true);
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn emits_in_order_with_a_bounded_window() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        let items: Vec<u64> = (0..500).collect();
        let in_flight = std::sync::atomic::AtomicUsize::new(0);
        let mut emitted = Vec::new();
        let mut most_pending = 0;
        let result: Result<(), ()> = ordered_parallel(
            &pool,
            &items,
            |&i| {
                // Uneven work so results finish out of order.
                std::thread::sleep(Duration::from_micros((i * 37) % 400));
                in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                i
            },
            |_| Ok(()),
            |i| {
                let done = in_flight.load(std::sync::atomic::Ordering::SeqCst);
                most_pending = most_pending.max(done - emitted.len());
                emitted.push(i);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(emitted, items);
        assert!(most_pending <= 2 * 8, "window exceeded: {most_pending}");
    }

    #[test]
    fn an_emit_error_stops_the_batch() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        let items: Vec<usize> = (0..10_000).collect();
        let worked = std::sync::atomic::AtomicUsize::new(0);
        let result = ordered_parallel(
            &pool,
            &items,
            |&i| {
                worked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                i
            },
            |_| Ok(()),
            |i| if i == 3 { Err("broken pipe") } else { Ok(()) },
        );
        assert_eq!(result, Err("broken pipe"));
        assert!(worked.into_inner() < 100);
    }
}
