// node_events: node:events' EventEmitter, `once`, `on` and their helpers, as Node behaves.

const { codes, validate } = core.unit("node_internal");
const { ERR_INVALID_ARG_TYPE, ERR_UNHANDLED_ERROR } = codes;

const kCapture = Symbol("kCapture");
const errorMonitor = Symbol("events.errorMonitor");
const captureRejectionSymbol = Symbol.for("nodejs.rejection");
let defaultMaxListeners = 10;

function checkListener(listener) { validate.function(listener, "listener"); }

function EventEmitter(opts) { EventEmitter.init.call(this, opts); }
EventEmitter.prototype._events = undefined;
EventEmitter.prototype._eventsCount = 0;
EventEmitter.prototype._maxListeners = undefined;
Object.defineProperty(EventEmitter, "defaultMaxListeners", {
  enumerable: true,
  get() { return defaultMaxListeners; },
  set(n) {
    if (typeof n !== "number" || n < 0 || Number.isNaN(n)) throw codes.ERR_OUT_OF_RANGE("defaultMaxListeners", "a non-negative number", n);
    defaultMaxListeners = n;
  },
});
Object.defineProperty(EventEmitter, "captureRejections", {
  enumerable: true,
  get() { return EventEmitter.prototype[kCapture]; },
  set(value) { validate.boolean(value, "EventEmitter.captureRejections"); EventEmitter.prototype[kCapture] = value; },
});
EventEmitter.prototype[kCapture] = false;
EventEmitter.errorMonitor = errorMonitor;
EventEmitter.captureRejectionSymbol = captureRejectionSymbol;

EventEmitter.init = function (opts) {
  if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
    this._events = { __proto__: null };
    this._eventsCount = 0;
  }
  this._maxListeners = this._maxListeners || undefined;
  // After the three above, as workerd's own properties are ordered.
  this.domain = null;
  if (opts?.captureRejections !== undefined) {
    validate.boolean(opts.captureRejections, "options.captureRejections");
    this[kCapture] = Boolean(opts.captureRejections);
  } else {
    this[kCapture] = EventEmitter.prototype[kCapture];
  }
};

EventEmitter.prototype.setMaxListeners = function setMaxListeners(n) {
  if (typeof n !== "number" || n < 0 || Number.isNaN(n)) throw codes.ERR_OUT_OF_RANGE("n", "a non-negative number", n);
  this._maxListeners = n;
  return this;
};
EventEmitter.prototype.getMaxListeners = function getMaxListeners() {
  return this._maxListeners === undefined ? defaultMaxListeners : this._maxListeners;
};

function addCatch(emitter, promise, type, args) {
  promise.then(undefined, (err) => {
    setTimeout(() => {
      if (typeof emitter[captureRejectionSymbol] === "function") emitter[captureRejectionSymbol](err, type, ...args);
      else {
        const prev = emitter[kCapture];
        try { emitter[kCapture] = false; emitter.emit("error", err); } finally { emitter[kCapture] = prev; }
      }
    }, 0);
  });
}

EventEmitter.prototype.emit = function emit(type, ...args) {
  let doError = type === "error";
  const events = this._events;
  if (events !== undefined) {
    if (doError && events[errorMonitor] !== undefined) this.emit(errorMonitor, ...args);
    doError = doError && events.error === undefined;
  } else if (!doError) return false;
  if (doError) {
    const er = args[0];
    if (er instanceof Error) throw er;
    let shown;
    try { shown = core.unit("node_util").inspect(er); } catch { shown = String(er); }
    const err = ERR_UNHANDLED_ERROR(shown);
    err.context = er;
    throw err;
  }
  const handler = events[type];
  if (handler === undefined) return false;
  const listeners = typeof handler === "function" ? [handler] : handler.slice();
  for (const listener of listeners) {
    const result = listener.apply(this, args);
    if (result !== undefined && result !== null && this[kCapture] && typeof result.then === "function") addCatch(this, result, type, args);
  }
  return true;
};

