//! Durable Objects on the simulated platform: where each object lives, its durable storage, and
//! the delivery of calls to it across the network.
//!
//! An object is placed in the colo of the first call that reaches it and never moves
//! (data-location.mdx). Each placed object has one task (task.rs) that owns its isolate: calls
//! queue in its inbox and the isolate's input gate decides when each one runs. Storage lives
//! here, outside the isolate, so a reset or an eviction loses memory and unconfirmed writes but
//! never a confirmed one.

mod task;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use edgesim_runtime::Limits;
use edgesim_runtime::engine::durable_object::ObjectSpec;
use edgesim_runtime::host::{CallError, CallKind, CallReply, ObjectCall};
use edgesim_runtime::socket::hibernation::Hibernation;
use edgesim_runtime::storage::durable::{
    ObjectAddress, ObjectStore, StorageError, StorageOp, StorageReply,
};
use edgesim_runtime::storage::sql::{SqlAnswer, SqlCall, SqlError};
use edgesim_runtime::worker::WorkerDefinition;
use futures::channel::{mpsc, oneshot};

use crate::persist::Persist;
use crate::platform::Platform;
use crate::trace::TraceEvent;
pub(crate) use task::{AlarmAttempt, next_socket_event};
pub use task::{Inbound, ObjectJob};

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

/// Every Durable Object of a run.
pub struct ObjectService {
    pub latency: Cell<StorageLatency>,
    /// See [`QUEUED_CALLS_MAX`]; tests lower it.
    pub queued_calls_max: Cell<usize>,
    stores: RefCell<BTreeMap<ObjectAddress, ObjectStore>>,
    placements: RefCell<BTreeMap<ObjectAddress, String>>,
    inboxes: RefCell<BTreeMap<ObjectAddress, mpsc::UnboundedSender<Inbound>>>,
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
            inboxes: Default::default(),
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

    /// The ids of the objects of `namespace` that have storage, in order.
    pub fn ids_in(&self, namespace: &str) -> Vec<String> {
        (self.stores.borrow().keys())
            .filter(|a| a.namespace == namespace)
            .map(|a| a.id.clone())
            .collect()
    }

    /// The alarms set by objects `of` picks: (object, when, ms since the epoch).
    pub fn alarms(&self, of: impl Fn(&ObjectAddress) -> bool) -> Vec<(ObjectAddress, u64)> {
        (self.stores.borrow().iter())
            .filter(|(address, _)| of(address))
            .filter_map(|(address, store)| Some((address.clone(), store.alarm_ms()?)))
            .collect()
    }

    /// Creates the store of `address` on first use: a SQLite database for SQLite-backed classes
    /// (`seed` drives its `random()`), a map for KV-backed ones — read back from `persist` when
    /// the platform keeps objects on disk.
    pub fn open(
        &self,
        address: &ObjectAddress,
        sqlite: bool,
        seed: u64,
        persist: Option<&Persist>,
    ) -> Result<(), ObjectStartError> {
        let mut stores = self.stores.borrow_mut();
        if stores.contains_key(address) {
            return Ok(());
        }
        let cannot = |e: &dyn std::fmt::Display| ObjectStartError::Storage(e.to_string());
        let mut store = match (sqlite, persist) {
            (true, None) => ObjectStore::sqlite(seed).map_err(|e| cannot(&e))?,
            (false, None) => ObjectStore::memory(),
            (true, Some(p)) => {
                let path = p.object_db_path(address).map_err(|e| cannot(&e))?;
                ObjectStore::sqlite_file(&path, seed).map_err(|e| cannot(&e))?
            }
            (false, Some(_)) => ObjectStore::memory(),
        };
        if let Some(p) = persist {
            let (entries, alarm_ms) = p.load_object(address).map_err(|e| cannot(&e))?;
            if !sqlite {
                store = ObjectStore::memory_with(entries);
            }
            store.set_alarm(alarm_ms);
        }
        stores.insert(address.clone(), store);
        Ok(())
    }

