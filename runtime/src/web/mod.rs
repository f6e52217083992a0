//! The Web platform as Workers see it, written in JavaScript over native ops (engine/ops.rs).
//!
//! The files in js/ are concatenated, in name order, into the body of one function that takes
//! the ops object and returns the runtime's entry points; nothing they declare leaks into the
//! Worker's scope except the globals they install on purpose. The function is the default export
//! of a module that is compiled to bytecode once per process (engine::isolate), so a cold start
//! does not parse it again.

/// The file name the prelude's frames carry; they are cut from stack traces users see.
pub const PRELUDE_FILE_NAME: &str = "edgesim:internal";

/// `export default function (ops) { ... }`: called once per isolate with the ops object.
pub const PRELUDE: &str = concat!(
    "export default function (ops) {\n",
    include_str!("js/00_core.js"),
    include_str!("js/05_json.js"),
    include_str!("js/06_serialize.js"),
    include_str!("js/10_encoding.js"),
    include_str!("js/15_abort.js"),
    include_str!("js/20_url.js"),
    include_str!("js/22_url_pattern.js"),
    include_str!("js/30_headers.js"),
    include_str!("js/40_streams.js"),
    include_str!("js/42_stream_classes.js"),
    include_str!("js/45_websocket.js"),
    include_str!("js/50_body.js"),
    include_str!("js/52_form_data.js"),
    include_str!("js/58_subtle.js"),
    include_str!("js/60_fetch.js"),
    include_str!("js/62_html_rewriter.js"),
    include_str!("js/70_kv.js"),
    include_str!("js/75_d1.js"),
    include_str!("js/76_r2.js"),
    include_str!("js/78_queue.js"),
    include_str!("js/80_durable_object.js"),
    include_str!("js/85_cache.js"),
    include_str!("js/90_worker.js"),
    "\n}\n"
);

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
