//! The durable half of one Durable Object's storage: what a confirmed write leaves on disk.
//!
//! Values are opaque bytes (the binding's structured-clone encoding); keys sort by their UTF-8
//! bytes, which is how Rust orders `String`, and how `storage.list()` orders them. The isolate
//! keeps its own cache in front of this (engine::object); a simulator wraps it with latency,
//! failures and crashes. A commit applies all of its writes or none.

use std::collections::BTreeMap;

use super::sql::{SqlAnswer, SqlCall, SqlDatabase, SqlError};

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
    /// SQL statements changed the database since the last commit: they are applied already,
    /// but like any write they are confirmed only when this commit is.
    pub sql_written: bool,
}

impl Commit {
    pub fn is_empty(&self) -> bool {
        !self.delete_all && self.writes.is_empty() && self.alarm.is_none() && !self.sql_written
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
}

/// Where an object's key-value entries live: a map (KV-backed classes) or the `_cf_KV` table
/// of the object's SQLite database (SQLite-backed classes), next to the user's own tables.
enum Backend {
    Memory(BTreeMap<String, Vec<u8>>),
    Sqlite(SqlDatabase),
}

/// The stored state of one object.
pub struct ObjectStore {
    backend: Backend,
    alarm_ms: Option<u64>,
}

impl Default for ObjectStore {
    fn default() -> Self {
        ObjectStore::memory()
    }
}

impl ObjectStore {
    /// The store of a KV-backed class.
    pub fn memory() -> Self {
        ObjectStore {
            backend: Backend::Memory(BTreeMap::new()),
            alarm_ms: None,
        }
    }

    /// The store of a SQLite-backed class; `seed` drives SQLite's `random()`.
    pub fn sqlite(seed: u64) -> Result<Self, SqlError> {
        Ok(ObjectStore {
            backend: Backend::Sqlite(SqlDatabase::open(seed, true)?),
            alarm_ms: None,
        })
    }

    /// Runs a `ctx.storage.sql` call on the object's database.
    pub fn sql(&self, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        match &self.backend {
            Backend::Sqlite(db) => db.call(call),
            Backend::Memory(_) => Err(SqlError(
                "SQL is not enabled for this Durable Object class.".to_string(),
            )),
        }
    }

    pub fn apply(&mut self, op: StorageOp) -> Result<StorageReply, StorageError> {
        if let StorageOp::ReadAlarm = op {
            return Ok(StorageReply::Alarm(self.alarm_ms));
        }
        if let StorageOp::Commit(Commit {
            alarm: Some(alarm), ..
        }) = &op
        {
            self.alarm_ms = *alarm;
        }
        match &mut self.backend {
            Backend::Memory(entries) => Ok(apply_to_map(entries, op)),
            Backend::Sqlite(db) => {
                apply_to_sqlite(db.internal(), op).map_err(|_| StorageError::Internal)
            }
        }
    }

    pub fn alarm_ms(&self) -> Option<u64> {
        self.alarm_ms
    }

    /// Sets or clears the alarm outside a commit (the scheduler does, when an alarm starts).
    pub fn set_alarm(&mut self, at_ms: Option<u64>) {
        self.alarm_ms = at_ms;
    }
}

fn in_range(key: &str, start: &Option<String>, end: &Option<String>) -> bool {
    start.as_deref().is_none_or(|s| key >= s) && end.as_deref().is_none_or(|e| key < e)
}

fn apply_to_map(entries: &mut BTreeMap<String, Vec<u8>>, op: StorageOp) -> StorageReply {
    match op {
        StorageOp::Read { keys } => {
            StorageReply::Values(keys.iter().map(|k| entries.get(k).cloned()).collect())
        }
        StorageOp::Range { start, end } => StorageReply::Entries(
            entries
                .iter()
                .filter(|(k, _)| in_range(k, &start, &end))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        StorageOp::ReadAlarm => StorageReply::Alarm(None),
        StorageOp::Commit(commit) => {
            if commit.delete_all {
                entries.clear();
            }
            for (key, value) in commit.writes {
                match value {
                    Some(v) => entries.insert(key, v),
                    None => entries.remove(&key),
                };
            }
            StorageReply::Committed
        }
    }
}

fn apply_to_sqlite(db: &rusqlite::Connection, op: StorageOp) -> rusqlite::Result<StorageReply> {
    use rusqlite::OptionalExtension;
    Ok(match op {
        StorageOp::Read { keys } => {
            let mut stmt = db.prepare_cached("SELECT value FROM _cf_KV WHERE key = ?1")?;
            let mut values = Vec::with_capacity(keys.len());
            for key in &keys {
                values.push(stmt.query_row([key], |r| r.get(0)).optional()?);
            }
            StorageReply::Values(values)
        }
        StorageOp::Range { start, end } => {
            let mut stmt = db.prepare_cached("SELECT key, value FROM _cf_KV ORDER BY key")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
            let mut entries = Vec::new();
            for row in rows {
                let (k, v) = row?;
                if in_range(&k, &start, &end) {
                    entries.push((k, v));
                }
            }
            StorageReply::Entries(entries)
        }
        StorageOp::ReadAlarm => StorageReply::Alarm(None),
        StorageOp::Commit(commit) => {
            let tx = db.unchecked_transaction()?;
            if commit.delete_all {
                tx.execute("DELETE FROM _cf_KV", [])?;
            }
            for (key, value) in &commit.writes {
                match value {
                    Some(v) => tx.execute(
                        "INSERT OR REPLACE INTO _cf_KV (key, value) VALUES (?1, ?2)",
                        rusqlite::params![key, v],
                    )?,
                    None => tx.execute("DELETE FROM _cf_KV WHERE key = ?1", [key])?,
                };
            }
            tx.commit()?;
            StorageReply::Committed
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(k: &str, v: &[u8]) -> (String, Option<Vec<u8>>) {
        (k.to_string(), Some(v.to_vec()))
    }

    fn both() -> [ObjectStore; 2] {
        [ObjectStore::memory(), ObjectStore::sqlite(1).unwrap()]
    }

    #[test]
    fn commit_applies_delete_all_before_its_writes() {
        for mut s in both() {
            let first = Commit {
                writes: vec![put("a", b"1"), put("b", b"2")],
                ..Default::default()
            };
            s.apply(StorageOp::Commit(first)).unwrap();
            let second = Commit {
                delete_all: true,
                writes: vec![put("c", b"3")],
                alarm: Some(Some(5)),
                sql_written: false,
            };
            s.apply(StorageOp::Commit(second)).unwrap();
            let all = s.apply(StorageOp::Range {
                start: None,
                end: None,
            });
            let expected = StorageReply::Entries(vec![("c".into(), b"3".to_vec())]);
            assert_eq!(all, Ok(expected));
            assert_eq!(s.alarm_ms(), Some(5));
        }
    }

    #[test]
    fn range_is_start_inclusive_end_exclusive_in_utf8_order() {
        for mut s in both() {
            let writes = vec![put("b", b""), put("a", b""), put("é", b""), put("c", b"")];
            s.apply(StorageOp::Commit(Commit {
                writes,
                ..Default::default()
            }))
            .unwrap();
            let Ok(StorageReply::Entries(e)) = s.apply(StorageOp::Range {
                start: Some("b".into()),
                end: Some("é".into()),
            }) else {
                panic!("range answers entries");
            };
            let keys: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, ["b", "c"]);
        }
    }
}
