//! Expectations decided while the run goes, as TigerBeetle's simulator checks its invariants:
//! each is told of every request as its client gets the answer and of every trace event as it
//! is recorded, and notes its first violation — when (simulated time) and what witnesses it.
//! With `--fail-fast` that first violation ends the run there.
//!
//! The expectations that need the whole history (KV staleness, whose writes may be traced after
//! the reads they bound; linearizability; queue delivery; WebSocket order; latency percentiles)
//! stay with the end-of-run checks in expect.rs.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;

use super::expect_spec::{Checker, ExpectSpec};
use super::run::RequestRecord;
use super::tally::{Rule, reads};
use crate::trace::TraceEvent;

/// An expectation's first violation.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// When it happened, ms since the run started.
    pub at_ms: u64,
    /// What witnesses it.
    pub witness: String,
}

/// When an event the online checks read happened; none for the others.
fn checked_at_ms(event: &TraceEvent) -> Option<u64> {
    match event {
        TraceEvent::ColdStart { at_ms, .. }
        | TraceEvent::D1Query { at_ms, .. }
        | TraceEvent::WorkflowStepAttempt { at_ms, .. }
        | TraceEvent::WorkflowStepResult { at_ms, .. }
        | TraceEvent::WorkflowRunEnded { at_ms, .. } => Some(*at_ms),
        _ => None,
    }
}

/// The part of an expectation that can be checked as the run goes.
enum OnlineCheck {
    /// `status_in` and `cpu_ms_max`: each request on its own.
    Request(Rule),
    ColdStartsMax {
        max: u64,
        seen: u64,
    },
    D1SessionsMonotonic(crate::check::d1_sessions::Sessions),
    WorkflowStepsOnce(crate::check::workflow_steps::StepsOnce),
}

struct Watched {
    check: OnlineCheck,
    /// Only the requests of traffic items with this label.
    label: Option<String>,
    first: Option<Violation>,
}

/// The run's online expectations, shared by its clients and its trace.
pub struct OnlineChecks {
    /// Indexed as the scenario's `expect` list; `None` for those checked at the end only.
    watched: Vec<Option<Watched>>,
    /// Fired by the first violation when the run fails fast: when it happened.
    stop: Option<oneshot::Sender<u64>>,
    /// When failing fast, which requests (by their place in the run's records) got to the end
    /// of their client: the others were still in flight when the run stopped.
    finished: Vec<bool>,
}

pub type SharedChecks = Rc<RefCell<OnlineChecks>>;

impl OnlineChecks {
    /// The online parts of `expect`; with `fail_fast`, the receiver hears of the first
    /// violation (its time).
    pub fn new(expect: &[ExpectSpec], fail_fast: bool) -> (SharedChecks, oneshot::Receiver<u64>) {
        let watched = (expect.iter())
            .map(|e| {
                let check = match &e.checker {
                    Checker::StatusIn(_) | Checker::CpuMsMax(_) => {
                        OnlineCheck::Request(Rule::of(&e.checker)?)
                    }
                    Checker::ColdStartsMax(max) => {
                        OnlineCheck::ColdStartsMax { max: *max, seen: 0 }
                    }
                    Checker::D1SessionsMonotonic => {
                        OnlineCheck::D1SessionsMonotonic(Default::default())
                    }
                    Checker::WorkflowStepsOnce => {
                        OnlineCheck::WorkflowStepsOnce(Default::default())
                    }
                    _ => return None,
                };
                Some(Watched {
                    check,
                    label: e.label.clone(),
                    first: None,
                })
            })
            .collect();
        let (stop, stopped) = oneshot::channel();
        let checks = OnlineChecks {
            watched,
            stop: fail_fast.then_some(stop),
            finished: Vec::new(),
        };
        (Rc::new(RefCell::new(checks)), stopped)
    }

    /// The client of the request at `index` in the run's records got its answer, or gave up at
    /// `now_ms`.
    pub fn request(&mut self, index: usize, record: &RequestRecord, now_ms: u64) {
        let now_ms = record.latency_ms.map_or(now_ms, |l| record.at_ms + l);
        if self.stop.is_some() {
            if self.finished.len() <= index {
                self.finished.resize(index + 1, false);
            }
            self.finished[index] = true;
        }
        for w in self.watched.iter_mut().flatten() {
            let OnlineCheck::Request(rule) = &w.check else {
                continue;
            };
            if w.first.is_some() || !reads(w.label.as_deref(), record) || !rule.broken_by(record) {
                continue;
            }
            w.first = Some(Violation {
                at_ms: now_ms,
                witness: rule.describe(record),
            });
        }
        self.stop_if_violated(now_ms);
    }

