//! Workers Analytics Engine: `env.DATASET.writeDataPoint()` (analytics_engine.js), checked
//! as workerd checks it (analytics-engine-impl.h) and handed to the host, which records it.

mod ops;

use serde::Serialize;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "analytics_engine",
    install: ops::install,
};

/// One data point as written: its index, blobs (as text; `None` for a null slot) and
/// doubles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataPoint {
    pub index: Option<String>,
    pub blobs: Vec<Option<String>>,
    pub doubles: Vec<f64>,
}
