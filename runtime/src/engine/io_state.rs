//! An isolate's I/O state: the invocations in flight and how each moves from running to
//! responded to finished, over the event loop (event_loop.rs), the Durable Object it may host
//! (durable_object/) and the WebSocket ends it holds (sockets.rs).
//!
//! The invocation rules are production's (semantics.md §1.2–1.3): an uncaught exception becomes
//! error 1101 (or goes to the origin after `passThroughOnException()`), a CPU or memory overrun
//! becomes error 1102 and ends everything the invocation started, `waitUntil` work gets 30 s
//! after the response, and a handler that can no longer make progress gets 1101 with workerd's
//! text. The clock JavaScript sees (`Date.now()`) only moves when an event is delivered: to the
//! host's time for I/O, to the scheduled time for a timer (workerd's Spectre clamp), so CPU-only
//! work never observes time passing.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;
use std::task::{Context, Poll};

use super::cpu::{CpuCounts, CpuMeter};
use super::durable_object::gates::{
    BLOCK_CONCURRENCY_TIMEOUT_MS, NestedTooDeeply, STORAGE_TIMEOUT_MS,
};
use super::durable_object::storage::{StorageAnswer, StoragePlan};
use super::durable_object::{ObjectIo, ObjectSlot};
use super::event_loop::{EventLoop, OpId, OpKind, OpOutcome, PendingOp, TimerId, TimerKind, Wake};
use super::self_events::SelfEvents;
use super::sockets::SocketTable;
use crate::host::{Host, HostFuture};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{
    ErrorClass, Invocation, InvocationId, InvocationKind, InvocationReport, IsolateEvent, Outcome,
    ResetReason, ThrownError, error_page,
};
use crate::limits::{Limits, WAIT_UNTIL_GRACE_MS};
use crate::socket::hibernation::Hibernation;
use crate::storage::durable::{StorageError, StorageOp};
use crate::storage::sql::{SqlAnswer, SqlCall, SqlError};

/// workerd's log line when `waitUntil` work outlives the grace period (io-context.c++).
pub const WAIT_UNTIL_CANCELLED: &str = "waitUntil() tasks did not complete within the allowed time \
     after invocation end and have been cancelled.";
/// workerd's text for a handler whose promise can never settle.
pub const NEVER_RESPONDS: &str = "The script will never generate a response.";
/// What workerd logs when a request's response body can never finish (recorded with an
/// Express app whose piped file stream was unpiped by the response's early `close`).
pub const HUNG: &str = "Error: The Workers runtime canceled this request because it detected that your Worker's code had hung and would never generate a response. Refer to: https://developers.cloudflare.com/workers/observability/errors/";
/// What the caller of a service binding sees when the Worker it called ran out of CPU time
/// (the name errors.mdx gives error 1102) or memory (workerd, io-context.h).
pub const SERVICE_EXCEEDED_CPU: &str = "Worker exceeded CPU time limit.";
pub const SERVICE_EXCEEDED_MEMORY: &str = "Worker has exceeded memory limit.";

/// A console line, stamped with the simulated time it was written at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogLine {
    pub at_ms: u64,
    pub level: String,
    pub message: String,
    #[serde(skip)]
    pub invocation: Option<InvocationId>,
    /// Numbers the isolate's lines in the order they were written, across invocations.
    #[serde(skip)]
    pub seq: u64,
}

