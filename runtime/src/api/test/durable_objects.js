// ---------- cloudflare:test's Durable Object helpers ----------
//
// The objects of the Worker's own classes live in this isolate (sim/src/test/objects.rs), as
// in vitest-pool-workers, so a callback can be handed to an object's own call and run with its
// instance and state: the call is a fetch that carries the callback's number, which the
// object's fetch dispatch recognises (durable_object.js) instead of calling `fetch()`.

/// Callbacks waiting to run in an object, then what each returned or threw, by number.
const objectActions = new Map();
let nextObjectAction = 0;
/// The callback returned a Response: it comes back as the call's own response.
const USE_RESPONSE = Symbol("use the response");

const objects = () => core.unit("durable_object");
const isObjectStub = (v) => typeof v === "object" && v !== null && objects().stubTarget(v) !== undefined;
const isObjectNamespace = (v) => v instanceof objects().DurableObjectNamespace;

/// Whether the objects of `namespace` live in this isolate (a class of the Worker's own).
const hostedHere = (namespace) => ops.testObjectIds(namespace) !== undefined;

/// The pool's refusal for a stub whose object lives in another Worker.
function assertSameIsolate(stub) {
  const [namespace] = objects().stubTarget(stub);
  if (!hostedHere(namespace)) {
    throw new Error("Durable Object test helpers can only be used with stubs pointing to objects defined within the same worker.");
  }
}

async function runInStub(stub, callback) {
  const action = nextObjectAction++;
  objectActions.set(action, callback);
  const response = await stub.fetch("http://x", {
    headers: { [objects().TEST_ACTION_HEADER]: String(action) },
    redirect: "manual",
  });
  const result = objectActions.get(action);
  objectActions.delete(action);
  if (result === USE_RESPONSE) return response;
  if (response.ok) return result;
  throw result;
}

/// Runs callback `action` inside the object's call (durable_object.js dispatchObjectFetch).
async function runObjectAction(action, instance, state) {
  try {
    const callback = objectActions.get(action);
    const result = await callback(instance, state);
    if (result instanceof Response) {
      objectActions.set(action, USE_RESPONSE);
      return result;
    }
    objectActions.set(action, result);
    return new Response(null, { status: 204 });
  } catch (e) {
    objectActions.set(action, e);
    return new Response(null, { status: 500 });
  }
}
globalThis[Symbol.for("edgesim.test.objectAction")] = runObjectAction;

async function runInDurableObject(stub, callback) {
  if (!isObjectStub(stub)) throw new TypeError("Failed to execute 'runInDurableObject': parameter 1 is not of type 'DurableObjectStub'.");
  if (typeof callback !== "function") throw new TypeError("Failed to execute 'runInDurableObject': parameter 2 is not of type 'function'.");
  assertSameIsolate(stub);
  return runInStub(stub, callback);
}

/// The pool's alarm run: the object's alarm, if one is set, deleted and its handler called.
async function runAlarm(instance, state) {
  const alarm = await state.storage.getAlarm();
  if (alarm === null) return false;
  await state.storage.deleteAlarm();
  await instance.alarm?.();
  return true;
}

async function runDurableObjectAlarm(stub) {
  if (!isObjectStub(stub)) throw new TypeError("Failed to execute 'runDurableObjectAlarm': parameter 1 is not of type 'DurableObjectStub'.");
  return await runInDurableObject(stub, runAlarm);
}

/// The ids of the namespace's objects that were started (and so have storage), in order;
/// with isolated storage, those of earlier tests are gone.
async function listDurableObjectIds(namespace) {
  if (!isObjectNamespace(namespace)) throw new TypeError("Failed to execute 'listDurableObjectIds': parameter 1 is not of type 'DurableObjectNamespace'.");
  // The pool lists the objects of any class, its own Worker's or another's.
  const ids = ops.testListObjects(objects().namespaceName(namespace));
  return ids.map((id) => namespace.idFromString(id));
}

/// unsafe.c++ parseEvictWebSocketMode: whether hibernatable WebSockets close (else hibernate).
function closesSockets(options) {
  const mode = options?.webSockets;
  if (mode === undefined || mode === "hibernate") return false;
  if (mode === "close") return true;
  throw new TypeError('options.webSockets must be "hibernate" or "close".');
}

async function evictDurableObject(stub, options) {
  if (!isObjectStub(stub)) throw new TypeError("Failed to execute 'evictDurableObject': parameter 1 is not of type 'DurableObjectStub'.");
  const [namespace, id] = objects().stubTarget(stub);
  await core.awaitOp(ops.testObjectControl("evict", [namespace, id], closesSockets(options)));
}

async function evictAllDurableObjects(options) {
  await core.awaitOp(ops.testObjectControl("evictAll", undefined, closesSockets(options)));
}

/// unsafe.c++'s texts: what calls in flight, and stubs connected before, get.
const ABORTED_ALL = "Application called abortAllDurableObjects().";
const DELETED_ALL = "Application called deleteAllDurableObjects().";

async function abortAllDurableObjects() {
  await core.awaitOp(ops.testObjectControl("abortAll", undefined, false));
  objects().breakStubs(ABORTED_ALL, hostedHere);
}

/// The pool's `reset()` is workerd's `deleteAllDurableObjects()`: every object aborted and,
/// since the pool's KV, D1, R2 and caches are Durable Objects too, all the data of every
/// binding deleted.
async function reset() {
  await core.awaitOp(ops.testObjectControl("deleteAll", undefined, false));
  objects().breakStubs(DELETED_ALL, hostedHere);
}
