//! Durable Objects on the simulated platform: where each object lives, its durable storage, and
//! the delivery of calls to it across the network.
//!
//! An object is placed in the colo of the first call that reaches it and never moves
//! (data-location.mdx). The objects of one Worker at one colo share isolates (host.rs): each
//! object stays with the host it was first placed in, whose task owns the isolate; calls queue
//! in the host's inbox and each object's input gate decides when its calls run. Storage lives
//! with the platform (stores.rs), outside the isolates, so a reset or an eviction loses memory
//! and unconfirmed writes but never a confirmed one.

mod host;
mod residents;
mod schedule;
mod stores;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use edgesim_runtime::Limits;
use edgesim_runtime::engine::durable_object::ObjectSpec;
use edgesim_runtime::host::{CallError, CallKind, CallReply, ObjectCall};
use edgesim_runtime::socket::hibernation::Hibernation;
use edgesim_runtime::storage::durable::{ObjectAddress, ObjectStore};
use edgesim_runtime::worker::WorkerDefinition;
use futures::channel::{mpsc, oneshot};

use crate::platform::Platform;
use crate::trace::TraceEvent;
pub use host::ObjectJob;
use host::{HostHandle, Inbound};
pub(crate) use schedule::{AlarmAttempt, next_socket_event};

/// How long the object's storage takes to answer, as seen from its isolate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageLatency {
    /// A read the isolate's cache cannot answer.
    pub read_ms: u64,
    /// From handing a batch of writes to the store until it is confirmed (replicated).
    pub commit_ms: u64,
}

impl Default for StorageLatency {
    fn default() -> Self {
        StorageLatency {
            read_ms: 1,
            commit_ms: 4,
        }
    }
}

/// The Worker (code and limits) an object's isolate runs.
#[derive(Clone)]
pub struct WorkerUnit {
    pub definition: Rc<WorkerDefinition>,
    pub limits: Limits,
}

impl WorkerUnit {
    /// Opens the storage of this Worker's object at `address`, of class `class` (a SQLite
    /// database seeded from the run for SQLite-backed classes), and says how an isolate hosts
    /// it.
    pub(crate) fn open_object(
        &self,
        platform: &Platform,
        address: &ObjectAddress,
        class: &str,
        name: Option<String>,
    ) -> Result<ObjectSpec, ObjectStartError> {
        let sqlite = self.definition.is_sqlite_class(class);
        let store = format!("object-store/{}/{}", address.namespace, address.id);
        let store_seed = crate::seed::derive(platform.run_seed, &store);
        let persist = platform.persist.as_ref();
        platform
            .objects
            .open(address, sqlite, store_seed, persist)?;
        Ok(ObjectSpec {
            address: address.clone(),
            name,
            class_name: class.to_string(),
            sqlite,
            delete_all_deletes_alarm: (self.definition.config)
                .flag_enabled(edgesim_runtime::worker::config::DELETE_ALL_DELETES_ALARM),
        })
    }

    /// The hibernatable WebSockets of this Worker's object at `address`, made on first use.
    pub(crate) fn hibernation(
        &self,
        platform: &Platform,
        address: &ObjectAddress,
    ) -> Rc<RefCell<Hibernation>> {
        let auto_reply_to_close = (self.definition.config)
            .flag_enabled(edgesim_runtime::worker::config::WEB_SOCKET_AUTO_REPLY_TO_CLOSE);
        platform
            .objects
            .open_hibernation(address, auto_reply_to_close)
    }
}

/// Calls one object holds (queued or running) before it answers more with workerd's overload
/// error. edgesim's model of the ~1,000 requests/s soft limit (do-faq-limits.mdx): production
/// does not publish its queue length.
pub const QUEUED_CALLS_MAX: usize = 1_000;

/// Live objects one isolate holds before the next new object of its Worker at that colo gets
/// another isolate. Production shares isolates among a Worker's objects (in-memory-state.mdx)
/// but does not publish how many; `platform.objects_per_isolate` sets it.
pub const OBJECTS_PER_ISOLATE: usize = 100;

