//! The runtime's own JavaScript (the catalog's scripts, api/*/*.js) as bytecode: each script
//! compiled once per process, loaded into each isolate — the core when the isolate starts, each
//! unit the first time the Worker reaches for it.

use rquickjs::{Context, Ctx, Function, Module, Runtime, WriteOptions};

use super::catalog::Script;
use super::ops;

/// Evaluates `script` in `ctx` and returns its default export: `function (ops)` for the core,
/// `function (ops, core)` for a unit.
pub fn load<'js>(ctx: &Ctx<'js>, script: &'static Script) -> rquickjs::Result<Function<'js>> {
    let file_name = script.file_name;
    let bytes = script
        .bytecode
        .get_or_init(|| compile(file_name, script.source))
        .as_deref()
        .map_err(|e| rquickjs::Error::new_loading_message(file_name, e.clone()))?;
    // SAFETY: the bytes were written by `Module::write` of this same QuickJS build, in this
    // process, and live for the rest of it (QuickJS may keep pointing into them).
    let declared = unsafe { Module::load(ctx.clone(), bytes) }?;
    // The module only declares its default export, so evaluating it settles at once: there is
    // no job to run (and running jobs here would run the Worker's microtasks inside an op).
    let (module, _promise) = declared.eval()?;
    module.namespace()?.get("default")
}

pub(crate) fn compile(file_name: &'static str, source: &'static str) -> Result<Vec<u8>, String> {
    let runtime = Runtime::new().map_err(|e| e.to_string())?;
    let context = Context::full(&runtime).map_err(|e| e.to_string())?;
    context.with(|ctx| {
        Module::declare(ctx.clone(), file_name, source)
            .and_then(|m| {
                // Without debug information (file, line tables) there is less to read per start,
                // ~2 % of a cold start; the runtime's frames are cut from the stacks Workers log
                // anyway (api/global_scope/core.js `userStack`).
                m.write(WriteOptions {
                    strip_source: true,
                    strip_debug: true,
                    ..Default::default()
                })
            })
            .map_err(|e| match e {
                rquickjs::Error::Exception => ops::describe_exception(&ctx.catch()),
                other => other.to_string(),
            })
    })
}
