//! Isolates at a colo: one per (colo, Worker), started on first use (a cold start) and again
//! after it was discarded. Each runs as a task that takes requests from an inbox, so requests
//! that arrive together are served concurrently by one isolate, as in production.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use edgesim_runtime::host::CallKind;
use edgesim_runtime::invocation::{InvocationReport, ThrownError};
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_runtime::{
    BodyUse, HttpRequest, HttpResponse, InvocationId, Isolate, IsolateEvent, Limits, StartupError,
};
use futures::StreamExt;
use futures::channel::{mpsc, oneshot};
use futures::future::{Either, select};

use crate::durable_objects::WorkerUnit;
use crate::host::SimHost;
use crate::platform::Platform;
use crate::seed;
use crate::trace::{DiscardReason, TraceEvent};
use crate::trigger_routes::{self, Trigger};

/// Engine start and context creation before module evaluation: the part of a cold start that
/// is not the Worker's own startup CPU ("an isolate warms up in under 5 ms", semantics.md §8).
pub const ISOLATE_START_MS: u64 = 2;

pub struct Job {
    pub id: u64,
    /// Simulated ms since the run started at which the event reached the colo.
    pub arrived_ms: u64,
    pub event: Delivery,
    pub reply: oneshot::Sender<Result<Served, ServeError>>,
}

/// Why an event got no answer from its Worker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServeError {
    #[error("worker {worker:?} failed to start: {error}")]
    Startup { worker: String, error: StartupError },
    #[error("the Worker finished without answering")]
    NoAnswer,
}

/// What is delivered to the Worker.
pub enum Delivery {
    /// A request, and whether its caller keeps the response's body.
    Fetch(HttpRequest, BodyUse),
    /// A cron trigger firing; `scheduled_time_ms` is the cron time, ms since the epoch.
    Scheduled {
        cron: String,
        scheduled_time_ms: u64,
    },
    /// Mail for the Worker's `email` handler.
    Email(edgesim_runtime::api::email::incoming::IncomingEmail),
    /// A queue batch sent through a service binding (`service_binding_extra_handlers`):
    /// `messages` is the JSON array of storage::queue::QueuedMessage.
    Queue { queue: String, messages: String },
    /// A call through a service binding (crate::services), answered as soon as the response
    /// or value is ready; the job's id is the call's.
    Service {
        entrypoint: Option<String>,
        props: String,
        call: CallKind,
    },
}

/// What the client of one request learns.
#[derive(Debug, Clone)]
pub struct Served {
    /// `None` for events that answer nothing (cron triggers).
    pub response: Option<HttpResponse>,
    pub responded_at_ms: u64,
    /// `None` when the static assets answered and the Worker did not run.
    pub report: Option<InvocationReport>,
    pub cold_start: bool,
    /// A service call's RPC value (encoded) or the exception its handler threw.
    pub returned: Option<Result<String, ThrownError>>,
}

/// Everything the isolates of one run share.
pub struct PoolContext {
    pub run_seed: u64,
    pub platform: Rc<Platform>,
    /// Evict an isolate that has served nothing for this long (`platform.isolate_idle_timeout`);
    /// the next request starts a fresh one, cold. None: isolates live for the whole run.
    pub idle_evict_ms: Option<u64>,
    /// The warm isolates at each colo, for eviction under memory pressure.
    pub warm_isolates: crate::warm_isolates::WarmIsolates,
    /// The isolates are origins' (crate::origins), not the platform's: their starts are not
    /// the scenario's cold starts.
    pub serves_origins: bool,
}

impl PoolContext {
    /// Milliseconds since the run started.
    pub fn now_ms(&self) -> u64 {
        self.platform.elapsed_ms()
    }

    fn record(&self, event: TraceEvent) {
        self.platform.record(event);
    }
}

/// What an isolate task is asked to do.
enum Inbound {
    Job(Job),
    /// A client's TLS handshake for request `id` began: start the isolate now if it is cold
    /// (`platform.tls.prewarm`), so the request finds it warm or warming.
    Warm {
        id: u64,
    },
}

