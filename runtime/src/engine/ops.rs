//! Native functions the JavaScript half of the runtime calls (`ops.*` in web/*.js).
//!
//! They do what JavaScript cannot do deterministically or correctly by itself — read the frozen
//! clock, draw seeded randomness, parse URLs (WHATWG, via `url`), decode text (`encoding_rs`),
//! hash, start host I/O — and leave argument checking and error classes to the JavaScript side,
//! which knows workerd's messages.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use base64::Engine as _;
use rquickjs::object::{AsProperty, PropertyFlags};
use rquickjs::{Ctx, Exception, Function, Object, TypedArray, Value, qjs};

use super::cpu::CpuMeter;
use super::event_loop::{IoState, OpKind, OpOutcome, TimerKind};
use crate::limits::TIMERS_MAX;
use crate::storage::cache::CacheReply;

pub(super) type Io = Rc<RefCell<IoState>>;

/// Text workerd throws when a Worker does I/O, sets a timer or draws randomness at top level.
pub const GLOBAL_SCOPE_DISALLOWED: &str = "Disallowed operation called within global scope. \
     Asynchronous I/O (ex: fetch() or connect()), setting a timeout, and generating random values \
     are not allowed within global scope. To fix this error, perform this operation within a handler. \
     https://developers.cloudflare.com/workers/runtime-apis/handlers/";

pub fn install<'js>(ctx: &Ctx<'js>, io: Io, meter: Rc<CpuMeter>) -> rquickjs::Result<Object<'js>> {
    let ops = Object::new(ctx.clone())?;
    // Ops stay unnamed: a name is an own property, so each named function gets a shape of its
    // own — 3 % of a start and its teardown, for stack frames no Worker is shown.
    macro_rules! op {
        ($name:literal, $f:expr) => {
            ops.set($name, Function::new(ctx.clone(), $f)?)?;
        };
    }

    let (i, m) = (io.clone(), meter.clone());
    let installed = RefCell::new(BTreeSet::new());
    op!("loadUnit", move |ctx: Ctx<'js>,
                          name: String,
                          ops: Object<'js>,
                          core: Object<'js>|
          -> rquickjs::Result<Value<'js>> {
        m.uncharged(|| {
            for &group in OpGroup::for_unit(&name) {
                if installed.borrow_mut().insert(group) {
                    group.install(&ctx, &ops, &i, &m)?;
                }
            }
            super::prelude::load_unit(&ctx, &name)?.call((ops, core))
        })
    });
    op!("define", |obj: Object<'js>,
                   name: Value<'js>,
                   value: Value<'js>| {
        obj.prop(name, Hidden::Value(value))
    });
    let i = io.clone();
    op!("now", move || i.borrow().clock_ms as f64);
    let i = io.clone();
    op!("inRequest", move || i.borrow().current.is_some());

    let i = io.clone();
    op!("randomBytes", move |ctx: Ctx<'js>,
                             n: usize|
          -> rquickjs::Result<
        TypedArray<'js, u8>,
    > {
        require_request(&ctx, &i)?;
        let mut buf = vec![0u8; n];
        i.borrow().host.fill_random(&mut buf);
        TypedArray::new(ctx, buf)
    });
    let i = io.clone();
    op!("seedBytes", move |ctx: Ctx<'js>| -> rquickjs::Result<
        TypedArray<'js, u8>,
    > {
        let mut buf = vec![0u8; 16];
        i.borrow().host.fill_random(&mut buf);
        TypedArray::new(ctx, buf)
    });

    let i = io.clone();
    op!("log", move |level: String, message: String| {
        let mut io = i.borrow_mut();
        let current = io.current;
        io.log(current, &level, message)
    });

    let i = io.clone();
    op!("timerSet", move |ctx: Ctx<'js>,
                          delay: f64,
                          repeat: bool|
          -> rquickjs::Result<f64> {
        require_request(&ctx, &i)?;
        let mut io = i.borrow_mut();
        if io.js_timer_count() >= TIMERS_MAX {
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
    });
    let i = io.clone();
    op!("timerClear", move |id: f64| i
        .borrow_mut()
        .clear_timer(id as u64));

    op!("encodeUtf8", move |ctx: Ctx<'js>, s: String| {
        TypedArray::<u8>::new(ctx, s.into_bytes())
    });
    op!("encodingName", |label: String| encoding_name(&label));
    let m = meter.clone();
    op!("decode", move |name: String,
                        bytes: TypedArray<'js, u8>,
                        fatal: bool,
                        ignore_bom: bool| {
        let data = copy_bytes(&bytes);
        m.charge_host(data.len());
        decode(&name, &data, fatal, ignore_bom)
    });

    op!("urlParse", |input: String, base: Option<String>| url_parse(
        &input,
        base.as_deref()
    ));
    op!("urlHref", |input: String, base: Option<String>| url_href(
        &input,
        base.as_deref()
    ));
    op!("urlSet", |href: String, part: String, value: String| {
        url_set(&href, &part, &value)
    });
    op!("formDecode", |s: String| -> Vec<Vec<String>> {
        url::form_urlencoded::parse(s.as_bytes())
            .map(|(k, v)| vec![k.into_owned(), v.into_owned()])
            .collect()
    });
    op!("formEncode", |pairs: Vec<Vec<String>>| -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for pair in &pairs {
            if let [k, v] = pair.as_slice() {
                out.append_pair(k, v);
            }
        }
        out.finish()
    });

    op!("atob", |s: String| forgiving_base64_decode(&s)
        .map(|b| b.iter().map(|&c| c as char).collect::<String>()));
    op!("btoa", |s: String| -> Option<String> {
        let bytes: Option<Vec<u8>> = s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
        bytes.map(|b| base64::engine::general_purpose::STANDARD.encode(b))
    });

    let m = meter.clone();
    op!("digest", move |ctx: Ctx<'js>,
                        alg: String,
                        data: TypedArray<'js, u8>|
          -> rquickjs::Result<
        Option<TypedArray<'js, u8>>,
    > {
        let data = copy_bytes(&data);
        m.charge_host(data.len());
        match super::digest::digest(&alg, &data) {
            Some(out) => Ok(Some(TypedArray::new(ctx, out)?)),
            None => Ok(None),
        }
    });

    let i = io.clone();
    op!("queueSettled", move |id: f64, decisions: String| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.returned = Some(decisions);
        }
    });

    let i = io.clone();
    op!("respond", move |id: f64,
                         status: u16,
                         status_text: String,
                         headers: Vec<String>,
                         body: TypedArray<'js, u8>,
                         socket: Option<
        super::socket_ops::SocketHandle,
    >| {
        let mut io = i.borrow_mut();
        let web_socket = socket.and_then(|h| io.sockets.take(h));
        let response = crate::host::HttpResponse {
            status,
            status_text,
            headers: pairs(headers),
            body: copy_bytes(&body),
            web_socket,
        };
        io.respond(id as u64, Some(response));
    });
    let i = io.clone();
    op!("handlerDone", move |id: f64| i
        .borrow_mut()
        .respond(id as u64, None));
    let i = io.clone();
    op!("fail", move |id: f64, exception: String| i
        .borrow_mut()
        .fail(id as u64, exception));
    let i = io.clone();
    op!("waitUntilAdd", move |id: f64| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.wait_until_pending += 1;
        }
    });
    let i = io.clone();
    op!("waitUntilSettled", move |id: f64| i
        .borrow_mut()
        .wait_until_settled(id as u64));
    let i = io;
    op!("passThroughOnException", move |id: f64| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.pass_through = true;
        }
    });
    Ok(ops)
}

