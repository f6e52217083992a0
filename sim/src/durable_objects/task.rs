//! One placed object: the task that owns its isolate, feeds it calls, answers callers, and runs
//! its alarm (at least once, retried with backoff from 2 s doubling, up to 6 retries;
//! semantics.md §5.4).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use edgesim_runtime::engine::durable_object::ObjectSlot;
use edgesim_runtime::host::{CallError, CallKind, CallReply};
use edgesim_runtime::invocation::{InvocationKind, ResetReason};
use edgesim_runtime::socket::hibernation::{Hibernation, HibernationWake, SocketEvent, SocketId};
use edgesim_runtime::storage::durable::ObjectAddress;
use edgesim_runtime::{InvocationId, Isolate, IsolateEvent, Outcome};
use futures::channel::{mpsc, oneshot};
use futures::{FutureExt, StreamExt};

use super::{ObjectStartError, WorkerUnit, short_id};
use crate::host::SimHost;
use crate::platform::Platform;
use crate::seed;
use crate::trace::TraceEvent;

/// alarm-scheduler.h: `ALARM_RETRY_START_SECONDS`, `ALARM_RETRY_MAX_TRIES`, exponent cap.
const ALARM_RETRY_START_MS: u64 = 2_000;
const ALARM_RETRIES_MAX: u32 = 6;
const ALARM_BACKOFF_EXPONENT_MAX: u32 = 9;
/// lifecycle.mdx: objects that cannot hibernate are evicted after 70–140 s idle.
const IDLE_EVICT_MIN_MS: u64 = 70_000;
const IDLE_EVICT_MAX_MS: u64 = 140_000;
/// lifecycle.mdx: an object that can hibernate does so after 10 s idle.
const HIBERNATE_AFTER_MS: u64 = 10_000;

/// What reaches an object's task.
pub enum Inbound {
    Job(ObjectJob),
    /// The host crashed: memory and unconfirmed writes are gone, calls in flight fail.
    Crash,
}

/// A call waiting in an object's inbox.
pub struct ObjectJob {
    pub name: Option<String>,
    pub kind: CallKind,
    pub reply: oneshot::Sender<Result<CallReply, CallError>>,
}

type Reply = oneshot::Sender<Result<CallReply, CallError>>;

enum Waiter {
    /// `None` once answered (the invocation may still run `waitUntil` work).
    Call(Option<Reply>),
    Alarm {
        retry_count: u32,
        scheduled_ms: u64,
    },
    /// A hibernatable socket's event; after a close the socket may leave the set.
    Socket {
        socket: SocketId,
        close: bool,
    },
}

pub fn spawn(
    platform: Rc<Platform>,
    address: ObjectAddress,
    class_name: String,
    colo: String,
    worker: WorkerUnit,
) -> mpsc::UnboundedSender<Inbound> {
    let (tx, rx) = mpsc::unbounded();
    // lifecycle.mdx: an object that cannot hibernate is evicted after 70–140 s without
    // events; where in that window is drawn from the seed, once per object.
    let draw = seed::derive(
        platform.run_seed,
        &format!("object-evict/{}/{}", address.namespace, address.id),
    );
    let evict_after_ms = IDLE_EVICT_MIN_MS + draw % (IDLE_EVICT_MAX_MS - IDLE_EVICT_MIN_MS + 1);
    let hibernation = worker.hibernation(&platform, &address);
    let task = ObjectTask {
        platform: platform.clone(),
        address,
        class_name,
        colo,
        worker,
        name: None,
        generation: 0,
        evict_after_ms,
        last_active_ms: 0,
        hibernation,
        slot: 0,
    };
    platform.tasks.spawn(task.run(rx));
    tx
}

struct ObjectTask {
    platform: Rc<Platform>,
    address: ObjectAddress,
    class_name: String,
    colo: String,
    worker: WorkerUnit,
    name: Option<String>,
    /// Isolates started for this object so far: seeds each differently.
    generation: u64,
    /// Idle this long (ms), the object's isolate is evicted: memory gone, storage kept.
    evict_after_ms: u64,
    /// When the object last received a call or finished one (ms since the run started).
    last_active_ms: u64,
    /// The object's hibernatable WebSockets, kept across its isolates.
    hibernation: Rc<RefCell<Hibernation>>,
    /// Where the object sits in its isolate (the isolate hosts only it).
    slot: ObjectSlot,
}

enum Next {
    Job(Option<Inbound>),
    Event(Option<IsolateEvent>),
    Alarm,
    Evict,
    Socket(SocketEvent),
}

