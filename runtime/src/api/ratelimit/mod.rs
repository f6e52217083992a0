//! Rate limiting (`ratelimits`): `env.LIMITER.limit({ key })` (ratelimit.js), counted by the
//! host at the location the isolate runs in (storage::rate_limit).

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "ratelimit",
    install: ops::install,
};