/// Ops only a unit's JavaScript calls (web::UNITS), installed when the first unit that needs
/// them loads: creating a native function costs, and most Workers never touch most units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum OpGroup {
    Fetch,
    Kv,
    Cache,
    Queue,
    R2,
    Codec,
    Object,
    Socket,
    D1,
    Subtle,
    UrlPattern,
    HtmlRewriter,
}

impl OpGroup {
    fn for_unit(unit: &str) -> &'static [OpGroup] {
        match unit {
            "fetch" => &[OpGroup::Fetch],
            "kv" => &[OpGroup::Kv],
            "cache" => &[OpGroup::Cache],
            "queue" => &[OpGroup::Queue],
            "r2" => &[OpGroup::R2],
            "stream_classes" => &[OpGroup::Codec],
            "durable_object" => &[OpGroup::Object, OpGroup::Socket],
            "websocket" => &[OpGroup::Socket, OpGroup::Fetch],
            "d1" => &[OpGroup::D1],
            "subtle" => &[OpGroup::Subtle],
            "url_pattern" => &[OpGroup::UrlPattern],
            "html_rewriter" => &[OpGroup::HtmlRewriter],
            _ => &[],
        }
    }

    fn install<'js>(
        self,
        ctx: &Ctx<'js>,
        ops: &Object<'js>,
        io: &Io,
        meter: &Rc<CpuMeter>,
    ) -> rquickjs::Result<()> {
        match self {
            OpGroup::Fetch => super::service_ops::install_fetch(ctx, ops, io.clone()),
            OpGroup::Kv => super::service_ops::install_kv(ctx, ops, io.clone()),
            OpGroup::Cache => super::service_ops::install_cache(ctx, ops, io.clone()),
            OpGroup::Queue => super::service_ops::install_queue(ctx, ops, io.clone()),
            OpGroup::R2 => super::service_ops::install_r2(ctx, ops, io.clone()),
            OpGroup::Codec => super::codec_ops::install(ctx, ops, meter.clone()),
            OpGroup::Object => super::object_ops::install(ctx, ops, io.clone()),
            OpGroup::Socket => super::socket_ops::install(ctx, ops, io.clone()),
            OpGroup::D1 => super::d1_ops::install(ctx, ops, io.clone()),
            OpGroup::Subtle => super::subtle_ops::install(ctx, ops, io.clone()),
            OpGroup::UrlPattern => super::url_pattern_ops::install(ctx, ops),
            OpGroup::HtmlRewriter => super::html_rewriter_ops::install(ctx, ops),
        }
    }
}

