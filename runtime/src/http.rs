//! HTTP messages as they cross between the runtime and whatever carries them: requests a Worker
//! receives or sends, responses it answers or gets back. A leaf: the storage engines, the host
//! and the engine all speak it, and it depends on nothing but the socket ends a `101` hands over.

use crate::socket::SocketEnd;

/// An HTTP request as it crosses the host boundary (a subrequest, or an incoming event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    /// In order of appearance, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// An incoming request's `request.cf`, as the platform filled it: a JSON object's text, so
    /// it is parsed only if the Worker reads it (`None`: only the colo is known).
    pub cf: Option<String>,
}

/// An HTTP response as it crosses the host boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The client end of a WebSocket a `101` response hands over (`new Response(null,
    /// { status: 101, webSocket })`).
    pub web_socket: Option<SocketEnd>,
}

impl HttpResponse {
    /// A response the platform makes (no WebSocket), with its status's standard reason phrase.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        HttpResponse {
            status,
            status_text: http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
                .to_string(),
            headers,
            body,
            web_socket: None,
        }
    }
}

/// What the caller does with the body of the response it gets: keeps it, or drains it as a
/// client that needs only the head drains a download (a scenario that keeps no responses).
/// A drained body is never held, so a streamed body of any length passes through in the memory
/// of one chunk, as production streams it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyUse {
    #[default]
    Keep,
    Drain,
}
