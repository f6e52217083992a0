//! edgesim-runtime: runs a Cloudflare Worker (module syntax, JS or TS) at one location, with
//! production semantics — frozen clock, enforced limits, workerd's errors — and nothing that
//! depends on the machine: time, randomness and I/O all come through [`host::Host`].

pub mod api;
pub mod assets;
pub mod bindings;
pub mod diagnostic;
pub mod digest;
pub mod engine;
pub mod host;
pub mod http;
pub mod invocation;
pub mod limits;
pub mod socket;
pub mod storage;
pub mod worker;

pub use engine::isolate::{Isolate, IsolateConfig, StartupError};
pub use engine::modules::{Bundle, ModuleError, NodeImports};
pub use host::{FetchError, Host, HostFuture, HttpRequest, HttpResponse};
pub use http::BodyUse;
pub use invocation::{InvocationId, InvocationReport, IsolateEvent, Outcome, WorkflowRun};
pub use limits::{Limits, Plan};
