//! The objects' durable storage, kept by the platform outside any isolate: opened on first
//! use (from disk when the run persists), staged and confirmed one storage latency after an
//! isolate commits, its alarms, and the copies `edgesim test` goes back to.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use edgesim_runtime::socket::hibernation::Hibernation;
use edgesim_runtime::storage::durable::{
    ObjectAddress, ObjectStore, StorageError, StorageOp, StorageReply,
};
use edgesim_runtime::storage::sql::{SqlAnswer, SqlCall, SqlError};

use super::host::Inbound;
use super::{HomeCall, ObjectService, ObjectStartError};
use crate::persist::Persist;

impl ObjectService {
    /// The ids of the objects of `namespace` that have storage, in order.
    pub fn ids_in(&self, namespace: &str) -> Vec<String> {
        (self.stores.borrow().keys())
            .filter(|a| a.namespace == namespace)
            .map(|a| a.id.clone())
            .collect()
    }

    /// The alarms set by objects `of` picks: (object, when, ms since the epoch).
    pub fn alarms(&self, of: impl Fn(&ObjectAddress) -> bool) -> Vec<(ObjectAddress, u64)> {
        (self.stores.borrow().iter())
            .filter(|(address, _)| of(address))
            .filter_map(|(address, store)| Some((address.clone(), store.alarm_ms()?)))
            .collect()
    }

    /// Creates the store of `address` on first use: a SQLite database for SQLite-backed classes
    /// (`seed` drives its `random()`), a map for KV-backed ones — read back from `persist` when
    /// the platform keeps objects on disk.
    pub fn open(
        &self,
        address: &ObjectAddress,
        sqlite: bool,
        seed: u64,
        persist: Option<&Persist>,
    ) -> Result<(), ObjectStartError> {
        let mut stores = self.stores.borrow_mut();
        if stores.contains_key(address) {
            return Ok(());
        }
        let cannot = |e: &dyn std::fmt::Display| ObjectStartError::Storage(e.to_string());
        let mut store = match (sqlite, persist) {
            (true, None) => ObjectStore::sqlite(seed).map_err(|e| cannot(&e))?,
            (false, None) => ObjectStore::memory(),
            (true, Some(p)) => {
                let path = p.object_db_path(address).map_err(|e| cannot(&e))?;
                ObjectStore::sqlite_file(&path, seed).map_err(|e| cannot(&e))?
            }
            (false, Some(_)) => ObjectStore::memory(),
        };
        if let Some(p) = persist {
            let (entries, alarm_ms) = p.load_object(address).map_err(|e| cannot(&e))?;
            if !sqlite {
                store = ObjectStore::memory_with(entries);
            }
            store.set_alarm(alarm_ms);
        }
        // Only a store that opens with an alarm changes when some host's next alarm is: telling
        // every host to look again for each new object made a run's cost grow with the square
        // of its objects.
        let has_alarm = store.alarm_ms().is_some();
        stores.insert(address.clone(), store);
        if has_alarm {
            self.alarms_may_have_changed();
        }
        Ok(())
    }

    /// Writes what `address` has confirmed to disk, when the platform keeps objects there.
    fn save(&self, address: &ObjectAddress, persist: Option<&Persist>) -> Result<(), StorageError> {
        let Some(p) = persist else {
            return Ok(());
        };
        let stores = self.stores.borrow();
        let Some(store) = stores.get(address) else {
            return Ok(());
        };
        p.check(p.save_object(address, store))
            .ok_or(StorageError::Internal)
    }

    /// Runs a `ctx.storage.sql` call on the object's database.
    pub fn sql(&self, address: &ObjectAddress, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        match self.stores.borrow_mut().get_mut(address) {
            Some(store) => store.sql(call),
            None => Err(SqlError("the object's storage is not open".to_string())),
        }
    }

    /// A read answered at once, with no store latency: `ctx.storage.kv` reads the object's
    /// local database synchronously.
    pub fn read_now(
        &self,
        address: &ObjectAddress,
        op: StorageOp,
    ) -> Result<StorageReply, StorageError> {
        let mut stores = self.stores.borrow_mut();
        stores.entry(address.clone()).or_default().read(op)
    }

    /// The hibernatable WebSockets of `address`, made on first use; `auto_reply_to_close` is
    /// the Worker's `web_socket_auto_reply_to_close`.
    pub fn open_hibernation(
        &self,
        address: &ObjectAddress,
        auto_reply_to_close: bool,
    ) -> Rc<RefCell<Hibernation>> {
        self.hibernations
            .borrow_mut()
            .entry(address.clone())
            .or_insert_with(|| Rc::new(RefCell::new(Hibernation::new(auto_reply_to_close))))
            .clone()
    }

    pub fn hibernation(&self, address: &ObjectAddress) -> Option<Rc<RefCell<Hibernation>>> {
        self.hibernations.borrow().get(address).cloned()
    }

    /// The stored alarm of `address`, ms since the epoch.
    pub fn alarm_of(&self, address: &ObjectAddress) -> Option<u64> {
        self.stores
            .borrow()
            .get(address)
            .and_then(ObjectStore::alarm_ms)
    }

