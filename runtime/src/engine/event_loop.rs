//! The isolate's event loop state: pending host operations, timers and the frozen clock.
//!
//! Everything JavaScript waits on lives here, keyed by ids handed out in order, and is polled in
//! id order; with a deterministic host that makes the order in which events reach JavaScript a
//! function of the seed alone. The clock JavaScript sees (`Date.now()`) only moves when an event
//! is delivered: to the host's time for I/O, to the scheduled time for a timer (workerd's
//! Spectre clamp), so CPU-only work never observes time passing.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::task::{Context, Poll};

use rquickjs::{Ctx, Value};

use crate::host::{Host, HostFuture};
use crate::http::HttpResponse;
use crate::invocation::{ErrorClass, Invocation, InvocationId, IsolateEvent};
use crate::limits::Limits;
use crate::storage::durable::{StorageError, StorageReply};

pub type OpId = u64;
pub type TimerId = u64;

/// What a finished host operation hands back to JavaScript.
#[derive(Debug)]
pub enum OpOutcome {
    Response(HttpResponse),
    /// Rejects the operation's promise with `new <class>(message)`.
    Error {
        class: ErrorClass,
        message: String,
    },
    /// A failed Durable Object call: an `Error` with `.remote`, `.retryable`, `.overloaded`.
    ObjectError(crate::host::ObjectCallError),
    Undefined,
    /// What the durable store answered; turned into one of the values below before JavaScript
    /// sees it (engine::durable_object).
    Storage(Result<StorageReply, StorageError>),
    /// Storage entries in key order: `[[key, bytes], ...]`.
    Entries(Vec<(String, Vec<u8>)>),
    Count(u32),
    /// An alarm time, ms since the epoch, or `null`.
    Alarm(Option<u64>),
    /// A structured-clone encoded value (an RPC result).
    Serialized(String),
    /// An API's answer, which the API turns into JavaScript itself: the engine knows none of
    /// their shapes.
    Reply(JsReply),
    /// A `101` response whose WebSocket end this isolate now holds under `socket`.
    Upgrade {
        response: HttpResponse,
        socket: super::sockets::SocketHandle,
    },
}

/// Makes a JavaScript value in the context it is given.
type MakeValue = dyn for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<Value<'js>>;

/// Builds the JavaScript value an operation resolves with, once JavaScript runs again.
pub struct JsReply(Box<MakeValue>);

impl JsReply {
    pub fn to_js<'js>(self, ctx: &Ctx<'js>) -> rquickjs::Result<Value<'js>> {
        (self.0)(ctx)
    }
}

impl std::fmt::Debug for JsReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsReply")
    }
}

impl OpOutcome {
    /// Resolves with what `to_js` makes of the API's answer.
    pub fn reply(
        to_js: impl for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<Value<'js>> + 'static,
    ) -> Self {
        OpOutcome::Reply(JsReply(Box::new(to_js)))
    }

    /// Rejects with a plain `Error` carrying `message` (a service's failure, as workerd words it).
    pub fn error(message: impl ToString) -> Self {
        OpOutcome::Error {
            class: ErrorClass::Error,
            message: message.to_string(),
        }
    }
}

/// Who waits on an operation when it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// A promise in JavaScript, settled through `completeOp`.
    Js,
    /// `passThroughOnException()`: the origin's response becomes the invocation's response.
    PassThrough,
    /// A Durable Object storage read; its reply fills the object's cache before JavaScript
    /// gets its answer.
    StorageRead,
    /// A Durable Object's buffered writes being committed: nothing in JavaScript waits on it,
    /// but held outputs do.
    Commit,
    /// A WebSocket frame leaving the isolate: nothing waits on it.
    Send,
    /// Waiting for the next frame on the socket end JavaScript calls `handle`.
    SocketReceive(super::sockets::SocketHandle),
}

