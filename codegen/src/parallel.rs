//! Running the generator's independent steps on every core.
//!
//! Written with `std::thread::scope` rather than rayon: two small helpers do not justify a
//! build dependency that every consumer of the crate would compile.

use std::sync::{Condvar, Mutex, PoisonError};

/// `f` over `items` on as many threads as there are cores (no more than cargo's job count,
/// `NUM_JOBS`, in a build script), the results in the order of the items.
///
/// Items are started heaviest first by `weight` (ties in their order), so that the longest
/// job does not start last and leave one core waiting for it. A job may wait for a
/// [`Handoff`] only from a job heavier than itself: that one has then always been started.
/// The threads get 64 MiB stacks, for the generators' recursion over deeply nested documents.
pub(crate) fn in_parallel<T: Send, R: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = std::env::var("NUM_JOBS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(cores);
    let threads = cores.min(jobs).min(items.len());
    let mut queue: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    queue.sort_by_key(|(i, item)| (std::cmp::Reverse(weight(item)), *i));
    let mut results: Vec<(usize, R)> = if threads <= 1 {
        queue.into_iter().map(|(i, item)| (i, f(item))).collect()
    } else {
        let queue = Mutex::new(queue.into_iter());
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    std::thread::Builder::new()
                        .stack_size(64 << 20)
                        .spawn_scoped(scope, || {
                            let mut done = Vec::new();
                            loop {
                                let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
                                let Some((i, item)) = next else { break };
                                done.push((i, f(item)));
                            }
                            done
                        })
                        .expect("spawning a generator thread")
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        })
    };
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A value one job hands to the jobs waiting for it: the first value put is the one every
/// [`Handoff::wait`] returns.
pub(crate) struct Handoff<T> {
    slot: Mutex<Option<T>>,
    ready: Condvar,
}

impl<T: Clone> Handoff<T> {
    pub(crate) fn new() -> Self {
        Handoff {
            slot: Mutex::new(None),
            ready: Condvar::new(),
        }
    }

    /// Hands `value` over, unless a value was handed over before.
    pub(crate) fn put(&self, value: T) {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(value);
        }
        self.ready.notify_all();
    }

    /// The value handed over, once it is.
    pub(crate) fn wait(&self) -> T {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(value) = slot.as_ref() {
                return value.clone();
            }
            slot = self.ready.wait(slot).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Puts `None` into a handoff when dropped, so that a job that fails (or panics) before
/// handing its value over does not leave the jobs waiting for it blocked forever.
pub(crate) struct PutOnDrop<'a, T: Clone>(pub(crate) &'a Handoff<Option<T>>);

impl<T: Clone> Drop for PutOnDrop<'_, T> {
    fn drop(&mut self) {
        self.0.put(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items_whatever_the_weights() {
        let items: Vec<usize> = (0..20).collect();
        let out = in_parallel(items.clone(), |i| (i * 7) % 5, |i| i * 2);
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_lighter_job_waits_for_the_heavier_one_it_needs() {
        let handoff = Handoff::<Option<u32>>::new();
        let out = in_parallel(
            vec![1usize, 2, 3, 100],
            |w| *w,
            |w| {
                if w == 100 {
                    handoff.put(Some(42));
                    0
                } else {
                    handoff.wait().unwrap_or_default() + w as u32
                }
            },
        );
        assert_eq!(out, vec![43, 44, 45, 0]);
    }

    #[test]
    fn a_job_failing_before_its_handoff_unblocks_the_waiters() {
        let handoff = Handoff::<Option<u32>>::new();
        let out = in_parallel(
            vec![1usize, 100],
            |w| *w,
            |w| {
                if w == 100 {
                    let _unblock = PutOnDrop(&handoff);
                    return None;
                }
                handoff.wait()
            },
        );
        assert_eq!(out, vec![None, None]);
    }
}
