//! `edgesim fetch --persist-to DIR`: the platform's KV, R2, D1 and Durable Object data kept on
//! disk, so one run starts from what the last one left, as with `wrangler dev --persist-to`.
//!
//! The stores stay in memory, as in any simulation; every write a Worker is told succeeded has
//! reached the disk first (KV and R2 mirror the key they changed, a KV-backed object its entries
//! and alarm; D1 databases and SQLite-backed objects are SQLite files themselves), so killing
//! the process loses nothing acknowledged — except that a SQLite-backed object's confirmed
//! commit reaches its file only once no later commit of it is still unconfirmed (the commit
//! windows nest). Layout under DIR:
//! `kv/<namespace>.sqlite`, `r2/<bucket>/index.sqlite` with one file per object version and
//! per uploaded part in `r2/<bucket>/blobs/`, `d1/<database>.sqlite`, `do/<namespace>/<id>.sqlite`
//! per SQLite-backed object and `do/<namespace>/objects.sqlite` for alarms and KV-backed objects,
//! and `clock`: where the simulated clock stood
//! when the last run ended, which the next run starts from (time does not pass between runs).
//! Queues and the Cache API still start empty. Files that are not SQLite databases are
//! replaced whole ([`write_durably`]); `lock` keeps a second process out.

use std::cell::{RefCell, RefMut};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use edgesim_runtime::storage::kv::{KvEntry, LocalKv};
use rusqlite::{Connection, params};

mod objects;
mod r2;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--persist-to: {path}: {message}")]
pub struct PersistError {
    pub path: String,
    pub message: String,
}

