//! Running a scenario: traffic is sent at its simulated times to the isolate of its colo, the
//! trace records what happened, and the expectations are checked over the results.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration as StdDuration;

use edgesim_runtime::worker::{WorkerDefinition, WorkerLoadError};
use edgesim_runtime::{Limits, Plan};
use serde::Serialize;

use super::client::{Records, Shared};
pub use super::client::{RequestRecord, SocketStats};
use super::cron::{CronFiring, cron_firings, fire_cron};
use super::fault::Fault;
use super::model::{LoadedScenario, TrafficSpec};
use super::online::{OnlineChecks, SharedChecks};
use super::tally::Tally;
use crate::durable_objects::WorkerUnit;
use crate::host::DEFAULT_EPOCH_MS;
use crate::origins::OriginTable;
use crate::platform::Platform;
use crate::pool::{Pool, PoolContext, ServeError};
use crate::trace::{Keep, Trace, TraceEvent, TraceFile};
use futures::FutureExt;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// `error` is in the message; named `source`, it would be printed again by `{:#}`.
    #[error("worker {name:?}: {error}")]
    Worker {
        name: String,
        error: WorkerLoadError,
    },
    #[error("worker {name:?}: triggers.crons: invalid cron expression {cron:?}: {message}")]
    Cron {
        name: String,
        cron: String,
        message: String,
    },
    #[error(transparent)]
    Startup(ServeError),
    #[error(transparent)]
    Origin(#[from] crate::origins::OriginError),
    #[error(transparent)]
    TraceFile(#[from] crate::trace::TraceFileError),
    /// `error` is in the message; named `source`, it would be printed again by `{:#}`.
    #[error("worker {name:?}: D1 migrations: {error}")]
    Migration {
        name: String,
        error: edgesim_runtime::storage::d1_migrations::MigrationError,
    },
}

/// A cron trigger's firing, as the run recorded it.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledRecord {
    pub at_ms: u64,
    pub colo: String,
    pub worker: String,
    pub cron: String,
    /// `controller.scheduledTime`: the cron time, ms since the epoch.
    pub scheduled_time_ms: u64,
    /// `None` when the run ended before the handler did.
    pub outcome: Option<String>,
    #[serde(rename = "cpu_ms")]
    pub cpu_used_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Verdict {
    pub expectation: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct RunOutput {
    pub scenario: String,
    pub seed: u64,
    /// Every request, in the order they were scheduled; none when the run kept only what its
    /// checks need (`Retention::Needed`): the tally has what they add up to.
    pub requests: Vec<RequestRecord>,
    pub tally: Tally,
    pub scheduled: Vec<ScheduledRecord>,
    pub verdicts: Vec<Verdict>,
    pub trace: Trace,
    /// When `--fail-fast` ended the run at an expectation's first violation (ms since the
    /// start).
    pub stopped_at_ms: Option<u64>,
}

/// How a run is carried out, beyond its scenario and seed.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// End the run at the first violation of an expectation checked as the run goes.
    pub fail_fast: bool,
    /// What the run keeps for after it ends.
    pub retention: Retention,
    /// Write the trace's JSON lines here as the run goes (whatever `retention` keeps).
    pub trace_to: Option<std::path::PathBuf>,
}

/// What a run keeps for after it ends. The trace's hash and console lines cover every event
/// either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Retention {
    /// Every trace event, and each response's headers and body: for whoever reads them after
    /// the run (a report, `--json`, a test).
    #[default]
    All,
    /// Only the events the scenario's expectations read and the cold starts the summary counts,
    /// and no request once its client is done (the run's `tally` adds them up): a long run's
    /// memory then grows with what its checks must remember, not with everything it did.
    Needed,
}

