//! The scenario file (ARCHITECTURE.md "Scenarios"), parsed strictly: an unknown key, a bad value
//! or a reference to a Worker or colo that does not exist is an error naming the file, line and
//! column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use edgesim_runtime::Plan;
use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::expect_spec::ExpectSpec;
use edgesim_runtime::diagnostic::Located;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub seed: Option<u64>,
    /// Simulated time bound: the run stops here even if requests are still in flight.
    pub duration: Option<Duration>,
    #[serde(default)]
    pub colos: Vec<ColoSpec>,
    /// Worker name -> its wrangler config (path relative to the scenario file), and the
    /// config's environment to run it in.
    pub workers: BTreeMap<String, WorkerSpec>,
    #[serde(default)]
    pub platform: PlatformSpec,
    /// What answers the Workers' `fetch()` to the Internet: host or URL prefix -> origin.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub origins: BTreeMap<String, crate::origins::OriginSpec>,
    /// Where Smart Placement runs a Worker (`app: IAD`): requests reach their colo as usual
    /// and cross to this one and back. A Worker whose config sets `placement.mode = "smart"`
    /// and is not named here runs near the scenario's placed origins.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub placement: BTreeMap<String, String>,
    /// The account's Secrets Store at the start: store id -> secret name -> value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets_store: BTreeMap<String, BTreeMap<String, String>>,
    /// What the services a simulation never calls answer the Workers: Workers AI per model,
    /// Vectorize per index and method.
    #[serde(default)]
    pub answers: DeclaredAnswers,
    #[serde(default)]
    pub traffic: Vec<TrafficSpec>,
    #[serde(default)]
    pub faults: Vec<super::fault::FaultSpec>,
    #[serde(default)]
    pub expect: Vec<ExpectSpec>,
}

/// `answers:` in a scenario. Each answer is the JSON the binding's method resolves to.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredAnswers {
    /// Model name (`@cf/meta/llama-3.1-8b-instruct`) -> what `env.AI.run(model, …)` answers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ai: BTreeMap<String, serde_json::Value>,
    /// Index name -> method (`query`, `getByIds`, `describe`, …) -> what it answers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vectorize: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// A Worker of the scenario: `app: workers/app/wrangler.toml`, or, to run one of the config's
/// environments as `wrangler dev --env` does, `app: { config: workers/app/wrangler.toml, env:
/// staging }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum WorkerSpec {
    Path(String),
    InEnvironment {
        config: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        env: Option<String>,
    },
}

impl WorkerSpec {
    /// The config path, relative to the scenario file.
    pub fn config(&self) -> &str {
        match self {
            WorkerSpec::Path(path) | WorkerSpec::InEnvironment { config: path, .. } => path,
        }
    }

    pub fn env(&self) -> Option<&str> {
        match self {
            WorkerSpec::Path(_) => None,
            WorkerSpec::InEnvironment { env, .. } => env.as_deref(),
        }
    }

