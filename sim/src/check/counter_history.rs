//! Linearizability of a counter history of unit increments and reads, in O(n log n) — the
//! search in `linearizable` is exponential in the worst case and refuses long histories.
//!
//! An acknowledged increment that returned `v` is the one that took the counter from `v - 1`
//! to `v`, so the values fix the order of those increments; a read that returned `r` lies
//! between the increments producing `r` and `r + 1`. Every value up to the largest one seen
//! must be produced by an increment: the acknowledged one that returned it, or else (a gap) one
//! that failed or never answered and so may have taken effect. A history is linearizable iff
//! each value `j` can get a point in time `t_j`, non-decreasing in `j` (calls sharing a
//! millisecond are concurrent), inside its producer's interval and between the reads around it
//! (`t_j <= return` of each read of `j`, `t_j >= call` of each read of `j - 1`).
//!
//! Those bounds, carried forward (`t_j >= t_{j-1}`) and backward (`t_j <= t_{j+1}`), give each
//! value a window whose ends never decrease with `j`. With such windows the order of the points
//! comes for free — any choice of points in them, sorted, still lies in them — so what is left
//! is a matching of gap values to unacknowledged increments whose intervals meet the windows:
//! earliest deadline first, taking the gaps in order, is optimal (the exchange argument).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// One operation of a counter history, as the fast check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterOp {
    /// An increment by 1 that returned this value.
    Acknowledged { value: i64 },
    /// An increment by 1 that failed or never answered: applied or not.
    Unacknowledged,
    /// A read that returned this value.
    Read { value: i64 },
    /// Anything that cannot change the counter or constrain it (a failed read).
    Unconstrained,
}

/// Where the check stopped: at a value of the counter no increment could produce in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    /// How many values before it were placed.
    pub placed: usize,
    /// Indices of the operations that bound it: its producer (if any) and the reads around it.
    pub witnesses: Vec<usize>,
}

/// The interval `[call_ms, return_ms]` an operation can take effect in (no answer: unbounded).
pub type Span = (u64, Option<u64>);

/// Checks `ops` (each with its span). `Ok` when linearizable.
pub fn check(ops: &[(CounterOp, Span)]) -> Result<(), Stuck> {
    let bounds = Bounds::of(ops)?;
    let windows = bounds.windows(ops);
    for (k, w) in windows.iter().enumerate() {
        if w.from_ms.0 > w.to_ms.0 {
            return Err(stuck(k, vec![w.from_ms.1, w.to_ms.1]));
        }
    }
    // Unacknowledged increments by call, then the started ones by end, earliest on top.
    let mut waiting: Vec<(u64, u64, usize)> = (ops.iter().enumerate())
        .filter(|(_, (op, _))| *op == CounterOp::Unacknowledged)
        .map(|(i, (_, (call_ms, return_ms)))| (*call_ms, return_ms.unwrap_or(u64::MAX), i))
        .collect();
    waiting.sort();
    let mut waiting = waiting.into_iter().peekable();
    let mut started: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
    for (k, w) in windows.iter().enumerate() {
        if bounds.producer.contains_key(&(k as i64 + 1)) {
            continue;
        }
        while let Some(&(call_ms, end_ms, i)) = waiting.peek() {
            if call_ms > w.to_ms.0 {
                break;
            }
            started.push(Reverse((end_ms, i)));
            waiting.next();
        }
        // One whose interval ends before the window opens can only have not happened.
        while started
            .peek()
            .is_some_and(|Reverse((end_ms, _))| *end_ms < w.from_ms.0)
        {
            started.pop();
        }
        if started.pop().is_none() {
            return Err(stuck(k, vec![w.from_ms.1, w.to_ms.1]));
        }
    }
    Ok(())
}

/// A bound on a value's point in time, and the operation that sets it (`NONE`: none does).
type Bound = (u64, usize);
const NONE: usize = usize::MAX;

/// Where value `j`'s point may be: `from_ms..=to_ms`.
struct Window {
    from_ms: Bound,
    to_ms: Bound,
}

/// What the operations say of each value, before carrying bounds along.
struct Bounds {
    /// The acknowledged increment that returned each value.
    producer: BTreeMap<i64, usize>,
    /// Value -> the latest call of a read of the value before it.
    not_before: BTreeMap<i64, Bound>,
    /// Value -> the earliest return of a read of it.
    not_after: BTreeMap<i64, Bound>,
    highest: i64,
}

impl Bounds {
    fn of(ops: &[(CounterOp, Span)]) -> Result<Bounds, Stuck> {
        let mut b = Bounds {
            producer: BTreeMap::new(),
            not_before: BTreeMap::new(),
            not_after: BTreeMap::new(),
            highest: 0,
        };
        for (i, (op, (call_ms, return_ms))) in ops.iter().enumerate() {
            match *op {
                CounterOp::Acknowledged { value } => {
                    if value < 1 {
                        return Err(stuck(0, vec![i]));
                    }
                    if let Some(other) = b.producer.insert(value, i) {
                        return Err(stuck(0, vec![other, i]));
                    }
                    b.highest = b.highest.max(value);
                }
                CounterOp::Read { value } => {
                    if value < 0 {
                        return Err(stuck(0, vec![i]));
                    }
                    let later = b.not_before.entry(value + 1).or_insert((*call_ms, i));
                    if *call_ms > later.0 {
                        *later = (*call_ms, i);
                    }
                    let end_ms = return_ms.unwrap_or(u64::MAX);
                    let earlier = b.not_after.entry(value).or_insert((end_ms, i));
                    if end_ms < earlier.0 {
                        *earlier = (end_ms, i);
                    }
                    b.highest = b.highest.max(value);
                }
                CounterOp::Unacknowledged | CounterOp::Unconstrained => {}
            }
        }
        Ok(b)
    }

    /// Each value's window (index `j - 1`), its bounds carried forward and backward.
    fn windows(&self, ops: &[(CounterOp, Span)]) -> Vec<Window> {
        let values = 1..=self.highest;
        let mut windows: Vec<Window> = values
            .map(|value| {
                let mut from_ms = self.not_before.get(&value).copied().unwrap_or((0, NONE));
                let mut to_ms = self
                    .not_after
                    .get(&value)
                    .copied()
                    .unwrap_or((u64::MAX, NONE));
                if let Some(&i) = self.producer.get(&value) {
                    let (call_ms, return_ms) = ops[i].1;
                    from_ms = from_ms.max((call_ms, i));
                    to_ms = to_ms.min((return_ms.unwrap_or(u64::MAX), i));
                }
                Window { from_ms, to_ms }
            })
            .collect();
        for k in 1..windows.len() {
            if windows[k - 1].from_ms.0 > windows[k].from_ms.0 {
                windows[k].from_ms = windows[k - 1].from_ms;
            }
        }
        for k in (1..windows.len()).rev() {
            if windows[k].to_ms.0 < windows[k - 1].to_ms.0 {
                windows[k - 1].to_ms = windows[k].to_ms;
            }
        }
        windows
    }
}

fn stuck(placed: usize, witnesses: Vec<usize>) -> Stuck {
    Stuck {
        placed,
        witnesses: witnesses.into_iter().filter(|&i| i != NONE).collect(),
    }
}
