//! D1 database bindings.

mod ops;

pub(crate) use ops::response_to_js;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "d1",
    install: ops::install,
};