/// What the task's loop keeps between events: the object's isolate, when it has one, the
/// invocations it waits on, and where its alarm stands.
#[derive(Default)]
struct Live {
    isolate: Option<Isolate>,
    waiting: BTreeMap<InvocationId, Waiter>,
    alarm_running: bool,
    /// The next retry of a failed alarm.
    retry: Option<AlarmAttempt>,
}

/// The next alarm attempt: when (ms since the epoch), which retry, for which scheduled time.
#[derive(Clone, Copy)]
pub(crate) struct AlarmAttempt {
    pub at_ms: u64,
    pub retry_count: u32,
    pub scheduled_ms: u64,
}

impl AlarmAttempt {
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

impl ObjectTask {
    fn record(&self, event: TraceEvent) {
        self.platform.record(event);
    }

    async fn start_isolate(&mut self) -> Result<Isolate, ObjectStartError> {
        self.generation += 1;
        let component = format!(
            "object/{}/{}/{}",
            self.address.namespace, self.address.id, self.generation
        );
        let host = SimHost::new(
            seed::derive(self.platform.run_seed, &component),
            &self.colo,
            self.platform.clone(),
        )
        .with_worker(self.worker.clone())
        .with_object(self.address.clone());
        let spec = (self.worker).open_object(
            &self.platform,
            &self.address,
            &self.class_name,
            self.name.clone(),
        )?;
        let definition = &self.worker.definition;
        let config = definition.isolate_config(self.worker.limits.clone());
        let mut isolate =
            Isolate::start(Rc::new(host), &config).map_err(|error| ObjectStartError::Startup {
                worker: definition.name.clone(),
                error,
            })?;
        isolate.set_colo(&self.colo);
        self.slot = isolate.host_object(spec)?;
        let startup_cpu_used_ms = isolate.startup_cpu().millis();
        self.record(TraceEvent::ObjectStart {
            at_ms: self.platform.elapsed_ms(),
            colo: self.colo.clone(),
            namespace: self.address.namespace.clone(),
            object: short_id(&self.address.id),
            startup_cpu_used_ms,
        });
        let cold_ms = crate::pool::ISOLATE_START_MS as f64 + startup_cpu_used_ms;
        madsim::time::sleep(Duration::from_micros((cold_ms * 1000.0) as u64)).await;
        Ok(isolate)
    }

    /// The object's life: one event at a time — a call, a crash, its alarm, an idle eviction,
    /// a hibernated socket's message, or something its isolate did — until its inbox closes.
    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Inbound>) {
        let mut live = Live::default();
        loop {
            let had_isolate = live.isolate.is_some();
            let next_alarm = self.next_alarm(&live);
            let hibernatable = !self.hibernation.borrow().is_empty();
            let next = self
                .next(&mut live, &mut inbox, next_alarm, hibernatable)
                .await;
            if !matches!(next, Next::Evict | Next::Event(None)) {
                self.last_active_ms = self.platform.elapsed_ms();
            }
            match next {
                Next::Job(None) => return,
                Next::Job(Some(Inbound::Crash)) => self.crashed(&mut live),
                Next::Job(Some(Inbound::Job(job))) => self.call(&mut live, job).await,
                Next::Alarm => {
                    if let Some(attempt) = next_alarm {
                        self.ring_alarm(&mut live, attempt).await;
                    }
                }
                Next::Evict => self.evict(&mut live, hibernatable),
                Next::Socket(event) => self.socket_event(&mut live, event).await,
                Next::Event(None) => {}
                Next::Event(Some(event)) => {
                    if self.on_event(event, &mut live) {
                        live.isolate = None;
                    }
                }
            }
            if live.isolate.as_ref().is_some_and(Isolate::is_condemned) && live.waiting.is_empty() {
                live.isolate = None;
            }
            if had_isolate && live.isolate.is_none() {
                // Whatever way the isolate went (reset, crash, eviction), its commits in
                // flight went with it.
                self.platform.objects.discard_unconfirmed(&self.address);
            }
        }
    }

    /// The alarm attempt due next: a retry, else the alarm the object set; none while one runs.
    fn next_alarm(&self, live: &Live) -> Option<AlarmAttempt> {
        if live.alarm_running {
            return None;
        }
        live.retry.or_else(|| {
            let at_ms = self.platform.objects.alarm_of(&self.address)?;
            Some(AlarmAttempt {
                at_ms,
                retry_count: 0,
                scheduled_ms: at_ms,
            })
        })
    }

