//! `WebSocket`, `WebSocketPair` and a Durable Object's hibernatable sockets.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "websocket",
    install: ops::install,
};
