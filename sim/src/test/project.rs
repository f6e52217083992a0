//! A project as `edgesim test` sees it: its vitest config (evaluated in edgesim's own runtime,
//! with the pool's helpers provided), the Worker its `poolOptions.workers` names, and its test
//! files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use edgesim_runtime::worker::config::{
    D1DatabaseConfig, KvNamespaceConfig, QueueConsumerConfig, R2BucketConfig, ServiceBindingConfig,
};
use edgesim_runtime::worker::small_bindings::HyperdriveConfig;
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use edgesim_runtime::{Limits, Plan};
use serde::Deserialize;

use super::TestError;
use super::config_worker::CONFIG_WORKER;

/// The config file names vitest looks for, in its order.
const CONFIG_FILES: &[&str] = &[
    "vitest.config.ts",
    "vitest.config.mts",
    "vitest.config.cts",
    "vitest.config.js",
    "vitest.config.mjs",
    "vitest.config.cjs",
];

const DEFAULT_INCLUDE: &[&str] = &["**/*.{test,spec}.?(c|m)[jt]s?(x)"];
const DEFAULT_EXCLUDE: &[&str] = &[
    "**/node_modules/**",
    "**/dist/**",
    "**/cypress/**",
    "**/.{idea,git,cache,output,temp}/**",
    "**/{karma,rollup,webpack,vite,vitest,jest,ava,babel,nyc,cypress,tsup,build,eslint,prettier}.config.*",
];

/// What edgesim reads of a vitest config (sim/src/test/js/pool_config.mjs `resolveConfig`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VitestConfig {
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub test_timeout: Option<u64>,
    pub hook_timeout: Option<u64>,
    pub global_setup: Option<Vec<String>>,
    /// Modules run before each test file, in its isolate (relative to the config's directory).
    pub setup_files: Option<Vec<String>>,
    /// `test.provide` and what the global setups provided: what `inject(key)` answers.
    pub provide: Option<serde_json::Map<String, serde_json::Value>>,
    /// Where the global setups' servers listen (`host:port`, each loopback name of each).
    #[serde(default)]
    pub listening: Vec<String>,
    /// `test.projects`: the configs (or directories holding one) that run as projects of
    /// their own (projects.rs).
    pub projects: Option<Vec<super::projects::ProjectEntry>>,
    #[serde(default)]
    pub workers: WorkersOptions,
    /// The config's top-level `define` (vite's): name -> expression.
    #[serde(default)]
    pub define: BTreeMap<String, String>,
    /// What a global setup's teardown threw (`String(error)`), which fails the run as vitest
    /// fails it.
    #[serde(skip)]
    pub teardown_error: Option<String>,
}

/// `test.poolOptions.workers`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkersOptions {
    pub main: Option<String>,
    pub single_worker: Option<bool>,
    pub isolated_storage: Option<bool>,
    pub wrangler: Option<WranglerRef>,
    #[serde(default)]
    pub miniflare: MiniflareOverrides,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WranglerRef {
    pub config_path: Option<String>,
    pub environment: Option<String>,
}

/// The Miniflare options a test config may set over the wrangler config.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MiniflareOverrides {
    pub bindings: Option<BTreeMap<String, serde_json::Value>>,
    pub compatibility_date: Option<String>,
    pub compatibility_flags: Option<Vec<String>>,
    pub kv_namespaces: Option<NameList>,
    pub d1_databases: Option<NameList>,
    pub r2_buckets: Option<NameList>,
    /// Binding name -> the connection string of the database it reaches.
    pub hyperdrives: Option<BTreeMap<String, String>>,
    pub queue_consumers: Option<QueueConsumers>,
    /// Binding name -> the Worker (and entrypoint) it reaches.
    pub service_bindings: Option<BTreeMap<String, ServiceTarget>>,
    /// Where the Worker's `fetch()` to the Internet goes instead.
    pub outbound_service: Option<ServiceTarget>,
    /// The other Workers of the run (auxiliary Workers), each configured as Miniflare
    /// configures one.
    pub workers: Option<Vec<super::auxiliary::AuxiliaryWorker>>,
}

