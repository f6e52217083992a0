//! One event delivered to a Worker (a request, a cron tick) and what became of it.

use serde::Serialize;

use crate::engine::cpu::CpuCounts;
use crate::engine::io_state::LogLine;
use crate::http::{HttpRequest, HttpResponse};

pub type InvocationId = u64;

/// How an invocation ended, named as workerd's `EventOutcome` (outcome.capnp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Ok,
    Exception,
    ExceededCpu,
    ExceededMemory,
    Canceled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Exception => "exception",
            Outcome::ExceededCpu => "exceededCpu",
            Outcome::ExceededMemory => "exceededMemory",
            Outcome::Canceled => "canceled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationKind {
    Fetch(HttpRequest),
    Scheduled {
        cron: String,
        scheduled_time_ms: u64,
    },
    /// `stub.fetch()` delivered to a Durable Object.
    ObjectFetch(HttpRequest),
    /// A JS RPC call to a Durable Object: [`crate::host::CallKind::Rpc`].
    Rpc {
        stub: Option<String>,
        method: String,
        args: Option<String>,
        caller: Option<crate::host::Caller>,
    },
    /// A call through a service binding to this Worker's entrypoint `entrypoint` (the default
    /// export when `None`); `props` is the binding's `props` as JSON, what `ctx.props` holds.
    Service {
        entrypoint: Option<String>,
        props: String,
        call: crate::host::CallKind,
    },
    /// A batch of queue messages for the consumer's `queue` handler (`messages` as JSON).
    Queue {
        queue: String,
        messages: String,
    },
    /// A Durable Object's alarm firing (`retry_count` 0 on the first try).
    Alarm {
        retry_count: u32,
        scheduled_time_ms: u64,
    },
    /// A message or close on one of a Durable Object's hibernatable WebSockets.
    SocketEvent(crate::socket::hibernation::SocketEvent),
    /// One run of a Workflow instance: `run(event, step)` on a fresh `class_name` object.
    Workflow(WorkflowRun),
    /// Mail for the Worker's `email` handler (the message is the handler's, not kept here).
    /// The invocation returns the reason the handler gave `setReject`, if it rejected it.
    Email,
    /// One test file of `edgesim test`, run from its entry module `entry`; its report comes
    /// back as the invocation's `returned` value.
    Test {
        entry: String,
    },
}

impl InvocationKind {
    /// A call that reached a Durable Object, as the invocation its object runs; a connection
    /// is refused with the reason (objects have no connect handler here).
    pub fn object_call(kind: crate::host::CallKind) -> Result<Self, crate::host::CallError> {
        match kind {
            crate::host::CallKind::Fetch(request) => Ok(InvocationKind::ObjectFetch(request)),
            crate::host::CallKind::Rpc {
                stub,
                method,
                args,
                caller,
            } => Ok(InvocationKind::Rpc {
                stub,
                method,
                args,
                caller,
            }),
            crate::host::CallKind::Connect { .. } => Err(crate::host::CallError::platform(
                "edgesim: a Durable Object does not take TCP connections",
            )),
        }
    }
}

impl InvocationKind {
    /// Events a Durable Object handles on its own account: nobody waits for an answer, and
    /// running out of CPU or memory in them resets the object.
    pub fn is_object_event(&self) -> bool {
        matches!(
            self,
            InvocationKind::Alarm { .. } | InvocationKind::SocketEvent(_)
        )
    }

    /// Calls to a Durable Object answer their caller with a value or an error, not a page.
    pub fn is_object_call(&self) -> bool {
        matches!(
            self,
            InvocationKind::ObjectFetch(_) | InvocationKind::Rpc { .. }
        )
    }

    /// Calls from another Worker (or this one) that answer their caller with a response, a
    /// value or an error, never an error page.
    pub fn answers_caller(&self) -> bool {
        self.is_object_call() || matches!(self, InvocationKind::Service { .. })
    }
}

