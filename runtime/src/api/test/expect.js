// ---------- expect: vitest's assertion API ----------
//
// Each matcher throws an AssertionError carrying `expected`/`actual` and `showDiff`, which the
// runner turns into vitest's "- Expected / + Received" diff. Messages are chai's, as vitest's
// are ("expected 2 to be 3 // Object.is equality").

class AssertionError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = "AssertionError";
    if ("expected" in details) {
      this.expected = details.expected;
      this.actual = details.actual;
      this.showDiff = details.showDiff !== false;
    }
  }
}

/// What the running test's assertions count against (set by the runner for each test).
const assertionState = { calls: 0, expected: null, hasAssertions: false };

const customMatchers = Object.create(null);

function typeName(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "Array";
  return typeof v === "object" ? Object.prototype.toString.call(v).slice(8, -1) : typeof v;
}

function lengthOf(v) {
  if (v === null || v === undefined || typeof v.length !== "number") {
    throw new TypeError(`${inspectValue(v)} does not have property 'length'`);
  }
  return v.length;
}

function propertyPath(path) {
  if (Array.isArray(path)) return path;
  const parts = [];
  String(path).replace(/\[(\d+)\]|([^.[\]]+)/g, (_, index, key) => parts.push(index ?? key));
  return parts;
}

function thrownBy(fn) {
  if (typeof fn !== "function") throw new TypeError(`${inspectValue(fn)} is not a function`);
  try {
    fn();
  } catch (e) {
    return { threw: true, error: e };
  }
  return { threw: false };
}

function errorMatches(error, expected) {
  if (expected === undefined) return true;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof expected === "string") return message.includes(expected);
  if (expected instanceof RegExp) return expected.test(message);
  if (typeof expected === "function") return error instanceof expected;
  if (expected instanceof Error) return message === expected.message;
  if (isAsymmetric(expected)) return expected.asymmetricMatch(error);
  if (typeof expected === "object") return subsetEquals(error, expected);
  return false;
}

