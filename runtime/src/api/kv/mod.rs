//! Workers KV namespace bindings.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "kv",
    install: ops::install,
};
