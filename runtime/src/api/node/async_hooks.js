// node_async_hooks: AsyncLocalStorage and AsyncResource over the engine's async context
// (engine/async_context.rs), which promise reactions, `await`, `queueMicrotask` and timers
// carry as workerd's do. A context is an immutable Map from storage to store: entering one
// never changes what code running elsewhere sees.

const { validate } = core.unit("node_internal");
core.useAsyncContexts();

const current = () => ops.asyncContext() ?? EMPTY;
const EMPTY = new Map();

/// Calls `fn` with `context` current, then restores the one before.
function runIn(context, fn, thisArg, args) {
  const outside = ops.asyncContext();
  ops.enterAsyncContext(context);
  try {
    return Reflect.apply(fn, thisArg, args);
  } finally {
    ops.enterAsyncContext(outside);
  }
}

class AsyncLocalStorage {
  #defaultValue;
  #name;
  constructor(options = {}) {
    validate.object(options, "options");
    this.#defaultValue = options.defaultValue;
    this.#name = options.name === undefined ? "" : String(options.name);
  }
  get name() { return this.#name; }
  static bind(fn) { return AsyncResource.bind(fn); }
  static snapshot() {
    const context = current();
    return function runInAsyncScope(fn, ...args) { return runIn(context, fn, this, args); };
  }
  getStore() {
    const context = current();
    return context.has(this) ? context.get(this) : this.#defaultValue;
  }
  run(store, fn, ...args) {
    const next = new Map(current());
    next.set(this, store);
    return runIn(next, fn, undefined, args);
  }
  exit(fn, ...args) {
    const next = new Map(current());
    next.delete(this);
    return runIn(next, fn, undefined, args);
  }
  /// workerd implements neither: a context is entered only for the length of a call.
  enterWith(_store) { throw new Error("asyncLocalStorage.enterWith() is not implemented"); }
  disable() { throw new Error("asyncLocalStorage.disable() is not implemented"); }
}

class AsyncResource {
  #context = current();
  constructor(_type, _options) {}
  runInAsyncScope(fn, thisArg, ...args) { return runIn(this.#context, fn, thisArg, args); }
  bind(fn, thisArg) {
    validate.function(fn, "fn");
    const resource = this;
    const bound = thisArg === undefined
      ? function (...args) { return resource.runInAsyncScope(fn, this, ...args); }
      : (...args) => resource.runInAsyncScope(fn, thisArg, ...args);
    Object.defineProperties(bound, {
      length: { configurable: true, value: fn.length },
      asyncResource: { configurable: true, enumerable: true, writable: true, value: this },
    });
    return bound;
  }
  static bind(fn, type, thisArg) {
    validate.function(fn, "fn");
    return new AsyncResource(type || fn.name || "bound-anonymous-fn").bind(fn, thisArg);
  }
  emitDestroy() { return this; }
  asyncId() { return 0; }
  triggerAsyncId() { return 0; }
}

const asyncWrapProviders = Object.freeze({ __proto__: null });
const hook = { enable() { return this; }, disable() { return this; } };
const exports = {
  AsyncLocalStorage, AsyncResource, asyncWrapProviders,
  createHook: () => Object.create(hook),
  executionAsyncId: () => 0,
  executionAsyncResource: () => Object.create(null),
  triggerAsyncId: () => 0,
};
exports.default = { ...exports };
return exports;