/// The matchers: each gets `this` = { actual, not, fail(msg, details) } and returns nothing.
const MATCHERS = {
  toBe(expected) {
    const pass = Object.is(this.actual, expected);
    this.check(pass, `expected ${inspectValue(this.actual)} to be ${inspectValue(expected)} // Object.is equality`,
      `expected ${inspectValue(this.actual)} not to be ${inspectValue(expected)} // Object.is equality`, expected);
  },
  toEqual(expected) {
    this.check(equals(this.actual, expected), `expected ${inspectValue(this.actual)} to deeply equal ${inspectValue(expected)}`,
      `expected ${inspectValue(this.actual)} to not deeply equal ${inspectValue(expected)}`, expected);
  },
  toStrictEqual(expected) {
    this.check(equals(this.actual, expected, true), `expected ${inspectValue(this.actual)} to strictly equal ${inspectValue(expected)}`,
      `expected ${inspectValue(this.actual)} to not strictly equal ${inspectValue(expected)}`, expected);
  },
  toMatchObject(expected) {
    this.check(subsetEquals(this.actual, expected), `expected ${inspectValue(this.actual)} to match object ${inspectValue(expected)}`,
      `expected ${inspectValue(this.actual)} to not match object ${inspectValue(expected)}`, expected);
  },
  toBeTruthy() { this.check(!!this.actual, `expected ${inspectValue(this.actual)} to be truthy`, `expected ${inspectValue(this.actual)} to not be truthy`); },
  toBeFalsy() { this.check(!this.actual, `expected ${inspectValue(this.actual)} to be falsy`, `expected ${inspectValue(this.actual)} to not be falsy`); },
  toBeNull() { this.check(this.actual === null, `expected ${inspectValue(this.actual)} to be null`, `expected ${inspectValue(this.actual)} not to be null`); },
  toBeUndefined() { this.check(this.actual === undefined, `expected ${inspectValue(this.actual)} to be undefined`, `expected ${inspectValue(this.actual)} not to be undefined`); },
  toBeDefined() { this.check(this.actual !== undefined, `expected ${inspectValue(this.actual)} to be defined`, `expected ${inspectValue(this.actual)} to be undefined`); },
  toBeNaN() { this.check(Number.isNaN(this.actual), `expected ${inspectValue(this.actual)} to be NaN`, `expected ${inspectValue(this.actual)} not to be NaN`); },
  toBeTypeOf(type) { this.check(typeof this.actual === type, `expected ${inspectValue(this.actual)} to be type of '${type}'`, `expected ${inspectValue(this.actual)} not to be type of '${type}'`); },
  toBeInstanceOf(ctor) {
    this.check(this.actual instanceof ctor, `expected ${inspectValue(this.actual)} to be an instance of ${ctor?.name}`,
      `expected ${inspectValue(this.actual)} not to be an instance of ${ctor?.name}`);
  },
  toBeGreaterThan(n) { this.compare(this.actual > n, "greater than", n); },
  toBeGreaterThanOrEqual(n) { this.compare(this.actual >= n, "greater than or equal to", n); },
  toBeLessThan(n) { this.compare(this.actual < n, "less than", n); },
  toBeLessThanOrEqual(n) { this.compare(this.actual <= n, "less than or equal to", n); },
  toBeCloseTo(n, digits = 2) {
    const pass = Math.abs(n - this.actual) < 10 ** -digits / 2 || (this.actual === Infinity && n === Infinity);
    this.check(pass, `expected ${inspectValue(this.actual)} to be close to ${inspectValue(n)}, received difference is ${Math.abs(n - this.actual)}, but expected ${10 ** -digits / 2}`,
      `expected ${inspectValue(this.actual)} not to be close to ${inspectValue(n)}`);
  },
  toContain(item) {
    const a = this.actual;
    const pass = typeof a === "string" ? a.includes(String(item)) : a !== null && a !== undefined && Array.from(a).includes(item);
    this.check(pass, `expected ${inspectValue(a)} to include ${inspectValue(item)}`, `expected ${inspectValue(a)} to not include ${inspectValue(item)}`);
  },
  toContainEqual(item) {
    const pass = Array.from(this.actual).some((v) => equals(v, item));
    this.check(pass, `expected ${inspectValue(this.actual)} to deep equally contain ${inspectValue(item)}`,
      `expected ${inspectValue(this.actual)} to not deep equally contain ${inspectValue(item)}`);
  },
  toHaveLength(n) {
    const length = lengthOf(this.actual);
    this.check(length === n, `expected ${inspectValue(this.actual)} to have a length of ${n} but got ${length}`,
      `expected ${inspectValue(this.actual)} to not have a length of ${n}`);
  },
  toHaveProperty(path, ...value) {
    let at = this.actual;
    let found = true;
    for (const key of propertyPath(path)) {
      if (at === null || at === undefined || !(key in Object(at))) { found = false; break; }
      at = at[key];
    }
    const pass = found && (value.length === 0 || equals(at, value[0]));
    const shown = Array.isArray(path) ? path.join(".") : path;
    const withValue = value.length === 0 ? "" : ` of ${inspectValue(value[0])}`;
    this.check(pass, `expected ${inspectValue(this.actual)} to have property "${shown}"${withValue}`,
      `expected ${inspectValue(this.actual)} to not have property "${shown}"${withValue}`,
      value.length === 0 ? undefined : value[0], at, value.length > 0 && found);
  },
  toMatch(pattern) {
    const a = this.actual;
    if (typeof a !== "string") throw new TypeError(`.toMatch() expects to receive a string, but got ${typeName(a)}`);
    const pass = typeof pattern === "string" ? a.includes(pattern) : pattern.test(a);
    const shown = typeof pattern === "string" ? `include ${inspectValue(pattern)}` : `match ${String(pattern)}`;
    this.check(pass, `expected ${inspectValue(a)} to ${shown}`, `expected ${inspectValue(a)} not to ${shown}`);
  },
  toThrow(expected) {
    // A promise that resolved to something other than a function threw nothing: `.not`
    // passes, and without it vitest's own text fails.
    if (this.promise === "resolves" && typeof this.actual !== "function") {
      return this.check(false, "expected promise to throw an error, but it didn't", "");
    }
    if (this.promise === "rejects") {
      return this.check(errorMatches(this.actual, expected), `expected promise to reject with ${inspectValue(expected)}`,
        `expected promise not to reject with ${inspectValue(expected)}`);
    }
    const { threw, error } = thrownBy(this.actual);
    const pass = threw && errorMatches(error, expected);
    const what = expected === undefined ? "an error" : typeof expected === "function" ? `${expected.name}` : inspectValue(expected);
    const got = threw ? `, but got ${inspectValue(error)}` : "";
    this.check(pass, `expected [Function] to throw ${what}${expected === undefined ? "" : got}`,
      `expected [Function] to not throw ${what}${got}`);
  },
  toThrowError(expected) { return MATCHERS.toThrow.call(this, expected); },
  toSatisfy(predicate, message) {
    this.check(predicate(this.actual), message ?? `expected ${inspectValue(this.actual)} to satisfy ${inspectValue(predicate)}`,
      message ?? `expected ${inspectValue(this.actual)} to not satisfy ${inspectValue(predicate)}`);
  },
  toBeOneOf(list) {
    this.check(list.some((v) => equals(this.actual, v)), `expected ${inspectValue(this.actual)} to be one of ${inspectValue(list)}`,
      `expected ${inspectValue(this.actual)} not to be one of ${inspectValue(list)}`);
  },
};