    /// An alarm starts running: it is no longer set (unless the handler sets it again).
    pub fn take_alarm(
        &self,
        address: &ObjectAddress,
        scheduled_ms: u64,
        persist: Option<&Persist>,
    ) {
        {
            let mut stores = self.stores.borrow_mut();
            match stores.get_mut(address) {
                Some(store) if store.alarm_ms() == Some(scheduled_ms) => store.set_alarm(None),
                _ => return,
            }
        }
        self.alarms_may_have_changed();
        // A failure to record it is kept for the end of the run; the alarm runs regardless
        // (at least once).
        let _ = self.save(address, persist);
    }

    /// Makes the next `count` commits fail, as a storage fault.
    pub fn fail_next_commits(&self, count: u32) {
        self.fail_commits_after(0, count);
    }

    /// Lets `skip` commits succeed, then makes the `count` after them fail.
    pub fn fail_commits_after(&self, skip: u32, count: u32) {
        self.commits_before_failing.set(skip);
        self.failing_commits.set(count);
    }

    /// Hands a commit to the object's store the moment its isolate sends it; it is confirmed
    /// (or fails) one storage latency later, in [`ObjectService::storage`].
    pub fn stage(&self, address: &ObjectAddress, op: &StorageOp) -> Result<(), StorageError> {
        let StorageOp::Commit(commit) = op else {
            return Ok(());
        };
        let mut stores = self.stores.borrow_mut();
        stores
            .entry(address.clone())
            .or_default()
            .stage(commit.clone())
    }

    /// Runs a storage operation for the object's isolate, after the storage latency. A staged
    /// commit is confirmed at the end of that latency: an isolate discarded before then never
    /// wrote, since its task discards what it left unconfirmed.
    pub async fn storage(
        &self,
        address: &ObjectAddress,
        op: StorageOp,
        persist: Option<&Persist>,
    ) -> Result<StorageReply, StorageError> {
        let is_commit = matches!(op, StorageOp::Commit(_));
        let reply = self.confirm_or_read(address, op).await?;
        if is_commit {
            self.save(address, persist)?;
        }
        Ok(reply)
    }

    async fn confirm_or_read(
        &self,
        address: &ObjectAddress,
        op: StorageOp,
    ) -> Result<StorageReply, StorageError> {
        let latency = self.latency.get();
        let is_commit = matches!(op, StorageOp::Commit(_));
        let ms = if is_commit {
            latency.commit_ms
        } else {
            latency.read_ms
        };
        madsim::time::sleep(Duration::from_millis(ms)).await;
        let mut stores = self.stores.borrow_mut();
        let store = stores.entry(address.clone()).or_default();
        if !is_commit {
            return store.read(op);
        }
        let skip = self.commits_before_failing.get();
        let failing = self.failing_commits.get();
        if skip > 0 {
            self.commits_before_failing.set(skip - 1);
        } else if failing > 0 {
            self.failing_commits.set(failing - 1);
            return Err(StorageError::Internal);
        }
        let alarm_before_ms = store.alarm_ms();
        let reply = store.confirm();
        if store.alarm_ms() != alarm_before_ms {
            self.alarms_may_have_changed();
        }
        reply
    }

    /// The object left its isolate: what it wrote that no confirmed commit carries is undone.
    pub fn discard_unconfirmed(&self, address: &ObjectAddress) {
        if let Some(store) = self.stores.borrow_mut().get_mut(address) {
            store.discard_unconfirmed();
        }
    }

    /// Counts how often a stored alarm may have changed (hosts cache their next alarm by it).
    pub fn alarm_version(&self) -> u64 {
        self.alarm_version.get()
    }

    fn alarms_may_have_changed(&self) {
        self.alarm_version.set(self.alarm_version.get() + 1);
    }

    /// Every object's stored state as it is now (confirmed writes and alarms).
    pub fn copy_stores(&self) -> Result<BTreeMap<ObjectAddress, ObjectStore>, SqlError> {
        let mut out = BTreeMap::new();
        for (address, store) in self.stores.borrow().iter() {
            out.insert(address.clone(), store.copy()?);
        }
        Ok(out)
    }

    /// Puts every object's storage back as `saved` holds it; objects in memory restart on
    /// their next call, so none keeps state the storage no longer has.
    pub fn restore_stores(
        &self,
        saved: &BTreeMap<ObjectAddress, ObjectStore>,
    ) -> Result<(), SqlError> {
        let mut stores = BTreeMap::new();
        for (address, store) in saved {
            stores.insert(address.clone(), store.copy()?);
        }
        *self.stores.borrow_mut() = stores;
        self.alarms_may_have_changed();
        for host in self.hosts.borrow().values().flatten() {
            let _ = host.inbox.unbounded_send(Inbound::Crash);
        }
        if let Some((_, home)) = self.test_home.borrow().as_ref() {
            let _ = home.unbounded_send(HomeCall::Reset);
        }
        Ok(())
    }
}