pub struct PendingOp {
    pub invocation: Option<InvocationId>,
    pub kind: OpKind,
    pub future: HostFuture<OpOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// `setTimeout` (no repeat) or `setInterval` (repeat every `ms`).
    Js { repeat_ms: Option<u64> },
    /// The end of an invocation's `waitUntil` grace period.
    WaitUntilGrace,
    /// `blockConcurrencyWhile()` at nesting `depth` has run for 30 s.
    BlockConcurrencyTimeout { depth: usize },
    /// The Durable Object commit carrying writes up to `seq` has taken 30 s.
    StorageTimeout { seq: u64 },
    /// A hibernatable WebSocket handler outlived `setHibernatableWebSocketEventTimeout`; the
    /// timer belongs to its invocation, so it only fires while the handler still runs.
    SocketEventTimeout,
}

#[derive(Debug, Clone, Copy)]
pub struct Timer {
    pub invocation: Option<InvocationId>,
    pub kind: TimerKind,
}

/// An event ready to be delivered to JavaScript.
pub enum Wake {
    Op {
        id: OpId,
        kind: OpKind,
        invocation: Option<InvocationId>,
        outcome: OpOutcome,
    },
    Timer {
        id: TimerId,
        deadline_ms: u64,
        timer: Timer,
    },
}

/// A console line, stamped with the simulated time it was written at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogLine {
    pub at_ms: u64,
    pub level: String,
    pub message: String,
    #[serde(skip)]
    pub invocation: Option<InvocationId>,
}

pub struct IoState {
    pub host: Rc<dyn Host>,
    pub meter: Rc<super::cpu::CpuMeter>,
    /// The meter's reading when JavaScript was last entered for `current`.
    pub entry: super::cpu::CpuCounts,
    /// What `Date.now()` returns: frozen between events.
    pub clock_ms: u64,
    /// The invocation whose JavaScript is running (None at top level).
    pub current: Option<InvocationId>,
    ops: BTreeMap<OpId, PendingOp>,
    next_op: OpId,
    /// (deadline, id) -> timer; the first entry fires next.
    timers: BTreeMap<(u64, TimerId), Timer>,
    timer_deadlines: BTreeMap<TimerId, u64>,
    next_timer: TimerId,
    sleep: Option<(u64, HostFuture<()>)>,
    pub events: VecDeque<IsolateEvent>,
    pub logs: Vec<LogLine>,
    pub invocations: BTreeMap<InvocationId, Invocation>,
    pub limits: Limits,
    /// Set when this isolate hosts a Durable Object: its storage cache and gates.
    pub object: Option<Box<super::durable_object::ObjectIo>>,
    /// The WebSocket ends JavaScript holds.
    pub sockets: super::sockets::SocketTable,
}

impl IoState {
    pub fn new(host: Rc<dyn Host>, meter: Rc<super::cpu::CpuMeter>, limits: Limits) -> Self {
        let clock_ms = host.now_ms();
        IoState {
            host,
            meter,
            entry: Default::default(),
            clock_ms,
            current: None,
            ops: BTreeMap::new(),
            next_op: 1,
            timers: BTreeMap::new(),
            timer_deadlines: BTreeMap::new(),
            next_timer: 1,
            sleep: None,
            events: VecDeque::new(),
            logs: Vec::new(),
            invocations: BTreeMap::new(),
            limits,
            object: None,
            sockets: Default::default(),
        }
    }

    /// Moves the CPU used since JavaScript was entered onto the running invocation's account.
    pub fn settle_cpu(&mut self) {
        let now = self.meter.reading();
        let used = now - self.entry;
        self.entry = now;
        if let Some(inv) = self.current.and_then(|id| self.invocations.get_mut(&id)) {
            inv.cpu = inv.cpu + used;
        }
    }

    /// Starts an outbound HTTP request through the host; a network failure rejects with the
    /// `TypeError` workerd gives.
    pub fn add_fetch_op(&mut self, kind: OpKind, request: crate::http::HttpRequest) -> OpId {
        let host = self.host.clone();
        self.add_outgoing_op(
            kind,
            Box::pin(async move {
                match host.fetch(request).await {
                    Ok(response) => OpOutcome::Response(response),
                    Err(e) => OpOutcome::Error {
                        class: ErrorClass::TypeError,
                        message: e.to_string(),
                    },
                }
            }),
        )
    }

