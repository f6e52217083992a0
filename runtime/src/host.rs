//! The only door between the runtime and the world.
//!
//! The runtime never reads a clock, an entropy source or a socket itself: everything that could
//! differ between two runs goes through [`Host`]. Inside a simulation the host is backed by the
//! simulated clock and the run's seed, so a Worker replays byte for byte; a real server can back
//! it with the OS instead.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

pub use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{ErrorClass, ResetReason};
use crate::socket::hibernation::Hibernation;

use crate::storage::cache::{CacheOp, CacheReply};
use crate::storage::d1::{D1Error, D1Request, D1Response, D1Session};
use crate::storage::durable::{ObjectAddress, StorageError, StorageOp, StorageReply};
use crate::storage::kv::{KvError, KvOp, KvReply};
use crate::storage::queue::{OutgoingMessage, QueueMetrics, QueueRefusal};
use crate::storage::r2::{R2Error, R2Op, R2Reply};
use crate::storage::sql::{SqlAnswer, SqlCall, SqlError};
use crate::storage::workflow::{StepAnswer, StepOp, WorkflowCall, WorkflowRefusal, WorkflowReply};

/// A boxed future the runtime can store while JavaScript keeps running. Not `Send`: an isolate
/// lives on one thread, as a V8 isolate does.
pub type HostFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Why a subrequest produced no response: what the Worker sees as a rejected `fetch()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Nothing answers at that origin (unknown host, refused, partitioned away).
    #[error("Network connection lost.")]
    ConnectionLost,
    /// The Worker that answers this Worker's outbound requests (its `globalOutbound`) threw.
    #[error("{message}")]
    Thrown {
        class: crate::invocation::ErrorClass,
        message: String,
    },
}

/// A TCP connection `connect()` asks for: to `address` (`host:port`), with TLS from the start
/// when `tls` (`secureTransport: "on"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRequest {
    pub address: String,
    pub tls: bool,
}

/// Why a `connect()` got no connection: the socket's `opened` and `closed` reject, with the text
/// the socket words for it (api/sockets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// Nothing accepts connections at that address (refused, unknown, partitioned away).
    #[error("nothing accepts connections at that address")]
    Refused,
}

/// A call to a Durable Object through a stub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectCall {
    pub address: ObjectAddress,
    /// The name given to `idFromName`, when the id came from one.
    pub name: Option<String>,
    /// `get(id, { locationHint })`: where to place the object if this call is its first.
    pub location_hint: Option<String>,
    pub kind: CallKind,
}

/// What a call to another Worker's code (a Durable Object, a service binding's entrypoint)
/// asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallKind {
    Fetch(HttpRequest),
    /// A JS RPC call of method `method` with `args`, the structured-clone encoding of the
    /// argument array; `None` reads the property instead (`await stub.name`). `stub` names a
    /// function or `RpcTarget` the callee handed out earlier: the call goes to it (`method`
    /// empty calls the function) instead of the entrypoint or object.
    Rpc {
        stub: Option<String>,
        method: String,
        args: Option<String>,
        /// Where the call comes from: the functions and `RpcTarget`s its arguments pass by
        /// reference are called back there. The runtime names the Durable Object making it;
        /// the host fills in a Worker's isolate.
        caller: Option<Caller>,
    },
    /// A TCP connection for the entrypoint's `connect(socket)` handler (workerd's connect
    /// event): `end` is the entrypoint's side, `authority` the `host:port` the caller asked for
    /// (what the handler's `socket.opened` gives as `localAddress`). Only a Worker's
    /// entrypoints take one, never a Durable Object.
    Connect {
        authority: String,
        end: crate::socket::SocketEnd,
    },
}

/// The isolate an RPC call came from, which the callee's calls on the functions and
/// `RpcTarget`s it was passed go back to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Caller {
    /// An isolate of the Worker named `worker` (its wrangler name) at `colo`.
    Worker { colo: String, worker: String },
    /// The isolate `edgesim test` runs a test file of Worker `worker` in, at `colo`: the one
    /// isolate of the run that holds what the test file hands out.
    TestFile { colo: String, worker: String },
    /// The Durable Object at this address.
    Object(ObjectAddress),
}

/// A call through a service binding: to entrypoint `entrypoint` (the default export when
/// `None`) of the Worker named `service`, with the binding's `props` (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCall {
    pub service: String,
    pub entrypoint: Option<String>,
    pub props: String,
    pub kind: CallKind,
}

