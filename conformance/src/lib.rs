//! Helpers shared by the conformance tests: run a Worker given as source text, read what came
//! back. Every test states one documented claim (its name) and asserts on values.

pub mod claims;
pub mod reference;

use std::rc::Rc;

use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use edgesim_runtime::{HttpRequest, HttpResponse, Limits, Plan};
use edgesim_sim::single::fetch_once_with_origins;
pub use edgesim_sim::single::{Exchange, SingleError};

/// The seed tests run with unless they are about seeds.
pub const SEED: u64 = 7;

/// A request builder with sensible defaults (GET https://example.com/).
pub fn get(url: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url: url.into(),
        headers: vec![],
        body: vec![],
    }
}

/// One module Worker named `worker.js`.
pub fn js(source: &str) -> WorkerDefinition {
    WorkerDefinition::from_sources(
        WranglerConfig::default(),
        "worker.js",
        &[("worker.js", source)],
    )
}

/// A Worker made of several modules; the first is the entry point.
pub fn modules(files: &[(&str, &str)]) -> WorkerDefinition {
    WorkerDefinition::from_sources(WranglerConfig::default(), files[0].0, files)
}

pub struct Run {
    pub plan: Plan,
    pub cpu_ms: Option<u64>,
    pub runaway_cpu_ms: Option<u64>,
    pub seed: u64,
    pub origins: Option<Rc<edgesim_sim::host::OriginFn>>,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            plan: Plan::Paid,
            cpu_ms: None,
            runaway_cpu_ms: None,
            seed: SEED,
            origins: None,
        }
    }
}

impl Run {
    pub fn free() -> Self {
        Run {
            plan: Plan::Free,
            ..Default::default()
        }
    }

    pub fn limits(&self, worker: &WorkerDefinition) -> Limits {
        let mut limits = worker.limits(self.plan, self.cpu_ms);
        if let Some(ms) = self.runaway_cpu_ms {
            limits.runaway_cpu_ms = ms;
        }
        limits
    }

    pub fn fetch(
        &self,
        worker: &WorkerDefinition,
        request: HttpRequest,
    ) -> Result<Exchange, SingleError> {
        fetch_once_with_origins(
            worker,
            self.limits(worker),
            request,
            self.seed,
            self.origins.clone(),
        )
    }
}

/// Runs a one-module Worker on the Paid plan and returns what it answered to `GET url`.
pub fn fetch_js(source: &str, url: &str) -> Exchange {
    match Run::default().fetch(&js(source), get(url)) {
        Ok(x) => x,
        Err(e) => panic!("the Worker did not run: {e}"),
    }
}

pub fn body_text(response: &HttpResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

/// The response body parsed as JSON (panics with the body when it is not JSON).
pub fn body_json(response: &HttpResponse) -> serde_json::Value {
    serde_json::from_slice(&response.body)
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", body_text(response)))
}

/// Runs `body` (the body of an async function returning a JSON-able value) inside a fetch
/// handler, where `request`, `env` and `ctx` are in scope, and returns that value.
pub fn eval_json(body: &str) -> serde_json::Value {
    let source = format!(
        "export default {{ async fetch(request, env, ctx) {{\n\
         return Response.json(await (async () => {{\n{body}\n}})());\n}} }};\n"
    );
    body_json(&fetch_js(&source, "https://example.com/").response)
}

/// `"<Class>: <message>"` of what `code` throws, evaluated inside a handler.
pub fn thrown(code: &str) -> String {
    let v = eval_json(&format!(
        "try {{ await (async () => {{ {code} }})(); return 'did not throw'; }} \
         catch (e) {{ return `${{e.constructor.name}}: ${{e.message}}`; }}"
    ));
    v.as_str().unwrap_or_default().to_string()
}