/// Where a Miniflare `serviceBindings` entry (or `outboundService`) leads: a Worker's name,
/// `{ name, entrypoint, props }`, or a function of the config, which the config's own isolate
/// in the run calls (config_worker.rs).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ServiceTarget {
    Function {
        /// Where the function is in the config's pool options.
        #[serde(rename = "$edgesimConfigFunction")]
        function: Vec<serde_json::Value>,
    },
    /// `buildPagesASSETSBinding(dir)`: a Pages project's assets (see `pages_functions`).
    PagesAssets {
        #[serde(rename = "$edgesimPagesAssets")]
        dir: String,
    },
    Name(String),
    Entrypoint {
        name: String,
        entrypoint: Option<String>,
        #[serde(default)]
        props: serde_json::Map<String, serde_json::Value>,
    },
}

impl ServiceTarget {
    /// The service binding `binding` that leads here.
    fn binding(&self, binding: &str) -> ServiceBindingConfig {
        let (service, entrypoint, props) = match self {
            ServiceTarget::Function { function } => {
                let props = [("function".to_string(), function.clone().into())];
                (CONFIG_WORKER.to_string(), None, props.into_iter().collect())
            }
            ServiceTarget::Name(name) => (name.clone(), None, Default::default()),
            // Served by the Pages project itself; a binding that leads nowhere otherwise.
            ServiceTarget::PagesAssets { dir } => (dir.clone(), None, Default::default()),
            ServiceTarget::Entrypoint {
                name,
                entrypoint,
                props,
            } => (name.clone(), entrypoint.clone(), props.clone()),
        };
        ServiceBindingConfig {
            binding: binding.to_string(),
            service,
            entrypoint,
            props,
            environment: None,
            remote: None,
        }
    }

    fn is_function(&self) -> bool {
        matches!(self, ServiceTarget::Function { .. })
    }
}

/// Miniflare's `queueConsumers`: queue names, or a map from queue name to its settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum QueueConsumers {
    Names(Vec<String>),
    Settings(BTreeMap<String, QueueConsumerOverride>),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueConsumerOverride {
    pub max_batch_size: Option<u32>,
    /// Seconds.
    pub max_batch_timeout: Option<f64>,
    pub max_retries: Option<u32>,
    pub dead_letter_queue: Option<String>,
    pub retry_delay: Option<u32>,
}

/// Miniflare takes binding names as a list, or as a map from binding name to resource id.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NameList {
    Names(Vec<String>),
    Ids(BTreeMap<String, String>),
}

impl NameList {
    fn pairs(&self) -> Vec<(String, String)> {
        match self {
            NameList::Names(names) => names.iter().map(|n| (n.clone(), n.clone())).collect(),
            NameList::Ids(ids) => ids.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }
}

/// A Worker of a test run besides the tested one.
pub struct OtherWorker {
    pub definition: WorkerDefinition,
    pub limits: Limits,
    /// Every isolate of it starts from this random seed, not one of the run's (the config's,
    /// so it computes what the run's bindings were read from).
    pub isolate_seed: Option<u64>,
}

/// Every file and directory below `root` but `node_modules` and `.git`, in name order, with
/// its path relative to `root` in forward slashes (what vitest's globs match).
pub(super) fn project_entries(root: &Path) -> impl Iterator<Item = (String, walkdir::DirEntry)> {
    let walk = walkdir::WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.file_name() != "node_modules" && e.file_name() != ".git");
    walk.flatten().filter_map(move |entry| {
        let relative = entry.path().strip_prefix(root).ok()?;
        let name = relative.to_string_lossy().replace('\\', "/");
        Some((name, entry))
    })
}

