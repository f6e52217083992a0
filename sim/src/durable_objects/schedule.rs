//! What wakes an object on its own: its alarm (at least once, retried with backoff from 2 s
//! doubling, up to 6 retries; semantics.md §5.4) and its hibernatable WebSockets' events.

use std::cell::RefCell;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use edgesim_runtime::Outcome;
use edgesim_runtime::socket::hibernation::{Hibernation, HibernationWake, SocketEvent};

use crate::platform::Platform;

/// alarm-scheduler.h: `ALARM_RETRY_START_SECONDS`, `ALARM_RETRY_MAX_TRIES`, exponent cap.
const ALARM_RETRY_START_MS: u64 = 2_000;
const ALARM_RETRIES_MAX: u32 = 6;
const ALARM_BACKOFF_EXPONENT_MAX: u32 = 9;

/// The next alarm attempt: when (ms since the epoch), which retry, for which scheduled time.
#[derive(Clone, Copy)]
pub(crate) struct AlarmAttempt {
    pub at_ms: u64,
    pub retry_count: u32,
    pub scheduled_ms: u64,
}

impl AlarmAttempt {
    /// The first attempt at the alarm an object set for `at_ms` (ms since the epoch).
    pub(crate) fn first(at_ms: u64) -> AlarmAttempt {
        AlarmAttempt {
            at_ms,
            retry_count: 0,
            scheduled_ms: at_ms,
        }
    }

    /// The attempt after one that ended in `outcome` at `now_ms`: none once it succeeded or ran
    /// out of retries, else after a backoff from 2 s doubling.
    pub(crate) fn after(self, outcome: Outcome, now_ms: u64) -> Option<AlarmAttempt> {
        if outcome == Outcome::Ok || self.retry_count >= ALARM_RETRIES_MAX {
            return None;
        }
        let backoff_ms = ALARM_RETRY_START_MS << self.retry_count.min(ALARM_BACKOFF_EXPONENT_MAX);
        Some(AlarmAttempt {
            at_ms: now_ms + backoff_ms,
            retry_count: self.retry_count + 1,
            scheduled_ms: self.scheduled_ms,
        })
    }
}

/// The next event on the hibernatable sockets of `sets` (one per object, named by `K`). A frame
/// still in flight is waited for on the simulated clock, unless a frame due earlier turns up on
/// another socket meanwhile.
pub(crate) async fn next_socket_event<K: Clone>(
    sets: &[(K, Rc<RefCell<Hibernation>>)],
    platform: &Platform,
) -> (K, SocketEvent) {
    // The first event of any set, or the earliest time a frame in flight arrives.
    let poll = |cx: &mut std::task::Context<'_>| {
        let mut due: Option<u64> = None;
        for (key, set) in sets {
            match set.borrow_mut().poll_event(cx, platform.now_ms()) {
                Poll::Ready(HibernationWake::Event(event)) => return Ok((key.clone(), event)),
                Poll::Ready(HibernationWake::DueAt(at_ms)) => {
                    due = Some(due.map_or(at_ms, |d| d.min(at_ms)));
                }
                Poll::Pending => {}
            }
        }
        Err(due)
    };
    loop {
        let first = std::future::poll_fn(|cx| match poll(cx) {
            Ok(event) => Poll::Ready(Ok(event)),
            Err(Some(due_ms)) => Poll::Ready(Err(due_ms)),
            Err(None) => Poll::Pending,
        });
        let due_ms = match first.await {
            Ok(event) => return event,
            Err(due_ms) => due_ms,
        };
        let sleep = madsim::time::sleep(Duration::from_millis(
            due_ms.saturating_sub(platform.now_ms()),
        ));
        let sooner = std::future::poll_fn(|cx| match poll(cx) {
            Ok(event) => Poll::Ready(Some(event)),
            Err(Some(at_ms)) if at_ms < due_ms => Poll::Ready(None),
            _ => Poll::Pending,
        });
        futures::pin_mut!(sleep, sooner);
        if let futures::future::Either::Right((Some(event), _)) =
            futures::future::select(sleep, sooner).await
        {
            return event;
        }
    }
}
