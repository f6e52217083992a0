//! One request to one Worker at one location: what `edgesim fetch` and most conformance tests
//! run. The isolate starts cold, serves the request, and runs its `waitUntil` work to the end.

use std::path::Path;
use std::rc::Rc;

use edgesim_runtime::invocation::InvocationReport;
use edgesim_runtime::worker::{WorkerDefinition, WorkerLoadError};
use edgesim_runtime::{HttpRequest, HttpResponse, Isolate, IsolateEvent, Limits, StartupError};

use crate::durable_objects::WorkerUnit;
use crate::host::{DEFAULT_EPOCH_MS, OriginFn, SimHost};
use crate::platform::Platform;

/// The colo a single request enters at.
pub const SINGLE_COLO: &str = "LHR";
use crate::seed;

#[derive(Debug, thiserror::Error)]
pub enum SingleError {
    #[error(transparent)]
    Load(#[from] WorkerLoadError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("the Worker finished without answering the request")]
    NoResponse,
}

/// What one simulated request produced.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub response: HttpResponse,
    pub report: InvocationReport,
    /// Simulated milliseconds from the request to its response.
    pub response_at_ms: u64,
}

/// Runs `request` against `worker` in a fresh simulation seeded with `seed`; outbound `fetch()`
/// reaches nothing.
pub fn fetch_once(
    worker: &WorkerDefinition,
    limits: Limits,
    request: HttpRequest,
    seed: u64,
) -> Result<Exchange, SingleError> {
    fetch_once_with_origins(worker, limits, request, seed, None)
}

/// As [`fetch_once`], with `origins` answering the Worker's outbound `fetch()` calls.
pub fn fetch_once_with_origins(
    worker: &WorkerDefinition,
    limits: Limits,
    request: HttpRequest,
    seed: u64,
    origins: Option<Rc<OriginFn>>,
) -> Result<Exchange, SingleError> {
    fetch_once_at(worker, limits, request, seed, origins, SINGLE_COLO)
}

/// As [`fetch_once_with_origins`], entering at `colo` (`request.cf.colo`).
pub fn fetch_once_at(
    worker: &WorkerDefinition,
    limits: Limits,
    request: HttpRequest,
    seed: u64,
    origins: Option<Rc<OriginFn>>,
    colo: &str,
) -> Result<Exchange, SingleError> {
    let options = Serve {
        seed,
        origins,
        colo: colo.to_string(),
        ..Default::default()
    };
    let mut out = serve(worker, limits, vec![request], &options)?;
    out.pop().ok_or(SingleError::NoResponse)
}

/// Loads a Worker from a path (config, directory or script).
pub fn load(path: &Path) -> Result<WorkerDefinition, SingleError> {
    Ok(WorkerDefinition::load(path)?)
}

/// Runs `requests` one after another (each waits for the previous one's response and its
/// `waitUntil` work, then `gap_ms` more) against one isolate in one simulation: state the
/// Worker keeps in KV or in memory carries over, as between requests to one production colo.
pub fn fetch_sequence(
    worker: &WorkerDefinition,
    limits: Limits,
    requests: Vec<HttpRequest>,
    gap_ms: u64,
    seed: u64,
) -> Result<Vec<Exchange>, SingleError> {
    let options = Serve {
        seed,
        gap_ms,
        ..Default::default()
    };
    serve(worker, limits, requests, &options)
}

/// Prepares a platform before any request reaches it.
pub type PlatformSetup = dyn Fn(&Platform);

/// How [`serve`] runs its requests.
#[derive(Clone)]
pub struct Serve {
    pub seed: u64,
    /// Answers the Worker's outbound `fetch()` calls (none: nothing answers).
    pub origins: Option<Rc<OriginFn>>,
    pub colo: String,
    /// Simulated time between one request's end and the next one.
    pub gap_ms: u64,
    /// Called with the platform before the first request: to set storage latency, plan faults.
    pub setup: Option<Rc<PlatformSetup>>,
}

impl Default for Serve {
    fn default() -> Self {
        Serve {
            seed: 0,
            origins: None,
            colo: SINGLE_COLO.to_string(),
            gap_ms: 0,
            setup: None,
        }
    }
}

/// One simulation, one isolate at `colo`, the requests served in turn.
pub fn serve(
    worker: &WorkerDefinition,
    limits: Limits,
    requests: Vec<HttpRequest>,
    options: &Serve,
) -> Result<Vec<Exchange>, SingleError> {
    let Serve {
        seed,
        origins,
        colo,
        gap_ms,
        setup,
    } = options.clone();
    let colo = colo.as_str();
    let runtime = madsim::runtime::Runtime::with_seed_and_config(seed, madsim::Config::default());
    let isolate_config = worker.isolate_config(limits.clone());
    runtime.block_on(async move {
        let start = madsim::time::Instant::now();
        let platform = Rc::new(Platform::single(seed, DEFAULT_EPOCH_MS, start, colo));
        *platform.origins.borrow_mut() = origins;
        if let Some(setup) = setup {
            setup(&platform);
        }
        let unit = WorkerUnit {
            definition: Rc::new(worker.clone()),
            limits: limits.clone(),
        };
        platform.queues.register(&unit);
        let host = SimHost::new(seed::derive(seed, "isolate"), colo, platform).with_worker(unit);
        let mut isolate = Isolate::start(Rc::new(host), &isolate_config)?;
        isolate.set_colo(colo);
        let mut out = Vec::new();
        for request in requests {
            let sent = start.elapsed();
            let id = isolate.start_fetch(request);
            let mut response = None;
            loop {
                match isolate.next_event().await {
                    Some(IsolateEvent::Responded {
                        id: rid,
                        response: r,
                    }) if rid == id => {
                        response = Some((r, (start.elapsed() - sent).as_millis() as u64));
                    }
                    Some(IsolateEvent::Finished(report)) if report.id == id => {
                        let (response, response_at_ms) = response.ok_or(SingleError::NoResponse)?;
                        out.push(Exchange {
                            response,
                            report,
                            response_at_ms,
                        });
                        break;
                    }
                    Some(_) => {}
                    None => return Err(SingleError::NoResponse),
                }
            }
            madsim::time::sleep(std::time::Duration::from_millis(gap_ms)).await;
        }
        Ok(out)
    })
}
