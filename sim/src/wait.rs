//! What the platform's own tasks (queue consumers, Workflow engines) wait on between their
//! isolate's events.

use std::time::Duration;

use edgesim_runtime::{Isolate, IsolateEvent};

/// Sleeps `ms` of simulated time; forever when `None`.
pub async fn sleep_for(ms: Option<u64>) {
    match ms {
        Some(ms) => madsim::time::sleep(Duration::from_millis(ms)).await,
        None => std::future::pending().await,
    }
}

/// The isolate's next event while invocations run on it; never when none do.
pub async fn next_event(isolate: Option<&mut Isolate>, busy: bool) -> Option<IsolateEvent> {
    match isolate.filter(|_| busy) {
        Some(iso) => iso.next_event().await,
        None => std::future::pending().await,
    }
}
