//! A Durable Object host: one task that owns one isolate and the objects placed in it. A given
//! object "may share global memory with other instances defined in the same Worker code"
//! (in-memory-state.mdx), so the objects of one Worker at one colo share isolates, up to
//! `objects_per_isolate` live ones each: module-level state is common to them and so is the
//! 128 MB limit. Each object keeps its own gates, alarm, idle eviction and hibernatable
//! sockets; an evicted or hibernated object leaves its isolate, and the isolate goes when the
//! last object does.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::time::Duration;

use edgesim_runtime::engine::durable_object::ObjectSlot;
use edgesim_runtime::host::{CallError, CallKind, CallReply};
use edgesim_runtime::invocation::{InvocationKind, ResetReason};
use edgesim_runtime::socket::hibernation::{SocketEvent, SocketId};
use edgesim_runtime::storage::durable::ObjectAddress;
use edgesim_runtime::{InvocationId, InvocationReport, Isolate, IsolateEvent, Outcome};
use futures::channel::{mpsc, oneshot};
use futures::{FutureExt, StreamExt};

use super::residents::{Resident, ResidentId, Residents};
use super::schedule::{AlarmAttempt, next_socket_event};
use super::{ObjectStartError, WorkerUnit, short_id};
use crate::host::SimHost;
use crate::platform::Platform;
use crate::seed;
use crate::trace::TraceEvent;

/// lifecycle.mdx: objects that cannot hibernate are evicted after 70–140 s idle.
const IDLE_EVICT_MIN_MS: u64 = 70_000;
const IDLE_EVICT_MAX_MS: u64 = 140_000;

/// What reaches a host's task.
pub enum Inbound {
    /// A call to the object at `address`, of class `class_name`.
    Job {
        address: ObjectAddress,
        class_name: String,
        job: Box<ObjectJob>,
    },
    /// The host crashed: its objects' memory and unconfirmed writes are gone, calls in flight
    /// fail.
    Crash,
}

/// A call waiting in a host's inbox.
pub struct ObjectJob {
    pub name: Option<String>,
    pub kind: CallKind,
    pub reply: oneshot::Sender<Result<CallReply, CallError>>,
}

type Reply = oneshot::Sender<Result<CallReply, CallError>>;

enum Waiter {
    /// `None` once answered (the invocation may still run `waitUntil` work).
    Call(Option<Reply>),
    Alarm(AlarmAttempt),
    /// A hibernatable socket's event; after a close the socket may leave the set.
    Socket {
        socket: SocketId,
        close: bool,
    },
}

/// The platform's side of a host: where its calls go, and which objects live in its isolate
/// now (what the platform counts against `objects_per_isolate`).
pub struct HostHandle {
    pub inbox: mpsc::UnboundedSender<Inbound>,
    pub live: Rc<RefCell<BTreeSet<ObjectAddress>>>,
}

/// Starts host number `index` of Worker `worker`'s objects at `colo`.
pub fn spawn(platform: Rc<Platform>, worker: WorkerUnit, colo: String, index: usize) -> HostHandle {
    let (inbox, rx) = mpsc::unbounded();
    let live = Rc::new(RefCell::new(BTreeSet::new()));
    let host = ObjectHost {
        platform: platform.clone(),
        worker,
        colo,
        index,
        generation: 0,
        isolate: None,
        residents: Residents::default(),
        waiting: BTreeMap::new(),
        live: live.clone(),
        next_alarm: None,
    };
    platform.tasks.spawn(host.run(rx));
    HostHandle { inbox, live }
}

struct ObjectHost {
    platform: Rc<Platform>,
    worker: WorkerUnit,
    colo: String,
    index: usize,
    /// Isolates started by this host so far: seeds each differently.
    generation: u64,
    isolate: Option<Isolate>,
    residents: Residents,
    waiting: BTreeMap<InvocationId, (ResidentId, Waiter)>,
    live: Rc<RefCell<BTreeSet<ObjectAddress>>>,
    /// The alarm due next, with the platform's alarm version it was found at: looked for again
    /// only when a stored alarm or this host's alarm state changed.
    next_alarm: Option<(u64, Option<(ResidentId, AlarmAttempt)>)>,
}

enum Next {
    Job(Option<Inbound>),
    Event(Option<IsolateEvent>),
    Alarm(ResidentId, AlarmAttempt),
    Evict(ResidentId),
    Socket(ResidentId, SocketEvent),
}

