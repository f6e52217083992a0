// JS RPC as both ends see it (workerd worker-rpc.c++): on the calling side, the members of a
// Durable Object stub or a service binding that are not the stub's own, each callable (a call)
// and awaitable (a property read); on the receiving side, which members a call may reach and
// how a handler's answer or exception goes back. Values cross structured-clone encoded
// (global_scope/serialize.js).

const { Headers, Request, Response, awaitOp, unit, serializeValue, deserializeValue } = core;

/// worker-rpc.c++ `isReservedName`: names no RPC call may reach.
const RESERVED = new Set(["fetch", "connect", "alarm", "webSocketMessage", "webSocketClose", "webSocketError", "dup", "constructor"]);

/// workerd's warning for a stub property read without RPC (worker-rpc.c++), once per name;
/// the property is undefined.
const warnedNoRpc = new Set();
function warnNoRpc(name) {
  if (warnedNoRpc.has(name)) return;
  warnedNoRpc.add(name);
  ops.log("warn", `WARNING: Tried to access method or property '${name}' on a Service Binding or Durable Object stub. Are you trying to use RPC? If so, please enable the 'rpc' compat flag or update your compat date to 2024-04-03 or later (see https://developers.cloudflare.com/workers/configuration/compatibility-dates/ ). If you are not trying to use RPC, please note that in the future, this property (and all other property names) will appear to be present as an RPC method.`);
}

/// A member reached over RPC: calling it calls the method, awaiting it reads the property, and
/// any member of it is reached through the read (pipelining, as workerd's `JsRpcProperty`).
/// `send(name, args)` sends the call (`args` undefined for a read) and answers its promise.
function rpcProperty(send, name) {
  const read = () => pipeline(send(name, undefined));
  return new Proxy((...args) => pipeline(send(name, args)), {
    get(_, prop) {
      if (prop === "then") return (onFulfilled, onRejected) => read().then(onFulfilled, onRejected);
      if (prop === "catch") return (onRejected) => read().catch(onRejected);
      if (prop === "finally") return (onFinally) => read().finally(onFinally);
      if (typeof prop === "symbol") return undefined;
      return read()[prop];
    },
  });
}

/// `stub` answering its own members as they are and, from compatibility date 2024-04-03
/// (`rpc`), any other name as an RPC member sent with `send(stub, name, args)`.
function rpcStub(stub, send) {
  const rpc = core.hasFlag("rpc");
  return new Proxy(stub, {
    get(target, prop) {
      if (typeof prop === "symbol" || prop in target) {
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      }
      if (prop === "then") return undefined;
      if (!rpc) return warnNoRpc(prop);
      return rpcProperty((name, args) => send(target, name, args), prop);
    },
  });
}

/// Sends an RPC call (or, `args` undefined, a property read) with `start(name, encodedArgs,
/// stubKey)`, which starts the op; the answer comes back decoded, and the stubs in it call
/// through `start` too, to the target `stubKey` names.
function sendRpc(start, name, args) {
  const via = (key, n, encoded) => awaitOp(start(n, encoded, key));
  const encoded = args === undefined ? undefined : serializeRpc(args);
  return via(null, name, encoded).then((text) => receiveRpc(text, via));
}

/// Sends `fetch(input, init)` through a binding, `start(method, url, headers, body)` starting
/// each hop; redirects are followed as the global `fetch` follows them.
function sendFetch(start, input, init) {
  return unit("fetch").fetchVia(start, input, init);
}

// ---------- the receiving side ----------

const notImplemented = (name) => new TypeError(`The RPC receiver does not implement the method "${name}".`);

/// worker-rpc.c++ `tryGetProperty`: a class instance answers only what its class declares
/// (not instance fields, not Object.prototype's members); a plain object handler answers its
/// own properties.
function rpcMember(receiver, name, ownProperties) {
  if (RESERVED.has(name)) throw new TypeError(`'${name}' is a reserved method and cannot be called over RPC.`);
  if (ownProperties) {
    if (!Object.hasOwn(receiver, name)) throw notImplemented(name);
    return receiver[name];
  }
  if (Object.hasOwn(receiver, name)) throw notImplemented(name);
  const value = receiver[name];
  if (value === Object.prototype[name]) throw notImplemented(name);
  return value;
}

