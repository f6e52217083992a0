//! The Workers APIs, one folder each: its JavaScript (`*.js`) beside its native half (`ops.rs`
//! and whatever that needs), and here the catalog that hands them all to the engine.
//!
//! The core scripts are concatenated, in the order below, into the body of one function that
//! takes the ops object and returns the runtime's entry points; nothing they declare leaks into
//! the Worker's scope except the globals they install on purpose. Each unit is a function of its
//! own, `(ops, core)`, that a Worker loads the first time it reaches for one of the unit's
//! globals (engine::lazy_globals) or bindings (global_scope/units.js), with the native ops only
//! it calls: most Workers use a few of them, and a cold start pays only for the core. Loading a
//! unit is not the Worker's CPU time (engine::cpu `uncharged`). Every script is compiled to
//! bytecode once per process (engine::prelude), so a cold start does not parse it again.

pub mod analytics_engine;
pub mod cache;
pub mod crypto;
pub mod d1;
pub mod durable_object;
pub mod email;
pub mod encoding;
pub mod fetch;
pub mod global_scope;
pub mod html_rewriter;
pub mod hyperdrive;
pub mod images;
pub mod intl;
pub mod kv;
pub mod node;
pub mod pages;
pub mod pipelines;
pub mod queue;
pub mod r2;
pub mod ratelimit;
pub mod rpc;
pub mod secrets_store;
pub mod sockets;
pub mod streams;
pub mod test;
pub mod url;
pub mod url_pattern;
pub mod wasm;
pub mod websocket;
pub mod workflows;

#[cfg(test)]
pub(crate) mod tests;

use crate::engine::catalog::{Catalog, Script, Unit};

/// Everything the engine runs: every isolate receives it (IsolateConfig::catalog).
pub static CATALOG: Catalog = Catalog {
    core: Script::new(
        "edgesim:internal",
        concat!(
            "export default function (ops) {\n",
            include_str!("global_scope/core.js"),
            include_str!("url/url.js"),
            include_str!("fetch/headers.js"),
            include_str!("fetch/body.js"),
            include_str!("global_scope/host_ops.js"),
            include_str!("global_scope/units.js"),
            include_str!("global_scope/handlers.js"),
            "\n}\n"
        ),
    ),
    core_ops: &[
        global_scope::OPS,
        encoding::OPS,
        url::OPS,
        crypto::DIGEST_OPS,
    ],
    units: &UNITS,
    modules: &[
        ("cloudflare:workers", CLOUDFLARE_WORKERS_MODULE),
        ("cloudflare:workflows", CLOUDFLARE_WORKFLOWS_MODULE),
        ("cloudflare:sockets", CLOUDFLARE_SOCKETS_MODULE),
        ("cloudflare:email", CLOUDFLARE_EMAIL_MODULE),
        ("cloudflare:node", CLOUDFLARE_NODE_MODULE),
        ("edgesim:pages-functions", PAGES_FUNCTIONS_MODULE),
    ],
    node_modules: node::MODULES,
    locale_methods: &intl::LOCALE_METHODS,
};

macro_rules! unit {
    ($name:literal, [$($global:literal),*], [$($file:literal),+], [$($ops:expr),*]) => {
        unit!($name, [$($global),*], [$($file),+], [$($ops),*], None)
    };
    ($name:literal, [$($global:literal),*], [$($file:literal),+], [$($ops:expr),*], $flag:expr) => {
        Unit {
            globals_flag: $flag,
            name: $name,
            globals: &[$($global),*],
            script: Script::new(
                concat!("edgesim:internal/", $name),
                concat!(
                    "export default function (ops, core) {\n",
                    $(include_str!(concat!($file, ".js")),)+
                    "\n}\n"
                ),
            ),
            ops: &[$($ops),*],
        }
    };
}

