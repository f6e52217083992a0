//! The other Workers of a test run: Miniflare's `workers` option in the vitest config (the
//! pool's "auxiliary" Workers), each configured as Miniflare configures one — a script path
//! and its options — and reached through `serviceBindings`. They run in isolates of their own
//! at the caller's colo, as any service binding's target does.

use std::path::Path;

use edgesim_runtime::worker::WorkerDefinition;
use serde::Deserialize;

use super::TestError;
use super::project::{MiniflareOverrides, apply_overrides};

/// One entry of `miniflare.workers`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuxiliaryWorker {
    pub name: String,
    /// The Worker's entry module, relative to the vitest config.
    pub script_path: Option<String>,
    /// `true` (the script is an ES module) or a list of modules given inline.
    pub modules: Option<serde_json::Value>,
    /// Its bindings, compatibility date and flags, services, as the test Worker's overrides.
    #[serde(flatten)]
    pub options: MiniflareOverrides,
}

impl AuxiliaryWorker {
    /// The Worker this entry describes; `base` is the vitest config's directory (a path in
    /// an error is reported against `config_file`).
    pub fn load(
        &self,
        base: &Path,
        root: &Path,
        config_file: Option<&Path>,
    ) -> Result<WorkerDefinition, TestError> {
        let refuse = |message: String| {
            let message = format!("miniflare.workers[{:?}]: {message}", self.name);
            TestError::in_config(config_file, message)
        };
        let mut worker = match (&self.modules, self.script_path.as_deref()) {
            (Some(serde_json::Value::Array(modules)), _) => inline(modules).map_err(refuse)?,
            (_, Some(script)) => {
                let entry = built_by_wrangler(&base.join(script));
                WorkerDefinition::load(&entry).map_err(|e| refuse(e.to_string()))?
            }
            (_, None) => return Err(refuse("needs `scriptPath`, its entry module".into())),
        };
        worker.name = self.name.clone();
        worker.config.name = Some(self.name.clone());
        apply_overrides(&mut worker.config, &self.options, root)?;
        Ok(worker)
    }
}

/// A Worker whose modules the config gives inline (`[{ path, type, contents }]`, the first one
/// its entry), as Miniflare takes them.
fn inline(modules: &[serde_json::Value]) -> Result<WorkerDefinition, String> {
    #[derive(Deserialize)]
    struct InlineModule {
        path: String,
        #[serde(rename = "type")]
        kind: String,
        contents: Option<String>,
    }
    let mut sources = Vec::new();
    for module in modules {
        let module: InlineModule = serde_json::from_value(module.clone())
            .map_err(|e| format!("modules: each needs `path`, `type` and `contents`: {e}"))?;
        if module.kind != "ESModule" {
            return Err(format!(
                "modules: {:?} is of type {:?}; edgesim takes inline modules of type \"ESModule\" \
                 (give others by `scriptPath`)",
                module.path, module.kind
            ));
        }
        let Some(contents) = module.contents else {
            return Err(format!("modules: {:?} has no `contents`", module.path));
        };
        sources.push((module.path, contents));
    }
    let Some((main, _)) = sources.first() else {
        return Err("modules: the list is empty; the first module is the Worker's entry".into());
    };
    let pairs: Vec<(&str, &str)> = (sources.iter())
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    Ok(WorkerDefinition::from_sources(
        Default::default(),
        main,
        &pairs,
    ))
}

/// `<dir>/dist/<file>.js` that is not there but whose `<dir>` holds a wrangler config: what
/// `wrangler build` (the global setup such projects run) would write. edgesim loads the
/// Worker from that config instead, building its modules itself, so no build step is needed.
fn built_by_wrangler(script: &Path) -> std::path::PathBuf {
    let from_config = || {
        let dist = script.parent()?;
        let dir = dist.parent()?;
        (dist.file_name()? == "dist").then_some(())?;
        ["wrangler.jsonc", "wrangler.json", "wrangler.toml"]
            .iter()
            .map(|name| dir.join(name))
            .find(|config| config.is_file())
    };
    match script.exists() {
        true => script.to_path_buf(),
        false => from_config().unwrap_or_else(|| script.to_path_buf()),
    }
}
