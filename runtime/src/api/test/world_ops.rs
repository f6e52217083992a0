//! `edgesim:test`'s `sim`, native half: faults, the trace and the scenario checkers of the
//! simulated world a test runs in, asked of the host (Host::test_world).

use std::cell::RefCell;
use std::rc::Rc;

use rquickjs::Ctx;

use crate::engine::catalog::OpSet;
use crate::engine::io_state::IoState;
use crate::host::{WorldAnswer, WorldCheck, WorldRequest};

/// A duration or count from JS, which checked it is a finite number ≥ 0.
fn whole(n: f64) -> u64 {
    n.max(0.0) as u64
}

/// Asks the host; its refusal becomes an `Error` with its text.
fn ask<'js>(
    ctx: &Ctx<'js>,
    io: &Rc<RefCell<IoState>>,
    request: WorldRequest,
) -> rquickjs::Result<WorldAnswer> {
    let host = io.borrow().host.clone();
    host.test_world(request)
        .map_err(|message| rquickjs::Exception::throw_message(ctx, &message))
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "simPartition",
        move |ctx: Ctx<'js>, from: Vec<String>, to: Vec<String>, both_ways: bool, for_ms: f64| {
            let for_ms = whole(for_ms);
            let request = WorldRequest::Partition {
                from,
                to,
                both_ways,
                for_ms,
            };
            ask(&ctx, &i, request).map(|_| ())
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "simLatencySpike",
        move |ctx: Ctx<'js>, a: Vec<String>, b: Vec<String>, add_ms: f64, for_ms: f64| {
            let request = WorldRequest::LatencySpike {
                between: (a, b),
                add_ms: whole(add_ms),
                for_ms: whole(for_ms),
            };
            ask(&ctx, &i, request).map(|_| ())
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "simCrash",
        move |ctx: Ctx<'js>, target: String, for_ms: f64| {
            let for_ms = whole(for_ms);
            ask(&ctx, &i, WorldRequest::Crash { target, for_ms }).map(|_| ())
        },
    )?;
    let i = ops.io.clone();
    ops.add("simFailStorageWrites", move |ctx: Ctx<'js>, n: f64| {
        let n = u32::try_from(whole(n)).unwrap_or(u32::MAX);
        ask(&ctx, &i, WorldRequest::FailStorageWrites(n)).map(|_| ())
    })?;
    let i = ops.io.clone();
    ops.add(
        "simTraceLength",
        move |ctx: Ctx<'js>| -> rquickjs::Result<f64> {
            match ask(&ctx, &i, WorldRequest::TraceLength)? {
                WorldAnswer::Length(n) => Ok(n as f64),
                _ => Err(unexpected(&ctx)),
            }
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "simTrace",
        move |ctx: Ctx<'js>, from: f64| -> rquickjs::Result<String> {
            let from = whole(from) as usize;
            match ask(&ctx, &i, WorldRequest::Trace { from })? {
                WorldAnswer::Json(text) => Ok(text),
                _ => Err(unexpected(&ctx)),
            }
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "simCheckLinearizable",
        move |ctx: Ctx<'js>, binding: String, model: String, from: f64| {
            let check = WorldCheck::Linearizable { binding, model };
            verdict(&ctx, &i, check, from)
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "simCheckKvStaleness",
        move |ctx: Ctx<'js>, bound_ms: f64, from: f64| {
            let bound_ms = whole(bound_ms);
            verdict(&ctx, &i, WorldCheck::KvStalenessAtMost { bound_ms }, from)
        },
    )?;
    Ok(())
}

/// A checker's verdict over the trace from index `from`: `{ ok, expectation, detail }`.
fn verdict<'js>(
    ctx: &Ctx<'js>,
    io: &Rc<RefCell<IoState>>,
    check: WorldCheck,
    from: f64,
) -> rquickjs::Result<rquickjs::Object<'js>> {
    let from = whole(from) as usize;
    match ask(ctx, io, WorldRequest::Check { check, from })? {
        WorldAnswer::Verdict {
            ok,
            expectation,
            detail,
        } => {
            let verdict = rquickjs::Object::new(ctx.clone())?;
            verdict.set("ok", ok)?;
            verdict.set("expectation", expectation)?;
            verdict.set("detail", detail)?;
            Ok(verdict)
        }
        _ => Err(unexpected(ctx)),
    }
}

/// A host that answers a request with the wrong kind of answer: an edgesim bug, said so.
fn unexpected(ctx: &Ctx<'_>) -> rquickjs::Error {
    rquickjs::Exception::throw_message(ctx, "edgesim: the host's answer does not fit the request")
}