impl RunOutput {
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|v| v.ok)
    }

    pub fn cold_starts(&self) -> usize {
        self.trace
            .events
            .iter()
            .filter(|e| matches!(e, TraceEvent::ColdStart { .. }))
            .count()
    }

    /// The `--json` document: nothing in it depends on wall time.
    pub fn to_json(&self) -> serde_json::Value {
        let mut document = serde_json::json!({
            "scenario": self.scenario,
            "seed": self.seed,
            "requests": self.requests,
            "scheduled": self.scheduled,
            "cold_starts": self.cold_starts(),
            "expectations": self.verdicts,
            "console": self.trace.console(),
            "trace_hash": self.trace.hash(),
        });
        if let Some(at_ms) = self.stopped_at_ms {
            document["stopped_at_ms"] = at_ms.into();
        }
        document
    }
}

/// When a repeating traffic item stops: at its `until`, and in any case when the run ends
/// (nothing is sent after `duration`, so nothing is planned after it either).
pub(crate) fn last_send_ms(t: &TrafficSpec, duration_ms: Option<u64>) -> Option<u64> {
    match (t.until.map(|d| d.ms), duration_ms) {
        (Some(until), Some(duration)) => Some(until.min(duration)),
        (until, duration) => until.or(duration),
    }
}

/// The simulated times (ms from the start) at which a traffic item sends requests.
pub(crate) fn send_times(
    t: &TrafficSpec,
    duration_ms: Option<u64>,
    seed: u64,
    item: usize,
) -> Vec<u64> {
    if let Some(rate) = t.rate {
        // Exponential gaps between arrivals, from a stream of the seed of this item's own. A
        // ramp draws at its highest rate and keeps each arrival with probability (rate at that
        // moment) / (highest rate): thinning, which gives exactly the ramp's Poisson process.
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(crate::seed::derive(
            seed,
            &format!("traffic/{item}"),
        ));
        let from = t.from.map_or(0, |d| d.ms) as f64;
        let until = last_send_ms(t, duration_ms).unwrap_or(0) as f64;
        let end_rate = t.ramp_to.map_or(rate.per_ms, |r| r.per_ms);
        let peak = rate.per_ms.max(end_rate);
        let rate_at = |at: f64| {
            let span = (until - from).max(1.0);
            rate.per_ms + (end_rate - rate.per_ms) * ((at - from) / span).clamp(0.0, 1.0)
        };
        let mut at = from;
        let mut out = Vec::new();
        loop {
            let u: f64 = rng.random_range(f64::EPSILON..1.0);
            at += -u.ln() / peak;
            if at > until {
                return out;
            }
            // Without a ramp every arrival is kept, and no draw is spent on it.
            if t.ramp_to.is_none() || rng.random_range(0.0..1.0) < rate_at(at) / peak {
                out.push(at as u64);
            }
        }
    }
    match (t.at, t.every) {
        (Some(at), _) => vec![at.ms],
        (None, Some(every)) => {
            let from = t.from.map_or(0, |d| d.ms);
            let until = last_send_ms(t, duration_ms).unwrap_or(from);
            (0..)
                .map(|k| from + k * every.ms)
                .take_while(|at| *at <= until)
                .collect()
        }
        (None, None) => vec![],
    }
}

/// One Worker of the run: its definition and the limits it runs under.
type Workers = BTreeMap<String, (Rc<WorkerDefinition>, Limits)>;

/// Runs `loaded` under `seed`: load the Workers, plan what happens when, simulate it, then
/// check the expectations over what happened.
pub fn run(loaded: &LoadedScenario, seed: u64) -> Result<RunOutput, RunError> {
    run_with(loaded, seed, RunOptions::default())
}

