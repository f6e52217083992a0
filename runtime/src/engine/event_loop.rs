//! The isolate's event loop: pending host operations and timers.
//!
//! Everything JavaScript waits on lives here, keyed by ids handed out in order, and is polled in
//! id order; with a deterministic host that makes the order in which events reach JavaScript a
//! function of the seed alone. The loop knows nothing of invocations' rules or of Durable
//! Objects: the input gate is passed in when it polls (io_state.rs composes them).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use rquickjs::{Ctx, Value};

use super::durable_object::gates::{InputGate, ObjectSlot};
use crate::host::{Host, HostFuture};
use crate::http::HttpResponse;
use crate::invocation::{ErrorClass, InvocationId};
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
    ObjectError(crate::host::CallError),
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
    /// A TCP connection (`connect()`): the end joins the isolate's socket table when
    /// JavaScript gets it, which resolves with its handle.
    Connected(crate::socket::SocketEnd),
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
    /// What a call to another Worker's code (a Durable Object, a service, a callback) hands
    /// back: its response, its value, or the error its caller's promise rejects with.
    pub fn from_call(result: Result<crate::host::CallReply, crate::host::CallError>) -> OpOutcome {
        match result {
            Ok(crate::host::CallReply::Response(response)) => OpOutcome::Response(response),
            Ok(crate::host::CallReply::Value(value)) => OpOutcome::Serialized(value),
            Err(e) => OpOutcome::ObjectError(e),
        }
    }

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
    /// The Durable Object it was started for: its input gate holds the completion back.
    pub object: Option<ObjectSlot>,
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
    /// The Durable Object it was armed for: its input gate holds it back.
    pub object: Option<ObjectSlot>,
    pub kind: TimerKind,
}

/// An event ready to be delivered to JavaScript.
pub enum Wake {
    Op {
        id: OpId,
        kind: OpKind,
        invocation: Option<InvocationId>,
        object: Option<ObjectSlot>,
        outcome: OpOutcome,
    },
    Timer {
        id: TimerId,
        deadline_ms: u64,
        timer: Timer,
    },
}

/// Operations and timers in flight, in the order they were started.
pub struct EventLoop {
    ops: BTreeMap<OpId, PendingOp>,
    /// Each invocation's pending operations: what it is waiting for, found without scanning
    /// every operation (a burst of thousands of requests keeps thousands in flight).
    ops_of: BTreeMap<InvocationId, BTreeSet<OpId>>,
    /// How many pending operations are WebSocket sends (which belong to no invocation).
    sends: usize,
    /// Invocations left without operations since the last `take_emptied`.
    emptied: Vec<InvocationId>,
    next_op: OpId,
    /// (deadline, id) -> timer; the first entry fires next.
    timers: BTreeMap<(u64, TimerId), Timer>,
    timer_deadlines: BTreeMap<TimerId, u64>,
    next_timer: TimerId,
    sleep: Option<(u64, HostFuture<()>)>,
    /// Which operations (and whether the timers' sleep) may have become ready.
    woken: Arc<Woken>,
}

/// What woke since the loop last looked: the operations (and the timers' sleep) to poll again.
/// A pending operation is polled again only once its own waker fires, so delivering n events
/// costs n polls rather than n² with n in flight — and a simulated sleep, which registers a
/// timer on every poll, registers one per wait.
#[derive(Default)]
struct Woken {
    ops: Mutex<BTreeSet<OpId>>,
    sleep: Mutex<bool>,
    /// The isolate task's waker, woken after the set is marked.
    task: Mutex<Option<Waker>>,
}

impl Woken {
    fn mark(&self, op: Option<OpId>) {
        match op {
            Some(id) => {
                lock(&self.ops).insert(id);
            }
            None => *lock(&self.sleep) = true,
        }
        if let Some(task) = lock(&self.task).as_ref() {
            task.wake_by_ref();
        }
    }

    /// The waker of operation `op` (the timers' sleep when `None`).
    fn waker(woken: &Arc<Woken>, op: Option<OpId>) -> Waker {
        Waker::from(Arc::new(OpWaker {
            op,
            woken: woken.clone(),
        }))
    }

