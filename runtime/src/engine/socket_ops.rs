//! Native functions behind `WebSocketPair`, `WebSocket` and a Durable Object's hibernatable
//! sockets (web/js/45_websocket.js).
//!
//! JavaScript names a socket end by a small handle into the isolate's [`SocketTable`]. Sends
//! are outgoing operations, so inside a Durable Object they wait behind the output gate like
//! any other output; receives are operations of the invocation that accepted the socket, which
//! keeps that invocation alive while the socket is open, as workerd's pending event does —
//! except when the peer end is in this same isolate, where nothing outside could ever send.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use rquickjs::{Ctx, Exception, Function, IntoJs, Object, TypedArray, Value};

use super::event_loop::{IoState, OpKind, OpOutcome};
use super::ops::copy_bytes;
use crate::socket::hibernation::{Hibernation, SocketId};
use crate::socket::{Frame, MessageTooLarge, SocketEnd};

type Io = Rc<RefCell<IoState>>;

/// JavaScript's handle to a socket end held by this isolate.
pub type SocketHandle = u32;

/// The socket ends this isolate holds.
#[derive(Default)]
pub struct SocketTable {
    ends: BTreeMap<SocketHandle, SocketEnd>,
    next: SocketHandle,
}

impl SocketTable {
    /// Takes `end` in and names it.
    pub fn adopt(&mut self, end: SocketEnd) -> SocketHandle {
        self.next += 1;
        self.ends.insert(self.next, end);
        self.next
    }

    /// Gives `handle`'s end up (it leaves in a response, or into the hibernation set).
    pub fn take(&mut self, handle: SocketHandle) -> Option<SocketEnd> {
        self.ends.remove(&handle)
    }

    pub fn get(&self, handle: SocketHandle) -> Option<&SocketEnd> {
        self.ends.get(&handle)
    }

    /// True when the peer of `handle`'s end is also held here.
    pub fn peer_is_local(&self, handle: SocketHandle) -> bool {
        self.ends
            .get(&handle)
            .is_some_and(|end| self.ends.values().any(|other| other.is_peer_of(end)))
    }

    /// True when a receive on `handle` can only ever be woken by this isolate and nothing is
    /// queued for it: it is no reason to keep an invocation alive.
    pub fn waits_on_itself(&self, handle: SocketHandle) -> bool {
        self.peer_is_local(handle) && self.ends.get(&handle).is_some_and(|e| !e.has_incoming())
    }
}

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
pub fn frame_to_js<'js>(
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

impl IoState {
    /// The hibernation set of the object this isolate hosts.
    pub(crate) fn hibernation(&self) -> Option<Rc<RefCell<Hibernation>>> {
        let object = self.object.as_ref()?;
        self.host.hibernation(&object.spec.address)
    }

    /// A frame leaving through `send` once the output gate lets it. It belongs to no
    /// invocation: a handler that returns right after `send()` still gets its message out.
    fn add_send_op(&mut self, send: impl FnOnce(u64) + 'static) {
        let host = self.host.clone();
        self.add_outgoing_op_for(
            None,
            OpKind::Send,
            Box::pin(async move {
                send(host.now_ms());
                OpOutcome::Undefined
            }),
        );
    }

    /// A response that hands over a WebSocket: its end joins this isolate's table.
    pub(super) fn adopt_upgrade(&mut self, outcome: OpOutcome) -> OpOutcome {
        match outcome {
            OpOutcome::Response(mut response) => match response.web_socket.take() {
                Some(end) => OpOutcome::Upgrade {
                    response,
                    socket: self.sockets.adopt(end),
                },
                None => OpOutcome::Response(response),
            },
            other => other,
        }
    }

    /// A message on a socket this invocation accepted: inside a Durable Object it resets the
    /// invocation's CPU budget, as every incoming WebSocket message does (limits.mdx).
    pub(super) fn socket_message_arrived(&mut self, invocation: Option<u64>) {
        if self.object.is_none() {
            return;
        }
        let limit = super::cpu::ms_to_picos(self.limits.effective_cpu_ms());
        if let Some(inv) = invocation.and_then(|id| self.invocations.get_mut(&id)) {
            inv.cpu_limit_ps = inv.cpu.picos().saturating_add(limit);
        }
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, io: Io) -> rquickjs::Result<()> {
    macro_rules! op {
        ($name:literal, $f:expr) => {
            ops.set($name, Function::new(ctx.clone(), $f)?)?;
        };
    }

    let i = io.clone();
    op!("socketPair", move || -> Vec<SocketHandle> {
        let (a, b) = SocketEnd::pair();
        let mut io = i.borrow_mut();
        vec![io.sockets.adopt(a), io.sockets.adopt(b)]
    });

    let i = io.clone();
    op!("socketSend", move |ctx: Ctx<'js>,
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
    });

    let i = io.clone();
    op!("socketReceive", move |handle: SocketHandle| -> f64 {
        let mut io = i.borrow_mut();
        let end = io.sockets.get(handle).cloned();
        let host = io.host.clone();
        let future = Box::pin(async move {
            let Some(end) = end else {
                return OpOutcome::Frame(Ok(None));
            };
            let sleeper = host.clone();
            let frame = end
                .receive(|| host.now_ms(), move |at| sleeper.sleep_until(at))
                .await;
            OpOutcome::Frame(frame)
        });
        io.add_op(OpKind::SocketReceive(handle), future) as f64
    });

    let i = io.clone();
    op!("socketRelease", move |handle: SocketHandle| {
        i.borrow_mut().sockets.take(handle);
    });

    // ---------- hibernatable sockets (Durable Objects) ----------

    let i = io.clone();
    op!("hibernatableAccept", move |ctx: Ctx<'js>,
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
    });

    let i = io.clone();
    op!("hibernatableIds", move |tag: Option<String>| -> Vec<f64> {
        let io = i.borrow();
        io.hibernation().map_or_else(Vec::new, |set| {
            set.borrow()
                .ids(tag.as_deref())
                .into_iter()
                .map(|id| id as f64)
                .collect()
        })
    });

    let i = io.clone();
    op!("hibernatableInfo", move |ctx: Ctx<'js>,
                                  id: f64|
          -> rquickjs::Result<
        Value<'js>,
    > {
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
    });

    let i = io.clone();
    op!("hibernatableSetAttachment", move |id: f64,
                                           attachment: Option<
        String,
    >| {
        if let Some(set) = i.borrow().hibernation() {
            set.borrow_mut().set_attachment(id as SocketId, attachment);
        }
    });

    let i = io.clone();
    op!("hibernatableSend", move |ctx: Ctx<'js>,
                                  id: f64,
                                  kind: String,
                                  text: Option<String>,
                                  bytes: Option<
        TypedArray<'js, u8>,
    >,
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
    });

    let i = io.clone();
    op!("setAutoResponse", move |pair: Option<Vec<String>>| {
        if let Some(set) = i.borrow().hibernation() {
            let pair = pair.and_then(|p| <[String; 2]>::try_from(p).ok());
            set.borrow_mut()
                .set_auto_response(pair.map(|[req, resp]| (req, resp)));
        }
    });

    let i = io.clone();
    op!("setEventTimeout", move |timeout_ms: Option<u32>| {
        if let Some(set) = i.borrow().hibernation() {
            set.borrow_mut().set_event_timeout_ms(timeout_ms);
        }
    });

    let i = io.clone();
    op!("getEventTimeout", move || -> Option<u32> {
        i.borrow()
            .hibernation()
            .and_then(|set| set.borrow().event_timeout_ms())
    });

    let i = io;
    op!(
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
        }
    );
    Ok(())
}
