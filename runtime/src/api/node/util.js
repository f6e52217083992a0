// node_util, part four: the rest of node:util (promisify, types, isDeepStrictEqual, …) as
// workerd's: where workerd throws "not implemented", so does this.

const { ERR_INVALID_ARG_TYPE, ERR_FALSY_VALUE_REJECTION } = codes;

// ---------- types ----------
const brand = (proto, key) => {
  const get = Object.getOwnPropertyDescriptor(proto, key).get;
  return (v) => { try { get.call(v); return true; } catch { return false; } };
};
const method = (fn) => (v) => { try { fn.call(v); return true; } catch { return false; } };
const typedArrayTag = Object.getOwnPropertyDescriptor(TYPED_ARRAY.prototype, Symbol.toStringTag).get;
const tagIs = (name) => (v) => typedArrayTag.call(v) === name;
const isArrayBuffer = brand(ArrayBuffer.prototype, "byteLength");
const isSharedArrayBuffer = typeof SharedArrayBuffer === "function" ? brand(SharedArrayBuffer.prototype, "byteLength") : () => false;
const isNumberObject = (v) => typeof v === "object" && method(Number.prototype.valueOf)(v);
const isStringObject = (v) => typeof v === "object" && method(String.prototype.valueOf)(v);
const isBooleanObject = (v) => typeof v === "object" && method(Boolean.prototype.valueOf)(v);
const isBigIntObject = (v) => typeof v === "object" && method(BigInt.prototype.valueOf)(v);
const isSymbolObject = (v) => typeof v === "object" && method(Symbol.prototype.valueOf)(v);
const fnKind = (v) => typeof v === "function" ? Object.prototype.toString.call(v) : "";
const mapIteratorProto = Object.getPrototypeOf(new Map()[Symbol.iterator]());
const setIteratorProto = Object.getPrototypeOf(new Set()[Symbol.iterator]());
const generatorProto = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})()));
const types = {
  isAnyArrayBuffer: (v) => isArrayBuffer(v) || isSharedArrayBuffer(v),
  isArrayBuffer,
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isArgumentsObject: (v) => Object.prototype.toString.call(v) === "[object Arguments]",
  isAsyncFunction: (v) => fnKind(v) === "[object AsyncFunction]" || fnKind(v) === "[object AsyncGeneratorFunction]",
  isBigInt64Array: tagIs("BigInt64Array"),
  isBigUint64Array: tagIs("BigUint64Array"),
  isBigIntObject,
  isBooleanObject,
  isBoxedPrimitive: (v) => isNumberObject(v) || isStringObject(v) || isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v),
  isDataView: brand(DataView.prototype, "byteLength"),
  isDate: (v) => typeof v === "object" && method(Date.prototype.getTime)(v),
  isExternal: () => false,
  isFloat16Array: tagIs("Float16Array"),
  isFloat32Array: tagIs("Float32Array"),
  isFloat64Array: tagIs("Float64Array"),
  isGeneratorFunction: (v) => fnKind(v) === "[object GeneratorFunction]" || fnKind(v) === "[object AsyncGeneratorFunction]",
  isGeneratorObject: (v) => v !== null && typeof v === "object" && generatorProto.isPrototypeOf(v),
  isInt8Array: tagIs("Int8Array"),
  isInt16Array: tagIs("Int16Array"),
  isInt32Array: tagIs("Int32Array"),
  isMap: brand(Map.prototype, "size"),
  isMapIterator: (v) => v !== null && typeof v === "object" && mapIteratorProto.isPrototypeOf(v),
  isModuleNamespaceObject: (v) => v !== null && typeof v === "object" && v[Symbol.toStringTag] === "Module" && Object.getPrototypeOf(v) === null,
  isNativeError: (v) => v instanceof Error,
  isNumberObject,
  isPromise: (v) => v instanceof Promise,
  isProxy: (v) => ops.isProxy(v),
  isRegExp: (v) => typeof v === "object" && v !== RegExp.prototype && brand(RegExp.prototype, "flags")(v) && method(RegExp.prototype.toString)(v) && Object.prototype.toString.call(v) === "[object RegExp]",
  isSet: brand(Set.prototype, "size"),
  isSetIterator: (v) => v !== null && typeof v === "object" && setIteratorProto.isPrototypeOf(v),
  isSharedArrayBuffer,
  isStringObject,
  isSymbolObject,
  isTypedArray: (v) => typedArrayTag.call(v) !== undefined,
  isUint8Array: tagIs("Uint8Array"),
  isUint8ClampedArray: tagIs("Uint8ClampedArray"),
  isUint16Array: tagIs("Uint16Array"),
  isUint32Array: tagIs("Uint32Array"),
  isWeakMap: method(WeakMap.prototype.has),
  isWeakSet: method(WeakSet.prototype.has),
  isKeyObject: () => false,
  isCryptoKey: (v) => core.G.CryptoKey !== undefined && v instanceof core.G.CryptoKey,
};

