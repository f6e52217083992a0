//! What a scenario's `expect` items say: one checker each, optionally narrowed to the requests
//! of one traffic `label`. In YAML an item is a map with exactly one checker key
//! (`{ status_in: [200], label: reads }`); here it is a [`Checker`], so code that evaluates,
//! shrinks or prints expectations matches on the variant instead of testing eleven options.

use crate::trace::TraceEvent;
use serde::{Deserialize, Serialize};

use super::Duration;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "ExpectItem", into = "ExpectItem")]
pub struct ExpectSpec {
    pub checker: Checker,
    /// Only the requests of traffic items with this label (for the checkers over requests).
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Checker {
    /// Every selected request answered with one of these statuses.
    StatusIn(Vec<u16>),
    /// No KV read missed a write applied at the central store longer ago than this (the name
    /// the design uses for the convergence bound).
    KvConvergesWithin(Duration),
    /// The same bound, under the name the checker reports.
    KvStalenessMax(Duration),
    Linearizable(LinearizableSpec),
    NoLostAcknowledgedWrites,
    D1SessionsMonotonic,
    LatencyP99Max(Duration),
    ColdStartsMax(u64),
    CpuMsMax(f64),
    QueueDeliveredAtLeastOnce,
    WebsocketTotalOrder,
    WorkflowStepsOnce,
}

/// `linearizable: { durable_object: COUNTER, model: counter }`: the calls to the objects of the
/// namespace bound as COUNTER, checked against a sequential model (check::linearizable).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LinearizableSpec {
    pub durable_object: String,
    /// `counter` (default) or `register`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl Checker {
    /// The trace events this checker reads at the end of the run; none for the checkers over
    /// requests alone.
    pub fn reads(&self) -> Option<fn(&TraceEvent) -> bool> {
        Some(match self {
            Checker::StatusIn(_) | Checker::LatencyP99Max(_) | Checker::CpuMsMax(_) => return None,
            Checker::KvConvergesWithin(_) | Checker::KvStalenessMax(_) => {
                |e| matches!(e, TraceEvent::Kv { .. })
            }
            Checker::Linearizable(_) | Checker::NoLostAcknowledgedWrites => |e| {
                matches!(
                    e,
                    TraceEvent::ObjectCall { .. } | TraceEvent::ObjectReturn { .. }
                )
            },
            Checker::D1SessionsMonotonic => |e| matches!(e, TraceEvent::D1Query { .. }),
            Checker::ColdStartsMax(_) => |e| matches!(e, TraceEvent::ColdStart { .. }),
            Checker::QueueDeliveredAtLeastOnce => |e| {
                matches!(
                    e,
                    TraceEvent::QueueSend { .. } | TraceEvent::QueueBatch { .. }
                )
            },
            Checker::WebsocketTotalOrder => |e| {
                matches!(
                    e,
                    TraceEvent::SocketOpen { .. }
                        | TraceEvent::SocketSend { .. }
                        | TraceEvent::SocketReceive { .. }
                )
            },
            Checker::WorkflowStepsOnce => |e| {
                matches!(
                    e,
                    TraceEvent::WorkflowStepAttempt { .. }
                        | TraceEvent::WorkflowStepResult { .. }
                        | TraceEvent::WorkflowRunEnded { .. }
                )
            },
        })
    }
}

impl ExpectSpec {
    pub fn new(checker: Checker) -> Self {
        ExpectSpec {
            checker,
            label: None,
        }
    }

    pub fn labelled(mut self, label: &str) -> Self {
        self.label = Some(label.to_string());
        self
    }
}

/// An `expect` item as written: every checker key optional, so that serde reports unknown keys
/// and bad values with their position, and the conversion names what is missing or extra.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ExpectItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    status_in: Option<Vec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kv_converges_within: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kv_staleness_max: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linearizable: Option<LinearizableSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    no_lost_acknowledged_writes: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d1_sessions_monotonic: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency_p99_max: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cold_starts_max: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu_ms_max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_delivered_at_least_once: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    websocket_total_order: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workflow_steps_once: Option<bool>,
}