/// An event sent to another Worker's handlers through a service binding, as
/// `service_binding_extra_handlers` gives `Fetcher` `scheduled()` and `queue()` (a flag for
/// tests, not production).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceEvent {
    /// A cron tick: `scheduled_time_ms` since the epoch.
    Scheduled {
        cron: String,
        scheduled_time_ms: u64,
    },
    /// A batch: `messages` is the JSON array of storage::queue::QueuedMessage.
    Queue { queue: String, messages: String },
}

/// How the handler a [`ServiceEvent`] reached ended: its outcome and, for a batch, its
/// per-message decisions (the invocation's returned value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventOutcome {
    pub outcome: crate::invocation::Outcome,
    pub returned: Option<String>,
}

/// What a call to a Durable Object or a service produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallReply {
    Response(HttpResponse),
    /// An RPC result, structured-clone encoded.
    Value(String),
}

/// Why a call to a Durable Object (or a service) has no reply: the caller's promise rejects with `class`
/// (`Error`, `TypeError`, …) and `message`, carrying the properties error-handling.mdx tells
/// callers to look at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{class}: {message}")]
pub struct CallError {
    pub class: ErrorClass,
    pub message: String,
    /// `.remote`: thrown by the object's own code, or by its CPU or memory limits.
    pub remote: bool,
    /// `.retryable`: a transient failure; retry (with backoff) if the call is idempotent.
    pub retryable: bool,
    /// `.overloaded`: the object is overloaded; do not retry.
    pub overloaded: bool,
}

/// troubleshooting.mdx: what an overloaded object answers when its queue is full.
pub const OBJECT_OVERLOADED: &str = "Durable Object is overloaded. Too many requests queued.";

impl CallError {
    /// An error thrown by the object's code, propagated to the caller with its class.
    pub fn thrown(class: &ErrorClass, message: &str) -> Self {
        CallError {
            class: class.clone(),
            message: message.to_string(),
            remote: true,
            retryable: false,
            overloaded: false,
        }
    }

    /// The object was reset while the call waited: an `Error` with the reset's text and the
    /// flags its kind implies.
    pub fn reset(reason: &ResetReason) -> Self {
        let mut error = CallError::platform(reason.to_string());
        match reason {
            ResetReason::ExceededCpu | ResetReason::ExceededMemory => error.remote = true,
            ResetReason::BlockConcurrencyTimedOut => error.overloaded = true,
            ResetReason::Storage(_) | ResetReason::ConnectionLost => error.retryable = true,
            ResetReason::SocketEventTimedOut
            | ResetReason::StorageTimedOut
            | ResetReason::Aborted(_) => {}
        }
        error
    }

    /// The call could not reach the object, or its answer could not come back: retryable.
    pub fn connection_lost() -> Self {
        CallError::reset(&ResetReason::ConnectionLost)
    }

    /// troubleshooting.mdx: the object's queue of waiting calls is full; do not retry.
    pub fn overloaded() -> Self {
        CallError {
            overloaded: true,
            ..CallError::platform(OBJECT_OVERLOADED)
        }
    }

    /// A failure of the platform with no flag to set (the object's isolate did not start, the
    /// call found no class): an `Error` with `message`.
    pub fn platform(message: impl Into<String>) -> Self {
        CallError {
            class: ErrorClass::Error,
            message: message.into(),
            remote: false,
            retryable: false,
            overloaded: false,
        }
    }
}

/// What an R2 operation answers: the reply and, for a read, the body.
pub type R2Result = Result<(R2Reply, Option<Vec<u8>>), R2Error>;

