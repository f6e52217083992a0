// ---------- `assert` from vitest: chai's assert interface ----------
//
// Each check fails with chai's message ("expected 1 to equal 2"), after the caller's own
// message and ": " when one is given, as an AssertionError carrying actual and expected.

/// chai's article for a type name: "an object", "a string".
const article = (type) => (/^[aeiou]/i.test(type) ? "an" : "a");

/// chai's `type-detect` name of `value` ("null", "array", "regexp", …).
function chaiType(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const tag = Object.prototype.toString.call(value).slice(8, -1).toLowerCase();
  return typeof value === "object" || typeof value === "function" ? tag : typeof value;
}

/// A check: `pass`, or an AssertionError with `text` (and the caller's `message` before it).
function check(pass, text, message, details) {
  if (pass) return;
  throw new AssertionError(message ? `${message}: ${text}` : text, details);
}

const show = (v) => inspectValue(v);
const diff = (actual, expected) => ({ actual, expected });

/// chai 5's `a(type)`: "function" takes async and generator functions too.
const FUNCTION_KINDS = ["function", "asyncfunction", "generatorfunction", "asyncgeneratorfunction"];
const isType = (type, value) => (type === "function" ? FUNCTION_KINDS.includes(chaiType(value)) : chaiType(value) === type);

function isA(type, value, message) {
  check(isType(type, value), `expected ${show(value)} to be ${article(type)} ${type}`, message);
}
function isNotA(type, value, message) {
  check(!isType(type, value), `expected ${show(value)} not to be ${article(type)} ${type}`, message);
}

function throwsCheck(fn, expected, message) {
  const { threw, error } = thrownBy(fn);
  check(threw, `expected ${show(fn)} to throw an error`, message);
  if (expected === undefined) return error;
  check(errorMatches(error, expected), `expected ${show(fn)} to throw ${show(expected)} but ${show(error)} was thrown`, message);
  return error;
}

