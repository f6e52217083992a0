//! The test runner's native half: the Worker's own `fetch` handler reached from a test
//! (`SELF.fetch()`), and the file's report handed back to the driver.

use rquickjs::{Ctx, TypedArray};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::{OpKind, OpOutcome};
use crate::engine::io_state::IoState;
use crate::engine::modules::mocks::unscoped;
use crate::engine::ops::require_request;
use crate::host::{ObjectControl, StorageStep};
use crate::invocation::ErrorClass;
use crate::storage::durable::ObjectAddress;

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

    install_module_mocks(ops)?;
    super::world_ops::install(ops)?;

    // evictDurableObject(), evictAllDurableObjects(), abortAllDurableObjects().
    let i = ops.io.clone();
    ops.add(
        "testObjectControl",
        move |ctx: Ctx<'js>,
              what: String,
              target: Option<Vec<String>>,
              close_sockets: bool|
              -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let control = match (what.as_str(), target) {
                ("evict", Some(target)) => match <[String; 2]>::try_from(target) {
                    Ok([namespace, id]) => ObjectControl::Evict {
                        address: ObjectAddress { namespace, id },
                        close_sockets,
                    },
                    Err(_) => return Err(rquickjs::Exception::throw_type(&ctx, "bad target")),
                },
                ("evictAll", _) => ObjectControl::EvictAll { close_sockets },
                ("deleteAll", _) => ObjectControl::DeleteAll,
                _ => ObjectControl::AbortAll,
            };
            let mut io = i.borrow_mut();
            let done = io.host.test_object_control(control);
            let op = async move {
                match done.await {
                    Ok(()) => OpOutcome::Undefined,
                    Err(message) => OpOutcome::Error {
                        class: ErrorClass::Error,
                        message,
                    },
                }
            };
            Ok(io.add_op(OpKind::Js, Box::pin(op)) as f64)
        },
    )?;

    // listDurableObjectIds(), and whether a stub's object lives in this isolate.
    let i = ops.io.clone();
    ops.add("testObjectIds", move |namespace: String| {
        let host = i.borrow().host.clone();
        host.test_objects(&namespace)
    })?;

    let i = ops.io.clone();
    ops.add("testListObjects", move |namespace: String| {
        let host = i.borrow().host.clone();
        host.test_listed_objects(&namespace)
    })?;

    let i = ops.io.clone();
    ops.add("testReport", move |id: f64, report: String| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.returned = Some(report);
        }
    })?;
    Ok(())
}

/// `vi.mock`'s half in the loader: where a mocked path leads, and what each mock exports.
fn install_module_mocks<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "viResolve",
        move |ctx: Ctx<'js>, importer: String, path: String| -> rquickjs::Result<String> {
            mock_target(&i.borrow(), &importer, &path)
                .map_err(|message| rquickjs::Exception::throw_message(&ctx, &message))
        },
    )?;
    let i = ops.io.clone();
    ops.add("viMockRegister", move |importer: String, module: String| {
        let io = i.borrow();
        let mut mocks = io.module_mocks.borrow_mut();
        mocks.add_root(&importer);
        mocks.register(module);
    })?;
    let i = ops.io.clone();
    ops.add(
        "viMockExports",
        move |module: String, names: Vec<String>| {
            let io = i.borrow();
            io.module_mocks.borrow_mut().set_exports(&module, names);
        },
    )?;
    let i = ops.io.clone();
    ops.add("viResetModules", move || {
        i.borrow().module_mocks.borrow_mut().reset_modules();
    })?;
    let i = ops.io.clone();
    ops.add("viUnmock", move |module: String| {
        let io = i.borrow();
        io.module_mocks.borrow_mut().unregister(&module);
    })?;
    let i = ops.io.clone();
    ops.add(
        "viManualMock",
        move |module: String, path: String| -> Option<String> {
            let io = i.borrow();
            io.bundle.as_ref()?.manual_mock(&module, &path)
        },
    )?;
    Ok(())
}

/// The module `path` names when file `importer` mocks it: resolved as its imports are, a
/// path starting with `/` from the project's root (as Vite reads it), a runtime module
/// (`cloudflare:workers`) as itself.
fn mock_target(io: &IoState, importer: &str, path: &str) -> Result<String, String> {
    let Some(bundle) = io.bundle.as_ref() else {
        return Err("edgesim: vi.mock() needs the Worker's modules".to_string());
    };
    match bundle.resolve(unscoped(importer), path) {
        Ok(module) => Ok(module),
        Err(_) if path.starts_with('/') => bundle
            .resolve_from_root(&format!(".{path}"))
            .map_err(|e| e.to_string()),
        Err(_) if path.contains(':') => Ok(path.to_string()),
        Err(e) => Err(e.to_string()),
    }
}
