//! Running a scenario: traffic is sent at its simulated times to the isolate of its colo, the
//! trace records what happened, and the expectations are checked over the results.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration as StdDuration;

use edgesim_runtime::worker::{WorkerDefinition, WorkerLoadError};
use edgesim_runtime::{Limits, Plan};
use futures::channel::oneshot;
use serde::Serialize;

pub use super::client::{RequestRecord, SocketStats};
use super::client::{Sending, Shared, Slot, Turns};
use super::fault::Fault;
use super::model::{LoadedScenario, TrafficSpec};
use crate::durable_objects::WorkerUnit;
use crate::host::DEFAULT_EPOCH_MS;
use crate::platform::Platform;
use crate::pool::{Delivery, Job, Pool, PoolContext, ServeError};
use crate::trace::{Trace, TraceEvent};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("worker {name:?}: {source}")]
    Worker {
        name: String,
        source: WorkerLoadError,
    },
    #[error("worker {name:?}: triggers.crons: invalid cron expression {cron:?}: {message}")]
    Cron {
        name: String,
        cron: String,
        message: String,
    },
    #[error(transparent)]
    Startup(ServeError),
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

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub expectation: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct RunOutput {
    pub scenario: String,
    pub seed: u64,
    pub requests: Vec<RequestRecord>,
    pub scheduled: Vec<ScheduledRecord>,
    pub verdicts: Vec<Verdict>,
    pub trace: Trace,
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
        serde_json::json!({
            "scenario": self.scenario,
            "seed": self.seed,
            "requests": self.requests,
            "scheduled": self.scheduled,
            "cold_starts": self.cold_starts(),
            "expectations": self.verdicts,
            "trace_hash": self.trace.hash(),
        })
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
        let until = t.until.map(|d| d.ms).or(duration_ms).unwrap_or(0) as f64;
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
            let until = t.until.map(|d| d.ms).or(duration_ms).unwrap_or(from);
            (0..)
                .map(|k| from + k * every.ms)
                .take_while(|at| *at <= until)
                .collect()
        }
        (None, None) => vec![],
    }
}