/// Time, randomness and outbound I/O for one isolate.
pub trait Host {
    /// Milliseconds since the Unix epoch on the host's clock (simulated inside a simulation).
    fn now_ms(&self) -> u64;
    /// Completes once the host clock has reached `at_ms`.
    fn sleep_until(&self, at_ms: u64) -> HostFuture<()>;
    /// Fills `buf` from the host's entropy source (the run's seed inside a simulation).
    fn fill_random(&self, buf: &mut [u8]);
    /// Sends an outbound HTTP request (`fetch()` to the Internet).
    fn fetch(&self, request: HttpRequest) -> HostFuture<Result<HttpResponse, FetchError>>;
    /// Opens a TCP connection (`connect()`): the end this isolate reads and writes, whose
    /// binary frames are the bytes and whose close frame is the end of a side (FIN). A host
    /// with no network to connect to refuses every address.
    fn connect(
        &self,
        request: ConnectRequest,
    ) -> HostFuture<Result<crate::socket::SocketEnd, ConnectError>> {
        let _ = request;
        Box::pin(async { Err(ConnectError::Refused) })
    }
    /// Runs an operation on KV namespace `namespace` (the binding's namespace id), as the KV
    /// service reached from this location answers it.
    fn kv(&self, namespace: &str, op: KvOp) -> HostFuture<Result<KvReply, KvError>>;
    /// Runs an operation on R2 bucket `bucket`; `body` is the value of a put or part, and a
    /// read's body comes back with the reply.
    fn r2(&self, bucket: &str, op: R2Op, body: Vec<u8>) -> HostFuture<R2Result>;
    /// Sends messages to queue `queue` (already checked against the message and batch limits
    /// by the binding) and answers its backlog afterwards, or why the queue refused them.
    fn queue_send(
        &self,
        queue: &str,
        messages: Vec<OutgoingMessage>,
    ) -> HostFuture<Result<QueueMetrics, QueueRefusal>>;
    /// Runs a Cache API operation on the caches of the data centre this isolate runs in.
    fn cache(&self, op: CacheOp) -> HostFuture<CacheReply>;
    /// Runs a request on D1 database `database` (the binding's database id); `session` when
    /// it comes through `withSession()`, which lets read replicas answer.
    fn d1(
        &self,
        database: &str,
        request: D1Request,
        session: Option<D1Session>,
    ) -> HostFuture<Result<D1Response, D1Error>>;
    /// Delivers a call to a Durable Object, wherever it lives, and brings back its answer.
    fn call_object(&self, call: ObjectCall) -> HostFuture<Result<CallReply, CallError>>;
    /// Delivers a call through a service binding to an isolate of the Worker it names. A
    /// host that runs no other Worker refuses, as `wrangler dev` does when the Worker bound
    /// is not running.
    /// Calls target `key` that `caller`'s isolate handed out, with `call` (an RPC call whose
    /// `stub` is the key): a function or `RpcTarget` an RPC call passed by reference.
    fn call_back(
        &self,
        caller: &Caller,
        call: CallKind,
    ) -> HostFuture<Result<CallReply, CallError>> {
        let _ = (caller, call);
        Box::pin(std::future::ready(Err(CallError::platform(
            "edgesim: this host cannot call back the isolate a function or RpcTarget came from",
        ))))
    }
    fn call_service(&self, call: ServiceCall) -> HostFuture<Result<CallReply, CallError>> {
        let answer = service_not_running(&call);
        Box::pin(async move { answer })
    }
    /// Sends `event` to the default export of the Worker named `service`; refused as a call
    /// to a Worker that is not running by a host that runs no other Workers.
    fn service_event(
        &self,
        service: &str,
        event: ServiceEvent,
    ) -> HostFuture<Result<EventOutcome, CallError>> {
        let _ = event;
        let text = format!("Worker \"{service}\" not found. Make sure it is running locally.");
        Box::pin(async move { Err(CallError::thrown(&ErrorClass::Error, &text)) })
    }
    /// The static assets' answer to `request` when the router in front of this isolate's
    /// Worker sends it to them (`assets`, `run_worker_first`); `None` when the Worker serves
    /// it. A host whose Worker has no assets sends everything to the Worker.
    fn route_to_assets(&self, request: &HttpRequest) -> Option<HttpResponse> {
        let _ = request;
        None
    }
    /// `env.ASSETS.fetch(request)`. A host whose Worker has no assets serves an empty
    /// directory: 404 to everything, as `wrangler dev` does for a directory not built yet.
    fn fetch_asset(&self, request: HttpRequest) -> HostFuture<HttpResponse> {
        let _ = request;
        Box::pin(async move { crate::assets::not_found() })
    }
    /// A call through a binding to Workflow `workflow` (its configured `name`). A host that
    /// runs no Workflow engine refuses, naming the Workflow.
    fn workflow(
        &self,
        workflow: &str,
        call: WorkflowCall,
    ) -> HostFuture<Result<WorkflowReply, WorkflowRefusal>> {
        let _ = call;
        let refusal = WorkflowRefusal::UnknownWorkflow(workflow.to_string());
        Box::pin(async move { Err(refusal) })
    }
    /// A step of run `generation` of instance `instance` of `workflow` reads or records its
    /// durable state: synchronous, since the engine keeps it beside the run.
    fn workflow_step(
        &self,
        workflow: &str,
        instance: &str,
        generation: u64,
        op: StepOp,
    ) -> StepAnswer {
        let _ = (workflow, instance, generation, op);
        StepAnswer::Stop
    }
    /// `limit({ key })` on rate limiter namespace `namespace`: counts the call in the current
    /// `period_s`-second window at this location; whether it is within `limit`. A host with
    /// no locations to count at allows every call, as one whose limiter is never reached.
    fn rate_limit(&self, namespace: &str, key: &str, limit: u32, period_s: u32) -> bool {
        let _ = (namespace, key, limit, period_s);
        true
    }
    /// `writeDataPoint()` to Analytics Engine dataset `dataset`, checked already. A host
    /// with nowhere to record it drops it, as `wrangler dev` does.
    fn analytics_write(&self, dataset: &str, point: crate::api::analytics_engine::DataPoint) {
        let _ = (dataset, point);
    }
    /// `send()` to pipeline `pipeline`: each record's JSON, checked already. A host with
    /// nowhere to ingest them drops them, as `wrangler dev` does.
    fn pipeline_send(&self, pipeline: &str, records: Vec<String>) {
        let _ = (pipeline, records);
    }
    /// What a service a simulation never calls answers (JSON): `service` is `ai` (key: the
    /// model) or `vectorize:<index>` (key: the method). `None`: nothing was declared.
    fn declared_answer(&self, service: &str, key: &str) -> Option<String> {
        let _ = (service, key);
        None
    }
    /// The Worker sent `email` by `route` (a send_email binding, or an `email` handler's
    /// forward or reply). A host with nowhere to deliver it drops it, as `wrangler dev` only
    /// logs it.
    fn email_sent(
        &self,
        route: crate::api::email::EmailRoute,
        email: crate::api::email::SentEmail,
    ) {
        let _ = (route, email);
    }
    /// The account's Secrets Store, shared by every Worker of the run; `None` for a host
    /// that keeps none (every secret is then missing).
    fn secrets_store(
        &self,
    ) -> Option<std::rc::Rc<std::cell::RefCell<crate::storage::secrets_store::SecretsStore>>> {
        None
    }
    /// When the Worker's version was deployed (`version_metadata.timestamp`), ms since the
    /// epoch: the start of a simulated run.
    fn deployed_at_ms(&self) -> u64 {
        self.now_ms()
    }
    /// Runs an operation on the durable storage of the object this isolate hosts.
    fn object_storage(
        &self,
        object: &ObjectAddress,
        op: StorageOp,
    ) -> HostFuture<Result<StorageReply, StorageError>>;
    /// Runs SQL on the database of the (SQLite-backed) object this isolate hosts. Synchronous,
    /// as `sql.exec()` is: the database is local to the object.
    fn object_sql(&self, object: &ObjectAddress, call: SqlCall) -> Result<SqlAnswer, SqlError>;
    /// Reads the KV entries of the (SQLite-backed) object this isolate hosts at once, staged
    /// commits included: `ctx.storage.kv` is synchronous, the database being local.
    fn object_read_now(
        &self,
        object: &ObjectAddress,
        op: StorageOp,
    ) -> Result<StorageReply, StorageError>;
    /// The hibernatable WebSockets of the object this isolate hosts: kept by the host so they
    /// outlive the isolate. `None` when the isolate hosts no object.
    fn hibernation(&self, object: &ObjectAddress) -> Option<Rc<RefCell<Hibernation>>>;
    /// Sends `request` to this isolate's Worker as a client at data centre `colo` would: to an
    /// isolate of the Worker there (`SELF.fetch(url, { colo })` in `edgesim test`). A host
    /// with no other data centres refuses, saying why.
    fn fetch_at_colo(
        &self,
        colo: &str,
        request: HttpRequest,
    ) -> HostFuture<Result<HttpResponse, String>> {
        let _ = request;
        let why = format!("this host runs no isolates at other data centres (asked for {colo})");
        Box::pin(async move { Err(why) })
    }
    /// `edgesim test`'s isolated storage: `Save` keeps every store of the platform as it is
    /// now, `Restore` puts back the last state kept and forgets it. A host without stores to
    /// go back to refuses.
    fn test_storage(&self, step: StorageStep) -> Result<(), String> {
        let _ = step;
        Err("this host cannot go back to an earlier state of its storage".to_string())
    }
    /// `edgesim test`'s `listDurableObjectIds`: the ids of the objects of namespace `namespace`
    /// that have storage, whichever Worker's class it is.
    fn test_listed_objects(&self, namespace: &str) -> Vec<String> {
        let _ = namespace;
        Vec::new()
    }
    /// `edgesim test`: the ids of the started objects of Durable Object namespace `namespace`,
    /// when its objects live in this isolate (a class of the Worker's own); `None` otherwise.
    fn test_objects(&self, namespace: &str) -> Option<Vec<String>> {
        let _ = namespace;
        None
    }
    /// `edgesim test`: a fault, the trace or a checker of the simulated world around the
    /// test; a host with no such world refuses, saying why.
    fn test_world(&self, request: WorldRequest) -> Result<WorldAnswer, String> {
        let _ = request;
        Err("this isolate runs in no simulated world".to_string())
    }
    /// `edgesim test`: evicts or aborts Durable Objects hosted in this isolate
    /// (`evictDurableObject` and its kin); the error is workerd's text.
    fn test_object_control(&self, control: ObjectControl) -> HostFuture<Result<(), String>> {
        let _ = control;
        Box::pin(std::future::ready(Err(
            "this host runs no Durable Objects of its own".to_string(),
        )))
    }
}

