//! `TextEncoder`, `TextDecoder` and the text decoding of bodies.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "encoding",
    install: ops::install,
};
