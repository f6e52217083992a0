//! Scenarios: the YAML a user writes, and running it.

pub mod client;
mod cron;
pub mod duration;
pub mod expect;
pub mod expect_spec;
pub mod fault;
pub mod model;
pub mod online;
pub mod run;
pub mod shrink;
pub mod sweep;
pub mod sweep_summary;
pub mod tally;
mod traffic;
mod validate;

pub use duration::Duration;
pub use expect_spec::{Checker, ExpectSpec, LinearizableSpec};
pub use model::{LoadedScenario, Scenario, ScenarioError};
