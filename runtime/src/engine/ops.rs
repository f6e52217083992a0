//! The `ops` object: the native functions the runtime's JavaScript calls (`ops.*` in
//! api/*/*.js), and the helpers the APIs' installers share.
//!
//! Ops do what JavaScript cannot do deterministically or correctly by itself — read the frozen
//! clock, draw seeded randomness, parse URLs, decode text, hash, start host I/O — and leave
//! argument checking and error classes to the JavaScript side, which knows workerd's messages.
//! The engine installs only the two ops that load the rest (`loadUnit`, `define`); every other
//! op belongs to an API and is installed from the catalog (engine::catalog).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use rquickjs::object::{AsProperty, PropertyFlags};
use rquickjs::{Ctx, Exception, Object, TypedArray, Value, qjs};

use super::catalog::{Catalog, Io, OpGroup, OpSet};
use super::cpu::CpuMeter;
use super::event_loop::{OpKind, OpOutcome};
use super::io_state::IoState;

/// Text workerd throws when a Worker does I/O, sets a timer or draws randomness at top level.
pub const GLOBAL_SCOPE_DISALLOWED: &str = "Disallowed operation called within global scope. \
     Asynchronous I/O (ex: fetch() or connect()), setting a timeout, and generating random values \
     are not allowed within global scope. To fix this error, perform this operation within a handler. \
     https://developers.cloudflare.com/workers/runtime-apis/handlers/";

/// The ops object an isolate's core receives: `loadUnit` and `define`, then the core's groups.
/// A unit's groups are installed when it loads: creating a native function costs, and most
/// Workers never touch most units.
pub fn install<'js>(
    ctx: &Ctx<'js>,
    io: Io,
    meter: Rc<CpuMeter>,
    catalog: &'static Catalog,
) -> rquickjs::Result<Object<'js>> {
    let object = Object::new(ctx.clone())?;
    let ops = OpSet {
        ctx,
        object: &object,
        io: &io,
        meter: &meter,
    };
    let (i, m) = (io.clone(), meter.clone());
    let installed = RefCell::new(BTreeSet::new());
    ops.add(
        "loadUnit",
        move |ctx: Ctx<'js>,
              name: String,
              object: Object<'js>,
              core: Object<'js>|
              -> rquickjs::Result<Value<'js>> {
            m.uncharged(|| {
                let Some(unit) = catalog.unit(&name) else {
                    return Err(rquickjs::Error::new_loading_message(
                        &name,
                        "edgesim has no such runtime unit",
                    ));
                };
                let ops = OpSet {
                    ctx: &ctx,
                    object: &object,
                    io: &i,
                    meter: &m,
                };
                install_groups(&ops, unit.ops, &mut installed.borrow_mut())?;
                super::prelude::load(&ctx, &unit.script)?.call((object, core))
            })
        },
    )?;
    ops.add(
        "define",
        |obj: Object<'js>, name: Value<'js>, value: Value<'js>| {
            obj.prop(name, Hidden::Value(value))
        },
    )?;
    install_groups(&ops, catalog.core_ops, &mut BTreeSet::new())?;
    Ok(object)
}

/// Installs each of `groups` not yet in `installed`.
fn install_groups(
    ops: &OpSet<'_, '_>,
    groups: &'static [OpGroup],
    installed: &mut BTreeSet<&'static str>,
) -> rquickjs::Result<()> {
    for group in groups {
        if installed.insert(group.name) {
            (group.install)(ops)?;
        }
    }
    Ok(())
}

