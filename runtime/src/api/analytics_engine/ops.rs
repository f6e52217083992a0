//! The native half of Analytics Engine: a checked data point goes to the host.

use super::DataPoint;
use crate::engine::catalog::OpSet;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "analyticsWrite",
        move |dataset: String,
              index: Option<String>,
              blobs: Vec<Option<String>>,
              doubles: Vec<f64>| {
            let host = i.borrow().host.clone();
            host.analytics_write(
                &dataset,
                DataPoint {
                    index,
                    blobs,
                    doubles,
                },
            );
        },
    )?;
    Ok(())
}
