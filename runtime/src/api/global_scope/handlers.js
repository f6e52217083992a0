// The Worker's side of an invocation: env, ExecutionContext, and handler dispatch.

class ExecutionContext {
  #id;
  #props;
  constructor(id, props = {}) { this.#id = id; this.#props = props; }
  waitUntil(promise) {
    if (!(this instanceof ExecutionContext) || !(#id in this)) throw new TypeError(ILLEGAL_INVOCATION);
    const id = this.#id;
    ops.waitUntilAdd(id);
    Promise.resolve(promise).then(
      () => ops.waitUntilSettled(id),
      (e) => { ops.log("error", `Uncaught (in promise) ${describeError(e)}`); ops.waitUntilSettled(id); },
    );
  }
  passThroughOnException() {
    if (!(this instanceof ExecutionContext) || !(#id in this)) throw new TypeError(ILLEGAL_INVOCATION);
    ops.passThroughOnException(this.#id);
  }
  get props() { return this.#props; }
  /// `ctx.exports` is behind `enable_ctx_exports`; `exports` from `cloudflare:workers` is not.
  get exports() { return compatFlags.has("enable_ctx_exports") ? workerExports : undefined; }
}
define(G, "ExecutionContext", ExecutionContext);

class WorkerEntrypoint {
  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
}
class DurableObject {
  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
}
class RpcTarget {}
class WorkflowEntrypoint {
  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
}

const workerEnv = {};
/// The Worker's own Durable Object classes: class name -> namespace key.
const objectClasses = new Map();
/// `exports` (`ctx.exports`): the Worker's own entrypoints — its default export and its
/// `WorkerEntrypoint` classes — each as a service binding to itself, and its Durable Object
/// classes, each as the namespace of its objects; made on first use.
const workerExports = new Proxy({}, {
  get(made, name) {
    if (typeof name !== "string") return undefined;
    if (Object.hasOwn(made, name)) return made[name];
    const value = moduleExports?.[name];
    if (objectClasses.has(name) && typeof value === "function" && value.prototype instanceof DurableObject) {
      return (made[name] = new (unit("durable_object").DurableObjectNamespace)(objectClasses.get(name)));
    }
    const isEntrypoint = typeof value === "function" ? value.prototype instanceof WorkerEntrypoint
      : name === "default" && value !== null && typeof value === "object";
    if (!isEntrypoint) return undefined;
    const binding = { service: "", entrypoint: name === "default" ? null : name, props: {}, loopback: true };
    return (made[name] = loopbackEntrypoint(binding));
  },
});
/// An entrypoint in `exports`: a binding to it that, called with `{ props }`, gives a binding
/// to it with those props (workerd's LoopbackServiceStub).
function loopbackEntrypoint(binding) {
  const stub = unit("rpc").serviceBinding(binding);
  return new Proxy(function LoopbackServiceStub() {}, {
    apply: (_, __, [options]) => unit("rpc").serviceBinding({ ...binding, props: options?.props ?? {} }),
    get: (_, prop) => stub[prop],
    has: (_, prop) => prop in stub,
  });
}

// ---------- withEnv / withExports (workerd's EnvModule) ----------
// `fn` runs with the `env` (and `exports`) of `cloudflare:workers` replaced, through all it
// awaits: the replacement rides in the async context, as workerd carries it.

const ENV_OVERRIDE = Symbol("env override");
const EXPORTS_OVERRIDE = Symbol("exports override");

function withOverrides(overrides, fn) {
  if (typeof fn !== "function") throw new TypeError("The callback must be a function.");
  asyncContexts = true;
  const outside = ops.asyncContext();
  const inside = new Map(outside ?? []);
  for (const [key, value] of overrides) inside.set(key, value);
  ops.enterAsyncContext(inside);
  try {
    return fn();
  } finally {
    ops.enterAsyncContext(outside);
  }
}
const overridden = (key) => ops.asyncContext()?.get(key);

/// What `env` or `exports` from `cloudflare:workers` reads: the override of the current async
/// context, else `base()`.
function overridable(key, base) {
  const target = () => overridden(key) ?? base() ?? {};
  return new Proxy({}, {
    get: (_, k) => Reflect.get(target(), k),
    set: (_, k, v) => Reflect.set(target(), k, v),
    has: (_, k) => Reflect.has(target(), k),
    deleteProperty: (_, k) => Reflect.deleteProperty(target(), k),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, k) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), k);
      return d === undefined ? undefined : { ...d, configurable: true };
    },
    defineProperty: (_, k, d) => Reflect.defineProperty(target(), k, d),
  });
}
const envView = overridable(ENV_OVERRIDE, () => workerEnv);
/// workerd fills the Worker's exports whatever its flags, and `cloudflare:workers` exports a
/// view of them on every date (worker.c++ setWorkerExports; only `ctx.exports` waits for
/// `enable_ctx_exports`).
const exportsView = overridable(EXPORTS_OVERRIDE, () => workerExports);

const cloudflareWorkers = {
  WorkerEntrypoint, DurableObject, RpcTarget, WorkflowEntrypoint, env: envView,
  get RpcStub() { return unit("rpc").RpcStub; },
  exports: exportsView,
  withEnv: (env, fn) => withOverrides([[ENV_OVERRIDE, env]], fn),
  withExports: (exports, fn) => withOverrides([[EXPORTS_OVERRIDE, exports]], fn),
  withEnvAndExports: (env, exports, fn) => withOverrides([[ENV_OVERRIDE, env], [EXPORTS_OVERRIDE, exports]], fn),
};
Object.defineProperty(G, Symbol.for("edgesim.cloudflare:workers"), { value: cloudflareWorkers });
/// What the node:* modules' ES facades (api/node/modules) import from.
Object.defineProperty(G, Symbol.for("edgesim.node"), { value: (name) => unit("node_internal").moduleExports(name) });
/// What `vitest` and `cloudflare:test` import from in `edgesim test` (api/test).
Object.defineProperty(G, Symbol.for("edgesim.test"), { value: () => unit("test") });
Object.defineProperty(G, Symbol.for("edgesim.workflows"), { value: () => unit("workflows") });
Object.defineProperty(G, Symbol.for("edgesim.sockets"), { value: () => unit("sockets") });
Object.defineProperty(G, Symbol.for("edgesim.email"), { value: () => unit("email") });
Object.defineProperty(G, Symbol.for("edgesim.cloudflare:node"), { value: () => unit("node_http").cloudflareNode });
Object.defineProperty(G, Symbol.for("edgesim.pages"), { value: () => unit("pages") });
Object.defineProperty(G, Symbol.for("edgesim.wasm"), { value: (key) => unit("wasm").moduleFromBundle(key) });

let defaultExport = null;
/// Compatibility flags in force (enable names) that change what the runtime's JavaScript does.
const compatFlags = new Set();
let moduleExports = null;
let EntrypointClass = null;

/// Fills `env`: plain values from `[vars]`, then one object per binding; and records the
/// compatibility flags in force that the runtime's JavaScript reads and the Worker's Durable
/// Object classes.
function setEnv(varsJson, bindingsJson, flagsJson, objectClassesJson) {
  for (const flag of JSON.parse(flagsJson)) compatFlags.add(flag);
  for (const [name, namespace] of Object.entries(JSON.parse(objectClassesJson))) objectClasses.set(name, namespace);
  Object.assign(workerEnv, JSON.parse(varsJson));
  for (const b of JSON.parse(bindingsJson)) {
    if (b.type === "kv") workerEnv[b.name] = new (unit("kv").KvNamespace)(b.namespace);
    if (b.type === "d1") workerEnv[b.name] = new (unit("d1").D1Database)(b.database);
    if (b.type === "r2") workerEnv[b.name] = new (unit("r2").R2Bucket)(b.bucket);
    if (b.type === "queue") workerEnv[b.name] = new (unit("queue").WorkerQueue)(b.queue, b.delay_s);
    if (b.type === "durable_object") workerEnv[b.name] = new (unit("durable_object").DurableObjectNamespace)(b.namespace);
    if (b.type === "service") workerEnv[b.name] = unit("rpc").serviceBinding(b);
    if (b.type === "assets") workerEnv[b.name] = unit("rpc").assetsBinding();
    if (b.type === "workflow") workerEnv[b.name] = new (unit("workflows").Workflow)(b.workflow);
    if (b.type === "rate_limit") workerEnv[b.name] = new (unit("ratelimit").RateLimit)(b.namespace, b.limit, b.period_s);
    if (b.type === "analytics_engine") workerEnv[b.name] = new (unit("analytics_engine").AnalyticsEngineDataset)(b.dataset);
    if (b.type === "ai") workerEnv[b.name] = new (unit("ai").Ai)();
    if (b.type === "vectorize") workerEnv[b.name] = new (unit("vectorize").VectorizeIndex)(b.index);
    if (b.type === "images") workerEnv[b.name] = new (unit("images").ImagesBinding)();
    if (b.type === "send_email") workerEnv[b.name] = new (unit("email").SendEmail)(b);
    if (b.type === "pipeline") workerEnv[b.name] = new (unit("pipelines").Pipeline)(b.pipeline);
    if (b.type === "secrets_store") workerEnv[b.name] = new (unit("secrets_store").SecretsStoreSecret)(b.store, b.secret);
    if (b.type === "hyperdrive") workerEnv[b.name] = new (unit("hyperdrive").Hyperdrive)(b);
    if (b.type === "version_metadata") {
      workerEnv[b.name] = { id: b.id, tag: "", timestamp: new Date(ops.deployedAtMs()).toISOString() };
    }
  }
}

/// Whether the Worker is written in the service-worker format (engine/modules/format.rs): its
/// handlers are listeners on the global scope (api/service_worker).
let serviceWorker = false;

/// Before a service-worker script runs: its bindings and vars become globals, as workerd
/// makes them (plain writable, enumerable properties of the global scope).
function enterServiceWorker() {
  serviceWorker = true;
  for (const [name, value] of Object.entries(workerEnv)) {
    Object.defineProperty(G, name, { value, writable: true, enumerable: true, configurable: true });
  }
}

/// After a service-worker script ran: false when it registered no listener.
const registerServiceWorker = () => unit("service_worker").hasListeners();

/// Records the main module's handlers; false when it has none.
function registerModule(namespace) {
  moduleExports = namespace;
  const d = namespace.default;
  if (typeof d === "function" && d.prototype instanceof WorkerEntrypoint) {
    // A class entrypoint is one even with RPC methods only (the RPC docs' first example).
    EntrypointClass = d;
    return true;
  }
  if (d && typeof d === "object") {
    defaultExport = d;
    return ["fetch", "connect", "scheduled", "queue", "tail", "email", "trace"].some((h) => typeof d[h] === "function") ||
      Object.values(namespace).some((v) => typeof v === "function" && (v.prototype instanceof DurableObject || v.prototype instanceof WorkflowEntrypoint));
  }
  return Object.values(namespace).some((v) => typeof v === "function" &&
    (v.prototype instanceof DurableObject || v.prototype instanceof WorkerEntrypoint || v.prototype instanceof WorkflowEntrypoint));
}

/// Calls handler `name`, returning its result (a promise) or rejecting when it is missing.
function callHandler(name, arg, ctx) {
  if (EntrypointClass) {
    const instance = new EntrypointClass(ctx, workerEnv);
    if (typeof instance[name] !== "function") throw new Error(`Handler does not export a ${name}() function.`);
    return instance[name](arg);
  }
  if (!defaultExport || typeof defaultExport[name] !== "function") throw new Error(`Handler does not export a ${name}() function.`);
  return defaultExport[name](arg, workerEnv, ctx);
}

function dispatchFetch(id, method, url, colo, headers, body, cfJson) {
  const ctx = new ExecutionContext(id);
  let promise;
  try {
    const noBody = method === "GET" || method === "HEAD";
    const cf = cfJson ?? (colo === null || colo === undefined ? undefined : { colo });
    const request = Request._incoming(url, method, headers, noBody ? null : body, cf);
    if (serviceWorker) {
      promise = unit("service_worker").fetchEvent(request, ctx);
      if (promise === null) return ops.defaultHandling(id);
    } else {
      promise = Promise.resolve(callHandler("fetch", request, ctx));
    }
  } catch (e) {
    promise = Promise.reject(e);
  }
  const fail = (e) => ops.fail(id, describeError(e));
  // One reaction with its own try, not `.then().catch()`: a promise and a job fewer per request.
  promise.then((response) => {
    try {
      if (!(response instanceof Response)) throw new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'.");
      const socket = response.webSocket ? unit("websocket").WebSocket._couple(response.webSocket) : null;
      const respond = (bytes) => ops.respond(id, response.status, response.statusText, Headers._flat(response.headers), bytes, socket);
      const state = Response._body(response);
      // A body held as bytes (the usual case) is sent without another trip through promises.
      const bytes = state.isNull ? new Uint8Array(0) : state.takeBytes();
      if (bytes !== null) return respond(bytes);
      return streamResponse(id, response, state.takeStream(), socket).catch(fail);
    } catch (e) {
      fail(e);
    }
  }, fail);
}

/// A streamed body goes to the caller as it comes: the head first, then each chunk, so a body
/// that stops half way (nothing left that could write the rest) reaches the caller as far as it
/// got, as in workerd, instead of as no response at all.
async function streamResponse(id, response, stream, socket) {
  const { chunkBytes, NOT_BYTES } = unit("streams");
  ops.responseHead(id, response.status, response.statusText, Headers._flat(response.headers));
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const chunk = chunkBytes(value);
    if (!chunk) throw new TypeError(NOT_BYTES);
    ops.responseChunk(id, chunk);
  }
  reader.releaseLock();
  ops.respondStreamed(id, socket);
}

function dispatchScheduled(id, cron, scheduledTime) {
  const ctx = new ExecutionContext(id);
  const controller = Object.freeze({ cron, scheduledTime, noRetry() {} });
  let promise;
  try {
    promise = serviceWorker
      ? Promise.resolve(unit("service_worker").scheduledEvent(controller, ctx))
      : Promise.resolve(callHandler("scheduled", controller, ctx));
  } catch (e) {
    promise = Promise.reject(e);
  }
  promise.then(() => ops.handlerDone(id), (e) => ops.fail(id, describeError(e)));
}

/// A batch of queue messages: succeeded means every message not decided otherwise is acked;
/// a throw retries those (semantics.md §6).
function dispatchQueue(id, queue, messagesJson) {
  const ctx = new ExecutionContext(id);
  const { QueueController } = unit("queue");
  const batch = new QueueController(queue, JSON.parse(messagesJson));
  let promise;
  try {
    promise = serviceWorker
      ? unit("service_worker").queueEvent(batch, ctx)
      : Promise.resolve(callHandler("queue", batch, ctx));
  } catch (e) {
    promise = Promise.reject(e);
  }
  promise.then(
    () => { ops.queueSettled(id, QueueController._decisions(batch, true)); ops.handlerDone(id); },
    (e) => { ops.queueSettled(id, QueueController._decisions(batch, false)); ops.fail(id, describeError(e)); },
  );
}

/// Mail for the Worker's `email` handler (api/email/email.js). Whether the handler rejected it,
/// and why, is the invocation's returned value, whether the handler ended well or threw.
function dispatchEmail(id, from, to, raw) {
  const ctx = new ExecutionContext(id);
  const { ForwardableEmailMessage } = unit("email");
  const message = ForwardableEmailMessage._incoming(from, to, raw);
  let promise;
  try {
    promise = serviceWorker
      ? Promise.resolve(unit("service_worker").emailEvent(message, ctx))
      : Promise.resolve(callHandler("email", message, ctx));
  } catch (e) {
    promise = Promise.reject(e);
  }
  const settle = () => ForwardableEmailMessage._settled(id, message);
  promise.then(
    () => { settle(); ops.handlerDone(id); },
    (e) => { settle(); ops.fail(id, describeError(e)); },
  );
}

/// Runs one test file of `edgesim test` (api/test/runner.js); its report is the invocation's
/// returned value.
const dispatchTest = (id, entry, optionsJson) => unit("test").dispatchTest(id, entry, optionsJson);

/// A call through a service binding to one of this Worker's entrypoints (api/rpc/service.js).
const dispatchService = (id, target, kind, a, b, c, d) => unit("rpc").dispatchService(id, target, kind, a, b, c, d);

/// A run of a Workflow instance (api/workflows/step.js).
const dispatchWorkflow = (id, target, numbers) => unit("workflows").dispatchWorkflow(id, target, numbers);

/// An entry point the Durable Object unit implements (none takes more than six arguments); the
/// first call loads it.
const objectEntry = (name) => (a, b, c, d, e, f) => unit("durable_object")[name](a, b, c, d, e, f);

/// The built-ins' locale-sensitive methods (engine/locale_methods.rs): method `index` of
/// api/intl/mod.rs LOCALE_METHODS called on `self`.
const localeMethod = (index, self, a, b, c) => unit("intl").localeMethod(index, self, a, b, c);

return {
  localeMethod, lazyGlobal, setEnv, registerModule, enterServiceWorker, registerServiceWorker, dispatchFetch, dispatchScheduled, fireTimer, completeOp, dispatchQueue,
  dispatchTest, dispatchService, dispatchWorkflow, dispatchEmail,
  hostObject: objectEntry("hostObject"),
  unhostObject: objectEntry("unhostObject"),
  dispatchObjectFetch: objectEntry("dispatchObjectFetch"),
  dispatchRpc: objectEntry("dispatchRpc"),
  dispatchAlarm: objectEntry("dispatchAlarm"),
  dispatchSocketEvent: objectEntry("dispatchSocketEvent"),
};
