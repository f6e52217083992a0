//! The user's own `wrangler.toml` / `wrangler.json` / `wrangler.jsonc`.
//!
//! Keys edgesim models are typed here; keys it does not model are listed as warnings rather than
//! silently dropped, so a user knows which parts of their configuration the simulation ignores.
//! A key with the wrong type is an error naming the file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::diagnostic::Located;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WranglerConfig {
    pub name: Option<String>,
    pub main: Option<String>,
    pub compatibility_date: Option<String>,
    #[serde(default)]
    pub compatibility_flags: Vec<String>,
    #[serde(default)]
    pub vars: BTreeMap<String, serde_json::Value>,
    pub limits: Option<LimitsConfig>,
    #[serde(default)]
    pub kv_namespaces: Vec<KvNamespaceConfig>,
    #[serde(default)]
    pub r2_buckets: Vec<R2BucketConfig>,
    #[serde(default)]
    pub d1_databases: Vec<D1DatabaseConfig>,
    pub durable_objects: Option<DurableObjectsConfig>,
    #[serde(default)]
    pub migrations: Vec<MigrationConfig>,
    /// `exports`: the declarative form of the Worker's Durable Object classes (and
    /// entrypoints), which replaces `migrations`.
    #[serde(default)]
    pub exports: BTreeMap<String, ExportConfig>,
    pub queues: Option<QueuesConfig>,
    /// `services`: bindings to other Workers' (or this one's) entrypoints.
    #[serde(default)]
    pub services: Vec<ServiceBindingConfig>,
    /// `assets`: a directory served in front of the Worker, and the binding to it.
    pub assets: Option<crate::assets::AssetsConfig>,
    /// `placement`: Smart Placement (`mode = "smart"`), or a region or host to run near.
    pub placement: Option<PlacementConfig>,
    /// A Pages project's build output (worker/pages.rs): its assets, and `_worker.js` or the
    /// `functions/` directory beside the config as its Worker.
    pub pages_build_output_dir: Option<String>,
    /// `workflows`: Workflows this Worker binds, and those whose class it defines.
    #[serde(default)]
    pub workflows: Vec<WorkflowBindingConfig>,
    #[serde(default)]
    pub ratelimits: Vec<super::small_bindings::RateLimitConfig>,
    #[serde(default)]
    pub analytics_engine_datasets: Vec<super::small_bindings::AnalyticsEngineConfig>,
    #[serde(default)]
    pub pipelines: Vec<super::small_bindings::PipelineConfig>,
    #[serde(default)]
    pub secrets_store_secrets: Vec<super::small_bindings::SecretsStoreSecretConfig>,
    #[serde(default)]
    pub send_email: Vec<super::small_bindings::SendEmailConfig>,
    pub images: Option<super::small_bindings::AccountServiceConfig>,
    pub ai: Option<super::small_bindings::AccountServiceConfig>,
    #[serde(default)]
    pub vectorize: Vec<super::small_bindings::VectorizeConfig>,
    pub version_metadata: Option<super::small_bindings::VersionMetadataConfig>,
    #[serde(default)]
    pub hyperdrive: Vec<super::small_bindings::HyperdriveConfig>,
    #[serde(rename = "unsafe")]
    pub unsafe_bindings: Option<super::small_bindings::UnsafeConfig>,
    pub triggers: Option<TriggersConfig>,
    /// `[[rules]]`: which imports load as text, bytes or WebAssembly (engine/modules/rules.rs).
    #[serde(default)]
    pub rules: Vec<crate::engine::modules::ModuleRule>,
    /// `define`: names replaced by expressions in every module (engine/modules/define.rs).
    #[serde(default)]
    pub define: BTreeMap<String, String>,
    /// A vitest config's `define` (`edgesim test`): replaced as vite replaces them, after
    /// the wrangler config's.
    #[serde(skip)]
    pub vite_define: BTreeMap<String, String>,
    /// Where the Worker's `fetch()` to the Internet goes instead: a Worker of the run, as
    /// workerd's `globalOutbound` and Miniflare's `outboundService` send it (`edgesim test`).
    #[serde(skip)]
    pub outbound: Option<ServiceBindingConfig>,
    /// `[env.NAME]`: named environments, one selected with `--env` ([`WranglerConfig::for_env`]).
    #[serde(default)]
    pub env: BTreeMap<String, WranglerConfig>,
    /// Everything else: reported as unsupported.
    #[serde(flatten)]
    pub other: BTreeMap<String, IgnoredAny>,
}

