//! R2 bucket bindings.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "r2",
    install: ops::install,
};
