//! Workers KV across colos (semantics.md §2.1): one central store holds the truth; each colo
//! keeps a cache of what it read — values and "not found" alike — for `cacheTtl` (default 60 s).
//! A read is served from the colo's cache while it is fresh, else from the central store, one
//! round trip away. A write goes to the central store; other colos see it only when their cached
//! copy expires, which is KV's eventual consistency.

use std::cell::RefCell;
use std::collections::BTreeMap;

use edgesim_runtime::storage::kv::{
    BULK_KEYS_MAX, KvEntry, KvError, KvOp, KvReply, KvStore, LocalKv,
};
use serde::Deserialize;

use crate::platform::{KV_CENTRAL, Platform};
use crate::trace::{KvCall, TraceEvent};

/// Whether a colo sees its own writes at once (documented as usual, not guaranteed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadYourWrites {
    /// The writing colo's cache takes the new value (what production usually does).
    #[default]
    Usual,
    /// The writing colo's cache is left alone: a cached old value stays until it expires.
    Never,
    /// As `usual`; named for scenarios that rely on it and want to say so.
    Always,
}

#[derive(Debug, Clone)]
pub struct KvConfig {
    pub cache_ttl_default_ms: u64,
    pub read_your_writes: ReadYourWrites,
    /// The colo whose position the central store takes in the network.
    pub central_colo: String,
}

impl Default for KvConfig {
    fn default() -> Self {
        KvConfig {
            cache_ttl_default_ms: 60_000,
            read_your_writes: ReadYourWrites::Usual,
            central_colo: "IAD".into(),
        }
    }
}

/// Where a read was answered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Cache,
    Central,
}

/// (colo, namespace, key or list arguments)
type CacheKey = (String, String, String);

#[derive(Debug, Clone)]
struct Cached {
    entry: Option<KvEntry>,
    fetched_at_ms: u64,
    ttl_ms: u64,
}

impl Cached {
    fn fresh(&self, now_ms: u64, requested_ttl_ms: u64) -> bool {
        // A read with a lower cacheTtl shortens the cached copy's life; expiry of the value
        // itself wins over any cacheTtl.
        let ttl = self.ttl_ms.min(requested_ttl_ms);
        let expired = self
            .entry
            .as_ref()
            .and_then(|e| e.expiration_s)
            .is_some_and(|exp| exp * 1000 <= now_ms);
        now_ms < self.fetched_at_ms + ttl && !expired
    }
}

#[derive(Debug, Default, Clone)]
pub struct KvPlatform {
    pub config: KvConfig,
    central: LocalKv,
    /// (colo, namespace, key) -> cached read.
    caches: RefCell<BTreeMap<CacheKey, Cached>>,
    /// (colo, namespace, list arguments) -> cached list result and when it was fetched.
    lists: RefCell<BTreeMap<CacheKey, (KvReply, u64)>>,
}

impl KvPlatform {
    /// A colo restarted: everything it had cached is gone.
    pub fn forget_colo(&self, colo: &str) {
        self.caches.borrow_mut().retain(|(c, _, _), _| c != colo);
        self.lists.borrow_mut().retain(|(c, _, _), _| c != colo);
    }

    /// Puts back what `saved` (a clone of this one) held: stored values and cached copies.
    pub fn restore(&self, saved: &KvPlatform) {
        self.central.restore_all(&saved.central);
        *self.caches.borrow_mut() = saved.caches.borrow().clone();
        *self.lists.borrow_mut() = saved.lists.borrow().clone();
    }

    /// The central store itself.
    pub fn central(&self) -> &LocalKv {
        &self.central
    }

    pub fn new(config: KvConfig) -> Self {
        KvPlatform {
            config,
            ..Default::default()
        }
    }

    fn ttl_ms(&self, cache_ttl_s: Option<i64>) -> u64 {
        cache_ttl_s.map_or(self.config.cache_ttl_default_ms, |s| s.max(0) as u64 * 1000)
    }

