//! The trace of a run: typed events with simulated timestamps, written as JSON lines, hashed.
//!
//! The hash is over the exact bytes of the JSONL, so two runs of the same scenario and seed
//! must agree on every event, in order, to hash the same — that is what `edgesim replay` checks.
//! recorder.rs hashes each event as it is recorded and keeps only the events the run will read
//! again.

mod file;
mod recorder;

use edgesim_runtime::Outcome;
use serde::Serialize;

pub use crate::kv::Source as KvSource;
pub use file::{TraceFile, TraceFileError};
pub use recorder::{ConsoleLine, Keep, Trace};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TraceEvent {
    Request {
        at_ms: u64,
        id: u64,
        colo: String,
        worker: String,
        method: String,
        url: String,
    },
    /// A cron trigger fired for `worker` at `colo`.
    Scheduled {
        at_ms: u64,
        id: u64,
        colo: String,
        worker: String,
        cron: String,
    },
    ColdStart {
        at_ms: u64,
        colo: String,
        worker: String,
        #[serde(rename = "startup_cpu_ms")]
        startup_cpu_used_ms: f64,
    },
    Response {
        at_ms: u64,
        id: u64,
        status: u16,
        latency_ms: u64,
    },
    /// The router at `colo` answered request `id` from the Worker's static assets; the Worker
    /// did not run.
    AssetResponse {
        at_ms: u64,
        id: u64,
        colo: String,
        status: u16,
    },
    Finished {
        at_ms: u64,
        id: u64,
        outcome: Outcome,
        #[serde(rename = "cpu_ms")]
        cpu_used_ms: f64,
        subrequests: u32,
    },
    Log {
        at_ms: u64,
        id: u64,
        level: String,
        message: String,
    },
    /// A KV call as the isolate at `colo` saw it: answered from the colo's cache or the
    /// central store, with the version of the value it got (none when not found).
    Kv {
        at_ms: u64,
        colo: String,
        namespace: String,
        op: KvCall,
        key: String,
        source: KvSource,
        /// The version read (none: not found) or written.
        version: Option<u64>,
        /// When the central store served or applied the call (ms since the start); none when
        /// the colo's cache answered.
        central_at_ms: Option<u64>,
        ok: bool,
    },
    IsolateDiscarded {
        at_ms: u64,
        colo: String,
        worker: String,
        reason: DiscardReason,
    },
    /// A Durable Object's isolate started (first call, or the first after a reset).
    ObjectStart {
        at_ms: u64,
        colo: String,
        namespace: String,
        /// The first 16 hex digits of the object's id.
        object: String,
        #[serde(rename = "startup_cpu_ms")]
        startup_cpu_used_ms: f64,
    },
    /// A Durable Object was reset: its memory and unconfirmed writes are gone.
    ObjectReset {
        at_ms: u64,
        namespace: String,
        object: String,
        reason: String,
    },
    /// A call to a Durable Object left its caller (`from` is the caller's colo). `args` is the
    /// RPC arguments, structured-clone encoded, or `METHOD url` for `fetch`.
    ObjectCall {
        at_ms: u64,
        call: u64,
        namespace: String,
        object: String,
        from: String,
        method: String,
        args: String,
    },
    /// The answer to call `call` reached its caller: the RPC value (encoded), `status body`
    /// for `fetch`, or the error.
    ObjectReturn {
        at_ms: u64,
        call: u64,
        ok: bool,
        value: String,
    },
    /// A call through a service binding left Worker `from` at `colo` for entrypoint
    /// `entrypoint` (`default`) of Worker `to`: `method` is the RPC member, or `fetch`.
    ServiceCall {
        at_ms: u64,
        call: u64,
        colo: String,
        from: String,
        to: String,
        entrypoint: String,
        method: String,
    },
    /// Service call `call` answered its caller (a response, a value, or an exception).
    ServiceReturn { at_ms: u64, call: u64, ok: bool },
    /// The invocation that served service call `call` ended, `waitUntil` work included.
    ServiceFinished {
        at_ms: u64,
        call: u64,
        outcome: Outcome,
        #[serde(rename = "cpu_ms")]
        cpu_used_ms: f64,
    },
    /// A line the code serving service call `call` logged.
    ServiceLog {
        at_ms: u64,
        call: u64,
        level: String,
        message: String,
    },
    /// A Workflow binding changed instance `instance` (`op`: create, pause, sendEvent, …).
    WorkflowCall {
        at_ms: u64,
        workflow: String,
        instance: String,
        op: String,
    },
    /// Run number `run` of a Workflow instance started (the first is 1).
    WorkflowRun {
        at_ms: u64,
        workflow: String,
        instance: String,
        run: u32,
    },
    /// A run of a Workflow instance ended: `returned`, `threw`, `suspended` (it waits) or
    /// `stopped` (terminated, paused or restarted meanwhile).
    WorkflowRunEnded {
        at_ms: u64,
        workflow: String,
        instance: String,
        end: String,
        #[serde(rename = "cpu_ms")]
        cpu_used_ms: f64,
    },
    /// Attempt `attempt` of `step.do` step `step` (its name and call count) started.
    WorkflowStepAttempt {
        at_ms: u64,
        workflow: String,
        instance: String,
        step: String,
        attempt: u32,
    },
    /// A `step.do` recorded its result (`ok`) or its final error.
    WorkflowStepResult {
        at_ms: u64,
        workflow: String,
        instance: String,
        step: String,
        ok: bool,
    },
    /// A run of a Workflow instance was lost with its isolate (its colo crashed).
    WorkflowRunLost {
        at_ms: u64,
        workflow: String,
        instance: String,
    },
    /// A line a run of a Workflow instance logged.
    WorkflowLog {
        at_ms: u64,
        workflow: String,
        instance: String,
        level: String,
        message: String,
    },
    /// A Worker at `colo` wrote a data point to Analytics Engine dataset `dataset`.
    AnalyticsDataPoint {
        at_ms: u64,
        colo: String,
        dataset: String,
        index: Option<String>,
        blobs: Vec<Option<String>>,
        doubles: Vec<f64>,
    },
    /// A Worker at `colo` sent records (each one's JSON) to pipeline `pipeline`.
    PipelineRecords {
        at_ms: u64,
        colo: String,
        pipeline: String,
        records: Vec<String>,
    },
    /// A Worker at `colo` sent an email `via` a send_email binding, or forwarded or replied to
    /// the message its `email` handler got; `message_id` is the one the platform gave it.
    EmailSent {
        at_ms: u64,
        colo: String,
        via: edgesim_runtime::api::email::EmailRoute,
        from: String,
        to: Vec<String>,
        message_id: String,
        size_bytes: u64,
    },
    /// A Worker at `colo` got the answer the scenario declares for `key` of `service` (`ai`:
    /// a model; `vectorize:<index>`: a method).
    DeclaredAnswer {
        at_ms: u64,
        colo: String,
        service: String,
        key: String,
    },
    /// Messages reached a queue (their ids, in order).
    QueueSend {
        at_ms: u64,
        queue: String,
        messages: Vec<String>,
    },
    /// A batch went to the queue's consumer: each message with its attempt number, the ones
    /// acknowledged, the handler's outcome, and those sent to the dead-letter queue.
    QueueBatch {
        at_ms: u64,
        queue: String,
        messages: Vec<(String, u32)>,
        acked: Vec<String>,
        outcome: BatchOutcome,
        dead_lettered: Vec<String>,
    },
    /// Request `id` reached Worker `worker` at colo `edge` and ran at `runs_at`, where Smart
    /// Placement put it.
    PlacedAway {
        at_ms: u64,
        id: u64,
        worker: String,
        edge: String,
        runs_at: String,
    },
    /// Request `id` from a client of colo `from`, which is down, was served at `to`.
    Rerouted {
        at_ms: u64,
        id: u64,
        from: String,
        to: String,
    },
    /// A D1 query of a session: where it was served, the version the session required (from
    /// its bookmark) and the version of the copy that answered.
    D1Query {
        at_ms: u64,
        database: String,
        from: String,
        served_by: String,
        primary: bool,
        min_version: u64,
        version: u64,
    },
    /// The isolate of a Worker acting as origin `origin` started at `place`.
    OriginStart {
        at_ms: u64,
        place: String,
        origin: String,
    },
    /// A Worker at `colo` fetched `host`, which no declared origin answers: the fetch failed.
    OriginUndeclared {
        at_ms: u64,
        colo: String,
        host: String,
    },
    /// A Worker at `colo` opened a TCP connection to `address` (`connect()`), with TLS from
    /// the start when `tls`.
    SocketOpened {
        at_ms: u64,
        colo: String,
        address: String,
        tls: bool,
    },
    /// The TCP origin at `address` saw the Worker's side of a connection end: with a FIN, or
    /// (`reset`) by the connection going away — closed with the request that opened it.
    SocketEnded {
        at_ms: u64,
        address: String,
        reset: bool,
    },
    /// A Worker at `colo` called `connect()` to `address`, which no TCP origin answers: the
    /// connection was refused.
    SocketRefused {
        at_ms: u64,
        colo: String,
        address: String,
    },
    /// A message sent into a partition was dropped.
    MessageLost {
        at_ms: u64,
        from: String,
        to: String,
    },
    /// A scheduled fault took effect.
    Fault { at_ms: u64, fault: String },
    /// A line a Durable Object's code logged (`console.*`).
    ObjectLog {
        at_ms: u64,
        namespace: String,
        object: String,
        level: String,
        message: String,
    },
    /// A Durable Object's isolate was evicted after sitting idle: memory gone, storage kept.
    ObjectEvicted {
        at_ms: u64,
        namespace: String,
        object: String,
    },
    /// A Durable Object with hibernatable WebSockets and nothing running was evicted after
    /// 10 s idle; its sockets stay connected and wake it (semantics.md §5.5).
    ObjectHibernated {
        at_ms: u64,
        namespace: String,
        object: String,
    },
    /// Request `id`'s client got a WebSocket (`latency_ms` one way, end to end).
    SocketOpen {
        at_ms: u64,
        id: u64,
        latency_ms: u64,
    },
    /// Request `id`'s client sent a message on its WebSocket.
    SocketSend { at_ms: u64, id: u64, text: String },
    /// Request `id`'s client received a message.
    SocketReceive { at_ms: u64, id: u64, text: String },
    /// Request `id`'s WebSocket closed (`code` 1006: the other end vanished).
    SocketClose {
        at_ms: u64,
        id: u64,
        code: u16,
        reason: String,
    },
    /// A Durable Object's alarm handler ran.
    Alarm {
        at_ms: u64,
        namespace: String,
        object: String,
        retry_count: u32,
        outcome: Outcome,
    },
    Verdict {
        expectation: String,
        ok: bool,
        detail: String,
    },
}

/// The KV call a `kv` event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KvCall {
    Get,
    GetBulk,
    Put,
    Delete,
    List,
}

/// How a queue consumer's batch ended: as an invocation does, or without one when the
/// consumer's isolate could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchOutcome {
    Ok,
    Exception,
    ExceededCpu,
    ExceededMemory,
    Canceled,
    StartupFailed,
}

impl From<Outcome> for BatchOutcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Ok => BatchOutcome::Ok,
            Outcome::Exception => BatchOutcome::Exception,
            Outcome::ExceededCpu => BatchOutcome::ExceededCpu,
            Outcome::ExceededMemory => BatchOutcome::ExceededMemory,
            Outcome::Canceled => BatchOutcome::Canceled,
        }
    }
}

/// Why a colo discarded a Worker's isolate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DiscardReason {
    /// It went over its memory limit.
    ExceededMemory,
    /// Its colo crashed.
    ColoCrash,
    /// It sat idle past the colo's idle timeout.
    Idle,
    /// The colo needed room for another Worker's isolate.
    MemoryPressure,
}