/// The project at `root` as its vitest config (if it has one) describes it: the canonical
/// root, the config file, and what it resolves to.
pub(super) fn read_root(
    root: &Path,
) -> Result<(PathBuf, Option<PathBuf>, VitestConfig), TestError> {
    let root = std::fs::canonicalize(root)
        .map_err(|e| TestError::Project(format!("{}: {e}", root.display())))?;
    let config_file = config_in(&root);
    let vitest = read_config(&root, config_file.as_deref())?;
    Ok((root, config_file, vitest))
}

/// The vitest config file of directory `dir`, if it has one.
pub(super) fn config_in(dir: &Path) -> Option<PathBuf> {
    CONFIG_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

/// What config `file` (in `root`) resolves to; the defaults without one.
pub(super) fn read_config(root: &Path, file: Option<&Path>) -> Result<VitestConfig, TestError> {
    match file {
        Some(file) => super::config_worker::evaluate(root, file),
        None => Ok(VitestConfig::default()),
    }
}

/// Plain data, so the simulations of several files can run on threads of their own: each
/// loads the Worker for itself ([`Project::worker`]).
pub struct Project {
    pub root: PathBuf,
    /// The vitest config file read, if the project has one.
    pub config_file: Option<PathBuf>,
    pub vitest: VitestConfig,
    /// The wrangler environment (`--env`, else the config's `wrangler.environment`).
    pub env: Option<String>,
}

impl Project {
    /// Reads the project rooted at `root`: its vitest config and the Worker it tests.
    pub fn load(root: &Path, env: Option<&str>) -> Result<Project, TestError> {
        let (root, config_file, vitest) = read_root(root)?;
        Project::new(root, config_file, vitest, env)
    }

    /// The project of an evaluated config (`config_file` in `root`, if there is one).
    pub(super) fn new(
        root: PathBuf,
        config_file: Option<PathBuf>,
        vitest: VitestConfig,
        env: Option<&str>,
    ) -> Result<Project, TestError> {
        let project = Project {
            root,
            config_file,
            vitest,
            env: env.map(str::to_string),
        };
        // Once for the whole run, not per file and seed: the Worker loads, and its D1
        // migrations apply to an empty database.
        crate::d1::check_migrations(&project.worker()?)?;
        Ok(project)
    }

    /// The Worker the tests run against.
    pub fn worker(&self) -> Result<WorkerDefinition, TestError> {
        load_worker(
            &self.root,
            self.config_file.as_deref(),
            &self.vitest,
            self.env.as_deref(),
        )
    }

    /// The other Workers of the run: those the config's `miniflare.workers` adds, and the
    /// config itself when bindings lead to its functions or its global setups listen.
    pub fn other_workers(&self) -> Result<Vec<OtherWorker>, TestError> {
        let base = (self.config_file.as_deref())
            .and_then(Path::parent)
            .unwrap_or(&self.root);
        let listed = self.vitest.workers.miniflare.workers.iter().flatten();
        let mut others = Vec::new();
        for aux in listed {
            let definition = aux.load(base, &self.root, self.config_file.as_deref())?;
            others.push(OtherWorker {
                limits: definition.limits(Plan::Paid, None),
                definition,
                isolate_seed: None,
            });
        }
        if let Some(file) = &self.config_file
            && (self.calls_config_functions() || !self.vitest.listening.is_empty())
        {
            others.push(OtherWorker {
                definition: super::config_worker::definition(&self.root, file),
                limits: super::config_worker::limits(),
                isolate_seed: Some(super::config_worker::isolate_seed()),
            });
        }
        Ok(others)
    }

    /// Whether a binding or an outbound service leads to a function of the config.
    fn calls_config_functions(&self) -> bool {
        let miniflare = &self.vitest.workers.miniflare;
        let aux = miniflare.workers.iter().flatten().map(|w| &w.options);
        std::iter::once(miniflare).chain(aux).any(|options| {
            let bindings = options.service_bindings.iter().flat_map(|b| b.values());
            let mut targets = bindings.chain(options.outbound_service.as_ref());
            targets.any(ServiceTarget::is_function)
        })
    }

    /// The setup files, relative to the root, in the config's order.
    pub fn setup_files(&self) -> Vec<String> {
        let base = self
            .config_file
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(&self.root);
        let files = self.vitest.setup_files.iter().flatten();
        files
            .map(|f| {
                let path = base.join(f);
                match path.strip_prefix(&self.root) {
                    Ok(p) => p.to_string_lossy().replace('\\', "/"),
                    Err(_) => f.clone(),
                }
            })
            .collect()
    }

    /// The test files, relative to the root, sorted; `filters` keep those whose path contains
    /// one of them (as vitest's positional arguments do).
    pub fn test_files(&self, filters: &[String]) -> Result<Vec<String>, TestError> {
        let include = globs(self.vitest.include.as_deref(), DEFAULT_INCLUDE)?;
        let exclude = globs(self.vitest.exclude.as_deref(), DEFAULT_EXCLUDE)?;
        let mut files = Vec::new();
        for (name, entry) in project_entries(&self.root) {
            if !entry.file_type().is_file() {
                continue;
            }
            if include.is_match(&name)
                && !exclude.is_match(&name)
                && (filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
            {
                files.push(name);
            }
        }
        files.sort();
        Ok(files)
    }
}

/// Compiles vitest globs; extglobs (`?(c|m)`, `@(a|b)`) become globset alternations.
pub(super) fn globs(
    patterns: Option<&[String]>,
    defaults: &[&str],
) -> Result<globset::GlobSet, TestError> {
    let mut set = globset::GlobSetBuilder::new();
    let owned: Vec<String> = match patterns {
        Some(p) => p.to_vec(),
        None => defaults.iter().map(|s| s.to_string()).collect(),
    };
    for pattern in owned {
        for translated in translate_extglob(pattern.trim_start_matches("./")) {
            let glob = globset::GlobBuilder::new(&translated)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    TestError::Project(format!("test.include/exclude {pattern:?}: {e}"))
                })?;
            set.add(glob);
        }
    }
    set.build()
        .map_err(|e| TestError::Project(format!("test.include/exclude: {e}")))
}