    /// The same Worker with its config at `path`.
    pub fn with_config(&self, path: String) -> WorkerSpec {
        match self {
            WorkerSpec::Path(_) => WorkerSpec::Path(path),
            WorkerSpec::InEnvironment { env, .. } => WorkerSpec::InEnvironment {
                config: path,
                env: env.clone(),
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ColoSpec {
    Name(String),
    Located { name: String, lat: f64, lon: f64 },
}

impl ColoSpec {
    pub fn name(&self) -> &str {
        match self {
            ColoSpec::Name(n) | ColoSpec::Located { name: n, .. } => n,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSpec {
    pub plan: Option<Plan>,
    /// Overrides every Worker's CPU limit (ms).
    pub cpu_ms: Option<u64>,
    /// The simulator's runaway guard (ms of simulated CPU), see `Limits::runaway_cpu_ms`.
    pub runaway_cpu_ms: Option<u64>,
    /// Simulated wall-clock time at the start of the run, in ms since the Unix epoch.
    pub start_time_ms: Option<u64>,
    #[serde(default)]
    pub kv: KvSpec,
    /// Evict an isolate idle this long; its next request is a cold start (default: never).
    pub isolate_idle_timeout: Option<Duration>,
    /// Memory pressure: a colo keeps at most this many warm isolates; starting another evicts
    /// the least recently used idle one (default: no limit).
    pub isolates_per_colo_max: Option<usize>,
    /// Live Durable Objects of one Worker that share an isolate at a colo before the next one
    /// gets another (default: `durable_objects::OBJECTS_PER_ISOLATE`).
    pub objects_per_isolate: Option<usize>,
    #[serde(default)]
    pub d1: D1Spec,
    #[serde(default)]
    pub network: NetworkSpec,
    /// Each client connection's TLS handshake, and whether the colo starts the isolate while it
    /// runs (default: no handshake modelled).
    pub tls: Option<TlsSpec>,
}

/// `platform.tls`: a new connection pays `handshake` before its first request reaches the colo;
/// with `prewarm` (default true, as production) the colo starts the Worker's isolate as the
/// handshake begins, so a cold start is hidden up to the handshake's length.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSpec {
    pub handshake: Duration,
    #[serde(default = "prewarm_default")]
    pub prewarm: bool,
}

fn prewarm_default() -> bool {
    true
}

/// `platform.network`: noise on every message between places (crate::world::link_noise).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Up to this much extra latency per message, uniformly drawn (default none).
    pub jitter: Option<Duration>,
    /// The probability that a message is lost, from 0 up to (not including) 1 (default 0).
    pub loss: Option<f64>,
}

/// `platform.d1`: the read replicas' knobs (crate::d1).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct D1Spec {
    /// How long after the primary commits a write a replica has it, on top of the network
    /// between them (default 200ms).
    pub replication_lag: Option<Duration>,
}

/// `platform.kv`: the KV model's knobs (crate::kv).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KvSpec {
    /// How long a colo keeps what it read when `get` gives no `cacheTtl` (default 60s).
    pub cache_ttl_default: Option<Duration>,
    /// `usual` (default), `never` or `always`.
    pub same_colo_read_your_writes: Option<crate::kv::ReadYourWrites>,
    /// The colo whose position the central store takes (default IAD).
    pub central: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficSpec {
    /// One request at this time...
    pub at: Option<Duration>,
    /// ...or one every `every`, from `from` (default 0s) until `until` (default: duration)...
    pub every: Option<Duration>,
    /// ...or a Poisson process of `rate` requests per unit (`5/s`, `120/m`, `10/h`), drawn from
    /// the run's seed, over the same `from`..`until` window.
    pub rate: Option<Rate>,
    /// With `rate`: a ramp — the Poisson rate grows (or falls) linearly from `rate` at `from`
    /// to `ramp_to` at `until`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp_to: Option<Rate>,
    pub from: Option<Duration>,
    pub until: Option<Duration>,
    pub colo: String,
    pub worker: String,
    #[serde(default = "get")]
    pub method: String,
    /// A path (`/kv/x`, sent to https://<worker>.example.com) or a full URL.
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    pub label: Option<String>,
    /// Requests sent together at each time (a burst), all in flight at once.
    #[serde(default = "one")]
    pub count: u32,
    /// Each request opens a WebSocket (`Upgrade: websocket`) and runs this client on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<WebSocketSpec>,
    /// The requests of every item naming the same session come from one client: each waits
    /// for the one before it, and carries the `carry` headers of the last response it saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The client's IP address (`CF-Connecting-IP`); default: one drawn from the seed for each
    /// traffic item, or each session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<std::net::IpAddr>,
    /// Response headers a session's client sends back on its next request (a D1 bookmark).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carry: Vec<String>,
}

/// `websocket:` on a traffic item: what each client does once its socket is open.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebSocketSpec {
    /// Messages to send in turn; `{client}` becomes the request's number, `{n}` the message's
    /// (from 1).
    #[serde(default)]
    pub send: Vec<String>,
    /// Send the `send` list this many times (default 1).
    #[serde(default = "one")]
    pub repeat: u32,
    /// From opening to the first message, and between messages (default 1s).
    pub every: Option<Duration>,
    /// Close (code 1000) this long after opening (default: one `every` after the last message).
    pub close_after: Option<Duration>,
    /// After closing, how long to wait for the server's close before hanging up (default 5s).
    pub linger: Option<Duration>,
}

impl WebSocketSpec {
    /// The client's script for request number `client`.
    pub fn script(&self, client: u64) -> crate::socket_client::ClientScript {
        use edgesim_runtime::socket::Frame;
        let every_ms = self.every.map_or(1_000, |d| d.ms);
        let mut sends = Vec::new();
        let mut at_ms = 0;
        let texts = self
            .send
            .iter()
            .cycle()
            .take(self.send.len() * self.repeat as usize);
        for (k, template) in texts.enumerate() {
            at_ms += every_ms;
            let text = template
                .replace("{client}", &client.to_string())
                .replace("{n}", &(k + 1).to_string());
            sends.push((at_ms, Frame::Text(text)));
        }
        let close_ms = self.close_after.map_or(at_ms + every_ms, |d| d.ms);
        sends.retain(|(at, _)| *at < close_ms);
        sends.push((
            close_ms,
            Frame::Close {
                code: 1000,
                reason: String::new(),
            },
        ));
        crate::socket_client::ClientScript {
            sends,
            linger_ms: self.linger.map_or(5_000, |d| d.ms),
        }
    }
}

fn one() -> u32 {
    1
}

/// Requests per millisecond, parsed from `N/s`, `N/m` or `N/h`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_ms: f64,
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}/s", self.per_ms * 1000.0))
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bad = || {
            serde::de::Error::custom(format!(
                "invalid rate \"{text}\": expected a positive number per s, m or h, like 5/s or 120/m"
            ))
        };
        let (n, unit) = text.split_once('/').ok_or_else(bad)?;
        let n: f64 = n.trim().parse().map_err(|_| bad())?;
        let ms = match unit.trim() {
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return Err(bad()),
        };
        if !(n.is_finite() && n > 0.0) {
            return Err(bad());
        }
        Ok(Rate { per_ms: n / ms })
    }
}