/// Every unit, each loaded by the first use of what it provides (global_scope/units.js).
static UNITS: [Unit; 87] = [
    unit!(
        "dom_exception",
        ["DOMException"],
        ["dom_exception/dom_exception"],
        []
    ),
    unit!("inspect", [], ["global_scope/inspect"], []),
    unit!("json_errors", [], ["global_scope/json_errors"], []),
    unit!(
        "serialize",
        ["structuredClone"],
        ["global_scope/serialize"],
        []
    ),
    unit!(
        "performance_timeline",
        [
            "Performance",
            "PerformanceEntry",
            "PerformanceMark",
            "PerformanceMeasure",
            "PerformanceObserver",
            "PerformanceObserverEntryList",
            "PerformanceResourceTiming"
        ],
        ["performance/timeline"],
        [],
        Some("enable_global_performance_classes")
    ),
    unit!(
        "events",
        [
            "Event",
            "CustomEvent",
            "ErrorEvent",
            "EventTarget",
            "performance",
            "reportError"
        ],
        ["events/events"],
        []
    ),
    unit!("mime", [], ["fetch/mime"], []),
    unit!(
        "service_worker",
        ["ExtendableEvent", "FetchEvent", "ScheduledEvent"],
        ["service_worker/service_worker"],
        []
    ),
    unit!(
        "encoding",
        ["TextEncoder", "TextDecoder"],
        ["encoding/encoding"],
        []
    ),
    unit!(
        "abort",
        ["AbortSignal", "AbortController"],
        ["abort/abort"],
        []
    ),
    unit!(
        "url_pattern",
        ["URLPattern"],
        ["url_pattern/url_pattern"],
        [url_pattern::OPS]
    ),
    unit!(
        "streams",
        [
            "CountQueuingStrategy",
            "ByteLengthQueuingStrategy",
            "ReadableStream",
            "ReadableStreamDefaultReader",
            "ReadableStreamBYOBReader",
            "ReadableStreamDefaultController",
            "ReadableByteStreamController",
            "ReadableStreamBYOBRequest",
            "WritableStream",
            "WritableStreamDefaultWriter",
            "WritableStreamDefaultController",
            "TransformStream",
            "TransformStreamDefaultController"
        ],
        ["streams/readable", "streams/writable"],
        []
    ),
    unit!(
        "stream_classes",
        [
            "IdentityTransformStream",
            "FixedLengthStream",
            "TextEncoderStream",
            "TextDecoderStream",
            "CompressionStream",
            "DecompressionStream"
        ],
        ["streams/stream_classes"],
        [streams::COMPRESSION_OPS]
    ),
    unit!(
        "websocket",
        [
            "MessageEvent",
            "CloseEvent",
            "WebSocket",
            "WebSocketPair",
            "WebSocketRequestResponsePair"
        ],
        ["websocket/websocket"],
        [websocket::OPS, fetch::OPS]
    ),
    unit!("blob", ["Blob", "File"], ["blob/blob"], []),
    unit!(
        "message_channel",
        ["MessageChannel", "MessagePort"],
        ["message_channel/message_channel"],
        [],
        Some("expose_global_message_channel")
    ),
    unit!("wasm", ["WebAssembly"], ["wasm/wasm"], [wasm::OPS]),
    unit!(
        "intl",
        ["Intl"],
        [
            "intl/intl",
            "intl/number",
            "intl/date",
            "intl/text",
            "intl/duration",
            "intl/namespace"
        ],
        [intl::OPS]
    ),
    unit!("form_data", ["FormData"], ["form_data/form_data"], []),
    unit!(
        "subtle",
        ["CryptoKey", "SubtleCrypto"],
        ["crypto/subtle"],
        [crypto::SUBTLE_OPS]
    ),
    unit!("crypto", ["Crypto", "crypto"], ["crypto/crypto"], []),
    unit!("fetch", ["fetch"], ["fetch/fetch"], [fetch::OPS]),
    unit!(
        "html_rewriter",
        ["HTMLRewriter"],
        ["html_rewriter/html_rewriter"],
        [html_rewriter::OPS]
    ),
    unit!("kv", ["KvNamespace"], ["kv/kv"], [kv::OPS]),
    unit!(
        "d1",
        ["D1PreparedStatement", "D1DatabaseSession", "D1Database"],
        ["d1/d1"],
        [d1::OPS]
    ),
    unit!(
        "r2",
        ["R2Object", "R2ObjectBody", "R2MultipartUpload", "R2Bucket"],
        ["r2/r2"],
        [r2::OPS]
    ),
    unit!(
        "queue",
        ["WorkerQueue", "QueueMessage", "QueueController"],
        ["queue/queue"],
        [queue::OPS]
    ),
    unit!(
        "durable_object",
        [
            "DurableObjectNamespace",
            "DurableObjectId",
            "DurableObjectStub",
            "DurableObjectStorage",
            "DurableObjectTransaction",
            "SqlStorage",
            "SqlCursor",
            "DurableObjectState"
        ],
        ["durable_object/durable_object"],
        [durable_object::OPS, websocket::OPS, rpc::OPS]
    ),
    unit!(
        "rpc",
        ["Fetcher"],
        ["rpc/rpc", "rpc/stubs", "rpc/service"],
        [rpc::OPS]
    ),
    unit!("sockets", [], ["sockets/sockets"], [sockets::OPS]),
    unit!("pages", [], ["pages/pages"], []),
    unit!("hyperdrive", [], ["hyperdrive/hyperdrive"], []),
    unit!("ratelimit", [], ["ratelimit/ratelimit"], [ratelimit::OPS]),
    unit!(
        "analytics_engine",
        [],
        ["analytics_engine/analytics_engine"],
        [analytics_engine::OPS]
    ),
    unit!("pipelines", [], ["pipelines/pipelines"], [pipelines::OPS]),
    unit!("email", [], ["email/email"], [email::OPS]),
    unit!(
        "secrets_store",
        [],
        ["secrets_store/secrets_store"],
        [secrets_store::OPS]
    ),
    unit!("images", [], ["images/images"], [images::OPS]),
    unit!("ai", [], ["ai/ai"], []),
    unit!("vectorize", [], ["vectorize/vectorize"], []),
    unit!(
        "workflows",
        [],
        [
            "workflows/binding",
            "workflows/step",
            "workflows/introspect"
        ],
        [workflows::OPS]
    ),
    unit!(
        "cache",
        ["Cache", "CacheStorage", "caches"],
        ["cache/cache"],
        [cache::OPS]
    ),
    // nodejs_compat (api/node): the node:* modules load these.
    unit!("node_internal", [], ["node/errors"], []),
    unit!("node_buffer", [], ["node/buffer"], [node::OPS]),
    unit!("node_events", [], ["node/events"], []),
    unit!(
        "node_crypto",
        [],
        [
            "node/crypto",
            "node/crypto_keys",
            "node/crypto_primes",
            "node/crypto_rsa",
            "node/crypto_dh",
            "node/crypto_x509",
            "node/crypto_module"
        ],
        [
            node::CRYPTO_OPS,
            node::CRYPTO_KEY_OPS,
            node::CRYPTO_PRIME_OPS,
            node::CRYPTO_RSA_OPS,
            node::CRYPTO_DH_OPS,
            node::CRYPTO_ECDH_OPS,
            node::CRYPTO_X509_OPS,
            node::CRYPTO_KEY_ENCRYPTION_OPS,
            crypto::SUBTLE_OPS
        ]
    ),
    unit!("node_async_hooks", [], ["node/async_hooks"], []),
    unit!("node_path", [], ["node/path", "node/path_win32"], []),
    unit!("node_process", [], ["node/process"], [node::OPS]),
    unit!(
        "node_util",
        [],
        ["node/inspect", "node/format", "node/mime", "node/util"],
        [node::OPS]
    ),
    unit!("node_string_decoder", [], ["node/string_decoder"], []),
    unit!(
        "node_fs",
        [],
        [
            "node/fs_vfs",
            "node/fs_ops",
            "node/fs_sync",
            "node/fs",
            "node/fs_promises"
        ],
        [node::FS_OPS]
    ),
    unit!(
        "node_stream",
        [],
        [
            "node/stream_readable",
            "node/stream_readable_pipe",
            "node/stream_writable",
            "node/stream"
        ],
        []
    ),
    unit!("node_timers", [], ["node/timers"], []),
    unit!("node_querystring", [], ["node/querystring"], []),
    unit!("node_url", [], ["node/url"], []),
    unit!("node_assert", [], ["node/assert"], []),
    unit!("node_os", [], ["node/os"], []),
    unit!("node_child_process", [], ["node/child_process"], []),
    unit!("node_cluster", [], ["node/cluster"], []),
    unit!("node_domain", [], ["node/domain"], []),
    unit!("node_trace_events", [], ["node/trace_events"], []),
    unit!("node_wasi", [], ["node/wasi"], []),
    unit!("node_tty", [], ["node/tty"], []),
    unit!("node_dns", [], ["node/dns_records", "node/dns"], []),
    unit!("node_v8", [], ["node/v8"], []),
    unit!("node_vm", [], ["node/vm"], []),
    unit!("node_worker_threads", [], ["node/worker_threads"], []),
    unit!("node_dgram", [], ["node/dgram"], []),
    unit!("node_readline", [], ["node/readline"], []),
    unit!("node_repl", [], ["node/repl"], []),
    unit!("node_inspector", [], ["node/inspector"], []),
    unit!("node_module", [], ["node/module"], []),
    unit!("node_net", [], ["node/net_address", "node/net"], []),
    unit!(
        "node_http",
        [],
        [
            "node/http_common",
            "node/http_outgoing",
            "node/http_incoming",
            "node/http_client",
            "node/http_server",
            "node/http"
        ],
        []
    ),
    unit!("node_console", [], ["node/console"], []),
    unit!("node_sqlite", [], ["node/sqlite"], []),
    unit!("node_http2", [], ["node/http2"], []),
    unit!("node_test", [], ["node/test_mock"], []),
    unit!("node_tls", [], ["node/tls"], []),
    unit!("node_constants", [], ["node/constants"], []),
    unit!("node_perf_hooks", [], ["node/perf_hooks"], []),
    unit!("node_stream_consumers", [], ["node/stream_consumers"], []),
    unit!(
        "node_diagnostics_channel",
        [],
        ["node/diagnostics_channel"],
        []
    ),
    unit!(
        "node_zlib",
        [],
        ["node/zlib_constants", "node/zlib"],
        [node::ZLIB_OPS]
    ),
    unit!(
        "node_globals",
        [
            "Buffer",
            "process",
            "global",
            "setImmediate",
            "clearImmediate"
        ],
        ["node/globals"],
        [],
        Some("nodejs_compat_v2")
    ),
    unit!(
        "test",
        [],
        [
            "test/format",
            "test/equals",
            "test/expect",
            "test/assert",
            "test/mock",
            "test/module_mocks",
            "test/fake_timers",
            "test/snapshot",
            "test/runner",
            "test/fetch_mock",
            "test/durable_objects",
            "test/sim",
            "test/cloudflare_test",
            "test/exports"
        ],
        [test::OPS]
    ),
];

