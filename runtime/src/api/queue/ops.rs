//! The native half of a queue producer (queue.js): sends through the host's broker.

use rquickjs::{Ctx, Object, Value};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::service_call;
use crate::storage::queue::{OutgoingMessage, QueueMetrics};

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "queueSend",
        move |ctx: Ctx<'js>,
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
                        Ok(metrics) => OpOutcome::reply(move |ctx| metrics_to_js(ctx, metrics)),
                        Err(refusal) => OpOutcome::error(refusal),
                    }
                })
            })
        },
    )?;
    Ok(())
}

/// The backlog a send reports: `{ backlogCount, backlogBytes, oldestMessageTimestamp? }`.
fn metrics_to_js<'js>(ctx: &Ctx<'js>, m: QueueMetrics) -> rquickjs::Result<Value<'js>> {
    let metrics = Object::new(ctx.clone())?;
    metrics.set("backlogCount", m.backlog_count as f64)?;
    metrics.set("backlogBytes", m.backlog_bytes as f64)?;
    if let Some(ms) = m.oldest_message_ms {
        metrics.set("oldestMessageTimestamp", ms as f64)?;
    }
    Ok(metrics.into_value())
}
