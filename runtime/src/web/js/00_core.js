// Core globals: DOMException, Event/EventTarget, console, timers, the frozen clock, seeded
// randomness, structuredClone. Runs once per isolate, before the Worker's modules, inside
// `function (ops) { ... }` (see web/mod.rs); nothing here is reachable by the Worker except the
// globals it installs.
"use strict";
const G = globalThis;
const define = (obj, name, value) =>
  Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const ILLEGAL_INVOCATION =
  "Illegal invocation: function called with incorrect `this` reference. " +
  "See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.";

const deferred = () => {
  let resolve, reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
};

// ---------- DOMException ----------
const DOM_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};
class DOMException extends Error {
  #name; #message;
  constructor(message = "", name = "Error") {
    super(String(message));
    this.#message = String(message);
    this.#name = typeof name === "object" && name !== null ? String(name.name ?? "Error") : String(name);
    if (typeof name === "object" && name !== null && "cause" in name) define(this, "cause", name.cause);
  }
  get name() { return this.#name; }
  get message() { return this.#message; }
  get code() { return DOM_CODES[this.#name] ?? 0; }
}
const LEGACY_CONSTANTS = {
  INDEX_SIZE_ERR: 1, DOMSTRING_SIZE_ERR: 2, HIERARCHY_REQUEST_ERR: 3, WRONG_DOCUMENT_ERR: 4,
  INVALID_CHARACTER_ERR: 5, NO_DATA_ALLOWED_ERR: 6, NO_MODIFICATION_ALLOWED_ERR: 7, NOT_FOUND_ERR: 8,
  NOT_SUPPORTED_ERR: 9, INUSE_ATTRIBUTE_ERR: 10, INVALID_STATE_ERR: 11, SYNTAX_ERR: 12,
  INVALID_MODIFICATION_ERR: 13, NAMESPACE_ERR: 14, INVALID_ACCESS_ERR: 15, VALIDATION_ERR: 16,
  TYPE_MISMATCH_ERR: 17, SECURITY_ERR: 18, NETWORK_ERR: 19, ABORT_ERR: 20, URL_MISMATCH_ERR: 21,
  QUOTA_EXCEEDED_ERR: 22, TIMEOUT_ERR: 23, INVALID_NODE_TYPE_ERR: 24, DATA_CLONE_ERR: 25,
};
for (const name in LEGACY_CONSTANTS) {
  Object.defineProperty(DOMException, name, { value: LEGACY_CONSTANTS[name], enumerable: true });
  Object.defineProperty(DOMException.prototype, name, { value: LEGACY_CONSTANTS[name], enumerable: true });
}
define(G, "DOMException", DOMException);
const domError = (name, message) => new DOMException(message, name);

// ---------- Event / EventTarget ----------
class Event {
  #type; #bubbles; #cancelable; #defaultPrevented = false; #stop = false; #target = null;
  #timeStamp;
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    this.#type = String(type);
    this.#bubbles = !!init?.bubbles;
    this.#cancelable = !!init?.cancelable;
    this.#timeStamp = ops.now();
  }
  get type() { return this.#type; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get defaultPrevented() { return this.#defaultPrevented; }
  get target() { return this.#target; }
  get currentTarget() { return this.#target; }
  get timeStamp() { return this.#timeStamp; }
  get isTrusted() { return false; }
  preventDefault() { if (this.#cancelable) this.#defaultPrevented = true; }
  stopPropagation() {}
  stopImmediatePropagation() { this.#stop = true; }
  static _setTarget(e, t) { e.#target = t; }
  static _stopped(e) { return e.#stop; }
}
class CustomEvent extends Event {
  #detail;
  constructor(type, init = {}) { super(type, init); this.#detail = init?.detail ?? null; }
  get detail() { return this.#detail; }
}
class EventTarget {
  #listeners = new Map();
  addEventListener(type, listener, options) {
    if (listener == null) return;
    const once = typeof options === "object" && options !== null && !!options.once;
    const list = this.#listeners.get(type) ?? [];
    if (list.some((l) => l.listener === listener)) return;
    list.push({ listener, once });
    this.#listeners.set(type, list);
    const signal = typeof options === "object" && options !== null ? options.signal : undefined;
    if (signal) signal.addEventListener("abort", () => this.removeEventListener(type, listener), { once: true });
  }
  removeEventListener(type, listener) {
    const list = this.#listeners.get(type);
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener);
    if (i >= 0) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    Event._setTarget(event, this);
    for (const entry of [...(this.#listeners.get(event.type) ?? [])]) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      const l = entry.listener;
      if (typeof l === "function") l.call(this, event);
      else if (l && typeof l.handleEvent === "function") l.handleEvent(event);
      if (Event._stopped(event)) break;
    }
    return !event.defaultPrevented;
  }
}
define(G, "Event", Event);
define(G, "CustomEvent", CustomEvent);
define(G, "EventTarget", EventTarget);

// ---------- inspection (console, uncaught errors) ----------
function inspect(v, depth = 0, seen = new Set()) {
  if (typeof v === "string") return depth === 0 ? v : `'${v}'`;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "symbol" || typeof v !== "object" && typeof v !== "function") return String(v);
  if (v === null) return "null";
  if (typeof v === "function") return v.name ? `[Function: ${v.name}]` : "[Function (anonymous)]";
  if (v instanceof Error) return describeError(v);
  if (seen.has(v)) return "[Circular *1]";
  if (depth > 2) return Array.isArray(v) ? "[Array]" : "[Object]";
  seen.add(v);
  try {
    if (Array.isArray(v)) return v.length === 0 ? "[]" : `[ ${v.map((x) => inspect(x, depth + 1, seen)).join(", ")} ]`;
    if (v instanceof Map) return `Map(${v.size}) { ${[...v].map(([k, x]) => `${inspect(k, depth + 1, seen)} => ${inspect(x, depth + 1, seen)}`).join(", ")} }`;
    if (v instanceof Set) return `Set(${v.size}) { ${[...v].map((x) => inspect(x, depth + 1, seen)).join(", ")} }`;
    if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length}) [ ${Array.from(v).slice(0, 100).join(", ")} ]`;
    const keys = Object.keys(v);
    const ctor = v.constructor && v.constructor !== Object ? `${v.constructor.name} ` : "";
    if (keys.length === 0) return `${ctor}{}`;
    const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
    return `${ctor}{ ${keys.map((k) => `${key(k)}: ${inspect(v[k], depth + 1, seen)}`).join(", ")} }`;
  } finally {
    seen.delete(v);
  }
}
/// A stack trace without the runtime's own frames.
const userStack = (stack) => String(stack ?? "").split("\n").filter((l) => l.trim() && !l.includes("edgesim:internal")).join("\n");
const describeError = (e) => {
  if (e instanceof Error || (e && typeof e === "object" && "message" in e && "name" in e)) {
    const head = e.message ? `${e.name}: ${e.message}` : `${e.name}`;
    const stack = userStack(e.stack);
    return stack ? `${head}\n${stack}` : head;
  }
  return inspect(e, 1);
};

// ---------- console ----------
function format(args) {
  if (typeof args[0] === "string" && /%[sdifoOjc%]/.test(args[0]) && args.length > 1) {
    let i = 1;
    const first = args[0].replace(/%([sdifoOjc%])/g, (m, f) => {
      if (f === "%") return "%";
      if (i >= args.length) return m;
      const a = args[i++];
      switch (f) {
        case "s": return typeof a === "string" ? a : inspect(a, 1);
        case "d": case "i": return String(f === "i" ? Math.trunc(Number(a)) : Number(a));
        case "f": return String(Number(a));
        case "j": return JSON.stringify(a);
        case "c": return "";
        default: return inspect(a, 1);
      }
    });
    return [first, ...args.slice(i).map((a) => inspect(a))].join(" ");
  }
  return args.map((a) => inspect(a)).join(" ");
}
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
class Performance extends EventTarget {
  get timeOrigin() { return 0; }
  // workerd: 0 at top level, Date.now() while handling an event.
  now() { return ops.inRequest() ? frozenNow() : 0; }
  toJSON() { return { timeOrigin: 0 }; }
}
define(G, "Performance", Performance);
define(G, "performance", new Performance());

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
function arm(repeat, callback, delay, args) {
  if (typeof callback !== "function") {
    throw new TypeError(`Failed to execute '${repeat ? "setInterval" : "setTimeout"}' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'Function'.`);
  }
  const id = ops.timerSet(Number(delay) || 0, repeat);
  if (id === 0) throw domError("QuotaExceededError", "You have exceeded the number of active timeouts you may set.");
  timerCallbacks.set(id, { callback, args });
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
  try {
    t.callback(...t.args);
  } catch (e) {
    ops.log("error", `Uncaught ${describeError(e)}`);
  }
}
define(G, "queueMicrotask", function queueMicrotask(cb) {
  if (typeof cb !== "function") throw new TypeError("Failed to execute 'queueMicrotask' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'Function'.");
  Promise.resolve().then(() => cb()).catch((e) => ops.log("error", `Uncaught ${describeError(e)}`));
});

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

// ---------- structuredClone ----------
function cloneValue(v, memo) {
  if (typeof v === "function" || typeof v === "symbol") {
    throw domError("DataCloneError", `${String(v)} could not be cloned.`);
  }
  if (v === null || typeof v !== "object") return v;
  if (memo.has(v)) return memo.get(v);
  let out;
  if (v instanceof OriginalDate) out = new OriginalDate(v.getTime());
  else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
  else if (v instanceof ArrayBuffer) out = v.slice(0);
  else if (ArrayBuffer.isView(v)) {
    const buf = cloneValue(v.buffer, memo);
    out = v instanceof DataView ? new DataView(buf, v.byteOffset, v.byteLength) : new v.constructor(buf, v.byteOffset, v.length);
  } else if (v instanceof Map) {
    out = new Map(); memo.set(v, out);
    for (const [k, x] of v) out.set(cloneValue(k, memo), cloneValue(x, memo));
    return out;
  } else if (v instanceof Set) {
    out = new Set(); memo.set(v, out);
    for (const x of v) out.add(cloneValue(x, memo));
    return out;
  } else if (v instanceof Error) {
    const ctors = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
    out = new (ctors[v.name] ?? Error)(v.message);
    if (v.stack !== undefined) define(out, "stack", String(v.stack));
  } else if (v instanceof Boolean || v instanceof Number || v instanceof String) out = Object(v.valueOf());
  else if (Array.isArray(v)) {
    out = new Array(v.length); memo.set(v, out);
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k], memo);
    return out;
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw domError("DataCloneError", `${inspect(v, 3)} could not be cloned.`);
    }
    out = {}; memo.set(v, out);
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k], memo);
    return out;
  }
  memo.set(v, out);
  return out;
}
define(G, "structuredClone", function structuredClone(value) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': 1 argument required, but only 0 present.");
  return cloneValue(value, new Map());
});

define(G, "navigator", Object.freeze(Object.create(null, {
  userAgent: { value: "Cloudflare-Workers", enumerable: true },
  hardwareConcurrency: { value: 1, enumerable: true },
  language: { value: "en", enumerable: true },
})));
define(G, "self", G);