/// Runs `loaded` at `seed` as `options` say.
pub fn run_with(
    loaded: &LoadedScenario,
    seed: u64,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    let s = &loaded.scenario;
    let workers = load_workers(loaded)?;
    let origins = Rc::new(OriginTable::load(&s.origins, &loaded.dir)?);
    let object_namespaces =
        super::expect::object_namespaces(workers.values().map(|(d, _)| d.as_ref()));
    let plan = RunPlan::new(loaded, seed, &workers)?;
    let runtime = madsim::runtime::Runtime::with_seed_and_config(seed, madsim::Config::default());
    let (online, stopped) = OnlineChecks::new(&s.expect, options.fail_fast);
    let trace_file = match &options.trace_to {
        Some(path) => Some(Rc::new(RefCell::new(TraceFile::create(path)?))),
        None => None,
    };
    let watch = Watch {
        online: online.clone(),
        stopped,
        keep: kept_events(&s.expect, options.retention),
        keep_responses: options.retention == Retention::All,
        trace_file,
    };
    let happened = runtime.block_on(simulate(loaded, seed, workers, origins, plan, watch));
    if let Some(e) = happened.startup_error {
        return Err(RunError::Startup(e));
    }
    let (requests, tally) = tallied(happened.records, &s.expect, |i| {
        happened.stopped_at_ms.is_none() || online.borrow().finished(i)
    });
    let mut trace = happened.trace;
    let stopped_at_ms = happened.stopped_at_ms;
    let online = online.borrow();
    let verdicts: Vec<Verdict> = (s.expect.iter().enumerate())
        .map(|(i, e)| {
            let verdict = super::expect::check(e, i, &tally, &trace, &object_namespaces);
            super::online::amend(verdict, online.first_violation(i), stopped_at_ms)
        })
        .collect();
    for v in &verdicts {
        trace.push(TraceEvent::Verdict {
            expectation: v.expectation.clone(),
            ok: v.ok,
            detail: v.detail.clone(),
        });
    }
    if let Some(file) = trace.stop_writing() {
        // The simulation is over: the trace held the only other handle.
        if let Ok(file) = Rc::try_unwrap(file) {
            file.into_inner().finish()?;
        }
    }
    Ok(RunOutput {
        scenario: s.name.clone(),
        seed,
        requests,
        tally,
        scheduled: happened.scheduled,
        verdicts,
        trace,
        stopped_at_ms,
    })
}

/// The run's requests in order (all of them, if it kept them) and their tally. A request counts
/// if `counts(index)`: when `--fail-fast` stopped the run, those still in flight have no outcome
/// to judge.
fn tallied(
    records: Records,
    expect: &[super::expect_spec::ExpectSpec],
    counts: impl Fn(usize) -> bool,
) -> (Vec<RequestRecord>, Tally) {
    match records {
        Records::All(mut slots) => {
            let mut index = 0;
            slots.retain(|_| {
                index += 1;
                counts(index - 1)
            });
            // The keys are distinct, so an unstable sort gives the one order, without a stable
            // sort's buffer of half the records.
            slots.sort_unstable_by_key(|(at, ti, k, _)| (*at, *ti, *k));
            let mut tally = Tally::new(expect);
            for (at, ti, k, record) in &slots {
                tally.add((*at, *ti, *k), record);
            }
            (slots.into_iter().map(|(.., r)| r).collect(), tally)
        }
        Records::InFlight {
            slots, mut tally, ..
        } => {
            for (i, (at, ti, k, record)) in slots {
                if counts(i) {
                    tally.add((at, ti, k), &record);
                }
            }
            (Vec::new(), tally)
        }
    }
}

/// Every Worker the scenario names, from its wrangler config, with the platform's limits.
fn load_workers(loaded: &LoadedScenario) -> Result<Workers, RunError> {
    let s = &loaded.scenario;
    let mut workers = BTreeMap::new();
    for (name, spec) in &s.workers {
        let path = loaded.worker_path(name).unwrap_or_default();
        let def =
            WorkerDefinition::load_env(&path, spec.env()).map_err(|error| RunError::Worker {
                name: name.clone(),
                error,
            })?;
        crate::d1::check_migrations(&def).map_err(|error| RunError::Migration {
            name: name.clone(),
            error,
        })?;
        let mut limits = def.limits(s.platform.plan.unwrap_or(Plan::Paid), s.platform.cpu_ms);
        if let Some(ms) = s.platform.runaway_cpu_ms {
            limits.runaway_cpu_limit_ms = ms;
        }
        workers.insert(name.clone(), (Rc::new(def), limits));
    }
    Ok(workers)
}