/// A checker that takes no value is switched on with `true`; `false` would read as "check
/// this" to nobody, so it is refused rather than ignored.
/// What is wrong with an expectation item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpectSpecError {
    #[error("`{0}: false` checks nothing; write `{0}: true` or leave the item out")]
    SwitchedOff(&'static str),
    #[error("one checker per expectation, found `{0}` and `{1}`")]
    TwoCheckers(&'static str, &'static str),
    #[error("the expectation names no checker")]
    NoChecker,
}

fn switch(
    key: &'static str,
    on: Option<bool>,
    checker: Checker,
) -> Result<Option<Checker>, ExpectSpecError> {
    match on {
        None => Ok(None),
        Some(true) => Ok(Some(checker)),
        Some(false) => Err(ExpectSpecError::SwitchedOff(key)),
    }
}

impl TryFrom<ExpectItem> for ExpectSpec {
    type Error = ExpectSpecError;

    fn try_from(item: ExpectItem) -> Result<Self, ExpectSpecError> {
        let candidates = [
            ("status_in", item.status_in.map(Checker::StatusIn)),
            (
                "kv_converges_within",
                item.kv_converges_within.map(Checker::KvConvergesWithin),
            ),
            (
                "kv_staleness_max",
                item.kv_staleness_max.map(Checker::KvStalenessMax),
            ),
            ("linearizable", item.linearizable.map(Checker::Linearizable)),
            (
                "no_lost_acknowledged_writes",
                switch(
                    "no_lost_acknowledged_writes",
                    item.no_lost_acknowledged_writes,
                    Checker::NoLostAcknowledgedWrites,
                )?,
            ),
            (
                "d1_sessions_monotonic",
                switch(
                    "d1_sessions_monotonic",
                    item.d1_sessions_monotonic,
                    Checker::D1SessionsMonotonic,
                )?,
            ),
            (
                "latency_p99_max",
                item.latency_p99_max.map(Checker::LatencyP99Max),
            ),
            (
                "cold_starts_max",
                item.cold_starts_max.map(Checker::ColdStartsMax),
            ),
            ("cpu_ms_max", item.cpu_ms_max.map(Checker::CpuMsMax)),
            (
                "queue_delivered_at_least_once",
                switch(
                    "queue_delivered_at_least_once",
                    item.queue_delivered_at_least_once,
                    Checker::QueueDeliveredAtLeastOnce,
                )?,
            ),
            (
                "websocket_total_order",
                switch(
                    "websocket_total_order",
                    item.websocket_total_order,
                    Checker::WebsocketTotalOrder,
                )?,
            ),
            (
                "workflow_steps_once",
                switch(
                    "workflow_steps_once",
                    item.workflow_steps_once,
                    Checker::WorkflowStepsOnce,
                )?,
            ),
        ];
        let mut present = candidates.into_iter().filter(|(_, c)| c.is_some());
        match (present.next(), present.next()) {
            (Some((_, Some(checker))), None) => Ok(ExpectSpec {
                checker,
                label: item.label,
            }),
            (Some((first, _)), Some((second, _))) => {
                Err(ExpectSpecError::TwoCheckers(first, second))
            }
            _ => Err(ExpectSpecError::NoChecker),
        }
    }
}

impl From<ExpectSpec> for ExpectItem {
    fn from(spec: ExpectSpec) -> Self {
        let mut item = ExpectItem {
            label: spec.label,
            ..ExpectItem::default()
        };
        match spec.checker {
            Checker::StatusIn(s) => item.status_in = Some(s),
            Checker::KvConvergesWithin(d) => item.kv_converges_within = Some(d),
            Checker::KvStalenessMax(d) => item.kv_staleness_max = Some(d),
            Checker::Linearizable(l) => item.linearizable = Some(l),
            Checker::NoLostAcknowledgedWrites => item.no_lost_acknowledged_writes = Some(true),
            Checker::D1SessionsMonotonic => item.d1_sessions_monotonic = Some(true),
            Checker::LatencyP99Max(d) => item.latency_p99_max = Some(d),
            Checker::ColdStartsMax(n) => item.cold_starts_max = Some(n),
            Checker::CpuMsMax(ms) => item.cpu_ms_max = Some(ms),
            Checker::QueueDeliveredAtLeastOnce => item.queue_delivered_at_least_once = Some(true),
            Checker::WebsocketTotalOrder => item.websocket_total_order = Some(true),
            Checker::WorkflowStepsOnce => item.workflow_steps_once = Some(true),
        }
        item
    }
}