/// The globs an extglob pattern stands for: `?(a|b)` (zero or one) gives one pattern without
/// it and one per alternative, `@(a|b)` (exactly one) one per alternative.
fn translate_extglob(pattern: &str) -> Vec<String> {
    let Some(at) = pattern
        .find("?(")
        .into_iter()
        .chain(pattern.find("@("))
        .min()
    else {
        return vec![pattern.to_string()];
    };
    let Some(close) = pattern[at..].find(')').map(|i| at + i) else {
        return vec![pattern.to_string()];
    };
    let (head, inner, tail) = (
        &pattern[..at],
        &pattern[at + 2..close],
        &pattern[close + 1..],
    );
    let optional = pattern[at..].starts_with('?');
    let mut alternatives: Vec<&str> = inner.split('|').collect();
    if optional {
        alternatives.insert(0, "");
    }
    alternatives
        .into_iter()
        .flat_map(|a| translate_extglob(&format!("{head}{a}{tail}")))
        .collect()
}

/// The Worker the tests run against: the wrangler config `poolOptions.workers.wrangler`
/// names (relative to the vitest config), else the project's own, with `main` and the
/// Miniflare overrides over it.
fn load_worker(
    root: &Path,
    config_file: Option<&Path>,
    vitest: &VitestConfig,
    env: Option<&str>,
) -> Result<WorkerDefinition, TestError> {
    let options = &vitest.workers;
    let base = config_file.and_then(Path::parent).unwrap_or(root);
    let wrangler = options.wrangler.as_ref();
    let env = env.or(wrangler.and_then(|w| w.environment.as_deref()));
    let path = match wrangler.and_then(|w| w.config_path.as_deref()) {
        Some(p) => base.join(p),
        None => root.to_path_buf(),
    };
    let main = options.main.as_deref().map(|m| base.join(m));
    if let Some(worker) = pages_functions(base, main.as_deref(), vitest, config_file)? {
        return Ok(worker);
    }
    if wrangler.is_none() && main.is_none() && !has_wrangler_config(root) {
        let mut worker = runner_without_main(root);
        apply_overrides(&mut worker.config, &options.miniflare, root)?;
        apply_vite_define(&mut worker.config, vitest, config_file)?;
        return Ok(worker);
    }
    let loaded = match &main {
        Some(main) if wrangler.is_some() => WorkerDefinition::load_config(&path, Some(main), env),
        Some(main) => WorkerDefinition::load_env(main, env),
        None => WorkerDefinition::load_env_or(&path, env, (RUNNER_ENTRY, RUNNER_MAIN)),
    };
    // A path the vitest config gave is reported against that config.
    let named_by_config = wrangler.is_some_and(|w| w.config_path.is_some()) || main.is_some();
    let mut worker = match (loaded, config_file) {
        (Ok(worker), _) => worker,
        (Err(e), Some(file)) if named_by_config => {
            return Err(TestError::in_config(
                Some(file),
                format!("poolOptions.workers: {e}"),
            ));
        }
        (Err(e), _) => return Err(e.into()),
    };
    apply_overrides(&mut worker.config, &options.miniflare, root)?;
    apply_vite_define(&mut worker.config, vitest, config_file)?;
    Ok(worker)
}