    /// Waits for whatever happens first, in this order of precedence when several are ready:
    /// the isolate's own events, a call or crash, a hibernated socket's event, the alarm, and
    /// eviction after the object sat idle.
    async fn next(
        &self,
        live: &mut Live,
        inbox: &mut mpsc::UnboundedReceiver<Inbound>,
        next_alarm: Option<AlarmAttempt>,
        hibernatable: bool,
    ) -> Next {
        let busy = !live.waiting.is_empty();
        let idle_limit_ms = if hibernatable {
            HIBERNATE_AFTER_MS
        } else {
            self.evict_after_ms
        };
        let evict_at_ms =
            (live.isolate.is_some() && !busy).then_some(self.last_active_ms + idle_limit_ms);
        let now_ms = self.platform.now_ms();
        let elapsed_ms = self.platform.elapsed_ms();
        let evict = async {
            match evict_at_ms {
                Some(at) => {
                    let wait = at.saturating_sub(elapsed_ms);
                    madsim::time::sleep(Duration::from_millis(wait)).await
                }
                None => std::future::pending().await,
            }
        };
        let mut evict = Box::pin(evict.fuse());
        // Outputs of finished calls (WebSocket sends, commits) still need the loop.
        let event = async {
            match live.isolate.as_mut() {
                Some(iso) if busy || !iso.is_idle() => iso.next_event().await,
                _ => std::future::pending().await,
            }
        };
        let alarm = async {
            match next_alarm {
                Some(a) => {
                    let wait = a.at_ms.saturating_sub(now_ms);
                    madsim::time::sleep(Duration::from_millis(wait)).await
                }
                None => std::future::pending().await,
            }
        };
        let sockets = async {
            if hibernatable {
                let sets = [((), self.hibernation.clone())];
                next_socket_event(&sets, &self.platform).await.1
            } else {
                std::future::pending().await
            }
        };
        let mut event = Box::pin(event.fuse());
        let mut alarm = Box::pin(alarm.fuse());
        let mut sockets = Box::pin(sockets.fuse());
        futures::select_biased! {
            e = event => Next::Event(e),
            j = inbox.next() => Next::Job(j),
            s = sockets => Next::Socket(s),
            () = alarm => Next::Alarm,
            () = evict => Next::Evict,
        }
    }

    /// The object's host crashed: its sockets drop, and what was running fails as lost.
    fn crashed(&self, live: &mut Live) {
        self.hibernation.borrow_mut().disconnect_all();
        if live.isolate.take().is_some() || !live.waiting.is_empty() {
            self.on_event(
                IsolateEvent::ObjectReset {
                    object: self.slot,
                    reason: ResetReason::ConnectionLost,
                },
                live,
            );
        }
    }

    /// A call arrives: refused when too many wait, else queued behind the input gate.
    async fn call(&mut self, live: &mut Live, job: ObjectJob) {
        if live.waiting.len() >= self.platform.objects.queued_calls_max.get() {
            let _ = job.reply.send(Err(CallError::overloaded()));
            return;
        }
        if self.name.is_none() {
            self.name = job.name.clone();
        }
        let kind = match job.kind {
            CallKind::Fetch(request) => InvocationKind::ObjectFetch(request),
            CallKind::Rpc { stub, method, args } => InvocationKind::Rpc { stub, method, args },
        };
        match self.ensure(&mut live.isolate).await {
            Ok(iso) => {
                let id = iso.enqueue(self.slot, kind);
                live.waiting.insert(id, Waiter::Call(Some(job.reply)));
            }
            Err(e) => {
                let _ = job.reply.send(Err(CallError::platform(e.to_string())));
            }
        }
    }

    /// The alarm is due: taken from storage (unless this is a retry) and delivered.
    async fn ring_alarm(&mut self, live: &mut Live, attempt: AlarmAttempt) {
        if live.retry.take().is_none() {
            self.platform.objects.take_alarm(
                &self.address,
                attempt.scheduled_ms,
                self.platform.persist.as_ref(),
            );
        }
        let kind = InvocationKind::Alarm {
            retry_count: attempt.retry_count,
            scheduled_time_ms: attempt.scheduled_ms,
        };
        if let Ok(iso) = self.ensure(&mut live.isolate).await {
            let id = iso.enqueue(self.slot, kind);
            live.waiting.insert(
                id,
                Waiter::Alarm {
                    retry_count: attempt.retry_count,
                    scheduled_ms: attempt.scheduled_ms,
                },
            );
            live.alarm_running = true;
        }
    }

    /// The object sat idle: its isolate goes (hibernated, if its sockets can wake it).
    fn evict(&self, live: &mut Live, hibernatable: bool) {
        if live.isolate.take().is_none() {
            return;
        }
        let (at_ms, namespace, object) = (
            self.platform.elapsed_ms(),
            self.address.namespace.clone(),
            short_id(&self.address.id),
        );
        self.record(if hibernatable {
            TraceEvent::ObjectHibernated {
                at_ms,
                namespace,
                object,
            }
        } else {
            TraceEvent::ObjectEvicted {
                at_ms,
                namespace,
                object,
            }
        });
    }

