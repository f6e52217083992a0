//! Workflows on the simulated platform: one engine per Workflow (a `[[workflows]]` entry
//! whose class a Worker of the run defines), holding its instances' durable state
//! (storage::workflow) and running them. The engine lives at the colo its first instance was
//! created from, runs each run of an instance as an invocation of `run()` on its own isolate
//! of the Worker there, and starts the next run when a wait is over. When that colo crashes,
//! the runs in flight are lost with the isolate and their instances run again once it is
//! back, replaying what their steps recorded: a step that finished never runs again.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use edgesim_runtime::storage::workflow::{
    IntrospectCall, RecordedError, RunEnd, STEPS_DEFAULT, StepAnswer, StepOp, StepRecord,
    WorkflowCall, WorkflowRefusal, WorkflowReply, WorkflowStore,
};
use edgesim_runtime::{
    InvocationId, InvocationReport, Isolate, IsolateEvent, Outcome, WorkflowRun,
};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};

use crate::durable_objects::WorkerUnit;
use crate::host::SimHost;
use crate::platform::Platform;
use crate::trace::TraceEvent;

/// How long the engine waits before running again an instance whose run failed to start.
const RESTART_BACKOFF_MS: u64 = 1_000;

struct Engine {
    store: WorkflowStore,
    worker: WorkerUnit,
    class_name: String,
    steps_limit: u32,
    /// The colo of the first `create()`: where the engine runs from then on.
    colo: Option<String>,
    waker: Option<mpsc::UnboundedSender<()>>,
}

/// docs (sleeping-and-retrying.mdx): a step's retry delay when its config names none.
pub const RETRY_DELAY_DEFAULT_MS: u32 = 10_000;
/// What `wrangler dev`'s engine (workflows-shared) waits instead.
pub const RETRY_DELAY_LOCAL_DEV_MS: u32 = 1_000;

pub struct WorkflowService {
    engines: RefCell<BTreeMap<String, Engine>>,
    /// [`RETRY_DELAY_DEFAULT_MS`], or in `edgesim test` [`RETRY_DELAY_LOCAL_DEV_MS`].
    pub retry_delay_default_ms: std::cell::Cell<u32>,
}

impl Default for WorkflowService {
    fn default() -> Self {
        WorkflowService {
            engines: RefCell::default(),
            retry_delay_default_ms: std::cell::Cell::new(RETRY_DELAY_DEFAULT_MS),
        }
    }
}

impl WorkflowService {
    /// Sets up an engine for each Workflow whose class `worker` defines.
    pub fn register(&self, worker: &WorkerUnit) {
        let definition = &worker.definition;
        let mut engines = self.engines.borrow_mut();
        for w in &definition.config.workflows {
            if w.script_name
                .as_ref()
                .is_some_and(|s| *s != definition.name)
            {
                continue;
            }
            engines.entry(w.name.clone()).or_insert_with(|| Engine {
                store: WorkflowStore::new(&w.name),
                worker: worker.clone(),
                class_name: w.class_name.clone(),
                steps_limit: w
                    .limits
                    .as_ref()
                    .and_then(|l| l.steps)
                    .unwrap_or(STEPS_DEFAULT),
                colo: None,
                waker: None,
            });
        }
    }

    /// A binding call from `colo`: one trip to the engine and back.
    pub async fn call(
        platform: Rc<Platform>,
        colo: String,
        workflow: String,
        call: WorkflowCall,
    ) -> Result<WorkflowReply, WorkflowRefusal> {
        let engine_colo = {
            let mut engines = platform.workflows.engines.borrow_mut();
            let engine = engines
                .get_mut(&workflow)
                .ok_or_else(|| WorkflowRefusal::UnknownWorkflow(workflow.clone()))?;
            engine.colo.get_or_insert_with(|| colo.clone()).clone()
        };
        let _ = platform.travel(&colo, &engine_colo).await;
        let op = changing_call(&call);
        let instance = call.instance().to_string();
        let reply = {
            let mut engines = platform.workflows.engines.borrow_mut();
            let engine = engines
                .get_mut(&workflow)
                .ok_or_else(|| WorkflowRefusal::UnknownWorkflow(workflow.clone()))?;
            engine.store.call(call, platform.now_ms())
        };
        if let (Ok(_), Some(op)) = (&reply, op) {
            platform.record(TraceEvent::WorkflowCall {
                at_ms: platform.elapsed_ms(),
                workflow: workflow.clone(),
                instance,
                op: op.to_string(),
            });
            Self::wake(&platform, &workflow);
        }
        let _ = platform.travel(&engine_colo, &colo).await;
        reply
    }

