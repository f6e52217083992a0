// Service bindings (`env.SERVICE`, wrangler `services`): a Fetcher that sends `fetch()` and
// JS RPC to an entrypoint of a Worker — another one, or this one through a binding to itself —
// and, in the Worker called, the delivery of those calls to the entrypoint: the default export
// or a named one, a `WorkerEntrypoint` class (made per call with `ctx.props`) or a plain
// object of handlers.

const { G, define, ExecutionContext, cloudflareWorkers } = core;

/// `env.SERVICE`: `[service, entrypoint, props]` and whether the service is this Worker.
class Fetcher {
  #target;
  #loopback;
  constructor(target, loopback) {
    this.#target = target;
    this.#loopback = loopback;
  }
  fetch(input, init) {
    return sendFetch((method, url, headers, body) =>
      ops.serviceFetch(this.#target, this.#loopback, method, url, headers, body), input, init);
  }
  static _send(fetcher, name, args) {
    return sendRpc((n, encoded) => ops.serviceRpc(fetcher.#target, fetcher.#loopback, n, encoded), name, args);
  }
}
define(G, "Fetcher", Fetcher);

/// The binding as `env` holds it.
function serviceBinding(b) {
  const target = [b.service, b.entrypoint ?? null, JSON.stringify(b.props ?? {})];
  return rpcStub(new Fetcher(target, b.loopback === true), Fetcher._send);
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
/// (method name, encoded arguments) or "get" (property name).
function dispatchService(id, [entrypoint, propsJson], kind, a, b, c, d) {
  (async () => {
    const ctx = new ExecutionContext(id, JSON.parse(propsJson));
    const { handler, envCtx } = entrypointHandler(entrypoint, ctx);
    if (kind !== "fetch") {
      const value = await rpcAnswer(handler, a, kind === "call" ? b : undefined, envCtx);
      return ops.returned(id, serializeValue(value));
    }
    if (typeof handler.fetch !== "function") throw new Error("Handler does not export a fetch() function.");
    const noBody = a === "GET" || a === "HEAD";
    const request = Request._incoming(b, a, c, noBody ? null : d, undefined);
    const response = envCtx === undefined ? handler.fetch(request) : handler.fetch(request, envCtx[0], envCtx[1]);
    await respondWith(id, await response);
  })().catch(throwBack(id));
}

return { Fetcher, serviceBinding, dispatchService, rpcStub, rpcAnswer, sendRpc, sendFetch, respondWith, throwBack };
