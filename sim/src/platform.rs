//! What all isolates of a run share: the simulated clock's origin, the network, the KV service,
//! and the trace that records what happened.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration as StdDuration;

use crate::durable_objects::ObjectService;
use crate::kv::{KvConfig, KvPlatform};
use crate::trace::{Trace, TraceEvent};
use crate::world::link_noise::Fate;
use crate::world::{Colo, Network};

/// Where a service keeps `key` (a D1 database, an R2 bucket): the colo it was first used
/// from, from then on.
pub fn home_colo(homes: &RefCell<BTreeMap<String, String>>, key: &str, from_colo: &str) -> String {
    homes
        .borrow_mut()
        .entry(key.to_string())
        .or_insert_with(|| from_colo.to_string())
        .clone()
}

/// The network name of the KV central store.
pub const KV_CENTRAL: &str = "kv-central";

/// What is told of each trace event as it is recorded.
pub type TraceObserver = Box<dyn Fn(&TraceEvent)>;

pub struct Platform {
    pub epoch_ms: u64,
    pub start: madsim::time::Instant,
    pub network: Network,
    pub kv: KvPlatform,
    pub objects: ObjectService,
    pub d1: crate::d1::D1Service,
    pub queues: crate::queues::QueueService,
    pub r2: crate::r2::R2Service,
    /// The Cache API's caches, one per colo: not replicated (semantics.md §7).
    pub caches: crate::cache::CacheService,
    pub trace: Rc<RefCell<Trace>>,
    /// Told of every event as it is recorded (a scenario's online expectations).
    pub trace_observer: RefCell<Option<TraceObserver>>,
    /// The colos of the run, with their regions.
    pub colos: Vec<Colo>,
    /// Colo outages: colo -> (start, end) in ms since the run started.
    outages: RefCell<BTreeMap<String, (u64, u64)>>,
    /// What answers the Workers' outbound `fetch()`.
    pub origins: crate::origins::OriginService,
    /// The run's seed, from which every component's randomness is derived.
    pub run_seed: u64,
    /// Partitions and latency spikes in effect over the run.
    pub faults: crate::world::faults::NetworkFaults,
    /// Jitter and loss on every message (`platform.network`).
    pub link_noise: crate::world::link_noise::LinkNoise,
    /// Where KV, R2 and D1 data is kept between runs (`edgesim fetch --persist-to`).
    pub persist: Option<crate::persist::Persist>,
    /// The Workers service bindings reach.
    pub services: crate::services::ServiceDirectory,
    /// Each colo's cache of the Workers' static assets, and the router in front of them.
    pub assets: crate::assets::AssetCaches,
    /// The Workflows of the run's Workers, each with its engine.
    pub workflows: crate::workflows::WorkflowService,
    /// Each colo's rate limiter counters: production counts at each location apart.
    pub rate_limits: RefCell<BTreeMap<String, edgesim_runtime::storage::rate_limit::RateLimits>>,
    /// Every task the run spawns, ended with the run.
    pub tasks: crate::tasks::RunTasks,
    /// The account's Secrets Store, which every Worker of the run reads.
    pub secrets_store: Rc<RefCell<edgesim_runtime::storage::secrets_store::SecretsStore>>,
    /// The scenario's `answers:`: (service, key) -> the answer's JSON, where service is `ai`
    /// (key: the model) or `vectorize:<index>` (key: the method).
    pub declared_answers: RefCell<BTreeMap<(String, String), String>>,
}

/// Ends a run's world when the run's main future finishes, however it finishes: the Worker
/// origins' isolates (the pool holds the platform that holds it) and every task still waiting.
/// Without it each run would leave its whole world allocated (see `tasks`).
pub struct EndOfRun(pub Rc<Platform>);

impl Drop for EndOfRun {
    fn drop(&mut self) {
        self.0.origins.close();
        self.0.tasks.end_all();
    }
}

/// A message lost in a partition: its sender gave up waiting for an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Network connection lost.")]
pub struct Unreachable;

impl Platform {
    /// A platform of `colos`, with the KV central store at `kv.central_colo`'s position (or at
    /// the first colo's when that colo is not among them or known).
    pub fn new(
        run_seed: u64,
        epoch_ms: u64,
        start: madsim::time::Instant,
        colos: &[Colo],
        kv: KvConfig,
    ) -> Self {
        let mut network = Network::default();
        for c in colos {
            network.add_colo(c);
        }
        let central = crate::world::colos::built_in(&kv.central_colo)
            .or_else(|| colos.iter().find(|c| c.name == kv.central_colo).cloned())
            .or_else(|| colos.first().cloned());
        if let Some(c) = central {
            network.add(KV_CENTRAL, c.lat, c.lon);
        }
        Platform {
            epoch_ms,
            start,
            network,
            kv: KvPlatform::new(kv),
            objects: ObjectService::default(),
            d1: Default::default(),
            queues: Default::default(),
            r2: Default::default(),
            caches: Default::default(),
            trace: Rc::default(),
            trace_observer: RefCell::default(),
            origins: Default::default(),
            colos: colos.to_vec(),
            outages: RefCell::default(),
            run_seed,
            faults: Default::default(),
            link_noise: crate::world::link_noise::LinkNoise::new(run_seed),
            persist: None,
            services: Default::default(),
            assets: Default::default(),
            workflows: Default::default(),
            rate_limits: RefCell::default(),
            secrets_store: Rc::default(),
            declared_answers: RefCell::default(),
            tasks: Default::default(),
        }
    }

