//! The native half of `connect()`: the host opens the connection, and its end joins the
//! isolate's socket table when JavaScript learns of it (engine::sockets). Reads are plain
//! operations of the invocation that reads, so a read still pending when the request is over
//! is cancelled with it, as workerd cancels an IoContext's I/O.

use rquickjs::{Ctx, TypedArray, Value};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::{OpKind, OpOutcome};
use crate::engine::ops::copy_bytes;
use crate::engine::sockets::SocketHandle;
use crate::host::ConnectRequest;
use crate::socket::Frame;

/// What a read hands JavaScript: the bytes, or `null` once the peer ended its side (or is gone).
fn bytes_to_js<'js>(ctx: &Ctx<'js>, frame: Option<Frame>) -> rquickjs::Result<Value<'js>> {
    match frame {
        Some(Frame::Binary(bytes)) => Ok(TypedArray::<u8>::new(ctx.clone(), bytes)?.into_value()),
        Some(Frame::Text(text)) => {
            Ok(TypedArray::<u8>::new(ctx.clone(), text.into_bytes())?.into_value())
        }
        Some(Frame::Close { .. }) | None => Ok(Value::new_null(ctx.clone())),
    }
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add("tcpConnect", move |address: String, tls: bool| -> f64 {
        let mut io = i.borrow_mut();
        let host = io.host.clone();
        let future = Box::pin(async move {
            match host.connect(ConnectRequest { address, tls }).await {
                Ok(end) => {
                    // A byte stream has no message size: a write is as long as it is.
                    end.lift_message_limit();
                    OpOutcome::Connected(end)
                }
                // The socket words the failure itself (it knows the port it asked for).
                Err(e) => OpOutcome::error(e),
            }
        });
        // workerd connects only once a Durable Object's output gate is clear.
        io.add_outgoing_op(OpKind::Js, future) as f64
    })?;

    let i = ops.io.clone();
    ops.add(
        "tcpWrite",
        move |handle: SocketHandle, bytes: TypedArray<'js, u8>| {
            let frame = Frame::Binary(copy_bytes(&bytes));
            let mut io = i.borrow_mut();
            if let Some(end) = io.sockets.get(handle).cloned() {
                io.add_send_op(move |now_ms| end.send(now_ms, frame));
            }
        },
    )?;

    // Ends this side (a FIN); the operation completes once it has left, a turn of the event
    // loop later, as workerd's shutdown of the write side does.
    let i = ops.io.clone();
    ops.add("tcpEndWrite", move |handle: SocketHandle| -> f64 {
        let mut io = i.borrow_mut();
        let end = io.sockets.get(handle).cloned();
        let host = io.host.clone();
        let future = Box::pin(async move {
            if let Some(end) = end {
                let fin = Frame::Close {
                    code: 1005,
                    reason: String::new(),
                };
                end.send(host.now_ms(), fin);
            }
            OpOutcome::Undefined
        });
        io.add_outgoing_op(OpKind::Js, future) as f64
    })?;

    let i = ops.io.clone();
    ops.add("tcpRead", move |handle: SocketHandle| -> f64 {
        let mut io = i.borrow_mut();
        let end = io.sockets.get(handle).cloned();
        let host = io.host.clone();
        let future = Box::pin(async move {
            let Some(end) = end else {
                return OpOutcome::reply(|ctx| bytes_to_js(ctx, None));
            };
            let sleeper = host.clone();
            let frame = end
                .receive(|| host.now_ms(), move |at| sleeper.sleep_until(at))
                .await
                .ok()
                .flatten();
            OpOutcome::reply(move |ctx| bytes_to_js(ctx, frame))
        });
        io.add_op(OpKind::Js, future) as f64
    })?;

    let i = ops.io.clone();
    ops.add("tcpRelease", move |handle: SocketHandle| {
        i.borrow_mut().sockets.take(handle);
    })?;
    Ok(())
}
