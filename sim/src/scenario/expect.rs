//! Expectations: each checker of a scenario's `expect` block, evaluated over the requests and
//! the trace of a finished run. A failing verdict names what witnesses it.

use std::collections::{BTreeMap, BTreeSet};

use super::Duration;
use super::expect_spec::{Checker, ExpectSpec, LinearizableSpec};
use super::run::{RequestRecord, Verdict};
use super::tally::Tally;
use crate::trace::{Trace, TraceEvent};
use edgesim_runtime::worker::WorkerDefinition;

/// Evaluates one expectation; a failure names the requests that witness it.
pub(crate) fn check(
    e: &ExpectSpec,
    index: usize,
    tally: &Tally,
    trace: &Trace,
    object_namespaces: &BTreeMap<String, String>,
) -> Verdict {
    if let Some(verdict) = tally.verdict(index) {
        return verdict;
    }
    match &e.checker {
        Checker::KvStalenessMax(bound) => check_kv_staleness("kv_staleness_max", *bound, trace),
        Checker::KvConvergesWithin(bound) => {
            check_kv_staleness("kv_converges_within", *bound, trace)
        }
        Checker::Linearizable(spec) => check_linearizable(spec, trace, object_namespaces),
        Checker::QueueDeliveredAtLeastOnce => check_queue_delivery(trace),
        Checker::WorkflowStepsOnce => {
            let report = crate::check::workflow_steps::check(trace);
            let passed = format!(
                "{} instance(s), {} step(s) in {} attempt(s): each finished step ran once",
                report.instances, report.steps, report.attempts
            );
            violations_verdict("workflow_steps_once", &report.violations, passed)
        }
        Checker::D1SessionsMonotonic => {
            let report = crate::check::d1_sessions::check(trace);
            let passed = format!(
                "{} session quer(ies), {} answered by a replica, none older than its bookmark",
                report.queries, report.replica_queries
            );
            violations_verdict("d1_sessions_monotonic", &report.violations, passed)
        }
        Checker::WebsocketTotalOrder => {
            let report = crate::check::websocket_order::check(trace);
            let passed = format!(
                "{} client(s), {} message(s): one order for everybody{}",
                report.clients,
                report.messages,
                if report.verbatim {
                    ""
                } else {
                    " (relayed in the room's own protocol: order checked, echoes not)"
                }
            );
            violations_verdict("websocket_total_order", &report.violations, passed)
        }
        Checker::NoLostAcknowledgedWrites => check_no_lost_writes(trace, object_namespaces),
        Checker::ColdStartsMax(max) => {
            let n = trace
                .events
                .iter()
                .filter(|ev| matches!(ev, TraceEvent::ColdStart { .. }))
                .count() as u64;
            Verdict {
                expectation: format!("cold_starts_max {max}"),
                ok: n <= *max,
                detail: format!("{n} cold start(s)"),
            }
        }
        // The tally, made from the same list, decided these above; were it not to, the
        // expectation fails rather than passing unchecked.
        Checker::StatusIn(_) | Checker::CpuMsMax(_) | Checker::LatencyP99Max(_) => Verdict {
            expectation: format!("expectation {}", index + 1),
            ok: false,
            detail: "its requests were not tallied".to_string(),
        },
    }
}

/// A request as a verdict names it: what was sent, when, from where, and what came back.
pub(crate) fn describe_request(r: &RequestRecord) -> String {
    format!(
        "{} {} at {}ms from {} -> {}",
        r.method,
        r.url,
        r.at_ms,
        r.colo,
        r.status.map_or("no response".into(), |s| s.to_string())
    )
}

/// A request and the simulated CPU it used, as `cpu_ms_max` names it.
pub(crate) fn describe_cpu_use(r: &RequestRecord) -> String {
    format!("{} used {:.3} ms", describe_request(r), r.cpu_used_ms)
}

/// Binding name -> Durable Object namespace over `workers`, for the checkers that name a
/// binding.
pub(crate) fn object_namespaces<'a>(
    workers: impl IntoIterator<Item = &'a WorkerDefinition>,
) -> BTreeMap<String, String> {
    (workers.into_iter())
        .flat_map(|d| d.bindings())
        .filter_map(|b| match b {
            edgesim_runtime::bindings::Binding::DurableObject {
                name, namespace, ..
            } => Some((name, namespace)),
            _ => None,
        })
        .collect()
}

/// The KV staleness bound, under either of its names.
pub(crate) fn check_kv_staleness(name: &str, bound: Duration, trace: &Trace) -> Verdict {
    let report = crate::check::kv_staleness::check(trace, bound.ms);
    let detail = if report.violations.is_empty() {
        format!(
            "{} read(s) checked; the stalest was {}ms behind",
            report.reads, report.max_staleness_ms
        )
    } else {
        let shown: Vec<&String> = report.violations.iter().take(3).collect();
        format!(
            "{} of {} read(s) were staler than {bound}, e.g. {shown:?}",
            report.violations.len(),
            report.reads
        )
    };
    Verdict {
        expectation: format!("{name} {bound}"),
        ok: report.violations.is_empty(),
        detail,
    }
}

