//! KV's staleness bound: a read may miss recent writes, but never one applied at the central
//! store more than `bound` before it. With no faults the bound is the cache TTL plus a round
//! trip; `kv_converges_within` and `kv_staleness_max` both check it over every `get`.

use std::collections::BTreeMap;

use crate::trace::{KvCall, Trace, TraceEvent};

struct Write {
    applied_ms: u64,
    version: u64,
    /// false for a delete.
    present: bool,
}

/// The outcome: reads checked, the largest staleness seen (ms), and the violating reads.
pub struct StalenessReport {
    pub reads: usize,
    pub max_staleness_ms: u64,
    pub violations: Vec<String>,
}

pub fn check(trace: &Trace, bound_ms: u64) -> StalenessReport {
    let mut writes: BTreeMap<(&str, &str), Vec<Write>> = BTreeMap::new();
    for e in &trace.events {
        if let TraceEvent::Kv {
            namespace,
            op,
            key,
            version: Some(version),
            central_at_ms: Some(at),
            ok: true,
            ..
        } = e
            && matches!(op, KvCall::Put | KvCall::Delete)
        {
            writes.entry((namespace, key)).or_default().push(Write {
                applied_ms: *at,
                version: *version,
                present: *op == KvCall::Put,
            });
        }
    }
    for list in writes.values_mut() {
        list.sort_by_key(|w| w.version);
    }
    let mut report = StalenessReport {
        reads: 0,
        max_staleness_ms: 0,
        violations: Vec::new(),
    };
    for e in &trace.events {
        let TraceEvent::Kv {
            at_ms,
            colo,
            namespace,
            op,
            key,
            version: seen,
            ok: true,
            ..
        } = e
        else {
            continue;
        };
        if *op != KvCall::Get {
            continue;
        }
        report.reads += 1;
        let Some(history) = writes.get(&(namespace.as_str(), key.as_str())) else {
            continue;
        };
        // The first write the read did not see: for a value, any later version; for "not
        // found", the first put after the last delete it could have seen.
        let after = match seen {
            Some(v) => *v,
            None => history
                .iter()
                .filter(|w| !w.present && w.applied_ms <= *at_ms)
                .map(|w| w.version)
                .max()
                .unwrap_or(0),
        };
        let missed = history
            .iter()
            .find(|w| w.version > after && (seen.is_some() || w.present));
        let Some(missed) = missed.filter(|w| w.applied_ms <= *at_ms) else {
            continue;
        };
        let staleness = at_ms - missed.applied_ms;
        report.max_staleness_ms = report.max_staleness_ms.max(staleness);
        if staleness > bound_ms {
            let seen = seen.map_or("not found".to_string(), |v| format!("version {v}"));
            report.violations.push(format!(
                "get {key:?} at {colo} at {at_ms}ms saw {seen}, but version {} was written at {}ms ({staleness}ms earlier)",
                missed.version, missed.applied_ms
            ));
        }
    }
    report
}