pub struct IoState {
    pub host: Rc<dyn Host>,
    pub meter: Rc<CpuMeter>,
    /// The meter's reading when JavaScript was last entered for `current`.
    pub entry: CpuCounts,
    /// What `Date.now()` returns: frozen between events.
    pub clock_ms: u64,
    /// The invocation whose JavaScript is running (None at top level, and for a Durable
    /// Object's work that outlived the call that started it).
    pub current: Option<InvocationId>,
    /// The hosted Durable Object whose JavaScript is running (during one of its calls, or for
    /// work of its own that outlived them): its storage, gates and I/O context.
    pub current_object: Option<ObjectSlot>,
    pub event_loop: EventLoop,
    /// What the owner must hear about, in order.
    pub events: VecDeque<IsolateEvent>,
    pub logs: Vec<LogLine>,
    pub invocations: BTreeMap<InvocationId, Invocation>,
    /// Every invocation that may have nothing left to wake it: those without operations of
    /// their own, and those that read a socket. `end_stalled` looks only at these, so a burst
    /// of thousands of requests in flight costs it nothing per event.
    stall_candidates: BTreeSet<InvocationId>,
    pub limits: Limits,
    /// The Durable Objects this isolate hosts (one, on the platform; every object of the
    /// Worker's own classes in `edgesim test`): each one's storage cache and gates.
    pub objects: BTreeMap<ObjectSlot, Box<ObjectIo>>,
    /// The object each of its calls belongs to.
    pub invocation_objects: BTreeMap<InvocationId, ObjectSlot>,
    /// The WebSocket ends JavaScript holds.
    pub sockets: SocketTable,
    /// Maps positions in transpiled modules back to the files as written, in console lines.
    pub positions: super::positions::Positions,
    /// The Worker's modules, for node:fs's `/bundle`.
    pub bundle: Option<std::rc::Rc<super::modules::Bundle>>,
    /// Events sent to this isolate's own handlers (`SELF` in `edgesim test`).
    pub self_events: SelfEvents,
    /// Where RPC calls to this isolate came from (see `callers`).
    pub callers: super::callers::Callers,
    /// `vi.mock`'s registry (`edgesim test`), shared with the module loader.
    pub module_mocks: Rc<RefCell<super::modules::mocks::ModuleMocks>>,
    /// Console lines written so far (LogLine::seq).
    logs_written: u64,
    /// Fetch responses produced in the turn now running, with their requests' hosts: workerd
    /// sends a response only once its turn has run the microtasks it queued, so a turn that
    /// then runs out of CPU or memory answers with the error page instead.
    turn_responses: Vec<(InvocationId, String)>,
}

/// The event loop: operations and timers on behalf of invocations.
impl IoState {
    pub fn new(host: Rc<dyn Host>, meter: Rc<CpuMeter>, limits: Limits) -> Self {
        let clock_ms = host.now_ms();
        IoState {
            host,
            meter,
            entry: Default::default(),
            clock_ms,
            current: None,
            current_object: None,
            event_loop: EventLoop::default(),
            events: VecDeque::new(),
            logs: Vec::new(),
            invocations: BTreeMap::new(),
            stall_candidates: BTreeSet::new(),
            limits,
            objects: BTreeMap::new(),
            invocation_objects: BTreeMap::new(),
            sockets: Default::default(),
            positions: Default::default(),
            bundle: None,
            self_events: Default::default(),
            callers: Default::default(),
            module_mocks: Default::default(),
            logs_written: 0,
            turn_responses: Vec::new(),
        }
    }

    /// JavaScript is about to run for `invocation` (or for none) of hosted object `object`
    /// (or of none).
    pub fn begin_turn(&mut self, invocation: Option<InvocationId>, object: Option<ObjectSlot>) {
        self.current = invocation;
        self.current_object = object;
        self.turn_responses.clear();
    }

    /// Whether JavaScript runs inside a request's I/O context (not at top level): on behalf of
    /// an invocation, or of a Durable Object this isolate hosts.
    pub fn in_request(&self) -> bool {
        self.current.is_some() || self.current_object.is_some()
    }

    /// The hosted object call `invocation` belongs to.
    pub fn object_of(&self, invocation: InvocationId) -> Option<ObjectSlot> {
        self.invocation_objects.get(&invocation).copied()
    }

    /// Moves the CPU used since JavaScript was entered onto the running invocation's account.
    pub fn settle_cpu(&mut self) {
        let now = self.meter.reading();
        let used = now - self.entry;
        self.entry = now;
        let Some(id) = self.current else {
            return;
        };
        match self.invocations.get_mut(&id) {
            Some(inv) => inv.cpu = inv.cpu + used,
            // Finished earlier in this turn (it responded): the microtasks it queued ran after,
            // as in workerd, and count towards it while its report has not left.
            None => {
                if let Some(report) = self.queued_report(id) {
                    report.cpu = report.cpu + used;
                    report.cpu_used_ms = report.cpu.millis();
                }
            }
        }
    }

