//! Native functions behind service bindings (service.js) and the answers any call from another
//! Worker's code gets back (`returned`, `threw`: RPC values and exceptions, for Durable Objects
//! and service entrypoints alike).

use rquickjs::{Ctx, Exception, TypedArray};

use crate::engine::catalog::{Io, OpSet};
use crate::engine::event_loop::{OpKind, OpOutcome};
use crate::engine::ops::{count_service_subrequest, request_from_js, require_request};
use crate::host::{CallKind, ServiceCall, ServiceEvent};

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add("threw", move |id: f64, class: String, message: String| {
        i.borrow_mut().threw(id as u64, class, message)
    })?;
    let i = ops.io.clone();
    ops.add("returned", move |id: f64, value: String| {
        i.borrow_mut().returned(id as u64, value)
    })?;

    let i = ops.io.clone();
    ops.add(
        "serviceFetch",
        move |ctx: Ctx<'js>,
              target: Vec<Option<String>>,
              loopback: bool,
              method: String,
              url: String,
              headers: Vec<String>,
              body: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<f64> {
            let request = request_from_js(method, url, headers, body);
            call(&ctx, &i, target, loopback, CallKind::Fetch(request))
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "serviceRpc",
        move |ctx: Ctx<'js>,
              target: Vec<Option<String>>,
              loopback: bool,
              stub: Option<String>,
              method: String,
              args: Option<String>|
              -> rquickjs::Result<f64> {
            let kind = i.borrow().rpc_call(stub, method, args);
            call(&ctx, &i, target, loopback, kind)
        },
    )?;
    // A call on a function or RpcTarget that came in an RPC call's arguments, back to the
    // isolate that passed it (`caller`: the handle `engine::callers` gave it).
    let i = ops.io.clone();
    ops.add(
        "callBack",
        move |ctx: Ctx<'js>,
              caller: u32,
              key: String,
              method: String,
              args: Option<String>|
              -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let mut io = i.borrow_mut();
            let Some(to) = io.callers.get(caller).cloned() else {
                return Err(Exception::throw_type(&ctx, "internal: unknown caller"));
            };
            let kind = io.rpc_call(Some(key), method, args);
            let answer = io.host.call_back(&to, kind);
            let op = async move { OpOutcome::from_call(answer.await) };
            Ok(io.add_outgoing_op(OpKind::Js, Box::pin(op)) as f64)
        },
    )?;
    // service_binding_extra_handlers: `scheduled()` and `queue()` on a binding to another Worker.
    let i = ops.io.clone();
    ops.add(
        "serviceScheduled",
        move |ctx: Ctx<'js>, service: String, cron: String, time_ms: f64| {
            let scheduled_time_ms = time_ms.max(0.0) as u64;
            let event = ServiceEvent::Scheduled {
                cron,
                scheduled_time_ms,
            };
            send_event(&ctx, &i, service, event)
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "serviceQueue",
        move |ctx: Ctx<'js>, service: String, queue: String, messages: String| {
            send_event(&ctx, &i, service, ServiceEvent::Queue { queue, messages })
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "assetsFetch",
        move |ctx: Ctx<'js>,
              method: String,
              url: String,
              headers: Vec<String>,
              body: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<f64> {
            require_request(&ctx, &i)?;
            let request = request_from_js(method, url, headers, body);
            let mut io = i.borrow_mut();
            let answer = io.host.fetch_asset(request);
            let op = async move { OpOutcome::Response(answer.await) };
            Ok(io.add_outgoing_op(OpKind::Js, Box::pin(op)) as f64)
        },
    )?;
    Ok(())
}

/// Sends `event` to Worker `service`'s handler; a subrequest, as any call through a binding.
fn send_event(
    ctx: &Ctx<'_>,
    io: &Io,
    service: String,
    event: ServiceEvent,
) -> rquickjs::Result<f64> {
    require_request(ctx, io)?;
    let mut io = io.borrow_mut();
    count_service_subrequest(ctx, &mut io)?;
    let answer = io.host.service_event(&service, event);
    let op = async move {
        match answer.await {
            Ok(ended) => crate::engine::self_events::finished(ended.outcome, ended.returned),
            Err(e) => OpOutcome::ObjectError(e),
        }
    };
    Ok(io.add_outgoing_op(OpKind::Js, Box::pin(op)) as f64)
}

/// Starts a call through a service binding: `target` is `[service, entrypoint, props]`. A
/// call to this Worker itself (`loopback`) is delivered in this isolate; any other goes
/// through the host to an isolate of the Worker named. Either counts as a subrequest.
fn call(
    ctx: &Ctx<'_>,
    io: &Io,
    target: Vec<Option<String>>,
    loopback: bool,
    kind: CallKind,
) -> rquickjs::Result<f64> {
    let mut target = target.into_iter().chain(std::iter::repeat(None));
    let (service, entrypoint, props) = (
        target.next().flatten(),
        target.next().flatten(),
        target.next().flatten(),
    );
    let (Some(service), Some(props)) = (service, props) else {
        return Err(Exception::throw_type(ctx, "internal: bad service binding"));
    };
    require_request(ctx, io)?;
    let mut io = io.borrow_mut();
    count_service_subrequest(ctx, &mut io)?;
    if loopback {
        let answer = io.self_events.service(entrypoint, props, kind);
        return Ok(io.add_outgoing_op(OpKind::Js, answer) as f64);
    }
    let answer = io.host.call_service(ServiceCall {
        service,
        entrypoint,
        props,
        kind,
    });
    let op = async move { OpOutcome::from_call(answer.await) };
    Ok(io.add_outgoing_op(OpKind::Js, Box::pin(op)) as f64)
}
