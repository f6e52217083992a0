//! A Durable Object's storage calls from JavaScript: answered from the object's cache when it
//! knows, or by a read of the durable store that closes the input gate (unless
//! `allowConcurrency`); writes go to the cache at once and wait for the next commit
//! (gates.rs). The cache decides ([`StoragePlan`]); the isolate's I/O state starts the reads.

use std::collections::{BTreeMap, BTreeSet};

use super::gates::ObjectIo;
use crate::engine::event_loop::{OpId, OpOutcome};
use crate::storage::durable::{Commit, StorageOp, StorageReply};

/// The answer a storage read owes JavaScript once the store replies.
#[derive(Debug, Clone)]
pub enum PendingRead {
    /// `asked`: the keys sent to the store; `known`: what the cache held for the others when
    /// the read was issued. The answer is as of that moment, even if writes land meanwhile.
    Get {
        asked: Vec<String>,
        known: Vec<(String, Vec<u8>)>,
    },
    Delete {
        keys: Vec<String>,
        asked: Vec<String>,
    },
    List(ListOptions),
    Alarm,
}

/// `storage.list()` options, already validated by the binding.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOptions {
    pub start: Option<String>,
    pub start_after: Option<String>,
    pub end: Option<String>,
    pub prefix: Option<String>,
    #[serde(default)]
    pub reverse: bool,
    pub limit: Option<usize>,
}

impl ListOptions {
    fn is_unbounded(&self) -> bool {
        self.start.is_none()
            && self.start_after.is_none()
            && self.end.is_none()
            && self.prefix.as_deref().is_none_or(str::is_empty)
    }

    fn matches(&self, key: &str) -> bool {
        self.start.as_deref().is_none_or(|s| key >= s)
            && self.start_after.as_deref().is_none_or(|s| key > s)
            && self.end.as_deref().is_none_or(|e| key < e)
            && self.prefix.as_deref().is_none_or(|p| key.starts_with(p))
    }
}

impl ObjectIo {
    /// The values of `keys` if all are cached, in key order, present ones only.
    fn cached_entries(&self, keys: &[String]) -> Option<Vec<(String, Vec<u8>)>> {
        let mut out = BTreeMap::new();
        for key in keys {
            match self.cache.get(key) {
                Some(Some(v)) => {
                    out.insert(key.clone(), v.clone());
                }
                Some(None) => {}
                None if self.complete => {}
                None => return None,
            }
        }
        Some(out.into_iter().collect())
    }

    fn write(&mut self, key: String, value: Option<Vec<u8>>) {
        self.cache.insert(key.clone(), value.clone());
        self.dirty.writes.push((key, value));
    }

    fn bump(&mut self, gates_output: bool) {
        self.write_seq += 1;
        if gates_output {
            self.output_seq = self.write_seq;
        }
    }

    fn delete_known(&mut self, keys: &[String], gates_output: bool) -> u32 {
        let mut deleted = 0;
        for key in keys {
            let present = matches!(self.cache.get(key), Some(Some(_)));
            deleted += u32::from(present);
            self.write(key.clone(), None);
        }
        self.bump(gates_output);
        deleted
    }

    fn list_cached(&self, options: &ListOptions) -> Vec<(String, Vec<u8>)> {
        let matching = self
            .cache
            .iter()
            .filter(|(k, _)| options.matches(k))
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())));
        let limit = options.limit.unwrap_or(usize::MAX);
        if options.reverse {
            let mut all: Vec<_> = matching.collect();
            all.reverse();
            all.truncate(limit);
            all
        } else {
            matching.take(limit).collect()
        }
    }
}

/// How a storage call is answered, as the object's cache decides it.
pub enum StoragePlan {
    Now(OpOutcome),
    /// After a read of the store; `gate`: the read holds the input gate.
    Read {
        op: StorageOp,
        pending: PendingRead,
        gate: bool,
    },
    /// Once write `seq` is confirmed (`storage.sync()`).
    AfterWrite(u64),
}

/// What a storage call answers JavaScript: at once, or through an operation it awaits.
pub enum StorageAnswer {
    Now(OpOutcome),
    Later(OpId),
}