/// The vitest config's `define`, replaced in the modules as vite replaces them (it applies once
/// the test run builds the Worker's modules with its own).
fn apply_vite_define(
    config: &mut WranglerConfig,
    vitest: &VitestConfig,
    config_file: Option<&Path>,
) -> Result<(), TestError> {
    let mut check = edgesim_runtime::engine::modules::define::Defines::default();
    check
        .add(&vitest.define, false)
        .map_err(|e| TestError::in_config(config_file, e.to_string()))?;
    config.vite_define = vitest.define.clone();
    Ok(())
}

/// The Pages project the pool tests from its build output: a `main` that `wrangler pages
/// functions build` writes (not there yet) beside a `functions/` directory, whose `ASSETS` come
/// from `buildPagesASSETSBinding(dir)`. edgesim builds the Worker from `functions/` itself and
/// serves `dir` as the project's assets, so no build step is needed.
fn pages_functions(
    base: &Path,
    main: Option<&Path>,
    vitest: &VitestConfig,
    config_file: Option<&Path>,
) -> Result<Option<WorkerDefinition>, TestError> {
    let miniflare = &vitest.workers.miniflare;
    let bindings = miniflare.service_bindings.iter().flatten();
    let assets = bindings.filter_map(|(name, target)| match target {
        ServiceTarget::PagesAssets { dir } => Some((name, dir)),
        _ => None,
    });
    let assets: Vec<(&String, &String)> = assets.collect();
    let built = main.is_some_and(|m| m.exists()) || !base.join("functions").is_dir();
    let refuse = |message: String| TestError::in_config(config_file, message);
    match (built, assets.as_slice()) {
        (true, []) => return Ok(None),
        (true, _) => {
            return Err(refuse(
                "buildPagesASSETSBinding(): edgesim serves it for a Pages project whose Worker \
                 it builds from functions/ (`main` naming `wrangler pages functions build` output)"
                    .into(),
            ));
        }
        (false, [(name, _)]) if name.as_str() != "ASSETS" => {
            return Err(refuse(format!(
                "serviceBindings.{name}: a Pages project's assets are bound as ASSETS"
            )));
        }
        _ => {}
    }
    let output_dir = match assets.first() {
        Some((_, dir)) => Path::new(dir.as_str())
            .strip_prefix(base)
            .map_err(|_| {
                refuse(format!(
                    "buildPagesASSETSBinding({dir:?}): not inside {}",
                    base.display()
                ))
            })?
            .to_string_lossy()
            .replace('\\', "/"),
        None => return Ok(None),
    };
    let mut config = WranglerConfig {
        pages_build_output_dir: Some(output_dir),
        ..Default::default()
    };
    let mut overrides = miniflare.clone();
    (overrides.service_bindings.iter_mut())
        .for_each(|b| b.retain(|_, t| !matches!(t, ServiceTarget::PagesAssets { .. })));
    apply_overrides(&mut config, &overrides, base)?;
    apply_vite_define(&mut config, vitest, config_file)?;
    let worker = WorkerDefinition::pages_in_memory(base, config)?;
    Ok(Some(worker))
}