/// A property as Web IDL binds globals and prototype members: configurable, not enumerable,
/// and writable when it is a value. Defined natively because a start defines dozens of them,
/// and building a descriptor object for `Object.defineProperty` in JavaScript costs several
/// times more.
pub(super) enum Hidden<'js> {
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
pub(super) fn pairs(flat: Vec<String>) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut items = flat.into_iter();
    while let (Some(k), Some(v)) = (items.next(), items.next()) {
        out.push((k, v));
    }
    out
}

/// Copies the bytes out of a Uint8Array (empty if its buffer was detached).
pub(super) fn copy_bytes(array: &TypedArray<'_, u8>) -> Vec<u8> {
    // SAFETY: the slice is copied at once, while this thread runs no JavaScript that could
    // resize or detach the buffer behind it.
    unsafe { array.as_bytes() }
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// Starts a call to a Cloudflare service on behalf of the running invocation: refused at top
/// level, counted against the subrequest limit, held behind a Durable Object's output gate.
pub(super) fn service_call(
    ctx: &Ctx<'_>,
    io: &Io,
    call: impl FnOnce(Rc<dyn crate::host::Host>) -> crate::host::HostFuture<OpOutcome>,
) -> rquickjs::Result<f64> {
    let mut io = io.borrow_mut();
    if io.current.is_none() {
        return Err(Exception::throw_message(ctx, GLOBAL_SCOPE_DISALLOWED));
    }
    count_service_subrequest(ctx, &mut io)?;
    let future = call(io.host.clone());
    Ok(io.add_outgoing_op(OpKind::Js, future) as f64)
}

/// Counts a call to a Cloudflare service (KV, R2, D1, …) against the invocation's limit.
pub(super) fn count_service_subrequest(ctx: &Ctx<'_>, io: &mut IoState) -> rquickjs::Result<()> {
    let limit = io.limits.subrequests_services;
    if let Some(inv) = io.current.and_then(|id| io.invocations.get_mut(&id)) {
        inv.subrequests_services += 1;
        if inv.subrequests_services > limit {
            return Err(Exception::throw_message(ctx, "Too many subrequests."));
        }
    }
    Ok(())
}

pub(super) fn require_request(ctx: &Ctx<'_>, io: &Io) -> rquickjs::Result<()> {
    if io.borrow().current.is_none() {
        return Err(Exception::throw_message(ctx, GLOBAL_SCOPE_DISALLOWED));
    }
    Ok(())
}

/// `(ok, value)` for `completeOp`: a response is `[status, statusText, headers, body]`, an error
/// is `[class, message]`.
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
        OpOutcome::Frame(frame) => (true, super::socket_ops::frame_to_js(ctx, frame)?),
        OpOutcome::Kv(reply) => (true, super::kv_op::reply_to_js(ctx, reply)?),
        OpOutcome::Error { class, message } => (false, vec![class, message].into_js(ctx)?),
        OpOutcome::ObjectError(e) => {
            let flags = Object::new(ctx.clone())?;
            flags.set("remote", e.remote)?;
            flags.set("retryable", e.retryable)?;
            flags.set("overloaded", e.overloaded)?;
            let arr = rquickjs::Array::new(ctx.clone())?;
            arr.set(0, e.class)?;
            arr.set(1, e.message)?;
            arr.set(2, flags)?;
            (false, arr.into_value())
        }
        OpOutcome::Undefined | OpOutcome::Storage(_) => (true, Value::new_undefined(ctx.clone())),
        OpOutcome::Entries(entries) => {
            let list: Vec<Vec<String>> = entries
                .into_iter()
                .map(|(k, v)| vec![k, String::from_utf8_lossy(&v).into_owned()])
                .collect();
            (true, list.into_js(ctx)?)
        }
        OpOutcome::Count(n) => (true, n.into_js(ctx)?),
        OpOutcome::Alarm(Some(ms)) => (true, (ms as f64).into_js(ctx)?),
        OpOutcome::Alarm(None) => (true, Value::new_null(ctx.clone())),
        OpOutcome::Serialized(text) => (true, text.into_js(ctx)?),
        OpOutcome::D1(response) => (true, super::d1_ops::response_to_js(ctx, response)?),
        OpOutcome::Cache(CacheReply::Match(Some(r))) => outcome_to_js(ctx, OpOutcome::Response(r))?,
        OpOutcome::QueueMetrics(m) => {
            let metrics = Object::new(ctx.clone())?;
            metrics.set("backlogCount", m.backlog_count as f64)?;
            metrics.set("backlogBytes", m.backlog_bytes as f64)?;
            if let Some(ms) = m.oldest_message_ms {
                metrics.set("oldestMessageTimestamp", ms as f64)?;
            }
            (true, metrics.into_value())
        }
        OpOutcome::R2(json, body) => {
            let out = rquickjs::Array::new(ctx.clone())?;
            out.set(0, json)?;
            match body {
                Some(b) => out.set(1, TypedArray::<u8>::new(ctx.clone(), b)?)?,
                None => out.set(1, Value::new_null(ctx.clone()))?,
            }
            (true, out.into_value())
        }
        OpOutcome::Cache(CacheReply::Match(None)) => (true, Value::new_null(ctx.clone())),
        OpOutcome::Cache(CacheReply::Put(_)) => (true, Value::new_undefined(ctx.clone())),
        OpOutcome::Cache(CacheReply::Delete(deleted)) => (true, deleted.into_js(ctx)?),
    })
}

