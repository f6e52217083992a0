// Core globals: console, timers, the frozen clock, seeded randomness, base64, and the helpers
// the rest of the runtime shares. Runs once per isolate, before the Worker's modules, inside
// `function (ops) { ... }` (see api/mod.rs); nothing here is reachable by the Worker except the
// globals it installs.
"use strict";
const G = globalThis;
/// Writable, configurable, not enumerable: how Web IDL binds globals and prototype members.
const define = ops.define;
/// Lower-case hex of a Uint8Array (natively: IDs are spelled in it on every request).
const hex = (bytes) => ops.hex(bytes);
const ILLEGAL_INVOCATION =
  "Illegal invocation: function called with incorrect `this` reference. " +
  "See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.";

const deferred = () => {
  let resolve, reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
};

// ---------- DOMException (api/dom_exception/) ----------
const domError = (name, message) => new (unit("dom_exception").DOMException)(message, name);

// ---------- uncaught errors and console (formatting: inspect.js) ----------
const inspect = (v, depth) => unit("inspect").inspect(v, depth);
const format = (args) => unit("inspect").format(args);
/// A stack trace without the runtime's own frames: the runtime's bytecode carries no debug
/// information (engine::prelude), so its frames name no file (`<null>`).
const userStack = (stack) => String(stack ?? "").split("\n").filter((l) => l.trim() && !l.includes("(<null>")).join("\n");
/// The frames of a stack: its `at` lines.
const framesIn = (stack) => userStack(stack).split("\n").filter((l) => /^\s*at /.test(l)).join("\n");
const describeError = (e) => {
  if (e instanceof Error || (e && typeof e === "object" && "message" in e && "name" in e)) {
    const head = e.message ? `${e.name}: ${e.message}` : `${e.name}`;
    const frames = framesIn(e.stack);
    return frames ? `${head}\n${frames}` : head;
  }
  return inspect(e, 1);
};

// ---------- Error.stack as V8 writes it ----------
// V8's `stack` starts with the error's own line — Error.prototype.toString's, with the name as
// it is when the stack is first read — above the frames, and keeps what it first wrote; a stack
// that is set stays as set, not enumerable. QuickJS's holds only the frames. The runtime's own
// frames (they name no file, engine::prelude) are left out, as workerd's C++ shows none.
const quickjsStack = Object.getOwnPropertyDescriptor(Error.prototype, "stack");
const ownStack = (target, value) => {
  try {
    Object.defineProperty(target, "stack", { value, writable: true, enumerable: false, configurable: true });
  } catch { /* a frozen error keeps what it has */ }
};
const headerOf = (e) => {
  try { return Error.prototype.toString.call(e); } catch { return "Error"; }
};
/// `e`'s stack as V8 writes it, from QuickJS's `frames`.
const v8Stack = (e, frames) => {
  const own = userStack(frames);
  return own ? `${headerOf(e)}\n${own}` : headerOf(e);
};
Object.defineProperty(Error.prototype, "stack", {
  get() {
    const frames = quickjsStack.get.call(this);
    if (typeof frames !== "string") return frames;
    const stack = v8Stack(this, frames);
    ownStack(this, stack);
    return stack;
  },
  set(value) {
    if (this === null || (typeof this !== "object" && typeof this !== "function")) throw new TypeError("Cannot set property stack of non-object");
    ownStack(this, value);
  },
  enumerable: false,
  configurable: true,
});
{
  const capture = Error.captureStackTrace;
  define(Error, "captureStackTrace", function captureStackTrace(target, constructorOpt) {
    capture(target, constructorOpt);
    const frames = Object.getOwnPropertyDescriptor(target, "stack")?.value;
    if (typeof frames === "string") ownStack(target, v8Stack(target, frames));
  });
}
/// A new error's stack, for errors the runtime completes before their first read (DOMException).
const stackOf = (e) => v8Stack(e, quickjsStack.get.call(e) ?? "");

