//! A Durable Object's storage calls from JavaScript: answered from the object's cache when it
//! knows, or by a read of the durable store that closes the input gate (unless
//! `allowConcurrency`); writes go to the cache at once and wait for the next commit
//! (gates.rs).

use std::collections::{BTreeMap, BTreeSet};

use super::gates::ObjectIo;
use crate::engine::event_loop::{IoState, OpId, OpKind, OpOutcome, PendingOp};
use crate::invocation::ResetReason;
use crate::storage::durable::{Commit, StorageOp, StorageReply};
use crate::storage::sql::{SqlAnswer, SqlCall, SqlError};

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

/// What a storage call answers: at once from the cache, or later through an operation.
pub enum StorageAnswer {
    Now(OpOutcome),
    Later(OpId),
}

impl IoState {
    /// Starts a read of the durable store on behalf of the running invocation.
    fn start_read(&mut self, op: StorageOp, pending: PendingRead, gate: bool) -> StorageAnswer {
        let Some(address) = self.object.as_ref().map(|o| o.spec.address.clone()) else {
            return StorageAnswer::Now(OpOutcome::Undefined);
        };
        let host = self.host.clone();
        let id = self.add_op(
            OpKind::StorageRead,
            Box::pin(async move { OpOutcome::Storage(host.object_storage(&address, op).await) }),
        );
        if let Some(object) = self.object_mut() {
            object.reads.insert(id, pending);
            if gate {
                object.gate_reads.insert(id);
            }
        }
        StorageAnswer::Later(id)
    }

