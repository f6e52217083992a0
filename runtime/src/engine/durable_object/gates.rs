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

use super::storage::PendingRead;
use crate::engine::event_loop::{OpId, OpKind, PendingOp, TimerId, TimerKind};
use crate::invocation::{InvocationId, InvocationKind, IsolateEvent, ResetReason};
use crate::storage::durable::{Commit, ObjectAddress};

/// `blockConcurrencyWhile()` callbacks are cancelled, and the object reset, after this long.
pub const BLOCK_CONCURRENCY_TIMEOUT_MS: u64 = 30_000;
/// io-context.h: `MAX_BLOCK_CONCURRENCY_WHILE_DEPTH`.
pub const BLOCK_CONCURRENCY_DEPTH_MAX: usize = 64;
/// A `blockConcurrencyWhile()` call would nest past the limit (workerd's text, from
/// actor-block-concurrency-depth-test.js).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("blockConcurrencyWhile() calls are nested too deeply.")]
pub struct NestedTooDeeply;

/// worker.c++: a storage operation that hangs this long resets the object.
pub const STORAGE_TIMEOUT_MS: u64 = 30_000;

/// Names one of the Durable Objects an isolate hosts, for as long as it hosts it.
pub type ObjectSlot = u32;

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

/// Which events the input gate lets through right now.
pub struct InputGate {
    closed: bool,
    /// Under `blockConcurrencyWhile`: ops and timers from these ids on were started inside it.
    exempt_from: Option<(OpId, TimerId)>,
}

impl InputGate {
    pub fn lets_op_through(&self, id: OpId, kind: OpKind) -> bool {
        !self.closed
            || matches!(kind, OpKind::StorageRead | OpKind::Commit | OpKind::Send)
            || self.exempt_from.is_some_and(|(op, _)| id >= op)
    }

    pub fn lets_timer_through(&self, id: TimerId, kind: TimerKind) -> bool {
        !self.closed
            || matches!(
                kind,
                TimerKind::BlockConcurrencyTimeout { .. }
                    | TimerKind::StorageTimeout { .. }
                    | TimerKind::SocketEventTimeout
            )
            || self.exempt_from.is_some_and(|(_, timer)| id >= timer)
    }
}

pub struct ObjectIo {
    pub spec: ObjectSpec,
    /// Known values (`None`: known to be absent).
    pub(in crate::engine) cache: BTreeMap<String, Option<Vec<u8>>>,
    /// Every key of the object is in `cache`.
    pub(in crate::engine) complete: bool,
    /// The SQLite database has its `_cf_KV` table (made by the first KV write, as workerd's
    /// `SqliteKv` makes it: SQL sees it at once).
    pub(in crate::engine) kv_table_made: bool,
    /// The alarm as last read or written (`None`: not known yet).
    pub(in crate::engine) alarm: Option<Option<u64>>,
    /// Writes not yet handed to the store, in order.
    pub(in crate::engine) dirty: Commit,
    /// Counts writes; an output made after write n waits until n is confirmed.
    pub(in crate::engine) write_seq: u64,
    /// The last write that gates output (writes with `allowUnconfirmed` do not).
    pub(in crate::engine) output_seq: u64,
    pub(in crate::engine) confirmed_seq: u64,
    /// The commit in flight and the last write it carries.
    pub(in crate::engine) flushing: Option<(OpId, u64)>,
    /// The timer that resets the object if the commit in flight hangs.
    pub(in crate::engine) flush_timer: Option<TimerId>,
    pub(in crate::engine) reads: BTreeMap<OpId, PendingRead>,
    /// Reads in flight that hold the input gate (those without `allowConcurrency`).
    pub(in crate::engine) gate_reads: BTreeSet<OpId>,
    /// Outputs held by the output gate: (write they wait for, event).
    pub(in crate::engine) held: VecDeque<(u64, IsolateEvent)>,
    /// Operations that may not start before a write is confirmed.
    pub(in crate::engine) deferred: Vec<(u64, OpId, PendingOp)>,
    /// `blockConcurrencyWhile()` callbacks running: where each began.
    pub(in crate::engine) blocking: Vec<(OpId, TimerId)>,
    /// Calls that arrived and wait for the input gate, in order.
    pub incoming: VecDeque<(InvocationId, InvocationKind)>,
    /// Set once the object was reset: the isolate must not run again.
    pub broken: Option<ResetReason>,
}