pub fn run(loaded: &LoadedScenario, seed: u64) -> Result<RunOutput, RunError> {
    let s = &loaded.scenario;
    let mut definitions = BTreeMap::new();
    let mut limits = BTreeMap::new();
    for name in s.workers.keys() {
        let path = loaded.worker_path(name).unwrap_or_default();
        let def = WorkerDefinition::load(&path).map_err(|source| RunError::Worker {
            name: name.clone(),
            source,
        })?;
        let mut l: Limits = def.limits(s.platform.plan.unwrap_or(Plan::Paid), s.platform.cpu_ms);
        if let Some(ms) = s.platform.runaway_cpu_ms {
            l.runaway_cpu_limit_ms = ms;
        }
        limits.insert(name.clone(), l);
        definitions.insert(name.clone(), Rc::new(def));
    }
    // Binding name -> Durable Object namespace, for the checkers that name a binding.
    let object_namespaces: BTreeMap<String, String> = definitions
        .values()
        .flat_map(|d| d.bindings())
        .filter_map(|b| match b {
            edgesim_runtime::bindings::Binding::DurableObject {
                name, namespace, ..
            } => Some((name, namespace)),
            _ => None,
        })
        .collect();
    let runtime = madsim::runtime::Runtime::with_seed_and_config(seed, madsim::Config::default());
    let duration_ms = s.duration.map(|d| d.ms);
    let epoch_ms = s.platform.start_time_ms.unwrap_or(DEFAULT_EPOCH_MS);
    let colos = loaded.colos();
    let idle_evict_ms = s.platform.isolate_idle_timeout.map(|d| d.ms);
    let isolates_per_colo_max = s.platform.isolates_per_colo_max;
    let kv_config = loaded.kv_config();
    let replication_lag = s.platform.d1.replication_lag;
    let jitter_ms_max = s.platform.network.jitter.map_or(0, |d| d.ms);
    let loss = s.platform.network.loss.unwrap_or(0.0);
    let last_send_ms = s
        .traffic
        .iter()
        .enumerate()
        .flat_map(|(i, t)| send_times(t, duration_ms, seed, i))
        .max()
        .unwrap_or(0);
    let firings = cron_firings(&definitions, epoch_ms, duration_ms.unwrap_or(last_send_ms))?;
    let colo_names: Vec<&str> = s.colos.iter().map(|c| c.name()).collect();
    let faults: Vec<(u64, Fault)> = s
        .faults
        .iter()
        .filter_map(|f| f.fault(&colo_names).ok().map(|fault| (f.at.ms, fault)))
        .collect();
    let cron_colo = colos
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "LHR".into());
    let (records, scheduled, trace, startup_error) = runtime.block_on(async move {
        let start = madsim::time::Instant::now();
        let platform = Rc::new(Platform::new(seed, epoch_ms, start, &colos, kv_config));
        let trace = platform.trace.clone();
        if let Some(lag) = replication_lag {
            platform.d1.replication_lag_ms.set(lag.ms);
        }
        platform.link_noise.set(jitter_ms_max, loss);
        for (name, definition) in &definitions {
            platform.queues.register(&WorkerUnit {
                definition: definition.clone(),
                limits: limits[name].clone(),
            });
        }
        let ctx = Rc::new(PoolContext {
            run_seed: seed,
            platform: platform.clone(),
            idle_evict_ms,
            warm_isolates: crate::warm_isolates::WarmIsolates::new(isolates_per_colo_max),
        });
        for (at_ms, fault) in faults {
            let platform = platform.clone();
            madsim::task::spawn_local(async move {
                madsim::time::sleep_until(start + StdDuration::from_millis(at_ms)).await;
                platform.record(TraceEvent::Fault {
                    at_ms,
                    fault: fault.describe(),
                });
                match fault {
                    Fault::CrashObjectHosts { colo, for_ms } => {
                        platform.objects.crash_colo(&colo, at_ms, for_ms)
                    }
                    Fault::CrashColo { colo, for_ms } => platform.crash_colo(&colo, at_ms, for_ms),
                    Fault::FailStorageWrites(n) => platform.objects.fail_next_commits(n),
                    Fault::Partition {
                        from,
                        to,
                        both_ways,
                        for_ms,
                    } => platform
                        .faults
                        .partition(from, to, both_ways, at_ms, for_ms),
                    Fault::LatencySpike {
                        between: (a, b),
                        add_ms,
                        for_ms,
                    } => platform.faults.spike(a, b, add_ms, at_ms, for_ms),
                }
            });
        }
        let pool = Rc::new(RefCell::new(Pool::new(ctx)));
        let records: Rc<RefCell<Vec<Slot>>> = Rc::default();
        let startup_error: Rc<RefCell<Option<ServeError>>> = Rc::default();
        let mut clients = Vec::new();
        let mut next_id = 0u64;
        let shared = Rc::new(Shared {
            start,
            platform: platform.clone(),
            pool: pool.clone(),
            workers: definitions
                .iter()
                .map(|(name, d)| (name.clone(), (d.clone(), limits[name].clone())))
                .collect(),
            records: records.clone(),
            startup_error: startup_error.clone(),
            tls: s.platform.tls.clone(),
        });
        let schedule: Vec<(usize, Vec<u64>)> = s
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
        let mut turns = Turns::plan(
            schedule
                .iter()
                .filter_map(|(ti, burst)| {
                    let name = s.traffic[*ti].session.clone()?;
                    Some(
                        burst
                            .iter()
                            .enumerate()
                            .map(move |(k, at)| (*at, *ti, k, name.clone())),
                    )
                })
                .flatten()
                .collect(),
        );
        for (ti, burst) in schedule {
            for (k, at_ms) in burst.into_iter().enumerate() {
                next_id += 1;
                let sending = Sending {
                    id: next_id,
                    item: ti,
                    repetition: k,
                    at_ms,
                };
                clients.push(madsim::task::spawn_local(super::client::request(
                    shared.clone(),
                    s.traffic[ti].clone(),
                    sending,
                    turns.take(ti, k),
                )));
            }
        }
        let scheduled: Rc<RefCell<Vec<ScheduledRecord>>> = Rc::default();
        for (at_ms, worker, cron) in firings {
            next_id += 1;
            let id = next_id;
            let (def, lim, pool, trace, scheduled, startup_error, colo) = (
                definitions[&worker].clone(),
                limits[&worker].clone(),
                pool.clone(),
                trace.clone(),
                scheduled.clone(),
                startup_error.clone(),
                cron_colo.clone(),
            );
            clients.push(madsim::task::spawn_local(async move {
                madsim::time::sleep_until(start + StdDuration::from_millis(at_ms)).await;
                trace.borrow_mut().push(TraceEvent::Scheduled {
                    at_ms,
                    id,
                    colo: colo.clone(),
                    worker: worker.clone(),
                    cron: cron.clone(),
                });
                let index = scheduled.borrow().len();
                let scheduled_time_ms = epoch_ms + at_ms;
                scheduled.borrow_mut().push(ScheduledRecord {
                    at_ms,
                    colo: colo.clone(),
                    worker: worker.clone(),
                    cron: cron.clone(),
                    scheduled_time_ms,
                    outcome: None,
                    cpu_used_ms: 0.0,
                });
                let (reply, answer) = oneshot::channel();
                let event = Delivery::Scheduled {
                    cron,
                    scheduled_time_ms,
                };
                pool.borrow_mut().send(
                    &colo,
                    &worker,
                    &def,
                    &lim,
                    Job {
                        id,
                        arrived_ms: at_ms,
                        event,
                        reply,
                    },
                );
                match answer.await {
                    Ok(Ok(served)) => {
                        let mut records = scheduled.borrow_mut();
                        records[index].outcome = Some(served.report.outcome.as_str().to_string());
                        records[index].cpu_used_ms = served.report.cpu_used_ms;
                    }
                    Ok(Err(e)) => {
                        startup_error.borrow_mut().get_or_insert(e);
                    }
                    Err(_) => {}
                }
            }));
        }
        let all = futures::future::join_all(clients);
        match duration_ms {
            Some(ms) => {
                let _ = madsim::time::timeout(StdDuration::from_millis(ms), all).await;
            }
            None => {
                all.await;
            }
        }
        let records = records.borrow().clone();
        let scheduled = scheduled.borrow().clone();
        let trace = trace.borrow().clone();
        let startup_error = startup_error.borrow().clone();
        (records, scheduled, trace, startup_error)
    });
    if let Some(e) = startup_error {
        return Err(RunError::Startup(e));
    }
    let mut records = records;
    records.sort_by_key(|(at, ti, k, _)| (*at, *ti, *k));
    let requests: Vec<RequestRecord> = records.into_iter().map(|(.., r)| r).collect();
    let mut trace = trace;
    let verdicts: Vec<Verdict> = s
        .expect
        .iter()
        .map(|e| super::expect::check(e, &requests, &trace, &object_namespaces))
        .collect();
    for v in &verdicts {
        trace.push(TraceEvent::Verdict {
            expectation: v.expectation.clone(),
            ok: v.ok,
            detail: v.detail.clone(),
        });
    }
    Ok(RunOutput {
        scenario: s.name.clone(),
        seed,
        requests,
        scheduled,
        verdicts,
        trace,
    })
}