/// `edgesim test`: what a test asks of the simulated world around it (`edgesim:test`'s `sim`).
/// Places are colos or `kv-central`; durations are simulated milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub enum WorldRequest {
    /// Messages from `from` to `to` (and back, `both_ways`) are lost for `for_ms`.
    Partition {
        from: Vec<String>,
        to: Vec<String>,
        both_ways: bool,
        for_ms: u64,
    },
    /// Messages between the two sides take `add_ms` longer for `for_ms`.
    LatencySpike {
        between: (Vec<String>, Vec<String>),
        add_ms: u64,
        for_ms: u64,
    },
    /// `do-host:<COLO>` or `colo:<COLO>` crashes, down for `for_ms`.
    Crash { target: String, for_ms: u64 },
    /// The next `n` Durable Object storage commits fail.
    FailStorageWrites(u32),
    /// How many events the run's trace holds so far: where a test's own part begins.
    TraceLength,
    /// The trace's events from index `from` on, as a JSON array.
    Trace { from: usize },
    /// A scenario checker over the trace's events from index `from` on.
    Check { check: WorldCheck, from: usize },
}

/// The scenario checkers a test can call (`expectLinearizable`, `expectKvStalenessAtMost`).
#[derive(Debug, Clone, PartialEq)]
pub enum WorldCheck {
    /// The calls to the objects of the namespace bound as `binding`, as their callers saw
    /// them, against `model` (`counter` or `register`).
    Linearizable { binding: String, model: String },
    /// No KV read missed a write applied centrally more than `bound_ms` before it.
    KvStalenessAtMost { bound_ms: u64 },
}

