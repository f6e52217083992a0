//! The native half of an R2 bucket binding (r2.js): calls arrive as JSON (checked in r2.js
//! with workerd's messages) and go to the bucket through the host.

use rquickjs::{Ctx, Exception, TypedArray, Value};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::{copy_bytes, service_call};

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "r2",
        move |ctx: Ctx<'js>,
              bucket: String,
              op: String,
              body: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<f64> {
            let op: crate::storage::r2::R2Op = serde_json::from_str(&op)
                .map_err(|e| Exception::throw_type(&ctx, &format!("internal: bad R2 call: {e}")))?;
            let body = body.map(|b| copy_bytes(&b)).unwrap_or_default();
            service_call(&ctx, &i, |host| {
                Box::pin(async move {
                    match host.r2(&bucket, op, body).await {
                        Ok((reply, body)) => {
                            let json =
                                serde_json::to_string(&reply).unwrap_or_else(|_| "{}".into());
                            OpOutcome::reply(move |ctx| reply_to_js(ctx, json, body))
                        }
                        Err(e) => OpOutcome::error(e),
                    }
                })
            })
        },
    )?;
    Ok(())
}

/// `[replyJson, body | null]`: the reply as JSON, a read's body as bytes beside it.
fn reply_to_js<'js>(
    ctx: &Ctx<'js>,
    json: String,
    body: Option<Vec<u8>>,
) -> rquickjs::Result<Value<'js>> {
    let out = rquickjs::Array::new(ctx.clone())?;
    out.set(0, json)?;
    match body {
        Some(b) => out.set(1, TypedArray::<u8>::new(ctx.clone(), b)?)?,
        None => out.set(1, Value::new_null(ctx.clone()))?,
    }
    Ok(out.into_value())
}
