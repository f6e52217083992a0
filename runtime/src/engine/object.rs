//! A Durable Object's side of the event loop: its storage cache and its two gates.
//!
//! The rules are workerd's (io-gate.h, actor-cache.c++; semantics.md §5.1):
//! - **Input gate.** While a storage read is in flight, or a `blockConcurrencyWhile()` callback
//!   runs, no other event reaches JavaScript: not new calls, not timers, not fetch responses. Only
//!   storage completions (and, under `blockConcurrencyWhile`, what the callback itself started)
//!   get through. Awaiting a `fetch()` or a timer does not close it.
//! - **Output gate.** Writes go to the cache at once and are committed at the end of the turn
//!   (so writes with no I/O between them commit together, atomically). Anything that leaves the
//!   object after a write — a response, an RPC result, a subrequest — waits until that write is
//!   confirmed; if the commit fails, those outputs are dropped and the object is reset.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::event_loop::{IoState, OpId, OpKind, OpOutcome, PendingOp, TimerId, TimerKind};
use crate::invocation::{InvocationId, InvocationKind, IsolateEvent};
use crate::storage::durable::{Commit, ObjectAddress, StorageOp, StorageReply};
use crate::storage::sql::{SqlAnswer, SqlCall, SqlError};

/// `blockConcurrencyWhile()` callbacks are cancelled, and the object reset, after this long.
pub const BLOCK_CONCURRENCY_TIMEOUT_MS: u64 = 30_000;
/// io-context.h: `MAX_BLOCK_CONCURRENCY_WHILE_DEPTH`.
pub const BLOCK_CONCURRENCY_DEPTH_MAX: usize = 64;
/// workerd's text when a `blockConcurrencyWhile()` callback runs past its timeout.
pub const BLOCK_CONCURRENCY_TIMED_OUT: &str = "A call to blockConcurrencyWhile() in a Durable \
     Object waited for too long. The call was canceled and the Durable Object was reset.";

/// What the runtime needs to know about the object an isolate hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSpec {
    pub address: ObjectAddress,
    /// The name the id was made from (`idFromName`), if any.
    pub name: Option<String>,
    pub class_name: String,
    /// SQLite-backed (`new_sqlite_classes`) rather than KV-backed (`new_classes`).
    pub sqlite: bool,
    /// Compatibility flag `delete_all_deletes_alarm` (on from 2026-02-24).
    pub delete_all_deletes_alarm: bool,
}

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

/// Which events the input gate lets through right now.
pub struct InputGate {
    closed: bool,
    /// Under `blockConcurrencyWhile`: ops and timers from these ids on were started inside it.
    exempt_from: Option<(OpId, TimerId)>,
}

impl InputGate {
    pub fn lets_op_through(&self, id: OpId, kind: OpKind) -> bool {
        !self.closed
            || matches!(kind, OpKind::StorageRead | OpKind::Commit)
            || self.exempt_from.is_some_and(|(op, _)| id >= op)
    }

    pub fn lets_timer_through(&self, id: TimerId, kind: TimerKind) -> bool {
        !self.closed
            || matches!(kind, TimerKind::BlockConcurrencyTimeout { .. })
            || self.exempt_from.is_some_and(|(_, timer)| id >= timer)
    }
}

pub struct ObjectIo {
    pub spec: ObjectSpec,
    /// Known values (`None`: known to be absent).
    cache: BTreeMap<String, Option<Vec<u8>>>,
    /// Every key of the object is in `cache`.
    complete: bool,
    /// The alarm as last read or written (`None`: not known yet).
    alarm: Option<Option<u64>>,
    /// Writes not yet handed to the store, in order.
    dirty: Commit,
    /// Counts writes; an output made after write n waits until n is confirmed.
    write_seq: u64,
    /// The last write that gates output (writes with `allowUnconfirmed` do not).
    output_seq: u64,
    confirmed_seq: u64,
    /// The commit in flight and the last write it carries.
    flushing: Option<(OpId, u64)>,
    reads: BTreeMap<OpId, PendingRead>,
    /// Reads in flight that hold the input gate (those without `allowConcurrency`).
    gate_reads: BTreeSet<OpId>,
    /// Outputs held by the output gate: (write they wait for, event).
    held: VecDeque<(u64, IsolateEvent)>,
    /// Operations that may not start before a write is confirmed.
    deferred: Vec<(u64, OpId, PendingOp)>,
    /// `blockConcurrencyWhile()` callbacks running: where each began.
    blocking: Vec<(OpId, TimerId)>,
    /// Calls that arrived and wait for the input gate, in order.
    pub incoming: VecDeque<(InvocationId, InvocationKind)>,
    /// Set once the object was reset: the isolate must not run again.
    pub broken: Option<String>,
}

impl ObjectIo {
    pub fn new(spec: ObjectSpec) -> Self {
        ObjectIo {
            spec,
            cache: BTreeMap::new(),
            complete: false,
            alarm: None,
            dirty: Commit::default(),
            write_seq: 0,
            output_seq: 0,
            confirmed_seq: 0,
            flushing: None,
            reads: BTreeMap::new(),
            gate_reads: BTreeSet::new(),
            held: VecDeque::new(),
            deferred: Vec::new(),
            blocking: Vec::new(),
            incoming: VecDeque::new(),
            broken: None,
        }
    }

    pub fn input_gate(&self) -> InputGate {
        InputGate {
            closed: !self.gate_reads.is_empty() || !self.blocking.is_empty(),
            exempt_from: self.blocking.first().copied(),
        }
    }

