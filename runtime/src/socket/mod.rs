//! WebSocket connections as the platform carries them: a link with two ends, each end held by
//! whoever owns it right now — an isolate, a Durable Object's hibernation set, a client.
//!
//! An end crosses boundaries by value (inside an `HttpResponse`), so a socket made by a
//! `WebSocketPair` in a Durable Object can be returned to a Worker, returned again to the
//! client, and keep working without anyone in between copying frames. Each network hop the end
//! crosses adds its one-way latency to the link; frames keep their order (a frame is never due
//! before the one sent ahead of it). When every handle to one end is dropped — an isolate
//! discarded, a client gone — the other end learns that its peer disconnected.

pub mod hibernation;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// workerd web-socket.c++: `kj::WebSocket::SUGGESTED_MAX_MESSAGE_SIZE`, 32 MiB.
pub const MESSAGE_BYTES_MAX: usize = 32 << 20;

/// One WebSocket message, or the close handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
    /// Code 1005 means "no status" (a close frame without a body).
    Close {
        code: u16,
        reason: String,
    },
}

impl Frame {
    /// Bytes of payload, as workerd counts them for limits and metrics.
    pub fn len(&self) -> usize {
        match self {
            Frame::Text(t) => t.len(),
            Frame::Binary(b) => b.len(),
            Frame::Close { reason, .. } => reason.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What an end finds when it looks for the next frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receive {
    Frame(Frame),
    /// A frame is on its way and arrives at this time (ms since the epoch).
    DueAt(u64),
    /// Nothing sent yet.
    Empty,
    /// The peer is gone without a close frame (workerd reports code 1006).
    PeerGone,
    /// A message of this many bytes arrived at an end that receives at most
    /// [`MESSAGE_BYTES_MAX`]: the end answered with close 1009 and is broken.
    TooLarge(usize),
}

/// kj/compat/http.c++ `receive()`: the close reason (code 1009) an oversized message gets.
pub fn too_large_reason(bytes: usize) -> String {
    format!("Message is too large: {bytes} > {MESSAGE_BYTES_MAX}")
}

/// A message of this many bytes was refused; the text is kj's description of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Message is too large: {0} > {MESSAGE_BYTES_MAX}")]
pub struct MessageTooLarge(pub usize);

#[derive(Default)]
struct Direction {
    /// (due ms since the epoch, frame), in sending order.
    queue: VecDeque<(u64, Frame)>,
    last_due_ms: u64,
    waker: Option<Waker>,
}

struct Link {
    /// `inbox[side]`: frames travelling towards `side`.
    inbox: [RefCell<Direction>; 2],
    /// Live handles per side; at zero that side is gone.
    handles: [Cell<usize>; 2],
    /// Sides that refuse messages over [`MESSAGE_BYTES_MAX`] (every end the runtime reads;
    /// a simulated client lifts the limit on its own end).
    limited: [Cell<bool>; 2],
    latency_ms: Cell<u64>,
}

/// One end of a WebSocket link. Clones are handles to the same end.
pub struct SocketEnd {
    link: Rc<Link>,
    side: usize,
}

impl SocketEnd {
    /// A new link with no latency (both ends in one place): a `WebSocketPair`.
    pub fn pair() -> (SocketEnd, SocketEnd) {
        let link = Rc::new(Link {
            inbox: Default::default(),
            handles: [Cell::new(1), Cell::new(1)],
            limited: [Cell::new(true), Cell::new(true)],
            latency_ms: Cell::new(0),
        });
        (
            SocketEnd {
                link: link.clone(),
                side: 0,
            },
            SocketEnd { link, side: 1 },
        )
    }

    /// The end crossed a network hop of `ms` one way: frames both ways take that much longer.
    pub fn add_latency_ms(&self, ms: u64) {
        self.link
            .latency_ms
            .set(self.link.latency_ms.get().saturating_add(ms));
    }

    pub fn latency_ms(&self) -> u64 {
        self.link.latency_ms.get()
    }

    /// Sends `frame` to the peer at `now_ms`; it arrives one link latency later, never before
    /// the frame sent ahead of it. Sending to a peer that is gone loses the frame, as a write to
    /// a closed connection does.
    pub fn send(&self, now_ms: u64, frame: Frame) {
        let peer = 1 - self.side;
        if self.link.handles[peer].get() == 0 {
            return;
        }
        let mut dir = self.link.inbox[peer].borrow_mut();
        let due = now_ms
            .saturating_add(self.link.latency_ms.get())
            .max(dir.last_due_ms);
        dir.last_due_ms = due;
        dir.queue.push_back((due, frame));
        if let Some(w) = dir.waker.take() {
            w.wake();
        }
    }

    /// This end receives messages of any size (a client outside the runtime).
    pub fn lift_message_limit(&self) {
        self.link.limited[self.side].set(false);
    }

    /// Takes the next frame if it has arrived by `now_ms`.
    pub fn try_receive(&self, now_ms: u64) -> Receive {
        let mut dir = self.link.inbox[self.side].borrow_mut();
        match dir.queue.front() {
            Some((due, _)) if *due <= now_ms => match dir.queue.pop_front() {
                Some((_, frame))
                    if self.link.limited[self.side].get()
                        && !matches!(frame, Frame::Close { .. })
                        && frame.len() > MESSAGE_BYTES_MAX =>
                {
                    drop(dir);
                    let close = Frame::Close {
                        code: 1009,
                        reason: too_large_reason(frame.len()),
                    };
                    self.send(now_ms, close);
                    Receive::TooLarge(frame.len())
                }
                Some((_, frame)) => Receive::Frame(frame),
                None => Receive::Empty,
            },
            Some((due, _)) => Receive::DueAt(*due),
            None if self.link.handles[1 - self.side].get() == 0 => Receive::PeerGone,
            None => Receive::Empty,
        }
    }

    /// True when a frame is queued for this end (arrived or still in flight).
    pub fn has_incoming(&self) -> bool {
        !self.link.inbox[self.side].borrow().queue.is_empty()
    }

    /// Polls for the next frame; with nothing sent yet, wakes `cx` when something is.
    pub fn poll_receive(&self, cx: &mut Context<'_>, now_ms: u64) -> Poll<Receive> {
        match self.try_receive(now_ms) {
            Receive::Empty => {
                self.link.inbox[self.side].borrow_mut().waker = Some(cx.waker().clone());
                Poll::Pending
            }
            other => Poll::Ready(other),
        }
    }

    /// The next frame, or `None` once the peer is gone without one; an oversized message
    /// breaks the end. `now` reads the clock and `sleep_until` waits on it, so the same code
    /// runs on any host.
    pub async fn receive<Sleep: Future<Output = ()>>(
        &self,
        now: impl Fn() -> u64,
        sleep_until: impl Fn(u64) -> Sleep,
    ) -> Result<Option<Frame>, MessageTooLarge> {
        loop {
            let received = std::future::poll_fn(|cx| self.poll_receive(cx, now())).await;
            match received {
                Receive::Frame(frame) => return Ok(Some(frame)),
                Receive::DueAt(at_ms) => sleep_until(at_ms).await,
                Receive::PeerGone => return Ok(None),
                Receive::TooLarge(bytes) => return Err(MessageTooLarge(bytes)),
                Receive::Empty => {}
            }
        }
    }

    /// True when both handles are to the same end of the same link.
    pub fn same_end(&self, other: &SocketEnd) -> bool {
        Rc::ptr_eq(&self.link, &other.link) && self.side == other.side
    }

    /// True when `other` is this end's peer.
    pub fn is_peer_of(&self, other: &SocketEnd) -> bool {
        Rc::ptr_eq(&self.link, &other.link) && self.side != other.side
    }
}

impl Clone for SocketEnd {
    fn clone(&self) -> Self {
        let handles = &self.link.handles[self.side];
        handles.set(handles.get() + 1);
        SocketEnd {
            link: self.link.clone(),
            side: self.side,
        }
    }
}

impl Drop for SocketEnd {
    fn drop(&mut self) {
        let handles = &self.link.handles[self.side];
        handles.set(handles.get().saturating_sub(1));
        if handles.get() == 0
            && let Some(w) = self.link.inbox[1 - self.side].borrow_mut().waker.take()
        {
            w.wake();
        }
    }
}

impl PartialEq for SocketEnd {
    fn eq(&self, other: &Self) -> bool {
        self.same_end(other)
    }
}

impl Eq for SocketEnd {}

impl fmt::Debug for SocketEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SocketEnd(side {}, latency {} ms)",
            self.side,
            self.link.latency_ms.get()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Frame {
        Frame::Text(s.to_string())
    }

    #[test]
    fn frames_arrive_after_the_link_latency_in_sending_order() {
        let (a, b) = SocketEnd::pair();
        a.add_latency_ms(30);
        a.send(100, text("one"));
        a.send(101, text("two"));
        assert_eq!(b.try_receive(129), Receive::DueAt(130));
        assert_eq!(b.try_receive(130), Receive::Frame(text("one")));
        assert_eq!(b.try_receive(131), Receive::Frame(text("two")));
        assert_eq!(b.try_receive(131), Receive::Empty);
    }

    #[test]
    fn a_frame_is_never_due_before_the_one_ahead_of_it() {
        let (a, b) = SocketEnd::pair();
        a.add_latency_ms(50);
        a.send(0, text("slow"));
        // Latency drops for later frames (it cannot in a run, but order must hold regardless).
        a.link.latency_ms.set(0);
        a.send(10, text("fast"));
        assert_eq!(b.try_receive(10), Receive::DueAt(50));
        assert_eq!(b.try_receive(50), Receive::Frame(text("slow")));
        assert_eq!(b.try_receive(50), Receive::Frame(text("fast")));
    }

    #[test]
    fn dropping_every_handle_of_an_end_tells_the_peer_it_is_gone() {
        let (a, b) = SocketEnd::pair();
        let a2 = a.clone();
        drop(a);
        assert_eq!(b.try_receive(0), Receive::Empty);
        a2.send(0, text("last"));
        drop(a2);
        assert_eq!(b.try_receive(0), Receive::Frame(text("last")));
        assert_eq!(b.try_receive(0), Receive::PeerGone);
        b.send(0, text("into the void"));
    }

    #[test]
    fn ends_compare_by_identity() {
        let (a, b) = SocketEnd::pair();
        assert_eq!(a, a.clone());
        assert_ne!(a, b);
        assert!(a.is_peer_of(&b));
    }
}
