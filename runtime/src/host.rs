//! The only door between the runtime and the world.
//!
//! The runtime never reads a clock, an entropy source or a socket itself: everything that could
//! differ between two runs goes through [`Host`]. Inside a simulation the host is backed by the
//! simulated clock and the run's seed, so a Worker replays byte for byte; a real server can back
//! it with the OS instead.

use std::future::Future;
use std::pin::Pin;

use crate::storage::kv::{KvError, KvOp, KvReply};

/// A boxed future the runtime can store while JavaScript keeps running. Not `Send`: an isolate
/// lives on one thread, as a V8 isolate does.
pub type HostFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// An HTTP request as it crosses the host boundary (a subrequest, or an incoming event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    /// In order of appearance, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// An HTTP response as it crosses the host boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why a subrequest produced no response: what the Worker sees as a rejected `fetch()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Nothing answers at that origin (unknown host, refused, partitioned away).
    #[error("Network connection lost.")]
    ConnectionLost,
}

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
    /// Runs an operation on KV namespace `namespace` (the binding's namespace id), as the KV
    /// service reached from this location answers it.
    fn kv(&self, namespace: &str, op: KvOp) -> HostFuture<Result<KvReply, KvError>>;
}
