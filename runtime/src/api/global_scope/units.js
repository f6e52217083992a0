// ---------- units: parts of the runtime loaded on first use (api/mod.rs UNITS) ----------
//
// A unit is compiled on its own, so an isolate that never touches it pays neither for reading
// its bytecode nor for running its class definitions (`ops.loadUnit` reads it, installs the ops
// only it calls, and runs it with `(ops, core)`). A unit sees the core through `core`; the
// core reaches a unit through `unit(name)`, or `loadedUnit(name)` where nothing can be one of
// the unit's objects before it has loaded (an `instanceof` check).

const unitExports = new Map();
function unit(name) {
  let exports = unitExports.get(name);
  if (exports === undefined) {
    exports = ops.loadUnit(name, ops, (core ??= makeCore()));
    unitExports.set(name, exports);
  }
  return exports;
}
const loadedUnit = (name) => unitExports.get(name);

/// Globals the Worker assigned before their unit loaded: the unit leaves them alone.
const assignedGlobals = new Set();

/// Until its unit loads, each global a unit defines (api/mod.rs UNITS) is an accessor that calls this
/// (engine/lazy_globals.rs). Read, it loads the unit, whose `define(G, …)` turns the accessor
/// into the data property every global is, and returns the global; assigned (`value` given), it
/// becomes that value. Only `Object.getOwnPropertyDescriptor` can tell, before first use:
/// QuickJS has no lazy data property such as V8's, which workerd uses.
function lazyGlobal(unitName, name, value) {
  if (arguments.length === 2) {
    unit(unitName);
    return G[name];
  }
  assignedGlobals.add(name);
  define(G, name, value);
}

/// Nothing is a ReadableStream before the streams unit has loaded.
function isReadableStream(v) {
  const s = loadedUnit("streams");
  return s !== undefined && v instanceof s.ReadableStream;
}

/// What the units see of the core, made when the first one loads (a start that loads none does
/// not pay for it).
let core = null;
const makeCore = () => ({
  G, define: (obj, name, value) => { if (obj !== G || !assignedGlobals.has(name)) define(obj, name, value); },
  unit, describeError, stackOf, domError, inspect, OriginalDate, hex, deferred, ILLEGAL_INVOCATION, toBytes, utf8,
  fromUtf8, URL, URLSearchParams, Headers, Request, Response, BODY_USED, REDIRECT_STATUS,
  NULL_BODY_STATUS, STATUS_TEXT, awaitOp,
  // Timers the runtime sets for itself, out of reach of a Worker that replaces setTimeout.
  setTimer: (callback, ms) => arm(false, callback, ms, []), clearTimer: disarm,
  isReadableStream,
  /// `Object.prototype.toString` of a platform object names its class, as V8 names workerd's.
  tagClass: (Class) => Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: Class.name, configurable: true }),
  /// Whether the Worker is written in the service-worker format (handlers.js).
  get serviceWorker() { return serviceWorker; },
  // Other units' exports, for the units that build on them (reading one loads its unit).
  get ReadableStream() { return unit("streams").ReadableStream; },
  get TransformStream() { return unit("streams").TransformStream; },
  get readAllBytes() { return unit("streams").readAllBytes; },
  get streamOfBytes() { return unit("streams").streamOfBytes; },
  get knownLength() { return unit("streams").knownLength; },
  get NOT_BYTES() { return unit("streams").NOT_BYTES; },
  get chunkBytes() { return unit("streams").chunkBytes; },
  get DOMException() { return unit("dom_exception").DOMException; },
  get Event() { return unit("events").Event; },
  get ErrorEvent() { return unit("events").ErrorEvent; },
  get EventTarget() { return unit("events").EventTarget; },
  get AbortController() { return unit("abort").AbortController; },
  get TextDecoder() { return unit("encoding").TextDecoder; },
  get Blob() { return unit("blob").Blob; },
  get File() { return unit("blob").File; },
  get serializeValue() { return unit("serialize").serializeValue; },
  get deserializeValue() { return unit("serialize").deserializeValue; },
  // Declared further on (90_worker.js), and `moduleExports` is set only once the module ran.
  get workerEnv() { return workerEnv; },
  hasFlag: (name) => compatFlags.has(name),
  useAsyncContexts() { asyncContexts = true; },
  get moduleExports() { return moduleExports; },
  get ExecutionContext() { return ExecutionContext; },
  get cloudflareWorkers() { return cloudflareWorkers; },
});
