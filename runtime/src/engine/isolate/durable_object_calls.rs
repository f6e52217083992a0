//! An isolate that hosts a Durable Object: calls queue behind the object's input gate and are
//! delivered one at a time (engine::durable_object holds the gates themselves).

use super::{Isolate, engine_error};
use crate::engine::durable_object::{ObjectIo, ObjectSpec};
use crate::engine::event_loop::TimerKind;
use crate::invocation::{InvocationId, InvocationKind};
use crate::socket::Frame;
use crate::socket::hibernation::SocketEvent;
use rquickjs::{IntoJs, Value};

/// Why an isolate cannot host a Durable Object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostObjectError {
    /// The Worker cannot host it (it does not export the class, …): the runtime's text.
    #[error("{0}")]
    Refused(String),
    /// The engine failed while setting the object up.
    #[error("{0}")]
    Engine(String),
}

impl Isolate {
    /// Makes this isolate the home of one Durable Object: from now on calls are delivered with
    /// [`Isolate::enqueue`], behind the object's input gate. Fails when the Worker does not
    /// export the class.
    pub fn host_object(&mut self, spec: ObjectSpec) -> Result<(), HostObjectError> {
        let class = spec.class_name.clone();
        let (id, name, sqlite) = (spec.address.id.clone(), spec.name.clone(), spec.sqlite);
        self.io.borrow_mut().object = Some(Box::new(ObjectIo::new(spec)));
        let entrypoints = &self.entrypoints;
        self.context.with(|ctx| {
            let f = entrypoints
                .host_object
                .clone()
                .restore(&ctx)
                .map_err(|e| HostObjectError::Engine(e.to_string()))?;
            f.call::<_, Option<String>>((class, id, name, sqlite))
                .map_err(|e| HostObjectError::Engine(engine_error(&ctx, e).to_string()))?
                .map_or(Ok(()), |message| Err(HostObjectError::Refused(message)))
        })
    }

    /// Queues a call to the hosted Durable Object; it is delivered once the input gate opens.
    pub fn enqueue(&mut self, kind: InvocationKind) -> InvocationId {
        let id = self.next_invocation;
        self.next_invocation += 1;
        if let Some(object) = self.io.borrow_mut().object.as_mut() {
            object.incoming.push_back((id, kind));
        }
        id
    }

    /// Delivers the next queued object call if the input gate is open; true if it did.
    pub(super) fn deliver_incoming(&mut self) -> bool {
        let next = {
            let mut io = self.io.borrow_mut();
            match io.object.as_mut() {
                Some(object) if object.input_gate_open() => object.incoming.pop_front(),
                _ => None,
            }
        };
        let Some((id, kind)) = next else {
            return false;
        };
        self.register_invocation(id, kind.clone());
        match kind {
            InvocationKind::ObjectFetch(request) => self.dispatch_request(id, &request, true),
            InvocationKind::Rpc { method, args } => self.run_js(Some(id), |ctx, e| {
                let f = e.dispatch_rpc.clone().restore(ctx)?;
                f.call::<_, ()>((id as f64, method, args))
            }),
            InvocationKind::Alarm {
                retry_count,
                scheduled_time_ms,
            } => {
                if let Some(object) = self.io.borrow_mut().object.as_mut() {
                    object.alarm_started(scheduled_time_ms);
                }
                self.run_js(Some(id), |ctx, e| {
                    let f = e.dispatch_alarm.clone().restore(ctx)?;
                    f.call::<_, ()>((id as f64, retry_count, scheduled_time_ms as f64))
                })
            }
            InvocationKind::SocketEvent(event) => {
                self.arm_socket_event_timeout(id);
                self.run_js(Some(id), |ctx, e| {
                    let f = e.dispatch_socket_event.clone().restore(ctx)?;
                    let socket = event.socket() as f64;
                    match event {
                        SocketEvent::Message { frame, .. } => {
                            let (kind, payload): (&str, Value) = match frame {
                                Frame::Binary(bytes) => (
                                    "binary",
                                    rquickjs::ArrayBuffer::new(ctx.clone(), bytes)?.into_value(),
                                ),
                                Frame::Text(text) | Frame::Close { reason: text, .. } => {
                                    ("text", text.into_js(ctx)?)
                                }
                            };
                            f.call::<_, ()>((id as f64, socket, kind, payload))
                        }
                        SocketEvent::Close {
                            code,
                            reason,
                            was_clean,
                            ..
                        } => f.call::<_, ()>((id as f64, socket, "close", reason, code, was_clean)),
                        SocketEvent::Error { message, .. } => {
                            f.call::<_, ()>((id as f64, socket, "error", message))
                        }
                    }
                })
            }
            InvocationKind::Fetch(_)
            | InvocationKind::Service { .. }
            | InvocationKind::Scheduled { .. }
            | InvocationKind::Test { .. }
            | InvocationKind::Workflow(_)
            | InvocationKind::Queue { .. } => {}
        }
        true
    }

    /// Starts the clock `setHibernatableWebSocketEventTimeout` set for a socket event handler.
    fn arm_socket_event_timeout(&self, id: InvocationId) {
        let mut io = self.io.borrow_mut();
        let timeout_ms = io
            .hibernation()
            .and_then(|set| set.borrow().event_timeout_ms());
        if let Some(ms) = timeout_ms {
            io.add_timer(u64::from(ms), TimerKind::SocketEventTimeout, Some(id));
        }
    }
}
