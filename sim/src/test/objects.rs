//! The Durable Objects of the tested Worker's own classes, hosted in the isolate a test file
//! runs in — as vitest-pool-workers runs them, so `runInDurableObject` hands the test the very
//! instance, of the very class the test imports. Calls from anywhere in the run (the test, the
//! Worker through `SELF`, an isolate at another colo) arrive here through the platform
//! (durable_objects::HomeCall); each object keeps its own gates, storage and alarm.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use edgesim_runtime::engine::durable_object::ObjectSlot;
use edgesim_runtime::host::{CallError, CallReply, ObjectControl};
use edgesim_runtime::invocation::{InvocationKind, ResetReason};
use edgesim_runtime::socket::hibernation::{Hibernation, SocketEvent, SocketId};
use edgesim_runtime::storage::durable::ObjectAddress;
use edgesim_runtime::{InvocationId, InvocationReport, Isolate, IsolateEvent, Outcome};
use futures::channel::oneshot;

use crate::durable_objects::{AlarmAttempt, HomeCall, ObjectJob, WorkerUnit};
use crate::platform::Platform;
use crate::storage_snapshot::StorageSnapshot;

type Reply = oneshot::Sender<Result<CallReply, CallError>>;

/// What a hosted object's invocation answers.
enum Waiter {
    /// A call; `None` once answered.
    Call(Option<Reply>),
    Alarm {
        address: ObjectAddress,
        attempt: AlarmAttempt,
    },
    /// A hibernatable socket's event; after a close the socket may leave the set.
    Socket {
        address: ObjectAddress,
        socket: SocketId,
        close: bool,
    },
}

pub struct HostedObjects {
    platform: Rc<Platform>,
    worker: WorkerUnit,
    slots: BTreeMap<ObjectAddress, ObjectSlot>,
    addresses: BTreeMap<ObjectSlot, ObjectAddress>,
    waiting: BTreeMap<InvocationId, (ObjectSlot, Waiter)>,
    /// Objects whose alarm runs now: the next waits for it to end.
    alarms_running: BTreeSet<ObjectAddress>,
    /// Failed alarms' next attempts.
    retries: BTreeMap<ObjectAddress, AlarmAttempt>,
    /// The hibernatable WebSockets of every object hosted so far: they outlive its instance.
    sockets: BTreeMap<ObjectAddress, Rc<RefCell<Hibernation>>>,
    /// Evictions waiting for their objects' calls to end.
    evictions: Vec<Eviction>,
    /// Queue batches running in the isolate, waiting for their reports.
    batches: BTreeMap<InvocationId, oneshot::Sender<InvocationReport>>,
    /// Calls back on what the test file handed out, waiting for their answers.
    callbacks: BTreeMap<InvocationId, Reply>,
    /// The platform's storage before the file ran: what `reset()` goes back to.
    initial_storage: Option<StorageSnapshot>,
}

/// An `evictDurableObject`/`evictAllDurableObjects` in progress.
struct Eviction {
    objects: Vec<ObjectAddress>,
    close_sockets: bool,
    /// When it gives up, as workerd does after 30 s (ms since the epoch).
    deadline_ms: u64,
    reply: oneshot::Sender<Result<(), String>>,
}

/// server.c++: how long an eviction waits for the object's calls to end.
const EVICT_TIMEOUT_MS: u64 = 30_000;
const NOT_RUNNING: &str = "Cannot evict Durable Object: it is not currently running.";
const EVICT_TIMED_OUT: &str =
    "Timed out waiting to evict Durable Object: it still has active references.";
/// unsafe.c++: what calls in flight get from `abortAllDurableObjects()`.
const ABORTED_ALL: &str = "Application called abortAllDurableObjects().";
/// unsafe.c++: what calls in flight get from `deleteAllDurableObjects()` (the pool's `reset()`).
const DELETED_ALL: &str = "Application called deleteAllDurableObjects().";

/// What the driver waits for on the simulated clock.
pub enum Due {
    Alarm(ObjectAddress, AlarmAttempt),
    /// An eviction's deadline.
    Eviction(u64),
}

impl Due {
    pub fn at_ms(&self) -> u64 {
        match self {
            Due::Alarm(_, attempt) => attempt.at_ms,
            Due::Eviction(at_ms) => *at_ms,
        }
    }
}

