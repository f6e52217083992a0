//! One test file run inside the simulated platform: the project's Worker loaded at one colo
//! with `vitest` and `cloudflare:test` importable, the file run as one invocation of that
//! isolate (`Isolate::start_test`), and its report read back.

use std::rc::Rc;

use edgesim_runtime::worker::WorkerDefinition;
use edgesim_runtime::{Isolate, IsolateEvent, Limits};
use serde::Deserialize;

use super::objects::{Due, HostedObjects};
use super::{ColoFetcher, TestError};
use crate::durable_objects::WorkerUnit;
use crate::durable_objects::{HomeCall, next_socket_event};
use crate::host::{DEFAULT_EPOCH_MS, SimHost};
use crate::one_colo::ONE_COLO;
use crate::platform::Platform;
use crate::seed;
use edgesim_runtime::socket::hibernation::SocketEvent;
use edgesim_runtime::storage::durable::ObjectAddress;

/// The module that imports the test file, so the runner can import it by a name of its own.
const ENTRY: &str = edgesim_runtime::engine::modules::TEST_ENTRY;

/// What the runner needs besides the file.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileOptions {
    /// The test file, relative to the project's root.
    pub file: String,
    /// The project's root, which the Worker's own may lie inside (`wrangler.configPath`
    /// naming `src/wrangler.jsonc`).
    #[serde(skip)]
    pub root: std::path::PathBuf,
    /// The run's seed (`sim.seed`).
    pub seed: u64,
    /// `test.setupFiles`, relative to the root: imported before the file.
    #[serde(skip)]
    pub setup_files: Vec<String>,
    /// `test.provide`: what `inject(key)` answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provide: Option<serde_json::Map<String, serde_json::Value>>,
    /// Where the config's global setups listen: a connection there reaches the config's
    /// isolate in this run.
    #[serde(skip)]
    pub listening: Vec<String>,
    /// `-t`: only tests whose full name matches this regular expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The text of the file's `__snapshots__/<file>.snap`, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_file: Option<String>,
    pub update_snapshots: SnapshotUpdate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook_timeout: Option<u64>,
    /// `poolOptions.workers.isolatedStorage` (default true): each test's writes are undone.
    pub isolated_storage: bool,
    /// Keep production's one write per second per KV key, which the pool's local KV does not
    /// have (off by default, so suites written for the pool pass as they do there).
    #[serde(skip)]
    pub kv_write_limit: bool,
}

/// When snapshots are written, as vitest's `update` option: new ones outside CI, none in CI,
/// all with `-u`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotUpdate {
    New,
    None,
    All,
}

/// What the runner reported for one file (api/test/runner.js `runFile`).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    pub tests: Vec<TestResult>,
    #[serde(default)]
    pub suite_errors: Vec<SuiteError>,
    /// The file failed to load (a syntax error, a missing import, a throw at top level).
    pub load_error: Option<Failure>,
    /// Simulated milliseconds the file took.
    pub duration_ms: u64,
    pub snapshots: SnapshotReport,
    /// What the Worker and the tests wrote to the console, in order.
    #[serde(default)]
    pub logs: Vec<edgesim_runtime::engine::io_state::LogLine>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestResult {
    pub name: String,
    /// The enclosing `describe` names, outermost first.
    pub ancestors: Vec<String>,
    pub status: TestStatus,
    pub duration_ms: u64,
    pub errors: Vec<Failure>,
}

