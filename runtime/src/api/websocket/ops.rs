//! Native functions behind `WebSocketPair`, `WebSocket` and a Durable Object's hibernatable
//! sockets (websocket.js).
//!
//! JavaScript names a socket end by a small handle into the isolate's socket table
//! (engine::sockets). Sends
//! are outgoing operations, so inside a Durable Object they wait behind the output gate like
//! any other output; receives are operations of the invocation that accepted the socket, which
//! keeps that invocation alive while the socket is open, as workerd's pending event does —
//! except when the peer end is in this same isolate, where nothing outside could ever send.

use rquickjs::{Ctx, Exception, IntoJs, Object, TypedArray, Value};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::{OpKind, OpOutcome};
use crate::engine::ops::copy_bytes;
use crate::engine::sockets::SocketHandle;
use crate::socket::hibernation::SocketId;
use crate::socket::{Frame, MessageTooLarge, SocketEnd};

/// A frame as JavaScript hands it over: `kind` is `text`, `binary` or `close`.
fn frame_from_js(
    ctx: &Ctx<'_>,
    kind: &str,
    text: Option<String>,
    bytes: Option<TypedArray<'_, u8>>,
    code: Option<u16>,
) -> rquickjs::Result<Frame> {
    Ok(match kind {
        "text" => Frame::Text(text.unwrap_or_default()),
        "binary" => Frame::Binary(bytes.map(|b| copy_bytes(&b)).unwrap_or_default()),
        "close" => Frame::Close {
            code: code.unwrap_or(1005),
            reason: text.unwrap_or_default(),
        },
        other => {
            return Err(Exception::throw_type(
                ctx,
                &format!("internal: bad frame kind {other}"),
            ));
        }
    })
}

