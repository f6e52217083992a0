//! Workers KV namespace bindings.

mod ops;

pub(crate) use ops::reply_to_js;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "kv",
    install: ops::install,
};