/// The inboxes of running isolate tasks, by (colo, Worker).
pub struct Pool {
    ctx: Rc<PoolContext>,
    inboxes: BTreeMap<(String, String), mpsc::UnboundedSender<Inbound>>,
    /// Worker -> the random seed each of its isolates starts from, instead of one drawn from
    /// the run's seed (`edgesim test`'s config Worker, test/config_worker.rs).
    fixed_seeds: BTreeMap<String, u64>,
}

impl Pool {
    pub fn new(ctx: Rc<PoolContext>) -> Self {
        Pool {
            ctx,
            inboxes: BTreeMap::new(),
            fixed_seeds: BTreeMap::new(),
        }
    }

    /// Every isolate of `worker` starts from random seed `seed`.
    pub fn fix_isolate_seed(&mut self, worker: &str, seed: u64) {
        self.fixed_seeds.insert(worker.to_string(), seed);
    }

    /// Sends a job to the isolate of (`colo`, `worker`), starting its task if needed. A
    /// client's request to one of `wrangler dev`'s handler routes fires the event it names;
    /// one for the static assets is answered by them.
    pub fn send(
        &mut self,
        colo: &str,
        worker: &str,
        definition: &Rc<WorkerDefinition>,
        limits: &Limits,
        mut job: Job,
    ) {
        if let Delivery::Fetch(request, _) = &job.event {
            if !self.ctx.serves_origins
                && let Some(trigger) = trigger_routes::route(request, self.ctx.platform.now_ms())
            {
                match trigger {
                    Ok(trigger) => job = self.fired(job, trigger),
                    Err(response) => return self.answered_at_door(job, response),
                }
            } else if let Some(response) = self.ctx.platform.assets.route(colo, definition, request)
            {
                return self.served_from_assets(colo, job, response);
            }
        }
        self.deliver(colo, worker, definition, limits, Inbound::Job(job));
    }

    /// `job` fires `trigger` instead: the client's answer is made from the invocation's
    /// report once it ends.
    fn fired(&self, job: Job, trigger: Trigger) -> Job {
        let (reply, answer) = oneshot::channel::<Result<Served, ServeError>>();
        let client = job.reply;
        let route = trigger.route();
        let event = match trigger {
            Trigger::Scheduled {
                cron,
                scheduled_time_ms,
            } => Delivery::Scheduled {
                cron,
                scheduled_time_ms,
            },
            Trigger::Email(email) => Delivery::Email(email),
        };
        let platform = self.ctx.platform.clone();
        self.ctx.platform.tasks.spawn(async move {
            let served = match answer.await {
                Ok(Ok(mut served)) => {
                    if let Some(report) = &served.report {
                        served.response = Some(trigger_routes::answer(route, report));
                        served.responded_at_ms = platform.elapsed_ms();
                    }
                    Ok(served)
                }
                Ok(Err(e)) => Err(e),
                Err(_) => return,
            };
            let _ = client.send(served);
        });
        Job {
            event,
            reply,
            ..job
        }
    }

    /// A handler route refused `job`'s request: nothing runs.
    fn answered_at_door(&self, job: Job, response: HttpResponse) {
        let _ = job.reply.send(Ok(Served {
            response: Some(response),
            responded_at_ms: self.ctx.now_ms(),
            report: None,
            cold_start: false,
            returned: None,
        }));
    }

    /// The router answered `job` from static assets: no isolate runs, none starts cold.
    fn served_from_assets(&self, colo: &str, job: Job, response: HttpResponse) {
        let now = self.ctx.now_ms();
        self.ctx.record(TraceEvent::AssetResponse {
            at_ms: now,
            id: job.id,
            colo: colo.to_string(),
            status: response.status,
        });
        let _ = job.reply.send(Ok(Served {
            response: Some(response),
            responded_at_ms: now,
            report: None,
            cold_start: false,
            returned: None,
        }));
    }