/// What the world answered a [`WorldRequest`].
#[derive(Debug, Clone, PartialEq)]
pub enum WorldAnswer {
    Done,
    Length(usize),
    /// A JSON document's text.
    Json(String),
    /// A checker's verdict, as a scenario's `expect` prints it.
    Verdict {
        ok: bool,
        expectation: String,
        detail: String,
    },
}

/// What a test asks of the Durable Objects its isolate hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectControl {
    /// `evictDurableObject(stub, { webSockets })`: the instance goes once idle, its storage
    /// stays; hibernatable WebSockets hibernate, or close with `close_sockets`.
    Evict {
        address: ObjectAddress,
        close_sockets: bool,
    },
    /// `evictAllDurableObjects()`: every running object, as [`ObjectControl::Evict`].
    EvictAll { close_sockets: bool },
    /// `abortAllDurableObjects()`: every instance reset at once, calls in flight failing.
    AbortAll,
    /// `reset()` (workerd's `deleteAllDurableObjects()`): every instance aborted, and all the
    /// data of every binding deleted — in the pool KV, D1, R2 and the Cache API are Durable
    /// Objects too.
    DeleteAll,
}

/// What a call through a binding to a Worker that is not running gets under `wrangler dev`
/// (miniflare's dev-registry proxy): a `503` with the text for a fetch, the text as an `Error`
/// for RPC.
pub fn service_not_running(call: &ServiceCall) -> Result<CallReply, CallError> {
    let text = format!(
        "Worker \"{}\" not found. Make sure it is running locally.",
        call.service
    );
    match call.kind {
        CallKind::Fetch(_) => Ok(CallReply::Response(HttpResponse {
            status: 503,
            status_text: "Service Unavailable".to_string(),
            headers: vec![(
                "content-type".to_string(),
                "text/plain;charset=UTF-8".to_string(),
            )],
            body: text.into_bytes(),
            web_socket: None,
        })),
        // Thrown by the proxy entrypoint, so it crosses as a remote exception.
        CallKind::Rpc { .. } | CallKind::Connect { .. } => {
            Err(CallError::thrown(&ErrorClass::Error, &text))
        }
    }
}

/// A step of [`Host::test_storage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageStep {
    Save,
    Restore,
}
