// ---------- vi.mock: modules replaced for the test file (engine/modules/mocks.rs) ----------
//
// A test file's top-level `vi.mock`/`vi.unmock`/`vi.hoisted` calls run first (the loader
// hoists them, as vitest does), then `ready()` makes every registered mock, then the file's
// imports load, with the mocked modules replaced wherever the file's own graph imports them.

/// Module name -> { path, factory, spy, exports } of each registered mock, in order.
const moduleMocks = new Map();
/// The file whose hoisted calls run now: `vi.mock` paths resolve against it.
let mockingFile = null;

const mockTarget = (path) => ops.viResolve(mockingFile ?? testRun.options.file, String(path));
const importActual = (module) => ops.testImport("edgesim:actual/" + module);

function registerMock(path, factoryOrOptions) {
  if (typeof path !== "string") throw new TypeError(`vi.mock() expects a string path, got ${typeof path}`);
  const module = mockTarget(path);
  ops.viMockRegister(mockingFile ?? testRun.options.file, module);
  const factory = typeof factoryOrOptions === "function" ? factoryOrOptions : undefined;
  moduleMocks.set(module, { path, factory, spy: factoryOrOptions?.spy === true, exports: undefined });
}

/// What the mock of `module` exports: the factory's object, a `__mocks__` file, or the real
/// module automocked (functions become `vi.fn()`, arrays empty, objects and classes mocked
/// deeply; with `{ spy: true }` every function keeps its implementation and records calls).
async function makeModuleMock(module, mock) {
  if (mock.factory !== undefined) {
    const made = await mock.factory(() => importActual(module));
    if (made === null || typeof made !== "object") {
      throw new Error(`[vitest] vi.mock("${mock.path}", factory?) is not returning an object. Did you mean to return an object with a "default" key?`);
    }
    return made;
  }
  const manual = ops.viManualMock(module, mock.path);
  if (!mock.spy && manual !== undefined) return { ...(await importActual(manual)) };
  return automock(await importActual(module), mock.spy);
}

function automock(namespace, spy) {
  const seen = new Map();
  const out = {};
  for (const key of Object.keys(namespace)) out[key] = automockValue(namespace[key], spy, seen);
  return out;
}

function automockValue(value, spy, seen) {
  if (Array.isArray(value)) return [];
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  if (seen.has(value)) return seen.get(value);
  if (typeof value === "function") {
    if (MOCK in value) return value;
    const fn = makeMock(spy ? value : undefined, value.name || "spy", null);
    seen.set(value, fn);
    if (value.prototype !== undefined) {
      const proto = automockObject(value.prototype, spy, seen, Object.create(Object.getPrototypeOf(value.prototype)));
      Object.defineProperty(proto, "constructor", { value: fn, writable: true, configurable: true });
      fn.prototype = proto;
    }
    for (const key of Object.getOwnPropertyNames(value)) {
      if (key === "length" || key === "name" || key === "prototype" || key === "caller" || key === "arguments") continue;
      const d = Object.getOwnPropertyDescriptor(value, key);
      if ("value" in d) fn[key] = automockValue(d.value, spy, seen);
    }
    return fn;
  }
  return automockObject(value, spy, seen, Object.create(Object.getPrototypeOf(value)));
}

function automockObject(object, spy, seen, into) {
  seen.set(object, into);
  for (const key of Reflect.ownKeys(object)) {
    if (key === "constructor") continue;
    const d = Object.getOwnPropertyDescriptor(object, key);
    if ("value" in d) {
      Object.defineProperty(into, key, { ...d, value: automockValue(d.value, spy, seen), writable: true, configurable: true });
    }
  }
  return into;
}

/// Makes every mock registered and not made yet, and tells the loader what each exports.
async function mocksReady() {
  for (const [module, mock] of moduleMocks) {
    if (mock.exports !== undefined) continue;
    mock.exports = await makeModuleMock(module, mock);
    const names = Object.keys(mock.exports);
    ops.viMockExports(module, names);
  }
}

globalThis[Symbol.for("edgesim.vi.file")] = (file) => { mockingFile = file; };
globalThis[Symbol.for("edgesim.vi.ready")] = mocksReady;
globalThis[Symbol.for("edgesim.vi.mockExports")] = (module) => moduleMocks.get(module)?.exports ?? {};

function unregisterMock(path) {
  const module = mockTarget(path);
  ops.viUnmock(module);
  moduleMocks.delete(module);
}

Object.assign(vi, {
  mock: registerMock,
  unmock: unregisterMock,
  /// Not hoisted: the imports after it (a dynamic `import()` waits for its factory) get the
  /// mock; what was imported before keeps the real module, as in vitest.
  doMock: registerMock,
  doUnmock: unregisterMock,
  /// What is imported from now on loads afresh (its module state new); the mocks stay.
  resetModules() {
    ops.viResetModules();
    for (const mock of moduleMocks.values()) mock.exports = undefined;
    return vi;
  },
  hoisted: (factory) => factory(),
  importActual: (path) => importActual(mockTarget(path)),
  async importMock(path) {
    const module = mockTarget(path);
    return automock(await importActual(module), false);
  },
});