    pub fn storage_get(&mut self, keys: Vec<String>, allow_concurrency: bool) -> StorageAnswer {
        let Some(object) = self.object.as_ref() else {
            return StorageAnswer::Now(OpOutcome::Entries(Vec::new()));
        };
        if let Some(entries) = object.cached_entries(&keys) {
            return StorageAnswer::Now(OpOutcome::Entries(entries));
        }
        let asked = unknown_keys(object, &keys);
        let known = keys
            .iter()
            .filter_map(|k| match object.cache.get(k) {
                Some(Some(v)) => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect();
        self.start_read(
            StorageOp::Read {
                keys: asked.clone(),
            },
            PendingRead::Get { asked, known },
            !allow_concurrency,
        )
    }

    pub fn storage_put(&mut self, entries: Vec<(String, Vec<u8>)>, allow_unconfirmed: bool) {
        if let Some(object) = self.object_mut() {
            for (key, value) in entries {
                object.write(key, Some(value));
            }
            object.bump(!allow_unconfirmed);
        }
    }

    pub fn storage_delete(&mut self, keys: Vec<String>, allow_unconfirmed: bool) -> StorageAnswer {
        let Some(object) = self.object_mut() else {
            return StorageAnswer::Now(OpOutcome::Count(0));
        };
        let asked = unknown_keys(object, &keys);
        if asked.is_empty() {
            let n = object.delete_known(&keys, !allow_unconfirmed);
            return StorageAnswer::Now(OpOutcome::Count(n));
        }
        self.start_read(
            StorageOp::Read {
                keys: asked.clone(),
            },
            PendingRead::Delete { keys, asked },
            true,
        )
    }

    pub fn storage_list(&mut self, options: ListOptions, allow_concurrency: bool) -> StorageAnswer {
        let Some(object) = self.object.as_ref() else {
            return StorageAnswer::Now(OpOutcome::Entries(Vec::new()));
        };
        if object.complete {
            return StorageAnswer::Now(OpOutcome::Entries(object.list_cached(&options)));
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
        self.start_read(op, PendingRead::List(options), !allow_concurrency)
    }

    pub fn storage_delete_all(&mut self) {
        if let Some(object) = self.object_mut() {
            object.cache.clear();
            object.complete = true;
            object.dirty = Commit {
                delete_all: true,
                ..Default::default()
            };
            if object.spec.delete_all_deletes_alarm {
                object.alarm = Some(None);
                object.dirty.alarm = Some(None);
            }
            object.bump(true);
        }
    }

    pub fn storage_get_alarm(&mut self) -> StorageAnswer {
        match self.object.as_ref().map(|o| o.alarm) {
            Some(Some(alarm)) => StorageAnswer::Now(OpOutcome::Alarm(alarm)),
            Some(None) => self.start_read(StorageOp::ReadAlarm, PendingRead::Alarm, true),
            None => StorageAnswer::Now(OpOutcome::Alarm(None)),
        }
    }

    pub fn storage_set_alarm(&mut self, at_ms: Option<u64>) {
        if let Some(object) = self.object_mut() {
            object.alarm = Some(at_ms);
            object.dirty.alarm = Some(at_ms);
            object.bump(true);
        }
    }

    /// `ctx.storage.sql`: runs at once on the object's database; a statement that changed it
    /// counts as a write, so what leaves the object afterwards waits for its confirmation.
    pub fn object_sql(&mut self, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        let Some(address) = self.object.as_ref().map(|o| o.spec.address.clone()) else {
            return Err(SqlError("no Durable Object is hosted here".to_string()));
        };
        let answer = self.host.object_sql(&address, call)?;
        if let SqlAnswer::Cursor(cursor) = &answer
            && cursor.wrote
            && let Some(object) = self.object_mut()
        {
            object.dirty.sql_written = true;
            object.bump(true);
        }
        Ok(answer)
    }

    /// `storage.sync()`: resolves once every write made so far is confirmed.
    pub fn storage_sync(&mut self) -> StorageAnswer {
        let Some(object) = self.object.as_deref() else {
            return StorageAnswer::Now(OpOutcome::Undefined);
        };
        if object.write_seq <= object.confirmed_seq {
            return StorageAnswer::Now(OpOutcome::Undefined);
        }
        let seq = object.write_seq;
        let id = self.alloc_op_id();
        let op = PendingOp {
            invocation: self.current,
            kind: OpKind::Js,
            future: Box::pin(async { OpOutcome::Undefined }),
        };
        if let Some(object) = self.object_mut() {
            object.deferred.push((seq, id, op));
        }
        StorageAnswer::Later(id)
    }

    /// A storage read came back: fill the cache and turn the reply into JavaScript's answer.
    /// `None` when the read failed and the object was reset.
    pub fn storage_read_done(&mut self, id: OpId, outcome: OpOutcome) -> Option<OpOutcome> {
        let object = self.object.as_deref_mut()?;
        object.gate_reads.remove(&id);
        let pending = object.reads.remove(&id)?;
        let reply = match outcome {
            OpOutcome::Storage(Ok(reply)) => reply,
            OpOutcome::Storage(Err(e)) => {
                self.break_object(ResetReason::Storage(e));
                return None;
            }
            other => return Some(other),
        };
        let answer = match (pending, reply) {
            (PendingRead::Get { asked, known }, StorageReply::Values(values)) => {
                let read: Vec<(String, Vec<u8>)> = asked
                    .iter()
                    .zip(&values)
                    .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                    .collect();
                fill(object, asked, values);
                let answer: BTreeMap<String, Vec<u8>> = known.into_iter().chain(read).collect();
                OpOutcome::Entries(answer.into_iter().collect())
            }
            (PendingRead::Delete { keys, asked }, StorageReply::Values(values)) => {
                fill(object, asked, values);
                OpOutcome::Count(object.delete_known(&keys, true))
            }
            (PendingRead::List(options), StorageReply::Entries(entries)) => {
                for (k, v) in entries {
                    object.cache.entry(k).or_insert(Some(v));
                }
                if options.is_unbounded() {
                    object.complete = true;
                }
                OpOutcome::Entries(object.list_cached(&options))
            }
            (PendingRead::Alarm, StorageReply::Alarm(at)) => {
                let alarm = *object.alarm.get_or_insert(at);
                OpOutcome::Alarm(alarm)
            }
            _ => OpOutcome::Undefined,
        };
        Some(answer)
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
