//! The native half of the Cache API (cache.js): match, put and delete through the host, which
//! keeps one cache per colo (storage::cache).

use rquickjs::{Ctx, Exception, IntoJs, TypedArray, Value};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::{copy_bytes, pairs, response_to_js, service_call};
use crate::storage::cache::{CacheOp, CacheReply};

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "cache",
        move |ctx: Ctx<'js>,
              kind: String,
              target: Vec<String>,
              headers: Vec<String>,
              status: u16,
              body: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<f64> {
            let [cache, url] = <[String; 2]>::try_from(target)
                .map_err(|_| Exception::throw_type(&ctx, "internal: bad cache target"))?;
            let op = match kind.as_str() {
                "match" => CacheOp::Match {
                    cache,
                    url,
                    headers: pairs(headers),
                },
                "put" => CacheOp::Put {
                    cache,
                    url,
                    response: crate::http::HttpResponse {
                        status,
                        status_text: String::new(),
                        headers: pairs(headers),
                        body: body.map(|b| copy_bytes(&b)).unwrap_or_default(),
                        web_socket: None,
                    },
                },
                _ => CacheOp::Delete { cache, url },
            };
            service_call(&ctx, &i, |host| {
                Box::pin(async move {
                    let reply = host.cache(op).await;
                    OpOutcome::reply(move |ctx| reply_to_js(ctx, reply))
                })
            })
        },
    )?;
    Ok(())
}

/// A match answers the stored response (as a fetch does) or null; a put answers nothing; a
/// delete whether something was deleted.
fn reply_to_js<'js>(ctx: &Ctx<'js>, reply: CacheReply) -> rquickjs::Result<Value<'js>> {
    match reply {
        CacheReply::Match(Some(response)) => Ok(response_to_js(ctx, response)?.into_value()),
        CacheReply::Match(None) => Ok(Value::new_null(ctx.clone())),
        CacheReply::Put(_) => Ok(Value::new_undefined(ctx.clone())),
        CacheReply::Delete(deleted) => deleted.into_js(ctx),
    }
}
