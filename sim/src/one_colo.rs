//! Requests to one Worker at one colo, with nothing else of the platform in play: what
//! `edgesim fetch` and most conformance tests run. The isolate starts cold, serves the
//! requests, and runs its `waitUntil` work to the end.

use std::path::Path;
use std::rc::Rc;

use edgesim_runtime::invocation::InvocationReport;
use edgesim_runtime::storage::d1_migrations::MigrationError;
use edgesim_runtime::worker::{WorkerDefinition, WorkerLoadError};
use edgesim_runtime::{
    BodyUse, HttpRequest, HttpResponse, Isolate, IsolateEvent, Limits, StartupError,
};

use crate::durable_objects::WorkerUnit;
use crate::host::{DEFAULT_EPOCH_MS, OriginFn, SimHost};
use crate::origins::OriginTable;
use crate::platform::Platform;
use crate::socket_client::{self, ClientEvent, ClientScript};
use crate::trace::TraceEvent;
use crate::trigger_routes::{self, Trigger};
use edgesim_runtime::socket::Frame;

/// The colo the requests enter at.
pub const ONE_COLO: &str = "LHR";
use crate::seed;

#[derive(Debug, thiserror::Error)]
pub enum OneColoError {
    #[error(transparent)]
    Load(#[from] WorkerLoadError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("the Worker finished without answering the request")]
    NoResponse,
    #[error(transparent)]
    Persist(#[from] crate::persist::PersistError),
    /// The cause is in the message, not a `source` too: a chain printed with `{:#}` would
    /// say it twice.
    #[error("D1 migrations: {0}")]
    Migration(MigrationError),
}

impl From<MigrationError> for OneColoError {
    fn from(e: MigrationError) -> Self {
        OneColoError::Migration(e)
    }
}

/// What one simulated request produced.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub response: HttpResponse,
    pub report: InvocationReport,
    /// Simulated milliseconds from the request to its response.
    pub response_at_ms: u64,
    /// Hosts the Worker fetched, up to this response, that no origin answers.
    pub undeclared_hosts: Vec<String>,
    /// The router answered from the Worker's static assets: the Worker did not run, and
    /// `report` is [`InvocationReport::not_run`].
    pub from_assets: bool,
}

/// The random seed of the one isolate of a run of `run_seed`.
pub fn isolate_seed(run_seed: u64) -> u64 {
    seed::derive(run_seed, "isolate")
}

/// Loads a Worker from a path (config, directory or script), in environment `env` if given;
/// with `config`, from that config, `path` being the script that replaces its `main`.
pub fn load(
    path: &Path,
    config: Option<&Path>,
    env: Option<&str>,
) -> Result<WorkerDefinition, OneColoError> {
    Ok(match config {
        Some(config) => WorkerDefinition::load_config(config, Some(path), env)?,
        None => WorkerDefinition::load_env(path, env)?,
    })
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
) -> Result<Vec<Exchange>, OneColoError> {
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
    /// Answers the Worker's outbound `fetch()` calls that no declared origin answers (tests).
    pub origins: Option<Rc<OriginFn>>,
    /// The origins the user declared (`edgesim fetch --origin`).
    pub declared_origins: Rc<OriginTable>,
    pub colo: String,
    /// Simulated time between one request's end and the next one.
    pub gap_ms: u64,
    /// When given, request `i` is sent no earlier than `send_at_ms[i]` after the run started.
    pub send_at_ms: Vec<u64>,
    /// Called with the platform before the first request: to set storage latency, plan faults.
    pub setup: Option<Rc<PlatformSetup>>,
    /// Keep KV, R2 and D1 data in this directory, starting from what an earlier run left there
    /// (crate::persist).
    pub persist_to: Option<std::path::PathBuf>,
}

impl Default for Serve {
    fn default() -> Self {
        Serve {
            seed: 0,
            origins: None,
            declared_origins: Rc::default(),
            colo: ONE_COLO.to_string(),
            gap_ms: 0,
            send_at_ms: Vec::new(),
            setup: None,
            persist_to: None,
        }
    }
}

/// One simulation, one isolate at `colo`, the requests served in turn.
pub fn serve(
    worker: &WorkerDefinition,
    limits: Limits,
    requests: Vec<HttpRequest>,
    options: &Serve,
) -> Result<Vec<Exchange>, OneColoError> {
    let Serve {
        seed,
        origins,
        declared_origins,
        colo,
        gap_ms,
        send_at_ms,
        setup,
        persist_to,
    } = options.clone();
    let colo = colo.as_str();
    if persist_to.is_none() {
        crate::d1::check_migrations(worker)?;
    }
    let persist = persist_to
        .as_deref()
        .map(crate::persist::Persist::open)
        .transpose()?;
    let epoch_ms = match &persist {
        Some(p) => p.clock_ms()?.unwrap_or(DEFAULT_EPOCH_MS),
        None => DEFAULT_EPOCH_MS,
    };
    let runtime = madsim::runtime::Runtime::with_seed_and_config(seed, madsim::Config::default());
    let isolate_config = worker.isolate_config(limits.clone());
    runtime.block_on(async move {
        let start = madsim::time::Instant::now();
        let mut platform = Platform::single(seed, epoch_ms, start, colo);
        platform.persist = persist;
        platform.declare_origins(declared_origins);
        let platform = Rc::new(platform);
        let _end_of_run = crate::platform::EndOfRun(platform.clone());
        platform.origins.set_answerer(origins);
        if let Some(setup) = setup {
            setup(&platform);
        }
        let unit = WorkerUnit {
            definition: Rc::new(worker.clone()),
            limits: limits.clone(),
        };
        platform.queues.register(&unit);
        platform.workflows.register(&unit);
        if platform.persist.is_none() {
            platform.d1.register(worker);
        }
        let host = SimHost::new(isolate_seed(seed), colo, platform.clone()).with_worker(unit);
        let host: Rc<SimHost> = Rc::new(host);
        // Started for the first request the Worker serves: one the assets answer runs nothing.
        let mut started: Option<Isolate> = None;
        let mut out = Vec::new();
        for (i, request) in requests.into_iter().enumerate() {
            if let Some(at_ms) = send_at_ms.get(i) {
                let due = start + std::time::Duration::from_millis(*at_ms);
                madsim::time::sleep_until(due).await;
            }
            let trigger = match trigger_routes::route(&request, platform.now_ms()) {
                Some(Err(response)) => {
                    out.push(not_run(response, &platform, false));
                    continue;
                }
                Some(Ok(trigger)) => Some(trigger),
                None => None,
            };
            if trigger.is_none()
                && let Some(response) = platform.assets.route(colo, worker, &request)
            {
                out.push(not_run(response, &platform, true));
                madsim::time::sleep(std::time::Duration::from_millis(gap_ms)).await;
                continue;
            }
            let isolate = match &mut started {
                Some(isolate) => isolate,
                None => {
                    let mut isolate = Isolate::start(host.clone(), &isolate_config)?;
                    isolate.set_colo(colo);
                    started.insert(isolate)
                }
            };
            let sent = start.elapsed();
            let route = trigger.as_ref().map(Trigger::route);
            let id = match trigger {
                None => isolate.start_fetch(request, BodyUse::Keep),
                Some(Trigger::Scheduled {
                    cron,
                    scheduled_time_ms,
                }) => isolate.start_scheduled(&cron, scheduled_time_ms),
                Some(Trigger::Email(email)) => isolate.start_email(email),
            };
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
                        let (response, response_at_ms) = match route {
                            Some(route) => (
                                trigger_routes::answer(route, &report),
                                (start.elapsed() - sent).as_millis() as u64,
                            ),
                            None => response.ok_or(OneColoError::NoResponse)?,
                        };
                        out.push(Exchange {
                            response,
                            report,
                            response_at_ms,
                            undeclared_hosts: platform.origins.undeclared_hosts(),
                            from_assets: false,
                        });
                        break;
                    }
                    Some(_) => {}
                    None => return Err(OneColoError::NoResponse),
                }
            }
            madsim::time::sleep(std::time::Duration::from_millis(gap_ms)).await;
        }
        if let Some(persist) = &platform.persist {
            if let Some(e) = persist.failure() {
                return Err(e.into());
            }
            persist.save_clock(platform.now_ms())?;
        }
        Ok(out)
    })
}