/// Every Durable Object of a run.
pub struct ObjectService {
    pub latency: Cell<StorageLatency>,
    /// See [`QUEUED_CALLS_MAX`]; tests lower it.
    pub queued_calls_max: Cell<usize>,
    stores: RefCell<BTreeMap<ObjectAddress, ObjectStore>>,
    placements: RefCell<BTreeMap<ObjectAddress, String>>,
    /// See [`OBJECTS_PER_ISOLATE`].
    pub objects_per_isolate: Cell<usize>,
    /// The hosts of each (Worker, colo), in the order they were started.
    hosts: RefCell<BTreeMap<(String, String), Vec<HostHandle>>>,
    /// Which of its group's hosts each placed object belongs to, for the run.
    homes: RefCell<BTreeMap<ObjectAddress, usize>>,
    /// Bumped whenever a stored alarm may have changed: hosts look for their next alarm again.
    alarm_version: Cell<u64>,
    /// Colos whose Durable Object hosts are down, until when (ms since the run started).
    down_until: RefCell<BTreeMap<String, u64>>,
    /// Object calls made so far: numbers them in the trace.
    calls: Cell<u64>,
    /// Commits still to fail instead of applying (a storage fault), whichever object makes them.
    failing_commits: Cell<u32>,
    /// Commits still to succeed before `failing_commits` start failing.
    commits_before_failing: Cell<u32>,
    /// Each object's hibernatable WebSockets: they outlive its isolates, not its host.
    hibernations: RefCell<BTreeMap<ObjectAddress, Rc<RefCell<Hibernation>>>>,
    /// In `edgesim test`, the objects of the tested Worker's own classes live in the test
    /// file's isolate, as vitest-pool-workers runs them: its name and its driver's inbox.
    test_home: RefCell<Option<(String, mpsc::UnboundedSender<HomeCall>)>>,
}

/// What reaches the driver of the isolate `edgesim test` hosts objects in.
pub enum HomeCall {
    /// A call to one of its objects.
    Call {
        address: ObjectAddress,
        class_name: String,
        job: ObjectJob,
    },
    /// Storage went back to a saved state: every object starts afresh on its next call.
    Reset,
    /// The hosts of these objects crashed (a `do-host:` fault): each loses its memory, its
    /// unconfirmed writes and its hibernatable WebSockets; calls in flight fail.
    Crash(Vec<ObjectAddress>),
    /// A batch for one of the Worker's own queue consumers: its `queue` handler runs in the
    /// test's isolate, as in the pool, and its report comes back.
    Batch {
        queue: String,
        messages: String,
        reply: oneshot::Sender<edgesim_runtime::InvocationReport>,
    },
    /// A call on a function or `RpcTarget` the test file handed out (callbacks.rs): it runs in
    /// the file's isolate, where that lives.
    Callback {
        call: CallKind,
        reply: oneshot::Sender<Result<CallReply, CallError>>,
    },
    /// A test evicts or aborts objects; the answer is workerd's error, if any.
    Control {
        control: edgesim_runtime::host::ObjectControl,
        reply: oneshot::Sender<Result<(), String>>,
    },
}

impl Default for ObjectService {
    fn default() -> Self {
        ObjectService {
            latency: Default::default(),
            queued_calls_max: Cell::new(QUEUED_CALLS_MAX),
            stores: Default::default(),
            placements: Default::default(),
            objects_per_isolate: Cell::new(OBJECTS_PER_ISOLATE),
            hosts: Default::default(),
            homes: Default::default(),
            alarm_version: Default::default(),
            down_until: Default::default(),
            calls: Default::default(),
            failing_commits: Default::default(),
            commits_before_failing: Default::default(),
            hibernations: Default::default(),
            test_home: Default::default(),
        }
    }
}

impl ObjectService {
    /// Sends calls to objects of Worker `worker`'s own classes to `home` from now on.
    pub fn set_test_home(&self, worker: &str, home: mpsc::UnboundedSender<HomeCall>) {
        *self.test_home.borrow_mut() = Some((worker.to_string(), home));
    }

    /// The test isolate's driver, when Worker `worker` is the one `edgesim test` runs.
    pub fn test_home_of(&self, worker: &str) -> Option<mpsc::UnboundedSender<HomeCall>> {
        let home = self.test_home.borrow();
        let (name, home) = home.as_ref()?;
        (name == worker).then(|| home.clone())
    }

