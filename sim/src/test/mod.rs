//! `edgesim test`: a project's vitest test files (vitest-pool-workers style) run inside the
//! simulated platform, one simulation per file and seed, each replayable from its seed.

mod auxiliary;
mod colo_fetch;
mod config_worker;
mod migrations;
mod objects;
pub mod project;
pub mod projects;
pub mod report;
pub mod run_file;
pub mod snapshots;
pub(crate) mod world;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use colo_fetch::ColoFetcher;
pub use project::{OtherWorker, Project};
pub use projects::{Member, Workspace};
pub use report::FileOutcome;
pub use run_file::{FileOptions, FileReport, SnapshotUpdate, TestResult, TestStatus, run_file};

use edgesim_runtime::Plan;
use edgesim_runtime::storage::d1_migrations::MigrationError;

#[derive(Debug, thiserror::Error)]
pub enum TestError {
    #[error(transparent)]
    Load(#[from] edgesim_runtime::worker::WorkerLoadError),
    /// The cause is in the message, not a `source` too: a chain printed with `{:#}` would
    /// say it twice.
    #[error("D1 migrations: {0}")]
    Migration(MigrationError),
    #[error("edgesim's test runner sent a report it cannot read: {0}")]
    Report(String),
    #[error("{0}")]
    Project(String),
    #[error("{file}: {message}")]
    Config { file: String, message: String },
}

impl TestError {
    /// A fault of the vitest config `config_file` (named by its file name).
    pub(crate) fn in_config(config_file: Option<&std::path::Path>, message: String) -> Self {
        let file = config_file.and_then(std::path::Path::file_name);
        TestError::Config {
            file: file.map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            message,
        }
    }
}

impl From<MigrationError> for TestError {
    fn from(e: MigrationError) -> Self {
        TestError::Migration(e)
    }
}

/// How a project's tests run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Each file runs once per seed.
    pub seeds: Vec<u64>,
    /// Simulations at a time.
    pub jobs: usize,
    /// `-t`: a regular expression over tests' full names.
    pub pattern: Option<String>,
    pub update: SnapshotUpdate,
    /// FileOptions::kv_write_limit.
    pub kv_write_limit: bool,
}

impl Default for RunOptions {
    /// One run from seed 0, one simulation at a time, every test, no snapshot written, KV
    /// without production's per-key write limit.
    fn default() -> Self {
        RunOptions {
            seeds: vec![0],
            jobs: 1,
            pattern: None,
            update: SnapshotUpdate::None,
            kv_write_limit: false,
        }
    }
}

/// Runs `files` of `project` under every seed, `jobs` simulations at a time, each on a fresh
/// thread; the result is in (seed, file) order whatever the scheduling. Snapshots are written
/// from the first seed's run only.
pub fn run(
    project: &Project,
    files: &[String],
    options: &RunOptions,
) -> Result<Vec<(u64, FileOutcome)>, TestError> {
    let work: Vec<(u64, &String)> = options
        .seeds
        .iter()
        .flat_map(|seed| files.iter().map(move |f| (*seed, f)))
        .collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(work.len()));
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(seed, file)) = work.get(k) else {
                        break;
                    };
                    let outcome = std::thread::scope(|inner| {
                        inner
                            .spawn(|| one_file(project, file, seed, options))
                            .join()
                            .unwrap_or_else(|_| {
                                Ok(FileReport::load_failure(
                                    "Error",
                                    "the simulation panicked (an edgesim bug)".to_string(),
                                ))
                            })
                    });
                    if let Ok(mut r) = results.lock() {
                        r.push((k, seed, file.clone(), outcome));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(k, ..)| *k);
    let first_seed = options.seeds.first().copied();
    let mut out = Vec::new();
    for (_, seed, file, report) in results {
        let report = report?;
        if Some(seed) == first_seed {
            snapshots::write(&project.root, &file, &report.snapshots)?;
        }
        out.push((seed, FileOutcome { file, report }));
    }
    Ok(out)
}

fn one_file(
    project: &Project,
    file: &str,
    seed: u64,
    options: &RunOptions,
) -> Result<FileReport, TestError> {
    let worker = project.worker()?;
    let others = project.other_workers()?;
    let snapshot_file = std::fs::read_to_string(snapshots::snapshot_path(&project.root, file)).ok();
    let file_options = FileOptions {
        file: file.to_string(),
        root: project.root.clone(),
        seed,
        setup_files: project.setup_files(),
        provide: project.vitest.provide.clone(),
        listening: project.vitest.listening.clone(),
        pattern: options.pattern.clone(),
        snapshot_file,
        update_snapshots: options.update,
        test_timeout: project.vitest.test_timeout,
        hook_timeout: project.vitest.hook_timeout,
        isolated_storage: project.vitest.workers.isolated_storage.unwrap_or(true),
        kv_write_limit: options.kv_write_limit,
    };
    let limits = worker.limits(Plan::Paid, None);
    run_file(&worker, &others, limits, &file_options, seed)
}