const assert = Object.assign(
  (value, message) => check(!!value, "expected value to be truthy", message ?? "Unspecified AssertionError"),
  {
    fail: (message) => { throw new AssertionError(message ?? "assert.fail()"); },
    ok: (v, m) => check(!!v, `expected ${show(v)} to be truthy`, m),
    isOk: (v, m) => check(!!v, `expected ${show(v)} to be truthy`, m),
    notOk: (v, m) => check(!v, `expected ${show(v)} to be falsy`, m),
    isNotOk: (v, m) => check(!v, `expected ${show(v)} to be falsy`, m),
    // eslint-disable-next-line eqeqeq
    equal: (a, e, m) => check(a == e, `expected ${show(a)} to equal ${show(e)}`, m, diff(a, e)),
    // eslint-disable-next-line eqeqeq
    notEqual: (a, e, m) => check(a != e, `expected ${show(a)} to not equal ${show(e)}`, m),
    strictEqual: (a, e, m) => check(a === e, `expected ${show(a)} to equal ${show(e)}`, m, diff(a, e)),
    notStrictEqual: (a, e, m) => check(a !== e, `expected ${show(a)} to not equal ${show(e)}`, m),
    deepEqual: (a, e, m) => check(equals(a, e, true), `expected ${show(a)} to deeply equal ${show(e)}`, m, diff(a, e)),
    deepStrictEqual: (a, e, m) => check(equals(a, e, true), `expected ${show(a)} to deeply equal ${show(e)}`, m, diff(a, e)),
    notDeepEqual: (a, e, m) => check(!equals(a, e, true), `expected ${show(a)} to not deeply equal ${show(e)}`, m),
    isTrue: (v, m) => check(v === true, `expected ${show(v)} to be true`, m),
    isNotTrue: (v, m) => check(v !== true, `expected ${show(v)} to not be true`, m),
    isFalse: (v, m) => check(v === false, `expected ${show(v)} to be false`, m),
    isNotFalse: (v, m) => check(v !== false, `expected ${show(v)} to not be false`, m),
    isNull: (v, m) => check(v === null, `expected ${show(v)} to equal null`, m),
    isNotNull: (v, m) => check(v !== null, `expected ${show(v)} to not equal null`, m),
    isUndefined: (v, m) => check(v === undefined, `expected ${show(v)} to equal undefined`, m),
    isDefined: (v, m) => check(v !== undefined, `expected ${show(v)} to not equal undefined`, m),
    exists: (v, m) => check(v !== null && v !== undefined, `expected ${show(v)} to exist`, m),
    notExists: (v, m) => check(v === null || v === undefined, `expected ${show(v)} to not exist`, m),
    isNaN: (v, m) => check(Number.isNaN(v), `expected ${show(v)} to be NaN`, m),
    isNotNaN: (v, m) => check(!Number.isNaN(v), `expected ${show(v)} not to be NaN`, m),
    typeOf: (v, type, m) => isA(type, v, m),
    notTypeOf: (v, type, m) => isNotA(type, v, m),
    instanceOf: (v, ctor, m) => check(v instanceof ctor, `expected ${show(v)} to be an instance of ${ctor?.name}`, m),
    notInstanceOf: (v, ctor, m) => check(!(v instanceof ctor), `expected ${show(v)} to not be an instance of ${ctor?.name}`, m),
    include: (haystack, needle, m) => check(includes(haystack, needle), `expected ${show(haystack)} to include ${show(needle)}`, m),
    notInclude: (haystack, needle, m) => check(!includes(haystack, needle), `expected ${show(haystack)} to not include ${show(needle)}`, m),
    match: (s, re, m) => check(re.test(s), `expected ${show(s)} to match ${show(re)}`, m),
    notMatch: (s, re, m) => check(!re.test(s), `expected ${show(s)} not to match ${show(re)}`, m),
    property: (o, p, m) => check(o != null && p in Object(o), `expected ${show(o)} to have property ${show(p)}`, m),
    notProperty: (o, p, m) => check(o == null || !(p in Object(o)), `expected ${show(o)} to not have property ${show(p)}`, m),
    propertyVal: (o, p, v, m) => check(o != null && o[p] === v, `expected ${show(o)} to have property ${show(p)} of ${show(v)}, but got ${show(o?.[p])}`, m),
    lengthOf: (v, n, m) => {
      const length = lengthOf(v);
      check(length === n, `expected ${show(v)} to have a length of ${n} but got ${length}`, m, diff(length, n));
    },
    isEmpty: (v, m) => check(lengthOf(v) === 0 || (v && typeof v === "object" && Object.keys(v).length === 0), `expected ${show(v)} to be empty`, m),
    isNotEmpty: (v, m) => check(!(lengthOf(v) === 0 || (v && typeof v === "object" && Object.keys(v).length === 0)), `expected ${show(v)} not to be empty`, m),
    isAbove: (a, b, m) => check(a > b, `expected ${show(a)} to be above ${show(b)}`, m),
    isAtLeast: (a, b, m) => check(a >= b, `expected ${show(a)} to be at least ${show(b)}`, m),
    isBelow: (a, b, m) => check(a < b, `expected ${show(a)} to be below ${show(b)}`, m),
    isAtMost: (a, b, m) => check(a <= b, `expected ${show(a)} to be at most ${show(b)}`, m),
    closeTo: (a, e, delta, m) => check(Math.abs(a - e) <= delta, `expected ${show(a)} to be close to ${show(e)} +/- ${show(delta)}`, m),
    approximately: (a, e, delta, m) => check(Math.abs(a - e) <= delta, `expected ${show(a)} to be close to ${show(e)} +/- ${show(delta)}`, m),
    sameMembers: (a, b, m) => check(sameMembers(a, b, Object.is), `expected ${show(a)} to have the same members as ${show(b)}`, m, diff(a, b)),
    sameDeepMembers: (a, b, m) => check(sameMembers(a, b, (x, y) => equals(x, y)), `expected ${show(a)} to have the same members as ${show(b)}`, m, diff(a, b)),
    throws: (fn, expected, m) => throwsCheck(fn, expected, m),
    doesNotThrow: (fn, m) => {
      const { threw, error } = thrownBy(fn);
      check(!threw, `expected ${show(fn)} to not throw an error but ${show(error)} was thrown`, m);
    },
  },
);
// isFunction / isNotFunction, isObject / isNotObject, …
for (const type of ["function", "object", "string", "number", "boolean", "array"]) {
  const name = type[0].toUpperCase() + type.slice(1);
  assert[`is${name}`] = (v, m) => isA(type, v, m);
  assert[`isNot${name}`] = (v, m) => isNotA(type, v, m);
}
assert.throw = assert.throws;
assert.Throw = assert.throws;

function includes(haystack, needle) {
  if (typeof haystack === "string") return haystack.includes(needle);
  if (haystack instanceof Map || haystack instanceof Set || Array.isArray(haystack)) return [...(haystack instanceof Map ? haystack.values() : haystack)].includes(needle);
  if (haystack && typeof haystack === "object" && needle && typeof needle === "object") return subsetEquals(haystack, needle);
  return false;
}

function sameMembers(a, b, same) {
  if (a.length !== b.length) return false;
  const left = [...b];
  return a.every((x) => {
    const i = left.findIndex((y) => same(x, y));
    if (i < 0) return false;
    left.splice(i, 1);
    return true;
  });
}