impl HostedObjects {
    /// Objects of `worker` hosted in the test's isolate; `reset()` goes back to the storage
    /// `platform` holds now.
    pub fn new(platform: Rc<Platform>, worker: WorkerUnit) -> Self {
        let initial_storage = platform.snapshot_storage().ok();
        HostedObjects {
            platform,
            worker,
            slots: BTreeMap::new(),
            addresses: BTreeMap::new(),
            waiting: BTreeMap::new(),
            alarms_running: BTreeSet::new(),
            retries: BTreeMap::new(),
            sockets: BTreeMap::new(),
            evictions: Vec::new(),
            batches: BTreeMap::new(),
            callbacks: BTreeMap::new(),
            initial_storage,
        }
    }

    /// Handles what the platform sent: a call queued behind its object's input gate (the object
    /// hosted first if it is not), or a reset of every object.
    pub fn receive(&mut self, isolate: &mut Isolate, call: HomeCall) {
        match call {
            HomeCall::Reset => self.reset_all(isolate),
            HomeCall::Crash(objects) => self.crash(isolate, &objects),
            HomeCall::Control { control, reply } => self.control(isolate, control, reply),
            HomeCall::Batch {
                queue,
                messages,
                reply,
            } => {
                let id = isolate.start_queue(&queue, messages);
                self.batches.insert(id, reply);
            }
            HomeCall::Callback { call, reply } => {
                let id = isolate.start_service(None, "{}".to_string(), call);
                self.callbacks.insert(id, reply);
            }
            HomeCall::Call {
                address,
                class_name,
                job,
            } => self.call(isolate, address, &class_name, job),
        }
    }

    fn call(&mut self, isolate: &mut Isolate, address: ObjectAddress, class: &str, job: ObjectJob) {
        let ObjectJob { name, kind, reply } = job;
        let slot = match self.host(isolate, &address, class, name) {
            Ok(slot) => slot,
            Err(message) => {
                let _ = reply.send(Err(CallError::platform(message)));
                return;
            }
        };
        let kind = match InvocationKind::object_call(kind) {
            Ok(kind) => kind,
            Err(refused) => {
                let _ = reply.send(Err(refused));
                return;
            }
        };
        let id = isolate.enqueue(slot, kind);
        self.waiting.insert(id, (slot, Waiter::Call(Some(reply))));
    }

    /// The slot of the object at `address`, hosting it (and opening its storage) first.
    fn host(
        &mut self,
        isolate: &mut Isolate,
        address: &ObjectAddress,
        class: &str,
        name: Option<String>,
    ) -> Result<ObjectSlot, String> {
        if let Some(slot) = self.slots.get(address) {
            return Ok(*slot);
        }
        let spec = (self.worker)
            .open_object(&self.platform, address, class, name)
            .map_err(|e| e.to_string())?;
        let slot = isolate.host_object(spec).map_err(|e| e.to_string())?;
        let sockets = self.worker.hibernation(&self.platform, address);
        self.sockets.insert(address.clone(), sockets);
        self.slots.insert(address.clone(), slot);
        self.addresses.insert(slot, address.clone());
        Ok(slot)
    }

    /// Takes the events about hosted objects' calls; gives back the others, and every
    /// invocation's end (its console lines belong to the file's output).
    pub fn on_event(&mut self, isolate: &mut Isolate, event: IsolateEvent) -> Option<IsolateEvent> {
        match event {
            IsolateEvent::Returned { id, result } if self.callbacks.contains_key(&id) => {
                if let Some(reply) = self.callbacks.remove(&id) {
                    let answer = result.map(CallReply::Value);
                    let _ = reply.send(answer.map_err(|e| CallError::thrown(&e.class, &e.message)));
                }
                None
            }
            IsolateEvent::Responded { id, response } if self.waiting.contains_key(&id) => {
                self.answer(id, Ok(CallReply::Response(response)));
                None
            }
            IsolateEvent::Returned { id, result } if self.waiting.contains_key(&id) => {
                let answer = result
                    .map(CallReply::Value)
                    .map_err(|e| CallError::thrown(&e.class, &e.message));
                self.answer(id, answer);
                None
            }
            IsolateEvent::Finished(report) => {
                if let Some(reply) = self.batches.remove(&report.id) {
                    let _ = reply.send(report.clone());
                }
                // Its invocation ended without an answer: the call's promise never settled.
                if let Some(reply) = self.callbacks.remove(&report.id) {
                    let _ = reply.send(Err(CallError::connection_lost()));
                }
                self.finished(&report);
                self.evict_idle(isolate);
                Some(IsolateEvent::Finished(report))
            }
            IsolateEvent::ObjectReset { object, reason } => {
                self.reset(isolate, object, &reason);
                None
            }
            other => Some(other),
        }
    }

    fn answer(&mut self, id: InvocationId, answer: Result<CallReply, CallError>) {
        if let Some((_, Waiter::Call(reply))) = self.waiting.get_mut(&id)
            && let Some(reply) = reply.take()
        {
            let _ = reply.send(answer);
        }
    }