    /// Writes what `address` has confirmed to disk, when the platform keeps objects there.
    fn save(&self, address: &ObjectAddress, persist: Option<&Persist>) -> Result<(), StorageError> {
        let Some(p) = persist else {
            return Ok(());
        };
        let stores = self.stores.borrow();
        let Some(store) = stores.get(address) else {
            return Ok(());
        };
        p.check(p.save_object(address, store))
            .ok_or(StorageError::Internal)
    }

    /// Runs a `ctx.storage.sql` call on the object's database.
    pub fn sql(&self, address: &ObjectAddress, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        match self.stores.borrow_mut().get_mut(address) {
            Some(store) => store.sql(call),
            None => Err(SqlError("the object's storage is not open".to_string())),
        }
    }

    /// The hibernatable WebSockets of `address`, made on first use; `auto_reply_to_close` is
    /// the Worker's `web_socket_auto_reply_to_close`.
    pub fn open_hibernation(
        &self,
        address: &ObjectAddress,
        auto_reply_to_close: bool,
    ) -> Rc<RefCell<Hibernation>> {
        self.hibernations
            .borrow_mut()
            .entry(address.clone())
            .or_insert_with(|| Rc::new(RefCell::new(Hibernation::new(auto_reply_to_close))))
            .clone()
    }

    pub fn hibernation(&self, address: &ObjectAddress) -> Option<Rc<RefCell<Hibernation>>> {
        self.hibernations.borrow().get(address).cloned()
    }

    /// The stored alarm of `address`, ms since the epoch.
    pub fn alarm_of(&self, address: &ObjectAddress) -> Option<u64> {
        self.stores
            .borrow()
            .get(address)
            .and_then(ObjectStore::alarm_ms)
    }

    /// An alarm starts running: it is no longer set (unless the handler sets it again).
    pub fn take_alarm(
        &self,
        address: &ObjectAddress,
        scheduled_ms: u64,
        persist: Option<&Persist>,
    ) {
        {
            let mut stores = self.stores.borrow_mut();
            match stores.get_mut(address) {
                Some(store) if store.alarm_ms() == Some(scheduled_ms) => store.set_alarm(None),
                _ => return,
            }
        }
        // A failure to record it is kept for the end of the run; the alarm runs regardless
        // (at least once).
        let _ = self.save(address, persist);
    }

    /// Makes the next `count` commits fail, as a storage fault.
    pub fn fail_next_commits(&self, count: u32) {
        self.fail_commits_after(0, count);
    }

    /// Lets `skip` commits succeed, then makes the `count` after them fail.
    pub fn fail_commits_after(&self, skip: u32, count: u32) {
        self.commits_before_failing.set(skip);
        self.failing_commits.set(count);
    }

    /// Hands a commit to the object's store the moment its isolate sends it; it is confirmed
    /// (or fails) one storage latency later, in [`ObjectService::storage`].
    pub fn stage(&self, address: &ObjectAddress, op: &StorageOp) -> Result<(), StorageError> {
        let StorageOp::Commit(commit) = op else {
            return Ok(());
        };
        let mut stores = self.stores.borrow_mut();
        stores
            .entry(address.clone())
            .or_default()
            .stage(commit.clone())
    }

    /// Runs a storage operation for the object's isolate, after the storage latency. A staged
    /// commit is confirmed at the end of that latency: an isolate discarded before then never
    /// wrote, since its task discards what it left unconfirmed.
    pub async fn storage(
        &self,
        address: &ObjectAddress,
        op: StorageOp,
        persist: Option<&Persist>,
    ) -> Result<StorageReply, StorageError> {
        let is_commit = matches!(op, StorageOp::Commit(_));
        let reply = self.confirm_or_read(address, op).await?;
        if is_commit {
            self.save(address, persist)?;
        }
        Ok(reply)
    }