/// What the run will do and when, decided before the simulation starts.
struct RunPlan {
    duration_ms: Option<u64>,
    /// Each traffic item's send times, a burst's repeated `count` times.
    sends: Vec<(usize, Vec<u64>)>,
    epoch_ms: u64,
    colos: Vec<crate::world::Colo>,
    faults: Vec<(u64, Fault)>,
    /// (ms after the start, Worker, cron), in time order.
    firings: Vec<(u64, String, String)>,
    /// Where cron triggers run: the first colo of the run.
    cron_colo: String,
}

impl RunPlan {
    fn new(loaded: &LoadedScenario, seed: u64, workers: &Workers) -> Result<RunPlan, RunError> {
        let s = &loaded.scenario;
        let duration_ms = s.duration.map(|d| d.ms);
        let epoch_ms = s.platform.start_time_ms.unwrap_or(DEFAULT_EPOCH_MS);
        let colos = loaded.colos();
        let sends: Vec<(usize, Vec<u64>)> = s
            .traffic
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                let times = send_times(t, duration_ms, seed, ti);
                let burst = times
                    .iter()
                    .flat_map(|at| std::iter::repeat_n(*at, t.count as usize))
                    .collect();
                (ti, burst)
            })
            .collect();
        let last_planned_send_ms = sends
            .iter()
            .flat_map(|(_, burst)| burst.iter().copied())
            .max()
            .unwrap_or(0);
        let definitions: BTreeMap<String, Rc<WorkerDefinition>> = workers
            .iter()
            .map(|(name, (d, _))| (name.clone(), d.clone()))
            .collect();
        let firings = cron_firings(
            &definitions,
            epoch_ms,
            duration_ms.unwrap_or(last_planned_send_ms),
        )?;
        let colo_names: Vec<&str> = s.colos.iter().map(|c| c.name()).collect();
        let faults = s
            .faults
            .iter()
            .filter_map(|f| f.fault(&colo_names).ok().map(|fault| (f.at.ms, fault)))
            .collect();
        let cron_colo = colos
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "LHR".into());
        Ok(RunPlan {
            duration_ms,
            sends,
            epoch_ms,
            colos,
            faults,
            firings,
            cron_colo,
        })
    }
}

/// What a simulation left behind.
struct Happened {
    records: Records,
    scheduled: Vec<ScheduledRecord>,
    trace: Trace,
    startup_error: Option<ServeError>,
    stopped_at_ms: Option<u64>,
}

/// Which trace events a run keeps: all, or those `expect` reads and the cold starts.
fn kept_events(expect: &[super::expect_spec::ExpectSpec], retention: Retention) -> Keep {
    match retention {
        Retention::All => Keep::All,
        Retention::Needed => Keep::Only(
            (expect.iter().filter_map(|e| e.checker.reads()))
                .chain([cold_start as fn(&TraceEvent) -> bool])
                .collect(),
        ),
    }
}

/// What the simulation reports to and keeps beyond its plan: the online expectations (and word
/// of their first violation when it fails fast), and what to retain of the trace and responses.
struct Watch {
    online: SharedChecks,
    stopped: futures::channel::oneshot::Receiver<u64>,
    keep: Keep,
    keep_responses: bool,
    trace_file: Option<Rc<RefCell<TraceFile>>>,
}

fn cold_start(event: &TraceEvent) -> bool {
    matches!(event, TraceEvent::ColdStart { .. })
}

/// The simulation itself: the platform, its faults, the traffic and the cron triggers, each a
/// Where each placed Worker runs: the scenario's `placement`, else, for a Worker whose config
/// asks for Smart Placement, the run's colo nearest (in summed one-way time) the origins the
/// scenario places — what Smart Placement does for a Worker that talks to those backends. No
/// placed origin, no move.
fn placements(
    s: &crate::scenario::Scenario,
    workers: &Workers,
    platform: &Platform,
    backends: &[String],
    colos: &[crate::world::Colo],
) -> BTreeMap<String, String> {
    let mut out = s.placement.clone();
    for (name, (definition, _)) in workers {
        let smart = definition
            .config
            .placement
            .as_ref()
            .is_some_and(|p| p.is_smart());
        if !smart || out.contains_key(name) || backends.is_empty() {
            continue;
        }
        let cost = |colo: &str| -> u64 {
            backends
                .iter()
                .map(|b| platform.network.one_way_ms(colo, b))
                .sum()
        };
        if let Some(best) = colos.iter().min_by_key(|c| (cost(&c.name), c.name.clone())) {
            out.insert(name.clone(), best.name.clone());
        }
    }
    out
}

