// node_buffer: node:buffer's Buffer, a Uint8Array with Node's encodings and methods.

const { codes, validate } = core.unit("node_internal");
const { ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_UNKNOWN_ENCODING, ERR_BUFFER_OUT_OF_BOUNDS, ERR_INVALID_BUFFER_SIZE } = codes;

const kMaxLength = 2 ** 31 - 1;
const kStringMaxLength = 2 ** 29 - 24;
const INSPECT_MAX_BYTES = 50;

/// The encoding Node means by `name`, or undefined.
function normalizeEncoding(name) {
  if (name === undefined || name === null || name === "utf8" || name === "utf-8") return "utf8";
  switch (String(name).toLowerCase()) {
    case "utf8": case "utf-8": return "utf8";
    case "ucs2": case "ucs-2": case "utf16le": case "utf-16le": return "utf16le";
    case "latin1": case "binary": return "latin1";
    case "base64": return "base64";
    case "base64url": return "base64url";
    case "hex": return "hex";
    case "ascii": return "ascii";
    default: return undefined;
  }
}
function encodingOf(name) {
  const encoding = normalizeEncoding(name);
  if (encoding === undefined) throw ERR_UNKNOWN_ENCODING(name);
  return encoding;
}

/// The bytes of `string` in `encoding`.
function bytesOf(string, encoding) {
  switch (encoding) {
    case "utf8": return ops.encodeUtf8(string);
    case "base64": case "base64url": return ops.nodeBase64Decode(string);
    case "hex": return ops.nodeHexDecode(string);
    case "utf16le": {
      const out = new Uint8Array(string.length * 2);
      for (let i = 0; i < string.length; i++) {
        const c = string.charCodeAt(i);
        out[2 * i] = c & 0xff;
        out[2 * i + 1] = c >>> 8;
      }
      return out;
    }
    default: { // latin1, ascii
      const out = new Uint8Array(string.length);
      for (let i = 0; i < string.length; i++) out[i] = string.charCodeAt(i);
      return out;
    }
  }
}

/// `bytes` read as `encoding`.
function stringOf(bytes, encoding) {
  switch (encoding) {
    case "utf8": return ops.decode("utf-8", bytes, false, true);
    case "base64": return ops.nodeBase64Encode(bytes, false);
    case "base64url": return ops.nodeBase64Encode(bytes, true);
    case "hex": return ops.nodeHexEncode(bytes);
    case "utf16le": {
      let out = "";
      for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
      return out;
    }
    case "ascii": {
      let out = "";
      for (let i = 0; i < bytes.length; i += 8192) {
        out += String.fromCharCode(...bytes.subarray(i, i + 8192).map((b) => b & 0x7f));
      }
      return out;
    }
    default: {
      let out = "";
      for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
      return out;
    }
  }
}

function byteLengthOf(string, encoding) {
  switch (encoding) {
    case "utf8": return ops.encodeUtf8(string).length;
    case "utf16le": return string.length * 2;
    case "latin1": case "ascii": return string.length;
    case "hex": return string.length >>> 1;
    default: return bytesOf(string, encoding).length;
  }
}

class FastBuffer extends Uint8Array {}

/// `Buffer(…)` and `new Buffer(…)`: deprecated in Node, still working.
function Buffer(arg, encodingOrOffset, length) {
  if (typeof arg === "number") {
    if (typeof encodingOrOffset === "string") throw ERR_INVALID_ARG_TYPE("string", "string", arg);
    return Buffer.alloc(arg);
  }
  return Buffer.from(arg, encodingOrOffset, length);
}
Object.defineProperty(Buffer, "name", { value: "Buffer" });
Buffer.prototype = FastBuffer.prototype;
Object.defineProperty(FastBuffer.prototype, "constructor", { value: Buffer, writable: true, configurable: true });
Object.setPrototypeOf(Buffer, Uint8Array);
Buffer.poolSize = 8192;