    async fn confirm_or_read(
        &self,
        address: &ObjectAddress,
        op: StorageOp,
    ) -> Result<StorageReply, StorageError> {
        let latency = self.latency.get();
        let is_commit = matches!(op, StorageOp::Commit(_));
        let ms = if is_commit {
            latency.commit_ms
        } else {
            latency.read_ms
        };
        madsim::time::sleep(Duration::from_millis(ms)).await;
        let mut stores = self.stores.borrow_mut();
        let store = stores.entry(address.clone()).or_default();
        if !is_commit {
            return store.read(op);
        }
        let skip = self.commits_before_failing.get();
        if skip > 0 {
            self.commits_before_failing.set(skip - 1);
            return store.confirm();
        }
        let failing = self.failing_commits.get();
        if failing > 0 {
            self.failing_commits.set(failing - 1);
            return Err(StorageError::Internal);
        }
        store.confirm()
    }

    /// The object's isolate is gone: what it wrote that no confirmed commit carries is undone.
    pub fn discard_unconfirmed(&self, address: &ObjectAddress) {
        if let Some(store) = self.stores.borrow_mut().get_mut(address) {
            store.discard_unconfirmed();
        }
    }

    /// Every object's stored state as it is now (confirmed writes and alarms).
    pub fn copy_stores(&self) -> Result<BTreeMap<ObjectAddress, ObjectStore>, SqlError> {
        let mut out = BTreeMap::new();
        for (address, store) in self.stores.borrow().iter() {
            out.insert(address.clone(), store.copy()?);
        }
        Ok(out)
    }

    /// Puts every object's storage back as `saved` holds it; objects in memory restart on
    /// their next call, so none keeps state the storage no longer has.
    pub fn restore_stores(
        &self,
        saved: &BTreeMap<ObjectAddress, ObjectStore>,
    ) -> Result<(), SqlError> {
        let mut stores = BTreeMap::new();
        for (address, store) in saved {
            stores.insert(address.clone(), store.copy()?);
        }
        *self.stores.borrow_mut() = stores;
        for inbox in self.inboxes.borrow().values() {
            let _ = inbox.unbounded_send(Inbound::Crash);
        }
        if let Some((_, home)) = self.test_home.borrow().as_ref() {
            let _ = home.unbounded_send(HomeCall::Reset);
        }
        Ok(())
    }

    /// The Durable Object hosts at `colo` crash: every object placed there loses its memory
    /// and unconfirmed writes, calls in flight fail, and calls fail until `for_ms` has passed.
    /// Objects stay placed at `colo` and restart there on the first call after it.
    pub fn crash_colo(&self, colo: &str, now_ms: u64, for_ms: u64) {
        self.down_until
            .borrow_mut()
            .insert(colo.to_string(), now_ms + for_ms);
        let placed: Vec<ObjectAddress> = self
            .placements
            .borrow()
            .iter()
            .filter(|(_, c)| c.as_str() == colo)
            .map(|(a, _)| a.clone())
            .collect();
        let inboxes = self.inboxes.borrow();
        let mut at_test_home = Vec::new();
        for address in placed {
            match inboxes.get(&address) {
                Some(inbox) => {
                    let _ = inbox.unbounded_send(Inbound::Crash);
                }
                None => at_test_home.push(address),
            }
        }
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
        let inbox = {
            let mut inboxes = service.inboxes.borrow_mut();
            inboxes
                .entry(call.address.clone())
                .or_insert_with(|| {
                    task::spawn(
                        platform.clone(),
                        call.address.clone(),
                        class_name,
                        colo.clone(),
                        worker,
                    )
                })
                .clone()
        };
        inbox
            .unbounded_send(Inbound::Job(job))
            .map_err(|_| lost())?;
        Self::answer(platform, &colo, &from_colo, answer).await
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
    }
}

/// The first 16 hex digits of an object id: enough to tell objects apart in a trace.
pub fn short_id(id: &str) -> String {
    id.chars().take(16).collect()
}