/// A property as Web IDL binds globals and prototype members: configurable, not enumerable,
/// and writable when it is a value. Defined natively because a start defines dozens of them,
/// and building a descriptor object for `Object.defineProperty` in JavaScript costs several
/// times more.
pub(crate) enum Hidden<'js> {
    Value(Value<'js>),
    /// An accessor whose one function is getter (called with no argument) and setter (with one).
    GetSet(Value<'js>),
}

impl<'js> AsProperty<'js, ()> for Hidden<'js> {
    fn config(
        self,
        ctx: &Ctx<'js>,
    ) -> rquickjs::Result<(PropertyFlags, Value<'js>, Value<'js>, Value<'js>)> {
        let undefined = Value::new_undefined(ctx.clone());
        let kept =
            qjs::JS_PROP_CONFIGURABLE | qjs::JS_PROP_HAS_CONFIGURABLE | qjs::JS_PROP_HAS_ENUMERABLE;
        Ok(match self {
            Hidden::Value(value) => {
                let flags = kept
                    | qjs::JS_PROP_HAS_VALUE
                    | qjs::JS_PROP_WRITABLE
                    | qjs::JS_PROP_HAS_WRITABLE;
                (flags as PropertyFlags, value, undefined.clone(), undefined)
            }
            Hidden::GetSet(access) => {
                let flags = kept | qjs::JS_PROP_HAS_GET | qjs::JS_PROP_HAS_SET;
                (flags as PropertyFlags, undefined, access.clone(), access)
            }
        })
    }
}

/// `[[name, value], ...]` from JavaScript as header pairs (malformed entries dropped).
/// Header pairs from the flat `[name, value, name, value, …]` list `Headers._flat` makes
/// (one array of strings crosses into Rust faster than an array of pairs).
pub(crate) fn pairs(flat: Vec<String>) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut items = flat.into_iter();
    while let (Some(k), Some(v)) = (items.next(), items.next()) {
        out.push((k, v));
    }
    out
}

/// Copies the bytes out of a Uint8Array (empty if its buffer was detached).
/// A stored value's text (Durable Object storage holds serialized text as UTF-8 bytes).
pub(crate) fn stored_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub(crate) fn copy_bytes(array: &TypedArray<'_, u8>) -> Vec<u8> {
    // SAFETY: the slice is copied at once, while this thread runs no JavaScript that could
    // resize or detach the buffer behind it.
    unsafe { array.as_bytes() }
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// An HTTP request from the parts JavaScript hands over: method, URL, the flat header list
/// and the body bytes (`None`: no body).
pub(crate) fn request_from_js(
    method: String,
    url: String,
    headers: Vec<String>,
    body: Option<TypedArray<'_, u8>>,
) -> crate::http::HttpRequest {
    crate::http::HttpRequest {
        method,
        url,
        headers: pairs(headers),
        body: body.map(|b| copy_bytes(&b)).unwrap_or_default(),
        cf: None,
    }
}

/// Starts a call to a Cloudflare service on behalf of the running invocation: refused at top
/// level, counted against the subrequest limit, held behind a Durable Object's output gate.
pub(crate) fn service_call(
    ctx: &Ctx<'_>,
    io: &Io,
    call: impl FnOnce(Rc<dyn crate::host::Host>) -> crate::host::HostFuture<OpOutcome>,
) -> rquickjs::Result<f64> {
    let mut io = io.borrow_mut();
    if !io.in_request() {
        return Err(Exception::throw_message(ctx, GLOBAL_SCOPE_DISALLOWED));
    }
    count_service_subrequest(ctx, &mut io)?;
    let future = call(io.host.clone());
    Ok(io.add_outgoing_op(OpKind::Js, future) as f64)
}

/// Counts a call to a Cloudflare service (KV, R2, D1, …) against the invocation's limit.
pub(crate) fn count_service_subrequest(ctx: &Ctx<'_>, io: &mut IoState) -> rquickjs::Result<()> {
    let limit = io.limits.subrequests_services;
    if let Some(inv) = io.current.and_then(|id| io.invocations.get_mut(&id)) {
        inv.subrequests_services += 1;
        if inv.subrequests_services > limit {
            return Err(Exception::throw_message(ctx, "Too many subrequests."));
        }
    }
    Ok(())
}

/// Charges `work` bytes of native work; when that takes the invocation past its CPU deadline,
/// throws what QuickJS's interrupt throws (uncatchably) instead of starting work a hostile
/// Worker could make last minutes (PBKDF2 with 2³¹ rounds): the turn then ends as exceeded CPU,
/// as production's would.
pub(crate) fn charge_or_stop(ctx: &Ctx<'_>, meter: &CpuMeter, work: usize) -> rquickjs::Result<()> {
    meter.charge_host(work);
    if !meter.past_deadline() {
        return Ok(());
    }
    let error = Exception::from_message(ctx.clone(), "interrupted")?;
    // SAFETY: the context and the error object are live for the call.
    unsafe { qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), error.as_raw()) };
    Err(ctx.throw(error.into_value()))
}

