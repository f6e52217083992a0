//! The Web platform as Workers see it, written in JavaScript over native ops (engine/ops.rs).
//!
//! The core files in js/ are concatenated, in name order, into the body of one function that
//! takes the ops object and returns the runtime's entry points; nothing they declare leaks into
//! the Worker's scope except the globals they install on purpose. Each unit is a function of its
//! own, `(ops, core)`, that a Worker loads the first time it reaches for one of the unit's
//! globals (engine/lazy_globals.rs) or bindings (js/88_units.js), with the native ops only it
//! calls (engine::ops `OpGroup`): most Workers use a few of them, and a cold start pays only for
//! the core. Loading a unit is not the Worker's CPU time (engine::cpu `uncharged`). Everything is
//! compiled to bytecode once per process (engine::prelude), so a cold start does not parse it
//! again.

/// The name the core is compiled under (and what a failure to load it names).
pub const PRELUDE_FILE_NAME: &str = "edgesim:internal";

/// `export default function (ops) { ... }`: called once per isolate with the ops object.
pub const PRELUDE: &str = concat!(
    "export default function (ops) {\n",
    include_str!("js/00_core.js"),
    include_str!("js/20_url.js"),
    include_str!("js/30_headers.js"),
    include_str!("js/50_body.js"),
    include_str!("js/60_host_ops.js"),
    include_str!("js/88_units.js"),
    include_str!("js/90_worker.js"),
    "\n}\n"
);

/// A part of the runtime loaded on first use.
pub struct Unit {
    /// What js/88_units.js asks for.
    pub name: &'static str,
    /// The globals the unit defines: until it loads, each is an accessor that loads it
    /// (engine/lazy_globals.rs).
    pub globals: &'static [&'static str],
    /// What a failure to load the unit names.
    pub file_name: &'static str,
    /// `export default function (ops, core) { ...; return exports }`, from one or more files.
    pub source: &'static str,
}

macro_rules! unit {
    ($name:literal, [$($global:literal),*], $($file:literal),+) => {
        Unit {
            name: $name,
            globals: &[$($global),*],
            file_name: concat!("edgesim:internal/", $name),
            source: concat!(
                "export default function (ops, core) {\n",
                $(include_str!(concat!("js/", $file, ".js")),)+
                "\n}\n"
            ),
        }
    };
}

/// Every unit, each loaded by the first use of what it provides (js/88_units.js).
pub const UNITS: [Unit; 23] = [
    unit!("dom_exception", ["DOMException"], "02_dom_exception"),
    unit!("inspect", [], "03_inspect"),
    unit!("json_errors", [], "05_json_errors"),
    unit!("serialize", ["structuredClone"], "06_serialize"),
    unit!(
        "events",
        [
            "Event",
            "CustomEvent",
            "EventTarget",
            "Performance",
            "performance"
        ],
        "07_events"
    ),
    unit!("encoding", ["TextEncoder", "TextDecoder"], "10_encoding"),
    unit!("abort", ["AbortSignal", "AbortController"], "15_abort"),
    unit!("url_pattern", ["URLPattern"], "22_url_pattern"),
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
        "40_streams_readable",
        "41_streams_writable"
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
        "42_stream_classes"
    ),
    unit!(
        "websocket",
        [
            "MessageEvent",
            "CloseEvent",
            "ErrorEvent",
            "WebSocket",
            "WebSocketPair",
            "WebSocketRequestResponsePair"
        ],
        "45_websocket"
    ),
    unit!("blob", ["Blob", "File"], "48_blob"),
    unit!("form_data", ["FormData"], "52_form_data"),
    unit!("subtle", ["CryptoKey", "SubtleCrypto"], "58_subtle"),
    unit!("crypto", ["Crypto", "crypto"], "59_crypto"),
    unit!("fetch", ["fetch"], "61_fetch"),
    unit!("html_rewriter", ["HTMLRewriter"], "62_html_rewriter"),
    unit!("kv", ["KvNamespace"], "70_kv"),
    unit!(
        "d1",
        ["D1PreparedStatement", "D1DatabaseSession", "D1Database"],
        "75_d1"
    ),
    unit!(
        "r2",
        ["R2Object", "R2ObjectBody", "R2MultipartUpload", "R2Bucket"],
        "76_r2"
    ),
    unit!(
        "queue",
        ["WorkerQueue", "QueueMessage", "QueueController"],
        "78_queue"
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
        "80_durable_object"
    ),
    unit!("cache", ["Cache", "CacheStorage", "caches"], "85_cache"),
];

/// The `cloudflare:workers` module: re-exports the classes the prelude defined.
pub const CLOUDFLARE_WORKERS_MODULE: &str = r#"
const cf = globalThis[Symbol.for("edgesim.cloudflare:workers")];
export const WorkerEntrypoint = cf.WorkerEntrypoint;
export const DurableObject = cf.DurableObject;
export const RpcTarget = cf.RpcTarget;
export const WorkflowEntrypoint = cf.WorkflowEntrypoint;
export const env = cf.env;
export default cf;
"#;
