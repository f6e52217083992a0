//! The runtime's [`Host`] inside a simulation: madsim's clock, the run's seed, simulated origins.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use edgesim_runtime::storage::kv::{KvError, KvOp, KvReply, LocalKv};
use edgesim_runtime::{FetchError, Host, HostFuture, HttpRequest, HttpResponse};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// 2026-01-01T00:00:00Z: where simulated wall-clock time starts unless a scenario says otherwise.
pub const DEFAULT_EPOCH_MS: u64 = 1_767_225_600_000;

/// Half the round trip from an isolate to the KV store it reads (the colo's cache) and writes
/// (the central store). One location for now: the multi-colo model replaces these constants.
/// Whole milliseconds: madsim's timers fire on millisecond boundaries.
pub const KV_READ_HALF_RTT_MS: u64 = 1;
pub const KV_WRITE_HALF_RTT_MS: u64 = 5;

/// Answers outbound `fetch()` calls; `None` means nothing listens at that origin.
pub type OriginFn = dyn Fn(&HttpRequest) -> Option<HttpResponse>;

pub struct SimHost {
    epoch_ms: u64,
    start: madsim::time::Instant,
    rng: RefCell<ChaCha8Rng>,
    origins: Option<Rc<OriginFn>>,
    /// One-way latency to an origin and back, modelled as a constant for now.
    origin_rtt_ms: u64,
    kv: Rc<LocalKv>,
}

impl SimHost {
    /// A host whose clock reads `epoch_ms` at simulated instant `start` (the run's start).
    pub fn new(seed: u64, epoch_ms: u64, start: madsim::time::Instant) -> Self {
        SimHost {
            epoch_ms,
            start,
            rng: RefCell::new(ChaCha8Rng::seed_from_u64(seed)),
            origins: None,
            origin_rtt_ms: 20,
            kv: Rc::default(),
        }
    }

    /// Shares `kv` with other isolates of the run (they see one another's writes).
    pub fn with_kv(mut self, kv: Rc<LocalKv>) -> Self {
        self.kv = kv;
        self
    }

    pub fn with_origins(mut self, origins: Rc<OriginFn>) -> Self {
        self.origins = Some(origins);
        self
    }

    fn elapsed_ms(&self) -> u64 {
        madsim::time::Instant::now()
            .duration_since(self.start)
            .as_millis() as u64
    }
}

impl Host for SimHost {
    fn now_ms(&self) -> u64 {
        self.epoch_ms + self.elapsed_ms()
    }

    fn sleep_until(&self, at_ms: u64) -> HostFuture<()> {
        let delay = at_ms.saturating_sub(self.now_ms());
        Box::pin(madsim::time::sleep(Duration::from_millis(delay)))
    }

    fn fill_random(&self, buf: &mut [u8]) {
        self.rng.borrow_mut().fill_bytes(buf);
    }

    fn fetch(&self, request: HttpRequest) -> HostFuture<Result<HttpResponse, FetchError>> {
        let answer = self.origins.as_ref().and_then(|o| o(&request));
        let rtt = self.origin_rtt_ms;
        Box::pin(async move {
            madsim::time::sleep(Duration::from_millis(rtt)).await;
            answer.ok_or(FetchError::ConnectionLost)
        })
    }

    fn kv(&self, namespace: &str, op: KvOp) -> HostFuture<Result<KvReply, KvError>> {
        let half_rtt = Duration::from_millis(if op.is_write() {
            KV_WRITE_HALF_RTT_MS
        } else {
            KV_READ_HALF_RTT_MS
        });
        let kv = self.kv.clone();
        let namespace = namespace.to_string();
        let (epoch_ms, start) = (self.epoch_ms, self.start);
        Box::pin(async move {
            madsim::time::sleep(half_rtt).await;
            let now_ms = epoch_ms
                + madsim::time::Instant::now()
                    .duration_since(start)
                    .as_millis() as u64;
            let reply = kv.call(&namespace, op, now_ms);
            madsim::time::sleep(half_rtt).await;
            reply
        })
    }
}
