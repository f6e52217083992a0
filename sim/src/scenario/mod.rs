//! Scenarios: the YAML a user writes, and running it.

pub mod duration;
pub mod expect;
pub mod fault;
pub mod model;
pub mod run;
pub mod shrink;
pub mod sweep;

pub use duration::Duration;
pub use model::{LoadedScenario, Scenario, ScenarioError};

/// The expectation checkers this version evaluates.
pub const SUPPORTED_CHECKERS: &[&str] = &[
    "status_in",
    "cold_starts_max",
    "cpu_ms_max",
    "latency_p99_max",
    "kv_staleness_max",
    "kv_converges_within",
    "linearizable",
    "no_lost_acknowledged_writes",
    "queue_delivered_at_least_once",
    "websocket_total_order",
];
