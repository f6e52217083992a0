//! An isolate: one QuickJS runtime and context running one Worker, with its event loop.
//!
//! The owner drives it: [`Isolate::start_fetch`] / [`Isolate::start_scheduled`] deliver events,
//! [`Isolate::next_event`] runs the loop until something happens the owner must know about.
//! Several invocations may be in flight at once, as on one production isolate.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::poll_fn;
use std::rc::Rc;

use rquickjs::context::intrinsic;
use rquickjs::{Context, Ctx, Function, Object, Persistent, Runtime, Value};

use super::allocator::{AllocStats, CountingAllocator};
use super::catalog::Catalog;
use super::cpu::{CpuMeter, ms_to_picos};
use super::durable_object::ObjectSlot;
use super::event_loop::{OpKind, TimerKind, Wake};
use super::io_state::IoState;
use super::modules::{Bundle, BundleLoader, ModuleError, ScriptKind, WorkerFormat};
use super::ops;
use crate::api::email::incoming::IncomingEmail;
use crate::diagnostic::Located;
use crate::host::Host;
use crate::http::{BodyUse, HttpRequest};
use crate::invocation::{
    Invocation, InvocationId, InvocationKind, IsolateEvent, Outcome, ResetReason,
};
use crate::limits::Limits;

mod durable_object_calls;
mod service_calls;
mod workflow_runs;

pub use durable_object_calls::HostObjectError;

/// Allocation volume between two garbage collections.
const GC_THRESHOLD_BYTES: usize = 4 * 1024 * 1024;

/// Why a Worker could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Module(#[from] ModuleError),
    /// Upload validation error 10021.
    #[error("Script startup exceeded CPU time limit.")]
    CpuExceeded,
    #[error(
        "Script startup was stopped after {0} ms of simulated CPU by edgesim's runaway guard \
         (production allows 1000 ms); raise it with --runaway-cpu-ms or platform.runaway_cpu_ms"
    )]
    RunawayGuard(u64),
    #[error("Script startup exceeded memory limit.")]
    MemoryExceeded,
    #[error("Uncaught {0}")]
    Uncaught(String),
    #[error("No event handlers were registered. This script does nothing.")]
    NoHandlers,
    #[error("internal: {0}")]
    Engine(String),
}

impl From<rquickjs::Error> for StartupError {
    fn from(e: rquickjs::Error) -> Self {
        StartupError::Engine(e.to_string())
    }
}

/// What `Context::full` adds but for QuickJS's own `atob`/`btoa` and `performance`, which the
/// runtime defines itself (workerd's texts, the frozen clock): creating them only to replace
/// them would cost every cold start.
type WorkerIntrinsics = (
    intrinsic::Date,
    intrinsic::Eval,
    intrinsic::RegExp,
    intrinsic::Json,
    intrinsic::Proxy,
    intrinsic::MapSet,
    intrinsic::TypedArrays,
    intrinsic::Promise,
);

/// The same, with `WeakRef` and `FinalizationRegistry` (IsolateConfig::weak_refs).
type WorkerIntrinsicsWithWeakRefs = (WorkerIntrinsics, intrinsic::WeakRef);

/// Callbacks into the JavaScript half of the runtime (web/*.js).
struct Entrypoints {
    dispatch_fetch: Persistent<Function<'static>>,
    dispatch_scheduled: Persistent<Function<'static>>,
    fire_timer: Persistent<Function<'static>>,
    complete_op: Persistent<Function<'static>>,
    host_object: Persistent<Function<'static>>,
    unhost_object: Persistent<Function<'static>>,
    dispatch_object_fetch: Persistent<Function<'static>>,
    dispatch_rpc: Persistent<Function<'static>>,
    dispatch_alarm: Persistent<Function<'static>>,
    dispatch_queue: Persistent<Function<'static>>,
    dispatch_socket_event: Persistent<Function<'static>>,
    dispatch_test: Persistent<Function<'static>>,
    dispatch_service: Persistent<Function<'static>>,
    dispatch_workflow: Persistent<Function<'static>>,
    dispatch_email: Persistent<Function<'static>>,
}

