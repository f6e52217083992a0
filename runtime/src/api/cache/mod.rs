//! The Cache API: `caches.default` and `caches.open(name)`, one cache per colo.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "cache",
    install: ops::install,
};