    /// Remembers the waker of the task that polls the loop now.
    fn polled_by(&self, cx: &Context<'_>) {
        let mut task = lock(&self.task);
        if !task.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *task = Some(cx.waker().clone());
        }
    }

    /// Takes the mark of operation `id` (the timers' sleep when `None`): true if it was set.
    fn take(&self, op: Option<OpId>) -> bool {
        match op {
            Some(id) => lock(&self.ops).remove(&id),
            None => std::mem::replace(&mut *lock(&self.sleep), false),
        }
    }
}

/// The loop is single-threaded: a lock is never contended, and a poisoned one still holds
/// a well-formed set.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The waker of one operation (the timers' sleep when `None`).
struct OpWaker {
    op: Option<OpId>,
    woken: Arc<Woken>,
}

impl std::task::Wake for OpWaker {
    fn wake(self: Arc<Self>) {
        self.woken.mark(self.op);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.mark(self.op);
    }
}

impl Default for EventLoop {
    fn default() -> Self {
        EventLoop {
            ops: BTreeMap::new(),
            ops_of: BTreeMap::new(),
            sends: 0,
            emptied: Vec::new(),
            next_op: 1,
            timers: BTreeMap::new(),
            timer_deadlines: BTreeMap::new(),
            next_timer: 1,
            sleep: None,
            woken: Arc::default(),
        }
    }
}

impl EventLoop {
    /// Names an operation that starts later (held by an output gate until then).
    pub fn alloc_op_id(&mut self) -> OpId {
        let id = self.next_op;
        self.next_op += 1;
        id
    }

    /// Starts an operation under an id from [`EventLoop::alloc_op_id`].
    pub fn start(&mut self, id: OpId, op: PendingOp) {
        self.index(id, &op, true);
        self.ops.insert(id, op);
        // Not polled yet: it may be ready at once.
        lock(&self.woken.ops).insert(id);
    }

    /// Keeps `ops_of` and `sends` in step with `ops` as operation `id` comes or goes.
    fn index(&mut self, id: OpId, op: &PendingOp, added: bool) {
        if op.kind == OpKind::Send {
            self.sends = if added {
                self.sends + 1
            } else {
                self.sends - 1
            };
        }
        let Some(invocation) = op.invocation else {
            return;
        };
        if added {
            self.ops_of.entry(invocation).or_default().insert(id);
        } else if let Some(ids) = self.ops_of.get_mut(&invocation) {
            ids.remove(&id);
            if ids.is_empty() {
                self.ops_of.remove(&invocation);
                self.emptied.push(invocation);
            }
        }
    }

    /// The invocations whose last operation went since the last call.
    pub fn take_emptied(&mut self) -> Vec<InvocationId> {
        std::mem::take(&mut self.emptied)
    }

    fn remove_op(&mut self, id: OpId) -> Option<PendingOp> {
        self.woken.take(Some(id));
        let op = self.ops.remove(&id)?;
        self.index(id, &op, false);
        Some(op)
    }

    /// The pending operations of `invocation`.
    pub fn ops_of(&self, invocation: InvocationId) -> impl Iterator<Item = &PendingOp> {
        (self.ops_of.get(&invocation).into_iter().flatten()).filter_map(|id| self.ops.get(id))
    }

    /// Whether a WebSocket send is pending.
    pub fn has_sends(&self) -> bool {
        self.sends > 0
    }

    /// Starts an operation now.
    pub fn add_op(
        &mut self,
        (invocation, object): (Option<InvocationId>, Option<ObjectSlot>),
        kind: OpKind,
        future: HostFuture<OpOutcome>,
    ) -> OpId {
        let id = self.alloc_op_id();
        self.start(
            id,
            PendingOp {
                invocation,
                object,
                kind,
                future,
            },
        );
        id
    }

    /// The ids the next operation and timer will get: what starts from here on counts as
    /// started "inside" a `blockConcurrencyWhile()` callback that begins now.
    pub fn next_ids(&self) -> (OpId, TimerId) {
        (self.next_op, self.next_timer)
    }

    /// Arms a timer for `now_ms + delay_ms`. Timer ids start at 1 and are never 0.
    pub fn add_timer(
        &mut self,
        now_ms: u64,
        delay_ms: u64,
        kind: TimerKind,
        (invocation, object): (Option<InvocationId>, Option<ObjectSlot>),
    ) -> TimerId {
        let id = self.next_timer;
        self.next_timer += 1;
        let deadline = now_ms.saturating_add(delay_ms);
        let timer = Timer {
            invocation,
            object,
            kind,
        };
        self.timers.insert((deadline, id), timer);
        self.timer_deadlines.insert(id, deadline);
        id
    }

