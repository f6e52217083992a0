//! Linearizability of Durable Object calls, as their callers saw them (the trace's
//! `object_call` / `object_return` pairs), checked per object against a sequential model with
//! the Wing–Gong search and Lowe's memoisation of (operations done, state). Counter histories
//! of unit increments — the common case, and the long one — are decided in O(n log n) by
//! `counter_history` instead, at any length, and register histories whose writes all differ by
//! `register_history`; the search still explains a small violation.
//!
//! Models: `counter` (`increment`/`inc`/`add(by = 1)` return the new value; `get`/`read`/
//! `value` return it) and `register` (`set`/`put(v)`; `get`/`read` return v). Other methods do
//! not take part. A call that failed may or may not have taken effect: it is linearized as
//! either, anywhere after it started. Calls whose interval shares a millisecond are concurrent
//! (the clock cannot order them).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::counter_history::{self, CounterOp};
use super::register_history;
use crate::trace::{Trace, TraceEvent};

/// More operations than this on one object are not searched (the search is exponential in
/// the worst case); the verdict says so. Counter histories of unit increments and register
/// histories of distinct writes have no limit.
pub const OPERATIONS_MAX: usize = 4_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Counter,
    Register,
}

impl Model {
    pub fn parse(name: &str) -> Option<Model> {
        match name {
            "counter" => Some(Model::Counter),
            "register" => Some(Model::Register),
            _ => None,
        }
    }
}

/// What an operation does in the model.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Add(i64),
    Set(String),
    Read,
}

/// One call, as its caller saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub call: u64,
    pub object: String,
    pub method: String,
    pub call_ms: u64,
    /// None when the caller never heard back (the run ended first).
    pub return_ms: Option<u64>,
    pub ok: bool,
    /// The returned value, structured-clone encoded.
    pub value: Option<String>,
    action: Action,
}

impl Operation {
    pub fn describe(&self) -> String {
        let end = self
            .return_ms
            .map_or("no answer".to_string(), |t| format!("{t}ms"));
        let outcome = match (&self.value, self.ok) {
            (Some(v), true) => format!("-> {}", short(v)),
            (Some(e), false) => format!("failed ({})", short(e)),
            (None, _) => "-> ?".to_string(),
        };
        format!(
            "call #{} {}() {outcome} [{}ms..{end}]",
            self.call, self.method, self.call_ms
        )
    }

    /// Definitely took effect: answered without error.
    fn acknowledged(&self) -> bool {
        self.ok && self.return_ms.is_some()
    }
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// The first argument of an encoded argument list (`{"a":[x, ...]}`), decoded when plain.
fn first_argument(args: &str) -> Option<Value> {
    let v: Value = serde_json::from_str(args).ok()?;
    v.get("a")?.as_array()?.first().cloned()
}

fn number(v: &Value) -> Option<i64> {
    let f = v.as_f64()?;
    (f.fract() == 0.0).then_some(f as i64)
}

fn action(model: Model, method: &str, args: &str) -> Option<Action> {
    match (model, method) {
        (Model::Counter, "increment" | "inc" | "incr" | "add") => {
            let by = first_argument(args).as_ref().and_then(number).unwrap_or(1);
            Some(Action::Add(by))
        }
        (Model::Register, "set" | "put" | "write") => Some(Action::Set(
            first_argument(args).map_or("null".into(), |v| v.to_string()),
        )),
        (_, "get" | "read" | "value" | "count") => Some(Action::Read),
        _ => None,
    }
}

/// The operations on objects of `namespace` that `model` interprets, by object.
pub fn operations(
    trace: &Trace,
    namespace: &str,
    model: Model,
) -> BTreeMap<String, Vec<Operation>> {
    let mut calls: BTreeMap<u64, Operation> = BTreeMap::new();
    for event in &trace.events {
        match event {
            TraceEvent::ObjectCall {
                at_ms,
                call,
                namespace: ns,
                object,
                method,
                args,
                ..
            } if ns == namespace => {
                if let Some(action) = action(model, method, args) {
                    calls.insert(
                        *call,
                        Operation {
                            call: *call,
                            object: object.clone(),
                            method: method.clone(),
                            call_ms: *at_ms,
                            return_ms: None,
                            ok: false,
                            value: None,
                            action,
                        },
                    );
                }
            }
            TraceEvent::ObjectReturn {
                at_ms,
                call,
                ok,
                value,
            } => {
                if let Some(op) = calls.get_mut(call) {
                    op.return_ms = Some(*at_ms);
                    op.ok = *ok;
                    op.value = Some(value.clone());
                }
            }
            _ => {}
        }
    }
    let mut by_object: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
    for op in calls.into_values() {
        by_object.entry(op.object.clone()).or_default().push(op);
    }
    by_object
}

/// The model's state: a counter's value or a register's encoded value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum State {
    Count(i64),
    Value(String),
}

