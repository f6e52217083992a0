// Event, CustomEvent, ErrorEvent, EventTarget, `performance` (an EventTarget; its timeline is
// performance/timeline.js), and the global
// scope's own event target: `addEventListener`, `removeEventListener`, `dispatchEvent` and
// `reportError` on the global object, as workerd's ServiceWorkerGlobalScope has them.

const { G, define } = core;

/// workerd's Event (api/basics.h): its properties on the prototype, `timeStamp` always 0,
/// `defaultPrevented` only for a cancelable event though `preventDefault()` always marks it
/// (what `dispatchEvent` answers and the platform's own events read).
class Event {
  #type; #bubbles; #cancelable; #composed;
  #trusted = false; #stopped = false; #prevented = false; #dispatching = false;
  #propagationStopped = false; #target = undefined;
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': constructor parameter 1 is not of type 'string'.");
    if (init !== undefined && init !== null && typeof init !== "object" && typeof init !== "function") {
      throw new TypeError("Failed to construct 'Event': constructor parameter 2 is not of type 'Init'.");
    }
    // Web IDL's string conversion refuses a Symbol (with V8's text; QuickJS words it otherwise).
    if (typeof type === "symbol") throw new TypeError("Cannot convert a Symbol value to a string");
    this.#type = String(type);
    this.#bubbles = !!init?.bubbles;
    this.#cancelable = !!init?.cancelable;
    this.#composed = !!init?.composed;
  }
  get type() { return this.#type; }
  get eventPhase() { return this.#dispatching ? Event.AT_TARGET : Event.NONE; }
  get composed() { return this.#composed; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get defaultPrevented() { return this.#cancelable && this.#prevented; }
  get returnValue() { return !this.defaultPrevented; }
  get currentTarget() { return this.#target; }
  get target() { return this.#target; }
  get srcElement() { return this.#target; }
  get timeStamp() { return 0; }
  get isTrusted() { return this.#trusted; }
  get cancelBubble() { return this.#propagationStopped; }
  set cancelBubble(stopped) { this.#propagationStopped = !!stopped; }
  stopImmediatePropagation() { this.#stopped = true; }
  preventDefault() { this.#prevented = true; }
  stopPropagation() { this.#propagationStopped = true; }
  composedPath() { return this.#dispatching && this.#target ? [this.#target] : []; }
  /// An event the platform made (trusted): the ones it dispatches to the Worker.
  static _trusted(e) { e.#trusted = true; return e; }
  static _beginDispatch(e, target) {
    if (e.#dispatching) throw core.domError("InvalidStateError", "The event is already being dispatched.");
    e.#dispatching = true;
    e.#target = target;
    e.#prevented = false;
  }
  static _endDispatch(e) { e.#dispatching = false; }
  static _stopped(e) { return e.#stopped; }
  /// Whether `preventDefault()` was called, cancelable or not.
  static _prevented(e) { return e.#prevented; }
}
// Static constants, on the prototype too, as JSG_STATIC_CONSTANT makes them.
for (const [name, value] of [["NONE", 0], ["CAPTURING_PHASE", 1], ["AT_TARGET", 2], ["BUBBLING_PHASE", 3]]) {
  Object.defineProperty(Event, name, { value, enumerable: true });
  Object.defineProperty(Event.prototype, name, { value, enumerable: true });
}
class CustomEvent extends Event {
  #detail;
  constructor(type, init = {}) { super(type, init); this.#detail = init?.detail ?? null; }
  get detail() { return this.#detail; }
}

/// Listener options as workerd validates them: capture and passive listeners do not exist there.
/// Anything but an options object is read as `useCapture` (a boolean). `method`: the
/// texts' prefix; removal takes no `passive`.
function listenerOptions(options, method = "addEventListener") {
  if (options === null || options === undefined) return {};
  if (typeof options !== "object" && typeof options !== "function") {
    if (options) throw new TypeError(`${method}(): useCapture must be false.`);
    return {};
  }
  if (options.capture) throw new TypeError(`${method}(): options.capture must be false.`);
  if (method === "removeEventListener") return {};
  if (options.passive) throw new TypeError(`${method}(): options.passive must be false.`);
  return { once: !!options.once, signal: options.signal };
}

/// The events a modules Worker is warned to handle through exports (basics.c++
/// isSpecialEventType).
const SPECIAL_EVENTS = new Set(["fetch", "scheduled", "tail", "trace", "alarm"]);

class EventTarget {
  #listeners = new Map();
  /// `on<type>` handlers (AbortSignal's `onabort`): called before the listeners when they are
  /// functions (basics.c++ dispatchEventImpl's "old style" handlers).
  #onHandlers = null;
  static _setOnHandler(target, type, handler) { (target.#onHandlers ??= new Map()).set(type, handler); }
  static _listenerCount(target, type) { return target.#listeners.get(type)?.length ?? 0; }
  addEventListener(type, listener, options) {
    type = String(type);
    if (listener !== null && listener !== undefined && typeof listener !== "function") {
      if (typeof listener !== "object") {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'function or HandlerObject'.");
      }
      if (typeof listener.handleEvent !== "function") {
        throw new TypeError("Incorrect type for the 'handleEvent' field on 'HandlerObject': the provided value is not of type 'function'.");
      }
    }
    const { once = false, signal } = listenerOptions(options);
    if (listener == null) return;
    if (signal?.aborted) return;
    const list = this.#listeners.get(type) ?? [];
    if (list.some((l) => l.listener === listener)) return;
    // workerd calls a handler object's `handleEvent` as it was when the listener was added,
    // with the object as `this`, and a function with the target (set_event_target_this;
    // before it, with no `this`).
    const withThis = core.hasFlag("set_event_target_this");
    const call = typeof listener === "function"
      ? (target, event) => listener.call(withThis ? target : undefined, event)
      : ((handleEvent) => (_, event) => handleEvent.call(withThis ? listener : undefined, event))(listener.handleEvent);
    list.push({ listener, once, call });
    this.#listeners.set(type, list);
    if (signal) signal.addEventListener("abort", () => this.removeEventListener(type, listener), { once: true });
  }
  removeEventListener(type, listener, options) {
    listenerOptions(options, "removeEventListener");
    const list = this.#listeners.get(String(type));
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener);
    if (i >= 0) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    return EventTarget._dispatch(this, event);
  }
  /// workerd's dispatchEventImpl: the listeners as they were when dispatch began, less those
  /// removed meanwhile; the first throw ends the dispatch; a listener answering `true` prevents
  /// the default. True unless `preventDefault()` was called.
  static _dispatch(target, event) {
    Event._beginDispatch(event, target);
    try {
      const list = target.#listeners.get(event.type) ?? [];
      const on = target.#onHandlers?.get(event.type);
      if (typeof on === "function" && on.call(target, event) === true) event.preventDefault();
      for (const entry of [...list]) {
        if (Event._stopped(event)) break;
        if (!list.includes(entry)) continue;
        if (entry.once) target.removeEventListener(event.type, entry.listener);
        if (entry.call(target, event) === true) event.preventDefault();
      }
    } finally {
      Event._endDispatch(event);
    }
    return !Event._prevented(event);
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
for (const Class of [Event, CustomEvent, ErrorEvent, EventTarget]) core.tagClass(Class);
define(G, "Event", Event);
define(G, "CustomEvent", CustomEvent);
define(G, "ErrorEvent", ErrorEvent);
define(G, "EventTarget", EventTarget);

// The global scope is an event target in workerd; here a hidden one stands behind the methods
// of its prototype.
const globalTarget = new EventTarget();
/// The global scope's listener methods (on its prototype: global_scope/core.js).
function globalAddEventListener(type, listener, options) {
  // A modules Worker's handlers are its exports: workerd warns at each such listener.
  if (!core.serviceWorker && SPECIAL_EVENTS.has(String(type))) {
    ops.log("warn", `When using module syntax, the '${type}' event handler should be declared as an exported function on the root module as opposed to using the global addEventListener().`);
  }
  globalTarget.addEventListener(type, listener, options);
}
const globalRemoveEventListener = (type, listener, options) => globalTarget.removeEventListener(type, listener, options);
const globalDispatchEvent = (event) => globalTarget.dispatchEvent(event);

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
    else ops.log("error", String(stack));
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

/// How many listeners the global scope has for `type`: a service-worker Worker's handlers.
const globalListenerCount = (type) => EventTarget._listenerCount(globalTarget, type);
/// Dispatches a platform event to the global scope's listeners.
const dispatchGlobal = (event) => EventTarget._dispatch(globalTarget, event);

return { Event, ErrorEvent, EventTarget, globalListenerCount, dispatchGlobal, globalAddEventListener, globalRemoveEventListener, globalDispatchEvent };
