//! Requests a Worker sends to its own `fetch` handler in the same isolate: what `SELF.fetch()`
//! of `cloudflare:test` does, as vitest-pool-workers' `SELF` service binding reaches the
//! Worker's default export in the isolate the tests run in.
//!
//! The request cannot be dispatched from inside the op that asks for it (JavaScript is running),
//! so it is queued; the isolate delivers it as a fresh fetch invocation on its next turn, and
//! that invocation's response (or exception) completes the caller's op instead of going to the
//! isolate's owner.

use std::collections::{BTreeMap, VecDeque};

use futures::channel::oneshot;

use super::event_loop::OpOutcome;
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{ErrorClass, InvocationId};

/// What the caller's op receives: the response, or the exception that escaped the handler.
type Answer = Result<HttpResponse, String>;

#[derive(Default)]
pub struct SelfFetches {
    queued: VecDeque<(HttpRequest, oneshot::Sender<Answer>)>,
    /// Fetch invocations started for a caller, and where their answer goes.
    waiting: BTreeMap<InvocationId, oneshot::Sender<Answer>>,
}

impl SelfFetches {
    /// Queues `request`; the returned future is the caller's op.
    pub fn queue(
        &mut self,
        request: HttpRequest,
    ) -> impl std::future::Future<Output = OpOutcome> + 'static {
        let (send, receive) = oneshot::channel();
        self.queued.push_back((request, send));
        async move {
            match receive.await {
                Ok(Ok(response)) => OpOutcome::Response(response),
                Ok(Err(exception)) => thrown(&exception),
                Err(_) => OpOutcome::Error {
                    class: ErrorClass::Error,
                    message: "The Worker's fetch handler ended without a response.".to_string(),
                },
            }
        }
    }

    /// The next request to deliver.
    pub fn take_queued(&mut self) -> Option<(HttpRequest, oneshot::Sender<Answer>)> {
        self.queued.pop_front()
    }

    /// Invocation `id` answers the caller behind `answer`.
    pub fn started(&mut self, id: InvocationId, answer: oneshot::Sender<Answer>) {
        self.waiting.insert(id, answer);
    }

    /// Whether invocation `id` answers a caller in this isolate.
    pub fn is_self_fetch(&self, id: InvocationId) -> bool {
        self.waiting.contains_key(&id)
    }

    /// Hands invocation `id`'s answer to its caller; false when nobody in the isolate waits.
    pub fn answer(&mut self, id: InvocationId, answer: Answer) -> bool {
        match self.waiting.remove(&id) {
            // The caller may have finished meanwhile; its op is gone then, and so is the answer.
            Some(send) => {
                let _ = send.send(answer);
                true
            }
            None => false,
        }
    }
}

/// The error a caller's promise rejects with for `exception` as the runtime describes it
/// (`TypeError: message`, then the stack): its class and first line's message.
fn thrown(exception: &str) -> OpOutcome {
    let first = exception.lines().next().unwrap_or_default();
    match first.split_once(": ") {
        Some((class, message)) if !class.is_empty() && !class.contains(' ') => OpOutcome::Error {
            class: ErrorClass::named(class),
            message: message.to_string(),
        },
        _ => OpOutcome::Error {
            class: ErrorClass::Error,
            message: first.to_string(),
        },
    }
}