/// The states `op` can lead to from `state` (none: it cannot happen there).
fn step(state: &State, op: &Operation) -> Vec<State> {
    let result = op.value.as_deref().filter(|_| op.acknowledged());
    let applied = match (&op.action, state) {
        (Action::Add(by), State::Count(n)) => {
            let next = n + by;
            let returned = op.acknowledged().then(|| returned_count(op, false));
            returned
                .flatten()
                .is_none_or(|v| v == next)
                .then_some(State::Count(next))
        }
        (Action::Set(v), State::Value(_)) => Some(State::Value(v.clone())),
        (Action::Read, State::Count(n)) => {
            let seen = op.acknowledged().then(|| returned_count(op, true));
            seen.flatten()
                .is_none_or(|v| v == *n)
                .then(|| state.clone())
        }
        (Action::Read, State::Value(v)) => {
            let seen = result.and_then(|r| serde_json::from_str::<Value>(r).ok());
            let stored = serde_json::from_str::<Value>(v).unwrap_or(Value::Null);
            seen.is_none_or(|s| s == stored || (s.get("u").is_some() && stored.is_null()))
                .then(|| state.clone())
        }
        _ => None,
    };
    let mut out: Vec<State> = applied.into_iter().collect();
    if !op.acknowledged() && !out.contains(state) {
        // It failed or never answered: it may not have happened at all.
        out.push(state.clone());
    }
    out
}

/// The outcome of checking one object's history.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectVerdict {
    Linearizable,
    /// The longest prefix that could be ordered, and the operations none of which could come
    /// next.
    Violation {
        ordered: usize,
        stuck: Vec<String>,
    },
    TooLong(usize),
}

/// What a returned value says of the counter: a number (a read of nothing is 0), or nothing.
fn returned_count(op: &Operation, null_is_zero: bool) -> Option<i64> {
    let v: Value = serde_json::from_str(op.value.as_deref()?).ok()?;
    number(&v).or_else(|| (null_is_zero && v.is_null()).then_some(0))
}

/// `ops` as a history of unit increments and reads, when it is one the fast check decides.
fn counter_history(ops: &[Operation]) -> Option<Vec<(CounterOp, counter_history::Span)>> {
    ops.iter()
        .map(|op| {
            let history_op = match (&op.action, op.acknowledged()) {
                (Action::Add(1), false) => CounterOp::Unacknowledged,
                (Action::Add(1), true) => CounterOp::Acknowledged {
                    // A returned value that is not a number constrains nothing: search instead.
                    value: returned_count(op, false)?,
                },
                (Action::Read, true) => match returned_count(op, true) {
                    Some(value) => CounterOp::Read { value },
                    None => CounterOp::Unconstrained,
                },
                (Action::Read, false) => CounterOp::Unconstrained,
                _ => return None,
            };
            Some((history_op, (op.call_ms, op.return_ms)))
        })
        .collect()
}

/// What a register's initial value reads as.
const REGISTER_INITIAL: &str = "null";

/// A value as the register holds it, in canonical JSON: a scalar (objects and arrays are left
/// to the search, which compares them as values); a read of `undefined` reads `null`.
fn register_value(json: &str) -> Option<String> {
    let v: Value = serde_json::from_str(json).ok()?;
    match v {
        Value::Object(o) if o.len() == 1 && o.contains_key("u") => Some(REGISTER_INITIAL.into()),
        Value::Object(_) | Value::Array(_) => None,
        scalar => Some(scalar.to_string()),
    }
}

/// `ops` as a register history whose writes all write different values (none the initial
/// one), when it is one the fast check decides.
fn register_history(
    ops: &[Operation],
) -> Option<Vec<(register_history::RegisterOp, register_history::Span)>> {
    use register_history::RegisterOp;
    let mut written = BTreeSet::new();
    ops.iter()
        .map(|op| {
            let history_op = match (&op.action, op.acknowledged()) {
                (Action::Set(v), acknowledged) => {
                    let value = register_value(v)?;
                    if value == REGISTER_INITIAL || !written.insert(value.clone()) {
                        return None;
                    }
                    match acknowledged {
                        true => RegisterOp::Write { value },
                        false => RegisterOp::MaybeWrite { value },
                    }
                }
                (Action::Read, true) => match op.value.as_deref() {
                    Some(v) => RegisterOp::Read {
                        value: register_value(v)?,
                    },
                    None => RegisterOp::Unconstrained,
                },
                (Action::Read, false) => RegisterOp::Unconstrained,
                (Action::Add(_), _) => return None,
            };
            Some((history_op, (op.call_ms, op.return_ms)))
        })
        .collect()
}

