//! Ops that reach a platform service through the host: the network (`fetch`), KV, the Cache
//! API, Queues and R2. Each group is installed when the first unit that calls it loads
//! (ops::OpGroup).

use rquickjs::{Ctx, Exception, Function, Object, TypedArray};

use super::event_loop::{OpKind, OpOutcome};
use super::ops::{Io, copy_bytes, pairs, require_request, service_call};
use crate::host::HttpRequest;
use crate::storage::cache::CacheOp;
use crate::storage::queue::OutgoingMessage;

macro_rules! op {
    ($ctx:expr, $ops:expr, $name:literal, $f:expr) => {
        $ops.set($name, Function::new($ctx.clone(), $f)?)?;
    };
}

/// `fetch()` to the network: counted against the invocation's subrequest limit.
pub fn install_fetch<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, io: Io) -> rquickjs::Result<()> {
    let i = io;
    op!(ctx, ops, "fetch", move |ctx: Ctx<'js>,
                                 method: String,
                                 url: String,
                                 headers: Vec<String>,
                                 body: Option<
        TypedArray<'js, u8>,
    >|
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
        let request = HttpRequest {
            method,
            url,
            headers: pairs(headers),
            body: body.map(|b| copy_bytes(&b)).unwrap_or_default(),
        };
        let id = io.add_fetch_op(OpKind::Js, request);
        Ok(id as f64)
    });
    Ok(())
}

/// Workers KV.
pub fn install_kv<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, io: Io) -> rquickjs::Result<()> {
    let i = io;
    op!(ctx, ops, "kv", move |ctx: Ctx<'js>,
                              namespace: String,
                              args: String,
                              value: Option<TypedArray<'js, u8>>|
          -> rquickjs::Result<f64> {
        let op = super::kv_op::parse(&args, value.map(|v| copy_bytes(&v)))
            .map_err(|e| Exception::throw_type(&ctx, &format!("internal: bad KV call: {e}")))?;
        service_call(&ctx, &i, |host| {
            Box::pin(async move {
                match host.kv(&namespace, op).await {
                    Ok(reply) => OpOutcome::Kv(reply),
                    Err(e) => OpOutcome::error(e),
                }
            })
        })
    });
    Ok(())
}

/// The Cache API.
pub fn install_cache<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, io: Io) -> rquickjs::Result<()> {
    let i = io;
    op!(ctx, ops, "cache", move |ctx: Ctx<'js>,
                                 kind: String,
                                 target: Vec<String>,
                                 headers: Vec<String>,
                                 status: u16,
                                 body: Option<
        TypedArray<'js, u8>,
    >|
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
                response: crate::host::HttpResponse {
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
    });
    Ok(())
}

/// Sending to a queue.
pub fn install_queue<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, io: Io) -> rquickjs::Result<()> {
    let i = io;
    op!(ctx, ops, "queueSend", move |ctx: Ctx<'js>,
                                     queue: String,
                                     messages: Vec<Vec<String>>,
                                     sizes: Vec<f64>|
          -> rquickjs::Result<f64> {
        let messages: Vec<OutgoingMessage> = messages
            .into_iter()
            .zip(sizes)
            .filter_map(|(m, bytes)| {
                let [body, content_type, delay] = <[String; 3]>::try_from(m).ok()?;
                Some(OutgoingMessage {
                    body,
                    content_type,
                    bytes: bytes as usize,
                    delay_s: delay.parse().unwrap_or(0),
                })
            })
            .collect();
        service_call(&ctx, &i, |host| {
            Box::pin(async move {
                match host.queue_send(&queue, messages).await {
                    Ok(metrics) => OpOutcome::QueueMetrics(metrics),
                    Err(refusal) => OpOutcome::error(refusal),
                }
            })
        })
    });
    Ok(())
}

/// R2.
pub fn install_r2<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, io: Io) -> rquickjs::Result<()> {
    let i = io;
    op!(ctx, ops, "r2", move |ctx: Ctx<'js>,
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
                    Ok((reply, body)) => OpOutcome::R2(
                        serde_json::to_string(&reply).unwrap_or_else(|_| "{}".into()),
                        body,
                    ),
                    Err(e) => OpOutcome::error(e),
                }
            })
        })
    });
    Ok(())
}