impl ObjectIo {
    pub fn new(spec: ObjectSpec) -> Self {
        ObjectIo {
            spec,
            cache: BTreeMap::new(),
            complete: false,
            kv_table_made: false,
            alarm: None,
            dirty: Commit::default(),
            write_seq: 0,
            output_seq: 0,
            confirmed_seq: 0,
            flushing: None,
            flush_timer: None,
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

    /// Whether a queued call may be delivered now.
    pub fn input_gate_open(&self) -> bool {
        !self.input_gate().closed && self.broken.is_none()
    }

    pub fn output_gate_closed(&self) -> bool {
        self.output_seq > self.confirmed_seq || !self.held.is_empty()
    }

    /// Holds `op` back until the writes that gate output so far are confirmed.
    pub(in crate::engine) fn defer(&mut self, id: OpId, op: PendingOp) {
        self.defer_until(self.output_seq, id, op);
    }

    /// Holds `op` back until write `seq` is confirmed.
    pub(in crate::engine) fn defer_until(&mut self, seq: u64, id: OpId, op: PendingOp) {
        self.deferred.push((seq, id, op));
    }

    /// The invocations with an operation waiting for the output gate, each once or more.
    pub fn deferred_owners(&self) -> impl Iterator<Item = InvocationId> + '_ {
        self.deferred.iter().filter_map(|(_, _, op)| op.invocation)
    }

    /// Operations `invocation` left waiting for the output gate now belong to no invocation.
    pub fn orphan_deferred(&mut self, invocation: InvocationId) {
        for (_, _, op) in self.deferred.iter_mut() {
            if op.invocation == Some(invocation) {
                op.invocation = None;
            }
        }
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
}

impl ObjectIo {
    /// The writes to hand to the store now and the last write they carry: none while a commit
    /// is in flight (the next starts when it is confirmed), with nothing written, or once reset.
    pub fn take_commit(&mut self) -> Option<(Commit, u64)> {
        if self.flushing.is_some() || self.dirty.is_empty() || self.broken.is_some() {
            return None;
        }
        Some((std::mem::take(&mut self.dirty), self.write_seq))
    }

    /// The commit carrying writes up to `seq` is in flight as `op`, reset by `timeout` if it
    /// hangs.
    pub fn commit_started(&mut self, op: OpId, seq: u64, timeout: TimerId) {
        self.flushing = Some((op, seq));
        self.flush_timer = Some(timeout);
    }

    pub fn is_committing(&self, seq: u64) -> bool {
        self.flushing.is_some_and(|(_, s)| s == seq)
    }

    /// The commit in flight came back: the last write it carried, and its timeout to clear.
    pub fn commit_returned(&mut self) -> Option<(u64, Option<TimerId>)> {
        let (_, seq) = self.flushing.take()?;
        Some((seq, self.flush_timer.take()))
    }

    /// Writes up to `seq` are confirmed: the outputs and the operations that waited for them.
    pub fn confirm(&mut self, seq: u64) -> (Vec<IsolateEvent>, Vec<(OpId, PendingOp)>) {
        self.confirmed_seq = seq;
        let mut released = Vec::new();
        while self.held.front().is_some_and(|(wait, _)| *wait <= seq) {
            released.extend(self.held.pop_front().map(|(_, event)| event));
        }
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.deferred)
            .into_iter()
            .partition(|(wait, _, _)| *wait <= seq);
        self.deferred = waiting;
        let ready = ready.into_iter().map(|(_, id, op)| (id, op)).collect();
        (released, ready)
    }

    /// Holds `event` until the writes made so far are confirmed; gives it back when the output
    /// gate is open.
    pub fn hold(&mut self, event: IsolateEvent) -> Option<IsolateEvent> {
        if !self.output_gate_closed() {
            return Some(event);
        }
        self.held.push_back((self.output_seq, event));
        None
    }

    /// Resets the object: held outputs are dropped and nothing more runs. False when it was
    /// already reset.
    pub fn reset(&mut self, reason: &ResetReason) -> bool {
        if self.broken.is_some() {
            return false;
        }
        self.broken = Some(reason.clone());
        self.held.clear();
        self.deferred.clear();
        self.incoming.clear();
        true
    }

    /// A `blockConcurrencyWhile()` callback starts where the loop's ids are `next_ids`: from now
    /// on only what it starts gets in. Returns its nesting depth.
    pub fn enter_block(&mut self, next_ids: (OpId, TimerId)) -> Result<usize, NestedTooDeeply> {
        if self.blocking.len() >= BLOCK_CONCURRENCY_DEPTH_MAX {
            return Err(NestedTooDeeply);
        }
        self.blocking.push(next_ids);
        Ok(self.blocking.len())
    }

    pub fn exit_block(&mut self) {
        self.blocking.pop();
    }

    /// Whether the `blockConcurrencyWhile()` callback at `depth` is still running.
    pub fn is_blocking_at(&self, depth: usize) -> bool {
        self.blocking.len() >= depth
    }
}