function addListener(target, type, listener, prepend) {
  checkListener(listener);
  let events = target._events;
  if (events === undefined) {
    events = target._events = { __proto__: null };
    target._eventsCount = 0;
  } else if (events.newListener !== undefined) {
    target.emit("newListener", type, listener.listener ?? listener);
    events = target._events;
  }
  let existing = events[type];
  if (existing === undefined) {
    events[type] = listener;
    ++target._eventsCount;
  } else {
    if (typeof existing === "function") existing = events[type] = prepend ? [listener, existing] : [existing, listener];
    else if (prepend) existing.unshift(listener);
    else existing.push(listener);
    const m = target.getMaxListeners();
    if (m > 0 && existing.length > m && !existing.warned) {
      existing.warned = true;
      const name = typeof type === "symbol" ? type.toString() : type;
      console.warn(`MaxListenersExceededWarning: Possible EventEmitter memory leak detected. ${existing.length} ${name} listeners added to ${target.constructor.name === "EventEmitter" ? "[EventEmitter]" : `[${target.constructor.name}]`}. MaxListeners is ${m}. Use emitter.setMaxListeners() to increase limit`);
    }
  }
  return target;
}
EventEmitter.prototype.addListener = function addListener_(type, listener) { return addListener(this, type, listener, false); };
EventEmitter.prototype.on = EventEmitter.prototype.addListener;
EventEmitter.prototype.prependListener = function prependListener(type, listener) { return addListener(this, type, listener, true); };

function onceWrapper() {
  if (!this.fired) {
    this.target.removeListener(this.type, this.wrapFn);
    this.fired = true;
    return this.listener.apply(this.target, arguments);
  }
}
function onceWrap(target, type, listener) {
  const state = { fired: false, wrapFn: undefined, target, type, listener };
  const wrapped = onceWrapper.bind(state);
  wrapped.listener = listener;
  state.wrapFn = wrapped;
  return wrapped;
}
EventEmitter.prototype.once = function once(type, listener) {
  checkListener(listener);
  this.on(type, onceWrap(this, type, listener));
  return this;
};
EventEmitter.prototype.prependOnceListener = function prependOnceListener(type, listener) {
  checkListener(listener);
  this.prependListener(type, onceWrap(this, type, listener));
  return this;
};
EventEmitter.prototype.removeListener = function removeListener(type, listener) {
  checkListener(listener);
  const events = this._events;
  if (events === undefined) return this;
  const list = events[type];
  if (list === undefined) return this;
  if (list === listener || list.listener === listener) {
    this._eventsCount -= 1;
    if (this._eventsCount === 0) this._events = { __proto__: null };
    else delete events[type];
    if (events.removeListener !== undefined) this.emit("removeListener", type, list.listener || listener);
  } else if (typeof list !== "function") {
    let position = -1;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) { position = i; break; }
    }
    if (position < 0) return this;
    const [removed] = list.splice(position, 1);
    if (list.length === 1) events[type] = list[0];
    if (events.removeListener !== undefined) this.emit("removeListener", type, removed.listener || listener);
  }
  return this;
};
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;
EventEmitter.prototype.removeAllListeners = function removeAllListeners(type) {
  const events = this._events;
  if (events === undefined) return this;
  if (events.removeListener === undefined) {
    if (arguments.length === 0) { this._events = { __proto__: null }; this._eventsCount = 0; }
    else if (events[type] !== undefined) {
      if (--this._eventsCount === 0) this._events = { __proto__: null };
      else delete events[type];
    }
    return this;
  }
  if (arguments.length === 0) {
    for (const key of Reflect.ownKeys(events)) if (key !== "removeListener") this.removeAllListeners(key);
    this.removeAllListeners("removeListener");
    this._events = { __proto__: null };
    this._eventsCount = 0;
    return this;
  }
  const listeners = events[type];
  if (typeof listeners === "function") this.removeListener(type, listeners);
  else if (listeners !== undefined) for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]);
  return this;
};
function listenersOf(target, type, unwrap) {
  const list = target._events?.[type];
  if (list === undefined) return [];
  if (typeof list === "function") return unwrap ? [list.listener || list] : [list];
  return unwrap ? list.map((l) => l.listener || l) : list.slice();
}
EventEmitter.prototype.listeners = function listeners(type) { return listenersOf(this, type, true); };
EventEmitter.prototype.rawListeners = function rawListeners(type) { return listenersOf(this, type, false); };
EventEmitter.prototype.listenerCount = function listenerCount(type, listener) {
  const list = this._events?.[type];
  if (list === undefined) return 0;
  if (typeof list === "function") return listener == null || list === listener || list.listener === listener ? 1 : 0;
  if (listener == null) return list.length;
  return list.filter((l) => l === listener || l.listener === listener).length;
};
EventEmitter.prototype.eventNames = function eventNames() {
  return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
};
EventEmitter.listenerCount = (emitter, type) => emitter.listenerCount(type);

function isEventTarget(v) { return typeof v?.addEventListener === "function" && typeof v?.on !== "function"; }