const wrap = (bytes) => new FastBuffer(bytes.buffer, bytes.byteOffset, bytes.length);

/// workerd checks the type; the length the typed array's constructor checks, with V8's text.
function checkSize(size) {
  validate.number(size, "size");
  if (!(size >= 0 && size <= kMaxLength)) throw new RangeError(`Invalid typed array length: ${size}`);
}

Buffer.alloc = function alloc(size, fill, encoding) {
  checkSize(size);
  const buf = new FastBuffer(size);
  if (fill !== undefined && fill !== 0 && size > 0) buf.fill(fill, encoding);
  return buf;
};
Buffer.allocUnsafe = function allocUnsafe(size) { checkSize(size); return new FastBuffer(size); };
Buffer.allocUnsafeSlow = function allocUnsafeSlow(size) { checkSize(size); return new FastBuffer(size); };

const FROM_TYPES = ["string", "Buffer", "TypedArray", "ArrayBuffer", "SharedArrayBuffer", "Array", "Array-like Object"];
Buffer.from = function from(value, encodingOrOffset, length) {
  if (typeof value === "string") return wrap(bytesOf(value, encodingOf(encodingOrOffset)));
  if (typeof value === "object" && value !== null) {
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)) {
      const offset = encodingOrOffset === undefined ? 0 : +encodingOrOffset || 0;
      if (offset > value.byteLength) throw ERR_BUFFER_OUT_OF_BOUNDS("offset");
      const len = length === undefined ? value.byteLength - offset : +length || 0;
      if (len > value.byteLength - offset) throw ERR_BUFFER_OUT_OF_BOUNDS("length");
      return new FastBuffer(value, offset, len);
    }
    if (ArrayBuffer.isView(value)) {
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return new FastBuffer(bytes);
    }
    const primitive = value.valueOf?.();
    if (primitive != null && primitive !== value && (typeof primitive === "string" || typeof primitive === "object")) {
      return Buffer.from(primitive, encodingOrOffset, length);
    }
    if (typeof value.length === "number" || Array.isArray(value)) return new FastBuffer(arrayLike(value));
    if (value.type === "Buffer" && Array.isArray(value.data)) return new FastBuffer(arrayLike(value.data));
    if (typeof value[Symbol.toPrimitive] === "function") {
      const p = value[Symbol.toPrimitive]("string");
      if (typeof p === "string") return Buffer.from(p, encodingOrOffset);
    }
  }
  throw ERR_INVALID_ARG_TYPE("first argument", FROM_TYPES, value);
};
function arrayLike(value) {
  const n = value.length > 0 ? value.length >>> 0 : 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = value[i];
  return out;
}
Buffer.of = function of(...items) { return new FastBuffer(items); };
Buffer.isBuffer = function isBuffer(b) { return b instanceof Buffer; };
Buffer.isEncoding = function isEncoding(e) { return typeof e === "string" && e.length !== 0 && normalizeEncoding(e) !== undefined; };
Buffer.byteLength = function byteLength(string, encoding) {
  if (typeof string !== "string") {
    if (ArrayBuffer.isView(string) || string instanceof ArrayBuffer) return string.byteLength;
    throw ERR_INVALID_ARG_TYPE("string", ["string", "Buffer", "ArrayBuffer"], string);
  }
  return byteLengthOf(string, normalizeEncoding(encoding) ?? "utf8");
};
Buffer.compare = function compare(a, b) {
  if (!(a instanceof Uint8Array)) throw ERR_INVALID_ARG_TYPE("buf1", ["Buffer", "Uint8Array"], a);
  if (!(b instanceof Uint8Array)) throw ERR_INVALID_ARG_TYPE("buf2", ["Buffer", "Uint8Array"], b);
  return compareBytes(a, b);
};
function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
Buffer.concat = function concat(list, totalLength) {
  if (!Array.isArray(list)) throw ERR_INVALID_ARG_TYPE("list", "Array", list);
  if (list.length === 0) return new FastBuffer(0);
  if (totalLength === undefined) {
    totalLength = 0;
    for (let i = 0; i < list.length; i++) {
      if (!(list[i] instanceof Uint8Array)) throw notUint8Array(i);
      totalLength += list[i].length;
    }
  } else validate.integer(totalLength, "length", 0);
  const out = Buffer.allocUnsafe(totalLength);
  let pos = 0;
  for (let i = 0; i < list.length && pos < totalLength; i++) {
    const b = list[i];
    if (!(b instanceof Uint8Array)) throw notUint8Array(i);
    const part = b.length > totalLength - pos ? b.subarray(0, totalLength - pos) : b;
    out.set(part, pos);
    pos += part.length;
  }
  if (pos < totalLength) out.fill(0, pos);
  return out;
};

