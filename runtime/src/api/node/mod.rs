//! nodejs_compat: the `node:*` modules and the globals workerd gives a Worker that sets the
//! flag. Each module's JavaScript is a unit (`<module>.js`, loaded the first time something
//! imports it); `modules/<name>.mjs` is the ES module a Worker imports, which names the unit's
//! exports.

mod crypto;
mod crypto_dh;
mod crypto_ecdh;
mod crypto_key_encryption;
mod crypto_keys;
mod crypto_primes;
mod crypto_rsa;
mod crypto_x509;
mod fs;
mod ops;
mod zlib;

use crate::engine::catalog::{NodeModule, OpGroup};

/// `pub const $name: OpGroup` for the native half in module `$module`, its ops named `$group`.
macro_rules! op_group {
    ($(#[$doc:meta])* $name:ident, $group:literal, $module:ident) => {
        $(#[$doc])*
        pub const $name: OpGroup = OpGroup {
            name: $group,
            install: $module::install,
        };
    };
}

op_group!(OPS, "node", ops);
op_group!(
    /// node:zlib's native half.
    ZLIB_OPS, "node_zlib", zlib
);
op_group!(
    /// node:fs's native half.
    FS_OPS, "node_fs", fs
);
op_group!(
    /// node:crypto's native half.
    CRYPTO_OPS, "node_crypto", crypto
);
op_group!(
    /// node:crypto's primes' native half.
    CRYPTO_PRIME_OPS, "node_crypto_primes", crypto_primes
);
op_group!(
    /// node:crypto's RSA encryption's native half.
    CRYPTO_RSA_OPS, "node_crypto_rsa", crypto_rsa
);
op_group!(
    /// node:crypto's Diffie-Hellman's native half.
    CRYPTO_DH_OPS, "node_crypto_dh", crypto_dh
);
op_group!(
    /// node:crypto's ECDH class's native half.
    CRYPTO_ECDH_OPS, "node_crypto_ecdh", crypto_ecdh
);
op_group!(
    /// node:crypto's X509Certificate's native half.
    CRYPTO_X509_OPS, "node_crypto_x509", crypto_x509
);
op_group!(
    /// node:crypto's encrypted private keys' native half.
    CRYPTO_KEY_ENCRYPTION_OPS, "node_crypto_key_encryption", crypto_key_encryption
);
op_group!(
    /// node:crypto's asymmetric keys' native half.
    CRYPTO_KEY_OPS, "node_crypto_keys", crypto_keys
);

macro_rules! node_module {
    ($name:literal, $file:literal) => {
        node_module!($name, $file, false, false)
    };
    ($name:literal, $file:literal, with_als) => {
        node_module!($name, $file, true, false)
    };
    ($name:literal, $file:literal, prefix_only) => {
        node_module!($name, $file, false, true)
    };
    ($name:literal, $file:literal, $with_als:literal, $prefix_only:literal) => {
        NodeModule {
            name: $name,
            source: include_str!(concat!("modules/", $file, ".mjs")),
            with_als: $with_als,
            prefix_only: $prefix_only,
        }
    };
}

/// The modules edgesim implements.
pub static MODULES: &[NodeModule] = &[
    node_module!("_http_agent", "_http_agent"),
    node_module!("_http_client", "_http_client"),
    node_module!("_http_common", "_http_common"),
    node_module!("_http_incoming", "_http_incoming"),
    node_module!("_http_outgoing", "_http_outgoing"),
    node_module!("_http_server", "_http_server"),
    node_module!("_stream_duplex", "_stream_duplex"),
    node_module!("_stream_passthrough", "_stream_passthrough"),
    node_module!("_stream_readable", "_stream_readable"),
    node_module!("_stream_transform", "_stream_transform"),
    node_module!("_stream_wrap", "_stream_wrap"),
    node_module!("_stream_writable", "_stream_writable"),
    node_module!("_tls_common", "_tls_common"),
    node_module!("_tls_wrap", "_tls_wrap"),
    node_module!("assert", "assert"),
    node_module!("assert/strict", "assert_strict"),
    node_module!("async_hooks", "async_hooks", with_als),
    node_module!("buffer", "buffer"),
    node_module!("child_process", "child_process"),
    node_module!("cluster", "cluster"),
    node_module!("console", "console"),
    node_module!("constants", "constants"),
    node_module!("crypto", "crypto"),
    node_module!("dgram", "dgram"),
    node_module!("diagnostics_channel", "diagnostics_channel"),
    node_module!("dns", "dns"),
    node_module!("dns/promises", "dns_promises"),
    node_module!("domain", "domain"),
    node_module!("events", "events"),
    node_module!("fs", "fs"),
    node_module!("fs/promises", "fs_promises"),
    node_module!("http", "http"),
    node_module!("http2", "http2"),
    node_module!("https", "https"),
    node_module!("inspector", "inspector"),
    node_module!("inspector/promises", "inspector_promises"),
    node_module!("module", "module"),
    node_module!("net", "net"),
    node_module!("os", "os"),
    node_module!("perf_hooks", "perf_hooks"),
    node_module!("path", "path"),
    node_module!("path/posix", "path"),
    node_module!("path/win32", "path_win32"),
    node_module!("process", "process"),
    node_module!("punycode", "punycode"),
    node_module!("querystring", "querystring"),
    node_module!("readline", "readline"),
    node_module!("readline/promises", "readline_promises"),
    node_module!("repl", "repl"),
    node_module!("sqlite", "sqlite"),
    node_module!("stream", "stream"),
    node_module!("stream/consumers", "stream_consumers"),
    node_module!("stream/promises", "stream_promises"),
    node_module!("stream/web", "stream_web"),
    node_module!("string_decoder", "string_decoder"),
    node_module!("sys", "util"),
    node_module!("test", "test", prefix_only),
    node_module!("timers", "timers"),
    node_module!("timers/promises", "timers_promises"),
    node_module!("tls", "tls"),
    node_module!("trace_events", "trace_events"),
    node_module!("tty", "tty"),
    node_module!("url", "url"),
    node_module!("util", "util"),
    node_module!("util/types", "util_types"),
    node_module!("v8", "v8"),
    node_module!("vm", "vm"),
    node_module!("wasi", "wasi"),
    node_module!("worker_threads", "worker_threads"),
    node_module!("zlib", "zlib"),
];

/// The modules workerd gates behind a flag of their own (compatibility-date.capnp's
/// `enableNodeJs…Module`, most implied by `nodejs_compat` from a date), by import name.
pub static MODULE_FLAGS: &[(&str, &str)] = &[
    ("_http_agent", "enable_nodejs_http_modules"),
    ("_http_client", "enable_nodejs_http_modules"),
    ("_http_common", "enable_nodejs_http_modules"),
    ("_http_incoming", "enable_nodejs_http_modules"),
    ("_http_outgoing", "enable_nodejs_http_modules"),
    ("_http_server", "enable_nodejs_http_server_modules"),
    ("_stream_wrap", "enable_nodejs_stream_wrap_module"),
    ("child_process", "enable_nodejs_child_process_module"),
    ("cluster", "enable_nodejs_cluster_module"),
    ("console", "enable_nodejs_console_module"),
    ("dgram", "enable_nodejs_dgram_module"),
    ("domain", "enable_nodejs_domain_module"),
    ("fs", "enable_nodejs_fs_module"),
    ("fs/promises", "enable_nodejs_fs_module"),
    ("http", "enable_nodejs_http_modules"),
    ("http2", "enable_nodejs_http2_module"),
    ("https", "enable_nodejs_http_modules"),
    ("inspector", "enable_nodejs_inspector_module"),
    ("inspector/promises", "enable_nodejs_inspector_module"),
    ("os", "enable_nodejs_os_module"),
    ("perf_hooks", "enable_nodejs_perf_hooks_module"),
    ("punycode", "enable_nodejs_punycode_module"),
    ("readline", "enable_nodejs_readline_module"),
    ("readline/promises", "enable_nodejs_readline_module"),
    ("repl", "enable_nodejs_repl_module"),
    ("sqlite", "enable_nodejs_sqlite_module"),
    ("trace_events", "enable_nodejs_trace_events_module"),
    ("tty", "enable_nodejs_tty_module"),
    ("v8", "enable_nodejs_v8_module"),
    ("vm", "enable_nodejs_vm_module"),
    ("wasi", "enable_nodejs_wasi_module"),
    ("worker_threads", "enable_nodejs_worker_threads_module"),
];