/// `[kind, payload, code]`: `text` with a string, `binary` with an ArrayBuffer, `close` with
/// the reason and code, `gone` when the peer vanished without a close frame.
fn frame_to_js<'js>(
    ctx: &Ctx<'js>,
    frame: Result<Option<Frame>, MessageTooLarge>,
) -> rquickjs::Result<Value<'js>> {
    let out = rquickjs::Array::new(ctx.clone())?;
    let frame = match frame {
        Ok(frame) => frame,
        Err(e) => {
            out.set(0, "error")?;
            out.set(1, e.to_string())?;
            return Ok(out.into_value());
        }
    };
    match frame {
        Some(Frame::Text(t)) => {
            out.set(0, "text")?;
            out.set(1, t)?;
        }
        Some(Frame::Binary(b)) => {
            out.set(0, "binary")?;
            out.set(1, rquickjs::ArrayBuffer::new(ctx.clone(), b)?)?;
        }
        Some(Frame::Close { code, reason }) => {
            out.set(0, "close")?;
            out.set(1, reason)?;
            out.set(2, code)?;
        }
        None => {
            out.set(0, "gone")?;
        }
    }
    Ok(out.into_value())
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let io = ops.io.clone();

    let i = io.clone();
    ops.add("socketPair", move || -> Vec<SocketHandle> {
        let (a, b) = SocketEnd::pair();
        let mut io = i.borrow_mut();
        vec![io.sockets.adopt(a), io.sockets.adopt(b)]
    })?;

    let i = io.clone();
    ops.add(
        "socketSend",
        move |ctx: Ctx<'js>,
              handle: SocketHandle,
              kind: String,
              text: Option<String>,
              bytes: Option<TypedArray<'js, u8>>,
              code: Option<u16>|
              -> rquickjs::Result<()> {
            let frame = frame_from_js(&ctx, &kind, text, bytes, code)?;
            let mut io = i.borrow_mut();
            if let Some(end) = io.sockets.get(handle).cloned() {
                io.add_send_op(move |now_ms| end.send(now_ms, frame));
            }
            Ok(())
        },
    )?;

    let i = io.clone();
    ops.add("socketReceive", move |handle: SocketHandle| -> f64 {
        let mut io = i.borrow_mut();
        let end = io.sockets.get(handle).cloned();
        let host = io.host.clone();
        let future = Box::pin(async move {
            let Some(end) = end else {
                return OpOutcome::reply(|ctx| frame_to_js(ctx, Ok(None)));
            };
            let sleeper = host.clone();
            let frame = end
                .receive(|| host.now_ms(), move |at| sleeper.sleep_until(at))
                .await;
            OpOutcome::reply(move |ctx| frame_to_js(ctx, frame))
        });
        io.add_op(OpKind::SocketReceive(handle), future) as f64
    })?;

    let i = io.clone();
    ops.add("socketRelease", move |handle: SocketHandle| {
        i.borrow_mut().sockets.take(handle);
    })?;

    // ---------- hibernatable sockets (Durable Objects) ----------

    let i = io.clone();
    ops.add("hibernatableAccept", move |ctx: Ctx<'js>,
                                    handle: SocketHandle,
                                    tags: Vec<String>|
          -> rquickjs::Result<f64> {
        let mut io = i.borrow_mut();
        let Some(set) = io.hibernation() else {
            return Err(Exception::throw_message(
                &ctx,
                "acceptWebSocket() is only available inside a Durable Object.",
            ));
        };
        let Some(end) = io.sockets.take(handle) else {
            return Err(Exception::throw_type(
                &ctx,
                "Tried to make an api::WebSocket hibernatable when it was in an incompatible state.",
            ));
        };
        let id = set
            .borrow_mut()
            .accept(end, tags)
            .map_err(|e| Exception::throw_message(&ctx, &e.to_string()))?;
        Ok(id as f64)
    })?;

    let i = io.clone();
    ops.add("hibernatableIds", move |tag: Option<String>| -> Vec<f64> {
        let io = i.borrow();
        io.hibernation().map_or_else(Vec::new, |set| {
            set.borrow()
                .ids(tag.as_deref())
                .into_iter()
                .map(|id| id as f64)
                .collect()
        })
    })?;

    let i = io.clone();
    ops.add(
        "hibernatableInfo",
        move |ctx: Ctx<'js>, id: f64| -> rquickjs::Result<Value<'js>> {
            let io = i.borrow();
            let Some(set) = io.hibernation() else {
                return Ok(Value::new_null(ctx.clone()));
            };
            let set = set.borrow();
            let id = id as SocketId;
            let info = Object::new(ctx.clone())?;
            info.set("tags", set.tags(id).unwrap_or_default())?;
            info.set("attachment", set.attachment(id))?;
            info.set("readyState", set.ready_state(id))?;
            info.set("closedOutgoing", set.closed_outgoing(id))?;
            info.set(
                "autoResponseAt",
                set.auto_response_timestamp(id).map(|ms| ms as f64),
            )?;
            Ok(info.into_value())
        },
    )?;

    let i = io.clone();
    ops.add(
        "hibernatableSetAttachment",
        move |id: f64, attachment: Option<String>| {
            if let Some(set) = i.borrow().hibernation() {
                set.borrow_mut().set_attachment(id as SocketId, attachment);
            }
        },
    )?;

    let i = io.clone();
    ops.add(
        "hibernatableSend",
        move |ctx: Ctx<'js>,
              id: f64,
              kind: String,
              text: Option<String>,
              bytes: Option<TypedArray<'js, u8>>,
              code: Option<u16>|
              -> rquickjs::Result<()> {
            let frame = frame_from_js(&ctx, &kind, text, bytes, code)?;
            let mut io = i.borrow_mut();
            if let Some(set) = io.hibernation() {
                io.add_send_op(move |now_ms| {
                    // The send-after-close case is refused in JavaScript before it gets here.
                    let _ = set.borrow_mut().send(id as SocketId, now_ms, frame);
                });
            }
            Ok(())
        },
    )?;

    let i = io.clone();
    ops.add("setAutoResponse", move |pair: Option<Vec<String>>| {
        if let Some(set) = i.borrow().hibernation() {
            let pair = pair.and_then(|p| <[String; 2]>::try_from(p).ok());
            set.borrow_mut()
                .set_auto_response(pair.map(|[req, resp]| (req, resp)));
        }
    })?;

    let i = io.clone();
    ops.add("setEventTimeout", move |timeout_ms: Option<u32>| {
        if let Some(set) = i.borrow().hibernation() {
            set.borrow_mut().set_event_timeout_ms(timeout_ms);
        }
    })?;

    let i = io.clone();
    ops.add("getEventTimeout", move || -> Option<u32> {
        i.borrow()
            .hibernation()
            .and_then(|set| set.borrow().event_timeout_ms())
    })?;

    let i = io;
    ops.add(
        "getAutoResponse",
        move |ctx: Ctx<'js>| -> rquickjs::Result<Value<'js>> {
            let pair = i
                .borrow()
                .hibernation()
                .and_then(|set| set.borrow().auto_response());
            match pair {
                Some((req, resp)) => vec![req, resp].into_js(&ctx),
                None => Ok(Value::new_null(ctx.clone())),
            }
        },
    )?;
    Ok(())
}