    /// An operation that sends something out of the isolate (a subrequest, a KV write, a call
    /// to another object). Inside a Durable Object it waits behind the output gate.
    pub fn add_outgoing_op(&mut self, kind: OpKind, future: HostFuture<OpOutcome>) -> OpId {
        self.add_outgoing_op_for(self.current, kind, future)
    }

    /// As [`IoState::add_outgoing_op`], on behalf of `invocation` (`None`: of no invocation, so
    /// it outlives the one that started it).
    pub fn add_outgoing_op_for(
        &mut self,
        invocation: Option<InvocationId>,
        kind: OpKind,
        future: HostFuture<OpOutcome>,
    ) -> OpId {
        let id = self.alloc_op_id();
        let op = PendingOp {
            invocation,
            kind,
            future,
        };
        match self.object.as_mut() {
            Some(object) if object.output_gate_closed() => object.defer(id, op),
            _ => {
                self.ops.insert(id, op);
            }
        }
        id
    }

    pub(super) fn alloc_op_id(&mut self) -> OpId {
        let id = self.next_op;
        self.next_op += 1;
        id
    }

    /// Starts an operation held back earlier, under the id it was given then.
    pub(super) fn release_op(&mut self, id: OpId, op: PendingOp) {
        self.ops.insert(id, op);
    }

    /// The id the next operation will get: ops from here on count as started "inside" a
    /// `blockConcurrencyWhile()` callback that begins now.
    pub fn next_ids(&self) -> (OpId, TimerId) {
        (self.next_op, self.next_timer)
    }

    /// An operation on behalf of the running invocation.
    pub fn add_op(&mut self, kind: OpKind, future: HostFuture<OpOutcome>) -> OpId {
        self.add_op_for(self.current, kind, future)
    }

    pub fn add_op_for(
        &mut self,
        invocation: Option<InvocationId>,
        kind: OpKind,
        future: HostFuture<OpOutcome>,
    ) -> OpId {
        let id = self.next_op;
        self.next_op += 1;
        self.ops.insert(
            id,
            PendingOp {
                invocation,
                kind,
                future,
            },
        );
        id
    }

    /// Arms a timer `delay_ms` after the frozen clock. Timer ids start at 1 and are never 0.
    pub fn add_timer(
        &mut self,
        delay_ms: u64,
        kind: TimerKind,
        invocation: Option<InvocationId>,
    ) -> TimerId {
        let id = self.next_timer;
        self.next_timer += 1;
        let deadline = self.clock_ms.saturating_add(delay_ms);
        self.timers
            .insert((deadline, id), Timer { invocation, kind });
        self.timer_deadlines.insert(id, deadline);
        id
    }

    pub fn clear_timer(&mut self, id: TimerId) -> bool {
        match self.timer_deadlines.remove(&id) {
            Some(deadline) => self.timers.remove(&(deadline, id)).is_some(),
            None => false,
        }
    }

    /// Active JavaScript timers (`setTimeout`/`setInterval`), for the 10 000 cap.
    pub fn js_timer_count(&self) -> usize {
        self.timers
            .values()
            .filter(|t| matches!(t.kind, TimerKind::Js { .. }))
            .count()
    }

    /// Whether anything this invocation owns could still wake JavaScript on its behalf. A
    /// socket whose peer is held in this same isolate does not count: only this isolate could
    /// send on it (workerd registers no pending event for a local pair either).
    pub fn has_work_for(&self, invocation: InvocationId) -> bool {
        // A frame still leaving may be for a socket this invocation reads.
        self.ops.values().any(|op| {
            op.kind == OpKind::Send
                || op.invocation == Some(invocation)
                    && !matches!(op.kind, OpKind::SocketReceive(h) if self.sockets.waits_on_itself(h))
        }) || self
            .object
            .as_ref()
            .is_some_and(|o| o.has_deferred_for(invocation))
            || self
                .timers
                .values()
                .any(|t| t.invocation == Some(invocation) && matches!(t.kind, TimerKind::Js { .. }))
    }