    /// The Durable Object hosts at `colo` crash: every object placed there loses its memory
    /// and unconfirmed writes, calls in flight fail, and calls fail until `for_ms` has passed.
    /// Objects stay placed at `colo` and restart there on the first call after it.
    pub fn crash_colo(&self, colo: &str, now_ms: u64, for_ms: u64) {
        self.down_until
            .borrow_mut()
            .insert(colo.to_string(), now_ms + for_ms);
        for ((_, at), hosts) in self.hosts.borrow().iter() {
            for host in hosts.iter().filter(|_| at == colo) {
                let _ = host.inbox.unbounded_send(Inbound::Crash);
            }
        }
        let homes = self.homes.borrow();
        let at_test_home: Vec<ObjectAddress> = (self.placements.borrow().iter())
            .filter(|(a, c)| c.as_str() == colo && !homes.contains_key(*a))
            .map(|(a, _)| a.clone())
            .collect();
        if let Some((_, home)) = self.test_home.borrow().as_ref()
            && !at_test_home.is_empty()
        {
            let _ = home.unbounded_send(HomeCall::Crash(at_test_home));
        }
    }

    fn is_down(&self, colo: &str, now_ms: u64) -> bool {
        self.down_until
            .borrow()
            .get(colo)
            .is_some_and(|until| now_ms < *until)
    }

    /// Delivers `call` from an isolate at `from_colo` running `worker`, placing the object on
    /// first contact, and brings the answer back across the network. The trace records the call
    /// as its caller saw it: when it left, when the answer came back, and what it was.
    pub async fn call(
        platform: Rc<Platform>,
        from_colo: String,
        worker: WorkerUnit,
        call: ObjectCall,
    ) -> Result<CallReply, CallError> {
        let service = &platform.objects;
        let number = service.calls.get() + 1;
        service.calls.set(number);
        let (method, args) = describe_call(&call.kind);
        platform.record(TraceEvent::ObjectCall {
            at_ms: platform.elapsed_ms(),
            call: number,
            namespace: call.address.namespace.clone(),
            object: short_id(&call.address.id),
            from: from_colo.clone(),
            method,
            args,
        });
        let result = Self::deliver(&platform, from_colo, worker, call).await;
        let (ok, value) = match &result {
            Ok(CallReply::Value(v)) => (true, v.clone()),
            Ok(CallReply::Response(r)) => (
                r.status < 400,
                format!("{} {}", r.status, String::from_utf8_lossy(&r.body)),
            ),
            Err(e) => (false, e.to_string()),
        };
        platform.record(TraceEvent::ObjectReturn {
            at_ms: platform.elapsed_ms(),
            call: number,
            ok: ok && result.is_ok(),
            value,
        });
        result
    }

    async fn deliver(
        platform: &Rc<Platform>,
        from_colo: String,
        worker: WorkerUnit,
        call: ObjectCall,
    ) -> Result<CallReply, CallError> {
        let service = &platform.objects;
        // A namespace bound with `script_name` is another Worker's: its objects run its code.
        let defining = match worker.definition.object_class(&call.address.namespace) {
            Some(_) => Some(worker),
            None => (call.address.namespace.split_once('/'))
                .and_then(|(script, _)| platform.services.unit(script)),
        };
        let Some((worker, class_name)) = defining.and_then(|w| {
            let class = w.definition.object_class(&call.address.namespace)?;
            Some((w, class))
        }) else {
            return Err(CallError::platform(format!(
                "edgesim: no Worker of this run defines Durable Object namespace {:?} (a \
                 `script_name` binding needs that Worker in the run)",
                call.address.namespace
            )));
        };
        let colo = service
            .placements
            .borrow_mut()
            .entry(call.address.clone())
            .or_insert_with(|| place(platform, &from_colo, call.location_hint.as_deref()))
            .clone();
        let lost = CallError::connection_lost;
        platform
            .travel(&from_colo, &colo)
            .await
            .map_err(|_| lost())?;
        if service.is_down(&colo, platform.elapsed_ms()) {
            let _lost_either_way = platform.travel(&colo, &from_colo).await;
            return Err(lost());
        }
        let (reply, answer) = oneshot::channel();
        let job = ObjectJob {
            name: call.name,
            kind: call.kind,
            reply,
        };
        if let Some(home) = service.test_home_of(&worker.definition.name) {
            let address = call.address.clone();
            (home.unbounded_send(HomeCall::Call {
                address,
                class_name,
                job,
            }))
            .map_err(|_| lost())?;
            return Self::answer(platform, &colo, &from_colo, answer).await;
        }
        let inbox = service.host_of(platform, &call.address, &colo, worker);
        let job = Inbound::Job {
            address: call.address,
            class_name,
            job: Box::new(job),
        };
        inbox.unbounded_send(job).map_err(|_| lost())?;
        Self::answer(platform, &colo, &from_colo, answer).await
    }

