//! A WebSocket client on the simulated clock: it sends what its script says when it says,
//! records every frame it receives, answers a close frame with one (as browsers do), and hangs
//! up — dropping its end, which the server sees as a disconnect — when its script is over and
//! the server has not closed within `linger_ms`.

use std::time::Duration;

use edgesim_runtime::HostFuture;
use edgesim_runtime::socket::{Frame, SocketEnd};
use futures::FutureExt;

use crate::platform::Platform;

/// What the client does, in ms after the socket opened.
#[derive(Debug, Clone, Default)]
pub struct ClientScript {
    /// Frames to send, in time order (a `Frame::Close` starts the close handshake).
    pub sends: Vec<(u64, Frame)>,
    /// After the last send, how long to wait for the server's close before hanging up.
    pub linger_ms: u64,
}

/// Something the client saw, at ms since the run started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    Sent(Frame),
    Received(Frame),
    /// The server vanished without a close frame (code 1006).
    Gone,
    /// The client hung up without a close handshake.
    HungUp,
}

/// Runs `script` on `end`, telling `observe` about each event as it happens.
pub async fn run(
    end: SocketEnd,
    platform: &Platform,
    script: ClientScript,
    mut observe: impl FnMut(u64, ClientEvent),
) {
    // A client outside Cloudflare has its own limits, which edgesim does not model.
    end.lift_message_limit();
    let opened_ms = platform.now_ms();
    let mut sends = script.sends.into_iter().peekable();
    let mut closed_outgoing = false;
    let mut hang_up_at_ms: Option<u64> = None;
    loop {
        let next_at_ms = match sends.peek() {
            Some((offset_ms, _)) => opened_ms + offset_ms,
            None => *hang_up_at_ms.get_or_insert(platform.now_ms() + script.linger_ms),
        };
        let receive = end
            .receive(|| platform.now_ms(), |at_ms| sleep_until(platform, at_ms))
            .fuse();
        let timer = sleep_until(platform, next_at_ms).fuse();
        futures::pin_mut!(receive, timer);
        futures::select_biased! {
            frame = receive => {
                let elapsed_ms = platform.elapsed_ms();
                match frame {
                    Ok(Some(Frame::Close { code, reason })) => {
                        observe(elapsed_ms, ClientEvent::Received(Frame::Close { code, reason: reason.clone() }));
                        if !closed_outgoing {
                            let reply = Frame::Close { code, reason };
                            end.send(platform.now_ms(), reply.clone());
                            observe(elapsed_ms, ClientEvent::Sent(reply));
                        }
                        return;
                    }
                    Ok(Some(frame)) => observe(elapsed_ms, ClientEvent::Received(frame)),
                    // The limit is lifted on this end: nothing it receives is too large.
                    Ok(None) | Err(_) => {
                        observe(elapsed_ms, ClientEvent::Gone);
                        return;
                    }
                }
            }
            () = timer => {
                let elapsed_ms = platform.elapsed_ms();
                match sends.next() {
                    Some((_, frame)) => {
                        if closed_outgoing {
                            continue;
                        }
                        closed_outgoing = matches!(frame, Frame::Close { .. });
                        end.send(platform.now_ms(), frame.clone());
                        observe(elapsed_ms, ClientEvent::Sent(frame));
                    }
                    None => {
                        observe(elapsed_ms, ClientEvent::HungUp);
                        return;
                    }
                }
            }
        }
    }
}

fn sleep_until(platform: &Platform, at_ms: u64) -> HostFuture<()> {
    let wait = Duration::from_millis(at_ms.saturating_sub(platform.now_ms()));
    Box::pin(madsim::time::sleep(wait))
}
