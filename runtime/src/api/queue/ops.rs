//! The native half of a queue producer (queue.js): sends through the host's broker.

use rquickjs::Ctx;

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::service_call;
use crate::storage::queue::OutgoingMessage;

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
                        Ok(metrics) => OpOutcome::QueueMetrics(metrics),
                        Err(refusal) => OpOutcome::error(refusal),
                    }
                })
            })
        },
    )?;
    Ok(())
}