/// workerd checks the list natively, and says so in its own words.
const notUint8Array = (i) =>
  new TypeError(`Incorrect type for array element ${i}: the provided value is not of type 'JsUint8Array'.`);

const proto = FastBuffer.prototype;
const define = (name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });

/// Node's clamping of `start`/`end` for toString and friends.
function range(buf, start, end) {
  start = start === undefined || start < 0 ? 0 : Math.trunc(+start) || 0;
  end = end === undefined || end > buf.length ? buf.length : Math.trunc(+end) || 0;
  return [Math.min(start, buf.length), end];
}

define("toString", function toString(encoding, start, end) {
  if (arguments.length === 0) return stringOf(this, "utf8");
  const [s, e] = range(this, start, end);
  if (e <= s) return "";
  return stringOf(this.subarray(s, e), encodingOf(encoding));
});
define("toLocaleString", proto.toString);
define("equals", function equals(other) {
  // workerd names the argument `b` and shows its type where Node shows its value.
  if (!(other instanceof Uint8Array)) throw ERR_INVALID_ARG_TYPE("b", ["Buffer", "Uint8Array"], typeof other);
  return this === other || compareBytes(this, other) === 0;
});
define("compare", function compare(target, tStart = 0, tEnd = target?.length, sStart = 0, sEnd = this.length) {
  if (!(target instanceof Uint8Array)) throw ERR_INVALID_ARG_TYPE("target", ["Buffer", "Uint8Array"], target);
  for (const [v, n, max] of [[tStart, "targetStart", target.length], [tEnd, "targetEnd", target.length], [sStart, "sourceStart", this.length], [sEnd, "sourceEnd", this.length]]) {
    validate.integer(v, n, 0, max);
  }
  return compareBytes(this.subarray(sStart, sEnd), target.subarray(tStart, tEnd));
});
define("copy", function copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
  if (!(target instanceof Uint8Array)) throw ERR_INVALID_ARG_TYPE("target", ["Buffer", "Uint8Array"], target);
  targetStart = Math.trunc(+targetStart) || 0;
  if (targetStart < 0) throw ERR_OUT_OF_RANGE("targetStart", `>= 0 && <= ${kMaxLength}`, targetStart);
  sourceStart = Math.trunc(+sourceStart) || 0;
  if (sourceStart < 0 || sourceStart > this.length) throw ERR_OUT_OF_RANGE("sourceStart", `>= 0 && <= ${this.length}`, sourceStart);
  sourceEnd = Math.min(Math.trunc(+sourceEnd) || 0, this.length);
  if (sourceEnd < 0) throw ERR_OUT_OF_RANGE("sourceEnd", `>= 0 && <= ${kMaxLength}`, sourceEnd);
  if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
  const n = Math.min(sourceEnd - sourceStart, target.length - targetStart);
  target.set(this.subarray(sourceStart, sourceStart + n), targetStart);
  return n;
});
define("fill", function fill(value, offset, end, encoding) {
  if (typeof offset === "string") { encoding = offset; offset = 0; end = this.length; }
  else if (typeof end === "string") { encoding = end; end = this.length; }
  offset = offset === undefined ? 0 : offset;
  end = end === undefined ? this.length : end;
  validate.integer(offset, "offset", 0);
  validate.integer(end, "end", 0, this.length);
  if (offset >= end) return this;
  if (typeof value === "number") return Uint8Array.prototype.fill.call(this, value & 255, offset, end);
  if (typeof value === "boolean") return Uint8Array.prototype.fill.call(this, +value, offset, end);
  const bytes = typeof value === "string" ? bytesOf(value, encodingOf(encoding)) : value instanceof Uint8Array ? value : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null;
  if (bytes === null) return Uint8Array.prototype.fill.call(this, Number(value) & 255, offset, end);
  if (bytes.length === 0) {
    if (typeof value === "string" && value.length === 0) return Uint8Array.prototype.fill.call(this, 0, offset, end);
    throw codes.ERR_INVALID_ARG_VALUE("value", value);
  }
  for (let i = offset; i < end; i++) this[i] = bytes[(i - offset) % bytes.length];
  return this;
});
define("write", function write(string, offset, length, encoding) {
  validate.string(string, "argument");
  if (typeof offset === "string") { encoding = offset; offset = 0; length = this.length; }
  else if (typeof length === "string") { encoding = length; length = this.length - (offset ?? 0); }
  offset = offset === undefined ? 0 : offset;
  validate.integer(offset, "offset", 0, this.length);
  const room = this.length - offset;
  length = length === undefined ? room : length;
  validate.integer(length, "length", 0, this.length);
  const enc = encodingOf(encoding);
  let bytes = bytesOf(string, enc);
  let n = Math.min(bytes.length, length, room);
  if (enc === "utf8" && n < bytes.length) while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
  if (enc === "utf16le") n -= n % 2;
  this.set(bytes.subarray(0, n), offset);
  return n;
});
define("toJSON", function toJSON() { return { type: "Buffer", data: Array.from(this) }; });
define("slice", function slice(start, end) { return this.subarray(start, end); });
define("subarray", function subarray(start, end) {
  const len = this.length;
  start = start === undefined ? 0 : Math.trunc(+start) || 0;
  end = end === undefined ? len : Math.trunc(+end) || 0;
  if (start < 0) start = Math.max(len + start, 0);
  if (end < 0) end = Math.max(len + end, 0);
  start = Math.min(start, len);
  end = Math.max(Math.min(end, len), start);
  return new FastBuffer(this.buffer, this.byteOffset + start, end - start);
});
function search(buf, value, byteOffset, encoding, forward) {
  if (typeof byteOffset === "string") { encoding = byteOffset; byteOffset = undefined; }
  let from = byteOffset === undefined ? (forward ? 0 : buf.length) : +byteOffset;
  if (Number.isNaN(from)) from = forward ? 0 : buf.length;
  if (from < 0) from += buf.length;
  let needle;
  if (typeof value === "number") needle = [value & 255];
  else if (typeof value === "string") needle = bytesOf(value, encodingOf(encoding));
  else if (value instanceof Uint8Array) needle = value;
  else throw ERR_INVALID_ARG_TYPE("value", ["number", "string", "Buffer", "Uint8Array"], value);
  if (needle.length === 0) return forward ? Math.min(Math.max(from, 0), buf.length) : Math.min(from, buf.length);
  const last = buf.length - needle.length;
  const matches = (i) => { for (let j = 0; j < needle.length; j++) if (buf[i + j] !== needle[j]) return false; return true; };
  if (forward) { for (let i = Math.max(from, 0); i <= last; i++) if (matches(i)) return i; }
  else { for (let i = Math.min(from, last); i >= 0; i--) if (matches(i)) return i; }
  return -1;
}
define("indexOf", function indexOf(value, byteOffset, encoding) { return search(this, value, byteOffset, encoding, true); });
define("lastIndexOf", function lastIndexOf(value, byteOffset, encoding) { return search(this, value, byteOffset, encoding, false); });
define("includes", function includes(value, byteOffset, encoding) { return search(this, value, byteOffset, encoding, true) !== -1; });
function swapper(size) {
  return function () {
    if (this.length % size !== 0) throw ERR_INVALID_BUFFER_SIZE(`${size * 8}-bits`);
    for (let i = 0; i < this.length; i += size) this.subarray(i, i + size).reverse();
    return this;
  };
}
define("swap16", swapper(2));
define("swap32", swapper(4));
define("swap64", swapper(8));
for (const enc of ["utf8", "latin1", "ascii", "hex", "base64", "base64url", "ucs2", "utf16le"]) {
  const name = `${enc === "utf16le" ? "utf16le" : enc}Slice`;
  define(name, function (start = 0, end = this.length) { return stringOf(this.subarray(start, end), normalizeEncoding(enc)); });
  define(`${enc}Write`, function (string, offset = 0, length = this.length - offset) { return this.write(string, offset, length, enc); });
}
Object.defineProperty(proto, "parent", { get() { return this instanceof Buffer ? this.buffer : undefined; }, enumerable: true, configurable: true });
Object.defineProperty(proto, "offset", { get() { return this instanceof Buffer ? this.byteOffset : undefined; }, enumerable: true, configurable: true });