/// What a Pages project's generated entry imports its router from (api/pages, worker/pages.rs).
const PAGES_FUNCTIONS_MODULE: &str = r#"
export const functionsWorker = globalThis[Symbol.for("edgesim.pages")]().functionsWorker;
"#;

/// The `cloudflare:sockets` module: `connect()` (api/sockets).
const CLOUDFLARE_SOCKETS_MODULE: &str = r#"
export const connect = globalThis[Symbol.for("edgesim.sockets")]().connect;
"#;

/// The `cloudflare:email` module: the message a send_email binding sends (api/email).
const CLOUDFLARE_EMAIL_MODULE: &str = r#"
export const EmailMessage = globalThis[Symbol.for("edgesim.email")]().EmailMessage;
"#;

/// The `cloudflare:node` module: a Node HTTP server as the Worker's fetch handler (api/node/http_server.js).
const CLOUDFLARE_NODE_MODULE: &str = r#"
const m = globalThis[Symbol.for("edgesim.cloudflare:node")]();
export const httpServerHandler = m.httpServerHandler;
export const handleAsNodeRequest = m.handleAsNodeRequest;
"#;

/// The `cloudflare:workflows` module: the error a step throws to stop retrying.
const CLOUDFLARE_WORKFLOWS_MODULE: &str = r#"
export const NonRetryableError = globalThis[Symbol.for("edgesim.workflows")]().NonRetryableError;
"#;

/// The `cloudflare:workers` module: re-exports the classes the prelude defined.
const CLOUDFLARE_WORKERS_MODULE: &str = r#"
const cf = globalThis[Symbol.for("edgesim.cloudflare:workers")];
export const WorkerEntrypoint = cf.WorkerEntrypoint;
export const DurableObject = cf.DurableObject;
export const RpcTarget = cf.RpcTarget;
export const RpcStub = cf.RpcStub;
export const WorkflowEntrypoint = cf.WorkflowEntrypoint;
export const env = cf.env;
export const exports = cf.exports;
export const withEnv = cf.withEnv;
export const withExports = cf.withExports;
export const withEnvAndExports = cf.withEnvAndExports;
export default cf;
"#;
