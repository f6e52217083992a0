//! `WebSocket`, `WebSocketPair` and a Durable Object's hibernatable sockets.

mod ops;

pub(crate) use ops::frame_to_js;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "websocket",
    install: ops::install,
};
