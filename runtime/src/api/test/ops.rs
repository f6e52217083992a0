//! The test runner's native half: the Worker's own `fetch` handler reached from a test
//! (`SELF.fetch()`), and the file's report handed back to the driver.

use rquickjs::{Ctx, TypedArray};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::{OpKind, OpOutcome};
use crate::engine::ops::require_request;
use crate::host::StorageStep;
use crate::invocation::ErrorClass;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "selfFetch",
        move |ctx: Ctx<'js>,
              method: String,
              url: String,
              headers: Vec<String>,
              body: Option<TypedArray<'js, u8>>,
              colo: Option<String>|
              -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let request = crate::engine::ops::request_from_js(method, url, headers, body);
            let mut io = i.borrow_mut();
            // Another data centre's isolate of the same Worker, or this one's own handler.
            if let Some(colo) = colo {
                let answer = io.host.fetch_at_colo(&colo, request);
                let op = async move {
                    match answer.await {
                        Ok(response) => OpOutcome::Response(response),
                        Err(message) => OpOutcome::Error {
                            class: ErrorClass::Error,
                            message,
                        },
                    }
                };
                return Ok(io.add_op(OpKind::Js, Box::pin(op)) as f64);
            }
            // The router comes first: static assets answer without the Worker running.
            if let Some(response) = io.host.route_to_assets(&request) {
                let answer = std::future::ready(OpOutcome::Response(response));
                return Ok(io.add_op(OpKind::Js, Box::pin(answer)) as f64);
            }
            let answer = io.self_events.fetch(request);
            Ok(io.add_op(OpKind::Js, answer) as f64)
        },
    )?;

    // SELF.scheduled() and SELF.queue(): the Worker's other handlers, in this isolate.
    let i = ops.io.clone();
    ops.add(
        "selfScheduled",
        move |ctx: Ctx<'js>, cron: String, scheduled_time_ms: f64| -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let mut io = i.borrow_mut();
            let answer = io
                .self_events
                .scheduled(cron, scheduled_time_ms.max(0.0) as u64);
            Ok(io.add_op(OpKind::Js, answer) as f64)
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "selfQueue",
        move |ctx: Ctx<'js>, queue: String, messages: String| -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let mut io = i.borrow_mut();
            let answer = io.self_events.batch(queue, messages);
            Ok(io.add_op(OpKind::Js, answer) as f64)
        },
    )?;

    // The runner's own bytecode has no file name for `import()` to resolve against.
    ops.add(
        "testImport",
        |ctx: Ctx<'js>, specifier: String| -> rquickjs::Result<rquickjs::Promise<'js>> {
            rquickjs::Module::import(&ctx, specifier)
        },
    )?;

    // Isolated storage: "save" before a suite or test, "restore" after it.
    let i = ops.io.clone();
    ops.add(
        "testStorage",
        move |ctx: Ctx<'js>, step: String| -> rquickjs::Result<()> {
            let step = match step.as_str() {
                "save" => StorageStep::Save,
                _ => StorageStep::Restore,
            };
            let host = i.borrow().host.clone();
            host.test_storage(step)
                .map_err(|e| rquickjs::Exception::throw_message(&ctx, &e))
        },
    )?;

    let i = ops.io.clone();
    ops.add("testReport", move |id: f64, report: String| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.returned = Some(report);
        }
    })?;
    Ok(())
}
