//! `HTMLRewriter`, on lol_html.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "html_rewriter",
    install: ops::install,
};
