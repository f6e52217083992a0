//! Queue producers: `send` and `sendBatch`.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "queue",
    install: ops::install,
};