    /// The report of `id`, finished earlier in this turn, while it waits for the owner.
    fn queued_report(&mut self, id: InvocationId) -> Option<&mut InvocationReport> {
        self.events.iter_mut().find_map(|event| match event {
            IsolateEvent::Finished(report) if report.id == id => Some(report),
            _ => None,
        })
    }

    /// An operation on behalf of the running invocation.
    pub fn add_op(&mut self, kind: OpKind, future: HostFuture<OpOutcome>) -> OpId {
        (self.event_loop).add_op((self.current, self.current_object), kind, future)
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
        let id = self.event_loop.alloc_op_id();
        let op = PendingOp {
            invocation,
            object: self.current_object,
            kind,
            future,
        };
        match self.object_mut() {
            Some(object) if object.output_gate_closed() => object.defer(id, op),
            _ => self.event_loop.start(id, op),
        }
        id
    }

    /// Starts an outbound HTTP request through the host; a network failure rejects with the
    /// `TypeError` workerd gives.
    pub fn add_fetch_op(&mut self, kind: OpKind, request: HttpRequest) -> OpId {
        let host = self.host.clone();
        self.add_outgoing_op(
            kind,
            Box::pin(async move {
                match host.fetch(request).await {
                    Ok(response) => OpOutcome::Response(response),
                    Err(crate::FetchError::Thrown { class, message }) => {
                        OpOutcome::Error { class, message }
                    }
                    Err(e) => OpOutcome::Error {
                        class: ErrorClass::TypeError,
                        message: e.to_string(),
                    },
                }
            }),
        )
    }

    /// A WebSocket frame leaving through `send` once the output gate lets it. It belongs to no
    /// invocation: a handler that returns right after `send()` still gets its message out.
    pub(crate) fn add_send_op(&mut self, send: impl FnOnce(u64) + 'static) {
        let host = self.host.clone();
        self.add_outgoing_op_for(
            None,
            OpKind::Send,
            Box::pin(async move {
                send(host.now_ms());
                OpOutcome::Undefined
            }),
        );
    }

    /// Arms a timer `delay_ms` after the frozen clock.
    pub fn add_timer(
        &mut self,
        delay_ms: u64,
        kind: TimerKind,
        invocation: Option<InvocationId>,
    ) -> TimerId {
        let object = invocation.and_then(|id| self.object_of(id));
        let owner = (invocation, object.or(self.current_object));
        self.event_loop
            .add_timer(self.clock_ms, delay_ms, kind, owner)
    }

    /// The invocations that something could still wake besides their own operations (a
    /// JavaScript timer, a deferred Durable Object call), or `None` while a frame is still
    /// leaving, which may be for a socket any of them reads.
    fn invocations_woken_otherwise(&self) -> Option<BTreeSet<InvocationId>> {
        if self.event_loop.has_sends() {
            return None;
        }
        let mut awake: BTreeSet<InvocationId> = self.event_loop.js_timer_owners().collect();
        for object in self.objects.values() {
            awake.extend(object.deferred_owners());
        }
        Some(awake)
    }

    /// Whether one of `invocation`'s own operations could still wake it. A read of a socket
    /// whose peer is held in this same isolate cannot: only this isolate could send on it
    /// (workerd registers no pending event for a local pair either).
    fn has_own_work(&self, invocation: InvocationId) -> bool {
        (self.event_loop.ops_of(invocation)).any(
            |op| !matches!(op.kind, OpKind::SocketReceive(h) if self.sockets.waits_on_itself(h)),
        )
    }

    /// Whether `invocation` reads from a socket whose peer is outside this isolate.
    pub fn holds_socket(&self, invocation: InvocationId) -> bool {
        self.event_loop
            .ops_of(invocation)
            .any(|op| matches!(op.kind, OpKind::SocketReceive(h) if !self.sockets.peer_is_local(h)))
    }

    pub fn is_idle(&self) -> bool {
        self.event_loop.is_idle() && self.objects.values().all(|o| o.is_idle())
    }