/// What a run of a Workflow instance needs to know: which instance and run it is, and the
/// event `run()` receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRun {
    pub workflow: String,
    pub class_name: String,
    pub instance: String,
    /// The run's number ([`crate::storage::workflow::WorkflowStore::run_started`]).
    pub generation: u64,
    /// The instance's encoded `params`.
    pub params: String,
    pub created_ms: u64,
    /// `step.do` calls allowed in one run (`limits.steps`).
    pub steps_limit: u32,
    /// A step's retry delay when its config names none: production's 10 s, or the 1 s of
    /// `wrangler dev` that tests written against it expect.
    pub retry_delay_default_ms: u32,
}

/// An exception that crosses to the caller of a Durable Object: its class and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrownError {
    pub class: ErrorClass,
    pub message: String,
}

/// The class an error keeps as it crosses between JavaScript and the host: the caller's
/// promise rejects with an error of this class (host_ops.js `completeOp`). Workers keep the
/// built-in classes across RPC; any other name — a DOMException's, or a class of the Worker's
/// own — crosses as it was thrown, and the receiving side decides what it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorClass {
    Error,
    EvalError,
    RangeError,
    ReferenceError,
    SyntaxError,
    TypeError,
    UriError,
    Other(String),
}

impl ErrorClass {
    /// The class named `name` (an error's `name` property).
    pub fn named(name: &str) -> ErrorClass {
        match name {
            "Error" => ErrorClass::Error,
            "EvalError" => ErrorClass::EvalError,
            "RangeError" => ErrorClass::RangeError,
            "ReferenceError" => ErrorClass::ReferenceError,
            "SyntaxError" => ErrorClass::SyntaxError,
            "TypeError" => ErrorClass::TypeError,
            "URIError" => ErrorClass::UriError,
            other => ErrorClass::Other(other.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            ErrorClass::Error => "Error",
            ErrorClass::EvalError => "EvalError",
            ErrorClass::RangeError => "RangeError",
            ErrorClass::ReferenceError => "ReferenceError",
            ErrorClass::SyntaxError => "SyntaxError",
            ErrorClass::TypeError => "TypeError",
            ErrorClass::UriError => "URIError",
            ErrorClass::Other(name) => name,
        }
    }
}

impl std::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything known about an invocation after it finished.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvocationReport {
    pub id: InvocationId,
    pub outcome: Outcome,
    /// Simulated CPU milliseconds (V8-equivalent) the invocation used, see `engine::cpu`.
    #[serde(rename = "cpu_ms")]
    pub cpu_used_ms: f64,
    /// The exact counts behind `cpu_used_ms`.
    pub cpu: CpuCounts,
    pub subrequests: u32,
    pub logs: Vec<LogLine>,
    /// Uncaught exception text, as workerd logs it.
    pub exception: Option<String>,
    /// What the handler handed back besides a response: a queue consumer's per-message
    /// decisions (JSON).
    pub returned: Option<String>,
}

impl InvocationReport {
    /// The report of a request the Worker never saw (the router answered it from static
    /// assets): nothing ran, nothing logged, no CPU.
    pub fn not_run(id: InvocationId) -> Self {
        InvocationReport {
            id,
            outcome: Outcome::Ok,
            cpu_used_ms: 0.0,
            cpu: Default::default(),
            subrequests: 0,
            logs: Vec::new(),
            exception: None,
            returned: None,
        }
    }
}

/// What the event loop tells its owner.
#[derive(Debug, Clone, PartialEq)]
pub enum IsolateEvent {
    /// The HTTP response of a fetch invocation is ready; work passed to `waitUntil` may go on.
    Responded {
        id: InvocationId,
        response: HttpResponse,
    },
    /// The invocation is over, including its `waitUntil` work.
    Finished(InvocationReport),
    /// A Durable Object call ended with a value (RPC, encoded) or an exception (RPC or fetch).
    Returned {
        id: InvocationId,
        result: Result<String, ThrownError>,
    },
    /// A Durable Object this isolate hosts was reset (failed write, timeout, limits): every
    /// call to it still waiting fails with `reason`, and the object must leave the isolate
    /// (which goes too when it went over its memory limit).
    ObjectReset {
        object: crate::engine::durable_object::ObjectSlot,
        reason: ResetReason,
    },
}

impl IsolateEvent {
    /// The invocation the event is about.
    pub fn invocation(&self) -> Option<InvocationId> {
        match self {
            IsolateEvent::Responded { id, .. } | IsolateEvent::Returned { id, .. } => Some(*id),
            IsolateEvent::Finished(report) => Some(report.id),
            IsolateEvent::ObjectReset { .. } => None,
        }
    }
}

/// Why a Durable Object was reset. Each text is what workerd gives the callers still waiting,
/// and each kind carries the flags error-handling.mdx tells callers to look at
/// (host::CallError::reset).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResetReason {
    /// troubleshooting.mdx, as D1 words it.
    #[error("Durable Object exceeded its CPU time limit and was reset.")]
    ExceededCpu,
    #[error("Durable Object's isolate exceeded its memory limit and was reset.")]
    ExceededMemory,
    /// A `blockConcurrencyWhile()` callback ran past its 30 s.
    #[error(
        "A call to blockConcurrencyWhile() in a Durable Object waited for too long. The call \
         was canceled and the Durable Object was reset."
    )]
    BlockConcurrencyTimedOut,
    /// global-scope.c++ (`eventTimeoutPromise`): a hibernatable WebSocket handler outlived
    /// `setHibernatableWebSocketEventTimeout`.
    #[error("Actor exceeded event execution time and was disconnected.")]
    SocketEventTimedOut,
    /// worker.c++ / troubleshooting.mdx: a storage operation hung for 30 s.
    #[error("Durable Object storage operation exceeded timeout which caused object to be reset.")]
    StorageTimedOut,
    /// A storage write failed.
    #[error(transparent)]
    Storage(#[from] crate::storage::durable::StorageError),
    /// The machine hosting the object went away.
    #[error("Network connection lost.")]
    ConnectionLost,
    /// The object's own code reset it: `ctx.abort(reason)`, or a `blockConcurrencyWhile()`
    /// callback that threw.
    #[error("{0}")]
    Aborted(String),
}

