//! nodejs_compat: the `node:*` modules and the globals workerd gives a Worker that sets the
//! flag. Each module's JavaScript is a unit (`<module>.js`, loaded the first time something
//! imports it); `modules/<name>.mjs` is the ES module a Worker imports, which names the unit's
//! exports.

mod crypto;
mod crypto_keys;
mod ops;
mod zlib;

use crate::engine::catalog::{NodeModule, OpGroup};

pub const OPS: OpGroup = OpGroup {
    name: "node",
    install: ops::install,
};

/// node:zlib's native half.
pub const ZLIB_OPS: OpGroup = OpGroup {
    name: "node_zlib",
    install: zlib::install,
};

/// node:crypto's native half.
pub const CRYPTO_OPS: OpGroup = OpGroup {
    name: "node_crypto",
    install: crypto::install,
};

/// node:crypto's asymmetric keys' native half.
pub const CRYPTO_KEY_OPS: OpGroup = OpGroup {
    name: "node_crypto_keys",
    install: crypto_keys::install,
};

macro_rules! node_module {
    ($name:literal, $file:literal) => {
        node_module!($name, $file, false)
    };
    ($name:literal, $file:literal, $with_als:literal) => {
        NodeModule {
            name: $name,
            source: include_str!(concat!("modules/", $file, ".mjs")),
            with_als: $with_als,
        }
    };
}

/// The modules edgesim implements.
pub static MODULES: &[NodeModule] = &[
    node_module!("_stream_duplex", "_stream_duplex"),
    node_module!("_stream_passthrough", "_stream_passthrough"),
    node_module!("_stream_readable", "_stream_readable"),
    node_module!("_stream_transform", "_stream_transform"),
    node_module!("_stream_writable", "_stream_writable"),
    node_module!("assert", "assert"),
    node_module!("assert/strict", "assert_strict"),
    node_module!("async_hooks", "async_hooks", true),
    node_module!("buffer", "buffer"),
    node_module!("console", "console"),
    node_module!("constants", "constants"),
    node_module!("crypto", "crypto"),
    node_module!("diagnostics_channel", "diagnostics_channel"),
    node_module!("events", "events"),
    node_module!("module", "module"),
    node_module!("os", "os"),
    node_module!("perf_hooks", "perf_hooks"),
    node_module!("path", "path"),
    node_module!("path/posix", "path"),
    node_module!("process", "process"),
    node_module!("punycode", "punycode"),
    node_module!("querystring", "querystring"),
    node_module!("stream", "stream"),
    node_module!("stream/consumers", "stream_consumers"),
    node_module!("stream/promises", "stream_promises"),
    node_module!("stream/web", "stream_web"),
    node_module!("string_decoder", "string_decoder"),
    node_module!("sys", "util"),
    node_module!("timers", "timers"),
    node_module!("timers/promises", "timers_promises"),
    node_module!("url", "url"),
    node_module!("util", "util"),
    node_module!("util/types", "util_types"),
    node_module!("zlib", "zlib"),
];

/// Modules workerd provides under nodejs_compat that edgesim does not implement yet: importing
/// one fails to load with a message that says so, not with "no such module".
pub static NOT_YET: &[&str] = &[
    "_http_agent",
    "_http_client",
    "_http_common",
    "_http_incoming",
    "_http_outgoing",
    "_http_server",
    "_stream_wrap",
    "_tls_common",
    "_tls_wrap",
    "child_process",
    "cluster",
    "dgram",
    "dns",
    "dns/promises",
    "domain",
    "fs",
    "fs/promises",
    "http",
    "http2",
    "https",
    "inspector",
    "inspector/promises",
    "net",
    "path/win32",
    "readline",
    "readline/promises",
    "repl",
    "sqlite",
    "test",
    "tls",
    "trace_events",
    "tty",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
];