/// `[status, statusText, headers, body]`.
fn response_to_js<'js>(
    ctx: &Ctx<'js>,
    r: crate::host::HttpResponse,
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

fn encoding_name(label: &str) -> Option<String> {
    let encoding = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    if encoding == encoding_rs::REPLACEMENT {
        return None;
    }
    Some(encoding.name().to_ascii_lowercase())
}

fn decode(name: &str, data: &[u8], fatal: bool, ignore_bom: bool) -> Option<String> {
    let encoding = encoding_rs::Encoding::for_label(name.as_bytes())?;
    let data = if ignore_bom {
        data
    } else {
        match encoding_rs::Encoding::for_bom(data) {
            Some((bom_encoding, len)) if bom_encoding == encoding => &data[len..],
            _ => data,
        }
    };
    if fatal {
        encoding
            .decode_without_bom_handling_and_without_replacement(data)
            .map(|s| s.into_owned())
    } else {
        Some(encoding.decode_without_bom_handling(data).0.into_owned())
    }
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

/// URL components in the order web/url.js expects.
fn url_components(u: &url::Url) -> Vec<String> {
    use url::quirks as q;
    vec![
        q::href(u).to_string(),
        q::protocol(u).to_string(),
        q::username(u).to_string(),
        q::password(u).to_string(),
        q::host(u).to_string(),
        q::hostname(u).to_string(),
        q::port(u).to_string(),
        q::pathname(u).to_string(),
        q::search(u).to_string(),
        q::hash(u).to_string(),
        q::origin(u),
    ]
}

fn parse_url(input: &str, base: Option<&str>) -> Option<url::Url> {
    match base {
        Some(b) => url::Url::parse(b).ok()?.join(input).ok(),
        None => url::Url::parse(input).ok(),
    }
}

/// Only the normalised href: what Request and redirects need, without ten more strings.
fn url_href(input: &str, base: Option<&str>) -> Option<String> {
    parse_url(input, base).map(String::from)
}

fn url_parse(input: &str, base: Option<&str>) -> Option<Vec<String>> {
    parse_url(input, base).map(|u| url_components(&u))
}

fn url_set(href: &str, part: &str, value: &str) -> Option<Vec<String>> {
    use url::quirks as q;
    let mut u = url::Url::parse(href).ok()?;
    match part {
        "href" => q::set_href(&mut u, value).ok()?,
        "protocol" => drop(q::set_protocol(&mut u, value)),
        "username" => drop(q::set_username(&mut u, value)),
        "password" => drop(q::set_password(&mut u, value)),
        "host" => drop(q::set_host(&mut u, value)),
        "hostname" => drop(q::set_hostname(&mut u, value)),
        "port" => drop(q::set_port(&mut u, value)),
        "pathname" => q::set_pathname(&mut u, value),
        "search" => q::set_search(&mut u, value),
        "hash" => q::set_hash(&mut u, value),
        _ => return None,
    }
    Some(url_components(&u))
}