pub(crate) fn require_request(ctx: &Ctx<'_>, io: &Io) -> rquickjs::Result<()> {
    if !io.borrow().in_request() {
        return Err(Exception::throw_message(ctx, GLOBAL_SCOPE_DISALLOWED));
    }
    Ok(())
}

/// `(ok, value)` for `completeOp`: a response is `[status, statusText, headers, body]`, an error
/// is `[class, message]`; an API's own reply is whatever the API makes of it.
pub fn outcome_to_js<'js>(
    ctx: &Ctx<'js>,
    outcome: OpOutcome,
) -> rquickjs::Result<(bool, Value<'js>)> {
    use rquickjs::IntoJs;
    Ok(match outcome {
        OpOutcome::Response(r) => (true, response_to_js(ctx, r)?.into_value()),
        OpOutcome::Upgrade { response, socket } => {
            let arr = response_to_js(ctx, response)?;
            arr.set(4, socket)?;
            (true, arr.into_value())
        }
        OpOutcome::Reply(reply) => (true, reply.to_js(ctx)?),
        OpOutcome::Error { class, message } => (false, vec![class.name(), &message].into_js(ctx)?),
        OpOutcome::ObjectError(e) => {
            let flags = Object::new(ctx.clone())?;
            flags.set("remote", e.remote)?;
            flags.set("retryable", e.retryable)?;
            flags.set("overloaded", e.overloaded)?;
            let arr = rquickjs::Array::new(ctx.clone())?;
            arr.set(0, e.class.name())?;
            arr.set(1, e.message)?;
            arr.set(2, flags)?;
            (false, arr.into_value())
        }
        // A connection reaches JavaScript as its handle (SocketTable::adopt_arrival); one
        // nothing adopted is dropped, which the peer sees as a reset.
        OpOutcome::Undefined | OpOutcome::Storage(_) | OpOutcome::Connected(_) => {
            (true, Value::new_undefined(ctx.clone()))
        }
        OpOutcome::Entries(entries) => {
            let list: Vec<Vec<String>> = entries
                .into_iter()
                .map(|(k, v)| vec![k, stored_text(v)])
                .collect();
            (true, list.into_js(ctx)?)
        }
        OpOutcome::Count(n) => (true, n.into_js(ctx)?),
        OpOutcome::Alarm(Some(ms)) => (true, (ms as f64).into_js(ctx)?),
        OpOutcome::Alarm(None) => (true, Value::new_null(ctx.clone())),
        OpOutcome::Serialized(text) => (true, text.into_js(ctx)?),
    })
}

/// `[status, statusText, headers, body]`.
pub(crate) fn response_to_js<'js>(
    ctx: &Ctx<'js>,
    r: crate::http::HttpResponse,
) -> rquickjs::Result<rquickjs::Array<'js>> {
    let headers: Vec<Vec<String>> = r.headers.into_iter().map(|(k, v)| vec![k, v]).collect();
    let body = TypedArray::<u8>::new(ctx.clone(), r.body)?;
    let arr = rquickjs::Array::new(ctx.clone())?;
    arr.set(0, r.status)?;
    arr.set(1, r.status_text)?;
    arr.set(2, headers)?;
    arr.set(3, body)?;
    Ok(arr)
}

/// `Name: message` plus the stack, the way workerd prints an uncaught exception.
pub fn describe_exception(value: &Value<'_>) -> String {
    if let Some(obj) = value.as_object() {
        let name: Option<String> = obj.get("name").ok();
        let message: Option<String> = obj.get("message").ok();
        let stack: Option<String> = obj.get("stack").ok();
        if let (Some(name), Some(message)) = (name, message) {
            let head = if message.is_empty() {
                name
            } else {
                format!("{name}: {message}")
            };
            return match stack {
                Some(stack) if !stack.trim().is_empty() => format!("{head}\n{}", stack.trim_end()),
                _ => head,
            };
        }
    }
    if let Some(s) = value.as_string().and_then(|s| s.to_string().ok()) {
        return s;
    }
    format!("{value:?}")
}