/// Whether `dir` holds a wrangler config of its own.
fn has_wrangler_config(dir: &Path) -> bool {
    ["wrangler.jsonc", "wrangler.json", "wrangler.toml"]
        .iter()
        .any(|name| dir.join(name).is_file())
}

/// The runner's handlers without a `main`: each throws the pool's error (env.ts
/// `getResolvedMainPath`; the pool ends it with its serialized options, edgesim with `{}`).
const RUNNER_MAIN: &str = "const noMain = () => { throw new Error(\"Using service bindings to the \
    current worker requires `poolOptions.workers.main` to be set to your worker's entrypoint: \
    {}\"); };\nexport default { fetch: noMain, scheduled: noMain, queue: noMain };\n";

/// The Worker the tests run in when the project names none (no `main` in the vitest config or
/// the wrangler config, if there is one): the pool's runner alone, with no handlers, whose
/// bindings the configs give — such suites test auxiliary Workers through service bindings.
fn runner_without_main(root: &Path) -> WorkerDefinition {
    let config = WranglerConfig {
        name: Some("vitest-pool-workers-runner".to_string()),
        main: Some(RUNNER_ENTRY.to_string()),
        ..Default::default()
    };
    let modules = vec![(RUNNER_ENTRY.to_string(), Rc::from(RUNNER_MAIN))];
    WorkerDefinition::with_virtual_main(config, root, RUNNER_ENTRY, modules)
}

/// The name of the runner's entry module when the project names no `main`.
const RUNNER_ENTRY: &str = "edgesim:test/runner-main";

pub(super) fn apply_overrides(
    config: &mut WranglerConfig,
    overrides: &MiniflareOverrides,
    root: &Path,
) -> Result<(), TestError> {
    if let Some(date) = &overrides.compatibility_date {
        config.compatibility_date = Some(date.clone());
    }
    if let Some(flags) = &overrides.compatibility_flags {
        config.compatibility_flags = flags.clone();
    }
    for (name, value) in overrides.bindings.iter().flatten() {
        config
            .vars
            .insert(name.clone(), resolve_markers(value.clone(), root)?);
    }
    for (binding, id) in overrides.kv_namespaces.iter().flat_map(NameList::pairs) {
        config.kv_namespaces.retain(|k| k.binding != binding);
        config.kv_namespaces.push(KvNamespaceConfig {
            binding,
            id: Some(id),
            ..Default::default()
        });
    }
    for (binding, id) in overrides.d1_databases.iter().flat_map(NameList::pairs) {
        config.d1_databases.retain(|d| d.binding != binding);
        config.d1_databases.push(D1DatabaseConfig {
            binding,
            database_id: Some(id),
            ..Default::default()
        });
    }
    if let Some(consumers) = &overrides.queue_consumers {
        apply_queue_consumers(config, consumers);
    }
    for (binding, target) in overrides.service_bindings.iter().flatten() {
        config.services.retain(|s| s.binding != *binding);
        config.services.push(target.binding(binding));
    }
    if let Some(target) = &overrides.outbound_service {
        config.outbound = Some(target.binding("outboundService"));
    }
    for (binding, connection) in overrides.hyperdrives.iter().flatten() {
        config.hyperdrive.retain(|h| h.binding != *binding);
        config.hyperdrive.push(HyperdriveConfig {
            binding: binding.clone(),
            id: None,
            local_connection_string: Some(connection.clone()),
        });
    }
    for (binding, name) in overrides.r2_buckets.iter().flat_map(NameList::pairs) {
        config.r2_buckets.retain(|b| b.binding != binding);
        config.r2_buckets.push(R2BucketConfig {
            binding,
            bucket_name: Some(name),
            ..Default::default()
        });
    }
    Ok(())
}

