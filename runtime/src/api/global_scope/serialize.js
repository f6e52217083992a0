// Structured-clone serialisation to text: how values cross into Durable Object storage and
// between isolates (RPC arguments and results). What structuredClone refuses, this refuses with
// the same DataCloneError; what it keeps (Map, Set, Date, RegExp, typed arrays, errors, BigInt,
// undefined, NaN, -0, shared references) survives the round trip. Every object is tagged, so
// the JSON never needs guessing: {"o":{...}} object, {"a":[...]} array, {"m":[[k,v]...]} Map, ...

const { G, define, domError, inspect, OriginalDate } = core;

// ---------- errors ----------
/// An error's stack as text, or null when it has none.
const stackOf = (v) => (v.stack === undefined ? null : String(v.stack));
const ERROR_TYPES = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

/// V8's serialisation of an error, as `[type, message, stack, props]`: the type from the
/// error's name, the message, the stack and what else survives, each `[key, value, enumerable]`.
/// From compatibility date 2026-04-21 (`enhanced_error_serialization`) AggregateError is a
/// type too and every own property but `message` and `stack` survives, enumerable, and a
/// message that is not a string is refused; before it, only a `cause` does, as it was.
function errorParts(v) {
  const enhanced = core.hasFlag("enhanced_error_serialization");
  const own = (k) => Object.getOwnPropertyDescriptor(v, k);
  if (enhanced && own("message") && typeof own("message").value !== "string") {
    throw domError("DataCloneError", "Deserialization failed: error message is not a string");
  }
  const type = enhanced && v instanceof AggregateError ? "AggregateError" : ERROR_TYPES[v.name] ? v.name : "Error";
  const stack = stackOf(v);
  const props = enhanced
    ? Object.getOwnPropertyNames(v).filter((k) => k !== "message" && k !== "stack").map((k) => [k, v[k], true])
    : own("cause") ? [["cause", v.cause, false]] : [];
  return [type, String(v.message), stack, props];
}

/// The error `errorParts` described, without its other properties (`errorProps` adds them
/// once the copy is known, so a property that refers back to the error finds it).
function makeError(type, message, stack) {
  const out = type === "AggregateError" ? new AggregateError([], message) : new (ERROR_TYPES[type] ?? Error)(message);
  if (stack !== null) define(out, "stack", stack);
  return out;
}

/// Gives `out` the properties `errorParts` listed, each value made by `value`.
function errorProps(out, props, value) {
  for (const [k, v, enumerable] of props) {
    Object.defineProperty(out, k, { value: value(v), writable: true, enumerable, configurable: true });
  }
  return out;
}

// ---------- structuredClone ----------
/// `stubs`, when given, lets what RPC passes by reference (functions, RpcTargets, stubs)
/// through: `stubs.passes(v)`.
function cloneValue(v, memo, stubs) {
  if (stubs?.passes(v)) return v;
  if (typeof v === "function" || typeof v === "symbol") {
    throw domError("DataCloneError", `${String(v)} could not be cloned.`);
  }
  if (v === null || typeof v !== "object") return v;
  if (memo.has(v)) return memo.get(v);
  let out;
  if (v instanceof OriginalDate) out = new OriginalDate(v.getTime());
  else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
  else if (v instanceof ArrayBuffer) out = v.slice(0);
  else if (ArrayBuffer.isView(v)) {
    const buf = cloneValue(v.buffer, memo, stubs);
    out = v instanceof DataView ? new DataView(buf, v.byteOffset, v.byteLength) : new v.constructor(buf, v.byteOffset, v.length);
  } else if (v instanceof Map) {
    out = new Map(); memo.set(v, out);
    for (const [k, x] of v) out.set(cloneValue(k, memo, stubs), cloneValue(x, memo, stubs));
    return out;
  } else if (v instanceof Set) {
    out = new Set(); memo.set(v, out);
    for (const x of v) out.add(cloneValue(x, memo, stubs));
    return out;
  } else if (v instanceof G.DOMException) {
    out = new G.DOMException(v.message, v.name);
    if (v.stack !== undefined) out.stack = String(v.stack);
  } else if (v instanceof Error) {
    const [type, message, stack, props] = errorParts(v);
    out = makeError(type, message, stack); memo.set(v, out);
    return errorProps(out, props, (x) => cloneValue(x, memo, stubs));
  } else if (v instanceof Boolean || v instanceof Number || v instanceof String) out = Object(v.valueOf());
  else if (Array.isArray(v)) {
    out = new Array(v.length); memo.set(v, out);
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k], memo, stubs);
    return out;
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw domError("DataCloneError", `${inspect(v, 3)} could not be cloned.`);
    }
    out = {}; memo.set(v, out);
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k], memo, stubs);
    return out;
  }
  memo.set(v, out);
  return out;
}
define(G, "structuredClone", function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': 1 argument required, but only 0 present.");
  const transfer = options?.transfer;
  if (transfer === undefined || transfer === null) return cloneValue(value, new Map());
  // jsg's Serializer::transfer: ArrayBuffers (or a view's buffer) only, each once; the value
  // is cloned first, and the transferred buffers are detached after, their memory moved to
  // the clone (copied, then the original detached).
  const buffers = [];
  for (const item of transfer) {
    const buffer = item instanceof ArrayBuffer ? item : ArrayBuffer.isView(item) ? item.buffer : null;
    if (buffer === null) throw new TypeError("Object is not transferable");
    if (typeof buffer.transfer !== "function") throw domError("DataCloneError", "Object is not transferable.");
    if (!buffers.includes(buffer)) buffers.push(buffer);
  }
  const memo = new Map();
  const moved = buffers.map((buffer) => [buffer, buffer.slice(0)]);
  for (const [buffer, copy] of moved) memo.set(buffer, copy);
  const clone = cloneValue(value, memo);
  for (const [buffer] of moved) buffer.transfer(0);
  return clone;
});

