//! The runtime's own JavaScript (web/js) as bytecode: compiled once per process, loaded into
//! each isolate — the core when the isolate starts, each unit the first time the Worker reaches
//! for it (web::UNITS).

use std::sync::OnceLock;

use rquickjs::{Context, Ctx, Function, Module, Runtime, WriteOptions};

use super::ops;
use crate::web;

/// Bytecode per compiled part: the core first, then the units in `web::UNITS` order.
static BYTECODE: [OnceLock<Result<Vec<u8>, String>>; web::UNITS.len() + 1] =
    [const { OnceLock::new() }; web::UNITS.len() + 1];

/// Evaluates the core module in `ctx` and returns its default export, `function (ops)`.
pub fn load_core<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    load(ctx, 0, web::PRELUDE_FILE_NAME, web::PRELUDE)
}

/// Evaluates unit `name` in `ctx` and returns its default export, `function (ops, core)`.
pub fn load_unit<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Function<'js>> {
    let Some(index) = web::UNITS.iter().position(|u| u.name == name) else {
        return Err(rquickjs::Error::new_loading_message(
            name,
            "edgesim has no such runtime unit",
        ));
    };
    let unit = &web::UNITS[index];
    load(ctx, index + 1, unit.file_name, unit.source)
}

fn load<'js>(
    ctx: &Ctx<'js>,
    index: usize,
    file_name: &'static str,
    source: &'static str,
) -> rquickjs::Result<Function<'js>> {
    let bytes = BYTECODE[index]
        .get_or_init(|| compile(file_name, source))
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

fn compile(file_name: &'static str, source: &'static str) -> Result<Vec<u8>, String> {
    let runtime = Runtime::new().map_err(|e| e.to_string())?;
    let context = Context::full(&runtime).map_err(|e| e.to_string())?;
    context.with(|ctx| {
        Module::declare(ctx.clone(), file_name, source)
            .and_then(|m| {
                // Without debug information (file, line tables) there is less to read per start,
                // ~2 % of a cold start; the runtime's frames are cut from the stacks Workers log
                // anyway (js/00_core.js `userStack`).
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The names between the quotes that follow each `marker` in `text`.
    fn quoted_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
        text.split(marker)
            .skip(1)
            .filter_map(|rest| rest.strip_prefix('"')?.split('"').next())
            .collect()
    }

    /// web::UNITS names each unit's globals again, so that reading one loads the unit: the
    /// list and the unit's own `define(G, …)` calls must agree, or a global would be missing
    /// until its unit loads (or never be defined).
    #[test]
    fn every_unit_global_is_declared_lazy_and_no_other() {
        for unit in &web::UNITS {
            let mut defined = quoted_after(unit.source, "define(G, ");
            let mut lazy = unit.globals.to_vec();
            defined.sort_unstable();
            lazy.sort_unstable();
            assert_eq!(defined, lazy, "unit {}", unit.name);
        }
    }

    /// A unit no test happens to touch would otherwise reach users with a syntax error.
    #[test]
    fn every_unit_compiles() {
        for unit in &web::UNITS {
            if let Err(e) = compile(unit.file_name, unit.source) {
                panic!("unit {} does not compile: {e}", unit.name);
            }
        }
    }
}
