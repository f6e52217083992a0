//! The native half of the Cache API (cache.js): match, put and delete through the host, which
//! keeps one cache per colo (storage::cache).

use rquickjs::{Ctx, Exception, TypedArray};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::{copy_bytes, pairs, service_call};
use crate::storage::cache::CacheOp;

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
                Box::pin(async move { OpOutcome::Cache(host.cache(op).await) })
            })
        },
    )?;
    Ok(())
}
