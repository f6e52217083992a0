//! How an invocation moves from running to responded to finished.
//!
//! These are the production rules of semantics.md §1.2–1.3: an uncaught exception becomes error
//! 1101 (or goes to the origin after `passThroughOnException()`), a CPU or memory overrun becomes
//! error 1102 and ends everything the invocation started, `waitUntil` work gets 30 s after the
//! response, and a handler that can no longer make progress gets 1101 with workerd's text.

use super::event_loop::{IoState, OpKind, OpOutcome, TimerKind};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{
    ErrorClass, InvocationId, InvocationKind, InvocationReport, IsolateEvent, Outcome, ResetReason,
    ThrownError, error_page,
};
use crate::limits::WAIT_UNTIL_GRACE_MS;

/// workerd's log line when `waitUntil` work outlives the grace period (io-context.c++).
pub const WAIT_UNTIL_CANCELLED: &str = "waitUntil() tasks did not complete within the allowed time \
     after invocation end and have been cancelled.";
/// workerd's text for a handler whose promise can never settle.
pub const NEVER_RESPONDS: &str = "The script will never generate a response.";

impl IoState {
    /// Records a console line on behalf of `invocation` (None: written at top level).
    pub fn log(&mut self, invocation: Option<InvocationId>, level: &str, message: String) {
        self.logs.push(super::event_loop::LogLine {
            at_ms: self.clock_ms,
            level: level.to_string(),
            message,
            invocation,
        });
    }

    /// The Worker produced its response (or its event handler returned, for non-fetch events).
    pub fn respond(&mut self, id: InvocationId, response: Option<HttpResponse>) {
        if self.meter.memory_exceeded() {
            return self.exceeded(id, Outcome::ExceededMemory);
        }
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        if inv.responded {
            return;
        }
        inv.responded = true;
        let pending = inv.wait_until_pending;
        if let Some(response) = response {
            self.emit(IsolateEvent::Responded { id, response });
        }
        // An accepted WebSocket keeps the request open until it closes (workerd registers a
        // pending event for its read loop); the invocation ends once nothing is left.
        if self.holds_socket(id) {
            return;
        }
        if pending == 0 {
            self.finish(id);
        } else {
            self.add_timer(WAIT_UNTIL_GRACE_MS, TimerKind::WaitUntilGrace, Some(id));
        }
    }

    /// An exception escaped the handler (or a promise given to `waitUntil` rejected).
    pub fn fail(&mut self, id: InvocationId, exception: String) {
        if self.meter.memory_exceeded() {
            return self.exceeded(id, Outcome::ExceededMemory);
        }
        self.log(Some(id), "error", format!("Uncaught {exception}"));
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        if inv.responded {
            return;
        }
        inv.exception.get_or_insert(exception.clone());
        match &inv.kind {
            InvocationKind::Fetch(request) if inv.pass_through => {
                let request = request.clone();
                let running = self.current.replace(id);
                self.add_fetch_op(OpKind::PassThrough, request);
                self.current = running;
            }
            InvocationKind::Fetch(request) => {
                let page = error_page(1101, &host_of(request));
                inv.outcome = Outcome::Exception;
                self.respond(id, Some(page));
            }
            InvocationKind::Scheduled { .. }
            | InvocationKind::Alarm { .. }
            | InvocationKind::SocketEvent(_)
            | InvocationKind::Queue { .. } => {
                inv.outcome = Outcome::Exception;
                self.respond(id, None);
            }
            InvocationKind::ObjectFetch(_) | InvocationKind::Rpc { .. } => {
                let message = exception.lines().next().unwrap_or_default().to_string();
                self.threw(id, "Error".to_string(), message);
            }
        }
    }

    /// A Durable Object call threw: the exception goes back to the caller with its class.
    pub fn threw(&mut self, id: InvocationId, class: String, message: String) {
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        if inv.responded {
            return;
        }
        inv.outcome = Outcome::Exception;
        inv.exception
            .get_or_insert_with(|| format!("{class}: {message}"));
        self.emit(IsolateEvent::Returned {
            id,
            result: Err(ThrownError {
                class: ErrorClass::named(&class),
                message,
            }),
        });
        self.respond(id, None);
    }

    /// A Durable Object RPC method returned (its value structured-clone encoded).
    pub fn returned(&mut self, id: InvocationId, value: String) {
        if self.invocations.get(&id).is_none_or(|inv| inv.responded) {
            return;
        }
        self.emit(IsolateEvent::Returned {
            id,
            result: Ok(value),
        });
        self.respond(id, None);
    }

