//! Durable Objects: namespaces, ids and stubs, and an object's state and storage.

mod ops;

pub(crate) use ops::{rows_to_js, sql_value_from_js};

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "durable_object",
    install: ops::install,
};
