//! A Worker as the user wrote it: its configuration and its code.

pub mod compat;
pub mod config;
pub mod dev_vars;
pub mod pages;
pub mod small_bindings;

use std::path::{Path, PathBuf};
use std::rc::Rc;

pub use config::{ConfigError, WranglerConfig};

use crate::assets::{LoadOptions, StaticAssets};
use crate::bindings::Binding;
use crate::engine::isolate::IsolateConfig;
use crate::engine::modules::define::Defines;
use crate::engine::modules::{Bundle, ModuleOptions, ModuleRules, NodeImports};
use crate::limits::{Limits, Plan};
use crate::storage::d1_migrations::{self, MigrationError, Migrations};
use pages::PagesWorker;

/// The config file names wrangler looks for, in its order of preference.
pub const CONFIG_FILES: &[&str] = &["wrangler.json", "wrangler.jsonc", "wrangler.toml"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerLoadError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}: no wrangler.json, wrangler.jsonc or wrangler.toml in this directory")]
    NoConfig(String),
    #[error("{file}: no \"main\" entry point and no assets: set `main = \"src/index.js\"`")]
    NoMain { file: String },
    #[error("{0}: no such file")]
    Missing(String),
    #[error(transparent)]
    DevVars(#[from] dev_vars::DevVarsError),
    #[error(transparent)]
    Assets(#[from] crate::assets::AssetsError),
    /// A Pages project that cannot run (pages::PagesError, as text).
    #[error("{file}: {message}")]
    Pages { file: String, message: String },
}

/// Config files whatever their name: a `.toml`, `.json` or `.jsonc` path is never run as a
/// script.
const CONFIG_EXTENSIONS: &[&str] = &["toml", "json", "jsonc"];

/// What a path names.
enum Entry {
    /// A wrangler config (named, in a directory, or above a script), and the script that
    /// replaces its `main`, when the path named a script.
    Config {
        config: PathBuf,
        main: Option<PathBuf>,
    },
    /// A script with no wrangler config above it.
    Script(PathBuf),
}

impl Entry {
    fn of(path: &Path) -> Result<Entry, WorkerLoadError> {
        if !path.exists() {
            return Err(WorkerLoadError::Missing(path.display().to_string()));
        }
        if path.is_dir() {
            return config_in(path)
                .map(|config| Entry::Config { config, main: None })
                .ok_or_else(|| WorkerLoadError::NoConfig(path.display().to_string()));
        }
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if CONFIG_EXTENSIONS.contains(&extension) {
            return Ok(Entry::Config {
                config: path.to_path_buf(),
                main: None,
            });
        }
        // A script inside a project runs with the project's config, found in the nearest
        // directory above it that has one.
        let script = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let config = script.ancestors().skip(1).find_map(config_in);
        Ok(match config {
            Some(config) => Entry::Config {
                config,
                main: Some(script),
            },
            None => Entry::Script(path.to_path_buf()),
        })
    }
}

/// The wrangler config in `dir`, in wrangler's order of preference.
fn config_in(dir: &Path) -> Option<PathBuf> {
    CONFIG_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

/// The Worker an assets-only project (no `main`) deploys as: wrangler uploads a placeholder
/// script, which the router never runs.
const ASSETS_ONLY_MAIN: &str = "assets-only.js";
const ASSETS_ONLY_SOURCE: &str = "export default {};\n";

/// The config's static assets, read now.
fn load_assets(
    config: &WranglerConfig,
    file: &str,
    root: &Path,
) -> Result<Option<Rc<StaticAssets>>, WorkerLoadError> {
    let Some(assets) = &config.assets else {
        return Ok(None);
    };
    let options = LoadOptions {
        config_file: file,
        root,
        navigation_prefers_assets: crate::assets::config::asset_flag_on(
            crate::assets::config::NAVIGATION_PREFERS_ASSETS,
            config.compatibility_date.as_deref(),
            &config.compatibility_flags,
        ),
    };
    Ok(Some(Rc::new(StaticAssets::load(assets, &options)?)))
}

/// A Pages project's Worker and assets, set into `config` (`main` for `_worker.js`, `assets`
/// for the output directory); `None` for a Worker project.
fn pages_project(
    config: &mut WranglerConfig,
    file: &str,
    root: &Path,
) -> Result<Option<PagesWorker>, WorkerLoadError> {
    let Some(output_dir) = config.pages_build_output_dir.clone() else {
        return Ok(None);
    };
    if config.main.is_some() || config.assets.is_some() {
        return Ok(None);
    }
    let project =
        pages::PagesProject::load(root, &output_dir).map_err(|e| WorkerLoadError::Pages {
            file: file.to_string(),
            message: e.to_string(),
        })?;
    config.assets = Some(project.assets);
    if let PagesWorker::Advanced(main) = &project.worker {
        config.main = Some(main.clone());
    }
    Ok(Some(project.worker))
}

/// The directory a file is in (`.` for a bare file name).
fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A loaded Worker definition, ready to start isolates from.
#[derive(Debug, Clone)]
pub struct WorkerDefinition {
    pub name: String,
    pub config: WranglerConfig,
    pub bundle: Rc<Bundle>,
    /// Where the config (or the script) lives.
    pub root: PathBuf,
    /// Local secrets (`.dev.vars`, else `.env` files, beside the config): strings that add to
    /// or override `[vars]` in `env`.
    pub secrets: std::collections::BTreeMap<String, String>,
    /// The static assets served in front of the Worker (`assets`), read when it loaded.
    pub assets: Option<Rc<StaticAssets>>,
}

impl WorkerDefinition {
    /// Loads a Worker from a wrangler config file, a directory holding one, or a script (which
    /// runs with the wrangler config of the nearest directory above it that has one, as
    /// `wrangler dev src/index.ts` does, or alone when there is none).
    pub fn load(path: &Path) -> Result<Self, WorkerLoadError> {
        Self::load_env(path, None)
    }

    /// As [`WorkerDefinition::load`], in the config's environment `env` (`--env`), whose
    /// `.dev.vars.<env>` is read first.
    pub fn load_env(path: &Path, env: Option<&str>) -> Result<Self, WorkerLoadError> {
        Self::load_entry(path, env, None)
    }

    /// As [`WorkerDefinition::load_env`], except that a config with neither `main` nor assets
    /// runs `fallback` (an entry module held in memory: its name and source) in their place.
    /// `edgesim test` runs its runner so for a config that only declares bindings, as the
    /// vitest pool does.
    pub fn load_env_or(
        path: &Path,
        env: Option<&str>,
        fallback: (&str, &str),
    ) -> Result<Self, WorkerLoadError> {
        Self::load_entry(path, env, Some(fallback))
    }

    fn load_entry(
        path: &Path,
        env: Option<&str>,
        fallback: Option<(&str, &str)>,
    ) -> Result<Self, WorkerLoadError> {
        match Entry::of(path)? {
            Entry::Config { config, main } => {
                Self::from_config(&config, main.as_deref(), env, fallback)
            }
            Entry::Script(script) => Self::bare_script(&script, env),
        }
    }

    /// The Worker a config of any name describes (`--config FILE`), with `entry` (a script
    /// below the config's directory) in place of the config's own `main` when given.
    pub fn load_config(
        config: &Path,
        entry: Option<&Path>,
        env: Option<&str>,
    ) -> Result<Self, WorkerLoadError> {
        if !config.is_file() {
            return Err(WorkerLoadError::Missing(config.display().to_string()));
        }
        let entry = match entry {
            Some(script) if !script.is_file() => {
                return Err(WorkerLoadError::Missing(script.display().to_string()));
            }
            Some(script) => Some(std::fs::canonicalize(script).unwrap_or(script.to_path_buf())),
            None => None,
        };
        let config = std::fs::canonicalize(config).unwrap_or(config.to_path_buf());
        Self::from_config(&config, entry.as_deref(), env, None)
    }

    /// The Worker `config` describes, with `main` (a script below the config's directory) in
    /// place of the config's own entry point when given.
    fn from_config(
        config_path: &Path,
        main: Option<&Path>,
        env: Option<&str>,
        fallback: Option<(&str, &str)>,
    ) -> Result<Self, WorkerLoadError> {
        let root = parent_dir(config_path);
        let config = WranglerConfig::load(config_path)?;
        let mut config = match env {
            Some(name) => config.for_env(&config_path.display().to_string(), name)?,
            None => config,
        };
        if let Some(script) = main {
            let relative = script.strip_prefix(&root).unwrap_or(script);
            config.main = Some(relative.to_string_lossy().replace('\\', "/"));
        }
        // The test pool reads a Pages config for its bindings only, so its tests run before
        // the build output exists.
        if fallback.is_some()
            && let Some(dir) = &config.pages_build_output_dir
            && !root.join(dir).is_dir()
        {
            config.pages_build_output_dir = None;
        }
        let file = config_path.display().to_string();
        Self::from_parsed(config, file, root, env, fallback)
    }

    /// The Pages project at `root` that `config`, held in memory, describes: its
    /// `pages_build_output_dir` (relative to `root`) served as assets, its `functions/` as the
    /// Worker (`edgesim test` for a project the pool tests from `wrangler pages functions
    /// build` output and `buildPagesASSETSBinding`).
    pub fn pages_in_memory(root: &Path, config: WranglerConfig) -> Result<Self, WorkerLoadError> {
        let file = root.join("wrangler.toml").display().to_string();
        Self::from_parsed(config, file, root.to_path_buf(), None, None)
    }

    /// The Worker a parsed config in `root` describes (`file` names it in errors).
    fn from_parsed(
        mut config: WranglerConfig,
        file: String,
        root: PathBuf,
        env: Option<&str>,
        fallback: Option<(&str, &str)>,
    ) -> Result<Self, WorkerLoadError> {
        for hyperdrive in &mut config.hyperdrive {
            hyperdrive.apply_env(|name| std::env::var(name).ok());
            hyperdrive
                .target()
                .map_err(|message| ConfigError::Semantic {
                    file: file.clone(),
                    message,
                })?;
        }
        let pages = pages_project(&mut config, &file, &root)?;
        let assets = load_assets(&config, &file, &root)?;
        let bundle = match (&config.main, &assets) {
            (None, _) if let Some(PagesWorker::Functions(entry)) = pages => {
                let mut options = module_options(&config);
                options.virtual_modules = vec![(pages::FUNCTIONS_ENTRY.into(), entry.into())];
                Bundle::from_dir(&root, pages::FUNCTIONS_ENTRY, options)
            }
            (Some(main), _) if !root.join(main).is_file() => {
                return Err(WorkerLoadError::Missing(
                    root.join(main).display().to_string(),
                ));
            }
            (Some(main), _) => Bundle::from_dir(&root, main, module_options(&config)),
            (None, Some(_)) => Bundle::from_sources(
                ASSETS_ONLY_MAIN,
                &[(ASSETS_ONLY_MAIN, ASSETS_ONLY_SOURCE)],
                module_options(&config),
            ),
            (None, None) => match fallback {
                Some((name, source)) => {
                    let mut options = module_options(&config);
                    options.virtual_modules = vec![(name.into(), source.into())];
                    Bundle::from_dir(&root, name, options)
                }
                None => return Err(WorkerLoadError::NoMain { file }),
            },
        };
        let name = config.name.clone().unwrap_or_else(|| "worker".to_string());
        Ok(WorkerDefinition {
            name,
            bundle,
            config,
            secrets: dev_vars::load(&root, env)?.vars,
            root,
            assets,
        })
    }

    /// A script with no wrangler config: no bindings, no environments.
    fn bare_script(script: &Path, env: Option<&str>) -> Result<Self, WorkerLoadError> {
        if let Some(env) = env {
            return Err(WorkerLoadError::Config(ConfigError::Semantic {
                file: script.display().to_string(),
                message: format!(
                    "--env {env:?} needs a wrangler config; no wrangler.json, wrangler.jsonc or wrangler.toml is above this script"
                ),
            }));
        }
        let root = parent_dir(script);
        let file_name = script
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let config = WranglerConfig {
            main: Some(file_name.clone()),
            ..Default::default()
        };
        let name = file_name
            .rsplit_once('.')
            .map(|(n, _)| n.to_string())
            .unwrap_or(file_name.clone());
        Ok(WorkerDefinition {
            name,
            bundle: Bundle::from_dir(&root, &file_name, module_options(&config)),
            config,
            secrets: dev_vars::load(&root, None)?.vars,
            root,
            assets: None,
        })
    }

    /// The same Worker with `modules` importable by name besides its own (`edgesim test`'s
    /// `vitest` and `cloudflare:test`, and the entry that imports a test file), on a bundle of
    /// its own so the Worker's other isolates never see them.
    pub fn with_virtual_modules(
        &self,
        modules: Vec<(String, Rc<str>)>,
        project_root: Option<&Path>,
    ) -> Self {
        let mut options = module_options(&self.config);
        options.project_root = project_root.map(Path::to_path_buf);
        // A Pages project's generated entry stays.
        options.virtual_modules = (self.bundle.virtual_modules().into_iter())
            .chain(modules)
            .collect();
        WorkerDefinition {
            bundle: Bundle::from_dir(&self.root, self.bundle.main(), options),
            ..self.clone()
        }
    }

    /// A Worker whose entry point `main` is one of `modules`, held in memory, importing files
    /// and packages from `root` as a Worker there would (`edgesim test` evaluates a project's
    /// vitest config this way).
    pub fn with_virtual_main(
        config: WranglerConfig,
        root: &Path,
        main: &str,
        modules: Vec<(String, Rc<str>)>,
    ) -> Self {
        let mut options = module_options(&config);
        options.virtual_modules = modules;
        WorkerDefinition {
            name: config.name.clone().unwrap_or_else(|| "worker".to_string()),
            bundle: Bundle::from_dir(root, main, options),
            config,
            root: root.to_path_buf(),
            secrets: Default::default(),
            assets: None,
        }
    }

    /// A Worker held in memory: `modules` maps file names to sources, `main` is one of them.
    pub fn from_sources(config: WranglerConfig, main: &str, modules: &[(&str, &str)]) -> Self {
        WorkerDefinition {
            name: config.name.clone().unwrap_or_else(|| "worker".to_string()),
            bundle: Bundle::from_sources(main, modules, module_options(&config)),
            config,
            root: PathBuf::new(),
            secrets: Default::default(),
            assets: None,
        }
    }

    /// What the config and the assets' `_headers` and `_redirects` hold that edgesim ignores.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = self.config.warnings();
        out.extend(self.assets.iter().flat_map(|a| a.warnings.iter().cloned()));
        out
    }

    /// Whether the Worker has code of its own (an assets-only project has none).
    pub fn has_script(&self) -> bool {
        self.config.main.is_some() || self.bundle.main() == pages::FUNCTIONS_ENTRY
    }

    /// The migrations of each D1 database the Worker binds that has a migrations directory,
    /// by the name the platform knows the database by. A `migrations_dir` the config names
    /// must exist; the default `migrations/` may be absent (then the database has none).
    pub fn d1_migrations(&self) -> Result<Vec<(String, Migrations)>, MigrationError> {
        let mut out = Vec::new();
        // A Worker held in memory has no directory to hold migrations.
        if self.root.as_os_str().is_empty() {
            return Ok(out);
        }
        for d in &self.config.d1_databases {
            let migrations = d1_migrations::for_database(
                &self.root,
                d.migrations_dir.as_deref(),
                d.migrations_table.as_deref(),
            );
            if migrations.dir.is_dir() {
                out.push((d.database(), migrations));
            } else if d.migrations_dir.is_some() {
                migrations.names()?;
            }
        }
        Ok(out)
    }

    /// Limits for `plan`, with the Worker's `[limits]` and any command-line CPU override applied.
    pub fn limits(&self, plan: Plan, cpu_ms_override: Option<u64>) -> Limits {
        let limits = self.config.limits.clone().unwrap_or_default();
        Limits::for_plan(plan).with_overrides(cpu_ms_override.or(limits.cpu_ms), limits.subrequests)
    }

    pub fn isolate_config(&self, limits: Limits) -> IsolateConfig {
        IsolateConfig {
            bundle: self.bundle.clone(),
            limits,
            vars: self.env_vars(),
            bindings: self.bindings(),
            object_classes: self.object_classes(),
            catalog: &crate::api::CATALOG,
            weak_refs: self.config.flag_enabled(config::WEAK_REF),
            compat_flags: config::JS_FLAGS
                .iter()
                .filter(|flag| self.config.flag_enabled(**flag))
                .map(|flag| flag.enable.to_string())
                // The `node:*` modules whose own flag is off (`process.getBuiltinModule`).
                .chain((self.bundle.node_modules_off().iter()).map(|m| format!("no_node:{m}")))
                .collect(),
        }
    }

    /// `env`'s plain values: `[vars]`, with the local secrets over them.
    pub fn env_vars(&self) -> std::collections::BTreeMap<String, serde_json::Value> {
        let mut vars = self.config.vars.clone();
        for (name, value) in &self.secrets {
            vars.insert(name.clone(), serde_json::Value::String(value.clone()));
        }
        vars
    }

    /// The platform bindings edgesim simulates, from the config's binding tables.
    pub fn bindings(&self) -> Vec<Binding> {
        let kv = self.config.kv_namespaces.iter().map(|kv| Binding::Kv {
            name: kv.binding.clone(),
            namespace: kv.id.clone().unwrap_or_else(|| kv.binding.clone()),
        });
        let objects = self
            .config
            .durable_objects
            .iter()
            .flat_map(|d| d.bindings.iter())
            .map(
                |b| match b.script_name.as_ref().filter(|s| **s != self.name) {
                    // Another Worker's class: its namespace, storage kind decided where it runs.
                    Some(script) => Binding::DurableObject {
                        name: b.name.clone(),
                        namespace: format!("{script}/{}", b.class_name),
                        class_name: b.class_name.clone(),
                        sqlite: false,
                    },
                    None => Binding::DurableObject {
                        name: b.name.clone(),
                        namespace: self.object_namespace(&b.class_name),
                        class_name: b.class_name.clone(),
                        sqlite: self.is_sqlite_class(&b.class_name),
                    },
                },
            );
        let d1 = self.config.d1_databases.iter().map(|d| Binding::D1 {
            name: d.binding.clone(),
            database: d.database(),
        });
        let queues = self
            .config
            .queues
            .iter()
            .flat_map(|q| q.producers.iter())
            .map(|p| Binding::Queue {
                name: p.binding.clone(),
                queue: p.queue.clone(),
                delay_s: p.delivery_delay.unwrap_or(0),
            });
        let r2 = self.config.r2_buckets.iter().map(|b| {
            let name = b.bucket_name.clone().unwrap_or_else(|| b.binding.clone());
            Binding::R2 {
                name: b.binding.clone(),
                // Bucket names have no `/`, so a jurisdiction's buckets cannot collide with
                // the default location's.
                bucket: match b.jurisdiction {
                    Some(j) => format!("{}/{name}", j.as_str()),
                    None => name,
                },
            }
        });
        let services = self.config.services.iter().map(|s| Binding::Service {
            name: s.binding.clone(),
            service: s.service.clone(),
            entrypoint: s.entrypoint.clone(),
            props: s.props.clone(),
            loopback: s.service == self.name,
        });
        let assets = (self.config.assets.iter())
            .filter_map(|a| a.binding.clone())
            .map(|name| Binding::Assets { name });
        let workflows = self.config.workflows.iter().map(|w| Binding::Workflow {
            name: w.binding.clone(),
            workflow: w.name.clone(),
        });
        let rate_limits = (self.config.rate_limits().unwrap_or_default().into_iter()).map(|r| {
            Binding::RateLimit {
                name: r.name,
                namespace: r.namespace_id,
                limit: r.simple.limit,
                period_s: r.simple.period,
            }
        });
        let analytics =
            self.config
                .analytics_engine_datasets
                .iter()
                .map(|a| Binding::AnalyticsEngine {
                    name: a.binding.clone(),
                    dataset: a.dataset.clone().unwrap_or_else(|| a.binding.clone()),
                });
        let pipelines = self.config.pipelines.iter().map(|p| Binding::Pipeline {
            name: p.binding.clone(),
            pipeline: (p.pipeline.clone().or_else(|| p.stream.clone()))
                .unwrap_or_else(|| p.binding.clone()),
        });
        let secrets = (self.config.secrets_store_secrets.iter()).map(|s| Binding::SecretsStore {
            name: s.binding.clone(),
            store: s.store_id.clone(),
            secret: s.secret_name.clone(),
        });
        let email = (self.config.send_email.iter()).map(|s| Binding::SendEmail {
            name: s.name.clone(),
            destination: s.destination_address.clone(),
            allowed_destinations: s.allowed_destination_addresses.clone(),
            allowed_senders: s.allowed_sender_addresses.clone(),
        });
        let images = (self.config.images.iter()).map(|i| Binding::Images {
            name: i.binding.clone(),
        });
        let ai = (self.config.ai.iter()).map(|a| Binding::Ai {
            name: a.binding.clone(),
        });
        let vectorize = self.config.vectorize.iter().map(|v| Binding::Vectorize {
            name: v.binding.clone(),
            index: v.index_name.clone(),
        });
        let hyperdrive = (self.config.hyperdrive.iter()).filter_map(|h| {
            let target = h.target().ok()?;
            Some(Binding::Hyperdrive {
                name: h.binding.clone(),
                scheme: target.scheme,
                user: target.user,
                password: target.password,
                database: target.database,
                target: target.address,
            })
        });
        let version = self
            .config
            .version_metadata
            .iter()
            .map(|v| Binding::VersionMetadata {
                name: v.binding.clone(),
                id: self.version_id(),
            });
        kv.chain(objects)
            .chain(workflows)
            .chain(rate_limits)
            .chain(analytics)
            .chain(pipelines)
            .chain(email)
            .chain(secrets)
            .chain(images)
            .chain(ai)
            .chain(vectorize)
            .chain(version)
            .chain(hyperdrive)
            .chain(d1)
            .chain(queues)
            .chain(r2)
            .chain(services)
            .chain(assets)
            .collect()
    }

    /// The id of the Worker's version: a UUID (v4 form) from its name, entry point and
    /// compatibility date, so that a Worker is the same version on every run.
    pub fn version_id(&self) -> String {
        use sha2::Digest as _;
        let mut hash = sha2::Sha256::new();
        hash.update(self.name.as_bytes());
        hash.update(format!(
            "{:?}/{:?}",
            self.config.main, self.config.compatibility_date
        ));
        let b = hash.finalize();
        let hex: String = b.iter().take(16).map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-4{}-{:x}{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            8 | (b[8] & 0x3),
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// The namespace key of this Worker's Durable Object class `class_name`.
    pub fn object_namespace(&self, class_name: &str) -> String {
        format!("{}/{class_name}", self.name)
    }

    /// Whether `class_name` is SQLite-backed: declared in a migration's `new_sqlite_classes`,
    /// or in `exports` with `storage: "sqlite"`.
    pub fn is_sqlite_class(&self, class_name: &str) -> bool {
        let exported = (self.config.exports.get(class_name))
            .is_some_and(|e| e.is_live_object() && e.storage.as_deref() == Some("sqlite"));
        exported
            || (self.config.migrations.iter())
                .any(|m| m.new_sqlite_classes.iter().any(|c| c == class_name))
    }

    /// This Worker's own Durable Object classes and their namespace keys: those its bindings
    /// name, its migrations create and its `exports` declare (`ctx.exports` reaches each).
    pub fn object_classes(&self) -> Vec<(String, String)> {
        let bound = (self.config.durable_objects.iter())
            .flat_map(|d| &d.bindings)
            .filter(|b| b.script_name.is_none())
            .map(|b| b.class_name.clone());
        let migrated = (self.config.migrations.iter())
            .flat_map(|m| m.new_classes.iter().chain(&m.new_sqlite_classes))
            .cloned();
        let exported = (self.config.exports.iter())
            .filter(|(_, e)| e.is_live_object())
            .map(|(class, _)| class.clone());
        let classes: std::collections::BTreeSet<String> =
            bound.chain(migrated).chain(exported).collect();
        (classes.into_iter())
            .map(|class| {
                let namespace = self.object_namespace(&class);
                (class, namespace)
            })
            .collect()
    }

    /// The class behind namespace key `namespace`, if this Worker defines it.
    pub fn object_class(&self, namespace: &str) -> Option<String> {
        let (worker, class) = namespace.split_once('/')?;
        (worker == self.name).then(|| class.to_string())
    }
}

/// The `node:*` modules whose own flag (`enable_nodejs_os_module`, …) is off for `config`.
fn node_modules_off(config: &WranglerConfig) -> Vec<&'static str> {
    let date = config.compatibility_date.as_deref();
    let flags = &config.compatibility_flags;
    crate::api::node::MODULE_FLAGS
        .iter()
        .filter(|(_, flag)| !crate::worker::compat::catalog::enabled(flag, date, flags))
        .map(|(module, _)| *module)
        .collect()
}

/// How `config` shapes the module graph: its `node:*` imports (workerd's nodeJsCompat,
/// nodeJsCompatV2, nodeJsAls and the modules' own flags) and its module rules.
fn module_options(config: &WranglerConfig) -> ModuleOptions {
    let v2 = config.flag_enabled(config::NODEJS_COMPAT_V2);
    ModuleOptions {
        node: NodeImports {
            modules: crate::api::CATALOG.node_modules,
            compat: v2 || config.flag_enabled(config::NODEJS_COMPAT),
            bare: v2,
            als: config.flag_enabled(config::NODEJS_ALS),
            off: node_modules_off(config),
        },
        rules: ModuleRules::new(&config.rules),
        virtual_modules: Vec::new(),
        project_root: None,
        defines: defines(config),
    }
}

/// The config's `define` entries, then a vitest config's over them. Entries were checked when
/// the config loaded ([`WranglerConfig::validate`]); one that is not valid here is left out.
fn defines(config: &WranglerConfig) -> Defines {
    let mut defines = Defines::default();
    let _ = defines.add(&config.define, true);
    let _ = defines.add(&config.vite_define, false);
    defines
}