    /// A step of a run reads or records: the store is the engine's, beside the run. What a
    /// `step.do` records goes into the trace (check::workflow_steps reads it).
    pub fn step(
        platform: &Platform,
        workflow: &str,
        instance: &str,
        generation: u64,
        op: StepOp,
    ) -> StepAnswer {
        let traced = step_event(platform.elapsed_ms(), workflow, instance, &op);
        let answer = match platform.workflows.engines.borrow_mut().get_mut(workflow) {
            Some(engine) => engine.store.step(instance, generation, op),
            None => StepAnswer::Stop,
        };
        if let (Some(event), StepAnswer::Stored) = (traced, &answer) {
            platform.record(event);
        }
        answer
    }

    /// A colo went down: every engine looks at whether it was its own.
    pub fn crash_colo(&self) {
        for engine in self.engines.borrow().values() {
            if let Some(waker) = &engine.waker {
                let _ = waker.unbounded_send(());
            }
        }
    }

    /// Starts the engine's task, or nudges it.
    fn wake(platform: &Rc<Platform>, workflow: &str) {
        let mut engines = platform.workflows.engines.borrow_mut();
        let Some(engine) = engines.get_mut(workflow) else {
            return;
        };
        let waker = engine.waker.get_or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded();
            let task = EngineTask {
                platform: platform.clone(),
                workflow: workflow.to_string(),
                isolate_generation: 0,
                isolate_started_ms: 0,
            };
            platform.tasks.spawn(task.run(rx));
            tx
        });
        let _ = waker.unbounded_send(());
    }

    fn with_engine<T>(&self, workflow: &str, f: impl FnOnce(&mut Engine) -> T) -> Option<T> {
        self.engines.borrow_mut().get_mut(workflow).map(f)
    }
}

/// The trace event for a `step.do` record `op` stores: an attempt starting, or the step's
/// result (a retry's schedule is not traced: its attempt is).
fn step_event(at_ms: u64, workflow: &str, instance: &str, op: &StepOp) -> Option<TraceEvent> {
    let StepOp::Put {
        key,
        record:
            StepRecord::Do {
                attempts,
                retry_at_ms,
                value,
                error,
            },
    } = op
    else {
        return None;
    };
    let (workflow, instance, step) = (workflow.to_string(), instance.to_string(), key.clone());
    match (value, error, retry_at_ms) {
        (None, None, None) => Some(TraceEvent::WorkflowStepAttempt {
            at_ms,
            workflow,
            instance,
            step,
            attempt: *attempts,
        }),
        (None, None, Some(_)) => None,
        _ => Some(TraceEvent::WorkflowStepResult {
            at_ms,
            workflow,
            instance,
            step,
            ok: value.is_some(),
        }),
    }
}

/// How the trace names a call that changes an instance; `None` for one that only reads.
fn changing_call(call: &WorkflowCall) -> Option<&'static str> {
    Some(match call {
        WorkflowCall::Create { .. } => "create",
        WorkflowCall::Pause { .. } => "pause",
        WorkflowCall::Resume { .. } => "resume",
        WorkflowCall::Terminate { .. } => "terminate",
        WorkflowCall::Restart { .. } => "restart",
        WorkflowCall::SendEvent { .. } => "sendEvent",
        WorkflowCall::Introspect(IntrospectCall::Modify { .. }) => "modify",
        WorkflowCall::Introspect(IntrospectCall::Dispose { .. }) => "dispose",
        WorkflowCall::Get { .. } | WorkflowCall::Status { .. } | WorkflowCall::Introspect(_) => {
            return None;
        }
    })
}

