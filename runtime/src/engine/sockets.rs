//! The WebSocket ends an isolate holds. Frames leave as outgoing operations (behind a Durable
//! Object's output gate) and a message arriving inside a Durable Object resets the invocation's
//! CPU budget (io_state.rs); the JavaScript-facing ops are api/websocket's.

use std::collections::BTreeMap;

use super::event_loop::OpOutcome;
use crate::invocation::InvocationId;
use crate::socket::SocketEnd;

/// JavaScript's handle to a socket end held by this isolate.
pub type SocketHandle = u32;

/// The socket ends this isolate holds.
#[derive(Default)]
pub struct SocketTable {
    ends: BTreeMap<SocketHandle, SocketEnd>,
    next: SocketHandle,
    /// TCP connections and the invocation that opened them: they close with it.
    owners: BTreeMap<SocketHandle, InvocationId>,
}

impl SocketTable {
    /// Takes `end` in and names it.
    pub fn adopt(&mut self, end: SocketEnd) -> SocketHandle {
        self.next += 1;
        self.ends.insert(self.next, end);
        self.next
    }

    /// Takes in `end`, a TCP connection that closes when `invocation` ends (one the
    /// invocation opened, or the one a connect event brought it).
    pub fn adopt_owned(&mut self, end: SocketEnd, invocation: InvocationId) -> SocketHandle {
        let handle = self.adopt(end);
        self.owners.insert(handle, invocation);
        handle
    }

    /// Gives `handle`'s end up (it leaves in a response, or into the hibernation set).
    pub fn take(&mut self, handle: SocketHandle) -> Option<SocketEnd> {
        self.owners.remove(&handle);
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

    /// Drops the TCP connections `invocation` opened: its request is over, and workerd
    /// closes them with its IoContext (the peer sees the connection go).
    pub fn release_owned_by(&mut self, invocation: InvocationId) {
        let owned: Vec<SocketHandle> = (self.owners.iter())
            .filter(|(_, owner)| **owner == invocation)
            .map(|(handle, _)| *handle)
            .collect();
        for handle in owned {
            self.owners.remove(&handle);
            self.ends.remove(&handle);
        }
    }

    /// An outcome that hands over a socket end — a response with a WebSocket, a TCP
    /// connection `invocation` opened — with the end joined to this table.
    pub fn adopt_arrival(
        &mut self,
        outcome: OpOutcome,
        invocation: Option<InvocationId>,
    ) -> OpOutcome {
        match outcome {
            OpOutcome::Connected(end) => {
                let handle = match invocation {
                    Some(owner) => self.adopt_owned(end, owner),
                    None => self.adopt(end),
                };
                OpOutcome::reply(move |ctx| {
                    Ok(rquickjs::Value::new_number(ctx.clone(), handle.into()))
                })
            }
            OpOutcome::Response(mut response) => match response.web_socket.take() {
                Some(end) => OpOutcome::Upgrade {
                    response,
                    socket: self.adopt(end),
                },
                None => OpOutcome::Response(response),
            },
            other => other,
        }
    }

    /// True when a receive on `handle` can only ever be woken by this isolate and nothing is
    /// queued for it: it is no reason to keep an invocation alive.
    pub fn waits_on_itself(&self, handle: SocketHandle) -> bool {
        self.peer_is_local(handle) && self.ends.get(&handle).is_some_and(|e| !e.has_incoming())
    }
}
