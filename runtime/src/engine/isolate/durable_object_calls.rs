//! An isolate that hosts Durable Objects (on the platform, those of one Worker placed at one
//! colo; in `edgesim test`, every object of the Worker's own classes): calls queue behind each
//! object's input gate and are delivered one at a time (engine::durable_object holds the gates
//! themselves).

use super::{Isolate, engine_error};
use crate::engine::durable_object::{ObjectIo, ObjectSlot, ObjectSpec};
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
    /// Makes this isolate the home of a Durable Object: from now on calls to it are delivered
    /// with [`Isolate::enqueue`], behind its input gate. Fails when the Worker does not export
    /// the class.
    pub fn host_object(&mut self, spec: ObjectSpec) -> Result<ObjectSlot, HostObjectError> {
        let class = spec.class_name.clone();
        let (id, name, sqlite) = (spec.address.id.clone(), spec.name.clone(), spec.sqlite);
        let slot = self.next_object_slot;
        self.next_object_slot += 1;
        (self.io.borrow_mut().objects).insert(slot, Box::new(ObjectIo::new(spec)));
        let entrypoints = &self.entrypoints;
        let refused = self.context.with(|ctx| {
            let f = entrypoints
                .host_object
                .clone()
                .restore(&ctx)
                .map_err(|e| HostObjectError::Engine(e.to_string()))?;
            f.call::<_, Option<String>>((class, id, name, sqlite, slot))
                .map_err(|e| HostObjectError::Engine(engine_error(&ctx, e).to_string()))?
                .map_or(Ok(()), |message| Err(HostObjectError::Refused(message)))
        });
        match refused {
            Ok(()) => Ok(slot),
            Err(e) => {
                self.io.borrow_mut().objects.remove(&slot);
                Err(e)
            }
        }
    }

    /// Lets go of hosted object `object` (reset, or its storage rolled back): what it had
    /// running and queued is dropped, and its instance with it; the next call to its address
    /// starts a new one.
    pub fn unhost_object(&mut self, object: ObjectSlot) {
        {
            let mut io = self.io.borrow_mut();
            io.objects.remove(&object);
            io.event_loop.cancel_object(object);
            let calls: Vec<InvocationId> = (io.invocation_objects.iter())
                .filter(|(_, slot)| **slot == object)
                .map(|(id, _)| *id)
                .collect();
            for id in calls {
                io.invocations.remove(&id);
                io.invocation_objects.remove(&id);
                io.cancel_invocation(id);
            }
        }
        let entrypoints = &self.entrypoints;
        self.context.with(|ctx| {
            if let Ok(f) = entrypoints.unhost_object.clone().restore(&ctx) {
                let _ = f.call::<_, ()>((object,));
            }
        });
    }

    /// Queues a call to hosted object `object`; it is delivered once its input gate opens.
    pub fn enqueue(&mut self, object: ObjectSlot, kind: InvocationKind) -> InvocationId {
        let id = self.next_invocation;
        self.next_invocation += 1;
        if let Some(hosted) = self.io.borrow_mut().objects.get_mut(&object) {
            hosted.incoming.push_back((id, kind));
        }
        id
    }

    /// Delivers the next queued object call whose object's input gate is open; true if it did.
    pub(super) fn deliver_incoming(&mut self) -> bool {
        let next = {
            let mut io = self.io.borrow_mut();
            (io.objects.iter_mut())
                .filter(|(_, object)| object.input_gate_open())
                .find_map(|(slot, object)| Some((*slot, object.incoming.pop_front()?)))
        };
        let Some((slot, (id, kind))) = next else {
            return false;
        };
        {
            // What is set up for the call before its JavaScript runs is the object's.
            let mut io = self.io.borrow_mut();
            io.invocation_objects.insert(id, slot);
            io.current_object = Some(slot);
        }
        self.register_invocation(id, kind.clone());
        match kind {
            InvocationKind::ObjectFetch(request) => self.dispatch_request(id, &request, true),
            InvocationKind::Rpc {
                stub,
                method,
                args,
                caller,
            } => {
                let caller = self.io.borrow_mut().caller_handle(caller);
                self.run_js(Some(id), |ctx, e| {
                    let f = e.dispatch_rpc.clone().restore(ctx)?;
                    f.call::<_, ()>((id as f64, method, args, stub, caller))
                })
            }
            InvocationKind::Alarm {
                retry_count,
                scheduled_time_ms,
            } => {
                if let Some(object) = self.io.borrow_mut().objects.get_mut(&slot) {
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
            | InvocationKind::Email
            | InvocationKind::Queue { .. } => {}
        }
        self.io.borrow_mut().current_object = None;
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