    pub fn clear_timer(&mut self, id: TimerId) -> bool {
        match self.timer_deadlines.remove(&id) {
            Some(deadline) => self.timers.remove(&(deadline, id)).is_some(),
            None => false,
        }
    }

    /// Re-arms an interval after it fired at `deadline_ms`, keeping its id.
    pub fn rearm_interval(&mut self, id: TimerId, deadline_ms: u64, timer: Timer, every_ms: u64) {
        let next = deadline_ms.saturating_add(every_ms.max(1));
        self.timers.insert((next, id), timer);
        self.timer_deadlines.insert(id, next);
    }

    /// Active JavaScript timers (`setTimeout`/`setInterval`), for the 10 000 cap.
    pub fn js_timer_count(&self) -> usize {
        self.timers
            .values()
            .filter(|t| matches!(t.kind, TimerKind::Js { .. }))
            .count()
    }

    /// The invocations that own a JavaScript timer, each once or more.
    pub fn js_timer_owners(&self) -> impl Iterator<Item = InvocationId> + '_ {
        self.timers
            .values()
            .filter(|t| matches!(t.kind, TimerKind::Js { .. }))
            .filter_map(|t| t.invocation)
    }

    pub fn is_idle(&self) -> bool {
        self.ops.is_empty() && self.timers.is_empty()
    }

    /// Drops every operation (but commits) and timer of `invocation`; returns the operations'
    /// ids.
    pub fn cancel_invocation(&mut self, invocation: InvocationId) -> Vec<OpId> {
        let doomed: Vec<OpId> = (self.ops_of.get(&invocation).into_iter().flatten())
            .filter(|id| self.ops.get(id).is_some_and(|op| op.kind != OpKind::Commit))
            .copied()
            .collect();
        for id in &doomed {
            self.remove_op(*id);
        }
        self.release_timers_of(invocation, |_| false);
        doomed
    }

    /// Drops the timers of `invocation`, but for those `keep` says to hand to no invocation.
    fn release_timers_of(&mut self, invocation: InvocationId, keep: impl Fn(TimerKind) -> bool) {
        for (key, timer) in self.timers.iter_mut() {
            if timer.invocation == Some(invocation) && keep(timer.kind) {
                timer.invocation = None;
                continue;
            }
            if timer.invocation == Some(invocation) {
                self.timer_deadlines.remove(&key.1);
            }
        }
        self.timers.retain(|_, t| t.invocation != Some(invocation));
    }

    /// Hands what `invocation` left running to no invocation, so it outlives it (a Durable
    /// Object's work belongs to the object, not to the call that started it): its operations
    /// and JavaScript timers stay, its other timers (grace periods, handler timeouts) go.
    pub fn orphan_invocation(&mut self, invocation: InvocationId) {
        self.emptied.push(invocation);
        for id in self.ops_of.remove(&invocation).into_iter().flatten() {
            if let Some(op) = self.ops.get_mut(&id) {
                op.invocation = None;
            }
        }
        self.release_timers_of(invocation, |kind| matches!(kind, TimerKind::Js { .. }));
    }

    /// Drops every operation and timer started for Durable Object `object` (it left the
    /// isolate).
    pub fn cancel_object(&mut self, object: ObjectSlot) {
        let doomed: Vec<OpId> = (self.ops.iter())
            .filter(|(_, op)| op.object == Some(object))
            .map(|(id, _)| *id)
            .collect();
        for id in doomed {
            self.remove_op(id);
        }
        for (key, timer) in &self.timers {
            if timer.object == Some(object) {
                self.timer_deadlines.remove(&key.1);
            }
        }
        self.timers.retain(|_, t| t.object != Some(object));
    }

    /// The next ready event that the input gates of the objects it belongs to let through:
    /// operations first (in id order), then the earliest timer, whose sleep `host` provides.
    pub fn poll_wake(
        &mut self,
        cx: &mut Context<'_>,
        gates: &dyn Fn(ObjectSlot) -> Option<InputGate>,
        host: &dyn Host,
    ) -> Poll<Wake> {
        let gate_of = |object: Option<ObjectSlot>| object.and_then(gates);
        self.woken.polled_by(cx);
        // In id order, as before the wakers were tracked: the first woken operation that is
        // ready and that its gate lets through. One its gate holds stays marked. The marks are
        // copied out: an operation may wake itself while it is polled.
        let candidates: Vec<OpId> = lock(&self.woken.ops).iter().copied().collect();
        let mut ready = None;
        for id in candidates {
            let Some(op) = self.ops.get_mut(&id) else {
                self.woken.take(Some(id));
                continue;
            };
            if gate_of(op.object).is_some_and(|g| !g.lets_op_through(id, op.kind)) {
                continue;
            }
            self.woken.take(Some(id));
            let waker = Woken::waker(&self.woken, Some(id));
            if let Poll::Ready(outcome) = op.future.as_mut().poll(&mut Context::from_waker(&waker))
            {
                ready = Some((id, outcome));
                break;
            }
        }
        if let Some((id, outcome)) = ready
            && let Some(op) = self.remove_op(id)
        {
            return Poll::Ready(Wake::Op {
                id,
                kind: op.kind,
                invocation: op.invocation,
                object: op.object,
                outcome,
            });
        }
        let next_timer = self.timers.iter().find(|((_, id), t)| {
            gate_of(t.object).is_none_or(|g| g.lets_timer_through(*id, t.kind))
        });
        let Some((&(deadline_ms, id), _)) = next_timer else {
            self.sleep = None;
            return Poll::Pending;
        };
        if self.sleep.as_ref().map(|(at, _)| *at) != Some(deadline_ms) {
            self.sleep = Some((deadline_ms, host.sleep_until(deadline_ms)));
            *lock(&self.woken.sleep) = true;
        }
        if !self.woken.take(None) {
            return Poll::Pending;
        }
        let waker = Woken::waker(&self.woken, None);
        let Some((_, sleep)) = self.sleep.as_mut() else {
            return Poll::Pending;
        };
        if sleep
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
        {
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
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;

    use super::*;

    /// An operation that counts its polls and finishes once `done` is set and its waker fired.
    struct Watched {
        polls: Rc<Cell<u32>>,
        done: Rc<Cell<bool>>,
        waker: Rc<RefCell<Option<Waker>>>,
    }

    impl Future for Watched {
        type Output = OpOutcome;
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<OpOutcome> {
            self.polls.set(self.polls.get() + 1);
            if self.done.get() {
                return Poll::Ready(OpOutcome::Undefined);
            }
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    fn poll(event_loop: &mut EventLoop) -> Option<OpId> {
        let mut cx = Context::from_waker(Waker::noop());
        let no_gates = |_: ObjectSlot| None;
        match event_loop.poll_wake(&mut cx, &no_gates, &crate::api::tests::NoHost) {
            Poll::Ready(Wake::Op { id, .. }) => Some(id),
            _ => None,
        }
    }

    #[test]
    fn a_pending_operation_is_polled_again_only_when_its_own_waker_fires() {
        let mut event_loop = EventLoop::default();
        let (polls, done) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(false)));
        let waker = Rc::new(RefCell::new(None));
        let watched = Watched {
            polls: polls.clone(),
            done: done.clone(),
            waker: waker.clone(),
        };
        let slow = event_loop.add_op((None, None), OpKind::Js, Box::pin(watched));
        let (send, receive) = futures::channel::oneshot::channel::<()>();
        let quick = event_loop.add_op(
            (None, None),
            OpKind::Js,
            Box::pin(async move {
                let _ = receive.await;
                OpOutcome::Undefined
            }),
        );
        assert_eq!(poll(&mut event_loop), None);
        assert_eq!(polls.get(), 1, "a new operation is polled at once");
        send.send(()).expect("the operation is waiting");
        assert_eq!(poll(&mut event_loop), Some(quick));
        assert_eq!(poll(&mut event_loop), None);
        assert_eq!(polls.get(), 1, "nothing woke the slow operation");
        done.set(true);
        waker
            .borrow()
            .as_ref()
            .expect("it left its waker")
            .wake_by_ref();
        assert_eq!(poll(&mut event_loop), Some(slow));
        assert_eq!(polls.get(), 2);
    }
}
