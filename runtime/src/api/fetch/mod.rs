//! `fetch()` to the network.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "fetch",
    install: ops::install,
};