    /// The origin answered a request passed through after an exception.
    pub fn pass_through_done(&mut self, id: InvocationId, outcome: OpOutcome) {
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        inv.outcome = Outcome::Exception;
        let response = match (outcome, &inv.kind) {
            (OpOutcome::Response(r), _) => r,
            (_, InvocationKind::Fetch(request)) => error_page(1101, &host_of(request)),
            (_, _) => return self.respond(id, None),
        };
        self.respond(id, Some(response));
    }

    /// CPU or memory ran out: the invocation ends now, `waitUntil` work included.
    pub fn exceeded(&mut self, id: InvocationId, outcome: Outcome) {
        if outcome == Outcome::ExceededCpu
            && self.limits.runaway_cpu_limit_ms < self.limits.cpu_limit_ms
        {
            let message = format!(
                "edgesim: stopped after {} ms of simulated CPU by the runaway guard (the production \
                 limit is {} ms); raise it with --runaway-cpu-ms or platform.runaway_cpu_ms",
                self.limits.runaway_cpu_limit_ms, self.limits.cpu_limit_ms
            );
            self.log(Some(id), "warn", message);
        }
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        inv.outcome = outcome;
        if inv.kind.is_object_call() || inv.kind.is_object_event() {
            self.break_object(match outcome {
                Outcome::ExceededMemory => ResetReason::ExceededMemory,
                _ => ResetReason::ExceededCpu,
            });
        } else if !inv.responded {
            inv.responded = true;
            if let InvocationKind::Fetch(request) = &inv.kind {
                let page = error_page(1102, &host_of(request));
                self.emit(IsolateEvent::Responded { id, response: page });
            }
        }
        self.finish(id);
    }

    pub fn wait_until_settled(&mut self, id: InvocationId) {
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        inv.wait_until_pending = inv.wait_until_pending.saturating_sub(1);
        if inv.responded && inv.wait_until_pending == 0 {
            self.finish(id);
        }
    }

    pub fn grace_expired(&mut self, id: InvocationId) {
        if self.invocations.contains_key(&id) {
            self.log(Some(id), "warn", WAIT_UNTIL_CANCELLED.to_string());
            self.finish(id);
        }
    }

    /// Ends invocations that nothing can wake any more: before the response that is workerd's
    /// "will never generate a response"; after it, `waitUntil` promises that can never settle.
    pub fn end_stalled(&mut self) {
        let stalled: Vec<(InvocationId, bool)> = self
            .invocations
            .iter()
            .filter(|(id, _)| !self.has_work_for(**id))
            .map(|(id, inv)| (*id, inv.responded))
            .collect();
        for (id, responded) in stalled {
            if responded {
                self.finish(id);
                continue;
            }
            self.log(Some(id), "error", NEVER_RESPONDS.to_string());
            let Some(inv) = self.invocations.get_mut(&id) else {
                continue;
            };
            inv.outcome = Outcome::Exception;
            inv.exception.get_or_insert(NEVER_RESPONDS.to_string());
            let page = match &inv.kind {
                InvocationKind::Fetch(request) => Some(error_page(1101, &host_of(request))),
                InvocationKind::ObjectFetch(_) | InvocationKind::Rpc { .. } => {
                    self.threw(id, "Error".to_string(), NEVER_RESPONDS.to_string());
                    self.finish(id);
                    continue;
                }
                _ => None,
            };
            self.respond(id, page);
            self.finish(id);
        }
    }

    fn finish(&mut self, id: InvocationId) {
        if self.current == Some(id) {
            self.settle_cpu();
        }
        let Some(inv) = self.invocations.remove(&id) else {
            return;
        };
        self.cancel_invocation(id);
        let logs = self
            .logs
            .iter()
            .filter(|l| l.invocation == Some(id))
            .cloned()
            .collect();
        self.logs.retain(|l| l.invocation != Some(id));
        self.emit(IsolateEvent::Finished(InvocationReport {
            id,
            outcome: inv.outcome,
            cpu_used_ms: inv.cpu.millis(),
            cpu: inv.cpu,
            subrequests: inv.subrequests_external + inv.subrequests_services,
            logs,
            exception: inv.exception,
            returned: inv.returned,
        }));
    }
}

fn host_of(request: &HttpRequest) -> String {
    url::Url::parse(&request.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}