    /// Drops every operation and timer of a finished invocation, as workerd cancels an
    /// IoContext's tasks when it is destroyed.
    pub fn cancel_invocation(&mut self, invocation: InvocationId) {
        let doomed = self.event_loop.cancel_invocation(invocation);
        let slot = self.object_of(invocation);
        if let Some(object) = slot.and_then(|slot| self.objects.get_mut(&slot)) {
            object.cancel_deferred(invocation);
            object.forget_reads(&doomed);
        }
    }

    /// The next event the input gates let through.
    pub fn poll_wake(&mut self, cx: &mut Context<'_>) -> Poll<Wake> {
        let objects = &self.objects;
        let gate_of = |slot: ObjectSlot| objects.get(&slot).map(|o| o.input_gate());
        self.event_loop.poll_wake(cx, &gate_of, &*self.host)
    }
}

/// The Durable Object this isolate may host: its storage calls, commits and gates.
impl IoState {
    /// The object whose JavaScript runs now.
    pub fn object_mut(&mut self) -> Option<&mut ObjectIo> {
        let slot = self.current_object?;
        self.objects.get_mut(&slot).map(|o| &mut **o)
    }

    fn object_ref(&self) -> Option<&ObjectIo> {
        let slot = self.current_object?;
        self.objects.get(&slot).map(|o| &**o)
    }

    /// The caller an RPC call made now comes from, as far as the runtime knows it: the object
    /// whose JavaScript runs (a Worker's isolate is named by its host).
    pub fn rpc_caller(&self) -> Option<crate::host::Caller> {
        let object = self.object_ref()?;
        Some(crate::host::Caller::Object(object.spec.address.clone()))
    }

    /// An RPC call made now (`stub`: on a target handed out under that key).
    pub fn rpc_call(
        &self,
        stub: Option<String>,
        method: String,
        args: Option<String>,
    ) -> crate::host::CallKind {
        crate::host::CallKind::Rpc {
            stub,
            method,
            args,
            caller: self.rpc_caller(),
        }
    }

    /// The number JavaScript knows a call's `caller` by ([`super::callers`]).
    pub fn caller_handle(&mut self, caller: Option<crate::host::Caller>) -> Option<u32> {
        caller.map(|c| self.callers.handle(&c))
    }

    /// A storage call: answered as the object's cache plans it, starting a read of the store
    /// on behalf of the running invocation when the cache cannot answer.
    pub fn storage(&mut self, call: impl FnOnce(&mut ObjectIo) -> StoragePlan) -> StorageAnswer {
        let Some(object) = self.object_mut() else {
            return StorageAnswer::Now(OpOutcome::Undefined);
        };
        match call(object) {
            StoragePlan::Now(outcome) => StorageAnswer::Now(outcome),
            StoragePlan::Read { op, pending, gate } => {
                let address = object.spec.address.clone();
                let host = self.host.clone();
                let id = self.add_op(
                    OpKind::StorageRead,
                    Box::pin(
                        async move { OpOutcome::Storage(host.object_storage(&address, op).await) },
                    ),
                );
                if let Some(object) = self.object_mut() {
                    object.read_started(id, pending, gate);
                }
                StorageAnswer::Later(id)
            }
            StoragePlan::AfterWrite(seq) => {
                let id = self.event_loop.alloc_op_id();
                let op = PendingOp {
                    invocation: self.current,
                    object: self.current_object,
                    kind: OpKind::Js,
                    future: Box::pin(async { OpOutcome::Undefined }),
                };
                if let Some(object) = self.object_mut() {
                    object.defer_until(seq, id, op);
                }
                StorageAnswer::Later(id)
            }
        }
    }

