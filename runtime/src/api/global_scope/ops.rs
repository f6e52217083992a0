//! The global scope's native half: the frozen clock, seeded randomness, console output,
//! timers, base64, and the calls through which the core's handler dispatch (handlers.js)
//! reports what became of an invocation.

use base64::Engine as _;
use rquickjs::{Ctx, TypedArray, Value};

use crate::engine::async_context;
use crate::engine::catalog::OpSet;
use crate::engine::event_loop::TimerKind;
use crate::engine::ops::{copy_bytes, pairs, require_request};
use crate::http::BodyUse;
use crate::limits::TIMERS_MAX;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add("now", move || i.borrow().clock_ms as f64)?;
    let i = ops.io.clone();
    ops.add("inRequest", move || i.borrow().in_request())?;

    let i = ops.io.clone();
    ops.add(
        "randomBytes",
        move |ctx: Ctx<'js>, n: usize| -> rquickjs::Result<TypedArray<'js, u8>> {
            // A vitest config is Node's code, which may draw random values at top level.
            let node_config =
                (i.borrow().bundle.as_ref()).is_some_and(|b| b.evaluates_vitest_config());
            if !node_config {
                require_request(&ctx, &i)?;
            }
            let mut buf = vec![0u8; n];
            i.borrow().host.fill_random(&mut buf);
            TypedArray::new(ctx, buf)
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "seedBytes",
        move |ctx: Ctx<'js>| -> rquickjs::Result<TypedArray<'js, u8>> {
            let mut buf = vec![0u8; 16];
            i.borrow().host.fill_random(&mut buf);
            TypedArray::new(ctx, buf)
        },
    )?;

    ops.add("asyncContext", |ctx: Ctx<'js>| async_context::current(&ctx))?;
    ops.add("enterAsyncContext", |ctx: Ctx<'js>, value: Value<'js>| {
        async_context::enter(&ctx, value)
    })?;

    let i = ops.io.clone();
    ops.add("log", move |level: String, message: String| {
        let mut io = i.borrow_mut();
        let current = io.current;
        io.log(current, &level, message)
    })?;

    let i = ops.io.clone();
    ops.add(
        "timerSet",
        move |ctx: Ctx<'js>, delay: f64, repeat: bool| -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let mut io = i.borrow_mut();
            if io.event_loop.js_timer_count() >= TIMERS_MAX {
                return Ok(0.0);
            }
            let delay_ms = if delay.is_finite() && delay > 0.0 {
                delay as u64
            } else {
                0
            };
            let repeat_ms = repeat.then_some(delay_ms);
            let current = io.current;
            Ok(io.add_timer(delay_ms, TimerKind::Js { repeat_ms }, current) as f64)
        },
    )?;
    let i = ops.io.clone();
    ops.add("timerClear", move |id: f64| {
        i.borrow_mut().event_loop.clear_timer(id as u64)
    })?;

    // `version_metadata.timestamp`.
    let i = ops.io.clone();
    ops.add("deployedAtMs", move || -> f64 {
        let host = i.borrow().host.clone();
        host.deployed_at_ms() as f64
    })?;

    // The answer a scenario declares for a service a simulation never calls (JSON text).
    let i = ops.io.clone();
    ops.add(
        "declaredAnswer",
        move |ctx: Ctx<'js>, service: String, key: String| -> rquickjs::Result<Option<String>> {
            require_request(&ctx, &i)?;
            let host = i.borrow().host.clone();
            Ok(host.declared_answer(&service, &key))
        },
    )?;

    // Lower-case hex of a byte view: IDs and checksums are spelled in it on every request.
    ops.add("hex", |bytes: TypedArray<'js, u8>| -> String {
        crate::digest::hex(&copy_bytes(&bytes))
    })?;

    ops.add("atob", |s: String| {
        forgiving_base64_decode(&s).map(|b| b.iter().map(|&c| c as char).collect::<String>())
    })?;
    ops.add("btoa", |s: String| -> Option<String> {
        let bytes: Option<Vec<u8>> = s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
        bytes.map(|b| base64::engine::general_purpose::STANDARD.encode(b))
    })?;

    let i = ops.io.clone();
    ops.add("queueSettled", move |id: f64, decisions: String| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.returned = Some(decisions);
        }
    })?;

    let i = ops.io.clone();
    ops.add(
        "respond",
        move |id: f64,
              status: u16,
              status_text: String,
              headers: Vec<String>,
              body: TypedArray<'js, u8>,
              socket: Option<crate::engine::sockets::SocketHandle>| {
            let mut io = i.borrow_mut();
            let web_socket = socket.and_then(|h| io.sockets.take(h));
            let body = match io.invocations.get(&(id as u64)).map(|inv| inv.body_use) {
                Some(BodyUse::Drain) => Vec::new(),
                _ => copy_bytes(&body),
            };
            let response = crate::http::HttpResponse {
                status,
                status_text,
                headers: pairs(headers),
                body,
                web_socket,
            };
            io.respond(id as u64, Some(response));
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "responseHead",
        move |id: f64, status: u16, status_text: String, headers: Vec<String>| {
            if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
                inv.streaming = Some(crate::http::HttpResponse {
                    status,
                    status_text,
                    headers: pairs(headers),
                    body: Vec::new(),
                    web_socket: None,
                });
            }
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "responseChunk",
        move |id: f64, chunk: TypedArray<'js, u8>| {
            let mut io = i.borrow_mut();
            let Some(inv) = io.invocations.get_mut(&(id as u64)) else {
                return;
            };
            if let (Some(response), BodyUse::Keep) = (inv.streaming.as_mut(), inv.body_use) {
                response.body.extend(copy_bytes(&chunk));
            }
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "respondStreamed",
        move |id: f64, socket: Option<crate::engine::sockets::SocketHandle>| {
            let mut io = i.borrow_mut();
            let web_socket = socket.and_then(|h| io.sockets.take(h));
            let streamed =
                (io.invocations.get_mut(&(id as u64))).and_then(|inv| inv.streaming.take());
            if let Some(mut response) = streamed {
                response.web_socket = web_socket;
                io.respond(id as u64, Some(response));
            }
        },
    )?;
    let i = ops.io.clone();
    ops.add("handlerDone", move |id: f64| {
        i.borrow_mut().respond(id as u64, None)
    })?;
    let i = ops.io.clone();
    ops.add("fail", move |id: f64, exception: String| {
        i.borrow_mut().fail(id as u64, exception)
    })?;
    let i = ops.io.clone();
    ops.add("waitUntilAdd", move |id: f64| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.wait_until_pending += 1;
        }
    })?;
    let i = ops.io.clone();
    ops.add("waitUntilSettled", move |id: f64| {
        i.borrow_mut().wait_until_settled(id as u64)
    })?;
    let i = ops.io.clone();
    ops.add("passThroughOnException", move |id: f64| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.pass_through = true;
        }
    })?;
    let i = ops.io.clone();
    ops.add("defaultHandling", move |id: f64| {
        i.borrow_mut().default_handling(id as u64)
    })?;
    Ok(())
}

/// The WHATWG "forgiving-base64 decode" (used by `atob`).
fn forgiving_base64_decode(input: &str) -> Option<Vec<u8>> {
    let mut s: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r'))
        .collect();
    if s.len().is_multiple_of(4) {
        if s.ends_with("==") {
            s.truncate(s.len() - 2);
        } else if s.ends_with('=') {
            s.truncate(s.len() - 1);
        }
    }
    if s.len() % 4 == 1
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
    {
        return None;
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    engine.decode(s).ok()
}
