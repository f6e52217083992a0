//! Durable Objects on disk: a database file per SQLite-backed object; alarms and KV-backed
//! objects' entries in one database per namespace.

use std::cell::RefMut;
use std::collections::BTreeMap;
use std::path::PathBuf;

use edgesim_runtime::storage::durable::{ObjectAddress, ObjectStore};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Persist, PersistError, component, fail};

/// A KV-backed object's entries, by key.
type Entries = BTreeMap<String, Vec<u8>>;
/// An object's entries and alarm (ms since the epoch), as the last run left them.
pub type KeptObject = (Entries, Option<u64>);

impl Persist {
    /// The database file of SQLite-backed object `address`.
    pub fn object_db_path(&self, address: &ObjectAddress) -> Result<PathBuf, PersistError> {
        let dir = self.root.join("do").join(component(&address.namespace));
        std::fs::create_dir_all(&dir).map_err(|e| fail(&dir, e))?;
        Ok(dir.join(format!("{}.sqlite", component(&address.id))))
    }

    /// `do/<namespace>/objects.sqlite`: every object's alarm, and KV-backed objects' entries.
    fn objects_db(
        &self,
        namespace: &str,
    ) -> Result<(RefMut<'_, Connection>, PathBuf), PersistError> {
        let path = self
            .root
            .join("do")
            .join(component(namespace))
            .join("objects.sqlite");
        let db = self.db(
            &path,
            "CREATE TABLE IF NOT EXISTS alarms (id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL); \
             CREATE TABLE IF NOT EXISTS entries (id TEXT NOT NULL, key TEXT NOT NULL, \
             value BLOB NOT NULL, PRIMARY KEY (id, key))",
        )?;
        Ok((db, path))
    }

    /// What object `address` had when the last run ended: its KV-backed entries (empty for a
    /// SQLite-backed object, whose file holds them) and its alarm.
    pub fn load_object(&self, address: &ObjectAddress) -> Result<KeptObject, PersistError> {
        let (db, path) = self.objects_db(&address.namespace)?;
        let read = || -> rusqlite::Result<(Entries, Option<i64>)> {
            let mut statement = db.prepare("SELECT key, value FROM entries WHERE id = ?1")?;
            let entries = statement
                .query_map([&address.id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let alarm = db
                .query_row(
                    "SELECT at_ms FROM alarms WHERE id = ?1",
                    [&address.id],
                    |row| row.get(0),
                )
                .optional()?;
            Ok((entries, alarm))
        };
        let (entries, alarm) = read().map_err(|e| fail(&path, e))?;
        Ok((entries, alarm.map(|ms| ms as u64)))
    }

    /// Writes what object `address` has confirmed — its alarm, and a KV-backed object's entries
    /// — to disk, replacing what was there.
    pub fn save_object(
        &self,
        address: &ObjectAddress,
        store: &ObjectStore,
    ) -> Result<(), PersistError> {
        let (mut db, path) = self.objects_db(&address.namespace)?;
        let mut write = || -> rusqlite::Result<()> {
            let tx = db.transaction()?;
            tx.execute("DELETE FROM alarms WHERE id = ?1", [&address.id])?;
            if let Some(at_ms) = store.alarm_ms() {
                tx.execute(
                    "INSERT INTO alarms VALUES (?1, ?2)",
                    params![address.id, at_ms as i64],
                )?;
            }
            if let Some(entries) = store.memory_entries() {
                tx.execute("DELETE FROM entries WHERE id = ?1", [&address.id])?;
                for (key, value) in entries {
                    tx.execute(
                        "INSERT INTO entries VALUES (?1, ?2, ?3)",
                        params![address.id, key, value],
                    )?;
                }
            }
            tx.commit()
        };
        write().map_err(|e| fail(&path, e))
    }
}
