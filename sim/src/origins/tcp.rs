//! TCP servers a user declares as origins (`tcp:`), for Workers that `connect()`: an echo
//! server, or a script of what to wait for and what to send. Each connection runs its own copy
//! of the server on the simulated clock, at the origin's place.
//!
//! A connection is a socket end (edgesim_runtime::socket): binary frames are bytes, a close
//! frame ends one side (FIN). A server always ends its side before it lets go, so the Worker
//! reads an orderly end, not a reset.

use edgesim_runtime::socket::{Frame, SocketEnd};
use serde::{Deserialize, Serialize};

use crate::platform::Platform;
use crate::scenario::Duration;
use crate::trace::TraceEvent;

/// `tcp:` of an origin: `{ echo: true }`, or `{ script: [...] }` (an empty script accepts
/// connections and never writes).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TcpSpec {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub echo: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Vec<TcpStepSpec>>,
}

/// One step of a script, in order: wait until the bytes received contain `receive` (everything
/// up to its end is used up), then `delay` (the server's own time), then write `send`, then end
/// the server's side if `close`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TcpStepSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub close: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpServer {
    Echo,
    Script(Vec<TcpStep>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpStep {
    pub delay_ms: u64,
    pub receive: Option<Vec<u8>>,
    pub send: Option<Vec<u8>>,
    pub close: bool,
}

impl TcpServer {
    pub fn from_spec(spec: &TcpSpec) -> Result<TcpServer, String> {
        match (spec.echo, &spec.script) {
            (true, None) => Ok(TcpServer::Echo),
            (false, Some(steps)) => Ok(TcpServer::Script(
                steps
                    .iter()
                    .map(|s| TcpStep {
                        delay_ms: s.delay.map_or(0, |d| d.ms),
                        receive: s.receive.as_ref().map(|r| r.as_bytes().to_vec()),
                        send: s.send.as_ref().map(|t| t.as_bytes().to_vec()),
                        close: s.close,
                    })
                    .collect(),
            )),
            _ => Err("give exactly one of `echo: true` or `script: [...]`".to_string()),
        }
    }
}

/// One connection's side of the server at `address`, over `end`, until both sides have ended.
pub async fn serve(end: SocketEnd, server: TcpServer, platform: &Platform, address: String) {
    let mut conn = Connection {
        end,
        platform,
        address,
        received: Vec::new(),
        peer_ended: false,
        ended: false,
    };
    match server {
        TcpServer::Echo => {
            while let Some(bytes) = conn.next_bytes().await {
                conn.send(Frame::Binary(bytes));
            }
        }
        TcpServer::Script(steps) => {
            for step in steps {
                if !conn.run(step).await {
                    break;
                }
            }
            while conn.next_bytes().await.is_some() {}
        }
    }
    conn.end_side();
}

struct Connection<'p> {
    end: SocketEnd,
    platform: &'p Platform,
    address: String,
    /// Bytes received and not yet used up by a `receive` step.
    received: Vec<u8>,
    peer_ended: bool,
    /// This side has ended (the FIN is sent).
    ended: bool,
}

impl Connection<'_> {
    fn send(&self, frame: Frame) {
        self.end.send(self.platform.now_ms(), frame);
    }

    /// The next bytes the peer sent, or `None` once it ended its side (or vanished).
    async fn next_bytes(&mut self) -> Option<Vec<u8>> {
        while !self.peer_ended {
            let platform = self.platform;
            let frame = self
                .end
                .receive(
                    || platform.now_ms(),
                    |at_ms| sleep_ms(at_ms.saturating_sub(platform.now_ms())),
                )
                .await;
            match frame {
                Ok(Some(Frame::Binary(bytes))) => return Some(bytes),
                Ok(Some(Frame::Text(text))) => return Some(text.into_bytes()),
                other => {
                    self.peer_ended = true;
                    self.platform.record(TraceEvent::SocketEnded {
                        at_ms: self.platform.elapsed_ms(),
                        address: self.address.clone(),
                        reset: !matches!(other, Ok(Some(Frame::Close { .. }))),
                    });
                }
            }
        }
        None
    }

    /// Runs `step`; false when the script is over (the server ended, or the peer did first).
    async fn run(&mut self, step: TcpStep) -> bool {
        if let Some(wanted) = &step.receive {
            loop {
                if let Some(at) = find(&self.received, wanted) {
                    self.received.drain(..at + wanted.len());
                    break;
                }
                match self.next_bytes().await {
                    Some(bytes) => self.received.extend(bytes),
                    None => return false,
                }
            }
        }
        sleep_ms(step.delay_ms).await;
        if let Some(bytes) = step.send {
            self.send(Frame::Binary(bytes));
        }
        if step.close {
            self.end_side();
            return false;
        }
        true
    }

    fn end_side(&mut self) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        self.send(Frame::Close {
            code: 1005,
            reason: String::new(),
        });
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn sleep_ms(ms: u64) {
    if ms > 0 {
        madsim::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}
