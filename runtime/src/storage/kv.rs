//! Workers KV at one location: the central store's behaviour and its server-side checks, with
//! the status codes and texts production answers (semantics.md §2.2–2.4).
//!
//! Keys sort by their UTF-8 bytes, which is how Rust orders `String`. Time is passed in by the
//! caller (seconds and milliseconds on the simulated clock), so expiry follows the simulation.

use std::collections::BTreeMap;

use super::write_rate::SameKeyWrites;

use base64::Engine as _;

pub const KEY_BYTES_MAX: usize = 512;
pub const VALUE_BYTES_MAX: usize = 25 * 1024 * 1024;
pub const METADATA_BYTES_MAX: usize = 1024;
pub const LIST_LIMIT_MAX: usize = 1000;
pub const BULK_KEYS_MAX: usize = 100;
pub const EXPIRATION_TTL_MIN_S: i64 = 60;
pub const CACHE_TTL_MIN_S: i64 = 30;

/// A failed KV call as the binding reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvError {
    /// The service answered with an error: `KV <METHOD> failed: <status> <message>`.
    #[error("KV {method} failed: {status} {message}")]
    Failed {
        method: &'static str,
        status: u16,
        message: String,
    },
    /// The service could not be reached (errors.mdx's retryable disconnect).
    #[error("Network connection lost.")]
    NetworkLost,
}

impl KvError {
    /// The store failed on its side: `KV <METHOD> failed: 500 Internal Server Error`.
    pub fn internal(op: &KvOp) -> Self {
        let method = match op {
            KvOp::Get { .. } | KvOp::GetBulk { .. } => "GET",
            KvOp::Put { .. } => "PUT",
            KvOp::Delete { .. } => "DELETE",
            KvOp::List { .. } => "LIST",
        };
        KvError::new(method, 500, "Internal Server Error")
    }

