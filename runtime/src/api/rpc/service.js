// Service bindings (`env.SERVICE`, wrangler `services`): a Fetcher that sends `fetch()` and
// JS RPC to an entrypoint of a Worker — another one, or this one through a binding to itself —
// and, in the Worker called, the delivery of those calls to the entrypoint: the default export
// or a named one, a `WorkerEntrypoint` class (made per call with `ctx.props`) or a plain
// object of handlers.

const { G, define, ExecutionContext, cloudflareWorkers } = core;

/// A binding's `fetch()` and, for a service, its RPC: `transport.fetch(method, url, headers,
/// body)` and `transport.call(name, encodedArguments)` start the call and return its op.
class Fetcher {
  #transport;
  constructor(transport) {
    this.#transport = transport;
  }
  fetch(input, init) {
    const t = this.#transport;
    return sendFetch((method, url, headers, body) => t.fetch(method, url, headers, body), input, init);
  }
  static _send(fetcher, name, args) {
    const t = fetcher.#transport;
    return sendRpc((n, encoded, key) => t.call(n, encoded, key), name, args);
  }
}
define(G, "Fetcher", Fetcher);

// ---------- service_binding_extra_handlers: `scheduled()` and `queue()` on a Fetcher ----------
// (a flag for tests, not production; http.h `Fetcher::scheduled`, `Fetcher::queue`)

/// The cron tick `options` ({ cron, scheduledTime }) asks for: [cron, ms since the epoch].
function scheduledEvent(options = {}) {
  const time = options.scheduledTime instanceof Date ? options.scheduledTime.getTime() : options.scheduledTime ?? Date.now();
  return [String(options.cron ?? ""), Number(time)];
}

/// `messages` ({ id, timestamp, body, attempts }) as storage::queue::QueuedMessage JSON.
function queuedMessages(messages) {
  const list = [...messages];
  for (const m of list) {
    if ((m.body === undefined) === (m.serializedBody === undefined)) {
      throw new TypeError("Expected one of body or serializedBody for each message");
    }
    // V8's serialization format is not edgesim's: a body serialized by V8 cannot be read here.
    if (m.serializedBody !== undefined) {
      throw new TypeError("edgesim cannot read a serializedBody (V8's serialization format); give the message's body instead");
    }
  }
  return JSON.stringify(list.map((m) => ({
    id: String(m.id),
    timestamp_ms: m.timestamp instanceof Date ? m.timestamp.getTime() : Number(m.timestamp ?? Date.now()),
    body: core.serializeValue(m.body),
    content_type: "v8",
    attempts: m.attempts ?? 1,
  })));
}

/// `FetcherScheduledResult` from what the handler's invocation answered (`{ outcome }`).
function scheduledResult(answer) {
  const { outcome } = JSON.parse(answer);
  return { outcome, noRetry: false };
}

/// `FetcherQueueResult` from what the handler's invocation answered: its outcome and the
/// batch's per-message decisions.
function queueResult(answer) {
  const { outcome, returned } = JSON.parse(answer);
  const batch = returned === null ? null : JSON.parse(returned).$batch;
  const all = batch?.all ?? null;
  const explicit = batch?.explicit ?? [];
  const retry = all !== null && all[0] === "retry";
  return {
    outcome,
    ackAll: all !== null && all[0] === "ack",
    retryBatch: retry ? (all[1] === null || all[1] === undefined ? { retry: true } : { retry: true, delaySeconds: all[1] }) : { retry: false },
    explicitAcks: explicit.filter(([, d]) => d[0] === "ack").map(([id]) => id),
    retryMessages: explicit.filter(([, d]) => d[0] === "retry")
      .map(([id, d]) => (d[1] === null || d[1] === undefined ? { msgId: id } : { msgId: id, delaySeconds: d[1] })),
  };
}