/// Matchers of vi.fn() mocks and spies (mock.js fills `mockState`).
const MOCK_MATCHERS = {
  toHaveBeenCalled() {
    const calls = mockState(this.actual).calls;
    this.check(calls.length > 0, `expected "${mockName(this.actual)}" to be called at least once`,
      `expected "${mockName(this.actual)}" to not be called at all, but actually been called ${calls.length} times`);
  },
  toHaveBeenCalledTimes(n) {
    const calls = mockState(this.actual).calls;
    this.check(calls.length === n, `expected "${mockName(this.actual)}" to be called ${n} times, but got ${calls.length} times`,
      `expected "${mockName(this.actual)}" to not be called ${n} times`);
  },
  toHaveBeenCalledOnce() { MOCK_MATCHERS.toHaveBeenCalledTimes.call(this, 1); },
  toHaveBeenCalledWith(...args) {
    const calls = mockState(this.actual).calls;
    this.check(calls.some((c) => equals(c, args)), `expected "${mockName(this.actual)}" to be called with arguments: ${inspectValue(args)}`,
      `expected "${mockName(this.actual)}" to not be called with arguments: ${inspectValue(args)}`, args, calls[calls.length - 1], calls.length > 0);
  },
  toHaveBeenLastCalledWith(...args) {
    const calls = mockState(this.actual).calls;
    const last = calls[calls.length - 1];
    this.check(last !== undefined && equals(last, args), `expected last "${mockName(this.actual)}" call to have been called with ${inspectValue(args)}`,
      `expected last "${mockName(this.actual)}" call to not have been called with ${inspectValue(args)}`, args, last, last !== undefined);
  },
  toHaveBeenNthCalledWith(n, ...args) {
    const call = mockState(this.actual).calls[n - 1];
    this.check(call !== undefined && equals(call, args), `expected ${n}th "${mockName(this.actual)}" call to have been called with ${inspectValue(args)}`,
      `expected ${n}th "${mockName(this.actual)}" call to not have been called with ${inspectValue(args)}`, args, call, call !== undefined);
  },
  toHaveReturned() {
    const results = mockState(this.actual).results;
    this.check(results.some((r) => r.type === "return"), `expected "${mockName(this.actual)}" to be successfully called at least once`,
      `expected "${mockName(this.actual)}" to not be successfully called`);
  },
  toHaveReturnedWith(value) {
    const results = mockState(this.actual).results;
    this.check(results.some((r) => r.type === "return" && equals(r.value, value)),
      `expected "${mockName(this.actual)}" to return with: ${inspectValue(value)} at least once`,
      `expected "${mockName(this.actual)}" to not return with: ${inspectValue(value)}`);
  },
};
MOCK_MATCHERS.toBeCalled = MOCK_MATCHERS.toHaveBeenCalled;
MOCK_MATCHERS.toBeCalledTimes = MOCK_MATCHERS.toHaveBeenCalledTimes;
MOCK_MATCHERS.toBeCalledWith = MOCK_MATCHERS.toHaveBeenCalledWith;
MOCK_MATCHERS.lastCalledWith = MOCK_MATCHERS.toHaveBeenLastCalledWith;