/// The exchange of a request answered without running the Worker: by its static assets, or by
/// a `/cdn-cgi/handler/` route that refused it.
fn not_run(response: HttpResponse, platform: &Platform, from_assets: bool) -> Exchange {
    Exchange {
        response,
        report: InvocationReport::not_run(0),
        response_at_ms: 0,
        undeclared_hosts: platform.origins.undeclared_hosts(),
        from_assets,
    }
}

/// One WebSocket client's session with a Worker: what the upgrade request got back and what
/// the client saw afterwards.
#[derive(Debug, Clone)]
pub struct Session {
    /// The response to the upgrade request (its WebSocket end taken by the client).
    pub response: HttpResponse,
    /// (ms since the run started, event), in order.
    pub events: Vec<(u64, ClientEvent)>,
    /// The fetch invocation's report, once it ended (an `accept()`ed socket keeps it open until
    /// the socket closes).
    pub report: Option<InvocationReport>,
    /// Everything the platform recorded: Durable Object logs, calls, hibernation.
    pub trace: Vec<TraceEvent>,
}

impl Session {
    /// The text frames the client received, in order.
    pub fn received_texts(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|(_, e)| match e {
                ClientEvent::Received(Frame::Text(t)) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Sends `request` (an upgrade) to `worker` and, if the answer hands over a WebSocket, runs
/// `script` on it as a client at the same colo would, while the Worker keeps running.
pub fn websocket_session(
    worker: &WorkerDefinition,
    limits: Limits,
    request: HttpRequest,
    script: ClientScript,
    options: &Serve,
) -> Result<Session, OneColoError> {
    crate::d1::check_migrations(worker)?;
    let runtime =
        madsim::runtime::Runtime::with_seed_and_config(options.seed, madsim::Config::default());
    let isolate_config = worker.isolate_config(limits.clone());
    let options = options.clone();
    runtime.block_on(async move {
        let start = madsim::time::Instant::now();
        let colo = options.colo.as_str();
        let mut platform = Platform::single(options.seed, DEFAULT_EPOCH_MS, start, colo);
        platform.declare_origins(options.declared_origins.clone());
        let platform = Rc::new(platform);
        let _end_of_run = crate::platform::EndOfRun(platform.clone());
        platform.origins.set_answerer(options.origins.clone());
        if let Some(setup) = &options.setup {
            setup(&platform);
        }
        let unit = WorkerUnit {
            definition: Rc::new(worker.clone()),
            limits,
        };
        platform.queues.register(&unit);
        platform.workflows.register(&unit);
        platform.d1.register(worker);
        let host = SimHost::new(
            seed::derive(options.seed, "isolate"),
            colo,
            platform.clone(),
        )
        .with_worker(unit);
        let mut isolate = Isolate::start(Rc::new(host), &isolate_config)?;
        isolate.set_colo(colo);
        let id = isolate.start_fetch(request, BodyUse::Keep);
        let mut response = None;
        let mut report = None;
        while response.is_none() {
            match isolate.next_event().await {
                Some(IsolateEvent::Responded {
                    id: rid,
                    response: r,
                }) if rid == id => {
                    response = Some(r);
                }
                Some(IsolateEvent::Finished(r)) if r.id == id => report = Some(r),
                Some(_) => {}
                None => return Err(OneColoError::NoResponse),
            }
        }
        let Some(mut response) = response else {
            return Err(OneColoError::NoResponse);
        };
        let mut events = Vec::new();
        if let Some(end) = response.web_socket.take() {
            let client = socket_client::run(end, &platform, script, |at, e| events.push((at, e)));
            futures::pin_mut!(client);
            let mut worker_done = report.is_some();
            loop {
                if worker_done {
                    client.as_mut().await;
                    break;
                }
                match futures::future::select(client.as_mut(), Box::pin(isolate.next_event())).await
                {
                    futures::future::Either::Left(((), _)) => break,
                    futures::future::Either::Right((Some(IsolateEvent::Finished(r)), _))
                        if r.id == id =>
                    {
                        report = Some(r);
                        worker_done = true;
                    }
                    futures::future::Either::Right((None, _)) => worker_done = true,
                    futures::future::Either::Right((Some(_), _)) => {}
                }
            }
        }
        // Let the server side see the client's last frames or its departure.
        while report.is_none() {
            match isolate.next_event().await {
                Some(IsolateEvent::Finished(r)) if r.id == id => report = Some(r),
                Some(_) => {}
                None => break,
            }
        }
        madsim::time::sleep(std::time::Duration::from_millis(options.gap_ms)).await;
        let trace = platform.trace.borrow().events.clone();
        Ok(Session {
            response,
            events,
            report,
            trace,
        })
    })
}
