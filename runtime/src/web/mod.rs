//! The Web platform as Workers see it, written in JavaScript over native ops (engine/ops.rs).
//!
//! The core files in js/ are concatenated, in name order, into the body of one function that
//! takes the ops object and returns the runtime's entry points; nothing they declare leaks into
//! the Worker's scope except the globals they install on purpose. Each unit is a function of its
//! own, `(ops, core)`, that a Worker loads the first time it reaches for one of the unit's
//! globals or bindings (js/88_units.js): most Workers use a few of them, and a cold start pays
//! only for the core. Everything is compiled to bytecode once per process (engine::prelude), so
//! a cold start does not parse it again.

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
    include_str!("js/30_headers.js"),
    include_str!("js/50_body.js"),
    include_str!("js/60_fetch.js"),
    include_str!("js/88_units.js"),
    include_str!("js/90_worker.js"),
    "\n}\n"
);

/// A part of the runtime loaded on first use.
pub struct Unit {
    /// What js/88_units.js asks for.
    pub name: &'static str,
    /// Contains `PRELUDE_FILE_NAME`, so the unit's frames are cut from stack traces too.
    pub file_name: &'static str,
    /// `export default function (ops, core) { ...; return exports }`, from one or more files.
    pub source: &'static str,
}

macro_rules! unit {
    ($name:literal, $($file:literal),+) => {
        Unit {
            name: $name,
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
pub const UNITS: [Unit; 13] = [
    unit!("streams", "40_streams_readable", "41_streams_writable"),
    unit!("url_pattern", "22_url_pattern"),
    unit!("stream_classes", "42_stream_classes"),
    unit!("websocket", "45_websocket"),
    unit!("form_data", "52_form_data"),
    unit!("subtle", "58_subtle"),
    unit!("html_rewriter", "62_html_rewriter"),
    unit!("kv", "70_kv"),
    unit!("d1", "75_d1"),
    unit!("r2", "76_r2"),
    unit!("queue", "78_queue"),
    unit!("durable_object", "80_durable_object"),
    unit!("cache", "85_cache"),
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
