//! Invariant checkers over a run's trace.

mod counter_history;
pub mod d1_sessions;
pub mod kv_staleness;
pub mod linearizable;
mod register_history;
pub mod websocket_order;
pub mod workflow_steps;