/// The scenario's Secrets Store, each secret with an id drawn from the run's seed as the admin
/// API would give it.
fn declare_secrets(platform: &Platform, s: &super::model::Scenario, seed: u64) {
    use rand::{Rng, SeedableRng};
    let mut rng =
        rand_chacha::ChaCha8Rng::seed_from_u64(crate::seed::derive(seed, "secrets-store"));
    let mut store = platform.secrets_store.borrow_mut();
    for (store_id, secrets) in &s.secrets_store {
        for (name, value) in secrets {
            let id: String = (0..16)
                .map(|_| format!("{:02x}", rng.random::<u8>()))
                .collect();
            store.put(store_id, name, value, &id);
        }
    }
}

/// What the scenario declares the services a simulation never calls answer, keyed as the
/// bindings ask ([`Platform::declared_answers`]).
fn declare_answers(platform: &Platform, answers: &super::model::DeclaredAnswers) {
    let mut declared = platform.declared_answers.borrow_mut();
    for (model, answer) in &answers.ai {
        declared.insert(("ai".to_string(), model.clone()), answer.to_string());
    }
    for (index, methods) in &answers.vectorize {
        for (method, answer) in methods {
            let key = (format!("vectorize:{index}"), method.clone());
            declared.insert(key, answer.to_string());
        }
    }
}

