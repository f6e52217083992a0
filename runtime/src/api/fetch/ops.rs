//! The native half of `fetch()` (fetch.js): a request to the network through the host.

use rquickjs::{Ctx, Exception, TypedArray};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpKind;
use crate::engine::ops::require_request;

/// `fetch()` to the network: counted against the invocation's subrequest limit.
pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "fetch",
        move |ctx: Ctx<'js>,
              method: String,
              url: String,
              headers: Vec<String>,
              body: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let mut io = i.borrow_mut();
            let limit = io.limits.subrequests_external;
            if let Some(inv) = io.current.and_then(|id| io.invocations.get_mut(&id)) {
                inv.subrequests_external += 1;
                if inv.subrequests_external > limit {
                    return Err(Exception::throw_message(&ctx, "Too many subrequests."));
                }
            }
            let request = crate::engine::ops::request_from_js(method, url, headers, body);
            let id = io.add_fetch_op(OpKind::Js, request);
            Ok(id as f64)
        },
    )?;
    Ok(())
}
