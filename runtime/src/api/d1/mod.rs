//! D1 database bindings.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "d1",
    install: ops::install,
};