function once(emitter, name, options = {}) {
  validate.object(options, "options");
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    if (isEventTarget(emitter)) {
      emitter.addEventListener(name, (...args) => resolve(args), { once: true });
      return;
    }
    const onError = (err) => { emitter.removeListener(name, onEvent); abortCleanup(); reject(err); };
    const onEvent = (...args) => { if (name !== "error") emitter.removeListener("error", onError); abortCleanup(); resolve(args); };
    const onAbort = () => { emitter.removeListener(name, onEvent); emitter.removeListener("error", onError); reject(abortError(signal)); };
    const abortCleanup = () => signal?.removeEventListener("abort", onAbort);
    emitter.once(name, onEvent);
    if (name !== "error") emitter.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function abortError(signal) {
  const error = new Error("The operation was aborted");
  error.name = "AbortError";
  error.code = "ABORT_ERR";
  if (signal?.reason !== undefined) error.cause = signal.reason;
  return error;
}

function on(emitter, event, options = {}) {
  const queue = [];
  const waiting = [];
  let error = null;
  let finished = false;
  const signal = options.signal;
  if (signal?.aborted) throw abortError(signal);
  const push = (...args) => {
    const pending = waiting.shift();
    if (pending) pending.resolve({ value: args, done: false });
    else queue.push(args);
  };
  const fail = (err) => {
    finished = true;
    const pending = waiting.shift();
    if (pending) pending.reject(err);
    else error = err;
    iterator.return();
  };
  const close = () => {
    emitter.removeListener(event, push);
    emitter.removeListener("error", fail);
    signal?.removeEventListener("abort", onAbort);
  };
  const onAbort = () => fail(abortError(signal));
  emitter.on(event, push);
  if (event !== "error") emitter.on("error", fail);
  signal?.addEventListener("abort", onAbort, { once: true });
  const iterator = {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
      if (error) { const p = Promise.reject(error); error = null; return p; }
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      close();
      finished = true;
      for (const pending of waiting.splice(0)) pending.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err) { error = err; close(); return Promise.reject(err); },
    [Symbol.asyncIterator]() { return this; },
  };
  return iterator;
}

function getEventListeners(target, type) {
  if (typeof target?.listeners === "function") return target.listeners(type);
  throw ERR_INVALID_ARG_TYPE("emitter", ["EventEmitter", "EventTarget"], target);
}
function getMaxListeners(target) { return typeof target?.getMaxListeners === "function" ? target.getMaxListeners() : defaultMaxListeners; }
function setMaxListeners(n = defaultMaxListeners, ...targets) {
  if (typeof n !== "number" || n < 0 || Number.isNaN(n)) throw codes.ERR_OUT_OF_RANGE("n", "a non-negative number", n);
  if (targets.length === 0) defaultMaxListeners = n;
  else for (const t of targets) if (typeof t.setMaxListeners === "function") t.setMaxListeners(n);
}
function listenerCount(emitter, type) { return emitter.listenerCount(type); }
function addAbortListener(signal, listener) {
  if (signal === undefined) throw ERR_INVALID_ARG_TYPE("signal", "AbortSignal", signal);
  validate.function(listener, "listener");
  if (signal.aborted) queueMicrotask(() => listener());
  else signal.addEventListener("abort", listener, { once: true });
  return { [Symbol.dispose ?? Symbol.for("Symbol.dispose")]() { signal.removeEventListener("abort", listener); } };
}

/// An EventEmitter whose listeners run in the async context it was made in.
class EventEmitterAsyncResource extends EventEmitter {
  #resource;
  constructor(options = undefined) {
    super(options);
    const { AsyncResource } = core.unit("node_async_hooks");
    this.#resource = new AsyncResource(options?.name ?? new.target.name);
  }
  emit(event, ...args) {
    return this.#resource.runInAsyncScope(super.emit, this, event, ...args);
  }
  emitDestroy() { this.#resource.emitDestroy(); }
  get asyncId() { return this.#resource.asyncId(); }
  get triggerAsyncId() { return this.#resource.triggerAsyncId(); }
  get asyncResource() { return this.#resource; }
}

Object.assign(EventEmitter, {
  EventEmitter, once, on, getEventListeners, getMaxListeners, setMaxListeners, listenerCount, addAbortListener,
  usingDomains: false,
});
EventEmitter.EventEmitterAsyncResource = EventEmitterAsyncResource;
return { EventEmitter, EventEmitterAsyncResource, once, on, getEventListeners, getMaxListeners, setMaxListeners,
  listenerCount, addAbortListener, errorMonitor, captureRejectionSymbol, captureRejections: false, usingDomains: false,
  get defaultMaxListeners() { return defaultMaxListeners; }, default: EventEmitter };
