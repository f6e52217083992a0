//! The tasks a run spawns, so that they end when the run ends.
//!
//! madsim keeps each task alive through its own waker (the task's info holds it until the
//! future is dropped), so a task still waiting when a run's main future returns — an isolate's
//! or a Durable Object's inbox loop, a queue consumer, a client cut off by the duration — is
//! never freed, and neither is everything it holds: the platform, its trace, every isolate's
//! heap and every object's database. A sweep grew by about a megabyte per seed that way.
//! Aborting them as the main future finishes lets madsim's executor drop their futures in the
//! same pass, before `block_on` returns.

use std::cell::RefCell;
use std::future::Future;

use madsim::task::{AbortHandle, JoinHandle};

/// The abort handles of a run's tasks (weak: a finished task is freed all the same).
#[derive(Default)]
pub struct RunTasks {
    handles: RefCell<Vec<AbortHandle>>,
}

impl RunTasks {
    /// Spawns `future` on the run's executor, to be ended with the run if it is still waiting.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let task = madsim::task::spawn_local(future);
        let mut handles = self.handles.borrow_mut();
        // Forget finished tasks whenever the list doubles, so a long run keeps only live ones.
        if handles.len() == handles.capacity() && handles.len() >= 64 {
            handles.retain(|h| !h.is_finished());
        }
        handles.push(task.abort_handle());
        task
    }

    /// Ends every task of the run that is still waiting: each is woken cancelled, and madsim
    /// drops its future the next time its executor looks at the ready queue.
    pub fn end_all(&self) {
        for handle in self.handles.take() {
            handle.abort();
        }
    }

    /// How many tasks may still be running (finished ones not yet forgotten included).
    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.handles.borrow().len()
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;
    use std::time::Duration;

    use super::RunTasks;

    /// A task that waits on a channel it holds itself never finishes: only ending it frees it.
    fn run_with_a_task_that_never_finishes(end_tasks: bool) -> std::rc::Weak<()> {
        let held = Rc::new(());
        let weak = Rc::downgrade(&held);
        let runtime = madsim::runtime::Runtime::with_seed_and_config(1, madsim::Config::default());
        runtime.block_on(async move {
            let tasks = RunTasks::default();
            let (tx, rx) = futures::channel::oneshot::channel::<()>();
            tasks.spawn(async move {
                let _own_sender = tx;
                let _held = held;
                let _ = rx.await;
            });
            madsim::time::sleep(Duration::from_millis(1)).await;
            assert_eq!(tasks.tracked(), 1);
            if end_tasks {
                tasks.end_all();
            }
        });
        weak
    }

    #[test]
    fn a_task_still_waiting_when_the_run_ends_is_freed_with_what_it_holds() {
        assert!(
            run_with_a_task_that_never_finishes(true)
                .upgrade()
                .is_none()
        );
        // Without ending it, madsim keeps it (and all it holds) for the life of the process.
        assert!(
            run_with_a_task_that_never_finishes(false)
                .upgrade()
                .is_some()
        );
    }

    #[test]
    fn finished_tasks_are_forgotten_as_the_list_grows() {
        let runtime = madsim::runtime::Runtime::with_seed_and_config(1, madsim::Config::default());
        runtime.block_on(async {
            let tasks = RunTasks::default();
            for _ in 0..10_000 {
                tasks.spawn(async {});
                madsim::time::sleep(Duration::from_millis(1)).await;
            }
            assert!(tasks.tracked() <= 128, "{} tracked", tasks.tracked());
        });
    }
}
