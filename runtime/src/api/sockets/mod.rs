//! TCP sockets: `connect()` from `cloudflare:sockets` (sockets.js). A connection is a socket
//! end like a WebSocket's (crate::socket): its binary frames carry the bytes and a close frame
//! ends one side, so reads, writes and release are the WebSocket ops; only opening one is new.

mod ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "sockets",
    install: ops::install,
};
