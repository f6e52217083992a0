//! Events a Worker sends to its own handlers in the same isolate: what `SELF.fetch()`,
//! `SELF.scheduled()` and `SELF.queue()` of `cloudflare:test` do, as vitest-pool-workers' `SELF`
//! service binding reaches the Worker's default export in the isolate the tests run in, and
//! what a service binding to the Worker itself does (a loopback lands in the caller's isolate).
//!
//! The event cannot be dispatched from inside the op that asks for it (JavaScript is running),
//! so it is queued; the isolate delivers it as a fresh invocation on its next turn, and that
//! invocation's response, report or exception completes the caller's op instead of (for a
//! response) going to the isolate's owner.

use std::collections::{BTreeMap, VecDeque};

use futures::channel::oneshot;

use super::event_loop::OpOutcome;
use crate::host::HostFuture;
use crate::host::{CallError, CallKind};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{ErrorClass, InvocationId, InvocationKind, Outcome, ThrownError};

/// How the invocation ended, for the caller's op.
enum Answer {
    Response(HttpResponse),
    /// A scheduled or queue event ended: its outcome and (queue) per-message decisions.
    Finished {
        outcome: Outcome,
        returned: Option<String>,
    },
    /// The fetch handler threw (as through a service binding, the caller sees it).
    Thrown(String),
    /// A service call's RPC result, structured-clone encoded.
    Value(String),
    /// A service call's handler threw: the caller's promise rejects with the same class.
    Error(ThrownError),
}

/// Where an invocation's answer goes: to the caller's op.
pub struct Caller(oneshot::Sender<Answer>);

/// The events callers in this isolate asked for (a fetch, a cron tick or a queue batch, as
/// the invocation kinds the isolate already delivers), and the invocations answering them.
#[derive(Default)]
pub struct SelfEvents {
    queued: VecDeque<(InvocationKind, Caller)>,
    /// Invocations started for a caller, and where their answer goes.
    waiting: BTreeMap<InvocationId, Caller>,
}

impl SelfEvents {
    /// `SELF.fetch(request)`.
    pub fn fetch(&mut self, request: HttpRequest) -> HostFuture<OpOutcome> {
        self.queue(InvocationKind::Fetch(request))
    }

    /// `SELF.scheduled()`: a cron tick.
    pub fn scheduled(&mut self, cron: String, scheduled_time_ms: u64) -> HostFuture<OpOutcome> {
        self.queue(InvocationKind::Scheduled {
            cron,
            scheduled_time_ms,
        })
    }

    /// `SELF.queue()`: `messages` is the JSON array of storage::queue::QueuedMessage.
    pub fn batch(&mut self, queue: String, messages: String) -> HostFuture<OpOutcome> {
        self.queue(InvocationKind::Queue { queue, messages })
    }

    /// A call through a service binding to this Worker's entrypoint `entrypoint`.
    pub fn service(
        &mut self,
        entrypoint: Option<String>,
        props: String,
        call: CallKind,
    ) -> HostFuture<OpOutcome> {
        self.queue(InvocationKind::Service {
            entrypoint,
            props,
            call,
        })
    }

    /// Only the four kinds above are ever queued (Isolate::deliver_self_event relies on it).
    fn queue(&mut self, event: InvocationKind) -> HostFuture<OpOutcome> {
        let (send, receive) = oneshot::channel();
        self.queued.push_back((event, Caller(send)));
        Box::pin(async move {
            match receive.await {
                Ok(Answer::Response(response)) => OpOutcome::Response(response),
                Ok(Answer::Finished { outcome, returned }) => finished(outcome, returned),
                Ok(Answer::Thrown(exception)) => thrown(&exception),
                Ok(Answer::Value(value)) => OpOutcome::Serialized(value),
                Ok(Answer::Error(ThrownError { class, message })) => {
                    OpOutcome::ObjectError(CallError::thrown(&class, &message))
                }
                Err(_) => OpOutcome::Error {
                    class: ErrorClass::Error,
                    message: "The Worker's handler ended without an answer.".to_string(),
                },
            }
        })
    }

    /// The next event to deliver (a fetch, a cron tick, a queue batch or a service call), and
    /// who waits for it.
    pub fn take_queued(&mut self) -> Option<(InvocationKind, Caller)> {
        self.queued.pop_front()
    }

    /// Invocation `id` answers `caller` (registered before it is dispatched: a handler may
    /// end at once).
    pub fn started(&mut self, id: InvocationId, caller: Caller) {
        self.waiting.insert(id, caller);
    }

    /// Whether invocation `id` answers a caller in this isolate.
    pub fn answers_caller(&self, id: InvocationId) -> bool {
        self.waiting.contains_key(&id)
    }

    /// A fetch invocation's response.
    pub fn respond(&mut self, id: InvocationId, response: HttpResponse) {
        self.answer(id, Answer::Response(response));
    }

    /// A fetch handler's exception.
    pub fn throw(&mut self, id: InvocationId, exception: String) {
        self.answer(id, Answer::Thrown(exception));
    }

    /// A service call's RPC method returned or its handler threw.
    pub fn returned(&mut self, id: InvocationId, result: Result<String, ThrownError>) {
        self.answer(id, result.map_or_else(Answer::Error, Answer::Value));
    }

    /// A scheduled or queue invocation ended.
    pub fn finished(&mut self, id: InvocationId, outcome: Outcome, returned: Option<String>) {
        self.answer(id, Answer::Finished { outcome, returned });
    }

    fn answer(&mut self, id: InvocationId, answer: Answer) {
        // The caller may have finished meanwhile; its op is gone then, and so is the answer.
        if let Some(Caller(send)) = self.waiting.remove(&id) {
            let _ = send.send(answer);
        }
    }
}

/// What a caller learns of a scheduled or queue handler that ended, here or in another
/// Worker: `{"outcome", "returned"}` as JSON text (service.js reads it).
pub fn finished(outcome: Outcome, returned: Option<String>) -> OpOutcome {
    let json = serde_json::json!({ "outcome": outcome, "returned": returned });
    let text = json.to_string();
    OpOutcome::reply(move |ctx| rquickjs::String::from_str(ctx.clone(), &text).map(Into::into))
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