impl ObjectHost {
    fn record(&self, event: TraceEvent) {
        self.platform.record(event);
    }

    /// The host's life: one event at a time — a call, a crash, an alarm, an idle eviction, a
    /// hibernated socket's message, or something its isolate did — until its inbox closes.
    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Inbound>) {
        loop {
            match self.next(&mut inbox).await {
                Next::Job(None) => return,
                Next::Job(Some(Inbound::Crash)) => self.crash(),
                Next::Job(Some(Inbound::Job {
                    address,
                    class_name,
                    job,
                })) => self.call(address, class_name, *job).await,
                Next::Alarm(id, attempt) => self.ring_alarm(id, attempt).await,
                Next::Evict(id) => self.evict(id),
                Next::Socket(id, event) => self.socket_event(id, event).await,
                Next::Event(None) => {}
                Next::Event(Some(event)) => self.on_event(event),
            }
            if self.isolate.as_ref().is_some_and(Isolate::exceeded_memory) {
                self.reset_all(&ResetReason::ExceededMemory);
            }
            if self.residents.none_hosted() && self.waiting.is_empty() {
                self.isolate = None;
            }
        }
    }

    /// Waits for whatever happens first, in this order of precedence when several are ready:
    /// the isolate's own events, a call or crash, a hibernated socket's event, an alarm, and
    /// the eviction of an object that sat idle.
    async fn next(&mut self, inbox: &mut mpsc::UnboundedReceiver<Inbound>) -> Next {
        let next_alarm = self.next_alarm();
        let eviction = self.residents.next_eviction();
        let sockets = self.residents.socket_sets();
        let busy = !self.waiting.is_empty();
        let now_ms = self.platform.now_ms();
        let elapsed_ms = self.platform.elapsed_ms();
        let platform = self.platform.clone();
        let evict = async {
            match eviction {
                Some((at_ms, id)) => {
                    let wait = at_ms.saturating_sub(elapsed_ms);
                    madsim::time::sleep(Duration::from_millis(wait)).await;
                    id
                }
                None => std::future::pending().await,
            }
        };
        // Outputs of finished calls (WebSocket sends, commits) still need the loop.
        let event = async {
            match self.isolate.as_mut() {
                Some(iso) if busy || !iso.is_idle() => iso.next_event().await,
                _ => std::future::pending().await,
            }
        };
        let alarm = async {
            match next_alarm {
                Some((id, a)) => {
                    let wait = a.at_ms.saturating_sub(now_ms);
                    madsim::time::sleep(Duration::from_millis(wait)).await;
                    (id, a)
                }
                None => std::future::pending().await,
            }
        };
        let sockets = async {
            match sockets.is_empty() {
                true => std::future::pending().await,
                false => next_socket_event(&sockets, &platform).await,
            }
        };
        let mut evict = Box::pin(evict.fuse());
        let mut event = Box::pin(event.fuse());
        let mut alarm = Box::pin(alarm.fuse());
        let mut sockets = Box::pin(sockets.fuse());
        futures::select_biased! {
            e = event => Next::Event(e),
            j = inbox.next() => Next::Job(j),
            (id, s) = sockets => Next::Socket(id, s),
            (id, a) = alarm => Next::Alarm(id, a),
            id = evict => Next::Evict(id),
        }
    }

    /// The alarm attempt due next among the residents: a retry, else the alarm the object set;
    /// none for an object whose alarm runs now.
    fn next_alarm(&mut self) -> Option<(ResidentId, AlarmAttempt)> {
        let version = self.platform.objects.alarm_version();
        if let Some((at_version, next)) = self.next_alarm
            && at_version == version
        {
            return next;
        }
        let objects = &self.platform.objects;
        let next = (self.residents.all())
            .filter(|(_, r)| !r.alarm_running)
            .filter_map(|(id, r)| {
                let attempt =
                    (r.retry).or_else(|| objects.alarm_of(&r.address).map(AlarmAttempt::first))?;
                Some((id, attempt))
            })
            .min_by(|(a, x), (b, y)| {
                (x.at_ms, &self.residents.get(*a).address)
                    .cmp(&(y.at_ms, &self.residents.get(*b).address))
            });
        self.next_alarm = Some((version, next));
        next
    }

    /// This host's alarm state changed: the next alarm is looked for again.
    fn alarms_changed(&mut self) {
        self.next_alarm = None;
    }

    /// Resident `id` received or finished something now.
    fn touch(&mut self, id: ResidentId) {
        let now_ms = self.platform.elapsed_ms();
        self.residents.update(id, |r| r.last_active_ms = now_ms);
    }

    /// The resident at `address`, made when the object is first placed here.
    fn resident(&mut self, address: ObjectAddress, class_name: String) -> ResidentId {
        if let Some(id) = self.residents.find(&address) {
            return id;
        }
        // lifecycle.mdx: an object that cannot hibernate is evicted after 70–140 s without
        // events; where in that window is drawn from the seed, once per object.
        let draw = seed::derive(
            self.platform.run_seed,
            &format!("object-evict/{}/{}", address.namespace, address.id),
        );
        let evict_after_ms = IDLE_EVICT_MIN_MS + draw % (IDLE_EVICT_MAX_MS - IDLE_EVICT_MIN_MS + 1);
        let hibernation = self.worker.hibernation(&self.platform, &address);
        let now_ms = self.platform.elapsed_ms();
        let resident = Resident::new(address, class_name, evict_after_ms, now_ms, hibernation);
        self.alarms_changed();
        self.residents.insert(resident)
    }

    fn wait(&mut self, invocation: InvocationId, id: ResidentId, waiter: Waiter) {
        self.residents.update(id, |r| r.invocations += 1);
        self.waiting.insert(invocation, (id, waiter));
    }

    fn unwait(&mut self, invocation: InvocationId) -> Option<(ResidentId, Waiter)> {
        let (id, waiter) = self.waiting.remove(&invocation)?;
        self.residents.update(id, |r| r.invocations -= 1);
        Some((id, waiter))
    }

    /// A call arrives: refused when too many wait for its object, else queued behind the
    /// object's input gate.
    async fn call(&mut self, address: ObjectAddress, class_name: String, job: ObjectJob) {
        let id = self.resident(address, class_name);
        self.touch(id);
        if self.residents.get(id).invocations >= self.platform.objects.queued_calls_max.get() {
            let _ = job.reply.send(Err(CallError::overloaded()));
            return;
        }
        self.residents.update(id, |r| {
            if r.name.is_none() {
                r.name = job.name.clone();
            }
        });
        let kind = match InvocationKind::object_call(job.kind) {
            Ok(kind) => kind,
            Err(refused) => {
                let _ = job.reply.send(Err(refused));
                return;
            }
        };
        match self.enqueue(id, kind).await {
            Ok(invocation) => self.wait(invocation, id, Waiter::Call(Some(job.reply))),
            Err(e) => {
                let _ = job.reply.send(Err(CallError::platform(e.to_string())));
            }
        }
    }

    /// The alarm is due: taken from storage (unless this is a retry) and delivered.
    async fn ring_alarm(&mut self, id: ResidentId, attempt: AlarmAttempt) {
        self.touch(id);
        self.alarms_changed();
        if self.residents.update(id, |r| r.retry.take()).is_none() {
            let persist = self.platform.persist.as_ref();
            let address = &self.residents.get(id).address;
            (self.platform.objects).take_alarm(address, attempt.scheduled_ms, persist);
        }
        let kind = InvocationKind::Alarm {
            retry_count: attempt.retry_count,
            scheduled_time_ms: attempt.scheduled_ms,
        };
        if let Ok(invocation) = self.enqueue(id, kind).await {
            self.residents.update(id, |r| r.alarm_running = true);
            self.wait(invocation, id, Waiter::Alarm(attempt));
        }
    }

    /// A hibernated socket has a message or closed: the object wakes to handle it.
    async fn socket_event(&mut self, id: ResidentId, event: SocketEvent) {
        self.touch(id);
        let waiter = Waiter::Socket {
            socket: event.socket(),
            close: event.ends_connection(),
        };
        let kind = InvocationKind::SocketEvent(event);
        if let Ok(invocation) = self.enqueue(id, kind).await {
            self.wait(invocation, id, waiter);
        }
    }

    /// Queues `kind` for resident `id`, bringing it into the isolate first (and the isolate
    /// up, if there is none).
    async fn enqueue(
        &mut self,
        id: ResidentId,
        kind: InvocationKind,
    ) -> Result<InvocationId, ObjectStartError> {
        let slot = self.host(id).await?;
        let isolate = self.isolate.as_mut().expect("hosting needs the isolate");
        Ok(isolate.enqueue(slot, kind))
    }

    /// The resident's slot in the isolate, hosting it (and opening its storage) first.
    async fn host(&mut self, id: ResidentId) -> Result<ObjectSlot, ObjectStartError> {
        let resident = self.residents.get(id);
        if let Some(slot) = resident.slot {
            return Ok(slot);
        }
        let address = resident.address.clone();
        let spec = (self.worker).open_object(
            &self.platform,
            &address,
            &resident.class_name,
            resident.name.clone(),
        )?;
        let started = self.isolate.is_none();
        if started {
            self.isolate = Some(self.start_isolate()?);
        }
        let isolate = self.isolate.as_mut().expect("started above");
        let slot = isolate.host_object(spec)?;
        // A cold start is paid by the object that brings the isolate up.
        let startup_cpu_used_ms = match started {
            true => isolate.startup_cpu().millis(),
            false => 0.0,
        };
        self.residents.placed(id, slot);
        self.live.borrow_mut().insert(address.clone());
        self.record(TraceEvent::ObjectStart {
            at_ms: self.platform.elapsed_ms(),
            colo: self.colo.clone(),
            namespace: address.namespace.clone(),
            object: short_id(&address.id),
            startup_cpu_used_ms,
        });
        if started {
            let cold_ms = crate::pool::ISOLATE_START_MS as f64 + startup_cpu_used_ms;
            madsim::time::sleep(Duration::from_micros((cold_ms * 1000.0) as u64)).await;
        }
        Ok(slot)
    }

    fn start_isolate(&mut self) -> Result<Isolate, ObjectStartError> {
        self.generation += 1;
        let definition = &self.worker.definition;
        let component = format!(
            "object-host/{}/{}/{}/{}",
            definition.name, self.colo, self.index, self.generation
        );
        let host = SimHost::new(
            seed::derive(self.platform.run_seed, &component),
            &self.colo,
            self.platform.clone(),
        )
        .with_worker(self.worker.clone())
        .with_placed_objects();
        let config = definition.isolate_config(self.worker.limits.clone());
        let mut isolate =
            Isolate::start(Rc::new(host), &config).map_err(|error| ObjectStartError::Startup {
                worker: definition.name.clone(),
                error,
            })?;
        isolate.set_colo(&self.colo);
        Ok(isolate)
    }

    /// Handles one isolate event.
    fn on_event(&mut self, event: IsolateEvent) {
        if let Some(id) = (event.invocation())
            .and_then(|invocation| self.waiting.get(&invocation))
            .map(|(id, _)| *id)
        {
            // Also notes sockets the object accepted.
            self.touch(id);
        }
        match event {
            IsolateEvent::Responded { id, response } => {
                self.answer(id, Ok(CallReply::Response(response)));
            }
            IsolateEvent::Returned { id, result } => {
                let answer = result
                    .map(CallReply::Value)
                    .map_err(|e| CallError::thrown(&e.class, &e.message));
                self.answer(id, answer);
            }
            IsolateEvent::Finished(report) => self.finished(report),
            IsolateEvent::ObjectReset { object, reason } => {
                if let Some(id) = self.residents.at_slot(object) {
                    self.reset(id, &reason);
                }
            }
        }
    }

    fn answer(&mut self, invocation: InvocationId, answer: Result<CallReply, CallError>) {
        if let Some((_, Waiter::Call(reply))) = self.waiting.get_mut(&invocation)
            && let Some(reply) = reply.take()
        {
            let _ = reply.send(answer);
        }
    }

    /// An invocation ended: a call that never answered gets an error, an alarm its verdict.
    fn finished(&mut self, report: InvocationReport) {
        let Some((id, waiter)) = self.unwait(report.id) else {
            return;
        };
        self.record_logs(id, &report);
        match waiter {
            Waiter::Call(Some(reply)) => {
                let _ = reply.send(Err(CallError::platform(
                    "The Durable Object finished without answering.",
                )));
            }
            Waiter::Alarm(attempt) => self.alarm_done(id, attempt, report.outcome),
            Waiter::Socket {
                socket,
                close: true,
            } => self.residents.update(id, |r| {
                r.hibernation.borrow_mut().release_if_closed(socket);
            }),
            Waiter::Call(None) | Waiter::Socket { .. } => {}
        }
    }

    /// What the object's code logged, into the trace.
    fn record_logs(&self, id: ResidentId, report: &InvocationReport) {
        let address = &self.residents.get(id).address;
        for line in &report.logs {
            self.record(TraceEvent::ObjectLog {
                at_ms: line.at_ms.saturating_sub(self.platform.epoch_ms),
                namespace: address.namespace.clone(),
                object: short_id(&address.id),
                level: line.level.clone(),
                message: line.message.clone(),
            });
        }
    }

    /// Resident `id` was reset: its callers get `reason`, its running alarm fails, and it
    /// leaves the isolate; its next call starts a new instance from confirmed storage.
    fn reset(&mut self, id: ResidentId, reason: &ResetReason) {
        let address = &self.residents.get(id).address;
        self.record(TraceEvent::ObjectReset {
            at_ms: self.platform.elapsed_ms(),
            namespace: address.namespace.clone(),
            object: short_id(&address.id),
            reason: reason.to_string(),
        });
        let invocations: Vec<InvocationId> = (self.waiting.iter())
            .filter(|(_, (of, _))| *of == id)
            .map(|(invocation, _)| *invocation)
            .collect();
        for invocation in invocations {
            match self.unwait(invocation) {
                Some((_, Waiter::Call(Some(reply)))) => {
                    let _ = reply.send(Err(CallError::reset(reason)));
                }
                Some((_, Waiter::Alarm(attempt))) => {
                    self.alarm_done(id, attempt, Outcome::Exception);
                }
                _ => {}
            }
        }
        self.let_go(id);
    }

    /// The object leaves the isolate (its instance and whatever it had running go); what it
    /// wrote that no confirmed commit carries is undone.
    fn let_go(&mut self, id: ResidentId) {
        let Some(slot) = self.residents.removed(id) else {
            return;
        };
        let address = &self.residents.get(id).address;
        self.live.borrow_mut().remove(address);
        if let Some(isolate) = self.isolate.as_mut() {
            isolate.unhost_object(slot);
        }
        self.platform.objects.discard_unconfirmed(address);
    }

    /// Every object in the isolate is reset (the isolate went over its memory limit).
    fn reset_all(&mut self, reason: &ResetReason) {
        for id in self.residents.hosted() {
            self.reset(id, reason);
        }
        self.isolate = None;
    }

    /// The host crashed: every object's sockets drop, and what was running fails as lost.
    fn crash(&mut self) {
        let residents: Vec<(ResidentId, bool)> = (self.residents.all())
            .map(|(id, r)| (id, r.slot.is_some() || r.invocations > 0))
            .collect();
        for (id, running) in residents {
            self.residents
                .update(id, |r| r.hibernation.borrow_mut().disconnect_all());
            if running {
                self.reset(id, &ResetReason::ConnectionLost);
            }
        }
        self.isolate = None;
    }

    /// The object sat idle: it leaves the isolate (hibernated, if its sockets can wake it).
    fn evict(&mut self, id: ResidentId) {
        let resident = self.residents.get(id);
        let (at_ms, namespace, object) = (
            self.platform.elapsed_ms(),
            resident.address.namespace.clone(),
            short_id(&resident.address.id),
        );
        self.record(match resident.has_sockets() {
            true => TraceEvent::ObjectHibernated {
                at_ms,
                namespace,
                object,
            },
            false => TraceEvent::ObjectEvicted {
                at_ms,
                namespace,
                object,
            },
        });
        self.let_go(id);
    }

    /// An alarm invocation ended: recorded, and retried with backoff unless it succeeded or
    /// ran out of retries.
    fn alarm_done(&mut self, id: ResidentId, attempt: AlarmAttempt, outcome: Outcome) {
        let address = &self.residents.get(id).address;
        self.record(TraceEvent::Alarm {
            at_ms: self.platform.elapsed_ms(),
            namespace: address.namespace.clone(),
            object: short_id(&address.id),
            retry_count: attempt.retry_count,
            outcome,
        });
        let now_ms = self.platform.now_ms();
        self.residents.update(id, |r| {
            r.alarm_running = false;
            r.retry = attempt.after(outcome, now_ms);
        });
        self.alarms_changed();
    }
}
