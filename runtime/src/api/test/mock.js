// ---------- vi: mock functions and spies ----------

const MOCK = Symbol("edgesim.mock");
const allMocks = new Set();

function mockState(fn) {
  const state = typeof fn === "function" ? fn[MOCK] : undefined;
  if (state === undefined) throw new TypeError(`${inspectValue(fn)} is not a spy or a call to a spy!`);
  return state.mock;
}
const mockName = (fn) => fn[MOCK].name;

/// A mock function: records calls, returns what its implementation (or the next `…Once`) does.
function makeMock(implementation, name, restore) {
  const record = {
    mock: { calls: [], results: [], instances: [], contexts: [], invocationCallOrder: [], lastCall: undefined },
    name,
    implementation,
    once: [],
    restore,
  };
  const mock = function (...args) {
    const m = record.mock;
    m.calls.push(args);
    m.lastCall = args;
    m.contexts.push(this);
    m.instances.push(new.target ? this : undefined);
    m.invocationCallOrder.push(++callOrder);
    const impl = record.once.length > 0 ? record.once.shift() : record.implementation;
    const result = { type: "incomplete", value: undefined };
    m.results.push(result);
    try {
      const value = impl === undefined ? undefined : new.target ? Reflect.construct(impl, args, new.target) : impl.apply(this, args);
      result.type = "return";
      result.value = value;
      return value;
    } catch (e) {
      result.type = "throw";
      result.value = e;
      throw e;
    }
  };
  Object.defineProperty(mock, MOCK, { value: record });
  Object.defineProperty(mock, "mock", { get: () => record.mock });
  const chain = (f) => function (...args) { f(...args); return mock; };
  Object.assign(mock, {
    getMockName: () => record.name,
    mockName: chain((n) => { record.name = n; }),
    getMockImplementation: () => record.implementation,
    mockImplementation: chain((f) => { record.implementation = f; }),
    mockImplementationOnce: chain((f) => { record.once.push(f); }),
    mockReturnValue: chain((v) => { record.implementation = () => v; }),
    mockReturnValueOnce: chain((v) => { record.once.push(() => v); }),
    mockResolvedValue: chain((v) => { record.implementation = () => Promise.resolve(v); }),
    mockResolvedValueOnce: chain((v) => { record.once.push(() => Promise.resolve(v)); }),
    mockRejectedValue: chain((v) => { record.implementation = () => Promise.reject(v); }),
    mockRejectedValueOnce: chain((v) => { record.once.push(() => Promise.reject(v)); }),
    mockReturnThis: chain(() => { record.implementation = function () { return this; }; }),
    mockClear: chain(() => {
      record.mock.calls.length = 0;
      record.mock.results.length = 0;
      record.mock.instances.length = 0;
      record.mock.contexts.length = 0;
      record.mock.invocationCallOrder.length = 0;
      record.mock.lastCall = undefined;
    }),
    mockReset: chain(() => {
      mock.mockClear();
      record.implementation = restore ? restore.original : undefined;
      record.once.length = 0;
    }),
    mockRestore: chain(() => {
      mock.mockReset();
      restore?.undo();
      allMocks.delete(mock);
    }),
  });
  allMocks.add(mock);
  return mock;
}
let callOrder = 0;

function spyOn(object, method, accessType) {
  // A global edgesim loads on first use is an accessor until read (engine/lazy_globals.rs).
  if (!accessType && object !== null && object !== undefined) void object[method];
  const descriptor = Object.getOwnPropertyDescriptor(object, method) ??
    (() => {
      for (let p = Object.getPrototypeOf(object); p; p = Object.getPrototypeOf(p)) {
        const d = Object.getOwnPropertyDescriptor(p, method);
        if (d) return d;
      }
      return undefined;
    })();
  if (descriptor === undefined) throw new TypeError(`${String(method)} does not exist`);
  const own = Object.prototype.hasOwnProperty.call(object, method);
  const original = accessType ? descriptor[accessType] : descriptor.value;
  if (!accessType && typeof original !== "function") {
    throw new TypeError(`Cannot spy on a primitive value; ${typeof original} given`);
  }
  const undo = () => {
    if (own) Object.defineProperty(object, method, descriptor);
    else delete object[method];
  };
  const mock = makeMock(original, String(method), { original, undo });
  Object.defineProperty(object, method, accessType
    ? { ...descriptor, [accessType]: mock, configurable: true }
    : { ...descriptor, value: mock, configurable: true, writable: true });
  return mock;
}

const vi = {
  fn: (implementation) => makeMock(implementation, "vi.fn()", null),
  spyOn,
  isMockFunction: (fn) => typeof fn === "function" && MOCK in fn,
  mocked: (v) => v,
  clearAllMocks() { for (const m of allMocks) m.mockClear(); return vi; },
  resetAllMocks() { for (const m of allMocks) m.mockReset(); return vi; },
  restoreAllMocks() { for (const m of [...allMocks]) if (m[MOCK].restore) m.mockRestore(); return vi; },
  async waitFor(callback, options = {}) {
    const timeout = typeof options === "number" ? options : options.timeout ?? 1000;
    const interval = typeof options === "number" ? 50 : options.interval ?? 50;
    const start = Date.now();
    for (;;) {
      try {
        return await callback();
      } catch (e) {
        if (Date.now() - start >= timeout) throw e;
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    }
  },
  async waitUntil(callback, options = {}) {
    const timeout = typeof options === "number" ? options : options.timeout ?? 1000;
    const interval = typeof options === "number" ? 50 : options.interval ?? 50;
    const start = Date.now();
    for (;;) {
      const value = await callback();
      if (value) return value;
      if (Date.now() - start >= timeout) throw new Error("Timed out in waitUntil!");
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  },
};