fn fail(path: &Path, e: impl std::fmt::Display) -> PersistError {
    PersistError {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// A name made safe as one path component: bytes other than ASCII letters, digits, `-`, `_`
/// and `.` become `%XX` (an R2 bucket in a jurisdiction is `eu/<name>`).
fn component(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && !out.is_empty()) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Takes `DIR/lock` for this process, or says which process has it.
fn lock_directory(root: &Path) -> Result<std::fs::File, PersistError> {
    use std::io::{Read, Seek, Write};
    let path = root.join("lock");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| fail(&path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => String::new(),
                pid => format!(" (process {pid})"),
            };
            return Err(fail(
                root,
                format!(
                    "another edgesim{holder} is using this directory; runs that share one must \
                     take turns"
                ),
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(fail(&path, e)),
    }
    let pid = std::process::id();
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| writeln!(file, "{pid}"))
        .map_err(|e| fail(&path, e))?;
    Ok(file)
}

/// Replaces the file at `path` with `bytes` so that a crash at any moment leaves either the
/// old file or the new one, whole: a temporary file beside it, synced, renamed over it, and
/// the directory synced.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let (dir, temporary) = temporary_beside(path);
    let dir = dir.as_path();
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// The directory `path` is in, and a temporary file there to write it in before the rename
/// that makes it whole.
pub fn temporary_beside(path: &Path) -> (PathBuf, PathBuf) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    (dir.to_path_buf(), temporary)
}

pub struct Persist {
    root: PathBuf,
    /// `DIR/lock`, locked exclusively while this process uses the directory: two processes
    /// each keep their own copy of the stores in memory and would overwrite each other's writes.
    _lock: std::fs::File,
    /// KV namespaces and R2 buckets read back already this run.
    loaded: RefCell<BTreeSet<String>>,
    /// The first thing that could not be read or written: the call that met it failed as the
    /// service's internal error, and the run ends with this.
    failure: RefCell<Option<PersistError>>,
    /// Every index database opened this run, by path: opened and given its tables once.
    dbs: RefCell<BTreeMap<PathBuf, Connection>>,
}

impl Persist {
    /// Opens (creating) the directory, which no other process may be using.
    pub fn open(root: &Path) -> Result<Self, PersistError> {
        std::fs::create_dir_all(root).map_err(|e| fail(root, e))?;
        Ok(Persist {
            _lock: lock_directory(root)?,
            root: root.to_path_buf(),
            loaded: RefCell::default(),
            failure: RefCell::default(),
            dbs: RefCell::default(),
        })
    }

    /// The database at `path`, opened (its directory made, `schema` run) on first use.
    fn db(&self, path: &Path, schema: &str) -> Result<RefMut<'_, Connection>, PersistError> {
        let mut dbs = self.dbs.borrow_mut();
        if !dbs.contains_key(path) {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
            }
            let db = Connection::open(path).map_err(|e| fail(path, e))?;
            db.execute_batch(schema).map_err(|e| fail(path, e))?;
            dbs.insert(path.to_path_buf(), db);
        }
        RefMut::filter_map(dbs, |dbs| dbs.get_mut(path))
            .map_err(|_| fail(path, "the database was not kept open"))
    }

    /// Keeps a failure (the first one) for the end of the run; `None` lets the caller answer
    /// with its service's internal error.
    pub fn check<T>(&self, result: Result<T, PersistError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.failure.borrow_mut().get_or_insert(e);
                None
            }
        }
    }

    pub fn failure(&self) -> Option<PersistError> {
        self.failure.borrow().clone()
    }

    /// The simulated time (ms since the Unix epoch) the last run ended at, if one did.
    pub fn clock_ms(&self) -> Result<Option<u64>, PersistError> {
        let path = self.root.join("clock");
        match std::fs::read_to_string(&path) {
            Ok(text) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| fail(&path, "expected a number of milliseconds")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(fail(&path, e)),
        }
    }

    pub fn save_clock(&self, now_ms: u64) -> Result<(), PersistError> {
        let path = self.root.join("clock");
        write_durably(&path, format!("{now_ms}\n").as_bytes()).map_err(|e| fail(&path, e))
    }

    /// The file D1 database `database` lives in.
    pub fn d1_path(&self, database: &str) -> Result<PathBuf, PersistError> {
        let dir = self.root.join("d1");
        std::fs::create_dir_all(&dir).map_err(|e| fail(&dir, e))?;
        Ok(dir.join(format!("{}.sqlite", component(database))))
    }

    /// True the first time `what` is asked for this run.
    fn first_use(&self, what: String) -> bool {
        self.loaded.borrow_mut().insert(what)
    }

    fn kv_db(&self, namespace: &str) -> Result<(RefMut<'_, Connection>, PathBuf), PersistError> {
        let path = self
            .root
            .join("kv")
            .join(format!("{}.sqlite", component(namespace)));
        let db = self.db(
            &path,
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL, \
             metadata TEXT, expiration_s INTEGER, version INTEGER NOT NULL)",
        )?;
        Ok((db, path))
    }

    /// Puts namespace `namespace`'s entries back into `kv` on its first use this run.
    pub fn load_kv(&self, kv: &LocalKv, namespace: &str) -> Result<(), PersistError> {
        if !self.first_use(format!("kv/{namespace}")) {
            return Ok(());
        }
        let (db, path) = self.kv_db(namespace)?;
        let read = || -> rusqlite::Result<Vec<(String, KvEntry)>> {
            let mut statement = db.prepare(
                "SELECT key, value, metadata, expiration_s, version FROM entries ORDER BY key",
            )?;
            let rows = statement.query_map([], |row| {
                Ok((
                    row.get(0)?,
                    KvEntry {
                        value: row.get(1)?,
                        metadata: row.get(2)?,
                        expiration_s: row.get::<_, Option<i64>>(3)?.map(|s| s as u64),
                        version: row.get::<_, i64>(4)? as u64,
                    },
                ))
            })?;
            rows.collect()
        };
        kv.restore(namespace, read().map_err(|e| fail(&path, e))?);
        Ok(())
    }

    /// Writes what `kv` now holds under `key` (or its absence) to disk.
    pub fn save_kv_key(
        &self,
        kv: &LocalKv,
        namespace: &str,
        key: &str,
    ) -> Result<(), PersistError> {
        let (db, path) = self.kv_db(namespace)?;
        let written = match kv.stored(namespace, key) {
            Some(e) => db.execute(
                "INSERT OR REPLACE INTO entries VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    key,
                    e.value,
                    e.metadata,
                    e.expiration_s.map(|s| s as i64),
                    e.version as i64
                ],
            ),
            None => db.execute("DELETE FROM entries WHERE key = ?1", params![key]),
        };
        written.map(|_| ()).map_err(|e| fail(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::component;

    #[test]
    fn components_escape_separators_and_leading_dots() {
        assert_eq!(component("eu/my-bucket"), "eu%2Fmy-bucket");
        assert_eq!(component(".."), "%2E.");
        assert_eq!(component("ns_1.a"), "ns_1.a");
    }
}