/// When each Worker's cron triggers fire during the run: (ms after the start, Worker, cron),
/// in time order. Cron times are UTC, as on the platform; neither a time equal to the start
/// (the Worker is deployed then) nor one at the end of the run (it could not finish) fires.
fn cron_firings(
    definitions: &BTreeMap<String, Rc<WorkerDefinition>>,
    epoch_ms: u64,
    until_ms: u64,
) -> Result<Vec<(u64, String, String)>, RunError> {
    let mut out = Vec::new();
    for (name, def) in definitions {
        for cron in def.config.triggers.iter().flat_map(|t| t.crons.iter()) {
            let invalid = |message: String| RunError::Cron {
                name: name.clone(),
                cron: cron.clone(),
                message,
            };
            let schedule: croner::Cron = cron
                .parse()
                .map_err(|e: croner::errors::CronError| invalid(e.to_string()))?;
            let start = chrono::DateTime::from_timestamp_millis(epoch_ms as i64)
                .ok_or_else(|| invalid("start time out of range".into()))?;
            for next in schedule.iter_after(start) {
                let at_ms = (next.timestamp_millis() as u64).saturating_sub(epoch_ms);
                if at_ms >= until_ms {
                    break;
                }
                out.push((at_ms, name.clone(), cron.clone()));
            }
        }
    }
    out.sort();
    Ok(out)
}
