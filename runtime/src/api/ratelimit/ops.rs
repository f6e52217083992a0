//! The native half of a rate limiter: the count is the host's.

use crate::engine::catalog::OpSet;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "rateLimit",
        move |namespace: String, key: String, limit: f64, period_s: f64| -> bool {
            let host = i.borrow().host.clone();
            host.rate_limit(&namespace, &key, limit.max(0.0) as u32, period_s as u32)
        },
    )?;
    Ok(())
}
