//! The durable half of one Durable Object's storage: what a confirmed write leaves on disk.
//!
//! Values are opaque bytes (the binding's structured-clone encoding); keys sort by their UTF-8
//! bytes, which is how Rust orders `String`, and how `storage.list()` orders them. The isolate
//! keeps its own cache in front of this (engine::durable_object); a simulator wraps it with latency,
//! failures and crashes. A commit applies all of its writes or none.

use std::collections::{BTreeMap, VecDeque};

use super::commit_windows::CommitWindows;
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
    Sqlite {
        db: Box<SqlDatabase>,
        /// Written but unconfirmed: the user's SQL and staged commits, undoable until confirmed.
        windows: CommitWindows,
    },
}

/// The stored state of one object.
///
/// A commit is *staged* when the isolate hands it over and *confirmed* when the store has it;
/// an isolate lost in between (a failed commit, a crash) never wrote it. A SQLite-backed object
/// applies a staged commit to its database at once, inside the same undoable window as the SQL
/// its turn ran, so the KV API's writes and the SQL stand or fall together.
pub struct ObjectStore {
    backend: Backend,
    alarm_ms: Option<u64>,
    /// Staged commits, oldest first (SQLite-backed: only their alarms are still to apply).
    staged: VecDeque<Commit>,
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
            staged: VecDeque::new(),
        }
    }

    /// The store of a SQLite-backed class; `seed` drives SQLite's `random()`.
    pub fn sqlite(seed: u64) -> Result<Self, SqlError> {
        Ok(ObjectStore {
            backend: Backend::Sqlite {
                db: Box::new(SqlDatabase::open(seed)?),
                windows: CommitWindows::default(),
            },
            alarm_ms: None,
            staged: VecDeque::new(),
        })
    }

    /// A copy of the confirmed state (writes still staged or unconfirmed are not in it), kept
    /// in memory: `edgesim test`'s per-test storage goes back to it.
    pub fn copy(&self) -> Result<Self, SqlError> {
        let backend = match &self.backend {
            Backend::Memory(map) => Backend::Memory(map.clone()),
            Backend::Sqlite { db, .. } => Backend::Sqlite {
                db: Box::new(db.copy()?),
                windows: CommitWindows::default(),
            },
        };
        Ok(ObjectStore {
            backend,
            alarm_ms: self.alarm_ms,
            staged: VecDeque::new(),
        })
    }

    /// As [`ObjectStore::sqlite`], on the database file at `path` (created when missing): a
    /// host's choice to keep the object across runs. A confirmed commit reaches the file once
    /// no later commit of the object is still unconfirmed (the windows nest).
    pub fn sqlite_file(path: &std::path::Path, seed: u64) -> Result<Self, SqlError> {
        Ok(ObjectStore {
            backend: Backend::Sqlite {
                db: Box::new(SqlDatabase::open_file(path, seed)?),
                windows: CommitWindows::default(),
            },
            alarm_ms: None,
            staged: VecDeque::new(),
        })
    }

    /// A KV-backed class's store holding `entries`, as a host kept them.
    pub fn memory_with(entries: BTreeMap<String, Vec<u8>>) -> Self {
        ObjectStore {
            backend: Backend::Memory(entries),
            ..ObjectStore::memory()
        }
    }

    /// A KV-backed class's confirmed entries (`None` for a SQLite-backed one, whose database
    /// holds them).
    pub fn memory_entries(&self) -> Option<&BTreeMap<String, Vec<u8>>> {
        match &self.backend {
            Backend::Memory(entries) => Some(entries),
            Backend::Sqlite { .. } => None,
        }
    }

    /// Runs a `ctx.storage.sql` call on the object's database, in the open window.
    pub fn sql(&mut self, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        match &mut self.backend {
            Backend::Sqlite { db, windows } => {
                windows.ensure_open(db.internal()).map_err(internal_sql)?;
                db.call(call)
            }
            Backend::Memory(_) => Err(SqlError(
                "SQL is not enabled for this Durable Object class.".to_string(),
            )),
        }
    }

    /// Reads, or a commit staged and confirmed at once (a store with no latency in between).
    pub fn apply(&mut self, op: StorageOp) -> Result<StorageReply, StorageError> {
        match op {
            StorageOp::Commit(commit) => {
                self.stage(commit)?;
                self.confirm()
            }
            read => self.read(read),
        }
    }

    /// Answers a read as of now, staged commits included (the isolate's own cache has them).
    pub fn read(&self, op: StorageOp) -> Result<StorageReply, StorageError> {
        let internal = |_| StorageError::Internal;
        match (op, &self.backend) {
            (StorageOp::ReadAlarm, _) => Ok(StorageReply::Alarm(self.alarm_ms)),
            // A commit is not a read: whoever asks this way has lost track of the protocol.
            (StorageOp::Commit(_), _) => Err(StorageError::Internal),
            (StorageOp::Read { keys }, Backend::Memory(entries)) => Ok(StorageReply::Values(
                keys.iter().map(|k| entries.get(k).cloned()).collect(),
            )),
            (StorageOp::Read { keys }, Backend::Sqlite { db, .. }) if !db.has_kv_table() => {
                Ok(StorageReply::Values(vec![None; keys.len()]))
            }
            (StorageOp::Read { keys }, Backend::Sqlite { db, .. }) => {
                sqlite_values(db.internal(), &keys)
                    .map(StorageReply::Values)
                    .map_err(internal)
            }
            (StorageOp::Range { start, end }, Backend::Memory(entries)) => {
                Ok(StorageReply::Entries(
                    entries
                        .iter()
                        .filter(|(k, _)| in_range(k, &start, &end))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ))
            }
            (StorageOp::Range { .. }, Backend::Sqlite { db, .. }) if !db.has_kv_table() => {
                Ok(StorageReply::Entries(Vec::new()))
            }
            (StorageOp::Range { start, end }, Backend::Sqlite { db, .. }) => {
                sqlite_entries(db.internal(), &start, &end)
                    .map(StorageReply::Entries)
                    .map_err(internal)
            }
        }
    }

    /// The isolate hands `commit` over; it is durable once [`ObjectStore::confirm`] says so.
    pub fn stage(&mut self, mut commit: Commit) -> Result<(), StorageError> {
        if let Backend::Sqlite { db, windows } = &mut self.backend {
            windows
                .ensure_open(db.internal())
                .and_then(|()| write_sqlite(db, &commit))
                .map_err(|_| StorageError::Internal)?;
            windows.seal();
            commit.delete_all = false;
            commit.writes.clear();
        }
        self.staged.push_back(commit);
        Ok(())
    }

    /// The oldest staged commit is confirmed: its writes are durable.
    pub fn confirm(&mut self) -> Result<StorageReply, StorageError> {
        let Some(commit) = self.staged.pop_front() else {
            return Ok(StorageReply::Committed);
        };
        if let Some(alarm) = commit.alarm {
            self.alarm_ms = alarm;
        }
        match &mut self.backend {
            Backend::Memory(entries) => write_map(entries, commit),
            Backend::Sqlite { db, windows } => windows
                .confirm_oldest(db.internal())
                .map_err(|_| StorageError::Internal)?,
        }
        Ok(StorageReply::Committed)
    }

    /// The object's isolate is gone: staged commits never arrive and SQL not carried by a
    /// confirmed commit is undone.
    pub fn discard_unconfirmed(&mut self) {
        self.staged.clear();
        if let Backend::Sqlite { db, windows } = &mut self.backend {
            // A rollback of savepoints that exist cannot fail short of SQLite running out of
            // memory; the next window starts from whatever state that left.
            let _ = windows.roll_back_unconfirmed(db.internal());
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

fn internal_sql(e: rusqlite::Error) -> SqlError {
    SqlError(format!(
        "edgesim: the object's database refused a savepoint: {e}"
    ))
}

fn in_range(key: &str, start: &Option<String>, end: &Option<String>) -> bool {
    start.as_deref().is_none_or(|s| key >= s) && end.as_deref().is_none_or(|e| key < e)
}

fn write_map(entries: &mut BTreeMap<String, Vec<u8>>, commit: Commit) {
    if commit.delete_all {
        entries.clear();
    }
    for (key, value) in commit.writes {
        match value {
            Some(v) => entries.insert(key, v),
            None => entries.remove(&key),
        };
    }
}

fn sqlite_values(
    db: &rusqlite::Connection,
    keys: &[String],
) -> rusqlite::Result<Vec<Option<Vec<u8>>>> {
    use rusqlite::OptionalExtension;
    let mut stmt = db.prepare_cached("SELECT value FROM _cf_KV WHERE key = ?1")?;
    let mut values = Vec::with_capacity(keys.len());
    for key in keys {
        values.push(stmt.query_row([key], |r| r.get(0)).optional()?);
    }
    Ok(values)
}

fn sqlite_entries(
    db: &rusqlite::Connection,
    start: &Option<String>,
    end: &Option<String>,
) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
    let mut stmt = db.prepare_cached("SELECT key, value FROM _cf_KV ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
    let mut entries = Vec::new();
    for row in rows {
        let (k, v) = row?;
        if in_range(&k, start, end) {
            entries.push((k, v));
        }
    }
    Ok(entries)
}

/// Writes `commit` into the open window (which makes it all-or-nothing). The `_cf_KV` table
/// is made by the first commit that writes a key, inside the window: an undone first write
/// leaves no table, as workerd's rollback does.
fn write_sqlite(database: &SqlDatabase, commit: &Commit) -> rusqlite::Result<()> {
    if let Some(alarm_ms) = commit.alarm {
        write_alarm(database.internal(), alarm_ms)?;
    }
    if !database.has_kv_table() {
        if commit.writes.is_empty() {
            return Ok(());
        }
        database.ensure_kv_table()?;
    }
    let db = database.internal();
    if commit.delete_all {
        db.execute("DELETE FROM _cf_KV", [])?;
    }
    for (key, value) in &commit.writes {
        match value {
            Some(v) => db
                .prepare_cached("INSERT OR REPLACE INTO _cf_KV (key, value) VALUES (?1, ?2)")?
                .execute(rusqlite::params![key, v])?,
            None => db
                .prepare_cached("DELETE FROM _cf_KV WHERE key = ?1")?
                .execute([key])?,
        };
    }
    Ok(())
}

/// workerd keeps a SQLite-backed object's alarm in `_cf_METADATA` (key 1, nanoseconds since
/// the epoch, NULL once deleted), made by the first `setAlarm`.
fn write_alarm(db: &rusqlite::Connection, alarm_ms: Option<u64>) -> rusqlite::Result<()> {
    db.execute_batch(super::sql::METADATA_TABLE)?;
    let alarm_ns = alarm_ms.map(|ms| (ms as i64).saturating_mul(1_000_000));
    db.prepare_cached(
        "INSERT INTO _cf_METADATA VALUES (1, ?1) ON CONFLICT DO UPDATE SET value = excluded.value",
    )?
    .execute([alarm_ns])?;
    Ok(())
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
