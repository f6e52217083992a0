//! The platform's stored data at one moment, to go back to: `edgesim test`'s isolated
//! per-test storage (each test starts from what `beforeAll` left, and its writes are undone
//! after it), as vitest-pool-workers stacks Miniflare's storage.

use std::collections::BTreeMap;

use edgesim_runtime::storage::cache::HttpCache;
use edgesim_runtime::storage::durable::{ObjectAddress, ObjectStore};
use edgesim_runtime::storage::r2::R2Bucket;
use edgesim_runtime::storage::secrets_store::SecretsStore;
use edgesim_runtime::storage::sql::SqlError;

use crate::d1::D1Copy;
use crate::kv::KvPlatform;
use crate::platform::Platform;

/// KV (central store and every colo's cached copies), D1, R2, the Cache API, every Durable
/// Object's storage and the Secrets Store (Miniflare keeps it in a KV namespace). Queued
/// messages are not kept: a test's sends are delivered or not as the queue decides.
pub struct StorageSnapshot {
    kv: KvPlatform,
    secrets: SecretsStore,
    d1: D1Copy,
    r2: (BTreeMap<String, R2Bucket>, BTreeMap<String, String>),
    caches: BTreeMap<String, HttpCache>,
    objects: BTreeMap<ObjectAddress, ObjectStore>,
}

impl Platform {
    /// Copies every store as it is now.
    pub fn snapshot_storage(&self) -> Result<StorageSnapshot, SqlError> {
        Ok(StorageSnapshot {
            kv: self.kv.clone(),
            secrets: self.secrets_store.borrow().clone(),
            d1: self.d1.copy()?,
            r2: self.r2.copy(),
            caches: self.caches.copy(),
            objects: self.objects.copy_stores()?,
        })
    }

    /// `reset()` in `edgesim test`: every store back to `initial` (the state before the file
    /// ran) and the rate limiters' counters gone — the pool keeps both in Durable Objects,
    /// which workerd's `deleteAllDurableObjects()` deletes.
    pub fn delete_all_data(&self, initial: &StorageSnapshot) -> Result<(), SqlError> {
        self.rate_limits.borrow_mut().clear();
        self.restore_storage(initial)
    }

    /// Puts every store back as `saved` holds it; Durable Objects in memory restart on their
    /// next call.
    pub fn restore_storage(&self, saved: &StorageSnapshot) -> Result<(), SqlError> {
        self.kv.restore(&saved.kv);
        *self.secrets_store.borrow_mut() = saved.secrets.clone();
        self.d1.restore(&saved.d1)?;
        self.r2.restore(&saved.r2);
        self.caches.restore(&saved.caches);
        self.objects.restore_stores(&saved.objects)
    }
}
