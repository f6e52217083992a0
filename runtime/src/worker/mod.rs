//! A Worker as the user wrote it: its configuration and its code.

pub mod config;
pub mod dev_vars;

use std::path::{Path, PathBuf};
use std::rc::Rc;

pub use config::{ConfigError, WranglerConfig};

use crate::bindings::Binding;
use crate::engine::isolate::IsolateConfig;
use crate::engine::modules::Bundle;
use crate::limits::{Limits, Plan};

/// The config file names wrangler looks for, in its order of preference.
pub const CONFIG_FILES: &[&str] = &["wrangler.json", "wrangler.jsonc", "wrangler.toml"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerLoadError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}: no wrangler.json, wrangler.jsonc or wrangler.toml in this directory")]
    NoConfig(String),
    #[error("{file}: no \"main\" entry point: set `main = \"src/index.js\"`")]
    NoMain { file: String },
    #[error("{0}: no such file")]
    Missing(String),
    #[error(transparent)]
    DevVars(#[from] dev_vars::DevVarsError),
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
}

impl WorkerDefinition {
    /// Loads a Worker from a wrangler config file, a directory holding one, or a bare script
    /// (`.js`, `.mjs`, `.ts`).
    pub fn load(path: &Path) -> Result<Self, WorkerLoadError> {
        Self::load_env(path, None)
    }

    /// As [`WorkerDefinition::load`], in the config's environment `env` (`--env`), whose
    /// `.dev.vars.<env>` is read first.
    pub fn load_env(path: &Path, env: Option<&str>) -> Result<Self, WorkerLoadError> {
        if !path.exists() {
            return Err(WorkerLoadError::Missing(path.display().to_string()));
        }
        let config_path = if path.is_dir() {
            CONFIG_FILES
                .iter()
                .map(|f| path.join(f))
                .find(|p| p.is_file())
                .ok_or_else(|| WorkerLoadError::NoConfig(path.display().to_string()))?
        } else {
            path.to_path_buf()
        };
        let file_name = config_path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let root = config_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        if !file_name.starts_with("wrangler.") {
            let config = WranglerConfig {
                main: Some(file_name.clone()),
                ..Default::default()
            };
            let name = file_name
                .rsplit_once('.')
                .map(|(n, _)| n.to_string())
                .unwrap_or(file_name.clone());
            if let Some(env) = env {
                return Err(WorkerLoadError::Config(ConfigError::Semantic {
                    file: path.display().to_string(),
                    message: format!(
                        "--env {env:?} needs a wrangler config; a bare script has no environments"
                    ),
                }));
            }
            return Ok(WorkerDefinition {
                name,
                bundle: Bundle::from_dir(&root, &file_name),
                config,
                secrets: dev_vars::load(&root, None)?.vars,
                root,
            });
        }
        let config = WranglerConfig::load(&config_path)?;
        let config = match env {
            Some(name) => config.for_env(&config_path.display().to_string(), name)?,
            None => config,
        };
        let main = config.main.clone().ok_or_else(|| WorkerLoadError::NoMain {
            file: config_path.display().to_string(),
        })?;
        if !root.join(&main).is_file() {
            return Err(WorkerLoadError::Missing(
                root.join(&main).display().to_string(),
            ));
        }
        let name = config.name.clone().unwrap_or_else(|| "worker".to_string());
        Ok(WorkerDefinition {
            name,
            bundle: Bundle::from_dir(&root, &main),
            config,
            secrets: dev_vars::load(&root, env)?.vars,
            root,
        })
    }

    /// A Worker held in memory: `modules` maps file names to sources, `main` is one of them.
    pub fn from_sources(config: WranglerConfig, main: &str, modules: &[(&str, &str)]) -> Self {
        WorkerDefinition {
            name: config.name.clone().unwrap_or_else(|| "worker".to_string()),
            bundle: Bundle::from_sources(main, modules),
            config,
            root: PathBuf::new(),
            secrets: Default::default(),
        }
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
            catalog: &crate::api::CATALOG,
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
            .filter(|b| b.script_name.as_ref().is_none_or(|s| *s == self.name))
            .map(|b| Binding::DurableObject {
                name: b.name.clone(),
                namespace: self.object_namespace(&b.class_name),
                class_name: b.class_name.clone(),
                sqlite: self.is_sqlite_class(&b.class_name),
            });
        let d1 = self.config.d1_databases.iter().map(|d| Binding::D1 {
            name: d.binding.clone(),
            database: d
                .database_id
                .clone()
                .or_else(|| d.database_name.clone())
                .unwrap_or_else(|| d.binding.clone()),
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
        kv.chain(objects)
            .chain(d1)
            .chain(queues)
            .chain(r2)
            .collect()
    }

    /// The namespace key of this Worker's Durable Object class `class_name`.
    pub fn object_namespace(&self, class_name: &str) -> String {
        format!("{}/{class_name}", self.name)
    }

    /// Whether `class_name` is SQLite-backed: declared in a migration's `new_sqlite_classes`.
    pub fn is_sqlite_class(&self, class_name: &str) -> bool {
        self.config
            .migrations
            .iter()
            .any(|m| m.new_sqlite_classes.iter().any(|c| c == class_name))
    }

    /// The class behind namespace key `namespace`, if this Worker defines it.
    pub fn object_class(&self, namespace: &str) -> Option<String> {
        let (worker, class) = namespace.split_once('/')?;
        (worker == self.name).then(|| class.to_string())
    }
}