    fn finished(&mut self, report: &InvocationReport) {
        match self.waiting.remove(&report.id) {
            Some((_, Waiter::Call(Some(reply)))) => {
                let _ = reply.send(Err(CallError::platform(
                    "The Durable Object finished without answering.",
                )));
            }
            Some((_, Waiter::Alarm { address, attempt })) => {
                self.alarm_done(address, attempt, report.outcome);
            }
            Some((
                _,
                Waiter::Socket {
                    address,
                    socket,
                    close: true,
                },
            )) => {
                if let Some(set) = self.sockets.get(&address) {
                    set.borrow_mut().release_if_closed(socket);
                }
            }
            _ => {}
        }
    }

    /// The hibernatable socket sets that have sockets, for the driver to wait on.
    pub fn socket_sets(&self) -> Vec<(ObjectAddress, Rc<RefCell<Hibernation>>)> {
        (self.sockets.iter())
            .filter(|(_, set)| !set.borrow().is_empty())
            .map(|(address, set)| (address.clone(), set.clone()))
            .collect()
    }

    /// A hibernatable socket of the object at `address` has a message or closed: the object
    /// (hosted again if it was let go) handles it.
    pub fn socket_event(
        &mut self,
        isolate: &mut Isolate,
        address: ObjectAddress,
        event: SocketEvent,
    ) {
        let Some(class) = self.worker.definition.object_class(&address.namespace) else {
            return;
        };
        let Ok(slot) = self.host(isolate, &address, &class, None) else {
            return;
        };
        let waiter = Waiter::Socket {
            address,
            socket: event.socket(),
            close: event.ends_connection(),
        };
        let id = isolate.enqueue(slot, InvocationKind::SocketEvent(event));
        self.waiting.insert(id, (slot, waiter));
    }

