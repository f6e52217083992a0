//! Many short futures driven inside one task, those woken together polled in an order drawn
//! from the run's seed.
//!
//! A scenario's clients each send one request. Spawned as a task each, every request would leave
//! madsim a record for the rest of the run: its node lists each task it ever spawned, weakly, and
//! a weak reference keeps the task's 144-byte info alive. A million-request run kept 150 MB that
//! way. A group keeps only the futures still running. Like madsim's scheduler, which picks the
//! next ready task at random, it polls the futures woken since its last turn in a random order,
//! so the seed still decides how simultaneous requests interleave.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use rand::SeedableRng;
use rand::seq::SliceRandom;

type Member = Pin<Box<dyn Future<Output = ()>>>;

/// The futures of a group and the order they are polled in.
pub struct TaskGroup {
    /// A future per slot while it runs; a finished one's slot is reused.
    slots: Vec<Option<Member>>,
    /// Each slot's waker, made once: it marks the slot woken and wakes the group's task.
    wakers: Vec<Waker>,
    free: Vec<usize>,
    running: usize,
    woken: Arc<Woken>,
    order: rand_chacha::ChaCha8Rng,
}

/// What the members' wakers share with the group (a `Waker` must be `Send`, hence the mutexes:
/// they are never contended, the run being one thread).
#[derive(Default)]
struct Woken {
    slots: Mutex<Vec<usize>>,
    /// The waker of the task driving the group, as of its last turn.
    driver: Mutex<Option<Waker>>,
}

impl Woken {
    fn mark(&self, slot: usize) {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(slot);
        let driver = self.driver.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(driver) = driver.as_ref() {
            driver.wake_by_ref();
        }
    }

    fn take(&self) -> Vec<usize> {
        std::mem::take(&mut *self.slots.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

struct SlotWaker {
    slot: usize,
    woken: Arc<Woken>,
}

impl Wake for SlotWaker {
    fn wake(self: Arc<Self>) {
        self.woken.mark(self.slot);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.mark(self.slot);
    }
}

impl TaskGroup {
    /// An empty group whose polling order comes from `seed`.
    pub fn new(seed: u64) -> TaskGroup {
        TaskGroup {
            slots: Vec::new(),
            wakers: Vec::new(),
            free: Vec::new(),
            running: 0,
            woken: Arc::default(),
            order: rand_chacha::ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Adds `future`, to be polled first on the group's next turn.
    pub fn push(&mut self, future: impl Future<Output = ()> + 'static) {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            self.wakers.push(Waker::from(Arc::new(SlotWaker {
                slot: self.slots.len() - 1,
                woken: self.woken.clone(),
            })));
            self.slots.len() - 1
        });
        self.slots[slot] = Some(Box::pin(future));
        self.running += 1;
        self.woken.mark(slot);
    }

    pub fn running(&self) -> usize {
        self.running
    }

    /// One turn: polls each future woken since the last turn, once, in a random order. Futures
    /// woken during the turn wait for the next one, which is asked for at once: between turns
    /// the other tasks of the run get theirs, as they would between madsim's polls.
    fn turn(&mut self, cx: &mut Context<'_>) {
        {
            let mut driver = self.woken.driver.lock().unwrap_or_else(|e| e.into_inner());
            if !driver.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *driver = Some(cx.waker().clone());
            }
        }
        let mut due = self.woken.take();
        due.sort_unstable();
        due.dedup();
        due.shuffle(&mut self.order);
        for slot in due {
            let Some(future) = self.slots.get_mut(slot).and_then(Option::as_mut) else {
                // Woken after it finished (the slot is free, or taken by a later future that
                // was polled as it was pushed).
                continue;
            };
            let mut member_cx = Context::from_waker(&self.wakers[slot]);
            if future.as_mut().poll(&mut member_cx).is_ready() {
                self.slots[slot] = None;
                self.free.push(slot);
                self.running -= 1;
            }
        }
        if !self
            .woken
            .slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
        {
            cx.waker().wake_by_ref();
        }
    }
}

/// Drives `group` until `done()` says no more futures will be pushed and none is running.
pub async fn drive(group: &RefCell<TaskGroup>, done: impl Fn() -> bool) {
    std::future::poll_fn(|cx| {
        let mut group = group.borrow_mut();
        group.turn(cx);
        if group.running() == 0 && done() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;

    use super::{TaskGroup, drive};

    /// The order in which `n` futures woken at one instant record themselves.
    fn order_of_simultaneous_wakes(seed: u64, n: usize) -> Vec<usize> {
        let runtime = madsim::runtime::Runtime::with_seed_and_config(1, madsim::Config::default());
        runtime.block_on(async move {
            let group = RefCell::new(TaskGroup::new(seed));
            let seen = Rc::new(RefCell::new(Vec::new()));
            for k in 0..n {
                let seen = seen.clone();
                group.borrow_mut().push(async move {
                    madsim::time::sleep(Duration::from_millis(5)).await;
                    seen.borrow_mut().push(k);
                });
            }
            drive(&group, || true).await;
            assert_eq!(group.borrow().running(), 0);
            seen.take()
        })
    }

    #[test]
    fn simultaneous_wakes_are_polled_in_an_order_the_seed_picks() {
        let a = order_of_simultaneous_wakes(7, 20);
        assert_eq!(a, order_of_simultaneous_wakes(7, 20));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert!(
            (8..16).any(|seed| order_of_simultaneous_wakes(seed, 20) != a),
            "every seed gave one order"
        );
    }

    #[test]
    fn finished_futures_free_their_slots_and_driving_waits_for_more_until_done() {
        let runtime = madsim::runtime::Runtime::with_seed_and_config(1, madsim::Config::default());
        runtime.block_on(async {
            let group = Rc::new(RefCell::new(TaskGroup::new(1)));
            let finished = Rc::new(Cell::new(0));
            let sent_all = Rc::new(Cell::new(false));
            let filler = {
                let (group, finished, sent_all) =
                    (group.clone(), finished.clone(), sent_all.clone());
                async move {
                    for _ in 0..1_000 {
                        let finished = finished.clone();
                        group.borrow_mut().push(async move {
                            madsim::time::sleep(Duration::from_millis(1)).await;
                            finished.set(finished.get() + 1);
                        });
                        madsim::time::sleep(Duration::from_millis(2)).await;
                    }
                    sent_all.set(true);
                }
            };
            futures::join!(filler, drive(&group, || sent_all.get()));
            assert_eq!(finished.get(), 1_000);
            // One at a time ran, so one slot served them all.
            assert_eq!(group.borrow().slots.len(), 1);
        });
    }
}