    /// Request `id`'s TLS handshake began at `colo`: its isolate starts now if it is cold.
    pub fn prewarm(
        &mut self,
        colo: &str,
        worker: &str,
        definition: &Rc<WorkerDefinition>,
        limits: &Limits,
        id: u64,
    ) {
        self.deliver(colo, worker, definition, limits, Inbound::Warm { id });
    }

    fn deliver(
        &mut self,
        colo: &str,
        worker: &str,
        definition: &Rc<WorkerDefinition>,
        limits: &Limits,
        inbound: Inbound,
    ) {
        let key = (colo.to_string(), worker.to_string());
        let inbox = self.inboxes.entry(key.clone()).or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded();
            let task = IsolateTask {
                ctx: self.ctx.clone(),
                colo: key.0.clone(),
                worker: key.1.clone(),
                definition: definition.clone(),
                limits: limits.clone(),
                generation: 0,
                last_active_ms: 0,
                prewarmed_for: None,
                fixed_seed: self.fixed_seeds.get(&key.1).copied(),
            };
            self.ctx.platform.tasks.spawn(task.run(rx));
            tx
        });
        // A closed inbox means the task ended, which only happens when the run is over.
        let _ = inbox.unbounded_send(inbound);
    }
}

struct IsolateTask {
    ctx: Rc<PoolContext>,
    colo: String,
    worker: String,
    definition: Rc<WorkerDefinition>,
    limits: Limits,
    /// How many isolates this (colo, Worker) has started: seeds each one differently.
    generation: u64,
    /// When the isolate last started or finished an invocation (ms since the run started).
    last_active_ms: u64,
    /// The request whose TLS handshake started the current isolate: it counts as its cold start.
    prewarmed_for: Option<u64>,
    /// Pool::fixed_seeds.
    fixed_seed: Option<u64>,
}

struct Waiting {
    job_id: u64,
    arrived_ms: u64,
    /// Taken when the client is answered: at the end, or at a `101` that hands over a WebSocket.
    reply: Option<oneshot::Sender<Result<Served, ServeError>>>,
    cold_start: bool,
    expects_response: bool,
    response: Option<(HttpResponse, u64)>,
    /// A service call: answered early, traced as the call's.
    service_call: bool,
    /// A service call's RPC value or exception, kept until the call is answered.
    returned: Option<Result<String, ThrownError>>,
}

