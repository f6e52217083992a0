//! Code generation from strings (`eval`, `new Function`, the async and generator Function
//! constructors): workerd lets a Worker compile strings while it starts (from 2025-06-01,
//! `allow_eval_during_startup`) and never while it handles an event, because production keeps a
//! record of every piece of code that runs and a string compiled at request time may have come
//! from anywhere. V8 then throws `EvalError: Code generation from strings disallowed for this
//! context`; edgesim's QuickJS (vendor/rquickjs-sys, PATCH.md) throws the same when told to.

use rquickjs::{Ctx, qjs};

unsafe extern "C" {
    fn JS_SetEvalAllowed(ctx: *mut qjs::JSContext, allowed: bool);
}

/// Allows or refuses compiling strings in `ctx` from now on.
pub fn allow(ctx: &Ctx<'_>, allowed: bool) {
    // SAFETY: the context is live; the function only sets a flag on it.
    unsafe { JS_SetEvalAllowed(ctx.as_raw().as_ptr(), allowed) }
}