    fn new(method: &'static str, status: u16, message: impl Into<String>) -> Self {
        KvError::Failed {
            method,
            status,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvEntry {
    pub value: Vec<u8>,
    /// Serialised JSON, as the Worker passed it.
    pub metadata: Option<String>,
    /// Absolute expiry, seconds since the Unix epoch.
    pub expiration_s: Option<u64>,
    /// Which write of the namespace produced this value (1, 2, …): lets a trace say exactly
    /// which version a reader saw.
    pub version: u64,
}

#[derive(Debug, Clone, Default)]
pub struct KvPut {
    pub value: Vec<u8>,
    pub metadata: Option<String>,
    pub expiration: Option<i64>,
    pub expiration_ttl: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KvListKey {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<u64>,
    /// Raw JSON text; the binding parses it.
    #[serde(skip)]
    pub metadata: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvList {
    pub keys: Vec<KvListKey>,
    pub list_complete: bool,
    pub cursor: Option<String>,
}

/// The key length check the service makes (the empty, `.` and `..` checks the runtime makes
/// itself live in api/kv/kv.js, with their TypeErrors).
fn check_key_length(method: &'static str, key: &str) -> Result<(), KvError> {
    if key.len() > KEY_BYTES_MAX {
        return Err(KvError::new(
            method,
            414,
            format!(
                "UTF-8 encoded length of {} exceeds key length limit of {KEY_BYTES_MAX}.",
                key.len()
            ),
        ));
    }
    Ok(())
}

/// One namespace's data.
#[derive(Debug, Default, Clone)]
pub struct KvStore {
    entries: BTreeMap<String, KvEntry>,
    writes_by_key: SameKeyWrites,
    writes: u64,
}

impl KvStore {
    fn live(&self, key: &str, now_s: u64) -> Option<&KvEntry> {
        self.entries
            .get(key)
            .filter(|e| e.expiration_s.is_none_or(|exp| exp > now_s))
    }

    pub fn validate_cache_ttl(method: &'static str, cache_ttl: Option<i64>) -> Result<(), KvError> {
        match cache_ttl {
            Some(ttl) if ttl < CACHE_TTL_MIN_S => Err(KvError::new(
                method,
                400,
                format!(
                    "Invalid cache_ttl of {ttl}. Cache TTL must be at least {CACHE_TTL_MIN_S}."
                ),
            )),
            _ => Ok(()),
        }
    }

    pub fn get(&self, key: &str, now_s: u64) -> Result<Option<KvEntry>, KvError> {
        check_key_length("GET", key)?;
        Ok(self.live(key, now_s).cloned())
    }

    /// `get([...keys])`: one operation for up to 100 keys; missing keys map to `None`.
    pub fn get_bulk(
        &self,
        keys: &[String],
        now_s: u64,
    ) -> Result<Vec<(String, Option<KvEntry>)>, KvError> {
        if keys.len() > BULK_KEYS_MAX {
            return Err(KvError::new(
                "GET_BULK",
                400,
                format!("You can request a maximum of {BULK_KEYS_MAX} keys"),
            ));
        }
        if keys.is_empty() {
            return Err(KvError::new(
                "GET_BULK",
                400,
                "You must request a minimum of 1 key",
            ));
        }
        for key in keys {
            check_key_length("GET_BULK", key)?;
        }
        Ok(keys
            .iter()
            .map(|k| (k.clone(), self.live(k, now_s).cloned()))
            .collect())
    }

    /// Stores `put` under `key`; returns the version the write got.
    pub fn put(&mut self, key: &str, put: KvPut, now_ms: u64) -> Result<u64, KvError> {
        const M: &str = "PUT";
        check_key_length(M, key)?;
        let now_s = now_ms / 1000;
        let expiration_s = match (put.expiration, put.expiration_ttl) {
            (_, Some(ttl)) if ttl <= 0 => {
                return Err(KvError::new(
                    M,
                    400,
                    format!(
                        "Invalid expiration_ttl of {ttl}. Please specify integer greater than 0."
                    ),
                ));
            }
            (_, Some(ttl)) if ttl < EXPIRATION_TTL_MIN_S => {
                return Err(KvError::new(
                    M,
                    400,
                    format!(
                        "Invalid expiration_ttl of {ttl}. Expiration TTL must be at least {EXPIRATION_TTL_MIN_S}."
                    ),
                ));
            }
            (_, Some(ttl)) => Some(now_s + ttl as u64),
            (Some(exp), None) if exp <= now_s as i64 => {
                return Err(KvError::new(
                    M,
                    400,
                    format!(
                        "Invalid expiration of {exp}. Please specify integer greater than the current number of seconds since the UNIX epoch."
                    ),
                ));
            }
            (Some(exp), None) if exp < now_s as i64 + EXPIRATION_TTL_MIN_S => {
                return Err(KvError::new(
                    M,
                    400,
                    format!(
                        "Invalid expiration of {exp}. Expiration times must be at least {EXPIRATION_TTL_MIN_S} seconds in the future."
                    ),
                ));
            }
            (Some(exp), None) => Some(exp as u64),
            (None, None) => None,
        };
        if let Some(meta) = &put.metadata
            && meta.len() > METADATA_BYTES_MAX
        {
            return Err(KvError::new(
                M,
                413,
                format!(
                    "Metadata length of {} exceeds limit of {METADATA_BYTES_MAX}.",
                    meta.len()
                ),
            ));
        }
        if put.value.len() > VALUE_BYTES_MAX {
            return Err(KvError::new(
                M,
                413,
                format!(
                    "Value length of {} exceeds limit of {VALUE_BYTES_MAX}.",
                    put.value.len()
                ),
            ));
        }
        self.write_allowed(M, key, now_ms)?;
        self.writes += 1;
        let entry = KvEntry {
            value: put.value,
            metadata: put.metadata,
            expiration_s,
            version: self.writes,
        };
        self.entries.insert(key.to_string(), entry);
        Ok(self.writes)
    }

    /// Deleting a key that does not exist is a no-op (but still a write, with a version).
    pub fn delete(&mut self, key: &str, now_ms: u64) -> Result<u64, KvError> {
        check_key_length("DELETE", key)?;
        self.write_allowed("DELETE", key, now_ms)?;
        self.writes += 1;
        self.entries.remove(key);
        Ok(self.writes)
    }

    /// One write per second per key (semantics.md §2.2): a second write within the second is
    /// refused and not applied.
    fn write_allowed(
        &mut self,
        method: &'static str,
        key: &str,
        now_ms: u64,
    ) -> Result<(), KvError> {
        if !self.writes_by_key.admit(key, now_ms) {
            return Err(KvError::new(method, 429, "Too Many Requests"));
        }
        Ok(())
    }

    /// Keys in UTF-8 byte order after the cursor, at most `limit` (default and maximum 1000; a
    /// limit of 0 or less means the default). The cursor is the base64 of the last key returned.
    pub fn list(
        &self,
        prefix: Option<&str>,
        limit: Option<i64>,
        cursor: Option<&str>,
        now_s: u64,
    ) -> Result<KvList, KvError> {
        const M: &str = "GET";
        if let Some(l) = limit
            && l > LIST_LIMIT_MAX as i64
        {
            return Err(KvError::new(
                M,
                400,
                format!(
                    "Invalid key_count_limit of {l}. Please specify an integer less than {LIST_LIMIT_MAX}."
                ),
            ));
        }
        let limit = match limit {
            Some(l) if l > 0 => l as usize,
            _ => LIST_LIMIT_MAX,
        };
        let prefix = prefix.unwrap_or("");
        check_key_length(M, prefix)?;
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => match base64::engine::general_purpose::STANDARD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            {
                Some(key) => Some(key),
                // An unreadable cursor points past everything.
                None => {
                    return Ok(KvList {
                        keys: vec![],
                        list_complete: true,
                        cursor: None,
                    });
                }
            },
        };
        let mut keys = Vec::new();
        let mut more = false;
        let start = after.as_deref().unwrap_or(prefix);
        for (name, entry) in self.entries.range(start.to_string()..) {
            if !name.starts_with(prefix) {
                if name.as_str() > prefix {
                    break;
                }
                continue;
            }
            if after.as_deref() == Some(name.as_str()) {
                continue;
            }
            if entry.expiration_s.is_some_and(|exp| exp <= now_s) {
                continue;
            }
            if keys.len() == limit {
                more = true;
                break;
            }
            keys.push(KvListKey {
                name: name.clone(),
                expiration: entry.expiration_s,
                metadata: entry.metadata.clone(),
            });
        }
        let cursor = if more {
            keys.last()
                .map(|k| base64::engine::general_purpose::STANDARD.encode(&k.name))
        } else {
            None
        };
        Ok(KvList {
            keys,
            list_complete: !more,
            cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_MS: u64 = 1_000_000_000_000;

    fn put(store: &mut KvStore, key: &str, value: &str, at_ms: u64) -> Result<u64, KvError> {
        store.put(
            key,
            KvPut {
                value: value.into(),
                ..Default::default()
            },
            at_ms,
        )
    }

    #[test]
    fn kv_list_is_sorted_by_utf8_bytes_and_paginates_with_a_cursor() {
        let mut s = KvStore::default();
        for (i, k) in ["b", "a", "é", "Z", "aa"].iter().enumerate() {
            put(&mut s, k, "v", NOW_MS + i as u64 * 10).unwrap();
        }
        let page1 = s.list(None, Some(2), None, NOW_MS / 1000).unwrap();
        assert_eq!(
            page1
                .keys
                .iter()
                .map(|k| k.name.as_str())
                .collect::<Vec<_>>(),
            ["Z", "a"]
        );
        assert!(!page1.list_complete);
        let page2 = s
            .list(None, Some(2), page1.cursor.as_deref(), NOW_MS / 1000)
            .unwrap();
        assert_eq!(
            page2
                .keys
                .iter()
                .map(|k| k.name.as_str())
                .collect::<Vec<_>>(),
            ["aa", "b"]
        );
        let page3 = s
            .list(None, Some(2), page2.cursor.as_deref(), NOW_MS / 1000)
            .unwrap();
        assert_eq!(
            page3
                .keys
                .iter()
                .map(|k| k.name.as_str())
                .collect::<Vec<_>>(),
            ["é"]
        );
        assert!(page3.list_complete);
        assert_eq!(page3.cursor, None);
    }

    #[test]
    fn kv_put_rejects_a_second_write_to_the_same_key_within_one_second() {
        let mut s = KvStore::default();
        put(&mut s, "k", "1", NOW_MS).unwrap();
        assert_eq!(
            put(&mut s, "k", "2", NOW_MS + 999).unwrap_err().to_string(),
            "KV PUT failed: 429 Too Many Requests"
        );
        assert_eq!(s.get("k", NOW_MS / 1000).unwrap().unwrap().value, b"1");
        put(&mut s, "k", "3", NOW_MS + 1000).unwrap();
        put(&mut s, "other", "x", NOW_MS + 1000).unwrap();
    }

    #[test]
    fn kv_expired_keys_read_as_missing_and_are_not_listed() {
        let mut s = KvStore::default();
        s.put(
            "t",
            KvPut {
                value: b"v".to_vec(),
                expiration_ttl: Some(60),
                ..Default::default()
            },
            NOW_MS,
        )
        .unwrap();
        let now_s = NOW_MS / 1000;
        assert!(s.get("t", now_s + 59).unwrap().is_some());
        assert!(s.get("t", now_s + 60).unwrap().is_none());
        assert!(
            s.list(None, None, None, now_s + 60)
                .unwrap()
                .keys
                .is_empty()
        );
    }

    #[test]
    fn kv_list_with_a_prefix_stops_at_the_prefix_end() {
        let mut s = KvStore::default();
        for k in ["a1", "b1", "b2", "c1"] {
            put(&mut s, k, "v", NOW_MS).unwrap();
        }
        let l = s.list(Some("b"), None, None, NOW_MS / 1000).unwrap();
        assert_eq!(
            l.keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
            ["b1", "b2"]
        );
    }
}

/// A KV operation as it crosses the host boundary, already checked by the binding. It arrives
/// from JavaScript as JSON (`{"op": "get", "key": …, "cacheTtl": …}`); a put's value comes as
/// bytes beside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum KvOp {
    Get {
        key: String,
        cache_ttl: Option<i64>,
    },
    GetBulk {
        keys: Vec<String>,
        cache_ttl: Option<i64>,
    },
    Put {
        key: String,
        #[serde(skip)]
        value: Vec<u8>,
        metadata: Option<String>,
        expiration: Option<i64>,
        expiration_ttl: Option<i64>,
    },
    Delete {
        key: String,
    },
    List {
        prefix: Option<String>,
        limit: Option<i64>,
        cursor: Option<String>,
    },
}

impl KvOp {
    /// Whether the operation changes data (and so goes to the central store).
    pub fn is_write(&self) -> bool {
        matches!(self, KvOp::Put { .. } | KvOp::Delete { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvReply {
    Value(Option<KvEntry>),
    Bulk(Vec<(String, Option<KvEntry>)>),
    List(KvList),
    /// A put or delete was applied as the namespace's `version`-th write.
    Written {
        version: u64,
    },
}

/// The namespaces of one location, by namespace id: what a host delegates KV calls to.
#[derive(Debug, Default, Clone)]
pub struct LocalKv {
    namespaces: std::cell::RefCell<BTreeMap<String, KvStore>>,
    /// Whether the one-write-per-second-per-key limit is off, as in Miniflare (the pool's
    /// local KV, which `edgesim test` follows unless told to keep production's limits).
    same_key_limit_off: std::cell::Cell<bool>,
}

impl LocalKv {
    /// Turns production's one-write-per-second-per-key limit on (the default) or off.
    pub fn set_same_key_write_limit(&self, on: bool) {
        self.same_key_limit_off.set(!on);
    }

    /// Puts back every namespace as `saved` holds it.
    pub fn restore_all(&self, saved: &LocalKv) {
        *self.namespaces.borrow_mut() = saved.namespaces.borrow().clone();
    }

    /// What namespace `namespace` stores under `key`, expired or not: what a host mirrors to
    /// disk after a write.
    pub fn stored(&self, namespace: &str, key: &str) -> Option<KvEntry> {
        self.namespaces
            .borrow()
            .get(namespace)
            .and_then(|store| store.entries.get(key).cloned())
    }

    /// Puts back what a host kept on disk, before anything else reaches the namespace; later
    /// writes number their versions after the newest restored one.
    pub fn restore(&self, namespace: &str, entries: Vec<(String, KvEntry)>) {
        let mut namespaces = self.namespaces.borrow_mut();
        let store = namespaces.entry(namespace.to_string()).or_default();
        for (key, entry) in entries {
            store.writes = store.writes.max(entry.version);
            store.entries.insert(key, entry);
        }
    }

    pub fn call(&self, namespace: &str, op: KvOp, now_ms: u64) -> Result<KvReply, KvError> {
        let mut namespaces = self.namespaces.borrow_mut();
        let store = namespaces.entry(namespace.to_string()).or_default();
        store.writes_by_key.enforce(!self.same_key_limit_off.get());
        let now_s = now_ms / 1000;
        match op {
            KvOp::Get { key, cache_ttl } => {
                KvStore::validate_cache_ttl("GET", cache_ttl)?;
                store.get(&key, now_s).map(KvReply::Value)
            }
            KvOp::GetBulk { keys, cache_ttl } => {
                KvStore::validate_cache_ttl("GET_BULK", cache_ttl)?;
                store.get_bulk(&keys, now_s).map(KvReply::Bulk)
            }
            KvOp::Put {
                key,
                value,
                metadata,
                expiration,
                expiration_ttl,
            } => store
                .put(
                    &key,
                    KvPut {
                        value,
                        metadata,
                        expiration,
                        expiration_ttl,
                    },
                    now_ms,
                )
                .map(|version| KvReply::Written { version }),
            KvOp::Delete { key } => store
                .delete(&key, now_ms)
                .map(|version| KvReply::Written { version }),
            KvOp::List {
                prefix,
                limit,
                cursor,
            } => store
                .list(prefix.as_deref(), limit, cursor.as_deref(), now_s)
                .map(KvReply::List),
        }
    }
}