pub struct Isolate {
    // Field order matters: JavaScript values must be dropped before the context and runtime.
    entrypoints: Entrypoints,
    io: Rc<RefCell<IoState>>,
    meter: Rc<CpuMeter>,
    alloc: Rc<AllocStats>,
    next_invocation: InvocationId,
    /// The slot the next hosted Durable Object gets (never reused).
    next_object_slot: ObjectSlot,
    condemned: bool,
    startup_cpu: super::cpu::CpuCounts,
    /// The data centre this isolate runs in: incoming requests carry it as `request.cf.colo`.
    colo: Option<String>,
    context: Context,
    /// Owned so the heap outlives every value above; never used directly after startup.
    _runtime: Runtime,
}

/// Worker configuration an isolate needs at startup.
pub struct IsolateConfig {
    pub bundle: Rc<Bundle>,
    pub limits: Limits,
    /// `env` entries that are plain values (`[vars]`), as JSON.
    pub vars: BTreeMap<String, serde_json::Value>,
    /// `env` entries that are bindings to platform services.
    pub bindings: Vec<crate::bindings::Binding>,
    /// The Worker's own Durable Object classes and their namespace keys (`ctx.exports`).
    pub object_classes: Vec<(String, String)>,
    /// The runtime's JavaScript and native ops (`edgesim_runtime::api::CATALOG`).
    pub catalog: &'static Catalog,
    /// Whether `WeakRef` and `FinalizationRegistry` exist: workerd's `jsWeakRef`, on from
    /// compatibility date 2025-05-05 or with `enable_weak_ref` (worker::Compatibility).
    pub weak_refs: bool,
    /// The compatibility flags in force that the runtime's JavaScript reads, by their enable
    /// names (`rpc`): worker::config::JS_FLAGS.
    pub compat_flags: Vec<String>,
}

