//! A Durable Object's hibernatable WebSockets (`ctx.acceptWebSocket`): kept by the platform, not
//! by the object's isolate, so they stay connected while the object is evicted and wake it when
//! a message arrives (semantics.md §5.5).
//!
//! The set answers the configured auto-response itself, without waking the object, and (with
//! `web_socket_auto_reply_to_close`) completes the close handshake. Everything else becomes a
//! [`SocketEvent`] the object's host delivers as a `webSocketMessage` / `webSocketClose` call.

use std::collections::BTreeMap;
use std::task::{Context, Poll};

use super::{Frame, Receive, SocketEnd};

/// actor-state.h: hibernatable WebSockets one object may hold.
pub const SOCKETS_PER_OBJECT_MAX: usize = 32_768;
/// actor-state.h: `MAX_TAGS_PER_CONNECTION`, `MAX_TAG_LENGTH`.
pub const TAGS_PER_SOCKET_MAX: usize = 10;
pub const TAG_CHARS_MAX: usize = 256;
/// web-socket.h: `MAX_ATTACHMENT_SIZE`.
pub const ATTACHMENT_BYTES_MAX: usize = 16_384;
/// actor-state.c++: the auto-response request and response, each.
pub const AUTO_RESPONSE_CHARS_MAX: usize = 2_048;
/// web-socket.c++: what a close event says when the peer vanished without a close frame.
pub const DISCONNECTED_WITHOUT_CLOSE: &str = "WebSocket disconnected without sending Close frame.";

/// The handle JavaScript and the host use for one hibernatable socket.
pub type SocketId = u64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HibernationError {
    /// edgesim's wording: production documents the limit but not its message.
    #[error(
        "A Durable Object cannot accept more than {SOCKETS_PER_OBJECT_MAX} hibernatable WebSockets."
    )]
    TooManySockets,
    #[error("Can't call WebSocket send() after close().")]
    SendAfterClose,
}

/// Something the object must handle: a message, or the end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketEvent {
    /// A text or binary frame for `webSocketMessage(ws, message)`.
    Message { socket: SocketId, frame: Frame },
    /// For `webSocketClose(ws, code, reason, wasClean)`.
    Close {
        socket: SocketId,
        code: u16,
        reason: String,
        was_clean: bool,
    },
    /// For `webSocketError(ws, error)`: the connection broke other than by a disconnect (an
    /// oversized message); the socket leaves the set.
    Error { socket: SocketId, message: String },
}

impl SocketEvent {
    pub fn socket(&self) -> SocketId {
        match self {
            SocketEvent::Message { socket, .. }
            | SocketEvent::Close { socket, .. }
            | SocketEvent::Error { socket, .. } => *socket,
        }
    }

    /// The connection is over after this event (close or error): its handler ends the socket.
    pub fn ends_connection(&self) -> bool {
        !matches!(self, SocketEvent::Message { .. })
    }
}

/// What polling the set found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HibernationWake {
    Event(SocketEvent),
    /// Nothing has arrived yet; the earliest frame in flight arrives then (ms since the epoch).
    DueAt(u64),
}

struct HibernatableSocket {
    end: SocketEnd,
    tags: Vec<String>,
    /// The structured-clone text of `serializeAttachment()`.
    attachment: Option<String>,
    closed_outgoing: bool,
    closed_incoming: bool,
    /// When the auto-response last answered on this socket (ms since the epoch).
    auto_response_at_ms: Option<u64>,
}

#[derive(Default)]
pub struct Hibernation {
    sockets: BTreeMap<SocketId, HibernatableSocket>,
    next_id: SocketId,
    auto_response: Option<(String, String)>,
    /// `setHibernatableWebSocketEventTimeout`: a handler running longer resets the object.
    event_timeout_ms: Option<u32>,
    /// Compatibility flag `web_socket_auto_reply_to_close`: answer a close frame with one.
    pub auto_reply_to_close: bool,
}

impl Hibernation {
    pub fn new(auto_reply_to_close: bool) -> Self {
        Hibernation {
            auto_reply_to_close,
            ..Default::default()
        }
    }

    /// Takes `end` into the set with its (distinct, already checked) tags.
    pub fn accept(
        &mut self,
        end: SocketEnd,
        tags: Vec<String>,
    ) -> Result<SocketId, HibernationError> {
        if self.sockets.len() >= SOCKETS_PER_OBJECT_MAX {
            return Err(HibernationError::TooManySockets);
        }
        self.next_id += 1;
        self.sockets.insert(
            self.next_id,
            HibernatableSocket {
                end,
                tags,
                attachment: None,
                closed_outgoing: false,
                closed_incoming: false,
                auto_response_at_ms: None,
            },
        );
        Ok(self.next_id)
    }