    /// A synchronous storage call (`ctx.storage.kv`): what the cache cannot answer is read from
    /// the object's local database at once. A failed read resets the object, as a failed
    /// asynchronous one does.
    pub fn storage_now(
        &mut self,
        call: impl FnOnce(&mut ObjectIo) -> StoragePlan,
    ) -> Result<OpOutcome, StorageError> {
        let Some(object) = self.object_mut() else {
            return Ok(OpOutcome::Undefined);
        };
        let (op, pending) = match call(object) {
            StoragePlan::Now(outcome) => return Ok(outcome),
            StoragePlan::Read { op, pending, .. } => (op, pending),
            StoragePlan::AfterWrite(_) => return Ok(OpOutcome::Undefined),
        };
        let address = object.spec.address.clone();
        match self.host.object_read_now(&address, op) {
            Ok(reply) => Ok(match self.object_mut() {
                Some(object) => object.answer_read(pending, reply),
                None => OpOutcome::Undefined,
            }),
            Err(e) => {
                self.break_object(ResetReason::Storage(e.clone()));
                Err(e)
            }
        }
    }

    /// A storage read came back: fill the cache and turn the reply into JavaScript's answer.
    /// `None` when the read failed and the object was reset.
    pub fn storage_read_done(&mut self, id: OpId, outcome: OpOutcome) -> Option<OpOutcome> {
        let object = self.object_mut()?;
        let pending = object.read_returned(id)?;
        match outcome {
            OpOutcome::Storage(Ok(reply)) => Some(object.answer_read(pending, reply)),
            OpOutcome::Storage(Err(e)) => {
                self.break_object(ResetReason::Storage(e));
                None
            }
            other => Some(other),
        }
    }

    /// `ctx.storage.sql`: runs at once on the object's database; a statement that changed it
    /// counts as a write.
    pub fn object_sql(&mut self, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        let Some(address) = self.object_ref().map(|o| o.spec.address.clone()) else {
            return Err(SqlError("no Durable Object is hosted here".to_string()));
        };
        let answer = self.host.object_sql(&address, call)?;
        if let SqlAnswer::Cursor(cursor) = &answer
            && cursor.wrote
            && let Some(object) = self.object_mut()
        {
            object.sql_wrote();
        }
        Ok(answer)
    }

    /// A KV write to a SQLite-backed object: its `_cf_KV` table exists from now on, in the
    /// open window (undone with it), as workerd's `SqliteKv` makes it on the first write.
    pub fn make_kv_table(&mut self) {
        let Some(object) = self.object_mut() else {
            return;
        };
        if !object.spec.sqlite || object.kv_table_made {
            return;
        }
        object.kv_table_made = true;
        let address = object.spec.address.clone();
        if self.host.object_sql(&address, SqlCall::KvTable).is_err() {
            self.break_object(ResetReason::Storage(StorageError::Internal));
        }
    }

    /// Hands the writes each object buffered this turn to its store, unless a commit is
    /// already in flight (the next one starts when it is confirmed).
    pub fn start_flushes(&mut self) {
        let slots: Vec<ObjectSlot> = self.objects.keys().copied().collect();
        for slot in slots {
            self.start_flush(slot);
        }
    }

    fn start_flush(&mut self, slot: ObjectSlot) {
        let Some(object) = self.objects.get_mut(&slot) else {
            return;
        };
        let Some((commit, seq)) = object.take_commit() else {
            return;
        };
        let address = object.spec.address.clone();
        let host = self.host.clone();
        let id = self.event_loop.add_op(
            (None, Some(slot)),
            OpKind::Commit,
            Box::pin(async move {
                OpOutcome::Storage(
                    host.object_storage(&address, StorageOp::Commit(commit))
                        .await,
                )
            }),
        );
        let timer = self.event_loop.add_timer(
            self.clock_ms,
            STORAGE_TIMEOUT_MS,
            TimerKind::StorageTimeout { seq },
            (None, Some(slot)),
        );
        if let Some(object) = self.objects.get_mut(&slot) {
            object.commit_started(id, seq, timer);
        }
    }

    /// A commit has been in flight for 30 s: the object is reset (its held outputs dropped).
    pub fn storage_timed_out(&mut self, seq: u64) {
        if self.object_ref().is_some_and(|o| o.is_committing(seq)) {
            self.break_object(ResetReason::StorageTimedOut);
        }
    }