/// A run in flight: its instance and number.
struct Running {
    instance: String,
    generation: u64,
}

struct EngineTask {
    platform: Rc<Platform>,
    workflow: String,
    isolate_generation: u64,
    isolate_started_ms: u64,
}

impl EngineTask {
    async fn run(mut self, mut wake: mpsc::UnboundedReceiver<()>) {
        let mut isolate: Option<Isolate> = None;
        let mut running: BTreeMap<InvocationId, Running> = BTreeMap::new();
        loop {
            let Some(colo) = self.colo() else { return };
            self.expire(&colo, &mut isolate, &mut running);
            let now_ms = self.platform.now_ms();
            let down_until = self.platform.down_until(&colo, self.platform.elapsed_ms());
            if down_until.is_none() {
                let due = self
                    .platform
                    .workflows
                    .with_engine(&self.workflow, |e| e.store.due(now_ms))
                    .unwrap_or_default();
                for instance in due {
                    self.start_run(&colo, &instance, &mut isolate, &mut running);
                }
            }
            let next_wake = self
                .platform
                .workflows
                .with_engine(&self.workflow, |e| e.store.next_wake_ms())
                .flatten();
            let wait_ms = match down_until {
                Some(back_ms) => Some(back_ms.saturating_sub(self.platform.elapsed_ms())),
                None => next_wake.map(|at| at.saturating_sub(now_ms)),
            };
            let mut sleep = Box::pin(crate::wait::sleep_for(wait_ms).fuse());
            let events = crate::wait::next_event(isolate.as_mut(), !running.is_empty());
            let mut events = Box::pin(events.fuse());
            let event = futures::select_biased! {
                e = events => Some(e),
                w = wake.next() => if w.is_some() { None } else { return },
                () = sleep => None,
            };
            drop(events);
            match event {
                Some(Some(IsolateEvent::Finished(report))) => {
                    if let Some(run) = running.remove(&report.id) {
                        self.finish(&run, &report);
                    }
                }
                Some(None) => {
                    // The isolate has nothing left to do, yet runs had not ended: lost.
                    isolate = None;
                    self.lose_all(&mut running, self.platform.now_ms());
                }
                Some(Some(_)) | None => {}
            }
        }
    }

    fn colo(&self) -> Option<String> {
        self.platform
            .workflows
            .with_engine(&self.workflow, |e| e.colo.clone())
            .flatten()
    }

    /// Drops the isolate when its colo crashed since it started: its runs are lost, and
    /// their instances run again when the colo is back.
    fn expire(
        &mut self,
        colo: &str,
        isolate: &mut Option<Isolate>,
        running: &mut BTreeMap<InvocationId, Running>,
    ) {
        if isolate.is_none() || !self.platform.crashed_since(colo, self.isolate_started_ms) {
            return;
        }
        *isolate = None;
        let elapsed = self.platform.elapsed_ms();
        let back_ms = self.platform.down_until(colo, elapsed).unwrap_or(elapsed);
        let resume_at_ms = self.platform.epoch_ms + back_ms;
        self.lose_all(running, resume_at_ms);
    }

    fn lose_all(&self, running: &mut BTreeMap<InvocationId, Running>, resume_at_ms: u64) {
        for (_, run) in std::mem::take(running) {
            self.platform.record(TraceEvent::WorkflowRunLost {
                at_ms: self.platform.elapsed_ms(),
                workflow: self.workflow.clone(),
                instance: run.instance.clone(),
            });
            self.platform.workflows.with_engine(&self.workflow, |e| {
                e.store
                    .run_lost(&run.instance, run.generation, resume_at_ms)
            });
        }
    }