    /// One location, with the KV central store there too: what `edgesim fetch` simulates.
    pub fn single(run_seed: u64, epoch_ms: u64, start: madsim::time::Instant, colo: &str) -> Self {
        let c = crate::world::colos::built_in(colo).unwrap_or(Colo {
            name: colo.to_string(),
            lat: 0.0,
            lon: 0.0,
            region: "weur",
        });
        let kv = KvConfig {
            central_colo: c.name.clone(),
            ..Default::default()
        };
        Platform::new(run_seed, epoch_ms, start, &[c], kv)
    }

    /// Declares the run's origins, placing each on the network (before the run starts).
    pub fn declare_origins(&mut self, table: Rc<crate::origins::OriginTable>) {
        for place in table.places() {
            self.network.add(&place.name, place.lat, place.lon);
        }
        self.origins = crate::origins::OriginService::new(table);
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> u64 {
        madsim::time::Instant::now()
            .duration_since(self.start)
            .as_millis() as u64
    }

    /// Milliseconds since the Unix epoch on the simulated clock.
    pub fn now_ms(&self) -> u64 {
        self.epoch_ms + self.elapsed_ms()
    }

    /// Colo `colo` goes down at `now_ms` for `for_ms`: its Durable Object hosts crash, its KV
    /// and Cache API caches are lost, its isolates are gone (the next request there starts
    /// cold), and until it is back its traffic goes to the nearest colo that is up.
    pub fn crash_colo(&self, colo: &str, now_ms: u64, for_ms: u64) {
        self.outages
            .borrow_mut()
            .insert(colo.to_string(), (now_ms, now_ms + for_ms));
        self.objects.crash_colo(colo, now_ms, for_ms);
        self.kv.forget_colo(colo);
        self.caches.forget_colo(colo);
        self.workflows.crash_colo();
    }

    /// While `colo` is down at `elapsed_ms` (since the run started): when it is back.
    pub fn down_until(&self, colo: &str, elapsed_ms: u64) -> Option<u64> {
        let outages = self.outages.borrow();
        let (from, until) = outages.get(colo)?;
        (*from..*until).contains(&elapsed_ms).then_some(*until)
    }

    fn is_down(&self, colo: &str, now_ms: u64) -> bool {
        self.outages
            .borrow()
            .get(colo)
            .is_some_and(|(from, until)| (*from..*until).contains(&now_ms))
    }

    /// Whether `colo` crashed after `since_ms` (its isolates from before are gone).
    pub fn crashed_since(&self, colo: &str, since_ms: u64) -> bool {
        self.outages
            .borrow()
            .get(colo)
            .is_some_and(|(from, _)| *from >= since_ms)
    }

    /// Request `id` of a client at `colo`, sent at `at_ms`, reaches the colo that serves it:
    /// during an outage the nearest colo that is up, after the detour (the trace says so).
    /// The colo, and the detour one way (zero when there is none).
    pub async fn arrive(&self, id: u64, colo: &str, at_ms: u64) -> (String, StdDuration) {
        let serving = self.serving_colo(colo, at_ms);
        if serving == colo {
            return (serving, StdDuration::ZERO);
        }
        let detour = StdDuration::from_millis(self.network.one_way_ms(colo, &serving));
        self.record(TraceEvent::Rerouted {
            at_ms,
            id,
            from: colo.to_string(),
            to: serving.clone(),
        });
        madsim::time::sleep(detour).await;
        (serving, detour)
    }

    /// The colo that serves a client of `colo` at `now_ms`: itself, or while it is down the
    /// nearest colo that is up (anycast routes around an outage).
    pub fn serving_colo(&self, colo: &str, now_ms: u64) -> String {
        if !self.is_down(colo, now_ms) {
            return colo.to_string();
        }
        self.colos
            .iter()
            .filter(|c| c.name != colo && !self.is_down(&c.name, now_ms))
            .min_by_key(|c| (self.network.one_way_ms(colo, &c.name), c.name.clone()))
            .map_or_else(|| colo.to_string(), |c| c.name.clone())
    }

    /// Carries a message from `from` to `to`: waits the one-way network time (plus any latency
    /// spike), or, when a partition drops it, the time its sender waits before giving up.
    pub async fn travel(&self, from: &str, to: &str) -> Result<(), Unreachable> {
        let at_ms = self.elapsed_ms();
        if self.faults.is_cut(from, to, at_ms) {
            return self.lose(at_ms, from, to).await;
        }
        let extra_ms = match self.link_noise.fate() {
            Fate::Delayed(ms) => ms,
            Fate::Lost => return self.lose(at_ms, from, to).await,
        };
        let ms =
            self.network.one_way_ms(from, to) + self.faults.extra_ms(from, to, at_ms) + extra_ms;
        madsim::time::sleep(std::time::Duration::from_millis(ms)).await;
        Ok(())
    }

    /// A message from `from` to `to` is lost: the trace says so, and its sender learns only by
    /// waiting for an answer that never comes.
    async fn lose(&self, at_ms: u64, from: &str, to: &str) -> Result<(), Unreachable> {
        self.record(TraceEvent::MessageLost {
            at_ms,
            from: from.to_string(),
            to: to.to_string(),
        });
        let timeout = crate::world::faults::UNREACHABLE_TIMEOUT_MS;
        madsim::time::sleep(std::time::Duration::from_millis(timeout)).await;
        Err(Unreachable)
    }

    /// A hop inside colo `colo` (isolate to its local cache or queue front end): never cut.
    pub async fn local_hop(&self, colo: &str) {
        let ms = self.network.one_way_ms(colo, colo);
        madsim::time::sleep(std::time::Duration::from_millis(ms)).await;
    }

    pub fn record(&self, event: TraceEvent) {
        if let Some(observe) = self.trace_observer.borrow().as_ref() {
            observe(&event);
        }
        self.trace.borrow_mut().push(event);
    }
}