    /// Answers a read at `colo` from its cache, if the cache can: `None` means the central
    /// store must be asked.
    pub fn read_cached(
        &self,
        colo: &str,
        namespace: &str,
        op: &KvOp,
        now_ms: u64,
    ) -> Option<KvReply> {
        // Requests the service refuses are never answered from a cache.
        let refused = match op {
            KvOp::Get { cache_ttl, .. } => KvStore::validate_cache_ttl("GET", *cache_ttl).is_err(),
            KvOp::GetBulk { keys, cache_ttl } => {
                keys.is_empty()
                    || keys.len() > BULK_KEYS_MAX
                    || KvStore::validate_cache_ttl("GET_BULK", *cache_ttl).is_err()
            }
            _ => false,
        };
        if refused {
            return None;
        }
        let caches = self.caches.borrow();
        let lookup = |key: &str, ttl: u64| {
            caches
                .get(&(colo.to_string(), namespace.to_string(), key.to_string()))
                .filter(|c| c.fresh(now_ms, ttl))
                .map(|c| c.entry.clone())
        };
        match op {
            KvOp::Get { key, cache_ttl } => {
                lookup(key, self.ttl_ms(*cache_ttl)).map(KvReply::Value)
            }
            KvOp::GetBulk { keys, cache_ttl } => {
                let ttl = self.ttl_ms(*cache_ttl);
                let entries: Option<Vec<_>> = keys
                    .iter()
                    .map(|k| lookup(k, ttl).map(|e| (k.clone(), e)))
                    .collect();
                entries.map(KvReply::Bulk)
            }
            KvOp::List { .. } => self
                .lists
                .borrow()
                .get(&(colo.to_string(), namespace.to_string(), format!("{op:?}")))
                .filter(|(_, at)| now_ms < at + self.config.cache_ttl_default_ms)
                .map(|(reply, _)| reply.clone()),
            KvOp::Put { .. } | KvOp::Delete { .. } => None,
        }
    }

    /// Runs `op` at the central store, then updates `colo`'s cache with what came back.
    pub fn at_central(
        &self,
        colo: &str,
        namespace: &str,
        op: KvOp,
        now_ms: u64,
    ) -> Result<KvReply, KvError> {
        let reply = self.central.call(namespace, op.clone(), now_ms)?;
        let mut caches = self.caches.borrow_mut();
        let mut remember = |key: &str, entry: Option<KvEntry>, ttl_ms: u64| {
            caches.insert(
                (colo.to_string(), namespace.to_string(), key.to_string()),
                Cached {
                    entry,
                    fetched_at_ms: now_ms,
                    ttl_ms,
                },
            );
        };
        match (&op, &reply) {
            (KvOp::Get { key, cache_ttl }, KvReply::Value(entry)) => {
                remember(key, entry.clone(), self.ttl_ms(*cache_ttl))
            }
            (KvOp::GetBulk { cache_ttl, .. }, KvReply::Bulk(entries)) => {
                for (key, entry) in entries {
                    remember(key, entry.clone(), self.ttl_ms(*cache_ttl));
                }
            }
            (KvOp::List { .. }, _) => {
                self.lists.borrow_mut().insert(
                    (colo.to_string(), namespace.to_string(), format!("{op:?}")),
                    (reply.clone(), now_ms),
                );
            }
            (
                KvOp::Put {
                    key,
                    value,
                    metadata,
                    ..
                },
                _,
            ) if self.config.read_your_writes != ReadYourWrites::Never => {
                let written = self
                    .central
                    .call(
                        namespace,
                        KvOp::Get {
                            key: key.clone(),
                            cache_ttl: None,
                        },
                        now_ms,
                    )
                    .ok();
                let entry = match written {
                    Some(KvReply::Value(e)) => e,
                    _ => Some(KvEntry {
                        value: value.clone(),
                        metadata: metadata.clone(),
                        expiration_s: None,
                        version: 0,
                    }),
                };
                remember(key, entry, self.config.cache_ttl_default_ms);
            }
            (KvOp::Delete { key }, _) if self.config.read_your_writes != ReadYourWrites::Never => {
                remember(key, None, self.config.cache_ttl_default_ms)
            }
            _ => {}
        }
        Ok(reply)
    }
}

/// A KV call from an isolate at `colo`, across the simulated network: answered by the colo's
/// cache when it holds a fresh copy, else by the central store one round trip away; recorded
/// in the trace with where it was answered and the version it saw.
pub async fn call(
    platform: &Platform,
    colo: &str,
    namespace: &str,
    op: KvOp,
) -> Result<KvReply, KvError> {
    let (call, key) = traced_call(&op);
    platform.local_hop(colo).await;
    let (source, central_at_ms, reply) =
        match platform
            .kv
            .read_cached(colo, namespace, &op, platform.now_ms())
        {
            Some(reply) => (Source::Cache, None, Ok(reply)),
            None => match platform.travel(colo, KV_CENTRAL).await {
                Err(_) => (Source::Central, None, Err(KvError::NetworkLost)),
                Ok(()) => {
                    let central_at_ms = platform.elapsed_ms();
                    let reply = at_central(platform, colo, namespace, op);
                    // A lost answer: the central store may well have applied a write.
                    let reply = match platform.travel(KV_CENTRAL, colo).await {
                        Ok(()) => reply,
                        Err(_) => Err(KvError::NetworkLost),
                    };
                    (Source::Central, Some(central_at_ms), reply)
                }
            },
        };
    platform.local_hop(colo).await;
    platform.record(TraceEvent::Kv {
        at_ms: platform.elapsed_ms(),
        colo: colo.to_string(),
        namespace: namespace.to_string(),
        op: call,
        key,
        source,
        version: version_seen(&reply),
        central_at_ms,
        ok: reply.is_ok(),
    });
    reply
}

