//! Single-location storage engines. The simulator wraps them with the multi-colo consistency
//! models; `edgesim fetch` uses them directly, as one location.

pub mod cache;
mod commit_windows;
pub mod d1;
pub mod d1_migrations;
pub mod durable;
pub mod kv;
pub mod queue;
pub mod r2;
pub mod rate_limit;
pub mod secrets_store;
pub mod sql;
mod sql_security;
pub mod workflow;
pub mod write_rate;
