//! Linearizability of a register history whose writes all write different values, in
//! O(n log n) — the search in `linearizable` is exponential in the worst case and refuses long
//! histories.
//!
//! Each value's *cluster* is its write and the reads that returned it (the initial value's write
//! happened before everything). Gibbons and Korach ("Testing shared memories", 1997) show such a
//! history is linearizable iff no read precedes its own write and the clusters' *zones* fit
//! together. A cluster's zone runs from the earliest end of its operations to the latest start:
//! when that end comes before that start the zone is *forward*, a span over which the value must
//! stay in the register, so no two forward zones may overlap; otherwise all the cluster's
//! operations share a moment (a *backward* zone), and there must be such a moment outside every
//! forward zone, so no backward zone may lie inside a forward one. Calls sharing a millisecond
//! are concurrent (the clock cannot order them), so zones that only touch do not clash.

use std::collections::BTreeMap;

/// One operation of a register history, as the fast check sees it. Values are canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterOp {
    /// A write acknowledged: it took effect within its span.
    Write { value: String },
    /// A write that failed or never answered: applied or not.
    MaybeWrite { value: String },
    /// A read that returned this value.
    Read { value: String },
    /// Anything that cannot change the register or constrain it (a failed read).
    Unconstrained,
}

/// The interval `[call_ms, return_ms]` an operation can take effect in (no answer: unbounded).
pub type Span = (u64, Option<u64>);

/// Why the history is not linearizable: the operations that show it (indices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub witnesses: Vec<usize>,
}

/// A moment, with the initial write's "before everything" and an unanswered call's "never".
type Moment = i128;
const BEFORE_ALL: Moment = -1;
const NEVER: Moment = i128::MAX;

#[derive(Debug, Default)]
struct Cluster {
    /// The write (none for the initial value).
    write: Option<usize>,
    reads: Vec<usize>,
}

/// A cluster's zone: `from`/`to` with the operations that set them.
#[derive(Debug, Clone, Copy)]
struct Zone {
    earliest_end: (Moment, usize),
    latest_start: (Moment, usize),
}

impl Zone {
    fn forward(&self) -> bool {
        self.earliest_end.0 < self.latest_start.0
    }

    fn witnesses(&self) -> [usize; 2] {
        [self.earliest_end.1, self.latest_start.1]
    }
}

/// Checks `ops` (each with its span; writes of distinct values, none of `initial`, the value the
/// register holds before any write). `Ok` when linearizable.
pub fn check(ops: &[(RegisterOp, Span)], initial: &str) -> Result<(), Clash> {
    let clusters = clusters(ops, initial)?;
    let start = |i: usize| Moment::from(ops[i].1.0);
    let end = |i: usize| ops[i].1.1.map_or(NEVER, Moment::from);
    let mut zones = Vec::new();
    for cluster in clusters.values() {
        if let Some(w) = cluster.write
            && let Some(&r) = (cluster.reads.iter()).find(|&&r| end(r) < start(w))
        {
            // A read that was over before its write began.
            return Err(Clash {
                witnesses: vec![w, r],
            });
        }
        let Some(&first) = cluster.reads.first().or(cluster.write.as_ref()) else {
            continue;
        };
        let ops_of = cluster.write.iter().chain(&cluster.reads);
        let mut zone = Zone {
            earliest_end: (end(first), first),
            latest_start: (start(first), first),
        };
        for &i in ops_of {
            zone.earliest_end = zone.earliest_end.min((end(i), i));
            zone.latest_start = zone.latest_start.max((start(i), i));
        }
        if cluster.write.is_none() {
            // The initial value was written before everything.
            zone.earliest_end = (BEFORE_ALL, zone.earliest_end.1);
        }
        zones.push(zone);
    }
    let mut forward: Vec<Zone> = zones.iter().copied().filter(Zone::forward).collect();
    forward.sort_by_key(|z| z.earliest_end);
    for pair in forward.windows(2) {
        // Sorted by start and, if the zones are disjoint, by end too: a neighbour suffices.
        if pair[1].earliest_end.0 < pair[0].latest_start.0 {
            let mut witnesses = pair[0].witnesses().to_vec();
            witnesses.extend(pair[1].witnesses());
            return Err(Clash { witnesses });
        }
    }
    for backward in zones.iter().filter(|z| !z.forward()) {
        let (from, to) = (backward.latest_start.0, backward.earliest_end.0);
        let before = forward.partition_point(|f| f.earliest_end.0 < from);
        if let Some(around) = before.checked_sub(1).map(|k| forward[k])
            && to < around.latest_start.0
        {
            let mut witnesses = around.witnesses().to_vec();
            witnesses.extend(backward.witnesses());
            return Err(Clash { witnesses });
        }
    }
    Ok(())
}

/// The clusters of `ops` by value. A write that may not have happened and that nobody read is
/// left out (not applying it explains the history as well as applying it could); a read of a
/// value nobody wrote clashes at once.
fn clusters<'a>(
    ops: &'a [(RegisterOp, Span)],
    initial: &'a str,
) -> Result<BTreeMap<&'a str, Cluster>, Clash> {
    let mut clusters: BTreeMap<&str, Cluster> = BTreeMap::new();
    clusters.insert(initial, Cluster::default());
    let mut maybe: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (op, _)) in ops.iter().enumerate() {
        match op {
            RegisterOp::Write { value } => clusters.entry(value).or_default().write = Some(i),
            RegisterOp::MaybeWrite { value } => {
                maybe.insert(value, i);
            }
            RegisterOp::Read { value } => clusters.entry(value).or_default().reads.push(i),
            RegisterOp::Unconstrained => {}
        }
    }
    for (value, cluster) in clusters.iter_mut() {
        if cluster.write.is_none() && *value != initial {
            match maybe.get(value) {
                // Someone read it: it did happen.
                Some(&w) => cluster.write = Some(w),
                None => {
                    return Err(Clash {
                        witnesses: cluster.reads.clone(),
                    });
                }
            }
        }
    }
    Ok(clusters)
}