impl Isolate {
    /// Starts an isolate and evaluates the Worker's main module under the startup CPU limit.
    pub fn start(host: Rc<dyn Host>, config: &IsolateConfig) -> Result<Isolate, StartupError> {
        use crate::worker::config::{ALLOW_EVAL_ALWAYS, ALLOW_EVAL_DURING_STARTUP};
        const EVAL_ALWAYS: &str = ALLOW_EVAL_ALWAYS.enable;
        const EVAL_AT_STARTUP: &str = ALLOW_EVAL_DURING_STARTUP.enable;
        let alloc = Rc::new(AllocStats::default());
        alloc.limit.set(config.limits.memory_bytes);
        let runtime = Runtime::new_with_alloc(CountingAllocator {
            stats: alloc.clone(),
        })?;
        runtime.set_max_stack_size(1024 * 1024);
        // Collect only once a few MiB are allocated: startup allocates ~0.4 MiB that all stays
        // live, so collecting earlier only costs time. (GC timing is deterministic either way.)
        runtime.set_gc_threshold(GC_THRESHOLD_BYTES);
        let meter = CpuMeter::new(alloc.clone());
        let on_interrupt = meter.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || on_interrupt.on_interrupt())));
        let failure = Rc::new(RefCell::new(None));
        let module_mocks = Rc::new(RefCell::new(Default::default()));
        // QuickJS asks one hook to resolve and another to load; both read the same bundle.
        let loader = BundleLoader {
            bundle: config.bundle.clone(),
            builtin: config.catalog.modules,
            failure: failure.clone(),
            mocks: module_mocks.clone(),
        };
        runtime.set_loader(loader.clone(), loader);
        let context = if config.weak_refs {
            Context::custom::<WorkerIntrinsicsWithWeakRefs>(&runtime)?
        } else {
            Context::custom::<WorkerIntrinsics>(&runtime)?
        };
        let io = Rc::new(RefCell::new(IoState::new(
            host,
            meter.clone(),
            config.limits.clone(),
        )));
        io.borrow_mut().positions = config.bundle.positions();
        io.borrow_mut().bundle = Some(config.bundle.clone());
        io.borrow_mut().module_mocks = module_mocks;
        let cpu_exceeded =
            if config.limits.runaway_cpu_limit_ms < config.limits.startup_cpu_limit_ms {
                StartupError::RunawayGuard(config.limits.runaway_cpu_limit_ms)
            } else {
                StartupError::CpuExceeded
            };

        let main = config.bundle.main().to_string();
        let (startup_cpu, entrypoints) = context.with(
            |ctx| -> Result<(super::cpu::CpuCounts, Entrypoints), StartupError> {
                meter.attach(&ctx);
                let ops = ops::install(&ctx, io.clone(), meter.clone(), config.catalog)?;
                let prelude = super::prelude::load(&ctx, &config.catalog.core)
                    .map_err(|e| engine_error(&ctx, e))?;
                let exports: Object = prelude.call((ops,)).map_err(|e| engine_error(&ctx, e))?;
                let lazy_global: Function = exports.get("lazyGlobal")?;
                super::lazy_globals::install(
                    &ctx,
                    &ctx.globals(),
                    &lazy_global,
                    config.catalog,
                    &config.compat_flags,
                )
                .map_err(|e| engine_error(&ctx, e))?;
                let locale_method: Function = exports.get("localeMethod")?;
                super::locale_methods::install(
                    &ctx,
                    &ctx.globals(),
                    &locale_method,
                    config.catalog.locale_methods,
                )
                .map_err(|e| engine_error(&ctx, e))?;
                let vars = serde_json::to_string(&config.vars).unwrap_or_else(|_| "{}".into());
                let set_env: Function = exports.get("setEnv")?;
                let bindings =
                    serde_json::to_string(&config.bindings).unwrap_or_else(|_| "[]".into());
                let flags =
                    serde_json::to_string(&config.compat_flags).unwrap_or_else(|_| "[]".into());
                let classes: BTreeMap<&str, &str> = (config.object_classes.iter())
                    .map(|(class, namespace)| (class.as_str(), namespace.as_str()))
                    .collect();
                let classes = serde_json::to_string(&classes).unwrap_or_else(|_| "{}".into());
                set_env
                    .call::<_, ()>((vars, bindings, flags, classes))
                    .map_err(|e| engine_error(&ctx, e))?;

                // The Worker's startup budget covers its own modules, not the runtime's prelude.
                meter.arm(ms_to_picos(config.limits.effective_startup_cpu_limit_ms()));
                let before = meter.reading();
                let source = config.bundle.runnable(&main)?;
                let positions = config.bundle.positions();
                let fail = |e| match module_error(&ctx, e, &failure, &main, &cpu_exceeded, &meter) {
                    StartupError::Uncaught(text) => {
                        StartupError::Uncaught(positions.map_text(text))
                    }
                    other => other,
                };
                let eval_always = config.compat_flags.iter().any(|f| f == EVAL_ALWAYS);
                let eval_at_startup = config.compat_flags.iter().any(|f| f == EVAL_AT_STARTUP);
                super::code_generation::allow(&ctx, eval_always || eval_at_startup);
                let format = config.bundle.worker_format();
                if let WorkerFormat::ServiceWorker(_) = format {
                    // Bindings are globals before the script's first line runs.
                    let enter: Function = exports.get("enterServiceWorker")?;
                    enter.call::<_, ()>(()).map_err(|e| engine_error(&ctx, e))?;
                }
                let namespace = match format {
                    WorkerFormat::ServiceWorker(ScriptKind::Classic) => {
                        let options = classic_script(&main);
                        ctx.eval_with_options::<(), _>(source.as_bytes(), options)
                            .map_err(fail)?;
                        None
                    }
                    _ => {
                        let declared = config.bundle.declare(&ctx, &main, source).map_err(fail)?;
                        let (module, promise) = declared.eval().map_err(fail)?;
                        while ctx.execute_pending_job() {}
                        if let Some(Err(e)) = promise.result::<Value>() {
                            return Err(fail(e));
                        }
                        Some(module.namespace()?)
                    }
                };
                while ctx.execute_pending_job() {}
                if meter.take_tripped() {
                    return Err(cpu_exceeded.clone());
                }
                let has_handlers: bool = match (format, namespace) {
                    (WorkerFormat::Modules, Some(namespace)) => {
                        let register: Function = exports.get("registerModule")?;
                        register.call((namespace,))
                    }
                    _ => exports
                        .get::<_, Function>("registerServiceWorker")?
                        .call(()),
                }
                .map_err(|e| engine_error(&ctx, e))?;
                if !has_handlers {
                    return Err(StartupError::NoHandlers);
                }
                super::code_generation::allow(&ctx, eval_always);
                let get = |name: &str| -> Result<Persistent<Function<'static>>, StartupError> {
                    let f: Function = exports.get(name)?;
                    Ok(Persistent::save(&ctx, f))
                };
                Ok((
                    meter.reading() - before,
                    Entrypoints {
                        dispatch_fetch: get("dispatchFetch")?,
                        dispatch_scheduled: get("dispatchScheduled")?,
                        fire_timer: get("fireTimer")?,
                        complete_op: get("completeOp")?,
                        host_object: get("hostObject")?,
                        unhost_object: get("unhostObject")?,
                        dispatch_object_fetch: get("dispatchObjectFetch")?,
                        dispatch_rpc: get("dispatchRpc")?,
                        dispatch_alarm: get("dispatchAlarm")?,
                        dispatch_queue: get("dispatchQueue")?,
                        dispatch_socket_event: get("dispatchSocketEvent")?,
                        dispatch_test: get("dispatchTest")?,
                        dispatch_service: get("dispatchService")?,
                        dispatch_workflow: get("dispatchWorkflow")?,
                        dispatch_email: get("dispatchEmail")?,
                    },
                ))
            },
        )?;
        meter.disarm();
        Ok(Isolate {
            entrypoints,
            io,
            meter,
            alloc,
            next_invocation: 1,
            next_object_slot: 0,
            condemned: false,
            startup_cpu,
            colo: None,
            context,
            _runtime: runtime,
        })
    }

    /// What invocation `id` has cost so far while it still runs: a fetch whose response handed
    /// over an accepted WebSocket stays open until the socket closes. Logs come with the
    /// final report.
    pub fn report_so_far(&self, id: InvocationId) -> Option<crate::invocation::InvocationReport> {
        let io = self.io.borrow();
        let inv = io.invocations.get(&id)?;
        Some(crate::invocation::InvocationReport {
            id,
            outcome: inv.outcome,
            cpu_used_ms: inv.cpu.millis(),
            cpu: inv.cpu,
            subrequests: inv.subrequests_external + inv.subrequests_services,
            logs: Vec::new(),
            exception: inv.exception.clone(),
            returned: inv.returned.clone(),
        })
    }

    /// Places the isolate in data centre `colo` (an IATA code).
    pub fn set_colo(&mut self, colo: &str) {
        self.colo = Some(colo.to_string());
    }

    /// What parsing and evaluating the Worker's modules cost (the CPU part of a cold start).
    pub fn startup_cpu(&self) -> super::cpu::CpuCounts {
        self.startup_cpu
    }

    /// True once the isolate hit its memory limit, or the object it hosts was reset: the owner
    /// must start a fresh one.
    pub fn is_condemned(&self) -> bool {
        self.condemned
            || self
                .io
                .borrow()
                .objects
                .values()
                .any(|o| o.broken.is_some())
    }

    /// True once the isolate went over its memory limit: everything in it must go.
    pub fn exceeded_memory(&self) -> bool {
        self.condemned
    }

    /// True when nothing is pending: no operation, timer or queued call could wake it.
    pub fn is_idle(&self) -> bool {
        self.io.borrow().is_idle()
    }

    fn new_invocation(&mut self, kind: InvocationKind) -> InvocationId {
        let id = self.next_invocation;
        self.next_invocation += 1;
        self.register_invocation(id, kind);
        id
    }

    /// Opens the books of invocation `id` as its event is delivered: CPU budget, clock.
    fn register_invocation(&mut self, id: InvocationId, kind: InvocationKind) {
        let mut io = self.io.borrow_mut();
        // A test file is not a request: only the runaway guard bounds it.
        let limit = ms_to_picos(match kind {
            InvocationKind::Test { .. } => io.limits.runaway_cpu_limit_ms,
            _ => io.limits.effective_cpu_limit_ms(),
        });
        io.clock_ms = io.clock_ms.max(io.host.now_ms());
        io.add_invocation(id, Invocation::new(kind, limit));
    }

    /// Hands an HTTP request to JavaScript: the Worker's `fetch` handler, or (`to_object`) the
    /// hosted Durable Object's.
    fn dispatch_request(&mut self, id: InvocationId, request: &HttpRequest, to_object: bool) {
        let colo = self.colo.clone();
        let headers = header_pairs(request);
        // The Worker sees the URL as WHATWG serialises it (`Request.url`).
        let url = url::Url::parse(&request.url).map_or_else(|_| request.url.clone(), String::from);
        self.run_js(Some(id), |ctx, e| {
            let entry = if to_object {
                &e.dispatch_object_fetch
            } else {
                &e.dispatch_fetch
            };
            let f = entry.clone().restore(ctx)?;
            let body = rquickjs::TypedArray::<u8>::new(ctx.clone(), request.body.clone())?;
            f.call::<_, ()>((
                id as f64,
                request.method.clone(),
                url,
                colo.clone(),
                headers,
                body,
                request.cf.clone(),
            ))
        });
    }

    /// Delivers an HTTP request to the Worker's `fetch` handler; `body_use` says whether the
    /// caller keeps the response's body.
    pub fn start_fetch(&mut self, request: HttpRequest, body_use: BodyUse) -> InvocationId {
        let id = self.new_invocation(InvocationKind::Fetch(request.clone()));
        if let Some(inv) = self.io.borrow_mut().invocations.get_mut(&id) {
            inv.body_use = body_use;
        }
        self.dispatch_request(id, &request, false);
        id
    }

    /// Delivers a cron tick to the Worker's `scheduled` handler.
    pub fn start_scheduled(&mut self, cron: &str, scheduled_time_ms: u64) -> InvocationId {
        let kind = InvocationKind::Scheduled {
            cron: cron.to_string(),
            scheduled_time_ms,
        };
        let id = self.new_invocation(kind);
        self.dispatch_scheduled(id, cron.to_string(), scheduled_time_ms);
        id
    }

    fn dispatch_scheduled(&mut self, id: InvocationId, cron: String, scheduled_time_ms: u64) {
        self.run_js(Some(id), |ctx, e| {
            let f = e.dispatch_scheduled.clone().restore(ctx)?;
            f.call::<_, ()>((id as f64, cron, scheduled_time_ms as f64))
        });
    }

    /// Delivers a batch of messages to the Worker's `queue` handler; `messages` is the JSON
    /// array of storage::queue::QueuedMessage.
    pub fn start_queue(&mut self, queue: &str, messages: String) -> InvocationId {
        let kind = InvocationKind::Queue {
            queue: queue.to_string(),
            messages: messages.clone(),
        };
        let id = self.new_invocation(kind);
        self.dispatch_queue(id, queue.to_string(), messages);
        id
    }

    fn dispatch_queue(&mut self, id: InvocationId, queue: String, messages: String) {
        self.run_js(Some(id), |ctx, e| {
            let f = e.dispatch_queue.clone().restore(ctx)?;
            f.call::<_, ()>((id as f64, queue, messages))
        });
    }

    /// Delivers mail to the Worker's `email` handler; the report's `returned` is the reason
    /// the handler rejected it, if it did.
    pub fn start_email(&mut self, email: IncomingEmail) -> InvocationId {
        let id = self.new_invocation(InvocationKind::Email);
        self.run_js(Some(id), |ctx, e| {
            let f = e.dispatch_email.clone().restore(ctx)?;
            let raw = rquickjs::TypedArray::<u8>::new(ctx.clone(), email.raw)?;
            f.call::<_, ()>((id as f64, email.from, email.to, raw))
        });
        id
    }

    /// Runs one test file of `edgesim test`: `entry` is the module that imports it, and
    /// `options` (JSON) what the runner needs (test name filter, seed). The report arrives
    /// as the invocation's `returned` JSON when it finishes.
    pub fn start_test(&mut self, entry: &str, options: String) -> InvocationId {
        let id = self.new_invocation(InvocationKind::Test {
            entry: entry.to_string(),
        });
        let entry = entry.to_string();
        self.run_js(Some(id), |ctx, e| {
            let f = e.dispatch_test.clone().restore(ctx)?;
            f.call::<_, ()>((id as f64, entry, options))
        });
        id
    }

    /// Starts the invocation a `SELF.fetch()`/`scheduled()`/`queue()` or a service binding to
    /// this Worker asked for, if one waits.
    fn deliver_self_event(&mut self) -> bool {
        let next = self.io.borrow_mut().self_events.take_queued();
        let Some((kind, caller)) = next else {
            return false;
        };
        let id = self.new_invocation(kind.clone());
        self.io.borrow_mut().self_events.started(id, caller);
        match kind {
            InvocationKind::Fetch(request) => self.dispatch_request(id, &request, false),
            InvocationKind::Scheduled {
                cron,
                scheduled_time_ms,
            } => self.dispatch_scheduled(id, cron, scheduled_time_ms),
            InvocationKind::Queue { queue, messages } => self.dispatch_queue(id, queue, messages),
            InvocationKind::Service {
                entrypoint,
                props,
                call,
            } => self.dispatch_service(id, entrypoint, props, call),
            _ => unreachable!("SelfEvents queues only fetches, cron ticks, batches and calls"),
        }
        true
    }

    /// Runs the event loop until an event for the owner is ready; `None` when nothing is left
    /// that could ever produce one. Cancel-safe: all state lives in the isolate.
    pub async fn next_event(&mut self) -> Option<IsolateEvent> {
        loop {
            if let Some(event) = self.io.borrow_mut().events.pop_front() {
                return Some(event);
            }
            if self.deliver_incoming() || self.deliver_self_event() {
                continue;
            }
            {
                let mut io = self.io.borrow_mut();
                io.end_stalled();
                if !io.events.is_empty() {
                    continue;
                }
                let broken = io.objects.values().any(|o| o.broken.is_some());
                if io.is_idle() || broken {
                    return None;
                }
            }
            let io = self.io.clone();
            let wake = poll_fn(|cx| io.borrow_mut().poll_wake(cx)).await;
            self.deliver(wake);
        }
    }

    fn deliver(&mut self, wake: Wake) {
        self.deliver_wake(wake);
        self.io.borrow_mut().current_object = None;
    }

    fn deliver_wake(&mut self, wake: Wake) {
        match wake {
            Wake::Op {
                id,
                kind,
                invocation,
                object,
                outcome,
            } => {
                {
                    let mut io = self.io.borrow_mut();
                    let now = io.host.now_ms();
                    io.clock_ms = io.clock_ms.max(now);
                    // What the completion does to an object's storage and gates is that
                    // object's.
                    io.current_object = object;
                }
                let outcome = match kind {
                    OpKind::PassThrough => {
                        if let Some(inv) = invocation {
                            self.io.borrow_mut().pass_through_done(inv, outcome);
                        }
                        return;
                    }
                    OpKind::Commit => return self.io.borrow_mut().commit_done(outcome),
                    OpKind::Send => {
                        self.io.borrow_mut().current_object = None;
                        return;
                    }
                    OpKind::SocketReceive(_) => {
                        self.io.borrow_mut().socket_message_arrived(invocation);
                        outcome
                    }
                    OpKind::StorageRead => {
                        let answer = self.io.borrow_mut().storage_read_done(id, outcome);
                        match answer {
                            Some(answer) => answer,
                            None => return,
                        }
                    }
                    OpKind::Js => self
                        .io
                        .borrow_mut()
                        .sockets
                        .adopt_arrival(outcome, invocation),
                };
                self.run_js_as(invocation, object, |ctx, e| {
                    let f = e.complete_op.clone().restore(ctx)?;
                    let (ok, value) = ops::outcome_to_js(ctx, outcome)?;
                    f.call::<_, ()>((id as f64, ok, value))
                });
            }
            Wake::Timer {
                id,
                deadline_ms,
                timer,
            } => {
                {
                    let mut io = self.io.borrow_mut();
                    io.clock_ms = io.clock_ms.max(deadline_ms);
                    io.current_object = timer.object;
                }
                match timer.kind {
                    TimerKind::StorageTimeout { seq } => {
                        self.io.borrow_mut().storage_timed_out(seq);
                    }
                    TimerKind::BlockConcurrencyTimeout { depth } => {
                        self.io.borrow_mut().block_concurrency_timed_out(depth);
                    }
                    TimerKind::SocketEventTimeout => {
                        (self.io.borrow_mut()).break_object(ResetReason::SocketEventTimedOut);
                    }
                    TimerKind::WaitUntilGrace => {
                        if let Some(inv) = timer.invocation {
                            self.io.borrow_mut().grace_expired(inv);
                        }
                    }
                    TimerKind::Js { repeat_ms } => {
                        if let Some(every) = repeat_ms {
                            self.io.borrow_mut().event_loop.rearm_interval(
                                id,
                                deadline_ms,
                                timer,
                                every,
                            );
                        }
                        self.run_js_as(timer.invocation, timer.object, |ctx, e| {
                            let f = e.fire_timer.clone().restore(ctx)?;
                            f.call::<_, ()>((id as f64, repeat_ms.is_some()))
                        });
                    }
                }
            }
        }
    }

    /// Runs JavaScript on behalf of `invocation`, then its microtasks, charging the CPU used and
    /// ending the invocation if it ran out of CPU or memory.
    fn run_js<F>(&mut self, invocation: Option<InvocationId>, call: F)
    where
        F: for<'js> FnOnce(&Ctx<'js>, &Entrypoints) -> rquickjs::Result<()>,
    {
        self.run_js_as(invocation, None, call);
    }

    /// As [`Isolate::run_js`], for hosted object `object` when no invocation is given (work
    /// an object's call left running); an invocation runs for the object it belongs to.
    fn run_js_as<F>(
        &mut self,
        invocation: Option<InvocationId>,
        object: Option<ObjectSlot>,
        call: F,
    ) where
        F: for<'js> FnOnce(&Ctx<'js>, &Entrypoints) -> rquickjs::Result<()>,
    {
        let object = match invocation {
            Some(id) => self.io.borrow().object_of(id),
            None => object.filter(|slot| self.io.borrow().objects.contains_key(slot)),
        };
        let object_background = invocation.is_none() && object.is_some();
        if let Some(id) = invocation {
            let io = self.io.borrow();
            match io.invocations.get(&id) {
                Some(inv) => {
                    self.meter
                        .arm(inv.cpu_limit_ps.saturating_sub(inv.cpu.picos()));
                }
                // A finished invocation's leftovers never run.
                None => return,
            }
        } else if object_background {
            // Work a finished call left running in a Durable Object: each turn gets a call's
            // CPU limit, and overrunning it resets the object as it would during the call.
            let limit = ms_to_picos(self.io.borrow().limits.effective_cpu_limit_ms());
            self.meter.arm(limit);
        }
        {
            let mut io = self.io.borrow_mut();
            io.begin_turn(invocation, object);
            io.entry = self.meter.reading();
            self.meter.charge_event();
        }
        let entrypoints = &self.entrypoints;
        let out_of_memory = self.context.with(|ctx| {
            let mut oom = false;
            if let Err(e) = call(&ctx, entrypoints) {
                oom |= is_out_of_memory(&ctx, e);
            }
            while ctx.execute_pending_job() {}
            oom
        });
        let tripped = self.meter.take_tripped() || self.meter.past_deadline();
        let out_of_memory = out_of_memory || self.alloc.exceeded.get();
        self.meter.disarm();
        let mut io = self.io.borrow_mut();
        io.settle_cpu();
        io.current = None;
        // Writes made during this turn commit together, now that the turn is over.
        io.start_flushes();
        io.current_object = None;
        let Some(id) = invocation else {
            if let Some(object) = object.filter(|_| out_of_memory || tripped) {
                self.condemned |= out_of_memory;
                io.break_object_in(
                    object,
                    match out_of_memory {
                        true => ResetReason::ExceededMemory,
                        false => ResetReason::ExceededCpu,
                    },
                );
            }
            return;
        };
        if out_of_memory {
            self.condemned = true;
            io.exceeded(id, Outcome::ExceededMemory);
        } else if tripped {
            io.exceeded(id, Outcome::ExceededCpu);
        }
    }
}

