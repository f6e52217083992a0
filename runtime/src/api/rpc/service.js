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
    return sendRpc((n, encoded) => t.call(n, encoded), name, args);
  }
}
define(G, "Fetcher", Fetcher);

/// A binding to this Worker's default export under `service_binding_extra_handlers` (a flag for
/// tests, not production): its `scheduled` and `queue` handlers too, run in this isolate as
/// `SELF`'s are.
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
    call: (name, encoded) => ops.serviceRpc(target, loopback, name, encoded),
  };
  const extraHandlers = loopback && b.entrypoint == null && core.hasFlag("service_binding_extra_handlers");
  return rpcStub(extraHandlers ? new LoopbackFetcher(transport) : new Fetcher(transport), Fetcher._send);
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

return { Fetcher, serviceBinding, assetsBinding, dispatchService, rpcStub, rpcAnswer, sendRpc, sendFetch, respondWith, throwBack };