/// The bookkeeping of an invocation that has not finished.
#[derive(Debug)]
pub struct Invocation {
    pub kind: InvocationKind,
    pub cpu: CpuCounts,
    pub cpu_limit_ps: u64,
    pub subrequests_external: u32,
    pub subrequests_services: u32,
    pub responded: bool,
    pub wait_until_pending: u32,
    pub pass_through: bool,
    pub outcome: Outcome,
    pub exception: Option<String>,
    pub returned: Option<String>,
    /// A response whose body is still streaming: its head and the bytes so far (none when the
    /// caller drains it).
    pub streaming: Option<crate::http::HttpResponse>,
    pub body_use: crate::http::BodyUse,
}

impl Invocation {
    pub fn new(kind: InvocationKind, cpu_limit_ps: u64) -> Self {
        Invocation {
            kind,
            cpu: CpuCounts::default(),
            cpu_limit_ps,
            subrequests_external: 0,
            subrequests_services: 0,
            responded: false,
            wait_until_pending: 0,
            pass_through: false,
            outcome: Outcome::Ok,
            exception: None,
            returned: None,
            streaming: None,
            body_use: crate::http::BodyUse::Keep,
        }
    }
}

/// Cloudflare's error page for a Worker failure (`1101` uncaught exception, `1102` resource
/// limits), as the visitor receives it.
pub fn error_page(code: u16, host: &str) -> HttpResponse {
    let (status, title) = match code {
        1102 => (503, "Worker exceeded resource limits"),
        _ => (500, "Worker threw exception"),
    };
    let status_text = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
        .to_string();
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<title>{title} | {host} | Cloudflare</title>\n\
         <meta charset=\"UTF-8\" />\n</head>\n<body>\n<div id=\"cf-error-details\">\n\
         <h1>Error {code}</h1>\n<h2>{title}</h2>\n</div>\n</body>\n</html>\n"
    );
    HttpResponse {
        status,
        status_text,
        headers: vec![(
            "content-type".to_string(),
            "text/html; charset=UTF-8".to_string(),
        )],
        body: body.into_bytes(),
        web_socket: None,
    }
}
