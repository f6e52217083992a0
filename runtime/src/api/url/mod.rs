//! `URL` and `URLSearchParams`.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "url",
    install: ops::install,
};
