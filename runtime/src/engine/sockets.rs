//! The WebSocket ends an isolate holds, and what its event loop does with them: frames leave
//! as outgoing operations (behind a Durable Object's output gate), an upgrade response hands
//! its end over, and a message arriving inside a Durable Object resets the invocation's CPU
//! budget. The JavaScript-facing ops are api/websocket's.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::event_loop::{IoState, OpKind, OpOutcome};
use crate::socket::SocketEnd;
use crate::socket::hibernation::Hibernation;

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

impl IoState {
    /// The hibernation set of the object this isolate hosts.
    pub(crate) fn hibernation(&self) -> Option<Rc<RefCell<Hibernation>>> {
        let object = self.object.as_ref()?;
        self.host.hibernation(&object.spec.address)
    }

    /// A frame leaving through `send` once the output gate lets it. It belongs to no
    /// invocation: a handler that returns right after `send()` still gets its message out.
    pub(crate) fn add_send_op(&mut self, send: impl FnOnce(u64) + 'static) {
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
    pub(crate) fn adopt_upgrade(&mut self, outcome: OpOutcome) -> OpOutcome {
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
    pub(crate) fn socket_message_arrived(&mut self, invocation: Option<u64>) {
        if self.object.is_none() {
            return;
        }
        let limit = super::cpu::ms_to_picos(self.limits.effective_cpu_limit_ms());
        if let Some(inv) = invocation.and_then(|id| self.invocations.get_mut(&id)) {
            inv.cpu_limit_ps = inv.cpu.picos().saturating_add(limit);
        }
    }
}
