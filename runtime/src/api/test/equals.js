// ---------- equality as vitest's expect decides it (@vitest/expect jasmineUtils) ----------
//
// `toEqual` recurses through own enumerable keys, ignoring ones whose value is undefined;
// `toStrictEqual` also compares classes, undefined-valued keys and sparse holes. Asymmetric
// matchers (`expect.any(Number)`) decide for themselves wherever they stand.

const isAsymmetric = (v) => v !== null && typeof v === "object" && typeof v.asymmetricMatch === "function";

function asymmetricResult(a, b) {
  const aa = isAsymmetric(a);
  const bb = isAsymmetric(b);
  if (aa && bb) return undefined;
  if (aa) return a.asymmetricMatch(b);
  if (bb) return b.asymmetricMatch(a);
  return undefined;
}

const tag = (v) => Object.prototype.toString.call(v);

function equals(a, b, strict = false, seenA = [], seenB = []) {
  const asymmetric = asymmetricResult(a, b);
  if (asymmetric !== undefined) return asymmetric;
  if (a instanceof Error && b instanceof Error) {
    return a.message === b.message && (!strict || a.name === b.name);
  }
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return false;
  }
  const className = tag(a);
  if (className !== tag(b)) return false;
  switch (className) {
    case "[object Boolean]":
    case "[object String]":
    case "[object Number]":
      return Object.is(a.valueOf(), b.valueOf());
    case "[object Date]":
      return Object.is(a.getTime(), b.getTime());
    case "[object RegExp]":
      return a.source === b.source && a.flags === b.flags;
  }
  const depth = seenA.length;
  for (let i = 0; i < depth; i++) {
    if (seenA[i] === a) return seenB[i] === b;
  }
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  seenA.push(a);
  seenB.push(b);
  try {
    return equalContents(a, b, strict, seenA, seenB);
  } finally {
    seenA.pop();
    seenB.pop();
  }
}

function equalContents(a, b, strict, seenA, seenB) {
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !equals(v, b.get(k), strict, seenA, seenB)) return false;
    }
    return true;
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    outer: for (const v of a) {
      if (b.has(v)) continue;
      for (const w of b) if (equals(v, w, strict, seenA, seenB)) continue outer;
      return false;
    }
    return true;
  }
  if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) {
    const x = new Uint8Array(a.buffer ?? a, a.byteOffset ?? 0, a.byteLength);
    const y = new Uint8Array(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (strict && (i in a) !== (i in b)) return false;
      if (!equals(a[i], b[i], strict, seenA, seenB)) return false;
    }
  }
  const keysOf = (o) => {
    const own = Object.keys(o).concat(Object.getOwnPropertySymbols(o).filter((s) => Object.getOwnPropertyDescriptor(o, s).enumerable));
    return strict ? own : own.filter((k) => o[k] !== undefined);
  };
  const ka = keysOf(a);
  const kb = keysOf(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) && !(strict === false && b[k] === undefined)) return false;
    if (!equals(a[k], b[k], strict, seenA, seenB)) return false;
  }
  return true;
}

/// `toMatchObject`: every property of `expected` is in `actual` and equal; arrays match
/// element by element.
function subsetEquals(actual, expected, seen = new WeakSet()) {
  const asymmetric = asymmetricResult(actual, expected);
  if (asymmetric !== undefined) return asymmetric;
  if (expected === null || typeof expected !== "object" || expected instanceof Date || expected instanceof RegExp) {
    return equals(actual, expected);
  }
  if (actual === null || typeof actual !== "object") return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length &&
      expected.every((v, i) => subsetEquals(actual[i], v, seen));
  }
  if (seen.has(expected)) return true;
  seen.add(expected);
  return Object.keys(expected).every((k) =>
    Object.prototype.hasOwnProperty.call(Object(actual), k) || k in actual
      ? subsetEquals(actual[k], expected[k], seen)
      : false);
}