fn get() -> String {
    "GET".to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read: {message}")]
    Read { file: String, message: String },
    #[error(transparent)]
    Invalid(Located),
}

/// A parsed and validated scenario, with the directory its relative paths start from.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    pub file: String,
    pub dir: PathBuf,
    pub scenario: Scenario,
}

impl LoadedScenario {
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Read {
            file: file.clone(),
            message: e.to_string(),
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::parse(&file, &text, dir)
    }

    pub fn parse(file: &str, text: &str, dir: PathBuf) -> Result<Self, ScenarioError> {
        let scenario: Scenario = serde_norway::from_str(text).map_err(|e| {
            let full = e.to_string();
            // serde_norway appends " at line L column C" when it knows where; the prefix will.
            let message = full.split(" at line ").next().unwrap_or(&full).to_string();
            // Errors raised while converting a value (a bad duration) carry no real location:
            // point at the quoted value instead.
            let (line, column) = match e.location() {
                Some(l) if full.contains(" at line ") => (l.line(), l.column()),
                _ => message
                    .split('"')
                    .nth(1)
                    .map(|value| locate(text, value))
                    .unwrap_or((1, 1)),
            };
            ScenarioError::Invalid(Located {
                file: file.to_string(),
                line,
                column,
                message,
            })
        })?;
        let loaded = LoadedScenario {
            file: file.to_string(),
            dir,
            scenario,
        };
        super::validate::validate(&loaded, text)?;
        Ok(loaded)
    }

    /// The run's colos: the `colos` list, or else every colo the traffic uses.
    pub fn colos(&self) -> Vec<crate::world::Colo> {
        let s = &self.scenario;
        let mut names: Vec<String> = s.colos.iter().map(|c| c.name().to_string()).collect();
        if names.is_empty() {
            for t in &s.traffic {
                if !names.contains(&t.colo) {
                    names.push(t.colo.clone());
                }
            }
        }
        names
            .iter()
            .filter_map(|name| match s.colos.iter().find(|c| c.name() == name) {
                Some(ColoSpec::Located { name, lat, lon }) => Some(crate::world::Colo {
                    name: name.clone(),
                    lat: *lat,
                    lon: *lon,
                    region: "custom",
                }),
                _ => crate::world::colos::built_in(name),
            })
            .collect()
    }

    pub fn kv_config(&self) -> crate::kv::KvConfig {
        let spec = &self.scenario.platform.kv;
        let defaults = crate::kv::KvConfig::default();
        crate::kv::KvConfig {
            cache_ttl_default_ms: spec
                .cache_ttl_default
                .map_or(defaults.cache_ttl_default_ms, |d| d.ms),
            read_your_writes: spec
                .same_colo_read_your_writes
                .unwrap_or(defaults.read_your_writes),
            central_colo: spec.central.clone().unwrap_or(defaults.central_colo),
        }
    }

    /// The directory of Worker `name`'s config.
    pub fn worker_path(&self, name: &str) -> Option<PathBuf> {
        self.scenario
            .workers
            .get(name)
            .map(|w| self.dir.join(w.config()))
    }
}

/// 1-based line and column of the first occurrence of `needle` after the document start, or
/// (1, 1) when it is not found.
pub(super) fn locate(text: &str, needle: &str) -> (usize, usize) {
    match text.find(needle) {
        Some(offset) => edgesim_runtime::engine::modules::line_col(text, offset),
        None => (1, 1),
    }
}