    /// Object `object` was reset: its callers get `reason`, and its next call starts a new
    /// instance from its confirmed storage.
    fn reset(&mut self, isolate: &mut Isolate, object: ObjectSlot, reason: &ResetReason) {
        let ids: Vec<InvocationId> = (self.waiting.iter())
            .filter(|(_, (slot, _))| *slot == object)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            match self.waiting.remove(&id) {
                Some((_, Waiter::Call(Some(reply)))) => {
                    let _ = reply.send(Err(CallError::reset(reason)));
                }
                Some((_, Waiter::Alarm { address, attempt })) => {
                    self.alarm_done(address, attempt, Outcome::Exception);
                }
                _ => {}
            }
        }
        if let Some(address) = self.let_go(isolate, object) {
            self.platform.objects.discard_unconfirmed(&address);
        }
    }

    /// Drops hosted object `object` from the isolate; its address, if it was hosted.
    fn let_go(&mut self, isolate: &mut Isolate, object: ObjectSlot) -> Option<ObjectAddress> {
        isolate.unhost_object(object);
        let address = self.addresses.remove(&object)?;
        self.slots.remove(&address);
        Some(address)
    }

    /// The hosts of `objects` crashed: the running ones reset, their sockets drop.
    fn crash(&mut self, isolate: &mut Isolate, objects: &[ObjectAddress]) {
        for address in objects {
            if let Some(sockets) = self.sockets.get(address) {
                sockets.borrow_mut().disconnect_all();
            }
            if let Some(slot) = self.slots.get(address).copied() {
                self.reset(isolate, slot, &ResetReason::ConnectionLost);
            }
        }
    }

    fn reset_all(&mut self, isolate: &mut Isolate) {
        self.reset_each(isolate, &ResetReason::ConnectionLost);
        self.retries.clear();
    }

    fn reset_each(&mut self, isolate: &mut Isolate, reason: &ResetReason) {
        let objects: Vec<ObjectSlot> = self.addresses.keys().copied().collect();
        for object in objects {
            self.reset(isolate, object, reason);
        }
    }

    fn control(
        &mut self,
        isolate: &mut Isolate,
        control: ObjectControl,
        reply: oneshot::Sender<Result<(), String>>,
    ) {
        let (objects, close_sockets) = match control {
            ObjectControl::AbortAll => {
                self.reset_each(isolate, &ResetReason::Aborted(ABORTED_ALL.to_string()));
                let _ = reply.send(Ok(()));
                return;
            }
            ObjectControl::DeleteAll => {
                let _ = reply.send(self.delete_all(isolate));
                return;
            }
            ObjectControl::Evict { address, .. } if !self.slots.contains_key(&address) => {
                let _ = reply.send(Err(NOT_RUNNING.to_string()));
                return;
            }
            ObjectControl::Evict {
                address,
                close_sockets,
            } => (vec![address], close_sockets),
            ObjectControl::EvictAll { close_sockets } => {
                (self.slots.keys().cloned().collect(), close_sockets)
            }
        };
        self.evictions.push(Eviction {
            objects,
            close_sockets,
            deadline_ms: self.platform.now_ms() + EVICT_TIMEOUT_MS,
            reply,
        });
        self.evict_idle(isolate);
    }

    /// `reset()`: every object aborted, its sockets closed and its alarm gone, and every store
    /// of the platform back to where the file started.
    fn delete_all(&mut self, isolate: &mut Isolate) -> Result<(), String> {
        self.reset_each(isolate, &ResetReason::Aborted(DELETED_ALL.to_string()));
        for sockets in self.sockets.values() {
            sockets.borrow_mut().disconnect_all();
        }
        self.retries.clear();
        let initial =
            (self.initial_storage.as_ref()).ok_or("edgesim: no initial storage to go back to")?;
        (self.platform.delete_all_data(initial)).map_err(|e| e.to_string())
    }

    /// Evicts every object an eviction waits for whose calls have all ended, and answers the
    /// evictions that are done.
    pub fn evict_idle(&mut self, isolate: &mut Isolate) {
        for eviction in std::mem::take(&mut self.evictions) {
            for address in &eviction.objects {
                let Some(slot) = self.slots.get(address).copied() else {
                    continue;
                };
                if self.waiting.values().any(|(s, _)| *s == slot) {
                    continue;
                }
                self.let_go(isolate, slot);
                if eviction.close_sockets
                    && let Some(set) = self.sockets.get(address)
                {
                    set.borrow_mut().disconnect_all();
                }
            }
            let done = (eviction.objects.iter()).all(|a| !self.slots.contains_key(a));
            if done {
                let _ = eviction.reply.send(Ok(()));
            } else if self.platform.now_ms() >= eviction.deadline_ms {
                let _ = eviction.reply.send(Err(EVICT_TIMED_OUT.to_string()));
            } else {
                self.evictions.push(eviction);
            }
        }
    }

    /// What is due next on the simulated clock: an alarm or an eviction's deadline.
    pub fn next_due(&self) -> Option<Due> {
        let alarm = self.next_alarm().map(|(a, attempt)| Due::Alarm(a, attempt));
        let eviction = (self.evictions.iter()).map(|e| Due::Eviction(e.deadline_ms));
        alarm.into_iter().chain(eviction).min_by_key(Due::at_ms)
    }

    /// The alarm due next among the Worker's objects (hosted or not): a retry, else the alarm
    /// an object set; none for an object whose alarm runs now.
    fn next_alarm(&self) -> Option<(ObjectAddress, AlarmAttempt)> {
        let definition = &self.worker.definition;
        let set = (self.platform.objects)
            .alarms(|a| definition.object_class(&a.namespace).is_some())
            .into_iter()
            .filter(|(address, _)| !self.retries.contains_key(address))
            .map(|(address, at_ms)| (address, AlarmAttempt::first(at_ms)));
        let retries = (self.retries.iter()).map(|(address, attempt)| (address.clone(), *attempt));
        set.chain(retries)
            .filter(|(address, _)| !self.alarms_running.contains(address))
            .min_by_key(|(address, attempt)| (attempt.at_ms, address.clone()))
    }

    /// Runs the alarm `attempt` of the object at `address` (taken from storage unless it is a
    /// retry).
    pub fn ring(&mut self, isolate: &mut Isolate, address: ObjectAddress, attempt: AlarmAttempt) {
        if self.retries.remove(&address).is_none() {
            let persist = self.platform.persist.as_ref();
            (self.platform.objects).take_alarm(&address, attempt.scheduled_ms, persist);
        }
        let Some(class) = self.worker.definition.object_class(&address.namespace) else {
            return;
        };
        let Ok(slot) = self.host(isolate, &address, &class, None) else {
            return;
        };
        let kind = InvocationKind::Alarm {
            retry_count: attempt.retry_count,
            scheduled_time_ms: attempt.scheduled_ms,
        };
        let id = isolate.enqueue(slot, kind);
        self.alarms_running.insert(address.clone());
        self.waiting
            .insert(id, (slot, Waiter::Alarm { address, attempt }));
    }

    fn alarm_done(&mut self, address: ObjectAddress, attempt: AlarmAttempt, outcome: Outcome) {
        self.alarms_running.remove(&address);
        if let Some(next) = attempt.after(outcome, self.platform.now_ms()) {
            self.retries.insert(address, next);
        }
    }
}
