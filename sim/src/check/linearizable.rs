//! Linearizability of Durable Object calls, as their callers saw them (the trace's
//! `object_call` / `object_return` pairs), checked per object against a sequential model with
//! the Wing–Gong search and Lowe's memoisation of (operations done, state). Counter histories
//! of unit increments — the common case, and the long one — are decided in O(n log n) by
//! `counter_history` instead, at any length; the search still explains a small violation.
//!
//! Models: `counter` (`increment`/`inc`/`add(by = 1)` return the new value; `get`/`read`/
//! `value` return it) and `register` (`set`/`put(v)`; `get`/`read` return v). Other methods do
//! not take part. A call that failed may or may not have taken effect: it is linearized as
//! either, anywhere after it started. Calls whose interval shares a millisecond are concurrent
//! (the clock cannot order them).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::counter_history::{self, CounterOp};
use crate::trace::{Trace, TraceEvent};

/// More operations than this on one object are not searched (the search is exponential in
/// the worst case); the verdict says so. Counter histories of unit increments have no limit.
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

pub fn check_object(ops: &[Operation], model: Model) -> ObjectVerdict {
    let n = ops.len();
    if let Some(history) = (model == Model::Counter)
        .then(|| counter_history(ops))
        .flatten()
    {
        match counter_history::check(&history) {
            Ok(()) => return ObjectVerdict::Linearizable,
            Err(stuck) if n > OPERATIONS_MAX => {
                return ObjectVerdict::Violation {
                    ordered: stuck.placed,
                    stuck: stuck.witnesses.iter().map(|&i| ops[i].describe()).collect(),
                };
            }
            // Short enough to search: the search says how far an order gets.
            Err(_) => {}
        }
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
        Model::Register => State::Value("null".into()),
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
mod tests {
    use super::*;

    fn op(call: u64, method: &str, arg: Option<i64>, span: (u64, u64), result: &str) -> Operation {
        let args = match arg {
            Some(a) => format!("{{\"a\":[{a}]}}"),
            None => "{\"a\":[]}".to_string(),
        };
        Operation {
            call,
            object: "o".into(),
            method: method.into(),
            call_ms: span.0,
            return_ms: Some(span.1),
            ok: true,
            value: Some(result.into()),
            action: action(Model::Counter, method, &args).unwrap_or(Action::Read),
        }
    }

    #[test]
    fn overlapping_increments_may_return_in_either_order() {
        let ops = vec![
            op(1, "increment", None, (0, 10), "2"),
            op(2, "increment", None, (1, 9), "1"),
            op(3, "get", None, (11, 12), "2"),
        ];
        assert_eq!(
            check_object(&ops, Model::Counter),
            ObjectVerdict::Linearizable
        );
    }

    #[test]
    fn a_read_that_misses_a_finished_increment_is_a_violation() {
        let ops = vec![
            op(1, "increment", None, (0, 5), "1"),
            op(2, "get", None, (6, 7), "0"),
        ];
        assert!(matches!(
            check_object(&ops, Model::Counter),
            ObjectVerdict::Violation { ordered: 1, .. }
        ));
        assert_eq!(lost_acknowledged_writes(&ops).len(), 1);
    }

    #[test]
    fn a_failed_increment_may_or_may_not_have_happened() {
        let mut failed = op(1, "increment", None, (0, 5), "Network connection lost.");
        failed.ok = false;
        for seen in ["0", "1"] {
            let ops = vec![failed.clone(), op(2, "get", None, (6, 7), seen)];
            assert_eq!(
                check_object(&ops, Model::Counter),
                ObjectVerdict::Linearizable
            );
        }
    }

    #[test]
    fn two_increments_both_returning_1_are_a_lost_update() {
        let ops = vec![
            op(1, "increment", None, (0, 10), "1"),
            op(2, "increment", None, (0, 10), "1"),
        ];
        assert!(matches!(
            check_object(&ops, Model::Counter),
            ObjectVerdict::Violation { .. }
        ));
    }

    /// A counter history from a sequential run: each operation takes effect at a time that
    /// never goes back, inside its span; some then fail (a failed increment did not happen) or
    /// go unanswered, and some answers are changed, so that both verdicts occur.
    fn history(steps: Vec<(bool, u64, u64, u64, u8, i64)>) -> Vec<Operation> {
        let mut count = 0;
        let mut at_ms = 0;
        let mut ops = Vec::new();
        for (k, (increment, gap_ms, before_ms, after_ms, fate, nudge)) in
            steps.into_iter().enumerate()
        {
            at_ms += gap_ms;
            let method = if increment { "increment" } else { "get" };
            let applied = !(increment && fate == 1);
            if increment && applied {
                count += 1;
            }
            let shown = if fate == 2 { count + nudge } else { count };
            let span = (at_ms.saturating_sub(before_ms), at_ms + after_ms);
            let mut o = op(k as u64 + 1, method, None, span, &shown.to_string());
            match fate {
                1 => o.ok = false,
                3 => o.return_ms = None,
                _ => {}
            }
            ops.push(o);
        }
        ops
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The O(n log n) counter check and the exhaustive search agree on every small history.
        #[test]
        fn the_fast_counter_check_agrees_with_the_search(
            steps in proptest::collection::vec(
                (proptest::bool::ANY, 0u64..4, 0u64..6, 0u64..6, 0u8..6, -2i64..3),
                1..9,
            )
        ) {
            let ops = history(steps);
            let history = counter_history(&ops).expect("unit increments and reads");
            let fast = counter_history::check(&history).is_ok();
            let searched = search(&ops, Model::Counter) == ObjectVerdict::Linearizable;
            proptest::prop_assert_eq!(fast, searched, "{:#?}", ops);
        }
    }

    #[test]
    fn a_hundred_thousand_operation_counter_history_is_checked_not_refused() {
        // Four clients incrementing and reading one counter, overlapping, one failing call in
        // ten (applied or not), in the history's order.
        let mut ops = Vec::new();
        let mut count = 0;
        for k in 0..100_000u64 {
            let at_ms = k / 4;
            let increment = k % 3 != 0;
            let failed = k % 10 == 7;
            if increment && !(failed && k % 20 == 7) {
                count += 1;
            }
            let method = if increment { "increment" } else { "get" };
            let mut o = op(k, method, None, (at_ms, at_ms + 2), &count.to_string());
            o.ok = !failed;
            ops.push(o);
        }
        assert_eq!(
            check_object(&ops, Model::Counter),
            ObjectVerdict::Linearizable
        );
        // The same history with one read that saw the past is refused, naming that read.
        let stale = ops.iter().rposition(|o| o.method == "get" && o.ok).unwrap();
        ops[stale].value = Some("1".into());
        match check_object(&ops, Model::Counter) {
            ObjectVerdict::Violation { stuck, .. } => assert!(
                stuck
                    .iter()
                    .any(|s| s.starts_with(&format!("call #{stale} get() -> 1"))),
                "{stuck:?}"
            ),
            other => panic!("expected a violation, got {other:?}"),
        }
        assert_eq!(lost_acknowledged_writes(&ops).len(), 1);
    }
}