impl IsolateTask {
    async fn cold_start(&mut self) -> Result<Isolate, ServeError> {
        self.generation += 1;
        let component = format!("isolate/{}/{}/{}", self.colo, self.worker, self.generation);
        let seed = (self.fixed_seed).unwrap_or_else(|| seed::derive(self.ctx.run_seed, &component));
        let host =
            SimHost::new(seed, &self.colo, self.ctx.platform.clone()).with_worker(WorkerUnit {
                definition: self.definition.clone(),
                limits: self.limits.clone(),
            });
        let config = self.definition.isolate_config(self.limits.clone());
        let isolate =
            Isolate::start(Rc::new(host), &config).map_err(|error| ServeError::Startup {
                worker: self.worker.clone(),
                error,
            })?;
        let startup_cpu_used_ms = isolate.startup_cpu().millis();
        let at_ms = self.ctx.now_ms();
        self.ctx.record(if self.ctx.serves_origins {
            TraceEvent::OriginStart {
                at_ms,
                place: self.colo.clone(),
                origin: self.worker.clone(),
            }
        } else {
            TraceEvent::ColdStart {
                at_ms,
                colo: self.colo.clone(),
                worker: self.worker.clone(),
                startup_cpu_used_ms,
            }
        });
        // The cold start takes simulated time: engine start plus the Worker's startup CPU.
        let cold_ms = ISOLATE_START_MS as f64 + startup_cpu_used_ms;
        madsim::time::sleep(Duration::from_micros((cold_ms * 1000.0) as u64)).await;
        Ok(isolate)
    }

    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Inbound>) {
        let mut isolate: Option<Isolate> = None;
        let mut waiting: BTreeMap<InvocationId, Waiting> = BTreeMap::new();
        loop {
            let next = match isolate.as_mut() {
                Some(iso) if !waiting.is_empty() || !iso.is_idle() => {
                    match select(inbox.next(), Box::pin(iso.next_event())).await {
                        Either::Left((job, _)) => Either::Left(job),
                        Either::Right((event, _)) => Either::Right(event),
                    }
                }
                _ => Either::Left(inbox.next().await),
            };
            match next {
                Either::Left(None) => return,
                Either::Left(Some(Inbound::Warm { id })) => {
                    self.expire(&mut isolate, &mut waiting);
                    if isolate.is_none() {
                        match self.start(&mut isolate).await {
                            Ok(()) => self.prewarmed_for = Some(id),
                            // The request itself will meet the same error and report it.
                            Err(_) => continue,
                        }
                        if waiting.is_empty() {
                            let now_ms = self.ctx.now_ms();
                            (self.ctx.warm_isolates).activity(
                                &self.colo,
                                &self.worker,
                                now_ms,
                                false,
                            );
                        }
                    }
                }
                Either::Left(Some(Inbound::Job(job))) => {
                    self.expire(&mut isolate, &mut waiting);
                    let mut cold_start = isolate.is_none();
                    if cold_start {
                        if let Err(e) = self.start(&mut isolate).await {
                            let _ = job.reply.send(Err(e));
                            continue;
                        }
                    } else {
                        let now_ms = self.ctx.now_ms();
                        self.last_active_ms = now_ms;
                        (self.ctx.warm_isolates).activity(&self.colo, &self.worker, now_ms, true);
                        cold_start = self.prewarmed_for == Some(job.id);
                    }
                    if cold_start {
                        self.prewarmed_for = None;
                    }
                    let Some(iso) = isolate.as_mut() else {
                        continue;
                    };
                    let service_call = matches!(job.event, Delivery::Service { .. });
                    let (id, expects_response) = match job.event {
                        Delivery::Fetch(request, body_use) => {
                            (iso.start_fetch(request, body_use), true)
                        }
                        Delivery::Scheduled {
                            cron,
                            scheduled_time_ms,
                        } => (iso.start_scheduled(&cron, scheduled_time_ms), false),
                        Delivery::Queue { queue, messages } => {
                            (iso.start_queue(&queue, messages), false)
                        }
                        Delivery::Email(email) => (iso.start_email(email), false),
                        Delivery::Service {
                            entrypoint,
                            props,
                            call,
                        } => (iso.start_service(entrypoint, props, call), false),
                    };
                    let arrived_ms = job.arrived_ms;
                    waiting.insert(
                        id,
                        Waiting {
                            job_id: job.id,
                            arrived_ms,
                            reply: Some(job.reply),
                            cold_start,
                            expects_response,
                            response: None,
                            service_call,
                            returned: None,
                        },
                    );
                }
                Either::Right(None) => {}
                Either::Right(Some(event)) => {
                    let now_ms = self.ctx.now_ms();
                    let early = upgrade_answer(&event, &mut waiting, isolate.as_ref(), now_ms)
                        .or_else(|| service_answer(&event, &mut waiting, isolate.as_ref(), now_ms));
                    self.on_event(event, &mut waiting);
                    if let Some((reply, served)) = early {
                        let _ = reply.send(Ok(served));
                    }
                }
            }
            if isolate.as_ref().is_some_and(Isolate::is_condemned) && waiting.is_empty() {
                isolate = None;
                self.discarded(DiscardReason::ExceededMemory);
            }
            if isolate.is_some() && waiting.is_empty() {
                let now_ms = self.ctx.now_ms();
                (self.ctx.warm_isolates).activity(&self.colo, &self.worker, now_ms, false);
            }
        }
    }

    /// Drops the isolate if it is gone by now: its colo crashed since it last worked, it was
    /// evicted for another Worker's, or it idled past the timeout.
    fn expire(
        &mut self,
        isolate: &mut Option<Isolate>,
        waiting: &mut BTreeMap<InvocationId, Waiting>,
    ) {
        if isolate.is_some()
            && self
                .ctx
                .platform
                .crashed_since(&self.colo, self.last_active_ms)
        {
            *isolate = None;
            waiting.clear();
            self.discarded(DiscardReason::ColoCrash);
        }
        if self
            .ctx
            .warm_isolates
            .take_eviction(&self.colo, &self.worker)
        {
            // Evicted to make room for another Worker's isolate; the trace says so from when it
            // happened.
            *isolate = None;
        }
        let idle_for = self.ctx.now_ms().saturating_sub(self.last_active_ms);
        if isolate.is_some()
            && waiting.is_empty()
            && self
                .ctx
                .idle_evict_ms
                .is_some_and(|limit| idle_for >= limit)
        {
            *isolate = None;
            self.discarded(DiscardReason::Idle);
        }
    }

    /// Starts a new isolate (a cold start), making room for it at the colo.
    async fn start(&mut self, isolate: &mut Option<Isolate>) -> Result<(), ServeError> {
        self.last_active_ms = self.ctx.now_ms();
        self.make_room();
        match self.cold_start().await {
            Ok(mut iso) => {
                iso.set_colo(&self.colo);
                *isolate = Some(iso);
                Ok(())
            }
            Err(e) => {
                self.ctx.warm_isolates.leave(&self.colo, &self.worker);
                Err(e)
            }
        }
    }

    /// A new isolate takes its place among the colo's; under memory pressure the least
    /// recently used idle one of another Worker is evicted for it.
    fn make_room(&self) {
        let now_ms = self.ctx.now_ms();
        if let Some(victim) = self
            .ctx
            .warm_isolates
            .arrive(&self.colo, &self.worker, now_ms)
        {
            self.ctx.record(TraceEvent::IsolateDiscarded {
                at_ms: now_ms,
                colo: self.colo.clone(),
                worker: victim,
                reason: DiscardReason::MemoryPressure,
            });
        }
    }

    fn discarded(&self, reason: DiscardReason) {
        self.ctx.warm_isolates.leave(&self.colo, &self.worker);
        self.ctx.record(TraceEvent::IsolateDiscarded {
            at_ms: self.ctx.now_ms(),
            colo: self.colo.clone(),
            worker: self.worker.clone(),
            reason,
        });
    }

    /// The invocation serving service call `w.job_id` ended: its lines and outcome, traced as
    /// the call's. A call that got no answer (the isolate ended it) learns so now.
    fn service_finished(&self, w: Waiting, report: InvocationReport) {
        let now = self.ctx.now_ms();
        for line in &report.logs {
            self.ctx.record(TraceEvent::ServiceLog {
                at_ms: line.at_ms.saturating_sub(self.ctx.platform.epoch_ms),
                call: w.job_id,
                level: line.level.clone(),
                message: line.message.clone(),
            });
        }
        self.ctx.record(TraceEvent::ServiceFinished {
            at_ms: now,
            call: w.job_id,
            outcome: report.outcome,
            cpu_used_ms: report.cpu_used_ms,
        });
        let Some(reply) = w.reply else {
            return;
        };
        let (response, responded_at_ms) = w.response.map_or((None, now), |(r, at)| (Some(r), at));
        let answered = response.is_some() || w.returned.is_some();
        let _ = reply.send(if answered {
            Ok(Served {
                response,
                responded_at_ms,
                report: Some(report),
                cold_start: w.cold_start,
                returned: w.returned,
            })
        } else {
            Err(ServeError::NoAnswer)
        });
    }

    fn on_event(&mut self, event: IsolateEvent, waiting: &mut BTreeMap<InvocationId, Waiting>) {
        let now = self.ctx.now_ms();
        self.last_active_ms = now;
        match event {
            IsolateEvent::Responded { id, response } => {
                if let Some(w) = waiting.get_mut(&id).filter(|w| !w.service_call) {
                    self.ctx.record(TraceEvent::Response {
                        at_ms: now,
                        id: w.job_id,
                        status: response.status,
                        latency_ms: now.saturating_sub(w.arrived_ms),
                    });
                    // Once the client holds the WebSocket, keeping a handle here would hide
                    // its departure from the server end.
                    let response = match w.reply {
                        Some(_) => response,
                        None => HttpResponse {
                            web_socket: None,
                            ..response
                        },
                    };
                    w.response = Some((response, now));
                }
            }
            // Service calls are answered by `service_answer`; resets come only from isolates
            // that host a Durable Object.
            IsolateEvent::Returned { .. } | IsolateEvent::ObjectReset { .. } => {}
            IsolateEvent::Finished(report) => {
                let Some(w) = waiting.remove(&report.id) else {
                    return;
                };
                if w.service_call {
                    return self.service_finished(w, report);
                }
                for line in &report.logs {
                    self.ctx.record(TraceEvent::Log {
                        at_ms: line.at_ms.saturating_sub(self.ctx.platform.epoch_ms),
                        id: w.job_id,
                        level: line.level.clone(),
                        message: line.message.clone(),
                    });
                }
                self.ctx.record(TraceEvent::Finished {
                    at_ms: now,
                    id: w.job_id,
                    outcome: report.outcome,
                    cpu_used_ms: report.cpu_used_ms,
                    subrequests: report.subrequests,
                });
                let served = match (w.response, w.expects_response) {
                    (Some((response, responded_at_ms)), _) => Ok(Served {
                        response: Some(response),
                        responded_at_ms,
                        report: Some(report),
                        cold_start: w.cold_start,
                        returned: None,
                    }),
                    (None, false) => Ok(Served {
                        response: None,
                        responded_at_ms: now,
                        report: Some(report),
                        cold_start: w.cold_start,
                        returned: None,
                    }),
                    (None, true) => Err(ServeError::NoAnswer),
                };

                if let Some(reply) = w.reply {
                    let _ = reply.send(served);
                }
            }
        }
    }
}