/// A binding to another Worker: its default export's `scheduled` and `queue` handlers run
/// in an isolate of that Worker.
class EventFetcher extends Fetcher {
  #service;
  constructor(transport, service) {
    super(transport);
    this.#service = service;
  }
  async scheduled(options) {
    const [cron, time] = scheduledEvent(options);
    return scheduledResult(await core.awaitOp(ops.serviceScheduled(this.#service, cron, time)));
  }
  async queue(queueName, messages) {
    return queueResult(await core.awaitOp(ops.serviceQueue(this.#service, String(queueName), queuedMessages(messages))));
  }
}

/// A binding to this Worker's default export: its handlers run in this isolate, as `SELF`'s do.
class LoopbackFetcher extends Fetcher {
  scheduled(options) {
    return core.unit("test").cloudflareTest.SELF.scheduled(options);
  }
  queue(queueName, messages) {
    return core.unit("test").cloudflareTest.SELF.queue(queueName, messages);
  }
}

/// `env.SERVICE`: `[service, entrypoint, props]`, and whether the service is this Worker.
function serviceBinding(b) {
  const target = [b.service, b.entrypoint ?? null, JSON.stringify(b.props ?? {})];
  const loopback = b.loopback === true;
  const transport = {
    fetch: (method, url, headers, body) => ops.serviceFetch(target, loopback, method, url, headers, body),
    call: (name, encoded, key) => ops.serviceRpc(target, loopback, key ?? null, name, encoded),
  };
  const extraHandlers = b.entrypoint == null && core.hasFlag("service_binding_extra_handlers");
  const fetcher = !extraHandlers ? new Fetcher(transport)
    : loopback ? new LoopbackFetcher(transport)
    : new EventFetcher(transport, b.service);
  return rpcStub(fetcher, Fetcher._send);
}

/// `env.ASSETS`: the Worker's static assets, answered as the asset router answers a request
/// sent to them.
function assetsBinding() {
  return new Fetcher({ fetch: (method, url, headers, body) => ops.assetsFetch(method, url, headers, body) });
}

/// The handler a call to `entrypoint` (null: the default export) reaches, and `[env, ctx]`
/// when it is a plain object (its functions take them as arguments).
function entrypointHandler(entrypoint, ctx) {
  const exported = core.moduleExports?.[entrypoint ?? "default"];
  if (typeof exported === "function" && exported.prototype instanceof cloudflareWorkers.WorkerEntrypoint) {
    return { handler: new exported(ctx, core.workerEnv), envCtx: undefined };
  }
  if (exported !== null && typeof exported === "object") {
    return { handler: exported, envCtx: [core.workerEnv, ctx] };
  }
  throw new Error(entrypoint === null ? "Worker has no default entrypoint." : `Worker has no such entrypoint: ${entrypoint}`);
}

/// A call through a service binding: `kind` "fetch" (method, url, headers, body), "call"
/// (method name, encoded arguments, stub key, caller), "get" (property name, -, stub key,
/// caller) or "connect" (the authority asked for, the connection's socket handle). A call with
/// a stub key goes to the target this isolate handed out under it, not the entrypoint.
function dispatchService(id, [entrypoint, propsJson], kind, a, b, c, d) {
  (async () => {
    if (kind !== "fetch" && c !== null && c !== undefined) {
      return ops.returned(id, await answerTarget(c, a, kind === "call" ? b : undefined, d));
    }
    const ctx = new ExecutionContext(id, JSON.parse(propsJson));
    const { handler, envCtx } = entrypointHandler(entrypoint, ctx);
    if (kind === "connect") return await connectHandler(id, handler, envCtx, a, b);
    if (kind !== "fetch") {
      const value = await rpcAnswer(handler, a, kind === "call" ? b : undefined, envCtx, d);
      return ops.returned(id, serializeRpc(value));
    }
    if (typeof handler.fetch !== "function") throw new Error("Handler does not export a fetch() function.");
    const noBody = a === "GET" || a === "HEAD";
    const request = Request._incoming(b, a, c, noBody ? null : d, undefined);
    const response = envCtx === undefined ? handler.fetch(request) : handler.fetch(request, envCtx[0], envCtx[1]);
    await respondWith(id, await response);
  })().catch(throwBack(id));
}

/// Whether this isolate has logged workerd's warning about a missing connect handler (it
/// logs it once).
let warnedNoConnect = false;

/// A TCP connection for `handler.connect(socket)` (global-scope.c++ `connect`): the handler
/// gets an open Socket whose `opened` names the authority asked for as its local address; the
/// connection stays open until the handler's promise settles.
async function connectHandler(id, handler, envCtx, authority, handle) {
  if (typeof handler.connect !== "function") {
    if (!warnedNoConnect) {
      warnedNoConnect = true;
      ops.log("warn", "Received a connect event but we lack a handler. Did you remember to export a connect() function?");
    }
    throw new Error("Handler does not export a connect() function.");
  }
  const socket = core.unit("sockets").acceptedSocket(handle, authority);
  await (envCtx === undefined ? handler.connect(socket) : handler.connect(socket, envCtx[0], envCtx[1]));
  ops.returned(id, serializeRpc(undefined));
}

return { Fetcher, scheduledEvent, queuedMessages, scheduledResult, queueResult, serviceBinding, assetsBinding, dispatchService, rpcStub, rpcAnswer, answerTarget, serializeRpc, RpcStub, sendRpc, sendFetch, respondWith, throwBack };
