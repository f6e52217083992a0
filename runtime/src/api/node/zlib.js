
// node_zlib, part two: node:zlib's one-shot functions (sync and callback) and its Transform
// streams, over the native zlib and brotli streams (zlib.rs), with workerd's error shapes: a
// one-shot failure is a plain Error with zlib's message, a stream's carries code and errno.

const { codes, nodeError } = core.unit("node_internal");
const { Buffer } = core.unit("node_buffer");
const { Transform } = core.unit("node_stream");

const zlibCodes = {};
for (const [name, value] of Object.entries({ Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2,
  Z_DATA_ERROR: -3, Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6 })) {
  zlibCodes[name] = value;
  zlibCodes[value] = name;
}
Object.freeze(zlibCodes);

/// What a stream of `mode` is made with, checked as workerd checks it.
function streamOptions(mode, options = {}) {
  if (options === null || typeof options !== "object") options = {};
  const brotli = mode === constants.BROTLI_ENCODE || mode === constants.BROTLI_DECODE;
  const check = (name, min, max, fallback) => {
    const value = options[name];
    if (value === undefined) return fallback;
    if (typeof value !== "number" || Number.isNaN(value)) throw codes.ERR_INVALID_ARG_TYPE(`options.${name}`, "number", value);
    if (value < min || value > max) {
      // workerd's zlib option checks throw a plain RangeError (with Node's code and text).
      const { message } = codes.ERR_OUT_OF_RANGE(`options.${name}`, `>= ${min} and <= ${max}`, value);
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", message);
    }
    return value;
  };
  const level = check("level", constants.Z_MIN_LEVEL, constants.Z_MAX_LEVEL, constants.Z_DEFAULT_COMPRESSION);
  const windowBits = check("windowBits", constants.Z_MIN_WINDOWBITS, constants.Z_MAX_WINDOWBITS, constants.Z_DEFAULT_WINDOWBITS);
  const chunkSize = check("chunkSize", constants.Z_MIN_CHUNK, constants.Z_MAX_CHUNK, constants.Z_DEFAULT_CHUNK);
  const maxOutputLength = check("maxOutputLength", 1, 2 ** 32, 2 ** 32);
  const params = brotli ? (options.params ?? {}) : {};
  const quality = params[constants.BROTLI_PARAM_QUALITY] ?? constants.BROTLI_DEFAULT_QUALITY;
  const lgwin = params[constants.BROTLI_PARAM_LGWIN] ?? constants.BROTLI_DEFAULT_WINDOW;
  return { level, windowBits, chunkSize, maxOutputLength, quality, lgwin, info: options.info === true };
}
function open(mode, o) {
  const id = ops.zlibOpen(mode, o.level, o.windowBits, o.quality, o.lgwin);
  if (id == null) throw new Error("Initialization failed");
  return id;
}
/// One call into a native stream: its output, or throws an Error with zlib's message.
function step(id, bytes, finish, withCode) {
  const [out, message, code, errno] = ops.zlibWrite(id, bytes, finish);
  if (out !== null) return out;
  // An output past what an isolate may hold fails as maxOutputLength does.
  const error = code === "ERR_BUFFER_TOO_LARGE" ? new RangeError(message) : new Error(message);
  if (withCode) { error.code = code; error.errno = errno; }
  throw error;
}

function inputBytes(buffer) {
  if (typeof buffer === "string") return Buffer.from(buffer);
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new TypeError("Failed to execute 'zlibSync' on 'ZlibUtil': parameter 1 is not of type 'string or ArrayBuffer or ArrayBufferView'.");
}
function zlibSync(mode, buffer, options) {
  const bytes = inputBytes(buffer);
  const o = streamOptions(mode, options);
  const id = open(mode, o);
  try {
    const out = step(id, bytes, true, false);
    if (out.length > o.maxOutputLength) throw new RangeError("Memory limit exceeded");
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    ops.zlibClose(id);
  }
}
function zlibAsync(mode, buffer, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  core.unit("node_internal").validate.function(callback, "callback");
  let result, error = null;
  try { result = zlibSync(mode, buffer, options); } catch (e) { error = e; }
  queueMicrotask(() => (error ? callback(error) : callback(null, result)));
}