    fn start_run(
        &mut self,
        colo: &str,
        instance: &str,
        isolate: &mut Option<Isolate>,
        running: &mut BTreeMap<InvocationId, Running>,
    ) {
        let retry_delay_default_ms = self.platform.workflows.retry_delay_default_ms.get();
        let Some((run, worker, runs)) = self
            .platform
            .workflows
            .with_engine(&self.workflow, |e| {
                let generation = e.store.run_started(instance)?;
                let state = e.store.instance(instance)?;
                let run = WorkflowRun {
                    workflow: self.workflow.clone(),
                    class_name: e.class_name.clone(),
                    instance: instance.to_string(),
                    generation,
                    params: state.params.clone(),
                    created_ms: state.created_ms,
                    steps_limit: e.steps_limit,
                    retry_delay_default_ms,
                };
                Some((run, e.worker.clone(), state.runs))
            })
            .flatten()
        else {
            return;
        };
        if isolate.is_none() {
            *isolate = self.start_isolate(colo, &worker);
        }
        let Some(iso) = isolate.as_mut() else {
            let resume_at_ms = self.platform.now_ms() + RESTART_BACKOFF_MS;
            self.platform.workflows.with_engine(&self.workflow, |e| {
                e.store.run_lost(instance, run.generation, resume_at_ms)
            });
            return;
        };
        self.platform.record(TraceEvent::WorkflowRun {
            at_ms: self.platform.elapsed_ms(),
            workflow: self.workflow.clone(),
            instance: instance.to_string(),
            run: runs,
        });
        let generation = run.generation;
        let id = iso.start_workflow(run);
        running.insert(
            id,
            Running {
                instance: instance.to_string(),
                generation,
            },
        );
    }

    fn start_isolate(&mut self, colo: &str, worker: &WorkerUnit) -> Option<Isolate> {
        self.isolate_generation += 1;
        self.isolate_started_ms = self.platform.elapsed_ms();
        let seed = crate::seed::derive(
            self.platform.run_seed,
            &format!("workflow/{}/{}", self.workflow, self.isolate_generation),
        );
        let host = SimHost::new(seed, colo, self.platform.clone()).with_worker(worker.clone());
        let config = worker.definition.isolate_config(worker.limits.clone());
        let mut started = Isolate::start(Rc::new(host), &config).ok()?;
        started.set_colo(colo);
        self.platform.record(TraceEvent::ColdStart {
            at_ms: self.platform.elapsed_ms(),
            colo: colo.to_string(),
            worker: (self.platform.services)
                .run_name(&worker.definition.name)
                .unwrap_or_else(|| worker.definition.name.clone()),
            startup_cpu_used_ms: started.startup_cpu().millis(),
        });
        Some(started)
    }

    /// A run's invocation ended: the instance learns how.
    fn finish(&self, run: &Running, report: &InvocationReport) {
        let end = match (&report.returned, report.outcome) {
            (Some(json), _) => serde_json::from_str(json).unwrap_or_else(|e| RunEnd::Threw {
                error: RecordedError {
                    name: "Error".into(),
                    message: format!("the run ended with an unreadable result: {e}"),
                },
            }),
            (None, outcome) => RunEnd::Threw {
                error: RecordedError {
                    name: "Error".into(),
                    message: report.exception.clone().unwrap_or_else(|| match outcome {
                        Outcome::ExceededCpu => "Worker exceeded CPU time limit.".into(),
                        Outcome::ExceededMemory => "Worker exceeded memory limit.".into(),
                        _ => "the run ended without a result".into(),
                    }),
                },
            },
        };
        for line in &report.logs {
            self.platform.record(TraceEvent::WorkflowLog {
                at_ms: self.platform.elapsed_ms(),
                workflow: self.workflow.clone(),
                instance: run.instance.clone(),
                level: line.level.clone(),
                message: line.message.clone(),
            });
        }
        self.platform.record(TraceEvent::WorkflowRunEnded {
            at_ms: self.platform.elapsed_ms(),
            workflow: self.workflow.clone(),
            instance: run.instance.clone(),
            end: end_name(&end).to_string(),
            cpu_used_ms: report.cpu_used_ms,
        });
        self.platform.workflows.with_engine(&self.workflow, |e| {
            e.store.run_ended(&run.instance, run.generation, end)
        });
    }
}

fn end_name(end: &RunEnd) -> &'static str {
    match end {
        RunEnd::Returned { .. } => "returned",
        RunEnd::Threw { .. } => "threw",
        RunEnd::Suspended { .. } => "suspended",
        RunEnd::Stopped => "stopped",
    }
}