// ---------- isDeepStrictEqual ----------
function isDeepStrictEqual(a, b, memo = new Map()) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return false;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
  const seen = memo.get(a);
  if (seen === b) return true;
  memo.set(a, b);
  if (Array.isArray(a) && a.length !== b.length) return false;
  if (types.isDate(a) && !Object.is(a.getTime(), b.getTime())) return false;
  if (types.isRegExp(a) && (a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex)) return false;
  if (a instanceof Error && (a.message !== b.message || a.name !== b.name)) return false;
  if (types.isBoxedPrimitive(a) && !Object.is(a.valueOf(), b.valueOf())) return false;
  if (ArrayBuffer.isView(a) || types.isAnyArrayBuffer(a)) {
    const x = ArrayBuffer.isView(a) ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : new Uint8Array(a);
    const y = ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  const keysA = ownEnumerable(a, ArrayBuffer.isView(a));
  const keysB = ownEnumerable(b, ArrayBuffer.isView(b));
  if (keysA.length !== keysB.length) return false;
  for (const k of keysA) if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
  if (types.isSet(a)) {
    if (a.size !== b.size) return false;
    outer: for (const x of a) {
      if (b.has(x)) continue;
      if (typeof x !== "object" || x === null) return false;
      for (const y of b) if (typeof y === "object" && y !== null && isDeepStrictEqual(x, y, memo)) continue outer;
      return false;
    }
  } else if (types.isMap(a)) {
    if (a.size !== b.size) return false;
    outer: for (const [k, v] of a) {
      if (b.has(k)) { if (!isDeepStrictEqual(v, b.get(k), memo)) return false; continue; }
      if (typeof k !== "object" || k === null) return false;
      for (const [k2, v2] of b) if (isDeepStrictEqual(k, k2, memo) && isDeepStrictEqual(v, v2, memo)) continue outer;
      return false;
    }
  }
  for (const k of keysA) if (!isDeepStrictEqual(a[k], b[k], memo)) return false;
  return true;
}
function ownEnumerable(v, skipIndices) {
  const keys = Object.keys(v).filter((k) => !(skipIndices && /^\d+$/.test(k)));
  for (const s of Object.getOwnPropertySymbols(v)) if (Object.prototype.propertyIsEnumerable.call(v, s)) keys.push(s);
  return keys;
}

// ---------- functions ----------
const kCustomPromisify = Symbol.for("nodejs.util.promisify.custom");
function promisify(original) {
  validate.function(original, "original");
  if (original[kCustomPromisify]) {
    const fn = original[kCustomPromisify];
    validate.function(fn, "util.promisify.custom");
    return Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(original, this, [...args, (err, ...values) => {
        if (err) return reject(err);
        resolve(values[0]);
      }]);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = kCustomPromisify;

function callbackify(original) {
  validate.function(original, "original");
  function callbackified(...args) {
    const callback = args.pop();
    validate.function(callback, "last argument");
    const onOk = (ret) => queueMicrotask(() => callback.call(this, null, ret));
    const onErr = (rej) => {
      const reason = !rej ? ERR_FALSY_VALUE_REJECTION(rej) : rej;
      queueMicrotask(() => callback.call(this, reason));
    };
    Reflect.apply(original, this, args).then(onOk, onErr);
  }
  const descriptors = Object.getOwnPropertyDescriptors(original);
  if (typeof descriptors.length.value === "number") descriptors.length.value++;
  if (typeof descriptors.name.value === "string") descriptors.name.value += "Callbackified";
  const propertiesValues = Object.values(descriptors);
  for (const d of propertiesValues) Object.setPrototypeOf(d, null);
  Object.defineProperties(callbackified, descriptors);
  return callbackified;
}

function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw ERR_INVALID_ARG_TYPE("ctor", "Function", ctor);
  if (superCtor === undefined || superCtor === null) throw ERR_INVALID_ARG_TYPE("superCtor", "Function", superCtor);
  if (superCtor.prototype === undefined) throw ERR_INVALID_ARG_TYPE("superCtor.prototype", "Object", superCtor.prototype);
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}
function _extend(target, source) {
  if (source === null || typeof source !== "object") return target;
  const keys = Object.keys(source);
  let i = keys.length;
  while (i--) target[keys[i]] = source[keys[i]];
  return target;
}

/// workerd's debuglog logs every section, upper-cased, through console.log.
function debuglog(set, callback) {
  let section = null;
  const debug = (...args) => {
    if (section === null) {
      section = String(set).toUpperCase();
      if (typeof callback === "function") callback(debug);
    }
    console.log(format("%s: %s\n", section, formatWithOptions({}, ...args)));
  };
  const logger = (...args) => debug(...args);
  Object.defineProperty(logger, "enabled", { get: () => true, configurable: true, enumerable: true });
  return logger;
}
function toUSVString(input) { return String(input).toWellFormed(); }

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function log(...args) {
  const d = new Date();
  const pad = (n) => n.toString().padStart(2, "0");
  const time = [pad(d.getHours()), pad(d.getMinutes()), pad(d.getSeconds())].join(":");
  console.log("%s - %s", `${d.getDate()} ${MONTHS[d.getMonth()]} ${time}`, format(...args));
}

async function aborted(signal, resource) {
  if (signal === undefined) throw ERR_INVALID_ARG_TYPE("signal", "AbortSignal", signal);
  if (!(signal instanceof core.G.AbortSignal)) throw ERR_INVALID_ARG_TYPE("signal", "AbortSignal", signal);
  if (resource === null || (typeof resource !== "object" && typeof resource !== "function")) {
    throw ERR_INVALID_ARG_TYPE("resource", "object", resource);
  }
  if (signal.aborted) return;
  return new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
}

function styleText(formats, text, { validateStream = true, stream } = {}) {
  validate.string(text, "text");
  if (validateStream !== true) validate.boolean(validateStream, "options.validateStream");
  for (const key of Array.isArray(formats) ? formats : [formats]) {
    if (key === "none") continue;
    if (typeof key !== "string" || inspect.colors[key] == null) {
      throw codes.ERR_INVALID_ARG_VALUE("format", key, `must be one of: ${Object.keys(inspect.colors).map((c) => `'${c}'`).join(", ")}`);
    }
  }
  void stream;
  return text;
}

/// dotenv syntax, as Node's util.parseEnv reads it.
function parseEnv(content) {
  validate.string(content, "content");
  const out = {};
  const lines = content.replace(/\r\n?/g, "\n");
  const re = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\n]+)?\s*(?:#.*)?$/gm;
  let match;
  while ((match = re.exec(lines)) !== null) {
    let value = (match[2] ?? "").trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/m, "$2");
    if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    out[match[1]] = value;
  }
  return out;
}

