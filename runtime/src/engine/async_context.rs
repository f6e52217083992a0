//! The async context code runs in: the one value AsyncLocalStorage keeps its stores in.
//!
//! workerd carries it with V8's continuation-preserved embedder data: a promise reaction runs
//! in the context that was current when it was registered (`then`, `await`). QuickJS has no
//! such thing, so edgesim's copy of it (vendor/rquickjs-sys, PATCH.md) keeps the value on the
//! context and carries it into every promise reaction, thenable job and `queueMicrotask`
//! callback; the runtime's JavaScript carries it into timers itself.

use rquickjs::{Ctx, Value, qjs};

unsafe extern "C" {
    fn JS_GetAsyncContext(ctx: *mut qjs::JSContext) -> qjs::JSValue;
    fn JS_SetAsyncContext(ctx: *mut qjs::JSContext, value: qjs::JSValue);
}

/// The current async context (`undefined` outside any `run`).
pub fn current<'js>(ctx: &Ctx<'js>) -> Value<'js> {
    // SAFETY: the context is live; the function returns an owned (duplicated) value.
    unsafe { Value::from_raw(ctx.clone(), JS_GetAsyncContext(ctx.as_raw().as_ptr())) }
}

/// Makes `value` the current async context.
pub fn enter<'js>(ctx: &Ctx<'js>, value: Value<'js>) {
    // SAFETY: the context is live and `value` belongs to it; the function duplicates what it
    // keeps, so `value` is dropped (freed) here as usual.
    unsafe { JS_SetAsyncContext(ctx.as_raw().as_ptr(), value.as_raw()) }
}