/// Snapshot matchers: the runner's snapshot state decides (runner.js).
const SNAPSHOT_MATCHERS = {
  toMatchSnapshot(properties, hint) {
    if (typeof properties === "string") [properties, hint] = [undefined, properties];
    this.snapshot({ received: this.actual, properties, hint });
  },
  toMatchInlineSnapshot(properties, inline) {
    if (typeof properties === "string") [properties, inline] = [undefined, properties];
    this.snapshot({ received: this.actual, properties, inline, isInline: true });
  },
  toThrowErrorMatchingSnapshot(hint) {
    this.snapshot({ received: thrownMessage(this), hint });
  },
  toThrowErrorMatchingInlineSnapshot(inline) {
    this.snapshot({ received: thrownMessage(this), inline, isInline: true });
  },
};

function thrownMessage(assertion) {
  const error = assertion.promise === "rejects" ? assertion.actual : thrownBy(assertion.actual).error;
  // pretty-format prints an error as `[${Error.prototype.toString.call(error)}]`.
  if (error instanceof Error) return new SnapshotText(`[${Error.prototype.toString.call(error)}]`);
  return error;
}

/// A value a snapshot stores as written (an error message), not as pretty-format prints it.
class SnapshotText {
  constructor(text) { this.text = text; }
}

/// One `expect(actual)` chain: `.not`, `.resolves` and `.rejects` make new chains.
function makeAssertion(actual, flags) {
  const chain = {};
  const run = (name, matcher, args) => {
    assertionState.calls++;
    const state = {
      actual,
      not: flags.not,
      promise: flags.promise,
      check(pass, message, negated, expected, received = actual, showDiff = true) {
        if (pass === flags.not) {
          const details = arguments.length >= 4 && !flags.not && showDiff ? { expected, actual: received } : {};
          const error = new AssertionError(flags.message ? `${flags.message}: ${flags.not ? negated : message}` : flags.not ? negated : message, details);
          throw error;
        }
      },
      compare(pass, words, n) {
        this.check(pass, `expected ${inspectValue(actual)} to be ${words} ${inspectValue(n)}`,
          `expected ${inspectValue(actual)} not to be ${words} ${inspectValue(n)}`);
      },
      snapshot(request) {
        if (flags.not) throw new Error(`${name} cannot be used with "not"`);
        const outcome = testRun.matchSnapshot(request);
        if (!outcome.pass) throw new AssertionError(outcome.message, { expected: outcome.expected, actual: outcome.actual });
      },
    };
    return matcher.apply(state, args);
  };
  const all = { ...MATCHERS, ...MOCK_MATCHERS, ...SNAPSHOT_MATCHERS, ...customMatcherMethods() };
  for (const [name, matcher] of Object.entries(all)) {
    // `.resolves`/`.rejects`: settle first, then run the matcher on the value.
    chain[name] = (...args) => {
      if (flags.promise === null || flags.settled) return run(name, matcher, args);
      return settle(actual, flags.promise).then((value) => makeAssertion(value, { ...flags, settled: true })[name](...args));
    };
  }
  Object.defineProperty(chain, "not", { get: () => makeAssertion(actual, { ...flags, not: !flags.not }) });
  Object.defineProperty(chain, "resolves", { get: () => makeAssertion(actual, { ...flags, promise: "resolves" }) });
  Object.defineProperty(chain, "rejects", { get: () => makeAssertion(actual, { ...flags, promise: "rejects" }) });
  return chain;
}

function settle(actual, how) {
  const promise = typeof actual === "function" ? actual() : actual;
  if (!promise || typeof promise.then !== "function") {
    return Promise.reject(new TypeError(`You must provide a Promise to expect() when using .${how}, not '${typeof promise}'.`));
  }
  if (how === "resolves") {
    return promise.then((v) => v, (e) => {
      throw new AssertionError(`promise rejected "${inspectValue(e)}" instead of resolving`);
    });
  }
  return promise.then((v) => {
    throw new AssertionError(`promise resolved "${inspectValue(v)}" instead of rejecting`);
  }, (e) => e);
}

