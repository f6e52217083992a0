// What JS RPC passes by reference (worker-rpc.c++, js-rpc-test.js): a function or an
// `RpcTarget` crossing an RPC boundary stays where it is and the other side gets a stub whose
// calls come back to it; an RPC call's promise can be used before it settles (pipelining:
// `stub.make().clone().increment()`); `new RpcStub(target)` makes such a stub locally.
//
// The targets live in a table of the isolate that handed them out. A stub's calls travel the
// way the call that brought it travelled (a service binding, a Durable Object stub, or this
// isolate itself), so they reach that table again.

const { RpcTarget } = core.cloudflareWorkers;

const DISPOSED = "RPC stub used after being disposed.";

/// The state behind each stub this isolate holds, by the stub's proxy.
const stubStates = new WeakMap();

/// What this isolate handed out, by key: `{ target, stubs }`, `stubs` counting the local
/// stubs that still reach it. Keys carry the isolate's epoch, so a stub that outlives the
/// isolate (an eviction, a crash) finds nothing in the next one.
const exported = new Map();
let epoch = null;
let lastKey = 0;

/// What RPC passes by reference rather than copying.
const passesByReference = (v) => typeof v === "function" || v instanceof RpcTarget;

function exportTarget(target) {
  epoch ??= crypto.randomUUID().slice(0, 8);
  const key = `${epoch}:${++lastKey}`;
  exported.set(key, { target, stubs: 0 });
  return key;
}
const isLocal = (key) => epoch !== null && key.startsWith(`${epoch}:`);

/// Answers a call on exported target `key`: `name` "" calls the target itself; `encoded`
/// undefined reads the property. The answer goes back encoded. `caller`: where the call came
/// from (deserializeRpc).
async function answerTarget(key, name, encoded, caller) {
  const entry = exported.get(key);
  if (entry === undefined) throw new Error(DISPOSED);
  const { target } = entry;
  const args = encoded === undefined || encoded === null ? undefined : deserializeRpc(encoded, caller);
  let value;
  if (stubStates.has(target)) {
    // A stub passed on: its calls go on to where it leads.
    value = name === "" ? target(...(args ?? [])) : args === undefined ? target[name] : target[name](...args);
  } else if (typeof target === "function") {
    if (name !== "") throw notImplemented(name);
    value = target(...(args ?? []));
  } else {
    value = rpcMember(target, name, false);
    if (args !== undefined) {
      if (typeof value !== "function") throw new TypeError(`"${name}" is not a function.`);
      value = value.apply(target, args);
    }
  }
  return serializeRpc(await value);
}

/// A call on a stub whose target is in this isolate: no I/O, but still asynchronous and the
/// values still copied, as across isolates.
const callLocal = (key, name, encoded) => Promise.resolve().then(() => answerTarget(key, name, encoded));

/// A stub reaching an isolate from which no call can travel back to the target's isolate.
const unreachable = () => Promise.reject(new Error(
  "edgesim: a function or RpcTarget passed as an argument of an RPC call to another isolate cannot be called back yet",
));

/// How stubs that arrived in a call from `caller` call their targets: back through the host
/// to the isolate that made the call (`caller` is the handle the host gave it; null when the
/// call has no isolate to go back to).
const callingBack = (caller) => (caller === null || caller === undefined
  ? unreachable
  : (key, name, encoded) => core.awaitOp(ops.callBack(caller, key, name, encoded)));

/// The stub for target `key`, whose calls go through `via(key, name, encoded)`.
function makeStub(key, via) {
  const entry = isLocal(key) ? exported.get(key) : undefined;
  if (entry !== undefined) entry.stubs++;
  let disposed = false;
  const state = {
    send(name, args) {
      if (disposed) return Promise.reject(new Error(DISPOSED));
      const encoded = args === undefined ? undefined : serializeRpc(args);
      return via(key, name, encoded).then((text) => receiveRpc(text, via));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (entry !== undefined && --entry.stubs === 0 && exported.get(key) === entry) {
        exported.delete(key);
        if (typeof entry.target?.[Symbol.dispose] === "function") entry.target[Symbol.dispose]();
      }
    },
  };
  const stub = new Proxy(function RpcStub() {}, {
    apply: (_, __, args) => pipeline(state.send("", args)),
    construct: () => { throw new TypeError("RPC stubs cannot be constructed."); },
    get(_, prop) {
      if (prop === Symbol.dispose) return () => state.dispose();
      if (prop === "dup") return () => makeStub(key, via);
      if (typeof prop === "symbol" || prop === "then") return undefined;
      return rpcProperty((name, args) => state.send(name, args), prop);
    },
  });
  stubStates.set(stub, state);
  return stub;
}

/// The hooks of the structured clone (global_scope/serialize.js) for RPC values: what passes by
/// reference is exported, what arrives by reference becomes a stub.
const exporting = { passes: (v) => passesByReference(v) || stubStates.has(v), export: exportTarget };
const importing = (via) => ({ passes: () => false, import: (key) => makeStub(key, isLocal(key) ? callLocal : via) });

const serializeRpc = (value) => serializeValue(value, exporting);
/// Arguments as the receiving side decodes them: stubs among them call back to the isolate of
/// `caller` (or, for targets of this isolate, call them here).
const deserializeRpc = (text, caller) => deserializeValue(text, importing(callingBack(caller)));

/// An RPC answer as the caller gets it: stubs in it call through `via`; an object answer gets
/// a `Symbol.dispose` that disposes the stubs in it, as workerd's does.
function receiveRpc(text, via) {
  const stubs = [];
  const hooks = importing(via);
  const value = deserializeValue(text, { ...hooks, import: (key) => { const s = hooks.import(key); stubs.push(s); return s; } });
  if (value !== null && typeof value === "object") {
    Object.defineProperty(value, Symbol.dispose, { value: () => stubs.forEach((s) => s[Symbol.dispose]()), configurable: true });
  }
  return value;
}

/// An RPC call's promise, usable before it settles: any member of it is a member of what it
/// will resolve to (workerd's `JsRpcPromise`).
function pipeline(promise) {
  return new Proxy(promise, {
    get(p, prop) {
      if (prop === "then" || prop === "catch" || prop === "finally") return p[prop].bind(p);
      if (prop === Symbol.dispose) return () => { p.then((v) => v?.[Symbol.dispose]?.(), () => {}); };
      if (typeof prop === "symbol") return undefined;
      return rpcProperty((name, args) => p.then((v) => (args === undefined ? v[name] : v[name](...args))), prop);
    },
  });
}

/// `RpcStub` from `cloudflare:workers`: a stub for a local `RpcTarget` or function, as a caller
/// across RPC would hold it.
class RpcStub {
  constructor(target) {
    if (stubStates.has(target)) return target.dup();
    if (!passesByReference(target)) throw new TypeError("Failed to construct 'RpcStub': parameter 1 is not of type 'RpcTarget'.");
    return makeStub(exportTarget(target), callLocal);
  }
}