// ---------- console ----------
const counts = new Map();
const console_ = {};
for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
  define(console_, level, (...args) => ops.log(level, format(args)));
}
define(console_, "assert", (cond, ...args) => { if (!cond) ops.log("error", format(["Assertion failed", ...args])); });
define(console_, "count", (label = "default") => { const n = (counts.get(label) ?? 0) + 1; counts.set(label, n); ops.log("log", `${label}: ${n}`); });
define(console_, "table", (...args) => ops.log("log", format(args)));
define(console_, "dir", (v) => ops.log("log", inspect(v, 1)));
define(console_, "time", () => {});
define(console_, "timeEnd", () => {});
define(G, "console", console_);

// ---------- the frozen clock ----------
const OriginalDate = Date;
const frozenNow = () => ops.now();
const DateProxy = new Proxy(OriginalDate, {
  construct(target, args, newTarget) {
    return Reflect.construct(target, args.length === 0 ? [frozenNow()] : args, newTarget);
  },
  apply() { return new OriginalDate(frozenNow()).toString(); },
});
define(OriginalDate, "now", frozenNow);
define(G, "Date", DateProxy);

// ---------- seeded Math.random (xoshiro128**, 53 bits per draw) ----------
{
  const seed = new Uint32Array(ops.seedBytes().buffer);
  const s = [seed[0] | 1, seed[1], seed[2], seed[3]];
  const next = () => {
    const result = Math.imul(((Math.imul(s[1], 5) << 7) | (Math.imul(s[1], 5) >>> 25)), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return result;
  };
  define(Math, "random", function random() {
    return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  });
}

// ---------- timers ----------
const timerCallbacks = new Map();
/// Whether a timer keeps the async context it was set in (engine/async_context.rs): only once
/// something can set one (node:async_hooks loaded), so other Workers pay nothing for it.
let asyncContexts = false;
function arm(repeat, callback, delay, args) {
  if (typeof callback !== "function") {
    throw new TypeError(`Failed to execute '${repeat ? "setInterval" : "setTimeout"}' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'Function'.`);
  }
  const id = ops.timerSet(Number(delay) || 0, repeat);
  if (id === 0) throw domError("QuotaExceededError", "You have exceeded the number of active timeouts you may set.");
  timerCallbacks.set(id, { callback, args, context: asyncContexts ? ops.asyncContext() : undefined });
  return id;
}
function disarm(id) {
  const n = Number(id);
  if (!timerCallbacks.delete(n)) return;
  ops.timerClear(n);
}
define(G, "setTimeout", function setTimeout(cb, delay, ...args) { return arm(false, cb, delay, args); });
define(G, "setInterval", function setInterval(cb, delay, ...args) { return arm(true, cb, delay, args); });
define(G, "clearTimeout", function clearTimeout(id) { disarm(id); });
define(G, "clearInterval", function clearInterval(id) { disarm(id); });
function fireTimer(id, repeating) {
  const t = timerCallbacks.get(id);
  if (!t) return;
  if (!repeating) timerCallbacks.delete(id);
  const outside = t.context === undefined ? undefined : ops.asyncContext();
  if (t.context !== undefined) ops.enterAsyncContext(t.context);
  try {
    t.callback(...t.args);
  } catch (e) {
    ops.log("error", `Uncaught ${describeError(e)}`);
  } finally {
    if (t.context !== undefined) ops.enterAsyncContext(outside);
  }
}
define(G, "queueMicrotask", function queueMicrotask(cb) {
  if (typeof cb !== "function") throw new TypeError("Failed to execute 'queueMicrotask' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'Function'.");
  Promise.resolve().then(() => cb()).catch((e) => ops.log("error", `Uncaught ${describeError(e)}`));
});

// ---------- scheduler ----------
class Scheduler {
  wait(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
}
define(G, "scheduler", new Scheduler());

// ---------- base64 ----------
define(G, "atob", function atob(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'atob' on 'ServiceWorkerGlobalScope': 1 argument required, but only 0 present.");
  const out = ops.atob(String(data));
  if (out === null || out === undefined) throw domError("InvalidCharacterError", "atob() called with invalid base64-encoded data. (Only whitespace, '+', '/', alphanumeric ASCII, and up to two terminal '=' signs when the input data length is divisible by 4 are allowed.)");
  return out;
});
define(G, "btoa", function btoa(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'btoa' on 'ServiceWorkerGlobalScope': 1 argument required, but only 0 present.");
  const out = ops.btoa(String(data));
  if (out === null || out === undefined) throw domError("InvalidCharacterError", "btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.");
  return out;
});

// ---------- bytes and text ----------
const toBytes = (input, what) => {
  // A detached buffer (transferred away) reads as empty, as V8's views of it do.
  if (input instanceof ArrayBuffer) return input.detached ? new Uint8Array(0) : new Uint8Array(input);
  if (ArrayBuffer.isView(input)) {
    return input.buffer.detached ? new Uint8Array(0) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  if (typeof SharedArrayBuffer !== "undefined" && input instanceof SharedArrayBuffer) return new Uint8Array(input);
  throw new TypeError(`Failed to execute '${what}': parameter 1 is not of type 'ArrayBuffer or ArrayBufferView'.`);
};
/// UTF-8 bytes of `s`; lone surrogates become U+FFFD, as the Encoding standard says.
const utf8 = (s) => ops.encodeUtf8(String(s).toWellFormed());
const fromUtf8 = (bytes) => ops.decode("utf-8", bytes, false, false);

// ---------- JSON.parse with V8's error messages (json_errors.js) ----------
const OriginalJsonParse = JSON.parse;
define(JSON, "parse", function parse(text, reviver) {
  try {
    return OriginalJsonParse(text, reviver);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const message = unit("json_errors").v8JsonMessage(String(text));
    if (message === null) throw e;
    throw new SyntaxError(message);
  }
});

define(G, "navigator", Object.freeze(Object.create(null, {
  userAgent: { value: "Cloudflare-Workers", enumerable: true },
  hardwareConcurrency: { value: 1, enumerable: true },
  language: { value: "en", enumerable: true },
})));
define(G, "self", G);

// ---------- the global scope's prototype chain ----------
// workerd's global object is a ServiceWorkerGlobalScope: ServiceWorkerGlobalScope →
// WorkerGlobalScope → EventTarget → Object (recorded), that EventTarget being the global
// scope's own (`globalThis instanceof EventTarget` is false there too). Its listener methods
// load the events unit on first use.
const GlobalScopeEventTarget = {
  EventTarget: class {
    addEventListener(type, listener, options) { unit("events").globalAddEventListener(type, listener, options); }
    removeEventListener(type, listener, options) { unit("events").globalRemoveEventListener(type, listener, options); }
    dispatchEvent(event) { return unit("events").globalDispatchEvent(event); }
  },
}.EventTarget;
const WorkerGlobalScope = { WorkerGlobalScope: class extends GlobalScopeEventTarget {
  constructor() { throw new TypeError("Illegal constructor"); }
} }.WorkerGlobalScope;
const ServiceWorkerGlobalScope = { ServiceWorkerGlobalScope: class extends WorkerGlobalScope {} }.ServiceWorkerGlobalScope;
Object.defineProperty(ServiceWorkerGlobalScope.prototype, Symbol.toStringTag, { value: "ServiceWorkerGlobalScope", configurable: true });
Object.setPrototypeOf(G, ServiceWorkerGlobalScope.prototype);
// QuickJS tags its global object itself ("global"): the prototype's tag stands instead.
delete G[Symbol.toStringTag];
define(G, "WorkerGlobalScope", WorkerGlobalScope);
define(G, "ServiceWorkerGlobalScope", ServiceWorkerGlobalScope);
