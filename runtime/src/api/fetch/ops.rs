//! The native half of `fetch()` (fetch.js): a request to the network through the host.

use rquickjs::{Array, Ctx, Exception, TypedArray};

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
    // `fetch("data:…")` answers from the URL itself (workerd http.c++ DataUrl::tryParse): its
    // MIME type and body, or null when it is not a data URL the Fetch Standard can process.
    ops.add(
        "dataUrl",
        move |ctx: Ctx<'js>, url: String| -> rquickjs::Result<Option<Array<'js>>> {
            let Some((mime, body)) = data_url(&url) else {
                return Ok(None);
            };
            let out = Array::new(ctx.clone())?;
            out.set(0, mime)?;
            out.set(1, TypedArray::new(ctx, body)?)?;
            Ok(Some(out))
        },
    )?;
    Ok(())
}

/// The Fetch Standard's data: URL processor: the MIME type as serialized, and the body (empty
/// when its base64 does not decode, as workerd answers: recorded).
fn data_url(url: &str) -> Option<(String, Vec<u8>)> {
    let parsed = data_url::DataUrl::process(url).ok()?;
    let body = parsed
        .decode_to_vec()
        .map(|(body, _)| body)
        .unwrap_or_default();
    Some((parsed.mime_type().to_string(), body))
}
