//! Workflows: the binding a Worker creates and manages instances with (binding.js), and the
//! `step` a run of an instance gets (step.js); the engine's state is storage::workflow.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "workflows",
    install: ops::install,
};
