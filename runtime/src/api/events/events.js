// Event, CustomEvent, ErrorEvent, EventTarget, `performance` (an EventTarget; its timeline is
// performance/timeline.js), and the global
// scope's own event target: `addEventListener`, `removeEventListener`, `dispatchEvent` and
// `reportError` on the global object, as workerd's ServiceWorkerGlobalScope has them.

const { G, define } = core;

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
  static _listenerCount(target, type) { return target.#listeners.get(type)?.length ?? 0; }
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
class ErrorEvent extends Event {
  #message; #filename; #lineno; #colno; #error;
  constructor(type, init = {}) {
    super(type, init);
    this.#message = String(init?.message ?? "");
    this.#filename = String(init?.filename ?? "");
    this.#lineno = Number(init?.lineno ?? 0) >>> 0;
    this.#colno = Number(init?.colno ?? 0) >>> 0;
    this.#error = init?.error;
  }
  get message() { return this.#message; }
  get filename() { return this.#filename; }
  get lineno() { return this.#lineno; }
  get colno() { return this.#colno; }
  get error() { return this.#error; }
}
define(G, "Event", Event);
define(G, "CustomEvent", CustomEvent);
define(G, "ErrorEvent", ErrorEvent);
define(G, "EventTarget", EventTarget);

// The global scope is an event target in workerd; here a hidden one stands behind its methods.
const globalTarget = new EventTarget();
define(G, "addEventListener", function addEventListener(type, listener, options) {
  globalTarget.addEventListener(type, listener, options);
});
define(G, "removeEventListener", function removeEventListener(type, listener) {
  globalTarget.removeEventListener(type, listener);
});
define(G, "dispatchEvent", function dispatchEvent(event) {
  return globalTarget.dispatchEvent(event);
});

/// V8's text for a thrown value: `Error: boom` for an error, `#<Object>` for another object.
function messageOf(value) {
  if (value instanceof Error) return String(value);
  if (value !== null && typeof value === "object") return `#<${value.constructor?.name ?? "Object"}>`;
  return String(value);
}

/// Where a value was reported from: the first frame of an Error's stack, else the caller's.
function locationOf(error) {
  const stack = error instanceof Error && typeof error.stack === "string" ? error.stack : new Error().stack.split("\n").slice(2).join("\n");
  const at = /\(?([^\s()]+):(\d+):(\d+)\)?/.exec(stack ?? "");
  return at ? { filename: at[1], lineno: Number(at[2]), colno: Number(at[3]) } : { filename: "", lineno: 0, colno: 0 };
}

// global-scope.c++ reportError: an `error` event on the global scope (not cancelable), then the
// error's stack, or the value itself, logged as an error. Nothing is thrown.
define(G, "reportError", function reportError(error) {
  if (arguments.length === 0) {
    throw new TypeError("Failed to execute 'reportError' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'JsValue'.");
  }
  const event = new ErrorEvent("error", { message: `Uncaught ${messageOf(error)}`, error, ...locationOf(error) });
  if (globalTarget.dispatchEvent(event)) {
    const stack = error !== null && typeof error === "object" ? error.stack : undefined;
    if (stack === undefined) ops.log("error", messageOf(error));
    // V8's stacks start with the error's own line; QuickJS's hold only the frames.
    else ops.log("error", error instanceof Error ? `${error}\n${stack}`.trimEnd() : String(stack));
  }
});

class Performance extends EventTarget {
  get timeOrigin() { return 0; }
  // workerd: 0 at top level, Date.now() while handling an event.
  now() { return ops.inRequest() ? ops.now() : 0; }
  get [Symbol.toStringTag]() { return "Performance"; }
}
// The class is a global, and `performance` has its timeline, only where workerd gives them
// (nodejs_compat: performance/timeline.js).
define(G, "performance", new Performance());
if (core.hasFlag("enable_global_performance_classes")) core.unit("performance_timeline");

return { Event, ErrorEvent, EventTarget };