impl ObjectIo {
    pub fn get(&self, keys: Vec<String>, allow_concurrency: bool) -> StoragePlan {
        if let Some(entries) = self.cached_entries(&keys) {
            return StoragePlan::Now(OpOutcome::Entries(entries));
        }
        let asked = unknown_keys(self, &keys);
        let known = keys
            .iter()
            .filter_map(|k| match self.cache.get(k) {
                Some(Some(v)) => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect();
        StoragePlan::Read {
            op: StorageOp::Read {
                keys: asked.clone(),
            },
            pending: PendingRead::Get { asked, known },
            gate: !allow_concurrency,
        }
    }

    pub fn put(&mut self, entries: Vec<(String, Vec<u8>)>, allow_unconfirmed: bool) {
        for (key, value) in entries {
            self.write(key, Some(value));
        }
        self.bump(!allow_unconfirmed);
    }

    pub fn delete(&mut self, keys: Vec<String>, allow_unconfirmed: bool) -> StoragePlan {
        let asked = unknown_keys(self, &keys);
        if asked.is_empty() {
            let n = self.delete_known(&keys, !allow_unconfirmed);
            return StoragePlan::Now(OpOutcome::Count(n));
        }
        StoragePlan::Read {
            op: StorageOp::Read {
                keys: asked.clone(),
            },
            pending: PendingRead::Delete { keys, asked },
            gate: true,
        }
    }

    pub fn list(&self, options: ListOptions, allow_concurrency: bool) -> StoragePlan {
        if self.complete {
            return StoragePlan::Now(OpOutcome::Entries(self.list_cached(&options)));
        }
        let lower = [&options.start, &options.start_after, &options.prefix]
            .into_iter()
            .flatten()
            .max()
            .cloned();
        let op = StorageOp::Range {
            start: lower,
            end: options.end.clone(),
        };
        StoragePlan::Read {
            op,
            pending: PendingRead::List(options),
            gate: !allow_concurrency,
        }
    }

    /// Makes the cache hold every key (`ctx.storage.kv`'s list cursors walk it key by key).
    pub fn load_all(&self) -> StoragePlan {
        if self.complete {
            return StoragePlan::Now(OpOutcome::Undefined);
        }
        StoragePlan::Read {
            op: StorageOp::Range {
                start: None,
                end: None,
            },
            pending: PendingRead::List(ListOptions::default()),
            gate: false,
        }
    }

    /// The first entry `options` selects after key `after` (before it, when reversed), from a
    /// cache that holds every key ([`ObjectIo::load_all`]): a cursor that sees the writes made
    /// while it is open, as a SQLite cursor does.
    pub fn next_listed(
        &self,
        options: &ListOptions,
        after: Option<&str>,
    ) -> Option<(String, Vec<u8>)> {
        use std::ops::Bound::{Excluded, Unbounded};
        let bound = after.map_or(Unbounded, Excluded);
        let selected = |(k, v): (&String, &Option<Vec<u8>>)| {
            (options.matches(k))
                .then_some(v.as_ref())
                .flatten()
                .map(|v| (k.clone(), v.clone()))
        };
        if options.reverse {
            let mut keys = self.cache.range::<str, _>((Unbounded, bound)).rev();
            keys.find_map(selected)
        } else {
            let mut keys = self.cache.range::<str, _>((bound, Unbounded));
            keys.find_map(selected)
        }
    }

    pub fn delete_all(&mut self) {
        self.cache.clear();
        self.complete = true;
        self.dirty = Commit {
            delete_all: true,
            ..Default::default()
        };
        if self.spec.delete_all_deletes_alarm {
            self.alarm = Some(None);
            self.dirty.alarm = Some(None);
        }
        self.bump(true);
    }

    pub fn get_alarm(&self) -> StoragePlan {
        match self.alarm {
            Some(alarm) => StoragePlan::Now(OpOutcome::Alarm(alarm)),
            None => StoragePlan::Read {
                op: StorageOp::ReadAlarm,
                pending: PendingRead::Alarm,
                gate: true,
            },
        }
    }

    pub fn set_alarm(&mut self, at_ms: Option<u64>) {
        self.alarm = Some(at_ms);
        self.dirty.alarm = Some(at_ms);
        self.bump(true);
    }

    /// A SQL statement changed the database: what leaves the object afterwards waits for its
    /// confirmation.
    pub fn sql_wrote(&mut self) {
        self.dirty.sql_written = true;
        self.bump(true);
    }

    /// `storage.sync()`: resolves once every write made so far is confirmed.
    pub fn sync(&self) -> StoragePlan {
        if self.write_seq <= self.confirmed_seq {
            return StoragePlan::Now(OpOutcome::Undefined);
        }
        StoragePlan::AfterWrite(self.write_seq)
    }

    /// Remembers the read `id` owes `pending`.
    pub(in crate::engine) fn read_started(&mut self, id: OpId, pending: PendingRead, gate: bool) {
        self.reads.insert(id, pending);
        if gate {
            self.gate_reads.insert(id);
        }
    }

    /// Read `id` came back (it no longer holds the input gate): what it owes JavaScript.
    pub(in crate::engine) fn read_returned(&mut self, id: OpId) -> Option<PendingRead> {
        self.gate_reads.remove(&id);
        self.reads.remove(&id)
    }

    /// Fills the cache from what the store replied and turns it into JavaScript's answer.
    pub(in crate::engine) fn answer_read(
        &mut self,
        pending: PendingRead,
        reply: StorageReply,
    ) -> OpOutcome {
        match (pending, reply) {
            (PendingRead::Get { asked, known }, StorageReply::Values(values)) => {
                let read: Vec<(String, Vec<u8>)> = asked
                    .iter()
                    .zip(&values)
                    .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                    .collect();
                fill(self, asked, values);
                let answer: BTreeMap<String, Vec<u8>> = known.into_iter().chain(read).collect();
                OpOutcome::Entries(answer.into_iter().collect())
            }
            (PendingRead::Delete { keys, asked }, StorageReply::Values(values)) => {
                fill(self, asked, values);
                OpOutcome::Count(self.delete_known(&keys, true))
            }
            (PendingRead::List(options), StorageReply::Entries(entries)) => {
                for (k, v) in entries {
                    self.cache.entry(k).or_insert(Some(v));
                }
                if options.is_unbounded() {
                    self.complete = true;
                }
                OpOutcome::Entries(self.list_cached(&options))
            }
            (PendingRead::Alarm, StorageReply::Alarm(at)) => {
                OpOutcome::Alarm(*self.alarm.get_or_insert(at))
            }
            _ => OpOutcome::Undefined,
        }
    }
}

/// Records what the store said about the keys it was asked for, unless a write made since
/// already decided them.
fn fill(object: &mut ObjectIo, asked: Vec<String>, values: Vec<Option<Vec<u8>>>) {
    for (key, value) in asked.into_iter().zip(values) {
        object.cache.entry(key).or_insert(value);
    }
}

/// The keys among `keys` the cache cannot answer, once each.
fn unknown_keys(object: &ObjectIo, keys: &[String]) -> Vec<String> {
    if object.complete {
        return Vec::new();
    }
    keys.iter()
        .filter(|k| !object.cache.contains_key(*k))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .cloned()
        .collect()
}