/// Under `edgesim test`, as under vitest-pool-workers, the tested Worker's entrypoint and
/// Durable Object classes are reached through the pool's wrapper, which refuses a name its
/// class's prototype lacks before workerd's rules apply, with texts of its own.
function poolRefusal(receiver, name) {
  if (Reflect.has(Object.getPrototypeOf(receiver), name)) return;
  const quoted = JSON.stringify(name);
  if (!Reflect.has(receiver, name)) throw new TypeError(`The RPC receiver does not implement ${quoted}.`);
  throw new TypeError([
    `The RPC receiver's prototype does not implement ${quoted}, but the receiver instance does.`,
    "Only properties and methods defined on the prototype can be accessed over RPC.",
    `Ensure properties are declared like \`get ${name}() { ... }\` instead of \`${name} = ...\`,`,
    `and methods are declared like \`${name}() { ... }\` instead of \`${name} = () => { ... }\`.`,
  ].join("\n"));
}

/// worker-rpc.c++ `invokeFnInsertingEnvCtx`: a plain handler's function gets the caller's one
/// argument, then `env` and `ctx`.
function callHandlerFunction(receiver, fn, name, args, env, ctx) {
  let arity = fn.length;
  if (!(arity >= 0 && arity < 256)) throw new TypeError(`RPC function has unreasonable length attribute: ${arity}`);
  if (arity < 3) arity = 3;
  if (arity !== 3) throw new TypeError(`Cannot call handler function "${name}" over RPC because it has the wrong number of arguments. A simple function handler can only be called over RPC if it has exactly the arguments (arg, env, ctx), where only the first argument comes from the client. To support multi-argument RPC functions, use class-based syntax (extending WorkerEntrypoint) instead.`);
  if (args.length !== 1) throw new TypeError(`Attempted to call RPC function "${name}" with the wrong number of arguments. When calling a top-level handler function that is not declared as part of a class, you must always send exactly one argument. In order to support variable numbers of arguments, the server must use class-based syntax (extending WorkerEntrypoint) instead.`);
  return fn.call(receiver, args[0], env, ctx);
}

/// Answers one call on `receiver`: `encodedArgs` undefined reads the property. `envCtx` is
/// `[env, ctx]` when the receiver is a plain object handler; `caller` is where the call came
/// from (deserializeRpc).
async function rpcAnswer(receiver, name, encodedArgs, envCtx, caller) {
  if (envCtx === undefined && core.wrapsLikeVitestPool) poolRefusal(receiver, name);
  const value = rpcMember(receiver, name, envCtx !== undefined);
  if (encodedArgs === undefined || encodedArgs === null) return await value;
  if (typeof value !== "function") throw new TypeError(`"${name}" is not a function.`);
  const args = deserializeRpc(encodedArgs, caller);
  if (envCtx !== undefined) return await callHandlerFunction(receiver, value, name, args, envCtx[0], envCtx[1]);
  return await value.apply(receiver, args);
}

/// Invocation `id` answers with `response` (a fetch through a stub or binding).
async function respondWith(id, response) {
  if (!(response instanceof Response)) throw new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'.");
  const socket = response.webSocket ? unit("websocket").WebSocket._couple(response.webSocket) : null;
  const state = Response._body(response);
  const bytes = state.isNull ? new Uint8Array(0) : await state.consume();
  ops.respond(id, response.status, response.statusText, Headers._flat(response.headers), bytes, socket);
}

/// Sends an exception back to the caller of invocation `id`, keeping its class.
const throwBack = (id) => (e) => {
  if (e !== null && typeof e === "object") ops.threw(id, String(e.name ?? "Error"), String(e.message ?? ""));
  else ops.threw(id, "Error", String(e));
};