/// task on madsim's seeded executor, run until `duration` (without one, until every client is
/// done).
/// The order tasks are spawned in is part of the seed's meaning: faults, then traffic, then
/// crons.
async fn simulate(
    loaded: &LoadedScenario,
    seed: u64,
    workers: Workers,
    origins: Rc<OriginTable>,
    plan: RunPlan,
    watch: Watch,
) -> Happened {
    let s = &loaded.scenario;
    let start = madsim::time::Instant::now();
    let mut platform = Platform::new(seed, plan.epoch_ms, start, &plan.colos, loaded.kv_config());
    let backends: Vec<String> = origins.places().map(|p| p.name.clone()).collect();
    platform.declare_origins(origins);
    declare_secrets(&platform, s, seed);
    declare_answers(&platform, &s.answers);
    let mut trace = Trace::keeping(watch.keep.clone());
    if let Some(file) = watch.trace_file.clone() {
        trace = trace.writing_to(file);
    }
    *platform.trace.borrow_mut() = trace;
    let platform = Rc::new(platform);
    let online = watch.online.clone();
    platform
        .trace_observer
        .replace(Some(Box::new(move |e| online.borrow_mut().event(e))));
    let _end_of_run = crate::platform::EndOfRun(platform.clone());
    if let Some(lag) = s.platform.d1.replication_lag {
        platform.d1.replication_lag_ms.set(lag.ms);
    }
    if let Some(count) = s.platform.objects_per_isolate {
        platform.objects.objects_per_isolate.set(count);
    }
    let jitter_ms_max = s.platform.network.jitter.map_or(0, |d| d.ms);
    platform
        .link_noise
        .set(jitter_ms_max, s.platform.network.loss.unwrap_or(0.0));
    for (definition, limits) in workers.values() {
        platform.d1.register(definition);
        let unit = WorkerUnit {
            definition: definition.clone(),
            limits: limits.clone(),
        };
        platform.queues.register(&unit);
        platform.workflows.register(&unit);
    }
    let ctx = Rc::new(PoolContext {
        run_seed: seed,
        platform: platform.clone(),
        idle_evict_ms: s.platform.isolate_idle_timeout.map(|d| d.ms),
        warm_isolates: crate::warm_isolates::WarmIsolates::new(s.platform.isolates_per_colo_max),
        serves_origins: false,
    });
    spawn_faults(&platform, start, plan.faults);
    let pool = Rc::new(RefCell::new(Pool::new(ctx)));
    platform.services.connect(&pool, &workers);
    let placements = placements(s, &workers, &platform, &backends, &plan.colos);
    let request_count: usize = plan.sends.iter().map(|(_, burst)| burst.len()).sum();
    let shared = Rc::new(Shared {
        start,
        platform: platform.clone(),
        pool,
        workers,
        records: Rc::new(RefCell::new(match watch.keep_responses {
            // Every request's place, made once: a long run's records never regrow.
            true => Records::All(Vec::with_capacity(request_count)),
            false => Records::InFlight {
                slots: BTreeMap::new(),
                started: 0,
                tally: Tally::new(&s.expect),
            },
        })),
        texts: Default::default(),
        startup_error: Rc::default(),
        tls: s.platform.tls.clone(),
        clients: Default::default(),
        placements,
        online: watch.online,
        keep_responses: watch.keep_responses,
    });
    let mut clients = vec![super::traffic::spawn_traffic(&shared, loaded, plan.sends)];
    let scheduled: Rc<RefCell<Vec<ScheduledRecord>>> = Rc::default();
    let first_cron_id = request_count as u64;
    for (k, (at_ms, worker, cron)) in plan.firings.into_iter().enumerate() {
        let firing = CronFiring {
            id: first_cron_id + k as u64 + 1,
            at_ms,
            worker,
            cron,
            colo: plan.cron_colo.clone(),
            scheduled_time_ms: plan.epoch_ms + at_ms,
        };
        clients.push(
            platform
                .tasks
                .spawn(fire_cron(shared.clone(), scheduled.clone(), firing)),
        );
    }
    let all = futures::future::join_all(clients);
    let run = async {
        match plan.duration_ms {
            // The platform runs on until `duration` even once the last response is in: queue
            // batches waiting out their timeout, alarms and `waitUntil` work still happen.
            Some(ms) => {
                let end = start + StdDuration::from_millis(ms);
                let _ = madsim::time::timeout(StdDuration::from_millis(ms), all).await;
                madsim::time::sleep_until(end).await;
            }
            None => {
                all.await;
            }
        }
    };
    let stopped = async {
        match watch.stopped.await {
            Ok(at_ms) => at_ms,
            // Not failing fast: nothing stops the run early.
            Err(_) => std::future::pending().await,
        }
    };
    let stopped_at_ms = futures::select_biased! {
        at_ms = Box::pin(stopped.fuse()) => Some(at_ms),
        () = Box::pin(run.fuse()) => None,
    };
    Happened {
        records: shared.records.replace(Records::All(Vec::new())),
        scheduled: scheduled.take(),
        trace: platform.trace.take(),
        startup_error: shared.startup_error.take(),
        stopped_at_ms,
    }
}

/// Each fault, as a task that waits for its time and then breaks what it names.
fn spawn_faults(platform: &Rc<Platform>, start: madsim::time::Instant, faults: Vec<(u64, Fault)>) {
    for (at_ms, fault) in faults {
        let world = platform.clone();
        platform.tasks.spawn(async move {
            madsim::time::sleep_until(start + StdDuration::from_millis(at_ms)).await;
            apply_fault(&world, at_ms, fault);
        });
    }
}

/// `fault` happens now, `at_ms` after the run started: the trace says so, then the world
/// breaks as it names.
pub(crate) fn apply_fault(world: &Platform, at_ms: u64, fault: Fault) {
    world.record(TraceEvent::Fault {
        at_ms,
        fault: fault.describe(),
    });
    match fault {
        Fault::CrashObjectHosts { colo, for_ms } => world.objects.crash_colo(&colo, at_ms, for_ms),
        Fault::CrashColo { colo, for_ms } => world.crash_colo(&colo, at_ms, for_ms),
        Fault::FailStorageWrites(n) => world.objects.fail_next_commits(n),
        Fault::Partition {
            from,
            to,
            both_ways,
            for_ms,
        } => world.faults.partition(from, to, both_ways, at_ms, for_ms),
        Fault::LatencySpike {
            between: (a, b),
            add_ms,
            for_ms,
        } => world.faults.spike(a, b, add_ms, at_ms, for_ms),
    }
}