pub(super) fn header_pairs(request: &HttpRequest) -> Vec<Vec<String>> {
    request
        .headers
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect()
}

fn is_out_of_memory(ctx: &Ctx<'_>, e: rquickjs::Error) -> bool {
    match e {
        rquickjs::Error::Exception => {
            let text = ops::describe_exception(&ctx.catch());
            text.contains("out of memory")
        }
        rquickjs::Error::Allocation => true,
        _ => false,
    }
}

fn engine_error(ctx: &Ctx<'_>, e: rquickjs::Error) -> StartupError {
    match e {
        rquickjs::Error::Exception => StartupError::Engine(ops::describe_exception(&ctx.catch())),
        other => StartupError::Engine(other.to_string()),
    }
}

/// Turns a failure while declaring or evaluating the main module into the user-facing error,
/// with `file:line:col` where QuickJS knows it.
/// How a service-worker script without module syntax runs: as workerd runs a
/// `serviceWorkerScript`, a classic script in sloppy mode named after its file.
fn classic_script(main: &str) -> rquickjs::context::EvalOptions {
    let mut options = rquickjs::context::EvalOptions::default();
    options.strict = false;
    options.filename = Some(main.to_string());
    options
}

fn module_error(
    ctx: &Ctx<'_>,
    e: rquickjs::Error,
    failure: &Rc<RefCell<Option<ModuleError>>>,
    main: &str,
    cpu_exceeded: &StartupError,
    meter: &CpuMeter,
) -> StartupError {
    if meter.take_tripped() {
        return cpu_exceeded.clone();
    }
    if let Some(f) = failure.borrow_mut().take() {
        return StartupError::Module(f);
    }
    let exception = match e {
        rquickjs::Error::Exception => ctx.catch(),
        other => return StartupError::Engine(other.to_string()),
    };
    let text = ops::describe_exception(&exception);
    if text.contains("out of memory") {
        return StartupError::MemoryExceeded;
    }
    let Some(obj) = exception.as_object() else {
        return StartupError::Uncaught(text);
    };
    let name: String = obj.get("name").unwrap_or_default();
    if name == "SyntaxError" {
        let message: String = obj.get("message").unwrap_or_default();
        let stack: String = obj.get("stack").unwrap_or_default();
        let (file, line, column) = position_in_stack(&stack).unwrap_or((main.to_string(), 1, 1));
        return StartupError::Module(ModuleError::At(Located {
            file,
            line,
            column,
            message: format!("SyntaxError: {message}"),
        }));
    }
    StartupError::Uncaught(text)
}

/// The first `file:line:col` of a QuickJS stack trace ("    at file:3:5").
fn position_in_stack(stack: &str) -> Option<(String, usize, usize)> {
    let first = stack.lines().find(|l| l.trim_start().starts_with("at "))?;
    let location = first.trim_start().trim_start_matches("at ").trim();
    let location = location
        .rsplit_once('(')
        .map(|(_, l)| l.trim_end_matches(')'))
        .unwrap_or(location);
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some((file, line, column))
}