/// `placement = { mode = "smart" }` (and the forms naming where to run: `region`, `host`,
/// `hostname`, `hint`). A scenario runs a Worker with `mode = "smart"` near its backends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementConfig {
    pub mode: Option<String>,
    pub hint: Option<String>,
    pub region: Option<String>,
    pub host: Option<String>,
    pub hostname: Option<String>,
}

impl PlacementConfig {
    pub fn is_smart(&self) -> bool {
        self.mode.as_deref() == Some("smart")
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub cpu_ms: Option<u64>,
    pub subrequests: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct KvNamespaceConfig {
    pub binding: String,
    pub id: Option<String>,
    pub preview_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct R2BucketConfig {
    pub binding: String,
    pub bucket_name: Option<String>,
    pub jurisdiction: Option<R2Jurisdiction>,
}

/// Where a bucket's data must stay (R2 data-location.mdx). A bucket name in one jurisdiction
/// and the same name in another (or in none) are two different buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum R2Jurisdiction {
    Eu,
    Fedramp,
    Us,
}

impl R2Jurisdiction {
    pub fn as_str(self) -> &'static str {
        match self {
            R2Jurisdiction::Eu => "eu",
            R2Jurisdiction::Fedramp => "fedramp",
            R2Jurisdiction::Us => "us",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct D1DatabaseConfig {
    pub binding: String,
    pub database_name: Option<String>,
    pub database_id: Option<String>,
    /// Where the database's migrations are, relative to the config (default `migrations`).
    pub migrations_dir: Option<String>,
    /// The table that records which migrations ran (default `d1_migrations`).
    pub migrations_table: Option<String>,
}

impl D1DatabaseConfig {
    /// The name the platform knows the database by: its id, else its name, else the binding.
    pub fn database(&self) -> String {
        self.database_id
            .clone()
            .or_else(|| self.database_name.clone())
            .unwrap_or_else(|| self.binding.clone())
    }

    /// Whether `name` (a binding or a database name, as wrangler's d1 commands take) names it.
    pub fn is_named(&self, name: &str) -> bool {
        self.binding == name || self.database_name.as_deref() == Some(name)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DurableObjectsConfig {
    #[serde(default)]
    pub bindings: Vec<DurableObjectBindingConfig>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DurableObjectBindingConfig {
    pub name: String,
    pub class_name: String,
    pub script_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceBindingConfig {
    pub binding: String,
    pub service: String,
    /// A named entrypoint of the service (a `WorkerEntrypoint` class or handler object it
    /// exports); its default export when absent.
    pub entrypoint: Option<String>,
    /// What the callee sees as `ctx.props`.
    #[serde(default)]
    pub props: serde_json::Map<String, serde_json::Value>,
    /// Deploy-time: which environment of the service (`wrangler` binds `<service>-<env>`).
    pub environment: Option<String>,
    /// `wrangler dev --remote`-only: ignored locally, as wrangler dev does.
    pub remote: Option<bool>,
}

/// One `[[workflows]]` entry: `env.<binding>` reaches Workflow `name`, whose
/// `WorkflowEntrypoint` class `class_name` is this Worker's, or `script_name`'s when given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowBindingConfig {
    pub binding: String,
    pub name: String,
    pub class_name: String,
    pub script_name: Option<String>,
    pub limits: Option<WorkflowLimitsConfig>,
    /// `wrangler dev --remote`-only: ignored locally, as wrangler dev does.
    pub remote: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowLimitsConfig {
    /// How many `step.do` calls one run may make (workflows limits.mdx: 10,000 by default,
    /// up to 25,000).
    pub steps: Option<u32>,
}

/// One entry of `exports` (wrangler's `DurableObjectExport` / `WorkerEntrypointExport`).
#[derive(Debug, Clone, Deserialize)]
pub struct ExportConfig {
    /// `durable-object` or `worker`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A Durable Object's lifecycle: `created` when absent; `deleted`, `renamed` and
    /// `transferred` are tombstones of a class no longer here.
    pub state: Option<String>,
    /// `sqlite` or `legacy-kv`, for a live Durable Object.
    pub storage: Option<String>,
}

impl ExportConfig {
    /// A Durable Object class of this Worker: declared and not a tombstone.
    pub fn is_live_object(&self) -> bool {
        self.kind == "durable-object"
            && matches!(
                self.state.as_deref(),
                None | Some("created" | "expecting-transfer")
            )
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MigrationConfig {
    pub tag: String,
    #[serde(default)]
    pub new_classes: Vec<String>,
    #[serde(default)]
    pub new_sqlite_classes: Vec<String>,
    #[serde(default)]
    pub deleted_classes: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueuesConfig {
    #[serde(default)]
    pub producers: Vec<QueueProducerConfig>,
    #[serde(default)]
    pub consumers: Vec<QueueConsumerConfig>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct QueueProducerConfig {
    pub binding: String,
    pub queue: String,
    pub delivery_delay: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueConsumerConfig {
    pub queue: String,
    pub max_batch_size: Option<u32>,
    /// Seconds; Miniflare's test configs give fractions (`0.05`).
    pub max_batch_timeout: Option<f64>,
    pub max_retries: Option<u32>,
    pub dead_letter_queue: Option<String>,
    pub retry_delay: Option<u32>,
    pub max_concurrency: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TriggersConfig {
    #[serde(default)]
    pub crons: Vec<String>,
}

pub use super::compat::*;

/// Top-level keys that matter only when deploying (or to wrangler's own dev server): a run
/// behaves the same with or without them.
const DEPLOY_ONLY_KEYS: &[&str] = &[
    "$schema",
    "account_id",
    "routes",
    "route",
    "workers_dev",
    "preview_urls",
    "observability",
    "upload_source_maps",
    "minify",
    "dev",
    "logpush",
    "keep_vars",
    "send_metrics",
    "usage_model",
    "zone_id",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {message}")]
    Read { file: String, message: String },
    #[error(transparent)]
    Invalid(Located),
    #[error("{file}: {message}")]
    Semantic { file: String, message: String },
}

/// How deep arrays and objects may nest in a JSON config (serde_json's own limit).
const JSON_DEPTH_MAX: usize = 128;

/// Where a JSON or JSONC text first nests deeper than [`JSON_DEPTH_MAX`], skipping strings and
/// comments.
fn nested_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > JSON_DEPTH_MAX {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

impl WranglerConfig {
    /// Parses a config by its extension (`.toml`, `.json`, `.jsonc`).
    pub fn parse(file: &str, text: &str) -> Result<Self, ConfigError> {
        let invalid = |line: usize, column: usize, message: String| {
            ConfigError::Invalid(Located {
                file: file.to_string(),
                line,
                column,
                message,
            })
        };
        let config: WranglerConfig = if file.ends_with(".toml") {
            toml::from_str(text).map_err(|e| {
                let (line, column) = e
                    .span()
                    .map(|s| crate::engine::modules::line_col(text, s.start))
                    .unwrap_or((1, 1));
                invalid(line, column, e.message().to_string())
            })?
        } else if file.ends_with(".jsonc") || file.ends_with(".json") {
            // The parser recurses once per level: a file nested thousands deep would overflow
            // the stack rather than be refused (toml and serde_norway stop at their own limit).
            if let Some(offset) = nested_too_deep(text) {
                let (line, column) = crate::engine::modules::line_col(text, offset);
                return Err(invalid(
                    line,
                    column,
                    format!("arrays and objects nested more than {JSON_DEPTH_MAX} deep"),
                ));
            }
            let value = jsonc_parser::parse_to_serde_value(text, &Default::default())
                .map_err(|e| {
                    let range = e.range();
                    let (line, column) = crate::engine::modules::line_col(text, range.start);
                    invalid(line, column, e.kind().to_string())
                })?
                .unwrap_or(serde_json::Value::Object(Default::default()));
            serde_json::from_value(value).map_err(|e| invalid(1, 1, e.to_string()))?
        } else {
            return Err(ConfigError::Semantic {
                file: file.to_string(),
                message: "expected a wrangler.toml, wrangler.json or wrangler.jsonc file".into(),
            });
        };
        config.validate(file)?;
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Self::parse(&file, &text)
    }

    /// Whether `flag`'s behaviour is on: its enable flag, else its date unless its disable flag.
    pub fn flag_enabled(&self, flag: CompatFlag) -> bool {
        let set = |name: &str| self.compatibility_flags.iter().any(|f| f == name);
        if set(flag.enable) {
            return true;
        }
        if flag.disable.is_some_and(set) {
            return false;
        }
        // Without a date, `wrangler dev` runs at the runtime's latest one: every dated flag is on.
        let on_or_after = |from: &str| self.compatibility_date.as_deref().is_none_or(|d| d >= from);
        flag.from_date.is_some_and(on_or_after)
            || flag
                .implied_by
                .is_some_and(|(by, from)| on_or_after(from) && self.flag_enabled(*by))
    }

    /// The configuration `wrangler dev --env NAME` runs: the environment's own keys, with the
    /// top level's inheritable ones (main, compatibility date and flags, limits, triggers,
    /// migrations, assets) where it sets none, its name `<name>-<env>` unless it gives one, and none of
    /// the top level's vars or bindings, which environments do not inherit (wrangler's
    /// environments docs, "Non-inheritable keys").
    pub fn for_env(&self, file: &str, name: &str) -> Result<WranglerConfig, ConfigError> {
        let Some(env) = self.env.get(name) else {
            let defined: Vec<&String> = self.env.keys().collect();
            return Err(ConfigError::Semantic {
                file: file.to_string(),
                message: format!(
                    "no environment named {name:?}: add an [env.{name}] section (the config defines {defined:?})"
                ),
            });
        };
        let mut out = env.clone();
        out.env = BTreeMap::new();
        out.name = env
            .name
            .clone()
            .or_else(|| self.name.as_ref().map(|top| format!("{top}-{name}")));
        out.main = env.main.clone().or_else(|| self.main.clone());
        out.compatibility_date =
            (env.compatibility_date.clone()).or_else(|| self.compatibility_date.clone());
        if env.compatibility_flags.is_empty() {
            out.compatibility_flags = self.compatibility_flags.clone();
        }
        out.limits = env.limits.clone().or_else(|| self.limits.clone());
        out.triggers = env.triggers.clone().or_else(|| self.triggers.clone());
        out.assets = env.assets.clone().or_else(|| self.assets.clone());
        if env.migrations.is_empty() {
            out.migrations = self.migrations.clone();
        }
        if env.rules.is_empty() {
            out.rules = self.rules.clone();
        }
        out.validate(file)?;
        Ok(out)
    }

    fn validate(&self, file: &str) -> Result<(), ConfigError> {
        let semantic = |message: String| ConfigError::Semantic {
            file: file.to_string(),
            message,
        };
        if let Some(date) = &self.compatibility_date {
            let ok = date.len() == 10
                && date.chars().enumerate().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                });
            if !ok {
                return Err(semantic(format!(
                    "compatibility_date {date:?} is not a date of the form YYYY-MM-DD"
                )));
            }
        }
        let refused = super::compat::refusals(
            self.compatibility_date.as_deref(),
            &self.compatibility_flags,
        );
        if !refused.is_empty() {
            return Err(semantic(refused.join("; ")));
        }
        for (index, s) in self.send_email.iter().enumerate() {
            if let Some(problem) = super::small_bindings::send_email_problem(index, s) {
                return Err(semantic(problem));
            }
        }
        for r in self.rate_limits().map_err(semantic)? {
            if let Some(problem) = super::small_bindings::rate_limit_problem(&r) {
                return Err(semantic(problem));
            }
        }
        for h in &self.hyperdrive {
            if h.local_connection_string.is_some() {
                h.target().map_err(semantic)?;
            }
        }
        for w in &self.workflows {
            if !crate::storage::workflow::is_valid_workflow_name(&w.name) {
                return Err(semantic(format!(
                    "workflows: {:?} is not a valid Workflow name: at most 64 letters, digits, `-` and `_`, not starting with `-`",
                    w.name
                )));
            }
            let steps = w.limits.as_ref().and_then(|l| l.steps);
            if let Some(steps) =
                steps.filter(|s| !(1..=crate::storage::workflow::STEPS_MAX).contains(s))
            {
                return Err(semantic(format!(
                    "workflows: limits.steps of {steps} for {:?} is outside 1..={}",
                    w.name,
                    crate::storage::workflow::STEPS_MAX
                )));
            }
        }
        (crate::engine::modules::define::Defines::default())
            .add(&self.define, true)
            .map_err(|e| semantic(e.to_string()))?;
        if let Some(limits) = &self.limits {
            if limits.cpu_ms == Some(0) {
                return Err(semantic("limits.cpu_ms must be at least 1".into()));
            }
            if let Some(ms) = limits.cpu_ms.filter(|ms| *ms > crate::limits::CPU_MS_MAX) {
                return Err(semantic(format!(
                    "limits.cpu_ms of {ms} exceeds the maximum of {}",
                    crate::limits::CPU_MS_MAX
                )));
            }
        }
        Ok(())
    }

    /// Every rate limiter: `ratelimits`, then `unsafe.bindings` of type `ratelimit`.
    /// `Err` names an `unsafe` one without a rate limiter's shape.
    pub fn rate_limits(&self) -> Result<Vec<super::small_bindings::RateLimitConfig>, String> {
        let mut out = self.ratelimits.clone();
        if let Some(u) = &self.unsafe_bindings {
            out.extend(u.rate_limits()?);
        }
        Ok(out)
    }

    /// Keys present in the file that edgesim does not model (yet).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(u) = &self.unsafe_bindings {
            out.extend(u.unsupported_types().into_iter().map(|t| {
                format!("unsafe.bindings of type {t:?}: not simulated by this version of edgesim (ignored)")
            }));
        }
        out.extend(crate::engine::modules::ModuleRules::new(&self.rules).warnings);
        let remote = (self
            .ai
            .iter()
            .map(|a| format!("ai binding {:?}: Workers AI", a.binding)))
        .chain((self.vectorize.iter()).map(|v| {
            format!(
                "vectorize binding {:?}: Vectorize index {:?}",
                v.binding, v.index_name
            )
        }));
        out.extend(remote.map(|what| {
            format!("{what} runs in Cloudflare's network, which edgesim never calls: its methods reject unless the scenario declares their answers or a test mocks them")
        }));
        out.extend(super::compat::warnings(
            self.compatibility_date.as_deref(),
            &self.compatibility_flags,
        ));
        // Deploy-time keys get one short line together; `$schema` (an editor's hint) none.
        let (deploy_only, unmodelled): (Vec<&String>, Vec<&String>) = self
            .other
            .keys()
            .filter(|k| k.as_str() != "$schema")
            .partition(|k| DEPLOY_ONLY_KEYS.contains(&k.as_str()));
        out.extend(unmodelled.into_iter().map(|k| {
            format!("{k:?} changes what runs, but edgesim does not model it yet (ignored)")
        }));
        if !deploy_only.is_empty() {
            let keys: Vec<&str> = deploy_only.iter().map(|k| k.as_str()).collect();
            out.push(format!("deploy-time settings ignored: {}", keys.join(", ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_with_bindings_parses() {
        let c = WranglerConfig::parse(
            "wrangler.toml",
            r#"
name = "app"
main = "src/index.ts"
compatibility_date = "2026-04-20"
routes = ["example.com/*"]
[vars]
GREETING = "hi"
[limits]
cpu_ms = 50
[[kv_namespaces]]
binding = "KV"
id = "abc"
"#,
        )
        .unwrap();
        assert_eq!(c.main.as_deref(), Some("src/index.ts"));
        assert_eq!(c.vars["GREETING"], "hi");
        assert_eq!(c.limits.as_ref().and_then(|l| l.cpu_ms), Some(50));
        assert_eq!(c.kv_namespaces[0].binding, "KV");
        assert_eq!(c.warnings(), vec!["deploy-time settings ignored: routes"]);
    }

    #[test]
    fn an_environment_inherits_the_inheritable_keys_and_no_bindings() {
        let c = WranglerConfig::parse(
            "wrangler.toml",
            r#"
name = "app"
main = "src/index.ts"
compatibility_date = "2026-01-01"
compatibility_flags = ["nodejs_compat"]
[vars]
STAGE = "top"
[[kv_namespaces]]
binding = "KV"
id = "top"
[triggers]
crons = ["* * * * *"]
[env.staging]
compatibility_date = "2026-02-02"
[env.staging.vars]
STAGE = "staging"
[env.named]
name = "other"
main = "src/other.ts"
"#,
        )
        .unwrap();
        let staging = c.for_env("wrangler.toml", "staging").unwrap();
        assert_eq!(staging.name.as_deref(), Some("app-staging"));
        assert_eq!(staging.main.as_deref(), Some("src/index.ts"));
        assert_eq!(staging.compatibility_date.as_deref(), Some("2026-02-02"));
        assert_eq!(staging.compatibility_flags, ["nodejs_compat"]);
        assert_eq!(staging.vars["STAGE"], "staging");
        assert!(
            staging.kv_namespaces.is_empty(),
            "bindings are not inherited"
        );
        assert_eq!(
            staging.triggers.map(|t| t.crons),
            Some(vec!["* * * * *".into()])
        );
        let named = c.for_env("wrangler.toml", "named").unwrap();
        assert_eq!(
            (named.name.as_deref(), named.main.as_deref()),
            (Some("other"), Some("src/other.ts"))
        );
        assert!(named.vars.is_empty(), "vars are not inherited");
        assert_eq!(
            c.for_env("wrangler.toml", "prod").unwrap_err().to_string(),
            "wrangler.toml: no environment named \"prod\": add an [env.prod] section (the config defines [\"named\", \"staging\"])"
        );
    }

    #[test]
    fn keys_that_change_what_runs_are_not_called_deploy_time() {
        let c = WranglerConfig::parse(
            "wrangler.toml",
            "main = \"w.js\"\n\"$schema\" = \"x\"\n[browser]\nbinding = \"B\"\n[[rules]]\ntype = \"Text\"\nglobs = [\"**/*.md\"]\nfallthrough = true\n",
        )
        .unwrap();
        assert_eq!(
            c.warnings(),
            vec!["\"browser\" changes what runs, but edgesim does not model it yet (ignored)"]
        );
    }

    #[test]
    fn a_compatibility_flag_edgesim_does_not_implement_is_named_in_a_warning() {
        let c = WranglerConfig::parse(
            "wrangler.toml",
            "main = 'w.js'\ncompatibility_flags = ['web_socket_auto_reply_to_close', 'python_workers']\n",
        )
        .unwrap();
        assert_eq!(
            c.warnings(),
            vec![
                "compatibility flag \"python_workers\" is not implemented by edgesim yet (ignored): the Worker runs as if it were not set"
            ]
        );
    }

    #[test]
    fn a_module_rule_of_an_unknown_type_names_its_line() {
        let err = WranglerConfig::parse(
            "wrangler.toml",
            "main = \"w.js\"\n[[rules]]\ntype = \"Markdown\"\nglobs = [\"**/*.md\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("wrangler.toml:3:"), "{err}");
        assert!(err.contains("unknown variant `Markdown`"), "{err}");
    }

    #[test]
    fn a_wrong_type_names_line_and_column() {
        let err = WranglerConfig::parse("wrangler.toml", "name = \"a\"\nmain = 5\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("wrangler.toml:2:8: invalid type"),
            "{err}"
        );
    }

    #[test]
    fn json_nested_past_the_limit_is_refused_at_the_first_level_too_many() {
        let deep = format!(
            "{{\"main\": \"w.js\", \"x\": {}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let e = WranglerConfig::parse("wrangler.json", &deep).unwrap_err();
        assert_eq!(
            e.to_string(),
            "wrangler.json:1:150: arrays and objects nested more than 128 deep"
        );
        let fine = format!(
            "{{\"main\": \"w.js\", // [[[[ in a comment\n \"x\": \"[[[[\", \"y\": {}{}}}",
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(WranglerConfig::parse("wrangler.jsonc", &fine).is_ok());
    }

    #[test]
    fn jsonc_allows_comments_and_trailing_commas() {
        let c = WranglerConfig::parse(
            "wrangler.jsonc",
            "{\n // comment\n \"main\": \"index.js\",\n \"vars\": {\"A\": 1,},\n}",
        )
        .unwrap();
        assert_eq!(c.vars["A"], 1);
    }
}