/// Where this code was called from, read off the stack (innermost first; the stack holds no
/// frame of the runtime's own, this function's included).
function getCallSites(frameCount = 8, options) {
  if (typeof frameCount === "object" && frameCount !== null) { options = frameCount; frameCount = 8; }
  validate.integer(frameCount, "frameCount", 1, 200);
  if (options !== undefined) validate.object(options, "options");
  const lines = String(new Error().stack).split("\n").filter((l) => /^\s+at /.test(l)).slice(0, frameCount);
  return lines.map((line) => {
    const m = /^\s+at (?:(.*?) \()?(.*?)(?::(\d+))?(?::(\d+))?\)?$/.exec(line) ?? [];
    return {
      functionName: m[1] ?? "",
      scriptId: "0",
      scriptName: m[2] ?? "",
      lineNumber: Number(m[3] ?? 0),
      column: Number(m[4] ?? 0),
    };
  });
}

// The APIs Node.js declared end-of-life; workerd keeps them.
const eol = {
  isBoolean: (v) => typeof v === "boolean",
  isBuffer: (v) => core.unit("node_buffer").Buffer.isBuffer(v),
  isDate: (v) => types.isDate(v),
  isError: (v) => v instanceof Error,
  isFunction: (v) => typeof v === "function",
  isNull: (v) => v === null,
  isNullOrUndefined: (v) => v === null || v === undefined,
  isNumber: (v) => typeof v === "number",
  isObject: (v) => v !== null && typeof v === "object",
  isPrimitive: (v) => v === null || (typeof v !== "object" && typeof v !== "function"),
  isRegExp: (v) => types.isRegExp(v),
  isString: (v) => typeof v === "string",
  isSymbol: (v) => typeof v === "symbol",
  isUndefined: (v) => v === undefined,
};

const notImplemented = (name) => () => { throw new Error(`node:util ${name} is not implemented`); };
const util = {
  types, callbackify, promisify, inspect, format, formatWithOptions, stripVTControlCharacters, inherits, _extend,
  toUSVString, log, aborted, debuglog, debug: debuglog, deprecate: (fn) => fn,
  getSystemErrorMap: notImplemented("getSystemErrorMap"),
  getSystemErrorMessage: notImplemented("getSystemErrorMessage"),
  getSystemErrorName: notImplemented("getSystemErrorName"),
  get TextEncoder() { return core.G.TextEncoder; },
  get TextDecoder() { return core.G.TextDecoder; },
  parseArgs: notImplemented("parseArgs"),
  parseEnv, styleText,
  transferableAbortController: notImplemented("transferableAbortController"),
  transferableAbortSignal: notImplemented("transferableAbortSignal"),
  isDeepStrictEqual: (a, b) => isDeepStrictEqual(a, b),
  isArray: (v) => Array.isArray(v),
  ...eol,
  getCallSite: getCallSites,
  getCallSites,
  MIMEType,
  MIMEParams,
  _errnoException() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("_errnoException"); },
  _exceptionWithHostPort() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("_exceptionWithHostPort"); },
};
return { ...util, default: util, isDeepStrictEqualInternal: isDeepStrictEqual };