    /// An event went into the trace.
    pub fn event(&mut self, event: &TraceEvent) {
        let Some(at_ms) = checked_at_ms(event) else {
            return;
        };
        for w in self.watched.iter_mut().flatten() {
            let witness = match &mut w.check {
                OnlineCheck::ColdStartsMax { max, seen } => {
                    let TraceEvent::ColdStart { colo, worker, .. } = event else {
                        continue;
                    };
                    *seen += 1;
                    if *seen <= *max {
                        continue;
                    }
                    format!("cold start {seen} ({worker} at {colo})")
                }
                OnlineCheck::D1SessionsMonotonic(sessions) => match sessions.observe(event) {
                    Some(violation) => violation.to_string(),
                    None => continue,
                },
                OnlineCheck::WorkflowStepsOnce(steps) => match steps.observe(event) {
                    Some(violation) => violation.to_string(),
                    None => continue,
                },
                OnlineCheck::Request(_) => continue,
            };
            w.first.get_or_insert(Violation { at_ms, witness });
        }
        self.stop_if_violated(at_ms);
    }

    fn stop_if_violated(&mut self, now_ms: u64) {
        if (self.watched.iter().flatten()).any(|w| w.first.is_some())
            && let Some(stop) = self.stop.take()
        {
            let _ = stop.send(now_ms);
        }
    }

    /// Whether the request at `index` in the run's records finished before the run stopped.
    pub fn finished(&self, index: usize) -> bool {
        self.finished.get(index).copied().unwrap_or(false)
    }

    /// The first violation of expectation `index`, if it was checked online and violated.
    pub fn first_violation(&self, index: usize) -> Option<&Violation> {
        self.watched.get(index)?.as_ref()?.first.as_ref()
    }
}

/// Expectation `verdict`, as checked at the end of the run, with what was seen as the run went:
/// the moment of its first violation, and whether `--fail-fast` ended the run early.
pub fn amend(
    mut verdict: super::run::Verdict,
    first: Option<&Violation>,
    stopped_at_ms: Option<u64>,
) -> super::run::Verdict {
    if let Some(v) = first {
        verdict.ok = false;
        verdict.detail = format!(
            "{}; first violated at {}ms by {}",
            verdict.detail, v.at_ms, v.witness
        );
    }
    if let Some(at_ms) = stopped_at_ms {
        verdict.detail = format!(
            "{} (the run stopped at {at_ms}ms, the first violation, with --fail-fast)",
            verdict.detail
        );
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::d1_sessions::tests::query_at;

    fn watching(checker: Checker) -> SharedChecks {
        OnlineChecks::new(&[ExpectSpec::new(checker)], false).0
    }

    #[test]
    fn a_d1_read_older_than_its_bookmark_is_a_violation_when_it_is_recorded() {
        let checks = watching(Checker::D1SessionsMonotonic);
        checks.borrow_mut().event(&query_at(10, 3, 3));
        assert_eq!(checks.borrow().first_violation(0), None);
        checks.borrow_mut().event(&query_at(25, 3, 2));
        checks.borrow_mut().event(&query_at(40, 5, 1));
        let checks = checks.borrow();
        let first = checks.first_violation(0).expect("a violation");
        assert_eq!(first.at_ms, 25);
        assert!(first.witness.contains("at 25ms"), "{}", first.witness);
    }

    #[test]
    fn a_workflow_step_that_runs_again_after_its_result_is_a_violation_then() {
        let step = |at_ms: u64, result: bool| match result {
            false => TraceEvent::WorkflowStepAttempt {
                at_ms,
                workflow: "w".into(),
                instance: "i".into(),
                step: "do:a:1".into(),
                attempt: 1,
            },
            true => TraceEvent::WorkflowStepResult {
                at_ms,
                workflow: "w".into(),
                instance: "i".into(),
                step: "do:a:1".into(),
                ok: true,
            },
        };
        let checks = watching(Checker::WorkflowStepsOnce);
        for (at_ms, result) in [(1, false), (2, true), (7, false)] {
            checks.borrow_mut().event(&step(at_ms, result));
        }
        let checks = checks.borrow();
        let first = checks.first_violation(0).expect("a violation");
        assert_eq!(
            (first.at_ms, first.witness.as_str()),
            (7, "w/i step do:a:1: ran again after its result")
        );
    }
}