    /// A hibernated socket has a message or closed: the object wakes to handle it.
    async fn socket_event(&mut self, live: &mut Live, event: SocketEvent) {
        let waiter = Waiter::Socket {
            socket: event.socket(),
            close: event.ends_connection(),
        };
        if let Ok(iso) = self.ensure(&mut live.isolate).await {
            let id = iso.enqueue(self.slot, InvocationKind::SocketEvent(event));
            live.waiting.insert(id, waiter);
        }
    }

    async fn ensure<'a>(
        &mut self,
        isolate: &'a mut Option<Isolate>,
    ) -> Result<&'a mut Isolate, ObjectStartError> {
        match isolate {
            Some(iso) => Ok(iso),
            None => Ok(isolate.insert(self.start_isolate().await?)),
        }
    }

    /// Handles one isolate event; true when the object was reset.
    fn on_event(&self, event: IsolateEvent, live: &mut Live) -> bool {
        match event {
            IsolateEvent::Responded { id, response } => {
                if let Some(Waiter::Call(reply)) = live.waiting.get_mut(&id)
                    && let Some(reply) = reply.take()
                {
                    let _ = reply.send(Ok(CallReply::Response(response)));
                }
            }
            IsolateEvent::Returned { id, result } => {
                if let Some(Waiter::Call(reply)) = live.waiting.get_mut(&id)
                    && let Some(reply) = reply.take()
                {
                    let answer = result
                        .map(CallReply::Value)
                        .map_err(|e| CallError::thrown(&e.class, &e.message));
                    let _ = reply.send(answer);
                }
            }
            IsolateEvent::Finished(report) => {
                self.record_logs(&report);
                self.finished(report, live);
            }
            IsolateEvent::ObjectReset { reason, .. } => {
                self.record(TraceEvent::ObjectReset {
                    at_ms: self.platform.elapsed_ms(),
                    namespace: self.address.namespace.clone(),
                    object: short_id(&self.address.id),
                    reason: reason.to_string(),
                });
                for (_, waiter) in std::mem::take(&mut live.waiting) {
                    match waiter {
                        Waiter::Call(Some(reply)) => {
                            let _ = reply.send(Err(CallError::reset(&reason)));
                        }
                        Waiter::Alarm {
                            retry_count,
                            scheduled_ms,
                        } => self.alarm_done(retry_count, scheduled_ms, Outcome::Exception, live),
                        Waiter::Call(None) | Waiter::Socket { .. } => {}
                    }
                }
                return true;
            }
        }
        false
    }

    /// An invocation ended: a call that never answered gets an error, an alarm its verdict.
    fn finished(&self, report: edgesim_runtime::InvocationReport, live: &mut Live) {
        match live.waiting.remove(&report.id) {
            Some(Waiter::Call(Some(reply))) => {
                let _ = reply.send(Err(CallError::platform(
                    "The Durable Object finished without answering.",
                )));
            }
            Some(Waiter::Alarm {
                retry_count,
                scheduled_ms,
            }) => self.alarm_done(retry_count, scheduled_ms, report.outcome, live),
            Some(Waiter::Socket {
                socket,
                close: true,
            }) => self.hibernation.borrow_mut().release_if_closed(socket),
            _ => {}
        }
    }

    /// What the object's code logged, into the trace.
    fn record_logs(&self, report: &edgesim_runtime::InvocationReport) {
        for line in &report.logs {
            self.record(TraceEvent::ObjectLog {
                at_ms: line.at_ms.saturating_sub(self.platform.epoch_ms),
                namespace: self.address.namespace.clone(),
                object: short_id(&self.address.id),
                level: line.level.clone(),
                message: line.message.clone(),
            });
        }
    }

    /// An alarm invocation ended: recorded, and retried with backoff unless it succeeded or
    /// ran out of retries.
    fn alarm_done(&self, retry_count: u32, scheduled_ms: u64, outcome: Outcome, live: &mut Live) {
        live.alarm_running = false;
        self.record(TraceEvent::Alarm {
            at_ms: self.platform.elapsed_ms(),
            namespace: self.address.namespace.clone(),
            object: short_id(&self.address.id),
            retry_count,
            outcome,
        });
        let attempt = AlarmAttempt {
            at_ms: 0,
            retry_count,
            scheduled_ms,
        };
        live.retry = attempt.after(outcome, self.platform.now_ms());
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