impl TestResult {
    /// `suite > test`, as vitest names a test.
    pub fn full_name(&self) -> String {
        self.ancestors
            .iter()
            .chain(std::iter::once(&self.name))
            .cloned()
            .collect::<Vec<_>>()
            .join(" > ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    Passed,
    Failed,
    Skipped,
    Todo,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Failure {
    pub name: String,
    pub message: String,
    #[serde(default)]
    pub stack: String,
    /// `- Expected / + Received` lines, when the values differ in print.
    #[serde(default)]
    pub diff: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct SuiteError {
    pub name: String,
    pub errors: Vec<Failure>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct SnapshotReport {
    pub added: u32,
    pub updated: u32,
    pub matched: u32,
    pub unmatched: u32,
    /// The snapshot file's new text, when it changed.
    #[serde(default)]
    pub file: Option<String>,
    /// Inline snapshots to write into the test file.
    #[serde(default)]
    pub inline: Vec<InlineSnapshot>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct InlineSnapshot {
    pub line: usize,
    pub column: usize,
    pub snapshot: String,
}

impl FileReport {
    /// A file that could not run at all.
    pub fn load_failure(name: &str, message: String) -> Self {
        FileReport {
            load_error: Some(Failure {
                name: name.to_string(),
                message,
                stack: String::new(),
                diff: None,
            }),
            ..Default::default()
        }
    }

    pub fn failed(&self) -> bool {
        self.load_error.is_some()
            || !self.suite_errors.is_empty()
            || self.tests.iter().any(|t| t.status == TestStatus::Failed)
    }
}

/// The platform a test file runs on: every colo edgesim knows, the test's own isolate at
/// [`ONE_COLO`], KV's central store where production has it — so a request at another colo
/// sees that colo's KV cache and latency.
fn test_platform(seed: u64, start: madsim::time::Instant) -> Platform {
    let own = crate::world::colos::built_in(ONE_COLO);
    let others = crate::world::colos::built_in_names()
        .filter(|name| *name != ONE_COLO)
        .filter_map(crate::world::colos::built_in);
    let colos: Vec<_> = own.into_iter().chain(others).collect();
    Platform::new(seed, DEFAULT_EPOCH_MS, start, &colos, Default::default())
}

/// The global setups' servers as origins of the run's network, answered by the config's
/// isolate.
fn listeners(addresses: &[String]) -> crate::origins::OriginTable {
    use crate::origins::{Answer, Origin, OriginKey};
    let origins = (addresses.iter())
        .filter_map(|address| {
            Some(Origin {
                label: address.clone(),
                key: OriginKey::parse(address)?,
                place: None,
                answer: Answer::Listener {
                    service: super::config_worker::CONFIG_WORKER.to_string(),
                },
            })
        })
        .collect();
    crate::origins::OriginTable { origins }
}

/// Runs test file `options.file` of `worker` in a fresh simulation seeded with `seed`, with
/// `others` (the config's auxiliary Workers) reachable through service bindings (the Worker's
/// D1 migrations were checked once, by Project::load).
pub fn run_file(
    worker: &WorkerDefinition,
    others: &[super::OtherWorker],
    limits: Limits,
    options: &FileOptions,
    seed: u64,
) -> Result<FileReport, TestError> {
    // Setup files first, then the test file, each once, in the isolate the tests run in; each
    // is linked only once the one before has run, as vitest runs them, so mocks a setup file
    // registers apply to what the test file imports.
    let entry_source: String = options
        .setup_files
        .iter()
        .chain(std::iter::once(&options.file))
        .map(|f| {
            let specifier = import_specifier(&worker.root, &options.root.join(f));
            format!("await import({});\n", serde_json::Value::from(specifier))
        })
        .collect();
    let modules = edgesim_runtime::api::test::MODULES
        .iter()
        .map(|(name, source)| (name.to_string(), Rc::from(*source)))
        .chain(std::iter::once((ENTRY.to_string(), Rc::from(entry_source))))
        .collect();
    let worker = worker.with_virtual_modules(modules, Some(&options.root));
    let options_json = serde_json::to_string(options).unwrap_or_else(|_| "{}".into());
    let kv_write_limit = options.kv_write_limit;
    let runtime = madsim::runtime::Runtime::with_seed_and_config(seed, madsim::Config::default());
    let isolate_config = worker.isolate_config(limits.clone());
    runtime.block_on(async move {
        let start = madsim::time::Instant::now();
        let mut platform = test_platform(seed, start);
        platform.declare_origins(Rc::new(listeners(&options.listening)));
        let platform = Rc::new(platform);
        platform
            .kv
            .central()
            .set_same_key_write_limit(kv_write_limit);
        let _end_of_run = crate::platform::EndOfRun(platform.clone());
        let definition = Rc::new(worker.clone());
        let unit = WorkerUnit {
            definition: definition.clone(),
            limits: limits.clone(),
        };
        platform.queues.register(&unit);
        platform.workflows.register(&unit);
        (platform.workflows.retry_delay_default_ms).set(crate::workflows::RETRY_DELAY_LOCAL_DEV_MS);
        platform.d1.register(&worker);
        let colos = ColoFetcher::new(seed, platform.clone(), definition.clone(), limits.clone());
        connect_services(&platform, &colos, (definition, limits.clone()), others);
        let host = SimHost::new(seed::derive(seed, "isolate"), ONE_COLO, platform.clone())
            .with_worker(unit.clone())
            .with_own_objects()
            .with_colo_fetcher(Rc::new(colos));
        let mut isolate = match Isolate::start(Rc::new(host), &isolate_config) {
            Ok(isolate) => isolate,
            Err(e) => return Ok(FileReport::load_failure("Error", e.to_string())),
        };
        isolate.set_colo(ONE_COLO);
        let (home, mut calls) = futures::channel::mpsc::unbounded();
        platform.objects.set_test_home(&worker.name, home);
        let mut objects = HostedObjects::new(platform.clone(), unit);
        let id = isolate.start_test(ENTRY, options_json);
        let mut logs = Vec::new();
        loop {
            let event = match next(&mut isolate, &mut objects, &mut calls, &platform).await {
                Step::Event(event) => match objects.on_event(&mut isolate, *event) {
                    Some(event) => Some(event),
                    None => continue,
                },
                Step::Served => continue,
                Step::Stalled => None,
            };
            match event {
                Some(IsolateEvent::Finished(report)) if report.id == id => {
                    logs.extend(report.logs);
                    logs.sort_by_key(|l| l.seq);
                    let mut out = match report.returned {
                        Some(json) => serde_json::from_str::<FileReport>(&json)
                            .map_err(|e| TestError::Report(e.to_string()))?,
                        None => FileReport::load_failure(
                            "Error",
                            report.exception.unwrap_or_else(|| {
                                format!("the test run ended: {:?}", report.outcome)
                            }),
                        ),
                    };
                    out.logs = logs;
                    return Ok(out);
                }
                Some(IsolateEvent::Finished(report)) => logs.extend(report.logs),
                Some(_) => {}
                None => {
                    return Ok(FileReport::load_failure(
                        "Error",
                        "the test file's run stopped with nothing left to wake it".to_string(),
                    ));
                }
            }
        }
    })
}

/// Makes the tested Worker and `others` the targets of service bindings, run in isolates of
/// the colo fetcher's pool (a binding from the tested Worker to itself stays in its isolate).
fn connect_services(
    platform: &Platform,
    colos: &ColoFetcher,
    tested: (Rc<WorkerDefinition>, Limits),
    others: &[super::OtherWorker],
) {
    let mut workers = std::collections::BTreeMap::new();
    for other in others {
        let unit = WorkerUnit {
            definition: Rc::new(other.definition.clone()),
            limits: other.limits.clone(),
        };
        platform.queues.register(&unit);
        platform.workflows.register(&unit);
        platform.d1.register(&other.definition);
        if let Some(seed) = other.isolate_seed {
            (colos.pool().borrow_mut()).fix_isolate_seed(&other.definition.name, seed);
        }
        workers.insert(
            other.definition.name.clone(),
            (unit.definition, unit.limits),
        );
    }
    workers.insert(tested.0.name.clone(), tested);
    platform.services.connect(colos.pool(), &workers);
}

/// How a module at the Worker's root imports `file`: `./test/a.spec.ts`, or
/// `../test/a.spec.ts` when the Worker's root is a directory of the project.
fn import_specifier(worker_root: &std::path::Path, file: &std::path::Path) -> String {
    let canonical =
        |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (canonical(worker_root), canonical(file));
    let shared = (from.components().zip(to.components()))
        .take_while(|(a, b)| a == b)
        .count();
    let up = from.components().count() - shared;
    let down: Vec<String> = (to.components().skip(shared))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let prefix = match up {
        0 => "./".to_string(),
        n => "../".repeat(n),
    };
    format!("{prefix}{}", down.join("/"))
}

/// What the test isolate's driver did next.
enum Step {
    /// Boxed: an event carries its invocation's CPU counts.
    Event(Box<IsolateEvent>),
    /// A call the platform brought was queued into the isolate, or a due alarm was run.
    Served,
    /// Nothing is left that could wake the isolate.
    Stalled,
}

/// Waits for the test isolate's next event while serving its hosted objects.
async fn next(
    isolate: &mut Isolate,
    objects: &mut HostedObjects,
    calls: &mut futures::channel::mpsc::UnboundedReceiver<HomeCall>,
    platform: &Platform,
) -> Step {
    use futures::{FutureExt, StreamExt};
    let due = objects.next_due();
    let wait_ms = (due.as_ref()).map(|due| due.at_ms().saturating_sub(platform.now_ms()));
    let wait = crate::wait::sleep_for(wait_ms);
    enum Next {
        Event(Option<IsolateEvent>),
        Call(Option<HomeCall>),
        Socket(ObjectAddress, SocketEvent),
        Due,
    }
    let sets = objects.socket_sets();
    let sockets = async {
        match sets.is_empty() {
            true => std::future::pending().await,
            false => next_socket_event(&sets, platform).await,
        }
    };
    let next = {
        let mut event = Box::pin(isolate.next_event().fuse());
        let mut wait = Box::pin(wait.fuse());
        let mut sockets = Box::pin(sockets.fuse());
        futures::select_biased! {
            e = event => Next::Event(e),
            c = calls.next() => Next::Call(c),
            (address, s) = sockets => Next::Socket(address, s),
            () = wait => Next::Due,
        }
    };
    let step = match next {
        Next::Event(Some(event)) => return Step::Event(Box::new(event)),
        // The isolate is idle: a call may still be on its way, or something due later.
        Next::Event(None) => {
            if let Ok(call) = calls.try_recv() {
                objects.receive(isolate, call);
            } else if let Some(due) = due {
                crate::wait::sleep_for(wait_ms).await;
                serve_due(isolate, objects, due);
            } else {
                return Step::Stalled;
            }
            Step::Served
        }
        Next::Call(Some(call)) => {
            objects.receive(isolate, call);
            Step::Served
        }
        Next::Call(None) => Step::Stalled,
        Next::Socket(address, event) => {
            objects.socket_event(isolate, address, event);
            Step::Served
        }
        Next::Due => {
            if let Some(due) = due {
                serve_due(isolate, objects, due);
            }
            Step::Served
        }
    };
    objects.evict_idle(isolate);
    step
}

fn serve_due(isolate: &mut Isolate, objects: &mut HostedObjects, due: Due) {
    match due {
        Due::Alarm(address, attempt) => objects.ring(isolate, address, attempt),
        // HostedObjects::evict_idle answers an eviction past its deadline.
        Due::Eviction(_) => {}
    }
}