pub(crate) fn check_linearizable(
    spec: &LinearizableSpec,
    trace: &Trace,
    object_namespaces: &BTreeMap<String, String>,
) -> Verdict {
    use crate::check::linearizable::{Model, ObjectVerdict, check_object, operations};
    let model_name = spec.model.as_deref().unwrap_or("counter");
    let expectation = format!("linearizable {} ({model_name})", spec.durable_object);
    let (Some(namespace), Some(model)) = (
        object_namespaces.get(&spec.durable_object),
        Model::parse(model_name),
    ) else {
        return Verdict {
            expectation,
            ok: false,
            detail: format!(
                "no Worker of the run binds a Durable Object namespace as {:?}",
                spec.durable_object
            ),
        };
    };
    let objects = operations(trace, namespace, model);
    let mut checked = 0;
    let mut problems = Vec::new();
    for (object, ops) in &objects {
        checked += ops.len();
        match check_object(ops, model) {
            ObjectVerdict::Linearizable => {}
            ObjectVerdict::Violation { ordered, stuck } => problems.push(format!(
                "object {object}: only {ordered} of {} operation(s) can be ordered; none of these can come next: {stuck:?}",
                ops.len()
            )),
            ObjectVerdict::TooLong(n) => problems.push(format!(
                "object {object}: {n} operations are more than the checker searches ({})",
                crate::check::linearizable::OPERATIONS_MAX
            )),
        }
    }
    Verdict {
        expectation,
        ok: problems.is_empty(),
        detail: if problems.is_empty() {
            format!(
                "{checked} operation(s) on {} object(s) are linearizable",
                objects.len()
            )
        } else {
            problems.join("; ")
        },
    }
}

/// Every counter read sees at least the increments acknowledged before it started, in every
/// Durable Object namespace of the scenario.
fn check_no_lost_writes(trace: &Trace, object_namespaces: &BTreeMap<String, String>) -> Verdict {
    use crate::check::linearizable::{Model, lost_acknowledged_writes, operations};
    let mut lost = Vec::new();
    let mut checked = 0;
    let namespaces: BTreeSet<&String> = object_namespaces.values().collect();
    for namespace in namespaces {
        for ops in operations(trace, namespace, Model::Counter).values() {
            checked += ops.len();
            lost.extend(lost_acknowledged_writes(ops));
        }
    }
    Verdict {
        expectation: "no_lost_acknowledged_writes".into(),
        ok: lost.is_empty(),
        detail: if lost.is_empty() {
            format!("{checked} Durable Object operation(s) checked")
        } else {
            let shown: Vec<&String> = lost.iter().take(3).collect();
            format!(
                "{} read(s) lost acknowledged writes, e.g. {shown:?}",
                lost.len()
            )
        },
    }
}

/// Every message sent to a queue reached a consumer at least once (in a batch of its queue or,
/// after its retries, of the dead-letter queue) before the run ended.
fn check_queue_delivery(trace: &Trace) -> Verdict {
    let mut sent: Vec<(String, String, u64)> = Vec::new();
    let mut delivered = BTreeSet::new();
    for event in &trace.events {
        match event {
            TraceEvent::QueueSend {
                at_ms,
                queue,
                messages,
            } => sent.extend(
                messages
                    .iter()
                    .map(|id| (id.clone(), queue.clone(), *at_ms)),
            ),
            TraceEvent::QueueBatch { messages, .. } => {
                delivered.extend(messages.iter().map(|(id, _)| id.clone()));
            }
            _ => {}
        }
    }
    let missing: Vec<String> = sent
        .iter()
        .filter(|(id, ..)| !delivered.contains(id))
        .map(|(id, queue, at)| format!("message {id} sent to {queue} at {at}ms"))
        .collect();
    Verdict {
        expectation: "queue_delivered_at_least_once".into(),
        ok: missing.is_empty(),
        detail: if missing.is_empty() {
            format!(
                "{} message(s) sent, each delivered at least once",
                sent.len()
            )
        } else {
            let shown: Vec<&String> = missing.iter().take(3).collect();
            format!(
                "{} of {} message(s) never reached a consumer, e.g. {shown:?}",
                missing.len(),
                sent.len()
            )
        },
    }
}

/// A checker's verdict: `passed` when nothing violates it, else the first few violations.
fn violations_verdict(expectation: &str, violations: &[String], passed: String) -> Verdict {
    let detail = if violations.is_empty() {
        passed
    } else {
        let shown: Vec<&String> = violations.iter().take(3).collect();
        format!("{} violation(s), e.g. {shown:?}", violations.len())
    };
    Verdict {
        expectation: expectation.to_string(),
        ok: violations.is_empty(),
        detail,
    }
}

/// A verdict over `total` requests, `broken` of which violate the expectation; `named` are the
/// first of them, described.
pub(crate) fn verdict(
    expectation: String,
    broken: usize,
    named: &[&String],
    total: usize,
) -> Verdict {
    let detail = if broken == 0 {
        format!("{total} request(s) checked")
    } else {
        format!("{broken} of {total} request(s) violate it, e.g. {named:?}")
    };
    Verdict {
        expectation,
        ok: broken == 0,
        detail,
    }
}