    /// A commit came back: release what waited for it, or reset the object if it failed.
    pub fn commit_done(&mut self, outcome: OpOutcome) {
        let Some((seq, timeout)) = self.object_mut().and_then(ObjectIo::commit_returned) else {
            return;
        };
        if let Some(timer) = timeout {
            self.event_loop.clear_timer(timer);
        }
        if let OpOutcome::Storage(Err(e)) = outcome {
            return self.break_object(ResetReason::Storage(e));
        }
        let Some(object) = self.object_mut() else {
            return;
        };
        let (released, ready) = object.confirm(seq);
        self.events.extend(released);
        for (id, op) in ready {
            self.event_loop.start(id, op);
        }
        if let Some(slot) = self.current_object {
            self.start_flush(slot);
        }
    }

    /// Sends an event to the owner, unless the output gate holds it.
    pub fn emit(&mut self, event: IsolateEvent) {
        let event = match event {
            IsolateEvent::Responded { id, response } if self.self_events.answers_caller(id) => {
                self.self_events.respond(id, response);
                return;
            }
            IsolateEvent::Returned { id, result } if self.self_events.answers_caller(id) => {
                self.self_events.returned(id, result);
                return;
            }
            // A scheduled or queue event a caller in this isolate waits on; the owner still
            // hears of it (its console lines).
            IsolateEvent::Finished(report) if self.self_events.answers_caller(report.id) => {
                let returned = report.returned.clone();
                (self.self_events).finished(report.id, report.outcome, returned);
                IsolateEvent::Finished(report)
            }
            event => event,
        };
        let slot = event.invocation().and_then(|id| self.object_of(id));
        let event = match slot.and_then(|slot| self.objects.get_mut(&slot)) {
            Some(object) => object.hold(event),
            None => Some(event),
        };
        self.events.extend(event);
    }

    /// Resets the object: held outputs are dropped, nothing more runs, and the owner is told
    /// why so every caller still waiting gets the error.
    pub fn break_object(&mut self, reason: ResetReason) {
        if let Some(object) = self.current_object {
            self.break_object_in(object, reason);
        }
    }

    /// Resets hosted object `object`.
    pub fn break_object_in(&mut self, object: ObjectSlot, reason: ResetReason) {
        if (self.objects.get_mut(&object)).is_some_and(|o| o.reset(&reason)) {
            (self.events).push_back(IsolateEvent::ObjectReset { object, reason });
        }
    }

    /// `blockConcurrencyWhile()` starts a callback: from now on only what it starts gets in.
    pub fn block_concurrency_enter(&mut self) -> Result<(), NestedTooDeeply> {
        let ids = self.event_loop.next_ids();
        let Some(object) = self.object_mut() else {
            return Ok(());
        };
        let depth = object.enter_block(ids)?;
        self.add_timer(
            BLOCK_CONCURRENCY_TIMEOUT_MS,
            TimerKind::BlockConcurrencyTimeout { depth },
            None,
        );
        Ok(())
    }

    pub fn block_concurrency_timed_out(&mut self, depth: usize) {
        if self.object_ref().is_some_and(|o| o.is_blocking_at(depth)) {
            self.break_object(ResetReason::BlockConcurrencyTimedOut);
        }
    }

    /// The hibernation set of the object this isolate hosts.
    pub(crate) fn hibernation(&self) -> Option<Rc<RefCell<Hibernation>>> {
        let object = self.object_ref()?;
        self.host.hibernation(&object.spec.address)
    }

    /// A message on a socket this invocation accepted: inside a Durable Object it resets the
    /// invocation's CPU budget, as every incoming WebSocket message does (limits.mdx).
    pub(crate) fn socket_message_arrived(&mut self, invocation: Option<InvocationId>) {
        if self.current_object.is_none() {
            return;
        }
        let limit = super::cpu::ms_to_picos(self.limits.effective_cpu_limit_ms());
        if let Some(inv) = invocation.and_then(|id| self.invocations.get_mut(&id)) {
            inv.cpu_limit_ps = inv.cpu.picos().saturating_add(limit);
        }
    }
}

