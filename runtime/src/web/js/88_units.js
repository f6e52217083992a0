// ---------- units: parts of the runtime loaded on first use (web/mod.rs UNITS) ----------
//
// A unit is compiled on its own, so an isolate that never touches it pays neither for reading
// its bytecode nor for running its class definitions. A unit sees the core through `core`; the
// core reaches a unit through `unit(name)`, or `loadedUnit(name)` where nothing can be one of
// the unit's objects before it has loaded (an `instanceof` check).

const unitExports = new Map();
function unit(name) {
  let exports = unitExports.get(name);
  if (exports === undefined) {
    exports = ops.loadUnit(name)(ops, core);
    unitExports.set(name, exports);
  }
  return exports;
}
const loadedUnit = (name) => unitExports.get(name);

/// Globals the Worker assigned before their unit loaded: the unit leaves them alone.
const assignedGlobals = new Set();

const core = {
  G, define: (obj, name, value) => { if (obj !== G || !assignedGlobals.has(name)) define(obj, name, value); },
  unit, DOMException, Event, EventTarget, describeError, domError, OriginalDate, hex, deferred,
  AbortController, serializeValue, deserializeValue, toBytes, utf8, fromUtf8, TextDecoder, URL,
  URLSearchParams, Headers, Blob, File, Request, Response, BODY_USED, awaitOp, upgradeResponse,
  // Nothing is a ReadableStream before the streams unit has loaded.
  isReadableStream: (v) => { const s = loadedUnit("streams"); return s !== undefined && v instanceof s.ReadableStream; },
  // The streams unit's, for the units that build on streams (reading one loads it).
  get ReadableStream() { return unit("streams").ReadableStream; },
  get TransformStream() { return unit("streams").TransformStream; },
  get readAllBytes() { return unit("streams").readAllBytes; },
  get streamOfBytes() { return unit("streams").streamOfBytes; },
  get NOT_BYTES() { return unit("streams").NOT_BYTES; },
  get chunkBytes() { return unit("streams").chunkBytes; },
  // Declared further on (90_worker.js), and `moduleExports` is set only once the module ran.
  get workerEnv() { return workerEnv; },
  get moduleExports() { return moduleExports; },
};

/// Until unit `name` loads, each of `globals` is an accessor that loads it; the unit's own
/// `define(G, …)` then replaces the accessors with the data properties every global is. (Only
/// `Object.getOwnPropertyDescriptor` can tell, before first use: QuickJS has no lazy data
/// property such as V8's, which workerd uses.)
function lazyGlobals(name, globals) {
  for (const g of globals) {
    Object.defineProperty(G, g, {
      get() { unit(name); return G[g]; },
      set(value) { assignedGlobals.add(g); define(G, g, value); },
      configurable: true,
      enumerable: false,
    });
  }
}
lazyGlobals("streams", ["CountQueuingStrategy", "ByteLengthQueuingStrategy", "ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader", "ReadableStreamDefaultController", "ReadableByteStreamController", "ReadableStreamBYOBRequest", "WritableStream", "WritableStreamDefaultWriter", "WritableStreamDefaultController", "TransformStream", "TransformStreamDefaultController"]);
lazyGlobals("url_pattern", ["URLPattern"]);
lazyGlobals("stream_classes", ["IdentityTransformStream", "FixedLengthStream", "TextEncoderStream", "TextDecoderStream", "CompressionStream", "DecompressionStream"]);
lazyGlobals("websocket", ["MessageEvent", "CloseEvent", "ErrorEvent", "WebSocket", "WebSocketPair", "WebSocketRequestResponsePair"]);
lazyGlobals("form_data", ["FormData"]);
lazyGlobals("subtle", ["CryptoKey", "SubtleCrypto"]);
lazyGlobals("html_rewriter", ["HTMLRewriter"]);
lazyGlobals("kv", ["KvNamespace"]);
lazyGlobals("d1", ["D1PreparedStatement", "D1DatabaseSession", "D1Database"]);
lazyGlobals("r2", ["R2Object", "R2ObjectBody", "R2MultipartUpload", "R2Bucket"]);
lazyGlobals("queue", ["WorkerQueue", "QueueMessage", "QueueController"]);
lazyGlobals("durable_object", ["DurableObjectNamespace", "DurableObjectId", "DurableObjectStub", "DurableObjectStorage", "DurableObjectTransaction", "SqlStorage", "SqlCursor", "DurableObjectState"]);
lazyGlobals("cache", ["Cache", "CacheStorage", "caches"]);