    /// Whether `invocation` reads from a socket whose peer is outside this isolate.
    pub fn holds_socket(&self, invocation: InvocationId) -> bool {
        self.ops.values().any(|op| {
            op.invocation == Some(invocation)
                && matches!(op.kind, OpKind::SocketReceive(h) if !self.sockets.peer_is_local(h))
        })
    }

    pub fn is_idle(&self) -> bool {
        self.ops.is_empty()
            && self.timers.is_empty()
            && self.object.as_ref().is_none_or(|o| o.is_idle())
    }

    /// Drops every operation and timer of a finished invocation, as workerd cancels an
    /// IoContext's tasks when it is destroyed.
    pub fn cancel_invocation(&mut self, invocation: InvocationId) {
        let doomed: Vec<OpId> = self
            .ops
            .iter()
            .filter(|(_, op)| op.invocation == Some(invocation) && op.kind != OpKind::Commit)
            .map(|(id, _)| *id)
            .collect();
        for id in &doomed {
            self.ops.remove(id);
        }
        if let Some(object) = self.object.as_mut() {
            object.cancel_deferred(invocation);
            object.forget_reads(&doomed);
        }
        let doomed: Vec<(u64, TimerId)> = self
            .timers
            .iter()
            .filter(|(_, t)| t.invocation == Some(invocation))
            .map(|(k, _)| *k)
            .collect();
        for key in doomed {
            self.timers.remove(&key);
            self.timer_deadlines.remove(&key.1);
        }
    }

    /// The next ready event, operations first (in id order), then the earliest timer.
    pub fn poll_wake(&mut self, cx: &mut Context<'_>) -> Poll<Wake> {
        let gate = self.object.as_ref().map(|o| o.input_gate());
        let mut ready = None;
        for (id, op) in self.ops.iter_mut() {
            if gate
                .as_ref()
                .is_some_and(|g| !g.lets_op_through(*id, op.kind))
            {
                continue;
            }
            if let Poll::Ready(outcome) = op.future.as_mut().poll(cx) {
                ready = Some((*id, outcome));
                break;
            }
        }
        if let Some((id, outcome)) = ready
            && let Some(op) = self.ops.remove(&id)
        {
            return Poll::Ready(Wake::Op {
                id,
                kind: op.kind,
                invocation: op.invocation,
                outcome,
            });
        }
        let next_timer = self.timers.iter().find(|((_, id), t)| {
            gate.as_ref()
                .is_none_or(|g| g.lets_timer_through(*id, t.kind))
        });
        let Some((&(deadline_ms, id), _)) = next_timer else {
            self.sleep = None;
            return Poll::Pending;
        };
        if self.sleep.as_ref().map(|(at, _)| *at) != Some(deadline_ms) {
            self.sleep = Some((deadline_ms, self.host.sleep_until(deadline_ms)));
        }
        let Some((_, sleep)) = self.sleep.as_mut() else {
            return Poll::Pending;
        };
        if sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        self.sleep = None;
        self.timer_deadlines.remove(&id);
        match self.timers.remove(&(deadline_ms, id)) {
            Some(timer) => Poll::Ready(Wake::Timer {
                id,
                deadline_ms,
                timer,
            }),
            None => Poll::Pending,
        }
    }

    /// Re-arms an interval after it fired at `deadline_ms`, keeping its id.
    pub fn rearm_interval(&mut self, id: TimerId, deadline_ms: u64, timer: Timer, every_ms: u64) {
        let next = deadline_ms.saturating_add(every_ms.max(1));
        self.timers.insert((next, id), timer);
        self.timer_deadlines.insert(id, next);
    }
}
