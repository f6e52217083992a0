//! JS RPC and service bindings: the members of stubs and bindings that are calls, the rules of
//! the receiving side (worker-rpc.c++), and `env.SERVICE` with the delivery of its calls to a
//! Worker's entrypoints.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "rpc",
    install: ops::install,
};