// ---------- to text and back ----------

const bytesToText = (bytes) => {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return ops.btoa(s);
};
const textToBytes = (text) => {
  const s = ops.atob(text) ?? "";
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

const VIEW_TYPES = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
};
/// `stubs.export(v)`: the key a function, RpcTarget or stub is passed by, over RPC.
function encodeValue(v, refs, stubs) {
  if (stubs?.passes(v)) return { stub: stubs.export(v) };
  switch (typeof v) {
    case "undefined": return { u: 1 };
    case "boolean": case "string": return v;
    case "number":
      if (Number.isNaN(v)) return { n: "NaN" };
      if (v === Infinity) return { n: "Infinity" };
      if (v === -Infinity) return { n: "-Infinity" };
      if (Object.is(v, -0)) return { n: "-0" };
      return v;
    case "bigint": return { big: v.toString() };
  }
  if (v === null) return null;
  if (refs.has(v)) return { ref: refs.get(v) };
  refs.set(v, refs.size);
  if (Array.isArray(v)) {
    const a = new Array(v.length);
    for (let i = 0; i < v.length; i++) a[i] = encodeValue(v[i], refs, stubs);
    return { a };
  }
  if (v instanceof OriginalDate) return { d: v.getTime() };
  if (v instanceof RegExp) return { re: [v.source, v.flags] };
  if (v instanceof ArrayBuffer) return { ab: bytesToText(new Uint8Array(v)) };
  if (ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { view: v.constructor.name, b: bytesToText(bytes) };
  }
  if (v instanceof Map) return { m: [...v].map(([k, x]) => [encodeValue(k, refs, stubs), encodeValue(x, refs, stubs)]) };
  if (v instanceof Set) return { s: [...v].map((x) => encodeValue(x, refs, stubs)) };
  if (v instanceof G.DOMException) return { dom: [v.message, v.name, stackOf(v)] };
  if (v instanceof Error) {
    const [type, message, stack, props] = errorParts(v);
    return { e: [type, message, stack], p: props.map(([k, x, enumerable]) => [k, encodeValue(x, refs, stubs), enumerable]) };
  }
  if (v instanceof Boolean || v instanceof Number || v instanceof String) return { box: encodeValue(v.valueOf(), refs, stubs) };
  const o = {};
  for (const k of Object.keys(v)) o[k] = encodeValue(v[k], refs, stubs);
  return { o };
}

/// `stubs.import(key)`: the stub a value passed by reference arrives as.
function decodeValue(x, refs, stubs) {
  if (x === null || typeof x !== "object") return x;
  if ("stub" in x) return stubs.import(x.stub);
  if ("o" in x) {
    const out = {}; refs.push(out);
    for (const k of Object.keys(x.o)) out[k] = decodeValue(x.o[k], refs, stubs);
    return out;
  }
  if ("a" in x) {
    const out = new Array(x.a.length); refs.push(out);
    for (let i = 0; i < x.a.length; i++) out[i] = decodeValue(x.a[i], refs, stubs);
    return out;
  }
  if ("u" in x) return undefined;
  if ("n" in x) return x.n === "-0" ? -0 : Number(x.n);
  if ("big" in x) return BigInt(x.big);
  if ("ref" in x) return refs[x.ref];
  let out;
  if ("d" in x) out = new OriginalDate(x.d);
  else if ("re" in x) out = new RegExp(x.re[0], x.re[1]);
  else if ("ab" in x) out = textToBytes(x.ab).buffer;
  else if ("view" in x) {
    const bytes = textToBytes(x.b);
    const Ctor = VIEW_TYPES[x.view] ?? Uint8Array;
    out = Ctor === DataView ? new DataView(bytes.buffer) : new Ctor(bytes.buffer, 0, bytes.byteLength / (Ctor.BYTES_PER_ELEMENT ?? 1));
  } else if ("m" in x) {
    out = new Map(); refs.push(out);
    for (const [k, v] of x.m) out.set(decodeValue(k, refs, stubs), decodeValue(v, refs, stubs));
    return out;
  } else if ("s" in x) {
    out = new Set(); refs.push(out);
    for (const v of x.s) out.add(decodeValue(v, refs, stubs));
    return out;
  } else if ("dom" in x) {
    out = new G.DOMException(x.dom[0], x.dom[1]);
    if (x.dom[2] !== null) out.stack = x.dom[2];
  } else if ("e" in x) {
    out = makeError(x.e[0], x.e[1], x.e[2]); refs.push(out);
    return errorProps(out, x.p ?? [], (v) => decodeValue(v, refs, stubs));
  } else if ("box" in x) out = Object(decodeValue(x.box, refs, stubs));
  refs.push(out);
  return out;
}

/// The text form of `value`; throws DataCloneError for what structuredClone cannot copy (and,
/// with `stubs`, RPC does not pass by reference).
function serializeValue(value, stubs) {
  cloneValue(value, new Map(), stubs);
  return JSON.stringify(encodeValue(value, new Map(), stubs));
}

function deserializeValue(text, stubs) {
  return decodeValue(JSON.parse(text), [], stubs);
}

return { serializeValue, deserializeValue };