/// The invocations: how each ends.
impl IoState {
    /// Records a console line on behalf of `invocation` (None: written at top level).
    pub fn log(&mut self, invocation: Option<InvocationId>, level: &str, message: String) {
        self.logs_written += 1;
        self.logs.push(LogLine {
            seq: self.logs_written,
            at_ms: self.clock_ms,
            level: level.to_string(),
            message: self.positions.map_text(message),
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
        if let (InvocationKind::Fetch(request), Some(_)) = (&inv.kind, &response)
            && self.current == Some(id)
        {
            self.turn_responses.push((id, host_of(request)));
        }
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
        // Frames in transpiled modules name the lines of the files as written (the log line
        // above is mapped as it is written).
        let exception = self.positions.map_text(exception);
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        if inv.responded {
            return;
        }
        inv.exception.get_or_insert(exception.clone());
        match &inv.kind {
            // A caller in this isolate sees the exception, as through a service binding.
            InvocationKind::Fetch(_) if self.self_events.answers_caller(id) => {
                inv.outcome = Outcome::Exception;
                self.self_events.throw(id, exception);
                self.respond(id, None);
            }
            InvocationKind::Fetch(request) if inv.pass_through => {
                let request = request.clone();
                self.forward_to_origin(id, request);
            }
            InvocationKind::Fetch(request) => {
                let page = error_page(1101, &host_of(request));
                inv.outcome = Outcome::Exception;
                self.respond(id, Some(page));
            }
            InvocationKind::Scheduled { .. }
            | InvocationKind::Test { .. }
            | InvocationKind::Alarm { .. }
            | InvocationKind::SocketEvent(_)
            | InvocationKind::Workflow(_)
            | InvocationKind::Email
            | InvocationKind::Queue { .. } => {
                inv.outcome = Outcome::Exception;
                self.respond(id, None);
            }
            InvocationKind::ObjectFetch(_)
            | InvocationKind::Rpc { .. }
            | InvocationKind::Service { .. } => {
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

    /// A service-worker Worker's fetch listeners neither answered nor prevented the default
    /// (workerd's default handling): the request goes on to the origin as it came, and the
    /// origin's answer is the response.
    pub fn default_handling(&mut self, id: InvocationId) {
        let Some(inv) = self.invocations.get(&id) else {
            return;
        };
        if let InvocationKind::Fetch(request) = &inv.kind {
            let request = request.clone();
            self.forward_to_origin(id, request);
        }
    }

    fn forward_to_origin(&mut self, id: InvocationId, request: HttpRequest) {
        let running = self.current.replace(id);
        self.add_fetch_op(OpKind::PassThrough, request);
        self.current = running;
    }

    /// The origin answered a request passed through after an exception, or given default
    /// handling.
    pub fn pass_through_done(&mut self, id: InvocationId, outcome: OpOutcome) {
        let Some(inv) = self.invocations.get_mut(&id) else {
            return;
        };
        inv.outcome = match inv.exception {
            Some(_) => Outcome::Exception,
            None => Outcome::Ok,
        };
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
        let retracted = self.retract_turn_response(id);
        let Some(inv) = self.invocations.get_mut(&id) else {
            if retracted {
                self.set_finished_outcome(id, outcome);
            }
            return;
        };
        inv.outcome = outcome;
        let slot = self.invocation_objects.get(&id).copied();
        if let Some(slot) = slot {
            self.break_object_in(
                slot,
                match outcome {
                    Outcome::ExceededMemory => ResetReason::ExceededMemory,
                    _ => ResetReason::ExceededCpu,
                },
            );
        } else if matches!(inv.kind, InvocationKind::Service { .. }) {
            let message = match outcome {
                Outcome::ExceededMemory => SERVICE_EXCEEDED_MEMORY,
                _ => SERVICE_EXCEEDED_CPU,
            };
            self.threw(id, "Error".to_string(), message.to_string());
            if let Some(inv) = self.invocations.get_mut(&id) {
                inv.outcome = outcome;
            }
        } else if !inv.responded {
            inv.responded = true;
            if let InvocationKind::Fetch(request) = &inv.kind {
                let page = error_page(1102, &host_of(request));
                self.emit(IsolateEvent::Responded { id, response: page });
            }
        }
        self.finish(id);
    }

    /// Replaces a response `id` produced in this turn, not yet sent, with the 1102 page.
    fn retract_turn_response(&mut self, id: InvocationId) -> bool {
        let Some((_, host)) = self.turn_responses.iter().find(|(r, _)| *r == id) else {
            return false;
        };
        let page = error_page(1102, host);
        let mut retracted = false;
        for event in self.events.iter_mut() {
            if let IsolateEvent::Responded { id: r, response } = event
                && *r == id
            {
                *response = page.clone();
                retracted = true;
            }
        }
        retracted
    }

    /// The report of `id`, finished earlier in this turn, takes `outcome` and the lines logged
    /// about it since.
    fn set_finished_outcome(&mut self, id: InvocationId, outcome: Outcome) {
        let (late, kept): (Vec<LogLine>, Vec<LogLine>) = std::mem::take(&mut self.logs)
            .into_iter()
            .partition(|l| l.invocation == Some(id));
        self.logs = kept;
        if let Some(report) = self.queued_report(id) {
            report.outcome = outcome;
            report.logs.extend(late);
        }
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
        let emptied = self.event_loop.take_emptied();
        self.stall_candidates.extend(emptied);
        // The usual case on a busy isolate: everyone is waiting on something of its own.
        if self.stall_candidates.is_empty() {
            return;
        }
        let Some(awake) = self.invocations_woken_otherwise() else {
            return;
        };
        let mut stalled: Vec<(InvocationId, bool)> = Vec::new();
        let candidates: Vec<InvocationId> = self.stall_candidates.iter().copied().collect();
        for id in candidates {
            let Some(inv) = self.invocations.get(&id) else {
                self.stall_candidates.remove(&id);
                continue;
            };
            let reads_socket =
                (self.event_loop.ops_of(id)).any(|op| matches!(op.kind, OpKind::SocketReceive(_)));
            if self.has_own_work(id) {
                // Back among the candidates when its last operation goes (a socket's peer may
                // change, so a socket reader stays).
                if !reads_socket {
                    self.stall_candidates.remove(&id);
                }
            } else if !awake.contains(&id) {
                stalled.push((id, inv.responded));
            }
        }
        for (id, responded) in stalled {
            if responded {
                self.finish(id);
                continue;
            }
            if let Some(response) = self
                .invocations
                .get_mut(&id)
                .and_then(|i| i.streaming.take())
            {
                self.body_stalled(id, response);
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
                _ if inv.kind.answers_caller() => {
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

    /// The response's body stopped with nothing left that could write more: workerd cancels
    /// the request, so the caller gets the head and the bytes written so far, and the
    /// invocation ends in the exception it logs.
    fn body_stalled(&mut self, id: InvocationId, response: HttpResponse) {
        self.log(Some(id), "error", HUNG.to_string());
        if let Some(inv) = self.invocations.get_mut(&id) {
            inv.outcome = Outcome::Exception;
            inv.exception.get_or_insert(HUNG.to_string());
        }
        self.respond(id, Some(response));
        self.finish(id);
    }

    /// A new invocation: nothing can wake it yet but what it starts.
    pub fn add_invocation(&mut self, id: InvocationId, invocation: Invocation) {
        self.invocations.insert(id, invocation);
        self.stall_candidates.insert(id);
    }

    fn finish(&mut self, id: InvocationId) {
        if self.current == Some(id) {
            self.settle_cpu();
        }
        let Some(inv) = self.invocations.remove(&id) else {
            return;
        };
        // workerd cancels a stateless request's tasks with its IoContext; a Durable Object's
        // context lives on, and so does the work a call left running (timers, un-awaited I/O).
        let slot = self.object_of(id);
        match slot.and_then(|slot| self.objects.get_mut(&slot)) {
            Some(object) if object.broken.is_none() => {
                object.orphan_deferred(id);
                self.event_loop.orphan_invocation(id);
            }
            _ => {
                self.cancel_invocation(id);
                self.sockets.release_owned_by(id);
            }
        }
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
        self.invocation_objects.remove(&id);
    }
}

fn host_of(request: &HttpRequest) -> String {
    url::Url::parse(&request.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}
