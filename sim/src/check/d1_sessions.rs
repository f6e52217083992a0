//! `d1_sessions_monotonic`: the Sessions API's promise (semantics.md §4.3). Every query of a
//! session carries the newest bookmark the session has seen, so whichever copy answers must be
//! at least that new: reads never go back in time, and a session reads its own writes.

use crate::trace::{Trace, TraceEvent};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub queries: usize,
    /// How many were answered by a replica.
    pub replica_queries: usize,
    /// Each names the query that saw an older version than its session required.
    pub violations: Vec<String>,
}

/// The check as events arrive: each query is judged when it is recorded.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    report: Report,
}

impl Sessions {
    /// Takes in one event; a violation it makes, if any.
    pub fn observe(&mut self, event: &TraceEvent) -> Option<&str> {
        let TraceEvent::D1Query {
            at_ms,
            database,
            from,
            served_by,
            primary,
            min_version,
            version,
        } = event
        else {
            return None;
        };
        self.report.queries += 1;
        if !primary {
            self.report.replica_queries += 1;
        }
        if version >= min_version {
            return None;
        }
        self.report.violations.push(format!(
            "a query of database {database} from {from} at {at_ms}ms was answered by {served_by} \
             at version {version}, older than the session's bookmark (version {min_version})"
        ));
        self.report.violations.last().map(String::as_str)
    }

    pub fn report(self) -> Report {
        self.report
    }
}

pub fn check(trace: &Trace) -> Report {
    let mut sessions = Sessions::default();
    for event in &trace.events {
        sessions.observe(event);
    }
    sessions.report()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A replica's answer at `at_ms` to a session query that needed `min_version`.
    pub(crate) fn query_at(at_ms: u64, min_version: u64, version: u64) -> TraceEvent {
        TraceEvent::D1Query {
            at_ms,
            database: "db".into(),
            from: "SIN".into(),
            served_by: "SIN".into(),
            primary: false,
            min_version,
            version,
        }
    }

    #[test]
    fn a_replica_older_than_the_bookmark_is_a_violation() {
        let mut t = Trace::default();
        t.push(query_at(10, 3, 3));
        t.push(query_at(10, 3, 2));
        let r = check(&t);
        assert_eq!((r.queries, r.replica_queries), (2, 2));
        assert_eq!(
            r.violations,
            vec![
                "a query of database db from SIN at 10ms was answered by SIN at version 2, \
                 older than the session's bookmark (version 3)"
                    .to_string()
            ]
        );
    }
}
