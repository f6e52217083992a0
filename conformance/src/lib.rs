//! Helpers shared by the conformance tests: run a Worker given as source text, read what came
//! back. Every test states one documented claim (its name) and asserts on values.

pub mod claims;
pub mod reference;

use std::rc::Rc;

pub use edgesim_runtime::socket::Frame;
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use edgesim_runtime::{HttpRequest, HttpResponse, Limits, Plan};
pub use edgesim_sim::one_colo::Session;
pub use edgesim_sim::one_colo::{Exchange, OneColoError};
use edgesim_sim::one_colo::{Serve, serve, websocket_session};
pub use edgesim_sim::socket_client::{ClientEvent, ClientScript};

/// The seed tests run with unless they are about seeds.
pub const SEED: u64 = 7;

/// A request builder with sensible defaults (GET https://example.com/).
pub fn get(url: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url: url.into(),
        headers: vec![],
        body: vec![],
        cf: None,
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

/// A Worker with nodejs_compat (at the recorded date) whose fetch handler answers, as JSON, what
/// the async function `body` returns; `imports` are module lines put before it.
pub fn nodejs_compat_worker(imports: &str, body: &str) -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(serde_json::json!({
        "name": "node",
        "compatibility_date": "2026-04-20",
        "compatibility_flags": ["nodejs_compat"],
    }))
    .unwrap_or_default();
    let source = format!(
        "{imports}\nexport default {{ async fetch() {{ return Response.json(await (async () => {{ {body} }})()); }} }};"
    );
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &source)])
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
    /// Origins as a scenario declares them (TCP servers for `connect()`, among others).
    pub declared_origins: Rc<edgesim_sim::origins::OriginTable>,
    /// Prepares the simulated platform before the first request (storage latency, faults).
    pub setup: Option<Rc<edgesim_sim::one_colo::PlatformSetup>>,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            plan: Plan::Paid,
            cpu_ms: None,
            runaway_cpu_ms: None,
            seed: SEED,
            origins: None,
            declared_origins: Rc::default(),
            setup: None,
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

    /// Durable Object storage that answers reads after 1 ms and confirms writes after
    /// `commit_ms`: long enough for a test to see what waits for a confirmation.
    pub fn with_commit_ms(commit_ms: u64) -> Self {
        Run {
            setup: Some(Rc::new(move |p| {
                p.objects
                    .latency
                    .set(edgesim_sim::durable_objects::StorageLatency {
                        read_ms: 1,
                        commit_ms,
                    })
            })),
            ..Default::default()
        }
    }

    pub fn limits(&self, worker: &WorkerDefinition) -> Limits {
        let mut limits = worker.limits(self.plan, self.cpu_ms);
        if let Some(ms) = self.runaway_cpu_ms {
            limits.runaway_cpu_limit_ms = ms;
        }
        limits
    }

    pub fn fetch(
        &self,
        worker: &WorkerDefinition,
        request: HttpRequest,
    ) -> Result<Exchange, OneColoError> {
        self.sequence(worker, vec![request], 0)?
            .pop()
            .ok_or(OneColoError::NoResponse)
    }

    /// Serves `requests` in turn, `gap_ms` of simulated time apart, in one simulation.
    pub fn sequence(
        &self,
        worker: &WorkerDefinition,
        requests: Vec<HttpRequest>,
        gap_ms: u64,
    ) -> Result<Vec<Exchange>, OneColoError> {
        let options = Serve {
            seed: self.seed,
            origins: self.origins.clone(),
            declared_origins: self.declared_origins.clone(),
            gap_ms,
            setup: self.setup.clone(),
            ..Default::default()
        };
        serve(worker, self.limits(worker), requests, &options)
    }

    /// Serves `requests` in one simulation, request `i` sent `send_at_ms[i]` ms after the run
    /// started (or as soon as the one before it ended, if that is later).
    pub fn timeline(
        &self,
        worker: &WorkerDefinition,
        requests: Vec<HttpRequest>,
        send_at_ms: &[u64],
    ) -> Result<Vec<Exchange>, OneColoError> {
        let options = Serve {
            seed: self.seed,
            origins: self.origins.clone(),
            declared_origins: self.declared_origins.clone(),
            send_at_ms: send_at_ms.to_vec(),
            setup: self.setup.clone(),
            ..Default::default()
        };
        serve(worker, self.limits(worker), requests, &options)
    }

    /// Runs every case results/`result`.json holds — `GET /case?name=<case>` to `worker`, 10 ms
    /// apart in one simulation, as the recorders ask them — and panics, showing each, unless
    /// every answer is the one workerd recorded. Returns how many cases were compared.
    pub fn assert_recorded_cases(&self, worker: &WorkerDefinition, result: &str) -> usize {
        self.assert_recorded_cases_adjusting(worker, result, |_, _| {})
    }

    /// As [`Run::assert_recorded_cases`], after `adjust(case, answer)` takes out of edgesim's
    /// answers what workerd gained after the recording (each caller says what and since when).
    pub fn assert_recorded_cases_adjusting(
        &self,
        worker: &WorkerDefinition,
        result: &str,
        adjust: impl Fn(&str, &mut serde_json::Value),
    ) -> usize {
        let recorded = reference::result(result);
        let names: Vec<&String> = recorded
            .as_object()
            .expect("recorded cases")
            .keys()
            .collect();
        let requests = (names.iter())
            .map(|n| get(&format!("https://probe.example/case?name={n}")))
            .collect();
        let exchanges = self
            .sequence(worker, requests, 10)
            .expect("the Worker runs");
        let ours = (names.iter().map(|n| n.to_string()))
            .zip(exchanges.iter().map(|x| body_json(&x.response)))
            .map(|(name, mut answer)| {
                adjust(&name, &mut answer);
                (name, answer)
            })
            .collect();
        reference::assert_differences(result, &recorded, &serde_json::Value::Object(ours), &[]);
        names.len()
    }

    /// Opens a WebSocket to `worker` with `GET url` (`Upgrade: websocket`) and runs `script`
    /// on it as the client.
    pub fn session(
        &self,
        worker: &WorkerDefinition,
        url: &str,
        script: ClientScript,
    ) -> Result<Session, OneColoError> {
        let options = Serve {
            seed: self.seed,
            origins: self.origins.clone(),
            declared_origins: self.declared_origins.clone(),
            setup: self.setup.clone(),
            ..Default::default()
        };
        let mut request = get(url);
        request
            .headers
            .push(("upgrade".to_string(), "websocket".to_string()));
        websocket_session(worker, self.limits(worker), request, script, &options)
    }
}