    pub fn input_gate_open(&self) -> bool {
        self.gate_reads.is_empty() && self.blocking.is_empty() && self.broken.is_none()
    }

    pub fn output_gate_closed(&self) -> bool {
        self.output_seq > self.confirmed_seq || !self.held.is_empty()
    }

    pub(super) fn defer(&mut self, id: OpId, op: PendingOp) {
        self.deferred.push((self.output_seq, id, op));
    }

    pub fn has_deferred_for(&self, invocation: InvocationId) -> bool {
        self.deferred
            .iter()
            .any(|(_, _, op)| op.invocation == Some(invocation))
    }

    pub fn cancel_deferred(&mut self, invocation: InvocationId) {
        self.deferred
            .retain(|(_, _, op)| op.invocation != Some(invocation));
    }

    /// The alarm set for `scheduled_ms` starts running, and the store no longer holds it; a
    /// cached copy of it is forgotten (a newer alarm set meanwhile is kept).
    pub fn alarm_started(&mut self, scheduled_ms: u64) {
        if self.alarm == Some(Some(scheduled_ms)) && self.dirty.alarm.is_none() {
            self.alarm = None;
        }
    }

    /// Reads whose invocation ended no longer hold the input gate.
    pub fn forget_reads(&mut self, ops: &[OpId]) {
        for id in ops {
            self.reads.remove(id);
            self.gate_reads.remove(id);
        }
    }

    pub fn is_idle(&self) -> bool {
        self.incoming.is_empty()
            && self.deferred.is_empty()
            && self.held.is_empty()
            && self.flushing.is_none()
            && self.dirty.is_empty()
    }

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
    fn object_mut(&mut self) -> Option<&mut ObjectIo> {
        self.object.as_deref_mut()
    }

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
                self.break_object(e.to_string());
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

    /// Hands the writes buffered this turn to the store, unless a commit is already in flight
    /// (the next one starts when it is confirmed).
    pub fn start_flush(&mut self) {
        let Some(object) = self.object.as_deref_mut() else {
            return;
        };
        if object.flushing.is_some() || object.dirty.is_empty() || object.broken.is_some() {
            return;
        }
        let commit = std::mem::take(&mut object.dirty);
        let seq = object.write_seq;
        let address = object.spec.address.clone();
        let host = self.host.clone();
        let id = self.add_op_for(
            None,
            OpKind::Commit,
            Box::pin(async move {
                OpOutcome::Storage(
                    host.object_storage(&address, StorageOp::Commit(commit))
                        .await,
                )
            }),
        );
        if let Some(object) = self.object_mut() {
            object.flushing = Some((id, seq));
        }
    }

    /// A commit came back: release what waited for it, or reset the object if it failed.
    pub fn commit_done(&mut self, outcome: OpOutcome) {
        let Some(object) = self.object_mut() else {
            return;
        };
        let Some((_, seq)) = object.flushing.take() else {
            return;
        };
        if let OpOutcome::Storage(Err(e)) = outcome {
            return self.break_object(e.to_string());
        }
        object.confirmed_seq = seq;
        let mut released = Vec::new();
        while object.held.front().is_some_and(|(wait, _)| *wait <= seq) {
            released.extend(object.held.pop_front().map(|(_, event)| event));
        }
        let confirmed = seq;
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut object.deferred)
            .into_iter()
            .partition(|(wait, _, _)| *wait <= confirmed);
        object.deferred = waiting;
        self.events.extend(released);
        for (_, id, op) in ready {
            self.release_op(id, op);
        }
        self.start_flush();
    }

    /// Sends an event to the owner, unless the output gate holds it.
    pub fn emit(&mut self, event: IsolateEvent) {
        match self.object.as_deref_mut() {
            Some(object) if object.output_gate_closed() => {
                object.held.push_back((object.output_seq, event));
            }
            _ => self.events.push_back(event),
        }
    }

    /// Resets the object: held outputs are dropped, nothing more runs, and the owner is told
    /// why so every caller still waiting gets the error.
    pub fn break_object(&mut self, reason: String) {
        let Some(object) = self.object_mut() else {
            return;
        };
        if object.broken.is_some() {
            return;
        }
        object.broken = Some(reason.clone());
        object.held.clear();
        object.deferred.clear();
        object.incoming.clear();
        self.events.push_back(IsolateEvent::ObjectReset { reason });
    }

    /// `blockConcurrencyWhile()` starts a callback: from now on only what it starts gets in.
    pub fn block_concurrency_enter(&mut self) -> Result<(), String> {
        let ids = self.next_ids();
        let depth = match self.object_mut() {
            Some(object) => {
                if object.blocking.len() >= BLOCK_CONCURRENCY_DEPTH_MAX {
                    return Err(format!(
                        "blockConcurrencyWhile() calls may nest at most \
                         {BLOCK_CONCURRENCY_DEPTH_MAX} deep"
                    ));
                }
                object.blocking.push(ids);
                object.blocking.len()
            }
            None => return Ok(()),
        };
        self.add_timer(
            BLOCK_CONCURRENCY_TIMEOUT_MS,
            TimerKind::BlockConcurrencyTimeout { depth },
            None,
        );
        Ok(())
    }

    pub fn block_concurrency_exit(&mut self) {
        if let Some(object) = self.object_mut() {
            object.blocking.pop();
        }
    }

    pub fn block_concurrency_timed_out(&mut self, depth: usize) {
        if self
            .object
            .as_ref()
            .is_some_and(|o| o.blocking.len() >= depth)
        {
            self.break_object(BLOCK_CONCURRENCY_TIMED_OUT.to_string());
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