/// Runs `op` at the central store, reading the namespace back from disk first and writing a
/// changed key through before answering, when the platform persists.
fn at_central(
    platform: &Platform,
    colo: &str,
    namespace: &str,
    op: KvOp,
) -> Result<KvReply, KvError> {
    let now_ms = platform.now_ms();
    let Some(persist) = &platform.persist else {
        return platform.kv.at_central(colo, namespace, op, now_ms);
    };
    let internal = KvError::internal(&op);
    let written = match &op {
        KvOp::Put { key, .. } | KvOp::Delete { key } => Some(key.clone()),
        _ => None,
    };
    let central = platform.kv.central();
    persist
        .check(persist.load_kv(central, namespace))
        .ok_or_else(|| internal.clone())?;
    let reply = platform.kv.at_central(colo, namespace, op, now_ms)?;
    if let Some(key) = written {
        persist
            .check(persist.save_kv_key(central, namespace, &key))
            .ok_or(internal)?;
    }
    Ok(reply)
}

/// The call and the key (or keys, or list prefix) a `kv` trace event names.
fn traced_call(op: &KvOp) -> (KvCall, String) {
    match op {
        KvOp::Get { key, .. } => (KvCall::Get, key.clone()),
        KvOp::GetBulk { keys, .. } => (KvCall::GetBulk, keys.join(",")),
        KvOp::Put { key, .. } => (KvCall::Put, key.clone()),
        KvOp::Delete { key } => (KvCall::Delete, key.clone()),
        KvOp::List { prefix, .. } => (KvCall::List, prefix.clone().unwrap_or_default()),
    }
}

/// The version a reply carries, for the trace: read (`None`: not found) or written.
fn version_seen(reply: &Result<KvReply, KvError>) -> Option<u64> {
    match reply {
        Ok(KvReply::Value(Some(e))) => Some(e.version),
        Ok(KvReply::Written { version }) => Some(*version),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_767_225_600_000;

    fn put(kv: &KvPlatform, colo: &str, value: &str, at: u64) {
        let op = KvOp::Put {
            key: "k".into(),
            value: value.into(),
            metadata: None,
            expiration: None,
            expiration_ttl: None,
        };
        kv.at_central(colo, "ns", op, at).unwrap();
    }

    fn read(kv: &KvPlatform, colo: &str, at: u64) -> (Source, Option<Vec<u8>>) {
        let op = KvOp::Get {
            key: "k".into(),
            cache_ttl: None,
        };
        let (source, reply) = match kv.read_cached(colo, "ns", &op, at) {
            Some(r) => (Source::Cache, r),
            None => (Source::Central, kv.at_central(colo, "ns", op, at).unwrap()),
        };
        match reply {
            KvReply::Value(e) => (source, e.map(|e| e.value)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn another_colo_sees_a_write_only_when_its_cached_copy_expires() {
        let kv = KvPlatform::default();
        put(&kv, "LHR", "v1", T0);
        assert_eq!(
            read(&kv, "SIN", T0 + 1_000),
            (Source::Central, Some(b"v1".to_vec()))
        );
        put(&kv, "LHR", "v2", T0 + 2_000);
        assert_eq!(
            read(&kv, "SIN", T0 + 60_999),
            (Source::Cache, Some(b"v1".to_vec()))
        );
        assert_eq!(
            read(&kv, "SIN", T0 + 61_000),
            (Source::Central, Some(b"v2".to_vec()))
        );
        assert_eq!(
            read(&kv, "LHR", T0 + 2_001),
            (Source::Cache, Some(b"v2".to_vec()))
        );
    }

    #[test]
    fn a_missing_key_is_cached_as_missing() {
        let kv = KvPlatform::default();
        assert_eq!(read(&kv, "SIN", T0), (Source::Central, None));
        put(&kv, "LHR", "new", T0 + 1_000);
        assert_eq!(read(&kv, "SIN", T0 + 30_000), (Source::Cache, None));
        assert_eq!(
            read(&kv, "SIN", T0 + 60_000),
            (Source::Central, Some(b"new".to_vec()))
        );
    }

    #[test]
    fn read_your_writes_never_leaves_the_writers_stale_copy() {
        let kv = KvPlatform::new(KvConfig {
            read_your_writes: ReadYourWrites::Never,
            ..Default::default()
        });
        put(&kv, "LHR", "v1", T0);
        assert_eq!(
            read(&kv, "LHR", T0 + 10),
            (Source::Central, Some(b"v1".to_vec()))
        );
        put(&kv, "LHR", "v2", T0 + 2_000);
        assert_eq!(
            read(&kv, "LHR", T0 + 2_010),
            (Source::Cache, Some(b"v1".to_vec()))
        );
    }
}
