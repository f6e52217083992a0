//! The durable half of one Durable Object's storage: what a confirmed write leaves on disk.
//!
//! Values are opaque bytes (the binding's structured-clone encoding); keys sort by their UTF-8
//! bytes, which is how Rust orders `String`, and how `storage.list()` orders them. The isolate
//! keeps its own cache in front of this (engine::object); a simulator wraps it with latency,
//! failures and crashes. A commit applies all of its writes or none.

use std::collections::BTreeMap;

/// Identifies one object: the namespace (Worker and class) and its 64-hex-digit id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ObjectAddress {
    /// The namespace: `<worker>/<class>`.
    pub namespace: String,
    pub id: String,
}

/// One request to the durable store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageOp {
    /// The current values of `keys` (`None`: absent).
    Read { keys: Vec<String> },
    /// Every entry with `start <= key < end` (either bound open), in key order.
    Range {
        start: Option<String>,
        end: Option<String>,
    },
    /// The alarm time, ms since the epoch.
    ReadAlarm,
    /// Applies writes atomically: first `delete_all`, then `writes` in order (`None` deletes),
    /// then the alarm (`Some(None)` deletes it).
    Commit(Commit),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commit {
    pub delete_all: bool,
    pub writes: Vec<(String, Option<Vec<u8>>)>,
    pub alarm: Option<Option<u64>>,
}

impl Commit {
    pub fn is_empty(&self) -> bool {
        !self.delete_all && self.writes.is_empty() && self.alarm.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageReply {
    Values(Vec<Option<Vec<u8>>>),
    Entries(Vec<(String, Vec<u8>)>),
    Alarm(Option<u64>),
    Committed,
}

/// Why the store did not do what was asked; the object is reset with this text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// troubleshooting.mdx: an internal storage failure resets the object.
    #[error("Internal error in Durable Object storage caused object to be reset.")]
    Internal,
    /// worker.c++: a storage operation that hangs past 30 s breaks the output gate.
    #[error("Durable Object storage operation exceeded timeout which caused object to be reset.")]
    Timeout,
}

/// The stored state of one object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectStore {
    entries: BTreeMap<String, Vec<u8>>,
    alarm_ms: Option<u64>,
}

impl ObjectStore {
    pub fn apply(&mut self, op: StorageOp) -> StorageReply {
        match op {
            StorageOp::Read { keys } => {
                StorageReply::Values(keys.iter().map(|k| self.entries.get(k).cloned()).collect())
            }
            StorageOp::Range { start, end } => {
                let entries = self
                    .entries
                    .iter()
                    .filter(|(k, _)| start.as_deref().is_none_or(|s| k.as_str() >= s))
                    .filter(|(k, _)| end.as_deref().is_none_or(|e| k.as_str() < e))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                StorageReply::Entries(entries)
            }
            StorageOp::ReadAlarm => StorageReply::Alarm(self.alarm_ms),
            StorageOp::Commit(commit) => {
                if commit.delete_all {
                    self.entries.clear();
                }
                for (key, value) in commit.writes {
                    match value {
                        Some(v) => self.entries.insert(key, v),
                        None => self.entries.remove(&key),
                    };
                }
                if let Some(alarm) = commit.alarm {
                    self.alarm_ms = alarm;
                }
                StorageReply::Committed
            }
        }
    }

    pub fn alarm_ms(&self) -> Option<u64> {
        self.alarm_ms
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes of keys and values stored (what `databaseSize`-style figures are made of).
    pub fn bytes(&self) -> usize {
        self.entries.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(k: &str, v: &[u8]) -> (String, Option<Vec<u8>>) {
        (k.to_string(), Some(v.to_vec()))
    }

    #[test]
    fn commit_applies_delete_all_before_its_writes() {
        let mut s = ObjectStore::default();
        s.apply(StorageOp::Commit(Commit {
            writes: vec![put("a", b"1"), put("b", b"2")],
            ..Default::default()
        }));
        s.apply(StorageOp::Commit(Commit {
            delete_all: true,
            writes: vec![put("c", b"3")],
            alarm: Some(Some(5)),
        }));
        let all = s.apply(StorageOp::Range {
            start: None,
            end: None,
        });
        assert_eq!(
            all,
            StorageReply::Entries(vec![("c".into(), b"3".to_vec())])
        );
        assert_eq!(s.alarm_ms(), Some(5));
    }

    #[test]
    fn range_is_start_inclusive_end_exclusive_in_utf8_order() {
        let mut s = ObjectStore::default();
        s.apply(StorageOp::Commit(Commit {
            writes: vec![put("b", b""), put("a", b""), put("é", b""), put("c", b"")],
            ..Default::default()
        }));
        let StorageReply::Entries(e) = s.apply(StorageOp::Range {
            start: Some("b".into()),
            end: Some("é".into()),
        }) else {
            panic!("range answers entries");
        };
        let keys: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "c"]);
    }
}