/// A `101` response that hands over a WebSocket answers the client at once: the invocation
/// may stay open for as long as the socket does (an `accept()`ed server end).
fn upgrade_answer(
    event: &IsolateEvent,
    waiting: &mut BTreeMap<InvocationId, Waiting>,
    isolate: Option<&Isolate>,
    now_ms: u64,
) -> Option<(oneshot::Sender<Result<Served, ServeError>>, Served)> {
    let IsolateEvent::Responded { id, response } = event else {
        return None;
    };
    response.web_socket.as_ref()?;
    let report = isolate?.report_so_far(*id)?;
    let w = waiting.get_mut(id)?;
    let reply = w.reply.take()?;
    Some((
        reply,
        Served {
            response: Some(response.clone()),
            responded_at_ms: now_ms,
            report: Some(report),
            cold_start: w.cold_start,
            returned: None,
        },
    ))
}

/// A service call is answered as soon as its response or value is ready: `waitUntil` work
/// goes on without holding the caller.
fn service_answer(
    event: &IsolateEvent,
    waiting: &mut BTreeMap<InvocationId, Waiting>,
    isolate: Option<&Isolate>,
    now_ms: u64,
) -> Option<(oneshot::Sender<Result<Served, ServeError>>, Served)> {
    let (id, response, returned) = match event {
        IsolateEvent::Responded { id, response } => (id, Some(response.clone()), None),
        IsolateEvent::Returned { id, result } => (id, None, Some(result.clone())),
        _ => return None,
    };
    let w = waiting.get_mut(id).filter(|w| w.service_call)?;
    // An invocation that already ended answers when its `Finished` comes (service_finished).
    let Some(report) = isolate.and_then(|iso| iso.report_so_far(*id)) else {
        w.response = response.map(|r| (r, now_ms));
        w.returned = returned;
        return None;
    };
    let reply = w.reply.take()?;
    Some((
        reply,
        Served {
            response,
            responded_at_ms: now_ms,
            report: Some(report),
            cold_start: w.cold_start,
            returned,
        },
    ))
}