// ---------- numbers: read/write[U]Int{8,16,32}{LE,BE}, Float/Double, BigInt64 ----------
function checkOffset(buf, offset, size) {
  if (offset === undefined) offset = 0;
  else if (typeof offset !== "number") throw ERR_INVALID_ARG_TYPE("offset", "number", offset);
  if (!Number.isInteger(offset)) throw ERR_OUT_OF_RANGE("offset", "an integer", offset);
  if (buf.length - size < 0) throw ERR_BUFFER_OUT_OF_BOUNDS();
  if (offset < 0 || offset > buf.length - size) throw ERR_OUT_OF_RANGE("offset", `>= 0 and <= ${buf.length - size}`, offset);
  return offset;
}
/// How Node states the range an integer of `size` bytes must be in.
function intRange(min, max, size) {
  const n = typeof min === "bigint" ? "n" : "";
  if (size <= 4) return `>= ${min}${n} and <= ${max}${n}`;
  const bits = size * 8;
  return min === 0 || min === 0n
    ? `>= 0${n} and < 2${n} ** ${bits}${n}`
    : `>= -(2${n} ** ${bits - 1}${n}) and < 2 ** ${bits - 1}${n}`;
}
const view = (buf) => new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
const NUMBERS = [
  ["UInt8", "Uint8", 1, 0, 255], ["Int8", "Int8", 1, -128, 127],
  ["UInt16", "Uint16", 2, 0, 0xffff], ["Int16", "Int16", 2, -0x8000, 0x7fff],
  ["UInt32", "Uint32", 4, 0, 0xffffffff], ["Int32", "Int32", 4, -0x80000000, 0x7fffffff],
  ["Float", "Float32", 4], ["Double", "Float64", 8],
  ["BigUInt64", "BigUint64", 8, 0n, 2n ** 64n - 1n], ["BigInt64", "BigInt64", 8, -(2n ** 63n), 2n ** 63n - 1n],
];
for (const [name, dv, size, min, max] of NUMBERS) {
  for (const order of size === 1 ? [""] : ["LE", "BE"]) {
    const little = order === "LE";
    const read = function (offset) { return view(this)[`get${dv}`](checkOffset(this, offset, size), little); };
    const write = function (value, offset) {
      offset = checkOffset(this, offset, size);
      if (min !== undefined) {
        const big = typeof min === "bigint";
        if (big ? typeof value !== "bigint" : typeof value !== "number") throw ERR_INVALID_ARG_TYPE("value", big ? "bigint" : "number", value);
        if (value < min || value > max) throw ERR_OUT_OF_RANGE("value", intRange(min, max, size), value);
      } else if (typeof value !== "number") throw ERR_INVALID_ARG_TYPE("value", "number", value);
      view(this)[`set${dv}`](offset, value, little);
      return offset + size;
    };
    for (const alias of name.startsWith("UInt") || name.startsWith("BigUInt") ? [name, name.replace("UInt", "Uint")] : [name]) {
      define(`read${alias}${order}`, read);
      define(`write${alias}${order}`, write);
    }
  }
}
function variableInt(signed, little) {
  return function (offset, byteLength) {
    validate.integer(byteLength, "byteLength", 1, 6);
    offset = checkOffset(this, offset, byteLength);
    let value = 0;
    for (let i = 0; i < byteLength; i++) value += this[offset + (little ? i : byteLength - 1 - i)] * 2 ** (8 * i);
    if (signed && value >= 2 ** (8 * byteLength - 1)) value -= 2 ** (8 * byteLength);
    return value;
  };
}
function variableWrite(signed, little) {
  return function (value, offset, byteLength) {
    validate.integer(byteLength, "byteLength", 1, 6);
    offset = checkOffset(this, offset, byteLength);
    const bits = 8 * byteLength;
    const [min, max] = signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
    if (typeof value !== "number") throw ERR_INVALID_ARG_TYPE("value", "number", value);
    if (value < min || value > max) throw ERR_OUT_OF_RANGE("value", intRange(min, max, byteLength), value);
    let v = value < 0 ? value + 2 ** bits : value;
    for (let i = 0; i < byteLength; i++) {
      this[offset + (little ? i : byteLength - 1 - i)] = v % 256;
      v = Math.floor(v / 256);
    }
    return offset + byteLength;
  };
}
for (const [order, little] of [["LE", true], ["BE", false]]) {
  for (const u of ["UInt", "Uint"]) {
    define(`read${u}${order}`, variableInt(false, little));
    define(`write${u}${order}`, variableWrite(false, little));
  }
  define(`readInt${order}`, variableInt(true, little));
  define(`writeInt${order}`, variableWrite(true, little));
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");
define(inspectSymbol, function inspect() {
  const shown = Array.from(this.subarray(0, INSPECT_MAX_BYTES), (b) => b.toString(16).padStart(2, "0")).join(" ");
  const more = this.length > INSPECT_MAX_BYTES ? ` ... ${this.length - INSPECT_MAX_BYTES} more byte${this.length - INSPECT_MAX_BYTES > 1 ? "s" : ""}` : "";
  return `<${this.constructor.name} ${shown}${more}>`.replace(`<${this.constructor.name} >`, `<${this.constructor.name}>`);
});

function SlowBuffer(size) { return Buffer.allocUnsafeSlow(size); }
SlowBuffer.prototype = FastBuffer.prototype;

function isUtf8(input) {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!ArrayBuffer.isView(bytes)) throw ERR_INVALID_ARG_TYPE("input", ["ArrayBuffer", "Buffer", "TypedArray"], input);
  return ops.decode("utf-8", new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), true, true) != null;
}
function isAscii(input) {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!ArrayBuffer.isView(bytes)) throw ERR_INVALID_ARG_TYPE("input", ["ArrayBuffer", "Buffer", "TypedArray"], input);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).every((b) => b < 0x80);
}
function transcode(source, from, to) {
  if (!(source instanceof Uint8Array)) throw ERR_INVALID_ARG_TYPE("source", ["Buffer", "Uint8Array"], source);
  const string = stringOf(source, encodingOf(from));
  return wrap(bytesOf(string, encodingOf(to)));
}

const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };
const atob = (data) => core.G.atob(data);
const btoa = (data) => core.G.btoa(data);
const resolveObjectURL = (_id) => undefined;
const module = {
  Buffer, SlowBuffer, constants, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES, isAscii, isUtf8, transcode, atob, btoa,
  resolveObjectURL, Blob: core.Blob, File: core.File,
};
return { ...module, default: module, FastBuffer, bytesOf, stringOf, normalizeEncoding };
