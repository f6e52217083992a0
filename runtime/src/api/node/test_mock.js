// node_test: node:test as workerd gives it: the test runner's `mock` tracker (functions,
// methods, getters and setters that record their calls and can be re-implemented, call by call,
// and restored). There are no mock timers, as in workerd.

const { codes, validate } = core.unit("node_internal");

function defaultImplementation() {}
const EMPTY = Object.freeze(Object.create(null));

function validateTimes(value, name) {
  if (value !== Infinity) validate.integer(value, name, 1);
}

/// `mock` on each mock function: its calls, and the implementation each next call runs.
class MockFunctionContext {
  #calls = [];
  /// One-off implementations, by the index of the call they are for.
  #once = new Map();
  #implementation;
  #restore;
  #times;

  constructor(implementation, restore, times) {
    this.#implementation = implementation;
    this.#restore = restore;
    this.#times = times;
  }

  get calls() { return this.#calls.slice(0); }
  callCount() { return this.#calls.length; }
  mockImplementation(implementation) {
    validate.function(implementation, "implementation");
    this.#implementation = implementation;
  }
  mockImplementationOnce(implementation, onCall) {
    validate.function(implementation, "implementation");
    const nextCall = this.#calls.length;
    const call = onCall ?? nextCall;
    validate.integer(call, "onCall", nextCall);
    this.#once.set(call, implementation);
  }
  /// A method mock puts the original property back; a function mock calls the original again.
  restore() {
    const { descriptor, object, original, methodName } = this.#restore;
    if (typeof methodName === "string") Object.defineProperty(object, methodName, descriptor);
    else this.#implementation = original;
  }
  resetCalls() { this.#calls = []; }

  static record(context, call) { context.#calls.push(call); }
  /// The implementation the next call runs; the last of `times` calls restores the original.
  static next(context) {
    const nextCall = context.#calls.length;
    const implementation = context.#once.get(nextCall) ?? context.#implementation;
    if (nextCall + 1 === context.#times) context.restore();
    context.#once.delete(nextCall);
    return implementation;
  }
}
const { record, next } = MockFunctionContext;
delete MockFunctionContext.record;
delete MockFunctionContext.next;

/// Runs `invoke` with the next implementation and records the call, thrown or returned.
function tracked(context, invoke, describe) {
  const implementation = next(context);
  let result;
  let error;
  try {
    result = invoke(implementation);
  } catch (e) {
    error = e;
    throw e;
  } finally {
    record(context, { __proto__: null, arguments: describe.args, error, result, stack: new Error(),
      target: describe.target, this: describe.target === undefined ? describe.thisArg : result });
  }
  return result;
}

function findDescriptor(object, name) {
  for (let host = object; host !== null; host = Object.getPrototypeOf(host)) {
    const descriptor = Object.getOwnPropertyDescriptor(host, name);
    if (descriptor) return descriptor;
  }
  return undefined;
}

class MockTracker {
  #mocks = [];

  fn(original = function () {}, implementation = original, options = EMPTY) {
    if (original !== null && typeof original === "object") {
      options = original;
      original = function () {};
      implementation = original;
    } else if (implementation !== null && typeof implementation === "object") {
      options = implementation;
      implementation = original;
    }
    validate.function(original, "original");
    validate.function(implementation, "implementation");
    validate.object(options, "options");
    const { times = Infinity } = options;
    validateTimes(times, "options.times");
    const context = new MockFunctionContext(implementation, { __proto__: null, original }, times);
    return this.#mockOf(context, original);
  }

  method(objectOrFunction, methodName, implementation = defaultImplementation, options = EMPTY) {
    if (typeof methodName !== "string" && typeof methodName !== "symbol") {
      throw codes.ERR_INVALID_ARG_TYPE("methodName", ["string", "symbol"], methodName);
    }
    if (typeof objectOrFunction !== "function") validate.object(objectOrFunction, "object");
    if (implementation !== null && typeof implementation === "object") {
      options = implementation;
      implementation = defaultImplementation;
    }
    validate.function(implementation, "implementation");
    validate.object(options, "options");
    const { getter = false, setter = false, times = Infinity } = options;
    validate.boolean(getter, "options.getter");
    validate.boolean(setter, "options.setter");
    validateTimes(times, "options.times");
    if (setter && getter) {
      throw codes.ERR_INVALID_ARG_VALUE("options.setter", setter, "cannot be used with 'options.getter'");
    }
    const descriptor = findDescriptor(objectOrFunction, methodName);
    const original = getter ? descriptor?.get : setter ? descriptor?.set : descriptor?.value;
    if (typeof original !== "function") throw codes.ERR_INVALID_ARG_VALUE("methodName", original, "must be a method");
    const restore = { __proto__: null, descriptor, object: objectOrFunction, methodName };
    const impl = implementation === defaultImplementation ? original : implementation;
    const mock = this.#mockOf(new MockFunctionContext(impl, restore, times), original);
    const replacement = { __proto__: null, configurable: descriptor.configurable, enumerable: descriptor.enumerable };
    if (getter) Object.assign(replacement, { get: mock, set: descriptor.set });
    else if (setter) Object.assign(replacement, { get: descriptor.get, set: mock });
    else Object.assign(replacement, { writable: descriptor.writable, value: mock });
    Object.defineProperty(objectOrFunction, methodName, replacement);
    return mock;
  }

  getter(object, methodName, implementation = defaultImplementation, options = EMPTY) {
    return this.#accessor("getter", object, methodName, implementation, options);
  }

  setter(object, methodName, implementation = defaultImplementation, options = EMPTY) {
    return this.#accessor("setter", object, methodName, implementation, options);
  }

  reset() {
    this.restoreAll();
    this.#mocks = [];
  }

  restoreAll() {
    for (const context of this.#mocks) MockFunctionContext.prototype.restore.call(context);
  }

  #accessor(kind, object, methodName, implementation, options) {
    if (implementation !== null && typeof implementation === "object") {
      options = implementation;
      implementation = defaultImplementation;
    } else {
      validate.object(options, "options");
    }
    const { [kind]: enabled = true } = options;
    if (enabled === false) throw codes.ERR_INVALID_ARG_VALUE(`options.${kind}`, enabled, "cannot be false");
    return this.method(object, methodName, implementation, { __proto__: null, ...options, [kind]: enabled });
  }

  #mockOf(context, original) {
    const mock = new Proxy(original, {
      __proto__: null,
      apply: (_, thisArg, args) =>
        tracked(context, (f) => Reflect.apply(f, thisArg, args), { args, thisArg, target: undefined }),
      construct: (target, args, newTarget) =>
        tracked(context, (f) => Reflect.construct(f, args, newTarget), { args, target }),
      get: (target, property, receiver) => (property === "mock" ? context : Reflect.get(target, property, receiver)),
    });
    this.#mocks.push(context);
    return mock;
  }
}

const mock = new MockTracker();
const test = { mock, MockFunctionContext, MockTracker };
return { ...test, default: test };