/// The base of every zlib stream: a Transform feeding the native stream chunk by chunk.
class ZlibBase extends Transform {
  #id;
  #mode;
  bytesWritten = 0;
  constructor(mode, options) {
    const o = streamOptions(mode, options);
    super({ ...options, highWaterMark: options?.highWaterMark ?? o.chunkSize });
    this.#mode = mode;
    this.#id = open(mode, o);
    this._options = o;
    this.on("close", () => this.close());
  }
  get _handle() { return this.#id === null ? null : {}; }
  #run(chunk, finish) {
    return step(this.#id, chunk, finish, true);
  }
  _transform(chunk, encoding, callback) {
    let out;
    try {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
      this.bytesWritten += bytes.length;
      out = this.#run(bytes, false);
    } catch (err) {
      callback(err);
      return;
    }
    if (out.length) this.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    callback();
  }
  _flush(callback) {
    let out;
    try { out = this.#run(new Uint8Array(0), true); } catch (err) { callback(err); return; }
    if (out.length) this.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    callback();
  }
  flush(kind, callback) {
    if (typeof kind === "function") callback = kind;
    if (typeof callback === "function") queueMicrotask(callback);
  }
  /// Changes the compression level from here on (zlib's deflateParams); the strategy is zlib's
  /// default whatever is asked.
  params(level, strategy, callback) {
    if (typeof level !== "number" || level < constants.Z_MIN_LEVEL || level > constants.Z_MAX_LEVEL) {
      const { message } = codes.ERR_OUT_OF_RANGE("level", `>= ${constants.Z_MIN_LEVEL} and <= ${constants.Z_MAX_LEVEL}`, level);
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", message);
    }
    void strategy;
    ops.zlibParams(this.#id, level);
    if (typeof callback === "function") queueMicrotask(callback);
  }
  reset() {
    ops.zlibClose(this.#id);
    this.#id = open(this.#mode, this._options);
  }
  close(callback) {
    if (this.#id !== null) { ops.zlibClose(this.#id); this.#id = null; }
    if (typeof callback === "function") queueMicrotask(callback);
    if (!this.destroyed) this.destroy();
  }
}
const classes = {};
const functions = {};
for (const [name, mode, fn] of [
  ["Deflate", constants.DEFLATE, "deflate"], ["Inflate", constants.INFLATE, "inflate"], ["Gzip", constants.GZIP, "gzip"],
  ["Gunzip", constants.GUNZIP, "gunzip"], ["DeflateRaw", constants.DEFLATERAW, "deflateRaw"],
  ["InflateRaw", constants.INFLATERAW, "inflateRaw"], ["Unzip", constants.UNZIP, "unzip"],
  ["BrotliCompress", constants.BROTLI_ENCODE, "brotliCompress"], ["BrotliDecompress", constants.BROTLI_DECODE, "brotliDecompress"],
]) {
  const C = { [name]: class extends ZlibBase { constructor(options) { super(mode, options); } } }[name];
  classes[name] = C;
  functions[`create${name}`] = (options) => new C(options);
  functions[fn] = (buffer, options, callback) => zlibAsync(mode, buffer, options, callback);
  functions[`${fn}Sync`] = (buffer, options) => zlibSync(mode, buffer, options);
}
const zstdNotYet = (name) => () => { throw new Error(`edgesim does not implement zlib.${name} yet`); };
for (const name of ["ZstdCompress", "ZstdDecompress", "createZstdCompress", "createZstdDecompress", "zstdCompress",
  "zstdCompressSync", "zstdDecompress", "zstdDecompressSync"]) {
  functions[name] = zstdNotYet(name);
}

/// CRC-32 (zlib's), continuing from `value`.
const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}
function crc32(data, value = 0) {
  const bytes = typeof data === "string" ? Buffer.from(data) : inputBytes(data);
  core.unit("node_internal").validate.integer(value, "value", 0, 2 ** 32 - 1);
  let crc = (value ^ -1) | 0;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const zlib = { ...classes, ...functions, ...constants, constants, codes: zlibCodes, crc32 };
return { ...zlib, default: zlib };