function customMatcherMethods() {
  const out = {};
  for (const [name, fn] of Object.entries(customMatchers)) {
    out[name] = function (...args) {
      const result = fn.call({ isNot: this.not, equals, utils: { printReceived: inspectValue, printExpected: inspectValue } }, this.actual, ...args);
      const decide = (r) => {
        const message = typeof r.message === "function" ? r.message() : r.message ?? `${name} failed`;
        this.check(r.pass, message, message);
      };
      return result && typeof result.then === "function" ? result.then(decide) : decide(result);
    };
  }
  return out;
}

// ---------- asymmetric matchers ----------

class AsymmetricMatcher {
  constructor(sample, inverse = false) { this.sample = sample; this.inverse = inverse; }
  asymmetricMatch(other) { return this.matches(other) !== this.inverse; }
  toAsymmetricMatcher(print) { return `${this.inverse ? "Not" : ""}${this.name}${this.sample === undefined ? "" : ` ${print(this.sample)}`}`; }
}
class Anything extends AsymmetricMatcher {
  get name() { return "Anything"; }
  matches(v) { return v !== null && v !== undefined; }
  toAsymmetricMatcher() { return "Anything"; }
}
class Any extends AsymmetricMatcher {
  get name() { return "Any"; }
  matches(v) {
    const s = this.sample;
    if (s === String) return typeof v === "string" || v instanceof String;
    if (s === Number) return typeof v === "number" || v instanceof Number;
    if (s === Boolean) return typeof v === "boolean" || v instanceof Boolean;
    if (s === BigInt) return typeof v === "bigint";
    if (s === Symbol) return typeof v === "symbol";
    if (s === Function) return typeof v === "function";
    if (s === Object) return typeof v === "object" && v !== null;
    return v instanceof s;
  }
  toAsymmetricMatcher() { return `Any<${this.sample?.name}>`; }
}
class StringContaining extends AsymmetricMatcher {
  get name() { return "StringContaining"; }
  matches(v) { return typeof v === "string" && v.includes(this.sample); }
}
class StringMatching extends AsymmetricMatcher {
  get name() { return "StringMatching"; }
  matches(v) { return typeof v === "string" && new RegExp(this.sample).test(v); }
}
class ObjectContaining extends AsymmetricMatcher {
  get name() { return "ObjectContaining"; }
  matches(v) {
    if (v === null || typeof v !== "object") return false;
    return Object.keys(this.sample).every((k) => k in v && equals(v[k], this.sample[k]));
  }
}
class ArrayContaining extends AsymmetricMatcher {
  get name() { return "ArrayContaining"; }
  matches(v) { return Array.isArray(v) && this.sample.every((s) => v.some((x) => equals(x, s))); }
}
class CloseTo extends AsymmetricMatcher {
  constructor(sample, digits = 2, inverse = false) { super(sample, inverse); this.digits = digits; }
  get name() { return "NumberCloseTo"; }
  matches(v) { return typeof v === "number" && Math.abs(v - this.sample) < 10 ** -this.digits / 2; }
}

function expect(actual, message) {
  return makeAssertion(actual, { not: false, promise: null, message });
}
expect.soft = expect;
expect.anything = () => new Anything();
expect.any = (ctor) => new Any(ctor);
expect.stringContaining = (s) => new StringContaining(s);
expect.stringMatching = (s) => new StringMatching(s);
expect.objectContaining = (o) => new ObjectContaining(o);
expect.arrayContaining = (a) => new ArrayContaining(a);
expect.closeTo = (n, digits) => new CloseTo(n, digits);
expect.not = {
  stringContaining: (s) => new StringContaining(s, true),
  stringMatching: (s) => new StringMatching(s, true),
  objectContaining: (o) => new ObjectContaining(o, true),
  arrayContaining: (a) => new ArrayContaining(a, true),
  closeTo: (n, digits) => new CloseTo(n, digits, true),
};
expect.assertions = (n) => { assertionState.expected = n; };
expect.hasAssertions = () => { assertionState.hasAssertions = true; };
expect.extend = (matchers) => { Object.assign(customMatchers, matchers); };
expect.getState = () => ({ assertionCalls: assertionState.calls, currentTestName: testRun.currentName() });
expect.unreachable = (message) => {
  throw new AssertionError(`expected "${message ?? "this code"}" not to be reached`);
};