/// Makes each queue named a consumer of the Worker's, with the settings given over those of
/// its wrangler config.
fn apply_queue_consumers(config: &mut WranglerConfig, consumers: &QueueConsumers) {
    let settings: Vec<(String, QueueConsumerOverride)> = match consumers {
        QueueConsumers::Names(names) => (names.iter())
            .map(|n| (n.clone(), QueueConsumerOverride::default()))
            .collect(),
        QueueConsumers::Settings(map) => map.clone().into_iter().collect(),
    };
    let queues = config.queues.get_or_insert_with(Default::default);
    for (queue, set) in settings {
        let consumer = match queues.consumers.iter_mut().position(|c| c.queue == queue) {
            Some(at) => &mut queues.consumers[at],
            None => {
                queues.consumers.push(QueueConsumerConfig {
                    queue,
                    ..Default::default()
                });
                let last = queues.consumers.len() - 1;
                &mut queues.consumers[last]
            }
        };
        consumer.max_batch_size = set.max_batch_size.or(consumer.max_batch_size);
        consumer.max_batch_timeout = set.max_batch_timeout.or(consumer.max_batch_timeout);
        consumer.max_retries = set.max_retries.or(consumer.max_retries);
        consumer.dead_letter_queue = set.dead_letter_queue.or(consumer.dead_letter_queue.take());
        consumer.retry_delay = set.retry_delay.or(consumer.retry_delay);
    }
}

/// Replaces what `readD1Migrations(dir)` returned with the migrations it names, as the pool
/// gives them (`[{ name, queries }]`).
fn resolve_markers(value: serde_json::Value, root: &Path) -> Result<serde_json::Value, TestError> {
    use serde_json::Value;
    Ok(match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$edgesimD1Migrations") => {
            let dir = map
                .get("$edgesimD1Migrations")
                .and_then(Value::as_str)
                .unwrap_or_default();
            super::migrations::read(&root.join(dir))?
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| Ok((k, resolve_markers(v, root)?)))
                .collect::<Result<_, TestError>>()?,
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| resolve_markers(v, root))
                .collect::<Result<_, _>>()?,
        ),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::translate_extglob;

    #[test]
    fn extglobs_become_one_glob_per_alternative() {
        assert_eq!(
            translate_extglob("*.?(c|m)js?(x)"),
            ["*.js", "*.jsx", "*.cjs", "*.cjsx", "*.mjs", "*.mjsx"]
        );
        assert_eq!(
            translate_extglob("src/@(a|b)/*.ts"),
            ["src/a/*.ts", "src/b/*.ts"]
        );
    }

    #[test]
    fn the_default_include_finds_spec_and_test_files_at_any_depth() {
        let set = super::globs(None, super::DEFAULT_INCLUDE).unwrap();
        for name in [
            "test/index.spec.ts",
            "a.test.mjs",
            "src/x/y.spec.tsx",
            "t.test.cts",
        ] {
            assert!(set.is_match(name), "{name}");
        }
        for name in ["test/index.ts", "spec.ts", "a.test.json"] {
            assert!(!set.is_match(name), "{name}");
        }
    }
}