/// A client script: text frames at ms after the socket opened, then a close (code 1000) at
/// `close_at_ms` if given, then up to `linger_ms` for the server's answer.
pub fn script(texts: &[(u64, &str)], close_at_ms: Option<u64>, linger_ms: u64) -> ClientScript {
    let mut sends: Vec<(u64, Frame)> = texts
        .iter()
        .map(|(at, t)| (*at, Frame::Text(t.to_string())))
        .collect();
    if let Some(at) = close_at_ms {
        sends.push((
            at,
            Frame::Close {
                code: 1000,
                reason: "done".to_string(),
            },
        ));
    }
    ClientScript { sends, linger_ms }
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

/// A Worker with one Durable Object class `Counter` bound as `env.COUNTER` (SQLite-backed when
/// `sqlite`): `class_body` is the class body, `fetch_body` the default fetch handler's body, with
/// `request`, `env`, `ctx` and `stub` (the object named "a") in scope.
pub fn object_worker(class_body: &str, fetch_body: &str, sqlite: bool) -> WorkerDefinition {
    let migration = if sqlite {
        "new_sqlite_classes"
    } else {
        "new_classes"
    };
    let config = WranglerConfig::parse(
        "wrangler.toml",
        &format!(
            "name = 'app'\nmain = 'w.js'\ncompatibility_date = '2026-04-20'\n\
             [[durable_objects.bindings]]\nname = 'COUNTER'\nclass_name = 'Counter'\n\
             [[migrations]]\ntag = 'v1'\n{migration} = ['Counter']\n"
        ),
    )
    .unwrap_or_else(|e| panic!("test config: {e}"));
    let source = format!(
        "import {{ DurableObject }} from 'cloudflare:workers';\n\
         export class Counter extends DurableObject {{\n{class_body}\n}}\n\
         export default {{ async fetch(request, env, ctx) {{\n\
         const stub = env.COUNTER.get(env.COUNTER.idFromName('a'));\n{fetch_body}\n}} }};\n"
    );
    WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)])
}

/// Runs `fetch_body` (which returns a JSON-able value) against [`object_worker`] and returns it.
pub fn object_json(run: &Run, class_body: &str, fetch_body: &str) -> serde_json::Value {
    object_json_with(run, class_body, fetch_body, false)
}

/// As [`object_json`], with a SQLite-backed class when `sqlite`.
pub fn object_json_with(
    run: &Run,
    class_body: &str,
    fetch_body: &str,
    sqlite: bool,
) -> serde_json::Value {
    let worker = object_worker(
        class_body,
        &format!("return Response.json(await (async () => {{ {fetch_body} }})());"),
        sqlite,
    );
    match run.fetch(&worker, get("https://example.com/")) {
        Ok(x) => body_json(&x.response),
        Err(e) => panic!("the Worker did not run: {e}"),
    }
}

/// A project directory written out for a test (files may sit in subdirectories), removed when
/// dropped.
pub struct Project(pub std::path::PathBuf);

impl Project {
    pub fn with(name: &str, files: &[(&str, &str)]) -> Project {
        let dir = std::env::temp_dir().join(format!("edgesim-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (file, text) in files {
            let path = dir.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create the project's directories");
            }
            std::fs::write(path, text).expect("write a project file");
        }
        Project(dir)
    }

    /// The project's directory.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// What the project's Worker answers to `GET /` (as JSON), or why it did not start or answer.
    pub fn answer(&self) -> Result<serde_json::Value, String> {
        let worker = self.worker(None)?;
        let x = Run::default()
            .fetch(&worker, get("https://example.com/"))
            .map_err(|e| e.to_string())?;
        if let Some(exception) = &x.report.exception {
            return Err(exception.clone());
        }
        Ok(body_json(&x.response))
    }

    /// The Worker the project's wrangler config describes, in `environment` (`--env`).
    pub fn worker(&self, environment: Option<&str>) -> Result<WorkerDefinition, String> {
        WorkerDefinition::load_env(&self.0, environment).map_err(|e| e.to_string())
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
