//! `URLPattern`, on the urlpattern crate.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "url_pattern",
    install: ops::install,
};