    /// The sockets `getWebSockets(tag)` returns, in the order they were accepted.
    pub fn ids(&self, tag: Option<&str>) -> Vec<SocketId> {
        self.sockets
            .iter()
            .filter(|(_, s)| tag.is_none_or(|t| s.tags.iter().any(|x| x == t)))
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn tags(&self, id: SocketId) -> Option<Vec<String>> {
        self.sockets.get(&id).map(|s| s.tags.clone())
    }

    pub fn attachment(&self, id: SocketId) -> Option<String> {
        self.sockets.get(&id).and_then(|s| s.attachment.clone())
    }

    pub fn set_attachment(&mut self, id: SocketId, attachment: Option<String>) {
        if let Some(s) = self.sockets.get_mut(&id) {
            s.attachment = attachment;
        }
    }

    /// `readyState` as workerd computes it: 1 open, 2 closing (one side closed), 3 closed.
    pub fn ready_state(&self, id: SocketId) -> u8 {
        match self.sockets.get(&id) {
            None => 3,
            Some(s) if s.closed_incoming && s.closed_outgoing => 3,
            Some(s) if s.closed_incoming || s.closed_outgoing => 2,
            Some(_) => 1,
        }
    }

    pub fn closed_outgoing(&self, id: SocketId) -> bool {
        self.sockets.get(&id).is_none_or(|s| s.closed_outgoing)
    }

    /// Sends on socket `id`; a close frame ends the outgoing direction. A socket already gone
    /// drops the frame silently, as workerd does.
    pub fn send(
        &mut self,
        id: SocketId,
        now_ms: u64,
        frame: Frame,
    ) -> Result<(), HibernationError> {
        let Some(s) = self.sockets.get_mut(&id) else {
            return Ok(());
        };
        if s.closed_outgoing {
            return Err(HibernationError::SendAfterClose);
        }
        if matches!(frame, Frame::Close { .. }) {
            s.closed_outgoing = true;
        }
        s.end.send(now_ms, frame);
        Ok(())
    }

    /// `setWebSocketAutoResponse(pair)`; `None` unsets it.
    pub fn set_auto_response(&mut self, pair: Option<(String, String)>) {
        self.auto_response = pair;
    }

    pub fn auto_response(&self) -> Option<(String, String)> {
        self.auto_response.clone()
    }

    /// `setHibernatableWebSocketEventTimeout(ms)`; `None` (or 0 from JavaScript) unsets it.
    pub fn set_event_timeout_ms(&mut self, timeout_ms: Option<u32>) {
        self.event_timeout_ms = timeout_ms.filter(|ms| *ms > 0);
    }

    pub fn event_timeout_ms(&self) -> Option<u32> {
        self.event_timeout_ms
    }

    pub fn auto_response_timestamp(&self, id: SocketId) -> Option<u64> {
        self.sockets.get(&id).and_then(|s| s.auto_response_at_ms)
    }

    /// The object's handler for a close has run: a socket closed both ways leaves the set.
    pub fn release_if_closed(&mut self, id: SocketId) {
        if self
            .sockets
            .get(&id)
            .is_some_and(|s| s.closed_incoming && s.closed_outgoing)
        {
            self.sockets.remove(&id);
        }
    }

    /// Drops every socket: the object's host crashed, and every client sees a disconnect.
    pub fn disconnect_all(&mut self) {
        self.sockets.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.sockets.is_empty()
    }

    /// The next event in socket order, answering auto-responses on the way.
    pub fn poll_event(&mut self, cx: &mut Context<'_>, now_ms: u64) -> Poll<HibernationWake> {
        let mut due: Option<u64> = None;
        let ids: Vec<SocketId> = self.sockets.keys().copied().collect();
        for id in ids {
            while let Some(s) = self.sockets.get_mut(&id) {
                if s.closed_incoming {
                    break;
                }
                let received = match s.end.poll_receive(cx, now_ms) {
                    Poll::Ready(r) => r,
                    Poll::Pending => break,
                };
                match received {
                    Receive::Frame(Frame::Text(text))
                        if self
                            .auto_response
                            .as_ref()
                            .is_some_and(|(request, _)| *request == text) =>
                    {
                        if let Some((_, response)) = &self.auto_response
                            && !s.closed_outgoing
                        {
                            s.end.send(now_ms, Frame::Text(response.clone()));
                            s.auto_response_at_ms = Some(now_ms);
                        }
                    }
                    Receive::Frame(Frame::Close { code, reason }) => {
                        s.closed_incoming = true;
                        if self.auto_reply_to_close && !s.closed_outgoing {
                            s.closed_outgoing = true;
                            s.end.send(
                                now_ms,
                                Frame::Close {
                                    code,
                                    reason: reason.clone(),
                                },
                            );
                        }
                        return Poll::Ready(HibernationWake::Event(SocketEvent::Close {
                            socket: id,
                            code,
                            reason,
                            was_clean: true,
                        }));
                    }
                    Receive::Frame(frame) => {
                        return Poll::Ready(HibernationWake::Event(SocketEvent::Message {
                            socket: id,
                            frame,
                        }));
                    }
                    Receive::PeerGone => {
                        s.closed_incoming = true;
                        s.closed_outgoing = true;
                        return Poll::Ready(HibernationWake::Event(SocketEvent::Close {
                            socket: id,
                            code: 1006,
                            reason: DISCONNECTED_WITHOUT_CLOSE.to_string(),
                            was_clean: false,
                        }));
                    }
                    Receive::TooLarge(bytes) => {
                        s.closed_incoming = true;
                        s.closed_outgoing = true;
                        return Poll::Ready(HibernationWake::Event(SocketEvent::Error {
                            socket: id,
                            message: crate::socket::MessageTooLarge(bytes).to_string(),
                        }));
                    }
                    Receive::DueAt(at) => {
                        due = Some(due.map_or(at, |d| d.min(at)));
                        break;
                    }
                    Receive::Empty => break,
                }
            }
        }
        match due {
            Some(at) => Poll::Ready(HibernationWake::DueAt(at)),
            None => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    fn poll(h: &mut Hibernation, now_ms: u64) -> Poll<HibernationWake> {
        let mut cx = Context::from_waker(Waker::noop());
        h.poll_event(&mut cx, now_ms)
    }

    fn text(s: &str) -> Frame {
        Frame::Text(s.to_string())
    }

    #[test]
    fn auto_response_answers_without_an_event() {
        let mut h = Hibernation::new(false);
        let (client, server) = SocketEnd::pair();
        let id = h.accept(server, vec![]).unwrap();
        h.set_auto_response(Some(("ping".into(), "pong".into())));
        client.send(5, text("ping"));
        client.send(5, text("hello"));
        let wake = poll(&mut h, 5);
        assert_eq!(
            wake,
            Poll::Ready(HibernationWake::Event(SocketEvent::Message {
                socket: id,
                frame: text("hello")
            }))
        );
        assert_eq!(client.try_receive(5), Receive::Frame(text("pong")));
        assert_eq!(h.auto_response_timestamp(id), Some(5));
    }

    #[test]
    fn close_is_answered_only_with_auto_reply_and_the_socket_leaves_once_closed_both_ways() {
        for auto in [false, true] {
            let mut h = Hibernation::new(auto);
            let (client, server) = SocketEnd::pair();
            let id = h.accept(server, vec!["room".into()]).unwrap();
            client.send(
                0,
                Frame::Close {
                    code: 1000,
                    reason: "bye".into(),
                },
            );
            assert!(matches!(
                poll(&mut h, 0),
                Poll::Ready(HibernationWake::Event(SocketEvent::Close {
                    code: 1000,
                    was_clean: true,
                    ..
                }))
            ));
            assert_eq!(h.ready_state(id), if auto { 3 } else { 2 });
            h.release_if_closed(id);
            assert_eq!(h.ids(Some("room")).len(), if auto { 0 } else { 1 });
        }
    }

    #[test]
    fn a_vanished_client_closes_with_1006() {
        let mut h = Hibernation::new(false);
        let (client, server) = SocketEnd::pair();
        let id = h.accept(server, vec![]).unwrap();
        drop(client);
        assert_eq!(
            poll(&mut h, 0),
            Poll::Ready(HibernationWake::Event(SocketEvent::Close {
                socket: id,
                code: 1006,
                reason: DISCONNECTED_WITHOUT_CLOSE.into(),
                was_clean: false
            }))
        );
    }

    #[test]
    fn send_after_close_is_refused() {
        let mut h = Hibernation::new(false);
        let (_client, server) = SocketEnd::pair();
        let id = h.accept(server, vec![]).unwrap();
        h.send(
            id,
            0,
            Frame::Close {
                code: 1000,
                reason: String::new(),
            },
        )
        .unwrap();
        assert_eq!(
            h.send(id, 0, text("late")),
            Err(HibernationError::SendAfterClose)
        );
    }
}