/// The fast check's verdict on `ops`, when one applies: `Err` holds the indices of the
/// operations that witness a violation.
fn fast_verdict(ops: &[Operation], model: Model) -> Option<Result<(), (usize, Vec<usize>)>> {
    match model {
        Model::Counter => {
            let history = counter_history(ops)?;
            Some(counter_history::check(&history).map_err(|s| (s.placed, s.witnesses)))
        }
        Model::Register => {
            let history = register_history(ops)?;
            Some(register_history::check(&history, REGISTER_INITIAL).map_err(|c| (0, c.witnesses)))
        }
    }
}

pub fn check_object(ops: &[Operation], model: Model) -> ObjectVerdict {
    let n = ops.len();
    match fast_verdict(ops, model) {
        Some(Ok(())) => return ObjectVerdict::Linearizable,
        Some(Err((ordered, witnesses))) if n > OPERATIONS_MAX => {
            return ObjectVerdict::Violation {
                ordered,
                stuck: witnesses.iter().map(|&i| ops[i].describe()).collect(),
            };
        }
        // Short enough to search: the search says how far an order gets.
        Some(Err(_)) | None => {}
    }
    if n > OPERATIONS_MAX {
        return ObjectVerdict::TooLong(n);
    }
    search(ops, model)
}

/// Wing and Gong's search for an order of `ops` that the model accepts.
fn search(ops: &[Operation], model: Model) -> ObjectVerdict {
    let n = ops.len();
    let initial = match model {
        Model::Counter => State::Count(0),
        Model::Register => State::Value(REGISTER_INITIAL.into()),
    };
    let words = n.div_ceil(64).max(1);
    let mut seen: BTreeSet<(Vec<u64>, State)> = BTreeSet::new();
    let mut stack = vec![(vec![0u64; words], initial, 0usize)];
    let mut best: (usize, Vec<u64>) = (0, vec![0u64; words]);
    while let Some((done, state, count)) = stack.pop() {
        if count == n {
            return ObjectVerdict::Linearizable;
        }
        if count > best.0 {
            best = (count, done.clone());
        }
        let is_done = |i: usize| done[i / 64] & (1 << (i % 64)) != 0;
        let horizon = (0..n)
            .filter(|&i| !is_done(i))
            .filter_map(|i| ops[i].return_ms)
            .min()
            .unwrap_or(u64::MAX);
        for i in (0..n).rev() {
            if is_done(i) || ops[i].call_ms > horizon {
                continue;
            }
            for next in step(&state, &ops[i]) {
                let mut d = done.clone();
                d[i / 64] |= 1 << (i % 64);
                if seen.insert((d.clone(), next.clone())) {
                    stack.push((d, next, count + 1));
                }
            }
        }
    }
    let (ordered, done) = best;
    let is_done = |i: usize| done[i / 64] & (1 << (i % 64)) != 0;
    let horizon = (0..n)
        .filter(|&i| !is_done(i))
        .filter_map(|i| ops[i].return_ms)
        .min()
        .unwrap_or(u64::MAX);
    let stuck = (0..n)
        .filter(|&i| !is_done(i) && ops[i].call_ms <= horizon)
        .take(3)
        .map(|i| ops[i].describe())
        .collect();
    ObjectVerdict::Violation { ordered, stuck }
}

/// Reads that returned less than the acknowledged increments finished before they started:
/// an acknowledged write was lost. (Counter histories with non-negative increments.)
pub fn lost_acknowledged_writes(ops: &[Operation]) -> Vec<String> {
    // Acknowledged increments by the time they returned, with the running total.
    let mut finished: Vec<(u64, i64)> = ops
        .iter()
        .filter(|o| o.acknowledged())
        .filter_map(|o| match o.action {
            Action::Add(by) if by >= 0 => Some((o.return_ms?, by)),
            _ => None,
        })
        .collect();
    finished.sort();
    let mut total = 0;
    for (_, by) in &mut finished {
        total += *by;
        *by = total;
    }
    let mut out = Vec::new();
    for read in ops
        .iter()
        .filter(|o| o.action == Action::Read && o.acknowledged())
    {
        let Some(seen) = returned_count(read, true) else {
            continue;
        };
        let before = finished.partition_point(|(t, _)| *t < read.call_ms);
        let acknowledged = before.checked_sub(1).map_or(0, |k| finished[k].1);
        if seen < acknowledged {
            out.push(format!(
                "{} saw {seen} after {acknowledged} acknowledged increment(s)",
                read.describe()
            ));
        }
    }
    out
}

#[cfg(test)]
#[path = "linearizable_tests.rs"]
mod tests;
