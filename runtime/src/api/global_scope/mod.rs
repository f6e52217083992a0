//! The global scope: console, timers, the frozen clock, seeded randomness, base64,
//! structuredClone, and the dispatch of events to the Worker's handlers.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "global_scope",
    install: ops::install,
};