    /// The inbox of the host of the object at `address`, placed at `colo`: the one it was
    /// first placed in, else the first of its Worker's hosts there with room for one more live
    /// object, else a new host.
    fn host_of(
        &self,
        platform: &Rc<Platform>,
        address: &ObjectAddress,
        colo: &str,
        worker: WorkerUnit,
    ) -> mpsc::UnboundedSender<Inbound> {
        let key = (worker.definition.name.clone(), colo.to_string());
        let mut groups = self.hosts.borrow_mut();
        let hosts = groups.entry(key).or_default();
        let mut homes = self.homes.borrow_mut();
        let index = *homes.entry(address.clone()).or_insert_with(|| {
            let capacity = self.objects_per_isolate.get();
            (hosts.iter().position(|h| h.live.borrow().len() < capacity)).unwrap_or_else(|| {
                let index = hosts.len();
                hosts.push(host::spawn(
                    platform.clone(),
                    worker,
                    colo.to_string(),
                    index,
                ));
                index
            })
        });
        let host = &hosts[index];
        // Counted as live from now, so a burst of new objects spreads over hosts.
        host.live.borrow_mut().insert(address.clone());
        host.inbox.clone()
    }

    /// Waits for the object's answer and brings it back to the caller's colo.
    async fn answer(
        platform: &Rc<Platform>,
        colo: &str,
        from_colo: &str,
        answer: oneshot::Receiver<Result<CallReply, CallError>>,
    ) -> Result<CallReply, CallError> {
        let lost = CallError::connection_lost;
        let result = answer.await.map_err(|_| lost())?;
        // The call ran; if its answer is lost the caller cannot tell.
        platform.travel(colo, from_colo).await.map_err(|_| lost())?;
        // A WebSocket handed back spans this hop from now on.
        if let Ok(CallReply::Response(r)) = &result
            && let Some(end) = &r.web_socket
        {
            end.add_latency_ms(platform.network.one_way_ms(colo, from_colo));
        }
        result
    }
}

/// Where a new object goes: the caller's colo, or with a `locationHint` the run's colo of that
/// region nearest the caller (best effort, as in production: no such colo, the caller's).
fn place(platform: &Platform, from_colo: &str, hint: Option<&str>) -> String {
    let Some(region) = hint else {
        return from_colo.to_string();
    };
    platform
        .colos
        .iter()
        .filter(|c| c.region == region)
        .min_by_key(|c| {
            (
                platform.network.one_way_ms(from_colo, &c.name),
                c.name.clone(),
            )
        })
        .map_or_else(|| from_colo.to_string(), |c| c.name.clone())
}

/// Why a Durable Object could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectStartError {
    #[error("cannot open the object's storage: {0}")]
    Storage(String),
    #[error("worker {worker:?} failed to start: {error}")]
    Startup {
        worker: String,
        error: edgesim_runtime::StartupError,
    },
    #[error(transparent)]
    Host(#[from] edgesim_runtime::engine::isolate::HostObjectError),
}

/// The method and arguments of a call, for the trace.
fn describe_call(kind: &CallKind) -> (String, String) {
    match kind {
        CallKind::Fetch(request) => (
            "fetch".to_string(),
            format!("{} {}", request.method, request.url),
        ),
        CallKind::Rpc { method, args, .. } => (method.clone(), args.clone().unwrap_or_default()),
        CallKind::Connect { authority, .. } => ("connect".to_string(), authority.clone()),
    }
}

/// The first 16 hex digits of an object id: enough to tell objects apart in a trace.
pub fn short_id(id: &str) -> String {
    id.chars().take(16).collect()
}
