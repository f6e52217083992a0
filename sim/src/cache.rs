//! The Cache API on the simulated platform (docs/semantics.md §7): one cache per colo, not
//! replicated, reached by a hop inside the colo. What a cache keeps and answers is
//! edgesim_runtime::storage::cache.

use std::cell::RefCell;
use std::collections::BTreeMap;

use edgesim_runtime::storage::cache::{CacheOp, CacheReply, HttpCache};

use crate::platform::Platform;

#[derive(Default)]
pub struct CacheService {
    caches: RefCell<BTreeMap<String, HttpCache>>,
}

impl CacheService {
    /// Every colo's cache as it is now.
    pub fn copy(&self) -> BTreeMap<String, HttpCache> {
        self.caches.borrow().clone()
    }

    /// Puts every colo's cache back as a [`CacheService::copy`] held it.
    pub fn restore(&self, saved: &BTreeMap<String, HttpCache>) {
        *self.caches.borrow_mut() = saved.clone();
    }

    /// Colo `colo` went down: what its cache held is gone.
    pub fn forget_colo(&self, colo: &str) {
        self.caches.borrow_mut().remove(colo);
    }
}

/// A Cache API call from an isolate at `colo`, answered by that colo's cache.
pub async fn call(platform: &Platform, colo: &str, op: CacheOp) -> CacheReply {
    platform.local_hop(colo).await;
    let reply = platform
        .caches
        .caches
        .borrow_mut()
        .entry(colo.to_string())
        .or_default()
        .apply(op, platform.now_ms());
    platform.local_hop(colo).await;
    reply
}
